/* The model's tensors in one table, by their PyTorch state_dict names (share/doc/model.md):
   what the weight-file reader and writer, the initialiser, the gradient buffers and the
   optimiser all walk, so that none of them repeats the architecture. */
#include "model.h"

typedef struct {
  KGNNTensor *T;
  PetscInt    n, cap;
  PetscBool   alloc;
} Table;

static PetscErrorCode Add(Table *t, const char *name, int rank, PetscInt d0, PetscInt d1, PetscInt fan_in, KGNNInit init, PetscReal **data)
{
  KGNNTensor *x;

  PetscFunctionBegin;
  if (t->n == t->cap) {
    KGNNTensor *T;
    t->cap = PetscMax(64, 2 * t->cap);
    PetscCall(PetscMalloc1(t->cap, &T));
    if (t->n) PetscCall(PetscArraycpy(T, t->T, t->n));
    PetscCall(PetscFree(t->T));
    t->T = T;
  }
  x = &t->T[t->n++];
  PetscCall(PetscMemzero(x, sizeof(*x)));
  PetscCall(PetscStrncpy(x->name, name, sizeof(x->name)));
  x->rank    = rank;
  x->dims[0] = rank == 3 ? 1 : d0;
  x->dims[1] = rank == 3 ? 1 : d1;
  x->dims[2] = rank == 3 ? d0 : 0;
  x->size    = d0 * (rank == 2 ? d1 : 1);
  x->fan_in  = fan_in;
  x->init    = init;
  if (t->alloc) PetscCall(PetscCalloc1(x->size, data));
  x->data = *data;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode AddLinear(Table *t, const char *prefix, PetscInt in, PetscInt out, PetscBool bias, KGNNInit init, KGNNLinear *l)
{
  char name[128];

  PetscFunctionBegin;
  if (t->alloc) l->in = in, l->out = out;
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.weight", prefix));
  PetscCall(Add(t, name, 2, out, in, in, init, &l->W));
  if (bias) {
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s.bias", prefix));
    PetscCall(Add(t, name, 1, out, 0, in, KGNN_INIT_TORCH, &l->b));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Linear(in, hidden) -> ReLU -> Linear(hidden, out) as prefix.<i1> and prefix.<i2> */
static PetscErrorCode AddMLP(Table *t, const char *prefix, int i1, int i2, PetscInt in, PetscInt hidden, PetscInt out, PetscBool bias, KGNNMLP *mlp)
{
  char name[128];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.%d", prefix, i1));
  PetscCall(AddLinear(t, name, in, hidden, bias, KGNN_INIT_TORCH, &mlp->l1));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.%d", prefix, i2));
  PetscCall(AddLinear(t, name, hidden, out, bias, KGNN_INIT_TORCH, &mlp->l2));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* GATv2Conv: att [1, 1, H] and lin_* glorot, bias zeros (PyG's reset_parameters) */
static PetscErrorCode AddGATv2(Table *t, const char *prefix, PetscInt H, KGNNGATv2 *g)
{
  char name[128];

  PetscFunctionBegin;
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.att", prefix));
  PetscCall(Add(t, name, 3, H, 0, H, KGNN_INIT_GLOROT, &g->att));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.bias", prefix));
  PetscCall(Add(t, name, 1, H, 0, H, KGNN_INIT_ZERO, &g->bias));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.lin_l", prefix));
  PetscCall(AddLinear(t, name, H, H, PETSC_TRUE, KGNN_INIT_GLOROT, &g->lin_l));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.lin_r", prefix));
  PetscCall(AddLinear(t, name, H, H, PETSC_TRUE, KGNN_INIT_GLOROT, &g->lin_r));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.lin_edge", prefix));
  PetscCall(AddLinear(t, name, H, H, PETSC_FALSE, KGNN_INIT_GLOROT, &g->lin_edge));
  if (t->alloc)
    for (PetscInt k = t->n - 7; k < t->n; k++)
      if (strstr(t->T[k].name, ".bias") && strstr(t->T[k].name, ".lin_")) t->T[k].init = KGNN_INIT_ZERO;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Walk(KGNNModel *M, Table *t)
{
  const PetscInt H = M->hidden;
  char           p[128];

  PetscFunctionBegin;
  PetscCall(AddMLP(t, "encoder.node_mlp", 0, 2, 1, H, H, PETSC_TRUE, &M->enc_node));
  PetscCall(AddMLP(t, "encoder.edge_mlp", 0, 2, M->edge_in, H, H, PETSC_TRUE, &M->enc_edge));
  if (t->alloc && M->depth) PetscCall(PetscCalloc1(M->depth, &M->blocks));
  for (PetscInt b = 0; b < M->depth; b++) {
    KGNNBlock *B = &M->blocks[b];
    PetscCall(PetscSNPrintf(p, sizeof(p), "processor.blocks.%d.edge", (int)b));
    PetscCall(AddMLP(t, p, 0, 2, 3 * H, H, H, PETSC_TRUE, &B->edge));
    PetscCall(PetscSNPrintf(p, sizeof(p), "processor.blocks.%d.node_model", (int)b));
    switch (M->node_model) {
    case KGNN_NODE_MLP:
      PetscCall(PetscStrlcat(p, ".f1", sizeof(p)));
      PetscCall(AddMLP(t, p, 0, 2, H, H, H, PETSC_TRUE, &B->f1));
      break;
    case KGNN_NODE_MESSAGE_MLP:
      PetscCall(PetscStrlcat(p, ".f1", sizeof(p)));
      PetscCall(AddMLP(t, p, 0, 2, 2 * H, H, H, PETSC_TRUE, &B->f1));
      p[strlen(p) - 1] = '2';
      PetscCall(AddMLP(t, p, 0, 2, 2 * H, H, H, PETSC_TRUE, &B->f2));
      break;
    case KGNN_NODE_GEN: /* Linear(H, 2H) -> [norm: none] -> ReLU -> Linear(2H, H), no biases */
      PetscCall(PetscStrlcat(p, ".conv.mlp", sizeof(p)));
      PetscCall(AddMLP(t, p, 0, 3, H, 2 * H, H, PETSC_FALSE, &B->gen));
      break;
    case KGNN_NODE_TRANSFORMER: {
      const char *nm[5] = {"lin_key", "lin_query", "lin_value", "lin_edge", "lin_skip"};
      KGNNLinear *l[5]  = {&B->tr.key, &B->tr.query, &B->tr.value, &B->tr.edge, &B->tr.skip};
      char        q[160];
      for (int k = 0; k < 5; k++) {
        PetscCall(PetscSNPrintf(q, sizeof(q), "%s.conv.%s", p, nm[k]));
        PetscCall(AddLinear(t, q, H, H, k != 3 ? PETSC_TRUE : PETSC_FALSE, KGNN_INIT_TORCH, l[k]));
      }
    } break;
    case KGNN_NODE_GLOBAL: {
      const char *qkv[3] = {"q", "k", "v"};
      KGNNLinear *l[3]   = {&B->ap.q, &B->ap.k, &B->ap.v};
      char        q[160];
      for (int k = 0; k < 3; k++) {
        PetscCall(PetscSNPrintf(q, sizeof(q), "%s.attn.%s", p, qkv[k]));
        PetscCall(AddLinear(t, q, H, H, PETSC_FALSE, KGNN_INIT_TORCH, l[k]));
      }
      PetscCall(PetscStrlcat(p, ".conv", sizeof(p))); /* and the GATv2 branch */
      PetscCall(AddGATv2(t, p, H, &B->gat));
    } break;
    case KGNN_NODE_GATV2:
      PetscCall(PetscStrlcat(p, ".conv", sizeof(p)));
      PetscCall(AddGATv2(t, p, H, &B->gat));
      break;
    }
  }
  PetscCall(AddMLP(t, "decoder.mlp", 0, 2, H, H, 1, PETSC_TRUE, &M->dec));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNModelTensors(KGNNModel *M, PetscInt *n, KGNNTensor **T)
{
  Table t = {NULL, 0, 0, PETSC_FALSE};

  PetscFunctionBegin;
  PetscCall(Walk(M, &t));
  *n = t.n;
  *T = t.T;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNModelSetUp(KGNNModel *M)
{
  Table t = {NULL, 0, 0, PETSC_TRUE};

  PetscFunctionBegin;
  M->edge_in = M->positional ? 2 : 1;
  PetscCall(Walk(M, &t));
  PetscCall(PetscFree(t.T));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNModelDuplicate(const KGNNModel *M, KGNNModel *G)
{
  PetscFunctionBegin;
  PetscCall(PetscMemzero(G, sizeof(*G)));
  G->node_model   = M->node_model;
  G->depth        = M->depth;
  G->hidden       = M->hidden;
  G->positional   = M->positional;
  G->virtual_node = M->virtual_node;
  PetscCall(KGNNModelSetUp(G));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNModelCopy(KGNNModel *from, KGNNModel *to)
{
  PetscInt    n = 0, m = 0;
  KGNNTensor *A = NULL, *B = NULL;

  PetscFunctionBegin;
  PetscCall(KGNNModelTensors(from, &n, &A));
  PetscCall(KGNNModelTensors(to, &m, &B));
  PetscCheck(n == m, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "models of different architectures");
  for (PetscInt k = 0; k < n; k++) PetscCall(PetscArraycpy(B[k].data, A[k].data, A[k].size));
  PetscCall(PetscFree(A));
  PetscCall(PetscFree(B));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNModelDestroy(KGNNModel *M)
{
  PetscInt    n = 0;
  KGNNTensor *T = NULL;

  PetscFunctionBegin;
  if (M->blocks || !M->depth) {
    PetscCall(KGNNModelTensors(M, &n, &T));
    for (PetscInt k = 0; k < n; k++) PetscCall(PetscFree(T[k].data));
    PetscCall(PetscFree(T));
  }
  PetscCall(PetscFree(M->blocks));
  PetscCall(PetscMemzero(M, sizeof(*M)));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A fresh model as PyTorch would start it, from our own generator (KGNNRandom) so that a seed
   gives the same weights on every machine: torch.nn.Linear's U(-1/sqrt(in), 1/sqrt(in)) for
   weights and biases, PyG's glorot U(-sqrt(6/(in+out)), ..) for GATv2's linears and att. */
PetscErrorCode KGNNModelInitialize(KGNNModel *M, KGNNRandom *r)
{
  PetscInt    n = 0;
  KGNNTensor *T = NULL;

  PetscFunctionBegin;
  PetscCall(KGNNModelTensors(M, &n, &T));
  for (PetscInt k = 0; k < n; k++) {
    KGNNTensor *x = &T[k];
    PetscReal   bound;
    if (x->init == KGNN_INIT_ZERO) bound = 0;
    else if (x->init == KGNN_INIT_GLOROT) bound = x->rank == 3 ? PetscSqrtReal(6.0 / (1 + x->dims[2])) : PetscSqrtReal(6.0 / (PetscReal)(x->dims[0] + x->dims[1]));
    else bound = 1.0 / PetscSqrtReal((PetscReal)x->fan_in);
    for (PetscInt i = 0; i < x->size; i++) x->data[i] = bound * (2 * KGNNRandomUniform(r) - 1);
  }
  PetscCall(PetscFree(T));
  PetscFunctionReturn(PETSC_SUCCESS);
}
