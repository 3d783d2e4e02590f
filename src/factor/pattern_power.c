/* tril of the pattern of A^k (-pc_kopt_pattern power:k): with A's diagonal stored (PCKOPT
   requires it), (A^k)_ij can be nonzero exactly when i and j are joined by a path of at most k
   edges in A's graph, so column j is the set of vertices i >= j within k edges of j, found by a
   breadth-first search of depth k. The graph is that of tril(A) and its transpose, so a value
   stored on one side of the diagonal only still counts on both. power:1 is tril(A),
   power:0 the diagonal. */
#include "../kgnn_impl.h"

static int cmp_int(const void *a, const void *b)
{
  PetscInt x = *(const PetscInt *)a, y = *(const PetscInt *)b;
  return (x > y) - (x < y);
}

PetscErrorCode KGNNPatternPower(const KGNNCSR *A, PetscInt k, KGNNLower *L)
{
  KGNNLower T;
  PetscInt  n = A->n, *rp, *rc, *mark, *queue, cap = 0, nnz = 0, *rows = NULL;

  PetscFunctionBegin;
  PetscCheck(k >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "power:%" PetscInt_FMT ": the power must be >= 0", k);
  /* neighbours of v: column v of tril(A) below the diagonal and row v of it left of the diagonal */
  PetscCall(KGNNLowerCreateFromCSR(A, PETSC_FALSE, &T));
  PetscCall(KGNNLowerRows(&T, &rp, &rc, NULL));
  PetscCall(PetscMalloc2(n, &mark, n, &queue));
  for (PetscInt v = 0; v < n; v++) mark[v] = -1;
  L->n = n;
  PetscCall(PetscMalloc1(n + 1, &L->colptr));
  L->colptr[0] = 0;
  for (PetscInt j = 0; j < n; j++) {
    PetscInt head = 0, tail = 0, level_end, start = nnz;
    mark[j]       = j;
    queue[tail++] = j;
    for (PetscInt d = 0; d < k; d++) { /* one level of the search */
      level_end = tail;
      for (; head < level_end; head++) {
        PetscInt v = queue[head];
        for (PetscInt p = T.colptr[v] + 1; p < T.colptr[v + 1]; p++)
          if (mark[T.rowidx[p]] != j) mark[T.rowidx[p]] = j, queue[tail++] = T.rowidx[p];
        for (PetscInt p = rp[v]; p < rp[v + 1] - 1; p++)
          if (mark[rc[p]] != j) mark[rc[p]] = j, queue[tail++] = rc[p];
      }
      if (head == tail) break;
    }
    for (PetscInt q = 0; q < tail; q++) {
      if (queue[q] < j) continue;
      if (nnz == cap) {
        PetscInt *grown;
        cap = PetscMax(2 * cap, 1024);
        PetscCall(PetscMalloc1(cap, &grown));
        PetscCall(PetscArraycpy(grown, rows, nnz));
        PetscCall(PetscFree(rows));
        rows = grown;
      }
      rows[nnz++] = queue[q];
    }
    qsort(rows + start, (size_t)(nnz - start), sizeof(PetscInt), cmp_int);
    L->colptr[j + 1] = nnz;
  }
  L->rowidx = rows;
  PetscCall(PetscCalloc1(nnz, &L->val));
  PetscCall(PetscFree2(mark, queue));
  PetscCall(PetscFree(rp));
  PetscCall(PetscFree(rc));
  PetscCall(KGNNLowerDestroy(&T));
  PetscFunctionReturn(PETSC_SUCCESS);
}
