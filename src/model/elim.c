/* The elimination-order layer (issue 12): a processor block that visits the columns of tril(A)
   in elimination order, as IC(0) does, forward and backward (a reverse sweep) side by side.
   For column j, with s the edge states already finished (the columns k < j it depends on):
     c_j  = e_jj - sum_{k: (j,k) lower} [Wp s_jk] * [Wq s_jk]              (IC(0): a_jj - sum l_jk^2)
     d_j  = sqrt(phi(u . c_j)),  out_jj = w_d d_j                            (the pivot, > 0)
     c_ij = e_ij - sum_{k < j: (i,k), (j,k) lower} [Wp s_ik] * [Wq s_jk]    (IC(0): a_ij - sum l_ik l_jk)
     out_ij = Wo c_ij / d_j                                                 (IC(0): / l_jj)
     s = e + out on the lower and diagonal edges; * is the channelwise product, [.] a clip to
     [-CLIP, CLIP] (below)
   and node j from its finished column: out_j = Wn [h_j, mean_{i >= j} s_ij]. The edge (i, j)
   runs exactly the updates of IC(0) (the triangles of the plan), so with weights set by hand
   (share/python/make_elim_fixture.py) the layer is IC(0), and the exact Cholesky factor on a
   tridiagonal pattern; its receptive field is IC(0)'s, at IC(0)'s cost times H^2. The upper
   and virtual edges are left as they are (out = 0).
   phi(z) = z for z >= tau, tau^2 / (2 tau - z) below (C^1, 0 < phi' <= 1): every pivot is
   positive, so the layer never breaks down, and it is the identity wherever IC(0)'s pivot is.
   Columns of one level set are independent (the plan's eorder, level by level); the layer's
   output is written to out = [node rows (n x H); edge rows (m x H)] (writes_edges), and the
   backward does not read e (the network adds the edge rows into e in place; in inference the
   layer adds them itself, x->eres). It reads no edge above the diagonal (lower_only), so the
   network gives it a plan of the lower triangle alone (plan.h). */
#include "layer.h"
#include <float.h>
#include <math.h>

/* the pivot floor's scale: where u . c_j >= TAU the layer is IC(0)'s arithmetic (the squared
   pivots of A / max|A| are above 0.5 on the tests' Poisson and tridiagonal matrices and above
   7e-3 on the synthetic test set, where 1e-2 was too large: 7 of 100 samples lost their exact
   factor); below, 1 / d_j grows at most like sqrt(|z|) / TAU. The weights move the threshold:
   u -> alpha u, Wo -> sqrt(alpha) Wo, w_d -> w_d / sqrt(alpha) give the same outputs above
   TAU / alpha */
#define TAU 1e-4
const KGNNReal KGNNElimTau = TAU; /* for -init_ic0 (elim_init.c), which moves the floor by the weights */
/* the factors of the products are clipped to [-CLIP, CLIP]: without it a state that grows is
   squared by every later column and random weights overflow within a few dozen columns; IC(0)'s
   own factors of A / max|A| stay inside (the hand-set model's |l_ik| <= 1 on the test matrices) */
#define CLIP 2.0

typedef struct {
  KGNNLinear p, q, o, n; /* H x H, H x H, H x H, H x 2H; no biases */
  KGNNReal  *u, *wd;     /* H each */
} Elim;

typedef struct {
  KGNNReal *s, *c;     /* m x H: states, pre-division values (training) */
  KGNNReal *P, *Q;     /* nlower x H (the lower edges, plan.h's lpos): Wp s, Wq s (before the clip) */
  KGNNReal *cd, *mean; /* n x H: the diagonal's c (training), the finished column's mean */
  KGNNReal *z, *d;     /* n: pivot argument, pivot */
} Cache;

/* inference (training 0) keeps no s, c and cd: only the backward reads them, so the forward then
   holds one edge's and one column's in the layer's work; the products P and Q are kept for the
   lower edges alone (the diagonal's are never read) */
static Cache Carve(const KGNNPlan *P, KGNNInt H, void *cache, int training)
{
  const size_t m = P->G.nnz, n = P->G.n, nl = P->nlower;
  char        *c = cache;
  Cache        C;
  C.s    = training ? KGNNCarve(&c, m * H * sizeof(KGNNReal)) : NULL;
  C.c    = training ? KGNNCarve(&c, m * H * sizeof(KGNNReal)) : NULL;
  C.P    = KGNNCarve(&c, nl * H * sizeof(KGNNReal));
  C.Q    = KGNNCarve(&c, nl * H * sizeof(KGNNReal));
  C.cd   = training ? KGNNCarve(&c, n * H * sizeof(KGNNReal)) : NULL;
  C.mean = KGNNCarve(&c, n * H * sizeof(KGNNReal));
  C.z    = KGNNCarve(&c, n * sizeof(KGNNReal));
  C.d    = KGNNCarve(&c, n * sizeof(KGNNReal));
  return C;
}

static KGNNErr Tensors(const KGNNLayer *L, KGNNWalk *w, const char *prefix, KGNNInt H, void *weights)
{
  Elim *B = weights;
  KGNN_TRY(KGNNWalkLinear(w, prefix, "p", H, H, 0, KGNN_INIT_TORCH, &B->p));
  KGNN_TRY(KGNNWalkLinear(w, prefix, "q", H, H, 0, KGNN_INIT_TORCH, &B->q));
  /* o as torch.nn.Linear: starting it at zero let -loss kaporin start from random weights (with
     torch's it stops at step 2 on a non-finite loss: 1 / d_j of the pivots below tau overflows
     the triangular solves), but the cosine loss then stalled at 0.69 (0.997 with torch's, 60
     epochs, synthetic); train kaporin from a cosine-trained model (-init) instead */
  KGNN_TRY(KGNNWalkLinear(w, prefix, "o", H, H, 0, KGNN_INIT_TORCH, &B->o));
  KGNN_TRY(KGNNWalkLinear(w, prefix, "n", 2 * H, H, 0, KGNN_INIT_TORCH, &B->n));
  KGNN_TRY(KGNNWalkTensor(w, prefix, "u", 1, H, 0, H, KGNN_INIT_TORCH, &B->u));
  return KGNNWalkTensor(w, prefix, "w_diag", 1, H, 0, H, KGNN_INIT_TORCH, &B->wd);
}

static size_t CacheSize(const KGNNLayer *L, KGNNInt H, const KGNNPlan *P, int training)
{
  const size_t m = P->G.nnz, n = P->G.n, nl = P->nlower;
  return (training ? 2 * KGNN_REALS(m * H) + KGNN_REALS(n * H) : 0) + 2 * KGNN_REALS(nl * H) + KGNN_REALS(n * H) + 2 * KGNN_REALS(n);
}

/* the backward's adjoints; the forward's o c (and, in inference, one edge's c and s and one
   column's c_j) */
static size_t WorkSize(const KGNNLayer *L, KGNNInt H, const KGNNPlan *P, int training)
{
  return training ? 2 * (size_t)P->nlower * H + 2 * (size_t)P->G.n * H + 4 * (size_t)H : 4 * (size_t)H;
}

static inline KGNNReal Clip(KGNNReal v)
{
  return v > CLIP ? CLIP : (v < -CLIP ? -CLIP : v);
}
static inline KGNNReal Pass(KGNNReal v) /* Clip's derivative */
{
  return v > -CLIP && v < CLIP ? 1.0 : 0.0;
}

static KGNNReal Phi(KGNNReal z, KGNNReal *dphi)
{
  if (z >= TAU) return *dphi = 1, z;
  *dphi = TAU * TAU / ((2 * TAU - z) * (2 * TAU - z));
  return TAU * TAU / (2 * TAU - z);
}

/* y = W x (W: out x ld row-major, the first k columns), y += W^T g */
static void MatVec(KGNNInt H, const KGNNLinear *l, const KGNNReal *x, KGNNReal *y)
{
  for (KGNNInt r = 0; r < H; r++) {
    KGNNReal t = 0;
    for (KGNNInt c = 0; c < H; c++) t += l->W[r * l->in + c] * x[c];
    y[r] = t;
  }
}
static void MatTVecAdd(KGNNInt H, const KGNNLinear *l, const KGNNReal *g, KGNNReal *x)
{
  for (KGNNInt r = 0; r < H; r++)
    for (KGNNInt c = 0; c < H; c++) x[c] += l->W[r * l->in + c] * g[r];
}
static void OuterAdd(KGNNInt H, KGNNLinear *gl, const KGNNReal *g, const KGNNReal *x)
{
  for (KGNNInt r = 0; r < H; r++)
    for (KGNNInt c = 0; c < H; c++) gl->W[r * gl->in + c] += g[r] * x[c];
}

/* the lower edges into column j are the plan's receiver group of j with a sender i > j */
#define LOWER_IN(P, q, j) ((P)->eidx[q] < (P)->mreal && (P)->sender[(P)->eidx[q]] > (j))

/* the offset of lower edge k's products in P, Q and their adjoints */
#define LP(P, k, H) ((size_t)(P)->lpos[k] * (H))

/* the forward over the columns in the order ord (ncol of them): any order in which a column
   comes after the columns it depends on gives the same bits (test_gnn_elim_ic0). With x->eres
   (inference) the edge rows go straight into eres as e + out: each edge's e is read once, when
   its column runs, before its row is written, so eres may be e. */
KGNNErr KGNNElimForwardOrder(const KGNNLayerCtx *x, const void *weights, const KGNNReal *h, const KGNNReal *e, KGNNReal *out, void *cache, const KGNNInt *ord, KGNNInt ncol)
{
  const Elim     *B = weights;
  const KGNNPlan *P = x->P;
  const KGNNInt   H = x->H, n = P->G.n, m = P->G.nnz;
  const Cache     C  = Carve(P, H, cache, x->training);
  KGNNReal       *oe = x->eres ? NULL : out + (size_t)n * H, *tmp = x->work, *c1 = tmp + H, *s1 = tmp + 2 * H, *cd1 = tmp + 3 * H; /* c1, s1, cd1: inference's */

  x->E->zero(x->E, out, (size_t)(x->eres ? n : n + m) * H);
  x->E->zero(x->E, C.mean, (size_t)n * H);
  if (x->training) x->E->copy(x->E, C.s, e, (size_t)m * H);
  for (KGNNInt t = 0; t < ncol; t++) {
    const KGNNInt j = ord[t], dg = P->diag[j];
    KGNNReal     *cd = x->training ? C.cd + (size_t)j * H : cd1, dphi, cnt = 0;
    for (KGNNInt f = 0; f < H; f++) cd[f] = dg >= 0 ? e[(size_t)dg * H + f] : 0.0;
    for (KGNNInt q = P->rowptr[j]; q < P->rowptr[j + 1]; q++) {
      const KGNNReal *pk = C.P + LP(P, P->rowidx[q], H), *qk = C.Q + LP(P, P->rowidx[q], H);
      for (KGNNInt f = 0; f < H; f++) cd[f] -= Clip(pk[f]) * Clip(qk[f]);
    }
    C.z[j] = 0;
    for (KGNNInt f = 0; f < H; f++) C.z[j] += B->u[f] * cd[f];
    C.d[j] = sqrt(Phi(C.z[j], &dphi));
    if (dg >= 0) {
      KGNNReal *sd = x->training ? C.s + (size_t)dg * H : s1;
      for (KGNNInt f = 0; f < H; f++) {
        const KGNNReal o = B->wd[f] * C.d[j];
        sd[f]            = e[(size_t)dg * H + f] + o;
        if (oe) oe[(size_t)dg * H + f] = o;
      }
      if (x->eres) /* a plain loop, as the layer's other per-column work (no engine call per row) */
        for (KGNNInt f = 0; f < H; f++) x->eres[(size_t)dg * H + f] = sd[f];
      for (KGNNInt f = 0; f < H; f++) C.mean[(size_t)j * H + f] += sd[f];
      cnt++;
    }
    for (KGNNInt q = P->rptr[j]; q < P->rptr[j + 1]; q++) {
      const KGNNInt ed = P->eidx[q];
      KGNNReal     *c  = x->training ? C.c + (size_t)ed * H : c1, *s = x->training ? C.s + (size_t)ed * H : s1;
      if (!LOWER_IN(P, q, j)) continue;
      for (KGNNInt f = 0; f < H; f++) c[f] = e[(size_t)ed * H + f];
      for (KGNNInt t2 = P->tptr[ed]; t2 < P->tptr[ed + 1]; t2++) {
        const KGNNReal *pk = C.P + LP(P, P->tri[2 * t2], H), *qk = C.Q + LP(P, P->tri[2 * t2 + 1], H);
        for (KGNNInt f = 0; f < H; f++) c[f] -= Clip(pk[f]) * Clip(qk[f]);
      }
      MatVec(H, &B->o, c, tmp);
      for (KGNNInt f = 0; f < H; f++) {
        const KGNNReal o = tmp[f] / C.d[j];
        s[f]             = e[(size_t)ed * H + f] + o;
        if (oe) oe[(size_t)ed * H + f] = o;
      }
      if (x->eres)
        for (KGNNInt f = 0; f < H; f++) x->eres[(size_t)ed * H + f] = s[f];
      MatVec(H, &B->p, s, C.P + LP(P, ed, H));
      MatVec(H, &B->q, s, C.Q + LP(P, ed, H));
      for (KGNNInt f = 0; f < H; f++) C.mean[(size_t)j * H + f] += s[f];
      cnt++;
    }
    if (cnt > 0)
      for (KGNNInt f = 0; f < H; f++) C.mean[(size_t)j * H + f] /= cnt;
  }
  /* the nodes, from their finished columns (virtual nodes: mean 0) */
  KGNN_TRY(KGNNLinearBlock(x->E, &B->n, 0, H, n, h, out, 0, 0));
  return KGNNLinearBlock(x->E, &B->n, H, H, n, C.mean, out, 1, 0);
}

static KGNNErr Forward(const KGNNLayer *L, const KGNNLayerCtx *x, const void *w, const KGNNReal *h, const KGNNReal *e, KGNNReal *out, void *cache)
{
  return KGNNElimForwardOrder(x, w, h, e, out, cache, x->P->eorder, x->P->nreal);
}

/* The reverse sweep: columns in the reverse of the forward's level order, so that every use of
   a column's states (by later columns) has added its adjoint before the column is undone. */
static KGNNErr Backward(const KGNNLayer *L, const KGNNLayerCtx *x, const void *weights, const KGNNReal *h, const KGNNReal *e, const void *cache, const KGNNReal *dout, KGNNReal *dh, KGNNReal *de, void *grad)
{
  const Elim     *B = weights;
  Elim           *g = grad;
  const KGNNPlan *P = x->P;
  const KGNNInt   H = x->H, n = P->G.n;
  const Cache     C     = Carve(P, H, (void *)cache, 1);
  const KGNNReal *doe   = dout + (size_t)n * H;
  KGNNReal       *gP    = x->work, *gQ = gP + (size_t)P->nlower * H, *dmean = gQ + (size_t)P->nlower * H, *dp = dmean + (size_t)n * H;
  KGNNReal       *gs    = dp + (size_t)n * H, *go = gs + H, *gc = go + H, *o = gc + H;

  KGNN_TRY(KGNNLinearBlockBackward(x->E, &B->n, 0, H, n, h, dout, dp, g->n.W));
  for (size_t k = 0; k < (size_t)n * H; k++) dh[k] += dp[k];
  KGNN_TRY(KGNNLinearBlockBackward(x->E, &B->n, H, H, n, C.mean, dout, dmean, g->n.W));
  x->E->zero(x->E, gP, 2 * (size_t)P->nlower * H);
  for (KGNNInt t = P->nreal - 1; t >= 0; t--) {
    const KGNNInt j = P->eorder[t], dg = P->diag[j];
    KGNNReal      cnt = dg >= 0, gd = 0, gz, dphi;
    for (KGNNInt q = P->rptr[j]; q < P->rptr[j + 1]; q++) cnt += LOWER_IN(P, q, j);
    for (KGNNInt q = P->rptr[j]; q < P->rptr[j + 1]; q++) {
      const KGNNInt   ed = P->eidx[q];
      const KGNNReal *s = C.s + (size_t)ed * H, *c = C.c + (size_t)ed * H;
      if (!LOWER_IN(P, q, j)) continue;
      /* s's adjoint: the column mean and the later columns' products (through the clip) */
      KGNNReal *gp = gP + LP(P, ed, H), *gq = gQ + LP(P, ed, H);
      for (KGNNInt f = 0; f < H; f++) {
        gs[f] = dmean[(size_t)j * H + f] / cnt;
        gp[f] *= Pass(C.P[LP(P, ed, H) + f]);
        gq[f] *= Pass(C.Q[LP(P, ed, H) + f]);
      }
      MatTVecAdd(H, &B->p, gp, gs);
      MatTVecAdd(H, &B->q, gq, gs);
      OuterAdd(H, &g->p, gp, s);
      OuterAdd(H, &g->q, gq, s);
      /* out = Wo c / d_j, s = e + out */
      MatVec(H, &B->o, c, o);
      for (KGNNInt f = 0; f < H; f++) {
        const KGNNReal gout = doe[(size_t)ed * H + f] + gs[f];
        go[f] = gout / C.d[j];
        gd -= gout * o[f] / (C.d[j] * C.d[j]);
        gc[f] = 0;
      }
      OuterAdd(H, &g->o, go, c);
      MatTVecAdd(H, &B->o, go, gc);
      for (KGNNInt f = 0; f < H; f++) de[(size_t)ed * H + f] += gs[f] + gc[f];
      for (KGNNInt t2 = P->tptr[ed]; t2 < P->tptr[ed + 1]; t2++) {
        const size_t a = LP(P, P->tri[2 * t2], H), b = LP(P, P->tri[2 * t2 + 1], H);
        for (KGNNInt f = 0; f < H; f++) gP[a + f] -= gc[f] * Clip(C.Q[b + f]), gQ[b + f] -= gc[f] * Clip(C.P[a + f]);
      }
    }
    if (dg >= 0) /* out_jj = w_d d_j, s_jj = e_jj + out_jj */
      for (KGNNInt f = 0; f < H; f++) {
        const KGNNReal gsd = dmean[(size_t)j * H + f] / cnt, gout = doe[(size_t)dg * H + f] + gsd;
        g->wd[f] += gout * C.d[j];
        gd += B->wd[f] * gout;
        de[(size_t)dg * H + f] += gsd;
      }
    /* d = sqrt(phi(z)), z = u . c_j */
    (void)Phi(C.z[j], &dphi);
    gz = gd / (2 * C.d[j]) * dphi;
    for (KGNNInt f = 0; f < H; f++) g->u[f] += gz * C.cd[(size_t)j * H + f], gc[f] = gz * B->u[f];
    if (dg >= 0)
      for (KGNNInt f = 0; f < H; f++) de[(size_t)dg * H + f] += gc[f];
    for (KGNNInt q = P->rowptr[j]; q < P->rowptr[j + 1]; q++) {
      const size_t k = LP(P, P->rowidx[q], H);
      for (KGNNInt f = 0; f < H; f++) gP[k + f] -= gc[f] * Clip(C.Q[k + f]), gQ[k + f] -= gc[f] * Clip(C.P[k + f]);
    }
  }
  return KGNN_OK;
}

/* how far the pivots' arguments are from phi's switch at tau (phi'' jumps there), and the
   products' factors from the clip's corners */
static KGNNReal Kink(const KGNNLayer *L, const KGNNLayerCtx *x, const void *w, const KGNNReal *h, const KGNNReal *e, const void *cache)
{
  const KGNNPlan *P = x->P;
  const Cache     C = Carve(P, x->H, (void *)cache, x->training);
  KGNNReal        d = DBL_MAX;
  for (KGNNInt j = 0; j < P->nreal; j++) d = KGNNMin(d, fabs(C.z[j] - TAU));
  for (KGNNInt k = 0; k < P->mreal; k++)
    if (P->sender[k] > P->receiver[k])
      for (KGNNInt f = 0; f < x->H; f++) d = KGNNMin(d, KGNNMin(fabs(fabs(C.P[LP(P, k, x->H) + f]) - CLIP), fabs(fabs(C.Q[LP(P, k, x->H) + f]) - CLIP)));
  return d;
}

const KGNNLayer KGNNLayerElim = {"ElimOrder",
                                 "columns in elimination order, IC(0)'s updates on the triangles of tril(A), learned (issue 12)",
                                 KGNN_LAYER_NODE,
                                 sizeof(Elim),
                                 Tensors,
                                 CacheSize,
                                 WorkSize,
                                 Forward,
                                 Backward,
                                 Kink,
                                 {NULL, NULL},
                                 {0, 0},
                                 1 /* writes_edges */,
                                 1 /* lower_only */};
