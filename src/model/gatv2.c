/* GATv2 node model (Brody, Alon, Yahav 2021) as PyTorch Geometric's GATv2Conv computes it with
   heads = 1, add_self_loops = False (the diagonal edges are already in the graph) and edge
   features: for an edge j -> i, score = att . LeakyReLU_0.2(lin_r h_i + lin_l h_j + lin_edge e_ji),
   softmax over the edges into i (minus the maximum, plus 1e-16 in the sum, as PyG), and
   out_i = bias + sum_j alpha_ji lin_l h_j. A node with no incoming edge outputs the bias.
   Forward and backward side by side; lin_l h_j enters both the score and the message. */
#include "layer.h"
#include <float.h>

typedef struct {
  KGNNLinear lin_l, lin_r, lin_edge; /* lin_edge has no bias */
  KGNNReal  *att, *bias;             /* H each */
} GATv2;

typedef struct {
  KGNNReal *xl, *xr, *ee, *alpha; /* n x H, n x H, m x H, m */
} Cache;

static Cache Carve(const KGNNPlan *P, KGNNInt H, void *cache)
{
  const size_t n = P->G.n, m = P->G.nnz;
  char        *c = cache;
  Cache        C;
  C.xl    = KGNNCarve(&c, n * H * sizeof(KGNNReal));
  C.xr    = KGNNCarve(&c, n * H * sizeof(KGNNReal));
  C.ee    = KGNNCarve(&c, m * H * sizeof(KGNNReal));
  C.alpha = KGNNCarve(&c, m * sizeof(KGNNReal));
  return C;
}

/* att [1, 1, H] and lin_* glorot, bias zeros (PyG's reset_parameters; lin_l's and lin_r's biases
   as torch.nn.Linear, see KGNNWalkLinear) */
static KGNNErr Tensors(const KGNNLayer *L, KGNNWalk *w, const char *prefix, KGNNInt H, void *weights)
{
  GATv2 *g = weights;
  char   p[160];
  snprintf(p, sizeof(p), "%s.conv", prefix);
  KGNN_TRY(KGNNWalkTensor(w, p, "att", 3, H, 0, H, KGNN_INIT_GLOROT, &g->att));
  KGNN_TRY(KGNNWalkTensor(w, p, "bias", 1, H, 0, H, KGNN_INIT_ZERO, &g->bias));
  KGNN_TRY(KGNNWalkLinear(w, p, "lin_l", H, H, 1, KGNN_INIT_GLOROT, &g->lin_l));
  KGNN_TRY(KGNNWalkLinear(w, p, "lin_r", H, H, 1, KGNN_INIT_GLOROT, &g->lin_r));
  return KGNNWalkLinear(w, p, "lin_edge", H, H, 0, KGNN_INIT_GLOROT, &g->lin_edge);
}

static size_t CacheSize(const KGNNLayer *L, KGNNInt H, const KGNNPlan *P, int training)
{
  return 2 * KGNN_REALS((size_t)P->G.n * H) + KGNN_REALS((size_t)P->G.nnz * H) + KGNN_REALS(P->G.nnz);
}

static size_t WorkSize(const KGNNLayer *L, KGNNInt H, const KGNNPlan *P, int training)
{
  const size_t n = P->G.n, m = P->G.nnz;
  return training ? 2 * n * H + m * H + m + n + KGNNMax(n, m) * H : n;
}

/* z = lin_r h_i + lin_l h_j + lin_edge e_k for edge k: j -> i, channel f */
static inline KGNNReal Pre(const Cache *c, const KGNNGraph *G, KGNNInt H, KGNNInt k, KGNNInt f)
{
  return c->xr[G->receiver[k] * H + f] + c->xl[G->sender[k] * H + f] + c->ee[k * H + f];
}

static KGNNErr Forward(const KGNNLayer *L, const KGNNLayerCtx *x, const void *weights, const KGNNReal *h, const KGNNReal *e, KGNNReal *out, void *cache)
{
  const GATv2     *g = weights;
  const KGNNGraph *G = &x->P->G;
  const KGNNInt    n = G->n, m = G->nnz, H = x->H;
  const Cache      c = Carve(x->P, H, cache);

  KGNN_TRY(KGNNLinearForward(x->E, &g->lin_l, n, h, c.xl));
  KGNN_TRY(KGNNLinearForward(x->E, &g->lin_r, n, h, c.xr));
  KGNN_TRY(KGNNLinearForward(x->E, &g->lin_edge, m, e, c.ee));
  for (KGNNInt k = 0; k < m; k++) {
    KGNNReal s = 0;
    for (KGNNInt f = 0; f < H; f++) {
      const KGNNReal z = Pre(&c, G, H, k, f);
      s += g->att[f] * (z > 0 ? z : 0.2 * z);
    }
    c.alpha[k] = s;
  }
  x->E->segment_softmax_csr(x->E, n, 1, x->P->rptr, x->P->eidx, c.alpha); /* by receiver group: in parallel */
  for (KGNNInt i = 0; i < n; i++)
    for (KGNNInt f = 0; f < H; f++) out[i * H + f] = g->bias[f];
  for (KGNNInt k = 0; k < m; k++)
    for (KGNNInt f = 0; f < H; f++) out[G->receiver[k] * H + f] += c.alpha[k] * c.xl[G->sender[k] * H + f];
  return KGNN_OK;
}

/* dalpha_k = dout_i . xl_j; the message adds alpha_k dout_i to dxl_j; through the softmax to the
   scores; d score / d z = att * LeakyReLU'(z) goes to xr_i, xl_j and ee_k; then the linears */
static KGNNErr Backward(const KGNNLayer *L, const KGNNLayerCtx *x, const void *weights, const KGNNReal *h, const KGNNReal *e, const void *cache, const KGNNReal *dout, KGNNReal *dh, KGNNReal *de, void *gradw)
{
  const GATv2     *g    = weights;
  GATv2           *grad = gradw;
  const KGNNGraph *G    = &x->P->G;
  const KGNNInt    n = G->n, m = G->nnz, H = x->H;
  const Cache      c   = Carve(x->P, H, (void *)cache);
  KGNNReal        *dxl = x->work, *dxr = dxl + (size_t)n * H, *dee = dxr + (size_t)n * H, *ds = dee + (size_t)m * H, *work = ds + m, *tmp = work + n;

  x->E->zero(x->E, dxl, 2 * (size_t)n * H);
  x->E->bias_backward(x->E, n, H, dout, grad->bias);
  for (KGNNInt k = 0; k < m; k++) {
    const KGNNInt   i = G->receiver[k], j = G->sender[k];
    const KGNNReal *d = dout + i * H, *xl = c.xl + j * H;
    KGNNReal        s = 0;
    for (KGNNInt f = 0; f < H; f++) s += d[f] * xl[f], dxl[j * H + f] += c.alpha[k] * d[f];
    ds[k] = s;
  }
  x->E->segment_softmax_csr_backward(x->E, n, 1, x->P->rptr, x->P->eidx, c.alpha, ds, ds);
  for (KGNNInt k = 0; k < m; k++) {
    const KGNNInt i = G->receiver[k], j = G->sender[k];
    for (KGNNInt f = 0; f < H; f++) {
      const KGNNReal z = Pre(&c, G, H, k, f), dz = ds[k] * g->att[f] * (z > 0 ? 1.0 : 0.2);
      grad->att[f] += ds[k] * (z > 0 ? z : 0.2 * z);
      dxr[i * H + f] += dz;
      dxl[j * H + f] += dz;
      dee[k * H + f] = dz;
    }
  }
  KGNN_TRY(KGNNLinearBackward(x->E, &g->lin_l, n, h, dxl, tmp, grad->lin_l.W, grad->lin_l.b));
  x->E->add(x->E, (size_t)n * H, dh, tmp, dh);
  KGNN_TRY(KGNNLinearBackward(x->E, &g->lin_r, n, h, dxr, tmp, grad->lin_r.W, grad->lin_r.b));
  x->E->add(x->E, (size_t)n * H, dh, tmp, dh);
  KGNN_TRY(KGNNLinearBackward(x->E, &g->lin_edge, m, e, dee, tmp, grad->lin_edge.W, NULL));
  x->E->add(x->E, (size_t)m * H, de, tmp, de);
  return KGNN_OK;
}

static KGNNReal Kink(const KGNNLayer *L, const KGNNLayerCtx *x, const void *w, const KGNNReal *h, const KGNNReal *e, const void *cache)
{
  const Cache c = Carve(x->P, x->H, (void *)cache);
  KGNNReal    d = DBL_MAX;
  for (KGNNInt k = 0; k < x->P->G.nnz; k++)
    for (KGNNInt f = 0; f < x->H; f++) {
      const KGNNReal z = Pre(&c, &x->P->G, x->H, k, f);
      d                = KGNNMin(d, z < 0 ? -z : z);
    }
  return d;
}

const KGNNLayer KGNNLayerGATv2 = {"GATv2", "GATv2Conv (Brody et al.): one head, edge features, attention over the edges into each node", KGNN_LAYER_NODE, sizeof(GATv2), Tensors, CacheSize, WorkSize, Forward, Backward, Kink, {NULL, NULL}, {0, 0}, 0, 0};
