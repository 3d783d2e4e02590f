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
   measured relative change of IC(0) per relative change of A's entries. */
#include "testutil.h"

static PetscErrorCode IC0Fn(Mat A, void *ctx, Mat *L)
{
  PetscInt fail;

  PetscFunctionBegin;
  PetscCall(KGNNComputeIC0(A, L, &fail));
  PetscCheck(fail < 0, PETSC_COMM_SELF, PETSC_ERR_CONV_FAILED, "IC(0) broke down at row %d", (int)fail);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Check(const char *name, Mat A, PetscBool exact)
{
  PC                 gnn, icc;
  Mat                Lg, L0;
  PCGNNFactorSource  src;
  PetscInt           n, rowmax = 0, its1, its2;
  PetscScalar       *Dg, *D0;
  PetscReal          smax = 0, kmax = 0, kfro = 0, tol, err, ratio, b1, b2;
  KSPConvergedReason r1, r2;
  PetscBool          m1, m2;

  PetscFunctionBegin;
  PetscCall(MatGetSize(A, &n, NULL));
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
  PetscCall(PCGNNSetModel(gnn, "tests/fixtures/gnn_elim_ic0.h5"));
  PetscCall(PCGNNSetFallback(gnn, PCGNN_FALLBACK_NONE));
  PetscCall(PCSetOperators(gnn, A, A));
  PetscCall(PCSetUp(gnn));
  PetscCall(PCGNNGetFactorSource(gnn, &src, &ratio));
  CHECK(src == PCGNN_FACTOR_NETWORK, "%s: PCGNN applies the %s factor, not the network's", name, PCGNNFactorSources[src]);
  PetscCall(PCGNNGetFactor(gnn, &Lg));
  PetscCall(TestDense(Lg, &Dg));
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
    PetscCall(IC0Fn(A, NULL, &L0));
    PetscCall(TestDense(L0, &D0));
    PetscCall(MatDestroy(&L0));
  }
  PetscCall(TestFactorKappa(A, IC0Fn, NULL, &kmax, &kfro));
  tol = 10 * kmax * TestGamma(rowmax + 8);
  err = TestRelDiff(n, Dg, D0);
  CHECK(err <= tol, "%s: |sqrt(s) L_gnn - %s| / |%s| = %.3e > %.3e", name, exact ? "chol(A)" : "IC0(A)", exact ? "chol(A)" : "IC0(A)", (double)err, (double)tol);
  /* CG: PCGNN against PETSc's PCICC without shift */
  PetscCall(PCCreate(PETSC_COMM_SELF, &icc));
  PetscCall(PCSetType(icc, PCICC));
  PetscCall(PCFactorSetShiftType(icc, MAT_SHIFT_NONE));
  PetscCall(PCSetOperators(icc, A, A));
  PetscCall(TestCGMargin(A, icc, NULL, &its1, &r1, &m1, &b1));
  PetscCall(TestCGMargin(A, gnn, NULL, &its2, &r2, &m2, &b2));
  CHECK(r1 > 0 && r2 > 0 && PetscAbsInt(its1 - its2) <= (m1 || m2 ? 1 : 0), "%s: CG iterations differ: PCICC %d, PCGNN (hand-set ElimOrder) %d", name, (int)its1, (int)its2);
  if (exact) CHECK(its2 == 1 || (m2 && its2 == 2), "%s: CG with the exact factor took %d iterations", name, (int)its2);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s (n = %d): hand-set ElimOrder vs %s: %.2e relative (tolerance %.2e, kappa %.2e); K ratio to Jacobi %.3g; CG iterations PCICC %d, PCGNN %d\n", name, (int)n, exact ? "LAPACK Cholesky" : "IC(0)", (double)err, (double)tol,
                        (double)kmax, (double)ratio, (int)its1, (int)its2));
  PetscCall(PetscFree(Dg));
  PetscCall(PetscFree(D0));
  PetscCall(MatDestroy(&Lg));
  PetscCall(PCDestroy(&gnn));
  PetscCall(PCDestroy(&icc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  PetscInt     n = 200;
  PetscScalar *d, *e;
  PetscRandom  rnd;
  Mat          A;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
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
  PetscCall(Check("tridiagonal", A, PETSC_TRUE));
  PetscCall(MatDestroy(&A));
  PetscCall(PetscFree2(d, e));
  PetscCall(TestPoisson2D(PETSC_COMM_SELF, 20, &A));
  PetscCall(Check("poisson 20x20", A, PETSC_FALSE));
  PetscCall(MatDestroy(&A));
  PetscCall(TestRandomSPD(300, 8, rnd, &A));
  PetscCall(Check("random SPD n=300", A, PETSC_FALSE));
  PetscCall(MatDestroy(&A));
  PetscCall(PetscRandomDestroy(&rnd));
  TEST_END();
}
