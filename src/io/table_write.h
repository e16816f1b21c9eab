/* table_write: writing rows of cells as CSV or as an XLSX sheet (libxlsxwriter).
 *
 * Exports produce the same rows in either container: the caller adds cells one by one and
 * ends rows; numbers go into XLSX as numbers, text as text. CSV is UTF-8 with a comma and
 * quotes only where needed (the canonical layout of formats.md). A CSV text cell that a
 * spreadsheet would run as a formula (starting with =, +, @, a tab, or a minus that does not
 * start a number) is written with a leading apostrophe; XLSX cells are typed and need none. */
#ifndef OKO_TABLE_WRITE_H
#define OKO_TABLE_WRITE_H

#include <stdio.h>

#include "io/table.h"

struct table_writer;

/* Opens path for writing ("-" is standard output, CSV only); sheet names the XLSX sheet.
 * On failure returns ERR_IO with a Russian reason in msg. */
int table_writer_open(struct table_writer **out, const char *path, enum table_kind kind,
		      const char *sheet, char *msg, size_t msglen);
int table_writer_text(struct table_writer *w, const char *s);
int table_writer_int(struct table_writer *w, long v);
/* An empty cell. */
int table_writer_empty(struct table_writer *w);
int table_writer_end_row(struct table_writer *w);
/* Finishes the file; returns ERR_IO when it could not be completed. Frees w. */
int table_writer_close(struct table_writer *w);

#endif
