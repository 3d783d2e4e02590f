"""tests/fixtures/gnn_elim_ic0.h5: an ElimOrder network of depth 1 with weights set by hand so that
it computes IC(0) (tests/test_gnn_elim_ic0.c). Channel 0 of the edge states carries A_ij / max|A|
(the encoder splits it into relu(x) and relu(-x) and recombines it), the block's edge model adds
zero, and the layer (src/model/elim.c) runs IC(0)'s arithmetic on channel 1:
  p = q = "channel 1 into channel 0", so [p s_ik] * [q s_jk] = l_ik l_jk (|l| <= 2, inside the clip);
  u = e_0: z_j = a_jj - sum_k l_jk^2, and d_j = sqrt(z_j) where z_j >= tau (1e-4);
  w_diag = e_1: channel 1 of the diagonal is d_j = l_jj;
  o = "channel 0 into channel 1": channel 1 of edge (i, j) is (a_ij - sum_k l_ik l_jk) / l_jj;
the node update is zero and the decoder reads channel 1. The network's factor is then IC(0) of
A / max|A|, that is IC(0) of A over sqrt(max|A|). Needs torch (pip).

    python3 share/python/make_elim_fixture.py [tests/fixtures/gnn_elim_ic0.h5]
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_pyg  # noqa: E402
from kgnn_model import KGNNModel  # noqa: E402


def ic0_model(hidden=16):
    model = KGNNModel("ElimOrder", 1, hidden, False).double().eval()
    with torch.no_grad():
        for t in model.state_dict().values():
            t.zero_()
        enc = model.encoder.edge_mlp
        enc[0].weight[0, 0], enc[0].weight[1, 0] = 1.0, -1.0
        enc[2].weight[0, 0], enc[2].weight[0, 1] = 1.0, -1.0
        layer = model.processor.blocks[0].node_model
        layer.p.weight[0, 1] = layer.q.weight[0, 1] = 1.0
        layer.u[0] = 1.0
        layer.w_diag[1] = 1.0
        layer.o.weight[1, 0] = 1.0
        dec = model.decoder.mlp
        dec[0].weight[0, 1], dec[0].weight[1, 1] = 1.0, -1.0
        dec[2].weight[0, 0], dec[2].weight[0, 1] = 1.0, -1.0
    return model


if __name__ == "__main__":
    path = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/gnn_elim_ic0.h5"
    export_pyg.save(ic0_model(), path)
    print("wrote", path)
