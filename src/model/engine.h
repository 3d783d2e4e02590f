/* The engine under the graph network: where its arrays live and the few kernels its layers need
   (share/doc/model.md, "Engines"). A table of function pointers: the CPU engine
   (engine_cpu.c, reference BLAS/OpenBLAS dgemm under it) is today's code; a CUDA engine fills the
   same table. Nothing above the engine allocates or calls BLAS. Arrays are row-major
   items x channels; idx[k] names the item row that edge k reads or writes. */
#ifndef KGNN_ENGINE_H
#define KGNN_ENGINE_H

#include "base.h"

/* internal to libkgnn (as PETSc's PETSC_INTERN): not exported from the shared library */
#if defined(__GNUC__)
  #pragma GCC visibility push(hidden)
#endif

typedef struct KGNNEngine KGNNEngine;
struct KGNNEngine {
  const char *name;
  /* memory: zero-filled blocks of the engine's memory; free(NULL) is a no-op */
  void *(*alloc)(const KGNNEngine *, size_t bytes);
  void (*free)(const KGNNEngine *, void *);
  void (*zero)(const KGNNEngine *, KGNNReal *x, size_t n);
  void (*copy)(const KGNNEngine *, KGNNReal *dst, const KGNNReal *src, size_t n);
  /* C = alpha op(A) op(B) + beta C in BLAS's column-major convention (ta, tb: 'N' or 'T') */
  KGNNErr (*gemm)(const KGNNEngine *, char ta, char tb, KGNNInt m, KGNNInt n, KGNNInt k, KGNNReal alpha, const KGNNReal *A, KGNNInt lda, const KGNNReal *B, KGNNInt ldb, KGNNReal beta, KGNNReal *C, KGNNInt ldc);
  /* Y (m x w) = b in every row (accumulate = 0) or Y += b; db += the sum of the rows of dY */
  void (*bias_rows)(const KGNNEngine *, KGNNInt m, KGNNInt w, const KGNNReal *b, KGNNReal *Y, int accumulate);
  void (*bias_backward)(const KGNNEngine *, KGNNInt m, KGNNInt w, const KGNNReal *dY, KGNNReal *db);
  /* gather: Y[k] += X1[idx1[k]] (+ X2[idx2[k]], added to each other first, when idx2 != NULL) */
  void (*gather_add)(const KGNNEngine *, KGNNInt m, KGNNInt w, const KGNNInt *idx1, const KGNNReal *X1, const KGNNInt *idx2, const KGNNReal *X2, KGNNReal *Y);
  /* scatter-add: Y[idx[k]] += X[k] (Y not cleared) */
  void (*scatter_add)(const KGNNEngine *, KGNNInt m, KGNNInt w, const KGNNInt *idx, const KGNNReal *X, KGNNReal *Y);
  /* segment mean after a scatter-add: Y[i] /= deg[i]; its backward: dX[k] = dY[idx[k]] / deg[idx[k]] */
  void (*segment_mean)(const KGNNEngine *, KGNNInt n, KGNNInt w, const KGNNReal *deg, KGNNReal *Y);
  void (*segment_mean_backward)(const KGNNEngine *, KGNNInt m, KGNNInt w, const KGNNInt *idx, const KGNNReal *deg, const KGNNReal *dY, KGNNReal *dX);
  /* PyG's scatter softmax over the k with the same idx[k], channel by channel, in place
     (work: n x stride), and its backward from the output alpha (dscore may be dalpha) */
  void (*segment_softmax)(const KGNNEngine *, KGNNInt m, KGNNInt n, KGNNInt stride, const KGNNInt *idx, KGNNReal *score, KGNNReal *work);
  void (*segment_softmax_backward)(const KGNNEngine *, KGNNInt m, KGNNInt n, KGNNInt stride, const KGNNInt *idx, const KGNNReal *alpha, const KGNNReal *dalpha, KGNNReal *dscore, KGNNReal *work);
  /* the parallel forms over the plan's receiver groups (rptr, eidx: plan.h), the same bits as
     scatter_add and segment_softmax by receiver: Y[i] += the sum of X over the edges into i */
  void (*segment_sum)(const KGNNEngine *, KGNNInt n, KGNNInt w, const KGNNInt *rptr, const KGNNInt *eidx, const KGNNReal *X, KGNNReal *Y);
  void (*segment_softmax_csr)(const KGNNEngine *, KGNNInt n, KGNNInt stride, const KGNNInt *rptr, const KGNNInt *eidx, KGNNReal *score);
  void (*segment_softmax_csr_backward)(const KGNNEngine *, KGNNInt n, KGNNInt stride, const KGNNInt *rptr, const KGNNInt *eidx, const KGNNReal *alpha, const KGNNReal *dalpha, KGNNReal *dscore);
  /* elementwise over len entries: a = relu(z) (a may be z); dx = 0 where z <= 0; z = x + y */
  void (*relu)(const KGNNEngine *, size_t len, const KGNNReal *z, KGNNReal *a);
  void (*relu_backward)(const KGNNEngine *, size_t len, const KGNNReal *z, KGNNReal *dx);
  void (*add)(const KGNNEngine *, size_t len, const KGNNReal *x, const KGNNReal *y, KGNNReal *z);
  /* x = v over len entries; the encoder's edge input (kernels.h, KGNNKEdgeInput) of m edges */
  void (*fill)(const KGNNEngine *, size_t len, KGNNReal v, KGNNReal *x);
  void (*edge_input)(const KGNNEngine *, KGNNInt m, KGNNInt ei, int positional, KGNNInt mreal, const KGNNReal *a, const KGNNReal *scale, const KGNNInt *batch, const KGNNInt *sender, const KGNNInt *receiver, KGNNReal *xe);
  /* bytes between host memory and the engine's (a plain copy on the CPU), and a barrier: each
     returns KGNN_ERR_DEVICE once the device has failed (the kernels above return nothing, so a
     failed launch is reported at the next of these; a fault spoils a CUDA context for good, so
     the failure stays) */
  KGNNErr (*to_engine)(const KGNNEngine *, void *dst, const void *src, size_t bytes);
  KGNNErr (*to_host)(const KGNNEngine *, void *dst, const void *src, size_t bytes);
  KGNNErr (*sync)(const KGNNEngine *);
};

const KGNNEngine *KGNNEngineCPU(void);

/* the engines this build has, for the harness (tests/model/test_layers.c) */
const KGNNEngine *const *KGNNEngines(int *count);

#if defined(__GNUC__)
  #pragma GCC visibility pop
#endif

#endif
