/* The whole network's gradient (encoder, blocks, decoder, virtual nodes; every node model) on a
   batch of two graphs against torch.autograd on the same weights and batch (fixtures from
   share/python/make_train_fixtures.py): outputs to 1e-12, the batch's cosine loss to 1e-12, every
   tensor's gradient to 1e-9 relative. Also: the batch's outputs equal each graph run alone, and
   the target-free loss's gradient equals central differences. Links the library's objects, for
   its internal functions. */
#include "testutil.h"
#include "../src/train/train.h"
#include "../src/io/h5util.h"
#include <hdf5.h>

static PetscErrorCode ReadInts(hid_t f, const char *name, PetscInt n, PetscInt *v)
{
  long long *t;
  hid_t      d = H5Dopen2(f, name, H5P_DEFAULT);

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(n, &t));
  PetscCheck(d >= 0 && H5Dread(d, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, t) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "cannot read %s", name);
  for (PetscInt k = 0; k < n; k++) v[k] = (PetscInt)t[k];
  H5Dclose(d);
  PetscCall(PetscFree(t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ReadSample(const char *path, hid_t f, int g, KGNNSample *s)
{
  char      name[64];
  hid_t     grp, a, d, sp;
  long long n;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(s, sizeof(*s)));
  PetscCall(PetscSNPrintf(name, sizeof(name), "batch/%d", g));
  grp = H5Gopen2(f, name, H5P_DEFAULT);
  a   = H5Aopen(grp, "n", H5P_DEFAULT);
  H5Aread(a, H5T_NATIVE_LLONG, &n);
  H5Aclose(a);
  d      = H5Dopen2(grp, "row", H5P_DEFAULT);
  sp     = H5Dget_space(d);
  s->nnz = (PetscInt)H5Sget_simple_extent_npoints(sp);
  H5Sclose(sp);
  H5Dclose(d);
  H5Gclose(grp);
  s->n = (PetscInt)n;
  PetscCall(PetscMalloc4(s->nnz, &s->row, s->nnz, &s->col, s->nnz, &s->a, s->nnz, &s->y));
  PetscCall(PetscSNPrintf(name, sizeof(name), "batch/%d/row", g));
  PetscCall(ReadInts(f, name, s->nnz, s->row));
  PetscCall(PetscSNPrintf(name, sizeof(name), "batch/%d/col", g));
  PetscCall(ReadInts(f, name, s->nnz, s->col));
  PetscCall(PetscSNPrintf(name, sizeof(name), "batch/%d/a", g));
  PetscCall(KGNNH5ReadArray(path, f, name, s->nnz, s->a));
  PetscCall(PetscSNPrintf(name, sizeof(name), "batch/%d/y", g));
  PetscCall(KGNNH5ReadArray(path, f, name, s->nnz, s->y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscReal MaxAbs(PetscInt n, const PetscReal *x)
{
  PetscReal m = 0;
  for (PetscInt k = 0; k < n; k++) m = PetscMax(m, PetscAbsReal(x[k]));
  return m;
}

static PetscErrorCode CheckFixture(const char *path)
{
  KGNNModel   M, G;
  KGNNSample  s[2], *sp[2] = {&s[0], &s[1]};
  KGNNBatch   B;
  KGNNTape    tape;
  KGNNTensor *T;
  PetscInt    nt;
  PetscReal  *out, *dp, *ref, *alone, loss, eloss, worst = 0, gmax = 0;
  hid_t       f;

  PetscFunctionBegin;
  PetscCall(KGNNModelLoad(path, &M));
  PetscCall(KGNNModelDuplicate(&M, &G));
  f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  for (int g = 0; g < 2; g++) PetscCall(ReadSample(path, f, g, &s[g]));
  PetscCall(KGNNBatchCreate(2, sp, &B));
  PetscCall(PetscMalloc4(B.G.nnz, &out, B.G.nnz, &dp, B.G.nnz, &ref, B.G.nnz, &alone));
  PetscCall(KGNNModelForwardTape(&M, &B.G, out, &tape));
  PetscCall(KGNNH5ReadArray(path, f, "expected/out", B.G.nnz, ref));
  for (PetscInt k = 0; k < B.G.nnz; k++) CHECK(PetscAbsReal(out[k] - ref[k]) < 1e-12 * PetscMax(1, MaxAbs(B.G.nnz, ref)), "%s: output %d is %.15g, PyG %.15g", path, (int)k, (double)out[k], (double)ref[k]);
  /* the batch is the graphs side by side: each alone gives the same outputs */
  for (int g = 0; g < 2; g++) {
    KGNNBatch one;
    PetscCall(KGNNBatchCreate(1, &sp[g], &one));
    PetscCall(KGNNModelForward(&M, &one.G, alone));
    for (PetscInt k = 0; k < one.G.nnz; k++) CHECK(PetscAbsReal(alone[k] - out[B.eptr[g] + k]) < 1e-13, "%s: graph %d alone differs from the batch at edge %d", path, g, (int)k);
    PetscCall(KGNNBatchDestroy(&one));
  }
  PetscCall(KGNNBatchLoss(&B, KGNN_LOSS_COSINE, out, dp, NULL, &loss, NULL));
  PetscCall(KGNNH5ReadArray(path, f, "expected/loss", 1, &eloss));
  CHECK(PetscAbsReal(loss - eloss) < 1e-12, "%s: loss %.15g, PyG %.15g", path, (double)loss, (double)eloss);
  PetscCall(KGNNModelBackward(&M, tape, dp, &G));
  PetscCall(KGNNModelTensors(&G, &nt, &T));
  /* relative to the tensor's largest entry, but not below 1e-6 of the whole gradient's: some
     gradients are 0 in exact arithmetic (in the first block every node state is the same, so
     attention keys cancel in the softmax) and both sides hold round-off there */
  for (int pass = 0; pass < 2; pass++)
    for (PetscInt k = 0; k < nt; k++) {
      char       name[160];
      PetscReal *e, err = 0, scale;
      PetscCall(PetscMalloc1(T[k].size, &e));
      PetscCall(PetscSNPrintf(name, sizeof(name), "grad/%s", T[k].name));
      PetscCall(KGNNH5ReadArray(path, f, name, T[k].size, e));
      if (!pass) {
        gmax = PetscMax(gmax, MaxAbs(T[k].size, e));
        PetscCall(PetscFree(e));
        continue;
      }
      scale = PetscMax(MaxAbs(T[k].size, e), 1e-6 * gmax);
      for (PetscInt i = 0; i < T[k].size; i++) err = PetscMax(err, PetscAbsReal(T[k].data[i] - e[i]) / scale);
      CHECK(err < 1e-9, "%s: gradient of %s differs from torch.autograd by %.2e (relative)", path, T[k].name, (double)err);
      worst = PetscMax(worst, err);
      PetscCall(PetscFree(e));
    }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%s: %d tensors, largest relative gradient difference %.2e\n", path, (int)nt, (double)worst));
  PetscCall(PetscFree(T));
  H5Fclose(f);
  PetscCall(KGNNTapeDestroy(&tape));
  PetscCall(PetscFree4(out, dp, ref, alone));
  PetscCall(KGNNBatchDestroy(&B));
  for (int g = 0; g < 2; g++) PetscCall(PetscFree4(s[g].row, s[g].col, s[g].a, s[g].y));
  PetscCall(KGNNModelDestroy(&M));
  PetscCall(KGNNModelDestroy(&G));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* d loss / d p of the target-free and L2 losses on a batch against central differences */
static PetscErrorCode CheckLossGradients(const char *path)
{
  KGNNSample s[2], *sp[2] = {&s[0], &s[1]};
  KGNNBatch  B;
  PetscReal *p, *dp, l;
  hid_t      f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);

  PetscFunctionBegin;
  for (int g = 0; g < 2; g++) PetscCall(ReadSample(path, f, g, &s[g]));
  H5Fclose(f);
  PetscCall(KGNNBatchCreate(2, sp, &B));
  PetscCall(PetscMalloc2(B.G.nnz, &p, B.G.nnz, &dp));
  for (PetscInt k = 0; k < B.G.nnz; k++) p[k] = B.y[k] + 0.3 * PetscSinReal((PetscReal)k);
  for (int type = KGNN_LOSS_L2; type <= KGNN_LOSS_FREE; type++) {
    KGNNRandom r = {42};
    PetscCall(KGNNBatchLoss(&B, (KGNNLoss)type, p, dp, &r, &l, NULL));
    for (PetscInt k = 0; k < B.G.nnz; k++) {
      const PetscReal h = 1e-6, keep = p[k];
      PetscReal       lp, lm, fd;
      p[k] = keep + h, r.s = 42;
      PetscCall(KGNNBatchLoss(&B, (KGNNLoss)type, p, NULL, &r, &lp, NULL));
      p[k] = keep - h, r.s = 42;
      PetscCall(KGNNBatchLoss(&B, (KGNNLoss)type, p, NULL, &r, &lm, NULL));
      p[k] = keep;
      fd   = (lp - lm) / (2 * h);
      CHECK(PetscAbsReal(fd - dp[k]) < 1e-6 * PetscMax(PetscAbsReal(dp[k]), 1e-3), "%s loss: d/dp[%d] %.10g, central difference %.10g", type == KGNN_LOSS_L2 ? "L2" : "free", (int)k, (double)dp[k], (double)fd);
    }
  }
  PetscCall(PetscFree2(p, dp));
  PetscCall(KGNNBatchDestroy(&B));
  for (int g = 0; g < 2; g++) PetscCall(PetscFree4(s[g].row, s[g].col, s[g].a, s[g].y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  const char *models[] = {"MLPNodeModel", "MessagePassingMLP", "GATv2", "GEN", "GraphTransformer", "GlobalGraphTransformer"};
  char        path[256];

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  for (int m = 0; m < 6; m++)
    for (int v = 0; v < 2; v++) {
      PetscCall(PetscSNPrintf(path, sizeof(path), "tests/fixtures/grad_%s_d3%s.h5", models[m], v ? "_pos_vn" : ""));
      PetscCall(CheckFixture(path));
    }
  PetscCall(CheckLossGradients("tests/fixtures/grad_MessagePassingMLP_d3.h5"));
  TEST_END();
}
