# SPDX-License-Identifier: GPL-2.0
# Helpers for the lab selftest plans (sourced in dom0 after dom0-lib.sh).
# shellcheck shell=bash

# sdelta BEFORE AFTER REGEX : sum of after-before over keys matching REGEX
sdelta() {
	awk -v re="$3" 'FNR == NR { if ($1 ~ re) b[$1] = $2; next }
		$1 ~ re { s += $2 - b[$1] } END { printf "%d\n", s }' "$1" "$2"
}

# ratio A B : A/B with 4 decimals ("nan" when B is 0)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "nan"; else printf "%.4f\n", a / b }'; }

# fcmp A OP B : floating point comparison (OP one of < <= > >=)
fcmp() { awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {
	if (a == "nan" || b == "nan") exit 1
	if (op == "<") exit !(a < b); if (op == "<=") exit !(a <= b)
	if (op == ">") exit !(a > b); if (op == ">=") exit !(a >= b); exit 1 }'; }

# point metrics of the last point (PDIR) for guest $1
guest_rx_irq_per_pkt() {
	ratio "$(sdelta "$PDIR/$1.before" "$PDIR/$1.after" '^irq/vif[0-9]+-q[0-9]+-rx$')" \
		"$(sdelta "$PDIR/$1.before" "$PDIR/$1.after" '^net/eth0/rx_packets$')"
}
guest_tx_irq_per_pkt() {
	ratio "$(sdelta "$PDIR/$1.before" "$PDIR/$1.after" '^irq/vif[0-9]+-q[0-9]+-tx$')" \
		"$(sdelta "$PDIR/$1.before" "$PDIR/$1.after" '^net/eth0/tx_packets$')"
}
dom0_irq_per_pkt() { # dom0 interrupts for frames the guest sends
	local d=${G_DOMID[$1]}
	ratio "$(sdelta "$PDIR/dom0.before" "$PDIR/dom0.after" "^irq/vif$d\\.[0-9]+-q[0-9]+-tx\$")" \
		"$(sdelta "$PDIR/dom0.before" "$PDIR/dom0.after" "^net/vif$d\\.0/rx_packets\$")"
}
# all event-channel interrupts of the guest's queues in both domains per
# packet moved either way (less sensitive to TCP timing than one channel)
total_irq_per_pkt() {
	local d=${G_DOMID[$1]} irq pk
	irq=$(( $(sdelta "$PDIR/$1.before" "$PDIR/$1.after" '^irq/vif[0-9]+-q[0-9]+-(rx|tx)$') +
		$(sdelta "$PDIR/dom0.before" "$PDIR/dom0.after" "^irq/vif$d\\.[0-9]+-q[0-9]+-(rx|tx)\$") ))
	pk=$(sdelta "$PDIR/$1.before" "$PDIR/$1.after" '^net/eth0/(rx|tx)_packets$')
	ratio "$irq" "$pk"
}
guest_rx_pkts() { sdelta "$PDIR/$1.before" "$PDIR/$1.after" '^net/eth0/rx_packets$'; }
point_spurious() { sdelta "$PDIR/dom0.before" "$PDIR/dom0.after" '^xb/vif-.*/spurious_events$'; }
point_eoi_delayed() { sdelta "$PDIR/dom0.before" "$PDIR/dom0.after" '^xb/vif-.*/jiffies_eoi_delayed$'; }
iperf_mbps() { # iperf_mbps FILE : received Mbit/s from iperf3 -J output
	tr -d '\n\t ' < "$1" | grep -o '"sum_received":{[^}]*' | grep -o '"bits_per_second":[0-9.e+]*' |
		tail -1 | awk -F: '{ printf "%.0f\n", $2 / 1e6 }'
}

# traffic_ok NAME GUEST : ping both ways + a short bulk each way
traffic_ok() {
	local g=$1 ok=1 m
	ping -c 3 -i 0.2 -W 2 "$(guest_ip "$g")" > /dev/null 2>&1 || { tap_diag "$g: dom0 -> guest ping failed"; ok=0; }
	g_run "$g" "ncl_ping_ok $DOM0_IP 5" > /dev/null || { tap_diag "$g: guest -> dom0 ping failed"; ok=0; }
	for dir in rx tx; do
		g_run "$g" "ncl_iperf $dir 1 520${G_IDX[$g]} tcp 1 0" > "/tmp/tr-$g-$dir.json"
		m=$(iperf_mbps "/tmp/tr-$g-$dir.json")
		if [ -z "$m" ] || [ "$m" -le 0 ]; then
			tap_diag "$g: bulk $dir: no traffic ($(grep -o '"error":[^,]*' "/tmp/tr-$g-$dir.json"))"; ok=0
		else
			tap_diag "$g: bulk $dir $m Mbit/s"
		fi
	done
	[ $ok = 1 ]
}

# module_is_ours MODULE : version string contains "netcoal"
module_is_ours() { grep -q netcoal "/sys/module/$1/version" 2>/dev/null; }

# run_sub PREFIX CMD... : run a check script printing "@@SUB" lines, turn
# each into one TAP result
run_sub() {
	local pre=$1 l name why; shift
	"$@" > /tmp/sub.out 2>&1
	grep '^#' /tmp/sub.out | sed 's/^# *//' | while read -r l; do tap_diag "$l"; done
	grep -q '^@@SUB' /tmp/sub.out || { tap_fail "$pre: checks did not run"; sed 's/^/  /' /tmp/sub.out | head -20; return; }
	while read -r l; do
		case $l in
		"@@SUB ok "*) tap_ok "$pre: ${l#@@SUB ok }" ;;
		"@@SUB not ok "*) name=${l#@@SUB not ok }; why=${name#* # }; name=${name%% # *}
			[ "$why" = "$name" ] && why=""; tap_fail "$pre: $name" "$why" ;;
		"@@SUB skip "*) name=${l#@@SUB skip }; why=${name#* # }; name=${name%% # *}; tap_skip "$pre: $name" "$why" ;;
		esac
	done < <(grep '^@@SUB' /tmp/sub.out)
}

# check_kernel_logs : one test over dom0's dmesg and every guest console log
check_kernel_logs() {
	local n f why=""
	n=$(dmesg | grep -cE "$NCL_KWARN_RE")
	[ "$n" = 0 ] || why="dom0: $(dmesg | grep -E "$NCL_KWARN_RE" | head -3 | tr '\n' ' ')"
	for f in "$CONSOLE_DIR"/guest-*.log; do
		[ -f "$f" ] || continue
		n=$(tr -d '\r' < "$f" | grep -v '^@@' | grep -cE "$NCL_KWARN_RE")
		[ "$n" = 0 ] || why="${why:+$why; }${f##*/}: $(tr -d '\r' < "$f" | grep -v '^@@' | grep -E "$NCL_KWARN_RE" | head -3 | tr '\n' ' ')"
	done
	if [ -z "$why" ]; then tap_ok "no WARN/BUG/Oops/Call Trace in dom0 and guest kernel logs"
	else tap_fail "no WARN/BUG/Oops/Call Trace in dom0 and guest kernel logs" "$why"; fi
}

# xdelta BEFORE AFTER KEY : after-before of one counter, exactly (large ns
# values: awk's %d may overflow); empty when either side lacks it
xdelta() {
	awk -v k="$3" 'FNR == NR { if ($1 == k) b = $2; next }
		$1 == k { a = $2 } END { if (a != "" && b != "") printf "%.0f\n", a - b }' "$1" "$2"
}
# point_cpu_ns dom0|GUEST : hypervisor CPU time (ns) of the last point's
# traffic (between the marks run_workload takes around it)
point_cpu_ns() {
	local d=0
	[ "$1" = dom0 ] || d=${G_DOMID[$1]}
	xdelta "$PDIR/cpu.begin" "$PDIR/cpu.end" "xc/dom$d/ns"
}
# point_pkts GUEST : packets through the guest's vif, both directions,
# between the same marks
point_pkts() { sdelta "$PDIR/cpu.begin" "$PDIR/cpu.end" "^net/vif${G_DOMID[$1]}\.0/(rx|tx)_packets\$"; }
# udpgen_val GUEST KEY : a value of the guest's ncl-udpgen result line
udpgen_val() { sed -n "s/^udpgen .* $2=\([^ ]*\).*/\1/p" "$PDIR/$1.udpgen.txt" 2>/dev/null | tail -1; }
# within NAME A B TOL : |A/B - 1| <= TOL
within() {
	local r
	r=$(awk -v a="$2" -v b="$3" 'BEGIN { if (b == 0 || a == "" || b == "") print "nan"; else printf "%.4f", a / b - 1 }')
	if [ "$r" != nan ] && fcmp "${r#-}" "<=" "$4"; then
		tap_ok "$1 ($2 vs $3: ${r})"
	else
		tap_fail "$1" "$2 vs $3: ${r}, tolerance $4"
	fi
}
