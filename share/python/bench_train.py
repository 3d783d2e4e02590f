"""make bench, training: seconds per epoch and peak memory of bin/kgnn-train against PyTorch
Geometric's CPU training (share/python/train_pyg.py) of the same model, initial weights, data,
batches and order, one thread each, in the same run. Needs torch and torch_geometric.

    python3 share/python/bench_train.py DATASET NTRAIN NTEST EPOCHS
prints one Markdown row per model: model, depth, kgnn s/epoch, PyG s/epoch, ratio, peak RSS MB
"""
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = [("MessagePassingMLP", 5), ("GATv2", 3)]

PYG = """
import sys, time, torch
sys.path.insert(0, {here!r})
import export_pyg, kgnn_dataset, train_pyg
torch.set_num_threads(1)
model = export_pyg.load({init!r}).train()
tr = kgnn_dataset.load({data!r}, "train")[:{ntrain}]
te = kgnn_dataset.load({data!r}, "test")[:{ntest}]
hist = train_pyg.train(model, tr, te, {epochs}, 16, 1e-3, 50, 0.6, seed=1)
print(" ".join(str(h[5]) for h in hist))
print(" ".join(repr(h[1]) for h in hist))
"""


def run(cmd, env):
    """stdout and the peak RSS (MB) of this child alone: VmHWM of its own address space, polled
    (rusage would report at least this process's peak, which exec passes on to the child)"""
    with tempfile.TemporaryFile("w+") as log:
        p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, text=True, env=env)
        peak = 0.0
        while p.poll() is None:
            try:
                with open(f"/proc/{p.pid}/status") as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            peak = max(peak, int(line.split()[1]) / 1024)
            except OSError:
                pass
            time.sleep(0.02)
        log.seek(0)
        out = log.read()
    if p.returncode:
        sys.exit(f"{cmd[0]} failed:\n{out}")
    return out, peak


def main(data, ntrain="256", ntest="64", epochs="3"):
    import torch

    sys.path.insert(0, HERE)
    import export_pyg
    from kgnn_model import KGNNModel

    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    tmp = tempfile.mkdtemp(prefix="kgnn-bench-train-")
    print("| node model | depth | kgnn s/epoch | PyG s/epoch | PyG / kgnn | kgnn peak RSS MB | PyG peak RSS MB | train loss, last epoch (kgnn / PyG) |")
    print("|---|---|---|---|---|---|---|---|")
    for model, depth in CASES:
        torch.manual_seed(0)
        init = os.path.join(tmp, f"{model}.h5")
        export_pyg.save(KGNNModel(model, depth, 16).double(), init)
        out = os.path.join(tmp, f"{model}_trained.h5")
        _, rss_c = run(["bin/kgnn-train", "-dataset", data, "-init", init, "-out", out, "-max_train", ntrain, "-max_test", ntest, "-epochs", epochs, "-batch", "16", "-patience", "0", "-quiet"], env)
        with open(out + ".csv") as f:
            rows = [r.split(",") for r in f.read().split("\n")[1:] if r]
        t_c = [float(r[5]) for r in rows]
        text, rss_p = run([sys.executable, "-c", PYG.format(here=HERE, init=init, data=data, ntrain=ntrain, ntest=ntest, epochs=epochs)], env)
        lines = text.strip().split("\n")
        t_p, loss_p = [float(x) for x in lines[-2].split()], [float(x) for x in lines[-1].split()]
        # the first epoch carries start-up costs on both sides: the mean of the others
        c, p = sum(t_c[1:]) / max(len(t_c) - 1, 1), sum(t_p[1:]) / max(len(t_p) - 1, 1)
        print(f"| {model} | {depth} | {c:.3f} | {p:.3f} | {p / c:.2f} | {rss_c:.0f} | {rss_p:.0f} | {float(rows[-1][1]):.6e} / {loss_p[-1]:.6e} |")


if __name__ == "__main__":
    main(*sys.argv[1:])
