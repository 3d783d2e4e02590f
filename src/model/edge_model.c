/* The edge model of a graph-network block, out = mlp([e, h_sender, h_receiver]) (the block adds
   it to e), forward and backward side by side. The first layer is applied by parts: the node
   parts W_s h and W_r h once per node (ps, pr: n x Hh), gathered per edge, so no m x 3H copy. */
#include "layer.h"
#include <float.h>

typedef struct {
  KGNNReal *z, *a; /* the first layer's pre-activation and relu(z), m x Hh */
} Cache;

/* training's: every row's; inference keeps none (one block's, in the work) */
static Cache Carve(const KGNNPlan *P, KGNNInt Hh, void *cache, int training)
{
  char *c = cache;
  Cache C = {NULL, NULL};
  if (!training) return C;
  C.z = KGNNCarve(&c, (size_t)P->G.nnz * Hh * sizeof(KGNNReal));
  C.a = KGNNCarve(&c, (size_t)P->G.nnz * Hh * sizeof(KGNNReal));
  return C;
}

static KGNNErr Tensors(const KGNNLayer *L, KGNNWalk *w, const char *prefix, KGNNInt H, void *weights)
{
  return KGNNWalkMLP(w, prefix, "edge", 0, 2, 3 * H, H, H, 1, (KGNNMLP *)weights);
}

static size_t CacheSize(const KGNNLayer *L, KGNNInt H, const KGNNPlan *P, int training)
{
  return training ? 2 * KGNN_REALS((size_t)P->G.nnz * H) : 0;
}

/* the forward's W_s h and W_r h (n x H each; inference: and one block's z and out), the
   backward's */
static size_t WorkSize(const KGNNLayer *L, KGNNInt H, const KGNNPlan *P, int training)
{
  const size_t n = P->G.n, m = P->G.nnz, rows = KGNNMin(m, KGNN_ROWS);
  return training ? 2 * m * H + 2 * n * H : 2 * n * H + 2 * rows * H;
}

/* by blocks of rows (layer.h); with x->eres (inference) each block's out goes into eres as
   e + out (eres may be e: a block's e is read before its rows are written) */
static KGNNErr Forward(const KGNNLayer *L, const KGNNLayerCtx *x, const void *weights, const KGNNReal *hn, const KGNNReal *he, KGNNReal *out, void *cache)
{
  const KGNNMLP   *mlp = weights;
  const KGNNGraph *G   = &x->P->G;
  const KGNNInt    H = x->H, Hh = mlp->l1.out;
  const Cache      C  = Carve(x->P, Hh, cache, x->training);
  const size_t     rows = KGNNMin((size_t)G->nnz, KGNN_ROWS);
  KGNNReal        *ps = x->work, *pr = ps + (size_t)G->n * Hh, *zb = pr + (size_t)G->n * Hh, *ob = zb + rows * Hh;

  KGNN_TRY(KGNNLinearBlock(x->E, &mlp->l1, H, H, G->n, hn, ps, 0, 0));
  KGNN_TRY(KGNNLinearBlock(x->E, &mlp->l1, 2 * H, H, G->n, hn, pr, 0, 0));
  for (KGNNInt r = 0; r < G->nnz; r += KGNN_ROWS) {
    const KGNNInt k = KGNNMin(G->nnz - r, KGNN_ROWS);
    KGNNReal     *z = x->training ? C.z + (size_t)r * Hh : zb, *a = x->training ? C.a + (size_t)r * Hh : zb;
    KGNN_TRY(KGNNLinearBlock(x->E, &mlp->l1, 0, H, k, he + (size_t)r * H, z, 0, 1));
    x->E->gather_add(x->E, k, Hh, G->sender + r, ps, G->receiver + r, pr, z);
    x->E->relu(x->E, (size_t)k * Hh, z, a);
    if (!x->eres) KGNN_TRY(KGNNLinearForward(x->E, &mlp->l2, k, a, out + (size_t)r * H));
    else {
      KGNN_TRY(KGNNLinearForward(x->E, &mlp->l2, k, a, ob));
      x->E->add(x->E, (size_t)k * H, x->eres + (size_t)r * H, ob, x->eres + (size_t)r * H);
    }
  }
  return KGNN_OK;
}

/* de += d/d e (computed whole, then added: de may be dout), dh += d/d h (the sender and
   receiver parts scatter back to the nodes) */
static KGNNErr Backward(const KGNNLayer *L, const KGNNLayerCtx *x, const void *weights, const KGNNReal *hn, const KGNNReal *he, const void *cache, const KGNNReal *dout, KGNNReal *dh, KGNNReal *de, void *grad)
{
  const KGNNMLP   *mlp = weights;
  KGNNMLP         *g   = grad;
  const KGNNGraph *G   = &x->P->G;
  const KGNNInt    H = x->H, m = G->nnz, n = G->n, Hh = mlp->l1.out;
  const Cache      C  = Carve(x->P, Hh, (void *)cache, 1);
  KGNNReal        *dz = x->work, *dhe = dz + (size_t)m * Hh, *nwork = dhe + (size_t)m * H, *dp = nwork + (size_t)n * Hh;

  KGNN_TRY(KGNNLinearBackward(x->E, &mlp->l2, m, C.a, dout, dz, g->l2.W, g->l2.b));
  x->E->relu_backward(x->E, (size_t)m * Hh, C.z, dz);
  x->E->bias_backward(x->E, m, Hh, dz, g->l1.b);
  KGNN_TRY(KGNNLinearBlockBackward(x->E, &mlp->l1, 0, H, m, he, dz, dhe, g->l1.W));
  for (int part = 0; part < 2; part++) {
    /* the node part acts on h[idx[k]]: its weight gradient is (scatter of dz by idx)^T h, and
       its input gradient scatters dz W_part back to the nodes */
    x->E->zero(x->E, nwork, (size_t)n * Hh);
    /* scatter-add by sender (part 0) or receiver, in parallel over the plan's groups */
    x->E->segment_sum(x->E, n, Hh, part ? x->P->rptr : x->P->sptr, part ? x->P->eidx : x->P->sidx, dz, nwork);
    KGNN_TRY(KGNNLinearBlockBackward(x->E, &mlp->l1, (1 + part) * H, H, n, hn, nwork, dp, g->l1.W));
    x->E->add(x->E, (size_t)n * H, dh, dp, dh);
  }
  x->E->add(x->E, (size_t)m * H, de, dhe, de);
  return KGNN_OK;
}

static KGNNReal Kink(const KGNNLayer *L, const KGNNLayerCtx *x, const void *weights, const KGNNReal *h, const KGNNReal *e, const void *cache)
{
  const Cache C = Carve(x->P, ((const KGNNMLP *)weights)->l1.out, (void *)cache, x->training);
  KGNNReal    d = DBL_MAX;
  for (size_t k = 0; k < (size_t)x->P->G.nnz * ((const KGNNMLP *)weights)->l1.out; k++) d = KGNNMin(d, C.z[k] < 0 ? -C.z[k] : C.z[k]);
  return d;
}

const KGNNLayer KGNNLayerEdgeModel = {"EdgeModel", "e_k += mlp([e_k, h_sender, h_receiver]): the edge update of every block", KGNN_LAYER_EDGE, sizeof(KGNNMLP), Tensors, CacheSize, WorkSize, Forward, Backward, Kink, {NULL, NULL}, {0, 0}, 0, 0};
