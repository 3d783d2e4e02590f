/* KGNNEngineOpen (src/io/engine_open.c), the run-time choice of engine that -pc_gnn_device is to
   use: "cpu" is the CPU engine; an unknown name is an error; "cuda" without its library, or with
   a library that is not kgnn's CUDA engine, gives no engine and a reason that names the file;
   with lib/libkgnn-cuda.so (make cuda, where nvcc exists) it gives the CUDA engine on a GPU
   machine, and elsewhere no engine and the runtime's reason. */
#include "testutil.h"
#include "io/model_face.h"

int main(int argc, char **argv)
{
  const KGNNEngine *E;
  char              why[1024], root[PETSC_MAX_PATH_LEN], lib[PETSC_MAX_PATH_LEN + 32];
  PetscErrorCode    ierr;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNEngineOpen("cpu", &E, why, sizeof(why)));
  CHECK(E == KGNNEngineCPU() && !why[0], "cpu: the CPU engine, no reason");

  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = KGNNEngineOpen("tpu", &E, why, sizeof(why));
  PetscCall(PetscPopErrorHandler());
  CHECK(ierr == PETSC_ERR_ARG_UNKNOWN_TYPE && !E, "an unknown engine name is an error (got %d)", (int)ierr);

  setenv("KGNN_CUDA_LIB", "/nonexistent/libkgnn-cuda.so", 1);
  PetscCall(KGNNEngineOpen("cuda", &E, why, sizeof(why)));
  CHECK(!E && strstr(why, "/nonexistent/libkgnn-cuda.so") && strstr(why, "make cuda"), "cuda without its library: no engine, a reason naming the file and make cuda (got '%s')", why);

  setenv("KGNN_CUDA_LIB", "libm.so.6", 1);
  PetscCall(KGNNEngineOpen("cuda", &E, why, sizeof(why)));
  CHECK(!E && strstr(why, "has no KGNNEngineCUDA"), "cuda from another library: no engine, said so (got '%s')", why);

  CHECK(getcwd(root, sizeof(root)) != NULL, "getcwd");
  PetscCall(PetscSNPrintf(lib, sizeof(lib), "%s/lib/libkgnn-cuda.so", root));
  if (access(lib, R_OK) == 0) {
    setenv("KGNN_CUDA_LIB", lib, 1);
    PetscCall(KGNNEngineOpen("cuda", &E, why, sizeof(why)));
    CHECK(E ? !strcmp(E->name, "cuda") && !why[0] : strstr(why, "the CUDA engine") != NULL, "cuda from %s: the CUDA engine or a reason (got %s, '%s')", lib, E ? E->name : "none", why);
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "cuda from %s: %s\n", lib, E ? "the CUDA engine" : why));
  } else PetscCall(PetscPrintf(PETSC_COMM_WORLD, "no %s (make cuda without nvcc): that case not checked\n", lib));
  unsetenv("KGNN_CUDA_LIB");
  TEST_END();
}
