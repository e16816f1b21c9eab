/* buf: growable byte buffers with a hard cap. */
#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "base/str.h"

void buf_init(struct buf *b, size_t max)
{
	b->p = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

void buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

static int reserve(struct buf *b, size_t n)
{
	if (b->max && (n > b->max || b->len > b->max - n))
		return ERR_LIMIT;
	b->p = xgrow(b->p, &b->cap, b->len + n + 1, 1);
	return 0;
}

int buf_reserve(struct buf *b, size_t n)
{
	return reserve(b, n);
}

int buf_append(struct buf *b, const void *data, size_t n)
{
	int rc = reserve(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int buf_putc(struct buf *b, int c)
{
	char ch = (char)c;
	return buf_append(b, &ch, 1);
}

int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	/* Format straight into the free space; only when it does not fit, grow and format
	 * again (formatting numbers is the cost in large outputs: do it once). */
	va_list ap2;
	va_copy(ap2, ap);
	size_t room = b->p ? b->cap - b->len : 0;
	int n = vsnprintf(room ? b->p + b->len : NULL, room, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return ERR_INVALID;
	if ((size_t)n < room) {
		if (b->max && b->len + (size_t)n > b->max) {
			b->p[b->len] = '\0';
			return ERR_LIMIT;
		}
		b->len += (size_t)n;
		return 0;
	}
	int rc = reserve(b, (size_t)n);
	if (rc) {
		if (b->p)
			b->p[b->len] = '\0';
		return rc;
	}
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

const char *buf_str(const struct buf *b)
{
	return b->p ? b->p : "";
}

char *buf_steal(struct buf *b)
{
	char *p = b->p ? b->p : xstrdup("");
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

int buf_csv_field(struct buf *out, const char *s, size_t n, char sep)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (s[i] == sep || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			break;
	if (i == n)
		return buf_append(out, s, n);
	int rc = buf_putc(out, '"');
	const char *p = s, *end = s + n, *q;
	while (!rc && (q = memchr(p, '"', (size_t)(end - p)))) {
		/* Up to and including the quote, then the quote once more. */
		if (!(rc = buf_append(out, p, (size_t)(q + 1 - p))))
			rc = buf_putc(out, '"');
		p = q + 1;
	}
	if (!rc)
		rc = buf_append(out, p, (size_t)(end - p));
	if (!rc)
		rc = buf_putc(out, '"');
	return rc;
}

int buf_xml_text(struct buf *out, const char *s, size_t n, bool hex_controls)
{
	size_t run = 0, i = 0; /* s[run..i) goes out as it is */
	int rc = 0;
	while (i < n && !rc) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		size_t k = 1;
		if (c >= 0x80) {
			uint32_t cp;
			k = utf8_decode(s + i, n - i, &cp);
			if (k && cp != 0xFFFE && cp != 0xFFFF) {
				i += k;
				continue;
			}
			k = k ? k : 1; /* a non-character whole, a bad byte alone */
			esc = "\xEF\xBF\xBD";
		} else if (c == '&') {
			esc = "&amp;";
		} else if (c == '<') {
			esc = "&lt;";
		} else if (c == '>') {
			esc = "&gt;";
		} else if (c == '"') {
			esc = "&quot;";
		} else if (c == '\'') {
			esc = "&apos;";
		} else if (c >= 0x20 || c == '\t' || c == '\n') {
			i++;
			continue;
		}
		if (!(rc = buf_append(out, s + run, i - run)) && esc)
			rc = buf_puts(out, esc);
		else if (!rc && hex_controls)
			rc = buf_printf(out, "_x%04X_", c);
		i += k;
		run = i;
	}
	return rc ? rc : buf_append(out, s + run, n - run);
}
