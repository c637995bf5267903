#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-example.sh SERIES: build tests/kunit/example (kr_kunit_example.ko)
# for Debian's SERIES kernel against the out-of-tree kunit.ko, and print its
# path.  It is the smallest test module built the way keyrot's test build
# must be: Debian's <kunit/*.h> with CONFIG_KUNIT unset, kunit.ko's
# Module.symvers as KBUILD_EXTRA_SYMBOLS, suites started from module init.
# Used to check kunit.ko on its own: KEYROT_KUNIT_TEST_KO=$(this) vm.sh SERIES
set -euo pipefail
# modinfo lives in /sbin.
PATH=$PATH:/usr/sbin:/sbin

prog=build-example.sh
die() { echo "$prog: $*" >&2; exit 1; }

series=${1:-}
case "$series" in
6.1|6.12) ;;
*) die "usage: $prog 6.1|6.12" ;;
esac

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${KEYROT_CACHE:-$top/.cache}

kunit_ko=$("$here/build-kunit.sh" "$series")
abi=$("$top/scripts/kernel-abi.sh" "$series")
kdir=/usr/src/linux-headers-$abi
work=$cache/kunit-ko/$abi
mdir=$work/example
ko=$mdir/kr_kunit_example.ko

key=$(cat "$here/example/Kbuild" "$here/example/kr_kunit_example.c" \
	"$work/stamp" "${BASH_SOURCE[0]}" | sha256sum | cut -d' ' -f1)
if [ -f "$ko" ] && [ "$(cat "$mdir/stamp" 2>/dev/null)" = "$key" ]; then
	echo "$ko"
	exit 0
fi

rm -rf "$mdir"
mkdir -p "$mdir"
cp "$here/example/Kbuild" "$here/example/kr_kunit_example.c" "$mdir/"
log=$mdir/build.log
if ! make -C "$kdir" M="$mdir" \
	KBUILD_EXTRA_SYMBOLS="$(dirname "$kunit_ko")/Module.symvers" \
	modules >"$log" 2>&1; then
	cat "$log" >&2
	die "building the example failed (log: $log)"
fi
if grep -i -e 'warning:' "$log" >&2; then
	die "building the example gave warnings (log: $log)"
fi
[ -f "$ko" ] || die "no $ko after the build (log: $log)"
# It must need kunit.ko for __kunit_test_suites_init and nothing else new.
[ "$(modinfo -F depends "$ko")" = kunit ] ||
	die "$ko depends on '$(modinfo -F depends "$ko")', expected kunit"
echo "$key" >"$mdir/stamp"
echo "$ko"
