/* Every layer of the table (src/model/layers.c) on every engine (src/model/engine.h), in plain C
   (no PETSc: make model-nopetsc runs it too):
   - the backward pass against central differences of every weight tensor and of the inputs h, e
     (gradcheck.h, the derivation of issue 10), the gradients starting from nonzero arrays (the
     backward adds) and d/d h not all zero (a missing add would not show otherwise);
   - one code path: a forward into a cache full of garbage gives the same bits, and so does
     inference (a smaller cache and scratch);
   - the batch is its graphs side by side: each graph alone gives the same outputs to a derived
     tolerance (below);
   on a batch of two graphs whose nodes interleave (per-graph sums must follow batch[], not node
   ranges), with nodes of in-degree 4, 2, 1 and 0. Also the linear layer and the MLP alone, and the
   graph plan: edges grouped by receiver, degrees, virtual nodes, scale, and the level sets of the
   lower-triangular pattern against a brute-force recomputation; and the whole network with each
   node model: inference and the tape's forward give the same bits, a second tape while one is
   alive the same outputs and gradients, reused arenas what a fresh copy gives.
   Batch against alone, derived: the two order some sums differently (BLAS blocks a gemm by its
   row count); each sum has at most K = max(3H, NN) terms (the edge model's input, a graph's nodes)
   and is exact for inputs perturbed by gamma_K relative. With kappa, the outputs' relative change
   per relative change of the weights and inputs (measured: all of them times 1 + delta0 r,
   delta0 = 1e-8), |alone - batch| <= F kappa gamma_K max|out|, F = 10 (as in TestNetworkOnFixture). */
#include "../../src/model/net.h"
#include "gradcheck.h"

#define H 3
#define NN 7
#define M 11

static const KGNNInt batch[NN] = {0, 1, 0, 0, 1, 1, 0};
/* graph 0 (nodes 0, 2, 3, 6): in-degrees 4, 2, 1, 0; graph 1 (nodes 1, 4, 5): 2, 2, 0 */
static const KGNNInt snd[M] = {0, 2, 3, 6, 0, 6, 3, 1, 4, 5, 1}, rcv[M] = {0, 0, 0, 0, 2, 2, 3, 1, 1, 4, 4};

typedef struct {
  const KGNNEngine *E;
  const KGNNLayer  *L;
  const KGNNPlan   *P;
  const void       *w;
  const double     *h, *e, *R;
  int               rows;
  void             *cache;
  double           *work, *out;
} Ctx;

static KGNNErr Run(const Ctx *c, const KGNNPlan *P, const double *h, const double *e, double *out, void *cache)
{
  KGNNLayerCtx x = {c->E, P, H, c->work, 1, NULL};
  return c->L->forward(c->L, &x, c->w, h, e, out, cache);
}

static double LayerLoss(void *ptr)
{
  const Ctx *c = ptr;
  double     s = 0;
  if (Run(c, c->P, c->h, c->e, c->out, c->cache)) return NAN;
  for (int k = 0; k < c->rows * H; k++) s += c->R[k] * c->out[k];
  return s;
}

/* each graph of the batch alone against the batch's rows, to the derived tolerance */
static void CheckAlone(const Ctx *c, double *const params[], const int sizes[], int np)
{
  const double delta0 = 1e-8;
  double       d = 0, omax = 0, tol, *pout = malloc(sizeof(double) * c->rows * H), out[(NN + M) * H];
  uint64_t     r    = 0x2545F4914F6CDD1DULL;
  double     **keep = malloc(sizeof(double *) * np);

  CHECK(!Run(c, c->P, c->h, c->e, out, c->cache), "%s: forward failed", c->L->name);

  for (int p = 0; p < np; p++) { /* kappa of the derivation above */
    keep[p] = malloc(sizeof(double) * sizes[p]);
    for (int k = 0; k < sizes[p]; k++) {
      r ^= r << 13, r ^= r >> 7, r ^= r << 17;
      keep[p][k] = params[p][k];
      params[p][k] *= 1 + ((r >> 11) & 1 ? delta0 : -delta0);
    }
  }
  CHECK(!Run(c, c->P, c->h, c->e, pout, c->cache), "%s: forward failed", c->L->name);
  for (int p = 0; p < np; p++) {
    for (int k = 0; k < sizes[p]; k++) params[p][k] = keep[p][k];
    free(keep[p]);
  }
  for (int k = 0; k < c->rows * H; k++) d = fmax(d, fabs(pout[k] - out[k])), omax = fmax(omax, fabs(out[k]));
  tol = 10 * (d / omax / delta0) * TestGamma(3 * H > NN ? 3 * H : NN) * omax;
  for (KGNNInt g = 0; g < 2; g++) {
    KGNNInt  map[NN], nodes[NN], edges[M], n = 0, m = 0, s[M], t[M];
    double   hs[NN * H], es[M * H], os[(NN + M) * H], a[M];
    KGNNPlan P;
    for (KGNNInt i = 0; i < NN; i++) {
      map[i] = batch[i] == g ? n : -1;
      if (batch[i] == g) nodes[n++] = i;
    }
    for (KGNNInt k = 0; k < M; k++)
      if (batch[snd[k]] == g) edges[m] = k, s[m] = map[snd[k]], t[m] = map[rcv[k]], a[m] = 1, m++;
    for (KGNNInt i = 0; i < n; i++)
      for (int f = 0; f < H; f++) hs[i * H + f] = c->h[nodes[i] * H + f];
    for (KGNNInt k = 0; k < m; k++)
      for (int f = 0; f < H; f++) es[k * H + f] = c->e[edges[k] * H + f];
    {
      KGNNGraph G     = {n, m, s, t, a, 1, NULL};
      void     *cache = NULL;
      CHECK(!KGNNPlanCreate(c->E, &G, 0, 0, &P), "plan of graph %d alone", (int)g);
      cache = c->E->alloc(c->E, c->L->cache_size(c->L, H, &P, 1));
      CHECK(!Run(c, &P, hs, es, os, cache), "%s: forward of graph %d alone failed", c->L->name, (int)g);
      c->E->free(c->E, cache);
      KGNNPlanDestroy(&P);
    }
    for (KGNNInt q = 0; q < (c->rows == M ? m : n); q++)
      for (int f = 0; f < H; f++) {
        const double x = os[q * H + f], y = out[(c->rows == M ? edges[q] : nodes[q]) * H + f];
        CHECK(fabs(x - y) <= tol, "%s: graph %d alone differs from the batch at row %d by %.2e > %.2e", c->L->name, (int)g, (int)q, fabs(x - y), tol);
      }
    for (KGNNInt q = 0; c->rows == NN + M && q < m; q++) /* an edge-writing layer's edge rows */
      for (int f = 0; f < H; f++) {
        const double x = os[(n + q) * H + f], y = out[(NN + edges[q]) * H + f];
        CHECK(fabs(x - y) <= tol, "%s: graph %d alone differs from the batch at edge %d by %.2e > %.2e", c->L->name, (int)g, (int)q, fabs(x - y), tol);
      }
  }
  free(pout);
  free(keep);
}

static void CheckLayer(const KGNNEngine *E, const KGNNLayer *L, const KGNNPlan *P, uint64_t *seed)
{
  const int    rows = L->role == KGNN_LAYER_EDGE ? M : NN + (L->writes_edges ? M : 0);
  const size_t ws = KGNNLayerWeightsSize(L), cs = L->cache_size(L, H, P, 1), ci = L->cache_size(L, H, P, 0);
  void        *w = E->alloc(E, ws), *gw = E->alloc(E, ws), *cache = E->alloc(E, cs), *cache2 = E->alloc(E, cs);
  double      *work = E->alloc(E, L->work_size(L, H, P, 1) * sizeof(double)), *iwork = E->alloc(E, L->work_size(L, H, P, 0) * sizeof(double));
  void        *icache = E->alloc(E, ci);
  double       h[NN * H], e[M * H], R[(NN + M) * H], out[(NN + M) * H], out2[(NN + M) * H], dh[NN * H], de[M * H], kink, dmax = 0, worst;
  int          nt = 0, ngt = 0, tries = 0, np;
  KGNNTensor  *T = NULL, *GT = NULL;
  char         what[128];

  snprintf(what, sizeof(what), "%s on the %s engine", L->name, E->name);
  CHECK(!KGNNLayerTensors(E, L, H, 1, w, &nt, &T) && !KGNNLayerTensors(E, L, H, 1, gw, &ngt, &GT) && nt == ngt && nt > 0, "%s: tensors", what);
  {
    Ctx          c = {E, L, P, w, h, e, R, rows, cache, work, out};
    KGNNLayerCtx x = {E, P, H, work, 1, NULL}, xi = {E, P, H, iwork, 0, NULL};
    double     **params = malloc(sizeof(double *) * (nt + 2)), **grads = malloc(sizeof(double *) * (nt + 2)), **base = malloc(sizeof(double *) * (nt + 2));
    int         *sizes = malloc(sizeof(int) * (nt + 2));
    const char **names = malloc(sizeof(char *) * (nt + 2));
    for (int k = 0; k < nt; k++) params[k] = T[k].data, grads[k] = GT[k].data, sizes[k] = T[k].size, names[k] = T[k].name;
    params[nt] = h, grads[nt] = dh, sizes[nt] = NN * H, names[nt] = "h";
    params[nt + 1] = e, grads[nt + 1] = de, sizes[nt + 1] = M * H, names[nt + 1] = "e";
    np = nt + 2;
    do { /* no pre-activation near a kink */
      for (int p = 0; p < np; p++)
        for (int k = 0; k < sizes[p]; k++) params[p][k] = TestUniform(seed);
      for (int k = 0; k < rows * H; k++) R[k] = TestUniform(seed);
      CHECK(!L->forward(L, &x, w, h, e, out, cache), "%s: forward failed", what);
      kink = L->kink(L, &x, w, h, e, cache);
    } while (kink < TEST_KINK && ++tries < 1000);
    CHECK(tries < 1000, "%s: no draw without a pre-activation near a kink", what);
    /* one code path: what the cache held before does not matter */
    memset(cache2, 0x5a, cs);
    CHECK(!L->forward(L, &x, w, h, e, out2, cache2) && !memcmp(out, out2, sizeof(double) * rows * H), "%s: a forward into another cache differs", what);
    /* inference (its smaller cache and scratch, ReLU in place) gives the same bits */
    memset(icache, 0x5a, ci);
    CHECK(!L->forward(L, &xi, w, h, e, out2, icache) && !memcmp(out, out2, sizeof(double) * rows * H), "%s: inference differs from the training forward", what);
    /* the backward adds: every gradient starts from a known nonzero array, taken off afterwards */
    for (int p = 0; p < np; p++) {
      base[p] = malloc(sizeof(double) * sizes[p]);
      for (int k = 0; k < sizes[p]; k++) grads[p][k] = base[p][k] = TestUniform(seed);
    }
    CHECK(!L->backward(L, &x, w, h, e, cache, R, dh, de, gw), "%s: backward failed", what);
    for (int p = 0; p < np; p++) {
      for (int k = 0; k < sizes[p]; k++) grads[p][k] -= base[p][k];
      free(base[p]);
    }
    for (int k = 0; k < NN * H; k++) dmax = fmax(dmax, fabs(dh[k]));
    CHECK(dmax > 0, "%s: d loss / d h is all zero", what);
    worst = TestGradients(what, LayerLoss, &c, np, params, grads, sizes, names);
    (void)worst;
    CheckAlone(&c, params, sizes, np);
    free(params), free(grads), free(base), free(sizes), free(names);
  }
  KGNNLayerTensorsFree(E, nt, T);
  KGNNLayerTensorsFree(E, ngt, GT);
  E->free(E, w), E->free(E, gw), E->free(E, cache), E->free(E, cache2), E->free(E, work), E->free(E, iwork), E->free(E, icache);
}

/* ---- the linear layer and the two-layer MLP (the encoders and the decoder) ---- */
#define IN 5
#define HID 7
#define OUT 3
#define MR 6
typedef struct {
  const KGNNEngine *E;
  const KGNNMLP    *mlp;
  const double     *X, *R;
} MLPCtx;

static double MLPLoss(void *ptr)
{
  const MLPCtx *c = ptr;
  double        Y[MR * OUT], z[MR * HID], a[MR * HID], s = 0;
  if (KGNNMLPForward(c->E, c->mlp, MR, c->X, Y, z, a)) return NAN;
  for (int k = 0; k < MR * OUT; k++) s += c->R[k] * Y[k];
  return s;
}

static void CheckMLP(const KGNNEngine *E, uint64_t *seed)
{
  double      W1[HID * IN], b1[HID], W2[OUT * HID], b2[OUT], X[MR * IN], R[MR * OUT];
  double      gW1[HID * IN] = {0}, gb1[HID] = {0}, gW2[OUT * HID] = {0}, gb2[OUT] = {0}, dX[MR * IN];
  double      Y[MR * OUT], z[MR * HID], a[MR * HID], work[MR * HID], zmin;
  KGNNMLP     mlp = {{IN, HID, W1, b1}, {HID, OUT, W2, b2}}, g = {{IN, HID, gW1, gb1}, {HID, OUT, gW2, gb2}};
  double     *params[5] = {W1, b1, W2, b2, X}, *grads[5] = {gW1, gb1, gW2, gb2, dX};
  int         sizes[5] = {HID * IN, HID, OUT * HID, OUT, MR * IN};
  const char *names[5] = {"W1", "b1", "W2", "b2", "X"};
  char        what[64];

  snprintf(what, sizeof(what), "MLP on the %s engine", E->name);
  do {
    for (int p = 0; p < 5; p++)
      for (int k = 0; k < sizes[p]; k++) params[p][k] = TestUniform(seed);
    CHECK(!KGNNMLPForward(E, &mlp, MR, X, Y, z, a), "MLP forward");
    zmin = DBL_MAX;
    for (int k = 0; k < MR * HID; k++) zmin = fmin(zmin, fabs(z[k]));
  } while (zmin < TEST_KINK);
  for (int k = 0; k < MR * OUT; k++) R[k] = TestUniform(seed);
  CHECK(!KGNNMLPBackward(E, &mlp, MR, X, z, a, R, dX, &g, work), "MLP backward");
  {
    MLPCtx c = {E, &mlp, X, R};
    TestGradients(what, MLPLoss, &c, 5, params, grads, sizes, names);
  }
}

/* ---- the plan ---- */
static void CheckPlan(const KGNNEngine *E, uint64_t *seed)
{
  enum { N = 40 };
  KGNNInt  s[N * N], t[N * N], b[N], m = 0, brute[N];
  double   a[N * N], smax[2] = {0, 0};
  KGNNPlan P;

  for (KGNNInt i = 0; i < N; i++) b[i] = i % 3 == 1; /* two graphs, interleaved */
  for (KGNNInt i = 0; i < N; i++)
    for (KGNNInt j = 0; j <= i; j++)
      if (b[i] == b[j] && (i == j || TestUniform(seed) > 0.8)) {
        s[m] = i, t[m] = j, a[m] = TestUniform(seed), m++;
        if (i != j) s[m] = j, t[m] = i, a[m] = a[m - 1], m++;
      }
  for (KGNNInt k = 0; k < m; k++) smax[b[s[k]]] = fmax(smax[b[s[k]]], fabs(a[k]));
  for (int vn = 0; vn < 2; vn++) {
    KGNNGraph G          = {N, m, s, t, a, 2, b};
    KGNNInt   cnt[N + 2] = {0};
    CHECK(!KGNNPlanCreate(E, &G, vn, 0, &P), "plan");
    CHECK(P.G.n == N + (vn ? 2 : 0) && P.G.nnz == m + (vn ? 2 * N : 0), "plan: %d nodes and %d edges with virtual nodes %d", (int)P.G.n, (int)P.G.nnz, vn);
    for (KGNNInt i = 0; vn && i < N; i++) CHECK(P.sender[m + i] == i && P.receiver[m + i] == N + b[i] && P.sender[m + N + i] == N + b[i] && P.receiver[m + N + i] == i && P.a[m + i] == 0, "plan: virtual edges of node %d", (int)i);
    for (KGNNInt g = 0; g < 2; g++) CHECK(P.scale[g] == smax[g], "plan: scale of graph %d is %g, max|a| %g", (int)g, P.scale[g], smax[g]);
    for (KGNNInt i = 0; i < P.G.n; i++) {
      for (KGNNInt q = P.rptr[i]; q < P.rptr[i + 1]; q++) {
        CHECK(P.receiver[P.eidx[q]] == i, "plan: edge %d listed under node %d", (int)P.eidx[q], (int)i);
        cnt[i]++;
      }
      CHECK(P.deg[i] == (cnt[i] > 1 ? cnt[i] : 1), "plan: degree of node %d", (int)i);
    }
    CHECK(P.rptr[P.G.n] == P.G.nnz, "plan: every edge grouped once");
    /* levels by brute force: relax every dependence k < j, L_jk != 0, until nothing changes */
    for (KGNNInt j = 0; j < N; j++) brute[j] = 0;
    for (int changed = 1; changed;) {
      changed = 0;
      for (KGNNInt k = 0; k < m; k++)
        if (s[k] < t[k] && brute[t[k]] < brute[s[k]] + 1) brute[t[k]] = brute[s[k]] + 1, changed = 1;
    }
    {
      KGNNInt nl = 0, seen = 0;
      for (KGNNInt j = 0; j < N; j++) {
        CHECK(P.level[j] == brute[j] && P.order[j] == j, "plan: column %d at level %d, brute force %d", (int)j, (int)P.level[j], (int)brute[j]);
        nl = brute[j] + 1 > nl ? brute[j] + 1 : nl;
      }
      CHECK(P.nlevels == nl, "plan: %d levels, brute force %d", (int)P.nlevels, (int)nl);
      for (KGNNInt l = 0; l < P.nlevels; l++)
        for (KGNNInt q = P.lptr[l]; q < P.lptr[l + 1]; q++, seen++) CHECK(brute[P.lidx[q]] == l && (q == P.lptr[l] || P.lidx[q - 1] < P.lidx[q]), "plan: level set %d holds column %d", (int)l, (int)P.lidx[q]);
      CHECK(seen == N, "plan: the level sets hold %d columns of %d", (int)seen, N);
    }
    KGNNPlanDestroy(&P);
  }
  printf("plan on the %s engine: receiver groups, degrees, virtual nodes, scale and level sets checked\n", E->name);
}

/* ---- the network: inference and the tape run the same code (the same bits); a second tape
   while one is alive gets its own arena and the same results; the arenas, reused over graphs of
   other shapes, give what a fresh model gives ---- */
static void CheckNetwork(const KGNNEngine *E, int row, uint64_t *seed)
{
  KGNNModel   A = {0}, B = {0}, GA = {0}, GB = {0};
  KGNNRandom  r = {(uint64_t)row + 7};
  double      a[M], out[M], o1[M], o2[M], dout[M];
  KGNNTape    t1 = NULL, t2 = NULL;
  int         nt = 0, nb = 0;
  KGNNTensor *TA = NULL, *TB = NULL;

  A.node_model = (KGNNNodeModel)row, A.depth = 3, A.hidden = 4, A.positional = KGNN_YES, A.virtual_node = KGNN_YES, A.engine = E;
  CHECK(!KGNNNetSetUp(&A) && !KGNNNetInitialize(&A, &r) && !KGNNNetDuplicate(&A, &B) && !KGNNNetCopy(&A, &B), "network %s: set-up", KGNNLayerAt(row)->name);
  CHECK(!KGNNNetDuplicate(&A, &GA) && !KGNNNetDuplicate(&A, &GB), "network: gradients' set-up");
  for (int k = 0; k < M; k++) a[k] = TestUniform(seed), dout[k] = TestUniform(seed);
  for (int pass = 0; pass < 2; pass++) { /* pass 1: a smaller graph first, so that the arenas are reused and grown */
    const KGNNInt ss[3] = {0, 1, 1}, sr[3] = {1, 1, 0};
    KGNNGraph     G = {NN, M, snd, rcv, a, 2, batch}, S = {4, 3, ss, sr, a, 1, NULL};
    if (pass) {
      CHECK(!KGNNNetForward(&A, &S, o1) && !KGNNNetForwardTape(&A, &S, o1, &t1), "network: small graph");
      KGNNNetTapeDestroy(&t1);
    }
    CHECK(!KGNNNetForward(&A, &G, out), "network: inference");
    CHECK(!KGNNNetForwardTape(&A, &G, o1, &t1) && !memcmp(out, o1, sizeof(out)), "network %s: the tape's forward differs from inference", KGNNLayerAt(row)->name);
    CHECK(!KGNNNetForwardTape(&A, &G, o2, &t2) && !memcmp(out, o2, sizeof(out)), "network %s: a second tape while one is alive differs", KGNNLayerAt(row)->name);
    CHECK(!KGNNNetBackward(&A, t1, dout, &GA) && !KGNNNetBackward(&A, t2, dout, &GB), "network: backward");
    KGNNNetTapeDestroy(&t1), KGNNNetTapeDestroy(&t2);
    CHECK(!t1 && !t2, "network: a destroyed tape is NULL");
    CHECK(!KGNNNetForward(&B, &G, o2) && !memcmp(out, o2, sizeof(out)), "network %s: a copy of the model differs", KGNNLayerAt(row)->name);
  }
  CHECK(!KGNNNetTensors(&GA, &nt, &TA) && !KGNNNetTensors(&GB, &nb, &TB) && nt == nb, "network: tensors");
  for (int k = 0; k < nt; k++) CHECK(!memcmp(TA[k].data, TB[k].data, sizeof(double) * TA[k].size), "network %s: the two tapes' gradients of %s differ", KGNNLayerAt(row)->name, TA[k].name);
  KGNNNetTensorsFree(&GA, TA), KGNNNetTensorsFree(&GB, TB);
  {
    KGNNModel X  = {0};
    X.node_model = (KGNNNodeModel)KGNNLayerCount(), X.depth = 1, X.hidden = 2;
    CHECK(KGNNNetSetUp(&X) == KGNN_ERR_UNKNOWN, "network: a node model outside the table is an error");
    KGNNNetDestroy(&X);
  }
  KGNNNetDestroy(&A), KGNNNetDestroy(&B), KGNNNetDestroy(&GA), KGNNNetDestroy(&GB);
  printf("network with %s on the %s engine: inference = the tape's forward, two live tapes agree, %d gradient tensors\n", KGNNLayerAt(row)->name, E->name, nt);
}

/* ---- the network by blocks of rows (layer.h's KGNN_ROWS): four copies of a graph side by side,
   more edges than two blocks, against the graph alone (a block boundary falls inside copies whose
   alone run has none: an offset wrong anywhere gives O(1) errors); inference and the tape still
   give the same bits. Tolerance as CheckAlone's, derived above: F kappa gamma_K max|out|, K =
   max(3 H, n + 1) (the edge model's input, a graph's nodes), kappa measured on the graph alone
   with every weight times 1 + delta0 r ---- */
static void CheckNetworkBlocks(const KGNNEngine *E, int row, uint64_t *seed)
{
  enum { N1 = 1200, DEG = 3, COPIES = 6, M1 = N1 * (2 * DEG + 1) };
  static KGNNInt s[COPIES * M1], t[COPIES * M1], b[COPIES * N1];
  static double  a[COPIES * M1], alone[M1], pert[M1], out[COPIES * M1], tape[COPIES * M1];
  const double   delta0 = 1e-8;
  KGNNModel      A = {0}, P = {0};
  KGNNRandom     r = {(uint64_t)row + 11};
  KGNNTape       T = NULL;
  KGNNTensor    *TP = NULL;
  int            nt = 0, m = 0;
  double         d = 0, omax = 0, err = 0, tol;

  for (KGNNInt i = 0; i < N1; i++) { /* the diagonal, and DEG random neighbours j < i both ways */
    s[m] = t[m] = i, a[m++] = 5 + TestUniform(seed);
    for (int k = 0; k < DEG && i > k; k++) { /* DEG distinct j: one in each of DEG slices of 0 .. i-1 */
      const KGNNInt j = (KGNNInt)((k + 0.5 * (1 + TestUniform(seed))) * i / DEG) % i;
      if (k > 0 && j == t[m - 2]) continue;
      s[m] = i, t[m] = j, a[m] = TestUniform(seed) - 0.5, m++;
      s[m] = j, t[m] = i, a[m] = a[m - 1], m++;
    }
  }
  for (int c = 1; c < COPIES; c++)
    for (int k = 0; k < m; k++) s[c * m + k] = s[k] + c * N1, t[c * m + k] = t[k] + c * N1, a[c * m + k] = a[k];
  for (int i = 0; i < COPIES * N1; i++) b[i] = i / N1;
  A.node_model = (KGNNNodeModel)row, A.depth = 2, A.hidden = 4, A.positional = KGNN_YES, A.virtual_node = KGNN_YES, A.engine = E;
  /* ElimOrder from random weights has pivots at its floor, whose 1 / d_j make kappa ~1e11 (a
     tolerance of 20% of max|out|); its IC(0) start on this diagonally dominant matrix has none */
  if (KGNNLayerAt(row) == &KGNNLayerElim) A.positional = KGNN_NO, A.virtual_node = KGNN_NO;
  CHECK(!KGNNNetSetUp(&A) && !(KGNNLayerAt(row) == &KGNNLayerElim ? KGNNElimInitIC0(&A, &r, 1e-4, 0.5, 0, 0.2, 0) : KGNNNetInitialize(&A, &r)) && !KGNNNetDuplicate(&A, &P) && !KGNNNetCopy(&A, &P) && !KGNNNetTensors(&P, &nt, &TP), "blocks %s: set-up", KGNNLayerAt(row)->name);
  for (int k = 0; k < nt; k++)
    for (int q = 0; q < TP[k].size; q++) TP[k].data[q] *= 1 + (KGNNRandomNext(&r) & 1 ? delta0 : -delta0);
  {
    KGNNGraph G1 = {N1, m, s, t, a, 1, NULL}, G = {COPIES * N1, COPIES * m, s, t, a, COPIES, b};
    CHECK(COPIES * m > 2 * KGNN_ROWS && m < KGNN_ROWS, "blocks: %d edges alone, %d side by side (blocks of %d)", m, COPIES * m, KGNN_ROWS);
    CHECK(!KGNNNetForward(&A, &G1, alone) && !KGNNNetForward(&P, &G1, pert) && !KGNNNetForward(&A, &G, out), "blocks %s: inference", KGNNLayerAt(row)->name);
    CHECK(!KGNNNetForwardTape(&A, &G, tape, &T) && !memcmp(out, tape, sizeof(double) * COPIES * m), "blocks %s: the tape's forward differs from inference over %d edges", KGNNLayerAt(row)->name, COPIES * m);
    KGNNNetTapeDestroy(&T);
  }
  for (int k = 0; k < m; k++) d = fmax(d, fabs(pert[k] - alone[k])), omax = fmax(omax, fabs(alone[k]));
  tol = 10 * (d / omax / delta0) * TestGamma(3 * A.hidden > N1 + 1 ? 3 * A.hidden : N1 + 1) * omax;
  for (int c = 0; c < COPIES; c++)
    for (int k = 0; k < m; k++) err = fmax(err, fabs(out[c * m + k] - alone[k]));
  CHECK(omax > 0 && err <= tol, "blocks %s: a copy side by side differs from the graph alone by %.2e > %.2e", KGNNLayerAt(row)->name, err, tol);
  printf("network with %s on the %s engine by blocks of %d rows: %d copies of %d edges side by side = alone to %.1e (tolerance %.1e), inference = the tape's forward\n", KGNNLayerAt(row)->name, E->name, KGNN_ROWS, COPIES, m, err, tol);
  KGNNNetTensorsFree(&P, TP);
  KGNNNetDestroy(&A), KGNNNetDestroy(&P);
}

/* ---- the elimination-order layer (elim.c): the plan's triangles and level sets against brute
   force, and the level-scheduled forward against the plain sequential order 0 .. n-1 (the same
   operations on each column in the same order, so the same bits: memcmp) ---- */
static void CheckElim(const KGNNEngine *E, uint64_t *seed)
{
  enum { N = 40 };
  static KGNNInt s[N * N], t[N * N], low[N][N];
  static double  a[N * N], h[N * H], e[N * N * H], o1[(N + N * N) * H], o2[(N + N * N) * H];
  KGNNInt        m = 0, seq[N], ntri = 0, level[N];
  KGNNPlan       P;
  const KGNNLayer *L = &KGNNLayerElim;

  for (KGNNInt i = 0; i < N; i++)
    for (KGNNInt j = 0; j < N; j++) low[i][j] = -1;
  for (KGNNInt i = 0; i < N; i++) /* a random symmetric pattern with its diagonal, row by row */
    for (KGNNInt j = 0; j <= i; j++)
      if (i == j || TestUniform(seed) > 0.7) {
        low[i][j] = m, s[m] = i, t[m] = j, a[m] = TestUniform(seed), m++;
        if (i != j) s[m] = j, t[m] = i, a[m] = a[m - 1], m++;
      }
  {
    KGNNGraph G = {N, m, s, t, a, 1, NULL};
    CHECK(!KGNNPlanCreate(E, &G, 0, 0, &P), "elim: plan");
  }
  for (KGNNInt i = 0; i < N; i++) {
    CHECK(P.diag[i] == low[i][i], "elim plan: diagonal edge of %d", (int)i);
    level[i] = 0;
    for (KGNNInt k = 0; k < i; k++)
      if (low[i][k] >= 0) level[i] = level[i] > level[k] + 1 ? level[i] : level[k] + 1;
    CHECK(P.elevel[i] == level[i], "elim plan: column %d at level %d, brute force %d", (int)i, (int)P.elevel[i], (int)level[i]);
    for (KGNNInt j = 0; j < i; j++) {
      KGNNInt ed = low[i][j], q;
      if (ed < 0) continue;
      q = P.tptr[ed];
      for (KGNNInt k = 0; k < j; k++)
        if (low[i][k] >= 0 && low[j][k] >= 0) {
          CHECK(q < P.tptr[ed + 1] && P.tri[2 * q] == low[i][k] && P.tri[2 * q + 1] == low[j][k], "elim plan: triangle (%d, %d, %d)", (int)i, (int)j, (int)k);
          q++, ntri++;
        }
      CHECK(q == P.tptr[ed + 1], "elim plan: edge (%d, %d) has %d triangles, brute force fewer", (int)i, (int)j, (int)(P.tptr[ed + 1] - P.tptr[ed]));
    }
  }
  CHECK(P.nelevels > 1 && P.nelevels < N, "elim plan: %d level sets of %d columns (the test needs some reordering)", (int)P.nelevels, N);
  {
    const size_t ws = KGNNLayerWeightsSize(L);
    void        *w = E->alloc(E, ws), *c1 = E->alloc(E, L->cache_size(L, H, &P, 1)), *c2 = E->alloc(E, L->cache_size(L, H, &P, 1));
    double      *work = E->alloc(E, L->work_size(L, H, &P, 1) * sizeof(double));
    KGNNTensor  *T    = NULL;
    int          nt   = 0;
    KGNNLayerCtx x    = {E, &P, H, work, 1, NULL};
    CHECK(!KGNNLayerTensors(E, L, H, 1, w, &nt, &T), "elim: tensors");
    for (int k = 0; k < nt; k++)
      for (int q = 0; q < T[k].size; q++) T[k].data[q] = TestUniform(seed);
    for (int k = 0; k < N * H; k++) h[k] = TestUniform(seed);
    for (int k = 0; k < m * H; k++) e[k] = TestUniform(seed);
    for (KGNNInt i = 0; i < N; i++) seq[i] = i;
    CHECK(!KGNNElimForwardOrder(&x, w, h, e, o1, c1, P.eorder, N) && !KGNNElimForwardOrder(&x, w, h, e, o2, c2, seq, N), "elim: forward");
    CHECK(!memcmp(o1, o2, sizeof(double) * (N + m) * H), "elim: the level-scheduled forward differs from the sequential one");
    for (int k = 0; k < (N + m) * H; k++) CHECK(isfinite(o1[k]), "elim: output %d not finite", k);
    { /* the lower-only plan (what the network gives this layer): the same bits on the edges it keeps */
      KGNNGraph G  = {N, m, s, t, a, 1, NULL};
      KGNNPlan  PL;
      void     *c3 = NULL;
      CHECK(!KGNNPlanCreate(E, &G, 0, 1, &PL) && PL.keep && PL.mreal == (m + N) / 2 && PL.min == m, "elim: lower-only plan (%d of %d edges)", (int)PL.mreal, (int)m);
      c3 = E->alloc(E, L->cache_size(L, H, &PL, 1));
      for (KGNNInt q = 0; q < PL.mreal; q++) memcpy(e + (size_t)q * H, e + (size_t)PL.keep[q] * H, sizeof(double) * H); /* keep[q] >= q: in place */
      KGNNLayerCtx xl = {E, &PL, H, work, 1, NULL};
      CHECK(!KGNNElimForwardOrder(&xl, w, h, e, o2, c3, PL.eorder, N), "elim: forward on the lower-only plan");
      CHECK(!memcmp(o1, o2, sizeof(double) * N * H), "elim: node rows differ on the lower-only plan");
      for (KGNNInt q = 0; q < PL.mreal; q++) CHECK(!memcmp(o1 + (size_t)(N + PL.keep[q]) * H, o2 + (size_t)(N + q) * H, sizeof(double) * H), "elim: edge %d of the lower-only plan differs", (int)q);
      E->free(E, c3);
      KGNNPlanDestroy(&PL);
    }
    KGNNLayerTensorsFree(E, nt, T);
    E->free(E, w), E->free(E, c1), E->free(E, c2), E->free(E, work);
  }
  printf("elimination layer on the %s engine: %d triangles and %d level sets of %d columns against brute force; level order = sequential order, and the lower-only plan = the full one, bit for bit\n", E->name, (int)ntri, (int)P.nelevels, N);
  KGNNPlanDestroy(&P);
}

int main(void)
{
  int                      ne;
  const KGNNEngine *const *engines = KGNNEngines(&ne);
  uint64_t                 seed    = 20261202;
  int                      rows    = 0;

  for (int q = 0; q < ne; q++) {
    const KGNNEngine *E = engines[q];
    double            a[M];
    KGNNGraph         G = {NN, M, snd, rcv, a, 2, batch};
    KGNNPlan          P;
    for (int k = 0; k < M; k++) a[k] = 1;
    CheckMLP(E, &seed);
    CheckPlan(E, &seed);
    CheckElim(E, &seed);
    CHECK(!KGNNPlanCreate(E, &G, 0, 0, &P), "plan of the test graph");
    for (int i = 0; i < KGNNLayerCount(); i++, rows++) {
      CheckLayer(E, KGNNLayerAt(i), &P, &seed);
      if (KGNNLayerAt(i)->role == KGNN_LAYER_NODE) CheckNetwork(E, i, &seed), CheckNetworkBlocks(E, i, &seed);
    }
    KGNNPlanDestroy(&P);
  }
  {
    int idx;
    CHECK(KGNNLayerFind("NoSuchLayer", KGNN_LAYER_NODE, &idx) == KGNN_ERR_UNKNOWN && idx == -1, "an unknown layer name is an error");
    CHECK(KGNNLayerFind("MessagePassingMLP", KGNN_LAYER_NODE, &idx) == KGNN_OK && idx == KGNN_NODE_MESSAGE_MLP, "the table's rows are KGNNNodeModel's values");
    CHECK(KGNNLayerFind("GlobalGraphTransformer", KGNN_LAYER_NODE, &idx) == KGNN_OK && idx == KGNN_NODE_GLOBAL, "the table's rows are KGNNNodeModel's values");
  }
  printf("%d layer x engine pairs checked; %s\n", rows, test_failures ? "FAILED" : "all passed");
  if (test_failures) printf("%d check(s) failed\n", test_failures);
  return test_failures ? 1 : 0;
}
