/* The synthetic benchmark (Sec. 5.1, Eq. 8) against LAPACK and against the paper's analysis:
   the closed-form bidiagonal L is the inverse of the rank-1 semiseparable u_i v_j (LAPACK gesv
   of the dense lower triangle) and L^-1 from LAPACK trtrs is u_i v_j to round-off; A = L L^T;
   L^m = chol(A + e1 e1^T) from the tridiagonal recurrence equals LAPACK's potrf; the K-optimal
   factor of A^m (PCKOPT, both inverse paths) is L^m, for 20 generated samples too; and the non-locality of Sec. 2.1: a change
   of A_11 moves L_nn of the Theorem 2.1 matrix (analytic factors, n = 1000) by more than 1e-3
   relative, while for the 1D Laplacian it has decayed below that. */
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

  /* L = (u_i v_j)_{i>=j}^-1 by LAPACK LU */
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt i = j; i < n; i++) G[i + j * n] = u[i] * v[j];
  for (PetscInt i = 0; i < n; i++) X[i + i * n] = 1.0;
  PetscCallBLAS("LAPACKgesv", LAPACKgesv_(&bn, &one, G, &bn, ipiv, X, &bn, &info));
  CHECK(info == 0, "gesv failed: %d", (int)info);
  CHECK(TestRelDiff(n, Ld, X) <= 1e-12, "closed-form L differs from the LAPACK inverse of u_i v_j by %.3e", (double)TestRelDiff(n, Ld, X));

  /* L^-1 by LAPACK triangular solve: rank-1 semiseparable, u_i v_j below the diagonal, 0 above */
  for (PetscInt k = 0; k < n * n; k++) X[k] = 0;
  for (PetscInt i = 0; i < n; i++) X[i + i * n] = 1.0;
  PetscCallBLAS("LAPACKtrtrs", LAPACKtrtrs_("L", "N", "N", &bn, &one, Ld, &bn, X, &bn, &info));
  {
    PetscReal err = 0;
    for (PetscInt j = 0; j < n; j++)
      for (PetscInt i = 0; i < n; i++) err = PetscMax(err, PetscAbsScalar(X[i + j * n] - (i >= j ? u[i] * v[j] : 0.0)) / (u[i] * v[j]));
    CHECK(err <= 1e-12, "L^-1 is not u_i v_j to round-off: relative error %.3e", (double)err);
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
    CHECK(err <= 1e-12 * amax, "A = L L^T off by %.3e", (double)(err / amax));
  }

  /* Eq. 8: A^m = A + e1 e1^T, L^m from the tridiagonal recurrence vs LAPACK potrf */
  ad[0] += 1.0;
  KGNNTridiagCholesky(n, ad, ae, dm, em, &fail);
  CHECK(fail < 0, "tridiagonal Cholesky of A^m failed at row %d", (int)fail);
  DenseBidiag(n, dm, em, Lm);
  PetscCall(TestTridiag(n, ad, ae, &Am));
  PetscCall(TestDense(Am, &Dm));
  PetscCallBLAS("LAPACKpotrf", LAPACKpotrf_("L", &bn, Dm, &bn, &info));
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt i = 0; i < j; i++) Dm[i + j * n] = 0;
  CHECK(info == 0 && TestRelDiff(n, Lm, Dm) <= 1e-12, "L^m differs from LAPACK's Cholesky of A^m by %.3e", (double)TestRelDiff(n, Lm, Dm));

  /* the K-optimal factor of a tridiagonal matrix is its Cholesky factor */
  for (int m = KGNN_INVERSE_DENSE; m <= KGNN_INVERSE_MUMPS; m++) {
    PetscScalar *Kd;
    PetscCall(TestKoptFactor(Am, (KGNNInverseMethod)m, &Lk));
    PetscCall(TestDense(Lk, &Kd));
    CHECK(TestRelDiff(n, Kd, Lm) <= 1e-10, "K-optimal factor of A^m (%s) differs from L^m by %.3e", KGNNInverseMethods[m], (double)TestRelDiff(n, Kd, Lm));
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
    KGNNSample s, t;
    Mat        A, L;
    PetscReal  err = 0, ymax = 0;
    PetscCall(KGNNSyntheticSample(40, 0.5, 1.5, rnd, &s));
    PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, s.n, s.n, 3, NULL, &A));
    for (PetscInt e = 0; e < s.nnz; e++) PetscCall(MatSetValue(A, s.row[e], s.col[e], s.a[e], INSERT_VALUES));
    PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
    PetscCall(TestKoptFactor(A, k % 2 ? KGNN_INVERSE_MUMPS : KGNN_INVERSE_DENSE, &L));
    PetscCall(KGNNSampleFromFactor(A, L, &t));
    for (PetscInt e = 0; e < s.nnz; e++) {
      err  = PetscMax(err, PetscAbsReal(t.y[e] - s.y[e]));
      ymax = PetscMax(ymax, PetscAbsReal(s.y[e]));
    }
    CHECK(t.nnz == s.nnz && err <= 1e-10 * ymax, "synthetic sample %d: K-optimal factor differs from L^m by %.3e", k, (double)(err / ymax));
    PetscCall(KGNNSampleDestroy(&s));
    PetscCall(KGNNSampleDestroy(&t));
    PetscCall(MatDestroy(&L));
    PetscCall(MatDestroy(&A));
  }
  PetscCall(PetscFree4(G, X, Ld, Lm));
  PetscCall(PetscRandomDestroy(&rnd));
  TEST_END();
}
