/* PCKOPT on singular matrices: the same relative pivot test on the dense, the MUMPS and the
   selected-inversion path (src/factor/inverse_check.c). A matrix is singular to working precision when a pivot
   1 / (Z_ii a_ii) of the computed Z = A^-1 is at or below gamma_{n+1} = (n+1) u / (1 - (n+1) u).
   - [[1, 1], [1, 1 + 2u]]: LAPACK's, MUMPS' and CHOLMOD's Cholesky succeed (the last pivot is
     2u > 0), but the relative pivot 2u / (1 + 2u) is below gamma_3 = 3u: the PC fails on every path;
   - [[1, 1 - d], [1 - d, 1]], d = 1e-6 (relative pivot ~2e-6) passes by default and fails with
     -pc_kopt_zeropivot 1e-5;
   - the 1D Neumann Laplacian (singular, constant null vector) fails on every path, with and
     without MUMPS' own null-pivot detection (-mat_mumps_icntl_24 0 leaves the Z test alone);
   - the 1D Dirichlet Laplacian of the same size succeeds: Z_ii = i (n+1-i) / (n+1), a_ii = 2,
     so its smallest relative pivot is 2 / (n+1), far above gamma_{n+1}, which
     PCKOPTGetZeroPivot reports. */
#include "testutil.h"

static PetscErrorCode Setup(Mat A, KGNNInverseMethod m, PetscReal zp, const char *opts, PCFailedReason *reason, PetscReal *used)
{
  PC           pc;
  PetscOptions o = NULL;

  PetscFunctionBegin;
  if (opts) {
    PetscCall(PetscOptionsCreate(&o));
    PetscCall(PetscOptionsInsertString(o, opts));
    PetscCall(PetscOptionsPush(o));
  }
  PetscCall(PCCreate(PETSC_COMM_SELF, &pc));
  PetscCall(PCSetType(pc, PCKOPT));
  PetscCall(PCKOPTSetInverseMethod(pc, m));
  PetscCall(PCKOPTSetZeroPivot(pc, zp));
  PetscCall(PCSetOperators(pc, A, A));
  PetscCall(PCSetFromOptions(pc));
  PetscCall(PCSetUp(pc));
  PetscCall(PCGetFailedReason(pc, reason));
  if (used) PetscCall(PCKOPTGetZeroPivot(pc, used));
  PetscCall(PCDestroy(&pc));
  if (opts) {
    PetscCall(PetscOptionsPop());
    PetscCall(PetscOptionsDestroy(&o));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* 1D Laplacian, Neumann (singular) or Dirichlet */
static PetscErrorCode Laplacian1D(PetscInt n, PetscBool neumann, Mat *A)
{
  PetscScalar *d, *e;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(n, &d, n, &e));
  for (PetscInt i = 0; i < n; i++) d[i] = 2, e[i] = -1;
  if (neumann) d[0] = d[n - 1] = 1;
  PetscCall(TestTridiag(n, d, e, A));
  PetscCall(PetscFree2(d, e));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  const PetscReal   u = PETSC_MACHINE_EPSILON / 2;
  Mat               A;
  PCFailedReason    r;
  PetscReal         used;
  KGNNInverseMethod methods[3] = {KGNN_INVERSE_DENSE, KGNN_INVERSE_MUMPS, KGNN_INVERSE_SELINV};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  for (int k = 0; k < 3; k++) {
    const char *name = KGNNInverseMethods[methods[k]];
    /* near-singular 2 x 2 */
    PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, 2, 2, 2, NULL, &A));
    PetscCall(MatSetValue(A, 0, 0, 1.0, INSERT_VALUES));
    PetscCall(MatSetValue(A, 0, 1, 1.0, INSERT_VALUES));
    PetscCall(MatSetValue(A, 1, 0, 1.0, INSERT_VALUES));
    PetscCall(MatSetValue(A, 1, 1, 1.0 + 2 * u, INSERT_VALUES));
    PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
    PetscCall(Setup(A, methods[k], PETSC_DETERMINE, NULL, &r, &used));
    CHECK(r == PC_FACTOR_NUMERIC_ZEROPIVOT, "%s: [[1, 1], [1, 1 + 2u]] not found singular (failed reason %d)", name, (int)r);
    CHECK(PetscAbsReal(used - 3 * u / (1 - 3 * u)) <= 4 * u * used, "%s: zero pivot tolerance %g, expected gamma_3", name, (double)used);
    PetscCall(MatDestroy(&A));
    /* [[1, 1 - d], [1 - d, 1]], d = 1e-6: relative pivot 2d - d^2 ~ 2e-6, fine by default,
       singular for -pc_kopt_zeropivot 1e-5 */
    PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, 2, 2, 2, NULL, &A));
    PetscCall(MatSetValue(A, 0, 0, 1.0, INSERT_VALUES));
    PetscCall(MatSetValue(A, 0, 1, 1.0 - 1e-6, INSERT_VALUES));
    PetscCall(MatSetValue(A, 1, 0, 1.0 - 1e-6, INSERT_VALUES));
    PetscCall(MatSetValue(A, 1, 1, 1.0, INSERT_VALUES));
    PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
    PetscCall(Setup(A, methods[k], PETSC_DETERMINE, NULL, &r, NULL));
    CHECK(r == PC_NOERROR, "%s: relative pivot 2e-6 refused by default (failed reason %d)", name, (int)r);
    PetscCall(Setup(A, methods[k], 1e-5, NULL, &r, NULL));
    CHECK(r == PC_FACTOR_NUMERIC_ZEROPIVOT, "%s: relative pivot 2e-6 accepted with -pc_kopt_zeropivot 1e-5", name);
    PetscCall(MatDestroy(&A));
    /* 1D Neumann Laplacian: singular; with MUMPS also without its null-pivot detection */
    PetscCall(Laplacian1D(200, PETSC_TRUE, &A));
    PetscCall(Setup(A, methods[k], PETSC_DETERMINE, NULL, &r, NULL));
    CHECK(r == PC_FACTOR_NUMERIC_ZEROPIVOT, "%s: singular 1D Neumann Laplacian not refused", name);
    if (methods[k] == KGNN_INVERSE_MUMPS) {
      PetscCall(Setup(A, methods[k], PETSC_DETERMINE, "-mat_mumps_icntl_24 0", &r, NULL));
      CHECK(r == PC_FACTOR_NUMERIC_ZEROPIVOT, "mumps without null-pivot detection: singular 1D Neumann Laplacian not refused by the Z test");
    }
    PetscCall(MatDestroy(&A));
    /* 1D Dirichlet Laplacian: fine */
    PetscCall(Laplacian1D(200, PETSC_FALSE, &A));
    PetscCall(Setup(A, methods[k], PETSC_DETERMINE, NULL, &r, &used));
    CHECK(r == PC_NOERROR, "%s: the nonsingular 1D Laplacian was refused (failed reason %d)", name, (int)r);
    CHECK(PetscAbsReal(used - 201 * u / (1 - 201 * u)) <= 4 * u * used, "%s: zero pivot tolerance %g, expected gamma_201", name, (double)used);
    PetscCall(MatDestroy(&A));
  }
  TEST_END();
}
