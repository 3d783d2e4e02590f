/* How a simulation code uses kgnn: link -lkgnn, call KGNNInitializePackage() once after
   PetscInitialize(), then pick the preconditioner in code or with -pc_type kopt.

   Build against an install (make install PREFIX=<prefix>), in any folder:
     export PKG_CONFIG_PATH=<prefix>/lib/pkgconfig
     cc $(pkg-config --cflags kgnn) link_and_register.c $(pkg-config --libs kgnn) -o link_and_register
   kgnn.pc requires PETSc's own PETSc.pc and mpi.pc (PETSc's headers include mpi.h) and, outside
   the system's library folders, carries an rpath to <prefix>/lib: the program runs without
   LD_LIBRARY_PATH. In the build tree, make builds it as build/examples/link_and_register. */
#include <kgnn.h>

int main(int argc, char **argv)
{
  Mat                A;
  Vec                x, b;
  KSP                ksp;
  PC                 pc;
  PetscInt           m = 32, N, rs, re, its;
  KSPConvergedReason reason;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage()); /* registers -pc_type kopt */

  /* the simulation's own SPD operator: a 2D Laplacian here */
  N = m * m;
  PetscCall(MatCreateAIJ(PETSC_COMM_WORLD, PETSC_DECIDE, PETSC_DECIDE, N, N, 5, NULL, 4, NULL, &A));
  PetscCall(MatGetOwnershipRange(A, &rs, &re));
  for (PetscInt k = rs; k < re; k++) {
    PetscInt i = k / m, j = k % m;
    PetscCall(MatSetValue(A, k, k, 4.0, INSERT_VALUES));
    if (i > 0) PetscCall(MatSetValue(A, k, k - m, -1.0, INSERT_VALUES));
    if (i < m - 1) PetscCall(MatSetValue(A, k, k + m, -1.0, INSERT_VALUES));
    if (j > 0) PetscCall(MatSetValue(A, k, k - 1, -1.0, INSERT_VALUES));
    if (j < m - 1) PetscCall(MatSetValue(A, k, k + 1, -1.0, INSERT_VALUES));
  }
  PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatCreateVecs(A, &x, &b));
  PetscCall(VecSet(b, 1.0));

  PetscCall(KSPCreate(PETSC_COMM_WORLD, &ksp));
  PetscCall(KSPSetOperators(ksp, A, A));
  PetscCall(KSPSetType(ksp, KSPCG));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCKOPT));                          /* in parallel: PCBJACOBI with -sub_pc_type kopt */
  PetscCall(PCKOPTSetInverseMethod(pc, KGNN_INVERSE_MUMPS)); /* every option has a setter */
  PetscCall(KSPSetFromOptions(ksp));                         /* command-line options still win */
  PetscCall(KSPSolve(ksp, b, x));
  PetscCall(KSPGetIterationNumber(ksp, &its));
  PetscCall(KSPGetConvergedReason(ksp, &reason));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "2D Laplacian %dx%d: CG + KOPT iterations=%d reason=%s\n", (int)m, (int)m, (int)its, KSPConvergedReasons[reason]));

  PetscCall(KSPDestroy(&ksp));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&b));
  PetscCall(MatDestroy(&A));
  PetscCall(PetscFinalize());
  return 0;
}
