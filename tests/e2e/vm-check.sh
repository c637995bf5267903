# SPDX-License-Identifier: GPL-2.0
#
# vm-check.sh: sourced by the end-to-end scripts that run inside the VM
# (tests/vm/run --with tests/e2e/vm-check.sh, then ". /with/vm-check.sh").
# Each check appends one line to /out/results, "ok NAME" or
# "not ok NAME: why", which the host side (vm-results.sh) turns into
# kr_result lines.  Nothing goes to the console: a console line "not ok N"
# would fail the run.

R=/out/results

ok() { echo "ok $1" >>$R; }
nok() { echo "not ok $1${2:+: $2}" >>$R; }

# check NAME CMD...: ok if CMD exits 0.
check() {
	_n=$1
	shift
	if "$@"; then ok "$_n"; else nok "$_n" "exit $?"; fi
}

# waitfile PATH [TENTHS]: wait for PATH to exist (default 10 s).
waitfile() {
	_i=0
	while [ ! -s "$1" ]; do
		sleep 0.1
		_i=$((_i + 1))
		[ $_i -lt "${2:-100}" ] || return 1
	done
}

# waitfor TENTHS CMD...: run CMD every 0.1 s until it succeeds.
waitfor() {
	_t=$1
	shift
	_i=0
	until "$@"; do
		sleep 0.1
		_i=$((_i + 1))
		[ $_i -lt "$_t" ] || return 1
	done
}

# jnum KEY: the first number after "KEY": in standard input (flat JSON).
jnum() { sed -n "s/.*\"$1\":\([0-9][0-9]*\).*/\1/p" | head -n 1; }

# finish: the last line, so the host knows the script ran to its end.
finish() { ok complete; }
