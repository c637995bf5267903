# SPDX-License-Identifier: GPL-2.0
#
# demo-vm.sh: the VM half of `make demo` (scripts/demo.sh), dash and busybox.
# Two hosts (namespaces a and b), one flow, traffic both ways (krperf, every
# byte checked), and this script as the control plane, with krctl: it
# installs the seeds and answers three re-key needs, one of each kind:
#
#   watermark  epoch 1 starts 150 packets below node 96, the first node with
#              fewer than 2048 (the default watermark) leaves after it
#   interval   epoch 2 starts under a 2.5 s re-key interval
#   request    the operator asks (krctl rekey) on epoch 3
#
# It writes raw facts to /out for demo-report.py: demo.log (timestamped
# control-plane actions), events-{a,b}.log (timestamped krctl events),
# snaps-{a,b}.log (timestamped flow-get samples), {a,b}.json (krperf).
# Needs /with/{keyrot.ko,krctl,krperf,vm-lib.sh,demo.conf}.
set -u
. /with/vm-lib.sh
. /with/demo.conf		# CIPHER, N, RATE

L=/out/demo.log
now() { read -r _up _ </proc/uptime; NOW=$_up; }
log() { now; echo "$NOW $*" >>$L; }
fail() { log "fail $*"; exit 1; }

# wait_until TENTHS CMD...: run CMD every 0.1 s until it succeeds.
wait_until() {
	_t=$1
	shift
	_i=0
	until "$@"; do
		sleep 0.1
		_i=$((_i + 1))
		[ $_i -lt "$_t" ] || return 1
	done
}

# nsx NS CMD...: a short command in namespace NS (nsenter is much cheaper
# than "ip netns exec", which remounts /sys; it forks and waits, so
# background processes still start with "ip netns exec", which execs).
nsx() {
	_ns=$1
	shift
	nsenter --net=/run/netns/$_ns "$@"
}

log kernel "$(uname -r)"
log cipher "$CIPHER"
kr_load || fail "insmod keyrot"
kr_hosts || fail "namespaces"
# Permanent neighbours: no packet waits for ARP, so none is overtaken.
MA=$(ip netns exec a cat /sys/class/net/va/address)
MB=$(ip netns exec b cat /sys/class/net/vb/address)
ip -n a neigh replace 10.99.0.2 lladdr "$MB" dev va nud permanent
ip -n b neigh replace 10.99.0.1 lladdr "$MA" dev vb nud permanent

# Events of each namespace, each line stamped with the time it came.
stamp() { while IFS= read -r l; do now; echo "$NOW $l"; done; }
for ns in a b; do
	mkfifo /tmp/ev-$ns
	stamp </tmp/ev-$ns >/out/events-$ns.log &
	ip netns exec $ns krctl events --json --ready-file /tmp/ready-$ns \
		>/tmp/ev-$ns 2>/out/events-$ns.err &
	eval PE_$ns=\$!
done
wait_until 100 test -e /tmp/ready-a -a -e /tmp/ready-b || fail "events"

ip netns exec a krperf --id-file /tmp/ida --json --timeout 40 --linger 1.5 \
	--send "$N" --recv "$N" --seed 1 --peer-seed 2 --rate "$RATE" \
	>/out/a.json 2>/out/a.err &
PA=$!
ip netns exec b krperf --id-file /tmp/idb --json --timeout 40 --linger 1.5 \
	--send "$N" --recv "$N" --seed 2 --peer-seed 1 --rate "$RATE" \
	>/out/b.json 2>/out/b.err &
PB=$!
wait_until 100 test -s /tmp/ida -a -s /tmp/idb || fail "krperf did not start"
IA=$(cat /tmp/ida)
IB=$(cat /tmp/idb)

ip netns exec a krctl set "$IA" peer 10.99.0.2 port 51819 peer-id "$IB" \
	role initiator cipher "$CIPHER" cookie 1 rekey-interval 600000 &&
ip netns exec b krctl set "$IB" peer 10.99.0.1 port 51819 peer-id "$IA" \
	role responder cipher "$CIPHER" cookie 2 rekey-interval 600000 ||
	fail "flow-set"
log flows "$IA" 10.99.0.1 "$IB" 10.99.0.2

# Flow-get samples every 0.25 s, for the report's per-epoch counts and the
# final table (the flows go when krperf closes them).
sample() {
	while :; do
		for e in "a $IA" "b $IB"; do
			set -- $e
			if nsx $1 krctl show --json "$2" >/tmp/snap-$1 2>/dev/null; then
				now
				{ printf '%s ' "$NOW"; cat /tmp/snap-$1; } >>/out/snaps-$1.log
			fi
		done
		sleep 0.25
	done
}
sample &
PS=$!

# seed E: a fresh root seed for epoch E.
seed() { od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >/tmp/seed-$1; }

# exchange EPOCH [OPTS]: the key exchange's outcome; b answers (installs
# first), a completes (--peer-holds), each retried while the kernel says
# "not yet".
exchange() {
	seed "$1"
	_k=$(krctl keyid --seed-file /tmp/seed-$1)
	log install b "$1" "$_k" $2
	wait_until 50 nsx b krctl install "$IB" "$1" $2 \
		--seed-file /tmp/seed-$1 2>>/out/install.err || fail "install $1 at b"
	log install a "$1" "$_k" $2
	wait_until 50 nsx a krctl install "$IA" "$1" --peer-holds $2 \
		--seed-file /tmp/seed-$1 2>>/out/install.err || fail "install $1 at a"
	wait_until 50 on_epoch "$1" || fail "epoch $1 not taken"
	log switched "$1"
}

# tx_epoch NS ID: the transmit epoch's number.
tx_epoch() {
	nsx "$1" krctl show "$2" | sed -n 's/^  epoch \([0-9]*\) *transmit .*/\1/p'
}
on_epoch() { [ "$(tx_epoch a "$IA")" = "$1" ] && [ "$(tx_epoch b "$IB")" = "$1" ]; }

# need REASON: either end shows the re-key need with REASON; logs which.
need() {
	for e in "a $IA" "b $IB"; do
		set -- $e
		if nsx $1 krctl show "$2" | grep -q "rekey needed: .*$REASON"; then
			log need $1 "$REASON"
			return 0
		fi
	done
	return 1
}

# Phase 1: the watermark.
START=$((96 * 67108864 - 150))
log phase watermark
exchange 1 "--start-d0 $START --start-d1 $START"
REASON=watermark
wait_until 100 need || fail "no watermark need"

# Phase 2: the interval.  The interval is drawn when an epoch becomes the
# transmit epoch: set it before the exchange that starts epoch 2.
for e in "a $IA" "b $IB"; do
	set -- $e
	nsx $1 krctl set "$2" rekey-interval 2500 jitter 0 || fail "set interval"
done
log set rekey-interval 2500 jitter 0
log phase interval
exchange 2 ""
REASON=interval
wait_until 100 need || fail "no interval need"
for e in "a $IA" "b $IB"; do
	set -- $e
	nsx $1 krctl set "$2" rekey-interval 600000 jitter 10 || fail "set interval"
done
log set rekey-interval 600000 jitter 10

# Phase 3: a request.
log phase request
exchange 3 ""
sleep 1.5
log request a
nsx a krctl rekey "$IA" || fail "rekey request"
REASON=request
wait_until 100 need || fail "no request need"
exchange 4 ""
log phase tail

wait $PA
echo $? >/out/a.rc
wait $PB
echo $? >/out/b.rc
log done
kill $PS
for ns in a b; do
	eval kill \$PE_$ns
done
wait
nsx b krctl stats --json >/out/stats-b.json 2>&1
echo ok >/out/complete
