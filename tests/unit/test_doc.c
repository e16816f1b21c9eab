/* Unit tests of io/doc (the builder), io/docx (DOCX: the parts, well-formed XML holding the
 * texts, LibreOffice's PDF of it) and report/doc_pdf (the PDF): one document with every
 * kind of block, Russian text with the characters XML escapes, and a table long enough to
 * run over several pages, whose header repeats. Page numbers: none on the first page, «2»
 * at the top of the second.
 *
 * The LibreOffice check needs `soffice` (skipped with a message when it is missing); the
 * PDF checks need pdftotext and pdfinfo (poppler-utils). Set DOC_KEEP=DIR to keep the
 * DOCX and both PDFs there (to look at them). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>
#include <expat.h>
#include <zip.h>

#include "base/buf.h"
#include "base/err.h"
#include "io/doc.h"
#include "report/doc_pdf.h"

static char dir[64];

/* The strings every output must hold (as a reader sees them, whitespace collapsed). */
static const char *const texts[] = {
	"ОТДЕЛ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ",
	"П Р И К А З",
	"01 марта 2021 г.",
	"№ 136/1",
	"с. Краснотуранск",
	"Об утверждении плана мероприятий",
	"Школа «Заря» & лицей <№ 2> \"Восход\" и 'Рассвет'",
	"п р и к а з ы в а ю:",
	"1. Утвердить прилагаемый план",
	"2.1. проанализировать результаты ВПР",
	"Начальник отдела образования",
	"О.Н. Тарасова",
	"Приложение № 1",
	"от 01 марта 2021 г. № 136/1",
	"План мероприятий по обеспечению объективности",
	"Мероприятия по повышению объективности",
	"Наименование мероприятия",
	"Срок исполнения",
	"Мероприятие номер сорок",
	"Доля работ < 5 % & > 95 %",
	"Рисунок 1. Распределение отметок",
	"Исполнитель: Иванова А. П.",
};

static cairo_status_t png_out(void *ctx, const unsigned char *data, unsigned int n)
{
	return buf_append(ctx, data, n) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* A 400 × 200 PNG: a bar chart of three bars. */
static void make_png(struct buf *png)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 400, 200);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0.2, 0.4, 0.8);
	cairo_rectangle(cr, 40, 120, 80, 70);
	cairo_rectangle(cr, 160, 40, 80, 150);
	cairo_rectangle(cr, 280, 90, 80, 100);
	cairo_fill(cr);
	cairo_destroy(cr);
	cairo_surface_write_to_png_stream(s, png_out, png);
	cairo_surface_destroy(s);
}

static struct doc *build(void)
{
	struct doc *d = doc_new("Приказ «Об утверждении плана мероприятий»");
	doc_order_head(d, "ОТДЕЛ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ\nКРАСНОТУРАНСКОГО РАЙОНА", "П Р И К А З",
		       "01 марта 2021 г.", "136/1", "с. Краснотуранск");
	doc_order_title(d, "Об утверждении плана мероприятий по обеспечению объективности проведения "
			   "оценочных процедур на 2021 год");
	doc_para(d, DOC_BODY, DOC_ALIGN_DEFAULT, false,
		 "С целью повышения объективности и получения достоверных результатов оценочных процедур, "
		 "в рамках системной работы по подготовке и проведению мониторинга качества подготовки "
		 "обучающихся (Школа «Заря» & лицей <№ 2> \"Восход\" и 'Рассвет'),");
	doc_para(d, DOC_PLAIN, DOC_ALIGN_LEFT, false, "п р и к а з ы в а ю:");
	doc_point(d, "1.", "Утвердить прилагаемый план мероприятий по обеспечению объективности "
			   "проведения оценочных процедур (далее – План).");
	doc_point(d, "2.", "Руководителям образовательных организаций:");
	doc_point(d, "2.1.", "проанализировать результаты ВПР за 2020 год и обсудить их на педагогических советах;");
	doc_point(d, "3.", "Контроль исполнения настоящего приказа оставляю за собой.");
	doc_signature(d, "Начальник отдела\nобразования", "О.Н. Тарасова");
	doc_page_break(d);
	doc_stamp(d, "Приложение № 1\nк приказу отдела образования\nот 01 марта 2021 г. № 136/1");
	doc_para(d, DOC_TITLE, DOC_ALIGN_DEFAULT, false,
		 "План мероприятий по обеспечению объективности проведения оценочных процедур");
	doc_paraf(d, DOC_SUBTITLE, "на %d год", 2021);
	const char *titles[4] = { "№", "Наименование мероприятия", "Срок исполнения", "Исполнители" };
	const double widths[4] = { 12, 0, 35, 40 };
	doc_table_begin(d, 4, titles, widths);
	doc_table_group(d, "1. Мероприятия по повышению объективности");
	static const char *const words[] = { "один", "два", "три", "четыре", "пять", "шесть", "семь",
					     "восемь", "девять", "десять" };
	for (int i = 1; i <= 45; i++) {
		char num[16], name[200];
		snprintf(num, sizeof num, "1.%d.", i);
		if (i == 40)
			snprintf(name, sizeof name, "Мероприятие номер сорок: анализ результатов и обсуждение на совещании");
		else
			snprintf(name, sizeof name, "Мероприятие «%s» по подготовке и проведению оценочных процедур",
				 words[i % 10]);
		const char *row[4] = { num, name, "до 01 апреля 2021 г.", "Отдел образования,\nруководители ОО" };
		doc_table_row(d, row);
		if (i == 20)
			doc_table_group(d, "2. Мероприятия по работе с кадрами");
	}
	const char *last[4] = { "2.1.", "Доля работ < 5 % & > 95 %", "ежегодно", "—" };
	doc_table_row(d, last);
	doc_table_end(d);
	doc_para(d, DOC_HEADING, DOC_ALIGN_DEFAULT, false, "Результаты мониторинга");
	struct buf png = BUF_INIT;
	make_png(&png);
	doc_image(d, png.p, png.len, 120, "Рисунок 1. Распределение отметок");
	buf_free(&png);
	doc_para(d, DOC_SMALL, DOC_ALIGN_DEFAULT, false, "Исполнитель: Иванова А. П.");
	return d;
}

/* ---- the builder ---- */

static void test_builder(void **state)
{
	(void)state;
	char text[] = "Текст";
	struct doc *d = doc_new("Заголовок");
	doc_para(d, DOC_BODY, DOC_ALIGN_DEFAULT, true, text);
	text[0] = 'X'; /* the document keeps its own copy */
	doc_paraf(d, DOC_SMALL, "%d %s", 5, "работ");
	const char *t[2] = { "А", "Б" };
	double w[2] = { 0, 30 };
	doc_table_begin(d, 2, t, w);
	const char *r1[2] = { "1", NULL };
	doc_table_row(d, r1);
	doc_table_group(d, "Группа");
	doc_table_end(d);
	doc_table_row(d, r1); /* outside a table: ignored */
	unsigned char junk[4] = { 1, 2, 3, 4 };
	doc_image(d, junk, sizeof junk, 0, NULL);
	assert_string_equal(doc_title(d), "Заголовок");
	assert_int_equal(doc_nblocks(d), 4);
	const struct doc_block *b = doc_block(d, 0);
	assert_int_equal(b->kind, DOC_B_PARA);
	assert_true(b->bold);
	assert_string_equal(b->text[0], "Текст");
	assert_string_equal(doc_block(d, 1)->text[0], "5 работ");
	const struct doc_table *tb = doc_block(d, 2)->table;
	assert_non_null(tb);
	assert_int_equal(tb->ncols, 2);
	assert_int_equal(tb->nrows, 2);
	assert_string_equal(tb->rows[0].cells[1], "");
	assert_true(tb->rows[1].group);
	assert_string_equal(tb->rows[1].cells[0], "Группа");
	assert_true(tb->widths_mm[1] == 30);
	b = doc_block(d, 3);
	assert_int_equal(b->kind, DOC_B_IMAGE);
	assert_int_equal(b->png_w, 0); /* not a PNG */
	assert_null(doc_block(d, 4));
	doc_free(d);

	struct buf png = BUF_INIT;
	make_png(&png);
	d = doc_new(NULL);
	doc_image(d, png.p, png.len, 100, "Подпись");
	buf_free(&png);
	assert_int_equal(doc_block(d, 0)->png_w, 400);
	assert_int_equal(doc_block(d, 0)->png_h, 200);
	/* a block after a table ends it: a later row is not the table's */
	doc_table_begin(d, 2, t, NULL);
	doc_table_row(d, r1);
	doc_para(d, DOC_PLAIN, DOC_ALIGN_DEFAULT, false, "после таблицы");
	doc_table_row(d, r1);
	assert_int_equal(doc_block(d, 1)->table->nrows, 1);
	assert_true(doc_block(d, 1)->table->widths_mm[0] == 0);
	doc_free(d);
}

/* ---- helpers ---- */

static int write_file(const char *path, const struct buf *b)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t n = fwrite(b->p, 1, b->len, f);
	return fclose(f) == 0 && n == b->len ? 0 : -1;
}

/* The output of a shell command into out; its exit status. */
static int run(const char *cmd, struct buf *out)
{
	FILE *f = popen(cmd, "r");
	if (!f)
		return -1;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(out, chunk, n);
	return pclose(f);
}

/* The text without whitespace (nor the no-break space): line breaks and the letters
 * spaced out («П Р И К А З», which pdftotext joins) do not matter. */
static void squeeze(const char *s, struct buf *out)
{
	while (*s) {
		if (isspace((unsigned char)*s) || (s[0] == '\xC2' && s[1] == '\xA0')) {
			s += (s[0] == '\xC2') ? 2 : 1;
			continue;
		}
		buf_putc(out, *s++);
	}
}

static void assert_texts(const char *what, const char *raw)
{
	struct buf s = BUF_INIT, t = BUF_INIT;
	squeeze(raw, &s);
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		buf_reset(&t);
		squeeze(texts[i], &t);
		if (!strstr(buf_str(&s), buf_str(&t))) {
			fprintf(stderr, "%s: «%s» is missing\n", what, texts[i]);
			fail();
		}
	}
	buf_free(&s);
	buf_free(&t);
}

/* Whether a page of text has a line that is only the number n. */
static bool has_number_line(const char *text, int n)
{
	char want[16];
	snprintf(want, sizeof want, "%d", n);
	const char *s = text;
	while (*s) {
		size_t len = strcspn(s, "\n\f");
		const char *a = s, *e = s + len;
		while (a < e && isspace((unsigned char)*a))
			a++;
		while (e > a && isspace((unsigned char)e[-1]))
			e--;
		if ((size_t)(e - a) == strlen(want) && memcmp(a, want, (size_t)(e - a)) == 0)
			return true;
		s += len;
		if (*s)
			s++;
	}
	return false;
}

/* The checks of a PDF: the texts, more than one page, no number on page 1, «2» on page 2,
 * the table's header on page 3 too (it repeats). */
static void check_pdf(const char *what, const char *pdf)
{
	char cmd[512];
	struct buf out = BUF_INIT;
	snprintf(cmd, sizeof cmd, "pdfinfo '%s' 2>&1", pdf);
	assert_int_equal(run(cmd, &out), 0);
	const char *pages = strstr(buf_str(&out), "Pages:");
	assert_non_null(pages);
	int npages = (int)strtol(pages + 6, NULL, 10);
	fprintf(stderr, "%s: %d pages\n", what, npages);
	assert_true(npages >= 3);
	buf_reset(&out);
	snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' - 2>&1", pdf);
	assert_int_equal(run(cmd, &out), 0);
	assert_texts(what, buf_str(&out));
	for (int page = 1; page <= 3; page++) {
		buf_reset(&out);
		snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 -f %d -l %d '%s' - 2>&1", page, page, pdf);
		assert_int_equal(run(cmd, &out), 0);
		if (page == 1)
			assert_false(has_number_line(buf_str(&out), 1));
		else
			assert_true(has_number_line(buf_str(&out), page));
		if (page == 3) {
			struct buf s = BUF_INIT;
			squeeze(buf_str(&out), &s);
			assert_non_null(strstr(buf_str(&s), "Наименованиемероприятия"));
			buf_free(&s);
		}
	}
	buf_free(&out);
}

/* ---- DOCX ---- */

struct xml_text {
	struct buf text;
	int depth;
	bool title_pg, tbl_header, grid_span, drawing;
};

static void XMLCALL on_start(void *ctx, const XML_Char *name, const XML_Char **attr)
{
	struct xml_text *x = ctx;
	(void)attr;
	x->depth++;
	if (!strcmp(name, "w:titlePg"))
		x->title_pg = true;
	else if (!strcmp(name, "w:tblHeader"))
		x->tbl_header = true;
	else if (!strcmp(name, "w:gridSpan"))
		x->grid_span = true;
	else if (!strcmp(name, "w:drawing"))
		x->drawing = true;
	else if (!strcmp(name, "w:p") || !strcmp(name, "w:br") || !strcmp(name, "w:tab"))
		buf_putc(&x->text, ' ');
}

static void XMLCALL on_end(void *ctx, const XML_Char *name)
{
	struct xml_text *x = ctx;
	(void)name;
	x->depth--;
}

static void XMLCALL on_chars(void *ctx, const XML_Char *s, int n)
{
	struct xml_text *x = ctx;
	buf_append(&x->text, s, (size_t)n);
}

static char *zip_part(zip_t *za, const char *name, zip_uint64_t *len)
{
	zip_stat_t st;
	if (zip_stat(za, name, 0, &st) < 0)
		return NULL;
	zip_file_t *f = zip_fopen(za, name, 0);
	assert_non_null(f);
	char *p = malloc(st.size + 1);
	assert_int_equal(zip_fread(f, p, st.size), (zip_int64_t)st.size);
	zip_fclose(f);
	p[st.size] = 0;
	*len = st.size;
	return p;
}

static void parse(const char *xml, size_t len, struct xml_text *x)
{
	XML_Parser ps = XML_ParserCreate("UTF-8");
	XML_SetUserData(ps, x);
	XML_SetElementHandler(ps, on_start, on_end);
	XML_SetCharacterDataHandler(ps, on_chars);
	if (XML_Parse(ps, xml, (int)len, 1) != XML_STATUS_OK) {
		fprintf(stderr, "not well-formed: %s at line %lu\n", XML_ErrorString(XML_GetErrorCode(ps)),
			(unsigned long)XML_GetCurrentLineNumber(ps));
		fail();
	}
	XML_ParserFree(ps);
}

static void test_docx(void **state)
{
	(void)state;
	struct doc *d = build();
	struct buf out = BUF_INIT;
	buf_puts(&out, "x"); /* appended, not overwritten */
	assert_int_equal(docx_write(d, &out), 0);
	doc_free(d);
	assert_true(out.len > 1000);
	assert_memory_equal(out.p, "xPK", 3);

	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(out.p + 1, out.len - 1, 0, &ze);
	assert_non_null(src);
	zip_t *za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	assert_non_null(za);
	static const char *const parts[] = {
		"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml",
		"word/settings.xml", "word/_rels/document.xml.rels", "word/header1.xml",
		"word/header2.xml", "word/media/image1.png", "docProps/core.xml", "docProps/app.xml",
	};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		zip_uint64_t len = 0;
		char *p = zip_part(za, parts[i], &len);
		if (!p) {
			fprintf(stderr, "no part %s\n", parts[i]);
			fail();
		}
		if (strstr(parts[i], ".xml") || strstr(parts[i], ".rels")) {
			struct xml_text x = { .text = BUF_INIT };
			parse(p, len, &x);
			if (!strcmp(parts[i], "word/document.xml")) {
				assert_texts("document.xml", buf_str(&x.text));
				assert_true(x.title_pg);
				assert_true(x.tbl_header);
				assert_true(x.grid_span);
				assert_true(x.drawing);
				assert_non_null(strstr(p, "<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"));
				assert_non_null(strstr(p, "w:left=\"1701\""));
			}
			if (!strcmp(parts[i], "word/header1.xml"))
				assert_non_null(strstr(p, " PAGE "));
			if (!strcmp(parts[i], "word/header2.xml"))
				assert_null(strstr(p, "PAGE"));
			if (!strcmp(parts[i], "docProps/core.xml"))
				assert_non_null(strstr(buf_str(&x.text), "Приказ «Об утверждении плана мероприятий»"));
			buf_free(&x.text);
		} else {
			assert_memory_equal(p, "\x89PNG", 4);
		}
		free(p);
	}
	zip_close(za);

	/* LibreOffice's PDF of the DOCX */
	char path[128], cmd[512];
	snprintf(path, sizeof path, "%s/doc.docx", dir);
	struct buf file = { out.p + 1, out.len - 1, 0, 0 };
	assert_int_equal(write_file(path, &file), 0);
	const char *keep = getenv("DOC_KEEP");
	if (keep) {
		snprintf(cmd, sizeof cmd, "cp '%s' '%s'/doc.docx", path, keep);
		assert_int_equal(system(cmd), 0);
	}
	struct buf log = BUF_INIT;
	if (run("command -v soffice >/dev/null 2>&1", &log) != 0) {
		fprintf(stderr, "soffice is not installed: the LibreOffice check is skipped\n");
		buf_free(&log);
		buf_free(&out);
		skip();
	}
	snprintf(cmd, sizeof cmd,
		 "cd '%s' && HOME='%s' timeout 90 soffice --headless --norestore --convert-to pdf "
		 "--outdir '%s/lo' '%s' 2>&1", dir, dir, dir, path);
	int rc = run(cmd, &log);
	if (rc != 0)
		fprintf(stderr, "soffice: %s\n", buf_str(&log));
	assert_int_equal(rc, 0);
	snprintf(path, sizeof path, "%s/lo/doc.pdf", dir);
	assert_int_equal(access(path, R_OK), 0);
	if (keep) {
		snprintf(cmd, sizeof cmd, "cp '%s' '%s'/doc-lo.pdf", path, keep);
		assert_int_equal(system(cmd), 0);
	}
	check_pdf("LibreOffice's PDF of the DOCX", path);
	buf_free(&log);
	buf_free(&out);
}

/* ---- PDF ---- */

static void test_pdf(void **state)
{
	(void)state;
	struct doc *d = build();
	struct buf out = BUF_INIT;
	assert_int_equal(doc_pdf_write(d, &out), 0);
	doc_free(d);
	assert_memory_equal(out.p, "%PDF", 4);
	char path[128];
	snprintf(path, sizeof path, "%s/doc.pdf", dir);
	assert_int_equal(write_file(path, &out), 0);
	const char *keep = getenv("DOC_KEEP");
	if (keep) {
		char cmd[512];
		snprintf(cmd, sizeof cmd, "cp '%s' '%s'/doc.pdf", path, keep);
		assert_int_equal(system(cmd), 0);
	}
	check_pdf("doc_pdf_write", path);
	buf_free(&out);

	/* an empty document is one page */
	d = doc_new("Пусто");
	assert_int_equal(doc_pdf_write(d, &out), 0);
	struct buf docx = BUF_INIT;
	assert_int_equal(docx_write(d, &docx), 0);
	doc_free(d);
	assert_memory_equal(docx.p, "PK", 2);
	buf_free(&docx);
	buf_free(&out);
}

/* The page (1-based) of a PDF whose text holds needle; 0 when none of the first 4 has. */
static int page_of(const char *pdf, const char *needle)
{
	for (int page = 1; page <= 4; page++) {
		char cmd[512];
		struct buf out = BUF_INIT;
		snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 -f %d -l %d '%s' - 2>/dev/null", page, page, pdf);
		int rc = run(cmd, &out);
		bool has = rc == 0 && strstr(buf_str(&out), needle);
		buf_free(&out);
		if (rc)
			return 0;
		if (has)
			return page;
	}
	return 0;
}

/* A heading stays with what follows it: a table's head and first row, a whole image. Lines
 * before it move the heading down the first page line by line: wherever it lands, it is on
 * the page where its table (image) starts. */
static void test_pdf_keep(void **state)
{
	(void)state;
	struct buf png = BUF_INIT;
	make_png(&png);
	char path[128];
	snprintf(path, sizeof path, "%s/keep.pdf", dir);
	for (int image = 0; image < 2; image++) {
		for (int k = 20; k <= 44; k++) {
			struct doc *d = doc_new("Заголовок и таблица");
			for (int i = 0; i < k; i++)
				doc_paraf(d, DOC_PLAIN, "Строка %d", i + 1);
			doc_para(d, DOC_HEADING, DOC_ALIGN_DEFAULT, true, "Раздел после строк");
			if (image) {
				doc_image(d, png.p, png.len, 120, "Подпись рисунка");
			} else {
				static const char *const titles[3] = { "Столбецодин", "Столбецдва", "Столбецтри" };
				static const double widths[3] = { 0, 40, 40 };
				doc_table_begin(d, 3, titles, widths);
				for (int r = 0; r < 3; r++)
					doc_table_row(d, (const char *const[]){ "Ячейкаодин", "2", "3" });
				doc_table_end(d);
			}
			struct buf out = BUF_INIT;
			assert_int_equal(doc_pdf_write(d, &out), 0);
			doc_free(d);
			assert_int_equal(write_file(path, &out), 0);
			buf_free(&out);
			int ph = page_of(path, "Раздел после строк");
			int pt = page_of(path, image ? "Подпись рисунка" : "Ячейкаодин");
			if (!ph || ph != pt)
				fprintf(stderr, "%s after %d lines: the heading on page %d, what follows on %d\n",
					image ? "an image" : "a table", k, ph, pt);
			assert_true(ph > 0);
			assert_int_equal(ph, pt);
		}
	}
	buf_free(&png);
}

/* No line break after «№», inside a number or before its «%»/«чел.»: a table whose columns
 * narrow step by step lays the same cells out at every width; pdftotext -raw gives the
 * lines, and none starts with the part a break would have cut off. */
static void test_pdf_bind(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof path, "%s/bind.pdf", dir);
	for (int w = 14; w <= 40; w += 2) {
		struct doc *d = doc_new("Связки");
		static const char *const titles[2] = { "Школа", "Цифры" };
		const double widths[2] = { 0, w };
		doc_table_begin(d, 2, titles, widths);
		doc_table_row(d, (const char *const[]){ "МБОУ «СОШ № 11»", "(2\xE2\x80\x89" "313 чел.) 95 % работ" });
		doc_table_end(d);
		struct buf out = BUF_INIT;
		assert_int_equal(doc_pdf_write(d, &out), 0);
		doc_free(d);
		assert_int_equal(write_file(path, &out), 0);
		buf_free(&out);
		char cmd[256];
		struct buf text = BUF_INIT;
		snprintf(cmd, sizeof cmd, "pdftotext -raw -enc UTF-8 '%s' - 2>/dev/null", path);
		assert_int_equal(run(cmd, &text), 0);
		for (const char *l = buf_str(&text); *l;) {
			const char *e = strchr(l, '\n');
			size_t n = e ? (size_t)(e - l) : strlen(l);
			bool cut = (n >= 3 && !memcmp(l, "313", 3)) || (n >= 2 && !memcmp(l, "11", 2)) ||
				   (n >= 1 && *l == '%') || (n >= 8 && !memcmp(l, "чел.", 7));
			if (cut)
				fprintf(stderr, "column of %d mm: a line starts «%.*s»\n", w, (int)n, l);
			assert_false(cut);
			l += n + (e != NULL);
		}
		buf_free(&text);
	}
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/oko-test-doc-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builder),
		cmocka_unit_test(test_pdf),
		cmocka_unit_test(test_pdf_keep),
		cmocka_unit_test(test_pdf_bind),
		cmocka_unit_test(test_docx),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
