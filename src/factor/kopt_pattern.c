/* Symbolic phase of Algorithm 1: the pattern of L (tril(A), or a larger one), the entries of A^-1 that the
   column problems read, and where each B_i = A^-1(s_i, s_i) finds them. Kept across
   SAME_NONZERO_PATTERN re-setups. */
#include "../kgnn_impl.h"

static PetscInt find_sorted(const PetscInt *a, PetscInt lo, PetscInt hi, PetscInt key)
{
  hi--;
  while (lo <= hi) {
    PetscInt mid = lo + (hi - lo) / 2;
    if (a[mid] == key) return mid;
    if (a[mid] < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

static int cmp_int(const void *a, const void *b)
{
  PetscInt x = *(const PetscInt *)a, y = *(const PetscInt *)b;
  return (x > y) - (x < y);
}

PetscErrorCode KGNNKoptSymbolicCreate(const KGNNCSR *A, KGNNPatternType type, PetscInt k, KGNNKoptSymbolic *S)
{
  KGNNLower *L = &S->L;
  PetscInt   n = A->n, *rp, *rc, *mark;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(S, sizeof(*S)));
  /* Algorithm 1, line 3: the s_i, the columns of L's pattern */
  if (type == KGNN_PATTERN_LEVEL) PetscCall(KGNNPatternLevel(A, k, L));
  else if (type == KGNN_PATTERN_POWER) PetscCall(KGNNPatternPower(A, k, L));
  else PetscCall(KGNNLowerCreateFromCSR(A, PETSC_FALSE, L));
  /* rows of L: row c lists the columns i <= c whose s_i contains c */
  PetscCall(KGNNLowerRows(L, &rp, &rc, NULL));

  /* Column c of P = union over i in row c of L of {r in s_i : r >= c}; two passes, count then fill */
  PetscCall(PetscMalloc1(n, &mark));
  PetscCall(PetscCalloc1(n + 1, &S->Pptr));
  for (int pass = 0; pass < 2; pass++) {
    for (PetscInt c = 0; c < n; c++) mark[c] = -1;
    for (PetscInt c = 0; c < n; c++) {
      PetscInt cnt = 0, start = pass ? S->Pptr[c] : 0;
      for (PetscInt q = rp[c]; q < rp[c + 1]; q++) {
        PetscInt i = rc[q];
        for (PetscInt p = L->colptr[i]; p < L->colptr[i + 1]; p++) {
          PetscInt r = L->rowidx[p];
          if (r < c || mark[r] == c) continue;
          mark[r] = c;
          if (pass) S->Pidx[start + cnt] = r;
          cnt++;
        }
      }
      if (pass) qsort(S->Pidx + start, (size_t)cnt, sizeof(PetscInt), cmp_int);
      else S->Pptr[c + 1] = cnt;
    }
    if (!pass) {
      for (PetscInt c = 0; c < n; c++) S->Pptr[c + 1] += S->Pptr[c];
      PetscCall(PetscMalloc1(S->Pptr[n], &S->Pidx));
    }
  }

  /* map: lower triangle of each B_i, column-major, as positions in P */
  PetscCall(PetscCalloc1(n + 1, &S->mapptr));
  for (PetscInt i = 0; i < n; i++) {
    PetscInt k       = L->colptr[i + 1] - L->colptr[i];
    S->mapptr[i + 1] = S->mapptr[i] + k * (k + 1) / 2;
    S->maxcol        = PetscMax(S->maxcol, k);
  }
  /* the columns by size, for the batched column solves (kopt_columns.c) */
  PetscCall(PetscCalloc1(S->maxcol + 2, &S->sizeptr));
  PetscCall(PetscMalloc1(n, &S->bysize));
  for (PetscInt i = 0; i < n; i++) S->sizeptr[L->colptr[i + 1] - L->colptr[i] + 1]++;
  for (PetscInt k = 0; k <= S->maxcol; k++) S->sizeptr[k + 1] += S->sizeptr[k];
  for (PetscInt i = 0; i < n; i++) S->bysize[S->sizeptr[L->colptr[i + 1] - L->colptr[i]]++] = i;
  for (PetscInt k = S->maxcol; k > 0; k--) S->sizeptr[k] = S->sizeptr[k - 1];
  S->sizeptr[0] = 0;
  PetscCall(PetscMalloc1(S->mapptr[n], &S->map));
  for (PetscInt i = 0; i < n; i++) {
    const PetscInt *s = L->rowidx + L->colptr[i];
    PetscInt        k = L->colptr[i + 1] - L->colptr[i], *m = S->map + S->mapptr[i];
    for (PetscInt l = 0; l < k; l++)
      for (PetscInt r = l; r < k; r++) {
        PetscInt pos = find_sorted(S->Pidx, S->Pptr[s[l]], S->Pptr[s[l] + 1], s[r]);
        PetscCheck(pos >= 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Entry (%" PetscInt_FMT ", %" PetscInt_FMT "), 1-based, of A^-1 missing from the pattern", s[r] + 1, s[l] + 1);
        *m++ = pos;
      }
  }
  PetscCall(PetscFree(rp));
  PetscCall(PetscFree(rc));
  PetscCall(PetscFree(mark));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNKoptSymbolicDestroy(KGNNKoptSymbolic *S)
{
  PetscFunctionBegin;
  PetscCall(KGNNLowerDestroy(&S->L));
  PetscCall(PetscFree(S->Pptr));
  PetscCall(PetscFree(S->Pidx));
  PetscCall(PetscFree(S->mapptr));
  PetscCall(PetscFree(S->map));
  PetscCall(PetscFree(S->bysize));
  PetscCall(PetscFree(S->sizeptr));
  PetscCall(PetscMemzero(S, sizeof(*S)));
  PetscFunctionReturn(PETSC_SUCCESS);
}
