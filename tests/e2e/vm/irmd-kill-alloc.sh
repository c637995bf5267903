# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# irmd-kill-alloc.sh (in the VM, tests/e2e/irmd-matrix.sh): irmd killed at
# each step of a flow allocation (docs/irmd.md sections 4, 8 and 9).  An
# application on b accepts "echo" (krperf --accept), one on a allocates a
# flow to it (krperf --alloc); one irmd has --fail-at=STEP.  Results
# kill-STEP/END/CHECK:
#
#   exit-99           the irmd exits with status 99 at STEP
#   app-error         the application of the dying end gets an error from
#                     libkeyrot (its connection to irmd closes), never a flow
#   requester-app     alloc-resp-installed: a's application gets
#                     -ETIMEDOUT ("Connection timed out"): b never answered
#   peer-half-ended   the other end's half of the flow does not stay: b
#                     deletes a flow whose first seed a does not hold
#                     (holds? -> no-flow, "the allocation failed at its
#                     end: flow deleted"), or, if a's key confirmation got
#                     through before a died, b's next re-key gets no-flow
#                     and marks it down; for alloc-resp-answered a's flow
#                     (handed to its application) sees the peer gone and
#                     its next re-key marks it down; either way the
#                     application there sees the flow down
#   no-flows-left     afterwards neither kernel has a flow, and neither
#                     irmd lists one
S=${1:-kill-alloc}
. /with/vm/irmd-common.sh

FLOW='grace = 1000\nrekey-interval = 600000\njitter = 0\nevent = 100\nretire = 300\nconfirm = 50\nkeepalive = 300\npeer-timeout = 1500'

flows() { kr_ns "$1" krctl stats --json | jnum flows; }
no_flows() {
	[ "$(flows a)" = 0 ] && [ "$(flows b)" = 0 ] &&
		[ -z "$(kr_irmd_status a)" ] && [ -z "$(kr_irmd_status b)" ]
}
has() { kr_irmd_log_has "$1" "$2"; }
# settled ID: b's half of a half-made flow was deleted, or confirmed.
settled() {
	has b "flow $1: the peer does not hold its first seed" ||
		has b "flow $1: first epoch"
}

# acase STEP END: a allocates, END's irmd dies at STEP.
acase() {
	local step=$1 at=$2 rc=0 n ida idb
	S=kill-$step/$at
	tag=$step
	kr_irmd_stop a; kr_irmd_stop b
	im_mark
	if [ "$at" = a ]; then
		kr_irmd_start a --fail-at="$step" && kr_irmd_start b
	else
		kr_irmd_start a && kr_irmd_start b --fail-at="$step"
	fi || { cnok irmds-started; return 1; }
	rm -f /tmp/ka-ida /tmp/ka-idb
	n=$(kr_irmd_log_count b "accepts flows to echo")
	KEYROT_IRMD_SOCKET=$KR_IRMD_RUN/b.sock ip netns exec b krperf \
		--accept echo --id-file /tmp/ka-idb --json --send 100 --recv 100 \
		--rate 100 --timeout 12 >"$D/$tag-b.json" 2>"$D/$tag-b.err" &
	PB=$!
	kr_wait_for 10 im_accepting echo "$n"
	KEYROT_IRMD_SOCKET=$KR_IRMD_RUN/a.sock ip netns exec a krperf \
		--alloc b echo --id-file /tmp/ka-ida --json --send 100 \
		--recv 100 --rate 100 --timeout 12 >"$D/$tag-a.json" \
		2>"$D/$tag-a.err" &
	PA=$!
	kr_irmd_wait "$at" 15 || rc=$?
	c exit-99 sh -c "[ $rc = 99 ] && grep -q 'fail-at $step: exiting here as asked' $KR_IRMD_DIR/irmd-$at.log"
	kr_irmd_start "$at" || cnok restarted
	ida=$(cat /tmp/ka-ida 2>/dev/null)
	idb=$(cat /tmp/ka-idb 2>/dev/null)
	case $step in
	alloc-req-*)
		# a's application: its connection to irmd closed.
		rc=0; im_wait "$PA" 20 || rc=$?
		c app-error sh -c "[ $rc != 0 ] && [ -z '$ida' ] && grep -q 'krperf: flow_alloc b echo: ' $D/$tag-a.err"
		# b's half: deleted through holds? (or down by no-flow).
		if [ -z "$idb" ]; then
			cnok peer-half-ended "b's application got no flow"
		else
			kr_wait_for 8 settled "$idb"
			if has b "flow $idb: first epoch"; then
				# a's key confirmation reached b before a died:
				# b's seed is confirmed, so no holds?; b sees the
				# peer gone, and its next re-key finds that a has
				# no such flow (docs/irmd.md section 7).
				echo "confirmed: peer gone, re-key, no-flow" >"$D/$tag-path"
				kr_wait_for 8 has b "flow $idb: peer gone"
				kr_ns b krctl rekey "$idb"
				kr_wait_for 8 has b "flow $idb: a has no such flow: marked down"
			else
				echo "unconfirmed: holds?, no-flow, deleted" >"$D/$tag-path"
			fi
			rc=0; im_wait "$PB" 20 || rc=$?
			c peer-half-ended sh -c "grep -q 'flow $idb: the peer does not hold its first seed: the allocation failed at its end: flow deleted\|flow $idb: a has no such flow: marked down' $KR_IRMD_DIR/irmd-b.log &&
				grep -q '\"flow_down\":true' $D/$tag-b.json"
		fi ;;
	alloc-resp-installed)
		rc=0; im_wait "$PB" 20 || rc=$?
		c app-error sh -c "[ $rc != 0 ] && [ -z '$idb' ] && grep -q 'krperf: flow_accept echo: ' $D/$tag-b.err"
		rc=0; im_wait "$PA" 20 || rc=$?
		c requester-app sh -c "[ $rc != 0 ] && [ -z '$ida' ] && grep -q 'krperf: flow_alloc b echo: Connection timed out' $D/$tag-a.err &&
			grep -q 'allocation to echo at b given up: no answer from b after' $KR_IRMD_DIR/irmd-a.log" ;;
	alloc-resp-answered)
		rc=0; im_wait "$PB" 20 || rc=$?
		c app-error sh -c "[ $rc != 0 ] && [ -z '$idb' ] && grep -q 'krperf: flow_accept echo: ' $D/$tag-b.err"
		if [ -z "$ida" ]; then
			cnok peer-half-ended "a's application got no flow"
		else
			kr_wait_for 10 has a "flow $ida: peer gone: no authenticated packet from b"
			kr_ns a krctl rekey "$ida"
			kr_wait_for 8 has a "flow $ida: b has no such flow: marked down"
			rc=0; im_wait "$PA" 20 || rc=$?
			c peer-half-ended sh -c "grep -q 'flow $ida: peer gone' $KR_IRMD_DIR/irmd-a.log &&
				grep -q 'flow $ida: b has no such flow: marked down' $KR_IRMD_DIR/irmd-a.log &&
				grep -q '\"peer_gone\":true' $D/$tag-a.json && grep -q '\"flow_down\":true' $D/$tag-a.json"
		fi ;;
	esac
	kill -KILL "$PA" "$PB" 2>/dev/null
	wait "$PA" "$PB" 2>/dev/null
	c no-flows-left kr_wait_for 5 no_flows
}

if im_begin "$FLOW" 'accept-timeout = 500'; then
	kr_irmd_start a && kr_irmd_start b
	acase alloc-req-sent a
	acase alloc-req-answered a
	acase alloc-req-installed a
	acase alloc-resp-installed b
	acase alloc-resp-answered b
	S=kill-alloc
	kr_irmd_stop a; kr_irmd_stop b
fi
im_time
