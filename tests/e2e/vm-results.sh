# SPDX-License-Identifier: GPL-2.0
#
# vm-results.sh: sourced by the host side of the end-to-end tests, after
# tests/lib/results.sh.  kr_vm_results turns the "ok NAME" / "not ok NAME:
# why" lines a VM script wrote with vm-check.sh into kr_result lines.

# kr_vm_results FILE PREFIX: one kr_result PREFIX/NAME per line of FILE;
# a missing "ok complete" line is a failure of its own.  Returns 1 if
# anything failed.
kr_vm_results() {
	local file=$1 prefix=$2 line name status=0

	if [ ! -f "$file" ]; then
		kr_result FAIL "$prefix/complete" "no results from the VM"
		return 1
	fi
	while IFS= read -r line; do
		case $line in
		"ok complete") ;;
		"ok "*) kr_result PASS "$prefix/${line#ok }" ;;
		"not ok "*)
			name=${line#not ok }
			kr_result FAIL "$prefix/${name%%:*}" "${name#*: }"
			status=1 ;;
		esac
	done <"$file"
	if grep -qx 'ok complete' "$file"; then
		kr_result PASS "$prefix/complete"
	else
		kr_result FAIL "$prefix/complete" "the VM script stopped early"
		status=1
	fi
	return $status
}
