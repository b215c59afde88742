#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stage rootfs: debootstrap a minbase bookworm tree, then apt-get install the
# dom0 tools inside it with the host's apt sources (so that xen-utils matches
# the hypervisor, which comes from bookworm-security), then trim it.
set -euo pipefail
# shellcheck source=tools/lab/lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
set_paths
PKGS="$XEN_UTILS_PKG xen-utils-common xenstore-utils iproute2 bridge-utils kmod iperf3 sockperf
ethtool iputils-ping procps busybox netcat-openbsd less strace redis-server redis-tools"
# shellcheck disable=SC2086
vers=$(pkg_versions $PKGS | sort | tr '\n' ' ')
h=$(hash_inputs "rootfs $SUITE $MIRROR $vers" "$0")
if stamp_ok rootfs "$h" && [ -x "$ROOTFS/usr/bin/iperf3" ]; then
	echo "SKIP rootfs cached ($h)"
	exit 0
fi
stamp_clear rootfs
rm -rf "$ROOTFS"
t=$(now)
debootstrap --variant=minbase "$SUITE" "$ROOTFS" "$MIRROR"
echo "debootstrap took $(elapsed "$t") s"
# the host's apt sources (bookworm, -updates, -security)
rm -f "$ROOTFS/etc/apt/sources.list"
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
	[ -f "$f" ] || continue
	grep -qs 'debian' "$f" || continue
	case $f in *.list) d=$ROOTFS/etc/apt/sources.list.d/host.list ;; *) d=$ROOTFS/etc/apt/sources.list.d/${f##*/} ;; esac
	cp "$f" "$d"
done
printf '#!/bin/sh\nexit 101\n' > "$ROOTFS/usr/sbin/policy-rc.d"; chmod +x "$ROOTFS/usr/sbin/policy-rc.d"
mount -t proc proc "$ROOTFS/proc"
trap 'umount "$ROOTFS/proc" 2>/dev/null || true' EXIT
chroot "$ROOTFS" apt-get update -q
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive chroot "$ROOTFS" apt-get install -y -q --no-install-recommends $PKGS
chroot "$ROOTFS" dpkg-query -W > "$ROOTFS/root/packages.txt"
umount "$ROOTFS/proc"; trap - EXIT
# trim what dom0 never needs
rm -rf "$ROOTFS"/usr/share/{doc,man,locale,info} "$ROOTFS"/var/cache/apt/*.bin \
	"$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* \
	"$ROOTFS"/usr/lib/python3* "$ROOTFS"/usr/lib/udev/hwdb.bin
rm -rf "$ROOTFS/lib/modules"/*
du -sh "$ROOTFS"
stamp_set rootfs "$h"
