#!/bin/bash
# Medalists (docs/medalists.md): medalists.csv and the thresholds imported whole or not at
# all with Russian problems by row and column; the non-confirmation index against figures
# known by construction (the same as tests/unit/test_stats_medal.c):
#   sch1: 4 medalists, Russian 60..63 (< 70)          → 4 not confirmed
#   sch2: 11 medalists, Russian 80/90, maths 75 / base 5 → 0
#   sch3: 5 medalists with physics 72: Russian 69 for two → 2; one of II degree (60 is enough)
#   sch4: one without any ЕГЭ result (нет результата), one with the pre-2024 «медаль»
#         (no 2025 threshold: без порогов)
# region: 20 checked, 6 not confirmed, rate 0,3; sch1 p = 0,3^4 = 0,0081, q = 0,0243.
. "$(dirname "$0")/lib.sh"

D=$T/data
mkdir -p "$D"
cat >"$D/schools.csv" <<'CSV'
login,name,municipality,region,kind
sch1,Школа один,Город А,Тестовый регион,СОШ
sch2,Школа два,Город А,Тестовый регион,СОШ
sch3,Школа три,Район Б,Тестовый регион,СОШ
sch4,Школа четыре,Район Б,Тестовый регион,СОШ
CSV
cat >"$D/procedures.csv" <<'CSV'
procedure,kind,year,subject,grade,max_score,positions
EGE-2025-RU-11,EGE,2025,RU,11,50,1:50
EGE-2025-MA-11,EGE,2025,MA,11,32,1:32
EGE-2025-MB-11,EGE,2025,MB,11,21,1:21
EGE-2025-FI-11,EGE,2025,FI,11,45,1:45
CSV
python3 - "$D" <<'PY'
import sys
d = sys.argv[1]
med = ["school,year,code,medal"]
res = {"RU": [], "MA": [], "MB": [], "FI": []}
def add(s, code, medal, results):
    med.append(f"{s},2025,{code},{medal}")
    for subj, ts, mk in results:
        res[subj].append(f"{s},EGE-2025-{subj}-11,{code},11А,0,10,10,{mk},{ts}")
for i in range(4):
    add("sch1", f"1{i:03d}", "1", [("RU", 60 + i, 4), ("MA", 80, 5)])
for i in range(11):
    add("sch2", f"2{i:03d}", "1", [("RU", 80, 5), ("MA", 75, 5)] if i % 2 else [("RU", 90, 5), ("MB", "", 5)])
for i in range(5):
    add("sch3", f"3{i:03d}", "2" if i == 4 else "1", [("RU", 69 if i < 2 else 70, 4), ("FI", 72, 5)])
add("sch4", "4000", "1", [])
add("sch4", "4001", "медаль", [("RU", 95, 5)])
open(f"{d}/medalists.csv", "w").write("\n".join(med) + "\n")
for subj, rows in res.items():
    open(f"{d}/res_{subj}.csv", "w").write("school,procedure,code,class,absent,total,1,mark,test_score\n" + "\n".join(rows) + "\n")
PY

expect_ok "init" init
expect_ok "schools" import schools "$D/schools.csv"
expect_ok "ЕГЭ procedures, base mathematics MB among them" import procedures "$D/procedures.csv"
for s in RU MA MB FI; do expect_ok "ЕГЭ results $s" import results "$D/res_$s.csv"; done

# --- bad files: refused whole, problems in Russian with row and column, nothing stored ---
cat >"$D/bad.csv" <<'CSV'
school,year,code,medal
sch1,2025,1000,1
nosuch,2025,1001,1
sch1,1999,1002,1
sch1,2025,,1
sch1,2025,1003,золото
sch1,2025,1000,1
CSV
before=$(db_digest)
run_oko import medalists "$D/bad.csv"
expect_eq "a bad list is refused" "$rc" 1
expect_grep "unknown school, row and column" "$T/err" "строка 3, столбец 1 «school», значение «nosuch»: школы с этим логином нет в реестре школ"
expect_grep "a year out of range" "$T/err" "строка 4, столбец 2 «year»"
expect_grep "a missing code" "$T/err" "строка 5, столбец 3 «code», значение «»: не указан код участника"
expect_grep "an unknown medal" "$T/err" "строка 6, столбец 4 «medal», значение «золото»"
expect_grep "a repeated medalist" "$T/err" "строка 7, столбец 3 «code», значение «1000»: этот участник этой школы и года уже есть в файле выше (строка 2)"
expect_eq "nothing stored after a refusal" "$(db_digest)" "$before"
printf 'school,year,medal\nsch1,2025,1\n' >"$D/nocode.csv"
run_oko medalists import "$D/nocode.csv"
expect_grep "a missing column named" "$T/err" "нет обязательного столбца «code»"

# --- the good list ---
expect_ok "the list imported" import medalists "$D/medalists.csv"
expect_grep "the summary" "$T/out" "медалистов: 22 (списков школ: 4)"
expect_eq "stored by code, no names" "$(sql "SELECT count(*) FROM medalist WHERE year = 2025")" 22
expect_ok "imported again replaces" medalists import "$D/medalists.csv"
expect_grep "replaced, not doubled" "$T/out" "заменено прежних записей: 22"
expect_eq "still 22" "$(sql "SELECT count(*) FROM medalist")" 22

# --- the index ---
expect_ok "the index" medalists index
expect_grep "the region's figures" "$T/out" "медалистов 22, проверено 20, не подтвердили 6, нет результата 1, без порогов 1, доля 30,0%; школ со значимо большей долей: 1"
expect_grep "sch1: all four below, p = 0,0081, q = 0,0243, significant" "$T/out" "$(printf 'sch1\tГород А\t4\t4\t0\t100,0\t0,0081\t0,0243\tда')"
expect_grep "sch2: none below, p = 1" "$T/out" "$(printf 'sch2\tГород А\t11\t0\t0\t0,0\t1,0000\t1,0000\tнет')"
expect_grep "sch3: two below, p = 0,47178, q = 0,70767" "$T/out" "$(printf 'sch3\tРайон Б\t5\t2\t0\t40,0\t0,4718\t0,7077\tнет')"
expect_grep "sch4: no result and no rule, no share" "$T/out" "$(printf 'sch4\tРайон Б\t2\t0\t1\t—\t—\t—\tнет')"

# --- years pooled: a second year, 2024 (the degrees' thresholds: Russian 70 and one other
# subject 70): sch1 2 medalists, both confirm; sch2 2, one with Russian 60 → the region's
# 2024 rate 1/4 = 0,25. Pooled 2024–2025 against each year's rate:
#   sch1 k = 4 of 2 + 4: P(Bin(2; 0,25) + Bin(4; 0,3) >= 4) = 0,0577125, expected share
#        (2·0,25 + 4·0,3)/6 = 28,3 %;
#   sch2 k = 1 of 2 + 11: 1 − 0,75²·0,7¹¹ = 0,98888;
#   sch3 2 of 5 in 2025 only: 0,47178 as before; BH over 3: q = 0,1731, 0,7077, 0,9889
#   — sch1 is no longer significant once its confirmed 2024 medalists count.
cat >"$D/proc24.csv" <<'CSV'
procedure,kind,year,subject,grade,max_score,positions
EGE-2024-RU-11,EGE,2024,RU,11,50,1:50
EGE-2024-MA-11,EGE,2024,MA,11,32,1:32
CSV
printf 'school,year,code,medal\nsch1,2024,1100,1\nsch1,2024,1101,1\nsch2,2024,2100,1\nsch2,2024,2101,1\n' >"$D/med24.csv"
printf 'school,procedure,code,class,absent,total,1,mark,test_score\nsch1,EGE-2024-RU-11,1100,11А,0,10,10,5,80\nsch1,EGE-2024-RU-11,1101,11А,0,10,10,5,80\nsch2,EGE-2024-RU-11,2100,11А,0,10,10,4,60\nsch2,EGE-2024-RU-11,2101,11А,0,10,10,5,80\n' >"$D/res24ru.csv"
printf 'school,procedure,code,class,absent,total,1,mark,test_score\nsch1,EGE-2024-MA-11,1100,11А,0,10,10,5,80\nsch1,EGE-2024-MA-11,1101,11А,0,10,10,5,80\nsch2,EGE-2024-MA-11,2100,11А,0,10,10,5,80\nsch2,EGE-2024-MA-11,2101,11А,0,10,10,5,80\n' >"$D/res24ma.csv"
expect_ok "2024 procedures" import procedures "$D/proc24.csv"
expect_ok "2024 Russian" import results "$D/res24ru.csv"
expect_ok "2024 mathematics" import results "$D/res24ma.csv"
expect_ok "2024 medalists" import medalists "$D/med24.csv"
expect_ok "2024 alone" medalists index --year 2024
expect_grep "2024: one of four" "$T/out" "медалистов 4, проверено 4, не подтвердили 1, нет результата 0, без порогов 0, доля 25,0%"
expect_ok "2025 unchanged by another year" medalists index --year 2025
expect_grep "sch1 in 2025 alone still significant" "$T/out" "$(printf 'sch1\tГород А\t4\t4\t0\t100,0\t0,0081\t0,0243\tда')"
expect_ok "the years pooled" medalists index --years 2024-2025
expect_grep "the span said" "$T/out" "медалисты 2024–2025 годов (годы сложены: 2): школ 4"
expect_grep "the region's sums" "$T/out" "медалистов 26, проверено 24, не подтвердили 7, нет результата 1, без порогов 1, доля 29,2%; школ со значимо большей долей: 0"
expect_grep "sch1 pooled: p = 0,0577, q = 0,1731, not significant" "$T/out" "$(printf 'sch1\tГород А\t6\t4\t0\t66,7\t0,0577\t0,1731\tнет')"
expect_grep "sch2 pooled: p = 0,9889" "$T/out" "$(printf 'sch2\tГород А\t13\t1\t0\t7,7\t0,9889\t0,9889\tнет')"
expect_grep "sch3 (2025 only): as in 2025" "$T/out" "$(printf 'sch3\tРайон Б\t5\t2\t0\t40,0\t0,4718\t0,7077\tнет')"
expect_ok "--pooled: the last three years, from the first with medalists" medalists index --pooled
expect_grep "--pooled spans 2024–2025, the years with medalists" "$T/out" "медалисты 2024–2025 годов (годы сложены: 2)"
run_oko medalists index --years 2025-2024
expect_eq "a reversed span is refused" "$rc" 2
expect_grep "in Russian" "$T/err" "годы — «ГОД-ГОД»"
# the table as a PDF: its text holds the title and the same figures
if command -v pdftotext >/dev/null; then
	expect_ok "the PDF" medalists index --years 2024-2025 --out "$T/m.pdf"
	pdftotext -layout "$T/m.pdf" - | sed 's/\xc2\xad//g; s/\xe2\x80\x89/ /g; s/\xc2\xa0/ /g' >"$T/m.txt"
	expect_grep "the Russian title" "$T/m.txt" "Подтверждение медалей результатами ЕГЭ, 2024–2025 годы"
	# each school's figures as the table's row, spaces squeezed
	tr -s ' ' <"$T/m.txt" >"$T/m1.txt"
	expect_grep "sch1's row" "$T/m1.txt" "Школа один (Город 6 6 4 0 66,7 0,0577 0,1731 нет"
	expect_grep "sch2's row" "$T/m1.txt" "Школа два (Город 13 13 1 0 7,7 0,9889 0,9889 нет"
	expect_grep "sch4's row: nothing checked" "$T/m1.txt" "Школа четыре 2 0 0 1 — — — —"
	expect_grep "the region's sums in words" "$T/m.txt" "медалистов — 26"
	if grep -q '[0-9]\.[0-9]' "$T/m.txt"; then fail "a decimal point in the PDF"; else ok "decimal commas in the PDF"; fi
else
	skip "pdftotext is not installed: the PDF"
fi

# --- thresholds: defaults shown, a region's file replaces the year's ---
expect_ok "thresholds shown" medalists thresholds --year 2025
expect_grep "defaults of 2024 apply to 2025" "$T/out" "пороги 2025 года (по умолчанию oko)"
expect_grep "Russian 70 for the I degree" "$T/out" "медаль I степени: русский язык — не менее 70 баллов"
cat >"$D/thr_bad.csv" <<'CSV'
year,medal,subject,min_score,min_mark,source
2025,1,RU,70,5,оба
2025,1,XX,70,,нет предмета
2025,1,*,,5,отметка
CSV
before=$(db_digest)
run_oko medalists thresholds "$D/thr_bad.csv"
expect_eq "bad thresholds refused" "$rc" 1
expect_grep "both a score and a mark" "$T/err" "строка 2, столбец 5 «min_mark», значение «5»: укажите либо минимальный балл, либо минимальную отметку, не оба"
expect_grep "an unknown subject" "$T/err" "строка 3, столбец 3 «subject», значение «XX»"
expect_grep "a mark for any subject" "$T/err" "строка 4, столбец 5 «min_mark»"
expect_eq "nothing stored" "$(db_digest)" "$before"
cat >"$D/thr.csv" <<'CSV'
year,medal,subject,min_score,min_mark,source
2025,1,RU,60,,решение региона
2025,2,RU,60,,решение региона
2025,1,*,60,,решение региона
2025,2,*,60,,решение региона
CSV
expect_ok "the region's thresholds" medalists thresholds "$D/thr.csv"
expect_ok "shown as the region's" medalists thresholds --year 2025
expect_grep "the region's" "$T/out" "пороги 2025 года (заданы регионом)"
expect_ok "the index with Russian 60" medalists index --year 2025
expect_grep "nobody below 60 now" "$T/out" "не подтвердили 0"
expect_grep "the base-mathematics medalists now have no accepted alternative" "$T/out" "$(printf 'sch2\tГород А\t11\t0\t6')"

echo "1..$_n"
