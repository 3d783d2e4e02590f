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
/* The 2D 5-point Laplacian on an m x m grid (natural ordering), AIJ over comm. */
PETSC_EXTERN PetscErrorCode KGNNMatCreateLaplacian2D(MPI_Comm, PetscInt m, Mat *A);

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

PETSC_EXTERN PetscClassId  KGNN_CLASSID;
PETSC_EXTERN PetscLogEvent KGNN_KOPT_Symbolic, KGNN_KOPT_Inverse, KGNN_KOPT_Columns, KGNN_FactorApply;
PETSC_EXTERN PetscLogEvent KGNN_KOPT_Cholesky, KGNN_KOPT_SelInv; /* inside KOPTInverse on the selinv path */
PETSC_EXTERN PetscLogEvent KGNN_GNN_Graph, KGNN_GNN_Inference, KGNN_GNN_Assembly;

/* Registers the PC types, the class id and the log events. Idempotent. */
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

/* PCGNN setters and getters (one per option), what the setup used, and its factor */
PETSC_EXTERN PetscErrorCode PCGNNSetModel(PC, const char file[]);
PETSC_EXTERN PetscErrorCode PCGNNGetModel(PC, const char *file[]);
PETSC_EXTERN PetscErrorCode PCGNNSetDiagShift(PC, PetscReal);
PETSC_EXTERN PetscErrorCode PCGNNGetDiagShift(PC, PetscReal *);
PETSC_EXTERN PetscErrorCode PCGNNSetFallback(PC, PCGNNFallback);
PETSC_EXTERN PetscErrorCode PCGNNGetFallback(PC, PCGNNFallback *);
/* the setup check: accept the network's factor when K(L^-1 A L^-T) / K(D^-1/2 A D^-1/2) <= max */
PETSC_EXTERN PetscErrorCode PCGNNSetCheck(PC, PetscBool check, PetscReal max);
PETSC_EXTERN PetscErrorCode PCGNNGetCheck(PC, PetscBool *check, PetscReal *max);
/* after PCSetUp: the factor in use and its K ratio to Jacobi (NaN when the check is off) */
PETSC_EXTERN PetscErrorCode PCGNNGetFactorSource(PC, PCGNNFactorSource *, PetscReal *ratio);
PETSC_EXTERN PetscErrorCode PCGNNGetFactor(PC, Mat *);

/* The library's own IC(0) without shift on the pattern of tril(A) (PETSc does not expose
   its ICC factor's entries). *L is NULL and *failrow the failing row when a pivot is <= 0. */
PETSC_EXTERN PetscErrorCode KGNNComputeIC0(Mat A, Mat *L, PetscInt *failrow);
/* Make pc a PCSHELL that applies (L L^T)^-1 of a given factor (copied). */
PETSC_EXTERN PetscErrorCode KGNNPCSetFactor(PC pc, Mat L);

/* The CG comparison of the benchmark and the dataset: b = ones, x0 = 0, rtol 1e-8 on the
   unpreconditioned residual, <= 10000 iterations, no divergence tolerance; converged = reason > 0
   and true relative residual < 1e-6. */
typedef struct {
  PetscInt           its;
  KSPConvergedReason reason;
  PetscReal          relres;
  PetscBool          converged;
  PetscLogDouble     setup, solve;
} KGNNCGResult;
PETSC_EXTERN PetscErrorCode KGNNCGSetDefaults(KSP);
PETSC_EXTERN PetscErrorCode KGNNCGRun(KSP, KGNNCGResult *);

/* A list of matrices: a SuiteSparse MANIFEST.tsv (name and file columns) or one path a line. */
typedef struct {
  char name[256], path[PETSC_MAX_PATH_LEN];
} KGNNMatrixEntry;
PETSC_EXTERN PetscErrorCode KGNNMatrixListRead(const char list[], KGNNMatrixEntry **entries, PetscInt *count);
PETSC_EXTERN PetscBool      KGNNNameInList(const char name[], const char commalist[]);
/* Command-line programs: turn --option into -option before PetscInitialize(). */
PETSC_EXTERN void KGNNArgsSingleDash(int argc, char **argv);
/* One of kgnn's data files (name relative to share/: models/default.h5, python/plot_training.py):
   <prefix>/share/kgnn/name beside an installed libkgnn, else <root>/share/name in the build tree. */
PETSC_EXTERN PetscErrorCode KGNNGetShareFile(const char name[], char path[], size_t len, PetscBool *found);

/* Matrix Market (coordinate real/integer, symmetric or general, plain or .gz) or PETSc binary. */
PETSC_EXTERN PetscErrorCode KGNNMatLoad(MPI_Comm, const char file[], Mat *A);
/* A right-hand side from Matrix Market (array or coordinate, n x 1) or PETSc binary; layout of A. */
PETSC_EXTERN PetscErrorCode KGNNVecLoad(Mat A, const char file[], Vec *b);

/* The 2D 5-point Laplacian on an m x m grid (natural ordering), AIJ over comm. */
PETSC_EXTERN PetscErrorCode KGNNMatCreateLaplacian2D(MPI_Comm, PetscInt m, Mat *A);
/* The 3D 7-point Laplacian on an m x m x m grid (natural ordering), AIJ over comm. */
PETSC_EXTERN PetscErrorCode KGNNMatCreateLaplacian3D(MPI_Comm, PetscInt m, Mat *A);

/* The synthetic benchmark (Sec. 5.1, Eq. 8): the bidiagonal L with (L^-1)_ij = u_i v_j (i >= j),
   A = L L^T, and the Cholesky factor of a tridiagonal matrix. d = diagonal, e[j] = entry (j+1, j). */
PETSC_EXTERN PetscErrorCode KGNNSemiseparableBidiagonal(PetscInt n, const PetscReal *u, const PetscReal *v, PetscReal *d, PetscReal *e);
PETSC_EXTERN void           KGNNTridiagFromBidiagonal(PetscInt n, const PetscReal *d, const PetscReal *e, PetscReal *ad, PetscReal *ae);
PETSC_EXTERN void           KGNNTridiagCholesky(PetscInt n, const PetscReal *ad, const PetscReal *ae, PetscReal *d, PetscReal *e, PetscInt *fail);

/* Dataset files (share/doc/dataset-format.md): one HDF5 file, one sample per matrix. */
#define KGNN_DATASET_SCHEMA_VERSION 1
typedef struct _n_KGNNDataset *KGNNDataset;
typedef struct {
  PetscInt   n, nnz;
  PetscInt  *row, *col; /* every stored entry of A, both triangles, row by row, columns ascending */
  PetscReal *a, *y;     /* A_ij, and L_ij for i >= j (0 above the diagonal) */
  char       name[64], source[64];
  char       split[8], method[8]; /* "train"/"test"; "exact" (synthetic), "kopt" or "ic0" */
  char       category[16];        /* Figure 2: kopt_only, ic0_only, kopt_fewer, ic0_fewer, equal; none (synthetic) */
  PetscInt   iterations[2];       /* CG iterations with KOPT and IC(0), -1 if not run */
  PetscReal  lmin[2], lmax[2];    /* extreme eigenvalues of L^-1 A L^-T for both, NaN if not computed */
} KGNNSample;
PETSC_EXTERN PetscErrorCode KGNNDatasetCreate(const char path[], const char generator[], const char options[], PetscInt64 seed, KGNNDataset *);
PETSC_EXTERN PetscErrorCode KGNNDatasetWriteSample(KGNNDataset, const KGNNSample *);
PETSC_EXTERN PetscErrorCode KGNNDatasetSetString(KGNNDataset, const char name[], const char value[]);
/* A sample from a matrix and its factor: every stored entry of A an edge, y = L on and below the diagonal. */
PETSC_EXTERN PetscErrorCode KGNNSampleFromFactor(Mat A, Mat L, KGNNSample *);
PETSC_EXTERN PetscErrorCode KGNNDatasetOpen(const char path[], KGNNDataset *);
PETSC_EXTERN PetscErrorCode KGNNDatasetGetSize(KGNNDataset, PetscInt *);
PETSC_EXTERN PetscErrorCode KGNNDatasetReadSample(KGNNDataset, PetscInt, KGNNSample *);
PETSC_EXTERN PetscErrorCode KGNNDatasetClose(KGNNDataset *);
PETSC_EXTERN PetscErrorCode KGNNSampleDestroy(KGNNSample *);
/* One synthetic pair (A^m, L^m) of Eq. 8 of size n, u and v uniform in [umin, umax] from rnd. */
PETSC_EXTERN PetscErrorCode KGNNSyntheticSample(PetscInt n, PetscReal umin, PetscReal umax, PetscRandom rnd, KGNNSample *);

/* Extreme eigenvalues of the preconditioned operator L^-1 A L^-T (SLEPc): the largest by
   Krylov-Schur on the operator, the smallest as 1 / the largest of L^T A^-1 L (Cholesky of A). */
PETSC_EXTERN PetscErrorCode KGNNFactorSpectrum(Mat A, Mat L, PetscReal *lmin, PetscReal *lmax);

/* The PCGNN network (share/doc/model.md): weights from an HDF5 file written by
   share/python/export_pyg.py or kgnn-train; out[k] is its value on edge sender[k] -> receiver[k]
   (edges: every stored entry of A, a[k] = A_ij). */
typedef struct _p_KGNNNetwork *KGNNNetwork;
PETSC_EXTERN PetscErrorCode    KGNNNetworkLoad(const char file[], KGNNNetwork *);
PETSC_EXTERN PetscErrorCode    KGNNNetworkForward(KGNNNetwork, PetscInt n, PetscInt nnz, const PetscInt sender[], const PetscInt receiver[], const PetscReal a[], PetscReal out[]);
PETSC_EXTERN PetscErrorCode    KGNNNetworkView(KGNNNetwork, PetscViewer);
PETSC_EXTERN PetscErrorCode    KGNNNetworkDestroy(KGNNNetwork *);

/* kgnn-train (share/doc/training.md): options -dataset, -out, -node_model, -depth, ...; the
   history rows are epoch, train loss, test loss, test cosine similarity, learning rate, seconds */
typedef struct _n_KGNNTrainer *KGNNTrainer;
PETSC_EXTERN PetscErrorCode KGNNTrainerCreate(KGNNTrainer *);
PETSC_EXTERN PetscErrorCode KGNNTrainerSetFromOptions(KGNNTrainer);
PETSC_EXTERN PetscErrorCode KGNNTrainerRun(KGNNTrainer);
PETSC_EXTERN PetscErrorCode KGNNTrainerGetHistory(KGNNTrainer, PetscInt *, const PetscReal **);
PETSC_EXTERN PetscErrorCode KGNNTrainerGetInterrupted(KGNNTrainer, int *);
PETSC_EXTERN PetscErrorCode KGNNTrainerDestroy(KGNNTrainer *);

#endif
