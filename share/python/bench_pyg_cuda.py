"""The PyTorch Geometric side of `make check-cuda`'s benchmark: the forward pass of the same
network as tests/model/bench_net.c (MessagePassingMLP, depth 5, hidden 16, random weights) on the
2D 5-point Poisson graph of a g x g grid on the GPU, in float64 and float32; the median of `reps`
forwards after one warm-up, timed with torch.cuda.synchronize. Prints
`pyg DTYPE g n nnz seconds peak_gpu_mb` per grid, or `pyg DTYPE g n nnz OOM`.

    python3 share/python/bench_pyg_cuda.py 316,1000,3162 [reps]"""
import statistics
import sys
import time

import torch

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from bench_pyg import poisson_edges  # noqa: E402
from kgnn_model import KGNNModel  # noqa: E402


def main(argv):
    if not torch.cuda.is_available():
        print("pyg: no CUDA device visible to PyTorch")
        return 1
    dev = torch.device("cuda")
    reps = int(argv[1]) if len(argv) > 1 else 5
    print(f"pyg device {torch.cuda.get_device_name(0)}, torch {torch.__version__}", flush=True)
    for g in (int(x) for x in argv[0].split(",")):
        ei, a = poisson_edges(g)
        for dtype in (torch.float64, torch.float32):
            name = str(dtype).split(".")[1]
            torch.manual_seed(1)
            try:
                model = KGNNModel("MessagePassingMLP", 5, 16, False).to(dev, dtype)
                e, x = ei.to(dev), a.to(dev, dtype).unsqueeze(1)
                torch.cuda.reset_peak_memory_stats()
                times = []
                with torch.inference_mode():
                    for r in range(reps + 1):
                        torch.cuda.synchronize()
                        t0 = time.perf_counter()
                        model(e, x, g * g)
                        torch.cuda.synchronize()
                        if r:
                            times.append(time.perf_counter() - t0)
                peak = torch.cuda.max_memory_allocated() / 2**20
                print(f"pyg {name} {g} {g * g} {ei.shape[1]} {statistics.median(times):.6f} {peak:.0f}", flush=True)
            except torch.cuda.OutOfMemoryError:
                print(f"pyg {name} {g} {g * g} {ei.shape[1]} OOM", flush=True)
            finally:
                model = e = x = None
                torch.cuda.empty_cache()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
