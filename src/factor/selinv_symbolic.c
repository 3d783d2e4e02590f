/* Symbolic half of the selected inversion (Algorithm 1, line 1, without a dense inverse): which
   supernodal Cholesky factor to compute, and where each entry of A^-1 that Algorithm 1 reads
   will lie in it. Kept across SAME_NONZERO_PATTERN re-setups.

   The selected inversion (selinv_numeric.c) gives Z = A^-1 on the pattern of the factor L of
   Pi A Pi^T (Pi the fill-reducing ordering). Column i of Algorithm 1 reads Z on s_i x s_i, the
   pattern P. A pair (j, k) of s_i lies in the filled pattern whenever i is eliminated before
   both j and k (the path j - i - k then makes (j, k) fill), always so for tril(A) in the
   natural order; under a fill-reducing ordering, or for the larger patterns (level:k,
   power:k) even in the natural order, some pairs are outside it. They are handled exactly, by
   adding them to the matrix CHOLMOD analyses, as explicit zeros: its filled pattern then
   contains P, and the recurrences give those entries of A^-1 like any other.

   Which ordering: CHOLMOD's AMD, or METIS where AMD's factor is dense (OrderAP), of A + P
   itself (KGNN_SELINV_ORDER_AP, PCKOPT's). The alternative, CHOLMOD's default ordering of A
   alone and then the structure of A + P under it (KGNN_SELINV_ORDER_A), orders the graph
   CHOLMOD would order anyway, but the pairs it leaves outside are many (1 in 6 on 2D Poisson
   100^2, 1 in 4 on 3D Poisson 20^3) and cross its separators, AMD's and METIS' alike: adding
   them multiplies the factor's entries by 2.7 to 13 for tril(A) (11.5 on 3D Poisson 40^3
   under METIS; 25 for power:2), where ordering A + P gives 0.8 to 1.8 times the entries of
   A's own factor (2 to 6 for power:2). Measured by
   build/tests/test_selinv_pairs, which prints the table (README, "PCKOPT"). */
#include "selinv.h"

/* CHOLMOD's settings for kgnn: no printing (kgnn reports), supernodal always (the recurrences
   run on supernodes), everything else CHOLMOD's default */
PetscErrorCode KGNNCholmodStart(cholmod_common *c)
{
  PetscFunctionBegin;
  KGNN_CHOLMOD(start)(c);
  c->print         = 0;
  c->error_handler = NULL;
  c->supernodal    = CHOLMOD_SUPERNODAL;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* a CHOLMOD call that failed (out of memory, a bug): an error saying which call and why */
PetscErrorCode KGNNCholmodCheck(const cholmod_common *c, const char *call)
{
  PetscFunctionBegin;
  PetscCheck(c->status >= CHOLMOD_OK, PETSC_COMM_SELF, c->status == CHOLMOD_OUT_OF_MEMORY ? PETSC_ERR_MEM : PETSC_ERR_LIB, "CHOLMOD %s failed with status %d%s", call, c->status,
             c->status == CHOLMOD_OUT_OF_MEMORY ? " (out of memory: the factor of A does not fit; use a smaller pattern or -pc_kopt_inverse mumps)"
             : c->status == CHOLMOD_TOO_LARGE   ? " (problem too large for CHOLMOD's integers)"
                                                : "");
  PetscFunctionReturn(PETSC_SUCCESS);
}

const char *KGNNCholmodOrderingName(int ordering)
{
  switch (ordering) {
  case CHOLMOD_NATURAL:
    return "natural";
  case CHOLMOD_GIVEN:
    return "given";
  case CHOLMOD_AMD:
    return "AMD";
  case CHOLMOD_METIS:
    return "METIS";
  case CHOLMOD_NESDIS:
    return "NESDIS";
  case CHOLMOD_COLAMD:
    return "COLAMD";
  case CHOLMOD_POSTORDERED:
    return "natural, postordered";
  default:
    return "unknown";
  }
}

/* The lower triangle of A (column j = row j of A's CSR from column j on: A is symmetric), united
   with P when given, as a CHOLMOD matrix (stype -1); pattern only when values is false. With P,
   amap[p] = the position in G of entry p of A's CSR (column >= row), -1 for the others. */
static PetscErrorCode LowerMatrix(const KGNNCSR *A, const PetscInt *Pptr, const PetscInt *Pidx, PetscBool values, PetscInt *amap, cholmod_common *c, cholmod_sparse **G)
{
  PetscInt     n  = A->n;
  KGNNCholInt *Gp = NULL, *Gi = NULL;
  size_t       nz = 0;

  PetscFunctionBegin;
  for (int pass = 0; pass < 2; pass++) {
    if (pass) {
      *G = KGNN_CHOLMOD(allocate_sparse)(n, n, nz, 1, 1, -1, values ? CHOLMOD_REAL : CHOLMOD_PATTERN, c);
      PetscCall(KGNNCholmodCheck(c, "allocate_sparse"));
      Gp = (KGNNCholInt *)(*G)->p, Gi = (KGNNCholInt *)(*G)->i;
      Gp[0] = 0;
    }
    nz = 0;
    for (PetscInt j = 0; j < n; j++) {
      PetscInt pa = A->rowptr[j], ea = A->rowptr[j + 1], pp = Pptr ? Pptr[j] : 0, ep = Pptr ? Pptr[j + 1] : 0;
      while (pa < ea && A->colidx[pa] < j) {
        if (pass && amap) amap[pa] = -1;
        pa++;
      }
      /* merge A's row j (columns >= j) and P's column j (rows >= j), both ascending */
      while (pa < ea || pp < ep) {
        PetscInt ra = pa < ea ? A->colidx[pa] : PETSC_MAX_INT, rp = pp < ep ? Pidx[pp] : PETSC_MAX_INT, r = PetscMin(ra, rp);
        if (pass) Gi[nz] = (KGNNCholInt)r;
        if (ra == r) {
          if (pass && amap) amap[pa] = (PetscInt)nz;
          pa++;
        }
        if (rp == r) pp++;
        nz++;
      }
      if (pass) Gp[j + 1] = (KGNNCholInt)nz;
    }
  }
  if (values) PetscCall(PetscArrayzero((PetscScalar *)(*G)->x, nz));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* position of row r in the supernode holding column k <= r of the factor, or -1 */
static ptrdiff_t SuperFind(const cholmod_factor *L, const PetscInt *super_of, KGNNCholInt k, KGNNCholInt r)
{
  const KGNNCholInt *super = (const KGNNCholInt *)L->super, *pi = (const KGNNCholInt *)L->pi, *px = (const KGNNCholInt *)L->px, *Ls = (const KGNNCholInt *)L->s;
  PetscInt           s  = super_of[k];
  KGNNCholInt        lo = pi[s] + (k - super[s]), hi = pi[s + 1] - 1, nsrow = pi[s + 1] - pi[s];

  while (lo <= hi) { /* rows of a supernode ascend (checked by SuperMaps) */
    KGNNCholInt mid = lo + (hi - lo) / 2;
    if (Ls[mid] == r) return (ptrdiff_t)px[s] + (ptrdiff_t)(mid - pi[s]) + (ptrdiff_t)(k - super[s]) * nsrow;
    if (Ls[mid] < r) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/* column -> supernode, and a check that each supernode's rows ascend (the gathers rely on it) */
static PetscErrorCode SuperMaps(const cholmod_factor *L, PetscInt *super_of)
{
  const KGNNCholInt *super = (const KGNNCholInt *)L->super, *pi = (const KGNNCholInt *)L->pi, *Ls = (const KGNNCholInt *)L->s;

  PetscFunctionBegin;
  for (size_t s = 0; s < L->nsuper; s++) {
    for (KGNNCholInt k = super[s]; k < super[s + 1]; k++) super_of[k] = (PetscInt)s;
    for (KGNNCholInt p = pi[s] + 1; p < pi[s + 1]; p++) PetscCheck(Ls[p] > Ls[p - 1], PETSC_COMM_SELF, PETSC_ERR_LIB, "CHOLMOD supernode %d: row indices not ascending; the selected inversion needs them sorted", (int)s);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* KGNN_SELINV_ORDER_AP: AMD on A + P; METIS too where AMD's factor is dense, the one with fewer
   flops kept. CHOLMOD's default tries METIS when fl/lnz >= 500 and lnz/anz >= 5; here the bar
   is fl/lnz >= 1000, measured by kgnn-perf -selinv on Poisson: on 2D 1000^2 (AMD's
   fl/lnz 512) METIS saved 45% of the flops, about 2 s of factorization and inversion, for 5 s
   of ordering; on 3D 40^3 and 64^3 (1900, 5400) it cut the setup by 2x and 3.6x. */
static PetscErrorCode OrderAP(KGNNSelInv S, PetscInt anz)
{
  cholmod_common *c        = &S->c;
  int             nmethods = c->nmethods, ord = c->method[0].ordering;

  PetscFunctionBegin;
  c->nmethods           = 1;
  c->method[0].ordering = CHOLMOD_AMD;
  S->L                  = KGNN_CHOLMOD(analyze)(S->G, c);
  S->s.ordering         = CHOLMOD_AMD;
  if (S->L && c->fl >= 1000 * c->lnz && c->lnz >= 5.0 * anz) {
    double          fl_amd = c->fl, lnz_amd = c->lnz;
    cholmod_factor *Lm;
    c->method[0].ordering = CHOLMOD_METIS;
    Lm                    = KGNN_CHOLMOD(analyze)(S->G, c);
    if (Lm && c->fl < fl_amd) {
      KGNN_CHOLMOD(free_factor)(&S->L, c);
      S->L          = Lm;
      S->s.ordering = CHOLMOD_METIS;
    } else { /* AMD's is better, or this CHOLMOD has no METIS */
      KGNN_CHOLMOD(free_factor)(&Lm, c);
      c->status = CHOLMOD_OK, c->fl = fl_amd, c->lnz = lnz_amd;
    }
  }
  c->nmethods           = nmethods;
  c->method[0].ordering = ord;
  PetscCall(KGNNCholmodCheck(c, "analyze"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* KGNN_SELINV_ORDER_A: CHOLMOD's default ordering of A alone, then the structure of A + P under
   it (measured against ORDER_AP only: test_selinv_pairs) */
static PetscErrorCode OrderA(KGNNSelInv S, const KGNNCSR *A)
{
  cholmod_common *c        = &S->c;
  int             nmethods = c->nmethods, ord = c->method[0].ordering;
  cholmod_sparse *Apat;
  cholmod_factor *L0;

  PetscFunctionBegin;
  PetscCall(LowerMatrix(A, NULL, NULL, PETSC_FALSE, NULL, c, &Apat));
  L0 = KGNN_CHOLMOD(analyze)(Apat, c);
  KGNN_CHOLMOD(free_sparse)(&Apat, c);
  PetscCall(KGNNCholmodCheck(c, "analyze"));
  S->s.ordering         = c->method[c->selected].ordering;
  c->nmethods           = 1;
  c->method[0].ordering = CHOLMOD_GIVEN;
  S->L                  = KGNN_CHOLMOD(analyze_p)(S->G, (KGNNCholInt *)L0->Perm, NULL, 0, c);
  c->nmethods           = nmethods;
  c->method[0].ordering = ord;
  KGNN_CHOLMOD(free_factor)(&L0, c);
  PetscCall(KGNNCholmodCheck(c, "analyze_p"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* where each entry of P lies in the factor (Zmap), and the workspace of the largest supernode */
static PetscErrorCode MapPattern(KGNNSelInv S, PetscInt n, const PetscInt *Pptr, const PetscInt *Pidx)
{
  const KGNNCholInt *perm = (const KGNNCholInt *)S->L->Perm, *super = (const KGNNCholInt *)S->L->super, *pi = (const KGNNCholInt *)S->L->pi;
  PetscInt          *pinv;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n, &S->super_of));
  PetscCall(SuperMaps(S->L, S->super_of));
  PetscCall(PetscMalloc1(n, &pinv));
  for (PetscInt k = 0; k < n; k++) pinv[perm[k]] = k;
  S->nP = Pptr[n];
  PetscCall(PetscMalloc1(Pptr[n], &S->Zmap));
  for (PetscInt col = 0; col < n; col++)
    for (PetscInt p = Pptr[col]; p < Pptr[col + 1]; p++) {
      PetscInt  a = pinv[Pidx[p]], b = pinv[col];
      ptrdiff_t pos = SuperFind(S->L, S->super_of, PetscMin(a, b), PetscMax(a, b));
      PetscCheck(pos >= 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Entry (%" PetscInt_FMT ", %" PetscInt_FMT "), 1-based, of A^-1 missing from the factor's pattern", Pidx[p] + 1, col + 1);
      S->Zmap[p] = (size_t)pos;
    }
  PetscCall(PetscFree(pinv));
  for (size_t s = 0; s < S->L->nsuper; s++) {
    size_t nscol = (size_t)(super[s + 1] - super[s]), nsrow = (size_t)(pi[s + 1] - pi[s]);
    S->maxnscol = PetscMax(S->maxnscol, nscol);
    S->maxnr    = PetscMax(S->maxnr, nsrow - nscol);
  }
  PetscCall(PetscMalloc3(S->maxnr * S->maxnscol, &S->U, S->maxnr * S->maxnr, &S->Zrr, S->maxnr, &S->rel));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNSelInvSymbolic(const KGNNCSR *A, const PetscInt *Pptr, const PetscInt *Pidx, KGNNSelInvOrdering ordering, KGNNSelInv *out)
{
  KGNNSelInv     S;
  PetscInt       n = A->n;
  PetscLogDouble t0, t1;

  PetscFunctionBegin;
#if defined(PETSC_USE_COMPLEX) || !defined(PETSC_USE_REAL_DOUBLE)
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_SUP, "-pc_kopt_inverse selinv needs a real double-precision PETSc (CHOLMOD's real factor); use -pc_kopt_inverse mumps");
#endif
  PetscCall(PetscNew(&S));
  *out = S;
  PetscCall(KGNNCholmodStart(&S->c));
  S->started = PETSC_TRUE;
  PetscCall(PetscTime(&t0));
  PetscCall(PetscMalloc1(A->rowptr[n], &S->Amap));
  PetscCall(LowerMatrix(A, Pptr, Pidx, PETSC_TRUE, S->Amap, &S->c, &S->G));
  if (ordering == KGNN_SELINV_ORDER_AP) PetscCall(OrderAP(S, Pptr[n]));
  else PetscCall(OrderA(S, A));
  S->s.npairs  = Pptr[n] - n;
  S->s.outside = -1; /* counted when asked (KGNNSelInvGetStats) */
  S->s.lnz_A   = -1;
  S->s.lnz     = S->c.lnz;
  S->s.fl      = S->c.fl;
  S->s.xsize   = (double)S->L->xsize;
  S->s.nsuper  = (PetscInt)S->L->nsuper;
  PetscCall(MapPattern(S, n, Pptr, Pidx));
  PetscCall(PetscTime(&t1));
  S->s.t_analyze = t1 - t0;
  PetscCall(PetscInfo(NULL, "selected inversion: CHOLMOD %s ordering, %" PetscInt_FMT " supernodes, nnz(L) %.4g (%.4g stored), %.4g flops, largest supernode %zu columns with %zu rows below\n", KGNNCholmodOrderingName(S->s.ordering), S->s.nsuper,
                      S->s.lnz, S->s.xsize, S->s.fl, S->maxnscol, S->maxnr));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNSelInvGetStats(KGNNSelInv S, const KGNNCSR *A, const PetscInt *Pptr, const PetscInt *Pidx, KGNNSelInvStats *s)
{
  PetscFunctionBegin;
  if (S->s.outside < 0) {
    const PetscInt *perm;
    PetscCall(KGNNSelInvGetPerm(S, &perm));
    PetscCall(KGNNFillPairsOutside(A, perm, Pptr, Pidx, &S->s.outside, &S->s.lnz_A));
  }
  *s = S->s;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNSelInvGetPerm(KGNNSelInv S, const PetscInt **perm)
{
  PetscFunctionBegin;
  PetscCheck(sizeof(KGNNCholInt) == sizeof(PetscInt), PETSC_COMM_SELF, PETSC_ERR_SUP, "CHOLMOD's integers differ from PetscInt");
  *perm = (const PetscInt *)S->L->Perm;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNSelInvDestroy(KGNNSelInv *S)
{
  PetscFunctionBegin;
  if (!*S) PetscFunctionReturn(PETSC_SUCCESS);
  if ((*S)->started) {
    KGNN_CHOLMOD(free_factor)(&(*S)->L, &(*S)->c);
    KGNN_CHOLMOD(free_sparse)(&(*S)->G, &(*S)->c);
    KGNN_CHOLMOD(finish)(&(*S)->c);
  }
  PetscCall(PetscFree((*S)->Amap));
  PetscCall(PetscFree((*S)->Zmap));
  PetscCall(PetscFree((*S)->super_of));
  PetscCall(PetscFree3((*S)->U, (*S)->Zrr, (*S)->rel));
  PetscCall(PetscFree(*S));
  PetscFunctionReturn(PETSC_SUCCESS);
}
