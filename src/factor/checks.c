/* Input checks on a plain CSR matrix. Each reports the first offending entry (row = -1 if none),
   so that the PETSc face can name it in its error message. */
#include "../kgnn_impl.h"

void KGNNCheckFinite(const KGNNCSR *A, PetscInt *row, PetscInt *col, PetscScalar *val)
{
  *row = *col = -1;
  for (PetscInt i = 0; i < A->n; i++)
    for (PetscInt p = A->rowptr[i]; p < A->rowptr[i + 1]; p++)
      if (PetscIsInfOrNanScalar(A->val[p])) {
        *row = i;
        *col = A->colidx[p];
        *val = A->val[p];
        return;
      }
}

/* Position of column j in row i, or -1; rows are sorted (PETSc AIJ keeps them so). */
static PetscInt find_in_row(const KGNNCSR *A, PetscInt i, PetscInt j)
{
  PetscInt lo = A->rowptr[i], hi = A->rowptr[i + 1] - 1;
  while (lo <= hi) {
    PetscInt mid = lo + (hi - lo) / 2;
    if (A->colidx[mid] == j) return mid;
    if (A->colidx[mid] < j) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/* An SPD matrix has a positive diagonal; a missing diagonal entry counts as 0. */
void KGNNCheckDiagonal(const KGNNCSR *A, PetscInt *row, PetscScalar *val, PetscBool *stored)
{
  *row    = -1;
  *stored = PETSC_TRUE;
  for (PetscInt i = 0; i < A->n; i++) {
    PetscInt    p = find_in_row(A, i, i);
    PetscScalar d = p < 0 ? 0.0 : A->val[p];
    if (!(PetscRealPart(d) > 0)) {
      *row    = i;
      *val    = d;
      *stored = p >= 0 ? PETSC_TRUE : PETSC_FALSE;
      return;
    }
  }
}

/* |a_ij - a_ji| <= tol * max(|a_ij|, |a_ji|) for every stored entry; an entry stored on one
   side only must then be (close to) zero. */
void KGNNCheckSymmetric(const KGNNCSR *A, PetscReal tol, PetscInt *row, PetscInt *col, PetscScalar *aij, PetscScalar *aji)
{
  *row = *col = -1;
  for (PetscInt i = 0; i < A->n; i++)
    for (PetscInt p = A->rowptr[i]; p < A->rowptr[i + 1]; p++) {
      PetscInt    j = A->colidx[p], q;
      PetscScalar a = A->val[p], b;
      if (j == i) continue;
      q = find_in_row(A, j, i);
      b = q < 0 ? 0.0 : A->val[q];
      if (PetscAbsScalar(a - b) > tol * PetscMax(PetscAbsScalar(a), PetscAbsScalar(b))) {
        *row = i;
        *col = j;
        *aij = a;
        *aji = b;
        return;
      }
    }
}
