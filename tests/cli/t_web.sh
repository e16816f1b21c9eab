#!/bin/bash
# The web application over real HTTP: logins, the permission matrix (role × route × own /
# foreign territory), CSRF, XSS, SQL metacharacters, path traversal, uploads, throttling,
# API tokens, slow clients, graceful shutdown.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
"$OKO" import procedures "$DATA/procedures.csv" >/dev/null
"$OKO" import results "$DATA/results/canonical.csv" >/dev/null 2>&1
printf 'login,name,municipality,region,kind,settlement,indepth\nsch666,"<script>alert(1)</script> ""школа""",г. Барнаул,Алтайский край,СОШ,город,0\n' > "$T/xss.csv"
"$OKO" import schools "$T/xss.csv" >/dev/null
add() { "$OKO" user add "$1" --role "$2" ${3:+--scope "$3"} --name "$1 name" --password "password-$1" >/dev/null; }
add admin admin
add reg region
add mun municipality "г. Барнаул"
add sch school sch220206
add sch2 school edu223017
add exp expert
start_server
for u in admin reg mun sch sch2 exp; do login $u "password-$u"; done

# --- anonymous
get - /
expect_eq "anonymous home redirects to login" "$code" 303
get - /login
expect_eq "login page is public" "$code" 200
expect_grep "login page in Russian" "$T/body" "Вход в oko"
get - /api/v1/me
expect_eq "anonymous API refused" "$code" 403
try_login admin wrong-password
expect_eq "wrong password refused" "$code" 403
expect_grep "wrong password explained" "$T/body" "Неверный логин или пароль."
try_login nobody whatever
expect_eq "unknown login answers the same" "$code" 403
code=$(curl -s -o /dev/null -D "$T/headers" -w '%{http_code}' --data-urlencode login=reg --data-urlencode password=password-reg "$URL/login")
expect_grep "session cookie is HttpOnly and SameSite=Strict" "$T/headers" "HttpOnly; SameSite=Strict"
expect_grep "pages forbid framing" "$T/headers" "X-Frame-Options: DENY"

# --- the permission matrix: user route expected-status
while read -r who path want; do
	get "$who" "$path"
	expect_eq "$who GET $path → $want" "$code" "$want"
done <<'MATRIX'
admin / 200
reg / 200
mun / 200
sch / 200
exp / 200
admin /schools 200
reg /schools 200
mun /schools 200
sch /schools 403
exp /schools 403
admin /schools/sch220206 200
reg /schools/sch220206 200
mun /schools/sch220206 200
mun /schools/edu223017 404
sch /schools/sch220206 200
sch /schools/sch220207 404
sch2 /schools/sch220206 404
exp /schools/sch220206 403
admin /schools/nonexistent 404
admin /upload 200
mun /upload 200
sch /upload 200
exp /upload 403
admin /users 200
reg /users 403
mun /users 403
sch /users 403
admin /audit 200
reg /audit 200
mun /audit 403
sch /audit 403
admin /api/v1/schools 200
mun /api/v1/schools 200
sch /api/v1/schools 403
sch /api/v1/me 200
MATRIX

# --- no data leaks across territories
get mun /schools
expect_grep "municipality sees its school" "$T/body" "sch220206"
grep -q "edu223017" "$T/body" && fail "municipality does not see a foreign school" || ok "municipality does not see a foreign school"
get mun /api/v1/schools
expect_grep "municipality's API total counts only its schools" "$T/body" '"total":3'
grep -q "edu223017" "$T/body" && fail "API leaks a foreign school" || ok "API does not leak a foreign school"
get sch2 /schools/sch220206
grep -q "СОШ № 1" "$T/body" && fail "404 page leaks the name" || ok "404 for a foreign school leaks nothing"
get admin /api/v1/schools
expect_grep "admin's API sees all schools" "$T/body" '"total":6'

# --- XSS: a school named like a script is shown as text
get admin "/schools?q=sch666"
expect_grep "script name escaped" "$T/body" "&lt;script&gt;alert(1)&lt;/script&gt; &quot;школа&quot;"
grep -q "<script>alert" "$T/body" && fail "raw script in the page" || ok "no raw script in the page"

# --- SQL metacharacters are data
get admin "/schools?q=%27%20OR%201%3D1%20--"
expect_eq "quote in the search is harmless" "$code" 200
expect_grep "nothing matches the injection" "$T/body" "Найдено: 0"
get admin "/schools?sort=name%3BDROP%20TABLE%20school"
expect_eq "unknown sort is ignored" "$code" 200
expect_eq "schools table still there" "$(sql 'SELECT count(*) FROM school')" 6

# --- undeclared keys and path traversal
get admin "/schools?evil=1"
expect_eq "undeclared query key refused" "$code" 400
get admin "/static/oko.css"
expect_eq "static CSS served" "$code" 200
for p in "/static/../../etc/passwd" "/static/%2e%2e/%2e%2e/etc/passwd" "/static/..%2f..%2fetc%2fpasswd" "/static/"; do
	get admin "$p"
	expect_eq "traversal $p refused" "$code" 404
done
grep -q "root:" "$T/body" && fail "traversal leaked a file" || ok "traversal leaked nothing"

# --- CSRF
code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/admin.jar" -d "login=x&name=x&role=admin&password=xxxxxxxx" "$URL/users")
expect_eq "POST without CSRF token refused" "$code" 403
code=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/admin.jar" -d "csrf=$(printf '0%.0s' $(seq 64))&login=x&name=x&role=admin&password=xxxxxxxx" "$URL/users")
expect_eq "POST with a wrong CSRF token refused" "$code" 403
post admin /users --data-urlencode login=newmun --data-urlencode "name=Новый <b>координатор</b>" --data-urlencode role=municipality --data-urlencode "scope=г. Барнаул" --data-urlencode password=password-new
expect_eq "admin adds a user with the token" "$code" 200
expect_grep "user added" "$T/body" "Пользователь newmun добавлен."
expect_grep "user name escaped" "$T/body" "Новый &lt;b&gt;координатор&lt;/b&gt;"
post mun /users --data-urlencode login=y --data-urlencode name=y --data-urlencode role=admin --data-urlencode password=password-y
expect_eq "a municipal user cannot add users" "$code" 403

# --- the home's latest uploads: one line an upload and procedure, its schools counted
get admin /
expect_eq "canonical.csv holds three schools" "$(sql "SELECT count(DISTINCT school_id) FROM upload_school")" 3
expect_grep "a file of several schools is one line of the latest uploads" "$T/body" "<td>canonical.csv</td>"
expect_eq "… once" "$(grep -o '<td>canonical.csv</td>' "$T/body" | wc -l)" 1
expect_grep "… counting its schools" "$T/body" "<td>3 школы</td><td class=\"num\">5</td>"

# --- uploads
# The school's results are there already (the command line loaded them): the upload asks
# before replacing them, naming the earlier upload, and stores nothing until confirmed.
before=$(sql "SELECT count(*) || ' ' || max(upload_id) FROM result")
# A check alone says what storing the file would replace: a one-row file over three results.
head -2 "$DATA/results/canonical_fixed.csv" >"$T/one.csv"
upload sch /upload -F "file=@$T/one.csv" -F "dry_run=1"
expect_eq "a check of a one-row file" "$code" 200
expect_grep "… says it would replace three results with one" "$T/body" "Ничего не сохранено. Если загрузить этот файл, он заменит 3 результата, загруженных раньше (ниже — из каких загрузок), а в файле 1 строка: прежние результаты школ файла по процедуре заменяются целиком, и тех, кого нет в файле, в базе не останется."
expect_eq "… and stores nothing" "$(sql "SELECT count(*) || ' ' || max(upload_id) FROM result")" "$before"
upload sch /upload -F "file=@$DATA/results/canonical_fixed.csv" -F "procedure="
expect_eq "a school's re-upload is asked about first" "$code" 200
expect_grep "… naming what it would replace" "$T/body" "будет заменено результатов: 3 (школ: 1) из загрузки «canonical.csv»"
expect_grep "… and that the file is shorter than what it replaces" "$T/body" "Файл проверен, ошибок нет. Он заменит 3 результата, загруженных раньше (ниже — из каких загрузок), а в файле 2 строки: прежние результаты школ файла по процедуре заменяются целиком"
expect_grep "… the summary a list, a detail under its fact" "$T/body" "<ul class=\"summary\"><li>макет: канонический CSV oko; строк: 2"
expect_grep "… … the replaced upload under its count" "$T/body" "новых школ: 0<ul><li>будет заменено результатов: 3"
expect_eq "… and nothing stored yet" "$(sql "SELECT count(*) || ' ' || max(upload_id) FROM result")" "$before"
pending=$(grep -o 'name="pending" value="[0-9]*"' "$T/body" | grep -o '[0-9]*')
post sch2 /upload/confirm --data-urlencode "pending=$pending" --data-urlencode "decision=replace"
expect_eq "another user cannot confirm it" "$code" 404
post sch /upload/confirm --data-urlencode "pending=$pending" --data-urlencode "decision=replace"
expect_eq "school uploads its own results once it confirms" "$code" 200
expect_grep "upload succeeded" "$T/body" "Файл загружен."
expect_grep "… saying what it replaced" "$T/body" "заменено результатов: 3 (школ: 1) из загрузки «canonical.csv»"
expect_eq "the pending file is gone" "$(sql "SELECT count(*) FROM pending_upload")" 0
get admin /
expect_grep "the home's latest uploads name a one-school upload's school by its name" "$T/body" "<td>canonical_fixed.csv</td><td>sch name</td><td>ВПР, математика, 4 класс, 2021</td><td>МБОУ &quot;СОШ № 1&quot;</td>"
upload sch /upload -F "file=@$DATA/results/canonical.csv"
expect_eq "school cannot upload other schools' rows" "$code" 400
expect_grep "foreign rows explained (as for a login that does not exist)" "$T/body" "это не логин вашей школы: загружать можно только результаты своей школы"
# A file of another school: its login named once, its rows counted.
{ head -1 "$DATA/results/canonical.csv"
  for c in 40101 40102 40103; do grep '^sch220207,' "$DATA/results/canonical.csv" | head -1 | sed "s/^\(sch220207,[^,]*,\)[^,]*/\1$c/"; done; } >"$T/foreign.csv"
upload sch /upload -F "file=@$T/foreign.csv"
expect_eq "a school's upload of another school's file refused" "$code" 400
expect_eq "… the login named once" "$(grep -o 'это не логин вашей школы' "$T/body" | wc -l)" 1
expect_grep "… its rows counted" "$T/body" "неверный логин школы: 3 — файл отклоняется"
upload sch /upload -F "file=@$T/foreign.csv" -F procedure=VPR-2021-MA-4 -F strict=1
expect_eq "a refused upload with a procedure chosen" "$code" 400
expect_grep "… comes back with the procedure chosen" "$T/body" 'value="VPR-2021-MA-4" title="VPR-2021-MA-4" selected>'
expect_grep "… and the strict check kept" "$T/body" 'name="strict" value="1" checked>'
expect_grep "nothing stored said" "$T/body" "Данные в базе не изменены."
upload sch /upload -F "file=@$DATA/results/bad.csv"
expect_eq "a bad file is refused" "$code" 400
expect_grep "problems shown as a table" "$T/body" "<td>3 «code»</td><td>40001</td><td>код участника уже встречался выше"
expect_grep "… that scrolls on a phone" "$T/body" '<div class="scroll"><table class="problems">'
if grep -q '<th>Лист</th>' "$T/body"; then fail "a CSV's problems have no sheet column"; else ok "a CSV's problems have no sheet column"; fi
upload sch /upload -F "file=@$DATA/binary.csv;filename=<img src=x onerror=alert(1)>.csv"
expect_eq "binary upload refused" "$code" 400
grep -q "<img src=x" "$T/body" && fail "file name rendered raw" || ok "file name escaped"
head -c $((65 * 1024 * 1024)) /dev/zero > "$T/huge.csv"
upload sch /upload -F "file=@$T/huge.csv"
expect_eq "oversized upload refused" "$code" 413
rm -f "$T/huge.csv"
: >"$T/empty.xlsx"
upload sch /upload -F "file=@$T/empty.xlsx"
expect_eq "an empty file refused" "$code" 400
expect_grep "… saying it is empty, not that none was chosen" "$T/body" "Файл «empty.xlsx» пуст: в нём нет ни одного байта. Выберите заполненный файл."
expect_eq "upload history kept the school's upload" "$(sql "SELECT count(*) FROM upload WHERE user_name = 'sch'")" 1

# A procedure oko does not know and cannot find in its catalogue is proposed from the file;
# the administrator checks it, corrects a maximum, sets the scale and the file goes in.
{ echo "логин школы,регион,номер обучающегося,код обучающегося,отметка за предыдущую четверть/триместр,пол,класс,вариант,всего баллов,балл за 1,балл за 2,балл за 3"
  echo "sch220206,город Барнаул,1,47001,4,ж,9А,1,3,1,1,1"
  echo "sch220206,город Барнаул,2,47002,4,м,9А,1,4,2,1,1"; } >"$T/hi9.csv"
upload sch /upload -F "file=@$T/hi9.csv" -F "procedure=VPR-2025-HI-9"
expect_eq "a school's file of an unknown procedure is refused" "$code" 400
if grep -qF 'name="positions"' "$T/body"; then fail "… without a form to create it"; else ok "… without a form to create it"; fi
upload admin /upload -F "file=@$T/hi9.csv" -F "procedure=VPR-2025-HI-9"
expect_grep "the administrator is shown the proposal" "$T/body" "1:2 2:1 3:1"
pending=$(grep -o 'name="pending" value="[0-9]*"' "$T/body" | grep -o '[0-9]*')
post admin /upload/confirm --data-urlencode "pending=$pending" --data-urlencode "decision=create" \
	--data-urlencode "positions=1:2:Б 2:2:Б 3:1:П" --data-urlencode "scale=2/3/4"
expect_eq "the corrected procedure is created and the file stored" "$code" 200
expect_grep "… «Файл загружен.»" "$T/body" "Файл загружен."
expect_eq "… as corrected, with its source" "$(sql "SELECT max_score || ' ' || scale3 || ' ' || source FROM procedure WHERE code = 'VPR-2025-HI-9'")" \
	"5 2 по файлу «hi9.csv»: предложено oko, проверено и создано пользователем admin"
expect_eq "… and its results" "$(sql "SELECT count(*) FROM result r JOIN procedure p ON p.id = r.procedure_id WHERE p.code = 'VPR-2025-HI-9'")" 2
sql "DELETE FROM result_pack WHERE procedure_id = (SELECT id FROM procedure WHERE code = 'VPR-2025-HI-9')"
sql "DELETE FROM result WHERE procedure_id = (SELECT id FROM procedure WHERE code = 'VPR-2025-HI-9')"
sql "DELETE FROM upload_school WHERE procedure_id = (SELECT id FROM procedure WHERE code = 'VPR-2025-HI-9')"

# Procedures are the region's: a school's form for a procedure oko does not know is refused
# with the reason, while the administrator's creates it from the form's headers.
sed 's/edu220301/sch220206/g' "$DATA/results/form_protocol.csv" >"$T/own_form.csv"
"${BUILD:-}/tests/tools/mkxlsx" from-csv "$T/newproc.xlsx" "Протокол" "$T/own_form.csv"
upload sch /upload -F "file=@$T/newproc.xlsx" -F "procedure=VPR-2030-MA-9"
expect_eq "a school's form cannot create a procedure" "$code" 400
expect_grep "the reason is given" "$T/body" "создавать процедуры может только региональный координатор или администратор"
expect_eq "no procedure created by the school" "$(sql "SELECT count(*) FROM procedure WHERE code = 'VPR-2030-MA-9'")" 0
upload admin /upload -F "file=@$T/newproc.xlsx" -F "procedure=VPR-2030-MA-9"
expect_eq "the administrator's form creates it" "$code" 200
expect_eq "procedure created from the headers" "$(sql "SELECT max_score FROM procedure WHERE code = 'VPR-2030-MA-9'")" 20
sql "DELETE FROM result_pack WHERE procedure_id = (SELECT id FROM procedure WHERE code = 'VPR-2030-MA-9')"
sql "DELETE FROM result WHERE procedure_id = (SELECT id FROM procedure WHERE code = 'VPR-2030-MA-9')"

# --- slow clients do not block others
exec 3<>/dev/tcp/127.0.0.1/"${URL##*:}"
printf 'GET / HTTP/1.1\r\nHost: x\r\n' >&3
start=$(date +%s%N)
get admin /
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
exec 3>&-
expect_eq "a slow client does not block a request" "$code" 200
check "request answered in under 2 s beside a slow client (${elapsed} ms)" test "$elapsed" -lt 2000

# --- API tokens
token=$("$OKO" user token reg --label test 2>/dev/null)
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $token" "$URL/api/v1/me")
expect_eq "API token authenticates" "$code" 200
expect_grep "API answers JSON" "$T/body" '"login":"reg"'
code=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $(printf 'f%.0s' $(seq 64))" "$URL/api/v1/me")
expect_eq "a wrong token is refused" "$code" 403

# --- logout ends the session; audit log records
post reg /logout
expect_eq "logout redirects" "$code" 303
get reg /
expect_eq "after logout the cookie is dead" "$code" 303
expect_eq "logins audited" "$(sql "SELECT CASE WHEN count(*) > 5 THEN 1 ELSE 0 END FROM audit WHERE action = 'login'")" 1
expect_eq "failed logins audited" "$(sql "SELECT count(*) FROM audit WHERE action = 'login_failed'")" 2

# --- hardening found by review
code=$(curl -s -o /dev/null -D "$T/h" -w '%{http_code}' --data-urlencode login=reg --data-urlencode password=password-reg --data-urlencode "next=/	/evil.example" "$URL/login")
expect_grep "a tab in next cannot redirect off the site" "$T/h" "Location: /"
grep -q "evil" "$T/h" && fail "open redirect after login" || ok "no open redirect after login"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$URL/schools")
expect_eq "an API key does not open pages" "$code" 303
head -c $((2 * 1024 * 1024)) /dev/zero >"$T/anon.bin"
before_tmp=$(ls /tmp | grep -c oko-upload || true)
code=$(curl -s -o /dev/null -w '%{http_code}' -F "file=@$T/anon.bin" "$URL/upload")
expect_eq "an anonymous upload is refused before its body" "$code" 403
code=$(curl -s -o /dev/null -w '%{http_code}' -F "file=@$T/anon.bin" "$URL/logout")
expect_eq "a file posted to a route without files is refused" "$code" 403
expect_eq "no spooled file left by refused posts" "$(ls /tmp | grep -c oko-upload || true)" "$before_tmp"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$T/sch.jar" -H "Content-Length: 999999999" --data-binary "x" "$URL/upload" 2>/dev/null)
expect_eq "a declared length over the cap is refused at once" "$code" 413

# --- a coordinator bound to a region sees only its region's actions in the audit log
"$OKO" user add reg2 --role region --scope "Алтайский край" --name "reg2" --password password-reg2 >/dev/null
login reg2 password-reg2
get reg2 /audit
expect_eq "a region-bound coordinator opens the audit log" "$code" 200
grep -q "<td>неудачная попытка входа</td>" "$T/body" && fail "anonymous failed logins hidden from a region-bound coordinator" || ok "anonymous failed logins hidden from a region-bound coordinator"
expect_grep "its region's users' actions are shown" "$T/body" "<td>mun</td><td>вход в систему</td>"
get admin /audit
expect_grep "the administrator sees failed logins" "$T/body" "<td>неудачная попытка входа</td>"

# --- a new login ends the session the browser came with
cp "$T/mun.jar" "$T/mun-old.jar"
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$T/mun.jar" -c "$T/mun.jar" --data-urlencode login=mun --data-urlencode password=password-mun "$URL/login")
get mun-old /
expect_eq "the previous session is dead after a new login" "$code" 303
get mun /
expect_eq "the new one works" "$code" 200

# --- behind a TLS proxy cookies can always be Secure
"$OKO" serve --listen 127.0.0.1:0 --secure-cookies >"$T/serve2.log" 2>&1 &
pid2=$!
for _ in $(seq 100); do
	p2=$(grep -o 'слушает http://127.0.0.1:[0-9]*' "$T/serve2.log" | grep -o '[0-9]*$'); [ -n "$p2" ] && break; sleep 0.05
done
curl -s -o /dev/null -D "$T/h2" --data-urlencode login=admin --data-urlencode password=password-admin "http://127.0.0.1:$p2/login"
kill $pid2; wait $pid2 2>/dev/null
expect_grep "--secure-cookies marks the session cookie Secure" "$T/h2" "SameSite=Strict; Max-Age=43200; Secure"

# --- throttling after repeated failures
for i in 1 2 3 4 5; do try_login sch wrong-$i; done
try_login sch wrong-6
expect_eq "throttled after five failures" "$code" 429
expect_grep "throttle explained" "$T/body" "Слишком много неудачных попыток"

# --- graceful shutdown
kill -TERM $SERVER_PID
wait $SERVER_PID
expect_eq "server exits cleanly on SIGTERM" "$?" 0
expect_grep "shutdown logged" "$T/serve.log" "остановлено"
echo "1..$_n"
