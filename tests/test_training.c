/* kgnn-train's loop (src/train/trainer.c) against PyTorch Geometric and against itself:
   - five epochs from the same initial weights, batches and order as share/python/train_pyg.py
     (fixtures from make_train_fixtures.py): the loss curve to 1e-6 and the final weights;
   - the same seed twice gives bit-identical weights;
   - interrupted after some batches and resumed, the run ends at bit-identical weights and log;
   - the weights kgnn-train writes load in PCGNN and in PyTorch and give the same outputs
     (fixtures trained_<model>.h5: this very run's weights through export_pyg.load, and
     PyTorch's outputs with them). */
#include "testutil.h"
#include "../src/train/train.h"
#include "../src/io/h5util.h"

static PetscErrorCode Train(const char *opts, KGNNTrainer *out)
{
  KGNNTrainer  T;
  PetscOptions o;

  PetscFunctionBegin; /* each run sees only its own options */
  PetscCall(PetscOptionsCreate(&o));
  PetscCall(PetscOptionsInsertString(o, opts));
  PetscCall(PetscOptionsPush(o));
  PetscCall(KGNNTrainerCreate(&T));
  PetscCall(KGNNTrainerSetFromOptions(T));
  PetscCall(PetscOptionsPop());
  PetscCall(PetscOptionsDestroy(&o));
  PetscCall(KGNNTrainerRun(T));
  if (out) *out = T;
  else PetscCall(KGNNTrainerDestroy(&T));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* largest difference between two models' tensors; with ref != NULL the tensors of B are read
   from ref under group/ instead */
static PetscErrorCode ModelDiff(const char *a, const char *b, PetscReal *diff)
{
  KGNNModel   A, B;
  KGNNTensor *TA, *TB;
  PetscInt    na, nb;

  PetscFunctionBegin;
  PetscCall(KGNNModelLoad(a, &A));
  PetscCall(KGNNModelLoad(b, &B));
  PetscCall(KGNNModelTensors(&A, &na, &TA));
  PetscCall(KGNNModelTensors(&B, &nb, &TB));
  *diff = na == nb ? 0 : PETSC_MAX_REAL;
  for (PetscInt k = 0; k < PetscMin(na, nb); k++)
    for (PetscInt i = 0; i < TA[k].size; i++) *diff = PetscMax(*diff, PetscAbsReal(TA[k].data[i] - TB[k].data[i]));
  PetscCall(PetscFree(TA));
  PetscCall(PetscFree(TB));
  PetscCall(KGNNModelDestroy(&A));
  PetscCall(KGNNModelDestroy(&B));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode CheckCurve(const char *model)
{
  char             fix[256], opts[1024];
  KGNNTrainer      T;
  PetscInt         n;
  const PetscReal *h;
  PetscReal        ref[5 * 5], worst = 0, wdiff = 0;
  KGNNModel        M;
  KGNNTensor      *X;
  PetscInt         nt;
  hid_t            f;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(fix, sizeof(fix), "tests/fixtures/train_curve_%s.h5", model));
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-dataset tests/fixtures/train_small.h5 -init %s -out build/tests/curve_%s.h5 -epochs 5 -batch 3 -lr 1e-2 -step_size 2 -gamma 0.6 -patience 0 -seed 1 -quiet", fix, model));
  PetscCall(Train(opts, &T));
  PetscCall(KGNNTrainerGetHistory(T, &n, &h));
  CHECK(n == 5, "%s: %d epochs logged, expected 5", model, (int)n);
  f = H5Fopen(fix, H5F_ACC_RDONLY, H5P_DEFAULT);
  PetscCall(KGNNH5ReadArray(fix, f, "expected/history", 25, ref));
  for (PetscInt e = 0; e < PetscMin(n, 5); e++)
    for (int c = 1; c < 5; c++) {
      PetscReal d = PetscAbsReal(h[e * 6 + c] - ref[e * 5 + c]);
      worst       = PetscMax(worst, d);
      CHECK(d < 1e-6, "%s: epoch %d column %d: kgnn-train %.12g, PyG %.12g", model, (int)e + 1, c, (double)h[e * 6 + c], (double)ref[e * 5 + c]);
    }
  /* the final weights (in the checkpoint) against PyG's after the same five epochs */
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "build/tests/curve_%s.h5.ckpt", model));
  PetscCall(KGNNModelLoad(opts, &M));
  PetscCall(KGNNModelTensors(&M, &nt, &X));
  for (PetscInt k = 0; k < nt; k++) {
    char       name[160];
    PetscReal *e;
    PetscCall(PetscMalloc1(X[k].size, &e));
    PetscCall(PetscSNPrintf(name, sizeof(name), "final/%s", X[k].name));
    PetscCall(KGNNH5ReadArray(fix, f, name, X[k].size, e));
    for (PetscInt i = 0; i < X[k].size; i++) wdiff = PetscMax(wdiff, PetscAbsReal(e[i] - X[k].data[i]));
    PetscCall(PetscFree(e));
  }
  CHECK(wdiff < 1e-8, "%s: final weights differ from PyG's by %.2e", model, (double)wdiff);
  H5Fclose(f);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%s: 5 epochs, loss curve within %.2e of PyG, final weights within %.2e\n", model, (double)worst, (double)wdiff));
  PetscCall(PetscFree(X));
  PetscCall(KGNNModelDestroy(&M));
  PetscCall(KGNNTrainerDestroy(&T));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Repeats the kgnn-train run behind tests/fixtures/trained_<model>.h5: the same weights as the
   fixture's (which PyTorch loaded), and PCGNN's network with them gives PyTorch's outputs. */
static PetscErrorCode CheckTrainedInPyTorch(const char *model)
{
  const char *graphs[] = {"tridiagonal", "poisson6", "bcsstk01"};
  char        fix[256], out[256], opts[1024], train[800];
  hid_t       f;
  PetscReal   wdiff, rel = 0, worst = 0;
  KGNNNetwork net;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(fix, sizeof(fix), "tests/fixtures/trained_%s.h5", model));
  PetscCall(PetscSNPrintf(out, sizeof(out), "build/tests/trained_%s.h5", model));
  f = H5Fopen(fix, H5F_ACC_RDONLY, H5P_DEFAULT);
  PetscCall(KGNNH5ReadString(fix, f, "kgnn_train_options", train, sizeof(train)));
  H5Fclose(f);
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "%s -out %s", train, out));
  PetscCall(Train(opts, NULL));
  PetscCall(ModelDiff(out, fix, &wdiff));
  CHECK(wdiff < 1e-12, "%s: kgnn-train's weights differ from those PyTorch loaded by %.2e", model, (double)wdiff);
  PetscCall(KGNNNetworkLoad(out, &net));
  for (int g = 0; g < 3; g++) {
    PetscCall(TestNetworkOnFixture(net, fix, graphs[g], 1e-10, &rel));
    worst = PetscMax(worst, rel);
  }
  PetscCall(KGNNNetworkDestroy(&net));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%s trained by kgnn-train: weights within %.2e of the fixture's, PCGNN's network within %.2e of PyTorch's outputs\n", model, (double)wdiff, (double)worst));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  const char *base = "-dataset tests/fixtures/train_small.h5 -node_model GATv2 -depth 2 -hidden 8 -epochs 4 -batch 3 -lr 1e-2 -step_size 2 -patience 0 -seed 9 -quiet";
  char        opts[1024];
  PetscReal   d;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(CheckCurve("MessagePassingMLP"));
  PetscCall(CheckCurve("GATv2"));

  /* determinism: the same command twice */
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "%s -out build/tests/run_a.h5", base));
  PetscCall(Train(opts, NULL));
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "%s -out build/tests/run_b.h5", base));
  PetscCall(Train(opts, NULL));
  PetscCall(ModelDiff("build/tests/run_a.h5.ckpt", "build/tests/run_b.h5.ckpt", &d));
  CHECK(d == 0, "the same seed twice: weights differ by %.2e", (double)d);

  /* interrupted after 5 batches (mid-epoch: 3 batches an epoch), then resumed: the same weights */
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "%s -out build/tests/run_c.h5 -stop_after_batches 5", base));
  PetscCall(Train(opts, NULL));
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "%s -out build/tests/run_c.h5 -resume", base));
  PetscCall(Train(opts, NULL));
  PetscCall(ModelDiff("build/tests/run_a.h5.ckpt", "build/tests/run_c.h5.ckpt", &d));
  CHECK(d == 0, "interrupted and resumed: weights differ from the uninterrupted run by %.2e", (double)d);
  PetscCall(ModelDiff("build/tests/run_a.h5", "build/tests/run_c.h5", &d));
  CHECK(d == 0, "interrupted and resumed: best weights differ from the uninterrupted run by %.2e", (double)d);

  /* the result is a model file PCGNN and PyTorch read, with the same outputs */
  for (int m = KGNN_NODE_MLP; m <= KGNN_NODE_GLOBAL; m++) PetscCall(CheckTrainedInPyTorch(KGNNNodeModelName((KGNNNodeModel)m)));
  TEST_END();
}
