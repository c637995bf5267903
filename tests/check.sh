#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh: every test keyrot has, quick ones first.  Each test case is one
# line of $KEYROT_RESULTS; the last line printed is "N passed, N failed".
# `make check` runs this after `make deps`.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export KEYROT_CACHE=${KEYROT_CACHE:-$top/.cache}
export KEYROT_RESULTS=${KEYROT_RESULTS:-$KEYROT_CACHE/results.tsv}
rm -f "$KEYROT_RESULTS"
. tests/lib/results.sh
PY=/usr/bin/python3

fails() { grep -c '^FAIL' "$KEYROT_RESULTS" 2>/dev/null || true; }

# part NAME CMD...: the part records its own cases; one that fails without
# recording a failure still counts as one.
part() {
	local name=$1 before start
	shift
	before=$(fails)
	start=$SECONDS
	echo "=== $name"
	if "$@"; then
		echo "=== $name: done in $((SECONDS - start)) s"
		return 0
	fi
	[ "$(fails)" -gt "$before" ] || kr_result FAIL "$name" "exited non-zero"
	echo "=== $name: FAILED after $((SECONDS - start)) s"
}

part build/6.1 kr_check build/module-6.1 scripts/kbuild.sh 6.1 plain
part build/6.12 kr_check build/module-6.12 scripts/kbuild.sh 6.12 plain
part build/in-place kr_check build/make make -s module
part build/userspace kr_check build/userspace make -s userspace
part uapi kr_check uapi/ynl-generated scripts/ynl-uapi.sh --check
part style tests/style.sh
part spec $PY tests/lib/run_unittest.py --prefix spec \
	tests/spec/test_keyrot_v1.py tests/spec/test_gen_vectors.py \
	tests/spec/test_oap_v1.py
part ktap $PY tests/lib/run_unittest.py --prefix ktap tests/lib/test_ktap.py
part wire $PY tests/lib/run_unittest.py --prefix wire tests/wire/test_decode.py
part unit tests/unit/run.sh
part kunit-uml tests/kunit/uml.sh um
part kunit-uml-alt-vectors tests/kunit/alt-vectors.sh
part kunit-x86_64 tests/kunit/uml.sh x86_64
part vm-selftest tests/vm/selftest.sh
part kunit-vm-selftest tests/kunit/selftest.sh 6.1
part kunit-vm-6.1 tests/kunit/vm.sh 6.1
part kunit-vm-6.12 tests/kunit/vm.sh 6.12
part load-6.1 tests/e2e/load.sh 6.1
part load-6.12 tests/e2e/load.sh 6.12
part tools-vm-6.1 tools/vm-smoke.sh 6.1
part tools-vm-6.12 tools/vm-smoke.sh 6.12
part irmd-smoke-6.1 tests/e2e/irmd-smoke.sh 6.1
part irmd-smoke-6.12 tests/e2e/irmd-smoke.sh 6.12
part irmd-restart-6.1 tests/e2e/irmd-restart.sh 6.1
part irmd-matrix-6.1 tests/e2e/irmd-matrix.sh 6.1
part irmd-matrix-6.12 tests/e2e/irmd-matrix.sh 6.12
part irmd-restart-6.12 tests/e2e/irmd-restart.sh 6.12
part e2e-6.1 tests/e2e/run.sh 6.1
part e2e-6.12 tests/e2e/run.sh 6.12
part e2e-lifecycle tests/e2e/lifecycle.sh
part e2e-wire tests/e2e/wire.sh
part e2e-ynl tests/e2e/ynl.sh
part e2e-demo tests/e2e/demo-test.sh

echo "=== total time $SECONDS s"
scripts/summary.sh "$KEYROT_RESULTS"
