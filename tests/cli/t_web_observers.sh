#!/bin/bash
# The observers' pages over real HTTP: the role × route matrix of every new route (an
# observer sees only its own assignments and acts, a municipal coordinator only its
# territory's acts, the school no act at all), CSRF on every POST, a manual override that
# breaks a hard rule refused with the rule and nothing changed, a soft one stored with its
# note, an act sent twice with the same client_key stored once, the school not seeing a
# future observer when the campaign reveals on the day, video stored, the registry upload
# (refused whole with row and column), the downloads' types and the schedule's header.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

C="ВПР весна 2021"
"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
"$OKO" import procedures "$DATA/procedures.csv" >/dev/null
cat >"$T/plan.csv" <<EOF
campaign,procedure,materials_from,window_from,window_to,criteria_from,form_from,upload_deadline
$C,VPR-2021-MA-4,2021-03-10,2021-03-15,2021-05-21,2021-03-15,2021-03-15,2021-05-25
$C,VPR-2021-RU-4,2021-03-10,2021-03-16,2021-05-20,2021-03-16,2021-03-16,2021-05-25
EOF
"$OKO" import plan "$T/plan.csv" >/dev/null
"$OKO" plan assign --campaign "$C" --all >/dev/null
while read -r school proc date time; do
	"$OKO" plan date --school "$school" --procedure "$proc" --date "$date" --time "$time" >/dev/null ||
		echo "# plan date $school $proc failed"
done <<EOF
sch220206 VPR-2021-RU-4 2021-04-13 09:00
sch220207 VPR-2021-RU-4 2021-04-13 09:00
edu223017 VPR-2021-RU-4 2021-04-13 10:00
sch220207 VPR-2021-MA-4 2021-04-15 10:00
EOF
"$OKO" observers import "$DATA/observers.csv" --campaign "$C" >/dev/null || echo "# observers import failed"
add() { "$OKO" user add "$1" --role "$2" ${3:+--scope "$3"} --name "$1 name" --password "password-$1" >/dev/null; }
add admin admin
add reg region
add mun municipality "г. Барнаул"
add mun2 municipality "Краснощёковский район"
add sch school sch220206
add sch2 school edu223017
add exp expert
add obs1 observer
add obs2 observer
add obs3 observer
"$OKO" observers link --observer N006 --login obs1 >/dev/null || echo "# link obs1 failed"
"$OKO" observers link --observer N004 --login obs2 >/dev/null || echo "# link obs2 failed"
# Known assignments: N006 (Барнаул) at sch220206 RU-4 and sch220207 MA-4; N004
# (Краснощёковский район) at edu223017 RU-4.
set_obs() { "$OKO" observers set --campaign "$C" --procedure "$1" --school "$2" --observer "$3" >/dev/null ||
	echo "# observers set $*: failed"; }
set_obs VPR-2021-RU-4 sch220206 N006
set_obs VPR-2021-MA-4 sch220207 N006
set_obs VPR-2021-RU-4 edu223017 N004
cid=$(sql "SELECT id FROM campaign WHERE name = '$C'")
oid() { sql "SELECT id FROM observer WHERE code = '$1'"; }

# The sittings are in April 2021; the server's today is 1 April (reveal on the day).
export OKO_NOW=2021-04-01T08:00:00Z
start_server
for u in admin reg mun mun2 sch sch2 exp obs1 obs2 obs3; do login $u "password-$u"; done

# --- the observer's home and act form
sql "UPDATE school SET address = 'с. Тестовое, ул. Школьная, д. 7' WHERE login = 'sch220206'"
get obs1 /
expect_grep "observer sees where to go" "$T/body" "с. Тестовое, ул. Школьная, д. 7"
expect_eq "observer's home" "$code" 200
expect_grep "observer sees its sitting in people's words" "$T/body" "ВПР, русский язык, 4 класс"
expect_grep "observer sees the date in Russian" "$T/body" "13.04.2021"
expect_grep "observer's home offers the act" "$T/body" "Заполнить акт"
if grep -q "edu223017" "$T/body"; then fail "observer sees another observer's sitting"; else ok "observer sees only its own sittings"; fi
get obs3 /
expect_grep "an observer linked to nobody is told so" "$T/body" "не связана с реестром"
get obs1 "/acts/new?procedure=VPR-2021-RU-4&school=sch220206"
expect_eq "act form of its own sitting" "$code" 200
expect_grep "act form lists the stages" "$T/body" "проверка работ"
expect_grep "act form offers «нарушений не выявлено»" "$T/body" "нарушений не выявлено"
expect_grep "act form loads the offline script" "$T/body" "/static/act.js"
get obs1 "/acts/new?procedure=VPR-2021-RU-4&school=edu223017"
expect_eq "act form of another observer's sitting → 404" "$code" 404
get obs1 "/acts/new?procedure=VPR-2021-RU-4&school=sch220207"
expect_eq "act form of a sitting nobody assigned → 404" "$code" 404
get - /static/act.js
expect_eq "act.js served" "$code" 200

# --- acts: stored once per client_key
kind1=$(sql "SELECT id FROM violation_kind ORDER BY id LIMIT 1")
post obs1 /acts --data-urlencode procedure=VPR-2021-RU-4 --data-urlencode school=sch220206 \
	--data-urlencode started=09:00 --data-urlencode ended=09:50 --data-urlencode stage=0 --data-urlencode stage=2 \
	--data-urlencode violation="$kind1" --data-urlencode comment="Телефон у участника <b>" \
	--data-urlencode client_key=k-obs1-0001 --data-urlencode js=1
expect_eq "act sent by the script → 200" "$code" 200
expect_grep "act answer is JSON" "$T/body" '"ok":true'
a1=$(grep -o '"id":[0-9]*' "$T/body" | grep -o '[0-9]*')
post obs1 /acts --data-urlencode procedure=VPR-2021-RU-4 --data-urlencode school=sch220206 \
	--data-urlencode started=09:00 --data-urlencode ended=09:50 --data-urlencode stage=0 --data-urlencode stage=2 \
	--data-urlencode violation="$kind1" --data-urlencode comment="Телефон у участника <b>" \
	--data-urlencode client_key=k-obs1-0001 --data-urlencode js=1
expect_eq "the same act sent again → 200" "$code" 200
expect_grep "the resend names the same act" "$T/body" "\"id\":$a1"
expect_eq "the act is stored once" "$(sql "SELECT count(*) FROM act WHERE client_key = 'k-obs1-0001'")" 1
first=$(sql "SELECT submitted_at FROM act WHERE id = $a1")
expect_eq "… never corrected" "$(sql "SELECT coalesce(revised_at, 'нет') FROM act WHERE id = $a1")" "нет"
# A correction keeps the first submission, says it was corrected, and is journaled as such.
post obs1 /acts --data-urlencode procedure=VPR-2021-RU-4 --data-urlencode school=sch220206 \
	--data-urlencode started=09:00 --data-urlencode ended=09:55 --data-urlencode stage=0 --data-urlencode stage=2 \
	--data-urlencode violation="$kind1" --data-urlencode comment="Телефон у участника <b>, исправлено" \
	--data-urlencode client_key=k-obs1-0002
expect_eq "a correction of the act → redirect" "$code" 303
expect_eq "… the act is corrected in place" "$(sql "SELECT ended || ' ' || comment FROM act WHERE client_key = 'k-obs1-0001'")" "09:55 Телефон у участника <b>, исправлено"
expect_eq "… keeping its first submission" "$(sql "SELECT submitted_at FROM act WHERE id = $a1")" "$first"
check "… dated as a correction" test -n "$(sql "SELECT revised_at FROM act WHERE id = $a1 AND revised_at >= submitted_at")"
expect_eq "… journaled as a correction" "$(sql "SELECT count(*) FROM audit WHERE action = 'act_revised' AND object = '$a1'")" 1
get reg "/acts/$a1"
expect_grep "the region sees it was corrected" "$T/body" ", онлайн; исправлен "
post obs2 /acts --data-urlencode procedure=VPR-2021-RU-4 --data-urlencode school=edu223017 \
	--data-urlencode started=10:00 --data-urlencode ended=10:45 --data-urlencode stage=2 \
	--data-urlencode no_violations=1 --data-urlencode client_key=k-obs2-0001
expect_eq "plain form POST (no script) → redirect" "$code" 303
a2=$(sql "SELECT id FROM act WHERE client_key = 'k-obs2-0001'")
[ -n "$a2" ] && ok "plain POST stored the act" || fail "plain POST stored the act"
post obs1 /acts --data-urlencode procedure=VPR-2021-MA-4 --data-urlencode school=sch220207 \
	--data-urlencode started=10:00 --data-urlencode ended=09:00 --data-urlencode no_violations=1 \
	--data-urlencode client_key=k-obs1-bad
expect_eq "an act ending before it starts → 400" "$code" 400
expect_grep "the refusal says why" "$T/body" "раньше времени начала"
expect_eq "the refused act is not stored" "$(sql "SELECT count(*) FROM act WHERE client_key = 'k-obs1-bad'")" 0
post obs1 /acts --data-urlencode procedure=VPR-2021-RU-4 --data-urlencode school=edu223017 \
	--data-urlencode started=10:00 --data-urlencode ended=10:40 --data-urlencode no_violations=1 \
	--data-urlencode client_key=k-obs1-foreign
expect_eq "an act for another observer's sitting → 404" "$code" 404

# --- the permission matrix: user route expected-status
while read -r who path want; do
	get "$who" "$path"
	expect_eq "$who GET $path → $want" "$code" "$want"
done <<MATRIX
- /observers 303
- /observers/school 303
- /observers/violations 303
- /acts/new?procedure=VPR-2021-RU-4&school=sch220206 303
- /acts/$a1 303
- /acts/$a1.pdf 303
- /observers/schedule.csv?campaign=$cid 303
admin /observers 200
reg /observers 200
mun /observers 200
mun2 /observers?campaign=$cid 200
sch /observers 403
exp /observers 403
obs1 /observers 403
admin /observers/violations 200
reg /observers/violations 200
mun /observers/violations 403
obs1 /observers/violations 403
sch /observers/school 200
mun /observers/school 403
obs1 /observers/school 403
reg /observers/school 403
obs1 /acts/$a1 200
obs1 /acts/$a1.pdf 200
obs1 /acts/$a2 404
obs1 /acts/$a2.pdf 404
obs2 /acts/$a2 200
obs2 /acts/$a1 404
obs3 /acts/$a1 404
mun /acts/$a1 200
mun /acts/$a2 404
mun /acts/$a2.pdf 404
mun2 /acts/$a2 200
mun2 /acts/$a1 404
reg /acts/$a1 200
reg /acts/$a2 200
admin /acts/$a2.pdf 200
sch /acts/$a1 403
sch /acts/$a1.pdf 403
sch2 /acts/$a2 403
exp /acts/$a1 403
obs1 /acts/999999 404
reg /acts/999999 404
sch /acts/new?procedure=VPR-2021-RU-4&school=sch220206 403
mun /acts/new?procedure=VPR-2021-RU-4&school=sch220206 403
obs1 /observers/schedule.csv?campaign=$cid 403
sch /observers/schedule.csv?campaign=$cid 403
sch /observers/acts.csv?campaign=$cid 403
sch /observers/coverage.csv?campaign=$cid 403
obs1 /observers/coverage.xlsx?campaign=$cid 403
reg /observers/coverage.csv?campaign=999999 404
reg /observers/schedule.csv?campaign=999999 404
reg /observers?campaign=999999 404
- /observers/control 303
reg /observers/control?campaign=$cid 200
mun /observers/control?campaign=$cid 200
sch /observers/control 403
obs1 /observers/control 403
MATRIX

get obs1 "/acts/$a1"
expect_grep "act page shows the violation" "$T/body" "$(sql "SELECT title FROM violation_kind WHERE id = $kind1")"
expect_grep "act comment escaped" "$T/body" "Телефон у участника &lt;b&gt;"
get mun "/observers?campaign=$cid"
expect_grep "coordinator's sittings link the act" "$T/body" "href=\"/acts/$a1\""
expect_grep "coordinator sees coverage" "$T/body" "Охват наблюдением"
expect_grep "coordinator sees the violations by school" "$T/body" "Нарушения по видам и школам"
if grep -q "edu223017\|href=\"/acts/$a2\"" "$T/body"; then fail "municipal coordinator sees another municipality"
else ok "municipal coordinator sees only its municipality"; fi
get mun "/"
expect_grep "coordinator's home has the coverage tile" "$T/body" "проведений с наблюдателем"
get sch "/acts/$a1"
if grep -q "Телефон у участника" "$T/body"; then fail "school reads the act"; else ok "school does not read the act"; fi

# --- CSRF: every POST without the token is refused
for path in /observers/set /observers/assign /observers/reveal /observers/link /observers/violations; do
	code=$(curl -s -o /dev/null -w '%{http_code}' -b "$T/reg.jar" --data-urlencode "campaign=$cid" "$URL$path")
	expect_eq "POST $path without CSRF → 403" "$code" 403
done
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$T/reg.jar" -F "campaign=$cid" -F "file=@$DATA/observers.csv" "$URL/observers/import")
expect_eq "POST /observers/import without CSRF → 403" "$code" 403
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$T/obs1.jar" --data-urlencode procedure=VPR-2021-RU-4 \
	--data-urlencode school=sch220206 --data-urlencode started=09:00 --data-urlencode ended=09:30 \
	--data-urlencode no_violations=1 --data-urlencode client_key=k-nocsrf "$URL/acts")
expect_eq "POST /acts without CSRF → 403" "$code" 403
expect_eq "nothing stored without CSRF" "$(sql "SELECT count(*) FROM act WHERE client_key = 'k-nocsrf'")" 0
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$T/sch.jar" --data-urlencode procedure=VPR-2021-RU-4 \
	--data-urlencode phase=sitting --data-urlencode mode=record "$URL/video")
expect_eq "POST /video without CSRF → 403" "$code" 403
code=$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode procedure=VPR-2021-RU-4 "$URL/acts")
expect_eq "anonymous POST /acts → 403" "$code" 403
post sch /observers/set --data-urlencode "campaign=$cid" --data-urlencode procedure=VPR-2021-RU-4 \
	--data-urlencode school=sch220206 --data-urlencode observer=0
expect_eq "school may not change assignments" "$code" 403
post mun /observers/reveal --data-urlencode "campaign=$cid" --data-urlencode reveal=day
expect_eq "the reveal setting is the region's" "$code" 403

# --- manual overrides
before=$(sql "SELECT procedure_id, school_id, observer_id, how FROM observation ORDER BY 1, 2" | md5sum)
post mun /observers/set --data-urlencode "campaign=$cid" --data-urlencode procedure=VPR-2021-RU-4 \
	--data-urlencode school=sch220206 --data-urlencode "observer=$(oid N001)"
expect_eq "override at the observer's own school → 400" "$code" 400
expect_grep "the refusal names the rule" "$T/body" "работает в этой школе"
expect_grep "the refusal says nothing changed" "$T/body" "Ничего не изменено"
expect_grep "… on the sitting's own page, its form there to choose again" "$T/body" \
	'<h1>Наблюдатель на проведение</h1><p class="alert" role="alert">Наблюдатель не назначен'
expect_eq "nothing changed by the refused override" "$(sql "SELECT procedure_id, school_id, observer_id, how FROM observation ORDER BY 1, 2" | md5sum)" "$before"
post mun /observers/set --data-urlencode "campaign=$cid" --data-urlencode procedure=VPR-2021-RU-4 \
	--data-urlencode school=sch220206 --data-urlencode observer=0
expect_eq "removing the observer of a sitting whose act is in → 400" "$code" 400
expect_grep "… said as not removed" "$T/body" "Наблюдатель не снят: по этому проведению наблюдатель уже подал акт"
expect_eq "… nothing changed" "$(sql "SELECT procedure_id, school_id, observer_id, how FROM observation ORDER BY 1, 2" | md5sum)" "$before"
post mun /observers/set --data-urlencode "campaign=$cid" --data-urlencode procedure=VPR-2021-RU-4 \
	--data-urlencode school=sch220207 --data-urlencode "observer=$(oid N002)"
expect_eq "override with a child at the school → 400" "$code" 400
expect_grep "the child rule named" "$T/body" "ребёнок участвует"
post mun /observers/set --data-urlencode "campaign=$cid" --data-urlencode procedure=VPR-2021-RU-4 \
	--data-urlencode school=sch220207 --data-urlencode "observer=$(oid N003)"
expect_eq "municipal coordinator cannot pick another municipality's observer → 404" "$code" 404
post mun /observers/set --data-urlencode "campaign=$cid" --data-urlencode procedure=VPR-2021-RU-4 \
	--data-urlencode school=edu223017 --data-urlencode observer=0
expect_eq "municipal coordinator cannot touch another municipality's sitting → 404" "$code" 404
post reg /observers/set --data-urlencode "campaign=$cid" --data-urlencode procedure=VPR-2021-RU-4 \
	--data-urlencode school=sch220207 --data-urlencode "observer=$(oid N003)"
expect_eq "an override breaking a soft preference is stored" "$code" 200
expect_grep "its note is shown" "$T/body" "из другого муниципалитета"
expect_eq "stored as manual with the note" \
	"$(sql "SELECT how || ' ' || CASE WHEN note LIKE '%другого муниципалитета%' THEN 1 ELSE 0 END FROM observation o JOIN school s ON s.id = o.school_id JOIN procedure p ON p.id = o.procedure_id WHERE s.login = 'sch220207' AND p.code = 'VPR-2021-RU-4'")" "manual 1"
get reg "/observers?campaign=$cid"
expect_grep "the sittings table says «вручную»" "$T/body" "вручную"
post reg /observers/set --data-urlencode "campaign=$cid" --data-urlencode procedure=VPR-2021-RU-4 \
	--data-urlencode school=sch220207 --data-urlencode observer=0
expect_eq "«снять» → 200" "$code" 200
expect_eq "the observer is removed" "$(sql "SELECT count(*) FROM observation o JOIN school s ON s.id = o.school_id JOIN procedure p ON p.id = o.procedure_id WHERE s.login = 'sch220207' AND p.code = 'VPR-2021-RU-4'")" 0

# --- the override is a small page per sitting: the list links to it and repeats no
# observer list in its rows (a <select> per row made the demo region's page 371 KB)
get reg "/observers?campaign=$cid"
expect_grep "the list links a sitting to its form" "$T/body" \
	"/observers/set?campaign=$cid&amp;procedure=VPR-2021-RU-4&amp;school=sch220207"
expect_eq "the list has no override form in its rows" "$(grep -o 'action="/observers/set"' "$T/body" | wc -l)" 0
get mun "/observers/set?campaign=$cid&procedure=VPR-2021-RU-4&school=sch220207"
expect_eq "the sitting's page → 200" "$code" 200
expect_grep "it names the sitting in people's words" "$T/body" "ВПР, русский язык, 4 класс"
expect_grep "it shows the date" "$T/body" "13.04.2021"
expect_grep "it has the override form" "$T/body" '<select name="observer"'
expect_grep "the form lists the municipality's observer" "$T/body" "Морозова Ольга Павловна"
if grep -q "Кузнецов Олег Юрьевич" "$T/body"; then fail "the form lists another municipality's observer"
else ok "the form lists no other municipality's observer"; fi
get mun "/observers/set?campaign=$cid&procedure=VPR-2021-RU-4&school=edu223017"
expect_eq "another municipality's sitting's page → 404" "$code" 404
get reg "/observers/set?campaign=$cid&procedure=VPR-2021-MA-4&school=sch220206"
expect_eq "a sitting without a date → 404" "$code" 404
get sch "/observers/set?campaign=$cid&procedure=VPR-2021-RU-4&school=sch220206"
expect_eq "the school has no override page" "$code" 403
get mun "/observers/set?campaign=$cid&procedure=VPR-2021-RU-4&school=sch220207"
tok=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$T/body" | head -1 | grep -o '[0-9a-f]\{64\}')
code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$(jar mun)" --data-urlencode "csrf=$tok" \
	--data-urlencode "campaign=$cid" --data-urlencode procedure=VPR-2021-RU-4 \
	--data-urlencode school=sch220207 --data-urlencode "observer=$(oid N007)" "$URL/observers/set")
expect_eq "the form sent from the sitting's page → 200" "$code" 200
expect_eq "the choice is stored" "$(sql "SELECT o.observer_id FROM observation o JOIN school s ON s.id = o.school_id JOIN procedure p ON p.id = o.procedure_id WHERE s.login = 'sch220207' AND p.code = 'VPR-2021-RU-4'")" "$(oid N007)"
post mun /observers/set --data-urlencode "campaign=$cid" --data-urlencode procedure=VPR-2021-RU-4 \
	--data-urlencode school=sch220207 --data-urlencode observer=0
expect_eq "and removed again" "$code" 200

# --- the school: its observer revealed on the day, video
get sch /observers/school
expect_grep "school sees its observer" "$T/body" "Волков Игорь Николаевич"
post reg /observers/reveal --data-urlencode "campaign=$cid" --data-urlencode reveal=day
expect_eq "reveal on the day → 200" "$code" 200
get sch /observers/school
expect_grep "before the day the observer is hidden" "$T/body" "будет известен в день проведения"
if grep -q "Волков" "$T/body"; then fail "school sees a future observer"; else ok "school does not see a future observer"; fi
get sch /
if grep -q "Волков" "$T/body"; then fail "school's home shows a future observer"; else ok "school's home hides a future observer"; fi
post sch /video --data-urlencode procedure=VPR-2021-RU-4 --data-urlencode phase=sitting --data-urlencode mode=online \
	--data-urlencode kept_until=2021-07-01 --data-urlencode "kept_where=сервер школы" --data-urlencode outage=12 \
	--data-urlencode "problems=камера 2 отключалась"
expect_eq "video stored → 200" "$code" 200
expect_eq "video row stored" "$(sql "SELECT mode || ' ' || kept_until || ' ' || outage_minutes FROM video WHERE phase = 'sitting'")" "online 2021-07-01 12"
post sch /video --data-urlencode procedure=VPR-2021-RU-4 --data-urlencode phase=checking --data-urlencode mode=none
expect_eq "checking video stored" "$(sql "SELECT mode FROM video WHERE phase = 'checking'")" "none"
post sch /video --data-urlencode procedure=VPR-2021-MA-4 --data-urlencode phase=sitting --data-urlencode mode=record
expect_eq "video of a sitting the school does not have → 404" "$code" 404
post sch /video --data-urlencode procedure=VPR-2021-RU-4 --data-urlencode phase=sitting --data-urlencode mode=tape
expect_eq "a bad video mode → 400" "$code" 400
post reg /observers/reveal --data-urlencode "campaign=$cid" --data-urlencode reveal=always
get sch /observers/school
expect_grep "revealed again" "$T/body" "Волков Игорь Николаевич"

# --- downloads
dl() { code=$(curl -s -o "$T/dl" -w '%{http_code} %{content_type}' -b "$T/$1.jar" "$URL$2"); }
dl reg "/observers/schedule.csv?campaign=$cid"
expect_eq "schedule CSV" "$code" "200 text/csv; charset=utf-8"
expect_eq "schedule CSV header" "$(head -1 "$T/dl" | tr -d '\r\357\273\277')" "date,time,procedure,school,observer_id,observer,kind"
expect_grep "schedule CSV row" "$T/dl" "2021-04-13,09:00,VPR-2021-RU-4,sch220206,N006"
dl mun "/observers/schedule.csv?campaign=$cid"
if grep -q edu223017 "$T/dl"; then fail "municipal schedule holds another municipality"; else ok "municipal schedule is its own"; fi
dl reg "/observers/schedule.xlsx?campaign=$cid"
expect_eq "schedule XLSX" "$code" "200 application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
expect_eq "schedule XLSX is a zip" "$(head -c 2 "$T/dl")" "PK"
dl reg "/observers/schedule.pdf?campaign=$cid"
expect_eq "schedule PDF" "$code" "200 application/pdf"
expect_eq "schedule PDF bytes" "$(head -c 5 "$T/dl")" "%PDF-"
dl reg "/observers/acts.csv?campaign=$cid"
expect_eq "acts CSV" "$code" "200 text/csv; charset=utf-8"
expect_grep "acts CSV holds the act" "$T/dl" "sch220206"
dl reg "/observers/acts.xlsx?campaign=$cid"
expect_eq "acts XLSX" "$code" "200 application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
dl reg "/observers/coverage.csv?campaign=$cid&by=municipality"
expect_eq "coverage CSV" "$code" "200 text/csv; charset=utf-8"
expect_eq "coverage CSV header" "$(head -1 "$T/dl" | tr -d '\r\357\273\277')" "group,sittings,observed,priority,priority_observed,acts,acts_violations,video_sitting,video_checking,video_problems"
expect_eq "coverage total row counts every sitting" "$(grep '^Итого,' "$T/dl" | cut -d, -f2)" "$(sql "SELECT count(*) FROM plan_school WHERE sit_date IS NOT NULL")"
dl mun "/observers/coverage.csv?campaign=$cid&by=kind"
expect_eq "a municipality's coverage counts its own sittings" "$(grep '^Итого,' "$T/dl" | cut -d, -f2)" "$(sql "SELECT count(*) FROM plan_school ps JOIN school s ON s.id = ps.school_id JOIN \"user\" u ON u.municipality_id = s.municipality_id WHERE u.login = 'mun' AND ps.sit_date IS NOT NULL")"
dl reg "/observers/coverage.xlsx?campaign=$cid&by=risk"
expect_eq "coverage XLSX" "$code" "200 application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
dl obs1 "/acts/$a1.pdf"
expect_eq "act PDF" "$code" "200 application/pdf"
# The act says when it was filled in in the region's time, as the pages do, and names the
# subject in words, never by the procedure's code.
pdftotext -layout "$T/dl" "$T/act.txt"
if grep -q 'UTC' "$T/act.txt"; then fail "the act PDF has no UTC time"; else ok "the act PDF has no UTC time"; fi
if grep -q 'VPR-20' "$T/act.txt"; then fail "the act PDF has no procedure code"; else ok "the act PDF has no procedure code"; fi
if grep -Eq 'Акт заполнен в oko: [0-9]{2}\.[0-9]{2}\.20[0-9]{2} [0-9]{2}:[0-9]{2}' "$T/act.txt"; then
	ok "the act PDF gives its moment in Russian form"
else
	fail "the act PDF gives its moment in Russian form: $(grep 'Акт заполнен' "$T/act.txt")"
fi

# --- the registry: upload, logins, violations list
registry() { sql "SELECT o.code, o.name, o.kind, o.max_per_day, o.municipality_id FROM observer o ORDER BY o.code;
	SELECT observer_id, school_id, why FROM observer_school ORDER BY 1, 2, 3; SELECT * FROM observer_day ORDER BY 1, 2" | md5sum; }
before=$(registry)
upload reg /observers/import -F "campaign=$cid" -F "file=@$DATA/observers_bad.csv"
expect_eq "a bad registry upload → 400" "$code" 400
expect_grep "the problem by row and column" "$T/body" "строка 3, столбец 5 «works_at»"
expect_grep "nothing stored, said" "$T/body" "Реестр не изменён"
expect_eq "the registry unchanged by the bad upload" "$(registry)" "$before"
printf 'id,name,kind,municipality,works_at,children_at,max_per_day,available\nN900,Новикова Вера Сергеевна,общественный,г. Барнаул,,,1,\n' >"$T/new.csv"
upload mun /observers/import -F "campaign=$cid" -F "file=@$T/new.csv" -F dry_run=1
expect_eq "dry run upload → 200" "$code" 200
expect_eq "dry run stores nothing" "$(sql "SELECT count(*) FROM observer WHERE code = 'N900'")" 0
upload mun /observers/import -F "campaign=$cid" -F "file=@$T/new.csv"
expect_eq "registry upload → 200" "$code" 200
expect_eq "the new observer stored" "$(sql "SELECT count(*) FROM observer WHERE code = 'N900'")" 1
post mun /observers/link --data-urlencode "campaign=$cid" --data-urlencode "observer=$(oid N900)" --data-urlencode login=obs3
expect_eq "link a login → 200" "$code" 200
get obs3 /
expect_grep "the linked observer sees its name" "$T/body" "Новикова Вера Сергеевна"
post mun /observers/link --data-urlencode "campaign=$cid" --data-urlencode "observer=$(oid N007)" --data-urlencode login=sch
expect_eq "a school login cannot be linked → 400" "$code" 400
post mun /observers/link --data-urlencode "campaign=$cid" --data-urlencode "observer=$(oid N004)" --data-urlencode login=obs3
expect_eq "another municipality's observer → 404" "$code" 404
post reg /observers/violations --data-urlencode action=add --data-urlencode "title=посторонние в аудитории"
expect_eq "violation kind added" "$code" 200
vk=$(sql "SELECT id FROM violation_kind WHERE title = 'посторонние в аудитории'")
[ -n "$vk" ] && ok "the new kind stored" || fail "the new kind stored"
post reg /observers/violations --data-urlencode action=set --data-urlencode "id=$vk" --data-urlencode "title=посторонние лица в аудитории"
expect_eq "violation kind renamed and switched off" "$(sql "SELECT title || ' ' || active FROM violation_kind WHERE id = $vk")" "посторонние лица в аудитории 0"
get obs1 "/acts/new?procedure=VPR-2021-MA-4&school=sch220207"
if grep -q "посторонние лица" "$T/body"; then fail "a switched-off kind offered"; else ok "a switched-off kind is not offered"; fi
post reg /observers/violations --data-urlencode action=add --data-urlencode "title=посторонние лица в аудитории"
expect_eq "a repeated kind refused" "$code" 400

# --- the assign button
post reg /observers/assign --data-urlencode "campaign=$cid" --data-urlencode seed=7 --data-urlencode dry_run=1
expect_eq "dry-run assignment → 200" "$code" 200
expect_grep "the dry run says nothing was stored" "$T/body" "ничего не сохранено"
expect_grep "the summary counts the covered sittings" "$T/body" "Проведений с наблюдателем"
post reg /observers/assign --data-urlencode "campaign=$cid" --data-urlencode seed=7
expect_eq "assignment → 200" "$code" 200
expect_grep "assignment done" "$T/body" "Назначение выполнено"
expect_eq "every sitting covered" "$(sql "SELECT count(*) FROM observation")" 4
expect_eq "the manual choices kept" "$(sql "SELECT count(*) FROM observation WHERE how = 'manual'")" 3

# --- what the review found (each failed before its fix)
ru4="(SELECT id FROM procedure WHERE code = 'VPR-2021-RU-4')"
# An act holds its sitting: its observer is neither replaced nor removed.
post mun /observers/set --data-urlencode "campaign=$cid" --data-urlencode procedure=VPR-2021-RU-4 \
	--data-urlencode school=sch220206 --data-urlencode observer=0
expect_eq "removing the observer of a sitting with an act → 400" "$code" 400
expect_grep "… with the reason" "$T/body" "уже подал акт"
# An observer never sees another observer's act in its form (the sitting moved to obs2
# behind the rules' back).
sql "UPDATE observation SET observer_id = $(oid N004) WHERE procedure_id = $ru4 AND school_id = (SELECT id FROM school WHERE login = 'sch220206')"
get obs2 "/acts/new?procedure=VPR-2021-RU-4&school=sch220206"
expect_eq "the form of a sitting with another's act → 200" "$code" 200
if grep -q "Телефон у участника" "$T/body"; then fail "another observer's act shown in the form"; else ok "another observer's act not shown"; fi
sql "UPDATE observation SET observer_id = $(oid N006) WHERE procedure_id = $ru4 AND school_id = (SELECT id FROM school WHERE login = 'sch220206')"
# 200 Cyrillic characters of «где хранится» are kept whole.
long=$(printf 'ж%.0s' $(seq 200))
post sch /video --data-urlencode procedure=VPR-2021-RU-4 --data-urlencode phase=sitting --data-urlencode mode=record \
	--data-urlencode "kept_where=$long"
expect_eq "200 characters of «где хранится» stored whole" "$(sql "SELECT length(kept_where) FROM video WHERE phase = 'sitting' AND procedure_id = $ru4 AND school_id = (SELECT id FROM school WHERE login = 'sch220206')")" 200
# A sitting with an observer keeps its date.
post sch /plan/date --data-urlencode "campaign=$cid" --data-urlencode procedure=VPR-2021-RU-4 \
	--data-urlencode date=2021-04-20 --data-urlencode time=11:00
expect_eq "moving an observed sitting → 400" "$code" 400
expect_grep "… with the reason" "$T/body" "уже подан акт наблюдения"
# A municipality's run keeps an observer another coordinator placed on its school.
s207="(SELECT id FROM school WHERE login = 'sch220207')"
sql "INSERT INTO observation (procedure_id, school_id, observer_id, how, assigned_by) VALUES ($ru4, $s207, $(oid N004), 'auto', 'reg') ON CONFLICT (procedure_id, school_id) DO UPDATE SET observer_id = excluded.observer_id, how = 'auto', note = NULL"
post mun /observers/assign --data-urlencode "campaign=$cid" --data-urlencode seed=5
expect_eq "municipal run → 200" "$code" 200
expect_eq "the region's observer stays on the municipality's school" "$(sql "SELECT observer_id FROM observation WHERE procedure_id = $ru4 AND school_id = $s207")" "$(oid N004)"
expect_grep "the report says so" "$T/body" "назначен другим координатором"
stop_server
