/* GEN node model (Li et al. 2020, DeeperGCN) as PyTorch Geometric's GENConv computes it with
   softmax aggregation (t = 1, not learned), no message norm, no BatchNorm, no bias and
   in = out = edge_dim (so no projections): m_ji = relu(h_j + e_ji) + 1e-7, per channel
   softmax over the edges into i, a_i = sum alpha_ji m_ji, out_i = mlp(h_i + a_i).
   Forward and backward side by side. */
#include "layer.h"
#include <float.h>

typedef struct {
  KGNNReal *msg, *alpha, *agg; /* m x H, m x H (softmax output), n x H (the MLP's input) */
  KGNNReal *z, *a;             /* the MLP's pre-activation and a = relu(z), n x Hh */
} Cache;

static Cache Carve(const KGNNPlan *P, KGNNInt H, KGNNInt Hh, void *cache)
{
  const size_t n = P->G.n, m = P->G.nnz;
  char        *c = cache;
  Cache        C;
  C.msg   = KGNNCarve(&c, m * H * sizeof(KGNNReal));
  C.alpha = KGNNCarve(&c, m * H * sizeof(KGNNReal));
  C.agg   = KGNNCarve(&c, n * H * sizeof(KGNNReal));
  C.z     = KGNNCarve(&c, n * Hh * sizeof(KGNNReal));
  C.a     = KGNNCarve(&c, n * Hh * sizeof(KGNNReal));
  return C;
}

/* Linear(H, 2H) -> [norm: none] -> ReLU -> Linear(2H, H), no biases */
static KGNNErr Tensors(const KGNNLayer *L, KGNNWalk *w, const char *prefix, KGNNInt H, void *weights)
{
  char p[160];
  snprintf(p, sizeof(p), "%s.conv", prefix);
  return KGNNWalkMLP(w, p, "mlp", 0, 3, H, 2 * H, H, 0, (KGNNMLP *)weights);
}

static size_t CacheSize(const KGNNLayer *L, KGNNInt H, const KGNNPlan *P, int training)
{
  return 2 * KGNN_REALS((size_t)P->G.nnz * H) + KGNN_REALS((size_t)P->G.n * H) + 2 * KGNN_REALS((size_t)P->G.n * 2 * H);
}

static size_t WorkSize(const KGNNLayer *L, KGNNInt H, const KGNNPlan *P, int training)
{
  const size_t n = P->G.n, m = P->G.nnz;
  return training ? n * H + m * H + n * 2 * H : n * H;
}

static KGNNErr Forward(const KGNNLayer *L, const KGNNLayerCtx *x, const void *weights, const KGNNReal *h, const KGNNReal *e, KGNNReal *out, void *cache)
{
  const KGNNMLP   *mlp = weights;
  const KGNNGraph *G   = &x->P->G;
  const KGNNInt    n = G->n, m = G->nnz, H = x->H;
  const Cache      c = Carve(x->P, H, mlp->l1.out, cache);

  for (KGNNInt k = 0; k < m; k++)
    for (KGNNInt ch = 0; ch < H; ch++) {
      const KGNNReal z    = h[G->sender[k] * H + ch] + e[k * H + ch];
      c.msg[k * H + ch]   = (z > 0 ? z : 0) + 1e-7;
      c.alpha[k * H + ch] = c.msg[k * H + ch]; /* t = 1 */
    }
  x->E->segment_softmax_csr(x->E, n, H, x->P->rptr, x->P->eidx, c.alpha); /* by receiver group: in parallel */
  x->E->copy(x->E, c.agg, h, (size_t)n * H);
  for (KGNNInt k = 0; k < m; k++)
    for (KGNNInt ch = 0; ch < H; ch++) c.agg[G->receiver[k] * H + ch] += c.alpha[k * H + ch] * c.msg[k * H + ch];
  return KGNNMLPForward(x->E, mlp, n, c.agg, out, c.z, c.a);
}

/* msg is both the softmax score and the value it weighs, so its gradient has both parts */
static KGNNErr Backward(const KGNNLayer *L, const KGNNLayerCtx *x, const void *weights, const KGNNReal *h, const KGNNReal *e, const void *cache, const KGNNReal *dout, KGNNReal *dh, KGNNReal *de, void *grad)
{
  const KGNNMLP   *mlp = weights;
  const KGNNGraph *G   = &x->P->G;
  const KGNNInt    n = G->n, m = G->nnz, H = x->H;
  const Cache      c    = Carve(x->P, H, mlp->l1.out, (void *)cache);
  KGNNReal        *dagg = x->work, *dmsg = dagg + (size_t)n * H, *work = dmsg + (size_t)m * H;

  /* dagg is set; the MLP's biases are NULL for GEN, and the backward then skips them */
  KGNN_TRY(KGNNMLPBackward(x->E, mlp, n, c.agg, c.z, c.a, dout, dagg, grad, work));
  x->E->add(x->E, (size_t)n * H, dh, dagg, dh); /* the residual h_i */
  /* d/d msg through the softmax weight (msg is the score, t = 1) ... */
  for (KGNNInt k = 0; k < m; k++)
    for (KGNNInt ch = 0; ch < H; ch++) dmsg[k * H + ch] = dagg[G->receiver[k] * H + ch] * c.msg[k * H + ch];
  x->E->segment_softmax_csr_backward(x->E, n, H, x->P->rptr, x->P->eidx, c.alpha, dmsg, dmsg);
  /* ... plus through the value alpha msg; then back through relu(h_j + e_k), recomputed */
  for (KGNNInt k = 0; k < m; k++)
    for (KGNNInt ch = 0; ch < H; ch++) {
      const KGNNInt  s = G->sender[k] * H + ch, r = G->receiver[k] * H + ch, kc = k * H + ch;
      const KGNNReal z = h[s] + e[kc], d = z > 0 ? dmsg[kc] + dagg[r] * c.alpha[kc] : 0.0; /* relu'(0) = 0, as torch */
      de[kc] += d;
      dh[s] += d;
    }
  return KGNN_OK;
}

static KGNNReal Kink(const KGNNLayer *L, const KGNNLayerCtx *x, const void *weights, const KGNNReal *h, const KGNNReal *e, const void *cache)
{
  const KGNNMLP   *mlp = weights;
  const KGNNGraph *G   = &x->P->G;
  const Cache      c   = Carve(x->P, x->H, mlp->l1.out, (void *)cache);
  KGNNReal         d   = DBL_MAX;
  for (KGNNInt k = 0; k < G->nnz; k++)
    for (KGNNInt ch = 0; ch < x->H; ch++) {
      const KGNNReal z = h[G->sender[k] * x->H + ch] + e[k * x->H + ch];
      d                = KGNNMin(d, z < 0 ? -z : z);
    }
  for (size_t k = 0; k < (size_t)G->n * mlp->l1.out; k++) d = KGNNMin(d, c.z[k] < 0 ? -c.z[k] : c.z[k]);
  return d;
}

const KGNNLayer KGNNLayerGEN = {"GEN", "GENConv (Li et al.): softmax aggregation of relu(h_j + e_ji), then an MLP H -> 2H -> H", KGNN_LAYER_NODE, sizeof(KGNNMLP), Tensors, CacheSize, WorkSize, Forward, Backward, Kink, {NULL, NULL}, {0, 0}, 0, 0};
