# SPDX-License-Identifier: GPL-2.0
# Stock against the adaptive controller on every lever (with its defaults
# and with usecs-high 500): the adaptive rows of bench.sh (make bench) in
# one shorter boot. Format: see tools/lab/README.md.
# shellcheck shell=bash disable=SC2034
SCENARIO_NAME=bench-adaptive
GUESTS=(g1)
QUEUES_g1=1
FLAVOUR_g1=stock
ALL_ADAPTIVE="vif:adaptive-rx=on vif:adaptive-tx=on eth:adaptive-rx=on eth:adaptive-tx=on"
HIGH500="vif:rx-usecs-high=500 vif:tx-usecs-high=500 eth:rx-usecs-high=500 eth:tx-usecs-high=500"
CONFIGS=(
	"stock dom0=stock guest=stock"
	"adaptive dom0=ours guest=ours $ALL_ADAPTIVE"
	"adaptive-h500 dom0=ours guest=ours $ALL_ADAPTIVE $HIGH500"
)
WORKLOADS=(
	"bulk-rx bulk dir=rx t=3"
	"bulk-tx bulk dir=tx t=3"
	"pp-udp pingpong proto=udp t=2"
	"pp-tcp pingpong proto=tcp t=2"
	"udp-rx-paced udp dir=rx rate=100M len=1400 pacing=10 t=2"
)
