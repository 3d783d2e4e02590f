/* GATv2 node model (Brody, Alon, Yahav 2021) as PyTorch Geometric's GATv2Conv computes it with
   heads = 1, add_self_loops = False (the diagonal edges are already in the graph) and edge
   features: for an edge j -> i, score = att . LeakyReLU_0.2(lin_r h_i + lin_l h_j + lin_edge e_ji),
   softmax over the edges into i (minus the maximum, plus 1e-16 in the sum, as PyG), and
   out_i = bias + sum_j alpha_ji lin_l h_j. A node with no incoming edge outputs the bias. */
#include "model.h"

PetscErrorCode KGNNGATv2Forward(const KGNNGATv2 *g, PetscInt H, const KGNNGraph *G, const PetscReal *h, const PetscReal *e, PetscReal *out)
{
  const PetscInt n = G->n, m = G->nnz;
  PetscReal     *xl, *xr, *ee, *score, *smax;

  PetscFunctionBegin;
  PetscCall(PetscMalloc3((size_t)n * H, &xl, (size_t)n * H, &xr, (size_t)m * H, &ee));
  PetscCall(PetscMalloc2(m, &score, n, &smax));
  PetscCall(KGNNLinearForward(&g->lin_l, n, h, xl));
  PetscCall(KGNNLinearForward(&g->lin_r, n, h, xr));
  PetscCall(KGNNLinearForward(&g->lin_edge, m, e, ee));
  for (PetscInt k = 0; k < m; k++) {
    const PetscReal *a = xr + G->receiver[k] * H, *b = xl + G->sender[k] * H, *c = ee + k * H;
    PetscReal        s = 0;
    for (PetscInt f = 0; f < H; f++) {
      PetscReal z = a[f] + b[f] + c[f];
      s += g->att[f] * (z > 0 ? z : 0.2 * z);
    }
    score[k] = s;
  }
  KGNNScatterSoftmax(m, n, 1, G->receiver, score, smax);
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt f = 0; f < H; f++) out[i * H + f] = g->bias[f];
  for (PetscInt k = 0; k < m; k++) {
    for (PetscInt f = 0; f < H; f++) out[G->receiver[k] * H + f] += score[k] * xl[G->sender[k] * H + f];
  }
  PetscCall(PetscFree3(xl, xr, ee));
  PetscCall(PetscFree2(score, smax));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNGATv2Destroy(KGNNGATv2 *g)
{
  PetscFunctionBegin;
  PetscCall(KGNNLinearDestroy(&g->lin_l));
  PetscCall(KGNNLinearDestroy(&g->lin_r));
  PetscCall(KGNNLinearDestroy(&g->lin_edge));
  PetscCall(PetscFree2(g->att, g->bias));
  PetscFunctionReturn(PETSC_SUCCESS);
}
