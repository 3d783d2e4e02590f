/* The package's log events. Defined here, at the base, so that the numerics (src/factor) log
   their phases without calling up into the package's registration; KGNNInitializePackage
   (src/kgnn.c) registers them. */
#include "kgnn_impl.h"

PetscLogEvent KGNN_KOPT_Symbolic, KGNN_KOPT_Inverse, KGNN_KOPT_Columns, KGNN_FactorApply;
PetscLogEvent KGNN_KOPT_Cholesky, KGNN_KOPT_SelInv;
PetscLogEvent KGNN_GNN_Graph, KGNN_GNN_Cascade, KGNN_GNN_Inference, KGNN_GNN_Assembly;
