/* The CPU engine: malloc'd memory and the kernels of engine.h as loops over kernels.h's bodies, with the
   reference BLAS interface's dgemm_ (OpenBLAS on Debian, the library PETSc links) for the
   products: the same calls, in the same order, as before the engine existed, so the results
   are the same to the bit. */
#include "engine.h"
#include "kernels.h"
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

/* the kernels: each body of kernels.h in a loop over its indices (rows, then channels: the
   order of the loops before kernels.h, and per output the CUDA engine's order) */
#define ROWS(m, w, body)                                                                                                                                                                                                                                 \
  for (size_t k = 0; k < (size_t)(m); k++)                                                                                                                                                                                                               \
    for (size_t c = 0; c < (size_t)(w); c++) body

static void BiasRows(const KGNNEngine *E, KGNNInt m, KGNNInt w, const KGNNReal *b, KGNNReal *Y, int accumulate)
{
  (void)E;
  /* the branch on accumulate hoisted out of the loops (the same bits: a copy, or the kernel's
     sum), so that the compiler vectorises each; per element it cost PCGNN's forward ~5% */
  if (accumulate) ROWS(m, w, KGNNKBiasRows(k, c, w, b, Y, 1));
  else
    for (size_t k = 0; k < (size_t)m; k++) memcpy(Y + k * (size_t)w, b, (size_t)w * sizeof(KGNNReal));
}

static void BiasBackward(const KGNNEngine *E, KGNNInt m, KGNNInt w, const KGNNReal *dY, KGNNReal *db)
{
  (void)E;
  ROWS(m, w, KGNNKBiasBackward(k, c, w, dY, db));
}

static void GatherAdd(const KGNNEngine *E, KGNNInt m, KGNNInt w, const KGNNInt *i1, const KGNNReal *X1, const KGNNInt *i2, const KGNNReal *X2, KGNNReal *Y)
{
  (void)E;
  ROWS(m, w, KGNNKGatherAdd(k, c, w, i1, X1, i2, X2, Y));
}

static void ScatterAdd(const KGNNEngine *E, KGNNInt m, KGNNInt w, const KGNNInt *idx, const KGNNReal *X, KGNNReal *Y)
{
  (void)E;
  ROWS(m, w, KGNNKScatterAdd(k, c, w, idx, X, Y));
}

static void SegmentMean(const KGNNEngine *E, KGNNInt n, KGNNInt w, const KGNNReal *deg, KGNNReal *Y)
{
  (void)E;
  ROWS(n, w, KGNNKSegmentMean(k, c, w, deg, Y));
}

static void SegmentMeanBackward(const KGNNEngine *E, KGNNInt m, KGNNInt w, const KGNNInt *idx, const KGNNReal *deg, const KGNNReal *dY, KGNNReal *dX)
{
  (void)E;
  ROWS(m, w, KGNNKSegmentMeanBackward(k, c, w, idx, deg, dY, dX));
}

static void Softmax(const KGNNEngine *E, KGNNInt m, KGNNInt n, KGNNInt s, const KGNNInt *idx, KGNNReal *score, KGNNReal *work)
{
  (void)E;
  for (int pass = 0; pass < 4; pass++) {
    if (pass == 0 || pass == 2)
      for (size_t k = 0; k < (size_t)n * s; k++) work[k] = pass ? 0 : -DBL_MAX;
    ROWS(m, s, KGNNKSoftmaxStep(pass, k, c, s, idx, score, work));
  }
}

/* PyG detaches the maximum, and the 1e-16 does not change d alpha_k / d s_j = alpha_k (delta_kj - alpha_j) */
static void SoftmaxBackward(const KGNNEngine *E, KGNNInt m, KGNNInt n, KGNNInt s, const KGNNInt *idx, const KGNNReal *alpha, const KGNNReal *dalpha, KGNNReal *dscore, KGNNReal *work)
{
  (void)E;
  for (size_t k = 0; k < (size_t)n * s; k++) work[k] = 0;
  for (int pass = 0; pass < 2; pass++) ROWS(m, s, KGNNKSoftmaxBackwardStep(pass, k, c, s, idx, alpha, dalpha, dscore, work));
}

static void SegmentSum(const KGNNEngine *E, KGNNInt n, KGNNInt w, const KGNNInt *rptr, const KGNNInt *eidx, const KGNNReal *X, KGNNReal *Y)
{
  (void)E;
  ROWS(n, w, KGNNKSegmentSum(k, c, w, rptr, eidx, X, Y));
}

static void SegmentSoftmax(const KGNNEngine *E, KGNNInt n, KGNNInt s, const KGNNInt *rptr, const KGNNInt *eidx, KGNNReal *score)
{
  (void)E;
  ROWS(n, s, KGNNKSegmentSoftmax(k, c, s, rptr, eidx, score));
}

static void SegmentSoftmaxBackward(const KGNNEngine *E, KGNNInt n, KGNNInt s, const KGNNInt *rptr, const KGNNInt *eidx, const KGNNReal *alpha, const KGNNReal *dalpha, KGNNReal *dscore)
{
  (void)E;
  ROWS(n, s, KGNNKSegmentSoftmaxBackward(k, c, s, rptr, eidx, alpha, dalpha, dscore));
}

static void Relu(const KGNNEngine *E, size_t len, const KGNNReal *z, KGNNReal *a)
{
  (void)E;
  for (size_t t = 0; t < len; t++) KGNNKRelu(t, z, a);
}

static void ReluBackward(const KGNNEngine *E, size_t len, const KGNNReal *z, KGNNReal *dx)
{
  (void)E;
  for (size_t t = 0; t < len; t++) KGNNKReluBackward(t, z, dx);
}

static void Add(const KGNNEngine *E, size_t len, const KGNNReal *x, const KGNNReal *y, KGNNReal *z)
{
  (void)E;
  for (size_t t = 0; t < len; t++) KGNNKAdd(t, x, y, z);
}

static void Fill(const KGNNEngine *E, size_t len, KGNNReal v, KGNNReal *x)
{
  (void)E;
  for (size_t t = 0; t < len; t++) KGNNKFill(t, v, x);
}

static void EdgeInput(const KGNNEngine *E, KGNNInt m, KGNNInt ei, int positional, KGNNInt mreal, const KGNNReal *a, const KGNNReal *scale, const KGNNInt *batch, const KGNNInt *sender, const KGNNInt *receiver, KGNNReal *xe)
{
  (void)E;
  for (size_t k = 0; k < (size_t)m; k++) KGNNKEdgeInput(k, ei, positional, mreal, a, scale, batch, sender, receiver, xe);
}

/* host memory is the engine's: copies are memcpy, and nothing runs asynchronously */
static KGNNErr Transfer(const KGNNEngine *E, void *dst, const void *src, size_t bytes)
{
  (void)E;
  if (bytes && dst != src) memcpy(dst, src, bytes);
  return KGNN_OK;
}

static KGNNErr Sync(const KGNNEngine *E)
{
  (void)E;
  return KGNN_OK;
}

static const KGNNEngine cpu = {.name                         = "cpu",
                               .alloc                        = Alloc,
                               .free                         = Free,
                               .zero                         = Zero,
                               .copy                         = Copy,
                               .gemm                         = Gemm,
                               .bias_rows                    = BiasRows,
                               .bias_backward                = BiasBackward,
                               .gather_add                   = GatherAdd,
                               .scatter_add                  = ScatterAdd,
                               .segment_mean                 = SegmentMean,
                               .segment_mean_backward        = SegmentMeanBackward,
                               .segment_softmax              = Softmax,
                               .segment_softmax_backward     = SoftmaxBackward,
                               .segment_sum                  = SegmentSum,
                               .segment_softmax_csr          = SegmentSoftmax,
                               .segment_softmax_csr_backward = SegmentSoftmaxBackward,
                               .relu                         = Relu,
                               .relu_backward                = ReluBackward,
                               .add                          = Add,
                               .fill                         = Fill,
                               .edge_input                   = EdgeInput,
                               .to_engine                    = Transfer,
                               .to_host                      = Transfer,
                               .sync                         = Sync};

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
                                            "a NaN or Inf value",
                                            "the engine's device failed (a CUDA launch, copy or library call; the CUDA engine's message says which)"};
  return (int)e >= 0 && e < KGNN_ERR_COUNT ? msg[e] : "unknown model error";
}
