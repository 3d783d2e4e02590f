/* The whole network's gradient (encoder, blocks, decoder, virtual nodes; every node model) on a
   batch of two graphs against torch.autograd on the same weights and batch (fixtures from
   share/python/make_train_fixtures.py): the outputs, the batch's cosine loss and every tensor's
   gradient, to tolerances derived below (CheckFixture); the node models and their fixtures'
   names come from the table of layers. Also: the batch's outputs equal each
   graph run alone, and the L2 and target-free losses' gradients equal central differences.
   Links the library's objects, for its internal functions. */
#include "testutil.h"
#include "train/train.h"
#include "io/h5util.h"
#include "model/layer.h"
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

/* out, the cosine loss and its gradient (into G, zeroed first) of model M on batch B */
static PetscErrorCode Evaluate(const KGNNModel *M, const KGNNBatch *B, PetscReal *out, PetscReal *dp, PetscReal *loss, KGNNModel *G)
{
  KGNNTape    tape;
  KGNNTensor *T;
  PetscInt    nt;

  PetscFunctionBegin;
  PetscCall(KGNNModelTensors(G, &nt, &T));
  for (PetscInt k = 0; k < nt; k++) PetscCall(PetscArrayzero(T[k].data, T[k].size));
  PetscCall(PetscFree(T));
  PetscCall(KGNNModelForwardTape(M, &B->G, out, &tape));
  PetscCall(KGNNBatchLoss(B, KGNN_LOSS_COSINE, out, dp, NULL, loss, NULL));
  PetscCall(KGNNModelBackward(M, tape, dp, G));
  PetscCall(KGNNTapeDestroy(&tape));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The tolerances, derived (as in TestNetworkOnFixture, tests/testutil.h): PyTorch and this code
   order their sums differently; a K-term sum in any order carries at most gamma_K relative to the
   sum of |terms|, which is the exact result for inputs perturbed by at most gamma_K relative. The
   relative change of each result per relative change of every weight (kappa) is measured here:
   the same batch with every weight times 1 + delta0 r (r = +-1, delta0 = 1e-8: first order, far
   above round-off). K: the longest sum, Kf = max(3 hidden, n + 1) in the forward (edge model input;
   sums over a graph's nodes), Kb = max(Kf, nnz) in the loss and the backward (a weight gradient
   sums over the batch's edges). Then, F = 10 (2: both sides round; 2: element-wise operations the
   weights' perturbation does not model; 2.5: r is one sign pattern, not the worst):
     outputs, and a graph alone against the batch:   F kappa_out gamma_Kf max|out|
     the loss, a mean of 1 - cos over the graphs:   F kappa_loss gamma_Kb + 2 (3 gamma_nnz), the
       cosine's own dot product and two norms each within gamma_nnz of |p| |t| (Cauchy-Schwarz);
     each tensor's gradient:   F (kappa_k gamma_Kb max|grad_k| + gamma_Kb gmax),
   the last term the round-off of a gradient that is 0 in exact arithmetic (in the first block
   every node state is the same, so attention keys cancel in the softmax): its terms cancel, and
   they are no larger than the model's largest gradient entry gmax. */
static PetscErrorCode CheckFixture(const char *path)
{
  const PetscReal delta0 = 1e-8, F = 10;
  KGNNModel       M, G, P, GP;
  KGNNSample      s[2], *sp[2] = {&s[0], &s[1]};
  KGNNBatch       B;
  KGNNTensor     *T, *TP;
  PetscInt        nt, ntp, Kf, Kb;
  PetscReal      *out, *dp, *ref, *alone, *pout, loss, ploss, eloss, worst = 0, gmax = 0, omax, dout = 0, eout = 0, tolout, tolloss;
  hid_t           f;
  KGNNRandom      r = {271828};

  PetscFunctionBegin;
  PetscCall(KGNNModelLoad(path, &M));
  PetscCall(KGNNModelDuplicate(&M, &G));
  PetscCall(KGNNModelDuplicate(&M, &P));
  PetscCall(KGNNModelDuplicate(&M, &GP));
  PetscCall(KGNNModelCopy(&M, &P));
  PetscCall(KGNNModelTensors(&P, &ntp, &TP));
  for (PetscInt k = 0; k < ntp; k++)
    for (PetscInt i = 0; i < TP[k].size; i++) TP[k].data[i] *= 1 + (KGNNRandomNext(&r) & 1 ? delta0 : -delta0);
  PetscCall(PetscFree(TP));
  f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  for (int g = 0; g < 2; g++) PetscCall(ReadSample(path, f, g, &s[g]));
  PetscCall(KGNNBatchCreate(2, sp, &B));
  Kf = PetscMax(3 * M.hidden, B.G.n + 1), Kb = PetscMax(Kf, B.G.nnz);
  PetscCall(PetscMalloc5(B.G.nnz, &out, B.G.nnz, &dp, B.G.nnz, &ref, B.G.nnz, &alone, B.G.nnz, &pout));
  PetscCall(Evaluate(&M, &B, out, dp, &loss, &G));
  PetscCall(Evaluate(&P, &B, pout, alone, &ploss, &GP));
  PetscCall(KGNNH5ReadArray(path, f, "expected/out", B.G.nnz, ref));
  omax = MaxAbs(B.G.nnz, ref);
  for (PetscInt k = 0; k < B.G.nnz; k++) dout = PetscMax(dout, PetscAbsReal(pout[k] - out[k]));
  tolout = F * (dout / omax / delta0) * TestGamma(Kf) * omax;
  for (PetscInt k = 0; k < B.G.nnz; k++) {
    if (KGNNLayerAt(M.node_model)->lower_only && B.G.sender[k] < B.G.receiver[k]) { /* an edge above the diagonal: not computed (layer.h), PyTorch's reference computes it anyway */
      CHECK(out[k] == 0, "%s: upper edge %d is %g, not 0, from a lower-only network", path, (int)k, (double)out[k]);
      continue;
    }
    eout = PetscMax(eout, PetscAbsReal(out[k] - ref[k]));
    CHECK(PetscAbsReal(out[k] - ref[k]) <= tolout, "%s: output %d is %.15g, PyG %.15g (differ by %.2e > %.2e)", path, (int)k, (double)out[k], (double)ref[k], (double)PetscAbsReal(out[k] - ref[k]), (double)tolout);
  }
  /* the batch is the graphs side by side: each alone gives the same outputs, but for the order of
     the sums (BLAS blocks a gemm by its row count) */
  for (int g = 0; g < 2; g++) {
    KGNNBatch one;
    PetscCall(KGNNBatchCreate(1, &sp[g], &one));
    PetscCall(KGNNModelForward(&M, &one.G, alone));
    for (PetscInt k = 0; k < one.G.nnz; k++)
      CHECK(PetscAbsReal(alone[k] - out[B.eptr[g] + k]) <= tolout, "%s: graph %d alone differs from the batch at edge %d by %.2e > %.2e", path, g, (int)k, (double)PetscAbsReal(alone[k] - out[B.eptr[g] + k]), (double)tolout);
    PetscCall(KGNNBatchDestroy(&one));
  }
  PetscCall(KGNNH5ReadArray(path, f, "expected/loss", 1, &eloss));
  tolloss = F * (PetscAbsReal(ploss - loss) / delta0) * TestGamma(Kb) + 6 * TestGamma(B.G.nnz);
  CHECK(PetscAbsReal(loss - eloss) <= tolloss, "%s: loss %.15g, PyG %.15g (differ by %.2e > %.2e)", path, (double)loss, (double)eloss, (double)PetscAbsReal(loss - eloss), (double)tolloss);
  PetscCall(KGNNModelTensors(&G, &nt, &T));
  PetscCall(KGNNModelTensors(&GP, &ntp, &TP));
  for (int pass = 0; pass < 2; pass++)
    for (PetscInt k = 0; k < nt; k++) {
      char       name[160];
      PetscReal *e, err = 0, emax, dg = 0, tol;
      PetscCall(PetscMalloc1(T[k].size, &e));
      PetscCall(PetscSNPrintf(name, sizeof(name), "grad/%s", T[k].name));
      PetscCall(KGNNH5ReadArray(path, f, name, T[k].size, e));
      emax = MaxAbs(T[k].size, e);
      if (!pass) {
        gmax = PetscMax(gmax, emax);
        PetscCall(PetscFree(e));
        continue;
      }
      for (PetscInt i = 0; i < T[k].size; i++) {
        err = PetscMax(err, PetscAbsReal(T[k].data[i] - e[i]));
        dg  = PetscMax(dg, PetscAbsReal(TP[k].data[i] - T[k].data[i]));
      }
      tol = F * (dg / delta0 * TestGamma(Kb) + TestGamma(Kb) * gmax);
      CHECK(err <= tol, "%s: gradient of %s differs from torch.autograd by %.2e > %.2e (max|grad| %.2e)", path, T[k].name, (double)err, (double)tol, (double)emax);
      worst = PetscMax(worst, err / tol);
      PetscCall(PetscFree(e));
    }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%s: outputs within %.2e of PyG (tolerance %.2e), loss within %.2e (tolerance %.2e), %d gradient tensors within %.2f of their tolerances\n", path, (double)eout, (double)tolout,
                        (double)PetscAbsReal(loss - eloss), (double)tolloss, (int)nt, (double)worst));
  PetscCall(PetscFree(T));
  PetscCall(PetscFree(TP));
  H5Fclose(f);
  PetscCall(PetscFree5(out, dp, ref, alone, pout));
  PetscCall(KGNNBatchDestroy(&B));
  for (int g = 0; g < 2; g++) PetscCall(PetscFree4(s[g].row, s[g].col, s[g].a, s[g].y));
  PetscCall(KGNNModelDestroy(&M));
  PetscCall(KGNNModelDestroy(&G));
  PetscCall(KGNNModelDestroy(&P));
  PetscCall(KGNNModelDestroy(&GP));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* d loss / d p of the target-free and L2 losses on a batch against central differences, with
   the derived tolerance of TestGradients (tests/testutil.h) */
typedef struct {
  const KGNNBatch *B;
  KGNNLoss         type;
  const PetscReal *p;
} LossCtx;

static PetscReal BatchLoss(void *ptr)
{
  const LossCtx *c = (const LossCtx *)ptr;
  KGNNRandom     r = {42}; /* the free loss's z: the same at every evaluation */
  PetscReal      l;

  if (KGNNBatchLoss(c->B, c->type, c->p, NULL, &r, &l, NULL)) return NAN;
  return l;
}

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
    KGNNRandom  r      = {42};
    LossCtx     ctx    = {&B, (KGNNLoss)type, p};
    int         size   = (int)B.G.nnz;
    const char *name[] = {type == KGNN_LOSS_L2 ? "L2 loss: p" : "free loss: p"};
    PetscCall(KGNNBatchLoss(&B, (KGNNLoss)type, p, dp, &r, &l, NULL));
    PetscCall(TestGradients(BatchLoss, &ctx, 1, &p, &dp, &size, name));
  }
  PetscCall(PetscFree2(p, dp));
  PetscCall(KGNNBatchDestroy(&B));
  for (int g = 0; g < 2; g++) PetscCall(PetscFree4(s[g].row, s[g].col, s[g].a, s[g].y));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* every node model of the table (src/model/layers.c) has its fixtures, picked up by its name */
int main(int argc, char **argv)
{
  char path[256];
  int  rows = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  for (int m = 0; m < KGNNLayerCount(); m++) {
    const KGNNLayer *L = KGNNLayerAt(m);
    if (L->role != KGNN_LAYER_NODE) continue;
    rows++;
    for (int v = 0; v < 2; v++) {
      PetscCall(PetscSNPrintf(path, sizeof(path), "tests/fixtures/grad_%s_d3%s.h5", L->name, v ? "_pos_vn" : ""));
      CHECK(!access(path, R_OK), "%s: no fixture %s (share/python/make_train_fixtures.py writes it)", L->name, path);
      if (!access(path, R_OK)) PetscCall(CheckFixture(path));
    }
  }
  CHECK(rows >= 6, "%d node models in the table, expected the six of weight files at least", rows);
  PetscCall(CheckLossGradients("tests/fixtures/grad_MessagePassingMLP_d3.h5"));
  TEST_END();
}
