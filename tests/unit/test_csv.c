/* Unit tests of the CSV reader and writer: encodings, separators, RFC 4180 quoting, line
 * numbers, limits, binary and broken input, chunk boundaries. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "base/str.h"
#include "io/csv.h"
#include "io/spool.h"

/* The reader's chunk size (CSV_CHUNK in csv.c); the boundary tests straddle it. */
#define CHUNK (256 * 1024)

/* A whole input read into a flat form: records joined by '\n', fields by '|', each record
 * prefixed with its line number, e.g. "1:a|b\n3:c|d\n". Returns the last csv_next() code. */
static int slurp(struct csv_reader *r, struct buf *out)
{
	size_t nf, *lens;
	char **f;
	int rc;
	while ((rc = csv_next(r, &nf, &f, &lens)) == 1) {
		buf_printf(out, "%ld:", csv_line(r));
		for (size_t i = 0; i < nf; i++) {
			assert_int_equal(strlen(f[i]), lens[i]);
			if (i)
				buf_putc(out, '|');
			buf_append(out, f[i], lens[i]);
		}
		buf_putc(out, '\n');
	}
	return rc;
}

/* Parses text from memory and checks the flat form; returns the reader (closed by caller). */
static struct csv_reader *parse_mem(const char *text, size_t len, const char *want)
{
	struct csv_reader *r;
	char msg[256];
	int rc = csv_open_mem(&r, text, len, NULL, msg, sizeof msg);
	if (rc)
		fail_msg("csv_open_mem: %d %s", rc, msg);
	struct buf b = BUF_INIT;
	rc = slurp(r, &b);
	if (rc)
		fail_msg("csv_next: %d %s", rc, csv_error(r));
	assert_string_equal(buf_str(&b), want);
	buf_free(&b);
	return r;
}

static void check(const char *text, const char *want)
{
	csv_close(parse_mem(text, strlen(text), want));
}

/* Writes len bytes to a fresh temporary file; returns its path (free() it, unlink it). */
static char *temp_file(const void *data, size_t len)
{
	char *path = xstrdup("/tmp/oko_test_csv_XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *p = data;
	while (len) {
		ssize_t k = write(fd, p, len);
		assert_true(k > 0);
		p += k;
		len -= (size_t)k;
	}
	close(fd);
	return path;
}

/* Appends lines of 'x' to t until it is end bytes long, and their records to want,
 * numbered from *line. */
static void filler(struct buf *t, struct buf *want, long *line, size_t end)
{
	while (t->len < end) {
		size_t n = end - t->len;
		if (n > 100)
			n = 100;
		if (n > 1)
			buf_printf(want, "%ld:", *line);
		for (size_t i = 0; i + 1 < n; i++) {
			buf_putc(t, 'x');
			buf_putc(want, 'x');
		}
		buf_putc(t, '\n');
		if (n > 1)
			buf_putc(want, '\n');
		(*line)++;
	}
}

/* The 1-based line of the byte at pos. */
static long line_at(const char *s, size_t pos)
{
	long line = 1;
	for (size_t i = 0; i < pos; i++)
		line += s[i] == '\n';
	return line;
}

/* Runs the same text through both the memory and the file reader; both must agree. */
static void check_both(const char *text, size_t len, const char *want)
{
	csv_close(parse_mem(text, len, want));
	char *path = temp_file(text, len);
	struct csv_reader *r;
	char msg[256];
	int rc = csv_open_file(&r, path, NULL, msg, sizeof msg);
	if (rc)
		fail_msg("csv_open_file: %d %s", rc, msg);
	struct buf b = BUF_INIT;
	rc = slurp(r, &b);
	if (rc)
		fail_msg("csv_next (file): %d %s", rc, csv_error(r));
	assert_string_equal(buf_str(&b), want);
	assert_int_equal(csv_bytes_total(r), len);
	buf_free(&b);
	csv_close(r);
	unlink(path);
	free(path);
}

/* Expects csv_next() to fail with code at some point; returns the message. */
static void expect_next_error(const char *text, size_t len, const struct csv_limits *lim,
			      int code, const char *msg_part)
{
	struct csv_reader *r;
	char msg[256];
	int rc = csv_open_mem(&r, text, len, lim, msg, sizeof msg);
	assert_int_equal(rc, 0);
	struct buf b = BUF_INIT;
	rc = slurp(r, &b);
	assert_int_equal(rc, code);
	if (!strstr(csv_error(r), msg_part))
		fail_msg("message \"%s\" lacks \"%s\"", csv_error(r), msg_part);
	/* Sticky: the same error again. */
	size_t nf, *lens;
	char **f;
	assert_int_equal(csv_next(r, &nf, &f, &lens), code);
	buf_free(&b);
	csv_close(r);
}

static void test_basic_utf8(void **state)
{
	struct csv_reader *r = parse_mem("a,b,c\n1,2,3\n", 12, "1:a|b|c\n2:1|2|3\n");
	assert_int_equal(csv_encoding(r), CSV_UTF8);
	assert_string_equal(csv_encoding_name(r), "UTF-8");
	assert_int_equal(csv_separator(r), ',');
	assert_string_equal(csv_error(r), "");
	assert_int_equal(csv_bytes_total(r), 12);
	assert_int_equal(csv_bytes_done(r), 12);
	/* The end stays the end. */
	size_t nf, *lens;
	char **f;
	assert_int_equal(csv_next(r, &nf, &f, &lens), 0);
	csv_close(r);
	check("Фамилия,Имя\nИванов,Пётр\n", "1:Фамилия|Имя\n2:Иванов|Пётр\n");
	check("a,,c\n,\n", "1:a||c\n2:|\n");
}

static void test_bom(void **state)
{
	const char *t = "\xEF\xBB\xBFлогин;класс\nsch1;5А\n";
	struct csv_reader *r = parse_mem(t, strlen(t), "1:логин|класс\n2:sch1|5А\n");
	assert_int_equal(csv_encoding(r), CSV_UTF8_BOM);
	assert_int_equal(csv_separator(r), ';');
	csv_close(r);
	/* The BOM is not part of the first field, even when it is quoted. */
	check("\xEF\xBB\xBF\"a\",b\n", "1:a|b\n");
}

static void test_cp1251(void **state)
{
	const char *utf = "Фамилия;Имя;№ п/п;Пол\r\nЁлкина;Наталья «Ната»;1;ж\r\n"
			  "Иванов;Пётр;2;м\r\n";
	struct buf cp = BUF_INIT;
	assert_int_equal(utf8_to_cp1251(utf, strlen(utf), &cp), 0);
	assert_false(utf8_valid(cp.p, cp.len));
	struct csv_reader *r = parse_mem(cp.p, cp.len,
					 "1:Фамилия|Имя|№ п/п|Пол\n"
					 "2:Ёлкина|Наталья «Ната»|1|ж\n"
					 "3:Иванов|Пётр|2|м\n");
	assert_int_equal(csv_encoding(r), CSV_CP1251);
	assert_string_equal(csv_encoding_name(r), "Windows-1251");
	assert_int_equal(csv_separator(r), ';');
	csv_close(r);
	/* The same through a file. */
	check_both(cp.p, cp.len,
		   "1:Фамилия|Имя|№ п/п|Пол\n2:Ёлкина|Наталья «Ната»|1|ж\n3:Иванов|Пётр|2|м\n");
	buf_free(&cp);
	/* Literal bytes: "Да;Нет" in cp1251. */
	check("\xC4\xE0;\xCD\xE5\xF2\n", "1:Да|Нет\n");
}

static void test_cp1251_undefined_byte(void **state)
{
	/* 0x98 is the one byte Windows-1251 leaves undefined. */
	const char t[] = "\xC4\xE0;\xCD\xE5\xF2\n\xC4\xE0;\x98\n";
	expect_next_error(t, sizeof t - 1, NULL, ERR_ENCODING, "строка 2");
}

static void test_separators(void **state)
{
	struct csv_reader *r;
	r = parse_mem("a\tb\tc\n1\t2\t3\n", 12, "1:a|b|c\n2:1|2|3\n");
	assert_int_equal(csv_separator(r), '\t');
	csv_close(r);
	/* None in the first record: ','. */
	r = parse_mem("abc\ndef\n", 8, "1:abc\n2:def\n");
	assert_int_equal(csv_separator(r), ',');
	csv_close(r);
	/* The most frequent wins: decimal commas in a ';' file. */
	const char *t = "a;b;c\n1,5;2,5;3\n";
	r = parse_mem(t, strlen(t), "1:a|b|c\n2:1,5|2,5|3\n");
	assert_int_equal(csv_separator(r), ';');
	csv_close(r);
	t = "a,b;c,d\n";
	r = parse_mem(t, strlen(t), "1:a|b;c|d\n");
	assert_int_equal(csv_separator(r), ',');
	csv_close(r);
	/* Separators inside quotes do not count. */
	t = "\"x;y;z;w\",b\n";
	r = parse_mem(t, strlen(t), "1:x;y;z;w|b\n");
	assert_int_equal(csv_separator(r), ',');
	csv_close(r);
	/* Only the first record counts; leading blank lines are skipped. */
	t = "\n\na;b\n1,2,3,4\n";
	r = parse_mem(t, strlen(t), "3:a|b\n4:1,2,3,4\n");
	assert_int_equal(csv_separator(r), ';');
	csv_close(r);
}

static void test_quotes(void **state)
{
	check("\"a,b\",\"c\"\"d\",\"\"\n", "1:a,b|c\"d|\n");
	/* Embedded newlines: the next record's line number counts them. */
	check("\"line1\nline2\",x\ny,z\n", "1:line1\nline2|x\n3:y|z\n");
	check("\"a\r\nb\",c\r\nd,e\r\n", "1:a\r\nb|c\n3:d|e\n");
	check("\"\"\"quoted\"\"\"\n", "1:\"quoted\"\n");
	/* Lenient: a quote inside an unquoted field is kept as it is; so is text after the
	 * closing quote. */
	check("ab\"c,d\"\"e\n", "1:ab\"c|d\"\"e\n");
	check("\"ab\"cd,e\n", "1:abcd|e\n");
	/* A quote in a later field. */
	check("1,\"2\n3\",4\n5,6,7\n", "1:1|2\n3|4\n3:5|6|7\n");
	/* An empty quoted field alone on a line is a record, not a blank line. */
	check("\"\"\nx\n", "1:\n2:x\n");
}

static void test_line_endings(void **state)
{
	check("a,b\r\nc,d\r\n", "1:a|b\n2:c|d\n");
	check("a,b\rc,d\r", "1:a|b\n2:c|d\n");
	check("a,b\nc,d\r\ne,f\rg,h", "1:a|b\n2:c|d\n3:e|f\n4:g|h\n");
	/* No final newline. */
	check("a,b\nc,d", "1:a|b\n2:c|d\n");
	check("a,b\n\"c\",\"d\"", "1:a|b\n2:c|d\n");
	/* A trailing separator makes an empty last field, with or without a newline. */
	check("a,\nb,", "1:a|\n2:b|\n");
	check("x", "1:x\n");
}

static void test_blank_lines(void **state)
{
	check("\n\na,b\n\n\r\n\rc,d\n\n", "3:a|b\n7:c|d\n");
	/* Lines of spaces only are blank too, but not a line of separators. */
	check("a,b\n   \n\t\n,\nc,d\n", "1:a|b\n4:|\n5:c|d\n");
	check("  a  , b \n", "1:  a  | b \n");
}

static void test_line_numbers(void **state)
{
	const char *t = "h1,h2\n\"multi\nline\nfield\",x\n\ny,\"a\r\nb\"\r\nz,w";
	struct csv_reader *r;
	assert_int_equal(csv_open_mem(&r, t, strlen(t), NULL, NULL, 0), 0);
	size_t nf, *lens;
	char **f;
	long want[] = { 1, 2, 6, 8 };
	for (int i = 0; i < 4; i++) {
		assert_int_equal(csv_next(r, &nf, &f, &lens), 1);
		assert_int_equal(csv_line(r), want[i]);
		assert_int_equal(nf, 2);
	}
	assert_int_equal(csv_next(r, &nf, &f, &lens), 0);
	csv_close(r);
}

static void test_empty(void **state)
{
	check("", "");
	check("\xEF\xBB\xBF", "");
	check("\n\r\n  \n\t\n", "");
	check("\xEF\xBB\xBF\r\n \r\n", "");
	check_both("", 0, "");
	check_both("\xEF\xBB\xBF\n", 4, "");
	struct csv_reader *r;
	assert_int_equal(csv_open_mem(&r, NULL, 0, NULL, NULL, 0), 0);
	size_t nf, *lens;
	char **f;
	assert_int_equal(csv_next(r, &nf, &f, &lens), 0);
	csv_close(r);
}

static void test_unterminated_quote(void **state)
{
	const char *t = "a,b\nc,\"d\ne\nf\n";
	expect_next_error(t, strlen(t), NULL, ERR_PARSE, "строка 2");
	t = "\"abc";
	expect_next_error(t, strlen(t), NULL, ERR_PARSE, "строка 1");
	/* Records before the bad one are returned first. */
	struct csv_reader *r;
	assert_int_equal(csv_open_mem(&r, "x,y\n1,\"2", 8, NULL, NULL, 0), 0);
	size_t nf, *lens;
	char **f;
	assert_int_equal(csv_next(r, &nf, &f, &lens), 1);
	assert_int_equal(csv_next(r, &nf, &f, &lens), ERR_PARSE);
	assert_non_null(strstr(csv_error(r), "кавычка"));
	csv_close(r);
}

static void test_binary(void **state)
{
	struct csv_reader *r = (struct csv_reader *)1;
	char msg[256];
	static const char bin[] = "a,b\n\0\x01\x02\x03";
	assert_int_equal(csv_open_mem(&r, bin, sizeof bin - 1, NULL, msg, sizeof msg), ERR_FORMAT);
	assert_null(r);
	assert_non_null(strstr(msg, "двоичные данные"));
	/* The same through a file. */
	char *path = temp_file(bin, sizeof bin - 1);
	r = (struct csv_reader *)1;
	assert_int_equal(csv_open_file(&r, path, NULL, msg, sizeof msg), ERR_FORMAT);
	assert_null(r);
	assert_non_null(strstr(msg, "двоичные данные"));
	unlink(path);
	free(path);
	/* XLSX and UTF-16 get their own explanations. */
	assert_int_equal(csv_open_mem(&r, "PK\x03\x04\x14\0\0\0", 8, NULL, msg, sizeof msg),
			 ERR_FORMAT);
	assert_non_null(strstr(msg, "XLSX"));
	assert_int_equal(csv_open_mem(&r, "\xFF\xFE" "a\0,\0b\0", 8, NULL, msg, sizeof msg),
			 ERR_ENCODING);
	assert_non_null(strstr(msg, "UTF-16"));
	/* A message buffer is optional. */
	assert_int_equal(csv_open_mem(&r, bin, sizeof bin - 1, NULL, NULL, 0), ERR_FORMAT);
	/* A NUL after the first chunk is found by the parser, with its line. */
	size_t n = CHUNK + 1000;
	char *big = xmalloc(n);
	for (size_t i = 0; i < n; i++)
		big[i] = i % 10 == 9 ? '\n' : 'x';
	big[CHUNK + 105] = '\0';
	char want[64];
	snprintf(want, sizeof want, "строка %ld:", line_at(big, CHUNK + 105));
	expect_next_error(big, n, NULL, ERR_FORMAT, want);
	free(big);
}

static void test_missing_file(void **state)
{
	struct csv_reader *r;
	char msg[256];
	assert_int_equal(csv_open_file(&r, "/nonexistent/oko/x.csv", NULL, msg, sizeof msg),
			 ERR_IO);
	assert_null(r);
	assert_non_null(strstr(msg, "/nonexistent/oko/x.csv"));
	assert_non_null(strstr(msg, "нет такого файла"));
	/* A directory opens but cannot be read. */
	assert_int_equal(csv_open_file(&r, "/tmp", NULL, msg, sizeof msg), ERR_IO);
	assert_null(r);
	assert_non_null(strstr(msg, "папка"));
}

static void test_limit_fields(void **state)
{
	/* A million fields in one line: fails cleanly at the cap, without a million slots. */
	size_t n = 1000000;
	char *t = xmalloc(n + 8);
	memcpy(t, "a,b\n", 4);
	memset(t + 4, ',', n - 1);
	t[4 + n - 1] = '\n';
	expect_next_error(t, n + 4, NULL, ERR_LIMIT, "строка 2: больше 16384 столбцов");
	/* Exactly at the cap is fine. */
	struct csv_limits lim = { 0, 5, 0 };
	struct csv_reader *r;
	assert_int_equal(csv_open_mem(&r, "1,2,3,4,5\n1,2,3,4,5,6\n", 22, &lim, NULL, 0), 0);
	size_t nf, *lens;
	char **f;
	assert_int_equal(csv_next(r, &nf, &f, &lens), 1);
	assert_int_equal(nf, 5);
	assert_int_equal(csv_next(r, &nf, &f, &lens), ERR_LIMIT);
	assert_non_null(strstr(csv_error(r), "строка 2: больше 5 столбцов"));
	csv_close(r);
	/* A trailing separator at the end of input counts too. */
	assert_int_equal(csv_open_mem(&r, "1,2,3,4,5,", 10, &lim, NULL, 0), 0);
	assert_int_equal(csv_next(r, &nf, &f, &lens), ERR_LIMIT);
	csv_close(r);
	free(t);
}

static void test_limit_field_and_record(void **state)
{
	/* Default field cap: 64 KiB. */
	size_t n = 70000;
	char *t = xmalloc(n + 16);
	memcpy(t, "a,b\nx,", 6);
	memset(t + 6, 'y', n);
	t[6 + n] = '\n';
	expect_next_error(t, n + 7, NULL, ERR_LIMIT, "строка 2, столбец 2: значение длиннее 65536");
	/* An unclosed quote that swallows the file hits the cap and says why. */
	t[4] = '"';
	expect_next_error(t, n + 7, NULL, ERR_LIMIT, "кавычка не закрыта");
	free(t);
	/* Small caps. */
	struct csv_limits lim = { 4, 100, 16 };
	expect_next_error("abcd,efgh\nabcde\n", 16, &lim, ERR_LIMIT, "строка 2, столбец 1");
	expect_next_error("\"ab\"\"cd\",x", 10, &lim, ERR_LIMIT, "строка 1");
	expect_next_error("ab,cd,ef,gh,ij,kl\n", 18, &lim, ERR_LIMIT,
			  "строка 1: запись длиннее 16 байт");
	struct csv_reader *r;
	assert_int_equal(csv_open_mem(&r, "abcd,efgh\n", 10, &lim, NULL, 0), 0);
	size_t nf, *lens;
	char **f;
	assert_int_equal(csv_next(r, &nf, &f, &lens), 1);
	assert_string_equal(f[1], "efgh");
	csv_close(r);
}

/* Through memory and a file: the records handed out before the error must be want (flat
 * form), then csv_next() fails with ERR_ENCODING and a message containing msg_part. */
static void expect_both_mixed(const char *text, size_t len, const char *want,
			      const char *msg_part)
{
	char *path = temp_file(text, len);
	for (int mode = 0; mode < 2; mode++) {
		struct csv_reader *r;
		char msg[256];
		int rc = mode ? csv_open_file(&r, path, NULL, msg, sizeof msg)
			      : csv_open_mem(&r, text, len, NULL, msg, sizeof msg);
		if (rc)
			fail_msg("open: %d %s", rc, msg);
		struct buf b = BUF_INIT;
		rc = slurp(r, &b);
		if (rc != ERR_ENCODING)
			fail_msg("mode %d: %d, expected \"%s\"; read:\n%.300s", mode, rc, msg_part,
				 buf_str(&b));
		assert_string_equal(buf_str(&b), want);
		if (!strstr(csv_error(r), msg_part))
			fail_msg("message \"%s\" lacks \"%s\"", csv_error(r), msg_part);
		assert_null(strstr(buf_str(&b), "Р"));
		buf_free(&b);
		csv_close(r);
	}
	unlink(path);
	free(path);
}

/* A file that mixes UTF-8 and Windows-1251 records is refused, naming the lines, whichever
 * comes first; before, the first 256 KiB decided for the whole file and "4А" in UTF-8
 * became "4Рђ". */
static void test_mixed_encodings(void **state)
{
	/* UTF-8 rows, then a cp1251 one: the class "4А" both ways */
	struct buf t = BUF_INIT, want = BUF_INIT;
	buf_puts(&t, "school,class\n");
	buf_puts(&want, "1:school|class\n");
	for (int i = 2; i <= 10; i++) {
		buf_printf(&t, "sch%d,4А\n", i);
		buf_printf(&want, "%d:sch%d|4А\n", i, i);
	}
	buf_puts(&t, "sch11,4\xC0\nsch12,4\xC0\n");
	expect_both_mixed(t.p, t.len, buf_str(&want), "файл в смешанной кодировке: строки 1–10 в "
			  "UTF-8, строка 11 — нет (байт 0xC0); сохраните файл заново в одной кодировке");

	/* cp1251 rows, then a UTF-8 one */
	buf_reset(&t);
	buf_reset(&want);
	buf_puts(&t, "school,class\n");
	buf_puts(&want, "1:school|class\n");
	for (int i = 2; i <= 10; i++) {
		buf_printf(&t, "sch%d,4\xC0\n", i);
		buf_printf(&want, "%d:sch%d|4А\n", i, i);
	}
	buf_puts(&t, "sch11,4А\nsch12,4\xC0\n");
	expect_both_mixed(t.p, t.len, buf_str(&want), "файл в смешанной кодировке: строки 1–10 в "
			  "Windows-1251, строка 11 — в UTF-8; сохраните файл заново в одной кодировке");
	/* the same at the very end of the file, without a final newline */
	t.len -= strlen("sch12,4\xC0\n");
	t.len--;
	expect_both_mixed(t.p, t.len, buf_str(&want), "строка 11 — в UTF-8");
	/* "И" in UTF-8 ends in 0x98, the byte cp1251 leaves undefined: still a UTF-8 line */
	expect_both_mixed("\xC4\xE0\n\xD0\x98\n", 6, "1:Да\n",
			  "файл в смешанной кодировке: строка 1 в Windows-1251, строка 2 — в UTF-8");

	/* both in one line: the first line with non-ASCII is not UTF-8, but it has UTF-8 words */
	const char *s2 = "a,b\n\xC8\xE2\xE0\xED\xEE\xE2,Петров\n";
	expect_both_mixed(s2, strlen(s2), "1:a|b\n",
			  "строка 2: в строке смешаны Windows-1251 и UTF-8");
	/* and the other way round: UTF-8 on line 1, cp1251 later in the same line */
	s2 = "Петров,\xC8\xE2\xE0\xED\xEE\xE2\n";
	expect_both_mixed(s2, strlen(s2), "", "строка 1: в строке смешаны Windows-1251 и UTF-8");
	/* a BOM promises UTF-8, and the first line breaks the promise */
	expect_both_mixed("\xEF\xBB\xBF" "a\xC0\n", 6, "",
			  "строка 1: в строке смешаны UTF-8 и другая кодировка (байт 0xC0 не UTF-8)");

	/* UTF-8 at the start, a cp1251 name on line 3 */
	const char *s3 = "имя,класс\nИванов,5\n\xC8\xE2\xE0\xED\xEE\xE2,6\n";
	expect_both_mixed(s3, strlen(s3), "1:имя|класс\n2:Иванов|5\n",
			  "строки 1–2 в UTF-8, строка 3 — нет");
	/* a BOM says UTF-8 from the first line */
	expect_both_mixed("\xEF\xBB\xBF" "a\n\xC0\n", 7, "1:a\n",
			  "строка 1 в UTF-8, строка 2 — нет (байт 0xC0)");

	/* Windows-1251 whose only non-ASCII text are pairs that happen to be valid UTF-8 ("С»"
	 * is U+047B) is still Windows-1251 when the line has other letters */
	check("\xCE\xCE\xCE \xAB\xCB\xC5\xD1\xBB;1\n\xAB\xD1\xBB;2\n", "1:ООО «ЛЕС»|1\n2:«С»|2\n");
	/* and a lone capital before a dash decodes to a C1 control, which text never has */
	check("\xC4\xE0;1\n\xC2\x97;2\n", "1:Да|1\n2:В—|2\n");
	buf_free(&want);
	buf_free(&t);
}

/* The first 256 KiB decide nothing when they are ASCII: a Windows-1251 file whose first
 * Cyrillic byte comes later is read as Windows-1251 (before, it was refused as broken
 * UTF-8), and a file that mixes the encodings there is refused all the same. */
static void test_late_encoding(void **state)
{
	struct buf t = BUF_INIT, want = BUF_INIT;
	long line = 2;
	buf_puts(&t, "id;name\n");
	buf_puts(&want, "1:id|name\n");
	filler(&t, &want, &line, CHUNK + 1000);
	buf_puts(&t, "1;\xC8\xE2\xE0\xED\xEE\xE2\n2;\xCF\xB8\xF2\xF0\n");
	buf_printf(&want, "%ld:1|Иванов\n%ld:2|Пётр\n", line, line + 1);
	check_both(t.p, t.len, buf_str(&want));
	char *path = temp_file(t.p, t.len);
	struct csv_reader *r;
	assert_int_equal(csv_open_file(&r, path, NULL, NULL, 0), 0);
	assert_int_equal(csv_encoding(r), CSV_UTF8); /* nothing but ASCII seen yet */
	struct buf b = BUF_INIT;
	assert_int_equal(slurp(r, &b), 0);
	assert_int_equal(csv_encoding(r), CSV_CP1251);
	assert_string_equal(csv_encoding_name(r), "Windows-1251");
	buf_free(&b);
	csv_close(r);
	unlink(path);
	free(path);

	/* a CRLF split by the chunk boundary right before the first cp1251 byte */
	buf_reset(&t);
	buf_reset(&want);
	line = 1;
	filler(&t, &want, &line, CHUNK - 1);
	t.len--;
	buf_puts(&t, "\r\n\xC4\xE0\r\n");
	buf_printf(&want, "%ld:Да\n", line);
	check_both(t.p, t.len, buf_str(&want));

	/* past the first chunk: cp1251, then a UTF-8 line */
	buf_reset(&t);
	buf_reset(&want);
	line = 2;
	buf_puts(&t, "id;name\n");
	buf_puts(&want, "1:id|name\n");
	filler(&t, &want, &line, CHUNK + 1000);
	buf_printf(&t, "1;\xC8\xE2\xE0\xED\xEE\xE2\n");
	buf_printf(&want, "%ld:1|Иванов\n", line++);
	filler(&t, &want, &line, 2 * CHUNK + 1000);
	long l2 = line;
	buf_puts(&t, "2;Пётр\n");
	char msg[160];
	snprintf(msg, sizeof msg, "строки 1–%ld в Windows-1251, строка %ld — в UTF-8", l2 - 1, l2);
	expect_both_mixed(t.p, t.len, buf_str(&want), msg);

	/* past the first chunk: UTF-8, then a cp1251 line (the UTF-8 text also late) */
	buf_reset(&t);
	buf_reset(&want);
	line = 1;
	filler(&t, &want, &line, CHUNK + 1000);
	buf_puts(&t, "Иванов\n");
	buf_printf(&want, "%ld:Иванов\n", line++);
	filler(&t, &want, &line, 3 * CHUNK);
	buf_puts(&t, "\xC8\xE2\xE0\xED\n");
	snprintf(msg, sizeof msg, "строки 1–%ld в UTF-8, строка %ld — нет (байт 0xC8)", line - 1,
		 line);
	expect_both_mixed(t.p, t.len, buf_str(&want), msg);

	/* UTF-8 in the first chunk, a cp1251 byte past it */
	size_t n = CHUNK + 100;
	char *big = xmalloc(n);
	for (size_t i = 0; i < n; i++)
		big[i] = i % 20 == 19 ? '\n' : 'a';
	memcpy(big, "\xD0\x98\xD0\xBC\xD1\x8F", 6); /* "Имя" */
	big[CHUNK + 50] = (char)0xC8;
	snprintf(msg, sizeof msg, "строки 1–%ld в UTF-8, строка %ld — нет (байт 0xC8)",
		 line_at(big, CHUNK + 50) - 1, line_at(big, CHUNK + 50));
	expect_next_error(big, n, NULL, ERR_ENCODING, msg);
	/* A file cut in the middle of a character, past the first chunk. */
	big[CHUNK + 50] = 'a';
	big[n - 1] = (char)0xD0;
	expect_next_error(big, n, NULL, ERR_ENCODING, "посреди символа");
	free(big);
	buf_free(&want);
	buf_free(&t);
}

/* Builds ~1 MB of records "i,name_i,Ж,i%7\n" and checks every record comes back. */
static void test_large_file(void **state)
{
	struct buf t = BUF_INIT;
	long nrec = 0;
	buf_puts(&t, "id,name,g,k\r\n");
	while (t.len < 1100000) {
		buf_printf(&t, "%ld,\"имя %ld, \"\"x\"\"\",Ж,%ld\r\n", nrec, nrec, nrec % 7);
		nrec++;
	}
	assert_true(t.len > 4 * CHUNK);
	char *path = temp_file(t.p, t.len);
	for (int mode = 0; mode < 2; mode++) {
		struct csv_reader *r;
		char msg[256];
		int rc = mode ? csv_open_file(&r, path, NULL, msg, sizeof msg)
			      : csv_open_mem(&r, t.p, t.len, NULL, msg, sizeof msg);
		assert_int_equal(rc, 0);
		size_t nf, *lens;
		char **f;
		assert_int_equal(csv_next(r, &nf, &f, &lens), 1);
		assert_string_equal(f[0], "id");
		long i = 0;
		char want[64];
		while ((rc = csv_next(r, &nf, &f, &lens)) == 1) {
			assert_int_equal(nf, 4);
			assert_int_equal(csv_line(r), i + 2);
			snprintf(want, sizeof want, "имя %ld, \"x\"", i);
			assert_string_equal(f[1], want);
			assert_int_equal(strtol(f[0], NULL, 10), i);
			assert_string_equal(f[2], "Ж");
			i++;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(i, nrec);
		assert_int_equal(csv_bytes_done(r), t.len);
		assert_int_equal(csv_bytes_total(r), t.len);
		csv_close(r);
	}
	unlink(path);
	free(path);
	buf_free(&t);
}

/* A character of k bytes placed at every offset around the first chunk's end, with and
 * without a BOM, through memory and a file; also a CRLF split by the boundary. */
static void test_chunk_boundary(void **state)
{
	static const char *chars[] = { "Ж", "€", "😀" };
	for (int bom = 0; bom < 2; bom++) {
		for (int ci = 0; ci < 3; ci++) {
			for (size_t at = CHUNK - 5; at <= CHUNK + 5; at++) {
				struct buf t = BUF_INIT;
				if (bom)
					buf_puts(&t, "\xEF\xBB\xBF");
				buf_puts(&t, "h\n");
				while (t.len < at - 4)
					buf_putc(&t, t.len % 50 == 0 ? '\n' : 'a');
				while (t.len < at)
					buf_putc(&t, 'b');
				buf_puts(&t, chars[ci]);
				buf_puts(&t, "c,d\r\n");
				/* The expected: count the lines up to the character. */
				long line = line_at(t.p, at);
				size_t s = at;
				while (s > 0 && t.p[s - 1] != '\n')
					s--;
				struct buf want = BUF_INIT;
				buf_printf(&want, "%ld:", line);
				buf_append(&want, t.p + s, at - s);
				buf_printf(&want, "%sc|d\n", chars[ci]);
				/* Only the last record is compared. */
				for (int mode = 0; mode < 2; mode++) {
					struct csv_reader *r;
					char *path = NULL;
					int rc;
					if (mode) {
						path = temp_file(t.p, t.len);
						rc = csv_open_file(&r, path, NULL, NULL, 0);
					} else {
						rc = csv_open_mem(&r, t.p, t.len, NULL, NULL, 0);
					}
					assert_int_equal(rc, 0);
					assert_int_equal(csv_encoding(r), bom ? CSV_UTF8_BOM : CSV_UTF8);
					struct buf got = BUF_INIT;
					assert_int_equal(slurp(r, &got), 0);
					const char *last = got.p + got.len - 1;
					while (last > got.p && last[-1] != '\n')
						last--;
					assert_string_equal(last, buf_str(&want));
					buf_free(&got);
					csv_close(r);
					if (path) {
						unlink(path);
						free(path);
					}
				}
				buf_free(&want);
				buf_free(&t);
			}
		}
	}
	/* CR LF with the CR last in the first chunk: one line ending, not two. */
	struct buf t = BUF_INIT, want = BUF_INIT;
	long line = 2;
	buf_puts(&t, "a,b\n");
	buf_puts(&want, "1:a|b\n");
	filler(&t, &want, &line, CHUNK - 4);
	buf_puts(&t, "x,y\r\nc,d\n\"e\r\nf\",g\n");
	buf_printf(&want, "%ld:x|y\n%ld:c|d\n%ld:e\r\nf|g\n", line, line + 1, line + 2);
	check_both(t.p, t.len, buf_str(&want));
	/* And a quoted CR LF split by the boundary. */
	buf_reset(&t);
	buf_reset(&want);
	line = 1;
	filler(&t, &want, &line, CHUNK - 5);
	buf_puts(&t, "\"xyz\r\nq\",w\nc,d\n");
	buf_printf(&want, "%ld:xyz\r\nq|w\n%ld:c|d\n", line, line + 2);
	check_both(t.p, t.len, buf_str(&want));
	buf_free(&want);
	buf_free(&t);
}

/* Reads in with the caps fast (the split of a plain record at once on) and states (a record
 * cap of 63 bytes: too small a buffer for that split, the parser's states alone): every
 * record, line number, result and message the same. */
static void same_both(const struct buf *in, const struct csv_limits *fast,
		      const struct csv_limits *states)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	char m1[256], m2[256];
	struct csv_reader *ra = NULL, *rb = NULL;
	assert_int_equal(csv_open_mem(&ra, in->p, in->len, fast, m1, sizeof m1), 0);
	assert_int_equal(csv_open_mem(&rb, in->p, in->len, states, m2, sizeof m2), 0);
	int ca = slurp(ra, &a), cb = slurp(rb, &b);
	assert_int_equal(ca, cb);
	assert_string_equal(csv_error(ra), csv_error(rb));
	assert_int_equal(a.len, b.len);
	if (b.len)
		assert_memory_equal(a.p, b.p, b.len);
	csv_close(ra);
	csv_close(rb);
	buf_free(&a);
	buf_free(&b);
}

/* The fast split of a record of unquoted fields (fast_record in csv.c) reads what the
 * states read (same_both): random records of quotes at and inside fields, empty fields,
 * spaces, CR, LF and CRLF, blank lines, lone fields, Cyrillic, and in two rounds a plain
 * record with a NUL in it, over more than two chunks; then a field over its cap and a
 * record over its count of fields, each in a record the split would take. */
static void test_fast_split_same(void **state)
{
	(void)state;
	static const char *const bits[] = { "1", "23", "", " ", "\"q\"", "a\"b", "\"x;y\"",
					    "\"\"", "ка", "4А", "\"мн\nо\"", "7 " };
	static const char *const ends[] = { "\n", "\r\n", "\r", "\n\n", "\n \n" };
	const struct csv_limits states = { .max_record = 63 };
	for (int round = 0; round < 6; round++) {
		char sep = round % 3 == 0 ? ';' : round % 3 == 1 ? ',' : '\t';
		struct buf in = BUF_INIT;
		uint32_t x = 12345u + (uint32_t)round;
		buf_printf(&in, "a%cb%cc\n", sep, sep); /* the separator, as detected */
		while (in.len < 3 * CHUNK) {
			size_t rec = in.len;
			if (round >= 4 && in.len > CHUNK + 999 && /* not where the opening looks */
			    ((x = x * 1103515245u + 12345u) >> 16) % 3000 == 0) {
				buf_printf(&in, "5%c6", sep); /* a plain record with a NUL */
				buf_putc(&in, '\0');
				buf_printf(&in, "8%c7", sep);
			}
			int nf = 1 + (int)((x = x * 1103515245u + 12345u) >> 16) % 9;
			for (int k = 0; k < nf && in.len - rec < 40; k++) {
				if (k)
					buf_putc(&in, sep);
				buf_puts(&in, bits[((x = x * 1103515245u + 12345u) >> 16) % 12]);
			}
			buf_puts(&in, ends[((x = x * 1103515245u + 12345u) >> 16) % 5]);
		}
		same_both(&in, NULL, &states);
		buf_free(&in);
	}
	/* The caps: a field of 5 bytes over 4, then 4 fields over 3, in plain records. */
	struct buf in = BUF_INIT;
	buf_puts(&in, "a;b;c\n1;2;3\n11;22222;3\n");
	const struct csv_limits field = { .max_field = 4 }, field_states = { 4, 0, 63 };
	same_both(&in, &field, &field_states);
	buf_reset(&in);
	buf_puts(&in, "a;b;c\n1;2;3\n1;2;3;4\n");
	const struct csv_limits fields = { .max_fields = 3 }, fields_states = { 0, 3, 63 };
	same_both(&in, &fields, &fields_states);
	buf_free(&in);
}

static void test_put_field(void **state)
{
	struct buf b = BUF_INIT;
	assert_int_equal(csv_put_field(&b, "plain", 5, ','), 0);
	buf_putc(&b, ',');
	assert_int_equal(csv_put_field(&b, "a,b", 3, ','), 0);
	buf_putc(&b, ',');
	assert_int_equal(csv_put_field(&b, "say \"hi\"", 8, ','), 0);
	buf_putc(&b, ',');
	assert_int_equal(csv_put_field(&b, "", 0, ','), 0);
	buf_putc(&b, ',');
	assert_int_equal(csv_put_field(&b, "a;b", 3, ','), 0);
	buf_putc(&b, ',');
	assert_int_equal(csv_put_field(&b, "l1\nl2", 5, ','), 0);
	buf_putc(&b, ',');
	assert_int_equal(csv_put_field(&b, "\"", 1, ','), 0);
	assert_string_equal(buf_str(&b), "plain,\"a,b\",\"say \"\"hi\"\"\",,a;b,\"l1\nl2\",\"\"\"\"");
	buf_reset(&b);
	assert_int_equal(csv_put_field(&b, "a;b", 3, ';'), 0);
	assert_string_equal(buf_str(&b), "\"a;b\"");

	/* Round trip of awkward fields through the reader. */
	static const char *vals[] = { "id", "Школа «Ромашка», филиал", "\"\"", "a\r\nb", "",
				      "x\"y", ";", "  пробелы  ", "\r", "конец\n" };
	size_t nv = sizeof vals / sizeof vals[0];
	buf_reset(&b);
	for (int rec = 0; rec < 3; rec++) {
		for (size_t i = 0; i < nv; i++) {
			if (i)
				buf_putc(&b, ',');
			assert_int_equal(csv_put_field(&b, vals[i], strlen(vals[i]), ','), 0);
		}
		buf_puts(&b, "\r\n");
	}
	struct csv_reader *r;
	assert_int_equal(csv_open_mem(&r, b.p, b.len, NULL, NULL, 0), 0);
	assert_int_equal(csv_separator(r), ',');
	size_t nf, *lens;
	char **f;
	for (int rec = 0; rec < 3; rec++) {
		assert_int_equal(csv_next(r, &nf, &f, &lens), 1);
		assert_int_equal(nf, nv);
		for (size_t i = 0; i < nv; i++) {
			assert_int_equal(lens[i], strlen(vals[i]));
			assert_memory_equal(f[i], vals[i], lens[i]);
		}
	}
	assert_int_equal(csv_next(r, &nf, &f, &lens), 0);
	csv_close(r);
	/* A capped buffer reports the cap. */
	struct buf small;
	buf_init(&small, 4);
	assert_int_equal(csv_put_field(&small, "a,bcdef", 7, ','), ERR_LIMIT);
	buf_free(&small);
	buf_free(&b);
}

/* A spool is a file without a name from its first moment (O_TMPFILE): the descriptor's link
 * in /proc says "/dir/#N (deleted)", never a named .oko-spool-… that a kill between create
 * and unlink would leave behind (the crash test found one). */
static void test_spool_never_named(void **state)
{
	char dir[] = "/tmp/oko-spool-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct spool *s = NULL;
	assert_int_equal(spool_open(&s, dir), 0);
	assert_int_equal(spool_write(s, "abc", 3), 0);
	int named = 0, seen = 0;
	DIR *fds = opendir("/proc/self/fd");
	assert_non_null(fds);
	struct dirent *e;
	while ((e = readdir(fds))) {
		char p[300], link[600];
		snprintf(p, sizeof p, "/proc/self/fd/%s", e->d_name);
		ssize_t n = readlink(p, link, sizeof link - 1);
		if (n <= 0)
			continue;
		link[n] = 0;
		if (!strncmp(link, dir, strlen(dir))) {
			seen++;
			named += strstr(link, ".oko-spool-") != NULL;
		}
	}
	closedir(fds);
	spool_close(s);
	rmdir(dir);
	assert_int_equal(seen, 1);
	assert_int_equal(named, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_utf8),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_cp1251),
		cmocka_unit_test(test_cp1251_undefined_byte),
		cmocka_unit_test(test_separators),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_line_endings),
		cmocka_unit_test(test_blank_lines),
		cmocka_unit_test(test_line_numbers),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_limit_fields),
		cmocka_unit_test(test_limit_field_and_record),
		cmocka_unit_test(test_mixed_encodings),
		cmocka_unit_test(test_late_encoding),
		cmocka_unit_test(test_large_file),
		cmocka_unit_test(test_chunk_boundary),
		cmocka_unit_test(test_fast_split_same),
		cmocka_unit_test(test_put_field),
		cmocka_unit_test(test_spool_never_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
