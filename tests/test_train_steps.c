/* The optimiser and the losses of kgnn-train against PyTorch (fixture from
   share/python/make_train_fixtures.py): nine Adam steps under StepLR(step 3, gamma 0.6) from the
   same parameters and gradients as torch.optim, and the cosine and L2 losses with their
   gradients against torch.autograd, to 1e-12. Internal functions are not exported by libkgnn,
   so this unit test compiles the two source files itself. */
#include "testutil.h"
#include <hdf5.h>
#include "../src/train/adam.c"
#include "../src/train/loss.c"

static PetscErrorCode Read(hid_t f, const char *name, hid_t type, void *buf)
{
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);

  PetscFunctionBegin;
  PetscCheck(d >= 0 && H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "cannot read %s", name);
  H5Dclose(d);
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  enum { N = 10, STEPS = 9, M = 40 };
  PetscReal  p[N], grads[STEPS][N], params[STEPS][N], lrs[STEPS], mom[N] = {0}, var[N] = {0};
  PetscReal  pred[M], tgt[M], gref[M], g[M], lref;
  PetscInt64 row64[M], col64[M];
  PetscInt   row[M], col[M];
  hid_t      f;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  f = H5Fopen("tests/fixtures/train_steps.h5", H5F_ACC_RDONLY, H5P_DEFAULT);
  PetscCheck(f >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open tests/fixtures/train_steps.h5");
  PetscCall(Read(f, "adam/p0", H5T_NATIVE_DOUBLE, p));
  PetscCall(Read(f, "adam/grads", H5T_NATIVE_DOUBLE, grads));
  PetscCall(Read(f, "adam/params", H5T_NATIVE_DOUBLE, params));
  PetscCall(Read(f, "adam/lrs", H5T_NATIVE_DOUBLE, lrs));
  for (PetscInt s = 0; s < STEPS; s++) {
    PetscReal lr = KGNNStepLR(1e-3, 0.6, 3, s), err = 0;
    CHECK(PetscAbsReal(lr - lrs[s]) <= 1e-15 * lrs[s], "StepLR at epoch %d: %.17g, torch %.17g", (int)s, (double)lr, (double)lrs[s]);
    KGNNAdamStep(N, p, grads[s], mom, var, s + 1, lr, 0.9, 0.999, 1e-8);
    for (PetscInt k = 0; k < N; k++) err = PetscMax(err, PetscAbsReal(p[k] - params[s][k]));
    CHECK(err <= 1e-12, "Adam step %d: parameters differ from torch.optim.Adam by %.3e", (int)s + 1, (double)err);
  }

  PetscCall(Read(f, "loss/row", H5T_NATIVE_INT64, row64));
  PetscCall(Read(f, "loss/col", H5T_NATIVE_INT64, col64));
  PetscCall(Read(f, "loss/pred", H5T_NATIVE_DOUBLE, pred));
  PetscCall(Read(f, "loss/target", H5T_NATIVE_DOUBLE, tgt));
  for (int k = 0; k < M; k++) row[k] = (PetscInt)row64[k], col[k] = (PetscInt)col64[k];
  for (int which = 0; which < 2; which++) {
    PetscReal l = which ? KGNNL2Loss(M, row, col, pred, tgt, g) : KGNNCosineLoss(M, row, col, pred, tgt, g), err = 0;
    PetscCall(Read(f, which ? "loss/l2" : "loss/cosine", H5T_NATIVE_DOUBLE, &lref));
    PetscCall(Read(f, which ? "loss/l2_grad" : "loss/cosine_grad", H5T_NATIVE_DOUBLE, gref));
    for (int k = 0; k < M; k++) err = PetscMax(err, PetscAbsReal(g[k] - gref[k]));
    CHECK(PetscAbsReal(l - lref) <= 1e-12 && err <= 1e-12, "%s loss %.17g (torch %.17g), gradient off by %.3e", which ? "L2" : "cosine", (double)l, (double)lref, (double)err);
  }
  H5Fclose(f);
  TEST_END();
}
