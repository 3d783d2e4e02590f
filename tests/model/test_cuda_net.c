/* The whole network on the CUDA engine against the CPU engine (share/check_cuda.sh runs it on a
   GPU machine; built by make cuda): every node model of the table, depth 3, positional feature
   and virtual node, on a graph with skewed degrees (a 10 x 10 grid whose node 0 is also joined to
   every node, and an isolated node), the same weights on both engines; the outputs (inference
   and the tape's forward) and every weight gradient of the backward compared, and two runs on
   the GPU give the same bits (no atomics).
   Tolerance, derived as in tests/model/test_layers.c: the engines order sums differently (BLAS
   and cuBLAS block their products differently; exp differs by up to 2 ulp), each sum of at most
   K terms exact for inputs perturbed by gamma_K relative; kappa, the relative change of the
   result per relative change of all weights and inputs, is measured on the CPU engine (all of
   them times 1 + delta0 r, r = +-1, delta0 = 1e-8), and |cuda - cpu| <= F kappa gamma_K max|x|,
   F = 10. K: the longest sum, 3H + 2 terms in a product or the n nodes of an attention for the
   outputs, the m edges of a weight gradient (dW = dY^T X) for the gradients. */
#include "../../src/model/net.h"
#include "gradcheck.h"
#if defined(KGNN_TEST_CUDA)
  #include "../../src/cuda/engine_cuda.h"
#endif

#define S 10
#define HID 8

static KGNNInt n, m, snd[8 * S * S], rcv[8 * S * S];
static double  a[8 * S * S];

static void Graph(void)
{
  n = S * S + 1; /* the last node has no edge */
  for (KGNNInt i = 0; i < S * S; i++) {
    const KGNNInt nb[5] = {i, i % S ? i - 1 : -1, i % S < S - 1 ? i + 1 : -1, i - S, i + S};
    for (int q = 0; q < 5; q++)
      if (nb[q] >= 0 && nb[q] < S * S) snd[m] = nb[q], rcv[m] = i, a[m] = q ? -1.0 : 4.5, m++;
    if (i > 1 && i != S) snd[m] = 0, rcv[m] = i, a[m] = -0.1, m++, snd[m] = i, rcv[m] = 0, a[m] = -0.1, m++;
  }
}

/* all weights of M times 1 + delta r (r = +-1 from the stream), or back (delta = 0 restores keep) */
static void Perturb(KGNNModel *M, double delta, double **keep)
{
  int         nt;
  KGNNTensor *T;
  uint64_t    r = 0x2545F4914F6CDD1DULL;
  KGNNNetTensors(M, &nt, &T);
  for (int q = 0; q < nt; q++) {
    if (!keep[q]) keep[q] = malloc(sizeof(double) * T[q].size), memcpy(keep[q], T[q].data, sizeof(double) * T[q].size);
    for (int k = 0; k < T[q].size; k++) {
      r ^= r << 13, r ^= r >> 7, r ^= r << 17;
      T[q].data[k] = keep[q][k] * (1 + ((r >> 11) & 1 ? delta : -delta));
    }
  }
  KGNNNetTensorsFree(M, T);
}

static double MaxAbs(const double *x, size_t len)
{
  double s = 0;
  for (size_t k = 0; k < len; k++) s = fmax(s, fabs(x[k]));
  return s;
}

/* forward (tape) + backward with dout = out on engine E's model, results to host arrays */
static void RunNet(KGNNModel *M, KGNNModel *G, const KGNNGraph *g, double *out, double *inf)
{
  const KGNNEngine *E = M->engine;
  double           *o = E->alloc(E, sizeof(double) * m), *oi = E->alloc(E, sizeof(double) * m);
  KGNNTape          T = NULL;
  int               nt;
  KGNNTensor       *GT;
  KGNNNetTensors(G, &nt, &GT);
  for (int q = 0; q < nt; q++) E->zero(E, GT[q].data, GT[q].size);
  KGNNNetTensorsFree(G, GT);
  CHECK(!KGNNNetForward(M, g, oi) && !KGNNNetForwardTape(M, g, o, &T) && !KGNNNetBackward(M, T, o, G) && !E->sync(E), "network on the %s engine", E->name);
  KGNNNetTapeDestroy(&T);
  E->to_host(E, out, o, sizeof(double) * m), E->to_host(E, inf, oi, sizeof(double) * m);
  E->free(E, o), E->free(E, oi);
}

/* the gradients of G flattened into g (host), their count returned */
static size_t Grads(KGNNModel *G, double *g)
{
  int         nt;
  KGNNTensor *T;
  size_t      len = 0;
  KGNNNetTensors(G, &nt, &T);
  for (int q = 0; q < nt; q++) G->engine->to_host(G->engine, g + len, T[q].data, sizeof(double) * T[q].size), len += T[q].size;
  KGNNNetTensorsFree(G, T);
  return len;
}

/* every node model on engine C against the CPU engine; returns the number of failed checks */
static int Compare(const KGNNEngine *C)
{
  const KGNNEngine *H = KGNNEngineCPU();
  const double      delta0 = 1e-8;
  const int         before = test_failures;

  for (int row = 0; row < KGNNLayerCount(); row++) {
    KGNNModel   Mh = {0}, Mc = {0}, Gh = {0}, Gc = {0};
    KGNNRandom  r = {(uint64_t)row + 11};
    KGNNGraph   g = {n, m, snd, rcv, a, 1, NULL};
    double      oh[8 * S * S], ih[8 * S * S], oc[8 * S * S], ic[8 * S * S], op[8 * S * S], ip[8 * S * S], *gh, *gc, *gp, *keep[256] = {0};
    size_t      ng;
    int         nt;
    KGNNTensor *Th, *Tc;
    if (KGNNLayerAt(row)->role != KGNN_LAYER_NODE) continue;
    Mh.node_model = (KGNNNodeModel)row, Mh.depth = 3, Mh.hidden = HID, Mh.positional = KGNN_YES, Mh.virtual_node = KGNN_YES, Mh.engine = H;
    Mc = Mh, Mc.engine = C;
    CHECK(!KGNNNetSetUp(&Mh) && !KGNNNetInitialize(&Mh, &r) && !KGNNNetSetUp(&Mc) && !KGNNNetDuplicate(&Mh, &Gh) && !KGNNNetDuplicate(&Mc, &Gc), "%s: set-up", KGNNLayerAt(row)->name);
    KGNNNetTensors(&Mh, &nt, &Th), KGNNNetTensors(&Mc, &nt, &Tc);
    for (int q = 0; q < nt; q++) C->to_engine(C, Tc[q].data, Th[q].data, sizeof(double) * Th[q].size);
    KGNNNetTensorsFree(&Mh, Th), KGNNNetTensorsFree(&Mc, Tc);
    gh = malloc(sizeof(double) * 200000), gc = malloc(sizeof(double) * 200000), gp = malloc(sizeof(double) * 200000);
    RunNet(&Mh, &Gh, &g, oh, ih), ng = Grads(&Gh, gh);
    RunNet(&Mc, &Gc, &g, oc, ic), Grads(&Gc, gc);
    { /* kappa: weights and edge values moved together */
      double   keepa[8 * S * S];
      uint64_t rr = 0x9E3779B97F4A7C15ULL;
      memcpy(keepa, a, sizeof(double) * m);
      for (KGNNInt k = 0; k < m; k++) rr ^= rr << 13, rr ^= rr >> 7, rr ^= rr << 17, a[k] *= 1 + ((rr >> 11) & 1 ? delta0 : -delta0);
      Perturb(&Mh, delta0, keep);
      RunNet(&Mh, &Gh, &g, op, ip), Grads(&Gh, gp);
      Perturb(&Mh, 0, keep);
      memcpy(a, keepa, sizeof(double) * m);
    }
    {
      const double omax = MaxAbs(oh, m), gmax = MaxAbs(gh, ng);
      double       dout = 0, dgrad = 0, eout = 0, egrad = 0, tout, tgrad;
      for (KGNNInt k = 0; k < m; k++) dout = fmax(dout, fabs(op[k] - oh[k])), eout = fmax(eout, fmax(fabs(oc[k] - oh[k]), fabs(ic[k] - ih[k])));
      for (size_t k = 0; k < ng; k++) dgrad = fmax(dgrad, fabs(gp[k] - gh[k])), egrad = fmax(egrad, fabs(gc[k] - gh[k]));
      tout  = 10 * (dout / omax / delta0) * TestGamma(KGNNMax(3 * HID + 2, n + 1)) * omax;
      tgrad = 10 * (dgrad / gmax / delta0) * TestGamma(m + 2 * n) * gmax;
      CHECK(eout <= tout, "%s: the %s engine's outputs differ from the CPU's by %.3g > %.3g", KGNNLayerAt(row)->name, C->name, eout, tout);
      CHECK(egrad <= tgrad, "%s: the %s engine's gradients differ from the CPU's by %.3g > %.3g", KGNNLayerAt(row)->name, C->name, egrad, tgrad);
      /* again on the GPU: the same bits */
      RunNet(&Mc, &Gc, &g, op, ip), Grads(&Gc, gp);
      CHECK(!memcmp(op, oc, sizeof(double) * m) && !memcmp(gp, gc, sizeof(double) * ng), "%s: a second run on the %s engine gives other bits", KGNNLayerAt(row)->name, C->name);
      printf("%-24s on the %s engine: outputs within %.2e (tolerance %.2e), %zu gradients within %.2e (tolerance %.2e) of the CPU engine; rerun bit-identical\n", KGNNLayerAt(row)->name, C->name, eout, tout, ng, egrad, tgrad);
    }
    for (int q = 0; q < 256; q++) free(keep[q]);
    free(gh), free(gc), free(gp);
    KGNNNetDestroy(&Mh), KGNNNetDestroy(&Mc), KGNNNetDestroy(&Gh), KGNNNetDestroy(&Gc);
  }
  return test_failures - before;
}

/* The test of this test, on any machine (make check runs it as build/tests/test_cuda_net): two
   CPU engines in disguise. "reordered" sums in other orders than the CPU engine (gemm's inner
   products and the receiver sums backwards), as a GPU legitimately does: it must pass. "broken"
   is reordered with one bug, a mean dividing by deg (1 + 1e-9): it must fail. */
static KGNNErr GemmBackwards(const KGNNEngine *E, char ta, char tb, KGNNInt m, KGNNInt n, KGNNInt k, KGNNReal alpha, const KGNNReal *A, KGNNInt lda, const KGNNReal *B, KGNNInt ldb, KGNNReal beta, KGNNReal *C, KGNNInt ldc)
{
  if (m < 0 || n < 0 || k < 0) return KGNN_ERR_ARGUMENT;
  for (KGNNInt j = 0; j < n; j++)
    for (KGNNInt i = 0; i < m; i++) {
      double s = 0, *c = &C[i + (size_t)j * ldc];
      for (KGNNInt l = k - 1; l >= 0; l--) s += (ta == 'T' ? A[l + (size_t)i * lda] : A[i + (size_t)l * lda]) * (tb == 'T' ? B[j + (size_t)l * ldb] : B[l + (size_t)j * ldb]);
      *c = beta == 0 ? alpha * s : alpha * s + beta * *c;
    }
  return KGNN_OK;
}

static void SumBackwards(const KGNNEngine *E, KGNNInt n, KGNNInt w, const KGNNInt *rptr, const KGNNInt *eidx, const KGNNReal *X, KGNNReal *Y)
{
  for (KGNNInt i = 0; i < n; i++)
    for (KGNNInt c = 0; c < w; c++) {
      double s = 0;
      for (KGNNInt q = rptr[i + 1] - 1; q >= rptr[i]; q--) s += X[(size_t)eidx[q] * w + c];
      Y[(size_t)i * w + c] += s;
    }
}

static void MeanBroken(const KGNNEngine *E, KGNNInt n, KGNNInt w, const KGNNReal *deg, KGNNReal *Y)
{
  for (KGNNInt i = 0; i < n; i++)
    for (KGNNInt c = 0; c < w; c++) Y[(size_t)i * w + c] /= deg[i] * (1 + 1e-9);
}

int main(int argc, char **argv)
{
  Graph();
  { /* the comparison itself first: it must pass a reordered engine and fail a broken one */
    KGNNEngine reordered = *KGNNEngineCPU(), broken;
    int        bad;
    reordered.name = "reordered", reordered.gemm = GemmBackwards, reordered.segment_sum = SumBackwards;
    broken = reordered, broken.name = "broken", broken.segment_mean = MeanBroken;
    CHECK(Compare(&reordered) == 0, "the reordered CPU engine fails the comparison");
    bad = Compare(&broken);
    test_failures -= bad; /* expected */
    CHECK(bad > 0, "the broken CPU engine (a mean off by 1e-9) passes the comparison");
    printf("the comparison passes an engine that sums in other orders and fails one with a mean off by 1e-9 (%d checks failed, as expected): %s\n", bad, test_failures ? "FAILED" : "all passed");
  }
#if defined(KGNN_TEST_CUDA)
  {
    char              msg[256];
    const KGNNEngine *C = KGNNEngineCUDA(msg, sizeof(msg));
    if (!C) {
      printf("the CUDA engine: %s\nFAILED: nothing ran on a GPU\n", msg);
      return 1;
    }
    Compare(C);
    if (C->sync(C)) printf("CUDA engine: %s\n", KGNNEngineCUDAError());
    printf("network on the CUDA engine against the CPU engine: %s\n", test_failures ? "FAILED" : "all passed");
  }
#endif
  return test_failures ? 1 : 0;
}
