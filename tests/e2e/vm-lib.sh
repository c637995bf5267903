# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# vm-lib.sh: sourced by the scripts the end-to-end tests run inside the VM
# (tests/vm/run --with tests/e2e/vm-lib.sh, then ". /with/vm-lib.sh").

# kr_load: keyrot.ko from /with, with the modules it needs.
kr_load() {
	local m
	for m in gcm chacha20poly1305 aesni_intel udp_tunnel ip6_udp_tunnel; do
		modprobe "$m" || { echo "vm-lib: modprobe $m failed"; return 1; }
	done
	insmod /with/keyrot.ko "$@"
}

# kr_hosts: two hosts, namespaces "a" (10.99.0.1, fd99::1) and "b"
# (10.99.0.2, fd99::2), joined by a veth pair va/vb (MAC addresses
# KR_MAC_A, KR_MAC_B).
#
# A veth hands each packet to the backlog of the CPU that sent it, so two
# packets sent one after the other from two CPUs may be received in either
# order: the link reorders.  Receive steering (RPS) to one CPU makes the
# link keep order, so an end-to-end test that counts reordering counts
# keyrot's, not the link's.
#
# Neighbour resolution reorders too: packets queued while ARP or ND
# resolves are flushed with the neighbour's lock dropped between them, and
# a packet sent meanwhile from the other CPU finds the neighbour valid and
# overtakes them (seen: a flow's first 20 packets arriving after the 21st
# over IPv6).  Hence permanent neighbour entries for the four addresses.
KR_MAC_A=02:99:00:00:00:01
KR_MAC_B=02:99:00:00:00:02
kr_hosts() {
	ip netns add a && ip netns add b &&
	ip link add va netns a address $KR_MAC_A type veth \
		peer name vb netns b address $KR_MAC_B &&
	ip -n a addr add 10.99.0.1/24 dev va &&
	ip -n b addr add 10.99.0.2/24 dev vb &&
	ip -n a addr add fd99::1/64 dev va nodad &&
	ip -n b addr add fd99::2/64 dev vb nodad &&
	ip -n a link set lo up && ip -n b link set lo up &&
	ip -n a link set va up && ip -n b link set vb up &&
	ip -n a neigh replace 10.99.0.2 lladdr $KR_MAC_B dev va nud permanent &&
	ip -n a neigh replace fd99::2 lladdr $KR_MAC_B dev va nud permanent &&
	ip -n b neigh replace 10.99.0.1 lladdr $KR_MAC_A dev vb nud permanent &&
	ip -n b neigh replace fd99::1 lladdr $KR_MAC_A dev vb nud permanent &&
	ip netns exec a sh -c 'echo 1 >/sys/class/net/va/queues/rx-0/rps_cpus' &&
	ip netns exec b sh -c 'echo 1 >/sys/class/net/vb/queues/rx-0/rps_cpus'
}

# ---------------------------------------------------------------------------
# Helpers for the data-plane scenarios (tests/e2e/run.sh, tests/e2e/vm/*.sh).
# They are dash functions; what they learn goes into KR_* variables.  Under
# TCG, nsenter costs a tenth of "ip netns exec" (which remounts /sys), so
# short commands run through kr_ns.  But busybox's nsenter forks and waits:
# a process started in the background to be signalled later (krperf,
# krctl events) starts with "ip netns exec", which execs, so $! is the
# process itself.  (busybox's nsenter also prefers its own applets: run ip
# as "ip -n NS", never through kr_ns.)

# kr_ns NS CMD...: run CMD in network namespace NS.
kr_ns() {
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$@"
}

# kr_hosts_reset: namespaces a and b from scratch (kr_hosts), for a
# scenario that must not inherit the namespaces' counters or addresses.
kr_hosts_reset() {
	ip netns del a 2>/dev/null
	ip netns del b 2>/dev/null
	kr_hosts
}

# kr_ms: milliseconds since boot.
kr_ms() {
	local up frac
	read -r up _ </proc/uptime
	frac=${up#*.}
	frac=${frac#0}		# two digits; dash reads 08 as bad octal
	echo $((${up%.*} * 1000 + frac * 10))
}

# kr_wait_file PATH [SECONDS]: wait until PATH exists (default 30 s).
kr_wait_file() {
	local n=0 max=$((${2:-30} * 20))
	while [ ! -e "$1" ]; do
		[ $n -lt $max ] || return 1
		sleep 0.05
		n=$((n + 1))
	done
}

# kr_wait_for SECONDS CMD...: run CMD every 50 ms until it succeeds.
kr_wait_for() {
	local n=0 max=$(($1 * 20))
	shift
	until "$@"; do
		[ $n -lt $max ] || return 1
		sleep 0.05
		n=$((n + 1))
	done
}

# kr_seed FILE: a fresh random root seed (32 raw bytes).
kr_seed() {
	head -c 32 /dev/urandom >"$1"
}

# kr_step DIR NAME CMD...: run CMD, record "ok NAME" or "fail NAME: exit N"
# in DIR/steps (the host turns the steps it cares about into results).
kr_step() {
	local dir=$1 name=$2 rc=0
	shift 2
	"$@" || rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok $name" >>"$dir/steps"
	else
		echo "fail $name: exit $rc" >>"$dir/steps"
	fi
	return $rc
}

# kr_pair DIR "A-OPTS" "B-OPTS": one krperf end in each namespace (a is the
# initiator's application, b the responder's), its JSON result in
# DIR/a.json, DIR/b.json, stderr in DIR/a.err, DIR/b.err.  The namespaces'
# counters go to DIR/start-a-ns.json, start-b-ns.json first: a scenario may
# run several pairs in the same namespaces, and a late packet for a flow
# closed before counts in its namespace.  Waits for their
# flow ids: KR_IA, KR_IB; their pids: KR_PA, KR_PB; KR_DIR=DIR.  Each end
# creates /tmp/kr-a.done (kr-b.done) once it is done (kr_finish), and gives
# up once nothing moved for KR_STALL seconds (default 10), so that a lost
# packet, which a window-paced sender waits for for ever, fails the run
# quickly.
# shellcheck disable=SC2086 # option lists split on purpose
kr_pair() {
	KR_DIR=$1
	mkdir -p "$KR_DIR"
	rm -f /tmp/kr-a.id /tmp/kr-b.id /tmp/kr-a.done /tmp/kr-b.done
	kr_ns a krctl stats --json >"$KR_DIR/start-a-ns.json" 2>&1
	kr_ns b krctl stats --json >"$KR_DIR/start-b-ns.json" 2>&1
	ip netns exec a krperf --id-file /tmp/kr-a.id --done-file /tmp/kr-a.done \
		--stall "${KR_STALL:-10}" --json $2 >"$KR_DIR/a.json" \
		2>"$KR_DIR/a.err" &
	KR_PA=$!
	ip netns exec b krperf --id-file /tmp/kr-b.id --done-file /tmp/kr-b.done \
		--stall "${KR_STALL:-10}" --json $3 >"$KR_DIR/b.json" \
		2>"$KR_DIR/b.err" &
	KR_PB=$!
	kr_wait_file /tmp/kr-a.id 20 && kr_wait_file /tmp/kr-b.id 20 || return 1
	KR_IA=$(cat /tmp/kr-a.id)
	KR_IB=$(cat /tmp/kr-b.id)
}

# kr_configure "SETTINGS": flow-set at both ends: a the initiator, b the
# responder, addressed by KR_ADDR_A / KR_ADDR_B (default 10.99.0.1 and
# 10.99.0.2), port 51819, and krctl set's SETTINGS at both.
# shellcheck disable=SC2086 # SETTINGS split on purpose
kr_configure() {
	kr_ns a krctl set "$KR_IA" peer "${KR_ADDR_B:-10.99.0.2}" port 51819 \
		peer-id "$KR_IB" role initiator $1 &&
	kr_ns b krctl set "$KR_IB" peer "${KR_ADDR_A:-10.99.0.1}" port 51819 \
		peer-id "$KR_IA" role responder $1
}

# kr_install EPOCH SEEDFILE [ANSWER] [OPTS]: install a seed at both ends:
# the answering end (ANSWER: b, the default, or a) first, the completing
# end with --peer-holds; OPTS (start values) at both.
# shellcheck disable=SC2086 # OPTS split on purpose
kr_install() {
	local e=$1 seed=$2 first=${3:-b} opts=${4:-} second
	second=a
	[ "$first" = b ] || second=b
	kr_ns $first krctl install "$(kr_id $first)" "$e" --seed-file "$seed" \
		$opts &&
	kr_ns $second krctl install "$(kr_id $second)" "$e" --peer-holds \
		--seed-file "$seed" $opts
}

# kr_id a|b: the flow id of that end.
kr_id() {
	if [ "$1" = a ]; then echo "$KR_IA"; else echo "$KR_IB"; fi
}

# kr_show a|b: that end's flow-get, one JSON line.
kr_show() {
	kr_ns "$1" krctl show "$(kr_id "$1")" --json
}

# kr_snap NAME: both flows (DIR/NAME-a.json, NAME-b.json) and both
# namespaces' summed counters (NAME-a-ns.json, NAME-b-ns.json) now.
kr_snap() {
	kr_show a >"$KR_DIR/$1-a.json" 2>&1
	kr_show b >"$KR_DIR/$1-b.json" 2>&1
	kr_ns a krctl stats --json >"$KR_DIR/$1-a-ns.json" 2>&1
	kr_ns b krctl stats --json >"$KR_DIR/$1-b-ns.json" 2>&1
}

# kr_done a|b [SECONDS]: wait (default 60 s) until that krperf end is done;
# false at once if it exited without being done.
kr_done() {
	local n=0 max=$((${2:-60} * 20)) pid=$KR_PA
	[ "$1" = a ] || pid=$KR_PB
	while [ ! -e "/tmp/kr-$1.done" ]; do
		kill -0 "$pid" 2>/dev/null || return 1
		[ $n -lt $max ] || return 1
		sleep 0.05
		n=$((n + 1))
	done
}

# kr_finish [SECONDS]: wait (default 60 s) until both krperf ends are done,
# take the "end" snapshot while both flows still live, then stop both
# (SIGTERM ends a done krperf normally) and keep their exit status in
# DIR/a.rc, DIR/b.rc.  An end that is not done by then is stopped anyway,
# and its result says so.
kr_finish() {
	kr_done a "${1:-60}" && kr_done b "${1:-60}"
	kr_snap end
	kr_stop_ends
}

# kr_stop_ends: SIGTERM to both krperf ends, their exit status to DIR/*.rc.
kr_stop_ends() {
	local rc
	kill -TERM "$KR_PA" "$KR_PB" 2>/dev/null
	rc=0; wait "$KR_PA" || rc=$?; echo $rc >"$KR_DIR/a.rc"
	rc=0; wait "$KR_PB" || rc=$?; echo $rc >"$KR_DIR/b.rc"
}

# kr_events NS FILE: krctl events --json in NS into FILE, in the
# background, subscribed before it returns; its pid in KR_PE.
# shellcheck disable=SC2034 # KR_PE is for the caller
kr_events() {
	rm -f "/tmp/kr-ev-$1"
	ip netns exec "$1" krctl events --json --ready-file "/tmp/kr-ev-$1" \
		--timeout 600 >"$2" 2>&1 &
	KR_PE=$!
	kr_wait_file "/tmp/kr-ev-$1" 10
}

# kr_has_epoch a|b N STATE [peer-seen]: that end shows epoch N in STATE
# (transmit, next, previous), confirmed and peer-seen if asked.
kr_has_epoch() {
	local pat="\"number\":$2,\"key-id\":\"[0-9a-f]*\",\"state\":\"$3\""
	[ "${4:-}" = peer-seen ] &&
		pat="$pat,\"confirmed\":true,\"peer-seen\":true"
	kr_show "$1" | grep -q "$pat"
}

# kr_has_flag a|b FLAG: that end's flags word shows FLAG (rd, wr, flowdown,
# flowpeer, rekey).
kr_has_flag() {
	kr_show "$1" | grep -q "\"flags\":\[[^]]*\"$2\""
}

# kr_both_on EPOCH: both ends transmit on EPOCH and have seen the peer on it.
kr_both_on() {
	kr_has_epoch a "$1" transmit peer-seen &&
		kr_has_epoch b "$1" transmit peer-seen
}
