/* Extreme eigenvalues of L^-1 A L^-T by SLEPc (KGNNFactorSpectrum) against LAPACK's dense
   eigenvalues of the same matrix, for the K-optimal and the IC(0) factor.
   The tolerance, derived: SLEPc stops at a relative residual |M x - l x| / |l| <= 1e-12
   (src/dataset/spectrum.c), which for a symmetric M bounds the eigenvalue's relative error by
   the same. Both sides apply or form M = L^-1 A L^-T with sums of at most n terms (triangular
   solves, products, A^-1 by Cholesky for the smallest), each exact for M + dM with
   |dM| <= gamma_n |M| normwise; by Weyl an eigenvalue then moves by gamma_n |M|, relative to
   the smallest one gamma_n cond(M) (cond(M) = lmax / lmin from LAPACK). So, relative:
     1e-12 + F gamma_n cond(M),  F = 10 (2 sides, 2 for |L^-1| |A| |L^-T| above |M|, 2.5 margin). */
#include "testutil.h"

static PetscErrorCode Check(const char *name, Mat A, Mat L)
{
  PetscInt     n;
  PetscScalar *Ad, *Ld, *X, *M;
  PetscReal   *w, lmin, lmax, tol;
  PetscBLASInt bn, info;

  PetscFunctionBegin;
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCall(TestDense(A, &Ad));
  PetscCall(TestDense(L, &Ld));
  PetscCall(PetscCalloc2(n * n, &X, n * n, &M));
  PetscCall(PetscMalloc1(n, &w));
  /* X = L^-1 A, then M = X L^-T = (L^-1 X^T)^T, both by LAPACK triangular solves */
  PetscCall(PetscArraycpy(X, Ad, n * n));
  PetscCallBLAS("LAPACKtrtrs", LAPACKtrtrs_("L", "N", "N", &bn, &bn, Ld, &bn, X, &bn, &info));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < n; j++) M[i + j * n] = X[j + i * n];
  PetscCallBLAS("LAPACKtrtrs", LAPACKtrtrs_("L", "N", "N", &bn, &bn, Ld, &bn, M, &bn, &info));
  PetscCall(TestEigenvalues(n, M, w));
  PetscCall(KGNNFactorSpectrum(A, L, &lmin, &lmax));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%-22s SLEPc [%.12g, %.12g], LAPACK [%.12g, %.12g]\n", name, (double)lmin, (double)lmax, (double)w[0], (double)w[n - 1]));
  tol = 1e-12 + 10 * TestGamma(n) * w[n - 1] / w[0];
  CHECK(PetscAbsReal(lmin - w[0]) <= tol * w[0], "%s: smallest eigenvalue %.15g, LAPACK %.15g (relative difference %.2e > %.2e)", name, (double)lmin, (double)w[0], (double)(PetscAbsReal(lmin - w[0]) / w[0]), (double)tol);
  CHECK(PetscAbsReal(lmax - w[n - 1]) <= tol * w[n - 1], "%s: largest eigenvalue %.15g, LAPACK %.15g (relative difference %.2e > %.2e)", name, (double)lmax, (double)w[n - 1], (double)(PetscAbsReal(lmax - w[n - 1]) / w[n - 1]), (double)tol);
  PetscCall(PetscFree2(X, M));
  PetscCall(PetscFree(w));
  PetscCall(PetscFree(Ad));
  PetscCall(PetscFree(Ld));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  const char *files[] = {"../shared/matrices/suitesparse/bcsstk01.mtx", "../shared/matrices/suitesparse/nos4.mtx", "../shared/matrices/suitesparse/494_bus.mtx"};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  for (int f = -1; f < 3; f++) {
    Mat         A, L;
    PetscInt    fail;
    char        name[64];
    const char *base = f < 0 ? "poisson10" : strrchr(files[f], '/') + 1;
    if (f < 0) PetscCall(TestPoisson2D(PETSC_COMM_SELF, 10, &A));
    else PetscCall(KGNNMatLoad(PETSC_COMM_SELF, files[f], &A));
    PetscCall(TestKoptFactor(A, KGNN_INVERSE_AUTO, &L));
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s kopt", base));
    PetscCall(Check(name, A, L));
    PetscCall(MatDestroy(&L));
    PetscCall(KGNNComputeIC0(A, &L, &fail));
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s ic0", base));
    if (L) PetscCall(Check(name, A, L));
    PetscCall(MatDestroy(&L));
    PetscCall(MatDestroy(&A));
  }
  TEST_END();
}
