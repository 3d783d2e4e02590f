/* The same operator handed over as SEQAIJ, SEQSBAIJ (upper triangle only), SEQDENSE and as a
   one-rank MPIAIJ gives the same K-optimal factor: PCKOPT reads entries, not storage. The same
   entries then go through the same computation, and a BLAS call is deterministic for a given
   kernel, thread count and size (threads split the output, not a sum), so the factors are equal
   bit for bit: no round-off tolerance applies. */
#include "testutil.h"

int main(int argc, char **argv)
{
  Mat         A, B, L0, L;
  PetscReal   e, n0;
  const char *types[] = {MATSEQSBAIJ, MATSEQDENSE, MATMPIAIJ};

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  PetscCall(TestPoisson2D(PETSC_COMM_SELF, 8, &A));
  PetscCall(MatSetOption(A, MAT_SYMMETRIC, PETSC_TRUE)); /* SBAIJ conversion asks for it */
  PetscCall(TestKoptFactor(A, KGNN_INVERSE_AUTO, &L0));
  PetscCall(MatNorm(L0, NORM_FROBENIUS, &n0));
  for (int t = 0; t < 3; t++) {
    PetscCall(MatConvert(A, types[t], MAT_INITIAL_MATRIX, &B));
    PetscCall(TestKoptFactor(B, KGNN_INVERSE_AUTO, &L));
    PetscCall(MatAXPY(L, -1.0, L0, DIFFERENT_NONZERO_PATTERN));
    PetscCall(MatNorm(L, NORM_FROBENIUS, &e));
    CHECK(e == 0, "%s input: factor differs from the AIJ one by %.3e (relative)", types[t], (double)(e / n0));
    PetscCall(MatDestroy(&L));
    PetscCall(MatDestroy(&B));
  }
  PetscCall(MatDestroy(&L0));
  PetscCall(MatDestroy(&A));
  TEST_END();
}
