/* PCGNN end to end with networks whose factor is known: the hand-built test model outputs
   A_ij / max|A| on every edge, so L must be exactly tril(A) / max|A| (also after a
   SAME_NONZERO_PATTERN re-setup with new values); CG with it converges on 2D Poisson and on
   SuiteSparse matrices, with the default model found beside the library; a network whose
   output is zero makes KSP report DIVERGED_PC_FAILED, never a NaN. */
#include "testutil.h"

/* every stored entry of L is A_ij / max|A| for i >= j, and L has no other entries */
static PetscErrorCode CheckTril(Mat A, PC pc, const char *what)
{
  Mat                L;
  PetscInt           n, na, nl;
  const PetscInt    *ca, *cl;
  const PetscScalar *va, *vl;
  PetscReal          amax = 0, err = 0;
  PetscBool          same = PETSC_TRUE;

  PetscFunctionBegin;
  PetscCall(PCGNNGetFactor(pc, &L));
  PetscCall(MatGetSize(A, &n, NULL));
  for (PetscInt i = 0; i < n; i++) {
    PetscCall(MatGetRow(A, i, &na, &ca, &va));
    for (PetscInt k = 0; k < na; k++) amax = PetscMax(amax, PetscAbsScalar(va[k]));
    PetscCall(MatRestoreRow(A, i, &na, &ca, &va));
  }
  for (PetscInt i = 0; i < n; i++) {
    PetscInt q = 0;
    PetscCall(MatGetRow(A, i, &na, &ca, &va));
    PetscCall(MatGetRow(L, i, &nl, &cl, &vl));
    for (PetscInt k = 0; k < na && ca[k] <= i; k++, q++) {
      if (q >= nl || cl[q] != ca[k]) same = PETSC_FALSE;
      else err = PetscMax(err, PetscAbsScalar(vl[q] - va[k] / amax));
    }
    if (q != nl) same = PETSC_FALSE;
    PetscCall(MatRestoreRow(L, i, &nl, &cl, &vl));
    PetscCall(MatRestoreRow(A, i, &na, &ca, &va));
  }
  CHECK(same && err <= 1e-15, "%s: L is not tril(A)/max|A| (pattern %s, max error %.3e)", what, same ? "same" : "differs", (double)err);
  PetscCall(MatDestroy(&L));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  Mat                A;
  PC                 pc;
  PetscInt           its;
  KSPConvergedReason reason;
  const char        *files[] = {"../shared/matrices/suitesparse/nos4.mtx", "../shared/matrices/suitesparse/bcsstk01.mtx", "../shared/matrices/suitesparse/gr_30_30.mtx"};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());

  /* the known factor, and again after new values on the same pattern */
  PetscCall(TestPoisson2D(PETSC_COMM_SELF, 12, &A));
  PetscCall(PCCreate(PETSC_COMM_SELF, &pc));
  PetscCall(PCSetType(pc, PCGNN));
  PetscCall(PCGNNSetModel(pc, "tests/fixtures/gnn_tril.h5"));
  PetscCall(PCSetOperators(pc, A, A));
  PetscCall(PCSetUp(pc));
  PetscCall(CheckTril(A, pc, "poisson 12x12"));
  PetscCall(MatShift(A, 1.5));
  PetscCall(PCSetOperators(pc, A, A));
  PetscCall(PCSetUp(pc));
  PetscCall(CheckTril(A, pc, "poisson 12x12 shifted, re-setup"));
  PetscCall(PCDestroy(&pc));
  PetscCall(MatDestroy(&A));

  /* CG with the default model (share/models/default.h5 beside the library) */
  PetscCall(TestPoisson2D(PETSC_COMM_SELF, 20, &A));
  PetscCall(TestCGIterations(A, NULL, PCGNN, &its, &reason));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "poisson 20x20, PCGNN default model: %d iterations, %s\n", (int)its, KSPConvergedReasons[reason]));
  CHECK(reason > 0, "CG with PCGNN did not converge on Poisson: %s", KSPConvergedReasons[reason]);
  PetscCall(MatDestroy(&A));
  for (int f = 0; f < 3; f++) {
    PetscCall(KGNNMatLoad(PETSC_COMM_SELF, files[f], &A));
    PetscCall(TestCGIterations(A, NULL, PCGNN, &its, &reason));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s, PCGNN default model: %d iterations, %s\n", files[f], (int)its, KSPConvergedReasons[reason]));
    CHECK(reason > 0, "CG with PCGNN did not converge on %s: %s", files[f], KSPConvergedReasons[reason]);
    PetscCall(MatDestroy(&A));
  }

  /* a network that outputs zero: no usable diagonal */
  PetscCall(TestPoisson2D(PETSC_COMM_SELF, 8, &A));
  PetscCall(PCCreate(PETSC_COMM_SELF, &pc));
  PetscCall(PCSetType(pc, PCGNN));
  PetscCall(PCGNNSetModel(pc, "tests/fixtures/gnn_zero.h5"));
  PetscCall(TestCGIterations(A, pc, NULL, &its, &reason));
  CHECK(reason == KSP_DIVERGED_PC_FAILED, "zero network: KSP reports %s, expected DIVERGED_PC_FAILED", KSPConvergedReasons[reason]);
  PetscCall(PCDestroy(&pc));
  PetscCall(MatDestroy(&A));
  TEST_END();
}
