/* Tests of the streaming XLSX reader: workbooks are built at test time with libzip from XML
 * text, so every feature and every hostile case is under the test's control; the real
 * regional files are read when ../shared/data/real is present. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "base/err.h"
#include "base/mem.h"
#include "io/xlsx_read.h"

#define NOT_XLSX "файл не является книгой Excel (.xlsx) или повреждён"

/* ---- fixture builder --------------------------------------------------------------- */

static char tmpdir[256];
static int nfiles;
static char files[128][300];

struct part {
	const char *name;
	const char *data;
	size_t len; /* 0: strlen(data) */
};

static const char *CT = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>";
static const char *PKG_RELS = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
	"relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
static const char *WB1 = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
	"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	"<sheets><sheet name=\"Sheet\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char *WB1_RELS = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
	"relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
	"relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
	"relationships/styles\" Target=\"styles.xml\"/></Relationships>";

#define SHEET_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet " \
	"xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
#define SHEET_TAIL "</sheetData></worksheet>"
#define SST_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst " \
	"xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"

/* Writes a zip with the given parts into the temp dir; returns its path (static storage). */
static const char *build(const char *fname, const struct part *parts, size_t n)
{
	assert_true(nfiles < 128);
	char *path = files[nfiles++];
	snprintf(path, sizeof files[0], "%s/%s", tmpdir, fname);
	int err = 0;
	zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	assert_non_null(za);
	for (size_t i = 0; i < n; i++) {
		size_t len = parts[i].len ? parts[i].len : strlen(parts[i].data);
		zip_source_t *src = zip_source_buffer(za, parts[i].data, len, 0);
		assert_non_null(src);
		assert_true(zip_file_add(za, parts[i].name, src, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(za), 0);
	return path;
}

/* A one-sheet workbook with the standard parts; sst or styles may be NULL (left out). */
static const char *build_book(const char *fname, const char *sheet, const char *sst,
			      const char *styles)
{
	struct part p[8];
	size_t n = 0;
	p[n++] = (struct part){ "[Content_Types].xml", CT, 0 };
	p[n++] = (struct part){ "_rels/.rels", PKG_RELS, 0 };
	p[n++] = (struct part){ "xl/workbook.xml", WB1, 0 };
	p[n++] = (struct part){ "xl/_rels/workbook.xml.rels", WB1_RELS, 0 };
	p[n++] = (struct part){ "xl/worksheets/sheet1.xml", sheet, 0 };
	if (sst)
		p[n++] = (struct part){ "xl/sharedStrings.xml", sst, 0 };
	if (styles)
		p[n++] = (struct part){ "xl/styles.xml", styles, 0 };
	return build(fname, p, n);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = xmalloc((size_t)n + 1);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return p;
}

static int setup(void **state)
{
	const char *t = getenv("TMPDIR");
	snprintf(tmpdir, sizeof tmpdir, "%s/oko-xlsx-XXXXXX", t && *t ? t : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	for (int i = 0; i < nfiles; i++)
		unlink(files[i]);
	rmdir(tmpdir);
	return 0;
}

/* ---- collecting rows --------------------------------------------------------------- */

#define MAXR 64
#define MAXC 40

struct got {
	long nrows;
	long row[MAXR];
	size_t ncells[MAXR];
	char *v[MAXR][MAXC];
	enum xlsx_type type[MAXR][MAXC];
	bool date[MAXR][MAXC];
	long stop_at; /* return 7 at this row */
	long total_rows;
	uint64_t total_bytes;
};

static int collect(void *ctx, long row, const struct xlsx_cell *cells, size_t n)
{
	struct got *g = ctx;
	g->total_rows++;
	assert_true(n > 0);
	assert_int_not_equal(cells[n - 1].type, XLSX_EMPTY);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(cells[i].v);
		assert_int_equal(strlen(cells[i].v), cells[i].len);
		g->total_bytes += cells[i].len;
	}
	if (g->nrows < MAXR) {
		long k = g->nrows++;
		g->row[k] = row;
		g->ncells[k] = n;
		for (size_t i = 0; i < n && i < MAXC; i++) {
			g->v[k][i] = xstrdup(cells[i].v);
			g->type[k][i] = cells[i].type;
			g->date[k][i] = cells[i].date;
		}
	}
	return g->stop_at && row == g->stop_at ? 7 : 0;
}

static void got_free(struct got *g)
{
	for (long k = 0; k < g->nrows && k < MAXR; k++)
		for (size_t i = 0; i < g->ncells[k] && i < MAXC; i++)
			free(g->v[k][i]);
	memset(g, 0, sizeof *g);
}

static void check_cell(struct got *g, long k, size_t col, enum xlsx_type t, const char *v)
{
	assert_true(k < g->nrows);
	assert_true(col < g->ncells[k]);
	assert_int_equal(g->type[k][col], t);
	assert_string_equal(g->v[k][col], v);
}

/* Opens path and reads sheet 0 into g; returns xlsx_sheet_read's result. */
static int read_first(const char *path, const struct xlsx_limits *lim, struct got *g,
		      char *err, size_t errlen)
{
	struct xlsx_book *b = NULL;
	char msg[512];
	int rc = xlsx_open(&b, path, lim, msg, sizeof msg);
	assert_int_equal(rc, 0);
	assert_non_null(b);
	rc = xlsx_sheet_read(b, 0, collect, g);
	if (err)
		snprintf(err, errlen, "%s", xlsx_error(b));
	xlsx_close(b);
	return rc;
}

/* ---- tests ------------------------------------------------------------------------- */

static const char *SST_RICH = SST_HEAD
	"<si><t>логин школы</t></si>"
	"<si><r><rPr><b/></rPr><t>Жир</t></r><r><t xml:space=\"preserve\">ный </t></r>"
	"<rPh sb=\"0\" eb=\"1\"><t>ФОНЕТИКА</t></rPh><phoneticPr fontId=\"1\"/></si>"
	"<si><t>деятель_x0002_ности</t></si>"
	"<si><t>_x005F_x0041_|A_x000D__x000A_B|_xD83D__xDE00_|_x004|_xD800_x|a_x0009_b|_x00e9_</t></si>"
	"<si><t></t></si>"
	"</sst>";

static const char *STYLES = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	"<numFmts count=\"4\"><numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/>"
	"<numFmt numFmtId=\"165\" formatCode=\"&quot;d&quot;0.00\"/>"
	"<numFmt numFmtId=\"166\" formatCode=\"[Red]0.00;[Blue]\\-0.00\"/>"
	"<numFmt numFmtId=\"167\" formatCode=\"[h]:mm\"/></numFmts>"
	"<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
	"<cellXfs count=\"7\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
	"<xf numFmtId=\"165\"/><xf numFmtId=\"166\"/><xf numFmtId=\"167\"/><xf numFmtId=\"4\"/>"
	"</cellXfs></styleSheet>";

static void test_cell_types(void **state)
{
	const char *sheet = SHEET_HEAD
		"<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
		"<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v> 3 </v></c></row>"
		/* gaps, inline rich text with phonetic run, formula string, bool, error */
		"<row r=\"3\"><c r=\"B3\" t=\"inlineStr\"><is><r><t>при</t></r><r><t>вет</t></r>"
		"<rPh><t>x</t></rPh></is></c><c r=\"D3\" t=\"str\"><f>A1&amp;\"x\"</f><v>итог</v></c>"
		"<c r=\"E3\" t=\"b\"><v>1</v></c><c r=\"F3\" t=\"e\"><v>#N/A</v></c>"
		"<c r=\"G3\"><f>1+1</f><v>2</v></c><c r=\"H3\" t=\"n\"><v>0.5</v></c>"
		"<c r=\"I3\" s=\"6\"/><c r=\"J3\" t=\"s\"/></row>"
		/* missing r on cells and on the row: next column, next row */
		"<row><c t=\"inlineStr\"><is><t>a</t></is></c><c><v>1</v></c><c r=\"E4\"><v>5</v></c>"
		"<c><v>6</v></c></row>"
		/* a row of empty cells only is not reported */
		"<row r=\"6\"><c r=\"A6\"/><c r=\"B6\" t=\"s\"><v>4</v></c><c r=\"C6\"><v></v></c></row>"
		/* dates by style; a trailing empty inline string is trimmed */
		"<row r=\"7\"><c r=\"A7\" s=\"1\"><v>44197</v></c><c r=\"B7\" s=\"2\"><v>44198.5</v></c>"
		"<c r=\"C7\" s=\"3\"><v>1</v></c><c r=\"D7\" s=\"4\"><v>2</v></c>"
		"<c r=\"E7\" s=\"5\"><v>0.25</v></c><c r=\"F7\" s=\"6\"><v>3</v></c>"
		"<c r=\"G7\" s=\"99\"><v>4</v></c><c r=\"H7\" s=\"1\" t=\"s\"><v>0</v></c>"
		"<c r=\"I7\" t=\"inlineStr\"><is><t></t></is></c></row>"
		/* escapes in inline strings too */
		"<row r=\"8\"><c r=\"A8\" t=\"inlineStr\"><is><t>x_x0002_y</t></is></c></row>"
		SHEET_TAIL;
	const char *path = build_book("types.xlsx", sheet, SST_RICH, STYLES);
	struct got g = { 0 };
	assert_int_equal(read_first(path, NULL, &g, NULL, 0), 0);
	assert_int_equal(g.nrows, 5);

	assert_int_equal(g.row[0], 1);
	assert_int_equal(g.ncells[0], 4);
	check_cell(&g, 0, 0, XLSX_STRING, "логин школы");
	check_cell(&g, 0, 1, XLSX_STRING, "Жирный ");
	check_cell(&g, 0, 2, XLSX_STRING, "деятельности");
	check_cell(&g, 0, 3, XLSX_STRING, "_x0041_|A\nB|\xF0\x9F\x98\x80|_x004|x|a\tb|\xC3\xA9");

	assert_int_equal(g.row[1], 3);
	assert_int_equal(g.ncells[1], 8);
	check_cell(&g, 1, 0, XLSX_EMPTY, "");
	check_cell(&g, 1, 1, XLSX_STRING, "привет");
	check_cell(&g, 1, 2, XLSX_EMPTY, "");
	check_cell(&g, 1, 3, XLSX_STRING, "итог");
	check_cell(&g, 1, 4, XLSX_BOOL, "1");
	check_cell(&g, 1, 5, XLSX_ERROR, "#N/A");
	check_cell(&g, 1, 6, XLSX_NUMBER, "2");
	check_cell(&g, 1, 7, XLSX_NUMBER, "0.5");

	assert_int_equal(g.row[2], 4);
	assert_int_equal(g.ncells[2], 6);
	check_cell(&g, 2, 0, XLSX_STRING, "a");
	check_cell(&g, 2, 1, XLSX_NUMBER, "1");
	check_cell(&g, 2, 2, XLSX_EMPTY, "");
	check_cell(&g, 2, 3, XLSX_EMPTY, "");
	check_cell(&g, 2, 4, XLSX_NUMBER, "5");
	check_cell(&g, 2, 5, XLSX_NUMBER, "6");

	assert_int_equal(g.row[3], 7);
	assert_int_equal(g.ncells[3], 8);
	assert_true(g.date[3][0]);
	assert_true(g.date[3][1]);
	assert_false(g.date[3][2]); /* "d" quoted */
	assert_false(g.date[3][3]); /* [Red] */
	assert_true(g.date[3][4]);  /* [h]:mm */
	assert_false(g.date[3][5]); /* built-in 4 */
	assert_false(g.date[3][6]); /* no such style */
	check_cell(&g, 3, 7, XLSX_STRING, "логин школы");
	assert_false(g.date[3][7]); /* strings are never dates */
	check_cell(&g, 3, 1, XLSX_NUMBER, "44198.5");

	assert_int_equal(g.row[4], 8);
	check_cell(&g, 4, 0, XLSX_STRING, "xy");
	got_free(&g);
}

static void test_two_sheets_cyrillic(void **state)
{
	const char *wb = "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
		"xmlns:rel=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
		"<sheets><sheet name=\"Классы\" sheetId=\"1\" rel:id=\"rId7\"/>"
		"<sheet name=\"Протокол\" sheetId=\"2\" rel:id=\"rId3\"/></sheets></workbook>";
	const char *rels = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		"<Relationship Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
		"Target=\"/xl/worksheets/sheet1.xml\" Id=\"rId3\"/>"
		"<Relationship Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
		"Target=\"./worksheets/../worksheets/sheet2.xml\" Id=\"rId7\"/></Relationships>";
	const char *s1 = SHEET_HEAD "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>протокол</t></is></c>"
		"</row>" SHEET_TAIL;
	const char *s2 = SHEET_HEAD "<row r=\"2\"><c r=\"B2\" t=\"inlineStr\"><is><t>классы</t></is></c>"
		"</row>" SHEET_TAIL;
	/* no _rels/.rels, no shared strings, no styles: all optional */
	struct part p[] = {
		{ "xl/workbook.xml", wb, 0 },
		{ "xl/_rels/workbook.xml.rels", rels, 0 },
		{ "xl/worksheets/sheet1.xml", s1, 0 },
		{ "xl/worksheets/sheet2.xml", s2, 0 },
	};
	const char *path = build("two.xlsx", p, 4);
	struct xlsx_book *b;
	char msg[512];
	assert_int_equal(xlsx_open(&b, path, NULL, msg, sizeof msg), 0);
	assert_int_equal(xlsx_sheet_count(b), 2);
	assert_string_equal(xlsx_sheet_name(b, 0), "Классы");
	assert_string_equal(xlsx_sheet_name(b, 1), "Протокол");
	assert_null(xlsx_sheet_name(b, 2));
	assert_int_equal(xlsx_sheet_find(b, "Протокол"), 1);
	assert_int_equal(xlsx_sheet_find(b, "  ПРОТОКОЛ "), 1);
	assert_int_equal(xlsx_sheet_find(b, "классы"), 0);
	assert_int_equal(xlsx_sheet_find(b, "Sheet"), -1);
	assert_int_equal(xlsx_sheet_size(b, 0), strlen(s2));

	struct got g = { 0 };
	assert_int_equal(xlsx_sheet_read(b, 0, collect, &g), 0);
	assert_int_equal(xlsx_bytes_done(b), strlen(s2));
	assert_int_equal(g.nrows, 1);
	assert_int_equal(g.row[0], 2);
	check_cell(&g, 0, 1, XLSX_STRING, "классы");
	got_free(&g);
	assert_int_equal(xlsx_sheet_read(b, 1, collect, &g), 0);
	check_cell(&g, 0, 0, XLSX_STRING, "протокол");
	got_free(&g);
	assert_int_equal(xlsx_sheet_read(b, 5, collect, &g), ERR_NOTFOUND);
	xlsx_close(b);
}

static void test_prefixed_names(void **state)
{
	const char *sheet = "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		"<x:sheetData><x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>hi</x:t></x:is></x:c>"
		"<x:c r=\"B1\"><x:v>3</x:v></x:c></x:row></x:sheetData></x:worksheet>";
	const char *path = build_book("prefix.xlsx", sheet, NULL, NULL);
	struct got g = { 0 };
	assert_int_equal(read_first(path, NULL, &g, NULL, 0), 0);
	check_cell(&g, 0, 0, XLSX_STRING, "hi");
	check_cell(&g, 0, 1, XLSX_NUMBER, "3");
	got_free(&g);
}

static void test_sst_out_of_range(void **state)
{
	const char *sheet = SHEET_HEAD "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"
		"<row r=\"2\"><c r=\"A2\" t=\"s\"><v>0</v></c><c r=\"B2\" t=\"s\"><v>5</v></c></row>"
		SHEET_TAIL;
	const char *path = build_book("sstoob.xlsx", sheet, SST_HEAD "<si><t>a</t></si></sst>", NULL);
	struct got g = { 0 };
	char err[512];
	assert_int_equal(read_first(path, NULL, &g, err, sizeof err), ERR_PARSE);
	assert_int_equal(g.nrows, 1);
	assert_non_null(strstr(err, "лист «Sheet», строка 2"));
	assert_non_null(strstr(err, "B2"));
	got_free(&g);

	/* no shared strings part at all */
	path = build_book("nosst.xlsx", sheet, NULL, NULL);
	assert_int_equal(read_first(path, NULL, &g, err, sizeof err), ERR_PARSE);
	assert_non_null(strstr(err, "строка 1"));
	got_free(&g);

	/* not a number */
	path = build_book("sstnan.xlsx", SHEET_HEAD "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>x</v></c>"
			  "</row>" SHEET_TAIL, SST_HEAD "<si><t>a</t></si></sst>", NULL);
	assert_int_equal(read_first(path, NULL, &g, err, sizeof err), ERR_PARSE);
	got_free(&g);
}

static void expect_format(const void *data, size_t len, const char *want)
{
	struct xlsx_book *b = (struct xlsx_book *)1;
	char msg[512] = "";
	assert_int_equal(xlsx_open_mem(&b, data, len, NULL, msg, sizeof msg), ERR_FORMAT);
	assert_null(b);
	assert_non_null(strstr(msg, want));
}

static void test_truncated_and_not_zip(void **state)
{
	const char *path = build_book("whole.xlsx", SHEET_HEAD "<row r=\"1\"><c r=\"A1\"><v>1</v></c>"
				      "</row>" SHEET_TAIL, SST_RICH, STYLES);
	size_t len;
	char *data = slurp(path, &len);
	struct xlsx_book *b;
	char msg[512];
	assert_int_equal(xlsx_open_mem(&b, data, len, NULL, msg, sizeof msg), 0);
	xlsx_close(b);

	expect_format(data, len / 2, NOT_XLSX);
	expect_format(data, len - 1, NOT_XLSX);
	expect_format(data, 30, NOT_XLSX);
	expect_format("hello, world\n", 13, NOT_XLSX);
	expect_format("", 0, NOT_XLSX);
	expect_format("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 and more bytes", 24, ".xls");
	/* NULL msg is allowed */
	assert_int_equal(xlsx_open_mem(&b, "junk", 4, NULL, NULL, 0), ERR_FORMAT);

	/* the same through files */
	char half[300];
	snprintf(half, sizeof half, "%s/half.xlsx", tmpdir);
	snprintf(files[nfiles++], sizeof files[0], "%s", half);
	FILE *f = fopen(half, "wb");
	assert_non_null(f);
	fwrite(data, 1, len / 2, f);
	fclose(f);
	b = (struct xlsx_book *)1;
	assert_int_equal(xlsx_open(&b, half, NULL, msg, sizeof msg), ERR_FORMAT);
	assert_null(b);
	assert_non_null(strstr(msg, NOT_XLSX));
	f = fopen(half, "wb");
	fclose(f);
	assert_int_equal(xlsx_open(&b, half, NULL, msg, sizeof msg), ERR_FORMAT);
	assert_non_null(strstr(msg, NOT_XLSX));

	snprintf(half, sizeof half, "%s/missing.xlsx", tmpdir);
	assert_int_equal(xlsx_open(&b, half, NULL, msg, sizeof msg), ERR_IO);
	assert_non_null(strstr(msg, "не найден"));
	free(data);

	/* a zip that is not a workbook */
	struct part p[] = { { "hello.txt", "hello", 0 } };
	path = build("plain.zip", p, 1);
	assert_int_equal(xlsx_open(&b, path, NULL, msg, sizeof msg), ERR_FORMAT);
	assert_non_null(strstr(msg, NOT_XLSX));
}

static void test_missing_sheet_part(void **state)
{
	struct part p[] = {
		{ "xl/workbook.xml", WB1, 0 },
		{ "xl/_rels/workbook.xml.rels", WB1_RELS, 0 },
	};
	const char *path = build("nosheet.xlsx", p, 2);
	struct xlsx_book *b;
	char msg[512];
	assert_int_equal(xlsx_open(&b, path, NULL, msg, sizeof msg), 0);
	struct got g = { 0 };
	assert_int_equal(xlsx_sheet_read(b, 0, collect, &g), ERR_FORMAT);
	assert_non_null(strstr(xlsx_error(b), "Sheet"));
	assert_int_equal(xlsx_sheet_size(b, 0), 0);
	xlsx_close(b);

	/* workbook without its relationships */
	struct part q[] = { { "xl/workbook.xml", WB1, 0 } };
	path = build("norels.xlsx", q, 1);
	assert_int_equal(xlsx_open(&b, path, NULL, msg, sizeof msg), ERR_FORMAT);
}

/* A sheet part of about size bytes: rows of three cells, then padding inside sheetData. */
static char *big_sheet(size_t rows, size_t pad)
{
	size_t cap = 200 + rows * 200 + pad;
	char *s = xmalloc(cap);
	size_t n = (size_t)snprintf(s, cap, SHEET_HEAD);
	for (size_t r = 1; r <= rows; r++)
		n += (size_t)snprintf(s + n, cap - n, "<row r=\"%zu\"><c r=\"A%zu\" t=\"inlineStr\"><is>"
				      "<t>s%zu</t></is></c><c r=\"B%zu\"><v>%zu</v></c>"
				      "<c r=\"C%zu\" t=\"s\"><v>0</v></c></row>", r, r, r, r, r, r);
	assert_true(n + pad + 100 < cap);
	memset(s + n, ' ', pad);
	n += pad;
	n += (size_t)snprintf(s + n, cap - n, SHEET_TAIL);
	return s;
}

static void test_zip_bomb(void **state)
{
	char *sheet = big_sheet(1, 2 << 20);
	const char *path = build_book("bomb.xlsx", sheet, SST_RICH, NULL);
	struct xlsx_limits lim = { .max_part_bytes = 1 << 20 };
	struct got g = { 0 };
	char err[512];
	assert_int_equal(read_first(path, &lim, &g, err, sizeof err), ERR_LIMIT);
	assert_non_null(strstr(err, "zip-бомба"));
	assert_non_null(strstr(err, "лист «Sheet»"));
	got_free(&g);
	/* with the default limit the same file is fine */
	assert_int_equal(read_first(path, NULL, &g, NULL, 0), 0);
	assert_int_equal(g.nrows, 1);
	got_free(&g);

	/* a bomb in the shared strings fails the opening */
	size_t n = 3 << 20;
	char *sst = xmalloc(n + 400);
	size_t k = (size_t)snprintf(sst, 400, SST_HEAD "<si><t>");
	memset(sst + k, 'a', n);
	snprintf(sst + k + n, 100, "</t></si></sst>");
	path = build_book("sstbomb.xlsx", sheet, sst, NULL);
	struct xlsx_book *b;
	char msg[512];
	lim.max_cell = 8 << 20;
	assert_int_equal(xlsx_open(&b, path, &lim, msg, sizeof msg), ERR_LIMIT);
	assert_non_null(strstr(msg, "sharedStrings.xml"));
	/* and over the default cell limit anyway */
	assert_int_equal(xlsx_open(&b, path, NULL, msg, sizeof msg), ERR_LIMIT);
	free(sst);
	free(sheet);
}

/* Shared strings are capped by their total bytes as well as by their count: strings of
 * 100 KiB each pass the cell limit one by one, and 0.56 MB of zip unpacked to 527 MB of
 * them was accepted. */
static void test_sst_bytes(void **state)
{
	struct xlsx_book *b = NULL;
	char msg[512];
	const char *sheet = SHEET_HEAD "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>1</v></c></row>"
		SHEET_TAIL;
	/* "ab" and "c" take 5 bytes with their NULs */
	const char *path = build_book("sstbytes.xlsx", sheet, SST_HEAD "<si><r><t>a</t></r>"
				      "<r><t>b</t></r></si><si><t>c</t></si></sst>", NULL);
	struct xlsx_limits lim = { .max_sst_bytes = 4 };
	assert_int_equal(xlsx_open(&b, path, &lim, msg, sizeof msg), ERR_LIMIT);
	assert_null(b);
	assert_non_null(strstr(msg, "общие строки книги"));
	assert_non_null(strstr(msg, "sharedStrings.xml"));
	assert_non_null(strstr(msg, "больше 4 байт"));
	lim.max_sst_bytes = 5;
	assert_int_equal(xlsx_open(&b, path, &lim, msg, sizeof msg), 0);
	struct got g = { 0 };
	assert_int_equal(xlsx_sheet_read(b, 0, collect, &g), 0);
	check_cell(&g, 0, 0, XLSX_STRING, "c");
	got_free(&g);
	xlsx_close(b);

	/* empty strings first (nothing collected yet; found by fuzz_xlsx_sst under UBSan) */
	path = build_book("sstfirstempty.xlsx", SHEET_HEAD "<row r=\"1\"><c r=\"A1\" t=\"s\">"
			  "<v>0</v></c><c r=\"B1\" t=\"s\"><v>2</v></c></row>" SHEET_TAIL,
			  SST_HEAD "<si/><si><rPh><t>ф</t></rPh></si><si><t>x</t></si></sst>", NULL);
	assert_int_equal(xlsx_open(&b, path, NULL, msg, sizeof msg), 0);
	assert_int_equal(xlsx_sheet_read(b, 0, collect, &g), 0);
	assert_int_equal(g.ncells[0], 2);
	check_cell(&g, 0, 0, XLSX_EMPTY, "");
	check_cell(&g, 0, 1, XLSX_STRING, "x");
	got_free(&g);
	xlsx_close(b);

	/* empty strings cost their NUL */
	path = build_book("sstempty.xlsx", sheet, SST_HEAD "<si/><si/><si></si><si><t/></si>"
			  "<si><t></t></si></sst>", NULL);
	lim.max_sst_bytes = 4;
	assert_int_equal(xlsx_open(&b, path, &lim, msg, sizeof msg), ERR_LIMIT);
	lim.max_sst_bytes = 5;
	assert_int_equal(xlsx_open(&b, path, &lim, msg, sizeof msg), 0);
	xlsx_close(b);

	/* a generated bomb: 4 MiB of 100 KiB strings against a 1 MiB cap; fine by default */
	size_t one = 100 << 10, count = 41, n = 0;
	char *sst = xmalloc(200 + count * (one + 16));
	n = (size_t)snprintf(sst, 200, SST_HEAD);
	for (size_t i = 0; i < count; i++) {
		memcpy(sst + n, "<si><t>", 7);
		memset(sst + n + 7, 'a' + (int)(i % 26), one);
		memcpy(sst + n + 7 + one, "</t></si>", 9);
		n += one + 16;
	}
	memcpy(sst + n, "</sst>", 7);
	path = build_book("sstbomb2.xlsx", sheet, sst, NULL);
	lim.max_sst_bytes = 1 << 20;
	assert_int_equal(xlsx_open(&b, path, &lim, msg, sizeof msg), ERR_LIMIT);
	assert_non_null(strstr(msg, "zip-бомба"));
	assert_int_equal(xlsx_open(&b, path, NULL, msg, sizeof msg), 0);
	assert_int_equal(xlsx_sheet_read(b, 0, collect, &g), 0);
	assert_int_equal(strlen(g.v[0][0]), one);
	assert_int_equal(g.v[0][0][0], 'b');
	got_free(&g);
	xlsx_close(b);
	free(sst);
}

/* A sheet: head, then count copies of each of open and close, then the rest; xmalloc'd. */
static char *repeat_xml(const char *head, const char *open, const char *close, size_t count,
			const char *tail)
{
	size_t hl = strlen(head), ol = strlen(open), cl = strlen(close), tl = strlen(tail);
	char *s = xmalloc(hl + count * (ol + cl) + tl + 1), *p = s;
	memcpy(p, head, hl);
	p += hl;
	for (size_t i = 0; i < count; i++, p += ol)
		memcpy(p, open, ol);
	for (size_t i = 0; i < count; i++, p += cl)
		memcpy(p, close, cl);
	memcpy(p, tail, tl + 1);
	return s;
}

/* The XML parser's own memory is capped: a giant tag (a 12 MiB attribute; expat 2.5 also
 * rescans it on every chunk, minutes of CPU for 500 MB) or half a million nested elements
 * are refused, in a sheet and in the parts read when the book opens. */
static void test_xml_memory(void **state)
{
	struct got g = { 0 };
	char err[512], msg[512];
	struct xlsx_book *b = NULL;
	size_t big = 12 << 20;
	char *sheet = repeat_xml(SHEET_HEAD "<row r=\"1\" x=\"", "a", "", big,
				 "\"><c r=\"A1\"><v>1</v></c></row>" SHEET_TAIL);
	const char *path = build_book("bigtag.xlsx", sheet, NULL, NULL);
	assert_int_equal(read_first(path, NULL, &g, err, sizeof err), ERR_LIMIT);
	assert_non_null(strstr(err, "лист «Sheet»"));
	assert_non_null(strstr(err, "8 МиБ"));
	assert_int_equal(g.nrows, 0);
	got_free(&g);
	free(sheet);

	sheet = repeat_xml(SHEET_HEAD "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>", "<a>", "</a>",
			   500000, SHEET_TAIL);
	path = build_book("nested.xlsx", sheet, NULL, NULL);
	assert_int_equal(read_first(path, NULL, &g, err, sizeof err), ERR_LIMIT);
	assert_non_null(strstr(err, "вложенность"));
	assert_int_equal(g.nrows, 1);
	got_free(&g);

	char *sst = repeat_xml(SST_HEAD, "<si>", "</si>", 500000, "</sst>");
	path = build_book("nestedsst.xlsx", SHEET_HEAD SHEET_TAIL, sst, NULL);
	assert_int_equal(xlsx_open(&b, path, NULL, msg, sizeof msg), ERR_LIMIT);
	assert_null(b);
	assert_non_null(strstr(msg, NOT_XLSX));
	assert_non_null(strstr(msg, "sharedStrings.xml"));
	free(sst);
	free(sheet);

	/* a tag of 1 MiB and a thousand levels are still read */
	sheet = repeat_xml(SHEET_HEAD "<row r=\"1\" x=\"", "a", "", 1 << 20,
			   "\"><c r=\"A1\"><v>1</v></c></row>" SHEET_TAIL);
	path = build_book("tag1m.xlsx", sheet, NULL, NULL);
	assert_int_equal(read_first(path, NULL, &g, NULL, 0), 0);
	assert_int_equal(g.nrows, 1);
	got_free(&g);
	free(sheet);
	sheet = repeat_xml(SHEET_HEAD "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>", "<a>", "</a>",
			   1000, "<row r=\"2\"><c r=\"A2\"><v>2</v></c></row>" SHEET_TAIL);
	path = build_book("nest1k.xlsx", sheet, NULL, NULL);
	assert_int_equal(read_first(path, NULL, &g, NULL, 0), 0);
	assert_int_equal(g.nrows, 2);
	got_free(&g);
	free(sheet);
}

static void test_columns(void **state)
{
	struct got g = { 0 };
	char err[512];
	const char *path = build_book("xfe.xlsx", SHEET_HEAD "<row r=\"1\"><c r=\"A1\"><v>1</v></c>"
				      "<c r=\"XFE1\"><v>2</v></c></row>" SHEET_TAIL, NULL, NULL);
	assert_int_equal(read_first(path, NULL, &g, err, sizeof err), ERR_LIMIT);
	assert_non_null(strstr(err, "строка 1"));
	assert_non_null(strstr(err, "XFE1"));
	got_free(&g);

	path = build_book("huge.xlsx", SHEET_HEAD "<row r=\"3\"><c r=\"ZZZZZZZZZZZZZZZZZZZZ3\"><v>2</v></c>"
			  "</row>" SHEET_TAIL, NULL, NULL);
	assert_int_equal(read_first(path, NULL, &g, err, sizeof err), ERR_LIMIT);
	assert_non_null(strstr(err, "строка 3"));
	got_free(&g);

	/* the last column Excel allows is fine */
	path = build_book("xfd.xlsx", SHEET_HEAD "<row r=\"1\"><c r=\"XFD1\"><v>2</v></c></row>"
			  SHEET_TAIL, NULL, NULL);
	assert_int_equal(read_first(path, NULL, &g, NULL, 0), 0);
	assert_int_equal(g.ncells[0], 16384);
	got_free(&g);

	/* a smaller limit of our own; cells without r count too */
	struct xlsx_limits lim = { .max_cols = 3 };
	path = build_book("cols.xlsx", SHEET_HEAD "<row r=\"1\"><c><v>1</v></c><c><v>1</v></c>"
			  "<c><v>1</v></c><c><v>1</v></c></row>" SHEET_TAIL, NULL, NULL);
	assert_int_equal(read_first(path, &lim, &g, err, sizeof err), ERR_LIMIT);
	assert_non_null(strstr(err, "строка 1"));
	got_free(&g);

	path = build_book("badref.xlsx", SHEET_HEAD "<row r=\"1\"><c r=\"17\"><v>1</v></c></row>"
			  SHEET_TAIL, NULL, NULL);
	assert_int_equal(read_first(path, NULL, &g, err, sizeof err), ERR_PARSE);
	got_free(&g);
}

static void test_huge_dimension(void **state)
{
	const char *sheet = "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		"<dimension ref=\"A1:XFD1048576\"/><sheetData><row r=\"2\" spans=\"1:16384\">"
		"<c r=\"B2\"><v>7</v></c></row></sheetData></worksheet>";
	const char *path = build_book("dim.xlsx", sheet, NULL, NULL);
	struct got g = { 0 };
	assert_int_equal(read_first(path, NULL, &g, NULL, 0), 0);
	assert_int_equal(g.nrows, 1);
	assert_int_equal(g.row[0], 2);
	assert_int_equal(g.ncells[0], 2);
	check_cell(&g, 0, 1, XLSX_NUMBER, "7");
	got_free(&g);
}

static void test_limits(void **state)
{
	struct got g = { 0 };
	char err[512];
	struct xlsx_book *b;
	char msg[512];
	const char *rows = SHEET_HEAD "<row r=\"1\"><c><v>1</v></c></row><row><c><v>1</v></c></row>"
		"<row><c><v>1</v></c></row><row><c><v>1</v></c></row>" SHEET_TAIL;
	const char *path = build_book("rows.xlsx", rows, NULL, NULL);
	struct xlsx_limits lim = { .max_rows = 3 };
	assert_int_equal(read_first(path, &lim, &g, err, sizeof err), ERR_LIMIT);
	assert_int_equal(g.nrows, 3);
	assert_non_null(strstr(err, "строка 4"));
	got_free(&g);

	path = build_book("rownum.xlsx", SHEET_HEAD "<row r=\"1048577\"><c><v>1</v></c></row>"
			  SHEET_TAIL, NULL, NULL);
	assert_int_equal(read_first(path, NULL, &g, err, sizeof err), ERR_LIMIT);
	assert_non_null(strstr(err, "1048577"));
	got_free(&g);
	path = build_book("rowbad.xlsx", SHEET_HEAD "<row r=\"0\"><c><v>1</v></c></row>"
			  SHEET_TAIL, NULL, NULL);
	assert_int_equal(read_first(path, NULL, &g, err, sizeof err), ERR_PARSE);
	got_free(&g);

	path = build_book("cell.xlsx", SHEET_HEAD "<row r=\"5\"><c r=\"C5\" t=\"inlineStr\"><is><t>0123456789"
			  "</t><t>x</t></is></c></row>" SHEET_TAIL, NULL, NULL);
	lim = (struct xlsx_limits){ .max_cell = 10 };
	assert_int_equal(read_first(path, &lim, &g, err, sizeof err), ERR_LIMIT);
	assert_non_null(strstr(err, "строка 5"));
	assert_non_null(strstr(err, "C5"));
	got_free(&g);
	lim.max_cell = 11;
	assert_int_equal(read_first(path, &lim, &g, err, sizeof err), 0);
	check_cell(&g, 0, 2, XLSX_STRING, "0123456789x");
	got_free(&g);

	path = build_book("nstr.xlsx", rows, SST_HEAD "<si><t>a</t></si><si><t>b</t></si>"
			  "<si><t>c</t></si></sst>", NULL);
	lim = (struct xlsx_limits){ .max_strings = 2 };
	assert_int_equal(xlsx_open(&b, path, &lim, msg, sizeof msg), ERR_LIMIT);
	lim.max_strings = 3;
	assert_int_equal(xlsx_open(&b, path, &lim, msg, sizeof msg), 0);
	xlsx_close(b);
	lim = (struct xlsx_limits){ .max_cell = 2 };
	path = build_book("lstr.xlsx", rows, SST_HEAD "<si><r><t>ab</t></r><r><t>c</t></r></si></sst>",
			  NULL);
	assert_int_equal(xlsx_open(&b, path, &lim, msg, sizeof msg), ERR_LIMIT);
}

/* The dense row is reused: nothing of a wide row may leak into the next one. */
static void test_row_reuse(void **state)
{
	const char *sheet = SHEET_HEAD
		"<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"XFD1\"><v>2</v></c></row>"
		"<row r=\"2\"><c r=\"B2\"><v>3</v></c></row>"
		"<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>y</t></is></c></row>"
		"<row r=\"4\"><c r=\"A4\"/></row>"
		"<row r=\"5\"><c r=\"C5\" s=\"1\"><v>5</v></c></row>"
		"<row r=\"6\"><c r=\"D6\"><v>6</v></c><c r=\"B6\"><v>7</v></c></row>"
		SHEET_TAIL;
	const char *path = build_book("reuse.xlsx", sheet, NULL, STYLES);
	struct got g = { 0 };
	assert_int_equal(read_first(path, NULL, &g, NULL, 0), 0);
	assert_int_equal(g.nrows, 5);
	assert_int_equal(g.ncells[0], 16384);
	assert_int_equal(g.row[1], 2);
	assert_int_equal(g.ncells[1], 2);
	check_cell(&g, 1, 0, XLSX_EMPTY, "");
	check_cell(&g, 1, 1, XLSX_NUMBER, "3");
	assert_int_equal(g.ncells[2], 1);
	check_cell(&g, 2, 0, XLSX_STRING, "y");
	assert_int_equal(g.row[3], 5);
	assert_true(g.date[3][2]);
	assert_int_equal(g.row[4], 6);
	assert_int_equal(g.ncells[4], 4);
	check_cell(&g, 4, 1, XLSX_NUMBER, "7");
	check_cell(&g, 4, 2, XLSX_EMPTY, "");
	assert_false(g.date[4][2]);
	check_cell(&g, 4, 3, XLSX_NUMBER, "6");
	got_free(&g);
}

/* A reference used twice in a row is a damaged file, whichever way the second one is
 * written; the same column in the next row is fine. */
static void test_repeated_cell(void **state)
{
	static const struct {
		const char *row, *want;
	} cases[] = {
		{ "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>x</t></is></c>"
		  "<c r=\"A3\" t=\"inlineStr\"><is><t>y</t></is></c></row>", "A3" },
		{ "<row r=\"3\"><c r=\"A3\"><v>1</v></c><c r=\"A3\"/></row>", "A3" },
		{ "<row r=\"3\"><c r=\"A3\"/><c r=\"A3\"><v>1</v></c></row>", "A3" },
		/* without r the cell takes the column after the previous one */
		{ "<row r=\"3\"><c r=\"B3\"><v>1</v></c><c r=\"A3\"><v>2</v></c><c><v>3</v></c>"
		  "</row>", "B3" },
		{ "<row r=\"3\"><c r=\"XFD3\"><v>1</v></c><c r=\"A3\"/><c r=\"B3\"/>"
		  "<c r=\"XFD3\"/></row>", "XFD3" },
	};
	char sheet[1024], err[512];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(sheet, sizeof sheet, SHEET_HEAD "<row r=\"2\"><c r=\"A2\"><v>0</v></c>"
			 "<c r=\"B2\"><v>0</v></c><c r=\"XFD2\"><v>0</v></c></row>%s"
			 "<row r=\"4\"><c r=\"A4\"><v>4</v></c></row>" SHEET_TAIL, cases[i].row);
		char name[32];
		snprintf(name, sizeof name, "rep%zu.xlsx", i);
		const char *path = build_book(name, sheet, NULL, NULL);
		struct got g = { 0 };
		assert_int_equal(read_first(path, NULL, &g, err, sizeof err), ERR_PARSE);
		assert_int_equal(g.nrows, 1);
		assert_int_equal(g.row[0], 2);
		assert_non_null(strstr(err, "лист «Sheet», строка 3"));
		assert_non_null(strstr(err, cases[i].want));
		assert_non_null(strstr(err, "второй раз"));
		got_free(&g);
	}
	/* the same columns row after row, and out of order within a row, are fine */
	const char *path = build_book("norep.xlsx", SHEET_HEAD
		"<row r=\"1\"><c r=\"C1\"><v>1</v></c><c r=\"A1\"><v>2</v></c><c><v>3</v></c></row>"
		"<row r=\"2\"><c r=\"C2\"><v>1</v></c><c r=\"A2\"><v>2</v></c><c><v>3</v></c></row>"
		SHEET_TAIL, NULL, NULL);
	struct got g = { 0 };
	assert_int_equal(read_first(path, NULL, &g, NULL, 0), 0);
	assert_int_equal(g.nrows, 2);
	check_cell(&g, 1, 0, XLSX_NUMBER, "2");
	check_cell(&g, 1, 1, XLSX_NUMBER, "3");
	check_cell(&g, 1, 2, XLSX_NUMBER, "1");
	got_free(&g);
}

/* A sheet of count copies of one cell (row 2) after a header row; xmalloc'd. */
static char *cell_bomb(const char *cell, size_t count)
{
	size_t cl = strlen(cell), cap = 400 + count * cl;
	char *s = xmalloc(cap);
	size_t n = (size_t)snprintf(s, cap, SHEET_HEAD "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
				    "<row r=\"2\">");
	for (size_t i = 0; i < count; i++, n += cl)
		memcpy(s + n, cell, cl);
	snprintf(s + n, cap - n, "</row>" SHEET_TAIL);
	return s;
}

/* The cells of a row and of a sheet are capped, every <c> counted, before they are stored:
 * a bomb of one repeated cell (1.9 GB for a 1 MB file before) stops at once. */
static void test_cell_caps(void **state)
{
	struct got g = { 0 };
	char err[512];
	/* a million copies of A2: refused at the second, long before the end of the part */
	char *sheet = cell_bomb("<c r=\"A2\"/>", 1000000);
	const char *path = build_book("cellbomb.xlsx", sheet, NULL, NULL);
	size_t len;
	char *data = slurp(path, &len);
	struct xlsx_book *b;
	char msg[512];
	assert_int_equal(xlsx_open_mem(&b, data, len, NULL, msg, sizeof msg), 0);
	assert_int_equal(xlsx_sheet_read(b, 0, collect, &g), ERR_PARSE);
	assert_non_null(strstr(xlsx_error(b), "строка 2"));
	assert_non_null(strstr(xlsx_error(b), "A2"));
	assert_true(xlsx_bytes_done(b) < strlen(sheet) / 4);
	assert_int_equal(g.nrows, 1);
	got_free(&g);
	xlsx_close(b);
	free(data);
	free(sheet);

	/* the row cap counts every cell, empty ones too */
	path = build_book("rowcells.xlsx", SHEET_HEAD "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
			  "<row r=\"2\"><c/><c/><c/><c><v>1</v></c></row>" SHEET_TAIL, NULL, NULL);
	struct xlsx_limits lim = { .max_row_cells = 3 };
	assert_int_equal(read_first(path, &lim, &g, err, sizeof err), ERR_LIMIT);
	assert_non_null(strstr(err, "лист «Sheet», строка 2"));
	assert_non_null(strstr(err, "больше 3 ячеек"));
	assert_int_equal(g.nrows, 1);
	got_free(&g);
	lim.max_row_cells = 4;
	assert_int_equal(read_first(path, &lim, &g, NULL, 0), 0);
	assert_int_equal(g.nrows, 2);
	got_free(&g);

	/* the sheet cap counts across rows */
	path = build_book("allcells.xlsx", SHEET_HEAD
			  "<row r=\"1\"><c><v>1</v></c><c><v>1</v></c></row>"
			  "<row r=\"2\"><c><v>1</v></c><c/></row>"
			  "<row r=\"3\"><c><v>1</v></c><c><v>1</v></c></row>" SHEET_TAIL, NULL, NULL);
	lim = (struct xlsx_limits){ .max_cells = 5 };
	assert_int_equal(read_first(path, &lim, &g, err, sizeof err), ERR_LIMIT);
	assert_non_null(strstr(err, "строка 3"));
	assert_non_null(strstr(err, "больше 5 ячеек"));
	assert_int_equal(g.nrows, 2);
	got_free(&g);
	lim.max_cells = 6;
	assert_int_equal(read_first(path, &lim, &g, NULL, 0), 0);
	assert_int_equal(g.nrows, 3);
	got_free(&g);

	/* the text of a row: each cell under max_cell, together over max_row_bytes */
	path = build_book("rowbytes.xlsx", SHEET_HEAD "<row r=\"7\">"
			  "<c r=\"A7\" t=\"inlineStr\"><is><t>abcde</t></is></c>"
			  "<c r=\"B7\" t=\"inlineStr\"><is><t>fghij</t></is></c></row>" SHEET_TAIL,
			  NULL, NULL);
	lim = (struct xlsx_limits){ .max_row_bytes = 10 };
	assert_int_equal(read_first(path, &lim, &g, err, sizeof err), ERR_LIMIT);
	assert_non_null(strstr(err, "строка 7"));
	assert_non_null(strstr(err, "B7"));
	got_free(&g);
	lim.max_row_bytes = 12; /* the text and a NUL after each cell */
	assert_int_equal(read_first(path, &lim, &g, NULL, 0), 0);
	check_cell(&g, 0, 1, XLSX_STRING, "fghij");
	got_free(&g);

	/* distinct cells under the column limit but over a row cap of our own */
	sheet = cell_bomb("<c><v>1</v></c>", 5000);
	path = build_book("rowwide.xlsx", sheet, NULL, NULL);
	lim = (struct xlsx_limits){ .max_row_cells = 4096 };
	assert_int_equal(read_first(path, &lim, &g, err, sizeof err), ERR_LIMIT);
	assert_non_null(strstr(err, "строка 2"));
	got_free(&g);
	assert_int_equal(read_first(path, NULL, &g, NULL, 0), 0);
	assert_int_equal(g.ncells[1], 5000);
	got_free(&g);
	free(sheet);
}

static void test_callback_stop(void **state)
{
	const char *path = build_book("stop.xlsx", SHEET_HEAD "<row r=\"1\"><c><v>1</v></c></row>"
				      "<row r=\"2\"><c><v>2</v></c></row><row r=\"3\"><c><v>3</v></c></row>"
				      SHEET_TAIL, NULL, NULL);
	struct got g = { .stop_at = 2 };
	assert_int_equal(read_first(path, NULL, &g, NULL, 0), 7);
	assert_int_equal(g.nrows, 2);
	got_free(&g);
}

static void test_malformed_xml(void **state)
{
	struct got g = { 0 };
	char err[512];
	const char *path = build_book("badxml.xlsx", SHEET_HEAD "<row r=\"1\"><c><v>1</v></c></row>"
				      "<row r=\"2\"><c><v>1</c></row>" SHEET_TAIL, NULL, NULL);
	assert_int_equal(read_first(path, NULL, &g, err, sizeof err), ERR_PARSE);
	assert_non_null(strstr(err, "лист «Sheet», строка 2"));
	got_free(&g);

	/* entity declarations are refused before any expansion */
	path = build_book("doctype.xlsx", "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY a \"aaaaaaaa\">"
			  "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><worksheet><sheetData><row>"
			  "<c t=\"inlineStr\"><is><t>&b;</t></is></c></row></sheetData></worksheet>",
			  NULL, NULL);
	assert_int_equal(read_first(path, NULL, &g, err, sizeof err), ERR_PARSE);
	assert_non_null(strstr(err, "DOCTYPE"));
	assert_int_equal(g.nrows, 0);
	got_free(&g);

	/* broken workbook XML fails the opening */
	struct part p[] = {
		{ "xl/workbook.xml", "<workbook><sheets><sheet name=\"a\"", 0 },
		{ "xl/_rels/workbook.xml.rels", WB1_RELS, 0 },
	};
	path = build("badwb.xlsx", p, 2);
	struct xlsx_book *b;
	char msg[512];
	assert_int_equal(xlsx_open(&b, path, NULL, msg, sizeof msg), ERR_PARSE);
	assert_non_null(strstr(msg, "xl/workbook.xml"));
}

/* A sheet large enough for the inflating thread: all rows arrive, in order; stopping early
 * and a limit hit midway shut the thread down cleanly. */
static void test_large_sheet(void **state)
{
	size_t rows = 20000;
	char *sheet = big_sheet(rows, 0);
	const char *path = build_book("large.xlsx", sheet, SST_RICH, NULL);
	struct got g = { 0 };
	assert_int_equal(read_first(path, NULL, &g, NULL, 0), 0);
	assert_int_equal(g.total_rows, (long)rows);
	check_cell(&g, 0, 0, XLSX_STRING, "s1");
	check_cell(&g, MAXR - 1, 1, XLSX_NUMBER, "64");
	check_cell(&g, MAXR - 1, 2, XLSX_STRING, "логин школы");
	got_free(&g);

	g.stop_at = 100;
	assert_int_equal(read_first(path, NULL, &g, NULL, 0), 7);
	assert_int_equal(g.total_rows, 100);
	got_free(&g);

	struct xlsx_limits lim = { .max_rows = 15000 };
	assert_int_equal(read_first(path, &lim, &g, NULL, 0), ERR_LIMIT);
	assert_int_equal(g.total_rows, 15000);
	got_free(&g);

	/* memory and file give the same */
	size_t len;
	char *data = slurp(path, &len);
	struct xlsx_book *b;
	char msg[512];
	assert_int_equal(xlsx_open_mem(&b, data, len, NULL, msg, sizeof msg), 0);
	assert_int_equal(xlsx_sheet_read(b, 0, collect, &g), 0);
	assert_int_equal(g.total_rows, (long)rows);
	assert_int_equal(xlsx_bytes_done(b), strlen(sheet));
	assert_int_equal(xlsx_sheet_size(b, 0), strlen(sheet));
	got_free(&g);
	xlsx_close(b);
	free(data);
	free(sheet);
}

/* A zip whose headers understate a part's size must not get past the real byte count. */
static void test_lying_sizes(void **state)
{
	char *sheet = big_sheet(1, 2 << 20);
	struct part p[] = {
		{ "xl/workbook.xml", WB1, 0 },
		{ "xl/_rels/workbook.xml.rels", WB1_RELS, 0 },
		{ "xl/worksheets/sheet1.xml", sheet, 0 },
		{ "xl/sharedStrings.xml", SST_RICH, 0 },
	};
	const char *path = build("lying.xlsx", p, 4);
	size_t len;
	unsigned char *data = (unsigned char *)slurp(path, &len);
	/* only the sheet entry's headers: find them by name and patch just those */
	unsigned char *z = data;
	size_t off = 0;
	for (size_t i = 0; i + 30 < len; i++)
		if (!memcmp(z + i, "PK\3\4", 4) && !memcmp(z + i + 30, "xl/worksheets", 13))
			off = i;
	assert_true(off > 0);
	uint32_t small = 100;
	memcpy(z + off + 22, &small, 4);
	for (size_t i = 0; i + 46 < len; i++)
		if (!memcmp(z + i, "PK\1\2", 4) && !memcmp(z + i + 46, "xl/worksheets", 13))
			memcpy(z + i + 24, &small, 4);
	struct xlsx_limits lim = { .max_part_bytes = 1 << 20 };
	struct xlsx_book *b;
	char msg[512];
	int rc = xlsx_open_mem(&b, data, len, &lim, msg, sizeof msg);
	if (rc == 0) {
		struct got g = { 0 };
		rc = xlsx_sheet_read(b, 0, collect, &g);
		assert_true(rc == ERR_LIMIT || rc == ERR_FORMAT);
		assert_true(xlsx_bytes_done(b) <= (1 << 20) + 65536);
		got_free(&g);
		xlsx_close(b);
	} else {
		assert_int_equal(rc, ERR_FORMAT);
	}
	free(data);
	free(sheet);
}

/* ---- io/xml_scan against expat ------------------------------------------------------ */

/* Every row as text, to compare the two readers. */
struct dump {
	char *p;
	size_t len, cap;
};

static int dump_row(void *ctx, long row, const struct xlsx_cell *c, size_t n)
{
	struct dump *d = ctx;
	char head[64];
	int k = snprintf(head, sizeof head, "%ld:", row);
	for (size_t i = 0; i <= n; i++) {
		const char *v = i == 0 ? head : c[i - 1].v;
		size_t l = i == 0 ? (size_t)k : c[i - 1].len;
		d->p = xgrow(d->p, &d->cap, d->len + l + 8, 1);
		memcpy(d->p + d->len, v, l);
		d->len += l;
		if (i)
			d->len += (size_t)snprintf(d->p + d->len, d->cap - d->len, "|%d%d", c[i - 1].type, c[i - 1].date);
		d->p[d->len++] = '\x1f';
	}
	return 0;
}

/* Reads sheet 0 of path with expat (ref) or io/xml_scan; the rows into d, the message into err. */
static int read_dump(const char *path, bool ref, struct dump *d, char *err, size_t errlen)
{
	struct xlsx_limits lim = { .expat_sheets = ref };
	struct xlsx_book *b = NULL;
	char msg[512];
	assert_int_equal(xlsx_open(&b, path, &lim, msg, sizeof msg), 0);
	memset(d, 0, sizeof *d);
	int rc = xlsx_sheet_read(b, 0, dump_row, d);
	snprintf(err, errlen, "%s", xlsx_error(b));
	xlsx_close(b);
	return rc;
}

/* The same rows, or both refusing: every XML feature a sheet may use, and the ways it may
 * be broken. */
static void test_scan_matches_expat(void **state)
{
	static const char *const good[] = {
		/* references in text and attributes */
		SHEET_HEAD "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&amp;&lt;&gt;&quot;&apos;"
		"&#1083;&#x43B;&#0065;</t></is></c><c r='B1' t=\"str\"><v>a&#10;b</v></c></row>" SHEET_TAIL,
		/* CDATA, comments, processing instructions, whitespace in tags */
		SHEET_HEAD "<!-- a - comment --><?pi data?><row r = '1' ><c r=\"A1\" t=\"inlineStr\" ><is>"
		"<t><![CDATA[a<b&c]]]]><![CDATA[>]]></t></is></c ><c\tr=\"B1\"\n><v>2</v></c></row >" SHEET_TAIL,
		/* line ends: \r\n and \r in text become \n, in attributes a space */
		SHEET_HEAD "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>a\r\nb\rc\nd\te</t></is></c>"
		"<c r=\"B1\" t=\"inlineStr\"><is><t x=\"1\r\n2\">x</t></is></c></row>" SHEET_TAIL,
		/* prefixes, self-closing elements, rich text with phonetic runs */
		"<?xml version=\"1.0\"?><x:worksheet xmlns:x=\"urn:x\"><x:sheetData><x:row r=\"1\">"
		"<x:c r=\"A1\"/><x:c r=\"B1\" t=\"inlineStr\"><x:is><x:r><x:t>Жир</x:t></x:r><x:rPh>"
		"<x:t>Ф</x:t></x:rPh><x:r><x:t>ный</x:t></x:r></x:is></x:c><x:c r=\"C1\"><x:v/></x:c>"
		"<x:c r=\"D1\" t=\"b\"><x:v>1</x:v></x:c><x:c r=\"E1\" t=\"e\"><x:v>#N/A</x:v></x:c>"
		"</x:row></x:sheetData></x:worksheet>\n\n",
		/* a byte-order mark; UTF-8 text; no declaration */
		"\xEF\xBB\xBF<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>ёлка \xF0\x9F\x98\x80</t>"
		"</is></c><c s=\"2\"><v>44000</v></c></row></sheetData></worksheet>",
		/* another encoding: expat reads it for both */
		"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><worksheet><sheetData><row><c t=\"inlineStr\">"
		"<is><t>caf\xE9</t></is></c></row></sheetData></worksheet>",
		/* shared strings and dates */
		SHEET_HEAD "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>1</v></c><c r=\"C2\" s=\"1\"><v>45000.5</v></c>"
		"</row>" SHEET_TAIL,
	};
	static const char *const bad[] = {
		SHEET_HEAD "<row r=\"1\"><c><v>1</c></row>" SHEET_TAIL,           /* mismatched */
		SHEET_HEAD "<row r=\"1\"><c t=\"inlineStr\"><is><t>&nbsp;</t></is></c></row>" SHEET_TAIL,
		SHEET_HEAD "<row r=\"1\"><c t=\"inlineStr\"><is><t>\xFF</t></is></c></row>" SHEET_TAIL,
		SHEET_HEAD "<row r=\"1\"><c t=\"inlineStr\"><is><t>\x01</t></is></c></row>" SHEET_TAIL,
		SHEET_HEAD "<row r=\"1\"><c r=\"A1\" r=\"B1\"><v>1</v></c></row>" SHEET_TAIL,
		SHEET_HEAD "<row r=\"1\"><c r=\"A<1\"><v>1</v></c></row>" SHEET_TAIL,
		SHEET_HEAD "<row r=\"1\"><c t=\"inlineStr\"><is><t>a]]>b</t></is></c></row>" SHEET_TAIL,
		SHEET_HEAD "<row r=\"1\"><c t=\"inlineStr\"><is><t>&#0;</t></is></c></row>" SHEET_TAIL,
		SHEET_HEAD "<row r=\"1\"><c t=\"inlineStr\"><is><t>&#X43B;</t></is></c></row>" SHEET_TAIL,
		SHEET_HEAD "<row r=\"1\"><c t=\"inlineStr\"><is><t>&#xD800;</t></is></c></row>" SHEET_TAIL,
		SHEET_HEAD "<row r=\"1\"><c r=\"A1\"t=\"n\"><v>1</v></c></row>" SHEET_TAIL,
		SHEET_HEAD "<row r=\"1\"><c><v>1</v></c></row>" SHEET_TAIL "<worksheet/>",
		SHEET_HEAD "<row r=\"1\"><c><v>1</v></c></row>" SHEET_TAIL "text",
		SHEET_HEAD "<row r=\"1\"><c><v>1</v></c></row></sheetData>",
		SHEET_HEAD "<row r=\"1\"><c><v>1</v></c></row><!-- a -- b -->" SHEET_TAIL,
		" <?xml version=\"1.0\"?><worksheet/>",
		SHEET_HEAD "<row r=\"1\"><c><v>1</v></c></row><?xml x?>" SHEET_TAIL,
		"",
	};
	char path[64], e1[512], e2[512];
	struct dump a, b;
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		snprintf(path, sizeof path, "scan-good-%zu.xlsx", i);
		const char *f = build_book(path, good[i], SST_RICH, STYLES);
		int ra = read_dump(f, true, &a, e1, sizeof e1), rb = read_dump(f, false, &b, e2, sizeof e2);
		if (ra || rb)
			fail_msg("good sheet %zu: expat %d «%s», xml_scan %d «%s»", i, ra, e1, rb, e2);
		assert_true(a.len > 0);
		if (a.len != b.len || memcmp(a.p, b.p, a.len))
			fail_msg("good sheet %zu: rows differ:\n%.*s\n%.*s", i, (int)a.len, a.p, (int)b.len, b.p);
		free(a.p);
		free(b.p);
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		snprintf(path, sizeof path, "scan-bad-%zu.xlsx", i);
		struct part p[] = {
			{ "[Content_Types].xml", CT, 0 }, { "_rels/.rels", PKG_RELS, 0 },
			{ "xl/workbook.xml", WB1, 0 }, { "xl/_rels/workbook.xml.rels", WB1_RELS, 0 },
			{ "xl/worksheets/sheet1.xml", bad[i], 0 },
		};
		const char *f = build(path, p, 5);
		int ra = read_dump(f, true, &a, e1, sizeof e1), rb = read_dump(f, false, &b, e2, sizeof e2);
		if (ra != ERR_PARSE || rb != ERR_PARSE)
			fail_msg("bad sheet %zu: expat %d «%s», xml_scan %d «%s»", i, ra, e1, rb, e2);
		assert_non_null(strstr(e2, "повреждённый XML листа"));
		free(a.p);
		free(b.p);
	}
	/* The line of an error, as expat counts it. */
	const char *f0 = build_book("scan-line.xlsx", SHEET_HEAD "\n<row r=\"1\">\r\n<c t=\"inlineStr\">"
				    "<is><t>a\r\nb\n</t></is></c>\n<c><v>1</c></row>" SHEET_TAIL, NULL, NULL);
	assert_int_equal(read_dump(f0, true, &a, e1, sizeof e1), ERR_PARSE);
	assert_int_equal(read_dump(f0, false, &b, e2, sizeof e2), ERR_PARSE);
	if (!strstr(e1, "(строка 6, ") || !strstr(e2, "(строка 6, позиция 8 XML)"))
		fail_msg("«%s» «%s»", e1, e2);
	free(a.p);
	free(b.p);
	/* A sheet of 20,000 rows through the inflating thread, cut in chunks anywhere. */
	char *sheet = big_sheet(20000, 0);
	const char *f = build_book("scan-big.xlsx", sheet, SST_RICH, NULL);
	assert_int_equal(read_dump(f, true, &a, e1, sizeof e1), 0);
	assert_int_equal(read_dump(f, false, &b, e2, sizeof e2), 0);
	assert_true(a.len == b.len && !memcmp(a.p, b.p, a.len));
	free(a.p);
	free(b.p);
	free(sheet);
}

/* ---- real files -------------------------------------------------------------------- */

static const char *real_dir(void)
{
	static char dir[512];
	const char *shared = getenv("OKO_SHARED");
	snprintf(dir, sizeof dir, "%s/data/real", shared && *shared ? shared : "/work/shared");
	struct stat st;
	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? dir : NULL;
}

struct count {
	long rows, last;
	char a2[64], b2[128], d2[64], f2[16], g2[16], i2[16], alast[64];
	size_t n2;
	bool bad_escape, found_escape;
};

static void copy_cell(char *dst, size_t n, const struct xlsx_cell *c, size_t nc, size_t i)
{
	snprintf(dst, n, "%s", i < nc ? c[i].v : "");
}

static int count_rows(void *ctx, long row, const struct xlsx_cell *c, size_t n)
{
	struct count *k = ctx;
	k->rows++;
	k->last = row;
	if (row == 2) {
		k->n2 = n;
		copy_cell(k->a2, sizeof k->a2, c, n, 0);
		copy_cell(k->b2, sizeof k->b2, c, n, 1);
		copy_cell(k->d2, sizeof k->d2, c, n, 3);
		copy_cell(k->f2, sizeof k->f2, c, n, 5);
		copy_cell(k->g2, sizeof k->g2, c, n, 6);
		copy_cell(k->i2, sizeof k->i2, c, n, 8);
	}
	copy_cell(k->alast, sizeof k->alast, c, n, 0);
	for (size_t i = 0; i < n; i++) {
		if (strstr(c[i].v, "_x0002_"))
			k->bad_escape = true;
		if (strstr(c[i].v, "речевой деятельности (чтения, письма), обеспечивающих эффективное"))
			k->found_escape = true;
	}
	return 0;
}

static void read_real(const char *dir, const char *file, const char *sheet, struct count *k)
{
	char path[600], msg[512];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	struct xlsx_book *b;
	int rc = xlsx_open(&b, path, NULL, msg, sizeof msg);
	if (rc)
		fail_msg("%s: %s", path, msg);
	int i = xlsx_sheet_find(b, sheet);
	assert_true(i >= 0);
	memset(k, 0, sizeof *k);
	rc = xlsx_sheet_read(b, (size_t)i, count_rows, k);
	if (rc)
		fail_msg("%s: %s", path, xlsx_error(b));
	xlsx_close(b);
}

/* Every sheet of every real regional file gives the same rows through expat and io/xml_scan. */
static void test_real_scan_matches_expat(void **state)
{
	const char *dir = real_dir();
	if (!dir) {
		print_message("# skipped: no real data under $OKO_SHARED/data/real\n");
		skip();
	}
	static const char *const real[] = {
		"vpr2021/ru4.xlsx", "vpr2021/ma4.xlsx", "vpr2021/ru5.xlsx", "vpr2021/ma5.xlsx",
		"vpr2020/ma6.xlsx", "vpr2020/om4.xlsx", "kim2021/ru4.xlsx", "kim2021/ma4.xlsx",
		"kim2021/ru5.xlsx", "kim2021/ma5.xlsx", "forms2022/bi5.xlsx", "forms2022/gg10.xlsx",
		"forms2022/gg11.xlsx", "forms2022/ma4.xlsx", "forms2022/ma6.xlsx", "forms2022/ru6.xlsx",
		"logins.xlsx",
	};
	size_t sheets = 0;
	for (size_t i = 0; i < sizeof real / sizeof *real; i++) {
		char path[600], msg[512];
		snprintf(path, sizeof path, "%s/%s", dir, real[i]);
		struct xlsx_book *bk[2] = { NULL, NULL };
		struct xlsx_limits lim[2] = { { .expat_sheets = true }, { .expat_sheets = false } };
		for (int k = 0; k < 2; k++)
			if (xlsx_open(&bk[k], path, &lim[k], msg, sizeof msg))
				fail_msg("%s: %s", real[i], msg);
		for (size_t sh = 0; sh < xlsx_sheet_count(bk[0]); sh++, sheets++) {
			struct dump a = { 0 }, b = { 0 };
			int ra = xlsx_sheet_read(bk[0], sh, dump_row, &a);
			int rb = xlsx_sheet_read(bk[1], sh, dump_row, &b);
			if (ra || rb || a.len != b.len || memcmp(a.p, b.p, a.len))
				fail_msg("%s, sheet %zu: expat %d, xml_scan %d, the rows %s", real[i], sh, ra,
					 rb, a.len == b.len ? "the same length" : "differ");
			free(a.p);
			free(b.p);
		}
		xlsx_close(bk[0]);
		xlsx_close(bk[1]);
	}
	print_message("# %zu sheets read alike\n", sheets);
}

static void test_real_files(void **state)
{
	const char *dir = real_dir();
	if (!dir) {
		print_message("# skipped: no real data under $OKO_SHARED/data/real\n");
		skip();
	}
	struct count k;
	/* inline strings, character references */
	read_real(dir, "vpr2021/ru4.xlsx", "Sheet", &k);
	assert_int_equal(k.rows - 1, 26595);
	assert_int_equal(k.last, 26596);
	assert_int_equal(k.n2, 30);
	assert_string_equal(k.a2, "sch220206");
	assert_string_equal(k.b2, "СПО Алтайский край");
	assert_string_equal(k.d2, "40001");
	assert_string_equal(k.f2, "ж");
	assert_string_equal(k.g2, "НЕТ");
	assert_string_equal(k.i2, "35");
	assert_string_equal(k.alast, "sch224020");
	/* shared strings */
	read_real(dir, "vpr2021/ma4.xlsx", "sheet", &k);
	assert_int_equal(k.rows - 1, 26666);
	assert_string_equal(k.a2, "sch220206");
	assert_string_equal(k.b2, "СПО Алтайский край");
	assert_string_equal(k.d2, "40001");
	assert_string_equal(k.f2, "ж");
	assert_string_equal(k.g2, "НЕТ");
	assert_string_equal(k.i2, "20");
	/* _x0002_ escapes in shared strings */
	read_real(dir, "kim2021/ru5.xlsx", "Лист1", &k);
	assert_false(k.bad_escape);
	assert_true(k.found_escape);
	/* two Cyrillic sheets */
	read_real(dir, "forms2022/ma4.xlsx", "Протокол", &k);
	assert_true(k.rows > 10);
	assert_string_equal(k.a2, "edu223379");
	read_real(dir, "forms2022/ma4.xlsx", "Классы", &k);
	assert_true(k.rows > 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cell_types),
		cmocka_unit_test(test_two_sheets_cyrillic),
		cmocka_unit_test(test_prefixed_names),
		cmocka_unit_test(test_sst_out_of_range),
		cmocka_unit_test(test_truncated_and_not_zip),
		cmocka_unit_test(test_missing_sheet_part),
		cmocka_unit_test(test_zip_bomb),
		cmocka_unit_test(test_sst_bytes),
		cmocka_unit_test(test_xml_memory),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_huge_dimension),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_row_reuse),
		cmocka_unit_test(test_repeated_cell),
		cmocka_unit_test(test_cell_caps),
		cmocka_unit_test(test_callback_stop),
		cmocka_unit_test(test_malformed_xml),
		cmocka_unit_test(test_large_sheet),
		cmocka_unit_test(test_lying_sizes),
		cmocka_unit_test(test_scan_matches_expat),
		cmocka_unit_test(test_real_files),
		cmocka_unit_test(test_real_scan_matches_expat),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
