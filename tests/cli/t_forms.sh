#!/bin/bash
# Results forms and the web grid: `oko form` writes the ФИС ОКО layout with the school's
# codes and no names, the form goes back through `oko import results` with the procedure
# recognised; over HTTP the school downloads the form, enters results in the grid (saved
# through the importer, errors next to the cells, nothing stored on error), other roles
# and other schools get nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
"$OKO" import procedures "$DATA/procedures.csv" >/dev/null
"$OKO" import results "$DATA/results/canonical.csv" >/dev/null 2>&1
P=VPR-2021-MA-4

# Pupils of grade 4 with codes, one of them without results yet.
printf 'Класс;ФИО\n4Б;Секретова Аглая Петровна\n5А;Другой Параллели Ученик\n' >"$T/list.csv"
"$OKO" pupils import "$T/list.csv" --school sch220206 --year 2021 >/dev/null 2>&1
"$OKO" codes issue --school sch220206 --year 2021 >/dev/null 2>&1
newcode=$(sql "SELECT code FROM pupil WHERE class = '4Б'")

expect_ok "form written" form --school sch220206 --procedure $P --out "$T/form.xlsx"
expect_grep "form counts codes" "$T/out" "кодов: 4, из них с результатами: 3"
unzip -p "$T/form.xlsx" xl/workbook.xml >"$T/wb.xml"
expect_grep "sheet Классы" "$T/wb.xml" 'name="Классы"'
expect_grep "sheet Протокол" "$T/wb.xml" 'name="Протокол"'
unzip -p "$T/form.xlsx" xl/sharedStrings.xml >"$T/ss.xml"
for h in "Пользователь" "Код региона" "Дата загрузки" "Вариант" "1 (1б)" "Наименование класса" "Пол" \
	"Отметка за предыдущий триместр/ четверть/полугодие" "Итого баллов" "ma4.0 | VPR-2021-MA-4"; do
	expect_grep "header «$h»" "$T/ss.xml" "$h"
done
unzip -p "$T/form.xlsx" xl/worksheets/sheet2.xml >"$T/s2.xml"
expect_grep "new pupil's code in the form" "$T/s2.xml" "<v>$newcode</v>"
expect_grep "data validation present" "$T/s2.xml" "<dataValidations"
expect_grep "total is a formula" "$T/s2.xml" "<f>SUM("
if grep -qaF "Секретова" "$T/form.xlsx" "$T/ss.xml" "$T/s2.xml"; then fail "a name in the form"; else ok "no name in the form"; fi
grep -c "<row " "$T/s2.xml" >/dev/null
expect_fail "unknown procedure refused" form --school sch220206 --procedure VPR-2021-XX-4 --out "$T/x.xlsx"
expect_fail "unknown school refused" form --school nosuch --procedure $P --out "$T/x.xlsx"

# Round trip: the form of a school's stored results imports back to the same data (the
# form adds the stated total, cut here). A school whose form has codes without results is
# not used: the importer stores an empty row as a written work with warnings.
"$OKO" export results --procedure $P | cut -d, -f1-8,10- | sort >"$T/before.csv"
"$OKO" form --school sch220207 --procedure $P --out "$T/f7.xlsx" >/dev/null
expect_ok "form imports back, procedure recognised" import results "$T/f7.xlsx"
expect_grep "procedure told by the form" "$T/err" "процедура определена по форме"
"$OKO" export results --procedure $P | cut -d, -f1-8,10- | sort >"$T/after.csv"
expect_eq "round trip keeps the results" "$(diff "$T/before.csv" "$T/after.csv" && echo same)" same

# A filled copy: a school's form with a changed score, made by mkxlsx with the form's
# headers, uploads with the procedure recognised.
MKXLSX=${BUILD:-}/tests/tools/mkxlsx
if [ -x "$MKXLSX" ]; then
	labels=$(sql "SELECT group_concat(label || ' (' || max || 'б)', ',') FROM (SELECT label, max FROM position WHERE procedure_id = (SELECT id FROM procedure WHERE code = '$P') ORDER BY idx)")
	n=$(echo "$labels" | tr ',' '\n' | wc -l)
	{ echo 'Пользователь,Код региона,Регион,Муниципалитет,Школа,Дата загрузки,Буква (цифра) класса,Основной учебник по предмету'
	  echo 'sch220207,,,,,01.03.2021 10:00:00,А,ma4.0 | VPR-2021-MA-4 | учебник не указан'; } >"$T/cls.csv"
	{ echo "Пользователь,Код региона,Регион,Муниципалитет,Школа,Дата загрузки,Код,Вариант,$labels,Наименование класса,Пол,Отметка за предыдущий триместр/ четверть/полугодие,Итого баллов"
	  printf 'sch220207,,,,,01.03.2021 10:00:00,40077,2'; for _ in $(seq "$n"); do printf ',1'; done; printf ',4А,ж,4,%s\n' "$n"; } >"$T/prot.csv"
	"$MKXLSX" from-csv "$T/filled.xlsx" Классы "$T/cls.csv" Протокол "$T/prot.csv"
	expect_ok "filled form imported without --procedure" import results "$T/filled.xlsx"
	expect_eq "filled values stored" "$(sql "SELECT primary_score || ' ' || variant FROM result WHERE code = '40077'")" "$n 2"
else
	skip "mkxlsx not built"
fi

# ---- HTTP: the school coordinator ----
"$OKO" user add school1 --role school --scope sch220206 --name "Иванова Мария Петровна" --password password-school1 >/dev/null
"$OKO" user add school2 --role school --scope sch220207 --password password-school2 >/dev/null
"$OKO" user add reg --role region --password password-region >/dev/null
start_server
login school1 password-school1
login school2 password-school2
login reg password-region
get school1 /grid
expect_eq "grid list opens" "$code" 200
expect_grep "procedure listed" "$T/body" "$P"
get school1 "/grid/$P/form.xlsx"
expect_eq "form download" "$code" 200
curl -s -D "$T/hdr" -o "$T/web.xlsx" -b "$T/school1.jar" "$URL/grid/$P/form.xlsx"
expect_grep "form content type" "$T/hdr" "spreadsheetml"
expect_grep "form has the Russian file name" "$T/hdr" "filename*=UTF-8''%D0%A4%D0%BE%D1%80%D0%BC%D0%B0%20%D1%81%D0%B1%D0%BE%D1%80%D0%B0%20%D1%80%D0%B5%D0%B7%D1%83%D0%BB%D1%8C%D1%82%D0%B0%D1%82%D0%BE%D0%B2%20sch220206%20"
expect_eq "downloaded form is a zip" "$(head -c 2 "$T/web.xlsx")" "PK"
get reg "/grid/$P/form.xlsx"
expect_eq "region cannot download a school form" "$code" 403
get school1 "/grid/VPR-2099-MA-4"
expect_eq "unknown procedure 404" "$code" 404
get school1 "/grid/$P"
expect_eq "grid opens" "$code" 200
expect_grep "grid has the new code" "$T/body" "value=\"$newcode\""
expect_grep "grid script is a file" "$T/body" 'src="/static/grid.js"'
if grep -qF "Секретова" "$T/body"; then fail "name on the grid"; else ok "no name on the grid"; fi
if grep -q "<script>" "$T/body"; then fail "inline script"; else ok "no inline script"; fi
get school1 /static/grid.js
expect_eq "grid.js served" "$code" 200

npos=$(sql "SELECT count(*) FROM position WHERE procedure_id = (SELECT id FROM procedure WHERE code = '$P')")
# rowargs CODE CLASS VARIANT POINT GENDER JOURNAL: one row of the grid as curl arguments.
rowargs() {
	ARGS+=(--data-urlencode "code=$1" --data-urlencode "k=$2" --data-urlencode "v=$3")
	for _ in $(seq "$npos"); do ARGS+=(--data-urlencode "p=$4"); done
	ARGS+=(--data-urlencode "g=$5" --data-urlencode "j=$6")
}
stored() { sql "SELECT code || ':' || coalesce(CAST(primary_score AS TEXT), 'abs') FROM result WHERE school_id = (SELECT id FROM school WHERE login = 'sch220206') AND procedure_id = (SELECT id FROM procedure WHERE code = '$P') ORDER BY code" | paste -sd ' '; }
problems_of() { sql "SELECT problems FROM result WHERE code = '$1'"; }
# The grid's save is checked by the results importer alone, in strict mode (docs/import.md):
# what rejects a file refuses the save and stores nothing; what marks a row stores it marked.
# A point over its position's maximum is the school's own typing: refused, as strict mode does.
before=$(stored)
ARGS=(); rowargs "$newcode" 4Б 1 201 м 4
post school1 "/grid/$P" "${ARGS[@]}"
expect_eq "impossible point refused (strict)" "$code" 400
expect_grep "error next to the cell" "$T/body" 'class="bad"'
expect_grep "error says the range" "$T/body" "должен быть от 0 до"
expect_grep "refusal counts the rows" "$T/body" "строк с ошибками — 1"
expect_eq "nothing stored on error" "$(stored)" "$before"
ARGS=(); rowargs "$newcode" 4Б пять 1 м 4
post school1 "/grid/$P" "${ARGS[@]}"
expect_eq "variant not a number refused" "$code" 400
expect_grep "variant error next to the cell" "$T/body" "вариант — это номер"
expect_eq "nothing stored on a bad variant" "$(stored)" "$before"
ARGS=(); rowargs "$newcode" 4Б 1 7 м 4
post school1 "/grid/$P" "${ARGS[@]}"
expect_eq "over-max point refused (strict), the page shows where" "$code" 400
expect_grep "error next to the over-max cell" "$T/body" 'class="bad"'
row=$(tr -d '\n' <"$T/body" | grep -o "value=\"$newcode\"[^€]*" | sed 's|</tr>.*||')
[[ "$row" == *'<td class="num total"><output>—</output>'* ]] && ok "… its row's total «—», not a sum with the refused score (no script)" ||
	fail "… its row's total «—», not a sum with the refused score (no script)"
expect_grep "the error says the maximum" "$T/body" "больше её максимума"
grep -q "сохранена как записана" "$T/body" && fail "… and not that the row was stored" || ok "… and not that the row was stored"
expect_eq "nothing stored for an over-max point" "$(stored)" "$before"
ARGS=(); rowargs "$newcode" 4Б 1 abc м 4
post school1 "/grid/$P" "${ARGS[@]}"
expect_eq "a point that is no number refused (strict), not stored as empty" "$code" 400
expect_grep "… the error says so" "$T/body" "не целое число и не «X»"
expect_eq "nothing stored for a point that is no number" "$(stored)" "$before"
ARGS=(); rowargs "$newcode" 4Б "" 1 м 4
post school1 "/grid/$P" "${ARGS[@]}"
expect_grep "variant missing said" "$T/body" "вариант не указан"
expect_eq "stored without variant, marked 32" "$(sql "SELECT coalesce(variant, 0) || ' ' || (problems & 32) FROM result WHERE code = '$newcode'")" "0 32"
ARGS=(); rowargs "$newcode" 4Б 2 1 м 9
post school1 "/grid/$P" "${ARGS[@]}"
expect_grep "journal mark checked" "$T/body" "отметка по журналу должна быть от 2 до 5"
expect_eq "stored without the mark, marked 4" "$(sql "SELECT coalesce(journal_mark, 0) || ' ' || (problems & 4) FROM result WHERE code = '$newcode'")" "0 4"
ARGS=(); rowargs "$newcode" 4Б 2 X м 4
post school1 "/grid/$P" "${ARGS[@]}"
expect_eq "valid grid saved (redirect)" "$code" 303
expect_eq "row stored, other rows kept" "$(sql "SELECT count(*) FROM result WHERE code = '$newcode' AND variant = 2 AND primary_score = 0 AND problems = 0")" 1
expect_eq "earlier results kept" "$(stored | wc -w)" 4
expect_eq "upload named «сетка ввода»" "$(sql "SELECT file FROM upload ORDER BY id DESC LIMIT 1")" "сетка ввода"
expect_eq "audit records the saves stored" "$(sql "SELECT count(*) FROM audit WHERE action = 'grid_save'")" 3
expect_eq "audit records the saves refused" "$(sql "SELECT count(*) FROM audit WHERE action = 'grid_refused'")" 4
ARGS=(); rowargs 99999 4Б 2 1 м 4
post school1 "/grid/$P" "${ARGS[@]}"
expect_eq "a code of no row refused" "$code" 400
ARGS=(); rowargs "$newcode" 4Б 2 1 м 4
post school2 "/grid/$P" "${ARGS[@]}"
expect_eq "another school cannot post that code" "$code" 400
ARGS=(); rowargs "$newcode" 4Б отсутствовал "" "" ""
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$T/school1.jar" "${ARGS[@]}" "$URL/grid/$P")
expect_eq "post without csrf refused" "$code" 403
post school1 "/grid/$P" "${ARGS[@]}"
expect_eq "absent saved" "$code" 303
expect_eq "stored as absent" "$(sql "SELECT absent FROM result WHERE code = '$newcode'")" 1
get school1 "/grid/$P"
expect_grep "an absent pupil's total is «—», not 0" "$T/body" 'value="отсутствовал"'
grep -A0 -o "value=\"отсутствовал\".*" "$T/body" | head -1 | grep -q '<td class="num total"><output>—</output>' \
	&& ok "… its row shows «—» for the total" || fail "… its row shows «—» for the total"
get school1 "/schools/sch220206"
expect_grep "school card shows the grid upload" "$T/body" "сетка ввода"
expect_grep "… and who made it, by name" "$T/body" "<td>Иванова Мария Петровна</td>"
# The mean score with one decimal, as the school's home and the reports give it (17,3, not 17,27).
grep -qE '<td class="num">[0-9]+,[0-9]{2}</td>' "$T/body" && fail "the card's means have one decimal" \
	|| ok "the card's means have one decimal"

# ---- confidential materials: bank, individual sets, release by the server clock ----
printf 'Вариант 1: задания\n' >"$T/v1.txt"; printf 'Вариант 2: задания\n' >"$T/v2.txt"
printf 'Вариант 3: задания\n' >"$T/v3.txt"; printf 'Критерии оценивания\n' >"$T/crit.txt"
for v in 1 2 3; do "$OKO" materials add "$T/v$v.txt" --procedure $P --variant $v >/dev/null; done
expect_ok "criteria added" materials add "$T/crit.txt" --procedure $P --criteria
test -d "$(db_file).files" && ok "files kept beside the database" || fail "no $(db_file).files"
expect_ok "release times set" materials schedule --procedure $P --archive-at 2021-04-10T00:00:00Z \
	--key-at 2021-04-15T07:30:00Z --criteria-at 2021-04-15T12:00:00Z
# at TIME DESCRIPTION ARGS…: oko with the clock injected (OKO_NOW, tests only) must succeed;
# early TIME DESCRIPTION ARGS…: must be refused.
at() { local t=$1; shift; OKO_NOW=$t expect_ok "$@"; }
early() { local t=$1; shift; OKO_NOW=$t expect_fail "$@"; }
early 2021-04-09T23:59:59Z "archive one second early refused" materials fetch archive --procedure $P --school sch220206 --out "$T/a.kim"
expect_grep "refusal names the time" "$T/err" "2021-04-10 00:00:00 UTC"
at 2021-04-10T00:00:00Z "archive at its time" materials fetch archive --procedure $P --school sch220206 --out "$T/a.kim"
if grep -qaF "задания" "$T/a.kim"; then fail "archive is plain"; else ok "archive is encrypted"; fi
early 2021-04-15T07:29:59Z "key one second early refused" materials fetch key --procedure $P --school sch220206 --out "$T/k.txt"
at 2021-04-15T07:30:00Z "key at its time" materials fetch key --procedure $P --school sch220206 --out "$T/k.txt"
early 2021-04-15T11:59:59Z "criteria one second early refused" materials fetch criteria --procedure $P --school sch220206 --out "$T/c.txt"
at 2021-04-15T12:00:00Z "criteria at their time" materials fetch criteria --procedure $P --school sch220206 --out "$T/c.txt"
expect_grep "criteria content" "$T/c.txt" "Критерии оценивания"
expect_ok "archive opens with the key" materials open "$T/a.kim" --key "$(cat "$T/k.txt")" --out "$T/opened"
set206=$(sql "SELECT variants FROM material_set WHERE school_id = (SELECT id FROM school WHERE login = 'sch220206')")
expect_eq "the school's set has two variants" "$(echo "$set206" | tr ',' '\n' | wc -l)" 2
expect_eq "archive holds exactly the set" "$(ls "$T/opened" | sed 's/вариант-//' | sort -n | paste -sd,)" "$set206"
expect_fail "wrong key refused" materials open "$T/a.kim" --key "$(printf '%064d' 0)" --out "$T/bad"
expect_ok "sets assigned to the other schools" materials assign --procedure $P
expect_eq "every school has a set" "$(sql "SELECT count(*) FROM material_set")" "$(sql "SELECT count(*) FROM school")"
expect_eq "downloads recorded, refusals too" "$(sql "SELECT sum(given) || '/' || count(*) FROM material_download")" "3/6"
# Over HTTP: the server's clock (no OKO_NOW here) is after 2021; a later key time refuses.
get school1 "/materials/$P/key"
expect_eq "school gets its key over HTTP" "$code" 200
expect_eq "the same key" "$(cat "$T/body")" "$(cat "$T/k.txt")"
get reg "/materials/$P/key"
expect_eq "region cannot take a school's key" "$code" 403
get school1 "/materials/$P/variants"
expect_eq "after the key time the school takes its variants opened" "$code" 200
mkdir -p "$T/zipped" && (cd "$T/zipped" && unzip -q "$T/body")
expect_eq "the ZIP holds exactly the school's set" "$(ls "$T/zipped" | sed 's/вариант-//' | sort -n | paste -sd,)" "$set206"
expect_eq "nothing opened is left behind the database" "$(find "$(db_file).files/open" -mindepth 1 | wc -l)" 0
get school2 "/materials/$P/variants"
zip2=$(unzip -l "$T/body" 2>/dev/null | grep -c вариант)
set207=$(sql "SELECT variants FROM material_set WHERE school_id = (SELECT id FROM school WHERE login = 'sch220207')")
expect_eq "another school gets its own set" "$zip2" "$(echo "$set207" | tr ',' '\n' | wc -l)"
"$OKO" materials schedule --procedure $P --archive-at 2021-04-10T00:00:00Z --key-at 2099-01-01T00:00:00Z \
	--criteria-at 2099-01-01T00:00:00Z >/dev/null
get school1 "/materials/$P/key"
expect_eq "key before its time refused over HTTP" "$code" 403
expect_grep "refusal page names the time (local, Russian)" "$T/body" "01.01.2099"
get school1 "/materials/$P/variants"
expect_eq "opened variants before the key time refused" "$code" 403
get school1 /materials
expect_grep "materials page lists the procedure" "$T/body" "$P"
get reg /materials
expect_grep "region sees the downloads" "$T/body" "Выдачи"
expect_eq "audit has the downloads" "$(sql "SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM audit WHERE action = 'material_download'")" 1
# In the plan-graph only the assigned schools take part and get materials.
"$OKO" materials schedule --procedure $P --archive-at 2021-04-10T00:00:00Z --key-at 2021-04-15T07:30:00Z \
	--criteria-at 2021-04-15T12:00:00Z >/dev/null
printf 'campaign,procedure,materials_from,window_from,window_to,criteria_from,form_from,upload_deadline\nВПР 2021,%s,2021-03-10,2021-03-15,2021-05-21,2021-03-15,2021-03-15,2021-05-25\n' "$P" >"$T/plan.csv"
"$OKO" import plan "$T/plan.csv" >/dev/null
"$OKO" plan assign --campaign "ВПР 2021" --procedure $P --school sch220206 >/dev/null
get school1 "/materials/$P/key"
expect_eq "an assigned school gets its key" "$code" 200
# The criteria keep their file's ending, so that the file opens, and are named in words.
hdr=$(curl -s -D - -o /dev/null -b "$(jar school1)" "$URL/materials/$P/criteria" | tr -d '\r')
expect_grep_text() { if grep -qF -- "$3" <<<"$2"; then ok "$1"; else fail "$1: «$3» not in «$2»"; fi; }
expect_grep_text "the criteria download keeps the file's ending" "$hdr" "filename=\"$P-criteria.txt\""
expect_grep_text "… and is named in words" "$hdr" "filename*=UTF-8''%D0%9A%D1%80%D0%B8%D1%82%D0%B5%D1%80%D0%B8%D0%B8"
get school2 "/materials/$P/key"
expect_eq "a school not assigned in the plan gets nothing (404)" "$code" 404
get school2 "/materials/$P/variants"
expect_eq "nor its opened variants" "$code" 404
