# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# irmd-common.sh: sourced (in the VM) by the scenario scripts of
# tests/e2e/irmd-matrix.sh, tests/e2e/vm/irmd-*.sh, after the caller set
# S (the scenario: results are "ok S/CHECK" lines in /out/results, which
# the host turns into e2e-KERNEL/irmd/S/CHECK).  Brings vm-lib.sh,
# vm-check.sh and irmd-lib.sh, and:
#
#   c NAME CMD...        check "S/NAME" CMD...
#   cok NAME / cnok NAME [WHY]
#   im_begin FLOW IRMD   fresh namespaces a and b (kr_hosts_reset), two
#                        irmd configurations in D=/out/S (irmd-lib.sh)
#   im_traffic TAG N RATE [LINGER] [SERVICE]
#                        b accepts SERVICE (default echo), a allocates a
#                        flow to it; both run krperf, N DATA packets each
#                        way at RATE a second in a window of 64; ids in IA,
#                        IB, pids PA, PB, results D/TAG-a.json, TAG-b.json
#   im_end TAG [SECONDS] wait until both ends are done (default 60 s), take
#                        their flow-get (D/TAG-end-a.json, -b), stop them;
#                        checks traffic-intact (both krperf results ok:
#                        every packet intact, once, in order) and no-drops
#                        (every drop counter of both flows at 0); runs
#                        $IM_AT_END (if set) while the flows still live
#   im_show NS ID        flow-get, one JSON line
#   im_tx NS ID / im_txkey NS ID   the transmit epoch and its key id
#   im_rx NS ID          the flow's rx-packets
#   im_on EPOCH          both ends transmit on EPOCH, confirmed and seen,
#                        with the same key id, and nothing pending
#   im_mark              remember where both irmd logs end now
#   im_has NS PHRASE     NS's irmd log has PHRASE since im_mark
#   im_count NS PHRASE   how many lines have it since im_mark
#   im_drop_rule NS on|off [PORT]   lose (or stop losing) every datagram
#                        NS sends from UDP PORT (default 51818, OAP)
#   im_wait PID SECONDS  wait for PID, killed after SECONDS
#   im_time              record the scenario's time in /out/timings

. /with/vm-lib.sh
. /with/vm-check.sh
. /with/irmd-lib.sh

D=/out/$S
mkdir -p "$D"
IM_T0=$(kr_ms)

c() {
	_cn=$1
	shift
	check "$S/$_cn" "$@"
}
cok() { ok "$S/$1"; }
cnok() { nok "$S/$1" "${2:-}"; }

im_begin() {
	kr_hosts_reset || { cnok hosts; return 1; }
	kr_irmd_setup "$D" "$1" "${2:-}" || { cnok setup; return 1; }
}

# im_accepting SERVICE N: b's irmd logged more than N acceptors of SERVICE.
im_accepting() {
	[ "$(kr_irmd_log_count b "accepts flows to $1")" -gt "$2" ]
}

# shellcheck disable=SC2086 # option lists split on purpose
im_traffic() {
	local tag=$1 n=$2 rate=$3 linger=${4:-0.3} svc=${5:-echo} pace
	pace="--rate $rate --window 64 --timeout 120 --stall 8 --linger $linger"
	IM_N=$n
	rm -f /tmp/im-ida /tmp/im-idb /tmp/im-a.done /tmp/im-b.done
	KEYROT_IRMD_SOCKET=$KR_IRMD_RUN/b.sock ip netns exec b krperf \
		--accept "$svc" --id-file /tmp/im-idb --done-file /tmp/im-b.done \
		--json --send "$n" --recv "$n" --seed 2 --peer-seed 1 $pace \
		>"$D/$tag-b.json" 2>"$D/$tag-b.err" &
	PB=$!
	kr_wait_for 10 im_accepting "$svc" "$(kr_irmd_log_count b "accepts flows to $svc")"
	KEYROT_IRMD_SOCKET=$KR_IRMD_RUN/a.sock ip netns exec a krperf \
		--alloc b "$svc" --id-file /tmp/im-ida --done-file /tmp/im-a.done \
		--json --send "$n" --recv "$n" --seed 1 --peer-seed 2 $pace \
		>"$D/$tag-a.json" 2>"$D/$tag-a.err" &
	PA=$!
	if kr_wait_file /tmp/im-ida 20 && kr_wait_file /tmp/im-idb 20; then
		IA=$(cat /tmp/im-ida)
		IB=$(cat /tmp/im-idb)
		return 0
	fi
	IA=0 IB=0
	cnok "$tag/flow-allocated" "$(tail -n 1 "$D/$tag-a.err") / $(tail -n 1 "$D/$tag-b.err")"
	return 1
}

# im_json_ok FILE N: a krperf result with every packet intact, once, in order.
im_json_ok() {
	grep -q '"ok":true' "$1" && grep -q '"missing":0,' "$1" &&
		grep -q "\"received\":$2," "$1" && grep -q '"corrupt":0,' "$1" &&
		grep -q '"out_of_order":0,' "$1" && grep -q '"duplicates":0,' "$1"
}

# im_nodrops FILE...: flow-gets with every drop counter at 0.
im_nodrops() {
	for _f in "$@"; do
		grep -q '"stats":{' "$_f" && ! grep -q '"drop-[a-z-]*":[1-9]' "$_f" ||
			return 1
	done
}

im_traffic_ok() {
	[ "$(cat "$D/$1-a.rc")" = 0 ] && [ "$(cat "$D/$1-b.rc")" = 0 ] &&
		im_json_ok "$D/$1-a.json" "$IM_N" &&
		im_json_ok "$D/$1-b.json" "$IM_N"
}

im_end() {
	local tag=$1 max=$((${2:-60} * 20)) n=0 rc
	while [ ! -e /tmp/im-a.done ] || [ ! -e /tmp/im-b.done ]; do
		kill -0 "$PA" 2>/dev/null || [ -e /tmp/im-a.done ] || break
		kill -0 "$PB" 2>/dev/null || [ -e /tmp/im-b.done ] || break
		[ $n -lt $max ] || break
		sleep 0.05
		n=$((n + 1))
	done
	im_show a "$IA" >"$D/$tag-end-a.json" 2>&1
	im_show b "$IB" >"$D/$tag-end-b.json" 2>&1
	[ -z "${IM_AT_END:-}" ] || $IM_AT_END
	kill -TERM "$PA" "$PB" 2>/dev/null
	rc=0; wait "$PA" || rc=$?; echo $rc >"$D/$tag-a.rc"
	rc=0; wait "$PB" || rc=$?; echo $rc >"$D/$tag-b.rc"
	c traffic-intact im_traffic_ok "$tag"
	c no-drops im_nodrops "$D/$tag-end-a.json" "$D/$tag-end-b.json"
}

im_show() {
	kr_ns "$1" krctl show "$2" --json
}

im_tx() {
	im_show "$1" "$2" 2>/dev/null |
		grep -o '"number":[0-9]*,"key-id":"[0-9a-f]*","state":"transmit"' |
		sed 's/"number":\([0-9]*\).*/\1/'
}

im_txkey() {
	im_show "$1" "$2" 2>/dev/null |
		grep -o '"key-id":"[0-9a-f]*","state":"transmit"' |
		sed 's/"key-id":"\([0-9a-f]*\)".*/\1/'
}

im_rx() {
	im_show "$1" "$2" 2>/dev/null | jnum rx-packets
}

im_on() {
	local sa sb pat ka kb
	sa=$(im_show a "$IA" 2>/dev/null) || return 1
	sb=$(im_show b "$IB" 2>/dev/null) || return 1
	pat="\"number\":$1,\"key-id\":\"[0-9a-f]*\",\"state\":\"transmit\",\"confirmed\":true,\"peer-seen\":true"
	ka=$(echo "$sa" | grep -o "$pat" | sed 's/.*"key-id":"\([0-9a-f]*\)".*/\1/')
	kb=$(echo "$sb" | grep -o "$pat" | sed 's/.*"key-id":"\([0-9a-f]*\)".*/\1/')
	[ -n "$ka" ] && [ "$ka" = "$kb" ] &&
		! echo "$sa" | grep -q '"state":"next"' &&
		! echo "$sb" | grep -q '"state":"next"'
}

# im_next_pending NS ID: that end has a next epoch, not confirmed.
im_next_pending() {
	im_show "$1" "$2" 2>/dev/null |
		grep -q '"state":"next","confirmed":false'
}

im_mark() {
	IM_MARK_a=$(wc -l <"$KR_IRMD_DIR/irmd-a.log" 2>/dev/null || echo 0)
	IM_MARK_b=$(wc -l <"$KR_IRMD_DIR/irmd-b.log" 2>/dev/null || echo 0)
}

# im_since NS: NS's irmd log since im_mark.
im_since() {
	local m
	eval "m=\${IM_MARK_$1:-0}"
	tail -n "+$((m + 1))" "$KR_IRMD_DIR/irmd-$1.log" 2>/dev/null
}

im_has() {
	im_since "$1" | grep -qF -- "$2"
}

im_count() {
	im_since "$1" | grep -cF -- "$2"
}

# im_drop_rule NS on|off [PORT]: the UDP datagrams NS sends from PORT
# (default 51818: OAP; 51819 is keyrot's data) go by table 99 to a
# neighbour with a MAC address nobody has: the other end's veth drops them
# as not its own, silently, as a lossy network would.
im_drop_rule() {
	local ns=$1 port=${3:-51818} peer=10.99.0.2 dev=va
	[ "$ns" = b ] && peer=10.99.0.1 dev=vb
	if [ "$2" = on ]; then
		ip -n "$ns" neigh replace 10.99.0.99 lladdr 02:99:00:00:00:99 \
			dev $dev nud permanent &&
		ip -n "$ns" route replace $peer/32 via 10.99.0.99 dev $dev \
			table 99 &&
		ip -n "$ns" rule add pref $((port - 51720)) ipproto 17 \
			sport "$port" lookup 99
	else
		ip -n "$ns" rule del pref $((port - 51720))
	fi
}

# im_wait PID SECONDS: wait for PID, killing it after SECONDS; its exit
# status (137 if it had to be killed).
im_wait() {
	local n=0 rc=0
	while kill -0 "$1" 2>/dev/null; do
		if [ $n -ge $(($2 * 20)) ]; then
			kill -KILL "$1" 2>/dev/null
			break
		fi
		sleep 0.05
		n=$((n + 1))
	done
	wait "$1" || rc=$?
	return $rc
}

im_time() {
	echo "$S $(( ($(kr_ms) - IM_T0) / 1000 ))" >>/out/timings
}
