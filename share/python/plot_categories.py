#!/usr/bin/python3
"""Bar chart of the Figure 2 categories from a kgnn-bench CSV: plot_categories.py results.csv out.png"""
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


def main(csv_path, png_path):
    with open(csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    counts = [sum(r["category"] == key for r in rows) for key, _ in CATEGORIES]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    bars = ax.bar(range(len(CATEGORIES)), counts, color=["#2a9d8f", "#e76f51", "#264653", "#f4a261", "#8d99ae", "#6c757d"])
    ax.bar_label(bars)
    ax.set_xticks(range(len(CATEGORIES)), [label for _, label in CATEGORIES], rotation=20, ha="right")
    ax.set_ylabel("matrices")
    ax.set_title(f"K-optimal vs IC(0), CG rtol 1e-8, {len(rows)} SuiteSparse SPD matrices")
    fig.tight_layout()
    save_atomic(fig, png_path)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
