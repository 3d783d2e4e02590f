#!/bin/sh
# PCGNN with the shipped share/models/default.h5, its own factor (kgnn-bench --gnn: -pc_gnn_fallback
# none, the setup check on), -pc_gnn_scale max against jacobi, on the 18 SuiteSparse test matrices
# of share/results/paper/cg_iterations.md and on every diagonal matrix of the benchmark. From the
# repository root after make build; about 2 minutes.
set -e
M=../shared/matrices/suitesparse/MANIFEST.tsv
O=share/results/scale
TEST=bcsstk01,bcsstk22,bcsstk06,Trefethen_500,bcsstk34,nos7,bcsstk27,plbuckle,msc01440,bcsstm12,mhd4800b,s3rmt3m1,bcsstk17,shallow_water1,bcsstm22,bcsstm06,bcsstm25,bcsstm39
DIAG=$(awk -F'\t' '$15 ~ /^diagonal\// {print $1}' $M | paste -sd, -)
for sc in max jacobi; do
  bin/kgnn-bench --matrices $M --out $O/test_$sc.csv --gnn share/models/default.h5 --only $TEST -gnn_pc_gnn_scale $sc
  bin/kgnn-bench --matrices $M --out $O/diagonal_$sc.csv --gnn share/models/default.h5 --only $DIAG -gnn_pc_gnn_scale $sc
done
python3 $O/summarize.py $O/test_max.csv $O/test_jacobi.csv $O/diagonal_max.csv $O/diagonal_jacobi.csv > $O/summary.md
cat $O/summary.md
