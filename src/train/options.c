/* kgnn-train's options: read, checked before the first epoch (a bad value or an unwritable folder
   is an error now, not at the first save); the defaults are KGNNTrainerCreate's (trainer.c) */
#include "train.h"
#include <sys/stat.h>
#include <unistd.h>

/* a file the run will write (option: the one that names it) must have a writable folder */
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

/* the node models' names from the library's table, "A, B, C" */
static PetscErrorCode NodeModelList(char *list, size_t len)
{
  PetscFunctionBegin;
  list[0] = 0;
  for (int k = 0; k <= KGNN_NODE_GLOBAL; k++) {
    if (k) PetscCall(PetscStrlcat(list, ", ", len));
    PetscCall(PetscStrlcat(list, KGNNNodeModelName((KGNNNodeModel)k), len));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNTrainerSetFromOptions(KGNNTrainer T)
{
  char              nm[64], ls[16], models[256], scale[16] = "";
  PetscInt          seed = (PetscInt)T->seed;
  PetscBool         batch_set, samples_set;
  char              smp[16];
  const char *const sample_sets[] = {"all", "ic0_exists", "ic0_breaks"};

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(nm, KGNNNodeModelName(T->M.node_model), sizeof(nm)));
  PetscCall(PetscStrncpy(ls, KGNNLossName(T->loss), sizeof(ls)));
  PetscCall(NodeModelList(models, sizeof(models)));
  PetscOptionsBegin(PETSC_COMM_SELF, NULL, "kgnn-train options", "KGNN");
  PetscCall(PetscOptionsString("-dataset", "dataset file (kgnn-dataset)", NULL, T->dataset, T->dataset, sizeof(T->dataset), NULL));
  PetscCall(PetscOptionsString("-out", "the trained weights (the best test loss)", NULL, T->out, T->out, sizeof(T->out), NULL));
  PetscCall(PetscOptionsString("-checkpoint", "checkpoint file (default OUT.ckpt)", NULL, T->ckpt, T->ckpt, sizeof(T->ckpt), NULL));
  PetscCall(PetscOptionsString("-log", "CSV log (default OUT.csv)", NULL, T->log, T->log, sizeof(T->log), NULL));
  PetscCall(PetscOptionsString("-breakdown_model", "train the first network of a cascade (implies -samples ic0_exists); the weight files carry this file's network, which PCGNN runs where IC(0) breaks down", NULL, T->breakdown, T->breakdown,
                               sizeof(T->breakdown), NULL));
  PetscCall(PetscStrncpy(smp, sample_sets[T->samples], sizeof(smp)));
  PetscCall(PetscOptionsString("-samples", "the samples the losses read: all, ic0_exists (where IC(0) of A exists: a cascade's first network) or ic0_breaks (where it breaks down: its breakdown network)", NULL, smp, smp, sizeof(smp), &samples_set));
  PetscCall(PetscOptionsString("-init", "start from these weights (a model file) instead of a seeded initialisation", NULL, T->init, T->init, sizeof(T->init), NULL));
  PetscCall(PetscOptionsReal("-init_ic0", "FLOOR: an ElimOrder network whose factor starts as IC(0), pivots held in (0, FLOOR] below FLOOR; its other channels seeded (0: off)", NULL, T->init_ic0, &T->init_ic0, NULL));
  PetscCall(PetscOptionsReal("-init_ic0_noise", "with -init_ic0: the seeded initialisation of the free channels times this", NULL, T->init_ic0_noise, &T->init_ic0_noise, NULL));
  PetscCall(PetscOptionsReal("-init_ic0_shift", "with -init_ic0: start from IC(0) of A + SHIFT diag(A) (Manteuffel's shift; on the Jacobi scaling)", NULL, T->init_ic0_shift, &T->init_ic0_shift, NULL));
  PetscCall(PetscOptionsReal("-init_ic0_posdamp", "with -init_ic0: the pivots a_jj - sum_k l_jk^2 + W sum_k (a+_jk / l_kk)^2, a+ the positive part of A's entries (none on an M-matrix: there the start is IC(0)), W >= 0", NULL, T->init_ic0_posdamp,
                             &T->init_ic0_posdamp, NULL));
  PetscCall(PetscOptionsReal("-init_ic0_damp", "with -init_ic0: the pivots a_jj - (1 - DAMP) sum_k l_jk^2 (a shift where a column's updates are large), 0 <= DAMP < 1", NULL, T->init_ic0_damp, &T->init_ic0_damp, NULL));
  PetscCall(PetscOptionsString("-node_model", models, NULL, nm, nm, sizeof(nm), NULL));
  PetscCall(PetscOptionsInt("-depth", "graph-network blocks", NULL, T->M.depth, &T->M.depth, NULL));
  PetscCall(PetscOptionsInt("-hidden", "hidden size", NULL, T->M.hidden, &T->M.hidden, NULL));
  PetscCall(PetscOptionsBool("-positional", "the -1/0/+1 position feature (Appendix B)", NULL, T->M.positional, &T->M.positional, NULL));
  PetscCall(PetscOptionsBool("-virtual_node", "a virtual node per graph (Appendix A)", NULL, T->M.virtual_node, &T->M.virtual_node, NULL));
  PetscCall(PetscOptionsString("-loss", "cosine, l2, free, kaporin or kopt", NULL, ls, ls, sizeof(ls), NULL));
  PetscCall(PetscOptionsString("-scale", "max (A / max|A|, the paper's) or jacobi (D^-1/2 A D^-1/2: PCGNN's -pc_gnn_scale jacobi; default: -init's, else max)", NULL, scale, scale, sizeof(scale), NULL));
  PetscCall(PetscOptionsInt("-epochs", "epochs", NULL, T->epochs, &T->epochs, NULL));
  PetscCall(PetscOptionsInt("-batch", "graphs per batch (default 16 synthetic, 8 matrices)", NULL, T->batch, &T->batch, &batch_set));
  PetscCall(PetscOptionsReal("-lr", "Adam's learning rate", NULL, T->lr, &T->lr, NULL));
  PetscCall(PetscOptionsReal("-gamma", "learning rate factor every -step_size epochs", NULL, T->gamma, &T->gamma, NULL));
  PetscCall(PetscOptionsInt("-step_size", "epochs between learning-rate steps", NULL, T->step_size, &T->step_size, NULL));
  PetscCall(PetscOptionsInt("-patience", "stop after this many epochs without a better test loss (the training loss without a test set; 0: never)", NULL, T->patience, &T->patience, NULL));
  PetscCall(PetscOptionsInt("-seed", "seed of the initial weights, the shuffling, the free loss's z and the kaporin loss's probes", NULL, seed, &seed, NULL));
  PetscCall(PetscOptionsBool("-shuffle", "shuffle the training samples every epoch", NULL, T->shuffle, &T->shuffle, NULL));
  PetscCall(PetscOptionsInt("-checkpoint_every", "epochs between checkpoints", NULL, T->every, &T->every, NULL));
  PetscCall(PetscOptionsBool("-resume", "continue from the checkpoint", NULL, T->resume, &T->resume, NULL));
  PetscCall(PetscOptionsInt("-max_train", "use at most this many training samples", NULL, T->max_train, &T->max_train, NULL));
  PetscCall(PetscOptionsInt("-max_test", "use at most this many test samples", NULL, T->max_test, &T->max_test, NULL));
  PetscCall(PetscOptionsInt("-stop_after_batches", "act as if interrupted after this many batches (tests)", NULL, T->stop_after, &T->stop_after, NULL));
  PetscCall(PetscOptionsBool("-quiet", "no progress lines", NULL, T->quiet, &T->quiet, NULL));
  PetscCall(PetscOptionsString("-evaluate", "judge this model file on the test split as a preconditioner (no training; MODEL.quality.csv)", NULL, T->evaluate, T->evaluate, sizeof(T->evaluate), NULL));
  PetscCall(PetscOptionsBool("-quality", "after training, the test split as a preconditioner: CG with PCGNN and the target factor, K ratio (OUT.quality.csv)", NULL, T->quality, &T->quality, NULL));
  PetscCall(PetscOptionsInt("-quality_max", "at most this many test samples in that report", NULL, T->quality_max, &T->quality_max, NULL));
  PetscCall(PetscOptionsInt("-quality_dense_max", "K(L^T A^-1 L) ratio for n up to this (dense A^-1)", NULL, T->quality_dense, &T->quality_dense, NULL));
  PetscCall(PetscOptionsBool("-quality_cond", "also cond(L^-1 A L^-T) of PCGNN's factor (SLEPc)", NULL, T->quality_cond, &T->quality_cond, NULL));
  PetscOptionsEnd();
  PetscCall(KGNNNodeModelFromName(nm, &T->M.node_model));
  PetscCheck((int)T->M.node_model >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-node_model %s: not one of %s", nm, models);
  PetscCheck(!scale[0] || !strcmp(scale, "max") || !strcmp(scale, "jacobi"), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-scale %s: not one of max, jacobi", scale);
  if (scale[0]) T->M.jacobi = !strcmp(scale, "jacobi");
  T->loss = KGNNLossFromName(ls);
  PetscCheck((int)T->loss >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-loss %s: not one of cosine, l2, free, kaporin, kopt", ls);
  PetscCheck(T->dataset[0], PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "kgnn-train needs -dataset FILE");
  for (T->samples = 2; T->samples >= 0 && strcmp(smp, sample_sets[T->samples]); T->samples--) {}
  PetscCheck(T->samples >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-samples %s: not one of all, ic0_exists, ic0_breaks", smp);
  if (T->evaluate[0]) { /* no training: the model's own architecture, no files but the report */
    PetscCheck(T->quality_max > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-evaluate needs -quality_max > 0");
    PetscCheck(!samples_set, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "-evaluate judges a model file on every test sample; -samples %s is for training", smp);
    PetscCheck(!T->breakdown[0], PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "-evaluate judges a model file as it is (a cascade's file carries its own breakdown network); -breakdown_model %s is for training", T->breakdown);
    PetscCheck(T->quality_dense >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-quality_dense_max %d: need >= 0 (0: no K ratio)", (int)T->quality_dense);
    T->quality = PETSC_TRUE;
    PetscCheck(!access(T->evaluate, R_OK), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "-evaluate %s: no such file, or not readable", T->evaluate);
    PetscCall(CheckWritableFolder("-evaluate", T->evaluate));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCheck(T->out[0], PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "kgnn-train needs -out FILE (the trained weights)");
  PetscCheck(T->M.depth >= 1 && T->M.depth <= 64, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-depth %d: the network needs 1 to 64 graph-network blocks", (int)T->M.depth);
  PetscCheck(T->M.hidden >= 1 && T->M.hidden <= 4096, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-hidden %d: out of range 1..4096", (int)T->M.hidden);
  PetscCheck(!batch_set || T->batch >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-batch %d: need at least 1 graph a batch (default: 16 for synthetic data, 8 for matrices)", (int)T->batch);
  PetscCheck(T->batch <= KGNN_TRAIN_MAX_BATCH, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-batch %d: at most %d graphs a batch", (int)T->batch, KGNN_TRAIN_MAX_BATCH);
  PetscCheck(!T->breakdown[0] || !samples_set || T->samples == 1, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "-breakdown_model trains a cascade's first network, which runs where IC(0) exists: -samples %s contradicts it", sample_sets[T->samples]);
  if (T->breakdown[0]) T->samples = 1;
  PetscCheck(!T->breakdown[0] || !access(T->breakdown, R_OK), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "-breakdown_model %s: no such file, or not readable", T->breakdown);
  PetscCheck(!(T->init[0] && T->init_ic0 > 0), PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "-init %s and -init_ic0: give one start, not both", T->init);
  PetscCheck(T->init_ic0 >= 0 && T->init_ic0_noise >= 0 && T->init_ic0_shift >= 0 && T->init_ic0_damp >= 0 && T->init_ic0_damp < 1 && T->init_ic0_posdamp >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
             "-init_ic0 %g, -init_ic0_noise %g, -init_ic0_shift %g, -init_ic0_damp %g, -init_ic0_posdamp %g: none may be negative, and the damping must be below 1", (double)T->init_ic0, (double)T->init_ic0_noise, (double)T->init_ic0_shift,
             (double)T->init_ic0_damp, (double)T->init_ic0_posdamp);
  PetscCheck(T->epochs >= 0 && T->step_size >= 1 && T->every >= 1 && T->lr > 0 && T->patience >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "need -epochs >= 0, -step_size >= 1, -checkpoint_every >= 1, -lr > 0, -patience >= 0");
  PetscCheck(T->quality_max >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-quality_max %d: need >= 0 (0: no report)", (int)T->quality_max);
  PetscCheck(T->quality_dense >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-quality_dense_max %d: need >= 0 (0: no K ratio)", (int)T->quality_dense);
  PetscCall(CheckWritableFolder("-out", T->out));
  if (T->log[0]) PetscCall(CheckWritableFolder("-log", T->log));
  if (T->ckpt[0]) PetscCall(CheckWritableFolder("-checkpoint", T->ckpt));
  if (!T->ckpt[0]) PetscCall(PetscSNPrintf(T->ckpt, sizeof(T->ckpt), "%s.ckpt", T->out));
  if (!T->log[0]) PetscCall(PetscSNPrintf(T->log, sizeof(T->log), "%s.csv", T->out));
  T->seed = seed;
  PetscFunctionReturn(PETSC_SUCCESS);
}
