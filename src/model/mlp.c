/* The two-layer MLP every part of the PCGNN model is built from (share/doc/model.md):
   y = W2 relu(W1 x + b1) + b2, weights stored [out, in] as torch.nn.Linear keeps them.
   Rows of x are independent items (nodes or edges); one BLAS gemm per layer for all of them. */
#include "model.h"
#include <petscblaslapack.h>

/* Y (m x out, row-major) = X (m x in, row-major) W^T + b (b may be NULL): column-major, Y^T = W X^T */
PetscErrorCode KGNNLinearForward(const KGNNLinear *l, PetscInt m, const PetscReal *X, PetscReal *Y)
{
  PetscBLASInt bm, bin, bout;
  PetscScalar  one = 1.0, zero = 0.0;

  PetscFunctionBegin;
  if (!m) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscBLASIntCast(m, &bm));
  PetscCall(PetscBLASIntCast(l->in, &bin));
  PetscCall(PetscBLASIntCast(l->out, &bout));
  PetscCallBLAS("BLASgemm", BLASgemm_("T", "N", &bout, &bm, &bin, &one, l->W, &bin, X, &bin, &zero, Y, &bout));
  if (l->b)
    for (PetscInt r = 0; r < m; r++)
      for (PetscInt c = 0; c < l->out; c++) Y[r * l->out + c] += l->b[c];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Y = mlp(X) for m rows; work holds m * hidden values */
PetscErrorCode KGNNMLPForward(const KGNNMLP *mlp, PetscInt m, const PetscReal *X, PetscReal *Y, PetscReal *work)
{
  PetscFunctionBegin;
  PetscCall(KGNNLinearForward(&mlp->l1, m, X, work));
  for (PetscInt k = 0; k < m * mlp->l1.out; k++) work[k] = work[k] > 0 ? work[k] : 0.0; /* ReLU */
  PetscCall(KGNNLinearForward(&mlp->l2, m, work, Y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNMLPDestroy(KGNNMLP *mlp)
{
  PetscFunctionBegin;
  PetscCall(PetscFree2(mlp->l1.W, mlp->l1.b));
  PetscCall(PetscFree2(mlp->l2.W, mlp->l2.b));
  PetscFunctionReturn(PETSC_SUCCESS);
}
