/* 2D 5-point Poisson, b = ones, x0 = 0, CG rtol 1e-8 on the unpreconditioned residual: the
   iteration counts of KOPT and of PETSc's ICC(0) against those of an independent
   implementation (Python/SciPy): 30x30 -> 20 and 28, 20x20 -> 16 and 20 (one iteration of
   slack). Both inverse paths must give the same count. */
#include "testutil.h"

int main(int argc, char **argv)
{
  const PetscInt m[] = {20, 30}, kopt_ref[] = {16, 20}, icc_ref[] = {20, 28};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  for (int c = 0; c < 2; c++) {
    Mat                A;
    PetscInt           its;
    KSPConvergedReason reason;
    PC                 pc;

    PetscCall(TestPoisson2D(PETSC_COMM_SELF, m[c], &A));
    for (int meth = KGNN_INVERSE_DENSE; meth <= KGNN_INVERSE_MUMPS; meth++) {
      PetscCall(PCCreate(PETSC_COMM_SELF, &pc));
      PetscCall(PCSetType(pc, PCKOPT));
      PetscCall(PCKOPTSetInverseMethod(pc, (KGNNInverseMethod)meth));
      PetscCall(TestCGIterations(A, pc, NULL, &its, &reason));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "poisson %dx%d kopt (%s): %d iterations, %s\n", (int)m[c], (int)m[c], KGNNInverseMethods[meth], (int)its, KSPConvergedReasons[reason]));
      CHECK(reason > 0 && PetscAbsInt(its - kopt_ref[c]) <= 1, "KOPT on %dx%d: %d iterations (%s), expected %d", (int)m[c], (int)m[c], (int)its, KSPConvergedReasons[reason], (int)kopt_ref[c]);
      PetscCall(PCDestroy(&pc));
    }
    PetscCall(TestCGIterations(A, NULL, PCICC, &its, &reason));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "poisson %dx%d icc(0): %d iterations, %s\n", (int)m[c], (int)m[c], (int)its, KSPConvergedReasons[reason]));
    CHECK(reason > 0 && PetscAbsInt(its - icc_ref[c]) <= 1, "ICC(0) on %dx%d: %d iterations (%s), expected %d", (int)m[c], (int)m[c], (int)its, KSPConvergedReasons[reason], (int)icc_ref[c]);
    PetscCall(MatDestroy(&A));
  }
  TEST_END();
}
