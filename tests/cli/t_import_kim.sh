#!/bin/bash
# Import of KIM descriptions: the four real files (when present) and a synthetic one.
. "$(dirname "$0")/lib.sh"

"$OKO" init >/dev/null
real=$(real_dir)
if [ -z "$real" ] || [ ! -d "$real/kim2021" ]; then
	skip "real KIM files not found beside the checkout ($OKO_SHARED/data/real/kim2021)"
else
	for spec in "ru4 RU-4 20 38 14/24/33" "ma4 MA-4 15 20 6/10/14" "ru5 RU-5 21 45 18/29/39" "ma5 MA-5 16 20 7/11/15"; do
		set -- $spec
		expect_ok "real KIM $1 imports" import kim "$real/kim2021/$1.xlsx" --procedure "VPR-2021-$2" --scale "$5"
		expect_eq "$2: $3 positions" "$(sql "SELECT count(*) FROM position p JOIN procedure r ON r.id=p.procedure_id WHERE r.code='VPR-2021-$2'")" "$3"
		expect_eq "$2: total maximum $4" "$(sql "SELECT sum(max)||' '||(SELECT max_score FROM procedure WHERE code='VPR-2021-$2') FROM position p JOIN procedure r ON r.id=p.procedure_id WHERE r.code='VPR-2021-$2'")" "$4 $4"
	done
	expect_eq "RU-4 labels as written" "$(sql "SELECT group_concat(label,' ') FROM (SELECT label FROM position p JOIN procedure r ON r.id=p.procedure_id WHERE r.code='VPR-2021-RU-4' ORDER BY idx LIMIT 4)")" "1K1 1K2 2 3.1"
	expect_eq "RU-4 hard positions are П" "$(sql "SELECT group_concat(label,' ') FROM (SELECT label FROM position p JOIN procedure r ON r.id=p.procedure_id WHERE r.code='VPR-2021-RU-4' AND level='П' ORDER BY idx)")" "12.1 12.2 13.1 13.2"
	expect_eq "RU-5 has no levels (empty column)" "$(sql "SELECT count(level) FROM position p JOIN procedure r ON r.id=p.procedure_id WHERE r.code='VPR-2021-RU-5'")" 0
	# RU-5 writes 1К1 with a Cyrillic К; the key is the same as RU-4's Latin 1K1.
	expect_eq "Cyrillic and Latin K share one key" "$(sql "SELECT count(DISTINCT label_key) FROM position WHERE label IN ('1K1','1К1')")" 1
	expect_ok "re-import of a KIM is idempotent" import kim "$real/kim2021/ru4.xlsx" --procedure VPR-2021-RU-4
	expect_grep "… its summary in Russian plural forms" "$T/out" ": 20 позиций, максимальный балл 38, уровень сложности указан у 20 позиций"
	run_oko import kim "$real/kim2021/ru5.xlsx" --procedure VPR-2021-RU-5
	expect_grep "… «21 позиция», not «21 позиций»" "$T/out" ": 21 позиция, максимальный балл 45, уровень сложности указан у 0 позиций"
	expect_eq "scale kept on re-import" "$(sql "SELECT scale3 FROM procedure WHERE code='VPR-2021-RU-4'")" 14
fi

# A CSV KIM with a conflicting repeated position is refused with the place named.
printf '№ КИМ;№;Уровень сложности;Максимальный балл\n1;1;Б;1\n1;1;Б;2\n2;2;Q;1\n' > "$T/kim_bad.csv"
before=$(db_digest)
run_oko import kim "$T/kim_bad.csv" --procedure VPR-2022-MA-4
expect_eq "bad KIM fails" "$rc" 1
expect_grep "conflicting maximum named" "$T/err" "строка 3, столбец 4 «Максимальный балл», значение «2»: позиция «1» уже встречалась в строке 2 с максимальным баллом 1"
expect_grep "bad level named" "$T/err" "строка 4, столбец 3 «Уровень сложности», значение «Q»"
expect_eq "bad KIM stored nothing" "$(db_digest)" "$before"
run_oko import kim "$T/kim_bad.csv"
expect_grep "procedure required" "$T/err" "--procedure"
run_oko import kim "$DATA/schools.csv" --procedure VPR-2022-MA-4
expect_grep "not a KIM explained" "$T/err" "не похоже на описание КИМ"
echo "1..$_n"
