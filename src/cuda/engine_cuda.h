/* The CUDA engine (engine_cuda.cu, built by `make cuda` into lib/libkgnn-cuda.so, never part of
   libkgnn): the table of src/model/engine.h on a GPU, its kernels the bodies of
   src/model/kernels.h, its products cuBLAS's dgemm. Memory is CUDA managed memory, so that the
   plan (built on the host) and the layers' loops not yet behind the engine read and write it
   in place; every kernel is followed by a synchronization of the engine's stream until they are
   (share/doc/model.md, "Engines"). Plain C in and out. */
#ifndef KGNN_ENGINE_CUDA_H
#define KGNN_ENGINE_CUDA_H

#include "../model/engine.h"

#ifdef __cplusplus
extern "C" {
#endif

/* exported: the library is opened by name (dlopen) or linked by the programs that use it */
#define KGNN_CUDA_EXPORT __attribute__((visibility("default")))

/* The engine on the current device, set up on the first call; NULL when there is no usable GPU
   or the runtime fails, with the reason in msg (len bytes). */
KGNN_CUDA_EXPORT const KGNNEngine *KGNNEngineCUDA(char *msg, size_t len);

/* the engine's first device failure in words ("" when none): sync, to_engine and to_host
   return it as KGNN_ERR_DEVICE from then on (a fault spoils the CUDA context for good) */
KGNN_CUDA_EXPORT const char *KGNNEngineCUDAError(void);

#ifdef __cplusplus
}
#endif

#endif
