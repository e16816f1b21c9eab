#!/bin/bash
# `make run`: create a fresh demo database and serve the UI on localhost.
# Environment: OKO (the binary), DEMO_DB (database path, default demo.db), LISTEN.
set -euo pipefail
cd "$(dirname "$0")/.."
OKO=${OKO:-build/oko}
DB=${DEMO_DB:-demo.db}
LISTEN=${LISTEN:-127.0.0.1:8080}
rm -f "$DB" "$DB-wal" "$DB-shm"
rm -rf "$DB.scans" # the scanned works of the previous demo
"$OKO" --db "$DB" init
if "$OKO" help | grep -q '^  demo '; then
	"$OKO" --db "$DB" demo
	# The risk list and evidence cards need an analysis run.
	if "$OKO" help | grep -q '^  analyze '; then
		echo "Анализ объективности демонстрационного региона…"
		"$OKO" --db "$DB" analyze --out "${DB%.db}-analysis" --quiet
	fi
else
	# Until the generator exists the demo is the sample registry of the tests.
	"$OKO" --db "$DB" import schools tests/data/schools.csv
	"$OKO" --db "$DB" import procedures tests/data/procedures.csv
fi
if "$OKO" help | grep -q '^  serve '; then
	echo
	echo "Откройте в браузере: http://$LISTEN  (остановить: Ctrl+C)"
	exec "$OKO" --db "$DB" serve --listen "$LISTEN"
fi
echo "База данных $DB готова. Веб-интерфейса в этой версии ещё нет: команды — $OKO help"
