/* diag: a list of problems found in an input file, each with its place. */
#include "base/diag.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/str.h"

#define VALUE_MAX 60 /* characters of an offending value kept for the message */

void diag_init(struct diag_list *d, size_t max)
{
	memset(d, 0, sizeof *d);
	d->max = max ? max : 1000;
}

static void diag_clear(struct diag *x)
{
	free(x->file); free(x->sheet); free(x->column);
	free(x->value); free(x->code); free(x->msg);
}

void diag_free(struct diag_list *d)
{
	for (size_t i = 0; i < d->n; i++)
		diag_clear(&d->v[i]);
	free(d->v);
	memset(d, 0, sizeof *d);
}

/* Copies at most VALUE_MAX code points of a value, replacing control characters and bytes
 * that are not UTF-8 so the message itself stays printable. */
static char *clean_value(const char *v)
{
	struct buf b = BUF_INIT;
	size_t n = strlen(v), i = 0, chars = 0;
	while (i < n && chars < VALUE_MAX) {
		uint32_t cp;
		size_t k = utf8_decode(v + i, n - i, &cp);
		if (!k) {
			buf_puts(&b, "\xEF\xBF\xBD");
			i++;
		} else {
			if (cp < 0x20 || cp == 0x7F)
				buf_putc(&b, ' ');
			else
				buf_append(&b, v + i, k);
			i += k;
		}
		chars++;
	}
	if (i < n)
		buf_puts(&b, "…");
	return buf_steal(&b);
}

static void diag_vadd(struct diag_list *d, bool first, enum diag_sev sev, const char *file,
		      const char *sheet, long row, const char *column, const char *value,
		      const char *code, const char *fmt, va_list ap)
{
	d->count[sev]++;
	if (d->n >= d->max) {
		if (!first || !d->n) {
			d->dropped++;
			return;
		}
		diag_clear(&d->v[--d->n]); /* a summary makes room: the last one goes */
		d->dropped++;
	}
	d->v = xgrow(d->v, &d->cap, d->n + 1, sizeof *d->v);
	if (first)
		memmove(d->v + 1, d->v, d->n * sizeof *d->v);
	struct diag *x = first ? &d->v[0] : &d->v[d->n];
	d->n++;
	memset(x, 0, sizeof *x);
	x->sev = sev;
	if (file) {
		const char *slash = strrchr(file, '/');
		x->file = xstrdup(slash ? slash + 1 : file);
	}
	x->sheet = sheet ? xstrdup(sheet) : NULL;
	x->row = row;
	x->column = column ? xstrdup(column) : NULL;
	x->value = value ? clean_value(value) : NULL;
	x->code = xstrdup(code ? code : "");
	struct buf m = BUF_INIT;
	buf_vprintf(&m, fmt, ap);
	x->msg = buf_steal(&m);
}

void diag_add(struct diag_list *d, enum diag_sev sev, const char *file, const char *sheet,
	      long row, const char *column, const char *value, const char *code,
	      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(d, false, sev, file, sheet, row, column, value, code, fmt, ap);
	va_end(ap);
}

void diag_add_first(struct diag_list *d, enum diag_sev sev, const char *file, const char *sheet,
		    long row, const char *column, const char *value, const char *code,
		    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(d, true, sev, file, sheet, row, column, value, code, fmt, ap);
	va_end(ap);
}

void diag_discard(struct diag_list *d, const char *code, enum diag_sev sev, size_t added)
{
	size_t kept = 0, j = 0;
	for (size_t i = 0; i < d->n; i++) {
		if (d->v[i].sev == sev && !strcmp(d->v[i].code, code)) {
			diag_clear(&d->v[i]);
			kept++;
		} else {
			d->v[j++] = d->v[i];
		}
	}
	d->n = j;
	if (added < kept)
		added = kept;
	d->count[sev] -= added <= d->count[sev] ? added : d->count[sev];
	size_t gone = added - kept;
	d->dropped -= gone <= d->dropped ? gone : d->dropped;
}

size_t diag_errors(const struct diag_list *d)
{
	return d->count[DIAG_ERROR];
}

static void format_place(struct buf *b, const struct diag *x)
{
	static const char *sev[] = { "сведение", "предупреждение", "ошибка" };
	buf_printf(b, "%s: ", sev[x->sev]);
	if (x->file)
		buf_printf(b, "%s", x->file);
	if (x->sheet)
		buf_printf(b, ", лист «%s»", x->sheet);
	if (x->row > 0)
		buf_printf(b, ", строка %ld", x->row);
	if (x->column)
		buf_printf(b, ", столбец %s", x->column);
	if (x->value)
		buf_printf(b, ", значение «%s»", x->value);
	buf_printf(b, ": %s", x->msg);
}

void diag_print(FILE *f, const struct diag_list *d)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < d->n; i++) {
		buf_reset(&b);
		format_place(&b, &d->v[i]);
		fprintf(f, "%s\n", buf_str(&b));
	}
	if (d->dropped)
		fprintf(f, "… и ещё %zu %s\n", d->dropped,
			str_plural((long)d->dropped, "сообщение не показано", "сообщения не показаны",
				   "сообщений не показано"));
	buf_free(&b);
}

static void csv_field(FILE *f, const char *s)
{
	struct buf b = BUF_INIT;
	if (s && !buf_csv_field(&b, s, strlen(s), ','))
		fwrite(b.p, 1, b.len, f);
	buf_free(&b);
}

int diag_write_csv(FILE *f, const struct diag_list *d)
{
	static const char *sev[] = { "note", "warning", "error" };
	fputs("severity,file,sheet,row,column,value,code,message\n", f);
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *x = &d->v[i];
		fprintf(f, "%s,", sev[x->sev]);
		csv_field(f, x->file); fputc(',', f);
		csv_field(f, x->sheet); fputc(',', f);
		if (x->row > 0)
			fprintf(f, "%ld", x->row);
		fputc(',', f);
		csv_field(f, x->column); fputc(',', f);
		csv_field(f, x->value); fputc(',', f);
		csv_field(f, x->code); fputc(',', f);
		csv_field(f, x->msg); fputc('\n', f);
	}
	return ferror(f) ? -2 : 0;
}

void diag_colname(unsigned col, char out[8])
{
	char tmp[8];
	int n = 0;
	col++;
	while (col > 0 && n < 7) {
		col--;
		tmp[n++] = (char)('A' + col % 26);
		col /= 26;
	}
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}
