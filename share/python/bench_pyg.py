"""The PyTorch Geometric side of `make bench` for PCGNN: the forward pass of the same network
(weights from a PCGNN weight file) on the 2D 5-point Poisson graph of an m x m grid, float64, one
thread, best of `reps`. Prints `pyg m n nnz seconds peak_rss_mb` per grid.

    python3 share/python/bench_pyg.py MODEL.h5 100,316,1000 [reps]
With `--make-model MODEL.h5` it writes a random depth-5 MessagePassingMLP model first."""
import resource
import sys
import time

import torch

sys.path.insert(0, __file__.rsplit("/", 1)[0])
import export_pyg  # noqa: E402
from kgnn_model import KGNNModel  # noqa: E402


def poisson_edges(m):
    """row by row, ascending columns: (k, k-m), (k, k-1), (k, k), (k, k+1), (k, k+m)"""
    k = torch.arange(m * m)
    i, j = k // m, k % m
    rows, cols, vals = [], [], []
    for off, ok, v in ((-m, i > 0, -1.0), (-1, j > 0, -1.0), (0, torch.ones_like(k, dtype=torch.bool), 4.0), (1, j < m - 1, -1.0), (m, i < m - 1, -1.0)):
        rows.append(k[ok])
        cols.append(k[ok] + off)
        vals.append(torch.full((int(ok.sum()),), v, dtype=torch.float64))
    r, c, a = torch.cat(rows), torch.cat(cols), torch.cat(vals)
    order = torch.argsort(r * (m * m) + c)
    return torch.stack([r[order], c[order]]), a[order]


def main(argv):
    torch.set_num_threads(1)
    if argv[0] == "--make-model":
        torch.manual_seed(1)
        model = KGNNModel("MessagePassingMLP", 5, 16, False).double()
        with torch.no_grad():
            for t in model.state_dict().values():
                t.copy_(0.1 * torch.randn_like(t))
        export_pyg.save(model, argv[1])
        return
    model = export_pyg.load(argv[0])
    reps = int(argv[2]) if len(argv) > 2 else 3
    for m in (int(x) for x in argv[1].split(",")):
        ei, a = poisson_edges(m)
        best = float("inf")
        with torch.inference_mode():
            for _ in range(reps):
                t0 = time.perf_counter()
                model(ei, a.unsqueeze(1), m * m)
                best = min(best, time.perf_counter() - t0)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"pyg {m} {m * m} {ei.shape[1]} {best:.6f} {rss:.1f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
