#!/bin/bash
# Builds every tests/fuzz/fuzz_*.c as a libFuzzer target (clang, ASan + UBSan) and runs each
# for FUZZ_SECONDS seconds (default 30) from its seed corpus tests/fuzz/corpus/<name>/.
#
# Targets link all of src/base/*.c and src/io/*.c, so a new parser there needs only its
# fuzz_*.c. The corpus is copied to a scratch directory, so inputs the fuzzer finds do not
# land in the repository; crashing inputs are saved to tests/fuzz/findings/ (gitignored) as
# <name>-crash-…, <name>-leak-…, <name>-timeout-…. Exits non-zero when a target fails to
# build or crashes.
#
# Environment: FUZZ_SECONDS, FUZZ_CC (default clang), FUZZ_TARGETS (names to run, e.g. "csv";
# default all), FUZZ_CFLAGS (extra compiler flags; by default CSV_CHUNK is made small so
# that short inputs cross the reader's chunk boundaries).
set -u
cd "$(dirname "$0")/.." || exit 2

secs=${FUZZ_SECONDS:-30}
cc=${FUZZ_CC:-clang}
extra=${FUZZ_CFLAGS:--DCSV_CHUNK=64}
out=build-fuzz
findings=tests/fuzz/findings
mkdir -p "$out" "$findings"

shopt -s nullglob
srcs=(src/base/*.c src/io/*.c)
targets=(tests/fuzz/fuzz_*.c)
if [ ${#targets[@]} -eq 0 ]; then
	echo "fuzz: no targets in tests/fuzz/" >&2
	exit 0
fi
pkg_cflags=$(pkg-config --cflags libzip expat)
pkg_libs=$(pkg-config --libs libzip expat)
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
# shellcheck disable=SC2086
flags="-g -O1 -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc $pkg_cflags $extra"

# The sources go into an archive, so a target pulls in only the objects it needs: a file in
# src/io that depends on other modules (the database, the model) does not break the link.
# A source that does not compile is left out with a warning; a target that needed it then
# fails to link, and that counts.
mkdir -p "$out/obj"
objs=()
for s in "${srcs[@]}"; do
	o=$out/obj/$(echo "${s%.c}" | tr / _).o
	# shellcheck disable=SC2086
	if "$cc" -fsanitize=fuzzer-no-link $san $flags -c -o "$o" "$s"; then
		objs+=("$o")
	else
		echo "fuzz: warning: $s does not compile; left out" >&2
	fi
done
lib=$out/liboko-fuzz.a
rm -f "$lib"
ar rcs "$lib" "${objs[@]}"

failed=0
for t in "${targets[@]}"; do
	name=$(basename "$t" .c)
	short=${name#fuzz_}
	if [ -n "${FUZZ_TARGETS:-}" ] && ! [[ " $FUZZ_TARGETS " == *" $short "* ]]; then
		continue
	fi
	bin=$out/$name
	echo "fuzz: building $name"
	# shellcheck disable=SC2086
	if ! "$cc" -fsanitize=fuzzer $san $flags -o "$bin" "$t" "$lib" $pkg_libs -lm -lpthread; then
		echo "fuzz: $name: build failed" >&2
		failed=1
		continue
	fi
	work=$(mktemp -d)
	if [ -d "tests/fuzz/corpus/$short" ]; then
		cp -R "tests/fuzz/corpus/$short/." "$work/"
	fi
	log=$out/$name.log
	echo "fuzz: running $name for ${secs}s"
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$findings/$short-" "$work" >"$log" 2>&1
	rc=$?
	rm -rf "$work"
	runs=$(grep -E '^Done [0-9]+ runs' "$log" | tail -1)
	if [ "$rc" -ne 0 ]; then
		echo "fuzz: $name FAILED (status $rc); log: $log" >&2
		grep -E 'ERROR|SUMMARY|check failed|runtime error|Test unit written' "$log" | head -20 >&2
		failed=1
	else
		echo "fuzz: $name ok: ${runs:-no stats}"
	fi
done
exit "$failed"
