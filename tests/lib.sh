# tests/lib.sh - helpers shared by the shell tests (tests/cli, tests/interop).
#
# Source it from a test script:  . "$(dirname "$0")/../lib.sh"
# It sets `set -euo pipefail`, makes a temporary folder removed on exit,
# and gives:
#   W                  the work folder: every file a test makes goes here
#   t NAME             names the next check
#   expect_ok CMD...   CMD exits 0; its stdout+stderr are in $OUT
#   expect_fail CODE MSG CMD...
#                      CMD exits CODE, prints MSG (a fixed string), and
#                      changes nothing under $W (no output file, no CA
#                      record: a snapshot of $W is compared; DIR/.lock is
#                      ignored), and the file after -o does not exist
#   expect_out STR     the last command's output contains STR
#   expect_no_out STR  ... does not contain STR
#   check NAME CMD...  CMD (a test like `[ -f x ]`) succeeds
#   finish             prints the tally; exits 1 on any failure
# GMPKI is the gmpki binary (set by ctest).

set -euo pipefail

: "${GMPKI:?set GMPKI to the gmpki binary}"
export LC_ALL=C.UTF-8

T=$(mktemp -d "${TMPDIR:-/tmp}/gmpki-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
W=$T/w
OUT=$T/out
mkdir -p "$W"
: >"$OUT"
umask 022

PASSED=0
FAILED=0
CASE=""

t() {
	CASE=$1
}

# A command line for the log, with the binary's path shortened.
show_cmd() {
	local s="$*"
	printf '%s' "${s//$GMPKI/gmpki}"
}

pass() {
	PASSED=$((PASSED + 1))
	printf 'ok   %s\n' "${CASE:-$(show_cmd "$1")}"
	CASE=""
}

fail() {
	FAILED=$((FAILED + 1))
	printf 'FAIL %s\n     %s\n' "${CASE:-?}" "$(show_cmd "$1")"
	if [ -s "$OUT" ]; then
		sed -e 's/^/     | /' "$OUT" | head -20
	fi
	CASE=""
}

# Everything under $W: names, sizes, modes and contents (not .lock).
snapshot() {
	(cd "$W" && find . -name .lock -prune -o -printf '%p %s %m\n' |
	    LC_ALL=C sort &&
	    find . -type f ! -name .lock -print0 | LC_ALL=C sort -z |
	    xargs -0 -r sha256sum)
}

# The argument after -o or --out, if any.
out_arg() {
	local prev=""
	for a in "$@"; do
		if [ "$prev" = "-o" ] || [ "$prev" = "--out" ]; then
			printf '%s' "$a"
			return
		fi
		prev=$a
	done
}

expect_ok() {
	local rc=0
	"$@" >"$OUT" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ]; then
		pass "$*"
	else
		fail "exit $rc, want 0: $*"
	fi
}

expect_fail() {
	local want=$1 msg=$2 rc=0 before after out
	shift 2
	out=$(out_arg "$@")
	local existed=0
	if [ -n "$out" ] && [ -e "$out" ]; then
		existed=1
	fi
	before=$(snapshot)
	"$@" >"$OUT" 2>&1 || rc=$?
	after=$(snapshot)
	if [ "$rc" -ne "$want" ]; then
		fail "exit $rc, want $want: $*"
	elif ! grep -qF -- "$msg" "$OUT"; then
		fail "message lacks \"$msg\": $*"
	elif [ "$before" != "$after" ]; then
		fail "files under the work folder changed: $*"
		diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") |
		    head -10 | sed -e 's/^/     > /'
	elif [ -n "$out" ] && [ "$existed" -eq 0 ] && [ -e "$out" ]; then
		fail "output file $out was written: $*"
	else
		pass "$*"
	fi
}

expect_out() {
	if grep -qF -- "$1" "$OUT"; then
		pass "output has \"$1\""
	else
		fail "output lacks \"$1\""
	fi
}

expect_no_out() {
	if grep -qF -- "$1" "$OUT"; then
		fail "output has \"$1\""
	else
		pass "output lacks \"$1\""
	fi
}

check() {
	local name=$1
	shift
	CASE=$name
	if "$@"; then
		pass "$name"
	else
		: >"$OUT"
		fail "check failed: $*"
	fi
}

# mode_is PATH MODE: the octal permission bits of PATH are MODE.
mode_is() {
	[ "$(stat -c %a "$1")" = "$2" ]
}

finish() {
	printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
	if [ "$FAILED" -ne 0 ]; then
		exit 1
	fi
	exit 0
}
