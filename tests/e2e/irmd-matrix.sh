#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# irmd-matrix.sh [6.1|6.12] [SCENARIO...]: the end-to-end matrix of irmd
# (docs/irmd.md) in the VM, every scenario by default (kernel 6.1 by
# default).  Two irmds in namespaces a (10.99.0.1) and b (10.99.0.2),
# applications through libkeyrot (krperf --alloc / --accept, traffic both
# ways, every byte checked), test-scale timers:
#
#   rekeys          200 re-keys during traffic, alternating interval and
#                   watermark (test-only start values), zero loss, no drop
#   kill-rekey      irmd killed at each re-key step (--fail-at), requester a
#                   then requester b: each step of docs/irmd.md section 9
#                   at both ends; the kernel carries the traffic, the
#                   restarted irmd adopts, one new epoch at both ends, and
#                   what the docs promise for that step
#   kill-alloc      irmd killed at each allocation step: the application
#                   gets an error, no half-configured flow is left
#   lost-answer     b's answers are lost (dropped on the way): holds?,
#                   withdraw, one new epoch; nothing sent blindly
#   lost-confirm    a's packets on the new epoch are lost: holds? says yes,
#                   b confirms the seed
#   collision       both ends re-key at once: the initiator's exchange wins
#   wrong-key       a peer pinned with the wrong key: refused, ETIMEDOUT
#   eperm           uid 65534 without capabilities: EPERM from the family
#                   and its events, EACCES from the control socket
#   peer-host-gone  the link is cut: RB_FLOWPEER within 10x peer-timeout
#   peer-irmd-gone  b's irmd killed for a while: data flows, a's re-keys
#                   fail, are retried and logged; b restarted adopts (the
#                   results of its side are "killed/...")
#
# The scenarios are tests/e2e/vm/irmd-SCENARIO.sh (helpers in
# irmd-common.sh), grouped in two VM boots.  One kr_result per check,
# e2e-KERNEL/irmd/SCENARIO/CHECK, and e2e-KERNEL/irmd/vm-BOOT for each boot
# (the VM exited cleanly: no kernel warning).  KR_VM_KEEP=DIR keeps what
# the VM wrote (irmd logs, krperf results, flow-gets) in DIR/BOOT.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/results.sh"
. "$top/tests/e2e/vm-results.sh"
kver=${1:-6.1}
[ $# -eq 0 ] || shift
case $kver in
6.1 | 6.12) ;;
*) echo "usage: irmd-matrix.sh [6.1|6.12] [SCENARIO...]" >&2; exit 2 ;;
esac

boots=(main kills)
declare -A boot_scenarios=(
	[main]="rekeys lost-answer lost-confirm collision wrong-key eperm peer-host-gone peer-irmd-gone"
	[kills]="kill-rekey kill-alloc"
)
all="${boot_scenarios[main]} ${boot_scenarios[kills]}"
wanted=" ${*:-$all} "
for s in $wanted; do
	[ -f "$top/tests/e2e/vm/irmd-$s.sh" ] ||
		{ echo "irmd-matrix.sh: no scenario $s" >&2; exit 2; }
done

make -s -C "$top/tools" >/dev/null
make -s -C "$top/userspace" >/dev/null
ko=$("$top/scripts/kbuild.sh" "$kver" plain)
kr_vm_workdir
work=$kr_vm_dir

status=0
start=$SECONDS
for boot in "${boots[@]}"; do
	list=
	for s in ${boot_scenarios[$boot]}; do
		[[ $wanted == *" $s "* ]] && list="$list $s"
	done
	[ -n "$list" ] || continue
	bstart=$SECONDS
	rc=0
	"$top/tests/vm/run" --kernel "$kver" --timeout 600 --with "$ko" \
		--with "$top/build/irmd" --with "$top/build/krctl" \
		--with "$top/build/krperf" --with /usr/bin/setpriv \
		--with "$top/tests/e2e/vm-lib.sh" \
		--with "$top/tests/e2e/vm-check.sh" \
		--with "$top/tests/e2e/irmd-lib.sh" \
		--with "$top/tests/e2e/vm" --out "$work/$boot" - <<EOF || rc=$?
set -u
. /with/vm-lib.sh
kr_load >/out/load.log 2>&1 || { echo "not ok $boot/load" >>/out/results; exit 1; }
for s in $list; do
	# A scenario that hangs is cut short (its checks then miss); the
	# others still run.  /bin/sh (dash) by its path: busybox's timeout
	# would run its own ash, and that one prefers busybox's ip.
	timeout -s KILL 300 /bin/sh /with/vm/irmd-\$s.sh \$s >/out/\$s.log 2>&1 ||
		echo "not ok \$s/finished: exit \$?" >>/out/results
done
echo "ok $boot/complete" >>/out/results
EOF
	if [ $rc -eq 0 ]; then
		kr_result PASS "e2e-$kver/irmd/vm-$boot"
	else
		kr_result FAIL "e2e-$kver/irmd/vm-$boot" \
			"tests/vm/run exit $rc (KR_VM_KEEP=DIR keeps its console log)"
		status=1
	fi
	kr_vm_results "$work/$boot/results" "e2e-$kver/irmd" "$boot/complete" ||
		status=1
	echo "irmd-matrix $kver: boot $boot took $((SECONDS - bstart)) s"
	[ -f "$work/$boot/timings" ] && sed 's/^/  scenario /; s/$/ s/' "$work/$boot/timings"
done
echo "irmd-matrix $kver: $((SECONDS - start)) s"
if [ $status -ne 0 ] && [ -z "${KR_VM_KEEP:-}" ]; then
	keep=$(mktemp -d /tmp/keyrot-irmd-matrix.XXXXXX)
	cp -a "$work"/. "$keep/" 2>/dev/null || true
	trap - EXIT
	rm -rf "$work"
	echo "irmd-matrix $kver: what the VM wrote is kept in $keep"
fi
exit $status
