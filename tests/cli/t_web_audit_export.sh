#!/bin/bash
# The journal's export (/audit?format=csv|xlsx, issue 21) is kept in parts of ids and only
# the entries after the last full part are written per export: every export still holds
# every entry up to its request, in the order they were written (an earlier export's rows
# are the first rows of a later one), the filter's only; an entry that lands late among kept
# ids (on PostgreSQL a transaction may commit an id below one already seen) is in the next
# export; the XLSX holds the CSV's cells, in a workbook spreadsheet programs read.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

"$OKO" demo --schools 10 --municipalities 1 --seed 3 >/dev/null 2>&1 || fail "oko demo"
start_server
login admin oko-demo-2026

# N entries of a made-up action, objects o<K>, after those the demo wrote (parts are 128 ids).
add() { # FROM TO
	sql "INSERT INTO audit(user_login, action, object, detail) SELECT 'admin', 'something_new', 'o' || i,
		'деталь & <' || i || '>' FROM (WITH RECURSIVE n(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM n
		WHERE i < $2) SELECT i FROM n) x" >/dev/null
}
# The rows of a CSV or XLSX export, one line each, cells between '|'.
rows() {
	python3 -c 'import csv, html, re, signal, sys, zipfile
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
p = sys.argv[1]
if open(p, "rb").read(2) == b"PK":
    z = zipfile.ZipFile(p)
    assert z.testzip() is None, "a bad checksum"
    x = z.read("xl/worksheets/sheet1.xml").decode()
    width = 0
    for row in re.findall(r"<row[^>]*>(.*?)</row>", x):
        cells = {}
        for ref, body in re.findall(r"<c r=\"([A-Z]+)\d+\"[^>]*?(?:/>|>(.*?)</c>)", row):
            col = 0
            for ch in ref:
                col = col * 26 + ord(ch) - 64
            cells[col - 1] = html.unescape(re.sub(r"<[^>]+>", "", body))
        width = width or max(cells) + 1
        print("|".join(cells.get(i, "") for i in range(width)))
else:
    for r in csv.reader(open(p, encoding="utf-8", newline="")):
        print("|".join(r))' "$1"
}
objects() { rows "$1" 2>/dev/null | awk -F'|' '$4 ~ /^o[0-9]+$/ { print $4 }'; }
want() { sql "SELECT object FROM audit WHERE object LIKE 'o%' ORDER BY id"; }
total() { sql "SELECT count(*) FROM audit"; }

add 1 700
get admin "/audit?format=csv"
cp "$T/body" "$T/e1.csv"
expect_eq "the first export answers" "$code" 200
expect_eq "… every entry up to the request, in the order written" "$(objects "$T/e1.csv" | md5sum)" "$(want | md5sum)"
expect_eq "… and nothing else (the export's own entry comes after it)" "$(($(rows "$T/e1.csv" | wc -l) - 1))" $(($(total) - 1))

add 701 1000
get admin "/audit?format=csv"
cp "$T/body" "$T/e2.csv"
expect_eq "a second export: kept parts and the new entries, in order" "$(objects "$T/e2.csv" | md5sum)" "$(want | md5sum)"
expect_eq "… all of them" "$(($(rows "$T/e2.csv" | wc -l) - 1))" $(($(total) - 1))
expect_eq "… the first export's rows are its first ones, the same" \
	"$(rows "$T/e2.csv" | head -n "$(rows "$T/e1.csv" | wc -l)" | md5sum)" "$(rows "$T/e1.csv" | md5sum)"

get admin "/audit?format=xlsx"
cp "$T/body" "$T/e3.xlsx"
expect_eq "the XLSX export is a workbook" "$(head -c 2 "$T/e3.xlsx")" PK
expect_eq "… with every entry, in the order written" "$(objects "$T/e3.xlsx" | md5sum)" "$(want | md5sum)"
get admin "/audit?format=csv"
cp "$T/body" "$T/e4.csv"
expect_eq "… the same cells as the CSV export after it (less that export's own entry)" \
	"$(rows "$T/e3.xlsx" | md5sum)" "$(rows "$T/e4.csv" | sed '$d' | md5sum)"
expect_eq "… headers in Russian" "$(rows "$T/e3.xlsx" | head -1)" "Когда|Кто|Действие|Объект|Подробности|Адрес"
expect_grep "… and the details as written" <(rows "$T/e3.xlsx") "деталь & <700>"

# An entry that lands among ids already kept is in the next export.
late=$(sql "SELECT id FROM audit WHERE object = 'o300'")
sql "DELETE FROM audit WHERE id = $late" >/dev/null
get admin "/audit?format=csv"
if grep -q ',o300,' "$T/body"; then fail "a removed entry still exported"; else ok "an export without o300"; fi
sql "INSERT INTO audit(id, user_login, action, object) VALUES ($late, 'admin', 'something_new', 'o300')" >/dev/null
get admin "/audit?format=csv"
expect_eq "an entry landing late among kept ids is in the next export, in its place" \
	"$(objects "$T/body" | md5sum)" "$(want | md5sum)"
get admin "/audit?format=xlsx"
expect_eq "… in the XLSX too" "$(objects "$T/body" | md5sum)" "$(want | md5sum)"
expect_eq "… whose rows and cells are numbered in order (what spreadsheet programs expect)" \
	"$(python3 -c 'import re, sys, zipfile
x = zipfile.ZipFile(sys.argv[1]).read("xl/worksheets/sheet1.xml").decode()
rows = re.findall(r"<row r=\"(\d+)\">(.*?)</row>", x)
ok = [int(r) for r, _ in rows] == list(range(1, len(rows) + 1)) and all(
    re.fullmatch(r"[A-F]" + r, ref) for r, body in rows for ref in re.findall(r"<c r=\"([A-Z]+\d+)\"", body))
print("numbered" if ok and len(rows) > 1000 else "not")' "$T/body")" numbered

get admin "/audit?action=something_new&q=o9&format=csv"
expect_eq "a filtered export: only its entries, in order" "$(objects "$T/body" | md5sum)" \
	"$(sql "SELECT object FROM audit WHERE object LIKE 'o9%' ORDER BY id" | md5sum)"
# The kept rows outlive a change of the content that leaves the scope's users alone (an
# upload, a plan, an analysis): an entry's row depends only on its stored fields, so a
# detail altered here by hand (nothing in oko ever does) is still exported as it was kept.
get admin "/audit?format=csv"
sql "UPDATE audit SET detail = 'изменено вручную' WHERE object = 'o5'" >/dev/null
sql "UPDATE content_rev SET n = n + 1" >/dev/null
get admin "/audit?format=csv"
expect_grep "the kept rows outlive a change of the content elsewhere" "$T/body" "деталь & <5>"

# The moments are the region's: a new zone writes the kept rows again in it.
when() { rows "$1" 2>/dev/null | awk -F'|' '$4 == "o5" { print $1 }'; }
get admin "/audit?format=csv"
before=$(when "$T/body")
post admin /settings --data-urlencode zone=Asia/Vladivostok
expect_eq "the zone changed" "$code" 200
get admin "/audit?format=csv"
expect_eq "a new zone: the kept rows' moments in it (7 hours east of Moscow)" "$(when "$T/body")" \
	"$(python3 -c 'import datetime, sys
t = datetime.datetime.strptime(sys.argv[1], "%d.%m.%Y %H:%M") + datetime.timedelta(hours=7)
print(t.strftime("%d.%m.%Y %H:%M"))' "$before")"
post admin /settings --data-urlencode zone=Europe/Moscow

# A regional coordinator bound to his region exports the entries of its users (a school's
# user among them, not the administrator); a user who leaves the territory takes his
# entries out of the next export, kept rows or not.
sql "UPDATE \"user\" SET region_id = 1 WHERE login = 'region'" >/dev/null
school=$(sql "SELECT id FROM \"user\" WHERE login = 'school'")
sql "INSERT INTO audit(user_id, user_login, action, object) SELECT $school, 'school', 'something_new',
	's' || i FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
	SELECT i FROM n) x" >/dev/null
sql "UPDATE content_rev SET n = n + 1" >/dev/null
ours() { rows "$1" 2>/dev/null | awk -F'|' '$4 ~ /^s[0-9]+$/' | wc -l; }
login region oko-demo-2026
get region "/audit?format=csv"
expect_eq "a region's export: its school's user's entries" "$(ours "$T/body")" 300
expect_eq "… and not the administrator's" "$(objects "$T/body" | wc -l)" 0
get region "/audit?format=csv"
expect_eq "… the same in the next export, from kept rows" "$(ours "$T/body")" 300
# (the content version left alone here: the users alone decide)
sql "UPDATE \"user\" SET role = 'expert', school_id = NULL WHERE login = 'school'" >/dev/null
get region "/audit?format=csv"
expect_eq "a user moved out of the territory: none of his entries in its export" "$(ours "$T/body")" 0
echo "1..$_n"
