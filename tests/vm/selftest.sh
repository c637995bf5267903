#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# selftest.sh [VERSION...]: prove that the VM harness tests/vm/run works, on
# each kernel series given (default: 6.1 and 6.12).  Each check runs a VM and
# records one result with kr_result (tests/lib/results.sh): files written to
# /out come back, --with brings a dynamically linked binary and its
# libraries, the script's exit status comes back, a kernel WARNING, a KTAP
# "not ok", a panic, a lost status and a timeout each fail the run while the
# taint messages of an out-of-tree module do not, a boot that dies before
# the script is booted again and then fails, and namespaces, veth,
# module autoloading and the AES-NI driver work inside.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${KEYROT_CACHE:-$top/.cache}
# shellcheck source=../lib/results.sh
. "$top/tests/lib/results.sh"

work=
fails=0

# vm NAME [RUN-OPTION...] -- SCRIPT-TEXT: run the script text in the VM of
# the current series with --out $work/NAME; sets vm_rc, leaves stdout and
# stderr in $work/NAME.stdout and .stderr.
vm() {
	local name=$1
	shift
	local opts=()
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	printf '%s\n' "$2" >"$work/$name.sh"
	vm_rc=0
	"$here/run" --kernel "$series" --out "$work/$name" "${opts[@]}" \
		"$work/$name.sh" >"$work/$name.stdout" 2>"$work/$name.stderr" || vm_rc=$?
}

# The "vm: FAIL:" line of the last run named NAME, if any.
fail_line() {
	grep '^vm: FAIL: ' "$work/$1.stderr" | tail -1 || true
}

# result NAME OK DETAIL: record a check of the current series.
result() {
	if [ "$2" = 1 ]; then
		kr_result PASS "vm-selftest/$series/$1"
	else
		kr_result FAIL "vm-selftest/$series/$1" "$3"
		fails=$((fails + 1))
	fi
}

# 1. --with brings dynamically linked host binaries (kmod: libcrypto,
# libzstd and liblzma are not in the base image; xz, which must win over
# busybox's applet of that name) and a directory, and what the script
# writes under /out comes back.
check_with_out() {
	local d=$work/data ok=1 why=
	mkdir -p "$d/nested"
	head -c 3000 /dev/urandom | base64 >"$d/nested/blob"
	vm with-out --with /usr/bin/kmod --with /usr/bin/xz --with "$d" -- '
set -e
command -v kmod >/out/which
kmod --version >/out/kmod-version
xz --version >/out/xz-version
kmod list >/out/modules
mkdir /out/sub
printf "keyrot %s\n" "$KEYROT_VM" >/out/sub/hello
cp /with/data/nested/blob /out/sub/blob'
	local o=$work/with-out
	if [ "$vm_rc" != 0 ]; then
		ok=0 why="run exited $vm_rc: $(fail_line with-out)"
	elif [ "$(cat "$o/which")" != /with/kmod ]; then
		ok=0 why="kmod in the VM is '$(cat "$o/which")', not /with/kmod"
	elif [ "$(cat "$o/kmod-version")" != "$(kmod --version)" ]; then
		ok=0 why="kmod --version differs: $(head -1 "$o/kmod-version")"
	elif [ "$(cat "$o/xz-version")" != "$(xz --version)" ]; then
		ok=0 why="xz in the VM is not /with/xz: $(head -1 "$o/xz-version")"
	elif ! grep -q '^aesni_intel ' "$o/modules"; then
		ok=0 why="kmod list shows no aesni_intel"
	elif [ "$(cat "$o/sub/hello")" != "keyrot 1" ]; then
		ok=0 why="/out/sub/hello is '$(cat "$o/sub/hello")'"
	elif ! cmp -s "$d/nested/blob" "$o/sub/blob"; then
		ok=0 why="the --with directory's file came back different"
	elif ! grep -q 'keyrot-vm: running the test script' "$o/console.log"; then
		ok=0 why="no console.log in --out"
	fi
	result with-out "$ok" "$why"
}

# 2. The script's exit status is the run's: 0 and 3.
check_exit_status() {
	vm exit0 -- 'exit 0'
	result exit-0 "$([ "$vm_rc" = 0 ] && echo 1)" "exit 0 gave $vm_rc: $(fail_line exit0)"
	vm exit3 -- 'echo about to exit 3; exit 3'
	result exit-3 "$([ "$vm_rc" = 3 ] && echo 1)" "exit 3 gave $vm_rc: $(fail_line exit3)"
}

build_warn() {
	"$here/build-module.sh" --kernel "$series" "$here/selftest/warn" | head -1
}

# 3. A kernel WARNING fails the run, naming it; the taint messages of an
# out-of-tree module alone do not.
check_warning() {
	local ko line
	ko=$(build_warn) || {
		result warning 0 "building selftest/warn failed"
		return 0
	}
	vm warning --with "$ko" -- 'insmod /with/keyrot_vm_warn.ko'
	line=$(fail_line warning)
	result warning "$([ "$vm_rc" != 0 ] && [[ "$line" == *WARNING:*warn.c* ]] && echo 1)" \
		"exit $vm_rc, reason '$line'"

	vm taint-only --with "$ko" -- '
insmod /with/keyrot_vm_warn.ko warn=0 && grep -q "^keyrot_vm_warn " /proc/modules'
	line=$(fail_line taint-only)
	result taint-only "$([ "$vm_rc" = 0 ] &&
		grep -q 'keyrot_vm_warn: loading out-of-tree module taints kernel' \
			"$work/taint-only/console.log" && echo 1)" \
		"exit $vm_rc, reason '$line', or no taint message on the console"
}

# 4. A KTAP "not ok" line on the console fails the run.
check_ktap() {
	local line
	vm ktap -- "echo 'not ok 1 - harness_selftest' >/dev/kmsg"
	line=$(fail_line ktap)
	result ktap-not-ok "$([ "$vm_rc" != 0 ] && [[ "$line" == *"not ok 1 - harness_selftest"* ]] && echo 1)" \
		"exit $vm_rc, reason '$line'"
}

# 5. A timeout kills the VM and fails the run, saying so.
check_timeout() {
	local line t0 t
	t0=$(date +%s)
	vm timeout --timeout 20 -- 'echo sleeping past the timeout; sleep 300'
	t=$(($(date +%s) - t0))
	line=$(fail_line timeout)
	result timeout "$([ "$vm_rc" = 124 ] && [[ "$line" == *"timeout after 20 s"* ]] &&
		[ "$t" -lt 60 ] && echo 1)" "exit $vm_rc after $t s, reason '$line'"
}

# 6. A script that powers the VM off itself leaves no status: the run fails.
check_lost_status() {
	local line
	vm lost -- 'poweroff -f; sleep 10'
	line=$(fail_line lost)
	result lost-status "$([ "$vm_rc" != 0 ] && [[ "$line" == *"no exit status"* ]] && echo 1)" \
		"exit $vm_rc, reason '$line'"
}

# 7. A kernel panic ends the VM at once and fails the run.
check_panic() {
	local line
	vm panic -- 'echo c >/proc/sysrq-trigger; sleep 60'
	line=$(fail_line panic)
	result panic "$([ "$vm_rc" != 0 ] && [[ "$line" == *"Kernel panic - not syncing"* ]] && echo 1)" \
		"exit $vm_rc, reason '$line'"
}

# 8. A kernel that dies before the test script starts is booted again, once
# by default, saying so; one that dies in the script is not (check 7).
check_boot_retry() {
	local line ok=1 why=
	KEYROT_VM_BOOT_RETRIES=1 vm boot-dies --append rdinit=/no-such-init -- \
		'echo the script ran; exit 0'
	line=$(fail_line boot-dies)
	if [ "$vm_rc" != 125 ] || [[ "$line" != *"Kernel panic"* ]]; then
		ok=0 why="exit $vm_rc, reason '$line'"
	elif [ "$(grep -c 'died before the test script started' "$work/boot-dies.stderr")" != 1 ]; then
		ok=0 why="not exactly one 'booting again' line on stderr"
	elif [ ! -s "$work/boot-dies/console.log.boot1" ]; then
		ok=0 why="the first boot's console was not kept"
	elif grep -q 'booting again' "$work/panic.stderr"; then
		ok=0 why="a panic in the test script was booted again"
	fi
	result boot-retry "$ok" "$why"
}

build_alg_bind() {
	local out=$cache/vm/build/alg-bind/alg-bind
	mkdir -p "$(dirname "$out")"
	gcc -static -O2 -Wall -Werror -o "$out" "$here/selftest/alg-bind/alg-bind.c" >&2 &&
		echo "$out"
}

# 9. Namespaces joined by veth can ping; the kernel autoloads modules
# (wireguard for its link type, the AF_ALG and crypto templates for
# rfc7539(chacha20,poly1305)); gcm(aes) is AES-NI's.
check_net_crypto() {
	local alg
	alg=$(build_alg_bind) || {
		result net-crypto 0 "building selftest/alg-bind failed"
		return 0
	}
	vm net-crypto --with "$alg" -- '
fail() { echo "net-crypto: FAIL: $*"; exit 1; }
ip -V | grep -q iproute2 || fail "ip is not iproute2"
ip netns add a || fail "ip netns add a"
ip netns add b || fail "ip netns add b"
ip link add va netns a type veth peer name vb netns b || fail "veth pair"
ip -n a addr add 192.0.2.1/24 dev va && ip -n a link set va up &&
	ip -n b addr add 192.0.2.2/24 dev vb && ip -n b link set vb up ||
	fail "configuring the veth pair"
ip netns exec a ping -c 2 -W 5 192.0.2.2 || fail "ping from a to b"
ip netns exec b ping -c 2 -W 5 192.0.2.1 || fail "ping from b to a"
ip netns list >/out/netns

[ "$(cat /proc/sys/kernel/modprobe)" = /sbin/modprobe ] || fail "kernel.modprobe"
ip -n a link add wg0 type wireguard || fail "wireguard link (autoload)"
grep -q "^wireguard " /proc/modules || fail "wireguard not loaded"

modprobe gcm || fail "modprobe gcm"
modprobe aesni_intel || fail "modprobe aesni_intel"
alg-bind aead "gcm(aes)" || fail "AF_ALG gcm(aes)"
alg-bind aead "rfc7539(chacha20,poly1305)" || fail "AF_ALG rfc7539"
grep -q "^chacha20poly1305 " /proc/modules || fail "chacha20poly1305 not autoloaded"
cp /proc/crypto /out/crypto
awk "/^name/ { n = \$3 } /^driver/ && n == \"gcm(aes)\" { print \$3 }" \
	/proc/crypto >/out/gcm-drivers
grep -q aesni /out/gcm-drivers || fail "no AES-NI gcm(aes) driver"
echo ok >/out/ok'
	local o=$work/net-crypto ok=1 why=
	if [ "$vm_rc" != 0 ]; then
		ok=0 why="exit $vm_rc: $(grep -h 'net-crypto: FAIL' "$o/console.log" | head -1) $(fail_line net-crypto)"
	elif [ "$(cat "$o/ok" 2>/dev/null)" != ok ] || [ "$(sort "$o/netns" | cut -d' ' -f1 | tr '\n' ' ')" != "a b " ]; then
		ok=0 why="missing /out/ok or netns list"
	elif ! grep -q 'driver *: generic-gcm-aesni' "$o/crypto"; then
		ok=0 why="/proc/crypto has no generic-gcm-aesni driver"
	fi
	result net-crypto "$ok" "$why"
}

# Keep the runs' files when a check failed.
cleanup() {
	if [ "$fails" = 0 ]; then
		rm -rf "$work"
	else
		echo "vm-selftest: the runs' scripts, outputs and consoles are in $work"
	fi
}

main() {
	local series_list=("$@")
	[ ${#series_list[@]} -gt 0 ] || series_list=(6.1 6.12)
	work=$(mktemp -d "${TMPDIR:-/tmp}/keyrot-vm-selftest.XXXXXX")
	trap cleanup EXIT
	for series in "${series_list[@]}"; do
		echo "vm-selftest: kernel $series"
		check_with_out
		check_exit_status
		check_warning
		check_ktap
		check_timeout
		check_lost_status
		check_panic
		check_boot_retry
		check_net_crypto
	done
	[ "$fails" = 0 ] || {
		echo "vm-selftest: $fails check(s) failed"
		exit 1
	}
}

main "$@"
