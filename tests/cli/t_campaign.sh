#!/bin/bash
# A whole campaign in order on one database, as a region and a school live it: plan-graph
# → pupils and codes → code protocol (PDF) → results form → filled form uploaded →
# upload monitoring. Each step has its own detailed tests (t_plan, t_pupils, t_forms); this
# one checks that they fit together.
. "$(dirname "$0")/lib.sh"
MKXLSX=${BUILD:-}/tests/tools/mkxlsx
P=VPR-2021-MA-4
C="ВПР весна 2021"

"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
"$OKO" import procedures "$DATA/procedures.csv" >/dev/null

# 1. The region's plan-graph; two schools take part; one fixes its date.
printf 'campaign,procedure,materials_from,window_from,window_to,criteria_from,form_from,upload_deadline\n%s,%s,2021-03-10,2021-03-15,2021-05-21,2021-03-15,2021-03-15,2021-05-25\n' "$C" "$P" >"$T/plan.csv"
expect_ok "1. plan-graph imported" import plan "$T/plan.csv"
expect_ok "1. school A assigned" plan assign --campaign "$C" --procedure $P --school sch220206
expect_ok "1. school B assigned" plan assign --campaign "$C" --procedure $P --school sch220207
expect_ok "1. school A fixes its date" plan date --school sch220206 --procedure $P --date 2021-04-14 --time 10:00
expect_ok "1. plan-graph printed" plan print --campaign "$C" --out "$T/plan.pdf"
pdftotext "$T/plan.pdf" "$T/plan.txt"
# The procedure in words ($P is «ВПР, математика, 4 класс, 2021»), its lines joined.
expect_eq "1. the document lists the procedure" "$(tr '\n' ' ' <"$T/plan.txt" | sed 's/  */ /g' | grep -c 'ВПР, математика, 4 класс, 2021')" 1

# 2. School A's pupils and their codes.
printf 'Класс;Фамилия;Имя;Отчество\n4А;Кампаниева;Ольга;Петровна\n4А;Тестов;Игорь;\n4А;Пустов;Павел;Ильич\n' >"$T/list.csv"
expect_ok "2. class list imported" pupils import "$T/list.csv" --school sch220206 --year 2021
expect_ok "2. codes issued" codes issue --school sch220206 --year 2021
"$OKO" pupils list --school sch220206 --year 2021 >"$T/pupils.csv" 2>/dev/null
mapfile -t codes < <(tail -n +2 "$T/pupils.csv" | sort -t, -k3 | cut -d, -f2)
expect_eq "2. three codes" "${#codes[@]}" 3

# 3. The code protocol stays in the school: codes and names on paper.
expect_ok "3. protocol printed" print protocol --school sch220206 --year 2021 --out "$T/protocol.pdf"
pdftotext "$T/protocol.pdf" "$T/protocol.txt"
expect_grep "3. protocol has a name" "$T/protocol.txt" "Кампаниева Ольга Петровна"
expect_grep "3. protocol has its code" "$T/protocol.txt" "${codes[0]}"

# 4. The results form leaves the school with codes only.
expect_ok "4. results form generated" form --school sch220206 --procedure $P --out "$T/form.xlsx"
unzip -p "$T/form.xlsx" 'xl/*' >"$T/form.xml" 2>/dev/null
grep -q "Кампаниева" "$T/form.xml" && fail "4. the form carries no names" || ok "4. the form carries no names"
grep -q "${codes[1]}" "$T/form.xml" && ok "4. the form carries the codes" || fail "4. the form carries the codes"

# 5. The school fills it: one pupil wrote, one was absent, one row left untouched.
labels=$(sql "SELECT group_concat(label || ' (' || max || 'б)', ',') FROM (SELECT label, max FROM position WHERE procedure_id = (SELECT id FROM procedure WHERE code = '$P') ORDER BY idx)")
n=$(echo "$labels" | tr ',' '\n' | wc -l)
{ echo 'Пользователь,Код региона,Регион,Муниципалитет,Школа,Дата загрузки,Буква (цифра) класса,Основной учебник по предмету'
  echo 'sch220206,,,,,14.04.2021 12:00:00,А,ma4.0 | VPR-2021-MA-4 | учебник не указан'; } >"$T/cls.csv"
{ echo "Пользователь,Код региона,Регион,Муниципалитет,Школа,Дата загрузки,Код,Вариант,$labels,Наименование класса,Пол,Отметка за предыдущий триместр/ четверть/полугодие,Итого баллов"
  printf 'sch220206,,,,,14.04.2021 12:00:00,%s,1' "${codes[0]}"; for _ in $(seq "$n"); do printf ',1'; done; printf ',4А,ж,4,%s\n' "$n"
  printf 'sch220206,,,,,14.04.2021 12:00:00,%s,отсутствовал' "${codes[1]}"; for _ in $(seq "$n"); do printf ','; done; printf ',4А,,,0\n'
  printf 'sch220206,,,,,14.04.2021 12:00:00,%s,' "${codes[2]}"; for _ in $(seq "$n"); do printf ','; done; printf ',4А,,,\n'; } >"$T/prot.csv"
"$MKXLSX" from-csv "$T/filled.xlsx" Классы "$T/cls.csv" Протокол "$T/prot.csv"
expect_ok "5. filled form uploaded, procedure told by the form" import results "$T/filled.xlsx"
expect_grep "5. one wrote, one absent" "$T/out" "писали работу: 1, отсутствовали: 1"
expect_grep "5. the untouched row skipped" "$T/out" "пропущено строк только с кодом участника, без результата и без отметки об отсутствии: 1"
expect_eq "5. the work is stored by code" "$(sql "SELECT primary_score FROM result WHERE code = '${codes[0]}'")" "$n"
sql "UPDATE upload SET created_at = '2021-05-20T10:00:00Z'"

# 6. Monitoring after the deadline: school A on time, school B overdue.
OKO_NOW=2021-05-26T00:00:01Z run_oko monitoring --procedure $P
cp "$T/out" "$T/monitoring.csv"
expect_grep "6. school A on time" "$T/monitoring.csv" "sch220206,"
grep "^sch220206," "$T/monitoring.csv" | grep -q ",ontime," && ok "6. school A's status is on time" || fail "6. school A's status is on time"
grep "^sch220207," "$T/monitoring.csv" | grep -q ",overdue" && ok "6. school B is overdue" || fail "6. school B is overdue"
grep -q "Кампаниева" "$T/monitoring.csv" && fail "6. monitoring shows no names" || ok "6. monitoring shows no names"
echo "1..$_n"
