/* io/doc: the document model — an array of blocks, each owning copies of its strings. */
#include "io/doc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"

struct doc {
	char *title;
	struct doc_block *blocks;
	size_t n, cap;
	struct doc_table *open; /* the table between doc_table_begin and doc_table_end */
	size_t rows_cap;        /* capacity of open->rows */
};

static char *dup0(const char *s)
{
	return xstrdup(s ? s : "");
}

struct doc *doc_new(const char *title)
{
	struct doc *d = xcalloc(1, sizeof *d);
	d->title = dup0(title);
	return d;
}

static void table_free(struct doc_table *t)
{
	if (!t)
		return;
	for (int c = 0; c < t->ncols; c++)
		free(t->titles[c]);
	for (size_t r = 0; r < t->nrows; r++) {
		int n = t->rows[r].group ? 1 : t->ncols;
		for (int c = 0; c < n; c++)
			free(t->rows[r].cells[c]);
		free(t->rows[r].cells);
	}
	free(t->rows);
	free(t);
}

void doc_free(struct doc *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		struct doc_block *b = &d->blocks[i];
		for (size_t k = 0; k < sizeof b->text / sizeof b->text[0]; k++)
			free(b->text[k]);
		table_free(b->table);
		free(b->png);
	}
	free(d->blocks);
	free(d->title);
	free(d);
}

/* A new zeroed block at the end; any block after a table ends it. */
static struct doc_block *add(struct doc *d, enum doc_block_kind kind)
{
	d->open = NULL;
	d->blocks = xgrow(d->blocks, &d->cap, d->n + 1, sizeof *d->blocks);
	struct doc_block *b = &d->blocks[d->n++];
	memset(b, 0, sizeof *b);
	b->kind = kind;
	b->style = DOC_BODY;
	b->align = DOC_ALIGN_DEFAULT;
	return b;
}

void doc_para(struct doc *d, enum doc_style st, enum doc_align al, bool bold, const char *text)
{
	struct doc_block *b = add(d, DOC_B_PARA);
	b->style = st;
	b->align = al;
	b->bold = bold;
	b->text[0] = dup0(text);
}

void doc_paraf(struct doc *d, enum doc_style st, const char *fmt, ...)
{
	struct buf t = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	int rc = buf_vprintf(&t, fmt, ap);
	va_end(ap);
	if (rc < 0) {
		fprintf(stderr, "doc_paraf: out of memory\n");
		abort();
	}
	doc_para(d, st, DOC_ALIGN_DEFAULT, false, buf_str(&t));
	buf_free(&t);
}

void doc_order_head(struct doc *d, const char *org, const char *kind, const char *date,
		    const char *number, const char *place)
{
	struct doc_block *b = add(d, DOC_B_ORDER_HEAD);
	b->style = DOC_PLAIN;
	b->text[0] = dup0(org);
	b->text[1] = dup0(kind);
	b->text[2] = dup0(date);
	b->text[3] = dup0(number);
	b->text[4] = dup0(place);
}

void doc_order_title(struct doc *d, const char *text)
{
	struct doc_block *b = add(d, DOC_B_ORDER_TITLE);
	b->style = DOC_PLAIN;
	b->align = DOC_ALIGN_LEFT;
	b->bold = true;
	b->text[0] = dup0(text);
}

void doc_point(struct doc *d, const char *number, const char *text)
{
	struct doc_block *b = add(d, DOC_B_POINT);
	b->text[0] = dup0(number);
	b->text[1] = dup0(text);
}

void doc_signature(struct doc *d, const char *position, const char *name)
{
	struct doc_block *b = add(d, DOC_B_SIGNATURE);
	b->style = DOC_PLAIN;
	b->text[0] = dup0(position);
	b->text[1] = dup0(name);
}

void doc_stamp(struct doc *d, const char *text)
{
	struct doc_block *b = add(d, DOC_B_STAMP);
	b->style = DOC_PLAIN;
	b->align = DOC_ALIGN_LEFT;
	b->text[0] = dup0(text);
}

void doc_page_break(struct doc *d)
{
	add(d, DOC_B_BREAK);
}

void doc_table_begin(struct doc *d, int ncols, const char *const *titles, const double *widths_mm)
{
	if (ncols < 1)
		ncols = 1;
	if (ncols > 12)
		ncols = 12;
	struct doc_table *t = xcalloc(1, sizeof *t);
	t->ncols = ncols;
	for (int c = 0; c < ncols; c++) {
		t->titles[c] = dup0(titles ? titles[c] : NULL);
		double w = widths_mm ? widths_mm[c] : 0;
		t->widths_mm[c] = w > 0 ? w : 0;
	}
	struct doc_block *b = add(d, DOC_B_TABLE);
	b->style = DOC_SMALL;
	b->table = t;
	d->open = t;
	d->rows_cap = 0;
}

static struct doc_row *table_add_row(struct doc *d)
{
	struct doc_table *t = d->open;
	t->rows = xgrow(t->rows, &d->rows_cap, t->nrows + 1, sizeof *t->rows);
	struct doc_row *r = &t->rows[t->nrows++];
	memset(r, 0, sizeof *r);
	return r;
}

void doc_table_row(struct doc *d, const char *const *cells)
{
	if (!d->open)
		return;
	struct doc_row *r = table_add_row(d);
	int n = d->open->ncols;
	r->cells = xcalloc((size_t)n, sizeof *r->cells);
	for (int c = 0; c < n; c++)
		r->cells[c] = dup0(cells ? cells[c] : NULL);
}

void doc_table_group(struct doc *d, const char *text)
{
	if (!d->open)
		return;
	struct doc_row *r = table_add_row(d);
	r->group = true;
	r->cells = xcalloc(1, sizeof *r->cells);
	r->cells[0] = dup0(text);
}

void doc_table_end(struct doc *d)
{
	d->open = NULL;
	d->rows_cap = 0;
}

/* Width and height of a PNG from its IHDR chunk; 0 × 0 when the bytes are not a PNG. */
static void png_size(const unsigned char *p, size_t len, int *w, int *h)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	*w = *h = 0;
	if (len < 24 || memcmp(p, sig, 8) != 0 || memcmp(p + 12, "IHDR", 4) != 0)
		return;
	unsigned long pw = (unsigned long)p[16] << 24 | (unsigned long)p[17] << 16 | (unsigned long)p[18] << 8 | p[19];
	unsigned long ph = (unsigned long)p[20] << 24 | (unsigned long)p[21] << 16 | (unsigned long)p[22] << 8 | p[23];
	if (pw == 0 || ph == 0 || pw > 100000 || ph > 100000)
		return;
	*w = (int)pw;
	*h = (int)ph;
}

void doc_image(struct doc *d, const void *png, size_t len, double width_mm, const char *caption)
{
	struct doc_block *b = add(d, DOC_B_IMAGE);
	b->style = DOC_SMALL;
	b->align = DOC_ALIGN_CENTER;
	if (png && len) {
		b->png = xmalloc(len);
		memcpy(b->png, png, len);
		b->png_len = len;
		png_size(b->png, len, &b->png_w, &b->png_h);
	}
	b->width_mm = width_mm > 0 ? width_mm : 160;
	b->text[0] = caption ? xstrdup(caption) : NULL;
}

const char *doc_title(const struct doc *d)
{
	return d->title;
}

size_t doc_nblocks(const struct doc *d)
{
	return d->n;
}

const struct doc_block *doc_block(const struct doc *d, size_t i)
{
	return i < d->n ? &d->blocks[i] : NULL;
}
