/* assign/observers: the automatic assignment of observers to the sittings of a campaign —
 * loads the problem through model/observer (sittings the scope sees with their priority,
 * the observers the scope sees with their days and limits, conflicts of interest, who
 * observed each school last time, the manual choices kept), solves it with the engine
 * (assign.h) and stores the answer (observer_assign_store), unless dry_run. Used by
 * `oko observers assign` and the coordinator's button. */
#ifndef OKO_ASSIGN_OBSERVERS_H
#define OKO_ASSIGN_OBSERVERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "model/scope.h"

struct obs_assign_report {
	long sittings, covered;                   /* sittings in the scope, of them observed */
	long priority, priority_covered;          /* of them on the risk list / flagged */
	long observers, observers_used;           /* observers in the scope, of them assigned */
	long manual;                              /* manual choices kept as they were */
	long repeats;                             /* observers sent to the school they observed last time */
	long same_municipality;                   /* observers from the sitting's municipality */
	long long load_squares;
	long max_load;                            /* most sittings of one observer */
	double seconds;                           /* the solve */
	long held;                                /* sittings already held (before today, or
						     with an act): kept as they are */
	long repeats_inside;                      /* consecutive sittings of a school with the
						     same observer, in this campaign */
	long foreign;                             /* sittings kept with an observer the scope
						     does not see (placed by the region) */
};

/* Assigns (or with dry_run only computes) and fills rep. ERR_NOTFOUND (msg) for an unknown
 * campaign, ERR_INVALID (msg) when there is nothing to assign (no sittings with a date, or
 * no observers). by is the login recorded. */
int assign_observers(struct db *d, const struct scope *sc, int64_t campaign_id, uint64_t seed,
		     bool dry_run, const char *by, struct obs_assign_report *rep, char *msg,
		     size_t n);
/* The same on the day `today` ('YYYY-MM-DD'; assign_observers passes the date of
 * plan_now()). A sitting held before today, or one with an act, keeps its observer (or
 * stays without one): an assignment never rewrites what happened. today NULL: only acts
 * hold a sitting (the demo plays its past campaign as if before it began). */
int assign_observers_at(struct db *d, const struct scope *sc, int64_t campaign_id,
			uint64_t seed, bool dry_run, const char *by, const char *today,
			struct obs_assign_report *rep, char *msg, size_t n);

#endif
