/* registry: regions, municipalities and schools.
 *
 * Schools are identified by their ФИС ОКО-style login. Regions and municipalities are
 * created on first mention ("get or create"), so a schools file or a regional export can
 * be the first thing loaded into an empty database. */
#ifndef OKO_REGISTRY_H
#define OKO_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/hmap.h"
#include "db/db.h"
#include "model/scope.h"

struct school {
	const char *login;
	const char *name;
	const char *municipality; /* NULL or "" when unknown */
	const char *region;       /* NULL or "" when unknown */
	const char *kind;         /* one of registry_kinds; NULL means "другое" */
	const char *settlement;   /* "город", "село" or NULL */
	int indepth;              /* 0 or 1 */
	bool kind_guessed;        /* kind guessed from the name (registry_kind_guess) */
	const char *address;      /* NULL: keep the stored one (a file without the column) */
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
/* Inserts a school the caller knows is new (no school or alias has its login: looked up
 * within the same write transaction): a plain INSERT, half the cost of the upsert above
 * for an import that creates thousands of schools. ERR_INVALID when a school
 * has the login after all (on PostgreSQL another upload may have just created it). */
int registry_school_insert_new(struct db *d, const struct school *s, int64_t *id);
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

/* ---- reading the registry for pages and commands ----
 * Row callbacks get text valid only during the call; a non-zero return of the callback
 * stops the walk and is returned. */

/* A school's card. Strings are allocated from a. */
struct registry_school_card {
	int64_t id;
	int64_t municipality_id;  /* 0 when unknown */
	const char *name, *municipality, *kind, *settlement; /* "" when unknown */
	bool indepth;
	const char *address;      /* "" when unknown */
};
/* The school with this very login (its own, not an alias); ERR_NOTFOUND when none. The
 * caller checks that the user may see it (scope_sees_school). */
int registry_school_get(struct db *d, const char *login, struct arena *a, struct registry_school_card *out);

/* The schools list of a territory: search, filters, order, one page. */
enum registry_school_order {
	REGISTRY_BY_NAME, REGISTRY_BY_LOGIN, REGISTRY_BY_MUNICIPALITY, REGISTRY_BY_RESULTS,
	REGISTRY_NORDERS
};
struct registry_school_filter {
	const char *q;            /* part of the login or the name; "" for any */
	int64_t municipality_id;  /* 0 for any */
	const char *kind;         /* one of registry_kinds; "" for any */
	enum registry_school_order order;
	long limit, offset;
};
struct registry_school_item {
	const char *login, *name, *municipality, *kind, *settlement; /* "" when unknown */
	bool indepth, kind_guessed;
	int64_t results;          /* result rows of its latest uploads */
	const char *region, *address; /* "" when unknown (the export's columns) */
};
typedef int (*registry_school_item_fn)(void *ctx, const struct registry_school_item *s);
/* *total (may be NULL) gets how many schools match, over all pages; limit <= 0: all of them.
 * The search q is folded (case, ё, Latin look-alikes: «табуны» finds «Табуны») and the
 * order is natural («№ 2» before «№ 10»): both done in C over the territory's rows. */
int registry_school_list(struct db *d, const struct scope *sc, const struct registry_school_filter *f,
			 registry_school_item_fn fn, void *ctx, long *total);

/* Compares for a natural order: case-insensitively for Latin and Cyrillic (ё as е), runs of
 * digits by their value («Школа № 2» < «Школа № 10»). */
int registry_natural_cmp(const char *a, const char *b);
/* The own login of school id into out ("" and ERR_NOTFOUND when none). */
int registry_school_login_of(struct db *d, int64_t id, char *out, size_t n);

/* ---- editing the registry from the web (regional coordinators, administrators) ----
 * Each checks its input and answers ERR_INVALID / ERR_EXISTS / ERR_NOTFOUND with the reason
 * in Russian in msg, storing nothing then. */
struct registry_school_edit {
	const char *name;          /* required, at most 300 bytes */
	int64_t municipality_id;   /* required */
	const char *kind;          /* one of registry_kinds */
	const char *settlement;    /* "город", "село" or "" */
	bool indepth;
	const char *address;       /* "" for none, at most 300 bytes */
};
/* Adds a school under a new login (ERR_EXISTS for a login in use, an alias's too). */
int registry_school_add(struct db *d, const char *login, const struct registry_school_edit *e,
			int64_t *id, char *msg, size_t msglen);
/* Changes the school with this own login. */
int registry_school_update(struct db *d, const char *login, const struct registry_school_edit *e,
			   char *msg, size_t msglen);
/* Adds a municipality to a region (ERR_EXISTS when the region has one of that name). */
int registry_municipality_add(struct db *d, int64_t region_id, const char *name, int64_t *id,
			      char *msg, size_t msglen);
/* Renames municipality id (ERR_EXISTS when its region has another of that name). */
int registry_municipality_rename(struct db *d, int64_t id, const char *name, char *msg, size_t msglen);
/* The region of municipality id; ERR_NOTFOUND. */
int registry_municipality_region(struct db *d, int64_t id, int64_t *region_id);

typedef int (*registry_municipality_fn)(void *ctx, int64_t id, const char *name);
/* The municipalities the scope sees as a whole (none for a school's scope), by name. */
int registry_municipality_each(struct db *d, const struct scope *sc, registry_municipality_fn fn,
			       void *ctx);
typedef int (*registry_region_fn)(void *ctx, int64_t id, const char *name);
/* Every region, by name. */
int registry_region_each(struct db *d, registry_region_fn fn, void *ctx);
/* The first municipality with this name (by id); ERR_NOTFOUND when none. */
int registry_municipality_find(struct db *d, const char *name, int64_t *id);
/* The first municipality by name that has schools, and its first school by login (the
 * demonstration's users); "" in both when there is none. */
int registry_first_school(struct db *d, char *municipality, size_t mn, char *login, size_t ln);

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
/* The same for a school whose own login the caller knows (a school it has just created):
 * one look-up fewer (an import may create thousands). */
int registry_alias_propose_login(struct db *d, int64_t school_id, const char *login, long *n);
/* The logins a school with this login would have had in the other years — the same digits
 * under another year's prefix — written into twins (at most max of them); how many. Only
 * a school under one of them can be proposed (registry_alias_propose). REGISTRY_TWINS_MAX
 * is every one a login can have (one pair of prefixes, sch… and edu…). */
#define REGISTRY_LOGIN_MAX 96
#define REGISTRY_TWINS_MAX 2
int registry_login_twins(const char *login, char twins[][REGISTRY_LOGIN_MAX], int max);
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
