/* str: text helpers — UTF-8, Windows-1251, trimming, folding, numbers. */
#include "base/str.h"

#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

size_t utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	if (n == 0)
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	size_t len;
	uint32_t c, min;
	if ((u[0] & 0xE0) == 0xC0) {
		len = 2; c = u[0] & 0x1F; min = 0x80;
	} else if ((u[0] & 0xF0) == 0xE0) {
		len = 3; c = u[0] & 0x0F; min = 0x800;
	} else if ((u[0] & 0xF8) == 0xF0) {
		len = 4; c = u[0] & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

bool utf8_valid(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		/* ASCII fast path, eight bytes at a time. */
		while (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (!k)
			return false;
		i += k;
	}
	return true;
}

int utf8_put(struct buf *b, uint32_t cp)
{
	char t[4];
	size_t n;
	if (cp < 0x80) {
		t[0] = (char)cp; n = 1;
	} else if (cp < 0x800) {
		t[0] = (char)(0xC0 | (cp >> 6));
		t[1] = (char)(0x80 | (cp & 0x3F)); n = 2;
	} else if (cp < 0x10000) {
		t[0] = (char)(0xE0 | (cp >> 12));
		t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		t[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
	} else {
		t[0] = (char)(0xF0 | (cp >> 18));
		t[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		t[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		t[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
	}
	return buf_append(b, t, n);
}

size_t utf8_len(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			c++;
	return c;
}

static int convert(const char *from, const char *to, const char *s, size_t n, struct buf *out)
{
	iconv_t cd = iconv_open(to, from);
	if (cd == (iconv_t)-1)
		return ERR_ENCODING;
	int rc = 0;
	char *in = (char *)s;
	size_t inleft = n;
	char tmp[4096];
	while (inleft > 0) {
		char *o = tmp;
		size_t oleft = sizeof tmp;
		size_t r = iconv(cd, &in, &inleft, &o, &oleft);
		if ((rc = buf_append(out, tmp, sizeof tmp - oleft)))
			goto out;
		if (r == (size_t)-1 && errno != E2BIG) {
			rc = ERR_ENCODING;
			goto out;
		}
	}
out:
	iconv_close(cd);
	return rc;
}

int cp1251_to_utf8(const char *s, size_t n, struct buf *out)
{
	return convert("CP1251", "UTF-8", s, n, out);
}

int utf8_to_cp1251(const char *s, size_t n, struct buf *out)
{
	return convert("UTF-8", "CP1251", s, n, out);
}

static inline bool is_space_at(const char *s, size_t n, size_t *len)
{
	unsigned char c = (unsigned char)s[0];
	if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') {
		*len = 1;
		return true;
	}
	/* U+00A0 no-break space, common in spreadsheet cells. */
	if (n >= 2 && c == 0xC2 && (unsigned char)s[1] == 0xA0) {
		*len = 2;
		return true;
	}
	return false;
}

size_t str_trim_ends(const char **sp, size_t n)
{
	const char *s = *sp;
	size_t k;
	while (n > 0 && is_space_at(s, n, &k)) {
		s += k;
		n -= k;
	}
	while (n > 0) {
		if (is_space_at(s + n - 1, 1, &k)) {
			n--;
		} else if (n >= 2 && (unsigned char)s[n - 2] == 0xC2 && (unsigned char)s[n - 1] == 0xA0) {
			n -= 2;
		} else {
			break;
		}
	}
	*sp = s;
	return n;
}

/* Lower-cases and maps look-alikes for one code point. */
static uint32_t fold_cp(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c >= 0x410 && c <= 0x42F) /* А..Я */
		c += 0x20;
	if (c == 0x401 || c == 0x451) /* Ё ё */
		c = 0x435;
	switch (c) {
	case 0x430: return 'a';
	case 0x432: return 'b';
	case 0x435: return 'e';
	case 0x43A: return 'k';
	case 0x43C: return 'm';
	case 0x43D: return 'h';
	case 0x43E: return 'o';
	case 0x440: return 'p';
	case 0x441: return 'c';
	case 0x442: return 't';
	case 0x443: return 'y';
	case 0x445: return 'x';
	}
	return c;
}

int str_fold(const char *s, size_t n, struct buf *out)
{
	buf_reset(out);
	n = str_trim(&s, n);
	bool space = false;
	size_t i = 0;
	int rc = buf_append(out, "", 0);
	while (!rc && i < n) {
		size_t k;
		if (is_space_at(s + i, n - i, &k)) {
			space = true;
			i += k;
			continue;
		}
		if (space) {
			rc = buf_putc(out, ' ');
			space = false;
			if (rc)
				break;
		}
		uint32_t cp;
		k = utf8_decode(s + i, n - i, &cp);
		if (!k) {
			/* Not UTF-8: keep the byte so distinct inputs stay distinct. */
			rc = buf_putc(out, s[i]);
			i++;
			continue;
		}
		rc = utf8_put(out, fold_cp(cp));
		i += k;
	}
	return rc;
}

/* Next folded code point of s (after trimming by the caller), collapsing runs of white
 * space into one ' '; 0 at the end. Bytes that are not UTF-8 come back as themselves
 * with the high bit marker 0x80000000 so they never equal a real code point. */
static uint32_t next_folded(const char **s, const char *end)
{
	if (*s >= end)
		return 0;
	size_t k;
	if (is_space_at(*s, (size_t)(end - *s), &k)) {
		while (*s < end && is_space_at(*s, (size_t)(end - *s), &k))
			*s += k;
		return ' ';
	}
	uint32_t cp;
	k = utf8_decode(*s, (size_t)(end - *s), &cp);
	if (!k) {
		cp = 0x80000000u | (unsigned char)**s;
		k = 1;
	} else {
		cp = fold_cp(cp);
	}
	*s += k;
	return cp;
}

void str_fold_words(const char *s, size_t n, struct buf *out)
{
	bool space = true;
	size_t i = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (!k) {
			i++;
			continue;
		}
		i += k;
		if (cp >= 'A' && cp <= 'Z')
			cp += 32;
		else if (cp >= 0x410 && cp <= 0x42F)
			cp += 0x20;
		else if (cp == 0x401 || cp == 0x451)
			cp = 0x435;
		bool keep = (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') ||
			    (cp >= 0x430 && cp <= 0x44F) || cp == 0x2116;
		if (!keep) {
			if (!space)
				buf_putc(out, ' ');
			space = true;
			continue;
		}
		utf8_put(out, cp);
		space = false;
	}
}


bool str_fold_eq(const char *a, const char *b)
{
	/* Compares as str_fold() would, without building the folded strings: this runs per
	 * cell in imports. */
	size_t na = str_trim(&a, strlen(a)), nb = str_trim(&b, strlen(b));
	const char *ea = a + na, *eb = b + nb;
	for (;;) {
		uint32_t ca = next_folded(&a, ea), cb = next_folded(&b, eb);
		if (ca != cb)
			return false;
		if (!ca)
			return true;
	}
}

int str_to_double(const char *s, size_t n, double *out)
{
	n = str_trim(&s, n);
	if (n == 0 || n > 63)
		return ERR_PARSE;
	char tmp[64];
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (tmp[i] == ',')
			tmp[i] = '.';
	char *end;
	errno = 0;
	double v = strtod(tmp, &end);
	if (errno || *end || !isfinite(v))
		return ERR_PARSE;
	/* strtod accepts hex, inf and nan spellings; a score cell never holds them. */
	for (size_t i = 0; i < n; i++) {
		char c = tmp[i];
		if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
			return ERR_PARSE;
	}
	*out = v;
	return 0;
}

int str_to_int(const char *s, size_t n, long *out)
{
	n = str_trim(&s, n);
	if (n == 0 || n > 30)
		return ERR_PARSE;
	size_t i = 0;
	bool neg = false;
	if (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == n)
		return ERR_PARSE;
	long v = 0;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			break;
		if (v > (LONG_MAX - 9) / 10)
			return ERR_PARSE;
		v = v * 10 + (s[i] - '0');
	}
	if (i < n) {
		/* "12.0", "12,00": an integer stored as a float. */
		if (s[i] != '.' && s[i] != ',')
			return ERR_PARSE;
		if (i == 0 || (i == 1 && (s[0] == '-' || s[0] == '+')))
			return ERR_PARSE;
		for (i++; i < n; i++)
			if (s[i] != '0')
				return ERR_PARSE;
	}
	*out = neg ? -v : v;
	return 0;
}

bool str_is_x(const char *s, size_t n)
{
	n = str_trim(&s, n);
	if (n == 1)
		return s[0] == 'X' || s[0] == 'x';
	/* Х U+0425 = D0 A5, х U+0445 = D1 85 */
	if (n == 2)
		return ((unsigned char)s[0] == 0xD0 && (unsigned char)s[1] == 0xA5) ||
		       ((unsigned char)s[0] == 0xD1 && (unsigned char)s[1] == 0x85);
	return false;
}

void str_copy_utf8(char *dst, size_t n, const char *s)
{
	if (n == 0)
		return;
	size_t len = strlen(s);
	if (len >= n) {
		len = n - 1;
		/* Back off over continuation bytes to the start of a character. */
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(dst, s, len);
	dst[len] = '\0';
}

const char *str_plural(long n, const char *one, const char *few, const char *many)
{
	unsigned long m = n < 0 ? (unsigned long)-n : (unsigned long)n;
	unsigned long d = m % 10, h = m % 100;
	if (d == 1 && h != 11)
		return one;
	if (d >= 2 && d <= 4 && (h < 12 || h > 14))
		return few;
	return many;
}
