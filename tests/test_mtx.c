/* The Matrix Market reader against matrices written down here by hand: a symmetric file and
   the same matrix as a general file read to the same entries, an explicitly stored zero stays
   in the pattern, .gz reads like plain, a SuiteSparse file has the n and nnz of its manifest,
   and both right-hand-side forms read to the expected vector. Malformed files fail with a
   returned error and nothing left allocated (-malloc_dump); their messages are checked
   through kgnn-solve (tests/data/mtx/errors.txt, and the sizes near 2^31 in tests/run.sh). */
#include "testutil.h"

#define D "tests/data/mtx/"

int main(int argc, char **argv)
{
  const PetscScalar ref[5][5] = {{4, -1, 0, 0, -1}, {-1, 4, -1, 0, 0}, {0, -1, 4, -1, 0}, {0, 0, -1, 4, -1}, {-1, 0, 0, -1, 4}};
  const char       *files[]   = {D "small_sym.mtx", D "small_gen.mtx", D "small.mtx.gz"};
  Mat               A[3], B;
  PetscBool         eq, haszero;
  MatInfo           info;
  PetscInt          n, nc;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  for (int f = 0; f < 3; f++) {
    PetscScalar *Dn;
    PetscCall(KGNNMatLoad(PETSC_COMM_SELF, files[f], &A[f]));
    PetscCall(TestDense(A[f], &Dn));
    for (int i = 0; i < 5; i++)
      for (int j = 0; j < 5; j++) CHECK(Dn[i + 5 * j] == ref[i][j], "%s: entry (%d, %d) = %g, expected %g", files[f], i, j, (double)Dn[i + 5 * j], (double)ref[i][j]);
    PetscCall(PetscFree(Dn));
    /* explicit zero at (3, 1) and (1, 3), 0-based: 5 diagonal + 12 off-diagonal stored entries */
    PetscCall(MatGetInfo(A[f], MAT_LOCAL, &info));
    CHECK(info.nz_used == 17, "%s: %g stored entries, expected 17 (explicit zeros kept)", files[f], (double)info.nz_used);
    {
      const PetscInt *cols;
      haszero = PETSC_FALSE;
      PetscCall(MatGetRow(A[f], 3, &nc, &cols, NULL));
      for (PetscInt k = 0; k < nc; k++)
        if (cols[k] == 1) haszero = PETSC_TRUE;
      PetscCall(MatRestoreRow(A[f], 3, &nc, &cols, NULL));
      CHECK(haszero, "%s: the explicit zero (3, 1) is not in the pattern", files[f]);
    }
  }
  PetscCall(MatEqual(A[0], A[1], &eq));
  CHECK(eq, "symmetric and general files differ");
  PetscCall(MatEqual(A[0], A[2], &eq));
  CHECK(eq, "gzip and plain files differ");

  /* a SuiteSparse file: n and nnz (both triangles) from MANIFEST.tsv */
  PetscCall(KGNNMatLoad(PETSC_COMM_SELF, "../shared/matrices/suitesparse/bcsstk01.mtx", &B));
  PetscCall(MatGetSize(B, &n, NULL));
  PetscCall(MatGetInfo(B, MAT_LOCAL, &info));
  CHECK(n == 48 && info.nz_used == 400, "bcsstk01: n = %d, nnz = %g; the manifest says 48, 400", (int)n, (double)info.nz_used);
  PetscCall(MatDestroy(&B));

  /* right-hand sides */
  {
    const char *rhs[]     = {D "rhs_array.mtx", D "rhs_coord.mtx"};
    PetscScalar want[][5] = {{1, 2, 3, 4, 5}, {1, 0, 3, 0, 5}};
    for (int f = 0; f < 2; f++) {
      Vec                b;
      const PetscScalar *x;
      PetscCall(KGNNVecLoad(A[0], rhs[f], &b));
      PetscCall(VecGetArrayRead(b, &x));
      for (int i = 0; i < 5; i++) CHECK(x[i] == want[f][i], "%s: b[%d] = %g, expected %g", rhs[f], i, (double)x[i], (double)want[f][i]);
      PetscCall(VecRestoreArrayRead(b, &x));
      PetscCall(VecDestroy(&b));
    }
  }

  /* errors returned rather than aborting: the reader must close the file and free its arrays */
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  {
    const char *bad[] = {D "bad_header.mtx",        D "no_banner.mtx",   D "pattern.mtx",       D "complex.mtx",      D "array_matrix.mtx", D "out_of_range.mtx",
                         D "too_few.mtx",           D "too_many.mtx",    D "non_numeric.mtx",   D "nan_value.mtx",    D "duplicate.mtx",    D "symmetric_both_triangles.mtx",
                         D "nonsquare.mtx",         D "bad_size.mtx",    D "missing_value.mtx", D "extra_column.mtx", D "truncated.mtx.gz", D "index_overflow.mtx",
                         D "too_many_declared.mtx", D "missing_file.mtx"};
    for (size_t f = 0; f < sizeof(bad) / sizeof(bad[0]); f++) {
      Mat            E   = NULL;
      PetscErrorCode err = KGNNMatLoad(PETSC_COMM_SELF, bad[f], &E);
      CHECK(err && !E, "%s: read without an error", bad[f]);
      if (!err) PetscCall(MatDestroy(&E));
    }
  }
#if !defined(PETSC_USE_64BIT_INDICES)
  { /* n = 2^31 - 1 rows: n + 1 row pointers overflow a 32-bit PetscInt; refused from the size line */
    Mat            E   = NULL;
    PetscErrorCode err = KGNNMatLoad(PETSC_COMM_SELF, D "rows_int_max.mtx", &E);
    CHECK(err == PETSC_ERR_FILE_UNEXPECTED && !E, "rows_int_max.mtx: error %d, matrix %s; expected PETSC_ERR_FILE_UNEXPECTED and no matrix", (int)err, E ? "returned" : "not returned");
    if (E) PetscCall(MatDestroy(&E));
  }
#endif
  {
    const char *bad[] = {D "rhs_duplicate.mtx", D "rhs_wrong_size.mtx", D "non_numeric.mtx"};
    for (int f = 0; f < 3; f++) {
      Vec            b   = NULL;
      PetscErrorCode err = KGNNVecLoad(A[0], bad[f], &b);
      CHECK(err == PETSC_ERR_FILE_UNEXPECTED && !b, "%s: error %d, vector %s; expected PETSC_ERR_FILE_UNEXPECTED and no vector", bad[f], (int)err, b ? "returned" : "not returned");
      if (b) PetscCall(VecDestroy(&b));
    }
  }
  PetscCall(PetscPopErrorHandler());
  for (int f = 0; f < 3; f++) PetscCall(MatDestroy(&A[f]));
  TEST_END();
}
