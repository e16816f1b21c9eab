/* table: rows of text cells from a CSV file or an XLSX sheet. */
#include "io/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "io/csv.h"
#include "io/xlsx_read.h"

int table_detect(const char *path, enum table_kind *kind)
{
	unsigned char magic[4] = { 0 };
	FILE *f = fopen(path, "rb");
	if (!f)
		return ERR_IO;
	size_t n = fread(magic, 1, sizeof magic, f);
	fclose(f);
	*kind = n == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4
			? TABLE_XLSX : TABLE_CSV;
	return 0;
}

int table_sheets(const char *path, char ***names, size_t *n, char *msg, size_t msglen)
{
	enum table_kind kind;
	struct xlsx_book *b = NULL;
	*names = NULL;
	*n = 0;
	int rc = table_detect(path, &kind);
	if (rc) {
		snprintf(msg, msglen, "не удалось открыть файл %s", path);
		return rc;
	}
	if (kind == TABLE_CSV) {
		*names = xmalloc(sizeof **names);
		(*names)[0] = xstrdup("");
		*n = 1;
		return 0;
	}
	if ((rc = xlsx_open(&b, path, NULL, msg, msglen)))
		return rc;
	*n = xlsx_sheet_count(b);
	*names = xcalloc(*n ? *n : 1, sizeof **names);
	for (size_t i = 0; i < *n; i++)
		(*names)[i] = xstrdup(xlsx_sheet_name(b, i));
	xlsx_close(b);
	return 0;
}

struct xlsx_ctx {
	table_row_fn fn;
	void *ctx;
	struct table_src *src;
	struct xlsx_book *book;
	const char **v;
	size_t *len;
	size_t cap;
};

static int xlsx_row(void *p, long row, const struct xlsx_cell *cells, size_t ncells)
{
	struct xlsx_ctx *x = p;
	if (ncells > x->cap) {
		x->v = xgrow(x->v, &x->cap, ncells, sizeof *x->v);
		x->len = xrealloc(x->len, x->cap * sizeof *x->len);
	}
	for (size_t i = 0; i < ncells; i++) {
		x->v[i] = cells[i].v ? cells[i].v : "";
		x->len[i] = cells[i].v ? cells[i].len : 0;
	}
	if (x->src)
		x->src->bytes_done = xlsx_bytes_done(x->book);
	struct table_row r = { row, ncells, x->v, x->len };
	return x->fn(x->ctx, &r);
}

static int read_xlsx(const char *path, const char *sheet, table_row_fn fn, void *ctx,
		     struct table_src *src, char *msg, size_t msglen)
{
	struct xlsx_ctx x = { fn, ctx, src, NULL, NULL, NULL, 0 };
	int rc = xlsx_open(&x.book, path, NULL, msg, msglen);
	if (rc)
		return rc;
	int idx = sheet ? xlsx_sheet_find(x.book, sheet) : (xlsx_sheet_count(x.book) ? 0 : -1);
	if (idx < 0) {
		if (sheet)
			snprintf(msg, msglen, "в книге нет листа «%s»", sheet);
		else
			snprintf(msg, msglen, "в книге нет ни одного листа");
		rc = ERR_FORMAT;
		goto out;
	}
	if (src) {
		src->sheet = xlsx_sheet_name(x.book, (size_t)idx);
		src->bytes_total = xlsx_sheet_size(x.book, (size_t)idx);
		src->bytes_done = 0;
	}
	rc = xlsx_sheet_read(x.book, (size_t)idx, xlsx_row, &x);
	if (rc < 0)
		snprintf(msg, msglen, "%s", xlsx_error(x.book));
out:
	if (src)
		src->sheet = NULL; /* the name lived in the book */
	free(x.v);
	free(x.len);
	xlsx_close(x.book);
	return rc;
}

static int read_csv(const char *path, table_row_fn fn, void *ctx, struct table_src *src,
		    char *msg, size_t msglen)
{
	struct csv_reader *r = NULL;
	int rc = csv_open_file(&r, path, NULL, msg, msglen);
	if (rc)
		return rc;
	if (src) {
		src->encoding = csv_encoding_name(r);
		src->sep = csv_separator(r);
		src->bytes_total = csv_bytes_total(r);
	}
	size_t n;
	char **v;
	size_t *len;
	while ((rc = csv_next(r, &n, &v, &len)) == 1) {
		if (src) {
			src->sep = csv_separator(r);
			src->bytes_done = csv_bytes_done(r);
		}
		struct table_row row = { csv_line(r), n, (const char *const *)v, len };
		if ((rc = fn(ctx, &row)))
			goto out;
	}
	if (rc < 0)
		snprintf(msg, msglen, "%s", csv_error(r));
out:
	csv_close(r);
	return rc;
}

int table_read(const char *path, const char *sheet, table_row_fn fn, void *ctx,
	       struct table_src *src, char *msg, size_t msglen)
{
	enum table_kind kind;
	msg[0] = '\0';
	int rc = table_detect(path, &kind);
	if (rc) {
		snprintf(msg, msglen, "не удалось открыть файл: %s", path);
		return rc;
	}
	if (src) {
		memset(src, 0, sizeof *src);
		src->path = path;
		src->kind = kind;
	}
	return kind == TABLE_XLSX ? read_xlsx(path, sheet, fn, ctx, src, msg, msglen)
				  : read_csv(path, fn, ctx, src, msg, msglen);
}
