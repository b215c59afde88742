# SPDX-License-Identifier: GPL-2.0
# Lab selftest boot 1 (sourced by dom0's /init, MODE=check):
# module flavours and the effect of the knobs on interrupts per packet.
#   stock/stock -> stock/ours -> (netback swap) ours/stock -> ours/ours,
#   defaults vs stock, vif tx-usecs and eth rx-usecs vs defaults.
# Flavour pairs are written dom0 side/guest side.
# shellcheck shell=bash disable=SC2034,SC2154,SC2012,SC2016

# shellcheck source=selftests/lab/lib.sh
. /lab/selftests/lib.sh

NB_MAX_QUEUES=1
guest_define g1 1 1 stock
BULK_T=${BULK_T:-4}
TOL=${TOL:-0.15}

bulk_point() { # bulk_point CFG rx|tx : one measured bulk point on g1
	run_workload "$1" "bulk-$2" bulk dir="$2" t="$BULK_T" guests=g1
}
# lowers NAME VALUE DEFAULT : VALUE < 0.85 x DEFAULT
lowers() {
	if fcmp "$2" "<" "$(awk -v d="$3" 'BEGIN { print d * 0.85 }')"; then tap_ok "$1"; else tap_fail "$1" "$2 vs $3 with defaults"; fi
}

# ---------------------------------------------------------------- stock/stock
netback_load stock || { tap_fail "load stock netback"; return 1; }
if ! guest_create g1; then
	tap_fail "create guest with stock netfront"
	return 1
fi
vif=$(guest_vif g1)
if ! module_is_ours xen_netback && [ ! -d "/sys/class/net/$vif/coalesce" ] &&
	g_run g1 '! grep -qs netcoal /sys/module/xen_netfront/version && [ ! -d /sys/class/net/eth0/coalesce ]' > /dev/null; then
	tap_ok "stock modules carry no netcoal version and no coalesce sysfs group"
else
	tap_fail "stock modules carry no netcoal version and no coalesce sysfs group"
fi
tap_check "traffic stock/stock" traffic_ok g1

bulk_point stock rx; s_grx=$(guest_rx_irq_per_pkt g1); s_trx=$(total_irq_per_pkt g1)
bulk_point stock tx; s_d0=$(dom0_irq_per_pkt g1); s_gtx=$(guest_tx_irq_per_pkt g1); s_ttx=$(total_irq_per_pkt g1)
tap_diag "stock/stock: bulk rx: guest RX irq/pkt $s_grx, all irq/pkt $s_trx; bulk tx: dom0 irq/pkt $s_d0, guest TX irq/pkt $s_gtx, all irq/pkt $s_ttx"

# ----------------------------------------------------------------- stock/ours
if g_run g1 ncl_netfront ours 1 > /tmp/nf.txt && g_run g1 'grep -q netcoal /sys/module/xen_netfront/version' > /dev/null; then
	tap_ok "guest: our netfront loads and reports a netcoal version"
else
	tap_fail "guest: our netfront loads and reports a netcoal version" "$(tr '\n' ' ' < /tmp/nf.txt)"
fi
G_FLAV[g1]=ours
tap_check "traffic stock/ours" traffic_ok g1

# ----------------------------------------------------------------- ours/stock
guest_destroy g1
if netback_load ours && module_is_ours xen_netback; then
	tap_ok "dom0: our netback loads and reports a netcoal version"
else
	tap_fail "dom0: our netback loads and reports a netcoal version" "version: $(cat /sys/module/xen_netback/version 2>/dev/null || echo none)"
	[ "$CUR_NB" = ours ] || { netback_load stock; }
fi
G_FLAV[g1]=stock
if guest_create g1; then
	tap_check "traffic ours/stock" traffic_ok g1
else
	tap_fail "traffic ours/stock" "guest did not come up"
	return 1
fi

# ------------------------------------------------------------------ ours/ours
g_run g1 ncl_netfront ours 1 > /dev/null
G_FLAV[g1]=ours
tap_check "traffic ours/ours" traffic_ok g1

vif=$(guest_vif g1)
bulk_point ours-default rx; d_grx=$(guest_rx_irq_per_pkt g1); d_trx=$(total_irq_per_pkt g1); d_spur=$(point_spurious)
bulk_point ours-default tx; d_d0=$(dom0_irq_per_pkt g1); d_gtx=$(guest_tx_irq_per_pkt g1); d_ttx=$(total_irq_per_pkt g1)
tap_diag "ours/ours defaults: bulk rx: guest RX irq/pkt $d_grx, all irq/pkt $d_trx; bulk tx: dom0 irq/pkt $d_d0, guest TX irq/pkt $d_gtx, all irq/pkt $d_ttx"
within() { # within A B : |A/B - 1| <= TOL
	awk -v a="$1" -v b="$2" -v t="$TOL" 'BEGIN { if (a == "nan" || b == "nan" || b == 0) exit 1;
		r = a / b - 1; if (r < 0) r = -r; exit !(r <= t) }'
}
# per direction: every interrupt of both domains per packet (single channels,
# e.g. guest TX completions in bulk tx, vary ~10% between boots with TCP timing)
why=""
within "$d_trx" "$s_trx" || why="bulk rx: all irq/pkt $d_trx vs stock $s_trx"
within "$d_ttx" "$s_ttx" || why="${why:+$why; }bulk tx: all irq/pkt $d_ttx vs stock $s_ttx"
if [ -z "$why" ]; then tap_ok "defaults: interrupts per packet match stock within ${TOL}"; else tap_fail "defaults: interrupts per packet match stock within ${TOL}" "$why"; fi

# vif tx-usecs: dom0 delays its notifications to the guest. TCP bulk with
# GSO moves ~7k (64 KiB) packets/s, which stock already handles at ~0.12
# interrupts per packet; a UDP stream of MTU-sized packets (200 Mbit/s,
# ~18k/s) shows what holding the notification saves.
udp_point() { # udp_point CFG : one measured dom0->guest UDP point on g1
	run_workload "$1" udp-rx udp dir=rx rate=200M len=1400 t="$BULK_T" guests=g1
}
udp_point ours-default-udp; u_grx=$(guest_rx_irq_per_pkt g1)
if ethtool -C "$vif" tx-usecs 1000 > /tmp/e.txt 2>&1; then
	udp_point vif-tx-usecs-1000; c_grx=$(guest_rx_irq_per_pkt g1)
	tap_diag "vif tx-usecs=1000: UDP guest RX irq/pkt $c_grx (defaults $u_grx), spurious $(point_spurious), eoi-delayed $(point_eoi_delayed)"
	lowers "vif tx-usecs=1000 lowers the guest's RX interrupts per packet (UDP stream dom0->guest)" "$c_grx" "$u_grx"
	ethtool -C "$vif" tx-usecs 0
else
	tap_fail "vif tx-usecs=1000 lowers the guest's RX interrupts per packet (UDP stream dom0->guest)" "ethtool -C refused: $(cat /tmp/e.txt)"
fi

# eth rx-usecs: the guest moderates its own RX interrupts
if g_run g1 "ethtool -C eth0 rx-usecs 100" > /tmp/e.txt 2>&1; then
	bulk_point eth-rx-usecs-100 rx; e_grx=$(guest_rx_irq_per_pkt g1)
	tap_diag "eth rx-usecs=100: bulk guest RX irq/pkt $e_grx (defaults $d_grx)"
	lowers "eth rx-usecs=100 lowers the guest's RX interrupts per packet (bulk dom0->guest)" "$e_grx" "$d_grx"
	g_run g1 "ethtool -C eth0 rx-usecs 0" > /dev/null
else
	tap_fail "eth rx-usecs=100 lowers the guest's RX interrupts per packet (bulk dom0->guest)" "ethtool -C refused: $(tr '\n' ' ' < /tmp/e.txt)"
fi
tap_diag "spurious events during the default bulk-rx point: $d_spur"

guest_destroy g1
check_kernel_logs
