# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# irmd-wrong-key.sh (in the VM, tests/e2e/irmd-matrix.sh): a peer pinned
# with the wrong key (docs/oap.md 3 and 11, docs/irmd.md section 3).  b
# accepts "echo", a allocates a flow to it, in two cases:
#
#   b-pins-wrong   b's [peer a] holds another key than a's: b refuses a's
#                  request ("sender not pinned") and answers nothing
#   a-pins-wrong   a's [peer b] holds another key than b's: a's request is
#                  addressed to an identity b is not ("request for another
#                  identity")
#
# Checks per case: the application gets -ETIMEDOUT ("the peer's irmd did
# not answer", docs/irmd.md section 3), a's log says the allocation was
# given up for no answer, b's log names the reason of the refusal, b's
# acceptor is not served, and no flow is left in either kernel or irmd.
S=${1:-wrong-key}
. /with/vm/irmd-common.sh

FLOW='grace = 2000\nrekey-interval = 600000\nevent = 200\nkeepalive = 500\npeer-timeout = 5000'

flows() { kr_ns "$1" krctl stats --json | jnum flows; }
no_flows() {
	[ "$(flows a)" = 0 ] && [ "$(flows b)" = 0 ] &&
		[ -z "$(kr_irmd_status a)" ] && [ -z "$(kr_irmd_status b)" ]
}

# wcase NAME NS REASON: NS's configuration pins the wrong key for its peer.
wcase() {
	local name=$1 ns=$2 why=$3 rc n
	cp "$D/a.conf.good" "$D/a.conf"
	cp "$D/b.conf.good" "$D/b.conf"
	sed -i "s|^key = .*|key = $(cat "$D/x.pub")|" "$D/$ns.conf"
	chmod 600 "$D/a.conf" "$D/b.conf"
	kr_irmd_start a && kr_irmd_start b || { cnok "$name/irmds-started"; return 1; }
	im_mark
	n=$(kr_irmd_log_count b "accepts flows to echo")
	KEYROT_IRMD_SOCKET=$KR_IRMD_RUN/b.sock ip netns exec b krperf \
		--accept echo --json --send 10 --recv 10 --timeout 8 \
		>"$D/$name-b.json" 2>"$D/$name-b.err" &
	PB=$!
	kr_wait_for 10 im_accepting echo "$n"
	rc=0
	KEYROT_IRMD_SOCKET=$KR_IRMD_RUN/a.sock ip netns exec a krperf \
		--alloc b echo --json --send 10 --recv 10 --timeout 8 \
		>"$D/$name-a.json" 2>"$D/$name-a.err" &
	im_wait $! 20 || rc=$?
	c "$name/app-etimedout" sh -c "[ $rc != 0 ] && grep -q 'krperf: flow_alloc b echo: Connection timed out' $D/$name-a.err"
	c "$name/requester-log" im_has a "allocation to echo at b given up: no answer from b after"
	c "$name/refusal-logged" im_has b "refused alloc-req from 10.99.0.1:51818: $why"
	c "$name/not-accepted" sh -c "! grep -q 'accepted' $D/$name-b.err && ! grep -q 'accepted: service' $KR_IRMD_DIR/irmd-b.log"
	kill -KILL "$PB" 2>/dev/null
	wait "$PB" 2>/dev/null
	c "$name/no-flows-left" kr_wait_for 5 no_flows
	kr_irmd_stop a; kr_irmd_stop b
}

if im_begin "$FLOW"; then
	irmd keygen "$D/x.pem" >"$D/x.pub"
	cp "$D/a.conf" "$D/a.conf.good"
	cp "$D/b.conf" "$D/b.conf.good"
	wcase b-pins-wrong b "sender not pinned"
	wcase a-pins-wrong a "request for another identity"
fi
im_time
