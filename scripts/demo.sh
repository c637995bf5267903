#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh: keyrot's main job, shown in a VM (`make demo`).  Boots the
# Debian kernel KVER (6.1 by default; KVER=6.12), makes two hosts
# (namespaces a and b on a veth pair), opens one flow between them and
# sends traffic both ways with krperf, while this demo, with krctl, is the
# control plane: it installs the seeds and answers three re-key needs, one
# by the watermark, one by the interval, one by request (scripts/demo-vm.sh).
# Then it prints what happened (scripts/demo-report.py): a timeline, the
# epochs and the packets each carried, a final table per end.
#
# Exit status 0 only if the traffic arrived intact both ways, the three
# re-keys happened and nothing was dropped.  Environment: KVER, CIPHER
# (aes-256-gcm or chacha20-poly1305), DEMO_OUT=DIR keeps the raw data
# (the VM's /out and its console log) in DIR.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
KVER=${KVER:-6.1}
CIPHER=${CIPHER:-aes-256-gcm}
N=3000			# DATA packets each way
RATE=300		# each way, per second: 10 s of traffic

start=$SECONDS
echo "demo: building keyrot.ko for $KVER and the tools"
make -s -C "$top/tools" "$top/build/krctl" "$top/build/krperf"
ko=$("$top/scripts/kbuild.sh" "$KVER" plain)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=${DEMO_OUT:-$tmp/out}
# The VM sees it as /with/demo.conf.
printf 'CIPHER=%s\nN=%s\nRATE=%s\n' "$CIPHER" "$N" "$RATE" >"$tmp/demo.conf"

echo "demo: booting the VM (kernel $KVER); about 30 s"
vm=0
"$top/tests/vm/run" --kernel "$KVER" --timeout 180 \
	--with "$ko" --with "$top/build/krctl" --with "$top/build/krperf" \
	--with "$top/tests/e2e/vm-lib.sh" --with "$tmp/demo.conf" \
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
