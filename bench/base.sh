#!/bin/bash
# The base build that `make bench` measures beside this one: the commit named by
# BENCH_BASE (any git ref), or else by the file bench/BASE (one line, a commit hash: the
# build before the current piece of work). BENCH_BASE=none: no base build.
#
#   bench/base.sh [MAKE_TARGET...]
#
# Prints the absolute path of the base binary on stdout (nothing for none); progress and
# errors go to stderr; exit 1 when the ref is unknown or the build fails. The commit's
# tree is exported with `git archive` (no worktree is registered, nothing in the working
# tree changes) into build/base-src/ and built there with its own Makefile (make -j2),
# objects in build/base-src/build/; the binary is copied to build/base/oko and the hash
# written to build/base/HASH. A second call for the same hash reuses the build as it is;
# another hash starts from a fresh export (git archive's file times are the commit's, so
# an incremental make across commits could keep stale objects). Extra arguments are more
# targets of the base tree's Makefile to build (bench_assign.sh's tests/tools/assignbench:
# build/base-src/build/tests/tools/assignbench), built every call (make skips what is up
# to date).
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
ref=${BENCH_BASE:-}
if [ -z "$ref" ]; then
	[ -s bench/BASE ] || { echo "bench/base.sh: bench/BASE is missing and BENCH_BASE is not set" >&2; exit 1; }
	ref=$(head -1 bench/BASE | tr -d '[:space:]')
fi
[ "$ref" = none ] && exit 0
hash=$(git rev-parse --verify --quiet "$ref^{commit}") ||
	{ echo "bench/base.sh: '$ref' is not a commit of this repository" >&2; exit 1; }
src=$top/build/base-src
out=$top/build/base
if [ ! -x "$out/oko" ] || [ "$(cat "$out/HASH" 2>/dev/null)" != "$hash" ]; then
	echo "bench: building the base $(git log -1 --format='%h %ad %s' --date=short "$hash" | cut -c1-100)" >&2
	rm -rf "$src" "$out"
	mkdir -p "$src" "$out"
	git archive --format=tar "$hash" | tar -x -C "$src"
	if ! make -s -C "$src" -j2 build/oko >"$out/build.log" 2>&1; then
		echo "bench/base.sh: the base build of $hash failed; the end of $out/build.log:" >&2
		tail -20 "$out/build.log" >&2
		exit 1
	fi
	cp "$src/build/oko" "$out/oko"
	echo "$hash" >"$out/HASH"
fi
for t in "$@"; do
	make -s -C "$src" -j2 "$t" >>"$out/build.log" 2>&1 ||
		{ echo "bench/base.sh: the base target $t failed (see $out/build.log)" >&2; exit 1; }
done
echo "$out/oko"
