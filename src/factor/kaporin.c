/* How good is a factor L as a preconditioner, for a few triangular solves? Kaporin's condition
   number (the paper's Eq. 3) of the preconditioned operator M = L^-1 A L^-T,
     K(M) = (tr M / n) / det(M)^(1/n),   det M = det A / det(L)^2,
   divided by that of the Jacobi factor D^1/2 (D = diag A), for which tr = n:
     K(M) / K(M_J) = (tr M / n) * (prod_j l_jj^2 / a_jj)^(1/n).
   det A cancels, the ratio is invariant under L -> c L and 1 for Jacobi; Kaporin's bound on the
   CG iterations grows with log K(M) (Kaporin 1994), so a ratio far above 1 marks a factor worse
   than the diagonal. (Algorithm 1 minimises K(L^T A^-1 L) instead, which needs A^-1.) The
   log-det part is exact; tr M = E[z^T M z] over Rademacher vectors z (Hutchinson), and z^T M z = u^T A u with
   u = L^-T z: one backward solve and one product with A per probe. A factor whose solves blow up
   gives a huge or non-finite u^T A u, and so a huge ratio. */
#include "../kgnn_impl.h"
#include <stdint.h>

/* splitmix64: the same probes on every machine */
static uint64_t Next(uint64_t *s)
{
  uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
  z          = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z          = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

PetscErrorCode KGNNKaporinRatio(const KGNNCSR *A, const KGNNLower *L, PetscInt nprobe, PetscReal *ratio)
{
  const PetscInt n     = A->n;
  PetscReal      logdet = 0, tr = 0;
  PetscScalar   *z, *u;
  uint64_t       seed = 20261202;

  PetscFunctionBegin;
  *ratio = 1;
  if (n == 0) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt i = 0; i < n; i++) {
    PetscReal aii = 0, lii = PetscRealPart(L->val[L->colptr[i]]);
    for (PetscInt p = A->rowptr[i]; p < A->rowptr[i + 1]; p++)
      if (A->colidx[p] == i) aii = PetscRealPart(A->val[p]);
    logdet += PetscLogReal(lii * lii / aii);
  }
  logdet /= n;
  PetscCall(PetscMalloc2(n, &z, n, &u));
  for (PetscInt k = 0; k < (nprobe > 0 ? nprobe : n); k++) {
    PetscReal q = 0;
    if (nprobe > 0)
      for (PetscInt i = 0; i < n; i++) z[i] = (Next(&seed) >> 63) ? 1.0 : -1.0;
    else /* nprobe <= 0: the exact trace from the n unit vectors (tests, small n) */
      for (PetscInt i = 0; i < n; i++) z[i] = i == k ? 1.0 : 0.0;
    KGNNTriSolveUpper(L, z, u);
    for (PetscInt i = 0; i < n; i++) {
      PetscScalar au = 0;
      for (PetscInt p = A->rowptr[i]; p < A->rowptr[i + 1]; p++) au += A->val[p] * u[A->colidx[p]];
      q += PetscRealPart(u[i] * au);
    }
    tr += q;
  }
  PetscCall(PetscFree2(z, u));
  if (nprobe > 0) tr /= nprobe;
  /* in logarithms: L -> c L moves tr by 1/c^2 and the log-det part by log c^2, either may overflow */
  *ratio = (PetscIsInfOrNanReal(tr) || PetscIsInfOrNanReal(logdet) || !(tr > 0)) ? PETSC_INFINITY : PetscExpReal(PetscLogReal(tr / n) + logdet);
  PetscFunctionReturn(PETSC_SUCCESS);
}
