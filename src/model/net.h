/* The PCGNN graph network (share/doc/model.md) in plain C: encoder, processor of `depth`
   graph-network blocks (the edge model, then the node model of one table row), decoder, on the
   plan of a graph. The PETSc face (src/io/model_face.h) wraps these for PCGNN, the trainer and
   the tools. */
#ifndef KGNN_NET_H
#define KGNN_NET_H

#include "layer.h"

/* internal to libkgnn (as PETSc's PETSC_INTERN): not exported from the shared library */
#if defined(__GNUC__)
  #pragma GCC visibility push(hidden)
#endif

/* The node models weight files and -node_model name: the first rows of the table (layers.c),
   in this order; a row added later has its index and needs no value here */
typedef enum {
  KGNN_NODE_MLP,         /* MLPNodeModel */
  KGNN_NODE_MESSAGE_MLP, /* MessagePassingMLP */
  KGNN_NODE_GATV2,       /* GATv2 */
  KGNN_NODE_GEN,         /* GEN */
  KGNN_NODE_TRANSFORMER, /* GraphTransformer */
  KGNN_NODE_GLOBAL       /* GlobalGraphTransformer */
} KGNNNodeModel;

/* a yes/no field; the PETSc face defines it as PetscBool (the same enum layout) so that the
   trainer's PetscOptionsBool can set it */
#ifndef KGNN_FLAG_DEFINED
  #define KGNN_FLAG_DEFINED
typedef enum { KGNN_NO, KGNN_YES } KGNNFlag;
#endif

typedef struct {
  KGNNMLP edge; /* e_k = e_k + edge([e_k, h_sender, h_receiver]) */
  void   *node; /* the node model's weights, laid out by its table row */
} KGNNBlock;

typedef struct KGNNWorkspace KGNNWorkspace;

typedef struct {
  KGNNNodeModel     node_model;             /* its row in the table */
  KGNNInt           depth, hidden, edge_in; /* edge_in = 1, or 2 with the positional feature */
  KGNNFlag          positional, virtual_node;
  KGNNFlag          jacobi; /* trained on D^-1/2 A D^-1/2 (D = diag A): how PCGNN must scale A; not used here */
  KGNNMLP           enc_node, enc_edge, dec;
  KGNNBlock        *blocks;
  const KGNNEngine *engine; /* NULL: the CPU engine */
  KGNNWorkspace    *ws;     /* plans and arenas kept between calls (net.c) */
} KGNNModel;

/* A seeded generator that gives the same stream on every machine (splitmix64): initial
   weights, shuffling and random z */
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
static inline KGNNReal KGNNRandomUniform(KGNNRandom *r) /* in [0, 1) with 53 random bits */
{
  return (KGNNReal)(KGNNRandomNext(r) >> 11) * 0x1.0p-53;
}

/* tensors.c: the model's tensors by state_dict name (the list is freed with KGNNNetTensorsFree;
   the tensors' data belong to the model), set-up, copies, initialisation, destruction */
KGNNErr KGNNNetTensors(const KGNNModel *, int *n, KGNNTensor **);
void    KGNNNetTensorsFree(const KGNNModel *, KGNNTensor *);
KGNNErr KGNNNetSetUp(KGNNModel *); /* from node_model, depth, hidden, positional, virtual_node */
KGNNErr KGNNNetDuplicate(const KGNNModel *, KGNNModel *);
KGNNErr KGNNNetCopy(const KGNNModel *from, KGNNModel *to);
KGNNErr KGNNNetInitialize(KGNNModel *, KGNNRandom *);
extern const KGNNReal KGNNElimTau; /* elim.c: ElimOrder's pivot floor, the smallest -init_ic0 FLOOR */
KGNNErr KGNNElimInitIC0(KGNNModel *, KGNNRandom *, KGNNReal floor_, KGNNReal noise, KGNNReal shift, KGNNReal damp, KGNNReal posdamp); /* elim_init.c: ElimOrder starting as IC(0) */
void    KGNNNetDestroy(KGNNModel *);

/* net.c: out[k] = the network's value on edge k of G. The forward keeps what the backward needs
   on a tape: per-block states and each layer's opaque cache, slices of one arena the model keeps
   and reuses while graphs keep their shape; inference runs the same code on a scratch arena.
   So a model runs one forward at a time (one thread); a second tape while one is alive gets an
   arena of its own. */
typedef struct _n_KGNNTape *KGNNTape;
KGNNErr                     KGNNNetForward(const KGNNModel *, const KGNNGraph *, KGNNReal *out);
void                        KGNNNetReleaseScratch(const KGNNModel *); /* frees inference's arena */
KGNNErr                     KGNNNetForwardTape(const KGNNModel *, const KGNNGraph *, KGNNReal *out, KGNNTape *);
KGNNErr                     KGNNNetBackward(const KGNNModel *, KGNNTape, const KGNNReal *dout, KGNNModel *grad); /* ADDS into grad */
void                        KGNNNetTapeDestroy(KGNNTape *);
/* the plans and arenas a model keeps (made by KGNNNetSetUp, freed by KGNNNetDestroy) */
KGNNErr KGNNWorkspaceCreate(const KGNNEngine *, KGNNWorkspace **);
void    KGNNWorkspaceDestroy(const KGNNEngine *, KGNNWorkspace **);

#if defined(__GNUC__)
  #pragma GCC visibility pop
#endif

#endif
