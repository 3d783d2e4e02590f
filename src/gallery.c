/* Test operators that the tests, benchmarks and (later) the dataset share. */
#include "kgnn_impl.h"

/* The 2D 5-point Laplacian (4 on the diagonal, -1 to the four neighbours) on an m x m grid,
   natural row-by-row ordering, Dirichlet boundary; AIJ, rows split over comm. */
PetscErrorCode KGNNMatCreateLaplacian2D(MPI_Comm comm, PetscInt m, Mat *A)
{
  PetscInt N = m * m, rs, re;

  PetscFunctionBegin;
  PetscCheck(m >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "grid size m = %" PetscInt_FMT " must be >= 0", m);
  PetscCall(MatCreateAIJ(comm, PETSC_DECIDE, PETSC_DECIDE, N, N, 5, NULL, 4, NULL, A));
  PetscCall(MatGetOwnershipRange(*A, &rs, &re));
  for (PetscInt k = rs; k < re; k++) {
    PetscInt i = k / m, j = k % m;
    if (i > 0) PetscCall(MatSetValue(*A, k, k - m, -1.0, INSERT_VALUES));
    if (j > 0) PetscCall(MatSetValue(*A, k, k - 1, -1.0, INSERT_VALUES));
    PetscCall(MatSetValue(*A, k, k, 4.0, INSERT_VALUES));
    if (j < m - 1) PetscCall(MatSetValue(*A, k, k + 1, -1.0, INSERT_VALUES));
    if (i < m - 1) PetscCall(MatSetValue(*A, k, k + m, -1.0, INSERT_VALUES));
  }
  PetscCall(MatAssemblyBegin(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*A, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The 3D 7-point Laplacian on an m x m x m grid (natural ordering: x fastest, then y, then z). */
PetscErrorCode KGNNMatCreateLaplacian3D(MPI_Comm comm, PetscInt m, Mat *A)
{
  PetscInt N = m * m * m, rs, re;

  PetscFunctionBegin;
  PetscCheck(m >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "grid size m = %" PetscInt_FMT " must be >= 0", m);
  PetscCall(MatCreateAIJ(comm, PETSC_DECIDE, PETSC_DECIDE, N, N, 7, NULL, 6, NULL, A));
  PetscCall(MatGetOwnershipRange(*A, &rs, &re));
  for (PetscInt k = rs; k < re; k++) {
    PetscInt x = k % m, y = (k / m) % m, z = k / (m * m);
    if (z > 0) PetscCall(MatSetValue(*A, k, k - m * m, -1.0, INSERT_VALUES));
    if (y > 0) PetscCall(MatSetValue(*A, k, k - m, -1.0, INSERT_VALUES));
    if (x > 0) PetscCall(MatSetValue(*A, k, k - 1, -1.0, INSERT_VALUES));
    PetscCall(MatSetValue(*A, k, k, 6.0, INSERT_VALUES));
    if (x < m - 1) PetscCall(MatSetValue(*A, k, k + 1, -1.0, INSERT_VALUES));
    if (y < m - 1) PetscCall(MatSetValue(*A, k, k + m, -1.0, INSERT_VALUES));
    if (z < m - 1) PetscCall(MatSetValue(*A, k, k + m * m, -1.0, INSERT_VALUES));
  }
  PetscCall(MatAssemblyBegin(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*A, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(PETSC_SUCCESS);
}
