/* str: text helpers — UTF-8 validation and case folding, Windows-1251 conversion, trimming,
 * number parsing and the normalisation of labels and headers that the real forms need.
 *
 * Russian forms mix Cyrillic and Latin look-alikes ('X'/'Х', '1K1'/'1К1'); str_fold()
 * maps both to one key so a header or a position label matches either spelling. */
#ifndef OKO_STR_H
#define OKO_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* True when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
bool utf8_valid(const char *s, size_t n);
/* Decodes one code point at s (n bytes available); returns its length, or 0 when invalid. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Appends the UTF-8 encoding of cp. */
int utf8_put(struct buf *b, uint32_t cp);
/* Number of code points in a valid UTF-8 string. */
size_t utf8_len(const char *s, size_t n);

/* Converts Windows-1251 text to UTF-8 (through iconv), appending to out. */
int cp1251_to_utf8(const char *s, size_t n, struct buf *out);
/* Converts UTF-8 to Windows-1251; characters without a cp1251 form fail with ERR_ENCODING. */
int utf8_to_cp1251(const char *s, size_t n, struct buf *out);

/* Trims ASCII white space and no-break spaces from both ends; returns the new length and
 * moves *s. Inline for its common case, a text whose first and last bytes are ASCII from
 * '!' to DEL (0x21-0x7F: nothing to trim; an import trims every cell it reads);
 * str_trim_ends does the rest. */
size_t str_trim_ends(const char **s, size_t n);
static inline size_t str_trim(const char **s, size_t n)
{
	const char *p = *s;
	if (n && (unsigned char)(p[0] - 0x21) < 0x5F && (unsigned char)(p[n - 1] - 0x21) < 0x5F)
		return n;
	return str_trim_ends(s, n);
}

/* Folds text for matching: trims, lower-cases Latin and Cyrillic, maps ё to е, collapses
 * runs of white space to one space, and maps Cyrillic letters that look like Latin ones
 * (а в е к м н о р с т у х) to their Latin twin. The result is written to out (reset first).
 * Two strings that a person reads as the same header or label fold to the same key. */
int str_fold(const char *s, size_t n, struct buf *out);
/* str_fold() of both sides compared. */
bool str_fold_eq(const char *a, const char *b);
/* Appends the words of s for matching by keyword: Latin and Cyrillic lower-cased, ё as е,
 * letters, digits and «№» kept, every other run of characters turned into one space (no
 * look-alike mapping: «март» stays Cyrillic). */
void str_fold_words(const char *s, size_t n, struct buf *out);

/* Parses a whole decimal integer (optional sign, surrounding spaces allowed; "12.0" is
 * accepted as 12 because spreadsheets store integers as floats). Returns 0 or ERR_PARSE. */
int str_to_int(const char *s, size_t n, long *out);
/* Parses a decimal number; accepts ',' as the decimal separator. */
int str_to_double(const char *s, size_t n, double *out);

/* Copies s into dst (size n), truncating at a character boundary so the copy stays valid
 * UTF-8; dst is always NUL-terminated. */
void str_copy_utf8(char *dst, size_t n, const char *s);

/* True when s equals one of the spellings of "not attempted": X or Х in either case. */
bool str_is_x(const char *s, size_t n);

/* The Russian plural form for n: one («1 работа», 21, 101…), few («2 работы», 3, 4, 22…)
 * or many («5 работ», 11–14, 0…). */
const char *str_plural(long n, const char *one, const char *few, const char *many);

#endif
