#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# ynl-uapi.sh [--check]: generate uapi/keyrot.h from uapi/keyrot.yaml with
# tools/net/ynl/ynl-gen-c.py of linux-source-6.12 (the spec must sit in the
# tree's Documentation/netlink/specs/, where the generator finds its
# schema).  With --check, fail if the committed header differs.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
src=$("$top/scripts/linux-source.sh" 6.12)
spec=$src/Documentation/netlink/specs/keyrot.yaml
out=$(mktemp)
trap 'rm -f "$out"' EXIT

cp "$top/uapi/keyrot.yaml" "$spec"
(cd "$src/tools/net/ynl" &&
	/usr/bin/python3 ynl-gen-c.py --mode uapi --header \
		--spec "../../../Documentation/netlink/specs/keyrot.yaml" -o "$out")
if [ "${1:-}" = --check ]; then
	if diff -u "$top/uapi/keyrot.h" "$out"; then
		echo "uapi/keyrot.h matches uapi/keyrot.yaml"
	else
		echo "uapi/keyrot.h differs from what uapi/keyrot.yaml generates" >&2
		exit 1
	fi
else
	cp "$out" "$top/uapi/keyrot.h"
fi
