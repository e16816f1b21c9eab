#!/bin/bash
# The HTTP server itself (src/web/server.c) against unusual and hostile clients: uploads
# kept off the disk under a memory budget, slow clients, smuggled and malformed requests,
# security headers, trusted proxies, NUL bytes and broken UTF-8 in fields.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"
mkdir "$T/db"
# SQLite: the database file in $T/db; PostgreSQL: $T/db is where oko keeps the files that
# SQLite keeps beside the database file ($OKO_FILES).
if is_pg; then export OKO_FILES="$T/db"; else export OKO_DB="$T/db/oko.db"; fi
# What lies beside the database, but the database and its journal.
beside_db() { find "$T/db" | grep -v -e '/oko\.db$' -e '/oko\.db-wal$' -e '/oko\.db-shm$' | sort; }

"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
"$OKO" import procedures "$DATA/procedures.csv" >/dev/null
"$OKO" user add admin --role admin --password Kx9-srv-admin1 >/dev/null
"$OKO" user add sch --role school --scope sch220206 --password Kx9-srv-school1 >/dev/null

# --- uploads stay in memory: nothing in /tmp or beside the database, even after kill -9
start_server --upload-memory 1
login admin Kx9-srv-admin1
login sch Kx9-srv-school1
printf 'Класс;Фамилия;Имя;Отчество\n4а;Загрузкина;Вера;Петровна\n' >"$T/list.csv"
upload sch /pupils/import -F year=2021 -F "file=@$T/list.csv"
expect_eq "a class list uploaded over the web is imported" "$code" 200
expect_eq "its pupil stored" "$(sql "SELECT count(*) FROM pupil")" 1
head -c 3000 /dev/urandom >"$T/variant.bin"
upload admin /materials -F procedure=VPR-2021-RU-4 -F variant=1 -F "file=@$T/variant.bin"
expect_eq "a material uploaded over the web is stored" "$code" 200
stored=$(sql "SELECT stored FROM material_file WHERE variant = 1")
check "the stored material has the uploaded bytes" cmp -s "$T/variant.bin" "$(db_file).files/$stored"
expect_eq "its name is the sender's" "$(sql "SELECT name FROM material_file WHERE variant = 1")" variant.bin

# The budget of uploads in memory (1 MB here): a larger file is refused with 503 and
# Retry-After — at once when the length is declared, at the end when it is chunked — and
# the next upload that fits passes.
head -c $((2 * 1024 * 1024)) /dev/zero >"$T/big.csv"
token=$(csrf_of sch)
code=$(curl -s -o "$T/body" -D "$T/h" -w '%{http_code}' -b "$T/sch.jar" -F "csrf=$token" -F "file=@$T/big.csv" "$URL/upload")
expect_eq "an upload past the memory budget: 503" "$code" 503
expect_grep "Retry-After given" "$T/h" "Retry-After: 60"
expect_grep "«сервер занят» said" "$T/body" "Сервер занят"
code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/sch.jar" -H 'Transfer-Encoding: chunked' -F "csrf=$token" -F "file=@$T/big.csv" "$URL/upload")
expect_eq "a chunked upload past the budget: 503" "$code" 503
upload sch /pupils/import -F year=2021 -F "file=@$T/list.csv"
expect_eq "the budget is given back: the next upload passes" "$code" 200

beside_db >"$T/dir.before"
ls -A /tmp | grep oko-upload | sort >"$T/tmp.before"
stop_server
start_server
login sch Kx9-srv-school1
token=$(csrf_of sch)
head -c $((8 * 1024 * 1024)) /dev/urandom >"$T/slow.csv"
curl -s -o /dev/null -b "$T/sch.jar" -F "csrf=$token" -F "file=@$T/slow.csv" --limit-rate 1M "$URL/upload" &
curl_pid=$!
sleep 2
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
wait "$curl_pid" 2>/dev/null
ls -A /tmp | grep oko-upload | sort >"$T/tmp.after"
check "a killed server leaves no upload in /tmp" cmp -s "$T/tmp.before" "$T/tmp.after"
beside_db >"$T/dir.after"
check "nor beside the database" cmp -s "$T/dir.before" "$T/dir.after"

# --- a NUL byte or broken UTF-8 in a field is refused before any handler (a NUL used to
# cut «a\0b» to «a» and create the user «a»)
start_server
login admin Kx9-srv-admin1
post admin /users --data-binary 'login=a%00b' --data-urlencode name=x --data-urlencode role=admin \
	--data-urlencode password=Kx9-srv-other1
expect_eq "login=a%00b refused" "$code" 400
expect_grep "the refusal says why, in Russian" "$T/body" "нулевой байт или текст не в кодировке UTF-8"
expect_eq "no user «a» created" "$(sql "SELECT count(*) FROM user WHERE hex(login) IN ('61', '610062')")" 0
post admin /users --data-binary 'login%00x=ab' --data-urlencode name=x --data-urlencode role=admin \
	--data-urlencode password=Kx9-srv-other1
expect_eq "a NUL in a form key refused" "$code" 400
post admin /users --data-binary 'login=a%FFb' --data-urlencode name=x --data-urlencode role=admin \
	--data-urlencode password=Kx9-srv-other1
expect_eq "a value that is not UTF-8 refused" "$code" 400
printf 'a\0b' >"$T/nul.txt"
upload admin /users -F "login=<$T/nul.txt" -F name=x -F role=admin -F password=Kx9-srv-other1
expect_eq "a NUL in a multipart field refused" "$code" 400
expect_eq "still no user created" "$(sql "SELECT count(*) FROM user")" 2
get admin "/schools?q=a%00b"
expect_eq "a NUL in a query value refused" "$code" 400
expect_grep "the query refusal says why" "$T/body" "нулевой байт"
get admin "/schools?q=%D0"
expect_eq "a query value that is not UTF-8 refused" "$code" 400
get admin "/schools/sch220206%00x"
expect_eq "a NUL in the path refused" "$code" 400
get admin "/schools?q=%D1%88%D0%BA"
expect_eq "Cyrillic in a query passes" "$code" 200
post admin /users --data-urlencode login=veb --data-urlencode "name=Вебов Веб" --data-urlencode role=admin \
	--data-urlencode password=Kx9-srv-other1
expect_eq "an ordinary form passes" "$code" 200
expect_eq "and creates its user" "$(sql "SELECT name FROM user WHERE login = 'veb'")" "Вебов Веб"
stop_server

# --- X-Forwarded-* count only from a declared proxy (--trusted-proxy)
last_ip() { sql "SELECT ip FROM audit WHERE action = 'login_failed' ORDER BY id DESC LIMIT 1"; }
xlogin() { # HEADERS... : a failed login with extra headers; headers in $T/h
	local args=()
	for h in "$@"; do args+=(-H "$h"); done
	code=$(curl -s -o "$T/body" -D "$T/h" -w '%{http_code}' "${args[@]}" --data-urlencode login=admin \
		--data-urlencode password=wrong-password "$URL/login")
}
okl() { # a successful login with extra headers
	local args=()
	for h in "$@"; do args+=(-H "$h"); done
	code=$(curl -s -o "$T/body" -D "$T/h" -w '%{http_code}' "${args[@]}" --data-urlencode login=sch \
		--data-urlencode password=Kx9-srv-school1 "$URL/login")
}
start_server
xlogin "X-Forwarded-For: 203.0.113.7"
expect_eq "from a client, X-Forwarded-For is ignored" "$(last_ip)" 127.0.0.1
okl "X-Forwarded-Proto: https"
grep -q 'Secure' "$T/h" && fail "X-Forwarded-Proto from a client makes the cookie Secure" || ok "X-Forwarded-Proto from a client ignored"
okl "Origin: http://oko.example" "X-Forwarded-Host: oko.example"
expect_eq "X-Forwarded-Host from a client does not vouch for a login's origin" "$code" 403
stop_server

start_server --trusted-proxy 10.9.9.9,127.0.0.0/8
xlogin "X-Forwarded-For: 203.0.113.7"
expect_eq "from a trusted proxy, X-Forwarded-For names the client" "$(last_ip)" 203.0.113.7
xlogin "X-Forwarded-For: 6.6.6.6, 203.0.113.8, 10.9.9.9"
expect_eq "the right-most address that is not a proxy is the client" "$(last_ip)" 203.0.113.8
xlogin "X-Forwarded-For: 6.6.6.6" "X-Forwarded-For: 2001:db8::7"
expect_eq "several X-Forwarded-For headers read as one list" "$(last_ip)" 2001:db8::7
xlogin "X-Forwarded-For: garbage"
expect_eq "garbage leaves the proxy's own address" "$(last_ip)" 127.0.0.1
grep -q "203.0.113.8 POST /login 403" "$T/serve.log" && ok "the access log names the client" || fail "the access log names the client"
okl "X-Forwarded-Proto: https"
expect_grep "X-Forwarded-Proto: https from the proxy makes the cookie Secure" "$T/h" "Secure"
okl "Origin: http://oko.example" "X-Forwarded-Host: oko.example"
expect_eq "X-Forwarded-Host from the proxy names this server" "$code" 303
stop_server

# --- request smuggling and malformed framing: 400, connection closed, nothing processed
start_server
raw 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n'
expect_eq "Content-Length with Transfer-Encoding: 400" "$code" 400
expect_eq "the smuggled request gets no answer" "$nresp" 1
grep -q '/smuggled' "$T/serve.log" && fail "the smuggled request was processed" || ok "the smuggled request was not processed"
expect_grep "the connection is closed" "$T/raw" "Connection: close"
expect_grep "the reason is said in Russian" "$T/raw" "Content-Length и Transfer-Encoding вместе"
raw 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 30\r\n\r\nabc'
expect_eq "two Content-Lengths: 400" "$code" 400
raw 'POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n'
expect_eq "a Transfer-Encoding other than chunked: 400" "$code" 400
raw 'GET /login HTTP/1.1\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\n'
expect_eq "HTTP/1.1 without Host: 400" "$code" 400
expect_eq "and nothing after it is read" "$nresp" 1
raw 'GET /login HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'
expect_eq "two Hosts: 400" "$code" 400
raw 'GET /login HTTP/1.0\r\n\r\n'
expect_eq "HTTP/1.0 without Host is served" "$code" 200
raw 'GET /login HTTP/1.1\r\nHost: x\r\n\r\nGET /static/oko.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
expect_eq "sound pipelined requests are both answered" "$nresp" 2
raw "GET /login HTTP/1.1\r\nHost: x\r\nCookie: $(head -c 40000 /dev/zero | tr '\0' a)\r\n\r\n"
expect_eq "headers over 32 KB: our 431" "$code" 431
expect_grep "with our security headers" "$T/raw" "X-Content-Type-Options: nosniff"
expect_grep "and the reason in Russian" "$T/raw" "больше 32 КБ"

# --- every answer of ours carries the security headers; HSTS only over TLS
curl -s -o /dev/null -D "$T/h" "$URL/nonexistent"
for h in "X-Content-Type-Options: nosniff" "X-Frame-Options: DENY" "Content-Security-Policy: default-src 'self'" \
	"Referrer-Policy: same-origin" "Cache-Control: no-store"; do
	expect_grep "a 404 carries $h" "$T/h" "$h"
done
grep -qi 'Strict-Transport-Security' "$T/h" && fail "HSTS over plain HTTP" || ok "no HSTS over plain HTTP"
curl -s -o /dev/null -D "$T/h" -H "X-Forwarded-Proto: https" "$URL/login"
grep -qi 'Strict-Transport-Security' "$T/h" && fail "HSTS on a client's X-Forwarded-Proto" || ok "no HSTS on a client's X-Forwarded-Proto"
stop_server
start_server --secure-cookies
curl -s -o /dev/null -D "$T/h" "$URL/login"
expect_grep "--secure-cookies: HSTS" "$T/h" "Strict-Transport-Security: max-age=31536000"
stop_server
start_server --trusted-proxy 127.0.0.1
curl -s -o /dev/null -D "$T/h" -H "X-Forwarded-Proto: https" "$URL/login"
expect_grep "X-Forwarded-Proto: https from a trusted proxy: HSTS" "$T/h" "Strict-Transport-Security: max-age=31536000"
stop_server

# --- slow clients: headers must arrive within 15 s, a body at 2 KB/s on average after a
# 10 s grace; others are served meanwhile and an honest slow upload passes. Two servers at
# once: A takes the slow clients, B the per-address limit (256 idle connections from one
# address, cut by the same deadline).
# trickle FILE HEAD TEXT: sends HEAD at once and then TEXT a byte a second on a new
# connection to $URL; writes the seconds until the server closed it to FILE.time and what
# it answered to FILE.
trickle() {
	local start=$SECONDS fd w
	exec {fd}<>"/dev/tcp/127.0.0.1/${URL##*:}"
	printf '%s' "$2" >&$fd
	(t=$3; for ((i = 0; i < ${#t}; i++)); do printf '%s' "${t:i:1}" >&$fd || exit; sleep 1; done) 2>/dev/null &
	w=$!
	timeout 40 cat <&$fd >"$1"
	echo $((SECONDS - start)) >"$1.time"
	kill $w 2>/dev/null
	wait $w 2>/dev/null
	exec {fd}<&-
}
start_server
login admin Kx9-srv-admin1
"$OKO" serve --listen 127.0.0.1:0 >"$T/serveB.log" 2>&1 &
pidB=$!
for _ in $(seq 100); do
	portB=$(grep -o 'слушает http://127.0.0.1:[0-9]*' "$T/serveB.log" | grep -o '[0-9]*$'); [ -n "$portB" ] && break; sleep 0.05
done
fds=()
for i in $(seq 256); do exec {fd}<>"/dev/tcp/127.0.0.1/$portB"; fds+=("$fd"); done
# Each of them sends a byte every 5 s (never silent long enough for MHD's idle timeout).
(while :; do for fd in "${fds[@]}"; do printf 'G' >&$fd; done; sleep 5; done) 2>/dev/null &
feeder=$!
sleep 0.5
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$portB/login")
expect_eq "256 slow connections from one address: the next one is refused" "$code" 000
trickle "$T/slowhead" "" $'GET /login HTTP/1.1\r\nHost: x\r\nX-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n' &
th=$!
trickle "$T/slowbody" $'POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n' \
	"login=$(printf 'a%.0s' $(seq 80))" &
tb=$!
head -c 150000 /dev/urandom >"$T/honest.bin"
token=$(csrf_of admin)
code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/admin.jar" -F "csrf=$token" -F procedure=VPR-2021-RU-4 \
	-F variant=2 -F "file=@$T/honest.bin" --limit-rate 8k "$URL/materials") &
hp=$!
sleep 3
t0=$(date +%s%N)
get admin /
elapsed=$(( ($(date +%s%N) - t0) / 1000000 ))
expect_eq "a page is served beside the slow clients" "$code" 200
check "in under 2 s (${elapsed} ms)" test "$elapsed" -lt 2000
wait $hp
stored=$(sql "SELECT stored FROM material_file WHERE variant = 2")
check "an honest upload (150 KB at 8 KB/s) is received whole" cmp -s "$T/honest.bin" "$(db_file).files/$stored"
wait $th $tb
check "headers at a byte a second: cut within the bound ($(cat "$T/slowhead.time") s)" \
	test "$(cat "$T/slowhead.time")" -ge 14 -a "$(cat "$T/slowhead.time")" -le 18
check "and answered nothing" test ! -s "$T/slowhead"
check "a body at a byte a second: cut after the grace ($(cat "$T/slowbody.time") s)" \
	test "$(cat "$T/slowbody.time")" -ge 9 -a "$(cat "$T/slowbody.time")" -le 14
expect_grep "the cut is logged" "$T/serve.log" "медленный клиент, соединение закрыто: заголовки запроса не получены за 15 с"
expect_grep "the body cut too" "$T/serve.log" "тело запроса идёт медленнее 2 КБ/с"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$portB/login")
expect_eq "the slow connections were cut: the address is served again" "$code" 200
kill $feeder 2>/dev/null; wait $feeder 2>/dev/null
for fd in "${fds[@]}"; do exec {fd}<&-; done
kill $pidB; wait $pidB 2>/dev/null
stop_server
# A declared proxy carries many clients: no per-address limit for it.
start_server --trusted-proxy 127.0.0.1
fds=()
for i in $(seq 300); do exec {fd}<>"/dev/tcp/127.0.0.1/${URL##*:}"; fds+=("$fd"); done
sleep 0.5
get - /login
expect_eq "a trusted proxy may hold more than 256 connections" "$code" 200
for fd in "${fds[@]}"; do exec {fd}<&-; done
stop_server

# --- found by fuzz_http: a multipart part without a name (MHD passes a NULL key) crashed
# the server, from an anonymous POST /login
start_server
part=$'--XyZ\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--XyZ--\r\n'
raw "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: ${#part}\r\n\r\n$part"
expect_eq "a nameless form part is refused" "$code" 400
file=$'--XyZ\r\nContent-Disposition: form-data; filename="a.csv"\r\n\r\nx\r\n--XyZ--\r\n'
raw "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: ${#file}\r\n\r\n$file"
expect_eq "a nameless file part too" "$code" 400
get - /login
expect_eq "and the server still serves" "$code" 200
stop_server

# --- found by fuzz_http: an importer's message that cut a character in two (a long label
# quoted by bytes) put broken UTF-8 into the page; html_text now keeps pages valid UTF-8
start_server
login sch Kx9-srv-school1
printf 'school,procedure,code,class,variant,gender,journal_mark,absent,x%s\nsch220206,VPR-2021-MA-4,40001,4А,1,ж,5,0,1\n' \
	"$(printf 'щ%.0s' $(seq 50))" >"$T/label.csv"
upload sch /upload -F "file=@$T/label.csv" -F procedure=VPR-2021-MA-4
expect_eq "a results file with an overlong label is refused" "$code" 400
check "and the page is valid UTF-8" iconv -f UTF-8 -t UTF-8 "$T/body" -o /dev/null
stop_server

echo "1..$_n"
