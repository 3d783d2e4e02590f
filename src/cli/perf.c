/* kgnn-perf: the performance ratios of `make bench`, each against a peer measured in the same
   run on the same matrix (2D 5-point Poisson, m x m grid):
     - KOPT setup (MUMPS selected-inverse path) / MUMPS Cholesky factorization (PCCHOLESKY), and
       the selected-inversion path's setup beside it
     - KOPT apply / PCICC(0) apply (same nnz in the factor), best of several repetitions
   -selinv: KOPT setup on the selected-inversion path / CHOLMOD's analysis + factorization of the
   same matrix (its defaults), with the phases and the peak memory; -patterns: CG iterations
   against nnz(L) for the larger patterns of L and ICC(k) */
static const char help[] = "kgnn-perf [-grids 100,200,400] [-applies 200] [-reps 5]\n"
                           "kgnn-perf -gnn MODEL.h5 [-grids 100,316,1000] [-reps 3]: PCGNN inference and setup on 2D Poisson\n"
                           "kgnn-perf -selinv 2d:1000,3d:64,A.mtx [-reps 1]: KOPT setup (selected inversion) against CHOLMOD\n"
                           "kgnn-perf -patterns 2d:100,3d:20,A.mtx [-levels 2]: CG iterations and nnz(L), KOPT (tril, level:k, power:k) and ICC(k)\n"
                           "Exit codes: 0 done; 1 error (an unknown option, a bad value: one line on stderr).\n";

#include "../kgnn_cli.h"
#include "../factor/selinv.h"
#include <sys/resource.h>

static const KGNNCLIOption options[] = {
    {"-grids", "m1,m2,...", "m x m grids of the 2D Poisson matrix (at most 8)"},
    {"-applies", "200", "applies per timing"},
    {"-reps", "5", "repetitions (the best is kept)"},
    {"-gnn", "MODEL.h5", "time PCGNN with this model instead"},
    {"-selinv", "2d:M,3d:M,A.mtx", "KOPT's selected-inversion setup against CHOLMOD on these matrices instead"},
    {"-patterns", "2d:M,3d:M,A.mtx", "CG iterations against nnz(L): KOPT on tril, level:k, power:k and ICC(k), instead"},
    {"-levels", "2", "largest k of -patterns"},
    {NULL, NULL, NULL},
};

/* A PC of the given type on A, set up; *t = setup seconds. mumps: PCCHOLESKY through MUMPS,
   PCKOPT on its MUMPS path (else on the selected inversion) */
static PetscErrorCode MakePC(Mat A, const char *type, PetscBool mumps, PC *pc, PetscLogDouble *t)
{
  PetscLogDouble t0, t1;

  PetscFunctionBegin;
  PetscCall(PCCreate(PETSC_COMM_SELF, pc));
  PetscCall(PCSetType(*pc, type));
  PetscCall(PCSetOperators(*pc, A, A));
  if (mumps) PetscCall(PCFactorSetMatSolverType(*pc, MATSOLVERMUMPS));
  if (!strcmp(type, PCKOPT)) PetscCall(PCKOPTSetInverseMethod(*pc, mumps ? KGNN_INVERSE_MUMPS : KGNN_INVERSE_SELINV));
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
    Mat            A;
    PC             pc;
    PetscInt       n, nnz, *snd, *rcv;
    PetscReal     *a, *out;
    PetscLogDouble tinf = PETSC_MAX_REAL, tset = PETSC_MAX_REAL, t0, t1;
    struct rusage  ru;

    PetscCall(KGNNMatCreateLaplacian2D(PETSC_COMM_SELF, grids[g], &A));
    PetscCall(KGNNMatEdges(A, &n, &nnz, &snd, &rcv, &a));
    PetscCall(PetscMalloc1(nnz, &out));
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
    PetscCall(PetscFree(snd));
    PetscCall(PetscFree(rcv));
    PetscCall(PetscFree(a));
    PetscCall(PetscFree(out));
    PetscCall(MatDestroy(&A));
  }
  PetscCall(KGNNNetworkDestroy(&net));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A matrix of -selinv and -patterns: 2d:M (2D Poisson, M x M), 3d:M (3D Poisson, M^3) or a
   file; with A NULL only checked (before any output) */
static PetscErrorCode SpecMatrix(const char *spec, char name[], size_t len, Mat *A)
{
  long m = 0;

  PetscFunctionBegin;
  if ((!strncmp(spec, "2d:", 3) || !strncmp(spec, "3d:", 3)) && sscanf(spec + 3, "%ld", &m) == 1) {
    PetscCheck(m >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "%s: the grid size must be >= 1", spec);
    if (!A) PetscFunctionReturn(PETSC_SUCCESS);
    if (spec[0] == '2') PetscCall(KGNNMatCreateLaplacian2D(PETSC_COMM_SELF, (PetscInt)m, A));
    else PetscCall(KGNNMatCreateLaplacian3D(PETSC_COMM_SELF, (PetscInt)m, A));
    PetscCall(PetscSNPrintf(name, len, spec[0] == '2' ? "2D Poisson %ld^2" : "3D Poisson %ld^3", m));
  } else {
    const char *base = strrchr(spec, '/');
    PetscBool   ok;
    PetscCall(PetscTestFile(spec, 'r', &ok));
    PetscCheck(ok, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "%s: no such matrix file (nor 2d:M or 3d:M)", spec);
    if (!A) PetscFunctionReturn(PETSC_SUCCESS);
    PetscCall(KGNNMatLoad(PETSC_COMM_SELF, spec, A));
    PetscCall(PetscStrncpy(name, base ? base + 1 : spec, len));
    if (strchr(name, '.')) *strchr(name, '.') = 0;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* CHOLMOD's analysis and factorization of A with its defaults (ordering: AMD, METIS where AMD
   fills much; supernodal on these matrices), the reference of -selinv */
static PetscErrorCode CholmodReference(Mat A, PetscLogDouble *ta, PetscLogDouble *tf, double *lnz, double *mem, int *ordering)
{
  cholmod_common     c;
  cholmod_sparse    *G;
  cholmod_factor    *L;
  PetscInt           n, nz = 0;
  const PetscInt    *ia, *ja;
  const PetscScalar *va;
  PetscBool          done;
  KGNNCholInt       *Gp, *Gi;
  PetscScalar       *Gx;
  PetscLogDouble     t0, t1, t2;

  PetscFunctionBegin;
  KGNN_CHOLMOD(start)(&c);
  c.print = 0;
  PetscCall(MatGetRowIJ(A, 0, PETSC_FALSE, PETSC_FALSE, &n, &ia, &ja, &done));
  PetscCall(MatSeqAIJGetArrayRead(A, &va));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt p = ia[i]; p < ia[i + 1]; p++) nz += ja[p] >= i;
  G = KGNN_CHOLMOD(allocate_sparse)(n, n, nz, 1, 1, -1, CHOLMOD_REAL, &c);
  PetscCheck(G, PETSC_COMM_SELF, PETSC_ERR_MEM, "CHOLMOD cannot allocate the matrix");
  Gp = (KGNNCholInt *)G->p, Gi = (KGNNCholInt *)G->i, Gx = (PetscScalar *)G->x, nz = 0;
  for (PetscInt i = 0; i < n; i++) { /* row i from column i on = column i of the lower triangle */
    Gp[i] = (KGNNCholInt)nz;
    for (PetscInt p = ia[i]; p < ia[i + 1]; p++)
      if (ja[p] >= i) Gi[nz] = (KGNNCholInt)ja[p], Gx[nz++] = va[p];
  }
  Gp[n] = (KGNNCholInt)nz;
  PetscCall(MatSeqAIJRestoreArrayRead(A, &va));
  PetscCall(MatRestoreRowIJ(A, 0, PETSC_FALSE, PETSC_FALSE, &n, &ia, &ja, &done));
  PetscCall(PetscTime(&t0));
  L = KGNN_CHOLMOD(analyze)(G, &c);
  PetscCall(PetscTime(&t1));
  PetscCheck(L, PETSC_COMM_SELF, PETSC_ERR_LIB, "CHOLMOD analysis failed, status %d", c.status);
  KGNN_CHOLMOD(factorize)(G, L, &c);
  PetscCall(PetscTime(&t2));
  PetscCheck(c.status == CHOLMOD_OK, PETSC_COMM_SELF, PETSC_ERR_LIB, "CHOLMOD factorization failed, status %d", c.status);
  *ta = t1 - t0, *tf = t2 - t1, *lnz = c.lnz, *ordering = c.method[c.selected].ordering, *mem = (double)c.memory_usage;
  KGNN_CHOLMOD(free_factor)(&L, &c);
  KGNN_CHOLMOD(free_sparse)(&G, &c);
  KGNN_CHOLMOD(finish)(&c);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscLogDouble EventTime(PetscLogEvent e)
{
  PetscEventPerfInfo info;
  if (PetscLogEventGetPerfInfo(0, e, &info)) return 0;
  return info.time;
}

/* KOPT's setup on the selected-inversion path against CHOLMOD's analysis + factorization of the
   same matrix, in the same run (best of reps each), one line of a Markdown table per matrix:
   the ratio; the phases from the log events (KOPTSymbolic holds CHOLMOD's analysis of A + P,
   KOPTCholesky its factorization, KOPTSelInv the recurrences, KOPTColumns lines 2-7; the rest
   of the setup is the input checks, the diagonal scaling and the singular test); CHOLMOD's
   nnz(L) of A under its ordering and of A + P under PCKOPT's; the pairs read outside A's
   filled pattern; the peak resident memory of the process after KOPT's first setup (KOPT runs
   first) and CHOLMOD's own peak by its count */
static PetscErrorCode PerfSelInv(char **specs, PetscInt nspecs, PetscInt reps)
{
  PetscFunctionBegin;
  for (PetscInt k = 0; k < nspecs; k++) PetscCall(SpecMatrix(specs[k], NULL, 0, NULL));
  PetscCall(PetscLogDefaultBegin());
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "| matrix | n | CHOLMOD ordering | CHOLMOD analysis s | CHOLMOD factorization s | KOPT setup s | ratio | KOPT symbolic s | Cholesky s | selected inversion s | columns s | nnz(L) of A | nnz(L) with the pairs "
                                         "| pairs outside / read | peak RSS MB | CHOLMOD peak MB |\n"));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"));
  for (PetscInt k = 0; k < nspecs; k++) {
    char           name[PETSC_MAX_PATH_LEN];
    Mat            A;
    PetscInt       n, npairs, outside;
    PetscReal      lnzA, lnz;
    PetscLogDouble tk = PETSC_MAX_REAL, ta = PETSC_MAX_REAL, tf = PETSC_MAX_REAL, ph[4] = {0}, t0, t1;
    PetscLogEvent  ev[4] = {KGNN_KOPT_Symbolic, KGNN_KOPT_Cholesky, KGNN_KOPT_SelInv, KGNN_KOPT_Columns};
    double         clnz = 0, cmem = 0;
    int            ord = 0;
    struct rusage  ru;

    PetscCall(SpecMatrix(specs[k], name, sizeof(name), &A));
    PetscCall(MatGetSize(A, &n, NULL));
    for (PetscInt r = 0; r < reps; r++) {
      PC             pc;
      PCFailedReason why;
      PetscLogDouble e0[4], a = 0, f = 0;
      for (int q = 0; q < 4; q++) e0[q] = EventTime(ev[q]);
      PetscCall(PCCreate(PETSC_COMM_SELF, &pc));
      PetscCall(PCSetType(pc, PCKOPT));
      PetscCall(PCKOPTSetInverseMethod(pc, KGNN_INVERSE_SELINV));
      PetscCall(PCSetOperators(pc, A, A));
      PetscCall(PetscTime(&t0));
      PetscCall(PCSetUp(pc));
      PetscCall(PetscTime(&t1));
      PetscCall(PCGetFailedReason(pc, &why));
      PetscCheck(why == PC_NOERROR, PETSC_COMM_SELF, PETSC_ERR_LIB, "%s: PCKOPT failed", name);
      if (t1 - t0 < tk) {
        tk = t1 - t0;
        for (int q = 0; q < 4; q++) ph[q] = EventTime(ev[q]) - e0[q];
      }
      if (r == 0) getrusage(RUSAGE_SELF, &ru);
      PetscCall(PCKOPTGetSelInvInfo(pc, &npairs, &outside, &lnzA, &lnz));
      PetscCall(PCDestroy(&pc));
      PetscCall(CholmodReference(A, &a, &f, &clnz, &cmem, &ord));
      if (a + f < ta + tf) ta = a, tf = f;
    }
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "| %s | %d | %s | %.3f | %.3f | %.3f | %.2f | %.3f | %.3f | %.3f | %.3f | %.4g | %.4g | %d / %d | %.0f | %.0f |\n", name, (int)n, KGNNCholmodOrderingName(ord), ta, tf, tk, tk / (ta + tf), ph[0], ph[1],
                          ph[2], ph[3], clnz, lnz, (int)outside, (int)npairs, ru.ru_maxrss / 1024.0, cmem / 1048576.0));
    PetscCall(MatDestroy(&A));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* -patterns: CG (kgnn-bench's run: b = ones, rtol 1e-8, true residual < 1e-6) with PCKOPT on
   tril(A) = level:0 = power:1, level:1..K, power:0 (the diagonal) and power:2..K, and with
   PETSc's ICC(k) (its default Manteuffel shift where a pivot breaks down), k = 0..K: iterations and
   nnz(L) per cell, "fail" for a run that did not converge */
static PetscErrorCode PatternCell(Mat A, PetscBool kopt, KGNNPatternType type, PetscInt k, PetscInt *its, double *nnz, PetscLogDouble *setup)
{
  KSP          ksp;
  PC           pc;
  Mat          F;
  MatInfo      info;
  KGNNCGResult r;

  PetscFunctionBegin;
  PetscCall(KSPCreate(PETSC_COMM_SELF, &ksp));
  PetscCall(KGNNCGSetDefaults(ksp));
  PetscCall(KSPSetOperators(ksp, A, A));
  PetscCall(KSPGetPC(ksp, &pc));
  if (kopt) {
    PetscCall(PCSetType(pc, PCKOPT));
    PetscCall(PCKOPTSetPattern(pc, type, k));
  } else {
    PetscCall(PCSetType(pc, PCICC));
    PetscCall(PCFactorSetLevels(pc, k));
  }
  PetscCall(KGNNCGRun(ksp, &r));
  *its   = r.converged ? r.its : -1;
  *setup = r.setup;
  *nnz   = -1;
  if (kopt && r.reason != KSP_DIVERGED_PC_FAILED) {
    PetscCall(PCKOPTGetFactor(pc, &F));
    PetscCall(MatGetInfo(F, MAT_LOCAL, &info));
    PetscCall(MatDestroy(&F));
    *nnz = info.nz_used;
  } else if (!kopt) {
    PetscCall(PCFactorGetMatrix(pc, &F));
    PetscCall(MatGetInfo(F, MAT_LOCAL, &info));
    *nnz = info.nz_used;
  }
  PetscCall(KSPDestroy(&ksp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode PerfPatterns(char **specs, PetscInt nspecs, PetscInt K)
{
  PetscFunctionBegin;
  for (PetscInt k = 0; k < nspecs; k++) PetscCall(SpecMatrix(specs[k], NULL, 0, NULL));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "| matrix | n | L's pattern | KOPT iterations | KOPT nnz(L) | KOPT setup s | ICC(k) iterations | ICC(k) nnz(L) |\n|---|---|---|---|---|---|---|---|\n"));
  for (PetscInt q = 0; q < nspecs; q++) {
    char     name[PETSC_MAX_PATH_LEN];
    Mat      A;
    PetscInt n;

    PetscCall(SpecMatrix(specs[q], name, sizeof(name), &A));
    PetscCall(MatGetSize(A, &n, NULL));
    for (int row = 0; row < 2 * (int)K + 2; row++) { /* level:0..K beside ICC(0..K), then power:0, power:2..K+1 */
      PetscBool       level = row <= K ? PETSC_TRUE : PETSC_FALSE;
      PetscInt        k     = level ? row : (row == K + 1 ? 0 : row - K);
      KGNNPatternType type  = level ? (k ? KGNN_PATTERN_LEVEL : KGNN_PATTERN_TRIL) : KGNN_PATTERN_POWER;
      PetscInt        its = 0, icc_its = 0;
      double          nnz = 0, icc_nnz = 0;
      PetscLogDouble  t = 0, tc;
      char            pat[32], a[32], b[32] = "", c[32] = "";

      PetscCall(PatternCell(A, PETSC_TRUE, type, k, &its, &nnz, &t));
      if (level) PetscCall(PatternCell(A, PETSC_FALSE, type, k, &icc_its, &icc_nnz, &tc));
      PetscCall(PetscSNPrintf(pat, sizeof(pat), level ? (k ? "level:%d" : "tril = level:0 = power:1") : "power:%d", (int)k));
      PetscCall(PetscSNPrintf(a, sizeof(a), its < 0 ? "fail" : "%d", (int)its));
      if (level) {
        PetscCall(PetscSNPrintf(b, sizeof(b), icc_its < 0 ? "fail" : "%d", (int)icc_its));
        PetscCall(PetscSNPrintf(c, sizeof(c), "%.0f", icc_nnz));
      }
      PetscCall(PetscPrintf(PETSC_COMM_SELF, "| %s | %d | %s | %s | %.0f | %.3f | %s | %s |\n", name, (int)n, pat, a, nnz, t, b, c));
    }
    PetscCall(MatDestroy(&A));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(void)
{
  PetscInt    grids[8] = {100, 200, 400}, ngrids = 8, applies = 200, reps = 5;
  PetscBool   set, repset, help;
  PetscRandom rnd;

  PetscFunctionBegin;
  PetscCall(KGNNCLIBegin("kgnn-perf", options));
  PetscCall(KGNNCLICheckOptions(&help));
  if (help) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscOptionsGetIntArray(NULL, NULL, "-grids", grids, &ngrids, &set));
  if (!set) ngrids = 3;
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-applies", &applies, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-reps", &reps, &repset));
  PetscCheck(ngrids >= 1 && applies >= 1 && reps >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "need at least one grid, -applies >= 1 and -reps >= 1");
  for (PetscInt g = 0; g < ngrids; g++) PetscCheck(grids[g] >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-grids: %" PetscInt_FMT " is not a grid size (m >= 1)", grids[g]);
  {
    char     *specs[16];
    PetscInt  nspecs = 16;
    PetscBool sel, pat = PETSC_FALSE;
    PetscCall(PetscOptionsGetStringArray(NULL, NULL, "-selinv", specs, &nspecs, &sel));
    if (!sel) {
      nspecs = 16;
      PetscCall(PetscOptionsGetStringArray(NULL, NULL, "-patterns", specs, &nspecs, &pat));
    }
    if (sel || pat) {
      PetscInt K = 2;
      PetscCall(PetscOptionsGetInt(NULL, NULL, "-levels", &K, NULL));
      PetscCheck(K >= 0 && K <= 8, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-levels %" PetscInt_FMT ": need 0 <= k <= 8", K);
      if (sel) PetscCall(PerfSelInv(specs, nspecs, repset ? reps : 1));
      else PetscCall(PerfPatterns(specs, nspecs, K));
      for (PetscInt k = 0; k < nspecs; k++) PetscCall(PetscFree(specs[k]));
      PetscFunctionReturn(PETSC_SUCCESS);
    }
  }
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

  PetscCall(PetscPrintf(
      PETSC_COMM_SELF,
      "2D Poisson, one process; setup ratio = KOPT setup (MUMPS selected inverse) / MUMPS Cholesky, selinv ratio = KOPT setup (selected inversion on CHOLMOD's factor) / MUMPS Cholesky; apply ratio = KOPT apply / PCICC(0) apply (best of %d x %d)\n",
      (int)reps, (int)applies));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "| n | nnz(L) | MUMPS Cholesky s | KOPT setup s | setup ratio | KOPT selinv setup s | selinv ratio | ICC apply ms | KOPT apply ms | apply ratio |\n|---|---|---|---|---|---|---|---|---|---|\n"));
  for (PetscInt g = 0; g < ngrids; g++) {
    Mat            A, L;
    PC             chol, kopt, sel, icc;
    Vec            x, y;
    PetscLogDouble tchol = 0, tkopt = 0, tsel = 0, ticc = 0, aicc = 0, akopt = 0;
    MatInfo        info;

    PetscCall(KGNNMatCreateLaplacian2D(PETSC_COMM_SELF, grids[g], &A));
    PetscCall(MatCreateVecs(A, &x, &y));
    PetscCall(VecSetRandom(x, rnd));
    PetscCall(MakePC(A, PCCHOLESKY, PETSC_TRUE, &chol, &tchol));
    PetscCall(PCDestroy(&chol));
    PetscCall(MakePC(A, PCKOPT, PETSC_TRUE, &kopt, &tkopt));
    PetscCall(MakePC(A, PCKOPT, PETSC_FALSE, &sel, &tsel));
    PetscCall(PCDestroy(&sel));
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
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "| %d | %.0f | %.3f | %.3f | %.2f | %.3f | %.2f | %.4f | %.4f | %.3f |\n", (int)(grids[g] * grids[g]), (double)info.nz_used, tchol, tkopt, tkopt / tchol, tsel, tsel / tchol, 1e3 * aicc, 1e3 * akopt,
                          akopt / aicc));
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
