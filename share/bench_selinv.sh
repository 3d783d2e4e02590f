#!/bin/sh
# PCKOPT on the selected-inversion path (-pc_kopt_inverse selinv), the part of `make bench` that
# share/bench.sh runs first; writes Markdown on stdout. One BLAS thread (set by bench.sh).
#  - kgnn-perf -selinv: KOPT's setup against CHOLMOD's analysis + factorization of the same
#    matrix in the same process (best of 3 of each), one process per matrix for its peak memory
#  - kgnn-perf -patterns: CG iterations against nnz(L), KOPT on tril, level:k and power:k
#    against ICC(k)
#  - kgnn-bench on the SuiteSparse matrices over 30000 rows (large/)
cd "$(dirname "$0")/.." || exit 2
SS=../shared/matrices/suitesparse
echo
echo "PCKOPT setup on the selected-inversion path against CHOLMOD's analysis + factorization (its default ordering) of the same matrix, same process, one BLAS thread, best of 3 each; ratio = KOPT setup / (CHOLMOD analysis + factorization); KOPT's phases: symbolic (pattern, CHOLMOD's analysis of A + the pairs read), Cholesky, selected inversion, columns (Algorithm 1, lines 2-7); peak RSS of the process after KOPT's first setup (KOPT runs first), CHOLMOD's own peak from its memory count"
first=1
for m in 2d:100 2d:200 2d:400 2d:1000 3d:20 3d:40 3d:64 $SS/large/cvxbqp1.mtx $SS/large/shallow_water1.mtx.gz; do
  if [ $first = 1 ]; then bin/kgnn-perf -selinv $m -reps 3; first=0; else bin/kgnn-perf -selinv $m -reps 3 | tail -n 1; fi
done
echo
echo "CG iterations (kgnn-bench's run: b = ones, rtol 1e-8, true residual below 1e-6; fail otherwise) against the entries of L: PCKOPT on tril(A), the level-k fill of ICC(k) and tril of the pattern of A^k, beside PETSc's ICC(k) (-pc_factor_levels k, its default shift) on the same level-k pattern"
bin/kgnn-perf -patterns 2d:300,3d:30,$SS/gr_30_30.mtx,$SS/nos3.mtx,$SS/1138_bus.mtx,$SS/bcsstk27.mtx,$SS/bcsstk21.mtx,$SS/bcsstk15.mtx,$SS/bcsstk16.mtx,$SS/s1rmq4m1.mtx.gz,$SS/s2rmt3m1.mtx,$SS/bcsstk17.mtx.gz,$SS/large/shallow_water1.mtx.gz -levels 2
echo
echo "kgnn-bench on the SuiteSparse matrices over 30000 rows (PCKOPT's default inverse there: the selected inversion)"
mkdir -p build
bin/kgnn-bench --matrices $SS/MANIFEST.tsv --only cvxbqp1,shallow_water1 --out build/bench_large.csv > build/bench_large.log
sed -n '/^| matrix/,$p' build/bench_large.md
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; print "\n| matrix | IC(0) setup s | KOPT setup s |\n|---|---|---|"; next } { printf "| %s | %.4f | %.3f |\n", $1, $h["ic0_setup_s"], $h["kopt_setup_s"] }' build/bench_large.csv
