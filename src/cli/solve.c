/* kgnn-solve: solve A x = b for a matrix file with any PETSc KSP/PC, PCKOPT included. */
static const char help[] = "kgnn-solve -f A.mtx [-rhs b.mtx] [PETSc KSP and PC options]: solve A x = b for an SPD matrix file with PETSc's KSP and kgnn's preconditioners.\n"
                           "Defaults: -ksp_type cg -ksp_rtol 1e-8 -ksp_max_it 10000 -ksp_norm_type unpreconditioned, -pc_type kopt on one rank (bjacobi on several).\n"
                           "The setup time includes the setup of bjacobi/asm blocks (KSPSetUpOnBlocks).\n"
                           "Exit codes:\n"
                           "  0  converged: a positive KSP reason and a true relative residual ||b - A x|| / ||b|| within 100 x rtol (or ||b - A x|| within 100 x atol)\n"
                           "  1  error: an unknown or unused option, a bad option value, a file that cannot be read, a matrix the PC refuses (one line on stderr)\n"
                           "  2  not converged: KSP reports a DIVERGED_* reason (DIVERGED_ITS, DIVERGED_PC_FAILED, DIVERGED_INDEFINITE_PC, ...)\n"
                           "  3  false convergence: KSP reports convergence but the true residual misses the tolerance by more than 100 x\n";

#include "../kgnn_cli.h"

#define EXIT_NOT_CONVERGED 2
#define EXIT_FALSE_CONVERGENCE 3
#define TRUE_RESIDUAL_SLACK 100 /* the true residual may exceed the tolerance the recurrence met by this factor */

static const KGNNCLIOption options[] = {
    {"-f", "<A.mtx|A.mtx.gz|A.bin>", "the matrix (Matrix Market coordinate real/integer, or PETSc binary)"},
    {"-rhs", "<b.mtx|b.bin>", "right-hand side (default: all ones)"},
    {NULL, NULL, NULL},
};

static PetscErrorCode Configure(void *ctx)
{
  PetscFunctionBegin;
  PetscCall(KSPSetFromOptions((KSP)ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the -sub_ options of bjacobi's and asm's blocks, which PETSc reads only when it makes the
   blocks inside KSPSetUp: asked of a KSP made for the purpose, configured as the blocks are */
static PetscErrorCode ConfigureBlocks(void *ctx)
{
  KSP sub;

  PetscFunctionBegin;
  PetscCall(KSPCreate(PETSC_COMM_SELF, &sub));
  PetscCall(KSPSetOptionsPrefix(sub, "sub_"));
  PetscCall(KSPSetType(sub, KSPPREONLY));
  PetscCall(KSPSetFromOptions(sub));
  PetscCall(KSPDestroy(&sub));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the solve proper; the caller owns (and destroys, on error too) the objects made here */
static PetscErrorCode Solve(KSP ksp, Mat *A, Vec *b, Vec *x, Vec *r, int *status)
{
  char               file[PETSC_MAX_PATH_LEN] = "", rhs[PETSC_MAX_PATH_LEN] = "";
  PetscBool          hasfile, hasrhs;
  PC                 pc;
  PetscInt           its, n;
  PetscReal          bnorm, rnorm, rtol, atol;
  KSPConvergedReason reason;
  MatInfo            info;
  PetscLogDouble     t0, t1, t2;
  KSPType            ktype;
  PCType             ptype;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-f", file, sizeof(file), &hasfile));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-rhs", rhs, sizeof(rhs), &hasrhs));
  PetscCheck(hasfile && file[0], PETSC_COMM_WORLD, PETSC_ERR_USER_INPUT, "no matrix: give -f A.mtx (or .mtx.gz, or a PETSc binary file)");

  PetscCall(KGNNMatLoad(PETSC_COMM_WORLD, file, A));
  PetscCall(MatGetSize(*A, &n, NULL));
  PetscCall(MatGetInfo(*A, MAT_GLOBAL_SUM, &info));
  if (hasrhs) PetscCall(KGNNVecLoad(*A, rhs, b));
  else {
    PetscCall(MatCreateVecs(*A, NULL, b));
    PetscCall(VecSet(*b, 1.0));
  }
  PetscCall(VecDuplicate(*b, x));
  PetscCall(VecDuplicate(*b, r));
  PetscCall(KSPSetOperators(ksp, *A, *A));

  /* setup = KSPSetUp and the blocks' own setup (bjacobi, asm), which KSPSolve would otherwise do */
  PetscCall(PetscTime(&t0));
  PetscCall(KSPSetUp(ksp));
  PetscCall(KSPSetUpOnBlocks(ksp));
  PetscCall(PetscTime(&t1));
  PetscCall(KSPSolve(ksp, *b, *x));
  PetscCall(PetscTime(&t2));

  PetscCall(KSPGetIterationNumber(ksp, &its));
  PetscCall(KSPGetConvergedReason(ksp, &reason));
  PetscCall(KSPGetTolerances(ksp, &rtol, &atol, NULL, NULL));
  PetscCall(MatMult(*A, *x, *r));
  PetscCall(VecAYPX(*r, -1.0, *b));
  PetscCall(VecNorm(*r, NORM_2, &rnorm));
  PetscCall(VecNorm(*b, NORM_2, &bnorm));
  PetscCall(KSPGetType(ksp, &ktype));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCGetType(pc, &ptype));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s: n=%" PetscInt_FMT " nnz=%.0f ksp=%s pc=%s iterations=%" PetscInt_FMT " reason=%s true_relres=%.3e setup=%.4g s solve=%.4g s\n", file, n, (double)info.nz_used, ktype, ptype, its,
                        KSPConvergedReasons[reason], (double)(bnorm > 0 ? rnorm / bnorm : rnorm), t1 - t0, t2 - t1));
  fflush(PETSC_STDOUT); /* the result line before the verdict on stderr */
  if (reason < 0) {
    *status = EXIT_NOT_CONVERGED;
    PetscCall(PetscFPrintf(PETSC_COMM_WORLD, PETSC_STDERR, "kgnn-solve: not converged: %s after %" PetscInt_FMT " iterations (exit code %d)\n", KSPConvergedReasons[reason], its, *status));
  } else if (!(rnorm <= TRUE_RESIDUAL_SLACK * PetscMax(rtol * bnorm, atol))) { /* NaN too */
    *status = EXIT_FALSE_CONVERGENCE;
    PetscCall(PetscFPrintf(PETSC_COMM_WORLD, PETSC_STDERR, "kgnn-solve: false convergence: KSP reports %s but the true relative residual %.3e is more than %d x rtol = %g (exit code %d)\n", KSPConvergedReasons[reason],
                           (double)(bnorm > 0 ? rnorm / bnorm : rnorm), TRUE_RESIDUAL_SLACK, (double)rtol, *status));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(int *status)
{
  PetscBool      help;
  Mat            A = NULL;
  Vec            b = NULL, x = NULL, r = NULL;
  KSP            ksp;
  PC             pc;
  PetscMPIInt    size;
  PetscErrorCode err;

  PetscFunctionBegin;
  PetscCall(KGNNCLIBegin("kgnn-solve", options));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));

  /* the solver first, so that every option is checked before the matrix is read */
  PetscCall(KSPCreate(PETSC_COMM_WORLD, &ksp));
  PetscCall(KSPSetType(ksp, KSPCG));
  /* the unpreconditioned residual, so that different preconditioners stop on the same quantity */
  PetscCall(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED));
  PetscCall(KSPSetTolerances(ksp, 1e-8, PETSC_DEFAULT, PETSC_DEFAULT, 10000));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, size == 1 ? PCKOPT : PCBJACOBI)); /* PETSc's own default on several ranks */
  PetscCall(KGNNCLICollect(Configure, ksp, PETSC_FALSE, &err));
  if (!err) PetscCall(KGNNCLICollect(ConfigureBlocks, NULL, PETSC_TRUE, &err));
  PetscCall(KGNNCLICheckOptions(&help));
  if (help) err = PETSC_SUCCESS;
  else if (!err) err = Solve(ksp, &A, &b, &x, &r, status);
  /* freed on every path, an error's too (it is passed on after) */
  PetscCall(KSPDestroy(&ksp));
  PetscCall(VecDestroy(&b));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&r));
  PetscCall(MatDestroy(&A));
  PetscCall(err);
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  int            status = KGNN_EXIT_OK;
  PetscErrorCode err;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(KGNNInitializePackage());
  err = Run(&status); /* before status is read */
  return KGNNCLIEnd(err, status);
}
