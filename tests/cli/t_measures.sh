#!/bin/bash
# Plans of measures from the command line (docs/measures.md, docs/formats.md «План
# мероприятий»), on a generated region after `oko analyze`:
# - templates, new plans of the three levels, list, show, requisites;
# - import of seed-shaped tables (an order's appendix in CSV and in cp1251, another as XLSX
#   made by mkxlsx, one without blocks): blocks, a row continued across a page break, and
#   due dates derived from the terms as formats.md documents them;
# - bad files refused with row and column, nothing stored; a dry run stores nothing;
# - the export round trip (XLSX and CSV into a new plan: the same blocks and measures);
# - «Учёт специфики территории» (measure.specifics): an optional column, read under its own
#   name and the information note's «Учет специфики района при реализации мер/мероприятий»,
#   continued across a page break, exported and round-tripped; a file without it imports
#   with the specifics empty;
# - addressed help for exactly the schools listed or officially flagged in the run;
# - a status report with an evidence file, and refusals of a wrong or too large file;
# - overdue measures and the share done on time on a constructed case (OKO_NOW).
. "$(dirname "$0")/lib.sh"

MKXLSX=${BUILD:-}/tests/tools/mkxlsx
G=$T/gen
"$OKO" gen --out "$G" --schools 40 --municipalities 3 --years 2021 --subjects MA --grades 4 \
	--seed 5 --quiet
"$OKO" init >/dev/null
"$OKO" import schools "$G/schools.csv" >/dev/null
"$OKO" import procedures "$G/procedures.csv" >/dev/null
"$OKO" import results "$G/results.csv" >/dev/null
"$OKO" analyze --out "$T/an" >/dev/null 2>&1
MUN=$(sql 'SELECT name FROM municipality ORDER BY name LIMIT 1')
SCH=$(sql 'SELECT login FROM school ORDER BY login LIMIT 1')

# Plan rows of a plan: block, text, term, due, responsible, expected, specifics, in order.
rows() {
	sql "SELECT b.title, m.text, m.term, coalesce(m.due, ''), m.responsible, m.expected, m.specifics
	     FROM measure m JOIN mplan_block b ON b.id = m.block_id WHERE m.plan_id = $1
	     ORDER BY b.pos, m.pos"
}
dues() { sql "SELECT coalesce(m.due, '-') FROM measure m JOIN mplan_block b ON b.id = m.block_id
	      WHERE m.plan_id = $1 ORDER BY b.pos, m.pos" | tr '\n' ' '; }
last_plan() { sql 'SELECT max(id) FROM mplan'; }

# --- templates, new, list ---------------------------------------------------------------
expect_ok "templates" measures templates
TPL=$(awk -F'\t' 'NR == 1 { print $1 }' "$T/out")
if [ -n "$TPL" ] && grep -q "мероприятий:" "$T/out"; then ok "a template listed ($TPL)"
else fail "a template listed"; sed 's/^/# /' "$T/out" | head; fi
expect_ok "a municipality's plan from a template" measures new --template "$TPL" \
	--level municipality --municipality "$MUN" --from 01.09.2020 --to 31.08.2021
PT=$(last_plan)
expect_grep "the new plan named" "$T/out" "План мероприятий № $PT создан"
expect_eq "the template's measures stored" \
	"$(sql "SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM measure WHERE plan_id = $PT")" 1
expect_ok "a school's plan" measures new --level school --school "$SCH" --from 2020-09-01 \
	--to 2021-08-31 --title "План школы"
expect_eq "the school's plan belongs to the school" \
	"$(sql "SELECT s.login FROM mplan p JOIN school s ON s.id = p.school_id WHERE p.id = $(last_plan)")" "$SCH"
expect_eq "an unknown level: usage error" \
	"$("$OKO" measures new --level city --from 01.09.2020 --to 31.08.2021 --title x 2>/dev/null; echo $?)" 2
expect_eq "a municipality's plan without --municipality: usage error" \
	"$("$OKO" measures new --level municipality --from 01.09.2020 --to 31.08.2021 --title x 2>/dev/null; echo $?)" 2
expect_fail "an unknown municipality" measures new --level municipality --municipality "Нигде" \
	--from 01.09.2020 --to 31.08.2021 --title x
expect_grep "an unknown municipality named" "$T/err" "муниципалитета «Нигде» нет"
expect_fail "a bad date" measures new --level region --from 31.02.2021 --to 31.08.2021 --title x
expect_grep "the period asked for" "$T/err" "--from ДАТА --to ДАТА"

# --- import: an order's appendix (CSV, UTF-8 and cp1251) --------------------------------
expect_ok "a region's plan for the school year" measures new --level region --from 01.09.2020 \
	--to 31.08.2021 --title "Муниципальный план помощи"
P1=$(last_plan)
before=$(db_digest)
expect_ok "a dry run" measures import --plan "$P1" "$DATA/measures.csv" --dry-run
expect_grep "a dry run says so" "$T/out" "ничего не сохранено"
expect_eq "a dry run stores nothing" "$(db_digest)" "$before"
expect_ok "the appendix imported" measures import --plan "$P1" "$DATA/measures.csv"
expect_grep "the summary counts measures and blocks" "$T/out" "мероприятий: 12 (со сроком-датой: 11), направлений: 3 (новых: 3)"
expect_eq "the blocks of the appendix" \
	"$(sql "SELECT title FROM mplan_block WHERE plan_id = $P1 ORDER BY pos" | tr '\n' '|')" \
	"Анализ результатов ВПР в 2019 – 2020 учебном году|Меры по повышению объективности оценивания образовательных результатов обучающихся|Мониторинг качества знаний обучающихся и объективности их оценивания педагогами|"
# «до 03 сентября 2019 года» as written; «до 23.08.2020»; «август 2020 года» → its last day;
# «март 2021 г.»; «январь 2021 года»; «в течение … года» → the period's end; «ноябрь –
# декабрь 2021 года» → the latest; «24.03.2021»; three months → the latest; «по мере
# необходимости» → none; «февраль» and «сентябрь» without a year → in the period.
expect_eq "due dates derived from the terms" "$(dues "$P1")" \
	"2019-09-03 2020-08-23 2020-08-31 2021-03-31 2021-01-31 2021-08-31 2021-12-31 2021-03-24 2021-12-31 - 2021-02-28 2020-09-30 "
expect_ok "the same file in cp1251" measures new --level region --from 01.09.2020 --to 31.08.2021 \
	--title "cp1251"
P2=$(last_plan)
iconv -f UTF-8 -t CP1251 "$DATA/measures.csv" >"$T/measures_1251.csv"
expect_ok "the cp1251 file imported" measures import --plan "$P2" "$T/measures_1251.csv"
expect_eq "cp1251 gives the same plan" "$(rows "$P2" | md5sum)" "$(rows "$P1" | md5sum)"
expect_ok "the same file once more: appended" import measures --plan "$P2" "$DATA/measures.csv"
expect_eq "appended to the blocks of the same titles" \
	"$(sql "SELECT count(*) FROM mplan_block WHERE plan_id = $P2"),$(sql "SELECT count(*) FROM measure WHERE plan_id = $P2")" "3,24"
expect_eq "a file without «Учёт специфики территории» imports with the specifics empty" \
	"$(sql "SELECT count(*) FROM measure WHERE plan_id IN ($P1, $P2) AND specifics <> ''")" 0

# --- import: «Учёт специфики территории», as an information note heads it ----------------
expect_ok "a plan with the territory's specifics" measures new --level region --from 01.09.2021 \
	--to 31.08.2022 --title "Специфика"
P5=$(last_plan)
cat >"$T/spec.csv" <<'CSV'
№ п/п,"Меры, мероприятия, управленческие решения",Учет специфики района при реализации мер/мероприятий,Сроки,Ответственный
1.,Нормативное обеспечение,,,
1.1,Издание приказа о проведении ВПР,Приказы департамента образования администрации города (1.1),до 01.03.2022,Департамент образования
1.2,Анализ результатов ВПР,"совещание руководителей образовательных организаций (протокол № 3 от 25 марта 2022 года),",апрель,Методисты
,,заседание городских и школьных методических объединений учителей,,
1.3,Семинар по критериям оценивания,,март,
CSV
expect_ok "the specifics column imported" measures import --plan "$P5" "$T/spec.csv"
expect_eq "the information note's header read as the specifics, not as the measure" \
	"$(sql "SELECT m.text || ' | ' || m.specifics || ' | ' || m.responsible FROM measure m JOIN mplan_block b ON b.id = m.block_id
		WHERE m.plan_id = $P5 ORDER BY b.pos, m.pos LIMIT 1")" \
	"Издание приказа о проведении ВПР | Приказы департамента образования администрации города (1.1) | Департамент образования"
expect_eq "the specifics continued across a page break" \
	"$(sql "SELECT specifics FROM measure WHERE plan_id = $P5 AND text = 'Анализ результатов ВПР'")" \
	"совещание руководителей образовательных организаций (протокол № 3 от 25 марта 2022 года), заседание городских и школьных методических объединений учителей"
expect_eq "a measure without specifics: empty" \
	"$(sql "SELECT count(*) FROM measure WHERE plan_id = $P5 AND text = 'Семинар по критериям оценивания' AND specifics = ''")" 1
expect_eq "one block, three measures" \
	"$(sql "SELECT count(*) FROM mplan_block WHERE plan_id = $P5"),$(sql "SELECT count(*) FROM measure WHERE plan_id = $P5")" "1,3"
{ echo "№ п/п,Мероприятие,Учёт специфики территории"; printf '1.1,Совещание,%s\n' "$(head -c 2100 /dev/zero | tr '\0' 'x')"; } >"$T/longspec.csv"
expect_fail "specifics too long" measures import --plan "$P5" "$T/longspec.csv"
expect_grep "… named by row and column" "$T/err" "строка 2, столбец 3 «Учёт специфики территории»"
expect_ok "the plan shown" measures show --plan "$P5"
expect_grep "… with a measure's specifics" "$T/out" "учёт специфики территории: Приказы департамента образования администрации города (1.1)"

# --- import: an order's plan as XLSX, numbered blocks, a row split across pages --------
if [ -x "$MKXLSX" ]; then
	"$MKXLSX" from-csv "$T/orders.xlsx" "Лист1" "$DATA/measures_orders.csv"
	expect_ok "a plan for the calendar year" measures new --level municipality \
		--municipality "$MUN" --from 01.01.2021 --to 31.12.2021 --title "План на 2021 год"
	P3=$(last_plan)
	expect_ok "the XLSX imported" measures import --plan "$P3" "$T/orders.xlsx"
	expect_eq "numbered blocks, their numbers dropped" \
		"$(sql "SELECT title FROM mplan_block WHERE plan_id = $P3 ORDER BY pos" | tr '\n' '|')" \
		"Мероприятия по формированию нормативно-правового обеспечения проведения ВПР|Контроль организации и проведения ВПР|"
	expect_eq "the row without a number continues the measure above" \
		"$(sql "SELECT text || ' / ' || term || ' / ' || responsible FROM measure WHERE plan_id = $P3 AND text LIKE 'Корректировка%'")" \
		"Корректировка рабочих программ по всем предметам ВПР / август - сентябрь / Школьный координатор ВПР, учителя-предметники"
	expect_grep "the continuation is told" "$T/err" "продолжает мероприятие строки 9"
	# «февраль» → 28.02; «в соответствии с графиком» → none; two dates → the later;
	# «август, май» → the later month; «август - сентябрь»; «март-декабрь»; «в течение
	# всего периода» → 31.12.2021.
	expect_eq "due dates of the calendar-year plan" "$(dues "$P3")" \
		"2021-02-28 - 2021-12-31 2021-08-31 2021-09-30 2021-12-31 2021-12-31 "
else
	skip "mkxlsx not built"
fi

# --- import: no blocks at all ----------------------------------------------------------
expect_ok "a plan without blocks" measures new --level region --from 01.09.2020 --to 31.08.2021 \
	--title "Без направлений"
P4=$(last_plan)
expect_ok "measures before any block" measures import --plan "$P4" "$DATA/measures_flat.csv"
expect_eq "go to a block «Мероприятия»" \
	"$(sql "SELECT b.title || ':' || count(*) FROM measure m JOIN mplan_block b ON b.id = m.block_id WHERE m.plan_id = $P4 GROUP BY b.id")" \
	"Мероприятия:2"
expect_eq "«ежемесячно» → the period's end" "$(dues "$P4")" "2020-10-15 2021-08-31 "

# --- bad files: refused with row and column, nothing stored -----------------------------
before=$(db_digest)
expect_fail "a bad file" measures import --plan "$P4" "$DATA/measures_bad.csv"
expect_grep "an empty measure named by row and column" "$T/err" \
	"строка 4, столбец 2 «Мероприятие», значение «»: не указано мероприятие"
expect_grep "an impossible date named by row and column" "$T/err" \
	"строка 5, столбец 4 «Выполнить до», значение «31.02.2021»"
expect_grep "nothing stored, said so" "$T/err" "план не изменён"
{ echo "№ п/п,Мероприятие,Срок"; printf '1.1,%s,март\n' "$(head -c 2100 /dev/zero | tr '\0' 'x')"; } >"$T/long.csv"
expect_fail "a measure too long" measures import --plan "$P4" "$T/long.csv"
expect_grep "too long named by row and column" "$T/err" "строка 2, столбец 2 «Мероприятие»"
expect_grep "too long explained" "$T/err" "длиннее 1999 байт"
printf 'Какая-то таблица,Столбец\n1,2\n' >"$T/nohead.csv"
expect_fail "a table that is not a plan" measures import --plan "$P4" "$T/nohead.csv"
expect_grep "the missing header explained" "$T/err" "нет строки заголовков таблицы плана"
printf '№ п/п,Мероприятие,Срок\n1.,Только направление,\n' >"$T/empty.csv"
expect_fail "a table without measures" measures import --plan "$P4" "$T/empty.csv"
expect_grep "no measures explained" "$T/err" "нет ни одного мероприятия"
expect_fail "an unknown plan" measures import --plan 999 "$DATA/measures.csv"
expect_grep "an unknown plan named" "$T/err" "плана мероприятий № 999 нет"
expect_eq "refused files stored nothing" "$(db_digest)" "$before"
expect_eq "import without --plan: usage error" \
	"$("$OKO" import measures "$DATA/measures.csv" 2>/dev/null; echo $?)" 2

# --- export, and the round trip ---------------------------------------------------------
expect_ok "export as XLSX" measures export --plan "$P1" --out "$T/p1.xlsx"
expect_ok "export as CSV" measures export --plan "$P1" --out "$T/p1.csv"
expect_eq "the CSV's columns" "$(head -1 "$T/p1.csv")" \
	"№ п/п,Мероприятие,Срок,Выполнить до,Ответственный,Ожидаемый результат,Учёт специфики территории,Статус,Отметка о выполнении"
expect_eq "a block row and a measure row" "$(sed -n '2p;3p' "$T/p1.csv" | cut -d, -f1-4 | tr '\n' '|')" \
	"1.,Анализ результатов ВПР в 2019 – 2020 учебном году,,|1.1,Проведение анализа результатов выполнения ВПР учащимися 4-6 классов по списку Рособнадзора,до 03 сентября 2019 года,03.09.2019|"
for kind in xlsx csv; do
	"$OKO" measures new --level region --from 01.09.2020 --to 31.08.2021 --title "Копия $kind" >/dev/null
	PC=$(last_plan)
	expect_ok "the $kind export imported into a new plan" measures import --plan "$PC" "$T/p1.$kind"
	expect_eq "round trip ($kind): the same blocks and measures" "$(rows "$PC" | md5sum)" "$(rows "$P1" | md5sum)"
done
expect_ok "export of the plan with specifics" measures export --plan "$P5" --out "$T/p5.csv"
expect_grep "the specifics exported in their column" "$T/p5.csv" \
	"1.1,Издание приказа о проведении ВПР,до 01.03.2022,01.03.2022,Департамент образования,,Приказы департамента образования администрации города (1.1),"
for kind in xlsx csv; do
	"$OKO" measures export --plan "$P5" --out "$T/p5x.$kind" >/dev/null
	"$OKO" measures new --level region --from 01.09.2021 --to 31.08.2022 --title "Копия специфики $kind" >/dev/null
	PC=$(last_plan)
	expect_ok "the $kind export with specifics imported into a new plan" measures import --plan "$PC" "$T/p5x.$kind"
	expect_eq "round trip ($kind): the specifics kept" "$(rows "$PC" | md5sum)" "$(rows "$P5" | md5sum)"
done
expect_eq "export to an unknown kind: usage error" \
	"$("$OKO" measures export --plan "$P1" --out "$T/p.txt" 2>/dev/null; echo $?)" 2

# --- addressed help ---------------------------------------------------------------------
# A municipality's plan helps the municipality's flagged schools only, also from the command
# line, which sees the whole region.
RUN=$(sql 'SELECT max(id) FROM analysis_run')
WANT=$(sql "SELECT x.school_id FROM (SELECT school_id FROM school_risk WHERE run_id = $RUN AND listed = 1
	    UNION SELECT school_id FROM sign_result WHERE run_id = $RUN AND kind = 'official') x
	    JOIN school s ON s.id = x.school_id
	    WHERE s.municipality_id = (SELECT municipality_id FROM mplan WHERE id = $PT)
	    ORDER BY 1" | tr '\n' ' ')
ALLFLAGGED=$(sql "SELECT count(*) FROM (SELECT school_id FROM school_risk WHERE run_id = $RUN AND listed = 1
	    UNION SELECT school_id FROM sign_result WHERE run_id = $RUN AND kind = 'official')")
NW=$(echo $WANT | wc -w)
expect_ok "addressed help from the latest run" measures help --plan "$PT" --kinds interview,control \
	--due 01.03.2021
expect_grep "the help counted" "$T/out" "школ с признаками необъективности: $NW"
[ "$NW" -gt 0 ] && [ "$NW" -lt "$ALLFLAGGED" ] && ok "… fewer than the region's $ALLFLAGGED" || fail "… $NW of $ALLFLAGGED"
expect_eq "one measure of each kind for exactly the flagged schools" \
	"$(sql "SELECT school_id FROM measure WHERE plan_id = $PT AND kind = 'interview' ORDER BY 1" | tr '\n' ' ')|$(sql "SELECT school_id FROM measure WHERE plan_id = $PT AND kind = 'control' ORDER BY 1" | tr '\n' ' ')" \
	"$WANT|$WANT"
if [ "$NW" -gt 0 ]; then ok "the run flags schools ($NW)"; else fail "the run flags no school"; fi
expect_eq "the help's due date and run" \
	"$(sql "SELECT DISTINCT due || ' ' || run_id FROM measure WHERE plan_id = $PT AND school_id IS NOT NULL")" "2021-03-01 $RUN"
expect_ok "the help again" measures help --plan "$PT" --run "$RUN" --kinds interview,control
expect_grep "nothing added twice" "$T/out" "добавлено мероприятий: 0; уже были в плане: $((2 * NW))"
expect_eq "an unknown kind: usage error" \
	"$("$OKO" measures help --plan "$PT" --kinds lunch 2>/dev/null; echo $?)" 2
expect_ok "export with addressed help" measures export --plan "$PT" --out "$T/pt.csv"
expect_eq "the school and cause columns" "$(head -1 "$T/pt.csv" | cut -d, -f10-)" "Школа,Основание"
expect_ok "outcome" measures outcome --plan "$PT"
expect_grep "outcome counts the helped schools" "$T/out" "Школ, которым оказана адресная помощь: $NW"

# --- a report with an evidence file -----------------------------------------------------
M=$(sql "SELECT min(id) FROM measure WHERE plan_id = $P4")
make_pdf 1 "$T/act.pdf"
expect_ok "a report with a PDF" measures report --measure "$M" --status done --note "Проведено" \
	--file "$T/act.pdf"
FID=$(sql "SELECT file_id FROM measure_note WHERE measure_id = $M")
expect_eq "the note and its file recorded" \
	"$(sql "SELECT status || ',' || note || ',' || file_name || ',' || file_type || ',' || file_size FROM measure_note WHERE measure_id = $M")" \
	"done,Проведено,act.pdf,pdf,$(stat -c %s "$T/act.pdf")"
if [ -n "$FID" ] && cmp -s "$(db_file).evidence/$FID" "$T/act.pdf"; then ok "the evidence stored by its id"
else fail "the evidence stored by its id ($FID)"; fi
expect_eq "the measure done" "$(sql "SELECT status FROM measure WHERE id = $M")" done
printf 'PK\003\004 xl/workbook.xml' >"$T/x.xlsx"
expect_ok "an XLSX is evidence too" measures report --measure "$M" --status done --file "$T/x.xlsx"
expect_eq "its type by its bytes" "$(sql "SELECT file_type FROM measure_note WHERE measure_id = $M ORDER BY id DESC LIMIT 1")" xlsx
before=$(db_digest)
echo "просто текст" >"$T/note.pdf"
expect_fail "a text file named .pdf" measures report --measure "$M" --status done --file "$T/note.pdf"
expect_grep "refused by its content" "$T/err" "не PDF, не JPEG, не PNG, не DOCX и не XLSX"
head -c $((20 * 1024 * 1024 + 1)) /dev/zero >"$T/big.pdf"
expect_fail "a file over 20 MB" measures report --measure "$M" --status done --file "$T/big.pdf"
expect_grep "too large explained" "$T/err" "больше 20 МБ"
expect_eq "refused reports stored nothing" "$(db_digest)" "$before"
expect_eq "an unknown status: usage error" \
	"$("$OKO" measures report --measure "$M" --status finished 2>/dev/null; echo $?)" 2
expect_fail "an unknown measure" measures report --measure 99999 --status done
expect_grep "an unknown measure named" "$T/err" "мероприятия № 99999 нет"
# Done on an earlier day: recorded with that day; a day still to come, or one before the
# plan's period (01.09.2020), is refused.
expect_fail "done before the plan's period" measures report --measure "$M" --status done --on 02.03.2020
expect_grep "… refused in Russian" "$T/err" "дата выполнения 02.03.2020 раньше начала периода плана (01.09.2020)"
expect_ok "done on an earlier day" measures report --measure "$M" --status done --on 02.03.2021
expect_eq "the day recorded" "$(sql "SELECT done_on FROM measure WHERE id = $M")" 2021-03-02
before=$(db_digest)
expect_fail "a day still to come" measures report --measure "$M" --status done --on "$(date -d tomorrow +%d.%m.%Y)"
expect_grep "… refused in Russian" "$T/err" "ещё не наступила"
expect_eq "… and nothing stored" "$(db_digest)" "$before"

# --- overdue and execution, as of a day (OKO_NOW) ---------------------------------------
# Plan P1's dues: 2019-09-03 2020-08-23 2020-08-31 2021-03-31 2021-01-31 2021-08-31
# 2021-12-31 2021-03-24 2021-12-31 - 2021-02-28 2020-09-30. On 01.03.2021 measure 1.4
# (due 31.03) is done on time, 1.1 (due 03.09.2019) done late, 3.2 (no due) cancelled:
# overdue are 1.2, 1.3, 2.1, 3.3, 3.4 (five); done on time 1 of 12 − 1 = 9,1 %.
export OKO_NOW=2021-03-01T09:00:00Z
id_of() { sql "SELECT m.id FROM measure m JOIN mplan_block b ON b.id = m.block_id WHERE m.plan_id = $P1 ORDER BY b.pos, m.pos LIMIT 1 OFFSET $(($1 - 1))"; }
"$OKO" measures report --measure "$(id_of 4)" --status done >/dev/null
"$OKO" measures report --measure "$(id_of 1)" --status done >/dev/null
"$OKO" measures report --measure "$(id_of 10)" --status cancelled --note "Не потребовалось" >/dev/null
expect_ok "show" measures show --plan "$P1"
expect_eq "five measures overdue" "$(grep -c 'ПРОСРОЧЕНО' "$T/out")" 5
expect_grep "the figures" "$T/out" "Мероприятий: 12, выполнено: 2 (в срок: 1), просрочено: 5, отменено: 1"
expect_grep "the share done on time" "$T/out" "Выполнено в срок: 9,1 %"
expect_ok "list" measures list
expect_grep "the list shows the plan's figures" "$T/out" "выполнено: 2, просрочено: 5, отменено: 1; выполнено в срок: 9,1 %"
expect_ok "export after the reports" measures export --plan "$P1" --out "$T/p1b.csv"
expect_grep "the status and the last note exported" "$T/p1b.csv" "отменено,Не потребовалось"
expect_grep "overdue marked in the export" "$T/p1b.csv" "\"запланировано, просрочено\""
unset OKO_NOW

# --- requisites -------------------------------------------------------------------------
expect_ok "requisites by default" measures requisites --municipality "$MUN"
expect_grep "defaults said so" "$T/out" "значения по умолчанию"
expect_ok "requisites set" measures requisites --municipality "$MUN" --org "КОМИТЕТ ПО ОБРАЗОВАНИЮ" \
	--place "г. Славгород" --head-position "Председатель Комитета" --head-name "О.С. Тараненко"
expect_eq "stored" "$(sql "SELECT org || '|' || place || '|' || head_name FROM requisite WHERE unit = 'municipality'")" \
	"КОМИТЕТ ПО ОБРАЗОВАНИЮ|г. Славгород|О.С. Тараненко"
expect_ok "the region's requisites" measures requisites
expect_grep "the region's shown" "$T/out" "Реквизиты региона"

# --- usage ------------------------------------------------------------------------------
expect_eq "no action: usage error" "$("$OKO" measures 2>/dev/null; echo $?)" 2
expect_eq "show without --plan: usage error" "$("$OKO" measures show 2>/dev/null; echo $?)" 2
expect_fail "an unknown plan" measures show --plan 999
expect_ok "help text" measures --help

echo "1..$_n"
