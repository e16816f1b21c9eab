/* Helpers of the XLSX part targets: a workbook assembled in memory with libzip around one
 * part taken from the fuzzer's input, so mutations reach the XML handlers of that part
 * directly instead of being stopped by the zip layer (entries stored, CRCs right), and the
 * checks every row must pass. Included by fuzz_xlsx_sheet.c and fuzz_xlsx_sst.c only. */
#ifndef OKO_FUZZ_BOOK_H
#define OKO_FUZZ_BOOK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "base/str.h"
#include "io/xlsx_read.h"

#define BOOK_CHECK(c)                                                                  \
	do {                                                                           \
		if (!(c)) {                                                            \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                       \
		}                                                                      \
	} while (0)

static const char BOOK_CT[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>";
static const char BOOK_RELS[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
	"relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
static const char BOOK_WB[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
	"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	"<sheets><sheet name=\"Лист1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char BOOK_WB_RELS[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
	"relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
	"relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
	"relationships/styles\" Target=\"styles.xml\"/></Relationships>";
static const char BOOK_STYLES[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	"<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/></numFmts>"
	"<cellXfs count=\"3\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
	"</cellXfs></styleSheet>";

/* Limits small enough for every cap to be reached by short inputs. */
static const struct xlsx_limits BOOK_LIM = {
	.max_part_bytes = 1u << 20,
	.max_cols = 256,
	.max_rows = 5000,
	.max_cell = 2048,
	.max_strings = 64,
	.max_row_cells = 64,
	.max_cells = 8192,
	.max_row_bytes = 8192,
	.max_sst_bytes = 4096,
};

/* A zip of the standard parts with sheet and sst as given (sst NULL: no such part), in a
 * malloc'd buffer; *len gets its size. */
static void *book_zip(const void *sheet, size_t sheet_len, const void *sst, size_t sst_len,
		      size_t *len)
{
	struct {
		const char *name;
		const void *data;
		size_t len;
	} parts[] = {
		{ "[Content_Types].xml", BOOK_CT, sizeof BOOK_CT - 1 },
		{ "_rels/.rels", BOOK_RELS, sizeof BOOK_RELS - 1 },
		{ "xl/workbook.xml", BOOK_WB, sizeof BOOK_WB - 1 },
		{ "xl/_rels/workbook.xml.rels", BOOK_WB_RELS, sizeof BOOK_WB_RELS - 1 },
		{ "xl/styles.xml", BOOK_STYLES, sizeof BOOK_STYLES - 1 },
		{ "xl/worksheets/sheet1.xml", sheet, sheet_len },
		{ "xl/sharedStrings.xml", sst, sst_len },
	};
	size_t nparts = sst ? 7 : 6;
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	BOOK_CHECK(src != NULL);
	zip_source_keep(src);
	zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	BOOK_CHECK(za != NULL);
	for (size_t i = 0; i < nparts; i++) {
		zip_source_t *s = zip_source_buffer(za, parts[i].len ? parts[i].data : "",
						    parts[i].len, 0);
		BOOK_CHECK(s != NULL);
		zip_int64_t idx = zip_file_add(za, parts[i].name, s, ZIP_FL_ENC_UTF_8);
		BOOK_CHECK(idx >= 0);
		BOOK_CHECK(zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0) == 0);
	}
	BOOK_CHECK(zip_close(za) == 0);
	BOOK_CHECK(zip_source_open(src) == 0);
	BOOK_CHECK(zip_source_seek(src, 0, SEEK_END) == 0);
	zip_int64_t n = zip_source_tell(src);
	BOOK_CHECK(n > 0);
	BOOK_CHECK(zip_source_seek(src, 0, SEEK_SET) == 0);
	void *buf = malloc((size_t)n);
	BOOK_CHECK(buf != NULL);
	BOOK_CHECK(zip_source_read(src, buf, (zip_uint64_t)n) == n);
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
	*len = (size_t)n;
	return buf;
}

/* What the rows of a sheet showed. */
struct book_seen {
	const struct xlsx_limits *lim;
	long rows;
	uint64_t cells;     /* non-empty cells handed out */
	uint64_t sst_bytes; /* shared strings seen, text and NUL (the sst target's sheet refers
			       to each string once) */
};

/* The promises every row keeps, whatever the XML: text NUL-terminated at its length and
 * valid UTF-8, dense rows ending in a non-empty cell, within the columns and the caps. */
static void book_check_row(struct book_seen *s, long row, const struct xlsx_cell *cells,
			   size_t n)
{
	const struct xlsx_limits *lim = s->lim;
	BOOK_CHECK(row >= 1 && row <= (long)lim->max_rows);
	BOOK_CHECK(n > 0 && n <= lim->max_cols);
	BOOK_CHECK(cells[n - 1].type != XLSX_EMPTY);
	size_t nonempty = 0;
	for (size_t i = 0; i < n; i++) {
		const struct xlsx_cell *c = &cells[i];
		BOOK_CHECK(c->v != NULL && c->v[c->len] == '\0');
		BOOK_CHECK(c->type <= XLSX_ERROR);
		BOOK_CHECK(c->type != XLSX_EMPTY || c->len == 0);
		BOOK_CHECK(!c->date || c->type == XLSX_NUMBER);
		BOOK_CHECK(c->len <= lim->max_cell);
		BOOK_CHECK(utf8_valid(c->v, c->len));
		nonempty += c->type != XLSX_EMPTY;
	}
	BOOK_CHECK(nonempty <= lim->max_row_cells);
	s->cells += nonempty;
	BOOK_CHECK(s->cells <= lim->max_cells);
	s->rows++;
}

#endif
