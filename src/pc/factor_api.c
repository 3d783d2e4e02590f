/* The library's IC(0) as a public function: needed by the dataset and the tests, since PETSc
   does not expose its ICC factor's entries. */
#include "../kgnn_impl.h"

PetscErrorCode KGNNComputeIC0(Mat A, Mat *L, PetscInt *failrow)
{
  Mat       Aseq;
  KGNNCSR   csr;
  KGNNLower F;
  PetscInt  M, N;

  PetscFunctionBegin;
  *L = NULL;
  PetscCall(MatGetSize(A, &M, &N));
  PetscCheck(M == N, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "IC(0) needs a square matrix, got %" PetscInt_FMT " x %" PetscInt_FMT, M, N);
  PetscCall(MatConvert(A, MATSEQAIJ, MAT_INITIAL_MATRIX, &Aseq));
  PetscCall(KGNNMatGetCSR(Aseq, &csr));
  PetscCall(KGNNLowerCreateFromCSR(&csr, PETSC_TRUE, &F));
  PetscCall(KGNNMatRestoreCSR(Aseq, &csr));
  PetscCall(MatDestroy(&Aseq));
  PetscCall(KGNNIC0Factor(&F, failrow));
  if (*failrow < 0) PetscCall(KGNNLowerToMat(&F, L));
  PetscCall(KGNNLowerDestroy(&F));
  PetscFunctionReturn(PETSC_SUCCESS);
}
