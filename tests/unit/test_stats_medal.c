/* Unit tests of stats/medal: a medalist's status and the schools' index.
 *
 * Reference values known by construction:
 *   schools A (4 checked, 4 below), B (11, 0), D (5, 2), E (0 checked): the region's
 *   rate p0 = 6/20 = 0.3;
 *   A: P(X >= 4 | Bin(4, 0.3)) = 0.3^4 = 0.0081;
 *   D: P(X >= 2 | Bin(5, 0.3)) = 1 − 0.7^5 − 5·0.3·0.7^4 = 1 − 0.16807 − 0.36015 = 0.47178;
 *   B: k = 0 gives 1; E has no p-value.
 *   BH over m = 3: 0.0081·3/1 = 0.0243, 0.47178·3/2 = 0.70767, 1·3/3 = 1 (already
 *   monotone): A is significant at 0.05, D and B are not.
 * Years pooled (a sum of binomials with different rates), by hand:
 *   Bin(1, 0.5) + Bin(1, 0.2): P(X >= 1) = 1 − 0.5·0.8 = 0.6, P(X >= 2) = 0.5·0.2 = 0.1;
 *   Bin(2, 0.5) + Bin(1, 0.1): P(X >= 1) = 1 − 0.25·0.9 = 0.775,
 *     P(X >= 2) = 0.25 + 0.5·0.1 = 0.3, P(X >= 3) = 0.25·0.1 = 0.025;
 *   equal rates are one binomial: Bin(3, 0.3) + Bin(4, 0.3) = Bin(7, 0.3),
 *     P(X >= 4) = 1 − P(X <= 3) = 0.126036;
 *   two schools over two years: year 1 A 1 of 2, B 0 of 2 (p0 = 0.25); year 2 A 1 of 1,
 *     B 0 of 1 (p0 = 0.5): A's P(X >= 2) for Bin(2, 0.25) + Bin(1, 0.5) =
 *     0.0625 + 0.375·0.5 = 0.25, expected share (2·0.25 + 0.5)/3 = 1/3; B: p = 1;
 *     BH: A 0.5, B 1; the pooled rate 2/6. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "stats/medal.h"
#include "stats/tests.h"

#define NEAR(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))

/* The 2024 rule of the medal of I degree: RU >= 70; one other subject >= 70, or base
 * mathematics 5. */
static const struct stat_medal_req gold[] = {
	{ "RU", 70, -1 }, { "*", 70, -1 }, { "MB", -1, 5 },
};

static enum stat_medal_status st(const struct stat_medal_res *r, size_t n, const char **why)
{
	return stat_medal_status(gold, 3, r, n, why);
}

static void test_status(void **state)
{
	(void)state;
	const char *why;
	/* RU 70 exactly and profile mathematics 72: confirms. */
	const struct stat_medal_res a[] = { { "RU", 70, 5 }, { "MA", 72, 5 } };
	assert_int_equal(st(a, 2, &why), STAT_MEDAL_OK);
	assert_null(why);
	/* RU 69: below, whatever else. */
	const struct stat_medal_res b[] = { { "RU", 69, 4 }, { "MA", 90, 5 } };
	assert_int_equal(st(b, 2, &why), STAT_MEDAL_BELOW);
	assert_string_equal(why, "RU");
	/* RU 80, MA 65 but physics 71: one other subject is enough. */
	const struct stat_medal_res c[] = { { "RU", 80, 5 }, { "MA", 65, 4 }, { "FI", 71, 5 } };
	assert_int_equal(st(c, 3, &why), STAT_MEDAL_OK);
	/* RU 80, MA 65 only: the alternatives are failed. */
	assert_int_equal(st(c, 2, &why), STAT_MEDAL_BELOW);
	assert_string_equal(why, "");
	/* RU 75 and base mathematics 5: confirms; base mathematics 4: does not. */
	const struct stat_medal_res d[] = { { "RU", 75, 5 }, { "MB", -1, 5 } };
	assert_int_equal(st(d, 2, NULL), STAT_MEDAL_OK);
	const struct stat_medal_res e[] = { { "RU", 75, 5 }, { "MB", -1, 4 } };
	assert_int_equal(st(e, 2, NULL), STAT_MEDAL_BELOW);
	/* A base-mathematics mark never counts as "any other subject" (it has no score). */
	const struct stat_medal_res f[] = { { "RU", 75, 5 } };
	assert_int_equal(st(f, 1, NULL), STAT_MEDAL_NORESULT);
	/* No result at all: no result, not confirmed and not counted below. */
	assert_int_equal(st(NULL, 0, NULL), STAT_MEDAL_NORESULT);
	/* A failed RU wins over a missing alternative. */
	const struct stat_medal_res g[] = { { "RU", 50, 3 } };
	assert_int_equal(st(g, 1, NULL), STAT_MEDAL_BELOW);
	/* Mathematics 80 without Russian: no result (RU missing). */
	const struct stat_medal_res h[] = { { "MA", 80, 5 } };
	assert_int_equal(st(h, 1, NULL), STAT_MEDAL_NORESULT);
	/* No thresholds for the year and medal. */
	assert_int_equal(stat_medal_status(gold, 0, a, 2, NULL), STAT_MEDAL_NORULE);
	/* The 2021 rule: RU >= 70 alone; other subjects do not matter. */
	const struct stat_medal_req y2021[] = { { "RU", 70, -1 } };
	const struct stat_medal_res i[] = { { "RU", 71, 5 }, { "MA", 20, 2 } };
	assert_int_equal(stat_medal_status(y2021, 1, i, 2, NULL), STAT_MEDAL_OK);
}

static void test_schools(void **state)
{
	(void)state;
	struct stat_medal_school s[4] = {
		{ .medalists = 4, .checked = 4, .below = 4 },
		{ .medalists = 12, .checked = 11, .below = 0, .noresult = 1 },
		{ .medalists = 5, .checked = 5, .below = 2 },
		{ .medalists = 2, .checked = 0, .noresult = 1, .norule = 1 },
	};
	struct stat_medal_total t;
	stat_medal_schools(s, 4, STAT_MEDAL_ALPHA, &t);
	assert_int_equal(t.medalists, 23);
	assert_int_equal(t.checked, 20);
	assert_int_equal(t.below, 6);
	assert_int_equal(t.noresult, 2);
	assert_int_equal(t.norule, 1);
	NEAR(t.rate, 0.3, 1e-15);
	assert_int_equal(t.schools, 4);
	assert_int_equal(t.tested, 3);
	assert_int_equal(t.significant, 1);
	NEAR(s[0].share, 1.0, 0);
	NEAR(s[0].p, 0.0081, 1e-12);
	NEAR(s[0].q, 0.0243, 1e-12);
	assert_true(s[0].significant);
	NEAR(s[1].p, 1.0, 0);
	NEAR(s[1].q, 1.0, 1e-12);
	assert_false(s[1].significant);
	NEAR(s[2].share, 0.4, 1e-15);
	NEAR(s[2].p, 0.47178, 1e-12);
	NEAR(s[2].q, 0.70767, 1e-12);
	assert_false(s[2].significant);
	assert_true(isnan(s[3].share) && isnan(s[3].p) && isnan(s[3].q));
	assert_false(s[3].significant);
}

static void test_empty(void **state)
{
	(void)state;
	struct stat_medal_total t;
	stat_medal_schools(NULL, 0, STAT_MEDAL_ALPHA, &t);
	assert_true(isnan(t.rate));
	assert_int_equal(t.significant, 0);
	/* Nobody below: the rate is 0, every p is 1, nothing significant. */
	struct stat_medal_school s[2] = { { .medalists = 3, .checked = 3 },
					   { .medalists = 1, .checked = 1 } };
	stat_medal_schools(s, 2, STAT_MEDAL_ALPHA, &t);
	NEAR(t.rate, 0, 0);
	NEAR(s[0].p, 1, 0);
	assert_int_equal(t.significant, 0);
}

static void test_pooled_upper(void **state)
{
	(void)state;
	const uint64_t n1[] = { 1, 1 };
	const double p1[] = { 0.5, 0.2 };
	NEAR(stat_medal_pooled_upper(0, n1, p1, 2), 1.0, 0);
	NEAR(stat_medal_pooled_upper(1, n1, p1, 2), 0.6, 1e-15);
	NEAR(stat_medal_pooled_upper(2, n1, p1, 2), 0.1, 1e-15);
	NEAR(stat_medal_pooled_upper(3, n1, p1, 2), 0.0, 0);
	const uint64_t n2[] = { 2, 1 };
	const double p2[] = { 0.5, 0.1 };
	NEAR(stat_medal_pooled_upper(1, n2, p2, 2), 0.775, 1e-15);
	NEAR(stat_medal_pooled_upper(2, n2, p2, 2), 0.3, 1e-15);
	NEAR(stat_medal_pooled_upper(3, n2, p2, 2), 0.025, 1e-15);
	/* Equal rates: the binomial of the sum; a year without medalists (its rate NaN) is
	 * skipped, and one binomial left is the binomial test. */
	const uint64_t n3[] = { 3, 0, 4 };
	const double p3[] = { 0.3, NAN, 0.3 };
	NEAR(stat_medal_pooled_upper(4, n3, p3, 3), 0.126036, 1e-12);
	NEAR(stat_medal_pooled_upper(4, n3, p3, 3), stat_binom_upper(4, 7, 0.3), 1e-12);
	const uint64_t n4[] = { 0, 4 };
	const double p4[] = { NAN, 0.3 };
	NEAR(stat_medal_pooled_upper(4, n4, p4, 2), 0.0081, 1e-12);
	/* Rates 0 and 1: the sum is certain. */
	const uint64_t n5[] = { 2, 3 };
	const double p5[] = { 0.0, 1.0 };
	NEAR(stat_medal_pooled_upper(3, n5, p5, 2), 1.0, 1e-15);
	NEAR(stat_medal_pooled_upper(4, n5, p5, 2), 0.0, 1e-15);
}

static void test_years(void **state)
{
	(void)state;
	/* y[school * 2 + year] */
	const struct stat_medal_school y[4] = {
		{ .medalists = 3, .checked = 2, .below = 1, .noresult = 1 },
		{ .medalists = 1, .checked = 1, .below = 1 },
		{ .medalists = 2, .checked = 2 },
		{ .medalists = 1, .checked = 1 },
	};
	struct stat_medal_school s[2];
	struct stat_medal_total t;
	double rates[2];
	stat_medal_schools_years(s, 2, y, 2, STAT_MEDAL_ALPHA, &t, rates);
	NEAR(rates[0], 0.25, 1e-15);
	NEAR(rates[1], 0.5, 1e-15);
	assert_int_equal(s[0].medalists, 4);
	assert_int_equal(s[0].checked, 3);
	assert_int_equal(s[0].below, 2);
	assert_int_equal(s[0].noresult, 1);
	NEAR(s[0].share, 2.0 / 3, 1e-15);
	NEAR(s[0].expected, 1.0 / 3, 1e-15);
	NEAR(s[0].p, 0.25, 1e-15);
	NEAR(s[0].q, 0.5, 1e-15);
	assert_false(s[0].significant);
	NEAR(s[1].p, 1.0, 0);
	NEAR(s[1].q, 1.0, 0);
	assert_int_equal(t.checked, 6);
	assert_int_equal(t.below, 2);
	NEAR(t.rate, 2.0 / 6, 1e-15);
	assert_int_equal(t.tested, 2);
	assert_int_equal(t.significant, 0);
	/* One year pooled is the single year's test. */
	struct stat_medal_school one[3] = {
		{ .medalists = 4, .checked = 4, .below = 4 },
		{ .medalists = 11, .checked = 11 },
		{ .medalists = 5, .checked = 5, .below = 2 },
	};
	struct stat_medal_school s3[3];
	stat_medal_schools_years(s3, 3, one, 1, STAT_MEDAL_ALPHA, &t, NULL);
	NEAR(t.rate, 0.3, 1e-15);
	NEAR(s3[0].p, 0.0081, 1e-12);
	NEAR(s3[0].expected, 0.3, 1e-15);
	NEAR(s3[2].p, 0.47178, 1e-12);
	assert_true(s3[0].significant);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_schools),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_pooled_upper),
		cmocka_unit_test(test_years),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
