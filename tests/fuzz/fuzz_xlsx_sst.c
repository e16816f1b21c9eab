/* libFuzzer target for the XLSX shared strings handlers: the input is the XML of the shared
 * strings part, put into a valid workbook built in memory whose sheet refers to strings
 * 0..63, one per row. With small caps (fuzz_book.h) the count, byte, cell and XML memory
 * caps are reachable; the strings that come out must be valid UTF-8 within the caps, and a
 * refused book must say why. */
#include <stdint.h>
#include <stdlib.h>

#include "base/err.h"
#include "fuzz_book.h"

static char sheet[8192];
static size_t sheet_len;

static void make_sheet(void)
{
	size_t n = (size_t)snprintf(sheet, sizeof sheet, "<?xml version=\"1.0\"?><worksheet "
				    "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
				    "<sheetData>");
	for (int i = 0; i < 64; i++)
		n += (size_t)snprintf(sheet + n, sizeof sheet - n, "<row r=\"%d\"><c r=\"A%d\" "
				      "t=\"s\"><v>%d</v></c></row>", i + 1, i + 1, i);
	n += (size_t)snprintf(sheet + n, sizeof sheet - n, "</sheetData></worksheet>");
	BOOK_CHECK(n < sizeof sheet);
	sheet_len = n;
}

static int on_row(void *ctx, long row, const struct xlsx_cell *cells, size_t n)
{
	struct book_seen *s = ctx;
	book_check_row(s, row, cells, n);
	BOOK_CHECK(n == 1 && cells[0].type == XLSX_STRING);
	s->sst_bytes += cells[0].len + 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!sheet_len)
		make_sheet();
	size_t len;
	void *zip = book_zip(sheet, sheet_len, data, size, &len);
	struct xlsx_book *b = NULL;
	char msg[512] = "";
	int rc = xlsx_open_mem(&b, zip, len, &BOOK_LIM, msg, sizeof msg);
	if (rc) {
		BOOK_CHECK(b == NULL);
		BOOK_CHECK(rc == ERR_PARSE || rc == ERR_LIMIT || rc == ERR_FORMAT);
		BOOK_CHECK(msg[0] != '\0');
		free(zip);
		return 0;
	}
	struct book_seen s = { .lim = &BOOK_LIM };
	rc = xlsx_sheet_read(b, 0, on_row, &s);
	/* Rows stop at the first index past the strings there are; a row whose string is
	 * empty is not handed out. */
	BOOK_CHECK(rc == 0 || rc == ERR_PARSE);
	BOOK_CHECK(s.rows <= 64);
	BOOK_CHECK(rc == 0 || xlsx_error(b)[0] != '\0');
	BOOK_CHECK(s.rows <= (long)BOOK_LIM.max_strings);
	BOOK_CHECK(s.sst_bytes <= BOOK_LIM.max_sst_bytes);
	xlsx_close(b);
	free(zip);
	return 0;
}
