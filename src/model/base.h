/* The graph network's own scalar and index types, error codes and arena carving: plain C, no
   PETSc, no HDF5 (share/doc/model.md). The PETSc face (src/io/model_face.c) checks that these
   types are PetscReal and PetscInt and turns a KGNNErr into a PETSc error. */
#ifndef KGNN_MODEL_BASE_H
#define KGNN_MODEL_BASE_H

#include <stddef.h>
#include <stdint.h>

/* internal to libkgnn (as PETSc's PETSC_INTERN): not exported from the shared library */
#if defined(__GNUC__)
  #pragma GCC visibility push(hidden)
#endif

typedef double  KGNNReal;
typedef int32_t KGNNInt; /* PetscInt of a PETSc with 32-bit indices (Debian's); the face asserts it */

typedef enum {
  KGNN_OK = 0,
  KGNN_ERR_MEMORY,    /* the engine's allocator failed */
  KGNN_ERR_ARGUMENT,  /* a size or an index out of range */
  KGNN_ERR_SHAPE,     /* two objects of different shapes (a tape from another graph, another architecture) */
  KGNN_ERR_UNKNOWN,   /* a layer name that is not in the table */
  KGNN_ERR_BUSY,      /* a tape is still alive on this model */
  KGNN_ERR_NONFINITE, /* a NaN or Inf where none may be */
  KGNN_ERR_DEVICE,    /* the engine's device failed (a CUDA launch, copy or library call) */
  KGNN_ERR_COUNT
} KGNNErr;

const char *KGNNErrString(KGNNErr);

/* propagate a failure to the caller: the plain-C analogue of PetscCall */
#define KGNN_TRY(call)                                                                                                                                                                                                                                   \
  do {                                                                                                                                                                                                                                                   \
    KGNNErr kgnn_e_ = (call);                                                                                                                                                                                                                            \
    if (kgnn_e_ != KGNN_OK) return kgnn_e_;                                                                                                                                                                                                              \
  } while (0)

/* Carve bytes from an arena cursor, 64-byte aligned (a cache line, and what a GPU allocator
   gives): every cache and scratch array is a slice of one allocation */
static inline void *KGNNCarve(char **cursor, size_t bytes)
{
  void *p = *cursor;
  *cursor += (bytes + 63) & ~(size_t)63;
  return p;
}
static inline size_t KGNNRound(size_t bytes)
{
  return (bytes + 63) & ~(size_t)63;
}
#define KGNN_REALS(n) KGNNRound((size_t)(n) * sizeof(KGNNReal))

#define KGNNMax(a, b) ((a) > (b) ? (a) : (b))
#define KGNNMin(a, b) ((a) < (b) ? (a) : (b))

#if defined(__GNUC__)
  #pragma GCC visibility pop
#endif

#endif
