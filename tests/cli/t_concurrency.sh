#!/bin/bash
# Concurrent writers over real HTTP: nothing lost, nothing doubled.
#
# 1. Two grid saves of two classes of one school at the same moment, many times over:
#    after each pair both classes hold what was posted (a save changes only its own rows).
# 2. 200 results files uploaded at once by 200 connections: every row stored once, one
#    upload record each.
# Rounds and uploads: CONC_PAIRS (default 20) and CONC_UPLOADS (default 200).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

PAIRS=${CONC_PAIRS:-20}
UPLOADS=${CONC_UPLOADS:-200}
P=VPR-2021-MA-4
"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
"$OKO" import procedures "$DATA/procedures.csv" >/dev/null
{ echo 'Класс;ФИО'
  for n in Анна Борис Вера Глеб Дарья Егор Жанна Зоя Игорь Кира; do
	echo "4А;Иванова $n Петровна"; echo "4Б;Сидорова $n Павловна"; done; } >"$T/list.csv"
"$OKO" pupils import "$T/list.csv" --school sch220206 --year 2021 >/dev/null 2>&1
"$OKO" codes issue --school sch220206 --year 2021 >/dev/null 2>&1
codes_a=$(sql "SELECT code FROM pupil WHERE class = '4А' ORDER BY code")
codes_b=$(sql "SELECT code FROM pupil WHERE class = '4Б' ORDER BY code")
expect_eq "two classes of ten codes" "$(echo $codes_a | wc -w) $(echo $codes_b | wc -w)" "10 10"
"$OKO" user add school1 --role school --scope sch220206 --password 'Kx9-grid-school1' >/dev/null
"$OKO" user add admin1 --role admin --password 'Kx9-grid-admin1' >/dev/null
start_server
login school1 'Kx9-grid-school1'
login admin1 'Kx9-grid-admin1'
token=$(csrf_of school1)
npos=$(sql "SELECT count(*) FROM position WHERE procedure_id = (SELECT id FROM procedure WHERE code = '$P')")

# grid_args CLASS POINT CODES...: a whole class posted, every position POINT.
grid_args() {
	local cls=$1 point=$2; shift 2
	ARGS=(--data-urlencode "csrf=$token")
	for c in "$@"; do
		ARGS+=(--data-urlencode "code=$c" --data-urlencode "k=$cls" --data-urlencode "v=1")
		for _ in $(seq "$npos"); do ARGS+=(--data-urlencode "p=$point"); done
		ARGS+=(--data-urlencode "g=ж" --data-urlencode "j=4")
	done
}
scores_of() { # CLASS: the distinct primary scores of the class's stored results
	sql "SELECT group_concat(s) FROM (SELECT DISTINCT coalesce(primary_score, -1) AS s FROM result WHERE class = '$1')"
}
# One class saved after the other: the school holds both, and the upload history says so
# (the count is taken after the writer has stored its last batch — it once missed them).
grid_args 4А 1 $codes_a
curl -s -o /dev/null -b "$T/school1.jar" "${ARGS[@]}" "$URL/grid/$P"
grid_args 4Б 1 $codes_b
curl -s -o /dev/null -b "$T/school1.jar" "${ARGS[@]}" "$URL/grid/$P"
expect_eq "a class saved after the other: the school's holding counts both" \
	"$(sql "SELECT rows || ' ' || written FROM result_pair WHERE school_id = (SELECT id FROM school WHERE login = 'sch220206')")" "20 20"
lost=0
for i in $(seq "$PAIRS"); do
	pt=$((i % 2))
	grid_args 4А "$pt" $codes_a; A=("${ARGS[@]}")
	grid_args 4Б "$pt" $codes_b; B=("${ARGS[@]}")
	curl -s -o /dev/null -w '%{http_code}\n' -b "$T/school1.jar" "${A[@]}" "$URL/grid/$P" >"$T/a.code" &
	pa=$!
	curl -s -o /dev/null -w '%{http_code}\n' -b "$T/school1.jar" "${B[@]}" "$URL/grid/$P" >"$T/b.code" &
	wait $pa $!
	want=$((pt * npos))
	if [ "$(cat "$T/a.code") $(cat "$T/b.code")" != "303 303" ] ||
	   [ "$(scores_of 4А)" != "$want" ] || [ "$(scores_of 4Б)" != "$want" ] ||
	   [ "$(sql "SELECT count(*) FROM result")" != 20 ]; then
		lost=$((lost + 1))
		echo "# pair $i: answers $(cat "$T/a.code") $(cat "$T/b.code"), 4А «$(scores_of 4А)», 4Б «$(scores_of 4Б)», want $want"
	fi
done
expect_eq "concurrent grid saves of two classes: pairs with a class lost" "$lost" 0
expect_eq "monitoring counts the school's whole holding" \
	"$(sql "SELECT rows || ' ' || written FROM result_pair WHERE school_id = (SELECT id FROM school WHERE login = 'sch220206')")" "20 20"
expect_eq "each save audited" "$(sql "SELECT count(*) FROM audit WHERE action = 'grid_save'")" $((2 * PAIRS + 2))

# ---- many uploads at once ----
labels=$(sql "SELECT group_concat(label, ',') FROM (SELECT label FROM position WHERE procedure_id = (SELECT id FROM procedure WHERE code = '$P') ORDER BY idx)")
for u in $(seq "$UPLOADS"); do
	{ echo "school,procedure,code,class,variant,gender,journal_mark,absent,$labels"
	  for c in $(seq 30); do
		printf 'cc%04d,%s,%d,4А,1,м,4,0' "$u" "$P" $((50000 + c))
		for _ in $(seq "$npos"); do printf ',1'; done
		printf '\n'
	  done; } >"$T/up$u.csv"
done
atoken=$(csrf_of admin1)
pids=()
for u in $(seq "$UPLOADS"); do
	curl -s -o /dev/null -w '%{http_code}\n' -b "$T/admin1.jar" -F "csrf=$atoken" -F "file=@$T/up$u.csv" \
		"$URL/upload" >"$T/up$u.code" &
	pids+=($!)
done
wait "${pids[@]}"
ok_answers=$(cat "$T"/up*.code | grep -c '^200$')
expect_eq "$UPLOADS uploads at once: all answered «загружен»" "$ok_answers" "$UPLOADS"
expect_eq "every row stored once" "$(sql "SELECT count(*) || ' ' || count(DISTINCT school_id || ':' || code) FROM result WHERE school_id IN (SELECT id FROM school WHERE login LIKE 'cc%')")" "$((UPLOADS * 30)) $((UPLOADS * 30))"
expect_eq "one upload record each" "$(sql "SELECT count(*) FROM upload_school WHERE school_id IN (SELECT id FROM school WHERE login LIKE 'cc%')")" "$UPLOADS"
expect_eq "each upload audited" "$(sql "SELECT count(*) FROM audit WHERE action = 'upload'")" "$UPLOADS"
expect_eq "database intact" "$(sql 'PRAGMA integrity_check')" ok
