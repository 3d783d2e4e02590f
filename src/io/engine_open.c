/* The engines at run time (issue 14): the CPU engine is in libkgnn; the CUDA engine is
   lib/libkgnn-cuda.so (make cuda), opened here by name when asked for, so that libkgnn never
   depends on it. Where: $KGNN_CUDA_LIB, else libkgnn-cuda.so in libkgnn's own folder (found as
   share_path.c finds share/). What -pc_gnn_device will call; PCGNN does not yet. */
#define _GNU_SOURCE /* dladdr */
#include <dlfcn.h>
#include <stdlib.h>
#include "model_face.h"

/* the CUDA library's path: $KGNN_CUDA_LIB, else beside the object that holds this function */
static PetscErrorCode CUDALibrary(char path[], size_t len)
{
  Dl_info     info;
  const char *env = getenv("KGNN_CUDA_LIB");
  char        dir[PETSC_MAX_PATH_LEN], *slash;

  PetscFunctionBegin;
  if (env && env[0]) {
    PetscCall(PetscStrncpy(path, env, len));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCheck(dladdr((void *)CUDALibrary, &info) && info.dli_fname, PETSC_COMM_SELF, PETSC_ERR_LIB, "Cannot locate libkgnn (dladdr failed) to find libkgnn-cuda.so beside it");
  if (!realpath(info.dli_fname, dir)) PetscCall(PetscStrncpy(dir, info.dli_fname, sizeof(dir)));
  slash = strrchr(dir, '/');
  if (slash) *slash = 0;
  else PetscCall(PetscStrncpy(dir, ".", sizeof(dir)));
  PetscCall(PetscSNPrintf(path, len, "%s/libkgnn-cuda.so", dir));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/*
  KGNNEngineOpen - the engine named device: "cpu", or "cuda" (the CUDA library opened and its
  engine set up on the current GPU). Not an error when the CUDA engine cannot be had: *E is then
  NULL and why says what failed (the library not found, or found without a usable GPU), so that
  the caller decides between an error (cuda asked for) and the CPU (the default). An unknown
  name is an error.
*/
PetscErrorCode KGNNEngineOpen(const char device[], const KGNNEngine **E, char why[], size_t len)
{
  PetscBool cpu, cuda;

  PetscFunctionBegin;
  *E = NULL;
  if (len) why[0] = 0;
  PetscCall(PetscStrcmp(device, "cpu", &cpu));
  PetscCall(PetscStrcmp(device, "cuda", &cuda));
  PetscCheck(cpu || cuda, PETSC_COMM_SELF, PETSC_ERR_ARG_UNKNOWN_TYPE, "Unknown engine %s: cpu or cuda", device);
  if (cpu) {
    *E = KGNNEngineCPU();
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  {
    char path[PETSC_MAX_PATH_LEN], msg[256] = "";
    void *lib;
    const KGNNEngine *(*open)(char *, size_t);

    PetscCall(CUDALibrary(path, sizeof(path)));
    lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char *err = dlerror();
      PetscCall(PetscSNPrintf(why, len, "cannot open the CUDA engine %s (make cuda builds it; KGNN_CUDA_LIB names another): %s", path, err ? err : "dlopen failed"));
      PetscFunctionReturn(PETSC_SUCCESS);
    }
    /* kept open for the life of the process: the engine's functions live in it */
    *(void **)&open = dlsym(lib, "KGNNEngineCUDA");
    if (!open) {
      PetscCall(PetscSNPrintf(why, len, "%s has no KGNNEngineCUDA: not kgnn's CUDA engine", path));
      PetscFunctionReturn(PETSC_SUCCESS);
    }
    *E = open(msg, sizeof(msg));
    if (!*E) PetscCall(PetscSNPrintf(why, len, "the CUDA engine (%s): %s", path, msg));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
