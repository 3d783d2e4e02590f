/* The C forward pass of the PCGNN network against the PyTorch Geometric reference
   (share/python/kgnn_model.py): fixtures written by share/python/make_fixtures.py, random float64
   weights, for each implemented node model with and without the positional feature at depth 1
   and 3, with and without the virtual node, on a tridiagonal, a 2D Poisson and a SuiteSparse
   graph; 1e-10 relative. */
#include "testutil.h"
#include <hdf5.h>

static PetscErrorCode ReadArray(hid_t g, const char *name, hid_t type, void **buf, size_t elsize, hsize_t *len)
{
  hid_t   d = H5Dopen2(g, name, H5P_DEFAULT), s = H5Dget_space(d);
  hsize_t dims[2] = {1, 1};
  int     rank    = H5Sget_simple_extent_dims(s, dims, NULL);

  PetscFunctionBegin;
  *len = rank == 2 ? dims[0] * dims[1] : dims[0];
  PetscCall(PetscMalloc(elsize * *len, buf));
  PetscCheck(H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, *buf) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "cannot read %s", name);
  H5Sclose(s);
  H5Dclose(d);
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  const char *models[] = {"MLPNodeModel", "MessagePassingMLP", "GATv2", "GEN", "GraphTransformer", "GlobalGraphTransformer"}, *graphs[] = {"tridiagonal", "poisson6", "bcsstk01"};
  int         nchecked = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(KGNNInitializePackage());
  for (int m = 0; m < 6; m++)
    for (int depth = 1; depth <= 3; depth += 2)
      for (int v = 0; v < 4; v++) { /* positional feature: v & 1, virtual node: v & 2 */
        char        file[256];
        KGNNNetwork net;
        hid_t       f;
        PetscCall(PetscSNPrintf(file, sizeof(file), "tests/fixtures/gnn_%s_d%d_%s%s.h5", models[m], depth, v & 1 ? "pos" : "nopos", v & 2 ? "_vn" : ""));
        PetscCall(KGNNNetworkLoad(file, &net));
        f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
        for (int g = 0; g < 3; g++) {
          char        name[64];
          hid_t       grp;
          long long   n;
          hsize_t     ne, na, no;
          PetscInt64 *ei;
          PetscInt   *snd, *rcv;
          PetscReal  *a, *ref, *out, err = 0, rmax = 0;
          hid_t       at;
          PetscCall(PetscSNPrintf(name, sizeof(name), "fixture/%s", graphs[g]));
          grp = H5Gopen2(f, name, H5P_DEFAULT);
          at  = H5Aopen(grp, "n", H5P_DEFAULT);
          H5Aread(at, H5T_NATIVE_LLONG, &n);
          H5Aclose(at);
          PetscCall(ReadArray(grp, "edge_index", H5T_NATIVE_INT64, (void **)&ei, sizeof(PetscInt64), &ne));
          PetscCall(ReadArray(grp, "edge_attr", H5T_NATIVE_DOUBLE, (void **)&a, sizeof(PetscReal), &na));
          PetscCall(ReadArray(grp, "output", H5T_NATIVE_DOUBLE, (void **)&ref, sizeof(PetscReal), &no));
          PetscCall(PetscMalloc3(na, &snd, na, &rcv, na, &out));
          for (hsize_t k = 0; k < na; k++) snd[k] = (PetscInt)ei[k], rcv[k] = (PetscInt)ei[na + k];
          PetscCall(KGNNNetworkForward(net, (PetscInt)n, (PetscInt)na, snd, rcv, a, out));
          for (hsize_t k = 0; k < na; k++) {
            err  = PetscMax(err, PetscAbsReal(out[k] - ref[k]));
            rmax = PetscMax(rmax, PetscAbsReal(ref[k]));
          }
          CHECK(ne == 2 * na && no == na && err <= 1e-10 * rmax, "%s on %s: C and PyG outputs differ by %.3e (relative)", file, graphs[g], (double)(err / rmax));
          nchecked++;
          PetscCall(PetscFree3(snd, rcv, out));
          PetscCall(PetscFree(ei));
          PetscCall(PetscFree(a));
          PetscCall(PetscFree(ref));
          H5Gclose(grp);
        }
        H5Fclose(f);
        PetscCall(KGNNNetworkDestroy(&net));
      }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%d model/graph pairs compared with PyTorch Geometric\n", nchecked));
  TEST_END();
}
