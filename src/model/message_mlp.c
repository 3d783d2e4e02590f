/* The MessagePassingMLP node model (the paper's Sec. 6.1), forward and backward side by side:
   m_k = f1([h_receiver, e_k]) on every edge k, agg_i = mean of m_k over the edges into i,
   out_i = f2([h_i, agg_i]); both first layers applied by parts (node part once per node). */
#include "model.h"

/* caches: z1, a1 = relu(z1) (m x Hh), msg (m x H), agg (n x H), z2, a2 (n x Hh); pr: n x Hh.
   For inference a1 may be z1 and a2 z2. */
PetscErrorCode KGNNMessageMLPForward(const KGNNBlock *B, PetscInt H, const KGNNGraph *G, const PetscReal *he, const PetscReal *hn, const PetscReal *deg, PetscReal *out, PetscReal *z1, PetscReal *a1, PetscReal *msg, PetscReal *pr, PetscReal *agg,
                                     PetscReal *z2, PetscReal *a2)
{
  const PetscInt m = G->nnz, n = G->n, H1 = B->f1.l1.out, H2 = B->f2.l1.out;

  PetscFunctionBegin;
  PetscCall(KGNNLinearBlock(&B->f1.l1, H, H, m, he, z1, PETSC_FALSE, PETSC_TRUE));
  PetscCall(KGNNLinearBlock(&B->f1.l1, 0, H, n, hn, pr, PETSC_FALSE, PETSC_FALSE));
  for (PetscInt k = 0; k < m; k++)
    for (PetscInt c = 0; c < H1; c++) z1[k * H1 + c] += pr[G->receiver[k] * H1 + c];
  for (PetscInt k = 0; k < m * H1; k++) a1[k] = z1[k] > 0 ? z1[k] : 0.0;
  PetscCall(KGNNLinearForward(&B->f1.l2, m, a1, msg));
  for (PetscInt k = 0; k < n * H; k++) agg[k] = 0;
  for (PetscInt k = 0; k < m; k++)
    for (PetscInt c = 0; c < H; c++) agg[G->receiver[k] * H + c] += msg[k * H + c];
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt c = 0; c < H; c++) agg[i * H + c] /= deg[i];
  PetscCall(KGNNLinearBlock(&B->f2.l1, 0, H, n, hn, z2, PETSC_FALSE, PETSC_TRUE));
  PetscCall(KGNNLinearBlock(&B->f2.l1, H, H, n, agg, z2, PETSC_TRUE, PETSC_FALSE));
  for (PetscInt k = 0; k < n * H2; k++) a2[k] = z2[k] > 0 ? z2[k] : 0.0;
  PetscCall(KGNNLinearForward(&B->f2.l2, n, a2, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* From dout (n x H): weight gradients accumulate in g (f1, f2), dhe = d/d e (m x H, set),
   dhn += d/d h (n x H). work: m x max(H, Hh) twice; nwork: n x max(H, Hh) three times. */
PetscErrorCode KGNNMessageMLPBackward(const KGNNBlock *B, PetscInt H, const KGNNGraph *G, const PetscReal *he, const PetscReal *hn, const PetscReal *deg, const PetscReal *z1, const PetscReal *a1, const PetscReal *agg, const PetscReal *z2,
                                      const PetscReal *a2, const PetscReal *dout, PetscReal *dhe, PetscReal *dhn, KGNNBlock *g, PetscReal *work, PetscReal *nwork)
{
  const PetscInt m = G->nnz, n = G->n, H1 = B->f1.l1.out, H2 = B->f2.l1.out, W = PetscMax(H, PetscMax(H1, H2));
  PetscReal     *dz1 = work, *dmsg = work + (size_t)m * W;
  PetscReal     *dz2 = nwork, *dagg = nwork + (size_t)n * W, *dp = nwork + 2 * (size_t)n * W;

  PetscFunctionBegin;
  /* f2 */
  PetscCall(KGNNLinearBackward(&B->f2.l2, n, a2, dout, dz2, g->f2.l2.W, g->f2.l2.b));
  for (PetscInt k = 0; k < n * H2; k++) dz2[k] = z2[k] > 0 ? dz2[k] : 0.0;
  KGNNBiasBackward(H2, n, dz2, g->f2.l1.b);
  PetscCall(KGNNLinearBlockBackward(&B->f2.l1, 0, H, n, hn, dz2, dp, g->f2.l1.W));
  for (PetscInt k = 0; k < n * H; k++) dhn[k] += dp[k];
  PetscCall(KGNNLinearBlockBackward(&B->f2.l1, H, H, n, agg, dz2, dagg, g->f2.l1.W));
  /* the mean over the edges into each node */
  for (PetscInt k = 0; k < m; k++)
    for (PetscInt c = 0; c < H; c++) dmsg[k * H + c] = dagg[G->receiver[k] * H + c] / deg[G->receiver[k]];
  /* f1 */
  PetscCall(KGNNLinearBackward(&B->f1.l2, m, a1, dmsg, dz1, g->f1.l2.W, g->f1.l2.b));
  for (PetscInt k = 0; k < m * H1; k++) dz1[k] = z1[k] > 0 ? dz1[k] : 0.0;
  KGNNBiasBackward(H1, m, dz1, g->f1.l1.b);
  PetscCall(KGNNLinearBlockBackward(&B->f1.l1, H, H, m, he, dz1, dhe, g->f1.l1.W));
  for (PetscInt k = 0; k < n * H1; k++) dz2[k] = 0; /* reused: dz1 scattered to the receivers */
  for (PetscInt k = 0; k < m; k++)
    for (PetscInt c = 0; c < H1; c++) dz2[G->receiver[k] * H1 + c] += dz1[k * H1 + c];
  PetscCall(KGNNLinearBlockBackward(&B->f1.l1, 0, H, n, hn, dz2, dp, g->f1.l1.W));
  for (PetscInt k = 0; k < n * H; k++) dhn[k] += dp[k];
  PetscFunctionReturn(PETSC_SUCCESS);
}
