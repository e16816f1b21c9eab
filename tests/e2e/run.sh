#!/bin/bash
# Runs the browser tests against the real server: a demo region, fixture files for one
# school, `oko serve` on a free port, then node's test runner (TAP). Screenshots are
# left in $E2E_OUT (default build/e2e) for a person to look at.
set -u
here=$(cd "$(dirname "$0")" && pwd)
OKO=${OKO:?OKO must name the oko binary}
export E2E_OUT=${E2E_OUT:-$here/../../build/e2e}
mkdir -p "$E2E_OUT"
if [ ! -x /usr/bin/chromium ] || [ ! -d "$here/node_modules/playwright-core" ]; then
	echo "1..1"
	echo "ok 1 # SKIP chromium or playwright-core missing (scripts/deps.sh installs them)"
	exit 0
fi
# The database and $T come from tests/cli/lib.sh: on the engine under test, a fresh
# PostgreSQL database when OKO_PG_HOST names a cluster (make check's second pass), else
# $T/oko.db. Its sql helper is exported for the tests' own queries (bash -c 'sql "$1"').
. "$here/../cli/lib.sh"
export -f sql _pg_sql
export PG_BIN _pg_alias_pl
PID=
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; wait $PID 2>/dev/null; db_cleanup' EXIT
"$OKO" demo --schools 60 --seed 5 >/dev/null 2>&1 || { echo "not ok 1 - oko demo failed"; exit 1; }
"$OKO" analyze --out "$T/analysis" --quiet || { echo "not ok 1 - oko analyze failed"; exit 1; }
# A plan-graph of two procedures with every school taking part.
printf 'campaign,procedure,materials_from,window_from,window_to,criteria_from,form_from,upload_deadline\nВПР весна 2021,VPR-2021-RU-4,2021-03-10,2021-03-15,2021-05-21,2021-03-15,2021-03-15,2021-05-25\nВПР весна 2021,VPR-2021-MA-4,2021-03-10,2021-03-15,2021-05-21,2021-03-15,2021-03-15,2021-05-25\n' >"$T/plan.csv"
"$OKO" import plan "$T/plan.csv" >/dev/null && "$OKO" plan assign --campaign "ВПР весна 2021" --all >/dev/null ||
	{ echo "not ok 1 - plan-graph set-up failed"; exit 1; }
school=$(sql "SELECT s.login FROM \"user\" u JOIN school s ON s.id = u.school_id WHERE u.login = 'school'")
# plan.test.mjs moves the school's dates of these two procedures; a sitting with an observer
# (or an act) keeps its date, so the demo's observers and acts come off those two sittings
# (no command removes an act: what happened stays).
sql "PRAGMA foreign_keys = ON;
	DELETE FROM act WHERE school_id = (SELECT id FROM school WHERE login = '$school')
		AND procedure_id IN (SELECT id FROM procedure WHERE code IN ('VPR-2021-RU-4', 'VPR-2021-MA-4'));
	DELETE FROM observation WHERE school_id = (SELECT id FROM school WHERE login = '$school')
		AND procedure_id IN (SELECT id FROM procedure WHERE code IN ('VPR-2021-RU-4', 'VPR-2021-MA-4'));" ||
	{ echo "not ok 1 - freeing the school's sittings failed"; exit 1; }
proc=VPR-2021-MA-4
labels=$(sql "SELECT group_concat(label, ',') FROM (SELECT label FROM position WHERE procedure_id = (SELECT id FROM procedure WHERE code = '$proc') ORDER BY idx)")
n=$(echo "$labels" | tr ',' '\n' | wc -l)
row() { # CODE VARIANT
	printf '%s,%s,%s,4А,%s,ж,4,0,1' "$school" "$proc" "$1" "$2"
	for _ in $(seq 2 "$n"); do printf ',1'; done
	printf '\n'
}
{ echo "school,procedure,code,class,variant,gender,journal_mark,absent,$labels"; row 41001 1; row 41002 пять; } > "$T/school_bad.csv"
{ echo "school,procedure,code,class,variant,gender,journal_mark,absent,$labels"; row 41001 1; row 41002 2; } > "$T/school_fixed.csv"
export E2E_DATA=$T E2E_SCHOOL=$school
# roles.test.mjs: the procedures' task numbers with a dot (3.1, 12.2) are labels, not decimals.
E2E_LABELS=$(sql "SELECT group_concat(label, ' ') FROM (SELECT DISTINCT label FROM position WHERE label LIKE '%.%')")
export E2E_LABELS
# Observers (observers.test.mjs): the demo puts the 2021 procedures into «ВПР весна 2021»
# with dated sittings, assigns its observers and links the login «observer» to one of them;
# the plan imported above only re-dates the campaign's procedures within the same window.
export E2E_OBSERVER=observer
E2E_OBS_CAMPAIGN=$(sql "SELECT id FROM campaign WHERE name = 'ВПР весна 2021'")
export E2E_OBS_CAMPAIGN
"$OKO" serve --listen 127.0.0.1:0 --quiet >"$T/serve.log" 2>&1 &
PID=$!
for _ in $(seq 100); do
	port=$(grep -o 'слушает http://127.0.0.1:[0-9]*' "$T/serve.log" | grep -o '[0-9]*$')
	[ -n "$port" ] && break
	sleep 0.05
done
export OKO_URL=http://127.0.0.1:$port
# E2E_ONLY=NAME runs tests/e2e/NAME.test.mjs alone.
cd "$here" && node --test --test-reporter=tap ./${E2E_ONLY:-*}.test.mjs 2>&1 | grep -vE '^\s+(duration_ms|type|\.\.\.|---)'
