#!/bin/bash
# Web speed (issues 6, 14, 21). Three parts:
#
# 1. Every GET route of the route table (src/web/route.c) on the demo region (`oko demo`,
#    default size, then `oko analyze`), each as the role that uses it, with real path
#    parameters read from the demo database (a school, a procedure, a run's top school, a
#    campaign, a re-check round, an expert's task, an act, a plan of measures, a document…),
#    plus the login POST a person repeats. Each route: wrk -t2 -c64 -d3s (3 s, not 10: the
#    sweep is ~90 routes, twice when OKO_BASE is set). One line per route: req/s, p99 and the
#    non-2xx count (+Nt: N requests timed out, wrk's 2 s; +Np: N answers were the 202
#    «Документ готовится» page of a download another request was generating, rcache.c). After each route the script waits
#    until the server is idle again, so a slow route's queue does not weigh on the next one.
#    When OKO_BASE is set (bench/run.sh: the build before issue 21), the
#    base binary serves its own copy of the same database first, then this build serves
#    another, and the table has both columns side by side. Target (issue 21): every route
#    p99 ≤ 50 ms at 64 connections, downloads included.
#    With OKO_BASE, every download is also fetched from both builds and compared with cmp
#    (the line says «identical» or «DIFFER»; the moment a file was written is masked: a
#    PDF's /CreationDate, an XLSX's or DOCX's docProps/core.xml). The file is fetched after
#    its wrk run, so the run includes a kept download's first generation.
# 2. The home page and a school card of a generated region of about 1 million works
#    (wrk -t2 -c64 -d10s; this build only).
# 3. The upload of the real RU-4 2021 file through POST /upload (when the file is present).
# 4. The journal's export (/audit?format=xlsx|csv) right after a change of the content, as in
#    an upload window (the content version moved from another process, as `oko import` beside
#    the server does; the users stay the same): one export, then 5 changes each followed by
#    an export, on the sweep's databases (each build its own journal), wall per export.
# BENCH_WEB_DURATION overrides the sweep's wrk duration (e.g. 10s); BENCH_WEB_ONLY=REGEX
# restricts the sweep to routes whose label matches (and skips parts 2, 3 and 4).
set -u
OKO=${OKO:?}
BASE=${OKO_BASE:-}
DUR=${BENCH_WEB_DURATION:-3s}
ONLY=${BENCH_WEB_ONLY:-}
T=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$T"' EXIT

serve() { # BINARY DB
	: >"$T/serve.log"
	"$1" --db "$2" serve --listen 127.0.0.1:0 --quiet >"$T/serve.log" 2>&1 &
	PID=$!
	port=
	for _ in $(seq 200); do
		port=$(grep -o 'слушает http://127.0.0.1:[0-9]*' "$T/serve.log" | grep -o '[0-9]*$')
		[ -n "$port" ] && break
		sleep 0.05
	done
	URL=http://127.0.0.1:$port
}

stop() {
	[ -n "$PID" ] && { kill "$PID"; wait "$PID" 2>/dev/null; }
	PID=
}

cookie_of() { # LOGIN
	curl -s -c - -o /dev/null --data-urlencode "login=$1" --data-urlencode "password=oko-demo-2026" "$URL/login" |
		awk '$6 == "oko_session" { print "oko_session=" $7 }'
}

# Counts the 202 answers («Документ готовится») of every wrk thread.
cat >"$T/count.lua" <<'EOF'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) prepared = 0 end
function response(status, headers, body) if status == 202 then prepared = prepared + 1 end end
function done(summary, latency, requests)
	local n = 0
	for _, t in ipairs(threads) do n = n + t:get("prepared") end
	io.write("prepared ", n, "\n")
end
EOF

# wrk's summary as "req/s p99 non-2xx" (timeouts counted with the non-2xx, 202s after them).
measure() { # COOKIE PATH [DURATION] [SCRIPT]
	local out rps p99 non2xx tmo prep
	out=$(wrk -t2 -c64 -d"${3:-$DUR}" --latency -s "${4:-$T/count.lua}" ${1:+-H "Cookie: $1"} "$URL$2" 2>&1)
	rps=$(echo "$out" | awk '/Requests\/sec/ { print $2 }')
	p99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
	non2xx=$(echo "$out" | awk '/Non-2xx/ { print $NF }')
	tmo=$(echo "$out" | awk '/Socket errors/ { for (i = 1; i <= NF; i++) if ($i == "timeout") print $(i + 1) }')
	prep=$(echo "$out" | awk '$1 == "prepared" && $2 > 0 { print $2 }')
	echo "${rps:-?} ${p99:-?} ${non2xx:-0}${tmo:++${tmo}t}${prep:++${prep}p}"
}

load() { # LABEL COOKIE PATH
	local m
	read -r -a m <<<"$(measure "$2" "$3" 10s)"
	printf '%-44s %9s req/s  p99 %8s  %s\n' "$1" "${m[0]}" "${m[1]}" "$([ "${m[2]}" = 0 ] || echo "non-2xx: ${m[2]}")"
}

# ---- part 1: every route on the demo region ----

demo=$T/demo.db
first=${BASE:-$OKO}
"$first" --db "$demo" demo >/dev/null 2>&1 || { echo "demo failed"; exit 1; }
"$first" --db "$demo" analyze --out "$T/analysis" --quiet >/dev/null 2>&1 || { echo "analyze failed"; exit 1; }
q() { sqlite3 "$demo" "$1"; }
SL=$(q "SELECT s.login FROM \"user\" u JOIN school s ON s.id = u.school_id WHERE u.login = 'school'")
SID=$(q "SELECT school_id FROM \"user\" WHERE login = 'school'")
P=$(q "SELECT code FROM procedure p ORDER BY (SELECT count(*) FROM result x WHERE x.procedure_id = p.id) DESC, code LIMIT 1")
SP=$(q "SELECT p.code FROM procedure p WHERE EXISTS (SELECT 1 FROM plan_school x WHERE x.procedure_id = p.id AND x.school_id = $SID) ORDER BY p.code LIMIT 1")
TOP=$(q "SELECT s.login FROM school_risk k JOIN school s ON s.id = k.school_id
	WHERE k.run_id = (SELECT max(id) FROM analysis_run) ORDER BY k.rank LIMIT 1")
CAMP=$(q "SELECT min(id) FROM campaign")
MUN=$(q "SELECT municipality_id FROM school WHERE id = $SID")
ROUND=$(q "SELECT min(id) FROM recheck_round")
TASK=$(q "SELECT min(c.id) FROM recheck_check c JOIN expert e ON e.id = c.expert_id JOIN \"user\" u ON u.id = e.user_id
	JOIN recheck_work w ON w.id = c.work_id WHERE u.login = 'expert' AND w.scan_id IS NOT NULL")
[ -n "$TASK" ] || TASK=$(q "SELECT min(c.id) FROM recheck_check c JOIN expert e ON e.id = c.expert_id JOIN \"user\" u ON u.id = e.user_id WHERE u.login = 'expert'")
WORK=$(q "SELECT min(id) FROM recheck_work WHERE school_id = $SID AND scan_id IS NOT NULL")
ACT=$(q "SELECT min(id) FROM act")
ACTSCHOOL=$(q "SELECT s.login || ' ' || p.code FROM plan_school x JOIN school s ON s.id = x.school_id JOIN procedure p ON p.id = x.procedure_id
	JOIN observation o ON o.procedure_id = x.procedure_id AND o.school_id = x.school_id JOIN observer b ON b.id = o.observer_id
	JOIN \"user\" u ON u.id = b.user_id WHERE u.login = 'observer' ORDER BY p.code, s.login LIMIT 1" 2>/dev/null)
MPLAN=$(q "SELECT min(id) FROM mplan WHERE school_id = $SID")
[ -n "$MPLAN" ] || MPLAN=$(q "SELECT min(id) FROM mplan")
MEAS=$(q "SELECT min(id) FROM measure WHERE plan_id = $MPLAN")
NOTE=$(q "SELECT min(id) FROM measure_note WHERE file_id IS NOT NULL")
CLASS=$(q "SELECT min(class) FROM pupil WHERE school_id = $SID")
CLASS_Q=$(printf '%s' "$CLASS" | od -An -tx1 | tr -s ' \n' '%%' | sed 's/%$//' | tr 'a-f' 'A-F')
PP=$(q "SELECT p.code FROM plan_procedure x JOIN procedure p ON p.id = x.procedure_id ORDER BY p.code LIMIT 1")

# ROLE PATH [download] — the sweep, in the route table's order.
routes() {
	cat <<EOF
- /login
region /
municipality /
school /
region /schools
region /schools/export dl
region /schools/export?format=xlsx dl
region /schools/new
region /schools/$SL/edit
region /municipalities
region /schools/aliases
school /schools/$SL
region /schools/$SL
school /upload
admin /users
admin /users/edit?user=school
region /audit
region /audit?format=xlsx dl
- /favicon.ico
region /reports
region /reports/$P
school /reports/$SP
region /reports/$P/xlsx dl
municipality /reports/$P/xlsx dl
school /reports/$SP/xlsx dl
region /reports/$P/pdf dl
region /risk
region /risk/export dl
region /risk/export?format=xlsx dl
region /risk/pdf dl
region /risk/$TOP
region /risk/$TOP/pdf dl
school /pupils?class=$CLASS_Q
school /pupils/slips.pdf?class=$CLASS_Q dl
school /pupils/protocol.pdf?class=$CLASS_Q dl
school /grid
school /grid/$SP
school /grid/$SP/form.xlsx dl
region /plan
school /plan
region /plan/print.pdf?campaign=$CAMP dl
region /monitoring
municipality /monitoring
region /monitoring?procedure=$PP
region /monitoring?procedure=$PP&format=csv dl
region /monitoring?procedure=$PP&format=xlsx dl
region /procedures
region /procedures/$P
region /analysis
school /materials
region /materials
school /materials/$SP/variants dl
region /observers
region /observers/schedule.csv?campaign=$CAMP dl
region /observers/schedule.xlsx?campaign=$CAMP dl
region /observers/schedule.pdf?campaign=$CAMP dl
region /observers/acts.csv?campaign=$CAMP dl
region /observers/acts.xlsx?campaign=$CAMP dl
region /observers/coverage.csv?campaign=$CAMP dl
region /observers/coverage.xlsx?campaign=$CAMP&by=kind dl
region /observers/control
region /observers/violations
school /observers/school
EOF
	[ -n "$ACTSCHOOL" ] && echo "observer /acts/new?school=${ACTSCHOOL% *}&procedure=${ACTSCHOOL#* }"
	[ -n "$ACT" ] && printf '%s\n' "region /acts/$ACT.pdf dl" "region /acts/$ACT"
	cat <<EOF
region /recheck
region /recheck/$ROUND
region /recheck/$ROUND/works.csv dl
region /recheck/$ROUND/schools.csv dl
region /recheck/$ROUND/experts.csv dl
region /recheck/$ROUND/positions.csv dl
school /scans
EOF
	[ -n "$WORK" ] && echo "school /scans/$WORK dl"
	echo "expert /expert"
	[ -n "$TASK" ] && printf '%s\n' "expert /expert/$TASK" "expert /expert/$TASK/scan dl"
	cat <<EOF
region /measures
school /measures/$MPLAN
school /measures/$MPLAN/plan.xlsx dl
school /measure/$MEAS
EOF
	[ -n "$NOTE" ] && echo "region /measure/note/$NOTE dl"
	cat <<EOF
region /documents
region /documents/file?kind=order&format=docx&campaign=$CAMP&plan=$MPLAN&number=1&date=2026-03-01 dl
region /documents/file?kind=analytic-note&format=docx&procedure=$P dl
region /documents/file?kind=analytic-note&format=pdf&procedure=$P dl
school /documents/file?kind=info-note&format=docx&plan=$MPLAN dl
school /documents/file?kind=plan&format=pdf&plan=$MPLAN dl
region /settings
region /api/v1/me
region /api/v1/schools
region /api/v1/procedures
region /api/v1/results?procedure=$P
school /api/v1/results?procedure=$SP
region /api/v1/uploads
school /api/v1/uploads
region /api/v1/risk
region /api/v1/signs?school=$SL
EOF
}

# Waits (up to 60 s) until the server answers a static file at once: requests of a slow
# route still queued when wrk stopped must not weigh on the next route's figures.
drain() {
	local t
	for _ in $(seq 120); do
		t=$(curl -s -o /dev/null --max-time 60 -w '%{time_total}' "$URL/favicon.ico")
		awk -v t="${t:-1}" 'BEGIN { exit !(t < 0.02) }' && return
		sleep 0.5
	done
}

declare -A COOKIE
sweep() { # BINARY DB OUTFILE DLDIR
	serve "$1" "$2"
	local role
	for role in admin region municipality school expert observer; do
		COOKIE[$role]=$(cookie_of "$([ "$role" = municipality ] && echo mun || echo "$role")")
	done
	mkdir -p "$4"
	local path kind n=0
	: >"$3"
	while read -r role path kind; do
		n=$((n + 1))
		local label="$role $path"
		[ -n "$ONLY" ] && ! [[ $label =~ $ONLY ]] && continue
		local c=
		[ "$role" != - ] && c=${COOKIE[$role]}
		echo "$n $(measure "$c" "$path")" >>"$3"
		drain
		# After the load, so that a kept download's first generation is in the figures.
		# A 202 («Документ готовится») is asked again, as the browser does.
		if [ "$kind" = dl ]; then
			for _ in $(seq 120); do
				[ "$(curl -s -o "$4/$n" -w '%{http_code}' -H "Cookie: $c" "$URL$path")" = 202 ] || break
				sleep 0.5
			done
		fi
	done < <(routes)
	# The login a person repeats (argon2id by design; the throttle does not slow a right password).
	{ cat "$T/count.lua"; printf 'wrk.method = "POST"\nwrk.body = "login=region&password=oko-demo-2026"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'; } >"$T/login.lua"
	[ -z "$ONLY" ] || [[ "POST /login" =~ $ONLY ]] && echo "login $(measure "" /login "" "$T/login.lua")" >>"$3"
	stop
}

echo "demo region: $(q 'SELECT count(*) FROM school') schools, $(q 'SELECT count(*) FROM result') works; every route, wrk -t2 -c64 -d$DUR"
if [ -n "$BASE" ]; then
	cp "$demo" "$T/base.db"
	cp "$demo" "$T/new.db"
	for f in "$demo".*; do # the key file, materials, scans beside the database
		cp -r "$f" "$T/base.db${f#"$demo"}"
		cp -r "$f" "$T/new.db${f#"$demo"}"
	done
	sweep "$BASE" "$T/base.db" "$T/base.txt" "$T/dl.base"
	sweep "$OKO" "$T/new.db" "$T/new.txt" "$T/dl.new"
	printf '%-58s %24s | %24s\n' "" "base: req/s    p99 non2xx" "this: req/s    p99 non2xx"
else
	sweep "$OKO" "$demo" "$T/new.txt" "$T/dl.new"
	printf '%-58s %24s\n' "" "req/s    p99 non2xx"
fi
# A file with the moment it was written masked: a PDF's /CreationDate (cairo), an XLSX's or
# DOCX's docProps/core.xml (its parts are compared one by one, unpacked).
unmasked() {
	case $(head -c4 "$1") in
	%PDF) sed -E 's#/CreationDate \(D:[^)]*\)#/CreationDate ()#' "$1" ;;
	PK*) python3 -c 'import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for n in sorted(z.namelist()):
    if n != "docProps/core.xml":
        sys.stdout.buffer.write(n.encode() + b"\n" + z.read(n))' "$1" ;;
	*) cat "$1" ;;
	esac
}
over=0
n=0
while read -r role path kind; do
	n=$((n + 1))
	new=$(awk -v n="$n" '$1 == n { print $2, $3, $4 }' "$T/new.txt")
	[ -n "$new" ] || continue
	base=
	[ -n "$BASE" ] && base=$(awk -v n="$n" '$1 == n { print $2, $3, $4 }' "$T/base.txt")
	same=
	if [ -n "$BASE" ] && [ "$kind" = dl ]; then
		if cmp -s "$T/dl.base/$n" "$T/dl.new/$n" || cmp -s <(unmasked "$T/dl.base/$n") <(unmasked "$T/dl.new/$n"); then
			same=identical
		else
			same=DIFFER
		fi
	fi
	# shellcheck disable=SC2086
	if [ -n "$BASE" ]; then
		printf '%-58.58s %24s | %24s %s\n' "$role $path" "$(printf '%9s %8s %5s' $base)" \
			"$(printf '%9s %8s %5s' $new)" "$same"
	else
		printf '%-58.58s %24s\n' "$role $path" "$(printf '%9s %8s %5s' $new)"
	fi
	p99=$(echo "$new" | awk '{ print $2 }')
	case $p99 in *us) ;; *ms) [ "${p99%%.*}" -ge 50 ] 2>/dev/null && over=$((over + 1)) ;; *) over=$((over + 1)) ;; esac
done < <(routes)
for f in "$T/base.txt" "$T/new.txt"; do
	[ -f "$f" ] || continue
	l=$(awk '$1 == "login" { print $2, $3, $4 }' "$f")
	[ -n "$l" ] && printf '%-58s %s\n' "POST /login ($(basename "$f" .txt))" "$l"
done
echo "routes with p99 over 50 ms (this build): $over"

# Restricted to some routes: the sweep is all that was asked for.
[ -n "$ONLY" ] && exit 0

# ---- part 2: the 1M-works region (home and school card) ----

region() { # LABEL SCHOOLS
	local db=$T/$2.db
	"$OKO" --db "$db" demo --schools "$2" >/dev/null 2>&1 || { echo "$1: demo failed"; return 1; }
	# The risk pages read the stored run, as after `make run`.
	"$OKO" --db "$db" analyze --out "$T/analysis" --quiet >/dev/null 2>&1 || { echo "$1: analyze failed"; return 1; }
	local works school
	works=$(sqlite3 "$db" 'SELECT count(*) FROM result')
	serve "$OKO" "$db"
	school=$(sqlite3 "$db" "SELECT s.login FROM \"user\" u JOIN school s ON s.id = u.school_id WHERE u.login = 'school'")
	echo "$1: $2 schools, $works works"
	load "  region home (region coordinator)" "$(cookie_of region)" /
	load "  school card (school coordinator)" "$(cookie_of school)" "/schools/$school"
	stop
}
region "1M-works region" 1200

# ---- part 3: the upload of a real file ----

real=${OKO_SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/shared}/data/real
if [ -f "$real/vpr2021/ru4.xlsx" ]; then
	db=$T/up.db
	"$OKO" --db "$db" init >/dev/null
	"$OKO" --db "$db" import kim "$real/kim2021/ru4.xlsx" --procedure VPR-2021-RU-4 >/dev/null
	"$OKO" --db "$db" user add region --role region --password oko-demo-2026 >/dev/null
	serve "$OKO" "$db"
	c=$(cookie_of region)
	csrf=$(curl -s -H "Cookie: $c" "$URL/upload" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{64\}')
	t=$(curl -s -o "$T/up.html" -w '%{time_total} %{http_code}' -H "Cookie: $c" -F "csrf=$csrf" \
		-F "procedure=VPR-2021-RU-4" -F "file=@$real/vpr2021/ru4.xlsx" "$URL/upload")
	echo "upload of real ru4.xlsx (26,595 rows) through POST /upload: ${t% *} s, status ${t#* }"
	stop
else
	echo "upload of real ru4.xlsx: skipped, $real not found"
fi

# ---- part 4: the journal's export after a change of the content ----

after_change() { # LABEL BINARY DB
	serve "$2" "$3"
	local c f all
	c=$(cookie_of region)
	for f in xlsx csv; do
		curl -s -o /dev/null -H "Cookie: $c" "$URL/audit?format=$f"
		all=
		for _ in 1 2 3 4 5; do
			sqlite3 "$3" "UPDATE content_rev SET n = n + 1"
			all="$all $(curl -s -o "$T/journal" -w '%{time_total}' -H "Cookie: $c" "$URL/audit?format=$f")"
		done
		# shellcheck disable=SC2086 # the times, one a word
		printf '%s\n' $all | sort -g | awk -v l="$1" -v f="$f" \
			-v e="$(sqlite3 "$3" 'SELECT count(*) FROM audit')" -v b="$(stat -c %s "$T/journal")" \
			'{ v[NR] = $1 } END { printf "  %-5s %-4s %d entries, %d bytes: median %.3f s (%.3f–%.3f)\n", l, f, e, b, v[3], v[1], v[5] }'
	done
	stop
}
echo "the journal's export right after a change of the content (5 exports each):"
if [ -n "$BASE" ]; then
	after_change base "$BASE" "$T/base.db"
	after_change this "$OKO" "$T/new.db"
else
	after_change this "$OKO" "$demo"
fi
