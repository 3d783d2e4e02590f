#!/bin/sh
# make check-cuda: the GPU checks of issue 14 in one run, for a machine with a GPU, nvcc,
# PyTorch and PyTorch Geometric but no PETSc and no C HDF5 (and perhaps no BLAS library).
# Installs nothing, never calls apt. In order of importance, each step under a time limit:
#   1. src/model and its layer harness without PETSc, on the CPU (make model-nopetsc)
#   2. the CUDA engine and its tests (make cuda)
#   3. every kernel of src/model/kernels.h on the CUDA engine against reference loops
#      (build/cuda/test_kernels: bit for bit, softmax and gemm to derived bounds)
#   4. every node model's network, forward and backward, on the CUDA engine against the CPU
#      engine, and a rerun bit-identical (build/cuda/test_cuda_net)
#   5. compute-sanitizer memcheck and racecheck on the kernel test, where the runtime allows
#   6. the forward benchmark: build/cuda/bench_net against PyTorch Geometric on the same GPU
#      (share/python/bench_pyg_cuda.py), 2D Poisson, g = KGNN_CUDA_GRIDS (316,1000,3162:
#      n = 10^5, 10^6, 10^7)
# and a summary that says what passed, failed and did not run. Exit 1 if a check failed (a
# sanitizer or benchmark that runs out of time is reported, not failed). Each step has a time
# limit; all of them together stay under 25 minutes, and on an H200 the whole should take a few
# (KGNN_CUDA_GRIDS=316,1000 leaves out n = 10^7).
cd "$(dirname "$0")/.."
OUT=build/check-cuda
mkdir -p "$OUT"
GRIDS=${KGNN_CUDA_GRIDS:-316,1000,3162}
PY=${PYTHON:-python3}
SUMMARY=""
FAILED=0
say() { SUMMARY="$SUMMARY
$1"; }
# step NAME SECONDS CMD...: runs CMD with its output in $OUT/NAME.log (and on the screen)
step() {
  name=$1; limit=$2; shift 2
  echo "== $name: $*"
  timeout "$limit" "$@" > "$OUT/$name.log" 2>&1
  rc=$?
  cat "$OUT/$name.log"
  if [ $rc -eq 0 ]; then say "PASS    $name"
  elif [ $rc -eq 124 ]; then say "TIMEOUT $name (over ${limit} s: not finished)"; [ -n "$SOFT" ] || FAILED=1
  else say "FAIL    $name (exit $rc, $OUT/$name.log)"; FAILED=1; fi
  return $rc
}
skip() { say "NOT RUN $1 ($2)"; }

command -v make > /dev/null || { echo "check-cuda: no make on this machine: nothing ran"; exit 1; }
echo "== the machine"
command -v nvidia-smi > /dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
NVCC=$(command -v nvcc || ls /usr/local/cuda/bin/nvcc 2> /dev/null)
[ -n "$NVCC" ] && "$NVCC" --version | tail -n 1
# no BLAS library here (or KGNN_NO_BLAS set, to try this path): src/model's products from the plain dgemm_ of tests/model/dgemm_ref.c
BLAS=-lblas
if [ -n "$KGNN_NO_BLAS" ] || ! echo 'int main(void){return 0;}' | cc -x c - -lblas -o "$OUT/blas-probe" 2> /dev/null; then
  cc -O2 -c tests/model/dgemm_ref.c -o "$OUT/dgemm_ref.o" && BLAS="$(pwd)/$OUT/dgemm_ref.o"
  echo "no -lblas: using tests/model/dgemm_ref.c"
fi

step model-nopetsc 180 make --no-print-directory model-nopetsc NOPETSC_BLAS="$BLAS"
if [ -z "$NVCC" ]; then
  skip cuda-build "no nvcc"
else
  step cuda-build 240 make --no-print-directory cuda NVCC="$NVCC" NOPETSC_BLAS="$BLAS"
fi
GPU=""
[ -x build/cuda/bench_net ] && GPU=$(build/cuda/bench_net cuda 2 1 2>&1 | grep 'no CUDA device')
if [ ! -x build/cuda/test_kernels ] || [ -n "$GPU" ]; then
  for s in kernels network sanitizer bench; do skip $s "${GPU:-the CUDA engine was not built}"; done
  [ -n "$GPU" ] && FAILED=1
else
  step kernels 120 build/cuda/test_kernels
  step network 120 build/cuda/test_cuda_net
  SAN=$(command -v compute-sanitizer || ls "$(dirname "$NVCC")/compute-sanitizer" 2> /dev/null)
  if [ -z "$SAN" ]; then skip sanitizer "no compute-sanitizer"
  else
    for tool in memcheck racecheck; do
      SOFT=1 step "sanitizer-$tool" 150 "$SAN" --tool $tool --error-exitcode 9 build/cuda/test_kernels
    done
  fi
  if ! $PY -c "import torch, torch_geometric; assert torch.cuda.is_available()" 2> /dev/null; then
    skip bench-pyg "PyTorch with CUDA or torch_geometric missing"
    SOFT=1 step bench-kgnn 240 build/cuda/bench_net cuda "$GRIDS" 5
  else
    SOFT=1 step bench-kgnn 240 build/cuda/bench_net cuda "$GRIDS" 5
    SOFT=1 step bench-pyg 240 $PY share/python/bench_pyg_cuda.py "$GRIDS" 5
    echo "== forward time, PyG float64 / kgnn (cuda engine, float64), per grid"
    for g in $(echo "$GRIDS" | tr , ' '); do
      k=$(awk -v g="$g" '$1 == "kgnn" && $3 == g { print $6 }' "$OUT/bench-kgnn.log")
      p=$(awk -v g="$g" '$1 == "pyg" && $2 == "float64" && $3 == g { print $6 }' "$OUT/bench-pyg.log")
      f=$(awk -v g="$g" '$1 == "pyg" && $2 == "float32" && $3 == g { print $6 }' "$OUT/bench-pyg.log")
      echo "g $g: kgnn ${k:-none} s, PyG float64 ${p:-none} s, PyG float32 ${f:-none} s, PyG64/kgnn $(awk -v k="$k" -v p="$p" 'BEGIN { if (k > 0 && p > 0) printf "%.2f", p / k; else print "-" }')"
    done | tee "$OUT/bench-summary.txt"
  fi
fi
say "NOT RUN kgnn-train -device cuda, PCGNN -pc_gnn_device, training epochs on both engines, bandwidth as a fraction of peak: not built yet (issue 14)"
echo "== summary (logs in $OUT)$SUMMARY"
exit $FAILED
