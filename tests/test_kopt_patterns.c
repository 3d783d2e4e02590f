/* The larger patterns of L (-pc_kopt_pattern level:k, power:k; src/factor/pattern_level.c,
   pattern_power.c) against independent constructions on small matrices:
   - level:k against a dense right-looking symbolic elimination of levels (entry (i, j) gets
     min over k of lev(i, k) + lev(k, j) + 1, entries above level k dropped before they take
     part), and its size against PETSc's own ICC(k) factor (-pc_factor_levels k);
   - power:k against the boolean dense product pattern(A)^k;
   - level:0 and power:1 are tril(A), power:0 the diagonal;
   and PCKOPT's getter and PCView name the pattern asked for. */
#include "testutil.h"
#include "kgnn_impl.h"

#define SS "../shared/matrices/suitesparse/"

/* lower-triangular dense boolean of a KGNNLower pattern, and the comparison */
static PetscErrorCode SamePattern(const char *what, const KGNNLower *L, const char *D, PetscInt n)
{
  PetscInt nd = 0, bad = 0;

  PetscFunctionBegin;
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt i = j; i < n; i++) nd += D[i + (size_t)j * n] != 0;
  for (PetscInt j = 0; j < n; j++) {
    PetscCheck(L->rowidx[L->colptr[j]] == j, PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s: column %d does not start at its diagonal", what, (int)j);
    for (PetscInt p = L->colptr[j]; p < L->colptr[j + 1]; p++) {
      if (p > L->colptr[j]) CHECK(L->rowidx[p] > L->rowidx[p - 1], "%s: column %d not ascending", what, (int)j);
      if (!D[L->rowidx[p] + (size_t)j * n]) bad++;
    }
  }
  CHECK(bad == 0 && L->colptr[n] == nd, "%s: %d entries, the dense construction %d (%d not in it)", what, (int)L->colptr[n], (int)nd, (int)bad);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DenseLevels(const KGNNCSR *A, PetscInt K, char **D)
{
  PetscInt n = A->n, *lev, INF = PETSC_MAX_INT / 4;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1((size_t)n * n, &lev));
  PetscCall(PetscCalloc1((size_t)n * n, D));
  for (size_t q = 0; q < (size_t)n * n; q++) lev[q] = INF;
  for (PetscInt i = 0; i < n; i++) {
    lev[i + (size_t)i * n] = 0;
    for (PetscInt p = A->rowptr[i]; p < A->rowptr[i + 1]; p++) lev[i + (size_t)A->colidx[p] * n] = lev[A->colidx[p] + (size_t)i * n] = 0;
  }
  for (PetscInt k = 0; k < n; k++)
    for (PetscInt i = k + 1; i < n; i++) {
      PetscInt lik = lev[i + (size_t)k * n];
      if (lik > K) continue;
      for (PetscInt j = k + 1; j < n; j++) {
        PetscInt ljk = lev[j + (size_t)k * n];
        if (ljk <= K && lik + ljk + 1 < lev[i + (size_t)j * n]) lev[i + (size_t)j * n] = lik + ljk + 1;
      }
    }
  for (size_t q = 0; q < (size_t)n * n; q++) (*D)[q] = lev[q] <= K;
  PetscCall(PetscFree(lev));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DensePower(const KGNNCSR *A, PetscInt K, char **D)
{
  PetscInt n = A->n;
  char    *B, *C;

  PetscFunctionBegin;
  PetscCall(PetscCalloc1((size_t)n * n, &B));
  PetscCall(PetscCalloc1((size_t)n * n, D));
  PetscCall(PetscMalloc1((size_t)n * n, &C));
  for (PetscInt i = 0; i < n; i++) {
    (*D)[i + (size_t)i * n] = B[i + (size_t)i * n] = 1;
    for (PetscInt p = A->rowptr[i]; p < A->rowptr[i + 1]; p++) B[i + (size_t)A->colidx[p] * n] = B[A->colidx[p] + (size_t)i * n] = 1;
  }
  for (PetscInt s = 0; s < K; s++) { /* D = D * B, boolean */
    for (PetscInt j = 0; j < n; j++)
      for (PetscInt i = 0; i < n; i++) {
        char v = 0;
        for (PetscInt l = 0; l < n && !v; l++) v = (*D)[i + (size_t)l * n] && B[l + (size_t)j * n];
        C[i + (size_t)j * n] = v;
      }
    PetscCall(PetscArraycpy(*D, C, (size_t)n * n));
  }
  PetscCall(PetscFree(B));
  PetscCall(PetscFree(C));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* entries of PETSc's ICC(k) factor (upper triangle with the diagonal) */
static PetscErrorCode ICCEntries(Mat M, PetscInt k, PetscInt *nz)
{
  PC      pc;
  Mat     F;
  MatInfo info;

  PetscFunctionBegin;
  PetscCall(PCCreate(PETSC_COMM_SELF, &pc));
  PetscCall(PCSetType(pc, PCICC));
  PetscCall(PCFactorSetLevels(pc, k));
  PetscCall(PCSetOperators(pc, M, M));
  PetscCall(PCSetUp(pc));
  PetscCall(PCFactorGetMatrix(pc, &F));
  PetscCall(MatGetInfo(F, MAT_LOCAL, &info));
  *nz = (PetscInt)info.nz_used;
  PetscCall(PCDestroy(&pc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Check(const char *name, Mat M)
{
  KGNNCSR   A;
  KGNNLower L, T;
  char      what[128], *D;

  PetscFunctionBegin;
  PetscCall(KGNNMatGetCSR(M, &A));
  PetscCall(KGNNLowerCreateFromCSR(&A, PETSC_FALSE, &T));
  for (PetscInt k = 0; k <= 3; k++) {
    PetscInt icc = -1;
    PetscCall(KGNNPatternLevel(&A, k, &L));
    PetscCall(DenseLevels(&A, k, &D));
    PetscCall(PetscSNPrintf(what, sizeof(what), "%s level:%d", name, (int)k));
    PetscCall(SamePattern(what, &L, D, A.n));
    PetscCall(ICCEntries(M, k, &icc));
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "%-28s %7d entries (PETSc's ICC(%d): %d)\n", what, (int)L.colptr[A.n], (int)k, (int)icc));
    CHECK(L.colptr[A.n] == icc, "%s: %d entries, PETSc's ICC(%d) factor %d", what, (int)L.colptr[A.n], (int)k, (int)icc);
    if (k == 0) CHECK(L.colptr[A.n] == T.colptr[A.n], "%s: level:0 is not tril(A)", name);
    PetscCall(PetscFree(D));
    PetscCall(KGNNLowerDestroy(&L));
    PetscCall(KGNNPatternPower(&A, k, &L));
    PetscCall(DensePower(&A, k, &D));
    PetscCall(PetscSNPrintf(what, sizeof(what), "%s power:%d", name, (int)k));
    PetscCall(SamePattern(what, &L, D, A.n));
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "%-28s %7d entries\n", what, (int)L.colptr[A.n]));
    if (k == 0) CHECK(L.colptr[A.n] == A.n, "%s: power:0 is not the diagonal", name);
    if (k == 1) CHECK(L.colptr[A.n] == T.colptr[A.n], "%s: power:1 is not tril(A)", name);
    PetscCall(PetscFree(D));
    PetscCall(KGNNLowerDestroy(&L));
  }
  PetscCall(KGNNLowerDestroy(&T));
  PetscCall(KGNNMatRestoreCSR(M, &A));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  const char     *names[] = {"bcsstk01", "mesh1e1", "nos4", "494_bus", "gr_30_30"};
  Mat             A;
  PC              pc;
  KGNNPatternType type;
  PetscInt        k;
  PetscViewer     v;
  char           *text = NULL;
  size_t          len  = 1 << 16;
  PetscBool       named;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  PetscCall(TestPoisson2D(PETSC_COMM_SELF, 9, &A));
  PetscCall(Check("poisson2d_9", A));
  PetscCall(MatDestroy(&A));
  PetscCall(TestPoisson3D(5, &A));
  PetscCall(Check("poisson3d_5", A));
  PetscCall(MatDestroy(&A));
  for (size_t j = 0; j < sizeof(names) / sizeof(names[0]); j++) {
    char path[PETSC_MAX_PATH_LEN];
    PetscCall(PetscSNPrintf(path, sizeof(path), SS "%s.mtx", names[j]));
    PetscCall(KGNNMatLoad(PETSC_COMM_SELF, path, &A));
    PetscCall(Check(names[j], A));
    PetscCall(MatDestroy(&A));
  }

  /* the option, the getter and PCView */
  PetscCall(TestPoisson2D(PETSC_COMM_SELF, 8, &A));
  PetscCall(PetscOptionsSetValue(NULL, "-pc_kopt_pattern", "power:2"));
  PetscCall(PCCreate(PETSC_COMM_SELF, &pc));
  PetscCall(PCSetType(pc, PCKOPT));
  PetscCall(PCSetOperators(pc, A, A));
  PetscCall(PCSetFromOptions(pc));
  PetscCall(PetscOptionsClearValue(NULL, "-pc_kopt_pattern"));
  PetscCall(PCSetUp(pc));
  PetscCall(PCKOPTGetPattern(pc, &type, &k));
  CHECK(type == KGNN_PATTERN_POWER && k == 2, "-pc_kopt_pattern power:2 read as %s:%d", KGNNPatternTypes[type], (int)k);
  PetscCall(PetscMalloc1(len, &text));
  PetscCall(PetscViewerASCIIOpen(PETSC_COMM_SELF, "/tmp/kgnn_test_patterns_view.txt", &v));
  PetscCall(PCView(pc, v));
  PetscCall(PetscViewerDestroy(&v));
  {
    FILE  *f   = fopen("/tmp/kgnn_test_patterns_view.txt", "r");
    size_t got = f ? fread(text, 1, len - 1, f) : 0;
    text[got]  = 0;
    if (f) fclose(f);
  }
  named = strstr(text, "on the pattern power:2") ? PETSC_TRUE : PETSC_FALSE;
  CHECK(named, "PCView does not name the pattern power:2");
  PetscCall(PetscFree(text));
  PetscCall(PCDestroy(&pc));
  PetscCall(MatDestroy(&A));
  TEST_END();
}
