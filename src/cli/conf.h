/* conf: the configuration file oko.conf — `key = value` lines read before any command runs.
 *
 * The file is $OKO_CONF when that variable is set (empty: no file at all), else
 * /etc/oko/oko.conf when it exists (an absent file is fine and silent). Each key present in
 * the file sets its OKO_* environment variable when that variable is not already set, so an
 * option beats a variable and a variable beats the file; the commands read the variables
 * only. A bad line, an unknown or repeated key, or a bad value stops the command before it
 * runs (exit 2) with a Russian message naming the file and the line: the installation never
 * runs on half a configuration.
 *
 * Format: one `key = value` a line (white space around both is ignored); blank lines; lines
 * whose first non-blank character is `#` are comments; a `#` after a blank in a value is
 * refused (a comment after a value), a `#` elsewhere in a value is part of it.
 * A value is the rest of the line, not empty, without control characters, valid UTF-8. */
#ifndef OKO_CONF_H
#define OKO_CONF_H

#include <stddef.h>

#define CONF_PATH "/etc/oko/oko.conf"
#define CONF_MAX_BYTES (64 * 1024) /* a larger file is refused */
#define CONF_VALUE_MAX 1024        /* the longest value, bytes */

enum conf_kind {
	CONF_TEXT,    /* any non-empty text */
	CONF_UINT,    /* a whole number in [min, max]; unit names it in messages */
	CONF_BOOL,    /* yes/no, true/false, on/off, 1/0 (conf_bool) */
	CONF_ZONE,    /* a time zone of base/ru.h (ru_zone_find) */
	CONF_ENUM,    /* one of the words of choices, separated by '|' */
	CONF_PROXIES, /* addresses or networks, as `serve --trusted-proxy` (web_proxies_parse) */
};

struct conf_key {
	const char *key;   /* "upload_wait" */
	const char *env;   /* "OKO_UPLOAD_WAIT" */
	enum conf_kind kind;
	long min, max;     /* CONF_UINT */
	const char *unit;  /* CONF_UINT: "число секунд" */
	const char *choices; /* CONF_ENUM: "text|json" */
	const char *about; /* Russian, one sentence: for the man page */
};

extern const struct conf_key conf_keys[];
extern const size_t conf_nkeys;

/* The key by its name in the file, or by its variable; NULL when unknown. */
const struct conf_key *conf_find(const char *key);
const struct conf_key *conf_find_env(const char *env);

/* Checks value against k's kind: 0, or ERR_INVALID with a Russian reason in msg
 * («число секунд от 1 до 3600, а не «x»»). */
int conf_check(const struct conf_key *k, const char *value, char *msg, size_t msglen);
/* A checked CONF_BOOL value: 1 for yes/true/on/1, 0 otherwise. */
int conf_bool(const char *value);

/* Parses len bytes of a configuration file (need not end in NUL): for each `key = value`,
 * in order, calls fn with the key, the value (NUL-terminated, trimmed) and the 1-based line.
 * Stops at the first problem: ERR_INVALID with «строка N: …» in msg, or what fn returned
 * (fn writes its own msg). Checks every value with conf_check. */
typedef int (*conf_fn)(const struct conf_key *k, const char *value, int line, void *arg);
int conf_parse(const char *text, size_t len, conf_fn fn, void *arg, char *msg, size_t msglen);

/* Reads the configuration file (see above) and sets the variables it gives that are not
 * set already. 0 (also when there is no file), or ERR_INVALID / ERR_IO with a Russian
 * message naming the file (and the line) in msg. */
int conf_load(char *msg, size_t msglen);
/* Checks the value of every variable of conf_keys that is set and not empty (whether the
 * file or the environment set it): 0, or ERR_INVALID with a Russian message naming where
 * the bad value came from. */
int conf_check_env(char *msg, size_t msglen);
/* Where the current value of variable env came from, for a message: «upload_wait в
 * /etc/oko/oko.conf, строка 4» when conf_load set it, else the variable's name. */
const char *conf_origin(const char *env, char *buf, size_t n);

#endif
