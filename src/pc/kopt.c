/* PCKOPT: the K-optimal sparse lower-triangular factor L on the pattern of tril(A) (or a larger
   one, -pc_kopt_pattern), the minimiser of Kaporin's K(L^T A^-1 L) (Trifonov, Muravleva, Oseledets, Sec. 4, Algorithm 1).
   This file is only the PETSc face; the numerics live in src/factor/. */
#include "factor_pc.h"
#include <petsc/private/pcimpl.h>

typedef struct {
  KGNNInverseMethod method, used; /* asked for; used by the current symbolic phase */
  KGNNInverseMethod chosen;       /* what PCKOPTChooseMethod gave for it (auto may still switch: PCKOPTSymbolic) */
  PetscInt          dense_max;
  PetscBool         check_symmetric, diagonal_scale;
  PetscReal         symmetric_tol;
  PetscReal         zeropivot, zeropivot_used; /* asked (PETSC_DETERMINE: gamma_{n+1}); used */
  PetscReal         rho;                       /* smallest relative pivot 1 / (Z_ii a_ii) */
  PetscInt          rho_row, nullpivots;
  KGNNPatternType   pattern, pattern_used; /* -pc_kopt_pattern: asked for; used by the symbolic phase */
  PetscInt          level, level_used;     /* its k */

  Mat              As;     /* D^-1/2 A D^-1/2 (diagonal_scale) */
  Vec              sqd;    /* diag(A)^1/2 */
  PetscBool        scaled; /* the symbolic work was done on As */
  KGNNKoptSymbolic S;
  PetscBool        have_symbolic;
  KGNNInverseMumps mumps;
  KGNNSelInv       selinv;
  PetscScalar     *Pval; /* A^-1 on the pattern */
  KGNNFactor       F;    /* L = S.L as applied, and the failure */

  PetscLogDouble t_symbolic, t_inverse, t_columns;
  PetscInt       nsymbolic, nnumeric;

  /* -pc_kopt_objective trace (src/factor/kopt_direct.c) */
  KGNNKoptObjective objective;
  PetscInt          direct_its, exact_max, nprobe;
  PetscReal         direct_rtol;
  KGNNLower         T;     /* its L */
  KGNNDirectInfo    dinfo; /* how the last setup went */
  PetscBool         have_direct;
  PetscLogDouble    t_start, t_direct;
} PC_KOPT;

const char *const        KGNNInverseMethods[] = {"auto", "dense", "mumps", "selinv", "KGNNInverseMethod", "KGNN_INVERSE_", NULL};
const char *const        KGNNPatternTypes[]   = {"tril", "level", "power", "KGNNPatternType", "KGNN_PATTERN_", NULL};
const char *const        KGNNKoptObjectives[] = {"kaporin", "trace", "KGNNKoptObjective", "KGNN_KOPT_OBJECTIVE_", NULL};
static const char *const DirectStarts[]       = {"IC(0)", "shifted IC(0)", "Jacobi", "PCKOPT's K(L^T A^-1 L)-optimal factor", "given"};

static PetscErrorCode PCKOPTResetSymbolic(PC_KOPT *kopt)
{
  PetscFunctionBegin;
  PetscCall(KGNNInverseMumpsDestroy(&kopt->mumps));
  PetscCall(KGNNSelInvDestroy(&kopt->selinv));
  PetscCall(KGNNKoptSymbolicDestroy(&kopt->S));
  PetscCall(PetscFree(kopt->Pval));
  PetscCall(KGNNFactorReset(&kopt->F));
  kopt->have_symbolic = PETSC_FALSE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Not positive definite is a failed factorization, not an error: KSP reports DIVERGED_PC_FAILED */
static PetscErrorCode PCKOPTFail(PC pc, const char *what, PetscInt where)
{
  PC_KOPT *kopt = (PC_KOPT *)pc->data;

  PetscFunctionBegin;
  if (where >= 0) PetscCall(PetscInfo(pc, "K-optimal factor failed: %s %" PetscInt_FMT " (1-based); A is not positive definite (or too ill-conditioned for its inverse)\n", what, where + 1));
  else PetscCall(PetscInfo(pc, "K-optimal factor failed: %s; A is not positive definite (or too ill-conditioned for its inverse)\n", what));
  PetscCall(KGNNFactorFailPC(pc, &kopt->F, KGNN_FACTOR_PIVOT, where));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* auto: the dense inverse below this many rows, the selected inversion above; the crossover
   measured by kgnn-bench on the SuiteSparse set against MUMPS (at n ~ 5000 the dense path is
   already ~3x slower than MUMPS, which the selected inversion is faster than) */
#define KOPT_AUTO_DENSE_N 2000

static PetscErrorCode PCKOPTChooseMethod(PC_KOPT *kopt, PetscInt n, KGNNInverseMethod *m)
{
  PetscFunctionBegin;
  *m = kopt->method;
  if (*m == KGNN_INVERSE_AUTO) *m = n <= PetscMin(kopt->dense_max, KOPT_AUTO_DENSE_N) ? KGNN_INVERSE_DENSE : KGNN_INVERSE_SELINV;
  PetscCheck(*m != KGNN_INVERSE_DENSE || n <= kopt->dense_max, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "PCKOPT dense inverse refused: n = %" PetscInt_FMT " rows is above -pc_kopt_dense_max %" PetscInt_FMT " (it would need %.2g GB and O(n^3) work); use -pc_kopt_inverse selinv (or mumps), or raise -pc_kopt_dense_max", n, kopt->dense_max,
             8.0 * (double)n * (double)n / 1e9);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The K-optimal factor is equivariant under symmetric diagonal scaling: if L' is K-optimal for
   A' = D^-1/2 A D^-1/2 (D = diag(A)), then D^1/2 L' is K-optimal for A, on the same pattern,
   since K(L^T A^-1 L) = K(L'^T A'^-1 L'). Computing A'^-1 instead of A^-1 loses far less to
   round-off on badly scaled matrices (structural problems). As = A', sqd = diag(A)^1/2. */
static PetscErrorCode PCKOPTScale(PC_KOPT *kopt, Mat Aseq, PetscBool reuse)
{
  Vec isqd;

  PetscFunctionBegin;
  if (reuse) PetscCall(MatCopy(Aseq, kopt->As, SAME_NONZERO_PATTERN));
  else {
    PetscCall(MatDestroy(&kopt->As));
    PetscCall(VecDestroy(&kopt->sqd));
    PetscCall(MatDuplicate(Aseq, MAT_COPY_VALUES, &kopt->As));
    PetscCall(MatCreateVecs(Aseq, &kopt->sqd, NULL));
  }
  PetscCall(MatGetDiagonal(Aseq, kopt->sqd)); /* positive: checked before */
  PetscCall(VecSqrtAbs(kopt->sqd));
  PetscCall(VecDuplicate(kopt->sqd, &isqd));
  PetscCall(VecCopy(kopt->sqd, isqd));
  PetscCall(VecReciprocal(isqd));
  PetscCall(MatDiagonalScale(kopt->As, isqd, isqd));
  PetscCall(VecDestroy(&isqd));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* L = D^1/2 L': row i times sqrt(a_ii) */
static PetscErrorCode PCKOPTUnscale(PC_KOPT *kopt)
{
  KGNNLower         *L = &kopt->S.L;
  const PetscScalar *d;

  PetscFunctionBegin;
  PetscCall(VecGetArrayRead(kopt->sqd, &d));
  for (PetscInt p = 0; p < L->colptr[L->n]; p++) L->val[p] *= d[L->rowidx[p]];
  PetscCall(VecRestoreArrayRead(kopt->sqd, &d));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* pattern, index maps and MUMPS or CHOLMOD analysis: kept across SAME_NONZERO_PATTERN re-setups */
static PetscErrorCode PCKOPTSymbolic(PC pc, Mat Aw, const KGNNCSR *A, KGNNInverseMethod m)
{
  PC_KOPT       *kopt = (PC_KOPT *)pc->data;
  PetscInt       n    = A->n;
  PetscLogDouble t0, t1;
  const char    *prefix;

  PetscFunctionBegin;
  PetscCall(PCKOPTResetSymbolic(kopt));
  kopt->chosen = m;
  PetscCall(PetscLogEventBegin(KGNN_KOPT_Symbolic, pc, 0, 0, 0));
  PetscCall(PetscTime(&t0));
  kopt->pattern_used = kopt->pattern;
  kopt->level_used   = kopt->level;
  PetscCall(KGNNKoptSymbolicCreate(A, kopt->pattern, kopt->level, &kopt->S));
#if defined(PETSC_HAVE_MUMPS)
  /* a column of L over half of A's rows puts a dense block of more than n^2/8 pairs in P: the
     selected inversion would factor a dense matrix (bloweybq, row 1 coupled to all 10001: 46 s,
     MUMPS' selected entries 11 s, kgnn-bench), so auto takes MUMPS there */
  if (kopt->method == KGNN_INVERSE_AUTO && m == KGNN_INVERSE_SELINV && 2 * kopt->S.maxcol > n) {
    PetscCall(PetscInfo(pc, "auto: a column of L has %" PetscInt_FMT " of the %" PetscInt_FMT " rows, so the pairs it reads are a dense block; MUMPS' selected entries instead of the selected inversion\n", kopt->S.maxcol, n));
    m = KGNN_INVERSE_MUMPS;
  }
#endif
  kopt->used = m;
  PetscCall(PetscMalloc1(kopt->S.Pptr[n], &kopt->Pval));
  if (m == KGNN_INVERSE_MUMPS && n > 0) { /* MUMPS refuses an empty matrix */
    PetscCall(PCGetOptionsPrefix(pc, &prefix));
    PetscCall(KGNNInverseMumpsSymbolic(Aw, prefix, n, kopt->S.Pptr, kopt->S.Pidx, kopt->Pval, &kopt->mumps));
  }
  if (m == KGNN_INVERSE_SELINV && n > 0) PetscCall(KGNNSelInvSymbolic(A, kopt->S.Pptr, kopt->S.Pidx, KGNN_SELINV_ORDER_AP, &kopt->selinv));
  PetscCall(PetscTime(&t1));
  PetscCall(PetscLogEventEnd(KGNN_KOPT_Symbolic, pc, 0, 0, 0));
  kopt->have_symbolic = PETSC_TRUE;
  kopt->t_symbolic    = t1 - t0;
  kopt->nsymbolic++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Algorithm 1, line 1: the entries of B = A^-1 on the pattern */
static PetscErrorCode PCKOPTInverse(PC pc, Mat Aw)
{
  PC_KOPT       *kopt = (PC_KOPT *)pc->data;
  KGNNCSR        A;
  PetscInt       fail, n;
  PetscBool      mfail;
  PetscLogDouble t0, t1;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(KGNN_KOPT_Inverse, pc, 0, 0, 0));
  PetscCall(PetscTime(&t0));
  n                    = kopt->S.L.n;
  kopt->zeropivot_used = kopt->zeropivot > 0 ? kopt->zeropivot : KGNNZeroPivotDefault(n);
  kopt->rho            = 1;
  kopt->rho_row        = -1;
  kopt->nullpivots     = 0;
  if (kopt->used == KGNN_INVERSE_DENSE) {
    PetscCall(KGNNMatGetCSR(Aw, &A));
    PetscCall(KGNNInverseDense(&A, kopt->S.Pptr, kopt->S.Pidx, kopt->Pval, &fail));
    PetscCall(KGNNMatRestoreCSR(Aw, &A));
    if (fail >= 0) PetscCall(PCKOPTFail(pc, "dense Cholesky of A breaks down at row", fail));
  } else if (kopt->used == KGNN_INVERSE_SELINV && n > 0) {
    PetscCall(KGNNMatGetCSR(Aw, &A));
    PetscCall(KGNNSelInvNumeric(kopt->selinv, &A, kopt->Pval, &fail));
    PetscCall(KGNNMatRestoreCSR(Aw, &A));
    if (fail >= 0) PetscCall(PCKOPTFail(pc, "CHOLMOD's Cholesky factorization of A breaks down at row", fail));
  } else if (n > 0) {
    PetscCall(KGNNInverseMumpsNumeric(Aw, &kopt->mumps, kopt->zeropivot_used, &mfail, &kopt->nullpivots));
    if (mfail) PetscCall(PCKOPTFail(pc, "MUMPS factorization of A failed", -1));
    else if (kopt->nullpivots > 0) {
      PetscCall(PetscInfo(pc, "MUMPS found %" PetscInt_FMT " null pivot(s) below CNTL(3) = %g (relative)\n", kopt->nullpivots, (double)kopt->zeropivot_used));
      PetscCall(PCKOPTFail(pc, "A is singular: MUMPS null pivots (INFOG(28) > 0)", -1));
    }
  }
  if (!KGNNFactorFailed(&kopt->F) && n > 0) { /* the same test on every path: the pivots 1 / Z_ii (src/factor/inverse_check.c) */
    const PetscScalar *d    = NULL;
    Vec                diag = NULL;
    if (!kopt->scaled) {
      PetscCall(MatCreateVecs(Aw, &diag, NULL));
      PetscCall(MatGetDiagonal(Aw, diag));
      PetscCall(VecGetArrayRead(diag, &d));
    }
    KGNNInverseDiagonalCheck(n, kopt->S.Pptr, kopt->Pval, d, kopt->zeropivot_used, &kopt->rho_row, &kopt->rho);
    if (diag) PetscCall(VecRestoreArrayRead(diag, &d));
    PetscCall(VecDestroy(&diag));
    PetscCall(PetscInfo(pc, "smallest relative pivot 1 / (Z_ii a_ii) = %g (zero pivot tolerance %g)\n", (double)kopt->rho, (double)kopt->zeropivot_used));
    if (kopt->rho_row >= 0) PetscCall(PCKOPTFail(pc, "A is numerically singular: relative pivot 1 / (Z_ii a_ii) at or below -pc_kopt_zeropivot in row", kopt->rho_row));
  }
  PetscCall(PetscTime(&t1));
  PetscCall(PetscLogEventEnd(KGNN_KOPT_Inverse, pc, 0, 0, 0));
  kopt->t_inverse = t1 - t0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* lines 2-7: one small SPD problem per column, then the unit form for the apply */
static PetscErrorCode PCKOPTColumns(PC pc)
{
  PC_KOPT       *kopt = (PC_KOPT *)pc->data;
  PetscInt       fail;
  PetscLogDouble t0, t1;

  PetscFunctionBegin;
  PetscCall(PetscLogEventBegin(KGNN_KOPT_Columns, pc, 0, 0, 0));
  PetscCall(PetscTime(&t0));
  PetscCall(KGNNKoptColumns(&kopt->S, kopt->Pval, &fail));
  if (fail >= 0) PetscCall(PCKOPTFail(pc, "B_i = A^-1(s_i, s_i) is not positive definite for column", fail));
  else {
    if (kopt->diagonal_scale) PetscCall(PCKOPTUnscale(kopt));
    PetscCall(KGNNFactorSetUp(&kopt->F, &kopt->S.L, &fail));
    if (fail >= 0) PetscCall(PCKOPTFail(pc, "zero or non-finite diagonal of L in column", fail));
  }
  PetscCall(PetscTime(&t1));
  PetscCall(PetscLogEventEnd(KGNN_KOPT_Columns, pc, 0, 0, 0));
  kopt->t_columns = t1 - t0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Where IC(0) breaks down, the trace minimiser starts from Algorithm 1's factor of As (the issue's
   "else from PCKOPT's factor"): a shifted IC(0) is a poor start on the matrices where IC(0) fails
   (kgnn-bench --direct: bcsstk19, nos2 needed 1.6x and 3x PCKOPT's iterations from it). If
   Algorithm 1 fails too, the shifted IC(0) or Jacobi start stays and the failure is forgotten. */
static PetscErrorCode PCKOPTTraceStartKopt(PC pc, const KGNNCSR *As)
{
  PC_KOPT          *kopt = (PC_KOPT *)pc->data;
  KGNNInverseMethod m;
  PetscInt          fail = -1;

  PetscFunctionBegin;
  PetscCall(PCKOPTChooseMethod(kopt, As->n, &m));
  PetscCall(PCKOPTSymbolic(pc, kopt->As, As, m));
  PetscCall(PCKOPTInverse(pc, kopt->As));
  if (!KGNNFactorFailed(&kopt->F)) PetscCall(KGNNKoptColumns(&kopt->S, kopt->Pval, &fail));
  if (!KGNNFactorFailed(&kopt->F) && fail < 0) {
    const KGNNLower *K    = &kopt->S.L;
    PetscBool        same = (PetscBool)(K->n == kopt->T.n && K->colptr[K->n] == kopt->T.colptr[kopt->T.n]);
    for (PetscInt p = 0; same && p < K->colptr[K->n]; p++) same = (PetscBool)(K->rowidx[p] == kopt->T.rowidx[p] && !PetscIsInfOrNanScalar(K->val[p]));
    if (same) {
      PetscCall(PetscArraycpy(kopt->T.val, K->val, K->colptr[K->n]));
      kopt->dinfo.start = KGNN_DIRECT_START_KOPT;
    }
  } else PetscCall(PetscInfo(pc, "trace objective: Algorithm 1 fails too; the start stays %s\n", DirectStarts[kopt->dinfo.start]));
  KGNNFactorBegin(&kopt->F);
  PetscCall(PCSetFailedReason(pc, PC_NOERROR));
  PetscCall(PCKOPTResetSymbolic(kopt));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -pc_kopt_objective trace: L on tril(A) minimising K(L^-1 A L^-T), by L-BFGS on D^-1/2 A D^-1/2
   (always: K is invariant under the scaling but L-BFGS is not, and the finding was on the
   Jacobi-scaled matrix), from IC(0), shifted IC(0) or Jacobi; L = D^1/2 L' as in PCKOPTUnscale */
static PetscErrorCode PCKOPTSetUpTrace(PC pc, Mat Aseq)
{
  PC_KOPT           *kopt = (PC_KOPT *)pc->data;
  KGNNCSR            As;
  KGNNDirectOptions  opt = {kopt->direct_its, kopt->direct_rtol, kopt->exact_max, kopt->nprobe, 20261203, 10};
  const PetscScalar *d;
  PetscInt           fail;
  PetscLogDouble     t0, t1, t2;

  PetscFunctionBegin;
  PetscCheck(kopt->pattern == KGNN_PATTERN_TRIL, PetscObjectComm((PetscObject)pc), PETSC_ERR_SUP, "-pc_kopt_objective trace works on the pattern of tril(A) only, not -pc_kopt_pattern %s:%" PetscInt_FMT, KGNNPatternTypes[kopt->pattern], kopt->level);
  PetscCall(PCKOPTResetSymbolic(kopt));
  PetscCall(KGNNLowerDestroy(&kopt->T));
  kopt->have_direct = PETSC_FALSE;
  PetscCall(PetscTime(&t0));
  PetscCall(PCKOPTScale(kopt, Aseq, PETSC_FALSE));
  kopt->scaled = PETSC_TRUE;
  PetscCall(KGNNMatGetCSR(kopt->As, &As));
  PetscCall(KGNNLowerCreateFromCSR(&As, PETSC_FALSE, &kopt->T));
  PetscCall(KGNNTraceStart(&As, &kopt->T, &kopt->dinfo));
  if (kopt->dinfo.start != KGNN_DIRECT_START_IC0) PetscCall(PCKOPTTraceStartKopt(pc, &As));
  PetscCall(PetscTime(&t1));
  PetscCall(KGNNTraceMinimize(&As, &kopt->T, &opt, &kopt->dinfo));
  PetscCall(PetscTime(&t2));
  PetscCall(KGNNMatRestoreCSR(kopt->As, &As));
  kopt->have_direct = PETSC_TRUE;
  kopt->t_start     = t1 - t0;
  kopt->t_direct    = t2 - t1;
  kopt->nnumeric++;
  PetscCall(PetscInfo(pc, "trace objective: start %s, log K/K_Jacobi %g -> %g in %" PetscInt_FMT " L-BFGS iterations (%" PetscInt_FMT " evaluations)\n", DirectStarts[kopt->dinfo.start], (double)kopt->dinfo.f0, (double)kopt->dinfo.f, kopt->dinfo.its,
                      kopt->dinfo.nevals));
  if (kopt->dinfo.fail >= 0) {
    PetscCall(PCKOPTFail(pc, "the trace minimiser's start has a non-positive diagonal, or tr(L^-1 A L^-T) is not positive and finite (A not positive definite); column (n + 1: the trace)", kopt->dinfo.fail));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(VecGetArrayRead(kopt->sqd, &d));
  for (PetscInt p = 0; p < kopt->T.colptr[kopt->T.n]; p++) kopt->T.val[p] *= d[kopt->T.rowidx[p]];
  PetscCall(VecRestoreArrayRead(kopt->sqd, &d));
  PetscCall(KGNNFactorSetUp(&kopt->F, &kopt->T, &fail));
  if (fail >= 0) PetscCall(PCKOPTFail(pc, "zero or non-finite diagonal of L in column", fail));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PCSetUp_KOPT(PC pc)
{
  PC_KOPT          *kopt = (PC_KOPT *)pc->data;
  Mat               Aseq, Aw;
  KGNNCSR           A;
  KGNNInverseMethod m;
  PetscBool         reuse;

  PetscFunctionBegin;
  KGNNFactorBegin(&kopt->F);
  PetscCall(KGNNMatGetSeqAIJ(pc, pc->pmat, &Aseq));
  PetscCall(KGNNMatGetCSR(Aseq, &A));
  PetscCall(KGNNCheckSPDInput(Aseq, &A, kopt->check_symmetric, kopt->symmetric_tol));
  if (kopt->objective == KGNN_KOPT_OBJECTIVE_TRACE) {
    PetscCall(KGNNMatRestoreCSR(Aseq, &A));
    PetscCall(PCKOPTSetUpTrace(pc, Aseq));
    PetscCall(MatDestroy(&Aseq));
    if (!KGNNFactorFailed(&kopt->F)) PetscCall(KGNNFactorViewFromOptions(pc, "-pc_kopt_view_factor", &kopt->F));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  kopt->have_direct = PETSC_FALSE;
  PetscCall(PCKOPTChooseMethod(kopt, A.n, &m));
  reuse = (pc->setupcalled && pc->flag == SAME_NONZERO_PATTERN && kopt->have_symbolic && kopt->chosen == m && kopt->S.L.n == A.n && kopt->scaled == kopt->diagonal_scale && kopt->pattern_used == kopt->pattern && kopt->level_used == kopt->level)
              ? PETSC_TRUE
              : PETSC_FALSE;
  if (kopt->diagonal_scale) PetscCall(PCKOPTScale(kopt, Aseq, reuse));
  kopt->scaled = kopt->diagonal_scale;
  Aw           = kopt->diagonal_scale ? kopt->As : Aseq;
  if (!reuse) PetscCall(PCKOPTSymbolic(pc, Aw, &A, m));
  PetscCall(KGNNMatRestoreCSR(Aseq, &A));
  kopt->nnumeric++;
  PetscCall(PCKOPTInverse(pc, Aw));
  PetscCall(MatDestroy(&Aseq));
  if (!KGNNFactorFailed(&kopt->F)) PetscCall(PCKOPTColumns(pc));
  if (!KGNNFactorFailed(&kopt->F)) PetscCall(KGNNFactorViewFromOptions(pc, "-pc_kopt_view_factor", &kopt->F));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PCApply_KOPT(PC pc, Vec x, Vec y)
{
  PC_KOPT *kopt = (PC_KOPT *)pc->data;

  PetscFunctionBegin;
  PetscCall(KGNNFactorApplyVec(pc, &kopt->F, x, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PCApplySymmetricLeft_KOPT(PC pc, Vec x, Vec y)
{
  PC_KOPT *kopt = (PC_KOPT *)pc->data;

  PetscFunctionBegin;
  PetscCall(KGNNFactorApplyHalfVec(pc, &kopt->F, PETSC_TRUE, x, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PCApplySymmetricRight_KOPT(PC pc, Vec x, Vec y)
{
  PC_KOPT *kopt = (PC_KOPT *)pc->data;

  PetscFunctionBegin;
  PetscCall(KGNNFactorApplyHalfVec(pc, &kopt->F, PETSC_FALSE, x, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PCReset_KOPT(PC pc)
{
  PC_KOPT *kopt = (PC_KOPT *)pc->data;

  PetscFunctionBegin;
  PetscCall(PCKOPTResetSymbolic(kopt));
  PetscCall(KGNNLowerDestroy(&kopt->T));
  kopt->have_direct = PETSC_FALSE;
  PetscCall(MatDestroy(&kopt->As));
  PetscCall(VecDestroy(&kopt->sqd));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the selected inversion's statistics; the pairs outside A's factor counted on A's pattern */
static PetscErrorCode PCKOPTSelInvStats(PC pc, KGNNSelInvStats *st)
{
  PC_KOPT *kopt = (PC_KOPT *)pc->data;
  Mat      Aseq;
  KGNNCSR  A;

  PetscFunctionBegin;
  PetscCall(KGNNMatGetSeqAIJ(pc, pc->pmat, &Aseq));
  PetscCall(KGNNMatGetCSR(Aseq, &A));
  PetscCall(KGNNSelInvGetStats(kopt->selinv, &A, kopt->S.Pptr, kopt->S.Pidx, st));
  PetscCall(KGNNMatRestoreCSR(Aseq, &A));
  PetscCall(MatDestroy(&Aseq));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const char *PCKOPTMethodName(KGNNInverseMethod m)
{
  switch (m) {
  case KGNN_INVERSE_DENSE:
    return "dense LAPACK Cholesky + inverse";
  case KGNN_INVERSE_MUMPS:
    return "MUMPS selected entries";
  case KGNN_INVERSE_SELINV:
    return "selected inversion on CHOLMOD's supernodal Cholesky factor";
  default:
    return "auto";
  }
}

static PetscErrorCode PCView_KOPT(PC pc, PetscViewer viewer)
{
  PC_KOPT  *kopt = (PC_KOPT *)pc->data;
  PetscBool iascii;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &iascii));
  if (!iascii) PetscFunctionReturn(PETSC_SUCCESS);
  if (kopt->objective == KGNN_KOPT_OBJECTIVE_TRACE) {
    PetscCall(PetscViewerASCIIPrintf(viewer,
                                     "  objective trace: L on the pattern of tril(A) minimising K(L^-1 A L^-T), L-BFGS on D^-1/2 A D^-1/2 (at most %" PetscInt_FMT " iterations, rtol %g on K); exact trace up to %" PetscInt_FMT
                                     " rows, else %" PetscInt_FMT " fixed Rademacher probes\n",
                                     kopt->direct_its, (double)kopt->direct_rtol, kopt->exact_max, kopt->nprobe));
    if (kopt->have_direct) {
      const KGNNDirectInfo *Di = &kopt->dinfo;
      if (Di->start == KGNN_DIRECT_START_SHIFTED_IC0) PetscCall(PetscViewerASCIIPrintf(viewer, "  start: IC(0) of A + %g diag(A) (IC(0) of A breaks down)\n", (double)Di->shift));
      else PetscCall(PetscViewerASCIIPrintf(viewer, "  start: %s%s\n", DirectStarts[Di->start], Di->start == KGNN_DIRECT_START_JACOBI ? " (IC(0) breaks down up to a shift of 1)" : ""));
      PetscCall(PetscViewerASCIIPrintf(viewer, "  n = %" PetscInt_FMT ", nnz(L) = %" PetscInt_FMT ", trace %s; K / K(Jacobi) %g at the start, %g at the end; %" PetscInt_FMT " iterations, %" PetscInt_FMT " evaluations, %s\n", kopt->T.n,
                                       kopt->T.colptr[kopt->T.n], Di->exact ? "exact" : "Hutchinson", (double)PetscExpReal(Di->f0), (double)PetscExpReal(Di->f), Di->its, Di->nevals, Di->converged ? "converged" : "stopped at the iteration limit"));
      PetscCall(PetscViewerASCIIPrintf(viewer, "  setup times: scaling and start %.3g s, L-BFGS %.3g s\n", kopt->t_start, kopt->t_direct));
    }
    if (KGNNFactorFailed(&kopt->F)) PetscCall(PetscViewerASCIIPrintf(viewer, "  FAILED: A is not positive definite, or the minimiser found no finite K\n"));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (kopt->pattern == KGNN_PATTERN_TRIL) PetscCall(PetscViewerASCIIPrintf(viewer, "  K-optimal factor L L^T ~ A on the pattern of tril(A)\n"));
  else
    PetscCall(PetscViewerASCIIPrintf(viewer, "  K-optimal factor L L^T ~ A on the pattern %s:%" PetscInt_FMT " (%s)\n", KGNNPatternTypes[kopt->pattern], kopt->level,
                                     kopt->pattern == KGNN_PATTERN_LEVEL ? "level-k fill of incomplete Cholesky" : "tril of the pattern of A^k"));
  PetscCall(PetscViewerASCIIPrintf(viewer, "  inverse entries: %s (asked %s, dense max %" PetscInt_FMT " rows)\n", kopt->have_symbolic ? PCKOPTMethodName(kopt->used) : "not set up", KGNNInverseMethods[kopt->method], kopt->dense_max));
  if (kopt->have_symbolic) {
    PetscInt n = kopt->S.L.n;
    PetscCall(PetscViewerASCIIPrintf(viewer, "  n = %" PetscInt_FMT ", nnz(L) = %" PetscInt_FMT ", entries of A^-1 used = %" PetscInt_FMT ", largest column = %" PetscInt_FMT "\n", n, kopt->S.L.colptr[n], kopt->S.Pptr[n], kopt->S.maxcol));
    if (kopt->selinv) {
      KGNNSelInvStats st;
      PetscCall(PCKOPTSelInvStats(pc, &st));
      PetscCall(PetscViewerASCIIPrintf(viewer,
                                       "  CHOLMOD: %s ordering of A + the pairs read, %" PetscInt_FMT " supernodes, nnz(L) %.4g (A alone, same ordering: %.4g); pairs of A^-1 read: %" PetscInt_FMT
                                       ", outside A's filled pattern (added as explicit zeros): %" PetscInt_FMT "\n",
                                       KGNNCholmodOrderingName(st.ordering), st.nsuper, st.lnz, st.lnz_A, st.npairs, st.outside));
      PetscCall(PetscViewerASCIIPrintf(viewer, "  setup times: symbolic %.3g s (CHOLMOD analysis %.3g s), inverse %.3g s (CHOLMOD factorization %.3g s, selected inversion %.3g s), columns %.3g s\n", kopt->t_symbolic, st.t_analyze, kopt->t_inverse,
                                       st.t_factor, st.t_selinv, kopt->t_columns));
    } else PetscCall(PetscViewerASCIIPrintf(viewer, "  setup times: symbolic %.3g s, inverse %.3g s, columns %.3g s\n", kopt->t_symbolic, kopt->t_inverse, kopt->t_columns));
    PetscCall(PetscViewerASCIIPrintf(viewer, "  symbolic setups %" PetscInt_FMT ", numeric setups %" PetscInt_FMT "\n", kopt->nsymbolic, kopt->nnumeric));
  }
  PetscCall(PetscViewerASCIIPrintf(viewer, "  symmetry check: %s (relative tolerance %g); computed on D^-1/2 A D^-1/2: %s\n", kopt->check_symmetric ? "on" : "off", (double)kopt->symmetric_tol, kopt->diagonal_scale ? "yes" : "no"));
  if (kopt->have_symbolic && kopt->zeropivot_used > 0) {
    if (kopt->nullpivots > 0) PetscCall(PetscViewerASCIIPrintf(viewer, "  singular: MUMPS found %" PetscInt_FMT " null pivot(s) (zero pivot tolerance %g)\n", kopt->nullpivots, (double)kopt->zeropivot_used));
    else
      PetscCall(PetscViewerASCIIPrintf(viewer, "  smallest relative pivot 1/(Z_ii a_ii) = %g (row %" PetscInt_FMT ", 1-based), zero pivot tolerance %g%s\n", (double)kopt->rho, kopt->rho_row >= 0 ? kopt->rho_row + 1 : -1, (double)kopt->zeropivot_used,
                                       kopt->zeropivot > 0 ? "" : " = gamma_{n+1}"));
  }
  if (KGNNFactorFailed(&kopt->F)) {
    if (kopt->F.where >= 0) PetscCall(PetscViewerASCIIPrintf(viewer, "  FAILED (column or row %" PetscInt_FMT ", 1-based): A is not positive definite, or singular to working precision\n", kopt->F.where + 1));
    else PetscCall(PetscViewerASCIIPrintf(viewer, "  FAILED: A is not positive definite, or singular to working precision\n"));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* "tril", "level:k" or "power:k" */
static PetscErrorCode PCKOPTParsePattern(const char *str, KGNNPatternType *type, PetscInt *k)
{
  char     *end = NULL;
  long      v   = 0;
  PetscBool tril;

  PetscFunctionBegin;
  PetscCall(PetscStrcmp(str, "tril", &tril));
  *type = KGNN_PATTERN_TRIL;
  *k    = 0;
  if (!tril) {
    if (!strncmp(str, "level:", 6)) *type = KGNN_PATTERN_LEVEL;
    else if (!strncmp(str, "power:", 6)) *type = KGNN_PATTERN_POWER;
    else end = (char *)str;
    if (!end) v = strtol(str + 6, &end, 10);
    PetscCheck(end != str && end != str + 6 && *end == 0 && v >= 0 && v <= 64, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "-pc_kopt_pattern %s: expected tril, level:k or power:k with an integer 0 <= k <= 64", str);
    *k = (PetscInt)v;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

#if PETSC_VERSION_LT(3, 23, 0)
static PetscErrorCode PCSetFromOptions_KOPT(PC pc, PetscOptionItems *PetscOptionsObject)
#else
static PetscErrorCode PCSetFromOptions_KOPT(PC pc, PetscOptionItems PetscOptionsObject)
#endif
{
  PC_KOPT          *kopt = (PC_KOPT *)pc->data;
  KGNNInverseMethod m    = kopt->method;
  PetscInt          dmax = kopt->dense_max;
  PetscBool         chk = kopt->check_symmetric, scale = kopt->diagonal_scale, flg;
  PetscReal         tol = kopt->symmetric_tol, zp = kopt->zeropivot;
  char              pat[64];

  PetscFunctionBegin;
  PetscOptionsHeadBegin(PetscOptionsObject, "K-optimal factor (PCKOPT) options");
  PetscCall(PetscOptionsEnum("-pc_kopt_inverse", "How the entries of A^-1 are computed", "PCKOPTSetInverseMethod", KGNNInverseMethods, (PetscEnum)m, (PetscEnum *)&m, &flg));
  if (flg) PetscCall(PCKOPTSetInverseMethod(pc, m));
  PetscCall(PetscOptionsInt("-pc_kopt_dense_max", "Largest n for the dense inverse", "PCKOPTSetDenseMax", dmax, &dmax, &flg));
  if (flg) PetscCall(PCKOPTSetDenseMax(pc, dmax));
  PetscCall(PetscOptionsBool("-pc_kopt_check_symmetric", "Check that A is symmetric", "PCKOPTSetCheckSymmetric", chk, &chk, NULL));
  PetscCall(PetscOptionsReal("-pc_kopt_symmetric_tol", "Relative tolerance of the symmetry check", "PCKOPTSetCheckSymmetric", tol, &tol, NULL));
  PetscCall(PCKOPTSetCheckSymmetric(pc, chk, tol));
  PetscCall(PetscOptionsBool("-pc_kopt_diagonal_scale", "Compute on D^-1/2 A D^-1/2 (same factor, less round-off)", "PCKOPTSetDiagonalScale", scale, &scale, &flg));
  if (flg) PetscCall(PCKOPTSetDiagonalScale(pc, scale));
  PetscCall(PetscOptionsReal("-pc_kopt_zeropivot", "Relative pivot 1/(Z_ii a_ii) at or below which A counts as singular (PETSC_DETERMINE: (n+1) u)", "PCKOPTSetZeroPivot", kopt->zeropivot, &zp, &flg));
  if (flg) PetscCall(PCKOPTSetZeroPivot(pc, zp));
  PetscCall(PetscSNPrintf(pat, sizeof(pat), kopt->pattern == KGNN_PATTERN_TRIL ? "%s" : "%s:%" PetscInt_FMT, KGNNPatternTypes[kopt->pattern], kopt->level));
  PetscCall(PetscOptionsString("-pc_kopt_pattern", "Pattern of L: tril, level:k (ICC(k)'s level-k fill) or power:k (tril of the pattern of A^k)", "PCKOPTSetPattern", pat, pat, sizeof(pat), &flg));
  if (flg) {
    KGNNPatternType type = KGNN_PATTERN_TRIL;
    PetscInt        k    = 0;
    PetscCall(PCKOPTParsePattern(pat, &type, &k));
    PetscCall(PCKOPTSetPattern(pc, type, k));
  }
  {
    KGNNKoptObjective obj = kopt->objective;
    PetscInt          its = kopt->direct_its, emax = kopt->exact_max, np = kopt->nprobe;
    PetscReal         rt = kopt->direct_rtol;
    PetscCall(PetscOptionsEnum("-pc_kopt_objective", "What L minimises: kaporin (K(L^T A^-1 L), Algorithm 1) or trace (K(L^-1 A L^-T) by L-BFGS)", "PCKOPTSetObjective", KGNNKoptObjectives, (PetscEnum)obj, (PetscEnum *)&obj, &flg));
    if (flg) PetscCall(PCKOPTSetObjective(pc, obj));
    PetscCall(PetscOptionsInt("-pc_kopt_direct_its", "trace objective: L-BFGS iterations at most", "PCKOPTSetDirectMaxIts", its, &its, &flg));
    if (flg) PetscCall(PCKOPTSetDirectMaxIts(pc, its));
    PetscCall(PetscOptionsReal("-pc_kopt_direct_rtol", "trace objective: stop when a step lowers K by less than this fraction", "PCKOPTSetDirectRtol", rt, &rt, &flg));
    if (flg) PetscCall(PCKOPTSetDirectRtol(pc, rt));
    PetscCall(PetscOptionsInt("-pc_kopt_exact_max", "trace objective: exact trace up to this many rows", "PCKOPTSetExactMax", emax, &emax, &flg));
    if (flg) PetscCall(PCKOPTSetExactMax(pc, emax));
    PetscCall(PetscOptionsInt("-pc_kopt_probes", "trace objective: Hutchinson probes above -pc_kopt_exact_max", "PCKOPTSetProbes", np, &np, &flg));
    if (flg) PetscCall(PCKOPTSetProbes(pc, np));
  }
  PetscCall(PetscOptionsName("-pc_kopt_view_factor", "View L after each setup (viewer, e.g. binary:L.bin)", "PCKOPTGetFactor", NULL));
  PetscOptionsHeadEnd();
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PCKOPTSetInverseMethod_KOPT(PC pc, KGNNInverseMethod m)
{
  PetscFunctionBegin;
  ((PC_KOPT *)pc->data)->method = m;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCKOPTGetInverseMethod_KOPT(PC pc, KGNNInverseMethod *m)
{
  PetscFunctionBegin;
  *m = ((PC_KOPT *)pc->data)->method;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCKOPTSetDenseMax_KOPT(PC pc, PetscInt nmax)
{
  PetscFunctionBegin;
  PetscCheck(nmax >= 0, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE, "-pc_kopt_dense_max must be >= 0, got %" PetscInt_FMT, nmax);
  ((PC_KOPT *)pc->data)->dense_max = nmax;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCKOPTGetDenseMax_KOPT(PC pc, PetscInt *nmax)
{
  PetscFunctionBegin;
  *nmax = ((PC_KOPT *)pc->data)->dense_max;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCKOPTSetCheckSymmetric_KOPT(PC pc, PetscBool chk, PetscReal tol)
{
  PC_KOPT *kopt = (PC_KOPT *)pc->data;

  PetscFunctionBegin;
  PetscCheck(tol >= 0, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE, "-pc_kopt_symmetric_tol must be >= 0, got %g", (double)tol);
  kopt->check_symmetric = chk;
  kopt->symmetric_tol   = tol;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCKOPTGetCheckSymmetric_KOPT(PC pc, PetscBool *chk, PetscReal *tol)
{
  PC_KOPT *kopt = (PC_KOPT *)pc->data;

  PetscFunctionBegin;
  if (chk) *chk = kopt->check_symmetric;
  if (tol) *tol = kopt->symmetric_tol;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCKOPTSetDiagonalScale_KOPT(PC pc, PetscBool scale)
{
  PetscFunctionBegin;
  ((PC_KOPT *)pc->data)->diagonal_scale = scale;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCKOPTGetDiagonalScale_KOPT(PC pc, PetscBool *scale)
{
  PetscFunctionBegin;
  *scale = ((PC_KOPT *)pc->data)->diagonal_scale;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCKOPTSetZeroPivot_KOPT(PC pc, PetscReal tol)
{
  PetscFunctionBegin;
  PetscCheck(tol == PETSC_DETERMINE || tol == PETSC_DEFAULT || (tol > 0 && tol < 1), PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE, "-pc_kopt_zeropivot must be in (0, 1) or PETSC_DETERMINE, got %g", (double)tol);
  ((PC_KOPT *)pc->data)->zeropivot = tol > 0 ? tol : PETSC_DETERMINE;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCKOPTGetZeroPivot_KOPT(PC pc, PetscReal *tol)
{
  PC_KOPT *kopt = (PC_KOPT *)pc->data;

  PetscFunctionBegin;
  *tol = kopt->zeropivot > 0 ? kopt->zeropivot : (kopt->have_symbolic ? KGNNZeroPivotDefault(kopt->S.L.n) : PETSC_DETERMINE);
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCKOPTSetPattern_KOPT(PC pc, KGNNPatternType type, PetscInt k)
{
  PC_KOPT *kopt = (PC_KOPT *)pc->data;

  PetscFunctionBegin;
  PetscCheck(type >= KGNN_PATTERN_TRIL && type <= KGNN_PATTERN_POWER, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE, "PCKOPTSetPattern: unknown pattern type %d", (int)type);
  PetscCheck(type == KGNN_PATTERN_TRIL || (k >= 0 && k <= 64), PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE, "PCKOPTSetPattern: k = %" PetscInt_FMT " must be in 0..64", k);
  kopt->pattern = type;
  kopt->level   = type == KGNN_PATTERN_TRIL ? 0 : k;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCKOPTGetPattern_KOPT(PC pc, KGNNPatternType *type, PetscInt *k)
{
  PC_KOPT *kopt = (PC_KOPT *)pc->data;

  PetscFunctionBegin;
  if (type) *type = kopt->pattern;
  if (k) *k = kopt->level;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCKOPTGetSelInvInfo_KOPT(PC pc, PetscInt *npairs, PetscInt *outside, PetscReal *nnzL_A, PetscReal *nnzL)
{
  PC_KOPT        *kopt = (PC_KOPT *)pc->data;
  KGNNSelInvStats st;

  PetscFunctionBegin;
  PetscCheck(kopt->have_symbolic && kopt->selinv, PetscObjectComm((PetscObject)pc), PETSC_ERR_ORDER, "PCKOPT has no selected inversion: call PCSetUp() with -pc_kopt_inverse selinv (or auto above 2000 rows) first");
  PetscCall(PCKOPTSelInvStats(pc, &st));
  if (npairs) *npairs = st.npairs;
  if (outside) *outside = st.outside;
  if (nnzL_A) *nnzL_A = st.lnz_A;
  if (nnzL) *nnzL = st.lnz;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCKOPTGetFactor_KOPT(PC pc, Mat *L)
{
  PC_KOPT *kopt = (PC_KOPT *)pc->data;

  PetscFunctionBegin;
  PetscCall(KGNNFactorGetMat(pc, "PCKOPT", &kopt->F, L));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PCKOPTSetObjective_KOPT(PC pc, KGNNKoptObjective v)
{
  PetscFunctionBegin;
  PetscCheck(v == KGNN_KOPT_OBJECTIVE_KAPORIN || v == KGNN_KOPT_OBJECTIVE_TRACE, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE, "PCKOPTSetObjective: unknown objective %d", (int)v);
  ((PC_KOPT *)pc->data)->objective = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCKOPTGetObjective_KOPT(PC pc, KGNNKoptObjective *v)
{
  PetscFunctionBegin;
  *v = ((PC_KOPT *)pc->data)->objective;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCKOPTSetDirectMaxIts_KOPT(PC pc, PetscInt v)
{
  PetscFunctionBegin;
  PetscCheck(v >= 0, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE, "-pc_kopt_direct_its must be >= 0, got %" PetscInt_FMT, v);
  ((PC_KOPT *)pc->data)->direct_its = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCKOPTGetDirectMaxIts_KOPT(PC pc, PetscInt *v)
{
  PetscFunctionBegin;
  *v = ((PC_KOPT *)pc->data)->direct_its;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCKOPTSetDirectRtol_KOPT(PC pc, PetscReal v)
{
  PetscFunctionBegin;
  PetscCheck(v >= 0 && v < 1, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE, "-pc_kopt_direct_rtol must be in [0, 1), got %g", (double)v);
  ((PC_KOPT *)pc->data)->direct_rtol = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCKOPTGetDirectRtol_KOPT(PC pc, PetscReal *v)
{
  PetscFunctionBegin;
  *v = ((PC_KOPT *)pc->data)->direct_rtol;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCKOPTSetExactMax_KOPT(PC pc, PetscInt v)
{
  PetscFunctionBegin;
  PetscCheck(v >= 0, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE, "-pc_kopt_exact_max must be >= 0, got %" PetscInt_FMT, v);
  ((PC_KOPT *)pc->data)->exact_max = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCKOPTGetExactMax_KOPT(PC pc, PetscInt *v)
{
  PetscFunctionBegin;
  *v = ((PC_KOPT *)pc->data)->exact_max;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCKOPTSetProbes_KOPT(PC pc, PetscInt v)
{
  PetscFunctionBegin;
  PetscCheck(v >= 1, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE, "-pc_kopt_probes must be >= 1, got %" PetscInt_FMT, v);
  ((PC_KOPT *)pc->data)->nprobe = v;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCKOPTGetProbes_KOPT(PC pc, PetscInt *v)
{
  PetscFunctionBegin;
  *v = ((PC_KOPT *)pc->data)->nprobe;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PCDestroy_KOPT(PC pc)
{
  PetscFunctionBegin;
  PetscCall(PCReset_KOPT(pc));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTSetInverseMethod_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetInverseMethod_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTSetDenseMax_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetDenseMax_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTSetCheckSymmetric_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetCheckSymmetric_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTSetDiagonalScale_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetDiagonalScale_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTSetZeroPivot_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetZeroPivot_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTSetPattern_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetPattern_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetSelInvInfo_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetFactor_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTSetObjective_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetObjective_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTSetDirectMaxIts_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetDirectMaxIts_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTSetDirectRtol_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetDirectRtol_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTSetExactMax_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetExactMax_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTSetProbes_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetProbes_C", NULL));
  PetscCall(PetscFree(pc->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/*MC
   PCKOPT - K-optimal incomplete factorization: the lower-triangular L on the pattern of tril(A),
   or of ICC(k)'s level-k fill, or of tril(A^k), that minimises Kaporin's condition number K(L^T A^-1 L), applied as (L L^T)^-1 by two
   triangular solves.

   Options Database Keys:
+  -pc_kopt_inverse <auto,dense,mumps,selinv> - how the entries of A^-1 are computed (auto: dense up to 2000 rows, selinv above)
.  -pc_kopt_pattern <tril,level:k,power:k> - the pattern of L: tril(A), ICC(k)'s level-k fill, or tril of the pattern of A^k
.  -pc_kopt_dense_max <8000> - refuse the dense inverse above this many rows (auto uses it up to 2000)
.  -pc_kopt_check_symmetric <true> - check that A is symmetric before factoring
.  -pc_kopt_symmetric_tol <1e-10> - relative tolerance of that check
.  -pc_kopt_diagonal_scale <true> - compute on D^-1/2 A D^-1/2, D = diag(A): the same factor (K is invariant), less round-off
.  -pc_kopt_zeropivot <(n+1) u> - A counts as singular when a relative pivot 1/(Z_ii a_ii) (Z the computed A^-1) is at or below this
.  -pc_kopt_objective <kaporin,trace> - kaporin: Algorithm 1's K(L^T A^-1 L); trace: K(L^-1 A L^-T) minimised over L's values by L-BFGS at setup
.  -pc_kopt_direct_its <500> - trace: L-BFGS iterations at most
.  -pc_kopt_direct_rtol <1e-6> - trace: stop when a step lowers K by less than this fraction
.  -pc_kopt_exact_max <3000> - trace: the exact trace (n triangular solves) up to this many rows
.  -pc_kopt_probes <64> - trace: Hutchinson's estimate over this many fixed Rademacher probes above it
-  -pc_kopt_view_factor <viewer> - view L after each setup, e.g. binary:L.bin

   Notes:
   Column i of L is v_i / sqrt(v_i(1)) with v_i = B_i^-1 e_1, B_i = A^-1(s_i, s_i) and s_i the
   rows of column i of L's pattern (Algorithm 1 of Trifonov, Muravleva and Oseledets). The
   entries of A^-1 come from a dense Cholesky inverse, from MUMPS' selected inverse entries, or
   from a selected inversion on CHOLMOD's supernodal Cholesky factor (the pairs of s_i x s_i
   outside its filled pattern added to its structure), which costs about three times CHOLMOD's
   factorization of A: setup costs a sparse direct factorization or more, so PCKOPT is a
   reference and benchmark preconditioner. Sequential: in parallel use it as -sub_pc_type kopt
   of PCBJACOBI or PCASM (with -pc_asm_type basic for CG). A matrix that is not positive
   definite, or singular to working precision (the same relative pivot test on every path, with
   MUMPS' own null-pivot detection at the same threshold, and CHOLMOD's breakdown), sets
   PC_FACTOR_NUMERIC_ZEROPIVOT, so KSP reports KSP_DIVERGED_PC_FAILED.

   Level: intermediate

.seealso: `PCICC`, `PCCHOLESKY`, `PCKOPTSetInverseMethod()`, `PCKOPTSetPattern()`, `PCKOPTGetFactor()`, `KGNNInitializePackage()`
M*/
PetscErrorCode PCCreate_KOPT(PC pc)
{
  PC_KOPT *kopt;

  PetscFunctionBegin;
  PetscCall(PetscNew(&kopt));
  kopt->method          = KGNN_INVERSE_AUTO;
  kopt->dense_max       = 8000;
  kopt->check_symmetric = PETSC_TRUE;
  kopt->symmetric_tol   = 1e-10;
  kopt->diagonal_scale  = PETSC_TRUE;
  kopt->zeropivot       = PETSC_DETERMINE;
  kopt->objective       = KGNN_KOPT_OBJECTIVE_KAPORIN;
  kopt->direct_its      = 500;
  kopt->direct_rtol     = 1e-6;
  kopt->exact_max       = 3000; /* n solves of O(nnz) per evaluation: ~0.1 s at n = 2000, nnz 1e4 */
  kopt->nprobe          = 64;   /* the estimate's relative standard error ~ sqrt(2 / 64) of the off-diagonal mass */
  pc->data              = (void *)kopt;
  KGNNFactorBegin(&kopt->F);

  pc->ops->setup               = PCSetUp_KOPT;
  pc->ops->apply               = PCApply_KOPT;
  pc->ops->applytranspose      = PCApply_KOPT;               /* (L L^T)^-1 is symmetric */
  pc->ops->applysymmetricleft  = PCApplySymmetricLeft_KOPT;  /* L^-1 */
  pc->ops->applysymmetricright = PCApplySymmetricRight_KOPT; /* L^-T */
  pc->ops->reset               = PCReset_KOPT;
  pc->ops->destroy             = PCDestroy_KOPT;
  pc->ops->view                = PCView_KOPT;
  pc->ops->setfromoptions      = PCSetFromOptions_KOPT;

  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTSetInverseMethod_C", PCKOPTSetInverseMethod_KOPT));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetInverseMethod_C", PCKOPTGetInverseMethod_KOPT));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTSetDenseMax_C", PCKOPTSetDenseMax_KOPT));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetDenseMax_C", PCKOPTGetDenseMax_KOPT));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTSetCheckSymmetric_C", PCKOPTSetCheckSymmetric_KOPT));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetCheckSymmetric_C", PCKOPTGetCheckSymmetric_KOPT));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTSetDiagonalScale_C", PCKOPTSetDiagonalScale_KOPT));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetDiagonalScale_C", PCKOPTGetDiagonalScale_KOPT));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTSetZeroPivot_C", PCKOPTSetZeroPivot_KOPT));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetZeroPivot_C", PCKOPTGetZeroPivot_KOPT));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTSetPattern_C", PCKOPTSetPattern_KOPT));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetPattern_C", PCKOPTGetPattern_KOPT));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetSelInvInfo_C", PCKOPTGetSelInvInfo_KOPT));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetFactor_C", PCKOPTGetFactor_KOPT));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTSetObjective_C", PCKOPTSetObjective_KOPT));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetObjective_C", PCKOPTGetObjective_KOPT));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTSetDirectMaxIts_C", PCKOPTSetDirectMaxIts_KOPT));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetDirectMaxIts_C", PCKOPTGetDirectMaxIts_KOPT));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTSetDirectRtol_C", PCKOPTSetDirectRtol_KOPT));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetDirectRtol_C", PCKOPTGetDirectRtol_KOPT));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTSetExactMax_C", PCKOPTSetExactMax_KOPT));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetExactMax_C", PCKOPTGetExactMax_KOPT));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTSetProbes_C", PCKOPTSetProbes_KOPT));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCKOPTGetProbes_C", PCKOPTGetProbes_KOPT));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The public setters: no-ops on other PC types, as PETSc's own are. */
PetscErrorCode PCKOPTSetInverseMethod(PC pc, KGNNInverseMethod m)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCKOPTSetInverseMethod_C", (PC, KGNNInverseMethod), (pc, m));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCKOPTGetInverseMethod(PC pc, KGNNInverseMethod *m)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCKOPTGetInverseMethod_C", (PC, KGNNInverseMethod *), (pc, m));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCKOPTSetDenseMax(PC pc, PetscInt nmax)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCKOPTSetDenseMax_C", (PC, PetscInt), (pc, nmax));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCKOPTGetDenseMax(PC pc, PetscInt *nmax)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCKOPTGetDenseMax_C", (PC, PetscInt *), (pc, nmax));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCKOPTSetCheckSymmetric(PC pc, PetscBool chk, PetscReal tol)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCKOPTSetCheckSymmetric_C", (PC, PetscBool, PetscReal), (pc, chk, tol));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCKOPTGetCheckSymmetric(PC pc, PetscBool *chk, PetscReal *tol)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCKOPTGetCheckSymmetric_C", (PC, PetscBool *, PetscReal *), (pc, chk, tol));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCKOPTSetDiagonalScale(PC pc, PetscBool scale)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCKOPTSetDiagonalScale_C", (PC, PetscBool), (pc, scale));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCKOPTGetDiagonalScale(PC pc, PetscBool *scale)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCKOPTGetDiagonalScale_C", (PC, PetscBool *), (pc, scale));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCKOPTGetFactor(PC pc, Mat *L)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCKOPTGetFactor_C", (PC, Mat *), (pc, L));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCKOPTSetZeroPivot(PC pc, PetscReal tol)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCKOPTSetZeroPivot_C", (PC, PetscReal), (pc, tol));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCKOPTGetZeroPivot(PC pc, PetscReal *tol)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCKOPTGetZeroPivot_C", (PC, PetscReal *), (pc, tol));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCKOPTSetPattern(PC pc, KGNNPatternType type, PetscInt k)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCKOPTSetPattern_C", (PC, KGNNPatternType, PetscInt), (pc, type, k));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCKOPTGetPattern(PC pc, KGNNPatternType *type, PetscInt *k)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCKOPTGetPattern_C", (PC, KGNNPatternType *, PetscInt *), (pc, type, k));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCKOPTGetSelInvInfo(PC pc, PetscInt *npairs, PetscInt *outside, PetscReal *nnzL_A, PetscReal *nnzL)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCKOPTGetSelInvInfo_C", (PC, PetscInt *, PetscInt *, PetscReal *, PetscReal *), (pc, npairs, outside, nnzL_A, nnzL));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCKOPTSetObjective(PC pc, KGNNKoptObjective v)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCKOPTSetObjective_C", (PC, KGNNKoptObjective), (pc, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCKOPTGetObjective(PC pc, KGNNKoptObjective *v)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCKOPTGetObjective_C", (PC, KGNNKoptObjective *), (pc, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCKOPTSetDirectMaxIts(PC pc, PetscInt v)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCKOPTSetDirectMaxIts_C", (PC, PetscInt), (pc, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCKOPTGetDirectMaxIts(PC pc, PetscInt *v)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCKOPTGetDirectMaxIts_C", (PC, PetscInt *), (pc, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCKOPTSetDirectRtol(PC pc, PetscReal v)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCKOPTSetDirectRtol_C", (PC, PetscReal), (pc, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCKOPTGetDirectRtol(PC pc, PetscReal *v)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCKOPTGetDirectRtol_C", (PC, PetscReal *), (pc, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCKOPTSetExactMax(PC pc, PetscInt v)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCKOPTSetExactMax_C", (PC, PetscInt), (pc, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCKOPTGetExactMax(PC pc, PetscInt *v)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCKOPTGetExactMax_C", (PC, PetscInt *), (pc, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCKOPTSetProbes(PC pc, PetscInt v)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCKOPTSetProbes_C", (PC, PetscInt), (pc, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCKOPTGetProbes(PC pc, PetscInt *v)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCKOPTGetProbes_C", (PC, PetscInt *), (pc, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}
