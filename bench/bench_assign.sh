#!/bin/bash
# Observer assignment: the engine (src/assign/engine.c) on a generated region-sized
# campaign, 10,000 sittings x 3,000 observers (tests/tools/assignbench.c says how it is
# drawn), all six levels solved; three runs, the min and median wall-clock seconds of
# assign_solve and the largest peak RSS of the process (/usr/bin/time). The goal is
# under 5 s on the 2-core machine of issue 15. With OKO_BASE_SRC (bench/run.sh: the base
# commit's tree), the base's own assignbench runs too, base and this build in turn, one line
# each with the label first.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
make -s BUILD="$BUILD" "$BUILD/tests/tools/assignbench"
tool_new=$BUILD/tests/tools/assignbench
tool_base=
if [ -n "${OKO_BASE_SRC:-}" ]; then
	make -s -C "$OKO_BASE_SRC" -j2 build/tests/tools/assignbench && tool_base=$OKO_BASE_SRC/build/tests/tools/assignbench
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
for i in 1 2 3; do
	for b in ${tool_base:+base} new; do
		tool=$tool_new
		[ "$b" = base ] && tool=$tool_base
		/usr/bin/time -f %M -o "$T/rss-$b$i" "$tool" 10000 3000 "$i" >"$T/out-$b$i"
	done
done
for b in ${tool_base:+base} new; do
	secs=$(sed -n 's/.*seconds \([0-9.]*\).*/\1/p' "$T"/out-"$b"? | sort -n)
	min=$(head -1 <<<"$secs")
	med=$(sed -n 2p <<<"$secs")
	rss=$(cat "$T"/rss-"$b"? | sort -n | tail -1)
	sed "s/ seconds.*//; s/^/$(printf "%-4s " "$b")/" "$T/out-${b}1"
	printf '%-4s assign 10000 sittings x 3000 observers: min %s s, median %s s, peak RSS %d MB\n' \
		"$b" "$min" "$med" $(((rss + 1023) / 1024))
done
