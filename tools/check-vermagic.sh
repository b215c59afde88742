#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fail unless every module's vermagic names the target kernel release.
#   tools/check-vermagic.sh KVER MODULE.ko...
set -euo pipefail
kver=$1
shift
for ko in "$@"; do
	vm=$(modinfo -F vermagic "$ko")
	case "$vm" in
	"$kver "*) echo "  OK      $ko vermagic: $vm" ;;
	*) echo "check-vermagic: $ko has vermagic '$vm', not for $kver" >&2; exit 1 ;;
	esac
done
