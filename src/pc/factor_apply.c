/* The apply shared by every factored PC (PCKOPT, PCGNN, KGNNPCSetFactor): y = (L L^T)^-1 x,
   or Inf everywhere after a failed setup, as PETSc's factor PCs do (never a silent number). */
#include "../kgnn_impl.h"

PetscErrorCode KGNNFactorApplyVec(PC pc, const KGNNLower *L, const PetscScalar *w, const PetscScalar *dinv, PetscBool failed, Vec x, Vec y)
{
  const PetscScalar *xa;
  PetscScalar       *ya;

  PetscFunctionBegin;
  if (failed) {
    PetscCall(VecSetInf(y));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(PetscLogEventBegin(KGNN_FactorApply, pc, x, y, 0));
  PetscCall(VecGetArrayRead(x, &xa));
  PetscCall(VecGetArrayWrite(y, &ya));
  KGNNTriSolve(L, w, dinv, xa, ya);
  PetscCall(VecRestoreArrayRead(x, &xa));
  PetscCall(VecRestoreArrayWrite(y, &ya));
  PetscCall(PetscLogFlops(4.0 * (PetscLogDouble)(L->colptr[L->n] - L->n) + 2.0 * (PetscLogDouble)L->n));
  PetscCall(PetscLogEventEnd(KGNN_FactorApply, pc, x, y, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The halves for -ksp_pc_side symmetric (the operator L^-1 A L^-T, as PCICC's): left y = L^-1 x,
   right y = L^-T x; Inf after a failed setup */
PetscErrorCode KGNNFactorApplyHalfVec(PC pc, const KGNNLower *L, PetscBool failed, PetscBool left, Vec x, Vec y)
{
  const PetscScalar *xa;
  PetscScalar       *ya;

  PetscFunctionBegin;
  if (failed) {
    PetscCall(VecSetInf(y));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(PetscLogEventBegin(KGNN_FactorApply, pc, x, y, 0));
  PetscCall(VecGetArrayRead(x, &xa));
  PetscCall(VecGetArrayWrite(y, &ya));
  if (left) KGNNTriSolveLower(L, xa, ya);
  else KGNNTriSolveUpper(L, xa, ya);
  PetscCall(VecRestoreArrayRead(x, &xa));
  PetscCall(VecRestoreArrayWrite(y, &ya));
  PetscCall(PetscLogFlops(2.0 * (PetscLogDouble)(L->colptr[L->n] - L->n) + (PetscLogDouble)L->n));
  PetscCall(PetscLogEventEnd(KGNN_FactorApply, pc, x, y, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}
