/* Unit tests of io/scan: sniffing, the checks (type, size, malformed PDFs), page extraction
 * with libqpdf, and the store of files named by random ids. PDFs are drawn here with
 * cairo's PDF surface. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "io/scan.h"

static cairo_status_t to_buf(void *closure, const unsigned char *data, unsigned int len)
{
	return buf_append(closure, data, len) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* A PDF of n A4 pages, each saying its number. */
static void make_pdf(int n, struct buf *b)
{
	*b = (struct buf)BUF_INIT;
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_buf, b, 595, 842);
	cairo_t *cr = cairo_create(s);
	for (int i = 1; i <= n; i++) {
		char t[32];
		snprintf(t, sizeof t, "page %d", i);
		cairo_move_to(cr, 100, 100);
		cairo_set_font_size(cr, 24);
		cairo_show_text(cr, t);
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	cairo_surface_finish(s);
	assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
	assert_true(b->len > 100);
}

static void test_sniff(void **state)
{
	(void)state;
	static const unsigned char jpeg[] = { 0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F' };
	assert_int_equal(scan_sniff("%PDF-1.7\n", 9), SCAN_PDF);
	assert_int_equal(scan_sniff(jpeg, sizeof jpeg), SCAN_JPEG);
	assert_int_equal(scan_sniff("%PDF", 4), SCAN_UNKNOWN);
	assert_int_equal(scan_sniff(jpeg, 2), SCAN_UNKNOWN);
	assert_int_equal(scan_sniff("PK\3\4", 4), SCAN_UNKNOWN);
	assert_int_equal(scan_sniff(" %PDF-1.4", 9), SCAN_UNKNOWN);
	assert_int_equal(scan_sniff("", 0), SCAN_UNKNOWN);
	assert_string_equal(scan_type_id(SCAN_PDF), "pdf");
	assert_string_equal(scan_type_id(SCAN_JPEG), "jpeg");
	assert_string_equal(scan_type_id(SCAN_UNKNOWN), "");
	assert_string_equal(scan_type_mime(SCAN_PDF), "application/pdf");
	assert_string_equal(scan_type_mime(SCAN_JPEG), "image/jpeg");
	assert_int_equal(scan_type_parse("pdf"), SCAN_PDF);
	assert_int_equal(scan_type_parse("jpeg"), SCAN_JPEG);
	assert_int_equal(scan_type_parse("jpg"), SCAN_UNKNOWN);
	assert_int_equal(scan_type_parse("PDF"), SCAN_UNKNOWN);
	assert_int_equal(scan_type_parse(NULL), SCAN_UNKNOWN);
}

static void test_check(void **state)
{
	(void)state;
	char msg[256];
	enum scan_type t = SCAN_PDF;
	int pages = 7;
	/* A text file is refused whatever it would be called. */
	const char *text = "school,code\nsch1,1\n";
	assert_int_equal(scan_check(text, strlen(text), &t, &pages, msg, sizeof msg), ERR_INVALID);
	assert_string_equal(msg, "файл не PDF и не JPEG");
	assert_int_equal(t, SCAN_UNKNOWN);
	assert_int_equal(pages, 0);
	/* A JPEG: one page, no decoding. */
	static const unsigned char jpeg[] = { 0xFF, 0xD8, 0xFF, 0xDB, 0, 0x43, 0 };
	assert_int_equal(scan_check(jpeg, sizeof jpeg, &t, &pages, msg, sizeof msg), 0);
	assert_int_equal(t, SCAN_JPEG);
	assert_int_equal(pages, 1);
	/* Oversized. */
	size_t big = SCAN_MAX_BYTES + 1;
	unsigned char *b = calloc(1, big);
	assert_non_null(b);
	memcpy(b, jpeg, sizeof jpeg);
	assert_int_equal(scan_check(b, big, &t, &pages, msg, sizeof msg), ERR_INVALID);
	assert_string_equal(msg, "файл больше 20 МБ");
	assert_int_equal(scan_check(b, SCAN_MAX_BYTES, &t, &pages, msg, sizeof msg), 0);
	free(b);
	/* A good PDF. */
	struct buf pdf;
	make_pdf(3, &pdf);
	assert_int_equal(scan_check(pdf.p, pdf.len, &t, &pages, msg, sizeof msg), 0);
	assert_int_equal(t, SCAN_PDF);
	assert_int_equal(pages, 3);
	buf_free(&pdf);
}

static void test_malformed_pdf(void **state)
{
	(void)state;
	char msg[256];
	enum scan_type t;
	int pages;
	/* A header and nothing else; garbage after the header; a real PDF cut in half and one
	 * with its body overwritten: refused with a reason, never a crash. */
	const char *stub = "%PDF-1.4\n";
	assert_int_equal(scan_check(stub, strlen(stub), &t, &pages, msg, sizeof msg), ERR_INVALID);
	assert_non_null(strstr(msg, "PDF не открывается: "));
	const char *junk = "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer <<"
			   " /Root 1 0 R /Size 99 >>\n%%EOF\n";
	assert_int_equal(scan_check(junk, strlen(junk), &t, &pages, msg, sizeof msg), ERR_INVALID);
	assert_non_null(strstr(msg, "PDF не открывается: "));
	assert_int_equal(t, SCAN_UNKNOWN);
	struct buf pdf;
	make_pdf(2, &pdf);
	assert_int_equal(scan_check(pdf.p, pdf.len / 2, &t, &pages, msg, sizeof msg), ERR_INVALID);
	assert_non_null(strstr(msg, "PDF не открывается: "));
	for (size_t i = 9; i < pdf.len; i++)
		pdf.p[i] = (char)('A' + i % 26);
	assert_int_equal(scan_check(pdf.p, pdf.len, &t, &pages, msg, sizeof msg), ERR_INVALID);
	assert_non_null(strstr(msg, "PDF не открывается: "));
	void *out = (void *)1;
	size_t outn = 5;
	assert_int_equal(scan_pdf_extract(pdf.p, pdf.len, 1, 1, &out, &outn, msg, sizeof msg),
			 ERR_INVALID);
	assert_null(out);
	assert_int_equal(outn, 0);
	assert_true(*msg);
	buf_free(&pdf);
}

static void test_extract(void **state)
{
	(void)state;
	char msg[256];
	enum scan_type t;
	int pages;
	struct buf pdf;
	make_pdf(3, &pdf);
	void *out = NULL;
	size_t outn = 0;
	assert_int_equal(scan_pdf_extract(pdf.p, pdf.len, 1, 1, &out, &outn, msg, sizeof msg), 0);
	assert_int_equal(scan_check(out, outn, &t, &pages, msg, sizeof msg), 0);
	assert_int_equal(t, SCAN_PDF);
	assert_int_equal(pages, 1);
	free(out);
	assert_int_equal(scan_pdf_extract(pdf.p, pdf.len, 2, 3, &out, &outn, msg, sizeof msg), 0);
	assert_int_equal(scan_check(out, outn, &t, &pages, msg, sizeof msg), 0);
	assert_int_equal(pages, 2);
	/* The pages kept are the second and the third: split again, each has one. */
	void *again = NULL;
	size_t againn = 0;
	assert_int_equal(scan_pdf_extract(out, outn, 2, 2, &again, &againn, msg, sizeof msg), 0);
	assert_int_equal(scan_check(again, againn, &t, &pages, msg, sizeof msg), 0);
	assert_int_equal(pages, 1);
	free(again);
	free(out);
	/* All three. */
	assert_int_equal(scan_pdf_extract(pdf.p, pdf.len, 1, 3, &out, &outn, msg, sizeof msg), 0);
	assert_int_equal(scan_check(out, outn, &t, &pages, msg, sizeof msg), 0);
	assert_int_equal(pages, 3);
	free(out);
	/* Ranges outside the file. */
	out = NULL;
	assert_int_equal(scan_pdf_extract(pdf.p, pdf.len, 0, 1, &out, &outn, msg, sizeof msg),
			 ERR_INVALID);
	assert_null(out);
	assert_int_equal(scan_pdf_extract(pdf.p, pdf.len, 3, 4, &out, &outn, msg, sizeof msg),
			 ERR_INVALID);
	assert_non_null(strstr(msg, "3"));
	assert_int_equal(scan_pdf_extract(pdf.p, pdf.len, 3, 2, &out, &outn, msg, sizeof msg),
			 ERR_INVALID);
	assert_int_equal(scan_pdf_extract("not a pdf", 9, 1, 1, &out, &outn, msg, sizeof msg),
			 ERR_INVALID);
	assert_null(out);
	buf_free(&pdf);
}

static bool hex32(const char *s)
{
	if (strlen(s) != 32)
		return false;
	for (const char *c = s; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
			return false;
	return true;
}

static void test_store(void **state)
{
	(void)state;
	char base[] = "/tmp/oko-scan-test-XXXXXX", dir[4096], id[SCAN_ID_LEN], id2[SCAN_ID_LEN];
	assert_non_null(mkdtemp(base));
	char db[4200];
	snprintf(db, sizeof db, "%s/oko.db", base);
	scan_dir_of(db, dir, sizeof dir);
	snprintf(db, sizeof db, "%s/oko.db.scans", base);
	assert_string_equal(dir, db);
	/* The directory does not exist yet: created 0700. */
	mode_t old = umask(0);
	struct buf pdf;
	make_pdf(1, &pdf);
	assert_int_equal(scan_store(dir, pdf.p, pdf.len, id), 0);
	umask(old);
	struct stat st;
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_true(hex32(id));
	assert_int_equal(scan_store(dir, "second", 6, id2), 0);
	assert_true(hex32(id2));
	assert_string_not_equal(id, id2);
	/* The directory holds the two files, named by their ids only, mode 0600; no
	 * temporary file is left behind. */
	DIR *dh = opendir(dir);
	assert_non_null(dh);
	int files = 0;
	for (struct dirent *e; (e = readdir(dh));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		files++;
		assert_true(hex32(e->d_name));
		assert_true(!strcmp(e->d_name, id) || !strcmp(e->d_name, id2));
		char p[8300];
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		assert_int_equal(stat(p, &st), 0);
		assert_true(S_ISREG(st.st_mode));
		assert_int_equal(st.st_mode & 0777, 0600);
	}
	closedir(dh);
	assert_int_equal(files, 2);
	/* Round trip. */
	void *data = NULL;
	size_t n = 0;
	assert_int_equal(scan_load(dir, id, &data, &n), 0);
	assert_int_equal(n, pdf.len);
	assert_memory_equal(data, pdf.p, n);
	free(data);
	assert_int_equal(scan_load(dir, id2, &data, &n), 0);
	assert_int_equal(n, 6);
	assert_memory_equal(data, "second", 6);
	free(data);
	/* Ids that are not 32 lower-case hex digits never reach the file system. */
	char up[SCAN_ID_LEN];
	snprintf(up, sizeof up, "%s", id);
	for (char *c = up; *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	const char *bad[] = { "../x", "0123456789abcdef0123456789abcde", /* 31 */
			      "0123456789abcdef0123456789abcdef0", "", "../../etc/passwd",
			      "0123456789abcdef/123456789abcdef", ".tmp-0123456789abcdef0123456789",
			      NULL };
	for (int i = 0; bad[i]; i++) {
		data = (void *)1;
		assert_int_equal(scan_load(dir, bad[i], &data, &n), ERR_INVALID);
		assert_null(data);
		assert_int_equal(scan_remove(dir, bad[i]), ERR_INVALID);
	}
	if (strcmp(up, id)) /* an id with letters */
		assert_int_equal(scan_load(dir, up, &data, &n), ERR_INVALID);
	assert_int_equal(scan_load(dir, "0123456789abcdef0123456789abcdef", &data, &n), ERR_NOTFOUND);
	/* A file grown past the cap behind oko's back is not read. */
	char p[8300];
	snprintf(p, sizeof p, "%s/%s", dir, id2);
	assert_int_equal(truncate(p, (off_t)SCAN_MAX_BYTES + 1), 0);
	assert_int_equal(scan_load(dir, id2, &data, &n), ERR_LIMIT);
	char id3[SCAN_ID_LEN];
	assert_int_equal(scan_store(dir, pdf.p, SCAN_MAX_BYTES + 1, id3), ERR_LIMIT);
	assert_string_equal(id3, "");
	/* Removal; removing again is not an error. */
	assert_int_equal(scan_remove(dir, id), 0);
	assert_int_equal(scan_load(dir, id, &data, &n), ERR_NOTFOUND);
	assert_int_equal(scan_remove(dir, id), 0);
	snprintf(p, sizeof p, "%s/%s", dir, id2);
	assert_int_equal(scan_remove(dir, id2), 0);
	assert_int_equal(access(p, F_OK), -1);
	/* A directory that cannot be made. */
	snprintf(p, sizeof p, "%s/no/such/dir", base);
	assert_int_equal(scan_store(p, "x", 1, id), ERR_IO);
	assert_string_equal(id, "");
	buf_free(&pdf);
	assert_int_equal(rmdir(dir), 0);
	assert_int_equal(rmdir(base), 0);
}

/* Evidence files of plans of measures: by their bytes, a PDF that opens, never by name. */
static void test_evidence(void **state)
{
	(void)state;
	char msg[256];
	struct buf pdf;
	make_pdf(1, &pdf);
	assert_string_equal(scan_evidence_type(pdf.p, pdf.len, msg, sizeof msg), "pdf");
	buf_free(&pdf);
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13 };
	assert_string_equal(scan_evidence_type(png, sizeof png, msg, sizeof msg), "png");
	static const char docx[] = "PK\x03\x04....word/document.xml....", xlsx[] = "PK\x03\x04..xl/workbook.xml..",
			  zip[] = "PK\x03\x04..other.txt..";
	assert_string_equal(scan_evidence_type(docx, sizeof docx - 1, msg, sizeof msg), "docx");
	assert_string_equal(scan_evidence_type(xlsx, sizeof xlsx - 1, msg, sizeof msg), "xlsx");
	assert_null(scan_evidence_type(zip, sizeof zip - 1, msg, sizeof msg));
	assert_non_null(strstr(msg, "не PDF"));
	/* A text file starting like a PDF does not open: refused with qpdf's reason in Russian. */
	static const char fake[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
	assert_null(scan_evidence_type(fake, sizeof fake - 1, msg, sizeof msg));
	assert_non_null(strstr(msg, "PDF"));
	assert_null(scan_evidence_type("hello", 5, msg, sizeof msg));
	assert_string_equal(scan_evidence_mime("docx"),
			    "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
	assert_string_equal(scan_evidence_mime("zzz"), "application/octet-stream");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_malformed_pdf),
		cmocka_unit_test(test_extract),
		cmocka_unit_test(test_store),
		cmocka_unit_test(test_evidence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
