#!/bin/sh
# make bench-regression OLD=DIR: this build against another one (DIR, a built checkout of the last
# landed commit) on the same machine, run interleaved (old, new, new, old, ...) so that the noise of
# a shared machine falls on both; the median of ROUNDS (5) of each, one BLAS thread. Prints the
# ratios new / old (above 1: the new build is slower):
#  - PCKOPT setup (MUMPS path and selected inversion) and apply, 2D Poisson KGNN_KOPT_GRIDS (200)
#  - PCGNN: the network's forward pass and PCSetUp, 2D Poisson KGNN_GNN_GRIDS (316, 1000)
#  - kgnn-train: seconds per epoch (mean of epochs 2-3), depth-5 MessagePassingMLP and depth-3 GATv2
#    on 256 synthetic samples
cd "$(dirname "$0")/.." || exit 2
OLD=${1:?usage: share/bench_regression.sh OLD_BUILT_CHECKOUT}
ROUNDS=${ROUNDS:-5}
GRIDS=${KGNN_GNN_GRIDS:-316,1000}
KGRIDS=${KGNN_KOPT_GRIDS:-200}
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
W=build/bench_regression
mkdir -p $W
MODEL=$PWD/share/models/default.h5
[ -f $W/syn.h5 ] || bin/kgnn-dataset synthetic -out $W/syn.h5 -train 256 -test 64 > /dev/null || exit 1
one() { # one DIR TAG: one round of every measurement with the build in DIR, appended to $W/TAG.txt
  d=$1; t=$2
  (cd "$d" && bin/kgnn-perf -grids $KGRIDS -applies 200 -reps 5) | awk -F'|' '$2 + 0 > 0 { n = $2 + 0; printf "kopt_mumps_setup_%d %s\nkopt_selinv_setup_%d %s\nkopt_apply_%d %s\n", n, $5, n, $7, n, $10 }' >> $W/$t.txt
  "$d"/bin/kgnn-perf -gnn $MODEL -grids $GRIDS -reps 2 | awk '$1 == "kgnn" { printf "gnn_forward_%s %s\ngnn_setup_%s %s\n", $3, $5, $3, $6 }' >> $W/$t.txt
  for m in MessagePassingMLP:5 GATv2:3; do
    "$d"/bin/kgnn-train -dataset $W/syn.h5 -out $W/$t.h5 -epochs 3 -patience 0 -quiet -node_model ${m%%:*} -depth ${m##*:} > /dev/null &&
      awk -F, -v m=${m%%:*} 'NR > 2 { s += $6; k++ } END { printf "train_epoch_%s %s\n", m, s / k }' $W/$t.h5.csv >> $W/$t.txt
  done
}
rm -f $W/old.txt $W/new.txt
for r in $(seq 1 $ROUNDS); do
  if [ $((r % 2)) = 1 ]; then one "$OLD" old; one . new; else one . new; one "$OLD" old; fi
  echo "round $r of $ROUNDS done" >&2
done
/usr/bin/python3 - $W/old.txt $W/new.txt <<'PY'
import sys, statistics
def read(f):
    d = {}
    for line in open(f):
        k, v = line.split()
        d.setdefault(k, []).append(float(v))
    return d
old, new = read(sys.argv[1]), read(sys.argv[2])
print("| measurement | old median | new median | new / old | rounds |")
print("|---|---|---|---|---|")
for k in old:
    if k in new:
        o, n = statistics.median(old[k]), statistics.median(new[k])
        print(f"| {k} | {o:.4g} | {n:.4g} | {n / o:.3f} | {len(new[k])} |")
PY
