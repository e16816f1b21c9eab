#!/bin/bash
# The demo's pupils and confidential materials (docs/generator.md, docs/personal-data.md,
# docs/materials.md): after `oko demo` the demo school (and a few others of the demo
# municipality) has class lists of the demo's last year consistent with its results — one
# pupil per participant of a class — with participant codes issued by the model and names
# sealed under the school's key (the key file beside the database); the code slips and the
# protocol print. Every ВПР of the last year has variants and criteria in the bank, every
# school its set; the demo school can take the key and archive of a released procedure
# (and open it), and is refused with «ещё рано» for the one released a few days after the
# demo — on the command line and on the web.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

OKO_DB=$(new_db demo) && export OKO_DB
run_oko demo --schools 60 --municipalities 4 --seed 7
expect_eq "demo runs" "$rc" 0
expect_grep "the summary names the pupils and codes" "$T/out" "Ученики и коды участников (2020/21 учебный год): "
expect_grep "the summary names the materials" "$T/out" "Материалы (КИМ): процедур: "
expect_grep "the summary names the procedure not yet released" "$T/out" ", ещё не выданы: ВПР, "
# Medalists of 2020 and 2021: oko's defaults start in 2021, so the demo stores the region's
# own rule for 2020 — every medalist of both years is checked and the years pool.
expect_grep "the summary names the region's thresholds of 2020" "$T/out" "пороги региона для выпуска 2020 года: русский язык не ниже 70 баллов"
expect_ok "the medalists' index of the years pooled" medalists index --pooled
expect_grep "the default span is the demo's two years" "$T/out" "медалисты 2020–2021 годов (годы сложены: 2)"
expect_grep "no medalist is left without thresholds" "$T/out" ", без порогов 0, "

SCHOOL="(SELECT school_id FROM \"user\" WHERE login = 'school')"
LOGIN=$(sql "SELECT login FROM school WHERE id = $SCHOOL")

# Pupils.
np=$(sql "SELECT count(*) FROM pupil WHERE school_id = $SCHOOL AND year = 2021")
if [ "${np:-0}" -gt 0 ]; then ok "the demo school has pupils ($np)"; else fail "the demo school has pupils"; fi
expect_eq "every pupil has a code" \
	"$(sql "SELECT count(*) FROM pupil WHERE school_id = $SCHOOL AND year = 2021 AND code IS NULL")" 0
expect_eq "codes are the grade's digits and four more" \
	"$(sql "SELECT count(*) FROM pupil WHERE year = 2021 AND code IS NOT NULL AND NOT (
		length(code) = length(CAST(grade AS TEXT)) + 4 AND substr(code, 1, length(CAST(grade AS TEXT))) = CAST(grade AS TEXT)
		AND trim(substr(code, length(CAST(grade AS TEXT)) + 1), '0123456789') = '')")" 0
ns=$(sql "SELECT count(DISTINCT school_id) FROM pupil")
if [ "${ns:-0}" -gt 1 ]; then ok "other schools of the municipality have pupils too ($ns)"; else fail "other schools have pupils"; fi
expect_eq "they are all of the demo municipality" \
	"$(sql "SELECT count(*) FROM pupil p JOIN school s ON s.id = p.school_id WHERE s.municipality_id <>
		(SELECT municipality_id FROM school WHERE id = $SCHOOL)")" 0
# Consistent with the results: per class, as many pupils as distinct codes of the year's results.
expect_eq "each class has as many pupils as its results have participants" \
	"$(sql "SELECT group_concat(class || ':' || n, ' ') FROM (SELECT class, count(*) n FROM pupil
		WHERE school_id = $SCHOOL AND year = 2021 GROUP BY class ORDER BY class)")" \
	"$(sql "SELECT group_concat(class || ':' || n, ' ') FROM (SELECT r.class, count(DISTINCT r.code) n
		FROM result r JOIN procedure p ON p.id = r.procedure_id WHERE r.school_id = $SCHOOL AND p.year = 2021
		AND r.class <> '' GROUP BY r.class ORDER BY r.class)")"
[ -s "$(db_file).key" ] && ok "the key file is beside the database" || fail "the key file is beside the database"

# The names are sealed: the list opens them, the table holds none of them.
run_oko pupils list --school "$LOGIN" --year 2021
expect_eq "oko pupils list runs" "$rc" 0
expect_eq "it lists every pupil" "$(($(wc -l <"$T/out") - 1))" "$np"
surname=$(sed -n 2p "$T/out" | cut -d, -f3 | cut -d' ' -f1)
first=$(sed -n 2p "$T/out" | cut -d, -f3)
if [ -n "$surname" ] && [ "${#first}" -gt 10 ]; then ok "names open: «$first»"; else fail "names open"; fi
# (The observers' and experts' registries hold names from the same lists: the pupil table only.)
# The table's dump, a row an INSERT line: sqlite3's .dump, or pg_dump's of the table.
dump_pupil() {
	if is_pg; then "$PG_BIN/pg_dump" --data-only --inserts -t public.pupil -d "$OKO_DB"
	else sqlite3 -batch "$OKO_DB" ".dump pupil"; fi
}
if grep -qF "$surname" <(dump_pupil); then
	fail "the pupil table holds the plain surname «$surname»"
elif [ "$(dump_pupil | grep -c 'INSERT INTO')" -ne "$(sql "SELECT count(*) FROM pupil")" ]; then
	fail "the pupil table's dump has its rows"
else
	ok "the pupil table holds no plain surname («$surname» nowhere in its dump)"
fi
expect_eq "no two pupils of a class share a name" \
	"$(sed 1d "$T/out" | cut -d, -f1,3 | sort | uniq -d | wc -l)" 0

# The documents.
expect_ok "the code slips print" print slips --school "$LOGIN" --year 2021 --out "$T/slips.pdf"
expect_eq "… as a PDF" "$(head -c 5 "$T/slips.pdf")" "%PDF-"
expect_ok "the protocol prints" print protocol --school "$LOGIN" --year 2021 --out "$T/protocol.pdf"

# Materials.
expect_eq "every ВПР of 2021 has three variants and criteria" \
	"$(sql "SELECT count(*) FROM procedure p WHERE p.year = 2021 AND p.kind = 'VPR' AND
		(SELECT count(*) FROM material_file f WHERE f.procedure_id = p.id AND f.kind = 'variant') = 3 AND
		(SELECT count(*) FROM material_file f WHERE f.procedure_id = p.id AND f.kind = 'criteria') = 1")" \
	"$(sql "SELECT count(*) FROM procedure WHERE year = 2021 AND kind = 'VPR'")"
expect_eq "every school has its set of every such procedure" \
	"$(sql "SELECT count(*) FROM material_set")" \
	"$(sql "SELECT (SELECT count(*) FROM school) * (SELECT count(*) FROM procedure WHERE year = 2021 AND kind = 'VPR')")"
NOW=$(date -u +%s)
released=$(sql "SELECT p.code FROM material_release r JOIN procedure p ON p.id = r.procedure_id
	JOIN plan_school ps ON ps.procedure_id = p.id AND ps.school_id = $SCHOOL WHERE r.key_at <= $NOW ORDER BY p.code LIMIT 1")
later=$(sql "SELECT p.code FROM material_release r JOIN procedure p ON p.id = r.procedure_id
	JOIN plan_school ps ON ps.procedure_id = p.id AND ps.school_id = $SCHOOL WHERE r.archive_at > $NOW")
if [ -n "$released" ]; then ok "a procedure of the demo school is released ($released)"; else fail "a procedure is released"; fi
expect_eq "exactly one of its procedures is not yet released" "$(echo "$later" | grep -c .)" 1

expect_ok "the released key is given" materials fetch key --procedure "$released" --school "$LOGIN" --out "$T/key"
expect_ok "the released archive is given" materials fetch archive --procedure "$released" --school "$LOGIN" --out "$T/arch"
expect_ok "the archive opens with the key" materials open "$T/arch" --key "$(cat "$T/key")" --out "$T/open"
expect_eq "… two variants, as PDF files" "$(find "$T/open" -name '*.pdf' -exec head -c 5 {} \; -exec echo \; | grep -c '^%PDF-')" 2
expect_fail "the key of the later procedure is refused" materials fetch key --procedure "$later" --school "$LOGIN" --out "$T/key2"
expect_grep "… naming when it opens" "$T/err" "будут доступны с"

# The same on the school's pages.
start_server
login school oko-demo-2026
expect_eq "school logs in" "$code" 303
get school "/pupils?year=2021"
expect_eq "the pupils page" "$code" 200
expect_grep "… lists the pupils by name" "$T/body" "$first"
expect_grep "… links the code slips" "$T/body" "/pupils/slips.pdf?year=2021"
get school /pupils
expect_grep "the page opens on the year that has pupils (the demo's past year)" "$T/body" "$first"
get school "/pupils/slips.pdf?year=2021"
expect_eq "the slips PDF is served" "$code" 200
expect_eq "… as a PDF" "$(head -c 5 "$T/body")" "%PDF-"
get school /materials
expect_eq "the materials page" "$code" 200
expect_grep "… offers the opened variants of a released procedure" "$T/body" "/materials/$released/variants"
if grep -qF "/materials/$later/" "$T/body"; then fail "… and no link for the later one"; else ok "… and no link for the later one"; fi
get school "/materials/$released/variants"
expect_eq "the opened variants are given" "$code" 200
expect_eq "… as a ZIP" "$(head -c 2 "$T/body")" "PK"
get school "/materials/$later/key"
expect_grep "the later key: «Ещё рано»" "$T/body" "Ещё рано"
stop_server

echo "1..$_n"
