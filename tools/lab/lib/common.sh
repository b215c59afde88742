# SPDX-License-Identifier: GPL-2.0
# Common settings and helpers of the xen-netcoal lab (host side). Sourced by
# tools/lab/lab.sh and every tools/lab/stages/*.sh script.
# shellcheck shell=bash

LAB_DIR=${LAB_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
REPO_DIR=${REPO_DIR:-$(cd "$LAB_DIR/../.." && pwd)}
LAB_WORK=${LAB_WORK:-/var/tmp/xen-netcoal-lab}
XEN_PKG=${XEN_PKG:-xen-hypervisor-4.17-amd64}
XEN_UTILS_PKG=${XEN_UTILS_PKG:-xen-utils-4.17}
SUITE=${SUITE:-bookworm}
# host_mirror SUITE : the first archive URI the host's own apt sources use
# for SUITE (one-line .list or deb822 .sources), so the lab's debootstrap
# fetches from wherever this machine's apt does
host_mirror() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed 's/#.*//; s/\[[^]]*\]//' "$f" | awk -v s="$1" '$1 == "deb" && $3 == s { print $2; exit }'
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		grep -v '^[[:space:]]*#' "$f" | awk -v s="$1" 'BEGIN { RS = "" }
			{ deb = 0; suite = 0; uri = ""
			  n = split($0, l, "\n")
			  for (i = 1; i <= n; i++) {
				split(l[i], w, /[[:space:]]+/)
				if (w[1] == "Types:") for (j = 2; j in w; j++) if (w[j] == "deb") deb = 1
				if (w[1] == "Suites:") for (j = 2; j in w; j++) if (w[j] == s) suite = 1
				if (w[1] == "URIs:" && uri == "") uri = w[2]
			  }
			  if (deb && suite && uri != "") { print uri; exit } }'
	done
}
MIRROR=${MIRROR:-$(host_mirror "$SUITE" | head -1)}
[ -n "$MIRROR" ] || { echo "lab: no apt source for $SUITE in /etc/apt/sources.list{,.d}: set MIRROR=" >&2; exit 1; }
export TIMEOUT_FROM_ENV=${TIMEOUT:+1}	# lab.sh: env wins over a scenario BOOT_TIMEOUT
TIMEOUT=${TIMEOUT:-900}
export LAB_DIR REPO_DIR LAB_WORK XEN_PKG XEN_UTILS_PKG SUITE MIRROR TIMEOUT

LOGS=$LAB_WORK/logs
STAMPS=$LAB_WORK/stamps
mkdir -p "$LAB_WORK" "$LOGS" "$STAMPS"

_ts() { date +%H:%M:%S; }
log() { printf '[lab %s] %s\n' "$(_ts)" "$*" >&2; }
warn() { printf '[lab %s] WARNING: %s\n' "$(_ts)" "$*" >&2; }
die() { printf '[lab %s] ERROR: %s\n' "$(_ts)" "$*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Resolve KVER: the Debian ABI that linux-image-amd64 depends on (override with KVER=).
resolve_kver() {
	if [ -z "${KVER:-}" ]; then
		KVER=$(apt-cache depends linux-image-amd64 2>/dev/null |
			sed -n 's/.*Depends: linux-image-\(.*\)$/\1/p' | head -1)
	fi
	[ -n "${KVER:-}" ] || die "cannot resolve KVER (run 'apt-get update' or set KVER=)"
	export KVER
}

# Candidate version of a package from the host's apt lists ("" if unknown).
pkg_version() {
	apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p' | head -1
}

# Candidate versions of several packages, one "name=version" a line (one apt call).
pkg_versions() {
	apt-cache policy "$@" 2>/dev/null | awk '/^[^ ]/ { sub(":$", "", $1); p = $1 }
		/^ *Candidate:/ { print p "=" $2 }'
}

pkg_installed() {
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

# hash_inputs STRING FILE... : sha256 over a description string and file contents.
hash_inputs() {
	local desc=$1; shift
	{
		printf '%s\n' "$desc"
		local f
		for f in "$@"; do
			printf '== %s\n' "$(readlink -f "$f" | sed "s|^$LAB_DIR/||")"
			cat "$f"
		done
	} | sha256sum | cut -c1-16
}

stamp_ok() { [ -f "$STAMPS/$1" ] && [ "$(cat "$STAMPS/$1")" = "$2" ]; }
stamp_set() { printf '%s\n' "$2" > "$STAMPS/$1"; }
stamp_clear() { rm -f "$STAMPS/$1"; }

TIMINGS=${TIMINGS:-$LOGS/timings.txt}
record_time() { # record_time NAME START [NOTE]
	local t; t=$(elapsed "$2")
	printf '%-32s %8s s  %s\n' "$1" "$t" "${3:-}" | tee -a "$TIMINGS" >&2
}

# run_stage NAME CMD... : run one stage with its own log; on failure say which
# stage failed and where its log is.
run_stage() {
	local name=$1; shift
	local logf=$LOGS/stage-$name.log t rc=0
	t=$(now)
	log "stage $name ... (log: $logf)"
	"$@" > "$logf" 2>&1 || rc=$?
	if [ "$rc" != 0 ]; then
		tail -n 25 "$logf" | sed 's/^/    | /' >&2
		die "stage '$name' FAILED (rc=$rc); full log: $logf"
	fi
	record_time "stage $name" "$t" "$(grep -m1 '^SKIP' "$logf" || true)"
}

# Paths of cached artefacts (per KVER).
set_paths() {
	resolve_kver
	DEBS=$LAB_WORK/debs
	EXT=$LAB_WORK/ext/$KVER
	ROOTFS=$LAB_WORK/rootfs
	STANDIN=$LAB_WORK/standin/$KVER
	IMG=$LAB_WORK/images/$KVER
	RUNS=$LAB_WORK/runs
	export DEBS EXT ROOTFS STANDIN IMG RUNS
	mkdir -p "$DEBS" "$IMG" "$RUNS"
}
