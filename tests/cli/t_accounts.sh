#!/bin/bash
# Accounts (issue 12, "nobody locked out"): password rules on every path, login throttling
# per account rather than per address, what the audit log keeps of a failed login, API
# keys that expire and can be revoked, and logins posted from a foreign site.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
add() { "$OKO" user add "$1" --role "$2" ${3:+--scope "$3"} --name "$1 name" --password "password-$1" >/dev/null; }
add admin admin
add reg region
add sch school sch220206

# --- passwords: at least 10 characters, no common ones, on the command line …
run_oko user add weak --role expert --password 1234567890
check "the command line refuses a common password" test "$rc" -ne 0
expect_grep "and says why in Russian" "$T/err" "самых частых паролей"
run_oko user add weak2 --role expert --password 'Qwerty2024!'
check "a common password with a year and a sign is refused too" test "$rc" -ne 0
run_oko user add weak3 --role expert --password short-pw
check "an 8-character password is refused" test "$rc" -ne 0
expect_grep "the length is explained" "$T/err" "не короче 10 символов"
expect_eq "no user was added" "$(sql "SELECT count(*) FROM user WHERE login LIKE 'weak%'")" 0
run_oko user passwd reg --password ЙЦУКЕНГШЩЗ
check "passwd refuses a keyboard row, whatever its case" test "$rc" -ne 0
run_oko user passwd reg --password 01.09.2015
check "passwd refuses a date" test "$rc" -ne 0
expect_ok "a sound password is accepted" user add strong --role expert --password "конь-батарея-скрепка"

start_server
login admin password-admin
# … and in the administrator's form
post admin /users --data-urlencode login=weak4 --data-urlencode name=x --data-urlencode role=expert --data-urlencode password=gfhjkm1234
expect_eq "the users page refuses a common password" "$code" 400
expect_grep "the page says why" "$T/body" "Пользователь не добавлен: пароль — один из самых частых паролей"
# The refused form keeps what was typed, all but the password.
post admin /users --data-urlencode login=weak5 --data-urlencode name="Иванова Мария" --data-urlencode role=municipality \
	--data-urlencode scope_municipality=nonesuch --data-urlencode password=gfhjkm1234
expect_grep "the refused form keeps the login" "$T/body" 'value="weak5"'
expect_grep "… the name" "$T/body" 'name="name" required value="Иванова Мария"'
expect_grep "… the role" "$T/body" '<option value="municipality" selected>'
if grep -q 'gfhjkm1234' "$T/body"; then fail "… but not the password"; else ok "… but not the password"; fi
get admin /users
expect_grep "the form asks for 10 characters" "$T/body" 'minlength="10"'

# --- throttling: per account, not per address (every test request comes from 127.0.0.1,
# like a school behind one NAT address)
for i in 1 2 3 4 5 6 7 8; do try_login "made-up-$i" "wrong-password-$i"; done
expect_eq "a wrong login with a made-up name is refused" "$code" 403
login sch password-sch
expect_eq "eight made-up names do not lock out a real account of the address" "$code" 303
for i in 1 2 3 4 5; do try_login reg "wrong-password-$i"; done
expect_eq "the fifth failure of one account is still answered" "$code" 403
try_login reg password-reg
expect_eq "the account then waits, even with its right password" "$code" 429
expect_grep "the wait is explained" "$T/body" "Слишком много неудачных попыток"
login admin password-admin
expect_eq "another account of the same address is not held" "$code" 303
sleep 2.2
login reg password-reg
expect_eq "after the delay the right password works" "$code" 303
try_login reg wrong-password-again
expect_eq "and the success cleared the count: a failure is answered at once" "$code" 403
try_login reg wrong-password-again2
expect_eq "the count starts again from zero" "$code" 403

# --- the audit log keeps a typed login only when it exists
try_login "MyTypedPassw0rd-9" whatever-password
try_login "MyTypedPassw0rd-9" whatever-password2
try_login sch wrong-password-for-sch
expect_eq "a password typed as the login is not stored" "$(sql "SELECT count(*) FROM audit WHERE user_login LIKE '%TypedPassw0rd%' OR detail LIKE '%TypedPassw0rd%'")" 0
expect_eq "an existing login's failure is stored with the login" "$(sql "SELECT count(*) FROM audit WHERE action = 'login_failed' AND user_login = 'sch'")" 1
expect_eq "an unknown login's failures share one fingerprint" "$(sql "SELECT count(DISTINCT user_login) FROM audit WHERE action = 'login_failed' AND user_login LIKE '#%' AND id > (SELECT max(id) - 3 FROM audit)")" 1
get admin /audit
expect_grep "the audit page shows the fingerprint in Russian" "$T/body" "неизвестный логин, отпечаток "
expect_grep "and says what it is" "$T/body" "введённый текст не хранится"
grep -q "TypedPassw0rd" "$T/body" && fail "the audit page does not show the typed text" || ok "the audit page does not show the typed text"

# --- API keys: expire, can be revoked, die with a password change
api() { code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $1" "$URL/api/v1/me"); }
key=$("$OKO" user token reg --label nightly 2>"$T/err")
api "$key"
expect_eq "a new key works" "$code" 200
expect_grep "its expiry is said when it is made" "$T/err" "Действует до"
id=$(sql "SELECT id FROM api_token WHERE label = 'nightly'")
expect_eq "it expires in 90 days by default" "$(sql "SELECT (expires_at - created_at) / 86400 FROM api_token WHERE id = $id")" 90
run_oko user token list reg
expect_grep "token list shows it with its number and what it opens" "$T/out" "$id	reg	nightly	JSON API	"
expect_ok "the operator revokes it by number" user token revoke "$id"
api "$key"
expect_eq "a revoked key is refused" "$code" 403
expect_grep "and the refusal says why" "$T/body" "истёк или отозван"
expect_fail "revoking it again fails" user token revoke "$id"
run_oko user token list reg --all
expect_grep "list --all shows the revocation" "$T/out" "отозван"
old=$(OKO_NOW=2020-01-01T00:00:00Z "$OKO" user token create reg --days 1 --label old 2>/dev/null)
api "$old"
expect_eq "an expired key is refused" "$code" 403
run_oko user token reg --days 400
check "a lifetime over 365 days is refused" test "$rc" -ne 0
k1=$("$OKO" user token reg --label one 2>/dev/null)
k2=$("$OKO" user token create reg --label two --days 7 2>/dev/null)
api "$k2"
expect_eq "a key with --days works" "$code" 200
login reg password-reg
expect_ok "passwd with a sound password" user passwd reg --password new-password-reg
expect_grep "passwd says the keys were revoked" "$T/out" "ключи API отозваны (2)"
api "$k1"
expect_eq "a password change revokes the user's keys" "$code" 403
api "$k2"
expect_eq "all of them" "$code" 403
get reg /
expect_eq "and ends its sessions" "$code" 303
# the administrator's page
k3=$("$OKO" user token sch --label "выгрузка <b>" 2>/dev/null)
id3=$(sql "SELECT id FROM api_token WHERE label = 'выгрузка <b>'")
get admin /users
expect_grep "/users lists the valid keys" "$T/body" "выгрузка &lt;b&gt;"
expect_grep "with a revoke button" "$T/body" "value=\"$id3\"><button>Отозвать</button>"
expect_grep "and what it opens" "$T/body" "выгрузка &lt;b&gt;</td><td>JSON API</td>"
grep -q ">nightly<" "$T/body" && fail "a revoked key is not listed" || ok "a revoked key is not listed"
login sch password-sch
post sch /users/tokens/revoke --data-urlencode "id=$id3"
expect_eq "a school coordinator cannot revoke keys" "$code" 403
post admin /users/tokens/revoke --data-urlencode "id=$id3"
expect_eq "the administrator revokes a key on /users" "$code" 200
expect_grep "and is told so" "$T/body" "Ключ № $id3 пользователя sch отозван."
api "$k3"
expect_eq "the key revoked on the page is refused" "$code" 403
post admin /users/tokens/revoke --data-urlencode "id=$id3"
expect_eq "revoking it again is 404" "$code" 404
expect_eq "revocations are audited" "$(sql "SELECT count(*) FROM audit WHERE action = 'api_token_revoke'")" 2

# --- login CSRF: a login posted from a foreign site is refused
# xlogin ORIGIN-HEADERS...: logs in as admin with extra headers; status in $code, headers in $T/h
xlogin() {
	local args=()
	for h in "$@"; do args+=(-H "$h"); done
	code=$(curl -s -o "$T/body" -D "$T/h" -w '%{http_code}' "${args[@]}" --data-urlencode login=admin \
		--data-urlencode password=password-admin "$URL/login")
}
sessions() { sql "SELECT count(*) FROM session"; }
before=$(sessions)
xlogin "Origin: http://evil.example"
expect_eq "a login posted from a foreign Origin is refused" "$code" 403
expect_grep "the refusal is explained in Russian" "$T/body" "форма входа была отправлена с другого сайта"
grep -qi "^Set-Cookie: oko_session=[0-9a-f]" "$T/h" && fail "no session cookie for a foreign login" || ok "no session cookie for a foreign login"
expect_eq "no session was created" "$(sessions)" "$before"
xlogin "Referer: http://evil.example/page.html"
expect_eq "a foreign Referer is refused when there is no Origin" "$code" 403
xlogin "Origin: null"
expect_eq "Origin: null is refused" "$code" 403
xlogin "Origin: ${URL%:*}:1"
expect_eq "the same host on another port is another site" "$code" 403
xlogin "Sec-Fetch-Site: cross-site"
expect_eq "Sec-Fetch-Site: cross-site is refused" "$code" 403
xlogin "Sec-Fetch-Site: same-site" "Origin: $URL"
expect_eq "Sec-Fetch-Site: same-site (a sibling subdomain) is refused" "$code" 403
xlogin "Origin: $URL"
expect_eq "a login from this server's own page works" "$code" 303
xlogin "Referer: $URL/login?next=/"
expect_eq "a Referer of this server works" "$code" 303
# X-Forwarded-Host counts only from a declared proxy (serve --trusted-proxy; t_server.sh
# checks that the public origin then works): from this undeclared peer it is ignored.
xlogin "Origin: https://oko.example.ru" "X-Forwarded-Host: oko.example.ru"
expect_eq "X-Forwarded-Host from a peer that is not a declared proxy does not vouch" "$code" 403
xlogin "Origin: https://oko.example.ru" "Sec-Fetch-Site: same-origin"
expect_eq "a browser's Sec-Fetch-Site: same-origin is believed whatever Host says" "$code" 303
xlogin
expect_eq "without Origin, Referer and Sec-Fetch-Site (curl, scripts) a login works" "$code" 303

echo "1..$_n"
