/* The library's own IC(0) (no shift) against PETSc's PCICC with -pc_factor_shift_type none:
   (L L^T)^-1 applied to random vectors agrees to 1e-12, and CG takes the same iterations. */
#include "testutil.h"

static PetscErrorCode Compare(const char *name, Mat A, PetscRandom rnd)
{
  PC                 icc, ours;
  Mat                L;
  PetscInt           fail, its1, its2;
  Vec                x, y1, y2;
  KSPConvergedReason r1, r2;

  PetscFunctionBegin;
  PetscCall(KGNNComputeIC0(A, &L, &fail));
  CHECK(fail < 0, "%s: IC(0) broke down at row %d", name, (int)fail);
  if (fail >= 0) PetscFunctionReturn(PETSC_SUCCESS);
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
  for (int k = 0; k < 5; k++) {
    PetscReal e, ny;
    PetscCall(VecSetRandom(x, rnd));
    PetscCall(PCApply(icc, x, y1));
    PetscCall(PCApply(ours, x, y2));
    PetscCall(VecNorm(y1, NORM_2, &ny));
    PetscCall(VecAXPY(y2, -1.0, y1));
    PetscCall(VecNorm(y2, NORM_2, &e));
    CHECK(e <= 1e-12 * ny, "%s: |y_ours - y_PCICC| / |y_PCICC| = %.3e > 1e-12", name, (double)(e / ny));
  }
  PetscCall(TestCGIterations(A, icc, NULL, &its1, &r1));
  PetscCall(TestCGIterations(A, ours, NULL, &its2, &r2));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s: CG iterations PCICC %d (%s), kgnn IC(0) %d (%s)\n", name, (int)its1, KSPConvergedReasons[r1], (int)its2, KSPConvergedReasons[r2]));
  CHECK(its1 == its2 && r1 > 0 && r2 > 0, "%s: CG iterations differ: PCICC %d, kgnn IC(0) %d", name, (int)its1, (int)its2);
  PetscCall(PCDestroy(&icc));
  PetscCall(PCDestroy(&ours));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&y1));
  PetscCall(VecDestroy(&y2));
  PetscCall(MatDestroy(&L));
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
