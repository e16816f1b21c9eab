/* notes_data: the few figures the official documents (report/notes.c) need that no other
 * model module gives — a stored run's index row of a procedure (region_index), the schools
 * flagged by each sign of a kind within a scope, and the schools with written works of a
 * procedure or a year within a scope. All SQL of these is here.
 *
 * Conventions: 0 or a negative ERR_*; ERR_NOTFOUND when the run has no such row; callbacks
 * get text valid during the call only, a non-zero return stops the walk and is returned. */
#ifndef OKO_MODEL_NOTES_DATA_H
#define OKO_MODEL_NOTES_DATA_H

#include <stdint.h>

#include "db/db.h"
#include "model/scope.h"

/* A procedure's row of a run's region index (the whole run's when procedure_id is 0: only
 * schools, flagged_official and index are set there). Numbers the run left empty are NaN;
 * boundary -1 when none. */
struct nd_index {
	int64_t works, schools, excluded, absent, flagged_official, own_flagged;
	double mean, sd, index;
	int boundary;
	double excess, excess_lo, excess_hi, excess_share;
};
int nd_index_get(struct db *d, int64_t run_id, int64_t procedure_id, struct nd_index *out);

/* Schools of the scope flagged in the run by each sign of kind ("official", "published",
 * "own"), for one procedure (procedure_id > 0) or every procedure of a year (year > 0) or
 * the whole run (both 0), by sign: fn(ctx, sign, schools). */
typedef int (*nd_sign_fn)(void *ctx, const char *sign, long schools);
int nd_sign_schools(struct db *d, const struct scope *sc, int64_t run_id, int64_t procedure_id,
		    int year, const char *kind, nd_sign_fn fn, void *ctx);
/* Distinct schools of the scope with at least one sign of kind in the same selection. */
int nd_flagged_schools(struct db *d, const struct scope *sc, int64_t run_id, int64_t procedure_id,
		       int year, const char *kind, long *n);
/* Schools of the scope with written works (absent = 0, a score stored) of one procedure
 * (procedure_id > 0) or of any procedure of a year, and those works. */
int nd_schools_with_works(struct db *d, const struct scope *sc, int64_t procedure_id, int year,
			  long *schools, long *works);

#endif
