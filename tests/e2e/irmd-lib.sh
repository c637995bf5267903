# SPDX-License-Identifier: GPL-2.0
#
# irmd-lib.sh: sourced inside the VM (after vm-lib.sh) by the irmd
# end-to-end tests: two irmds, one per namespace of kr_hosts (a at
# 10.99.0.1, b at 10.99.0.2), each pinning the other's identity key.
#
#   kr_irmd_setup DIR [FLOW-LINES] [IRMD-LINES]
#       identity keys and configurations in DIR: DIR/a.conf, DIR/b.conf;
#       each offers the service "echo" (and "sink"), control socket
#       $KR_IRMD_RUN/a.sock / b.sock (/run/irmd: a socket cannot live on
#       the 9p /out); FLOW-LINES are extra [flow] lines
#       ("grace = 2000\nrekey-interval = 1500"), IRMD-LINES extra [irmd]
#       lines, both for both ends (edit DIR/NS.conf for one end only)
#   kr_irmd_start NS [ARG...]   irmd -f in NS (pid in KR_IRMD_PID_NS),
#       log appended to DIR/irmd-NS.log; waits for its control socket
#   kr_irmd_stop NS             SIGTERM, wait: its exit status in
#       DIR/irmd-NS.rc (0 for a clean stop)
#   kr_irmd_kill NS             SIGKILL, wait
#   kr_irmd_wait NS [SECONDS]   wait for it to exit by itself (--fail-at)
#   kr_irmd_status NS           irmd status: one line per flow
#   kr_irmd_app NS ARG...       run ARG... in NS with KEYROT_IRMD_SOCKET
#                               set to NS's irmd (e.g. krperf --alloc b echo)
#   kr_irmd_log_has NS PHRASE   NS's log has a line with PHRASE (grep -F)
#   kr_irmd_log_count NS PHRASE how many lines have it

KR_IRMD_DIR=
KR_IRMD_RUN=/run/irmd

kr_irmd_setup() {
	local dir=$1 flow=${2:-} extra=${3:-} ka kb ns me peer addr paddr
	KR_IRMD_DIR=$dir
	mkdir -p "$dir" "$KR_IRMD_RUN"
	rm -f "$dir/a.pem" "$dir/b.pem"
	irmd keygen "$dir/a.pem" >"$dir/a.pub" &&
		irmd keygen "$dir/b.pem" >"$dir/b.pub" || return 1
	ka=$(cat "$dir/a.pub")
	kb=$(cat "$dir/b.pub")
	for ns in a b; do
		if [ $ns = a ]; then
			me=10.99.0.1 peer=b addr=10.99.0.2 paddr=$kb
		else
			me=10.99.0.2 peer=a addr=10.99.0.1 paddr=$ka
		fi
		{
			printf '[irmd]\nname = %s\nidentity = %s/%s.pem\n' \
				$ns "$dir" $ns
			printf 'listen = %s:51818\ncontrol = %s/%s.sock\n' \
				$me "$KR_IRMD_RUN" $ns
			[ -z "$extra" ] || printf '%b\n' "$extra"
			printf '\n[peer %s]\nkey = %s\naddress = %s:51818\n' \
				$peer "$paddr" $addr
			printf '\n[service echo]\n\n[service sink]\n'
			printf '\n[flow]\n'
			[ -z "$flow" ] || printf '%b\n' "$flow"
		} >"$dir/$ns.conf"
		chmod 600 "$dir/$ns.conf"
	done
}

kr_irmd_start() {
	local ns=$1
	shift
	rm -f "$KR_IRMD_RUN/$ns.sock"
	ip netns exec "$ns" irmd -f -c "$KR_IRMD_DIR/$ns.conf" "$@" \
		2>>"$KR_IRMD_DIR/irmd-$ns.log" &
	eval "KR_IRMD_PID_$ns=$!"
	kr_wait_for 20 test -S "$KR_IRMD_RUN/$ns.sock"
}

kr_irmd_pid() {
	eval "echo \$KR_IRMD_PID_$1"
}

kr_irmd_stop() {
	local pid rc=0
	pid=$(kr_irmd_pid "$1")
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" || rc=$?
	echo $rc >"$KR_IRMD_DIR/irmd-$1.rc"
	return $rc
}

kr_irmd_kill() {
	local pid
	pid=$(kr_irmd_pid "$1")
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

kr_irmd_wait() {
	local pid rc=0 n=0 max=$((${2:-30} * 20))
	pid=$(kr_irmd_pid "$1")
	while kill -0 "$pid" 2>/dev/null; do
		[ $n -lt $max ] || return 124
		sleep 0.05
		n=$((n + 1))
	done
	wait "$pid" || rc=$?
	echo $rc >"$KR_IRMD_DIR/irmd-$1.rc"
	return $rc
}

kr_irmd_status() {
	irmd status -s "$KR_IRMD_RUN/$1.sock"
}

kr_irmd_app() {
	local ns=$1
	shift
	KEYROT_IRMD_SOCKET=$KR_IRMD_RUN/$ns.sock ip netns exec "$ns" "$@"
}

kr_irmd_log_has() {
	grep -qF -- "$2" "$KR_IRMD_DIR/irmd-$1.log"
}

kr_irmd_log_count() {
	grep -cF -- "$2" "$KR_IRMD_DIR/irmd-$1.log"
}
