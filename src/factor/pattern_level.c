/* The level-k fill pattern of incomplete Cholesky (-pc_kopt_pattern level:k): the pattern of
   ICC(k) (PETSc's -pc_factor_levels k), for K-optimal factors with more entries than tril(A).

   Levels (Watts 1981; Saad, Iterative Methods, Sec. 10.3.3): entries of A have level 0; the
   elimination of column j creates or updates entry (i, l), i, l > j, with level
   lev(i, j) + lev(l, j) + 1, the smallest such sum being the entry's level; entries above level
   k are dropped and take no part in later eliminations. Built row by row of L (up-looking):
   row i starts from row i of tril(A) as a sorted linked list; going through its columns j in
   ascending order (each one's level is then final), column j of L above row i (rows finished
   earlier) adds or lowers the entries (i, l), j < l < i. Finished rows go into growing arrays,
   each entry also linked into its column in row order, so that a column can be read as it
   grows. */
#include "../kgnn_impl.h"

typedef struct {
  PetscInt *row, *lev, *colnext; /* entry e (of column j's list): its row, level, the next entry of column j */
  PetscInt  len, cap;
} Entries;

static PetscErrorCode EntriesGrow(Entries *E)
{
  PetscInt cap = PetscMax(2 * E->cap, 1024), *r, *l, *nx;

  PetscFunctionBegin;
  PetscCall(PetscMalloc3(cap, &r, cap, &l, cap, &nx));
  PetscCall(PetscArraycpy(r, E->row, E->len));
  PetscCall(PetscArraycpy(l, E->lev, E->len));
  PetscCall(PetscArraycpy(nx, E->colnext, E->len));
  PetscCall(PetscFree3(E->row, E->lev, E->colnext));
  E->row = r, E->lev = l, E->colnext = nx, E->cap = cap;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNPatternLevel(const KGNNCSR *A, PetscInt k, KGNNLower *L)
{
  PetscInt  n   = A->n, *next, *lev, *colhead, *coltail;
  Entries   E   = {NULL, NULL, NULL, 0, 0};
  const int END = -1;

  PetscFunctionBegin;
  PetscCheck(k >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "level:%" PetscInt_FMT ": the level of fill must be >= 0", k);
  PetscCall(PetscMalloc4(n, &next, n, &lev, n, &colhead, n, &coltail));
  for (PetscInt j = 0; j < n; j++) colhead[j] = coltail[j] = -1;
  for (PetscInt i = 0; i < n; i++) {
    PetscInt head = i;
    /* row i of tril(A), the diagonal always, as a list sorted by column that ends in i */
    next[i] = END;
    lev[i]  = 0;
    for (PetscInt p = A->rowptr[i + 1] - 1; p >= A->rowptr[i]; p--) {
      PetscInt j = A->colidx[p];
      if (j >= i) continue;
      next[j] = head, head = j, lev[j] = 0;
    }
    /* eliminate the columns j < i of row i, ascending; fill lands after j, so is met later */
    for (PetscInt j = head; j != i; j = next[j]) {
      PetscInt prev = j;
      for (PetscInt e = colhead[j]; e >= 0; e = E.colnext[e]) {
        PetscInt l = E.row[e], nl = lev[j] + E.lev[e] + 1;
        if (l == j || nl > k) continue;
        while (next[prev] < l) prev = next[prev]; /* l < i, and i ends the list */
        if (next[prev] == l) lev[l] = PetscMin(lev[l], nl);
        else next[l] = next[prev], next[prev] = l, lev[l] = nl;
        prev = l;
      }
    }
    /* row i is final: store it, each entry at the tail of its column */
    for (PetscInt j = head; j != END; j = next[j]) {
      if (E.len == E.cap) PetscCall(EntriesGrow(&E));
      E.row[E.len] = i, E.lev[E.len] = lev[j], E.colnext[E.len] = -1;
      if (coltail[j] >= 0) E.colnext[coltail[j]] = E.len;
      else colhead[j] = E.len;
      coltail[j] = E.len++;
    }
  }
  /* columns of L, rows ascending (so the diagonal first) */
  L->n = n;
  PetscCall(PetscMalloc1(n + 1, &L->colptr));
  PetscCall(PetscMalloc1(E.len, &L->rowidx));
  PetscCall(PetscCalloc1(E.len, &L->val));
  L->colptr[0] = 0;
  for (PetscInt j = 0, q = 0; j < n; j++) {
    for (PetscInt e = colhead[j]; e >= 0; e = E.colnext[e]) L->rowidx[q++] = E.row[e];
    L->colptr[j + 1] = q;
  }
  PetscCall(PetscFree3(E.row, E.lev, E.colnext));
  PetscCall(PetscFree4(next, lev, colhead, coltail));
  PetscFunctionReturn(PETSC_SUCCESS);
}
