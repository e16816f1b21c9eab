#!/bin/bash
# Files made to exhaust the readers: each must be refused quickly, with a Russian message
# naming where, and leave the database as it was. The bombs are made at test time by mkxlsx.
. "$(dirname "$0")/lib.sh"
MKXLSX=${BUILD:-}/tests/tools/mkxlsx
if [ ! -x "$MKXLSX" ]; then
	skip "mkxlsx not built"
	exit 0
fi

"$OKO" init >/dev/null
"$OKO" import schools "$DATA/schools.csv" >/dev/null
"$OKO" import procedures "$DATA/procedures.csv" >/dev/null
before=$(db_digest)

# One row of five million copies of cell A2 (55 MB of XML in a 0.1 MB file): it never
# passes the column limit, and storing it used 1.9 GB for 48 million copies.
"$MKXLSX" cells "$T/cells.xlsx" 5000000
run_oko import results "$T/cells.xlsx"
expect_eq "cell bomb refused" "$rc" 1
expect_grep "cell bomb: the row and the cell named" "$T/err" "строка 2: ячейка A2 встречается в строке второй раз — файл повреждён"

# Shared strings of 100 KiB each, 100 MB in all: each is under the cell limit, the total is
# over the 64 MiB cap.
"$MKXLSX" strings "$T/strings.xlsx" 100
run_oko import results "$T/strings.xlsx"
expect_eq "shared strings bomb refused" "$rc" 1
expect_grep "shared strings bomb explained" "$T/err" "общие строки книги (часть «xl/sharedStrings.xml») занимают больше 67108864 байт"

expect_eq "database unchanged by every refused file" "$(db_digest)" "$before"
