/* named: the reader of a small table by named columns (see named.h). */
#include "import/named.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/str.h"

void named_init(struct named_reader *rd, struct db *d, const char *path,
		const struct import_opts *o, struct diag_list *diags)
{
	memset(rd, 0, sizeof *rd);
	rd->path = o->name && *o->name ? o->name : path;
	rd->diags = diags;
	rd->db = d;
	arena_init(&rd->arena, 0);
	hmap_init(&rd->schools);
	hmap_init(&rd->seen);
}

void named_free(struct named_reader *rd)
{
	arena_free(&rd->arena);
	hmap_free(&rd->schools);
	hmap_free(&rd->seen);
}

int named_read(struct named_reader *rd, const char *path, const struct import_opts *o,
	       table_row_fn fn, void *ctx)
{
	struct table_in in = import_input(path, o);
	return import_read_table(&in, fn, ctx, &rd->src, rd->path, &rd->have_header, rd->diags);
}

int named_header(struct named_reader *rd, const struct table_row *r)
{
	rd->have_header = true;
	for (int k = 0; k < rd->ncols; k++) {
		rd->col[k] = table_column(r, rd->names[k]);
		str_copy_utf8(rd->header[k], sizeof rd->header[k],
			      rd->col[k] >= 0 ? r->v[rd->col[k]] : rd->names[k][0]);
		if (rd->col[k] < 0 && rd->required[k])
			diag_add(rd->diags, DIAG_ERROR, rd->path, rd->src.sheet, r->row, NULL, NULL,
				 "missing_column", "в строке заголовков нет обязательного столбца «%s»",
				 rd->names[k][0]);
	}
	return diag_errors(rd->diags) ? ERR_INVALID : 0;
}

const char *named_cell(struct named_reader *rd, const struct table_row *r, int k)
{
	return table_cell_dup(&rd->arena, r, rd->col[k]);
}

void named_err_cell(struct named_reader *rd, long row, int col, const char *header,
		    const char *value, const char *code, const char *fmt, ...)
{
	char cname[128] = "", msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (col >= 0)
		table_colname(&rd->src, col, header, cname, sizeof cname);
	diag_add(rd->diags, DIAG_ERROR, rd->path, rd->src.sheet, row, col >= 0 ? cname : NULL,
		 value, code, "%s", msg);
}

char *named_token(char **p, const char *seps)
{
	char *s = *p;
	while (*s && strchr(seps, *s))
		s++;
	if (!*s)
		return NULL;
	char *e = s;
	while (*e && !strchr(seps, *e))
		e++;
	if (*e)
		*e++ = '\0';
	*p = e;
	return s;
}

bool named_has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20)
			return true;
	return false;
}
