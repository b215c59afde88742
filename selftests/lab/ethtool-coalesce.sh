#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ethtool coalesce conformance of one xen-netcoal device, in the style of
# tools/testing/selftests/drivers/net/netdevsim/ethtool-coalesce.sh.
# Runs in dom0 (vifD.N, bash) and in the guest (ethN, busybox sh).
#
#   ethtool-coalesce.sh DEV MODULE     (MODULE: xen_netback | xen_netfront)
#
# Prints one line per check group:  @@SUB ok|not ok|skip NAME [# reason]
# and "# ..." diagnostics. Leaves every knob at its default.

DEV=${1:?dev}
MOD=${2:?module}
SYS=/sys/class/net/$DEV/coalesce
MAX=$(cat /sys/module/"$MOD"/parameters/coalesce_max_usecs 2>/dev/null || echo 1000)
FMAX=256
USECS="rx-usecs tx-usecs"
FRAMES="rx-frames tx-frames"
# fields the kernel must refuse (not in supported_coalesce_params)
UNSUPPORTED="rx-usecs-irq rx-frames-irq tx-usecs-irq tx-frames-irq stats-block-usecs rx-frames-low rx-frames-high tx-frames-low tx-frames-high sample-interval"

ERR=""
NERR=0
fail() { # keep the first three reasons for the TAP line, log all as diagnostics
	NERR=$((NERR + 1))
	[ $NERR -le 3 ] && ERR="${ERR:+$ERR; }$*"
	echo "# $DEV: $*"
}
sub() { # sub NAME : report the group, reset ERR
	if [ $NERR = 0 ]; then echo "@@SUB ok $1"
	elif [ $NERR -le 3 ]; then echo "@@SUB not ok $1 # $ERR"
	else echo "@@SUB not ok $1 # $ERR (and $((NERR - 3)) more)"; fi
	ERR=""; NERR=0
}

get() { ethtool -c "$DEV" 2>/dev/null | sed -n "s/^$1:[[:space:]]*//p" | head -1; }
state() { ethtool -c "$DEV" 2>/dev/null | grep -v '^Coalesce parameters'; }
sysget() { cat "$SYS/$1" 2>/dev/null; }
set_ok() { # set_ok FIELD VAL [FIELD VAL]... : must succeed and read back
	if ! out=$(ethtool -C "$DEV" "$@" 2>&1); then
		fail "ethtool -C $* refused: $out"; return 1
	fi
	while [ $# -ge 2 ]; do
		g=$(get "$1")
		[ "$g" = "$2" ] || fail "$1: set $2, read back '$g'"
		shift 2
	done
}
set_bad() { # set_bad FIELD VAL... : must fail and leave the state unchanged
	before=$(state)
	if ethtool -C "$DEV" "$@" > /dev/null 2>&1; then
		fail "ethtool -C $* accepted (must be rejected)"
	fi
	after=$(state)
	[ "$before" = "$after" ] || fail "state changed by rejected 'ethtool -C $*'"
}
reset() { # adaptive off first: while on, the controller owns usecs/frames
	ethtool -C "$DEV" adaptive-rx off adaptive-tx off > /dev/null 2>&1
	ethtool -C "$DEV" rx-usecs 0 rx-frames 0 tx-usecs 0 tx-frames 0 > /dev/null 2>&1
	[ -w "$SYS/weight" ] && echo 64 > "$SYS/weight"
}

# --- 1. get works and lists the fields ---------------------------------------
if ! out=$(ethtool -c "$DEV" 2>&1); then
	fail "ethtool -c failed: $out"
else
	for f in $USECS $FRAMES; do
		[ -n "$(get "$f")" ] || fail "ethtool -c shows no $f"
	done
fi
sub "get-coalesce"
reset

# --- 2. every supported field across its range --------------------------------
for f in $USECS; do
	for v in 0 1 2 7 50 100 $((MAX / 2)) $((MAX - 1)) "$MAX" 0; do set_ok "$f" "$v"; done
done
for f in $FRAMES; do
	u=${f%-frames}-usecs
	set_ok "$u" 100
	for v in 0 1 2 16 64 $((FMAX - 1)) "$FMAX" 0; do set_ok "$f" "$v"; done
	set_ok "$u" 0
	set_ok "$f" 1          # 1 frame = notify on every frame: no time bound needed
	set_ok "$f" 0
done
set_ok rx-usecs 10 tx-usecs 20 rx-frames 3 tx-frames 4
reset
sub "supported fields across their range"

# low/high and rate fields parameterise the adaptive law
for pair in "rx-usecs-low 10" "rx-usecs-high 500" "tx-usecs-low 10" "tx-usecs-high 500" \
	"pkt-rate-low 1000" "pkt-rate-high 100000"; do
	# shellcheck disable=SC2086
	set_ok $pair
done
sub "adaptive parameters (usecs-low/high, pkt-rate-low/high)"

# --- 3. out-of-range values: rejected, state unchanged -------------------------
set_ok rx-usecs 11 tx-usecs 12
for f in $USECS; do set_bad "$f" $((MAX + 1)); set_bad "$f" 100000; done
for f in $FRAMES; do set_bad "$f" $((FMAX + 1)); set_bad "$f" 100000; done
reset
set_bad rx-frames 2     # frames > 1 without a time bound
set_bad tx-frames 8
set_bad rx-usecs-high $((MAX + 1))
sub "out-of-range values rejected, state unchanged"

# --- 4. unsupported fields: rejected, state unchanged --------------------------
set_ok rx-usecs 5
for f in $UNSUPPORTED; do set_bad "$f" 3; done
set_bad cqe-mode-rx on
set_bad cqe-mode-tx on
reset
sub "unsupported fields rejected, state unchanged"

# --- 5. adaptive on/off ----------------------------------------------------------
if out=$(ethtool -C "$DEV" adaptive-rx on 2>&1); then
	a=$(ethtool -c "$DEV" | sed -n 's/^Adaptive RX: *\([a-z]*\).*/\1/p')
	[ "$a" = on ] || fail "adaptive-rx: set on, read '$a'"
	# a missing attribute is reported by the sysfs group check below
	if [ -f "$SYS/adaptive_rx" ] && [ "$(sysget adaptive_rx)" != 1 ]; then
		fail "sysfs adaptive_rx is '$(sysget adaptive_rx)' after adaptive-rx on"
	fi
	ethtool -C "$DEV" adaptive-tx on > /dev/null 2>&1 || fail "adaptive-tx on refused"
	reset
	a=$(ethtool -c "$DEV" | sed -n 's/^Adaptive RX: *\([a-z]*\).*/\1/p')
	[ "$a" = off ] || fail "adaptive-rx: set off, read '$a'"
	sub "adaptive-rx/tx on and off"
else
	before=$(state)
	[ "$before" = "$(state)" ] || fail "state changed"
	echo "@@SUB skip adaptive-rx/tx on and off # adaptive refused: $out"
fi

# --- 6. per-queue get/set --------------------------------------------------------
# shellcheck disable=SC2012
nq=$(ls -d /sys/class/net/"$DEV"/queues/tx-* 2>/dev/null | wc -l)
echo "# $DEV: $nq queue(s)"
qget() { # qget QUEUE FIELD
	ethtool --per-queue "$DEV" queue_mask "$(printf '0x%x' $((1 << $1)))" --show-coalesce 2>&1 |
		sed -n "s/^$2:[[:space:]]*//p" | head -1
}
if ! out=$(ethtool --per-queue "$DEV" queue_mask 0x1 --show-coalesce 2>&1); then
	fail "per-queue show refused: $out"
else
	# a device-wide set applies to every queue
	set_ok rx-usecs 21
	q=0
	while [ $q -lt "$nq" ]; do
		[ "$(qget $q rx-usecs)" = 21 ] || fail "queue $q rx-usecs '$(qget $q rx-usecs)' after a device-wide set of 21"
		q=$((q + 1))
	done
	reset
	q1before=$(qget 1 rx-usecs)
	if ! out=$(ethtool --per-queue "$DEV" queue_mask 0x1 --coalesce rx-usecs 77 tx-usecs 33 2>&1); then
		fail "per-queue set refused: $out"
	fi
	q0=$(qget 0 rx-usecs)
	[ "$q0" = 77 ] || fail "queue 0 rx-usecs: set 77, read '$q0'"
	if [ "$nq" -ge 2 ]; then
		q1=$(qget 1 rx-usecs)
		[ "$q1" = "$q1before" ] || fail "queue 1 rx-usecs changed from '$q1before' to '$q1' by a queue-0 set"
		ethtool --per-queue "$DEV" queue_mask 0x3 --coalesce rx-usecs 55 > /dev/null 2>&1 || fail "per-queue set on mask 0x3 refused"
		q1=$(qget 1 rx-usecs)
		[ "$q1" = 55 ] || fail "queue 1 rx-usecs: set 55, read '$q1'"
	fi
	bad=$(printf '0x%x' $((1 << nq)))
	if ethtool --per-queue "$DEV" queue_mask "$bad" --coalesce rx-usecs 5 > /dev/null 2>&1; then
		fail "per-queue set on missing queue (mask $bad) accepted"
	fi
	# rejected means not applied: ethtool's exit status for a refused
	# per-queue set is not reliable across versions, the state is
	q0=$(qget 0 rx-usecs)
	ethtool --per-queue "$DEV" queue_mask 0x1 --coalesce rx-usecs $((MAX + 1)) > /dev/null 2>&1
	q0after=$(qget 0 rx-usecs)
	[ "$q0after" = "$q0" ] || fail "per-queue out-of-range rx-usecs $((MAX + 1)) applied: queue 0 reads '$q0after' (was '$q0')"
fi
reset
ethtool --per-queue "$DEV" queue_mask "$(printf "0x%x" $(((1 << nq) - 1)))" --coalesce rx-usecs 0 tx-usecs 0 > /dev/null 2>&1
sub "per-queue get/set"

# --- 7. sysfs group agrees with ethtool --------------------------------------------
if [ ! -d "$SYS" ]; then
	fail "no $SYS"
else
	for a in rx_usecs rx_frames tx_usecs tx_frames weight adaptive_rx adaptive_tx; do
		[ -f "$SYS/$a" ] || fail "missing $SYS/$a"
	done
	set_ok rx-usecs 123 tx-usecs 45 rx-frames 8 tx-frames 4
	for p in rx_usecs:123 tx_usecs:45 rx_frames:8 tx_frames:4; do
		[ "$(sysget "${p%%:*}")" = "${p#*:}" ] || fail "sysfs ${p%%:*}='$(sysget "${p%%:*}")', ethtool set ${p#*:}"
	done
	echo 321 > "$SYS/rx_usecs" 2>/dev/null || fail "write rx_usecs=321 refused"
	echo 16 > "$SYS/tx_frames" 2>/dev/null || fail "write tx_frames=16 refused"
	[ "$(get rx-usecs)" = 321 ] || fail "ethtool rx-usecs='$(get rx-usecs)' after sysfs write 321"
	[ "$(get tx-frames)" = 16 ] || fail "ethtool tx-frames='$(get tx-frames)' after sysfs write 16"
	[ "$(sysget weight)" = 64 ] || fail "weight default is '$(sysget weight)', not 64"
	for w in 1 32 64; do
		echo "$w" > "$SYS/weight" 2>/dev/null || fail "write weight=$w refused"
		[ "$(sysget weight)" = "$w" ] || fail "weight: wrote $w, read '$(sysget weight)'"
	done
	# the policy attributes: dim stays dim when adaptive_rx is set again,
	# switching off returns to the configured static settings
	echo dim > "$SYS/rx_policy" 2>/dev/null || fail "write rx_policy=dim refused"
	echo 1 > "$SYS/adaptive_rx" 2>/dev/null || fail "write adaptive_rx=1 refused"
	[ "$(sysget rx_policy)" = dim ] || fail "rx_policy is '$(sysget rx_policy)' after dim, then adaptive_rx=1"
	[ "$(sysget adaptive_rx)" = 1 ] || fail "adaptive_rx is '$(sysget adaptive_rx)' with rx_policy dim"
	echo adaptive > "$SYS/tx_policy" 2>/dev/null || fail "write tx_policy=adaptive refused"
	a=$(ethtool -c "$DEV" | sed -n 's/^Adaptive RX:.*TX: *\([a-z]*\).*/\1/p')
	[ "$a" = on ] && [ "$(sysget adaptive_tx)" = 1 ] ||
		fail "tx_policy=adaptive: ethtool adaptive-tx '$a', adaptive_tx '$(sysget adaptive_tx)'"
	echo 0 > "$SYS/adaptive_rx" 2>/dev/null || fail "write adaptive_rx=0 refused"
	echo off > "$SYS/tx_policy" 2>/dev/null || fail "write tx_policy=off refused"
	[ "$(sysget rx_policy)" = static ] && [ "$(sysget rx_usecs)" = 321 ] ||
		fail "after adaptive_rx=0: rx_policy '$(sysget rx_policy)', rx_usecs '$(sysget rx_usecs)' (want static, 321)"
	[ "$(sysget tx_policy)" = static ] && [ "$(get tx-frames)" = 16 ] ||
		fail "after tx_policy=off: tx_policy '$(sysget tx_policy)', tx-frames '$(get tx-frames)' (want static, 16)"
fi
reset
sub "sysfs coalesce group agrees with ethtool"

if [ -d "$SYS" ]; then
	echo 9 > "$SYS/rx_usecs"
	for p in "rx_usecs $((MAX + 1))" "tx_usecs $((MAX + 1))" "rx_frames $((FMAX + 1))" "tx_frames 100000" \
		"weight 0" "weight 65" "adaptive_rx 2" "adaptive_tx 7" "rx_usecs -1" "rx_usecs abc" \
		"rx_policy bogus" "tx_policy 1"; do
		a=${p%% *}; v=${p#* }
		before=$(sysget "$a"); bstate=$(state)
		if (echo "$v" > "$SYS/$a") 2>/dev/null; then
			fail "sysfs $a=$v accepted"
		fi
		[ "$(sysget "$a")" = "$before" ] || fail "sysfs $a changed by rejected write $v"
		[ "$(state)" = "$bstate" ] || fail "ethtool state changed by rejected sysfs $a=$v"
	done
	reset
	[ "$(sysget rx_usecs)" = 0 ] || fail "reset failed"
else
	fail "no $SYS"
fi
sub "sysfs out-of-range writes rejected, state unchanged"
