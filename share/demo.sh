#!/bin/sh
# make demo: a real SPD matrix (share/matrices/nos3.mtx.gz, HB/nos3 from the SuiteSparse collection)
# solved with CG + PETSc's ICC(0) and with CG + KOPT, b = ones, rtol 1e-8 on the
# unpreconditioned residual; iteration counts and times side by side.
cd "$(dirname "$0")/.." || exit 2
M=share/matrices/nos3.mtx.gz
echo "kgnn demo: SuiteSparse $(zcat $M | sed -n "s/^% *name: *//p" | head -n 1) ($M), CG, b = ones, rtol 1e-8, unpreconditioned residual"
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
printf '%-28s %10s %-16s %14s %10s %10s\n' preconditioner iterations reason "true relres" "setup s" "solve s"
for pc in "ICC(0), no shift|-pc_type icc -pc_factor_shift_type none" "KOPT (K-optimal)|-pc_type kopt"; do
  name=${pc%%|*}
  out=$(bin/kgnn-solve -f $M ${pc#*|}) || { echo "kgnn-solve failed: $out"; exit 1; }
  printf '%-28s %10s %-16s %14s %10s %10s\n' "$name" "$(echo "$out" | field iterations)" "$(echo "$out" | field reason)" \
    "$(echo "$out" | field true_relres)" "$(echo "$out" | field setup)" "$(echo "$out" | field solve)"
done
