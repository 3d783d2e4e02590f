/* After training (or for -evaluate MODEL): the test split as a preconditioner (issue 12: "judge by preconditioner
   quality"). The best weights, as written to -out (or MODEL), run through PCGNN on every test sample (at most
   -quality_max) against the sample's target factor, by KGNNSampleQuality (src/dataset/quality.c):
   CG iterations, convergence by the benchmark's true-residual rule, the cosine, K(L^T A^-1 L)
   over the target's and, with -quality_cond, cond(L^-1 A L^-T). One row a sample in
   OUT.quality.csv (MODEL.quality.csv) (atomic), medians on stdout. */
#include "train.h"

static int CmpReal(const void *a, const void *b)
{
  PetscReal x = *(const PetscReal *)a, y = *(const PetscReal *)b;
  return (x > y) - (x < y);
}

/* the median of the finite values among v[0..n-1] (reordered), NaN if none */
static PetscReal Median(PetscInt n, PetscReal *v)
{
  PetscInt m = 0;
  for (PetscInt k = 0; k < n; k++)
    if (!PetscIsNanReal(v[k])) v[m++] = v[k];
  if (!m) return (PetscReal)NAN;
  qsort(v, (size_t)m, sizeof(*v), CmpReal);
  return m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
}

static const char *Num(PetscReal x, char *buf, size_t len)
{
  snprintf(buf, len, "%.4g", (double)x);
  return buf;
}

static const char *Its(const KGNNCGResult *r, char *buf, size_t len)
{
  if (r->converged) snprintf(buf, len, "%d", (int)r->its);
  else snprintf(buf, len, "fail (%s)", KSPConvergedReasons[r->reason]);
  return buf;
}

PetscErrorCode KGNNTrainerQualityReport(KGNNTrainer T, const char model[])
{
  const PetscInt cnt = PetscMin(T->ntest, T->quality_max);
  KGNNQuality   *q;
  PetscReal     *its, *tits, *ratio, *kr, *cs, *cd;
  PetscInt       conv = 0, tconv = 0, both = 0;
  char           csv[PETSC_MAX_PATH_LEN + 16], tmp[PETSC_MAX_PATH_LEN + 24], b1[64], b2[64];
  FILE          *fp;

  PetscFunctionBegin;
  if (!T->quality || !cnt) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscMalloc1(cnt, &q));
  PetscCall(PetscMalloc6(cnt, &its, cnt, &tits, cnt, &ratio, cnt, &kr, cnt, &cs, cnt, &cd));
  if (!T->quiet) PetscCall(PetscPrintf(PETSC_COMM_SELF, "kgnn-train: the test split as a preconditioner: PCGNN with %s (-pc_gnn_fallback none -pc_gnn_check false) against the target factor; CG rtol 1e-8, unpreconditioned norm, b = ones\n", model));
  for (PetscInt k = 0; k < cnt; k++) {
    const KGNNSample *s = &T->test[k];
    PetscCall(KGNNSampleQuality(s, model, T->quality_dense, T->quality_cond, &q[k]));
    conv += q[k].net.converged, tconv += q[k].target.converged;
    its[k]   = q[k].net.converged ? (PetscReal)q[k].net.its : (PetscReal)NAN;
    tits[k]  = q[k].target.converged ? (PetscReal)q[k].target.its : (PetscReal)NAN;
    ratio[k] = (q[k].net.converged && q[k].target.converged) ? (PetscReal)q[k].net.its / PetscMax(1, q[k].target.its) : (PetscReal)NAN;
    both += q[k].net.converged && q[k].target.converged;
    kr[k] = q[k].kratio, cs[k] = q[k].cosine, cd[k] = q[k].cond;
    if (!T->quiet) {
      char line[512]; /* C's printf, which writes inf and nan as such */
      snprintf(line, sizeof(line), "  %-20s n %6d  PCGNN %-24s target (%s) %-24s cosine %.6f  K ratio %.4f", s->name, (int)s->n, Its(&q[k].net, b1, sizeof(b1)), s->method, Its(&q[k].target, b2, sizeof(b2)), (double)q[k].cosine, (double)q[k].kratio);
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "%s", line));
      if (T->quality_cond) PetscCall(PetscPrintf(PETSC_COMM_SELF, "  cond %s", Num(q[k].cond, b1, sizeof(b1))));
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "\n"));
    }
  }
  PetscCall(PetscSNPrintf(csv, sizeof(csv), "%s.quality.csv", model));
  PetscCall(KGNNAtomicOpen(csv, tmp, sizeof(tmp), &fp));
  fprintf(fp, "name,n,method,gnn_iterations,gnn_converged,target_iterations,target_converged,cosine,k_ratio,gnn_cond\n");
  for (PetscInt k = 0; k < cnt; k++) {
    const KGNNSample *s = &T->test[k];
    fprintf(fp, "%s,%d,%s,%d,%d,%d,%d,%.17g,%.17g,%.17g\n", s->name, (int)s->n, s->method, (int)q[k].net.its, (int)q[k].net.converged, (int)q[k].target.its, (int)q[k].target.converged, (double)q[k].cosine, (double)q[k].kratio, (double)q[k].cond);
  }
  PetscCall(KGNNAtomicClose(&fp, tmp, csv));
  if (!T->quiet) {
    const PetscReal mcs = Median(cnt, cs), mkr = Median(cnt, kr), mcd = Median(cnt, cd), mits = Median(cnt, its), mtits = Median(cnt, tits), mratio = Median(cnt, ratio);
    char            line[1024];
    snprintf(line, sizeof(line), "kgnn-train: test split (%d samples): PCGNN converged on %d (target factor %d); median CG iterations %.1f (target %.1f), median PCGNN / target iterations %.2f over %d; median cosine %.6f, median K ratio %.4f",
             (int)cnt, (int)conv, (int)tconv, (double)mits, (double)mtits, (double)mratio, (int)both, (double)mcs, (double)mkr);
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "%s", line));
    if (T->quality_cond) PetscCall(PetscPrintf(PETSC_COMM_SELF, ", median cond %s", Num(mcd, b1, sizeof(b1))));
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "; per sample in %s\n", csv));
  }
  PetscCall(PetscFree6(its, tits, ratio, kr, cs, cd));
  PetscCall(PetscFree(q));
  PetscFunctionReturn(PETSC_SUCCESS);
}
