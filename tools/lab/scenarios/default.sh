# SPDX-License-Identifier: GPL-2.0
# Default lab scenario: stock drivers vs ours with default knobs vs ours with
# static coalescing, bulk TCP both ways and UDP/TCP ping-pong latency, one
# guest with one queue. Format: see tools/lab/README.md.
# shellcheck shell=bash disable=SC2034
SCENARIO_NAME=default
GUESTS=(g1)
QUEUES_g1=1
FLAVOUR_g1=stock

# "NAME TOKEN..." -- dom0=/guest= pick the module flavour per side,
# vif:FIELD=VAL / eth:FIELD=VAL are `ethtool -C` settings (dom0 vif / guest eth).
CONFIGS=(
	"stock dom0=stock guest=stock"
	"ours-default dom0=ours guest=ours"
	"ours-static dom0=ours guest=ours vif:tx-usecs=100 vif:rx-usecs=50 eth:rx-usecs=50 eth:tx-usecs=50"
)

# "NAME TYPE KEY=VAL..." -- dir=rx is dom0 -> guest, dir=tx guest -> dom0.
WORKLOADS=(
	"bulk-rx bulk dir=rx t=4"
	"bulk-tx bulk dir=tx t=4"
	"pp-udp pingpong proto=udp t=3"
	"pp-tcp pingpong proto=tcp t=3"
)
