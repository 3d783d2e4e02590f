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
  PetscCheck(T->ntrain > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: no training samples (%d samples in all): nothing to train on", T->dataset, (int)n);
  if (!T->batch) T->batch = strcmp(T->train[0].method, "exact") ? 8 : 16; /* Sec. 6.1 */
  PetscFunctionReturn(PETSC_SUCCESS);
}
