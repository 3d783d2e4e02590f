/* Small HDF5 helpers shared by the dataset and the model files and the trainer's checkpoints:
   attributes and arrays with errors that name the file and the object. Each function closes
   every handle it opened before it returns, an error or not: the handles are released first,
   then the checks raise their errors. */
#include "h5util.h"

PetscErrorCode KGNNH5WriteString(hid_t obj, const char *name, const char *val)
{
  hid_t  t = H5Tcopy(H5T_C_S1), s = H5Screate(H5S_SCALAR), a = -1;
  herr_t w = -1;

  PetscFunctionBegin;
  if (t >= 0 && s >= 0 && H5Tset_size(t, strlen(val) + 1) >= 0 && H5Tset_strpad(t, H5T_STR_NULLTERM) >= 0) a = H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT);
  if (a >= 0) w = H5Awrite(a, t, val);
  if (a >= 0) H5Aclose(a);
  if (s >= 0) H5Sclose(s);
  if (t >= 0) H5Tclose(t);
  PetscCheck(w >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "Cannot write HDF5 attribute %s", name);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNH5WriteNumber(hid_t obj, const char *name, hid_t filetype, hid_t memtype, const void *val)
{
  hid_t  s = H5Screate(H5S_SCALAR), a = s >= 0 ? H5Acreate2(obj, name, filetype, s, H5P_DEFAULT, H5P_DEFAULT) : -1;
  herr_t w = a >= 0 ? H5Awrite(a, memtype, val) : -1;

  PetscFunctionBegin;
  if (a >= 0) H5Aclose(a);
  if (s >= 0) H5Sclose(s);
  PetscCheck(w >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "Cannot write HDF5 attribute %s", name);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the one attribute reader: an attribute that must exist, read as memtype (a string type made
   here for KGNNH5ReadString); check (may be NULL) vets its file type first */
static PetscErrorCode ReadAttribute(const char *path, hid_t obj, const char *name, hid_t memtype, PetscBool (*check)(hid_t, size_t), size_t len, void *val)
{
  hid_t     a, t = -1;
  PetscBool ok = PETSC_TRUE;
  herr_t    r  = -1;

  PetscFunctionBegin;
  PetscCheck(H5Aexists(obj, name) > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: attribute '%s' missing: not a kgnn file, or damaged", path, name);
  a = H5Aopen(obj, name, H5P_DEFAULT);
  if (a >= 0 && check) {
    t  = H5Aget_type(a);
    ok = t >= 0 && check(t, len);
  }
  if (a >= 0 && ok) r = H5Aread(a, memtype, val);
  if (t >= 0) H5Tclose(t);
  if (a >= 0) H5Aclose(a);
  PetscCheck(ok, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: attribute '%s' is not a short fixed-length string", path, name);
  PetscCheck(r >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: cannot read attribute '%s'", path, name);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscBool IsShortString(hid_t t, size_t len)
{
  return H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) == 0 && H5Tget_size(t) < len ? PETSC_TRUE : PETSC_FALSE;
}

/* a fixed-length string attribute (h5py: numpy.bytes_) */
PetscErrorCode KGNNH5ReadString(const char *path, hid_t obj, const char *name, char *val, size_t len)
{
  hid_t          mt = H5Tcopy(H5T_C_S1);
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCheck(mt >= 0 && H5Tset_size(mt, len) >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "HDF5 cannot make a string type");
  ierr = ReadAttribute(path, obj, name, mt, IsShortString, len, val);
  H5Tclose(mt);
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNH5ReadNumber(const char *path, hid_t obj, const char *name, hid_t memtype, void *val)
{
  PetscFunctionBegin;
  PetscCall(ReadAttribute(path, obj, name, memtype, NULL, 0, val));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* a float64 dataset of the given rank (dims as PetscInt), an error naming it if it fails */
PetscErrorCode KGNNH5WriteArray(hid_t f, const char *name, int rank, const PetscInt *dims, const PetscReal *data)
{
  hsize_t d[3];
  hid_t   s, ds = -1, lcpl = H5Pcreate(H5P_LINK_CREATE);
  herr_t  w = -1;

  PetscFunctionBegin;
  for (int k = 0; k < rank; k++) d[k] = (hsize_t)dims[k];
  if (lcpl >= 0) H5Pset_create_intermediate_group(lcpl, 1);
  s = H5Screate_simple(rank, d, NULL);
  if (s >= 0 && lcpl >= 0) ds = H5Dcreate2(f, name, H5T_IEEE_F64LE, s, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  if (ds >= 0) w = H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
  if (ds >= 0) H5Dclose(ds);
  if (s >= 0) H5Sclose(s);
  if (lcpl >= 0) H5Pclose(lcpl);
  PetscCheck(w >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "Cannot write HDF5 dataset %s", name);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* whether name exists under obj; a missing group on its path counts as missing (HDF5 would
   report it as an error on the stack) */
static PetscBool Exists(hid_t obj, const char *name)
{
  htri_t e;

  H5E_BEGIN_TRY
  {
    e = H5Lexists(obj, name, H5P_DEFAULT);
    if (e > 0) e = H5Oexists_by_name(obj, name, H5P_DEFAULT);
  }
  H5E_END_TRY;
  return e > 0 ? PETSC_TRUE : PETSC_FALSE;
}

PetscErrorCode KGNNH5GetShape(const char *path, hid_t obj, const char *what, const char *name, int *rank, hsize_t dims[3])
{
  hid_t d, s = -1;

  PetscFunctionBegin;
  PetscCheck(Exists(obj, name), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: %s missing", path, what);
  dims[0] = dims[1] = dims[2] = 0;
  *rank                       = -1;
  d                           = H5Dopen2(obj, name, H5P_DEFAULT);
  if (d >= 0) s = H5Dget_space(d);
  if (s >= 0 && H5Sget_simple_extent_ndims(s) <= 3) *rank = H5Sget_simple_extent_dims(s, dims, NULL);
  if (s >= 0) H5Sclose(s);
  if (d >= 0) H5Dclose(d);
  PetscCheck(d >= 0 && s >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: cannot open %s (not a dataset, or damaged)", path, what);
  PetscCheck(*rank >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: %s has more than 3 dimensions", path, what);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the one array reader: all of dataset name as memtype, exactly size values */
static PetscErrorCode ReadWhole(const char *path, hid_t obj, const char *what, const char *name, hid_t memtype, size_t size, void *data)
{
  hid_t    d, s = -1;
  hssize_t npts = -1;
  herr_t   r    = -1;

  PetscFunctionBegin;
  PetscCheck(Exists(obj, name), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: %s missing", path, what);
  d = H5Dopen2(obj, name, H5P_DEFAULT);
  if (d >= 0) s = H5Dget_space(d);
  if (s >= 0) npts = H5Sget_simple_extent_npoints(s);
  if (npts >= 0 && (size_t)npts == size) r = size ? H5Dread(d, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) : 0;
  if (s >= 0) H5Sclose(s);
  if (d >= 0) H5Dclose(d);
  PetscCheck(d >= 0 && s >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: cannot open %s (not a dataset, or damaged)", path, what);
  PetscCheck((size_t)npts == size, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: %s has %lld values, expected %llu", path, what, (long long)npts, (unsigned long long)size);
  PetscCheck(r >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: cannot read %s", path, what);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNH5ReadReal(const char *path, hid_t obj, const char *what, const char *name, size_t size, PetscReal *data)
{
  PetscFunctionBegin;
  PetscCall(ReadWhole(path, obj, what, name, H5T_NATIVE_DOUBLE, size, data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNH5ReadInt(const char *path, hid_t obj, const char *what, const char *name, size_t size, PetscInt64 *data)
{
  PetscFunctionBegin;
  PetscCall(ReadWhole(path, obj, what, name, H5T_NATIVE_INT64, size, data));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNH5ReadArray(const char *path, hid_t f, const char *name, PetscInt size, PetscReal *data)
{
  char what[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(what, sizeof(what), "dataset '%s'", name));
  PetscCall(KGNNH5ReadReal(path, f, what, name, (size_t)size, data));
  PetscFunctionReturn(PETSC_SUCCESS);
}
