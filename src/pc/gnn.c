/* PCGNN: a trained graph network run on the graph of A predicts L on the pattern of tril(A)
   (the paper's Sec. 6.1); applied as (L L^T)^-1 by the same triangular solves as PCKOPT.
   This file is only the PETSc face; the network lives in src/model/. */
#include "factor_pc.h"
#include "../io/io.h"
#include "../model/plan.h"
#include <petsc/private/pcimpl.h>
#include <math.h>

typedef struct {
  char          model[PETSC_MAX_PATH_LEN], loaded[PETSC_MAX_PATH_LEN];
  KGNNNetwork   net;
  PetscReal     diag_shift;
  PCGNNFallback fallback;
  PCGNNScale    scale, scale_used; /* as set (model: the file's), and as used by the last setup */
  PetscReal    *dsqrt;             /* jacobi: sqrt(a_ii), n of them */
  PetscBool     check;
  PetscReal     check_max; /* the largest K(L^-1 A L^-T) / K(Jacobi) accepted */
  PetscInt      nprobe;

  /* the graph and the pattern of L, kept across SAME_NONZERO_PATTERN re-setups (src/factor/edges.c) */
  PetscInt   n, nnz, *sender, *receiver, *edge_of; /* edge_of[p]: the edge giving L's entry p */
  KGNNLower  L;                                    /* tril(A)'s pattern: the network's or the IC(0) factor */
  KGNNLower  J;                                    /* diagonal only: the Jacobi factor */
  PetscReal *out;                                  /* the network's output, one per edge */
  KGNNFactor F;                                    /* L or J as applied, and the failure */
  PetscBool  have_graph;

  /* what the last setup used, and why */
  PCGNNFactorSource source;
  PetscReal         shift;            /* IC(0) of A + shift diag(A) */
  PetscReal         ratio_net, ratio; /* K ratio of the network's factor (NaN: not checked), of the one used */
  char              why[256];         /* why the network's factor was not used ("" if it was) */
  KGNNNetwork       ran;              /* the network the last setup ran: net, or its breakdown network */
  PetscInt          ic0_col;          /* a cascade's test: IC(0) of A breaks down in this column, -1 if it exists */

  PetscLogDouble t_graph, t_inference, t_assembly, t_check, t_fallback; /* t_check: the network's factor's */
  PetscLogDouble t_pick;                                                /* a cascade's IC(0) test (its own log event) */
  /* -pc_gnn_refine N: N L-BFGS steps of K(L^-1 A L^-T) from the network's factor (issue 12) */
  PetscInt       refine;
  KGNNDirectInfo rinfo;
  PetscBool      refined;
  PetscLogDouble t_refine;
} PC_GNN;

const char *const PCGNNFallbacks[]     = {"none", "ic0", "jacobi", "PCGNNFallback", "PCGNN_FALLBACK_", NULL};
const char *const PCGNNScales[]        = {"model", "max", "jacobi", "PCGNNScale", "PCGNN_SCALE_", NULL};
const char *const PCGNNFactorSources[] = {"network", "ic0", "jacobi", "none", "PCGNNFactorSource", "PCGNN_FACTOR_", NULL};

/* The check's defaults. 16 probes: 16 backward solves and products with A, under 10% of the
   network's forward pass (PCView shows the share). The threshold 100 x Jacobi's K: a factor
   whose triangular solves grow scores 1e4 to 1e100 (the shipped model's failures on SuiteSparse
   matrices, where CG claimed false convergences), while the K-optimal factor of every SuiteSparse
   matrix on which CG converges with it scores at most 55 (bcsstk25; s3rmt3m3, which converges
   only to a true residual of 5e-7, scores 110): a network that reproduces its training target is
   not rejected. The estimate's spread (relative standard deviation <= sqrt(2/16) = 0.35) is small
   against these gaps. */
#define PCGNN_CHECK_PROBES 16
#define PCGNN_CHECK_MAX 100.0

/* IC(0) fallback: Manteuffel's shifted IC(0) of A + alpha diag(A), alpha = 0 first, then
   half-decades from 1e-3 to 1 */
static const PetscReal ic0_shifts[] = {0, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1};

static PetscErrorCode PCGNNResetGraph(PC_GNN *g)
{
  PetscFunctionBegin;
  PetscCall(PetscFree3(g->sender, g->receiver, g->out));
  PetscCall(PetscFree(g->edge_of));
  PetscCall(PetscFree(g->dsqrt));
  PetscCall(KGNNFactorReset(&g->F));
  PetscCall(KGNNLowerDestroy(&g->L));
  PetscCall(KGNNLowerDestroy(&g->J));
  g->have_graph = PETSC_FALSE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* edges = every stored entry of A (row i sends to column j); L = tril pattern with diagonal */
static PetscErrorCode PCGNNGraph(PC_GNN *g, const KGNNCSR *A)
{
  PetscInt nodiag;

  PetscFunctionBegin;
  PetscCall(PCGNNResetGraph(g));
  g->n   = A->n;
  g->nnz = A->rowptr[A->n];
  PetscCall(PetscMalloc3(g->nnz, &g->sender, g->nnz, &g->receiver, g->nnz, &g->out));
  KGNNCSREdges(A->n, A->rowptr, A->colidx, NULL, g->sender, g->receiver, NULL);
  PetscCall(KGNNEdgeMapCreate(A, &g->L, &g->edge_of, &nodiag));
  PetscCheck(nodiag < 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "PCGNN: row %" PetscInt_FMT " (1-based) of A has no diagonal entry; the network has no edge to put L's diagonal on", nodiag + 1);
  PetscCall(KGNNLowerDiagonalCreate(g->n, &g->J));
  g->have_graph = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* L from the network's outputs on the lower triangle (src/factor/edges.c). *ok false, with the
   reason in g->why, for a non-finite output or a zero or tiny diagonal (unless
   -pc_gnn_diag_shift s lifts |L_ii| to at least s max_j |L_jj|) */
static PetscErrorCode PCGNNAssemble(PC_GNN *g, PetscBool *ok)
{
  KGNNEdgeCheck chk;

  PetscFunctionBegin;
  KGNNLowerFromEdges(&g->L, g->edge_of, g->out, g->diag_shift, &chk);
  *ok = chk.fault == KGNN_EDGE_OK ? PETSC_TRUE : PETSC_FALSE;
  if (g->scale_used == PCGNN_SCALE_JACOBI) /* the network's L is that of D^-1/2 A D^-1/2: L_A = D^1/2 L */
    for (PetscInt p = 0; p < g->L.colptr[g->n]; p++) g->L.val[p] *= g->dsqrt[g->L.rowidx[p]];
  if (chk.fault == KGNN_EDGE_NONFINITE) PetscCall(PetscSNPrintf(g->why, sizeof(g->why), "non-finite network output at L(%" PetscInt_FMT ", %" PetscInt_FMT ") (1-based)", chk.row + 1, chk.col + 1));
  else if (chk.fault == KGNN_EDGE_TINY_DIAGONAL)
    PetscCall(PetscSNPrintf(g->why, sizeof(g->why), "zero or tiny diagonal L(%" PetscInt_FMT ", %" PetscInt_FMT ") = %g, 1-based (max |L_jj| %g; -pc_gnn_diag_shift lifts it)", chk.row + 1, chk.row + 1, (double)chk.value, (double)chk.dmax));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the check of a factor on tril(A)'s pattern (in g->L): K ratio to Jacobi, src/factor/kaporin.c */
static PetscErrorCode PCGNNCheck(PC_GNN *g, const KGNNCSR *A, PetscReal *ratio, PetscBool *ok)
{
  PetscFunctionBegin;
  *ratio = (PetscReal)NAN;
  *ok    = PETSC_TRUE;
  if (!g->check) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(KGNNKaporinRatio(A, &g->L, g->nprobe, ratio));
  *ok = *ratio <= g->check_max ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -pc_gnn_fallback ic0: IC(0) of A + alpha diag(A) on tril(A)'s pattern for alpha = 0, 1e-3, ...
   1 (Manteuffel's shift, as PETSc's ICC shifts), the first that exists and passes the check;
   *ok false if none does. A cascade's test has already run IC(0) of A (alpha = 0): where it broke
   down, the fallback starts at the first shift instead of factoring A again. */
static PetscErrorCode PCGNNFallbackIC0(PC pc, const KGNNCSR *A, PetscBool *ok)
{
  PC_GNN  *g = (PC_GNN *)pc->data;
  PetscInt fail;
  size_t   k0 = g->ic0_col >= 0 ? 1 : 0;

  PetscFunctionBegin;
  *ok = PETSC_FALSE;
  if (k0) PetscCall(PetscInfo(pc, "PCGNN fallback: IC(0) of A breaks down in column %" PetscInt_FMT " (1-based; the cascade's test)\n", g->ic0_col + 1));
  for (size_t k = k0; k < sizeof(ic0_shifts) / sizeof(ic0_shifts[0]) && !*ok; k++) {
    KGNNLowerFromA(&g->L, g->edge_of, A->val, ic0_shifts[k]);
    PetscCall(KGNNIC0Factor(&g->L, &fail));
    if (fail >= 0) {
      PetscCall(PetscInfo(pc, "PCGNN fallback: IC(0) of A + %g diag(A) breaks down in column %" PetscInt_FMT " (1-based)\n", (double)ic0_shifts[k], fail + 1));
      continue;
    }
    PetscCall(PCGNNCheck(g, A, &g->ratio, ok));
    if (!*ok) PetscCall(PetscInfo(pc, "PCGNN fallback: IC(0) of A + %g diag(A) fails the check: K ratio to Jacobi %g > %g\n", (double)ic0_shifts[k], (double)g->ratio, (double)g->check_max));
    else g->shift = ic0_shifts[k];
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PCGNNUseJacobi(PC_GNN *g, const KGNNCSR *A)
{
  PetscFunctionBegin;
  KGNNLowerJacobi(&g->J, &g->L, g->edge_of, A->val);
  g->source = PCGNN_FACTOR_JACOBI;
  g->ratio  = 1;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The network's factor if it is usable, else the fallback; never a factor that failed the check */
static PetscErrorCode PCGNNChoose(PC pc, const KGNNCSR *A)
{
  PC_GNN        *g = (PC_GNN *)pc->data;
  PetscBool      ok;
  PetscLogDouble t0, t1, t2;

  PetscFunctionBegin;
  g->why[0]    = 0;
  g->ratio_net = (PetscReal)NAN;
  g->shift     = 0;
  PetscCall(PCGNNAssemble(g, &ok));
  PetscCall(PetscTime(&t0));
  g->t_fallback = 0;
  if (ok) {
    PetscCall(PCGNNCheck(g, A, &g->ratio_net, &ok));
    if (!ok) PetscCall(PetscSNPrintf(g->why, sizeof(g->why), "K(L^-1 A L^-T) / K(Jacobi) = %g > %g (-pc_gnn_check_max)", (double)g->ratio_net, (double)g->check_max));
  }
  PetscCall(PetscTime(&t1));
  g->t_check = t1 - t0;
  if (ok) {
    g->source = PCGNN_FACTOR_NETWORK;
    g->ratio  = g->ratio_net;
    PetscCall(PetscInfo(pc, "PCGNN: the network's factor is used (K ratio to Jacobi %g)\n", (double)g->ratio_net));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(PetscInfo(pc, "PCGNN: the network's factor is not usable: %s; fallback %s\n", g->why, PCGNNFallbacks[g->fallback]));
  if (g->fallback == PCGNN_FALLBACK_NONE) {
    g->source = PCGNN_FACTOR_NONE;
    PetscCall(KGNNFactorFailPC(pc, &g->F, KGNN_FACTOR_NONE, -1));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (g->fallback == PCGNN_FALLBACK_IC0) {
    PetscCall(PCGNNFallbackIC0(pc, A, &ok));
    PetscCall(PetscTime(&t2));
    g->t_fallback = t2 - t1;
    if (ok) {
      g->source = PCGNN_FACTOR_IC0;
      PetscCall(PetscInfo(pc, "PCGNN fell back to IC(0) of A + %g diag(A) (K ratio to Jacobi %g)\n", (double)g->shift, (double)g->ratio));
      PetscFunctionReturn(PETSC_SUCCESS);
    }
    PetscCall(PetscInfo(pc, "PCGNN fallback: no shifted IC(0) up to A + diag(A) is usable; Jacobi\n"));
  }
  PetscCall(PCGNNUseJacobi(g, A));
  PetscCall(PetscInfo(pc, "PCGNN fell back to Jacobi\n"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -pc_gnn_refine: N steps of PCKOPT's trace-objective minimiser (src/factor/kopt_direct.c,
   L-BFGS on D^-1/2 A D^-1/2, exact trace up to 3000 rows, else 64 fixed probes) from the network's
   factor. Column j of L times sign(L_jj) first (L L^T unchanged), so the diagonal the minimiser
   takes logarithms of is positive; rows then scaled to D^-1/2 L and back. */
static PetscErrorCode PCGNNRefine(PC pc, const KGNNCSR *A)
{
  PC_GNN           *g   = (PC_GNN *)pc->data;
  const PetscInt    n   = A->n;
  KGNNDirectOptions opt = {g->refine, 0, 3000, 64, 20261203, 10};
  KGNNCSR           As  = *A;
  PetscScalar      *sv;
  PetscReal        *sq;
  KGNNLower        *L = &g->L;
  PetscLogDouble    t0, t1;

  PetscFunctionBegin;
  PetscCall(PetscTime(&t0));
  PetscCall(PetscMalloc2(n, &sq, A->rowptr[n], &sv));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt p = A->rowptr[i]; p < A->rowptr[i + 1]; p++)
      if (A->colidx[p] == i) sq[i] = PetscSqrtReal(PetscRealPart(A->val[p])); /* positive: KGNNCheckSPDInput */
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt p = A->rowptr[i]; p < A->rowptr[i + 1]; p++) sv[p] = A->val[p] / (sq[i] * sq[A->colidx[p]]);
  As.val = sv;
  for (PetscInt j = 0; j < n; j++) {
    PetscReal sgn = PetscRealPart(L->val[L->colptr[j]]) < 0 ? -1 : 1;
    for (PetscInt p = L->colptr[j]; p < L->colptr[j + 1]; p++) L->val[p] *= sgn / sq[L->rowidx[p]];
  }
  PetscCall(KGNNTraceMinimize(&As, L, &opt, &g->rinfo)); /* L unchanged when it fails */
  for (PetscInt p = 0; p < L->colptr[n]; p++) L->val[p] *= sq[L->rowidx[p]];
  PetscCall(PetscFree2(sq, sv));
  g->refined = g->rinfo.fail < 0 ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(PetscTime(&t1));
  g->t_refine = t1 - t0;
  PetscCall(PetscInfo(pc, "PCGNN refine: %" PetscInt_FMT " L-BFGS steps, K / K(Jacobi) %g -> %g%s\n", g->rinfo.its, (double)PetscExpReal(g->rinfo.f0), (double)PetscExpReal(g->rinfo.f), g->refined ? "" : " (failed: the network's factor kept)"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const KGNNLower *PCGNNActive(PC_GNN *g)
{
  return g->source == PCGNN_FACTOR_JACOBI ? &g->J : &g->L;
}

/* -pc_gnn_scale: the scaling the network sees. jacobi: a_ij / sqrt(a_ii a_jj), the diagonal
   positive (KGNNCheckSPDInput refused any other), kept to scale L back (PCGNNAssemble) */
static PetscErrorCode PCGNNScaleInput(PC pc, const KGNNCSR *A, PetscReal *a)
{
  PC_GNN   *g = (PC_GNN *)pc->data;
  PetscBool jacobi;
  PetscInt  bad;

  PetscFunctionBegin;
  PetscCall(KGNNNetworkGetJacobi(g->ran, &jacobi));
  g->scale_used = g->scale == PCGNN_SCALE_MODEL ? (jacobi ? PCGNN_SCALE_JACOBI : PCGNN_SCALE_MAX) : g->scale;
  if (g->scale_used != PCGNN_SCALE_JACOBI) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree(g->dsqrt));
  PetscCall(PetscMalloc1(A->n, &g->dsqrt));
  bad = KGNNJacobiScale(A->n, g->nnz, g->sender, g->receiver, a, NULL, g->dsqrt); /* the graph's edges are A's CSR entries */
  PetscCheck(bad < 0, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_WRONG, "-pc_gnn_scale jacobi: diagonal entry (%" PetscInt_FMT ", %" PetscInt_FMT ") (1-based) is %g, not positive", bad + 1, bad + 1, (double)g->dsqrt[bad < 0 ? 0 : bad]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A cascade (a model file with a /breakdown network, issue 12): its first network is for the
   matrices where IC(0) of A exists (kgnn-train -breakdown_model trains it only on those), its
   second for those where IC(0) breaks down (a pivot <= 0), so the setup runs IC(0) of A (one
   IC(0)'s work, on tril(A)'s pattern) to pick. The test does not depend
   on the input scaling: IC(0) of D A D is D IC(0)(A) for any positive diagonal D. */
static PetscErrorCode PCGNNPick(PC pc, const KGNNCSR *A)
{
  PC_GNN        *g = (PC_GNN *)pc->data;
  KGNNNetwork    bd;
  PetscLogDouble t0, t1;

  PetscFunctionBegin;
  PetscCall(KGNNNetworkGetBreakdown(g->net, &bd));
  g->ran     = g->net;
  g->ic0_col = -1;
  g->t_pick  = 0;
  if (!bd) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscTime(&t0));
  KGNNLowerFromA(&g->L, g->edge_of, A->val, 0);
  PetscCall(KGNNIC0Factor(&g->L, &g->ic0_col));
  PetscCall(PetscTime(&t1));
  g->t_pick = t1 - t0;
  if (g->ic0_col >= 0) g->ran = bd;
  PetscCall(PetscInfo(pc, "PCGNN cascade: IC(0) of A %s%" PetscInt_FMT "%s; running the network %s\n", g->ic0_col >= 0 ? "breaks down in column " : "exists", g->ic0_col >= 0 ? g->ic0_col + 1 : 0, g->ic0_col >= 0 ? " (1-based)" : "",
                      g->ic0_col >= 0 ? "where it breaks down" : "where it exists"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PCSetUp_GNN(PC pc)
{
  PC_GNN        *g = (PC_GNN *)pc->data;
  Mat            Aseq;
  KGNNCSR        A;
  PetscReal     *a;
  PetscInt       bad;
  PetscLogDouble t0, t1, t2, t3;

  PetscFunctionBegin;
  KGNNFactorBegin(&g->F);
  if (!g->model[0]) PetscCall(KGNNDefaultModel(g->model, sizeof(g->model)));
  if (!g->net || strcmp(g->model, g->loaded)) {
    PetscCall(KGNNNetworkDestroy(&g->net));
    g->ran = NULL;
    PetscCall(KGNNNetworkLoad(g->model, &g->net));
    PetscCall(PetscStrncpy(g->loaded, g->model, sizeof(g->loaded)));
  }
  PetscCall(KGNNMatGetSeqAIJ(pc, pc->pmat, &Aseq));
  PetscCall(KGNNMatGetCSR(Aseq, &A));
  PetscCall(KGNNCheckSPDInput(Aseq, &A, PETSC_FALSE, 0));
  PetscCall(PetscTime(&t0));
  PetscCall(PetscLogEventBegin(KGNN_GNN_Graph, pc, 0, 0, 0));
  if (!(pc->setupcalled && pc->flag == SAME_NONZERO_PATTERN && g->have_graph && g->n == A.n)) PetscCall(PCGNNGraph(g, &A));
  PetscCall(PetscLogEventEnd(KGNN_GNN_Graph, pc, 0, 0, 0));
  PetscCall(PetscTime(&t1));
  PetscCall(PetscLogEventBegin(KGNN_GNN_Cascade, pc, 0, 0, 0));
  PetscCall(PCGNNPick(pc, &A));
  PetscCall(PetscLogEventEnd(KGNN_GNN_Cascade, pc, 0, 0, 0));
  PetscCall(PetscLogEventBegin(KGNN_GNN_Inference, pc, 0, 0, 0));
  PetscCall(PetscMalloc1(g->nnz, &a));
  KGNNCSREdges(A.n, A.rowptr, A.colidx, A.val, NULL, NULL, a);
  PetscCall(PCGNNScaleInput(pc, &A, a));
  PetscCall(KGNNNetworkForward(g->ran, g->n, g->nnz, g->sender, g->receiver, a, g->out));
  PetscCall(PetscFree(a));
  PetscCall(PetscLogEventEnd(KGNN_GNN_Inference, pc, 0, 0, 0));
  PetscCall(PetscTime(&t2));
  PetscCall(PetscLogEventBegin(KGNN_GNN_Assembly, pc, 0, 0, 0));
  PetscCall(PCGNNChoose(pc, &A));
  g->refined  = PETSC_FALSE;
  g->t_refine = 0;
  if (!KGNNFactorFailed(&g->F) && g->source == PCGNN_FACTOR_NETWORK && g->refine > 0) PetscCall(PCGNNRefine(pc, &A));
  if (!KGNNFactorFailed(&g->F)) {
    PetscCall(KGNNFactorSetUp(&g->F, PCGNNActive(g), &bad));
    /* cannot happen after the checks above; kept so that no unusable factor is ever applied */
    if (bad >= 0) {
      PetscCall(PetscInfo(pc, "PCGNN failed: unusable diagonal in row %" PetscInt_FMT " (1-based)\n", bad + 1));
      PetscCall(KGNNFactorFailPC(pc, &g->F, KGNN_FACTOR_PIVOT, bad));
    }
  }
  PetscCall(PetscLogEventEnd(KGNN_GNN_Assembly, pc, 0, 0, 0));
  PetscCall(KGNNMatRestoreCSR(Aseq, &A));
  PetscCall(MatDestroy(&Aseq));
  if (!KGNNFactorFailed(&g->F)) PetscCall(KGNNFactorViewFromOptions(pc, "-pc_gnn_view_factor", &g->F));
  PetscCall(PetscTime(&t3));
  g->t_graph     = t1 - t0;
  g->t_inference = t2 - t1 - g->t_pick;
  g->t_assembly  = t3 - t2 - g->t_check - g->t_fallback - g->t_refine;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PCApply_GNN(PC pc, Vec x, Vec y)
{
  PC_GNN *g = (PC_GNN *)pc->data;

  PetscFunctionBegin;
  PetscCall(KGNNFactorApplyVec(pc, &g->F, x, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PCApplySymmetricLeft_GNN(PC pc, Vec x, Vec y)
{
  PC_GNN *g = (PC_GNN *)pc->data;

  PetscFunctionBegin;
  PetscCall(KGNNFactorApplyHalfVec(pc, &g->F, PETSC_TRUE, x, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PCApplySymmetricRight_GNN(PC pc, Vec x, Vec y)
{
  PC_GNN *g = (PC_GNN *)pc->data;

  PetscFunctionBegin;
  PetscCall(KGNNFactorApplyHalfVec(pc, &g->F, PETSC_FALSE, x, y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PCView_GNN(PC pc, PetscViewer viewer)
{
  PC_GNN   *g = (PC_GNN *)pc->data;
  PetscBool iascii;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &iascii));
  if (!iascii) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscViewerASCIIPrintf(viewer, "  graph network factor L L^T ~ A on the pattern of tril(A), model %s\n", g->loaded[0] ? g->loaded : "(not loaded)"));
  if (g->net) PetscCall(KGNNNetworkView(g->net, viewer));
  if (g->check) PetscCall(PetscViewerASCIIPrintf(viewer, "  factor check: K(L^-1 A L^-T) / K(Jacobi) <= %g, trace from %" PetscInt_FMT " probes; fallback %s\n", (double)g->check_max, g->nprobe, PCGNNFallbacks[g->fallback]));
  else PetscCall(PetscViewerASCIIPrintf(viewer, "  factor check: off; fallback %s\n", PCGNNFallbacks[g->fallback]));
  if (g->have_graph)
    PetscCall(PetscViewerASCIIPrintf(viewer, "  input scaling: %s%s\n", g->scale_used == PCGNN_SCALE_JACOBI ? "jacobi (the network sees D^-1/2 A D^-1/2, L = D^1/2 L_net)" : "max (the network sees A / max|A_ij|)",
                                     g->scale == PCGNN_SCALE_MODEL ? ", the model's" : ""));
  else PetscCall(PetscViewerASCIIPrintf(viewer, "  input scaling: %s\n", PCGNNScales[g->scale]));
  if (g->diag_shift > 0) PetscCall(PetscViewerASCIIPrintf(viewer, "  diagonal safeguard: |L_ii| >= %g max|L_jj|\n", (double)g->diag_shift));
  if (g->have_graph) {
    KGNNNetwork bd       = NULL;
    char        pick[64] = "";

    if (g->net) PetscCall(KGNNNetworkGetBreakdown(g->net, &bd));
    if (bd) PetscCall(PetscSNPrintf(pick, sizeof(pick), "cascade IC(0) test %.3g s, ", g->t_pick));
    PetscCall(PetscViewerASCIIPrintf(viewer, "  n = %" PetscInt_FMT ", edges = %" PetscInt_FMT ", nnz(L) = %" PetscInt_FMT "\n", g->n, g->nnz, PCGNNActive(g)->colptr[g->n]));
    if (g->ran && g->ran != g->net) PetscCall(PetscViewerASCIIPrintf(viewer, "  cascade: IC(0) of A breaks down in column %" PetscInt_FMT " (1-based): the breakdown network ran\n", g->ic0_col + 1));
    else if (g->ran && bd) PetscCall(PetscViewerASCIIPrintf(viewer, "  cascade: IC(0) of A exists: the first network ran\n"));
    PetscCall(PetscViewerASCIIPrintf(viewer, "  setup times: graph %.3g s, %sinference %.3g s, factor assembly %.3g s, check %.3g s (%.2g%% of the setup), fallback %.3g s\n", g->t_graph, pick, g->t_inference, g->t_assembly, g->t_check,
                                     100 * g->t_check / PetscMax(g->t_graph + g->t_pick + g->t_inference + g->t_assembly + g->t_check + g->t_fallback, 1e-300), g->t_fallback));
    if (g->source == PCGNN_FACTOR_NETWORK) {
      PetscCall(PetscViewerASCIIPrintf(viewer, "  factor used: the network's (K ratio to Jacobi %g)\n", (double)g->ratio_net));
      if (g->refine > 0)
        PetscCall(PetscViewerASCIIPrintf(viewer, "  refined (-pc_gnn_refine %" PetscInt_FMT "): %" PetscInt_FMT " L-BFGS steps of K(L^-1 A L^-T), K / K(Jacobi) %g -> %g, %.3g s%s\n", g->refine, g->rinfo.its, (double)PetscExpReal(g->rinfo.f0),
                                         (double)PetscExpReal(g->rinfo.f), g->t_refine, g->refined ? "" : " (FAILED: the network's factor kept)"));
    } else {
      PetscCall(PetscViewerASCIIPrintf(viewer, "  the network's factor was not used: %s\n", g->why));
      if (g->source == PCGNN_FACTOR_IC0) PetscCall(PetscViewerASCIIPrintf(viewer, "  factor used: FALLBACK IC(0) of A + %g diag(A) (K ratio to Jacobi %g)\n", (double)g->shift, (double)g->ratio));
      else if (g->source == PCGNN_FACTOR_JACOBI) PetscCall(PetscViewerASCIIPrintf(viewer, "  factor used: FALLBACK Jacobi%s\n", g->fallback == PCGNN_FALLBACK_IC0 ? " (no shifted IC(0) up to A + diag(A) was usable)" : ""));
      else PetscCall(PetscViewerASCIIPrintf(viewer, "  FAILED: no factor (-pc_gnn_fallback none)\n"));
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

#if PETSC_VERSION_LT(3, 23, 0)
static PetscErrorCode PCSetFromOptions_GNN(PC pc, PetscOptionItems *PetscOptionsObject)
#else
static PetscErrorCode PCSetFromOptions_GNN(PC pc, PetscOptionItems PetscOptionsObject)
#endif
{
  PC_GNN       *g = (PC_GNN *)pc->data;
  char          file[PETSC_MAX_PATH_LEN];
  PetscBool     flg, check = g->check;
  PetscReal     s = g->diag_shift, cmax = g->check_max;
  PCGNNFallback fb = g->fallback;
  PCGNNScale    sc = g->scale;

  PetscFunctionBegin;
  PetscOptionsHeadBegin(PetscOptionsObject, "Graph network factor (PCGNN) options");
  PetscCall(PetscOptionsString("-pc_gnn_model", "Weight file (HDF5) of the network", "PCGNNSetModel", g->model, file, sizeof(file), &flg));
  if (flg) PetscCall(PCGNNSetModel(pc, file));
  PetscCall(PetscOptionsReal("-pc_gnn_diag_shift", "Lift |L_ii| to at least this times max|L_jj| (0: fail instead)", "PCGNNSetDiagShift", s, &s, &flg));
  if (flg) PetscCall(PCGNNSetDiagShift(pc, s));
  PetscCall(PetscOptionsEnum("-pc_gnn_fallback", "Factor used when the network's fails the check", "PCGNNSetFallback", PCGNNFallbacks, (PetscEnum)fb, (PetscEnum *)&fb, &flg));
  if (flg) PetscCall(PCGNNSetFallback(pc, fb));
  PetscCall(PetscOptionsEnum("-pc_gnn_scale", "Scaling of A the network sees: model (as trained), max (A / max|A|) or jacobi (D^-1/2 A D^-1/2)", "PCGNNSetScale", PCGNNScales, (PetscEnum)sc, (PetscEnum *)&sc, &flg));
  if (flg) PetscCall(PCGNNSetScale(pc, sc));
  PetscCall(PetscOptionsBool("-pc_gnn_check", "Check the factor at setup (K ratio to Jacobi)", "PCGNNSetCheck", check, &check, NULL));
  PetscCall(PetscOptionsReal("-pc_gnn_check_max", "Largest K(L^-1 A L^-T) / K(Jacobi) accepted", "PCGNNSetCheck", cmax, &cmax, NULL));
  PetscCall(PCGNNSetCheck(pc, check, cmax));
  {
    PetscInt nr = g->refine;
    PetscCall(PetscOptionsInt("-pc_gnn_refine", "L-BFGS steps of K(L^-1 A L^-T) from the network's factor (0: none)", "PCGNNSetRefine", nr, &nr, &flg));
    if (flg) PetscCall(PCGNNSetRefine(pc, nr));
  }
  PetscCall(PetscOptionsName("-pc_gnn_view_factor", "View L after each setup (viewer, e.g. binary:L.bin)", "PCGNNGetFactor", NULL));
  PetscOptionsHeadEnd();
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PCGNNSetModel_GNN(PC pc, const char file[])
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(((PC_GNN *)pc->data)->model, file, PETSC_MAX_PATH_LEN));
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCGNNGetModel_GNN(PC pc, const char **file)
{
  PC_GNN *g = (PC_GNN *)pc->data;

  PetscFunctionBegin;
  *file = g->loaded[0] ? g->loaded : g->model; /* "" until set or set up: the default is found at setup */
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCGNNSetDiagShift_GNN(PC pc, PetscReal s)
{
  PetscFunctionBegin;
  PetscCheck(s >= 0 && s < 1, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE, "-pc_gnn_diag_shift must be in [0, 1), got %g", (double)s);
  ((PC_GNN *)pc->data)->diag_shift = s;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCGNNGetDiagShift_GNN(PC pc, PetscReal *s)
{
  PetscFunctionBegin;
  *s = ((PC_GNN *)pc->data)->diag_shift;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCGNNSetFallback_GNN(PC pc, PCGNNFallback fb)
{
  PetscFunctionBegin;
  PetscCheck(fb >= PCGNN_FALLBACK_NONE && fb <= PCGNN_FALLBACK_JACOBI, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE, "Unknown PCGNN fallback %d", (int)fb);
  ((PC_GNN *)pc->data)->fallback = fb;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCGNNSetScale_GNN(PC pc, PCGNNScale s)
{
  PetscFunctionBegin;
  PetscCheck(s >= PCGNN_SCALE_MODEL && s <= PCGNN_SCALE_JACOBI, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE, "Unknown PCGNN scaling %d", (int)s);
  ((PC_GNN *)pc->data)->scale = s;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCGNNGetScale_GNN(PC pc, PCGNNScale *s)
{
  PC_GNN *g = (PC_GNN *)pc->data;

  PetscFunctionBegin;
  *s = g->have_graph ? g->scale_used : g->scale;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCGNNGetFallback_GNN(PC pc, PCGNNFallback *fb)
{
  PetscFunctionBegin;
  *fb = ((PC_GNN *)pc->data)->fallback;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCGNNSetCheck_GNN(PC pc, PetscBool check, PetscReal cmax)
{
  PC_GNN *g = (PC_GNN *)pc->data;

  PetscFunctionBegin;
  PetscCheck(cmax >= 1, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE, "-pc_gnn_check_max must be >= 1 (Jacobi's own ratio), got %g", (double)cmax);
  g->check     = check;
  g->check_max = cmax;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCGNNGetCheck_GNN(PC pc, PetscBool *check, PetscReal *cmax)
{
  PC_GNN *g = (PC_GNN *)pc->data;

  PetscFunctionBegin;
  if (check) *check = g->check;
  if (cmax) *cmax = g->check_max;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCGNNGetFactorSource_GNN(PC pc, PCGNNFactorSource *src, PetscReal *ratio)
{
  PC_GNN *g = (PC_GNN *)pc->data;

  PetscFunctionBegin;
  PetscCheck(g->have_graph, PetscObjectComm((PetscObject)pc), PETSC_ERR_ORDER, "PCGNN is not set up: call PCSetUp() first");
  if (src) *src = g->source;
  if (ratio) *ratio = g->ratio;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCGNNGetFactor_GNN(PC pc, Mat *L)
{
  PC_GNN *g = (PC_GNN *)pc->data;

  PetscFunctionBegin;
  PetscCall(KGNNFactorGetMat(pc, "PCGNN", &g->F, L));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PCGNNSetRefine_GNN(PC pc, PetscInt nr)
{
  PetscFunctionBegin;
  PetscCheck(nr >= 0, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE, "-pc_gnn_refine must be >= 0, got %" PetscInt_FMT, nr);
  ((PC_GNN *)pc->data)->refine = nr;
  PetscFunctionReturn(PETSC_SUCCESS);
}
static PetscErrorCode PCGNNGetRefine_GNN(PC pc, PetscInt *nr)
{
  PetscFunctionBegin;
  *nr = ((PC_GNN *)pc->data)->refine;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PCReset_GNN(PC pc)
{
  PetscFunctionBegin;
  PetscCall(PCGNNResetGraph((PC_GNN *)pc->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const char *const gnn_methods[] = {"PCGNNSetModel_C", "PCGNNGetModel_C",        "PCGNNSetDiagShift_C", "PCGNNGetDiagShift_C", "PCGNNSetFallback_C", "PCGNNGetFallback_C", "PCGNNSetCheck_C",
                                          "PCGNNGetCheck_C", "PCGNNGetFactorSource_C", "PCGNNGetFactor_C",    "PCGNNSetScale_C",     "PCGNNGetScale_C",    "PCGNNSetRefine_C",   "PCGNNGetRefine_C"};

static PetscErrorCode PCDestroy_GNN(PC pc)
{
  PC_GNN *g = (PC_GNN *)pc->data;

  PetscFunctionBegin;
  PetscCall(PCReset_GNN(pc));
  PetscCall(KGNNNetworkDestroy(&g->net));
  g->ran = NULL;
  for (size_t k = 0; k < sizeof(gnn_methods) / sizeof(gnn_methods[0]); k++) PetscCall(PetscObjectComposeFunction((PetscObject)pc, gnn_methods[k], NULL));
  PetscCall(PetscFree(pc->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/*MC
   PCGNN - a graph network trained to predict the factor L of A ~ L L^T on the pattern of
   tril(A), applied as (L L^T)^-1 by two triangular solves.

   Options Database Keys:
+  -pc_gnn_model <file> - the network's weight file (default: $KGNN_MODEL, else models/default.h5 of the install or the build tree)
.  -pc_gnn_fallback <ic0,jacobi,none> - the factor used when the network's fails the check (none: PC_FACTOR_OTHER, KSP reports DIVERGED_PC_FAILED)
.  -pc_gnn_check <true> - check the factor at setup
.  -pc_gnn_check_max <100> - the largest K(L^-1 A L^-T) / K(D^-1/2 A D^-1/2) accepted
.  -pc_gnn_diag_shift <0> - lift |L_ii| to at least this times max|L_jj| instead of failing on a zero or tiny diagonal
-  -pc_gnn_view_factor <viewer> - view L after each setup, e.g. binary:L.bin

   Notes:
   The network (share/doc/model.md) runs on the graph whose edges are the stored entries of A.
   Its factor is never applied unchecked: a non-finite output, a zero or tiny diagonal, or a
   Kaporin condition number K(L^-1 A L^-T) more than check_max times that of the Jacobi factor
   (det A cancels in the ratio; the trace from 16 Rademacher probes, one backward solve and one
   product with A each) rejects it. Then the fallback is used: ic0 (the default) is IC(0) on the
   same pattern, with Manteuffel's shift A + alpha diag(A), alpha = 1e-3 ... 1, where IC(0) breaks
   down or fails the same check, and Jacobi if none passes; PCView and -info say which and why.
   A model file may be a cascade: a second network in its group /breakdown. The setup then runs
   IC(0) of A first and runs the file's first network where IC(0) exists (every pivot > 0), the
   second where it breaks down; the shipped default is one (IC(0) where it exists, a learned
   damped factor where it does not). The test is the log event GNNCascadeTest, beside GNNGraph,
   GNNInference and GNNAssembly. Sequential: in parallel use it as -sub_pc_type gnn of
   PCBJACOBI or PCASM.

   Level: intermediate

.seealso: `PCKOPT`, `PCICC`, `PCGNNSetModel()`, `PCGNNSetFallback()`, `PCGNNSetCheck()`, `KGNNNetworkLoad()`, `KGNNNetworkGetBreakdown()`
M*/
PetscErrorCode PCCreate_GNN(PC pc)
{
  PC_GNN *g;

  PetscFunctionBegin;
  PetscCall(PetscNew(&g));
  g->fallback  = PCGNN_FALLBACK_IC0;
  g->check     = PETSC_TRUE;
  g->check_max = PCGNN_CHECK_MAX;
  g->nprobe    = PCGNN_CHECK_PROBES;
  g->source    = PCGNN_FACTOR_NONE;
  pc->data     = (void *)g;
  KGNNFactorBegin(&g->F);
  pc->ops->setup               = PCSetUp_GNN;
  pc->ops->apply               = PCApply_GNN;
  pc->ops->applytranspose      = PCApply_GNN;
  pc->ops->applysymmetricleft  = PCApplySymmetricLeft_GNN;  /* L^-1 */
  pc->ops->applysymmetricright = PCApplySymmetricRight_GNN; /* L^-T */
  pc->ops->reset               = PCReset_GNN;
  pc->ops->destroy             = PCDestroy_GNN;
  pc->ops->view                = PCView_GNN;
  pc->ops->setfromoptions      = PCSetFromOptions_GNN;
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCGNNSetModel_C", PCGNNSetModel_GNN));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCGNNGetModel_C", PCGNNGetModel_GNN));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCGNNSetDiagShift_C", PCGNNSetDiagShift_GNN));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCGNNGetDiagShift_C", PCGNNGetDiagShift_GNN));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCGNNSetFallback_C", PCGNNSetFallback_GNN));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCGNNGetFallback_C", PCGNNGetFallback_GNN));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCGNNSetScale_C", PCGNNSetScale_GNN));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCGNNGetScale_C", PCGNNGetScale_GNN));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCGNNSetCheck_C", PCGNNSetCheck_GNN));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCGNNGetCheck_C", PCGNNGetCheck_GNN));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCGNNGetFactorSource_C", PCGNNGetFactorSource_GNN));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCGNNGetFactor_C", PCGNNGetFactor_GNN));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCGNNSetRefine_C", PCGNNSetRefine_GNN));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCGNNGetRefine_C", PCGNNGetRefine_GNN));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The public setters and getters: setters are no-ops on other PC types, as PETSc's own are. */
PetscErrorCode PCGNNSetModel(PC pc, const char file[])
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCGNNSetModel_C", (PC, const char[]), (pc, file));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCGNNGetModel(PC pc, const char **file)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCGNNGetModel_C", (PC, const char **), (pc, file));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCGNNSetDiagShift(PC pc, PetscReal s)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCGNNSetDiagShift_C", (PC, PetscReal), (pc, s));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCGNNGetDiagShift(PC pc, PetscReal *s)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCGNNGetDiagShift_C", (PC, PetscReal *), (pc, s));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCGNNSetFallback(PC pc, PCGNNFallback fb)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCGNNSetFallback_C", (PC, PCGNNFallback), (pc, fb));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCGNNGetFallback(PC pc, PCGNNFallback *fb)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCGNNGetFallback_C", (PC, PCGNNFallback *), (pc, fb));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCGNNSetScale(PC pc, PCGNNScale s)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCGNNSetScale_C", (PC, PCGNNScale), (pc, s));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCGNNGetScale(PC pc, PCGNNScale *s)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCGNNGetScale_C", (PC, PCGNNScale *), (pc, s));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCGNNSetCheck(PC pc, PetscBool check, PetscReal cmax)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCGNNSetCheck_C", (PC, PetscBool, PetscReal), (pc, check, cmax));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCGNNGetCheck(PC pc, PetscBool *check, PetscReal *cmax)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCGNNGetCheck_C", (PC, PetscBool *, PetscReal *), (pc, check, cmax));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCGNNGetFactorSource(PC pc, PCGNNFactorSource *src, PetscReal *ratio)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCGNNGetFactorSource_C", (PC, PCGNNFactorSource *, PetscReal *), (pc, src, ratio));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCGNNGetFactor(PC pc, Mat *L)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCGNNGetFactor_C", (PC, Mat *), (pc, L));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCGNNSetRefine(PC pc, PetscInt nr)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCGNNSetRefine_C", (PC, PetscInt), (pc, nr));
  PetscFunctionReturn(PETSC_SUCCESS);
}
PetscErrorCode PCGNNGetRefine(PC pc, PetscInt *nr)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCGNNGetRefine_C", (PC, PetscInt *), (pc, nr));
  PetscFunctionReturn(PETSC_SUCCESS);
}
