#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# load.sh SERIES: the shipped keyrot.ko (scripts/kbuild.sh SERIES plain)
# loads and unloads cleanly on Debian's SERIES kernel in the VM: no warning,
# nothing left behind, twice in a row.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
series=${1:?usage: load.sh 6.1|6.12}
. "$top/tests/lib/results.sh"

ko=$("$top/scripts/kbuild.sh" "$series" plain)
script=$(mktemp)
trap 'rm -f "$script"' EXIT
cat >"$script" <<'VM'
set -e
. /with/vm-lib.sh
kr_load
rmmod keyrot
for i in 1 2; do
	insmod /with/keyrot.ko
	[ -d /sys/module/keyrot ]
	grep -q '^keyrot ' /proc/modules
	rmmod keyrot
	[ ! -d /sys/module/keyrot ]
done
echo loaded-and-unloaded >/out/ok
VM
out=$(mktemp -d)
if "$top/tests/vm/run" --kernel "$series" --with "$ko" \
	--with "$top/tests/e2e/vm-lib.sh" --out "$out" "$script" &&
   [ "$(cat "$out/ok" 2>/dev/null)" = loaded-and-unloaded ]; then
	kr_result PASS "vm-$series/load-unload"
	rm -rf "$out"
else
	kr_result FAIL "vm-$series/load-unload" "see $out/console.log"
	exit 1
fi
