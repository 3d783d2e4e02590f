/* Sizes against the memory a process may still use, checked before allocating (src/io/io.h):
   a size beyond it is an error that names both, not a process the kernel kills without a word. */
#include "io.h"
#include <stdlib.h>
#include <unistd.h>
#include <sys/resource.h>

/* a "Key: N kB" line of a /proc file, in bytes; -1 if absent */
static double ProcKB(const char *file, const char *key)
{
  FILE  *f = fopen(file, "r");
  char   line[256];
  double v  = -1;
  size_t lk = strlen(key);

  if (!f) return -1;
  while (fgets(line, sizeof(line), f))
    if (!strncmp(line, key, lk) && line[lk] == ':') {
      v = 1024.0 * atof(line + lk + 1);
      break;
    }
  fclose(f);
  return v;
}

PetscErrorCode KGNNMemoryAvailable(double *bytes)
{
  struct rlimit rl;
  double        avail = ProcKB("/proc/meminfo", "MemAvailable");

  PetscFunctionBegin;
  if (avail < 0) avail = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGE_SIZE);
  if (!getrlimit(RLIMIT_AS, &rl) && rl.rlim_cur != RLIM_INFINITY) {
    double used = ProcKB("/proc/self/status", "VmSize");
    avail       = PetscMin(avail, (double)rl.rlim_cur - (used > 0 ? used : 0));
  }
  if (!getrlimit(RLIMIT_DATA, &rl) && rl.rlim_cur != RLIM_INFINITY) {
    double used = ProcKB("/proc/self/status", "VmData");
    avail       = PetscMin(avail, (double)rl.rlim_cur - (used > 0 ? used : 0));
  }
  *bytes = PetscMax(avail, 0);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNCheckMemory(const char what[], double bytes)
{
  double avail;

  PetscFunctionBegin;
  PetscCall(KGNNMemoryAvailable(&avail));
  PetscCheck(bytes <= avail, PETSC_COMM_SELF, PETSC_ERR_MEM, "%s needs about %.3g GB, more than the %.3g GB of memory available (MemAvailable in /proc/meminfo, or this process's ulimit)", what, bytes / 1e9, avail / 1e9);
  PetscFunctionReturn(PETSC_SUCCESS);
}
