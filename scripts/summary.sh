#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# summary.sh RESULTS: print the failed test names, then one closing line
# "N passed, N failed"; exit non-zero if anything failed or nothing ran.
set -euo pipefail

f=${1:?usage: summary.sh RESULTS}
[ -f "$f" ] || { echo "0 passed, 0 failed"; exit 1; }
pass=$(grep -c '^PASS' "$f" || true)
fail=$(grep -c '^FAIL' "$f" || true)
if [ "$fail" -gt 0 ]; then
	echo "failed:"
	grep '^FAIL' "$f" | cut -f2 | sed 's/^/  /'
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
