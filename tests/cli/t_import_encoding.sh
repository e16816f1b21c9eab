#!/bin/bash
# CSV files in two encodings at once (rows appended from another export) are refused with
# the lines named, instead of being read whole in one encoding: "4А" in UTF-8 read as
# Windows-1251 was stored as "4Рђ". A file in one encoding still imports.
. "$(dirname "$0")/lib.sh"
R=$DATA/results

"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
"$OKO" import procedures "$DATA/procedures.csv" >/dev/null
before=$(db_digest)

# Lines 1-3 in UTF-8, lines 4-6 in Windows-1251.
head -3 "$R/canonical.csv" > "$T/mixed.csv"
tail -n +4 "$R/canonical.csv" | iconv -f UTF-8 -t CP1251 >> "$T/mixed.csv"
run_oko import results "$T/mixed.csv"
expect_eq "UTF-8 then Windows-1251 refused" "$rc" 1
expect_grep "the lines named" "$T/err" "файл в смешанной кодировке: строки 1–3 в UTF-8, строка 4 — нет (байт 0xC1); сохраните файл заново в одной кодировке"

# The other way round.
head -3 "$R/canonical.csv" | iconv -f UTF-8 -t CP1251 > "$T/mixed2.csv"
tail -n +4 "$R/canonical.csv" >> "$T/mixed2.csv"
run_oko import results "$T/mixed2.csv"
expect_eq "Windows-1251 then UTF-8 refused" "$rc" 1
expect_grep "the lines named, other way" "$T/err" "файл в смешанной кодировке: строки 1–3 в Windows-1251, строка 4 — в UTF-8"
expect_eq "database unchanged by the mixed files" "$(db_digest)" "$before"
expect_eq "no mojibake anywhere" "$(sql "SELECT count(*) FROM result WHERE class LIKE '%Р%'")" 0

# A Windows-1251 file whose first Cyrillic letter comes after 256 KiB of ASCII: the reader
# used to take the start for UTF-8 and refuse the file at that letter.
{
	head -1 "$R/canonical.csv"
	for i in $(seq 1 4000); do
		printf 'sch220206,VPR-2021-MA-4,%d,4,1,,5,0,1,1,2,1,1,1,1,1,1,2,1,1,2,2,2\n' $((50000 + i))
	done
	printf 'sch220206,VPR-2021-MA-4,40001,4А,1,ж,5,0,1,1,2,1,1,1,1,1,1,2,1,1,2,2,2\n'
} | iconv -f UTF-8 -t CP1251 > "$T/late.csv"
expect_ok "Windows-1251 with a late first letter imports" import results "$T/late.csv"
expect_eq "its letters read right" "$(sql "SELECT class FROM result WHERE code = '40001'")" "4А"
