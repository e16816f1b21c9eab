/* Unit tests of stats/compare: vpr_above_dkr, with values known by construction.
 *
 * Regions: ВПР mean 20, SD 5; ДКР mean 10, SD 2. Forty schools of 50 works in both with
 * means exactly the regions' (d = 0 on both scales, z = 0), so the empirical null is the
 * theoretical one (median 0, MAD 0 -> scale 1). Then:
 *   school 0: ВПР mean 25 (d = 1), ДКР mean 10 (d = 0): obs 1, var 1/50 + 1/50 = 0.04,
 *             z = 1 / 0.2 = 5, p = P(Z > 5) = 2.8665e-7; BH over 43 evaluable p-values:
 *             q = 43 · 2.8665e-7 = 1.2326e-5 -> flag;
 *   school 1: ВПР mean 25, ДКР mean 12 (d = 1 on both): z = 0 -> ok;
 *   school 2: ВПР mean 15 (d = -1), ДКР mean 10: z = -5 -> ok (lower, not suspicious);
 *   school 3: 5 ВПР works: not evaluable (fewer than min_n_group = 10);
 *   school 4: no ДКР works: not evaluable. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "base/err.h"
#include "stats/compare.h"

#define NS 45

static void test_vpr_dkr(void **state)
{
	(void)state;
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	struct stat_mean_region vr = { .n = 2250, .mean = 20, .sd = 5 }, dr = { .n = 2250, .mean = 10, .sd = 2 };
	struct stat_mean_school v[NS] = { 0 }, d[NS] = { 0 };
	for (int s = 0; s < NS; s++) {
		v[s] = (struct stat_mean_school){ .n = 50, .mean = 20 };
		d[s] = (struct stat_mean_school){ .n = 50, .mean = 10 };
	}
	v[0].mean = 25;
	v[1].mean = 25;
	d[1].mean = 12;
	v[2].mean = 15;
	v[3].n = 5;
	d[4].n = 0;
	struct stat_zres out[NS];
	struct stat_znull nul;
	assert_int_equal(stat_sign_vpr_dkr(v, &vr, d, &dr, NS, &cfg, &nul, out), 0);
	assert_int_equal(nul.n, 43);
	assert_true(fabs(nul.center) < 1e-12 && fabs(nul.scale - 1) < 1e-12);
	assert_true(fabs(out[0].z - 5) < 1e-9);
	assert_true(fabs(out[0].p - 2.8665157e-7) < 1e-12);
	assert_true(fabs(out[0].q_adj - 43 * 2.8665157e-7) < 1e-10);
	assert_int_equal(out[0].status, STAT_FLAG);
	assert_true(fabs(out[1].z) < 1e-9);
	assert_int_equal(out[1].status, STAT_OK);
	assert_true(fabs(out[2].z + 5) < 1e-9);
	assert_int_equal(out[2].status, STAT_OK);
	assert_int_equal(out[3].status, STAT_NOT_EVALUABLE);
	assert_int_equal(out[4].status, STAT_NOT_EVALUABLE);
	for (int s = 5; s < NS; s++)
		assert_int_equal(out[s].status, STAT_OK);
	/* A region without spread cannot put the schools on its scale. */
	struct stat_mean_region flat = { .n = 10, .mean = 3, .sd = 0 };
	assert_int_equal(stat_sign_vpr_dkr(v, &vr, d, &flat, NS, &cfg, NULL, out), ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vpr_dkr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
