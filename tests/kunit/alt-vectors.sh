#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# alt-vectors.sh: the KUnit vector suites follow the file they are given.
# Writes a vectors file for fresh random seeds with tests/spec (the spec
# written again in Python), runs `make kunit VECTORS=that file`, and checks
# that the vector suites ran exactly that file's rows and passed.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${KEYROT_CACHE:-$top/.cache}
. "$top/tests/lib/results.sh"

alt=$cache/vectors-alt.json
/usr/bin/python3 "$top/tests/spec/make_vectors.py" --trees 3 "$alt"
rows=$(/usr/bin/python3 - "$alt" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))["vectors"]
print(len(v) + sum(len(x["nodes"]) + len(x["leaves"]) for x in v))
PY
)

# A results file of its own, so the default run's lines are not mixed in.
own=$cache/results-alt.tsv
rm -f "$own"
status=0
KEYROT_RESULTS=$own KEYROT_VECTORS=$alt "$top/tests/kunit/uml.sh" || status=$?
ran=$(grep -c $'^PASS\tuml/kr_keytree_vectors/' "$own" || true)
sed 's#\tuml/#\tuml-alt-vectors/#' "$own" >>"$KEYROT_RESULTS"

if [ "$status" -eq 0 ] && [ "$ran" -eq "$rows" ]; then
	kr_result PASS kunit-uml-alt-vectors/row-count
else
	kr_result FAIL kunit-uml-alt-vectors/row-count \
		"$ran vector cases passed, the file has $rows rows (status $status)"
	exit 1
fi
