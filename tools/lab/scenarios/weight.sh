# SPDX-License-Identifier: GPL-2.0
# The configured poll weight (sysfs weight, vif and eth) at 64, 16 and 8
# with our defaults, and at 64 and 16 under the adaptive controller (which
# polls in bites of 16 below the configured weight while it adds no
# delay), on bulk TCP both ways, ping-pong and the paced UDP stream.
#   SCENARIO=tools/lab/scenarios/weight.sh REPEAT=2 tools/lab/lab.sh run
# shellcheck shell=bash disable=SC2034
SCENARIO_NAME=weight
BOOT_TIMEOUT=3000
GUESTS=(g1)
QUEUES_g1=1
FLAVOUR_g1=stock
ALL_ADAPTIVE="vif:adaptive-rx=on vif:adaptive-tx=on eth:adaptive-rx=on eth:adaptive-tx=on"
W16="vifsys:weight=16 ethsys:weight=16"
W8="vifsys:weight=8 ethsys:weight=8"
CONFIGS=(
	"ours-w64 dom0=ours guest=ours"
	"ours-w16 dom0=ours guest=ours $W16"
	"ours-w8 dom0=ours guest=ours $W8"
	"adaptive-w64 dom0=ours guest=ours $ALL_ADAPTIVE"
	"adaptive-w16 dom0=ours guest=ours $ALL_ADAPTIVE $W16"
)
WORKLOADS=(
	"bulk-rx bulk dir=rx t=3"
	"bulk-tx bulk dir=tx t=3"
	"pp-udp pingpong proto=udp t=2"
	"pp-tcp pingpong proto=tcp t=2"
	"udp-rx-paced udp dir=rx rate=100M len=1400 pacing=10 t=2"
)
