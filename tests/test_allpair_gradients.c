/* Backward of the all-pair attention (src/model/allpair.c) against central finite differences
   in float64: q, k, v and every node feature, on a batch of two graphs whose nodes interleave
   (so per-graph sums must follow batch[], not node ranges); to the tolerance TestGradients
   derives (tests/testutil.h). Also: the batch equals each graph run alone, the gradient of h
   adds, and the plain forward equals the cached one bit for bit (the same operations in the
   same order). Compiles the internal sources itself.
   Batch against alone, derived: BLAS blocks a gemm by its row count, so the two order their
   sums differently; each sum has at most K = max(H, NN) terms (q.k over H features, softmax and
   value sums over a graph's nodes) and is exact for inputs perturbed by gamma_K relative. With
   kappa, the outputs' relative change per relative change of W and h (measured: all of them
   times 1 + delta0 r, delta0 = 1e-8), |alone - batch| <= F kappa gamma_K max|out|, F = 10 (as in
   TestNetworkOnFixture). */
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
  PetscReal        W[3][H * H], gW[3][H * H], h[NN * H], R[NN * H], dh[NN * H], out[NN * H], out2[NN * H], base[4][NN * H], tol;
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
  { /* kappa of the derivation above */
    const PetscReal delta0 = 1e-8;
    PetscReal       keep[4][NN * H], pout[NN * H], d = 0, omax = 0;
    uint64_t        r = 0x2545F4914F6CDD1DULL;
    for (int p = 0; p < 4; p++)
      for (int k = 0; k < sizes[p]; k++) {
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        keep[p][k] = params[p][k];
        params[p][k] *= 1 + ((r >> 11) & 1 ? delta0 : -delta0);
      }
    PetscCall(KGNNAllPairForward(&ap, H, &G, h, pout));
    for (int p = 0; p < 4; p++)
      for (int k = 0; k < sizes[p]; k++) params[p][k] = keep[p][k];
    for (int k = 0; k < NN * H; k++) d = PetscMax(d, PetscAbsReal(pout[k] - out[k])), omax = PetscMax(omax, PetscAbsReal(out[k]));
    tol = 10 * (d / omax / delta0) * TestGamma(PetscMax(H, NN)) * omax;
  }
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
      for (int a = 0; a < H; a++)
        CHECK(PetscAbsReal(os[i * H + a] - out[idx[i] * H + a]) <= tol, "graph %d alone differs from the batch at node %d by %.2e > %.2e", gr, (int)idx[i], (double)PetscAbsReal(os[i * H + a] - out[idx[i] * H + a]), (double)tol);
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
