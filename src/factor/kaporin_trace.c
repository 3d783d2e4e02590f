/* Kaporin's condition number K(X) = (tr X / n) / det(X)^(1/n) (the paper's Eq. 3) as two
   objectives (kgnn-train's losses, and PCKOPT's -pc_kopt_objective trace, kopt_direct.c) on the values of a lower-triangular factor L, each with its exact gradient with respect
   to every stored entry of L. K >= 1, with equality exactly when X is a multiple of the identity;
   both losses are log K, so they are >= 0 and 0 at the optimum.

   L is given as its values l on a fixed pattern, in CSR (rows ascending, columns ascending in a
   row, the diagonal stored and last): the pattern of tril(A) in training. KGNNKaporinPattern adds
   the column view that K(L^T A^-1 L) needs.

   K1 = log K(L^T A^-1 L), the functional Algorithm 1 minimises over the pattern. With s_i the
   rows of column i (i first) and l_i = L(s_i, i),
     tr(L^T A^-1 L) = sum_i l_i^T A^-1 l_i = sum_i l_i^T B_i l_i,   B_i = A^-1(s_i, s_i),
     det(L^T A^-1 L) = prod_i L_ii^2 / det A,
   so  log K = log(T / n) - (2/n) sum_i log|L_ii| + (1/n) log det A,   T = sum_i l_i^T B_i l_i.
   (log det(A^-1) = -log det A: the constant dropped is -(1/n) log det A^-1 = (1/n) log det A.)
   The last term does not depend on L and has no gradient; it is what makes the value log K
   itself (>= 0, 0 at L = chol(A)). Training drops it (pass logdetA = 0): it needs det A, which
   a dataset does not store, and it only shifts each sample's loss by a constant.
   The B_i are the blocks PCKOPT forms (src/factor/kopt_columns.c, Algorithm 1 line 4); a dataset
   would store them as the selected entries of A^-1 on the pairs s_i x s_i, their union over i
   (the lower triangle of P in kopt_pattern.c, as KGNNKoptSymbolic keeps it: A^-1 on the pattern
   of the symmetric product of L's pattern with its transpose), from which the blocks are gathered
   here as from the dense A^-1 of KGNNKaporinBlocksFromDense.
   Gradient:  d K1 / d l_i = 2 B_i l_i / T - (2/n) e_1 / L_ii.

   K2 = log K(L^-1 A L^-T), no A^-1 at all: det(L^-1 A L^-T) = det A / prod_i L_ii^2, so
     log K = log(t / n) + (2/n) sum_i log|L_ii| - (1/n) log det A,   t = tr(L^-1 A L^-T),
   the constant again optional (logdetA = 0 drops it). t = sum_k z_k^T L^-1 A L^-T z_k over the
   unit vectors z_k (exact, n solves: small n), or (1/p) sum over p Rademacher probes z_k
   (Hutchinson: E[z z^T] = I). Per probe y = L^-T z (one backward solve), q = y^T A y (one
   product with A). The adjoint: L^T y = z gives dL^T y + L^T dy = 0, dy = -L^-T dL^T y, and
     dq = 2 y^T A dy = -2 (L^-1 A y)^T dL^T y = -2 y^T dL w,   w = L^-1 A y (one forward solve),
   so d q / d L_ij = -2 y_i w_j, kept on the pattern only. The estimate's gradient is the exact
   gradient of the estimate (the same probes), and
     d K2 / d L_ij = (1/t) d t / d L_ij + (2/n) [i = j] / L_ii. */
#include "factor.h"

PetscErrorCode KGNNKaporinPatternCreate(PetscInt n, const PetscInt *rowptr, const PetscInt *colidx, KGNNKaporinPattern *P)
{
  PetscInt *cnt;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(P, sizeof(*P)));
  P->n = n, P->rowptr = rowptr, P->colidx = colidx, P->nnz = rowptr[n];
  for (PetscInt i = 0; i < n; i++) {
    PetscCheck(rowptr[i + 1] > rowptr[i] && colidx[rowptr[i + 1] - 1] == i, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "row %" PetscInt_FMT " of L: the diagonal must be stored, as the row's last entry", i);
    for (PetscInt p = rowptr[i]; p < rowptr[i + 1] - 1; p++)
      PetscCheck(colidx[p] >= 0 && colidx[p] < colidx[p + 1], PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "row %" PetscInt_FMT " of L: columns must ascend and lie in [0, %" PetscInt_FMT "], found %" PetscInt_FMT " at position %" PetscInt_FMT, i, i,
                 colidx[p], p);
  }
  PetscCall(PetscMalloc5(n, &P->diag, n + 1, &P->colptr, P->nnz, &P->colpos, P->nnz, &P->colrow, n + 1, &P->bptr));
  PetscCall(PetscCalloc1(n + 1, &cnt));
  for (PetscInt p = 0; p < P->nnz; p++) cnt[colidx[p] + 1]++;
  P->colptr[0] = 0;
  for (PetscInt j = 0; j < n; j++) P->colptr[j + 1] = P->colptr[j] + cnt[j + 1], cnt[j + 1] = 0;
  for (PetscInt i = 0; i < n; i++) { /* rows ascending, so each column's rows ascend and its diagonal comes first */
    P->diag[i] = rowptr[i + 1] - 1;
    for (PetscInt p = rowptr[i]; p < rowptr[i + 1]; p++) {
      PetscInt j = colidx[p], q = P->colptr[j] + cnt[j]++;
      P->colpos[q] = p, P->colrow[q] = i;
    }
  }
  PetscCall(PetscFree(cnt));
  P->bptr[0] = 0;
  for (PetscInt i = 0; i < n; i++) {
    PetscInt k     = P->colptr[i + 1] - P->colptr[i];
    P->bptr[i + 1] = P->bptr[i] + k * k;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNKaporinPatternDestroy(KGNNKaporinPattern *P)
{
  PetscFunctionBegin;
  PetscCall(PetscFree5(P->diag, P->colptr, P->colpos, P->colrow, P->bptr));
  PetscCall(PetscMemzero(P, sizeof(*P)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* B_i = A^-1(s_i, s_i), k_i x k_i column-major at B + bptr[i], rows and columns in the order of
   s_i (ascending, i first); Ainv is n x n column-major (tests, small n) */
void KGNNKaporinBlocksFromDense(const KGNNKaporinPattern *P, const PetscReal *Ainv, PetscReal *B)
{
  for (PetscInt i = 0; i < P->n; i++) {
    const PetscInt *s = P->colrow + P->colptr[i], k = P->colptr[i + 1] - P->colptr[i];
    PetscReal      *Bi = B + P->bptr[i];
    for (PetscInt c = 0; c < k; c++)
      for (PetscInt r = 0; r < k; r++) Bi[r + c * k] = Ainv[s[r] + s[c] * P->n];
  }
}

/* K1 = log K(L^T A^-1 L) from the blocks B (the header's derivation); dl (nnz, may be NULL) the
   gradient. +infinity when T <= 0 or a diagonal entry is 0 (no gradient then). */
PetscReal KGNNKaporinInverseLoss(const KGNNKaporinPattern *P, const PetscReal *B, const PetscReal *l, PetscReal logdetA, PetscReal *dl)
{
  const PetscInt n = P->n;
  PetscReal      T = 0, logd = 0;

  for (PetscInt i = 0; i < n; i++) {
    const PetscInt  *pos = P->colpos + P->colptr[i], k = P->colptr[i + 1] - P->colptr[i];
    const PetscReal *Bi = B + P->bptr[i];
    for (PetscInt r = 0; r < k; r++) { /* u = B_i l_i (B_i symmetric: row r = column r) */
      PetscReal u = 0;
      for (PetscInt c = 0; c < k; c++) u += Bi[c + r * k] * l[pos[c]];
      T += l[pos[r]] * u;
      if (dl) dl[pos[r]] = u;
    }
    logd += PetscLogReal(PetscAbsReal(l[P->diag[i]]));
  }
  if (!(T > 0) || PetscIsInfOrNanReal(logd)) {
    if (dl)
      for (PetscInt p = 0; p < P->nnz; p++) dl[p] = 0;
    return PETSC_INFINITY;
  }
  if (dl) {
    for (PetscInt p = 0; p < P->nnz; p++) dl[p] *= 2 / T;
    for (PetscInt i = 0; i < n; i++) dl[P->diag[i]] -= 2 / (n * l[P->diag[i]]);
  }
  return PetscLogReal(T / n) - 2 * logd / n + logdetA / n;
}

/* y = L^-T z: column-oriented over L's rows, i descending (y_i final once rows > i are done) */
static void SolveUpper(const KGNNKaporinPattern *P, const PetscReal *l, const PetscReal *z, PetscReal *y)
{
  for (PetscInt i = 0; i < P->n; i++) y[i] = z[i];
  for (PetscInt i = P->n - 1; i >= 0; i--) {
    y[i] /= l[P->diag[i]];
    for (PetscInt p = P->rowptr[i]; p < P->diag[i]; p++) y[P->colidx[p]] -= l[p] * y[i];
  }
}

/* w = L^-1 g, row by row */
static void SolveLower(const KGNNKaporinPattern *P, const PetscReal *l, const PetscReal *g, PetscReal *w)
{
  for (PetscInt i = 0; i < P->n; i++) {
    PetscReal s = g[i];
    for (PetscInt p = P->rowptr[i]; p < P->diag[i]; p++) s -= l[p] * w[P->colidx[p]];
    w[i] = s / l[P->diag[i]];
  }
}

/* K2 = log K(L^-1 A L^-T) (the header's derivation) for the symmetric A in CSR (both triangles);
   nprobe > 0: Hutchinson's estimate over the probes z (nprobe x n, row k = probe k); nprobe <= 0:
   the exact trace over the n unit vectors (z unused). dl (nnz, may be NULL) the gradient. *loss =
   +infinity when the trace is not positive and finite or a diagonal entry is 0. */
PetscErrorCode KGNNKaporinTraceLoss(const KGNNKaporinPattern *P, const PetscInt *arow, const PetscInt *acol, const PetscReal *aval, const PetscReal *l, PetscInt nprobe, const PetscReal *z, PetscReal logdetA, PetscReal *loss, PetscReal *dl)
{
  const PetscInt n = P->n, np = nprobe > 0 ? nprobe : n;
  PetscReal      t = 0, logd = 0, *e, *y, *g, *w;

  PetscFunctionBegin;
  PetscCall(PetscMalloc4(n, &e, n, &y, n, &g, n, &w));
  if (dl)
    for (PetscInt p = 0; p < P->nnz; p++) dl[p] = 0;
  for (PetscInt k = 0; k < np; k++) {
    const PetscReal *zk = z + k * n;
    if (nprobe <= 0) {
      for (PetscInt i = 0; i < n; i++) e[i] = i == k;
      zk = e;
    }
    SolveUpper(P, l, zk, y);
    for (PetscInt i = 0; i < n; i++) { /* g = A y, q = y^T A y */
      PetscReal s = 0;
      for (PetscInt p = arow[i]; p < arow[i + 1]; p++) s += aval[p] * y[acol[p]];
      g[i] = s;
      t += y[i] * s;
    }
    if (!dl) continue;
    SolveLower(P, l, g, w);
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt p = P->rowptr[i]; p < P->rowptr[i + 1]; p++) dl[p] -= 2 * y[i] * w[P->colidx[p]];
  }
  PetscCall(PetscFree4(e, y, g, w));
  if (nprobe > 0) t /= nprobe;
  for (PetscInt i = 0; i < n; i++) logd += PetscLogReal(PetscAbsReal(l[P->diag[i]]));
  if (!(t > 0) || PetscIsInfOrNanReal(t) || PetscIsInfOrNanReal(logd)) {
    if (dl)
      for (PetscInt p = 0; p < P->nnz; p++) dl[p] = 0;
    *loss = PETSC_INFINITY;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (dl) {
    const PetscReal s = nprobe > 0 ? 1.0 / (nprobe * t) : 1.0 / t;
    for (PetscInt p = 0; p < P->nnz; p++) dl[p] *= s;
    for (PetscInt i = 0; i < n; i++) dl[P->diag[i]] += 2 / (n * l[P->diag[i]]);
  }
  *loss = PetscLogReal(t / n) + 2 * logd / n - logdetA / n;
  PetscFunctionReturn(PETSC_SUCCESS);
}
