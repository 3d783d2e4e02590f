/* Backward of the all-pair attention (src/model/allpair.c) against central finite differences
   in float64: q, k, v and every node feature, on a batch of two graphs whose nodes interleave
   (so per-graph sums must follow batch[], not node ranges); relative error < 1e-6. Also: the
   batch equals each graph run alone (1e-14), the gradient of h adds, and the plain forward
   equals the cached one bit for bit. Compiles the internal sources itself. */
#include "testutil.h"
#include "../src/model/mlp.c"
#include "../src/model/allpair.c"

#define H 3
#define NN 7

static const PetscInt batch[NN] = {0, 1, 0, 0, 1, 1, 0};

typedef struct {
  const KGNNAllPair *ap;
  const KGNNGraph   *G;
  const PetscReal   *h, *R;
} Ctx;

static PetscReal Loss(void *ptr)
{
  Ctx             *x = (Ctx *)ptr;
  KGNNAllPairCache c = NULL;
  PetscReal        out[NN * H], s = 0;

  if (KGNNAllPairForwardCached(x->ap, H, x->G, x->h, out, &c)) return NAN;
  for (int k = 0; k < NN * H; k++) s += x->R[k] * out[k];
  if (KGNNAllPairCacheDestroy(&c)) return NAN;
  return s;
}

int main(int argc, char **argv)
{
  PetscReal        W[3][H * H], gW[3][H * H], h[NN * H], R[NN * H], dh[NN * H], out[NN * H], out2[NN * H], base[4][NN * H];
  KGNNAllPair      ap = {{H, H, W[0], NULL}, {H, H, W[1], NULL}, {H, H, W[2], NULL}}, g = {{H, H, gW[0], NULL}, {H, H, gW[1], NULL}, {H, H, gW[2], NULL}};
  KGNNGraph        G = {NN, 0, NULL, NULL, NULL, 2, batch};
  KGNNAllPairCache c = NULL;
  PetscRandom      rnd;
  PetscReal       *params[4] = {W[0], W[1], W[2], h}, *grads[4] = {gW[0], gW[1], gW[2], dh};
  const int        sizes[4] = {H * H, H * H, H * H, NN * H};
  const char      *names[4] = {"q.W", "k.W", "v.W", "h"};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1, 1));
  PetscCall(PetscRandomSetSeed(rnd, 43));
  PetscCall(PetscRandomSeed(rnd));
  for (int p = 0; p < 4; p++)
    for (int k = 0; k < sizes[p]; k++) PetscCall(PetscRandomGetValueReal(rnd, &params[p][k]));
  for (int k = 0; k < NN * H; k++) PetscCall(PetscRandomGetValueReal(rnd, &R[k]));
  PetscCall(KGNNAllPairForwardCached(&ap, H, &G, h, out, &c));
  PetscCall(KGNNAllPairForward(&ap, H, &G, h, out2));
  CHECK(!memcmp(out, out2, sizeof(out)), "KGNNAllPairForward and KGNNAllPairForwardCached differ");
  for (int gr = 0; gr < 2; gr++) { /* each graph alone */
    PetscReal hs[NN * H], os[NN * H];
    PetscInt  idx[NN], cnt = 0;
    KGNNGraph one = {0, 0, NULL, NULL, NULL, 1, NULL};
    for (int i = 0; i < NN; i++)
      if (batch[i] == gr) idx[cnt++] = i;
    for (int i = 0; i < cnt; i++)
      for (int a = 0; a < H; a++) hs[i * H + a] = h[idx[i] * H + a];
    one.n = cnt;
    PetscCall(KGNNAllPairForward(&ap, H, &one, hs, os));
    for (int i = 0; i < cnt; i++)
      for (int a = 0; a < H; a++) CHECK(PetscAbsReal(os[i * H + a] - out[idx[i] * H + a]) < 1e-14, "graph %d alone differs from the batch at node %d", gr, (int)idx[i]);
  }
  for (int p = 0; p < 4; p++)
    for (int k = 0; k < sizes[p]; k++) {
      PetscCall(PetscRandomGetValueReal(rnd, &base[p][k]));
      grads[p][k] = base[p][k];
    }
  PetscCall(KGNNAllPairBackward(&ap, H, &G, h, c, R, dh, &g));
  PetscCall(KGNNAllPairCacheDestroy(&c));
  for (int p = 0; p < 4; p++)
    for (int k = 0; k < sizes[p]; k++) grads[p][k] -= base[p][k];
  {
    Ctx ctx = {&ap, &G, h, R};
    PetscCall(TestGradients(Loss, &ctx, 4, params, grads, sizes, names));
  }
  PetscCall(PetscRandomDestroy(&rnd));
  TEST_END();
}
