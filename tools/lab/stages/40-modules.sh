#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stage modules: locate the project's modules (NETBACK_KO, NETFRONT_KO; default
# build/$KVER/ in the repo) and check their vermagic against the guest kernel.
# LAB_STANDIN=1 instead builds the unmodified stock drivers out of tree from
# Debian's linux-source-6.1 (a stand-in to validate the lab itself) into
# $STANDIN. Prints the two paths as NETBACK_KO=... / NETFRONT_KO=... lines.
set -euo pipefail
# shellcheck source=tools/lab/lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
set_paths
want=$(modinfo -F vermagic "$EXT/lib/modules/$KVER/kernel/drivers/net/xen-netfront.ko")

build_standin() {
	local src=/usr/src/linux-source-6.1.tar.xz kh=/usr/src/linux-headers-$KVER
	if [ ! -f "$src" ]; then
		local sv
		sv=$(pkg_version "linux-image-$KVER")
		(cd "$DEBS" && { apt-get download "linux-source-6.1=$sv" 2>&1 | grep -v unsandboxed; true; })
		rm -rf "$LAB_WORK/srcdeb"
		dpkg -x "$DEBS"/linux-source-6.1_*.deb "$LAB_WORK/srcdeb"
		src=$LAB_WORK/srcdeb/usr/src/linux-source-6.1.tar.xz
	fi
	[ -d "$kh" ] || { echo "missing $kh (apt-get install linux-headers-$KVER)"; exit 1; }
	local h
	h=$(hash_inputs "standin $KVER $(stat -c '%s %Y' "$src")" "$0")
	if stamp_ok "standin-$KVER" "$h" && [ -f "$STANDIN/netback/xen-netback.ko" ] && [ -f "$STANDIN/netfront/xen-netfront.ko" ]; then
		echo "SKIP stand-in modules cached"
		return
	fi
	rm -rf "$STANDIN"; mkdir -p "$STANDIN/src" "$STANDIN/netback" "$STANDIN/netfront"
	tar -C "$STANDIN/src" -xJf "$src" linux-source-6.1/drivers/net/xen-netback linux-source-6.1/drivers/net/xen-netfront.c
	cp "$STANDIN"/src/linux-source-6.1/drivers/net/xen-netback/*.[ch] "$STANDIN/netback/"
	cp "$STANDIN/src/linux-source-6.1/drivers/net/xen-netfront.c" "$STANDIN/netfront/"
	# shellcheck disable=SC2016
	sed 's/^obj-\$(CONFIG_XEN_NETDEV_BACKEND)/obj-m/' "$STANDIN/src/linux-source-6.1/drivers/net/xen-netback/Makefile" > "$STANDIN/netback/Makefile"
	echo 'obj-m := xen-netfront.o' > "$STANDIN/netfront/Makefile"
	make -C "$kh" M="$STANDIN/netback" -j"$(nproc)" modules
	make -C "$kh" M="$STANDIN/netfront" -j"$(nproc)" modules
	stamp_set "standin-$KVER" "$h"
}

if [ "${LAB_STANDIN:-0}" = 1 ]; then
	build_standin
	NETBACK_KO=$STANDIN/netback/xen-netback.ko
	NETFRONT_KO=$STANDIN/netfront/xen-netfront.ko
fi
NETBACK_KO=${NETBACK_KO:-$REPO_DIR/build/$KVER/xen-netback.ko}
NETFRONT_KO=${NETFRONT_KO:-$REPO_DIR/build/$KVER/xen-netfront.ko}
for m in "$NETBACK_KO" "$NETFRONT_KO"; do
	[ -f "$m" ] || { echo "module $m not found: build it ('make KVER=$KVER') or set NETBACK_KO=/NETFRONT_KO= (LAB_STANDIN=1 uses rebuilt stock drivers)"; exit 1; }
	got=$(modinfo -F vermagic "$m")
	[ "$got" = "$want" ] || { echo "$m: vermagic '$got' does not match the guest kernel's '$want'"; exit 1; }
	echo "$m: vermagic OK, version=$(modinfo -F version "$m" || true)"
done
printf "NETBACK_KO=%q\nNETFRONT_KO=%q\n" "$NETBACK_KO" "$NETFRONT_KO" > "$LAB_WORK/modules.env"
echo "NETBACK_KO=$NETBACK_KO"
echo "NETFRONT_KO=$NETFRONT_KO"
