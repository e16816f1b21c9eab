/* unit: schools, municipalities and regions as the reports see them (see unit.h). */
#include "model/unit.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/err.h"
#include "base/mem.h"

int unit_first_region(struct db *d, int64_t *id)
{
	return db_query_int(d, "SELECT min(id) FROM region", 0, id);
}

int unit_school(struct db *d, int64_t school_id, char *name, size_t nname, char *login,
		size_t nlogin)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT name, login FROM school WHERE id = ?");
	if (rc || (rc = db_bind_int(s, 1, school_id)))
		goto out;
	if (!(rc = db_step_one(s))) {
		if (name)
			snprintf(name, nname, "%s", db_col_text(s, 0));
		if (login)
			snprintf(login, nlogin, "%s", db_col_text(s, 1));
	}
out:
	if (s)
		db_reset(s);
	return rc;
}

int unit_school_place(struct db *d, int64_t school_id, char *login, size_t nlogin, char *name,
		      size_t nname, char *municipality, size_t nmun, char *region, size_t nregion)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT s.login, s.name, coalesce(m.name, ''), coalesce(g.name, '')"
				   " FROM school s LEFT JOIN municipality m ON m.id = s.municipality_id"
				   " LEFT JOIN region g ON g.id = m.region_id WHERE s.id = ?");
	if (rc || (rc = db_bind_int(s, 1, school_id)))
		goto out;
	if (!(rc = db_step_one(s))) {
		snprintf(login, nlogin, "%s", db_col_text(s, 0));
		snprintf(name, nname, "%s", db_col_text(s, 1));
		snprintf(municipality, nmun, "%s", db_col_text(s, 2));
		snprintf(region, nregion, "%s", db_col_text(s, 3));
	}
out:
	db_finalize(s);
	return rc;
}

int unit_title(struct db *d, enum unit_kind kind, int64_t id, char *out, size_t n)
{
	static const char *const sql[] = {
		[UNIT_SCHOOL] = "SELECT name FROM school WHERE id = ?",
		[UNIT_MUNICIPALITY] = "SELECT name FROM municipality WHERE id = ?",
		[UNIT_REGION] = "SELECT name FROM region WHERE id = ?",
	};
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, sql[kind]);
	if (rc || (rc = db_bind_int(s, 1, id)))
		goto out;
	if (!(rc = db_step_one(s))) {
		snprintf(out, n, "%s", db_col_text(s, 0));
	}
out:
	db_finalize(s);
	return rc;
}

int unit_parent(struct db *d, enum unit_kind kind, int64_t id, int64_t *parent)
{
	*parent = 0;
	if (kind == UNIT_REGION)
		return 0;
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, kind == UNIT_SCHOOL
				   ? "SELECT coalesce(municipality_id, 0) FROM school WHERE id = ?"
				   : "SELECT region_id FROM municipality WHERE id = ?");
	if (rc || (rc = db_bind_int(s, 1, id)))
		goto out;
	if ((rc = db_step(s)) == DB_ROW)
		*parent = db_col_int(s, 0);
	rc = rc < 0 ? rc : 0;
out:
	db_finalize(s);
	return rc;
}

static int place_cmp(const void *a, const void *b)
{
	int64_t x = ((const struct unit_place *)a)->school, y = ((const struct unit_place *)b)->school;
	return x < y ? -1 : x > y;
}

int unit_places(struct db *d, struct unit_place **out, size_t *n)
{
	struct db_stmt *s = NULL;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	int rc = db_prepare(d, &s, "SELECT s.id, coalesce(s.municipality_id, 0), coalesce(m.region_id, 0)"
				   " FROM school s LEFT JOIN municipality m ON m.id = s.municipality_id"
				   " ORDER BY s.id");
	if (rc)
		goto out;
	while ((rc = db_step(s)) == DB_ROW) {
		*out = xgrow(*out, &cap, *n + 1, sizeof **out);
		(*out)[*n] = (struct unit_place){ db_col_int(s, 0), db_col_int(s, 1), db_col_int(s, 2) };
		(*n)++;
	}
	if (rc < 0)
		goto out;
	rc = 0;
	if (*n)
		qsort(*out, *n, sizeof **out, place_cmp); /* already ordered; cheap insurance */
out:
	db_finalize(s);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* Runs a statement whose rows are (id, login or NULL, name) and calls fn for each. */
static int walk(struct db_stmt *s, bool with_login, unit_fn fn, void *ctx)
{
	int rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if ((rc = fn(ctx, db_col_int(s, 0), with_login ? db_col_text(s, 1) : NULL,
			     db_col_text(s, 2))))
			return rc;
	}
	return rc < 0 ? rc : 0;
}

int unit_children(struct db *d, enum unit_kind kind, int64_t id, unit_fn fn, void *ctx)
{
	if (kind == UNIT_SCHOOL)
		return 0;
	bool mun = kind == UNIT_MUNICIPALITY;
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, mun ? "SELECT id, login, name FROM school WHERE municipality_id = ?"
					 " ORDER BY name"
				       : "SELECT id, '', name FROM municipality WHERE region_id = ?"
					 " ORDER BY name");
	if (rc || (rc = db_bind_int(s, 1, id)))
		goto out;
	rc = walk(s, mun, fn, ctx);
out:
	db_finalize(s);
	return rc;
}

int unit_regions(struct db *d, const struct scope *sc, unit_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT id, '', name FROM region WHERE ?1 = 'all'"
				   " OR (?1 = 'reg' AND id = ?2) ORDER BY name");
	if (rc || (rc = scope_bind(s, sc)))
		goto out;
	rc = walk(s, false, fn, ctx);
out:
	db_finalize(s);
	return rc;
}

int unit_procedures_with_results(struct db *d, int64_t school_id, char (*codes)[40], int max,
				 int *n)
{
	struct db_stmt *s = NULL;
	*n = 0;
	/* EXISTS is one index seek per procedure. */
	int rc = db_prepare(d, &s, school_id > 0
			    ? "SELECT code FROM procedure p WHERE EXISTS (SELECT 1 FROM result x"
			      " WHERE x.procedure_id = p.id AND x.school_id = ?) ORDER BY year DESC, code"
			    : "SELECT code FROM procedure p WHERE EXISTS (SELECT 1 FROM result x"
			      " WHERE x.procedure_id = p.id) ORDER BY year DESC, code");
	if (rc || (school_id > 0 && (rc = db_bind_int(s, 1, school_id))))
		goto out;
	while (*n < max && (rc = db_step(s)) == DB_ROW)
		snprintf(codes[(*n)++], 40, "%s", db_col_text(s, 0));
	rc = rc < 0 ? rc : 0;
out:
	db_finalize(s);
	return rc;
}
