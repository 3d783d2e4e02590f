/* kgnn-train's loop (the paper's Sec. 6.1-6.3): Adam with a step schedule on batches of samples,
   the test loss every epoch, early stopping, a CSV log, and checkpoints from which a run
   continues to exactly the weights it would have reached without the interruption. */
#include "train.h"
#include <signal.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../io/h5util.h"

struct _n_KGNNTrainer {
  char       dataset[PETSC_MAX_PATH_LEN], out[PETSC_MAX_PATH_LEN], ckpt[PETSC_MAX_PATH_LEN], init[PETSC_MAX_PATH_LEN], log[PETSC_MAX_PATH_LEN];
  KGNNModel  M, G, Am, Av, best; /* weights, gradients, Adam's moments, the best weights so far */
  KGNNLoss   loss;
  PetscInt   epochs, batch, patience, step_size, every, max_train, max_test, stop_after;
  PetscReal  lr, gamma;
  PetscInt64 seed;
  PetscBool  shuffle, resume, quiet;
  int        interrupted; /* the signal that stopped the run, 0 if none */
  /* state, all of it in a checkpoint */
  PetscInt   epoch, step, next_batch, bad, best_epoch, nlog;
  PetscReal  best_loss, part_sum, part_time;
  PetscReal *hist; /* nlog rows: epoch, train loss, test loss, test cosine, lr, seconds */
  /* data */
  PetscInt    ntrain, ntest;
  KGNNSample *train, *test;
};

#define NHIST 6
#define MAX_BATCH 1024 /* graphs in one batch (training and evaluation) */
static const char           *loss_names[] = {"cosine", "l2", "free"};
static volatile sig_atomic_t stop_signal  = 0;
static void                  OnSignal(int sig)
{
  stop_signal = sig;
}

PetscErrorCode KGNNTrainerCreate(KGNNTrainer *t)
{
  KGNNTrainer T;

  PetscFunctionBegin;
  PetscCall(PetscNew(&T));
  T->loss         = KGNN_LOSS_COSINE;
  T->epochs       = 300;
  T->batch        = 0; /* 16 for synthetic data, 8 for matrices (Sec. 6.1) */
  T->patience     = 50;
  T->step_size    = 50;
  T->lr           = 1e-3;
  T->gamma        = 0.6;
  T->every        = 10;
  T->seed         = 1;
  T->shuffle      = PETSC_TRUE;
  T->max_train    = PETSC_MAX_INT;
  T->max_test     = PETSC_MAX_INT;
  T->stop_after   = -1;
  T->best_loss    = PETSC_MAX_REAL;
  T->M.depth      = 3;
  T->M.hidden     = 16;
  T->M.node_model = KGNN_NODE_MESSAGE_MLP;
  *t              = T;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* a file the run will write (option: the one that names it) must have a writable folder, known
   before the first epoch rather than at the first save */
static PetscErrorCode CheckWritableFolder(const char *option, const char *path)
{
  char        dir[PETSC_MAX_PATH_LEN];
  char       *slash;
  struct stat st;

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(dir, path, sizeof(dir)));
  slash = strrchr(dir, '/');
  if (!slash) PetscCall(PetscStrncpy(dir, ".", sizeof(dir)));
  else if (slash == dir) dir[1] = 0; /* "/file" */
  else *slash = 0;
  PetscCheck(!stat(dir, &st), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "%s %s: folder %s does not exist", option, path, dir);
  PetscCheck(S_ISDIR(st.st_mode), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "%s %s: %s is not a folder", option, path, dir);
  PetscCheck(!access(dir, W_OK | X_OK), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "%s %s: folder %s is not writable", option, path, dir);
  PetscCheck(stat(path, &st) || !S_ISDIR(st.st_mode), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "%s %s: is a folder, not a file", option, path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNTrainerSetFromOptions(KGNNTrainer T)
{
  char      nm[64] = "MessagePassingMLP", ls[16] = "cosine";
  PetscInt  seed = (PetscInt)T->seed;
  PetscBool batch_set;

  PetscFunctionBegin;
  PetscOptionsBegin(PETSC_COMM_SELF, NULL, "kgnn-train options", "KGNN");
  PetscCall(PetscOptionsString("-dataset", "dataset file (kgnn-dataset)", NULL, T->dataset, T->dataset, sizeof(T->dataset), NULL));
  PetscCall(PetscOptionsString("-out", "the trained weights (the best test loss)", NULL, T->out, T->out, sizeof(T->out), NULL));
  PetscCall(PetscOptionsString("-checkpoint", "checkpoint file (default OUT.ckpt)", NULL, T->ckpt, T->ckpt, sizeof(T->ckpt), NULL));
  PetscCall(PetscOptionsString("-log", "CSV log (default OUT.csv)", NULL, T->log, T->log, sizeof(T->log), NULL));
  PetscCall(PetscOptionsString("-init", "start from these weights (a model file) instead of a seeded initialisation", NULL, T->init, T->init, sizeof(T->init), NULL));
  PetscCall(PetscOptionsString("-node_model", "MLPNodeModel, MessagePassingMLP, GATv2, GEN, GraphTransformer, GlobalGraphTransformer", NULL, nm, nm, sizeof(nm), NULL));
  PetscCall(PetscOptionsInt("-depth", "graph-network blocks", NULL, T->M.depth, &T->M.depth, NULL));
  PetscCall(PetscOptionsInt("-hidden", "hidden size", NULL, T->M.hidden, &T->M.hidden, NULL));
  PetscCall(PetscOptionsBool("-positional", "the -1/0/+1 position feature (Appendix B)", NULL, T->M.positional, &T->M.positional, NULL));
  PetscCall(PetscOptionsBool("-virtual_node", "a virtual node per graph (Appendix A)", NULL, T->M.virtual_node, &T->M.virtual_node, NULL));
  PetscCall(PetscOptionsString("-loss", "cosine, l2 or free", NULL, ls, ls, sizeof(ls), NULL));
  PetscCall(PetscOptionsInt("-epochs", "epochs", NULL, T->epochs, &T->epochs, NULL));
  PetscCall(PetscOptionsInt("-batch", "graphs per batch (default 16 synthetic, 8 matrices)", NULL, T->batch, &T->batch, &batch_set));
  PetscCall(PetscOptionsReal("-lr", "Adam's learning rate", NULL, T->lr, &T->lr, NULL));
  PetscCall(PetscOptionsReal("-gamma", "learning rate factor every -step_size epochs", NULL, T->gamma, &T->gamma, NULL));
  PetscCall(PetscOptionsInt("-step_size", "epochs between learning-rate steps", NULL, T->step_size, &T->step_size, NULL));
  PetscCall(PetscOptionsInt("-patience", "stop after this many epochs without a better test loss (the training loss without a test set; 0: never)", NULL, T->patience, &T->patience, NULL));
  PetscCall(PetscOptionsInt("-seed", "seed of the initial weights, the shuffling and the free loss's z", NULL, seed, &seed, NULL));
  PetscCall(PetscOptionsBool("-shuffle", "shuffle the training samples every epoch", NULL, T->shuffle, &T->shuffle, NULL));
  PetscCall(PetscOptionsInt("-checkpoint_every", "epochs between checkpoints", NULL, T->every, &T->every, NULL));
  PetscCall(PetscOptionsBool("-resume", "continue from the checkpoint", NULL, T->resume, &T->resume, NULL));
  PetscCall(PetscOptionsInt("-max_train", "use at most this many training samples", NULL, T->max_train, &T->max_train, NULL));
  PetscCall(PetscOptionsInt("-max_test", "use at most this many test samples", NULL, T->max_test, &T->max_test, NULL));
  PetscCall(PetscOptionsInt("-stop_after_batches", "act as if interrupted after this many batches (tests)", NULL, T->stop_after, &T->stop_after, NULL));
  PetscCall(PetscOptionsBool("-quiet", "no progress lines", NULL, T->quiet, &T->quiet, NULL));
  PetscOptionsEnd();
  PetscCall(KGNNNodeModelFromName(nm, &T->M.node_model));
  PetscCheck((int)T->M.node_model >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-node_model %s: not one of MLPNodeModel, MessagePassingMLP, GATv2, GEN, GraphTransformer, GlobalGraphTransformer", nm);
  T->loss = (KGNNLoss)-1;
  for (int k = 0; k < 3; k++)
    if (!strcmp(ls, loss_names[k])) T->loss = (KGNNLoss)k;
  PetscCheck((int)T->loss >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-loss %s: not one of cosine, l2, free", ls);
  PetscCheck(T->dataset[0], PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "kgnn-train needs -dataset FILE");
  PetscCheck(T->out[0], PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "kgnn-train needs -out FILE (the trained weights)");
  PetscCheck(T->M.depth >= 1 && T->M.depth <= 64, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-depth %d: the network needs 1 to 64 graph-network blocks", (int)T->M.depth);
  PetscCheck(T->M.hidden >= 1 && T->M.hidden <= 4096, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-hidden %d: out of range 1..4096", (int)T->M.hidden);
  PetscCheck(!batch_set || T->batch >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-batch %d: need at least 1 graph a batch (default: 16 for synthetic data, 8 for matrices)", (int)T->batch);
  PetscCheck(T->batch <= MAX_BATCH, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-batch %d: at most %d graphs a batch", (int)T->batch, MAX_BATCH);
  PetscCheck(T->epochs >= 0 && T->step_size >= 1 && T->every >= 1 && T->lr > 0 && T->patience >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "need -epochs >= 0, -step_size >= 1, -checkpoint_every >= 1, -lr > 0, -patience >= 0");
  PetscCall(CheckWritableFolder("-out", T->out));
  if (T->log[0]) PetscCall(CheckWritableFolder("-log", T->log));
  if (T->ckpt[0]) PetscCall(CheckWritableFolder("-checkpoint", T->ckpt));
  if (!T->ckpt[0]) PetscCall(PetscSNPrintf(T->ckpt, sizeof(T->ckpt), "%s.ckpt", T->out));
  if (!T->log[0]) PetscCall(PetscSNPrintf(T->log, sizeof(T->log), "%s.csv", T->out));
  T->seed = seed;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* all samples in memory, train and test by their split; an empty or mismatched set is an error */
static PetscErrorCode LoadData(KGNNTrainer T)
{
  KGNNDataset ds;
  PetscInt    n;

  PetscFunctionBegin;
  PetscCall(KGNNDatasetOpen(T->dataset, &ds));
  PetscCall(KGNNDatasetGetSize(ds, &n));
  PetscCall(PetscCalloc2(n, &T->train, n, &T->test));
  for (PetscInt k = 0; k < n; k++) {
    KGNNSample s;
    PetscCall(KGNNDatasetReadSample(ds, k, &s));
    if (!strcmp(s.split, "test") && T->ntest < T->max_test) T->test[T->ntest++] = s;
    else if (strcmp(s.split, "test") && T->ntrain < T->max_train) T->train[T->ntrain++] = s;
    else PetscCall(KGNNSampleDestroy(&s));
  }
  PetscCall(KGNNDatasetClose(&ds));
  PetscCheck(T->ntrain > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: no training samples (%d samples in all): nothing to train on", T->dataset, (int)n);
  if (!T->batch) T->batch = strcmp(T->train[0].method, "exact") ? 8 : 16;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* ---- checkpoints: the model file plus a group /train with everything else ---- */
/* every tensor of M as group/<state_dict name>, written (path NULL) or read from path */
static PetscErrorCode ModelGroup(const char *path, hid_t f, const char *group, KGNNModel *M)
{
  PetscInt    nt;
  KGNNTensor *X;
  char        name[160];

  PetscFunctionBegin;
  PetscCall(KGNNModelTensors(M, &nt, &X));
  for (PetscInt k = 0; k < nt; k++) {
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s/%s", group, X[k].name));
    if (path) PetscCall(KGNNH5ReadArray(path, f, name, X[k].size, X[k].data));
    else PetscCall(KGNNH5WriteArray(f, name, 1, &X[k].size, X[k].data));
  }
  PetscCall(PetscFree(X));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode WriteState(hid_t f, void *ctx)
{
  KGNNTrainer T    = (KGNNTrainer)ctx;
  long long   v[8] = {T->epoch, T->step, T->next_batch, T->bad, T->best_epoch, T->nlog, T->seed, T->ntrain};
  PetscReal   r[3] = {T->best_loss, T->part_sum, T->part_time};
  PetscInt    d8 = 8, d3 = 3, dh[2] = {T->nlog, NHIST};
  PetscReal   vr[8];

  PetscFunctionBegin;
  for (int k = 0; k < 8; k++) vr[k] = (PetscReal)v[k];
  PetscCall(KGNNH5WriteArray(f, "train/counters", 1, &d8, vr)); /* epoch, step, next batch, bad epochs, best epoch, log rows, seed, train samples */
  PetscCall(KGNNH5WriteArray(f, "train/reals", 1, &d3, r));
  if (T->nlog) PetscCall(KGNNH5WriteArray(f, "train/history", 2, dh, T->hist));
  PetscCall(ModelGroup(NULL, f, "train/adam_m", &T->Am));
  PetscCall(ModelGroup(NULL, f, "train/adam_v", &T->Av));
  PetscCall(ModelGroup(NULL, f, "train/best", &T->best));
  PetscCall(KGNNH5WriteString(f, "train_dataset", T->dataset));
  PetscCall(KGNNH5WriteString(f, "train_loss", loss_names[T->loss]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode SaveCheckpoint(KGNNTrainer T)
{
  PetscFunctionBegin;
  PetscCall(KGNNModelSave(&T->M, T->ckpt, WriteState, T));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode LoadCheckpoint(KGNNTrainer T)
{
  hid_t     f;
  PetscReal c[8], r[3];
  KGNNModel C;

  PetscFunctionBegin;
  PetscCall(KGNNModelLoad(T->ckpt, &C)); /* the weights, checked as any model file */
  PetscCheck(C.node_model == T->M.node_model && C.depth == T->M.depth && C.hidden == T->M.hidden && C.positional == T->M.positional && C.virtual_node == T->M.virtual_node, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP,
             "-resume: checkpoint %s holds a %s of depth %d, hidden %d (positional %d, virtual node %d), not the model asked for", T->ckpt, KGNNNodeModelName(C.node_model), (int)C.depth, (int)C.hidden, (int)C.positional, (int)C.virtual_node);
  PetscCall(KGNNModelCopy(&C, &T->M));
  PetscCall(KGNNModelDestroy(&C));
  f = H5Fopen(T->ckpt, H5F_ACC_RDONLY, H5P_DEFAULT);
  PetscCheck(f >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot open checkpoint %s", T->ckpt);
  PetscCall(KGNNH5ReadArray(T->ckpt, f, "train/counters", 8, c));
  PetscCall(KGNNH5ReadArray(T->ckpt, f, "train/reals", 3, r));
  PetscCheck((PetscInt64)c[6] == T->seed && (PetscInt)c[7] == T->ntrain, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "-resume: checkpoint %s was made with -seed %lld on %d training samples, this run has -seed %lld and %d", T->ckpt, (long long)c[6],
             (int)c[7], (long long)T->seed, (int)T->ntrain);
  T->epoch = (PetscInt)c[0], T->step = (PetscInt)c[1], T->next_batch = (PetscInt)c[2], T->bad = (PetscInt)c[3], T->best_epoch = (PetscInt)c[4], T->nlog = (PetscInt)c[5];
  T->best_loss = r[0], T->part_sum = r[1], T->part_time = r[2];
  if (T->nlog > T->epochs) { /* a run past this -epochs: room for its log */
    PetscCall(PetscFree(T->hist));
    PetscCall(PetscMalloc1((size_t)(T->nlog + 1) * NHIST, &T->hist));
  }
  if (T->nlog) PetscCall(KGNNH5ReadArray(T->ckpt, f, "train/history", T->nlog * NHIST, T->hist));
  PetscCall(ModelGroup(T->ckpt, f, "train/adam_m", &T->Am));
  PetscCall(ModelGroup(T->ckpt, f, "train/adam_v", &T->Av));
  PetscCall(ModelGroup(T->ckpt, f, "train/best", &T->best));
  H5Fclose(f);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the whole CSV again, to a temporary name and renamed */
static PetscErrorCode WriteLog(KGNNTrainer T)
{
  char  tmp[PETSC_MAX_PATH_LEN + 8];
  FILE *fp;

  PetscFunctionBegin;
  PetscCall(KGNNAtomicOpen(T->log, tmp, sizeof(tmp), &fp));
  fprintf(fp, "epoch,train_loss,test_loss,test_cosine,lr,seconds\n");
  for (PetscInt k = 0; k < T->nlog; k++) {
    const PetscReal *h = T->hist + k * NHIST;
    fprintf(fp, "%d,%.17g,%.17g,%.17g,%.17g,%.3f\n", (int)h[0], (double)h[1], (double)h[2], (double)h[3], (double)h[4], (double)h[5]);
  }
  PetscCall(KGNNAtomicClose(&fp, tmp, T->log));
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

/* mean loss and mean cosine similarity over the test set, in batches */
static PetscErrorCode Evaluate(KGNNTrainer T, PetscReal *loss, PetscReal *cos)
{
  PetscReal   lsum = 0, csum = 0;
  KGNNSample *s[MAX_BATCH];
  KGNNRandom  r = {(uint64_t)T->seed ^ 0x5eedULL}; /* the same z for every evaluation */

  PetscFunctionBegin;
  for (PetscInt b = 0; b < T->ntest; b += T->batch) {
    const PetscInt cnt = PetscMin(T->batch, T->ntest - b);
    KGNNBatch      B;
    PetscReal     *p, l, c;
    for (PetscInt k = 0; k < cnt; k++) s[k] = &T->test[b + k];
    PetscCall(KGNNBatchCreate(cnt, s, &B));
    PetscCall(PetscMalloc1(B.G.nnz, &p));
    PetscCall(KGNNModelForward(&T->M, &B.G, p));
    PetscCall(KGNNBatchLoss(&B, T->loss, p, NULL, &r, &l, &c));
    lsum += l * cnt, csum += c;
    PetscCall(PetscFree(p));
    PetscCall(KGNNBatchDestroy(&B));
  }
  *loss = T->ntest ? lsum / T->ntest : NAN;
  *cos  = T->ntest ? csum / T->ntest : NAN;
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

  PetscFunctionBegin;
  PetscCall(KGNNBatchCreate(cnt, s, &B));
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

PetscErrorCode KGNNTrainerRun(KGNNTrainer T)
{
  PetscInt *perm, nbatch, batches_run = 0;
  void (*old_int)(int), (*old_term)(int);

  PetscFunctionBegin;
  PetscCall(LoadData(T));
  if (T->init[0]) { /* the architecture comes from the file */
    KGNNModel In;
    PetscCall(KGNNModelLoad(T->init, &In));
    { /* an architecture asked for on the command line must be the file's */
      const char *opt[5] = {"-node_model", "-depth", "-hidden", "-positional", "-virtual_node"};
      PetscBool   set, same[5];
      same[0] = In.node_model == T->M.node_model, same[1] = In.depth == T->M.depth, same[2] = In.hidden == T->M.hidden, same[3] = In.positional == T->M.positional, same[4] = In.virtual_node == T->M.virtual_node;
      for (int k = 0; k < 5; k++) {
        PetscCall(PetscOptionsHasName(NULL, NULL, opt[k], &set));
        PetscCheck(!set || same[k], PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "-init %s holds a %s of depth %d, hidden %d (positional %d, virtual node %d); %s asks for another", T->init, KGNNNodeModelName(In.node_model), (int)In.depth, (int)In.hidden,
                   (int)In.positional, (int)In.virtual_node, opt[k]);
      }
    }
    T->M.node_model = In.node_model, T->M.depth = In.depth, T->M.hidden = In.hidden, T->M.positional = In.positional, T->M.virtual_node = In.virtual_node;
    PetscCall(KGNNModelSetUp(&T->M));
    PetscCall(KGNNModelCopy(&In, &T->M));
    PetscCall(KGNNModelDestroy(&In));
  } else {
    KGNNRandom r = {(uint64_t)T->seed};
    PetscCall(KGNNModelSetUp(&T->M));
    PetscCall(KGNNModelInitialize(&T->M, &r));
  }
  PetscCall(KGNNModelDuplicate(&T->M, &T->G));
  PetscCall(KGNNModelDuplicate(&T->M, &T->Am));
  PetscCall(KGNNModelDuplicate(&T->M, &T->Av));
  PetscCall(KGNNModelDuplicate(&T->M, &T->best));
  PetscCall(KGNNModelCopy(&T->M, &T->best));
  PetscCall(PetscMalloc1((size_t)(T->epochs + 1) * NHIST, &T->hist));
  if (T->resume) PetscCall(LoadCheckpoint(T));
  PetscCall(PetscMalloc1(T->ntrain, &perm));
  nbatch = (T->ntrain + T->batch - 1) / T->batch;
  if (!T->quiet)
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "kgnn-train: %s depth %d hidden %d%s%s, %d train / %d test samples, batch %d, %s loss, lr %g x %g every %d epochs, %d epochs, patience %d%s\n", KGNNNodeModelName(T->M.node_model), (int)T->M.depth,
                          (int)T->M.hidden, T->M.positional ? ", positional" : "", T->M.virtual_node ? ", virtual node" : "", (int)T->ntrain, (int)T->ntest, (int)T->batch, loss_names[T->loss], (double)T->lr, (double)T->gamma, (int)T->step_size,
                          (int)T->epochs, (int)T->patience, T->resume ? ", resumed" : ""));
  if (!T->ntest) /* said once, -quiet or not: the run's meaning changes */
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "kgnn-train: no test samples (%s): early stopping and the best weights use the training loss, and the epochs show it alone\n", T->max_test == 0 ? "-max_test 0" : "the dataset has none"));
  stop_signal = 0;
  old_int     = signal(SIGINT, OnSignal);
  old_term    = signal(SIGTERM, OnSignal);
  while (T->epoch < T->epochs && !(T->patience > 0 && T->bad >= T->patience)) {
    const PetscReal lr        = KGNNStepLR(T->lr, T->gamma, T->step_size, T->epoch);
    PetscReal       test_loss = NAN, test_cos = NAN, *h;
    PetscLogDouble  t0, t1;
    PetscCall(PetscTime(&t0));
    EpochOrder(T->seed, T->epoch, T->shuffle, T->ntrain, perm);
    for (; T->next_batch < nbatch; T->next_batch++) {
      const PetscInt b0 = T->next_batch * T->batch, cnt = PetscMin(T->batch, T->ntrain - b0);
      KGNNSample    *s[MAX_BATCH];
      PetscReal      l;
      if (stop_signal || (T->stop_after >= 0 && batches_run == T->stop_after)) { /* keep the state as it is after the last full batch */
        PetscCall(PetscTime(&t1));
        T->part_time += t1 - t0;
        PetscCall(SaveCheckpoint(T));
        PetscCall(PetscPrintf(PETSC_COMM_SELF, "kgnn-train: %s at epoch %d, batch %d of %d: checkpoint written to %s; continue with -resume\n", stop_signal ? "interrupted" : "stopped", (int)T->epoch + 1, (int)T->next_batch, (int)nbatch, T->ckpt));
        signal(SIGINT, old_int), signal(SIGTERM, old_term);
        PetscCall(PetscFree(perm));
        T->interrupted = (int)stop_signal;
        PetscFunctionReturn(PETSC_SUCCESS);
      }
      for (PetscInt k = 0; k < cnt; k++) s[k] = &T->train[perm[b0 + k]];
      PetscCall(TrainBatch(T, cnt, s, lr, &l));
      T->part_sum += l * cnt;
      batches_run++;
    }
    PetscCall(Evaluate(T, &test_loss, &test_cos));
    PetscCall(PetscTime(&t1));
    h    = T->hist + T->nlog++ * NHIST;
    h[0] = T->epoch + 1, h[1] = T->part_sum / T->ntrain, h[2] = test_loss, h[3] = test_cos, h[4] = lr, h[5] = T->part_time + (t1 - t0);
    if (!T->quiet && T->ntest) PetscCall(PetscPrintf(PETSC_COMM_SELF, "epoch %4d  train loss %.6e  test loss %.6e  test cosine %.6f  lr %.3e  %.2f s\n", (int)h[0], (double)h[1], (double)h[2], (double)h[3], (double)h[4], (double)h[5]));
    else if (!T->quiet) PetscCall(PetscPrintf(PETSC_COMM_SELF, "epoch %4d  train loss %.6e  lr %.3e  %.2f s\n", (int)h[0], (double)h[1], (double)h[4], (double)h[5]));
    T->epoch++, T->next_batch = 0, T->part_sum = 0, T->part_time = 0;
    /* early stopping on the test loss (the training loss without a test set); the best weights are the result */
    {
      const PetscReal crit = T->ntest ? test_loss : h[1];
      if (crit < T->best_loss) {
        T->best_loss = crit, T->best_epoch = T->epoch, T->bad = 0;
        PetscCall(KGNNModelCopy(&T->M, &T->best));
        PetscCall(KGNNModelSave(&T->best, T->out, NULL, NULL));
      } else T->bad++;
    }
    PetscCall(WriteLog(T));
    if (T->epoch % T->every == 0 || T->epoch == T->epochs) PetscCall(SaveCheckpoint(T));
  }
  signal(SIGINT, old_int), signal(SIGTERM, old_term);
  if (T->epoch < T->epochs) PetscCall(SaveCheckpoint(T));
  if (!T->best_epoch) PetscCall(KGNNModelSave(&T->best, T->out, NULL, NULL)); /* zero epochs: the initial weights */
  if (!T->quiet)
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "kgnn-train: %s after %d epochs; best %s loss %.6e at epoch %d, weights in %s, log in %s\n", T->epoch < T->epochs ? "stopped early" : "done", (int)T->epoch, T->ntest ? "test" : "train", (double)T->best_loss,
                          (int)T->best_epoch, T->out, T->log));
  PetscCall(PetscFree(perm));
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
  for (PetscInt k = 0; k < T->ntrain; k++) PetscCall(KGNNSampleDestroy(&T->train[k]));
  for (PetscInt k = 0; k < T->ntest; k++) PetscCall(KGNNSampleDestroy(&T->test[k]));
  PetscCall(PetscFree2(T->train, T->test));
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
