#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-module.sh [--kernel VERSION] SRCDIR: build the small out-of-tree
# module in SRCDIR (a Kbuild file and its sources, e.g. the harness's
# self-test modules) against the headers of a kernel the VM tests boot, in a
# copy under $cache/vm/build/ so no object lands in the source tree, and
# print the paths of the .ko files made.  The project's own module has its
# build in scripts/kbuild.sh; this is for test helpers.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${KEYROT_CACHE:-$top/.cache}

die() {
	echo "vm: build-module: $*" >&2
	exit 1
}

main() {
	local kernel=6.1 src abi kdir build log
	if [ "${1:-}" = --kernel ]; then
		[ $# -ge 2 ] || die "--kernel needs a VERSION"
		kernel=$2
		shift 2
	fi
	[ $# -eq 1 ] || die "usage: build-module.sh [--kernel VERSION] SRCDIR"
	src=$(cd "$1" && pwd) || die "no source directory '$1'"
	[ -f "$src/Kbuild" ] || die "$src has no Kbuild file"
	if [[ "$kernel" =~ ^[0-9]+\.[0-9]+$ ]]; then
		abi=$("$top/scripts/kernel-abi.sh" "$kernel")
	else
		abi=$kernel
	fi
	kdir=/usr/src/linux-headers-$abi
	[ -d "$kdir" ] || die "no kernel headers in $kdir (run scripts/deps.sh)"

	build=$cache/vm/build/$(basename "$src")/$abi
	mkdir -p "$build"
	cp -a "$src/." "$build/"
	log=$build/build.log
	if ! make -C "$kdir" M="$build" modules >"$log" 2>&1; then
		cat "$log" >&2
		die "building $src against $kdir failed (log: $log)"
	fi
	find "$build" -maxdepth 1 -name '*.ko' | sort
}

main "$@"
