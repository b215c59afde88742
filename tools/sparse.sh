#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run sparse (make C=2) over both module directories. Fails on any
# sparse report about our files (xcc*); reports about upstream files
# are counted and shown but do not fail.
#   tools/sparse.sh KDIR BUILD MODULE...
set -uo pipefail
kdir=$1
build=$2
shift 2
command -v sparse >/dev/null || { echo "sparse: not installed (apt-get install sparse)" >&2; exit 1; }
fail=0
for m in "$@"; do
	log=$build/$m/sparse.log
	if ! make -s -C "$kdir" M="$PWD/$build/$m" C=2 CHECK=sparse modules > "$log" 2>&1; then
		cat "$log" >&2
		echo "sparse: build of $m failed" >&2
		exit 1
	fi
	ours=$(grep -E '/xcc[^/]*\.[ch]:[0-9]+' "$log" | grep -vE 'Skipping BTF' || true)
	theirs=$(grep -E '\.[ch]:[0-9]+:[0-9]+: (warning|error)' "$log" | grep -cvE '/xcc[^/]*\.[ch]:' || true)
	if [ -n "$ours" ]; then
		echo "$ours" >&2
		fail=1
	fi
	echo "  SPARSE  $m: $(echo -n "$ours" | grep -c . || true) reports on our files, $theirs on upstream files ($log)"
done
exit $fail
