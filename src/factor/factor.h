/* The factor object shared by every factored preconditioner (PCKOPT, PCGNN, KGNNPCSetFactor's
   shell), and the graph of A that PCGNN's network runs on. Plain arrays; the PETSc faces
   (src/pc/factor_pc.c, src/pc/matcsr.c) convert to and from Mat, Vec and failure reasons. */
#ifndef KGNN_FACTOR_H
#define KGNN_FACTOR_H

#include "../kgnn_impl.h"
#include <stdint.h>

/* src/factor/factor.c: L, applied as (L L^T)^-1 through trisolve.c's unit form. L is either
   held by the factor itself (own: KGNNPCSetFactor) or by the PC that computes its values in
   place across re-setups (PCKOPT's symbolic phase, PCGNN's pattern of tril(A)); the factor
   keeps the unit form, its buffers reused while nnz(L) does not grow, and the failure. */
typedef enum {
  KGNN_FACTOR_EMPTY, /* not set up */
  KGNN_FACTOR_READY, /* L and its unit form: applies */
  KGNN_FACTOR_PIVOT, /* failed: A not positive definite, or a zero or non-finite diagonal of L */
  KGNN_FACTOR_NONE   /* failed: no usable factor (PCGNN without a fallback) */
} KGNNFactorState;

typedef struct {
  const KGNNLower *L;        /* the factor applied: &own, or one its PC keeps */
  KGNNLower        own;      /* L when the factor holds it */
  PetscScalar     *w, *dinv; /* W = L diag(L)^-1 on L's pattern, diag(L)^-2 */
  PetscInt         nw, nd;   /* their allocated lengths */
  KGNNFactorState  state;
  PetscInt         where; /* failed: the column or row (0-based), or -1 */
} KGNNFactor;

/* a new setup begins: EMPTY, no failure */
PETSC_INTERN void KGNNFactorBegin(KGNNFactor *);
/* L's unit form; READY, or *badcol >= 0 (the first zero or non-finite diagonal) and EMPTY */
PETSC_INTERN PetscErrorCode KGNNFactorSetUp(KGNNFactor *, const KGNNLower *L, PetscInt *badcol);
PETSC_INTERN void           KGNNFactorFail(KGNNFactor *, KGNNFactorState why, PetscInt where);
PETSC_INTERN PetscBool      KGNNFactorFailed(const KGNNFactor *);
/* frees the unit form and own; EMPTY */
PETSC_INTERN PetscErrorCode KGNNFactorReset(KGNNFactor *);
/* y = (L L^T)^-1 x; the halves y = L^-1 x (left) and y = L^-T x (right). READY only. */
PETSC_INTERN void KGNNFactorApply(const KGNNFactor *, const PetscScalar *x, PetscScalar *y);
PETSC_INTERN void KGNNFactorApplyHalf(const KGNNFactor *, PetscBool left, const PetscScalar *x, PetscScalar *y);
/* flops of one apply (both solves), and of one half */
PETSC_INTERN double KGNNFactorApplyFlops(const KGNNFactor *, PetscBool half);

/* src/factor/edges.c: the graph the network runs on. Edge p is stored entry p of A in CSR order
   (both triangles, the diagonal, explicit zeros): a_ij is an edge from sender i to receiver j
   with feature a_ij. Outputs may be NULL (val too, when a is). */
PETSC_INTERN void KGNNCSREdges(PetscInt n, const PetscInt *rowptr, const PetscInt *colidx, const PetscScalar *val, PetscInt *sender, PetscInt *receiver, PetscReal *a);
/* L's pattern (tril(A), diagonal first) and edge_of[q], the edge whose value is L's entry q.
   *nodiag = the first row of A without a stored diagonal (no edge carries L_ii: edge_of is
   incomplete and must not be used), else -1. */
PETSC_INTERN PetscErrorCode KGNNEdgeMapCreate(const KGNNCSR *, KGNNLower *L, PetscInt **edge_of, PetscInt *nodiag);

/* L's values from one value per edge (the network's outputs), with the diagonal safeguard:
   a non-finite value, or a diagonal |L_ii| <= 1e-12 max_j |L_jj|, is a fault, unless
   diag_shift > 0 lifts every |L_ii| below diag_shift max_j |L_jj| to that (its sign kept). */
typedef enum {
  KGNN_EDGE_OK,
  KGNN_EDGE_NONFINITE,    /* at L(row, col) */
  KGNN_EDGE_TINY_DIAGONAL /* L(row, row) = value, max |L_jj| = dmax */
} KGNNEdgeFault;
typedef struct {
  KGNNEdgeFault fault;
  PetscInt      row, col; /* 0-based */
  PetscReal     value, dmax;
} KGNNEdgeCheck;
PETSC_INTERN void KGNNLowerFromEdges(KGNNLower *L, const PetscInt *edge_of, const PetscReal *out, PetscReal diag_shift, KGNNEdgeCheck *);
/* L = tril(A) with the diagonal times 1 + shift (the start of a shifted IC(0)) */
PETSC_INTERN void KGNNLowerFromA(KGNNLower *L, const PetscInt *edge_of, const PetscScalar *aval, PetscReal shift);
/* the Jacobi factor diag(A)^1/2: J's pattern (the diagonal only), then its values */
PETSC_INTERN PetscErrorCode KGNNLowerDiagonalCreate(PetscInt n, KGNNLower *J);
PETSC_INTERN void           KGNNLowerJacobi(KGNNLower *J, const KGNNLower *L, const PetscInt *edge_of, const PetscScalar *aval);

/* kaporin_trace.c: log K(L^T A^-1 L) and log K(L^-1 A L^-T) (Kaporin's K, the paper's Eq. 3) on
   the values l of L on a CSR pattern (rows ascending, the diagonal each row's last entry), with
   their exact gradients. The pattern's column view, borrowed rowptr and colidx: */
typedef struct {
  PetscInt        n, nnz;
  const PetscInt *rowptr, *colidx;          /* L's CSR pattern (not owned) */
  PetscInt       *diag;                     /* position of L_ii */
  PetscInt       *colptr, *colpos, *colrow; /* column j: CSR positions and rows of its entries, diagonal first */
  PetscInt       *bptr;                     /* B_j = A^-1(s_j, s_j), k_j x k_j column-major, at B + bptr[j] */
} KGNNKaporinPattern;
PETSC_INTERN PetscErrorCode KGNNKaporinPatternCreate(PetscInt n, const PetscInt *rowptr, const PetscInt *colidx, KGNNKaporinPattern *);
PETSC_INTERN PetscErrorCode KGNNKaporinPatternDestroy(KGNNKaporinPattern *);
PETSC_INTERN void           KGNNKaporinBlocksFromDense(const KGNNKaporinPattern *, const PetscReal *Ainv, PetscReal *B);
PETSC_INTERN PetscReal      KGNNKaporinInverseLoss(const KGNNKaporinPattern *, const PetscReal *B, const PetscReal *l, PetscReal logdetA, PetscReal *dl);
PETSC_INTERN PetscErrorCode KGNNKaporinTraceLoss(const KGNNKaporinPattern *, const PetscInt *arow, const PetscInt *acol, const PetscReal *aval, const PetscReal *l, PetscInt nprobe, const PetscReal *z, PetscReal logdetA, PetscReal *loss,
                                                 PetscReal *dl);

/* kopt_direct.c: PCKOPT's -pc_kopt_objective trace, the minimiser of K(L^-1 A L^-T) over L's
   values by L-BFGS; A symmetric in CSR (both triangles), best with a unit diagonal */
typedef enum {
  KGNN_DIRECT_START_IC0,         /* IC(0) of A */
  KGNN_DIRECT_START_SHIFTED_IC0, /* IC(0) of A + shift diag(A) */
  KGNN_DIRECT_START_JACOBI,      /* diag(A)^1/2 */
  KGNN_DIRECT_START_KOPT,        /* PCKOPT's factor (Algorithm 1), where IC(0) breaks down */
  KGNN_DIRECT_START_GIVEN        /* the caller's L (PCGNN's refinement) */
} KGNNDirectStart;
typedef struct {
  PetscInt  maxits;    /* L-BFGS iterations */
  PetscReal rtol;      /* stop when a step lowers K by less than this fraction */
  PetscInt  exact_max; /* exact trace up to this many rows */
  PetscInt  nprobe;    /* Hutchinson probes above it */
  uint64_t  seed;      /* of the probes */
  PetscInt  memory;    /* L-BFGS pairs kept */
} KGNNDirectOptions;
typedef struct {
  KGNNDirectStart start;
  PetscReal       shift;       /* of the shifted IC(0) */
  PetscInt        its, nevals; /* iterations, evaluations of f and its gradient */
  PetscBool       exact;       /* exact trace, else Hutchinson */
  PetscBool       converged;   /* stopped by rtol (or a flat line search), not by maxits */
  PetscReal       f0, f;       /* log K(L^-1 A L^-T) - (1/n) log det A, at the start and the end */
  PetscInt        fail;        /* >= 0: unusable start (the 0-based column, or n: f not finite) */
} KGNNDirectInfo;
PETSC_INTERN PetscErrorCode KGNNTraceStart(const KGNNCSR *A, KGNNLower *L, KGNNDirectInfo *);
PETSC_INTERN PetscErrorCode KGNNTraceMinimize(const KGNNCSR *A, KGNNLower *L, const KGNNDirectOptions *, KGNNDirectInfo *);
/* f (nprobe <= 0: exact) and, g not NULL, its gradient in the variables (L_ij off the diagonal, log L_ii on it), CSC order */
PETSC_INTERN PetscErrorCode KGNNTraceObjective(const KGNNCSR *A, const KGNNLower *L, PetscInt nprobe, uint64_t seed, PetscReal *f, PetscReal *g);
PETSC_INTERN void           KGNNTraceProbes(PetscInt n, PetscInt nprobe, uint64_t seed, PetscReal *z);

#endif
