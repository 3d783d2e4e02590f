/* Shared helpers of the C tests: test matrices, dense copies, LAPACK references, checks.
   A test prints one line per failed check and exits non-zero if any failed. */
#ifndef KGNN_TESTUTIL_H
#define KGNN_TESTUTIL_H

#include <kgnn.h>
#include "dataset/dataset.h" /* the benchmark protocol (private: the tests build with -Isrc) */
#include <petscblaslapack.h>
#include <hdf5.h>
#include <unistd.h>

static int test_failures = 0;

#define CHECK(cond, ...)                                                                                                                                                                                                                                 \
  do {                                                                                                                                                                                                                                                   \
    if (!(cond)) {                                                                                                                                                                                                                                       \
      test_failures++;                                                                                                                                                                                                                                   \
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "FAIL %s:%d: ", __FILE__, __LINE__));                                                                                                                                                                      \
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, __VA_ARGS__));                                                                                                                                                                                             \
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "\n"));                                                                                                                                                                                                    \
    }                                                                                                                                                                                                                                                    \
  } while (0)

/* gamma_K = K u / (1 - K u): a sum of K terms carries at most gamma_K relative to the sum of
   their absolute values (Higham, Accuracy and Stability of Numerical Algorithms, Sec. 3.1) */
static inline PetscReal TestGamma(PetscReal K)
{
  const PetscReal u = PETSC_MACHINE_EPSILON / 2;
  return K * u / (1 - K * u);
}

/* Tridiagonal n x n with diagonal d[i] and sub/super-diagonal e[i] = A(i+1, i). */
static inline PetscErrorCode TestTridiag(PetscInt n, const PetscScalar *d, const PetscScalar *e, Mat *A)
{
  PetscFunctionBegin;
  PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, n, n, 3, NULL, A));
  for (PetscInt i = 0; i < n; i++) {
    PetscCall(MatSetValue(*A, i, i, d[i], INSERT_VALUES));
    if (i + 1 < n) {
      PetscCall(MatSetValue(*A, i + 1, i, e[i], INSERT_VALUES));
      PetscCall(MatSetValue(*A, i, i + 1, e[i], INSERT_VALUES));
    }
  }
  PetscCall(MatAssemblyBegin(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*A, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* 2D 5-point Poisson on an m x m grid, natural (row-by-row) ordering, Dirichlet boundary. */
#define TestPoisson2D(comm, m, A) KGNNMatCreateLaplacian2D(comm, m, A)

/* 3D 7-point Poisson on an m x m x m grid, natural ordering, Dirichlet boundary (sequential). */
#define TestPoisson3D(m, A) KGNNMatCreateLaplacian3D(PETSC_COMM_SELF, m, A)

/* Column-major dense copy (n x n) of a sequential matrix. */
static inline PetscErrorCode TestDense(Mat A, PetscScalar **D)
{
  PetscInt           n, ncols;
  const PetscInt    *cols;
  const PetscScalar *vals;

  PetscFunctionBegin;
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(PetscCalloc1((size_t)n * n, D));
  for (PetscInt i = 0; i < n; i++) {
    PetscCall(MatGetRow(A, i, &ncols, &cols, &vals));
    for (PetscInt k = 0; k < ncols; k++) (*D)[i + (size_t)cols[k] * n] = vals[k];
    PetscCall(MatRestoreRow(A, i, &ncols, &cols, &vals));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* max |X - Y| / max |Y| over n*n dense entries */
static inline PetscReal TestRelDiff(PetscInt n, const PetscScalar *X, const PetscScalar *Y)
{
  PetscReal dmax = 0, ymax = 0;
  for (size_t k = 0; k < (size_t)n * n; k++) {
    dmax = PetscMax(dmax, PetscAbsScalar(X[k] - Y[k]));
    ymax = PetscMax(ymax, PetscAbsScalar(Y[k]));
  }
  return ymax > 0 ? dmax / ymax : dmax;
}

/* Eigenvalues (ascending) of a symmetric n x n column-major matrix, by LAPACK. */
static inline PetscErrorCode TestEigenvalues(PetscInt n, const PetscScalar *S, PetscReal *w)
{
  PetscScalar *C, *work, wq;
  PetscBLASInt bn, lwork = -1, info;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCall(PetscMalloc1((size_t)n * n, &C));
  PetscCall(PetscArraycpy(C, S, (size_t)n * n));
  PetscCallBLAS("LAPACKsyev", LAPACKsyev_("N", "L", &bn, C, &bn, w, &wq, &lwork, &info));
  lwork = (PetscBLASInt)PetscRealPart(wq);
  PetscCall(PetscMalloc1(lwork, &work));
  PetscCallBLAS("LAPACKsyev", LAPACKsyev_("N", "L", &bn, C, &bn, w, work, &lwork, &info));
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK syev failed: %d", (int)info);
  PetscCall(PetscFree(work));
  PetscCall(PetscFree(C));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Set up PCKOPT (with the given inverse method) on A and return its factor L. */
static inline PetscErrorCode TestKoptFactor(Mat A, KGNNInverseMethod method, Mat *L)
{
  PC pc;

  PetscFunctionBegin;
  PetscCall(PCCreate(PETSC_COMM_SELF, &pc));
  PetscCall(PCSetType(pc, PCKOPT));
  PetscCall(PCKOPTSetInverseMethod(pc, method));
  PetscCall(PCSetOperators(pc, A, A));
  PetscCall(PCSetFromOptions(pc));
  PetscCall(PCSetUp(pc));
  PetscCall(PCKOPTGetFactor(pc, L));
  PetscCall(PCDestroy(&pc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A copy of A with every stored entry times 1 + delta r_ij, r_ij = r_ji = +-1 from a hash of
   (i, j, seed): a symmetric relative perturbation on A's pattern (sequential matrices) */
static inline PetscErrorCode TestPerturbMatrix(Mat A, PetscReal delta, uint64_t seed, Mat *B)
{
  PetscInt n;

  PetscFunctionBegin;
  PetscCall(MatDuplicate(A, MAT_COPY_VALUES, B));
  PetscCall(MatGetSize(A, &n, NULL));
  for (PetscInt i = 0; i < n; i++) {
    PetscInt           nc;
    const PetscInt    *cols;
    const PetscScalar *vals;
    PetscScalar       *nv;
    PetscCall(MatGetRow(A, i, &nc, &cols, &vals));
    PetscCall(PetscMalloc1(nc, &nv));
    for (PetscInt k = 0; k < nc; k++) {
      uint64_t z = seed * 0x9E3779B97F4A7C15ULL + (uint64_t)PetscMin(i, cols[k]) * 0xBF58476D1CE4E5B9ULL + (uint64_t)PetscMax(i, cols[k]) * 0x94D049BB133111EBULL;
      z ^= z >> 31, z *= 0xBF58476D1CE4E5B9ULL, z ^= z >> 29; /* a splitmix64-style finaliser */
      nv[k] = vals[k] * (1 + (z >> 63 ? delta : -delta));
    }
    PetscCall(MatSetValues(*B, 1, &i, nc, cols, nv, INSERT_VALUES));
    PetscCall(MatRestoreRow(A, i, &nc, &cols, &vals));
    PetscCall(PetscFree(nv));
  }
  PetscCall(MatAssemblyBegin(*B, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*B, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Tolerances of factor comparisons, derived. Two ways of computing a factor of A (a dense LAPACK
   inverse and MUMPS, LAPACK's potrf and a recurrence, PETSc's ICC and ours, numpy and C) order
   their sums differently. Each is backward stable: it returns the exact result for A + dA with
   |dA| <= gamma_K |L| |L^T| (Higham, Thm 10.3), and |L| |L^T| is |A| on these SPD matrices up
   to the cancellation the sensitivity below absorbs. K = n + 4: the inverse's sums have at most
   n terms, and a column of Algorithm 1 adds four element-wise roundings (two square roots, two
   divisions), which dominate at the smallest n. To first order the factor then moves by
   kappa gamma_K, kappa its relative change per relative change of A's entries, measured here:
   A's entries times 1 + delta0 r (r = +-1 symmetric, delta0 = 1e-10, or less when that leaves
   the first-order range; far above the round-off of n-term sums). Both sides rounding:
     |L1 - L2| / |L2| <= F kappa gamma_K,  F = 10
   (2 for the two sides, 2 for the solves and square roots beside the sums, 2.5 for r being one
   sign pattern of many). kappa is at most the condition number of A, and mostly far below it. */
typedef PetscErrorCode (*TestFactorFn)(Mat A, void *ctx, Mat *L);

/* the relative change of the dense copy of factor(A) when A is perturbed: max-abs relative
   (TestRelDiff's) and Frobenius relative, both per unit relative change of A */
static inline PetscErrorCode TestFactorKappa(Mat A, TestFactorFn factor, void *ctx, PetscReal *kappa_max, PetscReal *kappa_fro)
{
  PetscReal delta = 1e-10;
  Mat       L, Lp, Ap;

  PetscFunctionBegin;
  PetscCall(factor(A, ctx, &L));
  for (int tries = 0; tries < 4; tries++) {
    PetscInt     n;
    PetscScalar *D, *Dp;
    PetscReal    dmax = 0, lmax = 0, dfro = 0, lfro = 0;
    PetscCall(TestPerturbMatrix(A, delta, 1, &Ap));
    PetscCall(factor(Ap, ctx, &Lp));
    PetscCall(MatGetSize(A, &n, NULL));
    PetscCall(TestDense(L, &D));
    PetscCall(TestDense(Lp, &Dp));
    for (size_t k = 0; k < (size_t)n * n; k++) {
      const PetscReal d = PetscAbsScalar(Dp[k] - D[k]), l = PetscAbsScalar(D[k]);
      dmax = PetscMax(dmax, d), lmax = PetscMax(lmax, l), dfro += d * d, lfro += l * l;
    }
    *kappa_max = dmax / lmax / delta, *kappa_fro = PetscSqrtReal(dfro / lfro) / delta;
    PetscCall(PetscFree(D));
    PetscCall(PetscFree(Dp));
    PetscCall(MatDestroy(&Lp));
    PetscCall(MatDestroy(&Ap));
    if (*kappa_max * delta < 1e-4) break; /* first order: the change is small */
    delta = 1e-6 / *kappa_max;
  }
  PetscCall(MatDestroy(&L));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the K-optimal factor by PCKOPT with the inverse method *(KGNNInverseMethod *)ctx */
static inline PetscErrorCode TestKoptFactorFn(Mat A, void *ctx, Mat *L)
{
  PetscFunctionBegin;
  PetscCall(TestKoptFactor(A, *(KGNNInverseMethod *)ctx, L));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* PCGNN's own factor of A (no fallback, no setup check: whatever the weights give) with the model
   file and input scaling of *(TestGnnCtx *)ctx, set up on A */
typedef struct {
  const char *model;
  PCGNNScale  scale;
} TestGnnCtx;
static inline PetscErrorCode TestGnnPC(Mat A, const TestGnnCtx *c, PC *pc)
{
  PetscFunctionBegin;
  PetscCall(PCCreate(PETSC_COMM_SELF, pc));
  PetscCall(PCSetType(*pc, PCGNN));
  PetscCall(PCGNNSetModel(*pc, c->model));
  PetscCall(PCGNNSetScale(*pc, c->scale));
  PetscCall(PCGNNSetFallback(*pc, PCGNN_FALLBACK_NONE));
  PetscCall(PCGNNSetCheck(*pc, PETSC_FALSE, 1e30));
  PetscCall(PCSetOperators(*pc, A, A));
  PetscCall(PCSetUp(*pc));
  PetscFunctionReturn(PETSC_SUCCESS);
}
static inline PetscErrorCode TestGnnFactorFn(Mat A, void *ctx, Mat *L)
{
  PC             pc;
  PCFailedReason why;

  PetscFunctionBegin;
  PetscCall(TestGnnPC(A, (TestGnnCtx *)ctx, &pc));
  PetscCall(PCGetFailedReason(pc, &why));
  PetscCheck(why == PC_NOERROR, PETSC_COMM_SELF, PETSC_ERR_LIB, "PCGNN with %s failed", ((TestGnnCtx *)ctx)->model);
  PetscCall(PCGNNGetFactor(pc, L));
  PetscCall(PCDestroy(&pc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* CG of the benchmark protocol (KGNNCGSetDefaults: x0 = 0, rtol 1e-8 on the unpreconditioned
   residual, <= 10000 iterations, no divergence tolerance) with b = ones times 1 + delta r (r = +-1
   from a fixed stream; delta = 0: ones, the protocol's b): the iteration count and, when hist is
   not NULL, the residual norms of iterations 0..its (allocated here) */
static inline PetscErrorCode TestCGRun(Mat A, PC pcin, const char *pctype, PetscReal delta, PetscInt *its, KSPConvergedReason *reason, PetscReal **hist)
{
  KSP          ksp;
  PC           pc;
  Vec          b, x;
  PetscInt     lo, hi;
  PetscScalar *bb;
  PetscReal   *h;
  uint64_t     s = 0x9E3779B97F4A7C15ULL;

  PetscFunctionBegin;
  PetscCall(KSPCreate(PetscObjectComm((PetscObject)A), &ksp));
  if (pcin) PetscCall(KSPSetPC(ksp, pcin));
  PetscCall(KSPSetOperators(ksp, A, A));
  PetscCall(KGNNCGSetDefaults(ksp));
  PetscCall(KSPGetPC(ksp, &pc));
  if (pctype) PetscCall(PCSetType(pc, pctype));
  PetscCall(PetscMalloc1(10001, &h));
  PetscCall(KSPSetResidualHistory(ksp, h, 10001, PETSC_TRUE));
  PetscCall(MatCreateVecs(A, &x, &b));
  PetscCall(VecGetOwnershipRange(b, &lo, &hi));
  PetscCall(VecGetArray(b, &bb));
  for (PetscInt i = 0; i < hi; i++) {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17; /* xorshift64, the same stream on every rank */
    if (i >= lo) bb[i - lo] = 1 + ((s >> 11) & 1 ? delta : -delta);
  }
  PetscCall(VecRestoreArray(b, &bb));
  PetscCall(KSPSolve(ksp, b, x));
  PetscCall(KSPGetIterationNumber(ksp, its));
  PetscCall(KSPGetConvergedReason(ksp, reason));
  if (hist) *hist = h;
  else PetscCall(PetscFree(h));
  PetscCall(VecDestroy(&b));
  PetscCall(VecDestroy(&x));
  PetscCall(KSPDestroy(&ksp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* CG of the benchmark protocol, b = ones: the iteration count. */
static inline PetscErrorCode TestCGIterations(Mat A, PC pcin, const char *pctype, PetscInt *its, KSPConvergedReason *reason)
{
  PetscFunctionBegin;
  PetscCall(TestCGRun(A, pcin, pctype, 0, its, reason, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Whether CG's iteration count (TestCGIterations) can move under round-off. CG's dot products
   and norms go through BLAS (VecDot, VecNorm), so another kernel or thread count orders their
   n-term sums differently: each carries at most gamma_n relative to the sum of |terms|, as if b
   (and every vector after it) were perturbed by gamma_n. Measured: tau, the largest relative
   change of the residual history when b is perturbed by gamma_n relative (r = +-1); one such
   round-off enters per iteration, so over its iterations the history moves by at most
   its * tau (each perturbation amplified no more than the first, which goes through the most
   iterations), times F = 4 for r being one sign pattern. The count is robust (marginal false)
   when the last two residuals clear the threshold rtol |b| by more than that, relatively;
   otherwise another summation order may take one iteration more or less. */
static inline PetscErrorCode TestCGMargin(Mat A, PC pcin, const char *pctype, PetscInt *its, KSPConvergedReason *reason, PetscBool *marginal, PetscReal *band)
{
  PetscInt           n, its2;
  KSPConvergedReason reason2;
  PetscReal         *h, *h2, tau = 0, thr;

  PetscFunctionBegin;
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(TestCGRun(A, pcin, pctype, 0, its, reason, &h));
  PetscCall(TestCGRun(A, pcin, pctype, TestGamma(n), &its2, &reason2, &h2));
  for (PetscInt k = 0; k <= PetscMin(*its, its2); k++) tau = PetscMax(tau, PetscAbsReal(h2[k] - h[k]) / h[k]);
  *band     = 4 * PetscMax(*its, 1) * tau;
  thr       = 1e-8 * h[0];
  *marginal = (PetscBool)(its2 != *its || (*its > 0 && h[*its - 1] <= (1 + *band) * thr) || h[*its] >= (1 - *band) * thr);
  PetscCall(PetscInfo(NULL, "CG: %d iterations, residuals %.3e and %.3e of the threshold, band %.2e: %s\n", (int)*its, (double)(*its > 0 ? h[*its - 1] / thr : 0), (double)(h[*its] / thr), (double)*band, *marginal ? "marginal" : "robust"));
  PetscCall(PetscFree(h));
  PetscCall(PetscFree(h2));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Random sparse SPD: symmetric random pattern (about nper off-diagonals per row, values in
   [-1, 1]) made strictly diagonally dominant, so IC(0) exists without a shift. */
static inline PetscErrorCode TestRandomSPD(PetscInt n, PetscInt nper, PetscRandom rnd, Mat *A)
{
  PetscReal *rowsum;

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(n, &rowsum));
  PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, n, n, 2 * nper + 1, NULL, A));
  PetscCall(MatSetOption(*A, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_FALSE));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt k = 0; k < nper / 2; k++) {
      PetscReal u, v;
      PetscInt  j;
      PetscCall(PetscRandomGetValueReal(rnd, &u));
      PetscCall(PetscRandomGetValueReal(rnd, &v));
      j = (PetscInt)(u * n);
      if (j == i || j >= n) continue;
      v = 2 * v - 1;
      PetscCall(MatSetValue(*A, i, j, v, ADD_VALUES));
      PetscCall(MatSetValue(*A, j, i, v, ADD_VALUES));
      rowsum[i] += PetscAbsReal(v);
      rowsum[j] += PetscAbsReal(v);
    }
  for (PetscInt i = 0; i < n; i++) PetscCall(MatSetValue(*A, i, i, rowsum[i] + 0.5, ADD_VALUES));
  PetscCall(MatAssemblyBegin(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(PetscFree(rowsum));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Central differences of loss(ctx) in every entry of params[p] against the backward pass's
   grads[p]. The tolerance, derived per entry: fd(h) = (f(p+h) - f(p-h)) / 2h misses f' by
     truncation h^2 |f'''| / 6: measured as |fd(2h) - fd(h)| / 3 (that is h^2 |f'''| / 6 to
       leading order), doubled for the terms after it; plus
     rounding |e+ - e-| / 2h, e+- the round-off of the two evaluations. It is measured too: s, the
       largest change of f when every input and weight moves by one unit of round-off (times
       1 + u r, r = +-1, 8 draws), is the spread of f over evaluations whose low bits differ, as
       at p + h and p - h; tolerance 10 s / 2h, the 10 for drawing 8 where the test does hundreds.
   h = 1e-6 balances the two (truncation ~1e-12 |f'''|, rounding ~1e-10 |f|); the tolerance comes
   out near 5e-9, so a backward pass off by 1e-8 of an O(1) gradient fails. */
typedef PetscReal (*TestLoss)(void *ctx);

/* The gradient tests draw their random layers until no pre-activation is within TEST_KINK of a
   ReLU's kink, where a difference is no derivative. A step of 2h = 2e-6 in one input or weight
   (entries in [-1, 1], a few terms a sum) moves a pre-activation by a few 1e-6, so 1e-3 = 500 h
   keeps every difference on one side; a difference across a kink would fail the check, never
   pass it. */
#define TEST_KINK 1e-3

/* fd(h) of the derivation above in the entry *x, and the measured truncation bound */
static inline void TestCentralDifference(TestLoss loss, void *ctx, PetscReal *x, PetscReal h, PetscReal *fd, PetscReal *trunc)
{
  const PetscReal keep = *x, step[4] = {h, -h, 2 * h, -2 * h};
  PetscReal       f[4];

  for (int s = 0; s < 4; s++) {
    *x   = keep + step[s];
    f[s] = loss(ctx);
  }
  *x     = keep;
  *fd    = (f[0] - f[1]) / (2 * h);
  *trunc = 2 * PetscAbsReal((f[2] - f[3]) / (4 * h) - *fd) / 3;
}

/* s of the derivation above: the largest change of the loss over 8 draws of every input and
   weight times 1 + u r, r = +-1 (params restored after) */
static inline PetscErrorCode TestLossSpread(TestLoss loss, void *ctx, int np, PetscReal *const params[], const int sizes[], PetscReal *spread)
{
  const PetscReal u = PETSC_MACHINE_EPSILON / 2, f0 = loss(ctx);
  PetscReal      *saved;
  int             K = 0, i;
  uint64_t        s = 0x2545F4914F6CDD1DULL;

  PetscFunctionBegin;
  for (int p = 0; p < np; p++) K += sizes[p];
  PetscCall(PetscMalloc1(K, &saved));
  *spread = 0;
  for (int draw = 0; draw < 8; draw++) {
    i = 0;
    for (int p = 0; p < np; p++)
      for (int k = 0; k < sizes[p]; k++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17; /* xorshift64 */
        saved[i++] = params[p][k];
        params[p][k] *= 1 + ((s >> 11) & 1 ? u : -u);
      }
    *spread = PetscMax(*spread, PetscAbsReal(loss(ctx) - f0));
    i       = 0;
    for (int p = 0; p < np; p++)
      for (int k = 0; k < sizes[p]; k++) params[p][k] = saved[i++];
  }
  PetscCall(PetscFree(saved));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static inline PetscErrorCode TestGradients(TestLoss loss, void *ctx, int np, PetscReal *const params[], PetscReal *const grads[], const int sizes[], const char *const names[])
{
  const PetscReal h     = 1e-6;
  PetscReal       worst = 0, spread = 0, round;
  int             count = 0;

  PetscFunctionBegin;
  PetscCall(TestLossSpread(loss, ctx, np, params, sizes, &spread));
  round = 10 * spread / (2 * h);
  for (int p = 0; p < np; p++)
    for (int k = 0; k < sizes[p]; k++, count++) {
      PetscReal fd, trunc, err;
      TestCentralDifference(loss, ctx, &params[p][k], h, &fd, &trunc);
      err = PetscAbsReal(fd - grads[p][k]);
      CHECK(err <= trunc + round, "d loss / d %s[%d]: backward %.12g, central difference %.12g (differ by %.2e > %.2e: truncation %.2e, rounding %.2e)", names[p], k, (double)grads[p][k], (double)fd, (double)err, (double)(trunc + round),
            (double)trunc, (double)round);
      worst = PetscMax(worst, err / (trunc + round));
    }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%d gradient entries against central differences: the largest difference is %.2f of its tolerance (rounding part %.2e)\n", count, (double)worst, (double)round));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One array of an HDF5 group, allocated here (rank 1 or 2; *len counts all its entries). */
static inline PetscErrorCode TestH5ReadArray(hid_t g, const char *name, hid_t type, void **buf, size_t elsize, hsize_t *len)
{
  hid_t   d, s;
  hsize_t dims[2] = {1, 1};
  int     rank;

  PetscFunctionBegin;
  d = H5Dopen2(g, name, H5P_DEFAULT);
  PetscCheck(d >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "no dataset %s", name);
  s    = H5Dget_space(d);
  rank = H5Sget_simple_extent_dims(s, dims, NULL);
  *len = rank == 2 ? dims[0] * dims[1] : dims[0];
  PetscCall(PetscMalloc(elsize * *len, buf));
  PetscCheck(H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, *buf) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "cannot read %s", name);
  H5Sclose(s);
  H5Dclose(d);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Every weight of a model file times (1 + delta r), r = +-1 from a stream fixed by seed, written
   to out (the model's tensors are the float datasets at the file's root); kmax: the longest row
   of a weight matrix, the longest sum a layer does over its input. */
static inline PetscErrorCode TestPerturbModelFile(const char *in, const char *out, PetscReal delta, uint64_t seed, PetscInt *kmax)
{
  FILE      *fi, *fo;
  char       buf[65536];
  size_t     len;
  hid_t      f;
  H5G_info_t gi;
  uint64_t   s = 88172645463325252ULL ^ (seed * 0x9e3779b97f4a7c15ULL);

  PetscFunctionBegin;
  fi = fopen(in, "rb");
  fo = fopen(out, "wb");
  PetscCheck(fi && fo, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot copy %s to %s", in, out);
  while ((len = fread(buf, 1, sizeof(buf), fi)) > 0) PetscCheck(fwrite(buf, 1, len, fo) == len, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write %s", out);
  fclose(fi);
  fclose(fo);
  f = H5Fopen(out, H5F_ACC_RDWR, H5P_DEFAULT);
  PetscCheck(f >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open %s", out);
  PetscCheck(H5Gget_info(f, &gi) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: cannot list the root group", out);
  *kmax = 1;
  for (hsize_t t = 0; t < gi.nlinks; t++) {
    char       name[256];
    hid_t      o, d, sp;
    hsize_t    dims[3] = {1, 1, 1};
    int        rank;
    hssize_t   n;
    PetscReal *x;
    H5I_type_t type;
    if (H5Lget_name_by_idx(f, ".", H5_INDEX_NAME, H5_ITER_INC, t, name, sizeof(name), H5P_DEFAULT) < 0) continue;
    o    = H5Oopen(f, name, H5P_DEFAULT);
    type = H5Iget_type(o);
    H5Oclose(o);
    if (type != H5I_DATASET) continue; /* the fixture's groups */
    d    = H5Dopen2(f, name, H5P_DEFAULT);
    sp   = H5Dget_space(d);
    rank = H5Sget_simple_extent_dims(sp, dims, NULL);
    n    = H5Sget_simple_extent_npoints(sp);
    PetscCall(PetscMalloc1(n, &x));
    PetscCheck(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: cannot read %s", in, name);
    for (hssize_t k = 0; k < n; k++) {
      s ^= s << 13, s ^= s >> 7, s ^= s << 17; /* xorshift64 */
      x[k] *= 1 + ((s >> 11) & 1 ? delta : -delta);
    }
    PetscCheck(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "%s: cannot write %s", out, name);
    if (rank >= 2) *kmax = PetscMax(*kmax, (PetscInt)dims[rank - 1]);
    PetscCall(PetscFree(x));
    H5Sclose(sp);
    H5Dclose(d);
  }
  H5Fclose(f);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The network's output on a fixture graph (group fixture/<graph> of file: n, edge_index, edge_attr
   and PyTorch's output) against PyTorch's, relative to max|output|.
   The tolerance, derived: PyTorch and PCGNN order their sums differently. A sum of K terms
   evaluated in any order is the exact sum of terms perturbed by at most gamma_K relative, so each
   output is exact for weights (and intermediate values) perturbed by at most gamma_K, K the
   longest sum of the forward pass: a layer's input width or a sum over the graph's n nodes (the
   virtual node's mean, all-pair attention), K = max(widest row, n + 1). The output's relative
   change per relative change of every weight, kappa, is measured on the fixture itself: every
   weight times 1 + delta0 r (r = +-1, delta0 = 1e-8, small enough to be first order, far above
   round-off). Then |C - PyTorch| / max|out| <= F kappa gamma_K, F = 10: 2 as both sides round,
   2 for the element-wise operations (exp, division, square root) that the weights' perturbation
   does not model, 2.5 for r being one sign pattern, not the worst. lower_only: the node model
   reads no edge above the diagonal (ElimOrder), so the network computes the edges of L alone
   (its upper edges come out exactly 0, where PyTorch's reference computes them anyway). */
static inline PetscErrorCode TestNetworkOnFixture(KGNNNetwork net, const char *file, const char *graph, PetscBool lower_only, PetscReal *rel)
{
  const PetscReal delta0 = 1e-8, F = 10;
  char            name[64], pfile[PETSC_MAX_PATH_LEN];
  hid_t           f, grp, at;
  long long       n;
  hsize_t         ne = 0, na = 0, no = 0;
  PetscInt64     *ei;
  PetscInt       *snd, *rcv, kmax;
  PetscReal      *a, *ref, *out, *pout, err = 0, rmax = 0, dp = 0, kappa, tol;
  KGNNNetwork     pert;

  PetscFunctionBegin;
  f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
  PetscCheck(f >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open %s", file);
  PetscCall(PetscSNPrintf(name, sizeof(name), "fixture/%s", graph));
  grp = H5Gopen2(f, name, H5P_DEFAULT);
  PetscCheck(grp >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: no group %s", file, name);
  at = H5Aopen(grp, "n", H5P_DEFAULT);
  H5Aread(at, H5T_NATIVE_LLONG, &n);
  H5Aclose(at);
  PetscCall(TestH5ReadArray(grp, "edge_index", H5T_NATIVE_INT64, (void **)&ei, sizeof(PetscInt64), &ne));
  PetscCall(TestH5ReadArray(grp, "edge_attr", H5T_NATIVE_DOUBLE, (void **)&a, sizeof(PetscReal), &na));
  PetscCall(TestH5ReadArray(grp, "output", H5T_NATIVE_DOUBLE, (void **)&ref, sizeof(PetscReal), &no));
  H5Gclose(grp);
  H5Fclose(f);
  PetscCall(PetscMalloc4(na, &snd, na, &rcv, na, &out, na, &pout));
  for (hsize_t k = 0; k < na; k++) snd[k] = (PetscInt)ei[k], rcv[k] = (PetscInt)ei[na + k];
  PetscCall(KGNNNetworkForward(net, (PetscInt)n, (PetscInt)na, snd, rcv, a, out));
  PetscCall(PetscSNPrintf(pfile, sizeof(pfile), "build/tests/perturbed_%d.h5", (int)getpid()));
  PetscCall(TestPerturbModelFile(file, pfile, delta0, 1, &kmax));
  PetscCall(KGNNNetworkLoad(pfile, &pert));
  PetscCall(KGNNNetworkForward(pert, (PetscInt)n, (PetscInt)na, snd, rcv, a, pout));
  PetscCall(KGNNNetworkDestroy(&pert));
  remove(pfile);
  for (hsize_t k = 0; k < na; k++) {
    if (lower_only && snd[k] < rcv[k]) {
      CHECK(out[k] == 0 && pout[k] == 0, "%s on %s: upper edge %d (%d, %d) is %g, not 0, from a lower-only network", file, graph, (int)k, (int)snd[k], (int)rcv[k], (double)out[k]);
      continue;
    }
    err  = PetscMax(err, PetscAbsReal(out[k] - ref[k]));
    dp   = PetscMax(dp, PetscAbsReal(pout[k] - out[k]));
    rmax = PetscMax(rmax, PetscAbsReal(ref[k]));
  }
  *rel  = rmax > 0 ? err / rmax : err;
  kappa = (rmax > 0 ? dp / rmax : dp) / delta0;
  tol   = F * kappa * TestGamma((PetscReal)PetscMax(kmax, n + 1));
  PetscCall(PetscInfo(NULL, "%s on %s: kappa %.2e, tolerance %.2e, relative difference %.2e\n", file, graph, (double)kappa, (double)tol, (double)*rel));
  CHECK(ne == 2 * na && no == na && *rel <= tol, "%s on %s: C and PyTorch outputs differ by %.3e (relative) > %.3e (10 kappa gamma_K, kappa %.2e)", file, graph, (double)*rel, (double)tol, (double)kappa);
  PetscCall(PetscFree4(snd, rcv, out, pout));
  PetscCall(PetscFree(ei));
  PetscCall(PetscFree(a));
  PetscCall(PetscFree(ref));
  PetscFunctionReturn(PETSC_SUCCESS);
}

#define TEST_END()                                                                                                                                                                                                                                       \
  do {                                                                                                                                                                                                                                                   \
    if (test_failures) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d check(s) failed\n", test_failures));                                                                                                                                                  \
    PetscCall(PetscFinalize());                                                                                                                                                                                                                          \
    return test_failures ? 1 : 0;                                                                                                                                                                                                                        \
  } while (0)

#endif
