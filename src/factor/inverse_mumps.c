/* Entries of A^-1 on a pattern from MUMPS' selected-entries inverse (Algorithm 1, line 1,
   without the dense inverse). MUMPS takes the requested pattern as a sparse right-hand side in
   column form; PETSc hands it over as the transpose (MATTRANSPOSEVIRTUAL) of a row-oriented
   SEQAIJ, whose CSR arrays are exactly P's CSC arrays. The values land in Pval in place. */
#include "../kgnn_impl.h"

PetscErrorCode KGNNInverseMumpsSymbolic(Mat A, const char prefix[], PetscInt n, PetscInt *Pptr, PetscInt *Pidx, PetscScalar *Pval, KGNNInverseMumps *M)
{
#if defined(PETSC_HAVE_MUMPS)
  IS            rperm, cperm;
  MatFactorInfo info;

  PetscFunctionBegin;
  PetscCall(MatGetFactor(A, MATSOLVERMUMPS, MAT_FACTOR_CHOLESKY, &M->F));
  PetscCall(MatSetOptionsPrefix(M->F, prefix));
  PetscCall(MatGetOrdering(A, MATORDERINGNATURAL, &rperm, &cperm));
  PetscCall(MatFactorInfoInitialize(&info));
  PetscCall(MatCholeskyFactorSymbolic(M->F, A, rperm, &info));
  PetscCall(ISDestroy(&rperm));
  PetscCall(ISDestroy(&cperm));
  PetscCall(MatCreateSeqAIJWithArrays(PETSC_COMM_SELF, n, n, Pptr, Pidx, Pval, &M->spRHST));
  PetscFunctionReturn(PETSC_SUCCESS);
#else
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_SUP_SYS, "This PETSc has no MUMPS: use -pc_kopt_inverse dense, or configure PETSc --download-mumps");
#endif
}

PetscErrorCode KGNNInverseMumpsNumeric(Mat A, KGNNInverseMumps *M, PetscReal tol, PetscBool *failed, PetscInt *nullpivots)
{
#if defined(PETSC_HAVE_MUMPS)
  MatFactorInfo  info;
  MatFactorError err;
  Mat            spRHS;
  const char    *prefix;
  PetscBool      set;

  PetscFunctionBegin;
  *nullpivots = 0;
  /* after the analysis, so that the values reach this MUMPS instance; CNTL(3) > 0 is a
     threshold relative to the norm of the (scaled) matrix MUMPS factors */
  PetscCall(MatGetOptionsPrefix(M->F, &prefix));
  PetscCall(PetscOptionsHasName(NULL, prefix, "-mat_mumps_icntl_24", &set));
  if (!set) {
    PetscCall(MatMumpsSetIcntl(M->F, 24, 1));
    PetscCall(MatMumpsSetCntl(M->F, 3, tol));
  }
  PetscCall(MatFactorInfoInitialize(&info));
  PetscCall(MatCholeskyFactorNumeric(M->F, A, &info));
  PetscCall(MatFactorGetError(M->F, &err));
  *failed = err ? PETSC_TRUE : PETSC_FALSE;
  if (*failed) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(MatMumpsGetInfog(M->F, 28, nullpivots));
  if (*nullpivots > 0) PetscFunctionReturn(PETSC_SUCCESS); /* factored, with the null pivots replaced: Z would not be A^-1 */
  PetscCall(MatCreateTranspose(M->spRHST, &spRHS));
  PetscCall(MatMumpsGetInverse(M->F, spRHS));
  PetscCall(MatDestroy(&spRHS));
  PetscFunctionReturn(PETSC_SUCCESS);
#else
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_SUP_SYS, "This PETSc has no MUMPS");
#endif
}

PetscErrorCode KGNNInverseMumpsDestroy(KGNNInverseMumps *M)
{
  PetscFunctionBegin;
  PetscCall(MatDestroy(&M->F));
  PetscCall(MatDestroy(&M->spRHST));
  PetscFunctionReturn(PETSC_SUCCESS);
}
