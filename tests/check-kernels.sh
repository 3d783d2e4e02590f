#!/bin/sh
# make check-kernels: the tests whose numbers go through BLAS, under every OpenBLAS kernel this
# CPU can run and with one and two BLAS threads. A different summation order must never break a
# test (their tolerances are derived for it); this sweep is how that is checked.
#
# Each configuration runs every C test program in build/tests/, the Python loader, and the
# dataset pipeline that compares C with numpy (kgnn-dataset suitesparse, then
# tests/test_dataset_suitesparse.py, and the category kgnn-dataset derives from CG counts).
# The kernel OpenBLAS actually ran is logged from openblas_get_corename(): a forced kernel that
# this OpenBLAS cannot force ("Core not found": Debian's 0.3.21 autodetects instead) is skipped
# and said so, as is a kernel whose instructions the CPU lacks (read from /proc/cpuinfo).
# "auto" runs with OPENBLAS_CORETYPE removed from the environment (a machine may set it), so
# that OpenBLAS detects the CPU itself. Logs: build/check-kernels/<kernel>-t<threads>/.
# Last line: "N passed, N failed, kernels skipped: ...".
# Do not run it beside make check: both write test files under build/tests/.
cd "$(dirname "$0")/.." || exit 2
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
OUT=build/check-kernels
SS=../shared/matrices/suitesparse
KERNELS=${KGNN_KERNELS:-"auto Haswell Zen SkylakeX Cooperlake"}
THREADS=${KGNN_THREADS:-"1 2"}
mkdir -p $OUT
other=$(env | grep '^OPENBLAS_' | grep -v -e '^OPENBLAS_CORETYPE=' -e '^OPENBLAS_NUM_THREADS=' | tr '\n' ' ')
[ -n "$other" ] && echo "check-kernels: kept from the environment: $other"
pass=0
fail=0
skipped=""
ran=""

# PETSc (and numpy) call libblas.so.3; kgnn-bench's kernel sweep only means something when that
# is OpenBLAS
blas=$(ldd build/tests/test_training 2>/dev/null | sed -n 's/.*libblas\.so\.3 => \([^ ]*\).*/\1/p')
case "$(readlink -f "$blas")" in
  *openblas*) ;;
  *) echo "check-kernels: PETSc's BLAS is $(readlink -f "$blas"), not OpenBLAS: no kernels to sweep"; echo "0 passed, 0 failed, kernels skipped: all (not OpenBLAS)"; exit 0 ;;
esac

# openblas_get_corename() from the same OpenBLAS build (libopenblas.so.0; libblas.so.3 does not
# export it, and reads the same OPENBLAS_CORETYPE)
cat > $OUT/corename.c << 'EOF'
#include <stdio.h>
char *openblas_get_corename(void);
int   openblas_get_num_threads(void);
int   main(void)
{
  printf("%s %d\n", openblas_get_corename(), openblas_get_num_threads());
  return 0;
}
EOF
${CC:-cc} -o $OUT/corename $OUT/corename.c -lopenblas || { echo "check-kernels: cannot build the openblas_get_corename() probe (libopenblas-dev)"; exit 2; }

# the CPU flags a kernel needs (OpenBLAS's own requirements in driver/others/dynamic.c)
flags=" $(sed -n 's/^flags[[:space:]]*: //p' /proc/cpuinfo | head -n 1) "
needs() {
  case $1 in
    Haswell) echo "avx2 fma" ;;
    Zen) echo "avx2 fma" ;;
    SkylakeX) echo "avx512f avx512dq avx512vl avx512bw" ;;
    Cooperlake) echo "avx512f avx512dq avx512vl avx512bw avx512_bf16" ;;
  esac
}
missing() {
  m=""
  for f in $(needs "$1"); do
    case "$flags" in *" $f "*) ;; *) m="$m $f" ;; esac
  done
  echo "${m# }"
}

# one test: NAME CMD... in the current configuration's log folder
run() {
  name=$1
  shift
  if "$@" > "$LOG/$name.log" 2>&1; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $name ($CONF; log: $LOG/$name.log)"
    sed 's/^/     | /' "$LOG/$name.log" | tail -n 8
  fi
}
expect() {
  name=$1
  pat=$2
  shift 2
  if "$@" > "$LOG/$name.log" 2>&1 && grep -Eq -- "$pat" "$LOG/$name.log"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $name ($CONF: no '$pat'; log: $LOG/$name.log)"
    sed 's/^/     | /' "$LOG/$name.log" | tail -n 8
  fi
}

for k in $KERNELS; do
  if [ "$k" != auto ]; then
    m=$(missing "$k")
    if [ -n "$m" ]; then
      skipped="$skipped $k (CPU lacks $m);"
      echo "skip $k: the CPU lacks $m"
      continue
    fi
  fi
  for t in $THREADS; do
    if [ "$k" = auto ]; then
      core=$(env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS=$t $OUT/corename)
    else
      core=$(OPENBLAS_CORETYPE=$k OPENBLAS_NUM_THREADS=$t $OUT/corename 2>&1 | tail -n 1)
    fi
    cname=${core% *}
    nthr=${core#* }
    if [ "$k" != auto ] && [ "$(echo "$cname" | tr A-Z a-z)" != "$(echo "$k" | tr A-Z a-z)" ]; then
      case "$skipped" in *" $k "*) ;; *) skipped="$skipped $k (this OpenBLAS cannot force it: it ran $cname);" ;; esac
      echo "skip $k: OPENBLAS_CORETYPE=$k ran $cname (this OpenBLAS cannot force $k)"
      break
    fi
    if [ "$k" = auto ]; then CONF="OPENBLAS_CORETYPE unset -> openblas_get_corename() $cname, $nthr thread(s)"; else CONF="OPENBLAS_CORETYPE=$k -> openblas_get_corename() $cname, $nthr thread(s)"; fi
    LOG=$OUT/$k-t$t
    rm -rf "$LOG"
    mkdir -p "$LOG"
    echo "$CONF" > "$LOG/corename.txt"
    echo "== $CONF"
    p0=$pass f0=$fail
    if [ "$k" = auto ]; then unset OPENBLAS_CORETYPE; else export OPENBLAS_CORETYPE=$k; fi
    export OPENBLAS_NUM_THREADS=$t
    for p in build/tests/test_*; do
      [ -x "$p" ] && run "$(basename "$p")" "$p"
    done
    run dataset_python_loader /usr/bin/python3 tests/test_dataset_loader.py
    rm -rf "$LOG/ss.h5" "$LOG/ss.h5.parts"
    expect dataset_suitesparse "wrote $LOG/ss.h5: 4 samples" bin/kgnn-dataset suitesparse -matrices $SS/MANIFEST.tsv -out "$LOG/ss.h5" -only mesh1e1,nos4,bcsstk03,494_bus,msc01050
    run dataset_suitesparse_vs_numpy /usr/bin/python3 tests/test_dataset_suitesparse.py "$LOG/ss.h5"
    expect dataset_suitesparse_category "494_bus +SuiteSparse +train .*method=ic0 category=ic0_fewer" bin/kgnn-dataset info "$LOG/ss.h5"
    expect bench_categories "K-optimal only +1" bin/kgnn-bench --matrices $SS/MANIFEST.tsv --out "$LOG/bench.csv" --only mesh1e1,bcsstk03
    unset OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS
    echo "   $((pass - p0)) passed, $((fail - f0)) failed"
    case "$ran" in *"$k=$cname"*) ;; *) ran="$ran $k=$cname" ;; esac
  done
done
echo "kernels run (requested=openblas_get_corename()):${ran:- none}; threads: $THREADS"
echo "$pass passed, $fail failed, kernels skipped:${skipped:- none}"
[ "$fail" -eq 0 ]
