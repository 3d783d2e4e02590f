/* Adam (Kingma & Ba) exactly as torch.optim.Adam computes it (no weight decay, no amsgrad), and
   the step schedule of torch.optim.lr_scheduler.StepLR: the paper's optimiser (Sec. 6.1). */
#include "train.h"

/* one step at step count t >= 1: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
   p -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps) */
void KGNNAdamStep(PetscInt n, PetscReal *p, const PetscReal *g, PetscReal *m, PetscReal *v, PetscInt t, PetscReal lr, PetscReal b1, PetscReal b2, PetscReal eps)
{
  const PetscReal c1 = 1 - PetscPowReal(b1, (PetscReal)t), c2 = 1 - PetscPowReal(b2, (PetscReal)t);
  const PetscReal step = lr / c1, sc2 = PetscSqrtReal(c2);

  for (PetscInt k = 0; k < n; k++) {
    m[k] = b1 * m[k] + (1 - b1) * g[k];
    v[k] = b2 * v[k] + (1 - b2) * g[k] * g[k];
    p[k] -= step * m[k] / (PetscSqrtReal(v[k]) / sc2 + eps);
  }
}

/* the learning rate in epoch e (0-based): lr0 * gamma^floor(e / step_size) */
PetscReal KGNNStepLR(PetscReal lr0, PetscReal gamma, PetscInt step_size, PetscInt epoch)
{
  return lr0 * PetscPowReal(gamma, (PetscReal)(epoch / step_size));
}
