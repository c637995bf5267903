#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# style.sh: every kernel source file clean under checkpatch --strict and
# kernel-doc (from linux-source-6.1), one result per file.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib/results.sh"
src=$("$top/scripts/linux-source.sh" 6.1)
cd "$top"

status=0
while IFS= read -r f; do
	# compat.h is the one place allowed to test the kernel version.
	ignore=
	[ "$f" = kmod/compat.h ] && ignore=--ignore=LINUX_VERSION_CODE,CONSTANT_COMPARISON
	if out=$("$src/scripts/checkpatch.pl" --strict --no-tree --quiet \
		$ignore -f "$f" 2>&1) &&
	   [ -z "$out" ]; then
		kr_result PASS "style/checkpatch/$f"
	else
		echo "$out"
		kr_result FAIL "style/checkpatch/$f"
		status=1
	fi
done < <(git ls-files -co --exclude-standard 'kmod/*.[ch]' 'kmod/tests/*.[ch]' \
	 'uapi/*.h' 'tests/vm/selftest/*/*.c' 'tests/kunit/example/*.c' | sort -u)

while IFS= read -r f; do
	if out=$("$src/scripts/kernel-doc" -none "$f" 2>&1) && [ -z "$out" ]; then
		kr_result PASS "style/kernel-doc/$f"
	else
		echo "$out"
		kr_result FAIL "style/kernel-doc/$f"
		status=1
	fi
done < <(git ls-files -co --exclude-standard 'kmod/*.[ch]' | sort -u)
# The self-starting VM build must list every suite the tests register.
for suite in $(grep -ho 'kr_kunit_suite([a-z_]*)' kmod/tests/*_test.c |
	       sed 's/.*(\(.*\))/\1/'); do
	if grep -q "&kr_suite_$suite," kmod/tests/selfstart.c &&
	   grep -q "kr_suite_$suite;" kmod/tests/suites.h; then
		kr_result PASS "style/selfstart-lists/$suite"
	else
		kr_result FAIL "style/selfstart-lists/$suite" \
			"not in kmod/tests/selfstart.c and suites.h"
		status=1
	fi
done
exit $status
