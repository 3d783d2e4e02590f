/* Backward of the GATv2 node model (src/model/gatv2.c) against central finite differences in
   float64: lin_l, lin_r (weights and biases), lin_edge, att and bias, every node and edge
   feature, on a small graph with nodes of in-degree 4, 2, 1 and 0; to the tolerance
   TestGradients derives (tests/testutil.h). The gradients start from nonzero arrays (the
   backward adds), and the plain forward equals the cached one bit for bit (the same operations
   in the same order). Compiles the internal sources itself. */
#include "testutil.h"
#include "../src/model/mlp.c"
#include "../src/model/gatv2.c"

#define H 3
#define NN 5
#define M 9

/* in-degrees 4, 1, 2, 2, 0: node 4 receives nothing */
static const PetscInt snd[M] = {0, 1, 1, 2, 3, 4, 4, 3, 2}, rcv[M] = {0, 0, 2, 1, 3, 3, 0, 0, 2};

typedef struct {
  const KGNNGATv2 *g;
  const KGNNGraph *G;
  const PetscReal *h, *e, *R;
} Ctx;

static PetscReal Loss(void *ptr)
{
  Ctx           *x = (Ctx *)ptr;
  KGNNGATv2Cache c = NULL;
  PetscReal      out[NN * H], s = 0;

  if (KGNNGATv2ForwardCached(x->g, H, x->G, x->h, x->e, out, &c)) return NAN;
  for (int k = 0; k < NN * H; k++) s += x->R[k] * out[k];
  if (KGNNGATv2CacheDestroy(&c)) return NAN;
  return s;
}

int main(int argc, char **argv)
{
  PetscReal      W[3][H * H], b[2][H], att[H], bias[H], gW[3][H * H], gb[2][H], gatt[H], gbias[H], h[NN * H], e[M * H], R[NN * H], dh[NN * H], de[M * H], out[NN * H], out2[NN * H], zmin;
  PetscReal      base[11][M * H];
  KGNNGATv2      g  = {{H, H, W[0], b[0]}, {H, H, W[1], b[1]}, {H, H, W[2], NULL}, att, bias};
  KGNNGATv2      gg = {{H, H, gW[0], gb[0]}, {H, H, gW[1], gb[1]}, {H, H, gW[2], NULL}, gatt, gbias};
  KGNNGraph      G  = {NN, M, snd, rcv, NULL, 1, NULL};
  KGNNGATv2Cache c  = NULL;
  PetscRandom    rnd;
  PetscReal     *params[10] = {W[0], b[0], W[1], b[1], W[2], att, bias, e, h, NULL}, *grads[10] = {gW[0], gb[0], gW[1], gb[1], gW[2], gatt, gbias, de, dh, NULL};
  const int      sizes[9] = {H * H, H, H * H, H, H * H, H, H, M * H, NN * H};
  const char    *names[9] = {"lin_l.W", "lin_l.b", "lin_r.W", "lin_r.b", "lin_edge.W", "att", "bias", "e", "h"};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1, 1));
  PetscCall(PetscRandomSetSeed(rnd, 41));
  PetscCall(PetscRandomSeed(rnd));
  do { /* no attention pre-activation near LeakyReLU's kink */
    for (int p = 0; p < 9; p++)
      for (int k = 0; k < sizes[p]; k++) PetscCall(PetscRandomGetValueReal(rnd, &params[p][k]));
    for (int k = 0; k < NN * H; k++) PetscCall(PetscRandomGetValueReal(rnd, &R[k]));
    PetscCall(KGNNGATv2ForwardCached(&g, H, &G, h, e, out, &c));
    zmin = PETSC_MAX_REAL;
    for (int k = 0; k < M; k++)
      for (int f = 0; f < H; f++) zmin = PetscMin(zmin, PetscAbsReal(Pre(c, &G, k, f)));
  } while (zmin < TEST_KINK);

  PetscCall(KGNNGATv2Forward(&g, H, &G, h, e, out2));
  CHECK(!memcmp(out, out2, sizeof(out)), "KGNNGATv2Forward and KGNNGATv2ForwardCached differ");
  for (int p = 0; p < 9; p++)
    for (int k = 0; k < sizes[p]; k++) {
      PetscCall(PetscRandomGetValueReal(rnd, &base[p][k]));
      grads[p][k] = base[p][k];
    }
  PetscCall(KGNNGATv2Backward(&g, H, &G, h, e, c, R, dh, de, &gg));
  PetscCall(KGNNGATv2CacheDestroy(&c));
  CHECK(!c, "KGNNGATv2CacheDestroy leaves the cache non-NULL");
  for (int p = 0; p < 9; p++)
    for (int k = 0; k < sizes[p]; k++) grads[p][k] -= base[p][k];
  {
    Ctx ctx = {&g, &G, h, e, R};
    PetscCall(TestGradients(Loss, &ctx, 9, params, grads, sizes, names));
  }
  PetscCall(PetscRandomDestroy(&rnd));
  TEST_END();
}
