/* Dataset files: C writes, C reads back the same numbers; the same seed gives byte-identical
   files; a missing file, a file that is not HDF5, an HDF5 file that is not ours, a newer
   schema and a truncated file each give an error. Leaves build/tests/dataset_*.h5 and a text
   dump of the samples for the Python loader's test (tests/test_dataset_loader.py). */
#include "testutil.h"
#include <hdf5.h>

#define DIR "build/tests/"

static PetscErrorCode Write(const char *path, KGNNSample *s, PetscInt ns)
{
  KGNNDataset ds;

  PetscFunctionBegin;
  PetscCall(KGNNDatasetCreate(path, "test_dataset", "n=10", 5, &ds));
  for (PetscInt k = 0; k < ns; k++) PetscCall(KGNNDatasetWriteSample(ds, &s[k]));
  PetscCall(KGNNDatasetClose(&ds));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Slurp(const char *path, char **buf, long *len)
{
  FILE *f = fopen(path, "rb");

  PetscFunctionBegin;
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot read %s", path);
  fseek(f, 0, SEEK_END);
  *len = ftell(f);
  fseek(f, 0, SEEK_SET);
  PetscCall(PetscMalloc1(*len, buf));
  PetscCheck(fread(*buf, 1, (size_t)*len, f) == (size_t)*len, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "short read of %s", path);
  fclose(f);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* opening must fail (PETSc's returning error handler: no abort) */
static PetscErrorCode ExpectOpenError(const char *path)
{
  KGNNDataset    ds = NULL;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = KGNNDatasetOpen(path, &ds);
  PetscCall(PetscPopErrorHandler());
  CHECK(ierr != 0, "%s: opened without an error", path);
  if (!ierr) PetscCall(KGNNDatasetClose(&ds));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* an HDF5 file with the given root attributes (format may be NULL) */
static PetscErrorCode Foreign(const char *path, const char *format, long long version)
{
  hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), s = H5Screate(H5S_SCALAR), a, t;

  PetscFunctionBegin;
  if (format) {
    t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, strlen(format) + 1);
    a = H5Acreate2(f, "format", t, s, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, t, format);
    H5Aclose(a);
    H5Tclose(t);
    a = H5Acreate2(f, "schema_version", H5T_STD_I64LE, s, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_LLONG, &version);
    H5Aclose(a);
  }
  H5Sclose(s);
  H5Fclose(f);
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  KGNNSample  s[6], r;
  KGNNDataset ds;
  PetscRandom rnd;
  PetscInt    ns;
  char       *b1, *b2;
  long        l1, l2;
  FILE       *dump;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetSeed(rnd, 5));
  PetscCall(PetscRandomSeed(rnd));
  for (int k = 0; k < 6; k++) {
    PetscCall(KGNNSyntheticSample(10, 0.5, 1.5, rnd, &s[k]));
    PetscCall(PetscSNPrintf(s[k].name, sizeof(s[k].name), "sample_%d", k));
    PetscCall(PetscStrncpy(s[k].split, k < 4 ? "train" : "test", sizeof(s[k].split)));
    s[k].iterations[0] = 10 + k, s[k].iterations[1] = 20 + k, s[k].lmin[0] = 0.5 + k, s[k].lmax[0] = 2.0 + k;
  }
  PetscCall(Write(DIR "dataset_a.h5", s, 6));
  PetscCall(Write(DIR "dataset_b.h5", s, 6));

  /* same content, same bytes */
  PetscCall(Slurp(DIR "dataset_a.h5", &b1, &l1));
  PetscCall(Slurp(DIR "dataset_b.h5", &b2, &l2));
  CHECK(l1 == l2 && !memcmp(b1, b2, (size_t)l1), "two writes of the same samples differ");

  /* C reads back every number */
  PetscCall(KGNNDatasetOpen(DIR "dataset_a.h5", &ds));
  PetscCall(KGNNDatasetGetSize(ds, &ns));
  CHECK(ns == 6, "%d samples read back, 6 written", (int)ns);
  dump = fopen(DIR "dataset_a.txt", "w");
  for (PetscInt k = 0; k < ns && k < 6; k++) {
    PetscCall(KGNNDatasetReadSample(ds, k, &r));
    CHECK(r.n == s[k].n && r.nnz == s[k].nnz && !strcmp(r.name, s[k].name) && !strcmp(r.split, s[k].split) && !strcmp(r.method, "exact") && !strcmp(r.category, "none"), "sample %d: header differs", (int)k);
    CHECK(r.iterations[0] == s[k].iterations[0] && r.iterations[1] == s[k].iterations[1] && r.lmin[0] == s[k].lmin[0] && r.lmax[0] == s[k].lmax[0] && PetscIsNanReal(r.lmin[1]), "sample %d: iterations or condition numbers differ", (int)k);
    for (PetscInt e = 0; e < r.nnz && r.nnz == s[k].nnz; e++) {
      CHECK(r.row[e] == s[k].row[e] && r.col[e] == s[k].col[e] && r.a[e] == s[k].a[e] && r.y[e] == s[k].y[e], "sample %d edge %d differs", (int)k, (int)e);
      fprintf(dump, "%d %d %d %d %.17g %.17g\n", (int)k, (int)r.n, (int)r.row[e], (int)r.col[e], (double)r.a[e], (double)r.y[e]);
    }
    PetscCall(KGNNSampleDestroy(&r));
  }
  fclose(dump);
  PetscCall(KGNNDatasetClose(&ds));

  /* bad files */
  {
    FILE *f = fopen(DIR "dataset_text.h5", "w");
    fprintf(f, "not an HDF5 file\n");
    fclose(f);
    f = fopen(DIR "dataset_truncated.h5", "wb");
    fwrite(b1, 1, (size_t)l1 / 2, f);
    fclose(f);
  }
  PetscCall(Foreign(DIR "dataset_foreign.h5", NULL, 0));
  PetscCall(Foreign(DIR "dataset_newer.h5", "kgnn-dataset", KGNN_DATASET_SCHEMA_VERSION + 1));
  PetscCall(ExpectOpenError(DIR "dataset_missing.h5"));
  PetscCall(ExpectOpenError(DIR "dataset_text.h5"));
  PetscCall(ExpectOpenError(DIR "dataset_foreign.h5"));
  PetscCall(ExpectOpenError(DIR "dataset_newer.h5"));
  PetscCall(ExpectOpenError(DIR "dataset_truncated.h5"));

  PetscCall(PetscFree(b1));
  PetscCall(PetscFree(b2));
  for (int k = 0; k < 6; k++) PetscCall(KGNNSampleDestroy(&s[k]));
  PetscCall(PetscRandomDestroy(&rnd));
  TEST_END();
}
