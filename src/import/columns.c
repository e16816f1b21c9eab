/* columns: finding the columns of a header row by name, and naming them in messages. */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/str.h"
#include "import/import.h"

static int find(const struct table_row *hdr, const char *const *names, bool prefix)
{
	struct buf cell = BUF_INIT, name = BUF_INIT;
	int found = -1;
	for (size_t i = 0; i < hdr->n && found < 0; i++) {
		str_fold(hdr->v[i], hdr->len[i], &cell);
		if (cell.len == 0)
			continue;
		for (size_t k = 0; names[k] && found < 0; k++) {
			str_fold(names[k], strlen(names[k]), &name);
			if (prefix ? cell.len >= name.len && !memcmp(cell.p, name.p, name.len)
				   : cell.len == name.len && !memcmp(cell.p, name.p, name.len))
				found = (int)i;
		}
	}
	buf_free(&cell);
	buf_free(&name);
	return found;
}

int import_column(const struct table_row *hdr, const char *const *names)
{
	return find(hdr, names, false);
}

int import_column_prefix(const struct table_row *hdr, const char *const *prefixes)
{
	return find(hdr, prefixes, true);
}

void import_colname(const struct table_src *src, int col, const char *header, char *out,
		    size_t n)
{
	char letters[16];
	if (src && src->kind == TABLE_XLSX) {
		diag_colname((unsigned)col, letters);
	} else {
		snprintf(letters, sizeof letters, "%d", col + 1);
	}
	if (header && *header)
		snprintf(out, n, "%s «%s»", letters, header);
	else
		snprintf(out, n, "%s", letters);
}
