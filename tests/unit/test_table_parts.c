/* Tests of a table written in parts (io/table_write.h): parts split anywhere and joined read
 * back, through the project's own reader, as the same rows libxlsxwriter's whole workbook
 * holds; CSV parts join to the bytes of one CSV; the joined workbook's
 * checksum is the whole sheet's (a wrong one is refused by the reader). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "io/table.h"
#include "io/table_write.h"

#define ROWS 3000

/* Row i's cells: text that needs escaping, control characters, spaces at the ends, Cyrillic,
 * empty cells between others, numbers, a formula-like text. */
static void write_row(struct table_writer *w, int i)
{
	char a[64], b[64];
	snprintf(a, sizeof a, "запись %d & <тег> \"кавычки\"", i);
	snprintf(b, sizeof b, "%s%d\x01\ttab", i % 3 ? " " : "", i);
	assert_int_equal(table_writer_text(w, a), 0);
	assert_int_equal(table_writer_int(w, i * 7 - 100), 0);
	if (i % 5)
		assert_int_equal(table_writer_empty(w), 0);
	assert_int_equal(table_writer_text(w, b), 0);
	assert_int_equal(table_writer_text(w, i % 4 ? "=1+1" : "конец "), 0);
	assert_int_equal(table_writer_end_row(w), 0);
}

static int collect(void *ctx, const struct table_row *r)
{
	struct buf *b = ctx;
	for (size_t i = 0; i < r->n; i++) {
		if (i)
			buf_putc(b, '|');
		buf_append(b, r->v[i], r->len[i]);
	}
	buf_putc(b, '\n');
	return 0;
}

/* The rows of a workbook or CSV in memory, one line each, cells between '|'. */
static int read_back(const struct buf *file, struct buf *rows, char *msg, size_t n)
{
	struct table_in in = { .data = file->p, .len = file->len };
	return table_read(&in, NULL, collect, rows, NULL, msg, n);
}

/* Rows [from, to) into a new part, the first of them the sheet's row first, to follow the
 * part after (or NULL), deflated or stored. */
static void make_part_as(struct table_part *p, enum table_kind kind, int from, int to, long first,
			 struct table_part *after, bool deflated)
{
	struct table_writer *w;
	assert_int_equal(table_writer_open_part(&w, kind, p, first, after, deflated), 0);
	for (int i = from; i < to; i++)
		write_row(w, i);
	assert_int_equal(table_writer_close(w), 0);
	assert_int_equal(p->rows, to - from);
}

static void make_part(struct table_part *p, enum table_kind kind, int from, int to, long first,
		      struct table_part *after)
{
	make_part_as(p, kind, from, to, first, after, true);
}

/* The whole file the usual way (libxlsxwriter for XLSX). */
static void make_whole(struct buf *out, enum table_kind kind)
{
	struct table_writer *w;
	char msg[256];
	assert_int_equal(table_writer_open_mem(&w, kind, "Журнал & <действий>", out, msg, sizeof msg), 0);
	for (int i = 0; i < ROWS; i++)
		write_row(w, i);
	assert_int_equal(table_writer_close(w), 0);
}

/* Parts [0,1), [1,1) (empty), [1,700), [700,ROWS) joined: the same rows as the whole
 * workbook. */
static void check_kind(enum table_kind kind)
{
	static const int cut[][2] = { { 0, 1 }, { 1, 1 }, { 1, 700 }, { 700, ROWS } };
	struct table_part p[4];
	const struct table_part *order[4];
	for (int k = 0; k < 4; k++) {
		make_part(&p[k], kind, cut[k][0], cut[k][1], 1 + cut[k][0], k ? &p[k - 1] : NULL);
		order[k] = &p[k];
	}
	struct buf joined = BUF_INIT, whole = BUF_INIT, a = BUF_INIT, b = BUF_INIT;
	assert_int_equal(table_parts_join(kind, "Журнал & <действий>", order, 4, &joined), 0);
	make_whole(&whole, kind);
	char msg[256] = "";
	if (kind == TABLE_CSV) {
		assert_int_equal(joined.len, whole.len);
		assert_memory_equal(joined.p, whole.p, whole.len);
	} else {
		assert_memory_equal(joined.p, "PK", 2);
		assert_int_equal(read_back(&joined, &a, msg, sizeof msg), 0);
		assert_int_equal(read_back(&whole, &b, msg, sizeof msg), 0);
		assert_string_equal(buf_str(&a), buf_str(&b));
		/* Every row came through: ROWS lines. */
		size_t lines = 0;
		for (size_t i = 0; i < a.len; i++)
			lines += a.p[i] == '\n';
		assert_int_equal(lines, ROWS);
		/* The sheet keeps its name. */
		char **names = NULL;
		size_t nn = 0;
		struct table_in in = { .data = joined.p, .len = joined.len };
		assert_int_equal(table_sheets(&in, &names, &nn, msg, sizeof msg), 0);
		assert_int_equal(nn, 1);
		assert_string_equal(names[0], "Журнал & <действий>");
		free(names[0]);
		free(names);
	}
	for (int k = 0; k < 4; k++)
		table_part_free(&p[k]);
	buf_free(&joined);
	buf_free(&whole);
	buf_free(&a);
	buf_free(&b);
}

/* The header, the kept parts and a fresh part joined: the same rows as the whole workbook. */
static void check_kept(const struct table_part *hdr, const struct table_part *all,
		       const struct table_part *fresh)
{
	const struct table_part *parts[] = { hdr, all, fresh };
	struct buf joined = BUF_INIT, whole = BUF_INIT, a = BUF_INIT, b = BUF_INIT;
	char msg[256] = "";
	assert_int_equal(table_parts_join(TABLE_XLSX, "Лист", parts, 3, &joined), 0);
	make_whole(&whole, TABLE_XLSX);
	assert_int_equal(read_back(&joined, &a, msg, sizeof msg), 0);
	assert_int_equal(read_back(&whole, &b, msg, sizeof msg), 0);
	assert_string_equal(buf_str(&a), buf_str(&b));
	buf_free(&joined);
	buf_free(&whole);
	buf_free(&a);
	buf_free(&b);
}

/* Kept parts appended to one as an export keeps them (each made to follow the whole so far),
 * then a fresh part after it: the same rows as the whole workbook; and a part made to follow
 * another is smaller than the same rows on their own (it refers back into the other). */
static void test_xlsx_append(void **state)
{
	(void)state;
	struct table_part all = { .kind = TABLE_XLSX }, hdr, fresh, p, alone;
	make_part(&hdr, TABLE_XLSX, 0, 1, 1, NULL);
	for (int from = 1; from < 2901; from += 100) {
		make_part(&p, TABLE_XLSX, from, from + 100, 1 + from, &all);
		assert_int_equal(table_part_append(&all, &p), 0);
		table_part_free(&p);
	}
	assert_int_equal(all.rows, 2900);
	make_part(&fresh, TABLE_XLSX, 2901, ROWS, 2902, &all);
	make_part(&alone, TABLE_XLSX, 2901, ROWS, 2902, NULL);
	assert_true(fresh.data.len < alone.data.len);
	check_kept(&hdr, &all, &fresh);
	table_part_free(&hdr);
	table_part_free(&all);
	table_part_free(&fresh);
	table_part_free(&alone);
}

/* Parts made one after another go on with one deflate stream (the kept parts hold it open);
 * the chain stays one valid stream where it breaks: a part made and thrown away (it took the
 * stream over: the next one starts its own, primed with the last 32 KB), a part of a few
 * rows then (under 1 KB: stored, unseen by any stream), a part stored on purpose (the
 * stream before it no longer ends the rows and must not be gone on with). The joined
 * workbook holds the whole one's rows, and the parts of 64 rows are about as small as the
 * same rows deflated as one part. */
static void test_xlsx_streams(void **state)
{
	(void)state;
	struct table_part all = { .kind = TABLE_XLSX }, hdr, p, fresh, alone;
	make_part(&hdr, TABLE_XLSX, 0, 1, 1, NULL);
	int from = 1, k = 0;
	while (from < 2901) {
		int n = k == 12 ? 3 : 64;
		if (n > 2901 - from)
			n = 2901 - from;
		if (k == 6 || k == 12) { /* made, never kept */
			make_part(&p, TABLE_XLSX, from, from + 64, 1 + from, &all);
			assert_null(all.z);
			table_part_free(&p);
		}
		make_part_as(&p, TABLE_XLSX, from, from + n, 1 + from, &all, k != 20);
		if (k == 12 || k == 20)
			assert_null(p.z);
		else
			assert_non_null(p.z);
		assert_int_equal(table_part_append(&all, &p), 0);
		assert_null(p.z);
		table_part_free(&p);
		from += n;
		k++;
	}
	assert_int_equal(all.rows, 2900);
	make_part(&fresh, TABLE_XLSX, 2901, ROWS, 2902, &all);
	make_part(&alone, TABLE_XLSX, 1, 2901, 2, NULL);
	/* each part ends a block, whose code tables the next one repeats: 24 % more here, at
	 * 64 rows of about 110 bytes */
	assert_true(all.data.len < alone.data.len * 13 / 10);
	check_kept(&hdr, &all, &fresh);
	table_part_free(&hdr);
	table_part_free(&all);
	table_part_free(&fresh);
	table_part_free(&alone);
}

static void test_xlsx_parts(void **state)
{
	(void)state;
	check_kind(TABLE_XLSX);
}

static void test_csv_parts(void **state)
{
	(void)state;
	check_kind(TABLE_CSV);
}

/* A part's checksum is the whole sheet's in part: a wrong one makes the workbook one the
 * reader refuses (so the combined checksum is checked, not merely written). */
static void test_xlsx_crc(void **state)
{
	(void)state;
	struct table_part p;
	make_part(&p, TABLE_XLSX, 0, 50, 1, NULL);
	const struct table_part *one[] = { &p };
	struct buf ok = BUF_INIT, bad = BUF_INIT, rows = BUF_INIT;
	char msg[256] = "";
	assert_int_equal(table_parts_join(TABLE_XLSX, "Лист", one, 1, &ok), 0);
	assert_int_equal(read_back(&ok, &rows, msg, sizeof msg), 0);
	p.crc ^= 1;
	assert_int_equal(table_parts_join(TABLE_XLSX, "Лист", one, 1, &bad), 0);
	buf_reset(&rows);
	assert_int_not_equal(read_back(&bad, &rows, msg, sizeof msg), 0);
	table_part_free(&p);
	buf_free(&ok);
	buf_free(&bad);
	buf_free(&rows);
}

/* No parts: a workbook with an empty sheet; a cell over Excel's 32,767 characters is
 * refused, as libxlsxwriter refuses it; columns past Z. */
static void test_edges(void **state)
{
	(void)state;
	struct buf out = BUF_INIT, rows = BUF_INIT;
	char msg[256] = "";
	assert_int_equal(table_parts_join(TABLE_XLSX, "Лист", NULL, 0, &out), 0);
	assert_int_equal(read_back(&out, &rows, msg, sizeof msg), 0);
	assert_int_equal(rows.len, 0);
	struct table_part p;
	struct table_writer *w;
	char *big = malloc(32769);
	memset(big, 'x', 32768);
	big[32768] = '\0';
	assert_int_equal(table_writer_open_part(&w, TABLE_XLSX, &p, 1, NULL, true), 0);
	assert_int_equal(table_writer_text(w, big), ERR_IO);
	big[32767] = '\0';
	assert_int_equal(table_writer_text(w, big), 0);
	assert_int_equal(table_writer_close(w), 0);
	table_part_free(&p);
	buf_reset(&out);
	assert_int_equal(table_writer_open_part(&w, TABLE_XLSX, &p, 1, NULL, true), 0);
	/* Columns past Z are AA, AB…: 30 cells read back in their places. */
	for (int i = 0; i < 30; i++)
		assert_int_equal(table_writer_int(w, i), 0);
	assert_int_equal(table_writer_end_row(w), 0);
	assert_int_equal(table_writer_close(w), 0);
	const struct table_part *one[] = { &p };
	assert_int_equal(table_parts_join(TABLE_XLSX, "Лист", one, 1, &out), 0);
	buf_reset(&rows);
	assert_int_equal(read_back(&out, &rows, msg, sizeof msg), 0);
	assert_string_equal(buf_str(&rows), "0|1|2|3|4|5|6|7|8|9|10|11|12|13|14|15|16|17|18|19|20|21|22|23|24|25|26|27|28|29\n");
	free(big);
	table_part_free(&p);
	buf_free(&out);
	buf_free(&rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xlsx_parts),
		cmocka_unit_test(test_xlsx_append),
		cmocka_unit_test(test_xlsx_streams),
		cmocka_unit_test(test_csv_parts),
		cmocka_unit_test(test_xlsx_crc),
		cmocka_unit_test(test_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
