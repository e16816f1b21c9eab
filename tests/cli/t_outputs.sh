#!/bin/bash
# Every CSV oko writes reads back through a strict RFC 4180 reader (tests/tools/csvcheck):
# UTF-8, comma-separated, every record as wide as its header. signs.csv used to put the
# detail's commas unquoted (16 or 23 fields where the header has 10), and region.csv's
# «all» row was shorter than the header: pandas and Excel broke on both.
. "$(dirname "$0")/lib.sh"
CHECK=${BUILD:-}/tests/tools/csvcheck
if [ ! -x "$CHECK" ]; then
	skip "csvcheck not built"
	echo "1..$_n"
	exit 0
fi
strict() { # DESCRIPTION FILE...
	local d=$1; shift
	if "$CHECK" "$@" >"$T/check.out" 2>&1; then ok "$d"; else fail "$d: $(cat "$T/check.out")"; fi
}

# oko gen: the canonical files of a synthetic region (school names with quotes and commas).
expect_ok "gen writes a region" gen --out "$T/gen" --schools 40 --seed 3
strict "gen: schools.csv, procedures.csv, results.csv, truth.csv" \
	"$T/gen/schools.csv" "$T/gen/procedures.csv" "$T/gen/results.csv" "$T/gen/truth.csv"

# The region imported, analysed and exported.
"$OKO" init >/dev/null
"$OKO" import schools "$T/gen/schools.csv" >/dev/null
"$OKO" import procedures "$T/gen/procedures.csv" >/dev/null
"$OKO" import results "$T/gen/results.csv" >/dev/null 2>&1
expect_ok "analyze" analyze --out "$T/an" --quiet
strict "analyze: signs.csv" "$T/an/signs.csv"
strict "analyze: schools.csv, region.csv, municipalities.csv" \
	"$T/an/schools.csv" "$T/an/region.csv" "$T/an/municipalities.csv"
check "signs.csv has details that need quoting (the test bites)" grep -q ',"' "$T/an/signs.csv"
p=$(sql "SELECT code FROM procedure ORDER BY code LIMIT 1")
expect_ok "export results" export results --procedure "$p" --out "$T/exp.csv"
strict "export results CSV" "$T/exp.csv"

# Upload monitoring of a procedure.
expect_ok "monitoring CSV" monitoring --procedure "$p" --format csv --out "$T/mon.csv"
strict "monitoring CSV" "$T/mon.csv"

# A problem report with messages full of commas and quotes.
run_oko import results "$DATA/results/bad.csv" --report "$T/report.csv"
strict "import --report CSV" "$T/report.csv"

# analyze-histogram.
printf 'score,count\n0,3\n1,5\n2,9\n3,12\n4,20\n5,7\n6,2\n' >"$T/hist.csv"
if "$OKO" analyze-histogram --counts "$T/hist.csv" --boundaries 3 --out "$T/hist_out.csv" >/dev/null 2>&1; then
	strict "analyze-histogram --out CSV" "$T/hist_out.csv"
else
	skip "analyze-histogram did not write a file with these options"
fi
echo "1..$_n"
