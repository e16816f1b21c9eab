#!/bin/bash
# Re-checks end to end through the commands an operator runs, on a region of 2,000 schools
# (oko gen, analysed so the risk list exists): a registry of 400 experts (each working at a
# school of its municipality: a conflict of interest), then `oko recheck sample` with the
# rules risk, boundary and random (share 0.1 of the other schools) and `oko recheck assign`
# of that round (every work its own slot in the observers' engine, conflicts, load spread),
# three times on fresh copies of the database: wall-clock seconds and peak RSS of each
# command, and the solve alone as the command reports it.
set -eu
cd "$(dirname "$0")/.."
OKO=${OKO:-build/oko}
# With OKO_BASE (bench/run.sh: the base build), the whole benchmark runs with the base build,
# then with this one, in the same run; each printed figure starts with base or new.
if [ -n "${OKO_BASE:-}" ] && [ -z "${BENCH_LABEL:-}" ]; then
	BENCH_LABEL=base OKO=$OKO_BASE bash "$0"
	BENCH_LABEL=new bash "$0"
	exit
fi
L=${BENCH_LABEL:-new}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export OKO_DB=$T/base.db
"$OKO" init >/dev/null
"$OKO" gen --out "$T/gen" --schools 2000 --municipalities 60 --years 2021 --grades 4 --quiet
"$OKO" import schools "$T/gen/schools.csv" >/dev/null
"$OKO" import procedures "$T/gen/procedures.csv" >/dev/null
"$OKO" import results "$T/gen/results.csv" >/dev/null
"$OKO" analyze --out "$T/analysis" --quiet
proc=$(tail -n +2 "$T/gen/procedures.csv" | cut -d, -f1 | grep -- '-MA-' | head -1)
tail -n +2 "$T/gen/schools.csv" | cut -d, -f1,3 >"$T/schools"
awk -F, 'BEGIN { srand(3) } { s[NR] = $1; m[NR] = $2 }
	END { print "id,name,municipality,subjects,works_at,children_at,max_works,login"
	  for (i = 1; i <= 400; i++) { j = int(rand() * NR) + 1
		printf "E%04d,Эксперт %d,\"%s\",MA,%s,,200,\n", i, i, m[j], s[j] } }' "$T/schools" >"$T/experts.csv"
"$OKO" import experts "$T/experts.csv" >/dev/null
for i in 1 2 3; do
	cp "$T/base.db" "$T/r$i.db"
	[ -f "$T/base.db.key" ] && cp "$T/base.db.key" "$T/r$i.db.key"
	OKO_DB=$T/r$i.db /usr/bin/time -f '%e %M' -o "$T/ts$i" "$OKO" recheck sample --procedure "$proc" \
		--rule risk,boundary,random --share 0.1 --seed "$i" --out "$T/sample$i.csv" 2>"$T/s$i" >/dev/null
	OKO_DB=$T/r$i.db /usr/bin/time -f '%e %M' -o "$T/ta$i" "$OKO" recheck assign --round 1 --seed "$i" \
		>"$T/a$i" 2>&1
done
works=$(($(wc -l <"$T/sample1.csv") - 1))
sw=$(cut -d' ' -f1 "$T"/ts? | sort -n)
aw=$(cut -d' ' -f1 "$T"/ta? | sort -n)
rss=$(cat "$T"/ts? "$T"/ta? | cut -d' ' -f2 | sort -n | tail -1)
sed "s/^/$L  /" "$T/a1" | head -8
printf '%-4s recheck sample, 2000 schools: %s works chosen, command min %s s, median %s s\n' "$L" "$works" \
	"$(head -1 <<<"$sw")" "$(sed -n 2p <<<"$sw")"
printf '%-4s recheck assign, %s works x 400 experts: command min %s s, median %s s, peak RSS %d MB\n' "$L" "$works" \
	"$(head -1 <<<"$aw")" "$(sed -n 2p <<<"$aw")" $(((rss + 1023) / 1024))
