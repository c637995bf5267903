#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# uml.sh: run keyrot's KUnit suites the way a kernel CI would, with
# tools/testing/kunit/kunit.py on User-Mode Linux, from an unpacked
# linux-source-6.1 with kmod/ placed in-tree as drivers/net/keyrot, under
# kmod/.kunitconfig (lockdep, atomic-sleep checks, KASAN).  The tree and the
# build directory stay in .cache/, so a rerun rebuilds only what changed.
# Each test case becomes one line of $KEYROT_RESULTS (prefix "uml").
# Environment: KEYROT_VECTORS (a vectors JSON of spec v1's format).
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${KEYROT_CACHE:-$top/.cache}
src=$cache/linux-source-6.1
build=$cache/kunit-uml
. "$top/tests/lib/results.sh"

vectors=${KEYROT_VECTORS:-$top/../shared/spec/vectors-v1.json}
[ -f "$vectors" ] || vectors=$top/tests/vectors/vectors-v1.json
vectors=$(realpath "$vectors")

if [ ! -f "$src/.keyrot-unpacked" ]; then
	echo "uml: unpacking linux-source-6.1 into $src"
	rm -rf "$src" && mkdir -p "$src"
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$src" --strip-components=1
	touch "$src/.keyrot-unpacked"
fi

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
(cd "$src" && python3 tools/testing/kunit/kunit.py run --arch=um \
	--kunitconfig="$top/kmod/.kunitconfig" --build_dir="$build" \
	--jobs="$(nproc)" --timeout=900 \
	--make_options "KEYROT_VECTORS=$vectors")
status=$?
set -e

if [ ! -s "$build/test.log" ]; then
	kr_result FAIL uml/kunit "kunit.py exited $status before any test ran"
	exit 1
fi
set +e
python3 "$top/tests/lib/ktap.py" --prefix uml --results "$KEYROT_RESULTS" \
	"$build/test.log"
ktap=$?
set -e
[ "$status" -eq 0 ] || { echo "uml: kunit.py exited $status"; exit 1; }
exit "$ktap"
