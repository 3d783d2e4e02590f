/* kgnn-train's loop (the paper's Sec. 6.1-6.3): Adam with a step schedule on batches of samples,
   the test loss every epoch, early stopping, and a stop between batches on SIGINT/SIGTERM that
   writes a checkpoint. Around it: the options (options.c), the data (data.c), the files of
   weights and checkpoints (checkpoint.c), the CSV log and progress lines (log.c). */
#include "train.h"
#include <signal.h>

static volatile sig_atomic_t stop_signal = 0;
static void                  OnSignal(int sig)
{
  stop_signal = sig;
}

PetscErrorCode KGNNTrainerCreate(KGNNTrainer *t)
{
  KGNNTrainer T;

  PetscFunctionBegin;
  PetscCall(PetscNew(&T));
  T->loss          = KGNN_LOSS_COSINE;
  T->epochs        = 300;
  T->batch         = 0; /* 16 for synthetic data, 8 for matrices (Sec. 6.1) */
  T->patience      = 50;
  T->step_size     = 50;
  T->lr            = 1e-3;
  T->gamma         = 0.6;
  T->init_ic0_noise = 0.1; /* -init_ic0_noise */
  T->every         = 10;
  T->seed          = 1;
  T->shuffle       = PETSC_TRUE;
  T->max_train     = PETSC_MAX_INT;
  T->max_test      = PETSC_MAX_INT;
  T->stop_after    = -1;
  T->quality       = PETSC_TRUE;
  T->quality_max   = 100;
  T->quality_dense = 2000;
  T->best_loss     = PETSC_MAX_REAL;
  T->M.depth       = 3;
  T->M.hidden      = 16;
  T->M.node_model  = KGNN_NODE_MESSAGE_MLP;
  *t               = T;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the order of the training samples in an epoch: a Fisher-Yates shuffle from a generator seeded
   by (seed, epoch), so a resumed run sees the same order (share/python/train_pyg.py repeats it) */
static void EpochOrder(PetscInt64 seed, PetscInt epoch, PetscBool shuffle, PetscInt n, PetscInt *perm)
{
  KGNNRandom r = {(uint64_t)seed * 1000003ULL + (uint64_t)epoch};

  for (PetscInt i = 0; i < n; i++) perm[i] = i;
  if (!shuffle) return;
  for (PetscInt i = n - 1; i > 0; i--) {
    PetscInt j = (PetscInt)(KGNNRandomNext(&r) % (uint64_t)(i + 1)), t = perm[i];
    perm[i] = perm[j], perm[j] = t;
  }
}

/* -loss kopt: the batch's graphs' blocks of A^-1, from the samples they were made of (kp: room
   for cnt pointers) */
static void AttachKopt(KGNNTrainer T, KGNNBatch *B, PetscInt cnt, KGNNSample *const s[], const KGNNKoptLoss **kp)
{
  if (T->loss != KGNN_LOSS_KOPT) return;
  for (PetscInt k = 0; k < cnt; k++) kp[k] = s[k] >= T->train && s[k] < T->train + T->ntrain ? &T->kopt_train[s[k] - T->train] : &T->kopt_test[s[k] - T->test];
  B->kopt = kp;
}

/* mean loss and mean cosine similarity over the test set, in batches */
static PetscErrorCode Evaluate(KGNNTrainer T, PetscReal *loss, PetscReal *cos)
{
  PetscReal   lsum = 0, csum = 0;
  KGNNSample         *s[KGNN_TRAIN_MAX_BATCH];
  const KGNNKoptLoss *kp[KGNN_TRAIN_MAX_BATCH];
  KGNNRandom          r = {(uint64_t)T->seed ^ 0x5eedULL}; /* the same z for every evaluation */

  PetscFunctionBegin;
  for (PetscInt b = 0; b < T->nltest; b += T->batch) {
    const PetscInt cnt = PetscMin(T->batch, T->nltest - b);
    KGNNBatch      B;
    PetscReal     *p, l, c;
    for (PetscInt k = 0; k < cnt; k++) s[k] = &T->test[T->ltest[b + k]];
    PetscCall(KGNNBatchCreate(cnt, s, &B));
    AttachKopt(T, &B, cnt, s, kp);
    if (T->M.jacobi) PetscCall(KGNNBatchJacobi(&B));
    PetscCall(PetscMalloc1(B.G.nnz, &p));
    PetscCall(KGNNModelForward(&T->M, &B.G, p));
    PetscCall(KGNNBatchLoss(&B, T->loss, p, NULL, &r, &l, &c));
    lsum += l * cnt, csum += c;
    PetscCall(PetscFree(p));
    PetscCall(KGNNBatchDestroy(&B));
  }
  *loss = T->nltest ? lsum / T->nltest : NAN;
  *cos  = T->nltest ? csum / T->nltest : NAN;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* one optimiser step over every tensor, torch.optim.Adam's update */
static PetscErrorCode AdamStep(KGNNTrainer T, PetscReal lr)
{
  PetscInt    nt;
  KGNNTensor *P, *G, *A, *V;

  PetscFunctionBegin;
  PetscCall(KGNNModelTensors(&T->M, &nt, &P));
  PetscCall(KGNNModelTensors(&T->G, &nt, &G));
  PetscCall(KGNNModelTensors(&T->Am, &nt, &A));
  PetscCall(KGNNModelTensors(&T->Av, &nt, &V));
  for (PetscInt k = 0; k < nt; k++) KGNNAdamStep(P[k].size, P[k].data, G[k].data, A[k].data, V[k].data, T->step, lr, 0.9, 0.999, 1e-8);
  PetscCall(PetscFree(P));
  PetscCall(PetscFree(G));
  PetscCall(PetscFree(A));
  PetscCall(PetscFree(V));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ZeroAndCheck(KGNNModel *M, PetscBool zero, PetscBool *finite)
{
  PetscInt    nt;
  KGNNTensor *X;

  PetscFunctionBegin;
  PetscCall(KGNNModelTensors(M, &nt, &X));
  if (finite) *finite = PETSC_TRUE;
  for (PetscInt k = 0; k < nt; k++)
    for (PetscInt i = 0; i < X[k].size; i++) {
      if (finite && PetscIsInfOrNanReal(X[k].data[i])) *finite = PETSC_FALSE;
      if (zero) X[k].data[i] = 0;
    }
  PetscCall(PetscFree(X));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* one batch: forward with the tape, the loss, backward, Adam; loss = the batch's mean */
static PetscErrorCode TrainBatch(KGNNTrainer T, PetscInt cnt, KGNNSample *s[], PetscReal lr, PetscReal *loss)
{
  KGNNBatch  B;
  KGNNTape   tape;
  PetscReal *p, *dp;
  PetscBool  finite = PETSC_FALSE;
  KGNNRandom r      = {(uint64_t)T->seed * 7919ULL + (uint64_t)T->step}; /* the free loss's z */
  const KGNNKoptLoss *kp[KGNN_TRAIN_MAX_BATCH];

  PetscFunctionBegin;
  PetscCall(KGNNBatchCreate(cnt, s, &B));
  AttachKopt(T, &B, cnt, s, kp);
  if (T->M.jacobi) PetscCall(KGNNBatchJacobi(&B));
  PetscCall(PetscMalloc2(B.G.nnz, &p, B.G.nnz, &dp));
  PetscCall(KGNNModelForwardTape(&T->M, &B.G, p, &tape));
  PetscCall(KGNNBatchLoss(&B, T->loss, p, dp, &r, loss, NULL));
  PetscCall(ZeroAndCheck(&T->G, PETSC_TRUE, NULL));
  if (!PetscIsInfOrNanReal(*loss)) PetscCall(KGNNModelBackward(&T->M, tape, dp, &T->G));
  PetscCall(ZeroAndCheck(&T->G, PETSC_FALSE, &finite));
  PetscCall(KGNNTapeDestroy(&tape));
  PetscCall(PetscFree2(p, dp));
  PetscCall(KGNNBatchDestroy(&B));
  PetscCheck(!PetscIsInfOrNanReal(*loss) && finite, PETSC_COMM_SELF, PETSC_ERR_FP, "epoch %d, step %d: the %s is %s; stopping. The weights are not updated; the last good checkpoint is %s and the best weights are in %s", (int)T->epoch + 1,
             (int)T->step + 1, PetscIsInfOrNanReal(*loss) ? "loss" : "gradient", PetscIsInfOrNanReal(*loss) ? "not finite" : "not finite (NaN or Inf)", T->ckpt, T->out);
  T->step++;
  PetscCall(AdamStep(T, lr));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* stopped between batches (a signal, or -stop_after_batches in the tests): the checkpoint holds
   the state after the last full batch */
static PetscErrorCode Stop(KGNNTrainer T, PetscLogDouble t0, PetscInt nbatch)
{
  PetscLogDouble t1;

  PetscFunctionBegin;
  PetscCall(PetscTime(&t1));
  T->part_time += t1 - t0;
  PetscCall(KGNNTrainerSaveCheckpoint(T));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "kgnn-train: %s at epoch %d, batch %d of %d: checkpoint written to %s; continue with -resume\n", stop_signal ? "interrupted" : "stopped", (int)T->epoch + 1, (int)T->next_batch, (int)nbatch, T->ckpt));
  T->interrupted = (int)stop_signal;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* after an epoch's batches: the test loss, the log, early stopping on the test loss (the training
   loss without a test set) with the best weights as the result, and the checkpoint */
static PetscErrorCode EndEpoch(KGNNTrainer T, PetscReal lr, PetscLogDouble t0)
{
  PetscReal      test_loss = NAN, test_cos = NAN, train_loss = T->part_sum / T->ntrain, crit;
  PetscLogDouble t1;

  PetscFunctionBegin;
  PetscCall(Evaluate(T, &test_loss, &test_cos));
  PetscCall(PetscTime(&t1));
  PetscCall(KGNNTrainerLogEpoch(T, train_loss, test_loss, test_cos, lr, T->part_time + (t1 - t0)));
  T->epoch++, T->next_batch = 0, T->part_sum = 0, T->part_time = 0;
  crit = T->nltest ? test_loss : train_loss;
  if (crit < T->best_loss) {
    T->best_loss = crit, T->best_epoch = T->epoch, T->bad = 0;
    PetscCall(KGNNModelCopy(&T->M, &T->best));
    PetscCall(KGNNTrainerSaveBest(T));
  } else T->bad++;
  PetscCall(KGNNTrainerWriteLog(T));
  if (T->epoch % T->every == 0 || T->epoch == T->epochs) PetscCall(KGNNTrainerSaveCheckpoint(T));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the epochs from T's state on, until -epochs, early stopping or a stop between batches */
static PetscErrorCode Epochs(KGNNTrainer T, PetscInt *perm, PetscBool *stopped)
{
  const PetscInt nbatch      = (T->ntrain + T->batch - 1) / T->batch;
  PetscInt       batches_run = 0;

  PetscFunctionBegin;
  *stopped = PETSC_FALSE;
  while (T->epoch < T->epochs && !(T->patience > 0 && T->bad >= T->patience)) {
    const PetscReal lr = KGNNStepLR(T->lr, T->gamma, T->step_size, T->epoch);
    PetscLogDouble  t0;
    PetscCall(PetscTime(&t0));
    EpochOrder(T->seed, T->epoch, T->shuffle, T->ntrain, perm);
    for (; T->next_batch < nbatch; T->next_batch++) {
      const PetscInt b0 = T->next_batch * T->batch, cnt = PetscMin(T->batch, T->ntrain - b0);
      KGNNSample    *s[KGNN_TRAIN_MAX_BATCH];
      PetscReal      l;
      if (stop_signal || (T->stop_after >= 0 && batches_run == T->stop_after)) {
        PetscCall(Stop(T, t0, nbatch));
        *stopped = PETSC_TRUE;
        PetscFunctionReturn(PETSC_SUCCESS);
      }
      for (PetscInt k = 0; k < cnt; k++) s[k] = &T->train[perm[b0 + k]];
      PetscCall(TrainBatch(T, cnt, s, lr, &l));
      T->part_sum += l * cnt;
      batches_run++;
    }
    PetscCall(EndEpoch(T, lr, t0));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNTrainerRun(KGNNTrainer T)
{
  PetscInt      *perm;
  PetscBool      stopped;
  PetscErrorCode err;
  void (*old_int)(int), (*old_term)(int);

  PetscFunctionBegin;
  PetscCall(KGNNTrainerLoadData(T));
  if (T->evaluate[0]) { /* a trained model judged, nothing trained or written but its report */
    PetscCall(KGNNTrainerQualityReport(T, T->evaluate));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(KGNNTrainerSetUpWeights(T));
  PetscCall(PetscMalloc1((size_t)(T->epochs + 1) * KGNN_TRAIN_NHIST, &T->hist));
  if (T->resume) PetscCall(KGNNTrainerLoadCheckpoint(T));
  PetscCall(KGNNTrainerKoptBlocks(T));
  PetscCall(KGNNTrainerViewStart(T));
  if (!T->resume && (T->init[0] || T->init_ic0 > 0) && T->nltest) { /* a start worth keeping: the best weights are never worse on the test loss */
    PetscReal l0, c0; /* the cosine is the log's, not needed here */
    PetscCall(Evaluate(T, &l0, &c0));
    T->best_loss = l0;
    if (!T->quiet) PetscCall(PetscPrintf(PETSC_COMM_SELF, "kgnn-train: the initial weights: test loss %.6e (epoch 0; kept unless an epoch does better)\n", (double)l0));
  }
  PetscCall(PetscMalloc1(T->ntrain, &perm));
  stop_signal = 0;
  old_int     = signal(SIGINT, OnSignal);
  old_term    = signal(SIGTERM, OnSignal);
  err         = Epochs(T, perm, &stopped);
  signal(SIGINT, old_int), signal(SIGTERM, old_term); /* on every path */
  PetscCall(PetscFree(perm));
  PetscCall(err);
  if (stopped) PetscFunctionReturn(PETSC_SUCCESS);
  if (T->epoch < T->epochs) PetscCall(KGNNTrainerSaveCheckpoint(T));
  if (!T->best_epoch) PetscCall(KGNNTrainerSaveBest(T)); /* zero epochs: the initial weights */
  PetscCall(KGNNTrainerViewEnd(T));
  PetscCall(KGNNTrainerQualityReport(T, T->out));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the signal (SIGINT, SIGTERM) that stopped the last run after writing its checkpoint, or 0 */
PetscErrorCode KGNNTrainerGetInterrupted(KGNNTrainer T, int *sig)
{
  PetscFunctionBegin;
  *sig = T->interrupted;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNTrainerGetHistory(KGNNTrainer T, PetscInt *n, const PetscReal **hist)
{
  PetscFunctionBegin;
  *n    = T->nlog;
  *hist = T->hist;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNTrainerDestroy(KGNNTrainer *t)
{
  KGNNTrainer T = *t;

  PetscFunctionBegin;
  if (!T) PetscFunctionReturn(PETSC_SUCCESS);
  if (T->kopt_train)
    for (PetscInt k = 0; k < T->ntrain; k++) PetscCall(KGNNKoptLossDestroy(&T->kopt_train[k]));
  if (T->kopt_test)
    for (PetscInt k = 0; k < T->ntest; k++) PetscCall(KGNNKoptLossDestroy(&T->kopt_test[k]));
  PetscCall(PetscFree2(T->kopt_train, T->kopt_test));
  for (PetscInt k = 0; k < T->ntrain; k++) PetscCall(KGNNSampleDestroy(&T->train[k]));
  for (PetscInt k = 0; k < T->ntest; k++) PetscCall(KGNNSampleDestroy(&T->test[k]));
  PetscCall(PetscFree2(T->train, T->test));
  PetscCall(PetscFree(T->ltest));
  PetscCall(KGNNModelDestroy(&T->bd));
  PetscCall(KGNNModelDestroy(&T->M));
  PetscCall(KGNNModelDestroy(&T->G));
  PetscCall(KGNNModelDestroy(&T->Am));
  PetscCall(KGNNModelDestroy(&T->Av));
  PetscCall(KGNNModelDestroy(&T->best));
  PetscCall(PetscFree(T->hist));
  PetscCall(PetscFree(T));
  *t = NULL;
  PetscFunctionReturn(PETSC_SUCCESS);
}
