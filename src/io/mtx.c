/* Reading matrices and right-hand sides: Matrix Market (coordinate real/integer, symmetric or
   general, plain or gzip through zlib, which reads both) or PETSc binary. Every error names the
   file and the line. Every rank reads the whole file and keeps its own rows: the files this
   serves (SuiteSparse test matrices) are at most a few MB. */
#include "../kgnn_impl.h"
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
  PetscCheck(nw == 5 && !strcmp(w[0], "%%matrixmarket") && !strcmp(w[1], "matrix"), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line 1: not a Matrix Market header; expected '%%%%MatrixMarket matrix coordinate real symmetric' (or general, integer)", r->file);
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

static PetscErrorCode MMOpen(const char file[], MMReader *r)
{
  PetscFunctionBegin;
  r->file = file;
  r->line = 0;
  r->f    = gzopen(file, "rb");
  PetscCheck(r->f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot open matrix file %s: %s", file, strerror(errno));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static int CmpTriplet(const void *a, const void *b)
{
  const Triplet *x = (const Triplet *)a, *y = (const Triplet *)b;
  if (x->i != y->i) return x->i < y->i ? -1 : 1;
  if (x->j != y->j) return x->j < y->j ? -1 : 1;
  return (x->line > y->line) - (x->line < y->line);
}

/* size line and entries of a coordinate file; symmetric files are expanded to both triangles */
static PetscErrorCode MMReadTriplets(MMReader *r, PetscBool symmetric, PetscInt *M, Triplet **T, PetscInt *nt)
{
  PetscInt  N, nnz, k = 0;
  PetscBool eof;
  char     *s;

  PetscFunctionBegin;
  PetscCall(MMNextDataLine(r, &eof));
  PetscCheck(!eof, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: no size line after the header", r->file);
  s = r->buf;
  PetscCall(MMInt(r, &s, "row count", M));
  PetscCall(MMInt(r, &s, "column count", &N));
  PetscCall(MMInt(r, &s, "entry count", &nnz));
  PetscCall(MMEndOfLine(r, s));
  PetscCheck(*M == N, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ": the matrix is %" PetscInt_FMT " x %" PetscInt_FMT ", it must be square", r->file, r->line, *M, N);
  PetscCheck(*M >= 0 && nnz >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ": negative size", r->file, r->line);
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
  qsort(*T, (size_t)k, sizeof(Triplet), CmpTriplet);
  for (PetscInt e = 1; e < k; e++)
    PetscCheck((*T)[e].i != (*T)[e - 1].i || (*T)[e].j != (*T)[e - 1].j, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ": duplicate entry (%" PetscInt_FMT ", %" PetscInt_FMT "), already given on line %" PetscInt_FMT "%s", r->file, (*T)[e].line,
               (*T)[e].i + 1, (*T)[e].j + 1, (*T)[e - 1].line, symmetric ? " (a symmetric file stores one triangle)" : "");
  *nt = k;
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

PetscErrorCode KGNNMatLoad(MPI_Comm comm, const char file[], Mat *A)
{
  PetscFunctionBegin;
  if (IsMatrixMarket(file)) {
    MMReader  r;
    PetscBool coordinate, symmetric;
    Triplet  *T = NULL;
    PetscInt  M, nt = 0;

    PetscCall(MMOpen(file, &r));
    PetscCall(MMHeader(&r, &coordinate, &symmetric));
    PetscCheck(coordinate, PETSC_COMM_SELF, PETSC_ERR_SUP, "%s, line 1: a matrix must be in coordinate format ('array' is read for right-hand sides only)", file);
    PetscCall(MMReadTriplets(&r, symmetric, &M, &T, &nt));
    gzclose(r.f);
    PetscCall(MMAssemble(comm, M, T, nt, A));
    PetscCall(PetscFree(T));
  } else {
    PetscViewer v;
    PetscCall(PetscViewerBinaryOpen(comm, file, FILE_MODE_READ, &v));
    PetscCall(MatCreate(comm, A));
    PetscCall(MatSetType(*A, MATAIJ));
    PetscCall(MatLoad(*A, v));
    PetscCall(PetscViewerDestroy(&v));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* n x 1, "array" (one value a line) or "coordinate" (i 1 v); entries not given are 0 */
PetscErrorCode KGNNVecLoad(Mat A, const char file[], Vec *b)
{
  PetscInt n;

  PetscFunctionBegin;
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(MatCreateVecs(A, NULL, b));
  if (IsMatrixMarket(file)) {
    MMReader     r;
    PetscBool    coordinate, symmetric, eof;
    PetscInt     m, one, cnt, rs, re;
    PetscScalar *x;
    char        *s;

    PetscCall(MMOpen(file, &r));
    PetscCall(MMHeader(&r, &coordinate, &symmetric));
    PetscCall(MMNextDataLine(&r, &eof));
    PetscCheck(!eof, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: no size line after the header", file);
    s = r.buf;
    PetscCall(MMInt(&r, &s, "row count", &m));
    PetscCall(MMInt(&r, &s, "column count", &one));
    cnt = m;
    if (coordinate) PetscCall(MMInt(&r, &s, "entry count", &cnt));
    PetscCall(MMEndOfLine(&r, s));
    PetscCheck(one == 1 && m == n, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ": right-hand side is %" PetscInt_FMT " x %" PetscInt_FMT ", the matrix needs %" PetscInt_FMT " x 1", file, r.line, m, one, n);
    PetscCall(VecGetOwnershipRange(*b, &rs, &re));
    PetscCall(VecSet(*b, 0.0));
    PetscCall(VecGetArray(*b, &x));
    for (PetscInt e = 0; e < cnt; e++) {
      PetscInt    i = e + 1, j = 1;
      PetscScalar v;
      PetscCall(MMNextDataLine(&r, &eof));
      PetscCheck(!eof, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: the header promises %" PetscInt_FMT " entries, the file ends after %" PetscInt_FMT " (line %" PetscInt_FMT ")", file, cnt, e, r.line);
      s = r.buf;
      if (coordinate) {
        PetscCall(MMInt(&r, &s, "row index", &i));
        PetscCall(MMInt(&r, &s, "column index", &j));
      }
      PetscCall(MMReal(&r, &s, &v));
      PetscCall(MMEndOfLine(&r, s));
      PetscCheck(i >= 1 && i <= n && j == 1, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ": index (%" PetscInt_FMT ", %" PetscInt_FMT ") out of range", file, r.line, i, j);
      if (i - 1 >= rs && i - 1 < re) x[i - 1 - rs] = v;
    }
    PetscCall(MMNextDataLine(&r, &eof));
    PetscCheck(eof, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s, line %" PetscInt_FMT ": more entries than the %" PetscInt_FMT " the header promises", file, r.line, cnt);
    gzclose(r.f);
    PetscCall(VecRestoreArray(*b, &x));
  } else {
    PetscViewer v;
    PetscCall(PetscViewerBinaryOpen(PetscObjectComm((PetscObject)A), file, FILE_MODE_READ, &v));
    PetscCall(VecLoad(*b, v));
    PetscCall(PetscViewerDestroy(&v));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
