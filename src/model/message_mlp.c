/* Two node models of MLPs (the paper's Sec. 6.1), forward and backward side by side:
   MLPNodeModel, out_i = f1(h_i), no messages; and MessagePassingMLP, m_k = f1([h_receiver, e_k])
   on every edge k, agg_i = mean of m_k over the edges into i, out_i = f2([h_i, agg_i]), both
   first layers applied by parts (the node part once per node). */
#include "layer.h"
#include <float.h>

/* ---- MLPNodeModel: cache z, a (n x H) ---- */
static KGNNErr MLPTensors(const KGNNLayer *L, KGNNWalk *w, const char *prefix, KGNNInt H, void *weights)
{
  return KGNNWalkMLP(w, prefix, "f1", 0, 2, H, H, H, 1, (KGNNMLP *)weights);
}

static size_t MLPCacheSize(const KGNNLayer *L, KGNNInt H, const KGNNPlan *P, int training)
{
  return (training ? 2 : 1) * KGNN_REALS((size_t)P->G.n * H);
}

static size_t MLPWorkSize(const KGNNLayer *L, KGNNInt H, const KGNNPlan *P, int training)
{
  return training ? 2 * (size_t)P->G.n * H : 1;
}

static KGNNErr MLPForward(const KGNNLayer *L, const KGNNLayerCtx *x, const void *w, const KGNNReal *h, const KGNNReal *e, KGNNReal *out, void *cache)
{
  char     *c = cache;
  KGNNReal *z = KGNNCarve(&c, (size_t)x->P->G.n * x->H * sizeof(KGNNReal)), *a = x->training ? KGNNCarve(&c, (size_t)x->P->G.n * x->H * sizeof(KGNNReal)) : z;
  return KGNNMLPForward(x->E, w, x->P->G.n, h, out, z, a);
}

static KGNNErr MLPBackward(const KGNNLayer *L, const KGNNLayerCtx *x, const void *w, const KGNNReal *h, const KGNNReal *e, const void *cache, const KGNNReal *dout, KGNNReal *dh, KGNNReal *de, void *grad)
{
  const size_t n = x->P->G.n, H = x->H;
  char        *c = (char *)cache;
  KGNNReal    *z = KGNNCarve(&c, n * H * sizeof(KGNNReal)), *a = KGNNCarve(&c, n * H * sizeof(KGNNReal)), *dx = x->work, *work = x->work + n * H;
  KGNN_TRY(KGNNMLPBackward(x->E, w, (KGNNInt)n, h, z, a, dout, dx, grad, work));
  x->E->add(x->E, n * H, dh, dx, dh);
  return KGNN_OK;
}

static KGNNReal MinAbs(size_t n, const KGNNReal *z)
{
  KGNNReal d = DBL_MAX;
  for (size_t k = 0; k < n; k++) d = KGNNMin(d, z[k] < 0 ? -z[k] : z[k]);
  return d;
}

static KGNNReal MLPKink(const KGNNLayer *L, const KGNNLayerCtx *x, const void *w, const KGNNReal *h, const KGNNReal *e, const void *cache)
{
  return MinAbs((size_t)x->P->G.n * x->H, cache);
}

const KGNNLayer KGNNLayerMLPNode = {"MLPNodeModel", "h_i += f1(h_i): an MLP on each node, no messages", KGNN_LAYER_NODE, sizeof(KGNNMLP), MLPTensors, MLPCacheSize, MLPWorkSize, MLPForward, MLPBackward, MLPKink, {NULL, NULL}, {0, 0}, 0, 0};

/* ---- MessagePassingMLP ---- */
typedef struct {
  KGNNMLP f1, f2;
} MessageMLP;

typedef struct {
  KGNNReal *z1, *a1, *agg, *z2, *a2; /* m x H1, m x H1, n x H, n x H2, n x H2 */
} Cache;

/* inference keeps no a1, a2: ReLU in place */
static Cache Carve(const KGNNPlan *P, KGNNInt H, void *cache, int training)
{
  const size_t n = P->G.n, m = P->G.nnz;
  char        *c = cache;
  Cache        C;
  C.z1  = KGNNCarve(&c, m * H * sizeof(KGNNReal));
  C.a1  = training ? KGNNCarve(&c, m * H * sizeof(KGNNReal)) : C.z1;
  C.agg = KGNNCarve(&c, n * H * sizeof(KGNNReal));
  C.z2  = KGNNCarve(&c, n * H * sizeof(KGNNReal));
  C.a2  = training ? KGNNCarve(&c, n * H * sizeof(KGNNReal)) : C.z2;
  return C;
}

static KGNNErr MPTensors(const KGNNLayer *L, KGNNWalk *w, const char *prefix, KGNNInt H, void *weights)
{
  MessageMLP *B = weights;
  KGNN_TRY(KGNNWalkMLP(w, prefix, "f1", 0, 2, 2 * H, H, H, 1, &B->f1));
  return KGNNWalkMLP(w, prefix, "f2", 0, 2, 2 * H, H, H, 1, &B->f2);
}

static size_t MPCacheSize(const KGNNLayer *L, KGNNInt H, const KGNNPlan *P, int training)
{
  return (training ? 2 : 1) * KGNN_REALS((size_t)P->G.nnz * H) + (training ? 3 : 2) * KGNN_REALS((size_t)P->G.n * H);
}

static size_t MPWorkSize(const KGNNLayer *L, KGNNInt H, const KGNNPlan *P, int training)
{
  const size_t n = P->G.n, m = P->G.nnz;
  return training ? 3 * m * H + 3 * n * H : m * H + n * H; /* the backward's, or msg and pr */
}

static KGNNErr MPForward(const KGNNLayer *L, const KGNNLayerCtx *x, const void *weights, const KGNNReal *hn, const KGNNReal *he, KGNNReal *out, void *cache)
{
  const MessageMLP *B = weights;
  const KGNNGraph  *G = &x->P->G;
  const KGNNEngine *E = x->E;
  const KGNNInt     m = G->nnz, n = G->n, H = x->H, H1 = B->f1.l1.out, H2 = B->f2.l1.out;
  const Cache       C   = Carve(x->P, H, cache, x->training);
  KGNNReal         *msg = x->work, *pr = msg + (size_t)m * H;

  KGNN_TRY(KGNNLinearBlock(E, &B->f1.l1, H, H, m, he, C.z1, 0, 1));
  KGNN_TRY(KGNNLinearBlock(E, &B->f1.l1, 0, H, n, hn, pr, 0, 0));
  E->gather_add(E, m, H1, G->receiver, pr, NULL, NULL, C.z1);
  E->relu(E, (size_t)m * H1, C.z1, C.a1);
  KGNN_TRY(KGNNLinearForward(E, &B->f1.l2, m, C.a1, msg));
  E->zero(E, C.agg, (size_t)n * H);
  E->segment_sum(E, n, H, x->P->rptr, x->P->eidx, msg, C.agg); /* scatter_add by receiver, in parallel */
  E->segment_mean(E, n, H, x->P->deg, C.agg);
  KGNN_TRY(KGNNLinearBlock(E, &B->f2.l1, 0, H, n, hn, C.z2, 0, 1));
  KGNN_TRY(KGNNLinearBlock(E, &B->f2.l1, H, H, n, C.agg, C.z2, 1, 0));
  E->relu(E, (size_t)n * H2, C.z2, C.a2);
  return KGNNLinearForward(E, &B->f2.l2, n, C.a2, out);
}

static KGNNErr MPBackward(const KGNNLayer *L, const KGNNLayerCtx *x, const void *weights, const KGNNReal *hn, const KGNNReal *he, const void *cache, const KGNNReal *dout, KGNNReal *dh, KGNNReal *de, void *grad)
{
  const MessageMLP *B = weights;
  MessageMLP       *g = grad;
  const KGNNGraph  *G = &x->P->G;
  const KGNNEngine *E = x->E;
  const KGNNInt     m = G->nnz, n = G->n, H = x->H, H1 = B->f1.l1.out, H2 = B->f2.l1.out;
  const Cache       C   = Carve(x->P, H, (void *)cache, 1);
  KGNNReal         *dz1 = x->work, *dmsg = dz1 + (size_t)m * H, *dhe = dmsg + (size_t)m * H;
  KGNNReal         *dz2 = dhe + (size_t)m * H, *dagg = dz2 + (size_t)n * H, *dp = dagg + (size_t)n * H;

  /* f2 */
  KGNN_TRY(KGNNLinearBackward(E, &B->f2.l2, n, C.a2, dout, dz2, g->f2.l2.W, g->f2.l2.b));
  E->relu_backward(E, (size_t)n * H2, C.z2, dz2);
  E->bias_backward(E, n, H2, dz2, g->f2.l1.b);
  KGNN_TRY(KGNNLinearBlockBackward(E, &B->f2.l1, 0, H, n, hn, dz2, dp, g->f2.l1.W));
  E->add(E, (size_t)n * H, dh, dp, dh);
  KGNN_TRY(KGNNLinearBlockBackward(E, &B->f2.l1, H, H, n, C.agg, dz2, dagg, g->f2.l1.W));
  /* the mean over the edges into each node */
  E->segment_mean_backward(E, m, H, G->receiver, x->P->deg, dagg, dmsg);
  /* f1 */
  KGNN_TRY(KGNNLinearBackward(E, &B->f1.l2, m, C.a1, dmsg, dz1, g->f1.l2.W, g->f1.l2.b));
  E->relu_backward(E, (size_t)m * H1, C.z1, dz1);
  E->bias_backward(E, m, H1, dz1, g->f1.l1.b);
  KGNN_TRY(KGNNLinearBlockBackward(E, &B->f1.l1, H, H, m, he, dz1, dhe, g->f1.l1.W));
  E->zero(E, dz2, (size_t)n * H1); /* reused: dz1 scattered to the receivers */
  E->segment_sum(E, n, H1, x->P->rptr, x->P->eidx, dz1, dz2);
  KGNN_TRY(KGNNLinearBlockBackward(E, &B->f1.l1, 0, H, n, hn, dz2, dp, g->f1.l1.W));
  E->add(E, (size_t)n * H, dh, dp, dh);
  E->add(E, (size_t)m * H, de, dhe, de);
  return KGNN_OK;
}

static KGNNReal MPKink(const KGNNLayer *L, const KGNNLayerCtx *x, const void *w, const KGNNReal *h, const KGNNReal *e, const void *cache)
{
  const Cache C = Carve(x->P, x->H, (void *)cache, x->training);
  return KGNNMin(MinAbs((size_t)x->P->G.nnz * x->H, C.z1), MinAbs((size_t)x->P->G.n * x->H, C.z2));
}

const KGNNLayer KGNNLayerMessageMLP = {
    "MessagePassingMLP", "h_i += f2([h_i, mean over the edges j -> i of f1([h_i, e_ji])]): the paper's node model", KGNN_LAYER_NODE, sizeof(MessageMLP), MPTensors, MPCacheSize, MPWorkSize, MPForward, MPBackward, MPKink, {NULL, NULL}, {0, 0}, 0, 0};
