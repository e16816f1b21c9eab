/* Unit tests of the signs (src/stats/signs.c), the answer-pattern statistics (fit.c) and
 * the per-procedure driver (analyze.c): small hand-made regions whose results were computed
 * by hand or with Python's standard library (numbers in the comments), and a synthetic
 * region with one planted manipulation per kind where the expected flags are known by
 * construction. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "base/err.h"
#include "stats/analyze.h"
#include "stats/fit.h"
#include "stats/proc.h"
#include "stats/risk.h"
#include "stats/signs.h"
#include "stats/tests.h"

#define NEAR(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))

/* A procedure from arrays: works of school[i] with score[i] and journal[i] (may be NULL). */
static struct stat_proc *mkproc(size_t n, size_t nschools, int max_score, const uint32_t *school,
				const int16_t *score, const int8_t *journal)
{
	struct stat_proc *p = stat_proc_new(0, journal ? STAT_COL_JOURNAL : 0);
	p->max_score = max_score;
	p->nschools = nschools;
	stat_proc_reserve(p, n ? n : 1);
	for (size_t i = 0; i < n; i++) {
		p->school[i] = school[i];
		p->score[i] = score[i];
		if (journal)
			p->journal[i] = journal[i];
	}
	p->n = n;
	return p;
}

static void scale(struct stat_proc *p, int a, int b, int c)
{
	p->has_scale = true;
	p->scale[0] = a, p->scale[1] = b, p->scale[2] = c;
}

static void test_proc_check(void **state)
{
	uint32_t sc[] = {0, 1};
	int16_t v[] = {3, 4};
	int8_t j[] = {0, 5};
	struct stat_proc *p = mkproc(2, 2, 10, sc, v, j);
	assert_int_equal(stat_proc_check(p), 0);
	p->school[1] = 2;
	assert_int_equal(stat_proc_check(p), ERR_INVALID);
	p->school[1] = 1;
	p->score[0] = 11;
	assert_int_equal(stat_proc_check(p), ERR_INVALID);
	p->score[0] = 3;
	p->journal[0] = 1;
	assert_int_equal(stat_proc_check(p), ERR_INVALID);
	p->journal[0] = 0;
	scale(p, 5, 4, 8);
	assert_int_equal(stat_proc_check(p), ERR_INVALID);
	scale(p, 4, 6, 8);
	assert_int_equal(stat_proc_check(p), 0);
	assert_int_equal(stat_mark(p, 3), 2);
	assert_int_equal(stat_mark(p, 4), 3);
	assert_int_equal(stat_mark(p, 7), 4);
	assert_int_equal(stat_mark(p, 10), 5);
	struct stat_tab t;
	p->school[1] = 7;
	assert_int_equal(stat_tab_build(p, &t), ERR_INVALID);
	stat_proc_free(p);
	/* Positions: cells above their maximum and maxima not summing to max_score. */
	p = stat_proc_new(2, STAT_COL_POS);
	p->max_score = 3;
	p->nschools = 1;
	p->pos_max[0] = 1, p->pos_max[1] = 2;
	stat_proc_reserve(p, 1);
	p->school[0] = 0, p->score[0] = 1, p->pos[0] = 1, p->pos[1] = STAT_POS_X;
	p->n = 1;
	assert_int_equal(stat_proc_check(p), 0);
	p->pos[0] = 2;
	assert_int_equal(stat_proc_check(p), ERR_INVALID);
	p->pos[0] = 1;
	p->pos_max[1] = 3;
	assert_int_equal(stat_proc_check(p), ERR_INVALID);
	stat_proc_free(p);
	assert_string_equal(stat_status_name(STAT_FLAG), "flag");
	assert_string_equal(stat_status_name(STAT_NOT_EVALUABLE), "not_evaluable");
	assert_string_equal(stat_sign_name(STAT_SIGN_MEAN_INFLATED), "mean_inflated");
	assert_string_equal(stat_sign_name(STAT_SIGN_COHORT_DROP), "cohort_drop");
	assert_null(stat_sign_name(STAT_SIGN_COUNT));
	assert_true(stat_sign_official(STAT_SIGN_JOURNAL_MISMATCH));
	assert_false(stat_sign_official(STAT_SIGN_BOUNDARY_BUNCHING));
}

/* (a) on a four-school region (Python, statistics.stdev):
 * region: 13 works, mean 21.76923, SD 7.50726, interval [17.68824, 25.85022];
 * school 0 {30,32,34}: mean 32, SD 2, lower bound 29.73679 > 25.85022: flag;
 * school 1 {10,12,14,16}: 13, SD 2.58199, [10.46965, 15.53035]: ok;
 * school 2 {20,22,24,20,24}: 22, SD 2, [20.24692, 23.75308]: ok;
 * school 3 {25}: one work, not evaluable; school 4: no works, not evaluable. */
static void test_sign_mean_hand(void **state)
{
	uint32_t sc[] = {0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3};
	int16_t v[] = {30, 32, 34, 10, 12, 14, 16, 20, 22, 24, 20, 24, 25};
	struct stat_proc *p = mkproc(13, 5, 40, sc, v, NULL);
	struct stat_tab t;
	assert_int_equal(stat_tab_build(p, &t), 0);
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	struct stat_mean_region r;
	struct stat_mean_school m[5];
	assert_int_equal(stat_sign_mean(&t, &cfg, &r, m), 0);
	assert_int_equal(r.n, 13);
	NEAR(r.mean, 21.76923076923077, 1e-12);
	NEAR(r.sd, 7.507261442028935, 1e-12);
	NEAR(r.lo, 17.688236962123373, 1e-12);
	NEAR(r.hi, 25.850224576338167, 1e-12);
	NEAR(m[0].lo, 29.736786944776668, 1e-12);
	assert_int_equal(m[0].status, STAT_FLAG);
	NEAR(m[1].sd, 2.581988897471611, 1e-12);
	NEAR(m[1].hi, 15.530349119522178, 1e-12);
	assert_int_equal(m[1].status, STAT_OK);
	NEAR(m[2].lo, 20.246922705640166, 1e-12);
	assert_int_equal(m[2].status, STAT_OK);
	assert_int_equal(m[3].status, STAT_NOT_EVALUABLE);
	assert_int_equal(m[3].n, 1);
	NEAR(m[3].mean, 25, 0);
	assert_int_equal(m[4].status, STAT_NOT_EVALUABLE);
	NEAR(m[0].pct, 80, 1e-12); /* 100 * 32 / 40 */
	/* Raising the minimum to 4 works makes school 0 not evaluable. */
	cfg.min_n_mean = 4;
	stat_sign_mean(&t, &cfg, &r, m);
	assert_int_equal(m[0].status, STAT_NOT_EVALUABLE);
	stat_tab_free(&t);
	stat_proc_free(p);
}

/* (b): school 0 = the eight pupils of test_spearman_ties (rs 0.90727, ok); school 1: marks
 * 2,3,4,5 with scores 30,20,10,5 (rs -1, flag); school 2: two pupils; school 3: marks all
 * 4; school 4: three pupils without marks; school 5: scores all equal. */
static void test_sign_journal_hand(void **state)
{
	uint32_t sc[] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 5};
	int16_t v[] = {30, 25, 28, 18, 30, 10, 22, 20, 30, 20, 10, 5, 1, 2, 1, 2, 3, 1, 2, 3, 7, 7, 7, 7};
	int8_t j[] = {5, 4, 4, 3, 5, 2, 3, 4, 2, 3, 4, 5, 3, 4, 4, 4, 4, 0, 0, 0, 2, 3, 4, 5};
	struct stat_proc *p = mkproc(24, 6, 30, sc, v, j);
	struct stat_tab t;
	assert_int_equal(stat_tab_build(p, &t), 0);
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	struct stat_journal_school o[6];
	assert_int_equal(stat_sign_journal(&t, &cfg, o), 0);
	NEAR(o[0].rs, 0.9072699205202812, 1e-12);
	NEAR(o[0].rs_classic, 0.9107142857142857, 1e-12);
	assert_int_equal(o[0].n, 8);
	assert_int_equal(o[0].status, STAT_OK);
	NEAR(o[1].rs, -1, 1e-12);
	assert_int_equal(o[1].status, STAT_FLAG);
	assert_int_equal(o[2].status, STAT_NOT_EVALUABLE);
	assert_int_equal(o[3].status, STAT_NOT_EVALUABLE);
	assert_true(isnan(o[3].rs));
	assert_int_equal(o[4].n, 0);
	assert_int_equal(o[4].status, STAT_NOT_EVALUABLE);
	assert_int_equal(o[5].status, STAT_NOT_EVALUABLE);
	stat_tab_free(&t);
	stat_proc_free(p);
}

/* (c) with hand-computed quartiles. K = S1/S2 with S2 = 50: K = .90 .95 1 1 1.05 1.10 2.5
 * .2 1.02 for schools 0..8; school 9 has no works in the second procedure. Sorted K:
 * .2 .9 .95 1 1 1.02 1.05 1.1 2.5 (n = 9): Q25 at h = 2 -> .95, Q75 at h = 6 -> 1.05,
 * IQR .1, bounds .95 - .3 = .65 and 1.05 + .3 = 1.35: school 6 (2.5) drop, school 7 (.2)
 * rise. */
static void test_sign_cohort_hand(void **state)
{
	double k[] = {0.90, 0.95, 1.00, 1.00, 1.05, 1.10, 2.50, 0.20, 1.02, 1.0};
	struct stat_mean_school a[10], b[10];
	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	for (int s = 0; s < 10; s++) {
		a[s].n = 20, a[s].pct = 50 * k[s];
		b[s].n = s == 9 ? 0 : 25, b[s].pct = s == 9 ? NAN : 50;
	}
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	struct stat_cohort_region r;
	struct stat_cohort_school o[10];
	assert_int_equal(stat_sign_cohort(a, b, 10, &cfg, &r, o), 0);
	assert_int_equal(r.nk, 9);
	NEAR(r.q25, 0.95, 1e-12);
	NEAR(r.q75, 1.05, 1e-12);
	NEAR(r.iqr, 0.10, 1e-12);
	NEAR(r.lo, 0.65, 1e-12);
	NEAR(r.hi, 1.35, 1e-12);
	for (int s = 0; s < 9; s++) {
		NEAR(o[s].k, k[s], 1e-12);
		assert_int_equal(o[s].drop, s == 6 ? STAT_FLAG : STAT_OK);
		assert_int_equal(o[s].rise, s == 7 ? STAT_FLAG : STAT_OK);
	}
	assert_int_equal(o[9].rise, STAT_NOT_EVALUABLE);
	assert_int_equal(o[9].drop, STAT_NOT_EVALUABLE);
	assert_true(isnan(o[9].k));
	NEAR(o[0].s1, 45, 1e-12);
	NEAR(o[0].s2, 50, 1e-12);
}

/* Marks, share2_rise, journal gaps and boundary peaks on a small region with scale
 * 6/10/14 of 20. */
static void test_marks_gap_share2(void **state)
{
	/* School 0: scores 5 (mark 2), 6 (3), 12 (4), 20 (5) with journal marks 4, 3, 2, 5:
	 * gaps -2 (понизили by 2), 0, +2 (повысили by 2), 0. School 1: scores 0 0 13 13,
	 * journal 2 2 4 4: all confirmed. */
	uint32_t sc[] = {0, 0, 0, 0, 1, 1, 1, 1};
	int16_t v[] = {5, 6, 12, 20, 0, 0, 13, 13};
	int8_t j[] = {4, 3, 2, 5, 2, 2, 4, 4};
	struct stat_proc *p = mkproc(8, 2, 20, sc, v, j);
	scale(p, 6, 10, 14);
	struct stat_tab t;
	assert_int_equal(stat_tab_build(p, &t), 0);
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	cfg.min_n_group = 4;
	struct stat_marks_school mk[2], mr;
	stat_marks(&t, mk, &mr);
	assert_int_equal(mk[0].m[0], 1);
	assert_int_equal(mk[0].m[1], 1);
	assert_int_equal(mk[0].m[2], 1);
	assert_int_equal(mk[0].m[3], 1);
	NEAR(mk[0].share2, 0.25, 1e-15);
	NEAR(mk[1].share2, 0.5, 1e-15);
	NEAR(mr.share2, 3.0 / 8, 1e-15);
	struct stat_gap_region gr;
	struct stat_gap_school g[2];
	assert_int_equal(stat_sign_gap(&t, &cfg, &gr, g), 0);
	assert_int_equal(g[0].below, 1);
	assert_int_equal(g[0].same, 2);
	assert_int_equal(g[0].above, 1);
	assert_int_equal(g[0].gap, 2);
	assert_int_equal(g[1].gap, 0);
	assert_int_equal(g[1].same, 4);
	NEAR(gr.share, 0.25, 1e-15);
	/* p0 = P(Bin(4, .25) >= 2) = 1 - .75^4 - 4*.25*.75^3 = 0.26171875; p1 = 1. */
	NEAR(g[0].p, 0.26171875, 1e-12);
	NEAR(g[1].p, 1, 1e-12);
	assert_int_equal(g[0].status, STAT_OK);
	/* share2_rise: the same schools one year later. */
	struct stat_marks_school y2[2] = {mk[0], mk[1]};
	y2[0].share2 = 0.35; /* +10 p.p. exactly: flag */
	y2[1].share2 = 0.55; /* +5 p.p. */
	struct stat_share2_school s2[2];
	cfg.min_n_share2 = 4;
	stat_sign_share2(mk, y2, 2, &cfg, s2);
	assert_int_equal(s2[0].status, STAT_FLAG);
	NEAR(s2[0].diff, 0.10, 1e-12);
	assert_int_equal(s2[1].status, STAT_OK);
	cfg.min_n_share2 = 10;
	stat_sign_share2(mk, y2, 2, &cfg, s2);
	assert_int_equal(s2[0].status, STAT_NOT_EVALUABLE);
	stat_tab_free(&t);
	stat_proc_free(p);
}

static void test_peak_hand(void **state)
{
	/* One school, 24 works: 2 at 5, 5 at 6 (boundary), 3 at 7; 4 at 9, 2 at 10, 1 at 11;
	 * 7 at 18. Peak at 6 (5 > 2 and 5 > 3), none at 10 (2 < 4), none at 14 (0). */
	uint32_t sc[24] = {0};
	int16_t v[24];
	int k = 0;
	int vals[][2] = {{5, 2}, {6, 5}, {7, 3}, {9, 4}, {10, 2}, {11, 1}, {18, 7}};
	for (int i = 0; i < 7; i++)
		for (int r = 0; r < vals[i][1]; r++)
			v[k++] = (int16_t)vals[i][0];
	struct stat_proc *p = mkproc(24, 1, 20, sc, v, NULL);
	scale(p, 6, 10, 14);
	struct stat_tab t;
	stat_tab_build(p, &t);
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	struct stat_peak_school pk[3];
	stat_sign_peak(&t, &cfg, pk);
	assert_int_equal(pk[0].status, STAT_FLAG);
	assert_int_equal(pk[0].below, 2);
	assert_int_equal(pk[0].at, 5);
	assert_int_equal(pk[0].above, 3);
	assert_int_equal(pk[1].status, STAT_OK);
	assert_int_equal(pk[2].status, STAT_OK);
	cfg.min_n_peak = 25;
	stat_sign_peak(&t, &cfg, pk);
	assert_int_equal(pk[0].status, STAT_NOT_EVALUABLE);
	stat_tab_free(&t);
	stat_proc_free(p);
}

/* journal_lenient by hand (methodology-oko §6.4). Scale 8/10/14, so works of mark >= 4 are
 * those with score >= 10. Score 5: school 0 marks 5,5, school 1 marks 3 x 6; score 15:
 * school 0 marks 4,4, school 1 marks 4,4,5,5,5,5. The region's marks: shares pm = (0, 6/16,
 * 4/16, 6/16) of 2/3/4/5; at score >= 10, q = (0, 0, 1/2, 1/2). Smoothed shares (alpha =
 * 10): at 5, mark 4 (0 + 2.5)/18 = 5/36 and mark 5 (2 + 3.75)/18 = 23/72, ratios 3.6 and
 * 36/23; at 15, mark 4 6.5/18 = 13/36 and mark 5 7.75/18 = 31/72, ratios 18/13 and 36/31;
 * mark 3 has q = 0. Null at 5 (3/4 marks 3, 1/4 marks 5): mean 9/23, variance 243/529,
 * third moment (27^3 - 3*9^3)/(4*23^3) = 17496/48668; at 15 (half and half): mean 513/403,
 * variance (18/13 - 36/31)^2/4, third moment 0. */
static void test_jcond_hand(void **state)
{
	uint32_t sc[] = {0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
	int16_t v[] = {5, 5, 15, 15, 5, 5, 5, 5, 5, 5, 15, 15, 15, 15, 15, 15};
	int8_t j[] = {5, 5, 4, 4, 3, 3, 3, 3, 3, 3, 4, 4, 5, 5, 5, 5};
	struct stat_proc *p = mkproc(16, 2, 20, sc, v, j);
	scale(p, 8, 10, 14);
	struct stat_tab t;
	stat_tab_build(p, &t);
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	cfg.min_n_group = 2;
	struct stat_znull nul;
	struct stat_zres z[2];
	assert_int_equal(stat_sign_jcond(&t, STAT_JCOND_JOURNAL, &cfg, &nul, z), 0);
	double v15 = (18.0 / 13 - 36.0 / 31) * (18.0 / 13 - 36.0 / 31) / 4;
	NEAR(z[0].obs, 2 * 36.0 / 23 + 2 * 18.0 / 13, 1e-12);
	NEAR(z[0].expct, 2 * 9.0 / 23 + 2 * 513.0 / 403, 1e-12);
	NEAR(z[0].var, 2 * 243.0 / 529 + 2 * v15, 1e-12);
	NEAR(z[0].k3, 2 * 17496.0 / 48668, 1e-12);
	NEAR(z[1].obs, 2 * 18.0 / 13 + 4 * 36.0 / 31, 1e-12);
	NEAR(z[1].expct, 6 * 9.0 / 23 + 6 * 513.0 / 403, 1e-12);
	NEAR(z[1].var, 6 * 243.0 / 529 + 6 * v15, 1e-12);
	double z0 = (z[0].obs - z[0].expct) / sqrt(z[0].var);
	NEAR(z[0].z, z0, 1e-12);
	NEAR(nul.center, 0, 0); /* two schools: theoretical null */
	/* The skewed tail: Pearson III with the sum's skewness, heavier than the normal's. */
	NEAR(z[0].p, stat_pearson3_upper(z0, z[0].k3 / pow(z[0].var, 1.5)), 1e-15);
	assert_true(z[0].p > stat_norm_upper(z0));
	/* The cap: mark 4 at score 5 (ratio 3.6) is cut to 3, the others stay. */
	size_t w = t.w;
	double f[5 * 21], mu[21], var[21], k3[21];
	stat_jcond_terms(&t, 10, 3, f, mu, var, k3);
	NEAR(f[2 * w + 5], 3, 0);
	NEAR(f[2 * w + 15], 18.0 / 13, 1e-12);
	NEAR(f[3 * w + 5], 36.0 / 23, 1e-12);
	NEAR(f[1 * w + 5], 0, 0);
	NEAR(mu[5], 9.0 / 23, 1e-12);
	/* Scores given journal: the school's scores against the region's mean score at each
	 * mark. Mark 3: only score 5, mark 4: only 15 (variance 0); mark 5:
	 * 5, 5, 15 x 4 (mean 35/3, variance 200/9). School 0: obs 40, expct 2*15 + 2*35/3. */
	assert_int_equal(stat_sign_jcond(&t, STAT_JCOND_SCORE, &cfg, &nul, z), 0);
	NEAR(z[0].obs, 40, 0);
	NEAR(z[0].expct, 30 + 70.0 / 3, 1e-12);
	NEAR(z[0].var, 2 * 200.0 / 9, 1e-12);
	NEAR(z[0].k3, 0, 0);
	stat_tab_free(&t);
	stat_proc_free(p);
}

/* journal_lenient's power by construction: 80 schools of 40 works, scores Binomial(20,
 * 0.5) shifted by a school level, scale 8/11/15; a journal mark is the work's mark moved by
 * one step with probability 0.3 (never below 2 or above 5) and, by school, a lenient or
 * strict culture moves 20 % of the marks one step up or down. School 0 replaces half its
 * marks by 3/4/5 with probabilities 0.10/0.45/0.45 whatever the result (the generator's
 * lenient journal). It is flagged and has the largest zc; at most one clean school is
 * flagged. */
static void test_jcond_power(void **state)
{
	enum { NS = 80, PER = 40 };
	uint32_t sc[NS * PER];
	int16_t v[NS * PER];
	int8_t j[NS * PER];
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, 20);
	for (int s = 0; s < NS; s++) {
		double level = gsl_ran_gaussian(r, 0.1);
		int culture = s % 3 == 0 ? 1 : s % 3 == 1 ? -1 : 0;
		for (int i = 0; i < PER; i++) {
			size_t k = (size_t)s * PER + (size_t)i;
			double pr = 0.5 + level;
			pr = pr < 0.05 ? 0.05 : pr > 0.95 ? 0.95 : pr;
			int x = (int)gsl_ran_binomial(r, pr, 20);
			int m = x < 8 ? 2 : x < 11 ? 3 : x < 15 ? 4 : 5;
			double u = gsl_rng_uniform(r);
			if (u < 0.15)
				m--;
			else if (u < 0.3)
				m++;
			if (culture && gsl_rng_uniform(r) < 0.2)
				m += culture;
			m = m < 2 ? 2 : m > 5 ? 5 : m;
			if (s == 0 && gsl_rng_uniform(r) < 0.5) {
				double w = gsl_rng_uniform(r);
				m = w < 0.1 ? 3 : w < 0.55 ? 4 : 5;
			}
			sc[k] = (uint32_t)s;
			v[k] = (int16_t)x;
			j[k] = (int8_t)m;
		}
	}
	gsl_rng_free(r);
	struct stat_proc *p = mkproc(NS * PER, NS, 20, sc, v, j);
	scale(p, 8, 11, 15);
	struct stat_tab t;
	assert_int_equal(stat_tab_build(p, &t), 0);
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	struct stat_znull nul;
	struct stat_zres z[NS];
	assert_int_equal(stat_sign_jcond(&t, STAT_JCOND_JOURNAL, &cfg, &nul, z), 0);
	assert_int_equal(z[0].status, STAT_FLAG);
	int clean_flags = 0;
	for (int s = 1; s < NS; s++) {
		assert_true(z[s].zc < z[0].zc);
		clean_flags += z[s].status == STAT_FLAG;
	}
	assert_true(clean_flags <= 1);
	stat_tab_free(&t);
	stat_proc_free(p);
}

/* A procedure with positions from rows of cells. */
static struct stat_proc *mkpos(size_t n, size_t nschools, int npos, const int *pmax,
			       const char *level, const uint32_t *school, const uint8_t *cells)
{
	struct stat_proc *p = stat_proc_new(npos, STAT_COL_POS);
	p->nschools = nschools;
	for (int k = 0; k < npos; k++) {
		p->pos_max[k] = pmax[k];
		p->pos_level[k] = level ? level[k] : 0;
		p->max_score += pmax[k];
	}
	stat_proc_reserve(p, n);
	for (size_t i = 0; i < n; i++) {
		p->school[i] = school[i];
		int s = 0;
		for (int k = 0; k < npos; k++) {
			p->pos[i * (size_t)npos + (size_t)k] = cells[i * (size_t)npos + (size_t)k];
			s += stat_cell_points(cells[i * (size_t)npos + (size_t)k]);
		}
		p->score[i] = (int16_t)s;
	}
	p->n = n;
	return p;
}

/* hard_help / difficulty_inverted by hand: positions B (max 1), H (max 1). At score 1,
 * school 0 has four works (0,1) and school 1 four works (1,0): regional mean of hard
 * points .5, variance .25; school 0: obs 4, expct 2, var 1, z = 2, p = Q(2) = .0227501,
 * BH over two schools .0455003 <= .05: flag; its basic success 0 < .5 and hard 1 > .5:
 * inverted. */
static void test_profile_hand(void **state)
{
	int pmax[] = {1, 1};
	uint32_t sc[] = {0, 0, 0, 0, 1, 1, 1, 1};
	uint8_t cells[] = {0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0};
	struct stat_proc *p = mkpos(8, 2, 2, pmax, "BH", sc, cells);
	assert_int_equal(stat_proc_check(p), 0);
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	cfg.min_n_group = 4;
	struct stat_profile_region r;
	struct stat_zres z[2];
	struct stat_profile_group g[2];
	assert_int_equal(stat_profile(p, p->school, 2, &cfg, &r, z, g), 0);
	assert_int_equal(r.nbasic, 1);
	assert_int_equal(r.nhard, 1);
	NEAR(r.succ_basic, 0.5, 1e-15);
	NEAR(r.succ_hard, 0.5, 1e-15);
	NEAR(z[0].obs, 4, 0);
	NEAR(z[0].expct, 2, 1e-12);
	NEAR(z[0].var, 1, 1e-12);
	NEAR(z[0].z, 2, 1e-12);
	NEAR(z[0].p, 0.022750131948179195, 1e-12);
	NEAR(z[0].q_adj, 0.04550026389635839, 1e-12);
	assert_int_equal(z[0].status, STAT_FLAG);
	assert_int_equal(z[1].status, STAT_OK);
	NEAR(g[0].succ_basic, 0, 0);
	NEAR(g[0].succ_hard, 1, 0);
	assert_int_equal(g[0].inverted, STAT_FLAG);
	assert_int_equal(g[1].inverted, STAT_OK);
	/* Without level information nothing is evaluable. */
	p->pos_level[1] = 0;
	assert_int_equal(stat_profile(p, p->school, 2, &cfg, &r, z, g), 0);
	assert_int_equal(z[0].status, STAT_NOT_EVALUABLE);
	assert_int_equal(g[0].inverted, STAT_NOT_EVALUABLE);
	uint32_t bad[8] = {0, 0, 0, 0, 1, 1, 1, 2};
	p->pos_level[1] = 'H';
	assert_int_equal(stat_profile(p, bad, 2, &cfg, &r, z, g), ERR_INVALID);
	stat_proc_free(p);
}

/* lz of each work against Python (3 positions of max 1, add-1/2 smoothing, independence
 * given the score): (1,0,0) .84868268, (0,1,0) -1.12655660, (1,1,0) .85516286, (0,1,1)
 * -.53969156; scores 0 and 3 have no lz. */
static void test_personfit_hand(void **state)
{
	int pmax[] = {1, 1, 1};
	uint32_t sc[9] = {0, 0, 0, 0, 0, 1, 1, 1, 1};
	uint8_t cells[] = {1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0,
			   1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0};
	struct stat_proc *p = mkpos(9, 2, 3, pmax, NULL, sc, cells);
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	cfg.min_n_group = 1;
	struct stat_fit_region r;
	struct stat_zres z[2];
	double lz[9];
	assert_int_equal(stat_personfit(p, p->school, 2, &cfg, &r, z, lz), 0);
	double want[] = {0.8486826830060751, 0.8486826830060751, 0.8486826830060751,
			 -1.1265566028801834, 0.8551628619201863, 0.8551628619201863,
			 -0.5396915561843446, NAN, NAN};
	for (int i = 0; i < 9; i++) {
		if (isnan(want[i]))
			assert_true(isnan(lz[i]));
		else
			NEAR(lz[i], want[i], 1e-12);
	}
	assert_int_equal(r.nworks, 7);
	assert_int_equal(z[0].n, 5);
	assert_int_equal(z[1].n, 2);
	double s = 0;
	for (int i = 0; i < 7; i++)
		s += want[i];
	NEAR(r.mean_lz, s / 7, 1e-12);
	NEAR(z[0].obs, 3 * 0.8486826830060751 - 1.1265566028801834 + 0.8551628619201863, 1e-12);
	NEAR(z[0].expct, 5 * r.mean_lz, 1e-12);
	NEAR(z[0].var, 5 * r.sd_lz * r.sd_lz, 1e-12);
	stat_proc_free(p);
}

/* The pairs among rows [from, m) of buf (np cells a row) at most one cell apart, counted
 * cell by cell. */
static uint64_t naive_pairs(const uint8_t *buf, size_t from, size_t m, int np)
{
	uint64_t n = 0;
	for (size_t a = from; a < m; a++)
		for (size_t b = a + 1; b < m; b++) {
			int d = 0;
			for (int k = 0; k < np; k++)
				d += buf[a * np + k] != buf[b * np + k];
			n += d <= 1;
		}
	return n;
}

static void test_near_pairs(void **state)
{
	/* Hand case: rows A, A, A' (one cell differs), B (two cells differ), X-variant of A
	 * ('X' is not 0). Pairs <= 1 apart: AA, AA', AA' (2), A-AX (2), A'-? no, AX-A' no:
	 * A1A2, A1A3, A2A3, A1A5, A2A5 = 5. */
	uint8_t rows[] = {1, 0, 2, 1, 1, 0, 2, 1, 1, 0, 2, 0, 0, 1, 2, 1, 1, STAT_POS_X, 2, 1};
	assert_int_equal(stat_near_pairs(rows, 5, 4, STAT_NEAR_BRUTE), 5);
	assert_int_equal(stat_near_pairs(rows, 5, 4, STAT_NEAR_HASH), 5);
	assert_int_equal(stat_near_pairs(rows, 1, 4, STAT_NEAR_AUTO), 0);
	/* Random groups with planted copies, widths that fill whole 64-bit words and widths
	 * that leave a partial one: hashing, brute force and a cell-by-cell count agree. */
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, 11);
	static uint8_t buf[300 * 70];
	/* Row lengths within one, two, three and four 16-byte chunks and beyond 64 (the
	 * plain comparison). */
	for (int rep = 0; rep < 80; rep++) {
		int np = (int[]){8, 13, 21, 3, 16, 17, 33, 64, 70, 1}[rep % 10];
		size_t m = 2 + gsl_rng_uniform_int(r, 298);
		for (size_t i = 0; i < m; i++)
			for (int k = 0; k < np; k++) {
				if (i > 0 && gsl_rng_uniform(r) < 0.3 && k == 0) {
					size_t src = gsl_rng_uniform_int(r, i);
					memcpy(buf + i * np, buf + src * np, (size_t)np);
					if (gsl_rng_uniform(r) < 0.5)
						buf[i * np + gsl_rng_uniform_int(r, np)] = (uint8_t)gsl_rng_uniform_int(r, 3);
					break;
				}
				buf[i * np + (size_t)k] = (uint8_t)gsl_rng_uniform_int(r, 3);
			}
		uint64_t naive = naive_pairs(buf, 0, m, np);
		assert_int_equal(stat_near_pairs(buf, m, np, STAT_NEAR_BRUTE), naive);
		assert_int_equal(stat_near_pairs(buf, m, np, STAT_NEAR_HASH), naive);
		/* The rows at the very end of their block (the chunks are loaded whole: a read
		 * past the last row would be caught by the sanitizer build), at most 64 rows
		 * (the comparison's rows on the stack) and all of them. */
		size_t mm = m < 64 ? m : 64;
		uint8_t *exact = malloc(mm * (size_t)np);
		assert_non_null(exact);
		memcpy(exact, buf + (m - mm) * (size_t)np, mm * (size_t)np);
		assert_int_equal(stat_near_pairs(exact, mm, np, STAT_NEAR_AUTO),
				 naive_pairs(buf, m - mm, m, np));
		free(exact);
		exact = malloc(m * (size_t)np);
		assert_non_null(exact);
		memcpy(exact, buf, m * (size_t)np);
		assert_int_equal(stat_near_pairs(exact, m, np, STAT_NEAR_BRUTE), naive);
		free(exact);
	}
	gsl_rng_free(r);
}

/* ---- a synthetic region with planted manipulations ---- */

enum kind { CLEAN, HARD, COPY, LENIENT, PULL, RANDOM, SCORING, STRONG, NKIND };
#define NSCH 150
#define NCLS 2
#define PER 20
#define NPOS 12

static const int gen_max[NPOS] = {1, 1, 1, 2, 2, 1, 2, 2, 1, 2, 2, 3};
static const char gen_level[NPOS] = {'B', 'B', 'B', 'B', 'B', 'B', 'B', 'P', 'P', 'P', 'H', 'H'};
static const double gen_diff[NPOS] = {-1.5, -1.2, -1, -0.8, -0.6, -0.5, -0.3, 0.8, 1, 1.2, 1.5, 1.8};

static int rowsum(const uint8_t *row)
{
	int s = 0;
	for (int k = 0; k < NPOS; k++)
		s += stat_cell_points(row[k]);
	return s;
}

/* Schools 0..5 carry one manipulation each (HARD, COPY, LENIENT, PULL, RANDOM, SCORING)
 * and school 6 is honest but strong; every other school is clean. Pupils: theta = u_school + N(0,1);
 * points of position k ~ Binomial(max_k, logistic(1.3 (theta - d_k))); journal mark from
 * theta + N(0, .6) cut at -1, 0, 1. Scale 6/10/14 of 20. */
static struct stat_proc *gen_region(unsigned long seed, enum kind *kinds)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, seed);
	size_t n = (size_t)NSCH * NCLS * PER;
	struct stat_proc *p = stat_proc_new(NPOS, STAT_COL_CLASS | STAT_COL_JOURNAL | STAT_COL_POS);
	p->nschools = NSCH;
	p->nclasses = (size_t)NSCH * NCLS;
	memcpy(p->pos_max, gen_max, sizeof gen_max);
	memcpy(p->pos_level, gen_level, sizeof gen_level);
	p->max_score = 20;
	scale(p, 6, 10, 14);
	stat_proc_reserve(p, n);
	for (int s = 0; s < NSCH; s++) {
		kinds[s] = s < 7 ? (enum kind)(s + 1) : CLEAN;
		double u = kinds[s] == STRONG ? 1.6 : gsl_ran_gaussian(r, 0.4);
		for (int c = 0; c < NCLS; c++)
			for (int i = 0; i < PER; i++) {
				size_t w = p->n++;
				uint8_t *row = p->pos + w * NPOS;
				double th = u + gsl_ran_gaussian(r, 1);
				for (int k = 0; k < NPOS; k++) {
					double pr = 1 / (1 + exp(-1.3 * (th - gen_diff[k])));
					row[k] = (uint8_t)gsl_ran_binomial(r, pr, (unsigned)gen_max[k]);
				}
				double jl = th + gsl_ran_gaussian(r, 0.6);
				int jm = jl < -1 ? 2 : jl < 0 ? 3 : jl < 1 ? 4 : 5;
				p->school[w] = (uint32_t)s;
				p->class_id[w] = (uint32_t)(s * NCLS + c);
				p->journal[w] = (int8_t)jm;
				switch (kinds[s]) {
				case HARD:
					for (int k = 7; k < NPOS; k++)
						if (gsl_rng_uniform(r) < 0.5)
							row[k] = (uint8_t)gen_max[k];
					break;
				case COPY:
					if (c == 0 && i > 0 && i < 8) {
						memcpy(row, p->pos + (w - (size_t)i) * NPOS, NPOS);
						if (gsl_rng_uniform(r) < 0.5) {
							int k = (int)gsl_rng_uniform_int(r, NPOS);
							row[k] = (uint8_t)gsl_rng_uniform_int(r, (unsigned long)gen_max[k] + 1);
						}
					}
					break;
				case LENIENT:
					if (jm < 5)
						p->journal[w] = (int8_t)(jm + 1);
					break;
				case PULL: {
					int t = rowsum(row);
					for (int b = 0; b < 3; b++)
						if ((t == p->scale[b] - 1 || t == p->scale[b] - 2) &&
						    gsl_rng_uniform(r) < 0.8)
							for (int k = 0; k < NPOS && t < p->scale[b]; k++)
								while (row[k] < gen_max[k] && t < p->scale[b])
									row[k]++, t++;
					break;
				}
				case SCORING:
					for (int k = 0; k < NPOS; k++)
						if (gen_max[k] >= 2 && row[k] < gen_max[k] &&
						    gsl_rng_uniform(r) < 0.5)
							row[k]++;
					break;
				case RANDOM:
					for (int k = 0; k < NPOS; k++)
						row[k] = (uint8_t)gsl_rng_uniform_int(r, (unsigned long)gen_max[k] + 1);
					break;
				default:
					break;
				}
				p->score[w] = (int16_t)rowsum(row);
			}
	}
	gsl_rng_free(r);
	return p;
}

static void test_synthetic_region(void **state)
{
	enum kind kinds[NSCH];
	struct stat_proc *p = gen_region(2024, kinds);
	assert_int_equal(stat_proc_check(p), 0);
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	struct stat_analysis a;
	assert_int_equal(stat_analyze(p, &cfg, &a), 0);
	/* Each manipulation is found by the statistic built for it. */
	assert_int_equal(a.hard[HARD - 1].status, STAT_FLAG);
	assert_int_equal(a.twins[COPY - 1].status, STAT_FLAG);
	assert_int_equal(a.twins_class[(COPY - 1) * NCLS].status, STAT_FLAG);
	assert_int_equal(a.twins_class[(COPY - 1) * NCLS + 1].status, STAT_OK);
	assert_int_equal(a.lenient[LENIENT - 1].status, STAT_FLAG);
	/* One pulling school of 40 pupils is not significant after BH over 150 schools, but
	 * it has the smallest bunching p of all (test_bunch_schools has a flagged one). */
	for (int s = 0; s < NSCH; s++)
		if (s != PULL - 1)
			assert_true(a.bunch[s].p > a.bunch[PULL - 1].p);
	assert_int_equal(a.fit[RANDOM - 1].status, STAT_FLAG);
	assert_int_equal(a.scoring[SCORING - 1].status, STAT_FLAG);
	/* (Help on hard positions also raises judgement-scored ones here: hard positions of
	 * this work have maxima >= 2, so HARD may be flagged by lenient_scoring too.) */
	/* The strong honest school: flagged by the official mean rule, by none of ours. */
	int st = STRONG - 1;
	assert_int_equal(a.mean[st].status, STAT_FLAG);
	assert_int_not_equal(a.bunch[st].status, STAT_FLAG);
	assert_int_not_equal(a.hard[st].status, STAT_FLAG);
	assert_int_not_equal(a.fit[st].status, STAT_FLAG);
	assert_int_not_equal(a.twins[st].status, STAT_FLAG);
	assert_int_not_equal(a.lenient[st].status, STAT_FLAG);
	assert_int_not_equal(a.scoring[st].status, STAT_FLAG);
	/* Clean schools are rarely flagged by our signs (FDR 5 % over 150 schools). */
	int fl[7] = {0};
	for (int s = 8; s < NSCH; s++) {
		fl[0] += a.bunch[s].status == STAT_FLAG;
		fl[1] += a.hard[s].status == STAT_FLAG;
		fl[2] += a.fit[s].status == STAT_FLAG;
		fl[3] += a.twins[s].status == STAT_FLAG;
		fl[4] += a.lenient[s].status == STAT_FLAG;
		fl[5] += a.journal[s].status == STAT_FLAG;
		fl[6] += a.scoring[s].status == STAT_FLAG;
	}
	fl[5] = fl[6];
	for (int i = 0; i < 6; i++)
		assert_true(fl[i] <= 2);
	/* The regional excess mass sees the one pulling school among 150 as small. */
	for (int i = 0; i < 3; i++)
		assert_true(a.bunch_r[i].est.ok);
	assert_true(a.bunch_r[0].pi0 > 0.2 && a.bunch_r[0].pi0 < 0.8);
	/* Risk over the own signs: the manipulated schools are listed (but the pulling one,
	 * see above), few clean ones. */
	struct stat_evidence *ev = NULL;
	size_t nev = 0, cap = 0;
	stat_evidence_add(&a, STAT_RISK_DEFAULT_MASK, 0, &ev, &nev, &cap);
	assert_int_equal(nev, (size_t)NSCH * 6);
	struct stat_risk_school rs[NSCH];
	struct stat_risk_summary sum;
	assert_int_equal(stat_risk(ev, nev, NSCH, STAT_COMBINE_FAMILY, 0.05, rs, &sum), 0);
	for (int s = 0; s < 6; s++)
		if (s != PULL - 1)
			assert_true(rs[s].listed);
	assert_false(rs[st].listed);
	int clean_listed = 0;
	for (int s = 8; s < NSCH; s++)
		clean_listed += rs[s].listed;
	assert_true(clean_listed <= 3);
	for (int s = 0; s < 6; s++)
		assert_true(rs[s].rank <= 10);
	/* The pooled combination of oko analyze: the same manipulated schools listed and all
	 * six in the first ten; the pulling school of 40 works has evidence (z 3.4 pooled over
	 * its three boundaries, p < .05 with the skewed tail and two signs) but stays short of
	 * the list: the low marks of its works on b are partly its grading culture (a weaker
	 * school marks lower at the same score), which the journal ratio no longer reads as
	 * evidence (methodology-oko §5.4). */
	assert_int_equal(stat_risk(ev, nev, NSCH, STAT_COMBINE_POOLED, 0.05, rs, &sum), 0);
	for (int s = 0; s < 6; s++) {
		assert_true(s == PULL - 1 || rs[s].listed);
		assert_true(rs[s].rank <= 10);
	}
	assert_true(rs[PULL - 1].p < 0.05);
	assert_false(rs[st].listed);
	clean_listed = 0;
	for (int s = 8; s < NSCH; s++)
		clean_listed += rs[s].listed;
	assert_true(clean_listed <= 3);
	/* Class-level results exist and the classes' schools match. */
	assert_non_null(a.fit_class);
	assert_int_equal(a.hard_class[(HARD - 1) * NCLS].n, PER);
	free(ev);
	stat_analysis_free(&a);
	stat_proc_free(p);
}

/* The _multi forms (schools and classes in one pass, as stat_analyze calls them) give
 * exactly what one call per grouping gives: the same sums in the same order. */
static void zres_equal(const struct stat_zres *a, const struct stat_zres *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(a[i].n, b[i].n);
		assert_int_equal(a[i].status, b[i].status);
		assert_memory_equal(&a[i].obs, &b[i].obs, sizeof a[i].obs);
		assert_memory_equal(&a[i].expct, &b[i].expct, sizeof a[i].expct);
		assert_memory_equal(&a[i].var, &b[i].var, sizeof a[i].var);
		assert_true(a[i].zc == b[i].zc || (isnan(a[i].zc) && isnan(b[i].zc)));
		assert_true(a[i].q_adj == b[i].q_adj || (isnan(a[i].q_adj) && isnan(b[i].q_adj)));
	}
}

static void test_multi_groupings(void **state)
{
	enum kind kinds[NSCH];
	struct stat_proc *p = gen_region(7, kinds);
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	size_t ns = p->nschools, nc = p->nclasses;
	struct stat_grouping g[2] = {{p->school, ns}, {p->class_id, nc}};
	struct stat_zres *z1[2], *z2[2];
	struct stat_profile_group *o1[2], *o2[2];
	for (int j = 0; j < 2; j++) {
		z1[j] = calloc(g[j].n, sizeof *z1[j]);
		z2[j] = calloc(g[j].n, sizeof *z2[j]);
		o1[j] = calloc(g[j].n, sizeof *o1[j]);
		o2[j] = calloc(g[j].n, sizeof *o2[j]);
	}
	/* stat_profile, with the judgement-scored positions as the extra target */
	bool target[STAT_MAX_POS];
	stat_scoring_targets(p, target);
	struct stat_zres *x2[2];
	for (int j = 0; j < 2; j++)
		x2[j] = calloc(g[j].n, sizeof *x2[j]);
	struct stat_profile_region pr1[2], pr2[2];
	struct stat_znull n1[2], n3[2];
	assert_int_equal(stat_profile_multi(p, g, 2, &cfg,
					    (struct stat_profile_region *[]){&pr2[0], &pr2[1]}, z2, o2,
					    target, (struct stat_znull *[]){&n3[0], &n3[1]}, x2),
			 0);
	for (int j = 0; j < 2; j++) {
		assert_int_equal(stat_profile(p, g[j].of, g[j].n, &cfg, &pr1[j], z1[j], o1[j]), 0);
		zres_equal(z1[j], z2[j], g[j].n);
		assert_memory_equal(o1[j], o2[j], g[j].n * sizeof *o1[j]);
		assert_memory_equal(&pr1[j].succ_hard, &pr2[j].succ_hard, sizeof(double));
		assert_memory_equal(&pr1[j].succ_basic, &pr2[j].succ_basic, sizeof(double));
		assert_int_equal(pr1[j].nhard, pr2[j].nhard);
	}
	assert_true(z1[0][HARD - 1].status == STAT_FLAG);
	/* stat_profile_positions on the judgement-scored positions: the same as the extra */
	for (int j = 0; j < 2; j++) {
		assert_int_equal(stat_profile_positions(p, g[j].of, g[j].n, target, &cfg, &n1[j], z1[j]), 0);
		zres_equal(z1[j], x2[j], g[j].n);
		assert_memory_equal(&n1[j], &n3[j], sizeof n1[j]);
		free(x2[j]);
	}
	assert_true(z1[0][SCORING - 1].status == STAT_FLAG);
	/* stat_personfit */
	struct stat_fit_region f1[2], f2[2];
	assert_int_equal(stat_personfit_multi(p, g, 2, &cfg,
					      (struct stat_fit_region *[]){&f2[0], &f2[1]}, z2, NULL, NULL), 0);
	for (int j = 0; j < 2; j++) {
		assert_int_equal(stat_personfit(p, g[j].of, g[j].n, &cfg, &f1[j], z1[j], NULL), 0);
		zres_equal(z1[j], z2[j], g[j].n);
		assert_int_equal(f1[j].nworks, f2[j].nworks);
		assert_memory_equal(&f1[j].sd_lz, &f2[j].sd_lz, sizeof(double));
	}
	assert_true(z1[0][RANDOM - 1].status == STAT_FLAG);
	/* A group index out of range is refused in either grouping. */
	p->class_id[0] = (uint32_t)nc;
	assert_int_equal(stat_personfit_multi(p, g, 2, &cfg,
					      (struct stat_fit_region *[]){&f2[0], &f2[1]}, z2, NULL, NULL),
			 ERR_INVALID);
	for (int j = 0; j < 2; j++) {
		free(z1[j]);
		free(z2[j]);
		free(o1[j]);
		free(o2[j]);
	}
	stat_proc_free(p);
}

/* Per-school bunching: 80 schools of 60 works with scores ~ Binomial(20, .5); school 0
 * moves every work at 8 or 9 up to 10. */
static void test_bunch_schools(void **state)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, 99);
	enum { NS = 80, PS = 60 };
	static uint32_t sc[NS * PS];
	static int16_t v[NS * PS];
	for (int s = 0; s < NS; s++)
		for (int i = 0; i < PS; i++) {
			int x = (int)gsl_ran_binomial(r, 0.5, 20);
			if (s == 0 && (x == 8 || x == 9))
				x = 10;
			sc[s * PS + i] = (uint32_t)s;
			v[s * PS + i] = (int16_t)x;
		}
	gsl_rng_free(r);
	struct stat_proc *p = mkproc(NS * PS, NS, 20, sc, v, NULL);
	scale(p, 6, 10, 14);
	struct stat_tab t;
	assert_int_equal(stat_tab_build(p, &t), 0);
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	struct stat_bunch_ref ref[3];
	struct stat_bunch_school o[NS];
	assert_int_equal(stat_sign_bunch(&t, &cfg, ref, o), 0);
	for (int i = 0; i < 3; i++) {
		assert_true(ref[i].ok);
		assert_int_equal(ref[i].lo, p->scale[i] - 2);
		assert_int_equal(ref[i].hi, p->scale[i] + 1);
	}
	/* At 10 the binomial shape gives P(10,11)/P(8..11) = .5455 (Python, math.comb); the
	 * counterfactual share is near it although school 0 moved its mass. */
	NEAR(ref[1].pi0, 0.5455, 0.05);
	/* The regional heap at 10 is about school 0's ~17 moved works. */
	assert_true(ref[1].est.excess > 0);
	assert_int_equal(o[0].status, STAT_FLAG);
	assert_int_equal(o[0].nused, 3);
	assert_true(o[0].t[1].a == o[0].t[1].m); /* nothing left at 8, 9 */
	int others = 0;
	for (int s = 1; s < NS; s++)
		others += o[s].status == STAT_FLAG;
	assert_true(others <= 1);
	/* The combined p is Fisher's over the three boundaries (windows 4..7, 8..11, 12..15
	 * are disjoint). */
	double ps[3] = {o[0].t[0].p_bb, o[0].t[1].p_bb, o[0].t[2].p_bb};
	NEAR(o[0].p, stat_fisher(ps, 3), 1e-15);
	/* Without a scale nothing is evaluable. */
	t.has_scale = false;
	stat_sign_bunch(&t, &cfg, ref, o);
	assert_int_equal(o[0].status, STAT_NOT_EVALUABLE);
	stat_tab_free(&t);
	stat_proc_free(p);
}

/* Twins within schools (no classes), and a class spanning two schools is refused. */
/* The pooled bunching statistic of the risk: 120 schools of 40 works, scores ~
 * Binomial(20, p) with p = .35, .5, .65 (weak, ordinary, strong schools, 40 each); school 0
 * (strong) raises every work 1-3 points below a boundary to it with probability .5. */
static void test_bunch_pooled(void **state)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, 7);
	enum { NS = 120, PS = 40 };
	static uint32_t sc[NS * PS];
	static int16_t v[NS * PS];
	const int bnd[3] = {6, 10, 14};
	for (int s = 0; s < NS; s++)
		for (int i = 0; i < PS; i++) {
			double pr = s % 3 == 0 ? 0.65 : s % 3 == 1 ? 0.35 : 0.5;
			int x = (int)gsl_ran_binomial(r, pr, 20);
			double u = gsl_rng_uniform(r);
			for (int k = 0; k < 3 && s == 0; k++)
				if (x >= bnd[k] - 3 && x < bnd[k] && u < 0.5)
					x = bnd[k];
			sc[s * PS + i] = (uint32_t)s;
			v[s * PS + i] = (int16_t)x;
		}
	gsl_rng_free(r);
	struct stat_proc *p = mkproc(NS * PS, NS, 20, sc, v, NULL);
	scale(p, 6, 10, 14);
	struct stat_tab t;
	assert_int_equal(stat_tab_build(p, &t), 0);
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	assert_int_equal(cfg.pool_below, 3);
	assert_int_equal(cfg.pool_above, 1);
	struct stat_bunch_ref ref[3];
	static struct stat_bunch_school o[NS];
	assert_int_equal(stat_sign_bunch(&t, &cfg, ref, o), 0);
	/* Recompute school 5 by hand from the regional counterfactual: tilt so that the
	 * curve's mean moves by the school's mean minus the region's, then windows 3..6,
	 * 7..10, 11..14 with the heap at 6, 10, 14. */
	double rh[21] = {0}, cf[21], f0 = 0, f1 = 0, r0 = 0, r1 = 0;
	uint64_t rh64[21];
	stat_tab_region_hist(&t, rh64);
	for (int x = 0; x <= 20; x++)
		rh[x] = (double)rh64[x];
	struct stat_bunch_est est[3];
	assert_int_equal(stat_bunch_excess(rh, 21, p->scale, 3, &cfg.bunch, est, cf, NULL), 0);
	for (int x = 0; x <= 20; x++) {
		double c = cf[x] > 1e-12 ? cf[x] : 1e-12;
		f0 += c;
		f1 += c * x;
		r0 += rh[x];
		r1 += rh[x] * x;
	}
	double vc = f1 / f0;
	uint32_t h[21];
	stat_tab_school_hist(&t, 5, h);
	double sm = 0;
	for (int x = 0; x <= 20; x++)
		sm += (double)h[x] * x;
	sm /= PS;
	const struct stat_bunch_school *b = &o[5];
	double g[21], g0 = 0, g1 = 0;
	for (int x = 0; x <= 20; x++) {
		g[x] = (cf[x] > 1e-12 ? cf[x] : 1e-12) * exp(b->tilt * (x - vc));
		g0 += g[x];
		g1 += g[x] * x;
	}
	NEAR(g1 / g0, vc + sm - r1 / r0, 1e-7); /* the tilt matches the school's mean */
	double obs = 0, ex = 0, var = 0, k3 = 0;
	uint32_t nw = 0;
	for (int k = 0; k < 3; k++) {
		double ga = g[bnd[k]], gm = 0;
		uint32_t m = 0;
		for (int x = bnd[k] - 3; x <= bnd[k]; x++) {
			gm += g[x];
			m += h[x];
		}
		double pi = ga / gm;
		obs += h[bnd[k]];
		ex += m * pi;
		var += m * pi * (1 - pi);
		k3 += m * pi * (1 - pi) * (1 - 2 * pi); /* the binomial third cumulant */
		nw += m;
	}
	assert_int_equal(b->nwin, nw);
	NEAR(b->obs, obs, 1e-12);
	NEAR(b->expct, ex, 1e-9);
	NEAR(b->var, var, 1e-9);
	NEAR(b->k3, k3, 1e-9);
	/* Strong schools tilt up, weak ones down. */
	assert_true(o[3].tilt > 0.1 && o[4].tilt < -0.1);
	/* School 0 stands out; the tilt keeps the strong and weak clean schools near 0: the
	 * mean z of each group is within 1, and smaller in size than without the tilt. */
	double z0 = (o[0].obs - o[0].expct) / sqrt(o[0].var);
	assert_true(z0 > 4);
	double zt[3] = {0}, zn[3] = {0};
	for (int s = 1; s < NS; s++)
		zt[s % 3] += (o[s].obs - o[s].expct) / sqrt(o[s].var) / (NS / 3);
	cfg.pool_tilt = false;
	static struct stat_bunch_school o2[NS];
	assert_int_equal(stat_sign_bunch(&t, &cfg, ref, o2), 0);
	for (int s = 1; s < NS; s++)
		zn[s % 3] += (o2[s].obs - o2[s].expct) / sqrt(o2[s].var) / (NS / 3);
	NEAR(o2[5].tilt, 0, 0);
	for (int k = 0; k < 2; k++) {
		assert_true(fabs(zt[k]) < 1);
		assert_true(fabs(zt[k]) < fabs(zn[k]));
	}
	/* Through the risk (bunching evidence only): school 0 is listed and first, at most
	 * two clean schools are. */
	struct stat_evidence *ev = NULL;
	size_t nev = 0;
	for (int s = 0; s < NS; s++) {
		ev = realloc(ev, (nev + 1) * sizeof *ev);
		ev[nev++] = (struct stat_evidence){(uint32_t)s, STAT_SIGN_BOUNDARY_BUNCHING, 0, o[s].p,
			STAT_POOL_ABSOLUTE, o[s].nwin, o[s].obs, o[s].expct, o[s].var, o[s].k3};
	}
	struct stat_risk_school rs[NS];
	assert_int_equal(stat_risk(ev, nev, NS, STAT_COMBINE_POOLED, 0.05, rs, NULL), 0);
	assert_true(rs[0].listed);
	assert_int_equal(rs[0].rank, 1);
	int clean = 0;
	for (int s = 1; s < NS; s++)
		clean += rs[s].listed;
	assert_true(clean <= 2);
	free(ev);
	stat_tab_free(&t);
	stat_proc_free(p);
}

/* The regional counterfactual curve cf[0..20] of a table of scores 0..20 (the fit of
 * stat_sign_bunch, floored at 1e-12) and its mean *vc, as the pooled statistic uses it. */
static void region_cf(const struct stat_tab *t, const struct stat_proc *p,
		      const struct stat_cfg *cfg, double *cf, double *vc)
{
	double rh[21], f0 = 0, f1 = 0;
	uint64_t rh64[21];
	stat_tab_region_hist(t, rh64);
	for (int x = 0; x <= 20; x++)
		rh[x] = (double)rh64[x];
	struct stat_bunch_est est[3];
	assert_int_equal(stat_bunch_excess(rh, 21, p->scale, 3, &cfg->bunch, est, cf, NULL), 0);
	for (int x = 0; x <= 20; x++) {
		cf[x] = cf[x] > 1e-12 ? cf[x] : 1e-12;
		f0 += cf[x];
		f1 += cf[x] * x;
	}
	*vc = f1 / f0;
}

/* The journal-weighted heap of the pooled bunching statistic: 120 schools of 40 works as
 * in test_bunch_pooled, each work with a journal mark that follows its score before any
 * pulling (the mark of the score on the scale 6/10/14; one work in five a mark up or down)
 * and school 0 pulling with probability .5: its pulled works sit on b with the marks of
 * the hole. */
static int mark_of(int x, double u)
{
	int j = x < 6 ? 2 : x < 10 ? 3 : x < 14 ? 4 : 5;
	if (u < 0.1 && j > 2)
		j--;
	else if (u > 0.9 && j < 5)
		j++;
	return j;
}

/* ns schools of ps works with scores ~ Binomial(20, .35 | .5 | .65) and journal marks that
 * follow the score before any pulling (mark_of); with culture, one school in four marks
 * leniently (a mark up with probability .6) and one in four strictly (a mark down). School
 * 0 pulls each work 1-3 points below 6, 10 or 14 to it with probability .5. v, jm receive
 * the scores and marks (ns * ps); the scale is 6/10/14. */
static struct stat_proc *marks_region(unsigned long seed, int ns, int ps, bool culture,
				      int16_t *v, int8_t *jm)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, seed);
	uint32_t *sc = malloc((size_t)ns * (size_t)ps * sizeof *sc);
	const int bnd[3] = {6, 10, 14};
	for (int s = 0; s < ns; s++)
		for (int i = 0; i < ps; i++) {
			double pr = s % 3 == 0 ? 0.65 : s % 3 == 1 ? 0.35 : 0.5;
			int x = (int)gsl_ran_binomial(r, pr, 20);
			int j = mark_of(x, gsl_rng_uniform(r));
			if (culture) {
				double uc = gsl_rng_uniform(r);
				if (s % 4 == 1 && uc < 0.6 && j < 5)
					j++;
				else if (s % 4 == 2 && uc < 0.6 && j > 2)
					j--;
			}
			jm[s * ps + i] = (int8_t)j;
			double u = gsl_rng_uniform(r);
			for (int k = 0; k < 3 && s == 0; k++)
				if (x >= bnd[k] - 3 && x < bnd[k] && u < 0.5)
					x = bnd[k];
			sc[s * ps + i] = (uint32_t)s;
			v[s * ps + i] = (int16_t)x;
		}
	gsl_rng_free(r);
	struct stat_proc *p = mkproc((size_t)ns * (size_t)ps, (size_t)ns, 20, sc, v, jm);
	free(sc);
	scale(p, 6, 10, 14);
	return p;
}

static void test_bunch_pooled_journal(void **state)
{
	enum { NS = 120, PS = 40 };
	static int16_t v[NS * PS];
	static int8_t jm[NS * PS];
	const int bnd[3] = {6, 10, 14};
	struct stat_proc *p = marks_region(11, NS, PS, false, v, jm);
	struct stat_tab t;
	assert_int_equal(stat_tab_build(p, &t), 0);
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	NEAR(cfg.pool_journal, 0.5, 0);
	NEAR(cfg.pool_culture, 1, 0);
	cfg.pool_culture = 0; /* the region's marks as they are (the culture: next test) */
	struct stat_bunch_ref ref[3];
	static struct stat_bunch_school o[NS], o0[NS];
	assert_int_equal(stat_sign_bunch(&t, &cfg, ref, o), 0);
	/* Recompute school 4 by hand: the tilted curve g as in test_bunch_pooled, then per
	 * window the journal shares of the hole (scores b-3..b-1, weighted by g) and of the
	 * heap (b), rho_j = (hole_j + .1) / (heap_j + .1) scaled to mean 1 over the heap,
	 * obs = (1 - pi) sum_j a_j rho_j + pi a, var = m pi (1 - pi) ((1 - pi) E rho^2 + pi). */
	double cf[21], vc, g[21];
	region_cf(&t, p, &cfg, cf, &vc);
	const struct stat_bunch_school *b = &o[4];
	for (int x = 0; x <= 20; x++)
		g[x] = cf[x] * exp(b->tilt * (x - vc));
	double obs = 0, ex = 0, var = 0, k3 = 0;
	for (int k = 0; k < 3; k++) {
		double hole[5] = {0}, heap[5] = {0}, gh = 0, gm = 0;
		for (int x = bnd[k] - 3; x <= bnd[k]; x++) {
			double n = 0;
			for (int j = 0; j < 5; j++)
				n += (double)t.region[(size_t)j * 21 + (size_t)x];
			gm += g[x];
			for (int j = 0; j < 5; j++) {
				double sh = g[x] * (double)t.region[(size_t)j * 21 + (size_t)x] / n;
				if (x < bnd[k])
					hole[j] += sh;
				else
					heap[j] += sh;
			}
			if (x < bnd[k])
				gh += g[x];
		}
		double rho[5], mean = 0, e2 = 0, e3 = 0, pi = g[bnd[k]] / gm, ar = 0;
		for (int j = 0; j < 5; j++) {
			hole[j] /= gh;
			heap[j] /= g[bnd[k]];
			rho[j] = (hole[j] + 0.1) / (heap[j] + 0.1);
			mean += heap[j] * rho[j];
		}
		for (int j = 0; j < 5; j++) {
			rho[j] /= mean;
			e2 += heap[j] * rho[j] * rho[j];
			e3 += heap[j] * rho[j] * rho[j] * rho[j];
		}
		uint32_t m = 0, a = 0;
		for (int i = 0; i < PS; i++) {
			int x = v[4 * PS + i];
			if (x < bnd[k] - 3 || x > bnd[k])
				continue;
			m++;
			if (x == bnd[k]) {
				a++;
				ar += rho[jm[4 * PS + i] - 1];
			}
		}
		obs += (1 - pi) * ar + pi * a;
		ex += m * pi;
		var += m * pi * (1 - pi) * ((1 - pi) * e2 + pi);
		/* Third cumulant: a work adds Y = (1 - pi) rho_j + pi with probability pi, so
		 * k3 = m (pi E Y^3 - 3 pi^2 E Y^2 + 2 pi^3), E Y^r over the heap's marks. */
		double ey2 = 0, ey3 = 0;
		for (int j = 0; j < 5; j++) {
			double y = (1 - pi) * rho[j] + pi;
			ey2 += heap[j] * y * y;
			ey3 += heap[j] * y * y * y;
		}
		k3 += m * (pi * ey3 - 3 * pi * pi * ey2 + 2 * pi * pi * pi);
	}
	NEAR(b->obs, obs, 1e-9);
	NEAR(b->expct, ex, 1e-9);
	NEAR(b->var, var, 1e-9);
	NEAR(b->k3, k3, 1e-9);
	/* The marks make the pulling school stand out more; without them (pool_journal < 0)
	 * the statistic is the plain heap count of test_bunch_pooled. Clean schools stay near
	 * 0 either way. */
	cfg.pool_journal = -1;
	assert_int_equal(stat_sign_bunch(&t, &cfg, ref, o0), 0);
	double zj = (o[0].obs - o[0].expct) / sqrt(o[0].var);
	double z0 = (o0[0].obs - o0[0].expct) / sqrt(o0[0].var);
	assert_true(zj > z0 + 2);
	double mz = 0;
	for (int s = 1; s < NS; s++)
		mz += (o[s].obs - o[s].expct) / sqrt(o[s].var) / (NS - 1);
	assert_true(fabs(mz) < 0.5);
	stat_tab_free(&t);
	stat_proc_free(p);
}

/* The school's grading culture in the journal ratio: the same region as above, but one
 * school in four marks leniently (a mark up with probability .6) and one in four strictly
 * (a mark down), and school 0 pulls. The culture is the penalised maximum-likelihood tilt
 * of the region's marks (checked: its score equations hold at the estimate, recomputed by
 * hand for school 5); the statistic is recomputed with the tilted shares; lenient and strict
 * clean schools stay nearer 0 than with the region's marks, and school 0 still stands out. */
static void test_bunch_pooled_culture(void **state)
{
	enum { NS = 160, PS = 40 };
	static int16_t v[NS * PS];
	static int8_t jm[NS * PS];
	const int bnd[3] = {6, 10, 14};
	struct stat_proc *p = marks_region(12, NS, PS, true, v, jm);
	struct stat_tab t;
	assert_int_equal(stat_tab_build(p, &t), 0);
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	struct stat_bunch_ref ref[3];
	static struct stat_bunch_school o[NS], o0[NS];
	assert_int_equal(stat_sign_bunch(&t, &cfg, ref, o), 0);
	/* Lenient schools get a positive lenience, strict ones a negative one. */
	double len[4] = {0};
	for (int s = 1; s < NS; s++)
		len[s % 4] += o[s].lenience / (NS / 4);
	assert_true(len[1] > 0.5 && len[2] < -0.5 && fabs(len[3]) < 0.3);
	/* School 5 (lenient) by hand: the region's shares of the marks at each score (slots
	 * 1..4 = marks 2..5), tilted by exp(c * mark + d * [mark == the score's mark]); at the
	 * estimate the score equations sum_v sum_j n_j(v) (x_j - E x) = c and
	 * sum_v (n_agree(v) - N(v) P(agree)) = d hold (prior SD 1), over the scores that are not
	 * a bound. */
	const struct stat_bunch_school *b = &o[5];
	double c = b->lenience, d = b->agreement, g1 = 0, g2 = 0;
	for (int x = 0; x <= 20; x++) {
		if (x == 6 || x == 10 || x == 14)
			continue;
		int mk = x < 6 ? 2 : x < 10 ? 3 : x < 14 ? 4 : 5;
		double q[4], tot = 0, ex = 0;
		for (int j = 0; j < 4; j++) {
			q[j] = (double)t.region[(size_t)(j + 1) * 21 + (size_t)x] *
			       exp(c * (j + 2) + (j + 2 == mk ? d : 0));
			tot += q[j];
		}
		if (!(tot > 0))
			continue;
		double nv = 0;
		for (int j = 0; j < 4; j++) {
			double n = (double)stat_tab_row(&t, 5, j + 1)[x];
			q[j] /= tot;
			ex += q[j] * (j + 2);
			nv += n;
			g1 += n * (j + 2);
		}
		g1 -= nv * ex;
		g2 += (double)stat_tab_row(&t, 5, mk - 1)[x] - nv * q[mk - 2];
	}
	NEAR(g1, c, 1e-6);
	NEAR(g2, d, 1e-6);
	/* Its statistic with the tilted shares (no work lacks a mark here). */
	double cf[21], vc, g[21], sh[21][5];
	region_cf(&t, p, &cfg, cf, &vc);
	for (int x = 0; x <= 20; x++) {
		g[x] = cf[x] * exp(b->tilt * (x - vc));
		int mk = x < 6 ? 2 : x < 10 ? 3 : x < 14 ? 4 : 5;
		double tot = 0;
		sh[x][0] = 0;
		for (int j = 1; j < 5; j++) {
			sh[x][j] = (double)t.region[(size_t)j * 21 + (size_t)x] *
				   exp(c * (j + 1) + (j + 1 == mk ? d : 0));
			tot += sh[x][j];
		}
		for (int j = 1; j < 5; j++)
			sh[x][j] = tot > 0 ? sh[x][j] / tot : 0;
	}
	double obs = 0, ex = 0, var = 0;
	for (int k = 0; k < 3; k++) {
		double hole[5] = {0}, gh = 0, gm = 0;
		for (int x = bnd[k] - 3; x <= bnd[k]; x++) {
			gm += g[x];
			if (x == bnd[k])
				continue;
			gh += g[x];
			for (int j = 0; j < 5; j++)
				hole[j] += g[x] * sh[x][j];
		}
		double rho[5], mean = 0, e2 = 0, pi = g[bnd[k]] / gm, ar = 0;
		for (int j = 0; j < 5; j++) {
			rho[j] = (hole[j] / gh + 0.1) / (sh[bnd[k]][j] + 0.1);
			mean += sh[bnd[k]][j] * rho[j];
		}
		for (int j = 0; j < 5; j++) {
			rho[j] /= mean;
			e2 += sh[bnd[k]][j] * rho[j] * rho[j];
		}
		uint32_t m = 0, a = 0;
		for (int i = 0; i < PS; i++) {
			int x = v[5 * PS + i];
			if (x < bnd[k] - 3 || x > bnd[k])
				continue;
			m++;
			if (x == bnd[k]) {
				a++;
				ar += rho[jm[5 * PS + i] - 1];
			}
		}
		obs += (1 - pi) * ar + pi * a;
		ex += m * pi;
		var += m * pi * (1 - pi) * ((1 - pi) * e2 + pi);
	}
	NEAR(b->obs, obs, 1e-9);
	NEAR(b->expct, ex, 1e-9);
	NEAR(b->var, var, 1e-9);
	/* Without the culture the lenient and strict schools drift from 0; with it they stay
	 * nearer, and school 0 still stands out. */
	cfg.pool_culture = 0;
	assert_int_equal(stat_sign_bunch(&t, &cfg, ref, o0), 0);
	double mz[4] = {0}, mz0[4] = {0};
	for (int s = 1; s < NS; s++) {
		mz[s % 4] += (o[s].obs - o[s].expct) / sqrt(o[s].var) / (NS / 4);
		mz0[s % 4] += (o0[s].obs - o0[s].expct) / sqrt(o0[s].var) / (NS / 4);
		NEAR(o0[s].lenience, 0, 0);
	}
	assert_true(fabs(mz[1]) + fabs(mz[2]) < 0.5 * (fabs(mz0[1]) + fabs(mz0[2])));
	assert_true(fabs(mz[1]) < 0.3 && fabs(mz[2]) < 0.3);
	assert_true((o[0].obs - o[0].expct) / sqrt(o[0].var) > 4);
	stat_tab_free(&t);
	stat_proc_free(p);
}

/* The regional sample's near pairs (identical or one position apart, in points, between
 * schools) against a count of every pair, on a sample large enough to be grouped in
 * several parts (stats/fit.c, key_groups: some 1,024 works a part): a part lost, a member
 * put in the wrong part or a group cut at a part's edge changes the count. Scores of 0/1
 * on 6 positions with a few empty cells (0 points, as 0), so that groups are large. */
static void test_twins_sample_brute(void **state)
{
	int pmax[] = {1, 1, 1, 2, 1, 1};
	enum { NS = 300, PS = 17, NP = 6, N = NS * PS };
	static uint32_t sc[N];
	static uint8_t cells[N * NP];
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, 11);
	for (int i = 0; i < N; i++) {
		sc[i] = (uint32_t)(i / PS);
		for (int k = 0; k < NP; k++) {
			double u = gsl_rng_uniform(r);
			cells[i * NP + k] = u < 0.03 ? STAT_POS_EMPTY
					    : (uint8_t)(u < 0.55 ? 0 : k == 3 && u > 0.8 ? 2 : 1);
		}
	}
	gsl_rng_free(r);
	struct stat_proc *p = mkpos(N, NS, NP, pmax, NULL, sc, cells);
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	cfg.twins_sample = N;
	struct stat_twins_region tr;
	static struct stat_twins_group g[NS];
	assert_int_equal(stat_twins(p, &cfg, &tr, NULL, g, NULL), 0);
	assert_int_equal(tr.nsample, (size_t)N);
	double pairs = 0, near = 0;
	for (int a = 0; a < N; a++)
		for (int b = a + 1; b < N; b++) {
			if (sc[a] == sc[b])
				continue;
			pairs++;
			int d = 0;
			for (int k = 0; k < NP; k++)
				d += stat_cell_points(cells[a * NP + k]) != stat_cell_points(cells[b * NP + k]);
			near += d <= 1;
		}
	assert_true(near > 1e5);
	assert_true(tr.sample_pairs == pairs);
	assert_true(tr.sample_near == near);
	stat_proc_free(p);
}

static void test_twins_by_school(void **state)
{
	int pmax[] = {1, 1, 1, 1, 1};
	enum { NS = 40, PS = 12 };
	static uint32_t sc[NS * PS];
	static uint8_t cells[NS * PS * 5];
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, 5);
	for (int s = 0; s < NS; s++)
		for (int i = 0; i < PS; i++) {
			sc[s * PS + i] = (uint32_t)s;
			for (int k = 0; k < 5; k++)
				cells[(s * PS + i) * 5 + k] = (uint8_t)(gsl_rng_uniform(r) < 0.5);
		}
	/* School 0: all twelve works identical to its first. */
	for (int i = 1; i < PS; i++)
		memcpy(cells + i * 5, cells, 5);
	gsl_rng_free(r);
	struct stat_proc *p = mkpos(NS * PS, NS, 5, pmax, NULL, sc, cells);
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	struct stat_twins_region tr;
	struct stat_twins_group g[NS];
	assert_int_equal(stat_twins(p, &cfg, &tr, NULL, g, NULL), 0);
	assert_int_equal(g[0].near, 66);
	assert_int_equal(g[0].pairs, 66);
	assert_int_equal(g[0].near, stat_near_pairs(p->pos, PS, 5, STAT_NEAR_BRUTE));
	assert_int_equal(g[0].status, STAT_FLAG);
	assert_int_equal(tr.nsample, (size_t)NS * PS);
	assert_true(tr.kappa >= 1 && tr.kappa < 1.5);
	/* With 5 binary positions near twins are common: the expectation is large for all. */
	assert_true(g[1].expct > 5);
	int others = 0;
	for (int s = 1; s < NS; s++)
		others += g[s].status == STAT_FLAG;
	assert_true(others <= 1);
	/* Classes: class 0 in schools 0 and 1 is an error. */
	stat_proc_free(p);
	struct stat_proc *q = stat_proc_new(5, STAT_COL_POS | STAT_COL_CLASS);
	q->max_score = 5;
	q->nschools = 2;
	q->nclasses = 1;
	for (int k = 0; k < 5; k++)
		q->pos_max[k] = 1;
	stat_proc_reserve(q, 2);
	for (int i = 0; i < 2; i++) {
		q->school[i] = (uint32_t)i;
		q->class_id[i] = 0;
		q->score[i] = 0;
		memset(q->pos + i * 5, 0, 5);
	}
	q->n = 2;
	struct stat_twins_group cl[1];
	assert_int_equal(stat_twins(q, &cfg, &tr, cl, g, NULL), ERR_INVALID);
	stat_proc_free(q);
}

/* The twins calibration by strength band: 100 schools of 20 works on 10 binary positions
 * (Rasch, school ability -1 .. 1 in index order). In the strongest fifth (schools 80-99)
 * pupils answer alike: each work copies the one before with probability .3 — as strong
 * pupils' errors fall on the same hard positions. Schools 10 (weak) and 95 (strong) copy
 * with probability .9. Compared with the region's typical school, the whole strongest fifth
 * would stand out; compared with its band, only school 95 does (and school 10 in its). */
static void test_twins_banded(void **state)
{
	int pmax[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
	enum { NS = 100, PS = 20, NP = 10 };
	static uint32_t sc[NS * PS];
	static uint8_t cells[NS * PS * NP];
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, 21);
	for (int s = 0; s < NS; s++) {
		double u = -1 + 2.0 * s / (NS - 1);
		double pc = s == 10 || s == 95 ? 0.9 : s >= 80 ? 0.3 : 0;
		for (int i = 0; i < PS; i++) {
			uint8_t *x = cells + (size_t)(s * PS + i) * NP;
			double th = u + gsl_ran_gaussian(r, 1);
			for (int k = 0; k < NP; k++)
				x[k] = (uint8_t)(gsl_rng_uniform(r) < 1 / (1 + exp(-(th - (k - 4.5) / 2))));
			if (i > 0 && gsl_rng_uniform(r) < pc)
				memcpy(x, x - NP, NP);
			sc[s * PS + i] = (uint32_t)s;
		}
	}
	gsl_rng_free(r);
	struct stat_proc *p = mkpos(NS * PS, NS, NP, pmax, NULL, sc, cells);
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	struct stat_twins_region tr;
	static struct stat_twins_group g[NS];
	assert_int_equal(stat_twins(p, &cfg, &tr, NULL, g, NULL), 0);
	assert_int_equal(g[95].status, STAT_FLAG);
	assert_int_equal(g[10].status, STAT_FLAG);
	int strong = 0, other = 0;
	for (int s = 0; s < NS; s++) {
		if (s == 10 || s == 95)
			continue;
		if (s >= 80)
			strong += g[s].status == STAT_FLAG;
		else
			other += g[s].status == STAT_FLAG;
	}
	assert_true(strong <= 1);
	assert_true(other <= 1);
	/* The strongest band's expectation carries its own, larger calibration: its schools'
	 * O/E sit around 1, where the region's typical O/E (kappa) would leave them near 2. */
	double oe = 0;
	for (int s = 80; s < NS; s++)
		if (s != 95)
			oe += (double)g[s].near / g[s].expct / 19;
	assert_true(oe > 0.8 && oe < 1.25);
	assert_true(tr.kappa < 1.3);
	stat_proc_free(p);
}

/* An honest region for the twins calibration, known by construction: ns schools of 1-3
 * classes of 8-25 pupils, npos positions with maxima pmax and no levels, points from a
 * logistic model (ability u_school + N(0, 1), position difficulties spread over -1.5..1.5,
 * categories 0.6 apart). Likeness within a school that is not copying: each school's two
 * variants (alternate pupils) shift every position's difficulty by N(0, vsd^2), and each
 * class leaves each position untaught (0 points for the whole class) with probability
 * pnt. copy[s] > 0: in school s's first class each pupil after the first copies the first
 * pupil's work (an ordinary one: ability 0) with that probability, then one position is
 * redrawn with probability .3. */
static struct stat_proc *twins_region(unsigned long seed, int ns, int npos, const int *pmax,
				      double vsd, double pnt, const double *copy)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, seed);
	struct stat_proc *p = stat_proc_new(npos, STAT_COL_CLASS | STAT_COL_POS);
	p->nschools = (size_t)ns;
	for (int k = 0; k < npos; k++) {
		p->pos_max[k] = pmax[k];
		p->max_score += pmax[k];
	}
	stat_proc_reserve(p, (size_t)ns * 75);
	for (int s = 0; s < ns; s++) {
		int ncl = 1 + s % 3;
		double u = gsl_ran_gaussian(r, 0.45), sh[2][64];
		for (int v = 0; v < 2; v++)
			for (int k = 0; k < npos; k++)
				sh[v][k] = vsd * gsl_ran_gaussian(r, 1);
		for (int c = 0; c < ncl; c++) {
			int m = 8 + (s * 7 + c * 5) % 18;
			bool nt[64];
			for (int k = 0; k < npos; k++)
				nt[k] = gsl_rng_uniform(r) < pnt;
			for (int i = 0; i < m; i++) {
				size_t w = p->n++;
				uint8_t *row = p->pos + w * (size_t)npos;
				double th = u + gsl_ran_gaussian(r, 1);
				if (copy && copy[s] > 0 && c == 0 && i == 0)
					th = 0;
				for (int k = 0; k < npos; k++) {
					double b = -1.5 + 3.0 * k / (npos - 1) + sh[i & 1][k];
					int x = 0;
					for (int j = 0; j < pmax[k]; j++)
						x += gsl_rng_uniform(r) <
						     1 / (1 + exp(-1.7 * (th - b - 0.6 * (j - (pmax[k] - 1) / 2.0))));
					row[k] = (uint8_t)(nt[k] ? 0 : x);
				}
				if (copy && copy[s] > 0 && c == 0 && i > 0 && gsl_rng_uniform(r) < copy[s]) {
					memcpy(row, row - (size_t)i * (size_t)npos, (size_t)npos);
					if (gsl_rng_uniform(r) < 0.3) {
						int k = (int)gsl_rng_uniform_int(r, (unsigned long)npos);
						row[k] = (uint8_t)gsl_rng_uniform_int(r, (unsigned long)pmax[k] + 1);
					}
				}
				int t = 0;
				for (int k = 0; k < npos; k++)
					t += row[k];
				p->score[w] = (int16_t)t;
				p->school[w] = (uint32_t)s;
				p->class_id[w] = (uint32_t)p->nclasses + (uint32_t)c;
			}
		}
		p->nclasses += (size_t)ncl;
	}
	gsl_rng_free(r);
	return p;
}

/* Counts of a twins run over twins_region(): clean schools flagged, planted ones flagged. */
static void twins_count(const struct stat_proc *p, const double *copy, struct stat_twins_region *tr,
			int *clean, int *found)
{
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	struct stat_twins_group *g = calloc(p->nschools, sizeof *g);
	struct stat_twins_group *cl = calloc(p->nclasses, sizeof *cl);
	assert_int_equal(stat_twins(p, &cfg, tr, cl, g, NULL), 0);
	*clean = *found = 0;
	for (size_t s = 0; s < p->nschools; s++) {
		if (copy && copy[s] > 0)
			*found += g[s].status == STAT_FLAG;
		else
			*clean += g[s].status == STAT_FLAG;
	}
	free(g);
	free(cl);
}

#define TW_NS 240

/* A procedure of 10 one-point positions and no levels (methodology-oko §6.3): two honest
 * pupils of similar strength agree on most positions by chance (two works with the same
 * score are near twins 5-10 % of the time across schools), and more so within a school,
 * whose variants and teaching are its own. Honest schools only: at most 2 % of the 240
 * schools flagged in each of five regions — under a true null BH at 5 % flags nobody with
 * probability 95 %; the 2 % leave room for the fitted, not known, spread of the schools'
 * likeness (measured: 0-2 schools; the calibration before issue 13, 7-16). Six schools
 * where one class copies an ordinary work (each pupil with probability .8): found in every
 * region at least 3 of 6 times and 20 of 30 in all (measured 23; with ten one-point
 * positions a whole class of identical works is only 2-4 times the expectation of a class
 * of that score), clean schools still at most 2 %. */
static void test_twins_one_point(void **state)
{
	static const int pmax[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
	double copy[TW_NS] = {0};
	for (int s = 0; s < 6; s++)
		copy[s * 40 + 3] = 0.8;
	int all = 0;
	for (unsigned long seed = 1; seed <= 5; seed++) {
		struct stat_twins_region tr;
		int clean, found;
		struct stat_proc *p = twins_region(seed, TW_NS, 10, pmax, 0.7, 0.05, NULL);
		twins_count(p, NULL, &tr, &clean, &found);
		assert_true(clean <= TW_NS / 50);
		/* Pupils of one school are more alike than strangers: the factor is fitted. */
		assert_true(tr.kappa > 1.3 && tr.tau2 > 0.05);
		stat_proc_free(p);
		p = twins_region(seed, TW_NS, 10, pmax, 0.7, 0.05, copy);
		twins_count(p, copy, &tr, &clean, &found);
		assert_true(clean <= TW_NS / 50);
		assert_true(found >= 3);
		all += found;
		stat_proc_free(p);
	}
	assert_true(all >= 20);
}

/* A work shaped like ВПР 2021 geography grade 8 as typed in: 23 positions, maximum 37,
 * mostly 1-2 points, no levels. Across schools near twins are so rare (a few in 10^5
 * pairs) that no school expects one pair from strangers, while within a school — own
 * variants (SD 1.5), a tenth of the topics untaught per class — they are hundreds of
 * times as frequent. The calibration before issue 13 fitted its factor only on schools
 * expecting a pair, kept 1 here and flagged 38-43 % of these honest schools (measured);
 * now the factor comes from every school (kappa > 50) and at most 2 % are flagged. Six
 * schools copying in one class: at least 5 of 6 found in every region (measured 5-6). */
static void test_twins_sparse(void **state)
{
	static const int pmax[23] = {1, 2, 1, 1, 2, 1, 1, 2, 1, 2, 1, 1,
				     2, 1, 2, 1, 1, 3, 1, 2, 3, 2, 3};
	double copy[TW_NS] = {0};
	for (int s = 0; s < 6; s++)
		copy[s * 40 + 3] = 0.8;
	for (unsigned long seed = 1; seed <= 5; seed++) {
		struct stat_twins_region tr;
		int clean, found;
		struct stat_proc *p = twins_region(seed, TW_NS, 23, pmax, 1.5, 0.1, NULL);
		assert_int_equal(p->max_score, 37);
		twins_count(p, NULL, &tr, &clean, &found);
		assert_true(clean <= TW_NS / 50);
		assert_true(tr.kappa > 50);
		assert_true(tr.sample_near / tr.sample_pairs < 2e-4);
		stat_proc_free(p);
		p = twins_region(seed, TW_NS, 23, pmax, 1.5, 0.1, copy);
		twins_count(p, copy, &tr, &clean, &found);
		assert_true(clean <= TW_NS / 50);
		assert_true(found >= 5);
		stat_proc_free(p);
	}
}

/* Known by construction: without variants or untaught topics pupils of one school are
 * exactly as alike as strangers of the same scores, so the fitted factor is 1 and the
 * heterogeneity 0 (up to noise), and (nearly) nobody is flagged. */
static void test_twins_no_likeness(void **state)
{
	static const int pmax[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
	for (unsigned long seed = 1; seed <= 3; seed++) {
		struct stat_twins_region tr;
		int clean, found;
		struct stat_proc *p = twins_region(seed, TW_NS, 10, pmax, 0, 0, NULL);
		twins_count(p, NULL, &tr, &clean, &found);
		assert_true(tr.kappa >= 1 && tr.kappa < 1.1);
		assert_true(tr.tau2 < 0.1);
		assert_true(clean <= 1);
		stat_proc_free(p);
	}
}

/* The calibration's factor searches started from the previous alternation's factors
 * (cfg.twins_guess, the default) decide every bisection step as the full searches do:
 * every school's and class's expectation, p-value, adjusted q and status and the region's
 * kappa and tau2 are the same to the bit, over regions whose heterogeneity settles at 0
 * (23 positions and no likeness: hardly a school expects a near pair, so the alternation
 * repeats itself) and above 0 (the factors move between alternations), planted copies
 * included. */
static void test_twins_guess(void **state)
{
	static const int pmax10[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
	static const int pmax23[23] = {1, 2, 1, 1, 2, 1, 1, 2, 1, 2, 1, 1,
				       2, 1, 2, 1, 1, 3, 1, 2, 3, 2, 3};
	double copy[TW_NS] = {0};
	for (int s = 0; s < 6; s++)
		copy[s * 40 + 3] = 0.8;
	int moved = 0, settled = 0;
	for (int v = 0; v < 9; v++) {
		unsigned long seed = 1 + (unsigned long)v / 3;
		struct stat_proc *p = v % 3 == 0 ? twins_region(seed, TW_NS, 10, pmax10, 0.7, 0.05, NULL)
				      : v % 3 == 1 ? twins_region(seed, TW_NS, 23, pmax23, 1.5, 0.1, copy)
						   : twins_region(seed, TW_NS, 23, pmax23, 0, 0, NULL);
		struct stat_twins_group *g[2], *cl[2];
		struct stat_twins_region tr[2];
		for (int k = 0; k < 2; k++) {
			struct stat_cfg cfg;
			stat_cfg_default(&cfg);
			cfg.twins_guess = k == 0;
			g[k] = calloc(p->nschools, sizeof *g[k]);
			cl[k] = calloc(p->nclasses, sizeof *cl[k]);
			assert_int_equal(stat_twins(p, &cfg, &tr[k], cl[k], g[k], NULL), 0);
		}
		assert_memory_equal(&tr[0].kappa, &tr[1].kappa, sizeof tr[0].kappa);
		assert_memory_equal(&tr[0].tau2, &tr[1].tau2, sizeof tr[0].tau2);
		for (int k = 0; k < 2; k++) {
			struct stat_twins_group *a = k ? cl[0] : g[0], *b = k ? cl[1] : g[1];
			size_t n = k ? p->nclasses : p->nschools;
			for (size_t i = 0; i < n; i++) {
				assert_memory_equal(&a[i].expct, &b[i].expct, sizeof a[i].expct);
				assert_memory_equal(&a[i].p, &b[i].p, sizeof a[i].p);
				assert_memory_equal(&a[i].q_adj, &b[i].q_adj, sizeof a[i].q_adj);
				assert_int_equal(a[i].status, b[i].status);
			}
		}
		moved += tr[0].tau2 > 0;
		settled += tr[0].tau2 == 0;
		for (int k = 0; k < 2; k++) {
			free(g[k]);
			free(cl[k]);
		}
		stat_proc_free(p);
	}
	assert_true(moved >= 3);
	assert_true(settled >= 1);
}

/* stat_proc_check_points: each work's points are its cells' sum (X and empty 0), by a
 * plain loop over the cells; the person fit and the twins given them give to the bit what
 * they give summing the rows themselves. A cell above its maximum is refused. */
static void test_check_points(void **state)
{
	static const int pmax23[23] = {1, 2, 1, 1, 2, 1, 1, 2, 1, 2, 1, 1,
				       2, 1, 2, 1, 1, 3, 1, 2, 3, 2, 3};
	double copy[TW_NS] = {0};
	for (int s = 0; s < 6; s++)
		copy[s * 40 + 3] = 0.8;
	struct stat_proc *p = twins_region(2, TW_NS, 23, pmax23, 1.5, 0.1, copy);
	size_t np = (size_t)p->npos;
	for (size_t i = 0; i < p->n; i += 7) /* some X and empty cells */
		p->pos[i * np + i % np] = i % 2 ? STAT_POS_X : STAT_POS_EMPTY;
	int32_t *pts = malloc(p->n * sizeof *pts);
	for (size_t i = 0; i < p->n; i++)
		pts[i] = -5;
	assert_int_equal(stat_proc_check_points(p, pts), 0);
	for (size_t i = 0; i < p->n; i++) {
		int t = 0;
		for (size_t k = 0; k < np; k++) {
			uint8_t c = p->pos[i * np + k];
			t += c == STAT_POS_X || c == STAT_POS_EMPTY ? 0 : c;
		}
		assert_int_equal(pts[i], t);
	}
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	struct stat_grouping g[2] = {{p->school, p->nschools}, {p->class_id, p->nclasses}};
	struct stat_zres *z[2][2];
	struct stat_fit_region f[2][2];
	double *lz[2];
	struct stat_twins_group *tg[2], *tc[2];
	struct stat_twins_region tr[2];
	for (int k = 0; k < 2; k++) {
		const int32_t *given = k ? pts : NULL;
		for (int j = 0; j < 2; j++)
			z[k][j] = calloc(g[j].n, sizeof *z[k][j]);
		lz[k] = calloc(p->n, sizeof *lz[k]);
		assert_int_equal(stat_personfit_multi(p, g, 2, &cfg,
						      (struct stat_fit_region *[]){&f[k][0], &f[k][1]},
						      z[k], lz[k], given), 0);
		tg[k] = calloc(p->nschools, sizeof *tg[k]);
		tc[k] = calloc(p->nclasses, sizeof *tc[k]);
		assert_int_equal(stat_twins(p, &cfg, &tr[k], tc[k], tg[k], given), 0);
	}
	for (int j = 0; j < 2; j++) {
		zres_equal(z[0][j], z[1][j], g[j].n);
		assert_int_equal(f[0][j].nworks, f[1][j].nworks);
		assert_memory_equal(&f[0][j].mean_lz, &f[1][j].mean_lz, sizeof(double));
		assert_memory_equal(&f[0][j].sd_lz, &f[1][j].sd_lz, sizeof(double));
	}
	assert_memory_equal(lz[0], lz[1], p->n * sizeof *lz[0]);
	assert_memory_equal(&tr[0], &tr[1], sizeof tr[0]);
	assert_memory_equal(tg[0], tg[1], p->nschools * sizeof *tg[0]);
	assert_memory_equal(tc[0], tc[1], p->nclasses * sizeof *tc[0]);
	for (int k = 0; k < 2; k++) {
		for (int j = 0; j < 2; j++)
			free(z[k][j]);
		free(lz[k]);
		free(tg[k]);
		free(tc[k]);
	}
	p->pos[5 * np + 17] = 4; /* position 17's maximum is 3 */
	assert_int_equal(stat_proc_check_points(p, pts), ERR_INVALID);
	free(pts);
	stat_proc_free(p);
}

static void test_objectivity_index(void **state)
{
	uint32_t nf[] = {0, 2, 0, 1, 0};
	bool cons[] = {true, true, true, true, false};
	struct stat_index x = stat_objectivity_index(nf, cons, 5);
	assert_int_equal(x.nconsidered, 4);
	assert_int_equal(x.nflagged, 2);
	NEAR(x.index, 50, 1e-12);
	x = stat_objectivity_index(nf, NULL, 5);
	NEAR(x.index, 60, 1e-12);
	x = stat_objectivity_index(nf, NULL, 0);
	assert_true(isnan(x.index));
}

/* The driver without positions or journal: the position-based and journal-based results
 * are absent or not evaluable, the rest works. */
static void test_analyze_minimal(void **state)
{
	uint32_t sc[] = {0, 0, 0, 1, 1, 1};
	int16_t v[] = {1, 2, 3, 4, 5, 6};
	struct stat_proc *p = mkproc(6, 3, 10, sc, v, NULL);
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	struct stat_analysis a;
	assert_int_equal(stat_analyze(p, &cfg, &a), 0);
	assert_null(a.hard);
	assert_null(a.twins);
	assert_int_equal(a.journal[0].status, STAT_NOT_EVALUABLE);
	assert_int_equal(a.gap[0].status, STAT_NOT_EVALUABLE);
	assert_int_equal(a.bunch[0].status, STAT_NOT_EVALUABLE); /* no scale */
	assert_int_equal(a.mean[0].status, STAT_OK);
	assert_int_equal(a.mean[2].status, STAT_NOT_EVALUABLE);
	struct stat_evidence *ev = NULL;
	size_t nev = 0, cap = 0;
	stat_evidence_add(&a, STAT_RISK_DEFAULT_MASK, 3, &ev, &nev, &cap);
	assert_int_equal(nev, 0);
	free(ev);
	stat_analysis_free(&a);
	p->score[0] = 11; /* above max_score */
	assert_int_equal(stat_analyze(p, &cfg, &a), ERR_INVALID);
	assert_null(a.mean);
	stat_proc_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proc_check),
		cmocka_unit_test(test_sign_mean_hand),
		cmocka_unit_test(test_sign_journal_hand),
		cmocka_unit_test(test_sign_cohort_hand),
		cmocka_unit_test(test_marks_gap_share2),
		cmocka_unit_test(test_peak_hand),
		cmocka_unit_test(test_jcond_hand),
		cmocka_unit_test(test_jcond_power),
		cmocka_unit_test(test_profile_hand),
		cmocka_unit_test(test_personfit_hand),
		cmocka_unit_test(test_near_pairs),
		cmocka_unit_test(test_multi_groupings),
		cmocka_unit_test(test_synthetic_region),
		cmocka_unit_test(test_bunch_schools),
		cmocka_unit_test(test_bunch_pooled),
		cmocka_unit_test(test_bunch_pooled_journal),
		cmocka_unit_test(test_bunch_pooled_culture),
		cmocka_unit_test(test_twins_sample_brute),
		cmocka_unit_test(test_twins_by_school),
		cmocka_unit_test(test_twins_banded),
		cmocka_unit_test(test_twins_one_point),
		cmocka_unit_test(test_twins_sparse),
		cmocka_unit_test(test_twins_no_likeness),
		cmocka_unit_test(test_twins_guess),
		cmocka_unit_test(test_check_points),
		cmocka_unit_test(test_objectivity_index),
		cmocka_unit_test(test_analyze_minimal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
