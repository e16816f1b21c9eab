#!/bin/bash
# Analysis speed and memory (issue 5): `oko analyze` from the database.
#   region:   ~1 M works (2,500 schools, RU and MA, grades 4-8, one year)   target < 2 s
#   national: ~30 M works (40,000 schools, RU and MA, grades 4-8, 2020-2021)
#             target < 30 s end to end, peak < 3 GB (BENCH_NATIONAL=0 skips it)
# Generation and import are set-up, timed separately; the figures are wall seconds, CPU
# seconds and peak RSS of `oko analyze` alone.
set -u
OKO=${OKO:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

measure() { # LABEL DB OUT [ARGS...]
	local label=$1 db=$2 out=$3; shift 3
	OKO_DB=$db /usr/bin/time -f '%e %U %S %M' -o "$T/time" "$OKO" analyze --out "$out" --quiet "$@" 2>"$T/err" || { echo "$label: FAILED"; tail -3 "$T/err"; return 1; }
	read -r sec usr sys kb <"$T/time"
	local works
	works=$(awk -F, '$1 != "procedure" && $1 != "all" { s += $11 } END { print s }' "$out/region.csv")
	awk -v l="$label" -v w="$works" -v s="$sec" -v u="$usr" -v y="$sys" -v k="$kb" 'BEGIN { printf "%-30s %9d works %6.2f s wall %6.2f s CPU  peak %6.0f MB\n", l, w, s, u + y, k / 1024 }'
}

region() { # NAME SCHOOLS YEARS
	local d=$T/$1
	local t0=$SECONDS
	"$OKO" gen --out "$d" --schools "$2" --subjects RU,MA --grades 4-8 --years "$3" --quiet || return 1
	export OKO_DB=$d/oko.db
	"$OKO" init >/dev/null
	for k in schools procedures results; do "$OKO" import "$k" "$d/$k.csv" >/dev/null || return 1; done
	rm -f "$d/results.csv"
	echo "$1: generated and imported in $((SECONDS - t0)) s"
}

region r1m 2500 2021 || exit 1
measure "region, 2 threads" "$T/r1m/oko.db" "$T/o1" --no-store
measure "region, 1 thread" "$T/r1m/oko.db" "$T/o1" --no-store --threads 1
measure "region, stored in the db" "$T/r1m/oko.db" "$T/o1"
rm -rf "$T/r1m" "$T/o1"
if [ "${BENCH_NATIONAL:-1}" != 0 ]; then
	region nat 40000 2020-2021 || exit 1
	measure "national, 2 threads, stored" "$T/nat/oko.db" "$T/o2"
	ls -la "$T/o2" | awk 'NR > 1 { printf "  %-20s %8.1f MB\n", $9, $5 / 1048576 }'
fi
