/* pending: uploads kept while their uploader decides (migration 011).
 *
 * The web asks before a results file replaces results of earlier uploads or creates a
 * procedure guessed from the file; the file waits here, owned by its uploader, for a day at
 * most, and goes when it is confirmed or dropped. */
#ifndef OKO_PENDING_H
#define OKO_PENDING_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

#define PENDING_TTL (24 * 3600)

/* Keeps a file for user_id; *id names it. Files older than PENDING_TTL go first. */
int pending_put(struct db *d, int64_t user_id, const char *file, const char *procedure,
		const void *data, size_t len, int64_t now, int64_t *id);
/* The file of pending upload id, if it is user_id's and alive: file name, procedure and a
 * malloc'ed copy of the bytes (the caller frees *data). ERR_NOTFOUND otherwise. */
int pending_get(struct db *d, int64_t id, int64_t user_id, int64_t now, char *file, size_t nfile,
		char *procedure, size_t nproc, void **data, size_t *len);
int pending_delete(struct db *d, int64_t id);

#endif
