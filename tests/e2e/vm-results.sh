# SPDX-License-Identifier: GPL-2.0
#
# vm-results.sh: sourced by the host side of the end-to-end tests, after
# tests/lib/results.sh.  kr_vm_results turns the "ok NAME" / "not ok NAME:
# why" lines a VM script wrote (vm-check.sh) into kr_result lines;
# kr_vm_workdir gives the host a directory for the VM's /out.

# kr_vm_results FILE PREFIX [COMPLETE]: one kr_result PREFIX/NAME per line
# of FILE; the line "ok COMPLETE" (default "ok complete"), which a script
# writes last, becomes PREFIX/COMPLETE, and its absence a failure of its
# own.  Returns 1 if anything failed.
kr_vm_results() {
	local file=$1 prefix=$2 complete=${3:-complete} line name status=0

	if [ ! -f "$file" ]; then
		kr_result FAIL "$prefix/$complete" "no results from the VM"
		return 1
	fi
	while IFS= read -r line; do
		case $line in
		"ok $complete") ;;
		"ok "*) kr_result PASS "$prefix/${line#ok }" ;;
		"not ok "*)
			name=${line#not ok }
			kr_result FAIL "$prefix/${name%%:*}" "${name#*: }"
			status=1 ;;
		esac
	done <"$file"
	if grep -qxF "ok $complete" "$file"; then
		kr_result PASS "$prefix/$complete"
	else
		kr_result FAIL "$prefix/$complete" "the VM script stopped early"
		status=1
	fi
	return $status
}

# kr_vm_workdir: set kr_vm_dir to KR_VM_KEEP (created; kept), or to a new
# temporary directory removed when the shell exits.
kr_vm_workdir() {
	if [ -n "${KR_VM_KEEP:-}" ]; then
		kr_vm_dir=$KR_VM_KEEP
		mkdir -p "$kr_vm_dir"
	else
		kr_vm_dir=$(mktemp -d)
		# shellcheck disable=SC2064 # the path, now
		trap "rm -rf '$kr_vm_dir'" EXIT
	fi
}
