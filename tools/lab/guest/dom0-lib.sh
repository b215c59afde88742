# SPDX-License-Identifier: GPL-2.0
# dom0 side of the lab: toolstack bring-up, module flavours, guest lifecycle,
# the xenstore command channel to the guest agents, configurations,
# workloads and measurement points. Sourced by /init (bash).
# shellcheck shell=bash

# shellcheck source=tools/lab/guest/snap.sh
. /lab/snap.sh

KVER=$(uname -r)
OURS_DIR=/lib/netcoal
BRIDGE=xenbr0
DOM0_IP=10.0.0.1
CONSOLE_DIR=/var/log/xen/console
RES=/results
SEQ=0
NCL_PID=$BASHPID	# the shell that numbers guest commands (g_send)
CUR_NB=""		# flavour of the loaded xen-netback
POINT_NO=0
GUEST_READY_TIMEOUT=${GUEST_READY_TIMEOUT:-400}
MAX_GUESTS=8		# guest indexes 1..8: 10.0.0.11-18, servers on ports 520N/1111N/1112N
UDPGEN_PORT=9000	# ncl-udpgen sinks in dom0 and in every guest
CMD_TIMEOUT=${CMD_TIMEOUT:-300}

up() { cut -d' ' -f1 /proc/uptime; }
# the timers this boot runs with: "tuned" when the host booted dom0 with a
# lowered Xen clockevent minimum (80-boot.sh, TIMERS=tuned), else "default"
lab_timers() { case " $(cat /proc/cmdline) " in *" xen_timer_slop="*) echo tuned ;; *) echo default ;; esac; }
say() { echo "@@NCL $*"; }
note() { echo "@@NCL [$(up)] $*"; }

# ---------------------------------------------------------------- finish ---
# ship_results [quiet] : tar /results onto the results disk, or base64 on
# the serial console when there is no disk. Quiet (after a point): at most
# every SHIP_EVERY seconds, so a boot that later hangs still leaves its
# data without a tar and gzip of the growing tree after every point (under
# TCG that grew to a quarter of a second a point, all of it CPU).
SHIP_EVERY=${SHIP_EVERY:-20}
SHIP_LAST=0
ship_results() {
	local f=/tmp/results.tgz size sum q=${1:-}
	if [ -n "$q" ]; then
		[ $((SECONDS - SHIP_LAST)) -ge "$SHIP_EVERY" ] || return 0
		SHIP_LAST=$SECONDS
	fi
	dmesg > "$RES/dom0-dmesg.txt" 2>&1
	mkdir -p "$RES/console"
	cp "$CONSOLE_DIR"/*.log "$RES/console/" 2>/dev/null
	tar czf "$f" -C "$RES" . 2>/dev/null
	size=$(stat -c %s "$f")
	sum=$(sha256sum "$f" | cut -d' ' -f1)
	if [ -b /dev/vda ]; then
		{ printf 'NCLRES %s %s\n' "$size" "$sum"; head -c 500 /dev/zero; } | head -c 512 > /tmp/hdr
		cat /tmp/hdr "$f" > /dev/vda && sync
		[ -n "$q" ] || say "RESULTS-DISK size=$size sha256=$sum"
	elif [ -z "$q" ]; then
		say "RESULTS-B64-BEGIN size=$size sha256=$sum"
		base64 -w 76 "$f"
		say "RESULTS-B64-END"
	fi
}

finish() { # finish PASS|FAIL REASON
	trap - EXIT
	local st=$1 why=${2:-}
	local n
	n=$(dmesg | grep -cE "$NCL_KWARN_RE")
	if [ "$n" != 0 ]; then
		say "dom0 kernel log has $n WARN/BUG/Oops lines:"
		dmesg | grep -E "$NCL_KWARN_RE" | head -20 | sed 's/^/@@NCL-KWARN dom0 /'
		st=FAIL; why="${why:+$why; }dom0 kernel warnings"
	fi
	for f in "$CONSOLE_DIR"/guest-*.log; do
		[ -f "$f" ] || continue
		n=$(tr -d '\r' < "$f" | grep -E "$NCL_KWARN_RE" | grep -cv '^@@')
		if [ "$n" != 0 ]; then
			say "${f##*/} has $n WARN/BUG/Oops lines:"
			tr -d '\r' < "$f" | grep -E "$NCL_KWARN_RE" | grep -v '^@@' | head -20 | sed "s|^|@@NCL-KWARN ${f##*/} |"
			st=FAIL; why="${why:+$why; }guest kernel warnings"
		fi
	done
	echo "$st $why" > "$RES/status"
	ship_results
	echo "@@NCL-RESULT $st ${why}"
	sync
	sleep 1
	echo b > /proc/sysrq-trigger
	reboot -f
}

# -------------------------------------------------------------- bootstrap ---
dom0_bootstrap() {
	echo 1 > /proc/sys/kernel/sysrq
	dmesg -n 5
	modprobe xenfs && mount -t xenfs xenfs /proc/xen || return 1
	modprobe -a xen-evtchn xen-gntdev xen-gntalloc xen-privcmd bridge || return 1
	modprobe -a virtio_pci virtio_blk 2>/dev/null
	mkdir -p /run/xen "$CONSOLE_DIR" /var/lib/xen /var/lib/xenstored /var/run/xen
	xenstored --pid-file /run/xen/xenstored.pid || return 1
	local i
	for i in $(seq 50); do [ -s /run/xen/xenstored.pid ] && break; sleep 0.2; done
	xen-init-dom0 > /tmp/xen-init-dom0.log 2>&1 || { cat /tmp/xen-init-dom0.log; return 1; }
	xenconsoled --log=guest --log-dir="$CONSOLE_DIR" --pid-file=/run/xen/xenconsoled.pid || return 1
	ip link set lo up
	ip link add name "$BRIDGE" type bridge stp_state 0 forward_delay 0
	ip addr add "$DOM0_IP/24" dev "$BRIDGE"
	ip link set "$BRIDGE" up
	# the sink of every open-loop stream a guest sends (ncl-udpgen)
	ncl-udpgen sink -p "$UDPGEN_PORT" -b "$DOM0_IP" -D || return 1
	# one iperf3 and two sockperf servers per possible guest
	local k
	for k in $(seq "$MAX_GUESTS"); do
		iperf3 -s -D -p $((5200 + k)) -B "$DOM0_IP"
		nohup sockperf server -i "$DOM0_IP" -p $((11110 + k)) > "/tmp/sockperf-udp-$k.log" 2>&1 &
		nohup sockperf server --tcp -i "$DOM0_IP" -p $((11120 + k)) > "/tmp/sockperf-tcp-$k.log" 2>&1 &
	done
	{
		echo "kver $KVER"
		xl info | grep -E 'xen_version|xen_commandline|nr_cpus|total_memory'
		echo "lab_commit ${LAB_COMMIT:-unknown}"
		echo "dom0_cmdline $(cat /proc/cmdline)"
	} > "$RES/meta.txt"
	note "toolstack up ($(xl info | sed -n 's/^xen_version *: //p'))"
}

# ---------------------------------------------------------- netback swap ---
# ko_deps KO: load what an out-of-tree module depends on.
ko_deps() {
	local d
	d=$(modinfo -F depends "$1" 2>/dev/null | tr ',' ' ')
	# shellcheck disable=SC2086
	[ -n "$d" ] && modprobe -a $d
	return 0
}

# netback_load stock|ours : (re)load xen-netback; only possible with no vif.
netback_load() {
	local flav=$1 q=${NB_MAX_QUEUES:-2}
	[ "$CUR_NB" = "$flav" ] && return 0
	if [ -n "$CUR_NB" ] || grep -q '^xen_netback ' /proc/modules; then
		rmmod xen-netback || { note "rmmod xen-netback failed"; return 1; }
	fi
	case $flav in
	stock)	modprobe xen-netback max_queues="$q" || return 1 ;;
	ours)	[ -f $OURS_DIR/xen-netback.ko ] || { note "no $OURS_DIR/xen-netback.ko"; return 1; }
		ko_deps $OURS_DIR/xen-netback.ko
		# shellcheck disable=SC2086
		insmod $OURS_DIR/xen-netback.ko max_queues="$q" ${NETBACK_PARAMS:-} || return 1 ;;
	*)	note "unknown netback flavour '$flav'"; return 1 ;;
	esac
	CUR_NB=$flav
	note "xen-netback flavour=$flav version=$(cat /sys/module/xen_netback/version 2>/dev/null || echo none)"
}

# ----------------------------------------------------------------- guests ---
# Guest table: GUEST_IDX_<name>, GUEST_Q_<name>, GUEST_FLAV_<name> (netfront)
declare -A G_IDX G_Q G_FLAV G_DOMID G_UP G_LOGOFF G_CMDOFF G_FLAVBOOT

guest_define() { # guest_define NAME IDX QUEUES FLAVOUR
	G_IDX[$1]=$2; G_Q[$1]=$3; G_FLAV[$1]=$4; G_UP[$1]=0
}
guest_ip() { echo "10.0.0.$((10 + G_IDX[$1]))"; }
guest_log() { echo "$CONSOLE_DIR/guest-$1.log"; }
guest_vifs() { # all vif devices of a running guest
	local d=${G_DOMID[$1]:-x}
	local v
	for v in /sys/class/net/vif"$d".*; do [ -e "$v" ] && echo "${v##*/}"; done
}
guest_vif() { echo "vif${G_DOMID[$1]}.0"; }

guest_write_cfg() {
	local n=$1 idx=${G_IDX[$1]}
	cat > "/etc/xen/$n.cfg" <<CFG
name    = "$n"
type    = "pv"
kernel  = "/boot/vmlinux"
ramdisk = "/boot/domu.cpio"
extra   = "console=hvc0 loglevel=5 cryptomgr.notests rdinit=/init ncl_name=$n ncl_ip=$(guest_ip "$n") ncl_flavour=${G_FLAV[$n]} ncl_queues=${G_Q[$n]}$([ "$(lab_timers)" = tuned ] && echo " xen_timer_slop=1000")"
memory  = ${GUEST_MEM:-256}
vcpus   = 1
vif     = [ 'bridge=$BRIDGE,mac=00:16:3e:00:00:0$idx' ]
on_crash = "destroy"
on_reboot = "restart"
CFG
}

# wait_log FILE OFFSET REGEX TIMEOUT : wait for REGEX after byte OFFSET.
wait_log() {
	local f=$1 off=$2 re=$3 to=$4 i=0
	while [ "$i" -lt $((to * 2)) ]; do
		[ -f "$f" ] && tail -c +$((off + 1)) "$f" | tr -d '\r' | grep -qE "$re" && return 0
		sleep 0.5
		i=$((i + 1))
	done
	return 1
}

log_size() { stat -c %s "$1" 2>/dev/null || echo 0; }

# guest_wait_ready NAME OFFSET
guest_wait_ready() {
	local n=$1 off=$2 t0
	t0=$(up)
	if ! wait_log "$(guest_log "$n")" "$off" '^@@NCL-GUEST-READY' "$GUEST_READY_TIMEOUT"; then
		note "guest $n not ready after ${GUEST_READY_TIMEOUT}s; console tail:"
		tail -c 3000 "$(guest_log "$n")" | tr -d '\r' | sed 's/^/  | /'
		return 1
	fi
	G_DOMID[$n]=$(xl domid "$n")
	G_UP[$n]=1
	ack_watch_start "$n"
	G_LOGOFF[$n]=$(log_size "$(guest_log "$n")")
	G_CMDOFF[$n]=""
	note "guest $n ready domid=${G_DOMID[$n]} (waited $(awk -v a="$t0" -v b="$(up)" 'BEGIN{print b-a}') s)"
}

guest_create() {
	local n=$1 off t0 out
	guest_write_cfg "$n"
	G_FLAVBOOT[$n]=${G_FLAV[$n]}	# what a reboot comes back with
	off=$(log_size "$(guest_log "$n")")
	t0=$(up)
	out=$(xl create "/etc/xen/$n.cfg" 2>&1) || { note "xl create $n failed: $out"; return 1; }
	note "xl create $n returned after $(awk -v a="$t0" -v b="$(up)" 'BEGIN{print b-a}') s"
	guest_wait_ready "$n" "$off"
}

guest_gone() { ! xl domid "$1" > /dev/null 2>&1; }

guest_destroy() {
	local n=$1 i
	ack_watch_stop "$n"
	xl destroy "$n" 2>/dev/null
	for i in $(seq 60); do guest_gone "$n" && break; sleep 0.5; done
	G_UP[$n]=0
	guest_gone "$n"
}

guest_shutdown() {
	local n=$1
	ack_watch_stop "$n"
	timeout 120 xl shutdown -w "$n" > /dev/null 2>&1 || { note "xl shutdown $n timed out"; guest_destroy "$n"; return 1; }
	G_UP[$n]=0
}

guest_reboot() {
	local n=$1 off old=${G_DOMID[$1]} i
	off=$(log_size "$(guest_log "$n")")
	ack_watch_stop "$n"
	xl reboot "$n" || return 1
	for i in $(seq 240); do
		d=$(xl domid "$n" 2>/dev/null)
		[ -n "$d" ] && [ "$d" != "$old" ] && break
		sleep 0.5
	done
	G_FLAV[$n]=${G_FLAVBOOT[$n]:-${G_FLAV[$n]}}
	guest_wait_ready "$n" "$off"
}

ensure_guests() { # create every defined guest that is not running
	local n
	for n in "${!G_IDX[@]}"; do
		[ "${G_UP[$n]}" = 1 ] && continue
		guest_create "$n" || return 1
	done
}

destroy_all_guests() {
	local n
	for n in "${!G_IDX[@]}"; do
		[ "${G_UP[$n]}" = 1 ] && guest_destroy "$n"
	done
	return 0
}

# ------------------------------------------------- guest command channel ---
# Commands go through xenstore (data/ncl/cmd = "SEQ CMD"), the guest agent
# runs them in order and prints "@@NCL-BEGIN SEQ" ... "@@NCL-END SEQ rc=RC"
# on its console, then writes data/ncl/ack = "SEQ RC".
g_send() { # g_send NAME CMD... ; sets GSEQ (never call it in $(...))
	local n=$1; shift
	# in a subshell the count is lost and the next command reuses the
	# number: g_wait would take the old ack and the guest skip it
	if [ "$BASHPID" != "$NCL_PID" ]; then
		local c="$*"
		note "guest $n: g_send in a subshell refused (${c:0:60})"
		return 1
	fi
	SEQ=$((SEQ + 1))
	GSEQ=$SEQ
	# the command's output comes after what the console log holds now:
	# g_wait reads from here, not the whole log since the guest's boot
	# (from the oldest command not yet waited for)
	[ -n "${G_CMDOFF[$n]:-}" ] || G_CMDOFF[$n]=$(log_size "$(guest_log "$n")")
	xenstore-write "/local/domain/${G_DOMID[$n]}/data/ncl/cmd" "$SEQ $*" || return 1
}

# A persistent xenstore watch on the guest's ack node feeds a FIFO; g_wait
# blocks on it (no polling, no race between a read and a new watch).
declare -A G_ACKFD G_WPID
ack_watch_start() {
	local n=$1 d=${G_DOMID[$1]} f fd
	f=/run/ncl-ack-$d
	rm -f "$f"; mkfifo "$f"
	exec {fd}<> "$f"
	G_ACKFD[$n]=$fd
	xenstore-watch "/local/domain/$d/data/ncl/ack" > "$f" 2> /dev/null &
	G_WPID[$n]=$!
}
ack_watch_stop() {
	local n=$1 fd=${G_ACKFD[$1]:-}
	[ -n "${G_WPID[$n]:-}" ] && kill "${G_WPID[$n]}" 2> /dev/null
	[ -n "$fd" ] && exec {fd}>&-
	G_WPID[$n]=""; G_ACKFD[$n]=""
}

# g_wait NAME SEQ TIMEOUT [OUTFILE] : returns the command's exit code
g_wait() {
	local n=$1 seq=$2 to=${3:-$CMD_TIMEOUT} out=${4:-/dev/stdout} ack="" f end rem i off o
	f=$(guest_log "$n")
	off=${G_CMDOFF[$n]:-${G_LOGOFF[$n]:-0}}
	end=$((SECONDS + to))
	while :; do
		ack=$(xenstore-read "/local/domain/${G_DOMID[$n]}/data/ncl/ack" 2>/dev/null)
		[ "${ack%% *}" = "$seq" ] && break
		rem=$((end - SECONDS))
		if [ "$rem" -le 0 ]; then
			note "guest $n: command $seq timed out after ${to}s"
			return 124
		fi
		read -r -t "$rem" -u "${G_ACKFD[$n]}" _ || true
	done
	# the console log may lag the xenstore ack a little: one pass takes
	# the output and says whether the END marker was there yet; it is
	# written once (OUTFILE may be a pipe)
	for i in $(seq 400); do
		o=$(tail -c +$((off + 1)) "$f" | awk -v s="$seq" '{ sub(/\r$/, "") }
			$0 ~ "^@@NCL-END " s " " { e = 1; exit } p { print } $0 == "@@NCL-BEGIN " s { p = 1 }
			END { exit !e }') && break
		sleep 0.05
	done
	[ "$i" = 400 ] && note "guest $n: no END marker for $seq"
	if [ -n "$o" ]; then printf '%s\n' "$o" > "$out"; else : > "$out"; fi
	G_CMDOFF[$n]=""
	return "${ack#* }"
}

g_run() { # g_run NAME CMD... : run and wait; output on stdout
	local n=$1; shift
	g_send "$n" "$@" || return 1
	g_wait "$n" "$GSEQ" "$CMD_TIMEOUT"
}

# ---------------------------------------------------------------- points ---
# the hypervisor's CPU counters in ns (ncl-cputime) replace `xl list`'s
# 0.1 s figures; every vif's `ethtool -c` is in dom0_settings' file
dom0_snapshot() {
	ncl_snapshot
	cpu_sample
}

# cpu_sample : one ncl-cputime sample from the sampler started once for
# the boot (ncl-cputime -w, a coprocess), else from a run of its own
cpu_sample() {
	local l
	if [ -z "${CPU_SAMPLER_PID:-}" ] || ! kill -0 "$CPU_SAMPLER_PID" 2> /dev/null; then
		coproc CPU_SAMPLER { exec ncl-cputime -w; }
	fi
	# a sampler that died (no hypervisor interface) must not take this
	# shell with it through SIGPIPE: the write fails, a run of its own says why
	trap '' PIPE
	if [ -n "${CPU_SAMPLER_PID:-}" ] && echo 2> /dev/null 1>&"${CPU_SAMPLER[1]}"; then
		trap - PIPE
		while read -r l <&"${CPU_SAMPLER[0]}"; do
			[ "$l" = . ] && return 0
			echo "$l"
		done
	fi
	trap - PIPE
	ncl-cputime || echo "xc/error 1"
}

# cpu_mark begin|end : hypervisor CPU time and the vifs' packet counters,
# taken right around a workload's traffic (the snapshots around it run
# commands in every domain, which must not count as the traffic's CPU).
# The hypervisor's sample is the window's edge: taken last at the begin
# and first at the end, from the running sampler, with only shell builtins
# on the inside (a process start is milliseconds of dom0 CPU under TCG).
cpu_mark() {
	local v x y u
	{
		if [ "$1" = end ]; then cpu_sample; fi
		read -r u _ < /proc/uptime
		echo "uptime $u"
		for v in /sys/class/net/vif*; do
			[ -e "$v" ] || continue
			read -r x < "$v/statistics/rx_packets"
			read -r y < "$v/statistics/tx_packets"
			echo "net/${v##*/}/rx_packets $x"
			echo "net/${v##*/}/tx_packets $y"
		done
		if [ "$1" = begin ]; then cpu_sample; fi
	} > "$PDIR/cpu.$1"
}

# point_begin CFG WL : create the point dir and take the "before" snapshots
point_begin() {
	POINT_NO=$((POINT_NO + 1))
	PDIR=$RES/points/$(printf '%03d' $POINT_NO)_$1_$2
	mkdir -p "$PDIR"
	printf 'config %s\nworkload %s\nspec %s\nconfig_spec %s\ntimers %s\n' "$1" "$2" "${WL_SPEC:-}" "${CFG_SPEC:-}" "$(lab_timers)" > "$PDIR/point.txt"
	local n
	for n in "${!G_IDX[@]}"; do
		[ "${G_UP[$n]}" = 1 ] || continue
		printf 'guest %s domid=%s vif=%s flavour=%s queues=%s\n' "$n" "${G_DOMID[$n]}" "$(guest_vif "$n")" "${G_FLAV[$n]}" "${G_Q[$n]}" >> "$PDIR/point.txt"
		if [ -s "${SNAP_FROM:-/nonexistent}/$n.after" ]; then
			cp "$SNAP_FROM/$n.after" "$PDIR/$n.before"
		else
			g_run "$n" ncl_snapshot > "$PDIR/$n.before"
		fi
	done
	printf 'netback %s\nselected %s\n' "$CUR_NB" "${gs[*]:-}" >> "$PDIR/point.txt"
	dom0_settings
	if [ -s "${SNAP_FROM:-/nonexistent}/dom0.after" ]; then
		cp "$SNAP_FROM/dom0.after" "$PDIR/dom0.before"
		echo "before_from ${SNAP_FROM##*/}" >> "$PDIR/point.txt"
	else
		dom0_snapshot > "$PDIR/dom0.before"
	fi
	SNAP_FROM=""
}

# every vif's `ethtool -c` as printed: the settings the point ran with (the
# counters, `ethtool -S` and /proc/interrupts are in the snapshots)
dom0_settings() {
	local v
	for v in /sys/class/net/vif*; do
		[ -e "$v" ] || continue
		ethtool -c "${v##*/}" > "$PDIR/dom0-ethtool-c-${v##*/}.txt" 2>&1
	done
}

point_end() {
	local n
	dom0_snapshot > "$PDIR/dom0.after"
	for n in "${!G_IDX[@]}"; do
		[ "${G_UP[$n]}" = 1 ] || continue
		g_run "$n" ncl_snapshot > "$PDIR/$n.after"
	done
	note "point $(basename "$PDIR") done"
	ship_results quiet
}

# ------------------------------------------------------------- workloads ---
# kv KEY DEFAULT SPEC... : value of KEY=... in a workload/config spec
kv() {
	local k=$1 def=$2 w; shift 2
	for w in "$@"; do
		case $w in "$k="*) echo "${w#*=}"; return ;; esac
	done
	echo "$def"
}

wl_guests() { # guests a workload runs on (guests=a,b or all)
	local g
	g=$(kv guests all "$@")
	if [ "$g" = all ]; then
		printf '%s\n' "${!G_IDX[@]}" | sort
	else
		echo "$g" | tr ',' '\n'
	fi
}

# start a client-side command in every selected guest, then wait for all
# run_in_guests SUFFIX CMD-TEMPLATE (with @IDX@ substituted) GUESTS...
run_in_guests() {
	local suf=$1 tmpl=$2 n c rc=0; shift 2
	declare -A seqs
	for n in "$@"; do
		c=${tmpl//@IDX@/${G_IDX[$n]}}
		g_send "$n" "$c"
		seqs[$n]=$GSEQ
	done
	for n in "$@"; do
		g_wait "$n" "${seqs[$n]}" "$CMD_TIMEOUT" "$PDIR/$n.$suf" || { rc=1; note "guest $n: '$tmpl' failed"; }
	done
	return $rc
}

run_workload() { # run_workload CFG NAME TYPE ARGS...
	local cfg=$1 name=$2 type=$3 rc=0; shift 3
	local t gs
	t=$(kv t 5 "$@")
	mapfile -t gs < <(wl_guests "$@")
	WL_SPEC="$type $*"
	point_begin "$cfg" "$name"
	cpu_mark begin
	case $type in
	bulk)	# TCP bulk; dir=rx: dom0 -> guest, dir=tx: guest -> dom0
		run_in_guests iperf3.json "ncl_iperf $(kv dir rx "$@") $t 520@IDX@ tcp $(kv streams 1 "$@") 0" "${gs[@]}" || rc=1 ;;
	udp)	# fixed offered load (iperf3 -u -b RATE)
		run_in_guests iperf3.json "ncl_iperf $(kv dir rx "$@") $t 520@IDX@ udp 1 $(kv rate 100M "$@") $(kv len 1400 "$@") $(kv pacing 1000 "$@")" "${gs[@]}" || rc=1 ;;
	pingpong) # sockperf ping-pong, percentiles
		local p
		p=$(kv proto udp "$@")
		run_in_guests sockperf.txt "ncl_sockperf ping-pong $p $t $([ "$p" = tcp ] && echo 1112@IDX@ || echo 1111@IDX@) $(kv msg 64 "$@") 0" "${gs[@]}" || rc=1 ;;
	underload) # sockperf under-load at a fixed message rate
		local p
		p=$(kv proto udp "$@")
		run_in_guests sockperf.txt "ncl_sockperf under-load $p $t $([ "$p" = tcp ] && echo 1112@IDX@ || echo 1111@IDX@) $(kv msg 64 "$@") $(kv mps 10000 "$@")" "${gs[@]}" || rc=1 ;;
	mixed)	# one guest bulk while another does ping-pong
		local b pp s1 s2
		b=$(kv bulk g1 "$@"); pp=$(kv pingpong g2 "$@")
		if [ -z "${G_IDX[$b]:-}" ] || [ -z "${G_IDX[$pp]:-}" ]; then
			note "mixed needs guests $b and $pp"; rc=1
		else
			g_send "$b" "ncl_iperf $(kv dir rx "$@") $((t + 2)) 520${G_IDX[$b]} tcp 1 0"
			s1=$GSEQ
			sleep 1
			g_send "$pp" "ncl_sockperf ping-pong $(kv proto udp "$@") $t 1111${G_IDX[$pp]} 64 0"
			s2=$GSEQ
			g_wait "$pp" "$s2" "$CMD_TIMEOUT" "$PDIR/$pp.sockperf.txt" || rc=1
			g_wait "$b" "$s1" "$CMD_TIMEOUT" "$PDIR/$b.iperf3.json" || rc=1
		fi ;;
	ping)	# sparse ping both ways
		local c i
		c=$(kv count 5 "$@"); i=$(kv interval 0.5 "$@")
		run_in_guests ping.txt "ncl_ping $DOM0_IP $c $i" "${gs[@]}" || rc=1
		for n in "${gs[@]}"; do
			ping -c "$c" -i "$i" -W 2 "$(guest_ip "$n")" > "$PDIR/dom0-$n.ping.txt" 2>&1 || rc=1
		done ;;
	open)	# open-loop UDP stream at a fixed rate (ncl-udpgen, paced by
		# sleeping; arrivals=const|poisson spacing); dir=rx: dom0 -> guest, dir=tx: guest -> dom0,
		# peer=GUEST: each selected guest -> that guest; rr=RATE adds a
		# request/response probe, pp=udp|tcp a sockperf ping-pong, in
		# every selected guest meanwhile
		wl_open "$t" "$@" || rc=1 ;;
	redis)	# clients=C connections of redis-benchmark in dom0 to a
		# redis-server in each guest (GET and SET, no pipelining)
		wl_redis "$t" "$@" || rc=1 ;;
	ppflows) # flows=N concurrent sockperf ping-pong clients in each guest
		run_in_guests sockperf.txt "ncl_pp_flows $(kv flows 8 "$@") $(kv proto udp "$@") $t $([ "$(kv proto udp "$@")" = tcp ] && echo 1112@IDX@ || echo 1111@IDX@) $(kv msg 64 "$@")" "${gs[@]}" || rc=1 ;;
	idle)	sleep "$t" ;;
	script)	# user scripts: DOM0_SCRIPT in dom0, GUEST_SCRIPT in each guest
		local n gi=""
		if [ -x /lab/user/guest.sh ]; then
			declare -A us
			for n in "${gs[@]}"; do
				g_send "$n" "NCL_CFG=$cfg NCL_WL=$name NCL_GUEST=$n DOM0_IP=$DOM0_IP IPERF_PORT=520${G_IDX[$n]} SOCKPERF_UDP_PORT=1111${G_IDX[$n]} SOCKPERF_TCP_PORT=1112${G_IDX[$n]} sh /lab/user/guest.sh"
				us[$n]=$GSEQ
			done
			gi=1
		fi
		if [ -x /lab/user/dom0.sh ]; then
			NCL_CFG=$cfg NCL_WL=$name NCL_POINT=$PDIR NCL_GUESTS="${gs[*]}" DOM0_IP=$DOM0_IP \
				timeout "$CMD_TIMEOUT" /lab/user/dom0.sh > "$PDIR/dom0-script.out" 2>&1 || rc=1
		fi
		if [ -n "$gi" ]; then
			for n in "${gs[@]}"; do g_wait "$n" "${us[$n]}" "$CMD_TIMEOUT" "$PDIR/$n-script.out" || rc=1; done
		fi ;;
	*)	note "unknown workload type '$type'"; rc=1 ;;
	esac
	cpu_mark end
	for n in "$PDIR"/*.iperf3.json; do
		[ -f "$n" ] && grep -q '"error"' "$n" && { note "$(basename "$n"): $(grep -o '"error":.*' "$n")"; rc=1; }
	done
	point_end
	echo "rc $rc" >> "$PDIR/point.txt"
	return $rc
}

# wl_open SECS SPEC... : the open workload (see run_workload). Each sender
# (a stream, and with rr=RATE a request/response probe: RATE requests a
# second, every one echoed) writes one "udpgen ..." line into
# $PDIR/<guest>.udpgen.txt (stream) or <guest>.udprr.txt (probe).
wl_open() {
	local t=$1 rc=0 n dst pp rr kind f; shift
	local rate msg every dir peer arr
	rate=$(kv rate 10000 "$@"); msg=$(kv msg 64 "$@"); every=$(kv echo 50 "$@")
	arr=$(kv arrivals const "$@")	# ncl-udpgen -a checks it
	dir=$(kv dir rx "$@"); peer=$(kv peer "" "$@"); pp=$(kv pp "" "$@"); rr=$(kv rr "" "$@")
	if [ -n "$peer" ] && [ "${G_UP[$peer]:-0}" != 1 ]; then
		note "open: peer guest $peer is not running"; return 1
	fi
	declare -A bg
	for n in "${gs[@]}"; do
		if [ -n "$peer" ]; then dst=$(guest_ip "$peer"); elif [ "$dir" = tx ]; then dst=$DOM0_IP; else dst=$(guest_ip "$n"); fi
		for kind in udpgen ${rr:+udprr}; do
			if [ "$kind" = udpgen ]; then
				f="-r $rate -s $msg -e $every -f ${G_IDX[$n]} -a $arr"
			else
				f="-r $rr -s 64 -e 1 -f $((100 + G_IDX[$n]))"
			fi
			if [ -z "$peer" ] && [ "$dir" = rx ]; then
				# shellcheck disable=SC2086
				ncl-udpgen send -d "$dst" -p "$UDPGEN_PORT" -t "$t" $f > "$PDIR/$n.$kind.txt" 2>&1 &
				bg[$n.$kind]=$!
			else
				g_run "$n" "ncl_bg $kind ncl-udpgen send -d $dst -p $UDPGEN_PORT -t $t $f" > /dev/null || rc=1
			fi
		done
	done
	if [ -n "$pp" ]; then
		run_in_guests sockperf.txt "ncl_sockperf ping-pong $pp $t $([ "$pp" = tcp ] && echo 1112@IDX@ || echo 1111@IDX@) 64 0" "${gs[@]}" || rc=1
	fi
	# a sender that could not hand every packet to its stack (ENOBUFS)
	# exits 1 but has measured: that is loss, reported as such; a sender
	# without a result line has failed
	for n in "${gs[@]}"; do
		for kind in udpgen ${rr:+udprr}; do
			if [ -n "${bg[$n.$kind]:-}" ]; then
				wait "${bg[$n.$kind]}"
			else
				g_run "$n" "ncl_bgwait $kind $((t + 30))" > "$PDIR/$n.$kind.txt"
			fi
			grep -q '^udpgen .* sink_recv=[0-9]' "$PDIR/$n.$kind.txt" ||
				{ rc=1; note "open: $kind of $n failed: $(tail -n 1 "$PDIR/$n.$kind.txt")"; }
		done
	done
	return $rc
}

# wl_redis SECS SPEC... : redis-benchmark in dom0 against each guest's
# redis-server; requests=N per test (default 5000 x SECS)
wl_redis() {
	local t=$1 rc=0 n c req size; shift
	c=$(kv clients 50 "$@"); size=$(kv size 32 "$@"); req=$(kv requests $((5000 * t)) "$@")
	declare -A bg
	for n in "${gs[@]}"; do
		g_run "$n" ncl_redis_start > "/tmp/redis-$n.txt" || { cat "/tmp/redis-$n.txt"; note "guest $n: redis-server did not start"; return 1; }
	done
	for n in "${gs[@]}"; do
		redis-benchmark -h "$(guest_ip "$n")" -p 6379 -c "$c" -n "$req" -d "$size" -t get,set -P 1 --csv > "$PDIR/$n.redis.csv" 2>&1 &
		bg[$n]=$!
	done
	for n in "${gs[@]}"; do
		wait "${bg[$n]}" || { rc=1; note "redis-benchmark against $n failed: $(tail -n 2 "$PDIR/$n.redis.csv")"; }
	done
	return $rc
}

# ---------------------------------------------------------- configuration ---

# apply_config NAME TOKENS... (see tools/lab/README.md)
apply_config() {
	local name=$1 w n f v dev rc=0; shift
	local nb gf
	CFG_SPEC="$*"
	nb=$(kv dom0 "${CUR_NB:-stock}" "$@")
	gf=$(kv guest "" "$@")
	if [ "$nb" != "$CUR_NB" ]; then
		destroy_all_guests
		netback_load "$nb" || return 1
	fi
	local want gq
	# guests (re)created now boot straight into the wanted netfront
	for n in "${!G_IDX[@]}"; do
		[ "${G_UP[$n]}" = 1 ] && continue
		want=${gf:-${G_FLAV[$n]}}
		gq=$(kv "guest.$n" "" "$@"); [ -n "$gq" ] && want=$gq
		G_FLAV[$n]=$want
	done
	ensure_guests || return 1
	for n in "${!G_IDX[@]}"; do
		want=${gf:-${G_FLAV[$n]}}
		gq=$(kv "guest.$n" "" "$@"); [ -n "$gq" ] && want=$gq
		if [ "$want" != "${G_FLAV[$n]}" ]; then
			g_run "$n" ncl_netfront "$want" "${G_Q[$n]}" "${NETFRONT_PARAMS:-}" > "/tmp/nf-$n.txt" || { cat "/tmp/nf-$n.txt"; note "guest $n: netfront $want failed"; return 1; }
			G_FLAV[$n]=$want
		fi
	done
	# undo the previous configuration's settings, so that configurations do
	# not inherit each other's knobs (defaults from module parameters stay)
	ncl_undo
	for n in "${!G_IDX[@]}"; do
		g_run "$n" ncl_undo > /dev/null
	done
	declare -A vifargs ethargs
	for w in "$@"; do
		case $w in
		vif:*=*|vif.*:*=*|eth:*=*|eth.*:*=*|vifsys:*=*|vifsys.*:*=*|ethsys:*=*|ethsys.*:*=*)
			local kind=${w%%:*} sel="" kv2=${w#*:}
			case $kind in *.*) sel=${kind#*.}; kind=${kind%%.*} ;; esac
			f=${kv2%%=*}; v=${kv2#*=}
			for n in "${!G_IDX[@]}"; do
				[ -n "$sel" ] && [ "$sel" != "$n" ] && continue
				case $kind in
				vif)	vifargs[$n]="${vifargs[$n]:-} $f $v" ;;
				eth)	ethargs[$n]="${ethargs[$n]:-} $f $v" ;;
				vifsys)	for dev in $(guest_vifs "$n"); do
						ncl_sysfs_set "/sys/class/net/$dev/coalesce/$f" "$v" || { note "write $dev/coalesce/$f=$v failed"; rc=1; }
					done ;;
				ethsys)	g_run "$n" "ncl_sysfs_set /sys/class/net/eth0/coalesce/$f $v" > /dev/null || { note "guest $n: write eth0/coalesce/$f=$v failed"; rc=1; } ;;
				esac
			done ;;
		nbparam:*=*)
			f=${w#nbparam:}; v=${f#*=}; f=${f%%=*}
			ncl_sysfs_set "/sys/module/xen_netback/parameters/$f" "$v" || { note "netback param $f=$v failed"; rc=1; } ;;
		vcpupin:*|vcpupin.*:*) # vcpupin[.GUEST|.dom0]:CPUS, as xl vcpu-pin (undone by the next config)
			local sel2=${w%%:*} cpus=${w#*:}
			case $sel2 in *.*) sel2=${sel2#*.} ;; *) sel2="" ;; esac
			for n in "${!G_IDX[@]}" dom0; do
				[ "$n" = dom0 ] && { [ "$sel2" = dom0 ] || continue; n=Domain-0; sel2=$n; }
				[ -n "$sel2" ] && [ "$sel2" != "$n" ] && continue
				xl vcpu-pin "$n" all "$cpus" || { note "xl vcpu-pin $n all $cpus failed"; rc=1; }
				echo "xl vcpu-pin $n all all" >> /tmp/ncl-undo.sh
			done ;;
		dom0=*|guest=*|guest.*=*) ;;
		*)	note "config $name: unknown token '$w'"; rc=1 ;;
		esac
	done
	for n in "${!vifargs[@]}"; do
		for dev in $(guest_vifs "$n"); do
			# shellcheck disable=SC2086
			ncl_coalesce_set "$dev" ${vifargs[$n]} || { note "ethtool -C $dev${vifargs[$n]} failed"; rc=1; }
		done
	done
	for n in "${!ethargs[@]}"; do
		g_run "$n" "ncl_coalesce_set eth0${ethargs[$n]}" || { note "guest $n: ethtool -C eth0${ethargs[$n]} failed"; rc=1; }
	done
	note "config $name applied: netback=$CUR_NB $(for n in "${!G_IDX[@]}"; do printf '%s=%s ' "$n" "${G_FLAV[$n]}"; done)"
	return $rc
}

# -------------------------------------------------------------- scenario ---
run_scenario() {
	local sc=$1 rc=0 c w i=0 name
	# shellcheck source=/dev/null
	. "$sc"
	local g gi=0
	NB_MAX_QUEUES=1
	for g in "${GUESTS[@]}"; do
		gi=$((gi + 1))
		local q fl
		q=$(eval "echo \${QUEUES_$g:-1}")
		fl=$(eval "echo \${FLAVOUR_$g:-stock}")
		guest_define "$g" "$gi" "$q" "$fl"
		[ "$q" -gt "$NB_MAX_QUEUES" ] && NB_MAX_QUEUES=$q
	done
	cp "$sc" "$RES/scenario.sh"
	say "scenario ${SCENARIO_NAME:-?}: ${#CONFIGS[@]} configs x ${#WORKLOADS[@]} workloads, guests: ${GUESTS[*]}"
	for c in "${CONFIGS[@]}"; do
		# shellcheck disable=SC2086
		set -- $c
		name=$1; shift
		i=$((i + 1))
		if ! apply_config "$name" "$@"; then
			note "config $name FAILED"; rc=1
			echo "config $name FAILED" >> "$RES/errors.txt"
			continue
		fi
		local prev_ok=""
		for w in "${WORKLOADS[@]}"; do
			# back to back in one configuration nothing runs between two
			# points but the snapshots: the one after a point that went
			# well is the next one's before (the guest's and dom0's
			# snapshots are ~0.2 s of CPU under TCG)
			[ -z "$prev_ok" ] || SNAP_FROM=$PDIR
			prev_ok=""
			# shellcheck disable=SC2086
			if run_workload "$name" $w; then
				prev_ok=1
			else
				rc=1; echo "workload $name/$w FAILED" >> "$RES/errors.txt"
			fi
		done
		if [ -n "${USER_SCRIPTS:-}" ]; then
			run_workload "$name" user script || rc=1
		fi
	done
	destroy_all_guests
	return $rc
}

# ------------------------------------------------------------- selftests ---
TAP_N=0
tap_ok() { TAP_N=$((TAP_N + 1)); echo "@@TAP ok $TAP_N - $1" | tee -a "$RES/tap.txt"; }
tap_fail() { TAP_N=$((TAP_N + 1)); echo "@@TAP not ok $TAP_N - $1${2:+ # $2}" | tee -a "$RES/tap.txt"; }
tap_skip() { TAP_N=$((TAP_N + 1)); echo "@@TAP ok $TAP_N - $1 # SKIP $2" | tee -a "$RES/tap.txt"; }
tap_diag() { echo "@@TAP # $*" | tee -a "$RES/tap.txt"; }
# tap_check NAME CMD... : ok when CMD succeeds
tap_check() { local n=$1; shift; if "$@"; then tap_ok "$n"; else tap_fail "$n"; fi; }

run_check() {
	local plan=$1
	[ -f "/lab/selftests/$plan.sh" ] || { say "no selftest plan $plan"; return 1; }
	local prc=0
	echo "@@TAP-BEGIN $plan"
	# shellcheck source=/dev/null
	. "/lab/selftests/$plan.sh" || prc=$?
	# a plan that gives up early (return 1) has not run all its tests
	if [ "$prc" = 0 ]; then echo "@@TAP-DONE $plan"; else echo "@@TAP-ABORTED $plan rc=$prc"; fi
	destroy_all_guests
	return 0
}
