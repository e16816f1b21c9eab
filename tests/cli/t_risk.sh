#!/bin/bash
# The risk list, evidence cards and the JSON API over HTTP, on a small generated region
# analysed by `oko analyze`: what each role may see, and that nothing leaks across
# territories.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

"$OKO" demo --schools 60 --seed 3 >/dev/null 2>&1
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
expect_grep "API risk names the run" "$T/body" '"run":1'
get mun /api/v1/risk
grep -q "\"$foreign\"" "$T/body" && fail "API risk leaks a foreign school" || ok "API risk limited to the territory"
get region "/api/v1/signs?school=$top"
expect_eq "API signs of a school" "$code" 200
expect_grep "API signs carry values" "$T/body" '"threshold"'
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
