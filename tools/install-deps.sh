#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install, with apt, what building and checking the modules needs.
# Idempotent: packages already installed are not touched, and apt is
# not called at all when nothing is missing.
#   tools/install-deps.sh [KVER]
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

apt_updated=0
apt_update() {
	if [ "$apt_updated" = 0 ]; then
		apt-get update -q >/dev/null
		apt_updated=1
	fi
}

# linux-image-amd64 tells the current Debian kernel ABI; a fresh
# machine needs an apt-get update before apt-cache knows it.
if [ -z "${1:-}" ] && ! apt-cache show linux-image-amd64 >/dev/null 2>&1; then
	apt_update
fi
kver=${1:-$("$(dirname "$0")/kver.sh")}

pkgs=(build-essential bc kmod xz-utils patch sparse python3 clang libclang-rt-14-dev
      valgrind "linux-headers-$kver" linux-source-6.1)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "install-deps: installing ${missing[*]}"
	apt_update
	if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; then
		echo "install-deps: apt-get install ${missing[*]} failed" >&2
		echo "install-deps: for an older kernel ABI, pass KVER= of an installed kernel" >&2
		exit 1
	fi
fi
