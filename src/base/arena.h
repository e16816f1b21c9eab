/* arena: region allocator for request- and job-scoped memory.
 *
 * Allocations come from large blocks and are released all at once by arena_free() (or
 * arena_reset(), which keeps the first block). Use it for everything that lives as long as
 * one command, one import or one HTTP request. Out-of-memory aborts. */
#ifndef OKO_ARENA_H
#define OKO_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t block_size;
	size_t total; /* bytes handed out, for statistics */
};

void arena_init(struct arena *a, size_t block_size);
void arena_free(struct arena *a);
void arena_reset(struct arena *a);
/* Memory aligned for any type; zero-filled. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
