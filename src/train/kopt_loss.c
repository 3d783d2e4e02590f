/* -loss kopt: log K(L^T A^-1 L) - log K(L_opt^T A^-1 L_opt), where L_opt is PCKOPT's factor on
   the same pattern (Algorithm 1). K(L^T A^-1 L) is the functional Algorithm 1 minimises over the
   pattern (issue 12: "the first of Kaporin's two losses"), so the loss is >= 0 and 0 exactly at
   PCKOPT's factor up to a scalar: it trains the network towards the factor that PCKOPT would
   compute, judged by the preconditioner's K rather than by entries (the cosine loss).

   Per sample, once at start-up: the blocks B_i = A^-1(s_i, s_i) of the matrix the network sees
   (A itself, or D^-1/2 A D^-1/2 with -scale jacobi; K is invariant under A -> c A, so the max
   scaling needs nothing), from A^-1 on the pairs Algorithm 1 reads (KGNNKoptSymbolicCreate's
   pattern P, by CHOLMOD's selected inversion, as PCKOPT's -pc_kopt_inverse selinv), then
   L_opt from the same values (KGNNKoptColumns) and its log K. The loss and its gradient are
   KGNNKaporinInverseLoss's (src/factor/kaporin_trace.c): sum_i k_i^2 flops per evaluation, no
   probes, no solves. Memory: sum_i k_i^2 reals per sample (k_i = rows of column i of L). */
#include "train.h"

/* what the construction borrows, freed on every path (KGNNKoptLossCreate) */
typedef struct {
  PetscReal       *a, *d, *Pval, *lopt;
  PetscInt        *arow;
  KGNNKoptSymbolic S;
  KGNNSelInv       si;
} Work;

static PetscErrorCode Build(const KGNNSample *s, PetscBool jacobi, KGNNKoptLoss *K, Work *w)
{
  const PetscInt n  = s->n;
  PetscInt       nl = 0, fail;
  KGNNCSR        A;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(s->nnz, &w->a, n, &w->d));
  PetscCall(PetscArraycpy(w->a, s->a, s->nnz));
  if (jacobi) {
    PetscInt bad = KGNNJacobiScale(n, s->nnz, s->row, s->col, w->a, NULL, w->d);
    PetscCheck(bad < 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "-loss kopt: sample %s, diagonal entry (%" PetscInt_FMT ", %" PetscInt_FMT ") (1-based) is not positive", s->name, bad + 1, bad + 1);
  }
  /* L's pattern: the lower edges in the sample's order (row by row, columns ascending), which is
     the order the batch loss reads the prediction in */
  for (PetscInt k = 0; k < s->nnz; k++) nl += s->row[k] >= s->col[k];
  PetscCall(PetscCalloc1(n + 1, &K->rowptr));
  PetscCall(PetscMalloc1(nl, &K->colidx));
  for (PetscInt k = 0, q = 0; k < s->nnz; k++)
    if (s->row[k] >= s->col[k]) K->rowptr[s->row[k] + 1]++, K->colidx[q++] = s->col[k];
  for (PetscInt i = 0; i < n; i++) K->rowptr[i + 1] += K->rowptr[i];
  PetscCall(KGNNKaporinPatternCreate(n, K->rowptr, K->colidx, &K->P));

  /* A^-1 on the pairs of Algorithm 1, and Algorithm 1 itself */
  PetscCall(KGNNSampleCSR(s, w->a, &w->arow, &A));
  PetscCall(KGNNKoptSymbolicCreate(&A, KGNN_PATTERN_TRIL, 0, &w->S));
  PetscCheck(w->S.L.colptr[n] == nl, PETSC_COMM_SELF, PETSC_ERR_PLIB, "-loss kopt: sample %s: PCKOPT's pattern has %" PetscInt_FMT " entries, the sample's lower edges %" PetscInt_FMT, s->name, w->S.L.colptr[n], nl);
  PetscCall(PetscMalloc1(w->S.Pptr[n], &w->Pval));
  PetscCall(KGNNSelInvSymbolic(&A, w->S.Pptr, w->S.Pidx, KGNN_SELINV_ORDER_AP, &w->si));
  PetscCall(KGNNSelInvNumeric(w->si, &A, w->Pval, &fail));
  PetscCheck(fail < 0, PETSC_COMM_SELF, PETSC_ERR_MAT_CH_ZRPVT, "-loss kopt: sample %s: the Cholesky factorization of A breaks down at row %" PetscInt_FMT " (1-based): A is not positive definite", s->name, fail + 1);

  /* B_i full (k_i x k_i, column-major) from the lower triangle that map lists column by column */
  PetscCall(PetscMalloc1(K->P.bptr[n], &K->B));
  for (PetscInt i = 0; i < n; i++) {
    const PetscInt k = w->S.L.colptr[i + 1] - w->S.L.colptr[i], *map = w->S.map + w->S.mapptr[i];
    PetscReal     *Bi = K->B + K->P.bptr[i];
    PetscCheck(k == K->P.colptr[i + 1] - K->P.colptr[i], PETSC_COMM_SELF, PETSC_ERR_PLIB, "-loss kopt: sample %s, column %" PetscInt_FMT ": patterns differ", s->name, i);
    for (PetscInt c = 0, e = 0; c < k; c++)
      for (PetscInt r = c; r < k; r++, e++) Bi[r + c * k] = Bi[c + r * k] = w->Pval[map[e]];
  }

  PetscCall(KGNNKoptColumns(&w->S, w->Pval, &fail));
  PetscCheck(fail < 0, PETSC_COMM_SELF, PETSC_ERR_MAT_CH_ZRPVT, "-loss kopt: sample %s: B_i = A^-1(s_i, s_i) is not positive definite for column %" PetscInt_FMT " (1-based)", s->name, fail + 1);
  PetscCall(PetscMalloc1(nl, &w->lopt));
  for (PetscInt i = 0; i < n; i++) /* both patterns list column i's rows ascending, the diagonal first */
    for (PetscInt r = 0; r < w->S.L.colptr[i + 1] - w->S.L.colptr[i]; r++) {
      PetscCheck(w->S.L.rowidx[w->S.L.colptr[i] + r] == K->P.colrow[K->P.colptr[i] + r], PETSC_COMM_SELF, PETSC_ERR_PLIB, "-loss kopt: sample %s, column %" PetscInt_FMT ": patterns differ", s->name, i);
      w->lopt[K->P.colpos[K->P.colptr[i] + r]] = PetscRealPart(w->S.L.val[w->S.L.colptr[i] + r]);
    }
  K->fopt = KGNNKaporinInverseLoss(&K->P, K->B, w->lopt, 0, NULL);
  PetscCheck(!PetscIsInfOrNanReal(K->fopt), PETSC_COMM_SELF, PETSC_ERR_FP, "-loss kopt: sample %s: K of PCKOPT's factor is not finite", s->name);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* on error K is left empty and nothing allocated here stays behind */
PetscErrorCode KGNNKoptLossCreate(const KGNNSample *s, PetscBool jacobi, KGNNKoptLoss *K)
{
  Work           w;
  PetscErrorCode err;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(K, sizeof(*K)));
  PetscCall(PetscMemzero(&w, sizeof(w)));
  err = Build(s, jacobi, K, &w);
  PetscCall(PetscFree(w.lopt));
  PetscCall(PetscFree(w.Pval));
  PetscCall(KGNNSelInvDestroy(&w.si));
  PetscCall(KGNNKoptSymbolicDestroy(&w.S));
  PetscCall(PetscFree(w.arow));
  PetscCall(PetscFree2(w.a, w.d));
  if (err) PetscCall(KGNNKoptLossDestroy(K));
  PetscCall(err);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNKoptLossDestroy(KGNNKoptLoss *K)
{
  PetscFunctionBegin;
  PetscCall(KGNNKaporinPatternDestroy(&K->P));
  PetscCall(PetscFree(K->rowptr));
  PetscCall(PetscFree(K->colidx));
  PetscCall(PetscFree(K->B));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the loss of one graph from its prediction p on m edges (the sample's order); dp (may be NULL)
   its gradient, 0 above the diagonal. Capped as the kaporin loss is (batch.c): a factor that
   breaks down (a zero diagonal) or is e^cap worse counts as cap, with no gradient. */
PetscErrorCode KGNNKoptLossEval(const KGNNKoptLoss *K, PetscInt m, const PetscInt *row, const PetscInt *col, const PetscReal *p, PetscReal cap, PetscReal *dp, PetscReal *loss)
{
  const PetscInt nl = K->P.nnz;
  PetscReal     *l, *dl;

  PetscFunctionBegin;
  PetscCall(PetscMalloc2(nl, &l, nl, &dl));
  for (PetscInt k = 0, q = 0; k < m; k++)
    if (row[k] >= col[k]) {
      PetscCheck(q < nl && col[k] == K->colidx[q], PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "-loss kopt: the graph's lower edge %" PetscInt_FMT " is not the sample's", k);
      l[q++] = p[k];
    }
  *loss = KGNNKaporinInverseLoss(&K->P, K->B, l, 0, dp ? dl : NULL) - K->fopt;
  if (!(*loss < cap)) {
    *loss = cap;
    for (PetscInt q = 0; q < nl; q++) dl[q] = 0;
  }
  if (dp)
    for (PetscInt k = 0, q = 0; k < m; k++) dp[k] = row[k] >= col[k] ? dl[q++] : 0.0;
  PetscCall(PetscFree2(l, dl));
  PetscFunctionReturn(PETSC_SUCCESS);
}
