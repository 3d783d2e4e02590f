/* The benchmark protocol: the CG run by which kgnn-bench, kgnn-dataset and the tests compare
   preconditioners (the paper's Sec. 5.2 and Figure 2): b = ones, x0 = 0, rtol 1e-8 on the
   unpreconditioned residual, at most 10000 iterations, no divergence tolerance; converged = a
   positive KSP reason and a true relative residual below 1e-6 (CG can claim convergence it has
   not reached when the condition number nears 1e15); and the category of a matrix by the two
   factors' runs. */
#include "dataset.h"

PetscErrorCode KGNNCGSetDefaults(KSP ksp)
{
  PetscFunctionBegin;
  PetscCall(KSPSetType(ksp, KSPCG));
  PetscCall(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED));
  /* no divergence tolerance: as in the paper a run fails by breakdown or by the iteration
     limit (PETSc's default dtol 1e5 stops CG on the residual growth it shows on matrices with
     condition ~1e12 before converging); the true-residual check guards the rest */
  PetscCall(KSPSetTolerances(ksp, 1e-8, PETSC_DEFAULT, 1e30, 10000));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNCGRun(KSP ksp, KGNNCGResult *r)
{
  Mat            A;
  Vec            b, x, res;
  PetscReal      bn, rn;
  PetscLogDouble t0, t1, t2;

  PetscFunctionBegin;
  PetscCall(KSPGetOperators(ksp, &A, NULL));
  PetscCall(MatCreateVecs(A, &x, &b));
  PetscCall(VecDuplicate(b, &res));
  PetscCall(VecSet(b, 1.0));
  PetscCall(PetscTime(&t0));
  PetscCall(KSPSetUp(ksp));
  PetscCall(PetscTime(&t1));
  PetscCall(KSPSolve(ksp, b, x));
  PetscCall(PetscTime(&t2));
  PetscCall(KSPGetIterationNumber(ksp, &r->its));
  PetscCall(KSPGetConvergedReason(ksp, &r->reason));
  PetscCall(MatMult(A, x, res));
  PetscCall(VecAYPX(res, -1.0, b));
  PetscCall(VecNorm(res, NORM_2, &rn));
  PetscCall(VecNorm(b, NORM_2, &bn));
  r->setup     = t1 - t0;
  r->solve     = t2 - t1;
  r->relres    = bn > 0 ? rn / bn : rn;
  r->converged = (r->reason > 0 && r->relres < 1e-6) ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&b));
  PetscCall(VecDestroy(&res));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNCGWithFactor(Mat A, Mat L, KGNNCGResult *r)
{
  KSP ksp;
  PC  pc;

  PetscFunctionBegin;
  PetscCall(KSPCreate(PETSC_COMM_SELF, &ksp));
  PetscCall(KSPSetOperators(ksp, A, A));
  PetscCall(KGNNCGSetDefaults(ksp));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(KGNNPCSetFactor(pc, L));
  PetscCall(KGNNCGRun(ksp, r));
  PetscCall(KSPDestroy(&ksp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNKoptFactorOrNull(Mat A, Mat *L)
{
  PC             pc;
  PCFailedReason reason = PC_NOERROR;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  *L = NULL;
  PetscCall(PCCreate(PETSC_COMM_SELF, &pc));
  PetscCall(PCSetType(pc, PCKOPT));
  PetscCall(PCSetOperators(pc, A, A));
  PetscCall(PCSetFromOptions(pc));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = PCSetUp(pc);
  PetscCall(PetscPopErrorHandler());
  if (!ierr) PetscCall(PCGetFailedReason(pc, &reason));
  if (!ierr && reason == PC_NOERROR) PetscCall(PCKOPTGetFactor(pc, L));
  PetscCall(PCDestroy(&pc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* converged first (the true-residual rule), then fewer iterations; equal counts tie */
const char *KGNNCategory(const KGNNCGResult *ic0, const KGNNCGResult *kopt)
{
  PetscBool ic = ic0->converged, ko = kopt->converged;

  if (ko && !ic) return "kopt_only";
  if (ic && !ko) return "ic0_only";
  if (!ic && !ko) return "both_failed";
  if (kopt->its < ic0->its) return "kopt_fewer";
  if (ic0->its < kopt->its) return "ic0_fewer";
  return "equal";
}
