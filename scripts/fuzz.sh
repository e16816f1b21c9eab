#!/bin/bash
# Builds every tests/fuzz/fuzz_*.c as a libFuzzer target (clang, ASan + UBSan) and runs each
# for FUZZ_SECONDS seconds (default 30) from its seed corpus tests/fuzz/corpus/<name>/.
#
# Reader targets link all of src/base/*.c and src/io/*.c, so a new parser there needs only
# its fuzz_*.c. A target whose source contains the line "fuzz.sh: whole library" (an
# importer, which needs the database and the model) links the whole library instead: every
# src/**/*.c but main.c plus the generated embedded.c, built by the Makefile itself into
# build-fuzz/lib with clang and the sanitizers (incrementally), and every package of the
# Makefile's PKGS. The corpus is copied to a scratch directory, so inputs the fuzzer finds do not
# land in the repository; crashing inputs are saved to tests/fuzz/findings/ (gitignored) as
# <name>-crash-…, <name>-leak-…, <name>-timeout-…. Exits non-zero when a target fails to
# build or crashes.
#
# Environment: FUZZ_SECONDS, FUZZ_CC (default clang), FUZZ_TARGETS (names to run, e.g. "csv";
# default all), FUZZ_CFLAGS (extra compiler flags; by default CSV_CHUNK and XLSX_CHUNK are
# made small so that short inputs cross the readers' chunk boundaries, and XLSX_THREAD_MIN
# so that parts of a few KiB are inflated on the second thread).
set -u
cd "$(dirname "$0")/.." || exit 2

secs=${FUZZ_SECONDS:-30}
cc=${FUZZ_CC:-clang}
extra=${FUZZ_CFLAGS:--DCSV_CHUNK=64 -DXLSX_CHUNK=512 -DXLSX_THREAD_MIN=4096}
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

selected() {
	[ -z "${FUZZ_TARGETS:-}" ] || [[ " $FUZZ_TARGETS " == *" $1 "* ]]
}
whole() {
	grep -q 'fuzz.sh: whole library' "$1"
}

# The whole library, only when a selected target needs it.
all_lib=$out/lib/liboko.a
all_ok=0
for t in "${targets[@]}"; do
	n=$(basename "$t" .c)
	selected "${n#fuzz_}" && whole "$t" && all_ok=1
done
if [ "$all_ok" -eq 1 ]; then
	echo "fuzz: building the whole library into $out/lib"
	# WARN= drops -Werror: clang's warnings differ from gcc's, and make check keeps them.
	if ! make -s --no-print-directory -j"$(nproc)" BUILD="$out/lib" CC="$cc" OPT=-O1 WARN= \
		CFLAGS="-fsanitize=fuzzer-no-link $san $extra" "$all_lib"; then
		echo "fuzz: the whole library does not build" >&2
		all_ok=0
	fi
fi
all_pkgs=$(sed -n 's/^PKGS := //p' Makefile)
# shellcheck disable=SC2086
all_cflags=$(pkg-config --cflags $all_pkgs)
# shellcheck disable=SC2086
all_libs=$(pkg-config --libs $all_pkgs)

failed=0
for t in "${targets[@]}"; do
	name=$(basename "$t" .c)
	short=${name#fuzz_}
	if ! selected "$short"; then
		continue
	fi
	bin=$out/$name
	echo "fuzz: building $name"
	if whole "$t"; then
		if [ "$all_ok" -ne 1 ]; then
			echo "fuzz: $name: needs the whole library, which did not build" >&2
			failed=1
			continue
		fi
		link=$all_lib
		libs="$all_libs -lm -lpthread"
		tflags="$flags $all_cflags -I$out/lib/gen"
	else
		link=$lib
		libs="$pkg_libs -lm -lpthread"
		tflags=$flags
	fi
	# shellcheck disable=SC2086
	if ! "$cc" -fsanitize=fuzzer $san $tflags -o "$bin" "$t" "$link" $libs; then
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
	corp=$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -1)
	if [ "$rc" -ne 0 ]; then
		echo "fuzz: $name FAILED (status $rc); log: $log" >&2
		grep -E 'ERROR|SUMMARY|check failed|runtime error|Test unit written' "$log" | head -20 >&2
		failed=1
	else
		echo "fuzz: $name ok: ${runs:-no stats}${corp:+, $corp}"
	fi
done
exit "$failed"
