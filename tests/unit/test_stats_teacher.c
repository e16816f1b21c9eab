/* Unit tests of stats/teacher: class-level evidence and the teachers' aggregation. Every
 * expected value is known by construction or computed by hand in the comment beside it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "base/err.h"
#include "stats/teacher.h"

#define NEAR(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))

/* Upper normal tail by erfc, independent of stats/tests.c. */
static double upper(double z)
{
	return 0.5 * erfc(z / sqrt(2.0));
}

static void test_names(void **state)
{
	(void)state;
	for (int k = 0; k < STAT_TK_COUNT; k++)
		assert_int_equal(stat_tkind_of(stat_tkind_name((enum stat_tkind)k)), k);
	assert_string_equal(stat_tkind_name(STAT_TK_LENIENT), "journal_lenient");
	assert_null(stat_tkind_name(STAT_TK_COUNT));
	assert_int_equal(stat_tkind_of("nonsense"), -1);
}

/* Stouffer's weighted z: classes of 4 and 9 works with z = 1 and z = 2 give
 * Z = (2·1 + 3·2) / √13 = 8 / √13. */
static void test_stouffer(void **state)
{
	(void)state;
	struct stat_tclass ev[] = {
		{ 0, STAT_TK_LENIENT, 4, upper(1.0) },
		{ 0, STAT_TK_LENIENT, 9, upper(2.0) },
	};
	struct stat_teacher t[1];
	int listed = stat_teacher_combine(ev, 2, 1, 0.05, t);
	assert_true(listed >= 0);
	assert_int_equal(t[0].classes, 2);
	assert_int_equal(t[0].k[STAT_TK_LENIENT], 2);
	assert_int_equal(t[0].k[STAT_TK_BUNCH], 0);
	NEAR(t[0].z[STAT_TK_LENIENT], 8.0 / sqrt(13.0), 1e-9);
	NEAR(t[0].p_kind[STAT_TK_LENIENT], upper(8.0 / sqrt(13.0)), 1e-12);
	assert_true(isnan(t[0].z[STAT_TK_BUNCH]));
	/* One kind: Simes is that kind's p; one teacher: BH leaves it as it is. */
	NEAR(t[0].p, upper(8.0 / sqrt(13.0)), 1e-12);
	NEAR(t[0].q_adj, t[0].p, 1e-12);
	assert_int_equal(t[0].top, STAT_TK_LENIENT);
	assert_true(t[0].listed); /* 0.0132 <= 0.05 */
	assert_int_equal(listed, 1);
	/* Equal weights, z = +1 and z = -1: Z = 0, p = 1/2. */
	struct stat_tclass ev2[] = {
		{ 0, STAT_TK_HARD, 25, upper(1.0) },
		{ 0, STAT_TK_HARD, 25, upper(-1.0) },
	};
	assert_int_equal(stat_teacher_combine(ev2, 2, 1, 0.05, t), 0);
	NEAR(t[0].z[STAT_TK_HARD], 0.0, 1e-9);
	NEAR(t[0].p, 0.5, 1e-9);
	assert_false(t[0].listed);
}

/* Simes over kinds: 0.01, 0.04, 0.30 → min(3·0.01/1, 3·0.04/2, 3·0.30/3) = 0.03. */
static void test_simes(void **state)
{
	(void)state;
	struct stat_tclass ev[] = {
		{ 0, STAT_TK_TWINS, 20, 0.30 },
		{ 0, STAT_TK_BUNCH, 20, 0.01 },
		{ 0, STAT_TK_HARD, 20, 0.04 },
	};
	struct stat_teacher t[1];
	stat_teacher_combine(ev, 3, 1, 0.05, t);
	NEAR(t[0].p_kind[STAT_TK_BUNCH], 0.01, 1e-9);
	NEAR(t[0].p_kind[STAT_TK_HARD], 0.04, 1e-9);
	NEAR(t[0].p_kind[STAT_TK_TWINS], 0.30, 1e-9);
	NEAR(t[0].p, 0.03, 1e-9);
	assert_int_equal(t[0].top, STAT_TK_BUNCH);
	/* 0.02 and 0.03: min(2·0.02, 2·0.03/2) = 0.03 (the second order statistic wins). */
	struct stat_tclass ev2[] = {
		{ 0, STAT_TK_FIT, 10, 0.02 },
		{ 0, STAT_TK_SCORING, 10, 0.03 },
	};
	stat_teacher_combine(ev2, 2, 1, 0.05, t);
	NEAR(t[0].p, 0.03, 1e-9);
}

/* BH over teachers: p = 0.001, 0.01, 0.03, 0.5 (m = 4) → adjusted 0.004, 0.02, 0.04, 0.5;
 * a teacher without evidence has no p and is never listed. */
static void test_bh(void **state)
{
	(void)state;
	struct stat_tclass ev[] = {
		{ 2, STAT_TK_LENIENT, 30, 0.03 },
		{ 0, STAT_TK_LENIENT, 30, 0.001 },
		{ 3, STAT_TK_LENIENT, 30, 0.5 },
		{ 1, STAT_TK_LENIENT, 30, 0.01 },
		{ 4, STAT_TK_LENIENT, 30, NAN },   /* skipped */
		{ 4, STAT_TK_BUNCH, 0, 0.0001 },   /* no works: skipped */
	};
	struct stat_teacher t[5];
	assert_int_equal(stat_teacher_combine(ev, 6, 5, 0.05, t), 3);
	NEAR(t[0].q_adj, 0.004, 1e-9);
	NEAR(t[1].q_adj, 0.02, 1e-9);
	NEAR(t[2].q_adj, 0.04, 1e-9);
	NEAR(t[3].q_adj, 0.5, 1e-9);
	assert_true(t[0].listed && t[1].listed && t[2].listed);
	assert_false(t[3].listed);
	assert_true(isnan(t[4].p));
	assert_false(t[4].listed);
	assert_int_equal(t[4].classes, 0);
	assert_int_equal(t[4].top, -1);
	assert_int_equal(stat_teacher_combine(ev, 6, 5, 0.03, t), 2);
	/* A teacher or kind out of range is refused. */
	struct stat_tclass bad[] = { { 5, STAT_TK_LENIENT, 30, 0.1 } };
	assert_int_equal(stat_teacher_combine(bad, 1, 5, 0.05, t), ERR_INVALID);
	struct stat_tclass bad2[] = { { 0, STAT_TK_COUNT, 30, 0.1 } };
	assert_int_equal(stat_teacher_combine(bad2, 1, 5, 0.05, t), ERR_INVALID);
}

/* journal_lenient per class: every work scores 5; class 0 (12 works) has journal mark 5,
 * class 1 (12 works) mark 3. The region at score 5: mean 4, variance 1. Class 0: obs 60,
 * expct 48, var 12, z = 12/√12 = √12; class 1: z = −√12. A class of 3 works is not
 * evaluable (min_n_group 10). */
static void test_lenient_classes(void **state)
{
	(void)state;
	struct stat_proc *p = stat_proc_new(0, STAT_COL_CLASS | STAT_COL_JOURNAL);
	p->max_score = 10;
	p->nschools = 1;
	p->nclasses = 3;
	stat_proc_reserve(p, 27);
	for (size_t i = 0; i < 27; i++) {
		p->school[i] = 0;
		p->class_id[i] = i < 12 ? 0 : i < 24 ? 1 : 2;
		p->score[i] = 5;
		p->journal[i] = i < 12 ? 5 : i < 24 ? 3 : 4;
	}
	p->n = 27;
	/* Region at score 5 with the third class too: marks 5×12, 3×12, 4×3: mean 4. */
	struct stat_tab t;
	assert_int_equal(stat_tab_build(p, &t), 0);
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	struct stat_zres out[3];
	struct stat_znull nul;
	assert_int_equal(stat_lenient_classes(p, &t, &cfg, &nul, out), 0);
	/* variance: (12·25 + 12·9 + 3·16)/27 − 16 = 456/27 − 16 = 0.8889 */
	double var = 456.0 / 27.0 - 16.0;
	assert_int_equal(out[0].n, 12);
	NEAR(out[0].obs, 60, 1e-9);
	NEAR(out[0].expct, 48, 1e-9);
	NEAR(out[0].var, 12 * var, 1e-9);
	NEAR(out[0].z, 12 / sqrt(12 * var), 1e-9);
	NEAR(out[1].z, -12 / sqrt(12 * var), 1e-9);
	assert_int_equal(out[0].status == STAT_NOT_EVALUABLE, 0);
	assert_int_equal(out[2].status, STAT_NOT_EVALUABLE);
	assert_true(out[0].p < 0.01 && out[1].p > 0.99);
	stat_tab_free(&t);
	stat_proc_free(p);
}

/* The boundary heap per class, one boundary b = 3 with window 1..4 and pi0 = 1/2, rho = 0:
 * class 0 scores 3, 3, 3, 4 → a = 4 of m = 4, p = 1/16; class 1 scores 1, 2, 3, 4 → a = 2,
 * p = P(Bin(4, 1/2) >= 2) = 11/16; class 2 only 9 → no window, NaN. */
static void test_bunch_classes(void **state)
{
	(void)state;
	struct stat_proc *p = stat_proc_new(0, STAT_COL_CLASS);
	p->max_score = 10;
	p->has_scale = true;
	p->scale[0] = 3;
	p->scale[1] = 6;
	p->scale[2] = 8;
	p->nschools = 1;
	p->nclasses = 3;
	const int sc[] = { 3, 3, 3, 4, 1, 2, 3, 4, 9 };
	const uint32_t cl[] = { 0, 0, 0, 0, 1, 1, 1, 1, 2 };
	stat_proc_reserve(p, 9);
	for (size_t i = 0; i < 9; i++) {
		p->school[i] = 0;
		p->class_id[i] = cl[i];
		p->score[i] = (int16_t)sc[i];
	}
	p->n = 9;
	struct stat_bunch_ref ref[3];
	memset(ref, 0, sizeof ref);
	ref[0].ok = true;
	ref[0].lo = 1;
	ref[0].hi = 4;
	ref[0].pi0 = 0.5;
	ref[0].rho = 0;
	struct stat_class_bunch out[3];
	assert_int_equal(stat_bunch_classes(p, ref, out), 0);
	assert_int_equal(out[0].nwin, 4);
	NEAR(out[0].p, 1.0 / 16, 1e-9);
	NEAR(out[1].p, 11.0 / 16, 1e-9);
	assert_int_equal(out[2].nwin, 0);
	assert_true(isnan(out[2].p));
	stat_proc_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),   cmocka_unit_test(test_stouffer),
		cmocka_unit_test(test_simes),   cmocka_unit_test(test_bh),
		cmocka_unit_test(test_lenient_classes), cmocka_unit_test(test_bunch_classes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
