#!/bin/bash
# oko backup / restore / check (issue 22): a backup restores to the same content; the key
# is not put beside a backup unless asked, and the command says where it is; a restore
# checks the backup first (damaged, newer, wrong key: refused, nothing changed), refuses to
# replace a database with data without --force and keeps the replaced one, refuses while a
# server holds the database; oko check says ОК / ОШИБКА per check and exits 0 only when all
# pass. Then backups taken while `oko serve` stores a large upload: each restores, passes
# oko check, has the source's schema, and holds the upload whole or not at all.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

PW=Kx9-backup-admin
# A region from the generator: one procedure stored by the importer, the other kept for the
# upload through the server (UPLOAD_ROWS rows).
"$OKO" gen --out "$T/g" --schools 600 --municipalities 5 --years 2021 --subjects MA,RU --grades 4-5 --quiet
"$OKO" init >/dev/null
"$OKO" import schools "$T/g/schools.csv" >/dev/null 2>&1
"$OKO" import procedures "$T/g/procedures.csv" >/dev/null 2>&1
awk -F, 'NR == 1 || $2 ~ /^VPR-2021-MA-/' "$T/g/results.csv" >"$T/ma.csv"
awk -F, 'NR == 1 || $2 ~ /^VPR-2021-RU-/' "$T/g/results.csv" >"$T/ru.csv"
UPLOAD_ROWS=$(($(wc -l <"$T/ru.csv") - 1))
expect_ok "results imported" import results "$T/ma.csv"
# Pupils' names sealed under the schools' keys: the key file now matters.
printf 'Класс;Фамилия;Имя;Отчество\n4А;Иванова;Мария;Петровна\n4Б;Петров;Пётр;\n' >"$T/list.csv"
expect_ok "class list imported" pupils import "$T/list.csv" --school sch990001 --year 2021
"$OKO" user add admin --role admin --password "$PW" >/dev/null
KEY="$(db_file).key"
[ -f "$KEY" ] && ok "the key file is there" || fail "no key file $KEY"

# ---- oko check ----
expect_ok "check passes on a sound database" check
expect_grep "check: integrity" "$T/out" "Целостность: ОК"
expect_grep "check: foreign keys" "$T/out" "Внешние ключи: ОК"
expect_grep "check: the key opens the names" "$T/out" "Ключ персональных данных: ОК"
expect_grep "check: the schema version" "$T/out" "Версия схемы: ОК"
expect_grep "check: summary" "$T/out" "Итог: проверок 4, все пройдены."
mv "$KEY" "$T/key.saved"
expect_fail "check fails without the key file" check
expect_grep "check says the key is missing" "$T/out" "Ключ персональных данных: ОШИБКА — нет файла ключа"
expect_grep "check: summary with the error" "$T/out" "ошибок 1"
printf 'oko-master-key-1 %064d\n' 7 >"$T/other.key"; chmod 600 "$T/other.key"
OKO_KEY_FILE="$T/other.key" run_oko check
[ "$rc" -ne 0 ] && grep -q "Ключ персональных данных: ОШИБКА" "$T/out" && ok "check fails with another database's key" ||
	fail "check with a wrong key: status $rc"
mv "$T/key.saved" "$KEY"
if ! is_pg; then
	cp "$OKO_DB" "$T/broken.db"
	sqlite3 "$T/broken.db" "PRAGMA foreign_keys = OFF; INSERT INTO result (procedure_id, school_id, code, absent) VALUES (1, 999999, 'x', 1)"
	OKO_KEY_FILE="$KEY" run_oko check --db "$T/broken.db"
	[ "$rc" -ne 0 ] && grep -q "Внешние ключи: ОШИБКА — 1 строка" "$T/out" && ok "check finds a broken foreign key" ||
		{ fail "check on a broken foreign key: status $rc"; sed 's/^/# /' "$T/out"; }
	sqlite3 "$T/broken.db" "PRAGMA user_version = 3"
	OKO_KEY_FILE="$KEY" run_oko check --db "$T/broken.db"
	grep -q "Версия схемы: ОШИБКА — 3, программа знает .*нужно обновление, выполните «oko init" "$T/out" &&
		ok "check says an old schema needs an upgrade" || { fail "old schema not reported"; sed 's/^/# /' "$T/out"; }
fi

# ---- backup and restore ----
src_digest=$(db_digest)
expect_ok "backup taken" backup --out "$T/b1"
expect_grep "backup says where the key is" "$T/out" "Файл ключа персональных данных: $KEY — в копию НЕ входит."
expect_grep "backup says the names need the key" "$T/out" "Без него имена учеников в копии не прочесть"
[ ! -e "$T/b1.key" ] && ok "no key beside the backup by default" || fail "a key beside the backup"
ls "$T" | grep -q 'b1\.tmp-' && fail "a temporary file left" || ok "no temporary file left"
expect_fail "backup never overwrites a file" backup --out "$T/b1"
if ! is_pg; then
	[ "$(od -An -tu1 -j18 -N2 "$T/b1" | tr -s ' ')" = " 1 1" ] && ok "the backup is one file (rollback journal)" ||
		fail "the backup is in WAL mode"
	[ "$(stat -c %a "$T/b1")" = 600 ] && ok "the backup is private (0600)" || fail "backup mode $(stat -c %a "$T/b1")"
	expect_eq "the backup holds the same content" "$(OKO_DB="$T/b1" db_digest)" "$src_digest"
	expect_fail "check on the backup fails without its key (kept apart)" check --db "$T/b1"
	OKO_KEY_FILE="$KEY" run_oko check --db "$T/b1"
	[ "$rc" -eq 0 ] && ok "check on the backup passes with the key named" || fail "check on the backup: $rc"
fi
expect_ok "backup with the key" backup --out "$T/b2" --with-key
cmp -s "$KEY" "$T/b2.key" && ok "--with-key copies the key" || fail "--with-key: no copy of the key"
expect_grep "--with-key warns" "$T/out" "ВНИМАНИЕ: копия вместе с ключом раскрывает"

r1=$(new_db r1)
run_oko restore "$T/b1" --db "$r1"
[ "$rc" -eq 0 ] && ok "restored into a new database" || { fail "restore: $rc"; sed 's/^/# /' "$T/err"; }
expect_eq "the restored copy has the source's content" "$(OKO_DB="$r1" db_digest)" "$src_digest"
OKO_KEY_FILE="$KEY" run_oko check --db "$r1"
[ "$rc" -eq 0 ] && ok "check passes on the restored copy" || { fail "check on the restore: $rc"; sed 's/^/# /' "$T/out"; }
"$OKO" db schema >"$T/schema.src"
"$OKO" db schema --db "$r1" >"$T/schema.r1"
cmp -s "$T/schema.src" "$T/schema.r1" && ok "the restored schema equals the source's" || fail "schemas differ"

if ! is_pg; then
	expect_fail "restore refuses a database with data" restore "$T/b1"
	expect_grep "and says why in Russian" "$T/err" "не пуста"
	# A change after the backup, then a restore with --force: the change is gone, the
	# replaced database is kept.
	"$OKO" user add later --role admin --password "$PW-later" >/dev/null
	expect_ok "restore --force replaces it" restore "$T/b1" --force
	expect_eq "the restored database is the backup's" "$(db_digest)" "$src_digest"
	kept=$(ls "$T" | grep '^oko\.db\.before-restore-' | head -1)
	[ -n "$kept" ] && ok "the replaced database is kept ($kept)" || fail "no before-restore file"
	expect_eq "the kept database has the later change" \
		"$(sqlite3 "$T/$kept" "SELECT count(*) FROM \"user\" WHERE login = 'later'")" 1
	expect_ok "check passes after the restore" check
	# A damaged backup, one from a newer oko, a wrong key: refused, nothing changed.
	before=$(db_digest)
	cp "$T/b1" "$T/bad"; printf 'garbage%.0s' $(seq 4000) | dd of="$T/bad" bs=1 seek=70000 conv=notrunc 2>/dev/null
	expect_fail "a damaged backup is refused" restore "$T/bad" --force
	cp "$T/b1" "$T/newer"; sqlite3 "$T/newer" "PRAGMA user_version = 999"
	expect_fail "a backup of a newer schema is refused" restore "$T/newer" --force
	expect_grep "and says to upgrade oko" "$T/err" "обновите oko"
	OKO_KEY_FILE="$T/other.key" run_oko restore "$T/b1" --force
	[ "$rc" -ne 0 ] && grep -q "не открывает имена" "$T/err" && ok "a key that does not open the names is refused" ||
		fail "wrong key restore: $rc"
	expect_eq "nothing changed by the refusals" "$(db_digest)" "$before"
	# --with-key: a restore into a new place takes the key from beside the backup.
	expect_ok "restore of a backup with its key" restore "$T/b2" --db "$T/r2.db"
	cmp -s "$KEY" "$T/r2.db.key" && ok "the backup's key put beside the restored database" || fail "no key for r2"
	OKO_KEY_FILE= run_oko check --db "$T/r2.db"
	[ "$rc" -eq 0 ] && ok "check passes with the key from the backup" || fail "check r2: $rc"
	# The directories beside the database: the backup's are copied under temporary names
	# first, so a copy that fails leaves the database and its files as they were. A path
	# longer than a path may be makes it fail: a target with a long name and, in the backup's
	# scans, a file nested nearly that deep.
	long="$T/$(printf 'r%.0s' $(seq 200)).db"
	expect_ok "restore into a database with a long name" restore "$T/b1" --db "$long"
	mkdir "$long.scans"; echo old >"$long.scans/old.pdf"
	cp "$T/b1" "$T/b3"; mkdir "$T/b3.scans"; echo new >"$T/b3.scans/new.pdf"
	deep="$T/b3.scans"
	for _ in $(seq $(((3880 - ${#deep}) / 101))); do deep="$deep/$(printf 'd%.0s' $(seq 100))"; done
	mkdir -p "$deep"
	echo x >"$deep/$(printf 'f%.0s' $(seq $((3990 - ${#deep}))))"
	before=$(OKO_DB="$long" db_digest)
	run_oko restore "$T/b3" --db "$long" --force
	[ "$rc" -ne 0 ] && grep -q "файлы рядом с копией не скопированы: .*база и файлы рядом с ней не тронуты" "$T/err" &&
		ok "a restore whose files cannot be copied is refused and says nothing changed" ||
		{ fail "restore with files that cannot be copied: status $rc"; sed 's/^/# /' "$T/err"; }
	expect_eq "the database is as it was" "$(OKO_DB="$long" db_digest)" "$before"
	expect_eq "its scans are as they were" "$(ls "$long.scans")" "old.pdf"
	expect_eq "nothing left beside it" "$(cd "$T" && ls -d "$(basename "$long")"* | sed "s/^r*\.db/R.db/")" "R.db
R.db.scans"
	cp "$T/b1" "$T/b4"; mkdir "$T/b4.scans"; echo new >"$T/b4.scans/new.pdf"
	expect_ok "a restore whose files copy replaces them" restore "$T/b4" --db "$long" --force
	expect_eq "the backup's scans are in place" "$(cat "$long.scans/new.pdf" 2>&1; ls "$long.scans")" "new
new.pdf"
	expect_eq "the old scans are kept aside" "$(cat "$long.scans.before-restore-"*/old.pdf 2>&1)" old
	expect_grep "and the restore says where" "$T/out" "Сканы работ прежней базы отложены: $long.scans.before-restore-"
	ls "$T" | grep -q '\.restore-' && fail "a temporary copy left" || ok "no temporary copy left"
fi
if is_pg; then
	# A password in the URL reaches pg_dump and pg_restore in their environment (PGPASSWORD),
	# never on their command line, which every user of the machine sees (ps). Both programs
	# are wrapped to record their arguments and PGPASSWORD; the test cluster trusts its
	# socket, so the password is not needed to connect.
	mkdir "$T/bin"
	for prog in pg_dump pg_restore; do
		real=$(command -v "$prog")
		cat >"$T/bin/$prog" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >>"$T/$prog.argv"
printf '%s\n' "\${PGPASSWORD:-}" >>"$T/$prog.env"
exec "$real" "\$@"
EOF
		chmod +x "$T/bin/$prog"
	done
	secret=Zq7-not-on-a-command-line
	PATH="$T/bin:$PATH" OKO_DB="$OKO_DB&password=$secret" run_oko backup --out "$T/bpw"
	[ "$rc" -eq 0 ] && ok "backup with a password in the URL" || { fail "backup with a password: $rc"; sed 's/^/# /' "$T/err"; }
	rpw=$(new_db pw)
	PATH="$T/bin:$PATH" run_oko restore "$T/bpw" --db "$rpw&password=$secret"
	[ "$rc" -eq 0 ] && ok "restore with a password in the URL" || { fail "restore with a password: $rc"; sed 's/^/# /' "$T/err"; }
	expect_eq "the restore holds the source's content" "$(OKO_DB="$rpw" db_digest)" "$src_digest"
	grep -q "dbname=" "$T/pg_dump.argv" && grep -q "dbname=" "$T/pg_restore.argv" &&
		ok "pg_dump and pg_restore were given the database" || fail "no dbname= in the wrapped calls"
	grep -qF "$secret" "$T/pg_dump.argv" "$T/pg_restore.argv" && fail "the password is on a command line" ||
		ok "the password is on no command line"
	grep -qxF "$secret" "$T/pg_dump.env" && grep -qxF "$secret" "$T/pg_restore.env" &&
		ok "the password is in PGPASSWORD" || fail "PGPASSWORD was not the URL's password"
fi

# ---- backups under a running upload ----
# The server logs the import's phases (OKO_LOG=debug) with the moment of each line
# (OKO_LOG_FORMAT=json): the upload's write transaction is read from there. The upload is
# sent slowly (about three seconds) and backups are taken one after another until it ends, so
# that the write happens while backups run; the test then shows that at least one backup was
# running while the upload wrote.
OKO_LOG=debug OKO_LOG_FORMAT=json start_server
login admin "$PW"
[ "$code" = 303 ] || [ "$code" = 302 ] || [ "$code" = 200 ] || fail "login: $code"
if ! is_pg; then
	expect_fail "restore refuses while the server holds the database" restore "$T/b1" --force
	expect_grep "and says so in Russian" "$T/err" "открыта другой программой"
fi
now_ms() { date +%s%3N; }
token=$(csrf_of admin)
pre=$(db_digest)
rate=$(( $(wc -c <"$T/ru.csv") / 3 + 1 ))
t_up=$(now_ms)
curl -s --limit-rate "$rate" -o "$T/upload.body" -w '%{http_code}' -b "$T/admin.jar" \
	-F "csrf=$token" -F "file=@$T/ru.csv" "$URL/upload" >"$T/upload.code" &
up=$!
n=0
while kill -0 "$up" 2>/dev/null && [ "$n" -lt 400 ]; do
	n=$((n + 1))
	s=$(now_ms)
	"$OKO" backup --out "$T/live$n" >/dev/null 2>"$T/live$n.err" || fail "backup $n under the upload failed: $(head -1 "$T/live$n.err")"
	echo "$n $s $(now_ms)" >>"$T/live.times"
done
wait "$up"
t_done=$(now_ms)
echo "# the upload took $((t_done - t_up)) ms; $n backups taken meanwhile"
expect_eq "the upload was stored" "$(cat "$T/upload.code") $(grep -c 'Файл загружен' "$T/upload.body")" "200 1"
n=$((n + 1))
"$OKO" backup --out "$T/live$n" >/dev/null 2>&1 || fail "backup $n after the upload failed"
post=$(db_digest)
[ "$pre" != "$post" ] && ok "the upload changed the database" || fail "the upload changed nothing"

# The write transaction: it ended when the import's line was logged and lasted its phases
# «запись» (writing) and «фиксация» (commit).
line=$(grep -F "импорт результатов, строк: $UPLOAD_ROWS;" "$T/serve.log" | tail -1)
secs() { grep -oE "$1 [0-9]+(,[0-9]+)? с" <<<"$line" | grep -oE '[0-9]+(,[0-9]+)?' | tr , .; }
w_end=$(date -d "$(sed -n 's/.*"ts":"\([^"]*\)".*/\1/p' <<<"$line")" +%s%3N 2>/dev/null)
w_start=$(awk -v e="${w_end:-0}" -v a="$(secs запись)" -v b="$(secs фиксация)" \
	'BEGIN { if (a == "" || b == "") exit 1; printf "%.0f", e - (a + b) * 1000 - 1 }')
if [ -n "$w_end" ] && [ -n "$w_start" ]; then
	ok "the server logged the upload's write ($((w_end - w_start)) ms)"
else
	fail "no import line with its phases in the server's log: ${line:-none}"
	w_start=0 w_end=0
fi
# Overlapping backups: started before the write ended and ended after it began.
overlap=$(awk -v a="$w_start" -v b="$w_end" '$2 <= b && $3 >= a { print $1 }' "$T/live.times" | tr '\n' ' ')
read -r _ f_start _ <"$T/live.times"
echo "# the write: $((w_start - t_up))–$((w_end - t_up)) ms after the upload began; the first backup began at $((${f_start:-0} - t_up)) ms"
[ -n "$overlap" ] && ok "backups ran while the upload wrote (backups ${overlap% })" ||
	{ fail "no backup ran while the upload wrote"; sed "s/^/# /" "$T/live.times"; }
[ "${f_start:-$w_end}" -lt "$w_start" ] && ok "backups began before the upload's write" ||
	fail "the first backup began after the upload's write"

"$OKO" db schema >"$T/schema.live"
whole=0 before=0 after=0 k=0 checked=0
# Restored and checked: the first backup, those that ran during the write and the last
# (PostgreSQL: only they — a restore needs a database of its own, and a pg_dump archive is
# read only by restoring it); SQLite: every other backup is itself a database to compare.
pick=" $(printf '%s\n' 1 $overlap "$n" | awk '!seen[$0]++' | tr '\n' ' ')"
for i in $(seq "$n"); do
	case "$pick" in
	*" $i "*)
		checked=$((checked + 1))
		r=$(new_db "live$i")
		"$OKO" restore "$T/live$i" --db "$r" >/dev/null 2>"$T/r.err" || { fail "restore of backup $i: $(head -1 "$T/r.err")"; continue; }
		OKO_KEY_FILE="$KEY" "$OKO" check --db "$r" >"$T/check.out" 2>&1 || { fail "check of backup $i"; sed 's/^/# /' "$T/check.out"; }
		"$OKO" db schema --db "$r" >"$T/schema.r"
		cmp -s "$T/schema.live" "$T/schema.r" || fail "backup $i: schema differs"
		c=$(OKO_DB="$r" db_digest) ;;
	*)
		is_pg && continue
		c=$(OKO_DB="$T/live$i" db_digest) ;;
	esac
	k=$((k + 1))
	if [ "$c" = "$pre" ]; then before=$((before + 1));
	elif [ "$c" = "$post" ]; then after=$((after + 1));
	else fail "backup $i is neither the database before the upload nor after it"; continue; fi
	whole=$((whole + 1))
	[ "$i" -eq "$n" ] && last=$c
done
echo "# backups: $n taken, $k compared ($checked restored and checked): $before before the upload, $after after it"
[ "$checked" -ge 3 ] && ok "backups restored and checked: $checked" || fail "only $checked backups restored"
expect_eq "every backup is the whole database before the upload or after it" "$whole" "$k"
expect_eq "the last backup holds the live database's whole content" "${last:-none}" "$(db_digest)"
stop_server
echo "1..$_n"
