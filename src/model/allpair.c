/* SGFormer's linear all-pair attention (Wu et al. 2023) over the nodes of each graph of a batch,
   the formula of PyG's SGFormerAttention with one head and bias-free q, k, v: exact zeros of Q
   and K become 1e-6, the rows of Q and K are L2-normalised, and per graph
       out = (Q (K^T V) + N V) / (Q (K^T 1) + N)        (row-wise division; N = its node count),
   linear in N: K^T V is H x H. The GlobalGraphTransformer node model mixes it half and half
   with the GATv2 branch. Forward and backward side by side. */
#include "model.h"

struct _n_KGNNAllPairCache {
  PetscInt       n, H, ng;
  PetscReal     *q, *k, *v, *out, *nq, *nk, *den; /* normalised Q, K; V; out (n x H); norms, denominators (n) */
  PetscReal     *kv, *ksum, *cnt;                 /* per graph: K^T V (H x H), K^T 1 (H), N */
  unsigned char *zq, *zk;                         /* where Q, K were exactly 0 (replaced: no gradient) */
};

PetscErrorCode KGNNAllPairCacheDestroy(KGNNAllPairCache *c)
{
  PetscFunctionBegin;
  if (!*c) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree5((*c)->q, (*c)->k, (*c)->v, (*c)->out, (*c)->nq));
  PetscCall(PetscFree2((*c)->nk, (*c)->den));
  PetscCall(PetscFree3((*c)->kv, (*c)->ksum, (*c)->cnt));
  PetscCall(PetscFree2((*c)->zq, (*c)->zk));
  PetscCall(PetscFree(*c));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNAllPairForwardCached(const KGNNAllPair *ap, PetscInt H, const KGNNGraph *G, const PetscReal *h, PetscReal *out, KGNNAllPairCache *cache)
{
  const PetscInt   n = G->n, ng = G->batch ? PetscMax(G->ngraphs, 1) : 1;
  KGNNAllPairCache c;
  PetscReal       *q, *k, *v;

  PetscFunctionBegin;
  PetscCall(KGNNAllPairCacheDestroy(cache));
  PetscCall(PetscNew(&c));
  c->n = n, c->H = H, c->ng = ng;
  PetscCall(PetscMalloc5((size_t)n * H, &c->q, (size_t)n * H, &c->k, (size_t)n * H, &c->v, (size_t)n * H, &c->out, n, &c->nq));
  PetscCall(PetscMalloc2(n, &c->nk, n, &c->den));
  PetscCall(PetscCalloc3((size_t)ng * H * H, &c->kv, (size_t)ng * H, &c->ksum, ng, &c->cnt));
  PetscCall(PetscMalloc2((size_t)n * H, &c->zq, (size_t)n * H, &c->zk));
  q = c->q, k = c->k, v = c->v;
  PetscCall(KGNNLinearForward(&ap->q, n, h, q));
  PetscCall(KGNNLinearForward(&ap->k, n, h, k));
  PetscCall(KGNNLinearForward(&ap->v, n, h, v));
  for (PetscInt i = 0; i < n; i++) {
    PetscReal nq = 0, nk = 0;
    for (PetscInt a = 0; a < H; a++) {
      c->zq[i * H + a] = q[i * H + a] == 0, c->zk[i * H + a] = k[i * H + a] == 0;
      if (q[i * H + a] == 0) q[i * H + a] = 1e-6;
      if (k[i * H + a] == 0) k[i * H + a] = 1e-6;
      nq += q[i * H + a] * q[i * H + a];
      nk += k[i * H + a] * k[i * H + a];
    }
    c->nq[i] = nq = PetscSqrtReal(nq), c->nk[i] = nk = PetscSqrtReal(nk);
    for (PetscInt a = 0; a < H; a++) q[i * H + a] /= nq, k[i * H + a] /= nk;
  }
  for (PetscInt i = 0; i < n; i++) {
    const PetscInt g  = G->batch ? G->batch[i] : 0;
    PetscReal     *kv = c->kv + (size_t)g * H * H, *ks = c->ksum + g * H;
    c->cnt[g] += 1;
    for (PetscInt a = 0; a < H; a++) {
      ks[a] += k[i * H + a];
      for (PetscInt b = 0; b < H; b++) kv[a * H + b] += k[i * H + a] * v[i * H + b];
    }
  }
  for (PetscInt i = 0; i < n; i++) {
    const PetscInt   g  = G->batch ? G->batch[i] : 0;
    const PetscReal *kv = c->kv + (size_t)g * H * H, *ks = c->ksum + g * H, N = c->cnt[g];
    PetscReal        den = N;
    for (PetscInt a = 0; a < H; a++) den += q[i * H + a] * ks[a];
    c->den[i] = den;
    for (PetscInt b = 0; b < H; b++) {
      PetscReal num = N * v[i * H + b];
      for (PetscInt a = 0; a < H; a++) num += q[i * H + a] * kv[a * H + b];
      out[i * H + b] = c->out[i * H + b] = num / den;
    }
  }
  *cache = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNAllPairForward(const KGNNAllPair *ap, PetscInt H, const KGNNGraph *G, const PetscReal *h, PetscReal *out)
{
  KGNNAllPairCache c = NULL;

  PetscFunctionBegin;
  PetscCall(KGNNAllPairForwardCached(ap, H, G, h, out, &c));
  PetscCall(KGNNAllPairCacheDestroy(&c));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* the backward of x / |x| at the normalised x: dx = (dy - y (y . dy)) / |x|, 0 where replaced */
static void NormalizeBackward(PetscInt H, const PetscReal *y, PetscReal norm, const unsigned char *zero, PetscReal *d)
{
  PetscReal s = 0;
  for (PetscInt a = 0; a < H; a++) s += y[a] * d[a];
  for (PetscInt a = 0; a < H; a++) d[a] = zero[a] ? 0.0 : (d[a] - y[a] * s) / norm;
}

/* out = num / den: dnum = dout / den, dden = -(dout . out) / den; then through Q KV + N V and
   Q ksum + N to Q, and per graph through KV = sum K^T V and ksum = sum K to K and V */
PetscErrorCode KGNNAllPairBackward(const KGNNAllPair *ap, PetscInt H, const KGNNGraph *G, const PetscReal *h, KGNNAllPairCache c, const PetscReal *dout, PetscReal *dh, KGNNAllPair *grad)
{
  const PetscInt n = G->n, ng = c ? c->ng : 0;
  PetscReal     *dq, *dk, *dv, *dkv, *dks, *tmp;

  PetscFunctionBegin;
  PetscCheck(c && c->n == n && c->H == H, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "all-pair attention backward: the cache is not from a forward pass on this graph");
  PetscCall(PetscMalloc4((size_t)n * H, &dq, (size_t)n * H, &dk, (size_t)n * H, &dv, (size_t)n * H, &tmp));
  PetscCall(PetscCalloc2((size_t)ng * H * H, &dkv, (size_t)ng * H, &dks));
  for (PetscInt i = 0; i < n; i++) {
    const PetscInt   g  = G->batch ? G->batch[i] : 0;
    const PetscReal *kv = c->kv + (size_t)g * H * H, *ks = c->ksum + g * H, *qi = c->q + i * H, *di = dout + i * H, den = c->den[i];
    PetscReal       *gkv = dkv + (size_t)g * H * H, *gks = dks + g * H, dden = 0;
    for (PetscInt b = 0; b < H; b++) dden -= di[b] * c->out[i * H + b];
    dden /= den;
    for (PetscInt a = 0; a < H; a++) {
      PetscReal s = dden * ks[a];
      for (PetscInt b = 0; b < H; b++) s += kv[a * H + b] * di[b] / den, gkv[a * H + b] += qi[a] * di[b] / den;
      dq[i * H + a] = s;
      gks[a] += dden * qi[a];
    }
    for (PetscInt b = 0; b < H; b++) dv[i * H + b] = c->cnt[g] * di[b] / den;
  }
  for (PetscInt i = 0; i < n; i++) {
    const PetscInt   g   = G->batch ? G->batch[i] : 0;
    const PetscReal *gkv = dkv + (size_t)g * H * H, *gks = dks + g * H, *ki = c->k + i * H, *vi = c->v + i * H;
    for (PetscInt a = 0; a < H; a++) {
      PetscReal s = gks[a];
      for (PetscInt b = 0; b < H; b++) s += gkv[a * H + b] * vi[b], dv[i * H + b] += ki[a] * gkv[a * H + b];
      dk[i * H + a] = s;
    }
    NormalizeBackward(H, c->q + i * H, c->nq[i], c->zq + i * H, dq + i * H);
    NormalizeBackward(H, ki, c->nk[i], c->zk + i * H, dk + i * H);
  }
  PetscCall(KGNNLinearBackward(&ap->q, n, h, dq, tmp, grad->q.W, NULL));
  for (PetscInt k = 0; k < n * H; k++) dh[k] += tmp[k];
  PetscCall(KGNNLinearBackward(&ap->k, n, h, dk, tmp, grad->k.W, NULL));
  for (PetscInt k = 0; k < n * H; k++) dh[k] += tmp[k];
  PetscCall(KGNNLinearBackward(&ap->v, n, h, dv, tmp, grad->v.W, NULL));
  for (PetscInt k = 0; k < n * H; k++) dh[k] += tmp[k];
  PetscCall(PetscFree4(dq, dk, dv, tmp));
  PetscCall(PetscFree2(dkv, dks));
  PetscFunctionReturn(PETSC_SUCCESS);
}
