/* The selected inversion on CHOLMOD's factor (-pc_kopt_inverse selinv) and the dense LAPACK
   inverse are independent ways to the entries of A^-1: they must give the same K-optimal L, to
   F kappa gamma_(n+4) as in test_dense_vs_mumps (tests/testutil.h, TestFactorKappa: kappa the
   measured sensitivity of L to a relative change of A's entries, F = 10). On 2D and 3D Poisson
   up to n = 4913, on SuiteSparse matrices up to the dense path's reach, and on the larger
   patterns (level:k, power:k). Under CHOLMOD's fill-reducing ordering most of these leave pairs
   of s_i x s_i outside the factor of A, which the selinv path adds to its structure: the
   count is printed per matrix, and the test fails if no case in the set has any, so that the
   set keeps exercising that path. */
#include "testutil.h"

#define SS "../shared/matrices/suitesparse/"

/* PCKOPT on A with the given method (and the pattern in the options database), its factor and,
   for selinv, the pairs it read outside A's factor */
static PetscErrorCode Factor(Mat A, KGNNInverseMethod m, Mat *L, PetscInt *npairs, PetscInt *outside, PetscReal *lnzA, PetscReal *lnz)
{
  PC             pc;
  PCFailedReason r;

  PetscFunctionBegin;
  PetscCall(PCCreate(PETSC_COMM_SELF, &pc));
  PetscCall(PCSetType(pc, PCKOPT));
  PetscCall(PCKOPTSetInverseMethod(pc, m));
  PetscCall(PCSetOperators(pc, A, A));
  PetscCall(PCSetFromOptions(pc));
  PetscCall(PCSetUp(pc));
  PetscCall(PCGetFailedReason(pc, &r));
  PetscCheck(r == PC_NOERROR, PETSC_COMM_SELF, PETSC_ERR_LIB, "PCKOPT (%s) failed on an SPD test matrix", KGNNInverseMethods[m]);
  PetscCall(PCKOPTGetFactor(pc, L));
  if (npairs) PetscCall(PCKOPTGetSelInvInfo(pc, npairs, outside, lnzA, lnz));
  PetscCall(PCDestroy(&pc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Compare(const char *name, Mat A, const char *pattern, PetscInt *cases_outside)
{
  PetscInt          n, npairs, outside;
  PetscReal         kmax = 0, kfro = 0, tol, e, nl, lnzA, lnz;
  Mat               Ld, Ls;
  KGNNInverseMethod sel = KGNN_INVERSE_SELINV;

  PetscFunctionBegin;
  PetscCall(MatGetSize(A, &n, NULL));
  if (pattern) PetscCall(PetscOptionsSetValue(NULL, "-pc_kopt_pattern", pattern));
  PetscCall(TestFactorKappa(A, TestKoptFactorFn, &sel, &kmax, &kfro));
  tol = 10 * kfro * TestGamma(n + 4);
  PetscCall(Factor(A, KGNN_INVERSE_DENSE, &Ld, NULL, NULL, NULL, NULL));
  PetscCall(Factor(A, KGNN_INVERSE_SELINV, &Ls, &npairs, &outside, &lnzA, &lnz));
  if (pattern) PetscCall(PetscOptionsClearValue(NULL, "-pc_kopt_pattern"));
  PetscCall(MatNorm(Ld, NORM_FROBENIUS, &nl));
  PetscCall(MatAXPY(Ls, -1.0, Ld, SAME_NONZERO_PATTERN));
  PetscCall(MatNorm(Ls, NORM_FROBENIUS, &e));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%-16s %-8s n %5d  pairs outside the filled pattern of A %5d of %6d (nnz(L) %8.0f, with them %8.0f)  kappa %.2e  |L_selinv - L_dense| / |L_dense| = %.2e (tol %.1e)\n", name, pattern ? pattern : "tril", (int)n,
                        (int)outside, (int)npairs, (double)lnzA, (double)lnz, (double)kfro, (double)(e / nl), (double)tol));
  CHECK(e <= tol * nl, "%s (%s): selinv and dense factors differ by %.3e > %.1e", name, pattern ? pattern : "tril", (double)(e / nl), (double)tol);
  if (outside > 0) (*cases_outside)++;
  PetscCall(MatDestroy(&Ld));
  PetscCall(MatDestroy(&Ls));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  const char    *names[]  = {"mesh1e1", "bcsstk01", "nos4", "bcsstk02", "494_bus", "Trefethen_500", "Journals", "gr_30_30", "nos3", "bcsstk09", "1138_bus", "Chem97ZtZ", "bcsstk21", "bcsstk16", "crystm01"};
  const PetscInt grids2[] = {10, 40, 70}, grids3[] = {6, 12, 17};
  const char    *patterns[] = {"level:1", "level:2", "power:2", "power:3"};
  PetscInt       cases = 0, cases_outside = 0;
  Mat            A;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  for (size_t g = 0; g < 3; g++) {
    char name[32];
    PetscCall(PetscSNPrintf(name, sizeof(name), "poisson2d_%d", (int)grids2[g]));
    PetscCall(TestPoisson2D(PETSC_COMM_SELF, grids2[g], &A));
    PetscCall(Compare(name, A, NULL, &cases_outside));
    PetscCall(MatDestroy(&A));
    PetscCall(PetscSNPrintf(name, sizeof(name), "poisson3d_%d", (int)grids3[g]));
    PetscCall(TestPoisson3D(grids3[g], &A));
    PetscCall(Compare(name, A, NULL, &cases_outside));
    PetscCall(MatDestroy(&A));
    cases += 2;
  }
  for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
    char path[PETSC_MAX_PATH_LEN];
    PetscCall(PetscSNPrintf(path, sizeof(path), SS "%s.mtx", names[k]));
    PetscCall(KGNNMatLoad(PETSC_COMM_SELF, path, &A));
    PetscCall(Compare(names[k], A, NULL, &cases_outside));
    PetscCall(MatDestroy(&A));
    cases++;
  }
  /* the larger patterns: on 2D and 3D Poisson and on three SuiteSparse matrices */
  for (size_t p = 0; p < sizeof(patterns) / sizeof(patterns[0]); p++) {
    const char *ss[] = {"bcsstk01", "nos4", "494_bus"};
    PetscCall(TestPoisson2D(PETSC_COMM_SELF, 20, &A));
    PetscCall(Compare("poisson2d_20", A, patterns[p], &cases_outside));
    PetscCall(MatDestroy(&A));
    PetscCall(TestPoisson3D(8, &A));
    PetscCall(Compare("poisson3d_8", A, patterns[p], &cases_outside));
    PetscCall(MatDestroy(&A));
    cases += 2;
    for (size_t k = 0; k < 3; k++) {
      char path[PETSC_MAX_PATH_LEN];
      PetscCall(PetscSNPrintf(path, sizeof(path), SS "%s.mtx", ss[k]));
      PetscCall(KGNNMatLoad(PETSC_COMM_SELF, path, &A));
      PetscCall(Compare(ss[k], A, patterns[p], &cases_outside));
      PetscCall(MatDestroy(&A));
      cases++;
    }
  }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%d of %d cases read pairs of A^-1 outside the factor of A (added to CHOLMOD's structure)\n", (int)cases_outside, (int)cases));
  CHECK(cases_outside > 0, "no case in the set has pairs outside A's factor: the test no longer exercises their handling");
  TEST_END();
}
