/* The PETSc face of the graph network (model_face.h): each function converts the plain model's
   error codes and allocations (src/model) to PETSc's; the public KGNNNetwork handle of
   include/kgnn.h (load, run on a graph, view, destroy) is built on them. */
#include "model_face.h"

/* the plain model's types are PETSc's: graphs, outputs and tensors pass through unchanged */
_Static_assert(sizeof(PetscInt) == sizeof(KGNNInt), "kgnn's graph network uses 32-bit indices: build PETSc without --with-64-bit-indices, or change KGNNInt in src/model/base.h");
_Static_assert(sizeof(PetscReal) == sizeof(KGNNReal), "kgnn's graph network computes in double: build PETSc with --with-precision=double");

PetscErrorCode KGNNErrToPetsc(KGNNErr e)
{
  switch (e) {
  case KGNN_OK:
    return PETSC_SUCCESS;
  case KGNN_ERR_MEMORY:
    return PETSC_ERR_MEM;
  case KGNN_ERR_ARGUMENT:
    return PETSC_ERR_ARG_OUTOFRANGE;
  case KGNN_ERR_SHAPE:
    return PETSC_ERR_ARG_INCOMP;
  case KGNN_ERR_UNKNOWN:
    return PETSC_ERR_SUP;
  case KGNN_ERR_BUSY:
    return PETSC_ERR_ORDER;
  case KGNN_ERR_NONFINITE:
    return PETSC_ERR_FP;
  case KGNN_ERR_DEVICE:
    return PETSC_ERR_GPU;
  default:
    return PETSC_ERR_LIB;
  }
}

PetscErrorCode KGNNModelTensors(KGNNModel *M, PetscInt *n, KGNNTensor **T)
{
  int         k;
  KGNNTensor *t;

  PetscFunctionBegin;
  KGNNModelCall(KGNNNetTensors(M, &k, &t));
  *n = k;
  PetscCall(PetscMalloc1(k, T));
  PetscCall(PetscArraycpy(*T, t, k));
  KGNNNetTensorsFree(M, t);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNModelSetUp(KGNNModel *M)
{
  PetscFunctionBegin;
  KGNNModelCall(KGNNNetSetUp(M));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNModelDuplicate(const KGNNModel *M, KGNNModel *G)
{
  PetscFunctionBegin;
  KGNNModelCall(KGNNNetDuplicate(M, G));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNModelCopy(KGNNModel *from, KGNNModel *to)
{
  KGNNErr e = KGNNNetCopy(from, to);

  PetscFunctionBegin;
  PetscCheck(e != KGNN_ERR_SHAPE, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "models of different architectures");
  KGNNModelCall(e);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNModelInitialize(KGNNModel *M, KGNNRandom *r)
{
  PetscFunctionBegin;
  KGNNModelCall(KGNNNetInitialize(M, r));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* an ElimOrder network that computes IC(0) at the start (src/model/elim_init.c) */
PetscErrorCode KGNNModelInitIC0(KGNNModel *M, KGNNRandom *r, PetscReal floor_, PetscReal noise, PetscReal shift, PetscReal damp, PetscReal posdamp)
{
  PetscFunctionBegin;
  PetscCheck(floor_ >= KGNNElimTau, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-init_ic0 %g: the pivot floor must be at least the layer's 1e-4", (double)floor_); /* KGNNElimTau, as run.sh reads it */
  PetscCheck(!strcmp(KGNNNodeModelName(M->node_model), "ElimOrder"), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "-init_ic0 needs -node_model ElimOrder, not %s", KGNNNodeModelName(M->node_model));
  PetscCheck(M->hidden >= 4, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-init_ic0 needs -hidden 4 or more, not %d", (int)M->hidden);
  PetscCheck(!(posdamp > 0) || M->hidden >= 7, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-init_ic0_posdamp needs -hidden 7 or more (its channels 4-6), not %d", (int)M->hidden);
  KGNNModelCall(KGNNElimInitIC0(M, r, floor_, noise, shift, damp, posdamp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNModelDestroy(KGNNModel *M)
{
  PetscFunctionBegin;
  KGNNNetDestroy(M);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNModelForward(const KGNNModel *M, const KGNNGraph *G, PetscReal *out)
{
  PetscFunctionBegin;
  KGNNModelCall(KGNNNetForward(M, G, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNModelForwardTape(const KGNNModel *M, const KGNNGraph *G, PetscReal *out, KGNNTape *tape)
{
  PetscFunctionBegin;
  KGNNModelCall(KGNNNetForwardTape(M, G, out, tape));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNModelBackward(const KGNNModel *M, KGNNTape T, const PetscReal *dout, KGNNModel *grad)
{
  PetscFunctionBegin;
  KGNNModelCall(KGNNNetBackward(M, T, dout, grad));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNTapeDestroy(KGNNTape *T)
{
  PetscFunctionBegin;
  KGNNNetTapeDestroy(T);
  PetscFunctionReturn(PETSC_SUCCESS);
}

const char *KGNNNodeModelName(KGNNNodeModel m)
{
  const KGNNLayer *L = KGNNLayerAt((int)m);
  return L && L->role == KGNN_LAYER_NODE ? L->name : "(unknown node model)";
}

/* the row of the node model called name; -1 if none */
PetscErrorCode KGNNNodeModelFromName(const char *name, KGNNNodeModel *m)
{
  int i;

  PetscFunctionBegin;
  (void)KGNNLayerFind(name, KGNN_LAYER_NODE, &i);
  *m = (KGNNNodeModel)i;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNNodeModelNames(char *buf, size_t len)
{
  PetscFunctionBegin;
  KGNNLayerNames(KGNN_LAYER_NODE, buf, len);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---- the public handle on a PCGNN network: load from a weight file, run on a graph, destroy.
   The model keeps the graph's plan and its arena between calls: PCGNN's re-setups on the same
   pattern allocate nothing. ---- */
struct _p_KGNNNetwork {
  KGNNModel              model;
  struct _p_KGNNNetwork *breakdown; /* a cascade's second network (the file's /breakdown), or NULL */
};

PetscErrorCode KGNNNetworkLoad(const char file[], KGNNNetwork *net)
{
  KGNNNetwork    n;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  *net = NULL;
  PetscCall(PetscNew(&n));
  ierr = KGNNModelLoad(file, &n->model); /* on an error free the handle, then pass the error on */
  if (ierr) PetscCall(PetscFree(n));
  PetscCall(ierr);
  {
    KGNNModel B;
    PetscBool found;
    ierr = KGNNModelLoadBreakdown(file, &B, &found);
    if (!ierr && found) ierr = PetscNew(&n->breakdown);
    if (!ierr && found) n->breakdown->model = B;
    else if (found) PetscCall(KGNNModelDestroy(&B));
    if (ierr) PetscCall(KGNNNetworkDestroy(&n));
    PetscCall(ierr);
  }
  *net = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNNetworkGetBreakdown(KGNNNetwork net, KGNNNetwork *breakdown)
{
  PetscFunctionBegin;
  *breakdown = net->breakdown;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNNetworkGetJacobi(KGNNNetwork net, PetscBool *jacobi)
{
  PetscFunctionBegin;
  *jacobi = net->model.jacobi ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNNetworkForward(KGNNNetwork net, PetscInt n, PetscInt nnz, const PetscInt sender[], const PetscInt receiver[], const PetscReal a[], PetscReal out[])
{
  KGNNGraph G = {n, nnz, sender, receiver, a, 1, NULL};

  PetscFunctionBegin;
  PetscCall(KGNNModelForward(&net->model, &G, out));
  /* the network object runs once per PCGNN setup and lives through the solve: it keeps the
     plan (re-setups on the same pattern reuse it) but not the O(nnz x hidden) arena */
  KGNNNetReleaseScratch(&net->model);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* one line of PCView for a network of the file; where: "" or which matrices a cascade runs it on */
static PetscErrorCode ViewModel(PetscViewer v, const char *where, const KGNNModel *M)
{
  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "  network%s: %s, depth %d, hidden %d, positional feature %s, edge input %s\n", where, KGNNNodeModelName(M->node_model), (int)M->depth, (int)M->hidden, M->positional ? "yes" : "no",
                                   M->jacobi ? "A_ij / sqrt(A_ii A_jj)" : "A_ij / max|A|"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNNetworkView(KGNNNetwork net, PetscViewer v)
{
  PetscFunctionBegin;
  PetscCall(ViewModel(v, net->breakdown ? " where IC(0) of A exists" : "", &net->model));
  if (net->breakdown) PetscCall(ViewModel(v, " where IC(0) of A breaks down", &net->breakdown->model));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNNetworkDestroy(KGNNNetwork *net)
{
  PetscFunctionBegin;
  if (!*net) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(KGNNNetworkDestroy(&(*net)->breakdown));
  PetscCall(KGNNModelDestroy(&(*net)->model));
  PetscCall(PetscFree(*net));
  PetscFunctionReturn(PETSC_SUCCESS);
}
