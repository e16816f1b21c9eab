/* io/doc: a printed document as plain data — the blocks of an official document (requisites,
 * headings, paragraphs, numbered points, tables, images, signatures, approval stamps, page
 * breaks) — built once by report/ and written as DOCX (io/docx.c: WordprocessingML with
 * libzip and our own XML writer) or as PDF (report/doc_pdf.c: cairo + pango). Nothing here
 * knows the domain.
 *
 * Layout (both writers; ГОСТ Р 7.0.97-2016): A4 portrait, margins left 30 mm, right 10 mm
 * (the standard's minimum; 15 is used), top and bottom 20 mm; a serif face of 14 pt
 * (Liberation Serif, metric-compatible with Times New Roman; 12 pt in tables), single
 * spacing, a first-line indent of 1.25 cm in body paragraphs, justified; page numbers
 * centred at the top from the second page on; an approval stamp («УТВЕРЖДЁН …») at the top
 * right of an appendix. Text is UTF-8; the builder copies every string it is given. */
#ifndef OKO_IO_DOC_H
#define OKO_IO_DOC_H

#include <stdbool.h>
#include <stddef.h>

enum doc_style {
	DOC_BODY,      /* 14 pt, justified, first-line indent */
	DOC_PLAIN,     /* 14 pt, no indent (the requisites, lists of names) */
	DOC_TITLE,     /* 14 pt bold, centred (a document's kind: «П Р И К А З», a heading) */
	DOC_SUBTITLE,  /* 14 pt, centred */
	DOC_HEADING,   /* 14 pt bold, left (a section of a note) */
	DOC_SMALL,     /* 12 pt (notes under a table, the executor's line) */
};
enum doc_align { DOC_ALIGN_DEFAULT, DOC_ALIGN_LEFT, DOC_ALIGN_CENTER, DOC_ALIGN_RIGHT, DOC_ALIGN_JUSTIFY };

struct doc;

/* A new empty document; title goes into the file's properties. */
struct doc *doc_new(const char *title);
void doc_free(struct doc *d);

/* A paragraph of one style; align DOC_ALIGN_DEFAULT takes the style's. bold marks the
 * whole paragraph bold. */
void doc_para(struct doc *d, enum doc_style st, enum doc_align al, bool bold, const char *text);
void doc_paraf(struct doc *d, enum doc_style st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The requisites of an order's first page: the organisation (bold, centred, upper case as
 * given), the document's kind («П Р И К А З»), then date and number on one line (date at
 * the left, «№ number» at the right) and the place centred under them. */
void doc_order_head(struct doc *d, const char *org, const char *kind, const char *date,
		    const char *number, const char *place);
/* The title of an order: «О …», bold, at the left, narrow (as the seeds'). */
void doc_order_title(struct doc *d, const char *text);
/* A numbered point of an order («1.», «2.1.»): number then text, hanging. */
void doc_point(struct doc *d, const char *number, const char *text);
/* The signature line: position at the left, name at the right. */
void doc_signature(struct doc *d, const char *position, const char *name);
/* The approval stamp of an appendix, at the top right, one line per '\n': «Приложение № 1
 * к приказу …\nот 01 марта 2021 г. № 136/1», or «УТВЕРЖДЁН\nприказом …». */
void doc_stamp(struct doc *d, const char *text);
void doc_page_break(struct doc *d);

/* A table: ncols (≤ 12) columns with titles and widths in mm (0: share what is left); the
 * header repeats on every page. Rows of ncols cells; a group row spans the table (a block
 * of a plan: «1. Мероприятия по …»), bold. */
void doc_table_begin(struct doc *d, int ncols, const char *const *titles, const double *widths_mm);
void doc_table_row(struct doc *d, const char *const *cells);
void doc_table_group(struct doc *d, const char *text);
void doc_table_end(struct doc *d);

/* An image (PNG bytes, copied) across width_mm, its height from the PNG's aspect, with a
 * caption under it (may be NULL). */
void doc_image(struct doc *d, const void *png, size_t len, double width_mm, const char *caption);

/* ---- for the writers ---- */

enum doc_block_kind { DOC_B_PARA, DOC_B_ORDER_HEAD, DOC_B_ORDER_TITLE, DOC_B_POINT, DOC_B_SIGNATURE,
		      DOC_B_STAMP, DOC_B_BREAK, DOC_B_TABLE, DOC_B_IMAGE };
struct doc_table {
	int ncols;
	char *titles[12];
	double widths_mm[12];
	size_t nrows;
	struct doc_row {
		bool group;   /* a group row: cells[0] spans the table */
		char **cells; /* ncols strings (1 for a group row) */
	} *rows;
};
struct doc_block {
	enum doc_block_kind kind;
	enum doc_style style;
	enum doc_align align;
	bool bold;
	char *text[5];        /* PARA: text[0]; ORDER_HEAD: org, kind, date, number, place;
				 ORDER_TITLE/STAMP: text[0]; POINT: number, text; SIGNATURE:
				 position, name; IMAGE: caption */
	struct doc_table *table; /* TABLE */
	unsigned char *png;    /* IMAGE */
	size_t png_len;
	double width_mm;       /* IMAGE */
	int png_w, png_h;      /* IMAGE: pixels, read from the PNG's header */
};
const char *doc_title(const struct doc *d);
size_t doc_nblocks(const struct doc *d);
const struct doc_block *doc_block(const struct doc *d, size_t i);

/* The DOCX of a document (io/docx.c), appended to out. ERR_IO on failure. */
struct buf;
int docx_write(const struct doc *d, struct buf *out);

#endif
