/* The model's tensors in one list, by their PyTorch state_dict names (share/doc/model.md):
   what the weight-file reader and writer, the initialiser, the gradient buffers and the
   optimiser all walk, so that none of them repeats the architecture. Each layer names its own
   tensors (its row's tensors function); this file walks the blocks and the encoder/decoder. */
#include "net.h"
#include <math.h>
#include <string.h>

struct KGNNWalk {
  const KGNNEngine *E;
  KGNNTensor       *T;
  int               n, cap, alloc;
};

static const KGNNEngine *Engine(const KGNNModel *M)
{
  return M->engine ? M->engine : KGNNEngineCPU();
}

KGNNErr KGNNWalkTensor(KGNNWalk *t, const char *prefix, const char *name, int rank, KGNNInt d0, KGNNInt d1, KGNNInt fan_in, KGNNInit init, KGNNReal **data)
{
  KGNNTensor *x;

  if (t->n == t->cap) {
    KGNNTensor *T;
    t->cap = KGNNMax(64, 2 * t->cap);
    T      = t->E->alloc(t->E, (size_t)t->cap * sizeof(KGNNTensor));
    if (!T) return KGNN_ERR_MEMORY;
    if (t->n) memcpy(T, t->T, (size_t)t->n * sizeof(KGNNTensor));
    t->E->free(t->E, t->T);
    t->T = T;
  }
  x = &t->T[t->n++];
  memset(x, 0, sizeof(*x));
  if (snprintf(x->name, sizeof(x->name), "%s.%s", prefix, name) >= (int)sizeof(x->name)) return KGNN_ERR_ARGUMENT;
  x->rank    = rank;
  x->dims[0] = rank == 3 ? 1 : d0;
  x->dims[1] = rank == 3 ? 1 : d1;
  x->dims[2] = rank == 3 ? d0 : 0;
  x->size    = d0 * (rank == 2 ? d1 : 1);
  x->fan_in  = fan_in;
  x->init    = init;
  if (t->alloc) {
    *data = t->E->alloc(t->E, (size_t)x->size * sizeof(KGNNReal));
    if (!*data) return KGNN_ERR_MEMORY;
  }
  x->data = *data;
  return KGNN_OK;
}

/* torch.nn.Linear: weight [out, in], bias [out] with U(-1/sqrt(in), ..). The bias keeps that
   initialisation under a glorot weight too (GATv2's lin_l, lin_r): PyG zeros them, but kgnn-train
   has always drawn them so, and its committed fixtures (tests/fixtures/trained_*.h5) hold the
   result; changing it is a change of behaviour, for its own commit. */
KGNNErr KGNNWalkLinear(KGNNWalk *t, const char *prefix, const char *name, KGNNInt in, KGNNInt out, int bias, KGNNInit init, KGNNLinear *l)
{
  char p[160];

  if (snprintf(p, sizeof(p), "%s.%s", prefix, name) >= (int)sizeof(p)) return KGNN_ERR_ARGUMENT;
  if (t->alloc) l->in = in, l->out = out;
  KGNN_TRY(KGNNWalkTensor(t, p, "weight", 2, out, in, in, init, &l->W));
  if (bias) KGNN_TRY(KGNNWalkTensor(t, p, "bias", 1, out, 0, in, KGNN_INIT_TORCH, &l->b));
  return KGNN_OK;
}

/* Linear(in, hidden) -> ReLU -> Linear(hidden, out) as prefix.name.<i1> and prefix.name.<i2> */
KGNNErr KGNNWalkMLP(KGNNWalk *t, const char *prefix, const char *name, int i1, int i2, KGNNInt in, KGNNInt hidden, KGNNInt out, int bias, KGNNMLP *mlp)
{
  char p[160], a[16], b[16];

  if (snprintf(p, sizeof(p), "%s.%s", prefix, name) >= (int)sizeof(p)) return KGNN_ERR_ARGUMENT;
  snprintf(a, sizeof(a), "%d", i1), snprintf(b, sizeof(b), "%d", i2);
  KGNN_TRY(KGNNWalkLinear(t, p, a, in, hidden, bias, KGNN_INIT_TORCH, &mlp->l1));
  return KGNNWalkLinear(t, p, b, hidden, out, bias, KGNN_INIT_TORCH, &mlp->l2);
}

static KGNNErr Walk(KGNNModel *M, KGNNWalk *t)
{
  const KGNNLayer *node = KGNNLayerAt(M->node_model), *edge = &KGNNLayerEdgeModel;
  const KGNNInt    H = M->hidden;
  char             p[128];

  if (!node || node->role != KGNN_LAYER_NODE) return KGNN_ERR_UNKNOWN;
  KGNN_TRY(KGNNWalkMLP(t, "encoder", "node_mlp", 0, 2, 1, H, H, 1, &M->enc_node));
  KGNN_TRY(KGNNWalkMLP(t, "encoder", "edge_mlp", 0, 2, M->edge_in, H, H, 1, &M->enc_edge));
  if (t->alloc && M->depth) {
    M->blocks = t->E->alloc(t->E, (size_t)M->depth * sizeof(KGNNBlock));
    if (!M->blocks) return KGNN_ERR_MEMORY;
    for (KGNNInt b = 0; b < M->depth; b++)
      if (!(M->blocks[b].node = t->E->alloc(t->E, KGNNLayerWeightsSize(node)))) return KGNN_ERR_MEMORY;
  }
  for (KGNNInt b = 0; b < M->depth; b++) {
    snprintf(p, sizeof(p), "processor.blocks.%d", (int)b);
    KGNN_TRY(edge->tensors(edge, t, p, H, &M->blocks[b].edge));
    snprintf(p, sizeof(p), "processor.blocks.%d.node_model", (int)b);
    KGNN_TRY(node->tensors(node, t, p, H, M->blocks[b].node));
  }
  return KGNNWalkMLP(t, "decoder", "mlp", 0, 2, H, H, 1, 1, &M->dec);
}

KGNNErr KGNNNetTensors(const KGNNModel *M, int *n, KGNNTensor **T)
{
  KGNNWalk t = {Engine(M), NULL, 0, 0, 0};
  KGNNErr  e = Walk((KGNNModel *)M, &t); /* listing only: nothing is written */

  *n = t.n, *T = t.T;
  if (e) t.E->free(t.E, t.T), *n = 0, *T = NULL;
  return e;
}

void KGNNNetTensorsFree(const KGNNModel *M, KGNNTensor *T)
{
  Engine(M)->free(Engine(M), T);
}

KGNNErr KGNNLayerTensors(const KGNNEngine *E, const KGNNLayer *L, KGNNInt H, int alloc, void *w, int *n, KGNNTensor **T)
{
  KGNNWalk t = {E, NULL, 0, 0, alloc};
  KGNNErr  e = L->tensors(L, &t, "layer", H, w);
  *n = t.n, *T = t.T;
  return e;
}

void KGNNLayerTensorsFree(const KGNNEngine *E, int n, KGNNTensor *T)
{
  for (int k = 0; k < n; k++) E->free(E, T[k].data);
  E->free(E, T);
}

KGNNErr KGNNNetSetUp(KGNNModel *M)
{
  KGNNWalk t = {Engine(M), NULL, 0, 0, 1};
  KGNNErr  e;

  M->edge_in = M->positional ? 2 : 1;
  if (!KGNNLayerAt(M->node_model) || KGNNLayerAt(M->node_model)->role != KGNN_LAYER_NODE) return KGNN_ERR_UNKNOWN;
  if (M->depth < 0 || M->hidden < 1) return KGNN_ERR_ARGUMENT;
  e = KGNNWorkspaceCreate(t.E, &M->ws);
  if (!e) e = Walk(M, &t);
  t.E->free(t.E, t.T);
  return e;
}

KGNNErr KGNNNetDuplicate(const KGNNModel *M, KGNNModel *G)
{
  memset(G, 0, sizeof(*G));
  G->node_model   = M->node_model;
  G->depth        = M->depth;
  G->hidden       = M->hidden;
  G->positional   = M->positional;
  G->virtual_node = M->virtual_node;
  G->jacobi       = M->jacobi;
  G->engine       = M->engine;
  return KGNNNetSetUp(G);
}

KGNNErr KGNNNetCopy(const KGNNModel *from, KGNNModel *to)
{
  int         n = 0, m = 0;
  KGNNTensor *A = NULL, *B = NULL;
  KGNNErr     e = KGNNNetTensors(from, &n, &A);

  if (!e) e = KGNNNetTensors(to, &m, &B);
  if (!e && n != m) e = KGNN_ERR_SHAPE;
  for (int k = 0; !e && k < n; k++) {
    if (A[k].size != B[k].size || strcmp(A[k].name, B[k].name)) e = KGNN_ERR_SHAPE;
    else Engine(to)->copy(Engine(to), B[k].data, A[k].data, (size_t)A[k].size);
  }
  if (A) KGNNNetTensorsFree(from, A);
  if (B) KGNNNetTensorsFree(to, B);
  return e;
}

void KGNNNetDestroy(KGNNModel *M)
{
  const KGNNEngine *E = Engine(M);
  int               n = 0;
  KGNNTensor       *T = NULL;

  if (M->ws) { /* set up: every tensor was allocated, or is NULL after a failed set-up */
    if (M->blocks || !M->depth) {
      if (!KGNNNetTensors(M, &n, &T))
        for (int k = 0; k < n; k++) E->free(E, T[k].data);
      E->free(E, T);
    }
    for (KGNNInt b = 0; M->blocks && b < M->depth; b++) E->free(E, M->blocks[b].node);
    KGNNWorkspaceDestroy(E, &M->ws);
  }
  E->free(E, M->blocks);
  memset(M, 0, sizeof(*M));
}

/* A fresh model as PyTorch would start it, from our own generator (KGNNRandom) so that a seed
   gives the same weights on every machine: torch.nn.Linear's U(-1/sqrt(in), 1/sqrt(in)) for
   weights and biases, PyG's glorot U(-sqrt(6/(in+out)), ..) for GATv2's linears and att. */
KGNNErr KGNNNetInitialize(KGNNModel *M, KGNNRandom *r)
{
  int         n = 0;
  KGNNTensor *T = NULL;

  KGNN_TRY(KGNNNetTensors(M, &n, &T));
  for (int k = 0; k < n; k++) {
    KGNNTensor *x = &T[k];
    KGNNReal    bound;
    if (x->init == KGNN_INIT_ZERO) bound = 0;
    else if (x->init == KGNN_INIT_GLOROT) bound = x->rank == 3 ? sqrt(6.0 / (1 + x->dims[2])) : sqrt(6.0 / (KGNNReal)(x->dims[0] + x->dims[1]));
    else bound = 1.0 / sqrt((KGNNReal)x->fan_in);
    for (KGNNInt i = 0; i < x->size; i++) x->data[i] = bound * (2 * KGNNRandomUniform(r) - 1);
  }
  KGNNNetTensorsFree(M, T);
  return KGNN_OK;
}
