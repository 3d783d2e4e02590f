/* kgnn-train's files of weights: the starting weights (-init or a seeded initialisation), the
   best weights (-out, a model file PCGNN reads), and checkpoints: the model file of the current
   weights plus a group /train with the rest of the state, from which -resume continues to
   exactly the weights the run would have reached without the interruption. Every error path
   releases what it opened (HDF5 files, models read). */
#include "train.h"
#include "../io/h5util.h"

/* an architecture asked for on the command line must be the -init file's; then its weights */
static PetscErrorCode AdoptInit(KGNNTrainer T, KGNNModel *In)
{
  const char *opt[5] = {"-node_model", "-depth", "-hidden", "-positional", "-virtual_node"};
  PetscBool   set, same[5];

  PetscFunctionBegin;
  same[0] = In->node_model == T->M.node_model, same[1] = In->depth == T->M.depth, same[2] = In->hidden == T->M.hidden, same[3] = In->positional == T->M.positional, same[4] = In->virtual_node == T->M.virtual_node;
  for (int k = 0; k < 5; k++) {
    PetscCall(PetscOptionsHasName(NULL, NULL, opt[k], &set));
    PetscCheck(!set || same[k], PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "-init %s holds a %s of depth %d, hidden %d (positional %d, virtual node %d); %s asks for another", T->init, KGNNNodeModelName(In->node_model), (int)In->depth, (int)In->hidden,
               (int)In->positional, (int)In->virtual_node, opt[k]);
  }
  T->M.node_model = In->node_model, T->M.depth = In->depth, T->M.hidden = In->hidden, T->M.positional = In->positional, T->M.virtual_node = In->virtual_node;
  PetscCall(PetscOptionsHasName(NULL, NULL, "-scale", &set));
  if (!set) T->M.jacobi = In->jacobi; /* the file's input scaling, unless -scale says otherwise */
  PetscCall(KGNNModelSetUp(&T->M));
  PetscCall(KGNNModelCopy(In, &T->M));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* does the model file hold a cascade (a /breakdown network)? Reading the group also checks it */
static PetscErrorCode IsCascade(const char *path, PetscBool *cascade)
{
  KGNNModel B;

  PetscFunctionBegin;
  PetscCall(KGNNModelLoadBreakdown(path, &B, cascade));
  if (*cascade) PetscCall(KGNNModelDestroy(&B));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the weights the run starts from, and models of their shape for the gradient, Adam's moments
   and the best weights so far */
PetscErrorCode KGNNTrainerSetUpWeights(KGNNTrainer T)
{
  PetscFunctionBegin;
  if (T->breakdown[0]) { /* read first: a bad file stops the run before it trains */
    PetscBool nested;
    PetscCall(IsCascade(T->breakdown, &nested));
    PetscCheck(!nested, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "-breakdown_model %s is itself a cascade (it has a /breakdown network); give a single network", T->breakdown);
    PetscCall(KGNNModelLoad(T->breakdown, &T->bd));
  }
  if (T->init[0]) { /* the architecture comes from the file */
    KGNNModel      In;
    PetscErrorCode err;
    PetscBool      cascade;
    PetscCall(IsCascade(T->init, &cascade));
    if (cascade) /* said once, -quiet or not: the run trains one of the file's two networks */
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "kgnn-train: -init %s is a cascade: training starts from its first network (the one for matrices where IC(0) exists); its breakdown network is not kept unless -breakdown_model gives it\n", T->init));
    PetscCall(KGNNModelLoad(T->init, &In));
    err = AdoptInit(T, &In);
    PetscCall(KGNNModelDestroy(&In));
    PetscCall(err);
  } else {
    KGNNRandom r = {(uint64_t)T->seed};
    PetscCall(KGNNModelSetUp(&T->M));
    if (T->init_ic0 > 0) PetscCall(KGNNModelInitIC0(&T->M, &r, T->init_ic0, T->init_ic0_noise, T->init_ic0_shift, T->init_ic0_damp, T->init_ic0_posdamp));
    else PetscCall(KGNNModelInitialize(&T->M, &r));
  }
  PetscCall(KGNNModelDuplicate(&T->M, &T->G));
  PetscCall(KGNNModelDuplicate(&T->M, &T->Am));
  PetscCall(KGNNModelDuplicate(&T->M, &T->Av));
  PetscCall(KGNNModelDuplicate(&T->M, &T->best));
  PetscCall(KGNNModelCopy(&T->M, &T->best));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -breakdown_model: the cascade's second network, as the group /breakdown of the weight file */
static PetscErrorCode WriteBreakdown(hid_t f, void *ctx)
{
  KGNNTrainer T = (KGNNTrainer)ctx;

  PetscFunctionBegin;
  PetscCall(KGNNModelSaveBreakdown(f, &T->bd));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNTrainerSaveBest(KGNNTrainer T)
{
  PetscFunctionBegin;
  PetscCall(KGNNModelSave(&T->best, T->out, T->breakdown[0] ? WriteBreakdown : NULL, T));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* every tensor of M as group/<state_dict name>, written (path NULL) or read from path */
static PetscErrorCode ModelGroup(const char *path, hid_t f, const char *group, KGNNModel *M)
{
  PetscInt       nt;
  KGNNTensor    *X;
  char           name[160];
  PetscErrorCode err = PETSC_SUCCESS;

  PetscFunctionBegin;
  PetscCall(KGNNModelTensors(M, &nt, &X));
  for (PetscInt k = 0; k < nt && !err; k++) {
    err = PetscSNPrintf(name, sizeof(name), "%s/%s", group, X[k].name);
    if (!err) err = path ? KGNNH5ReadArray(path, f, name, X[k].size, X[k].data) : KGNNH5WriteArray(f, name, 1, &X[k].size, X[k].data);
  }
  PetscCall(PetscFree(X));
  PetscCall(err);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the group /train of a checkpoint, written into the model file f by KGNNModelSave */
static PetscErrorCode WriteState(hid_t f, void *ctx)
{
  KGNNTrainer T    = (KGNNTrainer)ctx;
  long long   v[8] = {T->epoch, T->step, T->next_batch, T->bad, T->best_epoch, T->nlog, T->seed, T->ntrain};
  PetscReal   r[3] = {T->best_loss, T->part_sum, T->part_time};
  PetscInt    d8 = 8, d3 = 3, dh[2] = {T->nlog, KGNN_TRAIN_NHIST};
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
  PetscCall(KGNNH5WriteString(f, "train_loss", KGNNLossName(T->loss)));
  { /* the options that decide the trajectory, so that -resume can insist on them (ReadRecipe) */
    PetscInt  d6    = 6;
    PetscReal rc[6] = {T->lr, T->gamma, (PetscReal)T->step_size, (PetscReal)T->batch, (PetscReal)T->shuffle, (PetscReal)T->samples};
    PetscCall(KGNNH5WriteArray(f, "train/recipe", 1, &d6, rc));
    PetscCall(KGNNH5WriteString(f, "train_breakdown_model", T->breakdown[0] ? T->breakdown : "none"));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNTrainerSaveCheckpoint(KGNNTrainer T)
{
  PetscFunctionBegin;
  PetscCall(KGNNModelSave(&T->M, T->ckpt, WriteState, T));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the checkpoint's weights, checked as any model file and against the model asked for */
static PetscErrorCode AdoptCheckpointWeights(KGNNTrainer T, KGNNModel *C)
{
  PetscFunctionBegin;
  PetscCheck(C->node_model == T->M.node_model && C->depth == T->M.depth && C->hidden == T->M.hidden && C->positional == T->M.positional && C->virtual_node == T->M.virtual_node, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP,
             "-resume: checkpoint %s holds a %s of depth %d, hidden %d (positional %d, virtual node %d), not the model asked for", T->ckpt, KGNNNodeModelName(C->node_model), (int)C->depth, (int)C->hidden, (int)C->positional, (int)C->virtual_node);
  { /* the input scaling the weights were trained with: kept unless -scale asks for another */
    PetscBool set;
    PetscCall(PetscOptionsHasName(NULL, NULL, "-scale", &set));
    PetscCheck(!set || C->jacobi == T->M.jacobi, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "-resume: checkpoint %s was trained with -scale %s, this run asks for -scale %s", T->ckpt, C->jacobi ? "jacobi" : "max", T->M.jacobi ? "jacobi" : "max");
    T->M.jacobi = C->jacobi, T->best.jacobi = C->jacobi;
  }
  PetscCall(KGNNModelCopy(C, &T->M));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -resume continues the interrupted run to exactly the weights it would have reached, so the
   options that decide the trajectory must be the checkpoint's; a run with others is a new run
   (-init CKPT starts one from the checkpoint's weights). Checkpoints written before the recipe
   was stored carry only the dataset and the loss. */
static PetscErrorCode ReadRecipe(KGNNTrainer T, hid_t f)
{
  const char *const sets[] = {"all", "ic0_exists", "ic0_breaks"};
  const char *const name[] = {"-lr", "-gamma", "-step_size", "-batch", "-shuffle", "-samples"};
  char              was[PETSC_MAX_PATH_LEN];
  PetscReal         rc[6], now[6] = {T->lr, T->gamma, (PetscReal)T->step_size, (PetscReal)T->batch, (PetscReal)T->shuffle, (PetscReal)T->samples};
  htri_t            has;

  PetscFunctionBegin;
  PetscCall(KGNNH5ReadString(T->ckpt, f, "train_dataset", was, sizeof(was)));
  PetscCheck(!strcmp(was, T->dataset), PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "-resume: checkpoint %s was made with -dataset %s, this run has -dataset %s (-init %s starts a new run from its weights)", T->ckpt, was, T->dataset, T->ckpt);
  PetscCall(KGNNH5ReadString(T->ckpt, f, "train_loss", was, sizeof(was)));
  PetscCheck(!strcmp(was, KGNNLossName(T->loss)), PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "-resume: checkpoint %s was made with -loss %s, this run has -loss %s (-init %s starts a new run from its weights)", T->ckpt, was, KGNNLossName(T->loss),
             T->ckpt);
  has = H5Lexists(f, "train/recipe", H5P_DEFAULT);
  if (has <= 0) {
    PetscCall(PetscInfo(NULL, "-resume: checkpoint %s predates the stored recipe: -lr, -gamma, -step_size, -batch, -shuffle, -samples and -breakdown_model are not checked\n", T->ckpt));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(KGNNH5ReadString(T->ckpt, f, "train_breakdown_model", was, sizeof(was)));
  PetscCheck(!strcmp(was, T->breakdown[0] ? T->breakdown : "none"), PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "-resume: checkpoint %s was made with -breakdown_model %s, this run has %s%s (the best weights are written as that cascade)", T->ckpt, was,
             T->breakdown[0] ? "-breakdown_model " : "none", T->breakdown);
  PetscCall(KGNNH5ReadArray(T->ckpt, f, "train/recipe", 6, rc));
  for (int k = 0; k < 6; k++) {
    if (rc[k] == now[k]) continue;
    if (k == 4)
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "-resume: checkpoint %s was made with -shuffle %s, this run has -shuffle %s (-init %s starts a new run from its weights)", T->ckpt, rc[k] != 0 ? "true" : "false", now[k] != 0 ? "true" : "false",
              T->ckpt);
    if (k == 5)
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "-resume: checkpoint %s was made with -samples %s, this run has -samples %s (-init %s starts a new run from its weights)", T->ckpt, rc[k] >= 0 && rc[k] <= 2 ? sets[(int)rc[k]] : "?",
              sets[T->samples], T->ckpt);
    if (k == 2 || k == 3) SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "-resume: checkpoint %s was made with %s %d, this run has %s %d (-init %s starts a new run from its weights)", T->ckpt, name[k], (int)rc[k], name[k], (int)now[k], T->ckpt);
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "-resume: checkpoint %s was made with %s %g, this run has %s %g (-init %s starts a new run from its weights)", T->ckpt, name[k], (double)rc[k], name[k], (double)now[k], T->ckpt);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the group /train of the checkpoint open as f */
static PetscErrorCode ReadState(KGNNTrainer T, hid_t f)
{
  PetscReal c[8], r[3];

  PetscFunctionBegin;
  PetscCall(ReadRecipe(T, f));
  PetscCall(KGNNH5ReadArray(T->ckpt, f, "train/counters", 8, c));
  PetscCall(KGNNH5ReadArray(T->ckpt, f, "train/reals", 3, r));
  PetscCheck((PetscInt64)c[6] == T->seed && (PetscInt)c[7] == T->ntrain, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "-resume: checkpoint %s was made with -seed %lld on %d training samples, this run has -seed %lld and %d", T->ckpt, (long long)c[6],
             (int)c[7], (long long)T->seed, (int)T->ntrain);
  T->epoch = (PetscInt)c[0], T->step = (PetscInt)c[1], T->next_batch = (PetscInt)c[2], T->bad = (PetscInt)c[3], T->best_epoch = (PetscInt)c[4], T->nlog = (PetscInt)c[5];
  T->best_loss = r[0], T->part_sum = r[1], T->part_time = r[2];
  if (T->nlog > T->epochs) { /* a run past this -epochs: room for its log */
    PetscCall(PetscFree(T->hist));
    PetscCall(PetscMalloc1((size_t)(T->nlog + 1) * KGNN_TRAIN_NHIST, &T->hist));
  }
  if (T->nlog) PetscCall(KGNNH5ReadArray(T->ckpt, f, "train/history", T->nlog * KGNN_TRAIN_NHIST, T->hist));
  PetscCall(ModelGroup(T->ckpt, f, "train/adam_m", &T->Am));
  PetscCall(ModelGroup(T->ckpt, f, "train/adam_v", &T->Av));
  PetscCall(ModelGroup(T->ckpt, f, "train/best", &T->best));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNTrainerLoadCheckpoint(KGNNTrainer T)
{
  hid_t          f;
  herr_t         closed;
  KGNNModel      C;
  PetscErrorCode err;

  PetscFunctionBegin;
  PetscCall(KGNNModelLoad(T->ckpt, &C));
  err = AdoptCheckpointWeights(T, &C);
  PetscCall(KGNNModelDestroy(&C));
  PetscCall(err);
  f = H5Fopen(T->ckpt, H5F_ACC_RDONLY, H5P_DEFAULT);
  PetscCheck(f >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot open checkpoint %s", T->ckpt);
  err    = ReadState(T, f);
  closed = H5Fclose(f);
  PetscCall(err);
  PetscCheck(closed >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "Cannot close checkpoint %s", T->ckpt);
  PetscFunctionReturn(PETSC_SUCCESS);
}
