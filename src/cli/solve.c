/* kgnn-solve: solve A x = b for a matrix file with any PETSc KSP/PC, PCKOPT included. */
static const char help[] = "Solve A x = b for an SPD matrix file with PETSc's KSP and kgnn's preconditioners.\n"
                           "  -f <A.mtx|A.mtx.gz|A.bin>  the matrix (Matrix Market coordinate real/integer, or PETSc binary)\n"
                           "  -rhs <b.mtx|b.bin>         right-hand side (default: all ones)\n"
                           "Defaults: -ksp_type cg -ksp_rtol 1e-8 -ksp_max_it 10000 -ksp_norm_type unpreconditioned, -pc_type kopt on one rank.\n";

#include <kgnn.h>

int main(int argc, char **argv)
{
  char               file[PETSC_MAX_PATH_LEN], rhs[PETSC_MAX_PATH_LEN] = "";
  PetscBool          flg, hasrhs;
  Mat                A;
  Vec                b, x, r;
  KSP                ksp;
  PC                 pc;
  PetscMPIInt        size;
  PetscInt           its, n;
  PetscReal          bnorm, rnorm;
  KSPConvergedReason reason;
  MatInfo            info;
  PetscLogDouble     t0, t1, t2;
  KSPType            ktype;
  PCType             ptype;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(KGNNInitializePackage());
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-f", file, sizeof(file), &flg));
  PetscCheck(flg, PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "kgnn-solve needs a matrix: -f A.mtx (or .mtx.gz, or a PETSc binary file)");
  PetscCall(PetscOptionsGetString(NULL, NULL, "-rhs", rhs, sizeof(rhs), &hasrhs));

  PetscCall(KGNNMatLoad(PETSC_COMM_WORLD, file, &A));
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(MatGetInfo(A, MAT_GLOBAL_SUM, &info));
  if (hasrhs) PetscCall(KGNNVecLoad(A, rhs, &b));
  else {
    PetscCall(MatCreateVecs(A, NULL, &b));
    PetscCall(VecSet(b, 1.0));
  }
  PetscCall(VecDuplicate(b, &x));
  PetscCall(VecDuplicate(b, &r));

  PetscCall(KSPCreate(PETSC_COMM_WORLD, &ksp));
  PetscCall(KSPSetOperators(ksp, A, A));
  PetscCall(KSPSetType(ksp, KSPCG));
  /* the unpreconditioned residual, so that different preconditioners stop on the same quantity */
  PetscCall(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED));
  PetscCall(KSPSetTolerances(ksp, 1e-8, PETSC_DEFAULT, PETSC_DEFAULT, 10000));
  PetscCall(KSPGetPC(ksp, &pc));
  if (size == 1) PetscCall(PCSetType(pc, PCKOPT));
  PetscCall(KSPSetFromOptions(ksp));

  PetscCall(PetscTime(&t0));
  PetscCall(KSPSetUp(ksp));
  PetscCall(PetscTime(&t1));
  PetscCall(KSPSolve(ksp, b, x));
  PetscCall(PetscTime(&t2));

  PetscCall(KSPGetIterationNumber(ksp, &its));
  PetscCall(KSPGetConvergedReason(ksp, &reason));
  PetscCall(MatMult(A, x, r));
  PetscCall(VecAYPX(r, -1.0, b));
  PetscCall(VecNorm(r, NORM_2, &rnorm));
  PetscCall(VecNorm(b, NORM_2, &bnorm));
  PetscCall(KSPGetType(ksp, &ktype));
  PetscCall(PCGetType(pc, &ptype));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s: n=%" PetscInt_FMT " nnz=%.0f ksp=%s pc=%s iterations=%" PetscInt_FMT " reason=%s true_relres=%.3e setup=%.4g s solve=%.4g s\n", file, n, (double)info.nz_used, ktype, ptype, its,
                        KSPConvergedReasons[reason], (double)(bnorm > 0 ? rnorm / bnorm : rnorm), t1 - t0, t2 - t1));

  PetscCall(KSPDestroy(&ksp));
  PetscCall(VecDestroy(&b));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&r));
  PetscCall(MatDestroy(&A));
  PetscCall(PetscFinalize());
  return 0;
}
