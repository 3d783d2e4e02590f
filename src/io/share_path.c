/* Where kgnn's data files are (the default PCGNN model, the plot scripts the programs call),
   found from where libkgnn itself lives, so that a program linked with -lkgnn, a PETSc program
   that loads it with -dll_append from any folder, a petsc4py script and the programs in bin/ all
   find the same files, in an install and in the build tree alike:
     <prefix>/share/kgnn/<name>   an install (make install PREFIX=<prefix>: <prefix>/lib/libkgnn.so)
     <root>/share/<name>          the build tree (<root>/lib/libkgnn.so)
   The library's path is resolved first (realpath), so a symbolic link to it leads to its tree. */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <stdlib.h>
#include "../kgnn_impl.h"

/* the candidates for name, the install's first: <prefix> is the folder above the library's */
static PetscErrorCode KGNNShareCandidates(const char name[], char install[], char tree[], size_t len)
{
  Dl_info info;
  char    prefix[PETSC_MAX_PATH_LEN], *slash;

  PetscFunctionBegin;
  PetscCheck(dladdr((void *)KGNNShareCandidates, &info) && info.dli_fname, PETSC_COMM_SELF, PETSC_ERR_LIB, "Cannot locate libkgnn (dladdr failed) to find %s beside it", name);
  if (!realpath(info.dli_fname, prefix)) PetscCall(PetscStrncpy(prefix, info.dli_fname, sizeof(prefix)));
  slash = strrchr(prefix, '/'); /* the library's folder */
  if (slash) *slash = 0;
  else PetscCall(PetscStrncpy(prefix, ".", sizeof(prefix)));
  slash = strrchr(prefix, '/'); /* the folder above it, textually when the path is absolute */
  if (slash && prefix[0] == '/') *slash = 0;
  else PetscCall(PetscStrlcat(prefix, "/..", sizeof(prefix)));
  PetscCall(PetscSNPrintf(install, len, "%s/share/kgnn/%s", prefix, name));
  PetscCall(PetscSNPrintf(tree, len, "%s/share/%s", prefix, name));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/*@C
  KGNNGetShareFile - the path of one of kgnn's data files (models/default.h5, python/plot_training.py, ...)

  Not Collective

  Input Parameters:
+ name - the file relative to kgnn's share folder
- len  - the size of path

  Output Parameters:
+ path  - <prefix>/share/kgnn/name if it exists, else <root>/share/name if that exists, else the first
- found - whether path exists

  Level: developer
@*/
PetscErrorCode KGNNGetShareFile(const char name[], char path[], size_t len, PetscBool *found)
{
  char tree[PETSC_MAX_PATH_LEN];

  PetscFunctionBegin;
  PetscCall(KGNNShareCandidates(name, path, tree, len));
  PetscCall(PetscTestFile(path, 'r', found));
  if (*found) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscTestFile(tree, 'r', found));
  if (*found) PetscCall(PetscStrncpy(path, tree, len));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The model PCGNN loads when -pc_gnn_model is not given: $KGNN_MODEL, else models/default.h5 in
   the install or the build tree. Existence is checked here, so that a missing default names
   every place looked at and the two ways to give a model, not one path that does not open. */
PetscErrorCode KGNNDefaultModel(char path[], size_t len)
{
  const char *env = getenv("KGNN_MODEL");
  char        install[PETSC_MAX_PATH_LEN], tree[PETSC_MAX_PATH_LEN];
  PetscBool   flg;

  PetscFunctionBegin;
  if (env && env[0]) {
    PetscCall(PetscTestFile(env, 'r', &flg));
    PetscCheck(flg, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "KGNN_MODEL=%s names no readable file: correct it, unset it to use the default model, or give -pc_gnn_model FILE", env);
    PetscCall(PetscStrncpy(path, env, len));
    PetscCall(PetscInfo(NULL, "PCGNN model from KGNN_MODEL: %s\n", path));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(KGNNShareCandidates("models/default.h5", install, tree, sizeof(install)));
  PetscCall(PetscTestFile(install, 'r', &flg));
  if (!flg) {
    PetscCall(PetscTestFile(tree, 'r', &flg));
    PetscCheck(flg, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN,
               "No model for PCGNN. Looked for one, in this order: the option -pc_gnn_model FILE (not given); the environment variable KGNN_MODEL (not set); %s (an install's default: not there); %s (the build tree's default: not there). Give "
               "-pc_gnn_model FILE or set KGNN_MODEL=FILE (bin/kgnn-train -out FILE writes one)",
               install, tree);
    PetscCall(PetscStrncpy(install, tree, sizeof(install)));
  }
  PetscCall(PetscStrncpy(path, install, len));
  PetscCall(PetscInfo(NULL, "PCGNN default model: %s\n", path));
  PetscFunctionReturn(PETSC_SUCCESS);
}
