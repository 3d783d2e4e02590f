/* How many pairs of rows that Algorithm 1 reads (the off-diagonal entries of P) lie outside the
   filled pattern of the Cholesky factor of A(perm, perm): the count behind the selected
   inversion's handling of them (selinv_symbolic.c), on the exact filled pattern, not on
   CHOLMOD's supernodal one, which amalgamation pads with zeros.

   Row k of the factor (in the permuted numbering) is the set of nodes met when walking up the
   elimination tree from each j < k with A(k, j) != 0 until k (Liu; Davis, Direct Methods for
   Sparse Linear Systems, Sec. 4.1-4.2): the tree first, then one such walk per row, checking
   the pairs whose later index is k. O(nnz(L)) time, O(n + nnz(P)) memory. The walks also
   count the pattern's entries. */
#include "../kgnn_impl.h"

PetscErrorCode KGNNFillPairsOutside(const KGNNCSR *A, const PetscInt *perm, const PetscInt *Pptr, const PetscInt *Pidx, PetscInt *outside, double *lnz)
{
  PetscInt  n = A->n, *pinv, *parent, *ancestor, *mark, *bptr, *blo;
  PetscInt *next;

  PetscFunctionBegin;
  *outside = 0;
  *lnz     = n;
  PetscCall(PetscMalloc5(n, &pinv, n, &parent, n, &ancestor, n, &mark, n + 1, &bptr));
  for (PetscInt k = 0; k < n; k++) pinv[perm ? perm[k] : k] = k;
  /* elimination tree of C = A(perm, perm), with path compression through ancestor[] */
  for (PetscInt k = 0; k < n; k++) {
    PetscInt r = perm ? perm[k] : k;
    parent[k] = ancestor[k] = -1;
    for (PetscInt p = A->rowptr[r]; p < A->rowptr[r + 1]; p++) {
      PetscInt j = pinv[A->colidx[p]];
      while (j != -1 && j < k) {
        PetscInt up = ancestor[j];
        ancestor[j] = k;
        if (up == -1) parent[j] = k;
        j = up;
      }
    }
  }
  /* the pairs (hi, lo), hi > lo in the permuted numbering, bucketed by hi */
  PetscCall(PetscArrayzero(bptr, n + 1));
  for (PetscInt c = 0; c < n; c++)
    for (PetscInt p = Pptr[c]; p < Pptr[c + 1]; p++)
      if (Pidx[p] != c) bptr[PetscMax(pinv[Pidx[p]], pinv[c]) + 1]++;
  for (PetscInt k = 0; k < n; k++) bptr[k + 1] += bptr[k];
  PetscCall(PetscMalloc2(bptr[n], &blo, n, &next));
  for (PetscInt k = 0; k < n; k++) next[k] = bptr[k];
  for (PetscInt c = 0; c < n; c++)
    for (PetscInt p = Pptr[c]; p < Pptr[c + 1]; p++)
      if (Pidx[p] != c) {
        PetscInt a = pinv[Pidx[p]], b = pinv[c];
        blo[next[PetscMax(a, b)]++] = PetscMin(a, b);
      }
  /* row k of the factor: the walks from A(k, j), j < k, up the tree to k */
  for (PetscInt k = 0; k < n; k++) mark[k] = -1;
  for (PetscInt k = 0; k < n; k++) {
    PetscInt r = perm ? perm[k] : k;
    mark[k]    = k;
    for (PetscInt p = A->rowptr[r]; p < A->rowptr[r + 1]; p++)
      for (PetscInt j = pinv[A->colidx[p]]; j < k && mark[j] != k; j = parent[j]) mark[j] = k, (*lnz)++;
    for (PetscInt q = bptr[k]; q < bptr[k + 1]; q++)
      if (mark[blo[q]] != k) (*outside)++;
  }
  PetscCall(PetscFree2(blo, next));
  PetscCall(PetscFree5(pinv, parent, ancestor, mark, bptr));
  PetscFunctionReturn(PETSC_SUCCESS);
}
