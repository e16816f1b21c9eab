/* mem: allocation wrappers that abort on out-of-memory.
 *
 * oko treats running out of memory as fatal (like Redis and git): callers never check
 * these for NULL. Input sizes are capped elsewhere, so OOM means a bug or a tiny machine. */
#ifndef OKO_MEM_H
#define OKO_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array to hold at least need elements of size bytes; *cap is updated. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
