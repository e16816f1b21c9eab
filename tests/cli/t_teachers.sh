#!/bin/bash
# Teachers in the risk zone (issue 20, item 4): teachers.csv imported whole or not at all with
# Russian problems by row and column; names sealed; a constructed region where one
# teacher's class has journal marks far above its results → that teacher, and only that one,
# in the zone; teachers.csv of `oko analyze` without names; the school's page shows the name,
# the municipality's a count and no name.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

G=$T/g
"$OKO" gen --out "$G" --schools 40 --municipalities 2 --years 2021 --subjects MA --grades 4 \
	--manipulated 0 --seed 6 >/dev/null
# The planted teacher's class: the largest class of a school that has two or more classes;
# its journal marks all «5» whatever the work's score.
awk -F, 'NR > 1 && $8 == "0" { n[$1 "," $4]++ } END { for (k in n) print n[k], k }' \
	"$G/results.csv" | sort -k1,1nr -k2 | tr ',' ' ' | awk '{ c[$2]++; if (!($2 in best)) best[$2] = $3 }
	END { for (s in c) if (c[s] >= 2) print s, best[s] }' | sort >"$T/two"
read -r SCH CLS < <(head -1 "$T/two")
[ -n "$SCH" ] && ok "a school with two classes: $SCH $CLS" || fail "no school with two classes"
# A second such school marks leniently as a whole (every journal mark «5»): that is the
# school-level sign's evidence, not its teachers' (each is contrasted with the rest of it).
read -r SCH2 _ < <(sed -n 2p "$T/two")
[ -n "$SCH2" ] && ok "a second school with two classes: $SCH2" || fail "no second school with two classes"
awk -F, -v s="$SCH" -v c="$CLS" -v s2="$SCH2" 'BEGIN { OFS = "," }
	NR > 1 && $8 == "0" && (($1 == s && $4 == c) || $1 == s2) { $7 = 5 } { print }' \
	"$G/results.csv" >"$T/results.csv"
"$OKO" init >/dev/null
"$OKO" import schools "$G/schools.csv" >/dev/null
"$OKO" import procedures "$G/procedures.csv" >/dev/null
"$OKO" import results "$T/results.csv" >/dev/null 2>&1

# Every class its own teacher; the planted class's teacher by a Russian subject name.
surnames=(Смирнова Кузнецова Попова Васильева Соколова Михайлова Новикова Федорова)
{
	echo "school,class,subject,teacher"
	cut -d, -f1,4 "$G/results.csv" | tail -n +2 | sort -u | while IFS=, read -r s c; do
		if [ "$s" = "$SCH" ] && [ "$c" = "$CLS" ]; then
			echo "$s,$c,математика,Уникальнова Мария Петровна"
		else
			echo "$s,$c,MA,${surnames[$((10#${s: -2} % 8))]} Анна ${c:1}"
		fi
	done
} >"$T/teachers.csv"
nclasses=$(($(wc -l <"$T/teachers.csv") - 1))

# --- bad files change nothing and name row and column
before=$(db_digest)
printf 'school,class,subject,teacher\n%s,4А,MA,Иванова Анна\nsch000000,4А,MA,Петрова Анна\n%s,четвёртый,MA,Петрова Анна\n%s,4А,химия и жизнь,Петрова Анна\n%s,4Б,MA,Петрова 7\n%s,9А,MA,Сидорова Анна\n%s,4А,MA,Сидорова Анна\n' \
	"$SCH" "$SCH" "$SCH" "$SCH" "$SCH" "$SCH" >"$T/bad.csv"
expect_fail "a file with wrong rows is refused" import teachers "$T/bad.csv" --year 2021
expect_grep "unknown school: row and column" "$T/err" "строка 3, столбец 1 «school»"
expect_grep "not a class" "$T/err" "строка 4, столбец 2 «class»"
expect_grep "unknown subject" "$T/err" "неизвестный предмет"
expect_grep "not a name" "$T/err" "строка 6, столбец 4 «teacher»"
expect_grep "no procedure of the grade" "$T/err" "нет процедур по предмету «математика» для 9 класса за 2021 год"
expect_grep "a class twice" "$T/err" "уже указан выше (строка 2)"
expect_eq "nothing stored after a refusal" "$(db_digest)" "$before"
expect_fail "without --year or --procedure" import teachers "$T/teachers.csv"
expect_grep "year asked for" "$T/err" "не указан учебный год"
printf 'школа;класс;предмет\n%s;4А;MA\n' "$SCH" >"$T/nohdr.csv"
expect_fail "a header without the teacher" import teachers "$T/nohdr.csv" --year 2021
expect_fail "a row of another procedure" import teachers "$T/teachers.csv" --procedure VPR-2021-MA-5
expect_eq "still nothing stored" "$(db_digest)" "$before"

# --- the good file, names sealed
expect_ok "teachers imported" import teachers "$T/teachers.csv" --year 2021
expect_grep "every class assigned" "$T/out" "назначено классов: $nclasses"
expect_eq "assignments stored" "$(sql 'SELECT count(*) FROM class_teacher')" "$nclasses"
expect_ok "the same file again" import teachers "$T/teachers.csv" --year 2021
expect_grep "teachers found again, none new" "$T/out" "новых учителей: 0"
if is_pg; then
	expect_eq "no name in plain text" "$(sql "SELECT count(*) FROM teacher WHERE position('\\x$(printf 'Уникальнова' | xxd -p | tr -d '\n')'::bytea in name_enc) > 0")" 0
else
	grep -qaF "Уникальнова" "$OKO_DB" && fail "a name in plain text in the database" || ok "no name in plain text"
fi
"$OKO" teachers list --school "$SCH" >"$T/list" 2>&1
expect_grep "the operator lists the school's teachers by name" "$T/list" "Уникальнова Мария Петровна"

# --- the analysis: that teacher and only that one
out=$(mktemp -d "$T/out.XXXXXX")
expect_ok "analysis runs" analyze --out "$out"
test -f "$out/teachers.csv" && ok "teachers.csv written" || fail "no teachers.csv"
grep -q "Уникальнова\|Анна" "$out/teachers.csv" && fail "a name in teachers.csv" || ok "teachers.csv has no names"
tid=$(sql "SELECT t.teacher_id FROM class_teacher t JOIN school s ON s.id = t.school_id WHERE s.login = '$SCH' AND t.class = '$CLS'")
listed=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "listed") L = i; next } $L == 1 { print $1 }' "$out/teachers.csv" | tr '\n' ' ')
expect_eq "only the planted teacher in the zone" "$listed" "$tid "
expect_grep "its strongest evidence is journal leniency" "$out/teachers.csv" ",1,journal_lenient"
expect_eq "every assessed teacher has a journal p, small classes too" \
	"$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "p_journal_lenient") J = i; next } $J == "" { n++ } END { print n + 0 }' "$out/teachers.csv")" 0
expect_eq "the wholly lenient school's teachers are not in the zone" \
	"$(awk -F, -v s="$SCH2" 'NR > 1 && $2 == s && $0 ~ /,1,[a-z_]*$/ { n++ } END { print n + 0 }' "$out/teachers.csv")" 0
expect_eq "the school sign flags that school" \
	"$(awk -F, -v s="$SCH2" '$1 == s && $3 == "journal_lenient" && $7 == "flag" { n++ } END { print n + 0 }' "$out/signs.csv")" 1

expect_eq "stored with the run" "$(sql 'SELECT count(*) FROM run_teacher WHERE listed = 1')" 1
expect_eq "every teacher of the school assessed" "$(sql "SELECT count(*) FROM run_teacher r JOIN school s ON s.id = r.school_id WHERE s.login = '$SCH'")" \
	"$(grep -c "^$SCH," "$T/teachers.csv")"
"$OKO" teachers zone --school "$SCH" >"$T/zone" 2>&1
expect_grep "the operator as the school: the name" "$T/zone" "Уникальнова Мария Петровна"
"$OKO" teachers zone >"$T/zone2" 2>&1
grep -q "Уникальнова" "$T/zone2" && fail "the region's view names a teacher" || ok "the region's view names nobody"
expect_grep "the region's view: a count" "$T/zone2" "всего учителей в зоне риска: 1"

# --- over HTTP: the name for the school, a count for the municipality
mun=$(sql "SELECT m.name FROM school s JOIN municipality m ON m.id = s.municipality_id WHERE s.login = '$SCH'")
add() { "$OKO" user add "$1" --role "$2" ${3:+--scope "$3"} --name "$1 name" --password "password-$1" >/dev/null; }
add sch school "$SCH"
add mun municipality "$mun"
add reg region
start_server
for u in sch mun reg; do login $u "password-$u"; done
get sch /teachers
expect_eq "the school's page opens" "$code" 200
expect_grep "the school sees its teacher by name" "$T/body" "Уникальнова Мария Петровна"
expect_grep "with the evidence in words" "$T/body" "Завышенные отметки в журнале"
get mun /teachers
expect_eq "the municipality's page opens" "$code" 200
grep -q "Уникальнова" "$T/body" && fail "the municipality sees a name" || ok "the municipality sees no name"
grep -q "Анна" "$T/body" && fail "the municipality sees another teacher's name" || ok "no teacher's name at all"
expect_grep "the municipality sees the count" "$T/body" '<td class="teachers-listed">1</td>'
get reg /teachers
grep -q "Уникальнова" "$T/body" && fail "the region sees a name" || ok "the region sees no name"
# The evidence card counts the school's teachers in the zone for every reader, names none.
get mun "/risk/$SCH"
expect_eq "the municipality opens the school's evidence card" "$code" 200
expect_grep "the card counts the teachers in the zone" "$T/body" "в зоне риска — 1. Кто именно, видит только сама школа"
grep -q "Уникальнова" "$T/body" && fail "the card shows the municipality a name" || ok "the card shows the municipality no name"
get mun "/risk/$SCH/pdf"
expect_eq "the card's PDF opens" "$code" 200
pdftotext "$T/body" "$T/card.txt" 2>/dev/null
flat=$(tr '\n' ' ' <"$T/card.txt" | tr -s ' ')
[[ "$flat" == *"Учителя в зоне риска По этому анализу оценено"*"в зоне риска — 1. Кто именно, видит только сама школа"* ]] &&
	ok "the PDF counts the teachers in the zone" || fail "the PDF counts the teachers in the zone"
grep -q "Уникальнова" "$T/card.txt" && fail "the PDF names no teacher" || ok "the PDF names no teacher"
get sch "/risk/$SCH"
expect_grep "the school's own card links to its names" "$T/body" '<a href="/teachers">'
grep -q "Уникальнова" "$T/body" && fail "the card itself names a teacher" || ok "the card itself names no teacher"
post mun /teachers --data-urlencode procedure=VPR-2021-MA-4 --data-urlencode "class=$CLS" --data-urlencode "teacher=Другая Учительница"
expect_eq "the municipality may not assign" "$code" 403
# The school types a teacher in, then removes the assignment.
other=$(sql "SELECT class FROM class_teacher t JOIN school s ON s.id = t.school_id WHERE s.login = '$SCH' AND t.class <> '$CLS' ORDER BY t.class LIMIT 1")
post sch /teachers --data-urlencode procedure=VPR-2021-MA-4 --data-urlencode "class=$other" --data-urlencode "teacher=Новенькая Ольга Ивановна"
expect_eq "the school assigns a class" "$code" 200
expect_grep "saved" "$T/body" "сохранён"
expect_grep "the form shows the new name" "$T/body" "Новенькая Ольга Ивановна"
post sch /teachers --data-urlencode procedure=VPR-2021-MA-4 --data-urlencode "class=$other" --data-urlencode "teacher=Новенькая 123"
expect_eq "a name that is not a name is refused" "$code" 400
printf 'school,class,subject,teacher\n%s,%s,MA,Уникальнова Мария Петровна\n' "$SCH" "$CLS" >"$T/one.csv"
upload sch /teachers/import -F "file=@$T/one.csv" -F year=2021
expect_eq "the school uploads its file" "$code" 200
other_sch=$(sql "SELECT login FROM school WHERE login <> '$SCH' ORDER BY login LIMIT 1")
printf 'school,class,subject,teacher\n%s,4А,MA,Чужая Анна\n' "$other_sch" >"$T/foreign.csv"
upload sch /teachers/import -F "file=@$T/foreign.csv" -F year=2021
expect_eq "another school's rows refused" "$code" 400
expect_grep "the reason" "$T/body" "другая школа"

