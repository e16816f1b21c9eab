/* hmap: a hash map from byte strings to 64-bit values (FNV-1a, linear probing). */
#include "base/hmap.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h | 1; /* 0 marks an empty slot */
}

void hmap_init(struct hmap *m)
{
	m->cap = 64;
	m->count = 0;
	m->slots = xcalloc(m->cap, sizeof *m->slots);
	arena_init(&m->keys, 0);
}

void hmap_free(struct hmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->count = 0;
	arena_free(&m->keys);
}

static struct hmap_slot *find(const struct hmap *m, const char *key, size_t len, uint64_t h)
{
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct hmap_slot *s = &m->slots[i];
		if (!s->hash)
			return s;
		if (s->hash == h && s->len == len && !memcmp(s->key, key, len))
			return s;
	}
}

bool hmap_get(const struct hmap *m, const char *key, size_t len, int64_t *value)
{
	struct hmap_slot *s = find(m, key, len, hash(key, len));
	if (!s->hash)
		return false;
	*value = s->value;
	return true;
}

static void grow(struct hmap *m)
{
	struct hmap_slot *old = m->slots;
	size_t oldcap = m->cap;
	m->cap *= 2;
	m->slots = xcalloc(m->cap, sizeof *m->slots);
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].hash)
			*find(m, old[i].key, old[i].len, old[i].hash) = old[i];
	free(old);
}

bool hmap_put(struct hmap *m, const char *key, size_t len, int64_t value)
{
	if ((m->count + 1) * 4 > m->cap * 3)
		grow(m);
	uint64_t h = hash(key, len);
	struct hmap_slot *s = find(m, key, len, h);
	if (s->hash) {
		s->value = value;
		return false;
	}
	s->hash = h;
	s->key = arena_strndup(&m->keys, key, len);
	s->len = len;
	s->value = value;
	m->count++;
	return true;
}
