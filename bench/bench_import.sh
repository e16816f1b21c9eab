#!/bin/bash
# Results import speed and memory: canonical CSV throughput (1M rows, new schools and
# replacing), peak memory on a 5M-row file, and each real 2021 XLSX (when ../shared/data/real
# is present) beside the time it takes only to decompress its sheet (unzip -p).
# Targets (issue 21): canonical CSV into SQLite ≥ 1,000,000 rows/s; XLSX at the speed of
# its decompression; peak < 300 MB at 5M rows (issue 3).
# Side by side: with OKO_BASE set (bench/run.sh builds the commit in bench/BASE), every
# figure is measured with the base build and this one in turn, BENCH_RUNS times each
# (default 3), and the median is printed; the line under each CSV figure is this build's
# phases (OKO_LOG=debug: reading and checking with no lock, the store, the commit).
set -u
OKO=${OKO:?}
BASE=${OKO_BASE:-}
RUNS=${BENCH_RUNS:-3}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

builds() { [ -n "$BASE" ] && echo base; echo new; }
bin() { [ "$1" = base ] && echo "$BASE" || echo "$OKO"; }

# An empty database with the procedures, per build (a base build may have an older schema).
for b in $(builds); do
	OKO_DB=$T/empty-$b.db "$(bin "$b")" init >/dev/null
	OKO_DB=$T/empty-$b.db "$(bin "$b")" import procedures "$(dirname "$0")/../tests/data/procedures.csv" >/dev/null
done

# Canonical rows of VPR-2021-RU-4 (20 positions), 25 pupils a class, 2 classes a school.
make_csv() { # ROWS FILE
	awk -v n="$1" 'BEGIN {
		srand(7)
		printf "school,procedure,code,class,variant,gender,journal_mark,absent"
		split("4 3 3 1 3 2 1 2 3 2 1 1 2 1 2 1 2 1 2 1", mx, " ")
		for (j = 1; j <= 20; j++) printf ",p%d", j
		printf "\n"
		for (i = 0; i < n; i++) {
			s = int(i / 50)
			printf "sch%06d,VPR-2021-RU-4,%d,4%s,%d,%s,%d,%d", s, 40001 + i % 50, (i % 50 < 25) ? "А" : "Б", 1 + i % 2, (i % 3) ? "м" : "ж", 2 + i % 4, (i % 17 == 0)
			for (j = 1; j <= 20; j++) {
				if (i % 17 == 0) printf ","
				else printf ",%d", int(rand() * (mx[j] + 1))
			}
			printf "\n"
		}
	}' > "$2"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# One import: seconds and peak KB into $T/time; the phases line into $T/phases.
once() { # BUILD DB FILE [ARGS...]
	local b=$1 db=$2 file=$3; shift 3
	OKO_LOG=debug OKO_DB=$db /usr/bin/time -f '%e %M' -o "$T/time" "$(bin "$b")" import results "$file" "$@" >/dev/null 2>"$T/err" ||
		{ echo "FAILED ($b)"; tail -3 "$T/err"; return 1; }
	grep -o 'импорт результатов.*' "$T/err" | tail -1 >"$T/phases-$b"
}

# LABEL ROWS FILE MODE [ARGS...]: MODE fresh (an empty database each run) or replace (the
# same rows imported once before, so each run replaces every school's results).
measure() {
	local label=$1 rows=$2 file=$3 mode=$4; shift 4
	local b
	for b in $(builds); do : >"$T/sec-$b"; : >"$T/kb-$b"; done
	for _ in $(seq "$RUNS"); do
		for b in $(builds); do
			cp "$T/empty-$b.db" "$T/run.db"
			rm -f "$T/run.db-wal" "$T/run.db-shm"
			if [ "$mode" = replace ]; then
				once "$b" "$T/run.db" "$file" "$@" || return 1
			fi
			once "$b" "$T/run.db" "$file" "$@" || return 1
			read -r sec kb <"$T/time"
			dump "$T/run.db" >"$T/dump-$b"
			echo "$sec" >>"$T/sec-$b"
			echo "$kb" >>"$T/kb-$b"
		done
	done
	rm -f "$T/run.db" "$T/run.db-wal" "$T/run.db-shm"
	for b in $(builds); do
		local s k
		s=$(median <"$T/sec-$b")
		k=$(sort -n "$T/kb-$b" | tail -1)
		awk -v l="$label" -v b="$b" -v r="$rows" -v s="$s" -v k="$k" 'BEGIN { printf "%-30s %-4s %9d rows %6.2f s %9.0f rows/s  peak %5.0f MB\n", l, b, r, s, (s > 0 ? r / s : 0), k / 1024 }'
	done
	sed 's/^/    phases (new): /' "$T/phases-new"
	if [ -n "$BASE" ]; then
		cmp -s "$T/dump-base" "$T/dump-new" && echo "    stored results: identical to the base build's (cmp)" ||
			echo "    stored results: DIFFER from the base build's"
	fi
}

# What an import stored, in a fixed order, for cmp between the builds.
dump() { # DB
	sqlite3 "$1" "SELECT p.code, s.login, r.code, r.class, r.gender, r.variant, r.journal_mark,
		r.absent, r.primary_score, r.stated_total, hex(r.scores), r.problems
		FROM result r JOIN school s ON s.id = r.school_id JOIN procedure p ON p.id = r.procedure_id
		ORDER BY p.code, s.login, r.code"
}

# The floor of the store on this machine: SQLite alone inserting the same 1M rows into the
# result table of an empty database (one INSERT ... SELECT from an in-memory copy, foreign
# keys off as in the import's bulk transaction), then its COMMIT; RUNS times, medians. The
# import cannot be faster than this plus its reading and checking, which comes before the
# write lock (the phases line above it). The same rows are then stored in two other
# layouts, scratch tables for the measure only: a narrow row a participant (the key and
# one blob of the scores and 10 bytes for the other fields), and one row a school and
# procedure (the blobs of the analysis's copy, result_pack, as the import made them).
floor_one() { # LABEL ROWS-SELECT CREATE INSERT
	local db=$T/floor.db
	: >"$T/floor-ins"; : >"$T/floor-com"
	for _ in $(seq "$RUNS"); do
		cp "$T/empty-new.db" "$db"
		rm -f "$db-wal" "$db-shm"
		sqlite3 "$db" >"$T/floor.out" 2>&1 <<SQL
PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;
PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON;
ATTACH '$T/src.db' AS src;
CREATE TEMP TABLE rows AS $2;
DETACH src;
$3
BEGIN;
.timer on
$4;
COMMIT;
SQL
		grep -o 'real [0-9.]*' "$T/floor.out" | sed -n 1p | cut -d' ' -f2 >>"$T/floor-ins"
		grep -o 'real [0-9.]*' "$T/floor.out" | sed -n 2p | cut -d' ' -f2 >>"$T/floor-com"
	done
	rm -f "$db" "$db-wal" "$db-shm"
	local ins com
	ins=$(median <"$T/floor-ins")
	com=$(median <"$T/floor-com")
	if [ -z "$ins" ] || [ -z "$com" ]; then
		echo "    $1: FAILED"
		tail -3 "$T/floor.out"
		return 1
	fi
	awk -v l="$1" -v i="$ins" -v c="$com" 'BEGIN { printf "    %s: insert %.2f s, commit %.2f s\n", l, i, c }'
}

sqlite_floor() { # FILE
	cp "$T/empty-new.db" "$T/src.db"
	OKO_DB=$T/src.db "$OKO" import results "$1" >/dev/null 2>&1 || { echo "    SQLite alone: FAILED"; return 1; }
	floor_one "SQLite alone, the same rows (the store's floor)" "SELECT * FROM src.result" "" \
		"INSERT INTO main.result SELECT * FROM temp.rows"
	floor_one "the same, a narrow row a participant" \
		"SELECT procedure_id, school_id, code, CAST(coalesce(scores, x'') || x'00112233445566778899' AS BLOB) AS data FROM src.result" \
		"CREATE TABLE floor_r (procedure_id INTEGER NOT NULL, school_id INTEGER NOT NULL, code TEXT NOT NULL, data BLOB, PRIMARY KEY (procedure_id, school_id, code)) WITHOUT ROWID;" \
		"INSERT INTO floor_r SELECT * FROM temp.rows"
	floor_one "the same, one row a school and procedure" "SELECT * FROM src.result_pack" \
		"CREATE TABLE floor_r (procedure_id INTEGER NOT NULL, school_id INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (procedure_id, school_id)) WITHOUT ROWID;" \
		"INSERT INTO floor_r SELECT * FROM temp.rows"
	rm -f "$T/src.db" "$T/src.db-wal" "$T/src.db-shm"
}

make_csv 1000000 "$T/1m.csv"
measure "canonical CSV, new schools" 1000000 "$T/1m.csv" fresh
sqlite_floor "$T/1m.csv"
measure "canonical CSV, replacing" 1000000 "$T/1m.csv" replace
make_csv 5000000 "$T/5m.csv"
rm -f "$T/1m.csv"
RUNS=1 measure "canonical CSV 5M (memory)" 5000000 "$T/5m.csv" fresh
rm -f "$T/5m.csv"

real=${OKO_SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/shared}/data/real
if [ -d "$real/vpr2021" ]; then
	for b in $(builds); do
		for s in "ru4 RU-4" "ma4 MA-4" "ru5 RU-5" "ma5 MA-5"; do
			# shellcheck disable=SC2086
			set -- $s
			OKO_DB=$T/empty-$b.db "$(bin "$b")" import kim "$real/kim2021/$1.xlsx" --procedure "VPR-2021-$2" >/dev/null
		done
	done
	for s in "ru4 RU-4 26595" "ma4 MA-4 26666" "ru5 RU-5 26501" "ma5 MA-5 26139"; do
		# shellcheck disable=SC2086
		set -- $s
		measure "real $1.xlsx" "$3" "$real/vpr2021/$1.xlsx" fresh --procedure "VPR-2021-$2"
		# What decompressing the workbook's sheets alone takes (the floor for an XLSX).
		/usr/bin/time -f '%e' -o "$T/time" sh -c "unzip -p '$real/vpr2021/$1.xlsx' 'xl/worksheets/*.xml' >/dev/null"
		printf '    %-26s %6.2f s\n' "decompressing its sheets:" "$(cat "$T/time")"
	done
else
	echo "real XLSX: skipped, $real not found"
fi
