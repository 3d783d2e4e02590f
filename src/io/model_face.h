/* The PETSc face of the graph network (src/model, plain C): the PetscErrorCode functions that
   PCGNN, kgnn-train, the tools and the tests call, on the plain model's types. A KGNNErr from
   below becomes a PETSc error here (KGNNModelCall). */
#ifndef KGNN_MODEL_FACE_H
#define KGNN_MODEL_FACE_H

#include "../kgnn_impl.h"
#include <hdf5.h>
/* the model's yes/no fields are PetscBool, so that PetscOptionsBool can set them */
#define KGNN_FLAG_DEFINED
typedef PetscBool KGNNFlag;
#include "../model/net.h"

/* a KGNNErr as a PETSc error, where it happened */
#define KGNNModelCall(call)                                                                                                                                                                                                                              \
  do {                                                                                                                                                                                                                                                   \
    KGNNErr kgnn_e_ = (call);                                                                                                                                                                                                                            \
    PetscCheck(kgnn_e_ == KGNN_OK, PETSC_COMM_SELF, KGNNErrToPetsc(kgnn_e_), "graph network: %s", KGNNErrString(kgnn_e_));                                                                                                                               \
  } while (0)
PETSC_INTERN PetscErrorCode KGNNErrToPetsc(KGNNErr);

PETSC_INTERN PetscErrorCode KGNNModelTensors(KGNNModel *, PetscInt *, KGNNTensor **); /* the list: PetscFree it */
PETSC_INTERN PetscErrorCode KGNNModelSetUp(KGNNModel *);
PETSC_INTERN PetscErrorCode KGNNModelDuplicate(const KGNNModel *, KGNNModel *);
PETSC_INTERN PetscErrorCode KGNNModelCopy(KGNNModel *, KGNNModel *);
PETSC_INTERN PetscErrorCode KGNNModelInitialize(KGNNModel *, KGNNRandom *);
PETSC_INTERN PetscErrorCode KGNNModelInitIC0(KGNNModel *, KGNNRandom *, PetscReal floor_, PetscReal noise, PetscReal shift, PetscReal damp, PetscReal posdamp);
PETSC_INTERN PetscErrorCode KGNNModelSave(KGNNModel *, const char path[], PetscErrorCode (*extra)(hid_t, void *), void *ctx);
PETSC_INTERN PetscErrorCode KGNNModelLoad(const char file[], KGNNModel *);
/* a cascade's second network (the group /breakdown: run where IC(0) of A breaks down) */
PETSC_INTERN PetscErrorCode KGNNModelSaveBreakdown(hid_t file, KGNNModel *);
PETSC_INTERN PetscErrorCode KGNNModelLoadBreakdown(const char file[], KGNNModel *, PetscBool *found);
PETSC_INTERN PetscErrorCode KGNNModelDestroy(KGNNModel *);
/* engine_open.c: the engine "cpu" or "cuda" (lib/libkgnn-cuda.so opened at run time); *E NULL
   with the reason in why when the CUDA engine cannot be had */
PETSC_INTERN PetscErrorCode KGNNEngineOpen(const char device[], const KGNNEngine **E, char why[], size_t len);

/* out[k] = the network's value on edge k */
PETSC_INTERN PetscErrorCode KGNNModelForward(const KGNNModel *, const KGNNGraph *, PetscReal *out);
PETSC_INTERN PetscErrorCode KGNNModelForwardTape(const KGNNModel *, const KGNNGraph *, PetscReal *out, KGNNTape *);
PETSC_INTERN PetscErrorCode KGNNModelBackward(const KGNNModel *, KGNNTape, const PetscReal *dout, KGNNModel *grad);
PETSC_INTERN PetscErrorCode KGNNTapeDestroy(KGNNTape *);

/* the node models of the table (src/model/layers.c): a name, its row (-1 if none), and every
   name joined by ", " (for help text and error messages) */
PETSC_INTERN const char    *KGNNNodeModelName(KGNNNodeModel);
PETSC_INTERN PetscErrorCode KGNNNodeModelFromName(const char *, KGNNNodeModel *);
PETSC_INTERN PetscErrorCode KGNNNodeModelNames(char *buf, size_t len);

/* src/train: losses with their gradients, the optimiser and its schedule */
PETSC_INTERN PetscReal KGNNCosineLoss(PetscInt m, const PetscInt *row, const PetscInt *col, const PetscReal *p, const PetscReal *t, PetscReal *dp);
PETSC_INTERN PetscReal KGNNL2Loss(PetscInt m, const PetscInt *row, const PetscInt *col, const PetscReal *p, const PetscReal *t, PetscReal *dp);
PETSC_INTERN void      KGNNAdamStep(PetscInt n, PetscReal *p, const PetscReal *g, PetscReal *m, PetscReal *v, PetscInt t, PetscReal lr, PetscReal b1, PetscReal b2, PetscReal eps);
PETSC_INTERN PetscReal KGNNStepLR(PetscReal lr0, PetscReal gamma, PetscInt step_size, PetscInt epoch);

#endif
