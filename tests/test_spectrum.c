/* Extreme eigenvalues of L^-1 A L^-T by SLEPc (KGNNFactorSpectrum) against LAPACK's dense
   eigenvalues of the same matrix, for the K-optimal and the IC(0) factor, to 1e-8 relative. */
#include "testutil.h"

static PetscErrorCode Check(const char *name, Mat A, Mat L)
{
  PetscInt     n;
  PetscScalar *Ad, *Ld, *X, *M;
  PetscReal   *w, lmin, lmax;
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
  CHECK(PetscAbsReal(lmin - w[0]) <= 1e-8 * w[0], "%s: smallest eigenvalue %.15g, LAPACK %.15g", name, (double)lmin, (double)w[0]);
  CHECK(PetscAbsReal(lmax - w[n - 1]) <= 1e-8 * w[n - 1], "%s: largest eigenvalue %.15g, LAPACK %.15g", name, (double)lmax, (double)w[n - 1]);
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
