#!/usr/bin/python3
"""Bar chart of the Figure 2 categories from a kgnn-bench CSV: plot_categories.py results.csv out.png
With a PCGNN column (kgnn-bench --gnn MODEL) a second panel places the model against the better
of IC(0) and PCKOPT."""
import csv
import sys

from kgnn_plot import plt, save_atomic

CATEGORIES = [
    ("kopt_only", "K-optimal only"),
    ("ic0_only", "IC(0) only"),
    ("kopt_fewer", "K-optimal fewer iterations"),
    ("ic0_fewer", "IC(0) fewer iterations"),
    ("equal", "Equal"),
    ("both_failed", "Both failed"),
]


GNN_CATEGORIES = [
    ("gnn_only", "PCGNN only"),
    ("gnn_fewer", "PCGNN fewer iterations"),
    ("gnn_equal", "Equal"),
    ("gnn_more", "PCGNN more iterations"),
    ("gnn_failed", "PCGNN failed"),
    ("all_failed", "All failed"),
]
COLOURS = ["#2a9d8f", "#e76f51", "#264653", "#f4a261", "#8d99ae", "#6c757d"]


def panel(ax, rows, column, categories, title):
    counts = [sum(r[column] == key for r in rows) for key, _ in categories]
    bars = ax.bar(range(len(categories)), counts, color=COLOURS)
    ax.bar_label(bars)
    ax.set_xticks(range(len(categories)), [label for _, label in categories], rotation=20, ha="right")
    ax.set_ylabel("matrices")
    ax.set_title(title)


def main(csv_path, png_path):
    with open(csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    gnn = rows and "gnn_category" in rows[0]
    fig, axes = plt.subplots(1, 2 if gnn else 1, figsize=(15 if gnn else 8, 4.5), squeeze=False)
    panel(axes[0][0], rows, "category", CATEGORIES, f"K-optimal vs IC(0), CG rtol 1e-8, {len(rows)} SuiteSparse SPD matrices")
    if gnn:
        panel(axes[0][1], rows, "gnn_category", GNN_CATEGORIES, "PCGNN (its own factor) vs the better of IC(0) and K-optimal")
    fig.tight_layout()
    save_atomic(fig, png_path)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
