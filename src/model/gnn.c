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

/* rows r of X (cols wide) copied into Y at column offset off of a row width w */
static void Gather(PetscInt m, const PetscInt *idx, const PetscReal *X, PetscInt cols, PetscReal *Y, PetscInt w, PetscInt off)
{
  for (PetscInt k = 0; k < m; k++) memcpy(Y + k * w + off, X + (idx ? idx[k] : k) * cols, (size_t)cols * sizeof(PetscReal));
}

/* Appendix A: one virtual node (index n) joined both ways to every node, i -> v for all i, then
   v -> i, appended after the real edges; their inputs are 0 and they never enter L */
static PetscErrorCode AddVirtualNode(const KGNNGraph *G, KGNNGraph *V, PetscInt **snd, PetscInt **rcv, PetscReal **a)
{
  const PetscInt n = G->n, m = G->nnz;

  PetscFunctionBegin;
  PetscCall(PetscMalloc3(m + 2 * n, snd, m + 2 * n, rcv, m + 2 * n, a));
  PetscCall(PetscArraycpy(*snd, G->sender, m));
  PetscCall(PetscArraycpy(*rcv, G->receiver, m));
  PetscCall(PetscArraycpy(*a, G->a, m));
  for (PetscInt i = 0; i < n; i++) {
    (*snd)[m + i] = i, (*rcv)[m + i] = n, (*a)[m + i] = 0;
    (*snd)[m + n + i] = n, (*rcv)[m + n + i] = i, (*a)[m + n + i] = 0;
  }
  V->n        = n + 1;
  V->nnz      = m + 2 * n;
  V->sender   = *snd;
  V->receiver = *rcv;
  V->a        = *a;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the network on G; only the first mreal edges are real (decoded) */
static PetscErrorCode Forward(const KGNNModel *M, const KGNNGraph *G, PetscInt mreal, PetscReal *out)
{
  const PetscInt H = M->hidden, n = G->n, m = G->nnz, big = PetscMax(n, m);
  PetscReal     *hn, *he, *cat, *tmp, *work, *agg, *deg, *x, scale = 0;

  PetscFunctionBegin;
  PetscCall(PetscMalloc4((size_t)n * H, &hn, (size_t)m * H, &he, (size_t)big * 3 * H, &cat, (size_t)big * H, &tmp));
  PetscCall(PetscMalloc4((size_t)big * H, &work, (size_t)n * H, &agg, (size_t)n, &deg, (size_t)big * 2, &x));

  /* encoder: nodes see ones; edges see A / max|A| (L is defined up to scale, Sec. 6.2) */
  for (PetscInt k = 0; k < mreal; k++) scale = PetscMax(scale, PetscAbsReal(G->a[k]));
  if (scale == 0) scale = 1;
  for (PetscInt i = 0; i < n; i++) x[i] = 1.0;
  PetscCall(KGNNMLPForward(&M->enc_node, n, x, hn, work));
  for (PetscInt k = 0; k < m; k++) {
    x[k * M->edge_in] = G->a[k] / scale;
    if (M->positional) x[k * M->edge_in + 1] = k >= mreal ? 0.0 : G->sender[k] > G->receiver[k] ? -1.0 : (G->sender[k] < G->receiver[k] ? 1.0 : 0.0);
  }
  PetscCall(KGNNMLPForward(&M->enc_edge, m, x, he, work));

  /* in-degrees for the mean aggregation (the diagonal edge counts; clamped to >= 1 as PyG) */
  for (PetscInt i = 0; i < n; i++) deg[i] = 0;
  for (PetscInt k = 0; k < m; k++) deg[G->receiver[k]] += 1;
  for (PetscInt i = 0; i < n; i++) deg[i] = PetscMax(deg[i], 1.0);

  for (PetscInt b = 0; b < M->depth; b++) {
    const KGNNBlock *B = &M->blocks[b];
    /* edge model: e += mlp([e, h_sender, h_receiver]) */
    Gather(m, NULL, he, H, cat, 3 * H, 0);
    Gather(m, G->sender, hn, H, cat, 3 * H, H);
    Gather(m, G->receiver, hn, H, cat, 3 * H, 2 * H);
    PetscCall(KGNNMLPForward(&B->edge, m, cat, tmp, work));
    for (PetscInt k = 0; k < m * H; k++) he[k] += tmp[k];
    /* node model */
    if (M->node_model == KGNN_NODE_MLP) {
      PetscCall(KGNNMLPForward(&B->f1, n, hn, tmp, work));
    } else if (M->node_model == KGNN_NODE_GATV2) {
      PetscCall(KGNNGATv2Forward(&B->gat, H, G, hn, he, tmp));
    } else if (M->node_model == KGNN_NODE_GEN) {
      PetscCall(KGNNGENForward(&B->gen, H, G, hn, he, tmp));
    } else if (M->node_model == KGNN_NODE_TRANSFORMER) {
      PetscCall(KGNNTransformerForward(&B->tr, H, G, hn, he, tmp));
    } else if (M->node_model == KGNN_NODE_GLOBAL) { /* (1 - alpha) AN + alpha GN, alpha = 1/2 */
      PetscCall(KGNNAllPairForward(&B->ap, H, n, hn, tmp));
      PetscCall(KGNNGATv2Forward(&B->gat, H, G, hn, he, agg));
      for (PetscInt k = 0; k < n * H; k++) tmp[k] = 0.5 * tmp[k] + 0.5 * agg[k];
    } else { /* m_k = f1([h_receiver, e_k]); h_i = f2([h_i, mean of m_k over edges into i]) */
      Gather(m, G->receiver, hn, H, cat, 2 * H, 0);
      Gather(m, NULL, he, H, cat, 2 * H, H);
      PetscCall(KGNNMLPForward(&B->f1, m, cat, tmp, work));
      for (PetscInt k = 0; k < n * H; k++) agg[k] = 0;
      for (PetscInt k = 0; k < m; k++)
        for (PetscInt c = 0; c < H; c++) agg[G->receiver[k] * H + c] += tmp[k * H + c];
      for (PetscInt i = 0; i < n; i++)
        for (PetscInt c = 0; c < H; c++) agg[i * H + c] /= deg[i];
      Gather(n, NULL, hn, H, cat, 2 * H, 0);
      Gather(n, NULL, agg, H, cat, 2 * H, H);
      PetscCall(KGNNMLPForward(&B->f2, n, cat, tmp, work));
    }
    for (PetscInt k = 0; k < n * H; k++) hn[k] += tmp[k];
  }
  PetscCall(KGNNMLPForward(&M->dec, mreal, he, out, work)); /* virtual edges never enter L */
  PetscCall(PetscFree4(hn, he, cat, tmp));
  PetscCall(PetscFree4(work, agg, deg, x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNModelForward(const KGNNModel *M, const KGNNGraph *G, PetscReal *out)
{
  KGNNGraph  V;
  PetscInt  *vs = NULL, *vr = NULL;
  PetscReal *va = NULL;

  PetscFunctionBegin;
  if (!M->virtual_node) PetscCall(Forward(M, G, G->nnz, out));
  else {
    PetscCall(AddVirtualNode(G, &V, &vs, &vr, &va));
    PetscCall(Forward(M, &V, G->nnz, out));
    PetscCall(PetscFree3(vs, vr, va));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
