#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# lost-answer.sh OUT (in the VM, run by tests/e2e/run.sh): during traffic
# both ways on epoch 1, b (the answering end) installs seed 2 as epoch 2 and
# its answer is "lost": a never installs it.  b must not transmit on it;
# after the grace period (300 ms) b raises the re-key need "unconfirmed"
# (state and event); the control plane then withdraws it by key id (a
# wrong key id is refused first) and installs a new seed at both ends, and
# the flow carries on on epoch 2 without losing a packet.  Snapshots:
# installed, grace, withdrawn, recovered, end.
# tests/e2e/dataplane_check.py judges it.
# shellcheck source=/dev/null # /with/vm-lib.sh: tests/e2e/vm-lib.sh
. /with/vm-lib.sh
out=$1
ts="grace 300 retire 200 confirm 20 event 100 keepalive 200 peer-timeout 1000 jitter 0"
d=$out/la
w="--rate 1000 --window 128 --timeout 60"
kr_seed /tmp/seed-1
kr_seed /tmp/seed-2
kr_seed /tmp/seed-3
if kr_step "$out" pair kr_pair "$d" \
	"--send 7000 --recv 7000 --seed 31 --peer-seed 32 $w" \
	"--send 7000 --recv 7000 --seed 32 --peer-seed 31 $w"; then
	kr_step "$out" configure kr_configure "$ts"
	kr_events a "$d/events-a.jsonl"; pea=$KR_PE
	kr_events b "$d/events-b.jsonl"; peb=$KR_PE
	kr_step "$out" install-1 kr_install 1 /tmp/seed-1
	kr_step "$out" on-epoch-1 kr_wait_for 10 kr_has_epoch b 1 transmit peer-seen
	krctl keyid --seed-file /tmp/seed-2 >"$d/keyid-2"
	krctl keyid --seed-file /tmp/seed-3 >"$d/keyid-3"

	kr_step "$out" install-2-at-b-only \
		kr_ns b krctl install "$KR_IB" 2 --seed-file /tmp/seed-2
	kr_snap installed
	sleep 1			# grace 300 ms, then the need and its event
	kr_snap grace
	rc=0
	kr_ns b krctl withdraw "$KR_IB" 0123456789abcdef \
		>"$d/withdraw-wrong.err" 2>&1 || rc=$?
	echo $rc >"$d/withdraw-wrong.rc"
	kr_step "$out" withdraw-by-keyid \
		kr_ns b krctl withdraw "$KR_IB" "$(cat "$d/keyid-2")"
	sleep 0.3		# the need is recomputed
	kr_snap withdrawn
	kr_step "$out" install-3-both kr_install 2 /tmp/seed-3
	kr_step "$out" both-on-2 kr_wait_for 10 kr_both_on 2
	[ ! -e /tmp/kr-a.done ] && [ ! -e /tmp/kr-b.done ] &&
		echo running >"$d/traffic-at-recovery"
	sleep 0.5
	kr_snap recovered
	kr_finish 60
	kill "$pea" "$peb"
	wait "$pea" "$peb"
fi
echo complete >>"$out/steps"
