/* report/doc_pdf: a document of io/doc.h drawn as PDF on report/pdf.h. See doc_pdf.h.
 *
 * Paragraphs are pango layouts drawn line by line, so a long paragraph continues on the
 * next page instead of leaving a hole; the spacing before and after each kind of block is
 * the DOCX writer's (io/docx.c), in points. */
#include "report/doc_pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pango/pangocairo.h>

#include "base/err.h"
#include "report/pdf.h"

#define FACE "Liberation Serif"
#define TEXT_MM (210.0 - 30.0 - 15.0)
#define INDENT_MM 12.5
#define STAMP_MM 90.0     /* the stamp's block starts 9 cm from the left field */
#define TITLE_FREE_MM 70.0 /* the order's title keeps 7 cm free at the right */
#define CELL_PAD_X 4.25   /* 85 twips, as in the DOCX */
#define CELL_PAD_Y 1.4    /* 28 twips */

struct para_fmt {
	int size;          /* pt */
	bool bold;
	enum pdf_align align;
	bool justify;
	double indent;     /* first line, pt */
	double before, after; /* pt */
};

/* Typographic binding without changing the text (the PDF's text layer stays as given): no
 * line break after «№», inside a number («2 313») or between a number and its «%», «чел.» or
 * «г.», each held with the word after it. */
#define THIN_SP "\xE2\x80\x89" /* U+2009, the thousands separator of base/ru.h */
static void no_breaks(PangoLayout *l, const char *t)
{
	static const char no[] = "\xE2\x84\x96 "; /* «№ » */
	PangoAttrList *a = NULL;
	for (const char *s = t; *s; s++) {
		const char *from = NULL, *to = NULL;
		if (!strncmp(s, no, sizeof no - 1) && s[sizeof no - 1] && s[sizeof no - 1] != ' ')
			from = s, to = s + sizeof no - 1;
		else if (*s >= '0' && *s <= '9' && !strncmp(s + 1, THIN_SP, 3) && s[4] >= '0' && s[4] <= '9')
			from = s, to = s + 4; /* «2 313»: a number's thousands stay on one line */
		else if (*s >= '0' && *s <= '9' && s[1] == ' ' &&
			 (s[2] == '%' || !strncmp(s + 2, "чел.", strlen("чел.")) || !strncmp(s + 2, "г.", strlen("г."))))
			from = s, to = s + 2;
		if (!from)
			continue;
		while (*to && *to != ' ' && *to != '\n')
			to++;
		if (!a)
			a = pango_attr_list_new();
		PangoAttribute *x = pango_attr_allow_breaks_new(FALSE);
		x->start_index = (guint)(from - t);
		x->end_index = (guint)(to - t);
		pango_attr_list_insert(a, x); /* ranges may overlap: «2 313 чел.» is two */
	}
	if (a) {
		pango_layout_set_attributes(l, a);
		pango_attr_list_unref(a);
	}
}

static PangoLayout *layout(struct pdf *p, double w, const char *text, const struct para_fmt *f)
{
	char font[64];
	snprintf(font, sizeof font, FACE "%s %dpx", f->bold ? " Bold" : "", f->size); /* px: points here */
	PangoLayout *l = pango_cairo_create_layout(pdf_cairo(p));
	PangoFontDescription *fd = pango_font_description_from_string(font);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, f->align == PDF_CENTER ? PANGO_ALIGN_CENTER
				      : f->align == PDF_RIGHT ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
	pango_layout_set_justify(l, f->justify);
	pango_layout_set_indent(l, (int)(f->indent * PANGO_SCALE));
	pango_layout_set_text(l, text ? text : "", -1);
	if (text)
		no_breaks(l, text);
	return l;
}

static double layout_h(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

/* Height of text in a box of width w. */
static double measure(struct pdf *p, double w, const char *text, const struct para_fmt *f)
{
	PangoLayout *l = layout(p, w, text, f);
	double h = layout_h(l);
	g_object_unref(l);
	return h;
}

/* Draws text in a box at (x, y) as it is (no page break); its height. */
static double draw_at(struct pdf *p, double x, double y, double w, const char *text, const struct para_fmt *f)
{
	PangoLayout *l = layout(p, w, text, f);
	double h = layout_h(l);
	cairo_move_to(pdf_cairo(p), x, y);
	pango_cairo_show_layout(pdf_cairo(p), l);
	g_object_unref(l);
	return h;
}

/* Draws a layout at x from the cursor, line by line, breaking the page between lines: a
 * paragraph leaves neither its first line alone at the foot of a page nor its last line
 * alone at the top of the next (as a word processor's widow control). */
static void flow(struct pdf *p, double x, PangoLayout *l)
{
	cairo_t *cr = pdf_cairo(p);
	int n = pango_layout_get_line_count(l);
	double *ly = g_new(double, n), *lh = g_new(double, n), *base = g_new(double, n);
	bool *brk = g_new0(bool, n);
	PangoLayoutIter *it = pango_layout_get_iter(l);
	for (int i = 0; i < n; i++) {
		PangoRectangle r;
		pango_layout_iter_get_line_extents(it, NULL, &r);
		ly[i] = (double)r.y / PANGO_SCALE;
		lh[i] = (double)r.height / PANGO_SCALE;
		base[i] = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
		pango_layout_iter_next_line(it);
	}
	/* where the pages break */
	double top = pdf_y(p), page_top = pdf_top(p), bottom = pdf_bottom(p);
	int start = 0;
	for (int i = 0; i < n; i++) {
		if (top + ly[i] + lh[i] <= bottom || top + ly[i] <= page_top + 0.5)
			continue;
		int k = i;
		if (k == 1 && start == 0 && top + ly[0] > page_top + 0.5)
			k = 0; /* the first line would be alone */
		else if (k == n - 1 && k - start >= 3)
			k--; /* the last line would be alone */
		brk[k] = true;
		top = page_top - ly[k];
		start = k;
		i = k;
	}
	top = pdf_y(p);
	pango_layout_iter_free(it);
	it = pango_layout_get_iter(l);
	for (int i = 0; i < n; i++) {
		if (brk[i]) {
			pdf_page_break(p);
			top = pdf_y(p) - ly[i];
		}
		PangoRectangle r;
		pango_layout_iter_get_line_extents(it, NULL, &r);
		cairo_move_to(cr, x + (double)r.x / PANGO_SCALE, top + base[i]);
		pango_cairo_show_layout_line(cr, pango_layout_iter_get_line_readonly(it));
		pdf_set_y(p, top + ly[i] + lh[i]);
		pango_layout_iter_next_line(it);
	}
	pango_layout_iter_free(it);
	g_free(ly);
	g_free(lh);
	g_free(base);
	g_free(brk);
}

/* Space before a block; none at the top of a page. */
static void space(struct pdf *p, double pt)
{
	if (pdf_y(p) > pdf_top(p) + 0.5)
		pdf_set_y(p, pdf_y(p) + pt);
}

/* A paragraph at x across w; keep: the room (pt) it needs beside its own first lines. */
static void para_at(struct pdf *p, double x, double w, const char *text, const struct para_fmt *f, double keep)
{
	space(p, f->before);
	PangoLayout *l = layout(p, w, text, f);
	double h = layout_h(l);
	/* a short paragraph (or one that must stay with what follows) is not split */
	if (keep > 0 || h < 60)
		pdf_need(p, (h < 60 ? h : 40) + keep);
	flow(p, x, l);
	g_object_unref(l);
	pdf_set_y(p, pdf_y(p) + f->after);
}

static void para(struct pdf *p, const char *text, const struct para_fmt *f, double keep)
{
	para_at(p, pdf_left(p), pdf_width(p), text, f, keep);
}

static struct para_fmt style_fmt(enum doc_style st)
{
	struct para_fmt f = { .size = 14, .align = PDF_LEFT };
	switch (st) {
	case DOC_BODY:
		f.justify = true;
		f.indent = pdf_mm(INDENT_MM);
		break;
	case DOC_PLAIN:
		break;
	case DOC_TITLE:
		f.bold = true;
		f.align = PDF_CENTER;
		f.before = f.after = 12;
		break;
	case DOC_SUBTITLE:
		f.align = PDF_CENTER;
		f.after = 12;
		break;
	case DOC_HEADING:
		f.bold = true;
		f.before = 12;
		f.after = 6;
		break;
	case DOC_SMALL:
		f.size = 12;
		break;
	}
	return f;
}

static double lead_height(struct pdf *p, const struct doc_block *next);

/* next: the block after (NULL at the end), which a title or heading stays with. */
static void block_para(struct pdf *p, const struct doc_block *k, const struct doc_block *next)
{
	struct para_fmt f = style_fmt(k->style);
	if (k->bold)
		f.bold = true;
	if (k->align != DOC_ALIGN_DEFAULT) {
		f.justify = k->align == DOC_ALIGN_JUSTIFY;
		f.align = k->align == DOC_ALIGN_CENTER ? PDF_CENTER : k->align == DOC_ALIGN_RIGHT ? PDF_RIGHT : PDF_LEFT;
		if (k->style == DOC_BODY && !f.justify)
			f.indent = 0;
	}
	/* titles and headings stay with what follows: two lines of a paragraph, a table's head
	 * and first row, a whole image */
	bool keep = k->style == DOC_TITLE || k->style == DOC_SUBTITLE || k->style == DOC_HEADING;
	para(p, k->text[0], &f, keep ? f.after + lead_height(p, next) + 1 : 0);
}

static void order_head(struct pdf *p, const struct doc_block *k)
{
	struct para_fmt f = { .size = 14, .bold = true, .align = PDF_CENTER, .after = 12 };
	para(p, k->text[0], &f, 0);
	f.after = 18;
	para(p, k->text[1], &f, 0);
	/* date at the left, «№ …» at the right, on one line */
	struct para_fmt plain = { .size = 14, .align = PDF_LEFT };
	char num[256] = "";
	if (k->text[3] && k->text[3][0])
		snprintf(num, sizeof num, "№ %s", k->text[3]);
	double w = pdf_width(p);
	double y = pdf_y(p);
	double h1 = draw_at(p, pdf_left(p), y, w / 2, k->text[2], &plain);
	plain.align = PDF_RIGHT;
	double h2 = draw_at(p, pdf_left(p) + w / 2, y, w / 2, num, &plain);
	pdf_set_y(p, y + (h1 > h2 ? h1 : h2));
	if (k->text[4] && k->text[4][0]) {
		plain.align = PDF_CENTER;
		para(p, k->text[4], &plain, 0);
	}
	pdf_set_y(p, pdf_y(p) + measure(p, w, " ", &plain));
}

static void signature(struct pdf *p, const struct doc_block *k)
{
	struct para_fmt f = { .size = 14, .align = PDF_LEFT };
	double w = pdf_width(p);
	space(p, 24);
	/* the position at the left (its lines kept), the name on its last line at the right */
	PangoLayout *l = layout(p, w * 0.62, k->text[0], &f);
	double h = layout_h(l);
	pdf_need(p, h);
	double y = pdf_y(p);
	cairo_move_to(pdf_cairo(p), pdf_left(p), y);
	pango_cairo_show_layout(pdf_cairo(p), l);
	int n = pango_layout_get_line_count(l);
	PangoRectangle r = { 0 };
	PangoLayoutIter *it = pango_layout_get_iter(l);
	for (int i = 1; i < n; i++)
		pango_layout_iter_next_line(it);
	pango_layout_iter_get_line_extents(it, NULL, &r);
	pango_layout_iter_free(it);
	g_object_unref(l);
	f.align = PDF_RIGHT;
	draw_at(p, pdf_left(p) + w * 0.62, y + (double)r.y / PANGO_SCALE, w * 0.38, k->text[1], &f);
	pdf_set_y(p, y + h);
}

static void stamp(struct pdf *p, const struct doc_block *k)
{
	struct para_fmt f = { .size = 14, .align = PDF_LEFT, .after = 18 };
	double x = pdf_left(p) + pdf_mm(STAMP_MM);
	double w = pdf_width(p) - pdf_mm(STAMP_MM);
	double h = measure(p, w, k->text[0], &f);
	pdf_need(p, h + 3 * 16.5);
	para_at(p, x, w, k->text[0], &f, 0);
}

/* ---- tables ---- */

struct table {
	struct pdf *p;
	const struct doc_table *t;
	double w[12];
	double total;
};

/* Column widths as the DOCX writer's: given ones, the zeros share the rest, all scaled down
 * when they overflow. */
static void col_widths(struct table *tb)
{
	const struct doc_table *t = tb->t;
	double fixed = 0, mm[12], total = 0;
	int flex = 0;
	for (int c = 0; c < t->ncols; c++) {
		if (t->widths_mm[c] > 0)
			fixed += t->widths_mm[c];
		else
			flex++;
	}
	double rest = TEXT_MM - fixed;
	double share = flex ? (rest > 10.0 * flex ? rest / flex : 20.0) : 0;
	for (int c = 0; c < t->ncols; c++) {
		mm[c] = t->widths_mm[c] > 0 ? t->widths_mm[c] : share;
		total += mm[c];
	}
	double k = total > TEXT_MM ? TEXT_MM / total : 1.0;
	tb->total = 0;
	for (int c = 0; c < t->ncols; c++) {
		tb->w[c] = pdf_mm(mm[c] * k);
		tb->total += tb->w[c];
	}
}

/* A row: n cells over the widths w (a group row: one cell over the table). Measures, and
 * draws when draw. */
static double table_row(struct table *tb, int n, const double *w, const char *const *cells,
			const struct para_fmt *f, bool draw)
{
	struct pdf *p = tb->p;
	double h = 0;
	double pad_x = CELL_PAD_X, pad_y = CELL_PAD_Y;
	for (int c = 0; c < n; c++) {
		double ch = measure(p, w[c] - 2 * pad_x, cells[c], f) + 2 * pad_y;
		if (ch > h)
			h = ch;
	}
	if (!draw)
		return h;
	cairo_t *cr = pdf_cairo(p);
	double x = pdf_left(p), y = pdf_y(p);
	for (int c = 0; c < n; c++) {
		PangoLayout *l = layout(p, w[c] - 2 * pad_x, cells[c], f);
		cairo_move_to(cr, x + pad_x, y + pad_y);
		pango_cairo_show_layout(cr, l);
		g_object_unref(l);
		cairo_save(cr);
		cairo_rectangle(cr, x, y, w[c], h);
		cairo_set_source_rgb(cr, 0, 0, 0);
		cairo_set_line_width(cr, 0.5);
		cairo_stroke(cr);
		cairo_restore(cr);
		x += w[c];
	}
	return h;
}

static void table_header(struct table *tb, double keep)
{
	static const struct para_fmt head = { .size = 12, .bold = true, .align = PDF_CENTER };
	const char *titles[12];
	for (int c = 0; c < tb->t->ncols; c++)
		titles[c] = tb->t->titles[c];
	double h = table_row(tb, tb->t->ncols, tb->w, titles, &head, false);
	pdf_need(tb->p, h + keep);
	table_row(tb, tb->t->ncols, tb->w, titles, &head, true);
	pdf_set_y(tb->p, pdf_y(tb->p) + h);
}

static void table(struct pdf *p, const struct doc_table *t)
{
	static const struct para_fmt body = { .size = 12, .align = PDF_LEFT };
	static const struct para_fmt group = { .size = 12, .bold = true, .align = PDF_LEFT };
	struct table tb = { .p = p, .t = t };
	col_widths(&tb);
	double first = 0;
	if (t->nrows) {
		const struct doc_row *r = &t->rows[0];
		first = r->group ? table_row(&tb, 1, &tb.total, (const char *const *)r->cells, &group, false)
				 : table_row(&tb, t->ncols, tb.w, (const char *const *)r->cells, &body, false);
	}
	table_header(&tb, first);
	for (size_t i = 0; i < t->nrows; i++) {
		const struct doc_row *r = &t->rows[i];
		int n = r->group ? 1 : t->ncols;
		const double *w = r->group ? &tb.total : tb.w;
		const struct para_fmt *f = r->group ? &group : &body;
		double h = table_row(&tb, n, w, (const char *const *)r->cells, f, false);
		/* a group row stays with the row after it */
		double keep = 0;
		if (r->group && i + 1 < t->nrows && !t->rows[i + 1].group)
			keep = table_row(&tb, t->ncols, tb.w, (const char *const *)t->rows[i + 1].cells, &body, false);
		if (pdf_y(p) + h + keep > pdf_bottom(p)) {
			pdf_page_break(p);
			table_header(&tb, h);
		}
		table_row(&tb, n, w, (const char *const *)r->cells, f, true);
		pdf_set_y(p, pdf_y(p) + h);
	}
	/* the empty line the DOCX has after every table */
	pdf_set_y(p, pdf_y(p) + measure(p, 100, " ", &(struct para_fmt){ .size = 14 }));
}

/* ---- images ---- */

struct png_reader {
	const unsigned char *p;
	size_t len, pos;
};

static cairo_status_t png_read(void *closure, unsigned char *data, unsigned int n)
{
	struct png_reader *r = closure;
	if (r->len - r->pos < n)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, r->p + r->pos, n);
	r->pos += n;
	return CAIRO_STATUS_SUCCESS;
}

static void image(struct pdf *p, const struct doc_block *k)
{
	struct png_reader rd = { k->png, k->png_len, 0 };
	cairo_surface_t *img = k->png ? cairo_image_surface_create_from_png_stream(png_read, &rd) : NULL;
	if (img && cairo_surface_status(img) == CAIRO_STATUS_SUCCESS) {
		int iw = cairo_image_surface_get_width(img), ih = cairo_image_surface_get_height(img);
		double w = pdf_mm(k->width_mm);
		if (w > pdf_width(p))
			w = pdf_width(p);
		double s = iw > 0 ? w / iw : 1, h = ih * s;
		if (h > pdf_bottom(p) - pdf_top(p)) { /* taller than a page: fit the height */
			s = (pdf_bottom(p) - pdf_top(p)) / ih;
			h = ih * s;
			w = iw * s;
		}
		space(p, 6);
		pdf_need(p, h + 16);
		cairo_t *cr = pdf_cairo(p);
		cairo_save(cr);
		cairo_translate(cr, pdf_left(p) + (pdf_width(p) - w) / 2, pdf_y(p));
		cairo_scale(cr, s, s);
		cairo_set_source_surface(cr, img, 0, 0);
		cairo_paint(cr);
		cairo_restore(cr);
		pdf_set_y(p, pdf_y(p) + h);
	}
	if (img)
		cairo_surface_destroy(img);
	if (k->text[0] && k->text[0][0]) {
		struct para_fmt f = { .size = 12, .align = PDF_CENTER, .after = 12 };
		para(p, k->text[0], &f, 0);
	}
}

/* The room the start of a block takes (pt): a table's head and first row, an image as
 * image() places it, two lines of anything else; at most a page. */
static double lead_height(struct pdf *p, const struct doc_block *next)
{
	double h = 2 * 16.5, page = pdf_bottom(p) - pdf_top(p);
	if (next && next->kind == DOC_B_TABLE && next->table) {
		static const struct para_fmt head = { .size = 12, .bold = true, .align = PDF_CENTER };
		static const struct para_fmt body = { .size = 12, .align = PDF_LEFT };
		const struct doc_table *t = next->table;
		struct table tb = { .p = p, .t = t };
		col_widths(&tb);
		h = table_row(&tb, t->ncols, tb.w, (const char *const *)t->titles, &head, false);
		if (t->nrows && !t->rows[0].group)
			h += table_row(&tb, t->ncols, tb.w, (const char *const *)t->rows[0].cells, &body, false);
		else if (t->nrows)
			h += table_row(&tb, 1, &tb.total, (const char *const *)t->rows[0].cells, &body, false);
	} else if (next && next->kind == DOC_B_IMAGE && next->png_w > 0 && next->png_h > 0) {
		double w = pdf_mm(next->width_mm);
		if (w > pdf_width(p))
			w = pdf_width(p);
		h = 6 + 16 + next->png_h * w / next->png_w;
	}
	return h < page ? h : page;
}

int doc_pdf_write(const struct doc *d, struct buf *out)
{
	struct pdf *p;
	int rc = pdf_open(&p, out, doc_title(d), 20);
	if (rc)
		return rc;
	pdf_set_margins(p, 30, 15, 20, 20);
	pdf_set_numbering(p, PDF_NUM_TOP, FACE " 12px");
	for (size_t i = 0; i < doc_nblocks(d); i++) {
		const struct doc_block *k = doc_block(d, i);
		switch (k->kind) {
		case DOC_B_PARA: block_para(p, k, i + 1 < doc_nblocks(d) ? doc_block(d, i + 1) : NULL); break;
		case DOC_B_ORDER_HEAD: order_head(p, k); break;
		case DOC_B_ORDER_TITLE: {
			struct para_fmt f = { .size = 14, .bold = true, .align = PDF_LEFT, .after = 18 };
			para_at(p, pdf_left(p), pdf_width(p) - pdf_mm(TITLE_FREE_MM), k->text[0], &f, 2 * 16.5);
			break;
		}
		case DOC_B_POINT: {
			struct para_fmt f = style_fmt(DOC_BODY);
			char *t = g_strdup_printf("%s %s", k->text[0] ? k->text[0] : "", k->text[1] ? k->text[1] : "");
			para(p, t, &f, 0);
			g_free(t);
			break;
		}
		case DOC_B_SIGNATURE: signature(p, k); break;
		case DOC_B_STAMP: stamp(p, k); break;
		case DOC_B_BREAK: pdf_page_break(p); break;
		case DOC_B_TABLE: table(p, k->table); break;
		case DOC_B_IMAGE: image(p, k); break;
		}
	}
	return pdf_close(p);
}
