#!/bin/bash
# The seven ФИС ОКО analytics reports over real HTTP: numbers of a hand-made fixture on the
# page (computed by hand below), SVG charts, the XLSX download, and the permission matrix
# of the report routes (own / foreign territory, roles without access).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

# A procedure with 4 positions (max 1, 2, 2, 1 → 6) and the scale 2/4/5:
# «2» for 0–1, «3» for 2–3, «4» for 4, «5» for 5–6.
cat >"$T/procs.csv" <<'EOF'
procedure,kind,year,subject,grade,max_score,positions,scale
VPR-2022-MA-4,VPR,2022,MA,4,6,1:1:Б 2:2:Б 3:2:П 4:1:В,2/4/5
EOF
# sch220206: 10 wrote, 1 absent.            score mark journal
{
	echo "school,procedure,code,class,variant,gender,journal_mark,absent,1,2,3,4"
	cat <<'EOF'
sch220206,VPR-2022-MA-4,1001,4А,1,ж,5,0,1,2,2,1
sch220206,VPR-2022-MA-4,1002,4А,2,м,4,0,1,2,1,0
sch220206,VPR-2022-MA-4,1003,4А,1,м,4,0,1,1,1,0
sch220206,VPR-2022-MA-4,1004,4А,2,ж,3,0,1,1,0,0
sch220206,VPR-2022-MA-4,1005,4Б,1,м,5,0,1,0,0,0
sch220206,VPR-2022-MA-4,1006,4Б,2,ж,2,0,1,2,1,1
sch220206,VPR-2022-MA-4,1007,4Б,1,м,3,0,0,1,0,0
sch220206,VPR-2022-MA-4,1008,4Б,2,ж,,0,1,2,0,0
sch220206,VPR-2022-MA-4,1009,4Б,1,м,4,0,1,2,2,0
sch220206,VPR-2022-MA-4,1010,4Б,2,ж,3,0,X,X,0,0
sch220206,VPR-2022-MA-4,1011,4Б,1,м,4,1,,,,
EOF
	# sch220207 (same municipality): 10 × score 2 → «3», journal 3.
	for i in $(seq 2001 2010); do echo "sch220207,VPR-2022-MA-4,$i,4А,1,м,3,0,1,1,0,0"; done
	# edu223017 (another municipality): 5 × score 6 → «5», journal 5.
	for i in $(seq 3001 3005); do echo "edu223017,VPR-2022-MA-4,$i,4А,1,ж,5,0,1,2,2,1"; done
} >"$T/results.csv"
printf 'login,name,municipality,region,kind,settlement,indepth\nsch667,"<script>alert(1)</script> школа",г. Барнаул,Алтайский край,СОШ,город,0\n' >"$T/xss.csv"

"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
"$OKO" import schools "$T/xss.csv" >/dev/null
"$OKO" import procedures "$T/procs.csv" >/dev/null
"$OKO" import results "$T/results.csv" >/dev/null 2>&1
expect_eq "fixture stored" "$(sql 'SELECT count(*) FROM result')" 26
MUN=$(sql "SELECT id FROM municipality WHERE name = 'г. Барнаул'")
MUN2=$(sql "SELECT id FROM municipality WHERE name = 'Краснощёковский район'")
REG=$(sql "SELECT id FROM region")
add() { "$OKO" user add "$1" --role "$2" ${3:+--scope "$3"} --name "$1 name" --password "password-$1" >/dev/null; }
add admin admin
add reg region
add mun municipality "г. Барнаул"
add sch school sch220206
add sch2 school edu223017
add exp expert
start_server
for u in admin reg mun sch sch2 exp; do login $u "password-$u"; done
P=/reports/VPR-2022-MA-4

# --- permission matrix: user path expected-status
while read -r who path want; do
	get "$who" "$path"
	expect_eq "$who GET $path → $want" "$code" "$want"
done <<MATRIX
admin /reports 200
reg /reports 200
mun /reports 200
sch /reports 200
exp /reports 403
admin $P 200
admin $P?region=$REG 200
admin $P?municipality=$MUN2 200
admin $P?school=edu223017 200
reg $P 200
reg $P?school=sch220206 200
mun $P 200
mun $P?municipality=$MUN 200
mun $P?school=sch220206 200
mun $P?school=edu223017 404
mun $P?municipality=$MUN2 404
mun $P?region=$REG 404
sch $P 200
sch $P?school=sch220206 200
sch $P?school=sch220207 404
sch $P?school=edu223017 404
sch $P?municipality=$MUN 404
sch $P?region=$REG 404
sch2 $P?school=sch220206 404
exp $P 403
exp $P?school=sch220206 403
exp $P/xlsx?school=sch220206 403
sch $P/xlsx 200
sch $P/xlsx?school=sch220207 404
mun $P/xlsx?school=edu223017 404
admin /reports/VPR-1999-MA-4 404
admin $P?school=nonexistent 404
admin $P?municipality=abc 400
admin $P?evil=1 400
admin $P?school=sch220206&municipality=$MUN 400
MATRIX
get sch "$P?school=sch220207"
grep -q "Лицей" "$T/body" && fail "404 for a foreign school leaks its name" || ok "404 for a foreign school leaks nothing"
get - "$P"
expect_eq "anonymous report redirects to login" "$code" 303

# --- the school's numbers, computed by hand
get sch "$P"
cp "$T/body" "$T/school.html"
expect_grep "report headed by the school" "$T/school.html" 'школа: <strong>МБОУ &quot;СОШ № 1&quot;</strong>'
expect_grep "compared with municipality and region" "$T/school.html" "в сравнении с: г. Барнаул, Алтайский край"
expect_grep "anchors of all seven sections" "$T/school.html" 'href="#people"'
for id in marks journal scores tasks planned groups people; do
	expect_grep "section $id present" "$T/school.html" "id=\"$id\""
done
n_svg=$(grep -o '<svg class="chart"' "$T/school.html" | wc -l)
[ "$n_svg" -ge 4 ] && ok "inline SVG charts ($n_svg)" || fail "inline SVG charts: $n_svg"
expect_grep "charts are accessible images" "$T/school.html" 'role="img" aria-labelledby='
# 1. marks: 3/3/1/3 of 10 → 30.0 30.0 10.0 30.0; municipality 3/13/1/3 of 20; region 3/13/1/8 of 25
expect_grep "school «2» 30,0 %" "$T/school.html" 'title="3 чел.">30,0<'
expect_grep "school «4» 10,0 %" "$T/school.html" 'title="1 чел.">10,0<'
expect_grep "municipality «3» 65,0 %" "$T/school.html" 'title="13 чел.">65,0<'
expect_grep "region «3» 52,0 %" "$T/school.html" 'title="13 чел.">52,0<'
expect_grep "region «5» 32,0 %" "$T/school.html" 'title="8 чел.">32,0<'
expect_grep "school mean 3,0" "$T/school.html" '<strong>3,0</strong>средний балл из 6'
# 2. journal: 9 with a journal mark; lower 4 (44.4), equal 3 (33.3), higher 2 (22.2); gaps ≥ 2: 1 and 1
expect_grep "понизили 44,4 %" "$T/school.html" '44,4 %<br><small class="muted">4 чел.'
expect_grep "подтвердили 33,3 %" "$T/school.html" '33,3 %<br><small class="muted">3 чел.'
expect_grep "повысили 22,2 %" "$T/school.html" '22,2 %<br><small class="muted">2 чел.'
expect_grep "gaps of two marks counted" "$T/school.html" "Расхождение на две отметки и более: 2 чел."
# 3. distribution: rough note, boundary lines, score 1 has 2 of 10 = 20.0
expect_grep "small N marked rough" "$T/school.html" "Участников меньше 20"
expect_grep "boundary table" "$T/school.html" "«4» от 4: 4 и 3"
expect_grep "score 1: 2 participants, 20,0 %" "$T/school.html" '<td class="num">1</td><td class="num">2</td><td class="num">20,0</td>'
# 4. tasks: 80.0 65.0 35.0 20.0; position 4 (В) below 28.5 %
expect_grep "position 1 success 80,0" "$T/school.html" '<td class="num">80,0</td>'
expect_grep "position 2 success 65,0" "$T/school.html" '<td class="num">65,0</td>'
expect_grep "position 3 success 35,0" "$T/school.html" '<td class="num">35,0</td>'
expect_grep "position 4 flagged below" "$T/school.html" '<tr class="err"><th scope="row">4</th><td>В</td>'
# 5. planned: position 2 — maximum 5 of 10 (50.0), at least half 8 of 10 (80.0)
expect_grep "position 2 achieved 50,0 / 80,0" "$T/school.html" '<th scope="row">2</th><td class="num">50,0</td><td class="num">80,0</td>'
# 6. groups: every group below 10 → not analysable
expect_grep "small groups not analysable" "$T/school.html" "3 чел., не анализируется"
# 7. individual results: codes, scores, X, absent
expect_grep "participant code listed" "$T/school.html" '<th scope="row">1010</th>'
expect_grep "X shown for not attempted" "$T/school.html" '<td class="num muted">X</td>'
expect_grep "absent participant shown" "$T/school.html" "отсутствовал"

# --- a municipality and the region
get mun "$P"
expect_grep "municipality report names it" "$T/body" "муниципалитет: <strong>г. Барнаул</strong>"
expect_grep "histogram with mark boundaries (N = 20)" "$T/body" '<line class="bound"'
expect_grep "boundary labelled" "$T/body" '«3» от 2</text>'
expect_grep "municipality links its schools' reports" "$T/body" "?school=sch220207#people"
expect_grep "school names escaped in the list" "$T/body" "&lt;script&gt;alert(1)&lt;/script&gt; школа"
grep -q "<script>alert" "$T/body" && fail "raw script on the report page" || ok "no raw script on the report page"
grep -q '<th scope="row">1001</th>' "$T/body" && fail "municipality page lists participants" || ok "municipality page has no individual rows"
get admin "$P"
expect_grep "region report for admin" "$T/body" "регион: <strong>Алтайский край</strong>"
expect_grep "region «5» on its own page" "$T/body" 'title="8 чел.">32,0<'

# --- the chooser redirects to the report's address
get mun "/reports?procedure=VPR-2022-MA-4&unit=mun:$MUN&school="
expect_eq "chooser redirects" "$code" 303
get mun "/reports?procedure=VPR-2022-MA-4&unit=mun:$MUN&school=sch220206"
expect_eq "chooser with a school redirects" "$code" 303

# --- XLSX
code=$(curl -s -o "$T/r.xlsx" -D "$T/h" -w '%{http_code}' -b "$T/sch.jar" "$URL$P/xlsx")
expect_eq "XLSX download" "$code" 200
expect_grep "XLSX content type" "$T/h" "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
expect_grep "XLSX is an attachment" "$T/h" 'attachment; filename="VPR-2022-MA-4-school.xlsx"'
# The Russian name, RFC 5987: «Аналитика ВПР, математика, 4 класс, 2022, школа.xlsx».
expect_grep "XLSX has the Russian file name" "$T/h" "filename*=UTF-8''$(python3 -c 'import urllib.parse; print(urllib.parse.quote("Аналитика ВПР, математика, 4 класс, 2022, школа.xlsx"))')"
expect_grep "XLSX is not cached" "$T/h" "Cache-Control: no-store"
if unzip -l "$T/r.xlsx" >"$T/zl" 2>&1; then ok "XLSX opens as a zip"; else fail "XLSX opens as a zip"; fi
n_sheets=$(grep -c 'xl/worksheets/sheet[0-9]*.xml' "$T/zl")
expect_eq "seven sheets for a school" "$n_sheets" 7
# Printed, each sheet is one page wide, in landscape (seven sheets took 19 pages).
unzip -p "$T/r.xlsx" xl/worksheets/sheet1.xml >"$T/s1.xml"
expect_grep "a sheet prints one page wide" "$T/s1.xml" '<pageSetUpPr fitToPage="1"/>'
expect_grep "… in landscape" "$T/s1.xml" 'orientation="landscape"'
unzip -p "$T/r.xlsx" xl/workbook.xml >"$T/wb.xml"
expect_grep "sheet names in Russian" "$T/wb.xml" "7 Индивидуальные"
unzip -p "$T/r.xlsx" xl/sharedStrings.xml >"$T/ss.xml"
expect_grep "participant codes in the workbook" "$T/ss.xml" "1010"
expect_grep "the sheets' titles name the procedure in words" "$T/ss.xml" "ВПР, математика, 4 класс, 2022: статистика по отметкам"
if grep -q 'VPR-2022-MA-4' "$T/ss.xml"; then fail "no procedure code in the workbook"; else ok "no procedure code in the workbook"; fi
code=$(curl -s -o "$T/m.xlsx" -w '%{http_code}' -b "$T/mun.jar" "$URL$P/xlsx")
expect_eq "municipality XLSX" "$code" 200
expect_eq "six sheets for a municipality (no individual rows)" "$(unzip -l "$T/m.xlsx" | grep -c 'xl/worksheets/sheet')" 6

# --- the school card links to its reports; the navigation has the section
get sch /schools/sch220206
expect_grep "school card links the reports" "$T/body" 'href="/reports/VPR-2022-MA-4?school=sch220206"'
expect_grep "navigation entry «Аналитика»" "$T/body" '<a href="/reports">Аналитика</a>'
get exp /
grep -q 'href="/reports"' "$T/body" && fail "expert sees the analytics entry" || ok "no analytics entry for an expert"

# --- the reports as a PDF: the page's numbers, the procedure by its title, the same scopes
get sch /reports
expect_grep "the quick list links each procedure's PDF" "$T/body" 'href="/reports/VPR-2022-MA-4/pdf">PDF</a>'
get sch "$P"
expect_grep "the report page links its PDF" "$T/body" 'href="/reports/VPR-2022-MA-4/pdf?school=sch220206"'
code=$(curl -s -o "$T/r.pdf" -D "$T/h" -w '%{http_code}' -b "$T/sch.jar" "$URL$P/pdf")
expect_eq "the school's report PDF" "$code" 200
check "… is a PDF" grep -q '^%PDF-' "$T/r.pdf"
expect_grep "… with a Russian file name" "$T/h" "filename*=UTF-8''%D0%90%D0%BD%D0%B0%D0%BB%D0%B8%D1%82%D0%B8%D0%BA%D0%B0%20%D0%92%D0%9F%D0%A0"
pdftotext -layout "$T/r.pdf" "$T/r.txt" 2>/dev/null
expect_grep "the PDF names the procedure by its title" "$T/r.txt" "ВПР, математика, 4 класс, 2022"
expect_grep "the PDF names the school" "$T/r.txt" 'МБОУ "СОШ № 1"'
grep -q 'sch220206' "$T/r.txt" && fail "… by its name, not its login" || ok "… by its name, not its login"
grep -q 'VPR-2022' "$T/r.txt" && fail "the PDF has no procedure code" || ok "the PDF has no procedure code"
# The page's figures: «2» 30,0 %, municipality «3» 65,0 %, понизили 44,4 %, position 2 achieved 50,0 / 80,0.
expect_grep "the PDF's mean as the page's (3,0 of 6)" "$T/r.txt" "средний балл 3,0 из 6"
check "the PDF's «2» share as the page's (30,0)" grep -Eq '^ *МБОУ.* 10 +30,0 +30,0 +10,0 +30,0 +3,0' "$T/r.txt"
expect_grep "the PDF's municipality «3» as the page's (65,0)" "$T/r.txt" "65,0"
check "the PDF's понизили as the page's (44,4 %, 4 чел.)" grep -Eq '^ *МБОУ.* 9 +44,4.% +33,3.% +22,2.%' "$T/r.txt"
check "the PDF's planned results as the page's (2: 50,0 / 80,0)" grep -Eq '^ *2 +50,0 +80,0' "$T/r.txt"
expect_grep "the PDF lists participants by code" "$T/r.txt" "1010"
grep -Eq '[0-9]\.[0-9]' "$T/r.txt" && fail "the PDF has no decimal points" || ok "the PDF has no decimal points"
code=$(curl -s -o "$T/m.pdf" -w '%{http_code}' -b "$T/mun.jar" "$URL$P/pdf")
expect_eq "the municipality's report PDF" "$code" 200
pdftotext -layout "$T/m.pdf" "$T/m.txt" 2>/dev/null
expect_grep "… names the municipality" "$T/m.txt" "муниципалитет: г. Барнаул"
grep -q "1010" "$T/m.txt" && fail "the municipality's PDF has no participants" || ok "the municipality's PDF has no participants"
while read -r who path want; do
	get "$who" "$path"
	expect_eq "$who GET $path → $want" "$code" "$want"
done <<MATRIX
admin $P/pdf?region=$REG 200
mun $P/pdf?school=edu223017 404
mun $P/pdf?municipality=$MUN2 404
sch $P/pdf?school=sch220207 404
sch2 $P/pdf?school=sch220206 404
exp $P/pdf 403
admin /reports/VPR-1999-MA-4/pdf 404
MATRIX

# --- the chooser's school field takes a part of the name (Cyrillic case folded)
redirect() { curl -s -o "$T/body" -D "$T/h" -w '%{http_code}' -b "$T/$1.jar" -G "$URL/reports" --data-urlencode "procedure=VPR-2022-MA-4" --data-urlencode "school=$2"; }
code=$(redirect mun "сош № 1")
expect_eq "one school found by a part of its name" "$code" 303
expect_grep "… opens its report" "$T/h" "Location: /reports/VPR-2022-MA-4?school=sch220206"
code=$(redirect mun "sch220206")
expect_grep "a login still opens the report" "$T/h" "Location: /reports/VPR-2022-MA-4?school=sch220206"
code=$(redirect admin "усть-козлухинская")
expect_eq "several schools: a list to choose from" "$code" 200
expect_grep "… links the first" "$T/body" 'href="/reports/VPR-2022-MA-4?school=edu223017"'
expect_grep "… and the second" "$T/body" 'href="/reports/VPR-2022-MA-4?school=edu223018"'
expect_grep "… says how many in Russian" "$T/body" "найдены 2 школы"
code=$(redirect mun "усть-козлухинская")
expect_eq "a school outside the territory: a message, not 404" "$code" 200
expect_grep "… in Russian" "$T/body" "не найдена среди школ вашей территории"
grep -q "edu223017" "$T/body" && fail "… and no foreign school leaks" || ok "… and no foreign school leaks"
[ -n "${KEEP_PDF:-}" ] && cp "$T/r.pdf" "$T/m.pdf" "$KEEP_PDF/"
code=$(redirect reg "Гимназия № 99")
expect_grep "no match: a message" "$T/body" "«Гимназия № 99» не найдена"
