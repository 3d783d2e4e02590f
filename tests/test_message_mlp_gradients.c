/* Backward of the MessagePassingMLP node model (src/model/message_mlp.c) against central finite
   differences in float64: both MLPs' weights and biases, every edge and node feature, on a small
   graph with nodes of several in-degrees (one of none); to the tolerance TestGradients derives
   (tests/testutil.h). Compiles the internal sources itself. */
#include "testutil.h"
#include "../src/model/mlp.c"
#include "../src/model/message_mlp.c"

#define H 3
#define HID 5
#define NN 5
#define M 9

static const PetscInt snd[M] = {0, 1, 1, 2, 3, 4, 4, 0, 2}, rcv[M] = {0, 0, 2, 1, 3, 3, 1, 0, 2};

typedef struct {
  PetscReal deg[NN], z1[M * HID], a1[M * HID], msg[M * H], pr[NN * HID], agg[NN * H], z2[NN * HID], a2[NN * HID], out[NN * H];
} Cache;

typedef struct {
  const KGNNBlock *B;
  const KGNNGraph *G;
  const PetscReal *he, *hn, *R;
  Cache           *c;
} Ctx;

static PetscReal LossOf(const KGNNBlock *B, const KGNNGraph *G, const PetscReal *he, const PetscReal *hn, const PetscReal *R, Cache *c)
{
  PetscReal s = 0;
  if (KGNNMessageMLPForward(B, H, G, he, hn, c->deg, c->out, c->z1, c->a1, c->msg, c->pr, c->agg, c->z2, c->a2)) return NAN;
  for (int k = 0; k < NN * H; k++) s += R[k] * c->out[k];
  return s;
}

static PetscReal Loss(void *ptr)
{
  Ctx  *x = (Ctx *)ptr;
  Cache t = *x->c; /* the forward overwrites its caches: keep the backward's */
  return LossOf(x->B, x->G, x->he, x->hn, x->R, &t);
}

int main(int argc, char **argv)
{
  static PetscReal W[4][HID * 2 * H], b[4][HID], gW[4][HID * 2 * H], gb[4][HID];
  PetscReal        he[M * H], hn[NN * H], R[NN * H], dhe[M * H], dhn[NN * H] = {0}, work[2 * M * HID], nwork[3 * NN * HID], zmin;
  KGNNBlock        B = {0}, g = {0};
  KGNNGraph        G = {NN, M, snd, rcv, NULL, 1, NULL};
  Cache            c;
  PetscRandom      rnd;
  PetscReal       *params[10], *grads[10];
  int              sizes[10];
  const char      *names[10] = {"f1.W1", "f1.b1", "f1.W2", "f1.b2", "f2.W1", "f2.b1", "f2.W2", "f2.b2", "e", "h"};
  KGNNLinear      *L[4] = {&B.f1.l1, &B.f1.l2, &B.f2.l1, &B.f2.l2}, *gL[4] = {&g.f1.l1, &g.f1.l2, &g.f2.l1, &g.f2.l2};
  const int        shape[4][2] = {{2 * H, HID}, {HID, H}, {2 * H, HID}, {HID, H}};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  for (int l = 0; l < 4; l++) {
    *L[l]         = (KGNNLinear){shape[l][0], shape[l][1], W[l], b[l]};
    *gL[l]        = (KGNNLinear){shape[l][0], shape[l][1], gW[l], gb[l]};
    params[2 * l] = W[l], params[2 * l + 1] = b[l], grads[2 * l] = gW[l], grads[2 * l + 1] = gb[l];
    sizes[2 * l] = shape[l][0] * shape[l][1], sizes[2 * l + 1] = shape[l][1];
  }
  params[8] = he, params[9] = hn, grads[8] = dhe, grads[9] = dhn, sizes[8] = M * H, sizes[9] = NN * H;
  for (int i = 0; i < NN; i++) c.deg[i] = 0;
  for (int k = 0; k < M; k++) c.deg[rcv[k]] += 1;
  for (int i = 0; i < NN; i++) c.deg[i] = PetscMax(c.deg[i], 1.0);
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1, 1));
  PetscCall(PetscRandomSetSeed(rnd, 31));
  PetscCall(PetscRandomSeed(rnd));
  do { /* no pre-activation near ReLU's kink */
    for (int p = 0; p < 10; p++)
      for (int k = 0; k < sizes[p]; k++) PetscCall(PetscRandomGetValueReal(rnd, &params[p][k]));
    for (int k = 0; k < NN * H; k++) PetscCall(PetscRandomGetValueReal(rnd, &R[k]));
    (void)LossOf(&B, &G, he, hn, R, &c);
    zmin = PETSC_MAX_REAL;
    for (int k = 0; k < M * HID; k++) zmin = PetscMin(zmin, PetscAbsReal(c.z1[k]));
    for (int k = 0; k < NN * HID; k++) zmin = PetscMin(zmin, PetscAbsReal(c.z2[k]));
  } while (zmin < TEST_KINK);
  PetscCall(KGNNMessageMLPBackward(&B, H, &G, he, hn, c.deg, c.z1, c.a1, c.agg, c.z2, c.a2, R, dhe, dhn, &g, work, nwork));
  {
    Ctx ctx = {&B, &G, he, hn, R, &c};
    PetscCall(TestGradients(Loss, &ctx, 10, params, grads, sizes, names));
  }
  PetscCall(PetscRandomDestroy(&rnd));
  TEST_END();
}
