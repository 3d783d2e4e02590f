/* kgnn: K-optimal and graph-network sparse triangular preconditioners for PETSc.

   Two ways to reach the preconditioners:
     - any PETSc program:  -dll_append /path/lib/libkgnn.so -pc_type kopt
     - a simulation code:  link -lkgnn and call KGNNInitializePackage() after PetscInitialize()
*/
#ifndef KGNN_H
#define KGNN_H

#include <petscksp.h>
#include <petscversion.h>

#if PETSC_VERSION_LT(3, 19, 0) /* PetscErrorCode became an enum in 3.19 */
  #define PETSC_SUCCESS 0
#endif

#define KGNN_VERSION_MAJOR 0
#define KGNN_VERSION_MINOR 1

#define PCKOPT "kopt"
#define PCGNN "gnn"

/* How PCKOPT obtains the entries of A^-1 that Algorithm 1 needs. */
typedef enum {
  KGNN_INVERSE_AUTO,  /* dense up to 2000 rows (and -pc_kopt_dense_max), selinv above */
  KGNN_INVERSE_DENSE, /* LAPACK Cholesky + inverse of the whole matrix */
  KGNN_INVERSE_MUMPS, /* selected entries of A^-1 from MUMPS (MatMumpsGetInverse) */
  KGNN_INVERSE_SELINV /* selected inversion on CHOLMOD's supernodal Cholesky factor */
} KGNNInverseMethod;
PETSC_EXTERN const char *const KGNNInverseMethods[];

/* The pattern of PCKOPT's L (-pc_kopt_pattern tril|level:k|power:k) */
typedef enum {
  KGNN_PATTERN_TRIL,  /* tril(A), the paper's */
  KGNN_PATTERN_LEVEL, /* level-k fill of incomplete Cholesky: ICC(k)'s pattern (level:0 = tril) */
  KGNN_PATTERN_POWER  /* tril of the pattern of A^k (power:1 = tril, power:0 = the diagonal) */
} KGNNPatternType;
PETSC_EXTERN const char *const KGNNPatternTypes[];

PETSC_EXTERN PetscLogEvent KGNN_KOPT_Symbolic, KGNN_KOPT_Inverse, KGNN_KOPT_Columns, KGNN_FactorApply;
PETSC_EXTERN PetscLogEvent KGNN_KOPT_Cholesky, KGNN_KOPT_SelInv; /* inside KOPTInverse on the selinv path */
PETSC_EXTERN PetscLogEvent KGNN_GNN_Graph, KGNN_GNN_Cascade, KGNN_GNN_Inference, KGNN_GNN_Assembly;

/* Registers the PC types and the log events. Idempotent. */
PETSC_EXTERN PetscErrorCode KGNNInitializePackage(void);
PETSC_EXTERN PetscErrorCode KGNNFinalizePackage(void);
/* Entry point PETSc looks up when it loads libkgnn.so with -dll_append. */
PETSC_EXTERN PetscErrorCode PetscDLLibraryRegister_kgnn(void);

/* PCKOPT setters and getters (one per option) */
PETSC_EXTERN PetscErrorCode PCKOPTSetInverseMethod(PC, KGNNInverseMethod);
PETSC_EXTERN PetscErrorCode PCKOPTGetInverseMethod(PC, KGNNInverseMethod *);
PETSC_EXTERN PetscErrorCode PCKOPTSetDenseMax(PC, PetscInt);
PETSC_EXTERN PetscErrorCode PCKOPTGetDenseMax(PC, PetscInt *);
PETSC_EXTERN PetscErrorCode PCKOPTSetCheckSymmetric(PC, PetscBool, PetscReal);
PETSC_EXTERN PetscErrorCode PCKOPTGetCheckSymmetric(PC, PetscBool *, PetscReal *);
PETSC_EXTERN PetscErrorCode PCKOPTSetDiagonalScale(PC, PetscBool);
PETSC_EXTERN PetscErrorCode PCKOPTGetDiagonalScale(PC, PetscBool *);
/* A counts as singular when a pivot 1/(Z_ii a_ii) of the computed Z = A^-1 is at or below tol
   (PETSC_DETERMINE: gamma_{n+1} = (n+1) u / (1 - (n+1) u)); the PC then fails */
PETSC_EXTERN PetscErrorCode PCKOPTSetZeroPivot(PC, PetscReal);
PETSC_EXTERN PetscErrorCode PCKOPTGetZeroPivot(PC, PetscReal *);
PETSC_EXTERN PetscErrorCode PCKOPTSetPattern(PC, KGNNPatternType, PetscInt k);
PETSC_EXTERN PetscErrorCode PCKOPTGetPattern(PC, KGNNPatternType *, PetscInt *k);
/* After PCSetUp on the selinv path: the off-diagonal pairs of A^-1 that Algorithm 1 reads, how
   many of them lie outside the filled pattern of A under the ordering used (added to the
   structure CHOLMOD factors), and the entries of the factor of A alone and with them */
PETSC_EXTERN PetscErrorCode PCKOPTGetSelInvInfo(PC, PetscInt *npairs, PetscInt *outside, PetscReal *nnzL_A, PetscReal *nnzL);
/* L (n x n SEQAIJ, lower triangular, A ~ L L^T) after PCSetUp; the caller destroys it. */
PETSC_EXTERN PetscErrorCode PCKOPTGetFactor(PC, Mat *);
/* PCKOPT's objective (-pc_kopt_objective): Algorithm 1's K(L^T A^-1 L), or K(L^-1 A L^-T)
   minimised over L's values by L-BFGS at setup (issue 12's direct-objective reference) */
typedef enum {
  KGNN_KOPT_OBJECTIVE_KAPORIN, /* K(L^T A^-1 L), Algorithm 1 (the default) */
  KGNN_KOPT_OBJECTIVE_TRACE    /* K(L^-1 A L^-T): tr(L^-1 A L^-T) and log det L, by L-BFGS */
} KGNNKoptObjective;
PETSC_EXTERN const char *const KGNNKoptObjectives[];
PETSC_EXTERN PetscErrorCode    PCKOPTSetObjective(PC, KGNNKoptObjective);
PETSC_EXTERN PetscErrorCode    PCKOPTGetObjective(PC, KGNNKoptObjective *);
PETSC_EXTERN PetscErrorCode    PCKOPTSetDirectMaxIts(PC, PetscInt); /* -pc_kopt_direct_its */
PETSC_EXTERN PetscErrorCode    PCKOPTGetDirectMaxIts(PC, PetscInt *);
PETSC_EXTERN PetscErrorCode    PCKOPTSetDirectRtol(PC, PetscReal); /* -pc_kopt_direct_rtol */
PETSC_EXTERN PetscErrorCode    PCKOPTGetDirectRtol(PC, PetscReal *);
PETSC_EXTERN PetscErrorCode    PCKOPTSetExactMax(PC, PetscInt); /* -pc_kopt_exact_max */
PETSC_EXTERN PetscErrorCode    PCKOPTGetExactMax(PC, PetscInt *);
PETSC_EXTERN PetscErrorCode    PCKOPTSetProbes(PC, PetscInt); /* -pc_kopt_probes */
PETSC_EXTERN PetscErrorCode    PCKOPTGetProbes(PC, PetscInt *);

/* PCGNN: what it does when the network's factor fails its setup check (-pc_gnn_fallback) */
typedef enum {
  PCGNN_FALLBACK_NONE,  /* fail the PC: KSP reports DIVERGED_PC_FAILED */
  PCGNN_FALLBACK_IC0,   /* IC(0) on the same pattern, shifted (A + alpha diag A) where it breaks down; Jacobi if none passes */
  PCGNN_FALLBACK_JACOBI /* D^1/2 */
} PCGNNFallback;
PETSC_EXTERN const char *const PCGNNFallbacks[];
/* which factor the last setup applies */
typedef enum {
  PCGNN_FACTOR_NETWORK,
  PCGNN_FACTOR_IC0,
  PCGNN_FACTOR_JACOBI,
  PCGNN_FACTOR_NONE /* failed */
} PCGNNFactorSource;
PETSC_EXTERN const char *const PCGNNFactorSources[];
/* PCGNN: the scaling of A the network sees (-pc_gnn_scale). K(L^T A^-1 L) and CG are invariant
   under A -> D A D (D > 0 diagonal); jacobi makes the factor so too: the network runs on
   D^-1/2 A D^-1/2 (D = diag A) and its L is scaled back, L_A = D^1/2 L, so a diagonal A gets its
   exact factor whatever the weights. max: A / max|A_ij| (the paper's). model: as the weights
   were trained (the model file's normalisation, max_abs when it has none). */
typedef enum { PCGNN_SCALE_MODEL, PCGNN_SCALE_MAX, PCGNN_SCALE_JACOBI } PCGNNScale;
PETSC_EXTERN const char *const PCGNNScales[];

/* PCGNN setters and getters (one per option), what the setup used, and its factor */
PETSC_EXTERN PetscErrorCode PCGNNSetModel(PC, const char file[]);
PETSC_EXTERN PetscErrorCode PCGNNGetModel(PC, const char *file[]);
PETSC_EXTERN PetscErrorCode PCGNNSetDiagShift(PC, PetscReal);
PETSC_EXTERN PetscErrorCode PCGNNGetDiagShift(PC, PetscReal *);
PETSC_EXTERN PetscErrorCode PCGNNSetFallback(PC, PCGNNFallback);
PETSC_EXTERN PetscErrorCode PCGNNGetFallback(PC, PCGNNFallback *);
PETSC_EXTERN PetscErrorCode PCGNNSetScale(PC, PCGNNScale);
PETSC_EXTERN PetscErrorCode PCGNNGetScale(PC, PCGNNScale *); /* after setup: the one used (max or jacobi) */
/* the setup check: accept the network's factor when K(L^-1 A L^-T) / K(D^-1/2 A D^-1/2) <= max */
PETSC_EXTERN PetscErrorCode PCGNNSetCheck(PC, PetscBool check, PetscReal max);
PETSC_EXTERN PetscErrorCode PCGNNGetCheck(PC, PetscBool *check, PetscReal *max);
/* after PCSetUp: the factor in use and its K ratio to Jacobi (NaN when the check is off) */
PETSC_EXTERN PetscErrorCode PCGNNGetFactorSource(PC, PCGNNFactorSource *, PetscReal *ratio);
PETSC_EXTERN PetscErrorCode PCGNNGetFactor(PC, Mat *);
/* -pc_gnn_refine N: N L-BFGS steps of K(L^-1 A L^-T) (PCKOPT's trace objective) from the network's factor */
PETSC_EXTERN PetscErrorCode PCGNNSetRefine(PC, PetscInt);
PETSC_EXTERN PetscErrorCode PCGNNGetRefine(PC, PetscInt *);

/* The library's own IC(0) without shift on the pattern of tril(A) (PETSc does not expose
   its ICC factor's entries). *L is NULL and *failrow the failing row when a pivot is <= 0. */
PETSC_EXTERN PetscErrorCode KGNNComputeIC0(Mat A, Mat *L, PetscInt *failrow);
/* Make pc a PCSHELL that applies (L L^T)^-1 of a given factor (copied). */
PETSC_EXTERN PetscErrorCode KGNNPCSetFactor(PC pc, Mat L);

/* Matrix Market (coordinate real/integer, symmetric or general, plain or .gz) or PETSc binary. */
PETSC_EXTERN PetscErrorCode KGNNMatLoad(MPI_Comm, const char file[], Mat *A);
/* A right-hand side from Matrix Market (array or coordinate, n x 1) or PETSc binary; layout of A. */
PETSC_EXTERN PetscErrorCode KGNNVecLoad(Mat A, const char file[], Vec *b);

/* The 2D 5-point Laplacian on an m x m grid (natural ordering), AIJ over comm. */
PETSC_EXTERN PetscErrorCode KGNNMatCreateLaplacian2D(MPI_Comm, PetscInt m, Mat *A);
/* The 3D 7-point Laplacian on an m x m x m grid (natural ordering), AIJ over comm. */
PETSC_EXTERN PetscErrorCode KGNNMatCreateLaplacian3D(MPI_Comm, PetscInt m, Mat *A);

/* The PCGNN network (share/doc/model.md): weights from an HDF5 file written by
   share/python/export_pyg.py or kgnn-train; out[k] is its value on edge sender[k] -> receiver[k]
   (edges: every stored entry of A, a[k] = A_ij). */
typedef struct _p_KGNNNetwork *KGNNNetwork;
PETSC_EXTERN PetscErrorCode    KGNNNetworkLoad(const char file[], KGNNNetwork *);
PETSC_EXTERN PetscErrorCode    KGNNNetworkForward(KGNNNetwork, PetscInt n, PetscInt nnz, const PetscInt sender[], const PetscInt receiver[], const PetscReal a[], PetscReal out[]);
PETSC_EXTERN PetscErrorCode    KGNNNetworkView(KGNNNetwork, PetscViewer);
/* a cascade's second network, run where IC(0) of A breaks down (NULL: the file holds one network) */
PETSC_EXTERN PetscErrorCode    KGNNNetworkGetBreakdown(KGNNNetwork, KGNNNetwork *);
PETSC_EXTERN PetscErrorCode    KGNNNetworkDestroy(KGNNNetwork *);

#endif
