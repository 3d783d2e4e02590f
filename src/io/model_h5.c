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

/* prefix.weight [out, in] and, with bias, prefix.bias [out] */
static PetscErrorCode ReadLinear(const char *path, hid_t f, const char *prefix, PetscInt in, PetscInt out, PetscBool bias, KGNNLinear *l)
{
  char name[256];

  PetscFunctionBegin;
  l->in  = in;
  l->out = out;
  PetscCall(PetscMalloc1(out * in, &l->W)); /* freed by KGNNLinearDestroy */
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.weight", prefix));
  PetscCall(ReadTensor(path, f, name, out, in, l->W));
  if (bias) {
    PetscCall(PetscMalloc1(out, &l->b));
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s.bias", prefix));
    PetscCall(ReadTensor(path, f, name, out, 0, l->b));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Linear(in, hidden) -> ReLU -> Linear(hidden, out) as prefix.<i1> and prefix.<i2> */
static PetscErrorCode ReadMLPAt(const char *path, hid_t f, const char *prefix, int i1, int i2, PetscInt in, PetscInt hidden, PetscInt out, PetscBool bias, KGNNMLP *mlp)
{
  char name[256];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.%d", prefix, i1));
  PetscCall(ReadLinear(path, f, name, in, hidden, bias, &mlp->l1));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.%d", prefix, i2));
  PetscCall(ReadLinear(path, f, name, hidden, out, bias, &mlp->l2));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ReadMLP(const char *path, hid_t f, const char *prefix, PetscInt in, PetscInt hidden, PetscInt out, KGNNMLP *mlp)
{
  PetscFunctionBegin;
  PetscCall(ReadMLPAt(path, f, prefix, 0, 2, in, hidden, out, PETSC_TRUE, mlp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* GATv2Conv: lin_l, lin_r (with bias), lin_edge (without), att [1, 1, H], bias */
static PetscErrorCode ReadGATv2(const char *path, hid_t f, const char *prefix, PetscInt H, KGNNGATv2 *g)
{
  char name[256];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.lin_l", prefix));
  PetscCall(ReadLinear(path, f, name, H, H, PETSC_TRUE, &g->lin_l));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.lin_r", prefix));
  PetscCall(ReadLinear(path, f, name, H, H, PETSC_TRUE, &g->lin_r));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.lin_edge", prefix));
  PetscCall(ReadLinear(path, f, name, H, H, PETSC_FALSE, &g->lin_edge));
  PetscCall(PetscMalloc2(H, &g->att, H, &g->bias));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.att", prefix));
  PetscCall(ReadTensor(path, f, name, -H, 0, g->att));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.bias", prefix));
  PetscCall(ReadTensor(path, f, name, H, 0, g->bias));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* TransformerConv: lin_key, lin_query, lin_value, lin_skip (with bias), lin_edge (without) */
static PetscErrorCode ReadTransformer(const char *path, hid_t f, const char *prefix, PetscInt H, KGNNTransformer *t)
{
  const char *nm[5] = {"lin_key", "lin_query", "lin_value", "lin_skip", "lin_edge"};
  KGNNLinear *l[5]  = {&t->key, &t->query, &t->value, &t->skip, &t->edge};
  char        name[256];

  PetscFunctionBegin;
  for (int k = 0; k < 5; k++) {
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s.%s", prefix, nm[k]));
    PetscCall(ReadLinear(path, f, name, H, H, k < 4 ? PETSC_TRUE : PETSC_FALSE, l[k]));
  }
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
  else if (!strcmp(nm, "GEN")) M->node_model = KGNN_NODE_GEN;
  else if (!strcmp(nm, "GraphTransformer")) M->node_model = KGNN_NODE_TRANSFORMER;
  else if (!strcmp(nm, "GlobalGraphTransformer")) M->node_model = KGNN_NODE_GLOBAL;
  else SETERRQ(PETSC_COMM_SELF, PETSC_ERR_SUP, "%s: node model '%s' is not one kgnn knows (MLPNodeModel, MessagePassingMLP, GATv2, GEN, GraphTransformer, GlobalGraphTransformer)", path, nm);
  PetscCheck(depth >= 0 && depth <= 64 && hidden >= 1 && hidden <= 4096, PETSC_COMM_SELF, PETSC_ERR_FILE_UNEXPECTED, "%s: depth %lld or hidden size %lld out of range", path, depth, hidden);
  M->depth  = (PetscInt)depth;
  M->hidden = H   = (PetscInt)hidden;
  M->positional   = pos ? PETSC_TRUE : PETSC_FALSE;
  M->virtual_node = vnode ? PETSC_TRUE : PETSC_FALSE;
  M->edge_in      = pos ? 2 : 1;
  PetscCall(ReadMLP(path, f, "encoder.node_mlp", 1, H, H, &M->enc_node));
  PetscCall(ReadMLP(path, f, "encoder.edge_mlp", M->edge_in, H, H, &M->enc_edge));
  PetscCall(PetscCalloc1(M->depth, &M->blocks));
  for (PetscInt b = 0; b < M->depth; b++) {
    char p[128];
    PetscCall(PetscSNPrintf(p, sizeof(p), "processor.blocks.%d.edge", (int)b));
    PetscCall(ReadMLP(path, f, p, 3 * H, H, H, &M->blocks[b].edge));
    PetscCall(PetscSNPrintf(p, sizeof(p), "processor.blocks.%d.node_model.conv", (int)b));
    if (M->node_model == KGNN_NODE_GATV2 || M->node_model == KGNN_NODE_GLOBAL) {
      PetscCall(ReadGATv2(path, f, p, H, &M->blocks[b].gat));
      if (M->node_model == KGNN_NODE_GLOBAL) {
        const char *qkv[3] = {"q", "k", "v"};
        KGNNLinear *l[3]   = {&M->blocks[b].ap.q, &M->blocks[b].ap.k, &M->blocks[b].ap.v};
        for (int t = 0; t < 3; t++) {
          PetscCall(PetscSNPrintf(p, sizeof(p), "processor.blocks.%d.node_model.attn.%s", (int)b, qkv[t]));
          PetscCall(ReadLinear(path, f, p, H, H, PETSC_FALSE, l[t]));
        }
      }
      continue;
    }
    if (M->node_model == KGNN_NODE_TRANSFORMER) {
      PetscCall(ReadTransformer(path, f, p, H, &M->blocks[b].tr));
      continue;
    }
    if (M->node_model == KGNN_NODE_GEN) { /* Linear(H, 2H) -> [norm: none] -> ReLU -> Linear(2H, H), no biases */
      PetscCall(PetscStrlcat(p, ".mlp", sizeof(p)));
      PetscCall(ReadMLPAt(path, f, p, 0, 3, H, 2 * H, H, PETSC_FALSE, &M->blocks[b].gen));
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
    PetscCall(KGNNMLPDestroy(&M->blocks[b].gen));
    PetscCall(KGNNTransformerDestroy(&M->blocks[b].tr));
    PetscCall(KGNNAllPairDestroy(&M->blocks[b].ap));
  }
  PetscCall(PetscFree(M->blocks));
  PetscCall(PetscMemzero(M, sizeof(*M)));
  PetscFunctionReturn(PETSC_SUCCESS);
}
