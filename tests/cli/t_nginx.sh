#!/bin/bash
# The nginx configuration of docs/deploy.md ("Behind nginx"), run for real on the loopback:
# the block in the doc is dist/nginx/oko.conf byte for byte, and this script runs that file
# with only its names, paths and ports changed (server_name, the two listen ports, the
# certificate paths, the upstream's port) in front of
#   oko serve --secure-cookies --trusted-proxy 127.0.0.1
# with a self-signed certificate. It checks: nginx -t accepts it; a login over HTTPS (with
# the certificate verified) gives a Secure, HttpOnly, SameSite cookie; oko's answers carry
# one HSTS header; plain HTTP is redirected to HTTPS; the client address oko records is the
# one nginx saw, whatever X-Forwarded-For the client sent; directly, from a peer that is not
# a declared proxy, a forged X-Forwarded-For is ignored; a browser's login with Origin
# passes the login-CSRF check through the proxy; a 20 MB upload passes, one over
# client_max_body_size gets nginx's 413 with oko's security headers.
#
# nginx runs as the current user with its own prefix, pid file, temporary directories and
# logs under $T, on free high ports; every process started here is stopped at exit. The
# test is skipped (saying so) only when nginx is not installed: scripts/deps.sh installs
# nginx-light, so `make check` runs it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CONF=$ROOT/dist/nginx/oko.conf
DOC=$ROOT/docs/deploy.md

# --- one source of truth: the doc shows the file as it is
awk '/^<!-- dist\/nginx\/oko.conf/ { f = 1; next }
     f == 1 && /^```nginx$/ { f = 2; next }
     f == 2 && /^```$/ { exit }
     f == 2 { print }' "$DOC" >"$T/doc.conf"
if [ -s "$T/doc.conf" ] && cmp -s "$T/doc.conf" "$CONF"; then
	ok "the nginx block of docs/deploy.md is dist/nginx/oko.conf byte for byte"
else
	fail "the nginx block of docs/deploy.md differs from dist/nginx/oko.conf"
	diff "$CONF" "$T/doc.conf" | head -20 | sed 's/^/# /'
fi

NGINX=$(command -v nginx || true)
[ -z "$NGINX" ] && [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx
if [ -z "$NGINX" ]; then
	skip "nginx is not installed (scripts/deps.sh installs nginx-light): the proxy configuration is NOT tested"
	exit 0
fi
if ! command -v openssl >/dev/null; then
	fail "openssl is not installed (scripts/deps.sh installs it): no certificate for the test"
	exit 1
fi

# --- every process of this script is stopped at exit
PIDS=""
cleanup() {
	local p
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	db_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_oko LOG ARGS...: `oko serve` on a free port of 127.0.0.1; sets OKO_PID and OKO_PORT.
start_oko() {
	local log=$1 p=""; shift
	"$OKO" serve --listen 127.0.0.1:0 "$@" >"$log" 2>&1 &
	OKO_PID=$!
	PIDS="$PIDS $OKO_PID"
	for _ in $(seq 200); do
		p=$(grep -o 'слушает http://127.0.0.1:[0-9]*' "$log" | grep -o '[0-9]*$')
		[ -n "$p" ] && break
		sleep 0.05
	done
	OKO_PORT=$p
	[ -n "$p" ] || { echo "# oko serve did not start:"; sed 's/^/# /' "$log" | head; }
}
stop_pid() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

# free_port: a port of 127.0.0.1 between 20000 and 59999 nobody listens on now.
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
}

"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
"$OKO" import procedures "$DATA/procedures.csv" >/dev/null
"$OKO" user add admin --role admin --password Kx9-ngx-admin1 >/dev/null
last_ip() { sql "SELECT ip FROM audit WHERE action = 'login_failed' ORDER BY id DESC LIMIT 1"; }

start_oko "$T/serve.log" --secure-cookies --trusted-proxy 127.0.0.1
OKO1_PID=$OKO_PID OKO1_PORT=$OKO_PORT

# --- a self-signed certificate for 127.0.0.1, one day
mkdir -p "$T/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
	-keyout "$T/tls/key.pem" -out "$T/tls/cert.pem" 2>"$T/openssl.err" ||
	sed 's/^/# /' "$T/openssl.err"
export CURL_CA_BUNDLE="$T/tls/cert.pem" # every curl of web_lib.sh verifies the certificate

# --- the doc's configuration with this machine's names, paths and ports
NG=$T/nginx
mkdir -p "$NG"
# subst FROM TO: replaces FROM (every occurrence) in the site file; it must be there.
subst() {
	local n
	n=$(grep -cF -- "$1" "$NG/oko.conf")
	[ "$n" -ge 1 ] || { fail "the configuration has no «$1» to change"; return; }
	FROM=$1 TO=$2 perl -pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/g' "$NG/oko.conf"
}
# start_nginx: the configuration with fresh ports, nginx in the foreground of a background
# job; sets NGINX_PID, HTTP_PORT, TLS_PORT, and returns non-zero when it does not listen.
start_nginx() {
	HTTP_PORT=$(free_port)
	TLS_PORT=$(free_port)
	[ "$TLS_PORT" != "$HTTP_PORT" ] || TLS_PORT=$((HTTP_PORT + 1))
	cp "$CONF" "$NG/oko.conf"
	subst "server_name oko.example.ru;" "server_name 127.0.0.1;"
	subst "listen 80;" "listen 127.0.0.1:$HTTP_PORT;"
	subst "listen 443 ssl;" "listen 127.0.0.1:$TLS_PORT ssl;"
	subst "/etc/ssl/oko/fullchain.pem" "$T/tls/cert.pem"
	subst "/etc/ssl/oko/privkey.pem" "$T/tls/key.pem"
	subst "server 127.0.0.1:8080;" "server 127.0.0.1:$OKO1_PORT;"
	{
		echo "daemon off;"
		echo "worker_processes 1;"
		echo "pid $NG/nginx.pid;"
		echo "error_log $NG/error.log notice;"
		# As root nginx would run its workers as nobody, who cannot enter $T.
		[ "$(id -u)" -eq 0 ] && echo "user $(id -un) $(id -gn);"
		echo "events { worker_connections 256; }"
		echo "http {"
		echo "    access_log $NG/access.log;"
		for t in client_body proxy fastcgi uwsgi scgi; do echo "    ${t}_temp_path $NG/$t;"; done
		echo "    include $NG/oko.conf;"
		echo "}"
	} >"$NG/nginx.conf"
	"$NGINX" -p "$NG/" -e "$NG/error.log" -c "$NG/nginx.conf" >>"$NG/stderr" 2>&1 &
	NGINX_PID=$!
	PIDS="$PIDS $NGINX_PID"
	for _ in $(seq 100); do
		kill -0 "$NGINX_PID" 2>/dev/null || return 1
		(exec 3<>"/dev/tcp/127.0.0.1/$TLS_PORT") 2>/dev/null &&
			(exec 3<>"/dev/tcp/127.0.0.1/$HTTP_PORT") 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

started=0
for _ in 1 2 3 4 5; do # a port taken between free_port and nginx's bind: try others
	if start_nginx; then started=1; break; fi
	stop_pid "$NGINX_PID"
	grep -q 'Address already in use' "$NG/error.log" "$NG/stderr" 2>/dev/null || break
done
if "$NGINX" -t -p "$NG/" -e "$NG/error.log" -c "$NG/nginx.conf" >"$T/nginx-t" 2>&1; then
	ok "nginx -t accepts the configuration"
else
	fail "nginx -t refuses the configuration"
	sed 's/^/# /' "$T/nginx-t" | head -20
fi
if [ "$started" -ne 1 ]; then
	fail "nginx did not start with the configuration"
	sed 's/^/# /' "$NG/error.log" "$NG/stderr" 2>/dev/null | tail -20
	exit 1
fi
ok "nginx listens on 127.0.0.1:$TLS_PORT (TLS) and :$HTTP_PORT"
URL=https://127.0.0.1:$TLS_PORT

# --- HTTPS with the certificate verified; the session cookie; HSTS
get - /login
expect_eq "the login page over HTTPS, the certificate verified" "$code" 200
expect_grep "it is oko's page" "$T/body" "Вход в oko"
code=$(curl -s -o "$T/body" -D "$T/h" -w '%{http_code}' -c "$T/admin.jar" \
	--data-urlencode login=admin --data-urlencode password=Kx9-ngx-admin1 "$URL/login")
expect_eq "a login over HTTPS: 303" "$code" 303
tr -d '\r' <"$T/h" >"$T/headers"
cookie=$(grep -i '^Set-Cookie: oko_session=' "$T/headers")
for attr in Secure HttpOnly SameSite=Strict; do
	case "; $cookie;" in
	*"; $attr;"*) ok "the session cookie is $attr" ;;
	*) fail "the session cookie is not $attr: «$cookie»" ;;
	esac
done
expect_eq "one Strict-Transport-Security header, oko's" \
	"$(grep -i '^Strict-Transport-Security:' "$T/headers")" "Strict-Transport-Security: max-age=31536000"
expect_eq "one X-Frame-Options (nginx does not add a second)" \
	"$(grep -ci '^X-Frame-Options:' "$T/headers")" 1
grep -qi '^Server: nginx/' "$T/headers" && fail "nginx tells its version" || ok "nginx does not tell its version"
get admin /
expect_eq "the session works through the proxy" "$code" 200
expect_grep "the page is a signed-in user's" "$T/body" "Выйти"
curl -s -o /dev/null -D "$T/h" -b "$T/admin.jar" "$URL/"
tr -d '\r' <"$T/h" >"$T/headers"
expect_grep "a page carries HSTS" "$T/headers" "Strict-Transport-Security: max-age=31536000"

# --- plain HTTP is sent to HTTPS
code=$(curl -s -o /dev/null -D "$T/h" -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/login?next=/plan")
expect_eq "plain HTTP: 301" "$code" 301
expect_eq "to the same path over HTTPS" "$(tr -d '\r' <"$T/h" | grep -i '^Location:' | cut -d' ' -f2)" \
	"https://127.0.0.1/login?next=/plan"

# --- the client's address: the one nginx saw, never what the client wrote
# (127.0.0.2 is the loopback too: a client address other than the proxy's own)
fail_login() { # CURL-ARGS... : a wrong password for admin
	code=$(curl -s -o "$T/body" -w '%{http_code}' "$@" --data-urlencode login=admin \
		--data-urlencode password=wrong-password)
}
fail_login --interface 127.0.0.2 -H "X-Forwarded-For: 203.0.113.66" "$URL/login"
expect_eq "a wrong password through nginx: 403" "$code" 403
expect_eq "oko records the client nginx saw (127.0.0.2), not the forged X-Forwarded-For" "$(last_ip)" 127.0.0.2
fail_login -H "X-Forwarded-For: 203.0.113.67" "$URL/login"
expect_eq "from 127.0.0.1 through nginx: 127.0.0.1 recorded" "$(last_ip)" 127.0.0.1
fail_login --interface 127.0.0.2 -H "X-Forwarded-For: 203.0.113.68" "http://127.0.0.1:$OKO1_PORT/login"
expect_eq "directly from a peer that is not a declared proxy, X-Forwarded-For is ignored" "$(last_ip)" 127.0.0.2
start_oko "$T/serve2.log" --trusted-proxy 10.0.0.1
fail_login -H "X-Forwarded-For: 203.0.113.69" "http://127.0.0.1:$OKO_PORT/login"
expect_eq "an oko trusting only 10.0.0.1 ignores X-Forwarded-For from 127.0.0.1" "$(last_ip)" 127.0.0.1
stop_pid "$OKO_PID"

# --- a browser's login (Origin, no Sec-Fetch-Site) through the proxy on a port of its own
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Origin: https://127.0.0.1:$TLS_PORT" \
	--data-urlencode login=admin --data-urlencode password=Kx9-ngx-admin1 "$URL/login")
expect_eq "a login posted from https://127.0.0.1:$TLS_PORT passes the origin check" "$code" 303
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Origin: https://oko.example.org" \
	--data-urlencode login=admin --data-urlencode password=Kx9-ngx-admin1 "$URL/login")
expect_eq "one posted from another site is refused" "$code" 403

# --- uploads: a large file passes the proxy, one over client_max_body_size does not
head -c $((20 * 1024 * 1024)) /dev/urandom >"$T/variant.bin"
upload admin /materials -F procedure=VPR-2021-RU-4 -F variant=1 -F "file=@$T/variant.bin"
expect_eq "a 20 MB upload through nginx: 200" "$code" 200
stored=$(sql "SELECT stored FROM material_file WHERE variant = 1")
if [ -n "$stored" ] && cmp -s "$T/variant.bin" "$(db_file).files/$stored"; then
	ok "the stored file has the uploaded bytes"
else
	fail "the stored file has the uploaded bytes"
fi
truncate -s 70M "$T/huge.bin"
token=$(csrf_of admin)
code=$(curl -s -o "$T/body" -D "$T/h" -w '%{http_code}' -b "$T/admin.jar" -F "csrf=$token" \
	-F procedure=VPR-2021-RU-4 -F variant=2 -F "file=@$T/huge.bin" "$URL/materials")
expect_eq "70 MB: nginx answers 413" "$code" 413
tr -d '\r' <"$T/h" >"$T/headers"
for h in "X-Content-Type-Options: nosniff" "X-Frame-Options: DENY" "Referrer-Policy: same-origin" \
	"Strict-Transport-Security: max-age=31536000"; do
	expect_grep "nginx's own 413 carries $h" "$T/headers" "$h"
done
expect_eq "nothing stored for it" "$(sql "SELECT count(*) FROM material_file WHERE variant = 2")" 0

# --- oko down: nginx's 502 still carries the headers
stop_pid "$OKO1_PID"
code=$(curl -s -o /dev/null -D "$T/h" -w '%{http_code}' "$URL/login")
expect_eq "oko stopped: nginx answers 502" "$code" 502
expect_grep "with X-Frame-Options" "$T/h" "X-Frame-Options: DENY"
