/* HDF5 attribute helpers shared by src/io/dataset_h5.c and src/io/model_h5.c */
#ifndef KGNN_H5UTIL_H
#define KGNN_H5UTIL_H

#include "../kgnn_impl.h"
#include <hdf5.h>

PETSC_INTERN PetscErrorCode KGNNH5WriteString(hid_t obj, const char *name, const char *val);
PETSC_INTERN PetscErrorCode KGNNH5WriteNumber(hid_t obj, const char *name, hid_t filetype, hid_t memtype, const void *val);
PETSC_INTERN PetscErrorCode KGNNH5ReadString(const char *path, hid_t obj, const char *name, char *val, size_t len);
PETSC_INTERN PetscErrorCode KGNNH5ReadNumber(const char *path, hid_t obj, const char *name, hid_t memtype, void *val);

PETSC_INTERN PetscErrorCode KGNNH5WriteArray(hid_t, const char *name, int rank, const PetscInt *dims, const PetscReal *data);
PETSC_INTERN PetscErrorCode KGNNH5ReadArray(const char *path, hid_t, const char *name, PetscInt size, PetscReal *data);

#endif
