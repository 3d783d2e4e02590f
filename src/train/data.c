/* kgnn-train's data: every sample of the dataset in memory, train and test by their split (at
   most -max_train and -max_test of them, in the file's order) */
#include "train.h"

static PetscErrorCode ReadSamples(KGNNTrainer T, KGNNDataset ds, PetscInt *n)
{
  PetscFunctionBegin;
  PetscCall(KGNNDatasetGetSize(ds, n));
  PetscCall(PetscCalloc2(*n, &T->train, *n, &T->test));
  for (PetscInt k = 0; k < *n; k++) {
    KGNNSample s;
    PetscCall(KGNNDatasetReadSample(ds, k, &s));
    if (!strcmp(s.split, "test") && T->ntest < T->max_test) T->test[T->ntest++] = s;
    else if (strcmp(s.split, "test") && T->ntrain < T->max_train) T->train[T->ntrain++] = s;
    else PetscCall(KGNNSampleDestroy(&s));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the sample's A with values a (its own, or a scaled copy) as CSR: a sample stores every entry,
   both triangles, row by row with columns ascending, so only the row pointers (*rowptr, the
   caller's to free) are made; A borrows the sample's columns and a */
PetscErrorCode KGNNSampleCSR(const KGNNSample *s, const PetscReal *a, PetscInt **rowptr, KGNNCSR *A)
{
  PetscFunctionBegin;
  PetscCall(PetscCalloc1(s->n + 1, rowptr));
  for (PetscInt k = 0; k < s->nnz; k++) (*rowptr)[s->row[k] + 1]++;
  for (PetscInt i = 0; i < s->n; i++) (*rowptr)[i + 1] += (*rowptr)[i];
  A->n = s->n, A->rowptr = *rowptr, A->colidx = s->col, A->val = a;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* does IC(0) of the sample's A exist (every pivot > 0)? PCGNN's cascade asks the same of A
   (gnn.c); the answer does not depend on the input scaling */
static PetscErrorCode SampleIC0Exists(const KGNNSample *s, PetscBool *exists)
{
  PetscInt *rowptr, fail;
  KGNNCSR   A;
  KGNNLower L;

  PetscFunctionBegin;
  PetscCall(KGNNSampleCSR(s, s->a, &rowptr, &A));
  PetscCall(KGNNLowerCreateFromCSR(&A, PETSC_TRUE, &L));
  PetscCall(KGNNIC0Factor(&L, &fail));
  *exists = fail < 0 ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(KGNNLowerDestroy(&L));
  PetscCall(PetscFree(rowptr));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -samples ic0_exists | ic0_breaks: the networks of a cascade run only where IC(0) exists (the
   first) or breaks down (the breakdown network), so each learns only there. The test samples
   stay (the quality report judges the model file on all of them); the test loss reads those
   kept. */
static PetscErrorCode SelectSamples(KGNNTrainer T)
{
  PetscInt  keep = 0;
  PetscBool ok;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(PetscMax(T->ntest, 1), &T->ltest));
  T->nltest = 0;
  for (PetscInt k = 0; k < T->ntest; k++) {
    ok = PETSC_TRUE;
    if (T->samples) PetscCall(SampleIC0Exists(&T->test[k], &ok));
    if (T->samples == 2) ok = !ok;
    if (ok) T->ltest[T->nltest++] = k;
  }
  T->nskip[1] = T->ntest - T->nltest;
  if (!T->samples) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt k = 0; k < T->ntrain; k++) {
    PetscCall(SampleIC0Exists(&T->train[k], &ok));
    if (T->samples == 2) ok = !ok;
    if (ok) T->train[keep++] = T->train[k];
    else PetscCall(KGNNSampleDestroy(&T->train[k]));
  }
  T->nskip[0] = T->ntrain - keep;
  T->ntrain   = keep;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -loss kopt: every sample's blocks of A^-1 (kopt_loss.c), made once, for the input scaling the
   weights settled (-scale, else -init's); zeroed arrays first, so that KGNNTrainerDestroy frees
   what an error left */
PetscErrorCode KGNNTrainerKoptBlocks(KGNNTrainer T)
{
  PetscLogDouble t0, t1;
  double         reals = 0;

  PetscFunctionBegin;
  if (T->loss != KGNN_LOSS_KOPT) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscTime(&t0));
  PetscCall(PetscCalloc2(T->ntrain, &T->kopt_train, T->ntest, &T->kopt_test));
  for (PetscInt k = 0; k < T->ntrain; k++) {
    PetscCall(KGNNKoptLossCreate(&T->train[k], T->M.jacobi, &T->kopt_train[k]));
    reals += T->kopt_train[k].P.bptr[T->train[k].n];
  }
  for (PetscInt q = 0; q < T->nltest; q++) { /* the test samples the test loss reads (-samples) */
    const PetscInt k = T->ltest[q];
    PetscCall(KGNNKoptLossCreate(&T->test[k], T->M.jacobi, &T->kopt_test[k]));
    reals += T->kopt_test[k].P.bptr[T->test[k].n];
  }
  PetscCall(PetscTime(&t1));
  if (!T->quiet) PetscCall(PetscPrintf(PETSC_COMM_SELF, "kgnn-train: -loss kopt: the blocks of A^-1 of %d samples (%.3g M reals, selected inversion), %.2f s\n", (int)(T->ntrain + T->nltest), reals / 1e6, t1 - t0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* an empty or mismatched set is an error; the file is closed on every path. The samples read
   before an error are KGNNTrainerDestroy's to free. */
PetscErrorCode KGNNTrainerLoadData(KGNNTrainer T)
{
  KGNNDataset    ds;
  PetscInt       n = 0;
  PetscErrorCode err;

  PetscFunctionBegin;
  PetscCall(KGNNDatasetOpen(T->dataset, &ds));
  err = ReadSamples(T, ds, &n);
  PetscCall(KGNNDatasetClose(&ds));
  PetscCall(err);
  if (T->evaluate[0]) {
    PetscCheck(T->ntest > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: no test samples (%d samples in all): nothing to evaluate %s on", T->dataset, (int)n, T->evaluate);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(SelectSamples(T));
  PetscCheck(T->ntrain > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: no training samples (%d samples in all%s): nothing to train on", T->dataset, (int)n,
             T->samples == 1   ? "; -samples ic0_exists keeps those where IC(0) exists"
             : T->samples == 2 ? "; -samples ic0_breaks keeps those where IC(0) breaks down"
                               : "");
  if (!T->batch) T->batch = strcmp(T->train[0].method, "exact") ? 8 : 16; /* Sec. 6.1 */
  PetscFunctionReturn(PETSC_SUCCESS);
}
