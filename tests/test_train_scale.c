/* kgnn-train -scale jacobi (KGNNBatchJacobi, src/train/batch.c) on a batch of three
   synthetic samples (Eq. 8, tridiagonal, target y = the exact Cholesky factor), each first moved
   to D A D, D y (d_i in 1e-2 .. 1e2: a diagonal far from constant, still with its exact factor):
   1. the scaled batch is S A S with unit diagonal and its target S y is the exact factor of it:
      (S y)(S y)^T = S A S on the pattern, checked entry by entry. Each side is a sum of at most 2
      products of scaled numbers; a_ij / (d_i d_j) with d_i = fl(sqrt(a_ii)) carries 3 roundings,
      y_ij / d_i 2 (twice in each product of y's), and the exact y of Eq. 8 the round-off of
      Cholesky's recurrence on the scaled-back matrix (its rows scaled by d_i: 2 roundings): so
      |difference| <= SAFETY gamma_12 (|S y| |S y|^T)_ij, SAFETY = 10 as in test_kaporin_loss.c.
   2. -loss kaporin is invariant (K(L^-1 A L^-T) over Jacobi's K is unchanged by A -> S A S,
      L -> S L): the loss of the scaled batch at S q equals that of the unscaled batch at q, q the
      target with its lower entries times 1 + 0.2 r. Exact traces (n <= 256); both sides compute
      the same quantity by the same solves on inputs that differ by round-off, so the tolerance
      is test_kaporin_loss.c's for the batch loss, SAFETY gamma_2n (1 + mean |log| of the terms),
      twice (two sides). A mistake in the target's scaling (S^-1 y or y S, for example) moves the
      loss by O(1/n sum |log d_i|), far above it, and so does forgetting to scale A. */
#include "testutil.h"
#include "train/train.h"

#define SAFETY 10

static PetscErrorCode MoveSample(KGNNSample *s, PetscRandom rnd)
{
  PetscReal *d;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(s->n, &d));
  for (PetscInt i = 0; i < s->n; i++) {
    PetscReal u;
    PetscCall(PetscRandomGetValueReal(rnd, &u));
    d[i] = PetscPowReal(10.0, 4 * u - 2);
  }
  for (PetscInt k = 0; k < s->nnz; k++) s->a[k] *= d[s->row[k]] * d[s->col[k]], s->y[k] *= d[s->row[k]];
  PetscCall(PetscFree(d));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  const PetscInt ns[3] = {12, 40, 100};
  KGNNSample     s[3], *sp[3] = {&s[0], &s[1], &s[2]};
  KGNNBatch      B, U;
  PetscRandom    rnd;
  PetscReal     *q, *p, l0, l1, terms = 0, tol, worst = 0;
  KGNNRandom     r = {3};
  PetscInt       m;

  PetscFunctionBeginUser;
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetSeed(rnd, 23));
  PetscCall(PetscRandomSeed(rnd));
  for (int g = 0; g < 3; g++) {
    PetscCall(KGNNSyntheticSample(ns[g], 0.5, 1.5, rnd, &s[g]));
    PetscCall(MoveSample(&s[g], rnd));
  }
  PetscCall(KGNNBatchCreate(3, sp, &U));
  PetscCall(KGNNBatchCreate(3, sp, &B));
  PetscCall(KGNNBatchJacobi(&B));
  m = B.G.nnz;

  /* 1. (S y)(S y)^T = S A S on the tridiagonal pattern; L(i, i-1) is edge i -> i-1 */
  for (int g = 0; g < 3; g++) {
    const PetscInt e0 = B.eptr[g], e1 = B.eptr[g + 1], n0 = B.nptr[g], n = B.nptr[g + 1] - n0;
    PetscReal     *dg, *sub; /* the scaled target: L_ii, L_i,i-1 */
    PetscCall(PetscCalloc2(n, &dg, n, &sub));
    for (PetscInt k = e0; k < e1; k++) {
      const PetscInt i = B.sender[k] - n0, j = B.receiver[k] - n0;
      if (i == j) dg[i] = B.y[k];
      else if (j == i - 1) sub[i] = B.y[k];
    }
    for (PetscInt k = e0; k < e1; k++) {
      const PetscInt i = B.sender[k] - n0, j = B.receiver[k] - n0;
      PetscReal      llt, mag;
      if (i == j) llt = dg[i] * dg[i] + sub[i] * sub[i], mag = llt;
      else {
        const PetscInt hi = PetscMax(i, j), lo = PetscMin(i, j);
        llt = sub[hi] * dg[lo], mag = PetscAbsReal(llt);
      }
      CHECK(PetscAbsReal(llt - B.a[k]) <= SAFETY * TestGamma(12) * mag, "sample %d, entry (%d, %d): (S y)(S y)^T = %.17g, S A S = %.17g", g, (int)i, (int)j, (double)llt, (double)B.a[k]);
      if (i == j) CHECK(PetscAbsReal(B.a[k] - 1) <= 4 * TestGamma(1), "sample %d: (S A S)_%d%d = %.17g, not 1", g, (int)i, (int)i, (double)B.a[k]);
      worst = PetscMax(worst, PetscAbsReal(llt - B.a[k]) / (TestGamma(12) * mag));
    }
    PetscCall(PetscFree2(dg, sub));
  }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "scaled target against the scaled matrix: largest |(Sy)(Sy)^T - SAS| / (gamma_12 |Sy||Sy|^T) = %.2f (tolerance %d)\n", (double)worst, SAFETY));

  /* 2. -loss kaporin: the scaled batch at S q against the unscaled batch at q */
  PetscCall(PetscMalloc2(m, &q, m, &p));
  for (PetscInt k = 0; k < m; k++) q[k] = U.sender[k] >= U.receiver[k] ? U.y[k] * (1 + 0.2 * (2 * KGNNRandomUniform(&r) - 1)) : 0;
  for (PetscInt k = 0; k < m; k++) p[k] = q[k] * (B.y[k] != 0 && U.y[k] != 0 ? B.y[k] / U.y[k] : 0); /* S q: s_i = (S y)_ij / y_ij on row i */
  for (int g = 0; g < 3; g++)
    for (PetscInt k = U.eptr[g]; k < U.eptr[g + 1]; k++)
      if (U.sender[k] == U.receiver[k]) terms += (2 * PetscAbsReal(PetscLogReal(PetscAbsReal(q[k]))) + PetscAbsReal(PetscLogReal(U.a[k]))) / ns[g] / 3;
  {
    KGNNRandom r0 = {99}, r1 = {99};
    PetscCall(KGNNBatchLoss(&U, KGNN_LOSS_KAPORIN, q, NULL, &r0, &l0, NULL));
    PetscCall(KGNNBatchLoss(&B, KGNN_LOSS_KAPORIN, p, NULL, &r1, &l1, NULL));
  }
  tol = 2 * SAFETY * TestGamma(2 * 100) * (1 + terms);
  CHECK(PetscAbsReal(l1 - l0) <= tol, "-loss kaporin: scaled batch %.17g, unscaled %.17g (differ by %.2e > %.2e)", (double)l1, (double)l0, (double)PetscAbsReal(l1 - l0), (double)tol);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "-loss kaporin: scaled %.15f, unscaled %.15f, differ by %.1e (tolerance %.1e)\n", (double)l1, (double)l0, (double)PetscAbsReal(l1 - l0), (double)tol));
  { /* the check can fail: the target scaled the wrong way (S^-1 q) */
    KGNNRandom r1 = {99};
    PetscReal  lw;
    for (PetscInt k = 0; k < m; k++) p[k] = q[k] * (B.y[k] != 0 && U.y[k] != 0 ? U.y[k] / B.y[k] : 0);
    PetscCall(KGNNBatchLoss(&B, KGNN_LOSS_KAPORIN, p, NULL, &r1, &lw, NULL));
    CHECK(PetscAbsReal(lw - l0) > 100 * tol, "-loss kaporin with S^-1 q: %.17g, not far from %.17g: the check cannot fail", (double)lw, (double)l0);
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "-loss kaporin with the target scaled the wrong way: differs by %.2g\n", (double)PetscAbsReal(lw - l0)));
  }
  PetscCall(PetscFree2(q, p));
  PetscCall(KGNNBatchDestroy(&B));
  PetscCall(KGNNBatchDestroy(&U));
  for (int g = 0; g < 3; g++) PetscCall(KGNNSampleDestroy(&s[g]));
  PetscCall(PetscRandomDestroy(&rnd));
  if (test_failures) PetscCall(PetscPrintf(PETSC_COMM_SELF, "%d check(s) failed\n", test_failures));
  PetscCall(PetscFinalize());
  return test_failures ? 1 : 0;
}
