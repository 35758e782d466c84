#!/usr/bin/env bash
# fuzz.sh - fuzz libgmpki's and libcertauth's parsers of outside bytes with
# libFuzzer (fuzz/fuzz_*.c; clang 14, ASan+UBSan).
#
#   bash scripts/fuzz.sh [SECONDS] [TARGET...]     default 60 s, every target
#
# Builds build-fuzz/ with CC=clang -DGMPKI_FUZZ=ON, then runs each target
# for SECONDS on a work corpus seeded from fuzz/corpus/TARGET.  A crash is
# written to build-fuzz/crash-TARGET-*; replay it with
#   build-fuzz/fuzz/fuzz_TARGET FILE
# and, once fixed, add it to fuzz/corpus/TARGET (ctest replays the corpus
# in every build).  Not part of CI: fuzzing takes as long as you give it.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(pki certauth directory)
command -v clang >/dev/null || { echo "fuzz.sh: clang is missing (apt-get install clang)" >&2; exit 2; }
b=build-fuzz
CC=clang cmake -S . -B "$b" -DGMPKI_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$b" -j"$(nproc)" --target $(printf 'fuzz_%s ' "${targets[@]}") >/dev/null
status=0
for t in "${targets[@]}"; do
	work="$b/corpus-$t"
	mkdir -p "$work"
	echo "fuzz.sh: $t for ${secs}s"
	if ! ASAN_OPTIONS=detect_leaks=1 "$b/fuzz/fuzz_$t" -max_total_time="$secs" \
		-max_len=16384 -artifact_prefix="$b/crash-$t-" -print_final_stats=1 \
		"$work" "fuzz/corpus/$t" 2>"$b/fuzz-$t.log"; then
		status=1
		echo "fuzz.sh: $t found a problem: see $b/fuzz-$t.log and $b/crash-$t-*" >&2
	fi
	grep -E "^stat::number_of_executed_units|^stat::new_units_added|cov: " "$b/fuzz-$t.log" | tail -3
done
exit $status
