/* Bad input for PCKOPT, one case per run (-case NAME), driven by tests/run.sh, which checks
   that wrong input ends in a PETSc error naming what and where, and that a matrix that is not
   positive definite ends in KSP_DIVERGED_PC_FAILED. Never a NaN behind a reported success. */
#include "testutil.h"
#include <math.h>

static PetscErrorCode Build(const char *c, Mat *A)
{
  PetscBool   is;
  PetscInt    n    = 6;
  PetscScalar d[6] = {4, 4, 4, 4, 4, 4}, e[6] = {-1, -1, -1, -1, -1, -1};

  PetscFunctionBegin;
  if (PetscStrcmp(c, "nonsquare", &is), is) {
    PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, 3, 4, 2, NULL, A));
    for (PetscInt i = 0; i < 3; i++) PetscCall(MatSetValue(*A, i, i, 1.0, INSERT_VALUES));
  } else if (PetscStrcmp(c, "n0", &is), is) {
    PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, 0, 0, 0, NULL, A));
  } else if (PetscStrcmp(c, "n1", &is), is) {
    PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, 1, 1, 1, NULL, A));
    PetscCall(MatSetValue(*A, 0, 0, 4.0, INSERT_VALUES));
  } else if (PetscStrcmp(c, "singular", &is), is) { /* exactly singular, positive diagonal */
    PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, 3, 3, 2, NULL, A));
    PetscCall(MatSetValue(*A, 0, 0, 1.0, INSERT_VALUES));
    PetscCall(MatSetValue(*A, 1, 1, 1.0, INSERT_VALUES));
    PetscCall(MatSetValue(*A, 0, 1, 1.0, INSERT_VALUES));
    PetscCall(MatSetValue(*A, 1, 0, 1.0, INSERT_VALUES));
    PetscCall(MatSetValue(*A, 2, 2, 1.0, INSERT_VALUES));
  } else if (PetscStrcmp(c, "indefinite", &is), is) { /* 2D Laplacian - 2.5 I: diagonal 1.5 > 0, eigenvalues of both signs */
    PetscCall(TestPoisson2D(PETSC_COMM_SELF, 10, A));
    PetscCall(MatShift(*A, -2.5));
  } else if (PetscStrcmp(c, "shell", &is), is) {
    PetscCall(MatCreateShell(PETSC_COMM_SELF, 4, 4, 4, 4, NULL, A));
  } else if (PetscStrcmp(c, "dense_limit", &is), is) {
    PetscCall(TestPoisson2D(PETSC_COMM_SELF, 10, A));
  } else if (PetscStrcmp(c, "mpi", &is), is) {
    PetscCall(TestPoisson2D(PETSC_COMM_WORLD, 10, A));
  } else if (PetscStrcmp(c, "mpi_indefinite", &is), is) { /* for bjacobi: the blocks fail */
    PetscCall(TestPoisson2D(PETSC_COMM_WORLD, 10, A));
    PetscCall(MatShift(*A, -2.5));
  } else {
    PetscBool nonsym, nan, inf, zerodiag, negdiag, nodiag;
    PetscCall(PetscStrcmp(c, "nonsymmetric", &nonsym));
    PetscCall(PetscStrcmp(c, "nan", &nan));
    PetscCall(PetscStrcmp(c, "inf", &inf));
    PetscCall(PetscStrcmp(c, "zerodiag", &zerodiag));
    PetscCall(PetscStrcmp(c, "negdiag", &negdiag));
    PetscCall(PetscStrcmp(c, "nodiag", &nodiag));
    PetscCheck(nonsym || nan || inf || zerodiag || negdiag || nodiag, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "unknown -case %s", c);
    if (zerodiag) d[2] = 0.0;
    if (negdiag) d[1] = -1.0;
    if (inf) d[3] = (PetscScalar)INFINITY;
    PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, n, n, 3, NULL, A));
    for (PetscInt i = 0; i < n; i++) {
      if (!(nodiag && i == 2)) PetscCall(MatSetValue(*A, i, i, d[i], INSERT_VALUES));
      if (i + 1 < n) {
        PetscScalar v = (nan && i == 1) ? (PetscScalar)NAN : e[i];
        PetscCall(MatSetValue(*A, i + 1, i, v, INSERT_VALUES));
        PetscCall(MatSetValue(*A, i, i + 1, (nonsym && i == 3) ? 0.5 * v : v, INSERT_VALUES));
      }
    }
  }
  PetscCall(MatAssemblyBegin(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*A, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  char               c[64] = "";
  Mat                A;
  KSP                ksp;
  PC                 pc;
  Vec                x, b;
  KSPConvergedReason reason;
  PCFailedReason     pcreason;
  PetscInt           its;
  PetscReal          xnorm;
  PetscBool          dl;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  PetscCall(PetscOptionsGetString(NULL, NULL, "-case", c, sizeof(c), NULL));
  PetscCall(Build(c, &A));
  PetscCall(KSPCreate(PetscObjectComm((PetscObject)A), &ksp));
  PetscCall(KSPSetOperators(ksp, A, A));
  PetscCall(KSPSetType(ksp, KSPCG));
  PetscCall(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCKOPT));
  PetscCall(PetscStrcmp(c, "dense_limit", &dl));
  if (dl) {
    PetscCall(PCKOPTSetInverseMethod(pc, KGNN_INVERSE_DENSE));
    PetscCall(PCKOPTSetDenseMax(pc, 50));
  }
  PetscCall(KSPSetFromOptions(ksp));
  PetscCall(MatCreateVecs(A, &x, &b));
  PetscCall(VecSet(b, 1.0));
  PetscCall(KSPSolve(ksp, b, x));
  PetscCall(KSPGetConvergedReason(ksp, &reason));
  PetscCall(KSPGetIterationNumber(ksp, &its));
  PetscCall(PCGetFailedReason(pc, &pcreason));
  PetscCall(VecNorm(x, NORM_2, &xnorm));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "case=%s reason=%s iterations=%d pcfailed=%d xnorm=%g\n", c, KSPConvergedReasons[reason], (int)its, pcreason != PC_NOERROR, (double)xnorm));
  /* the one thing that must never happen: a non-finite solution while nothing reports failure */
  CHECK(!(PetscIsInfOrNanReal(xnorm) && pcreason == PC_NOERROR && reason > 0), "non-finite solution behind a reported success");
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&b));
  PetscCall(KSPDestroy(&ksp));
  PetscCall(MatDestroy(&A));
  TEST_END();
}
