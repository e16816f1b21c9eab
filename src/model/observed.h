/* model/observed: the numbers of observation as a control group (stats/observed.h has the
 * statistics, docs/observers.md the method).
 *
 * A sitting here is a (procedure, school) with counted works; it is observed when an
 * observer is assigned to it (a row of `observation`). A counted work is what the analysis
 * counts (model/load.c, docs/analysis.md): not absent, a primary score stored within
 * 0..max_score, not marked LOAD_EXCLUDED. Its share is primary score / max_score. Works
 * are read in the results' key order, as the range scan (model/result.h) gives them, but
 * only their school and score, the rule applied by the query: one read per procedure, never
 * one per school.
 *
 * Strata of comparable schools: the school's risk status in the latest analysis run
 * (enum obsd_risk) and its kind (СОШ, лицей, …). The region's mean of a procedure is the
 * mean share over every counted work of the schools of the same region (schools whose
 * municipality is not known yet form one group of their own), whatever the viewer's scope:
 * a school is compared with its whole region. */
#ifndef OKO_MODEL_OBSERVED_H
#define OKO_MODEL_OBSERVED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "model/scope.h"

/* A school's status in the latest analysis run. */
enum obsd_risk {
	OBSD_RISK_UNKNOWN, /* no run, or the school is not in it */
	OBSD_RISK_NONE,    /* in the run, not listed, no official flag */
	OBSD_RISK_FLAGGED, /* an official flag, not on oko's list */
	OBSD_RISK_LISTED,  /* on oko's risk list */
	OBSD_NRISK
};
/* Russian: «не оценивалась», «без признаков», «с официальными признаками», «в списке oko». */
const char *obsd_risk_title(enum obsd_risk r);

/* A procedure to compare. */
struct obsd_procedure {
	int64_t id;
	char code[40], kind[8], subject[4];
	int year, grade, max_score;
	long observed;        /* its sittings with an observer */
};
/* The procedures with at least one observed sitting: those of the campaign (campaign_id >
 * 0), or all (0); by window date, then code. *out malloc'ed (free()). */
int observed_procedures(struct db *d, int64_t campaign_id, struct obsd_procedure **out,
			size_t *n);

/* One school with counted works in a procedure. */
struct obsd_sitting {
	int64_t school_id, region_id;  /* region 0: the school's municipality is unknown */
	char school_kind[16];
	int kind_ix;                   /* index in registry_kinds (for strata) */
	enum obsd_risk risk;
	bool observed;
	bool in_scope;                 /* the scope given sees the school */
	uint64_t works;
	double sum, sumsq;             /* Σ share, Σ share² over its works */
};
/* Every school with counted works in the procedure (all of them: the region means need
 * them; in_scope says which the scope sees), ordered by school id. *out malloc'ed. */
int observed_sittings(struct db *d, const struct scope *sc, const struct obsd_procedure *p,
		      struct obsd_sitting **out, size_t *n);
/* The mean share of the counted works of region_id's schools among s; NaN when none. */
double observed_region_mean(const struct obsd_sitting *s, size_t n, int64_t region_id);

/* One procedure a school wrote, for its years. */
struct obsd_year {
	char procedure[40], kind[8], subject[4];
	int year, grade;
	int series;          /* equal for equal kind, subject and grade */
	bool observed;
	char date[11];       /* the sitting's date 'YYYY-MM-DD', "" when not planned */
	uint64_t works;
	double sum, sumsq;   /* of the school's shares */
	double region_mean;  /* NaN unless its series has observed and unobserved years */
	int acts;            /* observers' acts of the sitting */
	/* What the acts found: the violations marked, titles joined by «; » (cut at a title's
	 * end when long), "" when none was marked. */
	char violations[600];
};
/* The procedures the school has counted works in, by kind, subject, grade and year. The
 * region's means (one range scan of a procedure each) are read only for the series with
 * both an observed and an unobserved year — for a school never observed, none. */
int observed_school_years(struct db *d, int64_t school_id, struct obsd_year **out, size_t *n);

#endif
