/* Optimality of the K-optimal factor (Sec. 4.1): K(L^T A^-1 L), computed from LAPACK's
   eigenvalues of the dense preconditioned matrix, is no larger for the K-optimal L than for
   the IC(0) factor, and grows under random perturbations of L on its pattern.
   The round-off of K, derived: A^-1 (potrf, potri), L^T A^-1 L and the eigenvalues are sums of
   at most n terms, each exact for A perturbed by gamma_n relative (backward stability, as in
   tests/testutil.h, TestFactorKappa); kappa_K, the relative change of K per relative change of
   A's entries, is measured with A times 1 + delta0 r; K's own mean and geometric mean of n
   eigenvalues add gamma_n each. So K carries at most F (kappa_K + 2) gamma_n relative (F = 10),
   and the comparisons allow the sum of the two K's round-off:
     K_opt <= K_ic0 (1 + tol),  K_perturbed > K_opt (1 + tol).
   A perturbation of L by eps raises K by O(eps^2) relative, since L_opt is a stationary point:
   1e-6 and more for eps = 1e-3, far above tol (1e-11 and less here). */
#include "testutil.h"

/* K(M) = (mean of eigenvalues) / (geometric mean) of M = L^T A^-1 L */
static PetscErrorCode Kaporin(Mat A, Mat L, PetscReal *K)
{
  PetscInt     n;
  PetscScalar *Ai, *Ld, *T, *M;
  PetscReal   *w, am = 0, lg = 0;
  PetscBLASInt bn, info;

  PetscFunctionBegin;
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCall(TestDense(A, &Ai));
  PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("L", &bn, Ai, &bn, &info));
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "potrf %d", (int)info);
  PetscCallBLAS("LAPACKpotri", LAPACKpotri_("L", &bn, Ai, &bn, &info));
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt i = 0; i < j; i++) Ai[i + j * n] = Ai[j + i * n];
  PetscCall(TestDense(L, &Ld));
  PetscCall(PetscCalloc2(n * n, &T, n * n, &M));
  for (PetscInt j = 0; j < n; j++) /* T = A^-1 L */
    for (PetscInt k = 0; k < n; k++)
      if (Ld[k + j * n] != 0.0)
        for (PetscInt i = 0; i < n; i++) T[i + j * n] += Ai[i + k * n] * Ld[k + j * n];
  for (PetscInt j = 0; j < n; j++) /* M = L^T T */
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt k = 0; k < n; k++) M[i + j * n] += Ld[k + i * n] * T[k + j * n];
  PetscCall(PetscMalloc1(n, &w));
  PetscCall(TestEigenvalues(n, M, w));
  PetscCheck(w[0] > 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "L^T A^-1 L not positive definite");
  for (PetscInt i = 0; i < n; i++) am += w[i] / n, lg += PetscLogReal(w[i]) / n;
  *K = am / PetscExpReal(lg);
  PetscCall(PetscFree(w));
  PetscCall(PetscFree2(T, M));
  PetscCall(PetscFree(Ai));
  PetscCall(PetscFree(Ld));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* K(L^T A^-1 L) and its round-off F kappa_K gamma_n (the derivation above) */
static PetscErrorCode KaporinRoundoff(Mat A, Mat L, PetscReal *K, PetscReal *err)
{
  const PetscReal delta0 = 1e-10;
  Mat             Ap;
  PetscReal       Kp;
  PetscInt        n;

  PetscFunctionBegin;
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(Kaporin(A, L, K));
  PetscCall(TestPerturbMatrix(A, delta0, 1, &Ap));
  PetscCall(Kaporin(Ap, L, &Kp));
  *err = 10 * (PetscAbsReal(Kp - *K) / *K / delta0 + 2) * TestGamma(n);
  PetscCall(MatDestroy(&Ap));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckOptimal(const char *name, Mat A, PetscRandom rnd)
{
  Mat       L, Lic, Lp;
  PetscReal Kopt, Kic, Kp, eopt, eic, tol;
  PetscInt  fail;

  PetscFunctionBegin;
  PetscCall(TestKoptFactor(A, KGNN_INVERSE_DENSE, &L));
  PetscCall(KaporinRoundoff(A, L, &Kopt, &eopt));
  PetscCall(KGNNComputeIC0(A, &Lic, &fail));
  CHECK(fail < 0, "%s: IC(0) failed", name);
  PetscCall(KaporinRoundoff(A, Lic, &Kic, &eic));
  tol = eopt + eic;
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s: K(kopt) = %.10g, K(ic0) = %.10g, round-off tolerance %.1e\n", name, (double)Kopt, (double)Kic, (double)tol));
  CHECK(Kopt <= Kic * (1 + tol), "%s: K of the K-optimal factor %.15g > K of IC(0) %.15g", name, (double)Kopt, (double)Kic);
  for (int t = 0; t < 10; t++) {
    PetscInt           n, nc;
    const PetscInt    *cols;
    const PetscScalar *vals;
    PetscReal          eps = t < 5 ? 1e-3 : 1e-2;
    PetscCall(MatDuplicate(L, MAT_COPY_VALUES, &Lp));
    PetscCall(MatGetSize(L, &n, NULL));
    for (PetscInt i = 0; i < n; i++) { /* relative perturbation of every stored entry */
      PetscScalar nv[1024];
      PetscCall(MatGetRow(L, i, &nc, &cols, &vals));
      PetscCheck(nc <= 1024, PETSC_COMM_SELF, PETSC_ERR_SUP, "row too long for the test");
      for (PetscInt k = 0; k < nc; k++) {
        PetscReal u;
        PetscCall(PetscRandomGetValueReal(rnd, &u));
        nv[k] = vals[k] * (1 + eps * (2 * u - 1));
      }
      PetscCall(MatSetValues(Lp, 1, &i, nc, cols, nv, INSERT_VALUES));
      PetscCall(MatRestoreRow(L, i, &nc, &cols, &vals));
    }
    PetscCall(MatAssemblyBegin(Lp, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(Lp, MAT_FINAL_ASSEMBLY));
    PetscCall(Kaporin(A, Lp, &Kp));
    CHECK(Kp > Kopt * (1 + tol), "%s: perturbation %d (eps %g) did not raise K above round-off: %.15g, K-optimal %.15g", name, t, (double)eps, (double)Kp, (double)Kopt);
    PetscCall(MatDestroy(&Lp));
  }
  PetscCall(MatDestroy(&L));
  PetscCall(MatDestroy(&Lic));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  Mat         A;
  PetscRandom rnd;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetSeed(rnd, 3));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(TestPoisson2D(PETSC_COMM_SELF, 7, &A));
  PetscCall(CheckOptimal("poisson 7x7", A, rnd));
  PetscCall(MatDestroy(&A));
  PetscCall(TestRandomSPD(60, 6, rnd, &A));
  PetscCall(CheckOptimal("random SPD n=60", A, rnd));
  PetscCall(MatDestroy(&A));
  PetscCall(KGNNMatLoad(PETSC_COMM_SELF, "../shared/matrices/suitesparse/bcsstk01.mtx", &A));
  PetscCall(CheckOptimal("bcsstk01", A, rnd));
  PetscCall(MatDestroy(&A));
  PetscCall(KGNNMatLoad(PETSC_COMM_SELF, "../shared/matrices/suitesparse/mesh1e1.mtx", &A));
  PetscCall(CheckOptimal("mesh1e1", A, rnd));
  PetscCall(MatDestroy(&A));
  PetscCall(PetscRandomDestroy(&rnd));
  TEST_END();
}
