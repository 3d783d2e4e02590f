/* PCGNN's setup check (src/factor/kaporin.c), K(L^-1 A L^-T) / K(D^-1/2 A D^-1/2), against an
   independent computation: LAPACK's eigenvalues of the dense preconditioned matrices (K = the
   arithmetic over the geometric mean of the eigenvalues), for the K-optimal, the IC(0), the
   Jacobi and a damaged factor on four matrices.
   - exact mode (the trace from the n unit vectors): equal to the eigenvalue ratio. Both sides
     are sums of n positive terms (traces, logarithms) of quantities computed with relative error
     about n u cond(M) (triangular solves and a symmetric eigensolver, Higham Ch. 8 and Ch. 7),
     so the tolerance is 10 n u cond(M) relative, cond(M) from the same eigenvalues;
   - Jacobi's ratio is 1 (its M is D^-1/2 A D^-1/2 itself): the same tolerance with cond = that of M;
   - the 16-probe Rademacher estimate lies within 4 standard deviations of the exact ratio, the
     deviation from the exact variance of Hutchinson's estimator, 2 (||M||_F^2 - sum M_ii^2) / s;
   - a factor with one column shrunk by 1e-20 (triangular solves that grow by 1e20) is rejected
     by any threshold: ratio > 1e10. */
#include "testutil.h"
#include "kgnn_impl.h"

/* dense M = L^-1 A L^-T (column-major) by forward substitution on both sides */
static PetscErrorCode DenseM(PetscInt n, const PetscScalar *Ad, const PetscScalar *Ld, PetscScalar *M)
{
  PetscScalar *X;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1((size_t)n * n, &X));
  for (PetscInt j = 0; j < n; j++) /* X = L^-1 A, column j */
    for (PetscInt i = 0; i < n; i++) {
      PetscScalar s = Ad[i + j * n];
      for (PetscInt k = 0; k < i; k++) s -= Ld[i + k * n] * X[k + j * n];
      X[i + j * n] = s / Ld[i + i * n];
    }
  for (PetscInt i = 0; i < n; i++) /* M = X L^-T: row i of M solves L m = X(i, :)^T */
    for (PetscInt j = 0; j < n; j++) {
      PetscScalar s = X[i + j * n];
      for (PetscInt k = 0; k < j; k++) s -= Ld[j + k * n] * M[i + k * n];
      M[i + j * n] = s / Ld[j + j * n];
    }
  for (PetscInt j = 0; j < n; j++) /* symmetric to round-off: take the mean */
    for (PetscInt i = j + 1; i < n; i++) M[i + j * n] = M[j + i * n] = 0.5 * (M[i + j * n] + M[j + i * n]);
  PetscCall(PetscFree(X));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* log K of a symmetric positive definite dense matrix from its eigenvalues; cond too */
static PetscErrorCode LogK(PetscInt n, const PetscScalar *M, PetscReal *logk, PetscReal *cond)
{
  PetscReal *w, am = 0, lg = 0;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n, &w));
  PetscCall(TestEigenvalues(n, M, w));
  PetscCheck(w[0] > 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "M not positive definite");
  for (PetscInt i = 0; i < n; i++) am += w[i] / n, lg += PetscLogReal(w[i]) / n;
  *logk = PetscLogReal(am) - lg;
  *cond = w[n - 1] / w[0];
  PetscCall(PetscFree(w));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Check(const char *name, Mat A, Mat L, PetscBool jacobi, PetscReal *exact)
{
  Mat          Aseq, Ls;
  KGNNCSR      csr;
  KGNNLower    F;
  PetscInt     n;
  PetscScalar *Ad, *Ld, *M, *J;
  PetscReal    lk, lkj, cond, condj, ref, r0, r16, var = 0, tol;

  PetscFunctionBegin;
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(TestDense(A, &Ad));
  PetscCall(TestDense(L, &Ld));
  PetscCall(PetscMalloc2((size_t)n * n, &M, (size_t)n * n, &J));
  PetscCall(DenseM(n, Ad, Ld, M));
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt i = 0; i < n; i++) J[i + j * n] = Ad[i + j * n] / PetscSqrtReal(PetscRealPart(Ad[i + i * n] * Ad[j + j * n]));
  PetscCall(LogK(n, M, &lk, &cond));
  PetscCall(LogK(n, J, &lkj, &condj));
  ref = PetscExpReal(lk - lkj);
  for (PetscInt j = 0; j < n; j++) /* Hutchinson's variance for one Rademacher probe */
    for (PetscInt i = 0; i < n; i++)
      if (i != j) var += 2 * PetscSqr(PetscRealPart(M[i + j * n]));

  PetscCall(MatConvert(A, MATSEQAIJ, MAT_INITIAL_MATRIX, &Aseq));
  PetscCall(MatConvert(L, MATSEQAIJ, MAT_INITIAL_MATRIX, &Ls));
  PetscCall(KGNNLowerFromMat(Ls, &F));
  PetscCall(KGNNMatGetCSR(Aseq, &csr));
  PetscCall(KGNNKaporinRatio(&csr, &F, 0, &r0));
  PetscCall(KGNNKaporinRatio(&csr, &F, 16, &r16));
  PetscCall(KGNNMatRestoreCSR(Aseq, &csr));

  tol = 10 * n * PETSC_MACHINE_EPSILON * PetscMax(cond, condj);
  CHECK(PetscAbsReal(r0 - ref) <= tol * ref, "%s: exact-trace ratio %.15g, eigenvalues give %.15g (relative tolerance %.2e)", name, (double)r0, (double)ref, (double)tol);
  if (jacobi) CHECK(PetscAbsReal(r0 - 1) <= tol, "%s: Jacobi's ratio is %.15g, not 1", name, (double)r0);
  {
    /* ratio = (tr/n) e^logdet: the estimate's spread is the trace's, scaled by ratio / (tr/n) */
    PetscReal tr = 0, sd;
    for (PetscInt i = 0; i < n; i++) tr += PetscRealPart(M[i + i * n]);
    sd = PetscSqrtReal(var / 16) / tr * ref;
    CHECK(PetscAbsReal(r16 - r0) <= 4 * sd + tol * ref, "%s: 16-probe ratio %.6g, exact %.6g: off by %.2g standard deviations", name, (double)r16, (double)r0, (double)(PetscAbsReal(r16 - r0) / sd));
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "%-28s ratio %.6f (eigenvalues %.6f), 16 probes %.6f (sd %.2g), cond(M) %.3g\n", name, (double)r0, (double)ref, (double)r16, (double)sd, (double)cond));
  }
  *exact = r0;
  PetscCall(KGNNLowerDestroy(&F));
  PetscCall(MatDestroy(&Ls));
  PetscCall(MatDestroy(&Aseq));
  PetscCall(PetscFree2(M, J));
  PetscCall(PetscFree(Ad));
  PetscCall(PetscFree(Ld));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckMatrix(const char *name, Mat A)
{
  Mat       L, D;
  PetscInt  fail, n;
  Vec       d;
  char      what[128];
  PetscReal r;

  PetscFunctionBegin;
  PetscCall(TestKoptFactor(A, KGNN_INVERSE_DENSE, &L));
  PetscCall(PetscSNPrintf(what, sizeof(what), "%s K-optimal", name));
  PetscCall(Check(what, A, L, PETSC_FALSE, &r));
  /* one column scaled by 1e-20: its solves grow by 1e20 */
  {
    PetscInt           c = 0, nc;
    const PetscInt    *cols;
    const PetscScalar *vals;
    PetscScalar        v;
    Mat                Lb;
    KGNNLower          F;
    KGNNCSR            csr;
    Mat                Aseq;
    PetscCall(MatGetSize(L, &n, NULL));
    c = n / 2;
    PetscCall(MatDuplicate(L, MAT_COPY_VALUES, &Lb));
    for (PetscInt i = c; i < n; i++) {
      PetscCall(MatGetRow(L, i, &nc, &cols, &vals));
      for (PetscInt k = 0; k < nc; k++)
        if (cols[k] == c) {
          v = vals[k] * 1e-20;
          PetscCall(MatSetValue(Lb, i, c, v, INSERT_VALUES));
        }
      PetscCall(MatRestoreRow(L, i, &nc, &cols, &vals));
    }
    PetscCall(MatAssemblyBegin(Lb, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(Lb, MAT_FINAL_ASSEMBLY));
    PetscCall(KGNNLowerFromMat(Lb, &F));
    PetscCall(MatConvert(A, MATSEQAIJ, MAT_INITIAL_MATRIX, &Aseq));
    PetscCall(KGNNMatGetCSR(Aseq, &csr));
    PetscCall(KGNNKaporinRatio(&csr, &F, 16, &r));
    PetscCall(KGNNMatRestoreCSR(Aseq, &csr));
    CHECK(r > 1e10, "%s: a column shrunk by 1e-20 gives the ratio %g only", name, (double)r);
    PetscCall(KGNNLowerDestroy(&F));
    PetscCall(MatDestroy(&Aseq));
    PetscCall(MatDestroy(&Lb));
  }
  PetscCall(MatDestroy(&L));
  PetscCall(KGNNComputeIC0(A, &L, &fail));
  if (L) {
    PetscCall(PetscSNPrintf(what, sizeof(what), "%s IC(0)", name));
    PetscCall(Check(what, A, L, PETSC_FALSE, &r));
    PetscCall(MatDestroy(&L));
  }
  /* Jacobi: L = diag(A)^1/2 */
  PetscCall(MatCreateVecs(A, &d, NULL));
  PetscCall(MatGetDiagonal(A, d));
  PetscCall(VecSqrtAbs(d));
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, n, n, 1, NULL, &D));
  PetscCall(MatDiagonalSet(D, d, INSERT_VALUES));
  PetscCall(PetscSNPrintf(what, sizeof(what), "%s Jacobi", name));
  PetscCall(Check(what, A, D, PETSC_TRUE, &r));
  PetscCall(MatDestroy(&D));
  PetscCall(VecDestroy(&d));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  Mat         A;
  PetscRandom rnd;
  const char *files[] = {"bcsstk01", "nos4", "494_bus"};
  char        path[PETSC_MAX_PATH_LEN];

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  PetscCall(TestPoisson2D(PETSC_COMM_SELF, 10, &A));
  PetscCall(CheckMatrix("poisson 10x10", A));
  PetscCall(MatDestroy(&A));
  for (int k = 0; k < 3; k++) {
    PetscCall(PetscSNPrintf(path, sizeof(path), "../shared/matrices/suitesparse/%s.mtx", files[k]));
    PetscCall(KGNNMatLoad(PETSC_COMM_SELF, path, &A));
    PetscCall(CheckMatrix(files[k], A));
    PetscCall(MatDestroy(&A));
  }
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetSeed(rnd, 5));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(TestRandomSPD(80, 6, rnd, &A));
  PetscCall(CheckMatrix("random SPD n=80", A));
  PetscCall(MatDestroy(&A));
  PetscCall(PetscRandomDestroy(&rnd));
  TEST_END();
}
