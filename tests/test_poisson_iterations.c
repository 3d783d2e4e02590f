/* 2D 5-point Poisson, b = ones, x0 = 0, CG rtol 1e-8 on the unpreconditioned residual: the
   iteration counts of KOPT and of PETSc's ICC(0) against those of an independent
   implementation (Python/SciPy): 30x30 -> 20 and 28, 20x20 -> 16 and 20. Both inverse paths
   must give the same count. The counts go through BLAS (CG's dot products and norms), so they
   are exact only when no other summation order could move them: TestCGMargin (tests/testutil.h)
   derives the band round-off can move the residuals by; a count whose last two residuals clear
   CG's threshold by more than that must be exactly the reference, otherwise one iteration more
   or less is round-off. Here they clear it by 25% and more, against bands below 1e-8. */
#include "testutil.h"

int main(int argc, char **argv)
{
  const PetscInt m[] = {20, 30}, kopt_ref[] = {16, 20}, icc_ref[] = {20, 28};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  for (int c = 0; c < 2; c++) {
    Mat                A;
    PetscInt           its, its_dense = -1;
    KSPConvergedReason reason;
    PetscBool          marg = PETSC_FALSE, marg_dense = PETSC_FALSE;
    PetscReal          band = 0;
    PC                 pc;

    PetscCall(TestPoisson2D(PETSC_COMM_SELF, m[c], &A));
    for (int meth = KGNN_INVERSE_DENSE; meth <= KGNN_INVERSE_MUMPS; meth++) {
      PetscCall(PCCreate(PETSC_COMM_SELF, &pc));
      PetscCall(PCSetType(pc, PCKOPT));
      PetscCall(PCKOPTSetInverseMethod(pc, (KGNNInverseMethod)meth));
      PetscCall(TestCGMargin(A, pc, NULL, &its, &reason, &marg, &band));
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "poisson %dx%d kopt (%s): %d iterations, %s%s\n", (int)m[c], (int)m[c], KGNNInverseMethods[meth], (int)its, KSPConvergedReasons[reason], marg ? ", within round-off of the threshold" : ""));
      CHECK(reason > 0 && PetscAbsInt(its - kopt_ref[c]) <= (marg ? 1 : 0), "KOPT on %dx%d: %d iterations (%s), expected %d", (int)m[c], (int)m[c], (int)its, KSPConvergedReasons[reason], (int)kopt_ref[c]);
      if (meth == KGNN_INVERSE_DENSE) its_dense = its, marg_dense = marg;
      else CHECK(PetscAbsInt(its - its_dense) <= (marg || marg_dense ? 1 : 0), "KOPT on %dx%d: %d iterations with the dense inverse, %d with MUMPS", (int)m[c], (int)m[c], (int)its_dense, (int)its);
      PetscCall(PCDestroy(&pc));
    }
    PetscCall(TestCGMargin(A, NULL, PCICC, &its, &reason, &marg, &band));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "poisson %dx%d icc(0): %d iterations, %s%s\n", (int)m[c], (int)m[c], (int)its, KSPConvergedReasons[reason], marg ? ", within round-off of the threshold" : ""));
    CHECK(reason > 0 && PetscAbsInt(its - icc_ref[c]) <= (marg ? 1 : 0), "ICC(0) on %dx%d: %d iterations (%s), expected %d", (int)m[c], (int)m[c], (int)its, KSPConvergedReasons[reason], (int)icc_ref[c]);
    PetscCall(MatDestroy(&A));
  }
  TEST_END();
}
