#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# irmd-restart.sh [6.1|6.12]: what happens to live flows when an irmd dies
# (docs/irmd.md "Restart", "Failures"), in the VM (default kernel 6.1).
# Each scenario runs a flow from a to b's "echo" with checked traffic both
# ways (krperf, ~15 s) re-keying every 1.5 s, kills one irmd, starts it
# again, and checks that no packet was lost and that re-keys go on:
#
#   kill       SIGKILL to a's irmd mid-traffic, restarted 3.5 s later: the
#              kernel carries the traffic meanwhile, b's re-keys fail and
#              are retried and logged, b's status says so, a's kernel shows
#              the need; the new irmd adopts the flow and re-keys resume
#   req-answered   a's irmd dies (--fail-at=rekey-req-answered) after b
#              answered and installed, before a installed: b's seed stays
#              unconfirmed; b asks holds? unanswered, its status says it
#              fails; b asks again, the restarted a says not-held, b
#              withdraws, the next exchange succeeds
#   resp-installed b's irmd dies (--fail-at=rekey-resp-installed) after
#              installing, before answering: a gives the exchange up; the
#              restarted b adopts the flow with its pending seed, asks
#              holds? under a stand-in exchange id, withdraws on not-held
#
# One kr_result per check, irmd-restart/<kernel>/<scenario>/<check>.
# KR_VM_KEEP=DIR keeps what the VM wrote in DIR.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/results.sh"
. "$top/tests/e2e/vm-results.sh"
kver=${1:-6.1}

make -s -C "$top/tools" >/dev/null
make -s -C "$top/userspace" >/dev/null
ko=$("$top/scripts/kbuild.sh" "$kver" plain)
kr_vm_workdir
out=$kr_vm_dir

status=0
"$top/tests/vm/run" --kernel "$kver" --with "$ko" --with "$top/build/irmd" \
	--with "$top/build/krctl" --with "$top/build/krperf" \
	--with "$top/tests/e2e/vm-lib.sh" --with "$top/tests/e2e/irmd-lib.sh" \
	--out "$out/vm" - <<'EOF' || status=$?
set -u
R=/out/results
ok() { echo "ok $S/$1" >>$R; }
nok() { echo "not ok $S/$1${2:+: $2}" >>$R; }
check() { name=$1; shift; if "$@"; then ok "$name"; else nok "$name"; fi; }
. /with/vm-lib.sh
. /with/irmd-lib.sh
kr_load >/out/load.log 2>&1 || { S=setup; nok load; exit 1; }
FLOW='grace = 2000\nrekey-interval = 1500\njitter = 0\nevent = 200\nretire = 500\nconfirm = 50\nkeepalive = 1000\npeer-timeout = 10000'

# traffic S: b accepts, a allocates, N packets each way in the background
# (PA, PB; flow ids IA, IB).
traffic() {
	N=4500
	PACE="--rate 300 --window 64 --timeout 90"
	rm -f /tmp/ida /tmp/idb
	KEYROT_IRMD_SOCKET=$KR_IRMD_RUN/b.sock ip netns exec b krperf \
		--accept echo --id-file /tmp/idb --json --send $N --recv $N \
		--seed 2 --peer-seed 1 $PACE >$D/b.json 2>$D/b.err &
	PB=$!
	sleep 0.3
	KEYROT_IRMD_SOCKET=$KR_IRMD_RUN/a.sock ip netns exec a krperf \
		--alloc b echo --id-file /tmp/ida --json --send $N --recv $N \
		--seed 1 --peer-seed 2 $PACE >$D/a.json 2>$D/a.err &
	PA=$!
	kr_wait_file /tmp/ida 20 && kr_wait_file /tmp/idb 20 ||
		{ nok flow-allocated; return 1; }
	ok flow-allocated
	IA=$(cat /tmp/ida)
	IB=$(cat /tmp/idb)
}

# finish: wait for both ends; zero loss, in order.
finish() {
	rc=0; wait $PA || rc=$?; echo $rc >$D/a.rc
	rc=0; wait $PB || rc=$?; echo $rc >$D/b.rc
	check traffic-ok sh -c "grep -q '\"ok\":true' $D/a.json && grep -q '\"ok\":true' $D/b.json"
	check zero-loss sh -c "grep -q '\"missing\":0,' $D/a.json && grep -q '\"missing\":0,' $D/b.json &&
		grep -q '\"received\":$N,' $D/a.json && grep -q '\"received\":$N,' $D/b.json"
}

# after NS PHRASE: lines of NS's log after its last "started:" line
# (its second life) that have PHRASE.
after() {
	awk -v p="$2" '/started: identity/ { n = 0 } index($0, p) { n++ }
		END { print n + 0 }' "$KR_IRMD_DIR/irmd-$1.log"
}

# b_failing: b's status says its re-keys fail for want of an answer from a
# (docs/irmd.md 7), whether it was requesting or asking holds?.
b_failing() {
	kr_irmd_status b >$D/status-b-dead.txt 2>&1 &&
		grep -q 'failed=[1-9].*error=no answer from a' $D/status-b-dead.txt
}

# A scenario in fresh namespaces with fresh irmds.
begin() {
	S=$1
	D=/out/$S
	ip netns del a 2>/dev/null; ip netns del b 2>/dev/null
	kr_hosts || { nok hosts; return 1; }
	kr_irmd_setup $D "$FLOW" || { nok setup; return 1; }
}

# --- kill: SIGKILL mid-traffic, restart 3 s later ---
if begin kill; then
	kr_irmd_start a && kr_irmd_start b && traffic
	sleep 3
	kr_irmd_kill a
	ok killed
	# The need comes back within one interval (1.5 s); b's exchange is
	# given up 3/4 of the grace period (1.5 s) after it started.
	sleep 3.5
	ip netns exec a krctl show "$IA" >$D/show-a-dead.txt 2>&1
	check kernel-shows-need grep -q 'rekey needed: interval' $D/show-a-dead.txt
	# Under load b may give up later than that: its status is asked until
	# it says so, for up to 10 s more.
	check status-says-failing kr_wait_for 10 b_failing
	check retries-logged kr_irmd_log_has b 'no answer from a after'
	check restarted kr_irmd_start a
	check adopted kr_irmd_log_has a "flow $IA: adopted: peer b, role initiator, peer flow $IB"
	finish
	check rekeys-after-restart test "$(after a 'epoch switched')" -ge 2
	kr_irmd_stop a; kr_irmd_stop b
fi

# --- req-answered: a dies between b's answer and a's install ---
if begin req-answered; then
	kr_irmd_start a --fail-at=rekey-req-answered && kr_irmd_start b &&
		traffic
	rc=0; kr_irmd_wait a 20 || rc=$?
	check exit-99 [ "$rc" = 99 ]
	check fail-at-logged kr_irmd_log_has a 'fail-at rekey-req-answered: exiting'
	# b answered and waits for a's first packet on the new epoch: a grace
	# period (2 s) later it asks holds?, which goes unanswered (1.5 s).
	check status-says-failing kr_wait_for 10 b_failing
	check holds-unanswered-logged kr_irmd_log_has b 'holds?: no answer from a after'
	check restarted kr_irmd_start a
	check adopted kr_irmd_log_has a "flow $IA: adopted"
	finish
	check holds-asked kr_irmd_log_has b "flow $IB: holds? asked: does a hold epoch"
	check answered-not-held test "$(after a 'answered not-held')" -ge 1
	check withdrawn kr_irmd_log_has b "flow $IB: holds? no: epoch"
	check rekeys-after-restart test "$(after a 'epoch switched')" -ge 2
	kr_irmd_stop a; kr_irmd_stop b
fi

# --- resp-installed: b dies between its install and its answer ---
if begin resp-installed; then
	kr_irmd_start a && kr_irmd_start b --fail-at=rekey-resp-installed &&
		traffic
	rc=0; kr_irmd_wait b 20 || rc=$?
	check exit-99 [ "$rc" = 99 ]
	sleep 1
	check restarted kr_irmd_start b
	check adopted-with-pending sh -c "grep -q 'flow $IB: adopted: peer a, role responder, peer flow $IA, transmit epoch [0-9]*, epoch [0-9]* pending' $KR_IRMD_DIR/irmd-b.log"
	finish
	check a-gave-up kr_irmd_log_has a 'no answer from b after'
	check holds-stand-in kr_irmd_log_has b '(exchange not known here: a stand-in id)'
	check answered-not-held kr_irmd_log_has a 'answered not-held'
	check withdrawn kr_irmd_log_has b "flow $IB: holds? no: epoch"
	check rekeys-after-restart test "$(after b 'epoch switched')" -ge 2
	kr_irmd_stop a; kr_irmd_stop b
fi
echo "ok complete" >>$R
EOF

kr_vm_results "$out/vm/results" "irmd-restart/$kver" || status=1
if [ "$status" -ne 0 ]; then
	for f in "$out"/vm/*/irmd-[ab].log; do
		[ -f "$f" ] && { echo "--- $f (last 25 lines)"; tail -25 "$f"; }
	done
fi
exit "$status"
