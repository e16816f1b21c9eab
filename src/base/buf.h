/* buf: growable byte buffers with a hard cap.
 *
 * A buffer fed by a file or the network is created with a maximum size; appends beyond it
 * fail with ERR_LIMIT instead of growing without bound. The contents are always
 * NUL-terminated so b->p can be used as a C string. The caller owns the buffer and frees it
 * with buf_free(). */
#ifndef OKO_BUF_H
#define OKO_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *p;    /* contents, NUL-terminated; NULL until the first append */
	size_t len; /* bytes used, not counting the terminator */
	size_t cap; /* bytes allocated */
	size_t max; /* hard cap on len; 0 means unlimited */
};

#define BUF_INIT { NULL, 0, 0, 0 }

void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);
int buf_append(struct buf *b, const void *data, size_t n);
/* Makes room for n more bytes (the caller writes them at b->p + b->len and then adds n
 * to b->len, keeping the terminator); ERR_LIMIT beyond the cap. */
int buf_reserve(struct buf *b, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, int c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Contents as a C string; "" for an empty buffer. */
const char *buf_str(const struct buf *b);
/* Hands the contents to the caller (free() it) and empties the buffer. */
char *buf_steal(struct buf *b);

/* Appends one CSV field (RFC 4180): as it is, or in double quotes with inner quotes doubled
 * when it holds the separator, a quote, CR or LF. The one quoting rule of every CSV oko
 * writes (io/csv's csv_put_field, table_write, signs.csv, problem reports, oko gen). */
int buf_csv_field(struct buf *out, const char *s, size_t n, char sep);

/* Appends s[0..n) as XML character data (or an attribute's value): & < > " ' escaped,
 * invalid UTF-8 replaced by U+FFFD, a control character XML 1.0 cannot hold dropped — or,
 * with hex_controls, kept as SpreadsheetML writes it, _xHHHH_. The one escaping rule of the
 * XML oko writes itself (io/docx's documents, io/table_write's workbook parts). */
int buf_xml_text(struct buf *out, const char *s, size_t n, bool hex_controls);

#endif
