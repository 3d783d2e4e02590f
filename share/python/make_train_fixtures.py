"""Fixtures for tests/test_train_steps.c: torch.optim.Adam with torch.optim.lr_scheduler.StepLR
on a parameter vector with a given sequence of gradients, and the cosine and L2 losses with their
torch.autograd gradients. Needs torch and h5py (pip).

    python3 share/python/make_train_fixtures.py [tests/fixtures/train_steps.h5]
"""
import sys

import h5py
import numpy as np
import torch


def main(out="tests/fixtures/train_steps.h5"):
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


if __name__ == "__main__":
    main(*sys.argv[1:])
