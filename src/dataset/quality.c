/* A trained model as a user meets it: PCGNN (-pc_gnn_fallback none -pc_gnn_check false, so the
   network's own factor is judged, as in make paper's CG table) on a sample's matrix under the benchmark protocol (protocol.c), against the sample's
   target factor (PCKOPT's, IC(0)'s, or the exact one of a synthetic pair) on the same run, with
     - the cosine of the two factors over tril(A), the paper's training measure (Sec. 6.2);
     - Kaporin's K(L^T A^-1 L) of PCGNN's factor over the target's, the functional Algorithm 1
       minimises over the pattern: 1 when PCGNN reproduces the K-optimal factor up to scale,
       > 1 otherwise (and below 1 against a target that is not K-optimal, such as IC(0)'s);
     - optionally cond(L^-1 A L^-T) of PCGNN's factor (SLEPc, spectrum.c).
   A cosine of 0.999 can leave CG 30 times slower than the exact factor (issue 12): the iterations
   and K say what the cosine hides.
   K(L^T A^-1 L) = (tr / n) / det^(1/n) with tr = sum_j l_j^T A^-1(s_j, s_j) l_j over L's columns
   l_j (rows s_j) and det = prod_j L_jj^2 / det A; det A cancels in the ratio of two factors:
     log ratio = log(tr_net / tr_target) - (2/n) sum_j log(L_jj,net / L_jj,target).
   It needs A^-1 on the pairs of each column's rows: formed densely (Cholesky, n^3 / 3 flops) up to
   a size the caller chooses, NaN above it. */
#include "../kgnn_impl.h"
#include "dataset.h"
#include <petscblaslapack.h>
#include <math.h>

/* A (every stored entry of the sample) and the target factor (its entries with i >= j) */
static PetscErrorCode SampleMats(const KGNNSample *s, Mat *A, Mat *Lt)
{
  PetscInt *na, *nl;

  PetscFunctionBegin;
  PetscCall(PetscCalloc2(s->n, &na, s->n, &nl));
  for (PetscInt k = 0; k < s->nnz; k++) na[s->row[k]]++, nl[s->row[k]] += s->col[k] <= s->row[k];
  PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, s->n, s->n, 0, na, A));
  PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, s->n, s->n, 0, nl, Lt));
  for (PetscInt k = 0; k < s->nnz; k++) {
    PetscScalar a = s->a[k], y = s->y[k];
    PetscCall(MatSetValue(*A, s->row[k], s->col[k], a, INSERT_VALUES));
    if (s->col[k] <= s->row[k]) PetscCall(MatSetValue(*Lt, s->row[k], s->col[k], y, INSERT_VALUES));
  }
  PetscCall(MatAssemblyBegin(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyBegin(*Lt, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*Lt, MAT_FINAL_ASSEMBLY));
  PetscCall(PetscFree2(na, nl));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A^-1, dense and column-major, by Cholesky; *ok false if A is not numerically SPD */
static PetscErrorCode DenseInverse(const KGNNSample *s, PetscScalar *W, PetscBool *ok)
{
  PetscBLASInt bn, info;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(s->n, &bn));
  PetscCall(PetscArrayzero(W, (size_t)s->n * s->n));
  for (PetscInt k = 0; k < s->nnz; k++) W[(size_t)s->col[k] * s->n + s->row[k]] = s->a[k];
  LAPACKpotrf_("L", &bn, W, &bn, &info);
  if (!info) LAPACKpotri_("L", &bn, W, &bn, &info);
  *ok = info ? PETSC_FALSE : PETSC_TRUE;
  for (PetscInt j = 0; j < s->n; j++) /* potri fills the lower triangle: mirror it */
    for (PetscInt i = j + 1; i < s->n; i++) W[(size_t)i * s->n + j] = W[(size_t)j * s->n + i];
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* tr(L^T A^-1 L) and sum_j log |L_jj| for L's values l on the sample's lower entries; the columns'
   entries by ptr/pos (a column-wise view of the lower entries); logd = NaN if some L_jj = 0 */
static void TraceLogDiag(const KGNNSample *s, const PetscInt *ptr, const PetscInt *pos, const PetscScalar *W, const PetscReal *l, PetscReal *tr, PetscReal *logd)
{
  *tr = 0, *logd = 0;
  for (PetscInt j = 0; j < s->n; j++)
    for (PetscInt p = ptr[j]; p < ptr[j + 1]; p++) {
      const PetscInt kp = pos[p], ip = s->row[kp];
      PetscReal      acc = 0;
      for (PetscInt q = ptr[j]; q < ptr[j + 1]; q++) acc += PetscRealPart(W[(size_t)s->row[pos[q]] * s->n + ip]) * l[pos[q]];
      *tr += l[kp] * acc;
      if (ip == j) *logd += l[kp] != 0 ? PetscLogReal(PetscAbsReal(l[kp])) : (PetscReal)NAN; /* det(X) has L_jj^2: a column's sign is free */
    }
}

/* K(L^T A^-1 L) of l over that of lt, both L's values on the sample's entries with col <= row
   (others ignored); NaN if A is not numerically SPD, Inf if l has a zero on its diagonal (singular) */
PetscErrorCode KGNNSampleKaporinRatio(const KGNNSample *s, const PetscReal *l, const PetscReal *lt, PetscReal *ratio)
{
  PetscScalar *W;
  PetscInt    *ptr, *pos;
  PetscBool    ok = PETSC_FALSE;
  PetscReal    tr, trt, ld, ldt;

  PetscFunctionBegin;
  *ratio = (PetscReal)NAN;
  PetscCall(PetscMalloc1((size_t)s->n * s->n, &W));
  PetscCall(PetscCalloc2(s->n + 1, &ptr, s->nnz, &pos));
  for (PetscInt k = 0; k < s->nnz; k++) ptr[s->col[k] + 1] += s->col[k] <= s->row[k];
  for (PetscInt j = 0; j < s->n; j++) ptr[j + 1] += ptr[j];
  for (PetscInt k = 0; k < s->nnz; k++)
    if (s->col[k] <= s->row[k]) pos[ptr[s->col[k]]++] = k;
  for (PetscInt j = s->n; j > 0; j--) ptr[j] = ptr[j - 1]; /* the fill advanced each start to the next one's */
  ptr[0] = 0;
  PetscCall(DenseInverse(s, W, &ok));
  if (ok) {
    TraceLogDiag(s, ptr, pos, W, l, &tr, &ld);
    TraceLogDiag(s, ptr, pos, W, lt, &trt, &ldt);
    *ratio = PetscExpReal(PetscLogReal(tr / trt) - 2.0 * (ld - ldt) / s->n);
    if (PetscIsNanReal(ld) && !PetscIsNanReal(ldt)) *ratio = (PetscReal)INFINITY;
  }
  PetscCall(PetscFree(W));
  PetscCall(PetscFree2(ptr, pos));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNSampleQuality(const KGNNSample *s, const char model[], PetscInt dense_max, PetscBool cond, KGNNQuality *q)
{
  Mat        A, Lt, Ln = NULL;
  KSP        ksp;
  PC         pc;
  PetscReal *yl, *nl, dot = 0, ny = 0, nn = 0;

  PetscFunctionBegin;
  PetscCall(KGNNInitializePackage()); /* PCGNN registered for programs that never did */
  q->cosine = q->kratio = q->cond = (PetscReal)NAN;
  PetscCall(SampleMats(s, &A, &Lt));
  PetscCall(KGNNCGWithFactor(A, Lt, &q->target));
  PetscCall(KSPCreate(PETSC_COMM_SELF, &ksp));
  PetscCall(KSPSetOperators(ksp, A, A));
  PetscCall(KGNNCGSetDefaults(ksp));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCGNN));
  PetscCall(PCGNNSetModel(pc, model));
  PetscCall(PCGNNSetFallback(pc, PCGNN_FALLBACK_NONE)); /* the network's factor, judged as it is: */
  PetscCall(PCGNNSetCheck(pc, PETSC_FALSE, 1e30));      /* no setup check to turn it into a failure */
  PetscCall(KGNNCGRun(ksp, &q->net));
  {
    PCFailedReason why;
    PetscCall(PCGetFailedReason(pc, &why));
    if (why == PC_NOERROR) PetscCall(PCGNNGetFactor(pc, &Ln));
  }
  PetscCall(KSPDestroy(&ksp));
  if (Ln) {
    PetscCall(PetscMalloc2(s->nnz, &yl, s->nnz, &nl));
    PetscCall(KGNNSampleLowerValues(s, Lt, yl));
    PetscCall(KGNNSampleLowerValues(s, Ln, nl));
    for (PetscInt k = 0; k < s->nnz; k++) dot += yl[k] * nl[k], ny += yl[k] * yl[k], nn += nl[k] * nl[k];
    q->cosine = dot / PetscSqrtReal(ny * nn);
    if (s->n <= dense_max) PetscCall(KGNNSampleKaporinRatio(s, nl, yl, &q->kratio));
    if (cond) {
      PetscReal      lmin, lmax;
      PetscErrorCode ierr;
      PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
      ierr = KGNNFactorSpectrum(A, Ln, &lmin, &lmax);
      PetscCall(PetscPopErrorHandler());
      if (!ierr) q->cond = lmax / lmin;
    }
    PetscCall(PetscFree2(yl, nl));
    PetscCall(MatDestroy(&Ln));
  }
  PetscCall(MatDestroy(&Lt));
  PetscCall(MatDestroy(&A));
  PetscFunctionReturn(PETSC_SUCCESS);
}
