# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# irmd-peer-host-gone.sh (in the VM, tests/e2e/irmd-matrix.sh): the peer
# host disappears (docs/irmd.md section 7): during traffic both ways on a
# flow irmd made, b's link goes down.  Test-scale timers: keepalive 300 ms,
# peer timeout 2000 ms, re-key interval 1500 ms.  Checks at a:
#
#   flowpeer-in-time    the kernel sets RB_FLOWPEER (krctl show: flowpeer)
#                       within 10x the peer timeout of the cut, and not
#                       before the peer timeout (data-plane liveness); the
#                       time it took is in D/flowpeer-ms
#   app-sees-peer-gone  the application's poll reported EPOLLRDHUP: krperf
#                       says peer_gone (at b too: its link is down both ways)
#   irmd-logs-peer-gone irmd logs "peer gone" and its status says
#                       peer-gone=yes
#   not-torn-down       irmd does not tear the flow down: still in the
#                       kernel (not flowdown) and in irmd's registry
#   rekeys-fail-logged  re-keys are tried and logged as failing
S=${1:-peer-host-gone}
. /with/vm/irmd-common.sh

PEER_TIMEOUT=2000
FLOW="grace = 1000\nrekey-interval = 1500\njitter = 0\nevent = 200\nretire = 500\nconfirm = 50\nkeepalive = 300\npeer-timeout = $PEER_TIMEOUT"

log_re() { grep -q -- "$2" "$KR_IRMD_DIR/irmd-$1.log"; }
flowpeer() { im_show "$1" "$2" | grep -q '"flags":\[[^]]*"flowpeer"'; }

if im_begin "$FLOW" 'accept-timeout = 500'; then
	kr_irmd_start a && kr_irmd_start b || cnok irmds-started
	if im_traffic traffic 6000 300 0.3; then
		sleep 2
		c flowing-before sh -c "[ \"\$(nsenter --net=/run/netns/a krctl show $IA --json | grep -o '\"flags\":\[[^]]*\]')\" = '\"flags\":[\"rd\",\"wr\"]' ]"
		T0=$(kr_ms)
		ip -n b link set vb down
		T1=
		n=0
		while [ $n -lt $((10 * PEER_TIMEOUT / 100 + 10)) ]; do
			if flowpeer a "$IA"; then
				T1=$(kr_ms)
				break
			fi
			sleep 0.1
			n=$((n + 1))
		done
		if [ -n "$T1" ]; then
			echo $((T1 - T0)) >"$D/flowpeer-ms"
			c flowpeer-in-time sh -c "[ $((T1 - T0)) -le $((10 * PEER_TIMEOUT)) ] &&
				[ $((T1 - T0)) -ge $((PEER_TIMEOUT - 300)) ]"
		else
			cnok flowpeer-in-time "no flowpeer within 10 x $PEER_TIMEOUT ms"
		fi
		c flowpeer-at-b kr_wait_for 5 flowpeer b "$IB"
		c irmd-logs-peer-gone kr_wait_for 5 kr_irmd_log_has a "flow $IA: peer gone: no authenticated packet from b for the peer timeout (data plane)"
		c status-peer-gone sh -c "irmd status -s $KR_IRMD_RUN/a.sock | grep -q 'flow=$IA .*peer-gone=yes'"
		c rekeys-fail-logged kr_wait_for 6 log_re a "flow $IA: re-key of epoch [0-9]*: no answer from b after [0-9]* sends; retry after backoff"
		im_show a "$IA" >"$D/after-a.json" 2>&1
		c not-torn-down sh -c "grep -q '\"id\":$IA,' $D/after-a.json && ! grep -q flowdown $D/after-a.json &&
			irmd status -s $KR_IRMD_RUN/a.sock | grep -q 'flow=$IA '"
		kill -TERM "$PA" "$PB" 2>/dev/null
		wait "$PA" "$PB" 2>/dev/null
		c app-sees-peer-gone sh -c "grep -q '\"peer_gone\":true' $D/traffic-a.json &&
			grep -q '\"peer_gone\":true' $D/traffic-b.json"
		grep 'no answer from b' "$KR_IRMD_DIR/irmd-a.log" >"$D/rekey-failures" 2>&1
	fi
	kr_irmd_stop a; kr_irmd_stop b
fi
im_time
