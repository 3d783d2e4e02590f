/* The two ways of getting the entries of A^-1 (dense LAPACK inverse, MUMPS selected entries)
   are independent algorithms: on SuiteSparse matrices they must give the same K-optimal L,
   to 1e-10 on well-conditioned ones and to a tolerance that grows with the condition number
   (from MANIFEST.tsv) on the others, max(1e-10, 100 eps cond). The same holds with and
   without the diagonal scaling (-pc_kopt_diagonal_scale), which must not change the factor. */
#include "testutil.h"

#define SS "../shared/matrices/suitesparse/"

/* cond2_est of a matrix, read from the manifest (column 11) */
static PetscErrorCode ManifestCond(const char *name, PetscReal *cond)
{
  FILE *f = fopen(SS "MANIFEST.tsv", "r");
  char  line[8192];

  PetscFunctionBegin;
  *cond = -1;
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open " SS "MANIFEST.tsv");
  while (fgets(line, sizeof(line), f)) {
    char *tok = strtok(line, "\t");
    if (!tok || strcmp(tok, name)) continue;
    for (int c = 2; c <= 11 && tok; c++) tok = strtok(NULL, "\t");
    if (tok) *cond = atof(tok);
    break;
  }
  fclose(f);
  PetscCheck(*cond > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "no cond2_est for %s in the manifest", name);
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  const char *names[] = {"mesh1e1", "nos4", "bcsstk02", "Trefethen_500", "Journals", "gr_30_30", "bcsstk09", "nos3", "bcsstk01", "494_bus", "1138_bus"};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
    char      path[PETSC_MAX_PATH_LEN];
    Mat       A, Ld, Lm;
    PetscReal cond, tol, e, nl;

    PetscCall(PetscSNPrintf(path, sizeof(path), SS "%s.mtx", names[k]));
    PetscCall(ManifestCond(names[k], &cond));
    tol = PetscMax(1e-10, 100 * PETSC_MACHINE_EPSILON * cond);
    PetscCall(KGNNMatLoad(PETSC_COMM_SELF, path, &A));
    PetscCall(TestKoptFactor(A, KGNN_INVERSE_DENSE, &Ld));
    PetscCall(TestKoptFactor(A, KGNN_INVERSE_MUMPS, &Lm));
    PetscCall(MatNorm(Ld, NORM_FROBENIUS, &nl));
    PetscCall(MatAXPY(Lm, -1.0, Ld, SAME_NONZERO_PATTERN));
    PetscCall(MatNorm(Lm, NORM_FROBENIUS, &e));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%-14s cond %.2e  |L_dense - L_mumps| / |L_dense| = %.2e (tol %.1e)", names[k], (double)cond, (double)(e / nl), (double)tol));
    CHECK(e <= tol * nl, "%s: dense and MUMPS factors differ by %.3e > %.1e", names[k], (double)(e / nl), (double)tol);
    PetscCall(MatDestroy(&Lm));
    PetscCall(PetscOptionsSetValue(NULL, "-pc_kopt_diagonal_scale", "false"));
    PetscCall(TestKoptFactor(A, KGNN_INVERSE_DENSE, &Lm));
    PetscCall(PetscOptionsClearValue(NULL, "-pc_kopt_diagonal_scale"));
    PetscCall(MatAXPY(Lm, -1.0, Ld, SAME_NONZERO_PATTERN));
    PetscCall(MatNorm(Lm, NORM_FROBENIUS, &e));
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, ", unscaled vs scaled %.2e\n", (double)(e / nl)));
    CHECK(e <= tol * nl, "%s: factors with and without diagonal scaling differ by %.3e > %.1e", names[k], (double)(e / nl), (double)tol);
    PetscCall(MatDestroy(&Ld));
    PetscCall(MatDestroy(&Lm));
    PetscCall(MatDestroy(&A));
  }
  TEST_END();
}
