#!/bin/bash
# Web speed: the region's home page and a school card under 64 concurrent connections
# (wrk, 2 threads, 10 s each) on the demo region (~600 schools) and on a generated region
# of about 1 million works; and the upload of the real RU-4 2021 file through the browser
# route; on the demo region also the risk list, the evidence card, the schools list, a report
# page and two API calls (the pages issue 14 moved onto the model). Targets (issue 6): ≥ 500 requests/s with p99 ≤ 100 ms; the upload ≤ 2 s.
set -u
OKO=${OKO:?}
T=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$T"' EXIT

serve() { # DB
	"$OKO" --db "$1" serve --listen 127.0.0.1:0 --quiet >"$T/serve.log" 2>&1 &
	PID=$!
	for _ in $(seq 100); do
		port=$(grep -o 'слушает http://127.0.0.1:[0-9]*' "$T/serve.log" | grep -o '[0-9]*$')
		[ -n "$port" ] && break
		sleep 0.05
	done
	URL=http://127.0.0.1:$port
}

cookie_of() { # LOGIN
	curl -s -c - -o /dev/null --data-urlencode "login=$1" --data-urlencode "password=oko-demo-2026" "$URL/login" |
		awk '$6 == "oko_session" { print "oko_session=" $7 }'
}

load() { # LABEL COOKIE PATH
	local out
	out=$(wrk -t2 -c64 -d10s --latency -H "Cookie: $2" "$URL$3" 2>&1)
	local rps p99 non2xx
	rps=$(echo "$out" | awk '/Requests\/sec/ { print $2 }')
	p99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
	non2xx=$(echo "$out" | awk '/Non-2xx/ { print $NF }')
	printf '%-44s %9s req/s  p99 %8s  %s\n' "$1" "$rps" "$p99" "${non2xx:+non-2xx: $non2xx}"
}

region() { # LABEL SCHOOLS
	local db=$T/$2.db
	"$OKO" --db "$db" demo --schools "$2" >/dev/null 2>&1 || { echo "$1: demo failed"; return 1; }
	# The risk pages read the stored run, as after `make run`.
	"$OKO" --db "$db" analyze --out "$T/analysis" --quiet >/dev/null 2>&1 || { echo "$1: analyze failed"; return 1; }
	local works
	works=$(sqlite3 "$db" 'SELECT count(*) FROM result')
	serve "$db"
	local school
	school=$(sqlite3 "$db" "SELECT s.login FROM user u JOIN school s ON s.id = u.school_id WHERE u.login = 'school'")
	echo "$1: $2 schools, $works works"
	local rc mc proc top
	rc=$(cookie_of region)
	load "  region home (region coordinator)" "$rc" /
	load "  school card (school coordinator)" "$(cookie_of school)" "/schools/$school"
	if [ "${2}" -le 600 ]; then
		# The pages issue 14 moved onto the model: lists, the evidence card, reports, API.
		mc=$(cookie_of mun)
		proc=$(sqlite3 "$db" "SELECT code FROM procedure p ORDER BY (SELECT count(*) FROM result x WHERE x.procedure_id = p.id) DESC, code LIMIT 1")
		top=$(sqlite3 "$db" "SELECT s.login FROM school_risk k JOIN school s ON s.id = k.school_id
			WHERE k.run_id = (SELECT max(id) FROM analysis_run) ORDER BY k.rank LIMIT 1")
		load "  municipality home" "$mc" /
		load "  risk list (region)" "$rc" /risk
		load "  evidence card" "$rc" "/risk/$top"
		load "  schools list (region)" "$rc" /schools
		load "  report page (region)" "$rc" "/reports/$proc"
		load "  API risk list" "$rc" /api/v1/risk
		load "  API results of a procedure" "$rc" "/api/v1/results?procedure=$proc"
	fi
	kill $PID; wait $PID 2>/dev/null; PID=
}

region "demo region" 600
region "1M-works region" 1200

real=${OKO_SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/shared}/data/real
if [ -f "$real/vpr2021/ru4.xlsx" ]; then
	db=$T/up.db
	"$OKO" --db "$db" init >/dev/null
	"$OKO" --db "$db" import kim "$real/kim2021/ru4.xlsx" --procedure VPR-2021-RU-4 >/dev/null
	"$OKO" --db "$db" user add region --role region --password oko-demo-2026 >/dev/null
	serve "$db"
	c=$(cookie_of region)
	csrf=$(curl -s -H "Cookie: $c" "$URL/upload" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{64\}')
	t=$(curl -s -o "$T/up.html" -w '%{time_total} %{http_code}' -H "Cookie: $c" -F "csrf=$csrf" \
		-F "procedure=VPR-2021-RU-4" -F "file=@$real/vpr2021/ru4.xlsx" "$URL/upload")
	echo "upload of real ru4.xlsx (26,595 rows) through POST /upload: ${t% *} s, status ${t#* }"
	kill $PID; wait $PID 2>/dev/null; PID=
else
	echo "upload of real ru4.xlsx: skipped, $real not found"
fi
