# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# irmd-rekeys.sh (in the VM, tests/e2e/irmd-matrix.sh): 200 re-keys during
# traffic, by themselves, with zero loss.  b accepts, a allocates (krperf
# over libkeyrot, both ways, windowed and paced).  The re-keys alternate by
# construction between the two kinds a flow has:
#
#   interval   a's flows re-key every 250 ms (b's never: 600 s); a's
#              re-key requests carry the test-only start value
#              rekey-start-d1 = 96 * 2^26 - 40: direction 1 (b's) of every
#              epoch a starts begins 40 packets before node 96, past which
#              fewer than the watermark's 2048 leaves remain, so
#   watermark  b's 40th packet on it raises the watermark need at b, which
#              re-keys without start values (b has none): that epoch starts
#              at 0 and ends by a's interval.
#
# The first epoch is 100, so the epochs wrap (255 -> 0) on the way.
# Checks: both krperf results intact, every drop counter 0 at both ends,
# at least 200 epoch switches seen by each kernel's events, each irmd's log
# and status, both kinds of need at least 60 times each, the wrap, no
# install failure.
S=${1:-rekeys}
. /with/vm/irmd-common.sh

EDGE=$((96 * 67108864 - 40))
FLOW='grace = 1000\njitter = 0\nevent = 100\nretire = 300\nconfirm = 50\nkeepalive = 500\npeer-timeout = 3000'
if im_begin "$FLOW" 'accept-timeout = 500\nallow-start = yes'; then
	printf 'rekey-interval = 250\nrekey-start-d1 = %s\nfirst-epoch = 100\n' \
		$EDGE >>"$D/a.conf"
	printf 'rekey-interval = 600000\n' >>"$D/b.conf"
	c config sh -c "irmd check -c $D/a.conf >/dev/null && irmd check -c $D/b.conf >/dev/null"
	kr_irmd_start a && kr_irmd_start b && cok irmds-started ||
		cnok irmds-started
	kr_events a "$D/events-a.jsonl"; PEA=$KR_PE
	kr_events b "$D/events-b.jsonl"; PEB=$KR_PE
	N=${KR_IM_REKEYS_N:-16000}
	if im_traffic traffic "$N" 350 3; then
		cok flow-allocated
		status_at_end() {
			kr_irmd_status a >"$D/status-a.txt" 2>&1
			kr_irmd_status b >"$D/status-b.txt" 2>&1
		}
		IM_AT_END=status_at_end
		im_end traffic 120
		IM_AT_END=
	fi
	sleep 0.3
	kill "$PEA" "$PEB" 2>/dev/null
	wait "$PEA" "$PEB" 2>/dev/null
	for ns in a b; do
		grep -c '"event":"epoch-switched"' "$D/events-$ns.jsonl" \
			>"$D/switches-$ns" 2>/dev/null
		grep -o 're-key started: .*(need [a-z,]*)' "$D/irmd-$ns.log" |
			sed 's/.*(need \([a-z,]*\))/\1/' | sort | uniq -c \
			>"$D/needs-$ns" 2>/dev/null
	done
	atleast() { [ "$(cat "$1" 2>/dev/null || echo 0)" -ge "$2" ]; }
	c switches-a-events-200 atleast "$D/switches-a" 200
	c switches-b-events-200 atleast "$D/switches-b" 200
	c switches-a-log-200 sh -c "[ \$(grep -c 'epoch switched' $D/irmd-a.log) -ge 200 ]"
	c switches-b-log-200 sh -c "[ \$(grep -c 'epoch switched' $D/irmd-b.log) -ge 200 ]"
	c status-rekeys-200 sh -c "grep -q 'rekeys=[2-9][0-9][0-9] ' $D/status-a.txt &&
		grep -q 'rekeys=[2-9][0-9][0-9] ' $D/status-b.txt"
	c interval-rekeys-60 sh -c "[ \$(grep -c 're-key started: .*(need interval)' $D/irmd-a.log) -ge 60 ]"
	c watermark-rekeys-60 sh -c "[ \$(grep -c 're-key started: .*(need watermark)' $D/irmd-b.log) -ge 60 ]"
	c watermark-events sh -c "grep -q '\"event\":\"rekey-needed\".*\"watermark\"' $D/events-b.jsonl"
	c interval-events sh -c "grep -q '\"event\":\"rekey-needed\".*\"interval\"' $D/events-a.jsonl"
	c epoch-wraps sh -c "grep -q 'epoch switched 255 -> 0 ' $D/irmd-a.log && grep -q 'epoch switched 255 -> 0 ' $D/irmd-b.log"
	c no-failed-install sh -c "! grep -q 'install failed\|cannot build\|cannot send' $D/irmd-a.log $D/irmd-b.log"
	kr_irmd_stop a; kr_irmd_stop b
fi
im_time
