/* scope: which schools, municipalities and procedures a user may see — the one answer.
 *
 * A user's territory is a scope:
 *   SCOPE_ALL           everything: an administrator, a regional coordinator bound to no
 *                       region, the command line;
 *   SCOPE_REGION        the schools of the region's municipalities, and the schools whose
 *                       municipality is not known yet (first seen in a regional upload:
 *                       the region sees them, no municipality does);
 *   SCOPE_MUNICIPALITY  the municipality's schools;
 *   SCOPE_SCHOOL        one school;
 *   SCOPE_NONE          no territory: experts and observers, whose work comes to them by
 *                       assignment, and anyone unknown.
 * A municipality is seen by ALL, by its region, and by itself (not by its schools).
 * Procedures are not territorial: every scope but NONE sees every procedure, and every
 * figure about a procedure is limited to the scope's schools.
 *
 * For model/ only — pages and commands call model functions that take a struct scope:
 * a query filters a school table alias with SCOPE_SQL("s"), which reads the parameters
 * ?1 (the kind, as text) and ?2 (the territory's id); scope_bind() binds both, and the
 * query numbers its own parameters from ?3. */
#ifndef OKO_SCOPE_H
#define OKO_SCOPE_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "model/user.h"

enum scope_kind { SCOPE_NONE, SCOPE_ALL, SCOPE_REGION, SCOPE_MUNICIPALITY, SCOPE_SCHOOL };

struct scope {
	enum scope_kind kind;
	int64_t id; /* the region, municipality or school; 0 for ALL and NONE */
};

/* The scope of a user's role and territory; NULL is the command line (SCOPE_ALL). */
struct scope scope_of(const struct user *u);
/* Everything (the command line, the analysis). */
struct scope scope_all(void);

/* True when the scope contains the school / the municipality (false for unknown ids). */
bool scope_sees_school(struct db *d, const struct scope *sc, int64_t school_id);
bool scope_sees_municipality(struct db *d, const struct scope *sc, int64_t municipality_id);
/* True when the scope contains the whole region (ALL, or that REGION). */
bool scope_sees_region(struct db *d, const struct scope *sc, int64_t region_id);
/* True when the scope may see the procedure's figures (any scope but NONE, for a
 * procedure that exists). */
bool scope_sees_procedure(struct db *d, const struct scope *sc, int64_t procedure_id);

/* A short stable text naming the scope ("all", "reg:3", "mun:12", "school:40", "none"),
 * for cache keys and logs. */
void scope_key(const struct scope *sc, char *out, size_t n);

/* ---- for model/ queries ---- */

/* True when the school row aliased `a` is within the scope bound at ?1, ?2. */
#define SCOPE_SQL(a) \
	"(?1 = 'all'" \
	" OR (?1 = 'reg' AND (" a ".municipality_id IS NULL OR " a ".municipality_id IN" \
	"  (SELECT id FROM municipality WHERE region_id = ?2)))" \
	" OR (?1 = 'mun' AND " a ".municipality_id = ?2)" \
	" OR (?1 = 'school' AND " a ".id = ?2))"
/* True when the municipality id expression `m` is within the scope (a school's scope sees
 * no municipality as a whole). */
#define SCOPE_MUN_SQL(m) \
	"(?1 = 'all'" \
	" OR (?1 = 'reg' AND " m " IN (SELECT id FROM municipality WHERE region_id = ?2))" \
	" OR (?1 = 'mun' AND " m " = ?2))"
/* Binds the scope to parameters 1 and 2. */
int scope_bind(struct db_stmt *s, const struct scope *sc);

#endif
