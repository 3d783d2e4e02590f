/* The linear layer and the two-layer MLP every part of the PCGNN model is built from
   (share/doc/model.md): y = W2 relu(W1 x + b1) + b2, weights stored [out, in] as
   torch.nn.Linear keeps them. Rows of x are independent items (nodes or edges); one gemm of the
   engine per layer for all of them. */
#include "layer.h"

/* Y (m x out, row-major) (+)= X (m x k) W[:, c0:c0+k]^T (+ b): column-major, Y^T = W X^T. With the
   bias, start from the bias rows: one pass over Y instead of a clear and an add. */
KGNNErr KGNNLinearBlock(const KGNNEngine *E, const KGNNLinear *l, KGNNInt c0, KGNNInt k, KGNNInt m, const KGNNReal *X, KGNNReal *Y, int accumulate, int bias)
{
  KGNNReal beta = accumulate ? 1.0 : 0.0;

  if (!m) return KGNN_OK;
  if (bias && l->b) {
    E->bias_rows(E, m, l->out, l->b, Y, accumulate);
    beta = 1.0;
  }
  return E->gemm(E, 'T', 'N', l->out, m, k, 1.0, l->W + c0, l->in, X, k, beta, Y, l->out);
}

/* dW[:, c0:c0+k] += dY^T X, and dX = dY W[:, c0:c0+k] (dX may be NULL). No bias here. */
KGNNErr KGNNLinearBlockBackward(const KGNNEngine *E, const KGNNLinear *l, KGNNInt c0, KGNNInt k, KGNNInt m, const KGNNReal *X, const KGNNReal *dY, KGNNReal *dX, KGNNReal *dW)
{
  if (!m) return KGNN_OK;
  KGNN_TRY(E->gemm(E, 'N', 'T', k, l->out, m, 1.0, X, k, dY, l->out, 1.0, dW + c0, l->in));
  if (dX) KGNN_TRY(E->gemm(E, 'N', 'N', k, m, l->out, 1.0, l->W + c0, l->in, dY, l->out, 0.0, dX, k));
  return KGNN_OK;
}

KGNNErr KGNNLinearForward(const KGNNEngine *E, const KGNNLinear *l, KGNNInt m, const KGNNReal *X, KGNNReal *Y)
{
  return KGNNLinearBlock(E, l, 0, l->in, m, X, Y, 0, 1);
}

/* Backward of Y = X W^T + b: dW += dY^T X, db += the sum of dY's rows (db may be NULL), dX = dY W
   (dX may be NULL). dW and db accumulate over calls (a batch). */
KGNNErr KGNNLinearBackward(const KGNNEngine *E, const KGNNLinear *l, KGNNInt m, const KGNNReal *X, const KGNNReal *dY, KGNNReal *dX, KGNNReal *dW, KGNNReal *db)
{
  KGNN_TRY(KGNNLinearBlockBackward(E, l, 0, l->in, m, X, dY, dX, dW));
  if (db) E->bias_backward(E, m, l->out, dY, db);
  return KGNN_OK;
}

/* z = W1 x + b1 (m x hidden), a = relu(z) (may be z: ReLU in place), Y = W2 a + b2 */
KGNNErr KGNNMLPForward(const KGNNEngine *E, const KGNNMLP *mlp, KGNNInt m, const KGNNReal *X, KGNNReal *Y, KGNNReal *z, KGNNReal *a)
{
  KGNN_TRY(KGNNLinearForward(E, &mlp->l1, m, X, z));
  E->relu(E, (size_t)m * mlp->l1.out, z, a);
  return KGNNLinearForward(E, &mlp->l2, m, a, Y);
}

KGNNErr KGNNMLPForwardRows(const KGNNEngine *E, const KGNNMLP *mlp, KGNNInt m, const KGNNReal *X, KGNNReal *Y, KGNNReal *z, KGNNReal *a, int training)
{
  const size_t in = mlp->l1.in, h = mlp->l1.out, out = mlp->l2.out;
  for (KGNNInt r = 0; r < m; r += KGNN_ROWS) {
    const KGNNInt k = KGNNMin(m - r, KGNN_ROWS);
    KGNN_TRY(KGNNMLPForward(E, mlp, k, X + r * in, Y + r * out, training ? z + r * h : z, training ? a + r * h : z));
  }
  return KGNN_OK;
}

/* From the cache (z, a = relu(z)): both layers' gradients accumulate in g (same shapes as mlp);
   dX = d/d X (may be NULL); work: m x hidden */
KGNNErr KGNNMLPBackward(const KGNNEngine *E, const KGNNMLP *mlp, KGNNInt m, const KGNNReal *X, const KGNNReal *z, const KGNNReal *a, const KGNNReal *dY, KGNNReal *dX, KGNNMLP *g, KGNNReal *work)
{
  KGNN_TRY(KGNNLinearBackward(E, &mlp->l2, m, a, dY, work, g->l2.W, g->l2.b));
  E->relu_backward(E, (size_t)m * mlp->l1.out, z, work);
  return KGNNLinearBackward(E, &mlp->l1, m, X, work, dX, g->l1.W, g->l1.b);
}
