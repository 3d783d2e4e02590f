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
        rows.append(dict(set=m[1], model=m[2], depth=int(m[3]), variant=m[4], hist=hist, done=done, path=log[:-4]))
    return rows


def table(out, rows):
    lines = ["| dataset | node model | depth | variant | epochs | final test cosine | best test cosine | status |", "|---|---|---|---|---|---|---|---|"]
    csvl = ["dataset,node_model,depth,variant,epochs,final_test_cosine,best_test_cosine,done"]
    for r in sorted(rows, key=lambda r: (r["set"], MODELS.index(r["model"]), r["variant"], r["depth"])):
        h = r["hist"]
        fin, best = h[-1][3], max(x[3] for x in h)
        lines.append(f"| {r['set']} | {r['model']} | {r['depth']} | {r['variant']} | {len(h)} | {fin:.4f} | {best:.4f} | {'done' if r['done'] else 'partial'} |")
        csvl.append(f"{r['set']},{r['model']},{r['depth']},{r['variant']},{len(h)},{fin:.6f},{best:.6f},{int(r['done'])}")
    write_atomic(os.path.join(out, "paper.md"), "\n".join(lines) + "\n")
    write_atomic(os.path.join(out, "paper.csv"), "\n".join(csvl) + "\n")


VARIANTS = {"plain": "plain", "vn": "virtual node", "pos": "positional"}


def summary(rows):
    """per dataset: node model x variant rows, depth columns, final test cosine (epochs run);
    finished cells only (paper.md lists the partial ones too)"""
    rows = [r for r in rows if r["done"]]
    text = []
    for s in sorted({r["set"] for r in rows}, key=lambda s: (s != "synthetic", s)):
        depths = sorted({r["depth"] for r in rows if r["set"] == s})
        text += [f"**{s}**: final test cosine similarity (epochs run)", ""]
        text += ["| node model | variant | " + " | ".join(f"depth {d}" for d in depths) + " |", "|---|---|" + "---|" * len(depths)]
        for model in MODELS:
            for variant in VARIANTS:
                cells = {r["depth"]: r for r in rows if r["set"] == s and r["model"] == model and r["variant"] == variant}
                if not cells:
                    continue
                val = [f"{cells[d]['hist'][-1][3]:.4f} ({len(cells[d]['hist'])})" if d in cells else "-" for d in depths]
                text.append(f"| {model} | {VARIANTS[variant]} | " + " | ".join(val) + " |")
        text.append("")
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
