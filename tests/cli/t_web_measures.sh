#!/bin/bash
# Plans of measures and official documents over real HTTP (pages/measures.c, documents.c),
# on a generated region analysed once, with the clock injected (OKO_NOW): the role × route
# matrix of the new routes (read from src/web/route.c, so a new route is covered); a
# municipal coordinator's plan from a template, a block and a measure added, edited, moved,
# and a bad date refused with nothing stored; a measure's «учёт специфики территории» stored
# from the forms, shown on its page and in the information note's second column (not the
# responsible), exported with the plan's table; addressed help adding measures for exactly
# the schools the analysis flagged (compared with sqlite3); a school seeing and reporting
# only the measures addressed to it (404 for another school's measure and for the plan's
# other measures, 403/404 for editing), its evidence PDF accepted and downloadable, a text
# file named .pdf refused with nothing stored; a municipality seeing only its own plans;
# overdue measures on the home pages; the plan's table exported and imported (a bad table
# refused with its row); documents in both formats (DOCX a ZIP with word/document.xml, PDF
# starting with %PDF, a Russian file name) and a school refused the kinds that are not its.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"
# pf NAME PATH KEY=VALUE...: a POST of url-encoded fields with the CSRF token.
pf() {
	local who=$1 path=$2; shift 2
	local args=()
	for kv in "$@"; do args+=(--data-urlencode "$kv"); done
	post "$who" "$path" "${args[@]}"
}
ROUTES=$(cd "$(dirname "$0")/../.." && pwd)/src/web/route.c

make_pdf() {
	local n=$1 out=$2 body kids="" i obj c total xref LC_ALL=C
	local -a offs
	body="%PDF-1.4"$'\n'
	add() { offs[$1]=${#body}; body+="$1 0 obj"$'\n'"$2"$'\n'"endobj"$'\n'; }
	for i in $(seq "$n"); do kids+="$((3 + 2 * (i - 1))) 0 R "; done
	add 1 "<< /Type /Catalog /Pages 2 0 R >>"
	add 2 "<< /Type /Pages /Kids [${kids% }] /Count $n >>"
	for i in $(seq "$n"); do
		c="0.2 0.4 0.8 rg 60 $((600 - 40 * (i % 10))) 200 80 re f BT /F1 36 Tf 60 720 Td (Page $i) Tj ET"
		add $((3 + 2 * (i - 1))) "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> /Contents $((4 + 2 * (i - 1))) 0 R >>"
		add $((4 + 2 * (i - 1))) "<< /Length ${#c} >>"$'\n'"stream"$'\n'"$c"$'\n'"endstream"
	done
	total=$((2 + 2 * n))
	xref=${#body}
	body+="xref"$'\n'"0 $((total + 1))"$'\n'"0000000000 65535 f "$'\n'
	for obj in $(seq "$total"); do body+=$(printf '%010d 00000 n ' "${offs[$obj]}")$'\n'; done
	body+="trailer"$'\n'"<< /Size $((total + 1)) /Root 1 0 R >>"$'\n'"startxref"$'\n'"$xref"$'\n'"%%EOF"$'\n'
	printf '%s' "$body" >"$out"
}

"$OKO" gen --schools 60 --seed 3 --out "$T/gen" >/dev/null || echo "# gen failed"
"$OKO" init >/dev/null
"$OKO" import schools "$T/gen/schools.csv" >/dev/null || echo "# import schools failed"
"$OKO" import procedures "$T/gen/procedures.csv" >/dev/null || echo "# import procedures failed"
"$OKO" import results "$T/gen/results.csv" >/dev/null 2>&1 || echo "# import results failed"
"$OKO" analyze --out "$T/an" --quiet || echo "# analyze failed"
run=$(sql "SELECT max(id) FROM analysis_run")
# The municipality with the most flagged schools (listed or officially flagged).
flagged_sql="SELECT s.id FROM school s LEFT JOIN school_risk sr ON sr.run_id = $run AND sr.school_id = s.id
 WHERE (sr.listed = 1 OR EXISTS (SELECT 1 FROM sign_result g WHERE g.run_id = $run AND g.school_id = s.id
 AND g.kind = 'official'))"
mun_id=$(sql "SELECT s.municipality_id FROM school s WHERE s.id IN ($flagged_sql) GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
mun_name=$(sql "SELECT name FROM municipality WHERE id = $mun_id")
other_id=$(sql "SELECT id FROM municipality WHERE id != $mun_id ORDER BY id LIMIT 1")
other_name=$(sql "SELECT name FROM municipality WHERE id = $other_id")
expected=$(sql "SELECT group_concat(id) FROM (SELECT id FROM ($flagged_sql) WHERE id IN (SELECT id FROM school WHERE municipality_id = $mun_id) ORDER BY id)")
nflagged=$(sql "SELECT count(*) FROM ($flagged_sql) WHERE id IN (SELECT id FROM school WHERE municipality_id = $mun_id)")
check "the municipality has flagged schools ($nflagged)" test "$nflagged" -ge 1
add() { "$OKO" user add "$1" --role "$2" ${3:+--scope "$3"} --name "$1 name" --password "password-$1" >/dev/null; }
add admin admin
add region region
add mun municipality "$mun_name"
add mun2 municipality "$other_name"
add expert expert
add observer observer
export OKO_NOW=2021-12-01T09:00:00Z
start_server
for u in admin region mun mun2 expert observer; do login $u "password-$u"; done

# --- navigation and the empty list
get mun /
expect_grep "the coordinator's menu has «Планы мероприятий»" "$T/body" '<a href="/measures">Планы мероприятий</a>'
expect_grep "… and «Документы»" "$T/body" '<a href="/documents">Документы</a>'
get expert /
grep -q 'href="/measures"' "$T/body" && fail "the expert's menu has no plans" || ok "the expert's menu has no plans"
get mun /measures
expect_eq "the plans page opens" "$code" 200
expect_grep "no plans yet" "$T/body" "Планов мероприятий пока нет"
expect_grep "templates offered" "$T/body" 'value="municipal-vpr"'

# --- a plan from a template
pf mun /measures template=municipal-vpr period_from=2021-09-01 period_to=2022-08-31 title=
expect_eq "a plan from a template → redirect" "$code" 303
pid=$(sql "SELECT id FROM mplan WHERE municipality_id = $mun_id")
expect_eq "… stored as the municipality's plan" "$(sql "SELECT level FROM mplan WHERE id = ${pid:-0}")" municipality
check "… with the template's measures" test "$(sql "SELECT count(*) FROM measure WHERE plan_id = ${pid:-0}")" -ge 5
pf mun /measures template= period_from=2021-09-01 period_to=2022-08-31 title=
expect_eq "an empty plan without a title refused" "$code" 400
expect_grep "… in Russian" "$T/body" "укажите название плана"
pf mun /measures "owner=municipality:$other_id" template= period_from=2021-09-01 period_to=2022-08-31 "title=Чужой"
expect_eq "a plan for another municipality refused" "$code" 404
pf mun2 /measures template= period_from=2021-09-01 period_to=2022-08-31 "title=План второго района"
pid2=$(sql "SELECT id FROM mplan WHERE municipality_id = $other_id")
get mun "/measures/$pid"
expect_eq "the plan opens" "$code" 200
expect_grep "execution share" "$T/body" "выполнено в срок 0 из"
get mun /measures
expect_grep "the municipality sees its plan" "$T/body" "/measures/$pid\""
grep -q "/measures/$pid2\"" "$T/body" && fail "the municipality sees another's plan" || ok "the municipality does not list another's plan"
get mun "/measures/$pid2"
expect_eq "another municipality's plan is 404" "$code" 404
get region /measures
expect_grep "the region sees both plans" "$T/body" "/measures/$pid2\""

# --- blocks and measures
pf mun "/measures/$pid/block" action=add "title=Мероприятия по контролю"
expect_eq "a block added" "$code" 200
bid=$(sql "SELECT id FROM mplan_block WHERE plan_id = $pid AND title = 'Мероприятия по контролю'")
get mun "/measures/$pid"
expect_grep "the add form asks for the territory's specifics" "$T/body" \
	'Учёт специфики территории <small class="muted">как мероприятие проводится на территории'
pf mun "/measures/$pid/measure" "block=$bid" "text=Совещание с руководителями" "term=октябрь" due=2021-10-31 \
	"responsible=Комитет по образованию" "expected=Протокол" \
	"specifics=Приказ Комитета по образованию № 5; совещание руководителей ОО <протокол № 3>"
expect_eq "a measure added" "$code" 200
mid=$(sql "SELECT id FROM measure WHERE block_id = $bid AND text = 'Совещание с руководителями'")
expect_eq "… its specifics stored from the form" "$(sql "SELECT specifics FROM measure WHERE id = ${mid:-0}")" \
	"Приказ Комитета по образованию № 5; совещание руководителей ОО <протокол № 3>"
get mun "/measure/$mid"
expect_grep "… shown on the measure's page, escaped" "$T/body" \
	"<dt>Учёт специфики территории</dt><dd>Приказ Комитета по образованию № 5; совещание руководителей ОО &lt;протокол № 3&gt;</dd>"
expect_grep "… and in its edit form" "$T/body" \
	'name="specifics" rows="2" maxlength="990" placeholder="Приказ управления образования; совещание руководителей ОО">Приказ Комитета'
pf mun "/measures/$pid/measure" "block=$bid" "text=Второе" due=2021-12-20
mid2=$(sql "SELECT id FROM measure WHERE block_id = $bid AND text = 'Второе'")
before=$(sql "SELECT count(*) FROM measure WHERE plan_id = $pid")
pf mun "/measures/$pid/measure" "block=$bid" "text=Плохое" start=2021-12-01 due=2021-11-01
expect_eq "a due date before the start refused" "$code" 400
expect_eq "… nothing stored" "$(sql "SELECT count(*) FROM measure WHERE plan_id = $pid")" "$before"
pf mun "/measures/$pid/measure" "block=$bid" "text=Плохое" due=31.02.2021
expect_eq "an impossible date refused" "$code" 400
pf mun2 "/measures/$pid2/block" action=add "title=Блок второго района"
bid2=$(sql "SELECT id FROM mplan_block WHERE plan_id = $pid2")
pf mun "/measures/$pid/measure" "block=$bid2" "text=Не туда"
expect_eq "a block of another plan refused" "$code" 404
pf mun "/measure/$mid2/move" dir=up
expect_eq "a measure moved" "$code" 303
expect_eq "… first in its block" "$(sql "SELECT id FROM measure WHERE block_id = $bid ORDER BY pos LIMIT 1")" "$mid2"
pf mun "/measure/$mid" "text=Совещание с руководителями школ" "term=октябрь" due=2021-10-31 "responsible=Комитет" \
	"specifics=Приказ Комитета по образованию № 7"
expect_eq "a measure edited" "$code" 200
expect_eq "… stored" "$(sql "SELECT text || ' | ' || specifics FROM measure WHERE id = $mid")" \
	"Совещание с руководителями школ | Приказ Комитета по образованию № 7"
# A refused change keeps what was typed, in the edit form opened.
pf mun "/measure/$mid" "text=Совещание с директорами" "term=октябрь" start=2021-11-01 due=2021-10-31 \
	"responsible=Комитет по образованию"
expect_eq "a due date before the start refused" "$code" 400
expect_grep "… said" "$T/body" "Мероприятие не изменено: срок исполнения мероприятия раньше его начала."
expect_grep "… the edit form open" "$T/body" '<details class="mp-edit" open>'
expect_grep "… with the text typed" "$T/body" "Совещание с директорами"
expect_grep "… and the responsible typed" "$T/body" "Комитет по образованию"
expect_eq "… nothing stored" "$(sql "SELECT text FROM measure WHERE id = $mid")" "Совещание с руководителями школ"
get mun "/measure/$mid2"
# The move and delete buttons sit in a row: their forms are in a div (a <p> cannot hold a
# form: the browser closes it, and the buttons stacked with no space between).
grep -qE '<p class="actions"><form' "$T/body" && fail "the measure's buttons are not forms in a paragraph" \
	|| ok "the measure's buttons are not forms in a paragraph"
expect_grep "… but in a div of actions" "$T/body" '<div class="actions"><form class="inline"'
grep -q "<dt>Учёт специфики территории</dt>" "$T/body" && fail "a measure without specifics shows none" \
	|| ok "a measure without specifics shows none"
get mun "/measures/$pid"
expect_grep "the overdue measure in red" "$T/body" 'class="mp-overdue">просрочено'
pf mun "/measures/$pid" "title=План муниципалитета" goal=Цель period_from=2021-09-01 period_to=2022-08-31 \
	"approved=приказом от 01.09.2021 № 12"
expect_eq "the plan edited" "$code" 200
expect_grep "… approved shown" "$T/body" "приказом от 01.09.2021 № 12"
pf mun "/measures/$pid" "title=План" period_from=2022-09-01 period_to=2021-08-31
expect_eq "a period ending before it starts refused" "$code" 400

# --- addressed help
pf mun "/measures/$pid/help" kind=interview kind=control due=2021-11-15
expect_eq "addressed help" "$code" 200
nhelp=$(sql "SELECT count(*) FROM measure WHERE plan_id = $pid AND kind != ''")
expect_eq "… two measures per flagged school" "$nhelp" $((2 * nflagged))
expect_grep "… reported in words" "$T/body" "для $nflagged "
expect_eq "… exactly the flagged schools of the municipality" \
	"$(sql "SELECT group_concat(school_id) FROM (SELECT DISTINCT school_id FROM measure WHERE plan_id = $pid AND kind = 'interview' ORDER BY school_id)")" "$expected"
expect_eq "… each with its run and cause" "$(sql "SELECT count(*) FROM measure WHERE plan_id = $pid AND kind != '' AND (run_id != $run OR cause = '')")" 0
pf mun "/measures/$pid/help" kind=interview due=2021-11-15
expect_eq "help again adds nothing" "$(sql "SELECT count(*) FROM measure WHERE plan_id = $pid AND kind != ''")" "$nhelp"
pf mun "/measures/$pid/help" due=2021-11-15
expect_eq "help without a kind refused" "$code" 400
pf mun "/measures/$pid/help" kind=bribe
expect_eq "an unknown kind refused" "$code" 400

# --- the school: only its own measures
s1=$(sql "SELECT school_id FROM measure WHERE plan_id = $pid AND kind = 'interview' ORDER BY school_id LIMIT 1")
s1login=$(sql "SELECT login FROM school WHERE id = $s1")
s2login=$(sql "SELECT login FROM school WHERE municipality_id = $mun_id AND id != $s1 ORDER BY id LIMIT 1")
add school school "$s1login"
add school2 school "$s2login"
login school password-school
login school2 password-school2
m1=$(sql "SELECT id FROM measure WHERE plan_id = $pid AND school_id = $s1 AND kind = 'interview'")
mother=$(sql "SELECT id FROM measure WHERE plan_id = $pid AND school_id IS NOT NULL AND school_id != $s1 LIMIT 1")
get school /measures
expect_grep "the school sees «Мероприятия для нашей школы»" "$T/body" "Мероприятия для нашей школы"
expect_grep "… with its measure" "$T/body" "/measure/$m1\""
get school "/measure/$m1"
expect_eq "the school opens its measure" "$code" 200
expect_grep "… with the report form" "$T/body" "/measure/$m1/report"
grep -q "/measure/$m1/delete" "$T/body" && fail "the school may delete" || ok "the school is not offered editing"
get school "/measure/$mid"
expect_eq "the plan's other measure is 404 for the school" "$code" 404
if [ -n "$mother" ]; then
	get school "/measure/$mother"
	expect_eq "another school's measure is 404" "$code" 404
	upload school "/measure/$mother/report" -F status=done
	expect_eq "… and may not be reported on" "$code" 404
fi
get school "/measures/$pid"
expect_eq "the municipality's plan is 404 for the school" "$code" 404
pf school "/measure/$m1" "text=Иначе"
case $code in 403 | 404) ok "the school may not edit the measure ($code)" ;; *) fail "the school edited: $code" ;; esac
pf school "/measure/$m1/delete"
case $code in 403 | 404) ok "the school may not delete the measure ($code)" ;; *) fail "the school deleted: $code" ;; esac
pf school "/measures/$pid/block" action=add title=X
expect_eq "the school may not edit the plan" "$code" 404
expect_eq "… nothing changed" "$(sql "SELECT count(*) FROM measure WHERE id = $m1")" 1
get school2 "/measure/$m1"
expect_eq "another school of the municipality gets 404" "$code" 404

# --- evidence
make_pdf 1 "$T/act.pdf"
printf 'это не PDF\n' >"$T/fake.pdf"
dir="$(db_file).evidence"
upload school "/measure/$m1/report" -F status=done -F "note=Собеседование проведено" -F "file=@$T/fake.pdf;filename=протокол.pdf"
expect_eq "a text file named .pdf refused" "$code" 400
expect_grep "… in Russian" "$T/body" "не PDF, не JPEG, не PNG, не DOCX и не XLSX"
expect_eq "… no note stored" "$(sql "SELECT count(*) FROM measure_note WHERE measure_id = $m1")" 0
expect_eq "… no file stored" "$(ls "$dir" 2>/dev/null | wc -l)" 0
expect_eq "… status unchanged" "$(sql "SELECT status FROM measure WHERE id = $m1")" planned
upload school "/measure/$m1/report" -F status=cancelled -F "note=Отменено приказом" -F done_on=2021-11-15 \
	-F "file=@$T/fake.pdf;filename=приказ.pdf"
expect_grep "the refused note keeps its text" "$T/body" '>Отменено приказом</textarea>'
expect_grep "… its date" "$T/body" 'name="done_on" type="date" value="2021-11-15"'
expect_grep "… and its status" "$T/body" '<option value="cancelled" selected>'
expect_grep "… the reason repeated at the form, where the page opens" "$T/body" '<section id="report" class="card"><h2>Отметка о выполнении</h2><p class="alert" role="alert">Отметка не сохранена: файл'
expect_grep "… (the form posts to its own anchor)" "$T/body" "action=\"/measure/$m1/report#report\""
to=$(curl -s -o "$T/body" -w '%{http_code} %{redirect_url}' -b "$(jar school)" -F "csrf=$(csrf_of school)" \
	-F status=done -F "note=Собеседование проведено" -F "file=@$T/act.pdf;filename=протокол.pdf" "$URL/measure/$m1/report")
expect_eq "the report with a PDF accepted, the browser sent on to the notes (a reload sends nothing again)" \
	"$to" "303 $URL/measure/$m1?saved=file#notes"
get school "/measure/$m1?saved=file"
expect_grep "… where it says the note and the file were stored" "$T/body" "Отметка сохранена, документ приложен."
expect_eq "… done" "$(sql "SELECT status FROM measure WHERE id = $m1")" done
expect_eq "… on today" "$(sql "SELECT done_on FROM measure WHERE id = $m1")" 2021-12-01
nid=$(sql "SELECT id FROM measure_note WHERE measure_id = $m1 AND file_id IS NOT NULL")
expect_eq "… the file stored" "$(ls "$dir" 2>/dev/null | wc -l)" 1
expect_grep "the history names the file" "$T/body" "протокол.pdf</a> (PDF"
code=$(curl -s -o "$T/got.pdf" -D "$T/h" -w '%{http_code}' -b "$T/school.jar" "$URL/measure/note/$nid")
expect_eq "the school downloads it" "$code" 200
check "… the same bytes" cmp -s "$T/got.pdf" "$T/act.pdf"
tr -d '\r' <"$T/h" >"$T/h2"
expect_grep "… as a PDF" "$T/h2" "Content-Type: application/pdf"
get mun "/measure/note/$nid"
expect_eq "the municipality downloads it" "$code" 200
get school2 "/measure/note/$nid"
expect_eq "another school may not" "$code" 404
get mun2 "/measure/note/$nid"
expect_eq "another municipality may not" "$code" 404
# Done on an earlier day (recorded later); a day to come refused, nothing stored.
upload school "/measure/$m1/report" -F status=done -F "note=Отметка внесена позже" -F done_on=15.11.2021
expect_eq "done on an earlier day" "$code" 303
expect_eq "… that day recorded" "$(sql "SELECT done_on FROM measure WHERE id = $m1")" 2021-11-15
before=$(sql "SELECT count(*) FROM measure_note WHERE measure_id = $m1")
upload school "/measure/$m1/report" -F status=done -F done_on=02.12.2021
expect_eq "a day to come refused" "$code" 400
expect_grep "… in Russian" "$T/body" "ещё не наступила"
expect_eq "… nothing stored" "$(sql "SELECT count(*) FROM measure_note WHERE measure_id = $m1")" "$before"
get mun "/measures/$pid"
expect_grep "the plan shows the last note" "$T/body" "Отметка внесена позже"
expect_grep "… by the user's name, not the login" "$T/body" "school name: выполнено — Отметка внесена позже"
get mun2 "/measure/$m1"
expect_eq "another municipality's measure is 404" "$code" 404

# --- overdue on the home pages (help due 15.11.2021, today 01.12.2021)
over=$(sql "SELECT count(*) FROM measure m JOIN mplan p ON p.id = m.plan_id WHERE p.municipality_id = $mun_id AND m.status IN ('planned','progress') AND m.due < '2021-12-01'")
get mun /
expect_grep "the coordinator's home shows overdue measures" "$T/body" "Просрочено $over "
get school /
sover=$(sql "SELECT count(*) FROM measure WHERE school_id = $s1 AND status IN ('planned','progress') AND due < '2021-12-01'")
if [ "$sover" -gt 0 ]; then
	expect_grep "the school's home shows its overdue measures" "$T/body" "Просрочено $sover "
else
	grep -q "Просрочено" "$T/body" && fail "the school has nothing overdue" || ok "the school has nothing overdue"
fi
get school2 /
grep -q "Просрочено" "$T/body" && fail "a school without measures sees overdue" || ok "a school without measures sees nothing overdue"

# --- the plan's table
code=$(curl -s -o "$T/plan.xlsx" -D "$T/h" -w '%{http_code}' -b "$T/mun.jar" "$URL/measures/$pid/plan.xlsx")
expect_eq "the plan's table downloads" "$code" 200
check "… as XLSX" sh -c "unzip -l '$T/plan.xlsx' | grep -q xl/workbook.xml"
check "… with the specifics' column and value" sh -c "unzip -p '$T/plan.xlsx' | grep -q 'Учёт специфики территории' &&
	unzip -p '$T/plan.xlsx' | grep -q 'Приказ Комитета по образованию № 7'"
get mun2 "/measures/$pid/plan.xlsx"
expect_eq "… not by another municipality" "$code" 404
cat >"$T/plan_bad.csv" <<'CSV'
№ п/п,Мероприятие,Срок,Ответственный,Ожидаемый результат
1.,Организационные мероприятия,,,
1.1,,сентябрь,Комитет,Приказ
CSV
before=$(sql "SELECT count(*) FROM measure WHERE plan_id = $pid2")
upload mun2 "/measures/$pid2/import" -F "file=@$T/plan_bad.csv"
expect_eq "a bad table refused" "$code" 400
expect_grep "… naming the row" "$T/body" "строка 3"
expect_eq "… nothing stored" "$(sql "SELECT count(*) FROM measure WHERE plan_id = $pid2")" "$before"
cat >"$T/plan.csv" <<'CSV'
№ п/п,Мероприятие,Срок,Ответственный,Ожидаемый результат
1.,Организационные мероприятия,,,
1.1,Совещание заместителей директоров,сентябрь 2021 г.,Комитет,Протокол
1.2,Семинар по критериям оценивания,в течение года,Методисты,Программа семинара
CSV
upload mun2 "/measures/$pid2/import" -F "file=@$T/plan.csv"
expect_eq "a table imported" "$code" 200
expect_eq "… two measures added" "$(sql "SELECT count(*) FROM measure WHERE plan_id = $pid2")" $((before + 2))
upload mun "/measures/$pid2/import" -F "file=@$T/plan.csv"
expect_eq "… not into another municipality's plan" "$code" 404

# --- documents
doc() { code=$(curl -s -o "$T/doc" -D "$T/h" -w '%{http_code}' -b "$T/$1.jar" "$URL$2"); tr -d '\r' <"$T/h" >"$T/h2"; }
get mun /documents
expect_eq "the documents page" "$code" 200
# The school is chosen by its name from the municipality's own schools.
expect_grep "… offers the municipality's schools by name" "$T/body" \
	"<option value=\"$(sql "SELECT login FROM school WHERE municipality_id = $mun_id ORDER BY name LIMIT 1")\">"
other_login=$(sql "SELECT login FROM school WHERE municipality_id = $other_id ORDER BY name LIMIT 1")
grep -q "<option value=\"$other_login\">" "$T/body" && fail "… not another municipality's" || ok "… not another municipality's"
doc mun "/documents/file?kind=plan&plan=$pid&format=docx"
expect_eq "the plan as DOCX" "$code" 200
expect_grep "… its type" "$T/h2" "Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document"
expect_grep "… a Russian file name" "$T/h2" "filename*=UTF-8''%D0%9F%D0%BB%D0%B0%D0%BD"
check "… a ZIP with word/document.xml" sh -c "unzip -l '$T/doc' | grep -q word/document.xml"
check "… holding the edited measure" sh -c "unzip -p '$T/doc' word/document.xml | grep -q 'Совещание с руководителями школ'"
doc mun "/documents/file?kind=plan&plan=$pid&format=pdf"
expect_eq "the plan as PDF" "$code" 200
expect_grep "… its type" "$T/h2" "Content-Type: application/pdf"
check "… starts with %PDF" sh -c "head -c 4 '$T/doc' | grep -q '%PDF'"
doc mun "/documents/file?kind=info-note&plan=$pid&format=docx"
expect_eq "the info-note as DOCX" "$code" 200
unzip -p "$T/doc" word/document.xml | tr -d '\n' | sed 's/<[^>]*>/|/g; s/|[[:space:]|]*|/|/g' >"$T/info.txt"
expect_grep "… the second column holds the measure's specifics" "$T/info.txt" \
	"|Совещание с руководителями школ|Приказ Комитета по образованию № 7|октябрь (до 31.10.2021)|"
grep -qF "|Комитет|" "$T/info.txt" && fail "… the responsible is not in the info-note" \
	|| ok "… the responsible is not in the info-note"
expect_grep "… a measure without specifics has «—» there" "$T/info.txt" "|Второе|—|до 20.12.2021|"
doc region "/documents/file?kind=analytic-note&procedure=VPR-2021-MA-4&format=pdf"
expect_eq "the analytic note as PDF" "$code" 200
check "… starts with %PDF" sh -c "head -c 4 '$T/doc' | grep -q '%PDF'"
doc mun "/documents/file?kind=plan&plan=$pid2&format=docx"
expect_eq "another municipality's plan refused" "$code" 404
doc mun "/documents/file?kind=plan&plan=999999&format=docx"
expect_eq "an unknown plan refused" "$code" 404
expect_grep "… on the page, in Russian" "$T/doc" "Такого плана мероприятий нет"
doc mun "/documents/file?kind=analytic-note&procedure=NO-SUCH&format=pdf"
expect_eq "an unknown procedure refused" "$code" 404
expect_grep "… on the page, in Russian" "$T/doc" "Документ не составлен"
# A refusal in the page's words, with the form as it was sent.
doc region "/documents/file?kind=info-note&format=pdf&year=2021&number=12%2F3&date=2021-05-14"
expect_eq "the region without a plan of its own refused" "$code" 400
expect_grep "… told to choose a plan in the form" "$T/doc" "нет своего плана мероприятий: выберите план в поле «План мероприятий»"
grep -qE -- "--plan|oko measures" "$T/doc" && fail "… no command-line advice on the page" || ok "… no command-line advice on the page"
expect_grep "… the format kept" "$T/doc" 'value="pdf" checked'
expect_grep "… the year kept" "$T/doc" 'name="year" min="2000" max="2100" placeholder="2021" value="2021"'
expect_grep "… the number kept" "$T/doc" 'value="12/3"'
expect_grep "… the date kept" "$T/doc" 'name="date" value="2021-05-14"'
doc region "/documents/file?kind=analytic-note&format=pdf"
expect_grep "an analytic note without its subject: the page's words" "$T/doc" "выберите процедуру, кампанию или учебный год"
doc school "/documents/file?kind=order&format=docx"
expect_eq "a school may not have an order" "$code" 403
doc school "/documents/file?kind=analytic-note&procedure=VPR-2021-MA-4&format=pdf"
expect_eq "… nor an analytic note" "$code" 403
pf school /measures template=school-objectivity period_from=2021-09-01 period_to=2022-08-31 title=
expect_eq "the school creates its own plan" "$code" 303
spid=$(sql "SELECT id FROM mplan WHERE school_id = $s1")
expect_eq "… at the school's level" "$(sql "SELECT level FROM mplan WHERE id = ${spid:-0}")" school
get mun /measures
expect_grep "… which its municipality sees" "$T/body" "/measures/$spid\""
doc school "/documents/file?kind=plan&plan=$spid&format=docx"
expect_eq "the school's own plan as DOCX" "$code" 200
# The municipality's info-note on the school's plan is about that school, not the district.
doc mun "/documents/file?kind=info-note&plan=$spid&format=docx"
expect_eq "the info-note of a school's plan" "$code" 200
unzip -p "$T/doc" word/document.xml | tr -d '\n' | sed 's/<[^>]*>//g' >"$T/sinfo.txt"
expect_grep "… is about the school" "$T/sinfo.txt" "в образовательной организации: $(sql "SELECT name FROM school WHERE id = $s1")"
grep -q "муниципального образования" "$T/sinfo.txt" && fail "… not the municipality" || ok "… not the municipality"
doc school "/documents/file?kind=info-note&format=pdf"
expect_eq "the school's own info-note" "$code" 200
[ "$code" = 200 ] || grep -o 'class="alert"[^<]*<' "$T/doc" | sed 's/^/# /'
check "… a PDF" sh -c "head -c 4 '$T/doc' | grep -q '%PDF'"
doc school "/documents/file?kind=plan&plan=$pid&format=pdf"
expect_eq "the school may not have the municipality's plan" "$code" 404
doc expert "/documents/file?kind=plan&plan=$pid&format=pdf"
expect_eq "an expert may not have documents" "$code" 403

# --- the role × route matrix of the new routes (GET: the page answers; POST by roles the
# route does not admit or for objects outside the territory: refused)
while IFS='|' read -r method pattern roles; do
	path=${pattern//\{id\}/ID}
	case "$pattern" in
	/measures/{id}*) path=${pattern//\{id\}/$pid} ;;
	/measure/note/{id}) path=/measure/note/$nid ;;
	/measure/{id}*) path=${pattern//\{id\}/$m1} ;;
	esac
	for who in admin region mun mun2 school school2 expert observer; do
		# An empty POST to a delete route by one who may would delete: its refusals only.
		case "$method $pattern $who" in "POST "*/delete" "admin | "POST "*/delete" "region | "POST "*/delete" "mun) continue ;; esac
		if [ "$method" = GET ]; then get $who "$path"; else post $who "$path"; fi
		# What the role may: 200 (303 for a redirect), else 403; 404 for an object outside.
		want=403
		case "$who" in
		admin | region | mun) want=200 ;;
		mun2 | school2) want=404 ;;
		school) case "$method $pattern" in
			"POST /measure/{id}/report" | "GET /measure/"*) want=200 ;;
			"POST /measure/"*) want=403 ;; # its measure: it reports, never edits
			*" /measures/{id}"*) want=404 ;;
			*) want=200 ;;
			esac ;;
		esac
		case "$pattern" in /measures | /documents | /documents/file) [ "$want" = 404 ] && want=200 ;; esac
		if [ "$method" = POST ]; then
			# A POST without its fields: refused for every caller (400), or by role or scope first.
			case "$want" in
			200) case "$code" in 2?? | 303 | 400 | 404) ok "$who: POST $pattern → $code" ;; *) fail "$who: POST $pattern → $code" ;; esac ;;
			*) case "$code" in 403 | 404) ok "$who refused: POST $pattern → $code" ;; *) fail "$who: POST $pattern → $code, expected 403/404" ;; esac ;;
			esac
			continue
		fi
		[ "$pattern" = /documents/file ] && [ "$want" = 200 ] && want=400 # no kind: the form again
		expect_eq "$who: GET $pattern" "$code" "$want"
	done
done < <(grep -oE '^[[:space:]]*\{ "(GET|POST)", "/(measures?|documents)[^"]*", [a-z_0-9]+, [^,]+,' "$ROUTES" |
	sed -E 's/^[[:space:]]*\{ "([A-Z]+)", "([^"]+)", [a-z_0-9]+, ([^,]+),/\1|\2|\3/')
expect_eq "the plan survived the matrix" "$(sql "SELECT count(*) FROM mplan WHERE id = $pid")" 1

# --- deleting
pf mun "/measures/$pid2/delete" confirm=1
expect_eq "another municipality's plan may not be deleted" "$code" 404
pf mun2 "/measures/$pid2/delete"
expect_eq "deleting needs the confirmation" "$code" 400
pf mun2 "/measures/$pid2/delete" confirm=1
expect_eq "a plan deleted" "$code" 200
expect_eq "… with its measures" "$(sql "SELECT count(*) FROM measure WHERE plan_id = $pid2")" 0
exit 0
