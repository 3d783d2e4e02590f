/* The network's forward pass timed on an engine (share/check_cuda.sh, the GPU half of the
   benchmark against PyTorch Geometric, share/python/bench_pyg_cuda.py): MessagePassingMLP,
   depth 5, hidden 16, random weights, on the 2D 5-point Poisson graph of a g x g grid, edges in
   the order of share/python/bench_pyg.py (by row, ascending columns). Prints
   `kgnn ENGINE g n nnz seconds` per grid, the median of REPS forwards after one warm-up (which
   builds the plan and the arena, as PCGNN's first setup does; later ones reuse them).
       bench_net cuda|cpu 316,1000,3162 [reps] */
#include "../../src/model/net.h"
#include "../../src/cuda/engine_cuda.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double Now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int Cmp(const void *x, const void *y)
{
  const double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

int main(int argc, char **argv)
{
  char              msg[256] = "";
  const KGNNEngine *E    = argc > 1 && !strcmp(argv[1], "cpu") ? KGNNEngineCPU() : KGNNEngineCUDA(msg, sizeof(msg));
  const int         reps = argc > 3 ? atoi(argv[3]) : 5;
  char             *list = argc > 2 ? argv[2] : "316,1000";

  if (!E) {
    printf("bench_net: %s\n", msg);
    return 1;
  }
  for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
    const long g = atol(tok), n = g * g;
    KGNNInt   *s = malloc(sizeof(KGNNInt) * 5 * n), *t = malloc(sizeof(KGNNInt) * 5 * n), m = 0;
    double    *a = malloc(sizeof(double) * 5 * n), *out, times[64];
    KGNNModel  M = {0};
    KGNNRandom r = {1};
    KGNNGraph  G;
    if (!s || !t || !a) return printf("bench_net: out of host memory at g = %ld\n", g), 1;
    for (long k = 0; k < n; k++) { /* (k, k-g), (k, k-1), (k, k), (k, k+1), (k, k+g) */
      const long i = k / g, j = k % g, c[5] = {k - g, k - 1, k, k + 1, k + g};
      const int  ok[5] = {i > 0, j > 0, 1, j < g - 1, i < g - 1};
      for (int q = 0; q < 5; q++)
        if (ok[q]) s[m] = (KGNNInt)k, t[m] = (KGNNInt)c[q], a[m] = q == 2 ? 4.0 : -1.0, m++;
    }
    G = (KGNNGraph){(KGNNInt)n, m, s, t, a, 1, NULL};
    M.node_model = KGNN_NODE_MESSAGE_MLP, M.depth = 5, M.hidden = 16, M.engine = E;
    if (KGNNNetSetUp(&M) || KGNNNetInitialize(&M, &r) || !(out = E->alloc(E, sizeof(double) * m))) return printf("bench_net: set-up failed at g = %ld\n", g), 1;
    if (KGNNNetForward(&M, &G, out) || E->sync(E)) return printf("bench_net: forward failed at g = %ld\n", g), 1;
    for (int q = 0; q < reps && q < 64; q++) {
      const double t0 = Now();
      if (KGNNNetForward(&M, &G, out) || E->sync(E)) return printf("bench_net: forward failed at g = %ld\n", g), 1;
      times[q] = Now() - t0;
    }
    qsort(times, reps, sizeof(double), Cmp);
    printf("kgnn %s %ld %ld %d %.6f\n", E->name, g, n, (int)m, times[reps / 2]);
    fflush(stdout);
    E->free(E, out), KGNNNetDestroy(&M), free(s), free(t), free(a);
  }
  return 0;
}
