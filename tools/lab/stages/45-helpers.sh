#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stage helpers: build the lab's own measurement programs on the host into
# $LAB_WORK/helpers/ (the overlay stage puts them into dom0 and the guests):
#  ncl-cputime  per-domain/vCPU/pCPU CPU time in ns from the hypervisor
#               (libxenctrl; linked against the host's libxen-dev, which
#               must be the Xen version the dom0 image carries)
#  ncl-udpgen   the open-loop UDP stream sender and its sink (static)
set -euo pipefail
# shellcheck source=tools/lab/lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
set_paths
H=$LAB_WORK/helpers
src=$LAB_DIR/helpers/ncl-cputime.c
ug=$REPO_DIR/tools/udpgen
host_xen=$(dpkg-query -W -f='${Version}' libxen-dev 2>/dev/null || true)
img_xen=$(sed -n 's/^libxenmisc[0-9.]*\(:[a-z0-9]*\)\{0,1\}\t//p' "$ROOTFS/root/packages.txt" | head -1)
[ -n "$host_xen" ] || { echo "libxen-dev is not installed on the host (stage host-deps installs it)"; exit 1; }
if [ "$host_xen" != "$img_xen" ]; then
	echo "libxen-dev $host_xen on the host but the dom0 image has Xen libraries $img_xen:"
	echo "ncl-cputime would talk to the hypervisor through the wrong ABI. Run 'apt-get update && apt-get upgrade libxen-dev' or rebuild the rootfs (rm $STAMPS/rootfs)."
	exit 1
fi
h=$(hash_inputs "helpers $host_xen $(gcc -dumpfullversion)" "$0" "$src" "$ug"/*.c "$ug/Makefile")
if stamp_ok helpers "$h" && [ -x "$H/ncl-cputime" ] && [ -x "$H/ncl-udpgen" ]; then
	echo "SKIP helpers cached ($h)"
	exit 0
fi
stamp_clear helpers
mkdir -p "$H"
gcc -O2 -Wall -Wextra -Werror -o "$H/ncl-cputime" "$src" -lxenctrl
make -s -C "$ug" OUT="$H"
file "$H/ncl-cputime" "$H/ncl-udpgen"
stamp_set helpers "$h"
