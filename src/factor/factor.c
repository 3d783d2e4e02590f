/* The factor object: one L with its unit form and failure, the same for PCKOPT, PCGNN and
   KGNNPCSetFactor's shell (src/factor/factor.h). The solves themselves are trisolve.c's. */
#include "factor.h"

void KGNNFactorBegin(KGNNFactor *F)
{
  F->state = KGNN_FACTOR_EMPTY;
  F->where = -1;
}

PetscErrorCode KGNNFactorSetUp(KGNNFactor *F, const KGNNLower *L, PetscInt *badcol)
{
  PetscInt n = L->n, nnz = L->colptr[n];

  PetscFunctionBegin;
  F->state = KGNN_FACTOR_EMPTY;
  F->L     = L;
  if (F->nw < nnz || F->nd < n) { /* re-setups on the same pattern keep the buffers */
    PetscCall(PetscFree2(F->w, F->dinv));
    PetscCall(PetscMalloc2(nnz, &F->w, n, &F->dinv));
    F->nw = nnz;
    F->nd = n;
  }
  PetscCall(KGNNTriSolveSetUp(L, F->w, F->dinv, badcol));
  if (*badcol < 0) F->state = KGNN_FACTOR_READY;
  PetscFunctionReturn(PETSC_SUCCESS);
}

void KGNNFactorFail(KGNNFactor *F, KGNNFactorState why, PetscInt where)
{
  F->state = why;
  F->where = where;
}

PetscBool KGNNFactorFailed(const KGNNFactor *F)
{
  return F->state == KGNN_FACTOR_PIVOT || F->state == KGNN_FACTOR_NONE ? PETSC_TRUE : PETSC_FALSE;
}

PetscErrorCode KGNNFactorReset(KGNNFactor *F)
{
  PetscFunctionBegin;
  PetscCall(PetscFree2(F->w, F->dinv));
  F->nw = F->nd = 0;
  PetscCall(KGNNLowerDestroy(&F->own));
  F->L = NULL;
  KGNNFactorBegin(F);
  PetscFunctionReturn(PETSC_SUCCESS);
}

void KGNNFactorApply(const KGNNFactor *F, const PetscScalar *x, PetscScalar *y)
{
  KGNNTriSolve(F->L, F->w, F->dinv, x, y);
}

void KGNNFactorApplyHalf(const KGNNFactor *F, PetscBool left, const PetscScalar *x, PetscScalar *y)
{
  if (left) KGNNTriSolveLower(F->L, x, y);
  else KGNNTriSolveUpper(F->L, x, y);
}

/* a multiply and an add per off-diagonal entry and solve, a multiply (divide) per row and solve */
double KGNNFactorApplyFlops(const KGNNFactor *F, PetscBool half)
{
  const KGNNLower *L = F->L;
  double           s = 2.0 * (double)(L->colptr[L->n] - L->n) + (double)L->n;

  return half ? s : 2 * s;
}
