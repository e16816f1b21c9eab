#!/bin/bash
# The administrator's and the registry's tasks in the browser (issue 18): users edited,
# blocked, given a new password and deleted with their refusals (the last administrator,
# oneself, a weak password); the audit log in Russian with its filter and an export equal to
# the filtered page; the registry's search without case (Cyrillic too), natural order,
# export in the columns of schools.csv, schools and municipalities added and edited; /pupils
# without links that answer 404; /favicon.ico.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

run_oko demo --schools 60 --municipalities 4 --seed 7
expect_eq "demo runs" "$rc" 0
PW=oko-demo-2026
start_server
for u in admin region mun school; do login $u $PW; done

# The text a person reads on the page: tags and attributes taken off.
visible() { sed -e 's/<[^>]*>/ /g' "$T/body"; }

# --- the favicon
code=$(curl -s -o "$T/icon" -D "$T/headers" -w '%{http_code}' "$URL/favicon.ico")
expect_eq "/favicon.ico answers 200 without a login" "$code" 200
expect_grep "it is an icon" "$T/headers" "Content-Type: image/vnd.microsoft.icon"
expect_eq "an ICO file" "$(head -c 4 "$T/icon" | od -An -tx1 | tr -d ' ')" 00000100

# --- users: add, with a weak password refused
MUN=$(sql "SELECT m.name FROM \"user\" u JOIN municipality m ON m.id = u.municipality_id WHERE u.login = 'mun'")
MUN_ID=$(sql "SELECT municipality_id FROM \"user\" WHERE login = 'mun'")
post admin /users --data-urlencode login=t1 --data-urlencode "name=Тест Один" --data-urlencode role=school \
	--data-urlencode scope_school=sch990002 --data-urlencode password=qwerty2024
expect_eq "a weak password is refused" "$code" 400
expect_grep "with the reason" "$T/body" "пароль"
expect_eq "nothing stored" "$(sql "SELECT count(*) FROM \"user\" WHERE login = 't1'")" 0
post admin /users --data-urlencode login=t1 --data-urlencode "name=Тест Один" --data-urlencode role=school \
	--data-urlencode scope_school=sch990002 --data-urlencode password=Zebra-Lamp-7731
expect_eq "a user added with the school from the list" "$code" 200
expect_eq "bound to the school" "$(sql "SELECT s.login FROM \"user\" u JOIN school s ON s.id = u.school_id WHERE u.login = 't1'")" sch990002
get admin /users
expect_grep "the territory is a list of municipalities" "$T/body" "<select name=\"scope_municipality\">"
expect_grep "the schools are offered to search" "$T/body" "<option value=\"sch990002\">"
expect_grep "each user links to its page" "$T/body" 'href="/users/edit?user=t1"'

# --- edit
post admin /users/edit --data-urlencode user=t1 --data-urlencode "name=Тест Первый" \
	--data-urlencode role=municipality --data-urlencode "scope_municipality=$MUN"
expect_eq "edited" "$code" 200
expect_eq "name, role and territory stored" \
	"$(sql "SELECT name || '|' || role || '|' || municipality_id || '|' || coalesce(school_id, 0) FROM \"user\" WHERE login = 't1'")" \
	"Тест Первый|municipality|$MUN_ID|0"
post admin /users/edit --data-urlencode user=t1 --data-urlencode "name=Тест" --data-urlencode role=municipality \
	--data-urlencode "scope_municipality=Нет такого района"
expect_eq "an unknown territory is refused" "$code" 400
expect_grep "and said so" "$T/body" "не найден в реестре"
expect_eq "nothing changed" "$(sql "SELECT name FROM \"user\" WHERE login = 't1'")" "Тест Первый"
post admin /users/edit --data-urlencode user=t1 --data-urlencode "name=Тест" --data-urlencode role=school
expect_eq "a school role without a school is refused" "$code" 400

# --- passwords
post admin /users/password --data-urlencode user=t1 --data-urlencode password=1234567890
expect_eq "a weak new password is refused" "$code" 400
expect_grep "the rule is said" "$T/body" "class=\"alert\""
post admin /users/password --data-urlencode user=t1 --data-urlencode password=Copper-Vine-4408
expect_eq "a typed password set" "$code" 200
try_login t1 Copper-Vine-4408
expect_eq "t1 logs in with it" "$code" 303
post admin /users/password --data-urlencode user=t1 --data-urlencode generate=1
expect_eq "a generated password set" "$code" 200
GEN=$(grep -o '<code class="password">[^<]*' "$T/body" | sed 's/.*>//')
check "the generated password is shown once" test -n "$GEN"
try_login t1 Copper-Vine-4408
expect_eq "the old one no longer works" "$code" 403
login t1 "$GEN"
expect_eq "the generated one works" "$code" 303

# --- block and unblock
post admin /users/block --data-urlencode user=t1 --data-urlencode blocked=1
expect_eq "blocked" "$code" 200
expect_eq "stored" "$(sql "SELECT disabled FROM \"user\" WHERE login = 't1'")" 1
get t1 /
expect_eq "the blocked user's session is over" "$code" 303
try_login t1 "$GEN"
expect_eq "and it cannot log in" "$code" 403
post admin /users/block --data-urlencode user=t1 --data-urlencode blocked=0
expect_eq "unblocked" "$(sql "SELECT disabled FROM \"user\" WHERE login = 't1'")" 0
try_login t1 "$GEN"
expect_eq "logs in again" "$code" 303

# --- the last administrator and oneself
post admin /users/delete --data-urlencode user=admin
expect_eq "the last administrator cannot be deleted" "$code" 400
expect_grep "said why" "$T/body" "последний действующий администратор"
post admin /users/block --data-urlencode user=admin --data-urlencode blocked=1
expect_eq "nor blocked" "$code" 400
post admin /users/edit --data-urlencode user=admin --data-urlencode "name=А" --data-urlencode role=region
expect_eq "nor demoted" "$code" 400
expect_eq "still an enabled admin" "$(sql "SELECT role || disabled FROM \"user\" WHERE login = 'admin'")" admin0
post admin /users --data-urlencode login=admin2 --data-urlencode "name=Второй" --data-urlencode role=admin \
	--data-urlencode password=Harbor-Kite-5150
post admin /users/delete --data-urlencode user=admin
expect_eq "with a second administrator, deleting oneself is still refused" "$code" 400
expect_grep "as oneself" "$T/body" "самого себя"
post admin /users/block --data-urlencode user=admin --data-urlencode blocked=1
expect_eq "and blocking oneself" "$code" 400
post admin /users/delete --data-urlencode user=admin2
expect_eq "the second administrator deleted" "$code" 200

# --- delete; the audit keeps the login
post admin /users/delete --data-urlencode user=t1
expect_eq "t1 deleted" "$code" 200
expect_eq "gone" "$(sql "SELECT count(*) FROM \"user\" WHERE login = 't1'")" 0
expect_eq "the audit log keeps its login" "$(sql "SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM audit WHERE user_login = 't1' AND action = 'login'")" 1
post admin /users/delete --data-urlencode user=t1
expect_eq "deleting it again: not found" "$code" 404
post region /users/delete --data-urlencode user=school
expect_eq "a coordinator cannot delete users" "$code" 403
# A user the data mentions (the demo's expert has re-checks): refused, the whole reason said.
post admin /users/delete --data-urlencode user=expert
expect_eq "a user the data mentions is not deleted" "$code" 400
expect_grep "… and the refusal is said to its end" "$T/body" "Такого пользователя можно заблокировать, но не удалить."
post admin /users/edit --data-urlencode user=school --data-urlencode "name=Школа" --data-urlencode role=school \
	--data-urlencode "scope_school=Нет такой школы"
expect_grep "an unknown school: «не найдена»" "$T/body" "школа с логином «Нет такой школы» не найдена в реестре"

# --- the audit log in Russian
get admin /audit
expect_eq "audit opens" "$code" 200
visible > "$T/text"
expect_grep "actions in Russian" "$T/text" "добавлен пользователь"
expect_grep "blocking in Russian" "$T/text" "пользователь заблокирован"
for id in user_add login_failed user_block user_passwd upload; do
	grep -q "$id" "$T/text" && fail "no identifier $id in the text" || ok "no identifier $id in the text"
done
grep -qE '[0-9]{4}-[0-9]{2}-[0-9]{2}T' "$T/text" && fail "no ISO moments" || ok "no ISO moments"
sql "INSERT INTO audit(user_login, action) VALUES ('admin', 'something_new')"
sql "INSERT INTO audit(user_login, action, object, detail) VALUES ('admin', 'recheck_done', '337', 'проверка 2')"
get admin /audit
expect_grep "an unknown action is «другое действие»" "$T/body" "<td>другое действие</td>"
expect_grep "a detail in Russian shows as written (it once came out as «�» byte by byte)" "$T/body" "<td>проверка 2</td>"
# Every action the code writes (the action argument of each audit_add call in src/) has a
# title in the users' words: none reads «другое действие».
SRC=$(cd "$(dirname "$0")/../../src" && pwd)
perl -e "$(cat <<'PERL'
# The action argument (the fourth) of every audit_add call in the C files named: its string
# literals, one a line (a ternary gives both).
local $/;
for my $f (@ARGV) {
	open my $h, '<', $f or die; my $s = <$h>;
	while ($s =~ /\baudit_add\s*\(/g) {
		my $i = pos($s); my ($d, @args, $cur) = (1); $cur = '';
		while ($d > 0 && $i < length $s) {
			my $c = substr($s, $i++, 1);
			if ($c eq '"') { my $j = $i; $j++ while substr($s, $j, 1) ne '"' || substr($s, $j - 1, 1) eq '\\'; $cur .= substr($s, $i - 1, $j - $i + 2); $i = $j + 1; next }
			$d++ if $c eq '('; $d-- if $c eq ')';
			if ($d == 1 && $c eq ',') { push @args, $cur; $cur = ''; next }
			$cur .= $c if $d > 0;
		}
		push @args, $cur;
		next unless @args >= 4;
		print "$1\n" while $args[3] =~ /"([a-z][a-z_0-9]*)"/g;
	}
}
PERL
)" $(grep -rl audit_add "$SRC" --include=*.c) | sort -u >"$T/actions"
expect_eq "the actions found in the source" "$(( $(wc -l <"$T/actions") > 50 ))" 1
while read -r a; do sql "INSERT INTO audit(user_login, action, object) VALUES ('admin', '$a', 'probe-$a')" >/dev/null; done <"$T/actions"
curl -s -b "$T/admin.jar" -o "$T/audit.csv" "$URL/audit?format=csv"
untitled=$(grep ',probe-' "$T/audit.csv" | grep 'другое действие' | grep -o 'probe-[a-z_0-9]*' | paste -sd' ')
expect_eq "every action the code writes has a title" "$untitled" ""
sql "DELETE FROM audit WHERE object LIKE 'probe-%'" >/dev/null
get admin "/audit?action=user_add"
rows=$(grep -o '<tr><td>' "$T/body" | wc -l)
expect_eq "the filter by action: user_add rows only" "$rows" "$(sql "SELECT count(*) FROM audit WHERE action = 'user_add'")"
expect_grep "the count said" "$T/body" "$rows"$'\u00a0'"запис"
get admin "/audit?action=user_add&format=csv"
expect_eq "the export answers" "$code" 200
expect_eq "the export's rows equal the page's" "$(($(wc -l < "$T/body") - 1))" "$rows"
expect_grep "the export in Russian" "$T/body" "добавлен пользователь"
get admin "/audit?who=t1"
expect_eq "the filter by user" "$(grep -o '<tr><td>' "$T/body" | wc -l)" "$(sql "SELECT count(*) FROM audit WHERE user_login = 't1'")"
get admin "/audit?q=%D0%97%D0%90%D0%91%D0%9B%D0%9E%D0%9A%D0%98%D0%A0%D0%9E%D0%92%D0%90%D0%9D"
expect_eq "the text search folds case («ЗАБЛОКИРОВАН»)" "$(grep -o '<tr><td>' "$T/body" | wc -l)" 1
get admin "/audit?from=2000-01-01&to=2000-01-31"
expect_grep "a date range with nothing in it" "$T/body" "Записей с такими условиями нет"
TODAY=$(date -u +%Y-%m-%d)
get admin "/audit?from=$(date -u -d yesterday +%Y-%m-%d)&to=$(date -u -d tomorrow +%Y-%m-%d)&action=user_delete"
expect_eq "a date range around today" "$(grep -o '<tr><td>' "$T/body" | wc -l)" 2
get admin "/audit?action=user_add&format=xlsx"
expect_eq "the XLSX export" "$(head -c 2 "$T/body")" PK
get admin "/audit?from=31.02.2021"
expect_eq "a wrong date refused" "$code" 400

# --- the registry: add, edit, search, order, export
get mun /schools/new
expect_eq "a municipal coordinator does not add schools" "$code" 403
post region /schools/new --data-urlencode login=sch777001 --data-urlencode "name=МБОУ «СОШ с. Табуны»" \
	--data-urlencode municipality="$MUN_ID" --data-urlencode kind=СОШ --data-urlencode settlement=село
expect_eq "a school added" "$code" 303
expect_eq "stored" "$(sql "SELECT name || '|' || kind || '|' || settlement || '|' || municipality_id FROM school WHERE login = 'sch777001'")" \
	"МБОУ «СОШ с. Табуны»|СОШ|село|$MUN_ID"
post region /schools/new --data-urlencode login=sch777001 --data-urlencode "name=Другая" \
	--data-urlencode municipality="$MUN_ID" --data-urlencode kind=СОШ
expect_eq "a login in use refused" "$code" 400
expect_grep "said so" "$T/body" "занят"
post region /schools/new --data-urlencode login=sch777002 --data-urlencode "name=" \
	--data-urlencode municipality="$MUN_ID" --data-urlencode kind=СОШ
expect_eq "a school without a name refused" "$code" 400
post region /schools/new --data-urlencode login=sch777002 --data-urlencode "name=Школа" --data-urlencode kind=СОШ
expect_eq "a school without a municipality refused" "$code" 400
post region /schools/new --data-urlencode login="bad login" --data-urlencode "name=Школа" \
	--data-urlencode municipality="$MUN_ID" --data-urlencode kind=СОШ
expect_eq "a bad login refused" "$code" 400
expect_eq "nothing stored by the refusals" "$(sql "SELECT count(*) FROM school WHERE login IN ('sch777002', 'bad login')")" 0
post region /schools/sch777001/edit --data-urlencode "name=МБОУ «СОШ с. Табуны» им. Героя" \
	--data-urlencode municipality="$MUN_ID" --data-urlencode kind=СОШ --data-urlencode indepth=1 \
	--data-urlencode "address=с. Табуны, ул. Школьная, 1"
expect_eq "a school edited" "$code" 303
expect_eq "stored" "$(sql "SELECT indepth || '|' || address FROM school WHERE login = 'sch777001'")" "1|с. Табуны, ул. Школьная, 1"
post region /schools/sch777001/edit --data-urlencode "name=" --data-urlencode municipality="$MUN_ID" --data-urlencode kind=СОШ
expect_eq "an edit without a name refused" "$code" 400
post region /schools/sch777001/edit --data-urlencode "name=Х" --data-urlencode municipality="$MUN_ID" \
	--data-urlencode kind=СОШ --data-urlencode settlement=хутор
expect_eq "an unknown settlement refused" "$code" 400
get admin "/schools?q=%D1%82%D0%B0%D0%B1%D1%83%D0%BD%D1%8B"
expect_grep "«табуны» finds «Табуны»" "$T/body" 'href="/schools/sch777001"'
get admin "/schools?q=%D0%A2%D0%90%D0%91%D0%A3%D0%9D%D0%AB"
expect_grep "so does «ТАБУНЫ»" "$T/body" 'href="/schools/sch777001"'
get admin "/schools?q=%D1%81%D0%BE%D1%88%20%E2%84%96&sort=name"
grep -o '">МБОУ «СОШ № [0-9]*»' "$T/body" | grep -o '[0-9]*' > "$T/order"
check "natural order: № 2 before № 10" test "$(grep -n '^2$' "$T/order" | head -1 | cut -d: -f1)" -lt "$(grep -n '^10$' "$T/order" | head -1 | cut -d: -f1)"
check "numbers ascending throughout" sort -n -c "$T/order"
get admin "/schools/export?format=csv"
expect_eq "the registry export" "$code" 200
expect_eq "the columns of schools.csv" "$(head -1 "$T/body" | tr -d '\r')" "login,name,municipality,region,kind,settlement,indepth,address"
expect_eq "every school" "$(($(wc -l < "$T/body") - 1))" "$(sql "SELECT count(*) FROM school")"
get admin "/schools/export?format=csv&q=%D1%82%D0%B0%D0%B1%D1%83%D0%BD%D1%8B"
expect_eq "the export follows the search" "$(($(wc -l < "$T/body") - 1))" "$(sql "SELECT count(*) FROM school WHERE name LIKE '%Табуны%'")"
get admin "/schools/export?format=csv&municipality=$MUN_ID"
cp "$T/body" "$T/export.csv"
get admin "/schools/export?format=xlsx"
expect_eq "the XLSX export" "$(head -c 2 "$T/body")" PK
COPY_DB=$(new_db copy)
OKO_DB=$COPY_DB "$OKO" init >/dev/null
OKO_DB=$COPY_DB "$OKO" import schools "$T/export.csv" >/dev/null 2>&1
expect_eq "the export is read back by oko import schools" \
	"$(OKO_DB=$COPY_DB sql "SELECT count(*) || ' ' || sum(indepth) FROM school")" \
	"$(sql "SELECT count(*) || ' ' || sum(indepth) FROM school WHERE municipality_id = $MUN_ID")"

# --- municipalities
REG=$(sql "SELECT region_id FROM municipality WHERE id = $MUN_ID")
post region /municipalities --data-urlencode region="$REG" --data-urlencode "name=Новый район"
expect_eq "a municipality added" "$code" 200
NEW_ID=$(sql "SELECT id FROM municipality WHERE name = 'Новый район'")
check "stored" test -n "$NEW_ID"
post region /municipalities --data-urlencode region="$REG" --data-urlencode "name=Новый район"
expect_eq "a duplicate refused" "$code" 400
post region /municipalities --data-urlencode id="$NEW_ID" --data-urlencode "name=Новейший район"
expect_eq "renamed" "$(sql "SELECT name FROM municipality WHERE id = $NEW_ID")" "Новейший район"
post region /municipalities --data-urlencode id="$NEW_ID" --data-urlencode "name=$MUN"
expect_eq "a rename onto another's name refused" "$code" 400
post mun /municipalities --data-urlencode id="$NEW_ID" --data-urlencode "name=Х"
expect_eq "a municipal coordinator does not rename" "$code" 403

# --- the school card links to its evidence card when it is in the latest run
TOP=$(sql "SELECT s.login FROM school_risk k JOIN school s ON s.id = k.school_id
	WHERE k.run_id = (SELECT max(id) FROM analysis_run) ORDER BY k.rank LIMIT 1")
get region "/schools/$TOP"
expect_grep "the card of a top-risk school links to its evidence" "$T/body" "href=\"/risk/$TOP\""
get region /schools/sch777001
grep -q 'href="/risk/' "$T/body" && fail "a school outside the run has no such link" || ok "a school outside the run has no such link"

# --- /pupils: no links that answer 404
post admin /users --data-urlencode login=newsch --data-urlencode "name=Новая школа" --data-urlencode role=school \
	--data-urlencode scope_school=sch777001 --data-urlencode password=Maple-Drum-2961
login newsch Maple-Drum-2961
get newsch /pupils
expect_eq "/pupils of a school without pupils" "$code" 200
grep -q '\.pdf' "$T/body" && fail "no PDF links without pupils" || ok "no PDF links without pupils"
bad=0
for href in $(grep -o 'href="/[^"]*"' "$T/body" | sed 's/^href="//; s/"$//; s/&amp;/\&/g' | sort -u); do
	get newsch "$href"
	[ "$code" = 404 ] && { bad=1; echo "# 404: $href"; }
done
expect_eq "no link on it answers 404" "$bad" 0
post newsch /pupils --data-urlencode class=4А --data-urlencode surname=Иванов --data-urlencode name=Иван
get newsch /pupils
grep -q '\.pdf' "$T/body" && fail "no PDF links while a pupil has no code" || ok "no PDF links while a pupil has no code"
expect_grep "and the page says why" "$T/body" "без кода 1 ученик"
post newsch /pupils/codes
get newsch /pupils
hrefs=$(grep -o 'href="/pupils/[a-z]*\.pdf[^"]*"' "$T/body" | sed 's/^href="//; s/"$//; s/&amp;/\&/g')
expect_eq "with every pupil coded both PDFs are offered" "$(echo "$hrefs" | grep -c pdf)" 2
for href in $hrefs; do
	get newsch "$href"
	expect_eq "and $href prints" "$code" 200
done
echo "1..$_n"
