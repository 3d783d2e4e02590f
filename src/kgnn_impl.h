/* Private interfaces between the PETSc faces (src/pc) and the numerics (src/factor); through
   src/io/io.h and src/dataset/dataset.h what the library shares with its programs. */
#ifndef KGNN_IMPL_H
#define KGNN_IMPL_H

#include <kgnn.h>

/* A square matrix in compressed sparse row form, rows sorted by column (PETSc SEQAIJ arrays). */
typedef struct {
  PetscInt           n;
  const PetscInt    *rowptr, *colidx;
  const PetscScalar *val;
} KGNNCSR;

/* A lower-triangular factor L in compressed sparse column form: column j holds rows
   rowidx[colptr[j]..colptr[j+1]-1], ascending, the diagonal j first. */
typedef struct {
  PetscInt     n;
  PetscInt    *colptr, *rowidx;
  PetscScalar *val;
} KGNNLower;

/* src/factor/lower.c: pattern of tril(A) with the diagonal always present */
PETSC_INTERN PetscErrorCode KGNNLowerCreateFromCSR(const KGNNCSR *, PetscBool copy_values, KGNNLower *);
PETSC_INTERN PetscErrorCode KGNNLowerDestroy(KGNNLower *);
PETSC_INTERN PetscErrorCode KGNNLowerRows(const KGNNLower *, PetscInt **rp, PetscInt **ci, PetscScalar **v);

/* src/factor/checks.c: input checks on plain CSR; each reports where the first offence is */
PETSC_INTERN void KGNNCheckFinite(const KGNNCSR *, PetscInt *row, PetscInt *col, PetscScalar *val);
PETSC_INTERN void KGNNCheckDiagonal(const KGNNCSR *, PetscInt *row, PetscScalar *val, PetscBool *stored);
PETSC_INTERN void KGNNCheckSymmetric(const KGNNCSR *, PetscReal tol, PetscInt *row, PetscInt *col, PetscScalar *aij, PetscScalar *aji);

/* src/factor/kopt_pattern.c: symbolic phase of Algorithm 1.
   P is the lower triangle of the union over columns i of s_i x s_i, the entries of A^-1 that
   Algorithm 1 reads (CSC, rows ascending). map[mapptr[i] ...] lists, for column i of L, the
   positions in P of the lower triangle of B_i = A^-1(s_i, s_i), column by column. */
typedef struct {
  KGNNLower L; /* pattern of L; values written by the numeric phase */
  PetscInt *Pptr, *Pidx;
  PetscInt *mapptr, *map;
  PetscInt  maxcol;           /* max |s_i| */
  PetscInt *bysize, *sizeptr; /* the columns grouped by |s_i|: size k at bysize[sizeptr[k] .. sizeptr[k+1]-1] */
} KGNNKoptSymbolic;
PETSC_INTERN PetscErrorCode KGNNKoptSymbolicCreate(const KGNNCSR *, KGNNPatternType, PetscInt k, KGNNKoptSymbolic *);

/* src/factor/pattern_level.c, pattern_power.c: larger patterns of L (-pc_kopt_pattern), built
   on the graph of tril(A): level-k fill of incomplete Cholesky (ICC(k)'s pattern), and tril of
   the pattern of A^k (vertices within k edges). Values zero; columns ascending, diagonal first. */
PETSC_INTERN PetscErrorCode KGNNPatternLevel(const KGNNCSR *, PetscInt k, KGNNLower *);
PETSC_INTERN PetscErrorCode KGNNPatternPower(const KGNNCSR *, PetscInt k, KGNNLower *);
PETSC_INTERN PetscErrorCode KGNNKoptSymbolicDestroy(KGNNKoptSymbolic *);

/* src/factor/inverse_check.c: numerically singular A, the same test on every inverse path.
   rho = min_i 1 / (Z_ii a_ii) (Z = A^-1 as computed; adiag NULL: a_ii = 1, the scaled matrix) is
   the smallest pivot relative to its a_ii over all elimination orders; *row >= 0 when rho <= tol
   or some Z_ii is not positive and finite (then *rho = 0). The default tol is gamma_{n+1}. */
PETSC_INTERN PetscReal KGNNZeroPivotDefault(PetscInt n);
PETSC_INTERN void      KGNNInverseDiagonalCheck(PetscInt n, const PetscInt *Pptr, const PetscScalar *Pval, const PetscScalar *adiag, PetscReal tol, PetscInt *row, PetscReal *rho);

/* src/factor/kopt_columns.c: numeric phase of Algorithm 1 (lines 2-7) from the values Pval of
   A^-1 on P. *failcol = -1 on success, else the first column whose B_i is not positive definite. */
PETSC_INTERN PetscErrorCode KGNNKoptColumns(KGNNKoptSymbolic *, const PetscScalar *Pval, PetscInt *failcol);

/* src/factor/inverse_dense.c: A^-1 on the pattern P through a dense LAPACK Cholesky + inverse.
   On return failrow = -1 on success, else the leading minor at which A is not positive definite. */
PETSC_INTERN PetscErrorCode KGNNInverseDense(const KGNNCSR *, const PetscInt *Pptr, const PetscInt *Pidx, PetscScalar *Pval, PetscInt *failrow);

/* src/factor/inverse_mumps.c: A^-1 on P through MUMPS' selected-entries inverse.
   Symbolic work (analysis, pattern) is kept for numeric re-setups. */
typedef struct {
  Mat F;      /* MUMPS Cholesky factor */
  Mat spRHST; /* SEQAIJ on the pattern P^T, sharing Pval */
} KGNNInverseMumps;
PETSC_INTERN PetscErrorCode KGNNInverseMumpsSymbolic(Mat A, const char prefix[], PetscInt n, PetscInt *Pptr, PetscInt *Pidx, PetscScalar *Pval, KGNNInverseMumps *);
/* MUMPS' own null-pivot detection (ICNTL(24) = 1, CNTL(3) = tol) is switched on unless the
   user set -mat_mumps_icntl_24; *nullpivots = INFOG(28), the null pivots it found. */
PETSC_INTERN PetscErrorCode KGNNInverseMumpsNumeric(Mat A, KGNNInverseMumps *, PetscReal tol, PetscBool *failed, PetscInt *nullpivots);
PETSC_INTERN PetscErrorCode KGNNInverseMumpsDestroy(KGNNInverseMumps *);

/* src/factor/selinv_symbolic.c, selinv_numeric.c: A^-1 on the pattern P by selected inversion
   on CHOLMOD's supernodal Cholesky factor of A with P's pairs added to its structure as
   explicit zeros (so that the filled pattern holds them all). The symbolic work (ordering,
   analysis, maps) is kept for numeric re-setups. failrow = -1 on success, else the row
   (original numbering) at which CHOLMOD found A not positive definite. */
typedef enum {
  KGNN_SELINV_ORDER_AP, /* CHOLMOD's default ordering of A + P (PCKOPT's choice) */
  KGNN_SELINV_ORDER_A   /* CHOLMOD's default ordering of A, then A + P under it (measured, worse) */
} KGNNSelInvOrdering;
typedef struct {
  PetscInt       npairs;  /* off-diagonal pairs of P */
  PetscInt       outside; /* of them, outside the filled pattern of A under the ordering used */
  double         lnz_A;   /* entries of the factor of A alone under that ordering */
  double         lnz, fl; /* CHOLMOD's counts for the factor of A + P: entries (without amalgamation's zeros), flops */
  double         xsize;   /* entries stored by its supernodes */
  PetscInt       nsuper;
  int            ordering; /* CHOLMOD's choice: KGNNCholmodOrderingName() */
  PetscLogDouble t_analyze, t_factor, t_selinv;
} KGNNSelInvStats;
typedef struct _n_KGNNSelInv *KGNNSelInv;
PETSC_INTERN PetscErrorCode   KGNNSelInvSymbolic(const KGNNCSR *, const PetscInt *Pptr, const PetscInt *Pidx, KGNNSelInvOrdering, KGNNSelInv *);
PETSC_INTERN PetscErrorCode   KGNNSelInvNumeric(KGNNSelInv, const KGNNCSR *, PetscScalar *Pval, PetscInt *failrow);
/* the statistics; outside and lnz_A are counted on the first call (O(nnz(L)), the same A and P) */
PETSC_INTERN PetscErrorCode KGNNSelInvGetStats(KGNNSelInv, const KGNNCSR *, const PetscInt *Pptr, const PetscInt *Pidx, KGNNSelInvStats *);
PETSC_INTERN PetscErrorCode KGNNSelInvGetPerm(KGNNSelInv, const PetscInt **perm);
PETSC_INTERN PetscErrorCode KGNNSelInvDestroy(KGNNSelInv *);
PETSC_EXTERN const char    *KGNNCholmodOrderingName(int); /* kgnn-perf names CHOLMOD's choice with it too */

/* src/factor/fill_pairs.c: how many off-diagonal pairs of P lie outside the exact filled pattern
   of the Cholesky factor of A(perm, perm) (perm[k] = the row eliminated k-th; NULL: natural),
   and the entries of that pattern */
PETSC_INTERN PetscErrorCode KGNNFillPairsOutside(const KGNNCSR *, const PetscInt *perm, const PetscInt *Pptr, const PetscInt *Pidx, PetscInt *outside, double *lnz);

/* src/factor/trisolve.c: y = L^-T L^-1 x through the unit form W = L diag(L)^-1 (w: nnz(L)
   values on L's pattern) and dinv = diag(L)^-2 (n values) */
PETSC_INTERN PetscErrorCode KGNNTriSolveSetUp(const KGNNLower *, PetscScalar *w, PetscScalar *dinv, PetscInt *badcol);
PETSC_INTERN void           KGNNTriSolve(const KGNNLower *, const PetscScalar *w, const PetscScalar *dinv, const PetscScalar *x, PetscScalar *y);
PETSC_INTERN void           KGNNTriSolveLower(const KGNNLower *, const PetscScalar *x, PetscScalar *y);
PETSC_INTERN void           KGNNTriSolveUpper(const KGNNLower *, const PetscScalar *x, PetscScalar *y);

/* src/factor/kaporin.c: K(L^-1 A L^-T) / K(D^-1/2 A D^-1/2), D = diag A: the log-det part exact,
   the trace by nprobe Rademacher probes (nprobe <= 0: exactly, from n unit vectors); Inf when
   the solves overflow. One backward solve and one product with A per probe. */
PETSC_INTERN PetscErrorCode KGNNKaporinRatio(const KGNNCSR *, const KGNNLower *, PetscInt nprobe, PetscReal *ratio);

/* src/factor/ic0.c: IC(0) without shift, in place on L holding tril(A). *failcol = -1 on success. */
PETSC_INTERN PetscErrorCode KGNNIC0Factor(KGNNLower *, PetscInt *failcol);

/* src/pc/matcsr.c: a sequential AIJ view of the operator a PC is given; Mat <-> L (entries
   above the diagonal are an error, a missing diagonal is stored as 0); the graph of a Mat
   (src/factor/edges.c) in new arrays the caller frees, exported for kgnn-perf. The factor
   object's PETSc face is src/pc/factor_pc.h. */
PETSC_INTERN PetscErrorCode KGNNMatGetSeqAIJ(PC, Mat A, Mat *Aseq);
PETSC_INTERN PetscErrorCode KGNNMatGetCSR(Mat Aseq, KGNNCSR *);
PETSC_INTERN PetscErrorCode KGNNMatRestoreCSR(Mat Aseq, KGNNCSR *);
PETSC_INTERN PetscErrorCode KGNNCheckSPDInput(Mat Aseq, const KGNNCSR *, PetscBool check_symmetric, PetscReal tol);
PETSC_INTERN PetscErrorCode KGNNLowerToMat(const KGNNLower *, Mat *);
PETSC_INTERN PetscErrorCode KGNNLowerFromMat(Mat, KGNNLower *);
PETSC_EXTERN PetscErrorCode KGNNMatEdges(Mat Aseq, PetscInt *n, PetscInt *nedges, PetscInt **sender, PetscInt **receiver, PetscReal **a);
/* src/io/share_path.c: PCGNN's model without -pc_gnn_model: $KGNN_MODEL, else models/default.h5
   of the install or the build tree; an error that lists every place looked at when none exists */
PETSC_INTERN PetscErrorCode KGNNDefaultModel(char path[], size_t len);
/* src/train/trainer.c: kgnn-train's trainer (share/doc/training.md): options -dataset, -out, -node_model, -depth, ...; the
   history rows are epoch, train loss, test loss, test cosine similarity, learning rate, seconds */
typedef struct _n_KGNNTrainer *KGNNTrainer;
PETSC_EXTERN PetscErrorCode    KGNNTrainerCreate(KGNNTrainer *);
PETSC_EXTERN PetscErrorCode    KGNNTrainerSetFromOptions(KGNNTrainer);
PETSC_EXTERN PetscErrorCode    KGNNTrainerRun(KGNNTrainer);
PETSC_EXTERN PetscErrorCode    KGNNTrainerGetHistory(KGNNTrainer, PetscInt *, const PetscReal **);
PETSC_EXTERN PetscErrorCode    KGNNTrainerGetInterrupted(KGNNTrainer, int *);
PETSC_EXTERN PetscErrorCode    KGNNTrainerDestroy(KGNNTrainer *);

PETSC_INTERN PetscErrorCode PCCreate_KOPT(PC);
PETSC_INTERN PetscErrorCode PCCreate_GNN(PC);

#endif
