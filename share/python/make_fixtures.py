"""Fixtures for tests/test_gnn_equivalence.c: for each node model, with and without the
positional feature and the virtual node, at depth 1 and 3, a model with random float64 weights (every tensor
overwritten, so no zero bias hides a code path) saved as a PCGNN weight file, plus three graphs
(a random tridiagonal SPD, 2D Poisson 6x6, SuiteSparse bcsstk01) and the reference outputs of
share/python/kgnn_model.py on them. Needs torch and torch_geometric (pip).

    python3 share/python/make_fixtures.py [../shared/matrices/suitesparse] [tests/fixtures]
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
import export_pyg  # noqa: E402
from kgnn_model import NODE_MODELS, KGNNModel  # noqa: E402


def read_mtx(path):
    """coordinate real symmetric/general Matrix Market -> (n, rows, cols, vals), both triangles"""
    with open(path) as f:
        header = f.readline().lower()
        line = f.readline()
        while line.startswith("%"):
            line = f.readline()
        n, _, nnz = (int(t) for t in line.split())
        entries = {}
        for _ in range(nnz):
            i, j, v = f.readline().split()
            i, j = int(i) - 1, int(j) - 1
            entries[(i, j)] = float(v)
            if "symmetric" in header:
                entries[(j, i)] = float(v)
    return n, entries


def csr_edges(n, entries):
    """every stored entry, row by row with ascending columns: the dataset's edge order"""
    keys = sorted(entries)
    return torch.tensor([[i for i, _ in keys], [j for _, j in keys]], dtype=torch.long), torch.tensor([entries[k] for k in keys], dtype=torch.float64)


def graphs(ss_dir, rng):
    n = 20
    d, e = 2.5 + rng.random(n), 2 * rng.random(n - 1) - 1
    tri = {(i, i): d[i] for i in range(n)}
    for i in range(n - 1):
        tri[(i + 1, i)] = tri[(i, i + 1)] = e[i]
    m = 6
    poi = {}
    for k in range(m * m):
        i, j = divmod(k, m)
        poi[(k, k)] = 4.0
        for kk, ok in ((k - m, i > 0), (k + m, i < m - 1), (k - 1, j > 0), (k + 1, j < m - 1)):
            if ok:
                poi[(k, kk)] = -1.0
    yield "tridiagonal", n, tri
    yield "poisson6", m * m, poi
    nb, bc = read_mtx(os.path.join(ss_dir, "bcsstk01.mtx"))
    yield "bcsstk01", nb, bc


def write_outputs(f, model, gs):
    """group fixture/<graph> per graph: n, edge_index, edge_attr and the model's output"""
    for name, n, entries in gs:
        ei, a = csr_edges(n, entries)
        with torch.no_grad():
            y = model(ei, a.unsqueeze(1), n)
        g = f.create_group(f"fixture/{name}")
        g.attrs["n"] = n
        g.create_dataset("edge_index", data=ei.numpy().astype(np.int64))
        g.create_dataset("edge_attr", data=a.numpy())
        g.create_dataset("output", data=y.numpy())


def main(ss_dir="../shared/matrices/suitesparse", out_dir="tests/fixtures"):
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    gs = list(graphs(ss_dir, rng))
    os.makedirs(out_dir, exist_ok=True)
    for node_model in NODE_MODELS:
        for positional in (False, True):
            for depth in (1, 3):
                model = KGNNModel(node_model, depth, 16, positional).double().eval()
                with torch.no_grad():
                    for t in model.state_dict().values():
                        t.copy_(0.5 * torch.randn_like(t))

                def extra(f, model=model):
                    write_outputs(f, model, gs)

                path = os.path.join(out_dir, f"gnn_{node_model}_d{depth}_{'pos' if positional else 'nopos'}.h5")
                export_pyg.save(model, path, extra)
                if True:  # the same weights with the virtual node (Appendix A)
                    model.virtual_node = True
                    export_pyg.save(model, path.replace(".h5", "_vn.h5"), extra)
                    model.virtual_node = False
                back = export_pyg.load(path)  # round trip through the weight file
                ei, a = csr_edges(gs[1][1], gs[1][2])
                with torch.no_grad():
                    assert torch.equal(back(ei, a.unsqueeze(1), gs[1][1]), model(ei, a.unsqueeze(1), gs[1][1]))
                print("wrote", path)


def tril_model():
    """Weights built by hand so that the network outputs A_ij / max|A| on every edge: the
    encoder splits the edge value into relu(x) and relu(-x) and recombines it, the blocks add
    zero, the decoder does the same split and recombination. L is then tril(A) / max|A|, a
    factor known exactly (the test model shipped until kgnn-train ships a trained one)."""
    model = KGNNModel("MessagePassingMLP", 1, 16, False).double().eval()
    with torch.no_grad():
        for t in model.state_dict().values():
            t.zero_()
        for seq in (model.encoder.edge_mlp, model.decoder.mlp):
            seq[0].weight[0, 0], seq[0].weight[1, 0] = 1.0, -1.0
            seq[2].weight[0, 0], seq[2].weight[0, 1] = 1.0, -1.0
    return model


def bad_models(out_dir):
    """one weight file per defect that KGNNNetworkLoad must refuse, naming the tensor"""
    import h5py

    good = os.path.join(out_dir, "gnn_tril.h5")
    for name, edit in (
        ("bad_missing_tensor", lambda f: f.__delitem__("decoder.mlp.2.weight")),
        ("bad_shape", lambda f: (f.__delitem__("encoder.edge_mlp.0.weight"), f.create_dataset("encoder.edge_mlp.0.weight", data=np.zeros((16, 3))))),
        ("bad_nan", lambda f: f["processor.blocks.0.edge.0.bias"].__setitem__(3, np.nan)),
        ("bad_version", lambda f: f.attrs.__setitem__("format_version", 99)),
    ):
        path = os.path.join(out_dir, name + ".h5")
        with open(good, "rb") as src, open(path, "wb") as dst:
            dst.write(src.read())
        with h5py.File(path, "r+") as f:
            edit(f)
        print("wrote", path)


if __name__ == "__main__":
    main(*sys.argv[1:])
    out = sys.argv[2] if len(sys.argv) > 2 else "tests/fixtures"
    tril = tril_model()
    export_pyg.save(tril, os.path.join(out, "gnn_tril.h5"))
    zero = KGNNModel("MLPNodeModel", 1, 16, False).double().eval()
    with torch.no_grad():
        for t in zero.state_dict().values():
            t.zero_()
    export_pyg.save(zero, os.path.join(out, "gnn_zero.h5"))  # L = 0: PCGNN must fail, not divide
    bad_models(out)
    # share/models/default.h5 is the model kgnn-train trained on the SuiteSparse set (README)
