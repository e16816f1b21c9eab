#!/bin/bash
# The risk list, evidence cards and the JSON API over HTTP, on a small generated region
# analysed by `oko analyze`: what each role may see, and that nothing leaks across
# territories.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

"$OKO" demo --schools 60 --seed 3 >/dev/null 2>&1
# The demo analyses the region for its re-check round; this test starts before any
# analysis, so the demo's run and re-checks go (re-checks have their own tests).
sql "PRAGMA foreign_keys = ON; DELETE FROM recheck_check; DELETE FROM recheck_work; DELETE FROM recheck_round; DELETE FROM analysis_run" >/dev/null
start_server
for u in admin region mun school; do
	code=$(curl -s -o /dev/null -w '%{http_code}' -c "$T/$u.jar" --data-urlencode "login=$u" --data-urlencode password=oko-demo-2026 "$URL/login")
done
get region /risk
expect_eq "risk list before any analysis" "$code" 200
expect_grep "no analysis explained" "$T/body" "Анализ ещё не проводился"
"$OKO" analyze --out "$T/out" --quiet
expect_eq "analysis stored" "$(sql 'SELECT count(*) FROM analysis_run')" 1
# The run's id: SQLite gives the deleted demo run's id again, a PostgreSQL sequence does not.
R1=$(sql 'SELECT id FROM analysis_run')

get region /risk
expect_eq "region opens the risk list" "$code" 200
expect_grep "objectivity index shown" "$T/body" "показатель объективности"
get region "/risk?all=1"
expect_grep "all schools listed by risk" "$T/body" "<td class=\"num\">1</td>"
top=$(sql "SELECT s.login FROM school_risk k JOIN school s ON s.id = k.school_id ORDER BY k.rank LIMIT 1")
mun_id=$(sql "SELECT municipality_id FROM user WHERE login = 'mun'")
# The sign behind most of a school's risk is «главный признак» only when it is one of the
# school's flags; otherwise the list says it stayed under its own threshold.
get region "/risk?all=1"
tf=$(sql "SELECT s.name FROM school_risk k JOIN school s ON s.id = k.school_id WHERE k.run_id = $R1 AND k.rank <= 50
	AND k.top_sign IS NOT NULL AND EXISTS (SELECT 1 FROM sign_result g WHERE g.run_id = k.run_id AND g.school_id = k.school_id AND g.sign = k.top_sign)
	ORDER BY k.rank LIMIT 1")
tu=$(sql "SELECT count(*) FROM school_risk k WHERE k.run_id = $R1 AND k.rank <= 50 AND k.top_sign IS NOT NULL
	AND NOT EXISTS (SELECT 1 FROM sign_result g WHERE g.run_id = k.run_id AND g.school_id = k.school_id AND g.sign = k.top_sign)")
expect_eq "schools whose main sign is not their flag said so ($tu)" "$(grep -o 'больше всего в риск дал признак ниже своего порога' "$T/body" | wc -l)" "$tu"
[ -n "$tf" ] && expect_grep "a flagged main sign is «главный признак»" "$T/body" "главный признак: "
get region "/risk?all=1&municipality=$mun_id&kind="
expect_eq "risk list filtered by municipality" "$code" 200
other=$(sql "SELECT login FROM school WHERE municipality_id != $mun_id ORDER BY login LIMIT 1")
grep -q "/risk/$other\"" "$T/body" && fail "filter keeps other municipalities out" || ok "filter keeps other municipalities out"
get region "/risk?all=1&kind=%D0%BB%D0%B8%D1%86%D0%B5%D0%B9"
expect_eq "risk list filtered by kind" "$code" 200
get region "/risk/$top"
expect_eq "evidence card opens" "$code" 200
# The tiles agree with their numbers: «1 официальный признак», «2 официальных признака».
plural() { local n=$(($1 % 100)) m=$(($1 % 10)); if [ $n -ge 11 ] && [ $n -le 14 ]; then echo "$4"; elif [ $m -eq 1 ]; then echo "$2"; elif [ $m -ge 2 ] && [ $m -le 4 ]; then echo "$3"; else echo "$4"; fi; }
# A school whose count of official flags takes the singular or the few form (1–4, 21–24…).
few=$(sql "SELECT s.login || ' ' || k.official_flags || ' ' || k.works FROM school_risk k JOIN school s ON s.id = k.school_id
	WHERE k.run_id = $R1 AND k.official_flags % 10 BETWEEN 1 AND 4 AND k.official_flags % 100 NOT BETWEEN 11 AND 14
	ORDER BY k.rank LIMIT 1")
read -r fl of wk <<<"$few"
get region "/risk/$fl"
expect_grep "the official flags' tile in the right form ($of)" "$T/body" \
	"<strong>$of</strong>$(plural "$of" "официальный признак" "официальных признака" "официальных признаков")</li>"
expect_grep "the works' tile in the right form ($wk)" "$T/body" \
	"</strong>$(plural "$wk" "работа" "работы" "работ")</li></ul>"
get region "/risk/$top"
expect_grep "evidence card explains a flag is not a verdict" "$T/body" "а не вывод о нарушении"
expect_grep "evidence card draws the distribution" "$T/body" "<svg"
flagged=$(sql "SELECT count(*) FROM sign_result g JOIN school s ON s.id = g.school_id WHERE s.login = '$top'")
shown=$(grep -oE '<li class="sign-row"><strong><span title="(VPR|OGE|EGE|DKR)-' "$T/body" | wc -l)
expect_eq "every stored flag of the school is on its card" "$shown" "$flagged"
check "the card says which analysis it shows, in local time" grep -q "на момент анализа от [0-3][0-9]\.[01][0-9]\.20[0-9][0-9] [0-2][0-9]:[0-5][0-9]" "$T/body"
expect_eq "sign_result records each sign's kind" "$(sql "SELECT count(*) FROM sign_result WHERE kind NOT IN ('official', 'published', 'own') OR (kind = 'official') != (sign IN ('mean_inflated', 'journal_mismatch', 'cohort_rise', 'cohort_drop'))")" 0

# The card is one moment: its distribution is the run's, not the live results'. Replace the
# school's results of the card's procedure with three blank works: the card keeps the run's
# distribution (and its date) until the next analysis.
# Numbers group thousands with a thin space (U+2009): dropped before reading them.
nothin() { sed 's/\xe2\x80\x89//g' "$@"; }
caption() { nothin "$T/body" | grep -o 'Работ в школе: [0-9]*, в регионе: [0-9]*' | tr -d ' '; }
cap1=$(caption)
check "the card draws the run's distribution with its counts" test -n "$cap1"
proc=$(sql "SELECT p.code FROM school_risk k JOIN school s ON s.id = k.school_id JOIN procedure p ON p.id = k.top_procedure_id WHERE s.login = '$top'")
title=$(grep -o 'Распределение первичных баллов: [^<]*' "$T/body" | head -1)
year=$(echo "$proc" | cut -d- -f2); grade=$(echo "$proc" | cut -d- -f4)
echo "$title" | grep -Eq "^Распределение первичных баллов: (ВПР|ОГЭ|ЕГЭ), [^,]+, $grade класс, $year\$" && ok "the histogram names its procedure in words" || fail "the histogram names its procedure in words: $title"
npos=$(sql "SELECT count(*) FROM position p JOIN procedure c ON c.id = p.procedure_id WHERE c.code = '$proc'")
{
	printf 'school,procedure,code,class,variant,gender,journal_mark,absent'
	for i in $(seq 1 "$npos"); do printf ',%d' "$i"; done; echo
	for c in 1 2 3; do
		printf '%s,%s,%d,4А,1,м,3,0' "$top" "$proc" "$((900 + c))"
		for i in $(seq 1 "$npos"); do printf ',0'; done; echo
	done
} >"$T/replace.csv"
"$OKO" import results "$T/replace.csv" >"$T/imp.out" 2>&1 && ok "the school's results are replaced" || { fail "the school's results are replaced"; sed "s/^/# /" "$T/imp.out" | head; }
get region "/risk/$top"
expect_eq "after the replacement the card still shows the run's distribution" "$(caption)" "$cap1"
"$OKO" analyze --out "$T/out2" --quiet
R2=$(sql "SELECT id FROM analysis_run WHERE id <> $R1")
get region "/risk/$top"
n1=$(echo "$cap1" | grep -o 'школе:[0-9]*' | cut -d: -f2)
rw() { sql "SELECT h.works FROM run_histogram h JOIN procedure p ON p.id = h.procedure_id WHERE h.run_id = $1 AND h.school_id IS NULL AND p.code = '$proc'"; }
expect_eq "the next analysis keeps the new distribution" "$(rw "$R2")" "$(($(rw "$R1") - n1 + 3))"
[ "$(caption)" != "$cap1" ] && ok "… and the card shows it" || fail "… and the card shows it"
get admin /
expect_grep "home shows the objectivity index" "$T/body" "показатель объективности региона"

# Territories: a municipality sees its schools' cards, not others'; a school sees none.
own=$(sql "SELECT login FROM school WHERE municipality_id = $mun_id ORDER BY login LIMIT 1")
foreign=$(sql "SELECT login FROM school WHERE municipality_id != $mun_id ORDER BY login LIMIT 1")
get mun "/risk/$own"
expect_eq "municipality opens its school's card" "$code" 200
get mun "/risk/$foreign"
expect_eq "municipality gets 404 for a foreign school's card" "$code" 404
get mun /risk
grep -q "/risk/$foreign\"" "$T/body" && fail "municipal risk list leaks a foreign school" || ok "municipal risk list is limited to its schools"
get school /risk
expect_eq "a school coordinator has no risk list" "$code" 403
get school "/risk/$own"
expect_eq "nor evidence cards" "$code" 403

# In the users' words (issue 18): the card and the list as a user reads them. text() is the
# page's text without markup, scripts and styles; dates «14.04.2021» are taken out before
# looking for a decimal point.
text() { sed -e 's/<script[^>]*>.*<\/script>//g' -e 's/<style[^>]*>.*<\/style>//g' -e 's/<[^>]*>/ /g' "$1"; }
words_check() { # NAME: the page in $T/body
	local t="$T/text"
	text "$T/body" >"$t"
	if grep -Eo 'mean_inflated|boundary_peak|boundary_bunching|journal_gap|journal_mismatch|twins|person_fit|hard_help|[a-z_0-9]+=[^ ;]*;' "$t" | head -3 | grep -q .; then
		fail "$1: no sign identifiers or key=value inputs ($(grep -Eo 'mean_inflated|boundary_peak|journal_gap|twins|[a-z_0-9]+=[^ ;]*;' "$t" | head -3 | tr '\n' ' '))"
	else ok "$1: no sign identifiers or key=value inputs"; fi
	grep -Eq '[0-9]e[-+][0-9]' "$t" && fail "$1: no p-values like 2.8e-131 ($(grep -Eo '[0-9.]+e[-+][0-9]+' "$t" | head -2))" || ok "$1: no p-values like 2.8e-131"
	grep -Eq '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:|\(UTC\)' "$t" && fail "$1: no ISO timestamps" || ok "$1: no ISO timestamps"
	sed -E 's/[0-9]{2}\.[0-9]{2}\.[0-9]{4}//g' "$t" | grep -Eq '[0-9]\.[0-9]' && fail "$1: no decimal points ($(sed -E 's/[0-9]{2}\.[0-9]{2}\.[0-9]{4}//g' "$t" | grep -Eo '.{20}[0-9]\.[0-9].{10}' | head -2))" || ok "$1: no decimal points"
	grep -q 'VPR-[0-9]' "$t" && fail "$1: no procedure codes as titles ($(grep -o '.\{20\}VPR-[0-9A-Z-]*' "$t" | head -2))" || ok "$1: no procedure codes as titles"
}
get region "/risk/$top"
words_check "the evidence card"
check "the card gives the inputs in words" grep -q 'средний балл школы [0-9]*,[0-9]; стандартное отклонение' "$T/body"
expect_grep "the card offers its PDF" "$T/body" "href=\"/risk/$top/pdf\""
for a in "/measures\">Создать меры адресной помощи" "/observers\">Назначить наблюдателей" "/recheck\">Отобрать работы на перепроверку"; do
	expect_grep "the card links to the action ${a#*>}" "$T/body" "$a"
done
sign_title=$(grep -o '<div class="sign card"><h3>[^<]*' "$T/body" | head -1 | sed 's/.*<h3>//; s/ *$//')
check "the card titles its first sign" test -n "$sign_title"
school_name=$(sql "SELECT name FROM school WHERE login = '$top'")
get region "/risk/$top/pdf"
expect_eq "the card's PDF" "$code" 200
check "… is a PDF" grep -q '^%PDF-' "$T/body"
pdftotext "$T/body" "$T/card.txt" 2>/dev/null
flat=$(tr '\n' ' ' <"$T/card.txt" | tr -s ' ')
[[ "$flat" == *"$school_name"* ]] && ok "the PDF names the school" || fail "the PDF names the school ($school_name)"
[[ "$flat" == *"$sign_title"* ]] && ok "the PDF holds the top sign's title" || fail "the PDF holds the top sign's title ($sign_title)"
grep -Eq 'mean_inflated|boundary_peak|journal_gap|twins|[a-z_]+=[0-9]' "$T/card.txt" && fail "the PDF has no identifiers" || ok "the PDF has no identifiers"
# The PDF carries what the page shows below the signs: the top procedure's distribution
# drawn as an image with the page's caption, the medalists and teachers when the page has
# them, the observation and the history.
cp "$T/body" "$T/card.pdf"
get region "/risk/$top"
cp "$T/body" "$T/card.html"
caption=$(grep -o '<figcaption>[^<]*' "$T/card.html" | head -1 | sed 's/<figcaption>//; s/\. Работ в школе.*//')
check "the page captions its distribution" test -n "$caption"
[[ "$flat" == *"$caption. Работ в школе: "*" (на момент анализа)."* ]] && ok "the PDF captions the distribution as the page ($caption)" ||
	fail "the PDF captions the distribution as the page ($caption)"
[[ "$flat" == *"Распределение баллов $caption"* ]] && ok "… under the page's heading" || fail "… under the page's heading"
check "the PDF draws the distribution as an image" test "$(pdfimages -list "$T/card.pdf" 2>/dev/null | tail -n +3 | wc -l)" -ge 1
for part in "Медалисты" "Учителя в зоне риска"; do
	if grep -q "<h2>$part</h2>" "$T/card.html"; then
		[[ "$flat" == *"$part"* ]] && ok "the PDF has the page's block «$part»" || fail "the PDF has the page's block «$part»"
	else
		[[ "$flat" != *"$part"* ]] && ok "the PDF has no block «$part», as the page" || fail "the PDF has no block «$part», as the page"
	fi
done
obs=$(text "$T/card.html" | grep -o 'С наблюдателем: [^.]*\.[0-9]*\.[0-9]*' | head -1)
[[ "$flat" == *"Наблюдение"* ]] && ok "the PDF has the observation section" || fail "the PDF has the observation section"
if [ -n "$obs" ]; then
	[[ "$flat" == *"${obs:0:40}"* ]] && ok "the PDF says which sittings were observed, as the page" || fail "the PDF says which sittings were observed, as the page (${obs:0:40})"
else
	[[ "$flat" == *"наблюдателей не было"* ]] && ok "the PDF says no sitting was observed, as the page" || fail "the PDF says no sitting was observed, as the page"
fi
[[ "$flat" == *"История по анализам"* ]] && ok "the PDF has the history" || fail "the PDF has the history"
check "… with the run's moment" grep -q "$(text "$T/card.html" | grep -o '[0-9][0-9]\.[0-9][0-9]\.20[0-9][0-9] [0-9][0-9]:[0-9][0-9]' | tail -1)" "$T/card.txt"
[[ "$flat" != *"Перепроверка работ"* ]] && ok "no re-check section in the PDF without a re-check" || fail "no re-check section in the PDF without a re-check"
[ -n "${KEEP_PDF:-}" ] && cp "$T/card.pdf" "$KEEP_PDF/"
get mun "/risk/$foreign/pdf"
expect_eq "a foreign school's PDF: 404" "$code" 404

# --- the risk list as a PDF: the page's schools in the page's order, in words
get region "/risk?all=1"
first_risk=$(grep -o '<td class="num">[0-9]*,[0-9]</td>' "$T/body" | head -1 | sed 's/<[^>]*>//g')
top_name=$(sql "SELECT s.name FROM school_risk k JOIN school s ON s.id = k.school_id ORDER BY k.rank LIMIT 1")
code=$(curl -s -o "$T/list.pdf" -D "$T/h" -w '%{http_code}' -b "$T/region.jar" "$URL/risk/pdf?all=1&municipality=0&kind=&sort=rank")
expect_eq "the list's PDF" "$code" 200
check "… is a PDF" grep -q '^%PDF-' "$T/list.pdf"
expect_grep "… with a Russian file name" "$T/h" "filename*=UTF-8''%D0%97%D0%BE%D0%BD%D0%B0"
expect_grep "the list links its PDF" "$T/body" 'href="/risk/pdf?all=1&amp;municipality=0&amp;kind=&amp;sort=rank"'
pdftotext -layout "$T/list.pdf" "$T/list.txt" 2>/dev/null
flat=$(tr '\n' ' ' <"$T/list.txt" | tr -s ' ')
[[ "$flat" == *"Зона риска"* ]] && ok "the list's PDF is titled" || fail "the list's PDF is titled"
check "the list's PDF dates the run in words" grep -Eq '[0-9]{2} (января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря) [0-9]{4} г\.' "$T/list.txt"
check "the list's PDF shows the top risk as the page ($first_risk)" grep -q "$first_risk" "$T/list.txt"
pdftotext "$T/list.pdf" "$T/list_raw.txt" 2>/dev/null
flat=$(tr '\n' ' ' <"$T/list_raw.txt" | tr -s ' ')
[[ "$flat" == *"${top_name:0:12}"* ]] && ok "the list's PDF names the top school" || fail "the list's PDF names the top school ($top_name)"
grep -q 'VPR-[0-9]' "$T/list.txt" && fail "the list's PDF has no procedure codes" || ok "the list's PDF has no procedure codes"
# «№» stays with its number: no line of the narrow school column ends with it.
expect_eq "the list's PDF keeps «№» with its number" "$(pdftotext -raw "$T/list.pdf" - | grep -c '№$')" 0
grep -Eq 'mean_inflated|boundary_peak|journal_gap|twins' "$T/list.txt" && fail "the list's PDF has no sign identifiers" || ok "the list's PDF has no sign identifiers"
code=$(curl -s -o "$T/mlist.pdf" -w '%{http_code}' -b "$T/mun.jar" "$URL/risk/pdf?all=1")
expect_eq "a municipality's list PDF" "$code" 200
pdftotext "$T/mlist.pdf" "$T/mlist.txt" 2>/dev/null
mine_name=$(sql "SELECT s.name FROM school_risk k JOIN school s ON s.id = k.school_id WHERE s.municipality_id = $mun_id ORDER BY k.rank LIMIT 1")
mflat=$(tr '\n' ' ' <"$T/mlist.txt" | tr -s ' ')
[[ "$mflat" == *"${mine_name:0:12}"* ]] && ok "the municipality's PDF lists its schools" || fail "the municipality's PDF lists its schools ($mine_name)"
other_mun_name=$(sql "SELECT m.name FROM school_risk k JOIN school s ON s.id = k.school_id JOIN municipality m ON m.id = s.municipality_id WHERE s.municipality_id != $mun_id ORDER BY k.rank LIMIT 1")
check "the region's PDF names other districts ($other_mun_name)" grep -q "$other_mun_name" "$T/list_raw.txt"
grep -q "$other_mun_name" "$T/mlist.txt" && fail "the municipality's PDF keeps other districts out ($other_mun_name)" || ok "the municipality's PDF keeps other districts out"
[ -n "${KEEP_PDF:-}" ] && cp "$T/list.pdf" "$T/mlist.pdf" "$KEEP_PDF/"
other_mun=$(sql "SELECT id FROM municipality WHERE id != $mun_id ORDER BY id LIMIT 1")
get mun "/risk/pdf?municipality=$other_mun"
expect_eq "another district's list PDF: 404" "$code" 404

get region "/risk?all=1"
words_check "the risk list"
expect_grep "the list counts published criteria" "$T/body" "опубликованные критерии"
# Every school on oko's list says why: an official flag, a published criterion, an own sign
# or the pooled evidence.
listed_rows=$(sql "SELECT sum(listed) FROM (SELECT listed FROM school_risk WHERE run_id = $R2 ORDER BY rank LIMIT 50)")
why_rows=$(grep -Eo '<strong>в списке oko</strong>: [^<]{6,}' "$T/body" | wc -l)
check "the page has listed schools" test "$listed_rows" -gt 0
expect_eq "every listed school shows why" "$why_rows" "$listed_rows"
expect_eq "the counts are the run's: official / published / oko of the first school" \
	"$(grep -o '<td class="num" title="официальные[^>]*>[^<]*' "$T/body" | head -1 | sed 's/.*>//; s/\xe2\x80\x89//g')" \
	"$(sql "SELECT k.official_flags || ' / ' || (SELECT count(*) FROM sign_result g WHERE g.run_id = $R2 AND g.school_id = k.school_id AND g.kind = 'published') || ' / ' || k.own_flags FROM school_risk k WHERE k.run_id = $R2 ORDER BY k.rank LIMIT 1")"
page_logins() { grep -o 'href="/risk/[A-Za-z0-9_-]*"' "$T/body" | grep -v '/risk/export' | sed 's/.*\/risk\///; s/"//'; }
page_logins >"$T/page_rank"
curl -s -b "$T/region.jar" -o "$T/risk.csv" -w '%{http_code}' "$URL/risk/export?format=csv&all=1" >"$T/code"
expect_eq "the list exports as CSV" "$(cat "$T/code")" 200
expect_eq "the export's header" "$(head -1 "$T/risk.csv" | tr -d '\r')" "Место,Школа,Логин,Муниципалитет,Тип,Риск,В списке oko,Официальных признаков,Опубликованных критериев,Признаков oko,Работ,Главный признак,Процедура,Код процедуры,Почему в списке,Годы с официальными признаками"
# The export's rows are the page's, in its order (the page shows the first 50).
tail -n +2 "$T/risk.csv" | head -50 | python3 -c 'import csv,sys; [print(r[2]) for r in csv.reader(sys.stdin)]' >"$T/csv_rank"
expect_eq "the export's rows are the page's" "$(md5sum <"$T/csv_rank")" "$(md5sum <"$T/page_rank")"
expect_eq "the export has every school of the run" "$(($(wc -l <"$T/risk.csv") - 1))" "$(sql "SELECT count(*) FROM school_risk WHERE run_id = $R2")"
# Its main sign says what the page says: a sign under its own threshold is marked so.
expect_eq "the export marks each main sign under its threshold" \
	"$(tail -n +2 "$T/risk.csv" | python3 -c 'import csv,sys; print(sum(r[11].endswith(" — ниже своего порога") for r in csv.reader(sys.stdin)))')" \
	"$(sql "SELECT count(*) FROM school_risk k WHERE k.run_id = $R2 AND k.top_sign IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM sign_result g WHERE g.run_id = k.run_id AND g.school_id = k.school_id AND g.sign = k.top_sign)")"
expect_eq "… and years with a comma" \
	"$(tail -n +2 "$T/risk.csv" | python3 -c 'import csv,sys; print(sum(" " in r[15] and ", " not in r[15] for r in csv.reader(sys.stdin)))')" 0
curl -s -b "$T/region.jar" -D "$T/hdr" -o "$T/risk.xlsx" "$URL/risk/export?format=xlsx" >/dev/null
check "the list exports as XLSX" grep -qi 'spreadsheetml' "$T/hdr"
check "… a workbook" test "$(head -c 2 "$T/risk.xlsx")" = PK
# The risk (column F) is a number a spreadsheet sorts, not the text «300,0».
f2=$(unzip -p "$T/risk.xlsx" xl/worksheets/sheet1.xml | grep -o '<c r="F2"[^>]*>[^/]*</v>' | head -1)
case "$f2" in *' t="'*|'') fail "the risk is a number cell in the workbook: «$f2»";; *) ok "the risk is a number cell in the workbook";; esac
# The school's name (column B) is not cut at the default 8 characters.
expect_grep "the names' column is as wide as its names" <(unzip -p "$T/risk.xlsx" xl/worksheets/sheet1.xml | grep -o '<cols>.*</cols>') '<col min="2" max="2"'
get region "/risk?all=1&sort=name"
expect_eq "the list sorts by a column" "$code" 200
page_logins >"$T/page_name"
[ "$(md5sum <"$T/page_name")" != "$(md5sum <"$T/page_rank")" ] && ok "the order changes" || fail "the order changes"
expect_eq "… to the schools' names" "$(sql "SELECT s.login FROM school_risk k JOIN school s ON s.id = k.school_id WHERE k.run_id = $R2 ORDER BY s.name, k.rank LIMIT 50" | md5sum)" "$(md5sum <"$T/page_name")"
get region "/risk?sort=nonsense"
expect_eq "an unknown order is refused" "$code" 400

# A municipal coordinator's tiles are the municipality's.
get mun /risk
n_mun=$(nothin "$T/body" | grep -o '<strong>[0-9]*</strong>школ[аы]\? муниципалитета с работами' | grep -o '[0-9]*' | head -1)
expect_eq "the municipal tiles count the municipality's schools" "$n_mun" "$(sql "SELECT count(*) FROM school_risk k JOIN school s ON s.id = k.school_id WHERE k.run_id = $R2 AND s.municipality_id = $mun_id")"
expect_grep "… in the plural of their number" "$T/body" "<strong>$n_mun</strong>$(plural "$n_mun" школа школы школ) муниципалитета"
n_flag=$(nothin "$T/body" | grep -o '<strong>[0-9]*</strong>школ[аы]\? с официальными признаками' | grep -o '[0-9]*' | head -1)
expect_eq "… and its flagged schools" "$n_flag" "$(sql "SELECT count(*) FROM school_risk k JOIN school s ON s.id = k.school_id WHERE k.run_id = $R2 AND s.municipality_id = $mun_id AND k.official_flags > 0")"
expect_grep "… in the plural of their number" "$T/body" "<strong>$n_flag</strong>$(plural "$n_flag" школа школы школ) с официальными"
words_check "the municipal risk list"
curl -s -b "$T/mun.jar" -o "$T/mun.csv" "$URL/risk/export?format=csv&all=1"
expect_eq "the municipal export holds its schools only" "$(($(wc -l <"$T/mun.csv") - 1))" "$n_mun"

# Observation as a control group (pages/observed.c): the same rules for numbers and words.
get region /observers/control
expect_eq "the observed/unobserved comparison opens" "$code" 200
words_check "the observed/unobserved comparison"

# JSON API
get region /api/v1/risk
expect_eq "API risk list" "$code" 200
expect_grep "API risk names the run" "$T/body" "\"run\":$R2"
get mun /api/v1/risk
grep -q "\"$foreign\"" "$T/body" && fail "API risk leaks a foreign school" || ok "API risk limited to the territory"
get region "/api/v1/signs?school=$top"
expect_eq "API signs of a school" "$code" 200
expect_grep "API signs carry values" "$T/body" '"threshold"'
expect_grep "API signs carry the catalogue's title and kind" "$T/body" '"kind":"'
expect_grep "… and a title" "$T/body" '"title":"'
# "p" is the sign's p-value and "q_adj" its BH-adjusted one (before issue 14 "p" held q_adj).
expect_eq "API signs: p is the raw p-value, below its adjusted q_adj" "$(grep -o '"p":[-0-9.e+]*,"q_adj":[-0-9.e+]*' "$T/body" | tr ':,' '  ' | awk '{n++; bad += ($2 > $4); lt += ($2 < $4)} END {print (n > 0 && !bad && lt > 0)}')" 1
get mun "/api/v1/signs?school=$foreign"
expect_eq "API signs of a foreign school: 404" "$code" 404
get school /api/v1/procedures
expect_grep "API procedures" "$T/body" '"code":"VPR-2021-RU-4"'
get school "/api/v1/results?procedure=VPR-2021-RU-4"
expect_eq "API results summary for a school" "$code" 200
school_login=$(sql "SELECT s.login FROM user u JOIN school s ON s.id = u.school_id WHERE u.login = 'school'")
n=$(grep -o '"school":"[a-z0-9]*"' "$T/body" | sort -u | wc -l)
expect_eq "a school sees only its own summary" "$n" 1
expect_grep "it is its own" "$T/body" "\"school\":\"$school_login\""
grep -q '"code"' "$T/body" && fail "results summary exposes pupils' codes" || ok "results summary has no pupils' codes"
get mun /api/v1/uploads
expect_grep "API upload history" "$T/body" '"layout":"canonical"'
get - /api/v1/risk
expect_eq "anonymous API refused" "$code" 403
echo "1..$_n"
