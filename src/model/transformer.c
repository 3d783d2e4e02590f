/* GraphTransformer node model: PyTorch Geometric's TransformerConv (Shi et al. 2020) with one
   head, beta = False, root_weight and edge features: for the edges j -> i,
   score = q_i . (k_j + W_e e_ji) / sqrt(H), softmax over the edges into i,
   out_i = sum alpha_ji (v_j + W_e e_ji) + lin_skip h_i. */
#include "model.h"

PetscErrorCode KGNNTransformerForward(const KGNNTransformer *t, PetscInt H, const KGNNGraph *G, const PetscReal *h, const PetscReal *e, PetscReal *out)
{
  const PetscInt n = G->n, m = G->nnz;
  PetscReal     *q, *k, *v, *ee, *score, *work;

  PetscFunctionBegin;
  PetscCall(PetscMalloc4((size_t)n * H, &q, (size_t)n * H, &k, (size_t)n * H, &v, (size_t)m * H, &ee));
  PetscCall(PetscMalloc2(m, &score, n, &work));
  PetscCall(KGNNLinearForward(&t->query, n, h, q));
  PetscCall(KGNNLinearForward(&t->key, n, h, k));
  PetscCall(KGNNLinearForward(&t->value, n, h, v));
  PetscCall(KGNNLinearForward(&t->edge, m, e, ee));
  for (PetscInt a = 0; a < m; a++) {
    PetscReal s = 0;
    for (PetscInt c = 0; c < H; c++) s += q[G->receiver[a] * H + c] * (k[G->sender[a] * H + c] + ee[a * H + c]);
    score[a] = s / PetscSqrtReal((PetscReal)H);
  }
  KGNNScatterSoftmax(m, n, 1, G->receiver, score, work);
  PetscCall(KGNNLinearForward(&t->skip, n, h, out));
  for (PetscInt a = 0; a < m; a++)
    for (PetscInt c = 0; c < H; c++) out[G->receiver[a] * H + c] += score[a] * (v[G->sender[a] * H + c] + ee[a * H + c]);
  PetscCall(PetscFree4(q, k, v, ee));
  PetscCall(PetscFree2(score, work));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode KGNNTransformerDestroy(KGNNTransformer *t)
{
  PetscFunctionBegin;
  PetscCall(KGNNLinearDestroy(&t->key));
  PetscCall(KGNNLinearDestroy(&t->query));
  PetscCall(KGNNLinearDestroy(&t->value));
  PetscCall(KGNNLinearDestroy(&t->edge));
  PetscCall(KGNNLinearDestroy(&t->skip));
  PetscFunctionReturn(PETSC_SUCCESS);
}
