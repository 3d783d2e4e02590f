/* The bodies of the engine's elementwise and segment kernels, each written once as a function of
   its index t: the CPU engine (engine_cpu.c) calls it in a loop over t, the CUDA engine
   (src/cuda/engine_cuda.cu) in a __global__ kernel with one thread per t. Only the launch and the
   memory differ, so make check on a machine without a GPU runs every body the GPU runs
   (tests/model/test_kernels.c). No floating-point atomics: every sum has one owner that adds its
   terms in ascending edge order, the order of the CPU loops before this file existed, so both
   engines give the same bits (up to the contraction of a*b+c, which the CUDA build turns off
   with --fmad=false). Arrays are row-major items x w; each body says its range of indices. */
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

/* Row-structured kernels take (k, c), the row and the channel (t = k w + c): the CPU loops over
   k, then c; the GPU splits t. */

/* k < m, c < w: Y[k, c] = b[c] (accumulate = 0) or Y[k, c] += b[c] */
KGNN_KERNEL void KGNNKBiasRows(size_t k, size_t c, KGNNInt w, const KGNNReal *b, KGNNReal *Y, int accumulate)
{
  Y[k * w + c] = accumulate ? Y[k * w + c] + b[c] : b[c];
}

/* k < m, c < w: Y[k] += X1[i1[k]] (+ X2[i2[k]], the two added first) */
KGNN_KERNEL void KGNNKGatherAdd(size_t k, size_t c, KGNNInt w, const KGNNInt *i1, const KGNNReal *X1, const KGNNInt *i2, const KGNNReal *X2, KGNNReal *Y)
{
  if (i2) Y[k * w + c] += X1[(size_t)i1[k] * w + c] + X2[(size_t)i2[k] * w + c];
  else Y[k * w + c] += X1[(size_t)i1[k] * w + c];
}

/* Sums over the edges into one row, one step (k, c) each: the owner of channel c takes the steps
   k = 0, 1, .. in order (a GPU thread per channel; the CPU loops over k, then c, which keeps each
   output's adds in the same order), so the result is the same whoever runs them. For arbitrary
   idx; the segment kernels below are the parallel forms over a plan's receiver groups. */

/* db[c] += dY[k, c] */
KGNN_KERNEL void KGNNKBiasBackward(size_t k, size_t c, KGNNInt w, const KGNNReal *dY, KGNNReal *db)
{
  db[c] += dY[k * w + c];
}

/* Y[idx[k], c] += X[k, c] */
KGNN_KERNEL void KGNNKScatterAdd(size_t k, size_t c, KGNNInt w, const KGNNInt *idx, const KGNNReal *X, KGNNReal *Y)
{
  Y[(size_t)idx[k] * w + c] += X[k * w + c];
}

/* PyG's scatter softmax over the edges with the same idx[k], channel by channel, in place, in
   four passes over k (work: n x s, its channel c set to -DBL_MAX before pass 0 and to 0 before
   pass 2): the group's maximum, minus it exponentiated, the group's sum, over the sum + 1e-16 */
KGNN_KERNEL void KGNNKSoftmaxStep(int pass, size_t k, size_t c, KGNNInt s, const KGNNInt *idx, KGNNReal *score, KGNNReal *work)
{
  KGNNReal *x = &score[k * s + c], *g = &work[(size_t)idx[k] * s + c];
  if (pass == 0) *g = KGNNMax(*g, *x);
  else if (pass == 1) *x = exp(*x - *g);
  else if (pass == 2) *g += *x;
  else *x /= *g + KGNN_SOFTMAX_EPS;
}

/* its backward from the output alpha in two passes (work's channel c set to 0 before pass 0):
   dscore_k = alpha_k (dalpha_k - the group's sum of alpha_j dalpha_j); dscore may be dalpha */
KGNN_KERNEL void KGNNKSoftmaxBackwardStep(int pass, size_t k, size_t c, KGNNInt s, const KGNNInt *idx, const KGNNReal *alpha, const KGNNReal *dalpha, KGNNReal *dscore, KGNNReal *work)
{
  const size_t x = k * s + c;
  if (pass == 0) work[(size_t)idx[k] * s + c] += alpha[x] * dalpha[x];
  else dscore[x] = alpha[x] * (dalpha[x] - work[(size_t)idx[k] * s + c]);
}

/* i < n, c < w: Y[i, c] += the sum of X[eidx[q], c] over q in rptr[i] .. rptr[i+1]-1 (the plan's
   edges grouped by receiver, ascending within a group: the same adds as scatter_add by receiver) */
KGNN_KERNEL void KGNNKSegmentSum(size_t i, size_t c, KGNNInt w, const KGNNInt *rptr, const KGNNInt *eidx, const KGNNReal *X, KGNNReal *Y)
{
  KGNNReal s = Y[i * w + c];
  for (KGNNInt q = rptr[i]; q < rptr[i + 1]; q++) s += X[(size_t)eidx[q] * w + c];
  Y[i * w + c] = s;
}

/* i < n, c < w: Y[i, c] /= deg[i] */
KGNN_KERNEL void KGNNKSegmentMean(size_t i, size_t c, KGNNInt w, const KGNNReal *deg, KGNNReal *Y)
{
  Y[i * w + c] /= deg[i];
}

/* k < m, c < w: dX[k, c] = dY[idx[k], c] / deg[idx[k]] */
KGNN_KERNEL void KGNNKSegmentMeanBackward(size_t k, size_t c, KGNNInt w, const KGNNInt *idx, const KGNNReal *deg, const KGNNReal *dY, KGNNReal *dX)
{
  const KGNNInt i = idx[k];
  dX[k * w + c]   = dY[(size_t)i * w + c] / deg[i];
}

/* i < n, c < s: the softmax over the plan's receiver group i, channel c, the same operations in
   the same order as KGNNKSoftmaxStep's passes, in parallel over the groups */
KGNN_KERNEL void KGNNKSegmentSoftmax(size_t i, size_t c, KGNNInt s, const KGNNInt *rptr, const KGNNInt *eidx, KGNNReal *score)
{
  KGNNReal mx = -1.7976931348623157e308, sum = 0;
  for (KGNNInt q = rptr[i]; q < rptr[i + 1]; q++) mx = KGNNMax(mx, score[(size_t)eidx[q] * s + c]);
  for (KGNNInt q = rptr[i]; q < rptr[i + 1]; q++) {
    KGNNReal *x = &score[(size_t)eidx[q] * s + c];
    *x          = exp(*x - mx);
    sum += *x;
  }
  for (KGNNInt q = rptr[i]; q < rptr[i + 1]; q++) score[(size_t)eidx[q] * s + c] /= sum + KGNN_SOFTMAX_EPS;
}

KGNN_KERNEL void KGNNKSegmentSoftmaxBackward(size_t i, size_t c, KGNNInt s, const KGNNInt *rptr, const KGNNInt *eidx, const KGNNReal *alpha, const KGNNReal *dalpha, KGNNReal *dscore)
{
  KGNNReal sum = 0;
  for (KGNNInt q = rptr[i]; q < rptr[i + 1]; q++) sum += alpha[(size_t)eidx[q] * s + c] * dalpha[(size_t)eidx[q] * s + c];
  for (KGNNInt q = rptr[i]; q < rptr[i + 1]; q++) {
    const size_t x = (size_t)eidx[q] * s + c;
    dscore[x]      = alpha[x] * (dalpha[x] - sum);
  }
}

/* k < m: the encoder's input of edge k (row k of xe, ei columns): a_k over its graph's scale,
   and with the positional feature (column 1) (Appendix B) -1 below the diagonal, +1 above, 0 on it and on the
   virtual edges k >= mreal */
KGNN_KERNEL void KGNNKEdgeInput(size_t k, KGNNInt ei, int positional, KGNNInt mreal, const KGNNReal *a, const KGNNReal *scale, const KGNNInt *batch, const KGNNInt *sender, const KGNNInt *receiver, KGNNReal *xe)
{
  xe[k * ei] = a[k] / scale[batch[sender[k]]];
  if (positional) xe[k * ei + 1] = (KGNNInt)k >= mreal ? 0.0 : sender[k] > receiver[k] ? -1.0 : (sender[k] < receiver[k] ? 1.0 : 0.0);
}

/* t < len: x = v */
KGNN_KERNEL void KGNNKFill(size_t t, KGNNReal v, KGNNReal *x)
{
  x[t] = v;
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
