#!/bin/bash
# `make install` of the tree already built in $BUILD (PREFIX=/usr into a temporary DESTDIR)
# and what it installs:
# - the files where Debian expects them; the installed binary runs `oko version` (from
#   `git describe` in a checkout) and `oko help`; a second `make` does not rebuild main.o;
# - the man page oko(1) has every command of `oko help` and every OKO_* variable the
#   sources read, and renders without a warning; the installed oko.conf has every key;
# - `systemd-analyze verify` of the installed unit (ExecStart pointed at the DESTDIR copy)
#   prints nothing;
# - oko.conf is read: a value in the file (OKO_CONF) changes what oko uses (key file, the
#   region's zone, the database, serve's address and Secure cookies), a variable beats the
#   file, an option beats the variable; a bad line, an unknown key, a bad value stop every
#   command with exit 2 and a Russian message with the file and the line;
# - re-running install keeps an edited oko.conf (the new one lands as oko.conf.dist);
#   uninstall removes what install put and keeps the edited oko.conf.
. "$(dirname "$0")/lib.sh"
: "${BUILD:?BUILD must name the build directory of the tree under test}"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
D=$T/root
unset MAKEFLAGS MFLAGS MAKELEVEL OKO_KEY_FILE OKO_LISTEN OKO_TIME_ZONE OKO_SECURE_COOKIES
export OKO_CONF= # the machine's /etc/oko/oko.conf is none of this test's business

install_tree() {
	make -s -C "$ROOT" BUILD="$BUILD" $(build_flags) DESTDIR="$D" PREFIX=/usr install >"$T/make.out" 2>&1
}

# --- install -------------------------------------------------------------------------------
main_o=$(stat -c %Y "$BUILD/src/main.o" 2>/dev/null)
install_tree
expect_eq "make install DESTDIR PREFIX=/usr" "$?" 0
sed 's/^/# /' "$T/make.out" | head -20
expect_eq "main.o not rebuilt when the version did not change" \
	"$(stat -c %Y "$BUILD/src/main.o" 2>/dev/null)" "$main_o"
for f in usr/bin/oko usr/share/man/man1/oko.1 etc/oko/oko.conf lib/systemd/system/oko.service \
	usr/lib/sysusers.d/oko.conf usr/share/oko/nginx/oko.conf; do
	check "installed: /$f" test -s "$D/$f"
done
check "the binary is executable" test -x "$D/usr/bin/oko"
check "no oko.conf.dist on a first install" test ! -e "$D/etc/oko/oko.conf.dist"
expect_eq "the shipped oko.conf installed" "$(cmp -s "$ROOT/dist/oko.conf" "$D/etc/oko/oko.conf" && echo same)" same
expect_grep "ExecStart names the installed binary" "$D/lib/systemd/system/oko.service" "ExecStart=/usr/bin/oko serve"

OKO=$D/usr/bin/oko
run_oko version
expect_eq "the installed oko version runs" "$rc" 0
expect_eq "version printed" "$(grep -cE '^oko [^ ]+ \(схема базы данных [0-9]+\)$' "$T/out")" 1
if desc=$(git -C "$ROOT" describe --always --tags 2>/dev/null); then
	expect_grep "the version is git describe's" "$T/out" "oko $desc"
else
	skip "not a git checkout: the version is VERSION's or 0.1.0"
fi
run_oko help
expect_eq "the installed oko help runs" "$rc" 0

# --- the man page ------------------------------------------------------------------------
MAN=$D/usr/share/man/man1/oko.1
cmds=$(sed -n '/^команды:$/,/^$/p' "$T/out" | awk 'NF { print $1 }' | grep -v '^команды:$')
expect_eq "oko help lists commands" "$([ "$(echo "$cmds" | wc -l)" -gt 20 ] && echo many)" many
missing=""
for c in $cmds; do
	grep -qxF ".SS \"oko $(echo "$c" | sed 's/-/\\-/g')\"" "$MAN" || missing="$missing $c"
done
expect_eq "the man page has every command of oko help" "$missing" ""
# Every usage text whole: the last line of `oko analyze --help` is in the page.
last=$("$OKO" analyze --help | tail -1 | sed 's/^ *//; s/-/\\-/g')
expect_grep "a command's usage in full" "$MAN" "$last"
vars=$(grep -rhoE 'getenv\("OKO_[A-Z_]+"' "$ROOT/src" | grep -oE 'OKO_[A-Z_]+' | sort -u)
missing=""
for v in $vars; do grep -qxF ".B $(echo "$v" | sed 's/-/\\-/g')" "$MAN" || missing="$missing $v"; done
expect_eq "the man page has every OKO_* variable oko reads" "$missing" ""
keys=$(grep -oE '\(в oko\.conf: [a-z_]+\)' "$MAN" | grep -oE '[a-z_]+\)$' | tr -d ')')
missing=""
for k in $keys; do grep -qE "^#$k = " "$D/etc/oko/oko.conf" || missing="$missing $k"; done
expect_eq "oko.conf shows every key, commented" "$missing" ""
expect_eq "oko.conf sets nothing as shipped" "$(grep -cvE '^(#|$)' "$D/etc/oko/oko.conf")" 0
if command -v man >/dev/null; then
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$MAN" >"$T/man.txt" 2>"$T/man.err"
	expect_eq "man renders the page" "$?" 0
	expect_eq "no troff warnings" "$(cat "$T/man.err")" ""
	expect_grep "rendered in Russian" "$T/man.txt" "ОКРУЖЕНИЕ"
	expect_grep "an option rendered with its hyphens" "$T/man.txt" "--db ФАЙЛ"
else
	skip "man is not installed"
fi

# --- the systemd unit ----------------------------------------------------------------------
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$T/unit"
	sed "s|^ExecStart=/usr/bin/oko|ExecStart=$D/usr/bin/oko|" "$D/lib/systemd/system/oko.service" >"$T/unit/oko.service"
	MANPATH=$D/usr/share/man: systemd-analyze verify "$T/unit/oko.service" >"$T/verify.out" 2>&1
	expect_eq "systemd-analyze verify passes" "$?" 0
	expect_eq "systemd-analyze verify says nothing about the unit" "$(grep -i oko "$T/verify.out")" ""
	sed 's/^/# /' "$T/verify.out" | head -10
	for s in "User=oko" "ProtectSystem=strict" "ReadWritePaths=/var/lib/oko" "NoNewPrivileges=yes" \
		"PrivateTmp=yes" "ProtectHome=yes" "Restart=on-failure" "StateDirectory=oko"; do
		expect_grep "unit: $s" "$T/unit/oko.service" "$s"
	done
else
	skip "systemd-analyze is not installed"
fi

# --- oko.conf is read ----------------------------------------------------------------------
OKO=$D/usr/bin/oko
expect_ok "a database" init
conf() { printf '%s\n' "# a test configuration" "$@" >"$T/oko.conf"; }
conf "key_file = $T/from-conf.key" "time_zone = Asia/Barnaul"
export OKO_CONF=$T/oko.conf
expect_ok "keys path with oko.conf" keys path
expect_grep "the key file of oko.conf used" "$T/out" "$T/from-conf.key"
OKO_KEY_FILE=$T/from-env.key run_oko keys path
expect_grep "the variable beats the file" "$T/out" "$T/from-env.key"
expect_ok "the zone with oko.conf" settings time-zone
expect_grep "the zone of oko.conf used while the database has none" "$T/out" "часовой пояс: Asia/Barnaul"
OKO_TIME_ZONE=Europe/Samara run_oko settings time-zone
expect_grep "OKO_TIME_ZONE beats the file" "$T/out" "часовой пояс: Europe/Samara"
expect_ok "the database's zone set" settings time-zone Asia/Yekaterinburg
expect_ok "read back" settings time-zone
expect_grep "the database's zone beats the installation's" "$T/out" "часовой пояс: Asia/Yekaterinburg"
OKO_TIME_ZONE=Mars/Olympus run_oko settings time-zone
expect_eq "an unknown OKO_TIME_ZONE: exit 2" "$rc" 2
expect_grep "an unknown OKO_TIME_ZONE named" "$T/err" "OKO_TIME_ZONE: неизвестный часовой пояс «Mars/Olympus»"

# The database: the file's, the variable's, the option's (SQLite files, whatever the engine).
conf "db = $T/conf.db"
(unset OKO_DB; "$OKO" init >/dev/null 2>&1)
check "db of oko.conf used without OKO_DB" test -s "$T/conf.db"
OKO_DB=$T/env.db run_oko init
check "OKO_DB beats the file" test -s "$T/env.db"
OKO_DB=$T/env2.db run_oko init --db "$T/opt.db"
check "--db beats OKO_DB" test -s "$T/opt.db"
check "… and OKO_DB is not touched then" test ! -e "$T/env2.db"

# serve: the address and Secure cookies from the file; the variable and the option beat it.
# serve_port: starts serve with the given arguments, prints the port it says it listens on
# (nothing if it did not start), stops it.
serve_port() {
	"$OKO" serve "$@" >"$T/serve.log" 2>&1 &
	local pid=$! port=""
	for _ in $(seq 100); do
		port=$(grep -o 'слушает http://127.0.0.1:[0-9]*' "$T/serve.log" | grep -o '[0-9]*$')
		[ -n "$port" ] && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.05
	done
	[ -n "$port" ] && curl -s -D "$T/headers" -o /dev/null "http://127.0.0.1:$port/login"
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	echo "$port"
}
conf "listen = 127.0.0.1:0" "secure_cookies = yes" "threads = 2"
p=$(serve_port)
expect_eq "serve listens where oko.conf says (port 0: any free one, not 8080)" \
	"$([ -n "$p" ] && [ "$p" != 8080 ] && echo yes)" yes
expect_grep "secure_cookies of oko.conf: HSTS" "$T/headers" "Strict-Transport-Security"
conf "listen = 127.0.0.1:1"
p=$(OKO_LISTEN=127.0.0.1:0 serve_port)
expect_eq "OKO_LISTEN beats the file" "$([ -n "$p" ] && echo started)" started
p=$(OKO_LISTEN=127.0.0.1:1 serve_port --listen 127.0.0.1:0)
expect_eq "--listen beats OKO_LISTEN" "$([ -n "$p" ] && echo started)" started
conf "upload_wait = 30"
OKO_UPLOAD_WAIT=never run_oko serve
expect_eq "a bad OKO_UPLOAD_WAIT: exit 2" "$rc" 2
expect_grep "the variable named in Russian" "$T/err" "OKO_UPLOAD_WAIT: число секунд от 1 до 3600, а не «never»"
run_oko serve --upload-wait 0
expect_eq "a bad --upload-wait: exit 2" "$rc" 2
expect_grep "the option named" "$T/err" "--upload-wait: число секунд от 1 до 3600, а не «0»"

# Bad files stop every command before it runs.
conf "db = $T/conf.db" "listen 127.0.0.1:8080"
run_oko version
expect_eq "a bad line: exit 2" "$rc" 2
expect_grep "the file and the line named" "$T/err" "файл настроек $T/oko.conf, строка 3: «listen 127.0.0.1:8080» — не параметр"
expect_eq "nothing printed by the command" "$(cat "$T/out")" ""
conf "colour = blue"
run_oko help
expect_eq "an unknown key: exit 2" "$rc" 2
expect_grep "the unknown key named" "$T/err" "строка 2: неизвестный параметр «colour»"
conf "" "upload_memory = 0"
run_oko version
expect_eq "a bad value: exit 2" "$rc" 2
expect_grep "the bad value named" "$T/err" "строка 3: upload_memory: число мегабайт от 1 до 65536, а не «0»"
OKO_UPLOAD_MEMORY=64 run_oko version
expect_eq "a variable set: the file's bad value still stops" "$rc" 2
OKO_CONF=$T/absent.conf run_oko version
expect_eq "OKO_CONF naming no file: exit 2" "$rc" 2
expect_grep "the absent file named" "$T/err" "файл настроек $T/absent.conf не открывается"
OKO_CONF= run_oko version
expect_eq "OKO_CONF empty: no file read" "$rc" 0
export OKO_CONF=

# --- re-install, uninstall -----------------------------------------------------------------
echo "listen = 0.0.0.0:8080" >>"$D/etc/oko/oko.conf"
cp "$D/etc/oko/oko.conf" "$T/edited.conf"
install_tree
expect_eq "install again" "$?" 0
expect_eq "an edited oko.conf kept" "$(cmp -s "$T/edited.conf" "$D/etc/oko/oko.conf" && echo kept)" kept
expect_eq "the new one beside it as oko.conf.dist" \
	"$(cmp -s "$ROOT/dist/oko.conf" "$D/etc/oko/oko.conf.dist" && echo same)" same
make -s -C "$ROOT" BUILD="$BUILD" $(build_flags) DESTDIR="$D" PREFIX=/usr uninstall >"$T/make.out" 2>&1
expect_eq "make uninstall" "$?" 0
left=$(cd "$D" && find . -type f | sort | tr '\n' ' ')
expect_eq "uninstall leaves only the edited oko.conf" "$left" "./etc/oko/oko.conf "
