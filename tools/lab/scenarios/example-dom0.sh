#!/bin/bash
# Example DOM0_SCRIPT: runs in dom0 as workload "user" after each
# configuration. Env: NCL_CFG NCL_WL NCL_POINT NCL_GUESTS DOM0_IP.
echo "config $NCL_CFG, guests: $NCL_GUESTS"
for v in /sys/class/net/vif*; do
	[ -e "$v" ] || continue
	ethtool -c "${v##*/}" 2>&1 | head -12
done
