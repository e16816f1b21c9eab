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
#include <stdint.h>
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
/* A number: in XLSX a number cell (a spreadsheet sorts and sums it; NaN: an empty cell), in
 * CSV the caller's text for it (e.g. «37,8», written for people as the caller chooses). */
int table_writer_num(struct table_writer *w, double v, const char *csv_text);
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

/* ---- A table in parts, kept and joined ----
 *
 * A long export whose older rows never change (the audit journal, oldest first) is made of
 * parts: each holds some rows, is written once, and is kept; a file is the parts joined in
 * the order of their rows. table_writer_open_part() writes rows into a part
 * (table_writer_text, _int, _empty, _end_row as above; table_writer_close finishes it): for
 * CSV the rows' text, for XLSX the sheet's rows from first_row (1-based: each row and cell
 * carries its reference, as spreadsheet programs expect) as a raw deflate stream of its own
 * that ends with a sync flush and no final block, so parts laid end to end are one valid
 * stream. deflated: a part kept and joined many times is compressed; one joined once (an
 * export's newest rows) is better stored as it is (deflate's blocks for stored bytes, as
 * is any part under 1 KB): compressing it would cost more than the bytes it saves. A part
 * made after another (after, or NULL) may refer back into that one's last 32 KB of rows,
 * deflate's window, and so compresses as if the two were one stream: it must then be joined
 * right after it. A deflated part keeps the deflate stream that made it open (z), and a
 * deflated part made after it takes that stream over and goes on with it, instead of
 * starting one of its own primed with the last 32 KB (deflate's set-up and the priming cost
 * more than a part of a few kilobytes; parts made one after another are then compressed
 * as one stream). Text cells are inline strings.
 *
 * table_parts_join() appends to dst the file of the parts in order: CSV their text; XLSX a
 * workbook of one sheet, written by oko's own ZIP writer (libxlsxwriter deflates every row
 * of every file it writes; this writer copies the kept parts' deflated bytes and combines
 * their checksums). The sizes are bounded by ZIP's 4 GiB without ZIP64: ERR_LIMIT beyond. */
struct table_part {
	enum table_kind kind;
	struct buf data;  /* CSV text, or XLSX rows deflated */
	uint64_t raw;     /* XLSX: the rows' XML length before deflating */
	uint32_t crc;     /* XLSX: CRC-32 of that XML */
	long rows;
	struct buf last;  /* XLSX: the last 32 KB of the rows' XML up to this part's end */
	struct z_stream_s *z; /* XLSX: the deflate stream whose output ends with this part's,
			       * open for the part after it (NULL: none, or taken over) */
};
/* after is not changed but for its z, which a deflated part takes over. */
int table_writer_open_part(struct table_writer **out, enum table_kind kind, struct table_part *p,
			   long first_row, struct table_part *after, bool deflated);
void table_part_free(struct table_part *p);
/* Appends part p, made to follow to, to the end of to: the kept parts of an export held as
 * one (with p's stream, if any, for the part after them). */
int table_part_append(struct table_part *to, struct table_part *p);
int table_parts_join(enum table_kind kind, const char *sheet, const struct table_part *const *parts,
		     size_t n, struct buf *dst);
#endif
