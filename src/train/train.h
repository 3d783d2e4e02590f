/* kgnn-train's internals: batches of samples as one graph, the losses, the optimiser and its
   schedule, and the trainer's state shared by its files:
     trainer.c     the loop: epochs, batches, evaluation, early stopping
     options.c     KGNNTrainerSetFromOptions: the options and their checks
     data.c        the samples of the dataset, train and test
     checkpoint.c  the weights' files: -init, the best weights (-out), checkpoints (-resume)
     log.c         the CSV log and the progress lines
     report.c      the test split as a preconditioner after training: CG iterations, K
     batch.c, loss.c, adam.c   batches and their losses, the losses, Adam and StepLR
     kopt_loss.c   -loss kopt: each sample's blocks of A^-1, K(L^T A^-1 L) over PCKOPT's
     Kaporin's K as two losses with exact gradients: src/factor/kaporin_trace.c (shared with PCKOPT) */
#ifndef KGNN_TRAIN_H
#define KGNN_TRAIN_H

#include "../kgnn_impl.h"
#include "../factor/factor.h"
#include "../io/io.h"
#include "../io/model_face.h"
#include "../dataset/dataset.h"

typedef enum {
  KGNN_LOSS_COSINE,  /* 1 - cos(L, L_target) over L's entries: the paper's, the default */
  KGNN_LOSS_L2,      /* mean squared difference: the one the paper found unstable */
  KGNN_LOSS_FREE,    /* |L L^T z - A z|^2 / |A z|^2, random z: no target needed */
  KGNN_LOSS_KAPORIN, /* log of K(L^-1 A L^-T) over Jacobi's (src/factor/kaporin_trace.c): no target needed */
  KGNN_LOSS_KOPT     /* log of K(L^T A^-1 L) over PCKOPT's factor's (kopt_loss.c): A^-1's blocks per sample */
} KGNNLoss;
#define KGNN_NUM_LOSSES 5

/* kopt_loss.c: -loss kopt's data for one sample, made once: L's pattern, the blocks
   B_i = A^-1(s_i, s_i) of the matrix the network sees, and log K at PCKOPT's factor */
typedef struct {
  PetscInt          *rowptr, *colidx; /* L's CSR pattern: the sample's lower edges, in their order */
  KGNNKaporinPattern P;
  PetscReal         *B;
  PetscReal          fopt;
} KGNNKoptLoss;
PETSC_INTERN PetscErrorCode KGNNKoptLossCreate(const KGNNSample *, PetscBool jacobi, KGNNKoptLoss *);
PETSC_INTERN PetscErrorCode KGNNKoptLossDestroy(KGNNKoptLoss *);
PETSC_INTERN PetscErrorCode KGNNKoptLossEval(const KGNNKoptLoss *, PetscInt m, const PetscInt *row, const PetscInt *col, const PetscReal *p, PetscReal cap, PetscReal *dp, PetscReal *loss);

typedef struct {
  KGNNGraph                  G;
  PetscInt                   ngraphs, *sender, *receiver, *batch, *eptr, *nptr; /* graph g: edges eptr[g].., nodes nptr[g].. */
  PetscReal                 *a, *y;
  const KGNNKoptLoss *const *kopt; /* -loss kopt: graph g's data (the trainer's; NULL otherwise) */
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

/* batch.c: Rademacher probes for the Kaporin loss (the loss itself: src/factor/kaporin_trace.c) */
PETSC_INTERN void KGNNKaporinProbes(KGNNRandom *, PetscInt n, PetscInt nprobe, PetscReal *z);

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
  char       breakdown[PETSC_MAX_PATH_LEN]; /* -breakdown_model FILE: train a cascade's first network (data.c), FILE's network its second */
  PetscInt   samples;                       /* -samples: 0 all, 1 ic0_exists, 2 ic0_breaks (the samples the losses read, data.c) */
  KGNNLoss   loss;
  PetscInt   epochs, batch, patience, step_size, every, max_train, max_test, stop_after;
  PetscReal  lr, gamma;
  PetscReal  init_ic0, init_ic0_noise, init_ic0_shift, init_ic0_damp, init_ic0_posdamp; /* -init_ic0 FLOOR: an ElimOrder network that starts as IC(0) (src/model/elim_init.c); 0: off */
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
  PetscInt      ntrain, ntest;
  KGNNSample   *train, *test;
  PetscInt     *ltest, nltest;          /* the test samples of the test loss: all, or those -samples keeps */
  KGNNModel     bd;                     /* -breakdown_model's network, written into every weight file as /breakdown */
  PetscInt      nskip[2];               /* -samples: training and test samples left out of the losses */
  KGNNKoptLoss *kopt_train, *kopt_test; /* -loss kopt: each sample's blocks of A^-1 (data.c) */
};

/* data.c */
PETSC_INTERN PetscErrorCode KGNNTrainerLoadData(KGNNTrainer);
PETSC_INTERN PetscErrorCode KGNNSampleCSR(const KGNNSample *, const PetscReal *a, PetscInt **rowptr, KGNNCSR *); /* a sample's A as CSR */
PETSC_INTERN PetscErrorCode KGNNTrainerKoptBlocks(KGNNTrainer);                                                  /* -loss kopt, after the weights (their scaling) */
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
