/* stats/fit: answer-pattern statistics over the positions of one procedure.
 *
 * Each statistic compares a group of works (a school or a class: any group index array) with
 * what the region's own works make likely *at the same primary score*, so that strong
 * schools are compared with strong pupils and weak with weak:
 *
 * - stat_profile: points on hard positions (levels П and В) against the regional mean at
 *   the same score (hard_help; a standardisation DIF statistic with the school as focal
 *   group, Dorans & Kulick 1986), and the published inverted difficulty profile
 *   (difficulty_inverted: basic success below the region, hard above, and hard_help
 *   significant); stat_profile_positions is the same test for any set of positions
 *   (lenient_scoring: the positions scored by judgement, max >= 2).
 * - stat_personfit: a polytomous lz-type person-fit statistic (Drasgow, Levine & Williams
 *   1985) under the model "positions independent given the score" with the regional
 *   conditional distributions; the group's mean lz against the region's.
 * - stat_twins: pairs of works in one class whose position points differ in at most one
 *   position, against the number expected from regional pairs of works of other schools with
 *   the same two scores, calibrated to how alike the procedure's own schools are: a factor
 *   per strength band and the spread of that likeness between schools, both fitted over
 *   every school (a negative binomial null).
 *
 * z-statistics are completed by stat_zres_finish (empirical null, BH). Formulas, choices and
 * references: docs/methodology-oko.md §6. All functions are O(n * npos) plus small tables. */
#ifndef OKO_STATS_FIT_H
#define OKO_STATS_FIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stats/cfg.h"
#include "stats/proc.h"

/* A grouping of the works, for the _multi forms that serve schools and classes from one
 * pass over the positions: of[i] in 0..n-1 is the group of work i. */
struct stat_grouping {
	const uint32_t *of;
	size_t n;
};
/* At most this many groupings in one pass. */
#define STAT_MAX_GROUPINGS 2

struct stat_profile_region {
	int nbasic, nhard;           /* positions of level Б and of levels П/В */
	double succ_basic, succ_hard; /* regional success rates (points / maximum) */
	struct stat_znull nul;
};
struct stat_profile_group {
	uint32_t n;                  /* works */
	double succ_basic, succ_hard; /* the group's success rates */
	enum stat_status inverted;   /* difficulty_inverted */
};
/* group[i] in 0..ngroups-1 for each work (p->school or p->class_id). hard[g] (hard_help):
 * obs = points on hard positions, expct = sum of the regional means of hard points at the
 * works' scores, var = sum of the regional variances there; upper tail. Needs p->pos; when
 * no position has a known basic and a known hard level every group is not_evaluable. */
int stat_profile(const struct stat_proc *p, const uint32_t *group, size_t ngroups,
		 const struct stat_cfg *cfg, struct stat_profile_region *r,
		 struct stat_zres *hard, struct stat_profile_group *out);
/* stat_profile for ng (≤ STAT_MAX_GROUPINGS) groupings at once: r[j], hard[j], out[j] are
 * exactly what stat_profile(p, g[j].of, g[j].n, ...) gives. extra (optional, NULL: none)
 * is a second set of target positions tested in the same pass over the cells:
 * extra_nul[j], extra_out[j] receive what stat_profile_positions(p, g[j].of, g[j].n, extra,
 * ...) gives. */
int stat_profile_multi(const struct stat_proc *p, const struct stat_grouping *g, int ng,
		       const struct stat_cfg *cfg, struct stat_profile_region *const *r,
		       struct stat_zres *const *hard, struct stat_profile_group *const *out,
		       const bool *extra, struct stat_znull *const *extra_nul,
		       struct stat_zres *const *extra_out);

/* The same conditional statistic for any set of target positions (target[k] for k <
 * npos): points on them against the regional mean at the same score, upper tail.
 * lenient_scoring uses the positions scored by judgement (max >= 2): lenient checking
 * raises exactly those. Not evaluable when the set is empty or the whole work. */
int stat_profile_positions(const struct stat_proc *p, const uint32_t *group, size_t ngroups,
			   const bool *target, const struct stat_cfg *cfg, struct stat_znull *nul,
			   struct stat_zres *out);

struct stat_fit_region {
	size_t nworks;               /* works with a defined lz (score strictly inside 0..max) */
	double mean_lz, sd_lz;       /* over those works */
	struct stat_znull nul;
};
/* out[g].z: obs = sum of lz, expct = n * mean_lz, var = n * sd_lz^2, lower tail (misfit).
 * lz (optional, p->n values) receives each work's lz, NaN when undefined. In the _multi
 * form (and stat_twins) points, when not NULL, are each work's points as
 * stat_proc_check_points gave them for p (checked then: the rows are not summed again);
 * NULL sums and checks the rows here. */
int stat_personfit(const struct stat_proc *p, const uint32_t *group, size_t ngroups,
		   const struct stat_cfg *cfg, struct stat_fit_region *r, struct stat_zres *out,
		   double *lz);
int stat_personfit_multi(const struct stat_proc *p, const struct stat_grouping *g, int ng,
			 const struct stat_cfg *cfg, struct stat_fit_region *const *r,
			 struct stat_zres *const *out, double *lz, const int32_t *points);

struct stat_twins_group {
	uint32_t n;      /* works */
	uint64_t pairs;  /* pairs compared (within classes) */
	uint64_t near;   /* pairs whose position points differ in at most one position */
	double expct;    /* expected near pairs: regional model times the band's kappa */
	double p;        /* P(count >= near), negative binomial with mean expct and variance
			  * expct (1 + tau2 h expct), h the school's share within classes */
	double q_adj;    /* BH over the groups of the same kind (classes, or schools) */
	enum stat_status status; /* flag when q_adj <= q; not_evaluable without a pair */
};
struct stat_twins_region {
	size_t nsample;        /* works sampled for the near-pair probabilities */
	double sample_pairs;   /* cross-school pairs in the sample */
	double sample_near;    /* near pairs among them */
	double kappa;          /* calibration: the common factor of the schools' near pairs
				* over the cross-school expectation (>= 1); each school's
				* expct is multiplied by its strength band's factor */
	double tau2;           /* heterogeneity of that likeness: a class's count with mean
				* mu has variance mu (1 + tau2 mu), a school's mu (1 + tau2 h
				* mu) with h = sum of its classes' mu^2 / mu^2 */
};
/* Pairs are formed within classes when p->class_id is set (classes: nclasses results, the
 * school results summing its classes), else within schools (classes may be NULL). Needs
 * p->pos with npos >= 3, else every group is not_evaluable. ERR_INVALID when a class spans
 * two schools or a cell is out of range. */
int stat_twins(const struct stat_proc *p, const struct stat_cfg *cfg, struct stat_twins_region *r,
	       struct stat_twins_group *classes, struct stat_twins_group *schools,
	       const int32_t *points);

/* Near pairs (Hamming distance <= 1 over the raw cells, so 'X' differs from 0) among m
 * contiguous rows of npos cells. STAT_NEAR_BRUTE compares every pair (early exit after two
 * differences); STAT_NEAR_HASH sorts 64-bit additive hashes of the full and of each masked
 * vector: pairs equal everywhere share all npos masked keys, pairs differing in one position
 * share exactly one, so near = sum_k pairs(masked k) - (npos-1) pairs(full). STAT_NEAR_AUTO
 * brute-forces groups of up to 64 rows. */
enum stat_near_method {
	STAT_NEAR_AUTO = 0,
	STAT_NEAR_BRUTE = 1,
	STAT_NEAR_HASH = 2,
};
uint64_t stat_near_pairs(const uint8_t *rows, size_t m, int npos, enum stat_near_method how);

#endif
