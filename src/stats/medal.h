/* stats/medal: the medalists' non-confirmation index (methodology-oko.md, "Medalists'
 * non-confirmation index"; docs/medalists.md). Pure functions over plain arrays; the model
 * (model/medalist.h) reads the medalists, their ЕГЭ results and the thresholds.
 *
 * 1. A medalist (stat_medal_status): the thresholds of the medal of its year are
 *    requirements. A row for RU is required on its own; the other rows (a subject code, or
 *    "*" — any one subject but RU and MB) are alternatives: one of them met is enough. A
 *    requirement is met by a result at or above its least test score (or least mark); it
 *    is failed when the medalist has a result in it (for the alternatives: in any of them)
 *    and none meets it; it has no result otherwise. The medalist
 *      - does not confirm (STAT_MEDAL_BELOW) when a requirement is failed;
 *      - else has no result (STAT_MEDAL_NORESULT) when a requirement has no result;
 *      - else confirms (STAT_MEDAL_OK);
 *      - STAT_MEDAL_NORULE when its year and medal have no thresholds at all.
 *    Only BELOW and OK count in the share; NORESULT and NORULE are counted apart.
 *
 * 2. Schools (stat_medal_schools): school s has n_s checked medalists (OK + BELOW), k_s of
 *    them BELOW. The region's rate p0 = Σk / Σn. A school's p-value is the exact one-sided
 *    binomial tail P(X >= k_s), X ~ Bin(n_s, p0); NaN for n_s = 0. Benjamini–Hochberg over
 *    the schools with a p-value gives q; a school is significant when q <= alpha (0.05)
 *    and its share k_s/n_s is above p0.
 *
 * 3. Years pooled (stat_medal_schools_years): a school has few medalists a year, so its
 *    years are summed — k_s = Σ_y k_sy, n_s = Σ_y n_sy — and tested against the region's
 *    rate of each year p0_y = Σ_s k_sy / Σ_s n_sy: under the null X = Σ_y Bin(n_sy, p0_y)
 *    (a sum of binomials with different rates), p = P(X >= k_s) by exact convolution
 *    (stat_medal_pooled_upper). The school is significant when q <= alpha and its share
 *    is above the share expected of it, e_s = Σ_y n_sy p0_y / n_s. One year is the
 *    binomial test of 2. exactly. */
#ifndef OKO_STATS_MEDAL_H
#define OKO_STATS_MEDAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STAT_MEDAL_ALPHA 0.05 /* the false discovery rate over the schools */
#define STAT_MEDAL_SUBJ 8     /* a subject code's bytes with its NUL ("RU", "MB", "*") */

enum stat_medal_status { STAT_MEDAL_OK, STAT_MEDAL_BELOW, STAT_MEDAL_NORESULT, STAT_MEDAL_NORULE };

/* One threshold of the medalist's year and medal: min_score >= 0 (test score) or, when
 * min_score < 0, min_mark (a mark 2..5). */
struct stat_medal_req {
	char subject[STAT_MEDAL_SUBJ];
	int min_score, min_mark;
};

/* One ЕГЭ result of the medalist: score < 0 when there is no test score, mark < 0 when no
 * mark (an absent participant is no result and is not given). */
struct stat_medal_res {
	char subject[STAT_MEDAL_SUBJ];
	int score, mark;
};

/* The status of one medalist; *failed (optional) receives the subject of the first failed
 * requirement ("RU", or "" for the alternatives), for the page to say why. */
enum stat_medal_status stat_medal_status(const struct stat_medal_req *req, size_t nreq,
					 const struct stat_medal_res *res, size_t nres,
					 const char **failed);

/* One school's counts. */
struct stat_medal_school {
	uint64_t medalists;  /* all */
	uint64_t checked;    /* OK + BELOW */
	uint64_t below;      /* BELOW: not confirmed */
	uint64_t noresult;   /* NORESULT */
	uint64_t norule;     /* NORULE */
	/* filled by stat_medal_schools: */
	double share;        /* below / checked; NaN when checked = 0 */
	double p, q;         /* binomial tail and BH-adjusted; NaN when checked = 0 */
	double expected;     /* the share expected under the region's rate(s): Σ n_y p0_y / n */
	bool significant;    /* q <= alpha and share > expected */
};

struct stat_medal_total {
	uint64_t medalists, checked, below, noresult, norule;
	double rate;         /* Σbelow / Σchecked; NaN when nothing is checked */
	size_t schools, tested, significant;
};

/* Fills each school's share, p, q and flag against the schools' pooled rate, and total. */
void stat_medal_schools(struct stat_medal_school *s, size_t n, double alpha,
			struct stat_medal_total *total);

/* P(X >= k) for X = Σ_j Bin(n[j], p[j]), j < m (the Poisson-binomial law of a sum of
 * binomials), by exact convolution of the binomial probabilities; years with n[j] = 0 are
 * skipped (their p[j] may be NaN). 1 for k = 0, 0 for k > Σ n[j]; with one binomial it is
 * stat_binom_upper. */
double stat_medal_pooled_upper(uint64_t k, const uint64_t *n, const double *p, size_t m);

/* The years pooled: y[i*ny + j] holds school i's counts of year j (medalists, checked,
 * below, noresult, norule; the rest ignored). s[i] receives the sums over the years with
 * share, p (stat_medal_pooled_upper against the region's rate of each year), q, expected
 * and the flag; total the sums, rate = Σbelow / Σchecked over all years. rates (optional,
 * ny values) receives each year's region rate (NaN for a year with nothing checked). */
void stat_medal_schools_years(struct stat_medal_school *s, size_t n,
			      const struct stat_medal_school *y, size_t ny, double alpha,
			      struct stat_medal_total *total, double *rates);

#endif
