/* Forward and backward of the PCGNN network (share/doc/model.md, the paper's Sec. 6.1): encoder
   MLPs for nodes (input: ones) and edges (input: A_ij / max|A|, and the -1/0/+1 position of
   Appendix B when enabled), `depth` graph-network blocks (edge model, then node model, each
   residual), and an edge decoder with one output.
   Memory: one arena per use, carved by Layout and kept in the model's workspace between calls
   (grown only when a graph needs more): the tape's for training (every block's states and
   caches, O(depth x nnz x hidden)) and a scratch one for inference, where every block's states
   and caches are the same slices (O(nnz x hidden)). Inference and training run the same code
   (Run); no allocation once the arenas are big enough. */
#include "net.h"
#include <string.h>

struct KGNNWorkspace {
  KGNNPlan iplan, tplan;     /* the last graph of inference and of training */
  char    *scratch, *arena;  /* inference's and the tape's arenas */
  size_t   nscratch, narena; /* their sizes in bytes */
  int      tape_alive;       /* the arena is in use by a tape */
};

struct _n_KGNNTape {
  const KGNNModel *M;
  KGNNWorkspace   *ws;
  KGNNPlan        *P, own_plan; /* the workspace's plan, or the tape's own when a tape was alive already */
  char            *own_arena;
  KGNNReal       **hn, **he; /* depth + 1: the states entering each block; he[b + 1] after block b's edge update */
  void           **ecache, **ncache;
  KGNNReal        *xn, *xe, *zn, *an, *ze, *ae, *zd, *ad, *tmp, *work;
  KGNNReal        *dN, *dE, *dt; /* the backward's: d/d h, d/d e, the node model's dout */
  int              training;
};

static const KGNNEngine *Engine(const KGNNModel *M)
{
  return M->engine ? M->engine : KGNNEngineCPU();
}

KGNNErr KGNNWorkspaceCreate(const KGNNEngine *E, KGNNWorkspace **ws)
{
  if (*ws) return KGNN_OK;
  *ws = E->alloc(E, sizeof(**ws));
  return *ws ? KGNN_OK : KGNN_ERR_MEMORY;
}

void KGNNWorkspaceDestroy(const KGNNEngine *E, KGNNWorkspace **ws)
{
  if (!*ws) return;
  KGNNPlanDestroy(&(*ws)->iplan);
  KGNNPlanDestroy(&(*ws)->tplan);
  E->free(E, (*ws)->scratch);
  E->free(E, (*ws)->arena);
  E->free(E, *ws);
  *ws = NULL;
}

/* Frees the inference arena (the plans stay, for a re-setup on the same pattern): for a caller
   that runs the network once and then keeps the model for a long time, as PCGNN does between its
   setup and the next, where an arena held through the solve would cost O(nnz x hidden) for
   nothing */
void KGNNNetReleaseScratch(const KGNNModel *M)
{
  KGNNWorkspace *ws = M->ws;
  if (!ws) return;
  Engine(M)->free(Engine(M), ws->scratch);
  ws->scratch  = NULL;
  ws->nscratch = 0;
}

/* slices of an arena: with base NULL only the size is counted */
typedef struct {
  char  *base;
  size_t off;
} Cursor;

static void *Take(Cursor *c, size_t bytes)
{
  void *p = c->base ? c->base + c->off : NULL;
  c->off += KGNNRound(bytes);
  return p;
}

/* the tape's slices for model M on plan P; training: every block its own states and caches,
   and the backward's arrays; inference: one of each */
static size_t Layout(const KGNNModel *M, const KGNNPlan *P, int training, char *base, KGNNTape T)
{
  const KGNNLayer   *node = KGNNLayerAt(M->node_model), *edge = &KGNNLayerEdgeModel;
  const size_t       H = M->hidden, n = P->G.n, m = P->G.nnz, mr = P->mreal, D = M->depth, big = KGNNMax(n, m);
  const size_t       ec = edge->cache_size(edge, M->hidden, P, training), nc = node->cache_size(node, M->hidden, P, training);
  const size_t       rows = training ? big : KGNNMin(big, KGNN_ROWS); /* the row-wise MLPs' hidden values (layer.h) */
  const size_t       work = KGNNMax(KGNNMax(edge->work_size(edge, M->hidden, P, training), node->work_size(node, M->hidden, P, training)), rows * H);
  Cursor             c    = {base, 0};
  struct _n_KGNNTape dummy;

  if (!T) T = &dummy;
  T->training = training;
  T->hn       = Take(&c, (D + 1) * sizeof(KGNNReal *));
  T->he       = Take(&c, (D + 1) * sizeof(KGNNReal *));
  T->ecache   = Take(&c, (D + 1) * sizeof(void *));
  T->ncache   = Take(&c, (D + 1) * sizeof(void *));
  T->xn       = Take(&c, n * sizeof(KGNNReal));
  T->xe       = Take(&c, m * M->edge_in * sizeof(KGNNReal));
  /* the layers' out: training, the edge model's m rows or an edge-writing node model's n + m;
     inference, the node model's n rows (the edge rows go into e in place, KGNNLayerCtx.eres), and
     a lower-only plan's decoded edges */
  T->tmp = Take(&c, (training ? (node->writes_edges ? n + m : big) * H : KGNNMax(n * H, mr)) * sizeof(KGNNReal));
  T->work     = Take(&c, work * sizeof(KGNNReal));
  if (training) { /* the encoders' and the decoder's caches */
    T->zn = Take(&c, n * H * sizeof(KGNNReal));
    T->an = Take(&c, n * H * sizeof(KGNNReal));
    T->ze = Take(&c, m * H * sizeof(KGNNReal));
    T->ae = Take(&c, m * H * sizeof(KGNNReal));
    T->zd = Take(&c, mr * H * sizeof(KGNNReal));
    T->ad = Take(&c, mr * H * sizeof(KGNNReal));
  } else if (base) /* inference: they live before and after the blocks, in the layers' scratch (ReLU in place) */
    T->zn = T->an = T->ze = T->ae = T->zd = T->ad = T->work;
  for (size_t b = 0; b <= D; b++) {
    if (b && !training) { /* inference: in place */
      if (base) T->hn[b] = T->hn[0], T->he[b] = T->he[0], T->ecache[b] = T->ecache[0], T->ncache[b] = T->ncache[0];
      continue;
    }
    KGNNReal *h = Take(&c, n * H * sizeof(KGNNReal)), *e = Take(&c, m * H * sizeof(KGNNReal));
    void     *ca = NULL, *cn = NULL;
    if (!training) ca = cn = D ? Take(&c, KGNNMax(ec, nc)) : NULL;               /* inference: no backward reads a cache, the node model's may overwrite the edge model's */
    else ca = b < D ? Take(&c, ec) : NULL, cn = b + 1 < D || (b < D && node->writes_edges) ? Take(&c, nc) : NULL; /* the last block's node model is not run (unless it writes edges) */
    if (base) T->hn[b] = h, T->he[b] = e, T->ecache[b] = ca, T->ncache[b] = cn;
  }
  T->dN = training ? Take(&c, n * H * sizeof(KGNNReal)) : NULL;
  T->dE = training ? Take(&c, m * H * sizeof(KGNNReal)) : NULL;
  T->dt = training ? Take(&c, (node->writes_edges ? n + m : n) * H * sizeof(KGNNReal)) : NULL;
  return c.off;
}

/* the network on plan P into tape T (only the first mreal edges are real and decoded) */
static KGNNErr Run(const KGNNModel *M, const KGNNPlan *P, KGNNTape T, KGNNReal *out)
{
  const KGNNEngine *E    = Engine(M);
  const KGNNLayer  *node = KGNNLayerAt(M->node_model), *edge = &KGNNLayerEdgeModel;
  const KGNNGraph  *G = &P->G;
  const KGNNInt     H = M->hidden, n = G->n, m = G->nnz, ei = M->edge_in;
  KGNNLayerCtx      x = {E, P, H, T->work, T->training, NULL};

  /* encoder: nodes see ones; edges see A / max|A| per graph (L is defined up to scale, Sec. 6.2) */
  E->fill(E, (size_t)n, 1.0, T->xn);
  E->edge_input(E, m, ei, M->positional != KGNN_NO, P->mreal, G->a, P->scale, P->batch, G->sender, G->receiver, T->xe);
  KGNN_TRY(KGNNMLPForwardRows(E, &M->enc_node, n, T->xn, T->hn[0], T->zn, T->an, T->training));
  KGNN_TRY(KGNNMLPForwardRows(E, &M->enc_edge, m, T->xe, T->he[0], T->ze, T->ae, T->training));
  for (KGNNInt b = 0; b < M->depth; b++) {
    const KGNNBlock *B  = &M->blocks[b];
    KGNNReal        *hb = T->hn[b], *eb = T->he[b], *eo = T->he[b + 1], *ho = T->hn[b + 1];
    /* edge model: e += mlp([e, h_sender, h_receiver]) (inference: by the layer, in place) */
    if (T->training) {
      KGNN_TRY(edge->forward(edge, &x, &B->edge, hb, eb, T->tmp, T->ecache[b]));
      E->add(E, (size_t)m * H, eb, T->tmp, eo);
    } else {
      KGNNLayerCtx xi = x;
      xi.eres         = eo; /* = eb */
      KGNN_TRY(edge->forward(edge, &xi, &B->edge, hb, eb, NULL, T->ecache[b]));
    }
    /* the last block's node states would reach nothing: the decoder reads the edges only */
    if (b == M->depth - 1 && !node->writes_edges) break;
    /* node model, on h and the updated e; an edge-writing one (elim.c): e += its edge rows, in
       place (its backward reads no e), by the layer itself in inference (no m x H out) */
    {
      KGNNLayerCtx xn = x;
      if (node->writes_edges && !T->training) xn.eres = eo;
      KGNN_TRY(node->forward(node, &xn, B->node, hb, eo, T->tmp, T->ncache[b]));
    }
    if (b < M->depth - 1) E->add(E, (size_t)n * H, hb, T->tmp, ho);
    if (node->writes_edges && T->training) E->add(E, (size_t)m * H, eo, T->tmp + (size_t)n * H, eo);
  }
  /* virtual edges never enter L; a lower-only plan's edges go back to their places in the input
     (T->tmp is free now), its dropped ones are 0 */
  if (!P->keep) return KGNNMLPForwardRows(E, &M->dec, P->mreal, T->he[M->depth], out, T->zd, T->ad, T->training);
  KGNN_TRY(KGNNMLPForwardRows(E, &M->dec, P->mreal, T->he[M->depth], T->tmp, T->zd, T->ad, T->training));
  E->zero(E, out, (size_t)P->min);
  E->scatter_add(E, P->mreal, 1, P->keep, T->tmp, out);
  return KGNN_OK;
}

/* the plan of G in *P: kept when G has the same pattern, values refreshed */
static KGNNErr Plan(const KGNNModel *M, const KGNNGraph *G, KGNNPlan *P)
{
  const int lower = KGNNLayerAt(M->node_model)->lower_only;
  if (KGNNPlanMatches(P, G, M->virtual_node, lower)) return KGNNPlanSetValues(P, G->a);
  KGNNPlanDestroy(P);
  {
    KGNNErr e = KGNNPlanCreate(Engine(M), G, M->virtual_node, lower, P);
    if (e) KGNNPlanDestroy(P);
    return e;
  }
}

/* an arena of at least size bytes in *a (grown, never shrunk) */
static KGNNErr Reserve(const KGNNEngine *E, char **a, size_t *have, size_t size)
{
  if (*a && *have >= size) return KGNN_OK;
  E->free(E, *a);
  *have = 0;
  if (!(*a = E->alloc(E, size))) return KGNN_ERR_MEMORY;
  *have = size;
  return KGNN_OK;
}

KGNNErr KGNNNetForward(const KGNNModel *M, const KGNNGraph *G, KGNNReal *out)
{
  KGNNWorkspace     *ws = M->ws;
  struct _n_KGNNTape T;

  if (!ws) return KGNN_ERR_ARGUMENT;
  KGNN_TRY(Plan(M, G, &ws->iplan));
  KGNN_TRY(Reserve(Engine(M), &ws->scratch, &ws->nscratch, Layout(M, &ws->iplan, 0, NULL, NULL)));
  memset(&T, 0, sizeof(T));
  Layout(M, &ws->iplan, 0, ws->scratch, &T);
  return Run(M, &ws->iplan, &T, out);
}

void KGNNNetTapeDestroy(KGNNTape *tape)
{
  KGNNTape T = *tape;
  if (!T) return;
  {
    const KGNNEngine *E = Engine(T->M);
    if (T->P == &T->own_plan) KGNNPlanDestroy(&T->own_plan), E->free(E, T->own_arena);
    else T->ws->tape_alive = 0;
    E->free(E, T);
  }
  *tape = NULL;
}

/* The forward pass for training: out (G->nnz values) and the tape for KGNNNetBackward. The tape
   uses the model's arena, or (when another tape is alive on this model) its own. */
KGNNErr KGNNNetForwardTape(const KGNNModel *M, const KGNNGraph *G, KGNNReal *out, KGNNTape *tape)
{
  const KGNNEngine *E  = Engine(M);
  KGNNWorkspace    *ws = M->ws;
  KGNNTape          T;
  char             *arena;
  KGNNErr           e;

  *tape = NULL;
  if (!ws) return KGNN_ERR_ARGUMENT;
  if (!(T = E->alloc(E, sizeof(*T)))) return KGNN_ERR_MEMORY;
  T->M = M, T->ws = ws;
  if (!ws->tape_alive) {
    T->P = &ws->tplan, ws->tape_alive = 1;
    e = Plan(M, G, T->P);
    if (!e) e = Reserve(E, &ws->arena, &ws->narena, Layout(M, T->P, 1, NULL, NULL));
    arena = ws->arena;
  } else {
    T->P = &T->own_plan;
    e    = KGNNPlanCreate(E, G, M->virtual_node, KGNNLayerAt(M->node_model)->lower_only, T->P);
    if (!e && !(T->own_arena = E->alloc(E, Layout(M, T->P, 1, NULL, NULL)))) e = KGNN_ERR_MEMORY;
    arena = T->own_arena;
  }
  if (!e) {
    Layout(M, T->P, 1, arena, T);
    e = Run(M, T->P, T, out);
  }
  if (e) KGNNNetTapeDestroy(&T);
  *tape = T;
  return e;
}

/* The backward pass from dout (d loss / d out, G->nnz values): the weight gradients ADD into
   grad (a model of the same architecture, KGNNNetDuplicate). Blocks in reverse; each residual
   passes its gradient through and adds the layer's. */
KGNNErr KGNNNetBackward(const KGNNModel *M, KGNNTape T, const KGNNReal *dout, KGNNModel *grad)
{
  const KGNNEngine *E    = Engine(M);
  const KGNNLayer  *node = KGNNLayerAt(M->node_model), *edge = &KGNNLayerEdgeModel;
  const KGNNPlan   *P;
  KGNNInt           H, n, m;
  KGNNLayerCtx      x;

  if (!T || T->M != M || grad->node_model != M->node_model || grad->depth != M->depth || grad->hidden != M->hidden || grad->edge_in != M->edge_in) return KGNN_ERR_SHAPE;
  P = T->P, H = M->hidden, n = P->G.n, m = P->G.nnz;
  x = (KGNNLayerCtx){E, P, H, T->work, 1, NULL};
  E->zero(E, T->dN, (size_t)n * H);
  E->zero(E, T->dE, (size_t)m * H);
  if (P->keep) { /* a lower-only plan: its edges' part of dout (the dropped edges' outputs are constant) */
    E->zero(E, T->tmp, (size_t)P->mreal);
    E->gather_add(E, P->mreal, 1, P->keep, dout, NULL, NULL, T->tmp);
    dout = T->tmp;
  }
  KGNN_TRY(KGNNMLPBackward(E, &M->dec, P->mreal, T->he[M->depth], T->zd, T->ad, dout, T->dE, &grad->dec, T->work)); /* virtual edges: 0 */
  for (KGNNInt b = M->depth - 1; b >= 0; b--) {
    const KGNNBlock *B = &M->blocks[b];
    KGNNBlock       *g = &grad->blocks[b];
    /* h_{b+1} = h_b + node(h_b, e_{b+1}); the last block's node model was not run: gradient 0 */
    if (b < M->depth - 1 || node->writes_edges) {
      E->copy(E, T->dt, T->dN, (size_t)n * H);
      if (node->writes_edges) E->copy(E, T->dt + (size_t)n * H, T->dE, (size_t)m * H);
      KGNN_TRY(node->backward(node, &x, B->node, T->hn[b], T->he[b + 1], T->ncache[b], T->dt, T->dN, T->dE, g->node));
    }
    /* e_{b+1} = e_b + edge(e_b, h_b) */
    KGNN_TRY(edge->backward(edge, &x, &B->edge, T->hn[b], T->he[b], T->ecache[b], T->dE, T->dN, T->dE, &g->edge));
  }
  KGNN_TRY(KGNNMLPBackward(E, &M->enc_edge, m, T->xe, T->ze, T->ae, T->dE, NULL, &grad->enc_edge, T->work));
  return KGNNMLPBackward(E, &M->enc_node, n, T->xn, T->zn, T->an, T->dN, NULL, &grad->enc_node, T->work);
}
