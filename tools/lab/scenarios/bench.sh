# SPDX-License-Identifier: GPL-2.0
# Benchmark scenario for `make bench`: stock, our modules with defaults,
# a static setting, the DIM-style baseline and the adaptive controller,
# each on bulk TCP both ways, UDP/TCP ping-pong and two fixed-rate UDP
# streams (the second paced, packets arriving one or two at a time), and
# the adaptive controller with usecs-high 500, one guest with one queue,
# all in one boot per repetition.
# tools/bench/lab_summary.py turns the results into build/bench rows.
# shellcheck shell=bash disable=SC2034
SCENARIO_NAME=bench
BOOT_TIMEOUT=3600	# 6 configurations x 6 workloads; read by lab.sh (TIMEOUT= overrides)
GUESTS=(g1)
QUEUES_g1=1
FLAVOUR_g1=stock

ALL_DIM="vifsys:rx_policy=dim vifsys:tx_policy=dim ethsys:rx_policy=dim ethsys:tx_policy=dim"
ALL_ADAPTIVE="vif:adaptive-rx=on vif:adaptive-tx=on eth:adaptive-rx=on eth:adaptive-tx=on"
# the lab's paced stream (~9000 packets/s) needs more than the default cap
HIGH500="vif:rx-usecs-high=500 vif:tx-usecs-high=500 eth:rx-usecs-high=500 eth:tx-usecs-high=500"
CONFIGS=(
	"stock dom0=stock guest=stock"
	"ours-default dom0=ours guest=ours"
	"static-u16-f0 dom0=ours guest=ours vif:rx-usecs=16 vif:tx-usecs=16 eth:rx-usecs=16 eth:tx-usecs=16"
	"dim dom0=ours guest=ours $ALL_DIM"
	"adaptive dom0=ours guest=ours $ALL_ADAPTIVE"
	"adaptive-h500 dom0=ours guest=ours $ALL_ADAPTIVE $HIGH500"
)

WORKLOADS=(
	"bulk-rx bulk dir=rx t=3"
	"bulk-tx bulk dir=tx t=3"
	"pp-udp pingpong proto=udp t=2"
	"pp-tcp pingpong proto=tcp t=2"
	"udp-rx-50m udp dir=rx rate=50M t=2"
	"udp-rx-paced udp dir=rx rate=100M len=1400 pacing=10 t=2"
)
