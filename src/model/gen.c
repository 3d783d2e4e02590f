/* GEN node model (Li et al. 2020, DeeperGCN) as PyTorch Geometric's GENConv computes it with
   softmax aggregation (t = 1, not learned), no message norm, no BatchNorm, no bias and
   in = out = edge_dim (so no projections): m_ji = relu(h_j + e_ji) + 1e-7, per channel
   softmax over the edges into i, a_i = sum alpha_ji m_ji, out_i = mlp(h_i + a_i).
   Forward (with its cache) and backward side by side; the plain forward is the cached one. */
#include "model.h"

struct _n_KGNNGENCache {
  PetscInt   n, m, H, Hh;       /* the shapes it was made for, checked by the backward */
  PetscReal *msg, *alpha, *agg; /* m x H, m x H (softmax output), n x H (the MLP's input) */
  PetscReal *z, *a;             /* the MLP's pre-activation and a = relu(z), n x Hh */
};

PetscErrorCode KGNNGENCacheDestroy(KGNNGENCache *c)
{
  PetscFunctionBegin;
  if (!*c) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree5((*c)->msg, (*c)->alpha, (*c)->agg, (*c)->z, (*c)->a));
  PetscCall(PetscFree(*c));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNGENForwardCached(const KGNNMLP *mlp, PetscInt H, const KGNNGraph *G, const PetscReal *h, const PetscReal *e, PetscReal *out, KGNNGENCache *cache)
{
  const PetscInt n = G->n, m = G->nnz, Hh = mlp->l1.out;
  KGNNGENCache   c;
  PetscReal     *msg, *alpha, *agg, *work;

  PetscFunctionBegin;
  PetscCall(KGNNGENCacheDestroy(cache));
  PetscCall(PetscNew(&c));
  c->n = n, c->m = m, c->H = H, c->Hh = Hh;
  PetscCall(PetscMalloc5((size_t)m * H, &c->msg, (size_t)m * H, &c->alpha, (size_t)n * H, &c->agg, (size_t)n * Hh, &c->z, (size_t)n * Hh, &c->a));
  *cache = c;
  msg = c->msg, alpha = c->alpha, agg = c->agg;
  PetscCall(PetscMalloc1((size_t)n * H, &work));
  for (PetscInt k = 0; k < m; k++)
    for (PetscInt ch = 0; ch < H; ch++) {
      PetscReal z       = h[G->sender[k] * H + ch] + e[k * H + ch];
      msg[k * H + ch]   = (z > 0 ? z : 0) + 1e-7;
      alpha[k * H + ch] = msg[k * H + ch]; /* t = 1 */
    }
  KGNNScatterSoftmax(m, n, H, G->receiver, alpha, work);
  for (PetscInt k = 0; k < n * H; k++) agg[k] = h[k];
  for (PetscInt k = 0; k < m; k++)
    for (PetscInt ch = 0; ch < H; ch++) agg[G->receiver[k] * H + ch] += alpha[k * H + ch] * msg[k * H + ch];
  PetscCall(KGNNMLPForwardCached(mlp, n, agg, out, c->z, c->a));
  PetscCall(PetscFree(work));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Inference: the cached forward, cache dropped (one model code, not two) */
PetscErrorCode KGNNGENForward(const KGNNMLP *mlp, PetscInt H, const KGNNGraph *G, const PetscReal *h, const PetscReal *e, PetscReal *out)
{
  KGNNGENCache c = NULL;

  PetscFunctionBegin;
  PetscCall(KGNNGENForwardCached(mlp, H, G, h, e, out, &c));
  PetscCall(KGNNGENCacheDestroy(&c));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* From dout (n x H): weight gradients accumulate in grad, dh += d/d h, de += d/d e. msg is
   both the softmax score and the value it weighs, so its gradient has both parts. */
PetscErrorCode KGNNGENBackward(const KGNNMLP *mlp, PetscInt H, const KGNNGraph *G, const PetscReal *h, const PetscReal *e, KGNNGENCache c, const PetscReal *dout, PetscReal *dh, PetscReal *de, KGNNMLP *grad)
{
  const PetscInt n = G->n, m = G->nnz, Hh = mlp->l1.out;
  PetscReal     *dagg, *dmsg, *work;

  PetscFunctionBegin;
  PetscCheck(c && c->n == n && c->m == m && c->H == H && c->Hh == Hh, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "GEN backward: the cache is not from a forward on this graph and layer");
  PetscCall(PetscMalloc3((size_t)n * H, &dagg, (size_t)m * H, &dmsg, (size_t)n * PetscMax(H, Hh), &work));
  /* dagg is set; grad's biases are NULL for GEN, and KGNNLinearBackward then skips them */
  PetscCall(KGNNMLPBackward(mlp, n, c->agg, c->z, c->a, dout, dagg, grad, work));
  for (PetscInt k = 0; k < n * H; k++) dh[k] += dagg[k]; /* the residual h_i */
  /* d/d msg through the softmax weight (msg is the score, t = 1) ... */
  for (PetscInt k = 0; k < m; k++)
    for (PetscInt ch = 0; ch < H; ch++) dmsg[k * H + ch] = dagg[G->receiver[k] * H + ch] * c->msg[k * H + ch];
  KGNNScatterSoftmaxBackward(m, n, H, G->receiver, c->alpha, dmsg, dmsg, work);
  /* ... plus through the value alpha msg; then back through relu(h_j + e_k), recomputed */
  for (PetscInt k = 0; k < m; k++)
    for (PetscInt ch = 0; ch < H; ch++) {
      const PetscInt  s = G->sender[k] * H + ch, r = G->receiver[k] * H + ch, kc = k * H + ch;
      const PetscReal z = h[s] + e[kc], d = z > 0 ? dmsg[kc] + dagg[r] * c->alpha[kc] : 0.0; /* relu'(0) = 0, as torch */
      de[kc] += d;
      dh[s] += d;
    }
  PetscCall(PetscFree3(dagg, dmsg, work));
  PetscFunctionReturn(PETSC_SUCCESS);
}
