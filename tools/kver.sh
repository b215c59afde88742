#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Print the kernel release to build for: the running kernel when its
# build tree is installed, else the Debian kernel ABI that
# linux-image-amd64 points at (what a Debian 12 Xen host boots).
set -euo pipefail
if [ -e "/lib/modules/$(uname -r)/build/Makefile" ]; then
	uname -r
	exit 0
fi
kver=$(apt-cache depends linux-image-amd64 2>/dev/null |
	sed -n 's/.*Depends: linux-image-\(.*\)$/\1/p' | head -n 1)
if [ -z "$kver" ]; then
	echo "kver.sh: no headers for the running kernel and apt knows no linux-image-amd64;" >&2
	echo "kver.sh: run 'apt-get update' or pass KVER=<release>" >&2
	exit 1
fi
echo "$kver"
