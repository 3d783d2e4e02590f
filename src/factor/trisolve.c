/* Apply of a factored preconditioner (L L^T)^-1: a column-oriented forward solve and a
   row-oriented backward solve, both on L's CSC arrays (column j of L is row j of L^T). Shared
   by PCKOPT and PCGNN.

   The solves use the unit form L L^T = W D^-1 W^T, W = L diag(L)^-1 (unit lower), D^-1 =
   diag(L)^-2: with a unit diagonal no multiply sits on the critical path from one row to the
   next (each row's result feeds the next row's update), the same dependency chain as PETSc's
   ICC solve; scaling by the inverse diagonal in both solves made the apply ~30% slower. */
#include "../kgnn_impl.h"

/* These loops run two to a few dozen iterations per row: unrolled, their overhead no longer
   dominates (measured by `make bench` against PCICC, whose solve is built the same way). */
#if defined(__GNUC__) && !defined(__clang__)
  #pragma GCC optimize("unroll-loops")
#endif

/* w = L with columns scaled to a unit diagonal, dinv = 1 / diag(L)^2;
   badcol = the first zero or non-finite diagonal, or -1 */
PetscErrorCode KGNNTriSolveSetUp(const KGNNLower *L, PetscScalar *w, PetscScalar *dinv, PetscInt *badcol)
{
  PetscFunctionBegin;
  *badcol = -1;
  for (PetscInt j = 0; j < L->n; j++) {
    PetscScalar d = L->val[L->colptr[j]], id = 1.0 / d;
    if (d == 0.0 || PetscIsInfOrNanScalar(d) || PetscIsInfOrNanScalar(id * id)) {
      *badcol = j;
      break;
    }
    dinv[j] = id * id;
    for (PetscInt p = L->colptr[j]; p < L->colptr[j + 1]; p++) w[p] = L->val[p] * id;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

void KGNNTriSolve(const KGNNLower *L, const PetscScalar *restrict w, const PetscScalar *restrict dinv, const PetscScalar *x, PetscScalar *y)
{
  const PetscInt *restrict cp = L->colptr, *restrict ri = L->rowidx;
  PetscInt n = L->n;

  if (y != x) memcpy(y, x, (size_t)n * sizeof(*y));
  /* W z = x column by column, then y = D^-1 z: z_j is final once the columns before it are in */
  for (PetscInt j = 0; j < n; j++) {
    const PetscScalar *v  = w + cp[j] + 1;
    const PetscInt    *r  = ri + cp[j] + 1;
    PetscInt           nz = cp[j + 1] - cp[j] - 1;
    PetscScalar        t  = y[j];
    for (PetscInt k = 0; k < nz; k++) y[r[k]] -= v[k] * t;
    y[j] = t * dinv[j];
  }
  /* W^T y = D^-1 z, row j of W^T = column j of W, from the last row up */
  for (PetscInt j = n - 1; j >= 0; j--) {
    const PetscScalar *v  = w + cp[j] + 1;
    const PetscInt    *r  = ri + cp[j] + 1;
    PetscInt           nz = cp[j + 1] - cp[j] - 1;
    PetscScalar        s  = y[j];
    for (PetscInt k = 0; k < nz; k++) s -= v[k] * y[r[k]];
    y[j] = s;
  }
}

/* The two halves on their own, for operators such as L^-1 A L^-T (spectra): L y = x and
   L^T y = x, with the diagonal of L itself (not a hot path). */
void KGNNTriSolveLower(const KGNNLower *L, const PetscScalar *x, PetscScalar *y)
{
  if (y != x) memcpy(y, x, (size_t)L->n * sizeof(*y));
  for (PetscInt j = 0; j < L->n; j++) {
    PetscScalar t = y[j] / L->val[L->colptr[j]];
    y[j]          = t;
    for (PetscInt p = L->colptr[j] + 1; p < L->colptr[j + 1]; p++) y[L->rowidx[p]] -= L->val[p] * t;
  }
}

void KGNNTriSolveUpper(const KGNNLower *L, const PetscScalar *x, PetscScalar *y)
{
  if (y != x) memcpy(y, x, (size_t)L->n * sizeof(*y));
  for (PetscInt j = L->n - 1; j >= 0; j--) {
    PetscScalar s = y[j];
    for (PetscInt p = L->colptr[j] + 1; p < L->colptr[j + 1]; p++) s -= L->val[p] * y[L->rowidx[p]];
    y[j] = s / L->val[L->colptr[j]];
  }
}
