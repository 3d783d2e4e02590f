/* The IC(0) start of an ElimOrder network (issue 12; kgnn-train -init_ic0): weights whose
   output is IC(0)'s factor of the scaled matrix, and whose other channels are free.
   The paths of the hand-set model (share/python/make_elim_fixture.py) are written over a seeded
   initialisation: channel 0 of the edge states carries a_ij, channel 1 the factor; block 0 runs
   IC(0)'s arithmetic on them and later blocks leave channel 1 alone. Every weight that reads
   another channel into these two (and into the decoder's output) is zero, so the factor is IC(0)
   whatever the other channels hold, and the others keep their random values: their gradients are
   not zero (a zero weight that reads a random channel gets one, as the zero half of a low-rank
   update does), so training can move away from IC(0) along them. From random weights ElimOrder
   reached only 31-33 CG iterations on the synthetic set; IC(0) is its exact factor there.
   The pivot floor: the layer's pivot is sqrt(phi(u . c)) with phi the identity above TAU = 1e-4
   (elim.c); u = alpha e_0, Wo = sqrt(alpha), w_diag = 1 / sqrt(alpha) with alpha = TAU / floor
   give the same factor wherever IC(0)'s pivot is above floor, and a pivot that IC(0) would make
   smaller, or negative, is held between 0 and floor instead of 1e-4 (on A's Jacobi scaling floor
   is a fraction of a_jj). */
#include "layer.h"
#include "net.h"
#include <math.h>
#include <string.h>

static KGNNTensor *Find(KGNNTensor *X, int nt, const char *name)
{
  for (int k = 0; k < nt; k++)
    if (!strcmp(X[k].name, name)) return &X[k];
  return NULL;
}

/* zero row r of a rank-2 tensor (or entry r of a rank-1 one) */
static void ZeroRow(KGNNTensor *t, KGNNInt r)
{
  const KGNNInt cols = t->rank == 1 ? 1 : t->dims[1];
  for (KGNNInt c = 0; c < cols; c++) t->data[r * cols + c] = 0;
}
static void Set(KGNNTensor *t, KGNNInt r, KGNNInt c, KGNNReal v)
{
  t->data[r * (t->rank == 1 ? 1 : t->dims[1]) + c] = v;
}

KGNNErr KGNNElimInitIC0(KGNNModel *M, KGNNRandom *r, KGNNReal floor_, KGNNReal noise, KGNNReal shift, KGNNReal damp, KGNNReal posdamp)
{
  const KGNNReal TAU = KGNNElimTau, alpha = TAU / floor_;
  const KGNNInt  H   = M->hidden;
  int            nt;
  KGNNTensor    *X;
  char           name[96];
  KGNNErr        err = KGNN_OK;

  if (H < (posdamp > 0 ? 7 : 4) || !(shift >= 0) || !(damp >= 0 && damp < 1) || !(posdamp >= 0) || !(floor_ >= TAU) || !(noise >= 0)) return KGNN_ERR_ARGUMENT;
  KGNN_TRY(KGNNNetInitialize(M, r));
  KGNN_TRY(KGNNNetTensors(M, &nt, &X));
  for (int k = 0; k < nt; k++) /* the free channels start small: a step of Adam moves every weight by about lr, and a weight that reads a large random channel into the factor would move it by that much times the channel */
    for (KGNNInt i = 0; i < X[k].size; i++) X[k].data[i] *= noise;
  {
    KGNNTensor *e0 = Find(X, nt, "encoder.edge_mlp.0.weight"), *e0b = Find(X, nt, "encoder.edge_mlp.0.bias");
    KGNNTensor *e2 = Find(X, nt, "encoder.edge_mlp.2.weight"), *e2b = Find(X, nt, "encoder.edge_mlp.2.bias");
    KGNNTensor *d0 = Find(X, nt, "decoder.mlp.0.weight"), *d0b = Find(X, nt, "decoder.mlp.0.bias");
    KGNNTensor *d2 = Find(X, nt, "decoder.mlp.2.weight"), *d2b = Find(X, nt, "decoder.mlp.2.bias");
    if (!e0 || !e0b || !e2 || !e2b || !d0 || !d0b || !d2 || !d2b || !Find(X, nt, "processor.blocks.0.node_model.w_diag")) {
      err = KGNN_ERR_UNKNOWN; /* not an ElimOrder network */
      goto done;
    }
    /* the encoder: channel 0 = relu(a) - relu(-a) = a, channel 1 = 0 */
    for (KGNNInt c = 0; c < 2; c++) ZeroRow(e0, c), ZeroRow(e0b, c), ZeroRow(e2, c), ZeroRow(e2b, c);
    Set(e0, 0, 0, 1), Set(e0, 1, 0, -1), Set(e2, 0, 0, 1), Set(e2, 0, 1, -1);
    /* channel 2 = 1 on every edge: the shift's (below) */
    ZeroRow(e0, 2), ZeroRow(e0b, 2), ZeroRow(e2, 2), Set(e2b, 2, 0, 1);
    /* channel 3 = 0: the damping's sum (below) */
    ZeroRow(e0, 3), ZeroRow(e0b, 3), ZeroRow(e2, 3), ZeroRow(e2b, 3);
    /* the decoder: relu(l) - relu(-l) of channel 1, and nothing else */
    ZeroRow(d0, 0), ZeroRow(d0, 1), ZeroRow(d0b, 0), ZeroRow(d0b, 1), ZeroRow(d2, 0), ZeroRow(d2b, 0);
    Set(d0, 0, 1, 1), Set(d0, 1, 1, -1), Set(d2, 0, 0, 1), Set(d2, 0, 1, -1);
    /* -init_ic0_posdamp: channel 4 = relu(a) (the encoder's hidden unit 0), channels 5 and 6 = 0 */
    if (posdamp > 0) {
      for (KGNNInt c = 4; c < 7; c++) ZeroRow(e0, c), ZeroRow(e0b, c), ZeroRow(e2, c), ZeroRow(e2b, c);
      Set(e2, 4, 0, 1);
    }
  }
  for (KGNNInt b = 0; b < M->depth; b++) {
    KGNNTensor *t[8];
    const char *part[8] = {"edge.2.weight", "edge.2.bias", "node_model.p.weight", "node_model.q.weight", "node_model.o.weight", "node_model.u", "node_model.w_diag", NULL};
    for (int k = 0; part[k]; k++) {
      snprintf(name, sizeof(name), "processor.blocks.%d.%s", (int)b, part[k]);
      if (!(t[k] = Find(X, nt, name))) {
        err = KGNN_ERR_UNKNOWN;
        goto done;
      }
    }
    /* the block's edge model adds nothing to channels 0-3 */
    for (KGNNInt c = 0; c < 4; c++) ZeroRow(t[0], c), ZeroRow(t[1], c);
    /* the layer: channel 1 of its output (o's row 1, w_diag[1]) is l in block 0 and 0 after it;
       row 0 of p and q is the product l_ik l_jk; u reads channel 0 alone */
    ZeroRow(t[4], 1), Set(t[6], 1, 0, 0);
    /* channel 2 stays 1 through every block (o's row 2, w_diag[2] zero), so that a later block's
       pivot can read it: u = e_2 there gives d_j = 1, and its free channels start with divisions
       by 1, not by the tiny pivots of a random u (which broke a depth-2 start at its first epoch) */
    ZeroRow(t[4], 2), Set(t[6], 2, 0, 0);
    if (b > 0) {
      ZeroRow(t[2], 2), ZeroRow(t[3], 2);
      for (KGNNInt c = 0; c < H; c++) Set(t[5], c, 0, c == 2);
    } else {
      for (KGNNInt c = 0; c < 4; c++) ZeroRow(t[2], c), ZeroRow(t[3], c);
      for (KGNNInt c = 0; c < H; c++) Set(t[5], c, 0, 0);
      Set(t[2], 0, 1, 1), Set(t[3], 0, 1, 1), Set(t[5], 0, 0, alpha), Set(t[4], 1, 0, sqrt(alpha)), Set(t[6], 1, 0, 1 / sqrt(alpha)), Set(t[5], 2, 0, alpha * shift);
      /* channel 3 of c_j is -sum_k l_jk^2 (p, q: channel 1), so u_3 = -alpha damp gives the damped
         pivot a_jj - (1 - damp) sum_k l_jk^2: a shift where the column's updates are large, none
         where it has none */
      Set(t[2], 3, 1, 1), Set(t[3], 3, 1, 1), Set(t[5], 3, 0, -alpha * damp);
      /* -init_ic0_posdamp W: channel 5 of edge (j, k) is a+_jk / l_kk (o reads channel 4, which p and
         q leave alone: c_jk's is relu(a_jk)), channel 6 of c_j is -sum_k (a+_jk / l_kk)^2 (p, q:
         channel 5), and u_6 = -alpha W adds W times it to the pivot: a shift from the positive
         entries of A alone, which an M-matrix has none of */
      if (posdamp > 0) {
        for (KGNNInt c = 4; c < 7; c++) ZeroRow(t[0], c), ZeroRow(t[1], c), ZeroRow(t[2], c), ZeroRow(t[3], c), ZeroRow(t[4], c), Set(t[6], c, 0, 0);
        Set(t[4], 5, 4, sqrt(alpha)), Set(t[2], 6, 5, 1), Set(t[3], 6, 5, 1), Set(t[5], 6, 0, -alpha * posdamp);
      }
    }
  }
done:
  KGNNNetTensorsFree(M, X);
  return err;
}
