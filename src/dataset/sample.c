/* A dataset sample from a matrix and a factor: the edges are all stored entries of A (both
   triangles, the diagonal, explicit zeros) row by row, the target y is L_ij for i >= j and 0
   above the diagonal (share/doc/dataset-format.md). */
#include "../factor/factor.h"
#include "dataset.h"
#include <math.h>

/* y[k] = L(row[k], col[k]) for the sample's entries with col <= row, 0 above the diagonal and
   where L stores none; the entries of a sample are row by row with columns ascending */
PetscErrorCode KGNNSampleLowerValues(const KGNNSample *s, Mat L, PetscReal *y)
{
  Mat     Ls;
  KGNNCSR l;

  PetscFunctionBegin;
  PetscCall(MatConvert(L, MATSEQAIJ, MAT_INITIAL_MATRIX, &Ls));
  PetscCall(KGNNMatGetCSR(Ls, &l));
  for (PetscInt k = 0, q = 0, i = -1; k < s->nnz; k++) {
    const PetscInt j = s->col[k];
    if (s->row[k] != i) i = s->row[k], q = l.rowptr[i]; /* both rows sorted: walk row i of L alongside */
    while (q < l.rowptr[i + 1] && l.colidx[q] < j) q++;
    y[k] = (j <= i && q < l.rowptr[i + 1] && l.colidx[q] == j) ? PetscRealPart(l.val[q]) : 0.0;
  }
  PetscCall(KGNNMatRestoreCSR(Ls, &l));
  PetscCall(MatDestroy(&Ls));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNSampleFromFactor(Mat A, Mat L, KGNNSample *s)
{
  Mat     Aseq;
  KGNNCSR a;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(s, sizeof(*s)));
  PetscCall(MatConvert(A, MATSEQAIJ, MAT_INITIAL_MATRIX, &Aseq));
  PetscCall(KGNNMatGetCSR(Aseq, &a));
  s->n   = a.n;
  s->nnz = a.rowptr[a.n];
  PetscCall(PetscMalloc2(s->nnz, &s->row, s->nnz, &s->col));
  PetscCall(PetscMalloc1(s->nnz, &s->a));
  PetscCall(PetscMalloc1(s->nnz, &s->y));
  KGNNCSREdges(a.n, a.rowptr, a.colidx, a.val, s->row, s->col, s->a);
  PetscCall(KGNNMatRestoreCSR(Aseq, &a));
  PetscCall(MatDestroy(&Aseq));
  PetscCall(KGNNSampleLowerValues(s, L, s->y));
  s->iterations[0] = s->iterations[1] = -1;
  s->lmin[0] = s->lmin[1] = s->lmax[0] = s->lmax[1] = (PetscReal)NAN;
  PetscFunctionReturn(PETSC_SUCCESS);
}
