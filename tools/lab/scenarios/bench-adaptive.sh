# SPDX-License-Identifier: GPL-2.0
# Stock against the adaptive controller on every lever (set through the
# sysfs policy files), the lab half of the adaptive evaluation
# (Documentation/evaluation.rst). Format: see tools/lab/README.md.
# shellcheck shell=bash disable=SC2034
SCENARIO_NAME=bench-adaptive
GUESTS=(g1)
QUEUES_g1=1
FLAVOUR_g1=stock
CONFIGS=(
	"stock dom0=stock guest=stock"
	"adaptive dom0=ours guest=ours vifsys:rx_policy=adaptive vifsys:tx_policy=adaptive ethsys:rx_policy=adaptive ethsys:tx_policy=adaptive"
)
WORKLOADS=(
	"bulk-rx bulk dir=rx t=3"
	"bulk-tx bulk dir=tx t=3"
	"pp-udp pingpong proto=udp t=2"
	"pp-tcp pingpong proto=tcp t=2"
	"udp-rx-50m udp dir=rx rate=50M t=2"
)
