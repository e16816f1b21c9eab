#!/bin/bash
# oko analyze outputs byte for byte: signs.csv, schools.csv, region.csv and municipalities.csv
# of (a) a generated region (oko gen --seed 1, every kind of distortion, two years so that
# the cohort and share2 signs are evaluated) and (b) the real 2021 files when they are
# present, against sha256 sums recorded from a known binary. A refactoring must leave them
# alone; a change of method changes them on purpose.
#
# To regenerate after an intended method change (and say so in the commit message):
#   GOLDEN_PRINT=1 OKO=$PWD/build/oko bash tests/cli/t_golden.sh
# prints the new sums in the shape of the tables below; paste them here. The sums below
# were made by the pre-refactoring binary 130e235 (issue 14); the generated schools.csv's
# again when the generator numbered village schools of one name in a municipality («МКОУ
# «ООШ № 2 с. Садовое»»): its name column alone changed, in 16 of 200 rows.
. "$(dirname "$0")/lib.sh"

FILES="signs.csv schools.csv region.csv municipalities.csv"

# compare LABEL DIR SUMS: one check per file against the recorded "file sum" lines.
compare() {
	local label=$1 dir=$2 sums=$3 f want got
	for f in $FILES; do
		got=$(sha256sum "$dir/$f" 2>/dev/null | cut -d' ' -f1)
		if [ -n "${GOLDEN_PRINT:-}" ]; then echo "# $label $f $got"; fi
		want=$(echo "$sums" | awk -v f="$f" '$1 == f {print $2}')
		expect_eq "$label: $f byte-identical" "$got" "$want"
	done
}

GEN_SUMS="
signs.csv 607c922e998a3b5413c6a5388042a65a10fee5497c1e430d0fe4cba91911fcc6
schools.csv fc76db07304d1cf25a9c7c1144eabff65d619eef6d108f52e5c4c0149e39df7b
region.csv 71842ca0e44c3e0386be865996eb514a23af76db4ae1d4509a7ed00b64a8fb47
municipalities.csv dcbc2abd4fbba940050c8e2ddba43535013ecef42eefc3a7f511ba290a9ec1b3
"
REAL_SUMS="
signs.csv 312d931ab986e23e2b12bd2582c84b554c71f715f161f8f7e2b492de4964e12b
schools.csv 4415f685b9140871276966c640dfb4b903b08b31b98e0097131d85e8e16641f1
region.csv ba4b165940a10e2eae0f13b8cd5b2c16edd4dcc2a7700c619a7cb0703fd2511e
municipalities.csv ae19db31c395fcf31eafaa444fc62b4285ae1f96ea32c9cad9b663a139cdbf70
"

# (a) A generated region: 200 schools in 4 municipalities, RU and MA, grades 4-5, 2020-2021.
"$OKO" gen --out "$T/g" --schools 200 --municipalities 4 --kinds all --manipulated 0.1 \
	--subjects RU,MA --grades 4-5 --years 2020-2021 --seed 1 --quiet
"$OKO" init >/dev/null
for k in schools procedures results; do "$OKO" import "$k" "$T/g/$k.csv" >/dev/null; done
expect_ok "generated region: analyze" analyze --out "$T/og" --quiet
compare "generated" "$T/og" "$GEN_SUMS"

# (b) The real 2021 files with their KIM descriptions and the region's school list (for the
# municipalities), imported as tests/cli/t_analyze.sh does.
real=$(real_dir)
if [ -z "$real" ] || [ ! -d "$real/vpr2021" ]; then
	skip "real data not found beside the checkout ($OKO_SHARED/data/real)"
else
	OKO_DB=$(new_db real); export OKO_DB
	"$OKO" init >/dev/null
	"$OKO" import schools "$real/logins.xlsx" --region "Алтайский край" >/dev/null 2>&1
	for spec in "ru4 RU-4 14/24/33" "ma4 MA-4 6/10/14" "ru5 RU-5 18/29/39" "ma5 MA-5 7/11/15"; do
		set -- $spec
		"$OKO" import kim "$real/kim2021/$1.xlsx" --procedure "VPR-2021-$2" --scale "$3" >/dev/null 2>&1
		"$OKO" import results "$real/vpr2021/$1.xlsx" --procedure "VPR-2021-$2" >/dev/null 2>&1
	done
	expect_ok "real 2021: analyze" analyze --out "$T/or" --quiet
	expect_eq "real 2021: four procedures, 628 RU-4 schools" "$(awk -F, 'NR > 1 && $1 != "all" {n++} $1 == "VPR-2021-RU-4" {s = $12} END {print n "/" s}' "$T/or/region.csv")" "4/628"
	compare "real" "$T/or" "$REAL_SUMS"
fi
echo "1..$_n"
