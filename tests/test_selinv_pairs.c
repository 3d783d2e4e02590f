/* The pairs of rows that Algorithm 1 reads (the off-diagonal entries of P, from s_i x s_i) and
   the filled pattern of the Cholesky factor of A (src/factor/fill_pairs.c, the count behind
   the selected inversion's handling of them):
   - the count of pairs outside the filled pattern, and that pattern's size, against a dense
     boolean symbolic elimination (independent: n^3 over a dense pattern), on 2D and 3D grids
     and SuiteSparse matrices, in the natural order and under random permutations, for tril,
     level:1 and power:2;
   - tril(A) in the natural order: none outside (i is eliminated before the rows of s_i);
   - what it costs to put them in the structure CHOLMOD factors, printed for the README: the
     entries of the factor of A alone (CHOLMOD's ordering of A), and of A + P under that
     ordering (KGNN_SELINV_ORDER_A) and under CHOLMOD's ordering of A + P (KGNN_SELINV_ORDER_AP,
     PCKOPT's); the test fails if PCKOPT's choice ever gives the larger factor. */
#include "testutil.h"
#include "kgnn_impl.h"

#define SS "../shared/matrices/suitesparse/"

/* P of the given pattern (-pc_kopt_pattern syntax) for A */
static PetscErrorCode Pattern(const KGNNCSR *A, KGNNPatternType type, PetscInt k, KGNNKoptSymbolic *S)
{
  PetscFunctionBegin;
  PetscCall(KGNNKoptSymbolicCreate(A, type, k, S));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the dense reference: eliminate A(perm, perm) on a boolean n x n pattern */
static PetscErrorCode DenseCount(const KGNNCSR *A, const PetscInt *perm, const KGNNKoptSymbolic *S, PetscInt *outside, double *lnz)
{
  PetscInt n = A->n, *pinv;
  char    *F;

  PetscFunctionBegin;
  PetscCall(PetscCalloc1((size_t)n * n, &F));
  PetscCall(PetscMalloc1(n, &pinv));
  for (PetscInt k = 0; k < n; k++) pinv[perm ? perm[k] : k] = k;
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt p = A->rowptr[i]; p < A->rowptr[i + 1]; p++) F[pinv[i] + (size_t)pinv[A->colidx[p]] * n] = 1;
  for (PetscInt k = 0; k < n; k++)
    for (PetscInt i = k + 1; i < n; i++)
      if (F[i + (size_t)k * n])
        for (PetscInt j = k + 1; j < n; j++)
          if (F[j + (size_t)k * n]) F[i + (size_t)j * n] = 1;
  *lnz = 0;
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt i = j; i < n; i++) *lnz += F[i + (size_t)j * n] || i == j;
  *outside = 0;
  for (PetscInt c = 0; c < n; c++)
    for (PetscInt p = S->Pptr[c]; p < S->Pptr[c + 1]; p++) {
      PetscInt a = pinv[S->Pidx[p]], b = pinv[c];
      if (a != b && !F[PetscMax(a, b) + (size_t)PetscMin(a, b) * n]) (*outside)++;
    }
  PetscCall(PetscFree(pinv));
  PetscCall(PetscFree(F));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void RandomPerm(PetscInt n, uint64_t seed, PetscInt *perm)
{
  uint64_t s = 0x9E3779B97F4A7C15ULL ^ seed;
  for (PetscInt k = 0; k < n; k++) perm[k] = k;
  for (PetscInt k = n - 1; k > 0; k--) {
    PetscInt j, t;
    s ^= s << 13, s ^= s >> 7, s ^= s << 17; /* xorshift64 */
    j = (PetscInt)(s % (uint64_t)(k + 1)), t = perm[k], perm[k] = perm[j], perm[j] = t;
  }
}

static PetscErrorCode CheckCounts(const char *name, Mat M)
{
  KGNNCSR         A;
  const char     *pname[3] = {"tril", "level:1", "power:2"};
  KGNNPatternType type[3]  = {KGNN_PATTERN_TRIL, KGNN_PATTERN_LEVEL, KGNN_PATTERN_POWER};
  PetscInt        k[3]     = {0, 1, 2}, *perm;

  PetscFunctionBegin;
  PetscCall(KGNNMatGetCSR(M, &A));
  PetscCall(PetscMalloc1(A.n, &perm));
  for (int t = 0; t < 3; t++) {
    KGNNKoptSymbolic S;
    PetscCall(Pattern(&A, type[t], k[t], &S));
    for (int order = 0; order < 3; order++) { /* natural, two random permutations */
      PetscInt out, outd = -1;
      double   lnz, lnzd = -1;
      if (order) RandomPerm(A.n, (uint64_t)order, perm);
      PetscCall(KGNNFillPairsOutside(&A, order ? perm : NULL, S.Pptr, S.Pidx, &out, &lnz));
      PetscCall(DenseCount(&A, order ? perm : NULL, &S, &outd, &lnzd));
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "%-14s %-8s %-9s pairs read %6d, outside the filled pattern %6d (dense elimination %6d); nnz(L) %8.0f (dense %8.0f)\n", name, pname[t], order ? "random" : "natural", (int)(S.Pptr[A.n] - A.n), (int)out,
                            (int)outd, lnz, lnzd));
      CHECK(out == outd && lnz == lnzd, "%s %s: fill_pairs counts %d pairs outside and nnz(L) %.0f, the dense elimination %d and %.0f", name, pname[t], (int)out, lnz, (int)outd, lnzd);
      if (t == 0 && !order) CHECK(out == 0, "%s: tril(A) in the natural order has %d pairs outside the filled pattern", name, (int)out);
    }
    PetscCall(KGNNKoptSymbolicDestroy(&S));
  }
  PetscCall(PetscFree(perm));
  PetscCall(KGNNMatRestoreCSR(M, &A));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the factor's entries with P's pairs added, under the two orderings, against those of A's
   own factor under CHOLMOD's ordering of A */
static PetscErrorCode Cost(const char *name, Mat M, KGNNPatternType type, PetscInt k)
{
  KGNNCSR          A;
  KGNNKoptSymbolic S;
  double           lnzA = 0, lnzO = 0;

  PetscFunctionBegin;
  PetscCall(KGNNMatGetCSR(M, &A));
  PetscCall(Pattern(&A, type, k, &S));
  for (int o = 0; o < 2; o++) {
    KGNNSelInv      sel;
    KGNNSelInvStats st;
    PetscCall(KGNNSelInvSymbolic(&A, S.Pptr, S.Pidx, o ? KGNN_SELINV_ORDER_AP : KGNN_SELINV_ORDER_A, &sel));
    PetscCall(KGNNSelInvGetStats(sel, &A, S.Pptr, S.Pidx, &st));
    if (!o) {
      lnzA = st.lnz_A;
      lnzO = st.lnz;
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "| %s | %s | %d | %d | %.4g (%s) |", name,
                            type == KGNN_PATTERN_TRIL    ? "tril"
                            : type == KGNN_PATTERN_LEVEL ? "level:1"
                                                         : "power:2",
                            (int)A.n, (int)(S.Pptr[A.n] - A.n), lnzA, KGNNCholmodOrderingName(st.ordering)));
    } else PetscCall(PetscPrintf(PETSC_COMM_SELF, " %s |", KGNNCholmodOrderingName(st.ordering)));
    PetscCall(PetscPrintf(PETSC_COMM_SELF, " %d | %.4g (%.2fx) |", (int)st.outside, st.lnz, st.lnz / lnzA));
    if (o) CHECK(st.lnz < lnzO, "%s: ordering A + P gives %.3g entries, ordering A %.3g: PCKOPT's choice is the worse one here", name, st.lnz, lnzO);
    PetscCall(KGNNSelInvDestroy(&sel));
  }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "\n"));
  PetscCall(KGNNKoptSymbolicDestroy(&S));
  PetscCall(KGNNMatRestoreCSR(M, &A));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  const char *small[] = {"bcsstk01", "nos4", "494_bus"}, *big[] = {"nos3", "bcsstk16", "crystm01"};
  Mat         A;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  PetscCall(TestPoisson2D(PETSC_COMM_SELF, 12, &A));
  PetscCall(CheckCounts("poisson2d_12", A));
  PetscCall(MatDestroy(&A));
  PetscCall(TestPoisson3D(6, &A));
  PetscCall(CheckCounts("poisson3d_6", A));
  PetscCall(MatDestroy(&A));
  for (size_t k = 0; k < 3; k++) {
    char path[PETSC_MAX_PATH_LEN];
    PetscCall(PetscSNPrintf(path, sizeof(path), SS "%s.mtx", small[k]));
    PetscCall(KGNNMatLoad(PETSC_COMM_SELF, path, &A));
    PetscCall(CheckCounts(small[k], A));
    PetscCall(MatDestroy(&A));
  }

  PetscCall(PetscPrintf(
      PETSC_COMM_SELF,
      "\n| matrix | pattern | n | pairs read | nnz(L) of A (CHOLMOD's ordering of A) | that ordering: pairs outside | nnz(L) with them | CHOLMOD's ordering of A + P | pairs outside | nnz(L) with them |\n|---|---|---|---|---|---|---|---|---|---|\n"));
  for (int t = 0; t < 3; t++) {
    KGNNPatternType type = t == 0 ? KGNN_PATTERN_TRIL : t == 1 ? KGNN_PATTERN_LEVEL : KGNN_PATTERN_POWER;
    PetscInt        k    = t == 0 ? 0 : t;
    PetscCall(TestPoisson2D(PETSC_COMM_SELF, 100, &A));
    PetscCall(Cost("2D Poisson 100^2", A, type, k));
    PetscCall(MatDestroy(&A));
    PetscCall(TestPoisson3D(20, &A));
    PetscCall(Cost("3D Poisson 20^3", A, type, k));
    PetscCall(MatDestroy(&A));
    if (t == 0) { /* where CHOLMOD orders A by METIS: its separators are crossed as AMD's are */
      PetscCall(TestPoisson3D(40, &A));
      PetscCall(Cost("3D Poisson 40^3", A, type, k));
      PetscCall(MatDestroy(&A));
    }
    for (size_t j = 0; j < 3; j++) {
      char path[PETSC_MAX_PATH_LEN];
      PetscCall(PetscSNPrintf(path, sizeof(path), SS "%s.mtx", big[j]));
      PetscCall(KGNNMatLoad(PETSC_COMM_SELF, path, &A));
      PetscCall(Cost(big[j], A, type, k));
      PetscCall(MatDestroy(&A));
    }
  }
  TEST_END();
}
