"""kgnn-train's loop in PyTorch Geometric, step for step: the same batches (a disjoint union per
batch, the epoch order from the same splitmix64 Fisher-Yates shuffle), the same per-graph losses
averaged over the batch, torch.optim.Adam and StepLR. The reference for tests/test_training.c and
the peer of `make bench`.

    python3 share/python/train_pyg.py DATASET INIT.h5 [epochs] [batch] [lr] [step_size] [gamma]
"""
import sys
import time

import torch

import export_pyg
import kgnn_dataset

M64 = (1 << 64) - 1


def splitmix(state):
    """(new state, output): src/model/model.h KGNNRandomNext"""
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


def epoch_order(seed, epoch, n, shuffle=True):
    perm = list(range(n))
    if not shuffle:
        return perm
    s = (seed * 1000003 + epoch) & M64
    for i in range(n - 1, 0, -1):
        s, r = splitmix(s)
        j = r % (i + 1)
        perm[i], perm[j] = perm[j], perm[i]
    return perm


def union(graphs):
    """the disjoint union: edge_index, edge_attr, y, batch, edge offsets"""
    ei, ea, y, batch, eptr, n0 = [], [], [], [], [0], 0
    for g, d in enumerate(graphs):
        ei.append(d.edge_index + n0)
        ea.append(d.edge_attr)
        y.append(d.y)
        batch.append(torch.full((d.num_nodes,), g, dtype=torch.long))
        n0 += d.num_nodes
        eptr.append(eptr[-1] + d.edge_index.shape[1])
    return torch.cat(ei, 1), torch.cat(ea), torch.cat(y), torch.cat(batch), eptr, n0


def cosine_loss(p, t, low):
    """1 - cos over the lower-triangle edges (no eps: as src/train/loss.c)"""
    p, t = p[low], t[low]
    return 1 - (p * t).sum() / (p.norm() * t.norm())


def batch_loss(model, graphs, kind="cosine"):
    ei, ea, y, batch, eptr, n = union(graphs)
    out = model(ei, ea, n, batch)
    losses = []
    for g in range(len(graphs)):
        s = slice(eptr[g], eptr[g + 1])
        low = ei[0, s] >= ei[1, s]
        if kind == "cosine":
            losses.append(cosine_loss(out[s], y[s], low))
        else:
            losses.append(((out[s][low] - y[s][low]) ** 2).mean())
    return torch.stack(losses).mean(), losses


def train(model, train_set, test_set, epochs, batch, lr, step_size, gamma, seed=1, shuffle=True, kind="cosine"):
    """history rows: epoch, train loss, test loss, test cosine, lr, seconds"""
    opt = torch.optim.Adam(model.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=step_size, gamma=gamma)
    hist = []
    for epoch in range(epochs):
        t0 = time.perf_counter()
        cur_lr = opt.param_groups[0]["lr"]
        perm = epoch_order(seed, epoch, len(train_set), shuffle)
        total = 0.0
        for b0 in range(0, len(train_set), batch):
            graphs = [train_set[k] for k in perm[b0 : b0 + batch]]
            opt.zero_grad()
            loss, _ = batch_loss(model, graphs, kind)
            loss.backward()
            opt.step()
            total += loss.item() * len(graphs)
        sched.step()
        with torch.no_grad():
            tl, tc = 0.0, 0.0
            for b0 in range(0, len(test_set), batch):
                graphs = test_set[b0 : b0 + batch]
                loss, per = batch_loss(model, graphs, kind)
                tl += loss.item() * len(graphs)
                _, cper = batch_loss(model, graphs, "cosine")
                tc += sum(1 - c.item() for c in cper)
        n = max(len(test_set), 1)
        hist.append([epoch + 1, total / len(train_set), tl / n, tc / n, cur_lr, time.perf_counter() - t0])
    return hist


def main(dataset, init, epochs="5", batch="4", lr="1e-3", step_size="50", gamma="0.6"):
    model = export_pyg.load(init).train()
    hist = train(model, kgnn_dataset.load(dataset, "train"), kgnn_dataset.load(dataset, "test"), int(epochs), int(batch), float(lr), int(step_size), float(gamma))
    for h in hist:
        print("epoch %4d  train loss %.6e  test loss %.6e  test cosine %.6f  lr %.3e  %.2f s" % tuple(h))


if __name__ == "__main__":
    main(*sys.argv[1:])
