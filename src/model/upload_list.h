/* upload_list: reading the history of results uploads (migration 002) — the latest uploads
 * of a territory (home page, API) and of one school (its card). Writing the history is the
 * importer's (model/upload.h).
 *
 * Conventions: 0 or a negative ERR_*; rows go to a callback, whose text is valid only
 * during the call; a non-zero return of the callback stops the walk and is returned. */
#ifndef OKO_UPLOAD_LIST_H
#define OKO_UPLOAD_LIST_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "model/scope.h"

/* One (upload, procedure, school) of the history. */
struct upload_list_row {
	int64_t upload;
	const char *at;        /* "YYYY-MM-DDTHH:MM:SSZ" (UTC) */
	const char *file, *user, *layout; /* user: the uploader's name (its login when none) */
	const char *procedure; /* code */
	const char *school;    /* login */
	int64_t rows, written, replaced;
	const char *school_name;
};
typedef int (*upload_list_fn)(void *ctx, const struct upload_list_row *r);

/* The scope's latest uploads, newest first, at most limit rows; the rows of one upload by
 * school login (by_school) or the last stored first (by procedure and school id, newest
 * first: the cheap order, for a short list). */
int upload_list_scope(struct db *d, const struct scope *sc, bool by_school, long limit,
		      upload_list_fn fn, void *ctx);
/* One school's uploads, newest first, at most limit rows. */
int upload_list_school(struct db *d, int64_t school_id, long limit, upload_list_fn fn, void *ctx);

#endif
