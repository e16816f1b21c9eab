#!/bin/bash
# Observer assignment: the engine (src/assign/engine.c) on a generated region-sized
# campaign, 10,000 sittings x 3,000 observers (tests/tools/assignbench.c says how it is
# drawn), all six levels solved; three runs, the min and median wall-clock seconds of
# assign_solve and the largest peak RSS of the process (/usr/bin/time). The goal is
# under 5 s on the 2-core machine of issue 15.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
make -s BUILD="$BUILD" "$BUILD/tests/tools/assignbench"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
for i in 1 2 3; do
	/usr/bin/time -f %M -o "$T/rss$i" "$BUILD/tests/tools/assignbench" 10000 3000 "$i" >"$T/out$i"
done
secs=$(sed -n 's/.*seconds \([0-9.]*\).*/\1/p' "$T"/out? | sort -n)
min=$(head -1 <<<"$secs")
med=$(sed -n 2p <<<"$secs")
rss=$(cat "$T"/rss? | sort -n | tail -1)
sed 's/ seconds.*//' "$T/out1"
printf 'assign 10000 sittings x 3000 observers: min %s s, median %s s, peak RSS %d MB\n' \
	"$min" "$med" $(((rss + 1023) / 1024))
