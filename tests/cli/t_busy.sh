#!/bin/bash
# A busy database is not a bad file: while another writer holds the write lock, an upload
# waits in line for it (serve --upload-wait), and when the wait runs out the school is told
# the server is busy (503, Retry-After), never «исправьте ошибки»; nothing is stored.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

P=VPR-2021-MA-4
"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
"$OKO" import procedures "$DATA/procedures.csv" >/dev/null
"$OKO" user add school1 --role school --scope sch220206 --password 'Kx9-busy-school1' >/dev/null
grep '^school,\|^sch220206,' "$DATA/results/canonical.csv" >"$T/own.csv"
rows=$(($(wc -l <"$T/own.csv") - 1))
stored() { sql "SELECT count(*) FROM result"; }

# hold SECONDS: another writer holds the write lock for that long (in the background).
# SQLite: the database's one write lock. PostgreSQL has none: writers of results wait for
# each other school by school (model/upload.c, upload_lock_schools), so the other writer is
# another upload of the school, holding its row.
HOLD_PG="UPDATE school SET name = name WHERE login = 'sch220206';"
hold() {
	if is_pg; then
		( echo "BEGIN; $HOLD_PG INSERT INTO audit(user_login, action) VALUES ('test', 'lock_holder');"; sleep "$1"; echo "COMMIT;" ) |
			"$PG_BIN/psql" -X -q -d "$OKO_DB" >/dev/null 2>&1 &
		HOLDER=$!
		for _ in $(seq 50); do
			[ "$(PGOPTIONS='-c lock_timeout=50' "$PG_BIN/psql" -X -q -d "$OKO_DB" -c "BEGIN; $HOLD_PG ROLLBACK;" 2>&1)" = "" ] || break
			sleep 0.1
		done
		return
	fi
	( echo "BEGIN IMMEDIATE; INSERT INTO audit(user_login, action) VALUES ('test', 'lock_holder');"; sleep "$1"; echo "COMMIT;" ) |
		sqlite3 "$OKO_DB" >/dev/null 2>&1 &
	HOLDER=$!
	for _ in $(seq 50); do
		[ "$(sqlite3 "$OKO_DB" 'BEGIN IMMEDIATE; ROLLBACK;' 2>&1)" = "" ] || break
		sleep 0.1
	done
}

start_server --upload-wait 30
login school1 'Kx9-busy-school1'
hold 8
upload school1 /upload -F "file=@$T/own.csv"
expect_eq "upload waits in line behind an 8 s writer and is stored" "$code" 200
expect_eq "rows stored after the wait" "$(stored)" "$rows"
wait "$HOLDER"
stop_server

start_server --upload-wait 1
login school1 'Kx9-busy-school1'
"$OKO" import results "$T/own.csv" >/dev/null 2>&1 # the same rows again: a re-upload
before=$(sql "SELECT count(*) || ' ' || max(upload_id) FROM result")
hold 8
token=$(csrf_of school1)
code=$(curl -s -D "$T/hdr" -o "$T/body" -w '%{http_code}' -b "$T/school1.jar" -F "csrf=$token" \
	-F "file=@$T/own.csv" "$URL/upload")
expect_eq "upload past its wait: 503" "$code" 503
expect_grep "says the server is busy" "$T/body" "Сервер занят"
if grep -qF "исправьте ошибки" "$T/body"; then fail "busy told as a bad file"; else ok "not told as a bad file"; fi
expect_grep "Retry-After sent" "$T/hdr" "Retry-After: 60"
wait "$HOLDER"
expect_eq "nothing stored by the refused upload" "$(sql "SELECT count(*) || ' ' || max(upload_id) FROM result")" "$before"
expect_eq "the refusal audited as such" "$(sql "SELECT count(*) FROM audit WHERE action = 'upload_refused'")" 1

# The file is read and checked before the write lock is taken: while a big file is being
# parsed, another writer (a login, another school's upload) gets the lock at once.
awk 'BEGIN {
	printf "school,procedure,code,class,variant,gender,journal_mark,absent"
	for (j = 1; j <= 15; j++) printf ",p%d", j
	printf "\n"
	for (i = 0; i < 1200000; i++) {
		printf "big%05d,VPR-2021-MA-4,%d,4А,1,м,4,0", int(i / 50), 40001 + i % 50
		for (j = 1; j <= 15; j++) printf ",1"
		printf "\n"
	}
}' >"$T/big.csv"
"$OKO" import results "$T/big.csv" >"$T/big.out" 2>&1 &
big=$!
# Probed once the import is reading the file (8 MB of its 70 MB read; opening the database
# reads far less): it takes the lock only when the whole file is read and checked. A fixed
# pause (0.3 s) was once enough, until the check got faster than it.
reading=
for _ in $(seq 300); do
	r=$(awk '/^rchar/ {print $2}' "/proc/$big/io" 2>/dev/null)
	[ "${r:-0}" -gt 8000000 ] && reading=1 && break
	sleep 0.01
done
# (PostgreSQL: the writer waits at most 200 ms for any lock the import holds.)
if [ -z "$reading" ]; then
	skip "another writer commits while a big file is parsed: the import's reading not seen in /proc"
elif if is_pg; then PGOPTIONS='-c lock_timeout=200' "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$OKO_DB" -c "BEGIN; INSERT INTO audit(user_login, action) VALUES ('test', 'during_parse'); COMMIT;" 2>"$T/lock.err" >/dev/null
else sqlite3 -cmd '.timeout 200' "$OKO_DB" "BEGIN IMMEDIATE; INSERT INTO audit(user_login, action) VALUES ('test', 'during_parse'); COMMIT;" 2>"$T/lock.err"; fi; then
	ok "another writer commits while a big file is parsed"
else
	fail "another writer commits while a big file is parsed: $(cat "$T/lock.err")"
fi
kill -0 "$big" 2>/dev/null && ok "(the import was still running)" || skip "the import ended before the probe"
wait "$big"
expect_eq "the big file stored whole" "$(sql "SELECT count(*) FROM result WHERE school_id IN (SELECT id FROM school WHERE login LIKE 'big%')")" 1200000
