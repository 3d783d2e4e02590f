#!/bin/sh
# make bench: performance as ratios against a peer measured in the same run (the machine is
# shared and noisy, so absolute times mean little). Writes share/results/bench.md.
cd "$(dirname "$0")/.." || exit 2
mkdir -p share/results
bin/kgnn-perf -grids 100,200,400 -applies 200 -reps 7 | tee share/results/bench.md.tmp && mv share/results/bench.md.tmp share/results/bench.md
