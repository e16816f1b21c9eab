#!/bin/bash
# Results import speed and memory: canonical CSV throughput (1M rows), peak memory on a
# 5M-row file, and each real 2021 XLSX (when ../shared/data/real is present).
# Targets (issue 3): ≥ 400,000 rows/s, peak < 300 MB at 5M rows, each real XLSX < 1 s.
set -u
OKO=${OKO:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export OKO_DB=$T/bench.db
"$OKO" init >/dev/null
"$OKO" import procedures "$(dirname "$0")/../tests/data/procedures.csv" >/dev/null

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

measure() { # LABEL ROWS FILE [ARGS...]: prints seconds, rows/s, peak RSS
	local label=$1 rows=$2 file=$3; shift 3
	/usr/bin/time -f '%e %M' -o "$T/time" "$OKO" import results "$file" "$@" >/dev/null 2>"$T/err" || { echo "$label: FAILED"; tail -3 "$T/err"; return 1; }
	read -r sec kb <"$T/time"
	awk -v l="$label" -v r="$rows" -v s="$sec" -v k="$kb" 'BEGIN { printf "%-34s %9d rows %6.2f s %9.0f rows/s  peak %5.0f MB\n", l, r, s, (s > 0 ? r / s : 0), k / 1024 }'
}

make_csv 1000000 "$T/1m.csv"
measure "canonical CSV, new schools" 1000000 "$T/1m.csv"
measure "canonical CSV, replacing" 1000000 "$T/1m.csv"
make_csv 5000000 "$T/5m.csv"
rm -f "$T/1m.csv"
measure "canonical CSV 5M (memory)" 5000000 "$T/5m.csv"
rm -f "$T/5m.csv"

real=${OKO_SHARED:-$(cd "$(dirname "$0")/../.." && pwd)/shared}/data/real
if [ -d "$real/vpr2021" ]; then
	for s in "ru4 RU-4 26595" "ma4 MA-4 26666" "ru5 RU-5 26501" "ma5 MA-5 26139"; do
		set -- $s
		"$OKO" import kim "$real/kim2021/$1.xlsx" --procedure "VPR-2021-$2" >/dev/null
		measure "real $1.xlsx" "$3" "$real/vpr2021/$1.xlsx" --procedure "VPR-2021-$2"
	done
else
	echo "real XLSX: skipped, $real not found"
fi
