#!/bin/bash
# The home pages and the upload result in the users' words (issue 18): a municipal
# coordinator's tiles are its district's, a school's home has no «1 школ», the problems of an
# upload are named by their Russian titles (no [rule_key]), a CSV line with the wrong number
# of cells is said to be one, Russian plural forms, no ISO timestamps and no decimal points.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
"$OKO" import procedures "$DATA/procedures.csv" >/dev/null
"$OKO" import results "$DATA/results/canonical.csv" >/dev/null 2>&1
"$OKO" import results "$DATA/results/multi.csv" >/dev/null 2>&1
add() { "$OKO" user add "$1" --role "$2" ${3:+--scope "$3"} --name "$1 name" --password "password-$1" >/dev/null; }
add reg region
add mun municipality "г. Барнаул"
add sch school sch220206
start_server
for u in reg mun sch; do login $u "password-$u"; done

# text PAGE: the page's visible text (tags, scripts and styles out), one line per element.
text() { sed -e 's/<script[^>]*>.*<\/script>//g; s/<[^>]*>/\n/g' "$1" | sed -e 's/&nbsp;/ /g' | grep -v '^\s*$'; }
# tile N LABEL: the figure of the home page tile with that label (thin spaces dropped).
tile() { grep -oE "<li><strong>[^<]*</strong>$1</li>" "$T/body" | sed 's/<[^>]*>//g; s/[^0-9]//g'; }
# lacks DESCRIPTION FILE REGEX: no line of the file matches (the lines that do are shown).
lacks() {
	if grep -qE -- "$3" "$2"; then fail "$1"; grep -E -- "$3" "$2" | head -5 | sed 's/^/# /'; else ok "$1"; fi
}
# no_machine_words NAME: no ISO timestamp, no «(UTC)», no decimal point in a number, no
# [rule_key] in the page's text.
no_machine_words() {
	text "$T/body" >"$T/text"
	lacks "$1: no ISO timestamps" "$T/text" '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}'
	lacks "$1: no «(UTC)»" "$T/text" 'UTC'
	lacks "$1: no decimal point in numbers" "$T/text" '(^|[^0-9.«])[0-9]+\.[0-9]+($|[^0-9.»])'
	lacks "$1: no rule keys" "$T/text" '\[[a-z_]+\]'
}

# --- the municipal coordinator's home: its district's figures, as sqlite3 counts them
get mun /
expect_eq "municipal home answers" "$code" 200
mun_id=$(sql "SELECT id FROM municipality WHERE name = 'г. Барнаул'")
expect_eq "municipal tile: its schools" "$(tile 'школ[аы]*')" "$(sql "SELECT count(*) FROM school WHERE municipality_id = $mun_id")"
expect_eq "municipal tile: procedures its schools have results of" "$(tile 'процедур[аы]*')" \
	"$(sql "SELECT count(DISTINCT r.procedure_id) FROM result r JOIN school s ON s.id = r.school_id WHERE s.municipality_id = $mun_id")"
expect_eq "municipal tile: its results" "$(tile 'результат[аов]*')" \
	"$(sql "SELECT count(*) FROM result r JOIN school s ON s.id = r.school_id WHERE s.municipality_id = $mun_id")"
check "… not the region's results" [ "$(tile 'результат[аов]*')" != "$(sql "SELECT count(*) FROM result")" ]
lacks "municipal home has no municipalities tile" "$T/body" 'муниципалитет[аов]*</li>'
expect_grep "procedures by title, the code in a tooltip" "$T/body" '<span title="VPR-2021-MA-4">ВПР, математика, 4 класс, 2021</span>'
no_machine_words "municipal home"

get reg /
expect_eq "the region's tile counts every school" "$(tile 'школ[аы]*')" "$(sql "SELECT count(*) FROM school")"

# --- the school's home
get sch /
expect_eq "school home answers" "$code" 200
lacks "school home has no «1 школ»" "$T/body" '>1</strong>школ'
lacks "… nor «1 муниципалитетов»" "$T/body" '</strong>муниципалитет'
expect_eq "school tile: its procedures with results" "$(tile 'процедур[аы]* с результатами')" \
	"$(sql "SELECT count(DISTINCT procedure_id) FROM result WHERE school_id = (SELECT id FROM school WHERE login = 'sch220206')")"
expect_grep "school home lists its results by procedure" "$T/body" "Результаты школы"
no_machine_words "school home"

# --- an upload with bad cells: Russian rule titles, no keys
hdr=$(head -1 "$DATA/results/canonical.csv")
{ echo "$hdr"; echo "sch220206,VPR-2021-MA-4,40101,4А,1,ж,7,0,1,1,2,1,1,1,1,1,1,2,1,1,250,2,2"; } >"$T/bad.csv"
upload sch /upload -F "file=@$T/bad.csv" -F dry_run=1
expect_eq "a file with doubtful cells passes the check" "$code" 200
expect_grep "the cell's problem in Russian" "$T/body" "балл позиции отрицательный или больше 200"
expect_grep "the journal mark's problem in Russian" "$T/body" "отметка по журналу не 2–5"
lacks "no [score_range] key" "$T/body" '\[score_range\]'
lacks "no [journal_mark] key" "$T/body" '\[journal_mark\]'
expect_grep "one marked row: «1 строка»" "$T/body" "1 строка с отмеченными проблемами"
no_machine_words "upload result"

# --- a line with the wrong number of cells is said to be one (it used to read the code as
# the procedure: «неизвестная процедура»)
{ echo "$hdr"; echo "sch220206,40102,4А,1,ж"; } >"$T/short.csv"
ncols=$(head -1 "$DATA/results/canonical.csv" | tr ',' '\n' | wc -l)
upload sch /upload -F "file=@$T/short.csv" -F dry_run=1
expect_eq "a broken line refuses the file" "$code" 400
expect_grep "… said as a wrong column count" "$T/body" "в строке 5 столбцов, а по заголовку должно быть $ncols"
lacks "… not as an unknown procedure" "$T/body" 'неизвестная процедура'
{ echo "$hdr"; echo "sch220206,VPR-2021-MA-4,40103,4А,1,ж,5,0,1,1,2,1,1,1,1,1,1,2,1,1,2,2,2,1,1"; } >"$T/long.csv"
upload sch /upload -F "file=@$T/long.csv" -F dry_run=1
expect_grep "a line with values past the header too" "$T/body" "в строке $((ncols + 2)) столбцов, а по заголовку должно быть $ncols"
{ echo "$hdr"; echo "sch220206,VPR-2021-MA-4,40104,4А,1,ж,5,0,1,1,2,1,1,1,1,1,1,2,1,1,2,2,2,,"; } >"$T/trail.csv"
upload sch /upload -F "file=@$T/trail.csv" -F dry_run=1
expect_eq "empty cells past the header are no problem" "$code" 200

# --- plural forms: 1, 2, 5, 11, 21 marked rows
for n in 1 2 5 11 21; do
	{ echo "$hdr"
	  for i in $(seq "$n"); do echo "sch220206,VPR-2021-MA-4,$((41000 + i)),4А,1,ж,7,0,1,1,2,1,1,1,1,1,1,2,1,1,2,2,2"; done
	} >"$T/n$n.csv"
	upload sch /upload -F "file=@$T/n$n.csv" -F dry_run=1
	case $n in 1|21) want="$n строка" ;; 2) want="$n строки" ;; *) want="$n строк" ;; esac
	expect_grep "$n marked rows: «$want с отмеченными проблемами»" "$T/body" "$want с отмеченными проблемами"
done

# --- the upload form names procedures by title, the code the value sent
get sch /upload
expect_grep "upload form: procedures by title" "$T/body" '<option value="VPR-2021-MA-4" title="VPR-2021-MA-4">ВПР, математика, 4 класс, 2021</option>'
no_machine_words "upload form"

# A number a page says in its sentences goes through html_int / html_count, which group its
# thousands («Проведений: 5 542»); a bare %zu/%ld/%lld in Russian text printed «5542».
root=$(cd "$(dirname "$0")/../.." && pwd)
lacks "pages print counts with the Russian grouping" <(grep -rnP 'html_printf\(b, "[^"]*[\x{0400}-\x{04FF}][^"]*%(zu|ld|lld)' "$root/src/web/pages") '.'

echo "1..$_n"
