/* Reading matrices and right-hand sides: Matrix Market (coordinate real/integer, symmetric or
   general, plain or gzip through zlib, which reads both) or PETSc binary. Every error names the
   file and the line. Every rank reads the whole file and keeps its own rows: the files this
   serves (SuiteSparse test matrices) are at most a few MB. */
#include "../kgnn_impl.h"
#include "io.h"
#include <zlib.h>
#include <ctype.h>
#include <errno.h>

typedef struct {
  gzFile      f;
  const char *file;
  PetscInt    line;
  char        buf[4096];
} MMReader;

typedef struct {
  PetscInt    i, j, line;
  PetscScalar v;
} Triplet;

/* next line into r->buf; *eof at the end of the file */
static PetscErrorCode MMNextLine(MMReader *r, PetscBool *eof)
{
  size_t len;
  char  *got;
  int    err;

  PetscFunctionBegin;
  *eof = PETSC_FALSE;
  got  = gzgets(r->f, r->buf, sizeof(r->buf));
  (void)gzerror(r->f, &err); /* a cut gzip stream still hands out the part it has */
  PetscCheck(err == Z_OK || err == Z_STREAM_END, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: read error near line %" PetscInt_FMT ": zlib says '%s' (truncated or corrupt file)", r->file, r->line + 1, gzerror(r->f, &err));
  if (!got) {
    *eof = PETSC_TRUE;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  r->line++;
  len = strlen(r->buf);
  PetscCheck(len < sizeof(r->buf) - 1 || r->buf[len - 1] == '\n' || gzeof(r->f), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ": line longer than %d characters", r->file, r->line, (int)sizeof(r->buf) - 2);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscBool MMBlank(const char *s)
{
  while (*s && isspace((unsigned char)*s)) s++;
  return *s ? PETSC_FALSE : PETSC_TRUE;
}

/* next line that is neither a comment nor blank */
static PetscErrorCode MMNextDataLine(MMReader *r, PetscBool *eof)
{
  PetscFunctionBegin;
  do PetscCall(MMNextLine(r, eof));
  while (!*eof && (r->buf[0] == '%' || MMBlank(r->buf)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* "%%MatrixMarket matrix <format> <field> <symmetry>", case-insensitive */
static PetscErrorCode MMHeader(MMReader *r, PetscBool *coordinate, PetscBool *symmetric)
{
  char      w[5][64] = {{0}};
  PetscBool eof;
  int       nw;

  PetscFunctionBegin;
  PetscCall(MMNextLine(r, &eof));
  nw = eof ? 0 : sscanf(r->buf, "%63s %63s %63s %63s %63s", w[0], w[1], w[2], w[3], w[4]);
  for (int k = 0; k < 5; k++)
    for (char *c = w[k]; *c; c++) *c = (char)tolower((unsigned char)*c);
  PetscCheck(nw == 5 && !strcmp(w[0], "%%matrixmarket") && !strcmp(w[1], "matrix"), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s, line 1: not a Matrix Market header; expected '%%%%MatrixMarket matrix coordinate real symmetric' (or general, integer)", r->file);
  PetscCheck(!strcmp(w[2], "coordinate") || !strcmp(w[2], "array"), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line 1: unknown format '%s' (supported: coordinate, and array for right-hand sides)", r->file, w[2]);
  PetscCheck(!strcmp(w[3], "real") || !strcmp(w[3], "integer") || !strcmp(w[3], "double"), PETSC_COMM_SELF, PETSC_ERR_SUP, "%s, line 1: field '%s' is not supported (supported: real, integer)", r->file, w[3]);
  PetscCheck(!strcmp(w[4], "general") || !strcmp(w[4], "symmetric"), PETSC_COMM_SELF, PETSC_ERR_SUP, "%s, line 1: symmetry '%s' is not supported (supported: symmetric, general)", r->file, w[4]);
  *coordinate = !strcmp(w[2], "coordinate") ? PETSC_TRUE : PETSC_FALSE;
  *symmetric  = !strcmp(w[4], "symmetric") ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the next whitespace-delimited token of s, for error messages */
static const char *MMToken(const char *s, char tok[48])
{
  size_t k = 0;
  while (*s && isspace((unsigned char)*s)) s++;
  while (*s && !isspace((unsigned char)*s) && k < 47) tok[k++] = *s++;
  tok[k] = 0;
  return tok;
}

/* one integer token; *s advances past it */
static PetscErrorCode MMInt(MMReader *r, char **s, const char *what, PetscInt *val)
{
  char     *end, tok[48];
  long long v;

  PetscFunctionBegin;
  errno = 0;
  v     = strtoll(*s, &end, 10);
  PetscCheck(end != *s && errno == 0 && (*end == 0 || isspace((unsigned char)*end)), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ": expected an integer %s, got '%s'", r->file, r->line, what, MMToken(*s, tok));
  /* with 32-bit PetscInt a larger index would wrap around into the valid range */
  PetscCheck(v >= PETSC_MIN_INT && v <= PETSC_MAX_INT, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ": %s %s does not fit in PetscInt (%d-byte indices)", r->file, r->line, what, MMToken(*s, tok), (int)sizeof(PetscInt));
  *val = (PetscInt)v;
  *s   = end;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* one finite real token */
static PetscErrorCode MMReal(MMReader *r, char **s, PetscScalar *val)
{
  char  *end, *p = *s, tok[48];
  double v;

  PetscFunctionBegin;
  while (*p && isspace((unsigned char)*p)) p++;
  v = strtod(p, &end);
  PetscCheck(end != p && (*end == 0 || isspace((unsigned char)*end)), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ": expected a number, got '%s'", r->file, r->line, MMToken(p, tok));
  PetscCheck(!PetscIsInfOrNanReal(v), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ": value '%s' is not finite", r->file, r->line, MMToken(p, tok));
  *val = v;
  *s   = end;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* after the last token: nothing but blanks */
static PetscErrorCode MMEndOfLine(MMReader *r, const char *s)
{
  char tok[48];

  PetscFunctionBegin;
  PetscCheck(MMBlank(s), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ": unexpected text '%s'", r->file, r->line, MMToken(s, tok));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* what: "matrix" or "right-hand side", for the message */
static PetscErrorCode MMOpen(const char file[], const char what[], MMReader *r)
{
  PetscFunctionBegin;
  r->file = file;
  r->line = 0;
  r->f    = gzopen(file, "rb");
  PetscCheck(r->f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot open %s file %s: %s", what, file, strerror(errno));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* a PETSc binary file: the same message as a Matrix Market file when it cannot be opened
   (PetscViewerBinaryOpen's does not say what the file was for) */
static PetscErrorCode BinaryOpen(MPI_Comm comm, const char file[], const char what[], PetscViewer *v)
{
  FILE *f = fopen(file, "rb");

  PetscFunctionBegin;
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot open %s file %s: %s", what, file, strerror(errno));
  fclose(f);
  PetscCall(PetscViewerBinaryOpen(comm, file, FILE_MODE_READ, v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static int CmpTriplet(const void *a, const void *b)
{
  const Triplet *x = (const Triplet *)a, *y = (const Triplet *)b;
  if (x->i != y->i) return x->i < y->i ? -1 : 1;
  if (x->j != y->j) return x->j < y->j ? -1 : 1;
  return (x->line > y->line) - (x->line < y->line);
}

/* "M N NNZ" of a square coordinate matrix */
static PetscErrorCode MMSizeLine(MMReader *r, PetscBool symmetric, PetscInt *M, PetscInt *nnz)
{
  PetscInt  N;
  PetscBool eof;
  char     *s;

  PetscFunctionBegin;
  PetscCall(MMNextDataLine(r, &eof));
  PetscCheck(!eof, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: no size line after the header", r->file);
  s = r->buf;
  PetscCall(MMInt(r, &s, "row count", M));
  PetscCall(MMInt(r, &s, "column count", &N));
  PetscCall(MMInt(r, &s, "entry count", nnz));
  PetscCall(MMEndOfLine(r, s));
  PetscCheck(*M == N, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ": the matrix is %" PetscInt_FMT " x %" PetscInt_FMT ", it must be square", r->file, r->line, *M, N);
  PetscCheck(*M >= 0 && *nnz >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ": negative size", r->file, r->line);
  /* more entries than places means duplicates; checked here so an absurd count cannot size the allocation */
  PetscCheck((PetscInt64)*nnz <= (symmetric ? (PetscInt64)*M * ((PetscInt64)*M + 1) / 2 : (PetscInt64)*M * *M), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s, line %" PetscInt_FMT ": %" PetscInt_FMT " entries do not fit in %s%" PetscInt_FMT " x %" PetscInt_FMT " matrix", r->file, r->line, *nnz, symmetric ? "one triangle of a " : "a ", *M, *M);
  /* CSR needs n + 1 row pointers and every stored entry (both triangles) indexed by a PetscInt */
  PetscCheck(*M < PETSC_MAX_INT, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s, line %" PetscInt_FMT ": n = %" PetscInt_FMT " rows exceeds what a %d-bit PetscInt build can hold (n + 1 row pointers, at most %" PetscInt_FMT " rows); use a PETSc configured --with-64-bit-indices", r->file, r->line, *M,
             (int)(8 * sizeof(PetscInt)), PETSC_MAX_INT - 1);
  PetscCheck(!symmetric || *nnz <= PETSC_MAX_INT / 2, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED,
             "%s, line %" PetscInt_FMT ": %" PetscInt_FMT " entries in one triangle exceed what a %d-bit PetscInt build can hold in both (at most %" PetscInt_FMT "); use a PETSc configured --with-64-bit-indices", r->file, r->line, *nnz,
             (int)(8 * sizeof(PetscInt)), PETSC_MAX_INT / 2);
  { /* the peak of MMLoadMatrix, before any of it is allocated: the triplets, the CSR handed to
       PETSc, and PETSc's AIJ (row pointers, row lengths, allocated lengths, diagonal; entries) */
    const double nt = symmetric ? 2.0 * *nnz : (double)*nnz, n = (double)*M;
    const double bytes = nt * sizeof(Triplet) + 2 * nt * (sizeof(PetscInt) + sizeof(PetscScalar)) + 5 * (n + 1) * sizeof(PetscInt);
    char         what[PETSC_MAX_PATH_LEN + 128];
    PetscCall(PetscSNPrintf(what, sizeof(what), "%s, line %" PetscInt_FMT ": a %" PetscInt_FMT " x %" PetscInt_FMT " matrix (entries in the file: %" PetscInt_FMT ")", r->file, r->line, *M, *M, *nnz));
    PetscCall(KGNNCheckMemory(what, bytes));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* entries of a coordinate file, sorted by (row, column); symmetric files expanded to both triangles */
static PetscErrorCode MMReadTriplets(MMReader *r, PetscBool symmetric, PetscInt *M, Triplet **T, PetscInt *nt)
{
  PetscInt  nnz, k = 0;
  PetscBool eof;
  char     *s;

  PetscFunctionBegin;
  PetscCall(MMSizeLine(r, symmetric, M, &nnz));
  PetscCall(PetscMalloc1(symmetric ? 2 * nnz : nnz, T));
  for (PetscInt e = 0; e < nnz; e++) {
    Triplet t;
    PetscCall(MMNextDataLine(r, &eof));
    PetscCheck(!eof, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: the header promises %" PetscInt_FMT " entries, the file ends after %" PetscInt_FMT " (line %" PetscInt_FMT ")", r->file, nnz, e, r->line);
    s = r->buf;
    PetscCall(MMInt(r, &s, "row index", &t.i));
    PetscCall(MMInt(r, &s, "column index", &t.j));
    PetscCall(MMReal(r, &s, &t.v));
    PetscCall(MMEndOfLine(r, s));
    PetscCheck(t.i >= 1 && t.i <= *M && t.j >= 1 && t.j <= *M, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ": index (%" PetscInt_FMT ", %" PetscInt_FMT ") out of range 1..%" PetscInt_FMT, r->file, r->line, t.i, t.j, *M);
    t.i--, t.j--, t.line = r->line;
    (*T)[k++] = t;
    if (symmetric && t.i != t.j) {
      PetscInt tmp = t.i;
      t.i = t.j, t.j = tmp;
      (*T)[k++] = t;
    }
  }
  PetscCall(MMNextDataLine(r, &eof));
  PetscCheck(eof, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ": more entries than the %" PetscInt_FMT " the header promises", r->file, r->line, nnz);
  *nt = k;
  qsort(*T, (size_t)k, sizeof(Triplet), CmpTriplet);
  for (PetscInt e = 1; e < k; e++)
    PetscCheck((*T)[e].i != (*T)[e - 1].i || (*T)[e].j != (*T)[e - 1].j, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ": duplicate entry (%" PetscInt_FMT ", %" PetscInt_FMT "), already given on line %" PetscInt_FMT "%s",
               r->file, (*T)[e].line, (*T)[e].i + 1, (*T)[e].j + 1, (*T)[e - 1].line, symmetric ? " (a symmetric file stores one triangle)" : "");
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* rows [rs, re) of the sorted triplets as CSR with global columns, handed to PETSc, zeros kept */
static PetscErrorCode MMAssemble(MPI_Comm comm, PetscInt M, const Triplet *T, PetscInt nt, Mat *A)
{
  PetscMPIInt  size;
  PetscInt     rs, re, first = 0, last, *ia, *ja;
  PetscScalar *va;
  PetscLayout  map;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscLayoutCreateFromSizes(comm, PETSC_DECIDE, M, 1, &map));
  PetscCall(PetscLayoutGetRange(map, &rs, &re));
  PetscCall(PetscLayoutDestroy(&map));
  while (first < nt && T[first].i < rs) first++;
  last = first;
  while (last < nt && T[last].i < re) last++;
  PetscCall(PetscCalloc1(re - rs + 1, &ia));
  PetscCall(PetscMalloc2(last - first, &ja, last - first, &va));
  for (PetscInt e = first; e < last; e++) {
    ia[T[e].i - rs + 1]++;
    ja[e - first] = T[e].j;
    va[e - first] = T[e].v;
  }
  for (PetscInt i = 0; i < re - rs; i++) ia[i + 1] += ia[i];
  PetscCall(MatCreate(comm, A));
  PetscCall(MatSetSizes(*A, re - rs, re - rs, M, M));
  PetscCall(MatSetType(*A, MATAIJ));
  if (size == 1) PetscCall(MatSeqAIJSetPreallocationCSR(*A, ia, ja, va));
  else PetscCall(MatMPIAIJSetPreallocationCSR(*A, ia, ja, va));
  PetscCall(PetscFree(ia));
  PetscCall(PetscFree2(ja, va));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscBool IsMatrixMarket(const char file[])
{
  size_t n = strlen(file);
  return (n > 4 && !strcmp(file + n - 4, ".mtx")) || (n > 7 && !strcmp(file + n - 7, ".mtx.gz")) ? PETSC_TRUE : PETSC_FALSE;
}

static PetscErrorCode MMReadMatrix(MMReader *r, PetscInt *M, Triplet **T, PetscInt *nt)
{
  PetscBool coordinate, symmetric;

  PetscFunctionBegin;
  PetscCall(MMHeader(r, &coordinate, &symmetric));
  PetscCheck(coordinate, PETSC_COMM_SELF, PETSC_ERR_SUP, "%s, line 1: a matrix must be in coordinate format ('array' is read for right-hand sides only)", r->file);
  PetscCall(MMReadTriplets(r, symmetric, M, T, nt));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode MMLoadMatrix(MPI_Comm comm, const char file[], Mat *A)
{
  MMReader       r;
  Triplet       *T = NULL;
  PetscInt       M = 0, nt = 0;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(MMOpen(file, "matrix", &r));
  /* the file is closed and the entries freed on an error too: a caller may handle it and go on */
  ierr = MMReadMatrix(&r, &M, &T, &nt);
  gzclose(r.f);
  if (!ierr) ierr = MMAssemble(comm, M, T, nt, A);
  PetscCall(PetscFree(T));
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNMatLoad(MPI_Comm comm, const char file[], Mat *A)
{
  PetscViewer v;

  PetscFunctionBegin;
  if (IsMatrixMarket(file)) {
    PetscCall(MMLoadMatrix(comm, file, A));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(BinaryOpen(comm, file, "matrix", &v));
  PetscCall(MatCreate(comm, A));
  PetscCall(MatSetType(*A, MATAIJ));
  PetscCall(MatLoad(*A, v));
  PetscCall(PetscViewerDestroy(&v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* "n 1" (array) or "n 1 NNZ" (coordinate); n must be the row count of the matrix */
static PetscErrorCode MMVecSizeLine(MMReader *r, PetscBool coordinate, PetscInt n, PetscInt *cnt)
{
  PetscInt  m, one;
  PetscBool eof;
  char     *s;

  PetscFunctionBegin;
  PetscCall(MMNextDataLine(r, &eof));
  PetscCheck(!eof, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: no size line after the header", r->file);
  s = r->buf;
  PetscCall(MMInt(r, &s, "row count", &m));
  PetscCall(MMInt(r, &s, "column count", &one));
  *cnt = m;
  if (coordinate) PetscCall(MMInt(r, &s, "entry count", cnt));
  PetscCall(MMEndOfLine(r, s));
  PetscCheck(one == 1 && m == n, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ": right-hand side is %" PetscInt_FMT " x %" PetscInt_FMT ", the matrix needs %" PetscInt_FMT " x 1", r->file, r->line, m, one, n);
  PetscCheck(*cnt >= 0 && *cnt <= n, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ": %" PetscInt_FMT " entries do not fit in %" PetscInt_FMT " rows", r->file, r->line, *cnt, n);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the whole vector is read and checked on every rank, which keeps x = rows [rs, re);
   seen[i] is the line that gave row i (0: not given, the entry stays 0) */
static PetscErrorCode MMReadVector(MMReader *r, PetscInt n, PetscInt rs, PetscInt re, PetscInt *seen, PetscScalar *x)
{
  PetscBool coordinate, symmetric, eof;
  PetscInt  cnt;
  char     *s;

  PetscFunctionBegin;
  PetscCall(MMHeader(r, &coordinate, &symmetric));
  PetscCall(MMVecSizeLine(r, coordinate, n, &cnt));
  for (PetscInt e = 0; e < cnt; e++) {
    PetscInt    i = e + 1, j = 1;
    PetscScalar v;
    PetscCall(MMNextDataLine(r, &eof));
    PetscCheck(!eof, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: the header promises %" PetscInt_FMT " entries, the file ends after %" PetscInt_FMT " (line %" PetscInt_FMT ")", r->file, cnt, e, r->line);
    s = r->buf;
    if (coordinate) {
      PetscCall(MMInt(r, &s, "row index", &i));
      PetscCall(MMInt(r, &s, "column index", &j));
    }
    PetscCall(MMReal(r, &s, &v));
    PetscCall(MMEndOfLine(r, s));
    PetscCheck(i >= 1 && i <= n && j == 1, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ": index (%" PetscInt_FMT ", %" PetscInt_FMT ") out of range 1..%" PetscInt_FMT " x 1", r->file, r->line, i, j, n);
    PetscCheck(!seen[i - 1], PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ": duplicate entry (%" PetscInt_FMT ", 1), already given on line %" PetscInt_FMT, r->file, r->line, i, seen[i - 1]);
    seen[i - 1] = r->line;
    if (i - 1 >= rs && i - 1 < re) x[i - 1 - rs] = v;
  }
  PetscCall(MMNextDataLine(r, &eof));
  PetscCheck(eof, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ": more entries than the %" PetscInt_FMT " the header promises", r->file, r->line, cnt);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode MMLoadVector(const char file[], Vec b)
{
  MMReader       r;
  PetscInt       n, rs, re, *seen;
  PetscScalar   *x;
  PetscErrorCode ierr;

  PetscFunctionBegin;
  PetscCall(VecGetSize(b, &n));
  PetscCall(VecGetOwnershipRange(b, &rs, &re));
  PetscCall(VecSet(b, 0.0));
  PetscCall(PetscCalloc1(n, &seen));
  PetscCall(MMOpen(file, "right-hand side", &r));
  PetscCall(VecGetArray(b, &x));
  ierr = MMReadVector(&r, n, rs, re, seen, x); /* as for matrices: clean up on an error too */
  gzclose(r.f);
  PetscCall(VecRestoreArray(b, &x));
  PetscCall(PetscFree(seen));
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* n x 1, "array" (one value a line) or "coordinate" (i 1 v; entries not given are 0) */
PetscErrorCode KGNNVecLoad(Mat A, const char file[], Vec *b)
{
  PetscViewer v;

  PetscFunctionBegin;
  PetscCall(MatCreateVecs(A, NULL, b)); /* the row layout of A: b as in A x = b */
  if (IsMatrixMarket(file)) {
    PetscErrorCode ierr = MMLoadVector(file, *b);
    if (ierr) PetscCall(VecDestroy(b));
    PetscCall(ierr);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(BinaryOpen(PetscObjectComm((PetscObject)A), file, "right-hand side", &v));
  PetscCall(VecLoad(*b, v));
  PetscCall(PetscViewerDestroy(&v));
  PetscFunctionReturn(PETSC_SUCCESS);
}
