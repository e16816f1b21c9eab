/* csv: streaming RFC 4180 reader with encoding and separator detection, and a field writer.
 *
 * The reader has two layers. The input layer turns the source (a file read in chunks with
 * read(2), or a memory buffer) into windows of well-formed UTF-8: UTF-8 input is validated
 * and handed out in place; Windows-1251 input is converted through a table that iconv fills
 * when the reader opens. The parser is a small state machine over those windows that copies
 * field bytes into one reusable record buffer, so once the buffers have grown to the widest
 * record a record costs no allocation, and memory does not depend on the file's size.
 *
 * The encoding is settled by the first line that has a byte >= 0x80, wherever it is in the
 * file: valid UTF-8 there makes the file UTF-8, anything else Windows-1251 (a BOM settles it
 * at once). Until then the text is ASCII, the same in both. A file that mixes the two is
 * refused, never read as mojibake: in a UTF-8 file any byte that is not UTF-8 is an error;
 * in a Windows-1251 file every line is also run through a small UTF-8 decoder, and a line
 * that is valid UTF-8 with non-ASCII bytes (none of them a C1 control), or has two UTF-8
 * Cyrillic letters in a row ("ва" read as cp1251 is "РІР°"), is an error. Windows-1251
 * Cyrillic is almost never valid UTF-8: two letters in a row already are not. A line whose
 * only non-ASCII text is a capital letter before a quote or a dash ("В«") is the one kind of
 * real Windows-1251 line this could refuse.
 *
 * A problem the input layer finds (invalid UTF-8, a byte Windows-1251 does not define, a
 * line in the other encoding) is held back until the parser reaches it, so the message
 * names the right line, and no record containing it is handed out. Errors are sticky:
 * after one, csv_next() keeps returning it. */
#include "io/csv.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "base/mem.h"
#include "base/str.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Bytes read (or taken from memory) at a time. Overridable at build time so the fuzz target
 * crosses chunk boundaries on short inputs. */
#ifndef CSV_CHUNK
#define CSV_CHUNK (256 * 1024)
#endif
_Static_assert(CSV_CHUNK >= 16, "a chunk must hold any UTF-8 character with room to spare");

#define DEF_MAX_FIELD (64 * 1024)
#define DEF_MAX_FIELDS 16384
#define DEF_MAX_RECORD (1024 * 1024)

/* Byte classes: which bytes stop the scan of an unquoted or a quoted field. */
enum { C_UNQ = 1, C_QUO = 2 };

/* Parser states. */
enum {
	ST_REC,   /* between records: blank lines are skipped */
	ST_FIELD, /* a field starts here (after a separator) */
	ST_UNQ,   /* inside an unquoted field, or after a quoted one's closing quote */
	ST_QUO,   /* inside a quoted field */
	ST_QQ,    /* a quote inside a quoted field: doubled or closing */
};

/* What the pending input error is. */
enum { PE_CP1251_BYTE, PE_UTF8_BYTE, PE_UTF8_CUT, PE_CP1251_MIXED };

/* A UTF-8 decoder run over the lines of a Windows-1251 file to find lines in UTF-8. It
 * counts lines as the parser does ('\r', or '\n' not after '\r'). */
struct u8line {
	long line;            /* line of the next byte */
	unsigned char prev;   /* the byte before it */
	unsigned char need;   /* continuation bytes still expected */
	unsigned char lo, hi; /* range of the next continuation byte */
	uint32_t cp;          /* code point being decoded */
	unsigned char run;    /* UTF-8 Cyrillic letters in a row */
	bool high, bad;       /* the line has bytes >= 0x80; one of them is not UTF-8 */
	bool ctl;             /* it decodes to a C1 control (U+0080..U+009F), which real text
				 never has and cp1251 "В—" makes */
};

struct csv_reader {
	/* source */
	int fd;                   /* -1 when reading memory */
	const unsigned char *mem; /* memory source */
	size_t memlen, mempos;
	unsigned char *raw;       /* file: read buffer of CSV_CHUNK bytes */
	size_t rawlen, rawuse;    /* bytes in raw; how many of them are consumed */
	bool eof;                 /* file: read(2) has returned 0 */
	uint64_t done, total;
	enum csv_encoding enc;

	/* Windows-1251: the converted window, and the UTF-8 form of bytes 0x80..0xFF as a
	 * length (0 = byte not defined in cp1251) followed by up to three bytes. */
	unsigned char *dec;
	unsigned char cp[128][4];

	/* the current window of UTF-8 text */
	const unsigned char *wbeg, *p, *end;
	unsigned char prevc;      /* last byte of the previous window */
	int pending;              /* input error to report once the window is used up */
	int pkind;                /* PE_*: what it is */
	unsigned char badbyte;
	long mixline;             /* PE_CP1251_MIXED: the line in UTF-8 */

	/* the encoding */
	bool decided;             /* a BOM or a byte >= 0x80 has settled it */
	long encline;             /* the line that settled it (0 for a BOM) */
	struct u8line ul;         /* Windows-1251: looking for lines in UTF-8 */

	/* parser */
	unsigned char sep;
	unsigned char cls[256];
	struct csv_limits lim;
	char *rec;                /* fields of the current record, each NUL-terminated */
	size_t reccap;
	size_t *lens;
	char **fields;
	size_t fcap;
	long line;                /* physical line of the byte at p */
	long recline;             /* line on which the current record started */
	int err;
	char msg[512];
};

/* Sets the sticky error and its message; returns code. */
__attribute__((format(printf, 3, 4)))
static int fail(struct csv_reader *r, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof r->msg, fmt, ap);
	va_end(ap);
	r->err = code;
	return code;
}

/* Length of the longest prefix of s[0..n) that is well-formed UTF-8. *partial is set when
 * the rest is the beginning of a character cut off by the end of s. */
static size_t utf8_prefix(const unsigned char *s, size_t n, bool *partial)
{
	size_t i = 0;
	*partial = false;
	while (i < n) {
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		/* Two-byte characters (all of Cyrillic) without a call. */
		if (c >= 0xC2 && c <= 0xDF && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
			i += 2;
			continue;
		}
		uint32_t cp;
		size_t k = utf8_decode((const char *)s + i, n - i, &cp);
		if (k) {
			i += k;
			continue;
		}
		size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
		if (c >= 0xC2 && c <= 0xF4 && n - i < need) {
			bool cont = true;
			for (size_t j = i + 1; j < n; j++)
				if ((s[j] & 0xC0) != 0x80)
					cont = false;
			*partial = cont;
		}
		break;
	}
	return i;
}

/* Fills the table for Windows-1251 bytes 0x80..0xFF from iconv. */
static int cp1251_table(struct csv_reader *r)
{
	iconv_t cd = iconv_open("UTF-8", "CP1251");
	if (cd == (iconv_t)-1)
		return ERR_ENCODING;
	for (int b = 0x80; b < 0x100; b++) {
		char in = (char)b, out[8];
		char *ip = &in, *op = out;
		size_t il = 1, ol = sizeof out;
		iconv(cd, NULL, NULL, NULL, NULL);
		size_t k = iconv(cd, &ip, &il, &op, &ol);
		size_t len = sizeof out - ol;
		unsigned char *t = r->cp[b - 0x80];
		memset(t, 0, 4);
		if (k == (size_t)-1 || il != 0 || len == 0 || len > 3)
			continue;
		t[0] = (unsigned char)len;
		memcpy(t + 1, out, len);
	}
	iconv_close(cd);
	return 0;
}

static bool cyrillic(uint32_t cp)
{
	return (cp >= 0x410 && cp <= 0x44F) || cp == 0x401 || cp == 0x451;
}

static void u8_reset(struct u8line *u)
{
	u->need = 0;
	u->run = 0;
	u->high = u->bad = u->ctl = false;
}

/* Feeds a byte >= 0x80 to the line's decoder. Returns true when it continues or starts a
 * well-formed UTF-8 character. */
static inline bool u8_step(struct u8line *u, unsigned char c)
{
	u->high = true;
	if (u->need) {
		if (c >= u->lo && c <= u->hi) {
			u->cp = u->cp << 6 | (c & 0x3F);
			u->lo = 0x80;
			u->hi = 0xBF;
			if (--u->need == 0) {
				if (u->cp < 0xA0)
					u->ctl = true;
				if (!cyrillic(u->cp))
					u->run = 0;
				else if (u->run < 2)
					u->run++;
			}
			return true;
		}
		u->bad = true;
		u->need = 0;
		u->run = 0;
	}
	u->lo = 0x80;
	u->hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF) {
		u->need = 1;
		u->cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		u->need = 2;
		u->cp = c & 0x0F;
		u->lo = c == 0xE0 ? 0xA0 : 0x80;
		u->hi = c == 0xED ? 0x9F : 0xBF;
	} else if (c >= 0xF0 && c <= 0xF4) {
		u->need = 3;
		u->cp = c & 0x07;
		u->lo = c == 0xF0 ? 0x90 : 0x80;
		u->hi = c == 0xF4 ? 0x8F : 0xBF;
	} else {
		u->bad = true;
		u->run = 0;
		return false;
	}
	return true;
}

/* The line so far (or, at its end, the whole line) reads as UTF-8. */
static bool u8_line_is_utf8(const struct u8line *u, bool ended)
{
	return u->run >= 2 || (ended && u->high && !u->bad && !u->need && !u->ctl);
}

static void mixed_pending(struct csv_reader *r, long line)
{
	r->pending = ERR_ENCODING;
	r->pkind = PE_CP1251_MIXED;
	r->mixline = line;
}

/* Converts s[0..n) from Windows-1251 into r->dec, stopping before an undefined byte or in a
 * line that turns out to be UTF-8 (then the error is left pending). last: nothing follows s.
 * Returns the bytes of s consumed; *wlen gets the output size. */
static size_t cp1251_window(struct csv_reader *r, const unsigned char *s, size_t n, bool last,
			    size_t *wlen)
{
	unsigned char *d = r->dec;
	/* A local copy: stores through d could alias r->ul and force reloads per byte. */
	struct u8line ul = r->ul, *u = &ul;
	size_t i;
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c < 0x80) {
			if (c == '\n' || c == '\r') {
				if (u8_line_is_utf8(u, true)) {
					mixed_pending(r, u->line);
					break;
				}
				if (c == '\r' || u->prev != '\r')
					u->line++;
				u8_reset(u);
			} else if (u->need) {
				u->bad = true;
				u->need = 0;
				u->run = 0;
			} else {
				u->run = 0;
			}
			u->prev = c;
			*d++ = c;
			continue;
		}
		bool fits = u8_step(u, c);
		u->prev = c;
		if (u8_line_is_utf8(u, false)) {
			mixed_pending(r, u->line);
			break;
		}
		const unsigned char *t = r->cp[c - 0x80];
		if (!t[0]) {
			/* Not Windows-1251, but a UTF-8 continuation here: the line is UTF-8. */
			if (fits) {
				mixed_pending(r, u->line);
			} else {
				r->pending = ERR_ENCODING;
				r->pkind = PE_CP1251_BYTE;
				r->badbyte = c;
			}
			break;
		}
		memcpy(d, t + 1, 3); /* r->dec has slack for the unused bytes */
		d += t[0];
	}
	r->ul = ul;
	if (i == n && last && !r->pending && u8_line_is_utf8(u, true))
		mixed_pending(r, u->line);
	*wlen = (size_t)(d - r->dec);
	return i;
}

/* Russian words for the errors a user can fix; the system's text for the rest. */
static const char *errno_text(int e)
{
	switch (e) {
	case ENOENT: return "нет такого файла";
	case EACCES: return "нет прав на чтение";
	case EISDIR: return "это папка, а не файл";
	case EIO: return "ошибка ввода-вывода";
	}
	return strerror(e);
}

/* File: tops the read buffer up to a full chunk, or to the end of the file. */
static int read_more(struct csv_reader *r)
{
	while (!r->eof && r->rawlen < CSV_CHUNK) {
		ssize_t k = read(r->fd, r->raw + r->rawlen, CSV_CHUNK - r->rawlen);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return fail(r, ERR_IO, "не удалось прочитать файл: %s", errno_text(errno));
		}
		if (k == 0)
			r->eof = true;
		r->rawlen += (size_t)k;
		r->done += (uint64_t)k;
	}
	return 0;
}

#define RESAVE "сохраните файл заново в одной кодировке"

/* Reports the input error held back until the parser reached it (r->line is its line). */
static int input_error(struct csv_reader *r)
{
	long l = r->line;
	switch (r->pkind) {
	case PE_CP1251_BYTE:
		return fail(r, ERR_ENCODING,
			    "строка %ld: байт 0x%02X не встречается в тексте в кодировке Windows-1251 — "
			    "файл повреждён или сохранён в другой кодировке", l, r->badbyte);
	case PE_UTF8_CUT:
		return fail(r, ERR_ENCODING, "строка %ld: файл обрывается посреди символа UTF-8", l);
	case PE_UTF8_BYTE:
		/* The file was settled as UTF-8 on an earlier line (or by its BOM) when l > 1
		 * and encline < l; otherwise the line holds both. */
		if (l <= 1 || r->encline >= l)
			return fail(r, ERR_ENCODING, "строка %ld: в строке смешаны UTF-8 и другая "
				    "кодировка (байт 0x%02X не UTF-8) — " RESAVE, l, r->badbyte);
		if (l == 2)
			return fail(r, ERR_ENCODING, "файл в смешанной кодировке: строка 1 в UTF-8, "
				    "строка 2 — нет (байт 0x%02X); " RESAVE, r->badbyte);
		return fail(r, ERR_ENCODING, "файл в смешанной кодировке: строки 1–%ld в UTF-8, "
			    "строка %ld — нет (байт 0x%02X); " RESAVE, l - 1, l, r->badbyte);
	}
	l = r->mixline;
	if (r->encline >= l)
		return fail(r, ERR_ENCODING, "строка %ld: в строке смешаны Windows-1251 и UTF-8 — "
			    RESAVE, l);
	if (l == 2)
		return fail(r, ERR_ENCODING, "файл в смешанной кодировке: строка 1 в Windows-1251, "
			    "строка 2 — в UTF-8; " RESAVE);
	return fail(r, ERR_ENCODING, "файл в смешанной кодировке: строки 1–%ld в Windows-1251, "
		    "строка %ld — в UTF-8; " RESAVE, l - 1, l);
}

/* Switches to Windows-1251: the byte table and the window it converts into. */
static int use_cp1251(struct csv_reader *r)
{
	r->enc = CSV_CP1251;
	if (cp1251_table(r))
		return fail(r, ERR_ENCODING, "файл в кодировке Windows-1251, но в системе нет её "
			    "преобразования (iconv)");
	if (!r->dec)
		r->dec = xmalloc(3 * (size_t)CSV_CHUNK + 4);
	return 0;
}

/* Line breaks in s[0..n) as the parser counts them; prev is the byte before s. */
static long breaks(const unsigned char *s, size_t n, unsigned char prev)
{
	long k = 0;
	for (size_t i = 0; i < n; prev = s[i++])
		if (s[i] == '\r' || (s[i] == '\n' && prev != '\r'))
			k++;
	return k;
}

/* Settles the encoding when s[0..n) has its first byte >= 0x80 (else leaves it open): the
 * line that byte is on, as far as s shows it (more: input follows s), is valid UTF-8 → UTF-8,
 * else Windows-1251. s starts on line `line`, after the byte prev. */
static int decide(struct csv_reader *r, const unsigned char *s, size_t n, bool more, long line,
		  unsigned char prev)
{
	size_t h = 0;
	while (h + 8 <= n) {
		uint64_t w;
		memcpy(&w, s + h, 8);
		if (w & 0x8080808080808080ULL)
			break;
		h += 8;
	}
	while (h < n && s[h] < 0x80)
		h++;
	if (h == n)
		return 0;
	size_t ls = h, le = h;
	while (ls > 0 && s[ls - 1] != '\n' && s[ls - 1] != '\r')
		ls--;
	while (le < n && s[le] != '\n' && s[le] != '\r')
		le++;
	bool partial;
	size_t v = utf8_prefix(s + ls, le - ls, &partial);
	r->decided = true;
	r->encline = line + breaks(s, ls, prev);
	if (v == le - ls || (partial && le == n && more))
		return 0;
	r->ul = (struct u8line){ .line = line, .prev = prev };
	return use_cp1251(r);
}

/* Makes the next window of UTF-8 text current. Returns 1, 0 at the end of the input, or a
 * negative error (with the message set). Called only when the window is used up. */
static int fill(struct csv_reader *r)
{
	if (r->end > r->wbeg)
		r->prevc = r->end[-1];
	r->wbeg = r->p = r->end;
	for (;;) {
		if (r->pending)
			return input_error(r);
		const unsigned char *s;
		size_t n;
		bool last;
		int rc;
		if (r->fd >= 0) {
			if (r->rawuse) {
				memmove(r->raw, r->raw + r->rawuse, r->rawlen - r->rawuse);
				r->rawlen -= r->rawuse;
				r->rawuse = 0;
			}
			if ((rc = read_more(r)))
				return rc;
			s = r->raw;
			n = r->rawlen;
			last = r->eof;
		} else {
			s = r->mem + r->mempos;
			n = r->memlen - r->mempos;
			if (n > CSV_CHUNK)
				n = CSV_CHUNK;
			last = r->mempos + n == r->memlen;
		}
		if (n == 0)
			return 0;
		size_t used, wlen;
		const unsigned char *w;
		if (!r->decided && (rc = decide(r, s, n, !last, r->line, r->prevc)))
			return rc;
		if (r->enc == CSV_CP1251) {
			used = cp1251_window(r, s, n, last, &wlen);
			w = r->dec;
		} else {
			bool partial;
			used = utf8_prefix(s, n, &partial);
			if (used < n && !(partial && !last)) {
				r->pending = ERR_ENCODING;
				r->pkind = partial ? PE_UTF8_CUT : PE_UTF8_BYTE;
				r->badbyte = s[used];
			}
			wlen = used;
			w = s;
		}
		if (r->fd >= 0)
			r->rawuse = used;
		else
			r->mempos += used;
		/* Only a character cut by the chunk's end can leave nothing, and then more
		 * input follows. */
		assert(wlen || r->pending || !last);
		if (wlen) {
			r->wbeg = r->p = w;
			r->end = w + wlen;
			return 1;
		}
	}
}

/* Picks the separator from the first record in s: the most frequent of ';', ',' and tab
 * outside quotes (';' wins a tie with ','), ',' when there is none. */
static unsigned char detect_sep(const unsigned char *s, size_t n)
{
	size_t i = 0, semi = 0, comma = 0, tab = 0;
	/* Skip lines of white space only: they tell nothing. */
	for (size_t j = 0; j < n; j++) {
		if (s[j] == '\r' || s[j] == '\n')
			i = j + 1;
		else if (s[j] != ' ' && s[j] != '\t')
			break;
	}
	bool fstart = true;
	while (i < n) {
		unsigned char c = s[i];
		if (fstart && c == '"') {
			for (i++; i < n; i++) {
				if (s[i] == '"') {
					if (i + 1 < n && s[i + 1] == '"') {
						i++;
						continue;
					}
					break;
				}
			}
			i++;
			fstart = false;
			continue;
		}
		fstart = false;
		if (c == '\n' || c == '\r')
			break;
		if (c == ';')
			semi++, fstart = true;
		else if (c == ',')
			comma++, fstart = true;
		else if (c == '\t')
			tab++, fstart = true;
		i++;
	}
	if (tab > semi && tab > comma)
		return '\t';
	if (semi && semi >= comma)
		return ';';
	return ',';
}

/* Looks at the first chunk s[0..n) (more: the input goes on after it): rejects what is not
 * text, picks the encoding and the separator. Returns the bytes to skip (a BOM) or an error
 * with the message in r->msg. */
static int detect(struct csv_reader *r, const unsigned char *s, size_t n, bool more)
{
	if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF)))
		return fail(r, ERR_ENCODING, "файл в кодировке UTF-16; сохраните его как «CSV UTF-8» "
			    "или «CSV (разделители — точка с запятой)»");
	if (n >= 4 && memcmp(s, "PK\x03\x04", 4) == 0)
		return fail(r, ERR_FORMAT, "это не CSV, а файл Excel (XLSX) или другой архив");
	if (n >= 4 && memcmp(s, "\xD0\xCF\x11\xE0", 4) == 0)
		return fail(r, ERR_FORMAT, "это не CSV, а файл Excel 97–2003 (XLS); сохраните его "
			    "как XLSX или CSV");
	if (memchr(s, 0, n))
		return fail(r, ERR_FORMAT, "файл не похож на текстовый CSV: в нём есть двоичные данные");
	size_t skip = 0;
	r->enc = CSV_UTF8;
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		r->enc = CSV_UTF8_BOM;
		r->decided = true;
		skip = 3;
	} else {
		int rc = decide(r, s, n, more, 1, 0);
		if (rc)
			return rc;
	}
	r->sep = detect_sep(s + skip, n - skip);
	memset(r->cls, 0, sizeof r->cls);
	r->cls[r->sep] |= C_UNQ;
	r->cls['\n'] |= C_UNQ | C_QUO;
	r->cls['\r'] |= C_UNQ | C_QUO;
	r->cls[0] |= C_UNQ | C_QUO;
	r->cls['"'] |= C_QUO;
	return (int)skip;
}

static struct csv_reader *reader_new(const struct csv_limits *lim)
{
	struct csv_reader *r = xcalloc(1, sizeof *r);
	r->fd = -1;
	r->line = 1;
	r->lim.max_field = lim && lim->max_field ? lim->max_field : DEF_MAX_FIELD;
	r->lim.max_fields = lim && lim->max_fields ? lim->max_fields : DEF_MAX_FIELDS;
	r->lim.max_record = lim && lim->max_record ? lim->max_record : DEF_MAX_RECORD;
	/* A field cannot be longer than its record; keeps max_field + 1 from overflowing. */
	if (r->lim.max_record > SIZE_MAX / 4)
		r->lim.max_record = SIZE_MAX / 4;
	if (r->lim.max_field > r->lim.max_record)
		r->lim.max_field = r->lim.max_record;
	r->reccap = r->lim.max_record < 4096 ? r->lim.max_record : 4096;
	r->rec = xmalloc(r->reccap);
	r->fcap = r->lim.max_fields < 64 ? r->lim.max_fields : 64;
	r->lens = xmalloc(r->fcap * sizeof *r->lens);
	r->fields = xmalloc(r->fcap * sizeof *r->fields);
	return r;
}

static void set_msg(char *msg, size_t msglen, const char *text)
{
	if (msg && msglen)
		snprintf(msg, msglen, "%s", text);
}

/* The end of csv_open_file/csv_open_mem: hands the reader out, or closes it and says why. */
static int open_done(struct csv_reader *r, int rc, struct csv_reader **out, char *msg, size_t msglen)
{
	if (rc) {
		set_msg(msg, msglen, r->msg);
		csv_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

int csv_open_file(struct csv_reader **out, const char *path, const struct csv_limits *lim,
		  char *msg, size_t msglen)
{
	*out = NULL;
	set_msg(msg, msglen, "");
	struct csv_reader *r = reader_new(lim);
	int rc;
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		rc = fail(r, ERR_IO, "не удалось открыть файл %s: %s", path, errno_text(errno));
		goto out;
	}
	struct stat st;
	if (fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode))
		r->total = (uint64_t)st.st_size;
	r->raw = xmalloc(CSV_CHUNK);
	if ((rc = read_more(r)))
		goto out;
	rc = detect(r, r->raw, r->rawlen, !r->eof);
	if (rc < 0)
		goto out;
	r->rawuse = (size_t)rc;
	rc = 0;
out:
	return open_done(r, rc, out, msg, msglen);
}

int csv_open_mem(struct csv_reader **out, const void *data, size_t len,
		 const struct csv_limits *lim, char *msg, size_t msglen)
{
	*out = NULL;
	set_msg(msg, msglen, "");
	struct csv_reader *r = reader_new(lim);
	r->mem = data ? data : (const void *)"";
	r->memlen = data ? len : 0;
	r->total = r->memlen;
	size_t n = r->memlen < CSV_CHUNK ? r->memlen : CSV_CHUNK;
	int rc = detect(r, r->mem, n, n < r->memlen);
	if (rc < 0)
		goto out;
	r->mempos = (size_t)rc;
	rc = 0;
out:
	return open_done(r, rc, out, msg, msglen);
}

void csv_close(struct csv_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	free(r->raw);
	free(r->dec);
	free(r->rec);
	free(r->lens);
	free(r->fields);
	free(r);
}

/* Grows the record buffer, or fails when the field or the record is over its cap. qline is
 * the line where an open quoted field started (0 when not inside quotes). */
static int rec_grow(struct csv_reader *r, size_t reclen, size_t foff, size_t nf, long qline)
{
	if (reclen - foff > r->lim.max_field) {
		if (qline)
			return fail(r, ERR_LIMIT, "строка %ld: значение в кавычках длиннее %zu байт — "
				    "вероятно, открытая в строке %ld кавычка не закрыта",
				    r->recline, r->lim.max_field, qline);
		return fail(r, ERR_LIMIT, "строка %ld, столбец %zu: значение длиннее %zu байт",
			    r->recline, nf + 1, r->lim.max_field);
	}
	if (r->reccap >= r->lim.max_record) {
		if (qline)
			return fail(r, ERR_LIMIT, "строка %ld: запись длиннее %zu байт — вероятно, "
				    "открытая в строке %ld кавычка не закрыта",
				    r->recline, r->lim.max_record, qline);
		return fail(r, ERR_LIMIT, "строка %ld: запись длиннее %zu байт", r->recline,
			    r->lim.max_record);
	}
	size_t cap = r->reccap * 2;
	if (cap > r->lim.max_record || cap < r->reccap)
		cap = r->lim.max_record;
	r->rec = xrealloc(r->rec, cap);
	r->reccap = cap;
	return 0;
}

/* Makes room for one more field, or fails when the record has too many. */
static int more_fields(struct csv_reader *r)
{
	if (r->fcap >= r->lim.max_fields)
		return fail(r, ERR_LIMIT, "строка %ld: больше %zu столбцов — это не похоже на файл "
			    "результатов", r->recline, r->lim.max_fields);
	size_t cap = r->fcap * 2;
	if (cap > r->lim.max_fields || cap < r->fcap)
		cap = r->lim.max_fields;
	r->lens = xrealloc(r->lens, cap * sizeof *r->lens);
	r->fields = xrealloc(r->fields, cap * sizeof *r->fields);
	r->fcap = cap;
	return 0;
}

/* How many bytes a field scan may copy: up to the end of the record buffer, and one past
 * the field cap so that a field over it is caught while it is being read. */
static inline size_t scan_room(const struct csv_reader *r, size_t reclen, size_t foff)
{
	size_t room = r->reccap - reclen;
	size_t froom = r->lim.max_field + 1 - (reclen - foff);
	return froom < room ? froom : room;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* A record whose fields are all unquoted and which ends in the window, split at once: the
 * line is copied into the record buffer, each separator becoming the NUL that ends its
 * field — what the states of csv_next do byte by byte, for the records of a results file
 * (twenty-odd fields of a digit or two). Returns the count of fields and moves *pp past
 * the record's end of line, or returns 0 to leave the record to the states: a field that
 * starts with a quote, a NUL, no end of line in the window, a record or a field over what
 * the buffers hold or the limits allow, a record of one field (the states skip blank
 * ones). */
static size_t fast_record(struct csv_reader *r, const unsigned char **pp)
{
	const unsigned char *p = *pp;
	size_t n = (size_t)(r->end - p);
	if (r->reccap < 64)
		return 0;
	if (n > r->reccap - 16)
		n = r->reccap - 16; /* the copy below writes 16 bytes at a time */
	const unsigned char sep = r->sep;
	unsigned char *d = (unsigned char *)r->rec;
	size_t nf = 0, start = 0, i = 0, end;
	/* A field [start, pos) ends: recorded, or 0 when the states must read the record. */
#define FAST_FIELD(pos)                                                             \
	do {                                                                        \
		size_t len_ = (pos) - start;                                        \
		if (nf == r->fcap || len_ > r->lim.max_field ||                     \
		    (len_ && p[start] == '"'))                                     \
			return 0;                                                   \
		d[pos] = '\0';                                                      \
		r->lens[nf++] = len_;                                               \
		start = (pos) + 1;                                                  \
	} while (0)
#if defined(__SSE2__)
	const __m128i vs = _mm_set1_epi8((char)sep), vn = _mm_set1_epi8('\n');
	const __m128i vr = _mm_set1_epi8('\r'), vz = _mm_setzero_si128();
	for (; i + 16 <= n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(p + i));
		_mm_storeu_si128((__m128i *)(d + i), x);
		unsigned ends = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(x, vn), _mm_cmpeq_epi8(x, vr)), _mm_cmpeq_epi8(x, vz)));
		unsigned seps = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vs));
		if (ends)
			seps &= (1u << __builtin_ctz(ends)) - 1;
		for (; seps; seps &= seps - 1)
			FAST_FIELD(i + (size_t)__builtin_ctz(seps));
		if (ends) {
			end = i + (size_t)__builtin_ctz(ends);
			goto found;
		}
	}
#endif
	for (; i < n; i++) {
		unsigned char c = p[i];
		d[i] = c;
		if (c == sep) {
			FAST_FIELD(i);
		} else if (c == '\n' || c == '\r' || c == 0) {
			end = i;
			goto found;
		}
	}
	return 0;
found:
	if (p[end] == 0)
		return 0; /* binary: the states say so */
	FAST_FIELD(end);
#undef FAST_FIELD
	if (nf < 2)
		return 0;
	r->line++; /* '\n' or '\r': the end of the record, as the states count it */
	*pp = p + end + 1;
	return nf;
}

/* The byte before p, which may be the last one of the previous window. */
#define PREV(p) ((p) > r->wbeg ? (p)[-1] : r->prevc)

/* Ends the current field: checks its length, terminates it, records it. */
#define END_FIELD()                                                                  \
	do {                                                                         \
		size_t flen_ = reclen - foff;                                        \
		if (flen_ > r->lim.max_field) {                                      \
			rc = rec_grow(r, reclen, foff, nf, 0);                       \
			goto out;                                                    \
		}                                                                    \
		if (reclen >= r->reccap && (rc = rec_grow(r, reclen, foff, nf, 0))) \
			goto out;                                                    \
		r->rec[reclen++] = '\0';                                             \
		r->lens[nf++] = flen_;                                               \
	} while (0)

int csv_next(struct csv_reader *r, size_t *nfields, char ***fields, size_t **lens)
{
	if (r->err)
		return r->err;
	const unsigned char *cls = r->cls;
	const unsigned char sep = r->sep;
	const unsigned char *p = r->p, *e = r->end;
	size_t nf, reclen, foff = 0;
	bool quoted;
	long fline = 0;
	int st, rc = 0;
	unsigned char c;
restart:
	nf = 0;
	reclen = 0;
	quoted = false;
	st = ST_REC;
	for (;;) {
		if (p == e) {
			r->p = p;
			rc = fill(r);
			p = r->p;
			e = r->end;
			if (rc < 0)
				goto out;
			if (rc == 0)
				break;
		}
		switch (st) {
		case ST_REC:
			c = *p;
			if (c == '\n') {
				if (PREV(p) != '\r')
					r->line++;
				p++;
				continue;
			}
			if (c == '\r') {
				r->line++;
				p++;
				continue;
			}
			r->recline = r->line;
			if ((nf = fast_record(r, &p)) > 0)
				goto done;
			st = ST_FIELD;
			/* fall through */
		case ST_FIELD:
			if (nf == r->fcap && (rc = more_fields(r)))
				goto out;
			foff = reclen;
			if (*p == '"') {
				p++;
				quoted = true;
				fline = r->line;
				st = ST_QUO;
				continue;
			}
			st = ST_UNQ;
			/* fall through */
		case ST_UNQ: {
		unquoted:
			if (reclen >= r->reccap && (rc = rec_grow(r, reclen, foff, nf, 0)))
				goto out;
			size_t room = scan_room(r, reclen, foff);
			if (!room && (rc = rec_grow(r, reclen, foff, nf, 0)))
				goto out;
			const unsigned char *stop = (size_t)(e - p) < room ? e : p + room;
			unsigned char *d = (unsigned char *)r->rec + reclen, *d0 = d;
			while (p < stop && !(cls[*p] & C_UNQ))
				*d++ = *p++;
			reclen += (size_t)(d - d0);
			if (p == stop)
				continue;
			c = *p;
			if (c == 0)
				goto binary;
			p++;
			END_FIELD();
			if (c == sep) {
				/* The next field at once when it is unquoted and has its slot: what
				 * ST_FIELD would do, without the way round the loop (most fields
				 * of a results file are a digit or two). */
				if (p < e && *p != '"' && nf < r->fcap) {
					foff = reclen;
					goto unquoted;
				}
				st = ST_FIELD;
				continue;
			}
			r->line++; /* '\n' or '\r': the end of the record */
			goto done;
		}
		case ST_QUO: {
			if (reclen >= r->reccap && (rc = rec_grow(r, reclen, foff, nf, fline)))
				goto out;
			size_t room = scan_room(r, reclen, foff);
			if (!room && (rc = rec_grow(r, reclen, foff, nf, fline)))
				goto out;
			const unsigned char *stop = (size_t)(e - p) < room ? e : p + room;
			unsigned char *d = (unsigned char *)r->rec + reclen, *d0 = d;
			while (p < stop && !(cls[*p] & C_QUO))
				*d++ = *p++;
			reclen += (size_t)(d - d0);
			if (p == stop)
				continue;
			c = *p;
			if (c == '"') {
				p++;
				st = ST_QQ;
				continue;
			}
			if (c == 0)
				goto binary;
			if (c == '\r' || PREV(p) != '\r')
				r->line++;
			if (reclen >= r->reccap && (rc = rec_grow(r, reclen, foff, nf, fline)))
				goto out;
			r->rec[reclen++] = (char)c;
			p++;
			continue;
		}
		case ST_QQ:
			if (*p == '"') {
				if (reclen >= r->reccap &&
				    (rc = rec_grow(r, reclen, foff, nf, fline)))
					goto out;
				r->rec[reclen++] = '"';
				p++;
				st = ST_QUO;
				continue;
			}
			/* Closed; anything up to the separator is kept as it is. */
			st = ST_UNQ;
			continue;
		}
	}

	/* The end of the input. */
	switch (st) {
	case ST_REC:
		r->p = p;
		return 0;
	case ST_QUO:
		rc = fail(r, ERR_PARSE, "строка %ld: кавычка, открытая в этой строке, не закрыта до "
			  "конца файла", fline);
		goto out;
	case ST_FIELD:
		if (nf == r->fcap && (rc = more_fields(r)))
			goto out;
		foff = reclen;
		END_FIELD();
		break;
	default:
		END_FIELD();
		break;
	}

done:
	if (nf == 1 && !quoted && blank(r->rec, r->lens[0]))
		goto restart;
	r->p = p;
	char *q = r->rec;
	for (size_t i = 0; i < nf; i++) {
		r->fields[i] = q;
		q += r->lens[i] + 1;
	}
	*nfields = nf;
	*fields = r->fields;
	*lens = r->lens;
	return 1;

binary:
	rc = fail(r, ERR_FORMAT, "строка %ld: файл не похож на текстовый CSV: в нём есть двоичные "
		  "данные (нулевой байт)", r->line);
out:
	r->p = p;
	r->err = rc;
	return rc;
}

long csv_line(const struct csv_reader *r)
{
	return r->recline;
}

enum csv_encoding csv_encoding(const struct csv_reader *r)
{
	return r->enc;
}

const char *csv_encoding_name(const struct csv_reader *r)
{
	switch (r->enc) {
	case CSV_UTF8: return "UTF-8";
	case CSV_UTF8_BOM: return "UTF-8 (с BOM)";
	case CSV_CP1251: return "Windows-1251";
	}
	return "?";
}

char csv_separator(const struct csv_reader *r)
{
	return (char)r->sep;
}

const char *csv_error(const struct csv_reader *r)
{
	return r->err ? r->msg : "";
}

uint64_t csv_bytes_done(const struct csv_reader *r)
{
	return r->fd >= 0 ? r->done : r->mempos;
}

uint64_t csv_bytes_total(const struct csv_reader *r)
{
	return r->total;
}

int csv_put_field(struct buf *out, const char *s, size_t n, char sep)
{
	return buf_csv_field(out, s, n, sep);
}
