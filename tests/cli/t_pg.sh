#!/bin/bash
# The two engines side by side: SQLite files made here and PostgreSQL databases of the
# cluster the harness runs (make check's PostgreSQL pass, or OKO_PG_HOST by hand). Checks
#  (a) `oko db schema` prints the same schema for both after init (also for an old SQLite
#      database whose index has the name migration 003 replaced), and not for a schema that
#      lacks an index;
#  (b) `oko analyze` writes byte-identical signs.csv, schools.csv, region.csv and
#      municipalities.csv from a generated region and from the real 2021 files on both;
#  (c) `oko db copy` SQLite → PostgreSQL → SQLite keeps every table's content and the files
#      beside the database; the copied PostgreSQL database takes new users and schools on
#      fresh ids and analyses to the same files;
#  (d) refusals: a target that holds data, an unknown or unreachable address, a source
#      whose key file is missing; a copy that fails half-way (a dangling reference) leaves
#      neither rows nor files behind.
. "$(dirname "$0")/lib.sh"

if ! is_pg; then
	skip "PostgreSQL is not available here (runs in the PostgreSQL pass of make check, or with OKO_PG_HOST set to a cluster's socket directory)"
	echo "1..$_n"
	exit 0
fi
PG=$OKO_DB   # this script's database (PostgreSQL), OKO_FILES=$T holds its files
unset OKO_DB # every command below names its database

FILES="signs.csv schools.csv region.csv municipalities.csv"

# content FILE: a digest of every table of a SQLite file, each table's rows in the order of
# its primary key (of all its columns when it has none), values as sqlite3 quotes them: a
# rowid table's physical order, which a copy need not keep, left out.
content() {
	local f=$1 t cols
	# content_rev is the content's version, not content: a copy's own writes move it.
	for t in $(sqlite3 "$f" "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'content_rev' ORDER BY name"); do
		cols=$(sqlite3 "$f" "SELECT group_concat('\"' || name || '\"', ', ') FROM (SELECT name FROM pragma_table_info('$t') WHERE pk > 0 ORDER BY pk)")
		[ -n "$cols" ] || cols=$(sqlite3 "$f" "SELECT group_concat('\"' || name || '\"', ', ') FROM pragma_table_info('$t')")
		echo "== $t"
		sqlite3 -cmd ".mode quote" "$f" "SELECT * FROM \"$t\" ORDER BY $cols"
	done | md5sum | cut -d' ' -f1
}

# counts DB: "table rows" per table, through the sql helper (either engine).
counts() {
	local t
	for t in $(OKO_DB=$S sql "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"); do
		echo "$t $(OKO_DB=$1 sql "SELECT count(*) FROM \"$t\"")"
	done
}

# same_outputs LABEL DIR1 DIR2: each analysis file byte for byte.
same_outputs() {
	local f
	for f in $FILES; do
		if [ -s "$2/$f" ] && cmp -s "$2/$f" "$3/$f"; then
			ok "$1: $f byte-identical on SQLite and PostgreSQL"
		else
			fail "$1: $f differs (or is missing) between SQLite and PostgreSQL"
			diff "$2/$f" "$3/$f" 2>&1 | head -5 | sed 's/^/# /'
		fi
	done
}

# ---- (a) the schema ----
S=$T/s.db
"$OKO" --db "$S" init >/dev/null
"$OKO" --db "$PG" init >/dev/null
"$OKO" --db "$S" db schema >"$T/schema_sqlite" 2>"$T/err"
"$OKO" --db "$PG" db schema >"$T/schema_pg" 2>>"$T/err"
latest=$(sqlite3 "$S" "PRAGMA user_version")
expect_eq "schema: first line is the version" "$(head -1 "$T/schema_pg")" "version	$latest"
expect_grep "schema: a partial unique index, its condition normalised" "$T/schema_pg" \
	"index	recheck_check	work_id, check_no	unique	where control = 0"
expect_grep "schema: a composite primary key" "$T/schema_pg" "column	result	code	text	not null	pk 3"
expect_grep "schema: a foreign key with its action" "$T/schema_pg" \
	"fk	act	procedure_id, school_id	plan_school(procedure_id, school_id)	on delete cascade	on update no action"
if cmp -s "$T/schema_sqlite" "$T/schema_pg"; then
	ok "schema: oko db schema identical on SQLite and PostgreSQL ($(wc -l <"$T/schema_pg") lines)"
else
	fail "schema: oko db schema differs between SQLite and PostgreSQL"
	diff "$T/schema_sqlite" "$T/schema_pg" | head -20 | sed 's/^/# /'
fi
# An old SQLite database keeps the index name migration 003 replaced: the same schema.
cp "$S" "$T/old.db"
sqlite3 "$T/old.db" "DROP INDEX session_by_user; CREATE INDEX session_user ON session(user_id)"
"$OKO" --db "$T/old.db" db schema >"$T/schema_old"
check "schema: an index under its old name is the same index" cmp -s "$T/schema_old" "$T/schema_pg"
# … and a missing index is a difference (the comparison can fail).
sqlite3 "$T/old.db" "DROP INDEX session_user"
"$OKO" --db "$T/old.db" db schema >"$T/schema_old"
if cmp -s "$T/schema_old" "$T/schema_pg"; then fail "schema: a dropped index went unnoticed"
else ok "schema: a dropped index shows as a difference"; fi

# ---- (b) the same analysis on both engines ----
"$OKO" gen --out "$T/g" --schools 120 --municipalities 4 --kinds all --manipulated 0.1 \
	--subjects RU,MA --grades 4-5 --years 2020-2021 --seed 3 --quiet
GS=$T/gen.db
GP=$(new_db gen)
for db in "$GS" "$GP"; do
	"$OKO" --db "$db" init >/dev/null
	for k in schools procedures results; do "$OKO" --db "$db" import "$k" "$T/g/$k.csv" >/dev/null 2>&1; done
done
expect_eq "generated: the same results stored on both" \
	"$(OKO_DB=$GP sql "SELECT count(*) FROM result")" "$(OKO_DB=$GS sql "SELECT count(*) FROM result")"
expect_ok "generated: analyze on SQLite" --db "$GS" analyze --out "$T/gen_s" --quiet
expect_ok "generated: analyze on PostgreSQL" --db "$GP" analyze --out "$T/gen_p" --quiet
same_outputs "generated" "$T/gen_s" "$T/gen_p"

real=$(real_dir)
if [ -z "$real" ] || [ ! -d "$real/vpr2021" ]; then
	skip "real data not found beside the checkout ($OKO_SHARED/data/real)"
else
	RS=$T/real.db
	RP=$(new_db real)
	for db in "$RS" "$RP"; do
		"$OKO" --db "$db" init >/dev/null
		"$OKO" --db "$db" import schools "$real/logins.xlsx" --region "Алтайский край" >/dev/null 2>&1
		for spec in "ru4 RU-4 14/24/33" "ma4 MA-4 6/10/14" "ru5 RU-5 18/29/39" "ma5 MA-5 7/11/15"; do
			set -- $spec
			"$OKO" --db "$db" import kim "$real/kim2021/$1.xlsx" --procedure "VPR-2021-$2" --scale "$3" >/dev/null 2>&1
			"$OKO" --db "$db" import results "$real/vpr2021/$1.xlsx" --procedure "VPR-2021-$2" >/dev/null 2>&1
		done
	done
	expect_eq "real 2021: 105 901 rows stored on both" \
		"$(OKO_DB=$RP sql "SELECT count(*) FROM result")/$(OKO_DB=$RS sql "SELECT count(*) FROM result")" "105901/105901"
	expect_ok "real 2021: analyze on SQLite" --db "$RS" analyze --out "$T/real_s" --quiet
	expect_ok "real 2021: analyze on PostgreSQL" --db "$RP" analyze --out "$T/real_p" --quiet
	same_outputs "real 2021" "$T/real_s" "$T/real_p"
fi

# ---- (c) SQLite → PostgreSQL → SQLite ----
# The demonstration region: every table the web fills, sealed names (the key file),
# materials (.files) and scans (.scans).
D=$T/demo.db
"$OKO" --db "$D" demo >/dev/null 2>&1
check "demo: its key, materials and scans are there to copy" test -s "$D.key" -a -d "$D.files" -a -d "$D.scans"
CP=$(new_db copy)
cp_name=${CP#*:///}
cp_name=${cp_name%%\?*}
expect_ok "copy SQLite → PostgreSQL" db copy --from "sqlite:$D" --to "$CP"
expect_grep "… progress per table on stderr" "$T/err" "result"
expect_grep "… rows checked per table" "$T/out" "число строк каждой таблицы в копии равно исходному"
expect_grep "… says where the key went" "$T/out" "$T/$cp_name.key"
counts "$D" >"$T/counts_d"
counts "$CP" >"$T/counts_p"
if cmp -s "$T/counts_d" "$T/counts_p" && [ "$(awk '$1 == "result" {print $2}' "$T/counts_p")" -gt 100000 ]; then
	ok "every table has as many rows in PostgreSQL as in SQLite ($(wc -l <"$T/counts_p") tables)"
else
	fail "row counts differ between the SQLite original and its PostgreSQL copy"
	diff "$T/counts_d" "$T/counts_p" | head -10 | sed 's/^/# /'
fi
check "the key file copied byte for byte" cmp -s "$D.key" "$T/$cp_name.key"
check "the scans copied" diff -r "$D.scans" "$T/$cp_name.scans"
check "the materials copied" diff -r "$D.files" "$T/$cp_name.files"
expect_eq "the copy's schema is PostgreSQL's own" "$("$OKO" --db "$CP" db schema | md5sum)" "$(md5sum <"$T/schema_pg")"
B=$T/back.db
expect_ok "copy PostgreSQL → SQLite" db copy --from "$CP" --to "$B"
want=$(content "$D")
expect_eq "round trip: every table's content as in the original" "$(content "$B")" "$want"
check "round trip: the key file comes back" cmp -s "$D.key" "$B.key"
check "round trip: the scans come back" diff -r "$D.scans" "$B.scans"
# Sealed names open in the copies with the copied key (the demo school's pupils).
ps=$(sqlite3 "$D" "SELECT login FROM school WHERE id = (SELECT min(school_id) FROM pupil)")
py=$(sqlite3 "$D" "SELECT max(year) FROM pupil")
"$OKO" --db "$D" pupils list --school "$ps" --year "$py" >"$T/names_d" 2>/dev/null
check "the original lists its pupils by name" test "$(wc -l <"$T/names_d")" -gt 5
"$OKO" --db "$CP" pupils list --school "$ps" --year "$py" >"$T/names_p" 2>"$T/err"
check "the PostgreSQL copy opens the same names" cmp -s "$T/names_d" "$T/names_p"
"$OKO" --db "$B" pupils list --school "$ps" --year "$py" >"$T/names_b" 2>"$T/err"
check "the copy back opens the same names" cmp -s "$T/names_d" "$T/names_b"
# The copied PostgreSQL database takes new rows: ids go on after the copied ones.
maxu=$(OKO_DB=$CP sql 'SELECT max(id) FROM "user"')
expect_ok "copied PostgreSQL: a new user" --db "$CP" user add newcomer_pg --role admin --password 'Копия-базы-2024!x'
expect_eq "… gets the next id" "$(OKO_DB=$CP sql "SELECT id FROM \"user\" WHERE login = 'newcomer_pg'")" "$((maxu + 1))"
maxs=$(OKO_DB=$CP sql 'SELECT max(id) FROM school')
mun=$(OKO_DB=$CP sql "SELECT name FROM municipality ORDER BY id LIMIT 1")
reg=$(OKO_DB=$CP sql "SELECT r.name FROM region r JOIN municipality m ON m.region_id = r.id ORDER BY m.id LIMIT 1")
printf 'login,name,municipality,region,kind,settlement,indepth\nsch999001,МБОУ СОШ № 999 (копия),"%s","%s",СОШ,село,0\n' \
	"$mun" "$reg" >"$T/new_school.csv"
expect_ok "copied PostgreSQL: a new school" --db "$CP" import schools "$T/new_school.csv"
expect_eq "… gets the next id" "$(OKO_DB=$CP sql "SELECT id FROM school WHERE login = 'sch999001'")" "$((maxs + 1))"
# The same analysis from the copy as from the original (the new school has no results).
expect_ok "analyze the SQLite original" --db "$D" analyze --out "$T/demo_s" --quiet
expect_ok "analyze the PostgreSQL copy" --db "$CP" analyze --out "$T/demo_p" --quiet
same_outputs "demo copied" "$T/demo_s" "$T/demo_p"

# ---- (d) refusals, whole or nothing ----
before=$(OKO_DB=$CP db_digest)
expect_fail "copy into a PostgreSQL database that holds data is refused" db copy --from "$D" --to "$CP"
expect_grep "… saying so in Russian" "$T/err" "не пуста: в ней уже есть данные oko"
expect_eq "… and it is left as it was" "$(OKO_DB=$CP db_digest)" "$before"
sum_b=$(md5sum <"$B")
expect_fail "copy into a SQLite file that holds data is refused" db copy --from "$CP" --to "$B"
expect_grep "… saying so" "$T/err" "копирую только в пустую базу или новый файл"
expect_eq "… and the file is left as it was" "$(md5sum <"$B")" "$sum_b"
expect_fail "copy to an unknown kind of address" db copy --from "$D" --to "mysql://host/oko"
expect_eq "… is a usage error (status 2)" "$rc" 2
expect_grep "… named in Russian" "$T/err" "неизвестный вид адреса базы данных «mysql://host/oko»"
expect_fail "copy to a PostgreSQL database that does not exist" db copy --from "$D" \
	--to "postgresql:///no_such_db_$$?host=$OKO_PG_HOST&user=oko"
expect_grep "… says it cannot connect" "$T/err" "не удалось подключиться к PostgreSQL"
expect_fail "copy to a malformed URL" db copy --from "$D" --to "postgresql://[oops"
expect_grep "… says it cannot open it" "$T/err" "не удалось открыть базу postgresql://[oops"
# Sealed names travel with their key or not at all.
mv "$D.key" "$T/aside.key"
expect_fail "a source whose key file is missing is refused" db copy --from "$D" --to "$T/nokey.db"
expect_grep "… saying the names would not open" "$T/err" "копия без ключа не откроет имена учеников"
check "… before creating anything" test ! -e "$T/nokey.db"
mv "$T/aside.key" "$D.key"
expect_ok "a source with neither a key nor sealed names copies" db copy --from "$GS" --to "$T/gen_copy.db"
expect_grep "… and says there was no key to copy" "$T/out" "и зашифрованных имён в базе нет"
# An initialised but empty database is a fine target; a dangling reference in the source
# fails the copy at the end, and nothing stays: no rows, no key file.
X=$T/dangling.db
cp "$GS" "$X"
sqlite3 "$X" "PRAGMA foreign_keys = OFF; UPDATE school SET municipality_id = 999999 WHERE id = (SELECT min(id) FROM school)"
printf 'oko-master-key-1 %064d\n' 0 >"$X.key"
XP=$(new_db dangling)
xp_name=${XP#*:///}
xp_name=${xp_name%%\?*}
"$OKO" --db "$XP" init >/dev/null
expect_fail "a copy with a dangling reference fails" db copy --from "$X" --to "$XP"
expect_grep "… naming the reference" "$T/err" "ссылка не найдена (таблица school)"
expect_eq "… and leaves no row in the target" "$(OKO_DB=$XP sql "SELECT (SELECT count(*) FROM school) + (SELECT count(*) FROM result)")" 0
check "… nor the key file" test ! -e "$T/$xp_name.key"
expect_fail "the same into a new SQLite file fails" db copy --from "$X" --to "$T/dangling_copy.db"
check "… and removes the file it made" test ! -e "$T/dangling_copy.db" -a ! -e "$T/dangling_copy.db.key"
sqlite3 "$X" "PRAGMA foreign_keys = OFF; UPDATE school SET municipality_id = (SELECT min(id) FROM municipality) WHERE municipality_id = 999999"
expect_ok "repaired, it copies into the initialised database" db copy --from "$X" --to "$XP"
expect_eq "… every school there" "$(OKO_DB=$XP sql "SELECT count(*) FROM school")" "$(sqlite3 "$X" "SELECT count(*) FROM school")"
echo "1..$_n"
