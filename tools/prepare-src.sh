#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Lay out the two module build directories for one kernel:
#   1. take the upstream drivers from the kernel's source package
#      (/usr/src/linux-source-6.1.tar.xz) or from a tree given as KSRC,
#   2. apply patches/6.1/series to them,
#   3. add our controller (common/), glue (glue/, netback/, netfront/)
#      and Kbuild files.
# Steps 1-2 are redone only when the source or the series changes.
#   tools/prepare-src.sh BUILD_DIR [KSRC]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$1
ksrc=${2:-}
series_dir=$top/patches/6.1
tarball=/usr/src/linux-source-6.1.tar.xz
tree=$build/src/linux
paths=(drivers/net/xen-netback drivers/net/xen-netfront.c)
tools=(scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch
       scripts/kernel-doc)

die() { echo "prepare-src: $*" >&2; exit 1; }

if [ -n "$ksrc" ]; then
	[ -d "$ksrc/drivers/net/xen-netback" ] ||
		die "KSRC=$ksrc has no drivers/net/xen-netback: not a kernel tree"
	origin="tree $ksrc"
	stamp_in=$(cd "$ksrc" && find "${paths[@]}" -type f -exec sha256sum {} + | sort)
else
	[ -f "$tarball" ] ||
		die "$tarball missing: install Debian's kernel source (apt-get install linux-source-6.1) or pass KSRC=<kernel tree>"
	origin=$tarball
	stamp_in=$(stat -c '%n %s %Y' "$tarball")
fi
stamp=$( (echo "$stamp_in"; cat "$series_dir/series";
	  sed 's/#.*//' "$series_dir/series" | while read -r p; do
		[ -n "$p" ] && cat "$series_dir/$p"; done) | sha256sum | cut -d' ' -f1)

if [ "$(cat "$build/src/stamp" 2>/dev/null)" != "$stamp" ]; then
	rm -rf "$build/src"
	mkdir -p "$tree"
	echo "  SRC     upstream drivers from $origin"
	if [ -n "$ksrc" ]; then
		(cd "$ksrc" && cp -r --parents "${paths[@]}" "$tree/")
		for t in "${tools[@]}"; do
			[ -f "$ksrc/$t" ] && (cd "$ksrc" && cp --parents "$t" "$tree/")
		done
	else
		tar -C "$tree" --strip-components=1 -xJf "$tarball" \
			"${paths[@]/#/linux-source-6.1/}" "${tools[@]/#/linux-source-6.1/}"
	fi
	sed 's/#.*//' "$series_dir/series" | while read -r p; do
		[ -n "$p" ] || continue
		[ -f "$series_dir/$p" ] || die "series names $p, which is not in patches/6.1/"
		if ! out=$(patch -d "$tree" -p1 -N --no-backup-if-mismatch -r - < "$series_dir/$p" 2>&1); then
			echo "$out" >&2
			die "patch $p does not apply to $origin"
		fi
		case "$out" in *fuzz*|*offset*) echo "  PATCH   $p (applied with offset/fuzz: refresh it)";; esac
	done
	echo "$stamp" > "$build/src/stamp"
fi

# Module directories: patched upstream files + ours. install -C keeps
# unchanged files untouched, so kbuild rebuilds only what changed.
ours=("$top"/common/*.[ch] "$top"/glue/*.[ch])
mkdir -p "$build/xen-netback" "$build/xen-netfront"
install -C -m 644 "$tree"/drivers/net/xen-netback/*.[ch] "$top"/netback/*.[ch] \
	"${ours[@]}" "$build/xen-netback/"
install -C -m 644 "$top/netback/Kbuild" "$build/xen-netback/Kbuild"
# A module of several objects cannot have a source named after itself.
install -C -m 644 "$tree"/drivers/net/xen-netfront.c "$build/xen-netfront/netfront.c"
install -C -m 644 "$top"/netfront/*.[ch] "${ours[@]}" "$build/xen-netfront/"
install -C -m 644 "$top/netfront/Kbuild" "$build/xen-netfront/Kbuild"
