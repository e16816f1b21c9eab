/* stats/risk: one continuous risk score per school and oko's own risk list.
 *
 * Input is a flat list of evidence: p-values of oko's own signs for (school, sign,
 * procedure). Per school they are combined into one p-value; risk = -log10 of it (higher =
 * more suspicious, comparable across the schools of one run); the list is the
 * Benjamini-Hochberg rejection set at level q over the schools that have evidence, so the
 * expected share of wrongly listed schools among the listed is at most q. The official 2019
 * signs never enter here: they are reported as they are. Formulas: methodology-oko.md §7. */
#ifndef OKO_STATS_RISK_H
#define OKO_STATS_RISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One p-value of one own sign of one school in one procedure. */
struct stat_evidence {
	uint32_t school;
	int16_t sign;   /* enum stat_sign */
	int16_t proc;   /* the caller's procedure index, for the report */
	double p;       /* NaN entries are ignored (unless pooled) */
	/* Optional, for STAT_COMBINE_POOLED: the sufficient statistics of a z-type sign
	 * ("observed minus expected under a model"), oriented so that large obs - expct is
	 * suspicious (lower-tail signs are negated by the caller). pooled (enum stat_pool):
	 * STAT_POOL_NONE: the entry is a p-value only (twins), combined by Fisher within its
	 * sign; STAT_POOL_CENTERED: expct is the region's own conditional mean (the schools'
	 * deviations sum to 0), the null is centered at the schools' median; STAT_POOL_ABSOLUTE:
	 * expct comes from a model of no manipulation (the bunching counterfactual), the null
	 * keeps its center at 0 so that a heap shared by most schools is not explained away. */
	uint8_t pooled;
	uint32_t n;     /* works */
	double obs, expct, var;
	double k3;      /* the third cumulant of obs under the null; > 0: the pooled tail is
			 * the skewed (Pearson III) one, 0: normal */
};

enum stat_pool {
	STAT_POOL_NONE = 0,
	STAT_POOL_CENTERED = 1,
	STAT_POOL_ABSOLUTE = 2,
};

enum stat_combine {
	/* Default. Within each sign: Fisher over the school's procedures (a manipulation repeats
	 * across works); across signs: Bonferroni-min (different hypotheses, any dependence). */
	STAT_COMBINE_FAMILY = 0,
	STAT_COMBINE_BONFERRONI = 1, /* min(1, k * min p) over all the school's p's */
	STAT_COMBINE_FISHER = 2,     /* Fisher over all (assumes independence) */
	/* Default of oko analyze. Within each sign whose entries are pooled: the school's
	 * obs - expct and var summed over its procedures into one z (the efficient score of a
	 * manipulation that repeats across works), calibrated over the schools by a robust
	 * random-effects null (methodology-oko.md §7.3); within the other signs: Fisher; across
	 * signs: weighted Bonferroni-min, the weights cross-fitted from the region (below). */
	STAT_COMBINE_POOLED = 3,
};

/* Pooled families: works a school needs over its procedures, and schools needed to
 * estimate the null (fewer: the theoretical N(0, 1)). */
#define STAT_RISK_MIN_WORKS 10
#define STAT_RISK_MIN_NULL 30
/* POOLED across signs: weighted Bonferroni, a sign's weight growing with the region's
 * excess of schools beyond z = 2.5 in it (cross-fitted over two folds of schools), from a
 * floor that keeps every sign in play (methodology-oko.md §7.3). */
#define STAT_RISK_WEIGHT_Z 2.5
#define STAT_RISK_WEIGHT_FLOOR 0.005


struct stat_risk_school {
	uint32_t nev;   /* p-values used */
	double pmin;    /* the smallest of them (NaN when none) */
	int sign;       /* its sign, -1 when none */
	int proc;       /* its procedure, -1 when none */
	double p;       /* combined p-value (1 when no evidence) */
	double risk;    /* -log10(max(p, 1e-300)): 0..300 */
	double q_adj;   /* BH-adjusted p over the schools with evidence (NaN without) */
	bool listed;    /* q_adj <= q */
	uint32_t rank;  /* 1 = highest risk; ties by smaller pmin, then by school index */
};

struct stat_risk_summary {
	size_t nevaluated;     /* schools with evidence */
	size_t nlisted;
	double expected_false; /* q * nlisted: BH's bound on the expected wrongly listed */
};

/* Signs of the evidence are 0..STAT_RISK_MAX_SIGNS-1 (enum stat_sign). */
#define STAT_RISK_MAX_SIGNS 32

/* Combines ev[0..nev-1] into out[0..nschools-1]. ERR_INVALID when a school index or a sign
 * is out of range or q is not in (0, 1). sum may be NULL. */
int stat_risk(const struct stat_evidence *ev, size_t nev, size_t nschools, enum stat_combine how,
	      double q, struct stat_risk_school *out, struct stat_risk_summary *sum);

/* The null of one pooled sign over the schools (Efron's empirical null with a
 * size-dependent width): z_s = (D_s / sqrt(V_s + tau2 * W_s)) - center with D = sum(obs -
 * expct), V = sum var, W = (sum sqrt(n * var))^2 over the school's procedures. tau2 is the
 * between-school variance of a legitimate per-work effect that persists across the
 * school's procedures (in units of the per-work conditional SD): a school's legitimate
 * difference grows with its size, noise only with its root. tau2 is chosen so that 1.4826 * the median absolute deviation of the z's
 * is 1 (0 when they are no wider than N(0, 1)), center = their median when centered, else
 * 0. d, v, w: the n evaluable schools; n < STAT_RISK_MIN_NULL gives the theoretical null
 * (tau2 = center = 0). z (optional, n values) receives the calibrated z's. */
void stat_pool_calibrate(const double *d, const double *v, const double *w, size_t n,
			 bool centered, double *tau2, double *center, double *z);

#endif
