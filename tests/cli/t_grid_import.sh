#!/bin/bash
# The results grid and a file are one importer: the same rows posted in the grid and
# imported as a canonical CSV (with --strict, the grid's mode) into a second database give
# the same problems — each at its cell on the page, with the same message and severity —
# and store the same results (`oko export results`). Covered: an absent pupil with points,
# an empty variant, a journal mark 9 (stored marked), an impossible point, a point over its
# position's maximum and a variant that is not a number (refused, nothing stored), a bad code.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

P=VPR-2021-MA-4
DB1=$OKO_DB
DB2=$(new_db file)
for db in "$DB1" "$DB2"; do
	OKO_DB=$db "$OKO" init >/dev/null
	OKO_DB=$db "$OKO" import schools "$DATA/schools.csv" >/dev/null
	OKO_DB=$db "$OKO" import procedures "$DATA/procedures.csv" >/dev/null
done
{ echo 'Класс;ФИО'
  for n in Анна Борис Вера Глеб Дарья Егор; do echo "4А;Иванова $n Петровна"; done; } >"$T/list.csv"
"$OKO" pupils import "$T/list.csv" --school sch220206 --year 2021 >/dev/null 2>&1
"$OKO" codes issue --school sch220206 --year 2021 >/dev/null 2>&1
read -r -a C <<<"$(sql "SELECT code FROM pupil ORDER BY code" | tr '\n' ' ')"
expect_eq "six codes" "${#C[@]}" 6
labels=$(sql "SELECT group_concat(label, ',') FROM (SELECT label FROM position WHERE procedure_id = (SELECT id FROM procedure WHERE code = '$P') ORDER BY idx)")
npos=$(echo "$labels" | tr ',' '\n' | wc -l)
first=${labels%%,*}
"$OKO" user add school1 --role school --scope sch220206 --password password-school1 >/dev/null
start_server
login school1 password-school1

# row CODE CLASS VARIANT GENDER JOURNAL P1 [P]: one row posted in the grid (the first
# position P1, the others P) and the same row as canonical CSV (the grid's «отсутствовал»
# in the variant is the canonical absent = 1).
row() {
	local code=$1 cls=$2 v=$3 g=$4 j=$5 p1=$6 p=${7:-$6} absent=0 cv=$3
	ARGS+=(--data-urlencode "code=$code" --data-urlencode "k=$cls" --data-urlencode "v=$v")
	ARGS+=(--data-urlencode "p=$p1"); for _ in $(seq 2 "$npos"); do ARGS+=(--data-urlencode "p=$p"); done
	ARGS+=(--data-urlencode "g=$g" --data-urlencode "j=$j")
	[ "$v" = отсутствовал ] && { absent=1; cv=; }
	printf 'sch220206,%s,%s,%s,%s,%s,%s,%s,%s' "$P" "$code" "$cls" "$cv" "$g" "$j" "$absent" "$p1" >>"$CSV"
	for _ in $(seq 2 "$npos"); do printf ',%s' "$p" >>"$CSV"; done
	printf '\n' >>"$CSV"
}
start_rows() { # FILE: a new post and CSV
	ARGS=(); CSV=$1
	echo "school,procedure,code,class,variant,gender,journal_mark,absent,$labels" >"$CSV"
}
# The page's cell notes as «CODE: cell|bad or warn|message», sorted.
page_notes() {
	grep -o '<td class="\(bad\|warn\)"><input[^>]*>' "$T/body" |
		sed 's/^<td class="\([a-z]*\)">.*aria-label="\([^"]*\)".*title="\([^"]*\)".*$/\2|\1|\3/' | sort
}
# The file's problems (--report CSV) as the same lines: the row is the CSV's line, the
# first data row 2 being the first posted row; the cell is named as the grid names it.
file_notes() { # REPORT CODES...
	local report=$1; shift
	local codes="" i=2
	for c in "$@"; do codes="$codes UNION ALL SELECT $i, '$c'"; i=$((i + 1)); done
	sqlite3 -batch -noheader :memory: ".import --csv $report r" "
		WITH posted(row, code) AS (SELECT 0, '' $codes),
		d AS (SELECT p.code AS pc, r.severity AS sev, r.code AS rule, r.message AS msg,
			CASE WHEN r.column = '' THEN '' ELSE substr(r.column, instr(r.column, '«') + 1,
				length(r.column) - instr(r.column, '«') - 1) END AS h
			FROM r JOIN posted p ON p.row = CAST(r.row AS INTEGER) WHERE r.severity <> 'note')
		SELECT pc || ': ' || CASE
			WHEN h = 'class' THEN 'класс' WHEN h IN ('variant', 'absent') THEN 'вариант'
			WHEN h = 'gender' THEN 'пол' WHEN h = 'journal_mark' THEN 'отметка по журналу'
			WHEN h = '' AND rule IN ('absent_with_scores', 'partial_work') THEN 'вариант'
			WHEN h = '' THEN '(строка)' ELSE 'позиция ' || h END
			|| '|' || CASE sev WHEN 'error' THEN 'bad' ELSE 'warn' END || '|' || msg FROM d" | sort
}
export_of() { OKO_DB=$1 "$OKO" export results --procedure $P | sort; }

# ---- 1. stored with marks: the same warnings, the same rows ----
start_rows "$T/save1.csv"
row "${C[0]}" 4А 1 ж 4 1
row "${C[1]}" 4А отсутствовал м "" 1
row "${C[2]}" 4А 2 ж 5 1 0
row "${C[3]}" 4А "" м 3 1
row "${C[4]}" 4А 1 ж 9 0
row "${C[5]}" "" "" "" "" ""
post school1 "/grid/$P" "${ARGS[@]}"
expect_eq "grid: stored with marks" "$code" 200
expect_grep "grid: says it is stored" "$T/body" "Результаты сохранены. Строк с отмеченными проблемами: 3"
OKO_DB=$DB2 "$OKO" import results "$T/save1.csv" --strict --report "$T/r1.csv" >"$T/out" 2>"$T/err"
expect_eq "file: stored with marks" "$?" 0
page_notes >"$T/page1"
file_notes "$T/r1.csv" "${C[@]}" >"$T/file1"
expect_eq "three warnings at their cells" "$(wc -l <"$T/page1")" 3
expect_grep "absent with points at the variant" "$T/page1" "${C[1]}: вариант|warn|участник отмечен отсутствовавшим, но у него есть баллы"
if diff "$T/page1" "$T/file1" >"$T/diff"; then ok "grid and file: the same problems at the same cells"
else fail "grid and file problems differ"; sed 's/^/# /' "$T/diff"; fi
if diff <(export_of "$DB1") <(export_of "$DB2") >"$T/diff"; then ok "grid and file: the same rows stored"
else fail "grid and file stored different rows"; sed 's/^/# /' "$T/diff"; fi
expect_eq "the same problem bits" "$(sql "SELECT group_concat(code || ':' || problems, ' ') FROM (SELECT code, problems FROM result ORDER BY code)")" \
	"$(OKO_DB=$DB2 sql "SELECT group_concat(code || ':' || problems, ' ') FROM (SELECT code, problems FROM result ORDER BY code)")"
expect_eq "absent stored as absent, without points" "$(sql "SELECT absent || ' ' || coalesce(CAST(primary_score AS TEXT), '-') FROM result WHERE code = '${C[1]}'")" "1 -"
expect_eq "blank row stored nowhere" "$(sql "SELECT count(*) FROM result WHERE code = '${C[5]}'") $(OKO_DB=$DB2 sql "SELECT count(*) FROM result WHERE code = '${C[5]}'")" "0 0"

# ---- 2. refused: an impossible point, a point over its position's maximum (the school's
# own typing, checked strictly), a variant that is not a number ----
before1=$(export_of "$DB1"); before2=$(export_of "$DB2")
start_rows "$T/save2.csv"
row "${C[0]}" 4А 1 ж 4 201 1
row "${C[1]}" 4А пять м 4 1
row "${C[2]}" 4А отсутствовал ж "" 1
row "${C[3]}" 4А 2 м 5 7 1
post school1 "/grid/$P" "${ARGS[@]}"
expect_eq "grid: refused" "$code" 400
expect_grep "grid: counts the rows with errors" "$T/body" "строк с ошибками — 3"
OKO_DB=$DB2 "$OKO" import results "$T/save2.csv" --strict --report "$T/r2.csv" >"$T/out" 2>"$T/err"
expect_eq "file: refused" "$?" 1
page_notes >"$T/page2"
file_notes "$T/r2.csv" "${C[@]}" >"$T/file2"
expect_eq "three errors and a warning" "$(cut -d'|' -f2 "$T/page2" | sort | uniq -c | awk '{ print $1, $2 }' | paste -sd' ')" "3 bad 1 warn"
expect_grep "over the maximum refused at its position" "$T/page2" "${C[3]}: позиция $first|bad|"
if diff "$T/page2" "$T/file2" >"$T/diff"; then ok "grid and file: the same refusal at the same cells"
else fail "grid and file refusals differ"; sed 's/^/# /' "$T/diff"; fi
expect_eq "grid: nothing stored" "$(export_of "$DB1")" "$before1"
expect_eq "file: nothing stored" "$(export_of "$DB2")" "$before2"

# ---- 3. a bad code: the grid takes only its own codes; the file refuses a code not digits
ARGS=(); start_rows "$T/save3.csv"
row "4000x" 4А 1 ж 4 1
post school1 "/grid/$P" "${ARGS[@]}"
expect_eq "grid: a code not of the page refused" "$code" 400
OKO_DB=$DB2 "$OKO" import results "$T/save3.csv" --strict >"$T/out" 2>"$T/err"
expect_eq "file: a code not digits refused" "$?" 1
expect_grep "file: says the code" "$T/err" "код участника должен состоять из цифр"
expect_eq "both: nothing stored" "$(export_of "$DB1") $(export_of "$DB2")" "$before1 $before2"
expect_eq "the grid saves recorded as «сетка ввода»" "$(sql "SELECT count(*) FROM upload WHERE file = 'сетка ввода'")" 1
