/* The CPU engine: malloc'd memory and the kernels of engine.h as plain loops, with the
   reference BLAS interface's dgemm_ (OpenBLAS on Debian, the library PETSc links) for the
   products: the same calls, in the same order, as before the engine existed, so the results
   are the same to the bit. */
#include "engine.h"
#include <math.h>
#include <float.h>
#include <stdlib.h>
#include <string.h>

/* the Fortran BLAS symbol (PETSc's BLASgemm_), 32-bit integers as Debian's libblas.so.3 */
extern void dgemm_(const char *, const char *, const int *, const int *, const int *, const double *, const double *, const int *, const double *, const int *, const double *, double *, const int *);

/* calloc: zero-filled, and a large block comes straight from fresh (already zero) pages, so
   that an arena costs no pass over its memory before its first use */
static void *Alloc(const KGNNEngine *E, size_t bytes)
{
  (void)E;
  return calloc(1, bytes ? bytes : 1);
}

static void Free(const KGNNEngine *E, void *p)
{
  (void)E;
  free(p);
}

static void Zero(const KGNNEngine *E, KGNNReal *x, size_t n)
{
  (void)E;
  if (n) memset(x, 0, n * sizeof(KGNNReal));
}

static void Copy(const KGNNEngine *E, KGNNReal *dst, const KGNNReal *src, size_t n)
{
  (void)E;
  if (n && dst != src) memcpy(dst, src, n * sizeof(KGNNReal));
}

static KGNNErr Gemm(const KGNNEngine *E, char ta, char tb, KGNNInt m, KGNNInt n, KGNNInt k, KGNNReal alpha, const KGNNReal *A, KGNNInt lda, const KGNNReal *B, KGNNInt ldb, KGNNReal beta, KGNNReal *C, KGNNInt ldc)
{
  const int im = m, in = n, ik = k, ia = lda, ib = ldb, ic = ldc;
  (void)E;
  if (m < 0 || n < 0 || k < 0) return KGNN_ERR_ARGUMENT;
  dgemm_(&ta, &tb, &im, &in, &ik, &alpha, A, &ia, B, &ib, &beta, C, &ic);
  return KGNN_OK;
}

static void BiasRows(const KGNNEngine *E, KGNNInt m, KGNNInt w, const KGNNReal *b, KGNNReal *Y, int accumulate)
{
  (void)E;
  if (accumulate)
    for (KGNNInt r = 0; r < m; r++)
      for (KGNNInt c = 0; c < w; c++) Y[(size_t)r * w + c] += b[c];
  else
    for (KGNNInt r = 0; r < m; r++) memcpy(Y + (size_t)r * w, b, (size_t)w * sizeof(KGNNReal));
}

static void BiasBackward(const KGNNEngine *E, KGNNInt m, KGNNInt w, const KGNNReal *dY, KGNNReal *db)
{
  (void)E;
  for (KGNNInt r = 0; r < m; r++)
    for (KGNNInt c = 0; c < w; c++) db[c] += dY[(size_t)r * w + c];
}

static void GatherAdd(const KGNNEngine *E, KGNNInt m, KGNNInt w, const KGNNInt *i1, const KGNNReal *X1, const KGNNInt *i2, const KGNNReal *X2, KGNNReal *Y)
{
  (void)E;
  if (i2)
    for (KGNNInt k = 0; k < m; k++)
      for (KGNNInt c = 0; c < w; c++) Y[(size_t)k * w + c] += X1[(size_t)i1[k] * w + c] + X2[(size_t)i2[k] * w + c];
  else
    for (KGNNInt k = 0; k < m; k++)
      for (KGNNInt c = 0; c < w; c++) Y[(size_t)k * w + c] += X1[(size_t)i1[k] * w + c];
}

static void ScatterAdd(const KGNNEngine *E, KGNNInt m, KGNNInt w, const KGNNInt *idx, const KGNNReal *X, KGNNReal *Y)
{
  (void)E;
  for (KGNNInt k = 0; k < m; k++)
    for (KGNNInt c = 0; c < w; c++) Y[(size_t)idx[k] * w + c] += X[(size_t)k * w + c];
}

static void SegmentMean(const KGNNEngine *E, KGNNInt n, KGNNInt w, const KGNNReal *deg, KGNNReal *Y)
{
  (void)E;
  for (KGNNInt i = 0; i < n; i++)
    for (KGNNInt c = 0; c < w; c++) Y[(size_t)i * w + c] /= deg[i];
}

static void SegmentMeanBackward(const KGNNEngine *E, KGNNInt m, KGNNInt w, const KGNNInt *idx, const KGNNReal *deg, const KGNNReal *dY, KGNNReal *dX)
{
  (void)E;
  for (KGNNInt k = 0; k < m; k++)
    for (KGNNInt c = 0; c < w; c++) dX[(size_t)k * w + c] = dY[(size_t)idx[k] * w + c] / deg[idx[k]];
}

/* minus the maximum, exponentiated, divided by the sum + 1e-16 (PyG's softmax) */
static void Softmax(const KGNNEngine *E, KGNNInt m, KGNNInt n, KGNNInt s, const KGNNInt *idx, KGNNReal *score, KGNNReal *work)
{
  (void)E;
  for (size_t k = 0; k < (size_t)n * s; k++) work[k] = -DBL_MAX;
  for (KGNNInt k = 0; k < m; k++)
    for (KGNNInt c = 0; c < s; c++) work[idx[k] * s + c] = KGNNMax(work[idx[k] * s + c], score[k * s + c]);
  for (KGNNInt k = 0; k < m; k++)
    for (KGNNInt c = 0; c < s; c++) score[k * s + c] = exp(score[k * s + c] - work[idx[k] * s + c]);
  for (size_t k = 0; k < (size_t)n * s; k++) work[k] = 0;
  for (KGNNInt k = 0; k < m; k++)
    for (KGNNInt c = 0; c < s; c++) work[idx[k] * s + c] += score[k * s + c];
  for (KGNNInt k = 0; k < m; k++)
    for (KGNNInt c = 0; c < s; c++) score[k * s + c] /= work[idx[k] * s + c] + 1e-16;
}

/* dscore_k = alpha_k (dalpha_k - sum of alpha_j dalpha_j over the j with idx[j] = idx[k]): PyG
   detaches the maximum, and the 1e-16 does not change d alpha_k / d s_j = alpha_k (delta_kj - alpha_j) */
static void SoftmaxBackward(const KGNNEngine *E, KGNNInt m, KGNNInt n, KGNNInt s, const KGNNInt *idx, const KGNNReal *alpha, const KGNNReal *dalpha, KGNNReal *dscore, KGNNReal *work)
{
  (void)E;
  for (size_t k = 0; k < (size_t)n * s; k++) work[k] = 0;
  for (KGNNInt k = 0; k < m; k++)
    for (KGNNInt c = 0; c < s; c++) work[idx[k] * s + c] += alpha[k * s + c] * dalpha[k * s + c];
  for (KGNNInt k = 0; k < m; k++)
    for (KGNNInt c = 0; c < s; c++) dscore[k * s + c] = alpha[k * s + c] * (dalpha[k * s + c] - work[idx[k] * s + c]);
}

static const KGNNEngine cpu = {"cpu", Alloc, Free, Zero, Copy, Gemm, BiasRows, BiasBackward, GatherAdd, ScatterAdd, SegmentMean, SegmentMeanBackward, Softmax, SoftmaxBackward};

const KGNNEngine *KGNNEngineCPU(void)
{
  return &cpu;
}

const KGNNEngine *const *KGNNEngines(int *count)
{
  static const KGNNEngine *const list[] = {&cpu};
  *count                                = (int)(sizeof(list) / sizeof(list[0]));
  return list;
}

const char *KGNNErrString(KGNNErr e)
{
  static const char *msg[KGNN_ERR_COUNT] = {"no error",
                                            "out of memory in the model engine",
                                            "an argument out of range",
                                            "arrays of different shapes (a tape or gradient from another graph or architecture)",
                                            "a layer name not in the table (src/model/layers.c)",
                                            "a tape is still alive on this model (destroy it first)",
                                            "a NaN or Inf value"};
  return (int)e >= 0 && e < KGNN_ERR_COUNT ? msg[e] : "unknown model error";
}
