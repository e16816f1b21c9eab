#!/bin/bash
# `make bench`: every benchmark in bench/bench_*.sh, each printing its throughput and peak
# memory. Figures depend on the machine: the header line says which one.
set -u
cd "$(dirname "$0")/.."
export OKO=${OKO:-$(pwd)/build/oko}
echo "bench: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m), $(date -u +%F)"
status=0
# bench_pg.sh (PostgreSQL beside SQLite, a national database; docs/scale.md) runs here too,
# on a cluster of its own: BENCH_NATIONAL=1 for its 40,000 schools, BENCH_NATIONAL=0 skips
# that part (as it skips bench_analyze.sh's), BENCH_PG_SCHOOLS=N any size.
for b in bench/bench_*.sh; do
	[ -e "$b" ] || continue
	echo "== $(basename "$b" .sh)"
	bash "$b" || status=1
done
exit $status
