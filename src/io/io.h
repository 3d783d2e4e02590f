/* What the programs in bin/ share with the library's file handling and a user's program does
   not: matrix lists, kgnn's own data files, command-line spelling, files replaced atomically.
   Not installed (include/kgnn.h is the API); PETSC_EXTERN so that the programs, linked against
   libkgnn.so, see it. */
#ifndef KGNN_IO_H
#define KGNN_IO_H

#include <kgnn.h>
#include <stdio.h>

/* A list of matrices: a SuiteSparse MANIFEST.tsv (name and file columns) or one path a line. */
typedef struct {
  char name[256], path[PETSC_MAX_PATH_LEN];
} KGNNMatrixEntry;
PETSC_EXTERN PetscErrorCode KGNNMatrixListRead(const char list[], KGNNMatrixEntry **entries, PetscInt *count);
PETSC_EXTERN PetscBool      KGNNNameInList(const char name[], const char commalist[]);
/* Command-line programs: turn --option into -option before PetscInitialize(). */
PETSC_EXTERN void KGNNArgsSingleDash(int argc, char **argv);
/* One of kgnn's data files (name relative to share/: models/default.h5, python/plot_training.py):
   <prefix>/share/kgnn/name beside an installed libkgnn, else <root>/share/name in the build tree. */
PETSC_EXTERN PetscErrorCode KGNNGetShareFile(const char name[], char path[], size_t len, PetscBool *found);

/* src/io/atomic_file.c: a file replaced whole or not at all, so that a reader (or a run that is
   stopped) never sees half of it. The content goes to a temporary file in the same folder
   (path.tmp: rename() is atomic only within one file system); KGNNAtomicCommit flushes it to
   disk (fsync) and renames it over path; KGNNAtomicAbort removes it after an error.
     KGNNAtomicTempPath(path, tmp, sizeof(tmp)); <write tmp by any means>; KGNNAtomicCommit(tmp, path)
   or, for stdio, KGNNAtomicOpen(path, tmp, sizeof(tmp), &f); fprintf(f, ...); KGNNAtomicClose(&f, tmp, path). */
PETSC_EXTERN PetscErrorCode KGNNAtomicTempPath(const char path[], char tmp[], size_t len);
PETSC_EXTERN PetscErrorCode KGNNAtomicCommit(const char tmp[], const char path[]);
PETSC_EXTERN void           KGNNAtomicAbort(const char tmp[]);
PETSC_EXTERN PetscErrorCode KGNNAtomicOpen(const char path[], char tmp[], size_t len, FILE **f);
PETSC_EXTERN PetscErrorCode KGNNAtomicClose(FILE **f, const char tmp[], const char path[]);

/* The memory a process may still use: the smaller of MemAvailable (/proc/meminfo; physical
   memory where that is missing) and the address-space and data limits (ulimit -v, -d). */
PETSC_EXTERN PetscErrorCode KGNNMemoryAvailable(double *bytes);
/* An error (PETSC_ERR_MEM) when `what` would need more than that, before it is allocated. */
PETSC_EXTERN PetscErrorCode KGNNCheckMemory(const char what[], double bytes);

/* model_face.c: whether a network's weights were trained on D^-1/2 A D^-1/2 (PCGNN's -pc_gnn_scale model) */
PETSC_INTERN PetscErrorCode KGNNNetworkGetJacobi(KGNNNetwork, PetscBool *);

#endif
