/* The synthetic benchmark of Sec. 5.1 and Eq. 8: tridiagonal SPD matrices whose Cholesky
   factor depends non-locally on the matrix, built from a bidiagonal L whose inverse is
   rank-1 semiseparable, (L^-1)_ij = u_i v_j for i >= j.

   Closed form of L: from (L^-1 L)_ij = 0 for i > j, u_i (v_j L_jj + v_j+1 L_j+1,j) = 0, and
   from the diagonal u_j v_j L_jj = 1:
       L_jj = 1 / (u_j v_j),   L_j+1,j = -1 / (u_j v_j+1).
   With u, v > 0, L has a positive diagonal and is the Cholesky factor of A = L L^T. */
#include "../kgnn_impl.h"
#include "dataset.h"
#include <math.h>

/* L (diagonal d[0..n-1], subdiagonal e[0..n-2], e[j] = L_j+1,j) from u, v */
PetscErrorCode KGNNSemiseparableBidiagonal(PetscInt n, const PetscReal *u, const PetscReal *v, PetscReal *d, PetscReal *e)
{
  PetscFunctionBegin;
  for (PetscInt j = 0; j < n; j++) {
    PetscCheck(u[j] > 0 && v[j] > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "u[%" PetscInt_FMT "] = %g and v[%" PetscInt_FMT "] = %g must be positive", j, (double)u[j], j, (double)v[j]);
    d[j] = 1.0 / (u[j] * v[j]);
    if (j + 1 < n) e[j] = -1.0 / (u[j] * v[j + 1]);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A = L L^T for bidiagonal L: ad = diagonal, ae[j] = A_j+1,j */
void KGNNTridiagFromBidiagonal(PetscInt n, const PetscReal *d, const PetscReal *e, PetscReal *ad, PetscReal *ae)
{
  for (PetscInt j = 0; j < n; j++) {
    ad[j] = d[j] * d[j] + (j > 0 ? e[j - 1] * e[j - 1] : 0.0);
    if (j + 1 < n) ae[j] = e[j] * d[j];
  }
}

/* Cholesky of a tridiagonal SPD matrix (the factor is bidiagonal); *fail = -1, or the row
   whose pivot is not positive */
void KGNNTridiagCholesky(PetscInt n, const PetscReal *ad, const PetscReal *ae, PetscReal *d, PetscReal *e, PetscInt *fail)
{
  *fail = -1;
  for (PetscInt j = 0; j < n; j++) {
    PetscReal p = ad[j] - (j > 0 ? e[j - 1] * e[j - 1] : 0.0);
    if (!(p > 0)) {
      *fail = j;
      return;
    }
    d[j] = PetscSqrtReal(p);
    if (j + 1 < n) e[j] = ae[j] / d[j];
  }
}

/* One pair (A^m, L^m) of Eq. 8 as a dataset sample: edges of the tridiagonal A^m row by row,
   (i, i-1), (i, i), (i, i+1), with the target L^m_ij below and on the diagonal, 0 above. */
PetscErrorCode KGNNSyntheticSample(PetscInt n, PetscReal umin, PetscReal umax, PetscRandom rnd, KGNNSample *s)
{
  PetscReal *u, *v, *d, *e, *ad, *ae, *dm, *em;
  PetscInt   fail, k = 0;

  PetscFunctionBegin;
  PetscCheck(n >= 1 && umin > 0 && umax >= umin, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "synthetic sample needs n >= 1 and 0 < umin <= umax, got n = %d, [%g, %g]", (int)n, (double)umin, (double)umax);
  PetscCall(PetscMemzero(s, sizeof(*s)));
  PetscCall(PetscMalloc4(n, &u, n, &v, n, &d, n, &e));
  PetscCall(PetscMalloc4(n, &ad, n, &ae, n, &dm, n, &em));
  PetscCall(PetscRandomSetInterval(rnd, umin, umax));
  for (PetscInt i = 0; i < n; i++) PetscCall(PetscRandomGetValueReal(rnd, &u[i]));
  for (PetscInt i = 0; i < n; i++) PetscCall(PetscRandomGetValueReal(rnd, &v[i]));
  PetscCall(KGNNSemiseparableBidiagonal(n, u, v, d, e));
  KGNNTridiagFromBidiagonal(n, d, e, ad, ae);
  ad[0] += 1.0; /* Eq. 8: A^m = A + e1 e1^T */
  KGNNTridiagCholesky(n, ad, ae, dm, em, &fail);
  PetscCheck(fail < 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Cholesky of the synthetic A^m failed at row %d (1-based)", (int)fail + 1);
  s->n   = n;
  s->nnz = 3 * n - 2;
  PetscCall(PetscMalloc2(s->nnz, &s->row, s->nnz, &s->col));
  PetscCall(PetscMalloc1(s->nnz, &s->a));
  PetscCall(PetscMalloc1(s->nnz, &s->y));
  for (PetscInt i = 0; i < n; i++) {
    if (i > 0) s->row[k] = i, s->col[k] = i - 1, s->a[k] = ae[i - 1], s->y[k++] = em[i - 1];
    s->row[k] = i, s->col[k] = i, s->a[k] = ad[i], s->y[k++] = dm[i];
    if (i + 1 < n) s->row[k] = i, s->col[k] = i + 1, s->a[k] = ae[i], s->y[k++] = 0.0;
  }
  PetscCall(PetscStrncpy(s->source, "synthetic", sizeof(s->source)));
  PetscCall(PetscStrncpy(s->method, "exact", sizeof(s->method)));
  PetscCall(PetscStrncpy(s->category, "none", sizeof(s->category)));
  s->iterations[0] = s->iterations[1] = -1;
  s->lmin[0] = s->lmin[1] = s->lmax[0] = s->lmax[1] = (PetscReal)NAN;
  PetscCall(PetscFree4(u, v, d, e));
  PetscCall(PetscFree4(ad, ae, dm, em));
  PetscFunctionReturn(PETSC_SUCCESS);
}
