/* The HDF5 readers on bad input (src/io/h5util.c through the dataset and the model files): a
   missing file, a file that is not HDF5, a truncated one, a missing array, an array of the wrong
   size, a missing attribute, an attribute of the wrong type, a missing or misshapen tensor. Each
   must fail with the message that names the file and the object, and leave no HDF5 object open
   (H5Fget_obj_count) and no temporary file behind. Run under valgrind by make check-valgrind. */
#include "testutil.h"
#include <hdf5.h>

#define DIR "build/tests/"

static char message[2048]; /* the first message of the last error */

static PetscErrorCode Catch(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (p == PETSC_ERROR_INITIAL) snprintf(message, sizeof(message), "%s", mess ? mess : "");
  return n;
}

/* HDF5 objects still open: files, groups, datasets, types and attributes */
static long OpenObjects(void)
{
  return (long)H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
}

static void Expect(PetscErrorCode ierr, const char *what, const char *pattern, long open_before)
{
  if (!ierr) {
    test_failures++;
    printf("FAIL %s: no error\n", what);
  } else if (!strstr(message, pattern)) {
    test_failures++;
    printf("FAIL %s: message '%s' lacks '%s'\n", what, message, pattern);
  }
  if (OpenObjects() != open_before) {
    test_failures++;
    printf("FAIL %s: %ld HDF5 objects open after the error, %ld before\n", what, OpenObjects(), open_before);
  }
}

static PetscErrorCode OpenError(const char *path, const char *pattern)
{
  KGNNDataset    ds = NULL;
  PetscErrorCode ierr;
  long           before = OpenObjects();

  PetscFunctionBegin;
  PetscCall(PetscPushErrorHandler(Catch, NULL));
  ierr = KGNNDatasetOpen(path, &ds);
  PetscCall(PetscPopErrorHandler());
  Expect(ierr, path, pattern, before);
  if (!ierr) PetscCall(KGNNDatasetClose(&ds));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ReadError(KGNNDataset ds, PetscInt k, const char *pattern)
{
  KGNNSample     s;
  PetscErrorCode ierr;
  long           before = OpenObjects();
  char           what[64];

  PetscFunctionBegin;
  PetscCall(PetscPushErrorHandler(Catch, NULL));
  ierr = KGNNDatasetReadSample(ds, k, &s);
  PetscCall(PetscPopErrorHandler());
  PetscCall(PetscSNPrintf(what, sizeof(what), "sample %d", (int)k));
  Expect(ierr, what, pattern, before);
  if (!ierr) PetscCall(KGNNSampleDestroy(&s));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ModelError(const char *path, const char *pattern)
{
  KGNNNetwork    net = NULL;
  PetscErrorCode ierr;
  long           before = OpenObjects();

  PetscFunctionBegin;
  PetscCall(PetscPushErrorHandler(Catch, NULL));
  ierr = KGNNNetworkLoad(path, &net);
  PetscCall(PetscPopErrorHandler());
  Expect(ierr, path, pattern, before);
  if (!ierr) PetscCall(KGNNNetworkDestroy(&net));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* damage sample k of a dataset file: remove an array or an attribute, shorten an array, or
   retype a string attribute as a number */
static PetscErrorCode Damage(const char *path, PetscInt k, const char *how, const char *name)
{
  hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT), g;
  char  group[64];

  PetscFunctionBegin;
  PetscCheck(f >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open %s", path);
  PetscCall(PetscSNPrintf(group, sizeof(group), "samples/%06d", (int)k));
  g = H5Gopen2(f, group, H5P_DEFAULT);
  if (!strcmp(how, "remove")) H5Ldelete(g, name, H5P_DEFAULT);
  else if (!strcmp(how, "remove_attribute")) H5Adelete(g, name);
  else if (!strcmp(how, "shorten")) {
    hsize_t   n    = 3;
    PetscReal v[3] = {1, 2, 3};
    hid_t     s    = H5Screate_simple(1, &n, NULL), d;
    H5Ldelete(g, name, H5P_DEFAULT);
    d = H5Dcreate2(g, name, H5T_IEEE_F64LE, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
    H5Dclose(d);
    H5Sclose(s);
  } else if (!strcmp(how, "retype")) {
    long long v = 7;
    hid_t     s = H5Screate(H5S_SCALAR), a;
    H5Adelete(g, name);
    a = H5Acreate2(g, name, H5T_STD_I64LE, s, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_LLONG, &v);
    H5Aclose(a);
    H5Sclose(s);
  }
  H5Gclose(g);
  H5Fclose(f);
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  KGNNSample     s;
  KGNNDataset    ds;
  PetscRandom    rnd;
  PetscErrorCode ierr;
  const char    *good = DIR "h5_errors.h5";
  long           before;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* the damaged files make HDF5 print its error stack */
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetSeed(rnd, 3));
  PetscCall(PetscRandomSeed(rnd));

  /* five good samples, written atomically: no temporary file is left */
  PetscCall(KGNNDatasetCreate(good, "test_h5_errors", "n=8", 3, &ds));
  for (int k = 0; k < 5; k++) {
    PetscCall(KGNNSyntheticSample(8, 0.5, 1.5, rnd, &s));
    PetscCall(PetscSNPrintf(s.name, sizeof(s.name), "sample_%d", k));
    PetscCall(PetscStrncpy(s.split, "train", sizeof(s.split)));
    PetscCall(KGNNDatasetWriteSample(ds, &s));
    PetscCall(KGNNSampleDestroy(&s));
  }
  PetscCall(KGNNDatasetClose(&ds));
  CHECK(access(DIR "h5_errors.h5.tmp", F_OK) != 0, "the temporary file is left after a write");
  CHECK(OpenObjects() == 0, "%ld HDF5 objects open after a write", OpenObjects());

  /* a file that cannot be created: the error names it, and nothing is left */
  before = OpenObjects();
  PetscCall(PetscPushErrorHandler(Catch, NULL));
  ierr = KGNNDatasetCreate(DIR "no_such_folder/x.h5", "test_h5_errors", "", 0, &ds);
  PetscCall(PetscPopErrorHandler());
  Expect(ierr, "create in a missing folder", "Cannot create dataset file " DIR "no_such_folder/x.h5.tmp", before);

  /* files that are not datasets */
  {
    FILE *f = fopen(DIR "h5_errors_text.h5", "w"), *g = fopen(good, "rb");
    char  buf[1024];
    fprintf(f, "not an HDF5 file\n");
    fclose(f);
    f = fopen(DIR "h5_errors_truncated.h5", "wb");
    fwrite(buf, 1, fread(buf, 1, sizeof(buf), g), f); /* the superblock and a little more */
    fclose(f);
    fclose(g);
  }
  PetscCall(OpenError(DIR "h5_errors_missing.h5", "Cannot open dataset file " DIR "h5_errors_missing.h5"));
  PetscCall(OpenError(DIR "h5_errors_text.h5", "h5_errors_text.h5 is not an HDF5 file"));
  PetscCall(OpenError(DIR "h5_errors_truncated.h5", "h5_errors_truncated.h5: HDF5 cannot open it"));

  /* damaged samples: one damage each; the good ones still read */
  PetscCall(Damage(good, 0, "remove", "y"));
  PetscCall(Damage(good, 1, "shorten", "y"));
  PetscCall(Damage(good, 2, "remove_attribute", "split"));
  PetscCall(Damage(good, 3, "retype", "method"));
  PetscCall(KGNNDatasetOpen(good, &ds));
  PetscCall(ReadError(ds, 0, "h5_errors.h5: samples/000000/y missing"));
  PetscCall(ReadError(ds, 1, "h5_errors.h5: samples/000001/y has 3 values, expected 22"));
  PetscCall(ReadError(ds, 2, "h5_errors.h5: attribute 'split' missing"));
  PetscCall(ReadError(ds, 3, "h5_errors.h5: attribute 'method' is not a short fixed-length string"));
  PetscCall(ReadError(ds, 5, "h5_errors.h5: sample 5 out of range 0..4"));
  PetscCall(KGNNDatasetReadSample(ds, 4, &s));
  CHECK(s.nnz == 22 && !strcmp(s.name, "sample_4"), "sample 4: %d entries, name %s", (int)s.nnz, s.name);
  PetscCall(KGNNSampleDestroy(&s));
  PetscCall(KGNNDatasetClose(&ds));

  /* model files: a missing file, a missing tensor, a misshapen one */
  PetscCall(ModelError(DIR "h5_errors_missing.h5", "Cannot open model file"));
  PetscCall(ModelError(DIR "h5_errors_text.h5", "is not an HDF5 model file"));
  PetscCall(ModelError("tests/fixtures/bad_missing_tensor.h5", "bad_missing_tensor.h5: tensor 'decoder.mlp.2.weight' missing"));
  PetscCall(ModelError("tests/fixtures/bad_shape.h5", "bad_shape.h5: tensor 'encoder.edge_mlp.0.weight' has shape [16, 3], expected [16, 1]"));
  PetscCall(ModelError(good, "h5_errors.h5: format is 'kgnn-dataset', not a kgnn model"));

  CHECK(OpenObjects() == 0, "%ld HDF5 objects open at the end", OpenObjects());
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(PetscFinalize());
  return test_failures ? 1 : 0;
}
