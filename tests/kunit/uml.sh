#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# uml.sh [um|x86_64]: run keyrot's KUnit suites the way a kernel CI would,
# with tools/testing/kunit/kunit.py, from an unpacked linux-source-6.1 with
# kmod/ placed in-tree as drivers/net/keyrot, under kmod/.kunitconfig
# (lockdep, KASAN).
#   um      User-Mode Linux (the default): quick, but UML has no preemption,
#           so no CONFIG_DEBUG_ATOMIC_SLEEP
#   x86_64  an x86_64 kernel under QEMU (TCG), adding DEBUG_ATOMIC_SLEEP, so
#           a sleep in a packet path fails the run
# The tree and the build directories stay in .cache/, so a rerun rebuilds
# only what changed.  Each test case becomes one line of $KEYROT_RESULTS
# (prefix "uml" or "kunit-x86_64").
# Environment: KEYROT_VECTORS (a vectors JSON of spec v1's format).
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${KEYROT_CACHE:-$top/.cache}
arch=${1:-um}
. "$top/tests/lib/results.sh"
case "$arch" in
um)	build=$cache/kunit-uml prefix=uml extra=() ;;
x86_64)	build=$cache/kunit-x86_64 prefix=kunit-x86_64
	extra=(--kconfig_add CONFIG_DEBUG_ATOMIC_SLEEP=y
	       --qemu_args "-monitor none -cpu max") ;;
*)	echo "uml.sh: unknown arch '$arch' (um or x86_64)" >&2; exit 2 ;;
esac

vectors=${KEYROT_VECTORS:-$top/../shared/spec/vectors-v1.json}
[ -f "$vectors" ] || vectors=$top/tests/vectors/vectors-v1.json
vectors=$(realpath "$vectors")

src=$("$top/scripts/linux-source.sh" 6.1)

# Our sources in-tree: a symlink and one line in each parent file.
ln -sfn "$top/kmod" "$src/drivers/net/keyrot"
grep -q 'drivers/net/keyrot/Kconfig' "$src/drivers/net/Kconfig" ||
	sed -i '$i source "drivers/net/keyrot/Kconfig"' "$src/drivers/net/Kconfig"
grep -q 'CONFIG_KEYROT' "$src/drivers/net/Makefile" ||
	echo 'obj-$(CONFIG_KEYROT) += keyrot/' >>"$src/drivers/net/Makefile"

# kunit.py prints its own verdict; the kernel's raw output stays in
# $build/test.log, from which ktap.py records one result per case.
mkdir -p "$build"
rm -f "$build/test.log"
set +e
(cd "$src" && python3 tools/testing/kunit/kunit.py run --arch="$arch" \
	--kunitconfig="$top/kmod/.kunitconfig" --build_dir="$build" \
	--jobs="$(nproc)" --timeout=900 \
	--make_options "KEYROT_VECTORS=$vectors" "${extra[@]}")
status=$?
set -e

if [ ! -s "$build/test.log" ]; then
	kr_result FAIL "$prefix/kunit" "kunit.py exited $status before any test ran"
	exit 1
fi
set +e
python3 "$top/tests/lib/ktap.py" --prefix "$prefix" --results "$KEYROT_RESULTS" \
	"$build/test.log"
ktap=$?
set -e
[ "$status" -eq 0 ] || { echo "$prefix: kunit.py exited $status"; exit 1; }
exit "$ktap"
