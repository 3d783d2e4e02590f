#!/bin/sh
# make paper: the experiments of the paper's Sec. 6.3 and Appendices A-B, cell by cell. A cell is
# (dataset, node model, depth, variant); each is trained by bin/kgnn-train into
# $PAPER_OUT/cells/<cell>.h5 with its CSV log, resumed from its checkpoint if one is there, and
# skipped once marked done, so the grid can be run over days, stopped and started again.
# Then share/python/paper_report.py writes the table, the figures and the CG iteration counts
# (and, for the default PAPER_OUT, the README's tables).
#   PAPER_SETS="synthetic suitesparse" PAPER_MODELS="..." PAPER_DEPTHS="1 3 5 7"
#   PAPER_VARIANTS="plain vn pos" PAPER_EPOCHS=300 PAPER_OUT=share/results/paper KGNN_TRAIN=bin/kgnn-train
#   PAPER_TRAIN=0 (judge and report the cells there are, train none) PAPER_QUALITY_MAX=200
#   PAPER_GOALS=0 (no goal table: share/python/paper_goals.py)
cd "$(dirname "$0")/.." || exit 2
SETS=${PAPER_SETS:-"synthetic suitesparse"}
MODELS=${PAPER_MODELS:-"MLPNodeModel MessagePassingMLP GATv2 GEN GraphTransformer GlobalGraphTransformer"}
DEPTHS=${PAPER_DEPTHS:-"1 3 5 7"}
VARIANTS=${PAPER_VARIANTS:-"plain vn pos"}
EPOCHS=${PAPER_EPOCHS:-300}
OUT=${PAPER_OUT:-share/results/paper}
mkdir -p "$OUT/cells" || exit 2
# one BLAS thread a cell: the same weights on every run (share/doc/training.md), and two cells can
# run side by side on disjoint PAPER_* selections
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1} OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
# and one BLAS kernel: another orders the sums differently, which moves the trained weights and
# CG counts near their threshold (PCGNN on bcsstk01: 162 iterations with OpenBLAS's Haswell
# kernel, 163 with SkylakeX). The shipped results were made with Haswell; KGNN_CORETYPE chooses
# another, KGNN_CORETYPE= lets OpenBLAS choose (as it must on a CPU without AVX2)
if [ -z "${KGNN_CORETYPE+set}" ]; then grep -qw avx2 /proc/cpuinfo 2> /dev/null && KGNN_CORETYPE=Haswell; fi
if [ -n "$KGNN_CORETYPE" ]; then export OPENBLAS_CORETYPE=$KGNN_CORETYPE; else unset OPENBLAS_CORETYPE; fi
for set in $SETS; do
  case $set in
    smoke) data=tests/fixtures/train_small.h5 ;;
    *) data=data/$set.h5 ;;
  esac
  if [ ! -f "$data" ]; then echo "make paper: $data missing: run make datasets first" >&2; exit 2; fi
  [ "${PAPER_TRAIN:-1}" = 0 ] && MODELS_TO_TRAIN= || MODELS_TO_TRAIN=$MODELS
  for model in $MODELS_TO_TRAIN; do
    for depth in $DEPTHS; do
      for variant in $VARIANTS; do
        # Appendix A (virtual node) and B (positional feature) are run for the plain grid's depths
        case $variant in plain) flags= ;; vn) flags=-virtual_node ;; pos) flags=-positional ;; *) echo "unknown variant $variant" >&2; exit 2 ;; esac
        cell=$set-$model-d$depth-$variant
        out=$OUT/cells/$cell.h5
        if [ -f "$out.done" ]; then echo "make paper: $cell done ($(cat "$out.done"))"; continue; fi
        resume=
        [ -f "$out.ckpt" ] && resume=-resume
        echo "make paper: $cell${resume:+ (resumed)}"
        ${KGNN_TRAIN:-bin/kgnn-train} -dataset "$data" -out "$out" -node_model "$model" -depth "$depth" $flags -epochs "$EPOCHS" -checkpoint_every 1 $resume -quality 0 -quiet ${PAPER_TRAIN_OPTIONS:-} || exit 1
        echo "$(($(wc -l < "$out.csv") - 1)) epochs of $EPOCHS on $(hostname), $(date -u +%Y-%m-%d)" > "$out.done"
      done
    done
  done
  # every finished cell judged as a preconditioner on the test split (issue 12): PCGNN's CG
  # iterations and convergence against the target factor's, K(L^T A^-1 L) over the target's and
  # cond(L^-1 A L^-T), one row a test sample in <cell>.h5.quality.csv (kgnn-train -evaluate),
  # redone when the weights are newer
  for done in "$OUT"/cells/$set-*.h5.done; do
    [ -f "$done" ] || continue
    out=${done%.done}
    [ -f "$out.quality.csv" ] && [ ! "$out" -nt "$out.quality.csv" ] && continue
    echo "make paper: $(basename "$out" .h5) as a preconditioner"
    ${KGNN_TRAIN:-bin/kgnn-train} -dataset "$data" -evaluate "$out" -quality_max "${PAPER_QUALITY_MAX:-200}" -quality_cond -quiet || exit 1
  done
done
# the README's tables come from the shipped results only
readme=
[ "$OUT" = share/results/paper ] && readme="--readme README.md"
/usr/bin/python3 share/python/paper_report.py $readme "$OUT" $SETS || exit 1
# issue 12's goals, a row each (both datasets needed: make datasets)
if [ "${PAPER_GOALS:-1}" != 0 ] && [ -f data/synthetic.h5 ] && [ -f data/suitesparse.h5 ]; then
  /usr/bin/python3 share/python/paper_goals.py $readme "$OUT"
fi
