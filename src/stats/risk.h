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
	double p;       /* NaN entries are ignored */
};

enum stat_combine {
	/* Default. Within each sign: Fisher over the school's procedures (a manipulation repeats
	 * across works); across signs: Bonferroni-min (different hypotheses, any dependence). */
	STAT_COMBINE_FAMILY = 0,
	STAT_COMBINE_BONFERRONI = 1, /* min(1, k * min p) over all the school's p's */
	STAT_COMBINE_FISHER = 2,     /* Fisher over all (assumes independence) */
};

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

/* Combines ev[0..nev-1] into out[0..nschools-1]. ERR_INVALID when a school index is out of
 * range or q is not in (0, 1). sum may be NULL. */
int stat_risk(const struct stat_evidence *ev, size_t nev, size_t nschools, enum stat_combine how,
	      double q, struct stat_risk_school *out, struct stat_risk_summary *sum);

#endif
