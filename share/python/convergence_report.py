"""The tables of `make convergence` (share/convergence.sh) from its CSV: per preconditioner and
residual norm, how many runs KSP called converged, how many of those are false (true relative
residual above 100 x rtol = 1e-3) and the worst miss; then every matrix.
convergence_report.py CSV [README.md]: with a README, also its summary table between markers."""
import csv
import os
import sys

RTOL = 1e-5
NAMES = {"gnn": "PCGNN (fallback ic0, the default)", "gnn_none": "PCGNN, -pc_gnn_fallback none",
         "gnn_nocheck": "PCGNN, no check (as before it: -pc_gnn_check false)",
         "kopt": "PCKOPT", "icc0": "PETSc ICC(0), no shift", "jacobi": "PETSc Jacobi"}


def outcome(rows, p, nm):
    """the runs of one preconditioner and norm: all, the converged, the false convergences, the
    converged run with the largest true residual (None if none converged)"""
    sel = [r for r in rows if r["pc"] == p and r["norm"] == nm]
    conv = [r for r in sel if r["reason"].startswith("CONVERGED")]
    false = [r for r in conv if r["false_convergence"] == "1"]
    return sel, conv, false, max(conv, key=lambda r: float(r["true_relres"]), default=None)


def summary(rows, pcs, norms):
    """the README's table: counts and the worst miss, no names"""
    out = ["| preconditioner | norm | KSP converged (of %d) | false convergences | worst true residual / rtol |" % len({r["matrix"] for r in rows}), "|---|---|---|---|---|"]
    for p in pcs:
        for nm in norms:
            _, conv, false, worst = outcome(rows, p, nm)
            w = "%.2g (%s)" % (float(worst["true_relres"]) / RTOL, worst["matrix"]) if worst else "-"
            out.append("| %s | %s | %d | %d | %s |" % (NAMES[p], nm, len(conv), len(false), w))
    # the cases of the report that started this (PETSc's ex10 on them claimed convergence)
    cases = [m for m in ("bcsstk17", "bcsstk14", "s1rmq4m1", "1138_bus") if any(r["matrix"] == m for r in rows)]
    cols = [("gnn_nocheck", "preconditioned", "PCGNN unchecked, prec."), ("gnn", "preconditioned", "PCGNN, prec."), ("gnn", "unpreconditioned", "PCGNN, unprec."),
            ("icc0", "preconditioned", "ICC(0), prec."), ("icc0", "unpreconditioned", "ICC(0), unprec."), ("kopt", "preconditioned", "PCKOPT, prec.")]
    cols = [c for c in cols if c[0] in pcs]
    if cases:
        out += ["", "Iterations, KSP's reason and the true relative residual (a false convergence in bold):", "",
                "| matrix |" + "".join(" %s |" % c[2] for c in cols), "|---|" + "---|" * len(cols)]
        for m in cases:
            cells = []
            for p, nm, _ in cols:
                r = next(r for r in rows if r["matrix"] == m and r["pc"] == p and r["norm"] == nm)
                c = "%s %s %.1e" % (r["iterations"], r["reason"], float(r["true_relres"]))
                cells.append("**%s**" % c if r["false_convergence"] == "1" else c)
            out.append("| %s | %s |" % (m, " | ".join(cells)))
    return "\n".join(out)


def readme(path, text):
    """replace the table between the markers of the README, atomically"""
    begin, end = "<!-- convergence summary: share/results/convergence.md -->", "<!-- end convergence summary -->"
    src = open(path).read()
    i, j = src.index(begin) + len(begin), src.index(end)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(src[:i] + "\n" + text + "\n" + src[j:])
    os.replace(tmp, path)


def main(path, readme_path=None):
    rows = list(csv.DictReader(open(path)))
    pcs = [p for p in NAMES if any(r["pc"] == p for r in rows)]
    norms = ["preconditioned", "unpreconditioned"]
    if readme_path:
        readme(readme_path, summary(rows, pcs, norms))
    print("| preconditioner | norm | runs | KSP converged | false convergences (true residual > 100 rtol) | worst true residual / rtol among converged |")
    print("|---|---|---|---|---|---|")
    for p in pcs:
        for nm in norms:
            sel, conv, false, worst = outcome(rows, p, nm)
            w = "%.3g (%s)" % (float(worst["true_relres"]) / RTOL, worst["matrix"]) if worst else "-"
            fl = "%d: %s" % (len(false), ", ".join(r["matrix"] for r in false)) if false else "0"
            print("| %s | %s | %d | %d | %s | %s |" % (NAMES[p], nm, len(sel), len(conv), fl, w))
    print()
    print("<details><summary>Every matrix: iterations, KSP reason, true relative residual (a false convergence in bold)</summary>\n")
    head = "| matrix | n |" + "".join(" %s %s |" % (p, "prec" if nm == "preconditioned" else "unprec") for p in pcs for nm in norms)
    print(head)
    print("|" + "---|" * (2 + len(pcs) * len(norms)))
    order = {m: k for k, m in enumerate(dict.fromkeys(r["matrix"] for r in rows))}
    rows.sort(key=lambda r: (order[r["matrix"]], pcs.index(r["pc"]), norms.index(r["norm"])))
    mats = []
    for r in rows:
        if r["matrix"] not in [m[0] for m in mats]:
            mats.append((r["matrix"], r["n"]))
    for m, n in mats:
        cells = []
        for p in pcs:
            for nm in norms:
                r = next((r for r in rows if r["matrix"] == m and r["pc"] == p and r["norm"] == nm), None)
                if r is None:
                    cells.append("")
                    continue
                c = "%s %s %.1e" % (r["iterations"], r["reason"].replace("CONVERGED_", "").replace("DIVERGED_", "div ").lower(), float(r["true_relres"]))
                cells.append("**%s**" % c if r["false_convergence"] == "1" else c)
        print("| %s | %s | %s |" % (m, n, " | ".join(cells)))
    print("\n</details>")


if __name__ == "__main__":
    main(*sys.argv[1:3])
