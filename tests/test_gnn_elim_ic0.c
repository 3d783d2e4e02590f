/* The elimination-order layer (src/model/elim.c, issue 12) with weights set by hand
   (tests/fixtures/gnn_elim_ic0.h5, share/python/make_elim_fixture.py) is IC(0): PCGNN with it,
   no fallback, gives on a random tridiagonal SPD matrix the exact Cholesky factor (LAPACK potrf)
   and on 2D Poisson and a random diagonally dominant SPD matrix the library's own IC(0)
   (KGNNComputeIC0, itself checked against PETSc's PCICC by test_ic0_vs_icc), and CG takes
   PCICC's iterations (1 on the tridiagonal matrix).
   The network sees A / s, s = max|A|, so its factor is IC(0)(A) / sqrt(s); compared as
   sqrt(s) L_gnn. Tolerance, derived as in tests/testutil.h (TestFactorKappa): the two
   computations are IC(0)'s recurrence with sums ordered alike up to the triangles' order, each
   backward stable with K = (longest row) + 8 roundings per entry (the row's updates, the square
   root, the division, the scaling by s, the encoder's and decoder's products and sums, the
   rescaling by sqrt(s)); so |sqrt(s) L_gnn - L| / |L| <= F kappa gamma_K, F = 10, kappa the
   measured relative change of IC(0) per relative change of A's entries.
   The same checks for the networks kgnn-train -init_ic0 starts from (src/model/elim_init.c):
   depth 2, Jacobi scaling, every other channel random (so the factor must not depend on them);
   their factor is IC(0)(A) itself (IC(0) commutes with A -> D A D), and with -init_ic0_shift s
   IC(0)(A + s diag A) (Manteuffel's shifted IC(0)), against KGNNComputeIC0 of that matrix; with
   -init_ic0_damp w the damped IC(0) whose pivots are a_jj - (1 - w) sum_k l_jk^2, and with
   -init_ic0_posdamp p the one whose pivots are a_jj - sum_k l_jk^2 + p sum_k (a+_jk / l_kk)^2 (a+ the
   positive part: on 2D Poisson, an M-matrix, it is IC(0)), against a dense loop here (DampedFn). */
#include "testutil.h"
#include "io/model_face.h"

static PetscErrorCode IC0Fn(Mat A, void *ctx, Mat *L)
{
  PetscInt fail;

  PetscFunctionBegin;
  PetscCall(KGNNComputeIC0(A, L, &fail));
  PetscCheck(fail < 0, PETSC_COMM_SELF, PETSC_ERR_CONV_FAILED, "IC(0) broke down at row %d", (int)fail);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the network and its reference: model file, scaling s of its input (A / s; 1 under Jacobi's),
   the shift of the IC(0) it starts as, its damping and positive-entry damping */
typedef struct {
  const char *model, *what;
  PetscBool   jacobi;
  PetscReal   shift, damp, posdamp;
} Net;

/* the damped IC(0) on the pattern of tril(A), densely: a second implementation, not the layer's */
static PetscErrorCode DampedFn(Mat A, void *ctx, Mat *L)
{
  const PetscReal w = ((const Net *)ctx)->damp, p = ((const Net *)ctx)->posdamp;
  PetscInt        n;
  PetscScalar    *D, *F;

  PetscFunctionBegin;
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(TestDense(A, &D));
  PetscCall(PetscCalloc1((size_t)n * n, &F));
  for (PetscInt j = 0; j < n; j++) { /* column j of F (column-major: F[i + j n]) */
    PetscReal z = D[j + j * n], s = 0, sp = 0;
    for (PetscInt k = 0; k < j; k++) {
      s += F[j + k * n] * F[j + k * n];
      if (D[j + k * n] > 0) sp += (D[j + k * n] / F[k + k * n]) * (D[j + k * n] / F[k + k * n]);
    }
    z = z - (1 - w) * s + p * sp;
    PetscCheck(z > 0, PETSC_COMM_SELF, PETSC_ERR_CONV_FAILED, "damped IC(0) broke down at row %d", (int)j);
    F[j + j * n] = PetscSqrtReal(z);
    for (PetscInt i = j + 1; i < n; i++) {
      PetscScalar c = D[i + j * n];
      if (c == 0) continue; /* off the pattern */
      for (PetscInt k = 0; k < j; k++) c -= F[i + k * n] * F[j + k * n];
      F[i + j * n] = c / F[j + j * n];
    }
  }
  PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, n, n, 0, NULL, L));
  PetscCall(MatSetOption(*L, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_FALSE));
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt i = j; i < n; i++)
      if (F[i + j * n] != 0) PetscCall(MatSetValue(*L, i, j, F[i + j * n], INSERT_VALUES));
  PetscCall(MatAssemblyBegin(*L, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*L, MAT_FINAL_ASSEMBLY));
  PetscCall(PetscFree(D));
  PetscCall(PetscFree(F));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Check(const char *name, Mat A0, PetscBool exact, const Net *net)
{
  Mat                A = A0;
  PC                 gnn, icc;
  Mat                Lg, L0;
  PCGNNFactorSource  src;
  PetscInt           n, rowmax = 0, its1, its2;
  PetscScalar       *Dg, *D0;
  PetscReal          smax = 0, kmax = 0, kfro = 0, tol, err, ratio, b1, b2;
  KSPConvergedReason r1, r2;
  PetscBool          m1 = PETSC_FALSE, m2 = PETSC_FALSE;
  TestFactorFn       ref  = net->damp > 0 || net->posdamp > 0 ? DampedFn : IC0Fn; /* the reference factor of A */
  void              *rctx = net->damp > 0 || net->posdamp > 0 ? (void *)net : NULL;

  PetscFunctionBegin;
  PetscCall(MatGetSize(A, &n, NULL));
  if (net->shift > 0) { /* the reference is IC(0) of A + shift diag(A); the network sees A */
    Vec d;
    PetscCall(MatDuplicate(A0, MAT_COPY_VALUES, &A));
    PetscCall(MatCreateVecs(A, &d, NULL));
    PetscCall(MatGetDiagonal(A, d));
    PetscCall(VecScale(d, net->shift));
    PetscCall(MatDiagonalSet(A, d, ADD_VALUES));
    PetscCall(VecDestroy(&d));
  }
  for (PetscInt i = 0; i < n; i++) {
    PetscInt           nc;
    const PetscScalar *v;
    PetscCall(MatGetRow(A, i, &nc, NULL, &v));
    rowmax = PetscMax(rowmax, nc);
    for (PetscInt k = 0; k < nc; k++) smax = PetscMax(smax, PetscAbsScalar(v[k]));
    PetscCall(MatRestoreRow(A, i, &nc, NULL, &v));
  }
  PetscCall(PCCreate(PETSC_COMM_SELF, &gnn));
  PetscCall(PCSetType(gnn, PCGNN));
  PetscCall(PCGNNSetModel(gnn, net->model));
  PetscCall(PCGNNSetFallback(gnn, PCGNN_FALLBACK_NONE));
  PetscCall(PCSetOperators(gnn, A0, A0));
  PetscCall(PCSetUp(gnn));
  PetscCall(PCGNNGetFactorSource(gnn, &src, &ratio));
  CHECK(src == PCGNN_FACTOR_NETWORK, "%s: PCGNN applies the %s factor, not the network's", name, PCGNNFactorSources[src]);
  PetscCall(PCGNNGetFactor(gnn, &Lg));
  PetscCall(TestDense(Lg, &Dg));
  if (!net->jacobi)
    for (size_t k = 0; k < (size_t)n * n; k++) Dg[k] *= PetscSqrtReal(smax);
  if (exact) { /* the exact Cholesky factor, by LAPACK */
    PetscBLASInt bn, info;
    PetscCall(TestDense(A, &D0));
    PetscCall(PetscBLASIntCast(n, &bn));
    PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("L", &bn, D0, &bn, &info));
    CHECK(info == 0, "%s: LAPACK Cholesky failed", name);
    for (PetscInt j = 0; j < n; j++)
      for (PetscInt i = 0; i < j; i++) D0[i + j * n] = 0.0;
  } else {
    PetscCall(ref(A, rctx, &L0));
    PetscCall(TestDense(L0, &D0));
    PetscCall(MatDestroy(&L0));
  }
  PetscCall(TestFactorKappa(A, ref, rctx, &kmax, &kfro));
  tol = 10 * kmax * TestGamma(rowmax + 8);
  err = TestRelDiff(n, Dg, D0);
  CHECK(err <= tol, "%s, %s: |sqrt(s) L_gnn - %s| / |%s| = %.3e > %.3e", name, net->what, exact ? "chol(A)" : "IC0(A)", exact ? "chol(A)" : "IC0(A)", (double)err, (double)tol);
  if (net->shift > 0 || net->damp > 0 || net->posdamp > 0) { /* no PCICC of this kind to compare CG with */
    if (net->posdamp > 0) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s (n = %d): %s vs the dense IC(0) with pivots a_jj - sum l_jk^2 + %g sum (a+_jk / l_kk)^2: %.2e relative (tolerance %.2e, kappa %.2e)\n", name, (int)n, net->what, (double)net->posdamp, (double)err, (double)tol, (double)kmax));
    else if (net->shift > 0) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s (n = %d): %s vs IC(0) of A + %g diag(A): %.2e relative (tolerance %.2e, kappa %.2e)\n", name, (int)n, net->what, (double)net->shift, (double)err, (double)tol, (double)kmax));
    else PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s (n = %d): %s vs the dense damped IC(0), pivots a_jj - %g sum l_jk^2: %.2e relative (tolerance %.2e, kappa %.2e)\n", name, (int)n, net->what, 1 - (double)net->damp, (double)err, (double)tol, (double)kmax));
  } else { /* CG: PCGNN against PETSc's PCICC without shift */
    PetscCall(PCCreate(PETSC_COMM_SELF, &icc));
    PetscCall(PCSetType(icc, PCICC));
    PetscCall(PCFactorSetShiftType(icc, MAT_SHIFT_NONE));
    PetscCall(PCSetOperators(icc, A, A));
    PetscCall(TestCGMargin(A, icc, NULL, &its1, &r1, &m1, &b1));
    PetscCall(TestCGMargin(A, gnn, NULL, &its2, &r2, &m2, &b2));
    CHECK(r1 > 0 && r2 > 0 && PetscAbsInt(its1 - its2) <= (m1 || m2 ? 1 : 0), "%s: CG iterations differ: PCICC %d, PCGNN (%s) %d", name, (int)its1, net->what, (int)its2);
    if (exact) CHECK(its2 == 1 || (m2 && its2 == 2), "%s: CG with the exact factor took %d iterations", name, (int)its2);
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s (n = %d): %s vs %s: %.2e relative (tolerance %.2e, kappa %.2e); K ratio to Jacobi %.3g; CG iterations PCICC %d, PCGNN %d\n", name, (int)n, net->what, exact ? "LAPACK Cholesky" : "IC(0)", (double)err, (double)tol,
                          (double)kmax, (double)ratio, (int)its1, (int)its2));
    PetscCall(PCDestroy(&icc));
  }
  PetscCall(PetscFree(Dg));
  PetscCall(PetscFree(D0));
  PetscCall(MatDestroy(&Lg));
  PetscCall(PCDestroy(&gnn));
  if (A != A0) PetscCall(MatDestroy(&A));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* a network as kgnn-train -init_ic0 FLOOR -init_ic0_shift SHIFT starts it: ElimOrder, depth 2,
   hidden 16, Jacobi scaling, the free channels at torch's full initialisation (noise 1) */
static PetscErrorCode InitIC0(const char *path, PetscReal floor_, PetscReal shift, PetscReal damp, PetscReal posdamp)
{
  KGNNModel  M = {0};
  KGNNRandom r = {77};
  PetscInt   nt, nonzero = 0;
  KGNNTensor *X;

  PetscFunctionBegin;
  PetscCall(KGNNNodeModelFromName("ElimOrder", &M.node_model));
  M.depth = 2, M.hidden = 16, M.jacobi = PETSC_TRUE;
  PetscCall(KGNNModelSetUp(&M));
  PetscCall(KGNNModelInitIC0(&M, &r, floor_, 1.0, shift, damp, posdamp));
  PetscCall(KGNNModelTensors(&M, &nt, &X));
  for (PetscInt k = 0; k < nt; k++)
    for (PetscInt i = 0; i < X[k].size; i++) nonzero += X[k].data[i] != 0;
  PetscCall(PetscFree(X));
  /* the IC(0) paths set at most a few dozen weights: the rest must be the random free channels */
  CHECK(nonzero > 1000, "-init_ic0: only %d nonzero weights; the free channels are not random", (int)nonzero);
  PetscCall(KGNNModelSave(&M, path, NULL, NULL));
  PetscCall(KGNNModelDestroy(&M));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  PetscInt     n = 200;
  PetscScalar *d, *e;
  PetscRandom  rnd;
  Mat          A;
  char         p0[PETSC_MAX_PATH_LEN], p1[PETSC_MAX_PATH_LEN], p2[PETSC_MAX_PATH_LEN], p3[PETSC_MAX_PATH_LEN];
  Net          nets[5] = {{"tests/fixtures/gnn_elim_ic0.h5", "hand-set ElimOrder", PETSC_FALSE, 0, 0, 0}, {p0, "-init_ic0 ElimOrder", PETSC_TRUE, 0, 0, 0}, {p1, "-init_ic0 -init_ic0_shift 0.2 ElimOrder", PETSC_TRUE, 0.2, 0, 0}, {p2, "-init_ic0 -init_ic0_damp 0.3 ElimOrder", PETSC_TRUE, 0, 0.3, 0}, {p3, "-init_ic0 -init_ic0_posdamp 0.4 ElimOrder", PETSC_TRUE, 0, 0, 0.4}};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  PetscCall(PetscSNPrintf(p0, sizeof(p0), "build/tests/elim_init_ic0_%d.h5", (int)getpid()));
  PetscCall(PetscSNPrintf(p1, sizeof(p1), "build/tests/elim_init_ic0_shift_%d.h5", (int)getpid()));
  PetscCall(PetscSNPrintf(p2, sizeof(p2), "build/tests/elim_init_ic0_damp_%d.h5", (int)getpid()));
  PetscCall(PetscSNPrintf(p3, sizeof(p3), "build/tests/elim_init_ic0_posdamp_%d.h5", (int)getpid()));
  PetscCall(InitIC0(p0, 1e-4, 0, 0, 0));
  PetscCall(InitIC0(p1, 1e-4, 0.2, 0, 0));
  PetscCall(InitIC0(p2, 1e-4, 0, 0.3, 0));
  PetscCall(InitIC0(p3, 1e-4, 0, 0, 0.4));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetSeed(rnd, 12));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(PetscMalloc2(n, &d, n, &e));
  for (PetscInt i = 0; i < n; i++) { /* the fixtures' tridiagonal family: d in [2.5, 3.5], e in [-1, 1] */
    PetscReal r;
    PetscCall(PetscRandomGetValueReal(rnd, &r));
    d[i] = 2.5 + r;
    PetscCall(PetscRandomGetValueReal(rnd, &r));
    e[i] = 2 * r - 1;
  }
  PetscCall(TestTridiag(n, d, e, &A));
  for (int k = 0; k < 5; k++) PetscCall(Check("tridiagonal", A, k < 2, &nets[k]));
  PetscCall(MatDestroy(&A));
  PetscCall(PetscFree2(d, e));
  PetscCall(TestPoisson2D(PETSC_COMM_SELF, 20, &A));
  for (int k = 0; k < 5; k++) PetscCall(Check("poisson 20x20", A, PETSC_FALSE, &nets[k]));
  PetscCall(MatDestroy(&A));
  PetscCall(TestRandomSPD(300, 8, rnd, &A));
  for (int k = 0; k < 5; k++) PetscCall(Check("random SPD n=300", A, PETSC_FALSE, &nets[k]));
  PetscCall(MatDestroy(&A));
  PetscCall(PetscRandomDestroy(&rnd));
  unlink(p0), unlink(p1), unlink(p2), unlink(p3);
  TEST_END();
}
