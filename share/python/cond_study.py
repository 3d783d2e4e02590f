"""Does a smaller condition number of the preconditioned matrix buy fewer CG iterations than
PCKOPT's factor? (issue 12: K(L^T A^-1 L), PCKOPT's objective, and K(L^-1 A L^-T) both lowered
by training or refinement raised the iterations where IC(0) breaks down.)

For each matrix (Jacobi-scaled, dense, small n): PCKOPT's factor on tril(A)'s pattern (Algorithm
1 with a dense inverse), then L-BFGS-B (300 iterations) on log cond(L^-1 A L^-T) over the
entries of L on the same pattern, from PCKOPT's factor. The gradient of an extreme eigenvalue
lambda = u^T L^-1 A L^-T u (u its unit eigenvector, which does not move it to first order) is
-2 y w^T with y = L^-T u, w = L^-1 A y, kept on the pattern. CG: rtol 1e-8 on the
unpreconditioned residual, b = D^-1/2 ones (the scaled system of A x = ones), at most 10000
iterations. Debian's python3 with numpy and scipy.

    python3 share/python/cond_study.py bcsstk06 bcsstk34 ...   (names in ../shared/matrices/suitesparse)
"""
import sys

import numpy as np
import scipy.io
import scipy.linalg as la
import scipy.optimize as so

SS = "../shared/matrices/suitesparse"


def apply(L, r):
    return la.solve_triangular(L.T, la.solve_triangular(L, r, lower=True), lower=False)


def cg(A, L, b, rtol=1e-8, maxit=10000):
    x = np.zeros_like(b)
    r = b.copy()
    nb = np.linalg.norm(b)
    z = apply(L, r)
    p = z.copy()
    rz = r @ z
    for k in range(1, maxit + 1):
        Ap = A @ p
        al = rz / (p @ Ap)
        x += al * p
        r -= al * Ap
        if np.linalg.norm(r) <= rtol * nb:
            return k, np.linalg.norm(b - A @ x) / nb
        z = apply(L, r)
        rz2 = r @ z
        p = z + (rz2 / rz) * p
        rz = rz2
    return -1, np.linalg.norm(b - A @ x) / nb


def kopt(A, pat):
    Ai = np.linalg.inv(A)
    n = A.shape[0]
    L = np.zeros_like(A)
    for i in range(n):
        s = np.nonzero(pat[:, i])[0]
        s = s[s >= i]
        v = np.linalg.solve(Ai[np.ix_(s, s)], np.eye(len(s))[:, 0])
        L[s, i] = v / np.sqrt(v[0])
    return L


def logcond(x, A, idx, n):
    L = np.zeros((n, n))
    L[idx] = x
    if np.any(np.diag(L) <= 0):
        return np.inf, np.zeros_like(x)
    Li = la.solve_triangular(L, np.eye(n), lower=True)
    X = Li @ A @ Li.T
    w, V = np.linalg.eigh((X + X.T) / 2)

    def grad(u):
        y = Li.T @ u
        return -2 * np.outer(y, Li @ (A @ y))

    G = grad(V[:, -1]) / w[-1] - grad(V[:, 0]) / w[0]
    return np.log(w[-1] / w[0]), G[idx]


def main(names):
    for name in names:
        A = scipy.io.mmread(f"{SS}/{name}.mtx").toarray()
        n = A.shape[0]
        d = np.sqrt(np.diag(A))
        A = A / d[:, None] / d[None, :]
        pat = np.tril(A != 0)
        idx = np.nonzero(pat)
        b = 1 / d
        Lk = kopt(A, pat)
        itk = cg(A, Lk, b)
        f0, _ = logcond(Lk[idx], A, idx, n)
        res = so.minimize(logcond, Lk[idx], args=(A, idx, n), jac=True, method="L-BFGS-B", options={"maxiter": 300})
        Lc = np.zeros((n, n))
        Lc[idx] = res.x
        itc = cg(A, Lc, b)
        print(f"{name:10s} n {n:5d}  PCKOPT its {itk[0]:5d} cond {np.exp(f0):.3g}  |  min log cond: {res.nit} its, cond {np.exp(res.fun):.3g}, CG its {itc[0]:5d} (relres {itc[1]:.1e})", flush=True)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
