/* The HDF5 helpers of kgnn's files (the dataset, the model, the trainer's checkpoints): one
   reader per kind (a float64 array, an int64 array, a string or numeric attribute) and the
   matching writers. Every error names the file and the object, and every path, the error paths
   included, closes the HDF5 handles it opened. */
#ifndef KGNN_H5UTIL_H
#define KGNN_H5UTIL_H

#include "../kgnn_impl.h"
#include <hdf5.h>

PETSC_INTERN PetscErrorCode KGNNH5WriteString(hid_t obj, const char *name, const char *val);
PETSC_INTERN PetscErrorCode KGNNH5WriteNumber(hid_t obj, const char *name, hid_t filetype, hid_t memtype, const void *val);
PETSC_INTERN PetscErrorCode KGNNH5ReadString(const char *path, hid_t obj, const char *name, char *val, size_t len);
PETSC_INTERN PetscErrorCode KGNNH5ReadNumber(const char *path, hid_t obj, const char *name, hid_t memtype, void *val);

PETSC_INTERN PetscErrorCode KGNNH5WriteArray(hid_t, const char *name, int rank, const PetscInt *dims, const PetscReal *data);

/* The arrays: `name` is the dataset's path under obj, `what` how messages call it ("tensor
   'encoder.0.weight'", "samples/000003/y"); path is the file, for messages.
   KGNNH5GetShape: its rank and dimensions (rank <= 3), an error if it is missing or of higher rank.
   KGNNH5ReadReal, KGNNH5ReadInt: all of it, exactly size values (else an error), as float64 or int64. */
PETSC_INTERN PetscErrorCode KGNNH5GetShape(const char *path, hid_t obj, const char *what, const char *name, int *rank, hsize_t dims[3]);
PETSC_INTERN PetscErrorCode KGNNH5ReadReal(const char *path, hid_t obj, const char *what, const char *name, size_t size, PetscReal *data);
PETSC_INTERN PetscErrorCode KGNNH5ReadInt(const char *path, hid_t obj, const char *what, const char *name, size_t size, PetscInt64 *data);
/* KGNNH5ReadReal of the dataset `name`, called "dataset 'name'" in messages */
PETSC_INTERN PetscErrorCode KGNNH5ReadArray(const char *path, hid_t, const char *name, PetscInt size, PetscReal *data);

#endif
