/* pdf: small helpers to draw printed documents (A4 PDF) with cairo and pango.
 *
 * A document is drawn top to bottom: a cursor y moves down as paragraphs and table rows
 * are added; pdf_table_row() starts a new page (repeating the table's header) when a row
 * does not fit; every page gets a footer with its number ("стр. 2 из 5" when the total is
 * known, see pdf_render). Text is laid out by pango, so Cyrillic, wrapping and font
 * fallback work; the default face is DejaVu Sans (fonts-dejavu-core). Units are points
 * (1/72 in); pdf_mm() converts. The PDF goes into a caller's buf (see pdf_close). */
#ifndef OKO_PDF_H
#define OKO_PDF_H

#include <stdbool.h>
#include <stddef.h>

#include <cairo.h>

#include "base/buf.h"

#define PDF_A4_W 595.2756
#define PDF_A4_H 841.8898

enum pdf_align { PDF_LEFT, PDF_CENTER, PDF_RIGHT };

struct pdf;

/* Starts a document of A4 portrait pages with margins of margin_mm, written into out
 * (appended as the document is drawn). title goes into the PDF's metadata. out NULL starts
 * a counting pass: text is laid out and pages are counted as for a real document, but
 * nothing is drawn and nothing written (no glyphs, so no fonts to embed or compress). */
int pdf_open(struct pdf **p, struct buf *out, const char *title, double margin_mm);
/* Ends the last page and the document; 0, or ERR_IO when cairo failed. Frees p. */
int pdf_close(struct pdf *p);

double pdf_mm(double mm);
cairo_t *pdf_cairo(struct pdf *p);
/* The drawable box: left x, top y, width, bottom y of the current page. */
double pdf_left(const struct pdf *p);
double pdf_top(const struct pdf *p);
double pdf_width(const struct pdf *p);
double pdf_bottom(const struct pdf *p);
/* The cursor. */
double pdf_y(const struct pdf *p);
void pdf_set_y(struct pdf *p, double y);
/* A document whose footers say «стр. N из M»: draw(p, ctx) draws it into out with the
 * total and the footer's text (optional) set. M is pages when the caller knows it without
 * laying anything out (slips on a fixed grid); with pages 0 draw runs first in a counting
 * pass (see pdf_open) and must lay out the same pages both times. 0, or ERR_IO. */
int pdf_render(struct buf *out, const char *title, double margin_mm, const char *footer,
	       int pages, void (*draw)(struct pdf *p, const void *ctx), const void *ctx);
/* Pages so far (the current one included). */
int pdf_pages(const struct pdf *p);
/* The number of pages the document will have, shown in footers as "стр. N из M"
 * (0: unknown, "стр. N"). Known from a counting pass (pdf_render). */
void pdf_set_total(struct pdf *p, int total);
/* Text at the left of every footer (e.g. the school), copied. */
void pdf_set_footer(struct pdf *p, const char *text);

/* The official layout (report/doc_pdf.c), both to be called right after pdf_open:
 * margins per side in mm (ГОСТ Р 7.0.97: left 30, right 15, top and bottom 20), and where
 * page numbers go — PDF_NUM_FOOTER, the default («стр. N» at the bottom right, with the
 * footer's text), or PDF_NUM_TOP (the number alone, centred in the top field, from the
 * second page on, in the given pango font; no footer is drawn). */
void pdf_set_margins(struct pdf *p, double left_mm, double right_mm, double top_mm, double bottom_mm);
enum pdf_numbering { PDF_NUM_FOOTER, PDF_NUM_TOP };
void pdf_set_numbering(struct pdf *p, enum pdf_numbering numbering, const char *font);

/* Ends the current page (its footer drawn) and starts a new one; the cursor goes to top. */
void pdf_page_break(struct pdf *p);
/* Starts a new page when less than height points remain below the cursor. */
void pdf_need(struct pdf *p, double height);

/* Draws text in a box of width w at (x, y) with a pango font ("DejaVu Sans Bold 12");
 * wraps at words. Returns the height used. With draw false (or in a counting pass) only
 * measures. */
double pdf_text(struct pdf *p, double x, double y, double w, const char *text, const char *font,
		enum pdf_align align, bool draw);
/* A paragraph across the page at the cursor, which then moves below it plus gap_mm. */
void pdf_para(struct pdf *p, const char *text, const char *font, enum pdf_align align,
	      double gap_mm);
/* A line from (x0,y0) to (x1,y1), dashed for cut lines. */
void pdf_line(struct pdf *p, double x0, double y0, double x1, double y1, double width, bool dashed);

/* A table with a header row repeated on every page. Column widths are in mm; a width of
 * 0 takes what the others leave. */
struct pdf_col {
	const char *title;
	double width_mm;
	enum pdf_align align;
};

struct pdf_table {
	struct pdf *p;
	const struct pdf_col *cols;
	int ncols;
	double w[16];         /* widths in points */
	const char *font;
	const char *head_font;
	double min_h;         /* minimal row height (room for a signature) */
};

/* Starts a table at the cursor (at most 16 columns) and draws its header. */
void pdf_table_begin(struct pdf_table *t, struct pdf *p, const struct pdf_col *cols, int ncols,
		     const char *font, double min_row_mm);
/* Draws one row of ncols cells ("" for empty); breaks the page first when it does not fit. */
void pdf_table_row(struct pdf_table *t, const char *const *cells);

#endif
