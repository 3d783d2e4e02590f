/* GraphTransformer node model: PyTorch Geometric's TransformerConv (Shi et al. 2020) with one
   head, beta = False, root_weight and edge features: for the edges j -> i,
   score = q_i . (k_j + W_e e_ji) / sqrt(H), softmax over the edges into i,
   out_i = sum alpha_ji (v_j + W_e e_ji) + lin_skip h_i. Forward and backward side by side. */
#include "model.h"

/* What the backward needs from the forward: the projections and the softmax output; O(m H) */
struct _n_KGNNTransformerCache {
  PetscInt   n, m, H;   /* the shapes it was made for, checked by the backward */
  PetscReal *q, *k, *v; /* n x H */
  PetscReal *ee;        /* W_e e: m x H */
  PetscReal *alpha;     /* softmax over the edges into each node: m */
};

/* Inference: the cached forward, its cache dropped (one model code for both) */
PetscErrorCode KGNNTransformerForward(const KGNNTransformer *t, PetscInt H, const KGNNGraph *G, const PetscReal *h, const PetscReal *e, PetscReal *out)
{
  KGNNTransformerCache c = NULL;

  PetscFunctionBegin;
  PetscCall(KGNNTransformerForwardCached(t, H, G, h, e, out, &c));
  PetscCall(KGNNTransformerCacheDestroy(&c));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* out (n x H) from h (n x H) and e (m x H); a new cache goes to *cache (an old one is destroyed) */
PetscErrorCode KGNNTransformerForwardCached(const KGNNTransformer *t, PetscInt H, const KGNNGraph *G, const PetscReal *h, const PetscReal *e, PetscReal *out, KGNNTransformerCache *cache)
{
  const PetscInt       n = G->n, m = G->nnz;
  KGNNTransformerCache C;
  PetscReal           *work;

  PetscFunctionBegin;
  PetscCall(KGNNTransformerCacheDestroy(cache));
  PetscCall(PetscNew(&C));
  *cache = C; /* handed over at once: if anything below fails, the caller's destroy frees it */
  C->n = n, C->m = m, C->H = H;
  PetscCall(PetscMalloc5((size_t)n * H, &C->q, (size_t)n * H, &C->k, (size_t)n * H, &C->v, (size_t)m * H, &C->ee, m, &C->alpha));
  PetscCall(PetscMalloc1(n, &work));
  PetscCall(KGNNLinearForward(&t->query, n, h, C->q));
  PetscCall(KGNNLinearForward(&t->key, n, h, C->k));
  PetscCall(KGNNLinearForward(&t->value, n, h, C->v));
  PetscCall(KGNNLinearForward(&t->edge, m, e, C->ee));
  for (PetscInt a = 0; a < m; a++) {
    PetscReal s = 0;
    for (PetscInt c = 0; c < H; c++) s += C->q[G->receiver[a] * H + c] * (C->k[G->sender[a] * H + c] + C->ee[a * H + c]);
    C->alpha[a] = s / PetscSqrtReal((PetscReal)H);
  }
  KGNNScatterSoftmax(m, n, 1, G->receiver, C->alpha, work);
  PetscCall(KGNNLinearForward(&t->skip, n, h, out));
  for (PetscInt a = 0; a < m; a++)
    for (PetscInt c = 0; c < H; c++) out[G->receiver[a] * H + c] += C->alpha[a] * (C->v[G->sender[a] * H + c] + C->ee[a * H + c]);
  PetscCall(PetscFree(work));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* From dout (n x H): dh += d/d h (n x H), de += d/d e (m x H), the weight gradients accumulate
   in grad. W_e e enters both the score and the message, so de gets both contributions. */
PetscErrorCode KGNNTransformerBackward(const KGNNTransformer *t, PetscInt H, const KGNNGraph *G, const PetscReal *h, const PetscReal *e, KGNNTransformerCache C, const PetscReal *dout, PetscReal *dh, PetscReal *de, KGNNTransformer *grad)
{
  const PetscInt    n = G->n, m = G->nnz;
  const PetscReal   scale = 1 / PetscSqrtReal((PetscReal)H);
  PetscReal        *dq, *dk, *dv, *dx, *dee, *dxe, *dalpha, *work;
  const KGNNLinear *lin[3]  = {&t->query, &t->key, &t->value};
  KGNNLinear       *glin[3] = {&grad->query, &grad->key, &grad->value};

  PetscFunctionBegin;
  PetscCheck(C && C->n == n && C->m == m && C->H == H, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "Transformer backward: the cache is not from a forward on this graph and width");
  PetscCall(PetscCalloc4((size_t)n * H, &dq, (size_t)n * H, &dk, (size_t)n * H, &dv, (size_t)n * H, &dx));
  PetscCall(PetscMalloc4((size_t)m * H, &dee, (size_t)m * H, &dxe, m, &dalpha, n, &work));
  /* root weight */
  PetscCall(KGNNLinearBackward(&t->skip, n, h, dout, dx, grad->skip.W, grad->skip.b));
  for (PetscInt k = 0; k < n * H; k++) dh[k] += dx[k];
  /* the messages alpha_a (v_j + ee_a) */
  for (PetscInt a = 0; a < m; a++) {
    const PetscInt i = G->receiver[a], j = G->sender[a];
    PetscReal      s = 0;
    for (PetscInt c = 0; c < H; c++) {
      s += dout[i * H + c] * (C->v[j * H + c] + C->ee[a * H + c]);
      dv[j * H + c] += C->alpha[a] * dout[i * H + c];
      dee[a * H + c] = C->alpha[a] * dout[i * H + c];
    }
    dalpha[a] = s;
  }
  KGNNScatterSoftmaxBackward(m, n, 1, G->receiver, C->alpha, dalpha, dalpha, work);
  /* the scores q_i . (k_j + ee_a) / sqrt(H) */
  for (PetscInt a = 0; a < m; a++) {
    const PetscInt  i = G->receiver[a], j = G->sender[a];
    const PetscReal ds = dalpha[a] * scale;
    for (PetscInt c = 0; c < H; c++) {
      dq[i * H + c] += ds * (C->k[j * H + c] + C->ee[a * H + c]);
      dk[j * H + c] += ds * C->q[i * H + c];
      dee[a * H + c] += ds * C->q[i * H + c];
    }
  }
  {
    PetscReal *dY[3] = {dq, dk, dv};
    for (int l = 0; l < 3; l++) {
      PetscCall(KGNNLinearBackward(lin[l], n, h, dY[l], dx, glin[l]->W, glin[l]->b));
      for (PetscInt k = 0; k < n * H; k++) dh[k] += dx[k];
    }
  }
  PetscCall(KGNNLinearBackward(&t->edge, m, e, dee, dxe, grad->edge.W, NULL));
  for (PetscInt k = 0; k < m * H; k++) de[k] += dxe[k];
  PetscCall(PetscFree4(dq, dk, dv, dx));
  PetscCall(PetscFree4(dee, dxe, dalpha, work));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNTransformerCacheDestroy(KGNNTransformerCache *c)
{
  PetscFunctionBegin;
  if (!*c) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree5((*c)->q, (*c)->k, (*c)->v, (*c)->ee, (*c)->alpha));
  PetscCall(PetscFree(*c));
  PetscFunctionReturn(PETSC_SUCCESS);
}
