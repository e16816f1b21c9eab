/* scope: the one answer to "which schools may this user see" (see scope.h). */
#include <stdio.h>

#include "base/err.h"
#include "model/scope.h"

struct scope scope_all(void)
{
	return (struct scope){ .kind = SCOPE_ALL, .id = 0 };
}

struct scope scope_of(const struct user *u)
{
	if (!u || u->role == ROLE_ADMIN || (u->role == ROLE_REGION && !u->region_id))
		return scope_all();
	switch (u->role) {
	case ROLE_REGION:
		return (struct scope){ SCOPE_REGION, u->region_id };
	case ROLE_MUNICIPALITY:
		return u->municipality_id ? (struct scope){ SCOPE_MUNICIPALITY, u->municipality_id }
					  : (struct scope){ SCOPE_NONE, 0 };
	case ROLE_SCHOOL:
		return u->school_id ? (struct scope){ SCOPE_SCHOOL, u->school_id }
				    : (struct scope){ SCOPE_NONE, 0 };
	default:
		return (struct scope){ SCOPE_NONE, 0 };
	}
}

static const char *kind_text(enum scope_kind k)
{
	switch (k) {
	case SCOPE_ALL:
		return "all";
	case SCOPE_REGION:
		return "reg";
	case SCOPE_MUNICIPALITY:
		return "mun";
	case SCOPE_SCHOOL:
		return "school";
	default:
		return "none";
	}
}

int scope_bind(struct db_stmt *s, const struct scope *sc)
{
	int rc = db_bind_text(s, 1, kind_text(sc->kind), -1);
	return rc ? rc : db_bind_int(s, 2, sc->id);
}

void scope_key(const struct scope *sc, char *out, size_t n)
{
	if (sc->kind == SCOPE_ALL || sc->kind == SCOPE_NONE)
		snprintf(out, n, "%s", kind_text(sc->kind));
	else
		snprintf(out, n, "%s:%lld", kind_text(sc->kind), (long long)sc->id);
}

/* The municipality's region: 0 when the municipality does not exist. */
static int64_t region_of(struct db *d, int64_t municipality_id)
{
	struct db_stmt *s = NULL;
	int64_t r = 0;
	if (!db_cached(d, &s, "SELECT region_id FROM municipality WHERE id = ?") &&
	    !db_bind_int(s, 1, municipality_id) && db_step(s) == DB_ROW)
		r = db_col_int(s, 0);
	if (s)
		db_reset(s);
	return r;
}

bool scope_sees_municipality(struct db *d, const struct scope *sc, int64_t municipality_id)
{
	if (municipality_id <= 0)
		return false;
	switch (sc->kind) {
	case SCOPE_ALL:
		return region_of(d, municipality_id) != 0;
	case SCOPE_REGION:
		return region_of(d, municipality_id) == sc->id;
	case SCOPE_MUNICIPALITY:
		return municipality_id == sc->id;
	default:
		return false;
	}
}

bool scope_sees_school(struct db *d, const struct scope *sc, int64_t school_id)
{
	if (sc->kind == SCOPE_NONE || school_id <= 0)
		return false;
	if (sc->kind == SCOPE_SCHOOL)
		return school_id == sc->id;
	struct db_stmt *s = NULL;
	int64_t mun = 0;
	bool found = false;
	if (!db_cached(d, &s, "SELECT coalesce(municipality_id, 0) FROM school WHERE id = ?") &&
	    !db_bind_int(s, 1, school_id) && db_step(s) == DB_ROW) {
		mun = db_col_int(s, 0);
		found = true;
	}
	if (s)
		db_reset(s);
	if (!found)
		return false;
	if (sc->kind == SCOPE_ALL)
		return true;
	/* A school with no municipality yet: the region sees it, no municipality does. */
	if (!mun)
		return sc->kind == SCOPE_REGION;
	return scope_sees_municipality(d, sc, mun);
}

bool scope_sees_procedure(struct db *d, const struct scope *sc, int64_t procedure_id)
{
	if (sc->kind == SCOPE_NONE || procedure_id <= 0)
		return false;
	struct db_stmt *s = NULL;
	bool found = false;
	if (!db_cached(d, &s, "SELECT 1 FROM procedure WHERE id = ?") &&
	    !db_bind_int(s, 1, procedure_id) && db_step(s) == DB_ROW)
		found = true;
	if (s)
		db_reset(s);
	return found;
}

bool scope_sees_region(struct db *d, const struct scope *sc, int64_t region_id)
{
	if (region_id <= 0)
		return false;
	if (sc->kind == SCOPE_REGION)
		return region_id == sc->id;
	if (sc->kind != SCOPE_ALL)
		return false;
	struct db_stmt *s = NULL;
	bool found = false;
	if (!db_cached(d, &s, "SELECT 1 FROM region WHERE id = ?") && !db_bind_int(s, 1, region_id) &&
	    db_step(s) == DB_ROW)
		found = true;
	if (s)
		db_reset(s);
	return found;
}
