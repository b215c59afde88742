# SPDX-License-Identifier: GPL-2.0
# Two guests (g1 with two queues), fixed offered load and a mixed workload:
# g1 receives bulk TCP while g2 measures ping-pong latency.
# shellcheck shell=bash disable=SC2034
SCENARIO_NAME=two-guests
BOOT_TIMEOUT=1500		# read by lab.sh on the host (TIMEOUT= overrides)
GUESTS=(g1 g2)
QUEUES_g1=2
QUEUES_g2=1
FLAVOUR_g1=stock
FLAVOUR_g2=stock

CONFIGS=(
	"stock dom0=stock guest=stock"
	"ours-static dom0=ours guest=ours vif:tx-usecs=100 vif:rx-usecs=50 eth:rx-usecs=50 eth:tx-usecs=50"
	# only g1 coalesces: per-guest tokens
	# "ours-g1 dom0=ours guest=ours vif.g1:tx-usecs=100 eth.g1:rx-usecs=50"
)

WORKLOADS=(
	"udp-50M udp dir=rx rate=50M t=3 guests=g1"
	"udp-200M udp dir=rx rate=200M t=3 guests=g1"
	"ul-udp underload proto=udp mps=2000 t=3 guests=g2"
	"mixed mixed bulk=g1 pingpong=g2 dir=rx t=4"
	"ping ping count=5 interval=0.5"
)
