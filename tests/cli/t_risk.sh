#!/bin/bash
# The risk list, evidence cards and the JSON API over HTTP, on a small generated region
# analysed by `oko analyze`: what each role may see, and that nothing leaks across
# territories.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

"$OKO" demo --schools 60 --seed 3 >/dev/null 2>&1
# The demo analyses the region for its re-check round; this test starts before any
# analysis, so the demo's run and re-checks go (re-checks have their own tests).
sql "PRAGMA foreign_keys = ON; DELETE FROM recheck_check; DELETE FROM recheck_work; DELETE FROM recheck_round; DELETE FROM analysis_run" >/dev/null
start_server
for u in admin region mun school; do
	code=$(curl -s -o /dev/null -w '%{http_code}' -c "$T/$u.jar" --data-urlencode "login=$u" --data-urlencode password=oko-demo-2026 "$URL/login")
done
get region /risk
expect_eq "risk list before any analysis" "$code" 200
expect_grep "no analysis explained" "$T/body" "Анализ ещё не проводился"
"$OKO" analyze --out "$T/out" --quiet
expect_eq "analysis stored" "$(sql 'SELECT count(*) FROM analysis_run')" 1

get region /risk
expect_eq "region opens the risk list" "$code" 200
expect_grep "objectivity index shown" "$T/body" "показатель объективности"
get region "/risk?all=1"
expect_grep "all schools listed by risk" "$T/body" "<td class=\"num\">1</td>"
top=$(sql "SELECT s.login FROM school_risk k JOIN school s ON s.id = k.school_id ORDER BY k.rank LIMIT 1")
mun_id=$(sql "SELECT municipality_id FROM user WHERE login = 'mun'")
get region "/risk?all=1&municipality=$mun_id&kind="
expect_eq "risk list filtered by municipality" "$code" 200
other=$(sql "SELECT login FROM school WHERE municipality_id != $mun_id ORDER BY login LIMIT 1")
grep -q "/risk/$other\"" "$T/body" && fail "filter keeps other municipalities out" || ok "filter keeps other municipalities out"
get region "/risk?all=1&kind=%D0%BB%D0%B8%D1%86%D0%B5%D0%B9"
expect_eq "risk list filtered by kind" "$code" 200
get region "/risk/$top"
expect_eq "evidence card opens" "$code" 200
expect_grep "evidence card explains a flag is not a verdict" "$T/body" "а не вывод о нарушении"
expect_grep "evidence card draws the distribution" "$T/body" "<svg"
flagged=$(sql "SELECT count(*) FROM sign_result g JOIN school s ON s.id = g.school_id WHERE s.login = '$top'")
shown=$(grep -o '<tr><td>VPR-' "$T/body" | wc -l)
expect_eq "every stored flag of the school is on its card" "$shown" "$flagged"
expect_grep "the card says which analysis it shows" "$T/body" "на момент анализа от $(sql 'SELECT at FROM analysis_run')"
expect_eq "sign_result records each sign's kind" "$(sql "SELECT count(*) FROM sign_result WHERE kind NOT IN ('official', 'published', 'own') OR (kind = 'official') != (sign IN ('mean_inflated', 'journal_mismatch', 'cohort_rise', 'cohort_drop'))")" 0

# The card is one moment: its distribution is the run's, not the live results'. Replace the
# school's results of the card's procedure with three blank works: the card keeps the run's
# distribution (and its date) until the next analysis.
caption() { grep -o '<figcaption>Работ в школе: [0-9]*, в регионе: [0-9]*' "$T/body"; }
cap1=$(caption)
check "the card draws the run's distribution with its counts" test -n "$cap1"
proc=$(grep -o 'Первичные баллы: VPR-[0-9A-Z-]*' "$T/body" | head -1 | cut -d' ' -f3)
npos=$(sql "SELECT count(*) FROM position p JOIN procedure c ON c.id = p.procedure_id WHERE c.code = '$proc'")
{
	printf 'school,procedure,code,class,variant,gender,journal_mark,absent'
	for i in $(seq 1 "$npos"); do printf ',%d' "$i"; done; echo
	for c in 1 2 3; do
		printf '%s,%s,%d,4А,1,м,3,0' "$top" "$proc" "$((900 + c))"
		for i in $(seq 1 "$npos"); do printf ',0'; done; echo
	done
} >"$T/replace.csv"
"$OKO" import results "$T/replace.csv" >"$T/imp.out" 2>&1 && ok "the school's results are replaced" || { fail "the school's results are replaced"; sed "s/^/# /" "$T/imp.out" | head; }
get region "/risk/$top"
expect_eq "after the replacement the card still shows the run's distribution" "$(caption)" "$cap1"
"$OKO" analyze --out "$T/out2" --quiet
get region "/risk/$top"
n1=$(echo "$cap1" | grep -o 'школе: [0-9]*' | cut -d' ' -f2)
rw() { sql "SELECT h.works FROM run_histogram h JOIN procedure p ON p.id = h.procedure_id WHERE h.run_id = $1 AND h.school_id IS NULL AND p.code = '$proc'"; }
expect_eq "the next analysis keeps the new distribution" "$(rw 2)" "$(($(rw 1) - n1 + 3))"
[ "$(caption)" != "$cap1" ] && ok "… and the card shows it" || fail "… and the card shows it"
get admin /
expect_grep "home shows the objectivity index" "$T/body" "показатель объективности региона"

# Territories: a municipality sees its schools' cards, not others'; a school sees none.
own=$(sql "SELECT login FROM school WHERE municipality_id = $mun_id ORDER BY login LIMIT 1")
foreign=$(sql "SELECT login FROM school WHERE municipality_id != $mun_id ORDER BY login LIMIT 1")
get mun "/risk/$own"
expect_eq "municipality opens its school's card" "$code" 200
get mun "/risk/$foreign"
expect_eq "municipality gets 404 for a foreign school's card" "$code" 404
get mun /risk
grep -q "/risk/$foreign\"" "$T/body" && fail "municipal risk list leaks a foreign school" || ok "municipal risk list is limited to its schools"
get school /risk
expect_eq "a school coordinator has no risk list" "$code" 403
get school "/risk/$own"
expect_eq "nor evidence cards" "$code" 403

# JSON API
get region /api/v1/risk
expect_eq "API risk list" "$code" 200
expect_grep "API risk names the run" "$T/body" '"run":2'
get mun /api/v1/risk
grep -q "\"$foreign\"" "$T/body" && fail "API risk leaks a foreign school" || ok "API risk limited to the territory"
get region "/api/v1/signs?school=$top"
expect_eq "API signs of a school" "$code" 200
expect_grep "API signs carry values" "$T/body" '"threshold"'
expect_grep "API signs carry the catalogue's title and kind" "$T/body" '"kind":"'
expect_grep "… and a title" "$T/body" '"title":"'
# "p" is the sign's p-value and "q_adj" its BH-adjusted one (before issue 14 "p" held q_adj).
expect_eq "API signs: p is the raw p-value, below its adjusted q_adj" "$(grep -o '"p":[-0-9.e+]*,"q_adj":[-0-9.e+]*' "$T/body" | tr ':,' '  ' | awk '{n++; bad += ($2 > $4); lt += ($2 < $4)} END {print (n > 0 && !bad && lt > 0)}')" 1
get mun "/api/v1/signs?school=$foreign"
expect_eq "API signs of a foreign school: 404" "$code" 404
get school /api/v1/procedures
expect_grep "API procedures" "$T/body" '"code":"VPR-2021-RU-4"'
get school "/api/v1/results?procedure=VPR-2021-RU-4"
expect_eq "API results summary for a school" "$code" 200
school_login=$(sql "SELECT s.login FROM user u JOIN school s ON s.id = u.school_id WHERE u.login = 'school'")
n=$(grep -o '"school":"[a-z0-9]*"' "$T/body" | sort -u | wc -l)
expect_eq "a school sees only its own summary" "$n" 1
expect_grep "it is its own" "$T/body" "\"school\":\"$school_login\""
grep -q '"code"' "$T/body" && fail "results summary exposes pupils' codes" || ok "results summary has no pupils' codes"
get mun /api/v1/uploads
expect_grep "API upload history" "$T/body" '"layout":"canonical"'
get - /api/v1/risk
expect_eq "anonymous API refused" "$code" 403
echo "1..$_n"
