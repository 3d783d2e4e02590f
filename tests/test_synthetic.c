/* The synthetic benchmark (Sec. 5.1, Eq. 8) against LAPACK and against the paper's analysis:
   the closed-form bidiagonal L is the inverse of the rank-1 semiseparable u_i v_j (LAPACK gesv
   of the dense lower triangle) and L^-1 from LAPACK trtrs is u_i v_j to round-off; A = L L^T;
   L^m = chol(A + e1 e1^T) from the tridiagonal recurrence equals LAPACK's potrf; the K-optimal
   factor of A^m (PCKOPT, both inverse paths) is L^m, for 20 generated samples too; and the
   non-locality of Sec. 2.1: a change of A_11 moves L_nn of the Theorem 2.1 matrix (analytic
   factors, n = 1000) by more than 1e-3 relative, while for the 1D Laplacian it has decayed below
   that.
   Tolerances, derived (gamma_K = K u / (1 - K u), the bound of a K-term sum; F = 10 and kappa,
   the measured relative sensitivity, as in tests/testutil.h, TestFactorKappa):
   - gesv: LU is backward stable with n-term sums; X moves by kappa_G gamma_n, kappa_G measured by
     solving again with G's entries times 1 + delta0 r: F kappa_G gamma_n.
   - trtrs on a bidiagonal L: entry (i, j) of L^-1 comes from i - j steps x_i = -e x_(i-1) / d_i,
     the other terms of each sum exact zeros, so at most 3 roundings a step (product, reciprocal,
     product) and no cancellation: gamma_(3n + 1) relative per entry, the 1 for u_i v_j itself.
   - L L^T: each entry is d_j^2 + e_(j-1)^2 or d_j e_j, positive terms, on both sides: 2 gamma_2.
   - chol(A^m) two ways: both exact for A^m + dA, |dA| <= gamma_3 |L| |L^T| = gamma_3 |A^m| (two
     terms and a square root a step): F kappa gamma_3.
   - the K-optimal factor of A^m: F kappa gamma_(n + 4), as for every K-optimal comparison.
   The 1e-3 of the non-locality check is no round-off tolerance: it separates a change of
   1e3 relative (the Theorem 2.1 matrix) from one that has decayed to 2.5e-7 (the 1D Laplacian); the
   recurrence's own round-off, gamma_(3n) ~ 3e-13, is far below both. */
#include "testutil.h"

#define N 128

/* dense column-major lower-bidiagonal matrix */
static void DenseBidiag(PetscInt n, const PetscReal *d, const PetscReal *e, PetscScalar *Ld)
{
  for (PetscInt k = 0; k < n * n; k++) Ld[k] = 0;
  for (PetscInt j = 0; j < n; j++) {
    Ld[j + j * n] = d[j];
    if (j + 1 < n) Ld[j + 1 + j * n] = e[j];
  }
}

int main(int argc, char **argv)
{
  PetscReal    u[N], v[N], d[N], e[N], ad[N], ae[N], dm[N], em[N];
  PetscScalar *G, *X, *Ld, *Lm, *Dm;
  PetscBLASInt bn = N, one = N, info, ipiv[N];
  PetscRandom  rnd;
  PetscInt     fail, n = N;
  Mat          Am, Lk;
  PetscReal    kappa = 0, kfro = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, 0.5, 1.5)); /* away from zero: L well conditioned */
  PetscCall(PetscRandomSetSeed(rnd, 11));
  PetscCall(PetscRandomSeed(rnd));
  for (PetscInt i = 0; i < n; i++) {
    PetscCall(PetscRandomGetValueReal(rnd, &u[i]));
    PetscCall(PetscRandomGetValueReal(rnd, &v[i]));
  }
  PetscCall(PetscCalloc4(n * n, &G, n * n, &X, n * n, &Ld, n * n, &Lm));
  PetscCall(KGNNSemiseparableBidiagonal(n, u, v, d, e));
  DenseBidiag(n, d, e, Ld);

  /* L = (u_i v_j)_{i>=j}^-1 by LAPACK LU, and again with G perturbed for kappa_G */
  for (int pass = 0; pass < 2; pass++) {
    const PetscReal delta0 = 1e-10;
    uint64_t        r      = 0x9E3779B97F4A7C15ULL;
    PetscScalar    *Xt     = pass ? Lm : X;
    for (PetscInt k = 0; k < n * n; k++) G[k] = Xt[k] = 0;
    for (PetscInt j = 0; j < n; j++)
      for (PetscInt i = j; i < n; i++) {
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        G[i + j * n] = u[i] * v[j] * (pass ? 1 + ((r >> 11) & 1 ? delta0 : -delta0) : 1);
      }
    for (PetscInt i = 0; i < n; i++) Xt[i + i * n] = 1.0;
    PetscCallBLAS("LAPACKgesv", LAPACKgesv_(&bn, &one, G, &bn, ipiv, Xt, &bn, &info));
    CHECK(info == 0, "gesv failed: %d", (int)info);
    if (pass) {
      const PetscReal tol = 10 * (TestRelDiff(n, Lm, X) / delta0) * TestGamma(n);
      CHECK(TestRelDiff(n, Ld, X) <= tol, "closed-form L differs from the LAPACK inverse of u_i v_j by %.3e > %.3e", (double)TestRelDiff(n, Ld, X), (double)tol);
    }
  }

  /* L^-1 by LAPACK triangular solve: rank-1 semiseparable, u_i v_j below the diagonal, 0 above */
  for (PetscInt k = 0; k < n * n; k++) X[k] = 0;
  for (PetscInt i = 0; i < n; i++) X[i + i * n] = 1.0;
  PetscCallBLAS("LAPACKtrtrs", LAPACKtrtrs_("L", "N", "N", &bn, &one, Ld, &bn, X, &bn, &info));
  {
    PetscReal err = 0;
    for (PetscInt j = 0; j < n; j++)
      for (PetscInt i = 0; i < n; i++) err = PetscMax(err, PetscAbsScalar(X[i + j * n] - (i >= j ? u[i] * v[j] : 0.0)) / (u[i] * v[j]));
    CHECK(err <= TestGamma(3 * n + 1), "L^-1 is not u_i v_j to round-off: relative error %.3e > %.3e", (double)err, (double)TestGamma(3 * n + 1));
  }

  /* A = L L^T */
  KGNNTridiagFromBidiagonal(n, d, e, ad, ae);
  {
    PetscReal err = 0, amax = 0;
    for (PetscInt j = 0; j < n; j++)
      for (PetscInt i = j; i < n && i <= j + 1; i++) {
        PetscScalar s = 0;
        for (PetscInt k = 0; k <= j; k++) s += Ld[i + k * n] * Ld[j + k * n];
        err  = PetscMax(err, PetscAbsScalar(s - (i == j ? ad[j] : ae[j])));
        amax = PetscMax(amax, PetscAbsScalar(s));
      }
    CHECK(err <= 2 * TestGamma(2) * amax, "A = L L^T off by %.3e > %.3e", (double)(err / amax), (double)(2 * TestGamma(2)));
  }

  /* Eq. 8: A^m = A + e1 e1^T, L^m from the tridiagonal recurrence vs LAPACK potrf */
  ad[0] += 1.0;
  KGNNTridiagCholesky(n, ad, ae, dm, em, &fail);
  CHECK(fail < 0, "tridiagonal Cholesky of A^m failed at row %d", (int)fail);
  DenseBidiag(n, dm, em, Lm);
  PetscCall(TestTridiag(n, ad, ae, &Am));
  {
    KGNNInverseMethod dense = KGNN_INVERSE_DENSE;
    PetscCall(TestFactorKappa(Am, TestKoptFactorFn, &dense, &kappa, &kfro)); /* of chol(A^m): the K-optimal factor is it */
  }
  PetscCall(TestDense(Am, &Dm));
  PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("L", &bn, Dm, &bn, &info));
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt i = 0; i < j; i++) Dm[i + j * n] = 0;
  CHECK(info == 0 && TestRelDiff(n, Lm, Dm) <= 10 * kappa * TestGamma(3), "L^m differs from LAPACK's Cholesky of A^m by %.3e > %.3e", (double)TestRelDiff(n, Lm, Dm), (double)(10 * kappa * TestGamma(3)));

  /* the K-optimal factor of a tridiagonal matrix is its Cholesky factor */
  for (int m = KGNN_INVERSE_DENSE; m <= KGNN_INVERSE_MUMPS; m++) {
    PetscScalar    *Kd;
    const PetscReal tol = 10 * kappa * TestGamma(n + 4);
    PetscCall(TestKoptFactor(Am, (KGNNInverseMethod)m, &Lk));
    PetscCall(TestDense(Lk, &Kd));
    CHECK(TestRelDiff(n, Kd, Lm) <= tol, "K-optimal factor of A^m (%s) differs from L^m by %.3e > %.3e", KGNNInverseMethods[m], (double)TestRelDiff(n, Kd, Lm), (double)tol);
    PetscCall(PetscFree(Kd));
    PetscCall(MatDestroy(&Lk));
  }
  PetscCall(MatDestroy(&Am));
  PetscCall(PetscFree(Dm));

  /* non-locality (Sec. 2.1, Figure 1) at n = 1000 */
  {
    const PetscInt nn = 1000;
    PetscReal     *a, *b, *dd, *ee, rel_lap, rel_thm, lnn;
    PetscCall(PetscMalloc4(nn, &a, nn, &b, nn, &dd, nn, &ee));
    /* 1D Laplacian, floating-point Cholesky before and after A_11 += 1 */
    for (PetscInt i = 0; i < nn; i++) a[i] = 2.0, b[i] = -1.0;
    KGNNTridiagCholesky(nn, a, b, dd, ee, &fail);
    lnn = dd[nn - 1];
    a[0] += 1.0;
    KGNNTridiagCholesky(nn, a, b, dd, ee, &fail);
    rel_lap = PetscAbsReal(dd[nn - 1] - lnn) / lnn;
    /* Theorem 2.1: L_nn = 1/n analytically; L' from the recurrence of the proof (the Cholesky
       recurrence of A' = A + e1 e1^T, A_11 = 1, A_ii = 1 + 1/i^2, A_i+1,i = 1/i) */
    a[0] = 2.0;
    for (PetscInt i = 1; i < nn; i++) a[i] = 1.0 + 1.0 / ((PetscReal)(i + 1) * (i + 1));
    for (PetscInt i = 0; i + 1 < nn; i++) b[i] = 1.0 / (PetscReal)(i + 1);
    KGNNTridiagCholesky(nn, a, b, dd, ee, &fail);
    CHECK(fail < 0, "Theorem 2.1 recurrence broke down at %d", (int)fail);
    rel_thm = PetscAbsReal(dd[nn - 1] - 1.0 / nn) / (1.0 / nn);
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "A_11 += 1 moves L_nn (n = 1000) by %.3e relative for the 1D Laplacian, by %.3e for the Theorem 2.1 matrix\n", (double)rel_lap, (double)rel_thm));
    CHECK(rel_thm > 1e-3, "Theorem 2.1: L_nn moved only %.3e", (double)rel_thm);
    CHECK(rel_lap < 1e-3, "1D Laplacian: L_nn moved %.3e, expected the change to have decayed", (double)rel_lap);
    PetscCall(PetscFree4(a, b, dd, ee));
  }
  /* every sample of a generated set: the K-optimal factor of A^m is the stored target L^m */
  for (int k = 0; k < 20; k++) {
    KGNNSample        s, t;
    Mat               A, L;
    PetscReal         err = 0, ymax = 0, ks = 0, ksf = 0, tol;
    KGNNInverseMethod meth = k % 2 ? KGNN_INVERSE_MUMPS : KGNN_INVERSE_DENSE;
    PetscCall(KGNNSyntheticSample(40, 0.5, 1.5, rnd, &s));
    PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, s.n, s.n, 3, NULL, &A));
    for (PetscInt e = 0; e < s.nnz; e++) PetscCall(MatSetValue(A, s.row[e], s.col[e], s.a[e], INSERT_VALUES));
    PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
    PetscCall(TestKoptFactor(A, meth, &L));
    PetscCall(TestFactorKappa(A, TestKoptFactorFn, &meth, &ks, &ksf));
    tol = 10 * ks * TestGamma(s.n + 4);
    PetscCall(KGNNSampleFromFactor(A, L, &t));
    for (PetscInt e = 0; e < s.nnz; e++) {
      err  = PetscMax(err, PetscAbsReal(t.y[e] - s.y[e]));
      ymax = PetscMax(ymax, PetscAbsReal(s.y[e]));
    }
    CHECK(t.nnz == s.nnz && err <= tol * ymax, "synthetic sample %d: K-optimal factor differs from L^m by %.3e > %.3e", k, (double)(err / ymax), (double)tol);
    PetscCall(KGNNSampleDestroy(&s));
    PetscCall(KGNNSampleDestroy(&t));
    PetscCall(MatDestroy(&L));
    PetscCall(MatDestroy(&A));
  }
  PetscCall(PetscFree4(G, X, Ld, Lm));
  PetscCall(PetscRandomDestroy(&rnd));
  TEST_END();
}
