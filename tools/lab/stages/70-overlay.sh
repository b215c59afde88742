#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stage overlay: build the run-specific boot archive of one run directory.
#   overlay.sh RUNDIR  (reads RUNDIR/run.conf, RUNDIR/scenario.sh, user scripts)
# env: NETBACK_KO NETFRONT_KO (ours), DOM0_SCRIPT GUEST_SCRIPT (optional)
# Produces RUNDIR/dom0.cpio = dom0-base.cpio + overlay (the last copy of a file
# in concatenated initramfs archives wins).
set -euo pipefail
# shellcheck source=tools/lab/lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
set_paths
R=${1:?rundir}
G=$LAB_DIR/guest
O=$R/overlay; U=$R/domu-overlay
rm -rf "$O" "$U"
mkdir -p "$O/lab/selftests" "$O/lab/user" "$O/usr/lib/netcoal" "$O/usr/local/bin" "$O/boot" "$O/etc/xen" \
	"$U/lab/selftests" "$U/lab/user" "$U/lab/bin" "$U/lib/netcoal"
# dom0 (merged /usr: never put a "lib" or "bin" entry in the archive)
install -m 755 "$G/dom0-init" "$O/init"
cp "$G/dom0-lib.sh" "$G/snap.sh" "$O/lab/"
cp "$R/run.conf" "$O/lab/run.conf"
[ -f "$R/scenario.sh" ] && cp "$R/scenario.sh" "$O/lab/scenario.sh"
cp "$REPO_DIR"/selftests/lab/*.sh "$O/lab/selftests/" 2>/dev/null || true
[ -n "${NETBACK_KO:-}" ] && cp "$NETBACK_KO" "$O/usr/lib/netcoal/xen-netback.ko"
# the lab's measurement programs (stage helpers)
install -m 755 "$LAB_WORK/helpers/ncl-cputime" "$LAB_WORK/helpers/ncl-udpgen" "$O/usr/local/bin/"
[ -n "${DOM0_SCRIPT:-}" ] && install -m 755 "$DOM0_SCRIPT" "$O/lab/user/dom0.sh"
# domU
install -m 755 "$G/domu-init" "$U/init"
cp "$G/domu-lib.sh" "$G/snap.sh" "$U/lab/"
cp "$REPO_DIR"/selftests/lab/*.sh "$U/lab/selftests/" 2>/dev/null || true
[ -n "${NETFRONT_KO:-}" ] && cp "$NETFRONT_KO" "$U/lib/netcoal/xen-netfront.ko"
install -m 755 "$LAB_WORK/helpers/ncl-udpgen" "$U/lab/bin/"
if [ -n "${GUEST_SCRIPT:-}" ]; then
	install -m 755 "$GUEST_SCRIPT" "$U/lab/user/guest.sh"
	install -m 755 "$GUEST_SCRIPT" "$O/lab/user/guest.sh"	# tells dom0 to run it
fi
{
	cat "$IMG/domu-base.cpio"
	(cd "$U" && find . | cpio -o -H newc --quiet)
} > "$O/boot/domu.cpio"
{
	cat "$IMG/dom0-base.cpio"
	(cd "$O" && find . | cpio -o -H newc --quiet)
} > "$R/dom0.cpio"
ls -la "$R/dom0.cpio" "$O/boot/domu.cpio"
