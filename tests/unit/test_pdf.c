/* Unit tests of report/pdf: the counting pass (pdf_open with no output) lays out and breaks
 * pages exactly as a drawn document does; pdf_render's footers carry the counted total
 * (or the caller's, when given); a paragraph laid out before a page break is drawn on the
 * new page; a table's rows, laid out once, are drawn in full with their header repeated.
 * Texts are read back with pdftotext (poppler-utils). */
#define _GNU_SOURCE /* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "report/pdf.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/oko-test-pdf-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Paragraphs, a table whose name column wraps on some rows, and a forced break: enough
 * for several pages whose breaks depend on every text's measured height. */
static void draw(struct pdf *p, const void *ctx)
{
	int rows = *(const int *)ctx;
	static const struct pdf_col cols[] = {
		{ "№", 10, PDF_RIGHT }, { "Код", 22, PDF_CENTER }, { "ФИО участника", 0, PDF_LEFT },
	};
	char no[16], code[16], name[256];
	pdf_para(p, "ПРОТОКОЛ ПРОВЕРКИ", "DejaVu Sans Bold 13", PDF_CENTER, 2);
	pdf_para(p, "Протокол заполняется при проведении работы и хранится в образовательной "
		    "организации; за её пределы передаются только коды участников.",
		 "DejaVu Sans Oblique 8", PDF_LEFT, 3);
	struct pdf_table t;
	pdf_table_begin(&t, p, cols, 3, "DejaVu Sans 10", 6);
	for (int i = 1; i <= rows; i++) {
		snprintf(no, sizeof no, "%d", i);
		snprintf(code, sizeof code, "К%05d", i);
		snprintf(name, sizeof name, i % 7 ? "Ученик номер %d" :
			 "Ученица номер %d с очень длинной двойной фамилией, которая не помещается "
			 "в одну строку столбца и переносится", i);
		const char *cells[3] = { no, code, name };
		pdf_table_row(&t, cells);
	}
	pdf_page_break(p);
	for (int i = 1; i <= 80; i++) {
		snprintf(name, sizeof name, "Абзац %d", i);
		pdf_para(p, name, "DejaVu Sans 12", PDF_LEFT, 2);
	}
}

static int pages_of(struct pdf *p, int rows)
{
	draw(p, &rows);
	int n = pdf_pages(p);
	assert_int_equal(pdf_close(p), 0);
	return n;
}

/* The PDF's text by pdftotext, one page (or all: page 0). Caller frees. */
static char *text_of(const struct buf *pdf, int page)
{
	char path[96], cmd[256];
	snprintf(path, sizeof path, "%s/doc.pdf", dir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(pdf->p, 1, pdf->len, f), pdf->len);
	fclose(f);
	if (page)
		snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 -f %d -l %d '%s' - 2>&1", page, page, path);
	else
		snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' - 2>&1", path);
	FILE *pp = popen(cmd, "r");
	assert_non_null(pp);
	struct buf t = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, pp)) > 0)
		assert_int_equal(buf_append(&t, chunk, n), 0);
	assert_int_equal(pclose(pp), 0);
	return t.p ? t.p : strdup("");
}

/* The document's bytes without its /CreationDate (the moment of writing). */
static void mask_date(struct buf *b)
{
	char *d = memmem(b->p, b->len, "/CreationDate (", 15);
	if (!d)
		return;
	char *e = memchr(d, ')', b->len - (size_t)(d - b->p));
	assert_non_null(e);
	memset(d, ' ', (size_t)(e - d + 1));
}

static void test_counting_pass(void **state)
{
	(void)state;
	for (int rows = 0; rows <= 160; rows += 40) {
		struct pdf *p = NULL;
		assert_int_equal(pdf_open(&p, NULL, "счёт", 12), 0);
		int counted = pages_of(p, rows);
		struct buf out = BUF_INIT;
		assert_int_equal(pdf_open(&p, &out, "счёт", 12), 0);
		int drawn = pages_of(p, rows);
		assert_int_equal(counted, drawn);
		assert_true(drawn >= 2 + rows / 40);
		assert_true(out.len > 1000);
		buf_free(&out);
	}
}

static void test_render(void **state)
{
	(void)state;
	int rows = 120;
	struct buf counted = BUF_INIT, given = BUF_INIT, wrong = BUF_INIT;
	assert_int_equal(pdf_render(&counted, "Протокол", 12, "sch000001 · 2020/21", 0, draw, &rows), 0);
	struct pdf *p = NULL;
	assert_int_equal(pdf_open(&p, NULL, "Протокол", 12), 0);
	int n = pages_of(p, rows);
	assert_true(n >= 4);
	assert_int_equal(pdf_render(&given, "Протокол", 12, "sch000001 · 2020/21", n, draw, &rows), 0);
	assert_int_equal(pdf_render(&wrong, "Протокол", 12, "sch000001 · 2020/21", n + 1, draw, &rows), 0);
	mask_date(&counted);
	mask_date(&given);
	mask_date(&wrong);
	/* the counted total is the one a caller who knew it would give; another differs */
	assert_int_equal(counted.len, given.len);
	assert_memory_equal(counted.p, given.p, counted.len);
	assert_false(counted.len == wrong.len && !memcmp(counted.p, wrong.p, counted.len));

	char want[64];
	snprintf(want, sizeof want, "стр. %d из %d", n, n);
	char *last = text_of(&counted, n);
	assert_non_null(strstr(last, want));
	assert_non_null(strstr(last, "sch000001 · 2020/21"));
	free(last);
	char *all = text_of(&counted, 0);
	/* every row and every paragraph drawn once, in order; the header on each table page */
	const char *at = all;
	char row[32];
	for (int i = 1; i <= rows; i++) {
		snprintf(row, sizeof row, "К%05d", i);
		const char *q = strstr(at, row);
		if (!q)
			fail_msg("row %d missing or out of order", i);
		at = q;
	}
	for (int i = 1; i <= 80; i++) {
		snprintf(row, sizeof row, "Абзац %d\n", i);
		const char *q = strstr(at, row);
		if (!q)
			fail_msg("paragraph %d missing or out of order", i);
		at = q;
	}
	int heads = 0;
	for (const char *q = all; (q = strstr(q, "ФИО участника")); q++)
		heads++;
	assert_true(heads >= 3 && heads < n);
	free(all);
	buf_free(&counted);
	buf_free(&given);
	buf_free(&wrong);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counting_pass),
		cmocka_unit_test(test_render),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
