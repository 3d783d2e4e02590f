/* kgnn-train's internals: batches of samples as one graph, the losses, the optimiser and its
   schedule, and the trainer's state shared by its files:
     trainer.c     the loop: epochs, batches, evaluation, early stopping
     options.c     KGNNTrainerSetFromOptions: the options and their checks
     data.c        the samples of the dataset, train and test
     checkpoint.c  the weights' files: -init, the best weights (-out), checkpoints (-resume)
     log.c         the CSV log and the progress lines
     report.c      the test split as a preconditioner after training: CG iterations, K
     batch.c, loss.c, adam.c   batches and their losses, the losses, Adam and StepLR
     kaporin_loss.c            Kaporin's K of a factor as two losses, with exact gradients */
#ifndef KGNN_TRAIN_H
#define KGNN_TRAIN_H

#include "../kgnn_impl.h"
#include "../io/io.h"
#include "../io/model_face.h"
#include "../dataset/dataset.h"

typedef enum {
  KGNN_LOSS_COSINE, /* 1 - cos(L, L_target) over L's entries: the paper's, the default */
  KGNN_LOSS_L2,     /* mean squared difference: the one the paper found unstable */
  KGNN_LOSS_FREE,   /* |L L^T z - A z|^2 / |A z|^2, random z: no target needed */
  KGNN_LOSS_KAPORIN /* log of K(L^-1 A L^-T) over Jacobi's (kaporin_loss.c): no target needed */
} KGNNLoss;
#define KGNN_NUM_LOSSES 4

typedef struct {
  KGNNGraph  G;
  PetscInt   ngraphs, *sender, *receiver, *batch, *eptr, *nptr; /* graph g: edges eptr[g].., nodes nptr[g].. */
  PetscReal *a, *y;
} KGNNBatch;

PETSC_INTERN PetscErrorCode KGNNBatchCreate(PetscInt count, KGNNSample *const s[], KGNNBatch *);
PETSC_INTERN PetscErrorCode KGNNBatchDestroy(KGNNBatch *);
PETSC_INTERN PetscErrorCode KGNNBatchJacobi(KGNNBatch *); /* -scale jacobi: A -> D^-1/2 A D^-1/2, L -> D^-1/2 L per graph */
PETSC_INTERN PetscErrorCode KGNNBatchLoss(const KGNNBatch *, KGNNLoss, const PetscReal *p, PetscReal *dp, KGNNRandom *, PetscReal *loss, PetscReal *cos);

/* loss.c: the losses on one graph's edges, each with its gradient; the losses' option names */
PETSC_INTERN PetscReal   KGNNCosineLoss(PetscInt m, const PetscInt *row, const PetscInt *col, const PetscReal *p, const PetscReal *t, PetscReal *dp);
PETSC_INTERN PetscReal   KGNNL2Loss(PetscInt m, const PetscInt *row, const PetscInt *col, const PetscReal *p, const PetscReal *t, PetscReal *dp);
PETSC_INTERN const char *KGNNLossName(KGNNLoss);
PETSC_INTERN KGNNLoss    KGNNLossFromName(const char *); /* -1 if none */

/* kaporin_loss.c: log K(L^T A^-1 L) and log K(L^-1 A L^-T) (Kaporin's K, the paper's Eq. 3) on
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
PETSC_INTERN void           KGNNKaporinProbes(KGNNRandom *, PetscInt n, PetscInt nprobe, PetscReal *z);

/* adam.c: torch.optim.Adam's step and torch.optim.lr_scheduler.StepLR's rate */
PETSC_INTERN void      KGNNAdamStep(PetscInt n, PetscReal *p, const PetscReal *g, PetscReal *m, PetscReal *v, PetscInt t, PetscReal lr, PetscReal b1, PetscReal b2, PetscReal eps);
PETSC_INTERN PetscReal KGNNStepLR(PetscReal lr0, PetscReal gamma, PetscInt step_size, PetscInt epoch);

/* ---- the trainer ---- */
#define KGNN_TRAIN_NHIST 6        /* columns of the log: epoch, train loss, test loss, test cosine, lr, seconds */
#define KGNN_TRAIN_MAX_BATCH 1024 /* graphs in one batch (training and evaluation) */

struct _n_KGNNTrainer {
  /* options (options.c) */
  char       evaluate[PETSC_MAX_PATH_LEN]; /* -evaluate MODEL: judge it on the test split, no training */
  char       dataset[PETSC_MAX_PATH_LEN], out[PETSC_MAX_PATH_LEN], ckpt[PETSC_MAX_PATH_LEN], init[PETSC_MAX_PATH_LEN], log[PETSC_MAX_PATH_LEN];
  KGNNLoss   loss;
  PetscInt   epochs, batch, patience, step_size, every, max_train, max_test, stop_after;
  PetscReal  lr, gamma;
  PetscInt64 seed;
  PetscBool  shuffle, resume, quiet;
  PetscBool  quality, quality_cond;      /* the test split as a preconditioner after training (report.c) */
  PetscInt   quality_max, quality_dense; /* at most this many samples; K ratio up to this n */
  /* the network: its architecture from the options or -init */
  KGNNModel M, G, Am, Av, best; /* weights, gradients, Adam's moments, the best weights so far */
  int       interrupted;        /* the signal that stopped the run, 0 if none */
  /* state, all of it in a checkpoint */
  PetscInt   epoch, step, next_batch, bad, best_epoch, nlog;
  PetscReal  best_loss, part_sum, part_time;
  PetscReal *hist; /* nlog rows of KGNN_TRAIN_NHIST */
  /* data (data.c) */
  PetscInt    ntrain, ntest;
  KGNNSample *train, *test;
};

/* data.c */
PETSC_INTERN PetscErrorCode KGNNTrainerLoadData(KGNNTrainer);
/* checkpoint.c */
PETSC_INTERN PetscErrorCode KGNNTrainerSetUpWeights(KGNNTrainer);
PETSC_INTERN PetscErrorCode KGNNTrainerSaveBest(KGNNTrainer);
PETSC_INTERN PetscErrorCode KGNNTrainerSaveCheckpoint(KGNNTrainer);
PETSC_INTERN PetscErrorCode KGNNTrainerLoadCheckpoint(KGNNTrainer);
/* log.c */
PETSC_INTERN PetscErrorCode KGNNTrainerViewStart(KGNNTrainer);
PETSC_INTERN PetscErrorCode KGNNTrainerLogEpoch(KGNNTrainer, PetscReal train_loss, PetscReal test_loss, PetscReal test_cos, PetscReal lr, PetscReal seconds);
PETSC_INTERN PetscErrorCode KGNNTrainerWriteLog(KGNNTrainer);
PETSC_INTERN PetscErrorCode KGNNTrainerViewEnd(KGNNTrainer);
/* report.c */
PETSC_INTERN PetscErrorCode KGNNTrainerQualityReport(KGNNTrainer, const char model[]);

#endif
