#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# mkbase.sh ABI: make sure the base initramfs of the VM tests for kernel ABI
# (e.g. 6.1.0-56-amd64) is built and current, and print its path.
#
# The image holds busybox-static and its applets, dash as /bin/sh, iproute2's
# ip (both with their shared libraries), tests/vm/init as /init, and the
# kernel modules named in tests/vm/modules.list with their dependencies,
# decompressed, taken from the kernel image that scripts/deps.sh unpacked,
# with a modules.dep made by the host's depmod.  It is cached as $cache/vm/ABI/base.cpio together with a
# stamp of its inputs, and rebuilt when the stamp changes.  tests/vm/run adds
# a second cpio archive with the test's own files to it for each run.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${KEYROT_CACHE:-$top/.cache}

die() {
	echo "vm: mkbase: $*" >&2
	exit 1
}

# Shared libraries of a dynamically linked ELF file, one path a line
# (nothing for a static one); fails naming a library the loader can't find.
elf_libs() {
	local out
	out=$(LC_ALL=C ldd "$1" 2>&1) || return 0
	if grep -q 'not found' <<<"$out"; then
		echo "vm: $1: missing shared library: $(grep 'not found' <<<"$out" | head -1)" >&2
		return 1
	fi
	awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$out"
}

# The inputs of the image, one a line; their hash is the stamp.
stamp_inputs() {
	local abi=$1 moddir=$2 f
	echo "abi $abi"
	sha256sum "$here/mkbase.sh" "$here/init" "$here/modules.list"
	for f in /usr/bin/busybox /usr/bin/dash $(elf_libs /usr/bin/dash) \
		/usr/sbin/ip $(elf_libs /usr/sbin/ip) \
		"$moddir/modules.order" "$moddir/modules.builtin"; do
		stat -L -c '%n %s %Y' "$f"
	done
	depmod --version | head -1
}

# Fill the array "modfile" (module name -> path under $moddir) for every
# module file of the kernel.
index_modules() {
	local moddir=$1 rel name
	while IFS= read -r rel; do
		name=${rel##*/}
		name=${name%%.ko*}
		modfile[${name//-/_}]=$rel
	done < <(cd "$moddir" && find kernel -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz')
}

is_builtin() {
	local moddir=$1 name=$2
	sed 's,.*/,,; s,\.ko$,,; s,-,_,g' "$moddir/modules.builtin" | grep -qx "$name"
}

# Add module NAME and, recursively, what it depends on to the array "want".
want_module() {
	local moddir=$1 name=${2//-/_} deps soft dep
	[ -n "${want[$name]:-}" ] && return 0
	if [ -z "${modfile[$name]:-}" ]; then
		is_builtin "$moddir" "$name" && return 0
		die "module '$name' is neither built into $abi nor a module of it"
	fi
	want[$name]=${modfile[$name]}
	deps=$(modinfo -F depends "$moddir/${modfile[$name]}")
	soft=$(modinfo -F softdep "$moddir/${modfile[$name]}" |
		tr ' ' '\n' | grep -v -e ':$' -e '^$' || true)
	for dep in ${deps//,/ } $soft; do
		want_module "$moddir" "$dep"
	done
}

# Resolve tests/vm/modules.list into the array "want".
resolve_modules() {
	local moddir=$1 entry rel name
	while read -r entry _; do
		case "$entry" in
		'' | '#'*) ;;
		dir:*)
			[ -d "$moddir/${entry#dir:}" ] ||
				die "modules.list: $moddir/${entry#dir:} is not a directory"
			while IFS= read -r rel; do
				name=${rel##*/}
				want_module "$moddir" "${name%%.ko*}"
			done < <(cd "$moddir" && find "${entry#dir:}" -name '*.ko*')
			;;
		*)	want_module "$moddir" "$entry" ;;
		esac
	done <"$here/modules.list"
}

# Copy module file REL of the kernel into the image, decompressed.
install_module() {
	local moddir=$1 dest=$2 rel=$3 out
	out=$dest/${rel%.*}
	case "$rel" in
	*.ko) out=$dest/$rel ;;
	esac
	mkdir -p "$(dirname "$out")"
	case "$rel" in
	*.ko)		cp "$moddir/$rel" "$out" ;;
	*.ko.xz)	xz -dc "$moddir/$rel" >"$out" ;;
	*.ko.zst)	zstd -qdc "$moddir/$rel" >"$out" ;;
	*.ko.gz)	gzip -dc "$moddir/$rel" >"$out" ;;
	esac
}

install_modules() {
	local abi=$1 moddir=$2 root=$3 name dest=$3/lib/modules/$1 f
	declare -gA modfile=() want=()
	index_modules "$moddir"
	resolve_modules "$moddir"
	for name in "${!want[@]}"; do
		install_module "$moddir" "$dest" "${want[$name]}"
	done
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		cp "$moddir/$f" "$dest/"
	done
	depmod -b "$root" "$abi" || die "depmod -b $root $abi failed"
	echo "vm: mkbase: $abi: ${#want[@]} modules" >&2
}

# Copy host file FILE to the same path in the image, with its libraries.
install_elf() {
	local root=$1 file=$2 to=${3:-$2} lib libs
	mkdir -p "$root$(dirname "$to")"
	cp -L "$file" "$root$to"
	libs=$(elf_libs "$file") || die "cannot install $file"
	for lib in $libs; do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

install_busybox() {
	local root=$1 applet
	install -D -m 755 /usr/bin/busybox "$root/bin/busybox"
	for applet in $(/usr/bin/busybox --list-full); do
		# The list names busybox itself, and linuxrc at the top.
		case "$applet" in
		bin/busybox | linuxrc) continue ;;
		esac
		mkdir -p "$root/$(dirname "$applet")"
		ln -sf /bin/busybox "$root/$applet"
	done
}

install_skeleton() {
	local root=$1
	mkdir -p "$root"/{dev,proc,sys,tmp,run,out,with,vm,root,etc,var,mnt}
	ln -s ../run "$root/var/run"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
	echo 'root:x:0:' >"$root/etc/group"
	install -m 755 "$here/init" "$root/init"
	# The kernel opens /dev/console for /init before devtmpfs is mounted.
	if [ "$(id -u)" = 0 ]; then
		mknod -m 600 "$root/dev/console" c 5 1
	fi
}

build_image() {
	local abi=$1 moddir=$2 out=$3 root
	root=$(mktemp -d "$(dirname "$out")/root.XXXXXX")
	install_skeleton "$root"
	install_busybox "$root"
	# Debian's busybox sh runs its own applets before anything on PATH:
	# /bin/sh is dash, so that PATH decides (/with first, then real tools).
	rm -f "$root/bin/sh"
	install_elf "$root" /usr/bin/dash /bin/dash
	ln -s dash "$root/bin/sh"
	# Replace busybox's ip applet: it has no "netns".
	rm -f "$root/sbin/ip" "$root/bin/ip"
	install_elf "$root" /usr/sbin/ip /sbin/ip
	install_modules "$abi" "$moddir" "$root"
	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) >"$out.tmp" ||
		die "cpio of $root failed"
	mv "$out.tmp" "$out"
	rm -rf "$root"
}

main() {
	[ $# -eq 1 ] || die "usage: mkbase.sh ABI"
	abi=$1
	local moddir=$cache/kernels/$abi/root/lib/modules/$abi
	local dir=$cache/vm/$abi stamp
	[ -d "$moddir" ] ||
		die "no unpacked kernel modules in $moddir (run scripts/deps.sh)"
	mkdir -p "$dir"
	exec 9>"$dir/lock"
	flock 9
	stamp=$(stamp_inputs "$abi" "$moddir" | sha256sum | cut -d' ' -f1)
	if [ ! -f "$dir/base.cpio" ] || [ "$(cat "$dir/stamp" 2>/dev/null)" != "$stamp" ]; then
		echo "vm: mkbase: building the base initramfs for $abi" >&2
		rm -f "$dir/stamp"
		build_image "$abi" "$moddir" "$dir/base.cpio"
		echo "$stamp" >"$dir/stamp"
	fi
	echo "$dir/base.cpio"
}

main "$@"
