/* Mat <-> plain arrays, the PETSc side of src/factor/: what the factored PCs (PCKOPT, PCGNN)
   need of the operator (its entries as one sequential CSR matrix, checked for what an SPD
   factorization requires), a factor L to and from a Mat, and the graph of a Mat. */
#include "../factor/factor.h"

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

PetscErrorCode KGNNLowerToMat(const KGNNLower *L, Mat *M)
{
  PetscInt     n = L->n, *rp, *ci;
  PetscScalar *v;

  PetscFunctionBegin;
  PetscCall(KGNNLowerRows(L, &rp, &ci, &v));
  PetscCall(MatCreate(PETSC_COMM_SELF, M));
  PetscCall(MatSetSizes(*M, n, n, n, n));
  PetscCall(MatSetType(*M, MATSEQAIJ));
  PetscCall(MatSeqAIJSetPreallocationCSR(*M, rp, ci, v));
  PetscCall(PetscFree(rp));
  PetscCall(PetscFree(ci));
  PetscCall(PetscFree(v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* From a lower-triangular matrix (any type MatGetRow serves); entries above the diagonal
   are an error, a missing diagonal is stored as 0 (KGNNTriSolveSetUp then refuses it). */
PetscErrorCode KGNNLowerFromMat(Mat M, KGNNLower *L)
{
  Mat     Ms;
  KGNNCSR csr;

  PetscFunctionBegin;
  PetscCall(MatConvert(M, MATSEQAIJ, MAT_INITIAL_MATRIX, &Ms));
  PetscCall(KGNNMatGetCSR(Ms, &csr));
  for (PetscInt i = 0; i < csr.n; i++)
    for (PetscInt p = csr.rowptr[i]; p < csr.rowptr[i + 1]; p++)
      PetscCheck(csr.colidx[p] <= i, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "Factor is not lower triangular: entry (%" PetscInt_FMT ", %" PetscInt_FMT "), 1-based, is above the diagonal", i + 1, csr.colidx[p] + 1);
  PetscCall(KGNNLowerCreateFromCSR(&csr, PETSC_TRUE, L));
  PetscCall(KGNNMatRestoreCSR(Ms, &csr));
  PetscCall(MatDestroy(&Ms));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The graph of a sequential AIJ matrix (src/factor/edges.c): n, the number of edges, and new
   arrays sender, receiver and a (the caller frees each with PetscFree) */
PetscErrorCode KGNNMatEdges(Mat A, PetscInt *n, PetscInt *nedges, PetscInt **sender, PetscInt **receiver, PetscReal **a)
{
  KGNNCSR csr;

  PetscFunctionBegin;
  PetscCall(KGNNMatGetCSR(A, &csr));
  *n      = csr.n;
  *nedges = csr.rowptr[csr.n];
  PetscCall(PetscMalloc1(*nedges, sender));
  PetscCall(PetscMalloc1(*nedges, receiver));
  PetscCall(PetscMalloc1(*nedges, a));
  KGNNCSREdges(csr.n, csr.rowptr, csr.colidx, csr.val, *sender, *receiver, *a);
  PetscCall(KGNNMatRestoreCSR(A, &csr));
  PetscFunctionReturn(PETSC_SUCCESS);
}
