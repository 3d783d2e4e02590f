/* Package registration: the one call a simulation code makes (KGNNInitializePackage) and the
   entry point PETSc calls when it loads libkgnn.so through -dll_append. */
#include "kgnn_impl.h"


static PetscBool KGNNPackageInitialized = PETSC_FALSE;

PetscErrorCode KGNNFinalizePackage(void)
{
  PetscFunctionBegin;
  KGNNPackageInitialized = PETSC_FALSE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNInitializePackage(void)
{
  PetscFunctionBegin;
  if (KGNNPackageInitialized) PetscFunctionReturn(PETSC_SUCCESS);
  KGNNPackageInitialized = PETSC_TRUE;
  PetscCall(PCInitializePackage());
  PetscCall(PCRegister(PCKOPT, PCCreate_KOPT));
  PetscCall(PCRegister(PCGNN, PCCreate_GNN));
  PetscCall(PetscLogEventRegister("KOPTSymbolic", PC_CLASSID, &KGNN_KOPT_Symbolic));
  PetscCall(PetscLogEventRegister("KOPTInverse", PC_CLASSID, &KGNN_KOPT_Inverse));
  PetscCall(PetscLogEventRegister("KOPTColumns", PC_CLASSID, &KGNN_KOPT_Columns));
  PetscCall(PetscLogEventRegister("KOPTCholesky", PC_CLASSID, &KGNN_KOPT_Cholesky));
  PetscCall(PetscLogEventRegister("KOPTSelInv", PC_CLASSID, &KGNN_KOPT_SelInv));
  PetscCall(PetscLogEventRegister("KGNNFactorApply", PC_CLASSID, &KGNN_FactorApply));
  PetscCall(PetscLogEventRegister("GNNGraph", PC_CLASSID, &KGNN_GNN_Graph));
  PetscCall(PetscLogEventRegister("GNNCascadeTest", PC_CLASSID, &KGNN_GNN_Cascade)); /* a cascade's IC(0) test */
  PetscCall(PetscLogEventRegister("GNNInference", PC_CLASSID, &KGNN_GNN_Inference));
  PetscCall(PetscLogEventRegister("GNNAssembly", PC_CLASSID, &KGNN_GNN_Assembly));
  PetscCall(PetscRegisterFinalize(KGNNFinalizePackage));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode PetscDLLibraryRegister_kgnn(void)
{
  PetscFunctionBegin;
  PetscCall(KGNNInitializePackage());
  PetscFunctionReturn(PETSC_SUCCESS);
}
