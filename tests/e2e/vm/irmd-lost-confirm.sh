# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# irmd-lost-confirm.sh (in the VM, tests/e2e/irmd-matrix.sh): the other
# outcome of the unconfirmed path (docs/oap.md 9, docs/irmd.md section 6:
# holds | answer ok | epoch-confirm).  Traffic one way, b to a (krperf,
# rate-paced, no acknowledgements).  a asks for a re-key while every
# keyrot (data) datagram a sends is lost on the way: the exchange
# completes, a installs with "peer holds it" and moves to the new epoch,
# but its packets on it (key confirmations, keepalives) never reach b, so
# b's seed stays unconfirmed.  A grace period after its install b asks
# holds?, a answers ok (it holds it), b confirms it (epoch-confirm) and
# moves.  Checks: the exchange completed at a; b stayed on the old epoch
# with the new one pending while a's packets were lost (never ahead of the
# peer); holds? asked and answered ok; confirmed; one new epoch at both
# ends; the traffic b to a intact; no drop counter above 0 (b's packets on
# the old epoch still authenticate at a).
S=${1:-lost-confirm}
. /with/vm/irmd-common.sh

FLOW='grace = 1000\nrekey-interval = 600000\njitter = 0\nevent = 100\nretire = 300\nconfirm = 50\nkeepalive = 300\npeer-timeout = 5000'
N=1500

has_tx() { [ -n "$(im_tx a "$IA")" ]; }

if im_begin "$FLOW" 'accept-timeout = 500'; then
	kr_irmd_start a && kr_irmd_start b || cnok irmds-started
	rm -f /tmp/lc-ida /tmp/lc-idb /tmp/lc-a.done
	n=$(kr_irmd_log_count b "accepts flows to echo")
	KEYROT_IRMD_SOCKET=$KR_IRMD_RUN/b.sock ip netns exec b krperf \
		--accept echo --id-file /tmp/lc-idb --json --send $N --recv 0 \
		--seed 2 --rate 300 --timeout 60 --linger 20 \
		>"$D/traffic-b.json" 2>"$D/traffic-b.err" &
	PB=$!
	kr_wait_for 10 im_accepting echo "$n"
	KEYROT_IRMD_SOCKET=$KR_IRMD_RUN/a.sock ip netns exec a krperf \
		--alloc b echo --id-file /tmp/lc-ida --done-file /tmp/lc-a.done \
		--json --send 0 --recv $N --peer-seed 2 --no-ack --timeout 60 \
		--stall 8 --linger 20 >"$D/traffic-a.json" 2>"$D/traffic-a.err" &
	PA=$!
	if kr_wait_file /tmp/lc-ida 20 && kr_wait_file /tmp/lc-idb 20; then
		IA=$(cat /tmp/lc-ida)
		IB=$(cat /tmp/lc-idb)
		kr_wait_for 10 has_tx
		E0=$(im_tx a "$IA")
		E1=$(((E0 + 1) % 256))
		kr_wait_for 10 im_on "$E0" || cnok first-epoch
		sleep 0.5
		c drop-a-data im_drop_rule a on 51819
		kr_ns a krctl rekey "$IA"
		c a-completed kr_wait_for 5 kr_irmd_log_has a "flow $IA: re-key done: epoch $E1 installed, the peer holds it"
		sleep 0.3
		im_show b "$IB" >"$D/lost-b.json"
		c b-not-ahead sh -c "grep -q '\"number\":$E0,\"key-id\":\"[0-9a-f]*\",\"state\":\"transmit\"' $D/lost-b.json &&
			grep -q '\"number\":$E1,\"key-id\":\"[0-9a-f]*\",\"state\":\"next\",\"confirmed\":false' $D/lost-b.json"
		c a-moved [ "$(im_tx a "$IA")" = "$E1" ]
		c holds-yes kr_wait_for 5 kr_irmd_log_has b "flow $IB: holds? yes: epoch $E1 key"
		im_drop_rule a off 51819
		c holds-asked kr_irmd_log_has b "flow $IB: holds? asked: does a hold epoch $E1 key"
		c answered-ok kr_irmd_log_has a "holds? from b about epoch $E1 key"
		c answered-ok-status sh -c "grep 'holds? from b about epoch $E1 key' $KR_IRMD_DIR/irmd-a.log | grep -q 'answered ok'"
		if kr_wait_for 10 im_on "$E1"; then
			sleep 0.5
			c one-new-epoch im_on "$E1"
		else
			cnok one-new-epoch "a on $(im_tx a "$IA"), b on $(im_tx b "$IB")"
		fi
		c no-withdraw sh -c "! grep -q 'withdrawn' $KR_IRMD_DIR/irmd-b.log"
		kr_wait_file /tmp/lc-a.done 30
		im_show a "$IA" >"$D/traffic-end-a.json" 2>&1
		im_show b "$IB" >"$D/traffic-end-b.json" 2>&1
		kill -TERM "$PA" "$PB" 2>/dev/null
		rc=0; wait "$PA" || rc=$?; echo $rc >"$D/traffic-a.rc"
		rc=0; wait "$PB" || rc=$?; echo $rc >"$D/traffic-b.rc"
		c traffic-intact sh -c "[ \"\$(cat $D/traffic-a.rc)\" = 0 ] && grep -q '\"ok\":true' $D/traffic-a.json &&
			grep -q '\"received\":$N,' $D/traffic-a.json && grep -q '\"missing\":0,' $D/traffic-a.json &&
			grep -q '\"out_of_order\":0,' $D/traffic-a.json && grep -q '\"corrupt\":0,' $D/traffic-a.json &&
			grep -q '\"sent\":$N,' $D/traffic-b.json"
		c no-drops im_nodrops "$D/traffic-end-a.json" "$D/traffic-end-b.json"
	else
		cnok flow-allocated
	fi
	kr_irmd_stop a; kr_irmd_stop b
fi
im_time
