/* kgnn-train: trains the PCGNN network on a kgnn-dataset file (the paper's Sec. 6) and writes
   weights that -pc_type gnn and share/python/export_pyg.py read. */
static const char help[] = "kgnn-train -dataset FILE -out MODEL.h5 [-node_model MessagePassingMLP] [-depth 3] [-hidden 16] [-positional] [-virtual_node]\n"
                           "  [-loss cosine|l2|free] [-epochs 300] [-batch 16|8] [-lr 1e-3] [-gamma 0.6] [-step_size 50] [-patience 50] [-seed 1] [-shuffle true]\n"
                           "  [-init MODEL.h5] [-checkpoint FILE] [-checkpoint_every 10] [-resume] [-log FILE.csv] [-max_train N] [-max_test N] [-quiet]\n"
                           "  Adam with the learning rate times gamma every step_size epochs; early stopping on the test loss; MODEL.h5 holds the\n"
                           "  weights with the best test loss, MODEL.h5.csv the log, MODEL.h5.ckpt the checkpoint (also on SIGINT/SIGTERM).\n";

#include <kgnn.h>

int main(int argc, char **argv)
{
  KGNNTrainer T;
  int         sig;

  KGNNArgsSingleDash(argc, argv); /* --dataset as -dataset */
  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(KGNNInitializePackage());
  PetscCall(KGNNTrainerCreate(&T));
  PetscCall(KGNNTrainerSetFromOptions(T));
  PetscCall(KGNNTrainerRun(T));
  PetscCall(KGNNTrainerGetInterrupted(T, &sig));
  PetscCall(KGNNTrainerDestroy(&T));
  PetscCall(PetscFinalize());
  return sig ? 128 + sig : 0; /* as a shell reports a process a signal ended */
}
