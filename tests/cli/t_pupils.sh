#!/bin/bash
# Pupils, participant codes, protected personal data and the printed documents: class-list
# import (atomic), stable codes, names never in the database file in plain text, never to
# regional/municipal users, exports or the API; PDFs with codes and Cyrillic names.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
"$OKO" import procedures "$DATA/procedures.csv" >/dev/null
"$OKO" import results "$DATA/results/canonical.csv" >/dev/null 2>&1

printf 'Список обучающихся;;;\n;;;\nКласс;Фамилия;Имя;Отчество\n4а;Уникальнова;Евлампия;Феоктистовна\n4 А;Петров;Пётр;\n5Б;Сидоров;Алексей;Олегович\n' >"$T/list.csv"
expect_ok "class list imported" pupils import "$T/list.csv" --school sch220206 --year 2021
expect_grep "three pupils added" "$T/out" "добавлено: 3"
test -f "$(db_file).key" && ok "key file created beside the database" || fail "no key file"
expect_eq "key file mode 0600" "$(stat -c %a "$(db_file).key")" 600
expect_ok "codes issued" codes issue --school sch220206 --year 2021
expect_grep "three codes" "$T/out" "выдано новых кодов: 3"
"$OKO" pupils list --school sch220206 --year 2021 >"$T/list1" 2>/dev/null
expect_grep "operator sees names" "$T/list1" "Уникальнова Евлампия Феоктистовна"
codes1=$(cut -d, -f2 "$T/list1" | tail -n +2 | sort | tr '\n' ' ')
expect_eq "grade-4 codes start with 4" "$(grep -c '^4А,4[0-9]\{4\},' "$T/list1")" 2
expect_eq "grade-5 code starts with 5" "$(grep -c '^5Б,5[0-9]\{4\},' "$T/list1")" 1
expect_eq "codes unique" "$(cut -d, -f2 "$T/list1" | tail -n +2 | sort -u | wc -l)" 3

# Stable: re-import and re-issue change no code; a new pupil gets a new one.
printf 'ФИО;Класс\nУникальнова Евлампия Феоктистовна;4А\nПетров Пётр;4а\nНовикова Анна Ивановна;10А\n' >"$T/list2.csv"
expect_ok "second list imported" pupils import "$T/list2.csv" --school sch220206 --year 2021
expect_grep "known pupils matched" "$T/out" "добавлено: 1, уже были: 2"
expect_ok "codes issued again" codes issue --school sch220206 --year 2021
expect_grep "one new code" "$T/out" "выдано новых кодов: 1"
"$OKO" pupils list --school sch220206 --year 2021 >"$T/list2" 2>/dev/null
codes2=$(grep -v '^10А' "$T/list2" | cut -d, -f2 | tail -n +2 | sort | tr '\n' ' ')
expect_eq "existing codes unchanged" "$codes2" "$codes1"
expect_eq "grade-10 code has 6 digits" "$(grep -c '^10А,10[0-9]\{4\},' "$T/list2")" 1

# Atomic import: one bad row changes nothing.
before=$(db_digest)
printf 'Класс,ФИО\n4А,Хороший Ученик\n12Я,Плохой Класс\n4Б,Иванов 123\n' >"$T/bad.csv"
expect_fail "bad list refused" pupils import "$T/bad.csv" --school sch220206 --year 2021
expect_grep "error names the row" "$T/err" "строка 3"
expect_grep "error names the class column" "$T/err" "Класс"
expect_grep "bad name explained" "$T/err" "буквы"
expect_eq "bad list changed nothing" "$(db_digest)" "$before"
printf 'Фамилия,Имя\nИванов,Иван\n' >"$T/nocls.csv"
expect_fail "list without class column refused" pupils import "$T/nocls.csv" --school sch220206

# No name in plain text in the database files.
# SQLite: the database file and its WAL; PostgreSQL: a dump of the whole database (what
# the server stores, as text).
if is_pg; then
	"$PG_BIN/pg_dump" --no-owner -d "$OKO_DB" >"$T/dump.sql" 2>/dev/null
	dbfiles=("$T/dump.sql")
else
	sqlite3 "$OKO_DB" 'PRAGMA wal_checkpoint(PASSIVE);' >/dev/null 2>&1
	dbfiles=("$OKO_DB" "$OKO_DB-wal")
fi
found=0
# A dump without the pupils' rows proves nothing: counted as a failure.
is_pg && ! grep -q '^COPY public.pupil ' "$T/dump.sql" && found=1
for f in "${dbfiles[@]}"; do
	[ -f "$f" ] && grep -qaF "Уникальнова" "$f" && found=1
	[ -f "$f" ] && grep -qaF "Феоктистовна" "$f" && found=1
done
expect_eq "no name in the .db or -wal file" "$found" 0
# Names of different lengths seal to one length: the ciphertext does not tell a name's length.
expect_eq "names of different lengths were imported" "$(sql "SELECT CASE WHEN count(*) > 2 THEN 1 ELSE 0 END FROM pupil")" 1
expect_eq "every sealed name has the same length" "$(sql "SELECT count(DISTINCT length(name_enc)) FROM pupil")" 1
expect_ok "keys repad runs" keys repad
expect_grep "and has nothing to re-seal in a new database" "$T/out" "перешифрованных теперь: 0"
# Without the key file names cannot be read.
mv "$(db_file).key" "$T/saved.key"
expect_fail "no names without the key file" pupils list --school sch220206 --year 2021
expect_grep "missing key explained" "$T/err" "нет файла ключа"
OKO_KEY_FILE="$T/saved.key" expect_ok "OKO_KEY_FILE points to the key" pupils list --school sch220206 --year 2021
mv "$T/saved.key" "$(db_file).key"
head -c 200 /dev/urandom | base64 >"$T/wrong.key"
OKO_KEY_FILE="$T/wrong.key" expect_fail "a wrong key file is refused" pupils list --school sch220206 --year 2021

# Key rotation keeps everything readable.
old=$(md5sum <"$(db_file).key")
expect_ok "master key rotated" keys rotate
test "$(md5sum <"$(db_file).key")" != "$old" && ok "key file replaced" || fail "key file not replaced"
"$OKO" pupils list --school sch220206 --year 2021 >"$T/list3" 2>/dev/null
expect_eq "names and codes survive rotation" "$(md5sum <"$T/list3")" "$(md5sum <"$T/list2")"

# PDFs.
expect_ok "slips printed" print slips --school sch220206 --year 2021 --out "$T/slips.pdf"
expect_ok "protocol printed" print protocol --school sch220206 --year 2021 --out "$T/protocol.pdf"
pdftotext "$T/slips.pdf" "$T/slips.txt"
pdftotext "$T/protocol.pdf" "$T/protocol.txt"
code=$(grep '^5Б' "$T/list2" | cut -d, -f2)
expect_grep "slips carry a code" "$T/slips.txt" "$code"
expect_grep "slips carry a Cyrillic name" "$T/slips.txt" "Уникальнова"
expect_grep "protocol carries the code" "$T/protocol.txt" "$code"
expect_grep "protocol carries the name" "$T/protocol.txt" "Сидоров Алексей Олегович"
expect_grep "protocol has its title" "$T/protocol.txt" "ПРОТОКОЛ СООТВЕТСТВИЯ КОДОВ И ФИО"
expect_eq "protocol: a page per class" "$(pdfinfo "$T/protocol.pdf" | awk '/^Pages:/ {print $2}')" 3
expect_ok "one class printed" print protocol --school sch220206 --year 2021 --class 4а --out "$T/p4.pdf"
expect_eq "one class: one page" "$(pdfinfo "$T/p4.pdf" | awk '/^Pages:/ {print $2}')" 1
# A long class: page breaks with the header repeated and page numbers.
L=(а б в г д е ж з и к)
{ echo 'Класс,ФИО'; for i in $(seq 10 69); do echo "7В,Ученик Номер${L[${i:0:1}]}${L[${i:1:1}]}"; done; } >"$T/big.csv"
"$OKO" pupils import "$T/big.csv" --school sch220206 --year 2021 >/dev/null 2>&1
"$OKO" codes issue --school sch220206 --year 2021 >/dev/null
expect_ok "long protocol printed" print protocol --school sch220206 --year 2021 --class 7В --out "$T/p7.pdf"
pages=$(pdfinfo "$T/p7.pdf" | awk '/^Pages:/ {print $2}')
[ "$pages" -ge 2 ] && ok "long class spans pages ($pages)" || fail "long class on $pages page"
pdftotext "$T/p7.pdf" "$T/p7.txt"
expect_eq "table header repeated on each page" "$(grep -c 'ФИО участника' "$T/p7.txt")" "$pages"
expect_grep "page numbers" "$T/p7.txt" "стр. 2 из $pages"
expect_ok "slips of 60 pupils" print slips --school sch220206 --year 2021 --class 7В --out "$T/s7.pdf"
expect_eq "16 slips a page" "$(pdfinfo "$T/s7.pdf" | awk '/^Pages:/ {print $2}')" 4
pdftotext "$T/s7.pdf" "$T/s7.txt"
expect_grep "slips: the grid's page count in the footers" "$T/s7.txt" "стр. 4 из 4"

# Exports carry codes only.
"$OKO" export results --procedure VPR-2021-MA-4 >"$T/export.csv" 2>/dev/null
grep -qF "Уникальнова" "$T/export.csv" && fail "export shows a name" || ok "export has no names"

# --- over HTTP
add() { "$OKO" user add "$1" --role "$2" ${3:+--scope "$3"} --name "$1 name" --password "password-$1" >/dev/null; }
add admin admin
add reg region
add mun municipality "г. Барнаул"
add sch school sch220206
add sch2 school edu223017
add exp expert
start_server
for u in admin reg mun sch sch2 exp; do login $u "password-$u"; done
get sch "/pupils?year=2021"
expect_eq "school sees its pupils page" "$code" 200
expect_grep "the page leads to the year before" "$T/body" '<a href="/pupils?year=2020">← 2019/20</a>'
expect_grep "… and to the year after" "$T/body" '<a href="/pupils?year=2022">2021/22 →</a>'
expect_grep "coordinator sees a name" "$T/body" "Уникальнова"
# A year without pupils (the link's target) is an empty list, not a crash: the list was
# sorted with qsort given NULL, which the sanitizer build stops on.
get sch "/pupils?year=2020"
expect_eq "a year without pupils opens" "$code" 200
expect_grep "… and says it has none" "$T/body" "Учеников: 0"
for who in admin reg mun exp; do
	for path in "/pupils?year=2021" "/pupils/slips.pdf?year=2021" "/pupils/protocol.pdf?year=2021"; do
		get $who "$path"
		expect_eq "$who GET $path → 403" "$code" 403
	done
done
get sch2 "/pupils?year=2021"
expect_eq "other school's coordinator opens its own page" "$code" 200
# A school without codes for a procedure is sent to the codes of that procedure's year.
get sch2 "/grid/VPR-2021-MA-4"
expect_grep "the grid without codes leads to the procedure's year" "$T/body" '<a href="/pupils?year=2021">Ученики и коды, 2020/21 учебный год</a>'
grep -qF "Уникальнова" "$T/body" && fail "other school sees a name" || ok "other school sees no name"
get sch2 "/pupils/protocol.pdf?year=2021"
grep -qaF "Уникальнова" "$T/body" && fail "other school's PDF has a name" || ok "other school's PDF has no name"
# No page or API of other roles shows a name.
leak=0
for who in admin reg mun; do
	for path in / /schools /schools/sch220206 /reports /api/v1/schools /api/v1/me /audit; do
		get $who "$path"
		grep -qF "Уникальнова" "$T/body" && { leak=1; echo "# $who $path"; }
		# A page that failed shows no name and proves nothing (the audit is not a district's).
		case "$code" in 200 | 403) ;; *) leak=1; echo "# $who $path: status $code" ;; esac
	done
done
expect_eq "no name on any page or API of admin/region/municipality (each shown)" "$leak" 0
tok=$("$OKO" user token reg 2>/dev/null | grep -o '[0-9a-f]\{64\}' | head -1)
c=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $tok" "$URL/pupils?year=2021")
expect_eq "API token of a regional user: pupils refused (keys open only the API: to the login page)" "$c" 303
grep -q "Уникальнова" "$T/body" && fail "no name through an API key" || ok "no name through an API key"
# PDFs over HTTP.
code=$(curl -s -o "$T/web.pdf" -w '%{http_code}' -b "$T/sch.jar" "$URL/pupils/protocol.pdf?year=2021&class=5%D0%91")
expect_eq "protocol PDF downloads" "$code" 200
pdftotext "$T/web.pdf" "$T/web.txt" 2>/dev/null
expect_grep "web protocol carries the name" "$T/web.txt" "Сидоров"
# Kept between requests (sealed in memory, src/web/rcache.c): the same bytes a second later,
# when a document made again would carry another /CreationDate; each download is journalled
# as its own; kept for its user only; made again after any change of the content.
# Another coordinator of the school, added first: adding a user is a change of the content.
add sch3 school sch220206
login sch3 password-sch3
sec=$(date +%S); sec=${sec#0}
[ "$sec" -lt 50 ] || sleep $((61 - sec))
prints() { sql "SELECT count(*) FROM audit WHERE action = 'print_protocol' AND user_login = '$1'"; }
p0=$(prints sch)
fetch_pdf() { curl -s -o "$2" -w '%{http_code}' -b "$T/$1.jar" "$URL/pupils/protocol.pdf?year=2021"; }
expect_eq "school's protocol" "$(fetch_pdf sch "$T/k1.pdf")" 200
sleep 1.2
expect_eq "school's protocol again" "$(fetch_pdf sch "$T/k2.pdf")" 200
cmp -s "$T/k1.pdf" "$T/k2.pdf" && ok "the second download is the kept first, byte for byte" ||
	fail "the second download was made again"
expect_eq "each download journalled" "$(prints sch)" $((p0 + 2))
expect_eq "another coordinator of the school, the same minute" "$(fetch_pdf sch3 "$T/k3.pdf")" 200
cmp -s "$T/k1.pdf" "$T/k3.pdf" && fail "another user got the first user's kept copy" ||
	ok "another user's copy is made for him"
pdftotext "$T/k3.pdf" - | grep -qF "Сидоров" && ok "… with the school's names" || fail "no names for sch3"
expect_eq "… and journalled under his name" "$(prints sch3)" 1
expect_eq "another school (no pupils) gets 404, not the kept copy" "$(fetch_pdf sch2 "$T/k4.pdf")" 404
grep -qaF "%PDF" "$T/k4.pdf" && fail "another school got a PDF" || ok "… and no PDF"
# Adding a pupil: CSRF required; then added.
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$T/sch.jar" --data-urlencode class=3В \
	--data-urlencode surname=Веб --data-urlencode name=Ученица "$URL/pupils")
expect_eq "add without CSRF refused" "$code" 403
post sch /pupils --data-urlencode year=2021 --data-urlencode class=3в --data-urlencode surname=Вебова \
	--data-urlencode name=Ученица --data-urlencode patronymic=""
expect_eq "pupil added over the web" "$code" 200
expect_grep "added pupil listed" "$T/body" "Вебова Ученица"
# A pupil without a code: the slips are refused on the pupils' page, saying why, with the
# way on (not a bare «Неверный запрос»).
get sch "/pupils/slips.pdf?year=2021"
expect_grep "slips with a pupil uncoded: said on the pupils' page" "$T/body" "Документ не построен: "
expect_grep "… with the button to issue the codes" "$T/body" "Выдать коды"
post sch /pupils --data-urlencode year=2021 --data-urlencode class=99Я --data-urlencode surname=Петрова --data-urlencode name=Анна
expect_eq "bad class refused" "$code" 400
expect_grep "… said beside the form" "$T/body" '<section class="card" id="add"><h2>Добавить ученика</h2><p class="'
expect_grep "… which keeps the surname typed" "$T/body" 'name="surname" required maxlength="80" value="Петрова"'
expect_grep "… the name" "$T/body" 'name="name" required maxlength="80" value="Анна"'
expect_grep "… and the class, to correct" "$T/body" 'value="99Я"'
post sch /pupils/codes --data-urlencode year=2021
expect_grep "codes issued over the web" "$T/body" "Выдано новых кодов: 1"
expect_eq "the protocol after a pupil was added and given a code" "$(fetch_pdf sch "$T/k5.pdf")" 200
pdftotext "$T/k5.pdf" - | grep -qF "Вебова" && ok "… is made again: it lists the new pupil" ||
	fail "the kept protocol was given after a change"
pupils_digest() { sql "SELECT id, class, code, hex(name_enc) FROM pupil ORDER BY id" | md5sum; }
before=$(pupils_digest)
upload sch /pupils/import -F year=2021 -F "file=@$T/bad.csv"
expect_eq "bad list upload refused" "$code" 400
expect_eq "bad upload changed no pupil" "$(pupils_digest)" "$before"
expect_grep "upload error names the row" "$T/body" "строка 3"
post reg /pupils/codes --data-urlencode year=2021
expect_eq "regional user cannot issue codes" "$code" 403
