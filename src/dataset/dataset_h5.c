/* The dataset file (share/doc/dataset-format.md): one HDF5 file, one group per sample under
   /samples, written to a temporary name and renamed when closed, byte-identical for the same
   content (no object timestamps, pinned library version bounds). */
#include "../kgnn_impl.h"
#include "../io/io.h"
#include "dataset.h"
#include "../io/h5util.h"

#define KGNN_DATASET_FORMAT "kgnn-dataset"

struct _n_KGNNDataset {
  hid_t    file;
  char     path[PETSC_MAX_PATH_LEN], tmp[PETSC_MAX_PATH_LEN + 8];
  PetscInt nsamples;
  hid_t    ocpl; /* dataset creation: no timestamps; -1 when opened for reading */
};

static PetscErrorCode WriteArray(KGNNDataset ds, hid_t g, const char *name, hid_t filetype, hid_t memtype, int rank, const hsize_t *dims, const void *buf)
{
  hid_t  s = H5Screate_simple(rank, dims, NULL), d = s >= 0 ? H5Dcreate2(g, name, filetype, s, H5P_DEFAULT, ds->ocpl, H5P_DEFAULT) : -1;
  herr_t w = d >= 0 ? H5Dwrite(d, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) : -1;

  PetscFunctionBegin;
  if (d >= 0) H5Dclose(d);
  if (s >= 0) H5Sclose(s);
  PetscCheck(w >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "%s: cannot write dataset %s", ds->path, name);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode WriteHeader(KGNNDataset d, const char generator[], const char options[], PetscInt64 seed)
{
  hid_t     gcpl = H5Pcreate(H5P_GROUP_CREATE), g = -1;
  long long ver = KGNN_DATASET_SCHEMA_VERSION;

  PetscFunctionBegin;
  PetscCall(KGNNH5WriteString(d->file, "format", KGNN_DATASET_FORMAT));
  PetscCall(KGNNH5WriteNumber(d->file, "schema_version", H5T_STD_I64LE, H5T_NATIVE_LLONG, &ver));
  PetscCall(KGNNH5WriteString(d->file, "generator", generator));
  PetscCall(KGNNH5WriteString(d->file, "options", options));
  PetscCall(KGNNH5WriteNumber(d->file, "seed", H5T_STD_I64LE, H5T_NATIVE_INT64, &seed));
  if (gcpl >= 0 && H5Pset_obj_track_times(gcpl, 0) >= 0) g = H5Gcreate2(d->file, "samples", H5P_DEFAULT, gcpl, H5P_DEFAULT);
  if (gcpl >= 0) H5Pclose(gcpl);
  if (g >= 0) H5Gclose(g);
  PetscCheck(g >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "%s: cannot create /samples", d->tmp);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* written to a temporary file beside path (src/io/atomic_file.c), put in place by KGNNDatasetClose */
PetscErrorCode KGNNDatasetCreate(const char path[], const char generator[], const char options[], PetscInt64 seed, KGNNDataset *ds)
{
  hid_t          fcpl, fapl;
  KGNNDataset    d;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  *ds = NULL;
  PetscCall(PetscNew(&d));
  PetscCall(PetscStrncpy(d->path, path, sizeof(d->path)));
  PetscCall(KGNNAtomicTempPath(path, d->tmp, sizeof(d->tmp)));
  d->ocpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_obj_track_times(d->ocpl, 0);
  fcpl = H5Pcreate(H5P_FILE_CREATE);
  H5Pset_obj_track_times(fcpl, 0);
  fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18); /* the same bytes with any 1.10+ library */
  d->file = H5Fcreate(d->tmp, H5F_ACC_TRUNC, fcpl, fapl);
  H5Pclose(fcpl);
  H5Pclose(fapl);
  ierr = d->file >= 0 ? WriteHeader(d, generator, options, seed) : PETSC_SUCCESS;
  if (d->file < 0 || ierr) { /* close, remove the temporary file, free, then pass the error on */
    PetscBool created = d->file >= 0 ? PETSC_TRUE : PETSC_FALSE;
    if (created) H5Fclose(d->file);
    H5Pclose(d->ocpl);
    KGNNAtomicAbort(d->tmp);
    PetscCall(PetscFree(d));
    PetscCheck(created, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot create dataset file %s.tmp", path);
    PetscCall(ierr);
  }
  *ds = d;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* a string attribute on the file's root (e.g. the matrices a generator excluded) */
PetscErrorCode KGNNDatasetSetString(KGNNDataset ds, const char name[], const char value[])
{
  PetscFunctionBegin;
  PetscCheck(ds->ocpl >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "%s is open for reading", ds->path);
  PetscCall(KGNNH5WriteString(ds->file, name, value));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* /samples/NNNNNN: edge_index (2 x nnz), edge_attr (nnz), y (nnz) and the sample's attributes */
/* the sample into its group g */
static PetscErrorCode WriteSampleGroup(KGNNDataset ds, hid_t g, const KGNNSample *s)
{
  hsize_t        dims2[2] = {2, (hsize_t)s->nnz}, dims1[1] = {(hsize_t)s->nnz};
  PetscInt64    *ei, n = s->n, its[2] = {s->iterations[0], s->iterations[1]};
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(2 * s->nnz, &ei));
  for (PetscInt k = 0; k < s->nnz; k++) ei[k] = s->row[k], ei[s->nnz + k] = s->col[k];
  ierr = WriteArray(ds, g, "edge_index", H5T_STD_I64LE, H5T_NATIVE_INT64, 2, dims2, ei);
  PetscCall(PetscFree(ei));
  PetscCall(ierr);
  PetscCall(WriteArray(ds, g, "edge_attr", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, dims1, s->a));
  PetscCall(WriteArray(ds, g, "y", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, dims1, s->y));
  PetscCall(KGNNH5WriteNumber(g, "n", H5T_STD_I64LE, H5T_NATIVE_INT64, &n));
  PetscCall(KGNNH5WriteString(g, "name", s->name));
  PetscCall(KGNNH5WriteString(g, "source", s->source));
  PetscCall(KGNNH5WriteString(g, "split", s->split));
  PetscCall(KGNNH5WriteString(g, "method", s->method));
  PetscCall(KGNNH5WriteString(g, "category", s->category));
  PetscCall(KGNNH5WriteNumber(g, "kopt_iterations", H5T_STD_I64LE, H5T_NATIVE_INT64, &its[0]));
  PetscCall(KGNNH5WriteNumber(g, "ic0_iterations", H5T_STD_I64LE, H5T_NATIVE_INT64, &its[1]));
  for (int m = 0; m < 2; m++) { /* eigenvalues [min, max] and their ratio */
    const char *who    = m ? "ic0" : "kopt";
    PetscReal   eig[2] = {s->lmin[m], s->lmax[m]}, cond = s->lmax[m] / s->lmin[m];
    hsize_t     two = 2;
    char        name[32];
    hid_t       sp = H5Screate_simple(1, &two, NULL), a;
    herr_t      w  = -1;
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s_eigenvalues", who));
    a = sp >= 0 ? H5Acreate2(g, name, H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT) : -1;
    if (a >= 0) w = H5Awrite(a, H5T_NATIVE_DOUBLE, eig);
    if (a >= 0) H5Aclose(a);
    if (sp >= 0) H5Sclose(sp);
    PetscCheck(w >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "Cannot write HDF5 attribute %s", name);
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s_cond", who));
    PetscCall(KGNNH5WriteNumber(g, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &cond));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNDatasetWriteSample(KGNNDataset ds, const KGNNSample *s)
{
  char           name[64];
  hid_t          g = -1, gcpl = H5Pcreate(H5P_GROUP_CREATE);
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(name, sizeof(name), "samples/%06d", (int)ds->nsamples));
  if (gcpl >= 0 && H5Pset_obj_track_times(gcpl, 0) >= 0) g = H5Gcreate2(ds->file, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
  if (gcpl >= 0) H5Pclose(gcpl);
  PetscCheck(g >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "%s: cannot create group %s", ds->tmp, name);
  ierr = WriteSampleGroup(ds, g, s);
  H5Gclose(g);
  PetscCall(ierr);
  ds->nsamples++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Writing: close and rename the temporary file into place. Reading: close. */
PetscErrorCode KGNNDatasetClose(KGNNDataset *ds)
{
  KGNNDataset d = *ds;

  PetscFunctionBegin;
  if (!d) PetscFunctionReturn(PETSC_SUCCESS);
  if (d->ocpl >= 0) {
    long long cnt = d->nsamples;
    PetscCall(KGNNH5WriteNumber(d->file, "num_samples", H5T_STD_I64LE, H5T_NATIVE_LLONG, &cnt));
    herr_t closed;
    H5Pclose(d->ocpl);
    closed = H5Fclose(d->file);
    if (closed < 0) KGNNAtomicAbort(d->tmp);
    PetscCheck(closed >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "Cannot close %s", d->tmp);
    PetscCall(KGNNAtomicCommit(d->tmp, d->path));
  } else H5Fclose(d->file);
  PetscCall(PetscFree(*ds));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode DatasetCheckHeader(KGNNDataset d)
{
  char      fmt[64];
  long long ver, cnt;

  PetscFunctionBegin;
  PetscCall(KGNNH5ReadString(d->path, d->file, "format", fmt, sizeof(fmt)));
  PetscCheck(!strcmp(fmt, KGNN_DATASET_FORMAT), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: format is '%s', not a kgnn dataset", d->path, fmt);
  PetscCall(KGNNH5ReadNumber(d->path, d->file, "schema_version", H5T_NATIVE_LLONG, &ver));
  PetscCheck(ver <= KGNN_DATASET_SCHEMA_VERSION, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: schema version %lld is newer than this kgnn reads (%d): update kgnn", d->path, ver, KGNN_DATASET_SCHEMA_VERSION);
  PetscCall(KGNNH5ReadNumber(d->path, d->file, "num_samples", H5T_NATIVE_LLONG, &cnt));
  d->nsamples = (PetscInt)cnt;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNDatasetOpen(const char path[], KGNNDataset *ds)
{
  KGNNDataset    d;
  FILE          *f = fopen(path, "rb");
  htri_t         ish5;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  *ds = NULL;
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot open dataset file %s", path);
  fclose(f);
  H5E_BEGIN_TRY
  {
    ish5 = H5Fis_hdf5(path);
  }
  H5E_END_TRY;
  PetscCheck(ish5 > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s is not an HDF5 file (or is truncated)", path);
  PetscCall(PetscNew(&d));
  PetscCall(PetscStrncpy(d->path, path, sizeof(d->path)));
  d->ocpl = -1;
  H5E_BEGIN_TRY
  {
    d->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  }
  H5E_END_TRY;
  if (d->file < 0) PetscCall(PetscFree(d));
  PetscCheck(d, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: HDF5 cannot open it (truncated or damaged?)", path);
  ierr = DatasetCheckHeader(d); /* on a bad header close and free before passing the error on */
  if (ierr) {
    H5Fclose(d->file);
    PetscCall(PetscFree(d));
  }
  PetscCall(ierr);
  *ds = d;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNDatasetGetSize(KGNNDataset ds, PetscInt *n)
{
  PetscFunctionBegin;
  *n = ds->nsamples;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* array `name` of sample group g (gname) into a new buffer of exactly expect values */
static PetscErrorCode ReadArray(KGNNDataset ds, hid_t g, const char *gname, const char *name, PetscBool isint, size_t expect, void **buf)
{
  char what[128];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(what, sizeof(what), "%s/%s", gname, name));
  PetscCall(PetscMalloc((isint ? sizeof(PetscInt64) : sizeof(PetscReal)) * (expect ? expect : 1), buf));
  if (isint) PetscCall(KGNNH5ReadInt(ds->path, g, what, name, expect, (PetscInt64 *)*buf));
  else PetscCall(KGNNH5ReadReal(ds->path, g, what, name, expect, (PetscReal *)*buf));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the sample in group g (called name); what it allocated is left in s for the caller to free */
static PetscErrorCode ReadSampleGroup(KGNNDataset ds, hid_t g, const char *name, KGNNSample *s)
{
  hsize_t        dims[3];
  int            rank;
  PetscInt64     n, its[2], *ei = NULL;
  PetscReal      eig[2];
  char           what[128];
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(what, sizeof(what), "/%s/edge_attr", name));
  PetscCall(KGNNH5GetShape(ds->path, g, what, "edge_attr", &rank, dims));
  s->nnz = (PetscInt)dims[0];
  PetscCall(KGNNH5ReadNumber(ds->path, g, "n", H5T_NATIVE_INT64, &n));
  s->n = (PetscInt)n;
  PetscCall(ReadArray(ds, g, name, "edge_attr", PETSC_FALSE, (size_t)s->nnz, (void **)&s->a));
  PetscCall(ReadArray(ds, g, name, "y", PETSC_FALSE, (size_t)s->nnz, (void **)&s->y));
  PetscCall(PetscMalloc2(s->nnz, &s->row, s->nnz, &s->col));
  ierr = ReadArray(ds, g, name, "edge_index", PETSC_TRUE, 2 * (size_t)s->nnz, (void **)&ei);
  for (PetscInt e = 0; !ierr && e < s->nnz; e++) {
    s->row[e] = (PetscInt)ei[e];
    s->col[e] = (PetscInt)ei[s->nnz + e];
    if (s->row[e] < 0 || s->row[e] >= s->n || s->col[e] < 0 || s->col[e] >= s->n) {
      ierr = PetscError(PETSC_COMM_SELF, __LINE__, PETSC_FUNCTION_NAME, __FILE__, PETSC_ERR_FILE_UNEXPECTED, PETSC_ERROR_INITIAL, "%s: /%s edge %d = (%d, %d) (0-based, as edge_index stores them) out of range for n = %d", ds->path, name, (int)e,
                        (int)s->row[e], (int)s->col[e], (int)s->n);
    }
  }
  PetscCall(PetscFree(ei));
  PetscCall(ierr);
  PetscCall(KGNNH5ReadString(ds->path, g, "name", s->name, sizeof(s->name)));
  PetscCall(KGNNH5ReadString(ds->path, g, "source", s->source, sizeof(s->source)));
  PetscCall(KGNNH5ReadString(ds->path, g, "split", s->split, sizeof(s->split)));
  PetscCall(KGNNH5ReadString(ds->path, g, "method", s->method, sizeof(s->method)));
  PetscCall(KGNNH5ReadString(ds->path, g, "category", s->category, sizeof(s->category)));
  PetscCall(KGNNH5ReadNumber(ds->path, g, "kopt_iterations", H5T_NATIVE_INT64, &its[0]));
  PetscCall(KGNNH5ReadNumber(ds->path, g, "ic0_iterations", H5T_NATIVE_INT64, &its[1]));
  s->iterations[0] = (PetscInt)its[0];
  s->iterations[1] = (PetscInt)its[1];
  PetscCall(KGNNH5ReadNumber(ds->path, g, "kopt_eigenvalues", H5T_NATIVE_DOUBLE, eig));
  s->lmin[0] = eig[0], s->lmax[0] = eig[1];
  PetscCall(KGNNH5ReadNumber(ds->path, g, "ic0_eigenvalues", H5T_NATIVE_DOUBLE, eig));
  s->lmin[1] = eig[0], s->lmax[1] = eig[1];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* on an error the group is closed and the sample freed before the error is passed on */
PetscErrorCode KGNNDatasetReadSample(KGNNDataset ds, PetscInt k, KGNNSample *s)
{
  char           name[64];
  hid_t          g;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCheck(k >= 0 && k < ds->nsamples, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "%s: sample %d out of range 0..%d", ds->path, (int)k, (int)ds->nsamples - 1);
  PetscCall(PetscMemzero(s, sizeof(*s)));
  PetscCall(PetscSNPrintf(name, sizeof(name), "samples/%06d", (int)k));
  PetscCheck(H5Lexists(ds->file, "samples", H5P_DEFAULT) > 0 && H5Lexists(ds->file, name, H5P_DEFAULT) > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: /%s missing", ds->path, name);
  g = H5Gopen2(ds->file, name, H5P_DEFAULT);
  PetscCheck(g >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: cannot open group /%s", ds->path, name);
  ierr = ReadSampleGroup(ds, g, name, s);
  H5Gclose(g);
  if (ierr) PetscCall(KGNNSampleDestroy(s));
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNSampleDestroy(KGNNSample *s)
{
  PetscFunctionBegin;
  PetscCall(PetscFree2(s->row, s->col));
  PetscCall(PetscFree(s->a));
  PetscCall(PetscFree(s->y));
  PetscFunctionReturn(PETSC_SUCCESS);
}
