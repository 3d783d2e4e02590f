/* The PETSc face of the factor object (src/factor/factor.h) that every factored PC shares
   (PCKOPT, PCGNN, KGNNPCSetFactor): apply on Vecs with its log event, the failure as a
   PCFailedReason, L as a Mat and through -pc_*_view_factor, and the shell of a given L. */
#include "factor_pc.h"
#include <petsc/private/petscimpl.h>

/* y = (L L^T)^-1 x (half PETSC_FALSE), or one half: left y = L^-1 x, right y = L^-T x (for
   -ksp_pc_side symmetric, the operator L^-1 A L^-T, as PCICC's); Inf everywhere after a failed
   setup, as PETSc's factor PCs do (never a silent number) */
static PetscErrorCode FactorApply(PC pc, const KGNNFactor *F, PetscBool half, PetscBool left, Vec x, Vec y)
{
  const PetscScalar *xa;
  PetscScalar       *ya;

  PetscFunctionBegin;
  if (F->state != KGNN_FACTOR_READY) {
    PetscCall(VecSetInf(y));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(PetscLogEventBegin(KGNN_FactorApply, pc, x, y, 0));
  PetscCall(VecGetArrayRead(x, &xa));
  PetscCall(VecGetArrayWrite(y, &ya));
  if (half) KGNNFactorApplyHalf(F, left, xa, ya);
  else KGNNFactorApply(F, xa, ya);
  PetscCall(VecRestoreArrayRead(x, &xa));
  PetscCall(VecRestoreArrayWrite(y, &ya));
  PetscCall(PetscLogFlops(KGNNFactorApplyFlops(F, half)));
  PetscCall(PetscLogEventEnd(KGNN_FactorApply, pc, x, y, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNFactorApplyVec(PC pc, const KGNNFactor *F, Vec x, Vec y)
{
  PetscFunctionBegin;
  PetscCall(FactorApply(pc, F, PETSC_FALSE, PETSC_FALSE, x, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNFactorApplyHalfVec(PC pc, const KGNNFactor *F, PetscBool left, Vec x, Vec y)
{
  PetscFunctionBegin;
  PetscCall(FactorApply(pc, F, PETSC_TRUE, left, x, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A failed factorization is not an error: the state, and the reason KSP turns into
   DIVERGED_PC_FAILED */
PetscErrorCode KGNNFactorFailPC(PC pc, KGNNFactor *F, KGNNFactorState why, PetscInt where)
{
  PetscFunctionBegin;
  KGNNFactorFail(F, why, where);
  PetscCall(PCSetFailedReason(pc, why == KGNN_FACTOR_PIVOT ? PC_FACTOR_NUMERIC_ZEROPIVOT : PC_FACTOR_OTHER));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* PCKOPTGetFactor(), PCGNNGetFactor(): a copy of L (SEQAIJ) */
PetscErrorCode KGNNFactorGetMat(PC pc, const char pcname[], const KGNNFactor *F, Mat *L)
{
  PetscFunctionBegin;
  PetscCheck(F->state == KGNN_FACTOR_READY, PetscObjectComm((PetscObject)pc), PETSC_ERR_ORDER, "%s has no factor: call PCSetUp() first (and check PCGetFailedReason())", pcname);
  PetscCall(KGNNLowerToMat(F->L, L));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -pc_kopt_view_factor / -pc_gnn_view_factor <viewer>: L through any PETSc viewer after setup,
   e.g. binary:L.bin, which MatLoad reads back. */
PetscErrorCode KGNNFactorViewFromOptions(PC pc, const char option[], const KGNNFactor *F)
{
  PetscViewer       viewer;
  PetscViewerFormat format;
  PetscBool         flg;
  Mat               L;

  PetscFunctionBegin;
  if (F->state != KGNN_FACTOR_READY) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscOptionsGetViewer(PetscObjectComm((PetscObject)pc), ((PetscObject)pc)->options, ((PetscObject)pc)->prefix, option, &viewer, &format, &flg));
  if (!flg) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(KGNNLowerToMat(F->L, &L));
  PetscCall(PetscObjectSetName((PetscObject)L, "L"));
  PetscCall(PetscViewerPushFormat(viewer, format));
  PetscCall(MatView(L, viewer));
  PetscCall(PetscViewerPopFormat(viewer));
  PetscCall(MatDestroy(&L));
#if PETSC_VERSION_LT(3, 22, 0)
  PetscCall(PetscViewerDestroy(&viewer));
#else
  PetscCall(PetscOptionsRestoreViewer(&viewer));
#endif
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* KGNNPCSetFactor: a given lower-triangular L as a preconditioner, (L L^T)^-1 applied by the
   same triangular solves as PCKOPT, for comparing factors that come from elsewhere (the
   library's IC(0), a dataset's target, a network's prediction). The shell's context is the
   factor object, holding L itself. */
static PetscErrorCode FactorShellApply(PC pc, Vec x, Vec y)
{
  KGNNFactor *F;

  PetscFunctionBegin;
  PetscCall(PCShellGetContext(pc, &F));
  PetscCall(KGNNFactorApplyVec(pc, F, x, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FactorShellApplyLeft(PC pc, Vec x, Vec y)
{
  KGNNFactor *F;

  PetscFunctionBegin;
  PetscCall(PCShellGetContext(pc, &F));
  PetscCall(KGNNFactorApplyHalfVec(pc, F, PETSC_TRUE, x, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FactorShellApplyRight(PC pc, Vec x, Vec y)
{
  KGNNFactor *F;

  PetscFunctionBegin;
  PetscCall(PCShellGetContext(pc, &F));
  PetscCall(KGNNFactorApplyHalfVec(pc, F, PETSC_FALSE, x, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FactorShellDestroy(PC pc)
{
  KGNNFactor *F;

  PetscFunctionBegin;
  PetscCall(PCShellGetContext(pc, &F));
  PetscCall(KGNNFactorReset(F));
  PetscCall(PetscFree(F));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNPCSetFactor(PC pc, Mat L)
{
  KGNNFactor *F;
  PetscInt    bad;

  PetscFunctionBegin;
  PetscCall(PetscNew(&F));
  PetscCall(KGNNLowerFromMat(L, &F->own));
  PetscCall(KGNNFactorSetUp(F, &F->own, &bad));
  if (bad >= 0) {
    PetscCall(KGNNFactorReset(F));
    PetscCall(PetscFree(F));
  }
  PetscCheck(bad < 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "Factor has a zero or non-finite diagonal entry in row %" PetscInt_FMT " (1-based)", bad + 1);
  PetscCall(PCSetType(pc, PCSHELL));
  PetscCall(PCShellSetContext(pc, F));
  PetscCall(PCShellSetApply(pc, FactorShellApply));
  PetscCall(PCShellSetApplySymmetricLeft(pc, FactorShellApplyLeft));   /* L^-1 */
  PetscCall(PCShellSetApplySymmetricRight(pc, FactorShellApplyRight)); /* L^-T */
  PetscCall(PCShellSetDestroy(pc, FactorShellDestroy));
  PetscCall(PCShellSetName(pc, "kgnn factor (L L^T)^-1"));
  PetscFunctionReturn(PETSC_SUCCESS);
}
