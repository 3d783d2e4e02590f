/* Order dependence (the paper's Sec. "Order-dependence of the GNN-based preconditioners"): a
   message-passing network without the positional feature is permutation equivariant on A's edges,
   but the factor keeps the entries with i >= j, so in general
     tril(GNN(P^T A P)) != P^T tril(GNN(A)) P.
   What the order changes is only each edge's orientation (which end is eliminated first). So,
   on a 2D Poisson matrix with perturbed entries, shifted to stay SPD (natural order):
   - any permutation (here a wavefront order, the reversed order and a random one) moves the
     network's edge outputs with the edges, for the models without the positional feature;
   - the positional feature (-1/0/+1 by orientation, Appendix B) breaks that under the reversed
     order, and keeps it under the wavefront order, which orients every edge as the natural order
     does (a left or lower neighbour comes first in both); so does the elimination-order layer
     (ElimOrder, the shipped default), which visits the columns in order as IC(0) does: the
     wavefront order keeps every column's dependences, the reversed order does not;
   - the factor of PCGNN and the K-optimal factor of PCKOPT commute with the wavefront order,
     and not with the reversed one.
   Tolerances as in testutil.h (TestFactorKappa): the two orders sum each node's incoming edges in
   another order, and put each edge or node at another row of the GEMMs, which OpenBLAS may give to
   another kernel (a tail of its blocking) with another order of the hidden-length sums: a relative
   round-off of gamma_K, K = (depth + 2) (maxdeg + 2 hidden) (each block, the encoder and the
   decoder: an aggregation of at most maxdeg terms and two MLP layers), which moves the result by
   at most F kappa gamma_K, kappa its measured relative change per relative change of A's entries,
   F = 10. "Differs" means above 100 times that. */
#include "testutil.h"

/* B(perm[i], perm[j]) = A(i, j) */
static PetscErrorCode Permute(Mat A, const PetscInt *perm, Mat *B)
{
  PetscInt n;

  PetscFunctionBegin;
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, n, n, 8, NULL, B));
  for (PetscInt i = 0; i < n; i++) {
    PetscInt           nc;
    const PetscInt    *cols;
    const PetscScalar *vals;
    PetscCall(MatGetRow(A, i, &nc, &cols, &vals));
    for (PetscInt k = 0; k < nc; k++) PetscCall(MatSetValue(*B, perm[i], perm[cols[k]], vals[k], INSERT_VALUES));
    PetscCall(MatRestoreRow(A, i, &nc, &cols, &vals));
  }
  PetscCall(MatAssemblyBegin(*B, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*B, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the network's outputs on A's edges (CSR order, PCGNN's graph), and each edge's position in B's
   CSR (edge i -> j of A is perm[i] -> perm[j] of B) */
static PetscErrorCode EdgeOutputs(KGNNNetwork net, Mat A, PetscReal delta, PetscInt *nnz, PetscReal **out)
{
  PetscInt   n, k = 0;
  PetscInt  *s, *r;
  PetscReal *a;
  Mat        Ap = A;

  PetscFunctionBegin;
  if (delta > 0) PetscCall(TestPerturbMatrix(A, delta, 7, &Ap));
  PetscCall(MatGetSize(A, &n, NULL));
  {
    MatInfo info;
    PetscCall(MatGetInfo(Ap, MAT_LOCAL, &info));
    *nnz = (PetscInt)info.nz_used;
  }
  PetscCall(PetscMalloc3(*nnz, &s, *nnz, &r, *nnz, &a));
  PetscCall(PetscMalloc1(*nnz, out));
  for (PetscInt i = 0; i < n; i++) {
    PetscInt           nc;
    const PetscInt    *cols;
    const PetscScalar *vals;
    PetscCall(MatGetRow(Ap, i, &nc, &cols, &vals));
    for (PetscInt q = 0; q < nc; q++, k++) s[k] = i, r[k] = cols[q], a[k] = PetscRealPart(vals[q]);
    PetscCall(MatRestoreRow(Ap, i, &nc, &cols, &vals));
  }
  PetscCall(KGNNNetworkForward(net, n, *nnz, s, r, a, *out));
  PetscCall(PetscFree3(s, r, a));
  if (Ap != A) PetscCall(MatDestroy(&Ap));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* max over A's edges of |outB(perm edge) - outA(edge)| / max |outA| */
static PetscErrorCode EdgeDiff(Mat A, Mat B, const PetscInt *perm, const PetscReal *oa, const PetscReal *ob, PetscReal *rel)
{
  PetscInt  n, k = 0, *start;
  PetscReal dmax = 0, amax = 0;

  PetscFunctionBegin;
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(PetscMalloc1(n + 1, &start));
  start[0] = 0;
  for (PetscInt i = 0; i < n; i++) {
    PetscInt nc;
    PetscCall(MatGetRow(B, i, &nc, NULL, NULL));
    start[i + 1] = start[i] + nc;
    PetscCall(MatRestoreRow(B, i, &nc, NULL, NULL));
  }
  for (PetscInt i = 0; i < n; i++) {
    PetscInt        nc;
    const PetscInt *cols;
    PetscCall(MatGetRow(A, i, &nc, &cols, NULL));
    for (PetscInt q = 0; q < nc; q++, k++) {
      PetscInt        ncb, pos = -1;
      const PetscInt *cb;
      PetscCall(MatGetRow(B, perm[i], &ncb, &cb, NULL));
      for (PetscInt t = 0; t < ncb; t++)
        if (cb[t] == perm[cols[q]]) pos = start[perm[i]] + t;
      PetscCall(MatRestoreRow(B, perm[i], &ncb, &cb, NULL));
      PetscCheck(pos >= 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "edge %d -> %d missing in B", (int)i, (int)cols[q]);
      dmax = PetscMax(dmax, PetscAbsReal(ob[pos] - oa[k])), amax = PetscMax(amax, PetscAbsReal(oa[k]));
    }
    PetscCall(MatRestoreRow(A, i, &nc, &cols, NULL));
  }
  *rel = dmax / amax;
  PetscCall(PetscFree(start));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* |L_B(perm, perm) - L_A| / |L_A|, max-abs over the dense copies */
static PetscErrorCode FactorDiff(Mat LA, Mat LB, const PetscInt *perm, PetscReal *rel)
{
  PetscInt     n;
  PetscScalar *DA, *DB, *DBp;

  PetscFunctionBegin;
  PetscCall(MatGetSize(LA, &n, NULL));
  PetscCall(TestDense(LA, &DA));
  PetscCall(TestDense(LB, &DB));
  PetscCall(PetscMalloc1((size_t)n * n, &DBp));
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt i = 0; i < n; i++) DBp[i + (size_t)j * n] = DB[perm[i] + (size_t)perm[j] * n];
  *rel = TestRelDiff(n, DBp, DA);
  PetscCall(PetscFree(DA));
  PetscCall(PetscFree(DB));
  PetscCall(PetscFree(DBp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  const PetscInt  m = 8, n = m * m, maxdeg = 5, hidden = 16; /* every model here: hidden 16 */
  /* ordered: the outputs depend on the orientation (the positional feature, or ElimOrder) */
  const char     *models[]  = {"share/models/default.h5", "share/models/messagepassing.h5", "tests/fixtures/gnn_MessagePassingMLP_d3_nopos.h5", "tests/fixtures/gnn_MessagePassingMLP_d3_pos.h5", "tests/fixtures/gnn_GATv2_d3_nopos.h5", "tests/fixtures/gnn_GATv2_d3_pos.h5"};
  const PetscBool ordered[] = {PETSC_TRUE, PETSC_FALSE, PETSC_FALSE, PETSC_TRUE, PETSC_FALSE, PETSC_TRUE};
  const PetscInt  depth[]   = {1, 3, 3, 3, 3, 3};
  const int       nmodels   = (int)(sizeof(models) / sizeof(models[0]));
  const char     *pname[]      = {"wavefront", "reversed", "random"};
  PetscInt        perm[3][64];
  Mat             A0, A, B[3];
  PetscRandom     rnd;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  PetscCall(TestPoisson2D(PETSC_COMM_SELF, m, &A0));
  PetscCall(TestPerturbMatrix(A0, 0.2, 3, &A)); /* distinct entries: equal ones would hide a permutation */
  PetscCall(MatShift(A, 2.0));                  /* diagonal >= 5.2 > 4 x 1.2: SPD by dominance */
  {                                             /* the wavefront order: by x + y, then x; a left (x - 1) or lower (y - 1) neighbour comes first,
                                                   as in the natural order */
    PetscInt k = 0;
    for (PetscInt d = 0; d <= 2 * (m - 1); d++)
      for (PetscInt x = 0; x < m; x++) {
        PetscInt y = d - x;
        if (y >= 0 && y < m) perm[0][y * m + x] = k++;
      }
  }
  for (PetscInt i = 0; i < n; i++) perm[1][i] = n - 1 - i, perm[2][i] = i;
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  for (PetscInt i = n - 1; i > 0; i--) {
    PetscReal u;
    PetscInt  j, t;
    PetscCall(PetscRandomGetValueReal(rnd, &u));
    j = (PetscInt)(u * (i + 1)), j = PetscMin(j, i), t = perm[2][i], perm[2][i] = perm[2][j], perm[2][j] = t;
  }
  for (int p = 0; p < 3; p++) PetscCall(Permute(A, perm[p], &B[p]));

  /* edges: equivariance without the positional feature, orientation with it */
  for (int mi = 0; mi < nmodels; mi++) {
    KGNNNetwork net;
    PetscInt    nnz, nnzp, nnzb;
    PetscReal  *oa, *op, *ob, kappa = 0, tol, delta = 1e-9;
    PetscCall(KGNNNetworkLoad(models[mi], &net));
    PetscCall(EdgeOutputs(net, A, 0, &nnz, &oa));
    for (int tries = 0; tries < 4; tries++) { /* kappa: the outputs' relative change per relative change of A */
      PetscReal dmax = 0, amax = 0;
      PetscCall(EdgeOutputs(net, A, delta, &nnzp, &op));
      for (PetscInt k = 0; k < nnz; k++) dmax = PetscMax(dmax, PetscAbsReal(op[k] - oa[k])), amax = PetscMax(amax, PetscAbsReal(oa[k]));
      PetscCall(PetscFree(op));
      kappa = dmax / amax / delta;
      if (kappa * delta < 1e-4) break;
      delta = 1e-6 / kappa;
    }
    tol = 10 * PetscMax(kappa, 1) * TestGamma((depth[mi] + 2) * (maxdeg + 2 * hidden));
    for (int p = 0; p < 3; p++) {
      PetscReal rel = 0;
      PetscCall(EdgeOutputs(net, B[p], 0, &nnzb, &ob));
      PetscCall(EdgeDiff(A, B[p], perm[p], oa, ob, &rel));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s, %s order: edge outputs moved with the edges within %.2e (tolerance %.2e, kappa %.3g)\n", models[mi], pname[p], (double)rel, (double)tol, (double)kappa));
      if (!ordered[mi] || p == 0) CHECK(rel <= tol, "%s, %s order: the edge outputs do not follow the permutation (%.3e > %.3e)", models[mi], pname[p], (double)rel, (double)tol);
      else if (p == 1) CHECK(rel > 100 * tol, "%s, reversed order: the positional feature or the elimination order should make the outputs order-dependent (%.3e)", models[mi], (double)rel);
      PetscCall(PetscFree(ob));
    }
    PetscCall(PetscFree(oa));
    PetscCall(KGNNNetworkDestroy(&net));
  }

  /* factors: PCGNN (the shipped model, and a positional one) and PCKOPT commute with the
     wavefront order, not with the reversed one */
  for (int f = 0; f < 3; f++) {
    TestGnnCtx        ctx    = {f == 0 ? models[0] : models[3], PCGNN_SCALE_MODEL};
    KGNNInverseMethod method = KGNN_INVERSE_DENSE;
    TestFactorFn      fn     = f < 2 ? TestGnnFactorFn : TestKoptFactorFn;
    void             *c      = f < 2 ? (void *)&ctx : (void *)&method;
    const char       *name   = f == 0 ? "PCGNN (shipped model)" : f == 1 ? "PCGNN (positional MessagePassingMLP)" : "PCKOPT";
    PetscReal         kmax, kfro, tol;
    Mat               LA;
    PetscCall(TestFactorKappa(A, fn, c, &kmax, &kfro));
    tol = 10 * PetscMax(kmax, 1) * TestGamma(f < 2 ? (3 + 2) * (maxdeg + 2 * hidden) : n + 4);
    PetscCall(fn(A, c, &LA));
    for (int p = 0; p < 2; p++) {
      Mat                LB;
      PetscReal          rel = 0;
      PetscInt           itsA, itsB;
      KSPConvergedReason ra, rb;
      PetscCall(fn(B[p], c, &LB));
      PetscCall(FactorDiff(LA, LB, perm[p], &rel));
      {
        PC pa, pb;
        PetscCall(PCCreate(PETSC_COMM_SELF, &pa));
        PetscCall(PCCreate(PETSC_COMM_SELF, &pb));
        PetscCall(PCSetOperators(pa, A, A));
        PetscCall(PCSetOperators(pb, B[p], B[p]));
        PetscCall(KGNNPCSetFactor(pa, LA));
        PetscCall(KGNNPCSetFactor(pb, LB));
        PetscCall(TestCGIterations(A, pa, NULL, &itsA, &ra));
        PetscCall(TestCGIterations(B[p], pb, NULL, &itsB, &rb));
        PetscCall(PCDestroy(&pa));
        PetscCall(PCDestroy(&pb));
      }
      PetscCall(
          PetscPrintf(PETSC_COMM_WORLD, "%s, %s order: |L_B(perm, perm) - L_A| / |L_A| = %.2e (tolerance %.2e, kappa %.3g); CG iterations %d natural, %d %s\n", name, pname[p], (double)rel, (double)tol, (double)kmax, (int)itsA, (int)itsB, pname[p]));
      if (p == 0) CHECK(rel <= tol, "%s: the factor does not commute with the wavefront order (%.3e > %.3e)", name, (double)rel, (double)tol);
      else CHECK(rel > 100 * tol, "%s: the factor should depend on the reversed order (%.3e)", name, (double)rel);
      PetscCall(MatDestroy(&LB));
    }
    PetscCall(MatDestroy(&LA));
  }
  for (int p = 0; p < 3; p++) PetscCall(MatDestroy(&B[p]));
  PetscCall(MatDestroy(&A));
  PetscCall(MatDestroy(&A0));
  PetscCall(PetscRandomDestroy(&rnd));
  TEST_END();
}
