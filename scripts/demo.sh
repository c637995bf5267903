#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh: keyrot's main job, shown in a VM (`make demo`).  Boots the
# Debian kernel KVER (6.1 by default; KVER=6.12), makes two hosts
# (namespaces a and b on a veth pair), each with its irmd (the control
# plane, docs/irmd.md); an application on b accepts a service, one on a
# allocates a flow to it through libkeyrot (krperf --accept / --alloc), and
# they send traffic both ways while the flow re-keys by itself: by the
# watermark (a test-only start value), by the interval, and once because
# a's application asks (scripts/demo-vm.sh).  Then it prints what happened
# (scripts/demo-report.py): a timeline, the epochs with their key ids, the
# packets each carried and why each ended, a final table per end.
#
# Exit status 0 only if the traffic arrived intact both ways, the three
# kinds of re-key happened and nothing was dropped.  Environment: KVER,
# CIPHER (aes-256-gcm or chacha20-poly1305), DEMO_OUT=DIR keeps the raw
# data (the VM's /out and its console log) in DIR.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
KVER=${KVER:-6.1}
CIPHER=${CIPHER:-aes-256-gcm}
N=3000			# DATA packets each way
RATE=300		# each way, per second: 10 s of traffic
START=$((96 * 67108864 - 150))	# epoch 1, direction 0: 150 packets to the watermark
INTERVAL=3500		# ms: a's flows re-key this often
REKEY_AT=1800		# a's application asks for a re-key before this packet

start=$SECONDS
echo "demo: building keyrot.ko for $KVER, irmd and the tools"
make -s -C "$top/tools" "$top/build/krctl" "$top/build/krperf"
make -s -C "$top/userspace" >/dev/null
ko=$("$top/scripts/kbuild.sh" "$KVER" plain)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=${DEMO_OUT:-$tmp/out}
# The VM sees it as /with/demo.conf.
printf 'CIPHER=%s\nN=%s\nRATE=%s\nSTART=%s\nINTERVAL=%s\nREKEY_AT=%s\n' \
	"$CIPHER" "$N" "$RATE" "$START" "$INTERVAL" "$REKEY_AT" >"$tmp/demo.conf"

echo "demo: booting the VM (kernel $KVER); about 30 s"
vm=0
"$top/tests/vm/run" --kernel "$KVER" --timeout 180 \
	--with "$ko" --with "$top/build/irmd" --with "$top/build/krctl" \
	--with "$top/build/krperf" --with "$top/tests/e2e/vm-lib.sh" \
	--with "$top/tests/e2e/irmd-lib.sh" --with "$tmp/demo.conf" \
	--out "$out" "$top/scripts/demo-vm.sh" || vm=$?
echo
status=0
/usr/bin/python3 "$top/scripts/demo-report.py" "$out" "$N" || status=$?
if [ "$vm" -ne 0 ]; then
	if [ -n "${DEMO_OUT:-}" ]; then
		echo "demo: the VM failed (exit $vm); see $out/console.log"
	else
		echo "demo: the VM failed (exit $vm); DEMO_OUT=DIR keeps its console log"
	fi
	status=1
fi
echo "demo: $((SECONDS - start)) s"
exit $status
