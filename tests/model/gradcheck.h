/* Gradient checks for the layer harness (test_layers.c), plain C: no PETSc, so that it runs in
   make model-nopetsc too. The same derivation as TestGradients in tests/testutil.h (issue 10):
   central differences of loss(ctx) in every entry of params[p] against the backward pass's
   grads[p], per entry within
     truncation h^2 |f'''| / 6: measured as |fd(2h) - fd(h)| / 3, doubled for the terms after it;
     rounding |e+ - e-| / 2h: s, the largest change of f when every input and weight moves by one
       unit of round-off (times 1 + u r, r = +-1, 8 draws), tolerance 10 s / 2h.
   h = 1e-6 balances the two; a backward pass off by 1e-8 of an O(1) gradient fails. */
#ifndef KGNN_GRADCHECK_H
#define KGNN_GRADCHECK_H

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures = 0;

#define CHECK(cond, ...)                                                                                                                                                                                                                                 \
  do {                                                                                                                                                                                                                                                   \
    if (!(cond)) {                                                                                                                                                                                                                                       \
      test_failures++;                                                                                                                                                                                                                                   \
      printf("FAIL %s:%d: ", __FILE__, __LINE__);                                                                                                                                                                                                        \
      printf(__VA_ARGS__);                                                                                                                                                                                                                               \
      printf("\n");                                                                                                                                                                                                                                      \
    }                                                                                                                                                                                                                                                    \
  } while (0)

/* gamma_K = K u / (1 - K u): a sum of K terms carries at most gamma_K relative to the sum of
   their absolute values (Higham, Sec. 3.1) */
static inline double TestGamma(double K)
{
  const double u = DBL_EPSILON / 2;
  return K * u / (1 - K * u);
}

/* draw until no pre-activation is within TEST_KINK of a ReLU's kink: a step of 2h = 2e-6 moves a
   pre-activation by a few 1e-6, so 1e-3 = 500 h keeps every difference on one side */
#define TEST_KINK 1e-3

typedef double (*TestLoss)(void *ctx);

/* a reproducible stream in [-1, 1) (splitmix64), the same on every machine */
static inline double TestUniform(uint64_t *s)
{
  uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
  z          = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z          = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return 2 * ((double)(z >> 11) * 0x1.0p-53) - 1;
}

static inline void TestCentralDifference(TestLoss loss, void *ctx, double *x, double h, double *fd, double *trunc)
{
  const double keep = *x, step[4] = {h, -h, 2 * h, -2 * h};
  double       f[4];

  for (int s = 0; s < 4; s++) {
    *x   = keep + step[s];
    f[s] = loss(ctx);
  }
  *x     = keep;
  *fd    = (f[0] - f[1]) / (2 * h);
  *trunc = 2 * fabs((f[2] - f[3]) / (4 * h) - *fd) / 3;
}

static inline double TestLossSpread(TestLoss loss, void *ctx, int np, double *const params[], const int sizes[])
{
  const double u = DBL_EPSILON / 2, f0 = loss(ctx);
  double      *saved, spread           = 0;
  int          K = 0, i;
  uint64_t     s = 0x2545F4914F6CDD1DULL;

  for (int p = 0; p < np; p++) K += sizes[p];
  saved = malloc((size_t)K * sizeof(double) + 1);
  for (int draw = 0; draw < 8; draw++) {
    i = 0;
    for (int p = 0; p < np; p++)
      for (int k = 0; k < sizes[p]; k++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17; /* xorshift64 */
        saved[i++] = params[p][k];
        params[p][k] *= 1 + ((s >> 11) & 1 ? u : -u);
      }
    spread = fmax(spread, fabs(loss(ctx) - f0));
    i      = 0;
    for (int p = 0; p < np; p++)
      for (int k = 0; k < sizes[p]; k++) params[p][k] = saved[i++];
  }
  free(saved);
  return spread;
}

/* returns the largest difference as a fraction of its tolerance */
static inline double TestGradients(const char *what, TestLoss loss, void *ctx, int np, double *const params[], double *const grads[], const int sizes[], const char *const names[])
{
  const double h     = 1e-6;
  const double round = 10 * TestLossSpread(loss, ctx, np, params, sizes) / (2 * h);
  double       worst = 0;
  int          count = 0;

  for (int p = 0; p < np; p++)
    for (int k = 0; k < sizes[p]; k++, count++) {
      double fd, trunc, err;
      TestCentralDifference(loss, ctx, &params[p][k], h, &fd, &trunc);
      err = fabs(fd - grads[p][k]);
      CHECK(err <= trunc + round, "%s: d loss / d %s[%d]: backward %.12g, central difference %.12g (differ by %.2e > %.2e: truncation %.2e, rounding %.2e)", what, names[p], k, grads[p][k], fd, err, trunc + round, trunc, round);
      worst = fmax(worst, err / (trunc + round));
    }
  printf("%s: %d gradient entries against central differences, the largest difference %.2f of its tolerance (rounding part %.2e)\n", what, count, worst, round);
  return worst;
}

#endif
