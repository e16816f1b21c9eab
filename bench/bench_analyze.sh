#!/bin/bash
# Analysis speed and memory (issues 5 and 21): `oko analyze` from the database.
#   region:   ~1 M works (2,500 schools, RU and MA, grades 4-8, one year)    target <= 0.5 s
#   national: ~30 M works (40,000 schools, RU and MA, grades 4-8, 2020-2021) target <= 10 s,
#             peak <= 1.5 GB (BENCH_NATIONAL=0 skips it)
# Generation and import are set-up, timed separately; the figures are wall seconds, CPU
# seconds and peak RSS of `oko analyze` alone. When OKO_BASE names a binary of an earlier
# build (bench/run.sh exports it), every measurement runs base then new in turn in the same
# run, one line each, and their outputs are compared byte for byte (the workbook's sheets:
# its docProps carry the time of writing). The machine is shared and noisy: read the two
# lines of a pair together, never a figure alone.
# BENCH_REGION_DB / BENCH_NATIONAL_DB reuse an imported database (the set-up of the
# national one takes minutes): a stored run adds a run to it; BENCH_REGION_BASE_DB /
# BENCH_NATIONAL_BASE_DB the base build's own (needed when the schema has changed since).
set -u
OKO=${OKO:?}
BASE=${OKO_BASE:-}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
status=0

measure1() { # LABEL BIN DB OUT [ARGS...]
	local label=$1 bin=$2 db=$3 out=$4; shift 4
	rm -rf "$out"
	OKO_DB=$db /usr/bin/time -f '%e %U %S %M' -o "$T/time" "$bin" analyze --out "$out" --quiet "$@" 2>"$T/err" || { echo "$label: FAILED"; tail -3 "$T/err"; return 1; }
	read -r sec usr sys kb <"$T/time"
	local works
	works=$(awk -F, '$1 != "procedure" && $1 != "all" { s += $11 } END { print s }' "$out/region.csv")
	awk -v l="$label" -v w="$works" -v s="$sec" -v u="$usr" -v y="$sys" -v k="$kb" 'BEGIN { printf "%-36s %9d works %6.2f s wall %6.2f s CPU  peak %6.0f MB\n", l, w, s, u + y, k / 1024 }'
}

same_outputs() { # DIR_A DIR_B
	local f ok=0
	for f in "$1"/*.csv; do
		cmp -s "$f" "$2/$(basename "$f")" || { echo "  DIFFERENT: $(basename "$f")"; ok=1; }
	done
	if command -v unzip >/dev/null; then
		for f in "$1"/*.xlsx; do
			cmp -s <(unzip -p "$f" 'xl/*') <(unzip -p "$2/$(basename "$f")" 'xl/*') ||
				{ echo "  DIFFERENT: $(basename "$f")"; ok=1; }
		done
	fi
	[ $ok = 0 ] && echo "  outputs of base and new byte-identical"
	return $ok
}

measure() { # LABEL DB [ARGS...]; the base build reads DBB (imported by itself) when set
	local label=$1 db=$2; shift 2
	if [ -n "$BASE" ]; then
		measure1 "$label, base" "$BASE" "${DBB:-$db}" "$T/ob" "$@" || return 1
		measure1 "$label, new" "$OKO" "$db" "$T/on" "$@" || return 1
		same_outputs "$T/ob" "$T/on" || status=1
	else
		measure1 "$label" "$OKO" "$db" "$T/on" "$@" || return 1
	fi
	rm -rf "$T/ob" "$T/on"
}

region() { # NAME SCHOOLS YEARS: sets DB
	local d=$T/$1
	local t0=$SECONDS
	"$OKO" gen --out "$d" --schools "$2" --subjects RU,MA --grades 4-8 --years "$3" --quiet || return 1
	export OKO_DB=$d/oko.db
	"$OKO" init >/dev/null
	for k in schools procedures results; do "$OKO" import "$k" "$d/$k.csv" >/dev/null || return 1; done
	DB=$d/oko.db
	# The base build may know an older schema only (a newer one it refuses to open): it
	# reads a database it imported itself from the same files.
	DBB=
	if [ -n "$BASE" ]; then
		OKO_DB=$d/base.db "$BASE" init >/dev/null || return 1
		for k in schools procedures results; do
			OKO_DB=$d/base.db "$BASE" import "$k" "$d/$k.csv" >/dev/null 2>&1 || return 1
		done
		DBB=$d/base.db
	fi
	rm -f "$d/results.csv"
	echo "$1: generated and imported in $((SECONDS - t0)) s"
}

[ -n "$BASE" ] && echo "base: $BASE"
DB=${BENCH_REGION_DB:-}
DBB=${BENCH_REGION_BASE_DB:-}
[ -n "$DB" ] || region r1m 2500 2021 || exit 1
measure "region, 2 threads" "$DB" --no-store
measure "region, 1 thread" "$DB" --no-store --threads 1
measure "region, stored in the db" "$DB"
rm -rf "$T/r1m"
if [ "${BENCH_NATIONAL:-1}" != 0 ]; then
	DB=${BENCH_NATIONAL_DB:-}
	DBB=${BENCH_NATIONAL_BASE_DB:-}
	[ -n "$DB" ] || region nat 40000 2020-2021 || exit 1
	measure "national, 2 threads, stored" "$DB"
fi
exit $status
