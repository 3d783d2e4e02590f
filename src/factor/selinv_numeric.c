/* Numeric half of the selected inversion (Algorithm 1, line 1): CHOLMOD's supernodal Cholesky
   factor of Pi A Pi^T = L L^T, then Z = (L L^T)^-1 on the factor's pattern, in place of L, by
   the recurrences of Takahashi, Fagan and Chin (1973) and Erisman and Tinney (1975) in the
   supernodal form of Lin, Yang, Meza, Lu, Ying and E (SelInv, ACM TOMS 37(4), 2011).

   For a supernode J (columns J, rows R below its diagonal block) write A = [A_JJ A_JR; A_RJ .]
   with A_JJ = L_JJ L_JJ^T, A_RJ = L_RJ L_JJ^T, and S the Schur complement of A_JJ. The block
   inverse gives, with U = L_RJ L_JJ^-1 = A_RJ A_JJ^-1 and Z_RR = S^-1 restricted to R,
       Z_RJ = -Z_RR U,    Z_JJ = (L_JJ L_JJ^T)^-1 - U^T Z_RJ.
   Z_RR only involves later supernodes: R is a clique of the filled graph, so every entry of
   Z(R, R) lies in the block of the supernode that holds its column, and going from the last
   supernode to the first, those blocks are final when J needs them. Each step is dense BLAS-3:
   trsm (U), symm (Z_RJ), LAPACK potri and gemm (Z_JJ); the gather of Z_RR from the ancestors'
   blocks is the only sparse work. The flops are about twice the factorization's (symm forms
   a full nr x nscol product where the factorization's syrk forms half of an nr x nr one).

   Z overwrites L block by block (J's block of L is read only while J is inverted), so the
   factor's storage is used once; a numeric re-setup refactors into the same storage. */
#include "selinv.h"
#include <petscblaslapack.h>

/* Z(R, R), lower triangle, into the dense nr x nr Zrr. Columns of R that share a supernode K
   (consecutive in R) share K's row list: the positions of R's remaining rows in it are found
   once per K by one merge (both ascend; closure guarantees they are all there). */
static PetscErrorCode GatherZRR(KGNNSelInv S, const KGNNCholInt *R, size_t nr)
{
  const cholmod_factor *L     = S->L;
  const KGNNCholInt    *super = (const KGNNCholInt *)L->super, *pi = (const KGNNCholInt *)L->pi, *px = (const KGNNCholInt *)L->px, *Ls = (const KGNNCholInt *)L->s;
  const PetscScalar    *Lx  = (const PetscScalar *)L->x;
  KGNNCholInt          *rel = S->rel;
  PetscScalar          *Zrr = S->Zrr;
  size_t                a   = 0;

  PetscFunctionBegin;
  while (a < nr) {
    PetscInt           K  = S->super_of[R[a]];
    KGNNCholInt        k1 = super[K], k2 = super[K + 1], nsrow = pi[K + 1] - pi[K], q = R[a] - k1;
    const KGNNCholInt *RK    = Ls + pi[K];
    const PetscScalar *XK    = Lx + px[K];
    size_t             a_end = a;

    for (size_t b = a; b < nr; b++) {
      while (q < nsrow && RK[q] < R[b]) q++;
      PetscCheck(q < nsrow && RK[q] == R[b], PETSC_COMM_SELF, PETSC_ERR_PLIB, "selected inversion: row %d of a supernode is missing from its ancestor %d (the supernodal pattern is not closed)", (int)R[b], (int)K);
      rel[b] = q;
    }
    while (a_end < nr && R[a_end] < k2) a_end++;
    for (size_t j = a; j < a_end; j++) {
      const PetscScalar *zc  = XK + (size_t)(R[j] - k1) * (size_t)nsrow;
      PetscScalar       *dst = Zrr + j * nr;
      for (size_t b = j; b < nr; b++) dst[b] = zc[rel[b]];
    }
    a = a_end;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The recurrences, supernode by supernode from the last; *fail = a supernode whose diagonal
   block potri could not invert (a zero pivot left by the factorization), else -1 */
static PetscErrorCode SelectedInversion(KGNNSelInv S, PetscInt *fail)
{
  cholmod_factor    *L     = S->L;
  const KGNNCholInt *super = (const KGNNCholInt *)L->super, *pi = (const KGNNCholInt *)L->pi, *px = (const KGNNCholInt *)L->px, *Ls = (const KGNNCholInt *)L->s;
  PetscScalar       *Lx = (PetscScalar *)L->x, *U = S->U, one = 1, mone = -1, zero = 0;

  PetscFunctionBegin;
  *fail = -1;
  for (PetscInt J = (PetscInt)L->nsuper - 1; J >= 0; J--) {
    size_t             nscol = (size_t)(super[J + 1] - super[J]), nsrow = (size_t)(pi[J + 1] - pi[J]), nr = nsrow - nscol;
    const KGNNCholInt *R = Ls + pi[J] + nscol;
    PetscScalar       *X = Lx + px[J];
    PetscBLASInt       bc, bs, br, info;

    PetscCall(PetscBLASIntCast((PetscInt)nscol, &bc));
    PetscCall(PetscBLASIntCast((PetscInt)nsrow, &bs));
    PetscCall(PetscBLASIntCast((PetscInt)nr, &br));
    if (nr > 0) {
      /* U = L_RJ L_JJ^-1 */
      for (size_t j = 0; j < nscol; j++) PetscCall(PetscArraycpy(U + j * nr, X + nscol + j * nsrow, nr));
      PetscCallBLAS("BLAStrsm", BLAStrsm_("R", "L", "N", "N", &br, &bc, &one, X, &bs, U, &br));
      /* Z_RJ = -Z_RR U, over L_RJ */
      PetscCall(GatherZRR(S, R, nr));
      PetscCallBLAS("BLASsymm", BLASsymm_("L", "L", &br, &bc, &mone, S->Zrr, &br, U, &br, &zero, X + nscol, &bs));
    }
    /* Z_JJ = (L_JJ L_JJ^T)^-1 - U^T Z_RJ, over L_JJ (lower triangle meaningful) */
    PetscCallBLAS("LAPACKpotri", LAPACKpotri_("L", &bc, X, &bs, &info));
    if (info != 0) {
      *fail = J;
      PetscFunctionReturn(PETSC_SUCCESS);
    }
    if (nr > 0) PetscCallBLAS("BLASgemm", BLASgemm_("T", "N", &bc, &bc, &br, &mone, U, &br, X + nscol, &bs, &one, X, &bs));
    /* trsm, symm, potri (trtri + lauum), gemm: -log_view's rate for KOPTSelInv */
    PetscCall(PetscLogFlops((PetscLogDouble)nscol * nscol * (3.0 * nr + 2.0 * nscol / 3.0) + 2.0 * (PetscLogDouble)nr * nr * nscol));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNSelInvNumeric(KGNNSelInv S, const KGNNCSR *A, PetscScalar *Pval, PetscInt *failrow)
{
  PetscScalar       *Gx = (PetscScalar *)S->G->x;
  const KGNNCholInt *perm;
  PetscInt           n = A->n, fail;
  PetscLogDouble     t0, t1, t2;

  PetscFunctionBegin;
  *failrow = -1;
  for (PetscInt p = 0; p < A->rowptr[n]; p++)
    if (S->Amap[p] >= 0) Gx[S->Amap[p]] = A->val[p];
  PetscCall(PetscLogEventBegin(KGNN_KOPT_Cholesky, 0, 0, 0, 0));
  PetscCall(PetscTime(&t0));
  KGNN_CHOLMOD(factorize)(S->G, S->L, &S->c);
  PetscCall(PetscTime(&t1));
  PetscCall(PetscLogEventEnd(KGNN_KOPT_Cholesky, 0, 0, 0, 0));
  S->s.t_factor = t1 - t0;
  S->s.t_selinv = 0;
  perm          = (const KGNNCholInt *)S->L->Perm;
  if (S->c.status == CHOLMOD_NOT_POSDEF) { /* not positive definite: a failed factorization, not an error */
    *failrow = S->L->minor < (size_t)n ? (PetscInt)perm[S->L->minor] : 0;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(KGNNCholmodCheck(&S->c, "factorize"));
  PetscCall(PetscLogEventBegin(KGNN_KOPT_SelInv, 0, 0, 0, 0));
  PetscCall(SelectedInversion(S, &fail));
  if (fail >= 0) *failrow = (PetscInt)perm[((const KGNNCholInt *)S->L->super)[fail]];
  else
    for (PetscInt p = 0; p < S->nP; p++) Pval[p] = ((const PetscScalar *)S->L->x)[S->Zmap[p]];
  PetscCall(PetscTime(&t2));
  PetscCall(PetscLogEventEnd(KGNN_KOPT_SelInv, 0, 0, 0, 0));
  S->s.t_selinv = t2 - t1;
  PetscFunctionReturn(PETSC_SUCCESS);
}
