#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# liveness.sh OUT (in the VM, run by tests/e2e/run.sh): keepalive 200 ms,
# peer timeout 1000 ms, idle applications (krperf with nothing to send).
# - "close": idle for 3 s (snapshot "idle": keepalives, no RB_FLOWPEER),
#   then b's application exits; a must show RB_FLOWPEER within 10 s
#   (DIR/gone-ms: how long it took), send a peer-gone event, and a's
#   application must see EPOLLRDHUP.
# - "linkdown": idle, then vb goes down: both ends show RB_FLOWPEER
#   (snapshot "down"); vb comes back: keepalives clear it at both ends
#   (snapshot "back").
# tests/e2e/dataplane_check.py judges it.
# shellcheck source=/dev/null # /with/vm-lib.sh: tests/e2e/vm-lib.sh
. /with/vm-lib.sh
out=$1
ts="keepalive 200 peer-timeout 1000 grace 300 retire 200 confirm 20 event 100 jitter 0"
idle="--linger 120 --timeout 130"
kr_seed /tmp/seed-1

# peer_gone_at END: END shows RB_FLOWPEER.  peer_back_at END: it does not.
peer_gone_at() { kr_has_flag "$1" flowpeer; }
peer_back_at() { kr_show "$1" | grep -q '"flags":\["rd","wr"\]'; }

d=$out/close
if kr_step "$out" close-pair kr_pair "$d" "$idle" "$idle"; then
	kr_step "$out" close-configure kr_configure "$ts"
	kr_events a "$d/events-a.jsonl"; pea=$KR_PE
	kr_step "$out" close-install kr_install 1 /tmp/seed-1
	kr_step "$out" close-on-1 kr_wait_for 10 kr_both_on 1
	sleep 3
	kr_snap idle
	t0=$(kr_ms)
	kill -TERM "$KR_PB"
	rc=0; wait "$KR_PB" || rc=$?; echo $rc >"$d/b.rc"
	if kr_step "$out" close-flowpeer kr_wait_for 10 peer_gone_at a; then
		echo $(($(kr_ms) - t0)) >"$d/gone-ms"
	fi
	kr_show a >"$d/gone-a.json" 2>&1
	sleep 0.3		# the application hears of it
	kill -TERM "$KR_PA"
	rc=0; wait "$KR_PA" || rc=$?; echo $rc >"$d/a.rc"
	kill "$pea"
	wait "$pea"
fi

d=$out/linkdown
if kr_step "$out" linkdown-pair kr_pair "$d" "$idle" "$idle"; then
	kr_step "$out" linkdown-configure kr_configure "$ts"
	kr_events a "$d/events-a.jsonl"; pea=$KR_PE
	kr_events b "$d/events-b.jsonl"; peb=$KR_PE
	kr_step "$out" linkdown-install kr_install 1 /tmp/seed-1
	kr_step "$out" linkdown-on-1 kr_wait_for 10 kr_both_on 1
	sleep 1
	kr_snap up
	ip -n b link set vb down
	t0=$(kr_ms)
	kr_step "$out" linkdown-flowpeer-a kr_wait_for 10 peer_gone_at a
	kr_step "$out" linkdown-flowpeer-b kr_wait_for 10 peer_gone_at b
	echo $(($(kr_ms) - t0)) >"$d/gone-ms"
	kr_snap down
	ip -n b link set vb up
	kr_step "$out" linkdown-back-a kr_wait_for 10 peer_back_at a
	kr_step "$out" linkdown-back-b kr_wait_for 10 peer_back_at b
	kr_snap back
	kr_stop_ends
	kill "$pea" "$peb"
	wait "$pea" "$peb"
fi
echo complete >>"$out/steps"
