/* Training losses (the paper's Sec. 6.2), each with its gradient beside it. The prediction p and
   the target t are values on the edges of one graph; only the edges of L (row >= column) count.
   The batch losses over these, and the free loss, are KGNNBatchLoss's (batch.c). */
#include "train.h"

static const char *const loss_names[KGNN_NUM_LOSSES] = {"cosine", "l2", "free", "kaporin", "kopt"}; /* -loss, by KGNNLoss */

const char *KGNNLossName(KGNNLoss l)
{
  return loss_names[l];
}

KGNNLoss KGNNLossFromName(const char *name)
{
  for (int k = 0; k < KGNN_NUM_LOSSES; k++)
    if (!strcmp(name, loss_names[k])) return (KGNNLoss)k;
  return (KGNNLoss)-1;
}

/* cosine loss 1 - <p, t> / (|p| |t|) over the lower-triangle edges; dp = d loss / d p (0 on the
   other edges). The paper's loss and the default: a factor is defined up to scale. */
PetscReal KGNNCosineLoss(PetscInt m, const PetscInt *row, const PetscInt *col, const PetscReal *p, const PetscReal *t, PetscReal *dp)
{
  PetscReal pt = 0, pp = 0, tt = 0, np, nt, c;

  for (PetscInt k = 0; k < m; k++)
    if (row[k] >= col[k]) pt += p[k] * t[k], pp += p[k] * p[k], tt += t[k] * t[k];
  np = PetscSqrtReal(pp), nt = PetscSqrtReal(tt);
  if (np == 0 || nt == 0) { /* undefined direction: no gradient */
    if (dp)
      for (PetscInt k = 0; k < m; k++) dp[k] = 0;
    return 1.0;
  }
  c = pt / (np * nt);
  /* d cos / d p = t / (|p| |t|) - cos p / |p|^2 */
  if (dp)
    for (PetscInt k = 0; k < m; k++) dp[k] = row[k] >= col[k] ? -(t[k] / (np * nt) - c * p[k] / pp) : 0.0;
  return 1.0 - c;
}

/* L2 loss |p - t|^2 / (number of lower-triangle edges), the one the paper found unstable */
PetscReal KGNNL2Loss(PetscInt m, const PetscInt *row, const PetscInt *col, const PetscReal *p, const PetscReal *t, PetscReal *dp)
{
  PetscReal s   = 0;
  PetscInt  cnt = 0;

  for (PetscInt k = 0; k < m; k++)
    if (row[k] >= col[k]) s += (p[k] - t[k]) * (p[k] - t[k]), cnt++;
  if (!cnt) cnt = 1;
  if (dp)
    for (PetscInt k = 0; k < m; k++) dp[k] = row[k] >= col[k] ? 2 * (p[k] - t[k]) / cnt : 0.0;
  return s / cnt;
}
