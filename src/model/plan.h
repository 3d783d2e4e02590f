/* The graph plan: what the layers need of a sparsity pattern, built once per pattern
   (plan.c). The graph: n nodes, nnz directed edges sender[k] -> receiver[k] with values a[k]; a
   batch is the disjoint union of ngraphs graphs, batch[i] the graph of node i (batch NULL: one
   graph). Layers take the plan, never the raw graph. */
#ifndef KGNN_PLAN_H
#define KGNN_PLAN_H

#include "engine.h"

/* internal to libkgnn (as PETSc's PETSC_INTERN): not exported from the shared library */
#if defined(__GNUC__)
  #pragma GCC visibility push(hidden)
#endif

typedef struct {
  KGNNInt         n, nnz;
  const KGNNInt  *sender, *receiver;
  const KGNNReal *a;
  KGNNInt         ngraphs;
  const KGNNInt  *batch;
} KGNNGraph;

typedef struct {
  const KGNNEngine *E;
  /* the graph the layers see: the input's, with Appendix A's virtual nodes appended when asked
     (one per graph, index n + g, joined both ways to its nodes, edges after the real ones) */
  KGNNGraph G;
  KGNNInt   nreal, mreal, ng; /* the input's nodes and edges, the graphs (>= 1) */
  KGNNInt  *sender, *receiver, *batch;
  KGNNReal *a;
  /* edges grouped by receiver: the edges into node i are eidx[rptr[i] .. rptr[i+1]-1] (CSR) */
  KGNNInt  *rptr, *eidx;
  KGNNReal *deg;   /* in-degree clamped to >= 1 (PyG's mean aggregation) */
  KGNNReal *scale; /* per graph: max |a| over its real edges, 1 if 0 (KGNNPlanSetValues) */
  /* the lower-triangular pattern of the real edges in the natural elimination order: column j's
     level is 1 + the largest level of the columns k < j with L_jk != 0 (0 if none); the columns
     of level l are lidx[lptr[l] .. lptr[l+1]-1], ascending */
  KGNNInt *order, *level, nlevels, *lptr, *lidx;
  int      virtual_node;
  /* for the elimination-order layer (elim.c), over the real edges: the lower edges (sender i >
     receiver j) of row i are rowidx[rowptr[i] .. rowptr[i+1]-1] by ascending j; diag[j] is the
     edge (j, j) or -1; the triangles of lower edge e = (i, j) are the pairs (tri[2t], tri[2t+1]) =
     ((i, k), (j, k)), k < j, for t in tptr[e] .. tptr[e+1]-1 (IC(0)'s updates of l_ij); columns in
     elimination order by level (elevel[j] = 1 + the largest elevel[k] over the lower edges (j, k),
     0 if none): eorder[elptr[l] .. elptr[l+1]-1] (ascending within a level) */
  KGNNInt *rowptr, *rowidx, *diag, *tptr, *tri, *elevel, *eorder, *elptr, nelevels;
  /* lpos[e]: the lower edge e's place among the nlower = rowptr[n] lower edges (in edge order),
     -1 for the others: the layer keeps its per-edge products for the lower edges alone */
  KGNNInt *lpos, nlower;
  /* edges grouped by sender, ascending within a group: the edges out of node i are
     sidx[sptr[i] .. sptr[i+1]-1] (segment_sum by sender, the same adds as scatter_add by sender) */
  KGNNInt *sptr, *sidx;
  /* a lower-only plan (a node model that reads nothing above the diagonal, elim.c): its real
     edges are the input's with sender >= receiver, in the input's order, real edge k being the
     input's keep[k] of min; keep NULL (and min = mreal) when the plan has every input edge */
  KGNNInt *keep, min;
} KGNNPlan;

KGNNErr KGNNPlanCreate(const KGNNEngine *, const KGNNGraph *, int virtual_node, int lower_only, KGNNPlan *);
KGNNErr KGNNPlanSetValues(KGNNPlan *, const KGNNReal *a); /* new values (the input's min) on the same pattern */
int     KGNNPlanMatches(const KGNNPlan *, const KGNNGraph *, int virtual_node, int lower_only);
void    KGNNPlanDestroy(KGNNPlan *);

/* Jacobi scaling (PCGNN's -pc_gnn_scale jacobi, kgnn-train's -scale jacobi): on the m edges of a
   graph of n nodes, d[i] = sqrt(a_ii) from its diagonal edges, then a_ij /= d_i d_j and, if y is
   not NULL, y_ij /= d_i (a factor of A becomes one of D^-1/2 A D^-1/2). Returns the first node
   whose diagonal is not positive or not stored, -1 if none; then d[that node] holds its a_ii
   (0 if not stored) and a and y are untouched. */
KGNNInt KGNNJacobiScale(KGNNInt n, KGNNInt m, const KGNNInt *sender, const KGNNInt *receiver, KGNNReal *a, KGNNReal *y, KGNNReal *d);

#if defined(__GNUC__)
  #pragma GCC visibility pop
#endif

#endif
