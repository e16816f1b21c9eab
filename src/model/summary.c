/* summary: territory figures for the home page, school cards and the API (summary.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/mem.h"
#include "model/rows.h"
#include "model/summary.h"

/* A school's current results of a procedure are its latest upload's: the view result_pair
 * (migration 002) is that rule's one home. The queries below read the scope's schools
 * first and reach their uploads from them (CROSS JOIN keeps that order, through the index
 * upload_school_school); joined the other way, SQLite scanned every upload of the region
 * and looked each one's latest up (the home page's figures: 25 ms → 10 ms for the region,
 * → 0.6 ms for a municipality; issue 21). */

int summary_home(struct db *d, const struct scope *sc, struct summary_counts *out,
		 summary_progress_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	memset(out, 0, sizeof *out);
	/* The scope's schools and municipalities; the region's procedures are every procedure
	 * it has described (-1: a district's or a school's are those it has results of,
	 * counted from the rows below). */
	int rc = db_prepare(d, &s, "SELECT (SELECT count(*) FROM school s WHERE " SCOPE_SQL("s") "),"
				   " (SELECT count(DISTINCT s.municipality_id) FROM school s WHERE " SCOPE_SQL("s") "),"
				   " CASE WHEN ?1 = 'mun' OR ?1 = 'school' THEN -1"
				   " ELSE (SELECT count(*) FROM procedure) END");
	if (rc || (rc = scope_bind(s, sc)) || (rc = db_step_one(s)))
		goto out;
	out->schools = (long)db_col_int(s, 0);
	out->municipalities = (long)db_col_int(s, 1);
	long procedures = (long)db_col_int(s, 2);
	db_finalize(s);
	s = NULL;
	/* The upload progress by procedure and municipality, and the results of the scope's
	 * schools summed from the same groups: one walk over the current uploads for the
	 * home's figures and its progress (two walks cost the region's home 22 of its first
	 * 50 ms; issue 21). A school has one current upload of a procedure: count(*) counts
	 * schools. */
	rc = db_prepare(d, &s,
			"SELECT p.code, coalesce(m.name, 'муниципалитет не указан'), g.n,"
			" (SELECT count(*) FROM school s2 WHERE s2.municipality_id IS NOT DISTINCT FROM m.id"
			"  AND (?1 != 'school' OR s2.id = ?2)),"
			" p.subject, p.grade, p.year, g.r, g.w"
			" FROM (SELECT x.procedure_id, s.municipality_id AS mid, count(*) AS n,"
			"  sum(x.rows) AS r, sum(x.written) AS w"
			"  FROM school s CROSS JOIN result_pair x WHERE x.school_id = s.id"
			"  AND " SCOPE_SQL("s")
			"  GROUP BY x.procedure_id, s.municipality_id) g"
			" JOIN procedure p ON p.id = g.procedure_id LEFT JOIN municipality m ON m.id = g.mid"
			/* schools with no municipality first, in PostgreSQL too (NULLS FIRST) */
			" ORDER BY p.year DESC, p.code, CASE WHEN m.name IS NULL THEN 0 ELSE 1 END, m.name");
	if (rc || (rc = scope_bind(s, sc)))
		goto out;
	long seen = 0; /* procedures among the rows: they come by procedure */
	char last[64] = "";
	while ((rc = db_step(s)) == DB_ROW) {
		struct summary_progress_row r = { .procedure = db_col_text(s, 0),
						  .subject = db_col_text(s, 4),
						  .grade = (int)db_col_int(s, 5),
						  .year = (int)db_col_int(s, 6),
						  .municipality = db_col_text(s, 1),
						  .got = (long)db_col_int(s, 2),
						  .all = (long)db_col_int(s, 3) };
		out->results += (long)db_col_int(s, 7);
		out->written += (long)db_col_int(s, 8);
		if (strcmp(last, r.procedure)) {
			seen++;
			snprintf(last, sizeof last, "%s", r.procedure);
		}
		if (fn && (rc = fn(ctx, &r)))
			goto out;
	}
	rc = model_done(rc);
	out->procedures = procedures >= 0 ? procedures : seen;
out:
	db_finalize(s);
	return rc;
}

int summary_counts(struct db *d, const struct scope *sc, struct summary_counts *out)
{
	return summary_home(d, sc, out, NULL, NULL);
}

/* Procedure by procedure through the results' primary key (procedure_id, school_id, code):
 * CROSS JOIN keeps SQLite from scanning the whole result table for one school (the school
 * card: 40 ms → 0.3 ms on the demo region; issue 21). */
int summary_school_results(struct db *d, int64_t school_id, summary_school_result_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT p.code, sum(1 - x.absent), sum(x.absent), avg(x.primary_score),"
				   " p.max_score, sum(CASE WHEN x.problems <> 0 THEN 1 ELSE 0 END),"
				   " p.subject, p.grade, p.year"
				   " FROM procedure p CROSS JOIN result x WHERE x.procedure_id = p.id AND x.school_id = ?"
				   " GROUP BY p.id ORDER BY p.year DESC, p.code");
	if (rc || (rc = db_bind_int(s, 1, school_id)))
		goto out;
	while ((rc = db_step(s)) == DB_ROW) {
		struct summary_school_result r = {
			db_col_text(s, 0), (long)db_col_int(s, 1), (long)db_col_int(s, 2),
			db_col_double(s, 3), (long)db_col_int(s, 4), (long)db_col_int(s, 5),
			db_col_text(s, 6), (int)db_col_int(s, 7), (int)db_col_int(s, 8),
		};
		if ((rc = fn(ctx, &r)))
			goto out;
	}
out:
	db_finalize(s);
	return rc;
}

/* One school's works being gathered by summary_scores. */
struct gather {
	char *login;
	long written, absent, scored;
	int64_t sum;
	struct summary_score_count *v;
	size_t n, cap;
};

static int emit(struct gather *g, summary_scores_fn fn, void *ctx)
{
	if (!g->login)
		return 0;
	/* The mean as SQL's avg() gives it for integers: the exact sum over the count. */
	struct summary_school_scores x = {
		g->login, g->written, g->absent, g->scored ? (double)g->sum / (double)g->scored : 0.0,
		g->n, g->v,
	};
	int rc = fn(ctx, &x);
	free(g->login);
	g->login = NULL;
	g->written = g->absent = g->scored = 0;
	g->sum = 0;
	g->n = 0;
	return rc;
}

int summary_scores(struct db *d, const struct scope *sc, const char *procedure,
		   summary_scores_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	struct gather g = { 0 };
	int rc = db_prepare(d, &s, "SELECT s.login, x.absent, x.primary_score IS NULL,"
				   " coalesce(x.primary_score, 0), count(*)"
				   " FROM procedure p JOIN result x ON x.procedure_id = p.id"
				   " JOIN school s ON s.id = x.school_id WHERE p.code = ?3 AND " SCOPE_SQL("s")
				   " GROUP BY s.login, x.absent, x.primary_score"
				   " ORDER BY s.login, x.primary_score IS NULL, x.primary_score");
	if (rc || (rc = scope_bind(s, sc)) || (rc = db_bind_text(s, 3, procedure, -1)))
		goto out;
	while ((rc = db_step(s)) == DB_ROW) {
		const char *login = db_col_text(s, 0);
		long n = (long)db_col_int(s, 4);
		if (g.login && strcmp(g.login, login) && (rc = emit(&g, fn, ctx)))
			goto out;
		if (!g.login)
			g.login = xstrdup(login);
		if (db_col_int(s, 1))
			g.absent += n;
		else
			g.written += n;
		if (db_col_int(s, 2))
			continue;
		int score = (int)db_col_int(s, 3);
		g.scored += n;
		g.sum += (int64_t)score * n;
		/* Scores come ascending: the same score of an absent and a present work merge. */
		if (g.n && g.v[g.n - 1].score == score) {
			g.v[g.n - 1].n += n;
		} else {
			g.v = xgrow(g.v, &g.cap, g.n + 1, sizeof *g.v);
			g.v[g.n++] = (struct summary_score_count){ score, n };
		}
	}
	if (rc == DB_DONE)
		rc = emit(&g, fn, ctx);
out:
	free(g.login);
	free(g.v);
	db_finalize(s);
	return rc;
}

int summary_result_total(struct db *d, int64_t *n)
{
	struct db_stmt *s = NULL;
	*n = 0;
	int rc = db_prepare(d, &s, "SELECT count(*) FROM result");
	if (!rc && (rc = db_step(s)) == DB_ROW) {
		*n = db_col_int(s, 0);
		rc = 0;
	}
	db_finalize(s);
	return rc;
}
