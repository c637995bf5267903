# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# irmd-eperm.sh (in the VM, tests/e2e/irmd-matrix.sh): a user without
# CAP_NET_ADMIN, in the initial user namespace (uid 65534, no capabilities:
# setpriv), next to two irmds with a live flow between them (README.md "The
# netlink family", docs/irmd.md section 3).  Checks:
#
#   setpriv-unprivileged   the user is uid 65534 with no capabilities
#   irmd-refused           irmd started by that user (its own configuration
#                          and identity, in a namespace of its own) exits 1
#                          with a message naming CAP_NET_ADMIN: it cannot
#                          subscribe to the family's events
#   krctl-*-eperm          the family's operations (netns-get, flow-get,
#                          rekey-request) and its events group refuse the
#                          user with EPERM; the flow is not re-keyed
#   control-mode-0600      the control socket is root's, mode 0600
#   control-alloc-eacces   the user's flow_alloc() (krperf --alloc) gets
#                          EACCES, as do flow_accept() and irmd status; the
#                          irmd never saw a request from uid 65534
S=${1:-eperm}
. /with/vm/irmd-common.sh

FLOW='grace = 2000\nrekey-interval = 600000\nevent = 200\nkeepalive = 500\npeer-timeout = 5000'
U="setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all"
# The user's commands are cut short after 10 s: one that got in where it
# should not must fail its check, not hang the scenario (busybox timeout
# runs ip by its path, not its own applet).
T="timeout -s KILL 10 $(command -v ip)"

has_tx() { [ -n "$(im_tx a "$IA")" ]; }
eperm() { grep -q 'Operation not permitted' "$1" && grep -q 'CAP_NET_ADMIN' "$1"; }

# shellcheck disable=SC2086 # $U split on purpose
if im_begin "$FLOW"; then
	kr_irmd_start a && kr_irmd_start b || cnok irmds-started
	if im_traffic traffic 600 100 30; then
		kr_wait_for 10 has_tx
		E0=$(im_tx a "$IA")
		ip netns exec a $U cat /proc/self/status >"$D/unpriv-status" 2>&1
		c setpriv-unprivileged sh -c "grep -q '^Uid:[[:space:]]*65534[[:space:]]' $D/unpriv-status &&
			grep -q '^CapEff:[[:space:]]*0000000000000000' $D/unpriv-status &&
			grep -q '^CapPrm:[[:space:]]*0000000000000000' $D/unpriv-status"

		# irmd as that user: everything it needs is its own.
		U_DIR=/tmp/unpriv
		mkdir -p $U_DIR
		cp "$D/a.pem" $U_DIR/c.pem
		sed -e "s|^identity = .*|identity = $U_DIR/c.pem|" \
			-e "s|^control = .*|control = $U_DIR/c.sock|" \
			-e 's|^listen = .*|listen = 127.0.0.1:51818|' \
			-e 's|^name = .*|name = c|' "$D/a.conf" >$U_DIR/c.conf
		chown -R 65534:65534 $U_DIR
		chmod 600 $U_DIR/c.conf $U_DIR/c.pem
		ip netns add c && ip -n c link set lo up
		rc=0
		$T netns exec c $U irmd -f -c $U_DIR/c.conf >"$D/irmd-c.out" 2>&1 || rc=$?
		c irmd-refused sh -c "[ $rc = 1 ] && grep -q 'events: Operation not permitted (the events group needs CAP_NET_ADMIN' $D/irmd-c.out &&
			! grep -q 'started:' $D/irmd-c.out && [ ! -e $U_DIR/c.sock ]"
		ip netns del c

		# The family, from that user, in a's namespace.
		rc=0; $T netns exec a $U krctl stats >"$D/u-stats.out" 2>&1 || rc=$?
		c krctl-netns-get-eperm sh -c "[ $rc = 1 ]" && c krctl-netns-get-says eperm "$D/u-stats.out"
		rc=0; $T netns exec a $U krctl show "$IA" >"$D/u-show.out" 2>&1 || rc=$?
		c krctl-flow-get-eperm sh -c "[ $rc = 1 ]" && c krctl-flow-get-says eperm "$D/u-show.out"
		rc=0; $T netns exec a $U krctl rekey "$IA" >"$D/u-rekey.out" 2>&1 || rc=$?
		c krctl-rekey-eperm sh -c "[ $rc = 1 ]" && c krctl-rekey-says eperm "$D/u-rekey.out"
		rc=0; $T netns exec a $U krctl events --timeout 2 >"$D/u-events.out" 2>&1 || rc=$?
		c krctl-events-eperm sh -c "[ $rc = 1 ]" && c krctl-events-says eperm "$D/u-events.out"
		sleep 0.5
		kr_ns a krctl show "$IA" >"$D/show-after.txt" 2>&1
		c not-rekeyed sh -c "grep -q 'rekey not needed' $D/show-after.txt && [ '$(im_tx a "$IA")' = '$E0' ] &&
			! grep -q 're-key started' $KR_IRMD_DIR/irmd-a.log"

		# The control socket.
		c control-mode-0600 sh -c "[ \"\$(stat -c '%a %u %g' $KR_IRMD_RUN/a.sock)\" = '600 0 0' ]"
		rc=0
		KEYROT_IRMD_SOCKET=$KR_IRMD_RUN/a.sock $T netns exec a $U krperf \
			--alloc b echo --send 1 --recv 1 --timeout 3 >/dev/null \
			2>"$D/u-alloc.err" || rc=$?
		c control-alloc-eacces sh -c "[ $rc != 0 ] && grep -q 'flow_alloc b echo: Permission denied' $D/u-alloc.err"
		rc=0
		KEYROT_IRMD_SOCKET=$KR_IRMD_RUN/b.sock $T netns exec b $U krperf \
			--accept echo --send 1 --recv 1 --timeout 3 >/dev/null \
			2>"$D/u-accept.err" || rc=$?
		c control-accept-eacces sh -c "[ $rc != 0 ] && grep -q 'flow_accept echo: Permission denied' $D/u-accept.err"
		rc=0
		$T netns exec a $U irmd status -s $KR_IRMD_RUN/a.sock \
			>"$D/u-status.out" 2>&1 || rc=$?
		c control-status-eacces sh -c "[ $rc = 1 ] && grep -q 'Permission denied' $D/u-status.out"
		c no-request-from-user sh -c "! grep -q 'uid 65534' $KR_IRMD_DIR/irmd-a.log $KR_IRMD_DIR/irmd-b.log"
		im_end traffic 30
	fi
	kr_irmd_stop a; kr_irmd_stop b
fi
im_time
