/* The graph of A and its map to L (src/factor/edges.c) against A's rows read one by one with
   MatGetRow: edge e is the e-th stored entry (sender = row, receiver = column, feature = value),
   every entry L(i, j) of tril(A)'s pattern comes from the edge i -> j, a row without a stored
   diagonal is reported, and the assembly of L from per-edge values copies them, reports the
   first non-finite value and a zero diagonal where they are, and lifts a small diagonal to
   diag_shift max|L_jj| keeping its sign. The shifted IC(0) start and the Jacobi factor read the
   same map. The PCGNN paths that use them: test_gnn_pc, and the nos3 runs of tests/run.sh. */
#include "testutil.h"
#include "factor/factor.h"

#define SS "../shared/matrices/suitesparse/"

/* pos[i * n + j] = index of a_ij among A's stored entries (row by row), -1 if not stored */
static PetscErrorCode Positions(Mat A, PetscInt **pos)
{
  PetscInt n, e = 0, nc;

  PetscFunctionBegin;
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(PetscMalloc1((size_t)n * n, pos));
  for (size_t k = 0; k < (size_t)n * n; k++) (*pos)[k] = -1;
  for (PetscInt i = 0; i < n; i++) {
    const PetscInt *cols;
    PetscCall(MatGetRow(A, i, &nc, &cols, NULL));
    for (PetscInt k = 0; k < nc; k++) (*pos)[(size_t)i * n + cols[k]] = e++;
    PetscCall(MatRestoreRow(A, i, &nc, &cols, NULL));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Check(const char *name, Mat A)
{
  PetscInt      n, ne, *snd, *rcv, *pos, *edge_of, nodiag, e = 0, nl = 0, i0 = -1, j0 = -1;
  PetscReal    *a, *out, *out0, dmax = 0;
  KGNNCSR       csr;
  KGNNLower     L, J;
  KGNNEdgeCheck chk;
  PetscBool     same = PETSC_TRUE;

  PetscFunctionBegin;
  PetscCall(KGNNMatEdges(A, &n, &ne, &snd, &rcv, &a));
  for (PetscInt i = 0; i < n; i++) {
    PetscInt           nc;
    const PetscInt    *cols;
    const PetscScalar *vals;
    PetscCall(MatGetRow(A, i, &nc, &cols, &vals));
    for (PetscInt k = 0; k < nc; k++, e++)
      if (e >= ne || snd[e] != i || rcv[e] != cols[k] || a[e] != PetscRealPart(vals[k])) same = PETSC_FALSE;
    PetscCall(MatRestoreRow(A, i, &nc, &cols, &vals));
  }
  CHECK(same && e == ne, "%s: the edges are not A's stored entries row by row (%d edges, %d entries)", name, (int)ne, (int)e);

  PetscCall(Positions(A, &pos));
  PetscCall(KGNNMatGetCSR(A, &csr));
  PetscCall(KGNNEdgeMapCreate(&csr, &L, &edge_of, &nodiag));
  CHECK(nodiag == -1, "%s: row %d reported without a diagonal", name, (int)nodiag);
  same = PETSC_TRUE;
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt p = L.colptr[j]; p < L.colptr[j + 1]; p++) {
      PetscInt i = L.rowidx[p];
      if (edge_of[p] != pos[(size_t)i * n + j] || snd[edge_of[p]] != i || rcv[edge_of[p]] != j) same = PETSC_FALSE;
      if (i > j && i0 < 0) i0 = i, j0 = j; /* the first strictly lower entry, column by column */
    }
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j <= i; j++) nl += pos[(size_t)i * n + j] >= 0;
  CHECK(same && L.colptr[n] == nl, "%s: L(i, j) does not come from the edge i -> j (nnz(L) %d, tril(A) %d)", name, (int)L.colptr[n], (int)nl);

  /* values: edge e carries 1 + e, the diagonal's alternate in sign */
  PetscCall(PetscMalloc1(ne, &out));
  for (PetscInt k = 0; k < ne; k++) out[k] = 1 + k;
  for (PetscInt j = 0; j < n; j++) {
    out[pos[(size_t)j * n + j]] *= j % 2 ? -1 : 1;
    dmax = PetscMax(dmax, PetscAbsReal(out[pos[(size_t)j * n + j]]));
  }
  KGNNLowerFromEdges(&L, edge_of, out, 0, &chk);
  same = PETSC_TRUE;
  for (PetscInt p = 0; p < L.colptr[n]; p++) same = same && L.val[p] == out[edge_of[p]];
  CHECK(chk.fault == KGNN_EDGE_OK && same, "%s: L's values are not the edges' (fault %d)", name, (int)chk.fault);

  PetscCall(PetscMalloc1(ne, &out0));
  PetscCall(PetscArraycpy(out0, out, ne));
  if (i0 >= 0) { /* a NaN at L(i0, j0) and, in a later column, an Inf: the NaN is the one reported */
    out[pos[(size_t)i0 * n + j0]]           = (PetscReal)NAN;
    out[pos[(size_t)(n - 1) * n + (n - 1)]] = (PetscReal)INFINITY;
    KGNNLowerFromEdges(&L, edge_of, out, 0.5, &chk);
    CHECK(chk.fault == KGNN_EDGE_NONFINITE && chk.row == i0 && chk.col == j0, "%s: non-finite L(%d, %d) reported as fault %d at (%d, %d)", name, (int)i0, (int)j0, (int)chk.fault, (int)chk.row, (int)chk.col);
    PetscCall(PetscArraycpy(out, out0, ne));
  }
  if (n > 1) { /* a zero diagonal in row 1 (0-based) is a fault; diag_shift 1/4 lifts a small one, keeping its sign */
    dmax                        = 0;
    out[pos[(size_t)1 * n + 1]] = 0;
    for (PetscInt j = 0; j < n; j++) dmax = PetscMax(dmax, PetscAbsReal(out[pos[(size_t)j * n + j]]));
    KGNNLowerFromEdges(&L, edge_of, out, 0, &chk);
    CHECK(chk.fault == KGNN_EDGE_TINY_DIAGONAL && chk.row == 1 && chk.col == 1 && chk.value == 0 && chk.dmax == dmax, "%s: the zero diagonal L(1, 1) reported as fault %d at row %d (value %g, dmax %g, expected %g)", name, (int)chk.fault, (int)chk.row,
          (double)chk.value, (double)chk.dmax, (double)dmax);
    out[pos[(size_t)1 * n + 1]] = -1e-3 * dmax;
    KGNNLowerFromEdges(&L, edge_of, out, 0.25, &chk);
    CHECK(chk.fault == KGNN_EDGE_OK && L.val[L.colptr[1]] == -0.25 * dmax, "%s: diag_shift 1/4 lifted L(1, 1) = %g to %g, expected %g", name, (double)(-1e-3 * dmax), (double)L.val[L.colptr[1]], (double)(-0.25 * dmax));
    PetscCall(PetscArraycpy(out, out0, ne));
  }

  /* the shifted IC(0) start and Jacobi read A through the same map */
  KGNNLowerFromA(&L, edge_of, csr.val, 0.5);
  same = PETSC_TRUE;
  for (PetscInt j = 0; j < n; j++)
    for (PetscInt p = L.colptr[j]; p < L.colptr[j + 1]; p++) {
      PetscScalar aij = csr.val[pos[(size_t)L.rowidx[p] * n + j]];
      same            = same && L.val[p] == (L.rowidx[p] == j ? aij * 1.5 : aij);
    }
  CHECK(same, "%s: tril(A) with the diagonal times 1.5 is not what KGNNLowerFromA wrote", name);
  PetscCall(KGNNLowerDiagonalCreate(n, &J));
  KGNNLowerJacobi(&J, &L, edge_of, csr.val);
  same = PETSC_TRUE;
  for (PetscInt j = 0; j < n; j++) same = same && J.colptr[j] == j && J.rowidx[j] == j && J.val[j] == PetscSqrtScalar(csr.val[pos[(size_t)j * n + j]]);
  CHECK(same, "%s: the Jacobi factor is not diag(A)^1/2", name);

  PetscCall(KGNNMatRestoreCSR(A, &csr));
  PetscCall(KGNNLowerDestroy(&J));
  PetscCall(KGNNLowerDestroy(&L));
  PetscCall(PetscFree(edge_of));
  PetscCall(PetscFree(out));
  PetscCall(PetscFree(out0));
  PetscCall(PetscFree(pos));
  PetscCall(PetscFree(snd));
  PetscCall(PetscFree(rcv));
  PetscCall(PetscFree(a));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* a 5 x 5 pattern whose row 4 (1-based) stores no diagonal, and an explicit zero at (2, 1) */
static PetscErrorCode CheckNoDiagonal(void)
{
  const PetscInt    n = 5, ia[] = {0, 2, 5, 7, 9, 11}, ja[] = {0, 1, 0, 1, 2, 1, 2, 2, 4, 3, 4};
  const PetscScalar va[] = {4, 0, 0, 4, -1, -1, 4, -1, -1, -1, 4};
  Mat               A;
  KGNNCSR           csr;
  KGNNLower         L;
  PetscInt         *edge_of, nodiag;

  PetscFunctionBegin;
  PetscCall(MatCreateSeqAIJWithArrays(PETSC_COMM_SELF, n, n, (PetscInt *)ia, (PetscInt *)ja, (PetscScalar *)va, &A));
  PetscCall(KGNNMatGetCSR(A, &csr));
  PetscCall(KGNNEdgeMapCreate(&csr, &L, &edge_of, &nodiag));
  CHECK(nodiag == 3, "a matrix without the diagonal of row 4 (1-based): reported row %d (0-based), expected 3", (int)nodiag);
  PetscCall(KGNNMatRestoreCSR(A, &csr));
  PetscCall(KGNNLowerDestroy(&L));
  PetscCall(PetscFree(edge_of));
  PetscCall(MatDestroy(&A));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  const char *names[] = {"bcsstk01", "nos4", "494_bus"};
  Mat         A;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  PetscCall(TestPoisson2D(PETSC_COMM_SELF, 7, &A));
  PetscCall(Check("poisson2d_7", A));
  PetscCall(MatDestroy(&A));
  for (size_t j = 0; j < sizeof(names) / sizeof(names[0]); j++) {
    char path[PETSC_MAX_PATH_LEN];
    PetscCall(PetscSNPrintf(path, sizeof(path), SS "%s.mtx", names[j]));
    PetscCall(KGNNMatLoad(PETSC_COMM_SELF, path, &A));
    PetscCall(Check(names[j], A));
    PetscCall(MatDestroy(&A));
  }
  PetscCall(CheckNoDiagonal());
  TEST_END();
}
