"""make paper's report from the trained cells (share/paper.sh): the final test cosine similarity
per run (Markdown and CSV), cosine similarity against epoch in the layout of the paper's Figures
3-7 (one panel per node model, a line per depth; Appendices A and B as their own figures), and
for the SuiteSparse test matrices the CG iterations with PCGNN (the best SuiteSparse cell) against
IC(0) and PCKOPT. With --readme FILE, the summary tables and the CG table also replace the
regions between <!-- paper:NAME --> and <!-- /paper:NAME --> in FILE (make paper: README.md).
Debian's python3 with numpy, h5py and matplotlib.

    python3 share/python/paper_report.py [--readme README.md] OUT SET...
"""
import csv
import glob
import os
import re
import subprocess
import sys

import h5py

from kgnn_plot import plt, save_atomic

MODELS = ["MLPNodeModel", "MessagePassingMLP", "GATv2", "GEN", "GraphTransformer", "GlobalGraphTransformer"]
SS = "../shared/matrices/suitesparse"


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def cells(out):
    rows = []
    for log in sorted(glob.glob(os.path.join(out, "cells", "*.h5.csv"))):
        m = re.match(r"(.+)-(\w+)-d(\d+)-(\w+)\.h5\.csv$", os.path.basename(log))
        if not m:
            continue
        with open(log) as f:
            hist = [[float(x) for x in r] for r in list(csv.reader(f))[1:]]
        if not hist:
            continue
        done = os.path.exists(log[:-4] + ".done")
        rows.append(dict(set=m[1], model=m[2], depth=int(m[3]), variant=m[4], hist=hist, done=done, path=log[:-4], q=quality(log[:-4])))
    return rows


def median(v):
    v = sorted(x for x in v if x == x)
    if not v:
        return float("nan")
    k = len(v) // 2
    return v[k] if len(v) % 2 else 0.5 * (v[k - 1] + v[k])


def quality(path):
    """the cell judged as a preconditioner on the test split (paper.sh: kgnn-train -evaluate):
    samples, PCGNN converged, target converged, median iterations of PCGNN where it converged,
    median iterations of the target, median K(L^T A^-1 L) ratio, median cond(L^-1 A L^-T)"""
    f = path + ".quality.csv"
    if not os.path.exists(f):
        return None
    with open(f) as fh:
        r = list(csv.DictReader(fh))
    num = lambda x: float(x) if x not in ("nan", "inf", "-nan") else (float("inf") if x == "inf" else float("nan"))
    conv = [x for x in r if x["gnn_converged"] == "1"]
    return dict(samples=len(r), conv=len(conv), tconv=sum(x["target_converged"] == "1" for x in r),
                its=median([float(x["gnn_iterations"]) for x in conv]), tits=median([float(x["target_iterations"]) for x in r if x["target_converged"] == "1"]),
                kratio=median([num(x["k_ratio"]) for x in r]), cond=median([num(x["gnn_cond"]) for x in r]))


def qcells(q):
    """the table cells of a quality record: iterations (converged of samples), K ratio, cond"""
    if not q:
        return ["-", "-", "-"]
    its = f"{q['its']:.0f} ({q['conv']}/{q['samples']})" if q["conv"] else f"fail (0/{q['samples']})"
    return [its, f"{q['kratio']:.3g}", f"{q['cond']:.3g}"]


def table(out, rows):
    lines = ["| dataset | node model | depth | variant | epochs | final test cosine | best test cosine | median CG iterations (converged) | median K ratio | median cond | status |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    csvl = ["dataset,node_model,depth,variant,epochs,final_test_cosine,best_test_cosine,done,test_samples,gnn_converged,target_converged,median_gnn_iterations,median_target_iterations,median_k_ratio,median_cond"]
    for r in sorted(rows, key=lambda r: (r["set"], MODELS.index(r["model"]), r["variant"], r["depth"])):
        h = r["hist"]
        fin, best = h[-1][3], max(x[3] for x in h)
        q = r["q"]
        lines.append(f"| {r['set']} | {r['model']} | {r['depth']} | {r['variant']} | {len(h)} | {fin:.4f} | {best:.4f} | " + " | ".join(qcells(q)) + f" | {'done' if r['done'] else 'partial'} |")
        qv = ",".join(str(q[k]) for k in ("samples", "conv", "tconv", "its", "tits", "kratio", "cond")) if q else ",,,,,,"
        csvl.append(f"{r['set']},{r['model']},{r['depth']},{r['variant']},{len(h)},{fin:.6f},{best:.6f},{int(r['done'])},{qv}")
    write_atomic(os.path.join(out, "paper.md"), "\n".join(lines) + "\n")
    write_atomic(os.path.join(out, "paper.csv"), "\n".join(csvl) + "\n")


VARIANTS = {"plain": "plain", "vn": "virtual node", "pos": "positional"}


def grid(rows, depths, fmt):
    """a node model x variant by depth table of the given cells; fmt(cell) is a table cell's text"""
    text = ["| node model | variant | " + " | ".join(f"depth {d}" for d in depths) + " |", "|---|---|" + "---|" * len(depths)]
    for model in MODELS:
        for variant in VARIANTS:
            cells = {r["depth"]: r for r in rows if r["model"] == model and r["variant"] == variant}
            if cells:
                text.append(f"| {model} | {VARIANTS[variant]} | " + " | ".join(fmt(cells[d]) if d in cells else "-" for d in depths) + " |")
    return text + [""]


def summary(rows):
    """per dataset: node model x variant rows, depth columns, final test cosine (epochs run);
    finished cells only (paper.md lists the partial ones too)"""
    rows = [r for r in rows if r["done"]]
    text = []
    for s in sorted({r["set"] for r in rows}, key=lambda s: (s != "synthetic", s)):
        mine = [r for r in rows if r["set"] == s]
        depths = sorted({r["depth"] for r in mine})
        text += [f"**{s}**: final test cosine similarity (epochs run)", ""]
        text += grid(mine, depths, lambda r: f"{r['hist'][-1][3]:.4f} ({len(r['hist'])})")
        # the cells ran for 50 to 300 epochs (early stopping, and runs stopped at 50 or 100 before
        # the grid was resumed to the paper's 300), so compare them also at the fewest epochs any
        # finished cell of the set ran: the best test cosine within the first E epochs
        E = min(len(r["hist"]) for r in mine)
        if any(len(r["hist"]) > E for r in mine):
            text += [f"**{s}** at equal epochs: the best test cosine similarity within the first {E} epochs (the fewest any finished cell ran; "
                     "the table above favours the cells that ran longer)", ""]
            text += grid(mine, depths, lambda r: f"{max(x[3] for x in r['hist'][:E]):.4f}")
        judged = [r for r in mine if r["q"]]
        if not judged:
            continue
        q0 = judged[0]["q"]
        text += [f"**{s}**, the same cells as preconditioners: median CG iterations where PCGNN converged (converged / test samples), "
                 f"median cond(L^-1 A L^-T); the target factor needs {q0['tits']:.0f} (median) and converges on {q0['tconv']} of {q0['samples']} "
                 "(`make paper`: `kgnn-train -evaluate`, CG rtol 1e-8, unpreconditioned norm, PCGNN without fallback or check)", ""]
        text += grid(judged, depths, lambda r: f"{qcells(r['q'])[0]}, cond {r['q']['cond']:.3g}")
    return "\n".join(text)


def readme(path, regions):
    """replace <!-- paper:NAME --> ... <!-- /paper:NAME --> in path by regions[NAME]"""
    with open(path) as f:
        text = f.read()
    for name, body in regions.items():
        pat = re.compile(r"(<!-- paper:%s -->\n).*?(<!-- /paper:%s -->)" % (name, name), re.S)
        if not pat.search(text):
            raise SystemExit(f"paper_report: {path} has no region <!-- paper:{name} -->")
        text = pat.sub(lambda m: m[1] + body.rstrip("\n") + "\n" + m[2], text)
    write_atomic(path, text)


def figures(out, rows, sets):
    for s in sets:
        for variant in ("plain", "vn", "pos"):
            sel = [r for r in rows if r["set"] == s and r["variant"] == variant and r["done"]]
            if not sel:
                continue
            fig, axes = plt.subplots(2, 3, figsize=(12, 6.5), sharey=True)
            for ax, model in zip(axes.flat, MODELS):
                for r in sorted((r for r in sel if r["model"] == model), key=lambda r: r["depth"]):
                    ax.plot([x[0] for x in r["hist"]], [x[3] for x in r["hist"]], label=f"depth {r['depth']}")
                ax.set_title(model, fontsize=10)
                ax.set_xlabel("epoch")
                ax.grid(alpha=0.3)
                if ax.lines:
                    ax.legend(fontsize=8)
                else:
                    ax.text(0.5, 0.5, "not run", ha="center", va="center", transform=ax.transAxes, color="gray")
            axes[0, 0].set_ylabel("test cosine similarity")
            axes[1, 0].set_ylabel("test cosine similarity")
            name = {"plain": "", "vn": " with a virtual node (Appendix A)", "pos": " with the positional feature (Appendix B)"}[variant]
            fig.suptitle(f"{s}: test cosine similarity against epoch{name}")
            fig.tight_layout()
            save_atomic(fig, os.path.join(out, f"{s}_{variant}.png"))
            plt.close(fig)


def iterations(out, rows):
    """CG (rtol 1e-8, unpreconditioned residual: kgnn-solve's defaults) on the SuiteSparse test
    matrices with IC(0) (the paper's, no shift), PETSc's default ICC(0) (shifted when a pivot is
    not positive), PCKOPT and PCGNN with the SuiteSparse cell of the best test cosine (its weight
    file holds the weights of that epoch), its own factor: the setup check is off, so that the
    table judges the network and not PCGNN's fallback"""
    sel = [r for r in rows if r["set"] == "suitesparse"]
    if not sel or not os.path.exists("data/suitesparse.h5"):
        return None
    best = max(sel, key=lambda r: max(x[3] for x in r["hist"]))
    files = {}
    with open(os.path.join(SS, "MANIFEST.tsv")) as f:
        for r in csv.DictReader(f, delimiter="\t"):
            files[r["name"]] = os.path.join(SS, r["file"])
    with h5py.File("data/suitesparse.h5", "r") as f:
        names = [f["samples"][k].attrs["name"] for k in sorted(f["samples"])]
        split = [f["samples"][k].attrs["split"] for k in sorted(f["samples"])]
    test = [n.decode() if isinstance(n, bytes) else n for n, s in zip(names, split) if (s.decode() if isinstance(s, bytes) else s) == "test"]
    bc = max(x[3] for x in best["hist"])
    lines = [f"CG iterations on the {len(test)} SuiteSparse test matrices (rtol 1e-8, unpreconditioned residual, at most 10000), PCGNN = {os.path.basename(best['path'])} (best test cosine {bc:.4f}), its own factor (-pc_gnn_check false)", ""]
    lines += ["| matrix | IC(0), no shift | ICC(0), PETSc's shift | PCKOPT | PCGNN |", "|---|---|---|---|---|"]
    for name in test:
        its = []
        for pc in (["-pc_type", "icc", "-pc_factor_shift_type", "none"], ["-pc_type", "icc"], ["-pc_type", "kopt"], ["-pc_type", "gnn", "-pc_gnn_model", best["path"], "-pc_gnn_check", "false"]):
            p = subprocess.run(["bin/kgnn-solve", "-f", files[name]] + pc, capture_output=True, text=True)
            m = re.search(r"iterations=(\d+) reason=(\w+)", p.stdout)
            its.append((m[1] if m[2].startswith("CONVERGED") else f"fail ({m[2]})") if m else "error")
        lines.append(f"| {name} | " + " | ".join(its) + " |")
    text = "\n".join(lines) + "\n"
    write_atomic(os.path.join(out, "cg_iterations.md"), text)
    return text


def main(*args):
    args = list(args)
    readme_path = None
    if args[:1] == ["--readme"]:
        readme_path, args = args[1], args[2:]
    out, sets = args[0], args[1:]
    rows = cells(out)
    table(out, rows)
    summ = summary(rows)
    write_atomic(os.path.join(out, "summary.md"), summ)
    figures(out, rows, sets)
    cg = iterations(out, rows)
    if readme_path:
        readme(readme_path, dict(table=summ, **({"cg": cg} if cg else {})))
    print(f"paper report: {len(rows)} cells in {out}/paper.md, paper.csv, summary.md and the figures")


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main(*sys.argv[1:])
