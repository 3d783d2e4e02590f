/* PCGNN weight files (share/doc/model.md): every tensor under its PyTorch state_dict name,
   the architecture in root attributes. Written by share/python/export_pyg.py (and kgnn-train).
   A missing or wrongly shaped tensor, a NaN weight, an unknown format version: an error that
   names the file and the tensor. */
#include "h5util.h"
#include "io.h"
#include <stdio.h>
#include "model_face.h"

#define KGNN_MODEL_FORMAT_VERSION 1
/* a cascade's root says 2, so that a reader that knows no /breakdown group refuses the file
   instead of running its first network where IC(0) breaks down; the group itself is version 1 */
#define KGNN_MODEL_FORMAT_CASCADE 2

/* one tensor of the table, its shape checked against the architecture's */
static PetscErrorCode ReadTensor(const char *path, hid_t f, const KGNNTensor *T)
{
  char    what[160];
  hsize_t dims[3];
  int     rank;

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(what, sizeof(what), "tensor '%s'", T->name));
  PetscCall(KGNNH5GetShape(path, f, what, T->name, &rank, dims));
  if (T->rank == 3) PetscCheck(rank == 3 && dims[0] == 1 && dims[1] == 1 && dims[2] == (hsize_t)T->dims[2], PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: tensor '%s' has %d dimensions, expected [1, 1, %d]", path, T->name, rank, (int)T->dims[2]);
  else if (T->rank == 2)
    PetscCheck(rank == 2 && dims[0] == (hsize_t)T->dims[0] && dims[1] == (hsize_t)T->dims[1], PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: tensor '%s' has shape [%llu, %llu], expected [%d, %d]", path, T->name, (unsigned long long)dims[0],
               (unsigned long long)dims[1], (int)T->dims[0], (int)T->dims[1]);
  else
    PetscCheck(rank == 1 && dims[0] == (hsize_t)T->dims[0], PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: tensor '%s' has %d dimensions and %llu entries, expected a vector of %d", path, T->name, rank, (unsigned long long)dims[0], (int)T->dims[0]);
  PetscCall(KGNNH5ReadReal(path, f, what, T->name, (size_t)T->size, T->data));
  for (PetscInt k = 0; k < T->size; k++) PetscCheck(!PetscIsInfOrNanReal(T->data[k]), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: tensor '%s' holds a non-finite value at position %d", path, T->name, (int)k);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ReadModel(const char *path, hid_t f, PetscBool root, KGNNModel *M)
{
  char           fmt[64], nm[64];
  long long      ver, depth, hidden, pos, vnode;
  PetscInt       nt;
  KGNNTensor    *T;
  PetscErrorCode ierr = PETSC_SUCCESS;

  PetscFunctionBegin;
  PetscCall(KGNNH5ReadString(path, f, "format", fmt, sizeof(fmt)));
  PetscCheck(!strcmp(fmt, "kgnn-model"), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: format is '%s', not a kgnn model", path, fmt);
  PetscCall(KGNNH5ReadNumber(path, f, "format_version", H5T_NATIVE_LLONG, &ver));
  PetscCheck(ver == KGNN_MODEL_FORMAT_VERSION || (root && ver == KGNN_MODEL_FORMAT_CASCADE), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: model format version %lld, this kgnn reads version %d (and %d, a cascade's root)", path, ver,
             KGNN_MODEL_FORMAT_VERSION, KGNN_MODEL_FORMAT_CASCADE);
  PetscCall(KGNNH5ReadString(path, f, "node_model", nm, sizeof(nm)));
  PetscCall(KGNNH5ReadNumber(path, f, "depth", H5T_NATIVE_LLONG, &depth));
  PetscCall(KGNNH5ReadNumber(path, f, "hidden", H5T_NATIVE_LLONG, &hidden));
  PetscCall(KGNNH5ReadNumber(path, f, "positional", H5T_NATIVE_LLONG, &pos));
  PetscCall(KGNNH5ReadNumber(path, f, "virtual_node", H5T_NATIVE_LLONG, &vnode));
  M->jacobi = 0; /* the input scaling the weights were trained with; files without it: max_abs */
  if (H5Aexists(f, "normalisation") > 0) {
    char norm[64];
    PetscCall(KGNNH5ReadString(path, f, "normalisation", norm, sizeof(norm)));
    PetscCheck(!strcmp(norm, "max_abs") || !strcmp(norm, "jacobi"), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: normalisation '%s' is neither max_abs nor jacobi", path, norm);
    M->jacobi = !strcmp(norm, "jacobi");
  }
  PetscCall(KGNNNodeModelFromName(nm, &M->node_model));
  if ((int)M->node_model < 0) {
    char names[512];
    PetscCall(KGNNNodeModelNames(names, sizeof(names)));
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_SUP, "%s: node model '%s' is not one kgnn knows (%s)", path, nm, names);
  }
  PetscCheck(depth >= 0 && depth <= 64 && hidden >= 1 && hidden <= 4096, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: depth %lld or hidden size %lld out of range", path, depth, hidden);
  M->depth        = (PetscInt)depth;
  M->hidden       = (PetscInt)hidden;
  M->positional   = pos ? PETSC_TRUE : PETSC_FALSE;
  M->virtual_node = vnode ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(KGNNModelSetUp(M));
  PetscCall(KGNNModelTensors(M, &nt, &T));
  for (PetscInt k = 0; k < nt && !ierr; k++) ierr = ReadTensor(path, f, &T[k]);
  PetscCall(PetscFree(T)); /* the table is freed before an error is passed on */
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the attributes and tensors of M at loc (the file, or a group of it) */
static PetscErrorCode WriteModel(hid_t loc, KGNNModel *M)
{
  PetscInt    nt;
  KGNNTensor *T;
  long long   ver = KGNN_MODEL_FORMAT_VERSION, depth = M->depth, hidden = M->hidden, pos = M->positional, vnode = M->virtual_node;

  PetscFunctionBegin;
  PetscCall(KGNNH5WriteString(loc, "format", "kgnn-model"));
  PetscCall(KGNNH5WriteNumber(loc, "format_version", H5T_STD_I64LE, H5T_NATIVE_LLONG, &ver));
  PetscCall(KGNNH5WriteString(loc, "node_model", KGNNNodeModelName(M->node_model)));
  PetscCall(KGNNH5WriteNumber(loc, "depth", H5T_STD_I64LE, H5T_NATIVE_LLONG, &depth));
  PetscCall(KGNNH5WriteNumber(loc, "hidden", H5T_STD_I64LE, H5T_NATIVE_LLONG, &hidden));
  PetscCall(KGNNH5WriteNumber(loc, "positional", H5T_STD_I64LE, H5T_NATIVE_LLONG, &pos));
  PetscCall(KGNNH5WriteNumber(loc, "virtual_node", H5T_STD_I64LE, H5T_NATIVE_LLONG, &vnode));
  PetscCall(KGNNH5WriteString(loc, "normalisation", M->jacobi ? "jacobi" : "max_abs"));
  PetscCall(KGNNModelTensors(M, &nt, &T));
  for (PetscInt k = 0; k < nt; k++) PetscCall(KGNNH5WriteArray(loc, T[k].name, T[k].rank, T[k].dims, T[k].data));
  PetscCall(PetscFree(T));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Written to path.tmp and renamed, so a reader never sees half a file; extra(file, ctx) may add
   groups (kgnn-train's optimiser state, a cascade's breakdown network) */
PetscErrorCode KGNNModelSave(KGNNModel *M, const char path[], PetscErrorCode (*extra)(hid_t, void *), void *ctx)
{
  char  tmp[PETSC_MAX_PATH_LEN + 8];
  hid_t f;

  PetscFunctionBegin;
  PetscCall(KGNNAtomicTempPath(path, tmp, sizeof(tmp)));
  f = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(f >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot create model file %s", tmp);
  PetscCall(WriteModel(f, M));
  if (extra) PetscCall((*extra)(f, ctx));
  PetscCheck(H5Fclose(f) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "Cannot close %s", tmp);
  PetscCall(KGNNAtomicCommit(tmp, path));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A cascade (issue 12): the group /breakdown of a model file holds a second network, run where
   IC(0) of A breaks down (a pivot <= 0); the root's network runs where IC(0) exists */
PetscErrorCode KGNNModelSaveBreakdown(hid_t f, KGNNModel *B)
{
  hid_t     g;
  long long ver = KGNN_MODEL_FORMAT_CASCADE;

  PetscFunctionBegin;
  PetscCheck(H5Adelete(f, "format_version") >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "Cannot mark a model file as a cascade");
  PetscCall(KGNNH5WriteNumber(f, "format_version", H5T_STD_I64LE, H5T_NATIVE_LLONG, &ver));
  g = H5Gcreate2(f, "breakdown", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(g >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "Cannot create the group /breakdown of a model file");
  PetscCall(WriteModel(g, B));
  PetscCheck(H5Gclose(g) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "Cannot close the group /breakdown of a model file");
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the network at group (NULL: the root) of the model file path; *found false (and M zeroed) if
   the file has no such group */
static PetscErrorCode LoadAt(const char path[], const char *group, KGNNModel *M, PetscBool *found)
{
  hid_t          f, g = -1;
  htri_t         ish5;
  PetscErrorCode ierr;
  FILE          *fp = fopen(path, "rb");

  PetscFunctionBegin;
  PetscCall(PetscMemzero(M, sizeof(*M)));
  *found = PETSC_FALSE;
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot open model file %s", path);
  fclose(fp);
  H5E_BEGIN_TRY
  {
    ish5 = H5Fis_hdf5(path);
    f    = ish5 > 0 ? H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT) : -1;
  }
  H5E_END_TRY;
  PetscCheck(f >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s is not an HDF5 model file (or is truncated)", path);
  if (group) { /* the group is there exactly when the root says the file is a cascade */
    long long rv  = 0;
    htri_t    has = H5Lexists(f, group, H5P_DEFAULT);
    PetscBool bad;
    ierr = KGNNH5ReadNumber(path, f, "format_version", H5T_NATIVE_LLONG, &rv);
    bad  = !ierr && (has > 0) != (rv == KGNN_MODEL_FORMAT_CASCADE) ? PETSC_TRUE : PETSC_FALSE;
    if (ierr || bad || has <= 0) H5Fclose(f);
    PetscCall(ierr);
    PetscCheck(!bad, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: model format version %lld %s a group /%s", path, rv, has > 0 ? "(not a cascade's) yet has" : "(a cascade's) yet lacks", group);
    if (has <= 0) PetscFunctionReturn(PETSC_SUCCESS);
    g = H5Gopen2(f, group, H5P_DEFAULT);
    if (g < 0) H5Fclose(f);
    PetscCheck(g >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: /%s is not a group", path, group);
  }
  {
    char where[PETSC_MAX_PATH_LEN + 32]; /* errors name the group: "file, group /breakdown" */
    ierr = PetscSNPrintf(where, sizeof(where), "%s%s%s", path, group ? ", group /" : "", group ? group : "");
    if (!ierr) ierr = ReadModel(where, group ? g : f, group ? PETSC_FALSE : PETSC_TRUE, M); /* free what was read before passing an error on */
  }
  if (group) H5Gclose(g);
  H5Fclose(f);
  if (ierr) PetscCall(KGNNModelDestroy(M));
  PetscCall(ierr);
  *found = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNModelLoad(const char path[], KGNNModel *M)
{
  PetscBool found;

  PetscFunctionBegin;
  PetscCall(LoadAt(path, NULL, M, &found));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNModelLoadBreakdown(const char path[], KGNNModel *B, PetscBool *found)
{
  PetscFunctionBegin;
  PetscCall(LoadAt(path, "breakdown", B, found));
  PetscFunctionReturn(PETSC_SUCCESS);
}
