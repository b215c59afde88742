#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stage boot: boot Xen + the PV dom0 of one run directory in QEMU (TCG, no KVM
# on these hosts), under `timeout`, with the serial console in
# $LAB_WORK/logs/serial-NAME.log, then fetch /results from the results disk
# (or from the serial log) into RUNDIR/results.
#   80-boot.sh RUNDIR NAME
# env: TIMEOUT (s, default 900), ICOUNT (1 = -accel tcg -icount shift=0,sleep=off,
# the default; 0 = multi-threaded TCG, faster but timing is noisy), QEMU_MEM
set -uo pipefail
# shellcheck source=tools/lab/lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
set_paths
R=${1:?rundir}; NAME=${2:?name}
SERIAL=$LOGS/serial-$NAME.log
ICOUNT=${ICOUNT:-1}
# shellcheck disable=SC2054
if [ "$ICOUNT" = 1 ]; then
	accel=(-accel tcg -icount shift=0,sleep=off)
else
	accel=(-accel tcg,thread=multi)
fi
XEN_ARGS=${XEN_ARGS:-"console=com1 com1=115200,8n1 dom0_mem=1024M,max:1024M dom0_max_vcpus=1 loglvl=all guest_loglvl=all console_timestamps=boot serial_tx_buffer=256k conring_size=1m"}
# cryptomgr.notests: the crypto API's boot-time self-tests took 0.78 s of
# virtual time in every kernel (dom0 and each guest, initcall_debug); the
# network path under test uses none of those algorithms
DOM0_ARGS=${DOM0_ARGS:-"console=hvc0 earlyprintk=xen rdinit=/init loglevel=5 cryptomgr.notests"}
# Short timers as Xen and Linux give them by default (Xen's timer_slop 50 us,
# Linux's Xen clockevent minimum 100 us), or both lowered to 1 us ("tuned";
# dom0-lib.sh passes the guests' xen_timer_slop)
if [ "${LAB_TIMERS:-default}" = tuned ]; then
	XEN_ARGS="$XEN_ARGS timer_slop=1000"
	DOM0_ARGS="$DOM0_ARGS xen_timer_slop=1000"
fi
rm -f "$R/results.img"
truncate -s 64M "$R/results.img"
t=$(now)
echo "qemu: ${accel[*]} pcpus=${LAB_PCPUS:-2} timers=${LAB_TIMERS:-default} timeout=${TIMEOUT}s serial=$SERIAL"
timeout -k 10 "$TIMEOUT" qemu-system-x86_64 \
	-machine q35 "${accel[@]}" -cpu qemu64 -smp "${LAB_PCPUS:-2}" -m "${QEMU_MEM:-3072}" \
	-display none -monitor none -serial stdio -no-reboot -net none \
	-kernel "$IMG/xen" -append "$XEN_ARGS" \
	-initrd "$IMG/vmlinux $DOM0_ARGS,$R/dom0.cpio" \
	-drive "file=$R/results.img,format=raw,if=none,id=res" -device virtio-blk-pci,drive=res \
	< /dev/null > "$SERIAL" 2>&1 &
qpid=$!
# A crashed dom0 or hypervisor does not always end QEMU: stop it early.
crashed=""
declare -A seen=()
milestones=("@@NCL-DOM0-INIT" "toolstack up" "guest [a-z0-9]* ready" "@@NCL-RESULT")
while kill -0 "$qpid" 2>/dev/null; do
	for m in "${milestones[@]}"; do
		if [ -z "${seen[$m]:-}" ] && grep -aq -- "$m" "$SERIAL"; then
			seen[$m]=1
			echo "milestone '$m' at wall $(elapsed "$t") s"
		fi
	done
	if [ -z "$crashed" ] && grep -aqE 'Hardware Dom0 crashed|Kernel panic - not syncing|\(XEN\) Panic on CPU' "$SERIAL"; then
		crashed=$(now)
		echo "crash detected in $SERIAL, stopping QEMU in 10 s"
	fi
	if [ -n "$crashed" ] && [ "$(elapsed "$crashed" | cut -d. -f1)" -ge 10 ]; then
		kill "$qpid" 2>/dev/null
		break
	fi
	sleep 2
done
wait "$qpid"
rc=$?
[ -n "$crashed" ] && { echo "BOOT CRASHED: dom0 kernel or Xen panic (serial log: $SERIAL)"; grep -aE 'Kernel panic|Panic on CPU|Dom0 crashed' "$SERIAL" | head -5; }
wall=$(elapsed "$t")
echo "qemu rc=$rc wall=${wall}s"
echo "$wall" > "$R/boot-wall.txt"
mkdir -p "$R/results"
cp "$SERIAL" "$R/results/serial.log"
# results: disk first, serial base64 as fallback
got=0
hdr=$(head -c 512 "$R/results.img" | tr -d '\0' | head -1)
if [ "${hdr%% *}" = NCLRES ]; then
	read -r _ size sum <<< "$hdr"
	tail -c +513 "$R/results.img" | head -c "$size" > "$R/results.tgz"
	if [ "$(sha256sum < "$R/results.tgz" | cut -d' ' -f1)" = "$sum" ]; then
		tar xzf "$R/results.tgz" -C "$R/results" && got=1
	else
		echo "results disk: checksum mismatch"
	fi
elif grep -aq '@@NCL RESULTS-B64-BEGIN' "$SERIAL"; then
	tr -d '\r' < "$SERIAL" | sed -n '/@@NCL RESULTS-B64-BEGIN/,/@@NCL RESULTS-B64-END/p' | sed '1d;$d' |
		base64 -d > "$R/results.tgz" 2>/dev/null && tar xzf "$R/results.tgz" -C "$R/results" && got=1
fi
rm -f "$R/results.img"
res=$(tr -d '\r' < "$SERIAL" | sed -n 's/^.*@@NCL-RESULT \(.*\)$/\1/p' | tail -1)
echo "results fetched=$got dom0 result: ${res:-none}"
[ -n "$crashed" ] && exit 6
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	echo "BOOT TIMEOUT after ${TIMEOUT}s (serial log: $SERIAL)"
	exit 3
fi
[ "$rc" = 0 ] || { echo "qemu failed rc=$rc (serial log: $SERIAL)"; exit 2; }
[ -n "$res" ] || { echo "dom0 never reported a result (serial log: $SERIAL)"; exit 4; }
[ "$got" = 1 ] || { echo "could not fetch results (serial log: $SERIAL)"; exit 5; }
case $res in PASS*) exit 0 ;; *) echo "dom0 reported: $res (serial log: $SERIAL)"; exit 1 ;; esac
