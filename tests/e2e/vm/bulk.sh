#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# bulk.sh OUT (in the VM, run by tests/e2e/run.sh): 100,000 DATA packets
# each way at once, of random sizes from 1 byte to the flow's max payload,
# paced by krperf's window (so any loss is keyrot's), on AES-256-GCM and
# then on ChaCha20-Poly1305; then 5000 each way of 1 to 16 bytes with both
# ends' payload logs, so the host sees every size of SHORT payload
# (1..10 bytes) arrive as sent.  tests/e2e/dataplane_check.py judges it.
# shellcheck source=/dev/null # /with/vm-lib.sh: tests/e2e/vm-lib.sh
. /with/vm-lib.sh
out=$1
n=100000
ts="grace 300 retire 200 confirm 20 event 100 keepalive 200 peer-timeout 1000 jitter 0"
kr_seed /tmp/seed-bulk

for cipher in aes-256-gcm chacha20-poly1305; do
	w="--window 128 --timeout 240 --min 1"
	kr_step "$out" "$cipher-pair" kr_pair "$out/$cipher" \
		"--send $n --recv $n --seed 11 --peer-seed 12 $w" \
		"--send $n --recv $n --seed 12 --peer-seed 11 $w" || continue
	kr_step "$out" "$cipher-configure" kr_configure "cipher $cipher $ts"
	kr_step "$out" "$cipher-install" kr_install 1 /tmp/seed-bulk
	kr_finish 240
done

w="--window 64 --timeout 60 --min 1 --max 16"
if kr_step "$out" small-pair kr_pair "$out/small" \
	"--send 5000 --recv 5000 --seed 21 --peer-seed 22 $w --sent-log /tmp/a-sent --recv-log /tmp/a-recv" \
	"--send 5000 --recv 5000 --seed 22 --peer-seed 21 $w --sent-log /tmp/b-sent --recv-log /tmp/b-recv"; then
	kr_step "$out" small-configure kr_configure "$ts"
	kr_step "$out" small-install kr_install 1 /tmp/seed-bulk
	kr_finish 60
	# Logs go to tmpfs while krperf runs: /out is 9p, slow under TCG.
	cp /tmp/a-sent /tmp/a-recv /tmp/b-sent /tmp/b-recv "$out/small/"
fi
echo complete >>"$out/steps"
