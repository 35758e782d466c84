#!/usr/bin/env bash
# Builds CertHelper twice (normal, and with ASan+UBSan) and runs every test
# in both builds.  The last line is "N passed, N failed" over both runs.
# Usage: bash scripts/test.sh            (assumes scripts/deps.sh has run)
set -uo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

passed=0
failed=0
status=0

run_suite() {
	local name=$1 dir=$2
	shift 2
	echo "== $name: configure and build ($dir)"
	if ! cmake -S . -B "$dir" "$@" >"$dir.configure.log" 2>&1; then
		cat "$dir.configure.log"; echo "$name: configure failed"; failed=$((failed + 1)); status=1; return
	fi
	if ! cmake --build "$dir" -j"$jobs" >"$dir.build.log" 2>&1; then
		tail -n 80 "$dir.build.log"
		echo "$name: build failed"; failed=$((failed + 1)); status=1; return
	fi
	echo "== $name: tests"
	local log="$dir.ctest.log"
	ctest --test-dir "$dir" --output-on-failure -j"$jobs" 2>&1 | tee "$log"
	local total fail
	total=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$log" | tail -n 1)
	fail=$(sed -n 's/.* \([0-9]*\) tests failed out of.*/\1/p' "$log" | tail -n 1)
	if [ -z "$total" ]; then
		echo "$name: ctest gave no summary"; failed=$((failed + 1)); status=1; return
	fi
	passed=$((passed + total - fail))
	failed=$((failed + fail))
	[ "$fail" -eq 0 ] || status=1
}


run_suite "normal build" build -DCMAKE_BUILD_TYPE=RelWithDebInfo
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_suite "ASan+UBSan build" build-asan -DCMAKE_BUILD_TYPE=Debug -DGMPKI_SANITIZE=ON

echo "$passed passed, $failed failed"
exit $status
