#!/bin/bash
# The plan-graph and the upload monitoring, end to end: `oko import plan` (atomic, Russian
# errors by row and column), assignments and dates by CLI and over HTTP (permission matrix,
# CSRF, the same-date-for-the-parallel rule), the plan-graph PDF (pdftotext), and the
# monitoring's on-time / late / missing counts with the clock injected by OKO_NOW.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

C="ВПР весна 2021"
"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
"$OKO" import procedures "$DATA/procedures.csv" >/dev/null

# --- import plan: a bad file changes nothing and names rows and columns
cat >"$T/bad.csv" <<EOF
campaign,procedure,materials_from,window_from,window_to,criteria_from,form_from,upload_deadline
$C,VPR-2021-XX-4,2021-03-10,2021-03-15,2021-05-21,2021-03-15,2021-03-15,2021-05-25
$C,VPR-2021-MA-4,2021-03-10,2021-03-15,2021-02-30,2021-03-15,2021-03-15,2021-05-25
$C,VPR-2021-RU-4,2021-03-10,2021-03-15,2021-05-21,2021-03-15,2021-03-15,2021-05-20
EOF
before=$(db_digest)
expect_fail "a plan with errors is refused" import plan "$T/bad.csv"
expect_eq "nothing stored from a refused plan" "$(db_digest)" "$before"
expect_grep "unknown procedure named with row and column" "$T/err" "строка 2, столбец 2 «procedure», значение «VPR-2021-XX-4»"
expect_grep "impossible date named" "$T/err" "строка 3, столбец 5 «window_to», значение «2021-02-30»"
expect_grep "deadline before the window's end explained" "$T/err" "срок загрузки результатов раньше конца периода проведения"
expect_grep "deadline error names its column" "$T/err" "столбец 8 «upload_deadline»"

cat >"$T/plan.csv" <<EOF
campaign,procedure,materials_from,window_from,window_to,criteria_from,form_from,upload_deadline
$C,VPR-2021-MA-4,2021-03-10,2021-03-15,2021-05-21,2021-03-15,2021-03-15,2021-05-25
$C,VPR-2021-RU-4,2021-03-10,2021-03-15,2021-05-21,2021-03-15,2021-03-15,2021-05-25
EOF
expect_ok "plan dry run" import plan "$T/plan.csv" --dry-run
expect_eq "dry run stores nothing" "$(sql 'SELECT count(*) FROM plan_procedure')" 0
expect_ok "plan imported" import plan "$T/plan.csv"
expect_grep "summary counts procedures and campaigns" "$T/out" "новых 2, с изменёнными датами 0; новых кампаний 1"
expect_eq "two procedures planned" "$(sql 'SELECT count(*) FROM plan_procedure')" 2
expect_ok "re-import updates dates" import plan "$T/plan.csv"
expect_grep "re-import counted as updates" "$T/out" "новых 0, с изменёнными датами 2"
printf 'campaign,procedure,materials_from,window_from,window_to,criteria_from,form_from,upload_deadline\nДругая,VPR-2021-MA-4,2021-03-10,2021-03-15,2021-05-21,2021-03-15,2021-03-15,2021-05-25\n' >"$T/other.csv"
before=$(db_digest)
expect_fail "a procedure cannot move to another campaign" import plan "$T/other.csv"
expect_grep "other campaign explained" "$T/err" "процедура уже включена в план-график «$C»"
expect_eq "refused campaign not created" "$(db_digest)" "$before"

# --- CLI: assignments and a school's date
expect_ok "assign a municipality's schools" plan assign --campaign "$C" --procedure VPR-2021-MA-4 --municipality "г. Барнаул"
expect_grep "two schools assigned" "$T/out" "назначено новых пар «процедура — школа»: 2"
expect_fail "unknown campaign refused" plan assign --campaign "Нет такой" --all
expect_ok "school fixes its date by CLI" plan date --school sch220207 --procedure VPR-2021-MA-4 --date 2021-04-15 --time 09:30
expect_fail "date outside the window refused" plan date --school sch220207 --procedure VPR-2021-MA-4 --date 2021-06-01 --time 09:30
expect_grep "window named in the refusal" "$T/err" "дата вне периода проведения VPR-2021-MA-4: с 15.03.2021 по 21.05.2021"
expect_fail "a class may not write at another time than its parallel" plan date --school sch220207 --procedure VPR-2021-MA-4 --date 2021-04-16 --time 09:30 --class 4Б
expect_grep "same-parallel rule explained" "$T/err" "все классы параллели пишут работу одновременно"
expect_eq "the parallel's date kept" "$(sql "SELECT sit_date || ' ' || sit_time FROM plan_school ps JOIN school s ON s.id = ps.school_id WHERE s.login = 'sch220207'")" "2021-04-15 09:30"
expect_ok "the same date for a class is accepted" plan date --school sch220207 --procedure VPR-2021-MA-4 --date 2021-04-15 --time 09:30 --class 4б

# --- HTTP
add() { "$OKO" user add "$1" --role "$2" ${3:+--scope "$3"} --name "$1 name" --password "password-$1" >/dev/null; }
add admin admin
add reg region
add mun municipality "г. Барнаул"
add mun2 municipality "Краснощёковский район"
add sch school sch220206
add sch2 school edu223017
add exp expert
cid=$(sql "SELECT id FROM campaign WHERE name = '$C'")
mun2id=$(sql "SELECT id FROM municipality WHERE name = 'Краснощёковский район'")
munid=$(sql "SELECT id FROM municipality WHERE name = 'г. Барнаул'")
export OKO_NOW=2021-05-26T00:00:01Z
start_server
for u in admin reg mun mun2 sch sch2 exp; do login $u "password-$u"; done

while read -r who path want; do
	get "$who" "$path"
	expect_eq "$who GET $path → $want" "$code" "$want"
done <<MATRIX
admin /plan 200
reg /plan 200
mun /plan 200
sch /plan 200
exp /plan 403
reg /plan?campaign=$cid 200
sch /plan?campaign=$cid 200
reg /plan?campaign=9999 404
reg /plan?campaign=abc 400
reg /plan?campaign=$cid&evil=1 400
admin /monitoring 200
reg /monitoring 200
mun /monitoring 200
sch /monitoring 403
exp /monitoring 403
mun /monitoring?procedure=VPR-2021-MA-4&municipality=$mun2id 404
reg /monitoring?procedure=VPR-2021-MA-4&municipality=$mun2id 200
reg /monitoring?procedure=NOPE 404
reg /monitoring?procedure=VPR-2021-MA-4&format=pdf 400
exp /plan/print.pdf?campaign=$cid 403
MATRIX
get sch "/plan?campaign=$cid"
expect_grep "nav shows the plan-graph" "$T/body" "План-график"
get reg /
expect_grep "region nav shows monitoring" "$T/body" "Мониторинг загрузки"
get reg "/plan?campaign=$cid"
expect_grep "a missing procedure is created without leaving the plan-graph" "$T/body" \
	"/procedures?return=%2Fplan%3Fcampaign%3D$cid"
get reg "/procedures?return=%2Fplan%3Fcampaign%3D$cid"
expect_eq "… the procedures page takes the way back" "$code" 200

# CSRF: a state-changing form without the session's token is refused
code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/reg.jar" --data-urlencode "name=Без токена" "$URL/plan")
expect_eq "POST /plan without CSRF token → 403" "$code" 403
code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/sch.jar" -d "procedure=VPR-2021-MA-4&date=2021-04-14&time=10:00" "$URL/plan/date")
expect_eq "POST /plan/date without CSRF token → 403" "$code" 403

# Who may change what
post mun /plan --data-urlencode "name=Муниципальная"
expect_eq "municipality may not create a campaign" "$code" 403
post reg /plan --data-urlencode "name=ВПР осень 2021"
expect_eq "region creates a campaign" "$code" 200
expect_eq "campaign stored" "$(sql "SELECT count(*) FROM campaign WHERE name = 'ВПР осень 2021'")" 1
post sch /plan/procedure --data-urlencode "campaign=$cid" --data-urlencode "procedure=VPR-2021-MA-4"
expect_eq "school may not change procedure dates" "$code" 403
post reg /plan/procedure --data-urlencode "campaign=$cid" --data-urlencode "procedure=VPR-2021-RU-4" \
	--data-urlencode materials_from=2021-03-10 --data-urlencode window_from=2021-03-15 \
	--data-urlencode window_to=2021-03-12 --data-urlencode criteria_from=2021-03-15 \
	--data-urlencode form_from=2021-03-15 --data-urlencode upload_deadline=2021-05-25
expect_eq "inconsistent dates refused" "$code" 400
expect_grep "inconsistent dates explained" "$T/body" "конец периода проведения раньше его начала"
post reg /plan/procedure --data-urlencode "campaign=$cid" --data-urlencode "procedure=VPR-2021-RU-4" \
	--data-urlencode materials_from=2021-03-10 --data-urlencode window_from=2021-03-15 \
	--data-urlencode window_to=2021-05-20 --data-urlencode criteria_from=2021-03-15 \
	--data-urlencode form_from=2021-03-15 --data-urlencode upload_deadline=2021-05-26
expect_eq "region changes procedure dates" "$code" 200
expect_eq "new deadline stored" "$(sql "SELECT upload_deadline FROM plan_procedure pp JOIN procedure p ON p.id = pp.procedure_id WHERE p.code = 'VPR-2021-RU-4'")" 2021-05-26

post mun /plan/assign --data-urlencode "campaign=$cid" --data-urlencode "procedure=VPR-2021-RU-4" --data-urlencode "school=edu223017"
expect_eq "municipality may not assign another municipality's school" "$code" 404
expect_grep "… told on the plan page" "$T/body" "Школы с логином «edu223017» нет среди школ вашей территории"
expect_grep "… the plan page with its assign form" "$T/body" 'action="/plan/assign"'
post mun /plan/assign --data-urlencode "campaign=$cid" --data-urlencode "procedure=VPR-2021-RU-4" --data-urlencode "school=sch999999"
expect_grep "an unknown login told the same way" "$T/body" "Школы с логином «sch999999» нет среди школ вашей территории"
post mun /plan/assign --data-urlencode "campaign=$cid" --data-urlencode "municipality=$mun2id"
expect_eq "municipality may not assign another municipality" "$code" 404
post mun /plan/assign --data-urlencode "campaign=$cid" --data-urlencode "municipality=all"
expect_eq "municipality may not assign the whole region" "$code" 404
post sch /plan/assign --data-urlencode "campaign=$cid" --data-urlencode "school=sch220206"
expect_eq "school may not assign" "$code" 403
post mun /plan/assign --data-urlencode "campaign=$cid" --data-urlencode "procedure=VPR-2021-RU-4" --data-urlencode "school= sch220206 "
expect_eq "municipality assigns its school (a login pasted with spaces around it)" "$code" 200
expect_grep "assignment reported" "$T/body" "Назначено новых пар «процедура — школа»: 1."

# The school fixes its own date; the rule of the parallel
post sch /plan/date --data-urlencode "procedure=VPR-2021-MA-4" --data-urlencode "date=2021-04-14" --data-urlencode "time=10:00"
expect_eq "school fixes its date" "$code" 200
expect_eq "date stored for the user's own school" "$(sql "SELECT sit_date || ' ' || sit_time || ' ' || fixed_by FROM plan_school ps JOIN school s ON s.id = ps.school_id JOIN procedure p ON p.id = ps.procedure_id WHERE s.login = 'sch220206' AND p.code = 'VPR-2021-MA-4'")" "2021-04-14 10:00 sch"
post sch /plan/date --data-urlencode "procedure=VPR-2021-MA-4" --data-urlencode "date=2021-04-15" --data-urlencode "time=10:00" --data-urlencode "class=4Б"
expect_eq "another time for one class refused" "$code" 400
expect_grep "refusal gives the reason" "$T/body" "все классы параллели пишут работу одновременно: для 4-х классов уже назначено 14.04.2021 10:00"
post sch /plan/date --data-urlencode "procedure=VPR-2021-MA-4" --data-urlencode "date=2021-04-14" --data-urlencode "time=10:00" --data-urlencode "class=5А"
expect_eq "a class of another grade refused" "$code" 400
expect_grep "grade mismatch explained" "$T/body" "класс 5А не из 4-х классов"
post sch /plan/date --data-urlencode "procedure=VPR-2021-MA-4" --data-urlencode "date=2021-06-14" --data-urlencode "time=10:00"
expect_eq "date outside the window refused" "$code" 400
post sch /plan/date --data-urlencode "procedure=VPR-2021-MA-4" --data-urlencode "date=2021-04-14" --data-urlencode "time=25:00"
expect_eq "impossible time refused" "$code" 400
post sch2 /plan/date --data-urlencode "procedure=VPR-2021-MA-4" --data-urlencode "date=2021-04-14" --data-urlencode "time=10:00"
expect_eq "an unassigned school cannot fix a date" "$code" 404
post mun /plan/date --data-urlencode "procedure=VPR-2021-MA-4" --data-urlencode "date=2021-04-14" --data-urlencode "time=10:00"
expect_eq "municipality cannot fix a school's date" "$code" 403
expect_eq "other school's date untouched" "$(sql "SELECT sit_date FROM plan_school ps JOIN school s ON s.id = ps.school_id WHERE s.login = 'sch220207'")" 2021-04-15

# Coordinators
post mun /plan/coordinator --data-urlencode "campaign=$cid" --data-urlencode "login=mun2"
expect_eq "municipality may not appoint a municipal coordinator" "$code" 404
post mun /plan/coordinator --data-urlencode "campaign=$cid" --data-urlencode "login=sch2"
expect_eq "municipality may not appoint another municipality's school" "$code" 404
post mun /plan/coordinator --data-urlencode "campaign=$cid" --data-urlencode "login=sch"
expect_eq "municipality appoints its school coordinator" "$code" 200
post reg /plan/coordinator --data-urlencode "campaign=$cid" --data-urlencode "login=mun"
expect_eq "region appoints a municipal coordinator" "$code" 200
post reg /plan/coordinator --data-urlencode "campaign=$cid" --data-urlencode "login=exp"
expect_eq "an expert is no coordinator" "$code" 400
expect_eq "two coordinators appointed" "$(sql 'SELECT count(*) FROM campaign_coordinator')" 2
get mun2 "/plan?campaign=$cid"
if grep -q "sch name" "$T/body"; then fail "another municipality sees the school coordinator"; else ok "coordinators shown by territory"; fi

# The region assigns every school; then the school list for monitoring
post reg /plan/assign --data-urlencode "campaign=$cid" --data-urlencode "municipality=all"
expect_eq "region assigns every school" "$code" 200
expect_eq "every school assigned to both procedures" "$(sql 'SELECT count(*) FROM plan_school')" 8

# --- the plan-graph PDF
curl -s -o "$T/reg.pdf" -b "$T/reg.jar" "$URL/plan/print.pdf?campaign=$cid"
pdftotext "$T/reg.pdf" "$T/reg.txt" 2>/dev/null
expect_grep "PDF has the title" "$T/reg.txt" "ПЛАН-ГРАФИК ПРОВЕДЕНИЯ"
expect_grep "PDF names the campaign" "$T/reg.txt" "$C"
expect_eq "PDF lists a procedure in words" "$(tr '\n' ' ' <"$T/reg.txt" | sed 's/  */ /g' | grep -c 'ВПР, математика, 4 класс, 2021')" 1
if grep -q 'VPR-2021' "$T/reg.txt"; then fail "PDF shows no procedure code"; else ok "PDF shows no procedure code"; fi
expect_grep "PDF has the deadline" "$T/reg.txt" "25.05.2021"
expect_grep "PDF lists coordinators" "$T/reg.txt" "муниципальный"
curl -s -o "$T/sch.pdf" -b "$T/sch.jar" "$URL/plan/print.pdf?campaign=$cid"
pdftotext "$T/sch.pdf" "$T/sch.txt" 2>/dev/null
expect_grep "school PDF has its own date" "$T/sch.txt" "14.04.2021"
expect_grep "school PDF has its own time" "$T/sch.txt" "10:00"
expect_grep "school PDF shows a date not fixed yet" "$T/sch.txt" "назначена"
expect_grep "school PDF names the school" "$T/sch.txt" "sch220206"
if grep -q "09:30" "$T/sch.txt"; then fail "school PDF shows another school's date"; else ok "school PDF shows only its own dates"; fi
expect_ok "plan printed by CLI" plan print --campaign "$C" --school sch220207 --out "$T/cli.pdf"
pdftotext "$T/cli.pdf" "$T/cli.txt" 2>/dev/null
expect_grep "CLI PDF has the school's time" "$T/cli.txt" "09:30"

# --- uploads: one on time, one late, one by a school nobody assigned (sch999001)
head -1 "$DATA/results/canonical.csv" >"$T/a.csv"
grep -E '^(sch220206|sch999001),' "$DATA/results/canonical.csv" >>"$T/a.csv"
head -1 "$DATA/results/canonical.csv" >"$T/b.csv"
grep -E '^sch220207,' "$DATA/results/canonical.csv" >>"$T/b.csv"
"$OKO" import results "$T/a.csv" >/dev/null 2>&1
sql "UPDATE upload SET created_at = '2021-05-20T10:00:00Z' WHERE id = (SELECT max(id) FROM upload)"
"$OKO" import results "$T/b.csv" >/dev/null 2>&1
sql "UPDATE upload SET created_at = '2021-05-26T08:00:00Z' WHERE id = (SELECT max(id) FROM upload)"
# A corrected re-upload after the deadline does not make an on-time school late.
"$OKO" import results "$T/a.csv" >/dev/null 2>&1

OKO_NOW=2021-05-24T12:00:00Z run_oko monitoring --procedure VPR-2021-MA-4 --summary
expect_grep "before the deadline: missing schools are still awaited" "$T/out" '"Итого",4,1,1,2,0,2,1'
expect_grep "Барнаул: one on time, one late" "$T/out" '"г. Барнаул",2,1,1,0,0,0,0'
OKO_NOW=2021-05-26T00:00:01Z run_oko monitoring --procedure VPR-2021-MA-4 --summary
expect_grep "after the deadline: missing schools are overdue" "$T/out" '"Итого",4,1,1,2,2,0,1'
expect_grep "per municipality: Краснощёковский missing both" "$T/out" '"Краснощёковский район",2,0,0,2,2,0,0'
OKO_NOW=2021-05-26T00:00:01Z run_oko monitoring --procedure VPR-2021-MA-4
expect_grep "CSV lists a late school" "$T/out" "sch220207,МБОУ Лицей № 2,г. Барнаул,late"
expect_grep "CSV lists an overdue school" "$T/out" "edu223017,МКОУ Усть-Козлухинская ООШ,Краснощёковский район,overdue"
expect_grep "CSV lists an unassigned upload" "$T/out" "sch999001"
expect_grep "CSV gives the school's date" "$T/out" "2021-04-14,10:00,2021-05-20T10:00:00Z"
expect_ok "monitoring as XLSX" monitoring --procedure VPR-2021-MA-4 --format xlsx --out "$T/m.xlsx"
expect_eq "XLSX is a zip" "$(head -c 2 "$T/m.xlsx")" PK
OKO_NOW=bad run_oko monitoring --procedure VPR-2021-MA-4 --summary
expect_eq "a malformed OKO_NOW falls back to the server clock" "$rc" 0

get reg "/monitoring?procedure=VPR-2021-MA-4"
expect_grep "region page: late school" "$T/body" "загружено с опозданием"
expect_grep "region page: overdue school" "$T/body" "нет результатов, срок прошёл"
expect_grep "region page: the other municipality" "$T/body" "Краснощёковский район"
get mun "/monitoring?procedure=VPR-2021-MA-4"
expect_grep "municipality page: its school" "$T/body" "sch220207"
if grep -q "edu223017" "$T/body"; then fail "municipality sees another municipality's school"; else ok "municipality sees only its schools"; fi
get mun "/monitoring?procedure=VPR-2021-MA-4&format=csv"
expect_eq "municipality exports CSV" "$code" 200
expect_grep "export has the header" "$T/body" "school,name,municipality,status"
if grep -q "edu223017" "$T/body"; then fail "export leaks another municipality"; else ok "export limited to the territory"; fi
get reg "/monitoring?procedure=VPR-2021-MA-4&format=xlsx"
expect_eq "region exports XLSX" "$(head -c 2 "$T/body")" PK
get reg /monitoring
expect_grep "overview lists the procedure" "$T/body" "VPR-2021-RU-4"
get reg /
expect_grep "region home has the monitoring section" "$T/body" "Мониторинг загрузки по плану-графику"
expect_grep "region home counts late uploads" "$T/body" "назначено 4, в срок 1, с опозданием 1, нет результатов 2"
get mun /
expect_grep "municipality home counts its schools" "$T/body" "назначено 2, в срок 1, с опозданием 1, нет результатов 0"
get sch /
if grep -q "Мониторинг загрузки по плану" "$T/body"; then fail "school home shows monitoring"; else ok "school home has no monitoring section"; fi

# --- changing the window must not strand fixed dates
cat >"$T/move.csv" <<EOF
campaign,procedure,materials_from,window_from,window_to,criteria_from,form_from,upload_deadline
$C,VPR-2021-MA-4,2021-04-16,2021-04-20,2021-05-21,2021-04-20,2021-04-20,2021-05-25
EOF
expect_fail "a window that excludes fixed dates is refused" import plan "$T/move.csv"
expect_grep "stranded dates explained" "$T/err" "школ, уже назначивших дату вне нового периода проведения: 2"
# A school name that a spreadsheet would run as a formula is exported as text.
sql "UPDATE school SET name = '=HYPERLINK(\"http://x\")' WHERE login = 'sch220207'"
OKO_NOW=2021-05-26T00:00:01Z run_oko monitoring --procedure VPR-2021-MA-4
expect_grep "formula-like name exported with an apostrophe" "$T/out" "sch220207,\"'=HYPERLINK"

# --- sittings.csv: the schools' dates in one table, every problem named, whole or nothing
before=$(db_digest)
cat >"$T/sit_bad.csv" <<EOF
procedure,school,date,time
VPR-2021-MA-4,sch220206,2021-06-13,09:00
VPR-2021-XX-9,sch220206,2021-04-21,09:00
VPR-2021-MA-4,nosuch,2021-04-21,09:00
VPR-2021-MA-4,edu223017,2021-04-21,9
VPR-2021-MA-4,edu223017,2021-04-22,10:00
EOF
expect_fail "a bad sittings file is refused" import sittings "$T/sit_bad.csv"
expect_grep "a date outside the window named" "$T/err" "строка 2, столбец 3 «date», значение «2021-06-13»: дата вне периода проведения VPR-2021-MA-4: с 15.03.2021 по 21.05.2021"
expect_grep "an unknown procedure named" "$T/err" "строка 3, столбец 1 «procedure», значение «VPR-2021-XX-9»: такой процедуры нет в базе"
expect_grep "an unknown school named" "$T/err" "строка 4, столбец 2 «school», значение «nosuch»"
expect_grep "a bad time named" "$T/err" "строка 5, столбец 4 «time», значение «9»"
expect_grep "a school twice named" "$T/err" "строка 6, столбец 2 «school», значение «edu223017»: у школы уже есть строка этой процедуры (строка 5)"
expect_eq "nothing stored from a bad sittings file" "$(db_digest)" "$before"
printf 'procedure,school,date,time\nVPR-2021-MA-4,sch220206,2021-04-21,09:00\nVPR-2021-MA-4,edu223017,2021-04-22,10:00\n' >"$T/sit.csv"
expect_ok "sittings imported" import sittings "$T/sit.csv"
expect_eq "dates fixed and a new school taken in" "$(sql "SELECT group_concat(x, '; ') FROM (SELECT s.login || ' ' || ps.sit_date || ' ' || ps.sit_time AS x FROM plan_school ps JOIN school s ON s.id = ps.school_id WHERE ps.procedure_id = (SELECT id FROM procedure WHERE code = 'VPR-2021-MA-4') AND s.login IN ('sch220206', 'edu223017') ORDER BY s.login)")" "edu223017 2021-04-22 10:00; sch220206 2021-04-21 09:00"
echo "1..$_n"
