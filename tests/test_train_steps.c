/* The optimiser and the losses of kgnn-train against PyTorch (fixture from
   share/python/make_train_fixtures.py): nine Adam steps under StepLR(step 3, gamma 0.6) from the
   same parameters and gradients as torch.optim, and the cosine and L2 losses with their
   gradients against torch.autograd. Internal functions are not exported by libkgnn, so this unit
   test compiles the two source files itself.
   Tolerances, derived by counting roundings (u = 2^-53, gamma_N = N u / (1 - N u) for an N-term
   sum; each bound is one side's, doubled since PyTorch rounds too):
   - StepLR: lr0 0.6^k by pow (within 1 ulp) and one product here, k products in StepLR's chain:
     (k + 2) u relative.
   - Adam: a running error bound, step by step and entry by entry, of the formula above (and of
     torch's lerp/addcdiv form of it): m = b1 m + (1 - b1) g may cancel, so its error is
     3 u (b1 |m| + (1 - b1) |g|) plus b1 times the last one; v adds positive terms (3 u relative);
     the bias corrections 1 - b^t cancel, pow's ulp becoming u b^t / (1 - b^t) relative; the
     step m / (sqrt(v) / sqrt(c2) + eps) adds 8 u relative (sqrt, divisions, eps, products) and
     p -= step rounds to u |p|.
   - cosine loss over the N lower-triangle entries: <p, t>, |p|^2 and |t|^2 within gamma_N of
     |p| |t| (Cauchy-Schwarz), |p|^2 and |t|^2; so cos within 2 gamma_N + 4 u and the loss within
     2 gamma_N + 5 u; its gradient -(t / (|p| |t|) - cos p / |p|^2) entry by entry within
     (2 gamma_N + 8 u) (|t_k| / (|p| |t|) + |p_k| / |p|^2).
   - L2 loss: N positive terms (p - t)^2 of 3 roundings each, then / N: gamma_N + 4 u relative;
     gradient 2 (p - t) / N: 3 u relative.
   A step or loss off by 1e-13 relative fails every one of these. */
#include "testutil.h"
#include <hdf5.h>
#include "train/train.h" /* the optimiser and the losses (src/train/adam.c, loss.c) */

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
  const PetscReal u = PETSC_MACHINE_EPSILON / 2, b1 = 0.9, b2 = 0.999, eps = 1e-8;
  PetscReal       p[N], grads[STEPS][N], params[STEPS][N], lrs[STEPS], mom[N] = {0}, var[N] = {0}, em[N] = {0}, ev[N] = {0}, ep[N] = {0};
  PetscReal       pred[M], tgt[M], gref[M], g[M], lref, pt = 0, pp = 0, tt = 0;
  PetscInt64      row64[M], col64[M];
  PetscInt        row[M], col[M], nl = 0;
  hid_t           f;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  f = H5Fopen("tests/fixtures/train_steps.h5", H5F_ACC_RDONLY, H5P_DEFAULT);
  PetscCheck(f >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open tests/fixtures/train_steps.h5");
  PetscCall(Read(f, "adam/p0", H5T_NATIVE_DOUBLE, p));
  PetscCall(Read(f, "adam/grads", H5T_NATIVE_DOUBLE, grads));
  PetscCall(Read(f, "adam/params", H5T_NATIVE_DOUBLE, params));
  PetscCall(Read(f, "adam/lrs", H5T_NATIVE_DOUBLE, lrs));
  for (PetscInt s = 0; s < STEPS; s++) {
    const PetscInt  t  = s + 1;
    const PetscReal lr = KGNNStepLR(1e-3, 0.6, 3, s), bt1 = PetscPowReal(b1, t), bt2 = PetscPowReal(b2, t);
    const PetscReal rc1 = u * bt1 / (1 - bt1) + u, rc2 = u * bt2 / (1 - bt2) + u; /* relative round-off of the bias corrections */
    PetscReal       err = 0, tol = 0;
    CHECK(PetscAbsReal(lr - lrs[s]) <= (s / 3 + 2) * u * lrs[s], "StepLR at epoch %d: %.17g, torch %.17g", (int)s, (double)lr, (double)lrs[s]);
    for (PetscInt k = 0; k < N; k++) { /* the running bound, before the step changes m and v */
      const PetscReal gk = grads[s][k], mk = b1 * mom[k] + (1 - b1) * gk, vk = b2 * var[k] + (1 - b2) * gk * gk;
      const PetscReal denom = PetscSqrtReal(vk / (1 - bt2)) + eps, step = lr / (1 - bt1) * PetscAbsReal(mk) / denom;
      em[k] = b1 * em[k] + 3 * u * (b1 * PetscAbsReal(mom[k]) + (1 - b1) * PetscAbsReal(gk));
      ev[k] = b2 * ev[k] + 3 * u * vk; /* absolute; v's terms are positive */
      ep[k] += step * (8 * u + rc1 + (ev[k] / vk + rc2) / 2) + lr / (1 - bt1) * em[k] / denom;
    }
    KGNNAdamStep(N, p, grads[s], mom, var, t, lr, b1, b2, eps);
    for (PetscInt k = 0; k < N; k++) {
      ep[k] += u * PetscAbsReal(p[k]);
      err = PetscMax(err, PetscAbsReal(p[k] - params[s][k]) / (2 * ep[k]));
      tol = PetscMax(tol, 2 * ep[k]);
    }
    CHECK(err <= 1, "Adam step %d: parameters differ from torch.optim.Adam by %.2f of the round-off bound (largest bound %.2e)", (int)t, (double)err, (double)tol);
  }

  PetscCall(Read(f, "loss/row", H5T_NATIVE_INT64, row64));
  PetscCall(Read(f, "loss/col", H5T_NATIVE_INT64, col64));
  PetscCall(Read(f, "loss/pred", H5T_NATIVE_DOUBLE, pred));
  PetscCall(Read(f, "loss/target", H5T_NATIVE_DOUBLE, tgt));
  for (int k = 0; k < M; k++) {
    row[k] = (PetscInt)row64[k], col[k] = (PetscInt)col64[k];
    if (row[k] >= col[k]) nl++, pt += pred[k] * tgt[k], pp += pred[k] * pred[k], tt += tgt[k] * tgt[k];
  }
  for (int which = 0; which < 2; which++) {
    PetscReal l = which ? KGNNL2Loss(M, row, col, pred, tgt, g) : KGNNCosineLoss(M, row, col, pred, tgt, g), gerr = 0, tol;
    PetscCall(Read(f, which ? "loss/l2" : "loss/cosine", H5T_NATIVE_DOUBLE, &lref));
    PetscCall(Read(f, which ? "loss/l2_grad" : "loss/cosine_grad", H5T_NATIVE_DOUBLE, gref));
    tol = which ? 2 * (TestGamma(nl) + 4 * u) * PetscAbsReal(lref) : 2 * (2 * TestGamma(nl) + 5 * u);
    for (int k = 0; k < M; k++) {
      const PetscReal gt = which ? 2 * 3 * u * PetscAbsReal(gref[k]) : 2 * (2 * TestGamma(nl) + 8 * u) * (PetscAbsReal(tgt[k]) / PetscSqrtReal(pp * tt) + PetscAbsReal(pred[k]) / pp);
      gerr               = PetscMax(gerr, PetscAbsReal(g[k] - gref[k]) / (gt > 0 ? gt : 1));
    }
    CHECK(PetscAbsReal(l - lref) <= tol && gerr <= 1, "%s loss %.17g (torch %.17g, tolerance %.2e), gradient off by %.2f of its round-off bound", which ? "L2" : "cosine", (double)l, (double)lref, (double)tol, (double)gerr);
  }
  H5Fclose(f);
  TEST_END();
}
