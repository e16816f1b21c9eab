/* registry: regions, municipalities and schools. */
#include "model/registry.h"

#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/str.h"

const char *const registry_kinds[] = {
	"СОШ", "ООШ", "НОШ", "лицей", "гимназия", "филиал", "другое", NULL
};

const char *registry_kind_canonical(const char *kind)
{
	if (!kind)
		return NULL;
	for (size_t i = 0; registry_kinds[i]; i++)
		if (str_fold_eq(kind, registry_kinds[i]))
			return registry_kinds[i];
	return NULL;
}

const char *registry_settlement_canonical(const char *s)
{
	if (!s)
		return NULL;
	if (str_fold_eq(s, "город"))
		return "город";
	if (str_fold_eq(s, "село"))
		return "село";
	return NULL;
}

bool registry_login_valid(const char *login)
{
	size_t n = strlen(login);
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = login[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* Runs a "get or create" pair: select the id, else insert and take the new id. */
static int get_or_create(struct db *d, const char *sel, const char *ins, int64_t parent,
			 const char *name, int64_t *id)
{
	struct db_stmt *s = NULL;
	int rc, k = 1;
	if ((rc = db_cached(d, &s, sel)) || (parent && (rc = db_bind_int(s, k++, parent))) ||
	    (rc = db_bind_text(s, k, name, -1)))
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		*id = db_col_int(s, 0);
		db_reset(s); /* a cached statement left mid-row keeps a read transaction open */
		return 0;
	}
	if (rc < 0)
		return rc;
	k = 1;
	if ((rc = db_cached(d, &s, ins)) || (parent && (rc = db_bind_int(s, k++, parent))) ||
	    (rc = db_bind_text(s, k, name, -1)) || (rc = db_step(s)) < 0)
		return rc;
	*id = db_last_id(d);
	return 0;
}

int registry_region_id(struct db *d, const char *name, int64_t *id)
{
	return get_or_create(d, "SELECT id FROM region WHERE name = ?",
			     "INSERT INTO region(name) VALUES (?)", 0, name, id);
}

int registry_municipality_id(struct db *d, int64_t region_id, const char *name, int64_t *id)
{
	return get_or_create(d, "SELECT id FROM municipality WHERE region_id = ? AND name = ?",
			     "INSERT INTO municipality(region_id, name) VALUES (?, ?)", region_id,
			     name, id);
}

int registry_school_put(struct db *d, const struct school *sc, int64_t *id)
{
	struct db_stmt *s = NULL;
	int64_t mun = 0;
	int rc = 0;
	if (sc->municipality && *sc->municipality) {
		int64_t reg = 0;
		const char *region = sc->region && *sc->region ? sc->region : "Регион не указан";
		if ((rc = registry_region_id(d, region, &reg)) ||
		    (rc = registry_municipality_id(d, reg, sc->municipality, &mun)))
			return rc;
	}
	const char *kind = sc->kind ? registry_kind_canonical(sc->kind) : "другое";
	if (!kind)
		return ERR_INVALID;
	if ((rc = db_cached(d, &s,
			    "INSERT INTO school(login, name, municipality_id, kind, settlement, indepth)"
			    " VALUES (?, ?, ?, ?, ?, ?)"
			    " ON CONFLICT(login) DO UPDATE SET name = excluded.name,"
			    " municipality_id = coalesce(excluded.municipality_id, municipality_id),"
			    " kind = excluded.kind, settlement = excluded.settlement,"
			    " indepth = excluded.indepth RETURNING id")) ||
	    (rc = db_bind_text(s, 1, sc->login, -1)) || (rc = db_bind_text(s, 2, sc->name, -1)) ||
	    (rc = mun ? db_bind_int(s, 3, mun) : db_bind_null(s, 3)) ||
	    (rc = db_bind_text(s, 4, kind, -1)) ||
	    (rc = db_bind_text(s, 5, registry_settlement_canonical(sc->settlement), -1)) ||
	    (rc = db_bind_int(s, 6, sc->indepth ? 1 : 0)))
		return rc;
	rc = db_step(s);
	if (rc != DB_ROW)
		return rc < 0 ? rc : ERR_DB;
	if (id)
		*id = db_col_int(s, 0);
	db_reset(s); /* finish the RETURNING statement so the row is written */
	return 0;
}

int registry_school_find(struct db *d, const char *login, int64_t *id)
{
	struct db_stmt *s = NULL;
	int rc;
	if ((rc = db_cached(d, &s, "SELECT id FROM school WHERE login = ?")) ||
	    (rc = db_bind_text(s, 1, login, -1)))
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		*id = db_col_int(s, 0);
		db_reset(s); /* a cached statement left mid-row keeps a read transaction open */
		return 0;
	}
	return rc == DB_DONE ? ERR_NOTFOUND : rc;
}

int registry_school_ensure(struct db *d, const char *login, int64_t *id, bool *created)
{
	int rc = registry_school_find(d, login, id);
	*created = false;
	if (rc != ERR_NOTFOUND)
		return rc;
	struct school sc = { .login = login, .name = login };
	if ((rc = registry_school_put(d, &sc, id)))
		return rc;
	*created = true;
	return 0;
}

int registry_school_index(struct db *d, struct hmap *m)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT login, id FROM school");
	if (rc)
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		const char *login = db_col_text(s, 0);
		hmap_put(m, login, strlen(login), db_col_int(s, 1));
	}
	db_finalize(s);
	return rc == DB_DONE ? 0 : rc;
}
