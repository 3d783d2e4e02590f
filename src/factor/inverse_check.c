/* Is A numerically singular? One test, the same on every path to A^-1 (dense, MUMPS): the
   diagonal of the computed Z = A^-1, which every path produces (it is in the pattern P).

   1 / Z_ii is the Schur complement of a_ii, i.e. the pivot row i would get if it were
   eliminated last, so rho_i = 1 / (Z_ii a_ii) is that pivot relative to a_ii, in (0, 1] for an
   SPD matrix, and min_i rho_i >= lambda_min(D^-1/2 A D^-1/2). A Cholesky factorization of
   order n is the exact factorization of A + dA with |dA_ii| <= gamma_{n+1} a_ii (Higham,
   Accuracy and Stability, Thm 10.3, since sum_k l_ik^2 = a_ii): a relative pivot at or below
   tol = gamma_{n+1} ~ (n+1) u is indistinguishable from zero, the matrix is singular within the
   backward error of the factorization that produced Z, and Z means nothing. A Z_ii that is not
   positive or not finite fails too. */
#include "../kgnn_impl.h"

PetscReal KGNNZeroPivotDefault(PetscInt n)
{
  const PetscReal c = (PetscReal)(n + 1) * PETSC_MACHINE_EPSILON / 2; /* (n+1) u, u = eps/2 */
  return c / (1 - c);
}

void KGNNInverseDiagonalCheck(PetscInt n, const PetscInt *Pptr, const PetscScalar *Pval, const PetscScalar *adiag, PetscReal tol, PetscInt *row, PetscReal *rho)
{
  PetscInt at = -1;

  *rho = 1;
  for (PetscInt i = 0; i < n; i++) {
    PetscReal z = PetscRealPart(Pval[Pptr[i]]) * (adiag ? PetscRealPart(adiag[i]) : 1); /* column i of P starts at its diagonal */
    if (!(z > 0) || PetscIsInfOrNanReal(z)) { /* not positive, NaN or Inf: no pivot at all */
      *row = i;
      *rho = 0;
      return;
    }
    if (1 / z < *rho) *rho = 1 / z, at = i;
  }
  *row = *rho <= tol ? at : -1;
}
