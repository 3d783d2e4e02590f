/* The one table of layers (share/doc/model.md, "How to add a layer"): the node models a weight
   file or -node_model names, the edge model, and the parts of composite rows. Everything that
   needs a list of layers walks this table: names and help text, the weight file's node_model
   attribute, the tensors' state_dict names (each row's tensors function), the trainer's
   -node_model list, the test harness. The first six rows are KGNN_NODE_MLP .. KGNN_NODE_GLOBAL
   (io/model_face.h), the indices the trainer and weight files already use. */
#include "layer.h"
#include <string.h>

/* ---- composite rows: out = sum over the parts of mix[p] part_p(h, e), each part's weights,
   cache and scratch one after the other ---- */
static size_t Offset(const KGNNLayer *L)
{
  return KGNNRound(L->parts[0]->weights_size);
}

static KGNNErr CompositeTensors(const KGNNLayer *L, KGNNWalk *w, const char *prefix, KGNNInt H, void *weights)
{
  KGNN_TRY(L->parts[0]->tensors(L->parts[0], w, prefix, H, weights));
  return L->parts[1]->tensors(L->parts[1], w, prefix, H, (char *)weights + Offset(L));
}

static size_t CompositeCacheSize(const KGNNLayer *L, KGNNInt H, const KGNNPlan *P, int training)
{
  return KGNNRound(L->parts[0]->cache_size(L->parts[0], H, P, training)) + KGNNRound(L->parts[1]->cache_size(L->parts[1], H, P, training));
}

static size_t CompositeWorkSize(const KGNNLayer *L, KGNNInt H, const KGNNPlan *P, int training)
{
  return (size_t)P->G.n * H + /* the second part's output, or the parts' dout */ KGNNMax(L->parts[0]->work_size(L->parts[0], H, P, training), L->parts[1]->work_size(L->parts[1], H, P, training));
}

static KGNNErr CompositeForward(const KGNNLayer *L, const KGNNLayerCtx *x, const void *w, const KGNNReal *h, const KGNNReal *e, KGNNReal *out, void *cache)
{
  const size_t nH  = (size_t)x->P->G.n * x->H;
  KGNNReal    *tmp = x->work;
  KGNNLayerCtx y   = *x;
  char        *c1  = (char *)cache + KGNNRound(L->parts[0]->cache_size(L->parts[0], x->H, x->P, x->training));

  y.work = x->work + nH;
  KGNN_TRY(L->parts[0]->forward(L->parts[0], &y, w, h, e, out, cache));
  KGNN_TRY(L->parts[1]->forward(L->parts[1], &y, (const char *)w + Offset(L), h, e, tmp, c1));
  for (size_t k = 0; k < nH; k++) out[k] = L->mix[0] * out[k] + L->mix[1] * tmp[k];
  return KGNN_OK;
}

static KGNNErr CompositeBackward(const KGNNLayer *L, const KGNNLayerCtx *x, const void *w, const KGNNReal *h, const KGNNReal *e, const void *cache, const KGNNReal *dout, KGNNReal *dh, KGNNReal *de, void *grad)
{
  const size_t nH = (size_t)x->P->G.n * x->H;
  KGNNReal    *dt = x->work;
  KGNNLayerCtx y  = *x;
  const char  *c1 = (const char *)cache + KGNNRound(L->parts[0]->cache_size(L->parts[0], x->H, x->P, x->training));

  y.work = x->work + nH;
  for (int p = 0; p < 2; p++) {
    for (size_t k = 0; k < nH; k++) dt[k] = L->mix[p] * dout[k];
    KGNN_TRY(L->parts[p]->backward(L->parts[p], &y, p ? (const char *)w + Offset(L) : w, h, e, p ? (const void *)c1 : cache, dt, dh, de, p ? (char *)grad + Offset(L) : grad));
  }
  return KGNN_OK;
}

static KGNNReal CompositeKink(const KGNNLayer *L, const KGNNLayerCtx *x, const void *w, const KGNNReal *h, const KGNNReal *e, const void *cache)
{
  const char *c1 = (const char *)cache + KGNNRound(L->parts[0]->cache_size(L->parts[0], x->H, x->P, x->training));
  return KGNNMin(L->parts[0]->kink(L->parts[0], x, w, h, e, cache), L->parts[1]->kink(L->parts[1], x, (const char *)w + Offset(L), h, e, c1));
}

/* (1 - alpha) AN + alpha GN with alpha = 1/2: SGFormer's all-pair attention and GATv2 */
const KGNNLayer KGNNLayerGlobal = {"GlobalGraphTransformer",
                                   "0.5 all-pair attention (SGFormer) + 0.5 GATv2",
                                   KGNN_LAYER_NODE,
                                   0 /* KGNNLayerWeightsSize */,
                                   CompositeTensors,
                                   CompositeCacheSize,
                                   CompositeWorkSize,
                                   CompositeForward,
                                   CompositeBackward,
                                   CompositeKink,
                                   {&KGNNLayerAllPair, &KGNNLayerGATv2},
                                   {0.5, 0.5},
                                   0,
                                   0};

/* THE table. Order: the six node models in KGNNNodeModel's order, then the rest. */
static const KGNNLayer *const table[] = {&KGNNLayerMLPNode, &KGNNLayerMessageMLP, &KGNNLayerGATv2, &KGNNLayerGEN, &KGNNLayerTransformer, &KGNNLayerGlobal, &KGNNLayerEdgeModel, &KGNNLayerAllPair, &KGNNLayerElim};

/* a composite's weights are its parts', one after the other */
size_t KGNNLayerWeightsSize(const KGNNLayer *L)
{
  return L->parts[0] ? Offset(L) + KGNNLayerWeightsSize(L->parts[1]) : L->weights_size;
}

int KGNNLayerCount(void)
{
  return (int)(sizeof(table) / sizeof(table[0]));
}

const KGNNLayer *KGNNLayerAt(int i)
{
  return i >= 0 && i < KGNNLayerCount() ? table[i] : NULL;
}

KGNNErr KGNNLayerFind(const char *name, KGNNLayerRole role, int *index)
{
  *index = -1;
  for (int i = 0; i < KGNNLayerCount(); i++)
    if (table[i]->role == role && !strcmp(table[i]->name, name)) {
      *index = i;
      return KGNN_OK;
    }
  return KGNN_ERR_UNKNOWN;
}

void KGNNLayerNames(KGNNLayerRole role, char *buf, size_t len)
{
  size_t used = 0;
  if (!len) return;
  buf[0] = 0;
  for (int i = 0; i < KGNNLayerCount(); i++)
    if (table[i]->role == role) {
      int k = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", table[i]->name);
      if (k < 0 || (size_t)k >= len - used) return;
      used += (size_t)k;
    }
}
