/* upload: writing the history of results uploads (see upload.h). */
#include "model/upload.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"

int upload_add(struct db *d, const char *file, const char *user, int64_t *id)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "INSERT INTO upload(file, digest, size, layout, user_name, rows,"
				   " written, absent, warnings) VALUES (?, '', 0, '', ?, 0, 0, 0, 0)");
	if (rc)
		goto out;
	if ((rc = db_bind_text(s, 1, file, -1)) ||
	    (rc = db_bind_text(s, 2, user && *user ? user : "?", -1)) || (rc = db_step(s)) < 0)
		goto out;
	*id = db_last_id(d);
	rc = 0;
out:
	db_finalize(s);
	return rc;
}

int upload_set_counts(struct db *d, int64_t id, const struct upload_counts *c)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "UPDATE upload SET layout = ?, rows = ?, written = ?, absent = ?,"
				   " warnings = ?, digest = ?, size = ? WHERE id = ?");
	if (rc)
		goto out;
	if ((rc = db_bind_text(s, 1, c->layout, -1)) || (rc = db_bind_int(s, 2, c->rows)) ||
	    (rc = db_bind_int(s, 3, c->written)) || (rc = db_bind_int(s, 4, c->absent)) ||
	    (rc = db_bind_int(s, 5, c->marked)) || (rc = db_bind_text(s, 6, c->digest_hex, -1)) ||
	    (rc = db_bind_int(s, 7, c->size)) || (rc = db_bind_int(s, 8, id)) ||
	    (rc = db_step(s)) < 0)
		goto out;
	rc = 0;
out:
	db_finalize(s);
	return rc;
}

int upload_schools_add(struct db *d, int64_t upload_id, const struct upload_school *v, size_t n)
{
	struct db_stmt *s = NULL;
	int rc = n ? db_prepare(d, &s, "INSERT INTO upload_school(upload_id, procedure_id, school_id,"
				       " rows, written, replaced) VALUES (?, ?, ?, ?, ?, ?)") : 0;
	for (size_t i = 0; i < n && !rc; i++) {
		db_reset(s);
		if ((rc = db_bind_int(s, 1, upload_id)) || (rc = db_bind_int(s, 2, v[i].procedure_id)) ||
		    (rc = db_bind_int(s, 3, v[i].school_id)) || (rc = db_bind_int(s, 4, v[i].rows)) ||
		    (rc = db_bind_int(s, 5, v[i].written)) || (rc = db_bind_int(s, 6, v[i].replaced)) ||
		    (rc = db_step(s)) < 0)
			goto out;
		rc = 0;
	}
out:
	db_finalize(s);
	return rc;
}

static int id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int upload_lock_schools(struct db *d, const int64_t *ids, size_t n)
{
	struct db_stmt *s = NULL;
	int64_t *v = NULL;
	int rc = 0;
	if (!n)
		return 0;
	/* One order for every upload: two files of overlapping schools never wait for each
	 * other crosswise (a deadlock). */
	v = xmalloc(n * sizeof *v);
	memcpy(v, ids, n * sizeof *v);
	qsort(v, n, sizeof *v, id_cmp);
	/* A column no index or foreign key holds: the row lock taken is the weakest that
	 * excludes another writer, and the results' foreign key checks never wait on it. */
	if ((rc = db_prepare(d, &s, "UPDATE school SET name = name WHERE id = ?")))
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (i && v[i] == v[i - 1])
			continue;
		db_reset(s);
		if ((rc = db_bind_int(s, 1, v[i])) || (rc = db_step(s)) < 0)
			goto out;
		rc = 0;
	}
out:
	db_finalize(s);
	free(v);
	return rc;
}
