/* registry: regions, municipalities and schools.
 *
 * Schools are identified by their ФИС ОКО-style login. Regions and municipalities are
 * created on first mention ("get or create"), so a schools file or a regional export can
 * be the first thing loaded into an empty database. */
#ifndef OKO_REGISTRY_H
#define OKO_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>

#include "base/hmap.h"
#include "db/db.h"

struct school {
	const char *login;
	const char *name;
	const char *municipality; /* NULL or "" when unknown */
	const char *region;       /* NULL or "" when unknown */
	const char *kind;         /* one of registry_kinds; NULL means "другое" */
	const char *settlement;   /* "город", "село" or NULL */
	int indepth;              /* 0 or 1 */
};

/* The school kinds of formats.md, NULL-terminated. */
extern const char *const registry_kinds[];

/* Canonical spelling of a school kind matched case-insensitively ("Лицей" → "лицей"),
 * or NULL when it is not a known kind. */
const char *registry_kind_canonical(const char *kind);
/* Canonical "город"/"село" or NULL. */
const char *registry_settlement_canonical(const char *s);
/* True for a login of letters, digits, '_' and '-', 1..64 bytes. */
bool registry_login_valid(const char *login);

int registry_region_id(struct db *d, const char *name, int64_t *id);
int registry_municipality_id(struct db *d, int64_t region_id, const char *name, int64_t *id);
/* Inserts the school or updates the one with the same login. */
int registry_school_put(struct db *d, const struct school *s, int64_t *id);
/* ERR_NOTFOUND when no school has this login. */
int registry_school_find(struct db *d, const char *login, int64_t *id);
/* Finds the school or creates a minimal one (name = login, kind "другое"); *created tells
 * which. Used when a results file is the first to mention a school. */
int registry_school_ensure(struct db *d, const char *login, int64_t *id, bool *created);

/* Fills m with login → school id for every school, for imports that look schools up per
 * row. m must be initialised. */
int registry_school_index(struct db *d, struct hmap *m);

#endif
