/* log: diagnostic messages on stderr. */
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum log_level level = LOG_INFO;

void log_set_level(enum log_level lv)
{
	level = lv;
}

enum log_level log_get_level(void)
{
	return level;
}

void log_init_from_env(void)
{
	const char *e = getenv("OKO_LOG");
	if (!e)
		return;
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

void log_msg(enum log_level lv, const char *fmt, ...)
{
	static const char *prefix[] = { "отладка: ", "", "предупреждение: ", "ошибка: " };
	if (lv < level || lv >= LOG_QUIET)
		return;
	char line[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	/* One write per message so lines from threads do not interleave. */
	fprintf(stderr, "oko: %s%s\n", prefix[lv], line);
}
