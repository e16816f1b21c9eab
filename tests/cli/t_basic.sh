#!/bin/bash
# The oko binary: command table, help, version, exit codes, database path, init.
. "$(dirname "$0")/lib.sh"

expect_ok "oko help succeeds" help
expect_grep "help lists the import command" "$T/out" "import"
expect_grep "help is in Russian" "$T/out" "команды:"
expect_ok "oko version succeeds" version
expect_grep "version names the program" "$T/out" "oko "
expect_ok "oko import --help succeeds" import --help
expect_grep "import --help documents kinds" "$T/out" "описание КИМ"
expect_ok "oko help import" help import
run_oko frobnicate
expect_eq "unknown command exits with 2" "$rc" 2
expect_grep "unknown command is explained in Russian" "$T/err" "неизвестная команда «frobnicate»"
run_oko
expect_eq "no command prints help and exits 2" "$rc" 2
run_oko import schools "$DATA/schools.csv" --frob
expect_eq "unknown option exits with 2" "$rc" 2
expect_grep "unknown option named" "$T/err" "неизвестный параметр --frob"

# The database: missing → clear message; init creates it at OKO_DB.
run_oko import schools "$DATA/schools.csv"
expect_eq "import without a database fails" "$rc" 1
expect_grep "missing database explained" "$T/err" "oko init"
expect_ok "init creates the database" init
if is_pg; then
	# The database itself is the cluster's (lib.sh made it empty): init made oko's schema in it.
	expect_eq "the schema exists at OKO_DB" "$(sql "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = 'oko_schema'")" 1
else
	check "database file exists at OKO_DB" test -f "$OKO_DB"
fi
expect_grep "init reports creation" "$T/out" "Создана база данных"
expect_ok "init again is harmless" init
expect_grep "second init says it exists" "$T/out" "уже существует"
if is_pg; then
	expect_eq "schema is applied" "$(sql "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('school','procedure','result')")" 3
	skip "journal mode is WAL: a setting of the SQLite file; PostgreSQL always logs ahead, and its WAL is the cluster's, not oko's"
else
	expect_eq "schema is applied" "$(sql "SELECT count(*) FROM sqlite_master WHERE name IN ('school','procedure','result')")" 3
	expect_eq "journal mode is WAL" "$(sql 'PRAGMA journal_mode')" wal
fi
# The database holds password hashes and the audit log: owner only, whatever the umask.
(umask 022 && "$OKO" --db "$T/private.db" init >/dev/null 2>&1)
expect_eq "a new database is created with mode 0600" "$(stat -c %a "$T/private.db")" 600

# --db wins over OKO_DB, wherever it stands.
expect_ok "init with --db" --db "$T/other.db" init
check "--db file created" test -f "$T/other.db"
expect_ok "--db after the command" init --db="$T/third.db"
check "--db= file created" test -f "$T/third.db"
(cd "$T" && unset OKO_DB && "$OKO" init >/dev/null 2>&1)
check "default database is ./oko.db" test -f "$T/oko.db"

# A newer database is refused, not damaged.
sqlite3 "$T/other.db" "PRAGMA user_version = 999"
run_oko --db "$T/other.db" import schools "$DATA/schools.csv"
expect_eq "newer schema refused" "$rc" 1
expect_grep "newer schema explained" "$T/err" "обновите oko"
# A command that takes options only names a stray argument.
for cmd in analyze gen demo serve; do
	run_oko "$cmd" stray
	if [ "$rc" -eq 2 ] && grep -qF "лишний аргумент «stray»" "$T/err"; then ok "oko $cmd: a stray argument is named"; else fail "oko $cmd: a stray argument is named (status $rc)"; fi
done

# A command that only reads an older database migrates it first (its queries speak the
# latest schema): a database of schema 13, before schools had an address (014), made from
# the migrations 001–013 themselves.
"$OKO" --db "$T/new.db" init >/dev/null
latest=$(sqlite3 "$T/new.db" "PRAGMA user_version")
SQL_DIR=$(cd "$(dirname "$0")/../../src/db/sql" && pwd)
for f in "$SQL_DIR"/0*.sql; do
	n=$(basename "$f" | cut -c1-3)
	[ "$((10#$n))" -le 13 ] && cat "$f"
done | sqlite3 "$T/old.db"
sqlite3 "$T/old.db" "PRAGMA user_version = 13"
run_oko --db "$T/old.db" observers list
expect_eq "a read-only command on an older database succeeds" "$rc" 0
expect_eq "… and the database is migrated" "$(sqlite3 "$T/old.db" "PRAGMA user_version")" "$latest"
echo "1..$_n"
