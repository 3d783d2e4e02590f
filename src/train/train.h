/* kgnn-train's internals: batches of samples as one graph, and their losses */
#ifndef KGNN_TRAIN_H
#define KGNN_TRAIN_H

#include "../model/model.h"

typedef enum {
  KGNN_LOSS_COSINE, /* 1 - cos(L, L_target) over L's entries: the paper's, the default */
  KGNN_LOSS_L2,     /* mean squared difference: the one the paper found unstable */
  KGNN_LOSS_FREE    /* |L L^T z - A z|^2 / |A z|^2, random z: no target needed */
} KGNNLoss;

typedef struct {
  KGNNGraph  G;
  PetscInt   ngraphs, *sender, *receiver, *batch, *eptr, *nptr; /* graph g: edges eptr[g].., nodes nptr[g].. */
  PetscReal *a, *y;
} KGNNBatch;

PETSC_INTERN PetscErrorCode KGNNBatchCreate(PetscInt count, KGNNSample *const s[], KGNNBatch *);
PETSC_INTERN PetscErrorCode KGNNBatchDestroy(KGNNBatch *);
PETSC_INTERN PetscErrorCode KGNNBatchLoss(const KGNNBatch *, KGNNLoss, const PetscReal *p, PetscReal *dp, KGNNRandom *, PetscReal *loss, PetscReal *cos);

#endif
