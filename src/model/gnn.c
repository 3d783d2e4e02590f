/* Forward pass of the PCGNN network (share/doc/model.md, the paper's Sec. 6.1): encoder MLPs for
   nodes (input: ones) and edges (input: A_ij / max|A|, and the -1/0/+1 position of Appendix B
   when enabled), `depth` graph-network blocks (edge model, then node model, each residual), and
   an edge decoder with one output. Only the current activations are kept: O(nnz x hidden). */
#include "model.h"

const char *KGNNNodeModelName(KGNNNodeModel m)
{
  const char *names[] = {"MLPNodeModel", "MessagePassingMLP", "GATv2", "GEN", "GraphTransformer", "GlobalGraphTransformer"};
  return names[m];
}

/* KGNN_NODE_* from its name; -1 if none */
PetscErrorCode KGNNNodeModelFromName(const char *name, KGNNNodeModel *m)
{
  PetscFunctionBegin;
  *m = (KGNNNodeModel)-1;
  for (int k = 0; k <= KGNN_NODE_GLOBAL; k++)
    if (!strcmp(name, KGNNNodeModelName((KGNNNodeModel)k))) *m = (KGNNNodeModel)k;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Appendix A: one virtual node per graph (index n + g for graph g) joined both ways to every
   node of its graph, i -> v for all i, then v -> i, appended after the real edges; their inputs
   are 0 and they never enter L */
static PetscErrorCode AddVirtualNodes(const KGNNGraph *G, KGNNGraph *V, PetscInt **snd, PetscInt **rcv, PetscReal **a, PetscInt **batch)
{
  const PetscInt n = G->n, m = G->nnz, ng = G->batch ? G->ngraphs : 1;

  PetscFunctionBegin;
  PetscCall(PetscMalloc3(m + 2 * n, snd, m + 2 * n, rcv, m + 2 * n, a));
  PetscCall(PetscMalloc1(n + ng, batch));
  PetscCall(PetscArraycpy(*snd, G->sender, m));
  PetscCall(PetscArraycpy(*rcv, G->receiver, m));
  PetscCall(PetscArraycpy(*a, G->a, m));
  for (PetscInt i = 0; i < n; i++) {
    const PetscInt v = n + (G->batch ? G->batch[i] : 0);
    (*snd)[m + i] = i, (*rcv)[m + i] = v, (*a)[m + i] = 0;
    (*snd)[m + n + i] = v, (*rcv)[m + n + i] = i, (*a)[m + n + i] = 0;
    (*batch)[i] = G->batch ? G->batch[i] : 0;
  }
  for (PetscInt g = 0; g < ng; g++) (*batch)[n + g] = g;
  *V          = *G;
  V->n        = n + ng;
  V->nnz      = m + 2 * n;
  V->sender   = *snd;
  V->receiver = *rcv;
  V->a        = *a;
  V->ngraphs  = ng;
  V->batch    = *batch;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* What the backward pass needs from the forward (kgnn-train): every block's input states and
   its layers' caches. O(depth x nnz x hidden). */
struct _n_KGNNTape {
  KGNNGraph             G; /* with the virtual nodes, if any */
  PetscInt              mreal, nblocks, *vs, *vr, *vb;
  PetscReal           **hbuf, **bbuf; /* the allocations behind hn, he and the per-block caches */
  PetscReal            *va, *xn, *xe, *zn, *an, *ze, *ae, *zd, *ad, *deg;
  PetscReal           **hn, **he;                                /* depth + 1: the states entering each block; he[b + 1] after block b's edge update */
  PetscReal           **ez, **ea, **z1, **a1, **agg, **z2, **a2; /* per block: edge model and MLP node model caches */
  KGNNGATv2Cache       *gat;
  KGNNGENCache         *gen;
  KGNNTransformerCache *tr;
  KGNNAllPairCache     *ap;
};

/* the network on G (only the first mreal edges are real and decoded): with T == NULL only the
   current activations are kept, O(nnz x hidden); with a tape T everything the backward needs */
static PetscErrorCode Forward(const KGNNModel *M, const KGNNGraph *G, PetscInt mreal, PetscReal *out, KGNNTape T)
{
  const PetscInt H = M->hidden, n = G->n, m = G->nnz, big = PetscMax(n, m), ng = G->batch ? G->ngraphs : 1;
  PetscReal     *hn, *he, *z, *tmp, *work, *ps, *pr, *agg, *deg, *x, *xn, *scale;

  PetscFunctionBegin;
  /* O(nnz x hidden): three edge-sized buffers besides the edge states */
  PetscCall(PetscMalloc5((size_t)n * H, &hn, (size_t)m * H, &he, (size_t)big * H, &z, (size_t)big * H, &tmp, (size_t)big * H, &work));
  PetscCall(PetscMalloc6((size_t)n * H, &ps, (size_t)n * H, &pr, (size_t)n * H, &agg, (size_t)n, &deg, (size_t)m * M->edge_in, &x, (size_t)ng, &scale));
  PetscCall(PetscMalloc1(n, &xn));

  /* encoder: nodes see ones; edges see A / max|A| per graph (L is defined up to scale, Sec. 6.2) */
  for (PetscInt g = 0; g < ng; g++) scale[g] = 0;
  for (PetscInt k = 0; k < mreal; k++) {
    const PetscInt g = G->batch ? G->batch[G->sender[k]] : 0;
    scale[g]         = PetscMax(scale[g], PetscAbsReal(G->a[k]));
  }
  for (PetscInt g = 0; g < ng; g++)
    if (scale[g] == 0) scale[g] = 1;
  for (PetscInt i = 0; i < n; i++) xn[i] = 1.0;
  for (PetscInt k = 0; k < m; k++) {
    x[k * M->edge_in] = G->a[k] / scale[G->batch ? G->batch[G->sender[k]] : 0];
    if (M->positional) x[k * M->edge_in + 1] = k >= mreal ? 0.0 : G->sender[k] > G->receiver[k] ? -1.0 : (G->sender[k] < G->receiver[k] ? 1.0 : 0.0);
  }
  if (T) {
    PetscCall(KGNNMLPForwardCached(&M->enc_node, n, xn, T->hn[0], T->zn, T->an));
    PetscCall(KGNNMLPForwardCached(&M->enc_edge, m, x, T->he[0], T->ze, T->ae));
    PetscCall(PetscArraycpy(T->xe, x, m * M->edge_in));
    PetscCall(PetscArraycpy(T->xn, xn, n));
  } else {
    PetscCall(KGNNMLPForward(&M->enc_node, n, xn, hn, work));
    PetscCall(KGNNMLPForward(&M->enc_edge, m, x, he, work));
  }

  /* in-degrees for the mean aggregation (the diagonal edge counts; clamped to >= 1 as PyG) */
  for (PetscInt i = 0; i < n; i++) deg[i] = 0;
  for (PetscInt k = 0; k < m; k++) deg[G->receiver[k]] += 1;
  for (PetscInt i = 0; i < n; i++) deg[i] = PetscMax(deg[i], 1.0);
  if (T) PetscCall(PetscArraycpy(T->deg, deg, n));

  for (PetscInt b = 0; b < M->depth; b++) {
    const KGNNBlock *B  = &M->blocks[b];
    PetscReal       *hb = T ? T->hn[b] : hn, *eb = T ? T->he[b] : he, *eo = T ? T->he[b + 1] : he, *ho = T ? T->hn[b + 1] : hn;
    /* edge model: e += mlp([e, h_sender, h_receiver]) */
    PetscCall(KGNNEdgeModelForward(&B->edge, H, G, eb, hb, tmp, T ? T->ez[b] : z, T ? T->ea[b] : z, ps, pr));
    for (PetscInt k = 0; k < m * H; k++) eo[k] = eb[k] + tmp[k];
    /* the last block's node states would reach nothing: the decoder reads the edges only */
    if (b == M->depth - 1) break;
    /* node model, on h and the updated e */
    if (M->node_model == KGNN_NODE_MLP) {
      PetscCall(KGNNMLPForwardCached(&B->f1, n, hb, tmp, T ? T->z1[b] : work, T ? T->a1[b] : work));
    } else if (M->node_model == KGNN_NODE_GATV2) {
      if (T) PetscCall(KGNNGATv2ForwardCached(&B->gat, H, G, hb, eo, tmp, &T->gat[b]));
      else PetscCall(KGNNGATv2Forward(&B->gat, H, G, hb, eo, tmp));
    } else if (M->node_model == KGNN_NODE_GEN) {
      if (T) PetscCall(KGNNGENForwardCached(&B->gen, H, G, hb, eo, tmp, &T->gen[b]));
      else PetscCall(KGNNGENForward(&B->gen, H, G, hb, eo, tmp));
    } else if (M->node_model == KGNN_NODE_TRANSFORMER) {
      if (T) PetscCall(KGNNTransformerForwardCached(&B->tr, H, G, hb, eo, tmp, &T->tr[b]));
      else PetscCall(KGNNTransformerForward(&B->tr, H, G, hb, eo, tmp));
    } else if (M->node_model == KGNN_NODE_GLOBAL) { /* (1 - alpha) AN + alpha GN, alpha = 1/2 */
      if (T) {
        PetscCall(KGNNAllPairForwardCached(&B->ap, H, G, hb, tmp, &T->ap[b]));
        PetscCall(KGNNGATv2ForwardCached(&B->gat, H, G, hb, eo, agg, &T->gat[b]));
      } else {
        PetscCall(KGNNAllPairForward(&B->ap, H, G, hb, tmp));
        PetscCall(KGNNGATv2Forward(&B->gat, H, G, hb, eo, agg));
      }
      for (PetscInt k = 0; k < n * H; k++) tmp[k] = 0.5 * tmp[k] + 0.5 * agg[k];
    } else { /* MessagePassingMLP */
      if (T) PetscCall(KGNNMessageMLPForward(B, H, G, eo, hb, deg, tmp, T->z1[b], T->a1[b], work, pr, T->agg[b], T->z2[b], T->a2[b]));
      else PetscCall(KGNNMessageMLPForward(B, H, G, eo, hb, deg, tmp, z, z, work, pr, agg, ps, ps));
    }
    for (PetscInt k = 0; k < n * H; k++) ho[k] = hb[k] + tmp[k];
  }
  /* virtual edges never enter L */
  if (T) PetscCall(KGNNMLPForwardCached(&M->dec, mreal, T->he[M->depth], out, T->zd, T->ad));
  else PetscCall(KGNNMLPForward(&M->dec, mreal, he, out, work));
  PetscCall(PetscFree5(hn, he, z, tmp, work));
  PetscCall(PetscFree6(ps, pr, agg, deg, x, scale));
  PetscCall(PetscFree(xn));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNModelForward(const KGNNModel *M, const KGNNGraph *G, PetscReal *out)
{
  KGNNGraph  V;
  PetscInt  *vs = NULL, *vr = NULL, *vb = NULL;
  PetscReal *va = NULL;

  PetscFunctionBegin;
  if (!M->virtual_node) PetscCall(Forward(M, G, G->nnz, out, NULL));
  else {
    PetscCall(AddVirtualNodes(G, &V, &vs, &vr, &va, &vb));
    PetscCall(Forward(M, &V, G->nnz, out, NULL));
    PetscCall(PetscFree3(vs, vr, va));
    PetscCall(PetscFree(vb));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNTapeDestroy(KGNNTape *tape)
{
  KGNNTape T = *tape;

  PetscFunctionBegin;
  if (!T) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree3(T->vs, T->vr, T->va));
  PetscCall(PetscFree(T->vb));
  PetscCall(PetscFree5(T->xn, T->xe, T->zn, T->an, T->ze));
  PetscCall(PetscFree5(T->ae, T->zd, T->ad, T->deg, T->hn));
  PetscCall(PetscFree(T->he));
  for (PetscInt b = 0; b < T->nblocks + 1; b++) { PetscCall(PetscFree(T->hbuf[b])); }
  for (PetscInt b = 0; b < T->nblocks; b++) {
    PetscCall(PetscFree(T->bbuf[b]));
    if (T->gat[b]) PetscCall(KGNNGATv2CacheDestroy(&T->gat[b]));
    if (T->gen[b]) PetscCall(KGNNGENCacheDestroy(&T->gen[b]));
    if (T->tr[b]) PetscCall(KGNNTransformerCacheDestroy(&T->tr[b]));
    if (T->ap[b]) PetscCall(KGNNAllPairCacheDestroy(&T->ap[b]));
  }
  PetscCall(PetscFree4(T->gat, T->gen, T->tr, T->ap));
  PetscCall(PetscFree3(T->hbuf, T->bbuf, T->ez));
  PetscCall(PetscFree6(T->ea, T->z1, T->a1, T->agg, T->z2, T->a2));
  PetscCall(PetscFree(T));
  *tape = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The forward pass for training: out (G->nnz values) and the tape for KGNNModelBackward */
PetscErrorCode KGNNModelForwardTape(const KGNNModel *M, const KGNNGraph *G, PetscReal *out, KGNNTape *tape)
{
  KGNNTape T;
  PetscInt n, m, D = M->depth, H = M->hidden;

  PetscFunctionBegin;
  PetscCall(PetscNew(&T));
  T->nblocks = D;
  T->mreal   = G->nnz;
  if (M->virtual_node) PetscCall(AddVirtualNodes(G, &T->G, &T->vs, &T->vr, &T->va, &T->vb));
  else T->G = *G;
  n = T->G.n, m = T->G.nnz;
  PetscCall(PetscMalloc5(n, &T->xn, (size_t)m * M->edge_in, &T->xe, (size_t)n * H, &T->zn, (size_t)n * H, &T->an, (size_t)m * H, &T->ze));
  PetscCall(PetscMalloc5((size_t)m * H, &T->ae, (size_t)G->nnz * H, &T->zd, (size_t)G->nnz * H, &T->ad, n, &T->deg, D + 1, &T->hn));
  PetscCall(PetscMalloc1(D + 1, &T->he));
  PetscCall(PetscCalloc4(D, &T->gat, D, &T->gen, D, &T->tr, D, &T->ap));
  PetscCall(PetscCalloc3(D + 1, &T->hbuf, D, &T->bbuf, D, &T->ez));
  PetscCall(PetscCalloc6(D, &T->ea, D, &T->z1, D, &T->a1, D, &T->agg, D, &T->z2, D, &T->a2));
  for (PetscInt b = 0; b <= D; b++) { /* one allocation per block: h and e */
    PetscCall(PetscMalloc1((size_t)(n + m) * H, &T->hbuf[b]));
    T->hn[b] = T->hbuf[b], T->he[b] = T->hbuf[b] + (size_t)n * H;
  }
  for (PetscInt b = 0; b < D; b++) { /* and the layer caches: edge z, a; the MLP node models' (not in the last block, whose node model is not run) */
    const PetscBool node = b < D - 1, mp = node && M->node_model == KGNN_NODE_MESSAGE_MLP, ml = node && M->node_model == KGNN_NODE_MLP;
    size_t          sz = 2 * (size_t)m * H + (mp ? 2 * (size_t)m * H + 3 * (size_t)n * H : ml ? 2 * (size_t)n * H : 0);
    PetscReal      *p;
    PetscCall(PetscMalloc1(sz, &T->bbuf[b]));
    p        = T->bbuf[b];
    T->ez[b] = p, p += (size_t)m * H;
    T->ea[b] = p, p += (size_t)m * H;
    if (mp) {
      T->z1[b]  = p, p += (size_t)m * H;
      T->a1[b]  = p, p += (size_t)m * H;
      T->agg[b] = p, p += (size_t)n * H;
      T->z2[b]  = p, p += (size_t)n * H;
      T->a2[b]  = p;
    } else if (ml) {
      T->z1[b] = p, p += (size_t)n * H;
      T->a1[b] = p;
    }
  }
  PetscCall(Forward(M, &T->G, G->nnz, out, T));
  *tape = T;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Block b's node model, h_{b+1} = h_b + node(h_b, e_{b+1}): from dN (d/d h_{b+1}), dN becomes
   d/d h_b and dE gains d/d e_{b+1}; the weight gradients add into g */
static PetscErrorCode NodeModelBackward(const KGNNModel *M, KGNNTape T, PetscInt b, PetscReal *dN, PetscReal *dE, KGNNBlock *g, PetscReal *dt, PetscReal *eb, PetscReal *work, PetscReal *nwork)
{
  const KGNNGraph *G = &T->G;
  const KGNNBlock *B = &M->blocks[b];
  const PetscInt   H = M->hidden, n = G->n, m = G->nnz;

  PetscFunctionBegin;
  PetscCall(PetscArraycpy(dt, dN, n * H));
  if (M->node_model == KGNN_NODE_MLP) {
    PetscCall(KGNNMLPBackward(&B->f1, n, T->hn[b], T->z1[b], T->a1[b], dt, nwork, &g->f1, work));
    for (PetscInt k = 0; k < n * H; k++) dN[k] += nwork[k];
  } else if (M->node_model == KGNN_NODE_GATV2) {
    PetscCall(KGNNGATv2Backward(&B->gat, H, G, T->hn[b], T->he[b + 1], T->gat[b], dt, dN, dE, &g->gat));
  } else if (M->node_model == KGNN_NODE_GEN) {
    PetscCall(KGNNGENBackward(&B->gen, H, G, T->hn[b], T->he[b + 1], T->gen[b], dt, dN, dE, &g->gen));
  } else if (M->node_model == KGNN_NODE_TRANSFORMER) {
    PetscCall(KGNNTransformerBackward(&B->tr, H, G, T->hn[b], T->he[b + 1], T->tr[b], dt, dN, dE, &g->tr));
  } else if (M->node_model == KGNN_NODE_GLOBAL) {
    for (PetscInt k = 0; k < n * H; k++) dt[k] *= 0.5;
    PetscCall(KGNNAllPairBackward(&B->ap, H, G, T->hn[b], T->ap[b], dt, dN, &g->ap));
    PetscCall(KGNNGATv2Backward(&B->gat, H, G, T->hn[b], T->he[b + 1], T->gat[b], dt, dN, dE, &g->gat));
  } else {
    PetscCall(KGNNMessageMLPBackward(B, H, G, T->he[b + 1], T->hn[b], T->deg, T->z1[b], T->a1[b], T->agg[b], T->z2[b], T->a2[b], dt, eb, dN, g, work, nwork));
    for (PetscInt k = 0; k < m * H; k++) dE[k] += eb[k];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The backward pass from dout (d loss / d out, G->nnz values): the weight gradients ADD into
   grad (a model of the same architecture, KGNNModelDuplicate). Blocks in reverse; each residual
   passes its gradient through and adds the layer's. */
PetscErrorCode KGNNModelBackward(const KGNNModel *M, KGNNTape T, const PetscReal *dout, KGNNModel *grad)
{
  const KGNNGraph *G = &T->G;
  const PetscInt   H = M->hidden, n = G->n, m = G->nnz, big = PetscMax(n, m);
  PetscReal       *dN, *dE, *dt, *eb, *work, *nwork;

  PetscFunctionBegin;
  PetscCall(PetscCalloc2((size_t)n * H, &dN, (size_t)m * H, &dE));
  PetscCall(PetscMalloc4((size_t)n * H, &dt, (size_t)m * H, &eb, 2 * (size_t)big * H, &work, 3 * (size_t)n * H, &nwork));
  PetscCall(KGNNMLPBackward(&M->dec, T->mreal, T->he[M->depth], T->zd, T->ad, dout, dE, &grad->dec, work)); /* virtual edges: 0 */
  for (PetscInt b = M->depth - 1; b >= 0; b--) {
    const KGNNBlock *B = &M->blocks[b];
    KGNNBlock       *g = &grad->blocks[b];
    /* the last block's node model was not run (KGNNModelForwardTape): its gradient is 0 */
    if (b < M->depth - 1) PetscCall(NodeModelBackward(M, T, b, dN, dE, g, dt, eb, work, nwork));
    /* e_{b+1} = e_b + edge(e_b, h_b) */
    PetscCall(KGNNEdgeModelBackward(&B->edge, H, G, T->he[b], T->hn[b], T->ez[b], T->ea[b], dE, eb, dN, &g->edge, work, nwork));
    for (PetscInt k = 0; k < m * H; k++) dE[k] += eb[k];
  }
  PetscCall(KGNNMLPBackward(&M->enc_edge, m, T->xe, T->ze, T->ae, dE, NULL, &grad->enc_edge, work));
  PetscCall(KGNNMLPBackward(&M->enc_node, n, T->xn, T->zn, T->an, dN, NULL, &grad->enc_node, work));
  PetscCall(PetscFree2(dN, dE));
  PetscCall(PetscFree4(dt, eb, work, nwork));
  PetscFunctionReturn(PETSC_SUCCESS);
}
