/* stats/observed: observation as a control group (methodology-oko.md, "Observation as a
 * control group"). Pure functions over plain arrays; the model (model/observed.h) reads the
 * numbers, the pages explain them.
 *
 * Scores are shares of the procedure's maximum (0..1). A sitting is a (procedure, school);
 * it is observed when an observer was assigned to it (table observation).
 *
 * 1. A procedure (stat_obs_control): the schools' mean shares, observed against unobserved,
 *    within strata of comparable schools (the caller's stratum: risk status in the latest
 *    analysis run × school kind). Per stratum h with n1 observed and n0 unobserved schools
 *    (both at least STAT_OBS_MIN_SCHOOLS, else the stratum is skipped and counted):
 *      d_h = mean0_h − mean1_h   (unobserved − observed, means of school means)
 *      v_h = s0_h²/n0 + s1_h²/n1 (sample variances, n − 1)
 *      w_h = n0·n1 / (n0 + n1)   (harmonic weight)
 *    D = Σ w_h d_h / Σ w_h, SE = sqrt(Σ w_h² v_h) / Σ w_h, z = D / SE, p = 2·P(Z > |z|),
 *    95 % CI D ± 1.959964·SE. SE = 0 leaves z and p NaN (nothing to test).
 *
 * 2. A school (stat_obs_school): the school's years. A series is one kind/subject/grade
 *    (VPR-*-RU-4); a year of a series is one procedure the school wrote. Each pupil's
 *    relative score is share − the region's mean share of that procedure. Only series with
 *    at least one observed and one unobserved year count; their pupils are pooled into two
 *    samples, unobserved and observed. gap = mean(unobserved) − mean(observed); Welch's
 *    t-test (Satterthwaite df) gives the two-sided p. The school has evidence when it has
 *    both kinds of years, gap ≥ STAT_OBS_MIN_GAP (5 percentage points of the maximum) and
 *    p < STAT_OBS_ALPHA (0.01): its results are markedly higher when nobody watches. */
#ifndef OKO_STATS_OBSERVED_H
#define OKO_STATS_OBSERVED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STAT_OBS_MIN_SCHOOLS 2 /* schools on each side of a stratum */
#define STAT_OBS_MIN_GAP 0.05  /* a school's gap, share of the maximum */
#define STAT_OBS_ALPHA 0.01    /* a school's two-sided Welch p */
#define STAT_OBS_Z95 1.959963984540054

/* One school's sitting of a procedure. */
struct stat_obs_unit {
	int stratum;   /* any integer; equal = comparable */
	bool observed;
	double mean;   /* the school's mean share of the maximum */
};

struct stat_obs_control {
	long schools_obs, schools_unobs;   /* all units given */
	double mean_obs, mean_unobs;       /* plain means of the school means, NaN when none */
	long strata_used, strata_skipped;  /* strata with both sides, or skipped (< 2 on a side) */
	long used_obs, used_unobs;         /* schools in the strata used */
	double diff, se, z, p, lo, hi;     /* unobserved − observed; NaN when no stratum is used */
};

/* Fills out from n units; 0 always (NaN figures when nothing can be compared). */
int stat_obs_control(const struct stat_obs_unit *u, size_t n, struct stat_obs_control *out);

/* One year of a school in a series: its pupils' shares as sums. */
struct stat_obs_year {
	int series;          /* any integer; equal = the same kind, subject and grade */
	bool observed;
	uint64_t n;          /* works counted */
	double sum, sumsq;   /* Σ share, Σ share² over the works */
	double region_mean;  /* the region's mean share of that procedure */
};

struct stat_obs_school {
	long years_obs, years_unobs;   /* years of the series that count */
	uint64_t n_obs, n_unobs;       /* pupils' works in them */
	double mean_obs, mean_unobs;   /* mean relative score (share − region mean); NaN if none */
	double gap;                    /* mean_unobs − mean_obs; NaN unless both */
	double t, df, p;               /* Welch; NaN when not computable (< 2 works a side, or
					  no variance) */
	bool evidence;                 /* the rule in the header */
};

int stat_obs_school(const struct stat_obs_year *y, size_t n, struct stat_obs_school *out);

#endif
