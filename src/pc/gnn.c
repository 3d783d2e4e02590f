/* PCGNN: a trained graph network run on the graph of A predicts L on the pattern of tril(A)
   (the paper's Sec. 6.1); applied as (L L^T)^-1 by the same triangular solves as PCKOPT.
   This file is only the PETSc face; the network lives in src/model/. */
#include "../kgnn_impl.h"
#include <petsc/private/pcimpl.h>

typedef struct {
  char        model[PETSC_MAX_PATH_LEN], loaded[PETSC_MAX_PATH_LEN];
  KGNNNetwork net;
  PetscReal   diag_shift;

  /* the graph and the pattern of L, kept across SAME_NONZERO_PATTERN re-setups */
  PetscInt     n, nnz, *sender, *receiver, *edge_of; /* edge_of[p]: the edge giving L's entry p */
  KGNNLower    L;
  PetscScalar *out, *w, *dinv;
  PetscBool    failed, have_graph;

  PetscLogDouble t_graph, t_inference, t_assembly;
} PC_GNN;

static PetscErrorCode PCGNNResetGraph(PC_GNN *g)
{
  PetscFunctionBegin;
  PetscCall(PetscFree3(g->sender, g->receiver, g->out));
  PetscCall(PetscFree(g->edge_of));
  PetscCall(PetscFree2(g->w, g->dinv));
  PetscCall(KGNNLowerDestroy(&g->L));
  g->have_graph = PETSC_FALSE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* edges = every stored entry of A (row i sends to column j); L = tril pattern with diagonal */
static PetscErrorCode PCGNNGraph(PC_GNN *g, const KGNNCSR *A)
{
  PetscInt *next;

  PetscFunctionBegin;
  PetscCall(PCGNNResetGraph(g));
  g->n   = A->n;
  g->nnz = A->rowptr[A->n];
  PetscCall(PetscMalloc3(g->nnz, &g->sender, g->nnz, &g->receiver, g->nnz, &g->out));
  for (PetscInt i = 0; i < A->n; i++)
    for (PetscInt p = A->rowptr[i]; p < A->rowptr[i + 1]; p++) g->sender[p] = i, g->receiver[p] = A->colidx[p];
  PetscCall(KGNNLowerCreateFromCSR(A, PETSC_FALSE, &g->L));
  PetscCall(PetscMalloc1(g->L.colptr[g->n], &g->edge_of));
  PetscCall(PetscMalloc2(g->L.colptr[g->n], &g->w, g->n, &g->dinv));
  /* the same walk as KGNNLowerCreateFromCSR: rows in order fill each column in order */
  PetscCall(PetscMalloc1(g->n, &next));
  for (PetscInt j = 0; j < g->n; j++) next[j] = g->L.colptr[j];
  for (PetscInt i = 0; i < A->n; i++)
    for (PetscInt p = A->rowptr[i]; p < A->rowptr[i + 1] && A->colidx[p] <= i; p++) g->edge_of[next[A->colidx[p]]++] = p;
  for (PetscInt j = 0; j < g->n; j++) PetscCheck(next[j] == g->L.colptr[j + 1], PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "PCGNN: row %" PetscInt_FMT " of A has no diagonal entry; the network has no edge to put L's diagonal on", j);
  PetscCall(PetscFree(next));
  g->have_graph = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PCGNNFail(PC pc, const char *why, PetscInt row, PetscReal val)
{
  PC_GNN *g = (PC_GNN *)pc->data;

  PetscFunctionBegin;
  g->failed = PETSC_TRUE;
  PetscCall(PetscInfo(pc, "PCGNN failed: %s in row %" PetscInt_FMT " (value %g); -pc_gnn_diag_shift gives a safeguard\n", why, row, (double)val));
  PetscCall(PCSetFailedReason(pc, PC_FACTOR_NUMERIC_ZEROPIVOT));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* L from the network's outputs on the lower triangle; a zero, tiny or non-finite diagonal fails
   unless -pc_gnn_diag_shift s lifts |L_ii| to at least s max_j |L_jj| */
static PetscErrorCode PCGNNAssemble(PC pc)
{
  PC_GNN   *g    = (PC_GNN *)pc->data;
  PetscReal dmax = 0;
  PetscInt  bad;

  PetscFunctionBegin;
  for (PetscInt p = 0; p < g->L.colptr[g->n]; p++) {
    g->L.val[p] = g->out[g->edge_of[p]];
    if (PetscIsInfOrNanScalar(g->L.val[p])) {
      PetscCall(PCGNNFail(pc, "non-finite network output", g->L.rowidx[p], PetscRealPart(g->L.val[p])));
      PetscFunctionReturn(PETSC_SUCCESS);
    }
  }
  for (PetscInt j = 0; j < g->n; j++) dmax = PetscMax(dmax, PetscAbsScalar(g->L.val[g->L.colptr[j]]));
  for (PetscInt j = 0; j < g->n; j++) {
    PetscScalar *d = &g->L.val[g->L.colptr[j]];
    if (g->diag_shift > 0 && PetscAbsScalar(*d) < g->diag_shift * dmax) *d = (PetscRealPart(*d) < 0 ? -1 : 1) * g->diag_shift * dmax;
    else if (!(PetscAbsScalar(*d) > 1e-12 * dmax) || dmax == 0) {
      PetscCall(PCGNNFail(pc, "zero or tiny diagonal of L", j, PetscRealPart(*d)));
      PetscFunctionReturn(PETSC_SUCCESS);
    }
  }
  PetscCall(KGNNTriSolveSetUp(&g->L, g->w, g->dinv, &bad));
  if (bad >= 0) PetscCall(PCGNNFail(pc, "unusable diagonal of L", bad, PetscRealPart(g->L.val[g->L.colptr[bad]])));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PCSetUp_GNN(PC pc)
{
  PC_GNN        *g = (PC_GNN *)pc->data;
  Mat            Aseq;
  KGNNCSR        A;
  PetscReal     *a;
  PetscLogDouble t0, t1, t2, t3;

  PetscFunctionBegin;
  g->failed = PETSC_FALSE;
  if (!g->model[0]) PetscCall(KGNNDefaultModel(g->model, sizeof(g->model)));
  if (!g->net || strcmp(g->model, g->loaded)) {
    PetscCall(KGNNNetworkDestroy(&g->net));
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
  PetscCall(PetscLogEventBegin(KGNN_GNN_Inference, pc, 0, 0, 0));
  PetscCall(PetscMalloc1(g->nnz, &a));
  for (PetscInt k = 0; k < g->nnz; k++) a[k] = PetscRealPart(A.val[k]);
  PetscCall(KGNNNetworkForward(g->net, g->n, g->nnz, g->sender, g->receiver, a, g->out));
  PetscCall(PetscFree(a));
  PetscCall(PetscLogEventEnd(KGNN_GNN_Inference, pc, 0, 0, 0));
  PetscCall(PetscTime(&t2));
  PetscCall(KGNNMatRestoreCSR(Aseq, &A));
  PetscCall(MatDestroy(&Aseq));
  PetscCall(PetscLogEventBegin(KGNN_GNN_Assembly, pc, 0, 0, 0));
  PetscCall(PCGNNAssemble(pc));
  PetscCall(PetscLogEventEnd(KGNN_GNN_Assembly, pc, 0, 0, 0));
  if (!g->failed) PetscCall(KGNNViewFactorFromOptions(pc, "-pc_gnn_view_factor", &g->L));
  PetscCall(PetscTime(&t3));
  g->t_graph     = t1 - t0;
  g->t_inference = t2 - t1;
  g->t_assembly  = t3 - t2;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PCApply_GNN(PC pc, Vec x, Vec y)
{
  PC_GNN *g = (PC_GNN *)pc->data;

  PetscFunctionBegin;
  PetscCall(KGNNFactorApplyVec(pc, &g->L, g->w, g->dinv, g->failed, x, y));
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
  if (g->have_graph) {
    PetscCall(PetscViewerASCIIPrintf(viewer, "  n = %" PetscInt_FMT ", edges = %" PetscInt_FMT ", nnz(L) = %" PetscInt_FMT "\n", g->n, g->nnz, g->L.colptr[g->n]));
    PetscCall(PetscViewerASCIIPrintf(viewer, "  setup times: graph %.3g s, inference %.3g s, factor assembly %.3g s\n", g->t_graph, g->t_inference, g->t_assembly));
  }
  if (g->diag_shift > 0) PetscCall(PetscViewerASCIIPrintf(viewer, "  diagonal safeguard: |L_ii| >= %g max|L_jj|\n", (double)g->diag_shift));
  if (g->failed) PetscCall(PetscViewerASCIIPrintf(viewer, "  FAILED: unusable diagonal of L\n"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

#if PETSC_VERSION_LT(3, 23, 0)
static PetscErrorCode PCSetFromOptions_GNN(PC pc, PetscOptionItems *PetscOptionsObject)
#else
static PetscErrorCode PCSetFromOptions_GNN(PC pc, PetscOptionItems PetscOptionsObject)
#endif
{
  PC_GNN   *g = (PC_GNN *)pc->data;
  char      file[PETSC_MAX_PATH_LEN];
  PetscBool flg;
  PetscReal s = g->diag_shift;

  PetscFunctionBegin;
  PetscOptionsHeadBegin(PetscOptionsObject, "Graph network factor (PCGNN) options");
  PetscCall(PetscOptionsString("-pc_gnn_model", "Weight file (HDF5) of the network", "PCGNNSetModel", g->model, file, sizeof(file), &flg));
  if (flg) PetscCall(PCGNNSetModel(pc, file));
  PetscCall(PetscOptionsReal("-pc_gnn_diag_shift", "Lift |L_ii| to at least this times max|L_jj| (0: fail instead)", "PCGNNSetDiagShift", s, &s, &flg));
  if (flg) PetscCall(PCGNNSetDiagShift(pc, s));
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

static PetscErrorCode PCGNNSetDiagShift_GNN(PC pc, PetscReal s)
{
  PetscFunctionBegin;
  PetscCheck(s >= 0 && s < 1, PetscObjectComm((PetscObject)pc), PETSC_ERR_ARG_OUTOFRANGE, "-pc_gnn_diag_shift must be in [0, 1), got %g", (double)s);
  ((PC_GNN *)pc->data)->diag_shift = s;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PCGNNGetFactor_GNN(PC pc, Mat *L)
{
  PC_GNN *g = (PC_GNN *)pc->data;

  PetscFunctionBegin;
  PetscCheck(g->have_graph && !g->failed, PetscObjectComm((PetscObject)pc), PETSC_ERR_ORDER, "PCGNN has no factor: call PCSetUp() first (and check PCGetFailedReason())");
  PetscCall(KGNNLowerToMat(&g->L, L));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PCReset_GNN(PC pc)
{
  PetscFunctionBegin;
  PetscCall(PCGNNResetGraph((PC_GNN *)pc->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PCDestroy_GNN(PC pc)
{
  PC_GNN *g = (PC_GNN *)pc->data;

  PetscFunctionBegin;
  PetscCall(PCReset_GNN(pc));
  PetscCall(KGNNNetworkDestroy(&g->net));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCGNNSetModel_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCGNNSetDiagShift_C", NULL));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCGNNGetFactor_C", NULL));
  PetscCall(PetscFree(pc->data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/*MC
   PCGNN - a graph network trained to predict the factor L of A ~ L L^T on the pattern of
   tril(A), applied as (L L^T)^-1 by two triangular solves.

   Options Database Keys:
+  -pc_gnn_model <file> - the network's weight file (default: $KGNN_MODEL, else share/kgnn/models/default.h5 of the install or share/models/default.h5 of the build tree, beside the library)
.  -pc_gnn_diag_shift <0> - lift |L_ii| to at least this times max|L_jj| instead of failing on a zero or tiny diagonal
-  -pc_gnn_view_factor <viewer> - view L after each setup, e.g. binary:L.bin

   Notes:
   The network (share/doc/model.md) runs on the graph whose edges are the stored entries of A.
   A zero, tiny or non-finite diagonal of L sets PC_FACTOR_NUMERIC_ZEROPIVOT, so KSP reports
   KSP_DIVERGED_PC_FAILED. Sequential: in parallel use it as -sub_pc_type gnn of PCBJACOBI or PCASM.

   Level: intermediate

.seealso: `PCKOPT`, `PCICC`, `PCGNNSetModel()`, `KGNNNetworkLoad()`
M*/
PetscErrorCode PCCreate_GNN(PC pc)
{
  PC_GNN *g;

  PetscFunctionBegin;
  PetscCall(PetscNew(&g));
  pc->data                = (void *)g;
  pc->ops->setup          = PCSetUp_GNN;
  pc->ops->apply          = PCApply_GNN;
  pc->ops->applytranspose = PCApply_GNN;
  pc->ops->reset          = PCReset_GNN;
  pc->ops->destroy        = PCDestroy_GNN;
  pc->ops->view           = PCView_GNN;
  pc->ops->setfromoptions = PCSetFromOptions_GNN;
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCGNNSetModel_C", PCGNNSetModel_GNN));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCGNNSetDiagShift_C", PCGNNSetDiagShift_GNN));
  PetscCall(PetscObjectComposeFunction((PetscObject)pc, "PCGNNGetFactor_C", PCGNNGetFactor_GNN));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode PCGNNSetModel(PC pc, const char file[])
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCGNNSetModel_C", (PC, const char[]), (pc, file));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode PCGNNSetDiagShift(PC pc, PetscReal s)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscTryMethod(pc, "PCGNNSetDiagShift_C", (PC, PetscReal), (pc, s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode PCGNNGetFactor(PC pc, Mat *L)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(pc, PC_CLASSID, 1);
  PetscUseMethod(pc, "PCGNNGetFactor_C", (PC, Mat *), (pc, L));
  PetscFunctionReturn(PETSC_SUCCESS);
}
