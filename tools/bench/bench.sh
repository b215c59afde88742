#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: the simulator sweep, then the lab comparison (stock, ours
# with defaults, static, DIM-style, adaptive) on a real Xen in QEMU, into
# build/bench/summary.csv, then the goals check. Needs the modules built
# (the Makefile does that) and passes TRACE= to the simulator.
#   tools/bench/bench.sh [sim|lab|all]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/bench
what=${1:-all}
mkdir -p "$out"
cd "$top"

if [ "$what" != lab ]; then
	rm -f "$out/summary.csv"
	make -s -C tools/sim bench ${TRACE:+TRACE="$TRACE"} | tee "$out/sim.txt"
fi
if [ "$what" != sim ]; then
	log=$out/lab.txt
	SCENARIO=tools/lab/scenarios/bench.sh REPEAT=${BENCH_REPEAT:-3} \
		tools/lab/lab.sh run 2>&1 | tee "$log"
	res=$(sed -n 's/.*results: \(\/.*\)$/\1/p' "$log" | tail -n 1)
	[ -d "$res" ] || { echo "bench: no lab results directory in $log" >&2; exit 1; }
	python3 tools/bench/lab_summary.py "$res" --append "$out/summary.csv"
fi
python3 tools/bench/goals.py "$out/summary.csv" | tee "$out/goals.txt"
echo "bench: $out/summary.csv, $out/goals.txt"
