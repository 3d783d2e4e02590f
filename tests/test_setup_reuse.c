/* Re-setup: new values on the same pattern (SAME_NONZERO_PATTERN) reuse the symbolic work
   (pattern, column index sets, MUMPS or CHOLMOD analysis) and give the same factor as a fresh PC, bit for
   bit (the symbolic work is data-independent and the numeric phase the same operations in the
   same order, with the same BLAS kernel and threads); a new pattern redoes it. Also -pc_kopt_view_factor binary:FILE writes L so that MatLoad reads it
   back equal to PCKOPTGetFactor's. */
#include "testutil.h"

static PetscErrorCode ViewCounts(PC pc, PetscInt *nsym, PetscInt *nnum)
{
  PetscViewer v;
  char        buf[8192] = "", *p;
  int         a = -1, b = -1;
  FILE       *f;
  size_t      len;

  PetscFunctionBegin;
  PetscCall(PetscViewerASCIIOpen(PETSC_COMM_SELF, "/tmp/kgnn_test_pcview.txt", &v));
  PetscCall(PCView(pc, v));
  PetscCall(PetscViewerDestroy(&v));
  f = fopen("/tmp/kgnn_test_pcview.txt", "r");
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot read back the PCView output");
  len      = fread(buf, 1, sizeof(buf) - 1, f);
  buf[len] = 0;
  fclose(f);
  p = strstr(buf, "symbolic setups");
  if (p) sscanf(p, "symbolic setups %d, numeric setups %d", &a, &b);
  *nsym = a;
  *nnum = b;
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  Mat         A, A2, L1, L2, Lf;
  PC          pc;
  PetscInt    nsym, nnum, n;
  PetscBool   eq;
  PetscViewer v;
  char        file[] = "/tmp/kgnn_test_L.bin";

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  for (int m = KGNN_INVERSE_DENSE; m <= KGNN_INVERSE_SELINV; m++) {
    PetscCall(TestPoisson2D(PETSC_COMM_SELF, 12, &A));
    PetscCall(PCCreate(PETSC_COMM_SELF, &pc));
    PetscCall(PCSetType(pc, PCKOPT));
    PetscCall(PCKOPTSetInverseMethod(pc, (KGNNInverseMethod)m));
    PetscCall(PCSetOperators(pc, A, A));
    PetscCall(PCSetUp(pc));
    /* new values, same pattern */
    PetscCall(MatShift(A, 0.7));
    PetscCall(MatGetSize(A, &n, NULL));
    for (PetscInt i = 0; i + 1 < n; i += 3) {
      PetscCall(MatSetValue(A, i, i + 1, -0.5, INSERT_VALUES));
      PetscCall(MatSetValue(A, i + 1, i, -0.5, INSERT_VALUES));
    }
    PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
    PetscCall(PCSetOperators(pc, A, A));
    PetscCall(PCSetUp(pc));
    PetscCall(ViewCounts(pc, &nsym, &nnum));
    CHECK(nsym == 1 && nnum == 2, "%s: after a same-pattern re-setup: %d symbolic, %d numeric setups (expected 1, 2)", KGNNInverseMethods[m], (int)nsym, (int)nnum);
    PetscCall(PCKOPTGetFactor(pc, &L1));
    PetscCall(TestKoptFactor(A, (KGNNInverseMethod)m, &L2));
    PetscCall(MatAXPY(L2, -1.0, L1, SAME_NONZERO_PATTERN));
    {
      PetscReal e, nl;
      PetscCall(MatNorm(L2, NORM_FROBENIUS, &e));
      PetscCall(MatNorm(L1, NORM_FROBENIUS, &nl));
      CHECK(e == 0, "%s: re-used factor differs from a fresh one: %.3e (relative)", KGNNInverseMethods[m], (double)(e / nl));
    }
    PetscCall(MatDestroy(&L2));
    /* a new pattern: the symbolic work must be redone */
    PetscCall(MatDuplicate(A, MAT_COPY_VALUES, &A2));
    PetscCall(MatSetOption(A2, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_FALSE));
    PetscCall(MatSetValue(A2, 0, 30, -0.1, INSERT_VALUES));
    PetscCall(MatSetValue(A2, 30, 0, -0.1, INSERT_VALUES));
    PetscCall(MatAssemblyBegin(A2, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(A2, MAT_FINAL_ASSEMBLY));
    PetscCall(PCSetOperators(pc, A2, A2));
    PetscCall(PCSetUp(pc));
    PetscCall(ViewCounts(pc, &nsym, &nnum));
    CHECK(nsym == 2 && nnum == 3, "%s: after a new pattern: %d symbolic, %d numeric setups (expected 2, 3)", KGNNInverseMethods[m], (int)nsym, (int)nnum);
    PetscCall(MatDestroy(&L1));
    PetscCall(PCDestroy(&pc));
    PetscCall(MatDestroy(&A2));
    PetscCall(MatDestroy(&A));
  }

  /* -pc_kopt_view_factor binary:FILE, read back */
  PetscCall(TestPoisson2D(PETSC_COMM_SELF, 9, &A));
  PetscCall(PetscOptionsSetValue(NULL, "-pc_kopt_view_factor", "binary:/tmp/kgnn_test_L.bin"));
  PetscCall(PCCreate(PETSC_COMM_SELF, &pc));
  PetscCall(PCSetType(pc, PCKOPT));
  PetscCall(PCSetOperators(pc, A, A));
  PetscCall(PCSetFromOptions(pc));
  PetscCall(PCSetUp(pc));
  PetscCall(PetscOptionsClearValue(NULL, "-pc_kopt_view_factor"));
  PetscCall(PCKOPTGetFactor(pc, &L1));
  PetscCall(PetscViewerBinaryOpen(PETSC_COMM_SELF, file, FILE_MODE_READ, &v));
  PetscCall(MatCreate(PETSC_COMM_SELF, &Lf));
  PetscCall(MatSetType(Lf, MATSEQAIJ));
  PetscCall(MatLoad(Lf, v));
  PetscCall(PetscViewerDestroy(&v));
  PetscCall(MatEqual(L1, Lf, &eq));
  CHECK(eq, "-pc_kopt_view_factor wrote a matrix that differs from PCKOPTGetFactor's");
  PetscCall(MatDestroy(&Lf));
  PetscCall(MatDestroy(&L1));
  PetscCall(PCDestroy(&pc));
  PetscCall(MatDestroy(&A));
  TEST_END();
}
