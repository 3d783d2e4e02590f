/* IC(0): incomplete Cholesky with zero fill, no shift (Saad 2003, Alg. 10.8 in column form),
   the paper's baseline. Right-looking on the CSC pattern of tril(A): updates that would fall
   outside the pattern are dropped. */
#include "../kgnn_impl.h"

PetscErrorCode KGNNIC0Factor(KGNNLower *L, PetscInt *failcol)
{
  const PetscInt *cp = L->colptr, *ri = L->rowidx;
  PetscScalar    *v = L->val;

  PetscFunctionBegin;
  *failcol = -1;
  for (PetscInt k = 0; k < L->n; k++) {
    PetscReal d = PetscRealPart(v[cp[k]]);
    if (!(d > 0) || PetscIsInfOrNanReal(d)) {
      *failcol = k;
      break;
    }
    d        = PetscSqrtReal(d);
    v[cp[k]] = d;
    for (PetscInt p = cp[k] + 1; p < cp[k + 1]; p++) v[p] /= d;
    /* A(i,j) -= L(i,k) L(j,k) for i >= j > k, both in the pattern: merge column k (from row j
       down) with column j, both sorted */
    for (PetscInt q = cp[k] + 1; q < cp[k + 1]; q++) {
      PetscInt j = ri[q], p = q, r = cp[j];
      while (p < cp[k + 1] && r < cp[j + 1]) {
        if (ri[p] == ri[r]) v[r++] -= v[p++] * v[q];
        else if (ri[p] < ri[r]) p++;
        else r++;
      }
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
