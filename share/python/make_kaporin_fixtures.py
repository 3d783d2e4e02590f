"""Reference values of the Kaporin losses (src/train/kaporin_loss.c) for tests/test_kaporin_loss.c,
by a dense NumPy evaluation that shares nothing with the C code's column-by-column and
triangular-solve formulas:
  K1 = log K(X),  X = L^T A^-1 L,    K2 = log K(X),  X = L^-1 A L^-T   (K2 exact or Hutchinson),
  log K(X) = log(tr X / n) - log det X / n   (numpy.linalg.slogdet of the dense X),
  d K1 / d L = 2 A^-1 L / tr X - (2/n) L^-T,
  d K2 / d L = -2 L^-T S L^-1 A L^-T / tr(S X) + (2/n) L^-T,   S = I (exact) or Z Z^T / p,
each gradient kept on the pattern of L (the lower part of L^-T is its diagonal, 1 / L_ii).

Matrices: 2D Poisson 5 x 5 (n = 25), a random sparse SPD 30 x 30 (seeded), and bcsstk01 and nos4
from ../shared/matrices/suitesparse. Factors on the pattern of tril(A): a random one with positive
diagonal, IC(0) and the K-optimal factor (Algorithm 1 from the dense A^-1). With each, the
conditioning the C test derives its tolerances from (see there):
  c1  = sum_i |l_i|^T |B_i| |l_i| / sum_i l_i^T B_i l_i      (round-off of tr(L^T A^-1 L))
  g1  = max |2 |A^-1| |L| / T + (2/n) / |L_ii||  /  max |d K1 / d L|  on the pattern
  c2  = sum_k |y_k|^T |A| |y_k| / sum_k y_k^T A y_k,  y_k = L^-T z_k   (round-off of the trace)
  sk  = || |L^-T| |L^T| ||_inf, Skeel's condition number of the backward solve
  g2  = max of the gradient's absolute-value form over max |d K2 / d L|
  kx1, kx2 = 2-norm condition numbers of the two X (round-off of slogdet)

    /usr/bin/python3 share/python/make_kaporin_fixtures.py [tests/fixtures/kaporin_loss.h5]
"""
import sys

import h5py
import numpy as np
import scipy.io
import scipy.linalg as sl
import scipy.sparse as sp

SS = "../shared/matrices/suitesparse/"
NPROBE = 8


def poisson2d(m):
    t = sp.diags([-1, 2, -1], [-1, 0, 1], shape=(m, m))
    return (sp.kron(sp.eye(m), t) + sp.kron(t, sp.eye(m))).toarray()


def random_spd(n, rng):
    """symmetric, about 4 off-diagonal entries a row, diagonally dominant by a random margin"""
    M = np.zeros((n, n))
    for i in range(n):
        for j in rng.choice(n, 2, replace=False):
            if i != j:
                M[i, j] = M[j, i] = rng.uniform(-1, 1)
    M += np.diag(np.abs(M).sum(1) + rng.uniform(0.1, 1, n))
    return M


def pattern(A):
    """CSR of tril(A) with the diagonal"""
    n = A.shape[0]
    rowptr, colidx = [0], []
    for i in range(n):
        cols = [j for j in range(i) if A[i, j] != 0] + [i]
        colidx += cols
        rowptr.append(len(colidx))
    return np.array(rowptr, dtype=np.int64), np.array(colidx, dtype=np.int64)


def dense(n, rowptr, colidx, l):
    L = np.zeros((n, n))
    for i in range(n):
        L[i, colidx[rowptr[i] : rowptr[i + 1]]] = l[rowptr[i] : rowptr[i + 1]]
    return L


def on_pattern(G, rowptr, colidx):
    n = len(rowptr) - 1
    return np.concatenate([G[i, colidx[rowptr[i] : rowptr[i + 1]]] for i in range(n)])


def ic0(A, mask):
    n = A.shape[0]
    L = np.tril(A) * mask
    for k in range(n):
        L[k, k] = np.sqrt(L[k, k])
        L[k + 1 :, k] /= L[k, k]
        for j in range(k + 1, n):
            if L[j, k] != 0:
                L[j:, j] -= L[j:, k] * L[j, k] * mask[j:, j]
    return L


def kopt(Ainv, mask):
    n = Ainv.shape[0]
    L = np.zeros((n, n))
    for i in range(n):
        s = np.nonzero(mask[:, i])[0]  # ascending, i first
        v = np.linalg.solve(Ainv[np.ix_(s, s)], np.eye(len(s))[:, 0])
        L[s, i] = v / np.sqrt(v[0])
    return L


def logk(X):
    n = X.shape[0]
    sign, ld = np.linalg.slogdet(X)
    assert sign > 0
    return np.log(np.trace(X) / n) - ld / n


def case(f, name, A, rng):
    n = A.shape[0]
    rowptr, colidx = pattern(A)
    mask = dense(n, rowptr, colidx, np.ones(len(colidx))) != 0
    Ainv = np.linalg.inv(A)
    Ainv = (Ainv + Ainv.T) / 2
    sign, logdetA = np.linalg.slogdet(A)
    assert sign > 0
    Z = rng.choice([-1.0, 1.0], size=(NPROBE, n))
    g = f.create_group(name)
    g["A"], g["Ainv"], g["rowptr"], g["colidx"], g["z"] = A, Ainv, rowptr, colidx, Z
    g["logdetA"], g["condA"] = np.array([logdetA]), np.array([np.linalg.cond(A)])
    d = np.sqrt(np.diag(A))
    R = np.tril(rng.uniform(-0.2, 0.2, (n, n)) * mask, -1) * d[:, None]  # off-diagonal up to 0.2 of the row's diagonal scale
    factors = {"random": R + np.diag(d * rng.uniform(0.5, 1.5, n)), "ic0": ic0(A, mask), "kopt": kopt(Ainv, mask)}
    for fname, L in factors.items():
        assert np.all(np.diag(L) > 0) and np.all(np.isfinite(L)), (name, fname)
        h = g.create_group(fname)
        l = on_pattern(L, rowptr, colidx)
        Linv = sl.solve_triangular(L, np.eye(n), lower=True)
        # K1
        X1 = L.T @ Ainv @ L
        T = np.trace(X1)
        G1 = 2 * Ainv @ L / T - (2 / n) * Linv.T
        G1abs = 2 * np.abs(Ainv) @ np.abs(L) / T + (2 / n) * np.diag(1 / np.diag(L))
        h["l"], h["K1"], h["K1_grad"] = l, np.array([logk(X1) + 0.0]), on_pattern(G1, rowptr, colidx)
        c1 = float(np.sum(np.abs(L) * (np.abs(Ainv) @ np.abs(L))) / T)
        g1 = np.max(on_pattern(G1abs, rowptr, colidx)) / np.max(np.abs(on_pattern(G1, rowptr, colidx)))
        # K2, exact (S = I) and Hutchinson (S = Z^T Z / p)
        X2 = Linv @ A @ Linv.T
        ab = np.abs(Linv.T) @ np.abs(L.T)
        sk = np.max(ab.sum(1))
        for tag, S in (("", np.eye(n)), ("h", Z.T @ Z / NPROBE)):
            t = np.trace(S @ X2)
            G2 = -2 * Linv.T @ S @ Linv @ A @ Linv.T / t + (2 / n) * Linv.T
            G2abs = 2 * np.abs(Linv.T) @ np.abs(S) @ np.abs(Linv) @ np.abs(A) @ np.abs(Linv.T) / t + (2 / n) * np.diag(1 / np.diag(L))
            Y = Linv.T @ (np.eye(n) if tag == "" else Z.T)
            c2 = float(np.sum(np.abs(Y) * (np.abs(A) @ np.abs(Y))) / np.sum(Y * (A @ Y)))
            g2 = np.max(on_pattern(G2abs, rowptr, colidx)) / np.max(np.abs(on_pattern(G2, rowptr, colidx)))
            val = np.log(t / n) - np.linalg.slogdet(X2)[1] / n
            h["K2" + tag], h["K2" + tag + "_grad"] = np.array([val]), on_pattern(G2, rowptr, colidx)
            h["c2" + tag], h["g2" + tag] = np.array([c2]), np.array([g2])
        h["c1"], h["g1"], h["sk"] = np.array([c1]), np.array([g1]), np.array([sk])
        h["kx1"], h["kx2"] = np.array([np.linalg.cond(X1)]), np.array([np.linalg.cond(X2)])
        print(f"{name:10s} {fname:7s} n {n:4d} K1 {h['K1'][0]:.6f} K2 {h['K2'][0]:.6f} K2h {h['K2h'][0]:.6f} c1 {c1:.1f} c2 {h['c2'][0]:.1f} Skeel {sk:.1e} cond X1 {h['kx1'][0]:.1e} X2 {h['kx2'][0]:.1e}")


def main(out="tests/fixtures/kaporin_loss.h5"):
    rng = np.random.default_rng(20261202)
    mats = [("poisson5", poisson2d(5)), ("random30", random_spd(30, rng))]
    for m in ("bcsstk01", "nos4"):
        A = scipy.io.mmread(SS + m + ".mtx")
        mats.append((m, np.asarray(A.todense() if sp.issparse(A) else A, dtype=float)))
    with h5py.File(out, "w") as f:
        f.attrs["cases"] = ",".join(name for name, _ in mats)
        f.attrs["nprobe"] = NPROBE
        for name, A in mats:
            case(f, name, A, rng)
    print("wrote", out)


if __name__ == "__main__":
    main(*sys.argv[1:])
