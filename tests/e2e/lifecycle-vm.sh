# SPDX-License-Identifier: GPL-2.0
#
# lifecycle-vm.sh: runs inside the VM for tests/e2e/lifecycle.sh (dash,
# busybox).  Needs /with/{keyrot.ko,krctl,setpriv,vm-lib.sh,vm-check.sh}.
#
#  unprivileged/*  uid 65534 without capabilities gets EPERM from every
#                  operation of the family and from joining the events
#                  group, and EACCES from /dev/keyrot; root succeeds.
#  netns-del/*     a flow whose namespace is deleted while a process of
#                  another namespace holds its descriptor: the holder sees
#                  it down, its keys are gone, nothing leaks; idle, then
#                  with traffic both ways.
set -u
. /with/vm-lib.sh
. /with/vm-check.sh

U="setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all"
# Seeds must be readable by the unprivileged user too.
printf 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f >/tmp/s1
printf c0ffee00112233445566778899aabbccddeeff00112233445566778899aabbcc >/tmp/s2
chmod 644 /tmp/s1 /tmp/s2

kr_load || { nok load; exit 1; }
kr_hosts || { nok hosts; exit 1; }
K1=$(krctl keyid --seed-file /tmp/s1)
K2=$(krctl keyid --seed-file /tmp/s2)

# ---------------------------------------------------------------- unprivileged
ip netns exec a $U cat /proc/self/status >/out/unpriv-status 2>&1
check unprivileged/setpriv-uid-65534 grep -q '^Uid:[[:space:]]*65534[[:space:]]' /out/unpriv-status
check unprivileged/setpriv-no-capabilities sh -c \
	"grep -q '^CapEff:[[:space:]]*0000000000000000' /out/unpriv-status &&
	 grep -q '^CapPrm:[[:space:]]*0000000000000000' /out/unpriv-status"

check unprivileged/dev-mode-0600-root sh -c \
	'[ "$(stat -c "%a %u %g" /dev/keyrot)" = "600 0 0" ]'
ip netns exec a $U krctl create >/out/unpriv-create.out 2>&1
rc=$?
check unprivileged/dev-open-eacces sh -c \
	"[ $rc -eq 1 ] && grep -q '/dev/keyrot: Permission denied' /out/unpriv-create.out"

ip netns exec a krctl create --hold --id-file /tmp/idu >/dev/null &
PU=$!
waitfile /tmp/idu || { nok unprivileged/flow; exit 1; }
IU=$(cat /tmp/idu)
# flow-get as text, less the one thing that moves by itself.
show_still() { ip netns exec a krctl show "$1" 2>&1 | sed 's/last rx [0-9]* ms ago//'; }
show_still "$IU" >/out/unpriv-before

# eperm NAME ARGS...: krctl ARGS as uid 65534 in a: exit 1, EPERM, the
# message names CAP_NET_ADMIN.
eperm() {
	_name=$1
	shift
	ip netns exec a $U krctl "$@" </dev/null >/out/unpriv-$_name.out 2>&1
	_rc=$?
	if [ $_rc -eq 1 ] &&
	   grep -q 'Operation not permitted' /out/unpriv-$_name.out &&
	   grep -q 'CAP_NET_ADMIN' /out/unpriv-$_name.out; then
		ok "unprivileged/eperm-$_name"
	else
		nok "unprivileged/eperm-$_name" "exit $_rc: $(head -c 200 /out/unpriv-$_name.out)"
	fi
}
eperm flow-set set "$IU" peer 10.99.0.2 port 51819 peer-id 7 role initiator
eperm flow-get-do show "$IU"
eperm flow-get-dump show
eperm flow-state-down down "$IU"
eperm flow-state-peer-gone peer-gone "$IU"
eperm seed-install install "$IU" 1 --peer-holds --seed-file /tmp/s1
eperm epoch-confirm confirm "$IU" "$K1"
eperm epoch-withdraw withdraw "$IU" "$K1"
eperm rekey-request rekey "$IU"
eperm netns-set port 40000
eperm netns-get stats
eperm flow-del del "$IU"
eperm events-group events --timeout 1
check unprivileged/events-message-names-group \
	grep -q 'events group needs CAP_NET_ADMIN' /out/unpriv-events-group.out
# Nothing the refused requests carried took effect.
show_still "$IU" >/out/unpriv-after
check unprivileged/nothing-changed cmp -s /out/unpriv-before /out/unpriv-after
check unprivileged/port-unchanged sh -c \
	"ip netns exec a krctl stats | grep -q '^port 51819'"

# The same operations as root (the control): each succeeds.
root() {
	_name=$1
	shift
	if ip netns exec a krctl "$@" </dev/null >/out/root-$_name.out 2>&1; then
		ok "unprivileged/root-$_name"
	else
		nok "unprivileged/root-$_name" "$(head -c 200 /out/root-$_name.out)"
	fi
}
root flow-set set "$IU" peer 10.99.0.2 port 51819 peer-id 7 role initiator
root flow-get-do show "$IU"
root flow-get-dump show
root seed-install install "$IU" 1 --seed-file /tmp/s1
root epoch-withdraw withdraw "$IU" "$K1"
root seed-install-again install "$IU" 1 --seed-file /tmp/s2
root epoch-confirm confirm "$IU" "$K2"
root rekey-request rekey "$IU"
root netns-set port 40000
root netns-get stats
root events-group events --timeout 0.5
root flow-state-peer-gone peer-gone "$IU"
root flow-state-down down "$IU"
root flow-del del "$IU"
check unprivileged/root-took-effect sh -c \
	"grep -q 'peer 10.99.0.2 port 51819 peer-id 7 ' /out/root-flow-get-do.out &&
	 grep -q '^port 40000' /out/root-netns-get.out"
kill $PU
wait $PU
ip netns exec a krctl port 51819

# ---------------------------------------------------------------- netns-del
# tfms: the live AEAD transforms, module wide (netns-get gives them only
# in the initial namespace, which no test flow is in).
tfms() { krctl stats --json | jnum tfms; }
tfms_zero() { [ "$(tfms)" = 0 ]; }
# counter NS ID NAME: a flow's counter.
counter() { ip netns exec "$1" krctl show --json "$2" | jnum "$3"; }
netns_id() { readlink /proc/$1/ns/net; }

# Idle: a flow in a with a transmit epoch (its transforms are live), held
# by a process of the initial namespace.
krctl create --hold --netns a --watch /tmp/w1 --id-file /tmp/id1 >/dev/null &
P1=$!
waitfile /tmp/id1 || { nok netns-del/idle-created; exit 1; }
I1=$(cat /tmp/id1)
check netns-del/idle-flow-in-a ip netns exec a krctl show "$I1"
check netns-del/idle-flow-not-in-init sh -c "! krctl show $I1 2>/dev/null"
check netns-del/idle-holder-outside-a sh -c \
	"[ \"\$(readlink /proc/$P1/ns/net)\" != \"\$(ip netns exec a readlink /proc/self/ns/net)\" ]"
ip netns exec a krctl set "$I1" peer 10.99.0.2 port 51819 peer-id 7 role initiator
ip netns exec a krctl install "$I1" 1 --peer-holds --seed-file /tmp/s1
T=$(tfms)
check netns-del/idle-tfms-live [ "${T:-0}" -gt 0 ]
ip netns del a
if waitfile /tmp/w1 50; then
	ok netns-del/idle-down-within-5s
else
	nok netns-del/idle-down-within-5s "no report from the holder"
fi
cp /tmp/w1 /out/idle-watch 2>/dev/null
check netns-del/idle-epollhup grep -q 'revents [a-z,]*hup' /tmp/w1
check netns-del/idle-flowdown-flag grep -q 'flags rd,wr,flowdown ' /tmp/w1
check netns-del/idle-read-0 grep -q ' read 0 ' /tmp/w1
check netns-del/idle-write-epipe grep -q ' write EPIPE ' /tmp/w1
check netns-del/idle-rekey-epipe grep -q ' rekey EPIPE ' /tmp/w1
# The keys went with the namespace, while the descriptor is still held.
check netns-del/idle-tfms-0-while-held waitfor 30 tfms_zero
check netns-del/idle-holder-alive kill -0 $P1
kill $P1
wait $P1
check netns-del/idle-holder-exit-0 [ $? -eq 0 ]
check netns-del/idle-tfms-0 tfms_zero

# a is gone: a flow cannot be made there any more.
krctl create --netns a >/out/create-gone.out 2>&1
rc=$?
check netns-del/create-in-deleted-netns-fails sh -c \
	"[ $rc -eq 1 ] && grep -q '/run/netns/a: No such file or directory' /out/create-gone.out"

# With traffic both ways: a's flow held from the initial namespace, b's
# from inside b, each sending 200 packets a second and reading.
ip netns del b
sleep 0.5
kr_hosts || { nok netns-del/hosts-again; exit 1; }
krctl create --hold --netns a --traffic 200 --watch /tmp/wa --id-file /tmp/ida >/dev/null &
PA=$!
ip netns exec b krctl create --hold --traffic 200 --watch /tmp/wb --id-file /tmp/idb >/dev/null &
PB=$!
waitfile /tmp/ida && waitfile /tmp/idb || { nok netns-del/traffic-created; exit 1; }
IA=$(cat /tmp/ida)
IB=$(cat /tmp/idb)
ip netns exec a krctl set "$IA" peer 10.99.0.2 port 51819 peer-id "$IB" role initiator &&
ip netns exec b krctl set "$IB" peer 10.99.0.1 port 51819 peer-id "$IA" role responder &&
ip netns exec b krctl install "$IB" 1 --seed-file /tmp/s1 &&
ip netns exec a krctl install "$IA" 1 --peer-holds --seed-file /tmp/s1
check netns-del/traffic-configured [ $? -eq 0 ]
# Traffic is flowing both ways before the namespace goes.
flowing() {
	[ "$(counter a "$IA" rx-packets)" -gt 100 ] 2>/dev/null &&
	[ "$(counter b "$IB" rx-packets)" -gt 100 ] 2>/dev/null
}
check netns-del/traffic-flowing waitfor 100 flowing
ip netns exec b krctl show "$IB" >/out/traffic-b-before 2>&1
B0=$(counter b "$IB" rx-packets)
T=$(tfms)
check netns-del/traffic-tfms-live [ "${T:-0}" -gt 0 ]
check netns-del/tfms-only-in-init-ns sh -c \
	"! ip netns exec b krctl stats --json | grep -q tfms"
ip netns del a
if waitfile /tmp/wa 50; then
	ok netns-del/traffic-down-within-5s
else
	nok netns-del/traffic-down-within-5s "no report from the holder"
fi
cp /tmp/wa /out/traffic-watch 2>/dev/null
check netns-del/traffic-epollhup grep -q 'revents [a-z,]*hup' /tmp/wa
check netns-del/traffic-flowdown-flag grep -q 'flags rd,wr,flowdown ' /tmp/wa
check netns-del/traffic-read-0 grep -q ' read 0 ' /tmp/wa
check netns-del/traffic-write-epipe grep -q ' write EPIPE ' /tmp/wa
check netns-del/traffic-had-moved sh -c \
	"grep -q ' sent [1-9][0-9]* received [1-9][0-9]*\$' /tmp/wa"
# b's flow is not down (its peer merely went silent).
sleep 0.5
check netns-del/traffic-peer-flow-up sh -c \
	"[ ! -e /tmp/wb ] && ip netns exec b krctl show $IB | grep -q 'flags rd,wr '"
check netns-del/traffic-peer-saw-it sh -c "[ $B0 -gt 0 ]"
kill $PB
wait $PB
check netns-del/traffic-peer-holder-exit-0 [ $? -eq 0 ]
check netns-del/traffic-tfms-0-while-held waitfor 30 tfms_zero
check netns-del/traffic-holder-alive kill -0 $PA
kill $PA
wait $PA
check netns-del/traffic-holder-exit-0 [ $? -eq 0 ]
# What is left, seen from the initial namespace ("another namespace": a
# is gone, b's flow is closed).
krctl stats --json >/out/final-stats 2>&1
ip netns exec b krctl stats --json >/out/final-stats-b 2>&1
T=$(jnum tfms </out/final-stats)
F=$(jnum flows </out/final-stats-b)
check netns-del/no-leak-tfms-0 [ "$T" = 0 ]
check netns-del/no-leak-flows-0 [ "$F" = 0 ]
check netns-del/rmmod rmmod keyrot
check netns-del/module-gone sh -c '[ ! -d /sys/module/keyrot ]'
finish
