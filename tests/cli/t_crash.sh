#!/bin/bash
# Crash consistency: kill -9 at random moments, then check that nothing is half-done.
#
# 1. `oko import results` killed while it reads or stores: the database is intact and holds
#    either all the old results or all the new ones; nothing is left beside the database.
# 2. `oko analyze` killed: no output file is ever half-written under its name (each is the
#    previous run's, byte for byte, or absent), and no half-stored run is in the database.
# 3. `oko serve` killed with an upload in flight: the same all-or-nothing, every stored
#    upload with its audit row, and no spooled upload left in /tmp or beside the database.
# Rounds of each: CRASH_N (default 10; `make crash` runs 100).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/web_lib.sh"

N=${CRASH_N:-10}
P=VPR-2021-RU-4
"$OKO" init >/dev/null
"$OKO" import procedures "$DATA/procedures.csv" >/dev/null

# Two versions of the same region's results, different in every row's scores.
make_csv() { # ROWS SEED FILE
	awk -v n="$1" -v seed="$2" 'BEGIN {
		srand(seed)
		printf "school,procedure,code,class,variant,gender,journal_mark,absent"
		split("4 3 3 1 3 2 1 2 3 2 1 1 2 1 2 1 2 1 2 1", mx, " ")
		for (j = 1; j <= 20; j++) printf ",p%d", j
		printf "\n"
		for (i = 0; i < n; i++) {
			printf "crash%04d,VPR-2021-RU-4,%d,4А,1,м,4,0", int(i / 50), 40001 + i % 50
			for (j = 1; j <= 20; j++) printf ",%d", int(rand() * (mx[j] + 1))
			printf "\n"
		}
	}' >"$3"
}
make_csv 150000 1 "$T/old.csv"
make_csv 150000 2 "$T/new.csv"
digest() { sql "SELECT count(*) || ' ' || sum(primary_score) || ' ' || count(DISTINCT upload_id) FROM result"; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }
"$OKO" import results "$T/new.csv" >/dev/null 2>&1
new=$(digest)
t0=$(ms)
"$OKO" import results "$T/old.csv" >/dev/null 2>&1
import_ms=$(( $(ms) - t0 ))
old=$(digest)
# pause MS: a random moment within MS milliseconds (kills land in every phase of the work).
pause() { sleep "$(awk -v r="$RANDOM" -v ms="$1" 'BEGIN { printf "%.3f", r / 32768 * ms / 1000 }')"; }
expect_eq "the two versions differ" "$([ "$old" != "$new" ] && echo yes)" yes
leftovers() { find "$T" -maxdepth 1 -name '.oko-spool-*' | wc -l; }
# settle: on PostgreSQL, waits until the killed client's server sessions have ended. The
# server rolls back the transaction of a client that died, but only when it notices: a
# statement it is running goes on to its end first — and a COMMIT already sent (with its
# deferred foreign-key checks, seconds for a big import) still commits. Until then the
# database holds the state before it, so the state is read after. SQLite: a dead process
# has nothing running, the next connection rolls its journal back.
settle() {
	is_pg || return 0
	local _
	for _ in $(seq 1200); do
		[ "$(sql "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()")" = 0 ] && return 0
		sleep 0.1
	done
	echo "# the killed client's sessions still run after 120 s"
}

# state: "old" or "new" when the results are one whole version, else what they are.
state() {
	local d
	d=$(digest)
	if [ "$d" = "$old" ]; then echo old; elif [ "$d" = "$new" ]; then echo new; else echo "mixed: $d"; fi
}

# ---- 1. imports killed
bad=0 seen_old=0 seen_new=0
for i in $(seq "$N"); do
	f=$T/new.csv
	[ "$(state)" = new ] && f=$T/old.csv
	"$OKO" import results "$f" >/dev/null 2>&1 &
	pid=$!
	pause "$import_ms"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	settle
	s=$(state)
	ic=$(sql 'PRAGMA integrity_check')
	case $s in old) seen_old=$((seen_old + 1)) ;; new) seen_new=$((seen_new + 1)) ;; esac
	if [ "$ic" != ok ] || [ "$s" != old ] && [ "$s" != new ] || [ "$(leftovers)" != 0 ]; then
		bad=$((bad + 1))
		echo "# import round $i: integrity «$ic», results $s, leftovers $(leftovers)"
	fi
done
expect_eq "$N imports killed at random moments: rounds not all-or-nothing" "$bad" 0
echo "# imports ($import_ms ms each): old version after $seen_old kills, new after $seen_new"

# ---- 2. analyses killed
t0=$(ms)
"$OKO" analyze --out "$T/out" --quiet >/dev/null 2>&1
analyze_ms=$(( $(ms) - t0 ))
runs=$(sql "SELECT count(*) FROM analysis_run")
mkdir -p "$T/ref" && cp "$T/out"/*.csv "$T/ref/"
bad=0
for i in $(seq "$N"); do
	"$OKO" analyze --out "$T/out" --quiet >/dev/null 2>&1 &
	pid=$!
	pause "$analyze_ms"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	settle
	for f in "$T"/ref/*.csv; do
		n=$(basename "$f")
		if [ -e "$T/out/$n" ] && ! cmp -s "$f" "$T/out/$n"; then
			bad=$((bad + 1))
			echo "# analyze round $i: $n half-written ($(wc -c <"$T/out/$n") of $(wc -c <"$f") bytes)"
		fi
	done
	if ! unzip -tq "$T/out/official_list.xlsx" >/dev/null 2>&1; then
		bad=$((bad + 1))
		echo "# analyze round $i: official_list.xlsx is not a whole workbook"
	fi
	half=$(sql "SELECT count(*) FROM analysis_run WHERE procedures IS NULL")
	[ "$half" = 0 ] || { bad=$((bad + 1)); echo "# analyze round $i: $half half-stored runs"; }
done
expect_eq "$N analyses killed at random moments: half-written outputs or runs" "$bad" 0
expect_eq "database intact after the analyses" "$(sql 'PRAGMA integrity_check')" ok
check "every stored run complete ($(sql "SELECT count(*) FROM analysis_run") runs, $runs before)" \
	test "$(sql "SELECT count(*) FROM analysis_run")" -ge "$runs"

# ---- 3. the server killed with an upload in flight
"$OKO" user add admin1 --role admin --password 'Kx9-crash-admin1' >/dev/null
bad=0 seen_old=0 seen_new=0
for i in $(seq "$N"); do
	start_server
	login admin1 'Kx9-crash-admin1'
	f=$T/new.csv
	[ "$(state)" = new ] && f=$T/old.csv
	token=$(csrf_of admin1)
	tmp_before=$(find /tmp -maxdepth 1 -name 'oko-upload-*' 2>/dev/null | wc -l)
	# The upload (the web asks before replacing the other version), then the confirmation
	# that stores it: the kill lands in the transfer, the check or the store.
	( curl -s -o "$T/up.html" --limit-rate 4M -b "$T/admin1.jar" -F "csrf=$token" -F "file=@$f" "$URL/upload"
	  pending=$(grep -o 'name="pending" value="[0-9]*"' "$T/up.html" 2>/dev/null | grep -o '[0-9]*')
	  [ -n "$pending" ] && curl -s -o /dev/null -b "$T/admin1.jar" --data-urlencode "csrf=$token" \
		--data-urlencode "pending=$pending" --data-urlencode "decision=replace" "$URL/upload/confirm" ) &
	cpid=$!
	pause $((2 * import_ms + 3000)) # the upload at 4 MB/s takes about 2 s, then two imports
	kill -9 "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" "$cpid" 2>/dev/null
	settle
	s=$(state)
	ic=$(sql 'PRAGMA integrity_check')
	tmp_after=$(find /tmp -maxdepth 1 -name 'oko-upload-*' 2>/dev/null | wc -l)
	case $s in old) seen_old=$((seen_old + 1)) ;; new) seen_new=$((seen_new + 1)) ;; esac
	unaudited=$(sql "SELECT count(*) FROM upload u WHERE u.user_name = 'admin1' AND NOT EXISTS (SELECT 1 FROM audit a WHERE a.action = 'upload' AND a.user_login = 'admin1' AND a.object = u.file)")
	if [ "$ic" != ok ] || [ "$s" != old ] && [ "$s" != new ] || [ "$(leftovers)" != 0 ] ||
	   [ "$tmp_after" -gt "$tmp_before" ] || [ "$unaudited" != 0 ]; then
		bad=$((bad + 1))
		echo "# server round $i: integrity «$ic», results $s, spool leftovers $(leftovers), /tmp $tmp_before → $tmp_after, uploads without audit $unaudited"
	fi
done
expect_eq "$N servers killed with an upload in flight: rounds not all-or-nothing or with leftovers" "$bad" 0
echo "# server rounds: old version after $seen_old kills, new after $seen_new"
