/* PCKOPT's second objective (-pc_kopt_objective trace, issue 12): the factor L on its pattern
   that minimises Kaporin's K(L^-1 A L^-T) (the paper's Eq. 3 applied to the preconditioned
   operator, not Algorithm 1's K(L^T A^-1 L)), found by L-BFGS at setup. With
     f(L) = log(t / n) + (2/n) sum_i log L_ii,   t = tr(L^-1 A L^-T),
   f = log K(L^-1 A L^-T) - (1/n) log det A; on a matrix with unit diagonal (the caller passes
   D^-1/2 A D^-1/2) the Jacobi factor is I, so f = log of K over Jacobi's K, KGNNKaporinRatio's
   quantity. Value and gradient are kaporin_trace.c's K2 (the same code as kgnn-train's loss).

   Variables: the off-diagonal entries as they are and theta_i = log L_ii, so that the diagonal
   stays positive by construction and a step never produces a factor with a zero pivot; by the
   chain rule df/dtheta_i = L_ii df/dL_ii. f is invariant under L -> c L (K ignores scale), so
   the minimiser is a ray; L-BFGS follows the gradient, which is orthogonal to it, and stays
   near the start's scale.

   The trace is exact (n unit vectors, n triangular solves each way: O(n nnz) per evaluation)
   up to exact_max rows, beyond that Hutchinson's estimate over nprobe fixed Rademacher probes
   from a fixed seed, so that f is one deterministic function during the line search.

   L-BFGS: Nocedal and Wright, Numerical Optimization (2006), Alg. 7.4 (two-loop recursion,
   H0 = s^T y / y^T y) with a backtracking Armijo search (Alg. 3.1, c1 = 1e-4); a pair is kept
   only when s^T y > 0, so H stays positive definite without a Wolfe search. Each accepted step
   lowers f, so the result is never worse than the start in the objective. */
#include "factor.h"
#include <stdint.h>

/* splitmix64 (as kaporin.c): the same probes on every machine */
static uint64_t Next(uint64_t *s)
{
  uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
  z          = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z          = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void KGNNTraceProbes(PetscInt n, PetscInt nprobe, uint64_t seed, PetscReal *z)
{
  for (PetscInt k = 0; k < n * nprobe; k++) z[k] = (Next(&seed) >> 63) ? 1.0 : -1.0;
}

static PetscBool Finite(const KGNNLower *L)
{
  for (PetscInt j = 0; j < L->n; j++) {
    if (!(PetscRealPart(L->val[L->colptr[j]]) > 0)) return PETSC_FALSE;
    for (PetscInt p = L->colptr[j]; p < L->colptr[j + 1]; p++)
      if (PetscIsInfOrNanScalar(L->val[p])) return PETSC_FALSE;
  }
  return PETSC_TRUE;
}

/* The start: IC(0) of A where it exists; else IC(0) of A + alpha diag(A) for the first alpha of
   1e-3, 1e-2, 1e-1, 1 that works (Manteuffel's shifted incomplete Cholesky); else the Jacobi
   factor diag(A)^1/2. L holds the pattern; its values are overwritten. */
PetscErrorCode KGNNTraceStart(const KGNNCSR *A, KGNNLower *L, KGNNDirectInfo *info)
{
  const PetscInt n = L->n, nnz = L->colptr[n];
  PetscScalar   *a0;
  PetscInt       fail;
  KGNNLower      T;

  PetscFunctionBegin;
  PetscCall(KGNNLowerCreateFromCSR(A, PETSC_TRUE, &T)); /* tril(A) on its own pattern */
  PetscCall(PetscCalloc1(nnz, &a0));
  for (PetscInt j = 0; j < n; j++) { /* scatter into L's pattern (a superset, both sorted) */
    PetscInt p = L->colptr[j];
    for (PetscInt q = T.colptr[j]; q < T.colptr[j + 1]; q++) {
      while (p < L->colptr[j + 1] && L->rowidx[p] < T.rowidx[q]) p++;
      PetscCheck(p < L->colptr[j + 1] && L->rowidx[p] == T.rowidx[q], PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "the pattern of L must contain tril(A): A(%" PetscInt_FMT ", %" PetscInt_FMT ") (1-based) is missing", T.rowidx[q] + 1, j + 1);
      a0[p] = T.val[q];
    }
  }
  PetscCall(KGNNLowerDestroy(&T));
  info->start = KGNN_DIRECT_START_IC0;
  info->shift = 0;
  for (PetscInt s = 0; s < 5; s++) {
    PetscReal alpha = s == 0 ? 0 : PetscPowReal(10.0, (PetscReal)(s - 4));
    PetscCall(PetscArraycpy(L->val, a0, nnz));
    for (PetscInt j = 0; j < n; j++) L->val[L->colptr[j]] *= 1 + alpha;
    PetscCall(KGNNIC0Factor(L, &fail));
    if (fail < 0 && Finite(L)) {
      info->start = s == 0 ? KGNN_DIRECT_START_IC0 : KGNN_DIRECT_START_SHIFTED_IC0;
      info->shift = alpha;
      PetscCall(PetscFree(a0));
      PetscFunctionReturn(PETSC_SUCCESS);
    }
  }
  info->start = KGNN_DIRECT_START_JACOBI;
  for (PetscInt j = 0; j < n; j++) {
    for (PetscInt p = L->colptr[j]; p < L->colptr[j + 1]; p++) L->val[p] = 0;
    L->val[L->colptr[j]] = PetscSqrtReal(PetscAbsReal(PetscRealPart(a0[L->colptr[j]])));
  }
  PetscCall(PetscFree(a0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

typedef struct {
  KGNNKaporinPattern P;
  PetscInt          *rp, *ci, *csc; /* L's CSR pattern; csc[q]: the CSC position of CSR entry q */
  const PetscInt    *arow, *acol;
  PetscReal         *aval, *l, *dl, *z;
  PetscInt           nprobe; /* 0: exact trace */
  PetscInt           nevals;
} Objective;

/* f and its gradient in the variables x (CSR order; the diagonal as log L_ii); +infinity when
   the factor's solves overflow (g is then zero and unused) */
static PetscErrorCode Evaluate(Objective *o, const PetscReal *x, PetscReal *f, PetscReal *g)
{
  const PetscInt nnz = o->P.nnz;

  PetscFunctionBegin;
  o->nevals++;
  for (PetscInt q = 0; q < nnz; q++) o->l[q] = x[q];
  for (PetscInt i = 0; i < o->P.n; i++) {
    PetscReal th = x[o->P.diag[i]];
    if (!(th < 700 && th > -700)) { /* exp would overflow or underflow to a zero pivot */
      *f = PETSC_INFINITY;
      PetscFunctionReturn(PETSC_SUCCESS);
    }
    o->l[o->P.diag[i]] = PetscExpReal(th);
  }
  PetscCall(KGNNKaporinTraceLoss(&o->P, o->arow, o->acol, o->aval, o->l, o->nprobe, o->z, 0, f, g));
  if (PetscIsInfOrNanReal(*f)) *f = PETSC_INFINITY;
  if (!g) PetscFunctionReturn(PETSC_SUCCESS); /* the value alone (the validation probes) */
  for (PetscInt i = 0; i < o->P.n; i++) g[o->P.diag[i]] *= o->l[o->P.diag[i]];
  for (PetscInt q = 0; q < nnz; q++)
    if (PetscIsInfOrNanReal(g[q])) *f = PETSC_INFINITY;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscReal Dot(PetscInt m, const PetscReal *a, const PetscReal *b)
{
  PetscReal s = 0;
  for (PetscInt i = 0; i < m; i++) s += a[i] * b[i];
  return s;
}

/* the objective on A and L's pattern: nprobe <= 0 the exact trace, else that many probes from seed */
static PetscErrorCode ObjectiveCreate(const KGNNCSR *A, const KGNNLower *L, PetscInt nprobe, uint64_t seed, Objective *o)
{
  const PetscInt n = L->n, nnz = L->colptr[n];
  PetscInt      *next;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(o, sizeof(*o)));
  /* L's CSR pattern (diagonal last in a row) and the map back to CSC */
  PetscCall(KGNNLowerRows(L, &o->rp, &o->ci, NULL));
  PetscCall(PetscMalloc1(nnz, &o->csc));
  PetscCall(PetscMalloc1(n, &next));
  for (PetscInt i = 0; i < n; i++) next[i] = o->rp[i];
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt p = L->colptr[j]; p < L->colptr[j + 1]; p++) o->csc[next[L->rowidx[p]]++] = p;
  PetscCall(PetscFree(next));
  PetscCall(KGNNKaporinPatternCreate(n, o->rp, o->ci, &o->P));
  o->arow = A->rowptr, o->acol = A->colidx, o->nprobe = nprobe;
  PetscCall(PetscMalloc3(A->rowptr[n], &o->aval, nnz, &o->l, nnz, &o->dl));
  for (PetscInt p = 0; p < A->rowptr[n]; p++) o->aval[p] = PetscRealPart(A->val[p]);
  if (o->nprobe > 0) {
    PetscCall(PetscMalloc1(n * o->nprobe, &o->z));
    KGNNTraceProbes(n, o->nprobe, seed, o->z);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ObjectiveDestroy(Objective *o)
{
  PetscFunctionBegin;
  PetscCall(PetscFree(o->z));
  PetscCall(PetscFree3(o->aval, o->l, o->dl));
  PetscCall(KGNNKaporinPatternDestroy(&o->P));
  PetscCall(PetscFree(o->csc));
  PetscCall(PetscFree(o->rp));
  PetscCall(PetscFree(o->ci));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* f at L (positive diagonal), and when g is not NULL its gradient in the minimiser's variables,
   in L's CSC order: df/dL_ij off the diagonal, df/dlog L_ii on it (+infinity: g undefined) */
PetscErrorCode KGNNTraceObjective(const KGNNCSR *A, const KGNNLower *L, PetscInt nprobe, uint64_t seed, PetscReal *f, PetscReal *g)
{
  const PetscInt nnz = L->colptr[L->n];
  Objective      o;
  PetscReal     *x, *gx;

  PetscFunctionBegin;
  PetscCall(ObjectiveCreate(A, L, nprobe, seed, &o));
  PetscCall(PetscMalloc2(nnz, &x, nnz, &gx));
  for (PetscInt q = 0; q < nnz; q++) x[q] = PetscRealPart(L->val[o.csc[q]]);
  for (PetscInt i = 0; i < L->n; i++) x[o.P.diag[i]] = PetscLogReal(x[o.P.diag[i]]);
  PetscCall(Evaluate(&o, x, f, gx));
  if (g)
    for (PetscInt q = 0; q < nnz; q++) g[o.csc[q]] = gx[q];
  PetscCall(PetscFree2(x, gx));
  PetscCall(ObjectiveDestroy(&o));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Minimise f over L's values, from L's current values (a positive diagonal); L is overwritten
   with the best point found. info->fail >= 0: the start is not usable (a non-positive or
   non-finite diagonal, or f not finite there; the 0-based column, or n). */
PetscErrorCode KGNNTraceMinimize(const KGNNCSR *A, KGNNLower *L, const KGNNDirectOptions *opt, KGNNDirectInfo *info)
{
  const PetscInt n = L->n, nnz = L->colptr[n], m = PetscMax(opt->memory, 1);
  Objective      o, ov;
  PetscInt       nmem = 0, head = 0, since = 0;
  PetscReal      fv_best = PETSC_INFINITY, f_best = PETSC_INFINITY, *xb = NULL;
  PetscReal     *x, *g, *d, *xn, *gn, *S, *Y, *rho, *al, f, fn;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&o, sizeof(o)));
  info->its = 0, info->nevals = 0, info->fail = -1, info->converged = PETSC_FALSE;
  info->exact = n <= opt->exact_max || opt->nprobe <= 0 ? PETSC_TRUE : PETSC_FALSE;
  info->f0 = info->f = PETSC_INFINITY;
  for (PetscInt j = 0; j < n; j++)
    if (!(PetscRealPart(L->val[L->colptr[j]]) > 0) || PetscIsInfOrNanScalar(L->val[L->colptr[j]])) {
      info->fail = j;
      PetscFunctionReturn(PETSC_SUCCESS);
    }
  if (n == 0) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(ObjectiveCreate(A, L, info->exact ? 0 : opt->nprobe, opt->seed, &o));
  PetscCall(PetscMalloc5(nnz, &x, nnz, &g, nnz, &d, nnz, &xn, nnz, &gn));
  PetscCall(PetscMalloc3(m * nnz, &S, m * nnz, &Y, 2 * m, &rho));
  al = rho + m;
  for (PetscInt q = 0; q < nnz; q++) x[q] = PetscRealPart(L->val[o.csc[q]]);
  for (PetscInt i = 0; i < n; i++) x[o.P.diag[i]] = PetscLogReal(x[o.P.diag[i]]);
  PetscCall(Evaluate(&o, x, &f, g));
  info->f0 = info->f = f;
  /* Hutchinson: the minimiser of the estimate over fixed probes is not that of the trace; it
     overfits them (nos3 with 16 probes: the estimated K falls to 0.30 of Jacobi's while CG needs
     9374 iterations, 359 with 64; the exact trace: 36). So a second, independent probe set
     validates each step, and the point with the lowest validated estimate is kept (early
     stopping: 10 steps without improvement end the run) */
  if (!info->exact) {
    PetscCall(ObjectiveCreate(A, L, opt->nprobe, opt->seed ^ 0x5851f42d4c957f2dULL, &ov));
    PetscCall(PetscMalloc1(nnz, &xb));
    PetscCall(PetscArraycpy(xb, x, nnz));
    PetscCall(Evaluate(&ov, x, &fv_best, NULL));
    f_best = f;
  }
  if (!(f < PETSC_INFINITY)) info->fail = n; /* t <= 0 (A not positive definite) or overflow */
  for (PetscInt it = 0; info->fail < 0 && it < opt->maxits; it++) {
    PetscReal gd, alpha = 1, c1 = 1e-4, sy;
    PetscBool ok = PETSC_FALSE;

    /* d = -H g, two-loop recursion over the stored pairs, newest first */
    for (PetscInt q = 0; q < nnz; q++) d[q] = -g[q];
    for (PetscInt k = 0; k < nmem; k++) {
      PetscInt s = (head - 1 - k + m) % m;
      al[s]      = rho[s] * Dot(nnz, S + s * nnz, d);
      for (PetscInt q = 0; q < nnz; q++) d[q] -= al[s] * Y[s * nnz + q];
    }
    if (nmem > 0) {
      PetscInt  s = (head - 1 + m) % m;
      PetscReal h = Dot(nnz, S + s * nnz, Y + s * nnz) / Dot(nnz, Y + s * nnz, Y + s * nnz);
      for (PetscInt q = 0; q < nnz; q++) d[q] *= h;
    } else { /* first step: at most unit length, the scale of the entries of a unit-diagonal factor */
      PetscReal gn2 = PetscSqrtReal(Dot(nnz, g, g));
      if (gn2 > 1) alpha = 1 / gn2;
    }
    for (PetscInt k = nmem - 1; k >= 0; k--) {
      PetscInt  s    = (head - 1 - k + m) % m;
      PetscReal beta = rho[s] * Dot(nnz, Y + s * nnz, d);
      for (PetscInt q = 0; q < nnz; q++) d[q] += (al[s] - beta) * S[s * nnz + q];
    }
    gd = Dot(nnz, g, d);
    if (!(gd < 0)) { /* not a descent direction (round-off in H): restart from the gradient */
      nmem = 0;
      for (PetscInt q = 0; q < nnz; q++) d[q] = -g[q];
      gd = -Dot(nnz, g, g);
      if (!(gd < 0)) {
        info->converged = PETSC_TRUE; /* a zero gradient */
        break;
      }
    }
    for (PetscInt ls = 0; ls < 40; ls++, alpha *= 0.5) {
      for (PetscInt q = 0; q < nnz; q++) xn[q] = x[q] + alpha * d[q];
      PetscCall(Evaluate(&o, xn, &fn, gn));
      if (fn <= f + c1 * alpha * gd) {
        ok = PETSC_TRUE;
        break;
      }
    }
    if (!ok) { /* no decrease along d: f is flat to round-off here */
      info->converged = PETSC_TRUE;
      break;
    }
    info->its++;
    for (PetscInt q = 0; q < nnz; q++) S[head * nnz + q] = xn[q] - x[q], Y[head * nnz + q] = gn[q] - g[q];
    sy = Dot(nnz, S + head * nnz, Y + head * nnz);
    if (sy > 0) {
      rho[head] = 1 / sy;
      head      = (head + 1) % m;
      nmem      = PetscMin(nmem + 1, m);
    }
    PetscCall(PetscArraycpy(x, xn, nnz));
    PetscCall(PetscArraycpy(g, gn, nnz));
    if (!info->exact) {
      PetscReal fv;
      PetscCall(Evaluate(&ov, x, &fv, NULL));
      if (fv < fv_best) {
        fv_best = fv, f_best = fn, since = 0;
        PetscCall(PetscArraycpy(xb, x, nnz));
      } else if (++since >= 10) {
        info->converged = PETSC_TRUE;
        break;
      }
    }
    /* f is a log: f - fn is the relative decrease of K in this step */
    if (f - fn <= opt->rtol) {
      f               = fn;
      info->converged = PETSC_TRUE;
      break;
    }
    f = fn;
  }
  if (!info->exact) { /* the validated best; f is its estimate over the minimiser's probes */
    PetscCall(PetscArraycpy(x, xb, nnz));
    f = f_best;
    PetscCall(PetscFree(xb));
    PetscCall(ObjectiveDestroy(&ov));
  }
  info->f      = f;
  info->nevals = o.nevals;
  if (info->fail < 0) { /* x is always the last accepted point: finite, f(x) finite */
    for (PetscInt q = 0; q < nnz; q++) L->val[o.csc[q]] = x[q];
    for (PetscInt i = 0; i < n; i++) L->val[o.csc[o.P.diag[i]]] = PetscExpReal(x[o.P.diag[i]]);
  }
  PetscCall(PetscFree3(S, Y, rho));
  PetscCall(PetscFree5(x, g, d, xn, gn));
  PetscCall(ObjectiveDestroy(&o));
  PetscFunctionReturn(PETSC_SUCCESS);
}
