/* The PCGNN graph network (share/doc/model.md): encoder, processor of graph-network blocks,
   decoder, on the graph of a matrix. Plain arrays, no PETSc objects. */
#ifndef KGNN_MODEL_H
#define KGNN_MODEL_H

#include "../kgnn_impl.h"
#include <hdf5.h>
#include <stdint.h>

typedef struct {
  PetscInt   in, out;
  PetscReal *W, *b; /* W: out x in, row-major (torch.nn.Linear.weight) */
} KGNNLinear;

typedef struct {
  KGNNLinear l1, l2; /* Linear -> ReLU -> Linear */
} KGNNMLP;

typedef enum {
  KGNN_NODE_MLP,         /* MLPNodeModel: h_i = f(h_i), no messages */
  KGNN_NODE_MESSAGE_MLP, /* MessagePassingMLP: h_i = f2(h_i, mean_j f1(h_i, e_ji)) */
  KGNN_NODE_GATV2,       /* GATv2Conv (Brody et al.), one head, edge features */
  KGNN_NODE_GEN,         /* GENConv (Li et al.), softmax aggregation, no norm */
  KGNN_NODE_TRANSFORMER, /* TransformerConv (Shi et al.), one head, edge features */
  KGNN_NODE_GLOBAL       /* GlobalGraphTransformer: 0.5 all-pair attention + 0.5 GATv2 */
} KGNNNodeModel;

typedef struct {
  KGNNLinear q, k, v; /* no biases */
} KGNNAllPair;

typedef struct {
  KGNNLinear key, query, value, edge, skip; /* edge has no bias */
} KGNNTransformer;

/* GATv2Conv with heads = 1, add_self_loops = False, edge_dim = hidden (share/doc/model.md) */
typedef struct {
  KGNNLinear lin_l, lin_r, lin_edge; /* lin_edge has no bias */
  PetscReal *att, *bias;             /* hidden each */
} KGNNGATv2;

typedef struct {
  KGNNMLP         edge;   /* e_k = e_k + edge([e_k, h_sender, h_receiver]) */
  KGNNMLP         f1, f2; /* node model: f1 only for MLPNodeModel */
  KGNNGATv2       gat;    /* node model GATv2 */
  KGNNMLP         gen;    /* node model GEN: its MLP, 16 -> 32 -> 16, no biases */
  KGNNTransformer tr;     /* node model GraphTransformer */
  KGNNAllPair     ap;     /* node model GlobalGraphTransformer: the all-pair branch (with gat) */
} KGNNBlock;

typedef struct {
  KGNNNodeModel node_model;
  PetscInt      depth, hidden, edge_in; /* edge_in = 1, or 2 with the positional feature */
  PetscBool     positional, virtual_node;
  KGNNMLP       enc_node, enc_edge, dec;
  KGNNBlock    *blocks;
} KGNNModel;

/* The graph: n nodes, nnz directed edges sender[k] -> receiver[k] with values a[k]. A batch is
   the disjoint union of ngraphs graphs, batch[i] the graph of node i (batch NULL: one graph);
   only the per-graph parts (max|A| scaling, virtual node, all-pair attention) look at it. */
typedef struct {
  PetscInt         n, nnz;
  const PetscInt  *sender, *receiver;
  const PetscReal *a;
  PetscInt         ngraphs;
  const PetscInt  *batch;
} KGNNGraph;

/* Training: each attention-type node model has a forward that keeps a cache (created by the
   forward, freed by CacheDestroy) and a backward beside it. The backward gets the same h, e as
   the forward and the gradient dout (n x H) of its output; it ADDS to dh (n x H), de (m x H)
   and to the weight gradients in grad (a layer of the same shapes). */
typedef struct _n_KGNNGATv2Cache       *KGNNGATv2Cache;
typedef struct _n_KGNNGENCache         *KGNNGENCache;
typedef struct _n_KGNNTransformerCache *KGNNTransformerCache;
typedef struct _n_KGNNAllPairCache     *KGNNAllPairCache;

PETSC_INTERN PetscErrorCode KGNNLinearForward(const KGNNLinear *, PetscInt m, const PetscReal *X, PetscReal *Y);
PETSC_INTERN PetscErrorCode KGNNLinearBlock(const KGNNLinear *, PetscInt c0, PetscInt k, PetscInt m, const PetscReal *X, PetscReal *Y, PetscBool accumulate, PetscBool bias);
PETSC_INTERN PetscErrorCode KGNNGATv2Forward(const KGNNGATv2 *, PetscInt H, const KGNNGraph *, const PetscReal *h, const PetscReal *e, PetscReal *out);
PETSC_INTERN PetscErrorCode KGNNGENForward(const KGNNMLP *, PetscInt H, const KGNNGraph *, const PetscReal *h, const PetscReal *e, PetscReal *out);
PETSC_INTERN PetscErrorCode KGNNTransformerForward(const KGNNTransformer *, PetscInt H, const KGNNGraph *, const PetscReal *h, const PetscReal *e, PetscReal *out);
PETSC_INTERN PetscErrorCode KGNNAllPairForward(const KGNNAllPair *, PetscInt H, const KGNNGraph *, const PetscReal *h, PetscReal *out);
PETSC_INTERN PetscErrorCode KGNNGATv2ForwardCached(const KGNNGATv2 *, PetscInt H, const KGNNGraph *, const PetscReal *h, const PetscReal *e, PetscReal *out, KGNNGATv2Cache *);
PETSC_INTERN PetscErrorCode KGNNGATv2Backward(const KGNNGATv2 *, PetscInt H, const KGNNGraph *, const PetscReal *h, const PetscReal *e, KGNNGATv2Cache, const PetscReal *dout, PetscReal *dh, PetscReal *de, KGNNGATv2 *grad);
PETSC_INTERN PetscErrorCode KGNNGATv2CacheDestroy(KGNNGATv2Cache *);
PETSC_INTERN PetscErrorCode KGNNGENForwardCached(const KGNNMLP *, PetscInt H, const KGNNGraph *, const PetscReal *h, const PetscReal *e, PetscReal *out, KGNNGENCache *);
PETSC_INTERN PetscErrorCode KGNNGENBackward(const KGNNMLP *, PetscInt H, const KGNNGraph *, const PetscReal *h, const PetscReal *e, KGNNGENCache, const PetscReal *dout, PetscReal *dh, PetscReal *de, KGNNMLP *grad);
PETSC_INTERN PetscErrorCode KGNNGENCacheDestroy(KGNNGENCache *);
PETSC_INTERN PetscErrorCode KGNNTransformerForwardCached(const KGNNTransformer *, PetscInt H, const KGNNGraph *, const PetscReal *h, const PetscReal *e, PetscReal *out, KGNNTransformerCache *);
PETSC_INTERN PetscErrorCode KGNNTransformerBackward(const KGNNTransformer *, PetscInt H, const KGNNGraph *, const PetscReal *h, const PetscReal *e, KGNNTransformerCache, const PetscReal *dout, PetscReal *dh, PetscReal *de, KGNNTransformer *grad);
PETSC_INTERN PetscErrorCode KGNNTransformerCacheDestroy(KGNNTransformerCache *);
PETSC_INTERN PetscErrorCode KGNNAllPairForwardCached(const KGNNAllPair *, PetscInt H, const KGNNGraph *, const PetscReal *h, PetscReal *out, KGNNAllPairCache *);
PETSC_INTERN PetscErrorCode KGNNAllPairBackward(const KGNNAllPair *, PetscInt H, const KGNNGraph *, const PetscReal *h, KGNNAllPairCache, const PetscReal *dout, PetscReal *dh, KGNNAllPair *grad);
PETSC_INTERN PetscErrorCode KGNNAllPairCacheDestroy(KGNNAllPairCache *);
PETSC_INTERN void           KGNNScatterSoftmax(PetscInt m, PetscInt n, PetscInt stride, const PetscInt *index, PetscReal *score, PetscReal *work);
PETSC_INTERN void           KGNNScatterSoftmaxBackward(PetscInt m, PetscInt n, PetscInt stride, const PetscInt *index, const PetscReal *alpha, const PetscReal *dalpha, PetscReal *dscore, PetscReal *work);
PETSC_INTERN PetscErrorCode KGNNMLPForward(const KGNNMLP *, PetscInt m, const PetscReal *X, PetscReal *Y, PetscReal *work);
/* training (kgnn-train): forward with a cache, and the backward pass beside it */
PETSC_INTERN PetscErrorCode KGNNLinearBackward(const KGNNLinear *, PetscInt m, const PetscReal *X, const PetscReal *dY, PetscReal *dX, PetscReal *dW, PetscReal *db);
PETSC_INTERN void           KGNNBiasBackward(PetscInt out, PetscInt m, const PetscReal *dY, PetscReal *db);
PETSC_INTERN PetscErrorCode KGNNLinearBlockBackward(const KGNNLinear *, PetscInt c0, PetscInt k, PetscInt m, const PetscReal *X, const PetscReal *dY, PetscReal *dX, PetscReal *dW);
PETSC_INTERN PetscErrorCode KGNNEdgeModelForward(const KGNNMLP *, PetscInt H, const KGNNGraph *, const PetscReal *he, const PetscReal *hn, PetscReal *out, PetscReal *z, PetscReal *a, PetscReal *ps, PetscReal *pr);
PETSC_INTERN PetscErrorCode KGNNEdgeModelBackward(const KGNNMLP *, PetscInt H, const KGNNGraph *, const PetscReal *he, const PetscReal *hn, const PetscReal *z, const PetscReal *a, const PetscReal *dout, PetscReal *dhe, PetscReal *dhn, KGNNMLP *g,
                                                  PetscReal *work, PetscReal *nwork);
PETSC_INTERN PetscErrorCode KGNNMessageMLPForward(const KGNNBlock *, PetscInt H, const KGNNGraph *, const PetscReal *he, const PetscReal *hn, const PetscReal *deg, PetscReal *out, PetscReal *z1, PetscReal *a1, PetscReal *msg, PetscReal *pr,
                                                  PetscReal *agg, PetscReal *z2, PetscReal *a2);
PETSC_INTERN PetscErrorCode KGNNMessageMLPBackward(const KGNNBlock *, PetscInt H, const KGNNGraph *, const PetscReal *he, const PetscReal *hn, const PetscReal *deg, const PetscReal *z1, const PetscReal *a1, const PetscReal *agg, const PetscReal *z2,
                                                   const PetscReal *a2, const PetscReal *dout, PetscReal *dhe, PetscReal *dhn, KGNNBlock *g, PetscReal *work, PetscReal *nwork);
PETSC_INTERN PetscErrorCode KGNNMLPForwardCached(const KGNNMLP *, PetscInt m, const PetscReal *X, PetscReal *Y, PetscReal *z, PetscReal *a);
PETSC_INTERN PetscErrorCode KGNNMLPBackward(const KGNNMLP *, PetscInt m, const PetscReal *X, const PetscReal *z, const PetscReal *a, const PetscReal *dY, PetscReal *dX, KGNNMLP *g, PetscReal *work);
/* The model's tensors by state_dict name (src/model/tensors.c), and a seeded generator that gives
   the same stream on every machine (splitmix64) for initial weights, shuffling and random z */
typedef enum {
  KGNN_INIT_TORCH,  /* U(-1/sqrt(fan_in), 1/sqrt(fan_in)): torch.nn.Linear */
  KGNN_INIT_GLOROT, /* U(-sqrt(6/(fan_in+fan_out)), ..): PyG's glorot */
  KGNN_INIT_ZERO
} KGNNInit;
typedef struct {
  char       name[96];
  int        rank;    /* 1, 2, or 3 for GATv2's att [1, 1, H] */
  PetscInt   dims[3]; /* as stored in the file */
  PetscInt   size, fan_in;
  KGNNInit   init;
  PetscReal *data;
} KGNNTensor;
typedef struct {
  uint64_t s;
} KGNNRandom;
static inline uint64_t KGNNRandomNext(KGNNRandom *r)
{
  uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
  z          = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z          = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
static inline PetscReal KGNNRandomUniform(KGNNRandom *r) /* in [0, 1) with 53 random bits */
{
  return (PetscReal)(KGNNRandomNext(r) >> 11) * 0x1.0p-53;
}
PETSC_INTERN PetscErrorCode KGNNModelTensors(KGNNModel *, PetscInt *, KGNNTensor **);
PETSC_INTERN PetscErrorCode KGNNModelSetUp(KGNNModel *);
PETSC_INTERN PetscErrorCode KGNNModelDuplicate(const KGNNModel *, KGNNModel *);
PETSC_INTERN PetscErrorCode KGNNModelCopy(KGNNModel *, KGNNModel *);
PETSC_INTERN PetscErrorCode KGNNModelInitialize(KGNNModel *, KGNNRandom *);
PETSC_INTERN PetscErrorCode KGNNModelSave(KGNNModel *, const char path[], PetscErrorCode (*extra)(hid_t, void *), void *ctx);

/* out[k] = the network's value on edge k */
PETSC_INTERN PetscErrorCode KGNNModelForward(const KGNNModel *, const KGNNGraph *, PetscReal *out);
typedef struct _n_KGNNTape *KGNNTape;
PETSC_INTERN PetscErrorCode KGNNModelForwardTape(const KGNNModel *, const KGNNGraph *, PetscReal *out, KGNNTape *);
PETSC_INTERN PetscErrorCode KGNNModelBackward(const KGNNModel *, KGNNTape, const PetscReal *dout, KGNNModel *grad);
PETSC_INTERN PetscErrorCode KGNNTapeDestroy(KGNNTape *);
PETSC_INTERN PetscErrorCode KGNNModelLoad(const char file[], KGNNModel *);
PETSC_INTERN PetscErrorCode KGNNModelDestroy(KGNNModel *);
PETSC_INTERN const char    *KGNNNodeModelName(KGNNNodeModel);
PETSC_INTERN PetscErrorCode KGNNNodeModelFromName(const char *, KGNNNodeModel *);

/* src/train: losses with their gradients, the optimiser and its schedule */
PETSC_INTERN PetscReal KGNNCosineLoss(PetscInt m, const PetscInt *row, const PetscInt *col, const PetscReal *p, const PetscReal *t, PetscReal *dp);
PETSC_INTERN PetscReal KGNNL2Loss(PetscInt m, const PetscInt *row, const PetscInt *col, const PetscReal *p, const PetscReal *t, PetscReal *dp);
PETSC_INTERN void      KGNNAdamStep(PetscInt n, PetscReal *p, const PetscReal *g, PetscReal *m, PetscReal *v, PetscInt t, PetscReal lr, PetscReal b1, PetscReal b2, PetscReal eps);
PETSC_INTERN PetscReal KGNNStepLR(PetscReal lr0, PetscReal gamma, PetscInt step_size, PetscInt epoch);

#endif
