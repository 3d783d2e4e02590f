/* The benchmark data and the benchmark protocol, shared by the programs (kgnn-bench,
   kgnn-dataset, kgnn-train), the trainer and the tests: the CG comparison of preconditioners
   (src/dataset/protocol.c), the synthetic matrices of Sec. 5.1, the dataset files and their
   samples (src/io/dataset_h5.c), the spectrum of a preconditioned operator. Not installed
   (include/kgnn.h is the API); PETSC_EXTERN so that the programs, linked against libkgnn.so,
   see it. */
#ifndef KGNN_DATASET_H
#define KGNN_DATASET_H

#include <kgnn.h>

/* src/dataset/protocol.c: the CG comparison of the benchmark, the dataset and the tests (the
   paper's Sec. 5.2 and Figure 2): b = ones, x0 = 0, rtol 1e-8 on the unpreconditioned residual,
   <= 10000 iterations, no divergence tolerance; converged = reason > 0 and true relative
   residual < 1e-6. */
typedef struct {
  PetscInt           its;
  KSPConvergedReason reason;
  PetscReal          relres;
  PetscBool          converged;
  PetscLogDouble     setup, solve;
} KGNNCGResult;
PETSC_EXTERN PetscErrorCode KGNNCGSetDefaults(KSP);
PETSC_EXTERN PetscErrorCode KGNNCGRun(KSP, KGNNCGResult *);
/* CG as above preconditioned by a given factor (KGNNPCSetFactor) */
PETSC_EXTERN PetscErrorCode KGNNCGWithFactor(Mat A, Mat L, KGNNCGResult *);
/* PCKOPT's factor with the options of the command line, or NULL if PCKOPT fails (or refuses A) */
PETSC_EXTERN PetscErrorCode KGNNKoptFactorOrNull(Mat A, Mat *L);
/* Figure 2's category of a matrix from the CG runs with IC(0) and with the K-optimal factor:
   kopt_only, ic0_only, both_failed, kopt_fewer, ic0_fewer or equal */
PETSC_EXTERN const char *KGNNCategory(const KGNNCGResult *ic0, const KGNNCGResult *kopt);

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
/* y[k] = L_ij at the sample's entry k = (i, j) if j <= i, else 0 (sample.c) */
PETSC_EXTERN PetscErrorCode KGNNSampleLowerValues(const KGNNSample *, Mat L, PetscReal *y);
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

/* A trained model on a sample as a user meets it (quality.c): CG with PCGNN (no fallback) and with
   the sample's target factor, the cosine of the two factors, K(L^T A^-1 L) of PCGNN's over the
   target's (n <= dense_max, else NaN) and, if asked, cond(L^-1 A L^-T) of PCGNN's (else NaN) */
typedef struct {
  KGNNCGResult net, target;
  PetscReal    cosine, kratio, cond;
} KGNNQuality;
PETSC_EXTERN PetscErrorCode KGNNSampleQuality(const KGNNSample *, const char model[], PetscInt dense_max, PetscBool cond, KGNNQuality *);
/* K(L^T A^-1 L) / K(Lt^T A^-1 Lt) for two factors' values on the sample's lower entries (dense A^-1) */
PETSC_EXTERN PetscErrorCode KGNNSampleKaporinRatio(const KGNNSample *, const PetscReal *l, const PetscReal *lt, PetscReal *ratio);

#endif
