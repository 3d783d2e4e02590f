/* What the factored PCs (PCKOPT, PCGNN) need of the operator: its entries as one sequential
   CSR matrix, checked for what an SPD factorization requires. */
#include "../kgnn_impl.h"

/* A sequential AIJ matrix with A's entries (a new reference; the caller destroys it). */
PetscErrorCode KGNNMatGetSeqAIJ(PC pc, Mat A, Mat *Aseq)
{
  PetscMPIInt size;
  PetscInt    M, N;
  PetscBool   isseqaij, ismpiaij, hasgetrow;
  const char *type, *pctype;

  PetscFunctionBegin;
  PetscCall(PetscObjectGetType((PetscObject)pc, &pctype));
  PetscCall(MatGetSize(A, &M, &N));
  PetscCheck(M == N, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "PC %s needs a square matrix, got %" PetscInt_FMT " x %" PetscInt_FMT, pctype, M, N);
  PetscCallMPI(MPI_Comm_size(PetscObjectComm((PetscObject)A), &size));
  PetscCheck(size == 1, PetscObjectComm((PetscObject)pc), PETSC_ERR_SUP,
             "PC %s is a sequential (block) preconditioner and the matrix lives on %d ranks: use it inside PETSc's block methods, -pc_type bjacobi -sub_pc_type %s, or -pc_type asm -pc_asm_type basic -sub_pc_type %s", pctype, (int)size, pctype,
             pctype);
  PetscCall(PetscObjectBaseTypeCompare((PetscObject)A, MATSEQAIJ, &isseqaij));
  PetscCall(PetscObjectBaseTypeCompare((PetscObject)A, MATMPIAIJ, &ismpiaij));
  if (isseqaij) {
    PetscCall(PetscObjectReference((PetscObject)A));
    *Aseq = A;
  } else if (ismpiaij) { /* one rank: the diagonal block is the whole matrix */
    PetscCall(MatMPIAIJGetSeqAIJ(A, Aseq, NULL, NULL));
    PetscCall(PetscObjectReference((PetscObject)*Aseq));
  } else {
    PetscCall(MatGetType(A, &type));
    PetscCall(MatHasOperation(A, MATOP_GET_ROW, &hasgetrow));
    PetscCheck(hasgetrow, PETSC_COMM_SELF, PETSC_ERR_SUP, "PC %s needs the entries of A, which matrix type %s does not give: use AIJ or SBAIJ (any type with MatGetRow is converted to SEQAIJ)", pctype, type);
    PetscCall(PetscInfo(pc, "Converting matrix of type %s to SEQAIJ\n", type));
    PetscCall(MatConvert(A, MATSEQAIJ, MAT_INITIAL_MATRIX, Aseq));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNMatGetCSR(Mat Aseq, KGNNCSR *csr)
{
  PetscBool done;

  PetscFunctionBegin;
  PetscCall(MatGetRowIJ(Aseq, 0, PETSC_FALSE, PETSC_FALSE, &csr->n, &csr->rowptr, &csr->colidx, &done));
  PetscCheck(done, PETSC_COMM_SELF, PETSC_ERR_SUP, "Cannot get the rows of the matrix");
  PetscCall(MatSeqAIJGetArrayRead(Aseq, &csr->val));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNMatRestoreCSR(Mat Aseq, KGNNCSR *csr)
{
  PetscBool done;

  PetscFunctionBegin;
  PetscCall(MatSeqAIJRestoreArrayRead(Aseq, &csr->val));
  PetscCall(MatRestoreRowIJ(Aseq, 0, PETSC_FALSE, PETSC_FALSE, &csr->n, &csr->rowptr, &csr->colidx, &done));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Wrong input is an error that says where: NaN/Inf, a non-positive diagonal, asymmetry. Rows and
   columns in the messages count from 1, as in a Matrix Market file (and say so). */
PetscErrorCode KGNNCheckSPDInput(Mat Aseq, const KGNNCSR *A, PetscBool check_symmetric, PetscReal tol)
{
  PetscInt    row, col;
  PetscScalar a, b;
  PetscBool   stored;

  PetscFunctionBegin;
  KGNNCheckFinite(A, &row, &col, &a);
  PetscCheck(row < 0, PETSC_COMM_SELF, PETSC_ERR_FP, "Matrix entry (1-based row %" PetscInt_FMT ", column %" PetscInt_FMT ") is %s: the matrix must be finite", row + 1, col + 1, PetscIsNanScalar(a) ? "NaN" : (PetscRealPart(a) > 0 ? "+Inf" : "-Inf"));
  KGNNCheckDiagonal(A, &row, &a, &stored);
  PetscCheck(row < 0 || stored, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "Diagonal entry (1-based row %" PetscInt_FMT ", column %" PetscInt_FMT ") is not stored: an SPD matrix needs a positive diagonal", row + 1, row + 1);
  PetscCheck(row < 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "Diagonal entry (1-based row %" PetscInt_FMT ", column %" PetscInt_FMT ") is %g: an SPD matrix needs a positive diagonal", row + 1, row + 1, (double)PetscRealPart(a));
  if (check_symmetric) {
    KGNNCheckSymmetric(A, tol, &row, &col, &a, &b);
    PetscCheck(row < 0, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG,
               "Matrix is not symmetric: A(%" PetscInt_FMT ", %" PetscInt_FMT ") = %.17g but A(%" PetscInt_FMT ", %" PetscInt_FMT
               ") = %.17g (1-based; relative tolerance %g; set it with -pc_kopt_symmetric_tol or skip the check with -pc_kopt_check_symmetric false)",
               row + 1, col + 1, (double)PetscRealPart(a), col + 1, row + 1, (double)PetscRealPart(b), (double)tol);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
