#!/bin/bash
# ДКР (the region's own diagnostic works) are evaluated like any procedure, and a ВПР is
# compared with the ДКР the same pupils wrote (vpr_above_dkr, docs/methodology-oko.md
# §6.5). Known by construction: a generated region whose ДКР-2021-MA-4 is its
# ВПР-2021-MA-4 copied row by row (every school stands where it stood), except one school
# whose ДКР works were all scored 0 — its ВПР stands far above its ДКР, and it alone is
# flagged.
. "$(dirname "$0")/lib.sh"
"$OKO" init >/dev/null
G=$T/g
"$OKO" gen --out "$G" --schools 60 --subjects MA --grades 4 --years 2021 --manipulated 0 --quiet
B=sch990007
awk -F, -v OFS=, 'NR == 1 { print; next } { print } $1 == "VPR-2021-MA-4" { $1 = "DKR-2021-MA-4"; $2 = "DKR"; print }' \
	"$G/procedures.csv" >"$T/procs.csv"
awk -F, -v OFS=, -v b=$B 'NR == 1 { print; next } { print; $2 = "DKR-2021-MA-4"
	if ($1 == b && $8 == 0) for (i = 9; i <= NF; i++) if ($i != "") $i = 0
	print }' "$G/results.csv" >"$T/results.csv"
"$OKO" import schools "$G/schools.csv" >/dev/null
expect_ok "a ДКР procedure imports" import procedures "$T/procs.csv"
expect_ok "its results import beside the ВПР" import results "$T/results.csv"
expect_ok "analyze" analyze --out "$T/o"
S=$T/o/signs.csv
n=$(awk -F, '$2 == "DKR-2021-MA-4" && $3 == "mean_inflated" { n++ } END { print n + 0 }' "$S")
expect_eq "the ДКР is evaluated with the official signs, a row per school" "$n" 60
n=$(awk -F, '$2 == "DKR-2021-MA-4" && $3 == "boundary_bunching" { n++ } END { print n + 0 }' "$S")
expect_eq "… and oko's own" "$n" 60
flagged=$(awk -F, '$2 == "VPR-2021-MA-4" && $3 == "vpr_above_dkr" && $7 == "flag" { print $1 }' "$S" | paste -sd ' ')
expect_eq "only the school whose ДКР is far below its ВПР is flagged" "$flagged" "$B"
rows=$(awk -F, '$2 == "VPR-2021-MA-4" && $3 == "vpr_above_dkr" { n++ } END { print n + 0 }' "$S")
expect_eq "every school that wrote both has a row" "$rows" 60
detail=$(awk -F, -v b=$B '$1 == b && $3 == "vpr_above_dkr" { print $10 }' "$S")
expect_grep "the row names the ДКР it was compared with" <(echo "$detail") "from=DKR-2021-MA-4"
q=$(awk -F, -v b=$B '$1 == b && $3 == "vpr_above_dkr" { print ($9 < 1e-6) }' "$S")
expect_eq "… far beyond chance (q below one in a million)" "$q" 1
expect_eq "the flagged school is on oko's list" "$(awk -F, -v b=$B 'NR > 1 && $1 == b { print $5 }' "$T/o/schools.csv")" 1
# A ДКР of the next autumn (grade 5, 2022) pairs with the spring's ВПР of grade 4 too.
sed 's/DKR-2021-MA-4,DKR,2021,MA,4/DKR-2022-MA-5,DKR,2022,MA,5/' "$T/procs.csv" | grep -v '^VPR' >"$T/procs2.csv"
OKO_DB=$(new_db autumn); export OKO_DB
"$OKO" init >/dev/null
"$OKO" import schools "$G/schools.csv" >/dev/null
"$OKO" import procedures "$G/procedures.csv" >/dev/null
"$OKO" import procedures "$T/procs2.csv" >/dev/null
sed 's/,DKR-2021-MA-4,4/,DKR-2022-MA-5,5/; s/,DKR-2021-MA-4,/,DKR-2022-MA-5,/' "$T/results.csv" |
	awk -F, -v OFS=, '$2 == "DKR-2022-MA-5" { $4 = "5" substr($4, 2) } { print }' >"$T/results2.csv"
expect_ok "the autumn ДКР imports" import results "$T/results2.csv"
expect_ok "analyze 2021" analyze --year 2021 --out "$T/o2"
flagged=$(awk -F, '$3 == "vpr_above_dkr" && $7 == "flag" { print $1 ":" $2 }' "$T/o2/signs.csv" | paste -sd ' ')
expect_eq "the ВПР is compared with the next autumn's ДКР of the same pupils" "$flagged" "$B:VPR-2021-MA-4"
echo "1..$_n"
