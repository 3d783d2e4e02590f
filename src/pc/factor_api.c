/* Public access to the factor numerics outside a PC: the library's IC(0), needed by the
   dataset and the tests since PETSc does not expose its ICC factor's entries, and the apply
   of any lower-triangular factor. */
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

PetscErrorCode KGNNFactorApply(Mat L, Vec x, Vec y)
{
  KGNNLower          F;
  PetscScalar       *w, *dinv, *ya;
  const PetscScalar *xa;
  PetscInt           bad;

  PetscFunctionBegin;
  PetscCall(KGNNLowerFromMat(L, &F));
  PetscCall(PetscMalloc2(F.colptr[F.n], &w, F.n, &dinv));
  PetscCall(KGNNTriSolveSetUp(&F, w, dinv, &bad));
  PetscCheck(bad < 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "Factor has a zero or non-finite diagonal entry in row %" PetscInt_FMT, bad);
  PetscCall(VecGetArrayRead(x, &xa));
  PetscCall(VecGetArrayWrite(y, &ya));
  KGNNTriSolve(&F, w, dinv, xa, ya);
  PetscCall(VecRestoreArrayRead(x, &xa));
  PetscCall(VecRestoreArrayWrite(y, &ya));
  PetscCall(PetscFree2(w, dinv));
  PetscCall(KGNNLowerDestroy(&F));
  PetscFunctionReturn(PETSC_SUCCESS);
}
