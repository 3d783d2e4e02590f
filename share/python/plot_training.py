"""The curves of one kgnn-train run from its CSV log: train and test loss (log scale) and the
test cosine similarity against epoch. Debian's python3 with matplotlib.

    python3 share/python/plot_training.py MODEL.h5.csv OUT.png
"""
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kgnn_plot import plt, save_atomic  # noqa: E402


def main(log, out):
    with open(log) as f:
        rows = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)]
    if not rows:
        sys.exit(f"{log}: no epochs logged")
    ep = [r["epoch"] for r in rows]
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.8))
    a.semilogy(ep, [r["train_loss"] for r in rows], label="train")
    a.semilogy(ep, [r["test_loss"] for r in rows], label="test")
    a.set_xlabel("epoch")
    a.set_ylabel("loss")
    a.legend()
    a.grid(alpha=0.3)
    b.plot(ep, [r["test_cosine"] for r in rows])
    b.set_xlabel("epoch")
    b.set_ylabel("test cosine similarity")
    b.grid(alpha=0.3)
    fig.suptitle(os.path.basename(log))
    fig.tight_layout()
    save_atomic(fig, out)


if __name__ == "__main__":
    main(*sys.argv[1:])
