/* The two ways of getting the entries of A^-1 (dense LAPACK inverse, MUMPS selected entries)
   are independent algorithms: on SuiteSparse matrices they must give the same K-optimal L, to
   F kappa gamma_(n+4) (tests/testutil.h, TestFactorKappa: kappa the measured sensitivity of L to
   a relative change of A's entries, gamma_(n+4) the round-off of an n-term sum and of a column's
   four element-wise operations, F = 10). The same holds with and without the diagonal scaling
   (-pc_kopt_diagonal_scale), which must not change the factor. */
#include "testutil.h"

#define SS "../shared/matrices/suitesparse/"

int main(int argc, char **argv)
{
  const char *names[] = {"mesh1e1", "nos4", "bcsstk02", "Trefethen_500", "Journals", "gr_30_30", "bcsstk09", "nos3", "bcsstk01", "494_bus", "1138_bus"};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
    char              path[PETSC_MAX_PATH_LEN];
    Mat               A, Ld, Lm;
    PetscReal         kmax = 0, kfro = 0, tol, e, nl;
    PetscInt          n;
    KGNNInverseMethod dense = KGNN_INVERSE_DENSE;

    PetscCall(PetscSNPrintf(path, sizeof(path), SS "%s.mtx", names[k]));
    PetscCall(KGNNMatLoad(PETSC_COMM_SELF, path, &A));
    PetscCall(MatGetSize(A, &n, NULL));
    PetscCall(TestFactorKappa(A, TestKoptFactorFn, &dense, &kmax, &kfro));
    tol = 10 * kfro * TestGamma(n + 4);
    PetscCall(TestKoptFactor(A, KGNN_INVERSE_DENSE, &Ld));
    PetscCall(TestKoptFactor(A, KGNN_INVERSE_MUMPS, &Lm));
    PetscCall(MatNorm(Ld, NORM_FROBENIUS, &nl));
    PetscCall(MatAXPY(Lm, -1.0, Ld, SAME_NONZERO_PATTERN));
    PetscCall(MatNorm(Lm, NORM_FROBENIUS, &e));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%-14s kappa %.2e  |L_dense - L_mumps| / |L_dense| = %.2e (tol %.1e)", names[k], (double)kfro, (double)(e / nl), (double)tol));
    CHECK(e <= tol * nl, "%s: dense and MUMPS factors differ by %.3e > %.1e", names[k], (double)(e / nl), (double)tol);
    PetscCall(MatDestroy(&Lm));
    PetscCall(PetscOptionsSetValue(NULL, "-pc_kopt_diagonal_scale", "false"));
    PetscCall(TestKoptFactor(A, KGNN_INVERSE_DENSE, &Lm));
    PetscCall(PetscOptionsClearValue(NULL, "-pc_kopt_diagonal_scale"));
    PetscCall(MatAXPY(Lm, -1.0, Ld, SAME_NONZERO_PATTERN));
    PetscCall(MatNorm(Lm, NORM_FROBENIUS, &e));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, ", unscaled vs scaled %.2e\n", (double)(e / nl)));
    CHECK(e <= tol * nl, "%s: factors with and without diagonal scaling differ by %.3e > %.1e", names[k], (double)(e / nl), (double)tol);
    PetscCall(MatDestroy(&Ld));
    PetscCall(MatDestroy(&Lm));
    PetscCall(MatDestroy(&A));
  }
  TEST_END();
}
