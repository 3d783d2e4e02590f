/* The library's own IC(0) (no shift) against PETSc's PCICC with -pc_factor_shift_type none:
   (L L^T)^-1 applied to random vectors agrees, and CG takes the same iterations.
   Tolerances, derived. The two IC(0)s and their triangular solves order their sums differently;
   each sum has at most K = (longest row of A) + 4 terms and roundings (the row's updates, a
   square root, a division), and carries at most gamma_K relative: both applications are exact
   for A perturbed by gamma_K relative (tests/testutil.h, TestFactorKappa). So
     |y_ours - y_PCICC| / |y_PCICC| <= F kappa gamma_K,  F = 10,
   kappa the relative change of y per relative change of A's entries, measured on the same x
   with IC(0) of A times 1 + delta0 r. The iteration counts are equal unless one of them lies
   within round-off of CG's threshold (TestCGMargin), and then differ by at most one. */
#include "testutil.h"

/* y = (L L^T)^-1 x, L = our IC(0) of A */
static PetscErrorCode ApplyIC0(Mat A, Vec x, Vec y)
{
  Mat      L;
  PC       pc;
  PetscInt fail;

  PetscFunctionBegin;
  PetscCall(KGNNComputeIC0(A, &L, &fail));
  PetscCheck(fail < 0, PETSC_COMM_SELF, PETSC_ERR_CONV_FAILED, "IC(0) broke down at row %d", (int)fail);
  PetscCall(PCCreate(PETSC_COMM_SELF, &pc));
  PetscCall(KGNNPCSetFactor(pc, L));
  PetscCall(PCSetOperators(pc, A, A));
  PetscCall(PCApply(pc, x, y));
  PetscCall(PCDestroy(&pc));
  PetscCall(MatDestroy(&L));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Compare(const char *name, Mat A, PetscRandom rnd)
{
  const PetscReal    delta0 = 1e-10;
  PC                 icc, ours;
  Mat                L, Ap;
  PetscInt           fail, its1, its2, n, rowmax = 0;
  Vec                x, y1, y2, yp;
  KSPConvergedReason r1, r2;
  PetscBool          m1 = PETSC_FALSE, m2 = PETSC_FALSE;
  PetscReal          b1, b2;

  PetscFunctionBegin;
  PetscCall(KGNNComputeIC0(A, &L, &fail));
  CHECK(fail < 0, "%s: IC(0) broke down at row %d", name, (int)fail);
  if (fail >= 0) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(MatGetSize(A, &n, NULL));
  for (PetscInt i = 0; i < n; i++) {
    PetscInt nc;
    PetscCall(MatGetRow(A, i, &nc, NULL, NULL));
    rowmax = PetscMax(rowmax, nc);
    PetscCall(MatRestoreRow(A, i, &nc, NULL, NULL));
  }
  PetscCall(TestPerturbMatrix(A, delta0, 1, &Ap));
  PetscCall(PCCreate(PETSC_COMM_SELF, &icc));
  PetscCall(PCSetType(icc, PCICC));
  PetscCall(PCFactorSetShiftType(icc, MAT_SHIFT_NONE));
  PetscCall(PCSetOperators(icc, A, A));
  PetscCall(PCSetUp(icc));
  PetscCall(PCCreate(PETSC_COMM_SELF, &ours));
  PetscCall(KGNNPCSetFactor(ours, L));
  PetscCall(PCSetOperators(ours, A, A));
  PetscCall(MatCreateVecs(A, &x, &y1));
  PetscCall(VecDuplicate(y1, &y2));
  PetscCall(VecDuplicate(y1, &yp));
  for (int k = 0; k < 5; k++) {
    PetscReal e, ny, dp, tol;
    PetscCall(VecSetRandom(x, rnd));
    PetscCall(PCApply(icc, x, y1));
    PetscCall(PCApply(ours, x, y2));
    PetscCall(ApplyIC0(Ap, x, yp));
    PetscCall(VecNorm(y1, NORM_2, &ny));
    PetscCall(VecAXPY(yp, -1.0, y2));
    PetscCall(VecNorm(yp, NORM_2, &dp));
    PetscCall(VecAXPY(y2, -1.0, y1));
    PetscCall(VecNorm(y2, NORM_2, &e));
    tol = 10 * (dp / ny / delta0) * TestGamma(rowmax + 4);
    PetscCall(PetscInfo(NULL, "%s: kappa %.2e, tolerance %.2e, differs by %.2e\n", name, (double)(dp / ny / delta0), (double)tol, (double)(e / ny)));
    CHECK(e <= tol * ny, "%s: |y_ours - y_PCICC| / |y_PCICC| = %.3e > %.3e", name, (double)(e / ny), (double)tol);
  }
  PetscCall(TestCGMargin(A, icc, NULL, &its1, &r1, &m1, &b1));
  PetscCall(TestCGMargin(A, ours, NULL, &its2, &r2, &m2, &b2));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s: CG iterations PCICC %d (%s), kgnn IC(0) %d (%s)%s\n", name, (int)its1, KSPConvergedReasons[r1], (int)its2, KSPConvergedReasons[r2], m1 || m2 ? ", within round-off of the threshold" : ""));
  CHECK(r1 > 0 && r2 > 0 && PetscAbsInt(its1 - its2) <= (m1 || m2 ? 1 : 0), "%s: CG iterations differ: PCICC %d, kgnn IC(0) %d", name, (int)its1, (int)its2);
  PetscCall(PCDestroy(&icc));
  PetscCall(PCDestroy(&ours));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&y1));
  PetscCall(VecDestroy(&y2));
  PetscCall(VecDestroy(&yp));
  PetscCall(MatDestroy(&L));
  PetscCall(MatDestroy(&Ap));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  Mat         A;
  PetscRandom rnd;
  const char *files[] = {"../shared/matrices/suitesparse/nos4.mtx", "../shared/matrices/suitesparse/bcsstk01.mtx", "../shared/matrices/suitesparse/gr_30_30.mtx"};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetSeed(rnd, 7));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(TestPoisson2D(PETSC_COMM_SELF, 20, &A));
  PetscCall(Compare("poisson 20x20", A, rnd));
  PetscCall(MatDestroy(&A));
  PetscCall(TestRandomSPD(300, 8, rnd, &A));
  PetscCall(Compare("random SPD n=300", A, rnd));
  PetscCall(MatDestroy(&A));
  for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
    PetscCall(KGNNMatLoad(PETSC_COMM_SELF, files[f], &A));
    PetscCall(Compare(files[f], A, rnd));
    PetscCall(MatDestroy(&A));
  }
  PetscCall(PetscRandomDestroy(&rnd));
  TEST_END();
}
