#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stage images: the cached, run-independent boot images.
#  $IMG/vmlinux           : the ELF kernel inside Debian's bzImage, decompressed
#                           here once: Xen (dom0) and xl (every guest) load it
#                           as it is, instead of unpacking ~66 MB of xz under
#                           TCG at every boot and every guest creation
#  $IMG/domu-base.cpio    : busybox-static, iperf3, sockperf, ethtool, ping, redis-server,
#                           xenstore tools (+ their libs, from the rootfs),
#                           stock netfront at /lib/stock/xen-netfront.ko
#  $IMG/dom0-base.cpio    : the rootfs + Xen/bridge/virtio kernel modules +
#                           /boot/vmlinux (the cpio archives are uncompressed:
#                           no gunzip under TCG)
# Run-specific files (scripts, our modules, scenario) go into a small overlay
# archive appended at run time (tools/lab/stages/70-overlay.sh).
set -euo pipefail
# shellcheck source=tools/lab/lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
set_paths
h=$(hash_inputs "images $KVER $(cat "$STAMPS/rootfs") $(cat "$STAMPS/fetch-$KVER") $(dpkg-query -W -f='${Version}' busybox-static)" "$0")
if stamp_ok "images-$KVER" "$h" && [ -s "$IMG/vmlinux" ] && [ -s "$IMG/domu-base.cpio" ] && [ -s "$IMG/dom0-base.cpio" ]; then
	echo "SKIP images cached ($h)"
	exit 0
fi
stamp_clear "images-$KVER"
M=lib/modules/$KVER

# u32 FILE OFFSET / u8 FILE OFFSET: a little-endian field of FILE
u32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
u8() { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '; }

# vmlinux_of BZIMAGE OUT: the compressed payload a bzImage carries (boot
# protocol >= 2.08: payload_offset and payload_length in the setup header,
# counted from the protected-mode code after the setup sectors), decompressed
vmlinux_of() {
	local setup off len magic
	[ "$(od -An -c -j $((0x202)) -N4 "$1" | tr -d ' ')" = HdrS ] || { echo "$1: not a bzImage"; return 1; }
	setup=$(u8 "$1" $((0x1f1))); [ "$setup" = 0 ] && setup=4
	off=$(( (setup + 1) * 512 + $(u32 "$1" $((0x248))) ))
	len=$(u32 "$1" $((0x24c)))
	magic=$(od -An -tx1 -j "$off" -N4 "$1" | tr -d ' ')
	case $magic in
	fd377a58) set -- "$1" "$2" xz --single-stream ;;	# the build appends the size
	1f8b*) set -- "$1" "$2" gzip ;;
	*) echo "$1: payload compression with magic $magic is not handled here"; return 1 ;;
	esac
	dd if="$1" bs=1M iflag=skip_bytes,count_bytes skip="$off" count="$len" status=none |
		"${@:3}" -dc > "$2.tmp" || { echo "$1: $3 -d of the payload failed"; return 1; }
	[ "$(od -An -c -N4 "$2.tmp" | tr -d ' ')" = 177ELF ] || { echo "$1: the payload is not an ELF kernel"; return 1; }
	mv "$2.tmp" "$2"
}
vmlinux_of "$IMG/vmlinuz" "$IMG/vmlinux"
ls -la "$IMG/vmlinux"

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
(cd "$D" && find . | cpio -o -H newc --quiet > "$IMG/domu-base.cpio")
rm -f "$IMG/domu-base.cpio.gz"
ls -la "$IMG/domu-base.cpio"

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
cp "$IMG/vmlinux" "$X/boot/vmlinux"
{
	(cd "$ROOTFS" && find . -path './proc/*' -prune -o -print | cpio -o -H newc --quiet)
	(cd "$X" && find . | cpio -o -H newc --quiet)
} > "$IMG/dom0-base.cpio"
ls -la "$IMG/dom0-base.cpio"
stamp_set "images-$KVER" "$h"
