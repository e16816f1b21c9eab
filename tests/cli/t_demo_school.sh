#!/bin/bash
# The demo's pupils and confidential materials (docs/generator.md, docs/personal-data.md,
# docs/materials.md): after `oko demo` the demo school (and a few others of the demo
# municipality) has class lists of the demo's last year consistent with its results — one
# pupil per participant of a class — with participant codes issued by the model, the very
# codes its results are stored under, and names sealed under the school's key (the key
# file beside the database); the code slips and the protocol print. Every ВПР of the last
# year has in the bank the variants the pupils wrote and criteria, every school its set,
# released on the plan-graph's days; the demo school can take the key and archive of a
# released procedure (and open it), and is refused with «ещё рано» before the key's time —
# on the command line and on the web.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

OKO_DB=$(new_db demo) && export OKO_DB
run_oko demo --schools 60 --municipalities 4 --seed 7
expect_eq "demo runs" "$rc" 0
expect_grep "the summary names the pupils and codes" "$T/out" "Ученики и коды участников (2020/21 учебный год): "
expect_grep "the summary names the materials" "$T/out" "Материалы (КИМ): процедур: "
expect_grep "the summary says the materials follow the plan-graph" "$T/out" "выдача в дни плана-графика"
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
# Every result the demo writes, of every year, carries a code of its procedure's grade: the
# next year's grade-4 file used to give its pupils 70001…, a grade-7 code.
expect_eq "every result code starts with its procedure's grade" \
	"$(sql "SELECT count(*) FROM result r JOIN procedure p ON p.id = r.procedure_id
		WHERE substr(r.code, 1, length(CAST(p.grade AS TEXT))) <> CAST(p.grade AS TEXT)")" 0
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
# The same codes: every participant code of the year's results is a pupil's of that class,
# in the demo school and in the other schools with lists.
expect_eq "every result code of the demo school is a pupil's code" \
	"$(sql "SELECT count(DISTINCT r.code) FROM result r JOIN procedure p ON p.id = r.procedure_id
		WHERE r.school_id = $SCHOOL AND p.year = 2021 AND NOT EXISTS (SELECT 1 FROM pupil u
		WHERE u.school_id = r.school_id AND u.year = 2021 AND u.code = r.code AND u.class = r.class)")" 0
expect_eq "… and of every school with class lists" \
	"$(sql "SELECT count(*) FROM result r JOIN procedure p ON p.id = r.procedure_id
		WHERE p.year = 2021 AND r.school_id IN (SELECT school_id FROM pupil) AND NOT EXISTS (SELECT 1 FROM pupil u
		WHERE u.school_id = r.school_id AND u.year = 2021 AND u.code = r.code)")" 0
expect_eq "every pupil of the demo school wrote under its code" \
	"$(sql "SELECT count(*) FROM pupil u WHERE u.school_id = $SCHOOL AND u.year = 2021 AND NOT EXISTS
		(SELECT 1 FROM result r JOIN procedure p ON p.id = r.procedure_id WHERE r.school_id = u.school_id
		AND p.year = 2021 AND r.code = u.code)")" 0
expect_eq "the medalists' codes of the year are their results' codes" \
	"$(sql "SELECT count(*) FROM medalist m WHERE m.year = 2021 AND m.school_id IN (SELECT school_id FROM pupil)
		AND NOT EXISTS (SELECT 1 FROM result r JOIN procedure p ON p.id = r.procedure_id
		WHERE r.school_id = m.school_id AND p.year = 2021 AND r.code = m.code)")" 0
rcode=$(sql "SELECT min(r.code) FROM result r JOIN procedure p ON p.id = r.procedure_id
	WHERE r.school_id = $SCHOOL AND p.year = 2021")
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
expect_eq "every ВПР of 2021 has two variants and criteria" \
	"$(sql "SELECT count(*) FROM procedure p WHERE p.year = 2021 AND p.kind = 'VPR' AND
		(SELECT count(*) FROM material_file f WHERE f.procedure_id = p.id AND f.kind = 'variant') = 2 AND
		(SELECT count(*) FROM material_file f WHERE f.procedure_id = p.id AND f.kind = 'criteria') = 1")" \
	"$(sql "SELECT count(*) FROM procedure WHERE year = 2021 AND kind = 'VPR'")"
expect_eq "every school has its set of every such procedure" \
	"$(sql "SELECT count(*) FROM material_set")" \
	"$(sql "SELECT (SELECT count(*) FROM school) * (SELECT count(*) FROM procedure WHERE year = 2021 AND kind = 'VPR')")"
# The variants are those the pupils wrote (the results' variant numbers), every school's set too.
expect_eq "every variant in the bank is one the results were written in" \
	"$(sql "SELECT count(*) FROM material_file f WHERE f.kind = 'variant' AND NOT EXISTS
		(SELECT 1 FROM result r WHERE r.procedure_id = f.procedure_id AND r.variant = f.variant)")" 0
expect_eq "every variant the results were written in is in the bank" \
	"$(sql "SELECT count(*) FROM (SELECT DISTINCT r.procedure_id, r.variant FROM result r JOIN procedure p
		ON p.id = r.procedure_id WHERE p.year = 2021 AND p.kind = 'VPR' AND r.variant IS NOT NULL) x WHERE NOT EXISTS
		(SELECT 1 FROM material_file f WHERE f.procedure_id = x.procedure_id AND f.kind = 'variant' AND f.variant = x.variant)")" 0
expect_eq "every school's set is the variants its pupils wrote" \
	"$(sql "SELECT min(variants) || ' ' || max(variants) FROM material_set")" "1,2 1,2"
# Released on the plan-graph's days: the archive the day the materials are available, the key
# the first day of the window, the criteria theirs — all in the procedure's year.
expect_eq "every procedure with materials is in the plan-graph" \
	"$(sql "SELECT count(*) FROM material_release r WHERE r.procedure_id NOT IN (SELECT procedure_id FROM plan_procedure)")" 0
day() { if is_pg; then echo "to_char(to_timestamp($1) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"; else echo "date($1, 'unixepoch')"; fi; }
expect_eq "every release falls on the plan-graph's days" \
	"$(sql "SELECT count(*) FROM material_release r JOIN plan_procedure pp ON pp.procedure_id = r.procedure_id
		WHERE $(day r.archive_at) <> pp.materials_from OR $(day r.key_at) <> pp.window_from
		OR $(day r.criteria_at) <> pp.criteria_from")" 0
expect_eq "every release is within its procedure's year" \
	"$(sql "SELECT count(*) FROM material_release r JOIN procedure p ON p.id = r.procedure_id
		WHERE substr($(day r.archive_at), 1, 4) <> CAST(p.year AS TEXT) OR substr($(day r.criteria_at), 1, 4) <> CAST(p.year AS TEXT)")" 0
NOW=$(date -u +%s)
released=$(sql "SELECT p.code FROM material_release r JOIN procedure p ON p.id = r.procedure_id
	JOIN plan_school ps ON ps.procedure_id = p.id AND ps.school_id = $SCHOOL WHERE r.key_at <= $NOW ORDER BY p.code LIMIT 1")
later=$(sql "SELECT p.code FROM material_release r JOIN procedure p ON p.id = r.procedure_id
	JOIN plan_school ps ON ps.procedure_id = p.id AND ps.school_id = $SCHOOL WHERE r.archive_at > $NOW")
if [ -n "$released" ]; then ok "a procedure of the demo school is released ($released)"; else fail "a procedure is released"; fi
expect_eq "every procedure of the demo school is released (the demo plays a past year)" "$(echo "$later" | grep -c .)" 0

expect_ok "the released key is given" materials fetch key --procedure "$released" --school "$LOGIN" --out "$T/key"
expect_ok "the released archive is given" materials fetch archive --procedure "$released" --school "$LOGIN" --out "$T/arch"
expect_ok "the archive opens with the key" materials open "$T/arch" --key "$(cat "$T/key")" --out "$T/open"
expect_eq "… two variants, as PDF files" "$(find "$T/open" -name '*.pdf' -exec head -c 5 {} \; -exec echo \; | grep -c '^%PDF-')" 2
# On the plan's materials day (the clock injected), the archive is given and the key not yet.
mday=$(sql "SELECT materials_from FROM plan_procedure WHERE procedure_id = (SELECT id FROM procedure WHERE code = '$released')")
OKO_NOW=${mday}T12:00:00Z expect_ok "on the materials day the archive is given" materials fetch archive --procedure "$released" --school "$LOGIN" --out "$T/arch2"
OKO_NOW=${mday}T12:00:00Z expect_fail "… and the key is refused" materials fetch key --procedure "$released" --school "$LOGIN" --out "$T/key2"
expect_grep "… naming when it opens" "$T/err" "будут доступны с"
# A procedure whose key the region moves past today: «Ещё рано» on the web.
later=$(sql "SELECT p.code FROM material_release r JOIN procedure p ON p.id = r.procedure_id
	JOIN plan_school ps ON ps.procedure_id = p.id AND ps.school_id = $SCHOOL WHERE p.code <> '$released' ORDER BY p.code DESC LIMIT 1")
expect_ok "the region moves one key past today" materials schedule --procedure "$later" --archive-at 2099-01-01T00:00:00Z \
	--key-at 2099-01-02T04:00:00Z --criteria-at 2099-01-02T11:00:00Z

# The same on the school's pages.
start_server
login school oko-demo-2026
expect_eq "school logs in" "$code" 303
get school "/pupils?year=2021"
expect_eq "the pupils page" "$code" 200
expect_grep "… lists the pupils by name" "$T/body" "$first"
expect_grep "… with the codes their results are stored under ($rcode)" "$T/body" ">$rcode<"
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
