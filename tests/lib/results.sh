# SPDX-License-Identifier: GPL-2.0
#
# Sourced by test scripts: record one result per test case in the file
# $KEYROT_RESULTS (one "PASS|FAIL<TAB>name" line each), so that `make check`
# can end with one "N passed, N failed" line over every kind of test.

: "${KEYROT_RESULTS:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.cache/results.tsv}"
mkdir -p "$(dirname "$KEYROT_RESULTS")"

# kr_result PASS|FAIL NAME [DETAIL]
kr_result() {
	printf '%s\t%s\n' "$1" "$2" >>"$KEYROT_RESULTS"
	if [ "$1" = PASS ]; then
		printf 'PASS %s\n' "$2"
	else
		printf 'FAIL %s%s\n' "$2" "${3:+: $3}"
	fi
}

# kr_check NAME CMD...: run CMD, record PASS if it exits 0, FAIL otherwise.
kr_check() {
	local name=$1
	shift
	if "$@"; then
		kr_result PASS "$name"
	else
		kr_result FAIL "$name" "exit $?"
		return 1
	fi
}
