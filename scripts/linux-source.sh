#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# linux-source.sh SERIES: unpack Debian's linux-source-SERIES (6.1 or 6.12)
# into .cache/ once and print the path of the tree.  It serves checkpatch,
# kernel-doc, KUnit on UML, kunit.ko and YNL.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
series=${1:?usage: linux-source.sh 6.1|6.12}
cache=${KEYROT_CACHE:-$top/.cache}
tarball=/usr/src/linux-source-$series.tar.xz
src=$cache/linux-source-$series

[ -f "$tarball" ] || { echo "linux-source.sh: $tarball missing (make deps)" >&2; exit 1; }
if [ ! -f "$src/.keyrot-unpacked" ] || [ "$tarball" -nt "$src/.keyrot-unpacked" ]; then
	echo "linux-source.sh: unpacking $tarball" >&2
	rm -rf "$src" && mkdir -p "$src"
	tar -xJf "$tarball" -C "$src" --strip-components=1
	touch "$src/.keyrot-unpacked"
fi
echo "$src"
