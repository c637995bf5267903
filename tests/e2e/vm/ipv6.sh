#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# ipv6.sh OUT (in the VM, run by tests/e2e/run.sh): a flow between fd99::1
# and fd99::2, 5000 DATA packets each way of 1 byte to the max payload,
# window-paced.  tests/e2e/dataplane_check.py judges it.
# shellcheck source=/dev/null # /with/vm-lib.sh: tests/e2e/vm-lib.sh
. /with/vm-lib.sh
out=$1
ts="grace 300 retire 200 confirm 20 event 100 keepalive 200 peer-timeout 1000 jitter 0"
kr_seed /tmp/seed-v6
# shellcheck disable=SC2034 # kr_configure's
KR_ADDR_A=fd99::1 KR_ADDR_B=fd99::2
w="--window 128 --timeout 60 --min 1"
if kr_step "$out" pair kr_pair "$out/v6" \
	"--send 5000 --recv 5000 --seed 41 --peer-seed 42 $w" \
	"--send 5000 --recv 5000 --seed 42 --peer-seed 41 $w"; then
	kr_step "$out" configure kr_configure "$ts"
	kr_step "$out" install kr_install 1 /tmp/seed-v6
	kr_finish 60
fi
echo complete >>"$out/steps"
