/* The programs' strictness (src/kgnn_cli.h): every option on the command line must be one the
   program or the objects it configures know, checked before the work starts and again at the
   end; an error is one line and an exit code, not PETSc's trace and MPI_ABORT banner.

   Which options the objects know is asked of PETSc itself: with -help in the options database,
   every XXXSetFromOptions prints each option it reads through the function pointer
   PetscHelpPrintf; KGNNCLICollect points that at a buffer while the program configures its
   objects and keeps the names. A user's own PETSc program is not touched by any of this: only
   the programs call it, and the library keeps PETSc's error handling. */
#include "kgnn_cli.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>

/* PETSc's options for every program (PetscInitialize's -help list). Those read in
   PetscInitialize are used by the time of the check and are here for the suggestions. */
/* clang-format off */
static const char *const petsc_init[] = {"-version", "-help", "-on_error_abort", "-on_error_attach_debugger", "-start_in_debugger", "-on_error_emacs",
  "-debugger_ranks", "-debugger_pause", "-stop_for_debugger", "-display", "-no_signal_handler", "-mpi_return_on_error", "-fp_trap", "-malloc_dump", "-malloc",
  "-malloc_info", "-malloc_view", "-malloc_debug", "-malloc_test", "-malloc_coalesce", "-log_view", "-log_trace", "-log_exclude", "-log_all", "-log_sync",
  "-info", "-options_file", "-options_monitor", "-options_monitor_cancel", "-petsc_sleep", "-dll_append", "-dll_prepend", "-history", "-objects_dump",
  "-check_pointer_intensity", "-skip_petscrc", NULL};
/* read later, in PetscFinalize or when a viewer, a window or a device is made: never reported */
static const char *const petsc_late[] = {"-options_left", "-options_view", "-memory_view", "-get_total_flops", "-citations", "-tmp", "-shared_tmp",
  "-not_shared_tmp", "-nox", "-nox_warning", "-x_virtual", "-checkstack", "-viewer_*", "-draw_*", "-saws_*", "-device_*", "-root_device_context_*", NULL};
/* read after the check: viewers (XXXViewFromOptions, when the object is used: -ksp_converged_reason
   too), the matrix as it loads, MUMPS's factor inside PCKOPT, the SLEPc solver of the spectra.
   Accepted by the first check, reported at the end if still unused. */
static const char *const deferred[] = {"*_view*", "*_converged_reason*", "-matload_*", "-vecload_*", "*mat_mumps_*", "-kgnn_spectrum_*", NULL};
/* clang-format on */

static struct {
  char           prog[64];
  PetscBool      help;        /* -help on the command line: print, configure, exit 0 */
  char         **known;       /* option names, with the dash */
  size_t         nknown, cap; /* of known */
  char          *text;        /* help text caught by KGNNCLICollect */
  size_t         len, textcap;
  char           msg[4096]; /* the message of the error on its way to main */
  PetscErrorCode code;
} cli;

/* the errors a user makes (a file, a value, a size, memory): the message says it all. Others
   (a bug, a signal, a library failing) also get PETSc's trace, which says where. */
static PetscBool UsageError(PetscErrorCode n)
{
  switch (n) {
  case PETSC_ERR_USER_INPUT:
  case PETSC_ERR_ARG_WRONG:
  case PETSC_ERR_ARG_OUTOFRANGE:
  case PETSC_ERR_ARG_INCOMP:
  case PETSC_ERR_ARG_SIZ:
  case PETSC_ERR_ARG_UNKNOWN_TYPE:
  case PETSC_ERR_FILE_OPEN:
  case PETSC_ERR_FILE_READ:
  case PETSC_ERR_FILE_WRITE:
  case PETSC_ERR_FILE_UNEXPECTED:
  case PETSC_ERR_SUP:
  case PETSC_ERR_SUP_SYS:
  case PETSC_ERR_MEM:
  case PETSC_ERR_FP:
  case PETSC_ERR_NOT_CONVERGED:
    return PETSC_TRUE;
  default:
    return PETSC_FALSE;
  }
}

/* keeps the message of the newest error (PETSC_ERROR_INITIAL: where it was raised) for main */
static PetscErrorCode Recorder(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (p == PETSC_ERROR_INITIAL) {
    snprintf(cli.msg, sizeof(cli.msg), "%s", mess ? mess : "");
    cli.code = n;
  }
  if (!UsageError(n)) return PetscTraceBackErrorHandler(comm, line, fun, file, n, p, mess, NULL);
  return n;
}

static PetscBool Glob(const char *pat, const char *name)
{
  size_t lp = strlen(pat), ln = strlen(name);
  int    head = pat[0] == '*', tail = lp > 0 && pat[lp - 1] == '*';
  char   core[128];

  if (lp - head - tail >= sizeof(core)) return PETSC_FALSE;
  memcpy(core, pat + head, lp - head - tail);
  core[lp - head - tail] = 0;
  if (head && tail) return strstr(name, core) ? PETSC_TRUE : PETSC_FALSE;
  if (tail) return strncasecmp(name, core, strlen(core)) ? PETSC_FALSE : PETSC_TRUE;
  if (head) return ln >= strlen(core) && !strcasecmp(name + ln - strlen(core), core) ? PETSC_TRUE : PETSC_FALSE;
  return strcasecmp(name, core) ? PETSC_FALSE : PETSC_TRUE;
}

static PetscBool InList(const char *const list[], const char *name)
{
  for (int k = 0; list[k]; k++)
    if (Glob(list[k], name)) return PETSC_TRUE;
  return PETSC_FALSE;
}

static PetscBool Known(const char *name)
{
  for (size_t k = 0; k < cli.nknown; k++)
    if (!strcasecmp(cli.known[k], name)) return PETSC_TRUE;
  return PETSC_FALSE;
}

static PetscErrorCode AddName(const char *name, size_t len)
{
  char *s;

  PetscFunctionBegin;
  if (len == 0 || len > 255) PetscFunctionReturn(PETSC_SUCCESS);
  s = (char *)malloc(len + 1);
  PetscCheck(s, PETSC_COMM_SELF, PETSC_ERR_MEM, "Out of memory");
  memcpy(s, name, len);
  s[len] = 0;
  if (Known(s)) {
    free(s);
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (cli.nknown == cli.cap) {
    char **more = (char **)realloc(cli.known, (cli.cap ? 2 * cli.cap : 256) * sizeof(char *));
    PetscCheck(more, PETSC_COMM_SELF, PETSC_ERR_MEM, "Out of memory");
    cli.known = more;
    cli.cap   = cli.cap ? 2 * cli.cap : 256;
  }
  cli.known[cli.nknown++] = s;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNCLIAddOptions(const KGNNCLIOption opts[])
{
  PetscFunctionBegin;
  for (int k = 0; opts && opts[k].name; k++) {
    PetscCall(AddName(opts[k].name, strlen(opts[k].name)));
    if (cli.help) PetscCall((*PetscHelpPrintf)(PETSC_COMM_WORLD, "  %s %-22s %s\n", opts[k].name, opts[k].arg ? opts[k].arg : "", opts[k].text));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNCLIBegin(const char prog[], const KGNNCLIOption opts[])
{
  PetscFunctionBegin;
  PetscCall(PetscStrncpy(cli.prog, prog, sizeof(cli.prog)));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-help", &cli.help));
  PetscCall(PetscPushErrorHandler(Recorder, NULL));
  if (cli.help && opts) PetscCall((*PetscHelpPrintf)(PETSC_COMM_WORLD, "%s options:\n", prog));
  PetscCall(KGNNCLIAddOptions(opts));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* appends to cli.text */
static PetscErrorCode CatchV(const char fmt[], va_list ap)
{
  va_list copy;
  int     n;

  va_copy(copy, ap);
  n = vsnprintf(NULL, 0, fmt, copy);
  va_end(copy);
  if (n <= 0) return PETSC_SUCCESS;
  if (cli.len + (size_t)n + 1 > cli.textcap) {
    size_t cap  = 2 * (cli.len + (size_t)n + 1);
    char  *more = (char *)realloc(cli.text, cap);
    if (!more) return PETSC_ERR_MEM;
    cli.text = more, cli.textcap = cap;
  }
  vsnprintf(cli.text + cli.len, (size_t)n + 1, fmt, ap);
  cli.len += (size_t)n;
  return PETSC_SUCCESS;
}

/* PetscHelpPrintf while KGNNCLICollect runs */
static PetscErrorCode Catch(MPI_Comm comm, const char fmt[], ...)
{
  va_list        ap;
  PetscErrorCode err;

  va_start(ap, fmt);
  err = CatchV(fmt, ap);
  va_end(ap);
  return err;
}

/* PetscVFPrintf while KGNNCLICollect runs: the lists of types (-ksp_type, -pc_type) go to
   stdout through PetscFPrintf, not through PetscHelpPrintf */
static PetscErrorCode (*vfprintf_saved)(FILE *, const char[], va_list);
static PetscErrorCode CatchStdout(FILE *fd, const char fmt[], va_list ap)
{
  if (fd == stdout || fd == PETSC_STDOUT) return CatchV(fmt, ap);
  return vfprintf_saved(fd, fmt, ap);
}

/* an option line of the help text starts, after blanks, with -name followed by a blank, '<', ':' */
static PetscErrorCode NamesFromText(void)
{
  PetscFunctionBegin;
  for (char *p = cli.text, *end = cli.text + cli.len; p && p < end;) {
    char *nl = memchr(p, '\n', (size_t)(end - p)), *q;
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    if (p + 1 < end && p[0] == '-' && isalpha((unsigned char)p[1])) {
      for (q = p + 1; q < end && (isalnum((unsigned char)*q) || *q == '_' || *q == '-'); q++)
        ;
      PetscCall(AddName(p, (size_t)(q - p)));
    }
    p = nl ? nl + 1 : NULL;
  }
  cli.len = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the options not used so far, to be marked unused again after asking a throwaway object */
static PetscErrorCode Unused(PetscInt *n, char ***names, char ***values)
{
  PetscInt N;
  char   **nm, **vl;

  PetscFunctionBegin;
  PetscCall(PetscOptionsLeftGet(NULL, &N, &nm, &vl));
  PetscCall(PetscCalloc2(N, names, N, values));
  for (PetscInt i = 0; i < N; i++) {
    PetscCall(PetscStrallocpy(nm[i], &(*names)[i]));
    PetscCall(PetscStrallocpy(vl[i], &(*values)[i]));
  }
  *n = N;
  PetscCall(PetscOptionsLeftRestore(NULL, &N, &nm, &vl));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode MarkUnused(PetscInt n, char **names, char **values)
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++) {
    char      opt[300];
    PetscBool used;
    PetscCall(PetscOptionsUsed(NULL, names[i], &used));
    if (used) { /* set afresh: an option set anew counts as unused */
      PetscCall(PetscSNPrintf(opt, sizeof(opt), "-%s", names[i]));
      PetscCall(PetscOptionsClearValue(NULL, opt));
      PetscCall(PetscOptionsSetValue(NULL, opt, values[i]));
    }
    PetscCall(PetscFree(names[i]));
    PetscCall(PetscFree(values[i]));
  }
  PetscCall(PetscFree2(names, values));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* configure(ctx) with -help set and PETSc's help printer caught: every option the objects read
   is added to the known names. Its error, if any, is handed back in *err (the caller reports an
   unknown option first: a misspelt option is the likelier cause of a missing value).
   throwaway: the objects are made only to be asked (the real ones come later, or never): the
   options they read stay unused, for the check at the end. */
PetscErrorCode KGNNCLICollect(PetscErrorCode (*configure)(void *), void *ctx, PetscBool throwaway, PetscErrorCode *err)
{
  PetscErrorCode (*printer)(MPI_Comm, const char[], ...) = PetscHelpPrintf;
  PetscInt n                                             = 0;
  char   **names = NULL, **values = NULL;

  PetscFunctionBegin;
  if (throwaway) PetscCall(Unused(&n, &names, &values));
  if (cli.help) { /* asked for: PETSc prints it */
    *err = configure(ctx);
    if (throwaway) PetscCall(MarkUnused(n, names, values));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(PetscOptionsSetValue(NULL, "-help", NULL));
  vfprintf_saved  = PetscVFPrintf;
  PetscHelpPrintf = Catch;
  PetscVFPrintf   = CatchStdout;
  *err            = configure(ctx);
  PetscHelpPrintf = printer;
  PetscVFPrintf   = vfprintf_saved;
  PetscCall(PetscOptionsClearValue(NULL, "-help"));
  PetscCall(NamesFromText());
  if (throwaway) PetscCall(MarkUnused(n, names, values));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* optimal string alignment distance (Damerau-Levenshtein, one edit per substring), case-blind */
static int Distance(const char *a, const char *b)
{
  int n = (int)strlen(a), m = (int)strlen(b), d[80][80];

  if (n >= 80 || m >= 80) return 1000;
  for (int i = 0; i <= n; i++) d[i][0] = i;
  for (int j = 0; j <= m; j++) d[0][j] = j;
  for (int i = 1; i <= n; i++)
    for (int j = 1; j <= m; j++) {
      int ai = tolower((unsigned char)a[i - 1]), bj = tolower((unsigned char)b[j - 1]);
      int v = PetscMin(PetscMin(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + (ai != bj));
      if (i > 1 && j > 1 && ai == tolower((unsigned char)b[j - 2]) && tolower((unsigned char)a[i - 2]) == bj) v = PetscMin(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
    }
  return d[n][m];
}

/* the closest of the candidates within a few edits (1 for up to 6 letters, 2 up to 12, then 3) */
static const char *Closest(const char *name, const char *const *cand, size_t ncand, const char *const *more)
{
  const size_t len   = strlen(name);
  const int    tol   = len <= 6 ? 1 : len <= 12 ? 2 : 3;
  const char  *best  = NULL;
  int          bestd = tol + 1;

  for (size_t k = 0; k < ncand; k++) {
    int d = Distance(name, cand[k]);
    if (d < bestd) bestd = d, best = cand[k];
  }
  for (int k = 0; more && more[k]; k++) {
    int d = strchr(more[k], '*') ? 1000 : Distance(name, more[k]);
    if (d < bestd) bestd = d, best = more[k];
  }
  return best;
}

/* a known name that is this one with a solver's prefix, -kopt_pc_kopt_inverse for -pc_kopt_inverse */
static const char *Prefixed(const char *name)
{
  size_t ln = strlen(name);
  for (size_t k = 0; k < cli.nknown; k++) {
    size_t lk = strlen(cli.known[k]);
    if (lk > ln && !strcasecmp(cli.known[k] + lk - (ln - 1), name + 1) && cli.known[k][lk - ln] == '_') return cli.known[k];
  }
  return NULL;
}

static void Suggest(char *out, size_t len, const char *name)
{
  const char *best = Closest(name, (const char *const *)cli.known, cli.nknown, petsc_init);
  if (!best) best = Closest(name, NULL, 0, petsc_late);
  if (!best) best = Closest(name, NULL, 0, deferred);
  if (!best) best = Prefixed(name);
  if (best) snprintf(out, len, " (did you mean %s?)", best);
  else out[0] = 0;
}

/* "-a (did you mean -b?), -c" for the options that fail accept(); *count of them */
static PetscErrorCode Offenders(PetscBool early, char *list, size_t len, int *count)
{
  PetscInt N;
  char   **names, **values;

  PetscFunctionBegin;
  *count  = 0;
  list[0] = 0;
  PetscCall(PetscOptionsLeftGet(NULL, &N, &names, &values));
  for (PetscInt i = 0; i < N; i++) {
    char opt[300], hint[300] = "";
    snprintf(opt, sizeof(opt), "-%s", names[i]);
    if (InList(petsc_late, opt)) continue;
    if (early && (Known(opt) || InList(petsc_init, opt) || InList(deferred, opt))) continue;
    if (early) Suggest(hint, sizeof(hint), opt);
    snprintf(list + strlen(list), len - strlen(list), "%s%s%s", (*count)++ ? ", " : "", opt, hint);
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &N, &names, &values));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Before the work: every option given is known to the program or to the objects it configured,
   or is one PETSc or a later object reads. *help: -help was given (print, do no work). */
PetscErrorCode KGNNCLICheckOptions(PetscBool *help)
{
  char list[4096];
  int  count;

  PetscFunctionBegin;
  *help = cli.help;
  if (cli.help) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(Offenders(PETSC_TRUE, list, sizeof(list), &count));
  PetscCheck(!count, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "unknown option%s %s; %s -help lists the options", count > 1 ? "s" : "", list, cli.prog);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* after the work: an option nobody read is an error too (the check before accepted it because
   some object reads options of its kind, but none did in this run) */
static PetscErrorCode CheckUnused(void)
{
  char list[4096];
  int  count;

  PetscFunctionBegin;
  PetscCall(Offenders(PETSC_FALSE, list, sizeof(list), &count));
  PetscCheck(!count, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "option%s %s %s not used by this run (misspelt, or for a solver that did not run?)", count > 1 ? "s" : "", list, count > 1 ? "were" : "was");
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void Forget(void)
{
  for (size_t k = 0; k < cli.nknown; k++) free(cli.known[k]);
  free(cli.known);
  free(cli.text);
  cli.known = NULL, cli.text = NULL;
  cli.nknown = cli.cap = cli.len = cli.textcap = 0;
}

/* The exit code: status when the run went through and every option was used, else
   KGNN_EXIT_ERROR with the error on one line of stderr. With several ranks an error ends in
   MPI_Abort (a rank that did not fail may wait in a collective call). */
int KGNNCLIEnd(PetscErrorCode err, int status)
{
  PetscMPIInt size = 1;

  if (!err && !cli.help && status < 128) err = CheckUnused(); /* 128 + signal: stopped early */
  Forget();
  (void)PetscPopErrorHandler();
  if (err) {
    const char *text = NULL;
    char       *m    = cli.msg;
    size_t      l;
    while (*m == ' ' || *m == '\n') m++;
    for (l = strlen(m); l > 0 && (m[l - 1] == '\n' || m[l - 1] == ' '); l--) m[l - 1] = 0;
    if (!m[0]) (void)PetscErrorMessage(cli.code ? cli.code : err, &text, NULL);
    fflush(stdout); /* what the program printed before the error, first */
    fprintf(stderr, "%s: error: %s\n", cli.prog, m[0] ? m : text ? text : "unknown error");
    fflush(stderr);
    status = KGNN_EXIT_ERROR;
    (void)MPI_Comm_size(PETSC_COMM_WORLD, &size);
    if (size > 1) MPI_Abort(PETSC_COMM_WORLD, status);
  }
  if (PetscFinalize()) return KGNN_EXIT_ERROR;
  return status;
}

PetscErrorCode KGNNCLICheckSelection(const char list[], const KGNNMatrixEntry *entries, PetscInt count, const char only[], const char option[])
{
  char        missing[2048] = "";
  const char *p;
  int         nmiss = 0;

  PetscFunctionBegin;
  PetscCheck(count > 0, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s lists no matrices: nothing to do", list);
  for (p = only; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
    char      name[256];
    size_t    len   = strcspn(p, ",");
    PetscBool found = PETSC_FALSE;
    if (!len || len >= sizeof(name)) continue;
    memcpy(name, p, len);
    name[len] = 0;
    for (PetscInt k = 0; k < count && !found; k++) found = !strcmp(entries[k].name, name) ? PETSC_TRUE : PETSC_FALSE;
    if (!found) {
      const char *best  = NULL;
      int         bestd = 3;
      for (PetscInt k = 0; k < count; k++) {
        int d = Distance(name, entries[k].name);
        if (d < bestd) bestd = d, best = entries[k].name;
      }
      snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing), "%s%s%s%s%s", nmiss++ ? ", " : "", name, best ? " (did you mean " : "", best ? best : "", best ? "?)" : "");
    }
  }
  PetscCheck(!nmiss, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s %s: %s %s not in %s", option, only, missing, nmiss > 1 ? "are" : "is", list);
  PetscFunctionReturn(PETSC_SUCCESS);
}
