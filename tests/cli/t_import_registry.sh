#!/bin/bash
# Import of schools and procedures: good files, bad files with exact messages, atomicity.
. "$(dirname "$0")/lib.sh"

"$OKO" init >/dev/null
expect_ok "schools.csv imports" import schools "$DATA/schools.csv"
expect_grep "summary counts schools" "$T/out" "Загружено школ: 4 (новых 4, обновлено 0)"
expect_eq "4 schools stored" "$(sql 'SELECT count(*) FROM school')" 4
expect_eq "quoted name kept" "$(sql "SELECT name FROM school WHERE login='sch220206'")" 'МБОУ "СОШ № 1"'
expect_eq "lyceum with in-depth study" "$(sql "SELECT kind||','||settlement||','||indepth FROM school WHERE login='sch220207'")" "лицей,город,1"
expect_eq "municipalities created" "$(sql 'SELECT count(*) FROM municipality')" 2
expect_eq "one region" "$(sql 'SELECT name FROM region')" "Алтайский край"
expect_ok "re-import is idempotent" import schools "$DATA/schools.csv"
expect_grep "second import updates" "$T/out" "(новых 0, обновлено 4)"
expect_eq "still 4 schools" "$(sql 'SELECT count(*) FROM school')" 4

expect_ok "cp1251 with ';' imports" import schools "$DATA/schools_cp1251.csv"
expect_eq "cp1251 name decoded" "$(sql "SELECT name FROM school WHERE login='sch240001'")" "МБОУ «Гимназия № 5»"
expect_eq "cp1251 kind" "$(sql "SELECT kind FROM school WHERE login='sch240001'")" "гимназия"

before=$(db_digest)
run_oko import schools "$DATA/schools_bad.csv"
expect_eq "bad schools file fails" "$rc" 1
expect_eq "nothing stored after a failed import" "$(db_digest)" "$before"
expect_grep "exact message for a bad kind" "$T/err" \
  "ошибка: schools_bad.csv, строка 3, столбец 5 «kind», значение «университет»: неизвестный тип школы; допустимы: СОШ, ООШ, НОШ, лицей, гимназия, филиал, другое"
expect_grep "bad login reported" "$T/err" "строка 4, столбец 1 «login», значение «sch 230003»"
expect_grep "bad settlement reported" "$T/err" "значение «деревня»: местность должна быть «город» или «село»"
expect_grep "bad indepth reported" "$T/err" "значение «2»: признак углублённого изучения должен быть 0 или 1"
expect_grep "duplicate login reported" "$T/err" "строка 5, столбец 1 «login», значение «sch230001»: школа с этим логином уже встречалась"
expect_grep "all errors counted" "$T/err" "ошибок: 5"
expect_grep "user told nothing changed" "$T/err" "данные в базе не изменены"

run_oko import schools "$DATA/schools_bad.csv" --report "$T/report.csv"
expect_grep "report CSV has a header" "$T/report.csv" "severity,file,sheet,row,column,value,code,message"
expect_grep "report CSV has the kind error" "$T/report.csv" "error,schools_bad.csv,,3,5 «kind»,университет,kind,"

run_oko import schools "$DATA/empty.csv"
expect_eq "empty file fails" "$rc" 1
expect_grep "empty file explained" "$T/err" "файл пуст"
run_oko import schools "$DATA/binary.csv"
expect_eq "binary file fails" "$rc" 1
expect_grep "binary file explained" "$T/err" "двоичные данные"
expect_eq "still unchanged" "$(db_digest)" "$before"
printf 'login,name\nsch1,x\n' > "$T/missing.csv"
run_oko import schools "$T/missing.csv"
expect_grep "missing columns named" "$T/err" "нет обязательного столбца «municipality»"

expect_ok "dry run of a good file" import schools "$DATA/schools.csv" --dry-run
expect_grep "dry run says checked" "$T/out" "Проверено школ: 4"

expect_ok "procedures.csv imports" import procedures "$DATA/procedures.csv"
expect_eq "2 procedures" "$(sql 'SELECT count(*) FROM procedure')" 2
expect_eq "RU-4 has 20 positions" "$(sql "SELECT count(*) FROM position p JOIN procedure r ON r.id=p.procedure_id WHERE r.code='VPR-2021-RU-4'")" 20
expect_eq "RU-4 scale" "$(sql "SELECT scale3||'/'||scale4||'/'||scale5||' '||max_score FROM procedure WHERE code='VPR-2021-RU-4'")" "14/24/33 38"
expect_eq "levels stored" "$(sql "SELECT group_concat(level,'') FROM (SELECT level FROM position p JOIN procedure r ON r.id=p.procedure_id WHERE r.code='VPR-2021-MA-4' ORDER BY idx)")" "ББББББББББББПБП"
before=$(db_digest)
run_oko import procedures "$DATA/procedures_bad.csv"
expect_eq "bad procedures file fails" "$rc" 1
expect_eq "no procedure stored from the bad file" "$(db_digest)" "$before"
expect_grep "grade mismatch" "$T/err" "значение не совпадает с кодом процедуры VPR-2021-MA-6 (там 6)"
expect_grep "max mismatch" "$T/err" "максимальный балл не равен сумме максимумов позиций (20)"
expect_grep "unknown subject" "$T/err" "неизвестный предмет «XX»"
expect_grep "duplicate position" "$T/err" "позиция «1» указана дважды"

# --- addresses: stored from the column, kept by a file without it
printf 'login,name,municipality,region,kind,settlement,indepth,address\nsch220206,Школа с адресом,г. Барнаул,Алтайский край,СОШ,город,0,"г. Барнаул, ул. Школьная, д. 5"\n' >"$T/addr.csv"
expect_ok "schools with an address" import schools "$T/addr.csv"
expect_eq "the address stored" "$(sql "SELECT address FROM school WHERE login = 'sch220206'")" "г. Барнаул, ул. Школьная, д. 5"
printf 'login,name,municipality,region,kind\nsch220206,Школа с адресом,г. Барнаул,Алтайский край,СОШ\n' >"$T/noaddr.csv"
expect_ok "schools without the address column" import schools "$T/noaddr.csv"
expect_eq "the address kept" "$(sql "SELECT address FROM school WHERE login = 'sch220206'")" "г. Барнаул, ул. Школьная, д. 5"
printf 'login,name,municipality,region,address\nsch220206,Школа,г. Барнаул,Алтайский край,%s\n' "$(head -c 400 /dev/zero | tr '\0' x)" >"$T/longaddr.csv"
expect_fail "an address of 400 bytes refused" import schools "$T/longaddr.csv"
expect_grep "the long address named" "$T/err" "адрес длиннее 300 байт"
echo "1..$_n"
