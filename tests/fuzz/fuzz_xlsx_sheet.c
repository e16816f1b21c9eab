/* libFuzzer target for the XLSX sheet handlers: the input is the XML of a sheet, put into a
 * valid workbook built in memory (with shared strings and date styles), so every input
 * reaches the cell, row and text handlers. With small caps (fuzz_book.h) the row and sheet
 * cell caps, the row text cap, the repeated-cell check and the XML parser's memory cap are
 * all reachable; rows must keep their promises and a failure must explain itself. */
#include <stdint.h>
#include <stdlib.h>

#include "base/err.h"
#include "fuzz_book.h"

static const char SST[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	"<si><t>логин школы</t></si><si><r><t>Жир</t></r><r><t xml:space=\"preserve\">ный</t></r>"
	"<rPh><t>Ф</t></rPh></si><si><t>a_x0009_b_xD83D__xDE00_</t></si><si><t/></si></sst>";

static int on_row(void *ctx, long row, const struct xlsx_cell *cells, size_t n)
{
	book_check_row(ctx, row, cells, n);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len;
	void *zip = book_zip(data, size, SST, sizeof SST - 1, &len);
	struct xlsx_book *b = NULL;
	char msg[512] = "";
	/* The other parts are fixed and good: the book always opens. */
	BOOK_CHECK(xlsx_open_mem(&b, zip, len, &BOOK_LIM, msg, sizeof msg) == 0);
	struct book_seen s = { .lim = &BOOK_LIM };
	int rc = xlsx_sheet_read(b, 0, on_row, &s);
	BOOK_CHECK(rc == 0 || rc == ERR_PARSE || rc == ERR_LIMIT || rc == ERR_FORMAT);
	BOOK_CHECK(rc == 0 || xlsx_error(b)[0] != '\0');
	BOOK_CHECK(xlsx_bytes_done(b) <= size);
	xlsx_close(b);
	free(zip);
	return 0;
}
