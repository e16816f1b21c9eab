#!/bin/bash
# The analysis's copy of the results (src/model/result_pack.h): the analysis reads one blob
# a school and procedure, and must give the same bytes as from the result rows themselves.
# Known by construction: the same database read both ways (the copy dropped and the
# procedures listed as not packed, as a database made before migration 024 is), after an
# import, a stored run that packs them, and a replacement of some schools' results;
# tests/tools/packcheck compares every blob with the rows (and lib.sh runs it at every
# script's end), and here it is shown to catch a row changed behind the writer's back.
. "$(dirname "$0")/lib.sh"
PACKCHECK=${BUILD:?BUILD must name the build directory}/tests/tools/packcheck

unpack() { sql "DELETE FROM result_pack; INSERT INTO result_unpacked (procedure_id) SELECT DISTINCT procedure_id FROM result" >/dev/null; }
same_outputs() { # DESCRIPTION DIR1 DIR2: every CSV the same bytes
	local f bad=
	for f in "$2"/*.csv; do cmp -s "$f" "$3/$(basename "$f")" || bad="$bad $(basename "$f")"; done
	expect_eq "$1" "${bad:-none differ}" "none differ"
}

"$OKO" init >/dev/null
"$OKO" gen --out "$T/g" --schools 60 --seed 7 --manipulated 0.3 --quiet >/dev/null
for f in schools procedures results; do "$OKO" import "$f" "$T/g/$f.csv" >/dev/null; done
n=$(sql "SELECT count(DISTINCT procedure_id) FROM result")
check "an import packs every procedure it stores" "$PACKCHECK"
expect_eq "… all $n of them" "$("$PACKCHECK")" "packs: $n packed, 0 unpacked, 0 differ"
expect_eq "one blob a school and procedure" "$(sql "SELECT count(*) FROM result_pack")" \
	"$(sql "SELECT count(*) FROM (SELECT DISTINCT procedure_id, school_id FROM result) x")"
expect_ok "analysis from the blobs" analyze --no-store --out "$T/packed" --quiet

unpack
expect_eq "a database without the copy lists its procedures as not packed" "$("$PACKCHECK")" \
	"packs: 0 packed, $n unpacked, 0 differ"
expect_ok "analysis from the rows" analyze --no-store --out "$T/rows" --quiet
same_outputs "the blobs and the rows give the same outputs" "$T/packed" "$T/rows"
expect_ok "a stored run packs the procedures first" analyze --out "$T/stored"
expect_grep "… and says so" "$T/out" "упаковано для анализа процедур: $n"
expect_eq "… all of them" "$("$PACKCHECK")" "packs: $n packed, 0 unpacked, 0 differ"
same_outputs "… with the same outputs" "$T/packed" "$T/stored"
expect_ok "the next stored run has nothing to pack" analyze --out "$T/stored2"
check "… and does not say it would" sh -c "! grep -q 'упаковано' '$T/out'"

# Three schools' results replaced: their marks moved by one and their last participant
# gone; the blobs of the three are made from the new rows, the others' stay.
schools=$(awk -F, 'NR > 1 { print $1 }' "$T/g/results.csv" | sort -u | head -3 | paste -sd'|')
awk -F, -v OFS=, -v s="^($schools)\$" 'NR == 1 || $1 ~ s' "$T/g/results.csv" |
	awk -F, -v OFS=, 'NR > 1 && $7 ~ /^[2-4]$/ { $7 = $7 + 1 } { print }' | sed '$d' >"$T/fix.csv"
expect_ok "a replacement of three schools' results" import results "$T/fix.csv"
expect_eq "… keeps the copy true" "$("$PACKCHECK")" "packs: $n packed, 0 unpacked, 0 differ"
expect_ok "analysis after it, from the blobs" analyze --no-store --out "$T/packed2" --quiet
unpack
expect_ok "… and from the rows" analyze --no-store --out "$T/rows2" --quiet
same_outputs "… the same outputs" "$T/packed2" "$T/rows2"
check "… which the replacement changed" sh -c "! cmp -s '$T/packed/signs.csv' '$T/packed2/signs.csv'"
expect_ok "packed again by a stored run" analyze --out "$T/stored3" --quiet

# A row changed behind the writer's back is seen, by procedure.
code=$(sql "SELECT p.code FROM result r JOIN procedure p ON p.id = r.procedure_id WHERE r.absent = 0 ORDER BY p.code LIMIT 1")
sql "UPDATE result SET problems = problems + 4096 WHERE procedure_id = (SELECT id FROM procedure WHERE code = '$code') AND school_id = (SELECT min(school_id) FROM result r WHERE r.procedure_id = (SELECT id FROM procedure WHERE code = '$code') AND r.absent = 0)" >/dev/null
"$PACKCHECK" >"$T/pc" 2>&1
expect_eq "packcheck fails on a blob that is not its rows" "$?" 1
expect_grep "… naming the procedure" "$T/pc" "$code: 1 schools differ (packed)"
unpack # the copy made true again

# A procedure of 900 schools (some 37,000 rows, 0.8 MB of blobs): the writer stores the
# blobs of the schools before as the rows come, 256 KB at a time. Then the
# same file again with one school's first participant moved to its end: that school's
# rows come again after its blob was stored, and its blob is read back from the table.
OKO_DB=$(new_db big)
export OKO_DB
"$OKO" init >/dev/null
"$OKO" gen --out "$T/g9" --schools 900 --seed 9 --quiet >/dev/null
"$OKO" import schools "$T/g9/schools.csv" >/dev/null
"$OKO" import procedures "$T/g9/procedures.csv" >/dev/null
awk -F, 'NR == 1 || $2 == "VPR-2021-RU-4"' "$T/g9/results.csv" >"$T/ru4.csv"
expect_ok "one procedure of 900 schools" import results "$T/ru4.csv"
expect_eq "… packed as it was stored" "$("$PACKCHECK")" "packs: 1 packed, 0 unpacked, 0 differ"
expect_eq "… a blob for each school" "$(sql "SELECT count(*) FROM result_pack")" \
	"$(sql "SELECT count(DISTINCT school_id) FROM result")"
awk 'NR == 2 { moved = $0; next } { print } END { print moved }' "$T/ru4.csv" >"$T/ru4-moved.csv"
expect_eq "the first school's first row now comes last" "$(tail -1 "$T/ru4-moved.csv" | cut -d, -f1)" \
	"$(sed -n 2p "$T/ru4.csv" | cut -d, -f1)"
expect_ok "the file again, one school's rows apart" import results "$T/ru4-moved.csv"
expect_eq "… the copy still true" "$("$PACKCHECK")" "packs: 1 packed, 0 unpacked, 0 differ"
# A school's rows apart around a flush: five of its rows, then 12,000 of another school's
# (more than the 256 KB gathered before a flush), then five more of the first's — the flush
# at the return stores the first school's blob, so its last rows must go to a read-back,
# not to a second blob of the same key.
a=$(sed -n 2p "$T/ru4.csv" | cut -d, -f1)
b=$(awk -F, -v a="$a" 'NR > 1 && $1 != a { print $1; exit }' "$T/ru4.csv")
awk -F, -v OFS=, -v a="$a" -v b="$b" 'NR == 1 { print; next } NR == 2 {
	for (i = 1; i <= 5; i++) { $1 = a; $3 = 40000 + i; print }
	for (i = 1; i <= 12000; i++) { $1 = b; $3 = 50000 + i; print }
	for (i = 6; i <= 10; i++) { $1 = a; $3 = 40000 + i; print }
	exit }' "$T/ru4.csv" >"$T/apart.csv"
expect_ok "a school's rows apart around a flush" import results "$T/apart.csv"
expect_eq "… the copy still true" "$("$PACKCHECK")" "packs: 1 packed, 0 unpacked, 0 differ"
expect_eq "… the first school holds its 10 works" \
	"$(sql "SELECT count(*) FROM result r JOIN school s ON s.id = r.school_id WHERE s.login = '$a'")" 10
expect_ok "analysis from the blobs" analyze --no-store --out "$T/big-packed" --quiet
unpack
expect_ok "… and from the rows" analyze --no-store --out "$T/big-rows" --quiet
same_outputs "… the same outputs" "$T/big-packed" "$T/big-rows"
echo "1..$_n"
