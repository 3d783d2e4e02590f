/* PCKOPT's second objective, -pc_kopt_objective trace (src/factor/kopt_direct.c): L on tril(A)
   minimising f = log(tr(L^-1 A L^-T) / n) + (2/n) sum log L_ii = log K(L^-1 A L^-T) - log det A / n
   by L-BFGS over the off-diagonal entries and log L_ii. Checked against independent computations:
     1. the gradient in those variables against central differences (exact trace and Hutchinson);
     2. f against a dense evaluation: M = L^-1 A L^-T by dense forward substitution, log K(M) from
        LAPACK's eigenvalues of M, log det A from LAPACK's eigenvalues of A;
     3. Hutchinson's estimate of the trace: the mean over R independent probe sets against the
        exact trace, within 4 standard errors, the variance of one Rademacher probe being
        2 (|M|_F^2 - sum_i M_ii^2) (Hutchinson 1990) from the dense M;
     4. on a tridiagonal matrix, whose Cholesky factor lies on tril(A), the minimiser from the
        Jacobi start is the Cholesky factor up to scale (K = 1), and PCKOPT with the objective
        gives CG 1 iteration. */
#include "testutil.h"
#include "factor/factor.h"

typedef struct {
  KGNNCSR    A;
  KGNNLower  L;
  PetscReal *x; /* the variables: L's values in CSC order, log L_jj on the diagonal */
  PetscInt   nprobe;
} Ctx;

static void SetL(Ctx *c)
{
  for (PetscInt j = 0; j < c->L.n; j++)
    for (PetscInt p = c->L.colptr[j]; p < c->L.colptr[j + 1]; p++) c->L.val[p] = p == c->L.colptr[j] ? PetscExpReal(c->x[p]) : c->x[p];
}

static PetscReal Loss(void *ctx)
{
  Ctx      *c = (Ctx *)ctx;
  PetscReal f;

  SetL(c);
  if (KGNNTraceObjective(&c->A, &c->L, c->nprobe, 11, &f, NULL)) return PETSC_INFINITY;
  return f;
}

/* D^-1/2 A D^-1/2 */
static PetscErrorCode Scaled(Mat A, Mat *As)
{
  Vec d;

  PetscFunctionBegin;
  PetscCall(MatDuplicate(A, MAT_COPY_VALUES, As));
  PetscCall(MatCreateVecs(A, &d, NULL));
  PetscCall(MatGetDiagonal(A, d));
  PetscCall(VecSqrtAbs(d));
  PetscCall(VecReciprocal(d));
  PetscCall(MatDiagonalScale(*As, d, d));
  PetscCall(VecDestroy(&d));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* dense M = L^-1 A L^-T (column-major) by forward substitution, twice */
static PetscErrorCode DenseM(const KGNNLower *L, const PetscScalar *Ad, PetscReal *M)
{
  const PetscInt n = L->n;
  PetscReal     *Ld, *X;

  PetscFunctionBegin;
  PetscCall(PetscCalloc2(n * n, &Ld, n * n, &X));
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt p = L->colptr[j]; p < L->colptr[j + 1]; p++) Ld[L->rowidx[p] + j * n] = PetscRealPart(L->val[p]);
  for (PetscInt c = 0; c < n; c++) /* X = L^-1 A, column by column */
    for (PetscInt i = 0; i < n; i++) {
      PetscReal s = PetscRealPart(Ad[i + c * n]);
      for (PetscInt k = 0; k < i; k++) s -= Ld[i + k * n] * X[k + c * n];
      X[i + c * n] = s / Ld[i + i * n];
    }
  for (PetscInt r = 0; r < n; r++) /* M = X L^-T: row r of M solves L m = (row r of X)^T */
    for (PetscInt i = 0; i < n; i++) {
      PetscReal s = X[r + i * n];
      for (PetscInt k = 0; k < i; k++) s -= Ld[i + k * n] * M[r + k * n];
      M[r + i * n] = s / Ld[i + i * n];
    }
  PetscCall(PetscFree2(Ld, X));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* L = IC(0) of As, every entry then times 1 + 0.2 r (r uniform in [-1, 1]): a point where the
   gradient is far from zero */
static PetscErrorCode PerturbedIC0(Ctx *c, uint64_t seed)
{
  KGNNDirectInfo info;
  PetscInt       nnz = c->L.colptr[c->L.n];

  PetscFunctionBegin;
  PetscCall(KGNNTraceStart(&c->A, &c->L, &info));
  for (PetscInt p = 0; p < nnz; p++) {
    seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
    c->L.val[p] *= 1 + 0.2 * (2 * ((seed >> 11) * 0x1.0p-53) - 1);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckMatrix(const char *name, Mat A0)
{
  Mat          As;
  Ctx          c;
  PetscInt     n, nnz;
  PetscReal   *g, *M, *lam, *lamA, f, logdetA = 0, logK = 0, mean = 0, cond, condA, tol, t, sig2 = 0, logd = 0, tsum = 0;
  PetscScalar *Ad, *Md;
  const int    R = 256;

  PetscFunctionBegin;
  PetscCall(Scaled(A0, &As));
  PetscCall(KGNNMatGetCSR(As, &c.A));
  n = c.A.n;
  PetscCall(KGNNLowerCreateFromCSR(&c.A, PETSC_FALSE, &c.L));
  nnz = c.L.colptr[n];
  PetscCall(PerturbedIC0(&c, 42));
  PetscCall(PetscMalloc2(nnz, &c.x, nnz, &g));
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt p = c.L.colptr[j]; p < c.L.colptr[j + 1]; p++) c.x[p] = p == c.L.colptr[j] ? PetscLogReal(PetscRealPart(c.L.val[p])) : PetscRealPart(c.L.val[p]);

  /* 2. f against the dense evaluation */
  SetL(&c);
  PetscCall(KGNNTraceObjective(&c.A, &c.L, 0, 0, &f, NULL));
  PetscCall(TestDense(As, &Ad));
  PetscCall(PetscMalloc4(n * n, &M, n, &lam, n, &lamA, n * n, &Md));
  PetscCall(DenseM(&c.L, Ad, M));
  for (PetscInt k = 0; k < n * n; k++) Md[k] = M[k];
  PetscCall(TestEigenvalues(n, Md, lam));
  PetscCall(TestEigenvalues(n, Ad, lamA));
  for (PetscInt i = 0; i < n; i++) mean += lam[i] / n, logK -= PetscLogReal(lam[i]) / n, logdetA += PetscLogReal(lamA[i]);
  logK += PetscLogReal(mean);
  cond  = lam[n - 1] / lam[0];
  condA = lamA[n - 1] / lamA[0];
  /* the eigenvalues carry n u |M| each (backward stable syev), so each log lambda_i moves by up
     to gamma_n cond; the trace by solves with L: gamma_n per entry, times cond(M) for the sum
     of the solves' round-off against tr M; log det A: gamma_n cond(A) */
  tol = 4 * TestGamma(n) * (cond + condA);
  CHECK(PetscAbsReal(f - logdetA / n - logK) <= tol, "%s: f - log det A / n = %.15g, dense log K(M) = %.15g (differ by %.2e > %.2e)", name, (double)(f - logdetA / n), (double)logK, (double)PetscAbsReal(f - logdetA / n - logK), (double)tol);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%s: n %d, log K(M) = %.12g, trace objective against dense eigenvalues differs by %.2e (tolerance %.2e, cond(M) %.3g, cond(A) %.3g)\n", name, (int)n, (double)logK, (double)PetscAbsReal(f - logdetA / n - logK),
                        (double)tol, (double)cond, (double)condA));

  /* 1. gradients, exact and Hutchinson (4 probes), against central differences (testutil.h's
     TestCentralDifference: h = 1e-6, truncation measured from fd(2h)). Rounding: each evaluation
     of f = log(t / n) + ... carries the round-off of t, a sum of positive q_k = |A^1/2 L^-T z_k|^2
     each from one solve-product chain of K = nnz(A) + 2 nnz(L) operations: gamma_K relative for
     the backward-stable substitution with L (Higham 2002, Sec. 8.1) when its forward error is
     not amplified, as for these factors (IC(0) of a unit-diagonal matrix, perturbed by 20%: the
     dense check above gives cond(M), printed), so |e+ - e-| / 2h <= 2 gamma_K / 2h; a chain rule
     or adjoint error is O(|gradient|), far above it. (testutil's TestGradients
     measures the rounding by jittering the inputs by one unit, which moves f by less than its
     last bit here, so it would give 0.) */
  for (c.nprobe = 0; c.nprobe <= 4; c.nprobe += 4) {
    const PetscReal h = 1e-6, round = 2 * TestGamma((PetscReal)(c.A.rowptr[n] + 2 * nnz)) / (2 * h);
    PetscReal       worst = 0;
    SetL(&c);
    PetscCall(KGNNTraceObjective(&c.A, &c.L, c.nprobe, 11, &f, g));
    for (PetscInt k = 0; k < nnz; k++) {
      PetscReal fd, trunc, err;
      TestCentralDifference(Loss, &c, &c.x[k], h, &fd, &trunc);
      err = PetscAbsReal(fd - g[k]);
      CHECK(err <= trunc + round, "%s: df/dx[%d] (%s) %.12g, central difference %.12g (differ by %.2e > %.2e)", name, (int)k, c.nprobe ? "Hutchinson" : "exact", (double)g[k], (double)fd, (double)err, (double)(trunc + round));
      worst = PetscMax(worst, err / (trunc + round));
    }
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "%s: %d gradient entries (%s) against central differences: the largest difference is %.2f of its tolerance (rounding part %.2e)\n", name, (int)nnz, c.nprobe ? "Hutchinson, 4 probes" : "exact trace",
                          (double)worst, (double)round));
  }
  SetL(&c);

  /* 3. Hutchinson's mean: R probe sets of one probe each */
  for (PetscInt j = 0; j < n; j++) logd += PetscLogReal(PetscRealPart(c.L.val[c.L.colptr[j]]));
  t = 0;
  for (PetscInt i = 0; i < n; i++) t += M[i + i * n];
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt k = 0; k < n; k++)
      if (i != k) sig2 += 2 * M[i + k * n] * M[i + k * n];
  for (int r = 0; r < R; r++) {
    PetscReal fr;
    PetscCall(KGNNTraceObjective(&c.A, &c.L, 1, 1000 + (uint64_t)r, &fr, NULL));
    tsum += n * PetscExpReal(fr - 2 * logd / n); /* t from f = log(t / n) + 2 log d / n */
  }
  tsum /= R;
  CHECK(PetscAbsReal(tsum - t) <= 4 * PetscSqrtReal(sig2 / R), "%s: Hutchinson's mean over %d probes %.10g, exact trace %.10g: %.2f standard errors apart", name, R, (double)tsum, (double)t, (double)(PetscAbsReal(tsum - t) / PetscSqrtReal(sig2 / R)));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%s: Hutchinson's mean over %d probes %.8g, exact trace %.8g, %.2f standard errors (%.3g) apart\n", name, R, (double)tsum, (double)t, (double)(PetscAbsReal(tsum - t) / PetscSqrtReal(sig2 / R)),
                        (double)PetscSqrtReal(sig2 / R)));

  PetscCall(PetscFree4(M, lam, lamA, Md));
  PetscCall(PetscFree(Ad));
  PetscCall(PetscFree2(c.x, g));
  PetscCall(KGNNLowerDestroy(&c.L));
  PetscCall(KGNNMatRestoreCSR(As, &c.A));
  PetscCall(MatDestroy(&As));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* 4. tridiagonal: from Jacobi to the Cholesky factor */
static PetscErrorCode CheckTridiagonal(void)
{
  const PetscInt     n = 60;
  PetscScalar        d[60], e[60], *Ad, *C;
  Mat                A, As;
  KGNNCSR            Ac;
  KGNNLower          L;
  KGNNDirectOptions  opt = {5000, 0, n, 0, 1, 10};
  KGNNDirectInfo     info;
  PetscReal          nl = 0, nc = 0, dist = 0, logK = 0, tol;
  PetscBLASInt       bn, lapinfo;
  PetscInt           its;
  KSPConvergedReason reason;
  PC                 pc;
  KGNNKoptObjective  obj;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++) d[i] = 3 + 0.5 * PetscSinReal((PetscReal)i), e[i] = -1 + 0.3 * PetscCosReal(3.0 * i);
  PetscCall(TestTridiag(n, d, e, &A));
  PetscCall(Scaled(A, &As));
  PetscCall(KGNNMatGetCSR(As, &Ac));
  PetscCall(KGNNLowerCreateFromCSR(&Ac, PETSC_FALSE, &L));
  for (PetscInt j = 0; j < n; j++) L.val[L.colptr[j]] = 1; /* Jacobi of the unit-diagonal As */
  PetscCall(KGNNTraceMinimize(&Ac, &L, &opt, &info));
  CHECK(info.fail < 0, "tridiagonal: the minimiser failed at %d", (int)info.fail);
  /* the dense Cholesky factor of As (LAPACK) */
  PetscCall(TestDense(As, &Ad));
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("L", &bn, Ad, &bn, &lapinfo));
  PetscCheck(lapinfo == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "potrf %d", (int)lapinfo);
  C = Ad;
  for (PetscInt j = 0; j < n; j++) {
    for (PetscInt p = L.colptr[j]; p < L.colptr[j + 1]; p++) nl += PetscSqr(PetscRealPart(L.val[p])), nc += PetscSqr(PetscRealPart(C[L.rowidx[p] + j * n]));
    logK -= 2 * PetscLogReal(PetscRealPart(C[j + j * n])) / n; /* - log det As / n */
  }
  nl = PetscSqrtReal(nl), nc = PetscSqrtReal(nc);
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt p = L.colptr[j]; p < L.colptr[j + 1]; p++) dist = PetscMax(dist, PetscAbsReal(PetscRealPart(L.val[p]) / nl - PetscRealPart(C[L.rowidx[p] + j * n]) / nc));
  logK += info.f; /* log K(L^-1 A L^-T) */
  /* f is resolved to gamma_n near the optimum, where log K is quadratic in the error of L:
     |dL| ~ sqrt(gamma_n) times the conditioning of that quadratic form (~ cond(As) here, < 20) */
  tol = 20 * PetscSqrtReal(TestGamma(n));
  CHECK(logK <= 100 * TestGamma(n) && dist <= tol, "tridiagonal from Jacobi: log K %.3e (tolerance %.2e), max |L/|L| - C/|C|| = %.3e (tolerance %.2e), %d iterations", (double)logK, (double)(100 * TestGamma(n)), (double)dist, (double)tol,
        (int)info.its);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "tridiagonal n %d from Jacobi: %d L-BFGS iterations, log K(L^-1 A L^-T) %.2e, max |L/|L| - chol/|chol|| %.2e (tolerance %.2e)\n", (int)n, (int)info.its, (double)logK, (double)dist, (double)tol));
  PetscCall(PetscFree(Ad));
  PetscCall(KGNNLowerDestroy(&L));
  PetscCall(KGNNMatRestoreCSR(As, &Ac));
  PetscCall(MatDestroy(&As));

  /* through PETSc: the objective by its setter, CG in 1 iteration */
  PetscCall(PCCreate(PETSC_COMM_SELF, &pc));
  PetscCall(PCSetType(pc, PCKOPT));
  PetscCall(PCKOPTSetObjective(pc, KGNN_KOPT_OBJECTIVE_TRACE));
  PetscCall(PCKOPTGetObjective(pc, &obj));
  CHECK(obj == KGNN_KOPT_OBJECTIVE_TRACE, "PCKOPTGetObjective gives %d", (int)obj);
  PetscCall(PCSetOperators(pc, A, A));
  PetscCall(TestCGIterations(A, pc, NULL, &its, &reason));
  CHECK(reason > 0 && its == 1, "tridiagonal, PCKOPT -pc_kopt_objective trace: CG %d iterations (reason %d), expected 1", (int)its, (int)reason);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "tridiagonal n %d, PCKOPT trace objective: CG %d iteration(s)\n", (int)n, (int)its));
  PetscCall(PCDestroy(&pc));
  PetscCall(MatDestroy(&A));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  Mat A;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  PetscCall(KGNNMatLoad(PETSC_COMM_SELF, "../shared/matrices/suitesparse/bcsstk01.mtx", &A));
  PetscCall(CheckMatrix("bcsstk01", A));
  PetscCall(MatDestroy(&A));
  { /* a random sparse SPD matrix (the scaled 2D Poisson matrix has dyadic entries, on which the
       gradient check's measured round-off spread comes out 0) */
    PetscRandom rnd;
    PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
    PetscCall(PetscRandomSetSeed(rnd, 5));
    PetscCall(PetscRandomSeed(rnd));
    PetscCall(TestRandomSPD(40, 6, rnd, &A));
    PetscCall(PetscRandomDestroy(&rnd));
  }
  PetscCall(CheckMatrix("random SPD n 40", A));
  PetscCall(MatDestroy(&A));
  PetscCall(CheckTridiagonal());
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%s\n", test_failures ? "FAILED" : "OK"));
  PetscCall(PetscFinalize());
  return test_failures ? 1 : 0;
}
