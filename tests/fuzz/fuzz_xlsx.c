/* libFuzzer target for the XLSX reader: opens the input as a workbook in memory and streams
 * every sheet, checking the promises the callback relies on (NUL-terminated text of the
 * stated length, dense rows ending in a non-empty cell, increasing byte counts). Seeds in
 * tests/fuzz/corpus/xlsx/ store most parts uncompressed so mutations reach the XML. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "io/xlsx_read.h"

struct seen {
	uint64_t sum;
	long rows;
};

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_xlsx: broken promise: %s\n", what);
		abort();
	}
}

static int on_row(void *ctx, long row, const struct xlsx_cell *cells, size_t n)
{
	struct seen *s = ctx;
	check(row >= 1, "row >= 1");
	check(n > 0, "row has cells");
	check(cells[n - 1].type != XLSX_EMPTY, "row ends in a non-empty cell");
	for (size_t i = 0; i < n; i++) {
		const struct xlsx_cell *c = &cells[i];
		check(c->v != NULL, "cell text not NULL");
		check(c->v[c->len] == '\0', "cell text NUL-terminated at len");
		check(c->type <= XLSX_ERROR, "cell type in range");
		check(c->type != XLSX_EMPTY || c->len == 0, "empty cell has no text");
		check(!c->date || c->type == XLSX_NUMBER, "only numbers are dates");
		for (size_t k = 0; k < c->len; k++)
			s->sum += (unsigned char)c->v[k];
	}
	/* Exercise the stop path now and then. */
	return ++s->rows == 5000 ? 1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Small limits keep each input fast and memory-bounded. */
	struct xlsx_limits lim = {
		.max_part_bytes = 8u << 20,
		.max_cols = 2048,
		.max_rows = 200000,
		.max_cell = 32u << 10,
		.max_strings = 200000,
	};
	struct xlsx_book *b = NULL;
	char msg[512] = "";
	int rc = xlsx_open_mem(&b, data, size, &lim, msg, sizeof msg);
	if (rc) {
		check(b == NULL, "no book on failure");
		check(rc < 0 && msg[0] != '\0', "failure has a message");
		return 0;
	}
	size_t n = xlsx_sheet_count(b);
	check(n > 0, "a book has sheets");
	for (size_t i = 0; i < n; i++) {
		const char *name = xlsx_sheet_name(b, i);
		check(name != NULL, "sheet name");
		check(xlsx_sheet_find(b, name) >= 0, "sheet found by its name");
		struct seen s = { 0 };
		rc = xlsx_sheet_read(b, i, on_row, &s);
		check(rc <= 1, "result is 0, the callback's value or ERR_*");
		check(rc >= 0 || xlsx_error(b)[0] != '\0', "error has a message");
		check(xlsx_bytes_done(b) <= lim.max_part_bytes + (64u << 10), "byte count bounded");
		(void)xlsx_sheet_size(b, i);
	}
	(void)xlsx_sheet_find(b, "Протокол");
	xlsx_close(b);
	return 0;
}
