#!/bin/bash
# The region's home (issue 21): the upload progress of the newest year's procedures with
# their municipalities under each line; earlier years' procedures as their line only (the
# page was 150 KB of tables of every procedure ever uploaded), every procedure's
# municipalities on /?all=1, linked from the home; a municipality's home unchanged.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

"$OKO" demo --schools 40 --municipalities 2 --seed 3 >/dev/null 2>&1 || fail "oko demo"
start_server
for u in region mun; do login $u oko-demo-2026; done
newest=$(sql "SELECT max(p.year) FROM procedure p WHERE EXISTS (SELECT 1 FROM upload_school u WHERE u.procedure_id = p.id)")
older=$(sql "SELECT p.code FROM procedure p WHERE p.year < $newest AND EXISTS (SELECT 1 FROM upload_school u
	JOIN school s ON s.id = u.school_id WHERE u.procedure_id = p.id AND s.municipality_id IS NOT NULL
	GROUP BY u.procedure_id HAVING count(DISTINCT s.municipality_id) > 1) ORDER BY p.code LIMIT 1")
[ -n "$older" ] || fail "the demo has an earlier procedure uploaded in two municipalities"

get region /
expect_eq "region home → 200" "$code" 200
# the earlier procedure: its line, no table of municipalities under it
line=$(tr -d '\n' <"$T/body" | grep -o "<[a-z]* class=\"progress\"><span class=\"proc\"><span title=\"$older\">" | head -1)
expect_eq "an earlier year's procedure is one line" "$line" "<p class=\"progress\"><span class=\"proc\"><span title=\"$older\">"
expect_grep "the home links every procedure by municipality" "$T/body" 'href="/?all=1">Все процедуры по муниципалитетам'
small=$(wc -c <"$T/body")

get region "/?all=1"
expect_eq "/?all=1 → 200" "$code" 200
line=$(tr -d '\n' <"$T/body" | grep -o "<[a-z]* class=\"progress\"><summary><span class=\"proc\"><span title=\"$older\">" | head -1)
expect_eq "/?all=1: the earlier procedure with its municipalities" "$line" "<details class=\"progress\"><summary><span class=\"proc\"><span title=\"$older\">"
if grep -q 'href="/?all=1"' "$T/body"; then fail "/?all=1 links itself"; else ok "/?all=1 has no link to itself"; fi
full=$(wc -c <"$T/body")
[ "$small" -lt "$full" ] && ok "the home is smaller than every procedure's tables ($small < $full bytes)" ||
	fail "home $small bytes, all $full"

# a municipality's procedures are one line each (one municipality): no link
get mun /
expect_eq "municipality home → 200" "$code" 200
if grep -q 'href="/?all=1"' "$T/body"; then fail "municipality home links /?all=1"; else ok "municipality home: no link"; fi
# the latest uploads: an upload of one school names it by its name, not its login; an upload
# of many (the demo's file: several schools and procedures) is one line counting them
mine="JOIN school s ON s.id = us.school_id JOIN \"user\" u ON u.login = 'mun' WHERE s.municipality_id = u.municipality_id"
up=$(sql "SELECT max(us.upload_id) FROM upload_school us $mine")
n=$(sql "SELECT count(DISTINCT us.school_id) FROM upload_school us $mine AND us.upload_id = $up")
np=$(sql "SELECT count(DISTINCT us.procedure_id) FROM upload_school us $mine AND us.upload_id = $up")
if [ "$n" = 1 ]; then
	last=$(sql "SELECT s.name FROM upload_school us $mine AND us.upload_id = $up")
	expect_grep "the latest upload names its school" "$T/body" "<td>$(sed 's/&/\&amp;/g; s/"/\&quot;/g' <<<"$last")</td>"
else
	expect_grep "the latest upload, of $n schools, is one line counting them" "$T/body" "<td>$n школ"
fi
if [ "$np" -gt 1 ]; then
	expect_grep "… and its $np procedures" "$T/body" "<td>$np процедур"
	expect_eq "… once" "$(grep -o "<td>$np процедур" "$T/body" | wc -l)" 1
fi
echo "1..$_n"
