# SPDX-License-Identifier: GPL-2.0
#
# wire-vm.sh: runs inside the VM for tests/e2e/wire.sh (dash, busybox).
# Needs /with/{keyrot.ko,krctl,krperf,tcpdump,vm-lib.sh,vm-check.sh} and
# /with/wire-seeds/CIPHER/s0..s4 (64 hex digits each, made by the host).
#
# For each cipher: tcpdump on a's veth, krperf both ways, the first seed on
# epoch 253 and four re-keys (254, 255, 0, 1: the epoch wraps), the third
# seed starting both directions 40 packets below a node edge.  What the
# host needs to write capture.json goes to /out/CIPHER/: the pcap, the
# krperf logs and results, and "meta" (flow ids, addresses, the seeds in
# install order).
set -u
. /with/vm-lib.sh
. /with/vm-check.sh

kr_load || { nok load; exit 1; }
kr_hosts || { nok hosts; exit 1; }
# Permanent neighbour entries: packets queued while ARP or neighbour
# discovery resolves an address can be overtaken by later ones once it is
# resolved, and the capture (and the strict receiver) would see the first
# packets of a flow out of order, by no fault of keyrot's.
MA=$(ip netns exec a cat /sys/class/net/va/address)
MB=$(ip netns exec b cat /sys/class/net/vb/address)
ip -n a neigh replace 10.99.0.2 lladdr "$MB" dev va nud permanent &&
ip -n a neigh replace fd99::2 lladdr "$MB" dev va nud permanent &&
ip -n b neigh replace 10.99.0.1 lladdr "$MA" dev vb nud permanent &&
ip -n b neigh replace fd99::1 lladdr "$MA" dev vb nud permanent ||
	{ nok neighbours; exit 1; }
# tcpdump gives up its privileges to a user it looks up by name.
grep -q '^root:' /etc/passwd 2>/dev/null ||
	echo 'root:x:0:0:root:/root:/bin/sh' >>/etc/passwd

EPOCHS="253 254 255 0 1"
EDGE_START=$((67108864 - 40))	# 2^26 - 40: node 0 ends 40 packets later
N=1500				# DATA packets each way
RATE=300			# per second, each way

# settle FILE: wait until FILE has not grown for a second (at most 15 s),
# so tcpdump has written every packet it received.
settle() {
	_last=-1 _same=0 _i=0
	while [ $_same -lt 10 ] && [ $_i -lt 150 ]; do
		_sz=$(stat -c %s "$1")
		if [ "$_sz" = "$_last" ]; then
			_same=$((_same + 1))
		else
			_same=0
			_last=$_sz
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
}

# install_both I EPOCH [OPTS]: seed I at b (answers), then a (completes,
# --peer-holds), each retried while the kernel says "not yet" (a pending
# epoch, or the peer not seen on the transmit epoch yet).
install_both() {
	_s=/with/wire-seeds/$C/s$1
	waitfor 50 ip netns exec b krctl install "$IB" "$2" $3 --seed-file "$_s" \
		2>>/out/$C/install.err || return 1
	echo "install $1 $2" >>/out/$C/meta
	waitfor 50 ip netns exec a krctl install "$IA" "$2" --peer-holds $3 \
		--seed-file "$_s" 2>>/out/$C/install.err
}

# transmit_epoch NS ID: the epoch number the end transmits on.
transmit_epoch() {
	ip netns exec "$1" krctl show "$2" | sed -n 's/^  epoch \([0-9]*\) *transmit .*/\1/p'
}
# both_on EPOCH: both ends transmit on EPOCH.
both_on() {
	[ "$(transmit_epoch a "$IA")" = "$1" ] && [ "$(transmit_epoch b "$IB")" = "$1" ]
}

run() {
	C=$1 PA_ADDR=$2 PB_ADDR=$3
	mkdir -p /out/$C
	: >/out/$C/meta
	rm -f /tmp/ida /tmp/idb /tmp/td.err

	# To tmpfs (/out is 9p, slow), with a large buffer: under TCG a
	# tcpdump writing to /out falls behind and the kernel drops.
	rm -f /tmp/wire.pcap
	ip netns exec a tcpdump -i va -w /tmp/wire.pcap -U --immediate-mode \
		-B 32768 -Z root udp port 51819 2>/tmp/td.err &
	PT=$!
	if ! waitfor 100 grep -q 'listening on' /tmp/td.err; then
		cp /tmp/td.err /out/$C/tcpdump.err
		nok "$C/tcpdump-listening" "$(head -c 200 /tmp/td.err)"
		return 1
	fi
	ok "$C/tcpdump-listening"

	ip netns exec a krperf --id-file /tmp/ida --json --timeout 60 \
		--send $N --recv $N --seed 1 --peer-seed 2 --rate $RATE \
		--sent-log /out/$C/a-sent --recv-log /out/$C/a-recv \
		>/out/$C/a.json 2>/out/$C/a.err &
	PA=$!
	ip netns exec b krperf --id-file /tmp/idb --json --timeout 60 \
		--send $N --recv $N --seed 2 --peer-seed 1 --rate $RATE \
		--sent-log /out/$C/b-sent --recv-log /out/$C/b-recv \
		>/out/$C/b.json 2>/out/$C/b.err &
	PB=$!
	waitfile /tmp/ida && waitfile /tmp/idb || { nok "$C/flows"; return 1; }
	IA=$(cat /tmp/ida)
	IB=$(cat /tmp/idb)
	{
		echo "cipher $C"
		echo "initiator $IA $PA_ADDR 51819"
		echo "responder $IB $PB_ADDR 51819"
	} >>/out/$C/meta
	check "$C/configured" sh -c "
		ip netns exec a krctl set $IA peer $PB_ADDR port 51819 peer-id $IB \
			role initiator cipher $C &&
		ip netns exec b krctl set $IB peer $PA_ADDR port 51819 peer-id $IA \
			role responder cipher $C"

	i=0
	for e in $EPOCHS; do
		opts=
		[ $i -ne 2 ] || opts="--start-d0 $EDGE_START --start-d1 $EDGE_START"
		[ $i -eq 0 ] || sleep 0.6	# traffic on each epoch
		if install_both $i $e "$opts"; then
			ok "$C/install-epoch-$e"
		else
			nok "$C/install-epoch-$e" "$(tail -n 1 /out/$C/install.err)"
		fi
		i=$((i + 1))
	done
	check "$C/both-on-epoch-1" waitfor 30 both_on 1

	wait $PA && ok "$C/krperf-a" || nok "$C/krperf-a" "$(tail -n 1 /out/$C/a.err)"
	wait $PB && ok "$C/krperf-b" || nok "$C/krperf-b" "$(tail -n 1 /out/$C/b.err)"
	settle /tmp/wire.pcap
	kill -INT $PT
	wait $PT
	cp /tmp/td.err /out/$C/tcpdump.err
	cp /tmp/wire.pcap /out/$C/wire.pcap
	check "$C/pcap-written" [ -s /out/$C/wire.pcap ]
	# Every packet the filter took is in the file: a failure of the
	# decoder is then keyrot's, not the capture's.
	_got=$(sed -n 's/^\([0-9]*\) packets captured$/\1/p' /tmp/td.err)
	_seen=$(sed -n 's/^\([0-9]*\) packets received by filter$/\1/p' /tmp/td.err)
	check "$C/capture-complete" sh -c "[ -n '$_got' ] && [ '$_got' = '$_seen' ] &&
		grep -q '^0 packets dropped by kernel' /tmp/td.err"
}

run aes-256-gcm 10.99.0.1 10.99.0.2
run chacha20-poly1305 fd99::1 fd99::2
finish
