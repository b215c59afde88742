#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stage host-deps: install the host tools with apt (skipped when present).
# Of Xen, only libxen-dev (libraries and headers, for the lab's CPU time
# reader) goes onto the host: no hypervisor, the bootloader is never touched.
set -euo pipefail
# shellcheck source=tools/lab/lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
export DEBIAN_FRONTEND=noninteractive
pkgs=(qemu-system-x86 qemu-utils debootstrap busybox-static cpio kmod xz-utils gzip python3 coreutils
      file shellcheck gcc libc6-dev make libxen-dev)
[ "${NEED_STANDIN:-0}" = 1 ] && pkgs+=(build-essential)
# KVER and headers need fresh apt lists on a new machine
if [ -z "$(pkg_version linux-image-amd64)" ] || [ "$(pkg_version linux-image-amd64)" = "(none)" ]; then
	apt-get update -q
fi
resolve_kver
[ "${NEED_STANDIN:-0}" = 1 ] && pkgs+=("linux-headers-$KVER")
missing=()
for p in "${pkgs[@]}"; do pkg_installed "$p" || missing+=("$p"); done
if [ ${#missing[@]} = 0 ]; then
	echo "SKIP all host packages present"
	exit 0
fi
echo "installing: ${missing[*]}"
apt-get install -y -q --no-install-recommends "${missing[@]}" || {
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
}
