#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch --strict on every file of ours that goes into the modules
# and on every patch of the series, and kernel-doc on those files (next
# to checkpatch.pl in the kernel's scripts/). Fails on any error,
# warning or check.
#   tools/checkpatch.sh PATH/TO/checkpatch.pl
set -uo pipefail
cp=$1
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
fail=0
opts=(--no-tree --strict --terse --show-types)
files=(common/*.[ch] glue/*.[ch] netback/*.[ch] netfront/*.[ch])
if ! perl "$cp" "${opts[@]}" -f "${files[@]}"; then fail=1; fi
kd=$(dirname "$cp")/kernel-doc
if [ -f "$kd" ]; then
	out=$(perl "$kd" -none "${files[@]}" 2>&1)
	if [ -n "$out" ]; then
		echo "$out"
		fail=1
	fi
else
	echo "checkpatch: no $kd" >&2
	fail=1
fi
# A patch file tracked by git would be read as a source file (checkpatch
# treats any single git-tracked file that way): hide the repository.
for p in patches/6.1/*.patch; do
	GIT_DIR=/nonexistent perl "$cp" "${opts[@]}" "$p" || fail=1
done
if [ $fail = 0 ]; then
	echo "  CHECKPATCH ${#files[@]} files, $(ls patches/6.1/*.patch | wc -l) patches: clean (kernel-doc too)"
else
	echo "checkpatch: findings above" >&2
fi
exit $fail
