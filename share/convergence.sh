#!/bin/sh
# make convergence: does CG claim convergence with a useless answer? PETSc's own ex10, compiled
# unmodified (build/petsc-ex10), with -rhs one, -ksp_type cg and PETSc's default tolerances
# (rtol 1e-5, at most 10000 iterations), on every matrix of the SuiteSparse set, with the default
# (preconditioned) residual norm and with the unpreconditioned one, for PCGNN (the shipped model;
# its default fallback, -pc_gnn_fallback none, and the network's factor unchecked, as PCGNN was
# before its setup check), PCKOPT, PETSc's ICC(0) without a shift, and Jacobi.
# PCS="name|options" (one a line) runs a selection; APPEND=1 adds to an existing CSV.
# A run "claims a false convergence" when KSP reports convergence while the true relative
# residual ||b - A x|| / ||b|| (the last ||r(i)||/||b|| of -ksp_monitor_true_residual) is above
# 100 x rtol. Writes share/results/convergence.csv and .md and the README's summary table; one
# BLAS thread and (where the CPU runs it) OpenBLAS's Haswell kernel, so that the counts do not
# move with the machine.
cd "$(dirname "$0")/.." || exit 2
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
# the kernel as make paper and make results pin it: Haswell where the CPU has AVX2, else
# KGNN_CORETYPE (empty: OpenBLAS chooses)
if [ -z "${KGNN_CORETYPE+set}" ]; then grep -qw avx2 /proc/cpuinfo 2> /dev/null && KGNN_CORETYPE=Haswell; fi
if [ -n "$KGNN_CORETYPE" ]; then export OPENBLAS_CORETYPE=$KGNN_CORETYPE; else unset OPENBLAS_CORETYPE; fi
SS=${SS:-../shared/matrices/suitesparse}
OUT=${OUT:-share/results/convergence}
C=build/conv
mkdir -p $C share/results
EX10="build/petsc-ex10 -dll_append lib/libkgnn.so -rhs one -ksp_type cg -ksp_converged_reason -ksp_monitor_true_residual"
PCS=${PCS:-"gnn|-pc_type gnn
gnn_none|-pc_type gnn -pc_gnn_fallback none
gnn_nocheck|-pc_type gnn -pc_gnn_check false -pc_gnn_fallback none
kopt|-pc_type kopt
icc0|-pc_type icc -pc_factor_shift_type none
jacobi|-pc_type jacobi"}

if [ -n "${APPEND:-}" ] && [ -s $OUT.csv ]; then cp $OUT.csv $OUT.csv.tmp
else echo "matrix,n,pc,norm,iterations,reason,true_relres,false_convergence" > $OUT.csv.tmp; fi
tail -n +2 $SS/MANIFEST.tsv | cut -f1,5,15 | while IFS='	' read -r name n file; do
  [ -n "${ONLY:-}" ] && ! echo ",$ONLY," | grep -q ",$name," && continue
  bin=$C/$name.bin
  [ -s $bin ] || bin/kgnn-solve -f $SS/$file -pc_type jacobi -ksp_max_it 1 -mat_view binary:$bin > /dev/null 2>&1
  echo "$PCS" | while IFS='|' read -r pc opts; do
    for norm in preconditioned unpreconditioned; do
      log=$($EX10 -f $bin $opts -ksp_norm_type $norm 2>&1)
      its=$(echo "$log" | grep -o 'due to [A-Z_]* iterations [0-9]*' | tail -n 1 | awk '{print $5}')
      reason=$(echo "$log" | grep -o 'solve.* due to [A-Z_]*' | tail -n 1 | awk '{print $NF}')
      rel=$(echo "$log" | grep '||r(i)||/||b||' | tail -n 1 | awk '{print $NF}')
      [ -n "$reason" ] || reason=ERROR
      false=$(awk -v r="${rel:-nan}" -v c="$reason" 'BEGIN { print (c ~ /^CONVERGED/ && (r + 0 > 1e-3 || r == "nan")) ? 1 : 0 }')
      echo "$name,$n,$pc,$norm,${its:-0},$reason,${rel:-nan},$false"
    done
  done
  echo "$name done" >&2
done >> $OUT.csv.tmp
mv $OUT.csv.tmp $OUT.csv
/usr/bin/python3 share/python/convergence_report.py $OUT.csv ${README:-README.md} > $OUT.md.tmp && mv $OUT.md.tmp $OUT.md
cat $OUT.md | head -n 30
