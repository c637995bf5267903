#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# vm-smoke.sh [VERSION]: krctl and krperf against the real module in the VM
# (default kernel 6.1).  Two namespaces joined by a veth pair, one flow
# each way: traffic both ways across a re-key, a one-way --rate flow on
# ChaCha20-Poly1305, EKEYEXPIRED at the end of the sequence space, events,
# and the error messages (extack, missing family, missing capability).
# One kr_result per check, named tools-vm/<kernel>/<check>.  KR_VM_KEEP=DIR
# keeps what the VM wrote (krperf JSON and logs, events) in DIR/vm.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib/results.sh"
. "$top/tests/e2e/vm-results.sh"
kver=${1:-6.1}

make -s -C "$top/tools" >/dev/null
ko=$("$top/scripts/kbuild.sh" "$kver" plain)
kr_vm_workdir
out=$kr_vm_dir

status=0
"$top/tests/vm/run" --kernel "$kver" --with "$ko" --with "$top/build/krctl" \
	--with "$top/build/krperf" --with "$top/tests/e2e/vm-lib.sh" \
	--with "$top/tests/e2e/vm-check.sh" --out "$out/vm" - <<'EOF' || status=$?
set -u
. /with/vm-check.sh	# ok, nok, check: lines of /out/results
json_ok() { grep -q '"ok":true' "$1"; }
# same_data SENT RECV N: the logs are equal and hold N DATA payloads.
same_data() { cmp -s "$1" "$2" && [ "$(grep -c '^44' "$1")" -eq "$3" ]; }

check family-missing-message sh -c 'krctl stats 2>&1 | grep -q "family not found (is keyrot.ko loaded?)"'
. /with/vm-lib.sh
kr_load || { nok insmod; exit 1; }
check eperm-names-capability sh -c 'unshare -U /with/krctl stats 2>&1 | grep -q CAP_NET_ADMIN'
check events-timeout-exit-1 sh -c '! krctl events --count 1 --timeout 0.3 2>/dev/null'

kr_hosts || { nok hosts; exit 1; }
printf 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f >/tmp/s1
printf 'c0ffee00112233445566778899aabbccddeeff00112233445566778899aabbcc\n' >/tmp/s2
check keyid sh -c '[ "$(krctl keyid --seed-file /tmp/s1)" = e76ddc92f43f6bfc ]'

# pair NAME "A-OPTS" "B-OPTS" "A-SET" "B-SET" "INSTALL-OPTS": two krperf
# ends, configured; B answers (installs first), A completes (--peer-holds).
pair() {
	rm -f /tmp/ida /tmp/idb
	ip netns exec a krperf --id-file /tmp/ida --json --timeout 30 $2 \
		--sent-log /out/$1-a-sent --recv-log /out/$1-a-recv \
		>/out/$1-a.json 2>/out/$1-a.err &
	PA=$!
	ip netns exec b krperf --id-file /tmp/idb --json --timeout 30 $3 \
		--sent-log /out/$1-b-sent --recv-log /out/$1-b-recv \
		>/out/$1-b.json 2>/out/$1-b.err &
	PB=$!
	waitfile /tmp/ida && waitfile /tmp/idb || return 1
	IA=$(cat /tmp/ida); IB=$(cat /tmp/idb)
	ip netns exec a krctl set "$IA" peer 10.99.0.2 port 51819 peer-id "$IB" \
		role initiator $4 &&
	ip netns exec b krctl set "$IB" peer 10.99.0.1 port 51819 peer-id "$IA" \
		role responder $5 &&
	ip netns exec b krctl install "$IB" 1 $6 --seed-file /tmp/s1 &&
	ip netns exec a krctl install "$IA" 1 --peer-holds $6 </tmp/s1
}

# Both ways, 3000 packets each at 1000 per second (windowed too), with a
# re-key in the middle, in order (kr_hosts makes the link keep order).
ip netns exec a krctl events --json --ready-file /tmp/ev1 --timeout 60 \
	>/out/events.jsonl 2>/dev/null &
PE=$!
waitfile /tmp/ev1
PACE="--rate 1000 --window 64"
check both-configured pair both "--send 3000 --recv 3000 --seed 1 --peer-seed 2 $PACE" \
	"--send 3000 --recv 3000 --seed 2 --peer-seed 1 $PACE" "cookie 42" "" ""
sleep 0.7
check show-text sh -c "ip netns exec a krctl show $IA | grep -q 'epoch 1 *transmit key e76ddc92f43f6bfc'"
check show-json sh -c "ip netns exec a krctl show --json | grep -q '\"state\":\"transmit\"'"
check rekey-request ip netns exec a krctl rekey "$IA"
sleep 0.3
check rekey-need-shown sh -c "ip netns exec a krctl show $IA | grep -q 'rekey needed: request'"
check install-epoch-2 sh -c "ip netns exec b krctl install $IB 2 --seed-file /tmp/s2 &&
	ip netns exec a krctl install $IA 2 --peer-holds --seed-file /tmp/s2"
check refused-epoch-extack sh -c "ip netns exec a krctl install $IA 9 --seed-file /tmp/s1 2>&1 | grep -q 'seed-install: .*(kernel: '"
check refused-range-extack sh -c "ip netns exec a krctl set $IA window 100 2>&1 | grep -q 'attribute replay-window'"
wait $PA && ok both-a || nok both-a "$(tail -1 /out/both-a.err)"
wait $PB && ok both-b || nok both-b "$(tail -1 /out/both-b.err)"
check both-a-json json_ok /out/both-a.json
sort /out/both-a-sent >/tmp/as; sort /out/both-b-recv >/tmp/br
check both-sent-is-received same_data /tmp/as /tmp/br 3000
check order-strict sh -c 'grep -q "\"out_of_order\":0," /out/both-a.json &&
	grep -q "\"out_of_order\":0," /out/both-b.json'
kill $PE; wait $PE
check event-rekey-needed grep -q '"event":"rekey-needed".*"reason":\["request"\]' /out/events.jsonl
check event-epoch-switched grep -q '"event":"epoch-switched".*"epoch":2,"old-epoch":1' /out/events.jsonl

# One way, paced by time, no ACKs, ChaCha20-Poly1305, max payload 600.
check rate-configured pair rate "--send 2000 --rate 4000 --linger 0.5" \
	"--recv 2000 --no-ack" "cipher chacha20-poly1305 max-payload 600" \
	"cipher chacha20-poly1305 max-payload 600" ""
wait $PA && ok rate-a || nok rate-a "$(cat /out/rate-a.err)"
wait $PB && ok rate-b || nok rate-b "$(cat /out/rate-b.err)"
check rate-no-acks grep -q '"acks_sent":0' /out/rate-b.json
check rate-sent-is-received same_data /out/rate-a-sent /out/rate-b-recv 2000

# Direction 0 starts 600 below 2^33: the writer gets EKEYEXPIRED until a
# second epoch is installed, then finishes.
check exhaust-configured pair exhaust "--send 1500" "--recv 1500" "" "" \
	"--start-d0 $((8589934592 - 600))"
sleep 3
check exhaust-rekey-watermark sh -c "ip netns exec a krctl show $IA | grep -q 'rekey needed: watermark'"
ip netns exec b krctl install "$IB" 2 --seed-file /tmp/s2
ip netns exec a krctl install "$IA" 2 --peer-holds --seed-file /tmp/s2
wait $PA && ok exhaust-a || nok exhaust-a "$(cat /out/exhaust-a.err)"
wait $PB && ok exhaust-b || nok exhaust-b "$(cat /out/exhaust-b.err)"
check exhaust-ekeyexpired sh -c '! grep -q "\"ekeyexpired\":0," /out/exhaust-a.json'
check exhaust-rekey-signal sh -c '! grep -q "\"rekey_signals\":0," /out/exhaust-a.json'

# create --hold: the flow lives as long as the process.
ip netns exec a krctl create --hold --id-file /tmp/idc >/dev/null &
PC=$!
waitfile /tmp/idc; IC=$(cat /tmp/idc)
check hold-flow-exists ip netns exec a krctl show "$IC"
check down ip netns exec a krctl down "$IC"
check peer-gone ip netns exec a krctl peer-gone "$IC"
check down-flags sh -c "ip netns exec a krctl show $IC | grep -q 'flags rd,wr,flowdown,flowpeer'"
kill $PC; wait $PC && ok hold-sigterm-exit-0 || nok hold-sigterm-exit-0
check hold-flow-gone sh -c "! ip netns exec a krctl show $IC 2>/dev/null"
check port-set sh -c "ip netns exec a krctl port 40000 && ip netns exec a krctl stats | grep -q '^port 40000'"
ok complete
EOF

kr_vm_results "$out/vm/results" "tools-vm/$kver" || status=1
[ "$status" -eq 0 ] || { [ -f "$out/vm/console.log" ] && tail -30 "$out/vm/console.log"; }
exit "$status"
