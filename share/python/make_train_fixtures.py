"""Fixtures for the trainer's tests, from PyTorch / PyTorch Geometric (needs torch,
torch_geometric and h5py from pip):
- tests/fixtures/train_steps.h5 (tests/test_train_steps.c): torch.optim.Adam with StepLR on a
  parameter vector with given gradients, and the cosine and L2 losses with their gradients;
- tests/fixtures/grad_<model>_<variant>.h5 (tests/test_model_gradients.c): a model, a batch of
  two graphs with targets, the batch's cosine loss and torch.autograd's gradient of every tensor;
- tests/fixtures/train_curve_<model>.h5 (tests/test_training.c): initial weights and five epochs
  of share/python/train_pyg.py on tests/fixtures/train_small.h5 (made by bin/kgnn-dataset);
- tests/fixtures/trained_<model>.h5 (tests/test_training.c): weights trained by bin/kgnn-train
  (built first), loaded into PyTorch by export_pyg.load, and PyTorch's outputs with them on the
  graphs of make_fixtures.py.

    python3 share/python/make_train_fixtures.py [steps] [gradients] [curve] [trained]
"""
import os
import sys

import h5py
import numpy as np
import torch


def steps(out="tests/fixtures/train_steps.h5"):
    torch.manual_seed(3)
    n, steps = 10, 9
    p = torch.nn.Parameter(torch.randn(n, dtype=torch.float64))
    p0 = p.detach().clone()
    grads = torch.randn(steps, n, dtype=torch.float64)
    opt = torch.optim.Adam([p], lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.6)
    params, lrs = [], []
    for s in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        p.grad = grads[s].clone()
        opt.step()
        sched.step()
        params.append(p.detach().clone())

    m = 40
    row = torch.randint(0, 12, (m,))
    col = torch.randint(0, 12, (m,))
    pred = torch.randn(m, dtype=torch.float64, requires_grad=True)
    tgt = torch.randn(m, dtype=torch.float64)
    low = row >= col
    cos = 1 - torch.nn.functional.cosine_similarity(pred[low], tgt[low], dim=0, eps=0)
    (gcos,) = torch.autograd.grad(cos, pred)
    l2 = ((pred[low] - tgt[low]) ** 2).mean()
    (gl2,) = torch.autograd.grad(l2, pred)

    with h5py.File(out, "w") as f:
        f["adam/p0"], f["adam/grads"], f["adam/params"] = p0.numpy(), grads.numpy(), torch.stack(params).numpy()
        f["adam/lrs"] = np.array(lrs)
        f["loss/row"], f["loss/col"] = row.numpy().astype(np.int64), col.numpy().astype(np.int64)
        f["loss/pred"], f["loss/target"] = pred.detach().numpy(), tgt.numpy()
        f["loss/cosine"], f["loss/cosine_grad"] = np.array([cos.item()]), gcos.numpy()
        f["loss/l2"], f["loss/l2_grad"] = np.array([l2.item()]), gl2.numpy()
    print("wrote", out)


def random_graph(n, gen):
    """a random symmetric pattern with a full diagonal, both triangles, rows then columns sorted"""
    dense = torch.zeros(n, n, dtype=torch.float64)
    for i in range(n):
        for j in range(i):
            if torch.rand(1, generator=gen).item() < 0.4 or j == i - 1:
                dense[i, j] = dense[j, i] = torch.randn(1, generator=gen, dtype=torch.float64).item()
        dense[i, i] = 3 + torch.rand(1, generator=gen, dtype=torch.float64).item()
    row, col = dense.nonzero(as_tuple=True)
    a = dense[row, col]
    y = torch.where(row >= col, torch.randn(row.shape[0], generator=gen, dtype=torch.float64), torch.zeros_like(a))
    return n, row, col, a, y


def gradients(node_model, depth, positional, virtual_node, seed):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = KGNNModel(node_model, depth, 8, positional, virtual_node).double()
    with torch.no_grad():  # GATv2's bias starts at 0: make it count
        for name, t in model.named_parameters():
            if name.endswith("conv.bias"):
                t.uniform_(-0.3, 0.3)
    graphs = [random_graph(7, gen), random_graph(5, gen)]
    ei, ea, y, batch, eptr, n0 = [], [], [], [], [0], 0
    for g, (n, row, col, a, t) in enumerate(graphs):
        ei.append(torch.stack([row, col]) + n0)
        ea.append(a)
        y.append(t)
        batch.append(torch.full((n,), g, dtype=torch.long))
        n0 += n
        eptr.append(eptr[-1] + row.shape[0])
    ei, ea, y, batch = torch.cat(ei, 1), torch.cat(ea), torch.cat(y), torch.cat(batch)
    out = model(ei, ea.unsqueeze(1), n0, batch)
    losses = []
    for g in range(len(graphs)):
        s = slice(eptr[g], eptr[g + 1])
        low = ei[0, s] >= ei[1, s]
        p, t = out[s][low], y[s][low]
        losses.append(1 - (p * t).sum() / (p.norm() * t.norm()))
    loss = torch.stack(losses).mean()
    model.zero_grad()
    loss.backward()
    name = f"tests/fixtures/grad_{node_model}_d{depth}{'_pos' if positional else ''}{'_vn' if virtual_node else ''}.h5"

    def extra(f):
        for g, (n, row, col, a, t) in enumerate(graphs):
            h = f.create_group(f"batch/{g}")
            h.attrs["n"] = n
            h["row"], h["col"], h["a"], h["y"] = row.numpy().astype(np.int64), col.numpy().astype(np.int64), a.numpy(), t.numpy()
        f["expected/loss"] = np.array([loss.item()])
        f["expected/out"] = out.detach().numpy()
        for key, prm in model.named_parameters():
            f["grad/" + key] = np.zeros(tuple(prm.shape)) if prm.grad is None else prm.grad.detach().numpy()  # the last block's node model feeds nothing

    export_pyg.save(model, name, extra)
    print("wrote", name)


def curve(node_model, depth, seed=4, epochs=5, batch=3, lr=1e-2, step_size=2, gamma=0.6):
    torch.manual_seed(seed)
    model = KGNNModel(node_model, depth, 16, False, False).double()
    name = f"tests/fixtures/train_curve_{node_model}.h5"
    init = {k: v.clone() for k, v in model.state_dict().items()}
    data = "tests/fixtures/train_small.h5"
    hist = train_pyg.train(model, kgnn_dataset.load(data, "train"), kgnn_dataset.load(data, "test"), epochs, batch, lr, step_size, gamma, seed=1)
    final = {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(init)

    def extra(f):
        f.attrs["epochs"], f.attrs["batch"], f.attrs["lr"], f.attrs["step_size"], f.attrs["gamma"], f.attrs["seed"] = epochs, batch, lr, step_size, gamma, 1
        f["expected/history"] = np.array(hist)[:, :5]
        for k, v in final.items():
            f["final/" + k] = v.numpy()

    export_pyg.save(model, name, extra)
    print("wrote", name, "final train loss %.6e" % hist[-1][1])


# the kgnn-train run behind each trained_<model>.h5, repeated by tests/test_training.c
TRAINED_OPTIONS = "-dataset tests/fixtures/train_small.h5 -depth 2 -positional -virtual_node -epochs 2 -batch 3 -lr 1e-2 -seed 5 -patience 0 -quiet"


def trained(node_model):
    """C-trained weights through PyTorch: the outputs PCGNN must reproduce with the same file"""
    import subprocess
    import tempfile

    import make_fixtures

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "m.h5")
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
        subprocess.run(["bin/kgnn-train", "-node_model", node_model, "-out", out] + TRAINED_OPTIONS.split(), check=True, env=env)
        model = export_pyg.load(out)
    gs = list(make_fixtures.graphs("../shared/matrices/suitesparse", np.random.default_rng(0)))
    name = f"tests/fixtures/trained_{node_model}.h5"

    def extra(f):
        f.attrs["kgnn_train_options"] = np.bytes_(f"-node_model {node_model} " + TRAINED_OPTIONS)
        make_fixtures.write_outputs(f, model, gs)

    export_pyg.save(model, name, extra)
    print("wrote", name)


def main(*parts):
    """parts: any of steps, gradients, curve, trained (default: all)"""
    parts = parts or ("steps", "gradients", "curve", "trained")
    if "steps" in parts:
        steps()
    for m in NODE_MODELS if "gradients" in parts else ():
        gradients(m, 3, False, False, 11)
        gradients(m, 3, True, True, 12)
    for m in ("MessagePassingMLP", "GATv2") if "curve" in parts else ():
        curve(m, 2)
    for m in NODE_MODELS if "trained" in parts else ():
        trained(m)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import export_pyg
    import kgnn_dataset
    import train_pyg
    from kgnn_model import NODE_MODELS, KGNNModel

    main(*sys.argv[1:])
