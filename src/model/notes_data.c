/* notes_data: figures of the official documents read from the stored run and the results
 * (notes_data.h). */
#include <math.h>
#include <string.h>

#include "base/err.h"
#include "model/notes_data.h"
#include "model/rows.h"

int nd_index_get(struct db *d, int64_t run_id, int64_t procedure_id, struct nd_index *out)
{
	struct db_stmt *s = NULL;
	memset(out, 0, sizeof *out);
	int rc = db_prepare(d, &s,
			    "SELECT works, schools, excluded, absent, flagged_official, own_flagged,"
			    " mean, sd, objectivity_index, boundary, excess, excess_lo, excess_hi, excess_share"
			    " FROM region_index WHERE run_id = ?1"
			    " AND ((?2 = 0 AND procedure_id IS NULL AND scope = 'all') OR procedure_id = ?2)");
	if (rc || (rc = db_bind_int(s, 1, run_id)) || (rc = db_bind_int(s, 2, procedure_id)))
		goto out;
	if ((rc = db_step_one(s)))
		goto out;
	out->works = db_col_int(s, 0);
	out->schools = db_col_int(s, 1);
	out->excluded = db_col_int(s, 2);
	out->absent = db_col_int(s, 3);
	out->flagged_official = db_col_int(s, 4);
	out->own_flagged = db_col_int(s, 5);
	out->mean = model_col_num(s, 6);
	out->sd = model_col_num(s, 7);
	out->index = model_col_num(s, 8);
	out->boundary = db_col_null(s, 9) ? -1 : (int)db_col_int(s, 9);
	out->excess = model_col_num(s, 10);
	out->excess_lo = model_col_num(s, 11);
	out->excess_hi = model_col_num(s, 12);
	out->excess_share = model_col_num(s, 13);
out:
	db_finalize(s);
	return rc;
}

/* The selection of sign_result rows shared by the two sign queries: ?1 ?2 the scope, ?3
 * the run, ?4 the procedure (0 any), ?5 the year (0 any), ?6 the kind. */
#define ND_SIGN_WHERE \
	" FROM sign_result r JOIN school s ON s.id = r.school_id" \
	" JOIN procedure p ON p.id = r.procedure_id" \
	" WHERE r.run_id = ?3 AND r.kind = ?6 AND (?4 = 0 OR r.procedure_id = ?4)" \
	" AND (?5 = 0 OR p.year = ?5) AND " SCOPE_SQL("s")

static int bind_sel(struct db_stmt *s, const struct scope *sc, int64_t run_id, int64_t procedure_id,
		    int year, const char *kind)
{
	int rc = scope_bind(s, sc);
	rc = rc ? rc : db_bind_int(s, 3, run_id);
	rc = rc ? rc : db_bind_int(s, 4, procedure_id);
	rc = rc ? rc : db_bind_int(s, 5, year);
	return rc ? rc : db_bind_text(s, 6, kind, -1);
}

int nd_sign_schools(struct db *d, const struct scope *sc, int64_t run_id, int64_t procedure_id,
		    int year, const char *kind, nd_sign_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT r.sign, count(DISTINCT r.school_id)" ND_SIGN_WHERE
				   " GROUP BY r.sign ORDER BY r.sign");
	if (rc || (rc = bind_sel(s, sc, run_id, procedure_id, year, kind)))
		goto out;
	while ((rc = db_step(s)) == DB_ROW)
		if ((rc = fn(ctx, db_col_text(s, 0), (long)db_col_int(s, 1))))
			goto out;
out:
	db_finalize(s);
	return rc;
}

int nd_flagged_schools(struct db *d, const struct scope *sc, int64_t run_id, int64_t procedure_id,
		       int year, const char *kind, long *n)
{
	struct db_stmt *s = NULL;
	*n = 0;
	int rc = db_prepare(d, &s, "SELECT count(DISTINCT r.school_id)" ND_SIGN_WHERE);
	if (rc || (rc = bind_sel(s, sc, run_id, procedure_id, year, kind)))
		goto out;
	if (!(rc = db_step_one(s)))
		*n = (long)db_col_int(s, 0);
out:
	db_finalize(s);
	return rc;
}

int nd_schools_with_works(struct db *d, const struct scope *sc, int64_t procedure_id, int year,
			  long *schools, long *works)
{
	struct db_stmt *s = NULL;
	*schools = *works = 0;
	int rc = db_prepare(d, &s,
			    "SELECT count(DISTINCT x.school_id), count(*) FROM result x"
			    " JOIN school s ON s.id = x.school_id JOIN procedure p ON p.id = x.procedure_id"
			    " WHERE x.absent = 0 AND x.primary_score IS NOT NULL"
			    " AND (?3 = 0 OR x.procedure_id = ?3) AND (?4 = 0 OR p.year = ?4)"
			    " AND " SCOPE_SQL("s"));
	if (rc || (rc = scope_bind(s, sc)) || (rc = db_bind_int(s, 3, procedure_id)) ||
	    (rc = db_bind_int(s, 4, year)))
		goto out;
	if (!(rc = db_step_one(s))) {
		*schools = (long)db_col_int(s, 0);
		*works = (long)db_col_int(s, 1);
	}
out:
	db_finalize(s);
	return rc;
}
