#!/bin/bash
# The real regional files of ../shared/data/real import with the counts of its README.
. "$(dirname "$0")/lib.sh"
real=$(real_dir)
if [ -z "$real" ] || [ ! -d "$real/vpr2021" ]; then
	skip "real data not found beside the checkout ($OKO_SHARED/data/real)"
	echo "1..$_n"
	exit 0
fi
"$OKO" init >/dev/null
for spec in "ru4 RU-4 14/24/33 26595 1626 24969 628" "ma4 MA-4 6/10/14 26666 1732 24934 631" \
	    "ru5 RU-5 18/29/39 26501 2716 23785 633" "ma5 MA-5 7/11/15 26139 2433 23706 634"; do
	set -- $spec
	"$OKO" import kim "$real/kim2021/$1.xlsx" --procedure "VPR-2021-$2" --scale "$3" >/dev/null
	expect_ok "real $1 imports" import results "$real/vpr2021/$1.xlsx" --procedure "VPR-2021-$2"
	expect_grep "$2: rows, absent, written" "$T/out" "строк: $4, писали работу: $6, отсутствовали: $5"
	expect_grep "$2: schools with works" "$T/out" "(с работами: $7)"
	expect_eq "$2: stored rows" "$(sql "SELECT count(*) || '/' || sum(absent) FROM result r JOIN procedure p ON p.id = r.procedure_id WHERE p.code = 'VPR-2021-$2'")" "$4/$5"
	cp "$T/err" "$T/err_$1"
	cp "$T/out" "$T/out_$1"
done
# The README's SD 7.66 is within 0.01 of ours (7.6548 from the positions; the file's own
# totals give 7.658): the check allows that much.
expect_eq "RU-4 mean 24.67 and SD 7.66 ± 0.01 as in the README" "$(sql "SELECT avg(r.primary_score), sum((r.primary_score - q.m) * (r.primary_score - q.m)), count(*) FROM result r JOIN procedure p ON p.id = r.procedure_id CROSS JOIN (SELECT avg(primary_score) AS m FROM result r2 JOIN procedure p2 ON p2.id = r2.procedure_id WHERE p2.code = 'VPR-2021-RU-4' AND r2.absent = 0) q WHERE p.code = 'VPR-2021-RU-4' AND r.absent = 0" |
	awk -F'|' '{d = sqrt($2 / ($3 - 1)) - 7.66; printf "%.2f %d\n", $1, (d < 0 ? -d : d) <= 0.01}')" "24.67 1"
expect_eq "RU-4 boundary counts 13 → 223, 14 → 866" "$(sql "SELECT group_concat(n, ' ') FROM (SELECT count(*) n FROM result r JOIN procedure p ON p.id = r.procedure_id WHERE p.code = 'VPR-2021-RU-4' AND absent = 0 AND primary_score IN (13, 14) GROUP BY primary_score ORDER BY primary_score)")" "223 866"
expect_eq "MA-5 boundary counts 6 → 469, 7 → 4012" "$(sql "SELECT group_concat(n, ' ') FROM (SELECT count(*) n FROM result r JOIN procedure p ON p.id = r.procedure_id WHERE p.code = 'VPR-2021-MA-5' AND absent = 0 AND primary_score IN (6, 7) GROUP BY primary_score ORDER BY primary_score)")" "469 4012"
# MA-4's impossible totals are reported and their treatment stated.
expect_grep "MA-4 totals above the maximum reported" "$T/err_ma4" "сумма баллов больше максимума 20; первичный балл взят как сумма позиций"
expect_grep "MA-4 treatment in the report" "$T/out_ma4" "сумма баллов больше максимума (первичный балл = сумма позиций): 16 — строка сохранена с отметкой"
expect_eq "MA-4 rows over the maximum are marked" "$(sql "SELECT count(*) FROM result r JOIN procedure p ON p.id = r.procedure_id WHERE p.code = 'VPR-2021-MA-4' AND (problems & 2) <> 0")" 16
expect_grep "RU-4 shifted columns noticed" "$T/err_ru4" "а здесь пол — похоже, столбцы сдвинуты"
for f in ma4 bi5 ru6 ma6; do
	expect_ok "real form $f imports" import results "$real/forms2022/$f.xlsx"
done
expect_eq "forms made their procedures" "$(sql "SELECT group_concat(code, ' ') FROM (SELECT code FROM procedure WHERE year = 2022 ORDER BY code)")" "VPR-2022-BI-5 VPR-2022-MA-4 VPR-2022-MA-6 VPR-2022-RU-6"
# Geography 2022: the grade-10 form carries a grade-11 textbook code (geo11.*); its class
# names say 10. The grade-11 form then replaces nothing of it.
expect_ok "gg10 form imports" import results "$real/forms2022/gg10.xlsx"
expect_grep "… as grade 10, told by the class names" "$T/err" "процедура определена по форме: VPR-2022-GG-10 — предмет по учебнику, год по дате загрузки, класс по названиям классов"
expect_ok "gg11 form imports" import results "$real/forms2022/gg11.xlsx"
expect_grep "… as grade 11" "$T/err" "VPR-2022-GG-11"
expect_grep "… replacing nothing of grade 10" "$T/out" "заменено прежних результатов: 0"
expect_eq "both grades kept" "$(sql "SELECT group_concat(n, ' ') FROM (SELECT count(*) n FROM result r JOIN procedure p ON p.id = r.procedure_id WHERE p.code IN ('VPR-2022-GG-10', 'VPR-2022-GG-11') GROUP BY p.code ORDER BY p.code)")" "274 2415"
# Read as grade 11 by mistake, grade 10's rows would be replaced by the grade-11 file: never
# silently — the earlier upload is named (on the web the replacement is asked for first).
GG=$(new_db gg)
OKO_DB=$GG "$OKO" init >/dev/null
OKO_DB=$GG "$OKO" import results "$real/forms2022/gg10.xlsx" --procedure VPR-2022-GG-11 >/dev/null 2>&1
OKO_DB=$GG expect_ok "gg11 over a grade-10 upload taken for grade 11" import results "$real/forms2022/gg11.xlsx"
expect_grep "… names what it replaced" "$T/out" "заменено результатов: 84 (школ: 7) из загрузки «gg10.xlsx»"

# The 2022 forms name schools edu…, the 2021 exports sch… with the same digits: oko
# proposes every such pair as one school (a person confirms).
edu=$(sql "SELECT count(*) FROM school e WHERE e.login LIKE 'edu%' AND EXISTS (SELECT 1 FROM school s WHERE s.login = 'sch' || substr(e.login, 4))")
expect_eq "every edu school with a 2021 sch twin is proposed ($edu)" "$(sql "SELECT count(*) FROM school_alias WHERE status = 'proposed'")" "$edu"
check "… and there are such schools" test "$edu" -gt 5
# The region's school list as published: «логин, имя, регион», no kind.
LOGINS=$(new_db logins)
OKO_DB=$LOGINS "$OKO" init >/dev/null
OKO_DB=$LOGINS expect_ok "the region's school list imports" import schools "$real/logins.xlsx" --region "Алтайский край"
expect_eq "692 schools, kinds guessed from the names" "$(OKO_DB=$LOGINS sql "SELECT count(*) || ' ' || sum(kind_guessed) || ' ' || sum(CASE WHEN kind = 'СОШ' THEN 1 ELSE 0 END) || ' ' || sum(CASE WHEN kind = 'лицей' THEN 1 ELSE 0 END) || ' ' || sum(CASE WHEN kind = 'гимназия' THEN 1 ELSE 0 END) FROM school")" "692 692 542 25 24"
# The 2020 exports exactly as published: «Учебник» in place of the first unused a-N-grade,
# a negative cell in ma6, absences in capitals in om4. MA-6 comes from oko's catalogue; OM-4
# is not in it and is typed here with the maxima seen in the file.
if [ -d "$real/vpr2020" ]; then
	printf 'procedure,kind,year,subject,grade,max_score,positions,scale\nVPR-2020-OM-4,VPR,2020,OM,4,44,1:2 2:2 3:2 4:2 5:3 6:4 7:2 8:1 9:2 10:2 11:1 12:2 13:2 14:3 15:1 16:3 17:3 18:2 19:2 20:3,\n' >"$T/p2020.csv"
	"$OKO" import procedures "$T/p2020.csv" >/dev/null
	expect_ok "2020 ma6 imports (its negative cell marks one row)" import results "$real/vpr2020/ma6.xlsx" --procedure VPR-2020-MA-6
	expect_grep "ma6: rows, written, absent" "$T/out" "строк: 23857, писали работу: 20253, отсутствовали: 3603"
	expect_grep "ma6: the negative cell marked" "$T/out" "балл позиции отрицательный или больше 200 (ячейка нечитаема, строка вне признаков по баллам): 1 — строка сохранена с отметкой"
	expect_grep "ma6: its procedure taken from the catalogue" "$T/err" "процедура VPR-2020-MA-6 создана: 13 позиций, максимум 16; источник — каталог oko"
	expect_ok "2020 om4 imports (absences in capitals)" import results "$real/vpr2020/om4.xlsx" --procedure VPR-2020-OM-4
	expect_grep "om4: rows, written, absent" "$T/out" "строк: 26219, писали работу: 22856, отсутствовали: 3363"
	expect_eq "om4: absences of every spelling stored" "$(sql "SELECT sum(absent) FROM result r JOIN procedure p ON p.id = r.procedure_id WHERE p.code = 'VPR-2020-OM-4'")" 3363
	expect_grep "om4: 8 shifted rows kept marked" "$T/out" "значения за последней позицией процедуры (отброшены, строка вне признаков по баллам): 8 — строка сохранена с отметкой"
	expect_ok "ma6: a dry run passes" import results "$real/vpr2020/ma6.xlsx" --procedure VPR-2020-MA-6 --dry-run
	run_oko import results "$real/vpr2020/ma6.xlsx" --procedure VPR-2020-MA-6 --strict
	expect_eq "… and refused with --strict" "$rc" 1
	"$OKO" analyze --procedure VPR-2020-MA-6 --out "$T/a2020" --quiet >/dev/null 2>&1
	expect_eq "ma6: the marked row left out of the signs (excluded_marked)" \
		"$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "excluded_marked") c = i } $1 == "VPR-2020-MA-6" { print $c }' "$T/a2020/region.csv")" 1
else
	skip "2020 exports not found beside the checkout"
fi
echo "1..$_n"
