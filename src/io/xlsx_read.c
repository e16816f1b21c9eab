/* xlsx_read: streaming reader of Office Open XML workbooks (libzip, expat, io/xml_scan).
 *
 * Opening a book reads the small parts at once (the package and workbook relationships, the
 * sheet list, the styles' date formats and the shared strings table) with expat; a sheet's
 * XML is then streamed in 64 KiB chunks straight out of the zip — inflated by a second
 * thread when large — through io/xml_scan, a tokenizer fast enough to keep up with the
 * inflating (expat reads a sheet in another encoding, and is the tests' reference), into
 * the same element handlers, and each finished row is
 * handed to the caller as a dense cell array. Memory is proportional to the shared strings
 * and to the widest row actually present, never to anything a file merely declares.
 *
 * Hostile input: every part's decompressed bytes are counted as they are read (declared
 * sizes may lie), rows, columns, cell text and the number of shared strings are capped, and
 * DOCTYPE declarations are refused outright, so no entity tricks reach the parser. */
#include "io/xlsx_read.h"

#include <errno.h>
#include <expat.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "base/diag.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/str.h"
#include "io/xml_scan.h"

/* Bytes handed to expat at a time, and the declared part size from which a second thread
 * inflates while expat parses. Fuzzing builds shrink both to reach every path. */
#ifndef XLSX_CHUNK
#define XLSX_CHUNK (64 * 1024)
#endif
#ifndef XLSX_THREAD_MIN
#define XLSX_THREAD_MIN (1u << 20)
#endif
#define CHUNK XLSX_CHUNK
#define THREAD_MIN XLSX_THREAD_MIN
#define NBUF 4 /* chunks the inflating thread may run ahead */
#define MAX_SHEETS 4096  /* sheets in a book */
#define MAX_RELS 16384   /* relationships in one part (lookups are linear) */
#define MAX_XFS (1u << 20)
#define MAX_NUMFMTS (1u << 16)
#define MAX_NAME 1024 /* bytes in a sheet name, relationship id or target */

#define NOT_XLSX "файл не является книгой Excel (.xlsx) или повреждён"

static const struct xlsx_limits defaults = {
	.max_part_bytes = 512ull << 20,
	.max_cols = 16384,
	.max_rows = 1048576,
	.max_cell = 128 << 10,
	.max_strings = 4000000,
	.max_row_cells = 16384,
	.max_cells = 1048576ull * 64,
	.max_row_bytes = 16u << 20,
	/* 1,048,576 rows with 64 bytes of distinct text each (a login, a code, a name): ~100
	 * times the largest real table (0.67 MB, vpr2020). */
	.max_sst_bytes = 64u << 20,
};

struct sheet {
	char *name;
	char *rid;   /* relationship id from workbook.xml */
	char *part;  /* zip entry name, NULL when the relationship is missing */
	uint64_t size;
};

struct xlsx_book {
	zip_t *za;
	struct xlsx_limits lim;
	struct sheet *sheets;
	size_t nsheets, sheets_cap;

	char *sst;       /* every shared string, each followed by a NUL */
	size_t sst_len, sst_cap;
	size_t *sst_off; /* start of string i in sst; sst_off[nsst] == sst_len */
	size_t nsst, sst_off_cap;

	bool *xf_date;   /* cell style index → its number format is a date/time */
	size_t nxf;

	uint64_t bytes_done;
	const char *cur_sheet; /* sheet being read, for messages */
	const char *cur_part;  /* other part being read, for messages */
	long cur_row;
	char err[512];
};

/* ---- messages ---------------------------------------------------------------------- */

/* Length of at most max bytes of s that does not cut a UTF-8 sequence. */
static int clip(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return (int)n;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return (int)max;
}

/* Formats the book's error message, prefixed with the sheet and row being read. */
static int __attribute__((format(printf, 3, 4)))
fail(struct xlsx_book *b, int rc, const char *fmt, ...)
{
	size_t w = 0;
	if (b->cur_sheet) {
		int k = clip(b->cur_sheet, 100);
		if (b->cur_row > 0)
			snprintf(b->err, sizeof b->err, "лист «%.*s», строка %ld: ", k, b->cur_sheet,
				 b->cur_row);
		else
			snprintf(b->err, sizeof b->err, "лист «%.*s»: ", k, b->cur_sheet);
		w = strlen(b->err);
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b->err + w, sizeof b->err - w, fmt, ap);
	va_end(ap);
	return rc;
}

/* Maps a libzip error while reading what (a part name) to an error code and message. */
static int fail_zip(struct xlsx_book *b, zip_error_t *ze, const char *what)
{
	int k = clip(what, 100);
	switch (zip_error_code_zip(ze)) {
	case ZIP_ER_MEMORY:
		return fail(b, ERR_NOMEM, "недостаточно памяти для распаковки «%.*s»", k, what);
	case ZIP_ER_NOPASSWD:
	case ZIP_ER_WRONGPASSWD:
	case ZIP_ER_ENCRNOTSUPP:
		return fail(b, ERR_FORMAT, "книга зашифрована (часть «%.*s»): сохраните её в Excel "
			    "без пароля", k, what);
	case ZIP_ER_COMPNOTSUPP:
		return fail(b, ERR_FORMAT, NOT_XLSX ": часть «%.*s» сжата неизвестным методом",
			    k, what);
	default:
		return fail(b, ERR_FORMAT, NOT_XLSX ": не удалось распаковать «%.*s» (%s)", k, what,
			    zip_error_strerror(ze));
	}
}

/* ---- small parsers ----------------------------------------------------------------- */

/* Element or attribute name without a namespace prefix ("x:c" → "c"). */
static inline const char *lname(const char *n)
{
	for (const char *p = n; *p; p++)
		if (*p == ':')
			return p + 1;
	return n;
}

/* Parses decimal digits (surrounding ASCII spaces allowed). Values above cap are reported
 * as cap + 1. Returns false when s is not a number. */
static bool parse_uint(const char *s, size_t n, uint64_t cap, uint64_t *out)
{
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
			 s[n - 1] == '\r'))
		n--;
	if (n == 0)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v <= cap)
			v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v > cap ? cap + 1 : v;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Matches "_xHHHH_" at s (n bytes available). */
static bool xesc(const char *s, size_t n, uint32_t *cp)
{
	if (n < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_')
		return false;
	uint32_t v = 0;
	for (int i = 2; i < 6; i++) {
		int h = hexval(s[i]);
		if (h < 0)
			return false;
		v = v << 4 | (uint32_t)h;
	}
	*cp = v;
	return true;
}

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Decodes the OOXML escapes _xHHHH_ in s[0..n) in place (Excel writes characters XML cannot
 * carry this way, e.g. "деятель_x0002_ности" from a soft hyphen pasted in) and drops the
 * control characters they produce, except tab and newline. Returns the new length. */
static size_t unescape_x(char *s, size_t n)
{
	char *u = memchr(s, '_', n);
	if (!u)
		return n;
	size_t i = (size_t)(u - s), o = i;
	while (i < n) {
		uint32_t cp, lo;
		if (s[i] != '_' || !xesc(s + i, n - i, &cp)) {
			s[o++] = s[i++];
			continue;
		}
		i += 7;
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			if (!xesc(s + i, n - i, &lo) || lo < 0xDC00 || lo > 0xDFFF)
				continue; /* lone surrogate */
			i += 7;
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
			continue;
		}
		if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0xFFFE || cp == 0xFFFF)
			continue;
		/* At least 7 bytes were consumed and at most 4 are written: o stays behind i. */
		o += put_utf8(s + o, cp);
	}
	return o;
}

/* True when a custom number format code shows a date or time: d, m, y, h or s outside
 * quoted text, escapes and [bracketed] parts, or an elapsed-time bracket like [h]. */
static bool fmt_is_date(const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '"':
			s = strchr(s + 1, '"');
			if (!s)
				return false;
			break;
		case '\\':
		case '_':
		case '*':
			if (!s[1])
				return false;
			s++;
			break;
		case '[': {
			const char *e = strchr(s, ']');
			if (!e)
				return false;
			bool elapsed = e > s + 1;
			for (const char *p = s + 1; p < e; p++)
				if (!strchr("hHmMsS", *p))
					elapsed = false;
			if (elapsed)
				return true;
			s = e;
			break;
		}
		case 'd': case 'D': case 'm': case 'M': case 'y': case 'Y':
		case 'h': case 'H': case 's': case 'S':
			return true;
		}
	}
	return false;
}

static bool builtin_date(uint32_t id)
{
	return (id >= 14 && id <= 22) || (id >= 45 && id <= 47);
}

/* Joins a relationship target to the directory of its source part (dir ends with '/' or is
 * empty) and resolves "." and ".." segments. Returns an xmalloc'd zip entry name. */
static char *resolve(const char *dir, const char *target)
{
	size_t dl = target[0] == '/' ? 0 : strlen(dir), tl = strlen(target);
	char *p = xmalloc(dl + tl + 1);
	memcpy(p, dir, dl);
	memcpy(p + dl, target, tl + 1);
	for (char *q = p; *q; q++)
		if (*q == '\\')
			*q = '/';
	/* Rewrite segment by segment; o is where the next kept segment goes. */
	size_t o = 0, i = 0, n = dl + tl;
	while (i < n) {
		size_t j = i;
		while (j < n && p[j] != '/')
			j++;
		size_t sl = j - i;
		if (sl == 0 || (sl == 1 && p[i] == '.')) {
			/* skip */
		} else if (sl == 2 && p[i] == '.' && p[i + 1] == '.') {
			while (o > 0 && p[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			while (o > 0 && p[o - 1] != '/')
				o--;
		} else {
			memmove(p + o, p + i, sl);
			o += sl;
			if (j < n)
				p[o++] = '/';
		}
		i = j + 1;
	}
	p[o] = '\0';
	return p;
}

/* ---- parts ------------------------------------------------------------------------- */

/* The XML parser's own memory is capped. expat keeps a whole start tag in its buffer and a
 * record per open element, so a 500 MB attribute value (0.5 MB zipped) or millions of
 * nested elements would cost as much memory; worse, expat 2.5 rescans an unfinished tag on
 * every chunk, and such a tag kept one core busy for over 12 minutes. Real parts need a few
 * hundred KiB. */
#ifndef XLSX_XML_MEM
#define XLSX_XML_MEM (8u << 20)
#endif
_Static_assert(XLSX_XML_MEM >= (1u << 20), "messages give the XML parser's memory in MiB");

struct xml_budget {
	size_t used;
	bool over; /* an allocation was refused */
};

/* expat's allocator gets no context: the budget of the parser being created or fed is set
 * here around those calls (saved and restored, so a row callback may read another book);
 * each block records its budget, so realloc and free need nothing else. */
static _Thread_local struct xml_budget *cur_budget;

union xml_block {
	struct {
		struct xml_budget *bud;
		size_t n;
	} h;
	max_align_t align;
};

static void *XMLCALL xml_malloc(size_t n)
{
	struct xml_budget *bud = cur_budget;
	if (!bud || n > XLSX_XML_MEM - bud->used) {
		if (bud)
			bud->over = true;
		return NULL;
	}
	union xml_block *p = malloc(sizeof *p + n);
	if (!p)
		return NULL;
	p->h.bud = bud;
	p->h.n = n;
	bud->used += n;
	return p + 1;
}

static void *XMLCALL xml_realloc(void *q, size_t n)
{
	if (!q)
		return xml_malloc(n);
	union xml_block *p = (union xml_block *)q - 1;
	struct xml_budget *bud = p->h.bud;
	if (n > p->h.n && n - p->h.n > XLSX_XML_MEM - bud->used) {
		bud->over = true;
		return NULL;
	}
	size_t old = p->h.n;
	p = realloc(p, sizeof *p + n);
	if (!p)
		return NULL;
	bud->used = bud->used - old + n;
	p->h.n = n;
	return p + 1;
}

static void XMLCALL xml_free(void *q)
{
	if (!q)
		return;
	union xml_block *p = (union xml_block *)q - 1;
	p->h.bud->used -= p->h.n;
	free(p);
}

static const XML_Memory_Handling_Suite xml_mem = { xml_malloc, xml_realloc, xml_free };

/* State shared by every part parser; each parser's context starts with it. */
struct pctx {
	struct xlsx_book *b;
	XML_Parser p;
	struct xscan *x; /* a sheet read by io/xml_scan (p is then the fallback) */
	int rc; /* error (negative) or the row callback's value; stops the parser */
	struct xml_budget bud;
};

static void stop(struct pctx *c, int rc)
{
	if (!c->rc)
		c->rc = rc;
	if (c->x)
		xscan_stop(c->x);
	else
		XML_StopParser(c->p, XML_FALSE);
}

static void XMLCALL no_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int has_internal_subset)
{
	struct pctx *c = ud;
	if (c->b->cur_sheet)
		stop(c, fail(c->b, ERR_PARSE, "недопустимое объявление DOCTYPE в XML листа"));
	else
		stop(c, fail(c->b, ERR_PARSE, NOT_XLSX ": недопустимое объявление DOCTYPE в «%s»",
			     c->b->cur_part));
}

static zip_int64_t part_locate(struct xlsx_book *b, const char *name)
{
	zip_int64_t i = zip_name_locate(b->za, name, 0);
	if (i < 0)
		i = zip_name_locate(b->za, name, ZIP_FL_NOCASE);
	return i;
}

/* Creates a parser whose handlers get c; the caller sets the element handlers. */
static int parser_new(struct pctx *c, struct xlsx_book *b)
{
	c->b = b;
	c->rc = 0;
	c->bud = (struct xml_budget){ 0 };
	struct xml_budget *prev = cur_budget;
	cur_budget = &c->bud;
	c->p = XML_ParserCreate_MM(NULL, &xml_mem, NULL);
	cur_budget = prev;
	if (!c->p)
		return fail(b, ERR_NOMEM, "недостаточно памяти для разбора XML");
	XML_SetUserData(c->p, c);
	XML_SetStartDoctypeDeclHandler(c->p, no_doctype);
	return 0;
}

/* Source of a part's decompressed bytes. Large parts are inflated by a second thread that
 * runs up to NBUF chunks ahead of the parser, so decompression and parsing overlap; small
 * parts are read inline. Only the inflating thread touches the zip while it runs. */
struct feed {
	zip_file_t *zf;
	char *buf[NBUF];
	zip_int64_t len[NBUF];
	bool threaded;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned produced, consumed; /* chunks filled / handed back, protected by mu */
	bool cancel;
};

static void *feed_main(void *arg)
{
	struct feed *f = arg;
	for (;;) {
		pthread_mutex_lock(&f->mu);
		while (f->produced - f->consumed == NBUF && !f->cancel)
			pthread_cond_wait(&f->cv, &f->mu);
		bool cancel = f->cancel;
		unsigned slot = f->produced % NBUF;
		pthread_mutex_unlock(&f->mu);
		if (cancel)
			break;
		zip_int64_t n = zip_fread(f->zf, f->buf[slot], CHUNK);
		pthread_mutex_lock(&f->mu);
		f->len[slot] = n;
		f->produced++;
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
		if (n <= 0)
			break;
	}
	return NULL;
}

static void feed_start(struct feed *f, zip_file_t *zf, bool threaded)
{
	memset(f, 0, sizeof *f);
	f->zf = zf;
	for (int i = 0; i < (threaded ? NBUF : 1); i++)
		f->buf[i] = xmalloc(CHUNK);
	if (!threaded)
		return;
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	f->threaded = pthread_create(&f->th, NULL, feed_main, f) == 0;
	if (!f->threaded) {
		pthread_mutex_destroy(&f->mu);
		pthread_cond_destroy(&f->cv);
	}
}

/* Next chunk of the part: its length (0 at the end, negative on a zip error) and *data. */
static zip_int64_t feed_next(struct feed *f, const char **data)
{
	if (!f->threaded) {
		*data = f->buf[0];
		return zip_fread(f->zf, f->buf[0], CHUNK);
	}
	pthread_mutex_lock(&f->mu);
	while (f->produced == f->consumed)
		pthread_cond_wait(&f->cv, &f->mu);
	unsigned slot = f->consumed % NBUF;
	zip_int64_t n = f->len[slot];
	pthread_mutex_unlock(&f->mu);
	*data = f->buf[slot];
	return n;
}

/* Hands the chunk from feed_next() back for refilling. */
static void feed_done(struct feed *f)
{
	if (!f->threaded)
		return;
	pthread_mutex_lock(&f->mu);
	f->consumed++;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

/* Stops the inflating thread (it may be ahead of a parser that gave up) and frees. */
static void feed_stop(struct feed *f)
{
	if (f->threaded) {
		pthread_mutex_lock(&f->mu);
		f->cancel = true;
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
		pthread_join(f->th, NULL);
		pthread_mutex_destroy(&f->mu);
		pthread_cond_destroy(&f->cv);
		f->threaded = false;
	}
	for (int i = 0; i < NBUF; i++)
		free(f->buf[i]);
	memset(f->buf, 0, sizeof f->buf);
}

/* What a chunk parsed by expat left: the handler's stop (c->rc), expat's memory budget or
 * its error as a Russian message, or 0. */
static int expat_status(struct xlsx_book *b, struct pctx *c, enum XML_Status xs, const char *name)
{
	if (c->rc)
		return c->rc;
	if (xs != XML_STATUS_OK && c->bud.over) {
		unsigned long line = XML_GetCurrentLineNumber(c->p);
		if (b->cur_sheet)
			return fail(b, ERR_LIMIT, "XML листа не разобрать в пределах %u МиБ памяти: "
				    "слишком длинный тег или слишком глубокая вложенность (строка "
				    "%lu XML) — файл повреждён или намеренно раздут",
				    (unsigned)(XLSX_XML_MEM >> 20), line);
		return fail(b, ERR_LIMIT, NOT_XLSX ": XML в «%.*s» не разобрать в пределах "
			    "%u МиБ памяти: слишком длинный тег или слишком глубокая "
			    "вложенность (строка %lu)", clip(name, 100), name,
			    (unsigned)(XLSX_XML_MEM >> 20), line);
	}
	if (xs != XML_STATUS_OK) {
		enum XML_Error e = XML_GetErrorCode(c->p);
		unsigned long line = XML_GetCurrentLineNumber(c->p);
		unsigned long col = XML_GetCurrentColumnNumber(c->p);
		if (b->cur_sheet)
			return fail(b, ERR_PARSE, "повреждённый XML листа: %s (строка %lu, "
				    "позиция %lu XML)", XML_ErrorString(e), line, col);
		return fail(b, ERR_PARSE, NOT_XLSX ": повреждённый XML в «%.*s»: %s "
			    "(строка %lu, позиция %lu)", clip(name, 100), name,
			    XML_ErrorString(e), line, col);
	}
	return 0;
}

/* xml_scan's error as the same messages expat's get. */
static int scan_failed(struct xlsx_book *b, struct xscan *x, int xr, const char *name)
{
	if (xscan_doctype(x))
		return fail(b, ERR_PARSE, "недопустимое объявление DOCTYPE в XML листа");
	if (xr == ERR_LIMIT)
		return fail(b, ERR_LIMIT, "XML листа не разобрать в пределах %u МиБ памяти: "
			    "слишком длинный тег или слишком глубокая вложенность (строка %lu XML) — "
			    "файл повреждён или намеренно раздут", (unsigned)(XLSX_XML_MEM >> 20),
			    xscan_line(x));
	(void)name;
	return fail(b, ERR_PARSE, "повреждённый XML листа: %s (строка %lu, позиция %lu XML)",
		    xscan_error(x), xscan_line(x), xscan_column(x));
}

/* Streams zip entry idx through the parser (or c->x), counting decompressed bytes against the limit
 * (the sizes a zip declares may lie). */
static int parse_part(struct xlsx_book *b, zip_int64_t idx, const char *name, struct pctx *c)
{
	int rc = 0;
	uint64_t total = 0;
	struct feed f;
	bool fed = false;
	zip_stat_t st;
	zip_file_t *zf = zip_fopen_index(b->za, (zip_uint64_t)idx, 0);
	if (!zf) {
		rc = fail_zip(b, zip_get_error(b->za), name);
		goto out;
	}
	bool big = zip_stat_index(b->za, (zip_uint64_t)idx, 0, &st) == 0 &&
		   (st.valid & ZIP_STAT_SIZE) && st.size + 1 > THREAD_MIN;
	feed_start(&f, zf, big);
	fed = true;
	for (;;) {
		const char *data;
		zip_int64_t n = feed_next(&f, &data);
		if (n < 0) {
			feed_stop(&f);
			fed = false;
			rc = fail_zip(b, zip_file_get_error(zf), name);
			goto out;
		}
		total += (uint64_t)n;
		b->bytes_done = total;
		if (total > b->lim.max_part_bytes) {
			int k = clip(name, 100);
			rc = fail(b, ERR_LIMIT, "часть книги «%.*s» после распаковки больше %llu байт "
				  "(повреждённый файл или «zip-бомба»)", k, name,
				  (unsigned long long)b->lim.max_part_bytes);
			goto out;
		}
		if (c->x) {
			int xr = xscan_feed(c->x, data, (size_t)n, n == 0);
			if (xr == XSCAN_FALLBACK) {
				/* Not a sheet xml_scan reads (another encoding): expat reads it
				 * from its first byte; nothing has been handled yet. */
				const char *pend;
				size_t plen;
				xscan_pending(c->x, &pend, &plen);
				struct xml_budget *prev = cur_budget;
				cur_budget = &c->bud;
				enum XML_Status xs = XML_Parse(c->p, pend, (int)plen, n == 0);
				cur_budget = prev;
				xscan_free(c->x);
				c->x = NULL;
				feed_done(&f);
				if ((rc = expat_status(b, c, xs, name)))
					goto out;
			} else {
				feed_done(&f);
				if (c->rc) {
					rc = c->rc;
					goto out;
				}
				if (xr < 0) {
					rc = scan_failed(b, c->x, xr, name);
					goto out;
				}
			}
			if (n == 0)
				break;
			continue;
		}
		struct xml_budget *prev = cur_budget;
		cur_budget = &c->bud;
		enum XML_Status xs = XML_Parse(c->p, data, (int)n, n == 0);
		cur_budget = prev;
		feed_done(&f);
		if ((rc = expat_status(b, c, xs, name)))
			goto out;
		if (n == 0)
			break;
	}
out:
	if (fed)
		feed_stop(&f);
	if (zf)
		zip_fclose(zf);
	return rc;
}

/* Parses a named part that must exist, with the handlers set on c->p. */
static int parse_named(struct xlsx_book *b, const char *name, struct pctx *c)
{
	zip_int64_t idx = part_locate(b, name);
	if (idx < 0)
		return fail(b, ERR_FORMAT, NOT_XLSX ": нет части «%.*s»", clip(name, 100), name);
	b->cur_part = name;
	int rc = parse_part(b, idx, name, c);
	b->cur_part = NULL;
	return rc;
}

static const char *attr(const XML_Char **atts, const char *name)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (!strcmp(atts[i], name))
			return atts[i + 1];
	return NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !memcmp(s + n - k, suffix, k);
}

/* ---- relationships ----------------------------------------------------------------- */

struct rel {
	char *id, *target, *type;
};

struct rels_ctx {
	struct pctx pc;
	struct rel *v;
	size_t n, cap;
};

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct rels_ctx *c = ud;
	if (c->pc.rc || strcmp(lname(name), "Relationship"))
		return;
	const char *id = attr(atts, "Id"), *target = attr(atts, "Target");
	const char *type = attr(atts, "Type"), *mode = attr(atts, "TargetMode");
	if (!id || !target || (mode && !strcmp(mode, "External")))
		return;
	if (strlen(id) > MAX_NAME || strlen(target) > MAX_NAME || (type && strlen(type) > MAX_NAME))
		return;
	if (c->n >= MAX_RELS) {
		stop(&c->pc, fail(c->pc.b, ERR_LIMIT, NOT_XLSX ": слишком много связей в «%s»",
				  c->pc.b->cur_part));
		return;
	}
	c->v = xgrow(c->v, &c->cap, c->n + 1, sizeof *c->v);
	c->v[c->n].id = xstrdup(id);
	c->v[c->n].target = xstrdup(target);
	c->v[c->n].type = xstrdup(type ? type : "");
	c->n++;
}

static void rels_free(struct rels_ctx *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].id);
		free(c->v[i].target);
		free(c->v[i].type);
	}
	free(c->v);
	c->v = NULL;
	c->n = c->cap = 0;
}

/* Reads a relationships part into c; a missing part leaves c empty unless required. */
static int rels_load(struct xlsx_book *b, const char *name, bool required, struct rels_ctx *c)
{
	int rc = 0;
	memset(c, 0, sizeof *c);
	if (!required && part_locate(b, name) < 0)
		goto out;
	if ((rc = parser_new(&c->pc, b)))
		goto out;
	XML_SetStartElementHandler(c->pc.p, rels_start);
	rc = parse_named(b, name, &c->pc);
out:
	if (c->pc.p)
		XML_ParserFree(c->pc.p);
	c->pc.p = NULL;
	return rc;
}

static const struct rel *rel_by_type(const struct rels_ctx *c, const char *suffix)
{
	for (size_t i = 0; i < c->n; i++)
		if (ends_with(c->v[i].type, suffix))
			return &c->v[i];
	return NULL;
}

static const struct rel *rel_by_id(const struct rels_ctx *c, const char *id)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].id, id))
			return &c->v[i];
	return NULL;
}

/* ---- workbook ---------------------------------------------------------------------- */

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct pctx *c = ud;
	struct xlsx_book *b = c->b;
	if (c->rc || strcmp(lname(name), "sheet"))
		return;
	const char *sname = attr(atts, "name"), *rid = NULL;
	/* The relationship id is r:id with whatever prefix the namespace got. */
	for (size_t i = 0; atts[i]; i += 2)
		if (strchr(atts[i], ':') && !strcmp(lname(atts[i]), "id"))
			rid = atts[i + 1];
	if (!sname || !rid) {
		stop(c, fail(b, ERR_FORMAT, NOT_XLSX ": у листа нет имени или ссылки на данные"));
		return;
	}
	if (strlen(sname) > MAX_NAME || strlen(rid) > MAX_NAME) {
		stop(c, fail(b, ERR_LIMIT, NOT_XLSX ": слишком длинное имя листа"));
		return;
	}
	if (b->nsheets >= MAX_SHEETS) {
		stop(c, fail(b, ERR_LIMIT, "в книге больше %d листов", MAX_SHEETS));
		return;
	}
	b->sheets = xgrow(b->sheets, &b->sheets_cap, b->nsheets + 1, sizeof *b->sheets);
	struct sheet *s = &b->sheets[b->nsheets++];
	s->name = xstrdup(sname);
	s->rid = xstrdup(rid);
	s->part = NULL;
	s->size = 0;
}

/* ---- styles ------------------------------------------------------------------------ */

struct numfmt {
	uint32_t id;
	bool date;
};

struct styles_ctx {
	struct pctx pc;
	int in_xfs;
	uint32_t *xf; /* numFmtId of each cell style */
	size_t nxf, xf_cap;
	struct numfmt *fmt;
	size_t nfmt, fmt_cap;
};

static uint32_t attr_u32(const XML_Char **atts, const char *name)
{
	const char *v = attr(atts, name);
	uint64_t x;
	if (!v || !parse_uint(v, strlen(v), UINT32_MAX - 1, &x))
		return 0;
	return (uint32_t)x;
}

static void XMLCALL st_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct styles_ctx *c = ud;
	const char *n = lname(name);
	if (!strcmp(n, "cellXfs")) {
		c->in_xfs++;
	} else if (!strcmp(n, "xf")) {
		if (c->in_xfs && c->nxf < MAX_XFS) {
			c->xf = xgrow(c->xf, &c->xf_cap, c->nxf + 1, sizeof *c->xf);
			c->xf[c->nxf++] = attr_u32(atts, "numFmtId");
		}
	} else if (!strcmp(n, "numFmt")) {
		const char *code = attr(atts, "formatCode");
		if (code && attr(atts, "numFmtId") && c->nfmt < MAX_NUMFMTS) {
			c->fmt = xgrow(c->fmt, &c->fmt_cap, c->nfmt + 1, sizeof *c->fmt);
			c->fmt[c->nfmt].id = attr_u32(atts, "numFmtId");
			c->fmt[c->nfmt].date = fmt_is_date(code);
			c->nfmt++;
		}
	}
}

static void XMLCALL st_end(void *ud, const XML_Char *name)
{
	struct styles_ctx *c = ud;
	if (c->in_xfs && !strcmp(lname(name), "cellXfs"))
		c->in_xfs--;
}

static int fmt_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct numfmt *)a)->id, y = ((const struct numfmt *)b)->id;
	return x < y ? -1 : x > y;
}

static int styles_load(struct xlsx_book *b, const char *name)
{
	int rc = 0;
	struct styles_ctx c;
	memset(&c, 0, sizeof c);
	if ((rc = parser_new(&c.pc, b)))
		goto out;
	XML_SetElementHandler(c.pc.p, st_start, st_end);
	if ((rc = parse_named(b, name, &c.pc)))
		goto out;
	if (c.nfmt)
		qsort(c.fmt, c.nfmt, sizeof *c.fmt, fmt_cmp);
	b->xf_date = xcalloc(c.nxf ? c.nxf : 1, sizeof *b->xf_date);
	b->nxf = c.nxf;
	for (size_t i = 0; i < c.nxf; i++) {
		struct numfmt key = { .id = c.xf[i] };
		const struct numfmt *f = c.nfmt ? bsearch(&key, c.fmt, c.nfmt, sizeof *c.fmt,
							  fmt_cmp) : NULL;
		b->xf_date[i] = f ? f->date : builtin_date(c.xf[i]);
	}
out:
	if (c.pc.p)
		XML_ParserFree(c.pc.p);
	free(c.xf);
	free(c.fmt);
	return rc;
}

/* ---- shared strings ---------------------------------------------------------------- */

struct sst_ctx {
	struct pctx pc;
	int in_si, rph;
	bool collect;
	size_t start; /* where the current string starts in b->sst */
};

static int sst_too_big(struct xlsx_book *b)
{
	return fail(b, ERR_LIMIT, "общие строки книги (часть «%.*s») занимают больше %zu байт — "
		    "повреждённый файл или «zip-бомба»", clip(b->cur_part, 100), b->cur_part,
		    b->lim.max_sst_bytes);
}

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct sst_ctx *c = ud;
	struct xlsx_book *b = c->pc.b;
	if (c->pc.rc)
		return;
	const char *n = lname(name);
	if (n[0] == 't' && !n[1]) {
		if (c->in_si && !c->rph)
			c->collect = true;
	} else if (!strcmp(n, "si")) {
		if (c->in_si++)
			return;
		if (b->nsst >= b->lim.max_strings) {
			stop(&c->pc, fail(b, ERR_LIMIT, "в книге больше %zu общих строк",
					  b->lim.max_strings));
			return;
		}
		c->start = b->sst_len;
	} else if (!strcmp(n, "rPh")) {
		c->rph++;
	}
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
	struct sst_ctx *c = ud;
	struct xlsx_book *b = c->pc.b;
	if (c->pc.rc)
		return;
	const char *n = lname(name);
	if (n[0] == 't' && !n[1]) {
		c->collect = false;
	} else if (!strcmp(n, "si")) {
		if (!c->in_si || --c->in_si)
			return;
		c->collect = false;
		/* Nothing collected yet (an empty first string) leaves b->sst NULL. */
		if (b->sst_len > c->start)
			b->sst_len = c->start + unescape_x(b->sst + c->start, b->sst_len - c->start);
		if (b->sst_len + 1 > b->lim.max_sst_bytes) {
			stop(&c->pc, sst_too_big(b));
			return;
		}
		b->sst = xgrow(b->sst, &b->sst_cap, b->sst_len + 1, 1);
		b->sst[b->sst_len++] = '\0';
		b->sst_off = xgrow(b->sst_off, &b->sst_off_cap, b->nsst + 2, sizeof *b->sst_off);
		b->sst_off[b->nsst++] = c->start;
	} else if (!strcmp(n, "rPh")) {
		if (c->rph)
			c->rph--;
	}
}

static void XMLCALL sst_text(void *ud, const XML_Char *s, int len)
{
	struct sst_ctx *c = ud;
	struct xlsx_book *b = c->pc.b;
	if (!c->collect || c->pc.rc)
		return;
	size_t n = (size_t)len;
	if (b->sst_len - c->start + n > b->lim.max_cell) {
		stop(&c->pc, fail(b, ERR_LIMIT, "общая строка №%zu длиннее %zu байт", b->nsst + 1,
				  b->lim.max_cell));
		return;
	}
	/* The NUL that ends the string is counted now, so the buffer never passes the cap. */
	if (b->sst_len + n + 1 > b->lim.max_sst_bytes) {
		stop(&c->pc, sst_too_big(b));
		return;
	}
	b->sst = xgrow(b->sst, &b->sst_cap, b->sst_len + n + 1, 1);
	memcpy(b->sst + b->sst_len, s, n);
	b->sst_len += n;
}

static int sst_load(struct xlsx_book *b, const char *name)
{
	int rc = 0;
	struct sst_ctx c;
	memset(&c, 0, sizeof c);
	if ((rc = parser_new(&c.pc, b)))
		goto out;
	XML_SetElementHandler(c.pc.p, sst_start, sst_end);
	XML_SetCharacterDataHandler(c.pc.p, sst_text);
	rc = parse_named(b, name, &c.pc);
out:
	if (c.pc.p)
		XML_ParserFree(c.pc.p);
	return rc;
}

/* ---- opening ----------------------------------------------------------------------- */

/* Directory part of a zip entry name, with its trailing '/', into out. */
static void dir_of(const char *part, char *out, size_t outlen)
{
	const char *slash = strrchr(part, '/');
	size_t n = slash ? (size_t)(slash - part + 1) : 0;
	if (n >= outlen)
		n = 0;
	memcpy(out, part, n);
	out[n] = '\0';
}

static int book_load(struct xlsx_book *b)
{
	int rc = 0;
	struct rels_ctx pkg, wbr;
	struct pctx wb = { 0 };
	char *wbpart = NULL, *wbrels = NULL, *sstpart = NULL, *stpart = NULL;
	char dir[MAX_NAME + 2];
	memset(&pkg, 0, sizeof pkg);
	memset(&wbr, 0, sizeof wbr);

	/* The workbook part: named by the package relationships, usually xl/workbook.xml. */
	if ((rc = rels_load(b, "_rels/.rels", false, &pkg)))
		goto out;
	const struct rel *r = rel_by_type(&pkg, "/officeDocument");
	wbpart = resolve("", r ? r->target : "xl/workbook.xml");
	if (part_locate(b, wbpart) < 0 && r) {
		free(wbpart);
		wbpart = xstrdup("xl/workbook.xml");
	}
	if (ends_with(wbpart, ".bin")) {
		rc = fail(b, ERR_FORMAT, "книга сохранена в двоичном формате (.xlsb): сохраните её "
			  "в Excel как «Книга Excel (.xlsx)»");
		goto out;
	}
	if (zip_get_num_entries(b->za, 0) <= 0 || part_locate(b, wbpart) < 0) {
		rc = fail(b, ERR_FORMAT, NOT_XLSX ": в архиве нет книги (части «%.*s»)",
			  clip(wbpart, 100), wbpart);
		goto out;
	}
	if ((rc = parser_new(&wb, b)))
		goto out;
	XML_SetStartElementHandler(wb.p, wb_start);
	if ((rc = parse_named(b, wbpart, &wb)))
		goto out;
	if (b->nsheets == 0) {
		rc = fail(b, ERR_FORMAT, NOT_XLSX ": в книге нет листов");
		goto out;
	}

	/* Sheets, shared strings and styles through the workbook's relationships. */
	dir_of(wbpart, dir, sizeof dir);
	const char *base = strrchr(wbpart, '/') ? strrchr(wbpart, '/') + 1 : wbpart;
	size_t rl = strlen(dir) + strlen(base) + 16;
	wbrels = xmalloc(rl);
	snprintf(wbrels, rl, "%s_rels/%s.rels", dir, base);
	if ((rc = rels_load(b, wbrels, true, &wbr)))
		goto out;
	for (size_t i = 0; i < b->nsheets; i++) {
		struct sheet *s = &b->sheets[i];
		const struct rel *sr = rel_by_id(&wbr, s->rid);
		if (!sr)
			continue;
		s->part = resolve(dir, sr->target);
		/* Exact (hashed) lookup only: the size is for progress bars. */
		zip_int64_t idx = zip_name_locate(b->za, s->part, 0);
		zip_stat_t st;
		if (idx >= 0 && zip_stat_index(b->za, (zip_uint64_t)idx, 0, &st) == 0 &&
		    (st.valid & ZIP_STAT_SIZE))
			s->size = st.size;
	}
	r = rel_by_type(&wbr, "/sharedStrings");
	sstpart = r ? resolve(dir, r->target) : resolve(dir, "sharedStrings.xml");
	r = rel_by_type(&wbr, "/styles");
	stpart = r ? resolve(dir, r->target) : resolve(dir, "styles.xml");
	if (part_locate(b, stpart) >= 0 && (rc = styles_load(b, stpart)))
		goto out;
	if (part_locate(b, sstpart) >= 0 && (rc = sst_load(b, sstpart)))
		goto out;
	if (b->sst_off)
		b->sst_off[b->nsst] = b->sst_len;
out:
	if (wb.p)
		XML_ParserFree(wb.p);
	rels_free(&pkg);
	rels_free(&wbr);
	free(wbpart);
	free(wbrels);
	free(sstpart);
	free(stpart);
	return rc;
}

static void limits_merge(struct xlsx_limits *l, const struct xlsx_limits *in)
{
	*l = defaults;
	if (!in)
		return;
	/* A zero field of the caller's limits keeps the default. */
#define TAKE(f) l->f = in->f ? in->f : l->f
	TAKE(max_part_bytes);
	TAKE(max_cols);
	TAKE(max_rows);
	TAKE(max_cell);
	TAKE(max_strings);
	TAKE(max_row_cells);
	TAKE(max_cells);
	TAKE(max_row_bytes);
	TAKE(max_sst_bytes);
	TAKE(expat_sheets);
#undef TAKE
}

/* Refuses what is recognisably not an xlsx before libzip sees it. */
static int sniff(const unsigned char *p, size_t n, char *msg, size_t msglen)
{
	static const unsigned char ole[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };
	if (n == 0) {
		snprintf(msg, msglen, NOT_XLSX ": файл пуст");
		return ERR_FORMAT;
	}
	if (n >= 8 && !memcmp(p, ole, 8)) {
		snprintf(msg, msglen, "файл в старом формате Excel 97–2003 (.xls) или защищён "
			 "паролем: сохраните его в Excel как «Книга Excel (.xlsx)» без пароля");
		return ERR_FORMAT;
	}
	return 0;
}

/* Finishes opening over an opened archive (taken over, closed on failure). */
static int open_book(struct xlsx_book **out, zip_t *za, const struct xlsx_limits *lim,
		     char *msg, size_t msglen)
{
	struct xlsx_book *b = xcalloc(1, sizeof *b);
	b->za = za;
	limits_merge(&b->lim, lim);
	int rc = book_load(b);
	if (rc) {
		snprintf(msg, msglen, "%s", b->err);
		xlsx_close(b);
		b = NULL;
	}
	*out = b;
	return rc;
}

/* Message for a failed zip_open / zip_open_from_source. */
static int open_failed(zip_error_t *ze, const char *path, char *msg, size_t msglen)
{
	int code = zip_error_code_zip(ze);
	int k = path ? clip(path, 200) : 0;
	switch (code) {
	case ZIP_ER_NOENT:
		snprintf(msg, msglen, "файл «%.*s» не найден", k, path);
		return ERR_IO;
	case ZIP_ER_OPEN:
	case ZIP_ER_READ:
	case ZIP_ER_SEEK:
		if (path) {
			snprintf(msg, msglen, "не удалось прочитать файл «%.*s»: %s", k, path,
				 zip_error_strerror(ze));
			return ERR_IO;
		}
		break;
	case ZIP_ER_MEMORY:
		snprintf(msg, msglen, "недостаточно памяти для открытия книги");
		return ERR_NOMEM;
	}
	snprintf(msg, msglen, NOT_XLSX " (%s)", zip_error_strerror(ze));
	return ERR_FORMAT;
}

int xlsx_open(struct xlsx_book **out, const char *path, const struct xlsx_limits *lim,
	      char *msg, size_t msglen)
{
	char dummy[8];
	int rc = 0, zerr = 0;
	zip_t *za = NULL;
	unsigned char head[8];
	size_t n = 0;
	zip_error_t ze;
	zip_error_init(&ze);
	*out = NULL;
	if (!msg) {
		msg = dummy;
		msglen = sizeof dummy;
	}
	FILE *f = fopen(path, "rb");
	if (!f) {
		int k = clip(path, 200);
		if (errno == ENOENT)
			snprintf(msg, msglen, "файл «%.*s» не найден", k, path);
		else if (errno == EACCES)
			snprintf(msg, msglen, "нет доступа к файлу «%.*s»", k, path);
		else
			snprintf(msg, msglen, "не удалось открыть файл «%.*s»: %s", k, path,
				 strerror(errno));
		rc = ERR_IO;
		goto out;
	}
	n = fread(head, 1, sizeof head, f);
	fclose(f);
	if ((rc = sniff(head, n, msg, msglen)))
		goto out;
	za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
	if (!za) {
		zip_error_init_with_code(&ze, zerr);
		rc = open_failed(&ze, path, msg, msglen);
		goto out;
	}
	rc = open_book(out, za, lim, msg, msglen);
out:
	zip_error_fini(&ze);
	return rc;
}

int xlsx_open_mem(struct xlsx_book **out, const void *data, size_t len,
		  const struct xlsx_limits *lim, char *msg, size_t msglen)
{
	char dummy[8];
	int rc = 0;
	zip_source_t *src = NULL;
	zip_t *za = NULL;
	zip_error_t ze;
	zip_error_init(&ze);
	*out = NULL;
	if (!msg) {
		msg = dummy;
		msglen = sizeof dummy;
	}
	if ((rc = sniff(data, len, msg, msglen)))
		goto out;
	src = zip_source_buffer_create(data, len, 0, &ze);
	if (!src) {
		rc = open_failed(&ze, NULL, msg, msglen);
		goto out;
	}
	za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (!za) {
		zip_source_free(src);
		rc = open_failed(&ze, NULL, msg, msglen);
		goto out;
	}
	rc = open_book(out, za, lim, msg, msglen);
out:
	zip_error_fini(&ze);
	return rc;
}

void xlsx_close(struct xlsx_book *b)
{
	if (!b)
		return;
	if (b->za)
		zip_discard(b->za);
	for (size_t i = 0; i < b->nsheets; i++) {
		free(b->sheets[i].name);
		free(b->sheets[i].rid);
		free(b->sheets[i].part);
	}
	free(b->sheets);
	free(b->sst);
	free(b->sst_off);
	free(b->xf_date);
	free(b);
}

size_t xlsx_sheet_count(const struct xlsx_book *b)
{
	return b->nsheets;
}

const char *xlsx_sheet_name(const struct xlsx_book *b, size_t i)
{
	return i < b->nsheets ? b->sheets[i].name : NULL;
}

int xlsx_sheet_find(const struct xlsx_book *b, const char *name)
{
	for (size_t i = 0; i < b->nsheets; i++)
		if (!strcmp(b->sheets[i].name, name))
			return (int)i;
	for (size_t i = 0; i < b->nsheets; i++)
		if (str_fold_eq(b->sheets[i].name, name))
			return (int)i;
	return -1;
}

uint64_t xlsx_sheet_size(const struct xlsx_book *b, size_t i)
{
	return i < b->nsheets ? b->sheets[i].size : 0;
}

uint64_t xlsx_bytes_done(const struct xlsx_book *b)
{
	return b->bytes_done;
}

const char *xlsx_error(const struct xlsx_book *b)
{
	return b->err;
}

/* ---- sheets ------------------------------------------------------------------------ */

enum ctype { T_N, T_S, T_INLINE, T_STR, T_B, T_E, T_OTHER };

/* A finished cell of the current row; text lives at off in the row buffer, or at ext. */
struct cellrec {
	size_t col, off, len;
	const char *ext;
	enum xlsx_type type;
	bool date;
};

struct sheet_ctx {
	struct pctx pc;
	xlsx_row_fn fn;
	void *ctx;
	bool in_data, in_row, in_c, in_is, collect, has_v;
	int rph;
	long row;     /* number of the current (or last) row */
	long nrows;   /* rows seen, against max_rows */
	long col;     /* 0-based column of the current (or last) cell in this row */
	enum ctype ctype;
	uint32_t style;
	char ref[24]; /* the current cell's r attribute, for messages */
	size_t cstart; /* start of the current cell's text in text */
	char *text;   /* text of the row's cells, each NUL-terminated */
	size_t tlen, tcap;
	struct cellrec *cells; /* the row's cells in document order */
	size_t ncells, ccap;
	uint32_t rowcells;     /* <c> elements begun in this row, against max_row_cells */
	uint64_t allcells;     /* <c> elements begun in this sheet, against max_cells */
	uint64_t *used;        /* bit per column: a cell of this row sits there */
	size_t nused;          /* words in used */
	size_t width;          /* one past the largest column in the row */
	struct xlsx_cell *out; /* dense row for the callback; all empty between rows */
	size_t ocap, oinit;    /* allocated / set to empty */
};

/* Name of the current cell for messages: its reference as written, or column + row. */
static const char *cell_name(struct sheet_ctx *c)
{
	if (!c->ref[0]) {
		char col[8];
		diag_colname((unsigned)c->col, col);
		snprintf(c->ref, sizeof c->ref, "%s%ld", col, c->row);
	}
	return c->ref;
}

static void row_begin(struct sheet_ctx *c, const XML_Char **atts)
{
	struct xlsx_book *b = c->pc.b;
	uint64_t r = (uint64_t)c->row + 1;
	const char *rs = NULL;
	for (size_t i = 0; atts[i]; i += 2) {
		if (atts[i][0] != 'r' || atts[i][1])
			continue;
		rs = atts[i + 1];
		if (!parse_uint(rs, strlen(rs), b->lim.max_rows, &r) || r == 0) {
			stop(&c->pc, fail(b, ERR_PARSE, "неверный номер строки «%.*s»",
					  clip(rs, 20), rs));
			return;
		}
	}
	if (r > b->lim.max_rows || ++c->nrows > (long)b->lim.max_rows) {
		b->cur_row = 0;
		if (r > b->lim.max_rows && rs)
			stop(&c->pc, fail(b, ERR_LIMIT, "строка %.*s: в листе больше допустимых %lu "
					  "строк", clip(rs, 20), rs, (unsigned long)b->lim.max_rows));
		else
			stop(&c->pc, fail(b, ERR_LIMIT, "строка %llu: в листе больше допустимых %lu "
					  "строк", (unsigned long long)r,
					  (unsigned long)b->lim.max_rows));
		return;
	}
	c->row = (long)r;
	b->cur_row = c->row;
	c->in_row = true;
	c->col = -1;
	c->ncells = 0;
	c->rowcells = 0;
	c->width = 0;
	c->tlen = 0;
}

static enum ctype parse_type(const char *t)
{
	switch (t[0]) {
	case 's':
		return !t[1] ? T_S : !strcmp(t, "str") ? T_STR : T_OTHER;
	case 'n':
		return !t[1] ? T_N : T_OTHER;
	case 'b':
		return !t[1] ? T_B : T_OTHER;
	case 'e':
		return !t[1] ? T_E : T_OTHER;
	case 'i':
		return !strcmp(t, "inlineStr") ? T_INLINE : T_OTHER;
	}
	return T_OTHER;
}

static void cell_begin(struct sheet_ctx *c, const XML_Char **atts)
{
	struct xlsx_book *b = c->pc.b;
	uint64_t col = (uint64_t)(c->col + 1);
	bool over = false;
	c->ctype = T_N;
	c->style = 0;
	c->ref[0] = '\0';
	for (size_t i = 0; atts[i]; i += 2) {
		const char *a = atts[i], *v = atts[i + 1];
		if (a[1])
			continue;
		if (a[0] == 'r') {
			uint64_t x = 0;
			size_t k = 0;
			for (; (v[k] >= 'A' && v[k] <= 'Z') || (v[k] >= 'a' && v[k] <= 'z'); k++) {
				if (x <= b->lim.max_cols)
					x = x * 26 + (uint64_t)((v[k] | 0x20) - 'a' + 1);
			}
			int vl = clip(v, sizeof c->ref - 1);
			memcpy(c->ref, v, (size_t)vl);
			c->ref[vl] = '\0';
			if (k == 0) {
				stop(&c->pc, fail(b, ERR_PARSE, "неверная ссылка на ячейку «%s»",
						  c->ref));
				return;
			}
			if (x > b->lim.max_cols)
				over = true;
			else
				col = x - 1;
		} else if (a[0] == 't') {
			c->ctype = parse_type(v);
		} else if (a[0] == 's') {
			uint64_t x;
			if (parse_uint(v, strlen(v), UINT32_MAX - 1, &x))
				c->style = (uint32_t)x;
		}
	}
	if (over || col >= b->lim.max_cols) {
		stop(&c->pc, fail(b, ERR_LIMIT, "ячейка %s за пределами допустимых %lu столбцов",
				  c->ref[0] ? c->ref : "после последнего столбца",
				  (unsigned long)b->lim.max_cols));
		return;
	}
	/* Counted before anything is stored, so a row of endless cells costs nothing. */
	if (++c->rowcells > b->lim.max_row_cells) {
		stop(&c->pc, fail(b, ERR_LIMIT, "в строке больше %lu ячеек — файл повреждён",
				  (unsigned long)b->lim.max_row_cells));
		return;
	}
	if (++c->allcells > b->lim.max_cells) {
		stop(&c->pc, fail(b, ERR_LIMIT, "в листе больше %llu ячеек",
				  (unsigned long long)b->lim.max_cells));
		return;
	}
	size_t w = (size_t)(col / 64);
	uint64_t bit = (uint64_t)1 << (col % 64);
	if (w >= c->nused) {
		size_t old = c->nused;
		c->used = xgrow(c->used, &c->nused, w + 1, sizeof *c->used);
		memset(c->used + old, 0, (c->nused - old) * sizeof *c->used);
	}
	if (c->used[w] & bit) {
		c->col = (long)col;
		stop(&c->pc, fail(b, ERR_PARSE, "ячейка %s встречается в строке второй раз — файл "
				  "повреждён: откройте его в Excel и сохраните заново", cell_name(c)));
		return;
	}
	c->used[w] |= bit;
	c->col = (long)col;
	c->in_c = true;
	c->in_is = false;
	c->collect = false;
	c->has_v = false;
	c->rph = 0;
	c->cstart = c->tlen;
}

static void cell_end(struct sheet_ctx *c)
{
	struct xlsx_book *b = c->pc.b;
	struct cellrec r = { .col = (size_t)c->col, .off = c->cstart, .len = c->tlen - c->cstart,
			     .type = XLSX_EMPTY };
	c->in_c = false;
	c->in_is = false;
	c->collect = false;
	if (c->has_v && r.len > 0) {
		char *s = c->text + c->cstart;
		c->text[c->tlen] = '\0'; /* room reserved by sh_text(); for messages */
		uint64_t idx;
		switch (c->ctype) {
		case T_S:
			if (!parse_uint(s, r.len, UINT32_MAX, &idx)) {
				stop(&c->pc, fail(b, ERR_PARSE, "ячейка %s: неверный номер общей строки "
						  "«%.*s»", cell_name(c), clip(s, 20), s));
				return;
			}
			if (idx >= b->nsst) {
				stop(&c->pc, fail(b, ERR_PARSE, "ячейка %s: ссылка на общую строку "
						  "№%llu, а в книге их %zu", cell_name(c),
						  (unsigned long long)idx, b->nsst));
				return;
			}
			r.ext = b->sst + b->sst_off[idx];
			r.len = b->sst_off[idx + 1] - b->sst_off[idx] - 1;
			r.type = r.len ? XLSX_STRING : XLSX_EMPTY;
			break;
		case T_INLINE:
		case T_STR:
		case T_OTHER:
			r.len = unescape_x(s, r.len);
			r.type = r.len ? XLSX_STRING : XLSX_EMPTY;
			break;
		case T_B:
			r.type = XLSX_BOOL;
			break;
		case T_E:
			r.type = XLSX_ERROR;
			break;
		case T_N:
			r.type = XLSX_NUMBER;
			r.date = c->style < b->nxf && b->xf_date[c->style];
			break;
		}
	}
	if (r.type == XLSX_EMPTY || r.ext) {
		c->tlen = c->cstart;
	} else {
		/* Room for the NUL was reserved when the text was appended. */
		c->tlen = c->cstart + r.len;
		c->text[c->tlen++] = '\0';
	}
	c->cells = xgrow(c->cells, &c->ccap, c->ncells + 1, sizeof *c->cells);
	c->cells[c->ncells++] = r;
	if (r.col + 1 > c->width)
		c->width = r.col + 1;
}

/* Hands the finished row to the callback. Work is proportional to the cells present, not
 * to the row's width: out stays all-empty between rows and only the cells set are undone. */
static void row_end(struct sheet_ctx *c)
{
	c->in_row = false;
	for (size_t k = 0; k < c->ncells; k++)
		c->used[c->cells[k].col / 64] = 0;
	if (c->ncells == 0)
		return;
	if (c->width > c->oinit) {
		c->out = xgrow(c->out, &c->ocap, c->width, sizeof *c->out);
		for (size_t i = c->oinit; i < c->width; i++)
			c->out[i] = (struct xlsx_cell){ .v = "", .len = 0, .type = XLSX_EMPTY };
		c->oinit = c->width;
	}
	/* In document order, so a repeated reference keeps the last cell. */
	for (size_t k = 0; k < c->ncells; k++) {
		const struct cellrec *r = &c->cells[k];
		struct xlsx_cell *o = &c->out[r->col];
		o->type = r->type;
		o->v = r->type == XLSX_EMPTY ? "" : r->ext ? r->ext : c->text + r->off;
		o->len = r->type == XLSX_EMPTY ? 0 : r->len;
		o->date = r->type != XLSX_EMPTY && r->date;
	}
	size_t n = 0;
	for (size_t k = 0; k < c->ncells; k++) {
		size_t col = c->cells[k].col;
		if (col + 1 > n && c->out[col].type != XLSX_EMPTY)
			n = col + 1;
	}
	int rc = n ? c->fn(c->ctx, c->row, c->out, n) : 0;
	for (size_t k = 0; k < c->ncells; k++)
		c->out[c->cells[k].col] = (struct xlsx_cell){ .v = "", .len = 0, .type = XLSX_EMPTY };
	if (rc) {
		fail(c->pc.b, rc, "чтение остановлено");
		stop(&c->pc, rc);
	}
}

static void XMLCALL sh_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct sheet_ctx *c = ud;
	if (c->pc.rc)
		return;
	const char *n = lname(name);
	switch (n[0]) {
	case 'c':
		if (!n[1] && c->in_row && !c->in_c)
			cell_begin(c, atts);
		break;
	case 'v':
		if (!n[1] && c->in_c) {
			c->collect = true;
			c->has_v = true;
		}
		break;
	case 't':
		if (!n[1] && c->in_is && !c->rph) {
			c->collect = true;
			c->has_v = true;
		}
		break;
	case 'i':
		if (n[1] == 's' && !n[2] && c->in_c)
			c->in_is = true;
		break;
	case 'r':
		if (!strcmp(n, "row")) {
			if (c->in_data && !c->in_row)
				row_begin(c, atts);
		} else if (!strcmp(n, "rPh")) {
			c->rph++;
		}
		break;
	case 's':
		if (!strcmp(n, "sheetData"))
			c->in_data = true;
		break;
	}
}

static void XMLCALL sh_end(void *ud, const XML_Char *name)
{
	struct sheet_ctx *c = ud;
	if (c->pc.rc)
		return;
	const char *n = lname(name);
	switch (n[0]) {
	case 'c':
		if (!n[1] && c->in_c)
			cell_end(c);
		break;
	case 'v':
	case 't':
		if (!n[1])
			c->collect = false;
		break;
	case 'i':
		if (n[1] == 's' && !n[2])
			c->in_is = false;
		break;
	case 'r':
		if (!strcmp(n, "row")) {
			if (c->in_row && !c->in_c)
				row_end(c);
		} else if (!strcmp(n, "rPh")) {
			if (c->rph)
				c->rph--;
		}
		break;
	case 's':
		if (!strcmp(n, "sheetData"))
			c->in_data = false;
		break;
	}
}

static void XMLCALL sh_text(void *ud, const XML_Char *s, int len)
{
	struct sheet_ctx *c = ud;
	if (!c->collect || c->pc.rc)
		return;
	size_t n = (size_t)len;
	if (c->tlen - c->cstart + n > c->pc.b->lim.max_cell) {
		stop(&c->pc, fail(c->pc.b, ERR_LIMIT, "текст ячейки %s длиннее %zu байт",
				  cell_name(c), c->pc.b->lim.max_cell));
		return;
	}
	if (c->tlen + n > c->pc.b->lim.max_row_bytes) {
		stop(&c->pc, fail(c->pc.b, ERR_LIMIT, "текст ячеек строки длиннее %zu байт "
				  "(на ячейке %s)", c->pc.b->lim.max_row_bytes, cell_name(c)));
		return;
	}
	if (c->tlen + n + 1 > c->tcap)
		c->text = xgrow(c->text, &c->tcap, c->tlen + n + 1, 1);
	memcpy(c->text + c->tlen, s, n);
	c->tlen += n;
}

int xlsx_sheet_read(struct xlsx_book *b, size_t i, xlsx_row_fn fn, void *ctx)
{
	int rc = 0;
	struct sheet_ctx c;
	memset(&c, 0, sizeof c);
	b->err[0] = '\0';
	b->bytes_done = 0;
	b->cur_row = 0;
	if (i >= b->nsheets) {
		rc = fail(b, ERR_NOTFOUND, "в книге нет листа №%zu", i + 1);
		goto out;
	}
	struct sheet *s = &b->sheets[i];
	b->cur_sheet = s->name;
	zip_int64_t idx = s->part ? part_locate(b, s->part) : -1;
	if (idx < 0) {
		rc = fail(b, ERR_FORMAT, NOT_XLSX ": нет данных листа (части «%.*s»)",
			  s->part ? clip(s->part, 100) : 0, s->part ? s->part : "");
		goto out;
	}
	if ((rc = parser_new(&c.pc, b)))
		goto out;
	c.fn = fn;
	c.ctx = ctx;
	c.tcap = 4096;
	c.text = xmalloc(c.tcap);
	XML_SetElementHandler(c.pc.p, sh_start, sh_end);
	XML_SetCharacterDataHandler(c.pc.p, sh_text);
	/* The same handlers behind io/xml_scan, which keeps up with the inflating thread;
	 * expat stays the fallback (another encoding) and the tests' reference. */
	if (!b->lim.expat_sheets) {
		static const struct xscan_handlers h = { sh_start, sh_end, sh_text };
		c.pc.x = xscan_new(&h, &c, XLSX_XML_MEM);
	}
	rc = parse_part(b, idx, s->part, &c.pc);
out:
	xscan_free(c.pc.x);
	if (c.pc.p)
		XML_ParserFree(c.pc.p);
	free(c.text);
	free(c.cells);
	free(c.used);
	free(c.out);
	b->cur_sheet = NULL;
	return rc;
}
