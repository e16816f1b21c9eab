#!/bin/bash
# PostgreSQL beside SQLite (issue 19), on a throw-away cluster of its own.
#
# (a) A region of about 1 M works (2,500 schools, ВПР RU and MA grades 4-8, 2021, as in
#     bench_analyze.sh; BENCH_PG_REGION=N schools instead): the results import and `oko
#     analyze` on SQLite and on PostgreSQL side by side in one run — seconds, rows/s, peak
#     RSS of oko, the server's peak memory, the share of COMMIT (the deferred foreign-key
#     checks) and the WAL written, the PG/SQLite ratio — and `cmp` of the analysis CSVs of
#     both engines (they must be byte-identical; the bench fails otherwise).
# (b) A national database on PostgreSQL: 40,000 schools, RU and MA grades 4-8, 2020-2021
#     (~31.7 M works) with BENCH_NATIONAL=1; by default 4,000 schools (~3.2 M works, a
#     tenth), BENCH_PG_SCHOOLS=N sets any size, BENCH_NATIONAL=0 skips it. Free disk is
#     checked first (from the bytes a row the region of (a) took) and the size scaled down
#     with a message when it would not fit. The results go in as files of BENCH_PG_CHUNK
#     schools (2,000) each, one upload and one transaction a file, as regions would send
#     them; ANALYZE; `oko analyze` (stored, for the pages); `oko serve` on the database:
#     each page alone, then wrk -t2 -c64 -d10s — the home page, the risk list, a report
#     page, the upload monitoring of a procedure and a school card, logged in as the region;
#     BENCH_PG_UPLOADS (200) new schools' results files (one procedure, one class each)
#     posted BENCH_PG_UPLOAD_CONC (16) at a time through POST /upload; pg_dump -Fc, timed.
#     These feed the spring-window estimate of docs/scale.md.
# Peak memory of oko (its own RSS: /usr/bin/time, VmHWM for the server) and of the
# PostgreSQL server (the sum over its processes, sampled every 0.5 s: PSS — shared buffers
# counted once — and RSS, which counts them in every backend that touched them). The load
# average is printed beside the figures: on a shared machine it explains a slow run.
#
# The cluster is started as scripts/pgtest.sh does (initdb as the `postgres` system user when
# run as root, --locale=C -E UTF8 --auth=trust -U oko, the socket only in its directory) but
# not with that script: pgtest.sh switches durability off for the tests, which would flatter
# every write here. This one keeps PostgreSQL's durable defaults (fsync, synchronous_commit,
# full_page_writes on) and sizes memory for the machine; BENCH_PG_SETTINGS replaces the
# settings below, and the settings in force are printed from the server itself.
set -u
OKO=${OKO:?}
PGBIN=$(pg_config --bindir 2>/dev/null) || { echo "bench_pg: pg_config not found (scripts/deps.sh installs libpq-dev)"; exit 1; }
T=$(mktemp -d)
PGD=$(mktemp -d /tmp/oko-benchpg.XXXXXX)
SETTINGS=${BENCH_PG_SETTINGS:-"shared_buffers=2GB max_wal_size=8GB maintenance_work_mem=512MB max_connections=200"}
PID=
SAMPLER=
status=0

unset PGDATA PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGOPTIONS PGSERVICE OKO_DB
if [ "$(id -u)" -eq 0 ]; then
	as_owner() { runuser -u postgres -- "$@"; }
	chown postgres: "$PGD"
else
	as_owner() { "$@"; }
fi
chmod 700 "$PGD"

cleanup() {
	[ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	if [ -f "$PGD/data/postmaster.pid" ]; then
		(cd / && as_owner "$PGBIN/pg_ctl" -D "$PGD/data" -m fast -w -t 60 -s stop >/dev/null 2>&1)
	fi
	rm -rf "$T" "$PGD"
}
trap cleanup EXIT
# A copy of the binary: the national run is long, and a rebuild must not change it midway.
cp "$OKO" "$T/oko" || exit 1
OKO=$T/oko

pg_start() {
	# Statements of a second or more are logged: commit_secs reads the COMMITs' share.
	local opts="-c listen_addresses='' -k '$PGD' -c log_min_duration_statement=1000" s
	for s in $SETTINGS; do opts+=" -c $s"; done
	(cd "$PGD" && as_owner "$PGBIN/initdb" -D "$PGD/data" -U oko --auth=trust --locale=C -E UTF8 >"$PGD/initdb.log" 2>&1) ||
		{ echo "bench_pg: initdb failed"; cat "$PGD/initdb.log"; return 1; }
	(cd "$PGD" && as_owner "$PGBIN/pg_ctl" -D "$PGD/data" -l "$PGD/log" -w -t 60 -s start -o "$opts") ||
		{ echo "bench_pg: the server did not start"; tail -20 "$PGD/log"; return 1; }
}
psql_() { "$PGBIN/psql" -h "$PGD" -U oko -X -q -At "$@"; }
url_of() { echo "postgresql:///$1?host=$PGD&user=oko"; }
new_pgdb() { "$PGBIN/createdb" -h "$PGD" -U oko -T template0 -E UTF8 --locale=C "$1"; }

# The server's memory: sum over the postmaster and its children, every 0.5 s, the peaks
# in KB to $T/pgmem as "PSS RSS".
sample_start() {
	local pm
	pm=$(head -1 "$PGD/data/postmaster.pid")
	echo "0 0" >"$T/pgmem"
	(
		mp=0 mr=0
		while :; do
			read -r p r < <(for q in $pm $(ps --ppid "$pm" -o pid=); do cat "/proc/$q/smaps_rollup"; done 2>/dev/null |
				awk '/^Rss:/ { r += $2 } /^Pss:/ { p += $2 } END { print p + 0, r + 0 }')
			[ "$p" -gt "$mp" ] && mp=$p
			[ "$r" -gt "$mr" ] && mr=$r
			echo "$mp $mr" >"$T/pgmem.new" && mv "$T/pgmem.new" "$T/pgmem"
			sleep 0.5
		done
	) &
	SAMPLER=$!
}
sample_stop() { # prints "server peak PSS N MB (RSS sum M MB)"
	kill "$SAMPLER" 2>/dev/null; wait "$SAMPLER" 2>/dev/null; SAMPLER=
	awk '{ printf "server peak %5.0f MB PSS (RSS sum %5.0f MB)", $1 / 1024, $2 / 1024 }' "$T/pgmem"
}

# run LABEL DB CMD...: times `oko CMD` on DB; sets SEC CPU KB, prints nothing; fails loudly.
run() {
	local label=$1 db=$2; shift 2
	if ! OKO_DB=$db /usr/bin/time -f '%e %U %S %M' -o "$T/time" "$OKO" "$@" >"$T/cmd.out" 2>"$T/err"; then
		echo "$label: FAILED"; tail -3 "$T/err"; return 1
	fi
	local u s
	read -r SEC u s KB <"$T/time"
	CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')
}
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
log_mark() { stat -c %s "$PGD/log"; }
commit_secs() { # OFFSET: seconds spent in COMMIT statements of a second or more logged since OFFSET
	tail -c +$(($1 + 1)) "$PGD/log" | awk '/statement: COMMIT/ { for (i = 1; i < NF; i++) if ($i == "duration:") s += $(i + 1) }
		END { printf "%.1f", s / 1000 }'
}
wal_mark() { psql_ -d postgres -c "SELECT pg_current_wal_lsn()"; }
wal_since() { # LSN ROWS: "N MB of WAL, B bytes a row" written since LSN (the cluster is ours alone)
	psql_ -d postgres -c "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$1')" |
		awk -v r="$2" '{ printf "%.0f MB of WAL, %.0f bytes a row", $1 / 1048576, $1 / r }'
}
is_pg() { case "$1" in postgresql:*) return 0 ;; esac; return 1; }
setup() { # DB DIR: init, schools, procedures
	OKO_DB=$1 "$OKO" init >/dev/null &&
		OKO_DB=$1 "$OKO" import schools "$2/schools.csv" >/dev/null &&
		OKO_DB=$1 "$OKO" import procedures "$2/procedures.csv" >/dev/null
}
works_of() { awk -F, '$1 != "procedure" && $1 != "all" { s += $11 } END { print s + 0 }' "$1/region.csv"; }

pg_start || exit 1
export OKO_FILES=$T/files
mkdir -p "$OKO_FILES"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB; load average $(loadavg) at the start (others' work on the machine slows every figure)"
echo "PostgreSQL $(psql_ -d postgres -c 'SHOW server_version' | awk '{ print $1 }'), a cluster of its own on a Unix socket, data on $(df --output=fstype "$PGD" | tail -1);" \
	"settings: $(psql_ -d postgres -c "SELECT string_agg(name || '=' || current_setting(name), ' ' ORDER BY name) FROM pg_settings
	WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_level', 'shared_buffers', 'work_mem',
	               'maintenance_work_mem', 'max_wal_size', 'checkpoint_timeout', 'max_connections')")"

# ---- (a) a 1 M-work region on both engines ----
t0=$SECONDS
rs=${BENCH_PG_REGION:-2500}
"$OKO" gen --out "$T/r1m" --schools "$rs" --subjects RU,MA --grades 4-8 --years 2021 --quiet || exit 1
rows=$(($(wc -l <"$T/r1m/results.csv") - 1))
csv_bytes=$(stat -c %s "$T/r1m/results.csv")
echo "region: $rs schools, $rows result rows, generated in $((SECONDS - t0)) s"
SQ=$T/r1m.db
new_pgdb r1m && PG=$(url_of r1m) || exit 1
setup "$SQ" "$T/r1m" && setup "$PG" "$T/r1m" || exit 1
declare -A isec iprk asec aprk srv
for e in SQLite PostgreSQL; do
	db=$SQ; [ $e = PostgreSQL ] && db=$PG
	is_pg "$db" && sample_start && mark=$(log_mark) && wal=$(wal_mark)
	run "import results ($e)" "$db" import results "$T/r1m/results.csv" || exit 1
	isec[$e]=$SEC iprk[$e]=$KB
	is_pg "$db" && srv[import]="$(sample_stop); $(commit_secs "$mark") s of it in COMMIT (the deferred foreign-key checks); $(wal_since "$wal" "$rows")"
	printf '  import results  %-10s %8d rows %7.2f s %8.0f rows/s  oko peak %5.0f MB  %s\n' "$e" "$rows" "$SEC" \
		"$(awk -v r="$rows" -v s="$SEC" 'BEGIN { print (s > 0 ? r / s : 0) }')" "$(awk -v k="$KB" 'BEGIN { print k / 1024 }')" \
		"${srv[import]:-}"
done
for e in SQLite PostgreSQL; do
	db=$SQ; [ $e = PostgreSQL ] && db=$PG
	is_pg "$db" && sample_start
	run "analyze ($e)" "$db" analyze --out "$T/out-$e" --quiet || exit 1
	asec[$e]=$SEC aprk[$e]=$KB
	is_pg "$db" && srv[analyze]=$(sample_stop)
	printf '  analyze, stored %-10s %8d works %6.2f s wall %6.2f s CPU  oko peak %5.0f MB  %s\n' "$e" \
		"$(works_of "$T/out-$e")" "$SEC" "$CPU" "$(awk -v k="$KB" 'BEGIN { print k / 1024 }')" "${srv[analyze]:-}"
done
awk -v a="${isec[PostgreSQL]}" -v b="${isec[SQLite]}" -v c="${asec[PostgreSQL]}" -v d="${asec[SQLite]}" \
	-v e="${iprk[PostgreSQL]}" -v f="${iprk[SQLite]}" -v g="${aprk[PostgreSQL]}" -v h="${aprk[SQLite]}" \
	'BEGIN { printf "  PostgreSQL / SQLite: import %.1f× the time, analyze %.1f× the time; oko peak RSS %.2f× (import), %.2f× (analyze)\n", a / b, c / d, e / f, g / h }'
same=1
for f in signs.csv schools.csv region.csv municipalities.csv; do
	if ! cmp -s "$T/out-SQLite/$f" "$T/out-PostgreSQL/$f"; then
		echo "  $f DIFFERS between the engines: $(cmp "$T/out-SQLite/$f" "$T/out-PostgreSQL/$f" 2>&1 | head -1)"
		same=0 status=1
	fi
done
echo "  (load average $(loadavg))"
[ $same = 1 ] && echo "  signs.csv, schools.csv, region.csv, municipalities.csv: byte-identical on both engines (cmp)"
pg_bytes=$(psql_ -d r1m -c "SELECT pg_database_size(current_database())")
printf '  sizes: SQLite %.0f MB, PostgreSQL %.0f MB (after the analysis run)\n' \
	"$(stat -c %s "$SQ" | awk '{ print $1 / 1048576 }')" "$(awk -v b="$pg_bytes" 'BEGIN { print b / 1048576 }')"
rm -rf "$T/r1m" "$SQ" "$T/out-SQLite" "$T/out-PostgreSQL"
"$PGBIN/dropdb" -h "$PGD" -U oko r1m

# ---- (b) a national database on PostgreSQL ----
case "${BENCH_NATIONAL:-}" in
0) echo "national: skipped (BENCH_NATIONAL=0)"; exit $status ;;
1) schools=40000 ;;
*) schools=${BENCH_PG_SCHOOLS:-4000} ;;
esac
# Disk: the CSV and its chunks, the database (bytes a row as measured in (a), twice for the
# indexes' growth and dead rows) and the WAL (max_wal_size, at most 8 GB here) per school.
per_school=$(awk -v c="$csv_bytes" -v p="$pg_bytes" -v s="$rs" 'BEGIN { printf "%d", 2 * (2 * c + 2 * p) / s }') # 2 years
wal=$((8 * 1024 * 1024 * 1024))
avail=$(($(df --output=avail -B1 "$PGD" | tail -1)))
need=$((schools * per_school + wal))
echo "national: disk free $((avail >> 20)) MB at $(df --output=target "$PGD" | tail -1), need about $((need >> 20)) MB for $schools schools"
if [ "$need" -gt "$avail" ]; then
	fit=$(((avail - wal) / per_school))
	[ "$fit" -lt 100 ] && { echo "national: skipped, not enough disk"; exit $status; }
	echo "national: scaled down from $schools to $fit schools to fit the disk"
	schools=$fit
fi
t0=$SECONDS
"$OKO" gen --out "$T/nat" --schools "$schools" --subjects RU,MA --grades 4-8 --years 2020-2021 --quiet || exit 1
rows=$(($(wc -l <"$T/nat/results.csv") - 1))
echo "national: $schools schools (40,000 is the full scale), RU and MA grades 4-8, 2020-2021: $rows result rows, generated in $((SECONDS - t0)) s"
# One (school, procedure) group of the last year, the model of an upload in (b)'s last step.
proc=$(awk -F, 'NR > 1 { print $1 }' "$T/nat/procedures.csv" | sort | tail -1)
awk -F, -v p="$proc" -v h="$T/up_head" -v o="$T/up_rows" 'NR == 1 { print > h; next }
	s && $1 != s { exit } $2 == p && !s { s = $1 } $2 == p && $1 == s { sub(/^[^,]*,/, ""); print > o }' "$T/nat/results.csv"
[ -s "$T/up_rows" ] || { echo "national: no rows of $proc to model an upload on"; exit 1; }
chunk=${BENCH_PG_CHUNK:-2000}
mkdir "$T/chunks"
awk -F, -v n="$chunk" -v d="$T/chunks" 'NR == 1 { h = $0; next }
	$1 != last { last = $1; if (k++ % n == 0) { if (f) close(f); f = sprintf("%s/%06d.csv", d, k); print h > f } }
	{ print > f }' "$T/nat/results.csv"
rm -f "$T/nat/results.csv"
new_pgdb nat && DB=$(url_of nat) && setup "$DB" "$T/nat" || exit 1
sample_start
mark=$(log_mark)
wal=$(wal_mark)
tsec=0 tkb=0 n=0
for f in "$T"/chunks/*.csv; do
	r=$(($(wc -l <"$f") - 1))
	run "import $(basename "$f")" "$DB" import results "$f" || exit 1
	rate=$(awk -v r="$r" -v s="$SEC" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }')
	n=$((n + 1))
	[ $n = 1 ] && first="$rate rows/s"
	last="$rate rows/s"
	tsec=$(awk -v a="$tsec" -v b="$SEC" 'BEGIN { print a + b }')
	[ "$KB" -gt "$tkb" ] && tkb=$KB
	rm -f "$f"
done
printf '  import results  %d files of %d schools: %d rows %8.1f s %8.0f rows/s (first file %s, last %s)  oko peak %5.0f MB  %s; %s s of it in COMMIT (the deferred foreign-key checks); %s; load average %s\n' \
	"$n" "$chunk" "$rows" "$tsec" "$(awk -v r="$rows" -v s="$tsec" 'BEGIN { print r / s }')" "$first" "$last" \
	"$(awk -v k="$tkb" 'BEGIN { print k / 1024 }')" "$(sample_stop)" "$(commit_secs "$mark")" "$(wal_since "$wal" "$rows")" "$(loadavg)"
# The planner's statistics after a bulk load, as the PostgreSQL manual advises (autovacuum
# would get there on its own within minutes; the pages below must not run on none).
t0=$(date +%s.%N)
psql_ -d nat -c "ANALYZE" || exit 1
echo "  ANALYZE (the planner's statistics after the load): $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
sample_start
run "analyze (national)" "$DB" analyze --out "$T/out" --quiet || exit 1
printf '  analyze, stored  %d works %8.1f s wall %8.1f s CPU  oko peak %5.0f MB  %s; load average %s\n' "$(works_of "$T/out")" "$SEC" "$CPU" \
	"$(awk -v k="$KB" 'BEGIN { print k / 1024 }')" "$(sample_stop)" "$(loadavg)"
psql_ -d nat -c "SELECT round(pg_database_size('nat') / 1048576.0), round(pg_total_relation_size('result') / 1048576.0),
	round(pg_relation_size('result') / 1048576.0)" |
	awk -F'|' '{ printf "  database %s MB, of which the result table %s MB (heap %s MB, the rest its indexes and TOAST)\n", $1, $2, $3 }'
rm -rf "$T/out"

# The web pages under 64 connections, then uploads of new schools.
OKO_DB=$DB "$OKO" user add region --role region --password oko-bench-2026 >/dev/null &&
	OKO_DB=$DB "$OKO" user add upl --role admin --password oko-bench-2026 >/dev/null || exit 1
"$OKO" --db "$DB" serve --listen 127.0.0.1:0 --quiet >"$T/serve.log" 2>&1 &
PID=$!
for _ in $(seq 200); do
	port=$(grep -o 'слушает http://127.0.0.1:[0-9]*' "$T/serve.log" | grep -o '[0-9]*$')
	[ -n "$port" ] && break
	sleep 0.05
done
[ -n "$port" ] || { echo "  oko serve did not start:"; tail -3 "$T/serve.log"; exit 1; }
URL=http://127.0.0.1:$port
cookie_of() {
	curl -s -c - -o /dev/null --data-urlencode "login=$1" --data-urlencode "password=oko-bench-2026" "$URL/login" |
		awk '$6 == "oko_session" { print "oko_session=" $7 }'
}
# settle: waits (at most 5 minutes) until the server answers the login page within a
# second — requests a finished wrk left queued must not weigh on the next page's figures.
settle() {
	local t
	for _ in $(seq 300); do
		t=$(curl -s -o /dev/null -m 10 -w '%{time_total}' "$URL/login")
		awk -v t="$t" 'BEGIN { exit !(t > 0 && t < 1) }' && return
		sleep 1
	done
}
load() { # LABEL COOKIE PATH: one request alone (its status and time), then wrk
	local out rps p50 p99 non2xx errs code
	settle
	code=$(curl -sS -o /dev/null -m 300 -w '%{http_code} %{time_total}' -H "Cookie: $2" "$URL$3" 2>&1)
	[ "${code%% *}" = 200 ] || { echo "  $1: $3 answers ${code}, not 200"; status=1; return; }
	# A page that takes seconds alone would leave 64 requests queued behind wrk for minutes
	# and weigh on every later figure: its figure under 64 connections is the queue, said.
	if awk -v t="${code#* }" 'BEGIN { exit !(t > 3) }'; then
		printf '  %-34s alone %6.3f s; 64 conn.: not loaded — 2 worker threads would queue 64 requests for about %.0f s\n' \
			"$1" "${code#* }" "$(awk -v t="${code#* }" 'BEGIN { print 64 * t / 2 }')"
		return
	fi
	out=$(wrk -t2 -c64 -d10s --timeout 30s --latency -H "Cookie: $2" "$URL$3" 2>&1)
	rps=$(echo "$out" | awk '/Requests\/sec/ { print $2 }')
	p50=$(echo "$out" | awk '$1 == "50%" { print $2 }')
	p99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
	non2xx=$(echo "$out" | awk '/Non-2xx/ { print $NF }')
	errs=$(echo "$out" | awk '/Socket errors/ { print }')
	if ! echo "$out" | grep -q '^ *[1-9][0-9]* requests in'; then
		printf '  %-34s alone %6.3f s; 64 conn.: no request completed within the 10 s\n' "$1" "${code#* }"
		return
	fi
	printf '  %-34s alone %6.3f s; 64 conn. %8s req/s  p50 %8s  p99 %8s  %s%s\n' "$1" "${code#* }" "$rps" "$p50" "$p99" "${non2xx:+non-2xx: $non2xx }" "$errs"
}
rc=$(cookie_of region)
school=$(psql_ -d nat -c "SELECT login FROM school ORDER BY id LIMIT 1")
echo "  web: oko serve (2 worker threads) on PostgreSQL, wrk -t2 -c64 -d10s, logged in as the region; $proc for the report and the monitoring"
sample_start
load "home (region)" "$rc" /
load "risk list (region)" "$rc" /risk
load "report page (region)" "$rc" "/reports/$proc"
load "upload monitoring of a procedure" "$rc" "/monitoring?procedure=$proc"
load "school card" "$rc" "/schools/$school"
settle
echo "  pages: $(sample_stop); load average $(loadavg)"

uploads=${BENCH_PG_UPLOADS:-200}
conc=${BENCH_PG_UPLOAD_CONC:-16}
ac=$(cookie_of upl)
csrf=$(curl -s -H "Cookie: $ac" "$URL/upload" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{64\}')
mkdir "$T/up"
for u in $(seq "$uploads"); do
	{ cat "$T/up_head"; sed "s/^/bx$(printf %05d "$u"),/" "$T/up_rows"; } >"$T/up/$u.csv"
done
sample_start
t0=$(date +%s.%N)
seq "$uploads" | xargs -P "$conc" -I{} curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Cookie: $ac" \
	-F "csrf=$csrf" -F "file=@$T/up/{}.csv" "$URL/upload" >"$T/up.times"
t1=$(date +%s.%N)
sort -k2 -n "$T/up.times" | awk -v n="$uploads" -v c="$conc" -v r="$(wc -l <"$T/up_rows")" -v w="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" '
	{ t[NR] = $2; if ($1 != 200) bad++ }
	END { printf "  uploads: %d new schools × %d rows (one class, one procedure) posted %d at a time: %.1f s, %.1f uploads/s, p50 %.3f s, p99 %.3f s, not 200: %d\n",
		n, r, c, w, n / w, t[int(NR * 0.5 + 0.5)], t[int(NR * 0.99 + 0.5)], bad + 0 }'
echo "  uploads: $(sample_stop); load average $(loadavg)"
stored=$(psql_ -d nat -c "SELECT count(*) FROM result r JOIN school s ON s.id = r.school_id WHERE s.login LIKE 'bx%'")
[ "$stored" = $((uploads * $(wc -l <"$T/up_rows"))) ] || { echo "  uploads: $stored rows stored, expected $((uploads * $(wc -l <"$T/up_rows")))"; status=1; }
hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$PID/status")
kill "$PID"; wait "$PID" 2>/dev/null; PID=
printf '  oko serve peak RSS (VmHWM) %.0f MB\n' "$(awk -v k="$hwm" 'BEGIN { print k / 1024 }')"

# The nightly logical backup of docs/scale.md, timed.
t0=$(date +%s.%N)
"$PGBIN/pg_dump" -h "$PGD" -U oko -Fc -f "$T/nat.dump" nat || { echo "  pg_dump failed"; exit 1; }
printf '  pg_dump -Fc: %.1f s, %.0f MB (the database %s MB)\n' "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" \
	"$(stat -c %s "$T/nat.dump" | awk '{ print $1 / 1048576 }')" "$(psql_ -d nat -c "SELECT round(pg_database_size('nat') / 1048576.0)")"
exit $status
