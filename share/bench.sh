#!/bin/sh
# make bench: performance as ratios against a peer measured in the same run (the machine is
# shared and noisy, so absolute times mean little). Writes share/results/bench.md.
#  1. PCKOPT: setup against MUMPS' Cholesky, apply against PCICC's (kgnn-perf)
#  1b. PCKOPT on the selected-inversion path: setup against CHOLMOD's analysis + factorization of
#     the same matrix (kgnn-perf -selinv; one process per matrix, so that each peak memory is its
#     own), CG iterations against nnz(L) for larger patterns of L and ICC(k) (kgnn-perf
#     -patterns), and kgnn-bench on the SuiteSparse matrices over 30000 rows
#     (KGNN_BENCH_SELINV=0 skips 1b)
#  1c. PCGNN's setup against ICC(0)'s and PCKOPT's on 2D Poisson at n = 1e4, 1e5, 1e6 (issue 12's
#     goal 5: share/python/paper_goals.py --cost)
#  2. PCGNN: the network's forward pass against PyTorch Geometric's CPU forward of the same
#     network (depth-5 MessagePassingMLP, float64, one thread each) on 2D Poisson
#  3. kgnn-train: seconds per epoch against PyG's CPU training (share/python/bench_train.py)
cd "$(dirname "$0")/.." || exit 2
mkdir -p share/results
OUT=share/results/bench.md.tmp
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
# OpenBLAS's Haswell kernel where the CPU has AVX2, as make results and make paper pin it: the CG
# counts on ill-conditioned matrices (the -patterns table) move by an iteration or two with the
# kernel (nos3 37 with Haswell, 36 with SkylakeX). KGNN_CORETYPE chooses another; empty, OpenBLAS
# chooses
if [ -z "${KGNN_CORETYPE+set}" ]; then grep -qw avx2 /proc/cpuinfo 2> /dev/null && KGNN_CORETYPE=Haswell; fi
if [ -n "$KGNN_CORETYPE" ]; then export OPENBLAS_CORETYPE=$KGNN_CORETYPE; else unset OPENBLAS_CORETYPE; fi
bin/kgnn-perf -grids 100,200,400 -applies 200 -reps 7 | tee $OUT
if [ "${KGNN_BENCH_SELINV:-1}" != 0 ]; then
  sh share/bench_selinv.sh | tee -a $OUT
fi
# PCGNN's setup (the shipped default model) against ICC(0)'s and PCKOPT's on 2D Poisson, n = 1e4,
# 1e5, 1e6 (issue 12's goal 5; the same table as make paper's)
{
  echo
  echo "PCGNN setup (share/models/default.h5) against ICC(0) and PCKOPT on 2D Poisson, the median of three cold runs each (share/python/paper_goals.py --cost)"
  echo "| goal | measured | met | command |"
  echo "|---|---|---|---|"
  /usr/bin/python3 share/python/paper_goals.py --cost
} | tee -a $OUT
PY=${KGNN_TORCH_PYTHON:-python3}
if $PY -c "import torch, torch_geometric, h5py" 2>/dev/null; then
  M=build/bench_mp5.h5
  $PY share/python/bench_pyg.py --make-model $M 2>/dev/null
  GRIDS=${KGNN_GNN_GRIDS:-100,316,1000}
  bin/kgnn-perf -gnn $M -grids $GRIDS -reps 3 > build/bench_kgnn.txt
  $PY share/python/bench_pyg.py $M $GRIDS 2 2>/dev/null > build/bench_pyg.txt
  {
    echo
    echo "PCGNN, depth-5 MessagePassingMLP, float64, one thread each, 2D Poisson: network forward pass, kgnn (C) vs PyTorch Geometric (CPU); best of 3 / 2"
    echo "| n | edges | kgnn s | kgnn PCSetUp s | PyG s | PyG / kgnn | kgnn peak RSS MB | PyG peak RSS MB |"
    echo "|---|---|---|---|---|---|---|---|"
    join -j 2 -o 1.3,1.4,1.5,1.6,2.5,1.7,2.6 build/bench_kgnn.txt build/bench_pyg.txt |
      awk '{ printf "| %d | %d | %.4f | %.4f | %.4f | %.2f | %.0f | %.0f |\n", $1, $2, $3, $4, $5, $5 / $3, $6, $7 }'
  } | tee -a $OUT
  if [ -f data/synthetic.h5 ]; then
    {
      echo
      echo "kgnn-train vs PyTorch Geometric CPU training: the same model, initial weights, data (data/synthetic.h5, 256 train / 64 test), batches of 16 and order, float64, one thread each; mean of epochs 2-3"
      $PY share/python/bench_train.py data/synthetic.h5 256 64 3
    } | tee -a $OUT
  else
    echo "kgnn-train vs PyG: skipped (data/synthetic.h5 missing: make datasets)" | tee -a $OUT
  fi
  if [ -f data/suitesparse.h5 ]; then
    {
      echo
      echo "The same on SuiteSparse matrices (data/suitesparse.h5, the first 16 train / 4 test matrices, batches of 16)"
      $PY share/python/bench_train.py data/suitesparse.h5 16 4 3
    } | tee -a $OUT
  fi
else
  echo "PCGNN vs PyTorch Geometric: skipped ($PY has no torch, torch_geometric and h5py: pip install torch torch_geometric h5py)" | tee -a $OUT
fi
mv $OUT share/results/bench.md
