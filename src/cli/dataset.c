/* kgnn-dataset: the paper's benchmark data (Sec. 5) as HDF5 files (share/doc/dataset-format.md). */
static const char help_text[] = "kgnn-dataset synthetic -out FILE [-train 1000] [-test 200] [-n 128] [-seed 1] [-umin 0.5] [-umax 1.5]\n"
                                "  the synthetic pairs (A^m, L^m) of Sec. 5.1 / Eq. 8: train samples first, then test\n"
                                "kgnn-dataset suitesparse -matrices MANIFEST.tsv -out FILE [-parts DIR] [-resume] [-only a,b] [-maxn N] [-test_percent 20] [-spectrum false]\n"
                                "  per matrix the K-optimal and the IC(0) factor, CG with each (as kgnn-bench), and the pair (A, L)\n"
                                "  of the one with fewer iterations (K-optimal on a tie); matrices where both fail are excluded.\n"
                                "  Each matrix is kept in DIR (default FILE.parts) as it finishes: -resume skips those done.\n"
                                "kgnn-dataset info FILE\n"
                                "  the file's attributes and a line per sample\n"
                                "Exit codes: 0 done; 1 error (an unknown option, a bad value, an empty selection, a size beyond memory: one line on stderr).\n";

#include "../kgnn_cli.h"
#include <math.h>

/* the options of each command: the check before the work accepts these (and, for suitesparse,
   PCKOPT's, which the K-optimal factor reads) */
static const KGNNCLIOption synthetic_options[] = {
    {"-out", "FILE", "the dataset file to write"},
    {"-train", "1000", "training samples (written first)"},
    {"-test", "200", "test samples"},
    {"-n", "128", "rows of each matrix"},
    {"-seed", "1", "seed of u and v (PETSc's rand48)"},
    {"-umin", "0.5", "u and v are uniform in [umin, umax], umin > 0"},
    {"-umax", "1.5", "(umax >= umin)"},
    {NULL, NULL, NULL},
};
static const KGNNCLIOption suitesparse_options[] = {
    {"-matrices", "MANIFEST.tsv|list.txt", "the matrices (a SuiteSparse manifest or one .mtx path a line)"},
    {"-out", "FILE", "the dataset file to write"},
    {"-parts", "DIR", "one file per matrix as it finishes (default FILE.parts)"},
    {"-resume", NULL, "skip the matrices whose part is done"},
    {"-only", "a,b", "only these matrices (names of the list)"},
    {"-maxn", "N", "skip matrices with more rows"},
    {"-test_percent", "20", "percentage of matrices in the test split (0..100)"},
    {"-spectrum", "<bool>", "extreme eigenvalues of L^-1 A L^-T (SLEPc; default true)"},
    {NULL, NULL, NULL},
};

static PetscErrorCode Synthetic(void)
{
  char        out[PETSC_MAX_PATH_LEN], opts[512];
  PetscInt    ntrain = 1000, ntest = 200, n = 128, seed = 1;
  PetscReal   umin = 0.5, umax = 1.5;
  PetscBool   flg;
  PetscRandom rnd;
  KGNNDataset ds;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-out", out, sizeof(out), &flg));
  PetscCheck(flg, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "kgnn-dataset synthetic needs -out FILE");
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-train", &ntrain, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-test", &ntest, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-n", &n, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-seed", &seed, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-umin", &umin, NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-umax", &umax, NULL));
  PetscCheck(ntrain >= 0 && ntest >= 0 && n >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "need -train >= 0, -test >= 0, -n >= 1");
  PetscCheck(ntrain + ntest >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-train 0 -test 0: no samples to write");
  PetscCheck(umin > 0 && umax >= umin, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-umin %g -umax %g: need 0 < umin <= umax", (double)umin, (double)umax);
  /* a sample has 3n - 2 entries, indexed by PetscInt; the peak is KGNNSyntheticSample's eight
     work vectors and the sample (row, col, a, y), or the sample and the 64-bit edge index the
     writer makes of it: both are checked before the first is allocated */
  PetscCheck(n <= ((PetscInt64)PETSC_MAX_INT + 2) / 3, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-n %" PetscInt_FMT ": a sample's 3n - 2 = %lld entries exceed what a %d-bit PetscInt build can hold (at most -n %lld)", n, 3 * (long long)n - 2,
             (int)(8 * sizeof(PetscInt)), ((long long)PETSC_MAX_INT + 2) / 3);
  {
    const double nnz = 3.0 * n - 2, entry = 2.0 * sizeof(PetscInt) + 2.0 * sizeof(PetscReal);
    char         what[64];
    PetscCall(PetscSNPrintf(what, sizeof(what), "-n %" PetscInt_FMT ": one sample", n));
    PetscCall(KGNNCheckMemory(what, PetscMax(8.0 * n * sizeof(PetscReal) + nnz * entry, nnz * (entry + 2 * sizeof(PetscInt64)))));
  }
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "synthetic train=%d test=%d n=%d seed=%d u,v uniform in [%g, %g]", (int)ntrain, (int)ntest, (int)n, (int)seed, (double)umin, (double)umax));
  PetscCall(PetscRandomCreate(PETSC_COMM_SELF, &rnd));
  PetscCall(PetscRandomSetType(rnd, PETSCRAND48)); /* the same stream on every machine */
  PetscCall(PetscRandomSetSeed(rnd, (unsigned long)seed));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(KGNNDatasetCreate(out, "kgnn-dataset synthetic", opts, (PetscInt64)seed, &ds));
  for (PetscInt k = 0; k < ntrain + ntest; k++) {
    KGNNSample s;
    PetscCall(KGNNSyntheticSample(n, umin, umax, rnd, &s));
    PetscCall(PetscSNPrintf(s.name, sizeof(s.name), "synthetic_%06d", (int)k));
    PetscCall(PetscStrncpy(s.split, k < ntrain ? "train" : "test", sizeof(s.split)));
    PetscCall(KGNNDatasetWriteSample(ds, &s));
    PetscCall(KGNNSampleDestroy(&s));
  }
  PetscCall(KGNNDatasetClose(&ds));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "wrote %s: %d train + %d test synthetic samples, n = %d\n", out, (int)ntrain, (int)ntest, (int)n));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* fixed train/test split by a hash of the name (FNV-1a, 32 bit): the same on every machine */
static PetscBool IsTest(const char *name, PetscInt percent)
{
  unsigned int h = 2166136261u;
  for (const unsigned char *c = (const unsigned char *)name; *c; c++) h = (h ^ *c) * 16777619u;
  return (PetscInt)(h % 100u) < percent ? PETSC_TRUE : PETSC_FALSE;
}

/* extreme eigenvalues of L^-1 A L^-T (SLEPc), NaN if they cannot be had */
static PetscErrorCode Eigenvalues(Mat A, Mat L, PetscReal *lmin, PetscReal *lmax)
{
  PetscErrorCode ierr;

  PetscFunctionBegin;
  *lmin = *lmax = (PetscReal)NAN;
  if (!L) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = KGNNFactorSpectrum(A, L, lmin, lmax);
  PetscCall(PetscPopErrorHandler());
  if (ierr) *lmin = *lmax = (PetscReal)NAN;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* one matrix: DIR/NAME.h5 with its sample, or DIR/NAME.excluded when both fail */
static PetscErrorCode SuiteSparseOne(const KGNNMatrixEntry *e, const char *part, const char *excluded, PetscInt test_percent, PetscBool spectrum, char *line, size_t len)
{
  Mat          A, Lk = NULL, Li = NULL, Lbest;
  KGNNCGResult rk = {0}, ri = {0};
  PetscInt     failrow;
  KGNNSample   s;
  KGNNDataset  ds;
  PetscBool    kok, iok, usek;

  PetscFunctionBegin;
  PetscCall(KGNNMatLoad(PETSC_COMM_SELF, e->path, &A));
  PetscCall(KGNNKoptFactorOrNull(A, &Lk));
  if (Lk) PetscCall(KGNNCGWithFactor(A, Lk, &rk));
  PetscCall(KGNNComputeIC0(A, &Li, &failrow));
  if (Li) PetscCall(KGNNCGWithFactor(A, Li, &ri));
  kok  = Lk && rk.converged;
  iok  = Li && ri.converged;
  usek = kok && (!iok || rk.its <= ri.its);
  if (!kok && !iok) { /* the marker too is written atomically */
    char  tmp[PETSC_MAX_PATH_LEN + 320];
    FILE *f;
    PetscCall(KGNNAtomicOpen(excluded, tmp, sizeof(tmp), &f));
    fprintf(f, "%s: K-optimal %s, IC(0) %s\n", e->name, Lk ? KSPConvergedReasons[rk.reason] : "factor failed", Li ? KSPConvergedReasons[ri.reason] : "factor failed");
    PetscCall(KGNNAtomicClose(&f, tmp, excluded));
    PetscCall(PetscSNPrintf(line, len, "excluded: both failed (K-optimal %s, IC(0) %s)", Lk ? KSPConvergedReasons[rk.reason] : "factor failed", Li ? KSPConvergedReasons[ri.reason] : "factor failed"));
  } else {
    Lbest = usek ? Lk : Li;
    PetscCall(KGNNSampleFromFactor(A, Lbest, &s));
    PetscCall(PetscStrncpy(s.name, e->name, sizeof(s.name)));
    PetscCall(PetscStrncpy(s.source, "SuiteSparse", sizeof(s.source)));
    PetscCall(PetscStrncpy(s.method, usek ? "kopt" : "ic0", sizeof(s.method)));
    PetscCall(PetscStrncpy(s.category, KGNNCategory(&ri, &rk), sizeof(s.category)));
    PetscCall(PetscStrncpy(s.split, IsTest(e->name, test_percent) ? "test" : "train", sizeof(s.split)));
    s.iterations[0] = kok ? rk.its : -1;
    s.iterations[1] = iok ? ri.its : -1;
    if (spectrum) {
      PetscCall(Eigenvalues(A, Lk, &s.lmin[0], &s.lmax[0]));
      PetscCall(Eigenvalues(A, Li, &s.lmin[1], &s.lmax[1]));
    }
    PetscCall(KGNNDatasetCreate(part, "kgnn-dataset suitesparse", e->path, 0, &ds));
    PetscCall(KGNNDatasetWriteSample(ds, &s));
    PetscCall(KGNNDatasetClose(&ds));
    PetscCall(PetscSNPrintf(line, len, "n=%d nnz=%d K-optimal %s, IC(0) %s -> %s (%s)", (int)s.n, (int)s.nnz, Lk ? KSPConvergedReasons[rk.reason] : "factor failed", Li ? KSPConvergedReasons[ri.reason] : "factor failed", s.method, s.split));
    if (Lk) PetscCall(PetscSNPrintf(line + strlen(line), len - strlen(line), ", K-optimal %d its", (int)rk.its));
    if (Li) PetscCall(PetscSNPrintf(line + strlen(line), len - strlen(line), ", IC(0) %d its", (int)ri.its));
    if (spectrum) PetscCall(PetscSNPrintf(line + strlen(line), len - strlen(line), ", cond %.2e / %.2e", (double)(s.lmax[0] / s.lmin[0]), (double)(s.lmax[1] / s.lmin[1])));
    PetscCall(KGNNSampleDestroy(&s));
  }
  PetscCall(MatDestroy(&Lk));
  PetscCall(MatDestroy(&Li));
  PetscCall(MatDestroy(&A));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscBool Exists(const char *path)
{
  FILE *f = fopen(path, "r");
  if (f) fclose(f);
  return f ? PETSC_TRUE : PETSC_FALSE;
}

static PetscErrorCode SuiteSparse(void)
{
  char             list[PETSC_MAX_PATH_LEN], out[PETSC_MAX_PATH_LEN], parts[PETSC_MAX_PATH_LEN + 8] = "", only[4096] = "", *excl;
  PetscBool        flg, resume = PETSC_FALSE, spectrum = PETSC_TRUE;
  PetscInt         count, maxn = PETSC_MAX_INT, test_percent = 20, nsamples = 0;
  KGNNMatrixEntry *m;
  KGNNDataset      ds;
  size_t           exclen = 1;

  PetscFunctionBegin;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-matrices", list, sizeof(list), &flg));
  PetscCheck(flg, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "kgnn-dataset suitesparse needs -matrices MANIFEST.tsv (or a list of .mtx paths)");
  PetscCall(PetscOptionsGetString(NULL, NULL, "-out", out, sizeof(out), &flg));
  PetscCheck(flg, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "kgnn-dataset suitesparse needs -out FILE");
  PetscCall(PetscSNPrintf(parts, sizeof(parts), "%s.parts", out));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-parts", parts, sizeof(parts), NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-resume", &resume, NULL));
  PetscCall(PetscOptionsGetBool(NULL, NULL, "-spectrum", &spectrum, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-only", only, sizeof(only), NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-maxn", &maxn, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-test_percent", &test_percent, NULL));
  PetscCheck(test_percent >= 0 && test_percent <= 100, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-test_percent %" PetscInt_FMT ": a percentage, 0 to 100", test_percent);
  PetscCheck(maxn >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-maxn %" PetscInt_FMT ": need at least 1 row", maxn);
  PetscCall(KGNNMatrixListRead(list, &m, &count));
  PetscCall(KGNNCLICheckSelection(list, m, count, only, "-only"));
  PetscCall(PetscMkdir(parts));
  PetscCall(PetscCalloc1(count * 258 + 1, &excl));
  for (PetscInt k = 0; k < count; k++) {
    char part[PETSC_MAX_PATH_LEN + 300], excluded[PETSC_MAX_PATH_LEN + 300], line[512] = "resumed";
    if (!KGNNNameInList(m[k].name, only)) continue;
    PetscCall(PetscSNPrintf(part, sizeof(part), "%s/%s.h5", parts, m[k].name));
    PetscCall(PetscSNPrintf(excluded, sizeof(excluded), "%s/%s.excluded", parts, m[k].name));
    if (!(resume && (Exists(part) || Exists(excluded)))) {
      Mat      A;
      PetscInt n;
      PetscCall(KGNNMatLoad(PETSC_COMM_SELF, m[k].path, &A));
      PetscCall(MatGetSize(A, &n, NULL));
      PetscCall(MatDestroy(&A));
      if (n > maxn) {
        PetscCall(PetscPrintf(PETSC_COMM_SELF, "[%d/%d] %-16s n=%d: skipped (-maxn %d)\n", (int)k + 1, (int)count, m[k].name, (int)n, (int)maxn));
        continue;
      }
      (void)remove(part);
      (void)remove(excluded);
      PetscCall(SuiteSparseOne(&m[k], part, excluded, test_percent, spectrum, line, sizeof(line)));
    }
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "[%d/%d] %-16s %s\n", (int)k + 1, (int)count, m[k].name, line));
  }
  /* assemble the parts in list order; none (every matrix skipped or excluded) is an error */
  for (PetscInt k = 0; k < count; k++) {
    char part[PETSC_MAX_PATH_LEN + 300];
    if (!KGNNNameInList(m[k].name, only)) continue;
    PetscCall(PetscSNPrintf(part, sizeof(part), "%s/%s.h5", parts, m[k].name));
    if (Exists(part)) nsamples++;
  }
  if (!nsamples) {
    PetscCall(PetscFree(excl));
    PetscCall(PetscFree(m));
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "no samples for %s: every matrix selected was skipped (-maxn %" PetscInt_FMT ") or excluded (both factors failed)", out, maxn);
  }
  nsamples = 0;
  PetscCall(KGNNDatasetCreate(out, "kgnn-dataset suitesparse", list, 0, &ds));
  for (PetscInt k = 0; k < count; k++) {
    char        part[PETSC_MAX_PATH_LEN + 300], excluded[PETSC_MAX_PATH_LEN + 300];
    KGNNDataset p;
    KGNNSample  s;
    if (!KGNNNameInList(m[k].name, only)) continue;
    PetscCall(PetscSNPrintf(part, sizeof(part), "%s/%s.h5", parts, m[k].name));
    PetscCall(PetscSNPrintf(excluded, sizeof(excluded), "%s/%s.excluded", parts, m[k].name));
    if (Exists(excluded)) {
      if (exclen > 1) PetscCall(PetscStrlcat(excl, ",", count * 258 + 1));
      PetscCall(PetscStrlcat(excl, m[k].name, count * 258 + 1));
      exclen++;
      continue;
    }
    if (!Exists(part)) continue; /* skipped by -maxn */
    PetscCall(KGNNDatasetOpen(part, &p));
    PetscCall(KGNNDatasetReadSample(p, 0, &s));
    PetscCall(KGNNDatasetWriteSample(ds, &s));
    PetscCall(KGNNSampleDestroy(&s));
    PetscCall(KGNNDatasetClose(&p));
    nsamples++;
  }
  PetscCall(KGNNDatasetSetString(ds, "excluded", excl));
  PetscCall(KGNNDatasetClose(&ds));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "wrote %s: %d samples; excluded (both failed): %s\n", out, (int)nsamples, excl[0] ? excl : "none"));
  PetscCall(PetscFree(excl));
  PetscCall(PetscFree(m));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Info(const char *file)
{
  KGNNDataset ds;
  PetscInt    ns;

  PetscFunctionBegin;
  PetscCall(KGNNDatasetOpen(file, &ds));
  PetscCall(KGNNDatasetGetSize(ds, &ns));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "%s: %d samples\n", file, (int)ns));
  for (PetscInt k = 0; k < ns; k++) {
    KGNNSample s;
    PetscCall(KGNNDatasetReadSample(ds, k, &s));
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "%6d %-24s %-10s %-5s n=%-7d nnz=%-8d method=%s category=%s its kopt=%d ic0=%d\n", (int)k, s.name, s.source, s.split, (int)s.n, (int)s.nnz, s.method, s.category, (int)s.iterations[0], (int)s.iterations[1]));
    PetscCall(KGNNSampleDestroy(&s));
  }
  PetscCall(KGNNDatasetClose(&ds));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* PCKOPT's options, asked of a PC made for the purpose (the real ones are made per matrix) */
static PetscErrorCode ConfigureKopt(void *ctx)
{
  PC pc;

  PetscFunctionBegin;
  PetscCall(PCCreate(PETSC_COMM_SELF, &pc));
  PetscCall(PCSetType(pc, PCKOPT));
  PetscCall(PCSetFromOptions(pc));
  PetscCall(PCDestroy(&pc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Run(int argc, char **argv)
{
  PetscBool      syn = PETSC_FALSE, info = PETSC_FALSE, ss = PETSC_FALSE, help;
  PetscErrorCode err = PETSC_SUCCESS;

  PetscFunctionBegin;
  PetscCall(KGNNCLIBegin("kgnn-dataset", NULL));
  if (argc >= 2) {
    PetscCall(PetscStrcmp(argv[1], "synthetic", &syn));
    PetscCall(PetscStrcmp(argv[1], "info", &info));
    PetscCall(PetscStrcmp(argv[1], "suitesparse", &ss));
  }
  if (syn) PetscCall(KGNNCLIAddOptions(synthetic_options));
  if (ss) {
    PetscCall(KGNNCLIAddOptions(suitesparse_options));
    PetscCall(KGNNCLICollect(ConfigureKopt, NULL, PETSC_TRUE, &err));
  }
  PetscCall(PetscOptionsHasName(NULL, NULL, "-help", &help));
  if (!help) { /* the command first: without it every option would look unknown */
    PetscCheck(argc >= 2 && argv[1][0] != '-', PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "no command: kgnn-dataset synthetic|suitesparse|info ...; kgnn-dataset -help shows them");
    PetscCheck(syn || ss || info, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "unknown command %s: kgnn-dataset synthetic|suitesparse|info ...; kgnn-dataset -help shows them", argv[1]);
    PetscCheck(!info || (argc >= 3 && argv[2][0] != '-'), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "info needs a FILE: kgnn-dataset info FILE");
  }
  PetscCall(KGNNCLICheckOptions(&help));
  if (help) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(err);
  if (syn) PetscCall(Synthetic());
  else if (ss) PetscCall(SuiteSparse());
  else PetscCall(Info(argv[2]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  KGNNArgsSingleDash(argc, argv);
  PetscCall(PetscInitialize(&argc, &argv, NULL, help_text));
  PetscCall(KGNNInitializePackage());
  return KGNNCLIEnd(Run(argc, argv), KGNN_EXIT_OK);
}
