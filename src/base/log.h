/* log: diagnostic messages on stderr, one line per event.
 *
 * Users see Russian messages; the level decides what is printed (OKO_LOG=debug|info|warn|
 * error|quiet, default info). The format is OKO_LOG_FORMAT: "text" (the default, for people:
 * «oko: предупреждение: …») or "json" (for a log collector: one object per line,
 * {"ts":"2026-12-04T23:31:46.123Z","level":"info","msg":"…"} and the event's own fields).
 * Either way an event is exactly one line: a line break, another control character or
 * a byte that is not UTF-8 inside a message is escaped, never written as it is. The web
 * server's access log is log_fields() with the request's fields. */
#ifndef OKO_LOG_H
#define OKO_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_QUIET };
enum log_format { LOG_TEXT, LOG_JSON };

void log_set_level(enum log_level lv);
void log_set_format(enum log_format f);
/* Reads OKO_LOG and OKO_LOG_FORMAT from the environment; an unknown value changes nothing
 * (main refuses an unknown OKO_LOG_FORMAT before: conf_check_env, src/cli/conf.c). */
void log_init_from_env(void);
enum log_level log_get_level(void);
enum log_format log_get_format(void);
void log_msg(enum log_level lv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A field of a structured event: text (NULL: JSON null), an integer or a number. */
struct log_field {
	const char *key;
	enum { LOG_FIELD_TEXT, LOG_FIELD_INT, LOG_FIELD_NUM } type;
	const char *text;
	int64_t i;
	double num;
};
#define LOG_TEXT_FIELD(k, v) { .key = (k), .type = LOG_FIELD_TEXT, .text = (v) }
#define LOG_INT_FIELD(k, v) { .key = (k), .type = LOG_FIELD_INT, .i = (v) }
#define LOG_NUM_FIELD(k, v) { .key = (k), .type = LOG_FIELD_NUM, .num = (v) }

/* An event with fields: in text the line text (as log_msg prints it); in JSON the object
 * with "msg": text and the n fields after ts, level and msg. */
void log_fields(enum log_level lv, const char *text, const struct log_field *f, size_t n);

/* The line an event is written as, without its final newline, into out (n bytes, cut at a
 * character boundary when longer); at is the time in milliseconds since 1970 (UTC). For
 * tests; log_msg and log_fields write what this gives. */
void log_format_line(char *out, size_t n, enum log_format fmt, enum log_level lv, int64_t at_ms,
		     const char *text, const struct log_field *f, size_t nf);

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
