/* The edge model of a graph-network block, out = mlp([e, h_sender, h_receiver]) (the block adds
   it to e), forward and backward side by side. The first layer is applied by parts: the node
   parts W_s h and W_r h once per node (ps, pr: n x H), gathered per edge, so no m x 3H copy. */
#include "model.h"

/* z: the first layer's pre-activation (m x H); a = relu(z), which may be z itself when no
   backward follows (inference) */
PetscErrorCode KGNNEdgeModelForward(const KGNNMLP *mlp, PetscInt H, const KGNNGraph *G, const PetscReal *he, const PetscReal *hn, PetscReal *out, PetscReal *z, PetscReal *a, PetscReal *ps, PetscReal *pr)
{
  const PetscInt Hh = mlp->l1.out;

  PetscFunctionBegin;
  PetscCall(KGNNLinearBlock(&mlp->l1, 0, H, G->nnz, he, z, PETSC_FALSE, PETSC_TRUE));
  PetscCall(KGNNLinearBlock(&mlp->l1, H, H, G->n, hn, ps, PETSC_FALSE, PETSC_FALSE));
  PetscCall(KGNNLinearBlock(&mlp->l1, 2 * H, H, G->n, hn, pr, PETSC_FALSE, PETSC_FALSE));
  for (PetscInt k = 0; k < G->nnz; k++)
    for (PetscInt c = 0; c < Hh; c++) z[k * Hh + c] += ps[G->sender[k] * Hh + c] + pr[G->receiver[k] * Hh + c];
  for (PetscInt k = 0; k < G->nnz * Hh; k++) a[k] = z[k] > 0 ? z[k] : 0.0;
  PetscCall(KGNNLinearForward(&mlp->l2, G->nnz, a, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* From dout (m x H): gradients of the weights accumulate in g, dhe = d/d e (m x H, set),
   dhn += d/d h (n x H, accumulated: the sender and receiver parts scatter back to the nodes).
   work: 2 m x H; nwork: n x H. */
PetscErrorCode KGNNEdgeModelBackward(const KGNNMLP *mlp, PetscInt H, const KGNNGraph *G, const PetscReal *he, const PetscReal *hn, const PetscReal *z, const PetscReal *a, const PetscReal *dout, PetscReal *dhe, PetscReal *dhn, KGNNMLP *g,
                                     PetscReal *work, PetscReal *nwork)
{
  const PetscInt  m = G->nnz, n = G->n, Hh = mlp->l1.out;
  PetscReal      *dz = work, *dp = work + (size_t)m * Hh;
  const PetscInt *idx[2] = {G->sender, G->receiver};

  PetscFunctionBegin;
  PetscCall(KGNNLinearBackward(&mlp->l2, m, a, dout, dz, g->l2.W, g->l2.b));
  for (PetscInt k = 0; k < m * Hh; k++) dz[k] = z[k] > 0 ? dz[k] : 0.0; /* ReLU' */
  KGNNBiasBackward(Hh, m, dz, g->l1.b);
  PetscCall(KGNNLinearBlockBackward(&mlp->l1, 0, H, m, he, dz, dhe, g->l1.W));
  for (int part = 0; part < 2; part++) {
    /* the node part acts on h[idx[k]]: its weight gradient is (scatter of dz by idx)^T h, and
       its input gradient scatters dz W_part back to the nodes */
    for (PetscInt k = 0; k < n * Hh; k++) nwork[k] = 0;
    for (PetscInt k = 0; k < m; k++)
      for (PetscInt c = 0; c < Hh; c++) nwork[idx[part][k] * Hh + c] += dz[k * Hh + c];
    PetscCall(KGNNLinearBlockBackward(&mlp->l1, (1 + part) * H, H, n, hn, nwork, dp, g->l1.W));
    for (PetscInt k = 0; k < n * H; k++) dhn[k] += dp[k];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
