#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# ynl.sh [SERIES...]: the keyrot family driven once through YNL's cli.py
# (tools/net/ynl of linux-source-6.12) with uapi/keyrot.yaml, inside the VM
# on each kernel series (default 6.1 and 6.12): flow-set from JSON, flow-get
# do and dump giving back what was set, netns-get, seed-install refused with
# its extack and then accepted, rekey-request, and the events group hearing
# the re-key need.  The VM has no Python: it gets the host's python3.11 and
# a pruned standard library with PyYAML (ynl-bundle.sh, cached).  The VM
# runs ynl-vm.sh; ynl-check.py judges the replies here.  Results are
# e2e-SERIES/ynl/CHECK, and e2e/ynl/spec-schema (the spec against YNL's
# genetlink-legacy schema, on the host).
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/results.sh"
. "$top/tests/e2e/vm-results.sh"
PY=/usr/bin/python3
[ $# -gt 0 ] || set -- 6.1 6.12

make -s -C "$top/tools" "$top/build/krctl"
bundle=$("$top/tests/e2e/ynl-bundle.sh")
src=$("$top/scripts/linux-source.sh" 6.12)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

if (cd "$src/tools/net/ynl" && "$PY" -c '
import sys
from lib import SpecFamily
SpecFamily(sys.argv[1], sys.argv[2])' "$top/uapi/keyrot.yaml" \
	"$src/Documentation/netlink/genetlink-legacy.yaml"); then
	kr_result PASS e2e/ynl/spec-schema
else
	kr_result FAIL e2e/ynl/spec-schema "uapi/keyrot.yaml fails YNL's schema"
	status=1
fi

for series in "$@"; do
	ko=$("$top/scripts/kbuild.sh" "$series" plain)
	out=$work/vm-$series
	start=$SECONDS
	vm=0
	"$top/tests/vm/run" --kernel "$series" --timeout 300 \
		--with "$ko" --with "$top/build/krctl" \
		--with /usr/bin/python3.11 --with "$bundle" \
		--with "$top/uapi/keyrot.yaml" \
		--with "$top/tests/e2e/vm-lib.sh" \
		--with "$top/tests/e2e/vm-check.sh" \
		--out "$out" "$top/tests/e2e/ynl-vm.sh" || vm=$?
	echo "ynl $series: VM exit $vm in $((SECONDS - start)) s"
	[ ! -d "$out/ynl" ] || "$PY" "$top/tests/e2e/ynl-check.py" "$out/ynl"
	kr_vm_results "$out/results" "e2e-$series/ynl" || status=1
	if [ "$vm" -ne 0 ]; then
		kr_result FAIL "e2e-$series/ynl/vm" "exit $vm, see $out/console.log"
		status=1
	fi
	if [ $status -ne 0 ]; then
		keep=$(mktemp -d /tmp/keyrot-ynl.XXXXXX)
		cp -a "$out/." "$keep/"
		echo "ynl $series: kept $keep"
	fi
done
exit $status
