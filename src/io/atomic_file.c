/* Files replaced atomically (src/io/io.h): write a temporary file beside the target, flush it to
   disk, rename it over the target; on an error remove the temporary file and leave the target as
   it was. Every program output that is rewritten while a run goes on (the benchmark's CSV, the
   dataset and its parts, models, checkpoints, the training log) goes through here. */
#include "io.h"
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

PetscErrorCode KGNNAtomicTempPath(const char path[], char tmp[], size_t len)
{
  PetscFunctionBegin;
  PetscCheck(strlen(path) + 5 <= len, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "Path too long for its temporary name: %s", path);
  PetscCall(PetscSNPrintf(tmp, len, "%s.tmp", path));
  PetscFunctionReturn(PETSC_SUCCESS);
}

void KGNNAtomicAbort(const char tmp[])
{
  (void)unlink(tmp);
}

/* fsync the temporary file (the data first, then the name), then rename */
PetscErrorCode KGNNAtomicCommit(const char tmp[], const char path[])
{
  int fd = open(tmp, O_RDONLY), err = 0;

  PetscFunctionBegin;
  if (fd < 0 || fsync(fd) != 0) err = errno;
  if (fd >= 0) close(fd);
  if (!err && rename(tmp, path) != 0) err = errno;
  if (err) KGNNAtomicAbort(tmp);
  PetscCheck(!err, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "Cannot rename %s to %s: %s", tmp, path, strerror(err));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNAtomicOpen(const char path[], char tmp[], size_t len, FILE **f)
{
  PetscFunctionBegin;
  PetscCall(KGNNAtomicTempPath(path, tmp, len));
  *f = fopen(tmp, "w");
  PetscCheck(*f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot write %s: %s", tmp, strerror(errno));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* close (an error in any earlier fprintf shows in ferror or fclose), then commit */
PetscErrorCode KGNNAtomicClose(FILE **f, const char tmp[], const char path[])
{
  int bad;

  PetscFunctionBegin;
  bad = ferror(*f);
  bad = (fclose(*f) != 0) || bad;
  *f  = NULL;
  if (bad) KGNNAtomicAbort(tmp);
  PetscCheck(!bad, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "Cannot write %s", tmp);
  PetscCall(KGNNAtomicCommit(tmp, path));
  PetscFunctionReturn(PETSC_SUCCESS);
}
