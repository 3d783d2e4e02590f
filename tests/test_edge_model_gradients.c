/* Backward of the graph-network edge model, out = mlp([e, h_sender, h_receiver]) with the first
   layer applied by parts (src/model/edge_model.c), against central finite differences in
   float64: every weight and bias, every edge and node feature, on a small graph where nodes send
   and receive several edges; to the tolerance TestGradients derives (tests/testutil.h).
   Compiles the internal sources itself. */
#include "testutil.h"
#include "../src/model/mlp.c"
#include "../src/model/edge_model.c"

#define H 4
#define HID 6
#define NN 5
#define M 9

static const PetscInt snd[M] = {0, 1, 1, 2, 3, 4, 4, 0, 2}, rcv[M] = {0, 0, 2, 1, 3, 3, 1, 4, 2};

typedef struct {
  const KGNNMLP   *mlp;
  const KGNNGraph *G;
  const PetscReal *he, *hn, *R;
} Ctx;

static PetscReal Loss(void *ptr)
{
  const Ctx       *c   = (const Ctx *)ptr;
  const KGNNMLP   *mlp = c->mlp;
  const KGNNGraph *G   = c->G;
  const PetscReal *he = c->he, *hn = c->hn, *R = c->R;
  PetscReal        out[M * H], z[M * HID], a[M * HID], ps[NN * HID], pr[NN * HID], s = 0;
  if (KGNNEdgeModelForward(mlp, H, G, he, hn, out, z, a, ps, pr)) return NAN;
  for (int k = 0; k < M * H; k++) s += R[k] * out[k];
  return s;
}

int main(int argc, char **argv)
{
  PetscReal   W1[HID * 3 * H], b1[HID], W2[H * HID], b2[H], he[M * H], hn[NN * H], R[M * H];
  PetscReal   gW1[HID * 3 * H] = {0}, gb1[HID] = {0}, gW2[H * HID] = {0}, gb2[H] = {0}, dhe[M * H], dhn[NN * H] = {0};
  PetscReal   out[M * H], z[M * HID], a[M * HID], ps[NN * HID], pr[NN * HID], work[2 * M * HID], nwork[NN * HID], zmin;
  KGNNMLP     mlp = {{3 * H, HID, W1, b1}, {HID, H, W2, b2}}, g = {{3 * H, HID, gW1, gb1}, {HID, H, gW2, gb2}};
  KGNNGraph   G = {NN, M, snd, rcv, NULL, 1, NULL};
  PetscRandom rnd;
  PetscReal  *params[6] = {W1, b1, W2, b2, he, hn}, *grads[6] = {gW1, gb1, gW2, gb2, dhe, dhn};
  int         sizes[6] = {HID * 3 * H, HID, H * HID, H, M * H, NN * H};
  const char *names[6] = {"W1", "b1", "W2", "b2", "e", "h"};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1, 1));
  PetscCall(PetscRandomSetSeed(rnd, 23));
  PetscCall(PetscRandomSeed(rnd));
  do { /* no pre-activation near ReLU's kink */
    for (int p = 0; p < 6; p++)
      for (int k = 0; k < sizes[p]; k++) PetscCall(PetscRandomGetValueReal(rnd, &params[p][k]));
    PetscCall(KGNNEdgeModelForward(&mlp, H, &G, he, hn, out, z, a, ps, pr));
    zmin = PETSC_MAX_REAL;
    for (int k = 0; k < M * HID; k++) zmin = PetscMin(zmin, PetscAbsReal(z[k]));
  } while (zmin < TEST_KINK);
  for (int k = 0; k < M * H; k++) PetscCall(PetscRandomGetValueReal(rnd, &R[k]));
  PetscCall(KGNNEdgeModelBackward(&mlp, H, &G, he, hn, z, a, R, dhe, dhn, &g, work, nwork));
  {
    Ctx ctx = {&mlp, &G, he, hn, R};
    PetscCall(TestGradients(Loss, &ctx, 6, params, grads, sizes, names));
  }
  PetscCall(PetscRandomDestroy(&rnd));
  TEST_END();
}
