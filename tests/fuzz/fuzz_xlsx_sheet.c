/* libFuzzer target for the XLSX sheet handlers: the input is the XML of a sheet, put into a
 * valid workbook built in memory (with shared strings and date styles), so every input
 * reaches the cell, row and text handlers. With small caps (fuzz_book.h) the row and sheet
 * cell caps, the row text cap, the repeated-cell check and the XML parser's memory cap are
 * all reachable; rows must keep their promises and a failure must explain itself. The sheet
 * is read twice, by io/xml_scan and by expat (the reference): whatever expat reads, the
 * scanner reads to the same rows. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "fuzz_book.h"

static const char SST[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	"<si><t>логин школы</t></si><si><r><t>Жир</t></r><r><t xml:space=\"preserve\">ный</t></r>"
	"<rPh><t>Ф</t></rPh></si><si><t>a_x0009_b_xD83D__xDE00_</t></si><si><t/></si></sst>";

/* The rows as text, to compare the two readers. */
struct rows {
	struct book_seen seen;
	char *p;
	size_t len;
};

static void put(struct rows *r, const void *v, size_t n)
{
	char *p = realloc(r->p, r->len + n);
	BOOK_CHECK(p != NULL);
	memcpy(p + r->len, v, n);
	r->p = p;
	r->len += n;
}

static int on_row(void *ctx, long row, const struct xlsx_cell *cells, size_t n)
{
	struct rows *r = ctx;
	book_check_row(&r->seen, row, cells, n);
	char h[64];
	put(r, h, (size_t)snprintf(h, sizeof h, "%ld:%zu:", row, n));
	for (size_t i = 0; i < n; i++) {
		put(r, h, (size_t)snprintf(h, sizeof h, "%d%d%zu:", cells[i].type, cells[i].date,
					    cells[i].len));
		put(r, cells[i].v, cells[i].len);
	}
	return 0;
}

static int read_sheet(const void *zip, size_t len, size_t sheet, bool ref, struct rows *r)
{
	struct xlsx_limits lim = BOOK_LIM;
	lim.expat_sheets = ref;
	struct xlsx_book *b = NULL;
	char msg[512] = "";
	/* The other parts are fixed and good: the book always opens. */
	BOOK_CHECK(xlsx_open_mem(&b, zip, len, &lim, msg, sizeof msg) == 0);
	*r = (struct rows){ .seen = { .lim = &BOOK_LIM } };
	int rc = xlsx_sheet_read(b, 0, on_row, r);
	BOOK_CHECK(rc == 0 || rc == ERR_PARSE || rc == ERR_LIMIT || rc == ERR_FORMAT);
	BOOK_CHECK(rc == 0 || xlsx_error(b)[0] != '\0');
	BOOK_CHECK(xlsx_bytes_done(b) <= sheet);
	xlsx_close(b);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len;
	void *zip = book_zip(data, size, SST, sizeof SST - 1, &len);
	struct rows fast, ref;
	int rf = read_sheet(zip, len, size, false, &fast);
	int rr = read_sheet(zip, len, size, true, &ref);
	if (rr == 0) {
		BOOK_CHECK(rf == 0);
		BOOK_CHECK(fast.len == ref.len && (!fast.len || !memcmp(fast.p, ref.p, fast.len)));
	}
	free(fast.p);
	free(ref.p);
	free(zip);
	return 0;
}
