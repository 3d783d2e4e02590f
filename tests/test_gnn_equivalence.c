/* The C forward pass of the PCGNN network against the PyTorch Geometric reference
   (share/python/kgnn_model.py): fixtures written by share/python/make_fixtures.py, random float64
   weights, for each implemented node model with and without the positional feature at depth 1
   and 3, with and without the virtual node, on a tridiagonal, a 2D Poisson and a SuiteSparse
   graph; to the tolerance TestNetworkOnFixture derives (tests/testutil.h: F kappa gamma_K, kappa
   the outputs' measured sensitivity to the weights). */
#include "testutil.h"

int main(int argc, char **argv)
{
  const char *models[] = {"MLPNodeModel", "MessagePassingMLP", "GATv2", "GEN", "GraphTransformer", "GlobalGraphTransformer", "ElimOrder"}, *graphs[] = {"tridiagonal", "poisson6", "bcsstk01"};
  int         nchecked = 0;
  PetscReal   worst    = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  for (int m = 0; m < 7; m++)
    for (int depth = 1; depth <= 3; depth += 2)
      for (int v = 0; v < 4; v++) { /* positional feature: v & 1, virtual node: v & 2 */
        char        file[256];
        KGNNNetwork net;
        PetscCall(PetscSNPrintf(file, sizeof(file), "tests/fixtures/gnn_%s_d%d_%s%s.h5", models[m], depth, v & 1 ? "pos" : "nopos", v & 2 ? "_vn" : ""));
        PetscCall(KGNNNetworkLoad(file, &net));
        for (int g = 0; g < 3; g++) {
          PetscReal rel;
          PetscCall(TestNetworkOnFixture(net, file, graphs[g], m == 6 ? PETSC_TRUE : PETSC_FALSE, &rel));
          worst = PetscMax(worst, rel);
          nchecked++;
        }
        PetscCall(KGNNNetworkDestroy(&net));
      }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d model/graph pairs compared with PyTorch Geometric: largest relative difference %.2e\n", nchecked, (double)worst));
  TEST_END();
}
