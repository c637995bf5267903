# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# irmd-kill-rekey.sh (in the VM, tests/e2e/irmd-matrix.sh): irmd killed at
# each step of a re-key in turn (docs/irmd.md section 9, --fail-at=STEP),
# first with a as the re-key's requester X and b as its answering end Y,
# then the other way round, so that every step is taken at both ends.
#
# Each case is a fresh flow from a to b's "echo" with traffic both ways
# (krperf, 1500 packets each way at 300/s, lingering after); re-keys only
# happen when the case asks one (krctl rekey at X: rekey-interval 600 s),
# so the step is reached exactly once.  Results kill-STEP/END/CHECK, END
# the end that dies at STEP:
#
#   exit-99          it exits with the documented status 99 and logs
#                    "fail-at STEP: exiting here as asked"
#   kernel-carries   while it is dead both kernels go on carrying the
#                    traffic (rx counters grow) on the current epoch (the
#                    same at both ends: E0, or E0+1 when the step is after
#                    the completing end's install)
#   adopted          restarted, it adopts the flow through the dump, and
#                    its status says "state=adopted"
#   one-new-epoch    then both ends transmit on E0+1, confirmed and seen,
#                    with the same key id, nothing pending, and stay there
#   traffic-intact, no-drops   (irmd-common.sh): no packet lost, no drop
#                    counter above 0 at either end: in particular nothing
#                    was sent on a seed the peer did not hold (drop-epoch,
#                    drop-auth)
#
# and what docs/irmd.md promises for the step:
#
#   rekey-req-sent, rekey-req-answered (X)   Y's seed stays unconfirmed;
#       Y asks holds?, the restarted X answers not-held, Y withdraws it;
#       the withdrawn seed is never installed again (never-reinstalled)
#   rekey-req-installed (X)   X's kernel moved at once; Y moved on X's
#       packets: no holds? needed
#   rekey-resp-opened (Y)     nothing installed at Y; X gives up ("no
#       answer"), retries after the restart
#   rekey-resp-installed (Y)  Y's seed pending; X gives up; the restarted
#       Y adopts it as pending, asks holds? under a stand-in exchange id,
#       withdraws on not-held
#   rekey-resp-answered (Y)   X installed: both move, no holds? needed
#   holds-req-sent (Y)        (X first dies at rekey-req-answered) Y dies
#       right after asking: its seed stays pending (never withdrawn
#       without an answer); restarted, stand-in holds?, withdraw
#   holds-resp-answered (X)   (X first dies at rekey-req-answered, then
#       its second life at this step) X answers not-held and dies; Y
#       withdraws on that answer
#   holds-req-answered (Y)    (X first dies at rekey-req-answered) Y takes
#       the not-held answer and dies: nothing withdrawn yet; restarted,
#       stand-in holds?, withdraw
S=${1:-kill-rekey}
. /with/vm/irmd-common.sh

FLOW='grace = 1000\nrekey-interval = 600000\njitter = 0\nevent = 100\nretire = 300\nconfirm = 50\nkeepalive = 500\npeer-timeout = 5000'
NPK=1500

# id a|b: that end's flow id.
id() { if [ "$1" = a ]; then echo "$IA"; else echo "$IB"; fi; }
other() { if [ "$1" = a ]; then echo b; else echo a; fi; }

# start NS [STEP]: (re)start NS's irmd, with --fail-at=STEP if given.
start() {
	kr_irmd_start "$1" ${2:+--fail-at=$2}
}

# died NS STEP [CHECK]: NS's irmd exits at STEP with status 99.
died() {
	local rc=0
	kr_irmd_wait "$1" 15 || rc=$?
	echo "$1 exited $rc" >>"$D/$tag-exits"
	c "${3:-exit-99}" died_ok $rc "$1" "$2"
}

died_ok() { [ "$1" = 99 ] && im_has "$2" "fail-at $3: exiting here as asked"; }

# carries E...: both kernels carry traffic while an irmd is dead, both on
# the same epoch, one of E....
carries() {
	local a0 b0 a1 b1 ta tb e okep=no
	a0=$(im_rx a "$IA"); b0=$(im_rx b "$IB")
	sleep 0.6
	a1=$(im_rx a "$IA"); b1=$(im_rx b "$IB")
	ta=$(im_tx a "$IA"); tb=$(im_tx b "$IB")
	for e in "$@"; do
		[ "$ta" = "$e" ] && [ "$tb" = "$e" ] && okep=yes
	done
	echo "rx a $a0 -> $a1, b $b0 -> $b1; transmit a $ta b $tb (want $*)" \
		>"$D/$tag-carries"
	[ "${a1:-0}" -gt "${a0:-0}" ] && [ "${b1:-0}" -gt "${b0:-0}" ] &&
		[ $okep = yes ] && ! im_show a "$IA" | grep -q flowdown &&
		! im_show b "$IB" | grep -q flowdown
}

# adopted NS: NS's restarted irmd adopted the flow, and says so.
adopted() {
	im_has "$1" "flow $(id "$1"): adopted: peer " &&
		kr_irmd_status "$1" | grep -q "flow=$(id "$1") .*state=adopted"
}

hasnt() { ! im_has "$1" "$2"; }
has_tx() { [ -n "$(im_tx a "$IA")" ]; }

# then NS A B: in NS's log since the mark, the line after one with A has B.
then_() { im_since "$1" | grep -A1 -F -- "$2" | grep -qF -- "$3"; }

# never_reinstalled: no seed Y withdrew became an epoch at either end.
never_reinstalled() {
	local k n=0
	for k in $(im_since "$Y" | sed -n 's/.*holds? no: epoch [0-9]* key \([0-9a-f]*\) withdrawn.*/\1/p'); do
		n=$((n + 1))
		im_since a | grep -q "epoch switched .* key $k" && return 1
		im_since b | grep -q "epoch switched .* key $k" && return 1
		[ "$(im_txkey a "$IA")" != "$k" ] || return 1
	done
	[ $n -ge 1 ]
}

# kcase STEP END [FX] [FY] [FX2]: one case; STEP taken at END; X starts
# with --fail-at=FX, Y with FY, X's second life with FX2.
kcase() {
	local step=$1 at=$2 fx=${3:-} fy=${4:-} fx2=${5:-} e1 dt main
	S=kill-$step/$at
	tag=$X-$step
	kr_irmd_stop a; kr_irmd_stop b
	im_mark
	start "$X" "$fx" && start "$Y" "$fy" || { cnok irmds-started; return 1; }
	im_traffic "$tag" $NPK 300 30 || return 1
	kr_wait_for 10 has_tx
	E0=$(im_tx a "$IA")
	kr_wait_for 10 im_on "$E0" || { cnok first-epoch "not on $E0 at both ends"; }
	e1=$(((E0 + 1) % 256))
	kr_ns "$X" krctl rekey "$(id "$X")" >"$D/$tag-rekey.out" 2>&1
	# Deaths before the one at STEP (holds? needs a seed Y answered for
	# and X never installed): X at rekey-req-answered, restarted.
	if [ -n "$fx2" ] || { [ -n "$fx" ] && [ -n "$fy" ]; }; then
		died "$X" rekey-req-answered prep-exit-99
		start "$X" "$fx2"
	fi
	main=$at
	case $step in
	rekey-req-installed | rekey-resp-answered) dt=$e1 ;;
	*) dt=$E0 ;;
	esac
	if [ -n "$fx2" ]; then
		died "$X" "$fx2"
	elif [ "$at" = "$X" ]; then
		died "$X" "$fx"
	else
		died "$Y" "$fy"
	fi
	# What the dead end left in its kernel.
	im_show "$main" "$(id "$main")" >"$D/$tag-dead-$main.json" 2>&1
	case $step in
	rekey-resp-opened)
		c nothing-installed sh -c "! grep -q '\"state\":\"next\"' $D/$tag-dead-$main.json" ;;
	rekey-resp-installed | holds-req-sent | holds-req-answered)
		c seed-kept-pending grep -q '"state":"next","confirmed":false' "$D/$tag-dead-$main.json" ;;
	esac
	c kernel-carries carries "$dt"
	start "$main" || cnok restarted
	c adopted adopted "$main"
	if kr_wait_for 15 im_on "$e1"; then
		sleep 0.6
		c one-new-epoch im_on "$e1"
	else
		cnok one-new-epoch "a on $(im_tx a "$IA"), b on $(im_tx b "$IB"), want $e1 at both"
	fi
	im_end "$tag" 30
	case $step in
	rekey-req-sent | rekey-req-answered | holds-resp-answered)
		c holds-asked im_has "$Y" "flow $(id "$Y"): holds? asked: does $X hold epoch $e1"
		c answered-not-held im_has "$X" "holds? from $Y about epoch $e1 key"
		c withdrawn im_has "$Y" "flow $(id "$Y"): holds? no: epoch $e1 key"
		c never-reinstalled never_reinstalled ;;
	rekey-req-installed | rekey-resp-answered)
		c no-holds-needed hasnt "$Y" "holds? asked"
		c survivor-switched im_has "$(other "$at")" "flow $(id "$(other "$at")"): epoch switched $E0 -> $e1 " ;;
	rekey-resp-opened)
		c x-gave-up im_has "$X" "re-key of epoch $e1: no answer from $Y after"
		c rekey-done-after-restart im_has "$X" "re-key done: epoch $e1 installed" ;;
	rekey-resp-installed | holds-req-sent | holds-req-answered)
		c adopted-with-pending im_has "$Y" "flow $(id "$Y"): adopted: peer $X, role $(role "$Y"), peer flow $(id "$X"), transmit epoch $E0, epoch $e1 pending"
		c holds-stand-in im_has "$Y" "holds? asked: does $X hold epoch $e1 key"
		c stand-in-id im_has "$Y" "(exchange not known here: a stand-in id)"
		c answered-not-held im_has "$X" "holds? from $Y about epoch $e1 key"
		c withdrawn im_has "$Y" "flow $(id "$Y"): holds? no: epoch $e1 key"
		c never-reinstalled never_reinstalled ;;
	esac
	case $step in
	rekey-resp-installed) c x-gave-up im_has "$X" "re-key of epoch $e1: no answer from $Y after" ;;
	holds-resp-answered)
		c died-after-answering then_ "$X" "holds? from $Y about epoch $e1" "fail-at holds-resp-answered" ;;
	holds-req-answered)
		c died-after-taking-answer then_ "$Y" "holds? $X answered not-held about epoch $e1" "fail-at holds-req-answered" ;;
	esac
}

role() { if [ "$1" = a ]; then echo initiator; else echo responder; fi; }

D0=$D
if im_begin "$FLOW" 'accept-timeout = 500'; then
	kr_irmd_start a && kr_irmd_start b
	for X in a b; do
		Y=$(other $X)
		kcase rekey-req-sent "$X" rekey-req-sent
		kcase rekey-req-answered "$X" rekey-req-answered
		kcase rekey-req-installed "$X" rekey-req-installed
		kcase rekey-resp-opened "$Y" "" rekey-resp-opened
		kcase rekey-resp-installed "$Y" "" rekey-resp-installed
		kcase rekey-resp-answered "$Y" "" rekey-resp-answered
		kcase holds-req-sent "$Y" rekey-req-answered holds-req-sent
		kcase holds-resp-answered "$X" rekey-req-answered "" holds-resp-answered
		kcase holds-req-answered "$Y" rekey-req-answered holds-req-answered
	done
	S=kill-rekey
	kr_irmd_stop a; kr_irmd_stop b
fi
D=$D0
im_time
