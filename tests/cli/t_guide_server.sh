#!/bin/bash
# The Russian server administrator's guide, docs/ru/server.md, run command by command.
#
# Every line of its ```sh blocks is run in order, in a directory $R that stands for the root
# of the file system: /etc, /var, /usr, /lib and /root in a line become $R/etc … (in the
# line, so also in what it writes: the `sed` lines put relocated paths into oko.conf);
# `sudo` and `sudo -u oko` run as the current user; `install -o oko -g oko` drops the owner
# (the test's user owns $R); `make` and `make install` get this test's BUILD and its flags
# (lib.sh's build_flags: the sanitizer's in make sanitize), and make install DESTDIR=$R.
# What needs a real systemd, apt or the network is replaced by a check of the same thing:
#   systemd-sysusers          systemd-sysusers --root=$R (creates the user in $R/etc/passwd)
#   systemctl enable --now oko / start / restart / stop oko
#                             systemd-analyze verify of the installed unit (once), then its
#                             ExecStart (the installed binary, oko serve) started or stopped
#                             in its WorkingDirectory with the installed oko.conf; the port is
#                             a free one (OKO_LISTEN; the guide's 8080 in a curl becomes it)
#   apt-get install nginx-light  nginx is installed (scripts/deps.sh installs it); $R/etc/nginx
#                             gets Debian's layout (nginx.conf including sites-enabled/*,
#                             sites-available/default enabled)
#   nginx -t, systemctl reload nginx
#                             the same on $R/etc/nginx/nginx.conf, the site's ports and
#                             upstream moved to free ones, nginx run as the current user; the
#                             reload then fetches /login through nginx over TLS (the guide's
#                             certificate: a self-signed one made here as fullchain.pem and
#                             privkey.pem in the working directory)
# After some lines the test checks what the guide says they do (the files installed, the
# backup and its key, the restored database, the token opening /metrics …). A line this
# script does not know how to run is a failure: a new command in the guide needs a check.
. "$(dirname "$0")/lib.sh"
: "${BUILD:?BUILD must name the build directory of the tree under test}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GUIDE=$ROOT/docs/ru/server.md
unset MAKEFLAGS MFLAGS MAKELEVEL OKO_DB OKO_KEY_FILE OKO_FILES OKO_LISTEN OKO_TIME_ZONE \
	OKO_SECURE_COOKIES OKO_TRUSTED_PROXY OKO_BACKUP_DIR
if is_pg; then
	# The guide installs oko with SQLite; PostgreSQL's backup is t_backup.sh's.
	skip "the guide's server runs on SQLite: nothing to run again on PostgreSQL"
	exit 0
fi
R=$T/root
W=$T/work # the administrator's working directory (the certificate files)
mkdir -p "$R/root" "$W"
export OKO_CONF=$R/etc/oko/oko.conf
export PATH=$R/usr/bin:$PATH
SVC_PID= NGINX_PID=
stop_all() {
	[ -n "$SVC_PID" ] && kill "$SVC_PID" 2>/dev/null && wait "$SVC_PID" 2>/dev/null
	[ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
	db_cleanup
}
trap stop_all EXIT

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
PORT=$(free_port)

# ---- the service, as systemd would run it -------------------------------------------------
UNIT=$R/lib/systemd/system/oko.service
svc_start() {
	local wd exe
	wd=$(sed -n 's/^WorkingDirectory=//p' "$UNIT")
	exe=$(sed -n 's/^ExecStart=//p' "$UNIT")
	mkdir -p "$R$wd" # StateDirectory=oko
	(cd "$R$wd" && OKO_LISTEN=127.0.0.1:$PORT exec $R$exe --quiet) >>"$T/service.log" 2>&1 &
	SVC_PID=$!
	for _ in $(seq 100); do
		curl -s -o /dev/null "http://127.0.0.1:$PORT/login" && return 0
		kill -0 "$SVC_PID" 2>/dev/null || break
		sleep 0.1
	done
	sed 's/^/# service: /' "$T/service.log" | tail -5
	return 1
}
svc_stop() {
	[ -z "$SVC_PID" ] && return 0
	kill -TERM "$SVC_PID" && wait "$SVC_PID"
	local rc=$?
	SVC_PID=
	return "$rc"
}
VERIFIED=
svc_verify() {
	[ -n "$VERIFIED" ] && return 0
	# ExecStart must exist for verify: point it at the installed copy in $R.
	sed "s|^ExecStart=|ExecStart=$R|" "$UNIT" >"$T/oko.service"
	systemd-analyze verify "$T/oko.service" >"$T/verify" 2>&1 && [ ! -s "$T/verify" ] && VERIFIED=1
}

# ---- nginx as Debian lays it out, under $R ------------------------------------------------
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
nginx_layout() {
	[ -x "$NGINX" ] || return 1
	mkdir -p "$R/etc/nginx/sites-available" "$R/etc/nginx/sites-enabled" "$R/var/lib/nginx" \
		"$R/var/log/nginx"
	cat >"$R/etc/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $R/run/nginx.pid;
error_log $R/var/log/nginx/error.log;
events { worker_connections 64; }
http {
	include /etc/nginx/mime.types;
	client_body_temp_path $R/var/lib/nginx/body;
	proxy_temp_path $R/var/lib/nginx/proxy;
	fastcgi_temp_path $R/var/lib/nginx/fastcgi;
	uwsgi_temp_path $R/var/lib/nginx/uwsgi;
	scgi_temp_path $R/var/lib/nginx/scgi;
	access_log $R/var/log/nginx/access.log;
	include $R/etc/nginx/sites-enabled/*;
}
EOF
	[ "$(id -u)" = 0 ] && sed -i '1i user root;' "$R/etc/nginx/nginx.conf"
	mkdir -p "$R/run"
	echo "server { listen 127.0.0.1:$(free_port); return 204; }" >"$R/etc/nginx/sites-available/default"
	ln -sf "$R/etc/nginx/sites-available/default" "$R/etc/nginx/sites-enabled/default"
}
TLS_PORT= HTTP_PORT=
# The site as the administrator left it, with its ports moved (80 and 443 are the machine's).
nginx_site_ports() {
	local site=$R/etc/nginx/sites-available/oko
	[ -n "$TLS_PORT" ] || { TLS_PORT=$(free_port); HTTP_PORT=$(free_port); }
	sed -i -e "s/listen 443 /listen 127.0.0.1:$TLS_PORT /; s/listen 443;/listen 127.0.0.1:$TLS_PORT;/" \
		-e "s/listen 80;/listen 127.0.0.1:$HTTP_PORT;/; s/listen 80 /listen 127.0.0.1:$HTTP_PORT /" \
		-e "s/127\.0\.0\.1:8080/127.0.0.1:$PORT/" \
		-e "s|/etc/ssl/oko/|$R/etc/ssl/oko/|g" "$site"
}
nginx_t() { "$NGINX" -t -p "$R/var/lib/nginx/" -c "$R/etc/nginx/nginx.conf" >"$T/nginx-t" 2>&1; }
nginx_reload() {
	if [ -n "$NGINX_PID" ]; then
		kill -HUP "$NGINX_PID" && sleep 0.5
	else
		"$NGINX" -p "$R/var/lib/nginx/" -c "$R/etc/nginx/nginx.conf" -g 'daemon off;' \
			>>"$T/nginx.log" 2>&1 &
		NGINX_PID=$!
	fi
	for _ in $(seq 50); do
		curl -s -o /dev/null --cacert "$W/fullchain.pem" "https://127.0.0.1:$TLS_PORT/login" && return 0
		sleep 0.1
	done
	return 1
}

# ---- one line of the guide ----------------------------------------------------------------
relocate() { # the line with the root's directories moved under $R
	sed -E "s#(^|[ =:'\"|])/(etc|var|usr|lib|root)/#\1$R/\2/#g"
}
TOKEN=
run_line() {
	local line=$1 cmd
	cmd=$(printf '%s\n' "$line" | relocate)
	cmd=${cmd#sudo -u oko }
	cmd=${cmd#sudo }
	cmd=${cmd//-o oko -g oko /}
	cmd=${cmd//127.0.0.1:8080/127.0.0.1:$PORT}
	case $cmd in
	scripts/deps.sh)
		(cd "$ROOT" && DEPS_E2E=0 scripts/deps.sh) ;;
	make) # the build under test, with its own flags (the sanitizer's: build_flags)
		make -s -C "$ROOT" BUILD="$BUILD" $(build_flags) "$BUILD/oko" ;;
	"make install PREFIX=/usr")
		make -s -C "$ROOT" BUILD="$BUILD" $(build_flags) DESTDIR="$R" PREFIX=/usr install ;;
	systemd-sysusers)
		systemd-sysusers --root="$R" && grep -q '^oko:' "$R/etc/passwd" ;;
	"systemctl enable --now oko" | "systemctl start oko")
		svc_verify && svc_start ;;
	"systemctl restart oko")
		svc_stop && svc_start ;;
	"systemctl stop oko")
		svc_stop ;;
	"apt-get install nginx-light")
		nginx_layout ;;
	"nginx -t")
		nginx_site_ports && nginx_t ;;
	"systemctl reload nginx")
		nginx_reload ;;
	"oko user token create "*)
		eval "$cmd" >"$T/token.out" && TOKEN=$(grep -oE '[A-Za-z0-9_-]{30,}' "$T/token.out" | head -1) &&
			[ -n "$TOKEN" ] ;;
	oko\ * | env\ * | install\ * | ln\ * | rm\ * | sed\ * | curl\ *)
		eval "$cmd" ;;
	*)
		echo "# the test does not know how to run: $line"
		return 99 ;;
	esac
}

# The certificate the guide installs (fullchain.pem, privkey.pem in the working directory).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
	-keyout "$W/privkey.pem" -out "$W/fullchain.pem" >/dev/null 2>&1

awk '/^```sh$/ { f = 1; next } /^```/ { f = 0 } f && NF && !/^#/' "$GUIDE" >"$T/lines"
n=$(wc -l <"$T/lines")
expect_eq "the guide has commands to run" "$([ "$n" -ge 30 ] && echo many)" many
cd "$W" || exit 1
while IFS= read -r line; do
	run_line "$line" >"$T/line.out" 2>&1 </dev/null
	rc=$?
	out=$(cat "$T/line.out")
	if [ "$rc" -eq 0 ]; then
		ok "$line"
	else
		fail "$line (exit $rc)"
		printf '%s\n' "$out" | tail -8 | sed 's/^/#   /'
		[ "$rc" = 99 ] && continue
	fi
	# What the guide says the line did.
	case $line in
	"sudo make install PREFIX=/usr")
		for f in usr/bin/oko usr/share/man/man1/oko.1 etc/oko/oko.conf lib/systemd/system/oko.service \
			usr/lib/sysusers.d/oko.conf usr/share/oko/nginx/oko.conf; do
			[ -s "$R/$f" ] || fail "installed: /$f"
		done ;;
	"sudo -u oko oko init --db /var/lib/oko/oko.db")
		check "  the database exists" test -s "$R/var/lib/oko/oko.db" ;;
	"curl -s -o /dev/null -w '%{http_code}\\n' http://127.0.0.1:8080/login")
		expect_eq "  the service answers /login with 200" "$out" 200
		curl -s -D "$T/h0" -o /dev/null "http://127.0.0.1:$PORT/login"
		# The region starts work: schools, and a school's class list (the first names: the
		# key file appears beside the database).
		OKO_DB=$R/var/lib/oko/oko.db oko import schools "$DATA/schools.csv" >/dev/null 2>&1
		printf 'Класс;Фамилия;Имя;Отчество\n4а;Уникальнова;Евлампия;Феоктистовна\n' >"$T/list.csv"
		OKO_DB=$R/var/lib/oko/oko.db oko pupils import "$T/list.csv" --school sch220206 --year 2026 \
			>"$T/pupils.out" 2>&1
		check "  a class list is stored: the key file appears" test -s "$R/var/lib/oko/oko.db.key" ;;
	"sudo systemctl restart oko")
		expect_grep "  the service reads db from oko.conf" "$OKO_CONF" "db = $R/var/lib/oko/oko.db" ;;
	"sudo -u oko oko backup --out "*)
		check "  the backup exists" test -s "$R/var/backups/oko/oko-2026-12-04.db"
		check "  the key is not in the backup" test ! -e "$R/var/backups/oko/oko-2026-12-04.db.key"
		expect_eq "  the backup says where the key is" \
			"$(printf '%s\n' "$out" | grep -c "$R/var/lib/oko/oko.db.key")" 1 ;;
	"sudo install -m 0600 /var/lib/oko/oko.db.key /root/oko.db.key.copy")
		check "  the key's copy is the key" cmp -s "$R/var/lib/oko/oko.db.key" "$R/root/oko.db.key.copy" ;;
	"sudo -u oko oko restore "*)
		OKO_DB=$R/var/lib/oko/oko.db oko pupils list --school sch220206 --year 2026 >"$T/names" 2>&1
		expect_grep "  the restored database's names open with the key" "$T/names" "Уникальнова"
		check "  the replaced database is kept" ls "$R/var/lib/oko/" | grep -q 'oko.db.before-restore-' ;;
	"sudo systemctl reload nginx")
		curl -s -D "$T/h" -o /dev/null --cacert "$W/fullchain.pem" "https://127.0.0.1:$TLS_PORT/login"
		expect_grep "  through nginx over TLS: /login 200" "$T/h" "HTTP/1.1 200" ;;
	"sudo -u oko oko user token create "*)
		curl -s -H "Authorization: Bearer $TOKEN" -o "$T/metrics" -w '%{http_code}' \
			"http://127.0.0.1:$PORT/metrics" >"$T/code"
		expect_eq "  the token opens /metrics" "$(cat "$T/code")" 200
		expect_grep "  /metrics counts requests" "$T/metrics" "oko_http_requests_total{"
		expect_eq "  the monitoring key opens nothing else: /api/v1/me 403" "$(curl -s -o /dev/null \
			-w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/me")" 403 ;;
	"sudo -u oko oko settings pupil-names-retention 24")
		expect_grep "  the retention is 24 months" <(OKO_DB=$R/var/lib/oko/oko.db oko settings) "24" ;;
	esac
done <"$T/lines"

# The guide's last restart took secure_cookies from oko.conf: oko itself (not nginx) now
# sends HSTS, which it did not before.
expect_eq "before secure_cookies oko sent no HSTS" "$(grep -ci 'Strict-Transport-Security' "$T/h0")" 0
curl -s -D "$T/h2" -o /dev/null "http://127.0.0.1:$PORT/login"
expect_grep "after the guide: oko sends HSTS (secure_cookies from oko.conf)" "$T/h2" "Strict-Transport-Security:"
check "the service stops cleanly (SIGTERM)" svc_stop
