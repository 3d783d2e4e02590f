/* Entries of A^-1 on a pattern from a dense LAPACK Cholesky + inverse (Algorithm 1, line 1).
   O(n^3) time and 8 n^2 bytes: the PC refuses it above -pc_kopt_dense_max rows. */
#include "../kgnn_impl.h"
#include <petscblaslapack.h>

PetscErrorCode KGNNInverseDense(const KGNNCSR *A, const PetscInt *Pptr, const PetscInt *Pidx, PetscScalar *Pval, PetscInt *failrow)
{
  PetscInt     n  = A->n;
  size_t       ld = (size_t)n;
  PetscScalar *D;
  PetscBLASInt bn, info;

  PetscFunctionBegin;
  *failrow = -1;
  if (!n) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscCalloc1(ld * ld, &D));
  /* lower triangle, column-major: D(i,j) for i >= j sits at i + j*n */
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt p = A->rowptr[i]; p < A->rowptr[i + 1]; p++) {
      PetscInt j = A->colidx[p];
      if (j <= i) D[i + j * ld] = A->val[p];
    }
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("L", &bn, D, &bn, &info));
  if (info == 0) PetscCallBLAS("LAPACKpotri", LAPACKpotri_("L", &bn, D, &bn, &info));
  if (info != 0) {
    *failrow = info > 0 ? (PetscInt)info - 1 : 0;
  } else {
    for (PetscInt j = 0; j < n; j++)
      for (PetscInt p = Pptr[j]; p < Pptr[j + 1]; p++) Pval[p] = D[Pidx[p] + j * ld];
  }
  PetscCall(PetscFree(D));
  PetscFunctionReturn(PETSC_SUCCESS);
}
