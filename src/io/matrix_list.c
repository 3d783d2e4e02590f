/* A list of matrices: SuiteSparse's MANIFEST.tsv as staged in ../shared (columns name ... file,
   paths relative to the manifest's folder), or a text file with one Matrix Market path a line. */
#include "../kgnn_impl.h"
#include "io.h"

/* the c-th tab-separated field of a line (empty fields count), or NULL; cut in place */
static char *Field(char *line, int c)
{
  for (int k = 0; k < c && line; k++) {
    line = strchr(line, '\t');
    if (line) line++;
  }
  if (line) line[strcspn(line, "\t")] = 0;
  return line;
}

PetscErrorCode KGNNMatrixListRead(const char list[], KGNNMatrixEntry **entries, PetscInt *count)
{
  FILE    *f = fopen(list, "r");
  char     line[16384], dir[PETSC_MAX_PATH_LEN] = ".", *slash;
  int      cname = -1, cfile = -1;
  PetscInt cap = 128;

  PetscFunctionBegin;
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot open matrix list %s", list);
  PetscCall(PetscStrncpy(dir, list, sizeof(dir)));
  slash = strrchr(dir, '/');
  if (slash) *slash = 0;
  else PetscCall(PetscStrncpy(dir, ".", sizeof(dir)));
  *count = 0;
  PetscCall(PetscMalloc1(cap, entries));
  while (fgets(line, sizeof(line), f)) {
    KGNNMatrixEntry *w;
    line[strcspn(line, "\r\n")] = 0;
    if (!line[0] || line[0] == '#') continue;
    if (cname < 0 && !strncmp(line, "name\t", 5)) { /* manifest header */
      int c = 0;
      for (char *t = strtok(line, "\t"); t; t = strtok(NULL, "\t"), c++) {
        if (!strcmp(t, "name")) cname = c;
        if (!strcmp(t, "file")) cfile = c;
      }
      PetscCheck(cname >= 0 && cfile >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: manifest header without name and file columns", list);
      continue;
    }
    if (*count == cap) {
      KGNNMatrixEntry *bigger;
      PetscCall(PetscMalloc1(2 * cap, &bigger));
      PetscCall(PetscArraycpy(bigger, *entries, cap));
      PetscCall(PetscFree(*entries));
      *entries = bigger;
      cap *= 2;
    }
    w = &(*entries)[(*count)++];
    PetscCall(PetscMemzero(w, sizeof(*w)));
    if (cname >= 0) {
      char copy[sizeof(line)], *name, *file;
      PetscCall(PetscStrncpy(copy, line, sizeof(copy)));
      name = Field(line, cname);
      file = Field(copy, cfile);
      PetscCheck(name && file, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: a row without name or file", list);
      PetscCall(PetscStrncpy(w->name, name, sizeof(w->name)));
      PetscCall(PetscSNPrintf(w->path, sizeof(w->path), "%s/%s", dir, file));
    } else {
      const char *base = strrchr(line, '/') ? strrchr(line, '/') + 1 : line;
      PetscCall(PetscStrncpy(w->path, line, sizeof(w->path)));
      PetscCall(PetscStrncpy(w->name, base, sizeof(w->name)));
      w->name[strcspn(w->name, ".")] = 0;
    }
  }
  fclose(f);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* is name in a comma-separated list (an empty list holds every name)? */
PetscBool KGNNNameInList(const char name[], const char list[])
{
  size_t len = strlen(name);

  if (!list || !list[0]) return PETSC_TRUE;
  for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
    if (!strncmp(p, name, len) && (p[len] == ',' || p[len] == 0)) return PETSC_TRUE;
  return PETSC_FALSE;
}

/* --name on the command line means -name: PETSc's options database keeps the two apart */
void KGNNArgsSingleDash(int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    if (argv[i][0] == '-' && argv[i][1] == '-' && argv[i][2] && argv[i][2] != '-') argv[i]++;
}
