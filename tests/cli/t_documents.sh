#!/bin/bash
# Official documents from the command line (docs/documents.md): on the demonstration region
# (oko demo: results, observers, re-checks, a municipal plan of measures with addressed help,
# a school's plan) after `oko analyze`, every kind is written as DOCX and as PDF; the PDF's
# text and the text of LibreOffice's PDF of the DOCX hold the figures of the analysis outputs
# (region.csv, schools.csv) written the Russian way; no procedure code or school login shows
# in any document; the information note's second column («Учёт специфики территории») holds
# the measures' specifics, never their responsible; bad options are refused in Russian with
# exit status 2 (usage) or 1.
. "$(dirname "$0")/lib.sh"

if ! command -v pdftotext >/dev/null; then
	skip "pdftotext is not installed"
	exit 0
fi
"$OKO" demo --schools 60 >/dev/null 2>&1 || { fail "oko demo"; exit 0; }
"$OKO" analyze --out "$T/an" >/dev/null 2>&1 || { fail "oko analyze"; exit 0; }
ok "a demonstration region, analysed"

P=VPR-2021-MA-4
MUN=$(sql "SELECT m.name FROM mplan p JOIN municipality m ON m.id = p.municipality_id ORDER BY p.id LIMIT 1")
SCH=$(sql "SELECT s.login FROM mplan p JOIN school s ON s.id = p.school_id ORDER BY p.id LIMIT 1")
CAMP=$(sql "SELECT name FROM campaign ORDER BY id LIMIT 1")
[ -n "$MUN" ] && [ -n "$SCH" ] && [ -n "$CAMP" ] && ok "the demo has a municipal plan, a school's plan and a campaign" \
	|| fail "the demo has a municipal plan ($MUN), a school's plan ($SCH) and a campaign ($CAMP)"

# Text of a PDF on one line: spaces of every width as one space, a line broken after a hyphen
# joined (pango hyphenates long words in narrow cells).
flat() { pdftotext -raw "$1" - | sed 's/\xe2\x80\x89/ /g; s/\xe2\x80\xaf/ /g; s/\xc2\xa0/ /g; s/\xc2\xad//g' |
	tr '\n' ' ' | sed 's/- /-/g; s/  */ /g'; }
# A number the way the documents write it (thousands separated; the separator is a space here).
ru() { echo "$1" | awk '{ x = $1; s = ""; n = length(x); for (i = 1; i <= n; i++) { s = s substr(x, i, 1); if ((n - i) % 3 == 0 && i < n) s = s " " } print s }'; }
ru1() { LC_ALL=C printf '%.1f' "$1" | sed 's/\./,/'; }
has() { # has DESCRIPTION FILE TEXT
	if grep -qF -- "$3" "$2"; then ok "$1"; else fail "$1: «$3» not in $(basename "$2")"; fi
}

# --- every kind in both formats ------------------------------------------------------------
D=$T/docs
mkdir -p "$D"
make_doc() { # make_doc NAME KIND ARGS...
	local name=$1 kind=$2; shift 2
	for f in pdf docx; do
		expect_ok "$name as ${f^^}" document "$kind" --out "$D/$name.$f" "$@"
	done
}
make_doc order order --municipality "$MUN" --campaign "$CAMP" --number 136/1 --date 2021-03-01
make_doc info-mun info-note --municipality "$MUN" --date 2021-05-20
make_doc info-school info-note --school "$SCH"
make_doc analytic analytic-note --procedure $P
make_doc analytic-mun analytic-note --procedure $P --municipality "$MUN"
make_doc analytic-campaign analytic-note --campaign "$CAMP"
make_doc analytic-school analytic-note --procedure $P --school "$SCH"
make_doc plan plan --municipality "$MUN"
for f in "$D"/*.pdf; do
	flat "$f" >"${f%.pdf}.pdf.txt"
done
for f in "$D"/*.docx; do
	if unzip -p "$f" word/document.xml | python3 -c 'import sys, xml.dom.minidom as m; m.parseString(sys.stdin.buffer.read())' 2>/dev/null; then
		ok "$(basename "$f"): word/document.xml is well-formed XML"
	else fail "$(basename "$f"): word/document.xml is well-formed XML"; fi
done

# LibreOffice opens every DOCX (one process converts them all).
LO=$T/lo
if command -v soffice >/dev/null; then
	mkdir -p "$LO"
	HOME=$T timeout 300 soffice --headless --convert-to pdf --outdir "$LO" "$D"/*.docx >/dev/null 2>&1
	for f in "$D"/*.docx; do
		b=$(basename "${f%.docx}")
		if [ -s "$LO/$b.pdf" ]; then
			ok "LibreOffice converts $b.docx"
			flat "$LO/$b.pdf" >"$D/$b.docx.txt"
		else fail "LibreOffice converts $b.docx"; fi
	done
else
	skip "soffice is not installed: the DOCX files are not opened"
fi
TEXTS=$(ls "$D"/*.txt)

# --- the figures of the analysis, in both formats -------------------------------------------
row=$(grep "^$P," "$T/an/region.csv")
works=$(echo "$row" | cut -d, -f11)
schools=$(echo "$row" | cut -d, -f12)
flagged=$(echo "$row" | cut -d, -f22)
index=$(echo "$row" | cut -d, -f23)
all=$(grep '^all,' "$T/an/region.csv")
all_flagged=$(echo "$all" | cut -d, -f22)
all_index=$(echo "$all" | cut -d, -f23)
all_schools=$(tail -n +2 "$T/an/schools.csv" | awk -F, '$10 > 0' | wc -l)
listed=$(tail -n +2 "$T/an/schools.csv" | awk -F, '$5 == 1' | wc -l)
for fmt in pdf docx; do
	t=$D/analytic.$fmt.txt
	[ -f "$t" ] || continue
	has "$fmt: the works analysed ($works)" "$t" "включено $(ru "$works") работ из $schools организаций"
	has "$fmt: schools with an official sign ($flagged of $schools)" "$t" "$flagged из $schools $(ru1 "$index")"
	has "$fmt: the share flagged" "$t" "выявлены у $flagged общеобразовательных организаций из $schools"
	has "$fmt: the region's index over the run ($all_index)" "$t" \
		"показатель объективности региона — $(ru1 "$all_index") ($all_flagged"
	has "$fmt: … out of the schools with works ($all_schools)" "$t" "с официальными признаками из $all_schools)"
	has "$fmt: the risk list's size ($listed)" "$t" "в список риска включены $listed организаций"
	missing=0
	while IFS= read -r name; do
		grep -qF -- "$(echo "$name" | sed 's/- /-/g')" "$t" || { missing=$((missing + 1)); echo "# not found: $name"; }
	done < <(tail -n +2 "$T/an/schools.csv" | python3 -c '
import csv, sys
for r in csv.reader(sys.stdin):
    if r[4] == "1": print(r[6])')
	expect_eq "$fmt: every school of the risk list is named" "$missing" 0
	has "$fmt: the procedure in words" "$t" "по результатам ВПР по математике, 4 класс (2021 год)"
	has "$fmt: the marks chart's caption" "$t" "Рисунок 1. Распределение отметок"
done

# The participation and the journal comparison of the municipal note against a count in SQL.
mid=$(sql "SELECT id FROM municipality WHERE name = '$MUN'")
pid=$(sql "SELECT id FROM procedure WHERE code = '$P'")
mworks=$(sql "SELECT count(*) FROM result r JOIN school s ON s.id = r.school_id WHERE r.procedure_id = $pid
	AND s.municipality_id = $mid AND r.absent = 0 AND r.primary_score IS NOT NULL")
mschools=$(sql "SELECT count(DISTINCT r.school_id) FROM result r JOIN school s ON s.id = r.school_id
	WHERE r.procedure_id = $pid AND s.municipality_id = $mid AND r.absent = 0")
for fmt in pdf docx; do
	t=$D/analytic-mun.$fmt.txt
	[ -f "$t" ] || continue
	has "$fmt: the municipality's participants ($mworks of $mschools schools)" "$t" \
		"Работу выполнили $(ru "$mworks") обучающихся из $mschools общеобразовательных"
done

# The plan of measures: its measures and its execution as the database holds them.
plan=$(sql "SELECT id FROM mplan WHERE municipality_id = $mid ORDER BY id LIMIT 1")
nmeas=$(sql "SELECT count(*) FROM measure WHERE plan_id = $plan")
first=$(sql "SELECT text FROM measure WHERE plan_id = $plan AND school_id IS NULL ORDER BY block_id, pos LIMIT 1")
for fmt in pdf docx; do
	[ -f "$D/info-mun.$fmt.txt" ] || continue
	has "$fmt: the info-note counts the plan's $nmeas measures" "$D/info-mun.$fmt.txt" "Всего мероприятий — $(ru "$nmeas")"
	has "$fmt: the plan lists its first measure" "$D/plan.$fmt.txt" "$first"
	has "$fmt: the plan's approval stamp" "$D/plan.$fmt.txt" "УТВЕРЖДЁН"
	has "$fmt: the order's title" "$D/order.$fmt.txt" "О подготовке и проведении всероссийских проверочных работ"
	has "$fmt: the order's date" "$D/order.$fmt.txt" "01 марта 2021 г."
	has "$fmt: the order's number" "$D/order.$fmt.txt" "136/1"
	has "$fmt: the order's first appendix with its stamp" "$D/order.$fmt.txt" "Приложение № 1 к приказу от 01 марта 2021 г. № 136/1"
	has "$fmt: the public observers' appendix" "$D/order.$fmt.txt" "ФИО общественного наблюдателя"
	has "$fmt: the school's note names the addressed measures" "$D/info-school.$fmt.txt" "Меры, адресованные школе"
done

# The information note's «Учёт специфики территории»: the measures' specifics (the demo gives
# some), not who answers for them — a responsible the plan prints is not in the note.
spec=$(sql "SELECT specifics FROM measure WHERE plan_id = $plan AND text LIKE 'Анализ итогов ВПР%'")
resp=$(sql "SELECT responsible FROM measure WHERE plan_id = $plan AND text LIKE 'Анализ итогов ВПР%'")
site=$(sql "SELECT responsible FROM measure WHERE plan_id = $plan AND text LIKE 'Размещение на официальном сайте%'")
[ -n "$spec" ] && [ -n "$resp" ] && [ -n "$site" ] && ok "the demo's measure has specifics and a responsible" \
	|| fail "the demo's measure has specifics ($spec) and a responsible ($resp, $site)"
# Compared without spaces and hyphens: a narrow cell breaks and hyphenates long words.
# The info note's «Сроки» column holds its longest word whole (at 26 mm «в соответствии с
# графиком» printed «соответстви-» and «и» on the next line; pdftotext drops the hyphen).
if [ "$(sql "SELECT count(*) FROM measure WHERE plan_id = $plan AND term LIKE '%соответствии%'")" -gt 0 ]; then
	grep -qE 'соответстви([^и]|$)' "$D/info-mun.pdf.txt" && fail "pdf: the info-note's terms are not cut inside a word" ||
		ok "pdf: the info-note's terms are not cut inside a word"
fi
loose() { sed 's/\xe2\x80\x90//g; s/\xc2\xad//g; s/[- ]//g' | tr -d '\n'; }
hasl() { # hasl DESCRIPTION FILE TEXT
	if loose <"$2" | grep -qF -- "$(printf '%s' "$3" | loose)"; then ok "$1"; else fail "$1: «$3» not in $(basename "$2")"; fi
}
for fmt in pdf docx; do
	t=$D/info-mun.$fmt.txt
	[ -f "$t" ] || continue
	hasl "$fmt: the info-note's second column holds the specifics" "$t" "$spec"
	hasl "$fmt: … with the minutes of the meeting" "$t" "совещание руководителей ОО (протокол № 3 от 25.03.2021)"
	for r in "$resp" "$site"; do
		if loose <"$t" | grep -qF -- "$(printf '%s' "$r" | loose)"; then fail "$fmt: the responsible «$r» is not in the info-note"
		else ok "$fmt: the responsible «$r» is not in the info-note"; fi
	done
	hasl "$fmt: … but in the plan" "$D/plan.$fmt.txt" "$site"
done
unzip -p "$D/info-mun.docx" word/document.xml | tr -d '\n' | sed 's/<[^>]*>/|/g; s/|[[:space:]|]*|/|/g' >"$D/info-mun.cells"
first_text=$(sql "SELECT text FROM measure WHERE plan_id = $plan AND text LIKE 'Анализ итогов ВПР%'")
has "docx: the specifics are the row's second cell" "$D/info-mun.cells" "|$first_text|$spec|"
noloc=$(sql "SELECT text FROM measure WHERE plan_id = $plan AND school_id IS NULL AND specifics = '' ORDER BY block_id, pos LIMIT 1")
has "docx: a measure without specifics has «—» there" "$D/info-mun.cells" "|$noloc|—|"

# Never a procedure code or a school login in what an official reads.
codes=0
for t in $TEXTS; do
	if grep -qE 'VPR-|sch[0-9]{6}|NaN|nan %' "$t"; then codes=$((codes + 1)); echo "# a code in $(basename "$t"): $(grep -oE 'VPR-[^ ]*|sch[0-9]{6}|NaN' "$t" | head -3 | tr '\n' ' ')"; fi
done
expect_eq "no procedure code, login or NaN in any document" "$codes" 0
# Nor a doubled full stop: a note ending its sentence is not followed by another «.».
dots=0
for t in $TEXTS; do
	if grep -qE '[^.]\.\.([^.]|$)' "$t"; then dots=$((dots + 1)); echo "# «..» in $(basename "$t"): $(grep -oE '.{30}[^.]\.\.([^.]|$)' "$t" | head -2 | tr '\n' ' ')"; fi
done
expect_eq "no doubled full stop in any document" "$dots" 0
# A number stays whole on its line: no line of a PDF starts with the last group of a number
# cut at its thousands separator («2» / «313 чел.)»), nor with its «%» or «чел.».
cut=0
for f in "$D"/*.pdf; do
	if pdftotext -raw "$f" - | grep -qE '^([0-9]{3}( чел\.| ?%|\))|%|чел\.)'; then
		cut=$((cut + 1)); echo "# a number cut in $(basename "$f"): $(pdftotext -raw "$f" - | grep -E '^([0-9]{3}( чел\.| ?%|\))|%|чел\.)' | head -2 | tr '\n' ' ')"
	fi
done
expect_eq "no number cut across lines in any PDF" "$cut" 0

# --- bad options ------------------------------------------------------------------------------
usage() { # usage DESCRIPTION PATTERN ARGS...: exit status 2 with a Russian message
	local d=$1 p=$2; shift 2
	run_oko document "$@"
	if [ "$rc" -eq 2 ] && grep -qF -- "$p" "$T/err"; then ok "$d"; else fail "$d (status $rc: $(head -1 "$T/err"))"; fi
}
usage "an unknown kind" "неизвестный вид документа «memo»" memo --out "$T/x.pdf"
usage "no kind" "укажите один вид документа" --out "$T/x.pdf"
usage "no file" "укажите файл документа" plan
usage "an unknown format" "расширением файла" plan --out "$T/x.odt"
usage "a bad date" "не в виде ГГГГ-ММ-ДД" order --out "$T/x.pdf" --date 01.03.2021
usage "a bad year" "не число от 2000 до 2100" analytic-note --out "$T/x.pdf" --year 21
usage "an unknown option" "--colour" plan --out "$T/x.pdf" --colour red
refused() { # refused DESCRIPTION PATTERN ARGS...: exit status 1 with a Russian message, no file
	local d=$1 p=$2; shift 2
	rm -f "$T/x.pdf"
	run_oko document "$@"
	if [ "$rc" -eq 1 ] && grep -qF -- "$p" "$T/err" && [ ! -e "$T/x.pdf" ]; then ok "$d"
	else fail "$d (status $rc: $(head -1 "$T/err"))"; fi
}
refused "an unknown procedure" "процедуры «VPR-2021-XX-4» нет" analytic-note --procedure VPR-2021-XX-4 --out "$T/x.pdf"
refused "an analytic note about nothing" "укажите процедуру" analytic-note --out "$T/x.pdf"
refused "an unknown municipality" "муниципалитета «Атлантида» нет" plan --municipality Атлантида --out "$T/x.pdf"
# A plan not yet approved: its period, ending in «г.», ends the sentence (no «г..»).
sql "UPDATE mplan SET approved = '' WHERE id = $plan" >/dev/null
expect_ok "the info-note of a plan not yet approved" document info-note --municipality "$MUN" --date 2021-05-20 --out "$D/info-draft.pdf"
flat "$D/info-draft.pdf" >"$D/info-draft.txt"
has "the draft plan's period ends the sentence" "$D/info-draft.txt" "по 31 августа 2021 г. Меры, мероприятия"
if grep -q 'г\.\.' "$D/info-draft.txt"; then fail "no double period after the period"; else ok "no double period after the period"; fi

refused "an unknown school" "школы с логином «sch000000» нет" info-note --school sch000000 --out "$T/x.pdf"
refused "an unknown plan" "плана мероприятий № 999 нет" plan --plan 999 --out "$T/x.pdf"
refused "an unknown campaign" "кампании «Осень 1999» нет" order --campaign "Осень 1999" --out "$T/x.pdf"

# The analytic note's re-check: the marks the re-check lowered are the works whose final mark
# is below the school's (schools.csv's down), the raised ones its up — the note had them
# the other way round («отметка повышена школой в 0, понижена в 2» for 2 lowered).
RP=$(sql "SELECT p.code FROM recheck_round r JOIN procedure p ON p.id = r.procedure_id ORDER BY r.id LIMIT 1")
if [ -n "$RP" ] && "$OKO" recheck report --procedure "$RP" --out "$T/rcr" >/dev/null 2>&1; then
	down=$(python3 -c 'import csv,sys; print(sum(int(r["down"]) for r in csv.DictReader(open(sys.argv[1]))))' "$T/rcr/schools.csv")
	up=$(python3 -c 'import csv,sys; print(sum(int(r["up"]) for r in csv.DictReader(open(sys.argv[1]))))' "$T/rcr/schools.csv")
	"$OKO" document analytic-note --procedure "$RP" --out "$T/rcnote.pdf" >/dev/null 2>&1
	flat "$T/rcnote.pdf" >"$T/rcnote.txt"
	check "the re-check report has lowered marks to compare ($down lowered, $up raised)" test "$down" -gt 0 -a "$down" != "$up"
	has "the analytic note counts the marks the re-check lowered and raised" "$T/rcnote.txt" \
		"по итогам перепроверки отметка понижена в $down"
	has "… and raised" "$T/rcnote.txt" ", повышена в $up."
else
	fail "the demo has a re-checked procedure with a report ($RP)"
fi
echo "1..$_n"
