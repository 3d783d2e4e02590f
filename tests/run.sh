#!/bin/sh
# Runs every kgnn test from the repository root; the last line is "N passed, N failed".
# KGNN_VALGRIND=1 runs the C test programs under valgrind (make check-valgrind).
cd "$(dirname "$0")/.." || exit 2
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
SS=../shared/matrices/suitesparse
LOG=build/tests/logs
mkdir -p $LOG
pass=0
fail=0
VG=
if [ -n "$KGNN_VALGRIND" ]; then
  VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --suppressions=tests/valgrind.supp --gen-suppressions=all"
fi

ok() { pass=$((pass + 1)); echo "ok   $1"; }
notok() { fail=$((fail + 1)); echo "FAIL $1 ($2; log: $LOG/$1.log)"; sed 's/^/     | /' "$LOG/$1.log" | tail -n 15; }

# PETSc's -malloc_dump lists every block still allocated at PetscFinalize, one line each
LEAK_LINE='^\[ ?[0-9]+\] ?[0-9]+ bytes'
leaks() { grep -Eq "$LEAK_LINE" "$LOG/$1.log"; }

# run NAME CMD...: passes when CMD exits 0 and PETSc reports no unfreed memory
run() {
  name=$1; shift
  if "$@" > "$LOG/$name.log" 2>&1; then
    if leaks "$name"; then notok "$name" "memory not freed"; else ok "$name"; fi
  else
    notok "$name" "exit $?"
  fi
}

# expect NAME PATTERN CMD...: passes when CMD exits 0 and its output matches PATTERN (grep -E)
expect() {
  name=$1; pat=$2; shift 2
  if "$@" > "$LOG/$name.log" 2>&1; then
    if ! grep -Eq -- "$pat" "$LOG/$name.log"; then notok "$name" "no match for '$pat'"
    elif leaks "$name"; then notok "$name" "memory not freed"
    else ok "$name"; fi
  else
    notok "$name" "exit $?"
  fi
}

# error NAME PATTERN CMD...: passes when CMD fails (non-zero exit) with PATTERN in its output; our
# programs (bin/kgnn-*) also run with -malloc_dump, so an error path must free what it allocated.
# PETSc itself keeps two kinds of block when an error leaves PetscOptionsBegin/End or
# PetscOptionsGetEList early (3.18: the options title, the enum list); those are not ours.
error_leaks() {
  grep -E "$LEAK_LINE" "$LOG/$1.log" | grep -Evq ' (PetscStrallocpy|PetscOptionsGetEList)\(\) at \./src/sys/'
}
error() {
  name=$1; pat=$2; shift 2
  case $1 in bin/kgnn-*) set -- "$@" -malloc_dump ;; esac
  if "$@" > "$LOG/$name.log" 2>&1; then notok "$name" "exited 0, expected an error"
  elif ! grep -Eq -- "$pat" "$LOG/$name.log"; then notok "$name" "error message lacks '$pat'"
  elif error_leaks "$name"; then notok "$name" "memory not freed on the error path"
  else ok "$name"; fi
}

# exits NAME CODE PATTERN CMD...: passes when CMD exits with CODE, its output matches PATTERN and
# PETSc reports no unfreed memory
exits() {
  name=$1; code=$2; pat=$3; shift 3
  "$@" > "$LOG/$name.log" 2>&1
  rc=$?
  if [ $rc -ne "$code" ]; then notok "$name" "exit $rc, expected $code"
  elif ! grep -Eq -- "$pat" "$LOG/$name.log"; then notok "$name" "no match for '$pat'"
  elif leaks "$name"; then notok "$name" "memory not freed"
  else ok "$name"; fi
}

# oneline NAME PATTERN CMD...: passes when CMD exits 1 with one line of output matching PATTERN
# (a usage mistake in our programs: no PETSc trace, no MPI_ABORT banner)
oneline() {
  name=$1; pat=$2; shift 2
  "$@" > "$LOG/$name.log" 2>&1
  rc=$?
  if [ $rc -ne 1 ]; then notok "$name" "exit $rc, expected 1"
  elif [ "$(wc -l < "$LOG/$name.log")" -ne 1 ]; then notok "$name" "$(wc -l < "$LOG/$name.log") lines, expected one"
  elif ! grep -Eq -- "$pat" "$LOG/$name.log"; then notok "$name" "error message lacks '$pat'"
  else ok "$name"; fi
}

# C test programs: each compares with an independent reference and exits non-zero on mismatch
for t in build/tests/test_*; do
  [ -x "$t" ] || continue
  run "$(basename "$t")" $VG "$t" -malloc_dump
done
# src/model and its CPU engine compiled with no PETSc or HDF5 on the include path, and the layer
# harness (tests/model/test_layers.c) run against them alone
run model_nopetsc make --no-print-directory -s model-nopetsc
# the CUDA engine compiles and links (nvcc -Werror) where nvcc exists; it runs only on a GPU
# machine (make check-cuda)
if command -v nvcc > /dev/null 2>&1 || [ -x /usr/local/cuda/bin/nvcc ]; then
  run cuda_builds make --no-print-directory -s cuda
  run cuda_library_exports sh -c "nm -D lib/libkgnn-cuda.so | grep -q ' T KGNNEngineCUDA\$' && ! nm -D lib/libkgnn.so | grep -qi cuda"
fi
# the layering of src/ (share/doc/architecture.md): includes and calls only downwards, src/model plain C
expect layering "layering: 0 violations" /usr/bin/python3 tests/check_layers.py

# Dataset files: the Python loader reads what C wrote (files left by test_dataset), the same
# seed gives the same bytes, and every bad file gives an error naming it
run dataset_python_loader /usr/bin/python3 tests/test_dataset_loader.py
D=build/tests
rm -f $D/syn1.h5 $D/syn2.h5
run dataset_synthetic_seed $VG bin/kgnn-dataset synthetic -out $D/syn1.h5 -train 8 -test 2 -n 32 -seed 7 -malloc_dump
run dataset_synthetic_seed_again bin/kgnn-dataset synthetic -out $D/syn2.h5 -train 8 -test 2 -n 32 -seed 7
run dataset_same_seed_same_bytes cmp $D/syn1.h5 $D/syn2.h5
expect dataset_info "9 synthetic_000009 +synthetic +test +n=32 +nnz=94 +method=exact category=none" bin/kgnn-dataset info $D/syn1.h5 -malloc_dump
error dataset_missing_file "Cannot open dataset file $D/dataset_missing.h5" bin/kgnn-dataset info $D/dataset_missing.h5
error dataset_not_hdf5 "dataset_text.h5 is not an HDF5 file" bin/kgnn-dataset info $D/dataset_text.h5
error dataset_not_ours "dataset_foreign.h5: attribute 'format' missing: not a kgnn file" bin/kgnn-dataset info $D/dataset_foreign.h5
error dataset_newer_schema "dataset_newer.h5: schema version 2 is newer than this kgnn reads \(1\)" bin/kgnn-dataset info $D/dataset_newer.h5
error dataset_truncated "dataset_truncated.h5: HDF5 cannot open it \(truncated or damaged\?\)" bin/kgnn-dataset info $D/dataset_truncated.h5

# SuiteSparse pairs: targets against numpy (Algorithm 1 from a dense inverse, IC(0)), both-failed
# matrices excluded, and an interrupted run resumed to the same file
rm -rf $D/ss1.h5 $D/ss1.h5.parts $D/ss2.h5
ONLY=mesh1e1,nos4,bcsstk03,494_bus,msc01050
expect dataset_suitesparse "wrote $D/ss1.h5: 4 samples; excluded \(both failed\): msc01050" bin/kgnn-dataset suitesparse -matrices $SS/MANIFEST.tsv -out $D/ss1.h5 -only $ONLY -malloc_dump
run dataset_suitesparse_vs_numpy /usr/bin/python3 tests/test_dataset_suitesparse.py $D/ss1.h5
expect dataset_suitesparse_split "494_bus +SuiteSparse +train .*method=ic0 category=ic0_fewer" bin/kgnn-dataset info $D/ss1.h5
rm -f $D/ss1.h5.parts/bcsstk03.h5
expect dataset_suitesparse_resume "mesh1e1 +resumed" bin/kgnn-dataset suitesparse -matrices $SS/MANIFEST.tsv -out $D/ss2.h5 -parts $D/ss1.h5.parts -only $ONLY -resume
run dataset_suitesparse_resume_same_file cmp $D/ss1.h5 $D/ss2.h5
# kgnn-train -samples on it: IC(0) breaks down on bcsstk03 alone (kgnn-bench's ic0 column; a dense check in test_gnn_cascade)
expect train_samples_breaks "IC\(0\) of A breaks down \(-samples ic0_breaks\), 3 training and 0 test samples left out" bin/kgnn-train -dataset $D/ss1.h5 -out $D/sb.h5 -node_model ElimOrder -depth 1 -scale jacobi -init_ic0 1e-4 -samples ic0_breaks -loss kaporin -epochs 1 -quality false -malloc_dump
expect train_samples_exists "3 train / 0 test samples" bin/kgnn-train -dataset $D/ss1.h5 -out $D/sb.h5 -node_model ElimOrder -depth 1 -scale jacobi -init_ic0 1e-4 -samples ic0_exists -loss kaporin -epochs 1 -quality false -malloc_dump

# kgnn-bench on a few matrices: categories (bcsstk03: IC(0) without shift breaks down), the
# Markdown table, and the spectra columns
rm -f $D/bench.csv $D/bench.md
expect bench_categories "K-optimal only +1" bin/kgnn-bench --matrices $SS/MANIFEST.tsv --out $D/bench.csv --only mesh1e1,bcsstk03 --spectrum -malloc_dump
expect bench_csv "^bcsstk03,112,640,.*,kopt_only$" cat $D/bench.csv
expect bench_csv_spectrum "ic0_lmin,ic0_lmax,ic0_cond,kopt_lmin,kopt_lmax,kopt_cond,category" cat $D/bench.csv
expect bench_markdown "\| bcsstk03 \| 112 \| 640 \| fail \(DIVERGED_INDEFINITE_PC\) \| [0-9]+ \| kopt_only \|" cat $D/bench.md
# --gnn: a PCGNN column judged by the same rule, its own factor (fallback none): the zero network
# fails on every matrix (DIVERGED_PC_FAILED), the shipped model converges on mesh1e1
rm -f $D/bench_gnn.csv $D/bench_gnn.md
expect bench_gnn_zero "PCGNN +0 its DIVERGED_PC_FAILED .*gnn_failed" bin/kgnn-bench --matrices $SS/MANIFEST.tsv --out $D/bench_gnn.csv --only mesh1e1 --gnn tests/fixtures/gnn_zero.h5 -malloc_dump
expect bench_gnn_csv "^mesh1e1,48,306,.*,DIVERGED_PC_FAILED,.*,equal,gnn_failed$" cat $D/bench_gnn.csv
expect bench_gnn_markdown "\| mesh1e1 \| 48 \| 306 \| [0-9]+ \| [0-9]+ \| fail \(DIVERGED_PC_FAILED\) \| equal \|" cat $D/bench_gnn.md
expect bench_gnn_model "PCGNN +[0-9]+ its CONVERGED_RTOL" bin/kgnn-bench --matrices $SS/MANIFEST.tsv --out $D/bench_gnn2.csv --only mesh1e1 --gnn share/models/default.h5
error bench_gnn_missing "--gnn build/tests/none.h5: no such model file" bin/kgnn-bench --matrices $SS/MANIFEST.tsv --out $D/bench_gnn3.csv --gnn build/tests/none.h5

# kgnn-train: bad input is an error that names the file and what is wrong; a NaN loss stops
# with the last good checkpoint untouched; SIGINT writes a checkpoint that -resume continues
T=build/tests/train
TS=tests/fixtures/train_small.h5
rm -rf $T && mkdir -p $T
run train_make_empty bin/kgnn-dataset synthetic -out $T/empty.h5 -train 0 -test 2 -n 8
error train_empty "empty.h5: no training samples \(2 samples in all\)" bin/kgnn-train -dataset $T/empty.h5 -out $T/m.h5
error train_newer_schema "dataset_newer.h5: schema version 2 is newer than this kgnn reads" bin/kgnn-train -dataset $D/dataset_newer.h5 -out $T/m.h5
error train_missing_dataset "Cannot open dataset file $T/none.h5" bin/kgnn-train -dataset $T/none.h5 -out $T/m.h5
error train_batch_too_big "-batch 2000: at most 1024 graphs a batch" bin/kgnn-train -dataset $TS -out $T/m.h5 -batch 2000
error train_unknown_model "-node_model Foo: not one of" bin/kgnn-train -dataset $TS -out $T/m.h5 -node_model Foo
error train_bad_init "bad_shape.h5: tensor 'encoder.edge_mlp.0.weight' has shape \[16, 3\], expected \[16, 1\]" bin/kgnn-train -dataset $TS -out $T/m.h5 -init tests/fixtures/bad_shape.h5
error train_init_mismatch "-init tests/fixtures/train_curve_GATv2.h5 holds a GATv2 of depth 2, hidden 16 \\(positional 0, virtual node 0\\); -depth asks for another" bin/kgnn-train -dataset $TS -out $T/m.h5 -init tests/fixtures/train_curve_GATv2.h5 -depth 3
expect train_two_epochs "done after 2 epochs; best test loss" $VG bin/kgnn-train -dataset $TS -out $T/m.h5 -epochs 2 -depth 1 -checkpoint_every 1 -malloc_dump
cp $LOG/train_two_epochs.log $T/m.h5.log
run train_csv_log grep -q "^2,.*,0.001," $T/m.h5.csv
# after training, the test split as a preconditioner (tests/test_quality checks the K ratio): the
# synthetic targets are exact factors, 1 iteration each; a row per test sample in OUT.quality.csv
expect train_quality_report "test split \(4 samples\): PCGNN converged on [0-4] \(target factor 4\); median CG iterations [0-9.]+ \(target 1.0\)" cat $T/m.h5.log
expect train_quality_csv "^synthetic_000011,12,exact,[0-9]+,[01],1,1," cat $T/m.h5.quality.csv
cp $T/m.h5.quality.csv $T/m.h5.quality.first
# -evaluate: the same report for a model file, without training (the same numbers)
expect train_evaluate "test split \(4 samples\): PCGNN converged on [0-4] \(target factor 4\)" $VG bin/kgnn-train -dataset $TS -evaluate $T/m.h5 -malloc_dump
run train_evaluate_same_report cmp $T/m.h5.quality.csv $T/m.h5.quality.first
error train_evaluate_missing "-evaluate $T/none.h5: no such file, or not readable" bin/kgnn-train -dataset $TS -evaluate $T/none.h5
expect train_png "curves in $T/p.png" bin/kgnn-train -dataset $TS -out $T/p.h5 -epochs 2 -depth 1 -quiet -png $T/p.png
# -loss kaporin (log of K(L^-1 A L^-T) over Jacobi's; tests/test_kaporin_loss checks its values and gradient): it trains
# -scale jacobi: trained on D^-1/2 A D^-1/2, recorded in the model file, which PCGNN then follows
# (tests/test_gnn_scale checks the scaling itself)
expect train_scale_jacobi "MessagePassingMLP depth 1 hidden 16, Jacobi-scaled input" bin/kgnn-train -dataset $TS -out $T/j.h5 -epochs 2 -depth 1 -scale jacobi -malloc_dump
expect train_scale_jacobi_used "input scaling: jacobi \(the network sees D\^-1/2 A D\^-1/2, L = D\^1/2 L_net\), the model's" bin/kgnn-solve -f share/matrices/nos3.mtx.gz -pc_type gnn -pc_gnn_model $T/j.h5 -ksp_view
error train_scale_unknown "-scale foo: not one of max, jacobi" bin/kgnn-train -dataset $TS -out $T/j2.h5 -scale foo
# -resume keeps the checkpoint's scaling (without -scale it once trained on with max scaling:
# weights 1e-3 away from the uninterrupted run's) and refuses another one
run train_scale_uninterrupted bin/kgnn-train -dataset $TS -out $T/ju.h5 -epochs 3 -depth 1 -scale jacobi -quality false -quiet
run train_scale_first_part bin/kgnn-train -dataset $TS -out $T/jr.h5 -epochs 2 -depth 1 -scale jacobi -quality false -quiet
expect train_scale_resume "Jacobi-scaled input.*resumed" bin/kgnn-train -dataset $TS -out $T/jr.h5 -epochs 3 -depth 1 -resume -quality false -malloc_dump
run train_scale_resume_same_weights /usr/bin/python3 -c "import h5py, numpy as np, sys; a, b = h5py.File('$T/ju.h5', 'r'), h5py.File('$T/jr.h5', 'r'); d = []; a.visititems(lambda n, o: d.append(np.array_equal(o[()], b[n][()])) if isinstance(o, h5py.Dataset) else None); sys.exit(not (d and all(d) and a.attrs['normalisation'] == b.attrs['normalisation'] == b'jacobi'))"
error train_scale_resume_other "checkpoint $T/jr.h5.ckpt was trained with -scale jacobi, this run asks for -scale max" bin/kgnn-train -dataset $TS -out $T/jr.h5 -epochs 4 -depth 1 -resume -scale max
expect train_kaporin_loss "done after 5 epochs; best test loss [^ ]+ at epoch 5," bin/kgnn-train -dataset $TS -out $T/k.h5 -epochs 5 -depth 1 -loss kaporin -malloc_dump
# -loss kopt: K(L^T A^-1 L) over PCKOPT's factor's, from each sample's blocks of A^-1 (the loss
# itself against the dense inverse: test_kaporin_loss)
expect train_kopt_loss "done after 5 epochs; best test loss [^ ]+ at epoch 5," bin/kgnn-train -dataset $TS -out $T/ko.h5 -epochs 5 -depth 1 -loss kopt -malloc_dump
expect train_kopt_loss_blocks "-loss kopt: the blocks of A\^-1 of 4 samples" bin/kgnn-train -dataset $D/ss1.h5 -out $D/ko.h5 -node_model ElimOrder -depth 1 -scale jacobi -init_ic0 1e-4 -loss kopt -epochs 1 -quality false -malloc_dump
run train_kopt_indefinite_data /usr/bin/python3 -c "import h5py, shutil, numpy as np; shutil.copy('$TS', '$T/indef.h5'); f = h5py.File('$T/indef.h5', 'r+'); s = f['samples/000000']; ei = s['edge_index'][:]; a = s['edge_attr'][:]; a[int(np.nonzero(ei[0] == ei[1])[0][3])] = 1e-3; s['edge_attr'][...] = a; f.close()"
error train_kopt_indefinite "-loss kopt: sample synthetic_000000: the Cholesky factorization of A breaks down at row 4 \(1-based\): A is not positive definite" bin/kgnn-train -dataset $T/indef.h5 -out $T/ki.h5 -loss kopt -depth 1
run train_png_written test -s $T/p.png
# -init_ic0: an ElimOrder network that starts as IC(0) (its factor: test_gnn_elim_ic0); a start that no epoch beats is kept
error train_ic0_other_model "-init_ic0 needs -node_model ElimOrder, not MessagePassingMLP" bin/kgnn-train -dataset $TS -out $T/i.h5 -init_ic0 1e-4
error train_ic0_floor "-init_ic0 1e-06: the pivot floor must be at least the layer's 1e-4" bin/kgnn-train -dataset $TS -out $T/i.h5 -node_model ElimOrder -init_ic0 1e-6
error train_ic0_posdamp_hidden "-init_ic0_posdamp needs -hidden 7 or more .its channels 4-6., not 4" bin/kgnn-train -dataset $TS -out $T/i.h5 -node_model ElimOrder -hidden 4 -init_ic0 1e-4 -init_ic0_posdamp 0.4
error train_ic0_posdamp_negative "-init_ic0_posdamp -1.: none may be negative" bin/kgnn-train -dataset $TS -out $T/i.h5 -node_model ElimOrder -init_ic0 1e-4 -init_ic0_posdamp -1
error train_ic0_and_init "-init $T/m.h5 and -init_ic0: give one start, not both" bin/kgnn-train -dataset $TS -out $T/i.h5 -node_model ElimOrder -init_ic0 1e-4 -init $T/m.h5
expect train_ic0_start_kept "done after 3 epochs; best test loss [^ ]+ at epoch 0," bin/kgnn-train -dataset $TS -out $T/i.h5 -node_model ElimOrder -depth 1 -scale jacobi -init_ic0 1e-4 -loss kaporin -lr 0.3 -epochs 3 -quality false -malloc_dump
# -breakdown_model: a cascade's first network, trained where IC(0) exists (the PCGNN side: test_gnn_cascade)
error train_breakdown_missing "-breakdown_model $T/none.h5: no such file, or not readable" bin/kgnn-train -dataset $TS -out $T/c.h5 -breakdown_model $T/none.h5
error train_breakdown_evaluate "-evaluate judges a model file as it is .a cascade's file carries its own breakdown network.; -breakdown_model $T/i.h5 is for training" bin/kgnn-train -dataset $TS -evaluate $T/i.h5 -breakdown_model $T/i.h5
error train_samples_typo "-samples ic0_exist: not one of all, ic0_exists, ic0_breaks" bin/kgnn-train -dataset $TS -out $T/c.h5 -samples ic0_exist
error train_samples_contradiction "-samples ic0_breaks contradicts it" bin/kgnn-train -dataset $TS -out $T/c.h5 -breakdown_model $T/i.h5 -samples ic0_breaks
error train_samples_evaluate "-samples ic0_exists is for training" bin/kgnn-train -dataset $TS -evaluate $T/i.h5 -samples ic0_exists
error train_samples_none "no training samples .* -samples ic0_breaks keeps those where IC.0. breaks down" bin/kgnn-train -dataset $TS -out $T/c.h5 -samples ic0_breaks
expect train_breakdown "trained on the samples where IC\(0\) of A exists, 0 training and 0 test samples left out of the losses" bin/kgnn-train -dataset $TS -out $T/c.h5 -node_model ElimOrder -depth 1 -scale jacobi -init_ic0 1e-4 -breakdown_model $T/i.h5 -loss kaporin -epochs 1 -quality false -malloc_dump
expect train_breakdown_pcview "network where IC\(0\) of A breaks down: ElimOrder, depth 1" bin/kgnn-solve -f share/matrices/nos3.mtx.gz -pc_type gnn -pc_gnn_model $T/c.h5 -ksp_view
expect train_breakdown_pcview_ran "cascade: IC\(0\) of A exists: the first network ran" bin/kgnn-solve -f share/matrices/nos3.mtx.gz -pc_type gnn -pc_gnn_model $T/c.h5 -ksp_view
# the cascade's IC(0) test has its own log event and setup time (not inside the inference's)
expect gnn_cascade_log_event "^GNNCascadeTest +1 " bin/kgnn-solve -f share/matrices/nos3.mtx.gz -pc_type gnn -pc_gnn_model $T/c.h5 -log_view
expect gnn_cascade_setup_time "setup times: graph [0-9.e+-]+ s, cascade IC\(0\) test [0-9.e+-]+ s, inference" bin/kgnn-solve -f share/matrices/nos3.mtx.gz -pc_type gnn -pc_gnn_model $T/c.h5 -ksp_view
run train_breakdown_damaged /usr/bin/python3 -c "import h5py, shutil; shutil.copy('$T/c.h5', '$T/cbad.h5'); f = h5py.File('$T/cbad.h5', 'r+'); del f['breakdown/decoder.mlp.2.weight']; f.close()"
error train_breakdown_nested "-breakdown_model $T/c.h5 is itself a cascade .it has a /breakdown network.; give a single network" bin/kgnn-train -dataset $TS -out $T/c2.h5 -node_model ElimOrder -depth 1 -scale jacobi -init_ic0 1e-4 -breakdown_model $T/c.h5
expect train_init_cascade "-init $T/c.h5 is a cascade: training starts from its first network" bin/kgnn-train -dataset $TS -out $T/c2.h5 -init $T/c.h5 -loss kaporin -epochs 1 -quality false -malloc_dump
run train_breakdown_unmarked /usr/bin/python3 -c "import h5py, shutil; shutil.copy('$T/c.h5', '$T/cv1.h5'); shutil.copy('$T/c.h5', '$T/cnog.h5'); f = h5py.File('$T/cv1.h5', 'r+'); f.attrs['format_version'] = 1; f.close(); f = h5py.File('$T/cnog.h5', 'r+'); del f['breakdown']; f.close()"
error gnn_breakdown_version1 "cv1.h5: model format version 1 .not a cascade's. yet has a group /breakdown" bin/kgnn-solve -f share/matrices/nos3.mtx.gz -pc_type gnn -pc_gnn_model $T/cv1.h5
error gnn_breakdown_missing "cnog.h5: model format version 2 .a cascade's. yet lacks a group /breakdown" bin/kgnn-solve -f share/matrices/nos3.mtx.gz -pc_type gnn -pc_gnn_model $T/cnog.h5
error gnn_breakdown_damaged "cbad.h5, group /breakdown: tensor 'decoder.mlp.2.weight' missing" bin/kgnn-solve -f share/matrices/nos3.mtx.gz -pc_type gnn -pc_gnn_model $T/cbad.h5
error train_resume_other_model "checkpoint $T/m.h5.ckpt holds a MessagePassingMLP of depth 1, hidden 16" bin/kgnn-train -dataset $TS -out $T/m.h5 -epochs 4 -depth 2 -resume
error train_resume_other_seed "was made with -seed 1 on 8 training samples, this run has -seed 2" bin/kgnn-train -dataset $TS -out $T/m.h5 -epochs 4 -depth 1 -resume -seed 2
# -resume repeats the interrupted run: the options that decide its trajectory are the checkpoint's
# (a checkpoint from before they were stored still resumes)
error train_resume_other_lr "checkpoint $T/m.h5.ckpt was made with -lr 0.001, this run has -lr 0.0001 .-init $T/m.h5.ckpt starts a new run" bin/kgnn-train -dataset $TS -out $T/m.h5 -epochs 4 -depth 1 -resume -lr 1e-4
error train_resume_other_loss "checkpoint $T/m.h5.ckpt was made with -loss cosine, this run has -loss kaporin" bin/kgnn-train -dataset $TS -out $T/m.h5 -epochs 4 -depth 1 -resume -loss kaporin
error train_resume_other_batch "checkpoint $T/m.h5.ckpt was made with -batch 16, this run has -batch 4" bin/kgnn-train -dataset $TS -out $T/m.h5 -epochs 4 -depth 1 -resume -batch 4
error train_resume_other_samples "checkpoint $T/m.h5.ckpt was made with -samples all, this run has -samples ic0_exists" bin/kgnn-train -dataset $TS -out $T/m.h5 -epochs 4 -depth 1 -resume -samples ic0_exists
error train_resume_other_breakdown "checkpoint $T/m.h5.ckpt was made with -breakdown_model none, this run has -breakdown_model $T/i.h5" bin/kgnn-train -dataset $TS -out $T/m.h5 -epochs 4 -depth 1 -resume -breakdown_model $T/i.h5
run train_resume_dataset_copy cp $TS $T/ts_copy.h5
error train_resume_other_dataset "checkpoint $T/m.h5.ckpt was made with -dataset $TS, this run has -dataset $T/ts_copy.h5" bin/kgnn-train -dataset $T/ts_copy.h5 -out $T/m.h5 -epochs 4 -depth 1 -resume
run train_resume_old_checkpoint /usr/bin/python3 -c "import h5py, shutil; shutil.copy('$T/m.h5.ckpt', '$T/old.h5.ckpt'); f = h5py.File('$T/old.h5.ckpt', 'r+'); del f['train/recipe']; del f.attrs['train_breakdown_model']; f.close()"
expect train_resume_old_checkpoint_resumes "resumed" bin/kgnn-train -dataset $TS -out $T/old.h5 -epochs 4 -depth 1 -resume -quality false -malloc_dump
# a loss that overflows (the checkpoint's weights times 1e200) leaves the last good checkpoint as it was
run train_nan_weights /usr/bin/python3 -c "import h5py, shutil; shutil.copy('$T/m.h5.ckpt', '$T/n.h5.ckpt'); f = h5py.File('$T/n.h5.ckpt', 'r+'); [f[k].__setitem__(Ellipsis, f[k][()] * 1e200) for k in f if isinstance(f[k], h5py.Dataset)]; f.close(); shutil.copy('$T/n.h5.ckpt', '$T/good.ckpt')"
error train_nan_loss "the (loss|gradient) is not finite.*; stopping. The weights are not updated; the last good checkpoint is $T/n.h5.ckpt" bin/kgnn-train -dataset $TS -out $T/n.h5 -epochs 4 -depth 1 -resume
run train_nan_checkpoint_kept cmp $T/n.h5.ckpt $T/good.ckpt
expect train_sigint "interrupted at epoch [0-9]+, batch [0-9]+ of 3: checkpoint written to $T/s.h5.ckpt" sh -c "bin/kgnn-train -dataset $TS -out $T/s.h5 -epochs 100000 -patience 0 -depth 1 -batch 3 & p=\$!; sleep 3; kill -INT \$p; wait \$p; exit 0"
expect train_sigint_resume "resumed" bin/kgnn-train -dataset $TS -out $T/s.h5 -epochs 2 -patience 0 -depth 1 -batch 3 -resume
run train_paper_smoke make --no-print-directory paper-smoke PAPER_OUT=$T/paper

# PCGNN: bad weight files name the tensor; reachable like PCKOPT (block solver, -dll_append from
# another folder, which must still find the default model beside the library)
N=share/matrices/nos3.mtx.gz
error gnn_missing_tensor "bad_missing_tensor.h5: tensor 'decoder.mlp.2.weight' missing" bin/kgnn-solve -f $N -pc_type gnn -pc_gnn_model tests/fixtures/bad_missing_tensor.h5
error gnn_wrong_shape "bad_shape.h5: tensor 'encoder.edge_mlp.0.weight' has shape \[16, 3\], expected \[16, 1\]" bin/kgnn-solve -f $N -pc_type gnn -pc_gnn_model tests/fixtures/bad_shape.h5
error gnn_nan_weight "bad_nan.h5: tensor 'processor.blocks.0.edge.0.bias' holds a non-finite value" bin/kgnn-solve -f $N -pc_type gnn -pc_gnn_model tests/fixtures/bad_nan.h5
error gnn_wrong_version "bad_version.h5: model format version 99, this kgnn reads version 1" bin/kgnn-solve -f $N -pc_type gnn -pc_gnn_model tests/fixtures/bad_version.h5
error gnn_missing_file "Cannot open model file tests/fixtures/none.h5" bin/kgnn-solve -f $N -pc_type gnn -pc_gnn_model tests/fixtures/none.h5
expect gnn_bjacobi_np2 "pc=bjacobi iterations=[0-9]+ reason=CONVERGED_RTOL" mpiexec -n 2 bin/kgnn-solve -f $N -pc_type bjacobi -sub_pc_type gnn
expect gnn_dll_append_elsewhere "Norm of error .* iterations" sh -c "cd /tmp && $PWD/build/petsc-ex2 -dll_append $PWD/lib/libkgnn.so -pc_type gnn -ksp_type cg"
rm -f build/tests/Lgnn.bin
run gnn_view_factor bin/kgnn-solve -f $N -pc_type gnn -pc_gnn_view_factor binary:build/tests/Lgnn.bin -malloc_dump
run gnn_view_factor_written test -s build/tests/Lgnn.bin
expect gnn_view "graph network factor .* model .*share/models/default.h5" $VG bin/kgnn-solve -f $N -pc_type gnn -ksp_view -malloc_dump
expect gnn_view_scale "input scaling: jacobi \(the network sees D\^-1/2 A D\^-1/2, L = D\^1/2 L_net\), the model's" cat $LOG/gnn_view.log
expect gnn_view_used "factor used: the network's \(K ratio to Jacobi [0-9.e+-]+\)$" cat $LOG/gnn_view.log
run gnn_view_not_failed sh -c "! grep -q 'was not used' $LOG/gnn_view.log"
expect gnn_view_scale_max "input scaling: max \(the network sees A / max\|A_ij\|\), the model's" bin/kgnn-solve -f $N -pc_type gnn -pc_gnn_model share/results/paper/cells/suitesparse-MessagePassingMLP-d3-plain.h5 -ksp_view
expect gnn_scale_jacobi "pc=gnn iterations=[0-9]+ reason=CONVERGED_RTOL" $VG bin/kgnn-solve -f $N -pc_type gnn -pc_gnn_scale jacobi -malloc_dump
error gnn_scale_unknown "Unknown option foo for -pc_gnn_scale" bin/kgnn-solve -f $N -pc_type gnn -pc_gnn_scale foo

# PCGNN never applies an unchecked factor: a zero network fails the PC with -pc_gnn_fallback
# none and falls back to IC(0) by default, which PCView and -info say
exits gnn_zero_diagonal 2 "reason=DIVERGED_PC_FAILED" bin/kgnn-solve -f $N -pc_type gnn -pc_gnn_model tests/fixtures/gnn_zero.h5 -pc_gnn_fallback none -malloc_dump
expect gnn_zero_fallback_view "factor used: FALLBACK IC\(0\) of A \+ 0\.? diag\(A\)" $VG bin/kgnn-solve -f $N -pc_type gnn -pc_gnn_model tests/fixtures/gnn_zero.h5 -ksp_view -malloc_dump
expect gnn_zero_fallback_info "the network's factor is not usable: zero or tiny diagonal L\(1, 1\)" bin/kgnn-solve -f $N -pc_type gnn -pc_gnn_model tests/fixtures/gnn_zero.h5 -info :pc
expect gnn_zero_fallback_jacobi "factor used: FALLBACK Jacobi" bin/kgnn-solve -f $N -pc_type gnn -pc_gnn_model tests/fixtures/gnn_zero.h5 -pc_gnn_fallback jacobi -ksp_view
error gnn_bad_check_max "-pc_gnn_check_max must be >= 1" bin/kgnn-solve -f $N -pc_type gnn -pc_gnn_check_max 0.5

# PETSc's ex10, compiled unmodified, on the matrices where the paper's model's factor let CG
# claim convergence (true residuals 1e2 to 6e29): its factor is rejected there (bcsstk17,
# bcsstk14, s1rmq4m1: K ratios 1e4 to 1e34), and with the unpreconditioned norm CG converges to a
# true relative residual (the last ||r(i)||/||b|| of -ksp_monitor_true_residual) within
# 100 x rtol (1e-5, PETSc's default). With the default (preconditioned) norm the residual CG
# watches is ||B r||, B ~ A^-1, which bounds the error, not the residual: PCKOPT and Jacobi claim
# convergence at true residuals near 1 on bcsstk17 too (README, make convergence), so the
# default-norm runs are held to that rule only where the factor is used and fine (s1rmq4m1's IC(0)
# fallback, 1138_bus's network factor)
truecheck() {
  name=$1; shift
  if "$@" -ksp_monitor_true_residual -ksp_converged_reason > "$LOG/$name.log" 2>&1 && grep -q "converged due to CONVERGED" "$LOG/$name.log"; then
    rel=$(grep "||r(i)||/||b||" "$LOG/$name.log" | tail -n 1 | awk '{print $NF}')
    if awk -v r="$rel" 'BEGIN { exit !(r + 0 <= 1e-3) }'; then ok "$name"; else notok "$name" "true relative residual $rel > 100 x rtol"; fi
  else notok "$name" "did not converge"; fi
}
C=build/tests/conv
mkdir -p $C
# the model of those runs: the one shipped before share/models/default.h5 was retrained with
# Jacobi scaling (the paper's MessagePassingMLP d3 cell), whose bad factors these checks are about
M0="-pc_gnn_model share/results/paper/cells/suitesparse-MessagePassingMLP-d3-plain.h5"
for m in bcsstk17.mtx.gz bcsstk14.mtx s1rmq4m1.mtx.gz 1138_bus.mtx; do
  b=${m%%.*}
  [ -s $C/$b.bin ] || bin/kgnn-solve -f $SS/$m -pc_type jacobi -ksp_max_it 1 -mat_view binary:$C/$b.bin > /dev/null 2>&1
  truecheck ex10_gnn_${b}_unpreconditioned build/petsc-ex10 -dll_append lib/libkgnn.so -f $C/$b.bin -rhs one -ksp_type cg -ksp_norm_type unpreconditioned -pc_type gnn $M0
  case $b in
    1138_bus | s1rmq4m1) truecheck ex10_gnn_$b build/petsc-ex10 -dll_append lib/libkgnn.so -f $C/$b.bin -rhs one -ksp_type cg -pc_type gnn $M0 ;;
    *) expect ex10_gnn_${b}_rejected "the network's factor was not used: K\(L\^-1 A L\^-T\) / K\(Jacobi\) = [0-9.e+]+ > 100" build/petsc-ex10 -dll_append lib/libkgnn.so -f $C/$b.bin -rhs one -ksp_type cg -pc_type gnn $M0 -ksp_view ;;
  esac
done
# -ksp_pc_side symmetric (L^-1 and L^-T), with GMRES: PETSc's CG takes the left side only
expect gmres_symmetric_kopt "converged due to CONVERGED" build/petsc-ex2 -dll_append lib/libkgnn.so -pc_type kopt -ksp_type gmres -ksp_pc_side symmetric -ksp_converged_reason -m 20 -n 20
expect gmres_symmetric_gnn "converged due to CONVERGED" build/petsc-ex2 -dll_append lib/libkgnn.so -pc_type gnn -ksp_type gmres -ksp_pc_side symmetric -ksp_converged_reason -m 20 -n 20

# PCKOPT on a singular matrix (PETSc's ex50, the Neumann Laplacian, unmodified): every inverse
# path fails the PC with the same relative pivot test; on the MUMPS path also with MUMPS' own
# null-pivot detection switched off (-mat_mumps_icntl_24 0: the test on Z = A^-1 alone)
E50="build/petsc-ex50 -dll_append lib/libkgnn.so -pc_type kopt -ksp_type cg -ksp_converged_reason"
expect singular_ex50_20_dense "DIVERGED_PC_FAILED" $E50 -da_grid_x 20 -da_grid_y 20 -pc_kopt_inverse dense
expect singular_ex50_50_dense "DIVERGED_PC_FAILED" $E50 -da_grid_x 50 -da_grid_y 50 -pc_kopt_inverse dense
for s in 20 100; do
  expect singular_ex50_${s}_mumps "DIVERGED_PC_FAILED" $E50 -da_grid_x $s -da_grid_y $s -pc_kopt_inverse mumps
  expect singular_ex50_${s}_mumps_z "relative pivot 1 / \(Z_ii a_ii\) at or below -pc_kopt_zeropivot.*DIVERGED_PC_FAILED" sh -c "$E50 -da_grid_x $s -da_grid_y $s -pc_kopt_inverse mumps -mat_mumps_icntl_24 0 -info :pc 2>&1 | tr '\n' ' '"
done
# the selected inversion (auto's choice at 100 x 100): CHOLMOD's own breakdown or the Z test
SEL="(CHOLMOD's Cholesky factorization of A breaks down|relative pivot 1 / \(Z_ii a_ii\) at or below -pc_kopt_zeropivot).*DIVERGED_PC_FAILED"
expect singular_ex50_20_selinv "$SEL" sh -c "$E50 -da_grid_x 20 -da_grid_y 20 -pc_kopt_inverse selinv -info :pc 2>&1 | tr '\n' ' '"
expect singular_ex50_100_auto "$SEL" sh -c "$E50 -da_grid_x 100 -da_grid_y 100 -info :pc 2>&1 | tr '\n' ' '"

# Bad input: an error that says what and where, or DIVERGED_PC_FAILED; never a crash or NaN
B=build/tests/bad_input
error bad_nonsquare "needs a square matrix, got 3 x 4" $B -case nonsquare
error bad_nonsymmetric "not symmetric: A\(4, 5\) = -0.5 but A\(5, 4\) = -1 \(1-based" $B -case nonsymmetric
error bad_nan "entry \(1-based row 2, column 3\) is NaN" $B -case nan
error bad_inf "entry \(1-based row 4, column 4\) is \+Inf" $B -case inf
error bad_zero_diagonal "Diagonal entry \(1-based row 3, column 3\) is 0" $B -case zerodiag
error bad_negative_diagonal "Diagonal entry \(1-based row 2, column 2\) is -1" $B -case negdiag
error bad_missing_diagonal "Diagonal entry \(1-based row 3, column 3\) is not stored" $B -case nodiag
error bad_matshell "matrix type shell does not give" $B -case shell
error bad_dense_over_limit "n = 100 rows is above -pc_kopt_dense_max 50" $B -case dense_limit
expect skip_symmetry_check "case=nonsymmetric reason=CONVERGED" $B -case nonsymmetric -pc_kopt_check_symmetric false -malloc_dump
# -pc_kopt_objective trace (tests/test_kopt_direct): tr(L^-1 A L^-T) <= 0 at the start is a failed factor
expect indefinite_trace "reason=DIVERGED_PC_FAILED iterations=0 pcfailed=1" $VG $B -case indefinite -pc_kopt_objective trace -malloc_dump
expect indefinite_info_trace "K-optimal factor failed: the trace minimiser's start" $B -case indefinite -pc_kopt_objective trace -info :pc
oneline kopt_direct_rtol_bad "-pc_kopt_direct_rtol must be in \[0, 1\), got 2" bin/kgnn-solve -f share/matrices/nos3.mtx.gz -pc_type kopt -pc_kopt_direct_rtol 2
expect kopt_trace_view "start: IC\(0\)" bin/kgnn-solve -f share/matrices/nos3.mtx.gz -pc_type kopt -pc_kopt_objective trace -pc_kopt_direct_its 5 -ksp_view
# -pc_gnn_refine: L-BFGS steps of the same objective from the network's factor, said by PCView
expect gnn_refine_view "refined \\(-pc_gnn_refine 5\\): 5 L-BFGS steps" bin/kgnn-solve -f share/matrices/nos3.mtx.gz -pc_type gnn -pc_gnn_refine 5 -ksp_view
# the refinement lowers K (its line search accepts only a decrease): K / K(Jacobi) before -> after, as PCView says
run gnn_refine_lowers_k sh -c "bin/kgnn-solve -f share/matrices/nos3.mtx.gz -pc_type gnn -pc_gnn_fallback none -pc_gnn_refine 20 -ksp_view 2>&1 | grep -o 'K / K(Jacobi) [0-9.e+-]* -> [0-9.e+-]*' | awk '{ if (\$6 + 0 < \$4 + 0 && \$6 + 0 > 0) ok = 1; print } END { exit ok ? 0 : 1 }'"
for m in dense mumps selinv; do
  expect indefinite_$m "reason=DIVERGED_PC_FAILED iterations=0 pcfailed=1" $VG $B -case indefinite -pc_kopt_inverse $m -malloc_dump
  expect indefinite_info_$m "K-optimal factor failed: .*(row|column) [0-9]+" $B -case indefinite -pc_kopt_inverse $m -info :pc
  expect singular_$m "reason=DIVERGED_PC_FAILED iterations=0 pcfailed=1" $VG $B -case singular -pc_kopt_inverse $m -malloc_dump
  expect n0_$m "case=n0 reason=CONVERGED.* pcfailed=0" $VG $B -case n0 -pc_kopt_inverse $m -malloc_dump
  expect n1_$m "case=n1 reason=CONVERGED.* pcfailed=0 xnorm=0.25" $VG $B -case n1 -pc_kopt_inverse $m -malloc_dump
done
expect indefinite_bjacobi_np2 "reason=DIVERGED_PC_FAILED iterations=0 pcfailed=1" mpiexec -n 2 $B -case mpi_indefinite -pc_type bjacobi -sub_pc_type kopt
error bad_parallel_direct "use it inside PETSc's block methods, -pc_type bjacobi -sub_pc_type kopt" mpiexec -n 2 $B -case mpi

# Any PETSc program: PETSc's own tutorial ex2, compiled unmodified, loads us with -dll_append
expect petsc_ex2_dll_append "Norm of error .* iterations" build/petsc-ex2 -dll_append lib/libkgnn.so -pc_type kopt -ksp_type cg -m 20 -n 20 -malloc_dump
expect petsc_ex2_dll_append_view "type: kopt" build/petsc-ex2 -dll_append lib/libkgnn.so -pc_type kopt -ksp_view
# A simulation code: link -lkgnn, call KGNNInitializePackage()
expect example_link_and_register "reason=CONVERGED" $VG build/examples/link_and_register -malloc_dump

# In parallel, under PETSc's own block machinery
P=share/matrices/nos3.mtx.gz
expect bjacobi_np2 "pc=bjacobi iterations=[0-9]+ reason=CONVERGED_RTOL" mpiexec -n 2 bin/kgnn-solve -f $P -pc_type bjacobi -sub_pc_type kopt
expect asm_basic_np2 "pc=asm iterations=[0-9]+ reason=CONVERGED_RTOL" mpiexec -n 2 bin/kgnn-solve -f $P -pc_type asm -pc_asm_type basic -sub_pc_type kopt
expect bjacobi_np2_poisson "Norm of error .* iterations" mpiexec -n 2 build/petsc-ex2 -dll_append lib/libkgnn.so -ksp_type cg -pc_type bjacobi -sub_pc_type kopt

# kgnn-solve on the file formats it reads
expect solve_mtx "pc=kopt iterations=[0-9]+ reason=CONVERGED_RTOL" $VG bin/kgnn-solve -f $SS/bcsstk01.mtx -malloc_dump
expect solve_mtx_gz "pc=kopt iterations=[0-9]+ reason=CONVERGED_RTOL" bin/kgnn-solve -f tests/data/mtx/small.mtx.gz -malloc_dump
expect solve_rhs "reason=CONVERGED_RTOL" bin/kgnn-solve -f tests/data/mtx/small_sym.mtx -rhs tests/data/mtx/rhs_array.mtx -malloc_dump

# PETSc binary: write the demo matrix with PETSc's own -mat_view, read it back, same solve
rm -f build/tests/nos3.bin build/tests/nos3.bin.info
its=$(bin/kgnn-solve -f $P -mat_view binary:build/tests/nos3.bin 2>&1 | sed -n 's/.* iterations=\([0-9]*\) reason=CONVERGED_RTOL.*/\1/p')
expect solve_binary "iterations=${its:-none} reason=CONVERGED_RTOL" bin/kgnn-solve -f build/tests/nos3.bin -malloc_dump
expect solve_binary_np2 "pc=bjacobi iterations=[0-9]+ reason=CONVERGED_RTOL" mpiexec -n 2 bin/kgnn-solve -f build/tests/nos3.bin -sub_pc_type kopt

# Malformed Matrix Market files: an error naming the file and line
M=tests/data/mtx
if [ -f $M/errors.txt ]; then
  while IFS='|' read -r f pat; do
    [ -n "$f" ] && error "mtx_$f" "$pat" bin/kgnn-solve -f $M/$f
  done < $M/errors.txt
fi

# ---- Using kgnn from C, from Python, and installed (issue 10, section 4) ----
# The default PCGNN model: -pc_gnn_model, then $KGNN_MODEL, then share/kgnn/models/default.h5 of
# an install or share/models/default.h5 of the build tree, both found from where libkgnn lives.
# A copy of the library with neither beside it names every place it looked and both ways out.
L=build/tests/lonely
RP=$(pwd -P) # libkgnn reports the places it looked with symbolic links resolved
rm -rf $L && mkdir -p $L/lib && cp lib/libkgnn.so $L/lib/ && cp share/models/default.h5 $L/mine.h5
error model_none_found "option -pc_gnn_model FILE \(not given\); the environment variable KGNN_MODEL \(not set\); $RP/$L/share/kgnn/models/default.h5 \(an install's default: not there\); $RP/$L/share/models/default.h5 \(the build tree's default: not there\)" env -u KGNN_MODEL build/petsc-ex2 -dll_append $L/lib/libkgnn.so -pc_type gnn -ksp_type cg
expect model_from_env "model $L/mine.h5" env KGNN_MODEL=$L/mine.h5 build/petsc-ex2 -dll_append $L/lib/libkgnn.so -pc_type gnn -ksp_type cg -ksp_view
error model_env_missing "KGNN_MODEL=$L/none.h5 names no readable file" env KGNN_MODEL=$L/none.h5 bin/kgnn-solve -f share/matrices/nos3.mtx.gz -pc_type gnn
expect model_option_first "model $L/mine.h5" env KGNN_MODEL=$L/none.h5 bin/kgnn-solve -f share/matrices/nos3.mtx.gz -pc_type gnn -pc_gnn_model $L/mine.h5 -ksp_view
# petsc4py: -dll_append given to petsc4py.init(); the build tree's libkgnn by default, from any folder
expect python_petsc4py_kopt "pc=kopt .*reason=CONVERGED_RTOL .* ok" sh -c "cd /tmp && /usr/bin/python3 $PWD/examples/solve_petsc4py.py -ksp_view"
expect python_petsc4py_gnn "pc=gnn .*reason=CONVERGED_RTOL .* ok" cat $LOG/python_petsc4py_kopt.log
error python_petsc4py_no_lib "no libkgnn at $L/none.so" env KGNN_LIB=$L/none.so /usr/bin/python3 examples/solve_petsc4py.py

# make install into a fresh PREFIX, used as a user would with no path into the build tree, then
# make uninstall leaves the prefix as empty as it was
I=$RP/build/tests/prefix
U=$RP/build/tests/pkgconfig_user
rm -rf $I $U && mkdir -p $I $U
run install make --no-print-directory install PREFIX=$I
run install_layout sh -c "cd $I && for f in lib/libkgnn.so.0.1 lib/pkgconfig/kgnn.pc include/kgnn.h bin/kgnn-solve bin/kgnn-train share/kgnn/models/default.h5 share/kgnn/python/plot_training.py share/doc/kgnn/README.md share/doc/kgnn/model.md; do test -f \$f || { echo missing \$f; exit 1; }; done && test \$(readlink lib/libkgnn.so.0) = libkgnn.so.0.1 && test \$(readlink lib/libkgnn.so) = libkgnn.so.0 && readelf -d lib/libkgnn.so.0.1 | grep -q 'SONAME.*\[libkgnn.so.0\]'"
expect install_pkgconfig "^Libs: -L\\$\{libdir\} -Wl,-rpath,\\$\{libdir\} -lkgnn" cat $I/lib/pkgconfig/kgnn.pc
# a C program in an empty folder: pkg-config alone to build, no LD_LIBRARY_PATH to run
cp $I/share/doc/kgnn/examples/link_and_register.c $U/x.c
run install_c_build env -u LD_LIBRARY_PATH PKG_CONFIG_PATH=$I/lib/pkgconfig sh -c "cd $U && cc \$(pkg-config --cflags kgnn) x.c \$(pkg-config --libs kgnn) -o x"
expect install_c_run "reason=CONVERGED" env -u LD_LIBRARY_PATH sh -c "cd $U && ./x -malloc_dump"
expect install_c_links_installed "libkgnn.so.0 => $I/lib/libkgnn.so.0" env -u LD_LIBRARY_PATH ldd $U/x
# the installed programs from any folder: their libkgnn, their default model, their plot script
expect install_solve_gnn "model $I/share/kgnn/models/default.h5" env -u KGNN_MODEL sh -c "cd /tmp && PATH=$I/bin:\$PATH kgnn-solve -f $I/share/kgnn/matrices/nos3.mtx.gz -pc_type gnn -ksp_view"
expect install_train_png "curves in $U/m.png" sh -c "cd /tmp && PATH=$I/bin:\$PATH kgnn-train -dataset $PWD/tests/fixtures/train_small.h5 -out $U/m.h5 -epochs 1 -depth 1 -quiet -png $U/m.png"
# an unmodified PETSc program loads the installed library with -dll_append
expect install_dll_append_kopt "Norm of error .* iterations" sh -c "cd /tmp && $PWD/build/petsc-ex2 -dll_append $I/lib/libkgnn.so -pc_type kopt -ksp_type cg -malloc_dump"
expect install_dll_append_gnn "Norm of error .* iterations" env -u KGNN_MODEL sh -c "cd /tmp && $PWD/build/petsc-ex2 -dll_append $I/lib/libkgnn.so -pc_type gnn -ksp_type cg -ksp_view"
expect install_dll_append_gnn_model "model $I/share/kgnn/models/default.h5" cat $LOG/install_dll_append_gnn.log
# petsc4py with the installed library, named by pkg-config, the example run from the install
expect install_python_petsc4py "pc=gnn .*reason=CONVERGED_RTOL .* ok" env -u KGNN_MODEL sh -c "cd /tmp && /usr/bin/python3 $I/share/doc/kgnn/examples/solve_petsc4py.py \$(PKG_CONFIG_PATH=$I/lib/pkgconfig pkg-config --variable=dll kgnn) -ksp_view"
expect install_python_petsc4py_model "model $I/share/kgnn/models/default.h5" cat $LOG/install_python_petsc4py.log
expect install_python_env "libkgnn $I/lib/libkgnn.so" env KGNN_LIB=$I/lib/libkgnn.so /usr/bin/python3 examples/solve_petsc4py.py
run uninstall make --no-print-directory uninstall PREFIX=$I
run uninstall_leaves_empty_prefix sh -c "ls -A $I; test -z \"\$(ls -A $I)\""
rm -rf $U
# ---- end of section 4 ----

# ---- Strict command-line tools (issue 10, section 5) ----
# Every option is checked before the work starts: an unknown one is an error that names the option
# meant. Known are the program's own, those PETSc lists for the objects it configures (under their
# prefixes, -sub_* of bjacobi/asm blocks included), and those read later (viewers, MUMPS's); an
# option that no one used is an error at the end. A usage mistake is one line and exit 1.
C=build/tests/cli
rm -rf $C && mkdir -p $C
: > $C/empty.txt
oneline cli_solve_misspelt "^kgnn-solve: error: unknown option -pc_tpye \(did you mean -pc_type\?\)" bin/kgnn-solve -f $N -pc_tpye gnn
oneline cli_solve_misspelt_block "unknown option -sub_pc_tpye \(did you mean -sub_pc_type\?\)" bin/kgnn-solve -f $N -pc_type bjacobi -sub_pc_tpye kopt
oneline cli_solve_misspelt_before_reading "unknown options -foo, -pc_kopt_inverze \(did you mean -pc_kopt_inverse\?\)" bin/kgnn-solve -f $C/none.mtx -pc_kopt_inverze mumps -foo
expect cli_solve_later_options "There are no unused options" bin/kgnn-solve -f $N -ksp_view_final_residual -pc_kopt_view_factor binary:$C/L.bin -mat_view ::ascii_info -log_view :$C/log.txt -options_left -malloc_dump
expect cli_solve_block_options "pc=asm iterations=[0-9]+ reason=CONVERGED_RTOL" mpiexec -n 2 bin/kgnn-solve -f $N -pc_type asm -pc_asm_type basic -sub_pc_type kopt -sub_pc_kopt_inverse mumps -sub_mat_mumps_icntl_14 40 -sub_ksp_converged_reason
error cli_solve_unused "option -sub_pc_type was not used by this run" bin/kgnn-solve -f $N -sub_pc_type kopt
expect cli_solve_help "-pc_kopt_inverse <now auto" bin/kgnn-solve -help
run cli_solve_help_exit_codes grep -q "3  false convergence" $LOG/cli_solve_help.log
# exit codes: 2 for a DIVERGED_* reason, 3 for a claimed convergence the true residual belies
exits cli_solve_diverged_its 2 "not converged: DIVERGED_ITS after 3 iterations \(exit code 2\)" bin/kgnn-solve -f $N -ksp_max_it 3 -malloc_dump
exits cli_solve_pc_failed 2 "reason=DIVERGED_PC_FAILED" bin/kgnn-solve -f tests/data/mtx/indefinite.mtx -malloc_dump
exits cli_solve_pc_failed_block 2 "pc=bjacobi .*reason=DIVERGED_PC_FAILED" bin/kgnn-solve -f tests/data/mtx/indefinite.mtx -pc_type bjacobi -sub_pc_type kopt -malloc_dump
exits cli_solve_indefinite_pc 2 "not converged: DIVERGED_INDEFINITE_PC" bin/kgnn-solve -f $SS/bcsstk03.mtx -pc_type icc -pc_factor_shift_type none -malloc_dump
exits cli_solve_false_convergence 3 "false convergence: KSP reports CONVERGED_ITS but the true relative residual [0-9.e+-]+ is more than 100 x rtol" bin/kgnn-solve -f $N -ksp_type preonly -pc_type jacobi -malloc_dump
# the blocks' factorization (KSPSetUpOnBlocks) is timed as setup: at least the KOPT events' time
exits cli_solve_block_setup 0 "pc=bjacobi .*reason=CONVERGED_RTOL" bin/kgnn-solve -f $N -pc_type bjacobi -sub_pc_type kopt -log_view
run cli_solve_block_setup_is_setup awk '/^KOPT(Symbolic|Inverse|Columns) / { k += $4 } / setup=/ { for (i = 1; i <= NF; i++) if ($i ~ /^setup=/) s = substr($i, 7) } END { print "setup", s, "s, block factorization", k, "s"; exit !(k > 0 && s + 0 >= 0.9 * k) }' $LOG/cli_solve_block_setup.log
# usage mistakes: one line and exit 1, no PETSc trace
oneline cli_solve_missing_matrix "^kgnn-solve: error: Cannot open matrix file $C/none.mtx: No such file or directory$" bin/kgnn-solve -f $C/none.mtx
oneline cli_solve_no_matrix "no matrix: give -f A.mtx" bin/kgnn-solve
oneline cli_solve_bad_value "^kgnn-solve: error: .*abc" bin/kgnn-solve -f $N -ksp_rtol abc
# kgnn-train: checked before the first epoch; no test samples said once, the training loss used
oneline cli_train_misspelt "^kgnn-train: error: unknown option -depht \(did you mean -depth\?\)" bin/kgnn-train -dataset $TS -out $C/m.h5 -depht 5
oneline cli_train_batch_0 "-batch 0: need at least 1 graph a batch" bin/kgnn-train -dataset $TS -out $C/m.h5 -batch 0
oneline cli_train_depth_0 "-depth 0: the network needs 1 to 64 graph-network blocks" bin/kgnn-train -dataset $TS -out $C/m.h5 -depth 0
oneline cli_train_out_missing_folder "-out $C/none/m.h5: folder $C/none does not exist" bin/kgnn-train -dataset $TS -out $C/none/m.h5 -epochs 1
run cli_make_no_test bin/kgnn-dataset synthetic -out $C/notest.h5 -train 4 -test 0 -n 8
expect cli_train_no_test "no test samples \(the dataset has none\): early stopping and the best weights use the training loss" bin/kgnn-train -dataset $C/notest.h5 -out $C/m.h5 -epochs 3 -depth 1 -malloc_dump
run cli_train_no_test_said_once sh -c "test \$(grep -c 'no test samples' $LOG/cli_train_no_test.log) -eq 1 && ! grep -q 'test loss' $LOG/cli_train_no_test.log && grep -q 'best train loss' $LOG/cli_train_no_test.log"
# kgnn-dataset: sizes checked against PetscInt and memory first; an empty selection is an error
oneline cli_dataset_n_int "-n 999999999: (a sample's 3n - 2 = 2999999995 entries exceed what a 32-bit PetscInt build can hold|one sample needs about)" sh -c "ulimit -v 4000000; exec bin/kgnn-dataset synthetic -out $C/big.h5 -n 999999999"
oneline cli_dataset_n_memory "-n 300000000: one sample needs about [0-9.]+ GB, more than the [0-9.]+ GB of memory available" sh -c "ulimit -v 4000000; exec bin/kgnn-dataset synthetic -out $C/big.h5 -n 300000000"
run cli_dataset_n_nothing_written test ! -e $C/big.h5
oneline cli_dataset_misspelt "unknown option -nn \(did you mean -n\?\)" bin/kgnn-dataset synthetic -out $C/x.h5 -nn 3
oneline cli_dataset_no_command "no command: kgnn-dataset synthetic\|suitesparse\|info" bin/kgnn-dataset -out $C/x.h5
oneline cli_dataset_only_unknown "-only nosuchmatrix: nosuchmatrix is not in $SS/MANIFEST.tsv" bin/kgnn-dataset suitesparse -matrices $SS/MANIFEST.tsv -out $C/s.h5 -only nosuchmatrix
oneline cli_dataset_only_suggest "nos44 \(did you mean nos4\?\) is not in" bin/kgnn-dataset suitesparse -matrices $SS/MANIFEST.tsv -out $C/s.h5 -only mesh1e1,nos44
oneline cli_dataset_empty_list "$C/empty.txt lists no matrices" bin/kgnn-dataset suitesparse -matrices $C/empty.txt -out $C/s.h5
oneline cli_dataset_test_percent "-test_percent 150: a percentage, 0 to 100" bin/kgnn-dataset suitesparse -matrices $SS/MANIFEST.tsv -out $C/s.h5 -test_percent 150
oneline cli_dataset_kopt_misspelt "unknown option -pc_kopt_inverze \(did you mean -pc_kopt_inverse\?\)" bin/kgnn-dataset suitesparse -matrices $SS/MANIFEST.tsv -out $C/s.h5 -only mesh1e1 -pc_kopt_inverze mumps
error cli_dataset_all_skipped "no samples for $C/s.h5: every matrix selected was skipped \(-maxn 2\)" bin/kgnn-dataset suitesparse -matrices $SS/MANIFEST.tsv -out $C/s.h5 -parts $C/s.parts -only mesh1e1 -maxn 2
run cli_dataset_all_skipped_nothing_written test ! -e $C/s.h5
# kgnn-bench, kgnn-perf: their own options and each solver's under its prefix
oneline cli_bench_prefix "unknown option -pc_kopt_inverse \(did you mean -kopt_pc_kopt_inverse\?\)" bin/kgnn-bench --matrices $SS/MANIFEST.tsv --out $C/b.csv --only mesh1e1 -pc_kopt_inverse mumps
expect cli_bench_prefixed_options "wrote $C/b.csv" bin/kgnn-bench --matrices $SS/MANIFEST.tsv --out $C/b.csv --only mesh1e1 -kopt_pc_kopt_inverse mumps -kopt_mat_mumps_icntl_14 40 -ic0_ksp_max_it 500 -malloc_dump
error cli_bench_unused "option -icc_pc_factor_levels was not used by this run" bin/kgnn-bench --matrices $SS/MANIFEST.tsv --out $C/b.csv --only mesh1e1 -icc_pc_factor_levels 1
oneline cli_bench_empty_list "$C/empty.txt lists no matrices" bin/kgnn-bench --matrices $C/empty.txt --out $C/b.csv
oneline cli_perf_misspelt "unknown option -grid \(did you mean -grids\?\)" bin/kgnn-perf -grid 10
# kgnn-perf's selected-inversion parts of make bench, small: a table row each, no unfreed memory
expect perf_selinv "\| 3D Poisson 6\^3 \| 216 \| AMD \| .* \| [0-9]+ / 990 \|" bin/kgnn-perf -selinv 2d:30,3d:6 -malloc_dump
expect perf_patterns "\| 2D Poisson 20\^2 \| 400 \| level:2 \| [0-9]+ \| 1863 \| .* \| [0-9]+ \| 1863 \|" bin/kgnn-perf -patterns 2d:20 -malloc_dump
oneline cli_perf_bad_matrix "3d:0: the grid size must be >= 1" bin/kgnn-perf -selinv 2d:10,3d:0
# Matrix Market files: the right-hand side named as such; sizes beyond a 32-bit PetscInt or beyond
# memory refused before anything is allocated (ulimit -v makes "beyond memory" the same everywhere)
oneline cli_solve_missing_rhs "^kgnn-solve: error: Cannot open right-hand side file $C/none.mtx" bin/kgnn-solve -f $N -rhs $C/none.mtx
oneline cli_mtx_rows_int_max "rows_int_max.mtx, line 3: (n = 2147483647 rows exceeds what a 32-bit PetscInt build can hold|.* needs about [0-9.]+ GB, more than)" sh -c "ulimit -v 4000000; exec bin/kgnn-solve -f tests/data/mtx/rows_int_max.mtx"
oneline cli_mtx_rows_huge "rows_huge.mtx, line 3: a 2147483646 x 2147483646 matrix \(entries in the file: 1\) needs about [0-9.]+ GB, more than the [0-9.]+ GB of memory available" sh -c "ulimit -v 4000000; exec bin/kgnn-solve -f tests/data/mtx/rows_huge.mtx"
# rows and columns 1-based, as in the file (its row 2 is the zero); a user's PETSc program keeps
# PETSc's own error handling
oneline cli_solve_zero_diagonal "Diagonal entry \(1-based row 2, column 2\) is 0" bin/kgnn-solve -f tests/data/mtx/zero_diagonal.mtx
error cli_library_keeps_petsc_errors "PETSC ERROR: Diagonal entry \(1-based row 3, column 3\) is 0" build/tests/bad_input -case zerodiag
# ---- end of section 5 ----

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
