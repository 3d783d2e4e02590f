/* Backward of the GEN node model (src/model/gen.c) against central finite differences in
   float64: both weights of its bias-free MLP, every node and edge feature, on a small graph
   with nodes of in-degree 4, 2, 1 and 0; to the tolerance TestGradients derives
   (tests/testutil.h). The gradients start from nonzero arrays (the backward adds), and the plain
   forward must equal the cached one bit for bit (the same operations in the same order).
   Compiles the internal sources itself. */
#include "testutil.h"
#include "../src/model/mlp.c"
#include "../src/model/gen.c"

#define H 3
#define HID (2 * H)
#define NN 5
#define M 9

/* in-degrees 4, 1, 2, 2, 0: node 4 receives nothing */
static const PetscInt snd[M] = {0, 1, 1, 2, 3, 4, 4, 3, 2}, rcv[M] = {0, 0, 2, 1, 3, 3, 0, 0, 2};

typedef struct {
  const KGNNMLP   *mlp;
  const KGNNGraph *G;
  const PetscReal *h, *e, *R;
} Ctx;

static PetscReal Loss(void *ptr)
{
  Ctx         *x = (Ctx *)ptr;
  KGNNGENCache c = NULL;
  PetscReal    out[NN * H], s = 0;

  if (KGNNGENForwardCached(x->mlp, H, x->G, x->h, x->e, out, &c)) return NAN;
  for (int k = 0; k < NN * H; k++) s += x->R[k] * out[k];
  if (KGNNGENCacheDestroy(&c)) return NAN;
  return s;
}

int main(int argc, char **argv)
{
  PetscReal    W1[HID * H], W2[H * HID], gW1[HID * H], gW2[H * HID], h[NN * H], e[M * H], R[NN * H], dh[NN * H], de[M * H], out[NN * H], out2[NN * H], zmin;
  PetscReal    base[4][M * H]; /* what the gradients start from */
  KGNNMLP      mlp = {{H, HID, W1, NULL}, {HID, H, W2, NULL}}, g = {{H, HID, gW1, NULL}, {HID, H, gW2, NULL}};
  KGNNGraph    G = {NN, M, snd, rcv, NULL, 1, NULL};
  KGNNGENCache c = NULL;
  PetscRandom  rnd;
  PetscReal   *params[4] = {W1, W2, e, h}, *grads[4] = {gW1, gW2, de, dh};
  const int    sizes[4] = {HID * H, H * HID, M * H, NN * H};
  const char  *names[4] = {"l1.W", "l2.W", "e", "h"};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1, 1));
  PetscCall(PetscRandomSetSeed(rnd, 37));
  PetscCall(PetscRandomSeed(rnd));
  do { /* no message input h_j + e_k and no MLP pre-activation near ReLU's kink */
    for (int p = 0; p < 4; p++)
      for (int k = 0; k < sizes[p]; k++) PetscCall(PetscRandomGetValueReal(rnd, &params[p][k]));
    for (int k = 0; k < NN * H; k++) PetscCall(PetscRandomGetValueReal(rnd, &R[k]));
    PetscCall(KGNNGENForwardCached(&mlp, H, &G, h, e, out, &c)); /* from the second pass on, *c is non-NULL on entry */
    zmin = PETSC_MAX_REAL;
    for (int k = 0; k < M; k++)
      for (int ch = 0; ch < H; ch++) zmin = PetscMin(zmin, PetscAbsReal(h[snd[k] * H + ch] + e[k * H + ch]));
    for (int k = 0; k < NN * HID; k++) zmin = PetscMin(zmin, PetscAbsReal(c->z[k]));
  } while (zmin < TEST_KINK);

  PetscCall(KGNNGENForward(&mlp, H, &G, h, e, out2));
  CHECK(!memcmp(out, out2, sizeof(out)), "KGNNGENForward and KGNNGENForwardCached differ");

  for (int p = 0; p < 4; p++)
    for (int k = 0; k < sizes[p]; k++) {
      PetscCall(PetscRandomGetValueReal(rnd, &base[p][k]));
      grads[p][k] = base[p][k];
    }
  PetscCall(KGNNGENBackward(&mlp, H, &G, h, e, c, R, dh, de, &g));
  PetscCall(KGNNGENCacheDestroy(&c));
  CHECK(!c, "KGNNGENCacheDestroy leaves the cache non-NULL");
  for (int p = 0; p < 4; p++)
    for (int k = 0; k < sizes[p]; k++) grads[p][k] -= base[p][k];
  {
    Ctx ctx = {&mlp, &G, h, e, R};
    PetscCall(TestGradients(Loss, &ctx, 4, params, grads, sizes, names));
  }
  PetscCall(PetscRandomDestroy(&rnd));
  TEST_END();
}
