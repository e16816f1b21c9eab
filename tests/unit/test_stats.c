/* Unit tests of the pure statistics of src/stats: descriptive statistics, ranks and
 * Spearman, tail probabilities, BH, excess mass, per-school bunching tests, risk.
 *
 * Reference values were computed independently with Python's standard library (fractions,
 * math.comb, math.lgamma) by the formulas quoted next to each test; type-7 quantiles are
 * R's quantile() default. The signs and answer-pattern statistics are in
 * test_stats_signs.c. */
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
#include "stats/bunching.h"
#include "stats/desc.h"
#include "stats/rank.h"
#include "stats/risk.h"
#include "stats/signs.h"
#include "stats/tests.h"

#define NEAR(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))

/* ---- desc ---- */

static void test_mean_sd(void **state)
{
	/* {2,4,4,4,5,5,7,9}: mean 5, sum of squares 32, sample SD sqrt(32/7). */
	double x[] = {2, 4, 4, 4, 5, 5, 7, 9};
	NEAR(stat_mean(x, 8), 5, 1e-12);
	NEAR(stat_sd(x, 8), sqrt(32.0 / 7), 1e-12);
	assert_true(isnan(stat_mean(x, 0)));
	assert_true(isnan(stat_sd(x, 1)));
	/* Large offset: two passes keep the precision a one-pass formula would lose. */
	double y[] = {1e9 + 1, 1e9 + 2, 1e9 + 3};
	NEAR(stat_sd(y, 3), 1, 1e-9);
}

static void test_quantile7(void **state)
{
	/* R: quantile(1:10, c(.25,.5,.75)) = 3.25 5.5 7.75; IQR 4.5. */
	double x[10];
	for (int i = 0; i < 10; i++)
		x[i] = i + 1;
	NEAR(stat_quantile7(x, 10, 0.25), 3.25, 1e-12);
	NEAR(stat_quantile7(x, 10, 0.5), 5.5, 1e-12);
	NEAR(stat_quantile7(x, 10, 0.75), 7.75, 1e-12);
	NEAR(stat_iqr(x, 10), 4.5, 1e-12);
	/* Unsorted with ties: sorted 1 2 3 3 7 10, h = 5p.
	 * p=.25: h=1.25 -> 2 + .25*(3-2) = 2.25; p=.75: h=3.75 -> 3 + .75*(7-3) = 6;
	 * p=.1: h=.5 -> 1.5; p=0 -> 1; p=1 -> 10. */
	double y[] = {7, 1, 3, 3, 10, 2};
	NEAR(stat_quantile7(y, 6, 0.25), 2.25, 1e-12);
	NEAR(stat_quantile7(y, 6, 0.75), 6, 1e-12);
	NEAR(stat_quantile7(y, 6, 0.1), 1.5, 1e-12);
	NEAR(stat_quantile7(y, 6, 0), 1, 1e-12);
	NEAR(stat_quantile7(y, 6, 1), 10, 1e-12);
	NEAR(stat_iqr(y, 6), 3.75, 1e-12);
	assert_true(isnan(stat_quantile7(y, 0, 0.5)));
	double one = 4;
	NEAR(stat_quantile7(&one, 1, 0.3), 4, 0);
	/* The input is not reordered by the unsorted variant. */
	assert_true(y[0] == 7 && y[4] == 10);
	/* Histogram form of y: values 1,2,3,3,7,10. */
	uint64_t h[11] = {0};
	h[1] = 1, h[2] = 1, h[3] = 2, h[7] = 1, h[10] = 1;
	NEAR(stat_hist_quantile7(h, 11, 0.25), 2.25, 1e-12);
	NEAR(stat_hist_quantile7(h, 11, 0.75), 6, 1e-12);
	NEAR(stat_hist_quantile7(h, 11, 0.5), 3, 1e-12);
	double med[] = {5, 1, 4, 2};
	NEAR(stat_median_inplace(med, 4), 3, 1e-12);
}

static void test_hist_moments(void **state)
{
	/* Histogram of {2,4,4,4,5,5,7,9}. */
	uint32_t c[10] = {0, 0, 1, 0, 3, 2, 0, 1, 0, 1};
	struct stat_moments m = stat_hist_moments(c, 10);
	assert_int_equal(m.n, 8);
	NEAR(m.mean, 5, 1e-12);
	NEAR(m.sd, sqrt(32.0 / 7), 1e-12);
	uint64_t c64[10] = {0, 0, 1, 0, 3, 2, 0, 1, 0, 1};
	struct stat_moments m64 = stat_hist_moments64(c64, 10);
	NEAR(m64.sd, m.sd, 1e-15);
	uint32_t one[3] = {0, 1, 0};
	m = stat_hist_moments(one, 3);
	assert_int_equal(m.n, 1);
	NEAR(m.mean, 1, 0);
	assert_true(isnan(m.sd));
	double lo, hi;
	stat_mean_ci(5, 2, 16, 1.96, &lo, &hi);
	NEAR(lo, 5 - 1.96 * 0.5, 1e-12);
	NEAR(hi, 5 + 1.96 * 0.5, 1e-12);
	stat_mean_ci(5, NAN, 1, 1.96, &lo, &hi);
	assert_true(isnan(lo) && isnan(hi));
}

/* ---- rank ---- */

static void test_rank_avg(void **state)
{
	double x[] = {10, 20, 20, 30, 20}, r[5];
	stat_rank_avg(x, 5, r);
	double want[] = {1, 3, 3, 5, 3};
	for (int i = 0; i < 5; i++)
		NEAR(r[i], want[i], 0);
}

static void test_spearman_ties(void **state)
{
	/* Journal marks and scores of eight pupils. Average ranks (Python):
	 *   marks  [7.5, 5, 5, 2.5, 7.5, 1, 2.5, 5]
	 *   scores [7.5, 5, 6, 2, 7.5, 1, 4, 3]
	 * Pearson of these ranks = 0.9072699205202812 (tie-corrected rs);
	 * 1 - 6*sum d^2/(n(n^2-1)) with sum d^2 = 7.5 -> 0.9107142857142857. */
	double x[] = {5, 4, 4, 3, 5, 2, 3, 4}, y[] = {30, 25, 28, 18, 30, 10, 22, 20};
	NEAR(stat_spearman(x, y, 8), 0.9072699205202812, 1e-12);
	NEAR(stat_spearman_classic(x, y, 8), 0.9107142857142857, 1e-12);
	/* The same as a 4 x 31 table (marks 2..5 by score 0..30). */
	uint32_t tab[4 * 31] = {0};
	for (int i = 0; i < 8; i++)
		tab[((int)x[i] - 2) * 31 + (int)y[i]]++;
	double classic;
	NEAR(stat_spearman_table(tab, 4, 31, &classic), 0.9072699205202812, 1e-12);
	NEAR(classic, 0.9107142857142857, 1e-12);
	/* Perfect inverse relation: -1. */
	double a[] = {2, 3, 4, 5}, b[] = {30, 20, 10, 5};
	NEAR(stat_spearman(a, b, 4), -1, 1e-12);
	/* Without ties both formulas agree. */
	double u[] = {1, 2, 3, 4, 5}, v[] = {2, 1, 4, 3, 5};
	NEAR(stat_spearman(u, v, 5), stat_spearman_classic(u, v, 5), 1e-12);
	NEAR(stat_spearman(u, v, 5), 0.8, 1e-12); /* 1 - 6*4/120 */
}

static void test_spearman_not_evaluable(void **state)
{
	double c[] = {4, 4, 4}, y[] = {1, 2, 3};
	assert_true(isnan(stat_spearman(c, y, 3)));
	assert_true(isnan(stat_spearman(y, c, 3)));
	assert_true(isnan(stat_spearman_classic(c, y, 3)));
	assert_true(isnan(stat_spearman(y, y, 1)));
	assert_true(isnan(stat_pearson(c, y, 3)));
	uint32_t tab[4 * 3] = {0};
	tab[2 * 3 + 0] = 1, tab[2 * 3 + 1] = 1, tab[2 * 3 + 2] = 1; /* one mark only */
	assert_true(isnan(stat_spearman_table(tab, 4, 3, NULL)));
	memset(tab, 0, sizeof tab);
	assert_true(isnan(stat_spearman_table(tab, 4, 3, NULL)));
}

/* The table form must equal the array form on random data with heavy ties. */
static void test_spearman_table_random(void **state)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, 7);
	for (int rep = 0; rep < 200; rep++) {
		int n = 3 + (int)gsl_rng_uniform_int(r, 60), ny = 1 + (int)gsl_rng_uniform_int(r, 30);
		double x[64], y[64];
		uint32_t tab[4 * 31] = {0};
		for (int i = 0; i < n; i++) {
			x[i] = 2 + (double)gsl_rng_uniform_int(r, 4);
			y[i] = (double)gsl_rng_uniform_int(r, (unsigned long)ny);
			tab[((int)x[i] - 2) * ny + (int)y[i]]++;
		}
		double cl, a = stat_spearman(x, y, (size_t)n), b = stat_spearman_table(tab, 4, (size_t)ny, &cl);
		if (isnan(a))
			assert_true(isnan(b));
		else {
			NEAR(a, b, 1e-10);
			NEAR(cl, stat_spearman_classic(x, y, (size_t)n), 1e-10);
		}
	}
	gsl_rng_free(r);
}

/* ---- tests ---- */

static void test_binomial_tails(void **state)
{
	/* sum_{i>=3} C(10,i) .2^i .8^(10-i) = 0.3222004736 (exact). */
	NEAR(stat_binom_upper(3, 10, 0.2), 0.32220047360000015, 1e-12);
	NEAR(stat_binom_lower(2, 10, 0.2), 0.6777995263999999, 1e-12);
	NEAR(stat_binom_upper(15, 20, 0.4), 0.001611524643456288, 1e-14);
	NEAR(stat_binom_upper(0, 10, 0.2), 1, 0);
	NEAR(stat_binom_upper(11, 10, 0.2), 0, 0);
	NEAR(stat_binom_upper(10, 10, 0.5), pow(0.5, 10), 1e-15);
	NEAR(stat_binom_lower(10, 10, 0.3), 1, 0);
	/* Against an exact sum for many (k, n, p). */
	for (unsigned n = 1; n <= 30; n += 7)
		for (unsigned k = 0; k <= n; k++) {
			double p = 0.37, s = 0;
			for (unsigned i = k; i <= n; i++)
				s += exp(lgamma(n + 1.0) - lgamma(i + 1.0) - lgamma(n - i + 1.0)) *
				     pow(p, i) * pow(1 - p, n - i);
			NEAR(stat_binom_upper(k, n, p), s, 1e-12);
		}
}

static void test_betabinomial(void **state)
{
	/* sum_{i>=7} C(10,i) B(i+2, 10-i+3)/B(2,3) = 0.17482517482517418 (Python). */
	NEAR(stat_betabinom_upper(7, 10, 2, 3), 0.17482517482517418, 1e-12);
	NEAR(stat_betabinom_upper(40, 50, 1.5, 4.5), 0.00372982694384583, 1e-13);
	/* a = b = 1: uniform on 0..n, P(X >= k) = (n-k+1)/(n+1). */
	for (unsigned k = 0; k <= 12; k++)
		NEAR(stat_betabinom_upper(k, 12, 1, 1), (12.0 - k + 1) / 13, 1e-12);
	/* rho -> 0 is the binomial; pi/rho parametrisation: a = pi(1-rho)/rho. */
	NEAR(stat_betabinom_upper_rho(3, 10, 0.2, 0), stat_binom_upper(3, 10, 0.2), 1e-15);
	NEAR(stat_betabinom_upper_rho(3, 10, 0.2, 1e-7), stat_binom_upper(3, 10, 0.2), 1e-5);
	NEAR(stat_betabinom_upper_rho(7, 10, 0.4, 1.0 / 6), 0.17482517482517418, 1e-12);
	/* Overdispersion fattens the upper tail. */
	assert_true(stat_betabinom_upper_rho(15, 20, 0.4, 0.1) > stat_binom_upper(15, 20, 0.4));
}

static void test_poisson_nbinom_normal(void **state)
{
	NEAR(stat_poisson_upper(2, 1), 1 - 2 / M_E, 1e-14);
	NEAR(stat_poisson_upper(0, 0), 1, 0);
	NEAR(stat_poisson_upper(1, 0), 0, 0);
	/* NB with mean 2, variance 4: GSL NB(p = .5, n = 2): P(0) = .25, P(1) = .25. */
	NEAR(stat_nbinom_upper(2, 2, 2), 0.5, 1e-12);
	NEAR(stat_nbinom_upper(3, 1.5, 1), stat_poisson_upper(3, 1.5), 1e-15);
	NEAR(stat_norm_quantile(0.975), 1.959963984540054, 1e-9);
	NEAR(stat_norm_upper(1.959963984540054), 0.025, 1e-12);
	NEAR(stat_norm_lower(0), 0.5, 1e-15);
	assert_true(isinf(stat_norm_quantile(0)) && stat_norm_quantile(0) < 0);
	/* Pearson III: skewness 2 is a shifted exponential, P(G - 1 >= x) = e^-(x+1); skewness 1
	 * is Gamma(4) standardised, P(Y >= 1) = P(G >= 6) = e^-6 (1 + 6 + 18 + 36); below the
	 * lower end -2/g the tail is 1; no skewness is the normal. */
	NEAR(stat_pearson3_upper(0, 2), exp(-1), 1e-12);
	NEAR(stat_pearson3_upper(2, 2), exp(-3), 1e-12);
	NEAR(stat_pearson3_upper(1, 1), 61 * exp(-6), 1e-12);
	NEAR(stat_pearson3_upper(-1.5, 2), 1, 0);
	NEAR(stat_pearson3_upper(1.7, 0), stat_norm_upper(1.7), 0);
	NEAR(stat_pearson3_upper(1.7, 1e-3), stat_norm_upper(1.7), 1e-3);
	/* Skewed sums have heavier upper tails. */
	assert_true(stat_pearson3_upper(3, 0.5) > stat_norm_upper(3));
}

static void test_combinations(void **state)
{
	/* Fisher: X = -2(ln .01 + ln .2) = 12.4292; chi2_4 upper tail e^{-X/2}(1 + X/2). */
	double p[] = {0.01, 0.2};
	NEAR(stat_fisher(p, 2), 0.014429216196844386, 1e-12);
	double pn[] = {0.01, NAN, 0.2};
	NEAR(stat_fisher(pn, 3), 0.014429216196844386, 1e-12);
	NEAR(stat_fisher(pn + 1, 1), 1, 0);
	double one[] = {0.3};
	NEAR(stat_fisher(one, 1), 0.3, 1e-12); /* chi2_2 tail of -2 ln p is p */
	double zero[] = {0, 0.5};
	assert_true(stat_fisher(zero, 2) < 1e-300);
	long at;
	NEAR(stat_bonferroni_min(pn, 3, &at), 0.02, 1e-15);
	assert_int_equal(at, 0);
	double big[] = {0.6, 0.9};
	NEAR(stat_bonferroni_min(big, 2, NULL), 1, 0);
}

static void test_bh_textbook(void **state)
{
	/* Benjamini & Hochberg (1995), section 4: 15 p-values; at q = .05 the first four are
	 * rejected. Adjusted values = R p.adjust(p, "BH"). */
	double p[] = {0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
		      0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000};
	double want[] = {0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.0638571429, 0.0638571429,
			 0.0645, 0.0765, 0.486, 0.5811818182, 0.714875, 0.7532307692,
			 0.8132142857, 1};
	double adj[15];
	stat_bh_adjust(p, 15, adj);
	for (int i = 0; i < 15; i++)
		NEAR(adj[i], want[i], 1e-9);
	bool rej[15];
	assert_int_equal(stat_bh_reject(p, 15, 0.05, rej), 4);
	for (int i = 0; i < 15; i++)
		assert_true(rej[i] == (i < 4));
	/* Order does not matter; NaN is "not tested" and does not count in m. */
	double q[] = {1.000, NAN, 0.0019, 0.0001, 0.7590, 0.0004, 0.0095, 0.0201, 0.0278,
		      0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719, 0.6528};
	double qa[16];
	stat_bh_adjust(q, 16, qa);
	assert_true(isnan(qa[1]));
	NEAR(qa[3], 0.0015, 1e-12);
	NEAR(qa[6], 0.035625, 1e-12);
	NEAR(qa[0], 1, 1e-12);
	/* In place. */
	double r[] = {0.04, 0.01};
	stat_bh_adjust(r, 2, r);
	NEAR(r[0], 0.04, 1e-15);
	NEAR(r[1], 0.02, 1e-15);
}

/* The radix sort orders doubles numerically (negatives, zeros, tiny and huge values) and
 * keeps equal keys in input order: the same permutation as a comparison sort on
 * (value, index). */
struct vi {
	double v;
	uint32_t i;
};

static int cmp_vi(const void *a, const void *b)
{
	const struct vi *x = a, *y = b;
	if (x->v != y->v)
		return (x->v > y->v) - (x->v < y->v);
	return (x->i > y->i) - (x->i < y->i);
}

static void test_sort_u64(void **state)
{
	enum { N = 5000 };
	static uint64_t key[N], tk[N];
	static uint32_t val[N], tv[N];
	static struct vi ref[N];
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, 5);
	for (int rep = 0; rep < 6; rep++) {
		size_t n = rep == 0 ? 0 : rep == 1 ? 1 : N;
		for (size_t i = 0; i < n; i++) {
			double v;
			switch (gsl_rng_uniform_int(r, 4)) {
			case 0: v = (double)gsl_rng_uniform_int(r, 7) / 4; break; /* many ties */
			case 1: v = -gsl_rng_uniform(r) * pow(10, (double)gsl_rng_uniform_int(r, 40) - 20); break;
			case 2: v = gsl_rng_uniform(r) * pow(10, (double)gsl_rng_uniform_int(r, 600) - 300); break;
			default: v = rep == 5 ? 0.0 : gsl_rng_uniform(r); break;
			}
			key[i] = stat_sort_key_double(v);
			val[i] = (uint32_t)i;
			ref[i] = (struct vi){v, (uint32_t)i};
		}
		stat_sort_u64(key, val, tk, tv, n);
		qsort(ref, n, sizeof *ref, cmp_vi);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(val[i], ref[i].i);
	}
	assert_true(stat_sort_key_double(-1.0) < stat_sort_key_double(-0.5));
	assert_true(stat_sort_key_double(-0.5) < stat_sort_key_double(0.0));
	assert_true(stat_sort_key_double(0.0) < stat_sort_key_double(5e-324));
	assert_true(stat_sort_key_double(1.0) < stat_sort_key_double(INFINITY));
	gsl_rng_free(r);
}

static void test_empirical_null(void **state)
{
	/* 31 values -15..15 scaled by .5: median 0, MAD = 4 -> 1.4826*4 = 5.93. */
	double z[31];
	for (int i = 0; i < 31; i++)
		z[i] = (i - 15) * 1.0;
	double c, s;
	stat_empirical_null(z, 31, 30, &c, &s);
	NEAR(c, 0, 1e-12);
	NEAR(s, 1.4826 * 8, 1e-9);
	/* A narrow spread never makes the null narrower than N(0,1). */
	for (int i = 0; i < 31; i++)
		z[i] = 0.5 + (i - 15) * 0.01;
	stat_empirical_null(z, 31, 30, &c, &s);
	NEAR(c, 0.5, 1e-12);
	NEAR(s, 1, 0);
	/* Too few values: theoretical null. */
	stat_empirical_null(z, 10, 30, &c, &s);
	NEAR(c, 0, 0);
	NEAR(s, 1, 0);
}

static void test_overdispersion(void **state)
{
	/* Groups (a, m): (2,10) (8,10) (5,10) (5,10): pi = .5, sum (a - m pi)^2 = 18,
	 * chi = 18/.25 = 72, sum m = 40, sum m(m-1) = 360 -> rho = 32/360. */
	uint64_t a[] = {2, 8, 5, 5}, m[] = {10, 10, 10, 10};
	NEAR(stat_overdispersion_rho(a, m, 4, 0.5), 32.0 / 360, 1e-12);
	/* Under-dispersed data clip to 0; the cap applies. */
	uint64_t a2[] = {5, 5, 5, 5};
	NEAR(stat_overdispersion_rho(a2, m, 4, 0.5), 0, 0);
	uint64_t a3[] = {0, 10, 0, 10};
	NEAR(stat_overdispersion_rho(a3, m, 4, 0.5), 0.5, 0);
	/* Groups of one carry no information. */
	uint64_t a4[] = {1}, m4[] = {1};
	NEAR(stat_overdispersion_rho(a4, m4, 1, 0.5), 0, 0);
}

/* ---- bunching ---- */

/* Smooth quadratic histogram on 0..40 with a deterministic wiggle, optionally with mass
 * moved from b-2, b-1 to b, b+1. */
static void bump_hist(double *c, int b, double moved)
{
	for (int v = 0; v <= 40; v++)
		c[v] = 2000 - 3.0 * (v - 20) * (v - 20) + 15 * sin(1.7 * v);
	if (b > 0) {
		c[b] += 0.7 * moved;
		c[b + 1] += 0.3 * moved;
		c[b - 1] -= 0.6 * moved;
		c[b - 2] -= 0.4 * moved;
	}
}

/* A known bump of 500 moved from b-2, b-1 to b, b+1 on the wiggly quadratic, window
 * b-2..b+1, under both counterfactual models. */
static void test_excess_mass_known_bump(void **state)
{
	double c[41], cf[41];
	bump_hist(c, 14, 500);
	for (int link = 0; link < 2; link++) {
		struct stat_bunch_opts o;
		stat_bunch_opts_default(&o);
		o.above = 2;
		o.link = (enum stat_link)link;
		int b = 14, deg;
		struct stat_bunch_est e;
		assert_int_equal(stat_bunch_excess(c, 41, &b, 1, &o, &e, cf, &deg), 0);
		assert_int_equal(deg, 4);
		assert_true(e.ok);
		assert_int_equal(e.lo, 12);
		assert_int_equal(e.hi, 15);
		/* The wiggle (amplitude 15) is the only error: B and M within 40 of 500. */
		NEAR(e.excess, 500, 40);
		NEAR(e.missing, 500, 40);
		assert_true(e.excess_lo <= 500 && 500 <= e.excess_hi);
		assert_true(e.missing_lo <= 500 && 500 <= e.missing_hi);
		assert_true(e.excess_lo < e.excess && e.excess < e.excess_hi);
		/* The counterfactual of the window is the smooth curve (2000 - 3(v-20)^2). */
		double smooth_above = 2000 - 3.0 * 36 + 2000 - 3.0 * 25;
		NEAR(e.cf_above, smooth_above, 40);
		NEAR(cf[14] + cf[15], e.cf_above, 1e-6);
		NEAR(e.pi_cf, e.cf_above / (e.cf_above + e.cf_below), 1e-12);
		NEAR(e.obs_above, c[14] + c[15], 1e-9);
		NEAR(e.excess_share, e.excess / e.cf_above, 1e-12);
		/* The multinomial bootstrap of pupils also covers the truth. */
		o.boot = STAT_BOOT_MULTINOMIAL;
		struct stat_bunch_est m;
		assert_int_equal(stat_bunch_excess(c, 41, &b, 1, &o, &m, NULL, NULL), 0);
		NEAR(m.excess, e.excess, 1e-9);
		assert_true(m.excess_lo <= 500 && 500 <= m.excess_hi);
		/* Deterministic: the same seed gives the same interval. */
		struct stat_bunch_est m2;
		stat_bunch_excess(c, 41, &b, 1, &o, &m2, NULL, NULL);
		NEAR(m2.excess_lo, m.excess_lo, 0);
		NEAR(m2.excess_hi, m.excess_hi, 0);
	}
}

/* Log link on a Gaussian-shaped histogram (log counts exactly quadratic) with dense
 * boundaries 6/10/14 of 20, where the windows hide the bell: degree 2 recovers the moved
 * mass exactly; the identity link cannot. */
static void test_excess_mass_log_link(void **state)
{
	double c[21], cf[21];
	for (int v = 0; v <= 20; v++)
		c[v] = 1000 * exp(-(v - 10.0) * (v - 10.0) / 8);
	c[9] -= 60, c[8] -= 40, c[10] += 100; /* 100 works pulled to 10 */
	int bs[3] = {6, 10, 14};
	struct stat_bunch_opts o;
	stat_bunch_opts_default(&o);
	o.degree = 2;
	o.nboot = 200;
	struct stat_bunch_est e[3];
	assert_int_equal(stat_bunch_excess(c, 21, bs, 3, &o, e, cf, NULL), 0);
	NEAR(e[1].excess, 100, 1e-6);
	NEAR(e[1].missing, 100, 1e-6);
	NEAR(e[0].excess, 0, 1e-6);
	NEAR(e[2].missing, 0, 1e-6);
	NEAR(cf[10], 1000, 1e-6);
	/* No noise: every residual replicate reproduces the point estimate. */
	NEAR(e[1].excess_lo, 100, 1e-6);
	NEAR(e[1].excess_hi, 100, 1e-6);
	o.link = STAT_LINK_IDENTITY;
	assert_int_equal(stat_bunch_excess(c, 21, bs, 3, &o, e, cf, NULL), 0);
	assert_true(fabs(e[1].excess - 100) > 100);
}

/* The delta-method interval (STAT_BOOT_DELTA, used for municipalities): 400 Poisson
 * histograms around a log-quadratic curve with 60 works moved from 12, 13 to 14: the point
 * estimate is the bootstrap's, the interval is about as wide as the residual bootstrap's,
 * and the 95 % interval covers the true excess 60 in 90-99 % of the histograms. */
static void test_excess_mass_delta(void **state)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, 7);
	int b = 14, cover = 0, n = 400;
	double wd = 0, wb = 0;
	for (int k = 0; k < n; k++) {
		double c[41];
		for (int v = 0; v <= 40; v++) {
			double mu = 400 * exp(-(v - 20.0) * (v - 20.0) / 80);
			mu += v == 14 ? 60 : v == 13 ? -36 : v == 12 ? -24 : 0;
			c[v] = gsl_ran_poisson(r, mu);
		}
		struct stat_bunch_opts o;
		stat_bunch_opts_default(&o);
		o.boot = STAT_BOOT_DELTA;
		struct stat_bunch_est e, eb;
		assert_int_equal(stat_bunch_excess(c, 41, &b, 1, &o, &e, NULL, NULL), 0);
		assert_true(e.excess_lo < e.excess && e.excess < e.excess_hi);
		NEAR(e.excess - e.excess_lo, e.excess_hi - e.excess, 1e-9);
		cover += e.excess_lo <= 60 && 60 <= e.excess_hi;
		wd += e.excess_hi - e.excess_lo;
		if (k < 20) {
			o.boot = STAT_BOOT_RESIDUAL;
			o.nboot = 300;
			assert_int_equal(stat_bunch_excess(c, 41, &b, 1, &o, &eb, NULL, NULL), 0);
			NEAR(eb.excess, e.excess, 1e-9);
			wb += (eb.excess_hi - eb.excess_lo) / 20;
		}
	}
	wd /= n;
	assert_true(cover >= 0.90 * n && cover <= 0.99 * n);
	assert_true(wd > 0.6 * wb && wd < 1.6 * wb);
	gsl_rng_free(r);
}

/* The excess mass of a small histogram against a reference curve (municipalities):
 * counts that are exactly the reference moved and narrowed (a degree-2 tilt) with 30 works
 * moved from 12, 13 to 14 give B = M = 30 exactly; under Poisson noise (300 histograms of
 * ~2,000 works) the 95 % interval covers 30 in 90-99 % of them; too few bins refuse. */
static void test_excess_mass_ref(void **state)
{
	double ref[41], c[41];
	int b = 14;
	for (int v = 0; v <= 40; v++) {
		double u = (v - 20.0) / 20.0;
		ref[v] = 1000 * exp(-(v - 20.0) * (v - 20.0) / 80);
		c[v] = 0.1 * ref[v] * exp(0.3 * u - 0.2 * u * u);
	}
	c[14] += 30, c[13] -= 18, c[12] -= 12;
	struct stat_bunch_opts o;
	stat_bunch_opts_default(&o);
	struct stat_bunch_est e;
	assert_int_equal(stat_bunch_excess_ref(c, ref, 41, &b, 1, 2, &o, &e), 0);
	assert_true(e.ok);
	assert_int_equal(e.lo, 12);
	assert_int_equal(e.hi, 14);
	NEAR(e.excess, 30, 1e-6);
	NEAR(e.missing, 30, 1e-6);
	assert_true(e.excess_lo < 30 && 30 < e.excess_hi);
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, 3);
	int cover = 0, n = 300;
	for (int k = 0; k < n; k++) {
		double y[41];
		for (int v = 0; v <= 40; v++) {
			double u = (v - 20.0) / 20.0, mu = 0.1 * ref[v] * exp(0.3 * u - 0.2 * u * u);
			mu += v == 14 ? 30 : v == 13 ? -18 : v == 12 ? -12 : 0;
			y[v] = gsl_ran_poisson(r, mu);
		}
		assert_int_equal(stat_bunch_excess_ref(y, ref, 41, &b, 1, 2, &o, &e), 0);
		cover += e.excess_lo <= 30 && 30 <= e.excess_hi;
	}
	assert_true(cover >= 0.90 * n && cover <= 0.99 * n);
	gsl_rng_free(r);
	/* Windows everywhere: no bins left to fit. */
	int bs[3] = {2, 5, 8};
	double small[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	struct stat_bunch_est es[3];
	assert_int_equal(stat_bunch_excess_ref(small, small, 10, bs, 3, 2, &o, es), ERR_INVALID);
	assert_false(es[0].ok || es[1].ok || es[2].ok);
	/* More bins than it takes: refused, nothing written past its tables. */
	static double big[STAT_BUNCH_MAX_BINS + 44];
	for (int v = 0; v < STAT_BUNCH_MAX_BINS + 44; v++)
		big[v] = 100;
	int bb = STAT_BUNCH_MAX_BINS + 20;
	assert_int_equal(stat_bunch_excess_ref(big, big, STAT_BUNCH_MAX_BINS + 44, &bb, 1, 2, &o, es),
			 ERR_INVALID);
	assert_false(es[0].ok);
}

static void test_excess_mass_no_bump(void **state)
{
	double c[41];
	bump_hist(c, 0, 0);
	struct stat_bunch_opts o;
	stat_bunch_opts_default(&o);
	int bs[3] = {14, 24, 33};
	struct stat_bunch_est e[3];
	assert_int_equal(stat_bunch_excess(c, 41, bs, 3, &o, e, NULL, NULL), 0);
	for (int i = 0; i < 3; i++) {
		assert_true(e[i].ok);
		NEAR(e[i].excess, 0, 40);
		assert_true(e[i].excess_lo <= 0 && 0 <= e[i].excess_hi);
	}
}

/* An independent least-squares fit (normal equations, Gauss-Jordan) gives the same
 * counterfactual as the GSL-based one: checks the design matrix and the window weights. */
static void test_excess_mass_against_normal_equations(void **state)
{
	double c[21];
	for (int v = 0; v <= 20; v++)
		c[v] = 50 + 30 * v - 1.2 * v * v + 7 * cos(v);
	c[6] += 80, c[7] += 40, c[4] -= 30, c[5] -= 20; /* MA-like boundaries 6/10/14 */
	int bs[3] = {6, 10, 14};
	struct stat_bunch_opts o;
	stat_bunch_opts_default(&o);
	o.nboot = 0;
	o.degree = 2;
	o.link = STAT_LINK_IDENTITY;
	o.above = 2;
	struct stat_bunch_est e[3];
	double cf[21];
	int deg;
	assert_int_equal(stat_bunch_excess(c, 21, bs, 3, &o, e, cf, &deg), 0);
	assert_int_equal(deg, 2);
	assert_true(isnan(e[0].excess_lo));
	/* Fit bins: 0..3 and 16..20 (windows 4..7, 8..11, 12..15 excluded). */
	double A[3][4] = {{0}};
	for (int v = 0; v <= 20; v++) {
		if (v >= 4 && v <= 15)
			continue;
		double x[3] = {1, v, (double)v * v};
		for (int i = 0; i < 3; i++) {
			for (int j = 0; j < 3; j++)
				A[i][j] += x[i] * x[j];
			A[i][3] += x[i] * c[v];
		}
	}
	for (int i = 0; i < 3; i++) {
		double piv = A[i][i];
		for (int j = 0; j < 4; j++)
			A[i][j] /= piv;
		for (int r = 0; r < 3; r++)
			if (r != i) {
				double f = A[r][i];
				for (int j = 0; j < 4; j++)
					A[r][j] -= f * A[i][j];
			}
	}
	for (int v = 0; v <= 20; v++)
		NEAR(cf[v], A[0][3] + A[1][3] * v + A[2][3] * v * v, 1e-6);
	NEAR(e[0].cf_above, cf[6] + cf[7], 1e-6);
	NEAR(e[0].cf_below, cf[4] + cf[5], 1e-6);
	NEAR(e[0].excess, c[6] + c[7] - cf[6] - cf[7], 1e-6);
	/* With the degree left at 4, 9 fit bins allow it (>= degree + 3). */
	o.degree = 4;
	assert_int_equal(stat_bunch_excess(c, 21, bs, 3, &o, e, cf, &deg), 0);
	assert_int_equal(deg, 4);
}

static void test_excess_mass_edges(void **state)
{
	double c[10] = {5, 6, 7, 8, 9, 9, 8, 7, 6, 5};
	struct stat_bunch_opts o;
	stat_bunch_opts_default(&o);
	o.nboot = 0;
	o.above = 2;
	int bs[2] = {1, 9}; /* windows 0..1 would need -1; 8..10 runs past the end */
	struct stat_bunch_est e[2];
	assert_int_equal(stat_bunch_excess(c, 10, bs, 2, &o, e, NULL, NULL), 0);
	assert_false(e[0].ok);
	assert_false(e[1].ok);
	/* Too few bins left to fit: ERR_INVALID and nothing ok. */
	int b3[2] = {3, 7};
	double d[9] = {1, 2, 3, 4, 5, 4, 3, 2, 1};
	assert_int_equal(stat_bunch_excess(d, 9, b3, 2, &o, e, NULL, NULL), ERR_INVALID);
	assert_false(e[0].ok);
}

static void test_bunch_school_test(void **state)
{
	struct stat_bunch_test t;
	/* 15 of 20 works at/above the boundary where 40% are expected. */
	stat_bunch_test(15, 20, 0.4, 0, &t);
	NEAR(t.p_binom, 0.001611524643456288, 1e-14);
	NEAR(t.p_bb, t.p_binom, 1e-15);
	stat_bunch_test(7, 10, 0.4, 1.0 / 6, &t);
	NEAR(t.p_bb, 0.17482517482517418, 1e-12); /* BetaBinomial(10, 2, 3) */
	stat_bunch_test(0, 0, 0.4, 0.1, &t);
	assert_true(isnan(t.p_binom) && isnan(t.p_bb));
}

static void test_frandsen(void **state)
{
	/* P(Binomial(40, 1/3) >= 20) = 0.02144073352978707; with k = .1 the bound is
	 * (1.1)/(3.1): 0.041855616423803144. */
	NEAR(stat_frandsen(10, 20, 10, 0), 0.02144073352978707, 1e-12);
	NEAR(stat_frandsen(10, 20, 10, 0.1), 0.041855616423803144, 1e-12);
	assert_true(isnan(stat_frandsen(0, 0, 0, 0)));
	/* A locally linear shape is not a heap; RU-4 2021's 223 -> 866 at 14 is one
	 * (866 of 1989 is 44% where at most a third is expected). */
	assert_true(stat_frandsen(300, 310, 320, 0) > 0.3);
	assert_true(stat_frandsen(223, 866, 900, 0) < 1e-15);
}

/* ---- risk ---- */

/* A p-only evidence entry. */
#define EV(s, sg, pr, p) {s, sg, pr, p, STAT_POOL_NONE, 0, 0, 0, 0, 0}

static void test_risk_combination(void **state)
{
	/* School 0: bunching p .001 in two procedures, twins .5; school 1: one p .04;
	 * school 2: no evidence; school 3: p .2 and .9. */
	struct stat_evidence ev[] = {
		EV(0, 8, 0, 0.001), EV(0, 8, 1, 0.001), EV(0, 11, 0, 0.5), EV(1, 9, 0, 0.04),
		EV(3, 9, 0, 0.2),   EV(3, 12, 1, 0.9),  EV(3, 12, 2, NAN),
	};
	struct stat_risk_school r[4];
	struct stat_risk_summary sum;
	assert_int_equal(stat_risk(ev, 7, 4, STAT_COMBINE_FAMILY, 0.05, r, &sum), 0);
	/* Family: sign 8 Fisher(.001,.001): X = -4 ln .001 = 27.631, chi2_4 tail
	 * e^{-X/2}(1+X/2) = 1e-6 * (1 + 13.8155) = 1.48155e-5; sign 11: .5; Bonferroni
	 * over 2 families: 2.9631e-5. */
	double f = 1e-6 * (1 - 2 * log(0.001));
	NEAR(r[0].p, 2 * f, 1e-12);
	NEAR(r[0].risk, -log10(2 * f), 1e-9);
	assert_int_equal(r[0].nev, 3);
	NEAR(r[0].pmin, 0.001, 0);
	assert_int_equal(r[0].sign, 8);
	NEAR(r[1].p, 0.04, 1e-15);
	assert_int_equal(r[2].nev, 0);
	NEAR(r[2].p, 1, 0);
	NEAR(r[2].risk, 0, 0);
	assert_true(isnan(r[2].q_adj));
	assert_false(r[2].listed);
	NEAR(r[3].p, 0.4, 1e-15); /* min(.2, .9) * 2 */
	/* BH over the three schools with evidence: p = 2.96e-5, .04, .4 ->
	 * adj = 8.9e-5, .06, .4: only school 0 listed. */
	NEAR(r[0].q_adj, 3 * 2 * f, 1e-12);
	NEAR(r[1].q_adj, 0.06, 1e-12);
	assert_true(r[0].listed && !r[1].listed && !r[3].listed);
	assert_int_equal(sum.nevaluated, 3);
	assert_int_equal(sum.nlisted, 1);
	NEAR(sum.expected_false, 0.05, 1e-15);
	/* Rank by risk: 0, 1, 3, then 2 (no evidence). */
	assert_int_equal(r[0].rank, 1);
	assert_int_equal(r[1].rank, 2);
	assert_int_equal(r[3].rank, 3);
	assert_int_equal(r[2].rank, 4);

	assert_int_equal(stat_risk(ev, 7, 4, STAT_COMBINE_BONFERRONI, 0.05, r, NULL), 0);
	NEAR(r[0].p, 0.003, 1e-15);
	assert_int_equal(stat_risk(ev, 7, 4, STAT_COMBINE_FISHER, 0.05, r, NULL), 0);
	double x = -2 * (2 * log(0.001) + log(0.5)); /* chi2_6: e^{-x/2}(1 + x/2 + x^2/8) */
	NEAR(r[0].p, exp(-x / 2) * (1 + x / 2 + x * x / 8), 1e-12);

	assert_int_equal(stat_risk(ev, 7, 3, STAT_COMBINE_FAMILY, 0.05, r, NULL), ERR_INVALID);
	assert_int_equal(stat_risk(ev, 7, 4, STAT_COMBINE_FAMILY, 0, r, NULL), ERR_INVALID);
}

static void test_risk_ties_and_empty(void **state)
{
	struct stat_evidence ev[] = {EV(2, 8, 0, 0.5), EV(1, 8, 0, 0.5)};
	struct stat_risk_school r[3];
	assert_int_equal(stat_risk(ev, 2, 3, STAT_COMBINE_FAMILY, 0.05, r, NULL), 0);
	/* Equal risk and pmin: the smaller school index ranks first. */
	assert_int_equal(r[1].rank, 1);
	assert_int_equal(r[2].rank, 2);
	assert_int_equal(r[0].rank, 3);
	assert_int_equal(stat_risk(NULL, 0, 0, STAT_COMBINE_FAMILY, 0.05, r, NULL), 0);
}


/* A re-check weighs as the region's strongest sign. 80 schools: twins p = 1e-6 everywhere
 * but school 0 (p = .5), which also has recheck_inflated p = .01. School 0 is weighted by
 * the odd fold, where every school has strong twins: u_twins = .005 + (1 − P(N > 2.5)),
 * and the re-check gets the same raw weight, so w = 1/2 each and p = min(.5/.5, .01/.5) =
 * .02. (With the floor weight .005 for the re-check, p would be .5 / (u/(u + .005)) ≈ .5.) */
static void test_risk_recheck_weight(void **state)
{
	(void)state;
	struct stat_evidence ev[81];
	size_t n = 0;
	for (uint32_t s = 0; s < 80; s++)
		ev[n++] = (struct stat_evidence){ s, STAT_SIGN_TWINS, 0, s ? 1e-6 : 0.5, STAT_POOL_NONE, 50, 0, 0, 0, 0 };
	ev[n++] = (struct stat_evidence){ 0, STAT_SIGN_RECHECK_INFLATED, 0, 0.01, STAT_POOL_NONE, 6, 0, 0, 0, 0 };
	struct stat_risk_school *r = calloc(80, sizeof *r);
	assert_non_null(r);
	assert_int_equal(stat_risk(ev, n, 80, STAT_COMBINE_POOLED, 0.05, r, NULL), 0);
	NEAR(r[0].p, 0.02, 1e-12);
	assert_int_equal(r[0].sign, STAT_SIGN_RECHECK_INFLATED);
	free(r);
}

/* Pooled z-type evidence (STAT_COMBINE_POOLED), by hand. School 0: hard_help (sign 9) in
 * two procedures, obs - expct = 5 and 2 with var 9 and 7, works 20 + 15, plus twins (sign
 * 11) p = .5; school 1: 5 works only (too few to pool); school 2: 12 works, obs - expct =
 * -2, var 4, no per-procedure p (the procedure alone was too small). Three schools: the
 * theoretical null. */
static void test_risk_pooled_hand(void **state)
{
	struct stat_evidence ev[] = {
		{0, 9, 0, 0.1, STAT_POOL_CENTERED, 20, 30, 25, 9, 0}, {0, 9, 1, 0.2, STAT_POOL_CENTERED, 15, 20, 18, 7, 0},
		EV(0, 11, 0, 0.5), {1, 9, 0, NAN, STAT_POOL_CENTERED, 5, 6, 5, 2, 0},
		{2, 9, 3, NAN, STAT_POOL_CENTERED, 12, 10, 12, 4, 0},
	};
	struct stat_risk_school r[3];
	struct stat_risk_summary sum;
	assert_int_equal(stat_risk(ev, 5, 3, STAT_COMBINE_POOLED, 0.05, r, &sum), 0);
	/* z = 7 / sqrt(16) = 1.75: P(N > 1.75) = 0.040059156863817; Bonferroni over two
	 * families. */
	NEAR(r[0].p, 2 * 0.040059156863817, 1e-12);
	assert_int_equal(r[0].sign, 9);
	assert_int_equal(r[0].proc, 0);
	assert_int_equal(r[0].nev, 3);
	NEAR(r[0].pmin, 0.1, 0);
	/* School 1 has evidence but fewer than STAT_RISK_MIN_WORKS works: p = 1. */
	assert_int_equal(r[1].nev, 1);
	NEAR(r[1].p, 1, 0);
	/* School 2: z = -1, P = 0.841344746068543; its procedure named by the largest z. */
	NEAR(r[2].p, 0.841344746068543, 1e-12);
	assert_int_equal(r[2].proc, 3);
	assert_true(isnan(r[2].pmin));
	assert_int_equal(sum.nevaluated, 3);
	assert_int_equal(r[0].rank, 1);
	/* The old family rule uses the p's only: Fisher(.1, .2) and .5. */
	assert_int_equal(stat_risk(ev, 5, 3, STAT_COMBINE_FAMILY, 0.05, r, NULL), 0);
	double pf[2] = {0.1, 0.2};
	NEAR(r[0].p, 2 * stat_fisher(pf, 2), 1e-12);
	/* With third cumulants (6 and 4.8: skewness 10.8 / 16^1.5) the tail is Pearson III's,
	 * heavier than the normal one. */
	ev[0].k3 = 6;
	ev[1].k3 = 4.8;
	assert_int_equal(stat_risk(ev, 5, 3, STAT_COMBINE_POOLED, 0.05, r, NULL), 0);
	NEAR(r[0].p, 2 * stat_pearson3_upper(1.75, 10.8 / 64), 1e-12);
	assert_true(r[0].p > 2 * 0.040059156863817);
	/* A pooled entry with a sign out of range is refused. */
	ev[0].sign = 40;
	assert_int_equal(stat_risk(ev, 5, 3, STAT_COMBINE_POOLED, 0.05, r, NULL), ERR_INVALID);
}

/* The risk does not depend on the order of the evidence: stat_risk sorts each school's by
 * (sign, procedure). Reversed input runs the insertion sort of a sign's procedures. A sign
 * out of range is refused in every mode (it would index the per-sign tables). */
static void test_risk_order(void **state)
{
	enum { NS = 60, NP = 5, NSIG = 4, NEV = NS * NP * NSIG + 1 };
	static struct stat_evidence ev[NEV], rev[NEV];
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(g, 3);
	size_t n = 0;
	for (int s = 0; s < NS; s++)
		for (int p = 0; p < NP; p++)
			for (int sg = 0; sg < NSIG; sg++) {
				double d = gsl_ran_gaussian(g, 1) + (s < 5 ? 2 : 0);
				ev[n++] = (struct stat_evidence){(uint32_t)s, (int16_t)(8 + sg), (int16_t)p,
								 gsl_rng_uniform_pos(g), sg < 2 ? STAT_POOL_CENTERED : 0,
								 30, 10 + d * 3, 10, 9, 0};
			}
	ev[n++] = (struct stat_evidence){7, 20, 0, 0.0001, 0, 30, 0, 0, 0, 0};
	for (size_t i = 0; i < n; i++)
		rev[i] = ev[n - 1 - i];
	for (int how = 0; how < 2; how++) {
		enum stat_combine c = how ? STAT_COMBINE_POOLED : STAT_COMBINE_FAMILY;
		struct stat_risk_school a[NS], b[NS];
		assert_int_equal(stat_risk(ev, n, NS, c, 0.05, a, NULL), 0);
		assert_int_equal(stat_risk(rev, n, NS, c, 0.05, b, NULL), 0);
		for (int s = 0; s < NS; s++) {
			NEAR(a[s].p, b[s].p, 1e-12 * a[s].p);
			assert_int_equal(a[s].nev, b[s].nev);
			assert_int_equal(a[s].sign, b[s].sign);
			assert_int_equal(a[s].listed, b[s].listed);
			if (how) /* POOLED names the procedure of the sorted evidence */
				assert_int_equal(a[s].proc, b[s].proc);
		}
		/* Not a vacuous comparison: the strong evidence is there. */
		assert_true(how ? a[0].p < 0.01 : a[7].p < 0.01);
		ev[n - 1].sign = STAT_RISK_MAX_SIGNS;
		assert_int_equal(stat_risk(ev, n, NS, c, 0.05, a, NULL), ERR_INVALID);
		ev[n - 1].sign = -1;
		assert_int_equal(stat_risk(ev, n, NS, c, 0.05, a, NULL), ERR_INVALID);
		ev[n - 1].sign = 20;
	}
	gsl_rng_free(g);
}

/* The weighted Bonferroni across signs (POOLED), by hand. 80 schools, two signs with one
 * p each (a family of one p is that p): sign 8 p = .001 in every fifth school (eight in
 * each fold of index parity), else .5; sign 11 p = .5, except school 1 (.004). The weights
 * of a fold come from the other fold: u = .005 + max(0, share of p < P(N > 2.5) - P(N >
 * 2.5)), so sign 8 gets u = .2 - .00621 + .005 in both folds, sign 11 .025 - .00621 +
 * .005 for the even schools (school 1 is odd) and .005 for the odd ones. */
static void test_risk_weighted(void **state)
{
	enum { NS = 80 };
	struct stat_evidence ev[2 * NS];
	for (int s = 0; s < NS; s++) {
		ev[2 * s] = (struct stat_evidence)EV((uint32_t)s, 8, 0, s % 5 == 0 ? 0.001 : 0.5);
		ev[2 * s + 1] = (struct stat_evidence)EV((uint32_t)s, 11, 0, s == 1 ? 0.004 : 0.5);
	}
	struct stat_risk_school r[NS];
	assert_int_equal(stat_risk(ev, 2 * NS, NS, STAT_COMBINE_POOLED, 0.05, r, NULL), 0);
	/* Even schools: w8 = .19879 / (.19879 + .02379) = .89312, w11 = .10688. */
	NEAR(r[0].p, 0.001119675509944743, 1e-12); /* .001 / w8 (equal weights: .002) */
	NEAR(r[2].p, 0.5598377549723715, 1e-12);   /* min(.5 / w8, .5 / w11) */
	/* Odd schools: w8 = .19879 / .20379 = .97547, w11 = .02453: the single strong p of a
	 * sign with no excess in the other fold weighs little. */
	NEAR(r[1].p, 0.1630322677393791, 1e-12); /* .004 / w11 (equal weights: .008) */
	assert_int_equal(r[1].sign, 11);
	NEAR(r[3].p, 0.5125760641436465, 1e-12);
	assert_int_equal(r[0].sign, 8);
	/* Equal evidence in both signs everywhere: equal weights, plain Bonferroni-min. */
	for (int s = 0; s < NS; s++)
		ev[2 * s + 1].p = ev[2 * s].p;
	assert_int_equal(stat_risk(ev, 2 * NS, NS, STAT_COMBINE_POOLED, 0.05, r, NULL), 0);
	NEAR(r[0].p, 0.002, 1e-15);
	NEAR(r[2].p, 1, 0);
}

/* The calibration of a pooled sign: z_i = q_i * sqrt(1 + t * w_i / v_i) with q_i normal
 * quantiles scaled to MAD 1/1.4826 recovers t; z's no wider than N(0, 1) give tau2 = 0;
 * fewer than STAT_RISK_MIN_NULL schools give the theoretical null. */
static void test_pool_calibrate(void **state)
{
	enum { N = 201 };
	double d[N], v[N], w[N], q[N], a[N], z[N], tau2, center;
	for (int i = 0; i < N; i++)
		q[i] = stat_norm_quantile((i + 0.5) / N);
	for (int i = 0; i < N; i++)
		a[i] = fabs(q[i]);
	double mad = stat_median_inplace(a, N); /* q is symmetric: median 0 */
	for (int i = 0; i < N; i++) {
		q[i] /= 1.4826 * mad;
		v[i] = 10 + (i * 37) % 200;  /* sizes vary and are not sorted with q */
		w[i] = v[i] * v[i] / 4;
		d[i] = q[i] * sqrt(v[i] + 0.05 * w[i]);
	}
	stat_pool_calibrate(d, v, w, N, true, &tau2, &center, z);
	NEAR(tau2, 0.05, 1e-6);
	NEAR(center, 0, 1e-9);
	for (int i = 0; i < N; i++)
		NEAR(z[i], q[i], 1e-5);
	/* Half as wide: no random effect, only the center. */
	for (int i = 0; i < N; i++)
		d[i] = (0.5 * q[i] + 0.25) * sqrt(v[i]);
	stat_pool_calibrate(d, v, w, N, true, &tau2, &center, z);
	NEAR(tau2, 0, 0);
	NEAR(center, 0.25, 1e-9);
	NEAR(z[0], 0.5 * q[0], 1e-9);
	/* Few schools: the theoretical N(0, 1). */
	stat_pool_calibrate(d, v, w, 10, true, &tau2, &center, z);
	NEAR(tau2, 0, 0);
	NEAR(center, 0, 0);
	NEAR(z[3], d[3] / sqrt(v[3]), 1e-15);
}

static void test_median_select(void **state)
{
	/* Selection gives the same median as sorting, on ties, sorted, reversed and random. */
	unsigned seed = 12345;
	for (int trial = 0; trial < 400; trial++) {
		size_t n = 1 + (size_t)(trial % 37) * 3 + (size_t)trial / 50;
		double a[200], b[200];
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			a[i] = trial % 4 == 0 ? (double)i : trial % 4 == 1 ? (double)(n - i)
			       : (double)((seed >> 16) % (trial % 4 == 2 ? 5 : 1000));
			b[i] = a[i];
		}
		stat_sort(b, n);
		double expect = stat_quantile7_sorted(b, n, 0.5);
		assert_true(stat_median_inplace(a, n) == expect);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_median_select),
		cmocka_unit_test(test_mean_sd),
		cmocka_unit_test(test_quantile7),
		cmocka_unit_test(test_hist_moments),
		cmocka_unit_test(test_rank_avg),
		cmocka_unit_test(test_spearman_ties),
		cmocka_unit_test(test_spearman_not_evaluable),
		cmocka_unit_test(test_spearman_table_random),
		cmocka_unit_test(test_binomial_tails),
		cmocka_unit_test(test_betabinomial),
		cmocka_unit_test(test_poisson_nbinom_normal),
		cmocka_unit_test(test_combinations),
		cmocka_unit_test(test_bh_textbook),
		cmocka_unit_test(test_sort_u64),
		cmocka_unit_test(test_empirical_null),
		cmocka_unit_test(test_overdispersion),
		cmocka_unit_test(test_excess_mass_known_bump),
		cmocka_unit_test(test_excess_mass_log_link),
		cmocka_unit_test(test_excess_mass_delta),
		cmocka_unit_test(test_excess_mass_ref),
		cmocka_unit_test(test_excess_mass_no_bump),
		cmocka_unit_test(test_excess_mass_against_normal_equations),
		cmocka_unit_test(test_excess_mass_edges),
		cmocka_unit_test(test_bunch_school_test),
		cmocka_unit_test(test_frandsen),
		cmocka_unit_test(test_risk_combination),
		cmocka_unit_test(test_risk_ties_and_empty),
		cmocka_unit_test(test_risk_pooled_hand),
		cmocka_unit_test(test_risk_recheck_weight),
		cmocka_unit_test(test_risk_order),
		cmocka_unit_test(test_risk_weighted),
		cmocka_unit_test(test_pool_calibrate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
