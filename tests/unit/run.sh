#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh: build the userspace unit tests (make -C tools unit, make -C
# userspace unit) and run each;
# every "PASS name" / "FAIL name" line becomes a unit/<program>/<name>
# result in $KEYROT_RESULTS.  A program that dies before its summary line
# ("N passed, N failed") or exits non-zero without a FAIL line counts as
# one failure.  Exit status: 0 if everything passed.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/results.sh"
out=$top/build/unit
PY=/usr/bin/python3
vectors=${KEYROT_VECTORS:-$top/../shared/spec/vectors-v1.json}
[ -f "$vectors" ] || vectors=$top/tests/vectors/vectors-v1.json

for dir in tools userspace; do
	if ! make -s -C "$top/$dir" unit >"$out.log" 2>&1; then
		cat "$out.log"
		kr_result FAIL unit/build "make -C $dir unit failed"
		exit 1
	fi
done

# "ROOT KEY_ID" lines of the vectors file, for keyid_test.
pairs() {
	"$PY" -c 'import json, sys
for v in json.load(open(sys.argv[1]))["vectors"]:
    print(v["root"], v["key_id"])' "$vectors"
}

# "NAME HEX" lines of the OAP test vector, for oap_vector_test.
oap_vector() {
	"$PY" -c 'import json, sys
for k, v in json.load(open(sys.argv[1]))["expected"].items():
    print(k, v)' "$top/tests/vectors/oap-v1.json"
}

status=0
for prog in krctl_args krctl_seed krctl_fdstate keyid krperf_payload \
	krperf_loop oap_msg oap_crypto oap_cache oap_retry oap_ident \
	oap_session oap_tamper oap_vector irmd_config irmd_reg irmd_ctlmsg; do
	if [ "$prog" = keyid ]; then
		log=$(pairs | timeout 120 "$out/$prog" 2>&1)
	elif [ "$prog" = oap_vector ]; then
		log=$(oap_vector | timeout 120 "$out/$prog" 2>&1)
	else
		log=$(timeout 120 "$out/$prog" </dev/null 2>&1)
	fi
	rc=$?
	fails=0
	while IFS= read -r line; do
		case $line in
		"PASS "*)
			kr_result PASS "unit/$prog/${line#PASS }" ;;
		"FAIL "*)
			name=${line#FAIL }
			kr_result FAIL "unit/$prog/${name%% *}" "${name#* }"
			fails=$((fails + 1)) ;;
		esac
	done <<<"$log"
	if [ $rc -ne 0 ] && [ $fails -eq 0 ]; then
		echo "$log" | tail -20
		kr_result FAIL "unit/$prog" "exit $rc before reporting a failure"
	fi
	if ! grep -q '^[0-9]* passed, [0-9]* failed$' <<<"$log"; then
		[ $rc -ne 0 ] || kr_result FAIL "unit/$prog" "no summary line"
		rc=1
	fi
	[ $rc -eq 0 ] || status=1
done
exit $status
