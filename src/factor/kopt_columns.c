/* Numeric phase of Algorithm 1: n independent column problems C_i z_i = gamma_i e_1 (Sec. 4.1),
   each a small dense SPD solve done by LAPACK. */
#include "../kgnn_impl.h"
#include <petscblaslapack.h>

PetscErrorCode KGNNKoptColumns(KGNNKoptSymbolic *S, const PetscScalar *Pval, PetscInt *failcol)
{
  KGNNLower   *L = &S->L;
  PetscScalar *B, *v;
  PetscInt     n = L->n;

  PetscFunctionBegin;
  *failcol = -1;
  PetscCall(PetscMalloc2(S->maxcol * S->maxcol, &B, S->maxcol, &v));
  for (PetscInt i = 0; i < n; i++) {
    PetscInt        k   = L->colptr[i + 1] - L->colptr[i];
    const PetscInt *map = S->map + S->mapptr[i];
    PetscBLASInt    bk, one = 1, info;
    PetscReal       v0;

    /* Algorithm 1, line 4: B_i = A^-1(s_i, s_i), lower triangle */
    for (PetscInt l = 0; l < k; l++)
      for (PetscInt r = l; r < k; r++) B[r + l * k] = Pval[*map++];
    /* line 5: v_i = B_i^-1 e_1 */
    for (PetscInt r = 0; r < k; r++) v[r] = 0.0;
    v[0] = 1.0;
    PetscCall(PetscBLASIntCast(k, &bk));
    PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("L", &bk, B, &bk, &info));
    if (info == 0) PetscCallBLAS("LAPACKpotrs", LAPACKpotrs_("L", &bk, &one, B, &bk, v, &bk, &info));
    v0 = PetscRealPart(v[0]);
    if (info != 0 || !(v0 > 0) || PetscIsInfOrNanReal(v0)) {
      *failcol = i;
      break;
    }
    /* line 6: L(s_i, i) = v_i / sqrt(v_i(1)) */
    v0 = PetscSqrtReal(v0);
    for (PetscInt r = 0; r < k; r++) {
      PetscScalar x = v[r] / v0;
      if (PetscIsInfOrNanScalar(x)) {
        *failcol = i;
        break;
      }
      L->val[L->colptr[i] + r] = x;
    }
    if (*failcol >= 0) break;
  }
  PetscCall(PetscFree2(B, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}
