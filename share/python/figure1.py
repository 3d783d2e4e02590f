#!/usr/bin/python3
"""The paper's Figure 1: |diag(L) - diag(L')| after A_11 += 1, where L = chol(A), L' = chol(A + e1 e1^T).
Left: the 1D Laplacian (floating-point Cholesky of both). Right: the Theorem 2.1 counterexample,
with the analytic factors of the proof (L_ii = 1/i; L' by the proof's recurrence), since A is too
ill-conditioned for a floating-point Cholesky beyond n of about 10.
Usage: figure1.py OUT.png [n]"""
import sys

from kgnn_plot import plt, save_atomic
import numpy as np


def tridiag_cholesky_diag(ad, ae):
    """diagonal of the Cholesky factor of the tridiagonal (ad, ae): d_i = sqrt(a_ii - l_i,i-1^2)"""
    d = np.empty_like(ad)
    sub = 0.0
    for i in range(len(ad)):
        d[i] = np.sqrt(ad[i] - sub * sub)
        if i + 1 < len(ad):
            sub = ae[i] / d[i]
    return d


def laplacian(n):
    ad, ae = np.full(n, 2.0), np.full(n - 1, -1.0)
    l0 = tridiag_cholesky_diag(ad, ae)
    ad[0] += 1.0
    return np.abs(tridiag_cholesky_diag(ad, ae) - l0)


def theorem21(n):
    i = np.arange(1, n + 1, dtype=float)
    l0 = 1.0 / i  # the analytic factor of the proof
    ad = 1.0 + 1.0 / i**2
    ad[0] = 2.0  # A'_11 = A_11 + 1 = 2
    ae = 1.0 / i[:-1]  # A_i+1,i = 1/i
    return np.abs(tridiag_cholesky_diag(ad, ae) - l0)


def main(out, n=100):
    fig, ax = plt.subplots(1, 2, figsize=(10, 4))
    for a, (title, diff) in zip(ax, [("1D Laplacian", laplacian(n)), ("Theorem 2.1 counterexample", theorem21(n))]):
        a.semilogy(np.arange(1, n + 1), np.maximum(diff, 1e-300), ".-", ms=3)
        a.set_title(title)
        a.set_xlabel("i")
        a.set_ylabel("|L_ii - L'_ii|")
        a.grid(True, which="both", alpha=0.3)
    fig.suptitle(f"Change of diag(L) after A_11 += 1, n = {n}")
    fig.tight_layout()
    save_atomic(fig, out)


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) == 3 else 100)
