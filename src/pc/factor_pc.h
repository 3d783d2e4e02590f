/* The PETSc face of the factor object (src/factor/factor.h), src/pc/factor_pc.c: what PCKOPT,
   PCGNN and KGNNPCSetFactor's shell share. */
#ifndef KGNN_FACTOR_PC_H
#define KGNN_FACTOR_PC_H

#include "../factor/factor.h"

/* y = (L L^T)^-1 x, and the halves L^-1 (left) and L^-T (right), under KGNNFactorApply's log
   event; Inf everywhere unless the factor is READY */
PETSC_INTERN PetscErrorCode KGNNFactorApplyVec(PC, const KGNNFactor *, Vec x, Vec y);
PETSC_INTERN PetscErrorCode KGNNFactorApplyHalfVec(PC, const KGNNFactor *, PetscBool left, Vec x, Vec y);
/* the failure (PIVOT: PC_FACTOR_NUMERIC_ZEROPIVOT, NONE: PC_FACTOR_OTHER) */
PETSC_INTERN PetscErrorCode KGNNFactorFailPC(PC, KGNNFactor *, KGNNFactorState why, PetscInt where);
/* a copy of L; an error naming pcname unless READY */
PETSC_INTERN PetscErrorCode KGNNFactorGetMat(PC, const char pcname[], const KGNNFactor *, Mat *L);
/* option (-pc_kopt_view_factor, -pc_gnn_view_factor): L through a PETSc viewer when READY */
PETSC_INTERN PetscErrorCode KGNNFactorViewFromOptions(PC, const char option[], const KGNNFactor *);

#endif
