/* Unit tests of stats/observed: observation as a control group.
 *
 * Reference values were computed independently in Python 3 (standard library + mpmath
 * 1.3.0) from the raw lists below, not from the sums the C code uses:
 *
 *   def mv(x): m = sum(x)/len(x); return m, sum((a-m)**2 for a in x)/(len(x)-1)
 *   per stratum: w = n0*n1/(n0+n1); D = Σ w (mu-mo) / Σ w;
 *   se = sqrt(Σ w² (vu/n0 + vo/n1)) / Σ w; z = D/se; p = erfc(|z|/√2);
 *   lo, hi = D ∓ 1.959963984540054·se
 *   → D = 0.089313725490196103, se = 0.026782655763573859, z = 3.3347598639440581,
 *     p = 0.00085373089666024228, lo = 0.036820684783257236, hi = 0.14180676619713498;
 *     plain means obs 0.53333333333333333, unobs 0.58636363636363631.
 *
 *   school: U, O = pupils' share − region mean of the years of series 1 and 2, unobserved /
 *   observed; gap = mean(U) − mean(O); a = var/n per side; t = gap/√(a0+a1);
 *   df = (a0+a1)²/(a0²/(n0−1) + a1²/(n1−1)); p = betainc(df/2, 1/2, 0, df/(df+t²),
 *   regularized=True)
 *   → mean_unobs = 0.27200000000000008, mean_obs = −0.031428571428571431,
 *     gap = 0.30342857142857149, t = 10.163648967682535, df = 9.0979372051378498,
 *     p = 2.8765072482681121e-06. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "stats/observed.h"

#define NEAR(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))

static void test_control(void **state)
{
	(void)state;
	/* stratum 1: 3 observed, 4 not; stratum 2: 2 and 3; stratum 3: 1 observed (skipped);
	 * stratum 4: unobserved only (skipped). Given in a shuffled order. */
	const struct stat_obs_unit u[] = {
		{ 2, false, 0.52 }, { 1, true, 0.50 },  { 4, false, 0.30 }, { 1, false, 0.62 },
		{ 3, true, 0.70 },  { 1, true, 0.55 },  { 2, true, 0.40 },  { 1, false, 0.70 },
		{ 3, false, 0.80 }, { 2, false, 0.47 }, { 1, true, 0.60 },  { 1, false, 0.66 },
		{ 4, false, 0.35 }, { 2, true, 0.45 },  { 1, false, 0.58 }, { 3, false, 0.90 },
		{ 2, false, 0.55 },
	};
	struct stat_obs_control c;
	assert_int_equal(stat_obs_control(u, sizeof u / sizeof *u, &c), 0);
	assert_int_equal(c.schools_obs, 6);
	assert_int_equal(c.schools_unobs, 11);
	NEAR(c.mean_obs, 0.53333333333333333, 1e-12);
	NEAR(c.mean_unobs, 0.58636363636363631, 1e-12);
	assert_int_equal(c.strata_used, 2);
	assert_int_equal(c.strata_skipped, 2);
	assert_int_equal(c.used_obs, 5);
	assert_int_equal(c.used_unobs, 7);
	NEAR(c.diff, 0.089313725490196103, 1e-12);
	NEAR(c.se, 0.026782655763573859, 1e-12);
	NEAR(c.z, 3.3347598639440581, 1e-10);
	NEAR(c.p, 0.00085373089666024228, 1e-12);
	NEAR(c.lo, 0.036820684783257236, 1e-12);
	NEAR(c.hi, 0.14180676619713498, 1e-12);

	/* Swapping the sides changes the sign of the difference, not its error. */
	struct stat_obs_unit v[sizeof u / sizeof *u];
	memcpy(v, u, sizeof u);
	for (size_t i = 0; i < sizeof u / sizeof *u; i++)
		v[i].observed = !v[i].observed;
	struct stat_obs_control c2;
	stat_obs_control(v, sizeof v / sizeof *v, &c2);
	/* stratum 4 now has 2 observed, 0 unobserved; stratum 3 2 and 1: still skipped. */
	assert_int_equal(c2.strata_used, 2);
	NEAR(c2.diff, -0.089313725490196103, 1e-12);
	NEAR(c2.se, 0.026782655763573859, 1e-12);
	NEAR(c2.p, c.p, 1e-12);
}

static void test_control_empty(void **state)
{
	(void)state;
	struct stat_obs_control c;
	assert_int_equal(stat_obs_control(NULL, 0, &c), 0);
	assert_true(isnan(c.diff) && isnan(c.p) && isnan(c.mean_obs));
	/* One school per side: skipped, nothing to compare. */
	const struct stat_obs_unit u[] = { { 0, true, 0.5 }, { 0, false, 0.6 } };
	stat_obs_control(u, 2, &c);
	assert_int_equal(c.strata_used, 0);
	assert_int_equal(c.strata_skipped, 1);
	assert_true(isnan(c.diff));
	NEAR(c.mean_obs, 0.5, 1e-15);
	/* No variance at all: a difference but no test. */
	const struct stat_obs_unit w[] = { { 0, true, 0.5 }, { 0, true, 0.5 }, { 0, false, 0.6 },
					   { 0, false, 0.6 } };
	stat_obs_control(w, 4, &c);
	assert_int_equal(c.strata_used, 1);
	NEAR(c.diff, 0.1, 1e-12);
	NEAR(c.se, 0, 1e-15);
	assert_true(isnan(c.p));
}

/* The years as sums of the pupils' shares listed in the header comment. */
static struct stat_obs_year year(int series, bool observed, const double *x, int n, double region)
{
	struct stat_obs_year y = { series, observed, (uint64_t)n, 0, 0, region };
	for (int i = 0; i < n; i++) {
		y.sum += x[i];
		y.sumsq += x[i] * x[i];
	}
	return y;
}

static void test_school(void **state)
{
	(void)state;
	const double a[] = { 0.8, 0.9, 0.85 }, b[] = { 0.55, 0.6, 0.5 },
		     c[] = { 0.5, 0.45, 0.6, 0.52 }, d[] = { 0.9, 0.95 }, e[] = { 0.1, 0.2 };
	struct stat_obs_year y[] = {
		year(1, false, a, 3, 0.6), year(1, true, b, 3, 0.58), year(2, true, c, 4, 0.55),
		year(2, false, d, 2, 0.62),
		year(3, false, e, 2, 0.5), /* a series never observed: left out */
	};
	struct stat_obs_school s;
	assert_int_equal(stat_obs_school(y, 5, &s), 0);
	assert_int_equal(s.years_obs, 2);
	assert_int_equal(s.years_unobs, 2);
	assert_int_equal(s.n_obs, 7);
	assert_int_equal(s.n_unobs, 5);
	NEAR(s.mean_unobs, 0.27200000000000008, 1e-12);
	NEAR(s.mean_obs, -0.031428571428571431, 1e-12);
	NEAR(s.gap, 0.30342857142857149, 1e-12);
	NEAR(s.t, 10.163648967682535, 1e-8);
	NEAR(s.df, 9.0979372051378498, 1e-8);
	NEAR(s.p, 2.8765072482681121e-06, 1e-12);
	assert_true(s.evidence);

	/* The same pupils with the observed years higher: a negative gap is no evidence. */
	for (int i = 0; i < 4; i++)
		y[i].observed = !y[i].observed;
	stat_obs_school(y, 5, &s);
	NEAR(s.gap, -0.30342857142857149, 1e-12);
	NEAR(s.p, 2.8765072482681121e-06, 1e-12);
	assert_false(s.evidence);

	/* Only observed years: nothing to compare. */
	struct stat_obs_year o[] = { year(1, true, a, 3, 0.6), year(2, true, b, 3, 0.5) };
	stat_obs_school(o, 2, &s);
	assert_int_equal(s.years_obs, 0);
	assert_true(isnan(s.gap) && isnan(s.p));
	assert_false(s.evidence);

	/* A gap below 5 points is no evidence however small p is. */
	const double f[] = { 0.600, 0.601, 0.602, 0.603 }, g[] = { 0.570, 0.571, 0.572, 0.573 };
	struct stat_obs_year h[] = { year(1, false, f, 4, 0.5), year(1, true, g, 4, 0.5) };
	stat_obs_school(h, 2, &s);
	NEAR(s.gap, 0.03, 1e-12);
	assert_true(s.p < 1e-6);
	assert_false(s.evidence);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_control),
		cmocka_unit_test(test_control_empty),
		cmocka_unit_test(test_school),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
