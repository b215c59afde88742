#!/bin/sh
# Example GUEST_SCRIPT: runs in each guest (busybox sh) as workload "user".
# Env: NCL_CFG NCL_WL NCL_GUEST DOM0_IP IPERF_PORT SOCKPERF_UDP_PORT
# SOCKPERF_TCP_PORT (servers in dom0 for this guest); iperf3, sockperf,
# ethtool and ping exist.
echo "guest $NCL_GUEST config $NCL_CFG"
ping -c 3 -i 0.2 "$DOM0_IP" | tail -2
iperf3 -c "$DOM0_IP" -p "$IPERF_PORT" -t 1 -i 0 2>&1 | tail -3
