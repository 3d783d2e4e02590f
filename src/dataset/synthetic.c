/* The synthetic benchmark of Sec. 5.1 and Eq. 8: tridiagonal SPD matrices whose Cholesky
   factor depends non-locally on the matrix, built from a bidiagonal L whose inverse is
   rank-1 semiseparable, (L^-1)_ij = u_i v_j for i >= j.

   Closed form of L: from (L^-1 L)_ij = 0 for i > j, u_i (v_j L_jj + v_j+1 L_j+1,j) = 0, and
   from the diagonal u_j v_j L_jj = 1:
       L_jj = 1 / (u_j v_j),   L_j+1,j = -1 / (u_j v_j+1).
   With u, v > 0, L has a positive diagonal and is the Cholesky factor of A = L L^T. */
#include "../kgnn_impl.h"

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
