#!/bin/bash
# `make bench`: every benchmark in bench/bench_*.sh, each printing its throughput and peak
# memory. Figures depend on the machine: the header line says which one, and its load.
#
# Side by side with the previous build, in the same run: the machine is shared and noisy, so a
# figure means something only beside the same measurement of the build before, taken in
# turn with it. bench/base.sh builds the commit named in bench/BASE (one line: the hash of
# main before the current piece of work; BENCH_BASE=<ref> names another, BENCH_BASE=none
# skips it) into build/base/oko, reused while the hash is the same. This script exports to
# every bench_*.sh:
#   OKO          this build (build/oko)
#   OKO_BASE     the base build's binary, or empty when there is none (BENCH_BASE=none, or
#                its build failed: then make bench also exits 1)
#   OKO_BASE_SRC the base commit's exported tree (build/base-src, its objects in its build/),
#                for a script that needs another target of the base (make -C "$OKO_BASE_SRC"
#                build/tests/tools/assignbench); empty with no base
# A script measures with "$OKO_BASE" and "$OKO" alternately (base, new, base, new…), the
# same number of runs each, and prints each figure with a label column (base / new); with
# OKO_BASE empty it prints only the new build's lines. Move bench/BASE forward when a
# piece of work lands.
# bench_pg.sh (PostgreSQL beside SQLite, a national database; docs/scale.md) runs here too,
# on a cluster of its own: BENCH_NATIONAL=1 for its 40,000 schools, BENCH_NATIONAL=0 skips
# that part (as it skips bench_analyze.sh's), BENCH_PG_SCHOOLS=N any size.
set -u
cd "$(dirname "$0")/.." || exit 1
export OKO=${OKO:-$(pwd)/build/oko}
echo "bench: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m), $(date -u +%F), load $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
OKO_BASE=$(bash bench/base.sh) || { status=1; OKO_BASE=; }
OKO_BASE_SRC=
if [ -n "$OKO_BASE" ]; then
	OKO_BASE_SRC=$(pwd)/build/base-src
	echo "bench: base $(git log -1 --format='%h %ad %s' --date=short "$(cat build/base/HASH)" | cut -c1-100)"
else
	echo "bench: no base build; this build alone"
fi
echo "bench: new  $(git log -1 --format='%h %ad' --date=short HEAD)$(git diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted changes in src/')"
export OKO_BASE OKO_BASE_SRC
for b in bench/bench_*.sh; do
	[ -e "$b" ] || continue
	echo "== $(basename "$b" .sh)"
	bash "$b" || status=1
done
exit $status
