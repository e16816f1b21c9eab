/* pdf: A4 documents drawn with cairo + pango. See pdf.h. */
#include "report/pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "base/err.h"
#include "base/mem.h"

#define FOOTER_FONT "DejaVu Sans 8"
#define CELL_PAD 3.0

struct pdf {
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoContext *pango; /* every layout's: made for cr once, as nothing changes its fonts */
	struct buf *out;
	double margin;
	double ml, mr, mt, mb; /* margins per side; all equal to margin unless pdf_set_margins */
	enum pdf_numbering numbering;
	char number_font[64];
	double y;
	int page;
	int total;
	char footer[256];
	bool counting; /* a counting pass: lay out, count pages, draw nothing (pdf_open) */
	bool write_failed;
};

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int n)
{
	struct pdf *p = closure;
	if (buf_append(p->out, data, n)) {
		p->write_failed = true;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

double pdf_mm(double mm)
{
	return mm * 72.0 / 25.4;
}

int pdf_open(struct pdf **out, struct buf *b, const char *title, double margin_mm)
{
	struct pdf *p = xcalloc(1, sizeof *p);
	p->out = b;
	p->counting = !b;
	p->margin = pdf_mm(margin_mm);
	p->ml = p->mr = p->mt = p->mb = p->margin;
	/* A counting pass lays text out against a PDF surface too, so that its font options
	 * (metrics unhinted) and hence every line break are those of the real pass; its
	 * output, a few empty pages, goes nowhere. */
	p->surface = cairo_pdf_surface_create_for_stream(b ? write_out : NULL, p, PDF_A4_W, PDF_A4_H);
	if (cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(p->surface);
		free(p);
		return ERR_IO;
	}
	if (title)
		cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "oko");
	p->cr = cairo_create(p->surface);
	p->pango = pango_cairo_create_context(p->cr);
	p->page = 1;
	p->y = p->margin;
	*out = p;
	return 0;
}

cairo_t *pdf_cairo(struct pdf *p) { return p->cr; }
double pdf_left(const struct pdf *p) { return p->ml; }
double pdf_top(const struct pdf *p) { return p->mt; }
double pdf_width(const struct pdf *p) { return PDF_A4_W - p->ml - p->mr; }
/* Room for the footer is kept below the bottom (numbers at the top need none). */
double pdf_bottom(const struct pdf *p)
{
	return PDF_A4_H - p->mb - (p->numbering == PDF_NUM_FOOTER ? pdf_mm(6) : 0);
}
double pdf_y(const struct pdf *p) { return p->y; }
void pdf_set_y(struct pdf *p, double y) { p->y = y; }
int pdf_pages(const struct pdf *p) { return p->page; }
void pdf_set_total(struct pdf *p, int total) { p->total = total; }

void pdf_set_footer(struct pdf *p, const char *text)
{
	snprintf(p->footer, sizeof p->footer, "%s", text ? text : "");
}

void pdf_set_margins(struct pdf *p, double left_mm, double right_mm, double top_mm, double bottom_mm)
{
	p->ml = pdf_mm(left_mm);
	p->mr = pdf_mm(right_mm);
	p->mt = pdf_mm(top_mm);
	p->mb = pdf_mm(bottom_mm);
	if (p->page == 1 && p->y == p->margin) /* nothing drawn yet */
		p->y = p->mt;
}

void pdf_set_numbering(struct pdf *p, enum pdf_numbering numbering, const char *font)
{
	p->numbering = numbering;
	snprintf(p->number_font, sizeof p->number_font, "%s", font ? font : "DejaVu Sans 10");
}

static PangoLayout *layout(struct pdf *p, double w, const char *text, const char *font,
			   enum pdf_align align)
{
	PangoLayout *l = pango_layout_new(p->pango);
	PangoFontDescription *fd = pango_font_description_from_string(font ? font : "DejaVu Sans 10");
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, align == PDF_CENTER ? PANGO_ALIGN_CENTER
				      : align == PDF_RIGHT ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
	pango_layout_set_text(l, text ? text : "", -1);
	return l;
}

static double height_of(PangoLayout *l)
{
	int lw, lh;
	pango_layout_get_size(l, &lw, &lh);
	return (double)lh / PANGO_SCALE;
}

/* Draws a laid-out text with its top left at (x, y), unless counting. */
static void show(struct pdf *p, PangoLayout *l, double x, double y)
{
	if (p->counting)
		return;
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
}

double pdf_text(struct pdf *p, double x, double y, double w, const char *text, const char *font,
		enum pdf_align align, bool draw)
{
	PangoLayout *l = layout(p, w, text, font, align);
	double h = height_of(l);
	if (draw)
		show(p, l, x, y);
	g_object_unref(l);
	return h;
}

/* The page's number alone, centred, from half the top field down (as a word processor's
 * header), from the second page on. */
static void top_number(struct pdf *p)
{
	char num[32];
	if (p->page < 2 || p->counting)
		return;
	snprintf(num, sizeof num, "%d", p->page);
	pdf_text(p, p->ml, p->mt / 2, pdf_width(p), num, p->number_font, PDF_CENTER, true);
}

static void footer(struct pdf *p)
{
	char num[64];
	if (p->numbering == PDF_NUM_TOP || p->counting)
		return;
	double y = PDF_A4_H - p->mb - pdf_mm(4);
	if (p->total > 0)
		snprintf(num, sizeof num, "стр. %d из %d", p->page, p->total);
	else
		snprintf(num, sizeof num, "стр. %d", p->page);
	cairo_save(p->cr);
	cairo_set_source_rgb(p->cr, 0.3, 0.3, 0.3);
	if (p->footer[0])
		pdf_text(p, p->ml, y, pdf_width(p) * 0.75, p->footer, FOOTER_FONT, PDF_LEFT, true);
	pdf_text(p, p->ml, y, pdf_width(p), num, FOOTER_FONT, PDF_RIGHT, true);
	cairo_restore(p->cr);
}

void pdf_page_break(struct pdf *p)
{
	footer(p);
	cairo_show_page(p->cr);
	p->page++;
	p->y = p->mt;
	if (p->numbering == PDF_NUM_TOP)
		top_number(p);
}

void pdf_need(struct pdf *p, double height)
{
	if (p->y + height > pdf_bottom(p) && p->y > p->mt)
		pdf_page_break(p);
}

/* Laid out once, measured, then drawn where it fits (a layout keeps the font options of
 * the surface it was made for; a page break does not change them). */
void pdf_para(struct pdf *p, const char *text, const char *font, enum pdf_align align, double gap_mm)
{
	PangoLayout *l = layout(p, pdf_width(p), text, font, align);
	double h = height_of(l);
	pdf_need(p, h);
	show(p, l, p->ml, p->y);
	g_object_unref(l);
	p->y += h + pdf_mm(gap_mm);
}

void pdf_line(struct pdf *p, double x0, double y0, double x1, double y1, double width, bool dashed)
{
	static const double dash[] = { 4.0, 3.0 };
	if (p->counting)
		return;
	cairo_save(p->cr);
	cairo_set_line_width(p->cr, width);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	if (dashed)
		cairo_set_dash(p->cr, dash, 2, 0);
	cairo_move_to(p->cr, x0, y0);
	cairo_line_to(p->cr, x1, y1);
	cairo_stroke(p->cr);
	cairo_restore(p->cr);
}

/* Lays out a row's cells into ls (t->ncols of them) and returns the row's height. */
static double row_measure(struct pdf_table *t, const char *const *cells, const char *font,
			  PangoLayout **ls)
{
	double h = t->min_h;
	for (int i = 0; i < t->ncols; i++) {
		ls[i] = layout(t->p, t->w[i] - 2 * CELL_PAD, cells[i], font, t->cols[i].align);
		double ch = height_of(ls[i]) + 2 * CELL_PAD;
		if (ch > h)
			h = ch;
	}
	return h;
}

/* Draws a measured row of height h at the cursor with its borders, and frees its layouts. */
static void row_draw(struct pdf_table *t, PangoLayout **ls, double h, bool shade)
{
	struct pdf *p = t->p;
	double x = p->ml;
	cairo_t *cr = p->cr;
	for (int i = 0; i < t->ncols; i++) {
		if (!p->counting) {
			cairo_save(cr);
			if (shade) {
				cairo_rectangle(cr, x, p->y, t->w[i], h);
				cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
				cairo_fill(cr);
			}
			cairo_rectangle(cr, x, p->y, t->w[i], h);
			cairo_set_source_rgb(cr, 0, 0, 0);
			cairo_set_line_width(cr, 0.6);
			cairo_stroke(cr);
			cairo_restore(cr);
			show(p, ls[i], x + CELL_PAD, p->y + CELL_PAD);
		}
		g_object_unref(ls[i]);
		x += t->w[i];
	}
}

static void header(struct pdf_table *t)
{
	const char *titles[16];
	PangoLayout *ls[16];
	for (int i = 0; i < t->ncols; i++)
		titles[i] = t->cols[i].title;
	double saved = t->min_h;
	t->min_h = 0;
	double h = row_measure(t, titles, t->head_font, ls);
	pdf_need(t->p, h + saved);
	row_draw(t, ls, h, true);
	t->p->y += h;
	t->min_h = saved;
}

void pdf_table_begin(struct pdf_table *t, struct pdf *p, const struct pdf_col *cols, int ncols,
		     const char *font, double min_row_mm)
{
	memset(t, 0, sizeof *t);
	t->p = p;
	t->cols = cols;
	t->ncols = ncols > 16 ? 16 : ncols;
	t->font = font ? font : "DejaVu Sans 10";
	t->head_font = "DejaVu Sans Bold 9";
	t->min_h = pdf_mm(min_row_mm);
	double fixed = 0;
	int flex = 0;
	for (int i = 0; i < t->ncols; i++) {
		if (cols[i].width_mm > 0)
			fixed += pdf_mm(cols[i].width_mm);
		else
			flex++;
	}
	double rest = pdf_width(p) - fixed;
	for (int i = 0; i < t->ncols; i++)
		t->w[i] = cols[i].width_mm > 0 ? pdf_mm(cols[i].width_mm)
						 : (flex && rest > 0 ? rest / flex : pdf_mm(20));
	header(t);
}

void pdf_table_row(struct pdf_table *t, const char *const *cells)
{
	struct pdf *p = t->p;
	PangoLayout *ls[16];
	double h = row_measure(t, cells, t->font, ls);
	if (p->y + h > pdf_bottom(p)) {
		pdf_page_break(p);
		header(t);
	}
	row_draw(t, ls, h, false);
	p->y += h;
}

int pdf_close(struct pdf *p)
{
	footer(p);
	cairo_show_page(p->cr);
	g_object_unref(p->pango);
	cairo_destroy(p->cr);
	cairo_surface_finish(p->surface);
	int rc = cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS || p->write_failed ? ERR_IO : 0;
	cairo_surface_destroy(p->surface);
	free(p);
	return rc;
}

int pdf_render(struct buf *out, const char *title, double margin_mm, const char *footer,
	       int pages, void (*draw)(struct pdf *p, const void *ctx), const void *ctx)
{
	struct pdf *p = NULL;
	int rc;
	if (pages <= 0) {
		if ((rc = pdf_open(&p, NULL, title, margin_mm)))
			return rc;
		draw(p, ctx);
		pages = pdf_pages(p);
		if ((rc = pdf_close(p)))
			return rc;
	}
	if ((rc = pdf_open(&p, out, title, margin_mm)))
		return rc;
	pdf_set_total(p, pages);
	pdf_set_footer(p, footer);
	draw(p, ctx);
	return pdf_close(p);
}
