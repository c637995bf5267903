#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# wire.sh [SERIES...]: what keyrot puts on the wire, judged by a decoder
# written from the spec alone (tests/wire/decode.py), on each kernel series
# (default 6.1 and 6.12).  In the VM (wire-vm.sh): tcpdump on a's veth
# while krperf sends both ways across four re-keys (epochs 253 .. 1, so the
# epoch byte wraps 255 -> 0; one seed starts 40 packets below a node edge),
# once with AES-256-GCM over IPv4 and once with ChaCha20-Poly1305 over
# IPv6.  On the host: capture.json from what the test chose and sent
# (wire-capture.py), then the decoder's verdict, one result per check,
# named e2e-SERIES/wire/CIPHER/CHECK; and two copies of capture.json
# made wrong (one seed, one plaintext) must fail.
#
# KEYROT_CAPTURE_DIR=DIR leaves wire.pcap and capture.json in DIR (the
# AES-256-GCM capture of the first series), and every capture in
# DIR/SERIES/CIPHER/.  `make wiretest` runs this alone.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/results.sh"
. "$top/tests/e2e/vm-results.sh"
PY=/usr/bin/python3
[ $# -gt 0 ] || set -- 6.1 6.12
CIPHERS="aes-256-gcm chacha20-poly1305"

make -s -C "$top/tools" "$top/build/krctl" "$top/build/krperf"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Fresh random root seeds for every run, five per cipher.
for c in $CIPHERS; do
	mkdir -p "$work/wire-seeds/$c"
	for i in 0 1 2 3 4; do
		od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$work/wire-seeds/$c/s$i"
	done
done

# verdict SERIES CIPHER NAME REPORT CHECK: one result from a decoder report.
verdict() {
	if "$PY" "$top/tests/e2e/wire-capture.py" verdict "$4" "$5"; then
		kr_result PASS "e2e-$1/wire/$2/$3"
	else
		kr_result FAIL "e2e-$1/wire/$2/$3" "${4##*/}: $5 does not hold"
		status=1
	fi
}

status=0
first=1
for series in "$@"; do
	ko=$("$top/scripts/kbuild.sh" "$series" plain)
	out=$work/vm-$series
	start=$SECONDS
	vm=0
	"$top/tests/vm/run" --kernel "$series" --timeout 300 \
		--with "$ko" --with "$top/build/krctl" --with "$top/build/krperf" \
		--with /usr/bin/tcpdump --with "$work/wire-seeds" \
		--with "$top/tests/e2e/vm-lib.sh" \
		--with "$top/tests/e2e/vm-check.sh" \
		--out "$out" "$top/tests/e2e/wire-vm.sh" || vm=$?
	echo "wire $series: VM exit $vm in $((SECONDS - start)) s"
	kr_vm_results "$out/results" "e2e-$series/wire" || status=1
	if [ "$vm" -ne 0 ]; then
		kr_result FAIL "e2e-$series/wire/vm" "exit $vm, see $out/console.log"
		status=1
	fi

	for c in $CIPHERS; do
		d=$out/$c
		name=e2e-$series/wire/$c
		if [ ! -s "$d/wire.pcap" ] || [ ! -s "$d/meta" ]; then
			kr_result FAIL "$name/decode" "no capture from the VM"
			status=1
			continue
		fi
		"$PY" "$top/tests/e2e/wire-capture.py" info "$d" \
			"$work/wire-seeds/$c" "$series"
		rc=0
		"$PY" "$top/tests/wire/decode.py" --pcap "$d/wire.pcap" \
			--info "$d/capture.json" >"$d/decode.txt" 2>&1 || rc=$?
		"$PY" "$top/tests/wire/decode.py" --pcap "$d/wire.pcap" \
			--info "$d/capture.json" --json >"$d/decode.json" 2>/dev/null || true
		# The summary, and only the first per-packet failures.
		awk 'NR <= 20 { print "    " $0 }' "$d/decode.txt"
		if [ $rc -eq 0 ] && grep -q '^RESULT: PASS' "$d/decode.txt"; then
			kr_result PASS "$name/decode-pass"
		else
			kr_result FAIL "$name/decode-pass" "decode.py exit $rc"
			status=1
		fi
		if [ -s "$d/decode.json" ]; then
			for chk in packets_found all_authenticated plaintexts_match \
				no_nonce_reuse; do
				verdict "$series" "$c" "$chk" "$d/decode.json" "$chk"
			done
			verdict "$series" "$c" all-seeds-used "$d/decode.json" all-seeds-used
			verdict "$series" "$c" epoch-wraps-255-0 "$d/decode.json" wrap
			verdict "$series" "$c" node-edge-crossed "$d/decode.json" edge:2
			verdict "$series" "$c" d0-data "$d/decode.json" data:d0:1500
			verdict "$series" "$c" d1-data "$d/decode.json" data:d1:1500
		fi

		# It can fail: one seed wrong, one plaintext changed.
		"$PY" "$top/tests/e2e/wire-capture.py" corrupt-seed \
			"$d/capture.json" "$d/bad-seed.json" 2
		rc=0
		"$PY" "$top/tests/wire/decode.py" --pcap "$d/wire.pcap" \
			--info "$d/bad-seed.json" --json >"$d/bad-seed.out" 2>&1 || rc=$?
		if [ $rc -eq 1 ] &&
		   "$PY" "$top/tests/e2e/wire-capture.py" verdict "$d/bad-seed.out" auth-failures &&
		   "$PY" "$top/tests/e2e/wire-capture.py" verdict "$d/bad-seed.out" not-all_authenticated; then
			kr_result PASS "$name/wrong-seed-fails"
		else
			kr_result FAIL "$name/wrong-seed-fails" "decode.py exit $rc"
			status=1
		fi
		"$PY" "$top/tests/e2e/wire-capture.py" corrupt-plaintext \
			"$d/capture.json" "$d/bad-plaintext.json" 1 100
		rc=0
		"$PY" "$top/tests/wire/decode.py" --pcap "$d/wire.pcap" \
			--info "$d/bad-plaintext.json" --json >"$d/bad-plaintext.out" 2>&1 || rc=$?
		if [ $rc -eq 1 ] &&
		   "$PY" "$top/tests/e2e/wire-capture.py" verdict "$d/bad-plaintext.out" not-plaintexts_match &&
		   "$PY" "$top/tests/e2e/wire-capture.py" verdict "$d/bad-plaintext.out" all_authenticated; then
			kr_result PASS "$name/wrong-plaintext-fails"
		else
			kr_result FAIL "$name/wrong-plaintext-fails" "decode.py exit $rc"
			status=1
		fi

		if [ -n "${KEYROT_CAPTURE_DIR:-}" ]; then
			mkdir -p "$KEYROT_CAPTURE_DIR/$series/$c"
			cp "$d/wire.pcap" "$d/capture.json" "$d/decode.txt" \
				"$KEYROT_CAPTURE_DIR/$series/$c/"
			if [ $first -eq 1 ] && [ "$c" = aes-256-gcm ]; then
				cp "$d/wire.pcap" "$d/capture.json" "$KEYROT_CAPTURE_DIR/"
			fi
		fi
	done
	first=0
	if [ $status -ne 0 ]; then
		keep=$(mktemp -d /tmp/keyrot-wire.XXXXXX)
		cp -a "$out/." "$keep/"
		echo "wire $series: kept $keep"
	fi
done
exit $status
