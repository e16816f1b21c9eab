/* unit: the territorial units that reports are about — schools, municipalities and regions —
 * as plain data: names, parents, the lists a report form offers, and where each school lies.
 *
 * Conventions: functions return 0 or a negative ERR_*; ERR_NOTFOUND for an id that does not
 * exist; strings are copied into the caller's buffers (truncated to fit). Access control is
 * the caller's (model/scope.h): these answer for any id. Callbacks get strings valid during
 * the call only; a non-zero return from a callback stops the walk and is returned. */
#ifndef OKO_MODEL_UNIT_H
#define OKO_MODEL_UNIT_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "model/scope.h"

enum unit_kind { UNIT_SCHOOL, UNIT_MUNICIPALITY, UNIT_REGION };

/* The smallest region id, or 0 when there is no region. */
int unit_first_region(struct db *d, int64_t *id);
/* A school's name and login (either buffer may be NULL). */
int unit_school(struct db *d, int64_t school_id, char *name, size_t nname, char *login,
		size_t nlogin);
/* A school's login, name, and the names of its municipality and region ("" when none). */
int unit_school_place(struct db *d, int64_t school_id, char *login, size_t nlogin, char *name,
		      size_t nname, char *municipality, size_t nmun, char *region, size_t nregion);
/* A unit's title as the reports show it: its name (a school's login is an identifier, not
 * something a reader reads; the report's next level names its municipality). */
int unit_title(struct db *d, enum unit_kind kind, int64_t id, char *out, size_t n);
/* The unit one level up: a school's municipality, a municipality's region; 0 when none (and
 * always for a region). A unit that does not exist has parent 0 too. */
int unit_parent(struct db *d, enum unit_kind kind, int64_t id, int64_t *parent);

/* Where a school lies: its municipality and region (0 when unknown). */
struct unit_place {
	int64_t school, municipality, region;
};
/* Every school's place, sorted by school id (for bsearch). *out is malloc'ed (free()). */
int unit_places(struct db *d, struct unit_place **out, size_t *n);

/* The units one level down, ordered by name: the schools of a municipality (id, login,
 * name) or the municipalities of a region (id, NULL, name). */
typedef int (*unit_fn)(void *ctx, int64_t id, const char *login, const char *name);
int unit_children(struct db *d, enum unit_kind kind, int64_t id, unit_fn fn, void *ctx);
/* The regions the scope sees whole (every one for ALL, its own for REGION), by name. */
int unit_regions(struct db *d, const struct scope *sc, unit_fn fn, void *ctx);

/* Codes of the procedures that have results (of school_id when > 0), newest year first,
 * then by code; at most max codes into codes[], *n how many. */
int unit_procedures_with_results(struct db *d, int64_t school_id, char (*codes)[40], int max,
				 int *n);

#endif
