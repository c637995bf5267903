#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# irmd-smoke.sh [6.1|6.12]: irmd and libkeyrot end to end in the VM
# (default kernel 6.1).  Two namespaces a and b (vm-lib.sh's kr_hosts),
# one irmd in each pinning the other's key (irmd-lib.sh).  An application
# on b accepts "echo" (krperf --accept), one on a allocates a flow to b's
# "echo" (krperf --alloc): traffic both ways, every packet checked, while
# the flow re-keys by itself every 1.5 s (jitter 0, so the two ends often
# ask at once: the collision rule decides).  Checks: both applications got
# their flow from irmd (a gives it back with flow_dealloc), every packet
# arrived intact, once, in order, at
# least three epoch switches seen in `krctl show` and counted by both
# irmds, the errors an application gets for an unknown peer or service,
# `irmd status`, one irmd per namespace, and clean stops on SIGTERM.  Then
# test-only start values near 2^33 (a watermark re-key on every epoch).  One kr_result per check,
# named irmd-smoke/<kernel>/<check>.  KR_VM_KEEP=DIR keeps what the VM
# wrote (irmd logs, krperf results, epochs seen) in DIR.
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
	--with "$top/tests/e2e/vm-check.sh" --out "$out/vm" - <<'EOF' || status=$?
set -u
. /with/vm-check.sh	# ok, nok, check: lines of /out/results
. /with/vm-lib.sh
. /with/irmd-lib.sh
D=/out/irmd
kr_load >/out/load.log 2>&1 || { nok load; exit 1; }
kr_hosts || { nok hosts; exit 1; }

# Test-scale timers: re-key every 1.5 s, both ends at once (jitter 0).
FLOW='grace = 2000\nrekey-interval = 1500\njitter = 0\nevent = 200\nretire = 500\nconfirm = 50\nkeepalive = 1000\npeer-timeout = 5000\nfirst-epoch = 250'
check config kr_irmd_setup $D "$FLOW"
check config-check sh -c "irmd check -c $D/a.conf >/dev/null && irmd check -c $D/b.conf >/dev/null"
check irmd-a-started kr_irmd_start a
check irmd-b-started kr_irmd_start b
check started-log sh -c "grep -q 'started: identity' $D/irmd-a.log && grep -q 'started: identity' $D/irmd-b.log"
# A second irmd in a's namespace (another control socket) must not start.
sed 's|^control = .*|control = /run/irmd/a2.sock|' $D/a.conf >$D/a2.conf
chmod 600 $D/a2.conf
ip netns exec a irmd -f -c $D/a2.conf 2>$D/irmd-a2.log
check one-irmd-per-netns sh -c "[ $? = 1 ] && grep -q 'another irmd runs in this network namespace' $D/irmd-a2.log"

# What an application gets for what cannot be.
kr_irmd_app a krperf --alloc nobody echo --timeout 5 >/dev/null 2>/out/enxio.err
check unknown-peer-enxio grep -q 'No such device or address' /out/enxio.err
kr_irmd_app a krperf --alloc b nosuch --timeout 5 >/dev/null 2>/out/esrch.err
check unknown-service-esrch grep -q 'No such process' /out/esrch.err

# b accepts, a allocates; 4000 packets each way at 300 a second (~13 s).
N=4000
PACE="--rate 300 --window 64 --timeout 90"
rm -f /tmp/ida /tmp/idb
KEYROT_IRMD_SOCKET=$KR_IRMD_RUN/b.sock ip netns exec b krperf --accept echo \
	--id-file /tmp/idb --json --send $N --recv $N --seed 2 --peer-seed 1 \
	$PACE >/out/b.json 2>/out/b.err &
PB=$!
sleep 0.3
KEYROT_IRMD_SOCKET=$KR_IRMD_RUN/a.sock ip netns exec a krperf --alloc b echo \
	--dealloc --id-file /tmp/ida --json --send $N --recv $N --seed 1 \
	--peer-seed 2 $PACE >/out/a.json 2>/out/a.err &
PA=$!
if kr_wait_file /tmp/ida 20 && kr_wait_file /tmp/idb 20; then
	ok flow-allocated
else
	nok flow-allocated "$(tail -1 /out/a.err) / $(tail -1 /out/b.err)"
fi
IA=$(cat /tmp/ida 2>/dev/null || echo 0)
IB=$(cat /tmp/idb 2>/dev/null || echo 0)
check accepted-from-a grep -q 'accepted a flow from a' /out/b.err
check alloc-log kr_irmd_log_has a "flow $IA: allocated: service echo at b (role initiator, peer flow $IB"
check accept-log kr_irmd_log_has b "flow $IB: accepted: service echo from a (role responder, peer flow $IA"

# The transmit epoch at a, as krctl show tells it, while traffic runs.
: >/out/epochs
while kill -0 $PA 2>/dev/null; do
	ip netns exec a krctl show "$IA" --json 2>/dev/null |
		grep -o '"number":[0-9]*,"key-id":"[0-9a-f]*","state":"transmit"' |
		sed 's/"number":\([0-9]*\).*/\1/' >>/out/epochs
	# Keep the last snapshot that still lists the flow: the final
	# one may be taken after krperf deallocated it.
	for h in a b; do
		kr_irmd_status $h >/out/status-$h.now 2>&1
		grep -q rekeys= /out/status-$h.now &&
			mv /out/status-$h.now /out/status-$h.txt
	done
	sleep 0.5
done
rc=0; wait $PA || rc=$?; echo $rc >/out/a.rc
rc=0; wait $PB || rc=$?; echo $rc >/out/b.rc
check traffic-a sh -c 'grep -q "\"ok\":true" /out/a.json'
check traffic-b sh -c 'grep -q "\"ok\":true" /out/b.json'
check zero-loss sh -c 'grep -q "\"missing\":0," /out/a.json && grep -q "\"missing\":0," /out/b.json &&
	grep -q "\"received\":'$N'," /out/a.json && grep -q "\"received\":'$N'," /out/b.json'
check in-order sh -c 'grep -q "\"out_of_order\":0," /out/a.json && grep -q "\"out_of_order\":0," /out/b.json'
uniq /out/epochs >/out/epochs.uniq
check epochs-switch-in-show sh -c '[ "$(wc -l </out/epochs.uniq)" -ge 4 ]'
check epoch-wraps sh -c 'grep -qx 0 /out/epochs.uniq'
check rekeys-in-status sh -c 'grep -q "rekeys=[3-9]\|rekeys=[1-9][0-9]" /out/status-a.txt &&
	grep -q "rekeys=[3-9]\|rekeys=[1-9][0-9]" /out/status-b.txt'
check rekey-logs sh -c "[ \$(grep -c 're-key done' $D/irmd-a.log $D/irmd-b.log | awk -F: '{s+=\$2} END {print s}') -ge 3 ] &&
	[ \$(grep -c 're-key answered' $D/irmd-a.log $D/irmd-b.log | awk -F: '{s+=\$2} END {print s}') -ge 3 ]"
check no-failed-rekey sh -c "! grep -q 'install failed\|cannot build' $D/irmd-a.log $D/irmd-b.log"
check dealloc sh -c "grep -q 'flow deallocated' /out/a.err && grep -q 'flow $IA: deallocated by uid 0' $D/irmd-a.log"
check flows-forgotten sh -c "kr_wait_for() { n=0; until \"\$@\"; do [ \$n -lt 100 ] || return 1; sleep 0.05; n=\$((n+1)); done; };
	kr_wait_for grep -q 'flow $IA: forgotten' $D/irmd-a.log && kr_wait_for grep -q 'flow $IB: forgotten' $D/irmd-b.log"
check status-empty sh -c "s=\$(irmd status -s $KR_IRMD_RUN/a.sock) && [ -z \"\$s\" ]"
check stop-a kr_irmd_stop a
check stop-b kr_irmd_stop b
check stopped-log sh -c "grep -q 'stopped: 0 flows' $D/irmd-a.log && grep -q 'stopped: 0 flows' $D/irmd-b.log"
check socket-removed sh -c "[ ! -e $KR_IRMD_RUN/a.sock ] && [ ! -e $KR_IRMD_RUN/b.sock ]"

# Start values (test only, signed in the requests): a's flows start
# direction 0 3000 packets below 2^33, at allocation and at every re-key;
# b allows them.  Every epoch is below the watermark at once, so the flow
# re-keys back to back; both ends must install the same values, or the
# receiver drops everything.
START=$((8589934592 - 3000))
printf 'start-d0 = %s\nrekey-start-d0 = %s\n' $START $START >>$D/a.conf
sed -i 's/^\[irmd\]$/[irmd]\nallow-start = yes/' $D/b.conf
check start-config sh -c "irmd check -c $D/a.conf >/dev/null && irmd check -c $D/b.conf >/dev/null"
kr_irmd_start a && kr_irmd_start b && ok start-irmds || nok start-irmds
N2=2000
rm -f /tmp/ida /tmp/idb
KEYROT_IRMD_SOCKET=$KR_IRMD_RUN/b.sock ip netns exec b krperf --accept sink \
	--id-file /tmp/idb --json --send $N2 --recv $N2 --seed 4 --peer-seed 3 \
	$PACE >/out/sb.json 2>/out/sb.err &
PB=$!
sleep 0.3
KEYROT_IRMD_SOCKET=$KR_IRMD_RUN/a.sock ip netns exec a krperf --alloc b sink \
	--id-file /tmp/ida --json --send $N2 --recv $N2 --seed 3 --peer-seed 4 \
	$PACE >/out/sa.json 2>/out/sa.err &
PA=$!
kr_wait_file /tmp/ida 20 && kr_wait_file /tmp/idb 20
IA=$(cat /tmp/ida 2>/dev/null || echo 0)
: >/out/start-seq
while kill -0 $PA 2>/dev/null; do
	ip netns exec a krctl show "$IA" --json 2>/dev/null |
		grep -o '"state":"transmit","confirmed":true,"peer-seen":true,"tx-seq":[0-9]*' |
		sed 's/.*"tx-seq"://' >>/out/start-seq
	sleep 0.5
done
rc=0; wait $PA || rc=$?
rc=0; wait $PB || rc=$?
check start-traffic sh -c 'grep -q "\"ok\":true" /out/sa.json && grep -q "\"ok\":true" /out/sb.json &&
	grep -q "\"missing\":0," /out/sa.json && grep -q "\"missing\":0," /out/sb.json'
check start-values-installed sh -c "[ \$(sort -n /out/start-seq | tail -1) -ge $START ]"
check start-rekeys sh -c "[ \$(grep -c 'need watermark' $D/irmd-a.log $D/irmd-b.log | awk -F: '{s+=\$2} END {print s}') -ge 3 ]"
kr_irmd_stop a && kr_irmd_stop b && ok start-stop || nok start-stop
ok complete
EOF

kr_vm_results "$out/vm/results" "irmd-smoke/$kver" || status=1
if [ "$status" -ne 0 ]; then
	for f in "$out"/vm/irmd/irmd-a.log "$out"/vm/irmd/irmd-b.log; do
		[ -f "$f" ] && { echo "--- $f (last 30 lines)"; tail -30 "$f"; }
	done
	[ -f "$out/vm/console.log" ] && tail -20 "$out/vm/console.log"
fi
exit "$status"
