/* GraphTransformer node model: PyTorch Geometric's TransformerConv (Shi et al. 2020) with one
   head, beta = False, root_weight and edge features: for the edges j -> i,
   score = q_i . (k_j + W_e e_ji) / sqrt(H), softmax over the edges into i,
   out_i = sum alpha_ji (v_j + W_e e_ji) + lin_skip h_i. Forward and backward side by side. */
#include "layer.h"
#include <math.h>

typedef struct {
  KGNNLinear key, query, value, edge, skip; /* edge has no bias */
} Transformer;

/* what the backward needs from the forward: the projections and the softmax output; O(m H) */
typedef struct {
  KGNNReal *q, *k, *v; /* n x H */
  KGNNReal *ee;        /* W_e e: m x H */
  KGNNReal *alpha;     /* softmax over the edges into each node: m */
} Cache;

static Cache Carve(const KGNNPlan *P, KGNNInt H, void *cache)
{
  const size_t n = P->G.n, m = P->G.nnz;
  char        *c = cache;
  Cache        C;
  C.q     = KGNNCarve(&c, n * H * sizeof(KGNNReal));
  C.k     = KGNNCarve(&c, n * H * sizeof(KGNNReal));
  C.v     = KGNNCarve(&c, n * H * sizeof(KGNNReal));
  C.ee    = KGNNCarve(&c, m * H * sizeof(KGNNReal));
  C.alpha = KGNNCarve(&c, m * sizeof(KGNNReal));
  return C;
}

static KGNNErr Tensors(const KGNNLayer *L, KGNNWalk *w, const char *prefix, KGNNInt H, void *weights)
{
  Transformer *t     = weights;
  const char  *nm[5] = {"lin_key", "lin_query", "lin_value", "lin_edge", "lin_skip"};
  KGNNLinear  *l[5]  = {&t->key, &t->query, &t->value, &t->edge, &t->skip};
  char         p[160];
  snprintf(p, sizeof(p), "%s.conv", prefix);
  for (int k = 0; k < 5; k++) KGNN_TRY(KGNNWalkLinear(w, p, nm[k], H, H, k != 3, KGNN_INIT_TORCH, l[k]));
  return KGNN_OK;
}

static size_t CacheSize(const KGNNLayer *L, KGNNInt H, const KGNNPlan *P, int training)
{
  return 3 * KGNN_REALS((size_t)P->G.n * H) + KGNN_REALS((size_t)P->G.nnz * H) + KGNN_REALS(P->G.nnz);
}

static size_t WorkSize(const KGNNLayer *L, KGNNInt H, const KGNNPlan *P, int training)
{
  const size_t n = P->G.n, m = P->G.nnz;
  return training ? 4 * n * H + 2 * m * H + m + n : n;
}

static KGNNErr Forward(const KGNNLayer *L, const KGNNLayerCtx *x, const void *weights, const KGNNReal *h, const KGNNReal *e, KGNNReal *out, void *cache)
{
  const Transformer *t = weights;
  const KGNNGraph   *G = &x->P->G;
  const KGNNInt      n = G->n, m = G->nnz, H = x->H;
  const Cache        C = Carve(x->P, H, cache);

  KGNN_TRY(KGNNLinearForward(x->E, &t->query, n, h, C.q));
  KGNN_TRY(KGNNLinearForward(x->E, &t->key, n, h, C.k));
  KGNN_TRY(KGNNLinearForward(x->E, &t->value, n, h, C.v));
  KGNN_TRY(KGNNLinearForward(x->E, &t->edge, m, e, C.ee));
  for (KGNNInt a = 0; a < m; a++) {
    KGNNReal s = 0;
    for (KGNNInt c = 0; c < H; c++) s += C.q[G->receiver[a] * H + c] * (C.k[G->sender[a] * H + c] + C.ee[a * H + c]);
    C.alpha[a] = s / sqrt((KGNNReal)H);
  }
  x->E->segment_softmax_csr(x->E, n, 1, x->P->rptr, x->P->eidx, C.alpha); /* by receiver group: in parallel */
  KGNN_TRY(KGNNLinearForward(x->E, &t->skip, n, h, out));
  for (KGNNInt a = 0; a < m; a++)
    for (KGNNInt c = 0; c < H; c++) out[G->receiver[a] * H + c] += C.alpha[a] * (C.v[G->sender[a] * H + c] + C.ee[a * H + c]);
  return KGNN_OK;
}

/* W_e e enters both the score and the message, so de gets both contributions */
static KGNNErr Backward(const KGNNLayer *L, const KGNNLayerCtx *x, const void *weights, const KGNNReal *h, const KGNNReal *e, const void *cache, const KGNNReal *dout, KGNNReal *dh, KGNNReal *de, void *gradw)
{
  const Transformer *t    = weights;
  Transformer       *grad = gradw;
  const KGNNGraph   *G    = &x->P->G;
  const KGNNInt      n = G->n, m = G->nnz, H = x->H;
  const KGNNReal     scale = 1 / sqrt((KGNNReal)H);
  const Cache        C     = Carve(x->P, H, (void *)cache);
  KGNNReal          *dq = x->work, *dk = dq + (size_t)n * H, *dv = dk + (size_t)n * H, *dx = dv + (size_t)n * H, *dee = dx + (size_t)n * H, *dxe = dee + (size_t)m * H, *dalpha = dxe + (size_t)m * H;
  const KGNNLinear  *lin[3]  = {&t->query, &t->key, &t->value};
  KGNNLinear        *glin[3] = {&grad->query, &grad->key, &grad->value};
  KGNNReal          *dY[3]   = {dq, dk, dv};

  x->E->zero(x->E, dq, 4 * (size_t)n * H);
  /* root weight */
  KGNN_TRY(KGNNLinearBackward(x->E, &t->skip, n, h, dout, dx, grad->skip.W, grad->skip.b));
  x->E->add(x->E, (size_t)n * H, dh, dx, dh);
  /* the messages alpha_a (v_j + ee_a) */
  for (KGNNInt a = 0; a < m; a++) {
    const KGNNInt i = G->receiver[a], j = G->sender[a];
    KGNNReal      s = 0;
    for (KGNNInt c = 0; c < H; c++) {
      s += dout[i * H + c] * (C.v[j * H + c] + C.ee[a * H + c]);
      dv[j * H + c] += C.alpha[a] * dout[i * H + c];
      dee[a * H + c] = C.alpha[a] * dout[i * H + c];
    }
    dalpha[a] = s;
  }
  x->E->segment_softmax_csr_backward(x->E, n, 1, x->P->rptr, x->P->eidx, C.alpha, dalpha, dalpha);
  /* the scores q_i . (k_j + ee_a) / sqrt(H) */
  for (KGNNInt a = 0; a < m; a++) {
    const KGNNInt  i = G->receiver[a], j = G->sender[a];
    const KGNNReal ds = dalpha[a] * scale;
    for (KGNNInt c = 0; c < H; c++) {
      dq[i * H + c] += ds * (C.k[j * H + c] + C.ee[a * H + c]);
      dk[j * H + c] += ds * C.q[i * H + c];
      dee[a * H + c] += ds * C.q[i * H + c];
    }
  }
  for (int l = 0; l < 3; l++) {
    KGNN_TRY(KGNNLinearBackward(x->E, lin[l], n, h, dY[l], dx, glin[l]->W, glin[l]->b));
    x->E->add(x->E, (size_t)n * H, dh, dx, dh);
  }
  KGNN_TRY(KGNNLinearBackward(x->E, &t->edge, m, e, dee, dxe, grad->edge.W, NULL));
  x->E->add(x->E, (size_t)m * H, de, dxe, de);
  return KGNN_OK;
}

static KGNNReal Kink(const KGNNLayer *L, const KGNNLayerCtx *x, const void *w, const KGNNReal *h, const KGNNReal *e, const void *cache)
{
  return 1e300; /* smooth: no ReLU */
}

const KGNNLayer KGNNLayerTransformer = {
    "GraphTransformer", "TransformerConv (Shi et al.): one head, edge features in keys and values, a root weight", KGNN_LAYER_NODE, sizeof(Transformer), Tensors, CacheSize, WorkSize, Forward, Backward, Kink, {NULL, NULL}, {0, 0}, 0, 0};
