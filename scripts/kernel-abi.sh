#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel-abi.sh VERSION: print the Debian kernel ABI (the uname -r) of the
# supported kernel series VERSION (6.1 or 6.12), as chosen by the installed
# headers metapackage, so a security update moves every user at once.
set -euo pipefail

case "${1:-6.1}" in
6.1)	meta=linux-headers-amd64 ;;
6.12)	meta=linux-headers-6.12-amd64 ;;
*)	echo "kernel-abi.sh: unsupported kernel series '$1' (6.1 or 6.12)" >&2
	exit 2 ;;
esac

dep=$(dpkg-query -W -f='${Depends}' "$meta" 2>/dev/null) || {
	echo "kernel-abi.sh: $meta is not installed (run make deps)" >&2
	exit 1
}
abi=${dep%% *}
abi=${abi#linux-headers-}
[ -d "/usr/src/linux-headers-$abi" ] || {
	echo "kernel-abi.sh: /usr/src/linux-headers-$abi is missing" >&2
	exit 1
}
echo "$abi"
