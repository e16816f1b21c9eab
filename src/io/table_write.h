/* table_write: writing rows of cells as CSV or as an XLSX sheet (libxlsxwriter).
 *
 * Exports produce the same rows in either container: the caller adds cells one by one and
 * ends rows; numbers go into XLSX as numbers, text as text. CSV is UTF-8 with a comma and
 * quotes only where needed (the canonical layout of formats.md). A CSV text cell that a
 * spreadsheet would run as a formula (starting with =, +, @, a tab, or a minus that does not
 * start a number) is written with a leading apostrophe; XLSX cells are typed and need none. */
#ifndef OKO_TABLE_WRITE_H
#define OKO_TABLE_WRITE_H

#include <stdbool.h>
#include <stdio.h>

#include "base/buf.h"
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

/* ---- Memory targets: what a web request sends is never written to /tmp ----
 *
 * table_writer_open_mem() writes the same rows into memory: CSV straight into dst, XLSX into
 * a memory file whose bytes are appended to dst by table_writer_close(). The workbook
 * writers that take a path (report/fisoko.c, report/form.c) write into memory through a
 * struct table_mem: an anonymous memory file (memfd) that libxlsxwriter opens by its
 * /proc/self/fd path like any file. libxlsxwriter 1.1.4 (Debian 12) has no output buffer of
 * its own, and it stages each XML part of a workbook in a scratch file before zipping:
 * for a memory target table_xlsx_new() puts those in /dev/shm (memory) when it is a writable
 * directory, and in libxlsxwriter's default place ($TMPDIR, else /tmp) only when it is not;
 * a workbook written to a file keeps the default. */
int table_writer_open_mem(struct table_writer **out, enum table_kind kind, const char *sheet,
			  struct buf *dst, char *msg, size_t msglen);

#define TABLE_MEM_PREFIX "/proc/self/fd/"
struct table_mem {
	int fd;        /* -1 when closed */
	char path[32]; /* "/proc/self/fd/N": open it, write it, close it */
};
/* Creates an empty memory file. ERR_IO when the system has none to give. */
int table_mem_open(struct table_mem *m);
/* Appends the bytes written to m->path to out (ERR_LIMIT past out's cap) and closes m. */
int table_mem_take(struct table_mem *m, struct buf *out);
/* Closes m without reading it (safe on a closed one). */
void table_mem_close(struct table_mem *m);

/* A new XLSX workbook at path (a file or a table_mem's path; for the latter libxlsxwriter's
 * scratch files are kept in memory where the system allows, see above); NULL on failure. constant_memory
 * streams rows (cells must then be written row by row). */
struct lxw_workbook;
struct lxw_workbook *table_xlsx_new(const char *path, bool constant_memory);

#endif
