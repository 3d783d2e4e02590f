/* On a tridiagonal SPD matrix the pattern of tril(A) holds the exact Cholesky factor, so the
   K-optimal factor (K = 1) must equal it: compared with LAPACK's dense Cholesky, through both
   inverse paths. The Theorem 2.1 matrix (L_ii = 1/i, L_i,i-1 = 1) is also compared with its
   analytic factor; only n <= 8, its condition number passes 1e13 at n = 10. The tolerance is
   derived (tests/testutil.h, TestFactorKappa): F kappa gamma_(n+4) relative, kappa the measured
   sensitivity of L to a relative change of A's entries (0.5 to 15 for the others, 3e8
   for the Theorem 2.1 matrix at n = 8, where even LAPACK's own Cholesky misses the analytic
   factor by 2e-9), gamma_(n+4) the round-off of the inverse's n-term sums and of a column's
   four element-wise operations, F = 10. */
#include "testutil.h"

static PetscErrorCode CheckCholesky(const char *name, Mat A, const PetscScalar *Lexact)
{
  PetscInt     n;
  PetscScalar *D, *Ld;
  PetscBLASInt bn, info;
  Mat          L;
  PetscReal    kmax = 0, kfro = 0, tol;

  PetscFunctionBegin;
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(TestDense(A, &D));
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("L", &bn, D, &bn, &info));
  CHECK(info == 0, "%s: LAPACK Cholesky failed", name);
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt i = 0; i < j; i++) D[i + j * n] = 0.0;
  for (int m = KGNN_INVERSE_DENSE; m <= KGNN_INVERSE_MUMPS; m++) {
    PetscReal         e;
    KGNNInverseMethod meth = (KGNNInverseMethod)m;
    PetscCall(TestFactorKappa(A, TestKoptFactorFn, &meth, &kmax, &kfro));
    tol = 10 * kmax * TestGamma(n + 4);
    PetscCall(TestKoptFactor(A, meth, &L));
    PetscCall(TestDense(L, &Ld));
    e = TestRelDiff(n, Ld, D);
    PetscCall(PetscInfo(NULL, "%s (n=%d, %s): kappa %.2e, tolerance %.2e, differs by %.2e\n", name, (int)n, KGNNInverseMethods[m], (double)kmax, (double)tol, (double)e));
    CHECK(e <= tol, "%s (n=%d, %s): |L_kopt - chol(A)| / |chol(A)| = %.3e > %.1e", name, (int)n, KGNNInverseMethods[m], (double)e, (double)tol);
    if (Lexact) {
      e = TestRelDiff(n, Ld, Lexact);
      CHECK(e <= tol, "%s (n=%d, %s): |L_kopt - L_exact| / |L_exact| = %.3e > %.1e", name, (int)n, KGNNInverseMethods[m], (double)e, (double)tol);
    }
    PetscCall(PetscFree(Ld));
    PetscCall(MatDestroy(&L));
  }
  PetscCall(PetscFree(D));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  PetscScalar *d, *e, *Lx;
  PetscRandom  rnd;
  Mat          A;
  PetscInt     sizes[] = {1, 2, 10, 200};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetSeed(rnd, 42));
  PetscCall(PetscRandomSeed(rnd));
  for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
    PetscInt n = sizes[s];
    PetscCall(PetscMalloc2(n, &d, n, &e));
    /* 1D Laplacian */
    for (PetscInt i = 0; i < n; i++) d[i] = 2.0, e[i] = -1.0;
    PetscCall(TestTridiag(n, d, e, &A));
    PetscCall(CheckCholesky("1D Laplacian", A, NULL));
    PetscCall(MatDestroy(&A));
    /* random, diagonally dominant: well conditioned */
    for (PetscInt r = 0; r < 3; r++) {
      for (PetscInt i = 0; i < n; i++) {
        PetscReal u, v;
        PetscCall(PetscRandomGetValueReal(rnd, &u));
        PetscCall(PetscRandomGetValueReal(rnd, &v));
        d[i] = 2.5 + u;
        e[i] = 2.0 * v - 1.0;
      }
      PetscCall(TestTridiag(n, d, e, &A));
      PetscCall(CheckCholesky("random tridiagonal", A, NULL));
      PetscCall(MatDestroy(&A));
    }
    PetscCall(PetscFree2(d, e));
  }
  /* Theorem 2.1: A = L L^T with L_ii = 1/i, L_i,i-1 = 1 (1-based) */
  for (PetscInt n = 2; n <= 8; n++) {
    PetscCall(PetscMalloc2(n, &d, n, &e));
    PetscCall(PetscCalloc1(n * n, &Lx));
    for (PetscInt i = 0; i < n; i++) {
      PetscReal ii  = (PetscReal)(i + 1);
      d[i]          = (i == 0 ? 0.0 : 1.0) + 1.0 / (ii * ii);
      e[i]          = 1.0 / ii;
      Lx[i + i * n] = 1.0 / ii;
      if (i + 1 < n) Lx[i + 1 + i * n] = 1.0;
    }
    PetscCall(TestTridiag(n, d, e, &A));
    PetscCall(CheckCholesky("Theorem 2.1", A, Lx));
    PetscCall(MatDestroy(&A));
    PetscCall(PetscFree2(d, e));
    PetscCall(PetscFree(Lx));
  }
  PetscCall(PetscRandomDestroy(&rnd));
  TEST_END();
}
