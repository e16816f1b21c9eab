/* stats/cfg: the thresholds and conventions of the analytics, and the result type shared
 * by oko's own z-statistics.
 *
 * Every number that a sign compares against lives in struct stat_cfg, so that a report can
 * print it and a region can change it knowingly. stat_cfg_default() gives the values that
 * docs/methodology-oko.md documents (official values where an official text gives one). */
#ifndef OKO_STATS_CFG_H
#define OKO_STATS_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stats/bunching.h"
#include "stats/proc.h"

struct stat_cfg {
	/* Official 2019 signs. */
	double z;               /* 1.96: half-width factor of the inflated-mean intervals */
	uint32_t min_n_mean;    /* 2: works a school needs for mean_inflated */
	uint32_t min_n_journal; /* 3: pupils with a journal mark for journal_mismatch */
	double cohort_iqr;      /* 3: IQR multiplier of cohort_rise / cohort_drop */
	uint32_t min_n_cohort;  /* 1: works in each of the two procedures for the cohort K */
	/* Published criteria (ФИОКО 2026, Rosobrnadzor 2018). */
	int gap_marks;          /* 2: |procedure mark - journal mark| >= this is a gap */
	double share2_rise;     /* 0.10: rise of the share of mark 2 that flags (10 p.p.) */
	uint32_t min_n_share2;  /* 10: works in each year for share2_rise */
	uint32_t min_n_peak;    /* 20: works for boundary_peak (distributions rough below) */
	uint32_t min_peak_count; /* 3: works at the boundary score for a peak */
	/* oko's own statistics. */
	uint32_t min_n_group;   /* 10: works per school/class for the z-statistics */
	size_t min_null;        /* 30: schools needed to estimate the empirical null */
	double q;               /* 0.05: Benjamini-Hochberg false discovery rate */
	double max_rho;         /* 0.5: cap of the beta-binomial overdispersion */
	size_t twins_sample;    /* 50000: works sampled to estimate near-twin probabilities */
	bool twins_guess;       /* true: the calibration's factor search starts from the
				 * previous alternation's factor (the same factors to the bit,
				 * fewer evaluations); false: every search in full (tests) */
	struct stat_bunch_opts bunch; /* regional excess mass: degree 4, window b-2..b */
	int school_below;       /* 2: per-school window b-2..b-1 below the boundary */
	int school_above;       /* 2: and b..b+1 at/above it */
	/* The pooled bunching statistic of the risk (methodology-oko.md §5.4). */
	int pool_below;         /* 3: the hole b-3..b-1 (pupils 1-3 points short are pulled) */
	int pool_above;         /* 1: the heap at b */
	bool pool_tilt;         /* true: the school's expected shape is the regional
				 * counterfactual tilted to the school's mean */
	double pool_journal;    /* 0.5: prior mass smoothing the journal-mark likelihood
				 * ratio of a work on b (pulled vs genuine); < 0: marks unused */
	double pool_culture;    /* 1: prior SD of the school's grading culture (lenience,
				 * agreement of marks with the work's mark) that adapts the
				 * region's marks to the school; <= 0: the region's marks as
				 * they are */
};

void stat_cfg_default(struct stat_cfg *c);

/* One school's (or class's) result of a z-statistic "observed minus expected under the
 * regional model": z = (obs - expct) / sqrt(var), then zc = (z - center) / scale with the
 * empirical null of all evaluable groups, p the one-sided tail of zc, q_adj the BH-adjusted
 * p over the evaluable groups, status flag when q_adj <= cfg->q. */
struct stat_zres {
	uint32_t n;     /* works used */
	double obs, expct, var;
	double z, zc, p, q_adj;
	enum stat_status status;
	double k3;      /* the third cumulant of obs under the null (journal_lenient; 0 when
			 * the tail is the normal one) */
};

/* The empirical null used for a z-statistic over all groups of one procedure. */
struct stat_znull {
	size_t n;       /* groups evaluated */
	double center, scale;
};

enum stat_tail {
	STAT_TAIL_UPPER = 0, /* large obs - expct is suspicious */
	STAT_TAIL_LOWER = 1, /* small obs - expct is suspicious */
};

/* Completes r[0..n-1] whose n, obs, expct, var are set: groups with n < min_n or var <= 0
 * become not_evaluable; the others get z, zc, p, q_adj and ok/flag. nul (optional)
 * receives the null used. */
void stat_zres_finish(struct stat_zres *r, size_t n, uint32_t min_n, enum stat_tail tail,
		      const struct stat_cfg *cfg, struct stat_znull *nul);

/* BH over p[i] (NaN = not evaluated): writes q_adj[i] and returns the number <= q. Arrays
 * are strided (bytes between elements) so that fields of result structs can be used. */
size_t stat_bh_strided(const double *p, size_t pstride, double *q_adj, size_t qstride,
		       size_t n, double q);

#endif
