#!/bin/bash
# Generator throughput: `oko gen` writes a region of about 3 million results (4,200
# schools, ВПР RU/MA grades 4-8, two years) to a temporary directory and reports results
# per second and its peak memory (VmHWM, read by the generator itself with --stats).
# Memory must not grow with the size: a second, 4x smaller run is shown beside it.
# With OKO_BASE (bench/run.sh: the base build), each size is run by the base and this build in
# turn, the first column saying which.
set -eu
OKO=${OKO:-build/oko}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
for n in 1050 4200; do
for b in ${OKO_BASE:+base} new; do
	bin=$OKO
	[ "$b" = base ] && bin=$OKO_BASE
	out=$("$bin" gen --out "$T/r$n" --schools "$n" --seed 1 --stats)
	rows=$(sed -n 's/.*результатов \([0-9]*\) .*/\1/p' <<<"$out" | head -1)
	stats=$(tail -1 <<<"$out")
	rate=$(sed -n 's/.*; \([0-9]*\) результатов\/с.*/\1/p' <<<"$stats")
	mb=$(sed -n 's/.*; \([0-9.]*\) МБ\/с.*/\1/p' <<<"$stats")
	rss=$(sed -n 's/.*(VmHWM) \([0-9.]*\) МБ.*/\1/p' <<<"$stats")
	size=$(du -m "$T/r$n/results.csv" | cut -f1)
	printf '%-4s gen %5d schools: %8d results, %4d MB csv, %8d results/s, %6s MB/s, peak RSS %s MB\n' \
		"$b" "$n" "$rows" "$size" "$rate" "$mb" "$rss"
	rm -rf "$T/r$n"
done
done
