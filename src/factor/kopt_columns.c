/* Numeric phase of Algorithm 1: n independent column problems C_i z_i = gamma_i e_1 (Sec. 4.1),
   each a small dense SPD solve.

   Most columns are tiny (3 rows on 2D Poisson, 4 on 3D): one LAPACK potrf + potrs per column
   spends more time in the calls than in the arithmetic. Columns of up to KOPT_BATCH_MAXK rows
   are therefore solved in batches of KOPT_BATCH_W columns of the same size (grouped by size in
   the symbolic phase), each batch's matrices interleaved so that the Cholesky factorization and
   the two triangular solves run across the batch in the innermost loop, where the compiler
   vectorizes them; longer columns go to LAPACK one by one. Measured on 2D Poisson 1000^2 (one
   column problem of 3 rows per row, `-log_view` KOPTColumns, which includes the unit form for
   the apply): 0.31-0.43 s with LAPACK per column, 0.06-0.08 s batched. */
#include "../kgnn_impl.h"
#include <petscblaslapack.h>

#define KOPT_BATCH_W 8
#define KOPT_BATCH_MAXK 12

/* line 6: L(s_i, i) = v_i / sqrt(v_i(1)); 0 on success, 1 when v_i(1) <= 0 or a value is not finite */
static int StoreColumn(KGNNLower *L, PetscInt i, const PetscScalar *v, PetscInt stride)
{
  PetscInt  k  = L->colptr[i + 1] - L->colptr[i];
  PetscReal v0 = PetscRealPart(v[0]);

  if (!(v0 > 0) || PetscIsInfOrNanReal(v0)) return 1;
  v0 = PetscSqrtReal(v0);
  for (PetscInt r = 0; r < k; r++) {
    PetscScalar x = v[r * stride] / v0;
    if (PetscIsInfOrNanScalar(x)) return 1;
    L->val[L->colptr[i] + r] = x;
  }
  return 0;
}

/* Algorithm 1, lines 4-6, for KOPT_BATCH_W columns cols[] of k rows each (count of them real,
   the rest padding). B holds the lower triangles column by column, lane w of entry e at
   B[e * W + w]; the Cholesky factor overwrites it. *failcol = the smallest failing column. */
static void BatchColumns(KGNNKoptSymbolic *S, const PetscScalar *Pval, PetscInt k, const PetscInt *cols, PetscInt count, PetscScalar *B, PetscScalar *y, PetscInt *failcol)
{
  const PetscInt W                 = KOPT_BATCH_W;
  PetscInt       m                 = k * (k + 1) / 2, off[KOPT_BATCH_MAXK];
  int            bad[KOPT_BATCH_W] = {0};

  for (PetscInt l = 0, o = 0; l < k; l++) off[l] = o, o += k - l; /* entry (r, l) at off[l] + r - l */
  /* line 4: B_i = A^-1(s_i, s_i), lower triangle; padding lanes get the identity */
  for (PetscInt w = 0; w < W; w++) {
    if (w < count) {
      const PetscInt *map = S->map + S->mapptr[cols[w]];
      for (PetscInt e = 0; e < m; e++) B[e * W + w] = Pval[map[e]];
    } else
      for (PetscInt l = 0; l < k; l++)
        for (PetscInt r = l; r < k; r++) B[(off[l] + r - l) * W + w] = r == l;
  }
  /* line 5: Cholesky B = C C^T (left-looking, as LAPACK's potf2), then C C^T v = e_1 */
  for (PetscInt j = 0; j < k; j++) {
    PetscScalar *cjj = B + off[j] * W;
    for (PetscInt p = 0; p < j; p++) {
      const PetscScalar *cjp = B + (off[p] + j - p) * W;
      for (PetscInt w = 0; w < W; w++) cjj[w] -= cjp[w] * cjp[w];
    }
    for (PetscInt w = 0; w < W; w++) {
      PetscReal d = PetscRealPart(cjj[w]);
      if (!(d > 0) || PetscIsInfOrNanReal(d)) bad[w] = 1, d = 1;
      cjj[w] = PetscSqrtReal(d);
    }
    for (PetscInt r = j + 1; r < k; r++) {
      PetscScalar *crj = B + (off[j] + r - j) * W;
      for (PetscInt p = 0; p < j; p++) {
        const PetscScalar *crp = B + (off[p] + r - p) * W, *cjp = B + (off[p] + j - p) * W;
        for (PetscInt w = 0; w < W; w++) crj[w] -= crp[w] * cjp[w];
      }
      for (PetscInt w = 0; w < W; w++) crj[w] /= cjj[w];
    }
  }
  for (PetscInt r = 0; r < k; r++) { /* C y = e_1 */
    for (PetscInt w = 0; w < W; w++) y[r * W + w] = r == 0;
    for (PetscInt p = 0; p < r; p++) {
      const PetscScalar *crp = B + (off[p] + r - p) * W;
      for (PetscInt w = 0; w < W; w++) y[r * W + w] -= crp[w] * y[p * W + w];
    }
    for (PetscInt w = 0; w < W; w++) y[r * W + w] /= B[off[r] * W + w];
  }
  for (PetscInt r = k - 1; r >= 0; r--) { /* C^T v = y, in place */
    for (PetscInt p = r + 1; p < k; p++) {
      const PetscScalar *cpr = B + (off[r] + p - r) * W;
      for (PetscInt w = 0; w < W; w++) y[r * W + w] -= cpr[w] * y[p * W + w];
    }
    for (PetscInt w = 0; w < W; w++) y[r * W + w] /= B[off[r] * W + w];
  }
  /* line 6 */
  for (PetscInt w = 0; w < count; w++)
    if ((bad[w] || StoreColumn(&S->L, cols[w], y + w, W)) && (*failcol < 0 || cols[w] < *failcol)) *failcol = cols[w];
}

PetscErrorCode KGNNKoptColumns(KGNNKoptSymbolic *S, const PetscScalar *Pval, PetscInt *failcol)
{
  KGNNLower   *L = &S->L;
  PetscScalar *B, *v, *Bb, *yb;
  PetscInt     n = L->n, kmax = PetscMin(S->maxcol, KOPT_BATCH_MAXK);

  PetscFunctionBegin;
  *failcol = -1;
  PetscCall(PetscMalloc2(S->maxcol * S->maxcol, &B, S->maxcol, &v));
  PetscCall(PetscMalloc2(KOPT_BATCH_W * kmax * (kmax + 1) / 2, &Bb, KOPT_BATCH_W * kmax, &yb));
  /* the small columns, by size, in batches */
  for (PetscInt k = 1; k <= kmax; k++)
    for (PetscInt q = S->sizeptr[k]; q < S->sizeptr[k + 1]; q += KOPT_BATCH_W) BatchColumns(S, Pval, k, S->bysize + q, PetscMin(KOPT_BATCH_W, S->sizeptr[k + 1] - q), Bb, yb, failcol);
  /* the others, one LAPACK solve each */
  for (PetscInt q = S->sizeptr[kmax + 1]; q < n; q++) {
    PetscInt        i   = S->bysize[q];
    PetscInt        k   = L->colptr[i + 1] - L->colptr[i];
    const PetscInt *map = S->map + S->mapptr[i];
    PetscBLASInt    bk, one = 1, info;

    /* Algorithm 1, line 4: B_i = A^-1(s_i, s_i), lower triangle */
    for (PetscInt l = 0; l < k; l++)
      for (PetscInt r = l; r < k; r++) B[r + l * k] = Pval[*map++];
    /* line 5: v_i = B_i^-1 e_1 */
    for (PetscInt r = 0; r < k; r++) v[r] = 0.0;
    v[0] = 1.0;
    PetscCall(PetscBLASIntCast(k, &bk));
    PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("L", &bk, B, &bk, &info));
    if (info == 0) PetscCallBLAS("LAPACKpotrs", LAPACKpotrs_("L", &bk, &one, B, &bk, v, &bk, &info));
    /* line 6 */
    if ((info != 0 || StoreColumn(L, i, v, 1)) && (*failcol < 0 || i < *failcol)) *failcol = i;
  }
  PetscCall(PetscFree2(Bb, yb));
  PetscCall(PetscFree2(B, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}
