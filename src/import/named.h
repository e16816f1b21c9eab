/* named: the reader the small registries share — a table whose columns are found by their
 * names in the header row (observers.csv and acts.csv in observers.c, experts.csv and
 * rechecks.csv in rechecks.c, medalists.csv and the medal thresholds in medalists.c).
 *
 * Conventions: a column is known by its index k into the importer's own table of names
 * (up to four spellings each, the first the one messages give) and of required flags;
 * col[k] is its place in the file, -1 when the header has none. Every problem is an error
 * in the reader's diag_list, named by file, sheet, row, column (as the file's header
 * spells it, with its letter in a sheet) and value. Cell texts are copies in the reader's
 * arena, which lives until named_free. */
#ifndef OKO_IMPORT_NAMED_H
#define OKO_IMPORT_NAMED_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/hmap.h"
#include "import/import.h"

#define NAMED_MAX_COLS 16

struct named_reader {
	const char *path; /* the file as the user knows it, for messages */
	struct diag_list *diags;
	struct db *db;
	struct table_src src;
	struct arena arena;
	int ncols;
	const char *const (*names)[4];
	const bool *required;
	int col[NAMED_MAX_COLS];
	char header[NAMED_MAX_COLS][64];
	bool have_header;
	long rows, bad;
	struct hmap schools; /* the importer's: login → school id (aliases too) */
	struct hmap seen;    /* the importer's: keys met so far → their row */
};

void named_init(struct named_reader *rd, struct db *d, const char *path,
		const struct import_opts *o, struct diag_list *diags);
void named_free(struct named_reader *rd);

/* Reads the whole table through fn (import_read_table): a reading failure or a file
 * without a header row is a problem. */
int named_read(struct named_reader *rd, const char *path, const struct import_opts *o,
	       table_row_fn fn, void *ctx);

/* The header row r: maps the ncols named columns, reports each required one missing.
 * ERR_INVALID when the reader has any error. */
int named_header(struct named_reader *rd, const struct table_row *r);

/* Column k's text in row r, "" when the file has no such column. */
const char *named_cell(struct named_reader *rd, const struct table_row *r, int k);

/* A problem at row and the file's column col (-1: the row as a whole), header its text. */
void named_err_cell(struct named_reader *rd, long row, int col, const char *header,
		    const char *value, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* A problem at the named column k (-1: the row as a whole). */
#define named_err(rd, row, k, value, code, ...)                                                \
	named_err_cell((rd), (row), (k) >= 0 ? (rd)->col[(k) >= 0 ? (k) : 0] : -1,            \
		       (rd)->header[(k) >= 0 ? (k) : 0], (value), (code), __VA_ARGS__)

/* The next item of a list separated by any of seps; NULL at the end. Cuts *p in place. */
char *named_token(char **p, const char *seps);

/* Whether s holds a control character (below U+0020). */
bool named_has_control(const char *s);

#endif
