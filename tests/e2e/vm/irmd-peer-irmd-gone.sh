# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# irmd-peer-irmd-gone.sh (in the VM, tests/e2e/irmd-matrix.sh): b's irmd
# is killed (SIGKILL) mid-traffic and stays away for 4.5 s while its host
# lives, then starts again (docs/irmd.md sections 7 and 8).  The flow
# re-keys every second.  Two views, two result groups:
#
#   peer-irmd-gone/ (a, whose peer irmd is gone)
#     rekeys-fail-retried  a's re-keys time out, are retried and logged
#                          ("no answer from b after N sends; retry after
#                          backoff"), at least twice
#     status-says-failing  irmd status: failed=N error=no answer from b
#     kernel-shows-need    krctl show: "rekey needed: interval"
#     rekeys-resume        after b's restart a's flow switches epochs again
#     traffic-intact, no-drops
#   killed/ (b, whose irmd was killed)
#     kernel-carries       meanwhile b's kernel carries the traffic (rx
#                          grows at both ends) on the epoch it had
#     adopted              the restarted irmd adopts the flow: its log and
#                          its status (state=adopted) say so
#     rekeys-resume        and re-keys it again
#
# (tests/e2e/irmd-restart.sh does the same with a's irmd killed.)
S=${1:-peer-irmd-gone}
. /with/vm/irmd-common.sh

FLOW='grace = 1000\nrekey-interval = 1000\njitter = 0\nevent = 200\nretire = 300\nconfirm = 50\nkeepalive = 500\npeer-timeout = 5000'

log_re() { grep -q -- "$2" "$KR_IRMD_DIR/irmd-$1.log"; }
log_n() { grep -c -- "$2" "$KR_IRMD_DIR/irmd-$1.log"; }
# after NS PHRASE: lines of NS's log after its last start that have PHRASE.
after() {
	awk -v p="$2" '/started: identity/ { n = 0 } index($0, p) { n++ }
		END { print n + 0 }' "$KR_IRMD_DIR/irmd-$1.log"
}

if im_begin "$FLOW" 'accept-timeout = 500'; then
	kr_irmd_start a && kr_irmd_start b || cnok irmds-started
	if im_traffic traffic 4500 300 30; then
		sleep 2
		kr_irmd_kill b
		EB=$(im_tx b "$IB")
		sa=$(log_n a 'no answer from b after')
		# 4.5 s without b's irmd, sampled.
		: >"$D/dead-samples"
		i=0
		while [ $i -lt 9 ]; do
			echo "$(im_tx b "$IB") $(im_rx a "$IA") $(im_rx b "$IB")" >>"$D/dead-samples"
			sleep 0.5
			i=$((i + 1))
		done
		kr_ns a krctl show "$IA" >"$D/show-a-dead.txt" 2>&1
		kr_irmd_status a >"$D/status-a-dead.txt" 2>&1
		S=killed
		c kernel-carries sh -c "[ \$(cut -d' ' -f1 $D/dead-samples | sort -u | wc -l) = 1 ] &&
			[ \"\$(head -n 1 $D/dead-samples | cut -d' ' -f1)\" = '$EB' ] &&
			[ \$(tail -n 1 $D/dead-samples | cut -d' ' -f2) -gt \$(head -n 1 $D/dead-samples | cut -d' ' -f2) ] &&
			[ \$(tail -n 1 $D/dead-samples | cut -d' ' -f3) -gt \$(head -n 1 $D/dead-samples | cut -d' ' -f3) ]"
		S=peer-irmd-gone
		c rekeys-fail-retried sh -c "[ \$(grep -c 're-key of epoch [0-9]*: no answer from b after [0-9]* sends; retry after backoff (data flows on epoch' $KR_IRMD_DIR/irmd-a.log) -ge \$(($sa + 2)) ]"
		c status-says-failing grep -q "flow=$IA .*failed=[1-9].*error=no answer from b after" "$D/status-a-dead.txt"
		c kernel-shows-need grep -q 'rekey needed: interval' "$D/show-a-dead.txt"
		S=killed
		c restarted kr_irmd_start b
		c adopted sh -c "grep -q 'flow $IB: adopted: peer a, role responder, peer flow $IA, transmit epoch $EB' $KR_IRMD_DIR/irmd-b.log &&
			irmd status -s $KR_IRMD_RUN/b.sock | grep -q 'flow=$IB .*state=adopted'"
		kr_wait_for 10 sh -c "[ \$(awk '/started: identity/ { n = 0 } /epoch switched/ { n++ } END { print n + 0 }' $KR_IRMD_DIR/irmd-b.log) -ge 2 ]"
		c rekeys-resume [ "$(after b 'epoch switched')" -ge 2 ]
		S=peer-irmd-gone
		c rekeys-resume sh -c "[ \$(awk '/no answer from b after/ { n = 0 } /epoch switched/ { n++ } END { print n + 0 }' $KR_IRMD_DIR/irmd-a.log) -ge 2 ]"
		im_end traffic 40
		S=killed
		c traffic-continues im_traffic_ok traffic
		S=peer-irmd-gone
	fi
	kr_irmd_stop a; kr_irmd_stop b
fi
im_time
