# SPDX-License-Identifier: GPL-2.0
# Lab selftest boot 4 (sourced by dom0's /init, MODE=check): the lab as a
# measuring instrument, on one physical CPU (PCPUS=1: under -icount QEMU
# runs emulated CPUs in turn and virtual time counts all of them, so a
# domain's CPU time on a 2-CPU host depends on what the other CPU does;
# tools/lab/README.md, "CPU time").
#   The same open-loop UDP stream (ncl-udpgen, sleeps between packets,
#   10000/s for 2 s, Poisson arrivals, every 10th packet echoed: 2000
#   samples) both ways under stock, our modules at their defaults, and stock again on new
#   guest instances: CPU per packet of dom0 and of the guest from the
#   hypervisor's ns counters agree within 3%, round-trip p50 within 5%, in
#   both orders (stock then ours, ours then stock). Poisson, not evenly
#   spaced: under -icount an even stream's echoes lock onto one phase of
#   the path and its p50 lands at 121 or at 130 us from one run to the
#   next, in the same guest (stock, guest -> dom0, 10000/s: 129.6, 120.8,
#   120.9, 120.9 us; Poisson 132.3, 133.0, 131.3 us).
#   One short run of each new workload kind (redis clients, concurrent
#   ping-pong flows, guest to guest, two guests at once): traffic flows,
#   the CPU counters grow, the result lines are there, no loss at a low rate.
# shellcheck shell=bash disable=SC2034,SC2154
PCPUS=1

# shellcheck source=selftests/lab/lib.sh
. /lab/selftests/lib.sh

NB_MAX_QUEUES=1
guest_define g1 1 1 stock
RATE=${RATE:-10000}
T=${T:-2}
TOL_CPU=${TOL_CPU:-0.03}
TOL_LAT=${TOL_LAT:-0.05}
declare -A M

# measure TAG : the open stream both ways on g1; M[TAG/dir/metric]
measure() {
	local dir
	for dir in tx rx; do
		run_workload "$1" "open-$dir" open dir="$dir" rate="$RATE" msg=64 echo=10 t="$T" \
			arrivals=poisson guests=g1 ||
			tap_diag "$1: open $dir workload rc=1"
		M[$1/$dir/pkts]=$(point_pkts g1)
		M[$1/$dir/d0]=$(ratio "$(point_cpu_ns dom0)" "${M[$1/$dir/pkts]}")
		M[$1/$dir/g]=$(ratio "$(point_cpu_ns g1)" "${M[$1/$dir/pkts]}")
		M[$1/$dir/p50]=$(udpgen_val g1 rtt_p50_us)
		# lost in the network or refused by the sender's stack (ENOBUFS)
		M[$1/$dir/loss]=$(( $(udpgen_val g1 loss) + $(udpgen_val g1 send_errors) ))
		tap_diag "$1 open $dir: pkts ${M[$1/$dir/pkts]} dom0 ${M[$1/$dir/d0]} ns/pkt guest ${M[$1/$dir/g]} ns/pkt p50 ${M[$1/$dir/p50]} us loss ${M[$1/$dir/loss]} (domid ${G_DOMID[g1]})"
	done
}

# config TAG FLAVOUR : both sides FLAVOUR, g1 alone, created anew
config() {
	local f=$2 n
	destroy_all_guests
	for n in "${!G_IDX[@]}"; do [ "$n" = g1 ] || unset "G_IDX[$n]"; done
	G_FLAV[g1]=$f
	netback_load "$f" && ensure_guests
}

if ! config stock1 stock; then
	tap_fail "stock netback and a stock guest come up"
	return 1
fi
measure stock1
tap_check "the open stream moves packets and loses none at $RATE/s" \
	test "${M[stock1/tx/loss]:-x}" = 0 -a "${M[stock1/rx/loss]:-x}" = 0 -a "${M[stock1/rx/pkts]:-0}" -gt 0

if ! config ours ours; then
	tap_fail "our netback and a guest with our netfront come up"
	return 1
fi
measure ours

# the second guest only now: beside an idle guest dom0's CPU per packet of
# g1's stream is ~2% higher, and the stock runs have none
guest_define g2 2 1 ours
if ! ensure_guests; then
	tap_fail "a second guest with our netfront comes up"
	return 1
fi

# one short run of each new workload kind, on our modules at defaults
kind_ok() { # kind_ok NAME GUEST FILE PATTERN : traffic, CPU counters, result
	local why="" d g p
	d=$(point_cpu_ns dom0); g=$(point_cpu_ns "$2"); p=$(point_pkts "$2")
	[ "${d:-0}" -gt 0 ] || why="dom0 CPU ns '$d'"
	[ "${g:-0}" -gt 0 ] || why="${why:+$why, }guest CPU ns '$g'"
	[ "${p:-0}" -gt 100 ] || why="${why:+$why, }$p packets"
	grep -q "$4" "$PDIR/$3" 2>/dev/null || why="${why:+$why, }no result in $3"
	if [ -z "$why" ]; then tap_ok "$1 ($p packets, dom0 $d ns, guest $g ns)"; else tap_fail "$1" "$why"; fi
}
run_workload ours redis redis clients=10 requests=1000 t=1 guests=g1 || tap_diag "redis workload rc=1"
kind_ok "redis-benchmark with 10 clients against the guest's redis-server" g1 g1.redis.csv '"GET"'
run_workload ours ppflows ppflows flows=8 t=1 guests=g1 || tap_diag "ppflows workload rc=1"
kind_ok "8 concurrent ping-pong flows" g1 g1.sockperf.txt '@@FLOW 8'
run_workload ours g2g open peer=g2 rate=2000 echo=10 t=1 guests=g1 || tap_diag "g2g workload rc=1"
kind_ok "guest to guest through the bridge (g1 -> g2)" g2 g1.udpgen.txt 'loss=0 '
run_workload ours dens2 open dir=tx rate=2000 t=1 pp=udp guests=g1,g2 || tap_diag "density workload rc=1"
kind_ok "two guests at once: g1's stream and ping-pong" g1 g1.udpgen.txt 'loss=0 '
kind_ok "two guests at once: g2's stream and ping-pong" g2 g2.sockperf.txt 'percentile 99.000'
c0=$(xdelta "$PDIR/dom0.before" "$PDIR/dom0.after" xc/pcpu0/idle_ns)
tap_check "the hypervisor's counters are monotonic (dom0, guests, idle)" \
	test "$(point_cpu_ns dom0)" -gt 0 -a "$(point_cpu_ns g1)" -gt 0 -a "$(point_cpu_ns g2)" -gt 0 -a "${c0:-0}" -gt 0

if ! config stock2 stock; then
	tap_fail "stock again, new guest instances"
	return 1
fi
measure stock2

for dir in tx rx; do
	for o in "stock1 ours" "ours stock2" "stock1 stock2"; do
		# shellcheck disable=SC2086
		set -- $o
		within "open $dir, $2 after $1: dom0 CPU per packet" "${M[$2/$dir/d0]}" "${M[$1/$dir/d0]}" "$TOL_CPU"
		within "open $dir, $2 after $1: guest CPU per packet" "${M[$2/$dir/g]}" "${M[$1/$dir/g]}" "$TOL_CPU"
		within "open $dir, $2 after $1: round-trip p50" "${M[$2/$dir/p50]}" "${M[$1/$dir/p50]}" "$TOL_LAT"
	done
done
check_kernel_logs
