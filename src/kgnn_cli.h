/* What the programs in bin/ (the files of src/cli) share and a user's program does not: strict options,
   one-line errors, exit codes, resource checks. Not part of the public API (include/kgnn.h);
   PETSC_EXTERN only so that the programs, linked against libkgnn.so, see it.

   A program's main() is

     PetscCall(PetscInitialize(&argc, &argv, NULL, help));
     PetscCall(KGNNInitializePackage());
     return KGNNCLIEnd(Run(), &status);      (Run starts with KGNNCLIBegin)

   and Run() configures its objects inside KGNNCLICollect (so that every option PETSc would list
   for -help is known), calls KGNNCLICheckOptions before the work starts, and reports errors with
   SETERRQ/PetscCheck as the library does: KGNNCLIEnd prints the message as one line,
   "kgnn-solve: error: ...", and returns the exit code. */
#ifndef KGNN_CLI_H
#define KGNN_CLI_H

#include <kgnn.h>
#include "io/io.h"
#include "dataset/dataset.h"
#include "kgnn_impl.h" /* the trainer (kgnn-train) */

/* One row of a program's own option table; the table ends with a row whose name is NULL.
   -help prints the table; the options check accepts its names. arg is NULL for a flag. */
typedef struct {
  const char *name, *arg, *text;
} KGNNCLIOption;

/* Exit codes common to every program (kgnn-solve adds its own above these). */
#define KGNN_EXIT_OK 0
#define KGNN_EXIT_ERROR 1 /* usage or input error, or any other error: one line on stderr */

PETSC_EXTERN PetscErrorCode KGNNCLIBegin(const char prog[], const KGNNCLIOption opts[]);
PETSC_EXTERN PetscErrorCode KGNNCLIAddOptions(const KGNNCLIOption opts[]);
PETSC_EXTERN PetscErrorCode KGNNCLICollect(PetscErrorCode (*configure)(void *), void *ctx, PetscBool throwaway, PetscErrorCode *err);
PETSC_EXTERN PetscErrorCode KGNNCLICheckOptions(PetscBool *help);
PETSC_EXTERN int            KGNNCLIEnd(PetscErrorCode err, int status);

/* A -only list checked against a matrix list: every name in it must be there (a misspelt name is
   an error that suggests the closest), and the selection must not be empty. */
PETSC_EXTERN PetscErrorCode KGNNCLICheckSelection(const char list[], const KGNNMatrixEntry *entries, PetscInt count, const char only[], const char option[]);

#endif
