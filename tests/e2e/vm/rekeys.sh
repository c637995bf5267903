#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# rekeys.sh OUT (in the VM, run by tests/e2e/run.sh):
# - "cont": 100 re-keys during continuous traffic both ways, from epoch 200
#   (so 255 -> 0 is crossed) to epoch 44; the answering end alternates (b
#   for odd re-keys, a for even ones), each install retried while keyrot
#   refuses it for a reason the spec gives (peer not seen on the transmit
#   epoch yet, next epoch pending); every refusal is kept for the host.
# - "oneway-ab", "oneway-ba": only a sends (or only b), 5 re-keys; the
#   silent end moves on by key confirmation alone (keepalives are 60 s off).
#   Paced by time, nothing waits for a slow reader: its queue is 8192 deep.
# tests/e2e/dataplane_check.py judges it.
# shellcheck source=/dev/null # /with/vm-lib.sh: tests/e2e/vm-lib.sh
. /with/vm-lib.sh
out=$1
ts="grace 300 retire 200 confirm 20 event 100 keepalive 200 peer-timeout 1000 jitter 0"
n=40000

# try_install END EPOCH SEED [--peer-holds]: retry while refused (at most
# 5 s); refusals go to DIR/refusals.
# shellcheck disable=SC2086 # an empty $4 is no argument
try_install() {
	local i=0
	until kr_ns "$1" krctl install "$(kr_id "$1")" "$2" --seed-file "$3" \
		${4:-} 2>>"$KR_DIR/refusals"; do
		i=$((i + 1))
		[ $i -lt 250 ] || return 1
		sleep 0.02
	done
}

# rekey EPOCH ANSWER: a new seed as EPOCH, answered by ANSWER (a or b).
rekey() {
	local other=a
	[ "$2" = a ] && other=b
	kr_seed /tmp/seed-rk
	try_install "$2" "$1" /tmp/seed-rk &&
		try_install "$other" "$1" /tmp/seed-rk --peer-holds
}

# traffic_running: neither krperf end is done yet.
traffic_running() {
	[ ! -e /tmp/kr-a.done ] && [ ! -e /tmp/kr-b.done ]
}

# --- 100 re-keys during continuous traffic ---
kr_seed /tmp/seed-200
w="--rate 1500 --window 128 --timeout 120"
if kr_step "$out" cont-pair kr_pair "$out/cont" \
	"--send $n --recv $n --seed 51 --peer-seed 52 $w" \
	"--send $n --recv $n --seed 52 --peer-seed 51 $w"; then
	echo "$n" >"$out/cont/n"
	kr_step "$out" cont-configure kr_configure "$ts"
	kr_events a "$out/cont/events-a.jsonl"; pea=$KR_PE
	kr_events b "$out/cont/events-b.jsonl"; peb=$KR_PE
	kr_step "$out" cont-install-200 kr_install 200 /tmp/seed-200
	e=200
	done_n=0
	t0=$(kr_ms)
	for k in $(seq 1 100); do
		e=$(((e + 1) % 256))
		ans=b
		[ $((k % 2)) -eq 0 ] && ans=a
		if ! rekey $e $ans; then
			echo "fail cont-rekey-$k: epoch $e answered by $ans" \
				>>"$out/steps"
			break
		fi
		done_n=$k
	done
	t1=$(kr_ms)
	echo "$done_n $((t1 - t0))" >"$out/cont/rekeys"
	kr_step "$out" cont-traffic-outlasts-rekeys traffic_running
	kr_step "$out" cont-both-on-44 kr_wait_for 10 kr_both_on 44
	sleep 0.5		# the retire interval (200 ms) passes
	kr_snap rekeyed
	kr_finish 120
	kill "$pea" "$peb"
	wait "$pea" "$peb"
fi

# --- one-way flows, each across 5 re-keys ---
oneway_ts="grace 300 retire 200 confirm 20 event 100 keepalive 60000 peer-timeout 120000 jitter 0 rx-queue 8192"
tx="--send 6000 --rate 800 --linger 0.5 --timeout 60"
rx="--recv 6000 --no-ack --timeout 60"
for dir in ab ba; do
	if [ $dir = ab ]; then ao=$tx; bo=$rx; else ao=$rx; bo=$tx; fi
	kr_step "$out" "oneway-$dir-pair" kr_pair "$out/oneway-$dir" \
		"$ao --seed 61" "$bo --seed 61" || continue
	kr_step "$out" "oneway-$dir-configure" kr_configure "$oneway_ts"
	kr_seed /tmp/seed-10
	kr_step "$out" "oneway-$dir-install-10" kr_install 10 /tmp/seed-10
	for e in 11 12 13 14 15; do
		sleep 0.4
		kr_step "$out" "oneway-$dir-rekey-$e" rekey $e b || break
	done
	kr_step "$out" "oneway-$dir-traffic-outlasts-rekeys" traffic_running
	kr_step "$out" "oneway-$dir-both-on-15" kr_wait_for 10 kr_both_on 15
	sleep 0.5
	kr_finish 60
done
echo complete >>"$out/steps"
