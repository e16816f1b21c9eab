/* upload: the history of results uploads (migration 002) — writing it.
 *
 * Every stored results upload (a file, a grid save) is one `upload` row: name, BLAKE2b
 * digest and size of its bytes, layout, user, time and row counts; per (procedure, school)
 * it touched, one `upload_school` row with what the school holds after it and what it
 * replaced. The importer writes them inside its own transaction. Reading the history is
 * result_upload_get() and result_latest_upload() (model/result.h) and the pages' queries.
 *
 * Conventions: int returns 0 or a negative ERR_*; each function prepares its statement
 * once per call (called once per upload, so nothing is cached); SQL in the dialect of both
 * SQLite and PostgreSQL. */
#ifndef OKO_UPLOAD_H
#define OKO_UPLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/* What an upload read and stored, recorded when the store ends. */
struct upload_counts {
	const char *layout; /* layout_name(): canonical | vpr2021 | vpr2020 | form */
	long rows;          /* data rows read */
	long written;       /* participants who wrote the work */
	long absent;
	long marked;        /* rows stored with a problem marked */
	const char *digest_hex; /* the file's BLAKE2b-256, hex, and its size in bytes */
	int64_t size;
};

/* Records a new upload with nothing counted yet, its digest "" and size 0 until
 * upload_set_counts() writes them (in the same transaction); *id gets its id. user "" or
 * NULL is recorded as "?". */
int upload_add(struct db *d, const char *file, const char *user, int64_t *id);
/* Sets the upload's layout, counts, digest and size. */
int upload_set_counts(struct db *d, int64_t id, const struct upload_counts *c);
/* What the upload did to one school's results for a procedure: the results the school
 * holds after it (rows, of them written), and how many earlier ones it replaced. */
struct upload_school {
	int64_t procedure_id, school_id;
	long rows, written;
	int64_t replaced;
};
/* Records the n schools of an upload (one statement for all of them). */
int upload_schools_add(struct db *d, int64_t upload_id, const struct upload_school *v, size_t n);

/* Inside the upload's transaction, before anything of the schools' results is read or
 * replaced: takes the n schools' rows for writing (a no-op UPDATE), in ascending id order,
 * so that two uploads for one school store one after the other and the second sees what
 * the first stored. On SQLite the transaction holds the database's write lock already and
 * this changes nothing; on PostgreSQL, where writers run side by side in READ COMMITTED,
 * without it both would find the school empty (or delete only what was there before the
 * other committed) and the second would run into the first's rows. Uploads for different
 * schools do not wait for each other. ids may repeat; their order does not matter. */
int upload_lock_schools(struct db *d, const int64_t *ids, size_t n);

#endif
