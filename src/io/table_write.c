/* table_write: writing rows of cells as CSV or as an XLSX sheet. */
#include "io/table_write.h"

#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "io/csv.h"

struct table_writer {
	enum table_kind kind;
	FILE *f;          /* CSV */
	bool own;         /* close f at the end */
	struct buf line;  /* CSV: the row being built */
	int col;
	lxw_workbook *wb; /* XLSX */
	lxw_worksheet *ws;
	lxw_row_t row;
};

int table_writer_open(struct table_writer **out, const char *path, enum table_kind kind,
		      const char *sheet, char *msg, size_t msglen)
{
	struct table_writer *w = xcalloc(1, sizeof *w);
	w->kind = kind;
	buf_init(&w->line, 0);
	if (kind == TABLE_CSV) {
		if (!strcmp(path, "-")) {
			w->f = stdout;
		} else if ((w->f = fopen(path, "w"))) {
			w->own = true;
		}
		if (!w->f)
			goto fail;
	} else {
		lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = NULL };
		w->wb = workbook_new_opt(path, &opt);
		if (!w->wb || !(w->ws = workbook_add_worksheet(w->wb, sheet)))
			goto fail;
	}
	*out = w;
	return 0;
fail:
	snprintf(msg, msglen, "не удалось создать файл %s", path);
	if (w->wb)
		workbook_close(w->wb);
	buf_free(&w->line);
	free(w);
	*out = NULL;
	return ERR_IO;
}

/* A text cell that a spreadsheet would run as a formula (=, +, @, a tab, a return, or a
 * minus not starting a number): school names come from uploaded files, and an export opened
 * in Excel must not execute them. */
static bool formula_like(const char *s)
{
	switch (s[0]) {
	case '=': case '+': case '@': case '\t': case '\r':
		return true;
	case '-':
		return !((s[1] >= '0' && s[1] <= '9') || s[1] == '.');
	}
	return false;
}

int table_writer_text(struct table_writer *w, const char *s)
{
	if (w->kind == TABLE_CSV) {
		int rc = w->col++ ? buf_putc(&w->line, ',') : 0;
		if (!rc && formula_like(s)) {
			/* Prefixed with an apostrophe, the way Excel itself marks text. */
			struct buf t = BUF_INIT;
			buf_putc(&t, '\'');
			buf_puts(&t, s);
			rc = csv_put_field(&w->line, t.p, t.len, ',');
			buf_free(&t);
			return rc;
		}
		return rc ? rc : csv_put_field(&w->line, s, strlen(s), ',');
	}
	if (*s && worksheet_write_string(w->ws, w->row, (lxw_col_t)w->col, s, NULL) != LXW_NO_ERROR)
		return ERR_IO;
	w->col++;
	return 0;
}

int table_writer_int(struct table_writer *w, long v)
{
	if (w->kind == TABLE_CSV) {
		int rc = w->col++ ? buf_putc(&w->line, ',') : 0;
		return rc ? rc : buf_printf(&w->line, "%ld", v);
	}
	if (worksheet_write_number(w->ws, w->row, (lxw_col_t)w->col, (double)v, NULL) != LXW_NO_ERROR)
		return ERR_IO;
	w->col++;
	return 0;
}

int table_writer_empty(struct table_writer *w)
{
	return table_writer_text(w, "");
}

int table_writer_end_row(struct table_writer *w)
{
	w->col = 0;
	if (w->kind == TABLE_CSV) {
		int rc = buf_putc(&w->line, '\n');
		if (!rc && fwrite(w->line.p, 1, w->line.len, w->f) != w->line.len)
			rc = ERR_IO;
		buf_reset(&w->line);
		return rc;
	}
	w->row++;
	return 0;
}

int table_writer_close(struct table_writer *w)
{
	int rc = 0;
	if (w->kind == TABLE_CSV) {
		if (fflush(w->f) || ferror(w->f))
			rc = ERR_IO;
		if (w->own && fclose(w->f))
			rc = ERR_IO;
	} else if (workbook_close(w->wb) != LXW_NO_ERROR) {
		rc = ERR_IO;
	}
	buf_free(&w->line);
	free(w);
	return rc;
}
