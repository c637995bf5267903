#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# far-ahead.sh OUT (in the VM, run by tests/e2e/run.sh): spec section 5's
# recovery after a long outage.  Both ends install the same seed, but b's
# direction-1 start value is 3 * 2^20 where a's is 0: everything b sends is
# "too far ahead" for a until one far-ahead trial (one per 50 ms)
# authenticates and a's window jumps to it.  b sends 3000 DATA packets
# paced by time (a sends no ACKs); a logs what it reads.  Some packets are
# lost around the jump; the host counts them and fails only on corruption
# or disorder.  Paced by time, nothing waits for a slow reader: a's queue
# is deep (8192) and its log goes to tmpfs, not /out (9p, slow under TCG,
# whose flushes stalled the reader long enough to overflow 1024 packets).
# tests/e2e/dataplane_check.py judges it.
# shellcheck source=/dev/null # /with/vm-lib.sh: tests/e2e/vm-lib.sh
. /with/vm-lib.sh
out=$1
ts="grace 300 retire 200 confirm 20 event 100 keepalive 200 peer-timeout 1000 jitter 0 trial 50 rx-queue 8192"
d=$out/fa
kr_seed /tmp/seed-1
if kr_step "$out" pair kr_pair "$d" \
	"--recv 3000 --no-ack --seed 91 --timeout 30 --recv-log /tmp/fa-a-recv" \
	"--send 3000 --rate 600 --seed 91 --linger 0.5 --timeout 30"; then
	kr_step "$out" configure kr_configure "$ts"
	kr_step "$out" install-b kr_ns b krctl install "$KR_IB" 1 \
		--seed-file /tmp/seed-1 --start-d1 $((3 * 1048576))
	kr_step "$out" install-a kr_ns a krctl install "$KR_IA" 1 \
		--peer-holds --seed-file /tmp/seed-1 --start-d1 0
	kr_step "$out" b-done kr_done b 40
	sleep 1			# a reads what is still coming
	kr_snap end
	kr_stop_ends
	cp /tmp/fa-a-recv "$d/a-recv"
fi
echo complete >>"$out/steps"
