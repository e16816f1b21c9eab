/* result: participants and their results, stored compactly. */
#include "model/result.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"

int result_primary_score(const struct result *r)
{
	int sum = 0;
	for (int i = 0; i < r->npos; i++)
		if (r->scores[i] <= PROC_MAX_POINTS)
			sum += r->scores[i];
	return sum;
}

int participant_ensure(struct db *d, int64_t school_id, int year, const char *code,
		       const char *gender, int64_t *id)
{
	struct db_stmt *s = NULL;
	const char *g = gender && (!strcmp(gender, "м") || !strcmp(gender, "ж")) ? gender : NULL;
	int rc = db_prepare(d, &s,
			    "INSERT INTO participant(school_id, year, code, gender) VALUES (?, ?, ?, ?)"
			    " ON CONFLICT(school_id, year, code) DO UPDATE SET"
			    " gender = coalesce(excluded.gender, gender) RETURNING id");
	if (rc)
		return rc;
	if ((rc = db_bind_int(s, 1, school_id)) || (rc = db_bind_int(s, 2, year)) ||
	    (rc = db_bind_text(s, 3, code, -1)) || (rc = db_bind_text(s, 4, g, -1)))
		goto out;
	rc = db_step(s);
	if (rc == DB_ROW) {
		*id = db_col_int(s, 0);
		rc = 0;
	} else if (rc == DB_DONE) {
		rc = ERR_DB;
	}
out:
	db_finalize(s);
	return rc;
}

struct result_writer {
	struct db *d;
	int64_t procedure_id;
	struct db_stmt *ins;
};

int result_writer_open(struct db *d, int64_t procedure_id, struct result_writer **out)
{
	struct result_writer *w = xcalloc(1, sizeof *w);
	w->d = d;
	w->procedure_id = procedure_id;
	int rc = db_prepare(d, &w->ins,
			    "INSERT OR REPLACE INTO result(procedure_id, school_id, participant_id,"
			    " class, variant, journal_mark, absent, primary_score, stated_total,"
			    " scores, problems) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (rc) {
		free(w);
		*out = NULL;
		return rc;
	}
	*out = w;
	return 0;
}

int result_writer_put(struct result_writer *w, const struct result *r)
{
	struct db_stmt *s = w->ins;
	int rc;
	db_reset(s);
	if ((rc = db_bind_int(s, 1, w->procedure_id)) || (rc = db_bind_int(s, 2, r->school_id)) ||
	    (rc = db_bind_int(s, 3, r->participant_id)) ||
	    (rc = db_bind_text(s, 4, r->class_name && *r->class_name ? r->class_name : NULL, -1)) ||
	    (rc = r->variant > 0 ? db_bind_int(s, 5, r->variant) : db_bind_null(s, 5)) ||
	    (rc = r->journal_mark ? db_bind_int(s, 6, r->journal_mark) : db_bind_null(s, 6)) ||
	    (rc = db_bind_int(s, 7, r->absent)) ||
	    (rc = r->absent ? db_bind_null(s, 8) : db_bind_int(s, 8, result_primary_score(r))) ||
	    (rc = r->stated_total >= 0 ? db_bind_int(s, 9, r->stated_total) : db_bind_null(s, 9)) ||
	    (rc = r->absent ? db_bind_null(s, 10) : db_bind_blob(s, 10, r->scores, (size_t)r->npos)) ||
	    (rc = db_bind_int(s, 11, r->problems)))
		return rc;
	rc = db_step(s);
	return rc < 0 ? rc : 0;
}

void result_writer_close(struct result_writer *w)
{
	if (!w)
		return;
	db_finalize(w->ins);
	free(w);
}

int result_delete_school(struct db *d, int64_t procedure_id, int64_t school_id, int64_t *n)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "DELETE FROM result WHERE procedure_id = ? AND school_id = ?");
	if (rc)
		return rc;
	if (!(rc = db_bind_int(s, 1, procedure_id)) && !(rc = db_bind_int(s, 2, school_id)) &&
	    (rc = db_step(s)) >= 0) {
		*n = db_changes(d);
		rc = 0;
	}
	db_finalize(s);
	return rc;
}
