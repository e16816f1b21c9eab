/* cache: rendered fragments kept per worker thread, valid for one state of the database.
 *
 * Pages whose figures are the same for many users (the region's home page) render their
 * expensive parts once per content version (db_content_version) and scope. Each worker
 * thread has its own database connection and so its own cache: no locks. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "web/web.h"

#define CACHE_SLOTS 32

#define CACHE_KEY 160

static _Thread_local struct {
	char key[CACHE_KEY];
	uint64_t version;
	char *text;
	uint64_t used;
} slots[CACHE_SLOTS];
static _Thread_local uint64_t tick;
/* The version web_cache_get last saw: a text is put under it only when the version has not
 * moved since (the text may have been made from the data before or after a change). */
static _Thread_local uint64_t got;

const char *web_cache_get(struct web_req *r, const char *key)
{
	if (strlen(key) >= CACHE_KEY)
		return NULL; /* never kept (web_cache_put): a cut key could name another text */
	uint64_t v = got = db_content_version(r->db);
	if (!v)
		return NULL; /* no version: nothing is kept (web_cache_put) */
	for (int i = 0; i < CACHE_SLOTS; i++) {
		if (slots[i].text && slots[i].version == v && !strcmp(slots[i].key, key)) {
			slots[i].used = ++tick;
			return slots[i].text;
		}
	}
	return NULL;
}

void web_cache_put(struct web_req *r, const char *key, const char *text)
{
	uint64_t v = db_content_version(r->db);
	if (strlen(key) >= CACHE_KEY || !v || v != got)
		return;
	int victim = 0;
	for (int i = 0; i < CACHE_SLOTS; i++) {
		if (!strcmp(slots[i].key, key)) {
			victim = i;
			break;
		}
		if (slots[i].used < slots[victim].used)
			victim = i;
	}
	free(slots[victim].text);
	snprintf(slots[victim].key, sizeof slots[victim].key, "%s", key);
	slots[victim].version = v;
	slots[victim].text = xstrdup(text);
	slots[victim].used = ++tick;
}

/* The session's CSRF token (html_csrf) is the one part of a fragment with forms that
 * differs between users who may share it: kept as the byte CSRF_MARK, put back for the
 * reader. A text that holds that byte itself (a stored name with a control character) is
 * not kept, so every byte given back is the byte rendered. */
#define CSRF_MARK '\x01'

bool web_cache_out(struct web_req *r, const char *key, struct buf *b)
{
	const char *t = web_cache_get(r, key);
	if (!t)
		return false;
	for (const char *m; (m = strchr(t, CSRF_MARK)); t = m + 1) {
		buf_append(b, t, (size_t)(m - t));
		buf_puts(b, r->csrf);
	}
	buf_puts(b, t);
	return true;
}

void web_cache_keep(struct web_req *r, const char *key, const char *text)
{
	size_t n = strlen(r->csrf);
	if (!n || strchr(text, CSRF_MARK))
		return; /* nothing to tell a token from; or a text the mark would corrupt */
	struct buf t = BUF_INIT;
	for (const char *m; (m = strstr(text, r->csrf)); text = m + n) {
		buf_append(&t, text, (size_t)(m - text));
		buf_putc(&t, CSRF_MARK);
	}
	buf_puts(&t, text);
	web_cache_put(r, key, buf_str(&t));
	buf_free(&t);
}

void web_cache_free(void)
{
	for (int i = 0; i < CACHE_SLOTS; i++) {
		free(slots[i].text);
		slots[i].text = NULL;
		slots[i].key[0] = '\0';
	}
}
