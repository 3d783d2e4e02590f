/* -pc_kopt_view_factor / -pc_gnn_view_factor <viewer>: L through any PETSc viewer after setup,
   e.g. binary:L.bin, which MatLoad reads back. */
#include "../kgnn_impl.h"
#include <petsc/private/petscimpl.h>

PetscErrorCode KGNNViewFactorFromOptions(PC pc, const char option[], const KGNNLower *F)
{
  PetscViewer       viewer;
  PetscViewerFormat format;
  PetscBool         flg;
  Mat               L;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetViewer(PetscObjectComm((PetscObject)pc), ((PetscObject)pc)->options, ((PetscObject)pc)->prefix, option, &viewer, &format, &flg));
  if (!flg) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(KGNNLowerToMat(F, &L));
  PetscCall(PetscObjectSetName((PetscObject)L, "L"));
  PetscCall(PetscViewerPushFormat(viewer, format));
  PetscCall(MatView(L, viewer));
  PetscCall(PetscViewerPopFormat(viewer));
  PetscCall(MatDestroy(&L));
#if PETSC_VERSION_LT(3, 22, 0)
  PetscCall(PetscViewerDestroy(&viewer));
#else
  PetscCall(PetscOptionsRestoreViewer(&viewer));
#endif
  PetscFunctionReturn(PETSC_SUCCESS);
}
