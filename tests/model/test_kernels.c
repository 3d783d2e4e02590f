/* Every kernel of the engine (src/model/kernels.h, engine.h) on every engine this build has,
   against plain reference loops written here (edge by edge in ascending order, the loops the CPU
   engine had before kernels.h), on graphs with skewed degrees: a star, a power-law graph, a graph
   with empty rows, one node with a self edge, one node with no edge, and a random graph whose
   edges are in no order. Arrays go to the engine with to_engine and come back with to_host, so
   the same program checks the CUDA engine on a GPU (share/check_cuda.sh links it in).
   Expected: the same bits wherever the engine performs the same operations in the same order,
   which kernels.h guarantees for every kernel but two:
   - exp (the softmaxes) on a GPU is CUDA's, within 1 ulp of the exact value as glibc's is, so the
     two differ by at most 2 ulp <= 4u relative per exponential. For alpha_k = e_k / (S + 1e-16)
     over a group of d edges: the numerator moves by 4u, the exact sum of the d positive terms by
     4u, the two computed sums (rounded in the same order from different terms) by 2 gamma_{d-1}
     more, the two divisions by 2u: (2 d + 8) u to first order, allowed as (4 d + 8) u;
   - gemm is BLAS or cuBLAS, blocked as they choose: each entry of C within gamma_k sum |a||b|
     of the exact product (Higham, Sec. 3.5) from the naive loop here, which is within the same
     bound of the exact value, so 2 gamma_k sum |a||b| between them. */
#include "../../src/model/kernels.h"
#include "../../src/model/plan.h"
#include "gradcheck.h"
#if defined(KGNN_TEST_CUDA)
  #include "../../src/cuda/engine_cuda.h"
#endif

#define U (DBL_EPSILON / 2)

typedef struct {
  const char *name;
  KGNNInt     n, m;
  KGNNInt    *s, *t;
} Graph;

static void Add(Graph *g, KGNNInt s, KGNNInt t)
{
  g->s[g->m] = s, g->t[g->m] = t, g->m++;
}

/* the graphs: edges both ways as in a symmetric matrix, diagonal edges where a matrix has them */
static Graph Make(int which, uint64_t *seed)
{
  Graph g = {0};
  switch (which) {
  case 0: /* a star: node 0 receives from every other node */
    g.name = "star", g.n = 200;
    break;
  case 1:
    g.name = "power-law", g.n = 300;
    break;
  case 2:
    g.name = "empty rows", g.n = 50;
    break;
  case 3:
    g.name = "one node, self edge", g.n = 1;
    break;
  case 4:
    g.name = "one node, no edge", g.n = 1;
    break;
  default:
    g.name = "random, unordered", g.n = 80;
  }
  g.s = malloc(sizeof(KGNNInt) * (g.n * g.n + 1)), g.t = malloc(sizeof(KGNNInt) * (g.n * g.n + 1));
  if (which == 0) {
    for (KGNNInt i = 0; i < g.n; i++) Add(&g, i, i);
    for (KGNNInt i = 1; i < g.n; i++) Add(&g, i, 0), Add(&g, 0, i);
  } else if (which == 1) { /* preferential attachment: each new node joins 2 earlier ones chosen by degree */
    KGNNInt *ends = malloc(sizeof(KGNNInt) * 4 * g.n), ne = 0;
    Add(&g, 1, 0), Add(&g, 0, 1), ends[ne++] = 0, ends[ne++] = 1;
    for (KGNNInt i = 2; i < g.n; i++)
      for (int r = 0; r < 2; r++) {
        const KGNNInt j = ends[(KGNNInt)((TestUniform(seed) + 1) / 2 * ne) % ne];
        Add(&g, i, j), Add(&g, j, i), ends[ne++] = i, ends[ne++] = j;
      }
    free(ends);
  } else if (which == 2) { /* every third node receives nothing */
    for (KGNNInt i = 0; i < g.n; i++)
      for (KGNNInt j = 0; j < g.n; j++)
        if (j % 3 && TestUniform(seed) > 0.7) Add(&g, i, j);
  } else if (which == 3) Add(&g, 0, 0);
  else if (which == 5) {
    for (KGNNInt k = 0; k < 4 * g.n; k++) Add(&g, (KGNNInt)((TestUniform(seed) + 1) / 2 * g.n) % g.n, (KGNNInt)((TestUniform(seed) + 1) / 2 * g.n) % g.n);
  }
  return g;
}

/* ---- the engine's side: arrays copied in, the kernel run, the result copied out ---- */
static void *In(const KGNNEngine *E, const void *x, size_t bytes)
{
  void *p = E->alloc(E, bytes ? bytes : 1);
  CHECK(p && !E->to_engine(E, p, x, bytes), "%s: to_engine of %zu bytes", E->name, bytes);
  return p;
}

static void Out(const KGNNEngine *E, void *x, const void *p, size_t bytes)
{
  CHECK(!E->sync(E) && !E->to_host(E, x, p, bytes), "%s: sync and to_host of %zu bytes", E->name, bytes);
}

static void Fill(double *x, size_t n, uint64_t *seed)
{
  for (size_t k = 0; k < n; k++) x[k] = TestUniform(seed);
}

static int nkernels = 0, nbitequal = 0;

/* bits equal, or within tol[k] where tol is given */
static void Compare(const char *kernel, const char *engine, const Graph *g, KGNNInt w, const double *got, const double *ref, size_t n, const double *tol)
{
  size_t bad = n;
  for (size_t k = 0; k < n && bad == n; k++)
    if (tol ? !(fabs(got[k] - ref[k]) <= tol[k]) : memcmp(&got[k], &ref[k], sizeof(double)) != 0) bad = k;
  CHECK(bad == n, "%s on the %s engine, graph %s, w %d: entry %zu is %.17g, the reference %.17g (tolerance %.3g)", kernel, engine, g->name, (int)w, bad, got[bad], ref[bad], tol ? tol[bad] : 0.0);
  nkernels++, nbitequal += !tol;
}

static void CheckGraph(const KGNNEngine *E, const Graph *g, KGNNInt w, uint64_t *seed)
{
  const KGNNInt n = g->n, m = g->m;
  const size_t  nw = (size_t)n * w, mw = (size_t)m * w, mm = m ? m : 1;
  double       *a = malloc(sizeof(double) * mm), *X = malloc(sizeof(double) * (mw + 1)), *Xn = malloc(sizeof(double) * (nw + 1)), *Y = malloc(sizeof(double) * (mw + nw + 1));
  double       *R = malloc(sizeof(double) * (mw + nw + 2 * mm)), *got = malloc(sizeof(double) * (mw + nw + 2 * mm)), *b = malloc(sizeof(double) * w), *tol = malloc(sizeof(double) * (mw + 1));
  double       *work = malloc(sizeof(double) * (nw + 1));
  int           gpu = strcmp(E->name, "cpu") != 0; /* its exp is not glibc's */
  KGNNPlan      P;
  KGNNGraph     G;

  for (KGNNInt k = 0; k < m; k++) a[k] = TestUniform(seed);
  G = (KGNNGraph){n, m, g->s, g->t, a, 1, NULL};
  CHECK(!KGNNPlanCreate(KGNNEngineCPU(), &G, 0, 0, &P), "plan of %s", g->name);
  for (KGNNInt i = 0; i < n; i++) /* the sender groups (the receiver groups: test_layers' CheckPlan) */
    for (KGNNInt q = P.sptr[i]; q < P.sptr[i + 1]; q++) CHECK(g->s[P.sidx[q]] == i && (q == P.sptr[i] || P.sidx[q - 1] < P.sidx[q]), "plan of %s: edge %d in the sender group of node %d", g->name, (int)P.sidx[q], (int)i);
  CHECK(P.sptr[n] == m, "plan of %s: %d edges in the sender groups, %d edges", g->name, (int)P.sptr[n], (int)m);
  {
    KGNNInt *ds = In(E, g->s, sizeof(KGNNInt) * m), *dt = In(E, g->t, sizeof(KGNNInt) * m);
    KGNNInt *drptr = In(E, P.rptr, sizeof(KGNNInt) * (n + 1)), *deidx = In(E, P.eidx, sizeof(KGNNInt) * m);
    KGNNInt *dsptr = In(E, P.sptr, sizeof(KGNNInt) * (n + 1)), *dsidx = In(E, P.sidx, sizeof(KGNNInt) * m);
    double  *ddeg = In(E, P.deg, sizeof(double) * n), *dwork = E->alloc(E, sizeof(double) * (nw + 1));
    double  *dX, *dXn, *dY, *dR, *db;

    /* bias_rows, both ways, and bias_backward (db starts nonzero: it adds) */
    Fill(b, w, seed), Fill(Y, mw, seed);
    for (int acc = 0; acc < 2; acc++) {
      db = In(E, b, sizeof(double) * w), dY = In(E, Y, sizeof(double) * mw);
      E->bias_rows(E, m, w, db, dY, acc);
      Out(E, got, dY, sizeof(double) * mw);
      for (KGNNInt k = 0; k < m; k++)
        for (KGNNInt c = 0; c < w; c++) R[k * w + c] = acc ? Y[k * w + c] + b[c] : b[c];
      Compare(acc ? "bias_rows (accumulate)" : "bias_rows", E->name, g, w, got, R, mw, NULL);
      E->free(E, db), E->free(E, dY);
    }
    Fill(b, w, seed), Fill(X, mw, seed);
    db = In(E, b, sizeof(double) * w), dX = In(E, X, sizeof(double) * mw);
    E->bias_backward(E, m, w, dX, db);
    Out(E, got, db, sizeof(double) * w);
    for (KGNNInt k = 0; k < m; k++)
      for (KGNNInt c = 0; c < w; c++) b[c] += X[k * w + c];
    Compare("bias_backward", E->name, g, w, got, b, w, NULL);
    E->free(E, db), E->free(E, dX);

    /* gather_add by one and by two index arrays */
    Fill(Xn, nw, seed), Fill(R + mw, nw, seed), Fill(Y, mw, seed);
    for (int two = 0; two < 2; two++) {
      dXn = In(E, Xn, sizeof(double) * nw), dR = In(E, R + mw, sizeof(double) * nw), dY = In(E, Y, sizeof(double) * mw);
      E->gather_add(E, m, w, ds, dXn, two ? dt : NULL, two ? dR : NULL, dY);
      Out(E, got, dY, sizeof(double) * mw);
      for (KGNNInt k = 0; k < m; k++)
        for (KGNNInt c = 0; c < w; c++) R[k * w + c] = Y[k * w + c] + (two ? Xn[g->s[k] * w + c] + R[mw + g->t[k] * w + c] : Xn[g->s[k] * w + c]);
      Compare(two ? "gather_add (two)" : "gather_add", E->name, g, w, got, R, mw, NULL);
      E->free(E, dXn), E->free(E, dR), E->free(E, dY);
    }

    /* scatter_add by sender and by receiver, and segment_sum over the receiver groups, onto a
       nonzero Y: the same bits as the scatter by receiver */
    Fill(X, mw, seed), Fill(Xn, nw, seed);
    for (int which = 0; which < 4; which++) {
      const KGNNInt *idx = which % 2 == 0 ? g->s : g->t;
      dX = In(E, X, sizeof(double) * mw), dY = In(E, Xn, sizeof(double) * nw);
      if (which < 2) E->scatter_add(E, m, w, which == 0 ? ds : dt, dX, dY);
      else E->segment_sum(E, n, w, which == 2 ? dsptr : drptr, which == 2 ? dsidx : deidx, dX, dY);
      Out(E, got, dY, sizeof(double) * nw);
      memcpy(R, Xn, sizeof(double) * nw);
      for (KGNNInt k = 0; k < m; k++)
        for (KGNNInt c = 0; c < w; c++) R[idx[k] * w + c] += X[k * w + c];
      Compare(which == 0 ? "scatter_add (sender)" : which == 1 ? "scatter_add (receiver)" : which == 2 ? "segment_sum (sender groups)" : "segment_sum (receiver groups)", E->name, g, w, got, R, nw, NULL);
      E->free(E, dX), E->free(E, dY);
    }

    /* segment_mean and its backward */
    Fill(Xn, nw, seed);
    dY = In(E, Xn, sizeof(double) * nw);
    E->segment_mean(E, n, w, ddeg, dY);
    Out(E, got, dY, sizeof(double) * nw);
    for (size_t k = 0; k < nw; k++) R[k] = Xn[k] / P.deg[k / w];
    Compare("segment_mean", E->name, g, w, got, R, nw, NULL);
    dX = In(E, X, sizeof(double) * mw); /* overwritten */
    E->segment_mean_backward(E, m, w, dt, ddeg, dY, dX);
    Out(E, got + nw, dX, sizeof(double) * mw);
    for (KGNNInt k = 0; k < m; k++)
      for (KGNNInt c = 0; c < w; c++) R[k * w + c] = got[g->t[k] * w + c] / P.deg[g->t[k]];
    Compare("segment_mean_backward", E->name, g, w, got + nw, R, mw, NULL);
    E->free(E, dX), E->free(E, dY);

    /* the softmaxes: generic (any idx) and over the receiver groups, forward and backward. Scores
       up to 30 apart, so that exp's range matters */
    for (size_t k = 0; k < mw; k++) X[k] = 15 * TestUniform(seed);
    for (KGNNInt k = 0; k < m; k++)
      for (KGNNInt c = 0; c < w; c++) tol[k * w + c] = (4.0 * P.deg[g->t[k]] + 8) * U;
    for (size_t k = 0; k < nw; k++) work[k] = -DBL_MAX;
    for (KGNNInt k = 0; k < m; k++)
      for (KGNNInt c = 0; c < w; c++) work[g->t[k] * w + c] = fmax(work[g->t[k] * w + c], X[k * w + c]);
    for (size_t k = 0; k < mw; k++) R[k] = exp(X[k] - work[g->t[k / w] * w + k % w]);
    for (size_t k = 0; k < nw; k++) work[k] = 0;
    for (size_t k = 0; k < mw; k++) work[g->t[k / w] * w + k % w] += R[k];
    for (size_t k = 0; k < mw; k++) R[k] /= work[g->t[k / w] * w + k % w] + 1e-16;
    for (int csr = 0; csr < 2; csr++) {
      dX = In(E, X, sizeof(double) * mw);
      if (csr) E->segment_softmax_csr(E, n, w, drptr, deidx, dX);
      else E->segment_softmax(E, m, n, w, dt, dX, dwork);
      Out(E, got, dX, sizeof(double) * mw);
      Compare(csr ? "segment_softmax_csr" : "segment_softmax", E->name, g, w, got, R, mw, gpu ? tol : NULL);
      E->free(E, dX);
    }
    /* backward from the reference alpha R (the same input for every engine: bit-comparable) */
    Fill(Y, mw, seed);
    for (size_t k = 0; k < nw; k++) work[k] = 0;
    for (size_t k = 0; k < mw; k++) work[g->t[k / w] * w + k % w] += R[k] * Y[k];
    for (size_t k = 0; k < mw; k++) got[k] = R[k] * (Y[k] - work[g->t[k / w] * w + k % w]);
    for (int csr = 0; csr < 2; csr++) {
      double *dA = In(E, R, sizeof(double) * mw), *dD = In(E, Y, sizeof(double) * mw), *ref = malloc(sizeof(double) * (mw + 1));
      memcpy(ref, got, sizeof(double) * mw);
      if (csr) E->segment_softmax_csr_backward(E, n, w, drptr, deidx, dA, dD, dD); /* in place, as the layers call it */
      else E->segment_softmax_backward(E, m, n, w, dt, dA, dD, dD, dwork);
      Out(E, X, dD, sizeof(double) * mw);
      Compare(csr ? "segment_softmax_csr_backward" : "segment_softmax_backward", E->name, g, w, X, ref, mw, NULL);
      E->free(E, dA), E->free(E, dD), free(ref);
    }

    /* relu (into another array and in place), its backward, add (into a third array, in place) */
    Fill(X, mw, seed), Fill(Y, mw, seed);
    for (size_t k = 0; k < mw; k += 7) X[k] = 0; /* the kink itself: relu'(0) = 0 as PyTorch's */
    dX = In(E, X, sizeof(double) * mw), dY = In(E, Y, sizeof(double) * mw), dR = E->alloc(E, sizeof(double) * (mw + 1));
    E->relu(E, mw, dX, dR);
    Out(E, got, dR, sizeof(double) * mw);
    for (size_t k = 0; k < mw; k++) R[k] = X[k] > 0 ? X[k] : 0;
    Compare("relu", E->name, g, w, got, R, mw, NULL);
    E->relu_backward(E, mw, dX, dY);
    Out(E, got, dY, sizeof(double) * mw);
    for (size_t k = 0; k < mw; k++) R[k] = X[k] > 0 ? Y[k] : 0;
    Compare("relu_backward", E->name, g, w, got, R, mw, NULL);
    E->add(E, mw, dX, dY, dR);
    Out(E, got, dR, sizeof(double) * mw);
    for (size_t k = 0; k < mw; k++) R[k] = X[k] + R[k];
    Compare("add", E->name, g, w, got, R, mw, NULL);
    E->add(E, mw, dX, dR, dX); /* in place */
    Out(E, got, dX, sizeof(double) * mw);
    for (size_t k = 0; k < mw; k++) R[k] = X[k] + R[k];
    Compare("add (in place)", E->name, g, w, got, R, mw, NULL);
    /* fill; the encoder's edge input, 1 or 2 columns (the last third of the edges taken as
       virtual: 0 in the positional column) */
    E->fill(E, mw, -0.75, dR);
    Out(E, got, dR, sizeof(double) * mw);
    for (size_t k = 0; k < mw; k++) R[k] = -0.75;
    Compare("fill", E->name, g, w, got, R, mw, NULL);
    for (int ei = 1; ei <= 2; ei++) {
      const KGNNInt mreal = m - m / 3;
      double       *da = In(E, a, sizeof(double) * m), *dscale = In(E, P.scale, sizeof(double)), *dxe = E->alloc(E, sizeof(double) * (2 * m + 1));
      KGNNInt      *dbatch = In(E, P.batch, sizeof(KGNNInt) * (n + 1));
      E->edge_input(E, m, ei, ei == 2, mreal, da, dscale, dbatch, ds, dt, dxe);
      Out(E, got, dxe, sizeof(double) * ei * m);
      for (KGNNInt k = 0; k < m; k++) {
        R[k * ei] = a[k] / P.scale[0];
        if (ei == 2) R[k * ei + 1] = k >= mreal || g->s[k] == g->t[k] ? 0.0 : g->s[k] > g->t[k] ? -1.0 : 1.0;
      }
      Compare(ei == 2 ? "edge_input (positional)" : "edge_input", E->name, g, w, got, R, (size_t)ei * m, NULL);
      E->free(E, da), E->free(E, dscale), E->free(E, dxe), E->free(E, dbatch);
    }
    /* copy, then zero */
    E->copy(E, dR, dY, mw);
    Out(E, got, dR, sizeof(double) * mw);
    for (size_t k = 0; k < mw; k++) R[k] = X[k] > 0 ? Y[k] : 0;
    Compare("copy", E->name, g, w, got, R, mw, NULL);
    E->zero(E, dR, mw);
    Out(E, got, dR, sizeof(double) * mw);
    for (size_t k = 0; k < mw; k++) R[k] = 0;
    Compare("zero", E->name, g, w, got, R, mw, NULL);
    E->free(E, dX), E->free(E, dY), E->free(E, dR);

    E->free(E, ds), E->free(E, dt), E->free(E, drptr), E->free(E, deidx), E->free(E, dsptr), E->free(E, dsidx), E->free(E, ddeg), E->free(E, dwork);
  }
  KGNNPlanDestroy(&P);
  free(a), free(X), free(Xn), free(Y), free(R), free(got), free(b), free(tol), free(work);
}

/* gemm, all four transpositions, against the naive column-major triple loop (bound above) */
static void CheckGemm(const KGNNEngine *E, uint64_t *seed)
{
  const KGNNInt m = 37, n = 23, k = 300;
  double       *A = malloc(sizeof(double) * m * k), *B = malloc(sizeof(double) * k * n), *C = malloc(sizeof(double) * m * n), *R = malloc(sizeof(double) * m * n), *T = malloc(sizeof(double) * m * n), *got = malloc(sizeof(double) * m * n);
  Graph         g = {"gemm 37 x 23 x 300", 0, 0, NULL, NULL};
  Fill(A, (size_t)m * k, seed), Fill(B, (size_t)k * n, seed), Fill(C, (size_t)m * n, seed);
  for (int op = 0; op < 4; op++) {
    const char ta = op & 1 ? 'T' : 'N', tb = op & 2 ? 'T' : 'N';
    /* A is m x k ('N', lda = m) or k x m ('T', lda = k); B alike */
    const KGNNInt lda = ta == 'N' ? m : k, ldb = tb == 'N' ? k : n;
    const double  alpha = 0.75, beta = -0.5;
    double       *dA = In(E, A, sizeof(double) * m * k), *dB = In(E, B, sizeof(double) * k * n), *dC = In(E, C, sizeof(double) * m * n);
    for (KGNNInt i = 0; i < m; i++)
      for (KGNNInt j = 0; j < n; j++) {
        double s = 0, sa = 0;
        for (KGNNInt l = 0; l < k; l++) {
          const double x = (ta == 'N' ? A[i + l * lda] : A[l + i * lda]) * (tb == 'N' ? B[l + j * ldb] : B[j + l * ldb]);
          s += x, sa += fabs(x);
        }
        R[i + j * m] = alpha * s + beta * C[i + j * m];
        T[i + j * m] = 2 * TestGamma(k + 2) * (fabs(alpha) * sa + fabs(beta * C[i + j * m]));
      }
    CHECK(!E->gemm(E, ta, tb, m, n, k, alpha, dA, lda, dB, ldb, beta, dC, m), "gemm %c%c on the %s engine", ta, tb, E->name);
    Out(E, got, dC, sizeof(double) * m * n);
    Compare(op == 0 ? "gemm NN" : op == 1 ? "gemm TN" : op == 2 ? "gemm NT" : "gemm TT", E->name, &g, 0, got, R, (size_t)m * n, T);
    E->free(E, dA), E->free(E, dB), E->free(E, dC);
  }
  CHECK(E->gemm(E, 'N', 'N', -1, n, k, 1, A, m, B, k, 0, C, m) == KGNN_ERR_ARGUMENT, "gemm with m < 0 on the %s engine is an argument error", E->name);
  free(A), free(B), free(C), free(R), free(T), free(got);
}

int main(void)
{
  int                      ne;
  const KGNNEngine *const *list = KGNNEngines(&ne);
  const KGNNEngine        *engines[4];
  uint64_t                 seed = 20261203;

  for (int q = 0; q < ne; q++) engines[q] = list[q];
#if defined(KGNN_TEST_CUDA)
  {
    char             msg[256];
    const KGNNEngine *C = KGNNEngineCUDA(msg, sizeof(msg));
    CHECK(C != NULL, "the CUDA engine: %s", msg);
    if (C) engines[ne++] = C;
  }
#endif
  for (int q = 0; q < ne; q++) {
    const int before = nkernels;
    for (int which = 0; which < 6; which++) {
      Graph g = Make(which, &seed);
      for (KGNNInt w = 1; w <= 5; w += 2) CheckGraph(engines[q], &g, w, &seed);
      free(g.s), free(g.t);
    }
    CheckGemm(engines[q], &seed);
    printf("%s engine: %d kernel comparisons on 6 graphs x 3 widths and gemm\n", engines[q]->name, nkernels - before);
  }
  printf("%d comparisons (%d bit for bit); %s\n", nkernels, nbitequal, test_failures ? "FAILED" : "all passed");
  return test_failures ? 1 : 0;
}
