#!/usr/bin/python3
"""kgnn from Python: PCKOPT and PCGNN through petsc4py (Debian's python3-petsc4py), with no
Python binding of kgnn's own; PETSc loads libkgnn as it loads any plugin, through -dll_append.

    /usr/bin/python3 solve_petsc4py.py [LIBKGNN] [PETSc options]

LIBKGNN is the path of libkgnn.so: this argument, else $KGNN_LIB, else the build tree's
lib/libkgnn.so (this file's ../lib). After `make install PREFIX=<prefix>` it is
<prefix>/lib/libkgnn.so, which `pkg-config --variable=dll kgnn` prints. PCGNN's default model is
found beside the library (<prefix>/share/kgnn/models/default.h5, or share/models/ in the build
tree), or given with -pc_gnn_model FILE or $KGNN_MODEL.

Solves a 2D Laplacian with CG and -pc_type kopt, then -pc_type gnn; prints iterations and the true
relative residual ||b - A x|| / ||b||, and exits 1 if a solve did not converge or its true residual
misses the tolerance.
"""
import os
import sys

import petsc4py


def find_libkgnn(argv):
    """(path of libkgnn.so, the remaining arguments)"""
    if len(argv) > 1 and not argv[1].startswith("-"):
        return argv[1], argv[2:]
    if os.environ.get("KGNN_LIB"):
        return os.environ["KGNN_LIB"], argv[1:]
    here = os.path.dirname(os.path.realpath(__file__))
    return os.path.normpath(os.path.join(here, "..", "lib", "libkgnn.so")), argv[1:]


lib, options = find_libkgnn(sys.argv)
if not os.path.isfile(lib):
    sys.exit(f"{sys.argv[0]}: no libkgnn at {lib}: give its path as the first argument or in KGNN_LIB "
             "(after make install: $(pkg-config --variable=dll kgnn))")

# -dll_append has to be among the arguments of petsc4py.init(): PetscInitialize() loads the
# libraries it names, and libkgnn registers "kopt" and "gnn" as it is loaded. Set afterwards,
#     PETSc.Options().setValue("dll_append", lib)
#     pc.setType("kopt")
# is too late: PETSc has read the option already and answers "Unable to find requested PC type
# kopt" (petsc4py.PETSc.Error: error code 86).
petsc4py.init([sys.argv[0], "-dll_append", lib] + options)
from petsc4py import PETSc  # noqa: E402  (only after petsc4py.init)

RTOL = 1e-8


def laplacian(m):
    """the 5-point Laplacian on an m x m grid: SPD, condition number ~ 0.4 m^2"""
    n = m * m
    A = PETSc.Mat().createAIJ([n, n], nnz=5, comm=PETSc.COMM_SELF)
    for k in range(n):
        i, j = divmod(k, m)
        A.setValue(k, k, 4.0)
        for kk, inside in ((k - m, i > 0), (k + m, i < m - 1), (k - 1, j > 0), (k + 1, j < m - 1)):
            if inside:
                A.setValue(k, kk, -1.0)
    A.assemble()
    return A


def solve(A, b, pc_type):
    """CG stopping on the unpreconditioned residual, so that both PCs meet the same test"""
    x = b.duplicate()
    ksp = PETSc.KSP().create(comm=PETSc.COMM_SELF)
    ksp.setOperators(A)
    ksp.setType("cg")
    ksp.setNormType(PETSc.KSP.NormType.UNPRECONDITIONED)
    ksp.setTolerances(rtol=RTOL, atol=0.0, max_it=1000)
    ksp.getPC().setType(pc_type)
    ksp.setFromOptions()  # -pc_gnn_model, -ksp_view, ... from the command line still apply
    ksp.solve(b, x)
    r = b.duplicate()
    A.mult(x, r)
    r.aypx(-1.0, b)  # r = b - A x
    relres = r.norm() / b.norm()
    its, reason = ksp.getIterationNumber(), ksp.getConvergedReason()
    ksp.destroy()
    return its, reason, relres


def reason_name(reason):
    names = {v: k for k, v in vars(PETSc.KSP.ConvergedReason).items() if k.isupper() and not k.startswith("CONVERGED_ITERATING")}
    return names.get(reason, str(reason))


def main():
    A = laplacian(24)
    b = A.createVecLeft()
    b.set(1.0)
    print(f"libkgnn {lib}")
    failed = 0
    for pc_type in ("kopt", "gnn"):
        its, reason, relres = solve(A, b, pc_type)
        # CG's updated residual, the one KSP tested against RTOL, drifts from b - A x by round-off
        # of order eps * cond(A) * its (about 1e-16 * 250 * 100 here), far below RTOL: a true
        # residual above twice RTOL means a wrong answer, not rounding
        ok = reason > 0 and relres <= 2 * RTOL
        failed += not ok
        print(f"pc={pc_type} iterations={its} reason={reason_name(reason)} true_relres={relres:.3e} {'ok' if ok else 'FAILED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
