/* A given lower-triangular factor L as a preconditioner, (L L^T)^-1 applied by the same
   triangular solves as PCKOPT: for comparing factors that come from elsewhere (the library's
   IC(0), a dataset's target, a network's prediction). */
#include "../kgnn_impl.h"

typedef struct {
  KGNNLower    L;
  PetscScalar *w, *dinv;
} FactorShell;

static PetscErrorCode FactorShellApply(PC pc, Vec x, Vec y)
{
  FactorShell *fs;

  PetscFunctionBegin;
  PetscCall(PCShellGetContext(pc, &fs));
  PetscCall(KGNNFactorApplyVec(pc, &fs->L, fs->w, fs->dinv, PETSC_FALSE, x, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FactorShellApplyLeft(PC pc, Vec x, Vec y)
{
  FactorShell *fs;

  PetscFunctionBegin;
  PetscCall(PCShellGetContext(pc, &fs));
  PetscCall(KGNNFactorApplyHalfVec(pc, &fs->L, PETSC_FALSE, PETSC_TRUE, x, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FactorShellApplyRight(PC pc, Vec x, Vec y)
{
  FactorShell *fs;

  PetscFunctionBegin;
  PetscCall(PCShellGetContext(pc, &fs));
  PetscCall(KGNNFactorApplyHalfVec(pc, &fs->L, PETSC_FALSE, PETSC_FALSE, x, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FactorShellDestroy(PC pc)
{
  FactorShell *fs;

  PetscFunctionBegin;
  PetscCall(PCShellGetContext(pc, &fs));
  PetscCall(KGNNLowerDestroy(&fs->L));
  PetscCall(PetscFree2(fs->w, fs->dinv));
  PetscCall(PetscFree(fs));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNPCSetFactor(PC pc, Mat L)
{
  FactorShell *fs;
  PetscInt     bad;

  PetscFunctionBegin;
  PetscCall(PetscNew(&fs));
  PetscCall(KGNNLowerFromMat(L, &fs->L));
  PetscCall(PetscMalloc2(fs->L.colptr[fs->L.n], &fs->w, fs->L.n, &fs->dinv));
  PetscCall(KGNNTriSolveSetUp(&fs->L, fs->w, fs->dinv, &bad));
  if (bad >= 0) {
    PetscCall(KGNNLowerDestroy(&fs->L));
    PetscCall(PetscFree2(fs->w, fs->dinv));
    PetscCall(PetscFree(fs));
  }
  PetscCheck(bad < 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "Factor has a zero or non-finite diagonal entry in row %" PetscInt_FMT " (1-based)", bad + 1);
  PetscCall(PCSetType(pc, PCSHELL));
  PetscCall(PCShellSetContext(pc, fs));
  PetscCall(PCShellSetApply(pc, FactorShellApply));
  PetscCall(PCShellSetApplySymmetricLeft(pc, FactorShellApplyLeft));   /* L^-1 */
  PetscCall(PCShellSetApplySymmetricRight(pc, FactorShellApplyRight)); /* L^-T */
  PetscCall(PCShellSetDestroy(pc, FactorShellDestroy));
  PetscCall(PCShellSetName(pc, "kgnn factor (L L^T)^-1"));
  PetscFunctionReturn(PETSC_SUCCESS);
}
