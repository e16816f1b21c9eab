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
	bool kind_guessed;        /* kind guessed from the name (registry_kind_guess) */
};

/* The school kinds of formats.md, NULL-terminated. */
extern const char *const registry_kinds[];

/* The kind a school's name says ("Филиал МБОУ СОШ № 1" → филиал, "МБОУ «Лицей № 2»" →
 * лицей, "МКОУ Усть-Козлухинская ООШ" → ООШ), "другое" when it says none. */
const char *registry_kind_guess(const char *name);
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
/* A school's territory: its municipality and that municipality's region, each 0 when not
 * known (a school first seen in a results file has no municipality, hence no region).
 * ERR_NOTFOUND (both 0) when there is no such school. One cached statement: importers ask
 * once per school of a file. */
int registry_school_territory(struct db *d, int64_t school_id, int64_t *municipality_id,
			      int64_t *region_id);
/* Finds the school or creates a minimal one (name = login, kind "другое"); *created tells
 * which. Used when a results file is the first to mention a school. */
int registry_school_ensure(struct db *d, const char *login, int64_t *id, bool *created);

/* Fills m with login → school id for every school and every confirmed alias, for imports
 * that look schools up per row. m must be initialised. */
int registry_school_index(struct db *d, struct hmap *m);

/* A school as listed: the login, its other logins (confirmed aliases, space-separated). */
struct registry_school_row {
	const char *login, *name, *municipality, *kind, *aliases;
	bool kind_guessed;
};
typedef int (*registry_school_fn)(void *ctx, const struct registry_school_row *s);
/* Calls fn for every school by login; only those whose kind was guessed when guessed_only. */
int registry_school_each(struct db *d, bool guessed_only, registry_school_fn fn, void *ctx);

/* ---- aliases: one school, several logins (sch223017 in 2021, edu223017 in 2022) ----
 *
 * A confirmed alias makes its login find the school everywhere a login is looked up
 * (registry_school_find, registry_school_index, registry_school_put). A proposal records
 * that the login of another school looks like this school's (the same digits with another
 * prefix); a person confirms it — the two schools become one, the alias's results, upload
 * history, plan-graph places and materials moving to the school — or rejects it. */

struct registry_alias {
	const char *login;        /* the other login */
	const char *school;       /* the school's own login */
	const char *school_name;
	const char *status;       /* "confirmed", "proposed", "rejected" */
	const char *reason;       /* how it came, in Russian */
	const char *decided_by;   /* "" until decided */
	int64_t results;          /* results held under the alias's own school (proposals) */
	int64_t school_id;        /* the school */
	int64_t own_id;           /* the school whose own login the alias is, or 0 */
};
typedef int (*registry_alias_fn)(void *ctx, const struct registry_alias *a);

/* The digits of a login with a letter prefix ("sch223017" → "223017"), or NULL. */
const char *registry_login_digits(const char *login);
/* Records a confirmed alias: login finds school_id. A school of its own under that login
 * is merged into school_id first (registry_alias_merge's rules); ERR_EXISTS when the login
 * is the school's own or an alias of another school. msg explains in Russian. */
int registry_alias_add(struct db *d, const char *login, int64_t school_id, const char *reason,
		       const char *by, char *msg, size_t msglen);
/* Proposes aliases for a school's login: every other school whose login has the same digits
 * with the prefix of another year (sch… until 2021, edu… since 2022) and no decided alias
 * between them. *n gets how many were proposed. */
int registry_alias_propose(struct db *d, int64_t school_id, long *n);
/* Proposes for every school (after loading two years of files). */
int registry_alias_propose_all(struct db *d, long *n);
/* Confirms the proposal of login (the two schools become one: see above) or rejects it.
 * ERR_NOTFOUND when there is no such proposal; ERR_INVALID when the schools cannot be
 * merged (the alias school has pupils or users, or both hold results of one procedure),
 * with the reason in msg. */
int registry_alias_decide(struct db *d, const char *login, bool confirm, const char *by, char *msg,
			  size_t msglen);
/* The schools an alias joins: *school_id (the school) and *own_id (the school whose own
 * login it is, or 0); ERR_NOTFOUND when login has no alias. */
int registry_alias_get(struct db *d, const char *login, int64_t *school_id, int64_t *own_id);
/* How many aliases have the status. */
int registry_alias_count(struct db *d, const char *status, long *n);
/* Calls fn for the aliases with the status (NULL = all), proposals first. */
int registry_alias_each(struct db *d, const char *status, registry_alias_fn fn, void *ctx);

#endif
