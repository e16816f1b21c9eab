/* table: one way to read rows of text cells from a CSV file or an XLSX sheet.
 *
 * Importers of tabular layouts do not care which container a table came in. table_read()
 * recognises the container by its content (a zip is XLSX, anything else is tried as CSV),
 * streams the rows to a callback as UTF-8 strings, and reports where each row came from
 * (file, sheet, row) so problems can be named precisely. */
#ifndef OKO_TABLE_H
#define OKO_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/str.h"

enum table_kind { TABLE_CSV, TABLE_XLSX };

/* Where a table's bytes are: a file (path), or a buffer in memory (data, len; path NULL),
 * such as an upload the server keeps off the disk. The buffer is not copied and must
 * outlive the read. TABLE_FILE(p) names a file in place. */
struct table_in {
	const char *path;
	const void *data;
	size_t len;
};
#define TABLE_FILE(p) (&(struct table_in){ .path = (p) })

struct table_row {
	long row;               /* 1-based row (CSV: line where the record starts) */
	size_t n;               /* cells in this row */
	const char *const *v;   /* cell texts, NUL-terminated UTF-8, "" for empty */
	const size_t *len;
};

/* Return non-zero to stop; the value is passed back by table_read(). */
typedef int (*table_row_fn)(void *ctx, const struct table_row *r);

struct table_src {
	const char *path;  /* the file, or NULL for a buffer */
	enum table_kind kind;
	const char *sheet; /* XLSX: the sheet being read (points to sheet_name); CSV: NULL */
	char sheet_name[128];
	const char *encoding; /* CSV: Russian name of the detected encoding */
	char sep;          /* CSV: the detected separator */
	uint64_t bytes_done, bytes_total; /* progress of the current read */
};

/* The same as table_read(), with the file parsed on a second thread while fn runs on the
 * calling thread: for large imports on a multi-core machine, where parsing and storing
 * each take a core. Rows reach fn in order, in batches; fn's non-zero return stops the
 * reader. */
int table_read_threaded(const struct table_in *in, const char *sheet, table_row_fn fn, void *ctx,
			struct table_src *src, char *msg, size_t msglen);
/* Kind of the bytes by their start: XLSX for a zip, else CSV. ERR_IO when unreadable. */
int table_detect(const struct table_in *in, enum table_kind *kind);
/* Names of the sheets of an XLSX file (caller frees each and the array), or one "" for
 * CSV. */
int table_sheets(const struct table_in *in, char ***names, size_t *n, char *msg, size_t msglen);
/* Streams the rows of a CSV, or of the named sheet of an XLSX (NULL = first sheet).
 * src (optional) is filled before the first row and kept up to date for progress. On
 * failure returns a negative ERR_* with a Russian message in msg naming the place. */
int table_read(const struct table_in *in, const char *sheet, table_row_fn fn, void *ctx,
	       struct table_src *src, char *msg, size_t msglen);

/* Cell col of a row trimmed of white space, as a view (not NUL-terminated at *len);
 * "" with *len = 0 when the row is shorter. Inline: an import reads every cell through it. */
static inline const char *table_cell(const struct table_row *r, int col, size_t *len)
{
	if (col < 0 || (size_t)col >= r->n) {
		*len = 0;
		return "";
	}
	const char *s = r->v[col];
	*len = str_trim(&s, r->len[col]);
	return s;
}
/* A copy of the trimmed cell in the arena ("" when absent). */
struct arena;
const char *table_cell_dup(struct arena *a, const struct table_row *r, int col);
/* True when every cell of the row is empty or white space. */
bool table_row_blank(const struct table_row *r);

/* Index of the first cell of a header row equal (folded, see str_fold) to one of names
 * (NULL-terminated), or -1. */
int table_column(const struct table_row *hdr, const char *const *names);
/* Index of the first cell whose folded text starts with one of the folded prefixes, or -1. */
int table_column_prefix(const struct table_row *hdr, const char *const *prefixes);
/* How a person names a column: "C «kind»" for XLSX, "3 «kind»" for CSV. */
void table_colname(const struct table_src *src, int col, const char *header, char *out,
		   size_t n);

#endif
