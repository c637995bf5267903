#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [6.1|6.12] [SCENARIO...]: keyrot's data plane end to end in the VM
# (tests/vm/run), every scenario by default:
#
#   bulk         100,000 packets of 1..max bytes each way, both ciphers;
#                1..16-byte payloads with logs
#   ipv6         5000 each way over fd99::1 / fd99::2
#   rekeys       100 re-keys during traffic from epoch 200 across the wrap;
#                one-way flows each way moving on by key confirmation
#   lost-answer  a seed at one end only: nothing sent on it, "unconfirmed"
#                after the grace period, withdrawn by key id, recovered
#   boundaries   leaf and node edges, the watermark, exhaustion and recovery
#   far-ahead    a window far behind the sender catches up by a trial
#   liveness     keepalives, the peer timeout (peer closes, link down/up)
#   roaming      the peer changes address during traffic
#
# Scenarios share VM boots (a boot costs ~10 s under TCG): each runs
# tests/e2e/vm/SCENARIO.sh in fresh namespaces a and b (vm-lib.sh), which
# leaves krperf results, `krctl show/stats/events --json` snapshots and its
# steps under /out/SCENARIO; tests/e2e/dataplane_check.py judges them on
# the host.  One kr_result per check, named e2e-KERNEL/SCENARIO/CHECK, and
# e2e-KERNEL/vm/BOOT for each boot (the VM exited cleanly: no kernel
# warning, no KTAP failure).  KR_E2E_KEEP=DIR keeps each boot's /out in
# DIR/BOOT (else they are removed unless something failed); KR_E2E_KO=PATH
# tests that keyrot.ko instead of scripts/kbuild.sh's.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/results.sh"
kver=${1:-6.1}
[ $# -eq 0 ] || shift
case $kver in
6.1 | 6.12) ;;
*) echo "usage: run.sh [6.1|6.12] [SCENARIO...]" >&2; exit 2 ;;
esac

# The boots, and the scenarios each runs, in order.
boots=(traffic epochs edges)
declare -A boot_scenarios=(
	[traffic]="bulk ipv6"
	[epochs]="rekeys lost-answer"
	[edges]="boundaries far-ahead liveness roaming"
)
wanted=" ${*:-bulk ipv6 rekeys lost-answer boundaries far-ahead liveness roaming} "
for s in $wanted; do
	[ -f "$top/tests/e2e/vm/$s.sh" ] ||
		{ echo "run.sh: no scenario $s" >&2; exit 2; }
done

make -s -C "$top/tools" >/dev/null
ko=${KR_E2E_KO:-$("$top/scripts/kbuild.sh" "$kver" plain)}
if [ -n "${KR_E2E_KEEP:-}" ]; then
	work=$KR_E2E_KEEP
	mkdir -p "$work"
else
	work=$(mktemp -d)
fi

status=0
start=$SECONDS
for boot in "${boots[@]}"; do
	list=
	for s in ${boot_scenarios[$boot]}; do
		[[ $wanted == *" $s "* ]] && list="$list $s"
	done
	[ -n "$list" ] || continue

	script=$(mktemp)
	cat >"$script" <<VM
. /with/vm-lib.sh
kr_load >/out/load.log 2>&1 || exit 1
for s in $list; do
	mkdir -p /out/\$s
	kr_hosts_reset >/out/\$s/hosts.log 2>&1 ||
		echo "fail hosts: namespaces a and b" >>/out/\$s/steps
	sh /with/vm/\$s.sh /out/\$s >/out/\$s/script.log 2>&1
done
VM
	t0=$SECONDS
	rc=0
	"$top/tests/vm/run" --kernel "$kver" --timeout 900 --with "$ko" \
		--with "$top/build/krctl" --with "$top/build/krperf" \
		--with "$top/tests/e2e/vm-lib.sh" --with "$top/tests/e2e/vm" \
		--out "$work/$boot" "$script" || rc=$?
	rm -f "$script"
	if [ $rc -eq 0 ]; then
		kr_result PASS "e2e-$kver/vm/$boot"
	else
		kr_result FAIL "e2e-$kver/vm/$boot" \
			"tests/vm/run exit $rc, see $work/$boot/console.log"
		status=1
	fi
	# shellcheck disable=SC2086 # the scenario list splits on purpose
	if ! /usr/bin/python3 "$top/tests/e2e/dataplane_check.py" \
		"$work/$boot" $list >"$work/$boot/verdicts" \
		2>"$work/$boot/verdicts.err"; then
		kr_result FAIL "e2e-$kver/vm/$boot-checker" \
			"$(tail -1 "$work/$boot/verdicts.err")"
		status=1
	fi
	while IFS= read -r line; do
		case $line in
		"PASS "*) kr_result PASS "e2e-$kver/${line#PASS }" ;;
		"FAIL "*)
			name=${line#FAIL }
			kr_result FAIL "e2e-$kver/${name%%: *}" "${name#*: }"
			status=1 ;;
		"INFO "*) echo "  ${line#INFO }" ;;
		esac
	done <"$work/$boot/verdicts"
	echo "  e2e-$kver/$boot:$list: $((SECONDS - t0)) s"
done
echo "  e2e-$kver: $((SECONDS - start)) s in all"

if [ -z "${KR_E2E_KEEP:-}" ]; then
	if [ $status -eq 0 ]; then
		rm -rf "$work"
	else
		echo "  kept the VM's output in $work"
	fi
fi
exit $status
