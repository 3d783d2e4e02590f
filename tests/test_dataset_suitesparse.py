#!/usr/bin/python3
"""The SuiteSparse dataset's targets against an independent implementation in numpy: for a
'kopt' sample y must be Algorithm 1 computed from numpy's dense inverse, for an 'ic0' sample the
IC(0) factor computed here by a dense-masked right-looking loop. Usage: FILE

The tolerance, derived as for every factor comparison (tests/testutil.h, TestFactorKappa): C and
numpy order their sums differently; each is backward stable, exact for A perturbed by
gamma_K = K u / (1 - K u) relative, K = n + 4 (the inverse's n-term sums and a column's four
element-wise roundings). kappa, the factor's relative change per relative change of A's entries,
is measured on the reference with A times 1 + delta0 r (r = +-1 symmetric, delta0 = 1e-10):
    |y - numpy| / |numpy| <= F kappa gamma_K,  F = 10."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "share", "python"))
import kgnn_dataset  # noqa: E402


def dense(s):
    A = np.zeros((s["n"], s["n"]))
    A[s["edge_index"][0], s["edge_index"][1]] = s["edge_attr"]
    return A


def kopt(A, mask):
    B = np.linalg.inv(A)
    L = np.zeros_like(A)
    for i in range(A.shape[0]):
        rows = np.nonzero(mask[:, i])[0]
        rows = rows[rows >= i]
        v = np.linalg.solve(B[np.ix_(rows, rows)], np.eye(len(rows))[:, 0])
        L[rows, i] = v / np.sqrt(v[0])
    return L


def ic0(A, mask):
    L = np.tril(A * mask)
    n = A.shape[0]
    for k in range(n):
        L[k, k] = np.sqrt(L[k, k])
        L[k + 1 :, k] /= L[k, k]
        for j in range(k + 1, n):
            if L[j, k] != 0:
                upd = L[j:, k] * L[j, k]
                L[j:, j] -= np.where(mask[j:, j], upd, 0.0)
    return L


def gamma(k):
    u = np.finfo(float).eps / 2
    return k * u / (1 - k * u)


def perturbed(A, delta, seed=1):
    """A times 1 + delta r on its pattern, r = r^T = +-1"""
    r = np.where(np.random.default_rng(seed).random(A.shape) < 0.5, -1.0, 1.0)
    r = np.triu(r) + np.triu(r, 1).T
    return A * (1 + delta * r)


failures = 0
samples = kgnn_dataset.read(sys.argv[1])
for s in samples:
    A = dense(s)
    mask = np.zeros(A.shape, dtype=bool)
    mask[s["edge_index"][0], s["edge_index"][1]] = True
    np.fill_diagonal(mask, True)
    Y = np.zeros_like(A)
    Y[s["edge_index"][0], s["edge_index"][1]] = s["y"]
    factor = kopt if s["method"] == "kopt" else ic0
    ref = factor(A, mask)
    err = np.abs(Y - ref).max() / np.abs(ref).max()
    delta0 = 1e-10
    kappa = np.abs(factor(perturbed(A, delta0), mask) - ref).max() / np.abs(ref).max() / delta0
    tol = 10 * kappa * gamma(s["n"] + 4)
    ok = err <= tol and np.all(np.triu(Y, 1) == 0)
    print(f"{s['name']:12s} {s['method']:4s} n={s['n']:4d} kappa={kappa:.1e} |y - numpy| / |numpy| = {err:.2e} (tol {tol:.1e}) {'ok' if ok else 'FAIL'}")
    failures += not ok
sys.exit(1 if failures or not samples else 0)
