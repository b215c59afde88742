#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stage images: the cached, run-independent boot images.
#  $IMG/domu-base.cpio.gz : busybox-static, iperf3, sockperf, ethtool, ping, redis-server,
#                           xenstore tools (+ their libs, from the rootfs),
#                           stock netfront at /lib/stock/xen-netfront.ko
#  $IMG/dom0-base.cpio    : the rootfs (uncompressed: no gunzip under TCG)
#                           + Xen/bridge/virtio kernel modules + /boot/vmlinuz
# Run-specific files (scripts, our modules, scenario) go into a small overlay
# archive appended at run time (tools/lab/stages/70-overlay.sh).
set -euo pipefail
# shellcheck source=tools/lab/lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
set_paths
h=$(hash_inputs "images $KVER $(cat "$STAMPS/rootfs") $(cat "$STAMPS/fetch-$KVER") $(dpkg-query -W -f='${Version}' busybox-static)" "$0")
if stamp_ok "images-$KVER" "$h" && [ -s "$IMG/domu-base.cpio.gz" ] && [ -s "$IMG/dom0-base.cpio" ]; then
	echo "SKIP images cached ($h)"
	exit 0
fi
stamp_clear "images-$KVER"
M=lib/modules/$KVER

# ---- domU base ---------------------------------------------------------
D=$IMG/domu-tree
rm -rf "$D"; mkdir -p "$D"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,root,lib/stock,lib/netcoal,lab/bin}
cp /bin/busybox "$D/bin/busybox"
chroot "$D" /bin/busybox --install -s
# real Debian tools, with their shared libraries taken from the rootfs
tools="/usr/bin/iperf3 /usr/bin/sockperf /usr/sbin/ethtool /usr/bin/ping /usr/bin/redis-server"
for x in xenstore-read xenstore-write xenstore-watch xenstore-ls xenstore-rm xenstore-chmod xenstore-list xenstore-exists; do
	p=$(chroot "$ROOTFS" sh -c "command -v $x" || true)
	[ -n "$p" ] && tools="$tools $p"
done
for t in $tools; do
	real=$(readlink -f "$ROOTFS$t")
	mkdir -p "$D$(dirname "$t")"
	rm -f "$D$t"
	cp -L "$real" "$D$t"
	for l in $(chroot "$ROOTFS" ldd "$t" | grep -o '/[^ ]*'); do
		[ -e "$D$l" ] && continue
		mkdir -p "$D$(dirname "$l")"
		cp -L "$ROOTFS$l" "$D$l"
	done
done
# /lib64 loader path used by the binaries
[ -e "$D/lib64/ld-linux-x86-64.so.2" ] || { mkdir -p "$D/lib64"; cp -L "$ROOTFS/lib64/ld-linux-x86-64.so.2" "$D/lib64/"; }
cp "$EXT/$M/kernel/drivers/net/xen-netfront.ko" "$D/lib/stock/xen-netfront.ko"
echo 'root:x:0:0:root:/root:/bin/sh' > "$D/etc/passwd"
printf '127.0.0.1 localhost\n' > "$D/etc/hosts"
(cd "$D" && find . | cpio -o -H newc --quiet | gzip -6 > "$IMG/domu-base.cpio.gz")
ls -la "$IMG/domu-base.cpio.gz"

# ---- dom0 base -----------------------------------------------------------
X=$IMG/dom0-extra
rm -rf "$X"; mkdir -p "$X/$M" "$X/boot" "$X/results"
(cd "$EXT/$M" && cp --parents -r kernel/drivers/xen kernel/drivers/net/xen-netback \
	kernel/drivers/net/xen-netfront.ko kernel/net/bridge kernel/net/802 kernel/net/llc \
	kernel/drivers/virtio kernel/drivers/block/virtio_blk.ko \
	modules.order modules.builtin modules.builtin.modinfo "$X/$M/")
depmod -b "$X" "$KVER"
# the rootfs has merged /usr: /lib is a symlink, and an archive entry "lib" of
# another type would replace it, so everything goes below usr/lib
mkdir -p "$X/usr" && mv "$X/lib" "$X/usr/lib" && mkdir -p "$X/usr/lib/netcoal"
cp "$IMG/vmlinuz" "$X/boot/vmlinuz"
{
	(cd "$ROOTFS" && find . -path './proc/*' -prune -o -print | cpio -o -H newc --quiet)
	(cd "$X" && find . | cpio -o -H newc --quiet)
} > "$IMG/dom0-base.cpio"
ls -la "$IMG/dom0-base.cpio"
stamp_set "images-$KVER" "$h"
