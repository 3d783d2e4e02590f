"""Would a robust IC(0) be a better breakdown start than the damped IC(0) of share/models/damped.h5?
Ajiz and Jennings' IC(0) (1984) never breaks down on an SPD matrix: every fill entry w that IC(0)
drops at (i, j) is compensated on the diagonal (|w| added to the pivots of i and j), so that
L L^T = A + E with E positive semidefinite. Here on the Jacobi-scaled matrix D^-1/2 A D^-1/2 (the
scaling PCGNN's networks see), for every SuiteSparse matrix of up to 16000 rows where IC(0)
breaks down in share/results/kgnn-bench.csv; CG (scipy, rtol 1e-8, b = ones, at most 10000
iterations) on the scaled system, beside the counts of kgnn-bench.csv's PCGNN column (the default
cascade, which runs damped.h5 on these matrices) and PCKOPT. Debian's python3 (numpy, scipy);
about 2 minutes.

    /usr/bin/python3 share/python/robust_ic0_study.py
"""
import csv
import os
import statistics

import numpy as np
import scipy.io
import scipy.sparse as sp
import scipy.sparse.linalg as sla

SS = "../shared/matrices/suitesparse"


def ic0_ajiz_jennings(A):
    """left-looking IC(0) on tril(A)'s pattern with Ajiz-Jennings diagonal compensation"""
    n = A.shape[0]
    T = sp.tril(A, format="csc")
    T.sort_indices()
    ip, ix, av = T.indptr, T.indices, T.data
    R = sp.tril(A, -1, format="csr")
    R.sort_indices()
    Lv = np.zeros_like(av)
    w, extra, inpat = np.zeros(n), np.zeros(n), np.zeros(n, bool)
    for j in range(n):
        s, e = ip[j], ip[j + 1]
        rows = ix[s:e]
        w[rows] = av[s:e]
        touched = [rows]
        for k in R.indices[R.indptr[j]:R.indptr[j + 1]]:  # l_jk != 0, k < j
            rk, lk = ix[ip[k]:ip[k + 1]], Lv[ip[k]:ip[k + 1]]
            m = rk >= j
            w[rk[m]] -= lk[m][0] * lk[m]  # rk[m][0] == j: the pattern is symmetric
            touched.append(rk[m])
        allr = np.unique(np.concatenate(touched))
        inpat[rows] = True
        drop = allr[~inpat[allr]]
        inpat[rows] = False
        dv = np.abs(w[drop])
        d = w[j] + extra[j] + dv.sum()
        extra[drop] += dv
        dj = np.sqrt(d)  # d > 0: L L^T = A + E, E >= 0
        Lv[s], Lv[s + 1:e] = dj, w[rows[1:]] / dj
        w[allr] = 0
    return sp.csc_matrix((Lv, ix, ip), shape=A.shape)


def cg_iterations(A, L):
    opts = dict(permc_spec="NATURAL", diag_pivot_thresh=0, options=dict(SymmetricMode=True))
    lo, up = sla.splu(L.tocsc(), **opts), sla.splu(L.T.tocsc(), **opts)
    M = sla.LinearOperator(A.shape, matvec=lambda r: up.solve(lo.solve(r)))
    its = [0]
    x, info = sla.cg(A, np.ones(A.shape[0]), tol=1e-8, atol=0, maxiter=10000, M=M, callback=lambda x: its.__setitem__(0, its[0] + 1))
    return its[0] if info == 0 else None


def main():
    files = {r["name"]: os.path.join(SS, r["file"]) for r in csv.DictReader(open(os.path.join(SS, "MANIFEST.tsv")), delimiter="\t")}
    bench = [r for r in csv.DictReader(open("share/results/kgnn-bench.csv")) if r["ic0_reason"] == "DIVERGED_INDEFINITE_PC" and int(r["n"]) <= 16000]
    print("| matrix | n | Ajiz-Jennings IC(0) | PCGNN (damped.h5) | PCKOPT |")
    print("|---|---|---|---|---|")
    res = []
    for r in bench:
        A = scipy.io.mmread(files[r["name"]]).tocsr()
        d = sp.diags(1 / np.sqrt(A.diagonal()))
        As = (d @ A @ d).tocsr()
        aj = cg_iterations(As, ic0_ajiz_jennings(As))
        g = int(r["gnn_iterations"]) if r["gnn_converged"] == "1" else None
        k = int(r["kopt_iterations"]) if r["kopt_converged"] == "1" else None
        res.append((aj, g, k))
        f = lambda v: "fail" if v is None else str(v)
        print(f"| {r['name']} | {r['n']} | {f(aj)} | {f(g)} | {f(k)} |", flush=True)
    both = [(a, g) for a, g, k in res if a and g]
    ak = [(a, k) for a, g, k in res if a and k]
    print(f"\n{len(res)} matrices: converged Ajiz-Jennings {sum(a is not None for a, g, k in res)}, PCGNN (damped.h5) {sum(g is not None for a, g, k in res)}, PCKOPT {sum(k is not None for a, g, k in res)}; "
          f"where both converge ({len(both)}) Ajiz-Jennings / PCGNN median {statistics.median(a / g for a, g in both):.2f}, fewer on {sum(a < g for a, g in both)}; "
          f"Ajiz-Jennings / PCKOPT median {statistics.median(a / k for a, k in ak):.2f} over {len(ak)}")


if __name__ == "__main__":
    main()
