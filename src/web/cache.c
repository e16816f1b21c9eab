/* cache: rendered fragments kept per worker thread, valid for one state of the database.
 *
 * Pages whose figures are the same for many users (the region's home page) render their
 * expensive parts once per database version (db_data_version) and scope. Each worker
 * thread has its own database connection and so its own cache: no locks. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "web/web.h"

#define CACHE_SLOTS 32

static _Thread_local struct {
	char key[96];
	uint64_t version;
	char *text;
	uint64_t used;
} slots[CACHE_SLOTS];
static _Thread_local uint64_t tick;

const char *web_cache_get(struct web_req *r, const char *key)
{
	uint64_t v = db_data_version(r->db);
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
	slots[victim].version = db_data_version(r->db);
	slots[victim].text = xstrdup(text);
	slots[victim].used = ++tick;
}

void web_cache_free(void)
{
	for (int i = 0; i < CACHE_SLOTS; i++) {
		free(slots[i].text);
		slots[i].text = NULL;
		slots[i].key[0] = '\0';
	}
}
