#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# roaming.sh OUT (in the VM, run by tests/e2e/run.sh): during traffic both
# ways, b moves from 10.99.0.2 to 10.99.0.3, make before break: .3 is added
# on vb and made the source of b's packets (route src) while .2 still
# receives; a must follow b's next authenticated packet to .3 (snapshot
# "moved"); then .2 goes and the traffic finishes intact.
#
# Ways the network itself (not keyrot) would lose or reorder a packet,
# which krperf would count since it never retransmits: break before make
# (what a sent to .2 before it heard from .3); .3 as a secondary of .2's
# /24 (a secondary's local route has the primary as its source, so deleting
# .2 flushes it and .3 stops being local until promotion re-adds it: hence
# .3/32, a primary of its own); and a resolving .3's MAC while it sends
# (see kr_hosts: a permanent neighbour entry, as for .2).
# tests/e2e/dataplane_check.py judges it.
# shellcheck source=/dev/null # /with/vm-lib.sh: tests/e2e/vm-lib.sh
. /with/vm-lib.sh
out=$1
ts="grace 300 retire 200 confirm 20 event 100 keepalive 200 peer-timeout 1000 jitter 0"
d=$out/roam
w="--rate 1000 --window 128 --timeout 60"
kr_seed /tmp/seed-1
moved() { kr_show a | grep -q '"peer-addr":"10.99.0.3"'; }
if kr_step "$out" pair kr_pair "$d" \
	"--send 6000 --recv 6000 --seed 95 --peer-seed 96 $w" \
	"--send 6000 --recv 6000 --seed 96 --peer-seed 95 $w"; then
	kr_step "$out" configure kr_configure "$ts"
	kr_step "$out" install kr_install 1 /tmp/seed-1
	kr_step "$out" on-1 kr_wait_for 10 kr_both_on 1
	sleep 1
	kr_snap before
	kr_step "$out" add-3 ip -n b addr add 10.99.0.3/32 dev vb
	kr_step "$out" neigh-3 ip -n a neigh replace 10.99.0.3 \
		lladdr "$KR_MAC_B" dev va nud permanent
	kr_step "$out" src-3 ip -n b route replace 10.99.0.0/24 dev vb \
		proto kernel scope link src 10.99.0.3
	kr_step "$out" a-follows kr_wait_for 5 moved
	kr_snap moved
	kr_step "$out" del-2 ip -n b addr del 10.99.0.2/24 dev vb
	ip -n b -4 addr show dev vb >"$d/b-addr" 2>&1
	[ ! -e /tmp/kr-a.done ] && [ ! -e /tmp/kr-b.done ] &&
		echo running >"$d/traffic-after-move"
	kr_finish 60
fi
echo complete >>"$out/steps"
