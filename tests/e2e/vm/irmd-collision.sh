# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# irmd-collision.sh (in the VM, tests/e2e/irmd-matrix.sh): both ends need a
# re-key at once (docs/oap.md 10, docs/irmd.md section 6).  During traffic
# both ways, OAP is lost both ways for a moment (im_drop_rule at a and at
# b) while both ends are asked for a re-key (krctl rekey); once both have
# sent their rekey-req for the same epoch, the loss stops and their resends
# cross.  Checks: the initiator's (a's) exchange wins: a answered b's
# request "collision" and/or b yielded to a's, a completed ("re-key done"),
# b answered a's request and never completed its own; one new epoch at
# both ends (the same key, nothing pending, and no second switch); the
# traffic is intact, nothing dropped.
S=${1:-collision}
. /with/vm/irmd-common.sh

FLOW='grace = 2000\nrekey-interval = 600000\njitter = 0\nevent = 200\nretire = 500\nconfirm = 50\nkeepalive = 500\npeer-timeout = 5000'

has_tx() { [ -n "$(im_tx a "$IA")" ]; }
both_started() {
	kr_irmd_log_has a "flow $IA: re-key started: epoch $E0 -> $E1 " &&
		kr_irmd_log_has b "flow $IB: re-key started: epoch $E0 -> $E1 "
}
seen_collision() {
	kr_irmd_log_has a "flow $IA: collision: both ends re-keyed epoch $E1; this end (initiator) wins: answered collision" ||
		kr_irmd_log_has b "flow $IB: collision: both ends re-keyed epoch $E1; this end (responder) yields to the initiator's exchange"
}

if im_begin "$FLOW"; then
	kr_irmd_start a && kr_irmd_start b || cnok irmds-started
	if im_traffic traffic 3000 300 30; then
		kr_wait_for 10 has_tx
		E0=$(im_tx a "$IA")
		E1=$(((E0 + 1) % 256))
		kr_wait_for 10 im_on "$E0" || cnok first-epoch
		im_drop_rule a on && im_drop_rule b on
		kr_ns a krctl rekey "$IA" &
		kr_ns b krctl rekey "$IB"
		wait $!
		c both-requested kr_wait_for 5 both_started
		im_drop_rule a off; im_drop_rule b off
		if kr_wait_for 10 im_on "$E1"; then
			sleep 1
			c one-new-epoch im_on "$E1"
		else
			cnok one-new-epoch "a on $(im_tx a "$IA"), b on $(im_tx b "$IB")"
		fi
		c collision-detected seen_collision
		c initiator-exchange-won kr_irmd_log_has a "flow $IA: re-key done: epoch $E1 installed"
		c responder-answered kr_irmd_log_has b "flow $IB: re-key answered: epoch $E1 installed, pending until the peer's first packet on it (a requested"
		c responder-did-not-complete sh -c "! grep -q 'flow $IB: re-key done: epoch $E1 ' $KR_IRMD_DIR/irmd-b.log"
		c one-switch-each sh -c "[ \$(grep -c 'epoch switched $E0 -> $E1 ' $KR_IRMD_DIR/irmd-a.log) = 1 ] &&
			[ \$(grep -c 'epoch switched $E0 -> $E1 ' $KR_IRMD_DIR/irmd-b.log) = 1 ] &&
			! grep -q 'epoch switched $E1 -> ' $KR_IRMD_DIR/irmd-a.log $KR_IRMD_DIR/irmd-b.log"
		# For the record: which sides saw it.
		{
			grep 'collision' "$KR_IRMD_DIR/irmd-a.log" "$KR_IRMD_DIR/irmd-b.log"
			grep 'late rekey-ans refused' "$KR_IRMD_DIR/irmd-b.log"
		} >"$D/collision-lines" 2>&1
		im_end traffic 30
	fi
	kr_irmd_stop a; kr_irmd_stop b
fi
im_time
