/* The graph plan (plan.h): virtual nodes, edges grouped by receiver, degrees, per-graph scale
   and the level sets of the lower-triangular pattern, built once per pattern; new values on the
   same pattern only refresh the scale (KGNNPlanSetValues). */
#include "plan.h"
#include <math.h>
#include <string.h>

#define ALLOC(p, count) ((p) = E->alloc(E, (size_t)(count) * sizeof(*(p))), (p) ? KGNN_OK : KGNN_ERR_MEMORY)

static KGNNErr Levels(KGNNPlan *P)
{
  const KGNNEngine *E = P->E;
  const KGNNInt     n = P->nreal;

  KGNN_TRY(ALLOC(P->order, n + 1));
  KGNN_TRY(ALLOC(P->level, n + 1));
  KGNN_TRY(ALLOC(P->lptr, n + 2));
  KGNN_TRY(ALLOC(P->lidx, n + 1));
  /* in the natural order column j depends on the k < j with an edge between them: the edges into
     j from a sender k < j are L_jk (the pattern is A's, symmetric), grouped by receiver already */
  P->nlevels = 0;
  for (KGNNInt j = 0; j < n; j++) {
    KGNNInt l   = 0;
    P->order[j] = j;
    for (KGNNInt q = P->rptr[j]; q < P->rptr[j + 1]; q++) {
      const KGNNInt e = P->eidx[q], k = P->sender[e];
      if (e < P->mreal && k < j && P->level[k] + 1 > l) l = P->level[k] + 1;
    }
    P->level[j] = l;
    if (l + 1 > P->nlevels) P->nlevels = l + 1;
  }
  for (KGNNInt j = 0; j < n; j++) P->lptr[P->level[j] + 1]++;
  for (KGNNInt l = 0; l < P->nlevels; l++) P->lptr[l + 1] += P->lptr[l];
  {
    KGNNInt *fill;
    KGNN_TRY(ALLOC(fill, P->nlevels + 1));
    for (KGNNInt j = 0; j < n; j++) P->lidx[P->lptr[P->level[j]] + fill[P->level[j]]++] = j;
    E->free(E, fill);
  }
  return KGNN_OK;
}

/* the elimination layer's lists (plan.h): rows of the lower pattern, diagonal edges, triangles,
   level sets of its own dependences (a lower edge (j, k) makes column j wait for column k; on a
   symmetric pattern these are the level sets above) */
static KGNNErr ElimLists(KGNNPlan *P)
{
  const KGNNEngine *E = P->E;
  const KGNNInt     n = P->nreal, m = P->mreal;
  KGNNInt           nt = 0, *fill;

  KGNN_TRY(ALLOC(P->rowptr, n + 1));
  KGNN_TRY(ALLOC(P->diag, n + 1));
  KGNN_TRY(ALLOC(P->tptr, m + 1));
  KGNN_TRY(ALLOC(P->elevel, n + 1));
  KGNN_TRY(ALLOC(P->eorder, n + 1));
  KGNN_TRY(ALLOC(P->elptr, n + 2));
  KGNN_TRY(ALLOC(P->lpos, m + 1));
  for (KGNNInt j = 0; j < n; j++) P->diag[j] = -1;
  P->nlower = 0;
  for (KGNNInt k = 0; k < m; k++) {
    P->lpos[k] = P->sender[k] > P->receiver[k] ? P->nlower++ : -1;
    if (P->sender[k] > P->receiver[k]) P->rowptr[P->sender[k] + 1]++;
    else if (P->sender[k] == P->receiver[k] && P->diag[P->sender[k]] < 0) P->diag[P->sender[k]] = k;
  }
  for (KGNNInt i = 0; i < n; i++) P->rowptr[i + 1] += P->rowptr[i];
  KGNN_TRY(ALLOC(P->rowidx, P->rowptr[n] + 1));
  KGNN_TRY(ALLOC(fill, n + 1));
  for (KGNNInt k = 0; k < m; k++)
    if (P->sender[k] > P->receiver[k]) {
      KGNNInt *r = P->rowidx + P->rowptr[P->sender[k]], q = fill[P->sender[k]]++;
      for (; q > 0 && P->receiver[r[q - 1]] > P->receiver[k]; q--) r[q] = r[q - 1]; /* by ascending column */
      r[q] = k;
    }
  E->free(E, fill);
  /* triangles: merge rows i and j below column j, twice (count, then fill) */
  for (int pass = 0; pass < 2; pass++) {
    nt = 0;
    for (KGNNInt e = 0; e < m; e++) {
      const KGNNInt i = P->sender[e], j = P->receiver[e];
      if (pass == 0) P->tptr[e] = nt;
      if (i <= j) continue;
      for (KGNNInt a = P->rowptr[i], b = P->rowptr[j]; a < P->rowptr[i + 1] && b < P->rowptr[j + 1];) {
        const KGNNInt ka = P->receiver[P->rowidx[a]], kb = P->receiver[P->rowidx[b]];
        if (ka >= j) break;
        if (ka < kb) a++;
        else if (kb < ka) b++;
        else {
          if (pass) P->tri[2 * nt] = P->rowidx[a], P->tri[2 * nt + 1] = P->rowidx[b];
          nt++, a++, b++;
        }
      }
    }
    if (pass == 0) {
      P->tptr[m] = nt;
      KGNN_TRY(ALLOC(P->tri, 2 * nt + 1));
    }
  }
  P->nelevels = 0;
  for (KGNNInt j = 0; j < n; j++) {
    KGNNInt l = 0;
    for (KGNNInt q = P->rowptr[j]; q < P->rowptr[j + 1]; q++) l = KGNNMax(l, P->elevel[P->receiver[P->rowidx[q]]] + 1);
    P->elevel[j] = l;
    P->nelevels  = KGNNMax(P->nelevels, l + 1);
  }
  for (KGNNInt j = 0; j < n; j++) P->elptr[P->elevel[j] + 1]++;
  for (KGNNInt l = 0; l < P->nelevels; l++) P->elptr[l + 1] += P->elptr[l];
  KGNN_TRY(ALLOC(fill, P->nelevels + 1));
  for (KGNNInt j = 0; j < n; j++) P->eorder[P->elptr[P->elevel[j]] + fill[P->elevel[j]]++] = j;
  E->free(E, fill);
  return KGNN_OK;
}

/* the M edges grouped by key[k] (receiver or sender) into N groups, edges ascending in a group:
   group i is idx[ptr[i] .. ptr[i+1]-1] (ptr zeroed, N + 1 long) */
static KGNNErr GroupBy(const KGNNEngine *E, KGNNInt N, KGNNInt M, const KGNNInt *key, KGNNInt *ptr, KGNNInt *idx)
{
  KGNNInt *fill;

  for (KGNNInt k = 0; k < M; k++) ptr[key[k] + 1]++;
  for (KGNNInt i = 0; i < N; i++) ptr[i + 1] += ptr[i];
  KGNN_TRY(ALLOC(fill, N + 1));
  for (KGNNInt k = 0; k < M; k++) idx[ptr[key[k]] + fill[key[k]]++] = k;
  E->free(E, fill);
  return KGNN_OK;
}

/* the input edges a plan keeps: every one, or (lower_only) those with sender >= receiver */
static inline int Kept(const KGNNGraph *G, int lower_only, KGNNInt k)
{
  return !lower_only || G->sender[k] >= G->receiver[k];
}

KGNNErr KGNNPlanCreate(const KGNNEngine *E, const KGNNGraph *G, int virtual_node, int lower_only, KGNNPlan *P)
{
  const KGNNInt n = G->n, ng = G->batch ? G->ngraphs : 1;
  KGNNInt       m = 0, N, M;

  memset(P, 0, sizeof(*P));
  for (KGNNInt k = 0; k < G->nnz; k++) {
    if (G->sender[k] < 0 || G->sender[k] >= n || G->receiver[k] < 0 || G->receiver[k] >= n) return KGNN_ERR_ARGUMENT;
    m += Kept(G, lower_only, k);
  }
  N = virtual_node ? n + ng : n, M = virtual_node ? m + 2 * n : m;
  P->E = E, P->nreal = n, P->mreal = m, P->min = G->nnz, P->ng = ng, P->virtual_node = virtual_node;
  KGNN_TRY(ALLOC(P->sender, M + 1));
  KGNN_TRY(ALLOC(P->receiver, M + 1));
  KGNN_TRY(ALLOC(P->a, M + 1));
  KGNN_TRY(ALLOC(P->batch, N + 1));
  KGNN_TRY(ALLOC(P->rptr, N + 1));
  KGNN_TRY(ALLOC(P->eidx, M + 1));
  KGNN_TRY(ALLOC(P->deg, N + 1));
  KGNN_TRY(ALLOC(P->scale, ng));
  if (m < G->nnz) KGNN_TRY(ALLOC(P->keep, m + 1));
  for (KGNNInt k = 0, q = 0; k < G->nnz; k++)
    if (Kept(G, lower_only, k)) {
      if (P->keep) P->keep[q] = k;
      P->sender[q] = G->sender[k], P->receiver[q++] = G->receiver[k];
    }
  for (KGNNInt i = 0; i < n; i++) P->batch[i] = G->batch ? G->batch[i] : 0;
  if (virtual_node) { /* i -> v for all i, then v -> i; their inputs are 0, they never enter L */
    for (KGNNInt i = 0; i < n; i++) {
      const KGNNInt v  = n + P->batch[i];
      P->sender[m + i] = i, P->receiver[m + i] = v;
      P->sender[m + n + i] = v, P->receiver[m + n + i] = i;
    }
    for (KGNNInt g = 0; g < ng; g++) P->batch[n + g] = g;
  }
  KGNN_TRY(GroupBy(E, N, M, P->receiver, P->rptr, P->eidx));
  /* the diagonal edges count: PyG's in-degree, clamped to >= 1 */
  for (KGNNInt i = 0; i < N; i++) P->deg[i] = KGNNMax((KGNNReal)(P->rptr[i + 1] - P->rptr[i]), 1.0);
  KGNN_TRY(ALLOC(P->sptr, N + 1));
  KGNN_TRY(ALLOC(P->sidx, M + 1));
  KGNN_TRY(GroupBy(E, N, M, P->sender, P->sptr, P->sidx));
  P->G = (KGNNGraph){N, M, P->sender, P->receiver, P->a, virtual_node ? ng : G->ngraphs, (G->batch || virtual_node) ? P->batch : NULL};
  KGNN_TRY(Levels(P));
  KGNN_TRY(ElimLists(P));
  return KGNNPlanSetValues(P, G->a);
}

/* Sec. 6.2: L is defined up to scale, so the edges see A / max|A| per graph (a lower-only plan's
   max is over its own edges: the whole graph's for a symmetric A) */
KGNNErr KGNNPlanSetValues(KGNNPlan *P, const KGNNReal *a)
{
  for (KGNNInt g = 0; g < P->ng; g++) P->scale[g] = 0;
  for (KGNNInt k = 0; k < P->mreal; k++) {
    const KGNNInt  g = P->batch[P->sender[k]];
    const KGNNReal v = P->keep ? a[P->keep[k]] : a[k];
    if (v != v) return KGNN_ERR_NONFINITE;
    P->a[k]     = v;
    P->scale[g] = KGNNMax(P->scale[g], v < 0 ? -v : v);
  }
  for (KGNNInt g = 0; g < P->ng; g++)
    if (P->scale[g] == 0) P->scale[g] = 1;
  return KGNN_OK;
}

int KGNNPlanMatches(const KGNNPlan *P, const KGNNGraph *G, int virtual_node, int lower_only)
{
  const KGNNInt ng = G->batch ? G->ngraphs : 1;
  KGNNInt       q  = 0;
  if (!P->sender || P->nreal != G->n || P->min != G->nnz || P->ng != ng || P->virtual_node != virtual_node || (P->G.batch != NULL) != (G->batch != NULL || virtual_node)) return 0;
  for (KGNNInt k = 0; k < G->nnz; k++)
    if (Kept(G, lower_only, k)) {
      if (q >= P->mreal || (P->keep && P->keep[q] != k) || P->sender[q] != G->sender[k] || P->receiver[q] != G->receiver[k]) return 0;
      q++;
    }
  if (q != P->mreal) return 0;
  if (G->batch && memcmp(P->batch, G->batch, (size_t)G->n * sizeof(KGNNInt))) return 0;
  return 1;
}

void KGNNPlanDestroy(KGNNPlan *P)
{
  const KGNNEngine *E = P->E;
  if (!E) return;
  E->free(E, P->sender), E->free(E, P->receiver), E->free(E, P->a), E->free(E, P->batch);
  E->free(E, P->rptr), E->free(E, P->eidx), E->free(E, P->deg), E->free(E, P->scale);
  E->free(E, P->order), E->free(E, P->level), E->free(E, P->lptr), E->free(E, P->lidx);
  E->free(E, P->rowptr), E->free(E, P->rowidx), E->free(E, P->diag), E->free(E, P->tptr), E->free(E, P->tri);
  E->free(E, P->elevel), E->free(E, P->eorder), E->free(E, P->elptr);
  E->free(E, P->sptr), E->free(E, P->sidx), E->free(E, P->keep), E->free(E, P->lpos);
  memset(P, 0, sizeof(*P));
}

KGNNInt KGNNJacobiScale(KGNNInt n, KGNNInt m, const KGNNInt *sender, const KGNNInt *receiver, KGNNReal *a, KGNNReal *y, KGNNReal *d)
{
  for (KGNNInt i = 0; i < n; i++) d[i] = 0;
  for (KGNNInt k = 0; k < m; k++)
    if (sender[k] == receiver[k]) d[sender[k]] = a[k];
  for (KGNNInt i = 0; i < n; i++) {
    if (!(d[i] > 0)) return i;
    d[i] = sqrt(d[i]);
  }
  for (KGNNInt k = 0; k < m; k++) {
    a[k] /= d[sender[k]] * d[receiver[k]];
    if (y) y[k] /= d[sender[k]];
  }
  return -1;
}
