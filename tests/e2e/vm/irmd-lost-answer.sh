# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# irmd-lost-answer.sh (in the VM, tests/e2e/irmd-matrix.sh): an OAP answer
# is lost (docs/oap.md 9, docs/irmd.md section 7).  During traffic both
# ways, every OAP datagram b sends is dropped on the way (irmd-common.sh's
# im_drop_rule: routed to a neighbour nobody has; data is untouched), and
# a asks for a re-key (krctl rekey).  b answers (its seed installed,
# pending), the answer and its resends from b's cache are lost, a gives up
# after 3/4 of the grace period; then the loss stops.  Checks: b keeps
# transmitting on the current epoch with the new one pending (nothing sent
# blindly: a drops nothing, drop-epoch and drop-auth included), b asks
# holds? a grace period after its install, a answers not-held, b withdraws
# the seed, a's next exchange installs one new epoch at both ends, the
# withdrawn seed is never installed again, the traffic is intact.
S=${1:-lost-answer}
. /with/vm/irmd-common.sh

FLOW='grace = 2000\nrekey-interval = 600000\njitter = 0\nevent = 200\nretire = 500\nconfirm = 50\nkeepalive = 500\npeer-timeout = 5000'

withdrawn_not_used() {
	local k
	k=$(sed -n 's/.*holds? no: epoch [0-9]* key \([0-9a-f]*\) withdrawn.*/\1/p' \
		"$KR_IRMD_DIR/irmd-b.log" | head -n 1)
	[ -n "$k" ] && [ "$(im_txkey a "$IA")" != "$k" ] &&
		[ "$(im_txkey b "$IB")" != "$k" ] &&
		! grep -q "epoch switched .* key $k" "$KR_IRMD_DIR/irmd-a.log" \
			"$KR_IRMD_DIR/irmd-b.log"
}
has_tx() { [ -n "$(im_tx a "$IA")" ]; }

if im_begin "$FLOW"; then
	kr_irmd_start a && kr_irmd_start b || cnok irmds-started
	if im_traffic traffic 3000 300 30; then
		kr_wait_for 10 has_tx
		E0=$(im_tx a "$IA")
		E1=$(((E0 + 1) % 256))
		kr_wait_for 10 im_on "$E0" || cnok first-epoch
		c drop-b-oap im_drop_rule b on
		kr_ns a krctl rekey "$IA"
		c b-answered kr_wait_for 5 kr_irmd_log_has b "flow $IB: re-key answered: epoch $E1 installed"
		c a-gave-up kr_wait_for 5 kr_irmd_log_has a "flow $IA: re-key of epoch $E1: no answer from b after"
		# Still lost: b transmits on E0, E1 pending unconfirmed.
		im_show b "$IB" >"$D/lost-b.json"
		c b-not-ahead sh -c "grep -q '\"number\":$E0,\"key-id\":\"[0-9a-f]*\",\"state\":\"transmit\"' $D/lost-b.json &&
			grep -q '\"number\":$E1,\"key-id\":\"[0-9a-f]*\",\"state\":\"next\",\"confirmed\":false' $D/lost-b.json"
		c a-still-on-e0 [ "$(im_tx a "$IA")" = "$E0" ]
		im_drop_rule b off
		if kr_wait_for 15 im_on "$E1"; then
			sleep 1
			c one-new-epoch im_on "$E1"
		else
			cnok one-new-epoch "a on $(im_tx a "$IA"), b on $(im_tx b "$IB")"
		fi
		c unconfirmed-logged kr_irmd_log_has b "flow $IB: epoch $E1 still unconfirmed a grace period after its install"
		c holds-asked kr_irmd_log_has b "flow $IB: holds? asked: does a hold epoch $E1 key"
		c answered-not-held kr_irmd_log_has a "holds? from b about epoch $E1 key"
		c withdrawn kr_irmd_log_has b "flow $IB: holds? no: epoch $E1 key"
		c new-exchange-done kr_irmd_log_has a "flow $IA: re-key done: epoch $E1 installed"
		c never-reinstalled withdrawn_not_used
		im_end traffic 30
	fi
	kr_irmd_stop a; kr_irmd_stop b
fi
im_time
