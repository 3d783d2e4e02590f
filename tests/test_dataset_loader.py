#!/usr/bin/python3
"""The Python loader reads exactly the numbers the C library wrote (build/tests/dataset_a.h5,
dumped with %.17g by test_dataset), and refuses the bad files test_dataset left behind."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "share", "python"))
import kgnn_dataset  # noqa: E402

D = "build/tests/"
failures = 0


def check(cond, msg):
    global failures
    if not cond:
        failures += 1
        print("FAIL", msg)


samples = kgnn_dataset.read(D + "dataset_a.h5")
check(len(samples) == 6, f"{len(samples)} samples, expected 6")
check(len(kgnn_dataset.read(D + "dataset_a.h5", split="test")) == 2, "split filter")
rows = [line.split() for line in open(D + "dataset_a.txt")]
edge = {}
for k, n, i, j, a, y in rows:
    edge.setdefault(int(k), []).append((int(n), int(i), int(j), float(a), float(y)))
for k, s in enumerate(samples):
    ref = edge[k]
    check(len(ref) == s["edge_attr"].shape[0], f"sample {k}: nnz differs")
    for e, (n, i, j, a, y) in enumerate(ref):
        got = (s["n"], int(s["edge_index"][0, e]), int(s["edge_index"][1, e]), float(s["edge_attr"][e]), float(s["y"][e]))
        check(got == (n, i, j, a, y), f"sample {k} edge {e}: {got} != {(n, i, j, a, y)}")
    check(s["method"] == "exact" and s["kopt_iterations"] == 10 + k, f"sample {k}: attributes differ")
    check(s["kopt_eigenvalues"] == (0.5 + k, 2.0 + k) and s["kopt_cond"] == (2.0 + k) / (0.5 + k), f"sample {k}: eigenvalues differ")
for bad in ("missing", "text", "foreign", "newer", "truncated"):
    try:
        kgnn_dataset.read(D + f"dataset_{bad}.h5")
        check(False, f"dataset_{bad}.h5 was read without an error")
    except kgnn_dataset.DatasetError as e:
        print(f"dataset_{bad}.h5: {e}")
print(f"{failures} check(s) failed" if failures else "python loader: all checks passed")
sys.exit(1 if failures else 0)
