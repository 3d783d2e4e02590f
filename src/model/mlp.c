/* The two-layer MLP every part of the PCGNN model is built from (share/doc/model.md):
   y = W2 relu(W1 x + b1) + b2, weights stored [out, in] as torch.nn.Linear keeps them.
   Rows of x are independent items (nodes or edges); one BLAS gemm per layer for all of them. */
#include "model.h"
#include <petscblaslapack.h>

/* Y (m x out, row-major) = X (m x in, row-major) W^T + b (b may be NULL): column-major, Y^T = W X^T */
PetscErrorCode KGNNLinearForward(const KGNNLinear *l, PetscInt m, const PetscReal *X, PetscReal *Y)
{
  PetscFunctionBegin;
  PetscCall(KGNNLinearBlock(l, 0, l->in, m, X, Y, PETSC_FALSE, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Y (m x out) (+)= X (m x k) W[:, c0:c0+k]^T (+ b): the part of a layer that acts on input
   columns c0..c0+k-1, so that a layer on concatenated inputs [a, b, c] can be applied part by
   part, node-level parts once per node instead of once per edge */
PetscErrorCode KGNNLinearBlock(const KGNNLinear *l, PetscInt c0, PetscInt k, PetscInt m, const PetscReal *X, PetscReal *Y, PetscBool accumulate, PetscBool bias)
{
  PetscBLASInt bm, bk, bout, ld;
  PetscScalar  one = 1.0, beta = accumulate ? 1.0 : 0.0;

  PetscFunctionBegin;
  if (!m) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscBLASIntCast(m, &bm));
  PetscCall(PetscBLASIntCast(k, &bk));
  PetscCall(PetscBLASIntCast(l->out, &bout));
  PetscCall(PetscBLASIntCast(l->in, &ld));
  if (bias && l->b) { /* start from the bias rows: one pass over Y instead of a clear and an add */
    if (accumulate)
      for (PetscInt r = 0; r < m; r++)
        for (PetscInt c = 0; c < l->out; c++) Y[r * l->out + c] += l->b[c];
    else
      for (PetscInt r = 0; r < m; r++) memcpy(Y + r * l->out, l->b, (size_t)l->out * sizeof(PetscReal));
    beta = 1.0;
  }
  PetscCallBLAS("BLASgemm", BLASgemm_("T", "N", &bout, &bm, &bk, &one, l->W + c0, &ld, X, &bk, &beta, Y, &bout));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Y = mlp(X) for m rows; work holds m * hidden values (no cache kept: ReLU in place) */
PetscErrorCode KGNNMLPForward(const KGNNMLP *mlp, PetscInt m, const PetscReal *X, PetscReal *Y, PetscReal *work)
{
  PetscFunctionBegin;
  PetscCall(KGNNMLPForwardCached(mlp, m, X, Y, work, work));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* db += the sum of the rows of dY (m x out): the bias's gradient */
void KGNNBiasBackward(PetscInt out, PetscInt m, const PetscReal *dY, PetscReal *db)
{
  for (PetscInt r = 0; r < m; r++)
    for (PetscInt c = 0; c < out; c++) db[c] += dY[r * out + c];
}

/* Backward of Y = X W^T + b: dW += dY^T X, db += sum of the rows of dY (db may be NULL), and
   dX = dY W (dX may be NULL). dW and db accumulate over calls (a batch). */
PetscErrorCode KGNNLinearBackward(const KGNNLinear *l, PetscInt m, const PetscReal *X, const PetscReal *dY, PetscReal *dX, PetscReal *dW, PetscReal *db)
{
  PetscFunctionBegin;
  PetscCall(KGNNLinearBlockBackward(l, 0, l->in, m, X, dY, dX, dW));
  if (db) KGNNBiasBackward(l->out, m, dY, db);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Backward of the part of a layer on input columns c0..c0+k-1 (see KGNNLinearBlock):
   dW[:, c0:c0+k] += dY^T X, and dX = dY W[:, c0:c0+k] (dX may be NULL). No bias here. */
PetscErrorCode KGNNLinearBlockBackward(const KGNNLinear *l, PetscInt c0, PetscInt k, PetscInt m, const PetscReal *X, const PetscReal *dY, PetscReal *dX, PetscReal *dW)
{
  PetscBLASInt bm, bk, bout, ld;
  PetscScalar  one = 1.0, zero = 0.0;

  PetscFunctionBegin;
  if (!m) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscBLASIntCast(m, &bm));
  PetscCall(PetscBLASIntCast(k, &bk));
  PetscCall(PetscBLASIntCast(l->out, &bout));
  PetscCall(PetscBLASIntCast(l->in, &ld));
  PetscCallBLAS("BLASgemm", BLASgemm_("N", "T", &bk, &bout, &bm, &one, X, &bk, dY, &bout, &one, dW + c0, &ld));
  if (dX) PetscCallBLAS("BLASgemm", BLASgemm_("N", "N", &bk, &bm, &bout, &one, l->W + c0, &ld, dY, &bout, &zero, dX, &bk));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The MLP with its cache for the backward pass: z = W1 x + b1 (m x hidden), kept */
PetscErrorCode KGNNMLPForwardCached(const KGNNMLP *mlp, PetscInt m, const PetscReal *X, PetscReal *Y, PetscReal *z, PetscReal *a)
{
  PetscFunctionBegin;
  PetscCall(KGNNLinearForward(&mlp->l1, m, X, z));
  for (PetscInt k = 0; k < m * mlp->l1.out; k++) a[k] = z[k] > 0 ? z[k] : 0.0;
  PetscCall(KGNNLinearForward(&mlp->l2, m, a, Y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Backward of the MLP from the cache (z, a = relu(z)): gradients of both layers accumulate in
   g (same shapes as mlp); dX = gradient of the input (may be NULL); work: m x hidden */
PetscErrorCode KGNNMLPBackward(const KGNNMLP *mlp, PetscInt m, const PetscReal *X, const PetscReal *z, const PetscReal *a, const PetscReal *dY, PetscReal *dX, KGNNMLP *g, PetscReal *work)
{
  PetscFunctionBegin;
  PetscCall(KGNNLinearBackward(&mlp->l2, m, a, dY, work, g->l2.W, g->l2.b));
  for (PetscInt k = 0; k < m * mlp->l1.out; k++) work[k] = z[k] > 0 ? work[k] : 0.0; /* ReLU' */
  PetscCall(KGNNLinearBackward(&mlp->l1, m, X, work, dX, g->l1.W, g->l1.b));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* PyG's scatter softmax, in place: score[k * stride + c] over the k with the same index[k],
   channel by channel: minus the maximum, exponentiated, divided by the sum + 1e-16.
   work: n * stride values. */
void KGNNScatterSoftmax(PetscInt m, PetscInt n, PetscInt stride, const PetscInt *index, PetscReal *score, PetscReal *work)
{
  for (PetscInt k = 0; k < n * stride; k++) work[k] = PETSC_MIN_REAL;
  for (PetscInt k = 0; k < m; k++)
    for (PetscInt c = 0; c < stride; c++) work[index[k] * stride + c] = PetscMax(work[index[k] * stride + c], score[k * stride + c]);
  for (PetscInt k = 0; k < m; k++)
    for (PetscInt c = 0; c < stride; c++) score[k * stride + c] = PetscExpReal(score[k * stride + c] - work[index[k] * stride + c]);
  for (PetscInt k = 0; k < n * stride; k++) work[k] = 0;
  for (PetscInt k = 0; k < m; k++)
    for (PetscInt c = 0; c < stride; c++) work[index[k] * stride + c] += score[k * stride + c];
  for (PetscInt k = 0; k < m; k++)
    for (PetscInt c = 0; c < stride; c++) score[k * stride + c] /= work[index[k] * stride + c] + 1e-16;
}

/* Backward of KGNNScatterSoftmax from its output alpha: dscore_k = alpha_k (dalpha_k - sum of
   alpha_j dalpha_j over the j with index[j] = index[k]), channel by channel. PyG detaches the
   maximum and the 1e-16 does not change the formula (d alpha_k / d s_j = alpha_k (delta_kj -
   alpha_j) holds with it). dscore may be dalpha. work: n * stride values. */
void KGNNScatterSoftmaxBackward(PetscInt m, PetscInt n, PetscInt stride, const PetscInt *index, const PetscReal *alpha, const PetscReal *dalpha, PetscReal *dscore, PetscReal *work)
{
  for (PetscInt k = 0; k < n * stride; k++) work[k] = 0;
  for (PetscInt k = 0; k < m; k++)
    for (PetscInt c = 0; c < stride; c++) work[index[k] * stride + c] += alpha[k * stride + c] * dalpha[k * stride + c];
  for (PetscInt k = 0; k < m; k++)
    for (PetscInt c = 0; c < stride; c++) dscore[k * stride + c] = alpha[k * stride + c] * (dalpha[k * stride + c] - work[index[k] * stride + c]);
}
