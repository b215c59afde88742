#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stage fetch: apt-get download (not install) the Xen hypervisor and
# linux-image-$KVER, unpack them, produce $IMG/xen (gunzipped multiboot ELF,
# QEMU does not decompress it) and $IMG/vmlinuz.
set -euo pipefail
# shellcheck source=tools/lab/lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
set_paths
xv=$(pkg_version "$XEN_PKG"); kv=$(pkg_version "linux-image-$KVER")
if [ -z "$xv" ] || [ -z "$kv" ]; then
	echo "no candidate for $XEN_PKG or linux-image-$KVER"
	exit 1
fi
h=$(hash_inputs "fetch $XEN_PKG=$xv linux-image-$KVER=$kv" "$0")
if stamp_ok "fetch-$KVER" "$h" && [ -s "$IMG/xen" ] && [ -s "$IMG/vmlinuz" ] && [ -d "$EXT/lib/modules/$KVER" ]; then
	echo "SKIP fetch: $XEN_PKG=$xv linux-image-$KVER=$kv cached"
	exit 0
fi
stamp_clear "fetch-$KVER"
cd "$DEBS"
rm -f "$DEBS/${XEN_PKG}"_*.deb "$DEBS/linux-image-${KVER}"_*.deb
apt-get download "$XEN_PKG=$xv" "linux-image-$KVER=$kv" 2>&1 | grep -v 'unsandboxed' || true
rm -rf "$EXT"; mkdir -p "$EXT"
for d in "$DEBS/${XEN_PKG}"_*.deb "$DEBS/linux-image-${KVER}"_*.deb; do dpkg -x "$d" "$EXT"; done
xz=$(find "$EXT/boot" -name "xen-4.*-amd64.gz" | head -1)
gunzip -c "$xz" > "$IMG/xen"
cp "$EXT/boot/vmlinuz-$KVER" "$IMG/vmlinuz"
file "$IMG/xen" "$IMG/vmlinuz"
printf '%s=%s\nlinux-image-%s=%s\n' "$XEN_PKG" "$xv" "$KVER" "$kv" > "$IMG/versions.txt"
stamp_set "fetch-$KVER" "$h"
