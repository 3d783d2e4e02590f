/* A dataset sample from a matrix and a factor: the edges are all stored entries of A (both
   triangles, the diagonal, explicit zeros) row by row, the target y is L_ij for i >= j and 0
   above the diagonal (share/doc/dataset-format.md). */
#include "../factor/factor.h"
#include "dataset.h"
#include <math.h>

PetscErrorCode KGNNSampleFromFactor(Mat A, Mat L, KGNNSample *s)
{
  Mat      Aseq, Ls;
  KGNNCSR  a, l;
  PetscInt k = 0;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(s, sizeof(*s)));
  PetscCall(MatConvert(A, MATSEQAIJ, MAT_INITIAL_MATRIX, &Aseq));
  PetscCall(MatConvert(L, MATSEQAIJ, MAT_INITIAL_MATRIX, &Ls));
  PetscCall(KGNNMatGetCSR(Aseq, &a));
  PetscCall(KGNNMatGetCSR(Ls, &l));
  s->n   = a.n;
  s->nnz = a.rowptr[a.n];
  PetscCall(PetscMalloc2(s->nnz, &s->row, s->nnz, &s->col));
  PetscCall(PetscMalloc1(s->nnz, &s->a));
  PetscCall(PetscMalloc1(s->nnz, &s->y));
  KGNNCSREdges(a.n, a.rowptr, a.colidx, a.val, s->row, s->col, s->a);
  for (PetscInt i = 0; i < a.n; i++) {
    PetscInt q = l.rowptr[i]; /* both rows sorted: walk row i of L alongside row i of A */
    for (PetscInt p = a.rowptr[i]; p < a.rowptr[i + 1]; p++, k++) {
      PetscInt j = a.colidx[p];
      while (q < l.rowptr[i + 1] && l.colidx[q] < j) q++;
      s->y[k] = (j <= i && q < l.rowptr[i + 1] && l.colidx[q] == j) ? PetscRealPart(l.val[q]) : 0.0;
    }
  }
  s->iterations[0] = s->iterations[1] = -1;
  s->lmin[0] = s->lmin[1] = s->lmax[0] = s->lmax[1] = (PetscReal)NAN;
  PetscCall(KGNNMatRestoreCSR(Ls, &l));
  PetscCall(KGNNMatRestoreCSR(Aseq, &a));
  PetscCall(MatDestroy(&Ls));
  PetscCall(MatDestroy(&Aseq));
  PetscFunctionReturn(PETSC_SUCCESS);
}
