/* Backward of the linear layer and the two-layer MLP (src/model/mlp.c, the building block of
   kgnn-train) against central finite differences in float64: every weight, bias and input of a
   random MLP, loss = sum(R * mlp(X)) for a random R, to the tolerance TestGradients derives
   (tests/testutil.h). Internal functions are not exported by libkgnn, so this unit test
   compiles mlp.c itself. */
#include "testutil.h"
#include "../src/model/mlp.c"

#define IN 5
#define HID 7
#define OUT 3
#define M 6

typedef struct {
  const KGNNMLP   *mlp;
  const PetscReal *X, *R;
} Ctx;

static PetscReal Loss(void *ptr)
{
  const Ctx       *c   = (const Ctx *)ptr;
  const KGNNMLP   *mlp = c->mlp;
  const PetscReal *X = c->X, *R = c->R;
  PetscReal        Y[M * OUT], z[M * HID], a[M * HID], s = 0;
  if (KGNNMLPForwardCached(mlp, M, X, Y, z, a)) return NAN;
  for (int k = 0; k < M * OUT; k++) s += R[k] * Y[k];
  return s;
}

int main(int argc, char **argv)
{
  PetscReal   W1[HID * IN], b1[HID], W2[OUT * HID], b2[OUT], X[M * IN], R[M * OUT];
  PetscReal   gW1[HID * IN] = {0}, gb1[HID] = {0}, gW2[OUT * HID] = {0}, gb2[OUT] = {0}, dX[M * IN];
  PetscReal   Y[M * OUT], z[M * HID], a[M * HID], work[M * HID], zmin;
  KGNNMLP     mlp = {{IN, HID, W1, b1}, {HID, OUT, W2, b2}}, g = {{IN, HID, gW1, gb1}, {HID, OUT, gW2, gb2}};
  PetscRandom rnd;
  PetscReal  *params[5] = {W1, b1, W2, b2, X}, *grads[5] = {gW1, gb1, gW2, gb2, dX};
  int         sizes[5] = {HID * IN, HID, OUT * HID, OUT, M * IN};
  const char *names[5] = {"W1", "b1", "W2", "b2", "X"};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1, 1));
  PetscCall(PetscRandomSetSeed(rnd, 17));
  PetscCall(PetscRandomSeed(rnd));
  do { /* draw until no pre-activation sits near ReLU's kink, where differences are not derivatives */
    for (int p = 0; p < 5; p++)
      for (int k = 0; k < sizes[p]; k++) PetscCall(PetscRandomGetValueReal(rnd, &params[p][k]));
    PetscCall(KGNNMLPForwardCached(&mlp, M, X, Y, z, a));
    zmin = PETSC_MAX_REAL;
    for (int k = 0; k < M * HID; k++) zmin = PetscMin(zmin, PetscAbsReal(z[k]));
  } while (zmin < TEST_KINK);
  for (int k = 0; k < M * OUT; k++) PetscCall(PetscRandomGetValueReal(rnd, &R[k]));

  PetscCall(KGNNMLPBackward(&mlp, M, X, z, a, R, dX, &g, work));
  {
    Ctx ctx = {&mlp, X, R};
    PetscCall(TestGradients(Loss, &ctx, 5, params, grads, sizes, names));
  }
  PetscCall(PetscRandomDestroy(&rnd));
  TEST_END();
}
