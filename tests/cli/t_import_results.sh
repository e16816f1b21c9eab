#!/bin/bash
# Import of results: every layout, the validation policy, atomicity, replacement of a
# school's results, the upload history, export and round trip, hostile files.
. "$(dirname "$0")/lib.sh"
R=$DATA/results
MKXLSX=${BUILD:-}/tests/tools/mkxlsx

"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
"$OKO" import procedures "$DATA/procedures.csv" >/dev/null
results() { sql "SELECT count(*) FROM result r JOIN procedure p ON p.id = r.procedure_id WHERE p.code = '$1'"; }
result_dump() { sql "SELECT p.code, s.login, r.code, r.class, r.gender, r.variant, r.journal_mark, r.absent, r.primary_score, r.stated_total, hex(r.scores), r.problems FROM result r JOIN school s ON s.id = r.school_id JOIN procedure p ON p.id = r.procedure_id ORDER BY 1, 2, 3"; }

# --- canonical CSV with labels
expect_ok "canonical CSV imports" import results "$R/canonical.csv"
expect_grep "layout recognised" "$T/out" "макет: канонический CSV oko"
expect_grep "counts in the report" "$T/out" "строк: 5, писали работу: 4, отсутствовали: 1, школ: 3 (с работами: 3)"
expect_eq "5 results stored" "$(results VPR-2021-MA-4)" 5
expect_eq "new school created from the file" "$(sql "SELECT name FROM school WHERE login = 'sch999001'")" sch999001
expect_eq "primary score is the sum of positions" "$(sql "SELECT primary_score FROM result WHERE code = '40001' AND school_id = (SELECT id FROM school WHERE login = 'sch220206')")" 20
expect_eq "X stored as not attempted (FF), Х as well" "$(sql "SELECT hex(scores) FROM result WHERE school_id = (SELECT id FROM school WHERE login = 'sch220207')")" "0001000001000001000001000000FF"
expect_eq "absent stored without scores" "$(sql "SELECT absent || '/' || coalesce(CAST(primary_score AS TEXT), 'null') || '/' || CASE WHEN scores IS NULL THEN 'null' ELSE hex(scores) END FROM result WHERE code = '40003'")" "1/null/null"
expect_eq "upload recorded" "$(sql "SELECT file || ' ' || layout || ' ' || rows || ' ' || written || ' ' || absent FROM upload")" "canonical.csv canonical 5 4 1"
# The file's BLAKE2b-256 and size, taken on a thread of their own while the rows are stored.
expect_eq "upload's digest and size are the file's" "$(sql "SELECT digest || ' ' || size FROM upload")" \
	"$(b2sum -l 256 "$R/canonical.csv" | cut -d' ' -f1) $(stat -c %s "$R/canonical.csv")"
before=$(result_dump)
expect_ok "re-import of the same file" import results "$R/canonical.csv"
expect_eq "re-import leaves the same data" "$(result_dump)" "$before"
expect_eq "two uploads in the history" "$(sql 'SELECT count(*) FROM upload')" 2
expect_eq "second upload replaced 5 results" "$(sql 'SELECT sum(replaced) FROM upload_school WHERE upload_id = 2')" 5

# A corrected file for one school replaces that school's results only.
expect_ok "corrected file for one school" import results "$R/canonical_fixed.csv"
expect_eq "school now has 2 results" "$(sql "SELECT count(*) FROM result WHERE school_id = (SELECT id FROM school WHERE login = 'sch220206')")" 2
expect_eq "other schools untouched" "$(results VPR-2021-MA-4)" 4
expect_eq "corrected score stored" "$(sql "SELECT primary_score FROM result WHERE code = '40001' AND school_id = (SELECT id FROM school WHERE login = 'sch220206')")" 19
expect_eq "history keeps what was replaced" "$(sql "SELECT rows || '/' || replaced FROM upload_school WHERE upload_id = 3")" "2/3"

# --- errors reject the whole file
before=$(db_digest)
run_oko import results "$R/bad.csv" --report "$T/report.csv"
expect_eq "bad file fails" "$rc" 1
expect_eq "nothing stored after a failed import" "$(db_digest)" "$before"
expect_grep "duplicate code" "$T/err" "bad.csv, строка 3, столбец 3 «code», значение «40001»: код участника уже встречался выше в этой школе по процедуре «ВПР, математика, 4 класс, 2021»"
expect_grep "bad code" "$T/err" "строка 4, столбец 3 «code», значение «abc»: код участника должен состоять из цифр"
expect_grep "bad variant" "$T/err" "строка 5, столбец 5 «variant», значение «пять»: вариант — это номер (1, 2, …) или «отсутствовал»"
expect_grep "bad absent flag" "$T/err" "строка 6, столбец 8 «absent», значение «2»: признак отсутствия должен быть 0 или 1"
expect_grep "impossible points" "$T/err" "строка 7, столбец 11 «3», значение «999»: балл позиции «3» должен быть от 0 до 2"
expect_grep "bad login" "$T/err" "строка 8, столбец 1 «school», значение «школа 1»"
expect_grep "undescribed procedure" "$T/err" "процедура VPR-2021-MA-9 не описана"
expect_grep "report CSV" "$T/report.csv" "error,bad.csv,,3,3 «code»,40001,duplicate_code,"
grep -q "код участника повторяется в школе: 1 — файл отклоняется" "$T/out" "$T/err" && ok "reasons counted" || fail "reasons counted"
cat "$T/out" "$T/err" >"$T/both_bad"
expect_grep "a refused file's summary says it was refused" "$T/both_bad" "файл отклонён: ничего не сохранено"
grep -q "строк с отмеченными проблемами\|было бы заменено" "$T/both_bad" && fail "… and counts no marked rows or replacements it would not make" ||
	ok "… and counts no marked rows or replacements it would not make"
grep -q "процедура не описана или не подходит к файлу: " "$T/out" "$T/err" && ok "… the procedure's reason in words that fit a mismatch too" \
	|| fail "… the procedure's reason in words that fit a mismatch too"

# A school's rows in two runs (another school between them): a code of the first run
# repeated in the second is found (the repeat check compares within a run of one school's
# rows and across runs only for such split schools), distinct codes are not.
head -1 "$R/canonical.csv" > "$T/split.csv"
row() { echo "$1,VPR-2021-MA-4,$2,4А,1,ж,5,0,1,1,2,1,1,1,1,1,1,2,1,1,2,2,2"; }
{ row sch220206 41001; row sch220206 41002; row sch220207 41001; row sch220206 41003; } >> "$T/split.csv"
cp "$T/split.csv" "$T/split_dup.csv"
row sch220206 41002 >> "$T/split_dup.csv"
before=$(db_digest)
run_oko import results "$T/split_dup.csv" --dry-run
expect_eq "a code repeated in a school's second run of rows fails" "$rc" 1
expect_grep "the repeat named at its row" "$T/err" "split_dup.csv, строка 6, столбец 3 «code», значение «41002»: код участника уже встречался выше в этой школе по процедуре «ВПР, математика, 4 класс, 2021» (строка 3)"
expect_eq "nothing stored" "$(db_digest)" "$before"
expect_ok "distinct codes in a school's two runs are fine" import results "$T/split.csv" --dry-run

# --- problems that store the row marked
expect_ok "file with row problems imports" import results "$R/warnings.csv"
expect_grep "journal mark that is a gender" "$T/err" "строка 2, столбец 7 «journal_mark», значение «ж»: отметка по журналу должна быть от 2 до 5, а здесь пол — похоже, столбцы сдвинуты"
expect_grep "total above the maximum" "$T/err" "строка 3, столбец 9 «total», значение «25»: сумма баллов больше максимума 20"
expect_grep "total contradicts positions" "$T/err" "строка 4, столбец 9 «total», значение «11»: сумма баллов не равна сумме позиций (10)"
expect_grep "points above a position's maximum" "$T/err" "строка 5, столбец 10 «1», значение «3»: балл позиции «1» больше её максимума 1"
expect_grep "unreadable cell" "$T/err" "строка 6, столбец 11 «2», значение «H»: значение позиции «2» не целое число и не «X»"
expect_grep "variant 0" "$T/err" "строка 7, столбец 5 «variant», значение «0»: вариант не указан"
expect_eq "all 7 rows stored" "$(sql "SELECT count(*) FROM result WHERE school_id = (SELECT id FROM school WHERE login = 'sch220206')")" 7
expect_eq "journal 'ж' stored as none, marked" "$(sql "SELECT coalesce(CAST(journal_mark AS TEXT), 'none') || '/' || (problems & 4) FROM result WHERE code = '40001' AND school_id = (SELECT id FROM school WHERE login = 'sch220206')")" "none/4"
expect_eq "total over max: stated kept, primary from positions" "$(sql "SELECT stated_total || '/' || primary_score || '/' || (problems & 2) FROM result WHERE code = '40002' AND school_id = (SELECT id FROM school WHERE login = 'sch220206')")" "25/10/2"
expect_eq "не пройд. stored as not taught (FD)" "$(sql "SELECT substr(hex(scores), 9, 2) FROM result WHERE code = '40005' AND school_id = (SELECT id FROM school WHERE login = 'sch220206')")" "FD"
expect_eq "'нет отметки' is no mark (not a problem); absent with points is marked 128" "$(sql "SELECT coalesce(CAST(journal_mark AS TEXT), 'none') || '/' || problems FROM result WHERE code = '40007' AND school_id = (SELECT id FROM school WHERE login = 'sch220206')")" "none/128"
expect_grep "absent with points reported" "$T/err" "строка 8: участник отмечен отсутствовавшим, но у него есть баллы"

# --- dry run
before=$(db_digest)
expect_ok "dry run of a good file" import results "$R/canonical.csv" --dry-run
expect_grep "dry run says nothing stored" "$T/out" "проверено (ничего не сохранено)"
# A check alone says a marked row would be stored, not that it was; strict mode says the
# row refuses the file, without the «(сохранён как записан)» of a kept row.
run_oko import results "$R/warnings.csv" --dry-run
cat "$T/out" "$T/err" >"$T/both"
expect_grep "a check alone: rows would be stored" "$T/both" "строка будет сохранена с отметкой"
grep -q "— строка сохранена с отметкой" "$T/out" "$T/err" && fail "… not that they were" || ok "… not that they were"
run_oko import results "$R/warnings.csv" --dry-run --strict
cat "$T/out" "$T/err" >"$T/both"
expect_grep "strict: the over-max rule refuses, as a refusal" "$T/both" "балл позиции больше её максимума: 1 — файл отклоняется"
grep -q "больше её максимума 1; строка сохранена" "$T/out" "$T/err" && fail "… no «stored» in the row's message" || ok "… no «stored» in the row's message"
expect_eq "dry run stores nothing" "$(db_digest)" "$before"

# --- several procedures in one file, positions p1..pK
expect_ok "multi-procedure file imports" import results "$R/multi.csv"
expect_eq "RU-4 results from the multi file" "$(results VPR-2021-RU-4)" 2
expect_eq "RU-4 full marks" "$(sql "SELECT primary_score FROM result r JOIN procedure p ON p.id = r.procedure_id WHERE p.code = 'VPR-2021-RU-4' AND r.code = '40001' AND r.school_id = (SELECT id FROM school WHERE login = 'sch220206')")" 38

# --- cp1251 with ';' and a BOM
iconv -f UTF-8 -t CP1251 "$R/canonical.csv" | tr ',' ';' > "$T/cp1251.csv"
expect_ok "cp1251 + ';' imports" import results "$T/cp1251.csv"
expect_eq "class decoded from cp1251" "$(sql "SELECT class FROM result WHERE code = '40003' AND school_id = (SELECT id FROM school WHERE login = 'sch220206')")" "4Б"
{ printf '\xEF\xBB\xBF'; cat "$R/canonical.csv"; } > "$T/bom.csv"
expect_ok "UTF-8 with BOM imports" import results "$T/bom.csv"

# --- the real layouts, made as files the way the region gets them
"$MKXLSX" from-csv "$T/vpr2021.xlsx" Sheet "$R/vpr2021.csv"
run_oko import results "$T/vpr2021.xlsx"
expect_grep "2021 export without --procedure is refused" "$T/err" "не указана процедура: выберите её в списке «Процедура» (в командной строке — параметр --procedure)"
expect_ok "2021 regional export imports" import results "$T/vpr2021.xlsx" --procedure VPR-2021-MA-4
expect_grep "2021 layout recognised" "$T/out" "макет: региональная выгрузка ВПР 2021; строк: 4, писали работу: 3, отсутствовали: 1"
expect_eq "municipality from the 'регион' column" "$(sql "SELECT m.name FROM school s JOIN municipality m ON m.id = s.municipality_id WHERE s.login = 'sch230555'")" "Бийский район"
expect_eq "class НЕТ stored as none" "$(sql "SELECT coalesce(class, 'none') FROM result WHERE code = '40001' AND school_id = (SELECT id FROM school WHERE login = 'sch220206') AND procedure_id = (SELECT id FROM procedure WHERE code = 'VPR-2021-MA-4')")" "none"
expect_ok "2020 export (Latin headers) imports" import results "$R/vpr2020.csv" --procedure VPR-2021-MA-4
expect_grep "2020 layout recognised" "$T/out" "макет: региональная выгрузка ВПР 2020; строк: 3, писали работу: 2, отсутствовали: 1"
"$MKXLSX" from-csv "$T/form.xlsx" "Классы" "$R/form_classes.csv" "Протокол" "$R/form_protocol.csv"
expect_ok "ФИС ОКО form imports, procedure told by the form" import results "$T/form.xlsx"
expect_grep "form layout" "$T/out" "макет: форма сбора результатов ФИС ОКО; строк: 3, писали работу: 2, отсутствовали: 1"
expect_grep "procedure guessed from textbook and date" "$T/err" "процедура определена по форме (учебник и дата загрузки): VPR-2022-MA-4"
expect_eq "procedure created from the form's headers" "$(sql "SELECT max_score || '/' || (SELECT count(*) FROM position WHERE procedure_id = procedure.id) FROM procedure WHERE code = 'VPR-2022-MA-4'")" "20/15"
expect_eq "school name and municipality from the form" "$(sql "SELECT s.name || ' / ' || m.name FROM school s JOIN municipality m ON m.id = s.municipality_id WHERE s.login = 'edu220301'")" 'МКОУ "Пещерская СОШ" / Залесовский муниципальный округ'
# A procedure chosen for a form must be the form's: a 2022 form is refused as the 2021 work,
# naming both, and nothing is stored.
before=$(sql "SELECT count(*) FROM result")
expect_fail "a 2022 form taken for the 2021 work is refused" import results "$T/form.xlsx" --procedure VPR-2021-MA-4
expect_grep "… naming the form's procedure and the chosen one" "$T/err" "форма заполнена для процедуры «ВПР, математика, 4 класс, 2022» (предмет — по учебнику на листе «Классы», год — по дате загрузки, класс — по названиям классов), а выбрана «ВПР, математика, 4 класс, 2021»: выберите процедуру формы или «определить по файлу»"
expect_eq "… storing nothing" "$(sql "SELECT count(*) FROM result")" "$before"
sed 's/17\.03\.2022/17.03.2021/' "$R/form_classes.csv" >"$T/form_classes21.csv"
"$MKXLSX" from-csv "$T/form21.xlsx" "Классы" "$T/form_classes21.csv" "Протокол" "$R/form_protocol.csv"
expect_ok "the 2021 form against a described procedure (labels 5(1) = 5.1)" import results "$T/form21.xlsx" --procedure VPR-2021-MA-4

# --- the 2020 export as it really is: «Учебник» in place of a-(K+1)-grade with the numbering
# going on after it, capitalised absences, an impossible cell, X and Var1 as variants, and
# two-part works (var-1 part 1, var-2 part 2). The file is made here in that exact shape.
mk2020() { # OUT: the 15 positions of VPR-2021-MA-4, then «Учебник», then a-17..a-20 empty
	{ printf 'groups,user,id,code,otc,gender,klass,var-1,var-2,sum'
	  for j in $(seq 15); do printf ',a-%d-grade' "$j"; done
	  printf ',Учебник'; for j in $(seq 17 20); do printf ',a-%d-grade' "$j"; done; printf '\n'
	  row() { printf '4,sch220206,%s,%s,4,ж,А,%s,%s,%s' "$1" "$1" "$2" "$3" "$4"; shift 4
		  printf ',%s' "$@"; printf ',Моро,,,,\n'; }
	  row 41001 1 "" 15 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1
	  row 41002 ОТСУТствовал "" "" "" "" "" "" "" "" "" "" "" "" "" "" "" "" ""
	  row 41003 Отсутствовал "" "" "" "" "" "" "" "" "" "" "" "" "" "" "" "" ""
	  row 41004 2 "" 13 -1 1 1 1 1 1 1 1 1 1 1 1 1 1 1
	  row 41005 X "" 15 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1
	  row 41006 Var1 "" 15 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1
	  row 41007 отсутствовал 2 10 0 0 0 0 0 1 1 1 1 1 1 1 1 1 1
	  row 41008 1 отсутствовал 5 1 1 1 1 1 0 0 0 0 0 0 0 0 0 0
	  row 41009 отсутствовал отсутствовал "" "" "" "" "" "" "" "" "" "" "" "" "" "" "" ""
	} >"$1"
}
mk2020 "$T/v2020.csv"
g20() { sql "SELECT r.code || ':' || r.absent || ':' || coalesce(CAST(r.variant AS TEXT), '-') || ':' || coalesce(CAST(r.primary_score AS TEXT), '-') || ':' || r.problems FROM result r JOIN school s ON s.id = r.school_id WHERE s.login = 'sch220206' AND r.code LIKE '4100_' ORDER BY r.code" | paste -sd ' '; }
expect_ok "2020 export with «Учебник» in place of a-16-grade imports" import results "$T/v2020.csv" --procedure VPR-2021-MA-4
expect_grep "… with 9 rows, 3 absent" "$T/out" "строк: 9, писали работу: 6, отсутствовали: 3"
# code:absent:variant:score:problems — 41004's -1 is an unreadable cell (512, left out of
# the score-based signs); X = variant unknown (32); Var1 = 1; 41007 and 41008 wrote one part
# of two (1024); 41009 missed both parts: absent.
expect_eq "2020 rows stored as they mean" "$(g20)" \
	"41001:0:1:15:0 41002:1:-:-:0 41003:1:-:-:0 41004:0:2:14:513 41005:0:-:15:32 41006:0:1:15:0 41007:0:2:10:1024 41008:0:1:5:1024 41009:1:-:-:0"
expect_grep "the negative cell reported, the row kept" "$T/err" "значение «-1»: балл позиции «1» должен быть от 0 до 1; ячейка сохранена как нечитаемая"
expect_grep "the partial work reported" "$T/err" "строка 8: участник писал только часть 2 работы"
run_oko import results "$T/v2020.csv" --procedure VPR-2021-MA-4 --strict
expect_eq "--strict refuses the impossible cell" "$rc" 1
expect_grep "… naming it as an error" "$T/err" "ошибка: v2020.csv, строка 5, столбец 11 «a-1-grade», значение «-1»"
run_oko import results "$T/v2020.csv" --procedure VPR-2021-RU-4
expect_eq "a procedure of another length is refused" "$rc" 1
expect_grep "… once, with the numbers" "$T/err" "в файле 15 столбцов позиций (до столбца учебника), а у процедуры «ВПР, русский язык, 4 класс, 2021» их 20"
expect_eq "… and nothing else is said" "$(grep -c '^ошибка\|^предупреждение' "$T/err")" 1

# A procedure neither described nor in oko's catalogue: proposed from the file (positions by
# column, maxima the largest points seen), created only when the uploader accepts it.
before=$(db_digest)
run_oko import results "$T/v2020.csv" --procedure VPR-2025-HI-9
expect_eq "an unknown procedure refuses the file" "$rc" 1
expect_grep "… with a proposal made from the file" "$T/err" "процедура VPR-2025-HI-9 не описана и её нет в каталоге oko. По файлу она выглядит так: 15 позиций, наибольшие баллы 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 (всего 15)"
expect_eq "… and nothing stored" "$(db_digest)" "$before"
expect_ok "--accept-inferred creates it" import results "$T/v2020.csv" --procedure VPR-2025-HI-9 --accept-inferred
expect_eq "… marked as inferred, with its source" "$(sql "SELECT max_score || ' ' || (SELECT count(*) FROM position WHERE procedure_id = procedure.id) || ' ' || source FROM procedure WHERE code = 'VPR-2025-HI-9'")" \
	"15 15 по файлу «v2020.csv»: позиции — столбцы по номерам, максимумы — наибольшие баллы в файле (предположение)"
expect_eq "… and the rows stored against it" "$(sql "SELECT count(*) FROM result r JOIN procedure p ON p.id = r.procedure_id WHERE p.code = 'VPR-2025-HI-9'")" 9
expect_eq "a procedures file records where it came from" "$(sql "SELECT source FROM procedure WHERE code = 'VPR-2021-MA-4'")" "файл процедур «procedures.csv»"

# A by-order file read against a procedure one position shorter or longer: said once, first,
# with the counts, instead of a message in every row.
labels=$(sed -n 1p "$R/canonical.csv" | cut -d, -f9- | tr ',' ' ')
{ printf 'школа,x\n' >/dev/null
  echo "логин школы,регион,номер обучающегося,код обучающегося,отметка за предыдущую четверть/триместр,пол,класс,вариант,всего баллов$(for j in $(seq 16); do printf ',балл за %d' "$j"; done)"
  for c in $(seq 30); do printf 'sch220206,город Барнаул,%d,%d,4,ж,4А,1,16' "$c" $((42000 + c)); for j in $(seq 16); do printf ',1'; done; printf '\n'; done; } >"$T/v16.csv"
run_oko import results "$T/v16.csv" --procedure VPR-2021-MA-4
expect_eq "16 filled columns against 15 positions: refused" "$rc" 1
expect_eq "… said once, first" "$(grep -m1 '^ошибка' "$T/err" | grep -c 'в файле заполнено 16 столбцов позиций, а у процедуры «ВПР, математика, 4 класс, 2021» их 15')" 1
expect_eq "… and no message a row" "$(grep -c '^ошибка\|^предупреждение' "$T/err")" 1
cut -d, -f1-23 "$T/v16.csv" >"$T/v14.csv"
run_oko import results "$T/v14.csv" --procedure VPR-2021-MA-4
expect_eq "14 filled columns against 15 positions: refused" "$rc" 1
expect_grep "… said once" "$T/err" "в файле заполнено 14 столбцов позиций, а у процедуры «ВПР, математика, 4 класс, 2021» их 15: последние позиции пусты во всех строках"
expect_eq "… and no message a row" "$(grep -c '^ошибка\|^предупреждение' "$T/err")" 1

# --- the gender arrives on every layout (it was lost on canonical CSV: the cell's length
# was passed to the same call that read it, in an unspecified order)
gender_of() { # FILE ARGS...: "school:code:gender" of every result, in a fresh database
	local db f=$1; shift
	db=$(new_db "gender$BASHPID") # run in $(…): a subshell of its own
	OKO_DB=$db "$OKO" init >/dev/null
	OKO_DB=$db "$OKO" import schools "$DATA/schools.csv" >/dev/null
	OKO_DB=$db "$OKO" import procedures "$DATA/procedures.csv" >/dev/null
	OKO_DB=$db "$OKO" import results "$f" "$@" >/dev/null 2>&1
	OKO_DB=$db sql "SELECT s.login || ':' || r.code || ':' || coalesce(r.gender, '') AS x FROM result r JOIN school s ON s.id = r.school_id ORDER BY 1" | paste -sd ' '
}
expect_eq "gender stored: canonical CSV" "$(gender_of "$R/canonical.csv")" \
	"sch220206:40001:ж sch220206:40002:м sch220206:40003:м sch220207:40001:ж sch999001:40001:"
"$MKXLSX" from-csv "$T/canonical.xlsx" Sheet "$R/canonical.csv"
expect_eq "gender stored: canonical XLSX" "$(gender_of "$T/canonical.xlsx")" \
	"sch220206:40001:ж sch220206:40002:м sch220206:40003:м sch220207:40001:ж sch999001:40001:"
expect_eq "gender stored: 2021 export" "$(gender_of "$T/vpr2021.xlsx" --procedure VPR-2021-MA-4)" \
	"sch220206:40001:ж sch220206:40002:м sch220206:40003: sch230555:40001:ж"
expect_eq "gender stored: 2020 export" "$(gender_of "$R/vpr2020.csv" --procedure VPR-2021-MA-4)" \
	"sch220206:40001:ж sch220206:40002:м sch220207:40001:м"
expect_eq "gender stored: ФИС ОКО form" "$(gender_of "$T/form.xlsx")" \
	"edu220301:40001: edu220301:40002:ж edu220301:40003:м"

# --- class names are stored whole or the row is refused, never cut (they were cut to 31
# bytes, in the middle of a Cyrillic letter)
cls20="4 Б коррекционный ОВЗ"   # 20 characters, 38 bytes of UTF-8
cls51=$(printf 'Ж%.0s' $(seq 51))
{ head -1 "$R/canonical.csv"
  sed -n 2p "$R/canonical.csv" | sed "s/,4А,/,$cls20,/"
  sed -n 3p "$R/canonical.csv" | sed "s/,4А,/,$cls51,/"; } >"$T/longclass.csv"
before=$(db_digest)
run_oko import results "$T/longclass.csv"
expect_eq "a 51-character class refuses the file" "$rc" 1
expect_grep "the row and the limit named" "$T/err" "строка 3, столбец 4 «class»"
expect_grep "the reason given" "$T/err" "название класса длиннее 50 символов"
expect_eq "nothing stored" "$(db_digest)" "$before"
sed -i 3d "$T/longclass.csv"
expect_ok "a 20-character Cyrillic class imports" import results "$T/longclass.csv"
expect_eq "the class stored whole" "$(sql "SELECT class FROM result WHERE code = '40001' AND school_id = (SELECT id FROM school WHERE login = 'sch220206') AND procedure_id = (SELECT id FROM procedure WHERE code = 'VPR-2021-MA-4')")" "$cls20"

# A school first seen in a form is stored with its name whole, or the row is refused.
long=$(printf 'Ш%.0s' $(seq 600))
sed "s/edu220301 | МКОУ \"\"Пещерская СОШ\"\"/edu220399 | $long/" "$R/form_protocol.csv" | sed 's/^edu220301,/edu220399,/' >"$T/longname.csv"
"$MKXLSX" from-csv "$T/longname.xlsx" "Протокол" "$T/longname.csv"
before=$(db_digest)
run_oko import results "$T/longname.xlsx" --procedure VPR-2021-MA-4
expect_eq "a 600-letter school name refuses the file" "$rc" 1
expect_grep "… saying why" "$T/err" "название длиннее 1023 байт"
expect_eq "… nothing stored, no school cut short" "$(db_digest)" "$before"

# --- export and round trip
expect_ok "export CSV" export results --procedure VPR-2021-MA-4 --out "$T/exp.csv"
expect_ok "export XLSX" export results --procedure VPR-2021-MA-4 --format xlsx --out "$T/exp.xlsx"
export_before=$(cat "$T/exp.csv")
COPY1=$(new_db copy)
OKO_DB="$COPY1" "$OKO" init >/dev/null
OKO_DB="$COPY1" "$OKO" import procedures "$DATA/procedures.csv" >/dev/null
OKO_DB="$COPY1" "$OKO" import results "$T/exp.xlsx" >/dev/null 2>&1
OKO_DB="$COPY1" "$OKO" export results --procedure VPR-2021-MA-4 --out "$T/exp2.csv" >/dev/null
expect_eq "import(export(x)) = x via XLSX" "$(cat "$T/exp2.csv")" "$export_before"
COPY2=$(new_db copy2)
OKO_DB="$COPY2" "$OKO" init >/dev/null
OKO_DB="$COPY2" "$OKO" import procedures "$DATA/procedures.csv" >/dev/null
OKO_DB="$COPY2" "$OKO" import results "$T/exp.csv" >/dev/null 2>&1
OKO_DB="$COPY2" "$OKO" export results --procedure VPR-2021-MA-4 --out "$T/exp3.csv" >/dev/null
expect_eq "import(export(x)) = x via CSV" "$(cat "$T/exp3.csv")" "$export_before"

# --- hostile and broken files: a clear error, the database unchanged
before=$(db_digest)
for f in empty binary; do
	run_oko import results "$DATA/$f.csv" --procedure VPR-2021-MA-4
	expect_eq "$f file refused" "$rc" 1
done
expect_grep "binary file explained" "$T/err" "двоичные данные"
head -c 3000 "$T/vpr2021.xlsx" > "$T/truncated.xlsx"
run_oko import results "$T/truncated.xlsx" --procedure VPR-2021-MA-4
expect_grep "truncated XLSX explained" "$T/err" "не является книгой Excel (.xlsx) или повреждён"
"$MKXLSX" wide "$T/wide.xlsx"
run_oko import results "$T/wide.xlsx"
expect_grep "a million columns refused" "$T/err" "за пределами допустимых 16384 столбцов"
awk 'BEGIN { printf "school,procedure,code,absent"; for (i = 0; i < 1000000; i++) printf ",p%d", i; print "" }' > "$T/wide.csv"
run_oko import results "$T/wide.csv"
expect_grep "a million CSV columns refused" "$T/err" "больше 16384 столбцов"
"$MKXLSX" bomb "$T/bomb.xlsx" 520
run_oko import results "$T/bomb.xlsx"
expect_grep "zip bomb refused" "$T/err" "zip-бомба"
printf 'a,b,c\n1,2,3\n' > "$T/unknown.csv"
run_oko import results "$T/unknown.csv"
expect_grep "unknown layout explained" "$T/err" "заголовки не похожи ни на один известный макет результатов"
expect_eq "database unchanged by every refused file" "$(db_digest)" "$before"
echo "1..$_n"
