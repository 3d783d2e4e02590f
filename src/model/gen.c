/* GEN node model (Li et al. 2020, DeeperGCN) as PyTorch Geometric's GENConv computes it with
   softmax aggregation (t = 1, not learned), no message norm, no BatchNorm, no bias and
   in = out = edge_dim (so no projections): m_ji = relu(h_j + e_ji) + 1e-7, per channel
   softmax over the edges into i, a_i = sum alpha_ji m_ji, out_i = mlp(h_i + a_i). */
#include "model.h"

PetscErrorCode KGNNGENForward(const KGNNMLP *mlp, PetscInt H, const KGNNGraph *G, const PetscReal *h, const PetscReal *e, PetscReal *out)
{
  const PetscInt n = G->n, m = G->nnz;
  PetscReal     *msg, *alpha, *agg, *work;

  PetscFunctionBegin;
  PetscCall(PetscMalloc4((size_t)m * H, &msg, (size_t)m * H, &alpha, (size_t)n * H, &agg, (size_t)PetscMax(n * H, n * mlp->l1.out), &work));
  for (PetscInt k = 0; k < m; k++)
    for (PetscInt c = 0; c < H; c++) {
      PetscReal z      = h[G->sender[k] * H + c] + e[k * H + c];
      msg[k * H + c]   = (z > 0 ? z : 0) + 1e-7;
      alpha[k * H + c] = msg[k * H + c]; /* t = 1 */
    }
  KGNNScatterSoftmax(m, n, H, G->receiver, alpha, work);
  for (PetscInt k = 0; k < n * H; k++) agg[k] = h[k];
  for (PetscInt k = 0; k < m; k++)
    for (PetscInt c = 0; c < H; c++) agg[G->receiver[k] * H + c] += alpha[k * H + c] * msg[k * H + c];
  PetscCall(KGNNMLPForward(mlp, n, agg, out, work));
  PetscCall(PetscFree4(msg, alpha, agg, work));
  PetscFunctionReturn(PETSC_SUCCESS);
}
