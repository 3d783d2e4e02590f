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
  PetscReal     *hn, *he, *z, *tmp, *work, *ps, *pr, *agg, *deg, *x, scale = 0;

  PetscFunctionBegin;
  /* O(nnz x hidden): three edge-sized buffers besides the edge states */
  PetscCall(PetscMalloc5((size_t)n * H, &hn, (size_t)m * H, &he, (size_t)big * H, &z, (size_t)big * H, &tmp, (size_t)big * H, &work));
  PetscCall(PetscMalloc5((size_t)n * H, &ps, (size_t)n * H, &pr, (size_t)n * H, &agg, (size_t)n, &deg, (size_t)big * 2, &x));

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
    PetscCall(KGNNEdgeModelForward(&B->edge, H, G, he, hn, tmp, z, z, ps, pr));
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
      PetscCall(KGNNAllPairForward(&B->ap, H, G, hn, tmp));
      PetscCall(KGNNGATv2Forward(&B->gat, H, G, hn, he, agg));
      for (PetscInt k = 0; k < n * H; k++) tmp[k] = 0.5 * tmp[k] + 0.5 * agg[k];
    } else { /* MessagePassingMLP */
      PetscCall(KGNNMessageMLPForward(B, H, G, he, hn, deg, tmp, z, z, work, pr, agg, ps, ps));
    }
    for (PetscInt k = 0; k < n * H; k++) hn[k] += tmp[k];
  }
  PetscCall(KGNNMLPForward(&M->dec, mreal, he, out, work)); /* virtual edges never enter L */
  PetscCall(PetscFree5(hn, he, z, tmp, work));
  PetscCall(PetscFree5(ps, pr, agg, deg, x));
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
