#!/bin/sh
# sh share/results/models/judge.sh MODEL.h5 [NAME]: one model as a preconditioner, the way the
# README's table of candidate models reads it (PCGNN's own factor: no fallback, no setup check;
# CG rtol 1e-8 on the unpreconditioned residual, b = ones):
#   test: the 18 matrices of the SuiteSparse test split (kgnn-train -evaluate on data/suitesparse.h5)
#   all78: the 78 SuiteSparse matrices of the dataset, every one judged (data/ss_alltest.h5: the
#          same samples with -test_percent 100; training matrices included)
#   families: iterations on the goal-3 matrices (data/goals/, written by paper_goals.py), which
#          no model was trained on; ICC(0)'s in the last line
# Run from the repository root after make datasets (and make paper's goals, or paper_goals.py).
set -e
m=$1; n=${2:-$(basename "$1" .h5)}; d=build/judge/$n
[ -s "$m" ] || { echo "judge.sh: no model $m" >&2; exit 1; }
[ -s data/suitesparse.h5 ] || { echo "judge.sh: make datasets first" >&2; exit 1; }
[ -s data/ss_alltest.h5 ] || bin/kgnn-dataset suitesparse -matrices ../shared/matrices/suitesparse/MANIFEST.tsv -out data/ss_alltest.h5 -test_percent 100 -parts data/ss_alltest.parts > /dev/null
mkdir -p $d
cp "$m" $d/test.h5; cp "$m" $d/all.h5 # -evaluate writes MODEL.quality.csv beside its model
t=$(bin/kgnn-train -dataset data/suitesparse.h5 -evaluate $d/test.h5 2>&1 | tail -n 1 | sed 's/.*samples): //; s/; per sample.*//')
a=$(bin/kgnn-train -dataset data/ss_alltest.h5 -evaluate $d/all.h5 2>&1 | tail -n 1 | sed 's/.*samples): //; s/; per sample.*//')
f=""; i=""
for g in poisson2d_100 poisson2d_316 poisson3d_22 poisson3d_46 aniso2d_100 aniso2d_316 jump2d_100 jump2d_316; do
  [ -s data/goals/$g.bin ] || continue
  f="$f $g $(bin/kgnn-solve -f data/goals/$g.bin -pc_type gnn -pc_gnn_model "$m" -pc_gnn_fallback none -pc_gnn_check false 2>&1 | grep -o 'iterations=[0-9]* reason=[A-Z_]*' | sed 's/iterations=//; s/ reason=CONVERGED_[A-Z_]*//')"
  [ -n "${ICC:-}" ] && i="$i $g $(bin/kgnn-solve -f data/goals/$g.bin -pc_type icc 2>&1 | grep -o 'iterations=[0-9]*' | cut -d= -f2)"
done
echo "$n | test split: $t"
echo "$n | all 78: $a"
echo "$n | families:$f"
[ -z "$i" ] || echo "ICC(0) | families:$i"
