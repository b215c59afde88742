#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ncl-udpgen on the loopback interface (127.0.0.1 only, never another
# address): rate, loss, echo/RTT, the sender's CPU, two concurrent flows,
# the -s floor, bad arguments and a missing sink. TAP output; the last line
# is "N passed, M failed"; exits non-zero on any failure. About 9 s.
#   tools/udpgen/check.sh [PATH/TO/ncl-udpgen]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$top/build/udpgen/ncl-udpgen}
tmp=$(mktemp -d)
pids=()
n=0
passed=0
failed=0

cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ok STATUS DESCRIPTION: one TAP line for a test whose exit status is STATUS.
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		passed=$((passed + 1))
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
	fi
}

# is 'AWK EXPRESSION' DESCRIPTION (an empty value makes the expression fail).
is() {
	awk "BEGIN { exit !($1) }" 2>/dev/null
	ok $? "$2"
}

# kv LINE KEY: the value of KEY=value in LINE.
kv() {
	awk -v k="$2" '{ for (i = 1; i <= NF; i++)
		if (index($i, k "=") == 1) { print substr($i, length(k) + 2); exit } }' <<<"$1"
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# start_sink: a daemonized sink on a free port of 127.0.0.1; sets $port.
start_sink() {
	local out
	port=
	out=$("$bin" sink -p 0 -b 127.0.0.1 -D) || return 1
	port=$(kv "$out" port)
	pids+=("$(kv "$out" pid)")
	[ -n "$port" ]
}

if [ ! -x "$bin" ]; then
	echo "Bail out! no $bin (make -C tools/udpgen)"
	exit 1
fi

"$bin" -h | grep -q '^usage: ncl-udpgen sink'
ok $? "-h prints the usage"

start_sink
ok $? "sink -p 0 -D starts on 127.0.0.1 (port ${port:-none})"

# --- 2000 pps x 2 s, every 10th packet echoed --------------------------------
r=$("$bin" send -d 127.0.0.1 -p "$port" -r 2000 -s 64 -t 2 -e 10 2>"$tmp/err")
ok $? "send 2000 pps x 2 s exits 0"
echo "# $r"
keys="udpgen offered_pps payload_bytes flow poisson sent duration_s achieved_pps sink_recv"
keys="$keys sink_bytes loss loss_frac echo_sent echo_recv rtt_n rtt_avg_us rtt_p50_us"
keys="$keys rtt_p90_us rtt_p99_us rtt_p999_us rtt_max_us wakeups max_burst send_errors"
keys="$keys cpu_user_s cpu_sys_s"
got=$(tr ' ' '\n' <<<"$r" | sed 's/=.*//' | tr '\n' ' ')
[ "${got% }" = "$keys" ] && [ "$(wc -l <<<"$r")" = 1 ]
ok $? "one line with the fixed key set"
! tr ' ' '\n' <<<"${r#udpgen }" | grep -qv '^[a-z0-9_]*=-\?[0-9][0-9.]*$'
ok $? "every value is a number"
sent=$(kv "$r" sent)
recv=$(kv "$r" sink_recv)
rtt_n=$(kv "$r" rtt_n)
is "$sent >= 3960 && $sent <= 4040" "sent $sent within 1% of 4000"
is "$recv == $sent && $(kv "$r" loss) == 0" "sink_recv $recv == sent, loss 0"
is "$(kv "$r" sink_bytes) == $sent * 64" "sink_bytes == sent * 64"
is "$rtt_n >= $sent / 10 * 0.95 && $rtt_n <= $sent / 10 * 1.05" \
	"rtt_n $rtt_n within 5% of sent/10"
is "$(kv "$r" rtt_p50_us) > 0" "rtt_p50_us $(kv "$r" rtt_p50_us) > 0"
is "$(kv "$r" rtt_p50_us) <= $(kv "$r" rtt_p90_us) && \
    $(kv "$r" rtt_p90_us) <= $(kv "$r" rtt_p99_us) && \
    $(kv "$r" rtt_p99_us) <= $(kv "$r" rtt_p999_us) && \
    $(kv "$r" rtt_p999_us) <= $(kv "$r" rtt_max_us)" "RTT percentiles are ordered"
cpu=$(awk -v u="$(kv "$r" cpu_user_s)" -v s="$(kv "$r" cpu_sys_s)" \
	-v d="$(kv "$r" duration_s)" 'BEGIN { printf "%.3f", (u + s) / d }')
echo "# sender CPU (user + sys) / duration = $cpu at 2000 pps (a spinning sender: ~1.0)"
is "$cpu < 0.25" "the sender sleeps: CPU ratio $cpu < 0.25"

# --- two concurrent senders, flows 1 and 2 ---------------------------------
"$bin" send -d 127.0.0.1 -p "$port" -r 1000 -t 1 -e 10 -f 1 >"$tmp/f1" 2>&1 &
a=$!
"$bin" send -d 127.0.0.1 -p "$port" -r 1500 -t 1 -e 10 -f 2 >"$tmp/f2" 2>&1 &
b=$!
wait "$a"
ra=$?
wait "$b"
rb=$?
for f in 1 2; do
	r=$(cat "$tmp/f$f")
	echo "# $r"
	is "$(kv "$r" flow) == $f && $(kv "$r" sink_recv) == $(kv "$r" sent) && \
	    $(kv "$r" sent) > 0 && $(kv "$r" echo_recv) == $(kv "$r" echo_sent)" \
		"concurrent flow $f: sink_recv == sent $(kv "$r" sent), echoes all back"
done
is "$ra == 0 && $rb == 0" "both concurrent senders exit 0"

# --- Poisson arrivals: the same count, exponential gaps, seeded -------------
r=$("$bin" send -d 127.0.0.1 -p "$port" -r 2000 -t 2 -e 10 -a poisson 2>"$tmp/err")
ok $? "send -a poisson 2000 pps x 2 s exits 0"
echo "# $r"
# 4000 gaps of mean 0.5 ms: the schedule's length has a spread of 0.8%
is "$(kv "$r" poisson) == 1 && $(kv "$r" sent) == 4000 && $(kv "$r" loss) == 0 && \
    $(kv "$r" duration_s) > 1.9 && $(kv "$r" duration_s) < 2.1" \
	"poisson=1, all 4000 sent and received, duration $(kv "$r" duration_s) s within 5% of 2"
for sd in 1 2 1; do
	kv "$("$bin" send -d 127.0.0.1 -p "$port" -r 4000 -t 0.25 -e 0 -a poisson -S $sd)" duration_s
done >"$tmp/seeds"
mapfile -t d <"$tmp/seeds"
r=$("$bin" send -d 127.0.0.1 -p "$port" -r 4000 -t 0.25 -e 0)
echo "# schedule lengths: seed 1 ${d[0]}, seed 2 ${d[1]}, seed 1 ${d[2]} s; const $(kv "$r" duration_s) s"
# (a sender woken late for its last packet lasts a little longer)
is "${d[0]:-0} != ${d[1]:-0} && ${d[0]:-0} > 0.2 && ${d[1]:-0} > 0.2 && \
    $(kv "$r" duration_s) >= 0.25 && $(kv "$r" duration_s) < 0.26" \
	"seeds 1 and 2 give different schedules, the constant one lasts 0.250 s"

# --- 50000 pps x 1 s ---------------------------------------------------------
r=$("$bin" send -d 127.0.0.1 -p "$port" -r 50000 -t 1 -s 64 2>"$tmp/err")
ok $? "send 50000 pps x 1 s exits 0"
echo "# $r"
is "$(kv "$r" achieved_pps) >= 49000 && $(kv "$r" achieved_pps) <= 51000" \
	"achieved_pps $(kv "$r" achieved_pps) within 2% of 50000"

# --- -s below the header ---------------------------------------------------
r=$("$bin" send -d 127.0.0.1 -p "$port" -r 1000 -t 0.1 -s 8 -e 0 2>"$tmp/err")
grep -q 'header; using 32' "$tmp/err" &&
	[ "$(kv "$r" payload_bytes)" = 32 ] && [ "$(kv "$r" rtt_n)" = 0 ] &&
	[ "$(kv "$r" rtt_p50_us)" = -1 ] &&
	[ "$(kv "$r" sink_bytes)" = $(($(kv "$r" sent) * 32)) ]
ok $? "-s 8 warns, sends 32-byte packets; -e 0 gives rtt_n=0, rtt_*=-1"

# --- bad arguments: exit 2, one line on stderr naming the option ------------
bad() {
	local want=$1
	shift
	"$bin" "$@" >/dev/null 2>"$tmp/err"
	local rc=$?
	[ "$rc" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q -- "$want" "$tmp/err"
	ok $? "'$*' exits 2 ($rc): $(head -c 100 "$tmp/err")"
}
bad "-r" send -d 127.0.0.1 -p "$port" -r 0 -t 1
bad "-r" send -d 127.0.0.1 -p "$port" -r abc -t 1
bad "-d" send -p "$port" -r 1000 -t 1
bad "-s" send -d 127.0.0.1 -p "$port" -r 1000 -s 100000 -t 1
bad "-t" send -d 127.0.0.1 -p "$port" -r 1000 -t -1
bad "-x" send -d 127.0.0.1 -p "$port" -r 1000 -x
bad "-d" send -d localhost -p "$port" -r 1000 -t 1
bad "-a" send -d 127.0.0.1 -p "$port" -r 1000 -t 1 -a uniform
bad "-S" send -d 127.0.0.1 -p "$port" -r 1000 -t 1 -a poisson -S x
bad "-p" sink -b 127.0.0.1

# --- no sink: exit 2 within ~5 s ---------------------------------------------
start_sink
kill "${pids[-1]}"
for _ in $(seq 50); do
	kill -0 "${pids[-1]}" 2>/dev/null || break
	sleep 0.05
done
t=$(now_ms)
"$bin" send -d 127.0.0.1 -p "$port" -r 1000 -t 1 >/dev/null 2>"$tmp/err"
rc=$?
t=$(($(now_ms) - t))
[ "$rc" = 2 ] && [ "$t" -lt 5500 ] && grep -q 'no START_ACK' "$tmp/err"
ok $? "no sink on port $port: exit 2 ($rc) after $t ms: $(cat "$tmp/err")"

echo "1..$n"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
