/* model/run: stored analysis runs (see the header). */
#include "model/run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/mem.h"
#include "model/rows.h"
#include "base/numfmt.h"

/* On PostgreSQL the many rows of a run (flags, schools, histograms: hundreds of thousands
 * nationally) go by COPY, not a round trip each. A COPY holds the connection until it ends,
 * and the analysis stores other rows in between (model/recheck.c's run_recheck), so the
 * rows wait here, column values in order, until run_flush() (after each procedure's flags)
 * or run_finish() copies them, a COPY per table.
 * Numbers travel as text in the form the driver binds them ("%.17g", pg.c): the stored
 * values are the same. SQLite keeps its prepared statements (a call costs no round trip). */
enum { RW_SIGN, RW_SCHOOL, RW_HIST, RW_TABLES };

struct rw_cell {
	int64_t v;      /* an integer, or the text's offset in run_writer.cells */
	uint8_t kind;   /* C_NULL, C_INT, C_TEXT */
};
enum { C_NULL, C_INT, C_TEXT };

struct rw_rows {
	struct rw_cell *c;
	size_t n, cap;
};

static const struct {
	const char *table, *cols;
	int ncols;
} rw_table[RW_TABLES] = {
	{ "sign_result", "run_id, school_id, procedure_id, sign, value, threshold, n, p, q_adj,"
	  " detail, kind", 11 },
	{ "school_risk", "run_id, school_id, official_flags, own_flags, works, risk, p, q_adj,"
	  " listed, rank, top_sign, top_procedure_id, top_p, years_flagged, consecutive_years", 15 },
	{ "run_histogram", "run_id, procedure_id, school_id, works, counts, scale", 6 },
};

struct run_writer {
	struct db *d;
	int64_t id;
	struct db_stmt *sign, *school, *index, *hist;
	struct buf text; /* a histogram's counts as text, reused row after row */
	bool copy;       /* PostgreSQL: rows kept for COPY */
	struct rw_rows rows[RW_TABLES];
	struct buf cells; /* the kept rows' texts, each ended by a NUL */
};

static void rw_put(struct run_writer *w, int t, uint8_t kind, int64_t v)
{
	struct rw_rows *r = &w->rows[t];
	r->c = xgrow(r->c, &r->cap, r->n + 1, sizeof *r->c);
	r->c[r->n++] = (struct rw_cell){ v, kind };
}

static void rw_int(struct run_writer *w, int t, int64_t v)
{
	rw_put(w, t, C_INT, v);
}

static int rw_text(struct run_writer *w, int t, const char *s, size_t n)
{
	if (!s) {
		rw_put(w, t, C_NULL, 0);
		return 0;
	}
	size_t off = w->cells.len;
	if (buf_append(&w->cells, s, n) || buf_putc(&w->cells, 0))
		return ERR_LIMIT;
	rw_put(w, t, C_TEXT, (int64_t)off);
	return 0;
}

static int rw_str(struct run_writer *w, int t, const char *s)
{
	return rw_text(w, t, s, s ? strlen(s) : 0);
}

/* A number as pg.c binds one; NaN and infinities are NULL (bind_num). */
static int rw_num(struct run_writer *w, int t, double v)
{
	if (isnan(v) || isinf(v)) {
		rw_put(w, t, C_NULL, 0);
		return 0;
	}
	char num[32];
	int n = snprintf(num, sizeof num, "%.17g", v);
	return rw_text(w, t, num, (size_t)n);
}

/* Copies the kept rows of every table and forgets them. */
static int rw_copy_all(struct run_writer *w)
{
	int rc = 0;
	for (int t = 0; t < RW_TABLES && !rc; t++) {
		const struct rw_rows *r = &w->rows[t];
		if (!r->n)
			continue;
		struct db_copy *c = NULL;
		if ((rc = db_copy_open(w->d, &c, rw_table[t].table, rw_table[t].cols, rw_table[t].ncols)))
			break;
		for (size_t i = 0; i < r->n && !rc; i++) {
			const struct rw_cell *x = &r->c[i];
			rc = x->kind == C_INT ? db_copy_int(c, x->v)
			     : x->kind == C_TEXT ? db_copy_text(c, w->cells.p + x->v)
						 : db_copy_null(c);
			if (!rc && (i + 1) % (size_t)rw_table[t].ncols == 0)
				rc = db_copy_row(c);
		}
		int crc = db_copy_close(c);
		rc = rc ? rc : crc;
	}
	for (int t = 0; t < RW_TABLES; t++)
		w->rows[t].n = 0;
	buf_reset(&w->cells);
	return rc;
}

int run_flush(struct run_writer *w)
{
	return w && w->copy ? rw_copy_all(w) : 0;
}

static int step_done(struct db_stmt *s)
{
	int rc = db_step(s);
	return rc < 0 ? rc : 0;
}

static void writer_free(struct run_writer *w)
{
	db_finalize(w->sign);
	db_finalize(w->school);
	db_finalize(w->index);
	db_finalize(w->hist);
	buf_free(&w->text);
	for (int t = 0; t < RW_TABLES; t++)
		free(w->rows[t].c);
	buf_free(&w->cells);
	free(w);
}

int run_begin(struct db *d, const char *params, const char *out_dir, struct run_writer **out)
{
	*out = NULL;
	struct run_writer *w = xcalloc(1, sizeof *w);
	struct db_stmt *st = NULL;
	w->d = d;
	int rc = db_begin_bulk(d); /* the caller's promise: run.h */
	if (rc) {
		free(w);
		return rc;
	}
	if ((rc = db_prepare(d, &st, "INSERT INTO analysis_run (params, out_dir) VALUES (?, ?)")))
		goto out;
	db_bind_text(st, 1, params, -1);
	db_bind_text(st, 2, out_dir, -1);
	if ((rc = step_done(st)))
		goto out;
	w->id = db_last_id(d);
	w->copy = db_is_pg(d);
	if ((rc = db_prepare(d, &w->sign,
			     "INSERT INTO sign_result (run_id, school_id, procedure_id, sign, value,"
			     " threshold, n, p, q_adj, detail, kind) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) ||
	    (rc = db_prepare(d, &w->school,
			     "INSERT INTO school_risk (run_id, school_id, official_flags, own_flags,"
			     " works, risk, p, q_adj, listed, rank, top_sign, top_procedure_id, top_p,"
			     " years_flagged, consecutive_years) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) ||
	    (rc = db_prepare(d, &w->index,
			     "INSERT INTO region_index (run_id, procedure_id, scope, works, schools,"
			     " excluded, absent, mean, sd, flagged_mean, flagged_journal, flagged_rise,"
			     " flagged_drop, flagged_share2, flagged_official, objectivity_index,"
			     " own_flagged, boundary, excess, excess_lo, excess_hi, excess_share)"
			     " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) ||
	    (rc = db_prepare(d, &w->hist,
			     "INSERT INTO run_histogram (run_id, procedure_id, school_id, works, counts,"
			     " scale) VALUES (?,?,?,?,?,?)")))
		goto out;
	*out = w;
out:
	db_finalize(st);
	if (rc) {
		db_rollback(d);
		writer_free(w);
	}
	return rc;
}

int64_t run_writer_id(const struct run_writer *w)
{
	return w ? w->id : 0;
}

int run_add_sign(struct run_writer *w, const struct run_sign_row *x)
{
	if (w->copy) {
		int t = RW_SIGN;
		rw_int(w, t, w->id);
		rw_int(w, t, x->school_id);
		rw_int(w, t, x->procedure_id);
		int rc = rw_str(w, t, x->sign);
		rc = rc ? rc : rw_num(w, t, x->value);
		rc = rc ? rc : rw_num(w, t, x->threshold);
		rw_int(w, t, x->n);
		rc = rc ? rc : rw_num(w, t, x->p);
		rc = rc ? rc : rw_num(w, t, x->q_adj);
		rc = rc ? rc : rw_str(w, t, x->detail ? x->detail : "");
		return rc ? rc : rw_str(w, t, x->kind);
	}
	struct db_stmt *s = w->sign;
	db_reset(s);
	db_bind_int(s, 1, w->id);
	db_bind_int(s, 2, x->school_id);
	db_bind_int(s, 3, x->procedure_id);
	db_bind_text(s, 4, x->sign, -1);
	model_bind_num(s, 5, x->value);
	model_bind_num(s, 6, x->threshold);
	db_bind_int(s, 7, x->n);
	model_bind_num(s, 8, x->p);
	model_bind_num(s, 9, x->q_adj);
	db_bind_text(s, 10, x->detail ? x->detail : "", -1);
	db_bind_text(s, 11, x->kind, -1);
	return step_done(s);
}

int run_add_school(struct run_writer *w, const struct run_school_row *x)
{
	if (w->copy) {
		int t = RW_SCHOOL;
		rw_int(w, t, w->id);
		rw_int(w, t, x->school_id);
		rw_int(w, t, x->official_flags);
		rw_int(w, t, x->own_flags);
		rw_int(w, t, x->works);
		/* risk is bound as it is (db_bind_double), NaN included */
		char num[32];
		int rc = rw_text(w, t, num, (size_t)snprintf(num, sizeof num, "%.17g", x->risk));
		rc = rc ? rc : rw_num(w, t, x->p);
		rc = rc ? rc : rw_num(w, t, x->q_adj);
		rw_int(w, t, x->listed);
		rw_int(w, t, x->rank);
		rc = rc ? rc : rw_str(w, t, x->top_sign && *x->top_sign ? x->top_sign : NULL);
		if (x->top_procedure_id)
			rw_int(w, t, x->top_procedure_id);
		else
			rw_put(w, t, C_NULL, 0);
		rc = rc ? rc : rw_num(w, t, x->top_p);
		rc = rc ? rc : rw_str(w, t, x->years_flagged);
		rw_int(w, t, x->consecutive_years);
		return rc;
	}
	struct db_stmt *s = w->school;
	db_reset(s);
	db_bind_int(s, 1, w->id);
	db_bind_int(s, 2, x->school_id);
	db_bind_int(s, 3, x->official_flags);
	db_bind_int(s, 4, x->own_flags);
	db_bind_int(s, 5, x->works);
	db_bind_double(s, 6, x->risk);
	model_bind_num(s, 7, x->p);
	model_bind_num(s, 8, x->q_adj);
	db_bind_int(s, 9, x->listed);
	db_bind_int(s, 10, x->rank);
	db_bind_text(s, 11, x->top_sign && *x->top_sign ? x->top_sign : NULL, -1);
	if (x->top_procedure_id)
		db_bind_int(s, 12, x->top_procedure_id);
	else
		db_bind_null(s, 12);
	model_bind_num(s, 13, x->top_p);
	db_bind_text(s, 14, x->years_flagged, -1);
	db_bind_int(s, 15, x->consecutive_years);
	return step_done(s);
}

int run_add_index(struct run_writer *w, const struct run_index_row *x)
{
	struct db_stmt *s = w->index;
	bool all = !x->procedure_id;
	db_reset(s);
	db_bind_int(s, 1, w->id);
	if (all)
		db_bind_null(s, 2);
	else
		db_bind_int(s, 2, x->procedure_id);
	db_bind_text(s, 3, x->scope, -1);
	for (int i = 4; i <= 22; i++)
		db_bind_null(s, i);
	db_bind_int(s, 5, x->schools);
	db_bind_int(s, 15, x->flagged_official);
	model_bind_num(s, 16, x->index);
	if (all)
		return step_done(s);
	db_bind_int(s, 4, x->works);
	db_bind_int(s, 6, x->excluded);
	db_bind_int(s, 7, x->absent);
	model_bind_num(s, 8, x->mean);
	model_bind_num(s, 9, x->sd);
	db_bind_int(s, 10, x->flagged_mean);
	db_bind_int(s, 11, x->flagged_journal);
	db_bind_int(s, 12, x->flagged_rise);
	db_bind_int(s, 13, x->flagged_drop);
	db_bind_int(s, 14, x->flagged_share2);
	db_bind_int(s, 17, x->own_flagged);
	if (x->boundary >= 0) {
		db_bind_int(s, 18, x->boundary);
		model_bind_num(s, 19, x->excess);
		model_bind_num(s, 20, x->excess_lo);
		model_bind_num(s, 21, x->excess_hi);
		model_bind_num(s, 22, x->excess_share);
	}
	return step_done(s);
}

int run_add_histogram(struct run_writer *w, int64_t procedure_id, int64_t school_id,
		      const uint32_t *counts, size_t n, const int *scale)
{
	struct db_stmt *s = w->hist;
	struct buf *b = &w->text;
	uint64_t works = 0;
	char sc[48], num[24];
	/* Tens of thousands of rows in a national run: numbers formatted without printf, into a
	 * buffer bound by reference (the statement is reset before the buffer changes). */
	db_reset(s);
	buf_reset(b);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(b, ' ');
		buf_append(b, num, numfmt_u(num, counts[i]));
		works += counts[i];
	}
	if (w->copy) {
		int t = RW_HIST;
		rw_int(w, t, w->id);
		rw_int(w, t, procedure_id);
		if (school_id)
			rw_int(w, t, school_id);
		else
			rw_put(w, t, C_NULL, 0);
		rw_int(w, t, (int64_t)works);
		int rc = rw_text(w, t, buf_str(b), b->len);
		if (scale)
			snprintf(sc, sizeof sc, "%d %d %d", scale[0], scale[1], scale[2]);
		return rc ? rc : rw_str(w, t, scale ? sc : NULL);
	}
	db_bind_int(s, 1, w->id);
	db_bind_int(s, 2, procedure_id);
	if (school_id)
		db_bind_int(s, 3, school_id);
	else
		db_bind_null(s, 3);
	db_bind_int(s, 4, (int64_t)works);
	db_bind_text_ref(s, 5, buf_str(b), (int)b->len);
	if (scale) {
		snprintf(sc, sizeof sc, "%d %d %d", scale[0], scale[1], scale[2]);
		db_bind_text(s, 6, sc, -1);
	} else {
		db_bind_null(s, 6);
	}
	return step_done(s);
}

int run_finish(struct run_writer *w, const struct run_totals *t)
{
	struct db_stmt *st = NULL;
	int rc = w->copy ? rw_copy_all(w) : 0;
	if (rc)
		goto out;
	rc = db_prepare(w->d, &st, "UPDATE analysis_run SET procedures = ?, schools = ?, flagged = ?,"
				       " objectivity_index = ?, listed = ?, q = ? WHERE id = ?");
	if (rc)
		goto out;
	db_bind_int(st, 1, t->procedures);
	db_bind_int(st, 2, t->schools);
	db_bind_int(st, 3, t->flagged);
	model_bind_num(st, 4, t->index);
	db_bind_int(st, 5, t->listed);
	db_bind_double(st, 6, t->q);
	db_bind_int(st, 7, w->id);
	if ((rc = step_done(st)))
		goto out;
	db_finalize(st);
	st = NULL;
	db_finalize(w->sign);
	db_finalize(w->school);
	db_finalize(w->index);
	db_finalize(w->hist);
	w->sign = w->school = w->index = w->hist = NULL;
	rc = db_commit(w->d);
out:
	db_finalize(st);
	if (rc)
		db_rollback(w->d);
	writer_free(w);
	return rc;
}

void run_abort(struct run_writer *w)
{
	if (!w)
		return;
	struct db *d = w->d;
	writer_free(w);
	db_rollback(d);
}

/* ---- reading ---- */

static char *dup_col(struct db_stmt *s, int i)
{
	return xstrdup(db_col_text(s, i));
}

int run_latest(struct db *d, struct run_info *out)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT id, at, procedures, schools, flagged, objectivity_index,"
				   " listed, q FROM analysis_run ORDER BY id DESC LIMIT 1");
	if (rc)
		goto out;
	rc = db_step(s);
	if (rc != DB_ROW) {
		rc = rc < 0 ? rc : ERR_NOTFOUND;
		goto out;
	}
	out->id = db_col_int(s, 0);
	snprintf(out->at, sizeof out->at, "%s", db_col_text(s, 1));
	out->procedures = (long)db_col_int(s, 2);
	out->schools = (long)db_col_int(s, 3);
	out->flagged = (long)db_col_int(s, 4);
	out->index = model_col_num(s, 5);
	out->listed = (long)db_col_int(s, 6);
	out->q = model_col_num(s, 7);
	rc = 0;
out:
	db_finalize(s);
	return rc;
}

int run_count(struct db *d, int64_t *n)
{
	return db_query_int(d, "SELECT count(*) FROM analysis_run", 0, n);
}

/* A school's flags of published criteria in the run (column 15 of a risk row). */
#define RISK_PUBLISHED \
	"(SELECT count(*) FROM sign_result g WHERE g.run_id = k.run_id AND g.school_id = k.school_id" \
	" AND g.kind = 'published')"

/* Whether the sign that gave most of the school's risk is one of its flags in the run
 * (column 16 of a risk row): it may stay under its own threshold. */
#define RISK_TOP_FLAGGED \
	"(SELECT count(*) FROM sign_result g WHERE g.run_id = k.run_id AND g.school_id = k.school_id" \
	" AND g.sign = k.top_sign)"

/* Columns 0..16 of a risk row, after "SELECT ", and the tables they come from. */
#define RISK_COLS \
	"k.rank, sc.id, sc.login, sc.name, coalesce(m.name, ''), coalesce(sc.kind, ''), k.risk," \
	" k.listed, k.official_flags, k.own_flags, k.works, coalesce(k.top_sign, '')," \
	" coalesce(p.code, ''), coalesce(k.years_flagged, ''), k.consecutive_years, " RISK_PUBLISHED \
	", " RISK_TOP_FLAGGED
#define RISK_FROM \
	" FROM school_risk k JOIN school sc ON sc.id = k.school_id" \
	" LEFT JOIN municipality m ON m.id = sc.municipality_id" \
	" LEFT JOIN procedure p ON p.id = k.top_procedure_id"

/* A risk row as the statement holds it (texts valid until the next step). */
static void risk_view(struct db_stmt *s, struct run_risk *x)
{
	x->rank = (long)db_col_int(s, 0);
	x->school_id = db_col_int(s, 1);
	x->login = db_col_text(s, 2);
	x->name = db_col_text(s, 3);
	x->municipality = db_col_text(s, 4);
	x->kind = db_col_text(s, 5);
	x->risk = model_col_num(s, 6);
	x->listed = db_col_int(s, 7) == 1;
	x->official_flags = (long)db_col_int(s, 8);
	x->own_flags = (long)db_col_int(s, 9);
	x->works = (long)db_col_int(s, 10);
	x->top_sign = db_col_text(s, 11);
	x->top_procedure = db_col_text(s, 12);
	x->years_flagged = db_col_text(s, 13);
	x->consecutive_years = (long)db_col_int(s, 14);
	x->published_flags = (long)db_col_int(s, 15);
	x->top_flagged = db_col_int(s, 16) > 0;
}

/* A copy of a row whose seven texts share one allocation, owned through out->login. */
static void risk_copy(const struct run_risk *x, struct run_risk *out)
{
	const char *const *src[7] = { &x->login, &x->name, &x->municipality, &x->kind, &x->top_sign,
				      &x->top_procedure, &x->years_flagged };
	const char **dst[7] = { &out->login, &out->name, &out->municipality, &out->kind,
				&out->top_sign, &out->top_procedure, &out->years_flagged };
	size_t len[7], total = 0;
	*out = *x;
	for (int i = 0; i < 7; i++) {
		len[i] = strlen(*src[i]);
		total += len[i] + 1;
	}
	char *p = xmalloc(total);
	for (int i = 0; i < 7; i++) {
		memcpy(p, *src[i], len[i] + 1);
		*dst[i] = p;
		p += len[i] + 1;
	}
}

static void risk_row(struct db_stmt *s, struct run_risk *x)
{
	struct run_risk v;
	risk_view(s, &v);
	risk_copy(&v, x);
}

void run_risk_clear(struct run_risk *x)
{
	free((void *)x->login);
	x->login = x->name = x->municipality = x->kind = NULL;
	x->top_sign = x->top_procedure = x->years_flagged = NULL;
}

int run_risk_each(struct db *d, const struct scope *sc, int64_t run_id, const struct run_filter *f,
		  run_risk_fn fn, void *ctx)
{
	return run_risk_each_by(d, sc, run_id, f, RUN_SORT_RANK, fn, ctx);
}

int run_risk_each_by(struct db *d, const struct scope *sc, int64_t run_id, const struct run_filter *f,
		     enum run_sort o, run_risk_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s,
			    "SELECT " RISK_COLS RISK_FROM
			    " WHERE k.run_id = ?3 AND (?4 = 0 OR (?4 = 1 AND (k.listed = 1 OR"
			    " k.official_flags > 0)) OR (?4 = 2 AND k.listed = 1))"
			    " AND " SCOPE_SQL("sc")
			    " AND (?7 = 0 OR sc.municipality_id = ?7) AND (?8 = '' OR sc.kind = ?8)"
			    " ORDER BY CASE WHEN ?9 = 1 THEN sc.name END, CASE WHEN ?9 = 2 THEN m.name END,"
			    " CASE WHEN ?9 = 3 THEN k.official_flags WHEN ?9 = 4 THEN " RISK_PUBLISHED
			    " WHEN ?9 = 5 THEN k.own_flags WHEN ?9 = 6 THEN k.works END DESC,"
			    " k.rank LIMIT ?5 OFFSET ?6");
	if (rc)
		goto out;
	scope_bind(s, sc);
	db_bind_int(s, 3, run_id);
	db_bind_int(s, 4, (int64_t)f->which);
	db_bind_int(s, 5, f->limit > 0 ? f->limit : (int64_t)1 << 62);
	db_bind_int(s, 6, f->offset);
	db_bind_int(s, 7, f->municipality_id);
	db_bind_text(s, 8, f->kind ? f->kind : "", -1);
	db_bind_int(s, 9, (int64_t)o);
	struct run_risk v;
	while ((rc = db_step(s)) == DB_ROW) {
		risk_view(s, &v);
		if ((rc = fn(ctx, &v)))
			goto out;
	}
	rc = rc < 0 ? rc : 0;
out:
	db_finalize(s);
	return rc;
}

struct risk_gather {
	struct run_risk *rows;
	size_t n, cap;
};

static int gather_risk(void *ctx, const struct run_risk *x)
{
	struct risk_gather *g = ctx;
	g->rows = xgrow(g->rows, &g->cap, g->n + 1, sizeof *g->rows);
	risk_copy(x, &g->rows[g->n++]);
	return 0;
}

int run_risk_list(struct db *d, const struct scope *sc, int64_t run_id, const struct run_filter *f,
		  struct run_risk **out, size_t *n)
{
	return run_risk_list_by(d, sc, run_id, f, RUN_SORT_RANK, out, n);
}

int run_risk_list_by(struct db *d, const struct scope *sc, int64_t run_id, const struct run_filter *f,
		     enum run_sort o, struct run_risk **out, size_t *n)
{
	struct risk_gather g = { NULL, 0, 0 };
	int rc = run_risk_each_by(d, sc, run_id, f, o, gather_risk, &g);
	if (rc) {
		run_risk_free(g.rows, g.n);
		g.rows = NULL;
		g.n = 0;
	}
	*out = g.rows;
	*n = g.n;
	return rc;
}

void run_risk_free(struct run_risk *rows, size_t n)
{
	for (size_t i = 0; rows && i < n; i++)
		run_risk_clear(&rows[i]);
	free(rows);
}

int run_scope_totals(struct db *d, const struct scope *sc, struct run_info *io)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT count(*), coalesce(sum(CASE WHEN k.official_flags > 0 THEN 1"
				   " ELSE 0 END), 0), coalesce(sum(k.listed), 0)"
				   " FROM school_risk k JOIN school sc ON sc.id = k.school_id"
				   " WHERE k.run_id = ?3 AND " SCOPE_SQL("sc"));
	if (rc)
		goto out;
	scope_bind(s, sc);
	db_bind_int(s, 3, io->id);
	if ((rc = db_step(s)) != DB_ROW) {
		rc = rc < 0 ? rc : ERR_NOTFOUND;
		goto out;
	}
	io->schools = (long)db_col_int(s, 0);
	io->flagged = (long)db_col_int(s, 1);
	io->listed = (long)db_col_int(s, 2);
	io->index = io->schools ? 100.0 - 100.0 * (double)io->flagged / (double)io->schools : NAN;
	rc = 0;
out:
	db_finalize(s);
	return rc;
}

int run_school_risk(struct db *d, int64_t run_id, int64_t school_id, struct run_risk *out,
		    long *ranked)
{
	memset(out, 0, sizeof *out);
	*ranked = 0;
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT " RISK_COLS ", (SELECT count(*) FROM school_risk x"
				   " WHERE x.run_id = k.run_id)" RISK_FROM " WHERE k.run_id = ? AND k.school_id = ?");
	if (rc)
		goto out;
	db_bind_int(s, 1, run_id);
	db_bind_int(s, 2, school_id);
	rc = db_step(s);
	if (rc != DB_ROW) {
		rc = rc < 0 ? rc : ERR_NOTFOUND;
		goto out;
	}
	risk_row(s, out);
	*ranked = (long)db_col_int(s, 17);
	rc = 0;
out:
	db_finalize(s);
	return rc;
}

int run_school_signs(struct db *d, int64_t run_id, int64_t school_id, enum run_sign_order o,
		     struct run_sign **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct db_stmt *s = NULL;
	struct run_sign *v = NULL;
	size_t nv = 0, cap = 0;
	int rc = db_prepare(d, &s,
			    o == RUN_SIGNS_BY_SIGN
			    ? "SELECT g.sign, g.kind, p.code, coalesce(g.detail, ''), g.value, g.threshold,"
			      " g.p, g.q_adj, g.n FROM sign_result g JOIN procedure p ON p.id = g.procedure_id"
			      " WHERE g.run_id = ? AND g.school_id = ?"
			      " ORDER BY CASE WHEN g.kind = 'official' THEN 0 ELSE 1 END, g.sign,"
			      " p.year DESC, p.code"
			    : "SELECT g.sign, g.kind, p.code, coalesce(g.detail, ''), g.value, g.threshold,"
			      " g.p, g.q_adj, g.n FROM sign_result g JOIN procedure p ON p.id = g.procedure_id"
			      " WHERE g.run_id = ? AND g.school_id = ? ORDER BY p.code, g.sign");
	if (rc)
		goto out;
	db_bind_int(s, 1, run_id);
	db_bind_int(s, 2, school_id);
	while ((rc = db_step(s)) == DB_ROW) {
		v = xgrow(v, &cap, nv + 1, sizeof *v);
		struct run_sign *x = &v[nv++];
		x->sign = dup_col(s, 0);
		x->kind = dup_col(s, 1);
		x->procedure = dup_col(s, 2);
		x->detail = dup_col(s, 3);
		x->value = model_col_num(s, 4);
		x->threshold = model_col_num(s, 5);
		x->p = model_col_num(s, 6);
		x->q_adj = model_col_num(s, 7);
		x->n = (long)db_col_int(s, 8);
	}
	if (rc < 0)
		goto out;
	rc = 0;
	*out = v;
	*n = nv;
	v = NULL;
out:
	db_finalize(s);
	run_signs_free(v, nv);
	return rc;
}

void run_signs_free(struct run_sign *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++) {
		free(s[i].sign);
		free(s[i].kind);
		free(s[i].procedure);
		free(s[i].detail);
	}
	free(s);
}

int run_school_history(struct db *d, int64_t school_id, size_t limit, struct run_history **out,
		       size_t *n)
{
	*out = NULL;
	*n = 0;
	struct db_stmt *s = NULL;
	struct run_history *v = NULL;
	size_t nv = 0, cap = 0;
	int rc = db_prepare(d, &s, "SELECT a.at, k.risk, k.rank, k.listed, k.official_flags"
				   " FROM school_risk k JOIN analysis_run a ON a.id = k.run_id"
				   " WHERE k.school_id = ? ORDER BY a.id DESC LIMIT ?");
	if (rc)
		goto out;
	db_bind_int(s, 1, school_id);
	db_bind_int(s, 2, (int64_t)limit);
	while ((rc = db_step(s)) == DB_ROW) {
		v = xgrow(v, &cap, nv + 1, sizeof *v);
		struct run_history *x = &v[nv++];
		snprintf(x->at, sizeof x->at, "%s", db_col_text(s, 0));
		x->risk = model_col_num(s, 1);
		x->rank = (long)db_col_int(s, 2);
		x->listed = db_col_int(s, 3) == 1;
		x->official_flags = (long)db_col_int(s, 4);
	}
	if (rc < 0)
		goto out;
	rc = 0;
	*out = v;
	*n = nv;
	v = NULL;
out:
	db_finalize(s);
	free(v);
	return rc;
}

/* "3 0 12 …" into a fresh array of n counts (missing counts are 0); returns the sum. */
static uint64_t parse_counts(const char *t, uint64_t *c, size_t n)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < n; i++) {
		char *end;
		unsigned long long v = strtoull(t, &end, 10);
		if (end == t)
			break;
		c[i] = v;
		sum += v;
		t = end;
	}
	return sum;
}

static size_t count_words(const char *t)
{
	size_t n = 0;
	for (bool in = false; *t; t++) {
		bool sp = *t == ' ';
		n += !sp && !in;
		in = !sp;
	}
	return n;
}

int run_school_histogram(struct db *d, int64_t run_id, int64_t school_id, const char *procedure,
			 struct run_hist *out)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *s = NULL;
	bool got_school = false, got_all = false;
	int rc = db_prepare(d, &s, "SELECT CASE WHEN h.school_id IS NULL THEN 1 ELSE 0 END, h.counts, coalesce(h.scale, '')"
				   " FROM run_histogram h JOIN procedure p ON p.id = h.procedure_id"
				   " WHERE h.run_id = ? AND p.code = ? AND (h.school_id = ? OR h.school_id IS NULL)");
	if (rc)
		goto out;
	db_bind_int(s, 1, run_id);
	db_bind_text(s, 2, procedure, -1);
	db_bind_int(s, 3, school_id);
	/* The region row first fixes the width (max score + 1) for both. */
	char *school_counts = NULL;
	while ((rc = db_step(s)) == DB_ROW) {
		if (db_col_int(s, 0)) {
			const char *t = db_col_text(s, 1);
			out->nbins = count_words(t);
			out->all = xcalloc(out->nbins + 1, sizeof *out->all);
			out->school = xcalloc(out->nbins + 1, sizeof *out->school);
			out->all_n = parse_counts(t, out->all, out->nbins);
			out->has_scale = sscanf(db_col_text(s, 2), "%d %d %d", &out->scale[0],
						&out->scale[1], &out->scale[2]) == 3;
			got_all = true;
		} else if (!school_counts) {
			school_counts = dup_col(s, 1);
			got_school = true;
		}
	}
	if (rc < 0) {
		free(school_counts);
		goto out;
	}
	rc = 0;
	if (got_all && got_school)
		out->school_n = parse_counts(school_counts, out->school, out->nbins);
	free(school_counts);
	if (!got_all || !got_school || !out->nbins)
		rc = ERR_NOTFOUND;
out:
	db_finalize(s);
	if (rc)
		run_hist_free(out);
	return rc;
}

void run_hist_free(struct run_hist *h)
{
	free(h->school);
	free(h->all);
	memset(h, 0, sizeof *h);
}
