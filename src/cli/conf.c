/* conf: the configuration file oko.conf (see conf.h). */
#include "cli/conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/ru.h"
#include "base/str.h"
#include "web/web.h"

/* Every key of the file, its variable, and what it says (the man page's ENVIRONMENT and
 * dist/oko.conf list the same keys). */
const struct conf_key conf_keys[] = {
	{ "db", "OKO_DB", CONF_TEXT, 0, 0, NULL, NULL,
	  "база данных: путь к файлу SQLite или адрес PostgreSQL (postgresql:///oko); "
	  "по умолчанию ./oko.db" },
	{ "key_file", "OKO_KEY_FILE", CONF_TEXT, 0, 0, NULL, NULL,
	  "файл главного ключа, которым зашифрованы ФИО учеников; по умолчанию рядом с базой "
	  "(ФАЙЛ_БАЗЫ.key)" },
	{ "files", "OKO_FILES", CONF_TEXT, 0, 0, NULL, NULL,
	  "каталог файлов, которые для SQLite лежат рядом с базой (ключ, материалы, сканы), "
	  "когда база — в PostgreSQL" },
	{ "listen", "OKO_LISTEN", CONF_TEXT, 0, 0, NULL, NULL,
	  "где слушает oko serve: АДРЕС:ПОРТ, по умолчанию 127.0.0.1:8080" },
	{ "threads", "OKO_THREADS", CONF_UINT, 1, 1024, "число потоков", NULL,
	  "рабочих потоков oko serve (по умолчанию — число ядер)" },
	{ "trusted_proxy", "OKO_TRUSTED_PROXY", CONF_PROXIES, 0, 0, NULL, NULL,
	  "адреса или сети обратных прокси через запятую, чьим заголовкам X-Forwarded-* "
	  "верит oko serve" },
	{ "secure_cookies", "OKO_SECURE_COOKIES", CONF_BOOL, 0, 0, NULL, NULL,
	  "yes — cookie только по HTTPS и HSTS (oko serve за HTTPS-прокси); по умолчанию no" },
	{ "upload_wait", "OKO_UPLOAD_WAIT", CONF_UINT, 1, 3600, "число секунд", NULL,
	  "сколько секунд загрузка ждёт очереди на запись (по умолчанию 60)" },
	{ "upload_memory", "OKO_UPLOAD_MEMORY", CONF_UINT, 1, 65536, "число мегабайт", NULL,
	  "сколько мегабайт памяти занимают все принимаемые файлы вместе (по умолчанию 256)" },
	{ "time_zone", "OKO_TIME_ZONE", CONF_ZONE, 0, 0, NULL, NULL,
	  "часовой пояс региона, пока он не задан в базе (oko settings time-zone); "
	  "по умолчанию Europe/Moscow" },
	{ "log", "OKO_LOG", CONF_ENUM, 0, 0, NULL, "debug|info|warn|error|quiet",
	  "подробность журнала: debug, info, warn, error или quiet" },
	{ "log_format", "OKO_LOG_FORMAT", CONF_ENUM, 0, 0, NULL, "text|json",
	  "вид журнала: text (строка на событие) или json" },
	{ "backup_dir", "OKO_BACKUP_DIR", CONF_TEXT, 0, 0, NULL, NULL,
	  "каталог резервной копии, которая делается перед обновлением схемы базы; "
	  "по умолчанию рядом с базой" },
};
const size_t conf_nkeys = sizeof conf_keys / sizeof *conf_keys;

/* Where conf_load took each key from: the line (0: not from the file) and the file. */
static int origin_line[sizeof conf_keys / sizeof *conf_keys];
static char origin_path[1024];

const struct conf_key *conf_find(const char *key)
{
	for (size_t i = 0; key && i < conf_nkeys; i++)
		if (!strcmp(conf_keys[i].key, key))
			return &conf_keys[i];
	return NULL;
}

const struct conf_key *conf_find_env(const char *env)
{
	for (size_t i = 0; env && i < conf_nkeys; i++)
		if (!strcmp(conf_keys[i].env, env))
			return &conf_keys[i];
	return NULL;
}

static const char *const bool_yes[] = { "yes", "true", "on", "1" };
static const char *const bool_no[] = { "no", "false", "off", "0" };

int conf_bool(const char *value)
{
	for (size_t i = 0; value && i < sizeof bool_yes / sizeof *bool_yes; i++)
		if (!strcmp(value, bool_yes[i]))
			return 1;
	return 0;
}

static bool in_choices(const char *choices, const char *v)
{
	size_t n = strlen(v);
	for (const char *p = choices; *p;) {
		const char *bar = strchr(p, '|');
		size_t m = bar ? (size_t)(bar - p) : strlen(p);
		if (m == n && !memcmp(p, v, n))
			return true;
		p += m + (bar != NULL);
	}
	return false;
}

int conf_check(const struct conf_key *k, const char *value, char *msg, size_t msglen)
{
	char shown[160];
	str_copy_utf8(shown, sizeof shown, value);
	switch (k->kind) {
	case CONF_TEXT:
		if (!*value) {
			snprintf(msg, msglen, "пустое значение");
			return ERR_INVALID;
		}
		return 0;
	case CONF_UINT: {
		long v = 0;
		size_t n = strlen(value);
		bool digits = n > 0 && n < 12;
		for (size_t i = 0; digits && i < n; i++)
			digits = value[i] >= '0' && value[i] <= '9';
		if (!digits || str_to_int(value, n, &v) || v < k->min || v > k->max) {
			snprintf(msg, msglen, "%s от %ld до %ld, а не «%s»", k->unit, k->min, k->max, shown);
			return ERR_INVALID;
		}
		return 0;
	}
	case CONF_BOOL:
		if (conf_bool(value))
			return 0;
		for (size_t i = 0; i < sizeof bool_no / sizeof *bool_no; i++)
			if (!strcmp(value, bool_no[i]))
				return 0;
		snprintf(msg, msglen, "yes или no, а не «%s»", shown);
		return ERR_INVALID;
	case CONF_ZONE:
		if (ru_zone_find(value))
			return 0;
		snprintf(msg, msglen,
			 "неизвестный часовой пояс «%s» (список: oko settings time-zones)", shown);
		return ERR_INVALID;
	case CONF_ENUM:
		if (in_choices(k->choices, value))
			return 0;
		char list[128];
		snprintf(list, sizeof list, "%s", k->choices);
		for (char *p = list; *p; p++)
			if (*p == '|')
				*p = ',';
		snprintf(msg, msglen, "одно из слов %s, а не «%s»", list, shown);
		return ERR_INVALID;
	case CONF_PROXIES: {
		struct web_proxies p;
		char why[256];
		if (!web_proxies_parse(value, &p, why, sizeof why))
			return 0;
		snprintf(msg, msglen, "%s", why);
		return ERR_INVALID;
	}
	}
	return ERR_INVALID;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* The line [s, s + n) without white space at either end. */
static size_t trim(const char **s, size_t n)
{
	while (n && is_space(**s))
		(*s)++, n--;
	while (n && is_space((*s)[n - 1]))
		n--;
	return n;
}

int conf_parse(const char *text, size_t len, conf_fn fn, void *arg, char *msg, size_t msglen)
{
	int seen[sizeof conf_keys / sizeof *conf_keys] = { 0 };
	const char *p = text, *end = text + len;
	/* A UTF-8 byte-order mark, as some editors write one. */
	if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	for (int line = 1; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *s = p;
		size_t n = trim(&s, (size_t)((nl ? nl : end) - p));
		p = nl ? nl + 1 : end;
		if (!n || *s == '#')
			continue;
		if (!utf8_valid(s, n)) {
			snprintf(msg, msglen, "строка %d: текст не в кодировке UTF-8", line);
			return ERR_INVALID;
		}
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)s[i] < 0x20 && s[i] != '\t') {
				snprintf(msg, msglen, "строка %d: управляющий символ в строке", line);
				return ERR_INVALID;
			}
		const char *eq = memchr(s, '=', n);
		if (!eq) {
			char shown[120];
			char copy[121];
			size_t m = n < sizeof copy - 1 ? n : sizeof copy - 1;
			memcpy(copy, s, m);
			copy[m] = '\0';
			str_copy_utf8(shown, sizeof shown, copy);
			snprintf(msg, msglen,
				 "строка %d: «%s» — не параметр: нужна строка вида «имя = значение»",
				 line, shown);
			return ERR_INVALID;
		}
		const char *ks = s, *vs = eq + 1;
		size_t kn = trim(&ks, (size_t)(eq - s));
		size_t vn = trim(&vs, (size_t)(s + n - vs));
		char key[64];
		if (!kn) {
			snprintf(msg, msglen, "строка %d: нет имени параметра перед «=»", line);
			return ERR_INVALID;
		}
		const struct conf_key *k = NULL;
		if (kn < sizeof key) {
			memcpy(key, ks, kn);
			key[kn] = '\0';
			k = conf_find(key);
		} else {
			memcpy(key, ks, sizeof key - 1);
			key[sizeof key - 1] = '\0';
		}
		if (!k) {
			char shown[64];
			str_copy_utf8(shown, sizeof shown, key);
			snprintf(msg, msglen,
				 "строка %d: неизвестный параметр «%s» (параметры перечислены в "
				 "man oko, раздел ОКРУЖЕНИЕ)",
				 line, shown);
			return ERR_INVALID;
		}
		size_t ki = (size_t)(k - conf_keys);
		if (seen[ki]) {
			snprintf(msg, msglen, "строка %d: параметр %s уже задан в строке %d", line,
				 k->key, seen[ki]);
			return ERR_INVALID;
		}
		seen[ki] = line;
		if (!vn) {
			snprintf(msg, msglen, "строка %d: у параметра %s нет значения", line, k->key);
			return ERR_INVALID;
		}
		if (vn >= CONF_VALUE_MAX) {
			snprintf(msg, msglen, "строка %d: значение %s длиннее %d байт", line, k->key,
				 CONF_VALUE_MAX - 1);
			return ERR_INVALID;
		}
		char value[CONF_VALUE_MAX];
		memcpy(value, vs, vn);
		value[vn] = '\0';
		/* "db = /srv/oko.db   # main" would name a file "oko.db   # main": a comment
		 * after a value is refused, not guessed at (a # inside a value, as in a password,
		 * stays part of it). */
		for (size_t j = 1; j < vn; j++)
			if (value[j] == '#' && (value[j - 1] == ' ' || value[j - 1] == '\t')) {
				snprintf(msg, msglen, "строка %d: после значения %s стоит комментарий «%s»: "
					 "комментарий пишется отдельной строкой, начинающейся с #",
					 line, k->key, value + j);
				return ERR_INVALID;
			}
		char why[512];
		if (conf_check(k, value, why, sizeof why)) {
			snprintf(msg, msglen, "строка %d: %s: %s", line, k->key, why);
			return ERR_INVALID;
		}
		int rc = fn(k, value, line, arg);
		if (rc)
			return rc;
	}
	return 0;
}

static int set_var(const struct conf_key *k, const char *value, int line, void *arg)
{
	/* The variable beats the file; an empty one counts as unset, as everywhere else
	 * (OKO_LOG_FORMAT= in a unit's Environment= must not hide the file's log_format). */
	const char *e = getenv(k->env);
	if (e && *e)
		return 0;
	if (setenv(k->env, value, 1))
		return ERR_NOMEM;
	origin_line[k - conf_keys] = line;
	return 0;
}

int conf_load(char *msg, size_t msglen)
{
	const char *env = getenv("OKO_CONF");
	const char *path = env ? env : CONF_PATH;
	if (!*path)
		return 0; /* OKO_CONF="": no file */
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (!env && errno == ENOENT)
			return 0;
		snprintf(msg, msglen, "файл настроек %s не открывается: %s", path, strerror(errno));
		return ERR_IO;
	}
	char *text = malloc(CONF_MAX_BYTES + 1);
	if (!text) {
		fclose(f);
		return ERR_NOMEM;
	}
	size_t n = fread(text, 1, CONF_MAX_BYTES + 1, f);
	int rc = ferror(f) ? ERR_IO : 0;
	fclose(f);
	if (rc) {
		snprintf(msg, msglen, "файл настроек %s не читается", path);
		goto done;
	}
	if (n > CONF_MAX_BYTES) {
		snprintf(msg, msglen, "файл настроек %s больше %d КБ", path, CONF_MAX_BYTES / 1024);
		rc = ERR_LIMIT;
		goto done;
	}
	snprintf(origin_path, sizeof origin_path, "%s", path);
	char why[1024];
	if ((rc = conf_parse(text, n, set_var, NULL, why, sizeof why)))
		snprintf(msg, msglen, "файл настроек %s, %s", path, why);
done:
	free(text);
	return rc;
}

const char *conf_origin(const char *env, char *buf, size_t n)
{
	const struct conf_key *k = conf_find_env(env);
	if (k && origin_line[k - conf_keys])
		snprintf(buf, n, "%s в %s, строка %d", k->key, origin_path, origin_line[k - conf_keys]);
	else
		snprintf(buf, n, "%s", env);
	return buf;
}

int conf_check_env(char *msg, size_t msglen)
{
	for (size_t i = 0; i < conf_nkeys; i++) {
		const char *v = getenv(conf_keys[i].env);
		char why[512], from[1200];
		if (!v || !*v || !conf_check(&conf_keys[i], v, why, sizeof why))
			continue;
		snprintf(msg, msglen, "%s: %s", conf_origin(conf_keys[i].env, from, sizeof from), why);
		return ERR_INVALID;
	}
	return 0;
}
