/* Above the dense path's reach the selected inversion (-pc_kopt_inverse selinv, CHOLMOD) and
   MUMPS' selected entries of A^-1 are two independent sparse ways to the same K-optimal L: they
   must agree to F kappa gamma_(n+4), the tolerance of test_dense_vs_mumps (tests/testutil.h),
   with kappa measured on the sparse factors (Frobenius norms on L's pattern: the dense copies
   of TestFactorKappa would take 2 x 8 n^2 bytes here). On 2D and 3D Poisson past 8000 rows, on
   SuiteSparse matrices of 1e4 to 8e4 rows, and on an arrow matrix (row 1 coupled to all), whose
   pairs of A^-1 read are the whole lower triangle: there auto takes MUMPS (PCView says so). */
#include "testutil.h"

#define SS "../shared/matrices/suitesparse/"

/* |L(A (1 + delta r)) - L(A)|_F / |L(A)|_F / delta, delta shrunk until the change is first order */
static PetscErrorCode KappaSparse(Mat A, Mat L, PetscReal *kappa)
{
  PetscReal delta = 1e-10, nl, e;

  PetscFunctionBegin;
  PetscCall(MatNorm(L, NORM_FROBENIUS, &nl));
  for (int tries = 0; tries < 4; tries++) {
    Mat Ap, Lp;
    PetscCall(TestPerturbMatrix(A, delta, 1, &Ap));
    PetscCall(TestKoptFactor(Ap, KGNN_INVERSE_SELINV, &Lp));
    PetscCall(MatAXPY(Lp, -1.0, L, SAME_NONZERO_PATTERN));
    PetscCall(MatNorm(Lp, NORM_FROBENIUS, &e));
    *kappa = e / nl / delta;
    PetscCall(MatDestroy(&Lp));
    PetscCall(MatDestroy(&Ap));
    if (*kappa * delta < 1e-4) break;
    delta = 1e-6 / *kappa;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A(1, j) = A(j, 1) = 1, diagonal n: SPD (diagonally dominant), and column 1 of tril(A) holds
   every row */
static PetscErrorCode Arrow(PetscInt n, Mat *A)
{
  PetscFunctionBegin;
  PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, n, n, 2, NULL, A));
  PetscCall(MatSeqAIJSetPreallocation(*A, 0, NULL));
  PetscCall(MatSetOption(*A, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_FALSE));
  for (PetscInt i = 0; i < n; i++) {
    PetscCall(MatSetValue(*A, i, i, (PetscScalar)n, INSERT_VALUES));
    if (i) {
      PetscCall(MatSetValue(*A, i, 0, 1.0, INSERT_VALUES));
      PetscCall(MatSetValue(*A, 0, i, 1.0, INSERT_VALUES));
    }
  }
  PetscCall(MatAssemblyBegin(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*A, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* auto on the arrow matrix: PCView names MUMPS */
static PetscErrorCode CheckAutoTakesMumps(Mat A)
{
  PC          pc;
  PetscViewer v;
  char        buf[8192] = "";
  FILE       *f;
  size_t      len;

  PetscFunctionBegin;
  PetscCall(PCCreate(PETSC_COMM_SELF, &pc));
  PetscCall(PCSetType(pc, PCKOPT));
  PetscCall(PCSetOperators(pc, A, A));
  PetscCall(PCSetUp(pc));
  PetscCall(PetscViewerASCIIOpen(PETSC_COMM_SELF, "/tmp/kgnn_test_arrow_view.txt", &v));
  PetscCall(PCView(pc, v));
  PetscCall(PetscViewerDestroy(&v));
  PetscCall(PCDestroy(&pc));
  f = fopen("/tmp/kgnn_test_arrow_view.txt", "r");
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot read back the PCView output");
  len      = fread(buf, 1, sizeof(buf) - 1, f);
  buf[len] = 0;
  fclose(f);
  CHECK(strstr(buf, "inverse entries: MUMPS selected entries (asked auto"), "auto on an arrow matrix (a dense block of pairs read) did not take MUMPS:\n%s", buf);
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  const char *files[] = {"bcsstk17.mtx.gz", "bcsstk18.mtx", "large/shallow_water1.mtx.gz"};
  Mat         A;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  for (int k = 0; k < 6; k++) {
    char      name[PETSC_MAX_PATH_LEN];
    PetscInt  n;
    PetscReal kappa = 0, tol, e, nl;
    Mat       Ls, Lm;
    if (k == 0) PetscCall(TestPoisson2D(PETSC_COMM_SELF, 100, &A));
    else if (k == 1) PetscCall(TestPoisson3D(22, &A));
    else if (k == 5) PetscCall(Arrow(2500, &A));
    else {
      char path[PETSC_MAX_PATH_LEN];
      PetscCall(PetscSNPrintf(path, sizeof(path), SS "%s", files[k - 2]));
      PetscCall(KGNNMatLoad(PETSC_COMM_SELF, path, &A));
    }
    PetscCall(PetscStrncpy(name, k == 0 ? "poisson2d_100" : k == 1 ? "poisson3d_22" : k == 5 ? "arrow_2500" : files[k - 2], sizeof(name)));
    PetscCall(MatGetSize(A, &n, NULL));
    PetscCall(TestKoptFactor(A, KGNN_INVERSE_SELINV, &Ls));
    PetscCall(TestKoptFactor(A, KGNN_INVERSE_MUMPS, &Lm));
    PetscCall(KappaSparse(A, Ls, &kappa));
    tol = 10 * kappa * TestGamma(n + 4);
    PetscCall(MatNorm(Lm, NORM_FROBENIUS, &nl));
    PetscCall(MatAXPY(Ls, -1.0, Lm, SAME_NONZERO_PATTERN));
    PetscCall(MatNorm(Ls, NORM_FROBENIUS, &e));
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "%-28s n %6d  kappa %.2e  |L_selinv - L_mumps| / |L_mumps| = %.2e (tol %.1e)\n", name, (int)n, (double)kappa, (double)(e / nl), (double)tol));
    CHECK(e <= tol * nl, "%s: selinv and MUMPS factors differ by %.3e > %.1e", name, (double)(e / nl), (double)tol);
    PetscCall(MatDestroy(&Ls));
    PetscCall(MatDestroy(&Lm));
    if (k == 5) PetscCall(CheckAutoTakesMumps(A));
    PetscCall(MatDestroy(&A));
  }
  TEST_END();
}
