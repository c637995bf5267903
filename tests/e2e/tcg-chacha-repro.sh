#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tcg-chacha-repro.sh [SERIES] [BOOTS]: the crash of README.md "Known
# problems", reproduced without keyrot (not part of `make check`: it tests
# the emulator, and fails under Debian 12's own QEMU 7.2; it passes under
# the QEMU that scripts/deps.sh installs).  Each of BOOTS boots (default 4) of Debian's SERIES
# kernel (default 6.12) in the VM makes the two hosts of vm-lib.sh, joins
# them with IPsec ESP in transport mode using rfc7539esp(chacha20,poly1305)
# (ip xfrm; keyrot.ko is never loaded) and floods plain UDP both ways,
# 40,000 datagrams each, six times.  Prints one line per boot; a boot that
# died shows the oops and its EFLAGS line.  Exit status: the number of
# boots that died.  Seen on 6.12 under QEMU 7.2 TCG: a double fault in
# kmalloc from udp_sendmsg, EFLAGS the low half of RAX, as with keyrot.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
series=${1:-6.12}
boots=${2:-4}

work=$(mktemp -d)
died=0
# A boot that failed leaves its console and outputs for a look.
trap '[ "$died" = 0 ] && rm -rf "$work" || echo "tcg-chacha-repro: the boots are in $work"' EXIT
cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -static \
	-o "$work/udpflood" "$top/tests/e2e/udpflood.c"
cat >"$work/esp-flood.sh" <<'VM'
. /with/vm-lib.sh
modprobe chacha20poly1305 && modprobe esp4 && modprobe xfrm_user || exit 1
aead='rfc7539esp(chacha20,poly1305)'
key() { echo "0x$(head -c 36 /dev/urandom | od -An -tx1 | tr -d ' \n')"; }
for i in 1 2 3 4 5 6; do
	ip netns del a 2>/dev/null
	ip netns del b 2>/dev/null
	kr_hosts || exit 1
	k1=$(key)
	k2=$(key)
	for ns in a b; do
		ip -n $ns xfrm state add src 10.99.0.1 dst 10.99.0.2 proto esp \
			spi 0x100 mode transport aead "$aead" "$k1" 128 || exit 1
		ip -n $ns xfrm state add src 10.99.0.2 dst 10.99.0.1 proto esp \
			spi 0x200 mode transport aead "$aead" "$k2" 128 || exit 1
	done
	for p in "a 10.99.0.1 10.99.0.2" "b 10.99.0.2 10.99.0.1"; do
		set -- $p
		ip -n $1 xfrm policy add src $2 dst $3 dir out \
			tmpl proto esp mode transport || exit 1
		ip -n $1 xfrm policy add src $3 dst $2 dir in \
			tmpl proto esp mode transport || exit 1
	done
	ip netns exec a /with/udpflood recv 9000 40000 >/out/recv-a-$i &
	ip netns exec b /with/udpflood recv 9000 40000 >/out/recv-b-$i &
	sleep 0.3
	ip netns exec a /with/udpflood send 9000 40000 10.99.0.2 &
	ip netns exec b /with/udpflood send 9000 40000 10.99.0.1 &
	wait
	echo "round $i: a $(cat /out/recv-a-$i), b $(cat /out/recv-b-$i)" >>/out/progress
done
VM

for n in $(seq "$boots"); do
	rc=0
	"$top/tests/vm/run" --kernel "$series" --timeout 900 \
		--with "$work/udpflood" --with "$top/tests/e2e/vm-lib.sh" \
		--out "$work/boot-$n" "$work/esp-flood.sh" >/dev/null 2>&1 || rc=$?
	if [ $rc -eq 0 ]; then
		echo "boot $n: ok, $(tail -n 1 "$work/boot-$n/progress")"
	else
		died=$((died + 1))
		echo "boot $n: exit $rc after $(wc -l <"$work/boot-$n/progress" 2>/dev/null || echo 0) rounds"
		grep -m 1 -E 'Oops|BUG|general protection' "$work/boot-$n/console.log" || true
		grep -m 2 -E '^RAX|EFLAGS' "$work/boot-$n/console.log" || true
	fi
done
echo "tcg-chacha-repro $series: $died of $boots boots died"
exit $died
