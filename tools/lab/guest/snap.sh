# SPDX-License-Identifier: GPL-2.0
# Counter snapshot shared by dom0 (bash) and the domU agent (busybox sh).
# Prints "key value" lines; the host computes after-before deltas.
# shellcheck shell=sh

NCL_KWARN_RE='WARNING:|BUG:|Oops|Call Trace|kernel BUG|general protection fault|soft lockup|hung_task|blocked for more than|rcu.*(stall|self-detected)|list_add corruption|refcount_t:'

ncl_snapshot() {
	echo "uptime $(cut -d' ' -f1 /proc/uptime)"
	awk '/^cpu / { print "stat/user " $2; print "stat/nice " $3; print "stat/system " $4;
		print "stat/idle " $5; print "stat/iowait " $6; print "stat/irq " $7;
		print "stat/softirq " $8; print "stat/steal " $9 }' /proc/stat
	# one line per interrupt name: sum over CPUs
	awk 'NR == 1 { n = NF; next }
	     $1 ~ /^[0-9]+:$/ { s = 0; for (i = 2; i <= n + 1; i++) s += $i; c[$NF] += s }
	     END { for (k in c) print "irq/" k " " c[k] }' /proc/interrupts
	for d in /sys/class/net/*; do
		dev=${d##*/}
		[ "$dev" = lo ] && continue
		for s in rx_packets rx_bytes tx_packets tx_bytes rx_dropped tx_dropped rx_errors tx_errors; do
			[ -r "$d/statistics/$s" ] && echo "net/$dev/$s $(cat "$d/statistics/$s")"
		done
		if [ -d "$d/coalesce" ]; then
			for f in "$d"/coalesce/*; do
				[ -f "$f" ] && [ -r "$f" ] && echo "coal/$dev/${f##*/} $(head -c 200 "$f" 2>/dev/null | tr -s ' \n' '  ')"
			done
		fi
		case $dev in
		vif*|eth*)
			ethtool -S "$dev" 2>/dev/null | awk -v d="$dev" -F: 'NR > 1 && NF == 2 {
				gsub(/[ \t]/, "", $1); gsub(/[ \t]/, "", $2); print "ethS/" d "/" $1 " " $2 }'
			;;
		esac
	done
	for b in /sys/bus/xen-backend/devices/vif-*; do
		[ -d "$b" ] || continue
		for a in events spurious_events jiffies_eoi_delayed; do
			[ -r "$b/xenbus/$a" ] && echo "xb/${b##*/}/$a $(cat "$b/xenbus/$a")"
		done
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
