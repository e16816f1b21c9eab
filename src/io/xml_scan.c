/* xml_scan: a streaming XML tokenizer for XLSX sheets (see xml_scan.h).
 *
 * The unconsumed bytes are kept in one buffer: each call appends its chunk, every complete
 * token is handled in place (names and values are NUL-terminated and decoded where they
 * lie: a decoded reference or line end is never longer than its source), and the tail that
 * does not yet hold a whole token waits for the next chunk. Positions for messages are
 * counted as bytes are consumed. */
#define _GNU_SOURCE /* memmem */
#include "io/xml_scan.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"

struct xscan {
	struct xscan_handlers h;
	void *ud;
	size_t max;
	char *buf;             /* bytes [pos, len) not yet consumed */
	size_t pos, len, cap;
	size_t nl;             /* the next raw '\n' at or after pos; len when none */
	unsigned long long base;  /* offset in the document of buf[0] */
	unsigned long line;       /* line of buf[pos], 1-based */
	unsigned long long lstart; /* document offset where that line starts */
	bool started;          /* the start (BOM, declaration) has been looked at */
	unsigned long long decl_at; /* where an XML declaration may stand (after a BOM) */
	bool stopped, root_seen;
	size_t depth;
	size_t *open;          /* offset in names of each open element's name */
	size_t ocap;
	char *names;           /* the open elements' names, each NUL-terminated */
	size_t nlen, ncap;
	const char **atts;
	size_t acap;
	int err;
	char msg[240];
	unsigned long eline, ecol;
	bool doctype;
};

struct xscan *xscan_new(const struct xscan_handlers *h, void *ud, size_t max_bytes)
{
	struct xscan *x = xcalloc(1, sizeof *x);
	x->h = *h;
	x->ud = ud;
	x->max = max_bytes;
	x->line = 1;
	return x;
}

void xscan_free(struct xscan *x)
{
	if (!x)
		return;
	free(x->buf);
	free(x->open);
	free(x->names);
	free(x->atts);
	free(x);
}

void xscan_stop(struct xscan *x)
{
	x->stopped = true;
}

void xscan_pending(const struct xscan *x, const char **data, size_t *n)
{
	*data = x->buf + x->pos;
	*n = x->len - x->pos;
}

const char *xscan_error(const struct xscan *x)
{
	return x->msg;
}

unsigned long xscan_line(const struct xscan *x)
{
	return x->eline;
}

unsigned long xscan_column(const struct xscan *x)
{
	return x->ecol;
}

bool xscan_doctype(const struct xscan *x)
{
	return x->doctype;
}

/* The line, line start and next '\n' after buf[pos, to), counted on the raw bytes (before
 * a token is decoded in place): x->nl is the next raw '\n' at or after pos (len: none in the
 * buffer), so a token without one costs a comparison. */
static inline void lines_to(const struct xscan *x, size_t to, unsigned long *line,
			    unsigned long long *ls, size_t *nl)
{
	size_t k = x->nl;
	*line = x->line;
	*ls = x->lstart;
	*nl = k;
	if (__builtin_expect(k >= to, 1))
		return;
	while (k < to) {
		++*line;
		*ls = x->base + k + 1;
		const char *q = memchr(x->buf + k + 1, '\n', x->len - k - 1);
		k = q ? (size_t)(q - x->buf) : x->len;
	}
	*nl = k;
}

/* Consumes buf[pos, to). */
static void advance(struct xscan *x, size_t to)
{
	lines_to(x, to, &x->line, &x->lstart, &x->nl);
	x->pos = to;
}

/* An error at buf index at (at >= pos): its line and column, and the reason. */
static int __attribute__((format(printf, 4, 5))) fail(struct xscan *x, int rc, size_t at,
						       const char *fmt, ...)
{
	unsigned long line = x->line;
	unsigned long long ls = x->lstart;
	for (size_t i = x->pos; i < at && i < x->len; i++)
		if (x->buf[i] == '\n') {
			line++;
			ls = x->base + i + 1;
		}
	x->eline = line;
	x->ecol = (unsigned long)(x->base + at - ls + 1);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->msg, sizeof x->msg, fmt, ap);
	va_end(ap);
	x->err = rc;
	return rc;
}

static int too_big(struct xscan *x, size_t at)
{
	return fail(x, ERR_LIMIT, at, "тег, комментарий или вложенность элементов больше %zu байт",
		    x->max);
}

static bool is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* 1: a name may start with the byte; 2: it may continue with it. */
static const unsigned char namech[256] = {
	['a' ... 'z'] = 3, ['A' ... 'Z'] = 3, ['_'] = 3, [':'] = 3, [0x80 ... 0xFF] = 3,
	['0' ... '9'] = 2, ['.'] = 2, ['-'] = 2,
};

static inline bool name_start(unsigned char c)
{
	return namech[c] & 1;
}

static inline bool name_char(unsigned char c)
{
	return namech[c] & 2;
}

/* Length of the valid UTF-8 sequence at s (n bytes available) that is an XML character,
 * or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	uint32_t cp;
	size_t k;
	if (c < 0xC2)
		return 0;
	else if (c < 0xE0)
		k = 2, cp = c & 0x1F;
	else if (c < 0xF0)
		k = 3, cp = c & 0x0F;
	else if (c < 0xF5)
		k = 4, cp = c & 0x07;
	else
		return 0;
	if (n < k)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
		return 0;
	return k;
}

static bool xml_char(uint32_t cp)
{
	return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
	       (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Bytes that need a look in text: '&', ']', '\r', control characters, non-ASCII. */
static const unsigned char special[256] = {
	[0 ... 8] = 1, [11 ... 0x1F] = 1, ['&'] = 1, [']'] = 1, [0x80 ... 0xFF] = 1,
};

enum dmode { D_TEXT, D_ATTR, D_CDATA };

/* Decodes buf[i, j) in place (references, line ends, attribute whitespace), checking its
 * characters; the decoded length in *out. 0 or ERR_PARSE. */
static int decode(struct xscan *x, size_t i, size_t j, enum dmode m, size_t *out)
{
	unsigned char *s = (unsigned char *)x->buf;
	size_t o = i;
	/* The common case: nothing to change. */
	while (i < j && !special[s[i]] && !(m == D_ATTR && (s[i] == '\t' || s[i] == '\n' || s[i] == '<')))
		i++, o++;
	while (i < j) {
		unsigned char c = s[i];
		if (c >= 0x80) {
			size_t k = utf8_len(s + i, j - i);
			if (!k)
				return fail(x, ERR_PARSE, i, "недопустимый байт 0x%02X: текст не в кодировке "
					    "UTF-8", c);
			memmove(s + o, s + i, k);
			o += k, i += k;
		} else if (c == '\r') {
			s[o++] = m == D_ATTR ? ' ' : '\n';
			i += i + 1 < j && s[i + 1] == '\n' ? 2 : 1;
		} else if (m == D_ATTR && (c == '\t' || c == '\n')) {
			s[o++] = ' ';
			i++;
		} else if (m == D_ATTR && c == '<') {
			return fail(x, ERR_PARSE, i, "знак «<» в значении атрибута");
		} else if (c < 0x20 && c != '\t' && c != '\n') {
			return fail(x, ERR_PARSE, i, "недопустимый символ с кодом %u", c);
		} else if (c == ']' && m == D_TEXT && i + 2 < j && s[i + 1] == ']' && s[i + 2] == '>') {
			return fail(x, ERR_PARSE, i, "«]]>» в тексте");
		} else if (c == '&' && m != D_CDATA) {
			size_t e = i + 1;
			while (e < j && s[e] != ';' && e < i + 64)
				e++;
			if (e >= j || s[e] != ';')
				return fail(x, ERR_PARSE, i, "неверная ссылка: «&» без «;»");
			const char *r = (const char *)s + i + 1;
			size_t rl = e - i - 1;
			uint32_t cp = 0;
			if (rl >= 2 && r[0] == '#') {
				bool hex = r[1] == 'x';
				size_t d = hex ? 2 : 1;
				if (d == rl)
					return fail(x, ERR_PARSE, i, "неверная ссылка на символ");
				for (; d < rl; d++) {
					unsigned char h = (unsigned char)r[d];
					unsigned v = h >= '0' && h <= '9' ? h - '0'
						   : hex && (h | 0x20) >= 'a' && (h | 0x20) <= 'f' ? (h | 0x20) - 'a' + 10
						   : 99;
					if (v >= (hex ? 16u : 10u) || cp > 0x10FFFF)
						return fail(x, ERR_PARSE, i, "неверная ссылка на символ");
					cp = cp * (hex ? 16 : 10) + v;
				}
				if (!xml_char(cp))
					return fail(x, ERR_PARSE, i, "ссылка на недопустимый в XML символ");
			} else if (rl == 3 && !memcmp(r, "amp", 3)) {
				cp = '&';
			} else if (rl == 2 && !memcmp(r, "lt", 2)) {
				cp = '<';
			} else if (rl == 2 && !memcmp(r, "gt", 2)) {
				cp = '>';
			} else if (rl == 4 && !memcmp(r, "quot", 4)) {
				cp = '"';
			} else if (rl == 4 && !memcmp(r, "apos", 4)) {
				cp = '\'';
			} else {
				return fail(x, ERR_PARSE, i, "неизвестная сущность «&%.*s;»", (int)rl, r);
			}
			o += put_utf8((char *)s + o, cp);
			i = e + 1;
		} else {
			s[o++] = c;
			i++;
		}
	}
	*out = o;
	return 0;
}

/* Hands text buf[i, j) (no '<' in it) to the handler: outside the root only whitespace. */
static int text_run(struct xscan *x, size_t i, size_t j, enum dmode m)
{
	if (i == j)
		return 0;
	if (!x->depth) {
		for (size_t k = i; k < j; k++)
			if (!is_ws((unsigned char)x->buf[k]) || m == D_CDATA)
				return fail(x, ERR_PARSE, k, "текст вне корневого элемента");
		return 0;
	}
	size_t o;
	int rc = decode(x, i, j, m, &o);
	if (rc)
		return rc;
	if (o > i && x->h.text) {
		/* Pieces fit an int: a token is capped by max, a text run is cut below it. */
		x->h.text(x->ud, x->buf + i, (int)(o - i));
	}
	return 0;
}

/* Where a long text run may be cut: not inside a reference, a UTF-8 sequence, a "\r\n" or
 * a "]]>". A few bytes at most are left for the next piece. */
static size_t text_cut(const char *s, size_t i, size_t j)
{
	size_t cut = j;
	for (size_t k = cut; k > i && k + 64 > cut; k--)
		if (s[k - 1] == '&') {
			if (!memchr(s + k, ';', cut - k))
				cut = k - 1;
			break;
		}
	if (cut > i && s[cut - 1] == '\r')
		cut--;
	for (int r = 0; r < 2 && cut > i && s[cut - 1] == ']'; r++)
		cut--;
	for (int r = 0; r < 3 && cut > i && cut < j && ((unsigned char)s[cut] & 0xC0) == 0x80; r++)
		cut--;
	return cut;
}

static int push(struct xscan *x, const char *name, size_t n, size_t at)
{
	/* Each open element is counted at 64 bytes and its name, about what expat keeps for
	 * it, so a document nested too deep for one is too deep for the other. */
	if (x->nlen + n + 1 + (x->depth + 1) * 64 > x->max)
		return too_big(x, at);
	x->names = xgrow(x->names, &x->ncap, x->nlen + n + 1, 1);
	x->open = xgrow(x->open, &x->ocap, x->depth + 1, sizeof *x->open);
	memcpy(x->names + x->nlen, name, n);
	x->names[x->nlen + n] = '\0';
	x->open[x->depth++] = x->nlen;
	x->nlen += n + 1;
	return 0;
}

/* A start tag buf[i, e] ('<' ... '>'), complete. */
static int start_tag(struct xscan *x, size_t i, size_t e)
{
	char *s = x->buf;
	size_t k = i + 1;
	if (!name_start((unsigned char)s[k]))
		return fail(x, ERR_PARSE, k, "неверное имя элемента");
	while (k < e && name_char((unsigned char)s[k]))
		k++;
	size_t nend = k;
	if (k < e && !is_ws((unsigned char)s[k]) && s[k] != '/')
		return fail(x, ERR_PARSE, k, "неверное имя элемента");
	size_t na = 0;
	bool self = false;
	for (;;) {
		bool ws = false;
		while (k < e && is_ws((unsigned char)s[k]))
			k++, ws = true;
		if (k == e)
			break;
		if (s[k] == '/') {
			if (k + 1 != e)
				return fail(x, ERR_PARSE, k, "после «/» в теге ожидается «>»");
			self = true;
			break;
		}
		if (!ws)
			return fail(x, ERR_PARSE, k, "между атрибутами нет пробела");
		if (!name_start((unsigned char)s[k]))
			return fail(x, ERR_PARSE, k, "неверное имя атрибута");
		size_t an = k;
		while (k < e && name_char((unsigned char)s[k]))
			k++;
		size_t aend = k;
		while (k < e && is_ws((unsigned char)s[k]))
			k++;
		if (k == e || s[k] != '=')
			return fail(x, ERR_PARSE, k, "у атрибута нет значения");
		k++;
		while (k < e && is_ws((unsigned char)s[k]))
			k++;
		if (k == e || (s[k] != '"' && s[k] != '\''))
			return fail(x, ERR_PARSE, k, "значение атрибута не в кавычках");
		char q = s[k];
		size_t vs = k + 1;
		const char *qe = memchr(s + vs, q, e - vs);
		if (!qe)
			return fail(x, ERR_PARSE, k, "значение атрибута не закрыто");
		size_t ve = (size_t)(qe - s), vo;
		int rc = decode(x, vs, ve, D_ATTR, &vo);
		if (rc)
			return rc;
		s[aend] = '\0';
		s[vo] = '\0';
		x->atts = xgrow(x->atts, &x->acap, 2 * na + 3, sizeof *x->atts);
		x->atts[2 * na] = s + an;
		x->atts[2 * na + 1] = s + vs;
		na++;
		k = ve + 1;
	}
	s[nend] = '\0';
	for (size_t a = 1; a < na; a++)
		for (size_t b = 0; b < a; b++)
			if (!strcmp(x->atts[2 * a], x->atts[2 * b]))
				return fail(x, ERR_PARSE, i, "атрибут «%.60s» повторяется", x->atts[2 * a]);
	x->atts = xgrow(x->atts, &x->acap, 2 * na + 1, sizeof *x->atts);
	x->atts[2 * na] = NULL;
	if (!x->depth && x->root_seen)
		return fail(x, ERR_PARSE, i, "второй корневой элемент");
	x->root_seen = true;
	const char *name = s + i + 1;
	if (!self) {
		int rc = push(x, name, nend - i - 1, i);
		if (rc)
			return rc;
	}
	if (x->h.start)
		x->h.start(x->ud, name, x->atts);
	if (self && !x->stopped && x->h.end)
		x->h.end(x->ud, name);
	return 0;
}

/* An end tag buf[i, e]. */
static int end_tag(struct xscan *x, size_t i, size_t e)
{
	char *s = x->buf;
	size_t k = i + 2, n0 = k;
	while (k < e && name_char((unsigned char)s[k]))
		k++;
	size_t nend = k;
	while (k < e && is_ws((unsigned char)s[k]))
		k++;
	if (k != e || nend == n0 || !name_start((unsigned char)s[n0]))
		return fail(x, ERR_PARSE, i, "неверный закрывающий тег");
	if (!x->depth)
		return fail(x, ERR_PARSE, i, "закрывающий тег без открывающего");
	const char *top = x->names + x->open[x->depth - 1];
	size_t n = nend - n0;
	if (x->nlen - x->open[x->depth - 1] - 1 != n || memcmp(top, s + n0, n))
		return fail(x, ERR_PARSE, i, "закрывающий тег «</%.*s>» не соответствует открытому «<%.60s>»",
			    (int)(n < 60 ? n : 60), s + n0, top);
	s[nend] = '\0';
	x->depth--;
	x->nlen = x->open[x->depth];
	if (x->h.end)
		x->h.end(x->ud, s + n0);
	return 0;
}

/* The end of the start tag at i: its '>' outside quotes, or 0 when not in the buffer yet;
 * ERR_PARSE for a '<' in it. */
static int tag_end(struct xscan *x, size_t i, size_t *e)
{
	static const unsigned char stop[256] = { ['"'] = 1, ['\''] = 1, ['>'] = 1, ['<'] = 1 };
	const unsigned char *s = (const unsigned char *)x->buf;
	size_t k = i + 1, n = x->len;
	for (;;) {
		while (k < n && !stop[s[k]])
			k++;
		if (k == n)
			return 0;
		if (s[k] == '>') {
			*e = k;
			return 1;
		}
		if (s[k] == '<')
			return fail(x, ERR_PARSE, k, "знак «<» внутри тега");
		const unsigned char *q = memchr(s + k + 1, s[k], n - k - 1);
		if (!q)
			return 0;
		k = (size_t)(q - s) + 1;
	}
}

static bool ieq(const char *a, size_t n, const char *b)
{
	if (strlen(b) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((a[i] | 0x20) != b[i])
			return false;
	return true;
}

/* The XML declaration buf[i, e) ("<?xml" ... "?"): false when it names an encoding other
 * than UTF-8. */
static bool decl_utf8(const char *s, size_t i, size_t e)
{
	const char *p = s + i, *end = s + e;
	static const char key[] = "encoding";
	for (; p + sizeof key <= end; p++) {
		if (memcmp(p, key, sizeof key - 1))
			continue;
		const char *v = p + sizeof key - 1;
		while (v < end && is_ws((unsigned char)*v))
			v++;
		if (v >= end || *v != '=')
			return false;
		v++;
		while (v < end && is_ws((unsigned char)*v))
			v++;
		if (v >= end || (*v != '"' && *v != '\''))
			return false;
		const char *ve = memchr(v + 1, *v, (size_t)(end - v - 1));
		return ve && ieq(v + 1, (size_t)(ve - v - 1), "utf-8");
	}
	return true;
}

static const char *find(const char *s, size_t from, size_t to, const char *what)
{
	size_t n = strlen(what);
	return to >= from + n ? memmem(s + from, to - from, what, n) : NULL;
}

/* Handles the tokens in the buffer; leaves an incomplete one for the next chunk. */
static int scan(struct xscan *x, bool final)
{
	char *s = x->buf;
	if (!x->started) {
		size_t n = x->len - x->pos;
		if (n < 4 && !final)
			return XSCAN_OK;
		const unsigned char *u = (const unsigned char *)s + x->pos;
		if (n >= 2 && ((u[0] == 0xFE && u[1] == 0xFF) || (u[0] == 0xFF && u[1] == 0xFE)))
			return XSCAN_FALLBACK;
		for (size_t k = 0; k < n && k < 4; k++)
			if (!u[k])
				return XSCAN_FALLBACK;
		size_t at = x->pos;
		if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
			at += 3;
		if (x->len - at >= 6 && !memcmp(s + at, "<?xml", 5) && is_ws((unsigned char)s[at + 5])) {
			const char *q = find(s, at, x->len, "?>");
			if (!q) {
				if (x->len - x->pos > x->max)
					return too_big(x, x->pos);
				return final ? fail(x, ERR_PARSE, at, "документ оборван") : XSCAN_OK;
			}
			if (!decl_utf8(s, at, (size_t)(q - s)))
				return XSCAN_FALLBACK;
		} else if (x->len - at < 6 && !final) {
			return XSCAN_OK;
		}
		x->decl_at = x->base + at;
		advance(x, at);
		x->started = true;
	}
	while (x->pos < x->len && !x->stopped) {
		size_t i = x->pos;
		if (s[i] != '<') {
			const char *lt = memchr(s + i, '<', x->len - i);
			size_t j = lt ? (size_t)(lt - s) : x->len;
			if (!lt && !final) {
				if (j - i <= x->max / 2)
					return XSCAN_OK;
				j = text_cut(s, i, j);
			}
			unsigned long nline;
			unsigned long long ls;
			size_t nl;
			lines_to(x, j, &nline, &ls, &nl);
			int rc = text_run(x, i, j, D_TEXT);
			if (rc)
				return rc;
			x->pos = j, x->line = nline, x->lstart = ls, x->nl = nl;
			continue;
		}
		/* Find where the token ends (next) and what it is; then count its lines on the
		 * raw bytes, and only then handle it (which decodes in place). */
		size_t avail = x->len - i, next = 0, e = 0;
		enum { K_COMMENT, K_CDATA, K_PI, K_END, K_START } kind;
		const char *q;
		int rc;
		if (avail < 2 || (s[i + 1] == '!' && avail < 9 && !final)) {
			if (!final)
				return XSCAN_OK;
			return fail(x, ERR_PARSE, i, "документ оборван");
		}
		if (s[i + 1] == '!') {
			if (avail >= 4 && !memcmp(s + i, "<!--", 4)) {
				kind = K_COMMENT;
				q = find(s, i + 4, x->len, "--");
				if (q && (size_t)(q - s) + 2 < x->len) {
					if (q[2] != '>')
						return fail(x, ERR_PARSE, (size_t)(q - s), "«--» внутри комментария");
					next = (size_t)(q - s) + 3;
				}
			} else if (avail >= 9 && !memcmp(s + i, "<![CDATA[", 9)) {
				kind = K_CDATA;
				if (!x->depth)
					return fail(x, ERR_PARSE, i, "текст вне корневого элемента");
				q = find(s, i + 9, x->len, "]]>");
				if (q) {
					e = (size_t)(q - s);
					next = e + 3;
				}
			} else if (avail >= 9 && !memcmp(s + i, "<!DOCTYPE", 9)) {
				x->doctype = true;
				return fail(x, ERR_PARSE, i, "недопустимое объявление DOCTYPE");
			} else {
				return fail(x, ERR_PARSE, i, "неверная конструкция «<!»");
			}
		} else if (s[i + 1] == '?') {
			kind = K_PI;
			q = find(s, i + 2, x->len, "?>");
			if (q) {
				size_t t = i + 2, te = t;
				while (te < (size_t)(q - s) && name_char((unsigned char)s[te]))
					te++;
				if (te == t || !name_start((unsigned char)s[t]) ||
				    (te < (size_t)(q - s) && !is_ws((unsigned char)s[te])))
					return fail(x, ERR_PARSE, i, "неверная инструкция обработки");
				if (ieq(s + t, te - t, "xml") &&
				    (x->base + i != x->decl_at || memcmp(s + t, "xml", 3)))
					return fail(x, ERR_PARSE, i, "объявление XML не в начале документа");
				next = (size_t)(q - s) + 2;
			}
		} else if (s[i + 1] == '/') {
			kind = K_END;
			const char *gt = memchr(s + i, '>', x->len - i);
			if (gt) {
				e = (size_t)(gt - s);
				next = e + 1;
			}
		} else {
			kind = K_START;
			if ((rc = tag_end(x, i, &e)) < 0)
				return rc;
			if (rc) {
				if (x->root_seen && !x->depth)
					return fail(x, ERR_PARSE, i, "второй корневой элемент");
				next = e + 1;
			}
		}
		if (!next) { /* the token is not all here yet */
			if (avail > x->max)
				return too_big(x, i);
			if (final)
				return fail(x, ERR_PARSE, i, "документ оборван");
			return XSCAN_OK;
		}
		unsigned long nline;
		unsigned long long ls;
		size_t nl;
		lines_to(x, next, &nline, &ls, &nl);
		rc = kind == K_CDATA ? text_run(x, i + 9, e, D_CDATA)
		   : kind == K_END ? end_tag(x, i, e)
		   : kind == K_START ? start_tag(x, i, e)
		   : 0;
		if (rc)
			return rc;
		x->pos = next, x->line = nline, x->lstart = ls, x->nl = nl;
	}
	if (x->stopped)
		return XSCAN_STOPPED;
	if (final) {
		if (x->depth)
			return fail(x, ERR_PARSE, x->len, "не закрыт элемент «%.60s»",
				    x->names + x->open[x->depth - 1]);
		if (!x->root_seen)
			return fail(x, ERR_PARSE, x->len, "в документе нет ни одного элемента");
	}
	return XSCAN_OK;
}

int xscan_feed(struct xscan *x, const char *data, size_t n, bool final)
{
	if (x->err)
		return x->err;
	if (x->stopped)
		return XSCAN_STOPPED;
	if (x->pos) {
		/* Keep only the unconsumed tail. */
		memmove(x->buf, x->buf + x->pos, x->len - x->pos);
		x->len -= x->pos;
		x->nl -= x->pos;
		x->base += x->pos;
		x->pos = 0;
	}
	x->buf = xgrow(x->buf, &x->cap, x->len + n + 1, 1); /* never NULL, even for an empty part */
	if (n) {
		memcpy(x->buf + x->len, data, n);
		size_t old = x->len;
		x->len += n;
		if (x->nl == old) {
			const char *q = memchr(x->buf + old, '\n', n);
			x->nl = q ? (size_t)(q - x->buf) : x->len;
		}
	}
	return scan(x, final);
}
