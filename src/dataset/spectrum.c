/* Spectra of the preconditioned operator L^-1 A L^-T (dataset attributes, kgnn-bench --spectrum):
   the extreme eigenvalues by SLEPc. The largest: Krylov-Schur on the operator itself. The
   smallest: 1 / the largest eigenvalue of its inverse L^T A^-1 L, with A^-1 applied by a direct
   Cholesky solve, since Krylov-Schur converges slowly at the small end of a clustered spectrum. */
#include "../kgnn_impl.h"
#include "dataset.h"
#include <slepceps.h>

typedef struct {
  Mat          A;
  KGNNLower    L;
  KSP          direct; /* A^-1, for the inverse operator */
  Vec          t;
  PetscScalar *w;
} Spectrum;

/* y = L^-1 A L^-T x */
static PetscErrorCode OperatorMult(Mat M, Vec x, Vec y)
{
  Spectrum          *sp;
  const PetscScalar *xa;
  PetscScalar       *ta, *ya;

  PetscFunctionBegin;
  PetscCall(MatShellGetContext(M, &sp));
  PetscCall(VecGetArrayRead(x, &xa));
  PetscCall(VecGetArrayWrite(sp->t, &ta));
  KGNNTriSolveUpper(&sp->L, xa, ta);
  PetscCall(VecRestoreArrayRead(x, &xa));
  PetscCall(VecRestoreArrayWrite(sp->t, &ta));
  PetscCall(MatMult(sp->A, sp->t, y));
  PetscCall(VecGetArray(y, &ya));
  KGNNTriSolveLower(&sp->L, ya, ya);
  PetscCall(VecRestoreArray(y, &ya));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* y = L^T A^-1 L x */
static PetscErrorCode InverseMult(Mat M, Vec x, Vec y)
{
  Spectrum          *sp;
  const PetscScalar *xa;
  PetscScalar       *ta, *ya;
  PetscInt           n;

  PetscFunctionBegin;
  PetscCall(MatShellGetContext(M, &sp));
  n = sp->L.n;
  PetscCall(VecGetArrayRead(x, &xa));
  PetscCall(VecGetArrayWrite(sp->t, &ta));
  for (PetscInt i = 0; i < n; i++) ta[i] = 0;
  for (PetscInt j = 0; j < n; j++) /* t = L x, column by column */
    for (PetscInt p = sp->L.colptr[j]; p < sp->L.colptr[j + 1]; p++) ta[sp->L.rowidx[p]] += sp->L.val[p] * xa[j];
  PetscCall(VecRestoreArrayRead(x, &xa));
  PetscCall(VecRestoreArrayWrite(sp->t, &ta));
  PetscCall(KSPSolve(sp->direct, sp->t, y));
  PetscCall(VecCopy(y, sp->t));
  PetscCall(VecGetArrayRead(sp->t, &xa));
  PetscCall(VecGetArrayWrite(y, &ya));
  for (PetscInt j = 0; j < n; j++) { /* y = L^T t: row j of L^T = column j of L */
    PetscScalar s = 0;
    for (PetscInt p = sp->L.colptr[j]; p < sp->L.colptr[j + 1]; p++) s += sp->L.val[p] * xa[sp->L.rowidx[p]];
    ya[j] = s;
  }
  PetscCall(VecRestoreArrayRead(sp->t, &xa));
  PetscCall(VecRestoreArrayWrite(y, &ya));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode LargestEigenvalue(Mat M, PetscReal *lmax)
{
  EPS         eps;
  PetscInt    nconv;
  PetscScalar kr, ki;

  PetscFunctionBegin;
  PetscCall(EPSCreate(PETSC_COMM_SELF, &eps));
  PetscCall(EPSSetOperators(eps, M, NULL));
  PetscCall(EPSSetProblemType(eps, EPS_HEP));
  PetscCall(EPSSetType(eps, EPSKRYLOVSCHUR));
  PetscCall(EPSSetWhichEigenpairs(eps, EPS_LARGEST_REAL));
  PetscCall(EPSSetTolerances(eps, 1e-12, 10000));
  PetscCall(EPSSetOptionsPrefix(eps, "kgnn_spectrum_"));
  PetscCall(EPSSetFromOptions(eps));
  PetscCall(EPSSolve(eps));
  PetscCall(EPSGetConverged(eps, &nconv));
  PetscCheck(nconv > 0, PETSC_COMM_SELF, PETSC_ERR_CONV_FAILED, "SLEPc found no eigenvalue of the preconditioned operator");
  PetscCall(EPSGetEigenvalue(eps, 0, &kr, &ki));
  *lmax = PetscRealPart(kr);
  PetscCall(EPSDestroy(&eps));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNFactorSpectrum(Mat A, Mat L, PetscReal *lmin, PetscReal *lmax)
{
  Spectrum  sp;
  Mat       M;
  PetscInt  n;
  PC        pc;
  PetscReal imax;

  PetscFunctionBegin;
  PetscCall(SlepcInitialize(NULL, NULL, NULL, NULL)); /* no-op when SLEPc is already up */
  PetscCall(PetscMemzero(&sp, sizeof(sp)));
  PetscCall(MatConvert(A, MATSEQAIJ, MAT_INITIAL_MATRIX, &sp.A));
  PetscCall(KGNNLowerFromMat(L, &sp.L));
  n = sp.L.n;
  PetscCall(MatCreateVecs(sp.A, &sp.t, NULL));
  PetscCall(MatCreateShell(PETSC_COMM_SELF, n, n, n, n, &sp, &M));
  PetscCall(MatShellSetOperation(M, MATOP_MULT, (void (*)(void))OperatorMult));
  PetscCall(LargestEigenvalue(M, lmax));
  PetscCall(MatDestroy(&M));
  PetscCall(KSPCreate(PETSC_COMM_SELF, &sp.direct));
  PetscCall(KSPSetOperators(sp.direct, sp.A, sp.A));
  PetscCall(KSPSetType(sp.direct, KSPPREONLY));
  PetscCall(KSPGetPC(sp.direct, &pc));
  PetscCall(PCSetType(pc, PCCHOLESKY));
#if defined(PETSC_HAVE_MUMPS)
  PetscCall(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS));
#endif
  PetscCall(MatCreateShell(PETSC_COMM_SELF, n, n, n, n, &sp, &M));
  PetscCall(MatShellSetOperation(M, MATOP_MULT, (void (*)(void))InverseMult));
  PetscCall(LargestEigenvalue(M, &imax));
  *lmin = 1.0 / imax;
  PetscCall(MatDestroy(&M));
  PetscCall(KSPDestroy(&sp.direct));
  PetscCall(VecDestroy(&sp.t));
  PetscCall(KGNNLowerDestroy(&sp.L));
  PetscCall(MatDestroy(&sp.A));
  PetscFunctionReturn(PETSC_SUCCESS);
}
