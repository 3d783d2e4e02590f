/* -ksp_pc_side symmetric with PCKOPT, PCGNN (the network's factor, the IC(0) and the Jacobi
   fallback) and KGNNPCSetFactor's shell: the halves are L^-1 (left) and L^-T (right), so right(left(x)) must equal the whole
   apply (L L^T)^-1 x. The two go through different arithmetic (the unit form W D^-1 W^T against
   two solves with L itself); each triangular solve has a normwise relative error of at most
   about n u cond(L) (Higham, Thm 8.5), so two of them on each side differ by at most
   4 n u cond(L)^2 relative, cond(L)^2 = cond(L^T L) from LAPACK's eigenvalues. Then GMRES with
   the symmetric side (PETSc's CG takes the left side only) converges, to the same solution as
   with the left side within what the two residual tolerances allow: each error is at most
   rtol cond(B A) ||x|| with B = (L L^T)^-1 (or its halves), and cond(B A) <= cond(L^T L) cond(A),
   so ||x_s - x_l|| <= 2 rtol cond(L^T L) cond(A) ||x||, cond(A) from LAPACK's eigenvalues. */
#include "testutil.h"

static PetscErrorCode CondLtL(Mat L, PetscReal *cond)
{
  PetscInt     n;
  PetscScalar *Ld, *G;
  PetscReal   *w;

  PetscFunctionBegin;
  PetscCall(MatGetSize(L, &n, NULL));
  PetscCall(TestDense(L, &Ld));
  PetscCall(PetscCalloc1((size_t)n * n, &G));
  PetscCall(PetscMalloc1(n, &w));
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt k = 0; k < n; k++) G[i + j * n] += Ld[k + i * n] * Ld[k + j * n];
  PetscCall(TestEigenvalues(n, G, w));
  *cond = w[n - 1] / w[0];
  PetscCall(PetscFree(w));
  PetscCall(PetscFree(G));
  PetscCall(PetscFree(Ld));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Solve(Mat A, PC pc, PCSide side, Vec b, Vec x, KSPConvergedReason *reason)
{
  KSP ksp;

  PetscFunctionBegin;
  PetscCall(KSPCreate(PETSC_COMM_SELF, &ksp));
  PetscCall(KSPSetOperators(ksp, A, A));
  PetscCall(KSPSetPC(ksp, pc));
  PetscCall(KSPSetType(ksp, KSPGMRES));
  PetscCall(KSPGMRESSetRestart(ksp, 200));
  PetscCall(KSPSetPCSide(ksp, side));
  PetscCall(KSPSetTolerances(ksp, 1e-10, PETSC_DEFAULT, PETSC_DEFAULT, 2000));
  PetscCall(KSPSolve(ksp, b, x));
  PetscCall(KSPGetConvergedReason(ksp, reason));
  PetscCall(KSPDestroy(&ksp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* |right(left(x)) - apply(x)| / |apply(x)| for a random x, and its bound 4 n u cond(L^T L) */
static PetscErrorCode Halves(PC pc, Mat A, Mat L, PetscReal *rel, PetscReal *tol, PetscReal *cond)
{
  Vec         x, y, z, t;
  PetscInt    n;
  PetscReal   e, ny;
  PetscRandom rnd;

  PetscFunctionBegin;
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(CondLtL(L, cond));
  PetscCall(MatCreateVecs(A, &x, &y));
  PetscCall(VecDuplicate(x, &z));
  PetscCall(VecDuplicate(x, &t));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(VecSetRandom(x, rnd));
  PetscCall(PCApply(pc, x, y));
  PetscCall(PCApplySymmetricLeft(pc, x, t));
  PetscCall(PCApplySymmetricRight(pc, t, z));
  PetscCall(VecAXPY(z, -1.0, y));
  PetscCall(VecNorm(z, NORM_2, &e));
  PetscCall(VecNorm(y, NORM_2, &ny));
  *rel = e / ny;
  *tol = 4 * n * PETSC_MACHINE_EPSILON * *cond;
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&y));
  PetscCall(VecDestroy(&z));
  PetscCall(VecDestroy(&t));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Check(const char *name, Mat A, const char *type, PCGNNFallback fb)
{
  PC                 pc;
  Mat                L;
  Vec                b, xl, xs;
  PetscInt           n;
  PetscReal          cond = 0, condA, e, tol, dx, nx, *w;
  PetscScalar       *Ad;
  KSPConvergedReason rl, rs;
  PCGNNFactorSource  src = PCGNN_FACTOR_NONE;

  PetscFunctionBegin;
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(PCCreate(PETSC_COMM_SELF, &pc));
  PetscCall(PCSetType(pc, type));
  PetscCall(PCSetOperators(pc, A, A));
  if (!strcmp(type, PCGNN)) {
    PetscCall(PCGNNSetFallback(pc, fb));
    if (fb != PCGNN_FALLBACK_NONE) PetscCall(PCGNNSetModel(pc, "tests/fixtures/gnn_zero.h5")); /* always falls back */
  }
  PetscCall(PCSetUp(pc));
  if (!strcmp(type, PCGNN)) {
    PetscCall(PCGNNGetFactorSource(pc, &src, NULL));
    PetscCall(PCGNNGetFactor(pc, &L));
  } else PetscCall(PCKOPTGetFactor(pc, &L));
  PetscCall(Halves(pc, A, L, &e, &tol, &cond));
  CHECK(e <= tol, "%s %s%s%s: right(left(x)) differs from the apply by %.3e relative (bound %.3e)", name, type, src != PCGNN_FACTOR_NONE ? " " : "", src != PCGNN_FACTOR_NONE ? PCGNNFactorSources[src] : "", (double)e, (double)tol);

  /* GMRES, symmetric against left */
  PetscCall(TestDense(A, &Ad));
  PetscCall(PetscMalloc1(n, &w));
  PetscCall(TestEigenvalues(n, Ad, w));
  condA = w[n - 1] / w[0] * cond;
  PetscCall(MatCreateVecs(A, &b, &xl));
  PetscCall(VecDuplicate(b, &xs));
  PetscCall(VecSet(b, 1.0));
  PetscCall(Solve(A, pc, PC_LEFT, b, xl, &rl));
  PetscCall(Solve(A, pc, PC_SYMMETRIC, b, xs, &rs));
  CHECK(rl > 0 && rs > 0, "%s %s: GMRES left %s, symmetric %s", name, type, KSPConvergedReasons[rl], KSPConvergedReasons[rs]);
  PetscCall(VecNorm(xl, NORM_2, &nx));
  PetscCall(VecAXPY(xs, -1.0, xl));
  PetscCall(VecNorm(xs, NORM_2, &dx));
  CHECK(dx <= 2e-10 * condA * nx, "%s %s: symmetric and left GMRES solutions differ by %.3e relative (bound %.3e)", name, type, (double)(dx / nx), (double)(2e-10 * condA));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%-10s %-4s %-7s halves vs apply %.2e (bound %.2e), GMRES symmetric vs left %.2e (bound %.2e)\n", name, type, src != PCGNN_FACTOR_NONE ? PCGNNFactorSources[src] : "", (double)e, (double)tol, (double)(dx / nx),
                        (double)(2e-10 * condA)));

  PetscCall(PetscFree(w));
  PetscCall(PetscFree(Ad));
  PetscCall(VecDestroy(&b));
  PetscCall(VecDestroy(&xl));
  PetscCall(VecDestroy(&xs));
  PetscCall(MatDestroy(&L));
  PetscCall(PCDestroy(&pc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* KGNNPCSetFactor's shell: the same halves */
static PetscErrorCode CheckShell(const char *name, Mat A)
{
  PC        kopt, pc;
  Mat       L;
  PetscReal cond, e, tol;

  PetscFunctionBegin;
  PetscCall(PCCreate(PETSC_COMM_SELF, &kopt));
  PetscCall(PCSetType(kopt, PCKOPT));
  PetscCall(PCSetOperators(kopt, A, A));
  PetscCall(PCSetUp(kopt));
  PetscCall(PCKOPTGetFactor(kopt, &L));
  PetscCall(PCCreate(PETSC_COMM_SELF, &pc));
  PetscCall(KGNNPCSetFactor(pc, L));
  PetscCall(PCSetOperators(pc, A, A));
  PetscCall(Halves(pc, A, L, &e, &tol, &cond));
  CHECK(e <= tol, "%s KGNNPCSetFactor: right(left(x)) differs from the apply by %.3e relative (bound %.3e)", name, (double)e, (double)tol);
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%-10s shell        halves vs apply %.2e (bound %.2e)\n", name, (double)e, (double)tol));
  PetscCall(MatDestroy(&L));
  PetscCall(PCDestroy(&pc));
  PetscCall(PCDestroy(&kopt));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  Mat A;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  PetscCall(TestPoisson2D(PETSC_COMM_SELF, 10, &A));
  PetscCall(Check("poisson", A, PCKOPT, PCGNN_FALLBACK_NONE));
  PetscCall(Check("poisson", A, PCGNN, PCGNN_FALLBACK_NONE)); /* the shipped model's own factor */
  PetscCall(Check("poisson", A, PCGNN, PCGNN_FALLBACK_IC0));
  PetscCall(Check("poisson", A, PCGNN, PCGNN_FALLBACK_JACOBI));
  PetscCall(MatDestroy(&A));
  PetscCall(KGNNMatLoad(PETSC_COMM_SELF, "../shared/matrices/suitesparse/nos4.mtx", &A));
  PetscCall(Check("nos4", A, PCKOPT, PCGNN_FALLBACK_NONE));
  PetscCall(Check("nos4", A, PCGNN, PCGNN_FALLBACK_NONE));
  PetscCall(Check("nos4", A, PCGNN, PCGNN_FALLBACK_IC0));
  PetscCall(MatDestroy(&A));
  PetscCall(KGNNMatLoad(PETSC_COMM_SELF, "../shared/matrices/suitesparse/bcsstk01.mtx", &A));
  PetscCall(Check("bcsstk01", A, PCKOPT, PCGNN_FALLBACK_NONE));
  PetscCall(Check("bcsstk01", A, PCGNN, PCGNN_FALLBACK_JACOBI));
  PetscCall(CheckShell("bcsstk01", A));
  PetscCall(MatDestroy(&A));
  TEST_END();
}
