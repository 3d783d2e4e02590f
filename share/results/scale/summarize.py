#!/usr/bin/env python3
"""PCGNN -pc_gnn_scale max against jacobi, from kgnn-bench CSVs (share/results/scale/run.sh).
Converged: kgnn-bench's rule (CG converged and the true relative residual <= 1e-8 x a margin).
Medians over all matrices of the file, a failure counted as +inf (it ranks above every converged
run); the PCGNN / PCKOPT ratio over the matrices where PCKOPT converges."""
import csv, math, statistics, sys


def summary(path):
    rows = list(csv.DictReader(open(path)))
    its, ratio, conv = [], [], 0
    for r in rows:
        g = int(r["gnn_converged"])
        gi = float(r["gnn_iterations"]) if g else math.inf
        conv += g
        its.append(gi)
        if int(r["kopt_converged"]):
            ratio.append(gi / float(r["kopt_iterations"]))
    diag = [int(r["gnn_iterations"]) if int(r["gnn_converged"]) else None for r in rows if r["nnz"] == r["n"]]
    return len(rows), conv, statistics.median(ratio), len(ratio), statistics.median(its), diag


def fmt(x):
    return "fail" if math.isinf(x) else f"{x:.3g}"


print("| scaling | file | converged | median PCGNN / PCKOPT iterations | median PCGNN iterations | diagonal matrices: PCGNN iterations |")
print("|---|---|---|---|---|---|")
for path in sys.argv[1:]:
    n, conv, rat, nr, med, diag = summary(path)
    sc = "jacobi" if "jacobi" in path else "max"
    d = f"{min(diag)}-{max(diag)} ({len(diag)} matrices)" if diag and None not in diag else str(diag)
    print(f"| {sc} | {path.split('/')[-1]} | {conv} of {n} | {fmt(rat)} | {fmt(med)} | {d} |")
