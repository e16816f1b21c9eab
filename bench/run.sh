#!/bin/bash
# `make bench`: every benchmark in bench/bench_*.sh, each printing its throughput and peak
# memory. Figures depend on the machine: the header line says which one.
set -u
cd "$(dirname "$0")/.."
export OKO=${OKO:-$(pwd)/build/oko}
echo "bench: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -m), $(date -u +%F)"
status=0
for b in bench/bench_*.sh; do
	[ -e "$b" ] || continue
	echo "== $(basename "$b" .sh)"
	bash "$b" || status=1
done
exit $status
