#!/bin/bash
# Observers end to end through the command a coordinator's operator runs: a campaign of
# 2,000 schools x 5 procedures = 10,000 sittings (oko import sittings) and a registry of
# 3,000 observers (oko import observers: municipalities as the schools', 40 % with a
# conflict of interest at a school of their municipality, 3-6 available days of the ten,
# 1-2 sittings a day; the results analysed, so the risk list gives priority sittings), then `oko observers assign` three times: wall-clock seconds and
# peak RSS of the whole command (loading, the six-level solve, storing), and the solve
# alone as the command reports it. The goal of issue 15 is under 5 s.
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
export OKO_DB=$T/obs.db
export OKO_NOW=2021-03-01T08:00:00Z # before the campaign: nothing is held yet
C="ВПР весна 2021"
"$OKO" init >/dev/null
"$OKO" gen --out "$T/gen" --schools 2000 --municipalities 60 --years 2021 --grades 4-6 --quiet
"$OKO" import schools "$T/gen/schools.csv" >/dev/null
"$OKO" import procedures "$T/gen/procedures.csv" >/dev/null
# The results and an analysis run: the schools on the risk list are covered first.
"$OKO" import results "$T/gen/results.csv" >/dev/null
"$OKO" analyze --out "$T/analysis" --quiet
procs=$(tail -n +2 "$T/gen/procedures.csv" | cut -d, -f1 | head -5)
{
	echo "campaign,procedure,materials_from,window_from,window_to,criteria_from,form_from,upload_deadline"
	for p in $procs; do echo "$C,$p,2021-03-10,2021-03-15,2021-05-21,2021-03-15,2021-03-15,2021-05-25"; done
} >"$T/plan.csv"
"$OKO" import plan "$T/plan.csv" >/dev/null
# Ten weekdays of April, three start times; each school writes its five works on
# different days.
days="2021-04-05 2021-04-06 2021-04-07 2021-04-08 2021-04-09 2021-04-12 2021-04-13 2021-04-14 2021-04-15 2021-04-16"
tail -n +2 "$T/gen/schools.csv" | cut -d, -f1,3 >"$T/schools"
awk -F, -v procs="$procs" -v days="$days" 'BEGIN { np = split(procs, P, "\n"); if (np < 2) np = split(procs, P, " "); nd = split(days, D, " "); srand(1); print "procedure,school,date,time" }
	{ o = int(rand() * nd); t = sprintf("%02d:00", 9 + int(rand() * 3))
	  for (k = 1; k <= np; k++) print P[k] "," $1 "," D[(o + 2 * k) % nd + 1] "," t }' "$T/schools" >"$T/sittings.csv"
"$OKO" import sittings "$T/sittings.csv" >/dev/null
awk -F, -v days="$days" 'BEGIN { nd = split(days, D, " "); srand(2) }
	{ s[NR] = $1; m[NR] = $2; bym[$2] = bym[$2] " " $1 }
	END { print "id,name,kind,municipality,works_at,children_at,max_per_day,available"
	  for (i = 1; i <= 3000; i++) {
		j = int(rand() * NR) + 1; mun = m[j]; w = ""
		if (rand() < 0.4) { n = split(bym[mun], L, " "); w = L[int(rand() * n) + 1] }
		a = ""; k = 3 + int(rand() * 4)
		for (x = 0; x < k; x++) { d = D[int(rand() * nd) + 1]; if (index(a, d) == 0) a = a (a == "" ? "" : " ") d }
		printf "N%04d,Наблюдатель %d,%s,\"%s\",%s,,%d,%s\n", i, i, rand() < 0.2 ? "специалист" : "общественный", mun, w, 1 + (rand() < 0.3), a } }' \
	"$T/schools" >"$T/observers.csv"
"$OKO" import observers "$T/observers.csv" --campaign "$C" >/dev/null
for i in 1 2 3; do
	/usr/bin/time -f '%e %M' -o "$T/time$i" "$OKO" observers assign --campaign "$C" --seed "$i" >"$T/out$i"
done
walls=$(cut -d' ' -f1 "$T"/time? | sort -n)
solves=$(sed -n 's/.*время решения: \([0-9,]*\) с.*/\1/p' "$T"/out? | tr , . | sort -n)
rss=$(cut -d' ' -f2 "$T"/time? | sort -n | tail -1)
grep -E 'проведений:|приоритетных|наблюдателей:' "$T/out1" | sed "s/^ */$L  /"
printf '%-4s observers assign, %s sittings x %s observers: command min %s s, median %s s (solve %s-%s s), peak RSS %d MB\n' "$L" \
	"$(($(wc -l <"$T/sittings.csv") - 1))" 3000 "$(head -1 <<<"$walls")" "$(sed -n 2p <<<"$walls")" \
	"$(head -1 <<<"$solves")" "$(tail -1 <<<"$solves")" $(((rss + 1023) / 1024))
