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
expect_eq "RU-4 mean 24.67 and SD 7.66 ± 0.01 as in the README" "$(sql "SELECT printf('%.2f %d', avg(primary_score), abs(sqrt(sum((primary_score - m) * (primary_score - m)) / (count(*) - 1)) - 7.66) <= 0.01) FROM result r, (SELECT avg(primary_score) m FROM result r2 JOIN procedure p ON p.id = r2.procedure_id WHERE p.code = 'VPR-2021-RU-4' AND absent = 0) JOIN procedure p ON p.id = r.procedure_id WHERE p.code = 'VPR-2021-RU-4' AND absent = 0")" "24.67 1"
expect_eq "RU-4 boundary counts 13 → 223, 14 → 866" "$(sql "SELECT group_concat(n, ' ') FROM (SELECT count(*) n FROM result r JOIN procedure p ON p.id = r.procedure_id WHERE p.code = 'VPR-2021-RU-4' AND absent = 0 AND primary_score IN (13, 14) GROUP BY primary_score ORDER BY primary_score)")" "223 866"
expect_eq "MA-5 boundary counts 6 → 469, 7 → 4012" "$(sql "SELECT group_concat(n, ' ') FROM (SELECT count(*) n FROM result r JOIN procedure p ON p.id = r.procedure_id WHERE p.code = 'VPR-2021-MA-5' AND absent = 0 AND primary_score IN (6, 7) GROUP BY primary_score ORDER BY primary_score)")" "469 4012"
# MA-4's impossible totals are reported and their treatment stated.
expect_grep "MA-4 totals above the maximum reported" "$T/err_ma4" "сумма баллов больше максимума 20; первичный балл взят как сумма позиций"
expect_grep "MA-4 treatment in the report" "$T/out_ma4" "сумма баллов больше максимума (первичный балл = сумма позиций) [total_over_max]: 16 — строка сохранена с отметкой"
expect_eq "MA-4 rows over the maximum are marked" "$(sql "SELECT count(*) FROM result r JOIN procedure p ON p.id = r.procedure_id WHERE p.code = 'VPR-2021-MA-4' AND problems & 2")" 16
expect_grep "RU-4 shifted columns noticed" "$T/err_ru4" "а здесь пол — похоже, столбцы сдвинуты"
for f in ma4 bi5 ru6 ma6; do
	expect_ok "real form $f imports" import results "$real/forms2022/$f.xlsx"
done
expect_eq "forms made their procedures" "$(sql "SELECT group_concat(code, ' ') FROM (SELECT code FROM procedure WHERE year = 2022 ORDER BY code)")" "VPR-2022-BI-5 VPR-2022-MA-4 VPR-2022-MA-6 VPR-2022-RU-6"
echo "1..$_n"
