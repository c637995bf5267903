#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# selftest.sh [SERIES]: the VM KUnit pipeline can fail.  Runs the example
# test module (tests/kunit/example) through tests/kunit/vm.sh twice: as is,
# it must pass with its known cases; with fail=1, vm.sh must fail and report
# exactly the three cases the example breaks on purpose.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
series=${1:-6.1}
cache=${KEYROT_CACHE:-$top/.cache}
. "$top/tests/lib/results.sh"

own=$cache/results-kunit-selftest.tsv
run() {
	rm -f "$own"
	KEYROT_RESULTS=$own KEYROT_KUNIT_TEST_KO=example \
		KEYROT_KUNIT_TEST_ARGS=$1 "$top/tests/kunit/vm.sh" "$series" \
		>"$cache/kunit-selftest.log" 2>&1
}

if run "" && [ "$(grep -c '^FAIL' "$own")" -eq 0 ] &&
   [ "$(grep -c '^PASS' "$own")" -gt 5 ]; then
	kr_result PASS "kunit-selftest-$series/example-passes"
else
	kr_result FAIL "kunit-selftest-$series/example-passes" \
		"see $cache/kunit-selftest.log"
fi

want="kr_example/kr_ex_assert_stops
kr_example/kr_ex_param_case/one
kr_example/kr_ex_toggled"
if ! run "fail=1"; then
	got=$(grep '^FAIL' "$own" | cut -f2 | sed "s#^vm-$series/##" | sort)
	if [ "$got" = "$want" ]; then
		kr_result PASS "kunit-selftest-$series/failures-reported"
	else
		kr_result FAIL "kunit-selftest-$series/failures-reported" \
			"reported: $(echo $got)"
	fi
else
	kr_result FAIL "kunit-selftest-$series/failures-reported" \
		"vm.sh passed with fail=1"
fi
