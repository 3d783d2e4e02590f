/* SGFormer's linear all-pair attention (Wu et al. 2023) over the nodes of each graph of a batch,
   the formula of PyG's SGFormerAttention with one head and bias-free q, k, v: exact zeros of Q
   and K become 1e-6, the rows of Q and K are L2-normalised, and per graph
       out = (Q (K^T V) + N V) / (Q (K^T 1) + N)        (row-wise division; N = its node count),
   linear in N: K^T V is H x H. A part of the GlobalGraphTransformer row (layers.c), which mixes
   it half and half with GATv2. Forward and backward side by side. */
#include "layer.h"
#include <math.h>

typedef struct {
  KGNNLinear q, k, v; /* no biases */
} AllPair;

typedef struct {
  KGNNReal      *q, *k, *v, *out, *nq, *nk, *den; /* normalised Q, K; V; out (n x H); norms, denominators (n) */
  KGNNReal      *kv, *ksum, *cnt;                 /* per graph: K^T V (H x H), K^T 1 (H), N */
  unsigned char *zq, *zk;                         /* where Q, K were exactly 0 (replaced: no gradient) */
} Cache;

static KGNNInt Graphs(const KGNNGraph *G)
{
  return G->batch ? KGNNMax(G->ngraphs, 1) : 1;
}

static Cache Carve(const KGNNPlan *P, KGNNInt H, void *cache)
{
  const size_t n = P->G.n, ng = Graphs(&P->G);
  char        *c = cache;
  Cache        C;
  C.q    = KGNNCarve(&c, n * H * sizeof(KGNNReal));
  C.k    = KGNNCarve(&c, n * H * sizeof(KGNNReal));
  C.v    = KGNNCarve(&c, n * H * sizeof(KGNNReal));
  C.out  = KGNNCarve(&c, n * H * sizeof(KGNNReal));
  C.nq   = KGNNCarve(&c, n * sizeof(KGNNReal));
  C.nk   = KGNNCarve(&c, n * sizeof(KGNNReal));
  C.den  = KGNNCarve(&c, n * sizeof(KGNNReal));
  C.kv   = KGNNCarve(&c, ng * H * H * sizeof(KGNNReal));
  C.ksum = KGNNCarve(&c, ng * H * sizeof(KGNNReal));
  C.cnt  = KGNNCarve(&c, ng * sizeof(KGNNReal));
  C.zq   = KGNNCarve(&c, n * H);
  C.zk   = KGNNCarve(&c, n * H);
  return C;
}

static KGNNErr Tensors(const KGNNLayer *L, KGNNWalk *w, const char *prefix, KGNNInt H, void *weights)
{
  AllPair    *ap     = weights;
  const char *qkv[3] = {"q", "k", "v"};
  KGNNLinear *l[3]   = {&ap->q, &ap->k, &ap->v};
  char        p[160];
  snprintf(p, sizeof(p), "%s.attn", prefix);
  for (int k = 0; k < 3; k++) KGNN_TRY(KGNNWalkLinear(w, p, qkv[k], H, H, 0, KGNN_INIT_TORCH, l[k]));
  return KGNN_OK;
}

static size_t CacheSize(const KGNNLayer *L, KGNNInt H, const KGNNPlan *P, int training)
{
  const size_t n = P->G.n, ng = Graphs(&P->G);
  return 4 * KGNN_REALS(n * H) + 3 * KGNN_REALS(n) + KGNN_REALS(ng * H * H) + KGNN_REALS(ng * H) + KGNN_REALS(ng) + 2 * KGNNRound(n * H);
}

static size_t WorkSize(const KGNNLayer *L, KGNNInt H, const KGNNPlan *P, int training)
{
  const size_t n = P->G.n, ng = Graphs(&P->G);
  return training ? 4 * n * H + ng * H * H + ng * H : 1;
}

static KGNNErr Forward(const KGNNLayer *L, const KGNNLayerCtx *x, const void *weights, const KGNNReal *h, const KGNNReal *e, KGNNReal *out, void *cache)
{
  const AllPair   *ap = weights;
  const KGNNGraph *G  = &x->P->G;
  const KGNNInt    n = G->n, H = x->H, ng = Graphs(G);
  const Cache      c = Carve(x->P, H, cache);
  KGNNReal        *q = c.q, *k = c.k, *v = c.v;

  x->E->zero(x->E, c.kv, (size_t)ng * H * H);
  x->E->zero(x->E, c.ksum, (size_t)ng * H);
  x->E->zero(x->E, c.cnt, (size_t)ng);
  KGNN_TRY(KGNNLinearForward(x->E, &ap->q, n, h, q));
  KGNN_TRY(KGNNLinearForward(x->E, &ap->k, n, h, k));
  KGNN_TRY(KGNNLinearForward(x->E, &ap->v, n, h, v));
  for (KGNNInt i = 0; i < n; i++) {
    KGNNReal nq = 0, nk = 0;
    for (KGNNInt a = 0; a < H; a++) {
      c.zq[i * H + a] = q[i * H + a] == 0, c.zk[i * H + a] = k[i * H + a] == 0;
      if (q[i * H + a] == 0) q[i * H + a] = 1e-6;
      if (k[i * H + a] == 0) k[i * H + a] = 1e-6;
      nq += q[i * H + a] * q[i * H + a];
      nk += k[i * H + a] * k[i * H + a];
    }
    c.nq[i] = nq = sqrt(nq), c.nk[i] = nk = sqrt(nk);
    for (KGNNInt a = 0; a < H; a++) q[i * H + a] /= nq, k[i * H + a] /= nk;
  }
  for (KGNNInt i = 0; i < n; i++) {
    const KGNNInt g  = G->batch ? G->batch[i] : 0;
    KGNNReal     *kv = c.kv + (size_t)g * H * H, *ks = c.ksum + g * H;
    c.cnt[g] += 1;
    for (KGNNInt a = 0; a < H; a++) {
      ks[a] += k[i * H + a];
      for (KGNNInt b = 0; b < H; b++) kv[a * H + b] += k[i * H + a] * v[i * H + b];
    }
  }
  for (KGNNInt i = 0; i < n; i++) {
    const KGNNInt   g  = G->batch ? G->batch[i] : 0;
    const KGNNReal *kv = c.kv + (size_t)g * H * H, *ks = c.ksum + g * H, N = c.cnt[g];
    KGNNReal        den = N;
    for (KGNNInt a = 0; a < H; a++) den += q[i * H + a] * ks[a];
    c.den[i] = den;
    for (KGNNInt b = 0; b < H; b++) {
      KGNNReal num = N * v[i * H + b];
      for (KGNNInt a = 0; a < H; a++) num += q[i * H + a] * kv[a * H + b];
      out[i * H + b] = c.out[i * H + b] = num / den;
    }
  }
  return KGNN_OK;
}

/* the backward of x / |x| at the normalised x: dx = (dy - y (y . dy)) / |x|, 0 where replaced */
static void NormalizeBackward(KGNNInt H, const KGNNReal *y, KGNNReal norm, const unsigned char *zero, KGNNReal *d)
{
  KGNNReal s = 0;
  for (KGNNInt a = 0; a < H; a++) s += y[a] * d[a];
  for (KGNNInt a = 0; a < H; a++) d[a] = zero[a] ? 0.0 : (d[a] - y[a] * s) / norm;
}

/* out = num / den: dnum = dout / den, dden = -(dout . out) / den; then through Q KV + N V and
   Q ksum + N to Q, and per graph through KV = sum K^T V and ksum = sum K to K and V */
static KGNNErr Backward(const KGNNLayer *L, const KGNNLayerCtx *x, const void *weights, const KGNNReal *h, const KGNNReal *e, const void *cache, const KGNNReal *dout, KGNNReal *dh, KGNNReal *de, void *gradw)
{
  const AllPair   *ap   = weights;
  AllPair         *grad = gradw;
  const KGNNGraph *G    = &x->P->G;
  const KGNNInt    n = G->n, H = x->H, ng = Graphs(G);
  const Cache      c  = Carve(x->P, H, (void *)cache);
  KGNNReal        *dq = x->work, *dk = dq + (size_t)n * H, *dv = dk + (size_t)n * H, *tmp = dv + (size_t)n * H, *dkv = tmp + (size_t)n * H, *dks = dkv + (size_t)ng * H * H;

  x->E->zero(x->E, dkv, (size_t)ng * H * H + (size_t)ng * H);
  for (KGNNInt i = 0; i < n; i++) {
    const KGNNInt   g  = G->batch ? G->batch[i] : 0;
    const KGNNReal *kv = c.kv + (size_t)g * H * H, *ks = c.ksum + g * H, *qi = c.q + i * H, *di = dout + i * H, den = c.den[i];
    KGNNReal       *gkv = dkv + (size_t)g * H * H, *gks = dks + g * H, dden = 0;
    for (KGNNInt b = 0; b < H; b++) dden -= di[b] * c.out[i * H + b];
    dden /= den;
    for (KGNNInt a = 0; a < H; a++) {
      KGNNReal s = dden * ks[a];
      for (KGNNInt b = 0; b < H; b++) s += kv[a * H + b] * di[b] / den, gkv[a * H + b] += qi[a] * di[b] / den;
      dq[i * H + a] = s;
      gks[a] += dden * qi[a];
    }
    for (KGNNInt b = 0; b < H; b++) dv[i * H + b] = c.cnt[g] * di[b] / den;
  }
  for (KGNNInt i = 0; i < n; i++) {
    const KGNNInt   g   = G->batch ? G->batch[i] : 0;
    const KGNNReal *gkv = dkv + (size_t)g * H * H, *gks = dks + g * H, *ki = c.k + i * H, *vi = c.v + i * H;
    for (KGNNInt a = 0; a < H; a++) {
      KGNNReal s = gks[a];
      for (KGNNInt b = 0; b < H; b++) s += gkv[a * H + b] * vi[b], dv[i * H + b] += ki[a] * gkv[a * H + b];
      dk[i * H + a] = s;
    }
    NormalizeBackward(H, c.q + i * H, c.nq[i], c.zq + i * H, dq + i * H);
    NormalizeBackward(H, ki, c.nk[i], c.zk + i * H, dk + i * H);
  }
  KGNN_TRY(KGNNLinearBackward(x->E, &ap->q, n, h, dq, tmp, grad->q.W, NULL));
  for (size_t k = 0; k < (size_t)n * H; k++) dh[k] += tmp[k];
  KGNN_TRY(KGNNLinearBackward(x->E, &ap->k, n, h, dk, tmp, grad->k.W, NULL));
  for (size_t k = 0; k < (size_t)n * H; k++) dh[k] += tmp[k];
  KGNN_TRY(KGNNLinearBackward(x->E, &ap->v, n, h, dv, tmp, grad->v.W, NULL));
  for (size_t k = 0; k < (size_t)n * H; k++) dh[k] += tmp[k];
  return KGNN_OK;
}

static KGNNReal Kink(const KGNNLayer *L, const KGNNLayerCtx *x, const void *w, const KGNNReal *h, const KGNNReal *e, const void *cache)
{
  return 1e300; /* smooth but for exact zeros of Q and K, which random draws never hit */
}

const KGNNLayer KGNNLayerAllPair = {
    "AllPairAttention", "SGFormer's linear all-pair attention over the nodes of each graph (a part of GlobalGraphTransformer)", KGNN_LAYER_PART, sizeof(AllPair), Tensors, CacheSize, WorkSize, Forward, Backward, Kink, {NULL, NULL}, {0, 0}, 0, 0};
