"""How small a true residual double precision allows for A x = b (b = ones, the benchmark's
right-hand side): a backward-stable solve leaves ||b - A x|| of the order of
eps ||A||_2 ||x||, so the benchmark's rule (||b - A x|| / ||b|| < 1e-6) can sit close to what
any solver attains on an ill-conditioned matrix (issue 12, goal 2, s3rmt3m1).

Prints, per matrix: ||x|| / ||b||, the floor eps ||A||_2 ||x|| / ||b|| (||A||_2 by Lanczos), and
the true relative residual of a sparse direct solve (SuperLU's LU, scipy's spsolve; PETSc's
Cholesky, MUMPS and CHOLMOD: bin/kgnn-solve -f A -ksp_type preonly -pc_type cholesky
[-pc_factor_mat_solver_type mumps|cholmod]). Debian's python3 with numpy and scipy.

    python3 share/python/residual_floor.py A.mtx [B.mtx ...]
"""
import sys

import numpy as np
import scipy.io
import scipy.sparse.linalg as sla


def floor(path):
    A = scipy.io.mmread(path).tocsc()
    b = np.ones(A.shape[0])
    x = sla.spsolve(A, b)
    nb = np.linalg.norm(b)
    normA = sla.eigsh(A, k=1, which="LA", return_eigenvectors=False)[0]
    eps = np.finfo(float).eps
    relres = np.linalg.norm(b - A @ x) / nb
    return np.linalg.norm(x) / nb, eps * normA * np.linalg.norm(x) / nb, relres


def main(paths):
    print("matrix | ||x|| / ||b|| | eps ||A||_2 ||x|| / ||b|| | true relres of spsolve (SuperLU)")
    for p in paths:
        r, f, res = floor(p)
        print(f"{p} | {r:.3e} | {f:.2e} | {res:.2e}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
