/* Tests of the threaded reader (io/table.h, table_read_threaded): the rows it hands over are
 * table_read's, byte for byte and with their row numbers, across batches closed by their
 * count of rows, by the room for their texts (a row that does not fit goes into the next
 * batch) and for a row longer than a batch's texts (a batch of its own); for a CSV (whose
 * records come packed, one copy a row) and for a workbook (a copy a cell); and a callback
 * that stops the reading stops it. */
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

/* Row i's cell j: its own text, of a length that makes some rows long. */
static void cell_text(char *s, size_t cap, int i, int j, size_t len)
{
	int k = snprintf(s, cap, "r%d c%d ", i, j);
	for (size_t m = (size_t)k; m < len && m + 1 < cap; m++)
		s[m] = (char)('a' + (m + (size_t)i + (size_t)j) % 26);
	s[len < cap ? len : cap - 1] = '\0';
}

/* How long row i's cells are: the first 4,500 rows short (their batches close by their
 * count of rows); after them every 97th row 40 KB (about a dozen such rows fill a batch's
 * texts); row 5,000 some 600 KB in all (longer than a batch's texts). */
static size_t cell_len(int i, int j)
{
	if (i == 5000)
		return 30000;
	if (i > 4500 && i % 97 == 0 && j < 2)
		return 20000;
	return (size_t)(2 + (i + j) % 5);
}

#define NROWS 7000
#define NCOLS 21

static void make_table(struct buf *out, enum table_kind kind)
{
	struct table_writer *w;
	char msg[256];
	static char s[40000];
	assert_int_equal(table_writer_open_mem(&w, kind, "Лист", out, msg, sizeof msg), 0);
	for (int i = 0; i < NROWS; i++) {
		for (int j = 0; j < NCOLS; j++) {
			cell_text(s, sizeof s, i, j, cell_len(i, j));
			assert_int_equal(table_writer_text(w, s), 0);
		}
		assert_int_equal(table_writer_end_row(w), 0);
	}
	assert_int_equal(table_writer_close(w), 0);
}

struct seen {
	struct buf text;
	long rows;
	long stop_at; /* stop at this row (0: never) */
};

static int collect(void *ctx, const struct table_row *r)
{
	struct seen *s = ctx;
	char num[32];
	snprintf(num, sizeof num, "%ld:%zu:", r->row, r->n);
	buf_puts(&s->text, num);
	for (size_t i = 0; i < r->n; i++) {
		assert_int_equal(strlen(r->v[i]), r->len[i]); /* each cell ended by its NUL */
		buf_append(&s->text, r->v[i], r->len[i]);
		buf_putc(&s->text, '|');
	}
	buf_putc(&s->text, '\n');
	s->rows++;
	return s->stop_at && s->rows == s->stop_at ? 7 : 0;
}

static void check_kind(enum table_kind kind)
{
	struct buf file = BUF_INIT;
	make_table(&file, kind);
	struct table_in in = { .data = file.p, .len = file.len };
	struct seen plain = { BUF_INIT, 0, 0 }, threaded = { BUF_INIT, 0, 0 };
	char msg[256];
	assert_int_equal(table_read(&in, NULL, collect, &plain, NULL, msg, sizeof msg), 0);
	assert_int_equal(table_read_threaded(&in, NULL, collect, &threaded, NULL, msg, sizeof msg), 0);
	assert_int_equal(plain.rows, NROWS);
	assert_int_equal(threaded.rows, NROWS);
	assert_int_equal(threaded.text.len, plain.text.len);
	assert_memory_equal(threaded.text.p, plain.text.p, plain.text.len);
	/* Stopped by the callback in the middle of a batch: its value comes back, no row after. */
	struct seen stopped = { BUF_INIT, 0, 4321 };
	assert_int_equal(table_read_threaded(&in, NULL, collect, &stopped, NULL, msg, sizeof msg), 7);
	assert_int_equal(stopped.rows, 4321);
	buf_free(&stopped.text);
	buf_free(&plain.text);
	buf_free(&threaded.text);
	buf_free(&file);
}

static void test_csv(void **state)
{
	(void)state;
	check_kind(TABLE_CSV);
}

static void test_xlsx(void **state)
{
	(void)state;
	check_kind(TABLE_XLSX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_xlsx),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
