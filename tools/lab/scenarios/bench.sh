# SPDX-License-Identifier: GPL-2.0
# Benchmark scenario for `make bench`, one guest with one queue on a host
# with one physical CPU (PCPUS=1: every domain's CPU time is its own work,
# tools/lab/README.md "CPU time"): stock, our modules with defaults, a
# static grid on all four levers, the DIM-style baseline and the adaptive
# controller, each on
#   open-loop 64-byte UDP streams (ncl-udpgen) at fixed offered rates,
#   dom0 -> guest and guest -> dom0, latency from every 10th packet;
#   redis-benchmark (50 clients, GET/SET) against redis-server in the guest;
#   one ping-pong.
# Bulk TCP is not here: stock already polls (Documentation/evaluation.rst);
# scenarios/bench-density.sh (make bench-density) has 8 and 32 concurrent
# ping-pong flows, 1-8 guests and guest-to-guest traffic.
# Workload names are the simulator's (tools/sim/bench.py) where it has the
# same workload. tools/bench/lab_summary.py turns the results into rows.
# shellcheck shell=bash disable=SC2034
SCENARIO_NAME=bench
PCPUS=1
BOOT_TIMEOUT=4800	# read by lab.sh (TIMEOUT= overrides)
GUESTS=(g1)
QUEUES_g1=1
FLAVOUR_g1=stock

ALL_DIM="vifsys:rx_policy=dim vifsys:tx_policy=dim ethsys:rx_policy=dim ethsys:tx_policy=dim"
ALL_ADAPTIVE="vif:adaptive-rx=on vif:adaptive-tx=on eth:adaptive-rx=on eth:adaptive-tx=on"
static() { # static USECS FRAMES : the same setting on all four levers
	echo "static-u$1-f$2 dom0=ours guest=ours vif:rx-usecs=$1 vif:tx-usecs=$1 eth:rx-usecs=$1 eth:tx-usecs=$1 vif:rx-frames=$2 vif:tx-frames=$2 eth:rx-frames=$2 eth:tx-frames=$2"
}
# the lab's static grid is one point (the simulator's fifteen): what fits
# make bench's hour with three boots. Below the timer floor every usecs
# is the same timer: 16 us without frames and 32 us with 16 frames gave
# the same rows within their spread on 2 Dec (Documentation/evaluation.rst).
CONFIGS=(
	"stock dom0=stock guest=stock"
	"ours-default dom0=ours guest=ours"
	"$(static 32 16)"
	"dim dom0=ours guest=ours $ALL_DIM"
	"adaptive dom0=ours guest=ours $ALL_ADAPTIVE"
)
T=1
# five offered rates each way, from 5000/s up to what stock carries
# without loss here (one emulated CPU at one instruction per virtual ns,
# tools/lab/README.md): 30000/s to the guest; from it 15000/s (stock lost
# 1 packet in 45000 at 15000/s, 1.3% at 20000/s, 3.0% at 25000/s on
# 2 Dec). Sparser streams leave too few packets in a 1 s point to hold
# the guest's figure within 2% from boot to boot.
RATES_RX="5000 10000 15000 20000 30000"
RATES_TX="5000 7500 10000 12500 15000"
EXTRA=("redis redis clients=50 t=$T" "rr pingpong proto=udp t=$T")
if [ -n "${BENCH_QUICK:-}" ]; then	# make bench-quick
	CONFIGS=("${CONFIGS[0]}" "${CONFIGS[1]}" "${CONFIGS[2]}" "${CONFIGS[4]}")
	RATES_RX="10000"; RATES_TX="10000"
fi
WORKLOADS=()
for r in $RATES_RX; do
	WORKLOADS+=("open_rx_64_$r open dir=rx rate=$r msg=64 echo=10 t=$T")
done
for r in $RATES_TX; do
	WORKLOADS+=("open_tx_64_$r open dir=tx rate=$r msg=64 echo=10 t=$T")
done
WORKLOADS+=("${EXTRA[@]}")
