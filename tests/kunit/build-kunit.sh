#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kunit.sh SERIES: build an out-of-tree kunit.ko for Debian's SERIES
# kernel (6.1 or 6.12), whose config has no CONFIG_KUNIT, and print its path.
#
# The module is built from lib/kunit of the matching linux-source-SERIES
# package, adapted mechanically (see adapt_common/adapt_612 below and
# tests/kunit/README.md): no module notifier (the loader of a kernel without
# CONFIG_KUNIT never fills struct module's kunit_suites, so test modules
# start their suites themselves), no current->kunit_test (task_struct has no
# such field), and on 6.12 none of the built-in hooks (hooks.o is not in
# vmlinux) nor the parts built on them.  The result is cached under
# .cache/kunit-ko/<abi>/ and rebuilt only when an input changes.
#
# stdout: the path of kunit.ko (its Module.symvers is next to it: pass it to
# a test module's build as KBUILD_EXTRA_SYMBOLS).  Progress goes to stderr.
set -euo pipefail
# modinfo lives in /sbin.
PATH=$PATH:/usr/sbin:/sbin

prog=build-kunit.sh
die() { echo "$prog: $*" >&2; exit 1; }

series=${1:-}
case "$series" in
6.1|6.12) ;;
*) die "usage: $prog 6.1|6.12" ;;
esac

self=$(readlink -f "${BASH_SOURCE[0]}")
top=$(cd "$(dirname "$self")/../.." && pwd)
cache=${KEYROT_CACHE:-$top/.cache}

abi=$("$top/scripts/kernel-abi.sh" "$series")
kdir=/usr/src/linux-headers-$abi
tarball=/usr/src/linux-source-$series.tar.xz
[ -f "$tarball" ] || die "$tarball is missing (make deps installs linux-source-$series)"
[ -f "$kdir/Module.symvers" ] || die "$kdir/Module.symvers is missing"

work=$cache/kunit-ko/$abi
mdir=$work/kunit		# the M= directory: adapted sources, Kbuild, kunit.ko
ko=$mdir/kunit.ko
mkdir -p "$work"

# Everything the result depends on: this script (it holds the adaptation),
# the source tarball and the headers tree.
inputs_key() {
	{
		sha256sum <"$self"
		stat -c '%n %s %Y' "$tarball" "$kdir/Module.symvers" "$kdir/.config"
	} | sha256sum | cut -d' ' -f1
}

# Serialise concurrent builds of the same kernel's kunit.ko.
exec 9>"$work/.lock"
flock 9

key=$(inputs_key)
if [ -f "$ko" ] && [ "$(cat "$work/stamp" 2>/dev/null)" = "$key" ]; then
	echo "$ko"
	exit 0
fi
rm -f "$work/stamp"

# --- unpack lib/kunit and include/kunit of the matching source ------------

src=$work/src
rm -rf "$src" "$mdir"
mkdir -p "$src"
echo "$prog: unpacking lib/kunit from $tarball" >&2
xz -T0 -dc "$tarball" |
	tar -x -C "$src" --strip-components=1 \
		"linux-source-$series/lib/kunit" "linux-source-$series/include/kunit" ||
	die "cannot unpack lib/kunit and include/kunit from $tarball"

# The KUnit API a test module sees is the headers package's include/kunit:
# it must be the one this kunit.ko is built from.
hdr_kunit=$kdir/include/kunit
if [ ! -d "$hdr_kunit" ]; then
	common=$(sed -n 's|^include \(.*\)/Makefile$|\1|p' "$kdir/Makefile")
	hdr_kunit=$common/include/kunit
fi
[ -d "$hdr_kunit" ] || die "cannot find include/kunit of $kdir"
diff -r "$src/include/kunit" "$hdr_kunit" >"$work/include-kunit.diff" ||
	die "linux-source-$series's include/kunit differs from $hdr_kunit" \
		"(see $work/include-kunit.diff): install the linux-source-$series that matches $abi"

# --- choose the objects ----------------------------------------------------

# kunit-objs of lib/kunit/Makefile, one name a line.
makefile_objs() {
	awk '/^kunit-objs[ \t]*\+=/ { on = 1; sub(/^kunit-objs[ \t]*\+=/, "") }
	     on { cont = sub(/\\$/, ""); n = split($0, w); for (i = 1; i <= n; i++) print w[i]; on = cont }' \
		"$src/lib/kunit/Makefile"
}

# What we build, and what we leave out and why.  An object upstream adds
# later is in neither list: stop, so that someone reviews it.
keep=" test.o resource.o string-stream.o assert.o try-catch.o executor.o attributes.o platform.o "
# static_stub.o: KUNIT_STATIC_STUB_REDIRECT is compiled out without
#   CONFIG_KUNIT and the stub lookup is a hook of the absent hooks.o.
# device.o: <kunit/device.h> declares nothing without CONFIG_KUNIT, so no
#   test module could call it.
# user_alloc.o: needs mm_alloc() and arch_pick_mmap_layout(), exported only
#   with CONFIG_KUNIT.
# debugfs.o: CONFIG_KUNIT_DEBUGFS is off; not needed for console KTAP.
drop=" static_stub.o device.o user_alloc.o debugfs.o "
objs=()
for o in $(makefile_objs); do
	case "$keep" in *" $o "*) objs+=("$o"); continue ;; esac
	case "$drop" in *" $o "*) continue ;; esac
	die "lib/kunit/Makefile of linux-source-$series lists $o, which $prog" \
		"does not know: review the adaptation"
done
[ ${#objs[@]} -ge 6 ] || die "found only '${objs[*]}' in lib/kunit/Makefile"

mkdir -p "$mdir"
for o in "${objs[@]}"; do
	cp "$src/lib/kunit/${o%.o}.c" "$mdir/"
done
cp "$src"/lib/kunit/*.h "$mdir/"
cp -r "$mdir" "$work/orig"

# --- the adaptation --------------------------------------------------------

# edit FILE COUNT REGEX SED: REGEX (a sed/grep basic regex) must match exactly
# COUNT lines of FILE, which then gets the sed command SED.  A count that
# differs means the upstream source changed: stop rather than guess.
edit() {
	local f=$mdir/$1 want=$2 re=$3 cmd=$4 n
	n=$(grep -c -e "$re" "$f" || true)
	[ "$n" = "$want" ] ||
		die "$1 of linux-source-$series: expected $want line(s) matching" \
			"'$re', found $n; review the adaptation in $self"
	sed -i -e "$cmd" "$f"
}

# Both series: drop the module notifier and current->kunit_test.
adapt_common() {
	# The notifier runs the suites of mod->kunit_suites, a field struct
	# module has only with CONFIG_KUNIT: remove kunit_module_init() up to
	# the notifier_block, and its (un)registration.
	edit test.c 1 '^static void kunit_module_init(struct module \*mod)$' \
		'/^static void kunit_module_init(struct module \*mod)$/,/^};$/d'
	edit test.c 1 '^	return register_module_notifier(&kunit_mod_nb);$' \
		's/^	return register_module_notifier(&kunit_mod_nb);$/	return 0;/'
	edit test.c 1 '^	unregister_module_notifier(&kunit_mod_nb);$' \
		'/^	unregister_module_notifier(&kunit_mod_nb);$/d'
	# task_struct has no kunit_test without CONFIG_KUNIT: the case still
	# runs in its own kthread (try-catch.c), it just is not recorded as
	# "the current test" for kunit_fail_current_test() from non-test code,
	# which the headers compile to nothing without CONFIG_KUNIT anyway.
	local cur='^	current->kunit_test = \(test\|NULL\);$'
	edit test.c "$1" "$cur" "/$cur/d"
}

# 6.1: __kunit_fail_current_test() sits under IS_BUILTIN(CONFIG_KUNIT); drop
# the block so that no current->kunit_test is left in the source at all.
adapt_61() {
	edit test.c 1 '^#if IS_BUILTIN(CONFIG_KUNIT)$' \
		'/^#if IS_BUILTIN(CONFIG_KUNIT)$/,/^#endif$/d'
}

# 6.12: the hooks (kunit_running, kunit_hooks) live in the built-in hooks.o,
# which vmlinux lacks; the kunit bus lives in device.o, left out.
adapt_612() {
	edit test.c 1 '^void __printf(3, 4) __kunit_fail_current_test_impl(' \
		'/^void __printf(3, 4) __kunit_fail_current_test_impl(/,/^}$/d'
	edit test.c 1 '^#include "hooks-impl.h"$' '/^#include "hooks-impl.h"$/d'
	edit test.c 1 '^#include "device-impl.h"$' '/^#include "device-impl.h"$/d'
	edit test.c 2 '^	static_branch_\(inc\|dec\)(&kunit_running);$' \
		'/^	static_branch_\(inc\|dec\)(&kunit_running);$/d'
	edit test.c 1 '^	/\* Install the KUnit hook functions. \*/$' \
		'/^	\/\* Install the KUnit hook functions. \*\/$/d'
	edit test.c 1 '^	kunit_install_hooks();$' '/^	kunit_install_hooks();$/d'
	edit test.c 1 '^	memset(&kunit_hooks, 0, sizeof(kunit_hooks));$' \
		'/^	memset(&kunit_hooks, 0, sizeof(kunit_hooks));$/d'
	edit test.c 2 '^	kunit_bus_\(init\|shutdown\)();$' \
		'/^	kunit_bus_\(init\|shutdown\)();$/d'
	# Without CONFIG_KUNIT, !IS_MODULE(CONFIG_KUNIT) is true and would use
	# is_kernel_rodata() (__start_rodata is not exported): this is a module.
	edit test.c 2 '^#if !IS_MODULE(CONFIG_KUNIT)$' \
		'/^#if !IS_MODULE(CONFIG_KUNIT)$/,/^#endif$/d'
}

case "$series" in
6.1)	adapt_common 2; adapt_61 ;;
6.12)	adapt_common 3; adapt_612 ;;
esac

# Nothing of what needs CONFIG_KUNIT in the kernel may be left.
gone='current->kunit_test\|->\(num_\)\?kunit_\(init_\)\?suites\|module_notifier\|kunit_hooks\|kunit_running\|kunit_bus_\|is_kernel_rodata\|hooks-impl\.h\|device-impl\.h'
if grep -n -e "$gone" "$mdir"/*.c >&2; then
	die "the adapted sources above still use what needs CONFIG_KUNIT"
fi
(cd "$work" && diff -ru orig kunit >adapt.diff) || true
rm -rf "$work/orig"

# CONFIG_KUNIT_DEFAULT_ENABLED only sets the default of kunit.enable (it is
# read by test.c alone, no kernel structure depends on it): without it every
# __kunit_test_suites_init() would print "kunit: disabled" and run nothing.
cat >"$mdir/Kbuild" <<EOF
# Generated by tests/kunit/build-kunit.sh from linux-source-$series.
obj-m := kunit.o
kunit-y := ${objs[*]}
ccflags-y += -DCONFIG_KUNIT_DEFAULT_ENABLED=1
EOF

# --- build and check -------------------------------------------------------

echo "$prog: building kunit.ko for $abi" >&2
log=$work/build.log
if ! make -C "$kdir" M="$mdir" modules >"$log" 2>&1; then
	cat "$log" >&2
	die "building kunit.ko failed (log: $log)"
fi
if grep -i -e 'warning:' "$log" >&2; then
	die "building kunit.ko gave warnings (log: $log)"
fi
[ -f "$ko" ] || die "no $ko after the build (log: $log)"

# What test modules link against must be exported...
for sym in __kunit_test_suites_init __kunit_test_suites_exit \
	kunit_kmalloc_array kunit_binary_assert_format kunit_try_catch_throw; do
	grep -q -P "^0x[0-9a-f]+\t$sym\t" "$mdir/Module.symvers" ||
		die "$ko does not export $sym"
done
# ... and nothing that needs CONFIG_KUNIT in vmlinux may be used.
if nm -u "$ko" | grep -w -e 'register_module_notifier' -e 'unregister_module_notifier' \
	-e 'kunit_hooks' -e 'kunit_running' >&2; then
	die "$ko uses symbols it must not"
fi
vermagic=$(modinfo -F vermagic "$ko")
[ "${vermagic%% *}" = "$abi" ] || die "$ko has vermagic '$vermagic', not $abi"

echo "$key" >"$work/stamp"
echo "$prog: built $ko" >&2
echo "$ko"
