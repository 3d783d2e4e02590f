/* The lower-triangular CSC factor structure: built from tril(A), and its rows (Mat <-> L lives
   on the PETSc side, src/pc/matcsr.c). */
#include "../kgnn_impl.h"

/* Column j of tril(A) = rows i >= j of A that store column j. Rows are visited in ascending
   order, so each column comes out sorted with its diagonal first; a missing diagonal is added
   (as a structural entry, value 0) so that L always has one. */
PetscErrorCode KGNNLowerCreateFromCSR(const KGNNCSR *A, PetscBool copy_values, KGNNLower *L)
{
  PetscInt n = A->n, *next, nnz;

  PetscFunctionBegin;
  L->n = n;
  PetscCall(PetscCalloc1(n + 1, &L->colptr));
  for (PetscInt i = 0; i < n; i++) {
    PetscBool hasdiag = PETSC_FALSE;
    for (PetscInt p = A->rowptr[i]; p < A->rowptr[i + 1]; p++) {
      PetscInt c = A->colidx[p];
      if (c > i) break;
      if (c == i) hasdiag = PETSC_TRUE;
      L->colptr[c + 1]++;
    }
    if (!hasdiag) L->colptr[i + 1]++;
  }
  for (PetscInt j = 0; j < n; j++) L->colptr[j + 1] += L->colptr[j];
  nnz = L->colptr[n];
  PetscCall(PetscMalloc1(nnz, &L->rowidx));
  PetscCall(PetscCalloc1(nnz, &L->val));
  PetscCall(PetscMalloc1(n, &next));
  for (PetscInt j = 0; j < n; j++) next[j] = L->colptr[j];
  for (PetscInt i = 0; i < n; i++) {
    PetscBool hasdiag = PETSC_FALSE;
    for (PetscInt p = A->rowptr[i]; p < A->rowptr[i + 1]; p++) {
      PetscInt c = A->colidx[p];
      if (c > i) break;
      if (c == i) hasdiag = PETSC_TRUE;
      L->rowidx[next[c]] = i;
      if (copy_values) L->val[next[c]] = A->val[p];
      next[c]++;
    }
    if (!hasdiag) L->rowidx[next[i]++] = i;
  }
  PetscCall(PetscFree(next));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNLowerDestroy(KGNNLower *L)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(L->colptr));
  PetscCall(PetscFree(L->rowidx));
  PetscCall(PetscFree(L->val));
  L->n = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Row-oriented copy of L (CSR): rp (n+1), ci, and the values v when asked (v may be NULL).
   Rows come out with ascending columns, since columns are visited in order. */
PetscErrorCode KGNNLowerRows(const KGNNLower *L, PetscInt **rp, PetscInt **ci, PetscScalar **v)
{
  PetscInt n = L->n, nnz = L->colptr[n], *next;

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(n + 1, rp));
  PetscCall(PetscMalloc1(nnz, ci));
  if (v) PetscCall(PetscMalloc1(nnz, v));
  PetscCall(PetscMalloc1(n + 1, &next));
  for (PetscInt p = 0; p < nnz; p++) (*rp)[L->rowidx[p] + 1]++;
  for (PetscInt i = 0; i < n; i++) (*rp)[i + 1] += (*rp)[i];
  for (PetscInt i = 0; i < n; i++) next[i] = (*rp)[i];
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt p = L->colptr[j]; p < L->colptr[j + 1]; p++) {
      PetscInt q = next[L->rowidx[p]]++;
      (*ci)[q]   = j;
      if (v) (*v)[q] = L->val[p];
    }
  PetscCall(PetscFree(next));
  PetscFunctionReturn(PETSC_SUCCESS);
}
