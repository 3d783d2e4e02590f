/* Small HDF5 helpers shared by the dataset and the model files: attributes with errors that
   name the file and the attribute. */
#include "h5util.h"

PetscErrorCode KGNNH5WriteString(hid_t obj, const char *name, const char *val)
{
  hid_t t = H5Tcopy(H5T_C_S1), s = H5Screate(H5S_SCALAR), a;

  PetscFunctionBegin;
  H5Tset_size(t, strlen(val) + 1);
  H5Tset_strpad(t, H5T_STR_NULLTERM);
  a = H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(a >= 0 && H5Awrite(a, t, val) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "Cannot write HDF5 attribute %s", name);
  H5Aclose(a);
  H5Sclose(s);
  H5Tclose(t);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNH5WriteNumber(hid_t obj, const char *name, hid_t filetype, hid_t memtype, const void *val)
{
  hid_t s = H5Screate(H5S_SCALAR), a = H5Acreate2(obj, name, filetype, s, H5P_DEFAULT, H5P_DEFAULT);

  PetscFunctionBegin;
  PetscCheck(a >= 0 && H5Awrite(a, memtype, val) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "Cannot write HDF5 attribute %s", name);
  H5Aclose(a);
  H5Sclose(s);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* a fixed-length string attribute (h5py: numpy.bytes_) */
PetscErrorCode KGNNH5ReadString(const char *path, hid_t obj, const char *name, char *val, size_t len)
{
  hid_t a, t, mt;

  PetscFunctionBegin;
  PetscCheck(H5Aexists(obj, name) > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: attribute '%s' missing: not a kgnn file, or damaged", path, name);
  a = H5Aopen(obj, name, H5P_DEFAULT);
  t = H5Aget_type(a);
  PetscCheck(H5Tget_class(t) == H5T_STRING && !H5Tis_variable_str(t) && H5Tget_size(t) < len, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: attribute '%s' is not a short fixed-length string", path, name);
  mt = H5Tcopy(H5T_C_S1);
  H5Tset_size(mt, len);
  PetscCheck(H5Aread(a, mt, val) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: cannot read attribute '%s'", path, name);
  H5Tclose(mt);
  H5Tclose(t);
  H5Aclose(a);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNH5ReadNumber(const char *path, hid_t obj, const char *name, hid_t memtype, void *val)
{
  hid_t a;

  PetscFunctionBegin;
  PetscCheck(H5Aexists(obj, name) > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: attribute '%s' missing: not a kgnn file, or damaged", path, name);
  a = H5Aopen(obj, name, H5P_DEFAULT);
  PetscCheck(H5Aread(a, memtype, val) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: cannot read attribute '%s'", path, name);
  H5Aclose(a);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* a float64 dataset of the given rank (dims as PetscInt), an error naming it if it fails */
PetscErrorCode KGNNH5WriteArray(hid_t f, const char *name, int rank, const PetscInt *dims, const PetscReal *data)
{
  hsize_t d[3];
  hid_t   s, ds, lcpl = H5Pcreate(H5P_LINK_CREATE);

  PetscFunctionBegin;
  for (int k = 0; k < rank; k++) d[k] = (hsize_t)dims[k];
  H5Pset_create_intermediate_group(lcpl, 1);
  s  = H5Screate_simple(rank, d, NULL);
  ds = H5Dcreate2(f, name, H5T_IEEE_F64LE, s, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(ds >= 0 && H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "Cannot write HDF5 dataset %s", name);
  H5Dclose(ds);
  H5Sclose(s);
  H5Pclose(lcpl);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* a float64 dataset of exactly size values into data; an error naming the file if not */
PetscErrorCode KGNNH5ReadArray(const char *path, hid_t f, const char *name, PetscInt size, PetscReal *data)
{
  hid_t    ds, s;
  hssize_t npts;

  PetscFunctionBegin;
  PetscCheck(H5Lexists(f, name, H5P_DEFAULT) > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: dataset '%s' missing", path, name);
  ds   = H5Dopen2(f, name, H5P_DEFAULT);
  s    = H5Dget_space(ds);
  npts = H5Sget_simple_extent_npoints(s);
  H5Sclose(s);
  PetscCheck(npts == (hssize_t)size, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: dataset '%s' has %lld values, expected %d", path, name, (long long)npts, (int)size);
  PetscCheck(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: cannot read '%s'", path, name);
  H5Dclose(ds);
  PetscFunctionReturn(PETSC_SUCCESS);
}
