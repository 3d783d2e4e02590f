/* A plain dgemm_ (the reference BLAS interface, column-major) for building src/model without a
   BLAS library: the GPU machine has none outside PyTorch (share/check_cuda.sh links this only
   when -lblas does not link). Each entry a sum over l in ascending order; the results differ
   from OpenBLAS's in the order of the sums only, which the checks' tolerances allow for. */
void dgemm_(const char *ta, const char *tb, const int *m, const int *n, const int *k, const double *alpha, const double *A, const int *lda, const double *B, const int *ldb, const double *beta, double *C, const int *ldc)
{
  const int at = *ta == 'T' || *ta == 't', bt = *tb == 'T' || *tb == 't';
  for (int j = 0; j < *n; j++)
    for (int i = 0; i < *m; i++) {
      double s = 0, *c = &C[i + (long)j * *ldc];
      for (int l = 0; l < *k; l++) s += (at ? A[l + (long)i * *lda] : A[i + (long)l * *lda]) * (bt ? B[j + (long)l * *ldb] : B[l + (long)j * *ldb]);
      /* beta = 0 ignores what C held (NaN included), as BLAS does */
      *c = *beta == 0 ? *alpha * s : *alpha * s + *beta * *c;
    }
}
