#!/bin/bash
# Monitoring (issue 22): /metrics in Prometheus's text format for the administrator (a
# session or an API key, as a scraper sends it; others refused), its counts exactly what was
# done between two scrapes (pages by route pattern, a 404 with no route, refused logins,
# uploads stored and refused with their rows, an analysis started in the browser, a refused
# key), the database's own figures; and the log as one line per event: with
# OKO_LOG_FORMAT=json every line of the server's stderr is a JSON object with the access
# log's fields, and in text a line break in a path is escaped.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"
# PostgreSQL: the analysis's outputs go where SQLite would put them beside its file.
if is_pg; then export OKO_FILES="$T/files"; mkdir -p "$OKO_FILES"; fi

"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
"$OKO" import procedures "$DATA/procedures.csv" >/dev/null
"$OKO" user add admin --role admin --password Kx9-met-admin1 >/dev/null
"$OKO" user add reg --role region --password Kx9-met-region1 >/dev/null
"$OKO" user add sch --role school --scope sch220206 --password Kx9-met-school1 >/dev/null
key=$("$OKO" user token create admin --label prometheus 2>/dev/null)
regkey=$("$OKO" user token create reg 2>/dev/null)
[ -n "$key" ] && ok "an API key for the scraper" || fail "no API key created"

OKO_LOG_FORMAT=json start_server
login admin Kx9-met-admin1
login reg Kx9-met-region1
login sch Kx9-met-school1

# scrape FILE [curl args]: GET /metrics with the key; status in $code, headers in FILE.h
scrape() {
	local f=$1; shift
	code=$(curl -s -o "$f" -D "$f.h" -w '%{http_code}' "$@" "$URL/metrics")
}
# series FILE SERIES: the value of one series line, as an integer (0 when absent)
series() { awk -v s="$2" 'substr($0, 1, length(s) + 1) == s " " { v = $2 } END { printf "%d\n", v }' "$1"; }
# delta SERIES: its growth from the first scrape to the second
delta() { echo $(($(series "$T/m2" "$1") - $(series "$T/m1" "$1"))); }

scrape "$T/m1" -H "Authorization: Bearer $key"
expect_eq "the administrator's key opens /metrics" "$code" 200
expect_grep "the Prometheus text format 0.0.4" "$T/m1.h" "Content-Type: text/plain; version=0.0.4"
expect_grep "never cached" "$T/m1.h" "Cache-Control: no-store"
audit_before=$(sql "SELECT count(*) FROM audit")

# --- what is done between the scrapes
get admin /schools/sch220206
get admin /schools/sch220206
expect_eq "a school's card" "$code" 200
get admin /schools/nosuch
expect_eq "an unknown school: 404 under the route" "$code" 404
get admin /no/such/page
expect_eq "a path no route takes: 404" "$code" 404
try_login admin wrong-password-1
try_login nobody wrong-password-2
expect_eq "refused logins" "$code" 403
upload admin /upload -F "file=@$DATA/results/canonical.csv"
expect_eq "results uploaded over the web" "$code" 200
expect_grep "… and stored" "$T/body" "Файл загружен."
rows=$(($(wc -l <"$DATA/results/canonical.csv") - 1))
upload admin /upload -F "file=@$DATA/results/bad.csv"
expect_eq "a bad results file refused" "$code" 400
printf 'Класс;Фамилия;Имя;Отчество\n4а;Метрикова;Вера;Петровна\n4а;Счётов;Иван;Ильич\n' >"$T/list.csv"
upload sch /pupils/import -F year=2021 -F "file=@$T/list.csv"
expect_eq "a class list uploaded" "$code" 200
post admin /analysis
expect_eq "the analysis started in the browser" "$code" 303
for _ in $(seq 600); do
	get admin /analysis
	grep -q "завершён\|не выполнен" "$T/body" && break
	sleep 0.2
done
expect_grep "… and ended" "$T/body" "завершён"
scrape "$T/bad" -H "Authorization: Bearer 0000000000000000000000000000000000000000000000000000000000000000"
expect_eq "an unknown key refused" "$code" 403
scrape "$T/reg" -H "Authorization: Bearer $regkey"
expect_eq "a region user's key refused" "$code" 403
get reg /metrics
expect_eq "a region user's session refused" "$code" 403
get - /metrics
expect_eq "anonymous: refused (a scraper is not sent to a login page)" "$code" 403
sleep 0.3 # the last answer is counted when it has been sent

scrape "$T/m2" -H "Authorization: Bearer $key"
expect_eq "the second scrape" "$code" 200
R=oko_http_requests_total
expect_eq "the school's cards counted under the pattern" "$(delta "$R{route=\"/schools/{login}\",method=\"GET\",status=\"200\"}")" 2
expect_eq "… the unknown school as its 404" "$(delta "$R{route=\"/schools/{login}\",method=\"GET\",status=\"404\"}")" 1
expect_eq "the path without a route as «other»" "$(delta "$R{route=\"other\",method=\"GET\",status=\"404\"}")" 1
expect_eq "the refused logins' requests" "$(delta "$R{route=\"/login\",method=\"POST\",status=\"403\"}")" 2
expect_eq "the first scrape counted" "$(delta "$R{route=\"/metrics\",method=\"GET\",status=\"200\"}")" 1
expect_eq "the refused scrapes counted" "$(delta "$R{route=\"/metrics\",method=\"GET\",status=\"403\"}")" 4
grep -q 'sch220206\|nosuch\|/no/such' "$T/m2" && fail "a path or a login in the labels" || ok "no path, no login in the labels"
expect_eq "the histogram counts the cards" \
	"$(delta "oko_http_request_duration_seconds_count{route=\"/schools/{login}\",method=\"GET\"}")" 3
expect_eq "… every one within 10 s" \
	"$(delta "oko_http_request_duration_seconds_bucket{route=\"/schools/{login}\",method=\"GET\",le=\"10\"}")" 3
expect_eq "refused logins" "$(delta 'oko_logins_refused_total{reason="password"}')" 2
expect_eq "the refused key" "$(delta 'oko_logins_refused_total{reason="token"}')" 1
expect_eq "results stored" "$(delta 'oko_uploads_total{kind="results",result="stored"}')" 1
expect_eq "results refused" "$(delta 'oko_uploads_total{kind="results",result="refused"}')" 1
expect_eq "the results file's rows" "$(delta 'oko_rows_imported_total{kind="results"}')" "$rows"
expect_eq "the class list stored" "$(delta 'oko_uploads_total{kind="pupils",result="stored"}')" 1
expect_eq "… its two rows" "$(delta 'oko_rows_imported_total{kind="pupils"}')" 2
expect_eq "the refused file" "$(delta 'oko_files_refused_total{reason="import"}')" 1
expect_eq "the analysis run" "$(delta 'oko_analysis_runs_total{result="done"}')" 1
expect_eq "… timed" "$(delta 'oko_analysis_duration_seconds_count')" 1
expect_eq "the runs the database stores" "$(series "$T/m2" oko_analysis_runs_stored)" \
	"$(sql "SELECT count(*) FROM analysis_run")"
size=$(series "$T/m2" oko_database_size_bytes)
if is_pg; then
	# PostgreSQL's own workers (autovacuum writes a table's free-space and visibility maps)
	# may grow the files at any moment: the answer lies between the sizes read just before
	# and just after a scrape of its own.
	lo=$(sql "SELECT pg_database_size(current_database())")
	scrape "$T/msize" -H "Authorization: Bearer $key"
	hi=$(sql "SELECT pg_database_size(current_database())")
	size=$(series "$T/msize" oko_database_size_bytes)
	[ -n "$size" ] && [ "$size" -ge "$lo" ] && [ "$size" -le "$hi" ] &&
		ok "the database's size (PostgreSQL)" ||
		fail "the database's size (PostgreSQL): got «$size», expected from $lo to $hi"
else
	expect_eq "the database's size (SQLite pages)" "$size" \
		"$(($(sqlite3 "$OKO_DB" 'PRAGMA page_count') * $(sqlite3 "$OKO_DB" 'PRAGMA page_size')))"
fi
expect_eq "the live sessions" "$(series "$T/m2" oko_sessions_active)" 3
grep -q '^oko_build_info{version="[^"]*"} 1$' "$T/m2" && ok "the build's version" || fail "no oko_build_info"
start=$(series "$T/m2" process_start_time_seconds)
[ "$start" -gt $(($(date +%s) - 600)) ] && ok "the process's start time" || fail "process_start_time_seconds $start"
for f in $(grep '^# TYPE' "$T/m2" | awk '{ print $3 }'); do
	[ "$(grep -c "^# TYPE $f " "$T/m2")" = 1 ] || fail "family $f declared twice"
done
ok "every family declared once"
# Prometheus's own checker when the machine has it (Debian's package prometheus; not a
# dependency: tests/unit/test_metrics.c checks the format's rules without it).
if command -v promtool >/dev/null; then
	check "promtool check metrics accepts the text" promtool check metrics <"$T/m2"
else
	skip "promtool not installed"
fi

get admin /metrics
expect_eq "an administrator's session opens /metrics too" "$code" 200
grep -q '^oko_database_size_bytes [0-9]' "$T/body" && ok "… the same text" || fail "session scrape: no size"
audit_after=$(sql "SELECT count(*) FROM audit")
get admin /metrics
scrape "$T/m3" -H "Authorization: Bearer $key"
expect_eq "scrapes leave nothing in the audit log" "$(sql "SELECT count(*) FROM audit")" "$audit_after"
[ "$audit_after" -gt "$audit_before" ] && ok "(the uploads were audited)" || fail "no audit rows at all"

# --- a metrics-only key (migration 022): the scraper's credential opens /metrics and nothing
# else; an ordinary administrator's key keeps opening both; a region user's metrics key
# opens nothing.
mkey=$("$OKO" user token create admin --metrics --label prometheus-only 2>"$T/err")
expect_grep "a metrics key is said to be one when made" "$T/err" "(только /metrics)"
regmkey=$("$OKO" user token create reg --metrics 2>"$T/err")
expect_grep "… and a non-administrator's is warned about" "$T/err" "не администратор"
expect_eq "stored with its kind" "$(sql "SELECT count(*) FROM api_token WHERE kind = 'metrics'")" 2
expect_eq "the creation audited with the kind" \
	"$(sql "SELECT count(*) FROM audit WHERE action = 'api_token' AND object = 'admin' AND detail LIKE '%только /metrics%'")" 1
# api KEY PATH: GET with the key; status in $code, body in $T/api
api() { code=$(curl -s -o "$T/api" -w '%{http_code}' -H "Authorization: Bearer $1" "$URL$2"); }
api "$mkey" /metrics
expect_eq "the metrics key opens /metrics" "$code" 200
grep -q '^oko_database_size_bytes [0-9]' "$T/api" && ok "… the counters" || fail "metrics key: no counters"
api "$mkey" /api/v1/me
expect_eq "the metrics key is refused on /api/v1/me" "$code" 403
expect_grep "… saying it is for monitoring only" "$T/api" "только для мониторинга"
grep -q '"login"' "$T/api" && fail "the refusal shows the user" || ok "… and shows no user"
for p in /api/v1/results /api/v1/risk /api/v1/signs; do
	api "$mkey" "$p"
	expect_eq "the metrics key is refused on $p" "$code" 403
done
api "$mkey" /
expect_eq "a page with the metrics key: the key is not taken (a login page)" "$code" 303
api "$key" /api/v1/me
expect_eq "the administrator's ordinary key still opens the API" "$code" 200
api "$key" /metrics
expect_eq "… and /metrics" "$code" 200
api "$regmkey" /metrics
expect_eq "a region user's metrics key is refused on /metrics" "$code" 403
api "$regmkey" /api/v1/me
expect_eq "… and on the API" "$code" 403
api "$regkey" /api/v1/me
expect_eq "the region user's ordinary key opens the API" "$code" 200
run_oko user token list admin
expect_grep "token list shows a metrics key's kind" "$T/out" "prometheus-only	только /metrics	"
expect_grep "… and an ordinary key's" "$T/out" "prometheus	JSON API	"
get admin /users
expect_grep "the keys page shows the kind" "$T/body" "prometheus-only</td><td>только /metrics</td>"
expect_grep "… and an ordinary key's" "$T/body" "prometheus</td><td>JSON API</td>"

# --- the JSON log: every line an object; the access log's fields
get admin "/schools?q=secret-query"
curl -s -o /dev/null "$URL/bad%0Apath"
stop_server
python3 - "$T/serve.log" <<'EOF' >"$T/json.out" 2>&1
import json, sys
need = ("ts", "level", "msg")
access = ("method", "route", "path", "status", "bytes", "duration_ms", "ip", "user")
n = acc = 0
seen = {}
for i, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    o = json.loads(line)  # fails on a line that is not one JSON object
    assert isinstance(o, dict), i
    assert all(k in o for k in need), (i, line)
    assert o["level"] in ("debug", "info", "warn", "error"), (i, line)
    assert o["ts"].endswith("Z") and len(o["ts"]) == 24, (i, line)
    n += 1
    if "method" in o:
        acc += 1
        assert all(k in o for k in access), (i, line)
        assert isinstance(o["status"], int) and isinstance(o["bytes"], int), (i, line)
        assert "?" not in o["path"], (i, line)
        seen[o["path"]] = o
print("lines", n, "access", acc)
card = seen["/schools/sch220206"]
assert card["route"] == "/schools/{login}" and card["user"] == "admin" and card["status"] == 200, card
assert seen["/schools"]["route"] == "/schools", seen["/schools"]
assert seen["/no/such/page"]["route"] == "other" and seen["/no/such/page"]["user"] == "-"
assert seen["/bad\npath"]["status"] == 404
assert seen["/metrics"]["route"] == "/metrics"
print("fields ok")
EOF
if grep -q "fields ok" "$T/json.out"; then ok "every stderr line is JSON with the access log's fields"
else fail "the JSON log"; sed 's/^/# /' "$T/json.out" | tail -5; fi
grep -q "secret-query" "$T/serve.log" && fail "a query string in the log" || ok "no query string in the log"

# --- the text log: one line per event, a line break in a path escaped
start_server
curl -s -o /dev/null "$URL/bad%0Aline"
stop_server
grep -q '/bad\\nline 404' "$T/serve.log" && ok "a line break in a path escaped in the text log" ||
	{ fail "text log"; sed 's/^/# /' "$T/serve.log" | tail -3; }
grep -q '^line 404' "$T/serve.log" && fail "the event broke the line" || ok "… on one line"
grep -q '^{' "$T/serve.log" && fail "JSON in the text log" || ok "the text log is text"
# An unknown log format stops every command before it runs (status 2, the value named).
OKO_LOG_FORMAT=yaml "$OKO" user list >/dev/null 2>"$T/err"
expect_eq "an unknown log format: exit status 2" "$?" 2
expect_grep "… named, with the words allowed" "$T/err" "OKO_LOG_FORMAT: одно из слов text,json, а не «yaml»"

echo "1..$_n"
