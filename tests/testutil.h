/* Shared helpers of the C tests: test matrices, dense copies, LAPACK references, checks.
   A test prints one line per failed check and exits non-zero if any failed. */
#ifndef KGNN_TESTUTIL_H
#define KGNN_TESTUTIL_H

#include <kgnn.h>
#include <petscblaslapack.h>
#include <hdf5.h>

static int test_failures = 0;

#define CHECK(cond, ...)                                                                                                                                                                                                                                 \
  do {                                                                                                                                                                                                                                                   \
    if (!(cond)) {                                                                                                                                                                                                                                       \
      test_failures++;                                                                                                                                                                                                                                   \
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "FAIL %s:%d: ", __FILE__, __LINE__));                                                                                                                                                                      \
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, __VA_ARGS__));                                                                                                                                                                                             \
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "\n"));                                                                                                                                                                                                    \
    }                                                                                                                                                                                                                                                    \
  } while (0)

/* Tridiagonal n x n with diagonal d[i] and sub/super-diagonal e[i] = A(i+1, i). */
static inline PetscErrorCode TestTridiag(PetscInt n, const PetscScalar *d, const PetscScalar *e, Mat *A)
{
  PetscFunctionBegin;
  PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, n, n, 3, NULL, A));
  for (PetscInt i = 0; i < n; i++) {
    PetscCall(MatSetValue(*A, i, i, d[i], INSERT_VALUES));
    if (i + 1 < n) {
      PetscCall(MatSetValue(*A, i + 1, i, e[i], INSERT_VALUES));
      PetscCall(MatSetValue(*A, i, i + 1, e[i], INSERT_VALUES));
    }
  }
  PetscCall(MatAssemblyBegin(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*A, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* 2D 5-point Poisson on an m x m grid, natural (row-by-row) ordering, Dirichlet boundary. */
#define TestPoisson2D(comm, m, A) KGNNMatCreateLaplacian2D(comm, m, A)

/* Column-major dense copy (n x n) of a sequential matrix. */
static inline PetscErrorCode TestDense(Mat A, PetscScalar **D)
{
  PetscInt           n, ncols;
  const PetscInt    *cols;
  const PetscScalar *vals;

  PetscFunctionBegin;
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(PetscCalloc1((size_t)n * n, D));
  for (PetscInt i = 0; i < n; i++) {
    PetscCall(MatGetRow(A, i, &ncols, &cols, &vals));
    for (PetscInt k = 0; k < ncols; k++) (*D)[i + (size_t)cols[k] * n] = vals[k];
    PetscCall(MatRestoreRow(A, i, &ncols, &cols, &vals));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* max |X - Y| / max |Y| over n*n dense entries */
static inline PetscReal TestRelDiff(PetscInt n, const PetscScalar *X, const PetscScalar *Y)
{
  PetscReal dmax = 0, ymax = 0;
  for (size_t k = 0; k < (size_t)n * n; k++) {
    dmax = PetscMax(dmax, PetscAbsScalar(X[k] - Y[k]));
    ymax = PetscMax(ymax, PetscAbsScalar(Y[k]));
  }
  return ymax > 0 ? dmax / ymax : dmax;
}

/* Eigenvalues (ascending) of a symmetric n x n column-major matrix, by LAPACK. */
static inline PetscErrorCode TestEigenvalues(PetscInt n, const PetscScalar *S, PetscReal *w)
{
  PetscScalar *C, *work, wq;
  PetscBLASInt bn, lwork = -1, info;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCall(PetscMalloc1((size_t)n * n, &C));
  PetscCall(PetscArraycpy(C, S, (size_t)n * n));
  PetscCallBLAS("LAPACKsyev", LAPACKsyev_("N", "L", &bn, C, &bn, w, &wq, &lwork, &info));
  lwork = (PetscBLASInt)PetscRealPart(wq);
  PetscCall(PetscMalloc1(lwork, &work));
  PetscCallBLAS("LAPACKsyev", LAPACKsyev_("N", "L", &bn, C, &bn, w, work, &lwork, &info));
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK syev failed: %d", (int)info);
  PetscCall(PetscFree(work));
  PetscCall(PetscFree(C));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Set up PCKOPT (with the given inverse method) on A and return its factor L. */
static inline PetscErrorCode TestKoptFactor(Mat A, KGNNInverseMethod method, Mat *L)
{
  PC pc;

  PetscFunctionBegin;
  PetscCall(PCCreate(PETSC_COMM_SELF, &pc));
  PetscCall(PCSetType(pc, PCKOPT));
  PetscCall(PCKOPTSetInverseMethod(pc, method));
  PetscCall(PCSetOperators(pc, A, A));
  PetscCall(PCSetFromOptions(pc));
  PetscCall(PCSetUp(pc));
  PetscCall(PCKOPTGetFactor(pc, L));
  PetscCall(PCDestroy(&pc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* CG, b = ones, x0 = 0, rtol 1e-8 on the unpreconditioned residual: the iteration count. */
static inline PetscErrorCode TestCGIterations(Mat A, PC pcin, const char *pctype, PetscInt *its, KSPConvergedReason *reason)
{
  KSP ksp;
  PC  pc;
  Vec b, x;

  PetscFunctionBegin;
  PetscCall(KSPCreate(PetscObjectComm((PetscObject)A), &ksp));
  if (pcin) PetscCall(KSPSetPC(ksp, pcin));
  PetscCall(KSPSetOperators(ksp, A, A));
  PetscCall(KSPSetType(ksp, KSPCG));
  PetscCall(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED));
  PetscCall(KSPSetTolerances(ksp, 1e-8, PETSC_DEFAULT, PETSC_DEFAULT, 10000));
  PetscCall(KSPGetPC(ksp, &pc));
  if (pctype) PetscCall(PCSetType(pc, pctype));
  PetscCall(MatCreateVecs(A, &x, &b));
  PetscCall(VecSet(b, 1.0));
  PetscCall(KSPSolve(ksp, b, x));
  PetscCall(KSPGetIterationNumber(ksp, its));
  PetscCall(KSPGetConvergedReason(ksp, reason));
  PetscCall(VecDestroy(&b));
  PetscCall(VecDestroy(&x));
  PetscCall(KSPDestroy(&ksp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Random sparse SPD: symmetric random pattern (about nper off-diagonals per row, values in
   [-1, 1]) made strictly diagonally dominant, so IC(0) exists without a shift. */
static inline PetscErrorCode TestRandomSPD(PetscInt n, PetscInt nper, PetscRandom rnd, Mat *A)
{
  PetscReal *rowsum;

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(n, &rowsum));
  PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, n, n, 2 * nper + 1, NULL, A));
  PetscCall(MatSetOption(*A, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_FALSE));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt k = 0; k < nper / 2; k++) {
      PetscReal u, v;
      PetscInt  j;
      PetscCall(PetscRandomGetValueReal(rnd, &u));
      PetscCall(PetscRandomGetValueReal(rnd, &v));
      j = (PetscInt)(u * n);
      if (j == i || j >= n) continue;
      v = 2 * v - 1;
      PetscCall(MatSetValue(*A, i, j, v, ADD_VALUES));
      PetscCall(MatSetValue(*A, j, i, v, ADD_VALUES));
      rowsum[i] += PetscAbsReal(v);
      rowsum[j] += PetscAbsReal(v);
    }
  for (PetscInt i = 0; i < n; i++) PetscCall(MatSetValue(*A, i, i, rowsum[i] + 0.5, ADD_VALUES));
  PetscCall(MatAssemblyBegin(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(PetscFree(rowsum));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Central finite differences (h = 1e-6) of loss(ctx) in every entry of params[p] against the
   backward pass's grads[p]; relative error < 1e-6 (relative to max(|grad|, 1e-3)). */
typedef PetscReal (*TestLoss)(void *ctx);
static inline PetscErrorCode TestGradients(TestLoss loss, void *ctx, int np, PetscReal *const params[], PetscReal *const grads[], const int sizes[], const char *const names[])
{
  PetscReal worst = 0;
  int       count = 0;

  PetscFunctionBegin;
  for (int p = 0; p < np; p++)
    for (int k = 0; k < sizes[p]; k++, count++) {
      const PetscReal h = 1e-6, keep = params[p][k];
      PetscReal       fp, fm, fd, err;
      params[p][k] = keep + h;
      fp           = loss(ctx);
      params[p][k] = keep - h;
      fm           = loss(ctx);
      params[p][k] = keep;
      fd           = (fp - fm) / (2 * h);
      err          = PetscAbsReal(fd - grads[p][k]) / PetscMax(PetscAbsReal(grads[p][k]), 1e-3);
      CHECK(err < 1e-6, "d loss / d %s[%d]: backward %.12g, central difference %.12g (relative error %.2e)", names[p], k, (double)grads[p][k], (double)fd, (double)err);
      worst = PetscMax(worst, err);
    }
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%d gradient entries against central differences: largest relative error %.2e\n", count, (double)worst));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One array of an HDF5 group, allocated here (rank 1 or 2; *len counts all its entries). */
static inline PetscErrorCode TestH5ReadArray(hid_t g, const char *name, hid_t type, void **buf, size_t elsize, hsize_t *len)
{
  hid_t   d, s;
  hsize_t dims[2] = {1, 1};
  int     rank;

  PetscFunctionBegin;
  d = H5Dopen2(g, name, H5P_DEFAULT);
  PetscCheck(d >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "no dataset %s", name);
  s    = H5Dget_space(d);
  rank = H5Sget_simple_extent_dims(s, dims, NULL);
  *len = rank == 2 ? dims[0] * dims[1] : dims[0];
  PetscCall(PetscMalloc(elsize * *len, buf));
  PetscCheck(H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, *buf) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "cannot read %s", name);
  H5Sclose(s);
  H5Dclose(d);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The network's output on a fixture graph (group fixture/<graph> of file: n, edge_index, edge_attr
   and PyTorch's output) against PyTorch's, relative to max|output|: a CHECK with tolerance tol. */
static inline PetscErrorCode TestNetworkOnFixture(KGNNNetwork net, const char *file, const char *graph, PetscReal tol, PetscReal *rel)
{
  char        name[64];
  hid_t       f, grp, at;
  long long   n;
  hsize_t     ne = 0, na = 0, no = 0;
  PetscInt64 *ei;
  PetscInt   *snd, *rcv;
  PetscReal  *a, *ref, *out, err = 0, rmax = 0;

  PetscFunctionBegin;
  f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
  PetscCheck(f >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open %s", file);
  PetscCall(PetscSNPrintf(name, sizeof(name), "fixture/%s", graph));
  grp = H5Gopen2(f, name, H5P_DEFAULT);
  PetscCheck(grp >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: no group %s", file, name);
  at = H5Aopen(grp, "n", H5P_DEFAULT);
  H5Aread(at, H5T_NATIVE_LLONG, &n);
  H5Aclose(at);
  PetscCall(TestH5ReadArray(grp, "edge_index", H5T_NATIVE_INT64, (void **)&ei, sizeof(PetscInt64), &ne));
  PetscCall(TestH5ReadArray(grp, "edge_attr", H5T_NATIVE_DOUBLE, (void **)&a, sizeof(PetscReal), &na));
  PetscCall(TestH5ReadArray(grp, "output", H5T_NATIVE_DOUBLE, (void **)&ref, sizeof(PetscReal), &no));
  PetscCall(PetscMalloc3(na, &snd, na, &rcv, na, &out));
  for (hsize_t k = 0; k < na; k++) snd[k] = (PetscInt)ei[k], rcv[k] = (PetscInt)ei[na + k];
  PetscCall(KGNNNetworkForward(net, (PetscInt)n, (PetscInt)na, snd, rcv, a, out));
  for (hsize_t k = 0; k < na; k++) {
    err  = PetscMax(err, PetscAbsReal(out[k] - ref[k]));
    rmax = PetscMax(rmax, PetscAbsReal(ref[k]));
  }
  *rel = rmax > 0 ? err / rmax : err;
  CHECK(ne == 2 * na && no == na && err <= tol * rmax, "%s on %s: C and PyTorch outputs differ by %.3e (relative)", file, graph, (double)*rel);
  PetscCall(PetscFree3(snd, rcv, out));
  PetscCall(PetscFree(ei));
  PetscCall(PetscFree(a));
  PetscCall(PetscFree(ref));
  H5Gclose(grp);
  H5Fclose(f);
  PetscFunctionReturn(PETSC_SUCCESS);
}

#define TEST_END()                                                                                                                                                                                                                                       \
  do {                                                                                                                                                                                                                                                   \
    if (test_failures) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d check(s) failed\n", test_failures));                                                                                                                                                  \
    PetscCall(PetscFinalize());                                                                                                                                                                                                                          \
    return test_failures ? 1 : 0;                                                                                                                                                                                                                        \
  } while (0)

#endif
