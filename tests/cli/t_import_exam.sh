#!/bin/bash
# ОГЭ, ГВЭ and ЕГЭ results: the canonical columns mark and test_score, the processing
# centre's (РЦОИ) per-participant protocol with its answer strings, the rules that judge
# them (whole file or nothing, every problem with row and column), export, and the
# official signs on ОГЭ procedures (mean_inflated, the region's index, the annual-mark
# comparison with the stated exam mark). Every expected figure is known by construction.
. "$(dirname "$0")/lib.sh"
MKXLSX=${BUILD:-}/tests/tools/mkxlsx

"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
# Two ОГЭ works of six positions (four short answers, two long), max 10, marks 3/4/5 from
# 3/5/8 points; an ЕГЭ work of three positions without a scale.
cat >"$T/procedures.csv" <<'CSV'
procedure,kind,year,subject,grade,max_score,positions,scale
OGE-2025-MA-9,OGE,2025,MA,9,10,1:1:Б 2:1:Б 3:1:Б 4:2:Б 5:2:П 6:3:В,3/5/8
OGE-2025-RU-9,OGE,2025,RU,9,10,1:1:Б 2:1:Б 3:1:Б 4:2:Б 5:2:П 6:3:В,3/5/8
EGE-2025-RU-11,EGE,2025,RU,11,5,1:1:Б 2:1:Б 3:3:П,
CSV
expect_ok "ОГЭ and ЕГЭ procedures described" import procedures "$T/procedures.csv"
res() { sql "SELECT r.code || ':' || coalesce(CAST(r.exam_mark AS TEXT), '-') || ':' || coalesce(CAST(r.test_score AS TEXT), '-') || ':' || coalesce(CAST(r.journal_mark AS TEXT), '-') || ':' || coalesce(CAST(r.primary_score AS TEXT), '-') || ':' || r.problems FROM result r JOIN procedure p ON p.id = r.procedure_id WHERE p.code = '$1' ORDER BY r.code" | tr '\n' ' '; }

# --- canonical CSV: mark and test_score between total and the positions
H="school,procedure,code,class,variant,gender,journal_mark,absent,total,mark,test_score,1,2,3,4,5,6"
cat >"$T/oge.csv" <<CSV
$H
sch220206,OGE-2025-MA-9,90001,9А,1,ж,4,0,6,4,,1,1,1,1,1,1
sch220206,OGE-2025-MA-9,90002,9А,1,м,5,0,6,3,,1,1,1,1,1,1
sch220206,OGE-2025-MA-9,90003,9А,1,м,3,0,2,4,,1,1,0,0,0,0
sch220206,OGE-2025-MA-9,90004,9А,,м,4,1,,,,,,,,,
CSV
expect_ok "canonical CSV with stated marks imports" import results "$T/oge.csv"
# 90001: 6 points, mark 4 by the scale and as stated; 90002: stated 3 below the scale's 4
# (ОГЭ conditions: kept, not noted); 90003: 2 points (mark 2) stated 4: above the scale,
# kept and marked (4096); 90004 absent.
expect_eq "marks stored as stated, one above the scale marked" "$(res OGE-2025-MA-9)" "90001:4:-:4:6:0 90002:3:-:5:6:0 90003:4:-:3:2:4096 90004:-:-:4:-:0 "
expect_grep "a mark above the scale is noted with row and column" "$T/err" "строка 4, столбец 10 «mark», значение «4»: по шкале процедуры «ОГЭ, математика, 9 класс, 2025» первичному баллу 2 соответствует отметка 2, а указана 4"
expect_grep "the rule in the summary" "$T/out" "отметка за экзамен не та, что по шкале процедуры (сохранена как указана): 1 — строка сохранена с отметкой"

H3="school,procedure,code,class,variant,gender,journal_mark,absent,total,mark,test_score,1,2,3"
cat >"$T/ege.csv" <<CSV
$H3
sch220206,EGE-2025-RU-11,110001,11А,1,ж,5,0,5,,100,1,1,3
sch220206,EGE-2025-RU-11,110002,11А,1,ж,4,0,0,,0,0,0,0
sch220206,EGE-2025-RU-11,110003,11А,1,м,4,0,3,,,1,1,1
CSV
expect_ok "canonical CSV with test scores imports" import results "$T/ege.csv"
expect_eq "test scores 100, 0 and none stored" "$(res EGE-2025-RU-11)" "110001:-:100:5:5:0 110002:-:0:4:0:0 110003:-:-:4:3:0 "

# Export writes the columns the procedure has, and reads back the same.
expect_ok "export of an ЕГЭ procedure" export results --procedure EGE-2025-RU-11 --out "$T/ege_out.csv"
expect_eq "export header has test_score, not mark" "$(head -1 "$T/ege_out.csv" | tr -d '\r')" "school,procedure,code,class,variant,gender,journal_mark,absent,total,test_score,1,2,3"
expect_ok "export of an ОГЭ procedure" export results --procedure OGE-2025-MA-9 --out "$T/oge_out.csv"
expect_eq "export header has mark" "$(head -1 "$T/oge_out.csv" | tr -d '\r')" "school,procedure,code,class,variant,gender,journal_mark,absent,total,mark,1,2,3,4,5,6"
before=$(res OGE-2025-MA-9)
expect_ok "the export imports back" import results "$T/oge_out.csv"
expect_eq "round trip keeps the marks" "$(res OGE-2025-MA-9)" "$before"
expect_ok "export of a procedure without them" export results --procedure OGE-2025-RU-9 --out "$T/none.csv"
expect_eq "no exam columns without exam data" "$(head -1 "$T/none.csv" | tr -d '\r')" "school,procedure,code,class,variant,gender,journal_mark,absent,total,1,2,3,4,5,6"

# --- out of range: the whole file refused, each problem with row and column
cat >"$T/bad.csv" <<CSV
$H
sch220207,OGE-2025-MA-9,90011,9А,1,ж,4,0,6,4,,1,1,1,1,1,1
sch220207,OGE-2025-MA-9,90012,9А,1,ж,4,0,6,6,,1,1,1,1,1,1
sch220207,OGE-2025-MA-9,90013,9А,1,ж,4,0,6,1,,1,1,1,1,1,1
sch220207,OGE-2025-MA-9,90014,9А,1,ж,4,0,6,хор,,1,1,1,1,1,1
sch220207,OGE-2025-MA-9,90015,9А,1,ж,4,0,6,,101,1,1,1,1,1,1
sch220207,OGE-2025-MA-9,90016,9А,1,ж,4,0,6,,-1,1,1,1,1,1,1
CSV
before=$(db_digest)
run_oko import results "$T/bad.csv"
expect_eq "a file with a mark or test score out of range fails" "$rc" 1
expect_eq "nothing stored after the refusal" "$(db_digest)" "$before"
expect_grep "mark 6" "$T/err" "bad.csv, строка 3, столбец 10 «mark», значение «6»: отметка за экзамен должна быть от 2 до 5"
expect_grep "mark 1" "$T/err" "строка 4, столбец 10 «mark», значение «1»: отметка за экзамен должна быть от 2 до 5"
expect_grep "mark in words" "$T/err" "строка 5, столбец 10 «mark», значение «хор»"
expect_grep "test score 101" "$T/err" "строка 6, столбец 11 «test_score», значение «101»: тестовый балл должен быть целым числом от 0 до 100"
expect_grep "test score -1" "$T/err" "строка 7, столбец 11 «test_score», значение «-1»"

# --- the РЦОИ protocol (XLSX): the procedure from «Предмет» and «Дата экзамена»
cat >"$T/rcoi.csv" <<'CSV'
АТЕ,Логин ОО,Класс,Код участника,Вариант,Предмет,Дата экзамена,Задания с кратким ответом,Задания с развёрнутым ответом,Первичный балл,Отметка,Годовая отметка
г. Барнаул,sch220207,9Б,91001,301,Математика,03.06.2025,++-+,2(2)1(3),7,4,4
г. Барнаул,sch220207,9Б,91002,302,Математика,03.06.2025,+-+-,X(2)0(3),2,2,3
г. Барнаул,sch220207,9Б,91003,301,Математика,03.06.2025,++++,2(2)3(3),10,5,5
г. Барнаул,sch220207,9Б,91004,301,Математика,03.06.2025,+,,1,,4
CSV
"$MKXLSX" from-csv "$T/rcoi.xlsx" "Протокол" "$T/rcoi.csv" || fail "mkxlsx"
expect_ok "the РЦОИ protocol imports" import results "$T/rcoi.xlsx"
expect_grep "its layout recognised" "$T/out" "макет: протокол РЦОИ (ОГЭ, ГВЭ, ЕГЭ)"
expect_grep "procedure from the subject and the date" "$T/out" "ОГЭ, математика, 9 класс, 2025 (OGE-2025-MA-9)"
scores() { sql "SELECT r.code || ':' || hex(r.scores) FROM result r JOIN school s ON s.id = r.school_id WHERE s.login = 'sch220207' ORDER BY r.code" | tr '\n' ' '; }
# «+» is the position's maximum (position 4 is worth 2), «-» none, X(2) not attempted (FF),
# a missing tail of the strings empty (FE) and noted.
expect_eq "answer strings stored as positions" "$(scores)" "91001:010100020201 91002:01000100FF00 91003:010101020203 91004:01FEFEFEFEFE "
expect_eq "marks, annual marks, scores" "$(sql "SELECT r.code || ':' || coalesce(CAST(r.exam_mark AS TEXT), '-') || ':' || r.journal_mark || ':' || r.primary_score || ':' || r.problems || ':' || r.variant FROM result r JOIN school s ON s.id = r.school_id WHERE s.login = 'sch220207' ORDER BY r.code" | tr '\n' ' ')" "91001:4:4:7:0:301 91002:2:3:2:0:302 91003:5:5:10:0:301 91004:-:4:1:8:301 "
expect_grep "short strings noted" "$T/err" "строка 5: у писавшего работу участника есть пустые позиции; они учтены как 0"

# --procedure names the procedure of a protocol without «Предмет»; ЕГЭ's «Тестовый балл».
cat >"$T/rcoi_ege.csv" <<'CSV'
Код ОО,Код участника,Задания с кратким ответом,Задания с развёрнутым ответом,Первичный балл,Тестовый балл
sch220206,111001,+-,2(3),3,61
sch220206,111002,++,3(3),5,100
CSV
"$MKXLSX" from-csv "$T/rcoi_ege.xlsx" "Лист1" "$T/rcoi_ege.csv" || fail "mkxlsx"
run_oko import results "$T/rcoi_ege.xlsx"
expect_eq "a protocol without subject or option is refused" "$rc" 1
expect_grep "asking for the option" "$T/err" "не указана процедура: выберите её в списке «Процедура» (в командной строке — параметр --procedure)"
expect_ok "with --procedure it imports" import results "$T/rcoi_ege.xlsx" --procedure EGE-2025-RU-11
expect_eq "ЕГЭ test scores from the protocol" "$(sql "SELECT r.code || ':' || r.test_score || ':' || hex(r.scores) FROM result r WHERE r.code LIKE '1110%' ORDER BY r.code" | tr '\n' ' ')" "111001:61:010002 111002:100:010103 "

# Refusals of the protocol: each with its row and column, nothing stored.
cat >"$T/rcoi_bad.csv" <<'CSV'
Логин ОО,Класс,Код участника,Вариант,Предмет,Дата экзамена,Задания с кратким ответом,Задания с развёрнутым ответом,Первичный балл,Отметка,Годовая отметка
sch220207,9Б,92001,301,Математика,03.06.2025,++a+,2(2)1(3),7,4,4
sch220207,9Б,92002,301,Математика,03.06.2025,++-+,2(3)1(3),7,4,4
sch220207,9Б,92003,301,Математика,03.06.2025,++-,2(2)1(3),6,4,4
sch220207,9Б,92004,301,Математика,03.06.2025,++-+,2(2)1[3],7,4,4
sch220207,9Б,92005,301,Математика,03.06.2025,++-+,2(2)1(3),7,7,4
sch220207,9Б,92006,301,Астрономия,03.06.2025,++-+,2(2)1(3),7,4,4
CSV
"$MKXLSX" from-csv "$T/rcoi_bad.xlsx" "Протокол" "$T/rcoi_bad.csv" || fail "mkxlsx"
before=$(db_digest)
run_oko import results "$T/rcoi_bad.xlsx"
expect_eq "a bad protocol fails" "$rc" 1
expect_eq "nothing stored after the refusal" "$(db_digest)" "$before"
expect_grep "unreadable short answers" "$T/err" "строка 2, столбец G «Задания с кратким ответом», значение «++a+»: строка кратких ответов не читается с 3-го символа"
expect_grep "a long answer's maximum not its position's" "$T/err" "строка 3, столбец H «Задания с развёрнутым ответом», значение «2(3)1(3)»: 1-е задание строки развёрнутых ответов стоит на позиции «5» процедуры «ОГЭ, математика, 9 класс, 2025» с максимумом 2, а в строке его максимум 3"
expect_grep "a short string one short shifts the long ones" "$T/err" "строка 4, столбец H «Задания с развёрнутым ответом», значение «2(2)1(3)»: 2-е задание строки развёрнутых ответов стоит на позиции «5» процедуры «ОГЭ, математика, 9 класс, 2025» с максимумом 2, а в строке его максимум 3"
expect_grep "unreadable long answers" "$T/err" "строка 5, столбец H «Задания с развёрнутым ответом», значение «2(2)1[3]»: строка развёрнутых ответов не читается с 5-го символа"
expect_eq "no scale note for rows already refused" "$(grep -c "по шкале процедуры" "$T/err")" 0
expect_grep "mark out of range" "$T/err" "строка 6, столбец J «Отметка», значение «7»: отметка за экзамен должна быть от 2 до 5"
expect_grep "unknown subject" "$T/err" "строка 7, столбец E «Предмет», значение «Астрономия»: предмет «Астрономия» не распознан"

# --- the official signs on ОГЭ: mean_inflated (signs 5–6) for RU and MA, the index, and
# the annual-mark comparison with the stated mark.
A=$(new_db analysis)
OKO_DB=$A "$OKO" init >/dev/null
OKO_DB=$A "$OKO" import procedures "$T/procedures.csv" >/dev/null
# Four schools of 20 works each per subject: sch000001 scores 9 and 10 (mean 9.5), the
# others 3, 4 and 5 (mean 4). Region: n 80, mean 5.375, sd 2.43, upper bound 5.91; the
# first school's lower bound 9.27 is above it, the others' (at most 4.5) are not.
{
	echo "$H"
	for s in 1 2 3 4; do
		for subj in MA RU; do
			for i in $(seq 1 20); do
				if [ $s = 1 ]; then v=$((9 + i % 2)); else v=$((3 + i % 3)); fi
				# positions 1..4 (max 5) then 5..6 (max 5) summing to v
				a=$((v > 5 ? 5 : v)); b=$((v - a))
				p1=$((a > 0 ? 1 : 0)); p2=$((a > 1 ? 1 : 0)); p3=$((a > 2 ? 1 : 0)); p4=$((a > 3 ? a - 3 : 0))
				p5=$((b > 2 ? 2 : b)); p6=$((b - p5))
				# sch000001 states mark 4 for every work while its scale mark is 5 (9 and 10
				# points, ОГЭ conditions) and gives annual mark 4: the comparison must count
				# them as confirmed (4 = 4), not as the scale's 5.
				if [ $s = 1 ]; then m=4; j=4; else m=; j=; fi
				echo "sch00000$s,OGE-2025-$subj-9,$((s * 1000 + i)),9А,1,ж,$j,0,$v,$m,,$p1,$p2,$p3,$p4,$p5,$p6"
			done
		done
	done
} >"$T/region.csv"
OKO_DB=$A run_oko import results "$T/region.csv" --region "Тестовый край"
expect_eq "the generated region imports" "$rc" 0
OKO_DB=$A run_oko analyze --out "$T/o"
expect_eq "analysis runs" "$rc" 0
expect_eq "mean_inflated flags sch000001 in ОГЭ MA and RU" "$(awk -F, '$3 == "mean_inflated" && $7 == "flag" {print $1 "/" $2}' "$T/o/signs.csv" | sort | tr '\n' ' ')" "sch000001/OGE-2025-MA-9 sch000001/OGE-2025-RU-9 "
expect_eq "the flags count as official" "$(awk -F, '$1 == "sch000001" {print $3}' "$T/o/schools.csv")" 2
expect_eq "the region's index: 100 - 1/4 of the schools" "$(awk -F, '$1 == "all" {printf "%.2f", $23}' "$T/o/region.csv")" "75.00"
expect_eq "each ОГЭ procedure's index" "$(awk -F, '$1 ~ /^OGE/ {printf "%s:%.2f ", $1, $23}' "$T/o/region.csv")" "OGE-2025-MA-9:75.00 OGE-2025-RU-9:75.00 "
# journal_gap's detail: 20 works with annual mark 4 and stated mark 4 are «same».
expect_eq "annual vs stated mark: all confirmed" "$(awk -F, '$1 == "sch000001" && $3 == "journal_gap" && $2 == "OGE-2025-MA-9" {print $6 ":" $10}' "$T/o/signs.csv")" "20:below=0;same=20;above=0;gap=0"
