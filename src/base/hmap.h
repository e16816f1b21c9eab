/* hmap: a hash map from byte strings to 64-bit values.
 *
 * Open addressing with linear probing; keys are copied into the map's own arena. Used for
 * the look-ups that imports do per row (school login → id, participant code → id, seen
 * codes), where a database query per row would be the bottleneck. */
#ifndef OKO_HMAP_H
#define OKO_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

struct hmap_slot {
	const char *key;
	size_t len;
	uint64_t hash;
	int64_t value;
};

struct hmap {
	struct hmap_slot *slots;
	size_t cap;   /* power of two */
	size_t count;
	struct arena keys;
};

void hmap_init(struct hmap *m);
void hmap_free(struct hmap *m);
/* Finds key; returns true and sets *value when present. */
bool hmap_get(const struct hmap *m, const char *key, size_t len, int64_t *value);
/* Sets key to value, adding it when absent. Returns true when the key was new. */
bool hmap_put(struct hmap *m, const char *key, size_t len, int64_t value);

#endif
