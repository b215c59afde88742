# SPDX-License-Identifier: GPL-2.0
# Why a domain's CPU time on the lab's 2-CPU host has two modes
# (tools/lab/README.md, "CPU time"): the same small-packet stream from the
# guest to dom0 with the guest's vCPU pinned beside dom0's (one physical
# CPU busy at a time) or on the other physical CPU (both busy: under
# -icount each runs at half speed in virtual time), once with sockperf
# under-load (busy-waits for its pacing) and once with ncl-udpgen (sleeps).
#   make lab SCENARIO=tools/lab/scenarios/cpu-modes.sh
#   make lab SCENARIO=tools/lab/scenarios/cpu-modes.sh LAB_PCPUS=1  (no pins)
# shellcheck shell=bash disable=SC2034
SCENARIO_NAME=cpu-modes
GUESTS=(g1)
QUEUES_g1=1
FLAVOUR_g1=stock
if [ "$(xl info 2>/dev/null | sed -n 's/^nr_cpus *: //p')" = 1 ]; then
	CONFIGS=("one-pcpu dom0=stock guest=stock" "one-pcpu-again dom0=stock guest=stock")
else
	CONFIGS=(
		"same-pcpu dom0=stock guest=stock vcpupin.dom0:0 vcpupin.g1:0"
		"other-pcpu dom0=stock guest=stock vcpupin.dom0:0 vcpupin.g1:1"
		"same-pcpu-again dom0=stock guest=stock vcpupin.dom0:0 vcpupin.g1:0"
	)
fi
WORKLOADS=(
	"sockperf-30k underload proto=udp msg=64 mps=30000 t=4"
	"udpgen-30k open dir=tx rate=30000 msg=64 t=4"
)
