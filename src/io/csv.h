/* csv: streaming RFC 4180 reader with encoding and separator detection, and a field writer.
 *
 * Reads files as Excel and people write them: UTF-8 with or without BOM, or Windows-1251
 * (detected from the first line with non-ASCII text, wherever it is, never asked; a file
 * that mixes the two, e.g. rows appended from another export, is refused with the lines
 * named); ',' or ';' (or tab) as separator, detected from the first
 * record; quoted fields with doubled quotes and embedded newlines; CRLF or LF. Records are
 * handed out one at a time as NUL-terminated UTF-8 fields, so memory does not depend on the
 * file's size. Every field, record and the field count have hard caps (csv_limits); a
 * binary file, an invalid encoding or a cap exceeded is an error with a Russian message. */
#ifndef OKO_CSV_H
#define OKO_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

struct csv_limits {
	size_t max_field;  /* bytes in one field (default 64 KiB) */
	size_t max_fields; /* fields in one record (default 16,384) */
	size_t max_record; /* bytes in one record (default 1 MiB) */
};

enum csv_encoding { CSV_UTF8, CSV_UTF8_BOM, CSV_CP1251 };

struct csv_reader;

/* Opens a file for reading; lim may be NULL for the defaults. On failure *out is NULL and
 * the return is ERR_IO, ERR_FORMAT (binary, not text) or ERR_ENCODING; msg (if not NULL,
 * size msglen) receives a Russian explanation. */
int csv_open_file(struct csv_reader **out, const char *path, const struct csv_limits *lim,
		  char *msg, size_t msglen);
/* The same over a memory buffer (not copied: it must outlive the reader). */
int csv_open_mem(struct csv_reader **out, const void *data, size_t len,
		 const struct csv_limits *lim, char *msg, size_t msglen);
void csv_close(struct csv_reader *r);

/* Reads the next record. Returns 1 with *nfields fields in fields[i] (lengths in lens[i],
 * each NUL-terminated, UTF-8), 0 at the end of input, or a negative ERR_* code (see
 * csv_error()). The arrays and strings stay valid until the next call. Blank lines are
 * skipped. */
int csv_next(struct csv_reader *r, size_t *nfields, char ***fields, size_t **lens);

/* 1-based line number on which the last record returned started. */
long csv_line(const struct csv_reader *r);
/* The encoding as settled so far. A file whose first 256 KiB are ASCII reports UTF-8 until
 * its first byte >= 0x80 is read, and may then turn Windows-1251. */
enum csv_encoding csv_encoding(const struct csv_reader *r);
/* Russian name of the encoding as settled so far, e.g. "UTF-8", "Windows-1251". */
const char *csv_encoding_name(const struct csv_reader *r);
char csv_separator(const struct csv_reader *r);
/* Russian explanation of the last error; "" when there was none. */
const char *csv_error(const struct csv_reader *r);
/* Bytes consumed so far and the input's total size (0 when unknown), for progress. */
uint64_t csv_bytes_done(const struct csv_reader *r);
uint64_t csv_bytes_total(const struct csv_reader *r);

/* Appends one field to out, quoted only when it contains the separator, a quote, CR or LF. */
int csv_put_field(struct buf *out, const char *s, size_t n, char sep);

#endif
