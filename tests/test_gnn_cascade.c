/* A cascade model file (issue 12): the root's network where IC(0) of A exists, the group
   /breakdown's where it breaks down (a pivot <= 0). Checked against the two networks saved alone:
   - PCGNN with the cascade gives, bit for bit, the factor of the first network alone on matrices
     where IC(0) exists (2D Poisson, nos4), and that of the breakdown network alone where it
     breaks down (Kershaw's 4 x 4 SPD matrix, the classic IC(0) breakdown, and bcsstk06);
   - which one ran is decided by IC(0) itself (the library's KGNNIC0Factor, checked against
     PETSc's PCICC by test_ic0_vs_icc): here against a dense IC(0) loop, and against what is known
     of the matrices (Kershaw's breaks down, as IC(0) does on bcsstk06 in kgnn-bench);
   - PCView names the network that ran, and a file without /breakdown is a single network;
   - where the network's factor is unusable, the cascade's shifted IC(0) fallback (which skips
     alpha = 0 where the test saw IC(0) of A break down) is a single network's, bit for bit.
   The networks are the starts of kgnn-train -init_ic0 (IC(0) itself) and -init_ic0_damp 0.3, so
   the two differ on every matrix with an off-diagonal entry. */
#include "testutil.h"
#include "io/model_face.h"

static PetscErrorCode WriteB(hid_t f, void *ctx)
{
  PetscFunctionBegin;
  PetscCall(KGNNModelSaveBreakdown(f, (KGNNModel *)ctx));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Start(KGNNModel *M, PetscReal damp)
{
  KGNNRandom r = {91};

  PetscFunctionBegin;
  PetscCall(PetscMemzero(M, sizeof(*M)));
  PetscCall(KGNNNodeModelFromName("ElimOrder", &M->node_model));
  M->depth = 1, M->hidden = 16, M->jacobi = PETSC_TRUE;
  PetscCall(KGNNModelSetUp(M));
  PetscCall(KGNNModelInitIC0(M, &r, 1e-4, 1.0, 0, damp, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* IC(0) on tril(A)'s pattern by a dense loop: does every pivot stay positive? */
static PetscErrorCode DenseIC0Exists(Mat A, PetscBool *exists)
{
  PetscInt     n;
  PetscScalar *D;

  PetscFunctionBegin;
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(TestDense(A, &D)); /* column-major; the loop overwrites its lower triangle with L */
  *exists = PETSC_TRUE;
  for (PetscInt j = 0; j < n && *exists; j++) {
    PetscReal z = D[j + j * n];
    for (PetscInt k = 0; k < j; k++) z -= D[j + k * n] * D[j + k * n];
    if (!(z > 0)) {
      *exists = PETSC_FALSE;
      break;
    }
    D[j + j * n] = PetscSqrtReal(z);
    for (PetscInt i = j + 1; i < n; i++) {
      PetscScalar c = D[i + j * n];
      if (c == 0) continue; /* off the pattern: dropped */
      for (PetscInt k = 0; k < j; k++) c -= D[i + k * n] * D[j + k * n];
      D[i + j * n] = c / D[j + j * n];
    }
  }
  PetscCall(PetscFree(D));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FactorOf(Mat A, const char *model, PetscScalar **D, char *view, size_t len)
{
  PC                pc;
  Mat               L;
  PCGNNFactorSource src;
  PetscReal         ratio;
  TestGnnCtx        c = {model, PCGNN_SCALE_MODEL};

  PetscFunctionBegin;
  PetscCall(TestGnnPC(A, &c, &pc)); /* the network's own factor: no fallback, no check */
  PetscCall(PCGNNGetFactorSource(pc, &src, &ratio));
  CHECK(src == PCGNN_FACTOR_NETWORK, "%s: PCGNN applies the %s factor, not the network's", model, PCGNNFactorSources[src]);
  PetscCall(PCGNNGetFactor(pc, &L));
  PetscCall(TestDense(L, D));
  PetscCall(MatDestroy(&L));
  if (view) {
    PetscViewer v;
    FILE       *fp;
    size_t      got;
    PetscCall(PetscViewerASCIIOpen(PETSC_COMM_SELF, "build/tests/cascade_view.txt", &v));
    PetscCall(PCView(pc, v));
    PetscCall(PetscViewerDestroy(&v));
    fp = fopen("build/tests/cascade_view.txt", "r");
    CHECK(fp, "cannot read the PCView output back");
    got       = fp ? fread(view, 1, len - 1, fp) : 0;
    view[got] = 0;
    if (fp) fclose(fp);
  }
  PetscCall(PCDestroy(&pc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* PCGNN's default path (the check on, -pc_gnn_fallback ic0) with a network whose factor is
   unusable (zero outputs: a zero diagonal), so the shifted IC(0) fallback supplies the factor */
static PetscErrorCode FallbackOf(Mat A, const char *model, PetscScalar **D, PetscReal *ratio)
{
  PC                pc;
  Mat               L;
  PCGNNFactorSource src;

  PetscFunctionBegin;
  PetscCall(PCCreate(PETSC_COMM_SELF, &pc));
  PetscCall(PCSetType(pc, PCGNN));
  PetscCall(PCGNNSetModel(pc, model));
  PetscCall(PCSetOperators(pc, A, A));
  PetscCall(PCSetUp(pc));
  PetscCall(PCGNNGetFactorSource(pc, &src, ratio));
  CHECK(src == PCGNN_FACTOR_IC0, "%s: PCGNN applies the %s factor, not the IC(0) fallback's", model, PCGNNFactorSources[src]);
  PetscCall(PCGNNGetFactor(pc, &L));
  PetscCall(TestDense(L, D));
  PetscCall(MatDestroy(&L));
  PetscCall(PCDestroy(&pc));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The fallback of a cascade skips IC(0) of A (alpha = 0) where the cascade's test saw it break
   down; it must pick the same shift, hence the same factor bit for bit, as a single network's
   fallback, which tries alpha = 0 itself */
static PetscErrorCode CheckFallback(const char *name, Mat A, const char *zcascade, const char *zsingle)
{
  PetscInt     n;
  PetscScalar *Dc, *Ds;
  PetscReal    rc, rs;

  PetscFunctionBegin;
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(FallbackOf(A, zcascade, &Dc, &rc));
  PetscCall(FallbackOf(A, zsingle, &Ds, &rs));
  CHECK(!memcmp(Dc, Ds, sizeof(PetscScalar) * n * n) && rc == rs, "%s: the cascade's IC(0) fallback (K ratio %g) differs from a single network's (%g; relative difference %.2e)", name, (double)rc, (double)rs, (double)TestRelDiff(n, Dc, Ds));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s: the cascade's IC(0) fallback equals a single network's bit for bit (K ratio to Jacobi %.4g)\n", name, (double)rc));
  PetscCall(PetscFree(Dc));
  PetscCall(PetscFree(Ds));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Check(const char *name, Mat A, PetscInt expect, const char *cascade, const char *first, const char *second)
{
  PetscInt     n;
  PetscScalar *Dc, *D1, *D2;
  PetscBool    dense = PETSC_FALSE, same1, same2;
  char         view[8192];

  PetscFunctionBegin;
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(DenseIC0Exists(A, &dense));
  CHECK((PetscInt)dense == expect, "%s: IC(0) %s, the test expected it to %s", name, dense ? "exists" : "breaks down", expect ? "exist" : "break down");
  PetscCall(FactorOf(A, cascade, &Dc, view, sizeof(view)));
  PetscCall(FactorOf(A, first, &D1, NULL, 0));
  PetscCall(FactorOf(A, second, &D2, NULL, 0));
  same1 = !memcmp(Dc, D1, sizeof(PetscScalar) * n * n) ? PETSC_TRUE : PETSC_FALSE;
  same2 = !memcmp(Dc, D2, sizeof(PetscScalar) * n * n) ? PETSC_TRUE : PETSC_FALSE;
  CHECK(TestRelDiff(n, D1, D2) > 1e-3, "%s: the two networks give nearly the same factor (%.2e): the test cannot tell them apart", name, (double)TestRelDiff(n, D1, D2));
  CHECK(dense ? same1 : same2, "%s: IC(0) %s, yet the cascade's factor is not the %s network's bit for bit (relative difference %.2e)", name, dense ? "exists" : "breaks down", dense ? "first" : "breakdown",
        (double)TestRelDiff(n, Dc, dense ? D1 : D2));
  CHECK(strstr(view, dense ? "cascade: IC(0) of A exists: the first network ran" : "the breakdown network ran") != NULL, "%s: PCView does not say which network ran:\n%s", name, view);
  CHECK(strstr(view, "network where IC(0) of A breaks down: ElimOrder") != NULL, "%s: PCView does not show the breakdown network:\n%s", name, view);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s (n = %d): IC(0) %s (a dense loop); the cascade's factor is the %s network's bit for bit (the other's differs by %.2e)\n", name, (int)n, dense ? "exists" : "breaks down", dense ? "first" : "breakdown",
                        (double)TestRelDiff(n, D1, D2)));
  PetscCall(PetscFree(Dc));
  PetscCall(PetscFree(D1));
  PetscCall(PetscFree(D2));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  KGNNModel   P, B, Z;
  KGNNNetwork net, bd;
  char        pc[PETSC_MAX_PATH_LEN], pp[PETSC_MAX_PATH_LEN], pb[PETSC_MAX_PATH_LEN], zc[PETSC_MAX_PATH_LEN], zs[PETSC_MAX_PATH_LEN];
  Mat         A;
  /* Kershaw (1978): SPD, and IC(0) breaks down on it */
  const PetscScalar K[16] = {3, -2, 0, 2, -2, 3, -2, 0, 0, -2, 3, -2, 2, 0, -2, 3};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  PetscCall(PetscSNPrintf(pc, sizeof(pc), "build/tests/cascade_%d.h5", (int)getpid()));
  PetscCall(PetscSNPrintf(pp, sizeof(pp), "build/tests/cascade_first_%d.h5", (int)getpid()));
  PetscCall(PetscSNPrintf(pb, sizeof(pb), "build/tests/cascade_breakdown_%d.h5", (int)getpid()));
  PetscCall(PetscSNPrintf(zc, sizeof(zc), "build/tests/cascade_zero_%d.h5", (int)getpid()));
  PetscCall(PetscSNPrintf(zs, sizeof(zs), "build/tests/cascade_zero_single_%d.h5", (int)getpid()));
  PetscCall(Start(&P, 0));
  PetscCall(Start(&B, 0.3));
  PetscCall(Start(&Z, 0)); /* its decoder's last layer zeroed: every output 0, so L's diagonal is 0 */
  for (KGNNInt k = 0; k < Z.dec.l2.in * Z.dec.l2.out; k++) Z.dec.l2.W[k] = 0;
  for (KGNNInt k = 0; Z.dec.l2.b && k < Z.dec.l2.out; k++) Z.dec.l2.b[k] = 0;
  PetscCall(KGNNModelSave(&Z, zc, WriteB, &Z));
  PetscCall(KGNNModelSave(&Z, zs, NULL, NULL));
  PetscCall(KGNNModelDestroy(&Z));
  PetscCall(KGNNModelSave(&P, pc, WriteB, &B));
  PetscCall(KGNNModelSave(&P, pp, NULL, NULL));
  PetscCall(KGNNModelSave(&B, pb, NULL, NULL));
  PetscCall(KGNNModelDestroy(&P));
  PetscCall(KGNNModelDestroy(&B));

  /* the handle: a cascade file has a breakdown network, a single network file none */
  PetscCall(KGNNNetworkLoad(pc, &net));
  PetscCall(KGNNNetworkGetBreakdown(net, &bd));
  CHECK(bd != NULL, "%s: no breakdown network loaded", pc);
  PetscCall(KGNNNetworkDestroy(&net));
  PetscCall(KGNNNetworkLoad(pp, &net));
  PetscCall(KGNNNetworkGetBreakdown(net, &bd));
  CHECK(bd == NULL, "%s: a breakdown network where the file has none", pp);
  PetscCall(KGNNNetworkDestroy(&net));

  PetscCall(TestPoisson2D(PETSC_COMM_SELF, 20, &A));
  PetscCall(Check("poisson 20x20", A, 1, pc, pp, pb));
  PetscCall(CheckFallback("poisson 20x20", A, zc, zs));
  PetscCall(MatDestroy(&A));
  PetscCall(KGNNMatLoad(PETSC_COMM_SELF, "../shared/matrices/suitesparse/nos4.mtx", &A));
  PetscCall(Check("nos4", A, 1, pc, pp, pb));
  PetscCall(CheckFallback("nos4", A, zc, zs));
  PetscCall(MatDestroy(&A));
  PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, 4, 4, 4, NULL, &A));
  for (PetscInt i = 0; i < 4; i++)
    for (PetscInt j = 0; j < 4; j++)
      if (K[i * 4 + j] != 0) PetscCall(MatSetValue(A, i, j, K[i * 4 + j], INSERT_VALUES)); /* the zeros off the pattern */
  PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  PetscCall(Check("Kershaw 4x4", A, 0, pc, pp, pb));
  PetscCall(CheckFallback("Kershaw 4x4", A, zc, zs));
  PetscCall(MatDestroy(&A));
  PetscCall(KGNNMatLoad(PETSC_COMM_SELF, "../shared/matrices/suitesparse/bcsstk06.mtx", &A));
  PetscCall(Check("bcsstk06", A, 0, pc, pp, pb));
  PetscCall(CheckFallback("bcsstk06", A, zc, zs));
  PetscCall(MatDestroy(&A));
  unlink(pc), unlink(pp), unlink(pb), unlink(zc), unlink(zs), unlink("build/tests/cascade_view.txt");
  TEST_END();
}
