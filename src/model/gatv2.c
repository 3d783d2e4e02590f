/* GATv2 node model (Brody, Alon, Yahav 2021) as PyTorch Geometric's GATv2Conv computes it with
   heads = 1, add_self_loops = False (the diagonal edges are already in the graph) and edge
   features: for an edge j -> i, score = att . LeakyReLU_0.2(lin_r h_i + lin_l h_j + lin_edge e_ji),
   softmax over the edges into i (minus the maximum, plus 1e-16 in the sum, as PyG), and
   out_i = bias + sum_j alpha_ji lin_l h_j. A node with no incoming edge outputs the bias.
   Forward and backward side by side; lin_l h_j enters both the score and the message. */
#include "model.h"

struct _n_KGNNGATv2Cache {
  PetscInt   n, m, H;
  PetscReal *xl, *xr, *ee, *alpha; /* n x H, n x H, m x H, m */
};

PetscErrorCode KGNNGATv2CacheDestroy(KGNNGATv2Cache *c)
{
  PetscFunctionBegin;
  if (!*c) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree4((*c)->xl, (*c)->xr, (*c)->ee, (*c)->alpha));
  PetscCall(PetscFree(*c));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* z = lin_r h_i + lin_l h_j + lin_edge e_k for edge k: j -> i, channel f */
static inline PetscReal Pre(const KGNNGATv2Cache c, const KGNNGraph *G, PetscInt k, PetscInt f)
{
  return c->xr[G->receiver[k] * c->H + f] + c->xl[G->sender[k] * c->H + f] + c->ee[k * c->H + f];
}

PetscErrorCode KGNNGATv2ForwardCached(const KGNNGATv2 *g, PetscInt H, const KGNNGraph *G, const PetscReal *h, const PetscReal *e, PetscReal *out, KGNNGATv2Cache *cache)
{
  const PetscInt n = G->n, m = G->nnz;
  KGNNGATv2Cache c;
  PetscReal     *smax;

  PetscFunctionBegin;
  PetscCall(KGNNGATv2CacheDestroy(cache));
  PetscCall(PetscNew(&c));
  c->n = n, c->m = m, c->H = H;
  PetscCall(PetscMalloc4((size_t)n * H, &c->xl, (size_t)n * H, &c->xr, (size_t)m * H, &c->ee, m, &c->alpha));
  PetscCall(PetscMalloc1(n, &smax));
  PetscCall(KGNNLinearForward(&g->lin_l, n, h, c->xl));
  PetscCall(KGNNLinearForward(&g->lin_r, n, h, c->xr));
  PetscCall(KGNNLinearForward(&g->lin_edge, m, e, c->ee));
  for (PetscInt k = 0; k < m; k++) {
    PetscReal s = 0;
    for (PetscInt f = 0; f < H; f++) {
      const PetscReal z = Pre(c, G, k, f);
      s += g->att[f] * (z > 0 ? z : 0.2 * z);
    }
    c->alpha[k] = s;
  }
  KGNNScatterSoftmax(m, n, 1, G->receiver, c->alpha, smax);
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt f = 0; f < H; f++) out[i * H + f] = g->bias[f];
  for (PetscInt k = 0; k < m; k++)
    for (PetscInt f = 0; f < H; f++) out[G->receiver[k] * H + f] += c->alpha[k] * c->xl[G->sender[k] * H + f];
  PetscCall(PetscFree(smax));
  *cache = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNGATv2Forward(const KGNNGATv2 *g, PetscInt H, const KGNNGraph *G, const PetscReal *h, const PetscReal *e, PetscReal *out)
{
  KGNNGATv2Cache c = NULL;

  PetscFunctionBegin;
  PetscCall(KGNNGATv2ForwardCached(g, H, G, h, e, out, &c));
  PetscCall(KGNNGATv2CacheDestroy(&c));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* dalpha_k = dout_i . xl_j; the message adds alpha_k dout_i to dxl_j; through the softmax to the
   scores; d score / d z = att * LeakyReLU'(z) goes to xr_i, xl_j and ee_k; then the linears */
PetscErrorCode KGNNGATv2Backward(const KGNNGATv2 *g, PetscInt H, const KGNNGraph *G, const PetscReal *h, const PetscReal *e, KGNNGATv2Cache c, const PetscReal *dout, PetscReal *dh, PetscReal *de, KGNNGATv2 *grad)
{
  const PetscInt n = G->n, m = G->nnz;
  PetscReal     *dxl, *dxr, *dee, *ds, *work, *tmp;

  PetscFunctionBegin;
  PetscCheck(c && c->n == n && c->m == m && c->H == H, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "GATv2 backward: the cache is not from a forward pass on this graph");
  PetscCall(PetscCalloc4((size_t)n * H, &dxl, (size_t)n * H, &dxr, (size_t)m * H, &dee, m, &ds));
  PetscCall(PetscMalloc2(n, &work, (size_t)PetscMax(n, m) * H, &tmp));
  KGNNBiasBackward(H, n, dout, grad->bias);
  for (PetscInt k = 0; k < m; k++) {
    const PetscInt   i = G->receiver[k], j = G->sender[k];
    const PetscReal *d = dout + i * H, *x = c->xl + j * H;
    PetscReal        s = 0;
    for (PetscInt f = 0; f < H; f++) s += d[f] * x[f], dxl[j * H + f] += c->alpha[k] * d[f];
    ds[k] = s;
  }
  KGNNScatterSoftmaxBackward(m, n, 1, G->receiver, c->alpha, ds, ds, work);
  for (PetscInt k = 0; k < m; k++) {
    const PetscInt i = G->receiver[k], j = G->sender[k];
    for (PetscInt f = 0; f < H; f++) {
      const PetscReal z = Pre(c, G, k, f), dz = ds[k] * g->att[f] * (z > 0 ? 1.0 : 0.2);
      grad->att[f] += ds[k] * (z > 0 ? z : 0.2 * z);
      dxr[i * H + f] += dz;
      dxl[j * H + f] += dz;
      dee[k * H + f] = dz;
    }
  }
  PetscCall(KGNNLinearBackward(&g->lin_l, n, h, dxl, tmp, grad->lin_l.W, grad->lin_l.b));
  for (PetscInt k = 0; k < n * H; k++) dh[k] += tmp[k];
  PetscCall(KGNNLinearBackward(&g->lin_r, n, h, dxr, tmp, grad->lin_r.W, grad->lin_r.b));
  for (PetscInt k = 0; k < n * H; k++) dh[k] += tmp[k];
  PetscCall(KGNNLinearBackward(&g->lin_edge, m, e, dee, tmp, grad->lin_edge.W, NULL));
  for (PetscInt k = 0; k < m * H; k++) de[k] += tmp[k];
  PetscCall(PetscFree4(dxl, dxr, dee, ds));
  PetscCall(PetscFree2(work, tmp));
  PetscFunctionReturn(PETSC_SUCCESS);
}
