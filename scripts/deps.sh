#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything keyrot needs on a fresh Debian 12 machine, and unpack the
# kernel images the VM tests boot.  Idempotent and quiet when all is there.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${KEYROT_CACHE:-$top/.cache}

pkgs=(
	# build the module for both supported kernels
	make gcc libc6-dev linux-headers-amd64 linux-headers-6.12-amd64
	# full kernel sources: KUnit on UML, kunit.ko, checkpatch, YNL
	linux-source-6.1 linux-source-6.12 flex bison libelf-dev bc xz-utils
	# the VM: an initramfs of busybox, module tools, iproute2 (QEMU below)
	busybox-static kmod cpio iproute2
	# userspace: libnl-3 for the genetlink family, OpenSSL for OAP
	libnl-3-dev libnl-genl-3-dev libssl-dev pkg-config
	# tests: vectors generator, wire decoder, YNL; captures in the VM
	python3 python3-cryptography python3-yaml python3-jsonschema tcpdump
)

missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# QEMU 8.0 or later.  Debian 12's own QEMU (7.2) corrupts EFLAGS in TCG
# under sustained ChaCha20-Poly1305 traffic in 6.12 guests (README.md
# "Known problems"), so on Debian 12 it comes from bookworm-backports.
qemu_major() {
	{ qemu-system-x86_64 --version 2>/dev/null || true; } |
		sed -n '1s/^QEMU emulator version \([0-9]*\)\..*/\1/p'
}

install_qemu() {
	local major codename bp=/etc/apt/sources.list.d/keyrot-bookworm-backports.sources
	local from=()
	major=$(qemu_major)
	[ -n "$major" ] && [ "$major" -ge 8 ] && return 0
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	if [ "$codename" = bookworm ]; then
		from=(-t bookworm-backports)
		if ! grep -rqsE '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d; then
			echo "deps: adding bookworm-backports ($bp) for QEMU >= 8"
			cat >"$bp" <<-EOF
			Types: deb
			URIs: http://deb.debian.org/debian
			Suites: bookworm-backports
			Components: main
			Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
			EOF
		fi
	fi
	echo "deps: installing qemu-system-x86${from:+ from ${from[1]}}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${from[@]}" \
		qemu-system-x86 >/dev/null
	major=$(qemu_major)
	[ -n "$major" ] && [ "$major" -ge 8 ] || {
		echo "deps: qemu-system-x86_64 is $(qemu-system-x86_64 --version 2>/dev/null | head -1); keyrot's VM tests need 8.0 or later" >&2
		exit 1
	}
}

install_qemu

# Unpack the kernel image matching each installed headers tree, without
# installing it (no postinst, /boot untouched).
unpack_kernel() {
	local abi=$1 dir=$cache/kernels/$1
	[ -f "$dir/ok" ] && return 0
	rm -rf "$dir" && mkdir -p "$dir/deb"
	(cd "$dir/deb" && apt-get -o APT::Sandbox::User=root download -qq "linux-image-$abi" >/dev/null)
	dpkg-deb -x "$dir"/deb/*.deb "$dir/root"
	rm -rf "$dir/deb"
	touch "$dir/ok"
	echo "deps: unpacked linux-image-$abi"
}

for series in 6.1 6.12; do
	unpack_kernel "$("$top/scripts/kernel-abi.sh" "$series")"
done
