/* The graph of A that PCGNN's network runs on, kgnn-perf times and the dataset stores, and the
   map from its edges to the entries of L (src/factor/factor.h). One edge per stored entry of A,
   in CSR order, so that edge p carries a_ij = val[p] and the network's output on it is L_ij. */
#include "factor.h"

void KGNNCSREdges(PetscInt n, const PetscInt *rowptr, const PetscInt *colidx, const PetscScalar *val, PetscInt *sender, PetscInt *receiver, PetscReal *a)
{
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt p = rowptr[i]; p < rowptr[i + 1]; p++) {
      if (sender) sender[p] = i;
      if (receiver) receiver[p] = colidx[p];
      if (a) a[p] = PetscRealPart(val[p]);
    }
}

PetscErrorCode KGNNEdgeMapCreate(const KGNNCSR *A, KGNNLower *L, PetscInt **edge_of, PetscInt *nodiag)
{
  PetscInt n = A->n, *next;

  PetscFunctionBegin;
  *nodiag = -1;
  PetscCall(KGNNLowerCreateFromCSR(A, PETSC_FALSE, L));
  PetscCall(PetscMalloc1(L->colptr[n], edge_of));
  /* the same walk as KGNNLowerCreateFromCSR: rows in order fill each column in order; a column
     whose diagonal A lacks ends one short (KGNNLowerCreateFromCSR's structural entry) */
  PetscCall(PetscMalloc1(n, &next));
  for (PetscInt j = 0; j < n; j++) next[j] = L->colptr[j];
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt p = A->rowptr[i]; p < A->rowptr[i + 1] && A->colidx[p] <= i; p++) (*edge_of)[next[A->colidx[p]]++] = p;
  for (PetscInt j = 0; j < n && *nodiag < 0; j++)
    if (next[j] != L->colptr[j + 1]) *nodiag = j;
  PetscCall(PetscFree(next));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void KGNNLowerFromEdges(KGNNLower *L, const PetscInt *edge_of, const PetscReal *out, PetscReal diag_shift, KGNNEdgeCheck *chk)
{
  PetscInt  n    = L->n;
  PetscReal dmax = 0;

  chk->fault = KGNN_EDGE_OK;
  chk->row = chk->col = -1;
  chk->value = chk->dmax = 0;
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt p = L->colptr[j]; p < L->colptr[j + 1]; p++) {
      L->val[p] = out[edge_of[p]];
      if (PetscIsInfOrNanScalar(L->val[p])) {
        chk->fault = KGNN_EDGE_NONFINITE;
        chk->row   = L->rowidx[p];
        chk->col   = j;
        return;
      }
    }
  for (PetscInt j = 0; j < n; j++) dmax = PetscMax(dmax, PetscAbsScalar(L->val[L->colptr[j]]));
  for (PetscInt j = 0; j < n; j++) {
    PetscScalar *d = &L->val[L->colptr[j]];
    if (diag_shift > 0 && PetscAbsScalar(*d) < diag_shift * dmax) *d = (PetscRealPart(*d) < 0 ? -1 : 1) * diag_shift * dmax;
    else if (!(PetscAbsScalar(*d) > 1e-12 * dmax) || dmax == 0) {
      chk->fault = KGNN_EDGE_TINY_DIAGONAL;
      chk->row = chk->col = j;
      chk->value          = PetscRealPart(*d);
      chk->dmax           = dmax;
      return;
    }
  }
}

void KGNNLowerFromA(KGNNLower *L, const PetscInt *edge_of, const PetscScalar *aval, PetscReal shift)
{
  for (PetscInt p = 0; p < L->colptr[L->n]; p++) L->val[p] = aval[edge_of[p]];
  for (PetscInt j = 0; j < L->n; j++) L->val[L->colptr[j]] *= 1 + shift;
}

PetscErrorCode KGNNLowerDiagonalCreate(PetscInt n, KGNNLower *J)
{
  PetscFunctionBegin;
  J->n = n;
  PetscCall(PetscMalloc1(n + 1, &J->colptr));
  PetscCall(PetscMalloc1(n, &J->rowidx));
  PetscCall(PetscMalloc1(n, &J->val));
  for (PetscInt j = 0; j <= n; j++) J->colptr[j] = j;
  for (PetscInt j = 0; j < n; j++) J->rowidx[j] = j;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* J_ii = a_ii^1/2, a_ii on the edge of L's diagonal (first in column i) */
void KGNNLowerJacobi(KGNNLower *J, const KGNNLower *L, const PetscInt *edge_of, const PetscScalar *aval)
{
  for (PetscInt i = 0; i < J->n; i++) J->val[i] = PetscSqrtScalar(aval[edge_of[L->colptr[i]]]);
}
