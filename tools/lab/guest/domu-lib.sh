# SPDX-License-Identifier: GPL-2.0
# Helpers the domU agent runs on dom0's behalf (busybox sh).
# shellcheck shell=sh
# ncl_ip comes from the kernel command line (domu-init)
# shellcheck disable=SC2154

NCL_DOM0_IP=10.0.0.1

ncl_wait_dev() { # ncl_wait_dev DEV
	n=0
	while ! ip link show "$1" > /dev/null 2>&1 && [ $n -lt 200 ]; do sleep 0.1; n=$((n + 1)); done
	ip link show "$1" > /dev/null 2>&1
}

ncl_ifup() {
	ncl_wait_dev eth0 || { echo "no eth0"; return 1; }
	ip link set lo up
	ip link set eth0 up
	ip addr add "$ncl_ip/24" dev eth0 2>/dev/null
	n=0
	until ping -c1 -W1 "$NCL_DOM0_IP" > /dev/null 2>&1 || [ $n -ge 30 ]; do n=$((n + 1)); done
	[ $n -lt 30 ] || { echo "no ping reply from dom0"; return 1; }
}

# ncl_netfront stock|ours QUEUES [PARAMS] : (re)load netfront and bring eth0 up
ncl_netfront() {
	flav=$1 q=${2:-1} extra=${3:-}
	if grep -q '^xen_netfront ' /proc/modules; then
		ip link set eth0 down 2>/dev/null
		# xenbus holds a module reference per bound device: unbind first
		for d in /sys/bus/xen/drivers/vif/vif-*; do
			[ -e "$d" ] && echo "${d##*/}" > /sys/bus/xen/drivers/vif/unbind
		done
		rmmod xen-netfront || { echo "rmmod xen-netfront failed"; return 1; }
	fi
	case $flav in
	stock) ko=/lib/stock/xen-netfront.ko ;;
	ours) ko=/lib/netcoal/xen-netfront.ko ;;
	*) echo "unknown flavour $flav"; return 1 ;;
	esac
	[ -f "$ko" ] || { echo "missing $ko"; return 1; }
	# shellcheck disable=SC2086
	insmod "$ko" max_queues="$q" $extra || { echo "insmod $ko failed"; return 1; }
	echo "netfront flavour=$flav version=$(cat /sys/module/xen_netfront/version 2>/dev/null || echo none)"
	ncl_ifup
}

# ncl_iperf rx|tx SECS PORT tcp|udp STREAMS RATE [LEN [PACING_US]]
ncl_iperf() {
	r=""; [ "$1" = rx ] && r=-R
	u=""; [ "$4" = udp ] && u="-u -b $6 -l ${7:-1400} --pacing-timer ${8:-1000}"
	# shellcheck disable=SC2086
	iperf3 -c "$NCL_DOM0_IP" -p "$3" -t "$2" -i 0 -J -P "$5" $r $u
}

# ncl_sockperf ping-pong|under-load udp|tcp SECS PORT MSG MPS : MPS 0 =
# no limit (ping-pong); sockperf sizes its sample array by MPS x SECS, so
# concurrent ping-pong clients pass a limit above their natural rate
ncl_sockperf() {
	t=""; [ "$2" = tcp ] && t=--tcp
	m=""; [ "${6:-0}" != 0 ] && m="--mps=$6"
	# shellcheck disable=SC2086
	sockperf "$1" $t -i "$NCL_DOM0_IP" -p "$4" -t "$3" -m "$5" --full-rtt --no-rdtsc $m 2>&1
}

ncl_ping() { # ncl_ping DEST COUNT INTERVAL
	ping -c "$2" -i "$3" -W 2 "$1"
}

# ncl_bg NAME CMD... : run CMD in the background (for lifecycle tests the
# agent must stay responsive while traffic runs)
ncl_bg() {
	n=$1; shift
	rm -f "/tmp/bg-$n.rc"
	( eval "$*" > "/tmp/bg-$n.out" 2>&1; echo $? > "/tmp/bg-$n.rc" ) &
	echo $! > "/tmp/bg-$n.pid"
	echo "started $n pid $(cat "/tmp/bg-$n.pid")"
}

# ncl_bgwait NAME [TIMEOUT] : wait for it, print its output, return its rc
ncl_bgwait() {
	n=$1; to=${2:-120}; i=0
	while [ ! -f "/tmp/bg-$n.rc" ] && [ $i -lt $((to * 5)) ]; do sleep 0.2; i=$((i + 1)); done
	cat "/tmp/bg-$n.out" 2>/dev/null
	[ -f "/tmp/bg-$n.rc" ] || { kill "$(cat "/tmp/bg-$n.pid")" 2>/dev/null; echo "bg $n timed out"; return 124; }
	return "$(cat "/tmp/bg-$n.rc")"
}

# ncl_ping_ok DEST [TRIES] : true once a ping gets through (traffic resumed)
ncl_ping_ok() {
	i=0
	while [ $i -lt "${2:-20}" ]; do
		ping -c 1 -W 1 "$1" > /dev/null 2>&1 && return 0
		i=$((i + 1))
	done
	return 1
}

# ncl_redis_start : a redis-server on port 6379, no persistence (once)
ncl_redis_start() {
	if ! pidof redis-server > /dev/null; then
		redis-server --port 6379 --bind 0.0.0.0 --protected-mode no --save "" \
			--appendonly no --daemonize yes --pidfile /tmp/redis.pid \
			--logfile /tmp/redis.log --dir /tmp || return 1
	fi
	n=0
	until redis_ping || [ $n -ge 50 ]; do sleep 0.2; n=$((n + 1)); done
	[ $n -lt 50 ] || { cat /tmp/redis.log; return 1; }
	echo "redis-server $(redis-server --version | cut -d' ' -f3) up"
}
redis_ping() { printf 'PING\r\n' | nc -w 1 127.0.0.1 6379 2>/dev/null | grep -q PONG; }

# ncl_pp_flows N udp|tcp SECS PORT MSG : N concurrent sockperf ping-pong
# flows (closed loops, each at most 20000 round trips a second: a flow
# here makes ~4000, so the limit never paces), each result after a
# "@@FLOW k" line
ncl_pp_flows() {
	k=1
	while [ $k -le "$1" ]; do
		ncl_sockperf ping-pong "$2" "$3" "$4" "$5" 20000 > "/tmp/ppf-$k.txt" 2>&1 &
		k=$((k + 1))
	done
	wait
	k=1; rc=0
	while [ $k -le "$1" ]; do
		echo "@@FLOW $k"
		cat "/tmp/ppf-$k.txt"
		grep -q "percentile 50.000" "/tmp/ppf-$k.txt" || rc=1
		k=$((k + 1))
	done
	return $rc
}
