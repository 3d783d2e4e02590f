/* kgnn-perf: the performance ratios of `make bench`, each against a peer measured in the same
   run on the same matrix (2D 5-point Poisson, m x m grid):
     - KOPT setup (MUMPS selected-inverse path) / MUMPS Cholesky factorization (PCCHOLESKY)
     - KOPT apply / PCICC(0) apply (same nnz in the factor), best of several repetitions */
static const char help[] = "kgnn-perf [-grids 100,200,400] [-applies 200] [-reps 5]\n"
                           "kgnn-perf -gnn MODEL.h5 [-grids 100,316,1000] [-reps 3]: PCGNN inference and setup on 2D Poisson\n"
                           "Exit codes: 0 done; 1 error (an unknown option, a bad value: one line on stderr).\n";

#include "../kgnn_cli.h"
#include <sys/resource.h>

static const KGNNCLIOption options[] = {
    {"-grids", "m1,m2,...", "m x m grids of the 2D Poisson matrix (at most 8)"},
    {"-applies", "200", "applies per timing"},
    {"-reps", "5", "repetitions (the best is kept)"},
    {"-gnn", "MODEL.h5", "time PCGNN with this model instead"},
    {NULL, NULL, NULL},
};

/* A PC of the given type on A, set up; *t = setup seconds */
static PetscErrorCode MakePC(Mat A, const char *type, PetscBool mumps, PC *pc, PetscLogDouble *t)
{
  PetscLogDouble t0, t1;

  PetscFunctionBegin;
  PetscCall(PCCreate(PETSC_COMM_SELF, pc));
  PetscCall(PCSetType(*pc, type));
  PetscCall(PCSetOperators(*pc, A, A));
  if (mumps) PetscCall(PCFactorSetMatSolverType(*pc, MATSOLVERMUMPS));
  if (!strcmp(type, PCKOPT)) PetscCall(PCKOPTSetInverseMethod(*pc, KGNN_INVERSE_MUMPS));
  PetscCall(PetscTime(&t0));
  PetscCall(PCSetUp(*pc));
  PetscCall(PetscTime(&t1));
  *t = t1 - t0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* best over reps of (time of `applies` applies) / applies */
static PetscErrorCode ApplyTime(PC pc, Vec x, Vec y, PetscInt applies, PetscInt reps, PetscLogDouble *t)
{
  PetscFunctionBegin;
  *t = PETSC_MAX_REAL;
  for (PetscInt r = 0; r < reps; r++) {
    PetscLogDouble t0, t1;
    PetscCall(PetscTime(&t0));
    for (PetscInt k = 0; k < applies; k++) PetscCall(PCApply(pc, x, y));
    PetscCall(PetscTime(&t1));
    *t = PetscMin(*t, (t1 - t0) / applies);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* PCGNN on 2D Poisson: best-of-reps time of the network's forward pass and of the whole PCSetUp
   (graph + inference + factor assembly), and the peak resident memory; one line per grid,
   `kgnn m n nnz inference_s setup_s peak_rss_mb`, joined with bench_pyg.py's by share/bench.sh */
static PetscErrorCode PerfGNN(const char *model, const PetscInt *grids, PetscInt ngrids, PetscInt reps)
{
  KGNNNetwork net;

  PetscFunctionBegin;
  PetscCall(KGNNNetworkLoad(model, &net));
  for (PetscInt g = 0; g < ngrids; g++) {
    Mat                A;
    PC                 pc;
    PetscInt           n, nnz, *snd, *rcv;
    const PetscInt    *ia, *ja;
    const PetscScalar *va;
    PetscReal         *a, *out;
    PetscBool          done;
    PetscLogDouble     tinf = PETSC_MAX_REAL, tset = PETSC_MAX_REAL, t0, t1;
    struct rusage      ru;

    PetscCall(KGNNMatCreateLaplacian2D(PETSC_COMM_SELF, grids[g], &A));
    PetscCall(MatGetRowIJ(A, 0, PETSC_FALSE, PETSC_FALSE, &n, &ia, &ja, &done));
    PetscCall(MatSeqAIJGetArrayRead(A, &va));
    nnz = ia[n];
    PetscCall(PetscMalloc4(nnz, &snd, nnz, &rcv, nnz, &a, nnz, &out));
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt p = ia[i]; p < ia[i + 1]; p++) snd[p] = i, rcv[p] = ja[p], a[p] = PetscRealPart(va[p]);
    PetscCall(MatSeqAIJRestoreArrayRead(A, &va));
    {
      PetscInt nr; /* MatRestoreRowIJ may reset its size argument */
      PetscCall(MatRestoreRowIJ(A, 0, PETSC_FALSE, PETSC_FALSE, &nr, &ia, &ja, &done));
    }
    for (PetscInt r = 0; r < reps; r++) {
      PetscCall(PetscTime(&t0));
      PetscCall(KGNNNetworkForward(net, n, nnz, snd, rcv, a, out));
      PetscCall(PetscTime(&t1));
      tinf = PetscMin(tinf, t1 - t0);
      PetscCall(PCCreate(PETSC_COMM_SELF, &pc));
      PetscCall(PCSetType(pc, PCGNN));
      PetscCall(PCGNNSetModel(pc, model));
      PetscCall(PCGNNSetDiagShift(pc, 0.5)); /* random weights: keep L usable */
      PetscCall(PCSetOperators(pc, A, A));
      PetscCall(PetscTime(&t0));
      PetscCall(PCSetUp(pc));
      PetscCall(PetscTime(&t1));
      tset = PetscMin(tset, t1 - t0);
      PetscCall(PCDestroy(&pc));
    }
    getrusage(RUSAGE_SELF, &ru);
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "kgnn %d %d %d %.6f %.6f %.1f\n", (int)grids[g], (int)n, (int)nnz, tinf, tset, ru.ru_maxrss / 1024.0));
    PetscCall(PetscFree4(snd, rcv, a, out));
    PetscCall(MatDestroy(&A));
  }
  PetscCall(KGNNNetworkDestroy(&net));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(void)
{
  PetscInt    grids[8] = {100, 200, 400}, ngrids = 8, applies = 200, reps = 5;
  PetscBool   set, help;
  PetscRandom rnd;

  PetscFunctionBegin;
  PetscCall(KGNNCLIBegin("kgnn-perf", options));
  PetscCall(KGNNCLICheckOptions(&help));
  if (help) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-grids", grids, &ngrids, &set));
  if (!set) ngrids = 3;
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-applies", &applies, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-reps", &reps, NULL));
  PetscCheck(ngrids >= 1 && applies >= 1 && reps >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "need at least one grid, -applies >= 1 and -reps >= 1");
  for (PetscInt g = 0; g < ngrids; g++) PetscCheck(grids[g] >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-grids: %" PetscInt_FMT " is not a grid size (m >= 1)", grids[g]);
  {
    char      model[PETSC_MAX_PATH_LEN];
    PetscBool gnn;
    PetscCall(PetscOptionsGetString(NULL, NULL, "-gnn", model, sizeof(model), &gnn));
    if (gnn) {
      PetscCall(PerfGNN(model, grids, ngrids, reps));
      PetscFunctionReturn(PETSC_SUCCESS);
    }
  }
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));

  PetscCall(PetscPrintf(PETSC_COMM_SELF, "2D Poisson, one process; setup ratio = KOPT setup (MUMPS selected inverse) / MUMPS Cholesky; apply ratio = KOPT apply / PCICC(0) apply (best of %d x %d)\n", (int)reps, (int)applies));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "| n | nnz(L) | MUMPS Cholesky s | KOPT setup s | setup ratio | ICC apply ms | KOPT apply ms | apply ratio |\n|---|---|---|---|---|---|---|---|\n"));
  for (PetscInt g = 0; g < ngrids; g++) {
    Mat            A, L;
    PC             chol, kopt, icc;
    Vec            x, y;
    PetscLogDouble tchol = 0, tkopt = 0, ticc = 0, aicc = 0, akopt = 0;
    MatInfo        info;

    PetscCall(KGNNMatCreateLaplacian2D(PETSC_COMM_SELF, grids[g], &A));
    PetscCall(MatCreateVecs(A, &x, &y));
    PetscCall(VecSetRandom(x, rnd));
    PetscCall(MakePC(A, PCCHOLESKY, PETSC_TRUE, &chol, &tchol));
    PetscCall(PCDestroy(&chol));
    PetscCall(MakePC(A, PCKOPT, PETSC_FALSE, &kopt, &tkopt));
    PetscCall(MakePC(A, PCICC, PETSC_FALSE, &icc, &ticc));
    PetscCall(PCKOPTGetFactor(kopt, &L));
    PetscCall(MatGetInfo(L, MAT_LOCAL, &info));
    /* interleave the two so that machine noise hits both alike */
    PetscCall(ApplyTime(icc, x, y, applies, 1, &aicc));
    PetscCall(ApplyTime(kopt, x, y, applies, 1, &akopt));
    for (PetscInt r = 1; r < reps; r++) {
      PetscLogDouble a, b;
      PetscCall(ApplyTime(icc, x, y, applies, 1, &a));
      PetscCall(ApplyTime(kopt, x, y, applies, 1, &b));
      aicc  = PetscMin(aicc, a);
      akopt = PetscMin(akopt, b);
    }
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "| %d | %.0f | %.3f | %.3f | %.2f | %.4f | %.4f | %.3f |\n", (int)(grids[g] * grids[g]), (double)info.nz_used, tchol, tkopt, tkopt / tchol, 1e3 * aicc, 1e3 * akopt, akopt / aicc));
    PetscCall(MatDestroy(&L));
    PetscCall(PCDestroy(&kopt));
    PetscCall(PCDestroy(&icc));
    PetscCall(VecDestroy(&x));
    PetscCall(VecDestroy(&y));
    PetscCall(MatDestroy(&A));
  }
  PetscCall(PetscRandomDestroy(&rnd));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(KGNNInitializePackage());
  return KGNNCLIEnd(Run(), KGNN_EXIT_OK);
}
