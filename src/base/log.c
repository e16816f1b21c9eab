/* log: diagnostic messages on stderr, one line per event (text for people, or JSON). */
#include "base/log.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/mem.h"
#include "base/str.h"

static enum log_level level = LOG_INFO;
static enum log_format format = LOG_TEXT;

void log_set_level(enum log_level lv)
{
	level = lv;
}

enum log_level log_get_level(void)
{
	return level;
}

void log_set_format(enum log_format f)
{
	format = f;
}

enum log_format log_get_format(void)
{
	return format;
}

void log_init_from_env(void)
{
	const char *e = getenv("OKO_LOG");
	if (e) {
		if (!strcmp(e, "debug"))
			level = LOG_DEBUG;
		else if (!strcmp(e, "info"))
			level = LOG_INFO;
		else if (!strcmp(e, "warn"))
			level = LOG_WARN;
		else if (!strcmp(e, "error"))
			level = LOG_ERROR;
		else if (!strcmp(e, "quiet"))
			level = LOG_QUIET;
	}
	/* An unknown value never gets here: main's conf_check_env refuses it (exit 2). */
	const char *f = getenv("OKO_LOG_FORMAT");
	if (f && !strcmp(f, "json"))
		format = LOG_JSON;
	else if (f && !strcmp(f, "text"))
		format = LOG_TEXT;
}

/* Length of the well-formed UTF-8 character at s (at most n bytes), 0 when the bytes there
 * are not one. */
static size_t utf8_char(const char *s, size_t n)
{
	unsigned char c = (unsigned char)*s;
	size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
	if (!len || len > n)
		return 0;
	return utf8_valid(s, len) ? len : 0;
}

/* Text mode: the message on one line. A control character (a line break above all) is
 * written as \n, \r or \xHH, a byte that is not UTF-8 as \xHH; a tab stays. */
static void text_escape(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t len = utf8_char(s + i, n - i);
		if (c == '\n')
			buf_puts(b, "\\n");
		else if (c == '\r')
			buf_puts(b, "\\r");
		else if (len == 1 && (c >= 0x20 || c == '\t') && c != 0x7F)
			buf_putc(b, (char)c);
		else if (len > 1)
			buf_append(b, s + i, len);
		else
			buf_printf(b, "\\x%02X", c);
		i += len ? len : 1;
	}
}

/* JSON mode: text as well-formed UTF-8 (a stray byte becomes U+FFFD), for json_string. */
static char *utf8_clean(const char *s)
{
	size_t n = strlen(s);
	if (utf8_valid(s, n))
		return xstrdup(s);
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n;) {
		size_t len = utf8_char(s + i, n - i);
		if (len)
			buf_append(&b, s + i, len);
		else
			buf_puts(&b, "\xEF\xBF\xBD");
		i += len ? len : 1;
	}
	char *out = xstrdup(buf_str(&b));
	buf_free(&b);
	return out;
}

static json_t *json_text(const char *s)
{
	if (!s)
		return json_null();
	char *c = utf8_clean(s);
	json_t *j = json_string(c);
	free(c);
	return j ? j : json_null();
}

static const char *const level_names[] = { "debug", "info", "warn", "error" };

/* The event's line (malloc'd, no final newline). */
static char *format_line(enum log_format fmt, enum log_level lv, int64_t at_ms, const char *text,
			 const struct log_field *f, size_t nf)
{
	if (lv < LOG_DEBUG || lv > LOG_ERROR)
		lv = LOG_ERROR;
	if (fmt == LOG_TEXT) {
		static const char *prefix[] = { "отладка: ", "", "предупреждение: ", "ошибка: " };
		struct buf b = BUF_INIT;
		buf_puts(&b, "oko: ");
		buf_puts(&b, prefix[lv]);
		text_escape(&b, text);
		char *out = xstrdup(buf_str(&b));
		buf_free(&b);
		return out;
	}
	char ts[96];
	time_t sec = (time_t)(at_ms / 1000);
	struct tm tm;
	gmtime_r(&sec, &tm);
	snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(at_ms % 1000));
	json_t *o = json_object();
	json_object_set_new(o, "ts", json_string(ts));
	json_object_set_new(o, "level", json_string(level_names[lv]));
	json_object_set_new(o, "msg", json_text(text));
	for (size_t i = 0; i < nf; i++) {
		json_t *v = f[i].type == LOG_FIELD_INT ? json_integer((json_int_t)f[i].i)
			    : f[i].type == LOG_FIELD_NUM ? (isfinite(f[i].num) ? json_real(f[i].num) : json_null())
			    : json_text(f[i].text);
		json_object_set_new(o, f[i].key, v ? v : json_null());
	}
	/* Compact: no line break inside; jansson escapes every control character. */
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	json_decref(o);
	char *out = xstrdup(s ? s : "{}");
	free(s);
	return out;
}

void log_format_line(char *out, size_t n, enum log_format fmt, enum log_level lv, int64_t at_ms,
		     const char *text, const struct log_field *f, size_t nf)
{
	if (!n)
		return;
	char *line = format_line(fmt, lv, at_ms, text, f, nf);
	size_t len = strlen(line);
	if (len >= n) {
		len = n - 1;
		while (len > 0 && ((unsigned char)line[len] & 0xC0) == 0x80)
			len--; /* cut before a character, never inside one */
	}
	memcpy(out, line, len);
	out[len] = '\0';
	free(line);
}

static void emit(enum log_level lv, const char *text, const struct log_field *f, size_t nf)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	int64_t at = (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
	char *line = format_line(format, lv, at, text, f, nf);
	size_t len = strlen(line);
	line = xrealloc(line, len + 2);
	line[len] = '\n';
	/* One write per event (stderr is unbuffered) so lines from threads do not interleave. */
	fwrite(line, 1, len + 1, stderr);
	free(line);
}

void log_msg(enum log_level lv, const char *fmt, ...)
{
	if (lv < level || lv >= LOG_QUIET)
		return;
	char line[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	emit(lv, line, NULL, 0);
}

void log_fields(enum log_level lv, const char *text, const struct log_field *f, size_t n)
{
	if (lv < level || lv >= LOG_QUIET)
		return;
	emit(lv, text, f, n);
}
