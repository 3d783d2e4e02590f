/* The public handle on a PCGNN network: load from a weight file, run on a graph, destroy. */
#include "model.h"

struct _p_KGNNNetwork {
  KGNNModel model;
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
  *net = n;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNNetworkForward(KGNNNetwork net, PetscInt n, PetscInt nnz, const PetscInt sender[], const PetscInt receiver[], const PetscReal a[], PetscReal out[])
{
  KGNNGraph G = {n, nnz, sender, receiver, a, 1, NULL};

  PetscFunctionBegin;
  PetscCall(KGNNModelForward(&net->model, &G, out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNNetworkView(KGNNNetwork net, PetscViewer v)
{
  KGNNModel *M = &net->model;

  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIPrintf(v, "  network: %s, depth %d, hidden %d, positional feature %s, edge input A_ij / max|A|\n", KGNNNodeModelName(M->node_model), (int)M->depth, (int)M->hidden, M->positional ? "yes" : "no"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNNetworkDestroy(KGNNNetwork *net)
{
  PetscFunctionBegin;
  if (!*net) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(KGNNModelDestroy(&(*net)->model));
  PetscCall(PetscFree(*net));
  PetscFunctionReturn(PETSC_SUCCESS);
}
