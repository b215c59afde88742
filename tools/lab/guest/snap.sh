# SPDX-License-Identifier: GPL-2.0
# Counter snapshot shared by dom0 (bash) and the domU agent (busybox sh).
# Prints "key value" lines; the host computes after-before deltas.
# shellcheck shell=sh

NCL_KWARN_RE='WARNING:|BUG:|Oops|Call Trace|kernel BUG|general protection fault|soft lockup|hung_task|blocked for more than|rcu.*(stall|self-detected)|list_add corruption|refcount_t:'

ncl_snapshot() {
	# few processes: a fork and exec costs ~1 ms of virtual time in a PV
	# domain under TCG, and a snapshot is taken twice per point
	read -r up _ < /proc/uptime
	echo "uptime $up"
	# /proc/stat's cpu line; one line per interrupt name, summed over CPUs
	awk 'FILENAME == "/proc/stat" { if ($1 == "cpu") { print "stat/user " $2;
		print "stat/nice " $3; print "stat/system " $4; print "stat/idle " $5;
		print "stat/iowait " $6; print "stat/irq " $7; print "stat/softirq " $8;
		print "stat/steal " $9 }; if ($1 == "ctxt") print "stat/ctxt " $2; next }
	     FNR == 1 { n = NF; next }
	     $1 ~ /^[0-9]+:$/ { s = 0; for (i = 2; i <= n + 1; i++) s += $i; c[$NF] += s }
	     END { for (k in c) print "irq/" k " " c[k] }' /proc/stat /proc/interrupts
	# every device's counters, our coalesce attributes and the backends'
	# event counts, read by one awk
	set --
	for d in /sys/class/net/*; do
		[ "${d##*/}" = lo ] && continue
		for s in rx_packets rx_bytes tx_packets tx_bytes rx_dropped tx_dropped rx_errors tx_errors; do
			[ -r "$d/statistics/$s" ] && set -- "$@" "$d/statistics/$s"
		done
		for f in "$d"/coalesce/*; do
			[ -f "$f" ] && [ -r "$f" ] && set -- "$@" "$f"
		done
	done
	for b in /sys/bus/xen-backend/devices/vif-*; do
		for a in events spurious_events jiffies_eoi_delayed; do
			[ -r "$b/xenbus/$a" ] && set -- "$@" "$b/xenbus/$a"
		done
	done
	# a coalesce attribute may span lines: joined, blanks squeezed, 200 bytes
	[ $# -gt 0 ] && awk 'function flush() { if (k != "") print k " " substr(v, 1, 200); k = "" }
	     FNR == 1 { flush(); n = split(FILENAME, p, "/"); v = ""
		if (p[3] == "bus") k = "xb/" p[6] "/" p[n]
		else k = (p[6] == "coalesce" ? "coal/" : "net/") p[5] "/" p[n] }
	     { gsub(/[ \t]+/, " "); v = v == "" ? $0 : v " " $0 }
	     END { flush() }' "$@" 2>/dev/null
	for d in /sys/class/net/vif* /sys/class/net/eth*; do
		[ -e "$d" ] || continue
		ethtool -S "${d##*/}" 2>/dev/null | awk -v d="${d##*/}" -F: 'NR > 1 && NF == 2 {
			gsub(/[ \t]/, "", $1); gsub(/[ \t]/, "", $2); print "ethS/" d "/" $1 " " $2 }'
	done
	echo "kwarn $(dmesg 2>/dev/null | grep -cE "$NCL_KWARN_RE")"
}

# --- settings with undo (shared by dom0 and the guests) ----------------------
# Every configuration starts from what the previous one found: each setting
# records how to restore the old value in /tmp/ncl-undo.sh, ncl_undo replays
# it (newest first) before the next configuration is applied.
ncl_coal_get() { # ncl_coal_get DEV FIELD : current `ethtool -c` value
	case $2 in
	adaptive-rx) ethtool -c "$1" 2>/dev/null | sed -n 's/^Adaptive RX:[[:space:]]*\([a-z]*\).*/\1/p' ;;
	adaptive-tx) ethtool -c "$1" 2>/dev/null | sed -n 's/^Adaptive RX:.*TX:[[:space:]]*\([a-z]*\).*/\1/p' ;;
	*) ethtool -c "$1" 2>/dev/null | sed -n "s/^$2:[[:space:]]*//p" | head -1 ;;
	esac
}

ncl_coalesce_set() { # ncl_coalesce_set DEV FIELD VAL [FIELD VAL]...
	d=$1; shift
	undo=""; f=""
	for a in "$@"; do
		if [ -z "$f" ]; then f=$a; continue; fi
		o=$(ncl_coal_get "$d" "$f")
		case $o in "" | n/a) ;; *) undo="$undo $f $o" ;; esac
		f=""
	done
	[ -n "$undo" ] && echo "ethtool -C $d$undo" >> /tmp/ncl-undo.sh
	ethtool -C "$d" "$@"
}

ncl_sysfs_set() { # ncl_sysfs_set PATH VAL
	[ -r "$1" ] && echo "echo $(cat "$1") > $1" >> /tmp/ncl-undo.sh
	echo "$2" > "$1"
}

ncl_undo() {
	[ -f /tmp/ncl-undo.sh ] || return 0
	# newest first, errors ignored (a device may be gone or recreated)
	sed -n '1!G;h;$p' /tmp/ncl-undo.sh > /tmp/ncl-undo.rev
	rm -f /tmp/ncl-undo.sh
	while read -r l; do eval "$l" > /dev/null 2>&1; done < /tmp/ncl-undo.rev
	return 0
}
