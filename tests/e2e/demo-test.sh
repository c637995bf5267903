#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo-test.sh [SERIES...]: `make demo`'s script (scripts/demo.sh) on each
# kernel series (default 6.1 and 6.12) succeeds, within a minute, and
# prints what a person expects to read: the timeline with the flow
# allocated by irmd and the three re-key needs (watermark, interval,
# request) each answered and completed by irmd, the epochs with their key
# ids and the packets each carried, the final table with no drops, the
# traffic intact both ways.  Results e2e-SERIES/demo/CHECK.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/results.sh"
[ $# -gt 0 ] || set -- 6.1 6.12
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

status=0
for series in "$@"; do
	log=$work/demo-$series.txt
	start=$SECONDS
	rc=0
	KVER=$series DEMO_OUT=$work/out-$series "$top/scripts/demo.sh" \
		>"$log" 2>&1 || rc=$?
	took=$((SECONDS - start))
	echo "demo $series: exit $rc in $took s"

	# has NAME REGEX [COUNT]: the output has COUNT (default 1) lines
	# matching REGEX; "+COUNT": at least that many.
	has() {
		local n want=${3:-1}
		n=$(grep -cE -- "$2" "$log" || true)
		if [ "$n" -eq "${want#+}" ] ||
		   { [ "${want:0:1}" = + ] && [ "$n" -ge "${want#+}" ]; }; then
			kr_result PASS "e2e-$series/demo/$1"
		else
			kr_result FAIL "e2e-$series/demo/$1" \
				"$n lines match '$2', want $want"
			status=1
		fi
	}
	if [ $rc -eq 0 ]; then
		kr_result PASS "e2e-$series/demo/exit-0"
	else
		kr_result FAIL "e2e-$series/demo/exit-0" "exit $rc"
		status=1
	fi
	if [ $took -le 60 ]; then
		kr_result PASS "e2e-$series/demo/under-a-minute"
	else
		kr_result FAIL "e2e-$series/demo/under-a-minute" "$took s"
		status=1
	fi
	has header "^keyrot demo: kernel $series"
	has section-timeline '^Timeline '
	has section-epochs '^Epochs: '
	has section-final '^Final state of each end'
	has section-traffic '^Traffic checked by krperf'
	has flow-allocated '^ +[0-9.]+  flow allocated by irmd: a [0-9]+ <-> b [0-9]+, service echo'
	has irmd-answers '^ +[0-9.]+ +b: irmd answers: ' +4
	has irmd-completes '^ +[0-9.]+ +a: irmd completes: ' +4
	# Both ends cross the watermark and the interval at about the same
	# time; the control plane may answer the first before the second asks.
	has need-watermark '^ +[0-9.]+ +[ab]: re-key needed on epoch 1: watermark$' +1
	has need-interval '^ +[0-9.]+ +[ab]: re-key needed on epoch 2: interval$' +1
	has need-request '^ +[0-9.]+ +a: re-key needed on epoch 3: request$'
	has switches '^ +[0-9.]+ +[ab]: (confirms and )?transmits on epoch [234] key [0-9a-f]{16} \(was [123]\)$' 6
	# Four epochs, each with as many packets received as sent each way.
	has epochs-4 '^ +[1-4]  [0-9a-f]{16} +[0-9.]+ +([0-9]+) +\1 +([0-9]+) +\2  ' 4
	has epochs-ended-by '^ +[1-4]  [0-9a-f]{16} .*  (watermark|interval|request|\(last\))$' 4
	has final-rows-no-drops '^  [ab] +[0-9]+ +[4-9] +[0-9 ]+ 0$' 2
	has traffic-intact ': 3000/3000 DATA packets, 3000 in order, 0 corrupt, 0 missing, 0 duplicated  \(ok' 2
	has result-pass '^RESULT: PASS '
	if [ $status -ne 0 ]; then
		keep=$(mktemp -d /tmp/keyrot-demo.XXXXXX)
		cp -a "$log" "$work/out-$series" "$keep/" 2>/dev/null || true
		echo "demo $series: kept $keep"
	fi
done
exit $status
