/* A batch of samples as one graph, the disjoint union (nodes renumbered graph after graph, the
   real edges first), and the batch losses: per graph, averaged over the batch (Sec. 6.2). */
#include "train.h"

PetscErrorCode KGNNBatchCreate(PetscInt count, KGNNSample *const s[], KGNNBatch *B)
{
  PetscInt n = 0, m = 0;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(B, sizeof(*B)));
  for (PetscInt g = 0; g < count; g++) n += s[g]->n, m += s[g]->nnz;
  B->ngraphs = count;
  PetscCall(PetscMalloc5(m, &B->sender, m, &B->receiver, n, &B->batch, count + 1, &B->eptr, count + 1, &B->nptr));
  PetscCall(PetscMalloc2(m, &B->a, m, &B->y));
  B->eptr[0] = B->nptr[0] = 0;
  for (PetscInt g = 0; g < count; g++) {
    const PetscInt e0 = B->eptr[g], n0 = B->nptr[g];
    for (PetscInt k = 0; k < s[g]->nnz; k++) {
      B->sender[e0 + k]   = n0 + s[g]->row[k]; /* edge i -> j for A_ij: L_ij on row >= column */
      B->receiver[e0 + k] = n0 + s[g]->col[k];
      B->a[e0 + k]        = s[g]->a[k];
      B->y[e0 + k]        = s[g]->y[k];
    }
    for (PetscInt i = 0; i < s[g]->n; i++) B->batch[n0 + i] = g;
    B->eptr[g + 1] = e0 + s[g]->nnz;
    B->nptr[g + 1] = n0 + s[g]->n;
  }
  B->G = (KGNNGraph){n, m, B->sender, B->receiver, B->a, count, B->batch};
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -scale jacobi (PCGNN's -pc_gnn_scale jacobi): the network learns the factor of
   D^-1/2 A D^-1/2 (D = diag A), whose own factor is D^-1/2 L, and PCGNN scales it back. Every
   sample's diagonal is positive (kgnn-dataset keeps SPD matrices only); checked anyway. */
PetscErrorCode KGNNBatchJacobi(KGNNBatch *B)
{
  PetscReal *d;
  PetscInt   bad;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(B->G.n, &d));
  bad = KGNNJacobiScale(B->G.n, B->G.nnz, B->sender, B->receiver, B->a, B->y, d);
  PetscCheck(bad < 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "-scale jacobi: node %d of the batch has diagonal %g, not positive", (int)bad, (double)d[bad < 0 ? 0 : bad]);
  PetscCall(PetscFree(d));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNBatchDestroy(KGNNBatch *B)
{
  PetscFunctionBegin;
  PetscCall(PetscFree5(B->sender, B->receiver, B->batch, B->eptr, B->nptr));
  PetscCall(PetscFree2(B->a, B->y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The target-free loss of one graph, |L L^T z - A z|^2 / |A z|^2 with A scaled by max|A| as the
   network sees it and z uniform in [-1, 1): trains without reference factors. With w = L^T z and
   r = L w - A z, d loss / d L_ij = 2 (r_i w_j + z_i (L^T r)_j) / |A z|^2. Local indices. */
static PetscReal FreeLoss(PetscInt n, PetscInt m, const PetscInt *row, const PetscInt *col, const PetscReal *a, const PetscReal *p, PetscReal *dp, KGNNRandom *rng, PetscReal *z, PetscReal *w, PetscReal *r, PetscReal *lr)
{
  PetscReal scale = 0, az2 = 0, loss = 0;

  for (PetscInt k = 0; k < m; k++) scale = PetscMax(scale, PetscAbsReal(a[k]));
  if (scale == 0) scale = 1;
  for (PetscInt i = 0; i < n; i++) z[i] = 2 * KGNNRandomUniform(rng) - 1, w[i] = 0, r[i] = 0, lr[i] = 0;
  for (PetscInt k = 0; k < m; k++)
    if (row[k] >= col[k]) w[col[k]] += p[k] * z[row[k]];
  for (PetscInt k = 0; k < m; k++)
    if (row[k] >= col[k]) r[row[k]] += p[k] * w[col[k]];
  { /* r -= A z, and |A z|^2 (lr holds A z until L^T r) */
    PetscReal *az = lr;
    for (PetscInt k = 0; k < m; k++) az[row[k]] += a[k] / scale * z[col[k]];
    for (PetscInt i = 0; i < n; i++) r[i] -= az[i], az2 += az[i] * az[i];
  }
  if (az2 == 0) az2 = 1;
  for (PetscInt i = 0; i < n; i++) loss += r[i] * r[i], lr[i] = 0;
  for (PetscInt k = 0; k < m; k++)
    if (row[k] >= col[k]) lr[col[k]] += p[k] * r[row[k]];
  if (dp)
    for (PetscInt k = 0; k < m; k++) dp[k] = row[k] >= col[k] ? 2 * (r[row[k]] * w[col[k]] + z[row[k]] * lr[col[k]]) / az2 : 0.0;
  return loss / az2;
}

/* The kaporin loss of one graph: log(K(L^-1 A L^-T) / K(D^-1/2 A D^-1/2)), D = diag A, that is
   KGNNKaporinTraceLoss with sum_i log a_ii in place of log det A (the ratio of src/factor/kaporin.c):
   0 for Jacobi's factor, below 0 for a better one, (1/n) (log det A - sum_i log a_ii) <= 0 at the
   exact factor; invariant under A -> c A and L -> c L, so A's scaling does not matter. Exact trace
   up to KAPORIN_EXACT_MAX rows (synthetic samples: no noise), beyond it Hutchinson over
   KAPORIN_PROBES probes from rng. The lower edges (row >= column), row by row with columns
   ascending as a sample stores them, are L's CSR pattern; the diagonal must be stored. */
#define KAPORIN_EXACT_MAX 256
#define KAPORIN_PROBES 16
/* a graph whose factor is e^KAPORIN_CAP times worse than Jacobi's in K (or breaks down: an
   infinite loss) counts as KAPORIN_CAP with no gradient: without the cap one such matrix (nos1 and
   nos2 from a shifted IC(0) start: 4e307) is the whole mean, so early stopping sees nothing else,
   and an infinite one stops the run */
#define KAPORIN_CAP 20.0
static PetscErrorCode KaporinLoss(PetscInt n, PetscInt m, const PetscInt *row, const PetscInt *col, const PetscReal *a, const PetscReal *p, PetscReal *dp, KGNNRandom *rng, PetscReal *loss)
{
  PetscInt          *arow, *lrow, *lcol, *lpos, nl = 0, np = n <= KAPORIN_EXACT_MAX ? 0 : KAPORIN_PROBES;
  PetscReal         *l, *dl, *z = NULL, logdiag = 0;
  KGNNKaporinPattern P;

  PetscFunctionBegin;
  for (PetscInt k = 0; k < m; k++) nl += row[k] >= col[k];
  PetscCall(PetscCalloc2(n + 1, &arow, n + 1, &lrow));
  PetscCall(PetscMalloc4(nl, &lcol, nl, &lpos, nl, &l, nl, &dl));
  for (PetscInt k = 0, q = 0; k < m; k++) {
    PetscCheck(k == 0 || row[k] > row[k - 1] || (row[k] == row[k - 1] && col[k] > col[k - 1]), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "kaporin loss: the edges of a graph must be row by row, columns ascending (edge %" PetscInt_FMT ")", k);
    arow[row[k] + 1]++;
    if (row[k] == col[k]) logdiag += PetscLogReal(a[k]);
    if (row[k] >= col[k]) lrow[row[k] + 1]++, lcol[q] = col[k], lpos[q] = k, l[q++] = p[k];
  }
  for (PetscInt i = 0; i < n; i++) arow[i + 1] += arow[i], lrow[i + 1] += lrow[i];
  PetscCall(KGNNKaporinPatternCreate(n, lrow, lcol, &P));
  if (np) {
    PetscCall(PetscMalloc1(np * n, &z));
    KGNNKaporinProbes(rng, n, np, z);
  }
  PetscCall(KGNNKaporinTraceLoss(&P, arow, col, a, l, np, z, logdiag, loss, dp ? dl : NULL));
  if (!(*loss < KAPORIN_CAP)) {
    *loss = KAPORIN_CAP;
    for (PetscInt q = 0; q < nl; q++) dl[q] = 0;
  }
  if (dp) {
    for (PetscInt k = 0; k < m; k++) dp[k] = 0;
    for (PetscInt q = 0; q < nl; q++) dp[lpos[q]] = dl[q];
  }
  PetscCall(KGNNKaporinPatternDestroy(&P));
  PetscCall(PetscFree(z));
  PetscCall(PetscFree2(arow, lrow));
  PetscCall(PetscFree4(lcol, lpos, l, dl));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the batch loss (the mean over its graphs) and dp = d loss / d p; cos (may be NULL) gets the sum
   over the graphs of the cosine similarity to the target. rng: the z of the target-free loss and
   the kaporin loss's probes. */
PetscErrorCode KGNNBatchLoss(const KGNNBatch *B, KGNNLoss type, const PetscReal *p, PetscReal *dp, KGNNRandom *rng, PetscReal *loss, PetscReal *cos)
{
  PetscInt  *row, *col, nmax = 0, mmax = 0;
  PetscReal *z, *w, *r, *lr, sum = 0, csum = 0;

  PetscFunctionBegin;
  for (PetscInt g = 0; g < B->ngraphs; g++) nmax = PetscMax(nmax, B->nptr[g + 1] - B->nptr[g]), mmax = PetscMax(mmax, B->eptr[g + 1] - B->eptr[g]);
  PetscCall(PetscMalloc2(mmax, &row, mmax, &col));
  PetscCall(PetscMalloc4(nmax, &z, nmax, &w, nmax, &r, nmax, &lr));
  for (PetscInt g = 0; g < B->ngraphs; g++) {
    const PetscInt e0 = B->eptr[g], m = B->eptr[g + 1] - e0, n0 = B->nptr[g];
    PetscReal     *d = dp ? dp + e0 : NULL, l;
    for (PetscInt k = 0; k < m; k++) row[k] = B->sender[e0 + k] - n0, col[k] = B->receiver[e0 + k] - n0;
    if (type == KGNN_LOSS_COSINE) l = KGNNCosineLoss(m, row, col, p + e0, B->y + e0, d);
    else if (type == KGNN_LOSS_L2) l = KGNNL2Loss(m, row, col, p + e0, B->y + e0, d);
    else if (type == KGNN_LOSS_KAPORIN) PetscCall(KaporinLoss(B->nptr[g + 1] - n0, m, row, col, B->a + e0, p + e0, d, rng, &l));
    else if (type == KGNN_LOSS_KOPT) {
      PetscCheck(B->kopt && B->kopt[g], PETSC_COMM_SELF, PETSC_ERR_ARG_WRONGSTATE, "-loss kopt: graph %" PetscInt_FMT " of the batch has no blocks of A^-1", g);
      PetscCall(KGNNKoptLossEval(B->kopt[g], m, row, col, p + e0, KAPORIN_CAP, d, &l));
    } else l = FreeLoss(B->nptr[g + 1] - n0, m, row, col, B->a + e0, p + e0, d, rng, z, w, r, lr);
    sum += l;
    if (cos) csum += 1 - (type == KGNN_LOSS_COSINE ? l : KGNNCosineLoss(m, row, col, p + e0, B->y + e0, NULL));
    if (d)
      for (PetscInt k = 0; k < m; k++) d[k] /= B->ngraphs;
  }
  *loss = sum / B->ngraphs;
  if (cos) *cos = csum;
  PetscCall(PetscFree2(row, col));
  PetscCall(PetscFree4(z, w, r, lr));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* nprobe Rademacher probes (+-1) of length n, row k = probe k, from the generator r */
void KGNNKaporinProbes(KGNNRandom *r, PetscInt n, PetscInt nprobe, PetscReal *z)
{
  for (PetscInt k = 0; k < n * nprobe; k++) z[k] = (KGNNRandomNext(r) >> 63) ? 1.0 : -1.0;
}
