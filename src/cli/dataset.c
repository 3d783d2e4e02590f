/* kgnn-dataset: the paper's benchmark data (Sec. 5) as HDF5 files (share/doc/dataset-format.md). */
static const char help[] = "kgnn-dataset synthetic -out FILE [-train 1000] [-test 200] [-n 128] [-seed 1] [-umin 0.5] [-umax 1.5]\n"
                           "  the synthetic pairs (A^m, L^m) of Sec. 5.1 / Eq. 8: train samples first, then test\n"
                           "kgnn-dataset info FILE\n"
                           "  the file's attributes and a line per sample\n";

#include <kgnn.h>

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
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "%6d %-24s %-10s %-5s n=%-7d nnz=%-8d method=%s its kopt=%d ic0=%d\n", (int)k, s.name, s.source, s.split, (int)s.n, (int)s.nnz, s.method, (int)s.iterations[0], (int)s.iterations[1]));
    PetscCall(KGNNSampleDestroy(&s));
  }
  PetscCall(KGNNDatasetClose(&ds));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  PetscBool syn, info;

  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  PetscCall(KGNNInitializePackage());
  PetscCheck(argc >= 2, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "usage:\n%s", help);
  PetscCall(PetscStrcmp(argv[1], "synthetic", &syn));
  PetscCall(PetscStrcmp(argv[1], "info", &info));
  PetscCheck(syn || (info && argc >= 3), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "usage:\n%s", help);
  if (syn) PetscCall(Synthetic());
  else PetscCall(Info(argv[2]));
  PetscCall(PetscFinalize());
  return 0;
}
