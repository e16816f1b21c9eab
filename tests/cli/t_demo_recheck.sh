#!/bin/bash
# The demo's re-checks (docs/recheck.md): after `oko demo` the expert, the school and the
# coordinators have work — an experts' registry with conflicts of interest and the login
# `expert` in the demo municipality, finished rounds of the region (every work checked, the
# third checks where the discrepancy needed one, every work with its scan), and a round in
# progress of the demo
# municipality with demonstration scans (files named by 32 hex digits, mode 0600, nothing
# of the school inside), some of the demo school's works still without a scan, about half
# the checks done (a third check among them) and the expert's queue with work to do.
. "$(dirname "$0")/lib.sh"

OKO_DB=$(new_db demo) && export OKO_DB
run_oko demo --schools 60 --municipalities 4 --seed 7
expect_eq "demo runs" "$rc" 0
expect_grep "the summary names the round in progress" "$T/out" "текущий тур ("
expect_grep "the summary names the finished rounds" "$T/out" "завершённые туры области"
expect_grep "the summary says what the expert has to do" "$T/out" "у входа expert"

# The registry.
expect_eq "30 experts" "$(sql "SELECT count(*) FROM expert")" 30
expect_eq "experts have conflicts of interest" "$(sql "SELECT CASE WHEN count(DISTINCT expert_id) >= 30 THEN 1 ELSE 0 END FROM expert_school WHERE why = 'works'")" 1
expect_eq "some have a child at a school" "$(sql "SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM expert_school WHERE why = 'child'")" 1
MUN="(SELECT municipality_id FROM \"user\" WHERE login = 'mun')"
EXPERT="(SELECT e.id FROM expert e JOIN \"user\" u ON u.id = e.user_id WHERE u.login = 'expert')"
expect_eq "the login expert is an expert of the demo municipality" \
	"$(sql "SELECT count(*) FROM expert WHERE id = $EXPERT AND municipality_id = $MUN")" 1
expect_eq "no expert checks a work of a school it works at or has a child at" \
	"$(sql "SELECT count(*) FROM recheck_check c JOIN recheck_work w ON w.id = c.work_id
		JOIN expert_school es ON es.expert_id = c.expert_id AND es.school_id = w.school_id")" 0

# Finished rounds: every work has a final check (2 without a significant discrepancy,
# else 3), nothing waits, no control checks.
FIN="(SELECT id FROM recheck_round WHERE municipality_id IS NULL)"
expect_eq "two finished rounds of the region" "$(sql "SELECT count(*) FROM recheck_round WHERE municipality_id IS NULL")" 2
expect_eq "their works all have check 2 done" \
	"$(sql "SELECT count(*) FROM recheck_work w WHERE w.round_id IN $FIN AND NOT EXISTS
		(SELECT 1 FROM recheck_check c WHERE c.work_id = w.id AND c.check_no = 2 AND c.done = 1 AND c.control = 0)")" 0
expect_eq "nothing waits in them" "$(sql "SELECT count(*) FROM recheck_check WHERE round_id IN $FIN AND done = 0")" 0
n3=$(sql "SELECT count(*) FROM recheck_check WHERE round_id IN $FIN AND check_no = 3 AND done = 1")
if [ "${n3:-0}" -gt 0 ]; then ok "third checks done in the finished rounds ($n3)"; else fail "third checks done in the finished rounds"; fi
n=$(sql "SELECT count(*) FROM recheck_work WHERE round_id IN $FIN")
expect_eq "every work of the finished rounds has its scan" \
	"$(sql "SELECT count(*) FROM recheck_work WHERE round_id IN $FIN AND scan_id IS NULL")" 0
expect_eq "no check is finished on a work without a scan, in any round" \
	"$(sql "SELECT count(*) FROM recheck_check c JOIN recheck_work w ON w.id = c.work_id
		WHERE c.done = 1 AND w.scan_id IS NULL")" 0
expect_eq "the expert's queue shows no finished check without its scan" \
	"$(sql "SELECT count(*) FROM recheck_check c JOIN recheck_work w ON w.id = c.work_id
		WHERE c.expert_id = $EXPERT AND c.done = 1 AND w.scan_id IS NULL")" 0
if [ "${n:-0}" -ge 20 ]; then ok "the finished rounds hold works ($n)"; else fail "the finished rounds hold works ($n)"; fi

# The round in progress.
CUR="(SELECT id FROM recheck_round WHERE municipality_id = $MUN)"
expect_eq "one round of the demo municipality" "$(sql "SELECT count(*) FROM recheck_round WHERE municipality_id = $MUN")" 1
expect_eq "it is assigned" "$(sql "SELECT CASE WHEN assigned_at IS NOT NULL THEN 1 ELSE 0 END FROM recheck_round WHERE id = $CUR")" 1
SCHOOL="(SELECT school_id FROM \"user\" WHERE login = 'school')"
own=$(sql "SELECT count(*) FROM recheck_work WHERE round_id = $CUR AND school_id = $SCHOOL")
missing=$(sql "SELECT count(*) FROM recheck_work WHERE round_id = $CUR AND school_id = $SCHOOL AND scan_id IS NULL")
if [ "${own:-0}" -ge 3 ]; then ok "the demo school has sampled works ($own)"; else fail "the demo school has sampled works ($own)"; fi
if [ "${missing:-0}" -ge 1 ] && [ "$missing" -lt "$own" ]; then
	ok "some of them wait for their scans ($missing of $own)"
else
	fail "some of the demo school's works wait for their scans ($missing of $own)"
fi
expect_eq "every other work has its scan" \
	"$(sql "SELECT count(*) FROM recheck_work WHERE round_id = $CUR AND school_id <> $SCHOOL AND scan_id IS NULL")" 0
done2=$(sql "SELECT count(*) FROM recheck_check WHERE round_id = $CUR AND check_no = 2 AND control = 0 AND done = 1")
all2=$(sql "SELECT count(*) FROM recheck_check WHERE round_id = $CUR AND check_no = 2 AND control = 0")
if [ "${done2:-0}" -gt 0 ] && [ "$done2" -lt "$all2" ]; then
	ok "some checks done, some waiting ($done2 of $all2)"
else
	fail "some checks done, some waiting ($done2 of $all2)"
fi
expect_eq "a third check done in the round in progress" \
	"$(sql "SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM recheck_check WHERE round_id = $CUR AND check_no = 3 AND done = 1")" 1
expect_eq "control works are in the queues" \
	"$(sql "SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM recheck_check WHERE round_id = $CUR AND control = 1")" 1
todo=$(sql "SELECT count(*) FROM recheck_check c JOIN recheck_work w ON w.id = c.work_id
	WHERE c.expert_id = $EXPERT AND c.done = 0 AND w.scan_id IS NOT NULL")
if [ "${todo:-0}" -ge 5 ]; then ok "the login expert has checks to do with scans ($todo)"; else fail "the login expert has checks to do with scans ($todo)"; fi
expect_eq "its done checks are the expert's own (saved on the web path)" \
	"$(sql "SELECT count(*) FROM recheck_check WHERE round_id = $CUR AND done = 1 AND source <> 'web'")" 0

# The scans: one file per recorded id, named by it alone, private.
S=$(db_file).scans
check "the scans directory exists" test -d "$S"
expect_eq "the scans directory is 0700" "$(stat -c %a "$S")" 700
files=$(find "$S" -type f | wc -l)
expect_eq "one file per recorded scan" "$files" "$(sql "SELECT count(*) FROM recheck_work WHERE scan_id IS NOT NULL")"
expect_eq "every file is named by 32 hex digits" "$(find "$S" -type f | sed 's|.*/||' | grep -cvE '^[0-9a-f]{32}$')" 0
expect_eq "every file is 0600" "$(find "$S" -type f ! -perm 600 | wc -l)" 0
missing_files=0
for id in $(sql "SELECT scan_id FROM recheck_work WHERE scan_id IS NOT NULL ORDER BY id LIMIT 50"); do
	[ -f "$S/$id" ] || missing_files=$((missing_files + 1))
done
expect_eq "the recorded scans exist" "$missing_files" 0
row=$(sql "SELECT w.scan_id || ' ' || w.code || ' ' || s.login || ' ' || w.scan_type FROM recheck_work w
	JOIN school s ON s.id = w.school_id WHERE w.round_id = $CUR AND w.scan_id IS NOT NULL ORDER BY w.id LIMIT 1")
read -r id code login type <<<"$row"
expect_eq "a scan is a PDF" "$type $(head -c 5 "$S/$id")" "pdf %PDF-"
if command -v pdftotext >/dev/null; then
	pdftotext "$S/$id" "$T/scan.txt"
	expect_grep "the scan says what it is" "$T/scan.txt" "Демонстрационный скан работы"
	expect_grep "the scan names the participant code" "$T/scan.txt" "$code"
	if grep -q "$login" "$T/scan.txt"; then fail "the scan does not name the school"; else ok "the scan does not name the school"; fi
else
	skip "pdftotext is not installed: the scan's text is not read"
fi

# The same seed, the same demonstration: a demo into a fresh database issues the same
# pupils' codes (the simulated experts score by code; random codes made the round in
# progress differ from run to run, sometimes without a third check done).
codes1=$(sql "SELECT code FROM pupil ORDER BY school_id, class, code")
third1=$(sql "SELECT count(*) FROM recheck_check WHERE check_no = 3")
OKO_DB2=$(new_db demo2)
OKO_DB=$OKO_DB2 "$OKO" demo --schools 60 --municipalities 4 --seed 7 >/dev/null 2>&1
expect_eq "the same seed: the same pupils' codes" \
	"$(OKO_DB=$OKO_DB2 sql "SELECT code FROM pupil ORDER BY school_id, class, code")" "$codes1"
expect_eq "… and the same third checks" "$(OKO_DB=$OKO_DB2 sql "SELECT count(*) FROM recheck_check WHERE check_no = 3")" "$third1"

# A second demo over the same database adds no rounds.
before=$(sql "SELECT count(*) FROM recheck_round")
run_oko demo --schools 60 --municipalities 4 --seed 7 --force
expect_eq "demo --force runs again" "$rc" 0
expect_grep "and says the rounds exist" "$T/out" "уже есть туры"
expect_eq "no second set of rounds" "$(sql "SELECT count(*) FROM recheck_round")" "$before"
echo "1..$_n"
