/* kgnn-train: trains the PCGNN network on a kgnn-dataset file (the paper's Sec. 6) and writes
   weights that -pc_type gnn and share/python/export_pyg.py read. */
static const char help[] = "kgnn-train -dataset FILE -out MODEL.h5 [-node_model MessagePassingMLP] [-depth 3] [-hidden 16] [-positional] [-virtual_node]\n"
                           "  [-loss cosine|l2|free|kaporin|kopt] [-scale max|jacobi] [-epochs 300] [-batch 16|8] [-lr 1e-3] [-gamma 0.6] [-step_size 50] [-patience 50] [-seed 1] [-shuffle true]\n"
                           "  [-breakdown_model B.h5]: train the first network of a cascade on the samples where IC(0) of A exists; MODEL.h5 carries\n"
                           "  B.h5's network too, which PCGNN runs where IC(0) breaks down; [-samples all|ic0_exists|ic0_breaks]: the samples the losses read\n"
                           "  [-init MODEL.h5] [-checkpoint FILE] [-checkpoint_every 10] [-resume] [-log FILE.csv] [-png FILE.png] [-max_train N] [-max_test N] [-quiet]\n"
                           "  [-quality true] [-quality_max 100] [-quality_dense_max 2000] [-quality_cond]: after training, the test split as a preconditioner\n"
                           "  (PCGNN with the best weights against the target factor: CG iterations, K(L^T A^-1 L) ratio, cond; MODEL.h5.quality.csv)\n"
                           "kgnn-train -dataset FILE -evaluate MODEL.h5 [-quality_*]: that report alone, for a trained model (MODEL.h5.quality.csv)\n"
                           "  Adam with the learning rate times gamma every step_size epochs; early stopping on the test loss (the training loss when\n"
                           "  the dataset has no test samples); MODEL.h5 holds the weights with the best such loss, MODEL.h5.csv the log, MODEL.h5.ckpt\n"
                           "  the checkpoint (also on SIGINT/SIGTERM).\n"
                           "Exit codes: 0 done; 1 error (an unknown option, a bad value, a file that cannot be read or written: one line on stderr);\n"
                           "  128 + the signal when SIGINT/SIGTERM stopped the run (the checkpoint is written).\n";

#include "../kgnn_cli.h"
#include <stdlib.h>

/* the options of kgnn-train itself; the trainer's own are those KGNNTrainerSetFromOptions reads */
static const KGNNCLIOption options[] = {
    {"-png", "FILE.png", "draw the loss curves after training (share/python/plot_training.py)"},
    {NULL, NULL, NULL},
};

/* the curves from the CSV log by python/plot_training.py (matplotlib), found where libkgnn's data
   is (share/kgnn/ of an install, share/ of the build tree); a failure to plot is a warning, the
   weights are written already */
static PetscErrorCode Plot(void)
{
  char      png[PETSC_MAX_PATH_LEN], log[PETSC_MAX_PATH_LEN], out[PETSC_MAX_PATH_LEN], script[PETSC_MAX_PATH_LEN], cmd[4 * PETSC_MAX_PATH_LEN];
  PetscBool flg;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-png", png, sizeof(png), &flg));
  if (!flg) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscOptionsGetString(NULL, NULL, "-out", out, sizeof(out), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-log", log, sizeof(log), &flg));
  if (!flg) PetscCall(PetscSNPrintf(log, sizeof(log), "%s.csv", out));
  PetscCall(KGNNGetShareFile("python/plot_training.py", script, sizeof(script), &flg));
  PetscCall(PetscSNPrintf(cmd, sizeof(cmd), "/usr/bin/python3 '%s' '%s' '%s'", script, log, png));
  if (system(cmd)) PetscCall(PetscPrintf(PETSC_COMM_SELF, "kgnn-train: warning: could not draw %s (%s)\n", png, cmd));
  else PetscCall(PetscPrintf(PETSC_COMM_SELF, "kgnn-train: curves in %s\n", png));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Configure(void *ctx)
{
  PetscFunctionBegin;
  PetscCall(KGNNTrainerSetFromOptions((KGNNTrainer)ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(int *status)
{
  KGNNTrainer    T;
  int            sig;
  PetscBool      help;
  PetscErrorCode err;

  PetscFunctionBegin;
  PetscCall(KGNNCLIBegin("kgnn-train", options));
  PetscCall(KGNNTrainerCreate(&T));
  PetscCall(KGNNCLICollect(Configure, T, PETSC_FALSE, &err));
  PetscCall(KGNNCLICheckOptions(&help)); /* a misspelt option before the error it may have caused */
  if (help) err = PETSC_SUCCESS;
  else { /* the trainer is freed on every path: an error is passed on after its destroy */
    if (!err) err = KGNNTrainerRun(T);
    if (!err) err = KGNNTrainerGetInterrupted(T, &sig);
    if (!err && !sig) err = Plot();
    if (!err) *status = sig ? 128 + sig : KGNN_EXIT_OK; /* as a shell reports a process a signal ended */
  }
  PetscCall(KGNNTrainerDestroy(&T));
  PetscCall(err);
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  int            status = KGNN_EXIT_OK;
  PetscErrorCode err;

  KGNNArgsSingleDash(argc, argv); /* --dataset as -dataset */
  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(KGNNInitializePackage());
  err = Run(&status); /* before status is read */
  return KGNNCLIEnd(err, status);
}
