#!/bin/bash
# `make run`: serve the demo on localhost, creating the demo database first if it does not
# exist. An existing database is kept (with what the user entered in it); FRESH=1 deletes
# it, its scans and its analysis and creates a new demo region.
# Environment: OKO (the binary), DEMO_DB (database path, default demo.db), LISTEN
# (address:port, default 127.0.0.1:8080), FRESH (1: start again from a new demo).
set -euo pipefail
cd "$(dirname "$0")/.."
OKO=${OKO:-build/oko}
DB=${DEMO_DB:-demo.db}
LISTEN=${LISTEN:-127.0.0.1:8080}
FRESH=${FRESH:-0}

remove_demo() {
	rm -f "$DB" "$DB-wal" "$DB-shm"
	rm -rf "$DB.scans" "${DB%.db}-analysis" # the scanned works and the analysis of that demo
}

create_demo() {
	# A demo cut short (an error, Ctrl+C) is removed, so the next `make run` starts again
	# instead of serving half a region.
	trap 'echo "Демонстрационная база не создана до конца — удаляю $DB" >&2; remove_demo' ERR INT TERM
	"$OKO" --db "$DB" init
	"$OKO" --db "$DB" demo
	# The risk list and evidence cards need an analysis run.
	echo "Анализ объективности демонстрационного региона…"
	"$OKO" --db "$DB" analyze --out "${DB%.db}-analysis" --quiet
	trap - ERR INT TERM
}

if [ "$FRESH" = 1 ]; then
	remove_demo
fi
# A zero-byte file is no database (a copy or a crash can leave one): the demo goes in its place.
if [ -e "$DB" ] && [ ! -s "$DB" ]; then
	echo "Файл $DB пуст — создаю демонстрационную базу заново."
	remove_demo
fi
if [ -e "$DB" ]; then
	echo "Открываю существующую базу $DB: всё, что в ней введено, сохранено."
	echo "Начать заново с новой демонстрационной базой: make run FRESH=1 (удалит $DB)."
else
	create_demo
fi
echo
echo "Откройте в браузере: http://$LISTEN  (остановить: Ctrl+C)"
exec "$OKO" --db "$DB" serve --listen "$LISTEN"
