# SPDX-License-Identifier: GPL-2.0
# Lab selftest boot 2 (sourced by dom0's /init, MODE=check): our modules on
# both sides. Module identity and sysfs group, ethtool conformance on vif and
# eth, no stranded packet with every knob at its maximum, lifecycle under
# traffic with coalescing timers pending.
# shellcheck shell=bash disable=SC2034,SC2154,SC2012,SC2016

# shellcheck source=selftests/lab/lib.sh
. /lab/selftests/lib.sh

NB_MAX_QUEUES=2
guest_define g1 1 2 ours
guest_define g2 2 1 ours
PARAMS="coalesce_rx_usecs coalesce_rx_frames coalesce_tx_usecs coalesce_tx_frames coalesce_weight coalesce_max_usecs"

if ! netback_load ours; then
	tap_fail "dom0: our netback loads" "insmod failed"
	netback_load stock || return 1
fi
if ! guest_create g1; then
	tap_fail "guest with our netfront (2 queues) comes up"
	return 1
fi
vif=$(guest_vif g1)

# ------------------------------------------------------------------ identity
tap_check "dom0: xen_netback is ours (version contains netcoal)" module_is_ours xen_netback
tap_diag "xen_netback version: $(cat /sys/module/xen_netback/version 2>/dev/null || echo none)"
tap_check "guest: xen_netfront is ours (version contains netcoal)" \
	g_run g1 'cat /sys/module/xen_netfront/version; grep -q netcoal /sys/module/xen_netfront/version'
has_group() { local a; for a in rx_usecs rx_frames tx_usecs tx_frames weight adaptive_rx adaptive_tx; do [ -f "$1/$a" ] || return 1; done; }
tap_check "dom0: $vif has the coalesce sysfs group" has_group "/sys/class/net/$vif/coalesce"
tap_check "guest: eth0 has the coalesce sysfs group" g_run g1 \
	'for a in rx_usecs rx_frames tx_usecs tx_frames weight adaptive_rx adaptive_tx; do [ -f /sys/class/net/eth0/coalesce/$a ] || exit 1; done'
params_ok() { local p; for p in $PARAMS; do [ -e "/sys/module/xen_netback/parameters/$p" ] || return 1; done; }
tap_check "dom0: netback has the coalesce_* module parameters" params_ok
tap_check "guest: netfront has the coalesce_* module parameters" g_run g1 \
	"for p in $PARAMS; do [ -e /sys/module/xen_netfront/parameters/\$p ] || exit 1; done"
nq=$(ls -d /sys/class/net/"$vif"/queues/tx-* 2>/dev/null | wc -l)
tap_diag "$vif has $nq queue(s)"
if [ "$nq" = 2 ]; then tap_ok "guest connected with 2 queues"; else tap_fail "guest connected with 2 queues" "$nq"; fi

# ----------------------------------------------------------------- ethtool
run_sub "ethtool $vif" sh /lab/selftests/ethtool-coalesce.sh "$vif" xen_netback
g_run g1 "sh /lab/selftests/ethtool-coalesce.sh eth0 xen_netfront" > /tmp/eth-conf.txt
run_sub "ethtool eth0 (guest)" cat /tmp/eth-conf.txt
tap_check "traffic ours/ours, 2 queues" traffic_ok g1

# ----------------------------------------------------- no stranded packet
MAXU=$(cat /sys/module/xen_netback/parameters/coalesce_max_usecs 2>/dev/null || echo 1000)
g_run g1 'cat /sys/module/xen_netfront/parameters/coalesce_max_usecs 2>/dev/null || echo 1000' > /tmp/g-maxu.txt
GMAXU=$(tail -1 /tmp/g-maxu.txt)
# a reply may wait once at each of the four stages (vif tx/rx, eth tx/rx)
BOUND_MS=$(( (2 * MAXU + 2 * GMAXU) / 1000 + 20 ))
maxknobs_ok=1
ethtool -C "$vif" rx-usecs "$MAXU" tx-usecs "$MAXU" rx-frames 256 tx-frames 256 > /tmp/e.txt 2>&1 || maxknobs_ok=0
g_run g1 "ethtool -C eth0 rx-usecs $GMAXU tx-usecs $GMAXU rx-frames 256 tx-frames 256" >> /tmp/e.txt 2>&1 || maxknobs_ok=0
if [ $maxknobs_ok = 1 ]; then tap_ok "every knob set to its maximum on vif and eth"; else tap_fail "every knob set to its maximum on vif and eth" "$(tr '\n' ' ' < /tmp/e.txt)"; fi
rtt_max() { sed -n 's|.*= [0-9.]*/[0-9.]*/\([0-9.]*\).*|\1|p' "$1" | tail -1; }
WL_SPEC="stranded"
point_begin maxknobs ping
ping -c 1 -W 2 "$(guest_ip g1)" > "$PDIR/dom0-single.ping" 2>&1; r1=$?
g_run g1 "/usr/bin/ping -c 1 -W 2 $DOM0_IP" > "$PDIR/g1-single.ping"; r2=$?
ping -c 5 -i 0.5 -W 2 "$(guest_ip g1)" > "$PDIR/dom0-sparse.ping" 2>&1; r3=$?
g_run g1 "/usr/bin/ping -c 5 -i 0.5 -W 2 $DOM0_IP" > "$PDIR/g1-sparse.ping"; r4=$?
g_run g1 "sockperf ping-pong --tcp -i $DOM0_IP -p 11121 -t 3 --mps=4 --full-rtt --no-rdtsc" > "$PDIR/g1.sockperf.txt"; r5=$?
point_end
why=""
for f in dom0-single g1-single dom0-sparse g1-sparse; do
	m=$(rtt_max "$PDIR/$f.ping")
	tap_diag "stranded: $f max rtt ${m:-none} ms (bound $BOUND_MS ms)"
	[ -n "$m" ] && fcmp "$m" "<" "$BOUND_MS" || why="${why:+$why; }$f: max rtt ${m:-no reply}"
done
[ "$r1$r2$r3$r4" = 0000 ] || why="${why:+$why; }lost replies (rc $r1$r2$r3$r4)"
if [ -z "$why" ]; then tap_ok "no stranded packet: single and sparse pings answered within ${BOUND_MS} ms at max knobs"; else tap_fail "no stranded packet: single and sparse pings answered within ${BOUND_MS} ms at max knobs" "$why"; fi
smax=$(sed -n 's/.*<MAX> observation *= *\([0-9.]*\).*/\1/p' "$PDIR/g1.sockperf.txt")
if [ "$r5" = 0 ] && [ -n "$smax" ] && fcmp "$smax" "<" "$((BOUND_MS * 1000))"; then
	tap_ok "no stranded packet: sparse TCP ping-pong (4 msg/s) max RTT ${smax} us within bound"
else
	tap_fail "no stranded packet: sparse TCP ping-pong (4 msg/s) max RTT within bound" "rc=$r5 max=${smax:-none} us"
fi
sp=$(point_spurious); ed=$(point_eoi_delayed)
if [ "$sp" = 0 ] && [ "$ed" = 0 ]; then tap_ok "no spurious events and no EOI delay at max knobs"
else tap_fail "no spurious events and no EOI delay at max knobs" "spurious_events +$sp jiffies_eoi_delayed +$ed"; fi

# ------------------------------------------------------------- lifecycle
# moderate knobs so timers are pending under traffic
set_knobs() { # set_knobs GUEST
	local v
	for v in $(guest_vifs "$1"); do ethtool -C "$v" rx-usecs 200 tx-usecs 200 rx-frames 32 tx-frames 32 > /dev/null 2>&1; done
	g_run "$1" "ethtool -C eth0 rx-usecs 200 tx-usecs 200 rx-frames 32 tx-frames 32" > /dev/null 2>&1
}
# Rate-limited TCP (dom0 -> guest, 2 streams, 2 x 20 Mbit/s): enough to keep
# coalescing timers armed without spending the boot's wall time on bulk.
bg_traffic() { # bg_traffic GUEST SECS : in the background of the guest
	g_run "$1" "ncl_bg bulk iperf3 -c $DOM0_IP -p 520${G_IDX[$1]} -t $2 -i 0 -P 2 -R -b 20M" > /dev/null
}
bg_done() { g_run "$1" "ncl_bgwait bulk 120" > /dev/null; }
resumed() { # resumed GUEST : traffic flows again
	g_run "$1" "ncl_ping_ok $DOM0_IP 30" > /dev/null && traffic_ok "$1"
}
vif_gone() { # vif_gone DOMID : no vifDOMID.* left (wait up to 10 s)
	local i
	for i in $(seq 20); do
		ip -o link show | grep -q "vif$1\." || return 0
		sleep 0.5
	done
	tap_diag "leaked: $(ip -o link show | grep "vif$1\." | cut -d: -f2 | tr '\n' ' ')"
	return 1
}
set_knobs g1

bg_traffic g1 4; sleep 1
ip link set "$vif" down; sleep 0.5; ip link set "$vif" up
bg_done g1
tap_check "lifecycle: vif down/up under traffic, traffic resumes" resumed g1

set_knobs g1; bg_traffic g1 4; sleep 1
g_run g1 "ip link set eth0 down; sleep 0.5; ip link set eth0 up" > /dev/null
bg_done g1
tap_check "lifecycle: eth0 down/up under traffic, traffic resumes" resumed g1

set_knobs g1; bg_traffic g1 4; sleep 1
g_run g1 "ncl_netfront ours 2" > /tmp/nf.txt; r=$?
bg_done g1
if [ $r = 0 ] && resumed g1; then tap_ok "lifecycle: netfront rmmod/insmod under traffic, traffic resumes"
else tap_fail "lifecycle: netfront rmmod/insmod under traffic, traffic resumes" "$(tr '\n' ' ' < /tmp/nf.txt)"; fi

# g1's own check waits for its background run: both use g1's iperf3
# server, which takes one test at a time
set_knobs g1; bg_traffic g1 12
if guest_create g2; then
	set_knobs g2
	resumed g2; r2=$?
	bg_done g1
	if [ $r2 = 0 ] && resumed g1; then tap_ok "lifecycle: second guest created while the first runs traffic"
	else tap_fail "lifecycle: second guest created while the first runs traffic" "traffic"; fi
else
	tap_fail "lifecycle: second guest created while the first runs traffic" "g2 did not come up"
fi
bg_done g1

if [ "${G_UP[g2]}" = 1 ]; then
	d2=${G_DOMID[g2]}
	bg_traffic g2 8; sleep 1
	if guest_shutdown g2 && vif_gone "$d2"; then tap_ok "lifecycle: xl shutdown under traffic, vif removed"
	else tap_fail "lifecycle: xl shutdown under traffic, vif removed"; fi
else
	tap_fail "lifecycle: xl shutdown under traffic, vif removed" "no g2"
fi

d1=${G_DOMID[g1]}
set_knobs g1; bg_traffic g1 8; sleep 1
if guest_reboot g1 && vif_gone "$d1" && resumed g1; then tap_ok "lifecycle: xl reboot under traffic, old vif removed, traffic resumes"
else tap_fail "lifecycle: xl reboot under traffic, old vif removed, traffic resumes"; fi

d1=${G_DOMID[g1]}
set_knobs g1; bg_traffic g1 8; sleep 1
if guest_destroy g1 && vif_gone "$d1"; then tap_ok "lifecycle: xl destroy under traffic, no vif left"
else tap_fail "lifecycle: xl destroy under traffic, no vif left"; fi
if ip -o link show | grep -q ' vif'; then
	tap_fail "no vif left after all guests are gone" "$(ip -o link show | grep ' vif' | cut -d: -f2 | tr '\n' ' ')"
else
	tap_ok "no vif left after all guests are gone"
fi
check_kernel_logs
