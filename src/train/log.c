/* kgnn-train's record of a run: the CSV log (one row an epoch, rewritten whole after each, to a
   temporary name and renamed) and the progress lines on stdout (none with -quiet, but for the
   one that says there is no test set, since it changes what the run means) */
#include "train.h"

PetscErrorCode KGNNTrainerViewStart(KGNNTrainer T)
{
  PetscFunctionBegin;
  if (!T->quiet)
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "kgnn-train: %s depth %d hidden %d%s%s%s, %d train / %d test samples, batch %d, %s loss, lr %g x %g every %d epochs, %d epochs, patience %d%s\n", KGNNNodeModelName(T->M.node_model), (int)T->M.depth,
                          (int)T->M.hidden, T->M.positional ? ", positional" : "", T->M.virtual_node ? ", virtual node" : "", T->M.jacobi ? ", Jacobi-scaled input" : "", (int)T->ntrain, (int)T->ntest, (int)T->batch, KGNNLossName(T->loss),
                          (double)T->lr, (double)T->gamma, (int)T->step_size, (int)T->epochs, (int)T->patience, T->resume ? ", resumed" : ""));
  if (T->breakdown[0]) /* said once, -quiet or not: what the losses read */
    PetscCall(PetscPrintf(
        PETSC_COMM_SELF,
        "kgnn-train: the first network of a cascade (-breakdown_model %s): trained on the samples where IC(0) of A exists, %d training and %d test samples left out of the losses; the quality report judges the cascade on every test sample\n",
        T->breakdown, (int)T->nskip[0], (int)T->nskip[1]));
  else if (T->samples)
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "kgnn-train: trained on the samples where IC(0) of A %s (-samples %s), %d training and %d test samples left out of the losses; the quality report judges the network on every test sample\n",
                          T->samples == 1 ? "exists" : "breaks down", T->samples == 1 ? "ic0_exists" : "ic0_breaks", (int)T->nskip[0], (int)T->nskip[1]));
  if (!T->nltest && T->ntest) PetscCall(PetscPrintf(PETSC_COMM_SELF, "kgnn-train: -samples leaves no test sample: early stopping and the best weights use the training loss\n"));
  if (!T->ntest) /* said once, -quiet or not: the run's meaning changes */
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "kgnn-train: no test samples (%s): early stopping and the best weights use the training loss, and the epochs show it alone\n", T->max_test == 0 ? "-max_test 0" : "the dataset has none"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the row of the epoch T->epoch (0-based) in the history, and its progress line */
PetscErrorCode KGNNTrainerLogEpoch(KGNNTrainer T, PetscReal train_loss, PetscReal test_loss, PetscReal test_cos, PetscReal lr, PetscReal seconds)
{
  PetscReal *h = T->hist + T->nlog++ * KGNN_TRAIN_NHIST;

  PetscFunctionBegin;
  h[0] = T->epoch + 1, h[1] = train_loss, h[2] = test_loss, h[3] = test_cos, h[4] = lr, h[5] = seconds;
  if (!T->quiet && T->nltest) PetscCall(PetscPrintf(PETSC_COMM_SELF, "epoch %4d  train loss %.6e  test loss %.6e  test cosine %.6f  lr %.3e  %.2f s\n", (int)h[0], (double)h[1], (double)h[2], (double)h[3], (double)h[4], (double)h[5]));
  else if (!T->quiet) PetscCall(PetscPrintf(PETSC_COMM_SELF, "epoch %4d  train loss %.6e  lr %.3e  %.2f s\n", (int)h[0], (double)h[1], (double)h[4], (double)h[5]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the whole CSV again, put in place atomically (src/io/atomic_file.c) */
PetscErrorCode KGNNTrainerWriteLog(KGNNTrainer T)
{
  char  tmp[PETSC_MAX_PATH_LEN + 8];
  FILE *fp;

  PetscFunctionBegin;
  PetscCall(KGNNAtomicOpen(T->log, tmp, sizeof(tmp), &fp));
  fprintf(fp, "epoch,train_loss,test_loss,test_cosine,lr,seconds\n");
  for (PetscInt k = 0; k < T->nlog; k++) {
    const PetscReal *h = T->hist + k * KGNN_TRAIN_NHIST;
    fprintf(fp, "%d,%.17g,%.17g,%.17g,%.17g,%.3f\n", (int)h[0], (double)h[1], (double)h[2], (double)h[3], (double)h[4], (double)h[5]);
  }
  PetscCall(KGNNAtomicClose(&fp, tmp, T->log));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNTrainerViewEnd(KGNNTrainer T)
{
  PetscFunctionBegin;
  if (!T->quiet)
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "kgnn-train: %s after %d epochs; best %s loss %.6e at epoch %d, weights in %s, log in %s\n", T->epoch < T->epochs ? "stopped early" : "done", (int)T->epoch, T->nltest ? "test" : "train",
                          (double)T->best_loss, (int)T->best_epoch, T->out, T->log));
  PetscFunctionReturn(PETSC_SUCCESS);
}
