/* mkxlsx: makes XLSX fixtures for the black-box tests, so no binary test file has to be
 * committed. Test tool only; not part of oko.
 *
 *   mkxlsx from-csv OUT.xlsx SHEET FILE.csv [SHEET FILE.csv ...]
 *       one sheet per CSV (read with oko's own CSV reader); cells that are whole numbers
 *       become numbers, the rest strings, as Excel would store them
 *   mkxlsx bomb OUT.xlsx MEGABYTES
 *       a valid workbook whose sheet decompresses to MEGABYTES of XML (a zip bomb)
 *   mkxlsx wide OUT.xlsx
 *       a sheet with a header and one row whose last cell sits at column 1,000,000
 *   mkxlsx cells OUT.xlsx COUNT
 *       a header, then row 2 made of COUNT copies of the same cell reference A2 (a cell bomb:
 *       never beyond the column limit, ~11 bytes of XML per cell)
 *   mkxlsx strings OUT.xlsx MEGABYTES
 *       a small sheet and a shared strings table of MEGABYTES, made of strings of 100 KiB
 *       each (every one under the cell limit; a shared strings bomb) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "base/str.h"
#include "io/csv.h"

static int from_csv(int argc, char **argv)
{
	lxw_workbook *wb = workbook_new(argv[2]);
	if (!wb)
		return 1;
	for (int i = 3; i + 1 < argc; i += 2) {
		lxw_worksheet *ws = workbook_add_worksheet(wb, argv[i]);
		struct csv_reader *r;
		char msg[256];
		if (!ws || csv_open_file(&r, argv[i + 1], NULL, msg, sizeof msg)) {
			fprintf(stderr, "mkxlsx: %s: %s\n", argv[i + 1], msg);
			return 1;
		}
		size_t n;
		char **v;
		size_t *len;
		lxw_row_t row = 0;
		while (csv_next(r, &n, &v, &len) == 1) {
			for (size_t c = 0; c < n; c++) {
				long x;
				if (!len[c])
					continue;
				/* A number only when it prints back the same: keeps "007" a string. */
				char back[32];
				if (!str_to_int(v[c], len[c], &x) &&
				    snprintf(back, sizeof back, "%ld", x) > 0 && !strcmp(back, v[c]))
					worksheet_write_number(ws, row, (lxw_col_t)c, (double)x, NULL);
				else
					worksheet_write_string(ws, row, (lxw_col_t)c, v[c], NULL);
			}
			row++;
		}
		csv_close(r);
	}
	return workbook_close(wb) == LXW_NO_ERROR ? 0 : 1;
}

static const char *content_types =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>";
static const char *workbook =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
	"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
	"<sheet name=\"Sheet\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char *rels =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
	"Target=\"worksheets/sheet1.xml\"/></Relationships>";

/* The canonical results header: school, procedure, code, absent and one position. */
#define IS(ref, text) "<c r=\"" ref "\" t=\"inlineStr\"><is><t>" text "</t></is></c>"
#define HEADER_ROW "<row r=\"1\">" IS("A1", "school") IS("B1", "procedure") IS("C1", "code") \
	IS("D1", "absent") IS("E1", "1") "</row>"

static int add(zip_t *z, const char *name, const void *data, size_t n)
{
	zip_source_t *s = zip_source_buffer(z, data, n, 0);
	return s && zip_file_add(z, name, s, ZIP_FL_OVERWRITE) >= 0 ? 0 : 1;
}

/* A workbook with one sheet and, when sst is not NULL, a shared strings part (found by its
 * default name xl/sharedStrings.xml). */
static int raw_book_sst(const char *path, const char *sheet, size_t n, const char *sst,
			size_t sn)
{
	int err;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	if (!z)
		return 1;
	if (add(z, "[Content_Types].xml", content_types, strlen(content_types)) ||
	    add(z, "xl/workbook.xml", workbook, strlen(workbook)) ||
	    add(z, "xl/_rels/workbook.xml.rels", rels, strlen(rels)) ||
	    add(z, "xl/worksheets/sheet1.xml", sheet, n) ||
	    (sst && add(z, "xl/sharedStrings.xml", sst, sn)))
		return 1;
	return zip_close(z) == 0 ? 0 : 1;
}

static int raw_book(const char *path, const char *sheet, size_t n)
{
	return raw_book_sst(path, sheet, n, NULL, 0);
}

static int bomb(const char *path, long mb)
{
	const char *head = "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>";
	size_t size = (size_t)mb << 20;
	char *x = malloc(size + 1024);
	if (!x)
		return 1;
	size_t n = (size_t)snprintf(x, 1024, "%s", head);
	/* A canonical header, then one row padded with white space: it compresses ~1000:1
	 * and stays well-formed, so only the size limit can stop a reader. */
	n += (size_t)snprintf(x + n, 1024, "%s<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>sch1</t></is></c>", HEADER_ROW);
	memset(x + n, ' ', size - n);
	n = size;
	n += (size_t)snprintf(x + n, 1024, "</row></sheetData></worksheet>");
	int rc = raw_book(path, x, n);
	free(x);
	return rc;
}

static int wide(const char *path)
{
	/* Column 1,000,000 is "BDWGN" (1-based). */
	const char *sheet =
		"<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		"<dimension ref=\"A1:BDWGN2\"/><sheetData>"
		HEADER_ROW "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>sch1</t></is></c>"
		"<c r=\"BDWGN2\"><v>1</v></c></row></sheetData></worksheet>";
	return raw_book(path, sheet, strlen(sheet));
}

static int cells(const char *path, long count)
{
	const char *head = "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
		HEADER_ROW "<row r=\"2\">";
	const char *cell = "<c r=\"A2\"/>", *tail = "</row></sheetData></worksheet>";
	size_t hl = strlen(head), cl = strlen(cell), tl = strlen(tail);
	if (count < 0)
		return 1;
	size_t size = hl + (size_t)count * cl + tl;
	char *x = malloc(size);
	if (!x)
		return 1;
	memcpy(x, head, hl);
	for (size_t i = 0; i < (size_t)count; i++)
		memcpy(x + hl + i * cl, cell, cl);
	memcpy(x + hl + (size_t)count * cl, tail, tl);
	int rc = raw_book(path, x, size);
	free(x);
	return rc;
}

static int strings(const char *path, long mb)
{
	const char *head = "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">";
	const char *sheet = "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
		"<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row></sheetData></worksheet>";
	size_t one = 100 << 10, want = (size_t)(mb < 1 ? 1 : mb) << 20;
	size_t count = want / (one + 16) + 1, hl = strlen(head);
	char *x = malloc(hl + count * (one + 16) + 16);
	if (!x)
		return 1;
	size_t n = hl;
	memcpy(x, head, hl);
	for (size_t i = 0; i < count; i++) {
		memcpy(x + n, "<si><t>", 7);
		memset(x + n + 7, 'a', one);
		memcpy(x + n + 7 + one, "</t></si>", 9);
		n += one + 16;
	}
	memcpy(x + n, "</sst>", 6);
	n += 6;
	int rc = raw_book_sst(path, sheet, strlen(sheet), x, n);
	free(x);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "from-csv") && argc % 2 == 1)
		return from_csv(argc, argv);
	if (argc == 4 && !strcmp(argv[1], "bomb"))
		return bomb(argv[2], strtol(argv[3], NULL, 10));
	if (argc == 3 && !strcmp(argv[1], "wide"))
		return wide(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "cells"))
		return cells(argv[2], strtol(argv[3], NULL, 10));
	if (argc == 4 && !strcmp(argv[1], "strings"))
		return strings(argv[2], strtol(argv[3], NULL, 10));
	fprintf(stderr, "usage: mkxlsx from-csv OUT SHEET CSV...| bomb OUT MB | wide OUT | "
		"cells OUT COUNT | strings OUT MB\n");
	return 2;
}
