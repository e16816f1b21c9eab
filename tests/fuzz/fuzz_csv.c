/* libFuzzer target for the CSV reader: any input must end in records, the end, or a clean
 * error, never a crash, a leak or a read out of bounds.
 *
 * Each input is read twice, with the default caps and with tiny ones (so the cap paths run
 * too). Every record is checked (fields NUL-terminated at their length, valid UTF-8, within
 * the caps, line numbers never going back) and written out again with csv_put_field; that
 * text, read and written once more with the same separator, must come out the same. A file
 * read to its end must have been in one encoding: never UTF-8 and Windows-1251 lines mixed.
 * And the split of a plain record at once must read what the parser's states read. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/str.h"
#include "io/csv.h"

#define CHECK(c)                                                                       \
	do {                                                                           \
		if (!(c)) {                                                            \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			abort();                                                       \
		}                                                                      \
	} while (0)

/* Reads everything from r, checking each record, and writes the records to out (when not
 * NULL) with separator sep. Returns the last csv_next() code. */
static int drain(struct csv_reader *r, const struct csv_limits *lim, struct buf *out, char sep)
{
	size_t nf, *lens;
	char **f;
	long last = 0;
	int rc;
	while ((rc = csv_next(r, &nf, &f, &lens)) == 1) {
		CHECK(nf >= 1);
		CHECK(!lim || nf <= lim->max_fields);
		CHECK(csv_line(r) >= 1 && csv_line(r) > last);
		last = csv_line(r);
		for (size_t i = 0; i < nf; i++) {
			CHECK(f[i][lens[i]] == '\0');
			CHECK(strlen(f[i]) == lens[i]);
			CHECK(!lim || lens[i] <= lim->max_field);
			CHECK(utf8_valid(f[i], lens[i]));
		}
		if (!out)
			continue;
		/* A lone blank field is a blank line, which the reader skips. */
		if (nf == 1) {
			size_t k = 0;
			while (k < lens[0] && (f[0][k] == ' ' || f[0][k] == '\t'))
				k++;
			if (k == lens[0])
				continue;
		}
		for (size_t i = 0; i < nf; i++) {
			if (i)
				buf_putc(out, sep);
			CHECK(csv_put_field(out, f[i], lens[i], sep) == 0);
		}
		buf_puts(out, "\r\n");
	}
	CHECK(rc <= 0);
	CHECK(rc == 0 || csv_error(r)[0] != '\0');
	/* Errors stick; the end stays the end. */
	CHECK(csv_next(r, &nf, &f, &lens) == rc);
	return rc;
}

/* A line that reads as UTF-8 text: valid, with non-ASCII characters, none a C1 control. */
static bool utf8_line(const uint8_t *s, size_t n)
{
	bool high = false;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		size_t k = utf8_decode((const char *)s + i, n - i, &cp);
		if (!k || cp < 0xA0)
			return false;
		high = true;
		i += k;
	}
	return high;
}

/* A file read to its end was in one encoding: all UTF-8, or Windows-1251 with no line that
 * reads as UTF-8 text. */
static void check_encoding(const uint8_t *data, size_t size, enum csv_encoding enc)
{
	if (enc == CSV_UTF8_BOM) {
		CHECK(size >= 3 && utf8_valid((const char *)data + 3, size - 3));
		return;
	}
	if (enc == CSV_UTF8) {
		CHECK(utf8_valid((const char *)data, size));
		return;
	}
	CHECK(!utf8_valid((const char *)data, size));
	size_t start = 0;
	for (size_t i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n' && data[i] != '\r')
			continue;
		CHECK(!utf8_line(data + start, i - start));
		start = i + 1;
	}
}

static void run(const uint8_t *data, size_t size, const struct csv_limits *lim)
{
	struct csv_reader *r = NULL, *r2 = NULL;
	char msg[256];
	struct buf a = BUF_INIT, b = BUF_INIT;
	if (csv_open_mem(&r, data, size, lim, msg, sizeof msg)) {
		CHECK(r == NULL && msg[0]);
		return;
	}
	(void)csv_encoding_name(r);
	CHECK(csv_bytes_total(r) == size);
	char sep = csv_separator(r);
	CHECK(sep == ',' || sep == ';' || sep == '\t');
	/* A leading newline keeps a field that starts like a BOM from being taken for one. */
	buf_puts(&a, "\n");
	if (drain(r, lim, &a, sep) != 0)
		goto out;
	CHECK(csv_bytes_done(r) == size);
	check_encoding(data, size, csv_encoding(r));
	if (csv_open_mem(&r2, a.p, a.len, lim, msg, sizeof msg))
		goto out;
	CHECK(csv_encoding(r2) == CSV_UTF8);
	if (csv_separator(r2) != sep)
		goto out; /* detected differently: no fixed point to compare */
	buf_puts(&b, "\n");
	CHECK(drain(r2, lim, &b, sep) == 0);
	CHECK(a.len == b.len && memcmp(a.p, b.p, a.len) == 0);
out:
	csv_close(r);
	csv_close(r2);
	buf_free(&a);
	buf_free(&b);
}

/* Every record with its line, flat, and then the reader's message; the last csv_next()
 * code (-1000 when the opening failed). */
static int flat(const uint8_t *data, size_t size, const struct csv_limits *lim, struct buf *out)
{
	struct csv_reader *r = NULL;
	char msg[256];
	if (csv_open_mem(&r, data, size, lim, msg, sizeof msg))
		return -1000;
	size_t nf, *lens;
	char **f;
	int rc;
	while ((rc = csv_next(r, &nf, &f, &lens)) == 1) {
		buf_printf(out, "%ld:", csv_line(r));
		for (size_t i = 0; i < nf; i++) {
			buf_append(out, f[i], lens[i]);
			buf_putc(out, 0x1f);
		}
		buf_putc(out, '\n');
	}
	buf_puts(out, csv_error(r));
	csv_close(r);
	return rc;
}

/* The split of a plain record at once (csv.c, fast_record) reads what the states read. A
 * file read with records capped at 63 bytes (too few for that split: the states alone) to
 * its end, or to an error other than a cap's, reads the same with the default caps: the
 * same records, lines, code and message. */
static void same_split(const uint8_t *data, size_t size)
{
	struct csv_limits states = { 0, 0, 63 };
	struct buf a = BUF_INIT, b = BUF_INIT;
	int rc = flat(data, size, &states, &a);
	if (rc != -1000 && rc != ERR_LIMIT) {
		CHECK(flat(data, size, NULL, &b) == rc);
		CHECK(a.len == b.len && (!a.len || memcmp(a.p, b.p, a.len) == 0));
	}
	buf_free(&a);
	buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run(data, size, NULL);
	struct csv_limits tiny = { 8, 4, 32 };
	run(data, size, &tiny);
	same_split(data, size);
	return 0;
}
