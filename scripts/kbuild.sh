#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kbuild.sh SERIES VARIANT: build keyrot.ko for a supported kernel series
# (6.1 or 6.12) in a shadow tree under .cache/build/, so several kernels and
# variants never share objects.  Prints the path of the module.
#   plain  the module as shipped, W=1, warnings are errors
#   kunit  the VM test build: KUnit suites inside, started by the module
#          itself (kmod/tests/selfstart.h says why); needs kunit.ko's
#          Module.symvers, passed as KUNIT_SYMVERS=path
# Environment: KEYROT_VECTORS (vectors JSON), KEYROT_CACHE.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
series=${1:?usage: kbuild.sh SERIES plain|kunit}
variant=${2:?usage: kbuild.sh SERIES plain|kunit}
cache=${KEYROT_CACHE:-$top/.cache}
abi=$("$top/scripts/kernel-abi.sh" "$series")
kdir=/usr/src/linux-headers-$abi
out=$cache/build/$abi/$variant

# The vectors: the shared spec's file when it is there, else our copy.
vectors=${KEYROT_VECTORS:-$top/../shared/spec/vectors-v1.json}
[ -f "$vectors" ] || vectors=$top/tests/vectors/vectors-v1.json
vectors=$(realpath "$vectors")

args=(CONFIG_KEYROT=m W=1 KCFLAGS=-Werror "KEYROT_VECTORS=$vectors")
case "$variant" in
plain)	;;
kunit)	args+=(CONFIG_KEYROT_KUNIT_TEST=y KEYROT_KUNIT_SELFSTART=y)
	[ -n "${KUNIT_SYMVERS:-}" ] &&
		args+=("KBUILD_EXTRA_SYMBOLS=$KUNIT_SYMVERS") ;;
*)	echo "kbuild.sh: unknown variant '$variant' (plain or kunit)" >&2
	exit 2 ;;
esac

# Mirror the sources (not objects of an in-place build) as symlinks: the
# objects land in $out, not in kmod/.  Links of removed files go; objects
# stay, so a rebuild is incremental.
mkdir -p "$out"
find "$out" -type l -delete
(cd "$top" && find Kbuild kmod uapi -type f \( -name '*.[ch]' -o -name '*.py' \
	-o -name Kbuild -o -name Kconfig -o -name '*.yaml' \) \
	! -name '*.mod.c' ! -name kr_vectors.h) |
while IFS= read -r f; do
	mkdir -p "$out/$(dirname "$f")"
	ln -s "$top/$f" "$out/$f"
done
make -s -C "$kdir" M="$out" "${args[@]}" modules >&2
echo "$out/kmod/keyrot.ko"
