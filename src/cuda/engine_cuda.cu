/* The CUDA engine (engine_cuda.h): launch and memory code only; every kernel body is
   src/model/kernels.h's, one thread per index, the same function the CPU engine loops over.
   Deterministic: no atomics, one owner per sum, cuBLAS without its atomics mode. Build with
   --fmad=false so that a*b + c rounds twice as on the CPU (the kernels then give the CPU's bits
   but for exp, see tests/model/test_kernels.c). */
#include "engine_cuda.h"
#include "../model/kernels.h"
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <stdio.h>
#include <string.h>

static cudaStream_t   stream;
static cublasHandle_t blas;
static char           failure[256]; /* the first failure; it stays (a fault spoils the CUDA context) */

static void Fail(const char *what, const char *why)
{
  if (!failure[0]) snprintf(failure, sizeof(failure), "%s: %s", what, why);
}

/* after a launch: a bad launch now, a fault in the kernel at the barrier; the layers' host loops
   read managed memory after each kernel, so every launch is a barrier for now */
static void Launched(const char *what)
{
  cudaError_t e = cudaGetLastError();
  if (e == cudaSuccess) e = cudaStreamSynchronize(stream);
  if (e != cudaSuccess) Fail(what, cudaGetErrorString(e));
}

#define THREADS 256
static unsigned Blocks(size_t len)
{
  size_t b = (len + THREADS - 1) / THREADS;
  return (unsigned)(b < 65535 * 16 ? b : 65535 * 16); /* a grid-stride loop covers the rest */
}

/* one __global__ per body, t over [0, len) in a grid-stride loop: ROWS splits t into the row k
   and the channel c (k < len / w); COLUMNS gives each channel c < len one thread that takes the
   body's steps k = 0 .. m-1 in order (the sums over arbitrary idx, without atomics) */
#define GRID_STRIDE for (size_t t = blockIdx.x * (size_t)blockDim.x + threadIdx.x; t < len; t += (size_t)gridDim.x * blockDim.x)
#define ROWS(name, params, call)                                                                                                                                                                                                                         \
  static __global__ void name params                                                                                                                                                                                                                     \
  {                                                                                                                                                                                                                                                      \
    GRID_STRIDE                                                                                                                                                                                                                                          \
    {                                                                                                                                                                                                                                                    \
      const size_t k = t / (size_t)w, c = t % (size_t)w;                                                                                                                                                                                                 \
      call;                                                                                                                                                                                                                                              \
    }                                                                                                                                                                                                                                                    \
  }
#define ELEMENTS(name, params, call)                                                                                                                                                                                                                     \
  static __global__ void name params                                                                                                                                                                                                                     \
  {                                                                                                                                                                                                                                                      \
    GRID_STRIDE call;                                                                                                                                                                                                                                    \
  }
ROWS(GBiasRows, (size_t len, KGNNInt w, const KGNNReal *b, KGNNReal *Y, int acc), KGNNKBiasRows(k, c, w, b, Y, acc))
ROWS(GGatherAdd, (size_t len, KGNNInt w, const KGNNInt *i1, const KGNNReal *X1, const KGNNInt *i2, const KGNNReal *X2, KGNNReal *Y), KGNNKGatherAdd(k, c, w, i1, X1, i2, X2, Y))
ROWS(GSegmentSum, (size_t len, KGNNInt w, const KGNNInt *rptr, const KGNNInt *eidx, const KGNNReal *X, KGNNReal *Y), KGNNKSegmentSum(k, c, w, rptr, eidx, X, Y))
ROWS(GSegmentMean, (size_t len, KGNNInt w, const KGNNReal *deg, KGNNReal *Y), KGNNKSegmentMean(k, c, w, deg, Y))
ROWS(GSegmentMeanBackward, (size_t len, KGNNInt w, const KGNNInt *idx, const KGNNReal *deg, const KGNNReal *dY, KGNNReal *dX), KGNNKSegmentMeanBackward(k, c, w, idx, deg, dY, dX))
ROWS(GSegmentSoftmax, (size_t len, KGNNInt w, const KGNNInt *rptr, const KGNNInt *eidx, KGNNReal *score), KGNNKSegmentSoftmax(k, c, w, rptr, eidx, score))
ROWS(GSegmentSoftmaxBackward, (size_t len, KGNNInt w, const KGNNInt *rptr, const KGNNInt *eidx, const KGNNReal *alpha, const KGNNReal *dalpha, KGNNReal *dscore), KGNNKSegmentSoftmaxBackward(k, c, w, rptr, eidx, alpha, dalpha, dscore))
ELEMENTS(GRelu, (size_t len, const KGNNReal *z, KGNNReal *a), KGNNKRelu(t, z, a))
ELEMENTS(GReluBackward, (size_t len, const KGNNReal *z, KGNNReal *dx), KGNNKReluBackward(t, z, dx))
ELEMENTS(GAdd, (size_t len, const KGNNReal *x, const KGNNReal *y, KGNNReal *z), KGNNKAdd(t, x, y, z))
ELEMENTS(GFill, (size_t len, KGNNReal v, KGNNReal *x), KGNNKFill(t, v, x))
ELEMENTS(GEdgeInput, (size_t len, KGNNInt ei, int positional, KGNNInt mreal, const KGNNReal *a, const KGNNReal *scale, const KGNNInt *batch, const KGNNInt *sender, const KGNNInt *receiver, KGNNReal *xe), KGNNKEdgeInput(t, ei, positional, mreal, a, scale, batch, sender, receiver, xe))
/* COLUMNS: len = w channels */
ELEMENTS(GBiasBackward, (size_t len, KGNNInt m, KGNNInt w, const KGNNReal *dY, KGNNReal *db), for (size_t k = 0; k < (size_t)m; k++) KGNNKBiasBackward(k, t, w, dY, db))
ELEMENTS(GScatterAdd, (size_t len, KGNNInt m, KGNNInt w, const KGNNInt *idx, const KGNNReal *X, KGNNReal *Y), for (size_t k = 0; k < (size_t)m; k++) KGNNKScatterAdd(k, t, w, idx, X, Y))
static __global__ void GSoftmax(size_t len, KGNNInt m, KGNNInt n, KGNNInt s, const KGNNInt *idx, KGNNReal *score, KGNNReal *work)
{
  GRID_STRIDE
  {
    for (int pass = 0; pass < 4; pass++) {
      if (pass == 0 || pass == 2)
        for (size_t i = 0; i < (size_t)n; i++) work[i * s + t] = pass ? 0 : -1.7976931348623157e308;
      for (size_t k = 0; k < (size_t)m; k++) KGNNKSoftmaxStep(pass, k, t, s, idx, score, work);
    }
  }
}
static __global__ void GSoftmaxBackward(size_t len, KGNNInt m, KGNNInt n, KGNNInt s, const KGNNInt *idx, const KGNNReal *alpha, const KGNNReal *dalpha, KGNNReal *dscore, KGNNReal *work)
{
  GRID_STRIDE
  {
    for (size_t i = 0; i < (size_t)n; i++) work[i * s + t] = 0;
    for (int pass = 0; pass < 2; pass++)
      for (size_t k = 0; k < (size_t)m; k++) KGNNKSoftmaxBackwardStep(pass, k, t, s, idx, alpha, dalpha, dscore, work);
  }
}

#define LAUNCH(name, len, ...)                                               \
  do {                                                                       \
    const size_t len_ = (len);                                               \
    if (len_) {                                                              \
      name<<<Blocks(len_), THREADS, 0, stream>>>(len_, __VA_ARGS__);         \
      Launched(#name);                                                       \
    }                                                                        \
  } while (0)

/* managed memory, zero-filled as the CPU engine's calloc */
static void *Alloc(const KGNNEngine *E, size_t bytes)
{
  void       *p = NULL;
  cudaError_t e = cudaMallocManaged(&p, bytes ? bytes : 1, cudaMemAttachGlobal);
  if (e != cudaSuccess) {
    cudaGetLastError(); /* an allocation failure is KGNN_ERR_MEMORY to the caller, not sticky */
    return NULL;
  }
  e = cudaMemsetAsync(p, 0, bytes ? bytes : 1, stream);
  if (e == cudaSuccess) e = cudaStreamSynchronize(stream);
  if (e != cudaSuccess) Fail("cudaMemset of a new block", cudaGetErrorString(e));
  return p;
}

static void Free(const KGNNEngine *E, void *p)
{
  if (!p) return;
  cudaStreamSynchronize(stream);
  cudaError_t e = cudaFree(p);
  if (e != cudaSuccess) Fail("cudaFree", cudaGetErrorString(e));
}

static void Zero(const KGNNEngine *E, KGNNReal *x, size_t n)
{
  if (!n) return;
  cudaError_t e = cudaMemsetAsync(x, 0, n * sizeof(KGNNReal), stream);
  if (e == cudaSuccess) e = cudaStreamSynchronize(stream);
  if (e != cudaSuccess) Fail("cudaMemset", cudaGetErrorString(e));
}

/* any two pointers the runtime knows (managed, device, host): cudaMemcpyDefault */
static KGNNErr Move(void *dst, const void *src, size_t bytes, const char *what)
{
  cudaError_t e = cudaSuccess;
  if (bytes && dst != src) e = cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDefault, stream);
  if (e == cudaSuccess) e = cudaStreamSynchronize(stream);
  if (e != cudaSuccess) Fail(what, cudaGetErrorString(e));
  return failure[0] ? KGNN_ERR_DEVICE : KGNN_OK;
}

static void Copy(const KGNNEngine *E, KGNNReal *dst, const KGNNReal *src, size_t n)
{
  (void)Move(dst, src, n * sizeof(KGNNReal), "copy");
}

static KGNNErr ToEngine(const KGNNEngine *E, void *dst, const void *src, size_t bytes)
{
  return Move(dst, src, bytes, "to_engine");
}

static KGNNErr ToHost(const KGNNEngine *E, void *dst, const void *src, size_t bytes)
{
  return Move(dst, src, bytes, "to_host");
}

static KGNNErr Sync(const KGNNEngine *E)
{
  cudaError_t e = cudaStreamSynchronize(stream);
  if (e != cudaSuccess) Fail("sync", cudaGetErrorString(e));
  return failure[0] ? KGNN_ERR_DEVICE : KGNN_OK;
}

static KGNNErr Gemm(const KGNNEngine *E, char ta, char tb, KGNNInt m, KGNNInt n, KGNNInt k, KGNNReal alpha, const KGNNReal *A, KGNNInt lda, const KGNNReal *B, KGNNInt ldb, KGNNReal beta, KGNNReal *C, KGNNInt ldc)
{
  cublasStatus_t s;
  if (m < 0 || n < 0 || k < 0) return KGNN_ERR_ARGUMENT;
  if (!m || !n) return KGNN_OK;
  s = cublasDgemm(blas, ta == 'T' ? CUBLAS_OP_T : CUBLAS_OP_N, tb == 'T' ? CUBLAS_OP_T : CUBLAS_OP_N, m, n, k, &alpha, A, lda, B, ldb, &beta, C, ldc);
  if (s != CUBLAS_STATUS_SUCCESS) {
    char why[64];
    snprintf(why, sizeof(why), "cuBLAS status %d", (int)s);
    Fail("cublasDgemm", why);
    return KGNN_ERR_DEVICE;
  }
  Launched("cublasDgemm");
  return failure[0] ? KGNN_ERR_DEVICE : KGNN_OK;
}

static void BiasRows(const KGNNEngine *E, KGNNInt m, KGNNInt w, const KGNNReal *b, KGNNReal *Y, int accumulate)
{
  LAUNCH(GBiasRows, (size_t)m * w, w, b, Y, accumulate);
}

static void BiasBackward(const KGNNEngine *E, KGNNInt m, KGNNInt w, const KGNNReal *dY, KGNNReal *db)
{
  LAUNCH(GBiasBackward, (size_t)w, m, w, dY, db);
}

static void GatherAdd(const KGNNEngine *E, KGNNInt m, KGNNInt w, const KGNNInt *i1, const KGNNReal *X1, const KGNNInt *i2, const KGNNReal *X2, KGNNReal *Y)
{
  LAUNCH(GGatherAdd, (size_t)m * w, w, i1, X1, i2, X2, Y);
}

static void ScatterAdd(const KGNNEngine *E, KGNNInt m, KGNNInt w, const KGNNInt *idx, const KGNNReal *X, KGNNReal *Y)
{
  LAUNCH(GScatterAdd, (size_t)w, m, w, idx, X, Y);
}

static void SegmentMean(const KGNNEngine *E, KGNNInt n, KGNNInt w, const KGNNReal *deg, KGNNReal *Y)
{
  LAUNCH(GSegmentMean, (size_t)n * w, w, deg, Y);
}

static void SegmentMeanBackward(const KGNNEngine *E, KGNNInt m, KGNNInt w, const KGNNInt *idx, const KGNNReal *deg, const KGNNReal *dY, KGNNReal *dX)
{
  LAUNCH(GSegmentMeanBackward, (size_t)m * w, w, idx, deg, dY, dX);
}

static void Softmax(const KGNNEngine *E, KGNNInt m, KGNNInt n, KGNNInt s, const KGNNInt *idx, KGNNReal *score, KGNNReal *work)
{
  LAUNCH(GSoftmax, (size_t)s, m, n, s, idx, score, work);
}

static void SoftmaxBackward(const KGNNEngine *E, KGNNInt m, KGNNInt n, KGNNInt s, const KGNNInt *idx, const KGNNReal *alpha, const KGNNReal *dalpha, KGNNReal *dscore, KGNNReal *work)
{
  LAUNCH(GSoftmaxBackward, (size_t)s, m, n, s, idx, alpha, dalpha, dscore, work);
}

static void SegmentSum(const KGNNEngine *E, KGNNInt n, KGNNInt w, const KGNNInt *rptr, const KGNNInt *eidx, const KGNNReal *X, KGNNReal *Y)
{
  LAUNCH(GSegmentSum, (size_t)n * w, w, rptr, eidx, X, Y);
}

static void SegmentSoftmax(const KGNNEngine *E, KGNNInt n, KGNNInt s, const KGNNInt *rptr, const KGNNInt *eidx, KGNNReal *score)
{
  LAUNCH(GSegmentSoftmax, (size_t)n * s, s, rptr, eidx, score);
}

static void SegmentSoftmaxBackward(const KGNNEngine *E, KGNNInt n, KGNNInt s, const KGNNInt *rptr, const KGNNInt *eidx, const KGNNReal *alpha, const KGNNReal *dalpha, KGNNReal *dscore)
{
  LAUNCH(GSegmentSoftmaxBackward, (size_t)n * s, s, rptr, eidx, alpha, dalpha, dscore);
}

static void Relu(const KGNNEngine *E, size_t len, const KGNNReal *z, KGNNReal *a)
{
  LAUNCH(GRelu, len, z, a);
}

static void ReluBackward(const KGNNEngine *E, size_t len, const KGNNReal *z, KGNNReal *dx)
{
  LAUNCH(GReluBackward, len, z, dx);
}

static void Add(const KGNNEngine *E, size_t len, const KGNNReal *x, const KGNNReal *y, KGNNReal *z)
{
  LAUNCH(GAdd, len, x, y, z);
}

static void Fill(const KGNNEngine *E, size_t len, KGNNReal v, KGNNReal *x)
{
  LAUNCH(GFill, len, v, x);
}

static void EdgeInput(const KGNNEngine *E, KGNNInt m, KGNNInt ei, int positional, KGNNInt mreal, const KGNNReal *a, const KGNNReal *scale, const KGNNInt *batch, const KGNNInt *sender, const KGNNInt *receiver, KGNNReal *xe)
{
  LAUNCH(GEdgeInput, (size_t)m, ei, positional, mreal, a, scale, batch, sender, receiver, xe);
}

static KGNNEngine cuda_engine;

extern "C" const KGNNEngine *KGNNEngineCUDA(char *msg, size_t len)
{
  static int  done = 0;
  static char why[256];
  if (!done) {
    int            count = 0;
    cudaError_t    e     = cudaGetDeviceCount(&count);
    cublasStatus_t s;
    done = 1;
    if (e != cudaSuccess) snprintf(why, sizeof(why), "no CUDA device: %s", cudaGetErrorString(e));
    else if (count < 1) snprintf(why, sizeof(why), "no CUDA device");
    else if ((e = cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking)) != cudaSuccess) snprintf(why, sizeof(why), "cudaStreamCreate: %s", cudaGetErrorString(e));
    else if ((s = cublasCreate(&blas)) != CUBLAS_STATUS_SUCCESS) snprintf(why, sizeof(why), "cublasCreate: status %d", (int)s);
    else if ((s = cublasSetStream(blas, stream)) != CUBLAS_STATUS_SUCCESS) snprintf(why, sizeof(why), "cublasSetStream: status %d", (int)s);
    else {
      /* alpha and beta from the host; no atomics: the same bits on every run */
      cublasSetPointerMode(blas, CUBLAS_POINTER_MODE_HOST);
      cublasSetAtomicsMode(blas, CUBLAS_ATOMICS_NOT_ALLOWED);
      cuda_engine = KGNNEngine{"cuda", Alloc, Free, Zero, Copy, Gemm, BiasRows, BiasBackward, GatherAdd, ScatterAdd, SegmentMean, SegmentMeanBackward, Softmax, SoftmaxBackward, SegmentSum, SegmentSoftmax, SegmentSoftmaxBackward, Relu, ReluBackward, Add, Fill, EdgeInput, ToEngine, ToHost, Sync};
    }
  }
  if (msg && len) snprintf(msg, len, "%s", cuda_engine.name ? "" : why);
  return cuda_engine.name ? &cuda_engine : NULL;
}

extern "C" const char *KGNNEngineCUDAError(void)
{
  return failure;
}
