/* Backward of the GraphTransformer node model (src/model/transformer.c) against central finite
   differences in float64: the five weights and four biases, every node and edge feature, for
   loss = sum(R .* out) on a small graph with nodes of several in-degrees (one of none); to the
   tolerance TestGradients derives (tests/testutil.h). Also: the backward adds to dh and de, and
   the inference forward is the cached forward bit for bit (the same operations in the same
   order). Compiles the internal sources itself. */
#include "testutil.h"
#include "../src/model/mlp.c"
#include "../src/model/transformer.c"

#define H 3
#define NN 5
#define M 9
#define NP 11

/* in-degrees 3, 2, 1, 3, 0; a self loop and a repeated edge (0 -> 0) among them */
static const PetscInt snd[M] = {0, 1, 1, 2, 3, 4, 4, 0, 2}, rcv[M] = {0, 0, 2, 1, 3, 3, 1, 0, 3};

typedef struct {
  const KGNNTransformer *T;
  const KGNNGraph       *G;
  const PetscReal       *h, *e, *R;
} Ctx;

static PetscReal Loss(void *ptr)
{
  Ctx      *x = (Ctx *)ptr;
  PetscReal out[NN * H], s = 0;
  if (KGNNTransformerForward(x->T, H, x->G, x->h, x->e, out)) return NAN;
  for (int k = 0; k < NN * H; k++) s += x->R[k] * out[k];
  return s;
}

int main(int argc, char **argv)
{
  static PetscReal     W[5][H * H], b[4][H], gW[5][H * H], gb[4][H];
  PetscReal            h[NN * H], e[M * H], R[NN * H], dh[NN * H], de[M * H], out[NN * H], out2[NN * H], *start[NP];
  KGNNTransformer      T, g;
  KGNNGraph            G = {NN, M, snd, rcv, NULL, 1, NULL};
  KGNNTransformerCache c = NULL;
  PetscRandom          rnd;
  PetscReal           *params[NP], *grads[NP];
  int                  sizes[NP];
  const char          *names[NP] = {"key.W", "query.W", "value.W", "skip.W", "edge.W", "key.b", "query.b", "value.b", "skip.b", "h", "e"};
  KGNNLinear          *L[5] = {&T.key, &T.query, &T.value, &T.skip, &T.edge}, *gL[5] = {&g.key, &g.query, &g.value, &g.skip, &g.edge};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  for (int l = 0; l < 5; l++) { /* edge (the last) has no bias */
    *L[l]     = (KGNNLinear){H, H, W[l], l < 4 ? b[l] : NULL};
    *gL[l]    = (KGNNLinear){H, H, gW[l], l < 4 ? gb[l] : NULL};
    params[l] = W[l], grads[l] = gW[l], sizes[l] = H * H;
    if (l < 4) params[5 + l] = b[l], grads[5 + l] = gb[l], sizes[5 + l] = H;
  }
  params[9] = h, params[10] = e, grads[9] = dh, grads[10] = de, sizes[9] = NN * H, sizes[10] = M * H;
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1, 1));
  PetscCall(PetscRandomSetSeed(rnd, 37));
  PetscCall(PetscRandomSeed(rnd));
  for (int p = 0; p < NP; p++)
    for (int k = 0; k < sizes[p]; k++) PetscCall(PetscRandomGetValueReal(rnd, &params[p][k]));
  for (int k = 0; k < NN * H; k++) PetscCall(PetscRandomGetValueReal(rnd, &R[k]));

  /* the backward adds: every gradient starts from a known nonzero array, taken off afterwards */
  for (int p = 0; p < NP; p++) {
    PetscCall(PetscMalloc1(sizes[p], &start[p]));
    for (int k = 0; k < sizes[p]; k++) grads[p][k] = start[p][k] = 0.25 + 0.5 * k;
  }
  PetscCall(KGNNTransformerForwardCached(&T, H, &G, h, e, out2, &c));
  PetscCall(KGNNTransformerForwardCached(&T, H, &G, h, e, out, &c)); /* a cache in *c is replaced, not leaked */
  PetscCall(KGNNTransformerBackward(&T, H, &G, h, e, c, R, dh, de, &g));
  PetscCall(KGNNTransformerCacheDestroy(&c));
  CHECK(!c, "CacheDestroy leaves the handle NULL");
  for (int p = 0; p < NP; p++)
    for (int k = 0; k < sizes[p]; k++) grads[p][k] -= start[p][k];

  PetscCall(KGNNTransformerForward(&T, H, &G, h, e, out2));
  CHECK(!memcmp(out, out2, sizeof(out)), "KGNNTransformerForward and KGNNTransformerForwardCached differ");
  {
    PetscReal dmax = 0;
    for (int k = 0; k < NN * H; k++) dmax = PetscMax(dmax, PetscAbsReal(dh[k]));
    CHECK(dmax > 0, "d loss / d h is all zero"); /* the test would not see a missing add */
  }
  {
    Ctx ctx = {&T, &G, h, e, R};
    PetscCall(TestGradients(Loss, &ctx, NP, params, grads, sizes, names));
  }
  for (int p = 0; p < NP; p++) PetscCall(PetscFree(start[p]));
  PetscCall(PetscRandomDestroy(&rnd));
  TEST_END();
}
