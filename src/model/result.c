/* result: participants and their results, stored compactly. */
#include "model/result.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/hmap.h"
#include "base/mem.h"
#include "model/procedure.h"
#include "model/result_pack.h"

int result_primary_score(const struct result *r)
{
	int sum = 0;
	for (int i = 0; i < r->npos; i++)
		if (r->scores[i] <= PROC_MAX_POINTS)
			sum += r->scores[i];
	return sum;
}

struct result_writer {
	struct db *d;
	int64_t procedure_id;
	struct db_copy *cp; /* opened at the first result */
	struct db_stmt *del;
	struct db_stmt *del_code;
	bool overlap; /* result_writer_overlap */
	bool fixed;   /* result_writer_fix: */
	int64_t upload_id;
	bool exam_marks, test_scores;
	/* The procedure's blobs (model/result_pack.h), kept when it is packed: made from the
	 * rows put, 256 KB at a time as the schools' rows come (flushed: the schools
	 * whose blob is stored), except for the schools read back from the table at the close
	 * (changed): their results changed a participant at a time, or a put failed, or came
	 * again after their blob was stored, or were not deleted (emptied) first. */
	bool packed, had_packs, reread;
	struct db_stmt *del_pack;
	struct pack_set ps;
	struct hmap emptied, changed, flushed; /* school ids, each its own value */
	int64_t last_school;
	/* On SQLite the blobs go through a copy of their own, kept open beside the rows' (not
	 * overlapped: it gained nothing, and its batches of 4,096 blobs held 10 MB a writer);
	 * PostgreSQL has one COPY open a connection, so there each flush opens and ends one. */
	struct db_copy *pcp;
};

static int writer_flush(struct result_writer *w);

static bool ids_has(const struct hmap *m, int64_t id)
{
	int64_t v;
	return hmap_get(m, (const char *)&id, sizeof id, &v);
}

static void ids_add(struct hmap *m, int64_t id)
{
	hmap_put(m, (const char *)&id, sizeof id, id);
}

#define RESULT_COLS "procedure_id, school_id, code, class, gender, variant, journal_mark, absent," \
		    " primary_score, stated_total, scores, problems, upload_id, exam_mark, test_score"
/* The columns of RESULT_COLS a writer may fix for its whole load (result_writer_fix). */
enum { COL_PROCEDURE = 0, COL_UPLOAD = 12, COL_EXAM_MARK = 13, COL_TEST_SCORE = 14 };

int result_writer_open(struct db *d, int64_t procedure_id, struct result_writer **out)
{
	struct result_writer *w = xcalloc(1, sizeof *w);
	w->d = d;
	w->procedure_id = procedure_id;
	hmap_init(&w->emptied);
	hmap_init(&w->changed);
	hmap_init(&w->flushed);
	int rc = db_prepare(d, &w->del, "DELETE FROM result WHERE procedure_id = ? AND school_id = ?");
	if (!rc)
		rc = db_prepare(d, &w->del_code, "DELETE FROM result WHERE procedure_id = ? AND school_id = ?"
						 " AND code = ?");
	if (!rc)
		rc = result_pack_packed(d, procedure_id, &w->packed);
	if (!rc && w->packed) {
		struct db_stmt *s = NULL;
		if (!(rc = db_prepare(d, &s, "SELECT 1 FROM result_pack WHERE procedure_id = ? LIMIT 1")) &&
		    !(rc = db_bind_int(s, 1, procedure_id)) && (rc = db_step(s)) >= 0) {
			w->had_packs = rc == DB_ROW;
			rc = 0;
		}
		db_finalize(s);
		if (!rc)
			rc = db_prepare(d, &w->del_pack, "DELETE FROM result_pack WHERE procedure_id = ?"
							 " AND school_id = ?");
	}
	if (rc) {
		result_writer_close(w);
		*out = NULL;
		return rc;
	}
	*out = w;
	return 0;
}

int result_writer_put(struct result_writer *w, const struct result *r)
{
	int rc;
	if (!w->cp) {
		if ((rc = db_copy_open(w->d, &w->cp, "result", RESULT_COLS, 15)))
			return rc;
		/* The columns of RESULT_COLS every put gives the same value. */
		if ((rc = db_copy_fix_int(w->cp, COL_PROCEDURE, w->procedure_id)) ||
		    (w->fixed && (rc = w->upload_id
					       ? db_copy_fix_int(w->cp, COL_UPLOAD, w->upload_id)
					       : db_copy_fix_null(w->cp, COL_UPLOAD))) ||
		    (w->fixed && !w->exam_marks && (rc = db_copy_fix_null(w->cp, COL_EXAM_MARK))) ||
		    (w->fixed && !w->test_scores && (rc = db_copy_fix_null(w->cp, COL_TEST_SCORE))))
			return rc;
		if (w->overlap)
			db_copy_overlap(w->cp);
	}
	/* db_copy copies texts and blobs: r may be reused at once. */
	struct db_copy *c = w->cp;
	int score = r->absent ? -1 : result_primary_score(r);
	if ((rc = db_copy_int(c, w->procedure_id)) || (rc = db_copy_int(c, r->school_id)) ||
	    (rc = db_copy_text(c, r->code)) ||
	    (rc = db_copy_text(c, r->class_name && *r->class_name ? r->class_name : NULL)) ||
	    (rc = db_copy_text(c, r->gender)) ||
	    (rc = r->variant > 0 ? db_copy_int(c, r->variant) : db_copy_null(c)) ||
	    (rc = r->journal_mark ? db_copy_int(c, r->journal_mark) : db_copy_null(c)) ||
	    (rc = db_copy_int(c, r->absent)) ||
	    (rc = r->absent ? db_copy_null(c) : db_copy_int(c, score)) ||
	    (rc = r->stated_total >= 0 ? db_copy_int(c, r->stated_total) : db_copy_null(c)) ||
	    (rc = r->absent ? db_copy_null(c) : db_copy_blob(c, r->scores, (size_t)r->npos)) ||
	    (rc = db_copy_int(c, r->problems)) ||
	    (rc = r->upload_id ? db_copy_int(c, r->upload_id) : db_copy_null(c)) ||
	    (rc = r->exam_mark && !r->absent ? db_copy_int(c, r->exam_mark) : db_copy_null(c)) ||
	    (rc = r->has_test_score && !r->absent ? db_copy_int(c, r->test_score) : db_copy_null(c)))
		return rc;
	rc = db_copy_row(c);
	if (w->packed) {
		if (rc) { /* which rows were stored is the table's to say */
			w->reread = true;
			ids_add(&w->changed, r->school_id);
		} else {
			if (r->school_id != w->last_school) {
				/* The flush first: it may store this school's earlier rows. */
				int e;
				if (w->ps.nbytes >= PACK_FLUSH && (e = writer_flush(w)))
					return e;
				if (ids_has(&w->flushed, r->school_id))
					ids_add(&w->changed, r->school_id); /* came again */
				w->last_school = r->school_id;
			}
			struct result_row row = {
				.school_id = r->school_id,
				.class_name = r->class_name ? r->class_name : "",
				.journal_mark = r->journal_mark,
				.exam_mark = r->absent ? 0 : r->exam_mark,
				.absent = r->absent,
				.scored = !r->absent,
				.primary_score = score,
				.problems = r->problems,
				.ncells = r->absent ? 0 : r->npos,
				.cells = r->absent ? NULL : r->scores,
			};
			pack_set_add(&w->ps, r->code, &row);
		}
	}
	if (rc == ERR_INVALID)
		return ERR_EXISTS; /* the primary key: this participant has a result already */
	return rc;
}

void result_writer_fix(struct result_writer *w, int64_t upload_id, bool exam_marks,
		       bool test_scores)
{
	w->fixed = true;
	w->upload_id = upload_id;
	w->exam_marks = exam_marks;
	w->test_scores = test_scores;
}

void result_writer_overlap(struct result_writer *w)
{
	w->overlap = true;
}

/* Whether a school's blob is read back from the table rather than made from the rows put
 * (and so left out of those): changed, or not deleted first where the procedure had blobs
 * (which makes it changed). */
static bool pack_reread(void *ctx, int64_t school)
{
	struct result_writer *w = ctx;
	if (ids_has(&w->changed, school))
		return true;
	if (w->had_packs && !ids_has(&w->emptied, school)) {
		ids_add(&w->changed, school);
		return true;
	}
	return false;
}

/* Stores the blobs of the schools gathered so far (the rows of the school being put are
 * not among them yet). */
static int writer_flush(struct result_writer *w)
{
	pack_set_filter(&w->ps, pack_reread, w);
	for (size_t i = 0; i < w->ps.n; i++)
		if (!i || w->ps.e[i].school != w->ps.e[i - 1].school)
			ids_add(&w->flushed, w->ps.e[i].school);
	int rc = 0;
	if (!w->pcp && !db_is_pg(w->d)) {
		db_reset(w->del_pack); /* waits for an overlapped batch of the rows in store */
		if ((rc = db_copy_open(w->d, &w->pcp, "result_pack", PACK_COLS, 3)))
			return rc;
	}
	rc = pack_set_store(w->d, w->procedure_id, &w->ps, w->pcp);
	pack_set_clear(&w->ps);
	return rc;
}

/* The rest of the blobs, once every row is stored: those gathered, and those read back. */
static int writer_pack(struct result_writer *w)
{
	if (w->reread) { /* every school put is read back */
		for (size_t i = 0; i < w->ps.n; i++)
			ids_add(&w->changed, w->ps.e[i].school);
		for (size_t i = 0; i < w->flushed.cap; i++)
			if (w->flushed.slots[i].hash)
				ids_add(&w->changed, w->flushed.slots[i].value);
	}
	/* The blobs made from the rows put, then those read back (a school's blob stored
	 * before it came again is deleted only once it is stored). */
	int rc = writer_flush(w), e = db_copy_close(w->pcp);
	w->pcp = NULL;
	if (rc || (rc = e))
		return rc;
	for (size_t i = 0; i < w->changed.cap && !rc; i++) {
		if (!w->changed.slots[i].hash)
			continue;
		int64_t school = w->changed.slots[i].value;
		struct db_stmt *s = w->del_pack;
		db_reset(s);
		if (!(rc = db_bind_int(s, 1, w->procedure_id)) && !(rc = db_bind_int(s, 2, school)) &&
		    (rc = db_step(s)) >= 0)
			rc = pack_set_read(w->d, w->procedure_id, school, &w->ps);
	}
	return rc ? rc : pack_set_store(w->d, w->procedure_id, &w->ps, NULL);
}

int result_writer_close(struct result_writer *w)
{
	if (!w)
		return 0;
	int rc = db_copy_close(w->cp);
	if (!rc && w->packed)
		rc = writer_pack(w);
	db_copy_close(w->pcp); /* left open by a failure: its result is not the load's */
	db_finalize(w->del);
	db_finalize(w->del_code);
	db_finalize(w->del_pack);
	pack_set_free(&w->ps);
	hmap_free(&w->emptied);
	hmap_free(&w->changed);
	hmap_free(&w->flushed);
	free(w);
	return rc == ERR_INVALID ? ERR_EXISTS : rc;
}

int result_writer_delete_school(struct result_writer *w, int64_t school_id, int64_t *n)
{
	struct db_stmt *s = w->del;
	int rc;
	db_reset(s);
	if ((rc = db_bind_int(s, 1, w->procedure_id)) || (rc = db_bind_int(s, 2, school_id)) ||
	    (rc = db_step(s)) < 0)
		return rc;
	*n = db_changes(w->d);
	if (w->packed) {
		/* The school's blob goes with its rows; what it gets next comes from the puts. */
		ids_add(&w->emptied, school_id);
		if (w->had_packs) {
			s = w->del_pack;
			db_reset(s);
			if ((rc = db_bind_int(s, 1, w->procedure_id)) ||
			    (rc = db_bind_int(s, 2, school_id)) || (rc = db_step(s)) < 0)
				return rc;
		}
	}
	return 0;
}

int result_latest_upload(struct db *d, int64_t procedure_id, int64_t school_id, int64_t *upload_id)
{
	struct db_stmt *s = NULL;
	*upload_id = 0;
	int rc = db_cached(d, &s, "SELECT max(upload_id) FROM upload_school WHERE school_id = ? AND"
				  " procedure_id = ?");
	if (rc || (rc = db_bind_int(s, 1, school_id)) || (rc = db_bind_int(s, 2, procedure_id)))
		return rc;
	if ((rc = db_step(s)) == DB_ROW)
		*upload_id = db_col_null(s, 0) ? 0 : db_col_int(s, 0);
	db_reset(s);
	return rc < 0 ? rc : 0;
}

int result_writer_delete_code(struct result_writer *w, int64_t school_id, const char *code,
			      int64_t *n)
{
	struct db_stmt *s = w->del_code;
	int rc;
	db_reset(s);
	if ((rc = db_bind_int(s, 1, w->procedure_id)) || (rc = db_bind_int(s, 2, school_id)) ||
	    (rc = db_bind_text(s, 3, code, -1)) || (rc = db_step(s)) < 0)
		return rc;
	*n = db_changes(w->d);
	if (w->packed)
		ids_add(&w->changed, school_id);
	return 0;
}

int result_upload_get(struct db *d, int64_t upload_id, char *file, size_t nfile, char *at,
		      size_t nat, char *user, size_t nuser)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT file, created_at, user_name FROM upload WHERE id = ?");
	if (rc || (rc = db_bind_int(s, 1, upload_id)))
		return rc;
	if (!(rc = db_step_one(s))) {
		snprintf(file, nfile, "%s", db_col_text(s, 0));
		snprintf(at, nat, "%s", db_col_text(s, 1));
		snprintf(user, nuser, "%s", db_col_text(s, 2));
	}
	db_reset(s);
	return rc;
}

int result_count_school(struct db *d, int64_t procedure_id, int64_t school_id, long *rows,
			long *written)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT count(*), coalesce(sum(1 - absent), 0) FROM result"
				  " WHERE procedure_id = ? AND school_id = ?");
	if (rc || (rc = db_bind_int(s, 1, procedure_id)) || (rc = db_bind_int(s, 2, school_id)))
		return rc;
	if ((rc = db_step(s)) == DB_ROW) {
		*rows = (long)db_col_int(s, 0);
		*written = (long)db_col_int(s, 1);
		rc = 0;
	}
	db_reset(s);
	return rc < 0 ? rc : 0;
}

/* ---- the range scan ---- */

struct result_scan {
	struct db_stmt *s;
	unsigned flags;
	bool done; /* a finished statement would start again if stepped */
};

/* Column order of both forms: the narrow row first, the RESULT_SCAN_FULL columns after. */
/* A missing primary score reads as SCAN_NO_SCORE, out of any score's range: one column
 * read instead of a NULL test and a read (the loader reads a million rows a second). */
#define SCAN_NO_SCORE (-1099511627776LL)
/* A NULL class, journal mark or exam mark reads as the readers' NULL ("", 0) with no
 * coalesce: one opcode less a column and row for SQLite. */
#define SCAN_NARROW "SELECT school_id, class, journal_mark," \
		    " coalesce(primary_score, -1099511627776)," \
		    " scores, problems, absent, exam_mark"
#define SCAN_WIDE SCAN_NARROW ", code, coalesce(gender, ''), coalesce(variant, 0)," \
		  " coalesce(stated_total, -1), coalesce(test_score, -1)"
#define SCAN_LOGIN 13 /* result_each's school login, after SCAN_WIDE's columns */
/* PostgreSQL returns a heap in no order and puts NULLs last: the orders are spelled out
 * (the key's order costs SQLite nothing: the table is clustered by it). */
#define SCAN_KEY " ORDER BY school_id, code"
#define SCAN_ORDER " ORDER BY class NULLS FIRST, length(code), code"

int result_scan_open(struct db *d, int64_t procedure_id, int64_t school_id, unsigned flags,
		     struct result_scan **out)
{
	/* Every combination spelled out: a literal statement per form, no SQL built at run time. */
	static const char *const sql[2][2][2] = {
		/* [full][one school][by class] */
		{ { SCAN_NARROW " FROM result WHERE procedure_id = ?" SCAN_KEY,
		    SCAN_NARROW " FROM result WHERE procedure_id = ?" SCAN_ORDER },
		  { SCAN_NARROW " FROM result WHERE procedure_id = ? AND school_id = ?" SCAN_KEY,
		    SCAN_NARROW " FROM result WHERE procedure_id = ? AND school_id = ?" SCAN_ORDER } },
		{ { SCAN_WIDE " FROM result WHERE procedure_id = ?" SCAN_KEY,
		    SCAN_WIDE " FROM result WHERE procedure_id = ?" SCAN_ORDER },
		  { SCAN_WIDE " FROM result WHERE procedure_id = ? AND school_id = ?" SCAN_KEY,
		    SCAN_WIDE " FROM result WHERE procedure_id = ? AND school_id = ?" SCAN_ORDER } },
	};
	struct result_scan *it = xcalloc(1, sizeof *it);
	it->flags = flags;
	bool one = school_id > 0;
	int rc = db_prepare(d, &it->s, sql[(flags & RESULT_SCAN_FULL) != 0][one]
					  [(flags & RESULT_SCAN_BY_CLASS) != 0]);
	if (rc || (rc = db_bind_int(it->s, 1, procedure_id)) ||
	    (one && (rc = db_bind_int(it->s, 2, school_id))))
		goto out;
	*out = it;
	return 0;
out:
	result_scan_close(it);
	*out = NULL;
	return rc;
}

/* The one decoder of a stored row: the columns of SCAN_NARROW, then of SCAN_WIDE if full. */
static void row_of(struct db_stmt *s, bool full, struct result_row *row)
{
	row->school_id = db_col_int(s, 0);
	row->class_name = db_col_text(s, 1);
	row->journal_mark = (int)db_col_int(s, 2);
	int64_t score = db_col_int(s, 3);
	row->scored = score != SCAN_NO_SCORE;
	row->primary_score = row->scored ? (int)score : -1;
	size_t n = 0;
	row->cells = db_col_blob(s, 4, &n);
	row->ncells = row->cells ? (int)n : 0;
	row->problems = (unsigned)db_col_int(s, 5);
	row->absent = db_col_int(s, 6) != 0;
	row->exam_mark = (int)db_col_int(s, 7);
	if (full) {
		row->code = db_col_text(s, 8);
		row->gender = db_col_text(s, 9);
		row->variant = (int)db_col_int(s, 10);
		row->stated_total = (int)db_col_int(s, 11);
		row->test_score = (int)db_col_int(s, 12);
	} else {
		row->code = row->gender = "";
		row->variant = 0;
		row->stated_total = -1;
		row->test_score = -1;
	}
}

int result_scan_next(struct result_scan *it, struct result_row *row)
{
	if (it->done)
		return 0;
	int rc = db_step(it->s);
	if (rc != DB_ROW) {
		it->done = true;
		return rc == DB_DONE ? 0 : rc < 0 ? rc : ERR_INVALID;
	}
	row_of(it->s, (it->flags & RESULT_SCAN_FULL) != 0, row);
	return 1;
}

void result_scan_close(struct result_scan *it)
{
	if (!it)
		return;
	db_finalize(it->s);
	free(it);
}

struct scan_each {
	int (*fn)(void *ctx, const struct result_row *row);
	void *ctx;
};

static int scan_each_row(void *ctx, struct db_stmt *s)
{
	struct scan_each *e = ctx;
	struct result_row r;
	row_of(s, false, &r);
	return e->fn(e->ctx, &r);
}

int result_scan_each(struct db *d, int64_t procedure_id,
		     int (*fn)(void *ctx, const struct result_row *row), void *ctx)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare_each(d, &s, SCAN_NARROW " FROM result WHERE procedure_id = ?" SCAN_KEY);
	if (rc)
		return rc;
	db_stream(s);
	struct scan_each e = { fn, ctx };
	if (!(rc = db_bind_int(s, 1, procedure_id)))
		rc = db_each(s, scan_each_row, &e);
	db_finalize(s);
	return rc;
}

int result_each(struct db *d, int64_t procedure_id, result_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, SCAN_WIDE ", sc.login FROM result r JOIN school sc ON sc.id = r.school_id"
				   " WHERE r.procedure_id = ? ORDER BY sc.login, length(r.code), r.code");
	if (rc)
		return rc;
	if ((rc = db_bind_int(s, 1, procedure_id)))
		goto out;
	while ((rc = db_step(s)) == DB_ROW) {
		struct result_row w;
		row_of(s, true, &w);
		struct result_view v = {
			.school = db_col_text(s, SCAN_LOGIN), .code = w.code, .class_name = w.class_name,
			.gender = w.gender, .variant = w.variant, .journal_mark = w.journal_mark,
			.exam_mark = w.exam_mark, .test_score = w.test_score,
			.absent = w.absent, .primary_score = w.primary_score,
			.stated_total = w.stated_total, .problems = w.problems, .npos = w.ncells,
			.scores = w.cells,
		};
		if ((rc = fn(ctx, &v)))
			goto out;
	}
	if (rc == DB_DONE)
		rc = 0;
out:
	db_finalize(s);
	return rc;
}

int result_exam_columns(struct db *d, int64_t procedure_id, bool *marks, bool *scores)
{
	struct db_stmt *s = NULL;
	*marks = *scores = false;
	int rc = db_prepare(d, &s, "SELECT"
				   " EXISTS (SELECT 1 FROM result WHERE procedure_id = ?1 AND exam_mark IS NOT NULL),"
				   " EXISTS (SELECT 1 FROM result WHERE procedure_id = ?1 AND test_score IS NOT NULL)");
	if (rc || (rc = db_bind_int(s, 1, procedure_id)))
		goto out;
	if ((rc = db_step(s)) == DB_ROW) {
		*marks = db_col_int(s, 0) != 0;
		*scores = db_col_int(s, 1) != 0;
		rc = 0;
	}
out:
	db_finalize(s);
	return rc < 0 ? rc : 0;
}
