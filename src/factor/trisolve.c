/* Apply of a factored preconditioner (L L^T)^-1: a column-oriented forward solve with L and a
   row-oriented backward solve with L^T, both read from L's CSC arrays (column j of L is row j
   of L^T). Shared by PCKOPT and PCGNN. */
#include "../kgnn_impl.h"

/* idiag = 1/diag(L), so the solves multiply; *badcol = first zero or non-finite diagonal, or -1 */
PetscErrorCode KGNNTriSolveSetUp(const KGNNLower *L, PetscScalar *idiag, PetscInt *badcol)
{
  PetscFunctionBegin;
  *badcol = -1;
  for (PetscInt j = 0; j < L->n; j++) {
    PetscScalar d = L->val[L->colptr[j]];
    if (d == 0.0 || PetscIsInfOrNanScalar(d) || PetscIsInfOrNanScalar(1.0 / d)) {
      *badcol = j;
      break;
    }
    idiag[j] = 1.0 / d;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

void KGNNTriSolve(const KGNNLower *L, const PetscScalar *idiag, const PetscScalar *x, PetscScalar *y)
{
  const PetscInt    *cp = L->colptr, *ri = L->rowidx;
  const PetscScalar *v  = L->val;
  PetscInt           n  = L->n;

  if (y != x)
    for (PetscInt i = 0; i < n; i++) y[i] = x[i];
  /* L w = x, column by column: w_j is final once the columns before it are scattered */
  for (PetscInt j = 0; j < n; j++) {
    PetscScalar t = y[j] * idiag[j];
    y[j]          = t;
    for (PetscInt p = cp[j] + 1; p < cp[j + 1]; p++) y[ri[p]] -= v[p] * t;
  }
  /* L^T y = w, row j of L^T = column j of L, from the last row up */
  for (PetscInt j = n - 1; j >= 0; j--) {
    PetscScalar s = y[j];
    for (PetscInt p = cp[j] + 1; p < cp[j + 1]; p++) s -= v[p] * y[ri[p]];
    y[j] = s * idiag[j];
  }
}
