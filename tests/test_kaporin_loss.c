/* Kaporin's K as two losses (src/train/kaporin_loss.c): K1 = log K(L^T A^-1 L) and
   K2 = log K(L^-1 A L^-T), exact and Hutchinson, and their gradients.

   1. Against a dense NumPy evaluation (tests/fixtures/kaporin_loss.h5, written by
      share/python/make_kaporin_fixtures.py: trace and slogdet of the dense X, the gradients by
      matrix calculus) on 2D Poisson 5 x 5, a random sparse SPD 30 x 30, bcsstk01 and nos4, for a
      random factor with positive diagonal, IC(0) and the K-optimal factor; Hutchinson with the
      fixture's probes. The tolerances, F = 10 times the first-order bounds, gamma = gamma_2n:
        K1:  T = sum_i l_i^T B_i l_i is a sum of at most 2n products per entry in either code, so
             it carries gamma c1 relative, c1 = sum |l_i|^T |B_i| |l_i| / T; slogdet of the dense
             X carries gamma kappa(X) in log det X / n (a relative perturbation eps of X moves
             log det X by at most n eps kappa(X)). |dK1| <= F gamma (c1 + kappa(X1)).
             Gradient 2 B_i l_i / T - (2/n) e_1 / L_ii: each entry within gamma of its absolute
             form 2 |B_i| |l_i| / T + (2/n) / |L_ii| plus gamma c1 of itself (T), relative to the
             largest entry: max |dg| / max |g| <= F gamma (g1 + c1), g1 = max of the absolute
             form over max |g|.
        K2:  y = L^-T z by a triangular solve is componentwise within gamma |L^-T| |L^T| |y|
             (Higham, Thm 8.5), so y^T A y within gamma (2 sk + 1) of sum |y|^T |A| |y|, sk =
             || |L^-T| |L^T| ||_inf (Skeel), relative to the trace: gamma (2 sk + 1) c2, c2 the
             trace's absolute form over itself; slogdet as above. |dK2| <= F gamma ((2 sk + 1) c2
             + kappa(X2)). The gradient adds the forward solve w = L^-1 A y, of the same kind:
             max |dg| / max |g| <= F gamma (2 sk + 1) (g2 + c2).
      c1, c2, g1, g2, sk and the kappas come from the fixture (NumPy, for the same L and A).
   2. Against central differences of the C functions themselves, per entry (testutil.h's
      derivation: truncation measured from fd(2h) - fd(h), rounding from the loss's spread under
      one-ulp perturbations), with a relative step h = 1e-6 |l_p| (testutil's h = 1e-6 for an
      O(1) entry, the same in the variable log l_p).
   3. L = chol(A) (LAPACK potrf, full lower pattern) gives K1 = K2 = 0. The computed factor has
      L L^T = A + dA, |dA| <= gamma_{n+1} |L| |L^T| (Higham, Thm 10.3), so X = I - L^-1 dA L^-T
      and |tr X / n - 1| <= gamma s_L, s_L = || |L^-1| |L| ||_F^2 / n; the solves add twice that;
      NumPy's log det A adds gamma kappa(A) and, for K1, its inverse another gamma kappa(A)
      (tr(L^T (A^-1 + E) L) / n - 1 = tr(R) / n with R = Ainv A - I). Tolerance
      F gamma_{n+1} (3 s_L + 2 kappa(A)). K1, K2 > 0 for random factors (K > 1, AM-GM).
   4. K1's minimiser over the pattern of tril(A) is PCKOPT's factor up to a scalar: L-BFGS on K1
      from Jacobi's factor (in the variables x = D^-1/2 L, D = diag A: K1 of the Jacobi-scaled
      matrix; L_ii > 0 kept by rejecting steps that leave it), both factors scaled to unit
      Frobenius norm, to 1e-6 (the number), on five SuiteSparse matrices of 48 to 494 rows.
   5. kgnn-train's -loss kaporin, through KGNNBatchLoss (CheckBatch).
   6. kgnn-train's -loss kopt (CheckKoptLoss): its blocks by selected inversion and its optimum
      against the dense inverse and PCKOPT's dense path, on the matrices of 4. */
#include "testutil.h"
#include "train/train.h"

#define FIXTURE "tests/fixtures/kaporin_loss.h5"
#define SAFETY 10

typedef struct {
  PetscInt           n, nprobe, *rowptr, *colidx, *arow, *acol;
  PetscReal         *A, *Ainv, *aval, *B, *z, logdetA, condA;
  KGNNKaporinPattern P;
  int                which; /* 0: K1, 1: K2 exact, 2: K2 Hutchinson */
  PetscReal         *l;     /* the factor the finite differences move */
} Case;

static struct {
  PetscReal val[3], grad[3], fd, chol, fdtol;
} worst; /* the largest relative differences measured, for the report */

/* A (n x n column-major, symmetric) into CSR; L's pattern tril(A) (full: the whole lower
   triangle) unless rowptr/colidx are given (taken over); B from Ainv when given */
static PetscErrorCode CaseSetUp(Case *c, PetscInt n, PetscReal *A, PetscReal *Ainv, PetscBool full, PetscInt *rowptr, PetscInt *colidx)
{
  PetscInt nz = 0, k = 0;

  PetscFunctionBegin;
  c->n = n, c->A = A, c->Ainv = Ainv;
  for (PetscInt i = 0; i < n * n; i++) nz += A[i] != 0;
  PetscCall(PetscMalloc3(n + 1, &c->arow, nz, &c->acol, nz, &c->aval));
  c->arow[0] = 0;
  for (PetscInt i = 0; i < n; i++) {
    for (PetscInt j = 0; j < n; j++)
      if (A[i + j * n] != 0) c->acol[k] = j, c->aval[k++] = A[i + j * n];
    c->arow[i + 1] = k;
  }
  if (!rowptr) {
    PetscInt m = 0;
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt j = 0; j <= i; j++) m += full || j == i || A[i + j * n] != 0;
    PetscCall(PetscMalloc1(n + 1, &rowptr));
    PetscCall(PetscMalloc1(m, &colidx));
    rowptr[0] = m = 0;
    for (PetscInt i = 0; i < n; i++) {
      for (PetscInt j = 0; j <= i; j++)
        if (full || j == i || A[i + j * n] != 0) colidx[m++] = j;
      rowptr[i + 1] = m;
    }
  }
  c->rowptr = rowptr, c->colidx = colidx;
  PetscCall(KGNNKaporinPatternCreate(n, rowptr, colidx, &c->P));
  c->B = NULL;
  if (Ainv) {
    PetscCall(PetscMalloc1(c->P.bptr[n], &c->B));
    KGNNKaporinBlocksFromDense(&c->P, Ainv, c->B);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CaseDestroy(Case *c)
{
  PetscFunctionBegin;
  PetscCall(KGNNKaporinPatternDestroy(&c->P));
  PetscCall(PetscFree3(c->arow, c->acol, c->aval));
  PetscCall(PetscFree(c->rowptr));
  PetscCall(PetscFree(c->colidx));
  PetscCall(PetscFree(c->B));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Evaluate(const Case *c, int which, const PetscReal *l, PetscReal *dl, PetscReal *val)
{
  PetscFunctionBegin;
  if (which == 0) *val = KGNNKaporinInverseLoss(&c->P, c->B, l, c->logdetA, dl);
  else PetscCall(KGNNKaporinTraceLoss(&c->P, c->arow, c->acol, c->aval, l, which == 2 ? c->nprobe : 0, c->z, c->logdetA, val, dl));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscReal FDLoss(void *ctx)
{
  Case     *c = (Case *)ctx;
  PetscReal v;

  if (Evaluate(c, c->which, c->l, NULL, &v)) return PETSC_INFINITY;
  return v;
}

static PetscErrorCode Read(hid_t g, const char *name, hid_t type, size_t elsize, void **buf, hsize_t *len)
{
  hsize_t dummy;

  PetscFunctionBegin;
  PetscCall(TestH5ReadArray(g, name, type, buf, elsize, len ? len : &dummy));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ReadScalar(hid_t g, const char *name, PetscReal *v)
{
  PetscReal *buf;

  PetscFunctionBegin;
  PetscCall(Read(g, name, H5T_NATIVE_DOUBLE, sizeof(PetscReal), (void **)&buf, NULL));
  *v = buf[0];
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscReal MaxAbs(PetscInt m, const PetscReal *x)
{
  PetscReal s = 0;
  for (PetscInt k = 0; k < m; k++) s = PetscMax(s, PetscAbsReal(x[k]));
  return s;
}

/* 2: every gradient entry of the loss `which` at l against central differences */
static PetscErrorCode CheckFD(Case *c, const char *name, const char *factor, int which, PetscReal *l)
{
  const PetscInt  nnz = c->P.nnz;
  PetscReal      *g, spread = 0, v, worst_ratio = 0, worst_rel = 0, gmax;
  int             size      = (int)nnz;
  PetscReal      *params[1] = {l}, logd = 0;
  const PetscReal logdetA = c->logdetA, u = PETSC_MACHINE_EPSILON / 2;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(nnz, &g));
  c->logdetA = 0; /* the training form: the constant has no gradient, only round-off */
  PetscCall(Evaluate(c, which, l, g, &v));
  c->which = which, c->l = l;
  PetscCall(TestLossSpread(FDLoss, c, 1, params, &size, &spread));
  /* the spread can miss the final sum's rounding (a one-ulp move of l may not change f): at
     least 4 u of its terms, |log(tr / n)| <= |f| + (2/n) sum |log L_ii| and the log-det part */
  for (PetscInt i = 0; i < c->n; i++) logd += 2 * PetscAbsReal(PetscLogReal(l[c->P.diag[i]])) / c->n;
  spread = PetscMax(spread, 4 * u * (PetscAbsReal(v) + 2 * logd));
  gmax   = MaxAbs(nnz, g);
  for (PetscInt p = 0; p < nnz; p++) {
    PetscReal h = 1e-6 * PetscAbsReal(l[p]), fd, trunc, round, err;
    if (h == 0) h = 1e-6 * MaxAbs(nnz, l);
    TestCentralDifference(FDLoss, c, &l[p], h, &fd, &trunc);
    round = 10 * spread / (2 * h);
    err   = PetscAbsReal(fd - g[p]);
    CHECK(err <= trunc + round, "%s K%d%s: d/dl[%" PetscInt_FMT "] = %.12g, central difference %.12g (differ by %.2e > truncation %.2e + rounding %.2e)", name, which ? 2 : 1, which == 2 ? " Hutchinson" : "", p, (double)g[p], (double)fd, (double)err,
          (double)trunc, (double)round);
    worst_ratio = PetscMax(worst_ratio, err / (trunc + round));
    worst_rel   = PetscMax(worst_rel, err / gmax);
  }
  c->logdetA = logdetA;
  if (!strcmp(factor, "random")) worst.fd = PetscMax(worst.fd, worst_rel); /* at the K-optimal factor K1's gradient is 0 */
  worst.fdtol = PetscMax(worst.fdtol, worst_ratio);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "  FD  %-10s %-6s K%d%-2s %4d entries: max |fd - g| %.1e, max |g| %.1e, largest difference %.2f of its tolerance\n", name, factor, which ? 2 : 1, which == 2 ? "h" : "", size, (double)(worst_rel * gmax),
                        (double)gmax, (double)worst_ratio));
  PetscCall(PetscFree(g));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* 1: one factor of one fixture case against NumPy, then 2 for the random and K-optimal ones */
static PetscErrorCode CheckFactor(Case *c, hid_t g, const char *name, const char *factor)
{
  const PetscInt  nnz   = c->P.nnz;
  const PetscReal gamma = TestGamma(2 * c->n);
  hid_t           h     = H5Gopen2(g, factor, H5P_DEFAULT);
  PetscReal      *l, *ref, *dl, val, rv, sk, kx1, kx2;
  const char     *names[3] = {"K1", "K2", "K2h"}, *gnames[3] = {"K1_grad", "K2_grad", "K2h_grad"}, *cn[3] = {"c1", "c2", "c2h"}, *gn[3] = {"g1", "g2", "g2h"};
  hsize_t         len = 0;

  PetscFunctionBegin;
  PetscCheck(h >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "no group %s/%s in " FIXTURE, name, factor);
  PetscCall(Read(h, "l", H5T_NATIVE_DOUBLE, sizeof(PetscReal), (void **)&l, &len));
  PetscCheck((PetscInt)len == nnz, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s/%s/l has %d entries, the pattern %" PetscInt_FMT, name, factor, (int)len, nnz);
  PetscCall(ReadScalar(h, "sk", &sk));
  PetscCall(ReadScalar(h, "kx1", &kx1));
  PetscCall(ReadScalar(h, "kx2", &kx2));
  PetscCall(PetscMalloc1(nnz, &dl));
  for (int w = 0; w < 3; w++) {
    PetscReal tv, tg, dv, dg, cc, gg;
    PetscCall(ReadScalar(h, names[w], &rv));
    PetscCall(ReadScalar(h, cn[w], &cc));
    PetscCall(ReadScalar(h, gn[w], &gg));
    PetscCall(Read(h, gnames[w], H5T_NATIVE_DOUBLE, sizeof(PetscReal), (void **)&ref, NULL));
    PetscCall(Evaluate(c, w, l, dl, &val));
    for (PetscInt p = 0; p < nnz; p++) dl[p] -= ref[p];
    dv = PetscAbsReal(val - rv), dg = MaxAbs(nnz, dl) / (gg * MaxAbs(nnz, ref)); /* over the largest absolute form */
    if (w == 0) tv = SAFETY * gamma * (cc + kx1), tg = SAFETY * gamma * (1 + cc / gg);
    else tv = SAFETY * gamma * ((2 * sk + 1) * cc + kx2), tg = SAFETY * gamma * (2 * sk + 1) * (1 + cc / gg);
    CHECK(dv <= tv, "%s %s %s: C %.17g, NumPy %.17g (differ by %.2e > %.2e)", name, factor, names[w], (double)val, (double)rv, (double)dv, (double)tv);
    CHECK(dg <= tg, "%s %s %s gradient: max |C - NumPy| / max of its absolute form = %.2e > %.2e", name, factor, names[w], (double)dg, (double)tg);
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "  ref %-10s %-6s %-3s = %10.6f: |C - NumPy| %.1e (tolerance %.1e), gradient %.1e (tolerance %.1e)\n", name, factor, names[w], (double)val, (double)dv, (double)tv, (double)dg, (double)tg));
    worst.val[w]  = PetscMax(worst.val[w], dv / PetscMax(PetscAbsReal(rv), 1e-300));
    worst.grad[w] = PetscMax(worst.grad[w], dg);
    PetscCall(PetscFree(ref));
  }
  if (strcmp(factor, "ic0"))
    for (int w = 0; w < 3; w++) PetscCall(CheckFD(c, name, factor, w, l));
  PetscCall(PetscFree(dl));
  PetscCall(PetscFree(l));
  H5Gclose(h);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* 3: K1 = K2 = 0 at L = chol(A), and K1, K2 > 0 for random factors, on the full lower pattern */
static PetscErrorCode CheckCholesky(const char *name, PetscInt n, PetscReal *A, PetscReal *Ainv, const PetscReal *z, PetscInt nprobe, PetscReal logdetA, PetscReal condA)
{
  Case         c = {0};
  PetscReal   *Ld, *Li, *l, sL = 0, v[2], tol;
  PetscBLASInt bn, info;
  KGNNRandom   r = {7};

  PetscFunctionBegin;
  PetscCall(CaseSetUp(&c, n, A, Ainv, PETSC_TRUE, NULL, NULL));
  c.logdetA = logdetA, c.z = (PetscReal *)z, c.nprobe = nprobe;
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCall(PetscMalloc3(n * n, &Ld, n * n, &Li, c.P.nnz, &l));
  PetscCall(PetscArraycpy(Ld, A, n * n));
  PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("L", &bn, Ld, &bn, &info));
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "%s: potrf %d", name, (int)info);
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt i = 0; i < j; i++) Ld[i + j * n] = 0;
  for (PetscInt k = 0; k < n * n; k++) Li[k] = k % (n + 1) == 0; /* L^-1 = L \ I */
  PetscCallBLAS("LAPACKtrtrs", LAPACKtrtrs_("L", "N", "N", &bn, &bn, Ld, &bn, Li, &bn, &info));
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "%s: trtrs %d", name, (int)info);
  for (PetscInt i = 0; i < n; i++) /* s_L = || |L^-1| |L| ||_F^2 / n */
    for (PetscInt j = 0; j <= i; j++) {
      PetscReal s = 0;
      for (PetscInt k = j; k <= i; k++) s += PetscAbsReal(Li[i + k * n]) * PetscAbsReal(Ld[k + j * n]);
      sL += s * s / n;
    }
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt p = c.rowptr[i]; p < c.rowptr[i + 1]; p++) l[p] = Ld[i + c.colidx[p] * n];
  PetscCall(Evaluate(&c, 0, l, NULL, &v[0]));
  PetscCall(Evaluate(&c, 1, l, NULL, &v[1]));
  tol = SAFETY * TestGamma(n + 1) * (3 * sL + 2 * condA);
  for (int w = 0; w < 2; w++) {
    CHECK(PetscAbsReal(v[w]) <= tol, "%s: K%d at chol(A) = %.3e, not 0 to round-off %.1e", name, w + 1, (double)v[w], (double)tol);
    worst.chol = PetscMax(worst.chol, PetscAbsReal(v[w]));
  }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "  chol %-10s K1 = %.1e, K2 = %.1e at L = chol(A) (tolerance %.1e)\n", name, (double)v[0], (double)v[1], (double)tol));
  for (int t = 0; t < 20; t++) { /* factors from near chol(A) to far from it: K > 1 */
    PetscReal eps = PetscPowReal(10, -4 + 0.25 * t);
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt p = c.rowptr[i]; p < c.rowptr[i + 1]; p++) {
        PetscReal s = 1 + eps * (2 * KGNNRandomUniform(&r) - 1);
        l[p]        = c.colidx[p] == i ? PetscAbsReal(Ld[i + i * n] * s) : Ld[i + c.colidx[p] * n] * s + eps * (2 * KGNNRandomUniform(&r) - 1) * Ld[i + i * n];
      }
    PetscCall(Evaluate(&c, 0, l, NULL, &v[0]));
    PetscCall(Evaluate(&c, 1, l, NULL, &v[1]));
    CHECK(v[0] > 0 && v[1] > 0, "%s: perturbation %d (eps %.1e): K1 %.3e, K2 %.3e, not > 0 (K > 1)", name, t, (double)eps, (double)v[0], (double)v[1]);
  }
  PetscCall(PetscFree3(Ld, Li, l));
  PetscCall(CaseDestroy(&c));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* KGNNKaporinProbes: Hutchinson's estimate of t = tr X, X = L^-1 A L^-T, over p of its Rademacher
   probes is unbiased with variance 2 (|X|_F^2 - sum_i X_ii^2) / p; with p = 4096 it must fall
   within 5 standard deviations of the exact trace (fails with probability below 1e-6 for a
   correct generator; a biased one, say never -1, misses by far more). X from LAPACK. */
static PetscErrorCode CheckProbes(Case *c, const char *name, hid_t g)
{
  const PetscInt n = c->n, p = 4096;
  hid_t          h = H5Gopen2(g, "random", H5P_DEFAULT);
  PetscReal     *l, *Y, *AY, *z, *zsave = c->z, fro = 0, dia = 0, t = 0, th, logd = 0, sd, psave = c->nprobe, ldsave = c->logdetA;
  PetscBLASInt   bn, info;
  KGNNRandom     r = {12345};

  PetscFunctionBegin;
  PetscCall(Read(h, "l", H5T_NATIVE_DOUBLE, sizeof(PetscReal), (void **)&l, NULL));
  H5Gclose(h);
  PetscCall(PetscCalloc3(n * n, &Y, n * n, &AY, p * n, &z));
  PetscCall(PetscBLASIntCast(n, &bn));
  { /* Y = L^-T: L dense, then trtrs with the identity */
    PetscReal *Ld;
    PetscCall(PetscCalloc1(n * n, &Ld));
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt q = c->rowptr[i]; q < c->rowptr[i + 1]; q++) Ld[i + c->colidx[q] * n] = l[q];
    for (PetscInt i = 0; i < n; i++) Y[i + i * n] = 1;
    PetscCallBLAS("LAPACKtrtrs", LAPACKtrtrs_("L", "T", "N", &bn, &bn, Ld, &bn, Y, &bn, &info));
    PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "trtrs %d", (int)info);
    PetscCall(PetscFree(Ld));
  }
  for (PetscInt j = 0; j < n; j++) /* AY = A Y */
    for (PetscInt k = 0; k < n; k++)
      for (PetscInt i = 0; i < n; i++) AY[i + j * n] += c->A[i + k * n] * Y[k + j * n];
  for (PetscInt j = 0; j < n; j++) /* X = Y^T A Y */
    for (PetscInt i = 0; i < n; i++) {
      PetscReal x = 0;
      for (PetscInt k = 0; k < n; k++) x += Y[k + i * n] * AY[k + j * n];
      fro += x * x;
      if (i == j) dia += x * x, t += x;
    }
  KGNNKaporinProbes(&r, n, p, z);
  for (PetscInt k = 0; k < p * n; k++) CHECK(z[k] == 1 || z[k] == -1, "%s: probe entry %" PetscInt_FMT " is %g, not +-1", name, k, (double)z[k]);
  c->z = z, c->nprobe = p, c->logdetA = 0;
  PetscCall(Evaluate(c, 2, l, NULL, &th));
  c->z = zsave, c->nprobe = (PetscInt)psave, c->logdetA = ldsave;
  for (PetscInt i = 0; i < n; i++) logd += PetscLogReal(l[c->P.diag[i]]);
  th = n * PetscExpReal(th - 2 * logd / n); /* K2 = log(t / n) + (2/n) sum log L_ii */
  sd = PetscSqrtReal(2 * (fro - dia) / p);
  CHECK(PetscAbsReal(th - t) <= 5 * sd, "%s: Hutchinson's trace over %" PetscInt_FMT " probes %.10g, exact %.10g: %.1f standard deviations apart", name, p, (double)th, (double)t, (double)(PetscAbsReal(th - t) / sd));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "  probes %-8s %" PetscInt_FMT " of KGNNKaporinProbes: trace %.6f, exact %.6f (%.2f standard deviations)\n", name, p, (double)th, (double)t, (double)(PetscAbsReal(th - t) / sd)));
  PetscCall(PetscFree3(Y, AY, z));
  PetscCall(PetscFree(l));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckFixture(void)
{
  hid_t f = H5Fopen(FIXTURE, H5F_ACC_RDONLY, H5P_DEFAULT);
  char  cases[256], *tok, *save = NULL;
  hid_t a, t;

  PetscFunctionBegin;
  PetscCheck(f >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open " FIXTURE " (share/python/make_kaporin_fixtures.py writes it)");
  a = H5Aopen(f, "cases", H5P_DEFAULT);
  t = H5Aget_type(a);
  if (H5Tis_variable_str(t) > 0) {
    char *s;
    PetscCheck(H5Aread(a, t, &s) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "cannot read the cases of " FIXTURE);
    PetscCall(PetscStrncpy(cases, s, sizeof(cases)));
    H5free_memory(s);
  } else {
    size_t sz = H5Tget_size(t);
    PetscCheck(sz < sizeof(cases) && H5Aread(a, t, cases) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "cannot read the cases of " FIXTURE);
    cases[sz] = 0;
  }
  H5Tclose(t);
  H5Aclose(a);
  for (tok = strtok_r(cases, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    hid_t       g = H5Gopen2(f, tok, H5P_DEFAULT);
    Case        c = {0};
    PetscReal  *A, *Ainv;
    PetscInt64 *rp64, *ci64;
    PetscInt   *rowptr, *colidx;
    hsize_t     len = 0, lrp = 0, lci = 0, lz = 0;
    PetscInt    n;

    PetscCheck(g >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "no group %s in " FIXTURE, tok);
    PetscCall(Read(g, "A", H5T_NATIVE_DOUBLE, sizeof(PetscReal), (void **)&A, &len));
    PetscCall(Read(g, "Ainv", H5T_NATIVE_DOUBLE, sizeof(PetscReal), (void **)&Ainv, NULL));
    PetscCall(Read(g, "rowptr", H5T_NATIVE_INT64, sizeof(PetscInt64), (void **)&rp64, &lrp));
    PetscCall(Read(g, "colidx", H5T_NATIVE_INT64, sizeof(PetscInt64), (void **)&ci64, &lci));
    n = (PetscInt)lrp - 1;
    PetscCheck((PetscInt)len == n * n, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: A is not %" PetscInt_FMT " x %" PetscInt_FMT, tok, n, n);
    PetscCall(PetscMalloc1(lrp, &rowptr)); /* taken over by the case */
    PetscCall(PetscMalloc1(lci, &colidx));
    for (hsize_t k = 0; k < lrp; k++) rowptr[k] = (PetscInt)rp64[k];
    for (hsize_t k = 0; k < lci; k++) colidx[k] = (PetscInt)ci64[k];
    PetscCall(PetscFree(rp64));
    PetscCall(PetscFree(ci64));
    PetscCall(CaseSetUp(&c, n, A, Ainv, PETSC_FALSE, rowptr, colidx)); /* NumPy's row-major A and A^-1 are symmetric */
    PetscCall(ReadScalar(g, "logdetA", &c.logdetA));
    PetscCall(ReadScalar(g, "condA", &c.condA));
    PetscCall(Read(g, "z", H5T_NATIVE_DOUBLE, sizeof(PetscReal), (void **)&c.z, &lz));
    c.nprobe = (PetscInt)lz / n;
    PetscCall(CheckFactor(&c, g, tok, "random"));
    PetscCall(CheckProbes(&c, tok, g));
    PetscCall(CheckFactor(&c, g, tok, "ic0"));
    PetscCall(CheckFactor(&c, g, tok, "kopt"));
    PetscCall(CheckCholesky(tok, n, A, Ainv, c.z, c.nprobe, c.logdetA, c.condA));
    PetscCall(PetscFree(c.z));
    PetscCall(CaseDestroy(&c));
    PetscCall(PetscFree(A));
    PetscCall(PetscFree(Ainv));
    H5Gclose(g);
  }
  H5Fclose(f);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---- 4: K1's minimiser by L-BFGS ---- */

/* f(x) = K1(l), l_p = x_p sc_p; +infinity when a diagonal entry is not positive */
static PetscErrorCode Objective(const Case *c, const PetscReal *sc, const PetscReal *x, PetscReal *l, PetscReal *g, PetscReal *f)
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < c->n; i++)
    if (!(x[c->P.diag[i]] > 0)) {
      *f = PETSC_INFINITY;
      PetscFunctionReturn(PETSC_SUCCESS);
    }
  for (PetscInt p = 0; p < c->P.nnz; p++) l[p] = x[p] * sc[p];
  *f = KGNNKaporinInverseLoss(&c->P, c->B, l, 0, g);
  for (PetscInt p = 0; p < c->P.nnz; p++) g[p] *= sc[p];
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscReal Dot(PetscInt m, const PetscReal *a, const PetscReal *b)
{
  PetscReal s = 0;
  for (PetscInt k = 0; k < m; k++) s += a[k] * b[k];
  return s;
}

/* L-BFGS (memory M) with a bisection line search for the weak Wolfe conditions (c1 = 1e-4,
   c2 = 0.9); stops when max |g| <= gtol or a line search cannot decrease f any more */
#define M 20
static PetscErrorCode LBFGS(const Case *c, const PetscReal *sc, PetscReal *x, PetscReal gtol, PetscInt maxit, PetscInt *its, PetscReal *fx, PetscReal *gmax)
{
  const PetscInt N = c->P.nnz;
  PetscReal     *S, *Y, rho[M], al[M], *g, *d, *xn, *gn, *l, f, fn;
  PetscInt       stored = 0, head = 0, it;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(M * N, &S, M * N, &Y));
  PetscCall(PetscMalloc5(N, &g, N, &d, N, &xn, N, &gn, N, &l));
  PetscCall(Objective(c, sc, x, l, g, &f));
  for (it = 0; it < maxit && MaxAbs(N, g) > gtol; it++) {
    PetscReal gd, a, lo = 0, hi = PETSC_INFINITY;
    PetscBool ok = PETSC_FALSE;
    for (PetscInt k = 0; k < N; k++) d[k] = g[k];
    for (PetscInt q = 0; q < stored; q++) { /* newest first */
      PetscInt j = (head - 1 - q + M) % M;
      al[j]      = rho[j] * Dot(N, S + j * N, d);
      for (PetscInt k = 0; k < N; k++) d[k] -= al[j] * Y[j * N + k];
    }
    if (stored) {
      PetscInt  j  = (head - 1 + M) % M;
      PetscReal h0 = Dot(N, S + j * N, Y + j * N) / Dot(N, Y + j * N, Y + j * N);
      for (PetscInt k = 0; k < N; k++) d[k] *= h0;
    } else
      for (PetscInt k = 0; k < N; k++) d[k] *= 1e-2 / MaxAbs(N, g);
    for (PetscInt q = stored - 1; q >= 0; q--) {
      PetscInt  j = (head - 1 - q + M) % M;
      PetscReal b = rho[j] * Dot(N, Y + j * N, d);
      for (PetscInt k = 0; k < N; k++) d[k] += (al[j] - b) * S[j * N + k];
    }
    for (PetscInt k = 0; k < N; k++) d[k] = -d[k];
    gd = Dot(N, g, d);
    if (!(gd < 0)) { /* not a descent direction: forget the memory */
      stored = 0;
      for (PetscInt k = 0; k < N; k++) d[k] = -g[k] * 1e-2 / MaxAbs(N, g);
      gd = Dot(N, g, d);
    }
    a = 1;
    for (int ls = 0; ls < 60; ls++) {
      for (PetscInt k = 0; k < N; k++) xn[k] = x[k] + a * d[k];
      PetscCall(Objective(c, sc, xn, l, gn, &fn));
      if (!(fn <= f + 1e-4 * a * gd)) hi = a;
      else if (Dot(N, gn, d) < 0.9 * gd) lo = a;
      else {
        ok = PETSC_TRUE;
        break;
      }
      a = hi < PETSC_INFINITY ? (lo + hi) / 2 : 2 * a;
    }
    if (!ok) break; /* f cannot decrease along d beyond round-off */
    for (PetscInt k = 0; k < N; k++) S[head * N + k] = xn[k] - x[k], Y[head * N + k] = gn[k] - g[k];
    if (Dot(N, S + head * N, Y + head * N) > 0) {
      rho[head] = 1 / Dot(N, S + head * N, Y + head * N);
      head      = (head + 1) % M;
      stored    = PetscMin(stored + 1, M);
    }
    PetscCall(PetscArraycpy(x, xn, N));
    PetscCall(PetscArraycpy(g, gn, N));
    f = fn;
  }
  *its = it, *fx = f, *gmax = MaxAbs(N, g);
  PetscCall(PetscFree2(S, Y));
  PetscCall(PetscFree5(g, d, xn, gn, l));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* 6: kgnn-train's -loss kopt (src/train/kopt_loss.c): its blocks of A^-1 come from CHOLMOD's
   selected inversion and its optimum from Algorithm 1 on them; here B from LAPACK's dense inverse
   (potri) and PCKOPT's factor lk from the dense path. Entries of A^-1 by two backward-stable
   algorithms agree to about gamma_n kappa(A) max|A^-1| each (kappa_1 bounds kappa_2 up to n:
   ||A||_1 ||A^-1||_1 as the bound), and K1 = log(T/n) - ..., T a sum of l_i^T B_i l_i, moves by
   that relative to the sum's absolute form c1 (section 1). So with e = SAFETY gamma_n kappa_1:
     max |B - B_dense| <= e max|A^-1|;
     the loss at lk (its own optimum, computed the other way) within e c1 of 0, and >= -e c1 at
     the L-BFGS minimiser of section 4;
     at Jacobi's factor it is K1_dense(J) - K1_dense(lk) to e c1, and > 0;
     with -scale jacobi (the blocks of D^-1/2 A D^-1/2) the loss of D^-1/2 L equals that of L
     (K is invariant under the scaling), to e c1. */
static PetscErrorCode CheckKoptLoss(const char *mtx, Mat A, const PetscReal *D, const PetscReal *Ainv, Case *c, const PetscReal *lk, const PetscReal *xmin)
{
  const PetscInt n = c->n, m = c->P.nnz;
  KGNNSample     s = {0};
  KGNNKoptLoss   K, Kj;
  PetscReal      n1 = 0, ni1 = 0, amax = 0, bdiff = 0, e, c1 = 0, f0, f, fx, fj, fjs, fjd, *lj, *p, *dp, *d;
  PetscInt       q = 0;

  PetscFunctionBegin;
  /* the sample: A's stored entries row by row, as kgnn-dataset writes them */
  s.n = n;
  for (PetscInt i = 0; i < n; i++) {
    PetscInt nc;
    PetscCall(MatGetRow(A, i, &nc, NULL, NULL));
    s.nnz += nc;
    PetscCall(MatRestoreRow(A, i, &nc, NULL, NULL));
  }
  PetscCall(PetscMalloc4(s.nnz, &s.row, s.nnz, &s.col, s.nnz, &s.a, s.nnz, &s.y));
  for (PetscInt i = 0, k = 0; i < n; i++) {
    PetscInt           nc;
    const PetscInt    *cols;
    const PetscScalar *vals;
    PetscCall(MatGetRow(A, i, &nc, &cols, &vals));
    for (PetscInt j = 0; j < nc; j++, k++) s.row[k] = i, s.col[k] = cols[j], s.a[k] = vals[j], s.y[k] = 0;
    PetscCall(MatRestoreRow(A, i, &nc, &cols, &vals));
  }
  PetscCall(PetscStrncpy(s.name, mtx, sizeof(s.name)));
  PetscCall(KGNNKoptLossCreate(&s, PETSC_FALSE, &K));
  PetscCall(KGNNKoptLossCreate(&s, PETSC_TRUE, &Kj));
  for (PetscInt j = 0; j < n; j++) {
    PetscReal cs = 0, ci = 0;
    for (PetscInt i = 0; i < n; i++) cs += PetscAbsReal(D[i + j * n]), ci += PetscAbsReal(Ainv[i + j * n]), amax = PetscMax(amax, PetscAbsReal(Ainv[i + j * n]));
    n1 = PetscMax(n1, cs), ni1 = PetscMax(ni1, ci);
  }
  e = SAFETY * TestGamma(n) * n1 * ni1;
  for (PetscInt k = 0; k < c->P.bptr[n]; k++) bdiff = PetscMax(bdiff, PetscAbsReal(K.B[k] - c->B[k]));
  CHECK(bdiff <= e * amax, "%s: -loss kopt's blocks of A^-1 (selected inversion) differ from the dense inverse's by %.2e > %.2e", mtx, (double)bdiff, (double)(e * amax));
  for (PetscInt i = 0; i < n; i++) { /* c1 at lk: sum |l_i|^T |B_i| |l_i| / T */
    const PetscInt  *pos = c->P.colpos + c->P.colptr[i], k = c->P.colptr[i + 1] - c->P.colptr[i];
    const PetscReal *Bi = c->B + c->P.bptr[i];
    for (PetscInt r = 0; r < k; r++)
      for (PetscInt cc = 0; cc < k; cc++) c1 += PetscAbsReal(lk[pos[r]] * Bi[r + cc * k] * lk[pos[cc]]);
  }
  {
    PetscReal T = 0;
    for (PetscInt i = 0; i < n; i++) {
      const PetscInt  *pos = c->P.colpos + c->P.colptr[i], k = c->P.colptr[i + 1] - c->P.colptr[i];
      const PetscReal *Bi = c->B + c->P.bptr[i];
      for (PetscInt r = 0; r < k; r++)
        for (PetscInt cc = 0; cc < k; cc++) T += lk[pos[r]] * Bi[r + cc * k] * lk[pos[cc]];
    }
    c1 /= T;
  }
  e *= c1;
  /* the prediction in the sample's edge order: lower edges carry L, the others anything (here 7) */
  PetscCall(PetscMalloc4(s.nnz, &p, s.nnz, &dp, m, &lj, n, &d));
  for (PetscInt k = 0; k < s.nnz; k++) p[k] = s.row[k] >= s.col[k] ? lk[q++] : 7;
  PetscCall(KGNNKoptLossEval(&K, s.nnz, s.row, s.col, p, 20, dp, &f0));
  CHECK(PetscAbsReal(f0) <= e, "%s: -loss kopt at PCKOPT's factor is %.3e, not 0 (tolerance %.2e)", mtx, (double)f0, (double)e);
  for (PetscInt k = 0; k < s.nnz; k++) CHECK(s.row[k] >= s.col[k] || dp[k] == 0, "%s: -loss kopt: a gradient on edge %" PetscInt_FMT " above the diagonal", mtx, k);
  q = 0;
  for (PetscInt k = 0; k < s.nnz; k++) p[k] = s.row[k] >= s.col[k] ? xmin[q++] : 7;
  PetscCall(KGNNKoptLossEval(&K, s.nnz, s.row, s.col, p, 20, NULL, &fx));
  CHECK(fx >= -e, "%s: -loss kopt at the L-BFGS minimiser is %.3e < 0 (tolerance %.2e)", mtx, (double)fx, (double)e);
  /* Jacobi's factor sqrt(diag A); and the same loss through -scale jacobi's blocks */
  for (PetscInt i = 0; i < n; i++) d[i] = PetscSqrtReal(D[i + i * n]);
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt r = c->rowptr[i]; r < c->rowptr[i + 1]; r++) lj[r] = c->colidx[r] == i ? d[i] : 0;
  fjd = KGNNKaporinInverseLoss(&c->P, c->B, lj, 0, NULL) - KGNNKaporinInverseLoss(&c->P, c->B, lk, 0, NULL);
  q   = 0;
  for (PetscInt k = 0; k < s.nnz; k++) p[k] = s.row[k] >= s.col[k] ? lj[q++] : 7;
  PetscCall(KGNNKoptLossEval(&K, s.nnz, s.row, s.col, p, 20, NULL, &fj));
  CHECK(fj > 0 && PetscAbsReal(fj - fjd) <= e, "%s: -loss kopt at Jacobi's factor %.15g, the dense evaluation %.15g (tolerance %.2e, must be > 0)", mtx, (double)fj, (double)fjd, (double)e);
  q = 0; /* D^-1/2 L at PCKOPT's factor moved off its optimum: the Jacobi one, L = lj + lk / 2 */
  for (PetscInt k = 0; k < s.nnz; k++)
    if (s.row[k] >= s.col[k]) p[k] = lj[q] + lk[q] / 2, q++;
  PetscCall(KGNNKoptLossEval(&K, s.nnz, s.row, s.col, p, 20, NULL, &f));
  for (PetscInt k = 0; k < s.nnz; k++)
    if (s.row[k] >= s.col[k]) p[k] /= d[s.row[k]];
  PetscCall(KGNNKoptLossEval(&Kj, s.nnz, s.row, s.col, p, 20, NULL, &fjs));
  CHECK(PetscAbsReal(f - fjs) <= e, "%s: -loss kopt with -scale jacobi %.15g, without %.15g (tolerance %.2e)", mtx, (double)fjs, (double)f, (double)e);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "  kopt loss %-10s blocks within %.1e of the dense inverse's (max|A^-1| %.1e); at PCKOPT's factor %.1e, at the minimiser %.1e, at Jacobi's %.6f (dense %.6f); -scale jacobi differs by %.1e (tolerance %.1e)\n",
                        mtx, (double)bdiff, (double)amax, (double)f0, (double)fx, (double)fj, (double)fjd, (double)PetscAbsReal(f - fjs), (double)e));
  PetscCall(PetscFree4(p, dp, lj, d));
  PetscCall(KGNNKoptLossDestroy(&K));
  PetscCall(KGNNKoptLossDestroy(&Kj));
  PetscCall(PetscFree4(s.row, s.col, s.a, s.y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckMinimizer(const char *mtx)
{
  char         path[PETSC_MAX_PATH_LEN];
  Mat          A, Lk;
  PetscReal   *D, *Ainv, *Kd, *sc, *x, *lk, nx = 0, nk = 0, dist = 0, fmin = 0, gmax = 0, fk;
  PetscInt     n, its = 0, m = 0, *rowptr, *colidx;
  PetscBLASInt bn, info;
  Case         c = {0};

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(path, sizeof(path), "../shared/matrices/suitesparse/%s.mtx", mtx));
  PetscCall(KGNNMatLoad(PETSC_COMM_SELF, path, &A));
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(TestDense(A, &D));
  PetscCall(TestDense(A, &Ainv));
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("L", &bn, Ainv, &bn, &info));
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "%s: potrf %d", mtx, (int)info);
  PetscCallBLAS("LAPACKpotri", LAPACKpotri_("L", &bn, Ainv, &bn, &info));
  PetscCheck(!info, PETSC_COMM_SELF, PETSC_ERR_LIB, "%s: potri %d", mtx, (int)info);
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt i = 0; i < j; i++) Ainv[i + j * n] = Ainv[j + i * n];
  /* L's pattern: the stored entries of tril(A), as PCKOPT's default pattern */
  PetscCall(PetscMalloc1(n + 1, &rowptr));
  for (PetscInt i = 0; i < n; i++) {
    PetscInt        nc;
    const PetscInt *cols;
    PetscCall(MatGetRow(A, i, &nc, &cols, NULL));
    for (PetscInt k = 0; k < nc; k++) m += cols[k] <= i;
    PetscCall(MatRestoreRow(A, i, &nc, &cols, NULL));
  }
  PetscCall(PetscMalloc1(m, &colidx));
  rowptr[0] = m = 0;
  for (PetscInt i = 0; i < n; i++) {
    PetscInt        nc;
    const PetscInt *cols;
    PetscCall(MatGetRow(A, i, &nc, &cols, NULL));
    for (PetscInt k = 0; k < nc; k++)
      if (cols[k] <= i) colidx[m++] = cols[k];
    PetscCall(MatRestoreRow(A, i, &nc, &cols, NULL));
    rowptr[i + 1] = m;
  }
  PetscCall(CaseSetUp(&c, n, D, Ainv, PETSC_FALSE, rowptr, colidx));
  PetscCall(PetscMalloc3(m, &sc, m, &x, m, &lk));
  for (PetscInt i = 0; i < n; i++) /* x = D^-1/2 L, Jacobi's factor x = I */
    for (PetscInt p = rowptr[i]; p < rowptr[i + 1]; p++) sc[p] = PetscSqrtReal(D[i + i * n]), x[p] = colidx[p] == i;
  PetscCall(LBFGS(&c, sc, x, 1e-13, 20000, &its, &fmin, &gmax));
  /* PCKOPT's factor on the same pattern */
  PetscCall(TestKoptFactor(A, KGNN_INVERSE_DENSE, &Lk));
  PetscCall(TestDense(Lk, &Kd));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt p = rowptr[i]; p < rowptr[i + 1]; p++) lk[p] = Kd[i + colidx[p] * n];
  fk = KGNNKaporinInverseLoss(&c.P, c.B, lk, 0, NULL);
  for (PetscInt p = 0; p < m; p++) x[p] *= sc[p], nx += x[p] * x[p], nk += lk[p] * lk[p];
  nx = PetscSqrtReal(nx), nk = PetscSqrtReal(nk);
  for (PetscInt p = 0; p < m; p++) dist += PetscSqr(x[p] / nx - lk[p] / nk);
  dist = PetscSqrtReal(dist);
  CHECK(dist <= 1e-6, "%s: K1's minimiser (L-BFGS, %" PetscInt_FMT " iterations, max |g| %.1e) is %.2e from PCKOPT's factor (unit Frobenius norms), above 1e-6", mtx, its, (double)gmax, (double)dist);
  CHECK(fmin >= fk - 1e-12, "%s: the minimiser's K1 %.15g is below PCKOPT's %.15g", mtx, (double)fmin, (double)fk);
  PetscCall(CheckKoptLoss(mtx, A, D, Ainv, &c, lk, x));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "  min %-10s n %4" PetscInt_FMT ": L-BFGS %5" PetscInt_FMT " iterations, max |g| %.1e, K1 - log det A / n %.12f (PCKOPT's %.12f), |L/|L| - Lk/|Lk||_F = %.2e\n", mtx, n, its, (double)gmax, (double)fmin,
                        (double)fk, (double)dist));
  PetscCall(PetscFree3(sc, x, lk));
  PetscCall(CaseDestroy(&c));
  PetscCall(PetscFree(Kd));
  PetscCall(PetscFree(D));
  PetscCall(PetscFree(Ainv));
  PetscCall(MatDestroy(&Lk));
  PetscCall(MatDestroy(&A));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* 5: kgnn-train's -loss kaporin (KGNNBatchLoss): a batch of three synthetic samples (Eq. 8,
   tridiagonal A with its exact factor y), n = 12 and 40 (exact trace) and 300 (Hutchinson). At
   p = y, L^-1 A L^-T = I and every probe gives z^T z = n, so each graph's loss is
   (2/n) sum log y_ii - (1/n) sum log a_ii exactly; the solves with a bidiagonal L of Eq. 8
   (entries of one scale) carry a few gamma_n, the tolerance SAFETY gamma_2n (1 + the mean
   |log| of the terms). The gradient at a perturbed p against central differences (the probes
   drawn afresh from the same seed for every evaluation), and 0 on the edges above the diagonal. */
typedef struct {
  KGNNBatch *B;
  PetscReal *p;
} BatchCtx;

static PetscReal BatchLoss(void *ctx)
{
  BatchCtx  *b = (BatchCtx *)ctx;
  KGNNRandom r = {99};
  PetscReal  l;

  if (KGNNBatchLoss(b->B, KGNN_LOSS_KAPORIN, b->p, NULL, &r, &l, NULL)) return PETSC_INFINITY;
  return l;
}

static PetscErrorCode CheckBatch(void)
{
  const PetscInt ns[3] = {12, 40, 300};
  KGNNSample     s[3], *sp[3] = {&s[0], &s[1], &s[2]};
  KGNNBatch      B;
  PetscRandom    rnd;
  PetscReal     *p, *dp, l, expect = 0, terms = 0, tol;
  KGNNRandom     r = {99}, q = {5};
  BatchCtx       ctx;
  int            m;
  PetscBool      upper_zero = PETSC_TRUE;

  PetscFunctionBegin;
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetSeed(rnd, 17));
  PetscCall(PetscRandomSeed(rnd));
  for (int g = 0; g < 3; g++) {
    PetscReal e = 0;
    PetscCall(KGNNSyntheticSample(ns[g], 0.5, 1.5, rnd, &s[g]));
    for (PetscInt k = 0; k < s[g].nnz; k++)
      if (s[g].row[k] == s[g].col[k]) e += (2 * PetscLogReal(s[g].y[k]) - PetscLogReal(s[g].a[k])) / s[g].n, terms += (2 * PetscAbsReal(PetscLogReal(s[g].y[k])) + PetscAbsReal(PetscLogReal(s[g].a[k]))) / s[g].n / 3;
    expect += e / 3;
  }
  PetscCall(KGNNBatchCreate(3, sp, &B));
  m = (int)B.G.nnz;
  PetscCall(PetscMalloc2(m, &p, m, &dp));
  PetscCall(PetscArraycpy(p, B.y, m));
  PetscCall(KGNNBatchLoss(&B, KGNN_LOSS_KAPORIN, p, dp, &r, &l, NULL));
  tol = SAFETY * TestGamma(2 * 300) * (1 + terms);
  CHECK(PetscAbsReal(l - expect) <= tol, "-loss kaporin at the exact factors: %.17g, expected %.17g (differ by %.2e > %.2e)", (double)l, (double)expect, (double)PetscAbsReal(l - expect), (double)tol);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "  batch -loss kaporin at the exact factors %.15f, expected %.15f (differ by %.1e, tolerance %.1e)\n", (double)l, (double)expect, (double)PetscAbsReal(l - expect), (double)tol));
  for (PetscInt k = 0; k < m; k++) /* lower entries times 1 + 0.2 r: away from the optimum */
    if (B.sender[k] >= B.receiver[k]) p[k] *= 1 + 0.2 * (2 * KGNNRandomUniform(&q) - 1);
  r = (KGNNRandom){99};
  PetscCall(KGNNBatchLoss(&B, KGNN_LOSS_KAPORIN, p, dp, &r, &l, NULL));
  for (PetscInt k = 0; k < m; k++) upper_zero = (PetscBool)(upper_zero && (B.sender[k] >= B.receiver[k] || dp[k] == 0));
  CHECK(upper_zero, "-loss kaporin: a gradient on an edge above the diagonal");
  ctx = (BatchCtx){&B, p};
  {
    PetscReal  *params[1] = {p}, *grads[1] = {dp};
    const char *names[1] = {"p"};
    PetscCall(TestGradients(BatchLoss, &ctx, 1, params, grads, &m, names));
  }
  { /* a graph whose factor breaks (a zero pivot: K infinite) counts as the cap, 20, with no
       gradient; the other graphs' losses and gradients are what they were */
    PetscReal *dq, l2, cap = 20, worst_other = 0, gmax = 0;
    PetscInt   e0 = B.eptr[1], e1 = B.eptr[2];
    PetscCall(PetscMalloc1(m, &dq));
    r = (KGNNRandom){99};
    PetscCall(KGNNBatchLoss(&B, KGNN_LOSS_KAPORIN, p, dp, &r, &l, NULL));
    for (PetscInt k = e0; k < e1; k++)
      if (B.sender[k] == B.receiver[k]) p[k] = 0;
    r = (KGNNRandom){99};
    PetscCall(KGNNBatchLoss(&B, KGNN_LOSS_KAPORIN, p, dq, &r, &l2, NULL));
    for (PetscInt k = 0; k < m; k++) {
      if (k >= e0 && k < e1) gmax = PetscMax(gmax, PetscAbsReal(dq[k]));
      else worst_other = PetscMax(worst_other, PetscAbsReal(dq[k] - dp[k]));
    }
    CHECK(PetscIsNormalReal(l2) && gmax == 0 && worst_other == 0, "-loss kaporin with a broken graph: loss %g (finite?), its gradient %g (0?), the others' changed by %g (0?)", (double)l2, (double)gmax, (double)worst_other);
    /* the mean moves by (cap - the graph's old loss) / 3; the old one is the difference to l */
    CHECK(l2 > l && l2 - l <= cap / 3 + 1, "-loss kaporin with a broken graph: %g from %g, not the capped graph's share", (double)l2, (double)l);
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "  batch -loss kaporin with a zero pivot in graph 2: loss %.3f (from %.3f; capped at %g), its gradient 0, the other graphs' unchanged\n", (double)l2, (double)l, (double)cap));
    PetscCall(PetscFree(dq));
  }
  PetscCall(PetscFree2(p, dp));
  PetscCall(KGNNBatchDestroy(&B));
  for (int g = 0; g < 3; g++) PetscCall(KGNNSampleDestroy(&s[g]));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  const char *mins[] = {"bcsstk01", "nos4", "bcsstk05", "lund_a", "494_bus"};

  PetscFunctionBeginUser;
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  PetscCall(CheckFixture());
  for (size_t k = 0; k < sizeof(mins) / sizeof(mins[0]); k++) PetscCall(CheckMinimizer(mins[k]));
  PetscCall(CheckBatch());
  PetscCall(PetscPrintf(PETSC_COMM_SELF,
                        "largest relative differences from NumPy: K1 %.1e, K2 %.1e, K2h %.1e; gradients (max |d| over the largest absolute form) %.1e, %.1e, %.1e; from central differences %.1e (%.2f of the tolerance); |K| at chol(A) %.1e\n",
                        (double)worst.val[0], (double)worst.val[1], (double)worst.val[2], (double)worst.grad[0], (double)worst.grad[1], (double)worst.grad[2], (double)worst.fd, (double)worst.fdtol, (double)worst.chol));
  PetscCall(PetscFinalize());
  return test_failures ? 1 : 0;
}
