#!/bin/bash
# The medalists' index in the browser (docs/medalists.md): /medalists per role and scope (a
# municipality sees only its schools, a school only itself, another school's page is 404,
# roles without a territory get 403), the list's upload (a good file stored, a bad one
# refused with row and column and nothing stored, a municipality refused another's school),
# the thresholds' upload and reset (the region only), the download against
# `oko medalists index`, the «Медалисты» block of the school's card and of the evidence
# card, the audit log, and the paragraph of the analytic note.
# The figures are the ones t_medalists.sh knows by construction:
#   sch1 (Город А): 4 medalists, all below Russian 70        → 4 of 4, p = 0,0081, q = 0,0243
#   sch2 (Город А): 11, none below
#   sch3 (Район Б): 5, two below (q = 0,7077)
#   sch4 (Район Б): one without any result, one without thresholds
#   region: 20 checked, 6 not confirmed: 30,0 %.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

D=$T/data
mkdir -p "$D"
cat >"$D/schools.csv" <<'CSV'
login,name,municipality,region,kind
sch1,Школа один,Город А,Тестовый регион,СОШ
sch2,Школа два,Город А,Тестовый регион,СОШ
sch3,Школа три,Район Б,Тестовый регион,СОШ
sch4,Школа четыре,Район Б,Тестовый регион,СОШ
CSV
cat >"$D/procedures.csv" <<'CSV'
procedure,kind,year,subject,grade,max_score,positions
EGE-2025-RU-11,EGE,2025,RU,11,50,1:50
EGE-2025-MA-11,EGE,2025,MA,11,32,1:32
EGE-2025-MB-11,EGE,2025,MB,11,21,1:21
EGE-2025-FI-11,EGE,2025,FI,11,45,1:45
CSV
python3 - "$D" <<'PY'
import sys
d = sys.argv[1]
med = ["school,year,code,medal"]
res = {"RU": [], "MA": [], "MB": [], "FI": []}
def add(s, code, medal, results):
    med.append(f"{s},2025,{code},{medal}")
    for subj, ts, mk in results:
        res[subj].append(f"{s},EGE-2025-{subj}-11,{code},11А,0,10,10,{mk},{ts}")
for i in range(4):
    add("sch1", f"1{i:03d}", "1", [("RU", 60 + i, 4), ("MA", 80, 5)])
for i in range(11):
    add("sch2", f"2{i:03d}", "1", [("RU", 80, 5), ("MA", 75, 5)] if i % 2 else [("RU", 90, 5), ("MB", "", 5)])
for i in range(5):
    add("sch3", f"3{i:03d}", "2" if i == 4 else "1", [("RU", 69 if i < 2 else 70, 4), ("FI", 72, 5)])
add("sch4", "4000", "1", [])
add("sch4", "4001", "медаль", [("RU", 95, 5)])
open(f"{d}/medalists.csv", "w").write("\n".join(med) + "\n")
for subj, rows in res.items():
    open(f"{d}/res_{subj}.csv", "w").write("school,procedure,code,class,absent,total,1,mark,test_score\n" + "\n".join(rows) + "\n")
PY

"$OKO" init >/dev/null
"$OKO" import schools "$D/schools.csv" >/dev/null
"$OKO" import procedures "$D/procedures.csv" >/dev/null
for s in RU MA MB FI; do "$OKO" import results "$D/res_$s.csv" >/dev/null 2>&1 || echo "# results $s failed"; done
add() { "$OKO" user add "$1" --role "$2" ${3:+--scope "$3"} --name "$1 name" --password "password-$1" >/dev/null ||
	echo "# user add $1 failed"; }
add admin admin
add reg region "Тестовый регион"
add muna municipality "Город А"
add munb municipality "Район Б"
add s1 school sch1
add s3 school sch3
add exp expert

# What the medalists' uploads store (the audit log and the sessions change on every request).
mdig() { { sql "SELECT year, school_id, code, medal, file FROM medalist ORDER BY year, school_id, code"
	sql "SELECT year, medal, subject, min_score, min_mark, source FROM medal_threshold ORDER BY year, medal, subject"
	} | md5sum; }
start_server
for u in admin reg muna munb s1 s3 exp; do login $u "password-$u"; done

# --- before any list: the page says so and offers the upload
get reg /medalists
expect_eq "the page before any list → 200" "$code" 200
expect_grep "no lists yet" "$T/body" "Списки медалистов ещё не загружены"
expect_grep "the region is offered the upload" "$T/body" 'action="/medalists/import"'
expect_grep "the menu names the page" "$T/body" '<a href="/medalists" aria-current="page">Медалисты</a>'

# --- the upload: a bad file refused whole with row and column, nothing stored
cat >"$D/bad.csv" <<'CSV'
school,year,code,medal
sch1,2025,1000,1
nosuch,2025,1001,1
sch1,2025,1003,золото
CSV
before=$(mdig)
upload reg /medalists/import -F "file=@$D/bad.csv;filename=bad.csv"
expect_eq "a bad list → 400" "$code" 400
expect_grep "refused whole" "$T/body" "Файл «bad.csv» не загружен: исправьте ошибки и загрузите снова. Данные в базе не изменены."
expect_grep "an unknown school by row and column" "$T/body" "строка 3, столбец 1 «school», значение «nosuch»: школы с этим логином нет в реестре школ"
expect_grep "an unknown medal by row and column" "$T/body" "строка 4, столбец 4 «medal», значение «золото»"
expect_eq "nothing stored after the refusal" "$(mdig)" "$before"
# a municipality may load only its own schools
upload muna /medalists/import -F "file=@$D/medalists.csv;filename=medalists.csv"
expect_eq "a municipality's file with another's schools → 400" "$code" 400
expect_eq "nothing stored" "$(sql "SELECT count(*) FROM medalist")" 0
upload s1 /medalists/import -F "file=@$D/medalists.csv;filename=medalists.csv"
expect_eq "a school may not upload lists → 403" "$code" 403
# a dry run stores nothing
upload reg /medalists/import -F "file=@$D/medalists.csv;filename=medalists.csv" -F dry_run=1
expect_eq "a dry run → 200" "$code" 200
expect_grep "a dry run says so" "$T/body" "Проверка прошла, ничего не сохранено"
expect_eq "a dry run stores nothing" "$(sql "SELECT count(*) FROM medalist")" 0
# the good file
upload reg /medalists/import -F "file=@$D/medalists.csv;filename=medalists.csv"
expect_eq "the good list → 200" "$code" 200
expect_grep "the summary shown" "$T/body" "Список медалистов загружен из файла «medalists.csv»: медалистов: 22"
expect_eq "22 medalists stored" "$(sql "SELECT count(*) FROM medalist WHERE year = 2025")" 22
grep 'school,year' "$D/medalists.csv" >"$D/mun_a.csv"
grep '^sch[12],' "$D/medalists.csv" >>"$D/mun_a.csv"
upload muna /medalists/import -F "file=@$D/mun_a.csv;filename=mun_a.csv"
expect_eq "a municipality loads its own schools' lists" "$code" 200
expect_eq "still 22 (its lists replaced)" "$(sql "SELECT count(*) FROM medalist")" 22

# --- the page per role and scope
get reg /medalists
expect_eq "region's page → 200" "$code" 200
expect_grep "the region's totals" "$T/body" "медалистов — 22, проверено результатами ЕГЭ — 20, не подтвердили медаль — 6 (30,0"
expect_grep "one school significantly above" "$T/body" "значимо выше региональной: 1."
for s in один два три четыре; do expect_grep "the region sees Школа $s" "$T/body" "Школа $s"; done
expect_grep "sch1 significant, p in words" "$T/body" "<strong>да</strong> <small class=\"muted\">p = 0,008; с поправкой на число школ — 0,024"
expect_grep "sch3 not significant" "$T/body" "нет <small class=\"muted\">p = 0,472; с поправкой на число школ — 0,708"
expect_grep "sch4 not tested" "$T/body" "не проверялась"
expect_grep "municipal totals" "$T/body" "Муниципалитеты"
expect_grep "the year's thresholds in words" "$T/body" "медаль I степени"
expect_grep "the thresholds' form for the region" "$T/body" 'action="/medalists/thresholds"'
expect_grep "the downloads offered" "$T/body" "/medalists/export?year=2025&amp;format=csv"
if grep -q '[0-9]\.[0-9]' <(sed 's/<[^>]*>//g; s/[0-9][0-9]\.[0-9][0-9]\.[0-9]\{4\}//g' "$T/body"); then
	fail "a decimal point in the page's text"; else ok "no decimal point in the page's text (dates aside)"; fi
get muna /medalists
expect_eq "municipality's page → 200" "$code" 200
expect_grep "the municipality sees its schools" "$T/body" "Школа один"
if grep -q "Школа три" "$T/body"; then fail "the municipality sees another's school"; else ok "the municipality sees only its schools"; fi
expect_grep "the municipality's totals" "$T/body" "Муниципалитет «Город А»: медалистов — 15"
if grep -q 'action="/medalists/thresholds"' "$T/body"; then fail "a municipality is offered the thresholds"; else ok "no thresholds' form for a municipality"; fi
get muna "/medalists?school=sch3"
expect_eq "another municipality's school → 404" "$code" 404
get muna "/medalists?school=sch1"
expect_eq "its own school's medalists → 200" "$code" 200
expect_grep "by participant code with the reason" "$T/body" "не подтвердил: русский язык"
get s1 /medalists
expect_eq "school's page → 200" "$code" 200
expect_grep "the school sees its medalists by code" "$T/body" "<td>1000</td>"
expect_grep "the school sees the region's rate" "$T/body" "не подтвердили медаль — 6 (30,0"
if grep -q "Школа два" "$T/body"; then fail "the school sees another school"; else ok "the school sees only itself"; fi
if grep -q 'action="/medalists/import"' "$T/body"; then fail "the school is offered the upload"; else ok "no upload for the school"; fi
get s1 "/medalists?school=sch3"
expect_eq "a school asking for another → 404" "$code" 404
get s3 /medalists
expect_grep "sch3 sees its two below" "$T/body" "<td>5</td><td>2</td>"
get exp /medalists
expect_eq "an expert → 403" "$code" 403
get reg "/medalists?year=1999"
expect_eq "a year out of range → 400" "$code" 400

# --- the download against the command line
"$OKO" medalists index >"$T/cli.txt"
get reg "/medalists/export?year=2025&format=csv"
expect_eq "CSV download → 200" "$code" 200
python3 - "$T/body" "$T/cli.txt" >"$T/cmp.txt" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))
head, body = rows[0], rows[1:]
got = {r[0]: [r[2], r[3], r[5], r[6], r[8], r[9], r[10], r[11]] for r in body}
want = {}
for line in open(sys.argv[2], encoding="utf-8"):
    f = line.rstrip("\n").split("\t")
    if len(f) == 9 and f[0].startswith("sch"):
        want[f[0]] = [f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]]
print("rows", len(body))
print("SAME-NUMBERS" if got == want and len(want) == 4 else f"differ {got} {want}")
PY
expect_grep "four schools downloaded" "$T/cmp.txt" "rows 4"
expect_grep "the download's numbers are the command's" "$T/cmp.txt" "SAME-NUMBERS"
get muna "/medalists/export?year=2025&format=csv"
expect_eq "the municipality's download → 200" "$code" 200
expect_eq "only its two schools" "$(tail -n +2 "$T/body" | grep -c .)" 2
code=$(curl -s -o "$T/x.xlsx" -D "$T/hdr" -w '%{http_code}' -b "$T/reg.jar" "$URL/medalists/export?year=2025&format=xlsx")
expect_eq "XLSX download → 200" "$code" 200
expect_grep "an XLSX type" "$T/hdr" "spreadsheetml"
expect_grep "a Russian file name" "$T/hdr" "filename*=UTF-8''%D0%9C%D0%B5%D0%B4"
get s1 "/medalists/export?year=2025&format=csv"
expect_eq "a school has no download → 403" "$code" 403

# --- the cards
get reg /schools/sch1
expect_grep "the school's card has the block" "$T/body" '<h2>Медалисты</h2><p>Выпуск 2025 года: 4'
expect_grep "the card says significantly above" "$T/body" "Доля значимо выше региональной"
expect_grep "the card links to the year" "$T/body" 'href="/medalists?year=2025&amp;school=sch1"'
get s3 /schools/sch3
expect_grep "the school's own card: 2 of 5" "$T/body" "не подтвердили медаль результатами ЕГЭ — 2 из 5 проверенных (40,0"
expect_grep "not significantly above" "$T/body" "Доля не выше региональной значимо"
"$OKO" analyze --out "$T/run" >/dev/null 2>"$T/analyze.err" || { echo "# analyze failed"; sed "s/^/# /" "$T/analyze.err" | head -40; }
get reg /risk/sch1
expect_eq "the evidence card → 200" "$code" 200
expect_grep "the evidence card has the block" "$T/body" '<h2>Медалисты</h2><p>Выпуск 2025 года: 4'
get reg /risk/sch1/pdf
expect_eq "the evidence card's PDF → 200" "$code" 200
pdftotext "$T/body" "$T/card.txt" 2>/dev/null
flat=$(tr '\n' ' ' <"$T/card.txt" | tr -s ' ')
[[ "$flat" == *"Медалисты Выпуск 2025 года: 4"*"медалист"*"не подтвердили медаль результатами ЕГЭ"* ]] &&
	ok "the PDF has the medalists' block in the page's words" || fail "the PDF has the medalists' block in the page's words"
[[ "$flat" == *"Доля значимо выше региональной"* ]] && ok "… with the test's verdict" || fail "… with the test's verdict"

# --- thresholds: the region only; a bad file refused, a good one stored, reset
cat >"$D/thr_bad.csv" <<'CSV'
year,medal,subject,min_score,min_mark,source
2025,1,RU,70,5,оба
CSV
cat >"$D/thr.csv" <<'CSV'
year,medal,subject,min_score,min_mark,source
2025,1,RU,60,,решение региона
2025,2,RU,60,,решение региона
2025,1,*,60,,решение региона
2025,2,*,60,,решение региона
CSV
upload muna /medalists/thresholds -F "file=@$D/thr.csv;filename=thr.csv"
expect_eq "a municipality may not set thresholds → 403" "$code" 403
before=$(mdig)
upload reg /medalists/thresholds -F "file=@$D/thr_bad.csv;filename=thr_bad.csv" -F year=2025
expect_eq "bad thresholds → 400" "$code" 400
expect_grep "by row and column" "$T/body" "строка 2, столбец 5 «min_mark», значение «5»"
expect_eq "nothing stored" "$(mdig)" "$before"
upload reg /medalists/thresholds -F "file=@$D/thr.csv;filename=thr.csv" -F year=2025
expect_eq "the region's thresholds → 200" "$code" 200
expect_grep "now the region's" "$T/body" "Пороги 2025 года — заданы регионом."
expect_grep "nobody below 60" "$T/body" "не подтвердили медаль — 0"
expect_grep "the reset offered" "$T/body" 'action="/medalists/thresholds/reset"'
post reg /medalists/thresholds/reset --data-urlencode year=2025
expect_eq "reset → 200" "$code" 200
expect_grep "the defaults again" "$T/body" "Пороги 2025 года — по умолчанию oko."
expect_eq "no stored thresholds" "$(sql "SELECT count(*) FROM medal_threshold")" 0

# --- the table as a PDF: the same rows as the CSV download
if command -v pdftotext >/dev/null; then
	get reg "/medalists/export?year=2025&format=csv"
	cp "$T/body" "$T/m.csv"
	code=$(curl -s -o "$T/m.pdf" -D "$T/hdr" -w '%{http_code}' -b "$T/reg.jar" "$URL/medalists/export?year=2025&format=pdf")
	expect_eq "PDF download → 200" "$code" 200
	expect_grep "a PDF type" "$T/hdr" "application/pdf"
	pdftotext -layout "$T/m.pdf" - | sed 's/\xc2\xad//g; s/\xe2\x80\x89/ /g; s/\xc2\xa0/ /g' | tr -s ' ' >"$T/m.txt"
	expect_grep "the Russian title" "$T/m.txt" "Подтверждение медалей результатами ЕГЭ, 2025 год"
	python3 - "$T/m.csv" "$T/m.txt" >"$T/pdfcmp.txt" <<'PY2'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))[1:]
text = open(sys.argv[2], encoding="utf-8").read()
bad = []
for r in rows:
    # name (municipality) medalists checked below noresult share p q verdict: the school's
    # name starts its row; its figures follow on the same line
    figs = " ".join([r[3], r[4], r[5], r[6], r[8], r[9], r[10], r[11] if r[9] != "—" else "—"])
    line = next((l for l in text.splitlines() if l.startswith(r[1])), None)
    if line is None or figs not in line:
        bad.append((r[1], figs, line))
print("SAME-FIGURES" if rows and not bad else f"differ {bad}")
PY2
	expect_grep "the PDF's figures are the CSV's" "$T/pdfcmp.txt" "SAME-FIGURES"
	get muna "/medalists/export?year=2025&format=pdf"
	expect_eq "the municipality's PDF → 200" "$code" 200
else
	skip "pdftotext is not installed: the PDF"
fi

# --- one threshold typed in the form (the region): checked as a file's row, nothing stored
# on a refusal; the year's thresholds in force (the defaults) are kept with it
post muna /medalists/thresholds/row --data-urlencode year=2025 --data-urlencode medal=1 \
	--data-urlencode subject=RU --data-urlencode min_score=60
expect_eq "a municipality may not type thresholds → 403" "$code" 403
before=$(mdig)
post reg /medalists/thresholds/row --data-urlencode year=2025 --data-urlencode medal=1 \
	--data-urlencode subject=RU --data-urlencode min_score=abc
expect_eq "a bad score → 400" "$code" 400
expect_grep "the field named, in Russian" "$T/body" "Поле «наименьший тестовый балл», значение «abc»: минимальный балл — целое число от 0 до 100"
expect_grep "the refusal said" "$T/body" "Порог не сохранён"
post reg /medalists/thresholds/row --data-urlencode year=2025 --data-urlencode medal=1 \
	--data-urlencode subject=RU --data-urlencode min_score=70 --data-urlencode min_mark=5
expect_eq "both a score and a mark → 400" "$code" 400
expect_grep "either, not both" "$T/body" "укажите либо минимальный балл, либо минимальную отметку, не оба"
post reg /medalists/thresholds/row --data-urlencode year=2025 --data-urlencode medal=1 \
	--data-urlencode subject=XX --data-urlencode min_score=70
expect_grep "an unknown subject" "$T/body" "Поле «предмет», значение «XX»"
post reg /medalists/thresholds/row --data-urlencode year=2025 --data-urlencode medal=7 \
	--data-urlencode subject=RU --data-urlencode min_score=70
expect_eq "a medal outside the list → 400 by the route" "$code" 400
expect_eq "nothing stored after the refusals" "$(mdig)" "$before"
get reg /medalists
expect_grep "the form offered to the region" "$T/body" 'action="/medalists/thresholds/row"'
post reg /medalists/thresholds/row --data-urlencode year=2025 --data-urlencode medal=1 \
	--data-urlencode subject=RU --data-urlencode min_score=60 --data-urlencode "source=решение региона"
expect_eq "a good threshold → 200" "$code" 200
expect_grep "saved" "$T/body" "Порог сохранён: 2025: медаль I степени, русский язык"
expect_eq "the year's own: the six defaults with Russian of the I degree at 60" \
	"$(sql "SELECT count(*) || ':' || sum(CASE WHEN medal = 1 AND subject = 'RU' AND min_score = 60 THEN 1 ELSE 0 END) FROM medal_threshold WHERE year = 2025")" "6:1"
expect_grep "now the region's" "$T/body" "Пороги 2025 года — заданы регионом."
get muna /medalists
if grep -q 'action="/medalists/thresholds/row"' "$T/body"; then fail "a municipality is offered the form"; else ok "no threshold form for a municipality"; fi
post reg /medalists/thresholds/reset --data-urlencode year=2025

# --- years pooled: a 2024 list (sch1 2 medalists who confirm, sch2 one of two below; the
# figures of t_medalists.sh): the chooser offers the years together, the page and the card
# say them in words
cat >"$D/proc24.csv" <<'CSV'
procedure,kind,year,subject,grade,max_score,positions
EGE-2024-RU-11,EGE,2024,RU,11,50,1:50
EGE-2024-MA-11,EGE,2024,MA,11,32,1:32
CSV
printf 'school,year,code,medal\nsch1,2024,1100,1\nsch1,2024,1101,1\nsch2,2024,2100,1\nsch2,2024,2101,1\n' >"$D/med24.csv"
printf 'school,procedure,code,class,absent,total,1,mark,test_score\nsch1,EGE-2024-RU-11,1100,11А,0,10,10,5,80\nsch1,EGE-2024-RU-11,1101,11А,0,10,10,5,80\nsch2,EGE-2024-RU-11,2100,11А,0,10,10,4,60\nsch2,EGE-2024-RU-11,2101,11А,0,10,10,5,80\nsch1,EGE-2024-MA-11,1100,11А,0,10,10,5,80\nsch1,EGE-2024-MA-11,1101,11А,0,10,10,5,80\nsch2,EGE-2024-MA-11,2100,11А,0,10,10,5,80\nsch2,EGE-2024-MA-11,2101,11А,0,10,10,5,80\n' >"$D/res24.csv"
"$OKO" import procedures "$D/proc24.csv" >/dev/null
"$OKO" import results "$D/res24.csv" >/dev/null 2>&1 || echo "# 2024 results failed"
"$OKO" import medalists "$D/med24.csv" >/dev/null
get reg /medalists
expect_grep "the chooser offers the years together" "$T/body" '<a href="/medalists?year=2025&amp;from=2024">все годы: 2024–2025</a>'
expect_grep "and each year" "$T/body" '<a href="/medalists?year=2024">2024</a>'
get reg "/medalists?year=2025&from=2024"
expect_eq "the pooled page → 200" "$code" 200
expect_grep "the years in words" "$T/body" "<h2>Выпуски 2024–2025 годов вместе</h2>"
expect_grep "the pooled sums" "$T/body" "медалистов — 26, проверено результатами ЕГЭ — 24, не подтвердили медаль — 7"
expect_grep "sch1 pooled: not significant, p in words" "$T/body" "нет <small class=\"muted\">p = 0,058; с поправкой на число школ — 0,173"
expect_grep "the downloads keep the span" "$T/body" "/medalists/export?year=2025&amp;from=2024&amp;format=pdf"
get reg "/medalists?year=2025&from=2024&school=sch1"
expect_grep "the pupils with their year" "$T/body" "<td>2024</td><td>1100</td>"
get reg "/medalists/export?year=2025&from=2024&format=csv"
expect_grep "the pooled download" "$T/body" "sch1,Школа один,Город А,6,6,4,0,0,\"66,7\",\"0,0577\",\"0,1731\",нет"
get reg /schools/sch1
expect_grep "the card: the latest year" "$T/body" "Выпуск 2025 года: 4"
expect_grep "the card: the years together in words" "$T/body" "За 2024–2025 годы вместе: 6"
expect_grep "the card: the pooled figures" "$T/body" "не подтвердили медаль — 4 из 6 проверенных (66,7"
expect_grep "the card links to the years" "$T/body" 'href="/medalists?year=2025&amp;from=2024&amp;school=sch1"'
expect_grep "the card: expected by each year's rate" "$T/body" "ожидалось бы 28,3"
get reg "/medalists?year=2025&from=2026"
expect_eq "a first year after the last: the year alone" "$code" 200

# --- the audit log in Russian
get reg /audit
expect_grep "the upload in the audit log" "$T/body" "загружен список медалистов"
expect_grep "a refusal in the audit log" "$T/body" "список медалистов не принят"
expect_grep "the thresholds in the audit log" "$T/body" "изменены пороги ЕГЭ для медалистов"
expect_grep "the form's threshold in the audit log" "$T/body" "2025: медаль I степени, русский язык"
expect_grep "the reset in the audit log" "$T/body" "пороги ЕГЭ для медалистов возвращены по умолчанию"

# --- the analytic note's paragraph
# (A page's number, at its top from the second page on, is dropped with the page break.)
flat() { pdftotext -raw "$1" - | sed -z 's/\f[0-9]\+\n/\n/g' | sed 's/\xe2\x80\x89/ /g; s/\xe2\x80\xaf/ /g; s/\xc2\xa0/ /g; s/\xc2\xad//g' |
	tr '\n' ' ' | sed 's/- /-/g; s/  */ /g'; }
if command -v pdftotext >/dev/null; then
	expect_ok "the region's analytic note" document analytic-note --year 2025 --out "$T/note.pdf"
	flat "$T/note.pdf" >"$T/note.txt"
	expect_grep "the region's medalists" "$T/note.txt" "22 медалиста (претендентов на медаль «За особые успехи в учении»); результатами ЕГЭ проверены 20, из них не подтвердили медаль 6 (30,0 %)"
	expect_grep "the school significantly above named" "$T/note.txt" "Школа один Город А 4 4 100,0 %"
	# The years pooled, with the figures `oko medalists index --years` gives.
	expect_ok "the index of 2024–2025" medalists index --years 2024-2025
	read -r pm pc pb < <(sed -n 's/^регион «[^»]*»: медалистов \([0-9]*\), проверено \([0-9]*\), не подтвердили \([0-9]*\),.*/\1 \2 \3/p' "$T/out")
	expect_grep "the note's years pooled" "$T/note.txt" "За 2024–2025 годы вместе в общеобразовательных организациях региона «Тестовый регион» $pm медалист"
	expect_grep "the pooled counts" "$T/note.txt" "проверены $pc, из них не подтвердили медаль $pb ("
	expect_grep "pooled, no school above what was expected (sch1: q = 0,1731)" "$T/note.txt" "где доля не подтвердивших медаль за эти годы значимо выше ожидаемой, — таких школ нет"
	expect_ok "a municipality's note" document analytic-note --year 2025 --municipality "Район Б" --out "$T/note-b.pdf"
	flat "$T/note-b.pdf" >"$T/note-b.txt"
	expect_grep "the municipality's figures" "$T/note-b.txt" "7 медалистов (претендентов на медаль «За особые успехи в учении»); результатами ЕГЭ проверены 5, из них не подтвердили медаль 2 (40,0 %)"
	expect_grep "the region's rate beside" "$T/note-b.txt" "По региону не подтвердили медаль 30,0 % проверенных медалистов."
	expect_grep "no such schools" "$T/note-b.txt" "таких школ нет"
else
	skip "pdftotext is not installed: the analytic note's paragraph"
fi

echo "1..$_n"
