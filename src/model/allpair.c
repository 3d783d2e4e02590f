/* SGFormer's linear all-pair attention (Wu et al. 2023) over the nodes of one graph, the formula
   of PyG's SGFormerAttention with one head and bias-free q, k, v: exact zeros of Q and K become
   1e-6, the rows of Q and K are L2-normalised, and
       out = (Q (K^T V) + N V) / (Q (K^T 1) + N)        (row-wise division; N = node count),
   linear in N: K^T V is H x H. The GlobalGraphTransformer node model mixes it half and half
   with the GATv2 branch. */
#include "model.h"

PetscErrorCode KGNNAllPairForward(const KGNNAllPair *ap, PetscInt H, const KGNNGraph *G, const PetscReal *h, PetscReal *out)
{
  const PetscInt n = G->n; /* TODO batch: per graph */
  PetscReal *q, *k, *v, *kv, *ksum;

  PetscFunctionBegin;
  PetscCall(PetscMalloc3((size_t)n * H, &q, (size_t)n * H, &k, (size_t)n * H, &v));
  PetscCall(PetscCalloc2((size_t)H * H, &kv, H, &ksum));
  PetscCall(KGNNLinearForward(&ap->q, n, h, q));
  PetscCall(KGNNLinearForward(&ap->k, n, h, k));
  PetscCall(KGNNLinearForward(&ap->v, n, h, v));
  for (PetscInt i = 0; i < n; i++) {
    PetscReal nq = 0, nk = 0;
    for (PetscInt c = 0; c < H; c++) {
      if (q[i * H + c] == 0) q[i * H + c] = 1e-6;
      if (k[i * H + c] == 0) k[i * H + c] = 1e-6;
      nq += q[i * H + c] * q[i * H + c];
      nk += k[i * H + c] * k[i * H + c];
    }
    nq = PetscSqrtReal(nq), nk = PetscSqrtReal(nk);
    for (PetscInt c = 0; c < H; c++) q[i * H + c] /= nq, k[i * H + c] /= nk;
  }
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt a = 0; a < H; a++) {
      ksum[a] += k[i * H + a];
      for (PetscInt b = 0; b < H; b++) kv[a * H + b] += k[i * H + a] * v[i * H + b];
    }
  for (PetscInt i = 0; i < n; i++) {
    PetscReal den = (PetscReal)n;
    for (PetscInt a = 0; a < H; a++) den += q[i * H + a] * ksum[a];
    for (PetscInt b = 0; b < H; b++) {
      PetscReal num = (PetscReal)n * v[i * H + b];
      for (PetscInt a = 0; a < H; a++) num += q[i * H + a] * kv[a * H + b];
      out[i * H + b] = num / den;
    }
  }
  PetscCall(PetscFree3(q, k, v));
  PetscCall(PetscFree2(kv, ksum));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNAllPairDestroy(KGNNAllPair *ap)
{
  PetscFunctionBegin;
  PetscCall(KGNNLinearDestroy(&ap->q));
  PetscCall(KGNNLinearDestroy(&ap->k));
  PetscCall(KGNNLinearDestroy(&ap->v));
  PetscFunctionReturn(PETSC_SUCCESS);
}
