#!/bin/bash
# oko analyze and oko analyze-histogram, black-box: fixtures whose expected flags are known
# by construction, a generated region with planted boundary pulling, the output files and
# the stored run; the real 2021 figures (methodology §1) when ../shared/data/real exists.
. "$(dirname "$0")/lib.sh"
"$OKO" init >/dev/null

expect_fail "no results: analyze refuses" analyze --out "$T/o0"
expect_grep "no results: says so" "$T/err" "в базе нет результатов"
expect_fail "analyze without --out is a usage error" analyze
expect_eq "usage error status 2" "$rc" 2

# A hand-made region: 12 schools of 20 pupils with the same spread of scores, except
# sch000012 (everyone near the maximum: its whole interval lies above the region's) and
# sch000005 (journal marks run against the scores: Spearman < 0).
{
	echo "login,name,municipality,region,kind,settlement,indepth"
	for s in $(seq 1 12); do printf 'sch%06d,Школа %d,Район %d,Тестовый край,СОШ,село,0\n' "$s" "$s" $((s % 3)); done
} >"$T/schools.csv"
{
	echo "procedure,kind,year,subject,grade,max_score,positions,scale"
	echo "VPR-2021-MA-4,VPR,2021,MA,4,10,1:2:Б 2:2:Б 3:2:П 4:2:П 5:2:В,3/5/8"
} >"$T/procs.csv"
awk 'BEGIN {
	print "school,procedure,code,class,variant,gender,journal_mark,absent,1,2,3,4,5"
	for (s = 1; s <= 12; s++) for (i = 0; i < 20; i++) {
		sc = (s == 12) ? 9 + i % 2 : (i * 7 + s) % 11      # scores 0..10
		j = 2 + int(sc * 4 / 11); if (s == 5) j = 7 - j   # marks follow scores, or not
		c[1] = c[2] = c[3] = c[4] = c[5] = 0; r = sc
		for (k = 1; k <= 5 && r > 0; k++) { c[k] = r >= 2 ? 2 : 1; r -= c[k] }
		printf "sch%06d,VPR-2021-MA-4,%d,4%s,1,м,%d,0,%d,%d,%d,%d,%d\n", s, 1000 + i, (i % 2 ? "А" : "Б"), j, c[1], c[2], c[3], c[4], c[5]
	}
}' >"$T/results.csv"
"$OKO" import schools "$T/schools.csv" >/dev/null
"$OKO" import procedures "$T/procs.csv" >/dev/null
expect_ok "hand-made results import" import results "$T/results.csv"
expect_fail "unknown procedure refused" analyze --procedure VPR-2021-RU-9 --out "$T/o1"
expect_grep "unknown procedure named" "$T/err" "неизвестная процедура «VPR-2021-RU-9»"
expect_fail "year without results refused" analyze --year 2019 --out "$T/o1"
expect_ok "analyze the hand-made region" analyze --out "$T/o1"
o=$T/o1
check "the summary's index has a decimal comma" grep -qE "показатель объективности: [0-9]+,[0-9]\$" "$T/out"
n=$(sed -n 's/^список риска oko: \([0-9]*\) .*/\1/p' "$T/out")
case "$((n % 100))" in
1[1-4]) form=школ ;;
*) case "$((n % 10))" in 1) form=школа ;; [234]) form=школы ;; *) form=школ ;; esac ;;
esac
expect_grep "the risk list's line counts its schools in Russian" "$T/out" "список риска oko: $n $form ("
check "… and its expected false count has a decimal comma" grep -qE "не больше [0-9]+,[0-9]\)\$" "$T/out"
expect_eq "signs.csv header" "$(head -1 "$o/signs.csv")" "school,procedure,sign,value,threshold,n,status,p,q_adj,detail"
expect_eq "schools.csv header starts as in formats.md" "$(head -1 "$o/schools.csv" | cut -d, -f1-6)" "school,municipality,official_flags,risk,listed,rank"
expect_eq "region.csv header" "$(head -1 "$o/region.csv" | cut -d, -f1-5)" "procedure,kind,year,subject,grade"
expect_eq "signs.csv: 12 signs x 12 schools" "$(($(wc -l <"$o/signs.csv") - 1))" 144
expect_eq "schools.csv: 12 schools" "$(($(wc -l <"$o/schools.csv") - 1))" 12
expect_eq "region.csv: the procedure and the total" "$(cut -d, -f1 "$o/region.csv" | tail -n +2 | tr '\n' ' ')" "VPR-2021-MA-4 all "
expect_eq "mean_inflated flags only sch000012" "$(awk -F, '$3 == "mean_inflated" && $7 == "flag" {print $1}' "$o/signs.csv")" sch000012
expect_eq "journal_mismatch flags only sch000005" "$(awk -F, '$3 == "journal_mismatch" && $7 == "flag" {print $1}' "$o/signs.csv")" sch000005
expect_eq "statuses are the three words" "$(cut -d, -f7 "$o/signs.csv" | tail -n +2 | sort -u | tr '\n' ' ')" "flag not_evaluable ok "
expect_eq "official_flags of sch000012 and sch000005" "$(awk -F, '$1 == "sch000012" || $1 == "sch000005" {print $1 ":" $3}' "$o/schools.csv" | sort | tr '\n' ' ')" "sch000005:1 sch000012:1 "
expect_eq "region: index 100 - 2/12" "$(awk -F, '$1 == "all" {printf "%.2f", $23}' "$o/region.csv")" "83.33"
check "official list XLSX written" test -s "$o/official_list.xlsx"
expect_eq "run stored" "$(sql "SELECT (SELECT count(*) FROM analysis_run) || '/' || listed || '/' || flagged FROM analysis_run")" "1/$(awk -F, 'NR > 1 && $5 == 1' "$o/schools.csv" | wc -l)/2"
expect_eq "school_risk rows" "$(sql 'SELECT count(*) FROM school_risk')" 12
expect_eq "sign_result keeps the flags" "$(sql "SELECT count(*) FROM sign_result WHERE sign IN ('mean_inflated', 'journal_mismatch')")" 2
expect_ok "--no-store leaves the database alone" analyze --out "$T/o2" --no-store --procedure VPR-2021-MA-4 --quiet
expect_eq "still one run" "$(sql 'SELECT count(*) FROM analysis_run')" 1
cmp -s "$o/signs.csv" "$T/o2/signs.csv" && ok "same data, same signs.csv" || fail "signs.csv differs between runs"

# A generated region with planted boundary pulling (seed fixed): the two strongest planted
# schools are listed and rank first.
OKO_DB=$(new_db gen); export OKO_DB
"$OKO" gen --out "$T/g" --schools 150 --kinds boundary --strength 0.8 --manipulated 0.05 \
	--subjects RU,MA --grades 4-5 --years 2021 --seed 3 --quiet
"$OKO" init >/dev/null
for k in schools procedures results; do "$OKO" import "$k" "$T/g/$k.csv" >/dev/null; done
expect_ok "analyze the generated region" analyze --out "$T/og" --quiet
expect_eq "planted schools listed at the top" "$(awk -F, '$5 == 1 && ($6 == 1 || $6 == 2) {print $1}' "$T/og/schools.csv" | sort | tr '\n' ' ')" "sch990042 sch990116 "
expect_eq "their top sign is boundary_bunching" "$(awk -F, '$6 <= 2 && NR > 1 {print $14}' "$T/og/schools.csv" | sort -u)" boundary_bunching

# Excess mass per municipality: a clean generated region (3 municipalities) where every
# RU-4 work of one municipality at 11..13 is lifted to 14, points added position by position
# as a lenient checker would; municipalities.csv shows that municipality's heap at 14 with
# an interval above 0, and the largest excess there.
OKO_DB=$(new_db mun); export OKO_DB
"$OKO" gen --out "$T/m" --schools 90 --municipalities 3 --manipulated 0 --subjects RU \
	--grades 4 --years 2021 --seed 5 --quiet
mun=$(awk -F, 'NR == 2 {print $3}' "$T/m/schools.csv")
awk -F, -v OFS=, -v m="$mun" '
	FILENAME == ARGV[1] { if (FNR > 1 && $3 == m) inm[$1] = 1; next }
	FILENAME == ARGV[2] { if ($1 == "VPR-2021-RU-4") { n = split($7, pos, " "); for (i = 1; i <= n; i++) { split(pos[i], f, ":"); mx[i] = f[2] } } next }
	FNR == 1 { for (i = 1; i <= NF; i++) if ($i == "p1") p1 = i; print; next }
	{
		if ($1 in inm && $2 == "VPR-2021-RU-4" && $8 != 1) {
			t = 0; for (i = 1; i <= n; i++) t += $(p1 + i - 1)
			for (i = 1; i <= n && t >= 11 && t < 14; i++)
				while ($(p1 + i - 1) < mx[i] && t < 14) { $(p1 + i - 1)++; t++; lifted++ }
		}
		print
	}
	END { print lifted > "/dev/stderr" }' "$T/m/schools.csv" "$T/m/procedures.csv" "$T/m/results.csv" >"$T/m/lifted.csv" 2>"$T/m/lifted.n"
"$OKO" init >/dev/null
"$OKO" import schools "$T/m/schools.csv" >/dev/null
"$OKO" import procedures "$T/m/procedures.csv" >/dev/null
"$OKO" import results "$T/m/lifted.csv" >/dev/null
expect_ok "analyze the region with one pulling municipality" analyze --out "$T/om" --quiet --no-store
mc=$T/om/municipalities.csv
expect_eq "municipalities.csv header" "$(head -1 "$mc" | cut -d, -f1-6)" "procedure,municipality,schools,works,b3,b3_excess"
expect_eq "one row per municipality" "$(tail -n +2 "$mc" | cut -d, -f2 | sort -u | wc -l)/$(($(wc -l <"$mc") - 1))" "3/3"
expect_eq "the works of the municipalities add up to the region's" "$(awk -F, 'NR > 1 {s += $4} END {print s}' "$mc")" "$(awk -F, '$1 == "VPR-2021-RU-4" {print $11}' "$T/om/region.csv")"
expect_eq "the pulling municipality: heap at 14 with lo > 0" "$(awk -F, -v m="$mun" '$2 == m {print ($5 == 14 && $7 > 0)}' "$mc")" 1
expect_eq "the largest excess at 14 is there" "$(tail -n +2 "$mc" | sort -t, -k6,6 -g | tail -1 | cut -d, -f2)" "$mun"
expect_eq "points were lifted" "$(awk '{print ($1 > 50)}' "$T/m/lifted.n")" 1

# Near twins on a work shaped like ВПР 2021 geography grade 8 as typed in (23 positions,
# maximum 37, mostly 1-2 points, no levels) in an honest region whose schools write their
# own variants and whose classes left some topics untaught (methodology-oko §6.3): the
# calibration before issue 13 flagged a fifth of these schools (84 of 407), now at most 2 %.
OKO_DB=$(new_db gg); export OKO_DB
"$OKO" gen --out "$T/gg" --schools 450 --manipulated 0 --subjects GG --grades 8 --years 2021 \
	--variant-sd 1 --not-taught 0.15 --icc 0.12 --seed 1 --quiet
"$OKO" init >/dev/null
for k in schools procedures results; do "$OKO" import "$k" "$T/gg/$k.csv" >/dev/null; done
expect_ok "analyze the GG-8-shaped region" analyze --out "$T/ogg" --quiet --no-store
expect_eq "twins: at most 2 % of the honest GG-8 schools flagged" "$(awk -F, '$3 == "twins" && $7 != "not_evaluable" {n++; f += $7 == "flag"} END {print (n > 400 && f <= 0.02 * n)}' "$T/ogg/signs.csv")" 1

# analyze-histogram on a textbook histogram: a smooth bell with half of the pupils at 12
# and 13 moved to 14 (393 pupils); nothing at 24 and 33.
awk 'BEGIN { print "score,count"; for (v = 0; v <= 40; v++) { c = int(1000 * exp(-(v - 20) ^ 2 / 60) + 0.5); if (v == 12 || v == 13) { m = int(c * 0.5); c -= m; mv += m } h[v] = c } h[14] += mv; for (v = 0; v <= 40; v++) print v "," h[v] }' >"$T/hist.csv"
expect_ok "analyze-histogram runs" analyze-histogram --counts "$T/hist.csv" --boundaries 14,24,33 --out "$T/h.csv"
expect_grep "text table printed" "$T/out" "избыток B"
expect_eq "excess at 14 covers the 393 moved, not 0" "$(awk -F, '$1 == 14 {print ($8 <= 393 && 393 <= $9 && $8 > 0)}' "$T/h.csv")" 1
expect_eq "no excess at 24 and 33 (intervals cover 0)" "$(awk -F, '($1 == 24 || $1 == 33) && $8 <= 0 && 0 <= $9' "$T/h.csv" | wc -l)" 2
expect_ok "analyze-histogram with the delta interval" analyze-histogram --counts "$T/hist.csv" --boundaries 14,24,33 --bootstrap delta --out "$T/hd.csv"
expect_grep "says which interval" "$T/out" "интервал по дельта-методу"
expect_eq "delta: the same B, an interval covering 393 and not 0, no replications" "$(awk -F, 'FNR == 1 {next} FILENAME == ARGV[1] {b[$1] = $7; next} $1 == 14 {print ($7 == b[14] && $8 <= 393 && 393 <= $9 && $8 > 0 && $19 == 0)}' "$T/h.csv" "$T/hd.csv")" 1
expect_fail "bad boundaries refused" analyze-histogram --counts "$T/hist.csv" --boundaries 24,14
expect_fail "boundary beyond the histogram refused" analyze-histogram --counts "$T/hist.csv" --boundaries 14,50

# Real data: the figures of methodology §1.
real=$(real_dir)
if [ -z "$real" ] || [ ! -d "$real/vpr2021" ]; then
	skip "real data not found beside the checkout ($OKO_SHARED/data/real)"
else
	OKO_DB=$(new_db real); export OKO_DB
	"$OKO" init >/dev/null
	for spec in "ru4 RU-4 14/24/33" "ma4 MA-4 6/10/14" "ru5 RU-5 18/29/39" "ma5 MA-5 7/11/15"; do
		set -- $spec
		"$OKO" import kim "$real/kim2021/$1.xlsx" --procedure "VPR-2021-$2" --scale "$3" >/dev/null 2>&1
		"$OKO" import results "$real/vpr2021/$1.xlsx" --procedure "VPR-2021-$2" >/dev/null 2>&1
	done
	expect_ok "real 2021: analyze" analyze --out "$T/or" --quiet
	r=$T/or/region.csv
	col() { awk -F, -v p="$1" -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i } $1 == p { print $h[c] }' "$r"; }
	expect_eq "RU-4: 24,969 works in 628 schools" "$(col VPR-2021-RU-4 works)/$(col VPR-2021-RU-4 schools)" "24969/628"
	expect_eq "RU-4: rule (a) flags 94 schools" "$(col VPR-2021-RU-4 mean_inflated)" 94
	expect_eq "RU-4: rule (b) flags 1 school" "$(col VPR-2021-RU-4 journal_mismatch)" 1
	expect_eq "MA-4: 14 rows above the maximum excluded" "$(col VPR-2021-MA-4 excluded_over_max)" 14
	expect_eq "MA-4 80/0, MA-5 112/1, RU-5 114/1" "$(col VPR-2021-MA-4 mean_inflated)/$(col VPR-2021-MA-4 journal_mismatch) $(col VPR-2021-MA-5 mean_inflated)/$(col VPR-2021-MA-5 journal_mismatch) $(col VPR-2021-RU-5 mean_inflated)/$(col VPR-2021-RU-5 journal_mismatch)" "80/0 112/1 114/1"
	expect_eq "RU-4: the largest excess is at 14 and its interval excludes 0" "$(col VPR-2021-RU-4 largest_boundary) $(awk "BEGIN {print ($(col VPR-2021-RU-4 largest_excess_lo) > 0)}")" "14 1"
	expect_eq "MA-5: the largest excess is at 7" "$(col VPR-2021-MA-5 largest_boundary)" 7
fi
# A stored run keeps each card's distribution in one byte a score; a school with 255 works
# or more of one score keeps the exact count aside. Known by construction: school big
# has 300 works of score 3 and 20 of score 0; four small schools 30 works each.
OKO_DB=$(new_db big); export OKO_DB
"$OKO" init >/dev/null
{ echo "login,name,municipality,region,kind,settlement,indepth"
  for s in big s1 s2 s3 s4; do echo "sch99$s,Школа $s,Район,Край,СОШ,город,0"; done; } >"$T/big_schools.csv"
sed -i 's/sch99big/sch990100/; s/sch99s\([0-9]\)/sch99020\1/' "$T/big_schools.csv"
printf 'procedure,kind,year,subject,grade,max_score,positions,scale\nVPR-2021-MA-4,VPR,2021,MA,4,3,1:1:Б 2:2:Б,1/2/3\n' >"$T/big_procs.csv"
{ echo "school,procedure,code,class,variant,gender,journal_mark,absent,1,2"
  for i in $(seq 300); do echo "sch990100,VPR-2021-MA-4,$((10000 + i)),4А,1,ж,5,0,1,2"; done
  for i in $(seq 20); do echo "sch990100,VPR-2021-MA-4,$((20000 + i)),4Б,1,м,2,0,0,0"; done
  for s in 1 2 3 4; do for i in $(seq 30); do
    echo "sch99020$s,VPR-2021-MA-4,$((30000 + 100 * s + i)),4А,1,ж,$((2 + i % 4)),0,$((i % 2)),$((i % 3))"; done; done
} >"$T/big_results.csv"
"$OKO" import schools "$T/big_schools.csv" >/dev/null && "$OKO" import procedures "$T/big_procs.csv" >/dev/null &&
	"$OKO" import results "$T/big_results.csv" >/dev/null
expect_ok "a school with 300 works of one score: analysed and stored" analyze --out "$T/big" --quiet
expect_eq "… its card keeps the exact counts (20 of 0, 300 of 3)" \
	"$(sql "SELECT h.counts FROM run_histogram h JOIN school s ON s.id = h.school_id WHERE s.login = 'sch990100'")" "20 0 0 300"
expect_eq "… and the whole run's counts add up" \
	"$(sql "SELECT works FROM run_histogram WHERE school_id IS NULL")" 440
echo "1..$_n"
