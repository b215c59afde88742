# SPDX-License-Identifier: GPL-2.0
# Benchmark scenario for `make bench-density`: many guests on one dom0 vCPU,
# guest-to-guest traffic and many concurrent flows (8 and 32 sockperf
# ping-pong clients in g1), on a host with one physical CPU (PCPUS=1).
# Eight guests are created once per netback flavour; each density workload
# runs on the first N of them (N = 1, 2, 4, 8): every selected guest gets an
# open-loop 64-byte stream from dom0 (1000/s) and a request/response probe (200
# requests a second, each echoed), so the row shows dom0's CPU per packet,
# the worst guest's p99 and the aggregate rate with its loss. With all eight
# guests the per-guest rate then climbs (3000-6000/s: 24k-48k/s in all)
# until dom0 loses packets: the highest aggregate rate without loss is
# the row "guests per dom0 core" in make bench's output (in the first run,
# of 2 Dec, the ladder stopped at 4000/s, 32k in all, and stock had lost
# nothing yet).
# Guest to guest: g1 -> vif1 -> bridge -> vif2 -> g2 and back, all four
# levers in series, as a probe (every packet echoed) and as a stream.
# shellcheck shell=bash disable=SC2034
SCENARIO_NAME=bench-density
PCPUS=1
BOOT_TIMEOUT=5400
GUEST_MEM=160
GUESTS=(g1 g2 g3 g4 g5 g6 g7 g8)
for g in "${GUESTS[@]}"; do eval "QUEUES_$g=1 FLAVOUR_$g=stock"; done
ALL_ADAPTIVE="vif:adaptive-rx=on vif:adaptive-tx=on eth:adaptive-rx=on eth:adaptive-tx=on"
S32="vif:rx-usecs=32 vif:tx-usecs=32 eth:rx-usecs=32 eth:tx-usecs=32 vif:rx-frames=16 vif:tx-frames=16 eth:rx-frames=16 eth:tx-frames=16"
# creating eight guests costs ~70 s of virtual time per netback flavour:
# stock first, then every configuration of ours on the same guests
CONFIGS=(
	"stock dom0=stock guest=stock"
	"ours-default dom0=ours guest=ours"
	"static-u32-f16 dom0=ours guest=ours $S32"
	"dim dom0=ours guest=ours vifsys:rx_policy=dim vifsys:tx_policy=dim ethsys:rx_policy=dim ethsys:tx_policy=dim"
	"adaptive dom0=ours guest=ours $ALL_ADAPTIVE"
)
T=1
R=1000	# per guest: 8 guests stay below what stock carries on one CPU
WORKLOADS=(
	"density_1 open dir=rx rate=$R rr=200 t=$T guests=g1 class=density"
	"density_2 open dir=rx rate=$R rr=200 t=$T guests=g1,g2 class=density"
	"density_4 open dir=rx rate=$R rr=200 t=$T guests=g1,g2,g3,g4 class=density"
	"density_8 open dir=rx rate=$R rr=200 t=$T guests=all class=density"
	"cap_8_3000 open dir=rx rate=3000 rr=200 t=$T guests=all class=density"
	"cap_8_4000 open dir=rx rate=4000 rr=200 t=$T guests=all class=density"
	"cap_8_5000 open dir=rx rate=5000 rr=200 t=$T guests=all class=density"
	"cap_8_6000 open dir=rx rate=6000 rr=200 t=$T guests=all class=density"
	"g2g_rr open peer=g2 rate=2000 echo=1 t=$T guests=g1"
	"g2g_open open peer=g2 rate=4000 t=$T guests=g1"
	"manyflow_8 ppflows flows=8 t=$T guests=g1"
	"manyflow_32 ppflows flows=32 t=$T guests=g1"
)
