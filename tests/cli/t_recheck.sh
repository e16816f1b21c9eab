#!/bin/bash
# Re-checking from the command line, end to end (docs/recheck.md):
# - on a generated region after `oko analyze`: sampling reproducible from the seed, every row
#   with its reason, --rule random --share drawing the right number of schools, boundary
#   works at b−1..b+1 of the procedure's scale;
# - on a hand-made case (tests/data/rechecks_results.csv: school sch220206 with three works
#   of 13 points, sch220207 with 13 and 8, edu223017 with two of 10): the experts' registry,
#   the assignment (never a work of the expert's own school), checks from paper with a
#   significant discrepancy sending a work to check 3, the four report files with figures
#   computed by hand, control checks kept out of the schools' figures, and bad input refused
#   in Russian by row and column with nothing stored.
. "$(dirname "$0")/lib.sh"

P=VPR-2021-MA-4
MAIN_DB=$OKO_DB

# --- a generated region: sampling -------------------------------------------------------
G=$T/gen
"$OKO" gen --out "$G" --schools 40 --municipalities 3 --years 2021 --subjects MA --grades 4 \
	--seed 5 --quiet
OKO_DB=$(new_db region) && export OKO_DB
"$OKO" init >/dev/null
"$OKO" import schools "$G/schools.csv" >/dev/null
"$OKO" import procedures "$G/procedures.csv" >/dev/null
"$OKO" import results "$G/results.csv" >/dev/null
"$OKO" analyze --out "$T/an" >/dev/null 2>&1
expect_ok "a dry-run sample" recheck sample --procedure $P --rule risk,boundary,random --share 0.2 \
	--seed 7 --out "$T/s1.csv" --dry-run
expect_grep "the summary names the rules in Russian" "$T/err" "балл у границы отметки"
expect_ok "the same seed again" recheck sample --procedure $P --rule risk,boundary,random --share 0.2 \
	--seed 7 --out "$T/s2.csv" --dry-run
expect_ok "another seed" recheck sample --procedure $P --rule risk,boundary,random --share 0.2 \
	--seed 8 --out "$T/s3.csv" --dry-run
expect_eq "the sample's columns" "$(head -1 "$T/s1.csv")" "school,procedure,code,reason"
if [ "$(wc -l <"$T/s1.csv")" -gt 10 ] && cmp -s "$T/s1.csv" "$T/s2.csv"; then
	ok "the same seed gives the same sample"
else fail "the same seed gives the same sample"; fi
if cmp -s <(grep ',random$' "$T/s1.csv") <(grep ',random$' "$T/s3.csv"); then
	fail "another seed draws another random part"
else ok "another seed draws another random part"; fi
expect_eq "every row has a known reason" \
	"$(tail -n +2 "$T/s1.csv" | awk -F, '$4 !~ /^(risk|official|boundary|random|medal)$/' | wc -l)" 0
expect_eq "a dry run stores no round" "$(sql 'SELECT count(*) FROM recheck_round')" 0

# Boundary works: their primary score is b-1, b or b+1 of the scale 6/10/14.
awk -F, 'NR == FNR { if ($4 == "boundary") b[$1 "," $3] = 1; next }
	FNR == 1 { next }
	($1 "," $3) in b { s = 0; for (i = 9; i <= NF; i++) s += $i; print s }' \
	"$T/s1.csv" "$G/results.csv" | sort -n | uniq >"$T/bscores"
if [ -s "$T/bscores" ] && ! grep -qvxE '5|6|7|9|10|11|13|14|15' "$T/bscores"; then
	ok "boundary works score b-1..b+1 ($(tr '\n' ' ' <"$T/bscores"))"
else fail "boundary works score b-1..b+1: $(tr '\n' ' ' <"$T/bscores")"; fi

# --share: random alone with share 1 takes every other school; 0.25 takes round(0.25 m).
expect_ok "random, every other school" recheck sample --procedure $P --rule random --share 1 \
	--seed 3 --out "$T/r1.csv" --dry-run
m=$(tail -n +2 "$T/r1.csv" | cut -d, -f1 | sort -u | wc -l)
expect_ok "random, a quarter" recheck sample --procedure $P --rule random --share 0,25 --seed 3 \
	--out "$T/r2.csv" --dry-run
want=$(awk -v m="$m" 'BEGIN { k = int(0.25 * m + 0.5); print k < 1 ? 1 : k }')
expect_eq "--share 0,25 of $m schools" "$(tail -n +2 "$T/r2.csv" | cut -d, -f1 | sort -u | wc -l)" "$want"
expect_eq "a random school is sampled whole" \
	"$(tail -n +2 "$T/r2.csv" | cut -d, -f1 | sort | uniq -c | awk '{ s += $1 } END { print s }')" \
	"$(awk -F, 'NR == FNR { if (FNR > 1) w[$1] = 1; next } FNR > 1 && ($1 in w) && $8 == 0' \
		"$T/r2.csv" "$G/results.csv" | wc -l)"
expect_ok "a stored sample" recheck sample --procedure $P --rule risk --seed 1 --out "$T/s4.csv"
expect_eq "the round stored with its works" \
	"$(sql 'SELECT count(*) FROM recheck_work')" "$(($(wc -l <"$T/s4.csv") - 1))"

# Usage errors: exit status 2, Russian.
expect_eq "an unknown rule" "$("$OKO" recheck sample --procedure $P --rule nope --seed 1 2>&1 >/dev/null; echo "rc=$?")" \
	"$(printf 'oko recheck: неизвестное правило отбора «nope»; допустимы: risk, official, boundary, random, medal\nподробнее: oko recheck --help\nrc=2')"
expect_fail "random without --share" recheck sample --procedure $P --rule random --seed 1
expect_grep "random without --share says why" "$T/err" "укажите долю школ"
expect_fail "an unknown procedure" recheck sample --procedure VPR-2021-MA-9 --rule risk --seed 1
expect_grep "an unknown procedure named" "$T/err" "процедуры «VPR-2021-MA-9» нет в базе"

# --- a hand-made case -------------------------------------------------------------------
export OKO_DB=$MAIN_DB
"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
"$OKO" import procedures "$DATA/procedures.csv" >/dev/null
"$OKO" import results "$DATA/rechecks_results.csv" >/dev/null
printf 'school,code\nsch220206,1001\nsch220206,1002\nsch220206,1003\nsch220207,2001\nsch220207,2002\n' >"$T/medal.csv"
expect_ok "round 1: the five works given" recheck sample --procedure $P --rule medal --medal "$T/medal.csv" \
	--seed 1 --out "$T/round1.csv"
expect_eq "round 1's sample" "$(tail -n +2 "$T/round1.csv" | tr '\n' ' ')" \
	"sch220206,$P,1001,medal sch220206,$P,1002,medal sch220206,$P,1003,medal sch220207,$P,2001,medal sch220207,$P,2002,medal "
expect_grep "the round's number said" "$T/err" "раунд перепроверки № 1"

# Experts: a bad registry refused whole.
before=$(db_digest)
expect_fail "a bad registry of experts" import experts "$DATA/experts_bad.csv"
expect_grep "an unknown school" "$T/err" "строка 2, столбец 5 «works_at», значение «sch999999»: школы с логином «sch999999» нет в реестре школ"
expect_grep "a repeated id" "$T/err" "строка 3, столбец 1 «id», значение «E1»: эксперт «E1» повторяется: строки 2 и 3"
expect_grep "no name" "$T/err" "строка 4, столбец 2 «name»"
expect_grep "an unknown municipality" "$T/err" "строка 5, столбец 3 «municipality», значение «Нет такого района»"
expect_grep "an unknown subject" "$T/err" "строка 6, столбец 4 «subjects», значение «XX»"
expect_grep "max_works out of range" "$T/err" "строка 7, столбец 7 «max_works», значение «0»"
expect_grep "an unknown login" "$T/err" "строка 8, столбец 8 «login», значение «nouser»"
expect_eq "nothing stored from the bad registry" "$(db_digest)" "$before"
# The same registry in Windows-1251 with semicolons, and as XLSX: read alike (dry runs).
iconv -f UTF-8 -t CP1251 "$DATA/experts.csv" | tr ',' ';' | sed 's/"MA; RU"/"MA RU"/' >"$T/experts1251.csv"
expect_ok "the registry in Windows-1251" import experts "$T/experts1251.csv" --dry-run
expect_grep "four experts read from cp1251" "$T/out" "экспертов: 4 (новых 4"
MKXLSX=${BUILD:-}/tests/tools/mkxlsx
if [ -x "$MKXLSX" ]; then
	"$MKXLSX" from-csv "$T/bad.xlsx" "Эксперты" "$DATA/experts_bad.csv"
	expect_fail "a bad XLSX registry" import experts "$T/bad.xlsx"
	expect_grep "XLSX problems by sheet, row and column letter" "$T/err" "лист «Эксперты», строка 2, столбец E «works_at»"
else skip "no mkxlsx (BUILD unset)"; skip "no mkxlsx"; fi
expect_ok "the registry, dry run" recheck experts import "$DATA/experts.csv" --dry-run
expect_eq "a dry run stores no expert" "$(sql 'SELECT count(*) FROM expert')" 0
expect_ok "the registry" import experts "$DATA/experts.csv"
expect_grep "four experts" "$T/out" "экспертов: 4 (новых 4, обновлено 0)"
expect_ok "the list" recheck experts list
expect_grep "E2 as imported" "$T/out" "E2,Петров Борис Ильич,г. Барнаул,MA RU,sch220207,,50,,0,0"
expect_grep "E4 with the defaults" "$T/out" "E4,Кузнецов Глеб Романович,,MA,,,200,,0,0"
expect_ok "an expert's account" user add ex1 --role expert --name "Кузнецов Г. Р." --password 'Перепроверка-2021-лето'
expect_ok "link an expert's login" recheck experts link --expert E4 --login ex1
expect_eq "linked" "$(sql "SELECT u.login FROM expert e JOIN \"user\" u ON u.id = e.user_id WHERE e.code = 'E4'")" ex1
expect_ok "a coordinator's account" user add coord --role region --password 'Координатор-2021-лето'
expect_fail "a login that is not an expert's" recheck experts link --expert E3 --login coord

# Assignment: every work gets an expert, never one of its own school.
expect_ok "assign round 1" recheck assign --round 1
expect_grep "five works assigned" "$T/out" "назначено сейчас: 5"
expect_eq "no expert checks its own school" "$(sql 'SELECT count(*) FROM recheck_check c JOIN recheck_work w ON w.id = c.work_id JOIN expert_school es ON es.expert_id = c.expert_id AND es.school_id = w.school_id')" 0
expect_ok "status" recheck status --round 1
expect_grep "status: works" "$T/out" "работ: 5"
expect_grep "status: assigned" "$T/out" "вторая проверка назначена: 5, сделана: 0"
expect_grep "status: scans missing" "$T/out" "нет скана (5 работ):"

# Bad checks: refused whole, each by row and column.
before=$(db_digest)
expect_fail "bad checks refused" import rechecks "$DATA/rechecks_bad.csv"
expect_grep "a score above the maximum: row, column, value, maximum" "$T/err" \
	"строка 2, столбец 8 «p3», значение «5»: балл 5 больше максимума позиции «3»: 2"
expect_grep "a code not in the sample" "$T/err" \
	"строка 3, столбец 3 «code», значение «9999»: работа не отобрана для перепроверки"
expect_grep "an unknown expert" "$T/err" \
	"строка 4, столбец 5 «expert», значение «E9»: эксперта с кодом «E9» нет в реестре экспертов"
expect_grep "an expert of the work's school" "$T/err" \
	"строка 5, столбец 5 «expert», значение «E1»: эксперт «E1» работает в школе sch220206"
expect_grep "check 3 before check 2" "$T/err" "строка 6, столбец 4 «check», значение «3»: третья проверка раньше второй"
expect_grep "nothing changed, said" "$T/err" "данные в базе не изменены"
expect_eq "nothing stored from the bad checks" "$(db_digest)" "$before"

# Checks 2 from paper: school sch220206 over-scored each work by 2 (1 point on two
# positions: not significant, the same mark 4), 2001 differs by 2 on position 3
# (significant: check 3), 2002 agrees.
expect_ok "checks 2 from paper" import rechecks "$DATA/rechecks.csv"
expect_grep "five checks replacing the assigned ones" "$T/out" "проверок: 5 (новых 0, заменено 5), из них третьих: 0"
expect_ok "status after checks 2" recheck status --round 1
expect_grep "one work needs check 3" "$T/out" "нужна третья проверка: 1, сделана: 0"
expect_grep "four works final" "$T/out" "итоговые баллы есть: 4 работы"
before=$(db_digest)
expect_fail "check 3 without a discrepancy, or by the expert of check 2" import rechecks "$DATA/rechecks_bad3.csv"
expect_grep "check 3 without a discrepancy" "$T/err" "строка 2, столбец 4 «check», значение «3»: третья проверка не нужна"
expect_grep "check 3 by the expert of check 2" "$T/err" "строка 3, столбец 5 «expert», значение «E1»: эксперт «E1» уже проверял эту работу"
expect_eq "nothing stored from bad checks 3" "$(db_digest)" "$before"
expect_ok "check 3 by the labels, dry run" import rechecks "$DATA/rechecks_3.csv" --dry-run
expect_eq "the dry run stored nothing" "$(db_digest)" "$before"
expect_ok "check 3 by the labels" import rechecks "$DATA/rechecks_3.csv"
expect_grep "one third check" "$T/out" "из них третьих: 1"

# The report, by hand:
# works: sch220206: 13 → 11 (delta 2, mark 4 both, not objective: 2 > tolerance 1);
#        2001: 13, check 2 11, check 3 12 final (delta 1: objective); 2002: 8 = 8.
# schools: sch220206 3 works, objective 0, mean delta 2, 3 over / 0 under: p = (1/2)^3 =
#        0.125; sch220207: 2 works both objective, mean (1 + 0) / 2 = 0.5, p = P(X ≥ 1 | 1) = 0.5.
# experts: E1 (checks 2 of 2001, 2002): x = 11, 8 against final 12, 8 — exact 1/2, within
#        one 2/2, mean delta −0.5, kappa 2·cov / (var x + var y + (mx − my)²) = 2·3 /
#        (2.25 + 4 + 0.25) = 0.923077; E2: three 11 against 11 — exact 1, kappa undefined
#        (no variance): empty; E3: one check 3, final itself.
expect_ok "the report" recheck report --procedure $P --out "$T/rep"
expect_eq "works.csv" "$(cat "$T/rep/works.csv")" "school,code,check1,check2,check3,final,mark1,mark_final,delta,objective
sch220206,1001,13,11,,11,4,4,2,0
sch220206,1002,13,11,,11,4,4,2,0
sch220206,1003,13,11,,11,4,4,2,0
sch220207,2001,13,11,12,12,4,4,1,1
sch220207,2002,8,8,,8,3,3,0,1"
expect_eq "schools.csv" "$(cat "$T/rep/schools.csv")" "school,works,objective_share,mean_delta,up,down,p
sch220206,3,0,2,0,0,0.125
sch220207,2,1,0.5,0,0,0.5"
expect_eq "experts.csv" "$(cat "$T/rep/experts.csv")" "expert,works,exact,within1,qwk,mean_delta,control_accuracy
E1,2,0.5,1,0.923077,-0.5,
E2,3,1,1,,0,
E3,1,1,1,,0,"
expect_eq "positions.csv: header" "$(head -1 "$T/rep/positions.csv")" "position,max,works,mean_delta,over,under,p"
# Positions 1 and 2: sch220206 gave 1 where the final is 0 in three works of five.
expect_eq "positions.csv: position 1" "$(sed -n 2p "$T/rep/positions.csv")" "1,1,5,0.6,3,0,0.125"
expect_eq "positions.csv: one row per position" "$(($(wc -l <"$T/rep/positions.csv") - 1))" 15
expect_grep "the report's summary" "$T/out" "объективно оценено: 2 из 5 (40,0 %"

# Settings: shown, changed, refused out of range.
expect_ok "settings shown" recheck settings --procedure $P
expect_grep "the default discrepancy" "$T/out" "значительное расхождение: 2 балла по позиции или другая отметка"
expect_ok "settings changed" recheck settings --procedure $P --control-rate 0,5
expect_grep "the control rate" "$T/out" "контрольных работ на одну назначенную: 0,5"
expect_fail "a control rate out of range" recheck settings --procedure $P --control-rate 0.9
expect_eq "the rate kept" "$(sql 'SELECT control_rate FROM recheck_setting')" 0.5

# Round 2 (the third school): control checks of round 1's agreed works join the queues;
# done, they count for the experts only — never for sch220206 or sch220207.
expect_ok "round 2" recheck sample --procedure $P --rule random --share 1 --seed 2 --out "$T/round2.csv"
expect_eq "round 2 takes only the works not sampled before" "$(tail -n +2 "$T/round2.csv" | cut -d, -f1,3 | tr '\n' ' ')" "edu223017,3001 edu223017,3002 "
expect_ok "assign round 2" recheck assign --round 2
expect_eq "no expert checks its own school (or its child's)" "$(sql 'SELECT count(*) FROM recheck_check c JOIN recheck_work w ON w.id = c.work_id JOIN expert_school es ON es.expert_id = c.expert_id AND es.school_id = w.school_id')" 0
nctl=$(sql 'SELECT count(*) FROM recheck_check WHERE control = 1')
if [ "$nctl" -gt 0 ]; then
	# Each control check typed as the school's own scores: against the agreed scores that
	# is 13 for 11 on sch220206's works (2 points: not accurate), 13 for 12 on 2001 and 8
	# for 8 on 2002 (accurate).
	sql "UPDATE recheck_check SET scores = (SELECT r.scores FROM recheck_work w JOIN result r ON r.procedure_id = w.procedure_id AND r.school_id = w.school_id AND r.code = w.code WHERE w.id = recheck_check.work_id), filled = 15, done = 1 WHERE control = 1"
	expect_ok "the report with control checks" recheck report --procedure $P --out "$T/rep2"
	expect_eq "control checks never in schools.csv" "$(grep '^sch22020' "$T/rep2/schools.csv")" "sch220206,3,0,2,0,0,0.125
sch220207,2,1,0.5,0,0,0.5"
	expect_eq "the experts' control accuracy, by hand" \
		"$(tail -n +2 "$T/rep2/experts.csv" | awk -F, '$7 != "" { print $1 "," $7 }')" \
		"$(sql "SELECT e.code, w.code FROM recheck_check c JOIN recheck_work w ON w.id = c.work_id JOIN expert e ON e.id = c.expert_id WHERE c.control = 1 ORDER BY e.code" |
			awk -F'|' '{ n[$1]++; a[$1] += ($2 == "2001" || $2 == "2002") } END { for (e in n) printf "%s,%.6g\n", e, a[e] / n[e] }' | sort)"
	expect_eq "the experts' other figures unchanged by control checks" \
		"$(grep -E '^E[123],' "$T/rep2/experts.csv" | cut -d, -f1-6)" "$(grep -E '^E[123],' "$T/rep/experts.csv" | cut -d, -f1-6)"
else
	fail "round 2 has control checks (rate 0.5)"
fi
expect_eq "round 1's report unchanged by round 2" \
	"$("$OKO" recheck report --procedure $P --round 1 --out "$T/rep3" >/dev/null && sed -n 2,3p "$T/rep3/schools.csv")" \
	"sch220206,3,0,2,0,0,0.125
sch220207,2,1,0.5,0,0,0.5"
expect_ok "rounds" recheck rounds --procedure $P
expect_eq "two rounds listed" "$(tail -n +2 "$T/out" | cut -d, -f1 | tr '\n' ' ')" "2 1 "
expect_fail "a round of another procedure" recheck report --procedure VPR-2021-RU-4 --round 1 --out "$T/x"
expect_fail "an unknown round" recheck status --round 99
expect_grep "an unknown round named" "$T/err" "раунда перепроверки № 99 нет"
expect_eq "usage errors exit with 2" "$("$OKO" recheck assign >/dev/null 2>&1; echo $?)" 2

# Scans from the command line: a JPEG for one work, a PDF of two works split by pages.
printf '\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9' >"$T/w.jpg"
expect_ok "a JPEG scan" recheck scan --round 2 --school edu223017 --code 3001 "$T/w.jpg"
id=$(sql "SELECT scan_id FROM recheck_work WHERE code = '3001'")
if [ -f "$(db_file).scans/$id" ] && [[ "$id" =~ ^[0-9a-f]{32}$ ]]; then ok "stored under a random id"; else fail "stored under a random id ($id)"; fi
printf 'not a scan' >"$T/w.txt"
before=$(db_digest)
expect_fail "not a PDF or JPEG" recheck scan --round 2 --school edu223017 --code 3002 "$T/w.txt"
expect_grep "the type refused in Russian" "$T/err" "не PDF и не JPEG"
expect_fail "a work not in the round" recheck scan --round 2 --school sch220206 --code 1001 "$T/w.jpg"
expect_grep "a work not in the round named" "$T/err" "работа не отобрана для перепроверки в раунде № 2"
expect_eq "nothing stored from bad scans" "$(db_digest)" "$before"
expect_ok "a scan replaced" recheck scan --round 2 --school edu223017 --code 3001 "$T/w.jpg"
if [ ! -e "$(db_file).scans/$id" ]; then ok "the replaced file removed"; else fail "the replaced file removed"; fi
if command -v qpdf >/dev/null || python3 -c 1 2>/dev/null; then
	python3 - "$T/two.pdf" <<'PY'
import sys
objs = ["<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
out = b"%PDF-1.4\n"
offs = []
for i, o in enumerate(objs):
    offs.append(len(out))
    out += f"{i + 1} 0 obj\n{o}\nendobj\n".encode()
x = len(out)
out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
for o in offs:
    out += f"{o:010d} 00000 n \n".encode()
out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{x}\n%%EOF\n".encode()
open(sys.argv[1], "wb").write(out)
PY
	expect_ok "a PDF split by the codes" recheck scan --round 2 --school edu223017 --split "$T/two.pdf" --codes "3001 3002"
	expect_eq "both works have a scan" "$(sql "SELECT count(*) FROM recheck_work WHERE round_id = 2 AND scan_type = 'pdf'")" 2
	expect_fail "pages that do not divide" recheck scan --round 2 --school edu223017 --split "$T/two.pdf" --codes "3001 3002 3001"
	expect_fail "a page range outside the PDF" recheck scan --round 2 --school edu223017 --split "$T/two.pdf" --codes "3001:1-1 3002:2-3"
	expect_grep "the range named" "$T/err" "в пределах 1–2"
else skip "no python3 to make a PDF"; fi
ls "$(db_file).scans" | grep -qvE '^[0-9a-f]{32}$' && fail "scan files named by id only" || ok "scan files named by id only"

echo "1..$_n"
