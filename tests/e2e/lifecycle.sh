#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# lifecycle.sh [SERIES...]: flows meeting the ends of their world, in the VM
# on each kernel series (default 6.1 and 6.12); the checks themselves are in
# lifecycle-vm.sh.
#
#   e2e-SERIES/unprivileged/*  uid 65534 without capabilities: EPERM from
#                              every operation and from the events group,
#                              EACCES from /dev/keyrot; root: the same succeed
#   e2e-SERIES/netns-del/*     `ip netns del` while a process of another
#                              namespace holds a flow of it, idle and with
#                              traffic: the holder sees it down (EPOLLHUP,
#                              RB_FLOWDOWN, read 0, write EPIPE), no
#                              transform is left, rmmod works
#
# KEYROT_KEEP=DIR keeps what each VM wrote in DIR/lifecycle-SERIES.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/results.sh"
. "$top/tests/e2e/vm-results.sh"
[ $# -gt 0 ] || set -- 6.1 6.12

make -s -C "$top/tools" "$top/build/krctl"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

status=0
for series in "$@"; do
	ko=$("$top/scripts/kbuild.sh" "$series" plain)
	out=${KEYROT_KEEP:+$KEYROT_KEEP/lifecycle-$series}
	out=${out:-$work/$series}
	mkdir -p "$out"
	start=$SECONDS
	vm=0
	"$top/tests/vm/run" --kernel "$series" --timeout 300 \
		--with "$ko" --with "$top/build/krctl" --with /usr/bin/setpriv \
		--with "$top/tests/e2e/vm-lib.sh" \
		--with "$top/tests/e2e/vm-check.sh" \
		--out "$out" "$top/tests/e2e/lifecycle-vm.sh" || vm=$?
	echo "lifecycle $series: VM exit $vm in $((SECONDS - start)) s"
	kr_vm_results "$out/results" "e2e-$series" || status=1
	if [ "$vm" -ne 0 ]; then
		kr_result FAIL "e2e-$series/lifecycle/vm" \
			"exit $vm, see $out/console.log"
		status=1
		if [ -z "${KEYROT_KEEP:-}" ]; then
			keep=$(mktemp -d /tmp/keyrot-lifecycle.XXXXXX)
			cp -a "$out/." "$keep/"
			echo "lifecycle $series: kept $keep"
		fi
	fi
done
exit $status
