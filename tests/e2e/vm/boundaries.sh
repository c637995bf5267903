#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# boundaries.sh OUT (in the VM, run by tests/e2e/run.sh): the edges of the
# key tree, reached by start values (the same at both ends) instead of
# billions of packets:
# - "leaf": start 2^20 - 2000, 5000 packets each way cross into leaf 1;
# - "node": start 2^26 - 2000, into node 1 (leaf 64);
# - "watermark": watermark 100, start 3000 below the first s with fewer
#   than 100 leaves remaining: the need rises during traffic (snapshot
#   "before" just after the install, "end" after it), with its events and
#   the application's EPOLLPRI;
# - "exhaust": start 2^33 - 1000 both ways, one-way traffic each way paced
#   by time (so the receive queues are deep: nothing waits for a slow
#   reader): writes fail with EKEYEXPIRED until a new epoch (snapshot
#   "exhausted"), then everything arrives.
# tests/e2e/dataplane_check.py judges it.
# shellcheck source=/dev/null # /with/vm-lib.sh: tests/e2e/vm-lib.sh
. /with/vm-lib.sh
out=$1
ts="grace 300 retire 200 confirm 20 event 100 keepalive 200 peer-timeout 1000 jitter 0"
kr_seed /tmp/seed-1
kr_seed /tmp/seed-2

# edge NAME START: 5000 packets each way from START in both directions.
edge() {
	local w="--window 128 --timeout 60 --min 1"
	kr_step "$out" "$1-pair" kr_pair "$out/$1" \
		"--send 5000 --recv 5000 --seed 71 --peer-seed 72 $w" \
		"--send 5000 --recv 5000 --seed 72 --peer-seed 71 $w" || return
	kr_step "$out" "$1-configure" kr_configure "$ts"
	kr_step "$out" "$1-install" kr_install 1 /tmp/seed-1 b \
		"--start-d0 $2 --start-d1 $2"
	kr_finish 60
}
edge leaf $((1048576 - 2000))
edge node $((67108864 - 2000))

# Fewer than 100 leaves remain from s = 8092 * 2^20 on.
start=$((8092 * 1048576 - 3000))
w="--rate 1500 --window 128 --timeout 60"
if kr_step "$out" watermark-pair kr_pair "$out/watermark" \
	"--send 6000 --recv 6000 --seed 73 --peer-seed 74 $w" \
	"--send 6000 --recv 6000 --seed 74 --peer-seed 73 $w"; then
	kr_step "$out" watermark-configure kr_configure "$ts watermark 100"
	kr_events a "$out/watermark/events-a.jsonl"; pea=$KR_PE
	kr_events b "$out/watermark/events-b.jsonl"; peb=$KR_PE
	kr_step "$out" watermark-install kr_install 1 /tmp/seed-1 b \
		"--start-d0 $start --start-d1 $start"
	kr_snap before
	kr_finish 60
	kill "$pea" "$peb"
	wait "$pea" "$peb"
fi

# Both directions run out 1000 packets after their start.
start=$((8589934592 - 1000))
both="--send 3000 --recv 3000 --rate 1500 --no-ack --linger 1 --timeout 60"
exhausted() {
	kr_show a | grep -q '"tx-seq":8589934592,' &&
		kr_show b | grep -q '"tx-seq":8589934592,'
}
if kr_step "$out" exhaust-pair kr_pair "$out/exhaust" \
	"$both --seed 75 --peer-seed 76" "$both --seed 76 --peer-seed 75"; then
	kr_step "$out" exhaust-configure kr_configure "$ts rx-queue 8192"
	kr_step "$out" exhaust-install kr_install 1 /tmp/seed-1 b \
		"--start-d0 $start --start-d1 $start"
	kr_step "$out" exhaust-reached kr_wait_for 20 exhausted
	sleep 0.5		# writers keep getting EKEYEXPIRED
	kr_snap exhausted
	kr_step "$out" exhaust-install-2 kr_install 2 /tmp/seed-2
	kr_finish 60
fi
echo complete >>"$out/steps"
