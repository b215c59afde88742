#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# xen-netcoal lab: Xen 4.17 + PV dom0 + PV domUs in QEMU (TCG), with our
# xen-netback/xen-netfront or Debian's stock ones, measured under real traffic.
# See tools/lab/README.md.
#
#   lab.sh run      [SCENARIO=file] [REPEAT=N] [DOM0_SCRIPT=f] [GUEST_SCRIPT=f]
#   lab.sh check    end-to-end selftests (TAP), 2 boots
#   lab.sh prepare  host tools, downloads, rootfs, images (all cached)
#   lab.sh report RESULTS_DIR   re-print the table of a finished run
#   lab.sh smoke    boot once, bring the toolstack and one guest up, stop
#   lab.sh clean    remove the work dir ($LAB_WORK)
#   lab.sh deps|fetch|rootfs|modules|images   one stage
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tools/lab/lib/common.sh
. "$HERE/lib/common.sh"
S=$HERE/stages
PY=${PYTHON:-python3}

usage() { sed -n '3,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

stage_deps() { run_stage host-deps "$S/10-host-deps.sh"; }
stage_fetch() { run_stage fetch "$S/20-fetch.sh"; }
stage_rootfs() { run_stage rootfs "$S/30-rootfs.sh"; }
stage_images() { run_stage images "$S/50-images.sh"; }
stage_helpers() { run_stage helpers "$S/45-helpers.sh"; }
stage_modules() {
	run_stage modules "$S/40-modules.sh"
	load_modules_env
	log "modules: netback=$NETBACK_KO netfront=$NETFRONT_KO"
}
load_modules_env() {
	# shellcheck source=/dev/null
	. "$LAB_WORK/modules.env"
	export NETBACK_KO NETFRONT_KO
}

prepare() {
	[ "${LAB_STANDIN:-0}" = 1 ] && export NEED_STANDIN=1
	# one preparation at a time per work dir (parallel `run` and `check`)
	local lk
	exec {lk}> "$LAB_WORK/.prepare.lock"
	flock "$lk"
	stage_deps
	resolve_kver
	log "KVER=$KVER work=$LAB_WORK"
	stage_fetch
	stage_rootfs
	stage_images
	stage_helpers
	stage_modules
	flock -u "$lk"
}

# new_run KIND NAME : create a results directory, print its path
new_run() {
	local d
	d=$LAB_WORK/results/$(date +%Y%m%d-%H%M%S)-$1-$2
	mkdir -p "$d"
	echo "$d"
}

# boot_one RUNDIR SERIALNAME : overlay + boot; returns the boot stage's rc
boot_one() {
	local r=$1 name=$2 rc=0 t
	"$S/70-overlay.sh" "$r" > "$r/overlay.log" 2>&1 || { log "stage overlay FAILED, log: $r/overlay.log"; return 10; }
	t=$(now)
	log "boot $name: QEMU running (timeout ${TIMEOUT}s, serial log $LOGS/serial-$name.log)"
	"$S/80-boot.sh" "$r" "$name" > "$r/boot.log" 2>&1 || rc=$?
	rm -f "$r/dom0.cpio"
	record_time "boot $name (rc=$rc)" "$t"
	if [ "$rc" != 0 ]; then
		log "boot $name FAILED: $(tail -n 1 "$r/boot.log") -- boot log $r/boot.log, serial log $LOGS/serial-$name.log"
	fi
	return "$rc"
}

# boot_settings FILE : the emulated host a scenario or selftest plan asks for
# (PCPUS=N, QEMU_MEM=MiB, TIMERS=default|tuned lines); the environment
# (LAB_PCPUS, QEMU_MEM, LAB_TIMERS) wins
boot_settings() {
	local v
	v=$(sed -n 's/^PCPUS=\([0-9][0-9]*\).*/\1/p' "$1" | tail -1)
	LAB_PCPUS=${LAB_PCPUS_ENV:-${v:-2}}
	v=$(sed -n 's/^QEMU_MEM=\([0-9][0-9]*\).*/\1/p' "$1" | tail -1)
	QEMU_MEM=${QEMU_MEM_ENV:-${v:-3072}}
	v=$(sed -n 's/^TIMERS=\([a-z]*\).*/\1/p' "$1" | tail -1)
	LAB_TIMERS=${LAB_TIMERS_ENV:-${v:-default}}
	case $LAB_TIMERS in default|tuned) ;; *) die "$1: TIMERS=$LAB_TIMERS (default or tuned)" ;; esac
	export LAB_PCPUS QEMU_MEM LAB_TIMERS
}
LAB_PCPUS_ENV=${LAB_PCPUS:-}
QEMU_MEM_ENV=${QEMU_MEM:-}
LAB_TIMERS_ENV=${LAB_TIMERS:-}

lab_commit() { git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo none; }

cmd_run() {
	local T sc rep=${REPEAT:-1} jobs=${LAB_JOBS:-$(nproc)} i rc=0 name d
	T=$(now)
	sc=${SCENARIO:-$HERE/scenarios/default.sh}
	[ -f "$sc" ] || die "scenario $sc not found"
	sc=$(readlink -f "$sc")
	# a scenario may ask for a longer boot timeout (BOOT_TIMEOUT=seconds);
	# TIMEOUT from the environment wins
	local bt
	bt=$(sed -n 's/^BOOT_TIMEOUT=\([0-9][0-9]*\).*/\1/p' "$sc" | tail -1)
	[ -z "$TIMEOUT_FROM_ENV" ] && [ -n "$bt" ] && TIMEOUT=$bt
	boot_settings "$sc"
	[ -z "${DOM0_SCRIPT:-}" ] || DOM0_SCRIPT=$(readlink -f "$DOM0_SCRIPT")
	[ -z "${GUEST_SCRIPT:-}" ] || GUEST_SCRIPT=$(readlink -f "$GUEST_SCRIPT")
	export DOM0_SCRIPT GUEST_SCRIPT
	prepare
	name=$(basename "$sc" .sh)
	d=$(new_run run "$name")
	log "scenario $sc, REPEAT=$rep, results: $d"
	local pids=() running=0
	for i in $(seq "$rep"); do
		mkdir -p "$d/rep$i"
		cp "$sc" "$d/rep$i/scenario.sh"
		{
			echo "MODE=run"
			echo "LAB_COMMIT=$(lab_commit)"
			[ -n "${DOM0_SCRIPT:-}${GUEST_SCRIPT:-}" ] && echo "USER_SCRIPTS=1"
		} > "$d/rep$i/run.conf"
		boot_one "$d/rep$i" "run-$name-rep$i" &
		pids+=($!)
		running=$((running + 1))
		if [ "$running" -ge "$jobs" ]; then
			wait "${pids[0]}" || rc=1
			pids=("${pids[@]:1}"); running=$((running - 1))
		fi
	done
	for i in "${pids[@]}"; do wait "$i" || rc=1; done
	"$PY" "$HERE/lib/report.py" "$d" || rc=1
	record_time "total lab run" "$T"
	log "results: $d"
	return $rc
}

cmd_check() {
	local T d rc=0 p plans
	T=$(now)
	# four boots on two cores, half a core each: on a slow machine the
	# longest (check-adaptive) took over 30 min; 80 min still ends a hung
	# boot inside CI's 90 (the steps before the lab take ~5)
	TIMEOUT=${CHECK_TIMEOUT:-4800}
	# a lab that cannot even be prepared is a failing test, not a silent exit
	if ! (prepare); then
		printf 'TAP version 13\n1..1\nnot ok 1 - lab: prepare host, images and modules # see %s\n0 passed, 1 failed\n' "$LOGS"
		return 1
	fi
	load_modules_env
	d=$(new_run check lab)
	plans=${CHECK_PLANS:-check-flavours check-ours check-adaptive check-measure}
	local pids=() names=()
	for p in $plans; do
		mkdir -p "$d/$p"
		printf 'MODE=check\nCHECK_PLAN=%s\nLAB_COMMIT=%s\n' "$p" "$(lab_commit)" > "$d/$p/run.conf"
		boot_settings "$REPO_DIR/selftests/lab/$p.sh"
		boot_one "$d/$p" "$p" &
		pids+=($!); names+=("$p")
		[ "${CHECK_SERIAL:-0}" = 1 ] && { wait "${pids[-1]}" || true; }
	done
	for p in "${pids[@]}"; do wait "$p" || true; done
	# shellcheck disable=SC2086
	"$PY" "$HERE/lib/tap.py" "$d" $plans || rc=$?
	record_time "total lab check" "$T"
	log "check results: $d"
	return $rc
}

cmd_smoke() {
	local d
	prepare
	d=$(new_run smoke lab)
	cat > "$d/scenario.sh" <<'SC'
SCENARIO_NAME=smoke
GUESTS=(g1)
CONFIGS=("stock dom0=stock guest=stock" "ours dom0=ours guest=ours")
WORKLOADS=("ping ping count=3 interval=0.2" "bulk-rx bulk dir=rx t=2")
SC
	printf 'MODE=run\n' > "$d/run.conf"
	boot_one "$d" smoke && "$PY" "$HERE/lib/report.py" "$d"
}

main() {
	local c=${1:-help}
	[ $# -gt 0 ] && shift
	case $c in
	run) cmd_run "$@" ;;
	check) cmd_check "$@" ;;
	smoke) cmd_smoke "$@" ;;
	prepare) prepare ;;
	deps) stage_deps ;;
	fetch) resolve_kver; stage_fetch ;;
	rootfs) resolve_kver; stage_rootfs ;;
	images) resolve_kver; stage_images ;;
	modules) resolve_kver; stage_modules ;;
	report) "$PY" "$HERE/lib/report.py" "$@" ;;
	clean) rm -rf "${LAB_WORK:?}" ;;
	help|-h|--help) usage ;;
	*) usage; die "unknown subcommand '$c'" ;;
	esac
}
main "$@"
