/* The layers of the graph network (share/doc/model.md, "Layers"): the linear layer and the
   two-layer MLP they are built from, the layer interface, and the one table of layers
   (layers.c) from which names, help text, weight-file names and the trainer's list come. */
#ifndef KGNN_LAYER_H
#define KGNN_LAYER_H

#include "plan.h"
#include <stdio.h>

/* internal to libkgnn (as PETSc's PETSC_INTERN): not exported from the shared library */
#if defined(__GNUC__)
  #pragma GCC visibility push(hidden)
#endif

typedef struct {
  KGNNInt   in, out;
  KGNNReal *W, *b; /* W: out x in, row-major (torch.nn.Linear.weight); b may be NULL */
} KGNNLinear;

typedef struct {
  KGNNLinear l1, l2; /* Linear -> ReLU -> Linear */
} KGNNMLP;

/* mlp.c: Y (m x out) (+)= X (m x k) W[:, c0:c0+k]^T (+ b), the part of a layer on input columns
   c0.. (a layer on [a, b, c] applied part by part), and its backward (dW[:, c0:c0+k] += dY^T X,
   dX = dY W[:, c0:c0+k], dX may be NULL); the whole layer; the MLP with its cache z (first
   pre-activation) and a = relu(z) (a may be z when no backward follows) */
KGNNErr KGNNLinearBlock(const KGNNEngine *, const KGNNLinear *, KGNNInt c0, KGNNInt k, KGNNInt m, const KGNNReal *X, KGNNReal *Y, int accumulate, int bias);
KGNNErr KGNNLinearBlockBackward(const KGNNEngine *, const KGNNLinear *, KGNNInt c0, KGNNInt k, KGNNInt m, const KGNNReal *X, const KGNNReal *dY, KGNNReal *dX, KGNNReal *dW);
KGNNErr KGNNLinearForward(const KGNNEngine *, const KGNNLinear *, KGNNInt m, const KGNNReal *X, KGNNReal *Y);
KGNNErr KGNNLinearBackward(const KGNNEngine *, const KGNNLinear *, KGNNInt m, const KGNNReal *X, const KGNNReal *dY, KGNNReal *dX, KGNNReal *dW, KGNNReal *db);
KGNNErr KGNNMLPForward(const KGNNEngine *, const KGNNMLP *, KGNNInt m, const KGNNReal *X, KGNNReal *Y, KGNNReal *z, KGNNReal *a);
KGNNErr KGNNMLPBackward(const KGNNEngine *, const KGNNMLP *, KGNNInt m, const KGNNReal *X, const KGNNReal *z, const KGNNReal *a, const KGNNReal *dY, KGNNReal *dX, KGNNMLP *g, KGNNReal *work);
/* The row-wise layers (the encoders, the decoder, the edge model) run over blocks of at most
   KGNN_ROWS rows, in training and in inference alike (the same BLAS calls, so the same bits), so
   that inference keeps one block's hidden values instead of every row's (z = a: one block);
   training's z and a are every row's */
#define KGNN_ROWS 16384
KGNNErr KGNNMLPForwardRows(const KGNNEngine *, const KGNNMLP *, KGNNInt m, const KGNNReal *X, KGNNReal *Y, KGNNReal *z, KGNNReal *a, int training);

/* The tensors walk (tensors.c): a layer names its tensors by their PyTorch state_dict names;
   the walk either allocates them (set-up) or lists them (load, save, Adam, gradients) */
typedef enum {
  KGNN_INIT_TORCH,  /* U(-1/sqrt(fan_in), 1/sqrt(fan_in)): torch.nn.Linear */
  KGNN_INIT_GLOROT, /* U(-sqrt(6/(fan_in+fan_out)), ..): PyG's glorot */
  KGNN_INIT_ZERO
} KGNNInit;
typedef struct {
  char      name[96];
  int       rank;    /* 1, 2, or 3 for GATv2's att [1, 1, H] */
  KGNNInt   dims[3]; /* as stored in the file */
  KGNNInt   size, fan_in;
  KGNNInit  init;
  KGNNReal *data;
} KGNNTensor;
typedef struct KGNNWalk KGNNWalk;
KGNNErr                 KGNNWalkTensor(KGNNWalk *, const char *prefix, const char *name, int rank, KGNNInt d0, KGNNInt d1, KGNNInt fan_in, KGNNInit, KGNNReal **data);
KGNNErr                 KGNNWalkLinear(KGNNWalk *, const char *prefix, const char *name, KGNNInt in, KGNNInt out, int bias, KGNNInit, KGNNLinear *);
KGNNErr                 KGNNWalkMLP(KGNNWalk *, const char *prefix, const char *name, int i1, int i2, KGNNInt in, KGNNInt hidden, KGNNInt out, int bias, KGNNMLP *);

/* What a layer's functions get: the engine, the plan, the width, and scratch */
typedef struct {
  const KGNNEngine *E;
  const KGNNPlan   *P;
  KGNNInt           H;
  KGNNReal         *work;     /* work_size reals, the layer's own during the call */
  int               training; /* a backward follows: keep what it needs (else ReLU in place) */
  KGNNReal         *eres;     /* inference, an edge-writing layer: not NULL, it adds its edge rows into
                                 eres itself (the network's residual; eres may be e) and out holds
                                 its node rows alone */
} KGNNLayerCtx;

typedef enum {
  KGNN_LAYER_NODE, /* a node model: out (n x H) from h and the updated e; selectable by name */
  KGNN_LAYER_EDGE, /* the edge model: out (m x H) from h and e */
  KGNN_LAYER_PART  /* only inside a composite row */
} KGNNLayerRole;

/* One row of the table. forward writes out and its cache (cache_size bytes, carved from the
   tape's arena, or from a scratch arena for inference: one code path for both); backward gets the
   same h, e and cache and dout, and ADDS d/d h into dh, d/d e into de (de may be dout for an
   edge layer) and the weight gradients into grad (weights of the same shapes). A composite row
   (parts, mix) is out = sum mix[p] part_p(h, e), written once in layers.c. cache_size and
   work_size (in reals) with training = 0 are inference's: no backward follows, so a layer may keep
   less (a ReLU in place). kink: the smallest
   distance of a pre-activation to a kink of ReLU or LeakyReLU in the cache (the harness draws
   until it is not near one; a layer without kinks returns a large number). */
typedef struct KGNNLayer KGNNLayer;
struct KGNNLayer {
  const char   *name, *help;
  KGNNLayerRole role;
  size_t        weights_size;
  KGNNErr (*tensors)(const KGNNLayer *, KGNNWalk *, const char *prefix, KGNNInt H, void *w);
  size_t (*cache_size)(const KGNNLayer *, KGNNInt H, const KGNNPlan *, int training);
  size_t (*work_size)(const KGNNLayer *, KGNNInt H, const KGNNPlan *, int training);
  KGNNErr (*forward)(const KGNNLayer *, const KGNNLayerCtx *, const void *w, const KGNNReal *h, const KGNNReal *e, KGNNReal *out, void *cache);
  KGNNErr (*backward)(const KGNNLayer *, const KGNNLayerCtx *, const void *w, const KGNNReal *h, const KGNNReal *e, const void *cache, const KGNNReal *dout, KGNNReal *dh, KGNNReal *de, void *grad);
  KGNNReal (*kink)(const KGNNLayer *, const KGNNLayerCtx *, const void *w, const KGNNReal *h, const KGNNReal *e, const void *cache);
  const KGNNLayer *parts[2];
  KGNNReal         mix[2];
  /* a node model that also updates the edges (elim.c): its out is (n + m) x H, the node rows
     then the edge rows, both added residually by the network; its backward must not read e */
  int writes_edges;
  /* a node model that reads no edge above the diagonal (elim.c): the network then runs on the
     lower triangle and the diagonal alone (a lower-only plan, plan.h), since the edge model, the
     encoder and the decoder act edge by edge and the upper edges would reach nothing but their
     own outputs, which L does not read (they come out 0) */
  int lower_only;
};

/* the tensors of one layer's weights, by themselves (the harness): allocated (alloc) or listed;
   free the list with E->free, the tensors with KGNNLayerTensorsFree */
KGNNErr KGNNLayerTensors(const KGNNEngine *, const KGNNLayer *, KGNNInt H, int alloc, void *w, int *n, KGNNTensor **T);
void    KGNNLayerTensorsFree(const KGNNEngine *, int n, KGNNTensor *T);

/* the table (layers.c): row by index, by name; the node models' names joined by ", " */
int              KGNNLayerCount(void);
size_t           KGNNLayerWeightsSize(const KGNNLayer *);
const KGNNLayer *KGNNLayerAt(int);
KGNNErr          KGNNLayerFind(const char *name, KGNNLayerRole, int *index);
void             KGNNLayerNames(KGNNLayerRole, char *buf, size_t len);

/* the rows, each defined in its own file beside its forward and backward */
extern const KGNNLayer KGNNLayerEdgeModel, KGNNLayerMLPNode, KGNNLayerMessageMLP, KGNNLayerGATv2, KGNNLayerGEN, KGNNLayerTransformer, KGNNLayerAllPair, KGNNLayerGlobal;
extern const KGNNLayer KGNNLayerElim;
/* elim.c: its forward over the columns in the order ord (the tests: level sets against 0..n-1) */
KGNNErr KGNNElimForwardOrder(const KGNNLayerCtx *, const void *w, const KGNNReal *h, const KGNNReal *e, KGNNReal *out, void *cache, const KGNNInt *ord, KGNNInt ncol);

#if defined(__GNUC__)
  #pragma GCC visibility pop
#endif

#endif
