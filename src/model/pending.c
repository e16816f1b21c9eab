/* pending: uploads waiting for a decision (see pending.h). */
#include "model/pending.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"

int pending_put(struct db *d, int64_t user_id, const char *file, const char *procedure,
		const void *data, size_t len, int64_t now, int64_t *id)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "DELETE FROM pending_upload WHERE created_at < ?");
	if (!rc && !(rc = db_bind_int(s, 1, now - PENDING_TTL)))
		rc = db_step(s);
	db_finalize(s);
	s = NULL;
	if (rc < 0)
		return rc;
	rc = db_prepare(d, &s, "INSERT INTO pending_upload(user_id, file, procedure, data, created_at)"
			       " VALUES (?, ?, ?, ?, ?)");
	if (!rc && !(rc = db_bind_int(s, 1, user_id)) && !(rc = db_bind_text(s, 2, file, -1)) &&
	    !(rc = db_bind_text(s, 3, procedure ? procedure : "", -1)) &&
	    !(rc = db_bind_blob(s, 4, data, len)) && !(rc = db_bind_int(s, 5, now)) &&
	    (rc = db_step(s)) >= 0) {
		*id = db_last_id(d);
		rc = 0;
	}
	db_finalize(s);
	return rc;
}

int pending_get(struct db *d, int64_t id, int64_t user_id, int64_t now, char *file, size_t nfile,
		char *procedure, size_t nproc, void **data, size_t *len)
{
	struct db_stmt *s = NULL;
	*data = NULL;
	*len = 0;
	int rc = db_prepare(d, &s, "SELECT file, procedure, data FROM pending_upload WHERE id = ? AND"
				   " user_id = ? AND created_at >= ?");
	if (!rc && !(rc = db_bind_int(s, 1, id)) && !(rc = db_bind_int(s, 2, user_id)) &&
	    !(rc = db_bind_int(s, 3, now - PENDING_TTL))) {
		if (!(rc = db_step_one(s))) {
			size_t n;
			const void *p = db_col_blob(s, 2, &n);
			snprintf(file, nfile, "%s", db_col_text(s, 0));
			snprintf(procedure, nproc, "%s", db_col_text(s, 1));
			*data = xmalloc(n ? n : 1);
			if (n)
				memcpy(*data, p, n);
			*len = n;
		}
	}
	db_finalize(s);
	return rc;
}

int pending_delete(struct db *d, int64_t id)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "DELETE FROM pending_upload WHERE id = ?");
	if (!rc && !(rc = db_bind_int(s, 1, id)))
		rc = db_step(s);
	db_finalize(s);
	return rc < 0 ? rc : 0;
}
