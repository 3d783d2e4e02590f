/* PCGNN weight files (share/doc/model.md): every tensor under its PyTorch state_dict name,
   the architecture in root attributes. Written by share/python/export_pyg.py (and kgnn-train).
   A missing or wrongly shaped tensor, a NaN weight, an unknown format version: an error that
   names the file and the tensor. */
#include "h5util.h"
#include "../model/model.h"

#define KGNN_MODEL_FORMAT_VERSION 1

/* into T, allocated by the caller: rows x cols (cols = 0: a vector of rows) */
static PetscErrorCode ReadTensor(const char *path, hid_t f, const char *name, PetscInt rows, PetscInt cols, PetscReal *T)
{
  hid_t   d, s;
  hsize_t dims[3] = {0, 0, 0};
  int     rank;

  PetscFunctionBegin;
  PetscCheck(H5Lexists(f, name, H5P_DEFAULT) > 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: tensor '%s' missing", path, name);
  d    = H5Dopen2(f, name, H5P_DEFAULT);
  s    = H5Dget_space(d);
  rank = H5Sget_simple_extent_dims(s, dims, NULL);
  H5Sclose(s);
  if (rows < 0) { /* [1, 1, -rows], GATv2's att */
    PetscCheck(rank == 3 && dims[0] == 1 && dims[1] == 1 && dims[2] == (hsize_t)-rows, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: tensor '%s' has %d dimensions, expected [1, 1, %d]", path, name, rank, (int)-rows);
    rows = -rows;
  } else if (cols > 0)
    PetscCheck(rank == 2 && dims[0] == (hsize_t)rows && dims[1] == (hsize_t)cols, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: tensor '%s' has shape [%llu, %llu], expected [%d, %d]", path, name, (unsigned long long)dims[0],
               (unsigned long long)dims[1], (int)rows, (int)cols);
  else PetscCheck(rank == 1 && dims[0] == (hsize_t)rows, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: tensor '%s' has %d dimensions and %llu entries, expected a vector of %d", path, name, rank, (unsigned long long)dims[0], (int)rows);
  PetscCheck(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, T) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s: cannot read tensor '%s'", path, name);
  H5Dclose(d);
  for (PetscInt k = 0; k < rows * PetscMax(cols, 1); k++) PetscCheck(!PetscIsInfOrNanReal(T[k]), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: tensor '%s' holds a non-finite value at position %d", path, name, (int)k);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* prefix.0.{weight,bias} and prefix.2.{weight,bias}: Linear(in, hidden) -> ReLU -> Linear(hidden, out) */
static PetscErrorCode ReadMLP(const char *path, hid_t f, const char *prefix, PetscInt in, PetscInt hidden, PetscInt out, KGNNMLP *mlp)
{
  char        name[256];
  KGNNLinear *l[2]       = {&mlp->l1, &mlp->l2};
  PetscInt    dims[2][2] = {{hidden, in}, {out, hidden}};

  PetscFunctionBegin;
  for (int k = 0; k < 2; k++) {
    l[k]->out = dims[k][0];
    l[k]->in  = dims[k][1];
    PetscCall(PetscMalloc2(dims[k][0] * dims[k][1], &l[k]->W, dims[k][0], &l[k]->b)); /* freed by KGNNMLPDestroy */
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s.%d.weight", prefix, 2 * k));
    PetscCall(ReadTensor(path, f, name, dims[k][0], dims[k][1], l[k]->W));
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s.%d.bias", prefix, 2 * k));
    PetscCall(ReadTensor(path, f, name, dims[k][0], 0, l[k]->b));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* prefix.{lin_l,lin_r}.{weight,bias}, prefix.lin_edge.weight, prefix.att [1,1,H], prefix.bias */
static PetscErrorCode ReadGATv2(const char *path, hid_t f, const char *prefix, PetscInt H, KGNNGATv2 *g)
{
  char        name[256];
  KGNNLinear *l[2]  = {&g->lin_l, &g->lin_r};
  const char *nm[2] = {"lin_l", "lin_r"};

  PetscFunctionBegin;
  for (int k = 0; k < 2; k++) {
    l[k]->in = l[k]->out = H;
    PetscCall(PetscMalloc2(H * H, &l[k]->W, H, &l[k]->b));
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s.%s.weight", prefix, nm[k]));
    PetscCall(ReadTensor(path, f, name, H, H, l[k]->W));
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s.%s.bias", prefix, nm[k]));
    PetscCall(ReadTensor(path, f, name, H, 0, l[k]->b));
  }
  g->lin_edge.in = g->lin_edge.out = H;
  PetscCall(PetscMalloc1(H * H, &g->lin_edge.W));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.lin_edge.weight", prefix));
  PetscCall(ReadTensor(path, f, name, H, H, g->lin_edge.W));
  PetscCall(PetscMalloc2(H, &g->att, H, &g->bias));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.att", prefix));
  PetscCall(ReadTensor(path, f, name, -H, 0, g->att)); /* [1, 1, H] */
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.bias", prefix));
  PetscCall(ReadTensor(path, f, name, H, 0, g->bias));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ReadModel(const char *path, hid_t f, KGNNModel *M)
{
  char      fmt[64], nm[64];
  long long ver, depth, hidden, pos, vnode;
  PetscInt  H;

  PetscFunctionBegin;
  PetscCall(KGNNH5ReadString(path, f, "format", fmt, sizeof(fmt)));
  PetscCheck(!strcmp(fmt, "kgnn-model"), PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: format is '%s', not a kgnn model", path, fmt);
  PetscCall(KGNNH5ReadNumber(path, f, "format_version", H5T_NATIVE_LLONG, &ver));
  PetscCheck(ver == KGNN_MODEL_FORMAT_VERSION, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: model format version %lld, this kgnn reads version %d", path, ver, KGNN_MODEL_FORMAT_VERSION);
  PetscCall(KGNNH5ReadString(path, f, "node_model", nm, sizeof(nm)));
  PetscCall(KGNNH5ReadNumber(path, f, "depth", H5T_NATIVE_LLONG, &depth));
  PetscCall(KGNNH5ReadNumber(path, f, "hidden", H5T_NATIVE_LLONG, &hidden));
  PetscCall(KGNNH5ReadNumber(path, f, "positional", H5T_NATIVE_LLONG, &pos));
  PetscCall(KGNNH5ReadNumber(path, f, "virtual_node", H5T_NATIVE_LLONG, &vnode));
  if (!strcmp(nm, "MLPNodeModel")) M->node_model = KGNN_NODE_MLP;
  else if (!strcmp(nm, "MessagePassingMLP")) M->node_model = KGNN_NODE_MESSAGE_MLP;
  else if (!strcmp(nm, "GATv2")) M->node_model = KGNN_NODE_GATV2;
  else SETERRQ(PETSC_COMM_SELF, PETSC_ERR_SUP, "%s: node model '%s' is not implemented in C yet (MLPNodeModel, MessagePassingMLP are)", path, nm);
  PetscCheck(!vnode, PETSC_COMM_SELF, PETSC_ERR_SUP, "%s: the virtual node is not implemented in C yet", path);
  PetscCheck(depth >= 0 && depth <= 64 && hidden >= 1 && hidden <= 4096, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: depth %lld or hidden size %lld out of range", path, depth, hidden);
  M->depth  = (PetscInt)depth;
  M->hidden = H = (PetscInt)hidden;
  M->positional = pos ? PETSC_TRUE : PETSC_FALSE;
  M->edge_in    = pos ? 2 : 1;
  PetscCall(ReadMLP(path, f, "encoder.node_mlp", 1, H, H, &M->enc_node));
  PetscCall(ReadMLP(path, f, "encoder.edge_mlp", M->edge_in, H, H, &M->enc_edge));
  PetscCall(PetscCalloc1(M->depth, &M->blocks));
  for (PetscInt b = 0; b < M->depth; b++) {
    char p[128];
    PetscCall(PetscSNPrintf(p, sizeof(p), "processor.blocks.%d.edge", (int)b));
    PetscCall(ReadMLP(path, f, p, 3 * H, H, H, &M->blocks[b].edge));
    if (M->node_model == KGNN_NODE_GATV2) {
      PetscCall(PetscSNPrintf(p, sizeof(p), "processor.blocks.%d.node_model.conv", (int)b));
      PetscCall(ReadGATv2(path, f, p, H, &M->blocks[b].gat));
      continue;
    }
    PetscCall(PetscSNPrintf(p, sizeof(p), "processor.blocks.%d.node_model.f1", (int)b));
    PetscCall(ReadMLP(path, f, p, M->node_model == KGNN_NODE_MLP ? H : 2 * H, H, H, &M->blocks[b].f1));
    if (M->node_model == KGNN_NODE_MESSAGE_MLP) {
      PetscCall(PetscSNPrintf(p, sizeof(p), "processor.blocks.%d.node_model.f2", (int)b));
      PetscCall(ReadMLP(path, f, p, 2 * H, H, H, &M->blocks[b].f2));
    }
  }
  PetscCall(ReadMLP(path, f, "decoder.mlp", H, H, 1, &M->dec));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNModelLoad(const char path[], KGNNModel *M)
{
  hid_t          f;
  htri_t         ish5;
  PetscErrorCode ierr;
  FILE          *fp = fopen(path, "rb");

  PetscFunctionBegin;
  PetscCall(PetscMemzero(M, sizeof(*M)));
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "Cannot open model file %s", path);
  fclose(fp);
  H5E_BEGIN_TRY
  {
    ish5 = H5Fis_hdf5(path);
    f    = ish5 > 0 ? H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT) : -1;
  }
  H5E_END_TRY;
  PetscCheck(f >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s is not an HDF5 model file (or is truncated)", path);
  ierr = ReadModel(path, f, M); /* free what was read before passing an error on */
  H5Fclose(f);
  if (ierr) PetscCall(KGNNModelDestroy(M));
  PetscCall(ierr);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNModelDestroy(KGNNModel *M)
{
  PetscFunctionBegin;
  PetscCall(KGNNMLPDestroy(&M->enc_node));
  PetscCall(KGNNMLPDestroy(&M->enc_edge));
  PetscCall(KGNNMLPDestroy(&M->dec));
  for (PetscInt b = 0; M->blocks && b < M->depth; b++) {
    PetscCall(KGNNMLPDestroy(&M->blocks[b].edge));
    PetscCall(KGNNMLPDestroy(&M->blocks[b].f1));
    PetscCall(KGNNMLPDestroy(&M->blocks[b].f2));
    PetscCall(KGNNGATv2Destroy(&M->blocks[b].gat));
  }
  PetscCall(PetscFree(M->blocks));
  PetscCall(PetscMemzero(M, sizeof(*M)));
  PetscFunctionReturn(PETSC_SUCCESS);
}
