#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: the simulator sweep, then the lab comparison (stock, ours
# with defaults, a static grid, DIM-style, adaptive) on a real Xen in QEMU,
# into build/bench/summary.csv, then the goals check and (all) the lab's
# rows beside the simulator's with the lab's costs. Needs the modules
# built (the Makefile does that) and passes TRACE= to the simulator.
#   tools/bench/bench.sh [sim|lab|all|quick|density]
# The lab part boots tools/lab/scenarios/bench.sh (one guest: open-loop
# streams, many clients, ping-pong), BENCH_REPEAT boots (default 3),
# LAB_JOBS at a time (default 3); quick: one boot with fewer
# configurations and rates; density: scenarios/bench-density.sh (1-8
# guests, guest to guest; its rows are appended to the same summary.csv).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/bench
what=${1:-all}
mkdir -p "$out"
cd "$top"
# Debian's python (its matplotlib draws the figures), as tools/sim/Makefile
PY=${PYTHON:-$(test -x /usr/bin/python3 && echo /usr/bin/python3 || echo python3)}
"$PY" -c 'import matplotlib' 2> /dev/null ||
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-matplotlib > /dev/null ||
	echo "bench: python3-matplotlib could not be installed: no figures" >&2

lab_run() { # lab_run SCENARIO LOG
	SCENARIO=$1 REPEAT=${BENCH_REPEAT:-3} LAB_JOBS=${LAB_JOBS:-3} \
		tools/lab/lab.sh run 2>&1 | tee "$2"
	local res
	res=$(sed -n 's/.*results: \(\/.*\)$/\1/p' "$2" | tail -n 1)
	[ -d "$res" ] || { echo "bench: no lab results directory in $2" >&2; return 1; }
	"$PY" tools/bench/lab_summary.py "$res" --append "$out/summary.csv" | tee -a "$out/lab-rows.txt"
}

case $what in
sim|all)
	rm -f "$out/summary.csv"
	make -s -C tools/sim bench ${TRACE:+TRACE="$TRACE"} | tee "$out/sim.txt" ;;
quick)
	rm -f "$out/summary.csv" ;;
lab|density) ;;
*)	echo "bench: unknown mode '$what' (sim, lab, all, quick, density)" >&2; exit 2 ;;
esac
case $what in
lab|all)
	rm -f "$out/lab-rows.txt"
	lab_run tools/lab/scenarios/bench.sh "$out/lab-bench.txt" ;;
quick)
	# the scenario is read in dom0, where the host's environment is not:
	# the quick variant is a copy that says so
	rm -f "$out/lab-rows.txt"
	{ echo "BENCH_QUICK=1"; cat tools/lab/scenarios/bench.sh; } > "$out/bench-quick.sh"
	BENCH_REPEAT=1 lab_run "$out/bench-quick.sh" "$out/lab-bench.txt" ;;
density)
	lab_run tools/lab/scenarios/bench-density.sh "$out/lab-density.txt" ;;
esac
if [ "$what" != sim ]; then
	fig=$top/Documentation/figures
	[ "$what" = quick ] && fig=$out	# a quick run does not replace the documented figures
	case $what in
	all) cmd="make bench BENCH_REPEAT=${BENCH_REPEAT:-3}" ;;
	quick) cmd="make bench-quick" ;;
	density) cmd="make bench-density BENCH_REPEAT=${BENCH_REPEAT:-3}" ;;
	*) cmd="tools/bench/bench.sh $what BENCH_REPEAT=${BENCH_REPEAT:-3}" ;;
	esac
	"$PY" tools/bench/lab_figures.py "$out/summary.csv" "$fig" "$cmd"
fi
"$PY" tools/bench/goals.py "$out/summary.csv" | tee "$out/goals.txt"
# the lab's rows beside the simulator's with the lab's fitted costs
# (tools/sim/lab-costs.conf): only a run with both has them
if [ "$what" = all ]; then
	"$PY" tools/bench/sim_vs_lab.py "$out/summary.csv" | tee "$out/sim-vs-lab.txt"
fi
echo "bench: $out/summary.csv, $out/goals.txt, $out/lab-rows.txt$([ "$what" = all ] && echo ", $out/sim-vs-lab.txt")"
