/* The bodies of the engine's elementwise and segment kernels, each written once as a function of
   its index t: the CPU engine (engine_cpu.c) calls it in a loop over t, the CUDA engine
   (src/cuda/engine_cuda.cu) in a __global__ kernel with one thread per t. Only the launch and the
   memory differ, so make check on a machine without a GPU runs every body the GPU runs
   (tests/model/test_kernels.c). No floating-point atomics: every sum has one owner that adds its
   terms in ascending edge order, the order of the CPU loops before this file existed, so both
   engines give the same bits (up to the contraction of a*b+c, which the CUDA build turns off
   with --fmad=false). Arrays are row-major items x w; each body says its range of t. */
#ifndef KGNN_KERNELS_H
#define KGNN_KERNELS_H

#include "base.h"
#include <math.h>

#if defined(__CUDACC__)
  #define KGNN_KERNEL static inline __host__ __device__
#else
  #define KGNN_KERNEL static inline
#endif

/* PyG's softmax adds this to the sum of exponentials */
#define KGNN_SOFTMAX_EPS 1e-16

/* t < m w: Y[t] = b[t % w] (accumulate = 0) or Y[t] += b[t % w] */
KGNN_KERNEL void KGNNKBiasRows(size_t t, KGNNInt w, const KGNNReal *b, KGNNReal *Y, int accumulate)
{
  Y[t] = accumulate ? Y[t] + b[t % (size_t)w] : b[t % (size_t)w];
}

/* t < w: db[t] += the sum over the rows r (ascending) of dY[r, t] */
KGNN_KERNEL void KGNNKBiasBackward(size_t t, KGNNInt m, KGNNInt w, const KGNNReal *dY, KGNNReal *db)
{
  KGNNReal s = db[t];
  for (KGNNInt r = 0; r < m; r++) s += dY[(size_t)r * w + t];
  db[t] = s;
}

/* t < m w: Y[k] += X1[i1[k]] (+ X2[i2[k]], the two added first) */
KGNN_KERNEL void KGNNKGatherAdd(size_t t, KGNNInt w, const KGNNInt *i1, const KGNNReal *X1, const KGNNInt *i2, const KGNNReal *X2, KGNNReal *Y)
{
  const size_t k = t / (size_t)w, c = t % (size_t)w;
  if (i2) Y[t] += X1[(size_t)i1[k] * w + c] + X2[(size_t)i2[k] * w + c];
  else Y[t] += X1[(size_t)i1[k] * w + c];
}

/* t < w (one owner per channel, the edges in ascending order): Y[idx[k], t] += X[k, t]. Serial
   over the edges: for arbitrary idx; segment_sum is the parallel form over a plan's groups */
KGNN_KERNEL void KGNNKScatterAdd(size_t t, KGNNInt m, KGNNInt w, const KGNNInt *idx, const KGNNReal *X, KGNNReal *Y)
{
  for (KGNNInt k = 0; k < m; k++) Y[(size_t)idx[k] * w + t] += X[(size_t)k * w + t];
}

/* t < n w: Y[i, c] += the sum of X[eidx[q], c] over q in rptr[i] .. rptr[i+1]-1 (the plan's edges
   grouped by receiver, ascending within a group: the same adds as scatter_add by receiver) */
KGNN_KERNEL void KGNNKSegmentSum(size_t t, KGNNInt w, const KGNNInt *rptr, const KGNNInt *eidx, const KGNNReal *X, KGNNReal *Y)
{
  const size_t i = t / (size_t)w, c = t % (size_t)w;
  KGNNReal     s = Y[t];
  for (KGNNInt q = rptr[i]; q < rptr[i + 1]; q++) s += X[(size_t)eidx[q] * w + c];
  Y[t] = s;
}

/* t < n w: Y[i, c] /= deg[i] */
KGNN_KERNEL void KGNNKSegmentMean(size_t t, KGNNInt w, const KGNNReal *deg, KGNNReal *Y)
{
  Y[t] /= deg[t / (size_t)w];
}

/* t < m w: dX[k, c] = dY[idx[k], c] / deg[idx[k]] */
KGNN_KERNEL void KGNNKSegmentMeanBackward(size_t t, KGNNInt w, const KGNNInt *idx, const KGNNReal *deg, const KGNNReal *dY, KGNNReal *dX)
{
  const size_t  k = t / (size_t)w, c = t % (size_t)w;
  const KGNNInt i = idx[k];
  dX[t]           = dY[(size_t)i * w + c] / deg[i];
}

/* PyG's scatter softmax of channel t < s over the edges with the same idx[k], in place: minus
   the group's maximum, exponentiated, over the group's sum + 1e-16 (work: n x s). Serial over
   the edges, one owner per channel, for arbitrary idx */
KGNN_KERNEL void KGNNKSoftmax(size_t t, KGNNInt m, KGNNInt n, KGNNInt s, const KGNNInt *idx, KGNNReal *score, KGNNReal *work)
{
  for (KGNNInt i = 0; i < n; i++) work[(size_t)i * s + t] = -1.7976931348623157e308;
  for (KGNNInt k = 0; k < m; k++) {
    KGNNReal *x = &work[(size_t)idx[k] * s + t];
    *x          = KGNNMax(*x, score[(size_t)k * s + t]);
  }
  for (KGNNInt k = 0; k < m; k++) score[(size_t)k * s + t] = exp(score[(size_t)k * s + t] - work[(size_t)idx[k] * s + t]);
  for (KGNNInt i = 0; i < n; i++) work[(size_t)i * s + t] = 0;
  for (KGNNInt k = 0; k < m; k++) work[(size_t)idx[k] * s + t] += score[(size_t)k * s + t];
  for (KGNNInt k = 0; k < m; k++) score[(size_t)k * s + t] /= work[(size_t)idx[k] * s + t] + KGNN_SOFTMAX_EPS;
}

/* its backward from the output alpha, channel t < s: dscore_k = alpha_k (dalpha_k - the group's
   sum of alpha_j dalpha_j); dscore may be dalpha */
KGNN_KERNEL void KGNNKSoftmaxBackward(size_t t, KGNNInt m, KGNNInt n, KGNNInt s, const KGNNInt *idx, const KGNNReal *alpha, const KGNNReal *dalpha, KGNNReal *dscore, KGNNReal *work)
{
  for (KGNNInt i = 0; i < n; i++) work[(size_t)i * s + t] = 0;
  for (KGNNInt k = 0; k < m; k++) work[(size_t)idx[k] * s + t] += alpha[(size_t)k * s + t] * dalpha[(size_t)k * s + t];
  for (KGNNInt k = 0; k < m; k++) dscore[(size_t)k * s + t] = alpha[(size_t)k * s + t] * (dalpha[(size_t)k * s + t] - work[(size_t)idx[k] * s + t]);
}

/* the same softmax over the plan's receiver groups, t < n s (node i = t / s, channel t % s):
   the same operations in the same order per group as KGNNKSoftmax, in parallel over groups */
KGNN_KERNEL void KGNNKSegmentSoftmax(size_t t, KGNNInt s, const KGNNInt *rptr, const KGNNInt *eidx, KGNNReal *score)
{
  const size_t i = t / (size_t)s, c = t % (size_t)s;
  KGNNReal     mx = -1.7976931348623157e308, sum = 0;
  for (KGNNInt q = rptr[i]; q < rptr[i + 1]; q++) mx = KGNNMax(mx, score[(size_t)eidx[q] * s + c]);
  for (KGNNInt q = rptr[i]; q < rptr[i + 1]; q++) {
    KGNNReal *x = &score[(size_t)eidx[q] * s + c];
    *x          = exp(*x - mx);
    sum += *x;
  }
  for (KGNNInt q = rptr[i]; q < rptr[i + 1]; q++) score[(size_t)eidx[q] * s + c] /= sum + KGNN_SOFTMAX_EPS;
}

KGNN_KERNEL void KGNNKSegmentSoftmaxBackward(size_t t, KGNNInt s, const KGNNInt *rptr, const KGNNInt *eidx, const KGNNReal *alpha, const KGNNReal *dalpha, KGNNReal *dscore)
{
  const size_t i = t / (size_t)s, c = t % (size_t)s;
  KGNNReal     sum = 0;
  for (KGNNInt q = rptr[i]; q < rptr[i + 1]; q++) sum += alpha[(size_t)eidx[q] * s + c] * dalpha[(size_t)eidx[q] * s + c];
  for (KGNNInt q = rptr[i]; q < rptr[i + 1]; q++) {
    const size_t x = (size_t)eidx[q] * s + c;
    dscore[x]      = alpha[x] * (dalpha[x] - sum);
  }
}

/* t < len: a = relu(z) (a may be z) */
KGNN_KERNEL void KGNNKRelu(size_t t, const KGNNReal *z, KGNNReal *a)
{
  a[t] = z[t] > 0 ? z[t] : 0.0;
}

/* t < len: dx = dx where z > 0, else 0 (ReLU's derivative, in place) */
KGNN_KERNEL void KGNNKReluBackward(size_t t, const KGNNReal *z, KGNNReal *dx)
{
  dx[t] = z[t] > 0 ? dx[t] : 0.0;
}

/* t < len: z = x + y (z may be x or y) */
KGNN_KERNEL void KGNNKAdd(size_t t, const KGNNReal *x, const KGNNReal *y, KGNNReal *z)
{
  z[t] = x[t] + y[t];
}

#endif
