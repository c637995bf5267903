# SPDX-License-Identifier: GPL-2.0
#
# demo-vm.sh: the VM half of `make demo` (scripts/demo.sh), dash and busybox.
# Two hosts (namespaces a and b), one irmd on each (the control plane:
# docs/irmd.md), pinning each other's identity key.  An application on b
# accepts the service "echo", one on a allocates a flow to it (krperf
# --accept / --alloc, through libkeyrot), and they send traffic both ways,
# every byte checked.  Nobody touches the flow after that: it re-keys by
# itself, irmd running the key exchange (OAP) each time:
#
#   watermark  a's allocation carries the test-only start value
#              start-d0 = 96 * 2^26 - 150: epoch 1's direction 0 starts 150
#              packets before node 96, past which fewer than the watermark's
#              2048 leaves remain
#   interval   a's flows re-key every 3.5 s (b's every 10 minutes)
#   request    a's application asks once (KEYROT_IOC_REKEY, krperf
#              --rekey-at) before its DATA packet 1800
#
# It writes raw facts to /out for demo-report.py: demo.log (timestamped
# steps), irmd-{a,b}.log and events-{a,b}.log (each line stamped with the
# time it came), snaps-{a,b}.log (timestamped flow-get samples),
# {a,b}.json (krperf), stats-{a,b}.json.
# Needs /with/{keyrot.ko,irmd,krctl,krperf,vm-lib.sh,irmd-lib.sh,demo.conf}.
set -u
. /with/vm-lib.sh
. /with/irmd-lib.sh
. /with/demo.conf		# CIPHER, N, RATE, START, INTERVAL, REKEY_AT

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

# stamp: each line of standard input, prefixed with the time it came.
stamp() { while IFS= read -r l; do now; echo "$NOW $l"; done; }

log kernel "$(uname -r)"
log cipher "$CIPHER"
log config start-d0 "$START" interval "$INTERVAL" rekey-at "$REKEY_AT"
kr_load || fail "insmod keyrot"
kr_hosts || fail "namespaces"

# The two irmds: test-scale timers (docs/irmd.md section 2), the same at
# both ends but the re-key interval; a's allocations start near the
# watermark.
D=/tmp/irmd
kr_irmd_setup $D 'grace = 2000\njitter = 0\nevent = 200\nconfirm = 50\nkeepalive = 1000\npeer-timeout = 5000' \
	'allow-start = yes' || fail "irmd keys and configuration"
printf 'cipher = %s\nfirst-epoch = 1\nstart-d0 = %s\nrekey-interval = %s\n' \
	"$CIPHER" "$START" "$INTERVAL" >>$D/a.conf
printf 'cipher = %s\nrekey-interval = 600000\n' "$CIPHER" >>$D/b.conf
for ns in a b; do
	irmd check -c $D/$ns.conf >/dev/null 2>/out/irmd-check.err ||
		fail "irmd check $ns: $(cat /out/irmd-check.err)"
done

# Events and irmd logs of each namespace, each line stamped as it comes.
for ns in a b; do
	mkfifo /tmp/ev-$ns /tmp/log-$ns
	stamp </tmp/ev-$ns >/out/events-$ns.log &
	stamp </tmp/log-$ns >/out/irmd-$ns.log &
	ip netns exec $ns krctl events --json --ready-file /tmp/ready-$ns \
		>/tmp/ev-$ns 2>/out/events-$ns.err &
	eval PE_$ns=\$!
done
wait_until 100 test -e /tmp/ready-a -a -e /tmp/ready-b || fail "events"
for ns in a b; do
	rm -f $KR_IRMD_RUN/$ns.sock
	ip netns exec $ns irmd -f -c $D/$ns.conf 2>/tmp/log-$ns &
	eval PI_$ns=\$!
	wait_until 100 test -S $KR_IRMD_RUN/$ns.sock || fail "irmd $ns did not start"
	log irmd "$ns" "$(irmd pubkey $D/$ns.pem)"
done

# The applications: b accepts, a allocates (and asks for one re-key).
KEYROT_IRMD_SOCKET=$KR_IRMD_RUN/b.sock ip netns exec b krperf \
	--accept echo --id-file /tmp/idb --json --timeout 40 --linger 1 \
	--send "$N" --recv "$N" --seed 2 --peer-seed 1 --rate "$RATE" \
	>/out/b.json 2>/out/b.err &
PB=$!
sleep 0.3
log alloc a b echo
KEYROT_IRMD_SOCKET=$KR_IRMD_RUN/a.sock ip netns exec a krperf \
	--alloc b echo --id-file /tmp/ida --json --timeout 40 --linger 1 \
	--send "$N" --recv "$N" --seed 1 --peer-seed 2 --rate "$RATE" \
	--rekey-at "$REKEY_AT" >/out/a.json 2>/out/a.err &
PA=$!
wait_until 100 test -s /tmp/ida -a -s /tmp/idb ||
	fail "no flow: $(tail -n 1 /out/a.err) / $(tail -n 1 /out/b.err)"
IA=$(cat /tmp/ida)
IB=$(cat /tmp/idb)
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

wait $PA
echo $? >/out/a.rc
wait $PB
echo $? >/out/b.rc
log done
kill $PS
for ns in a b; do
	eval kill -TERM \$PI_$ns
	eval wait \$PI_$ns
	eval kill \$PE_$ns
done
wait
nsx a krctl stats --json >/out/stats-a.json 2>&1
nsx b krctl stats --json >/out/stats-b.json 2>&1
echo ok >/out/complete
