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
#include "stats/tests.h"

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
	/* With the journal kind (K = 3): weights 3/2 and 3/4, 3/4; Q = 0,01/1,5, 0,04/0,75,
	 * 0,30/0,75 → min(3·0,00667, 3·0,0533/2, 3·0,4/3) = 0,02. */
	struct stat_tclass ev3[] = {
		{ 0, STAT_TK_TWINS, 20, 0.30 },
		{ 0, STAT_TK_LENIENT, 20, 0.01 },
		{ 0, STAT_TK_HARD, 20, 0.04 },
	};
	stat_teacher_combine(ev3, 3, 1, 0.05, t);
	NEAR(t[0].p, 0.02, 1e-9);
	assert_int_equal(t[0].top, STAT_TK_LENIENT);
	/* Every kind (seven), the journal 0,001, the others 0,5: weight 7/2 → 7·0,001/3,5 =
	 * 0,002 (with six kinds, weight 3: 6·0,001/3, the same). */
	struct stat_tclass ev6[STAT_TK_COUNT];
	for (int k = 0; k < STAT_TK_COUNT; k++)
		ev6[k] = (struct stat_tclass){ 0, (uint8_t)k, 20, k == STAT_TK_LENIENT ? 0.001 : 0.5 };
	stat_teacher_combine(ev6, STAT_TK_COUNT, 1, 0.05, t);
	NEAR(t[0].p, 0.002, 1e-9);
	/* K = 2 with the journal: both weights 1, plain Simes: min(2·0,01, 2·0,5/2) = 0,02. */
	struct stat_tclass ev7[] = {
		{ 0, STAT_TK_LENIENT, 20, 0.5 },
		{ 0, STAT_TK_FIT, 20, 0.01 },
	};
	stat_teacher_combine(ev7, 2, 1, 0.05, t);
	NEAR(t[0].p, 0.02, 1e-9);
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

/* journal_lenient per class, the school sign's ratio term. Maximum 10 without a scale, so
 * the works of mark >= 4 are those scoring >= 5. Class D: 20 works at score 8, journal «5»;
 * class A: 12 works at score 2, «5»; class B: 12 at score 2, «3»; class C: 3 at score 2,
 * «4». Among works scoring >= 5 every mark is «5»: q = (0, 0, 0, 1), so f = 0 for «2»-«4»
 * and at score 2 f5 = 1 / pt5 with pt5 = (12 + 10·32/47) / (27 + 10) (alpha 10 pseudo-works
 * spread as the region's marks: «5» 32 of 47). At score 2 the share of «5» is s = 12/27 =
 * 4/9: μ = s f5, var = s(1−s) f5², k3 = s(1−s)(1−2s) f5³. Class A: res = 12 f5 (1−s),
 * z = √(12 (1−s)/s) = √15, skewness (1−2s)/√(12 s(1−s)) = 1/√240; class B: res = −12 s f5,
 * z = −√(12 s/(1−s)) = −√9.6. Class D: every work at score 8 is «5», the term equals its
 * mean: var 0, not evaluable; class C has 3 works (min_n_group 10). */
static struct stat_proc *lenient_region(void)
{
	struct stat_proc *p = stat_proc_new(0, STAT_COL_CLASS | STAT_COL_JOURNAL);
	p->max_score = 10;
	p->nschools = 1;
	p->nclasses = 4;
	stat_proc_reserve(p, 47);
	for (size_t i = 0; i < 47; i++) {
		p->school[i] = 0;
		p->class_id[i] = i < 12 ? 0 : i < 24 ? 1 : i < 27 ? 2 : 3;
		p->score[i] = i < 27 ? 2 : 8;
		p->journal[i] = i < 12 ? 5 : i < 24 ? 3 : i < 27 ? 4 : 5;
	}
	p->n = 47;
	return p;
}

static void test_lenient_classes(void **state)
{
	(void)state;
	struct stat_proc *p = lenient_region();
	struct stat_tab t;
	assert_int_equal(stat_tab_build(p, &t), 0);
	double s = 12.0 / 27.0, f5 = 37.0 / (12.0 + 320.0 / 47.0);
	struct stat_tjsums sm[4];
	assert_int_equal(stat_lenient_class_sums(p, &t, sm), 0);
	assert_int_equal(sm[0].n, 12);
	NEAR(sm[0].res, 12 * f5 * (1 - s), 1e-9);
	NEAR(sm[0].ss, 12 * f5 * f5 * (1 - s) * (1 - s), 1e-9);
	NEAR(sm[0].var, 12 * s * (1 - s) * f5 * f5, 1e-9);
	NEAR(sm[0].k3, 12 * s * (1 - s) * (1 - 2 * s) * f5 * f5 * f5, 1e-9);
	NEAR(sm[1].res, -12 * s * f5, 1e-9);
	assert_int_equal(sm[3].n, 20);
	NEAR(sm[3].res, 0, 1e-9);
	NEAR(sm[3].var, 0, 1e-12);
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	struct stat_zres out[4];
	struct stat_znull nul;
	assert_int_equal(stat_lenient_classes(p, &t, &cfg, &nul, out), 0);
	assert_int_equal(out[0].n, 12);
	NEAR(out[0].z, sqrt(15.0), 1e-9);
	NEAR(out[1].z, -sqrt(9.6), 1e-9);
	/* Two classes are too few for the empirical null: zc = z; the Pearson type III tail. */
	NEAR(out[0].zc, out[0].z, 1e-12);
	NEAR(out[0].p, stat_pearson3_upper(sqrt(15.0), 1 / sqrt(240.0)), 1e-12);
	assert_int_equal(out[0].status == STAT_NOT_EVALUABLE, 0);
	assert_int_equal(out[2].status, STAT_NOT_EVALUABLE);
	assert_int_equal(out[3].status, STAT_NOT_EVALUABLE);
	assert_true(out[0].p < 0.01 && out[1].p > 0.99);
	stat_tab_free(&t);
	stat_proc_free(p);
	/* Without journal marks: nothing. */
	p = stat_proc_new(0, STAT_COL_CLASS);
	p->max_score = 10;
	p->nschools = 1;
	p->nclasses = 1;
	stat_proc_reserve(p, 1);
	p->school[0] = 0;
	p->class_id[0] = 0;
	p->score[0] = 3;
	p->n = 1;
	assert_int_equal(stat_tab_build(p, &t), 0);
	assert_int_equal(stat_lenient_class_sums(p, &t, sm), 0);
	assert_int_equal(sm[0].n, 0);
	stat_tab_free(&t);
	stat_proc_free(p);
}

/* The contrast with the school. School 0: teacher 0's class n 20, R 10, V 20, K 5 and a
 * class with no teacher n 40, R 8, V 40, K 8, ss 40: δ = 8/40 = 0,2, a = 20/40 = 1/2,
 * A = 10 − 20·0,2 = 6, V = 20 + 40/4 = 30, z = 6/√30, skewness (5 − 8/8)/30^{3/2}; the
 * other works' spread (40 − 8²/40)/40 = 0,96 < 1 leaves φ = 1. School 1: teacher 1 alone,
 * n 16, R 4, V 16: z = 1 against nothing (the whole school). School 2: teacher 2 with 15
 * works and 5 other works (fewer than min_other 10): the whole school too. Three teachers
 * are too few for the empirical null (min_null 30): p is the Pearson type III tail of z. */
static void test_contrast(void **state)
{
	(void)state;
	struct stat_tcclass cl[] = {
		{ 0, 0, 20, 10, 20, 5, 0, STAT_TK_LENIENT },
		{ STAT_TNONE, 0, 40, 8, 40, 8, 40, STAT_TK_LENIENT },
		{ 1, 1, 16, 4, 16, 0, 0, STAT_TK_LENIENT },
		{ 2, 2, 15, 3, 15, 0, 0, STAT_TK_LENIENT },
		{ STAT_TNONE, 2, 5, 5, 5, 0, 0, STAT_TK_LENIENT },
	};
	struct stat_tcontrast o[4];
	struct stat_tcnull nul;
	assert_int_equal(stat_teacher_contrast(cl, 5, 4, 3, 10, 30, true, o, &nul), 0);
	assert_true(o[0].contrast);
	assert_int_equal(o[0].n, 20);
	assert_int_equal(o[0].n_other, 40);
	NEAR(o[0].shift, 0.2, 1e-12);
	NEAR(o[0].phi, 1, 1e-12);
	double g = 4 / pow(30, 1.5);
	NEAR(o[0].p, stat_pearson3_upper(6 / sqrt(30.0), g), 1e-12);
	NEAR(o[0].p, upper(o[0].zc), 1e-12);
	assert_false(o[1].contrast);
	NEAR(o[1].z, 1, 1e-9);
	NEAR(o[1].p, upper(1), 1e-12);
	assert_false(o[2].contrast);
	assert_int_equal(o[2].n_other, 5);
	NEAR(o[2].z, 3 / sqrt(15.0), 1e-9);
	/* Teacher 3 has no works: no p. */
	assert_true(isnan(o[3].p));
	assert_int_equal(nul.contrast.n, 1);
	assert_int_equal(nul.whole.n, 2);
	NEAR(nul.contrast.scale, 1, 0);
	/* The other works twice as spread as the null: ss = 2·40 + 8²/40 → φ = 2, V = 60;
	 * without dispersion φ stays 1. */
	cl[1].ss = 80 + 64.0 / 40;
	assert_int_equal(stat_teacher_contrast(cl, 5, 4, 3, 10, 30, true, o, NULL), 0);
	NEAR(o[0].phi, 2, 1e-12);
	NEAR(o[0].p, stat_pearson3_upper(6 / sqrt(60.0), g), 1e-12);
	assert_int_equal(stat_teacher_contrast(cl, 5, 4, 3, 10, 30, false, o, NULL), 0);
	NEAR(o[0].phi, 1, 1e-12);
	NEAR(o[0].p, stat_pearson3_upper(6 / sqrt(30.0), g), 1e-12);
	/* A teacher in two schools, a school or teacher out of range: refused. */
	struct stat_tcclass two[] = { { 0, 0, 10, 1, 10, 0, 0, 0 }, { 0, 1, 10, 1, 10, 0, 0, 0 } };
	assert_int_equal(stat_teacher_contrast(two, 2, 1, 2, 10, 30, true, o, NULL), ERR_INVALID);
	struct stat_tcclass far[] = { { 0, 5, 10, 1, 10, 0, 0, 0 } };
	assert_int_equal(stat_teacher_contrast(far, 1, 1, 2, 10, 30, true, o, NULL), ERR_INVALID);
	struct stat_tcclass who[] = { { 3, 0, 10, 1, 10, 0, 0, 0 } };
	assert_int_equal(stat_teacher_contrast(who, 1, 1, 2, 10, 30, true, o, NULL), ERR_INVALID);
}

/* The empirical null of a family: 40 teachers alone in their schools with z = −19,5, −18,5,
 * …, 19,5 (n 1, V 1, R = z): median 0, MAD 10, scale 14,826; the last teacher's zc =
 * 19,5/14,826. */
static void test_contrast_null(void **state)
{
	(void)state;
	struct stat_tcclass cl[40];
	for (uint32_t i = 0; i < 40; i++)
		cl[i] = (struct stat_tcclass){ i, i, 1, -19.5 + i, 1, 0, 0, STAT_TK_HARD };
	struct stat_tcontrast o[40];
	struct stat_tcnull nul;
	assert_int_equal(stat_teacher_contrast(cl, 40, 40, 40, 10, 30, false, o, &nul), 0);
	assert_int_equal(nul.whole.n, 40);
	NEAR(nul.whole.center, 0, 1e-12);
	NEAR(nul.whole.scale, 14.826, 1e-9);
	NEAR(o[39].zc, 19.5 / 14.826, 1e-9);
	NEAR(o[39].p, upper(19.5 / 14.826), 1e-12);
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

/* A work of three positions scored s1 by the school and sf by the experts (no scale:
 * marks 0; the default tolerance 1). */
static struct rc_outcome work(const uint8_t s1[3], const uint8_t sf[3])
{
	struct rc_cfg cfg = RC_CFG_DEFAULT;
	struct rc_outcome o;
	rc_outcome_of(&cfg, NULL, s1, sf, 3, &o);
	return o;
}

/* The re-check kind: a class whose every re-checked work was over-scored by 2 points
 * (5 works) → the sign test's p = (1/2)^5 = 1/32; exact agreement → no work moved → NaN (no
 * evidence); 5 over and 1 under → P(X >= 5 | 6, 1/2) = 7/64; all under → 1. */
static void test_recheck_class(void **state)
{
	(void)state;
	static const uint8_t school[3] = { 2, 2, 1 }, over2[3] = { 1, 1, 1 }, same[3] = { 2, 2, 1 },
			     under1[3] = { 2, 2, 2 };
	struct rc_outcome o[6];
	for (int i = 0; i < 5; i++)
		o[i] = work(school, over2);
	assert_int_equal(o[0].delta, 2);
	assert_false(o[0].objective);
	NEAR(stat_recheck_p(o, 5), 1.0 / 32, 1e-15);
	o[5] = work(school, under1);
	assert_int_equal(o[5].delta, -1);
	NEAR(stat_recheck_p(o, 6), 7.0 / 64, 1e-15);
	NEAR(stat_recheck_p(o + 5, 1), 1.0, 1e-15);
	for (int i = 0; i < 4; i++)
		o[i] = work(school, same);
	assert_true(isnan(stat_recheck_p(o, 4)));
	assert_true(isnan(stat_recheck_p(o, 0)));
}

/* Per teacher, the works of all its classes pooled: teacher 0 has a class of 3 works over
 * by 2 (class p 1/8) and one of 2 over and 1 exact (1/4): pooled, 5 over of 5 moved → 1/32,
 * 6 works (Stouffer's z over the two class p-values would give 0,098); teacher 1's works
 * all agree → NaN with 2 works; teacher 2 has none → NaN, 0 works. Combined with a journal
 * p of 0,5 (K = 2: plain Simes) → min(2/32, 2·0,5/2) = 1/16, the re-check the top kind. */
static void test_recheck_teacher(void **state)
{
	(void)state;
	static const uint8_t school[3] = { 2, 2, 1 }, over2[3] = { 1, 1, 1 }, same[3] = { 2, 2, 1 };
	struct stat_trecheck w[8];
	size_t n = 0;
	for (int i = 0; i < 3; i++)
		w[n++] = (struct stat_trecheck){ 0, work(school, over2) };
	w[n++] = (struct stat_trecheck){ 1, work(school, same) };
	for (int i = 0; i < 2; i++)
		w[n++] = (struct stat_trecheck){ 0, work(school, over2) };
	w[n++] = (struct stat_trecheck){ 0, work(school, same) };
	w[n++] = (struct stat_trecheck){ 1, work(school, same) };
	uint32_t works[3];
	double p[3];
	assert_int_equal(stat_teacher_recheck(w, n, 3, works, p), 0);
	assert_int_equal(works[0], 6);
	NEAR(p[0], 1.0 / 32, 1e-15);
	assert_int_equal(works[1], 2);
	assert_true(isnan(p[1]));
	assert_int_equal(works[2], 0);
	assert_true(isnan(p[2]));
	struct stat_tclass ev[] = {
		{ 0, STAT_TK_RECHECK, works[0], p[0] },
		{ 0, STAT_TK_LENIENT, 30, 0.5 },
	};
	struct stat_teacher t[1];
	stat_teacher_combine(ev, 2, 1, 0.05, t);
	NEAR(t[0].p_kind[STAT_TK_RECHECK], 1.0 / 32, 1e-12);
	NEAR(t[0].p, 1.0 / 16, 1e-12);
	assert_int_equal(t[0].top, STAT_TK_RECHECK);
	assert_string_equal(stat_tkind_name(STAT_TK_RECHECK), "recheck_inflated");
	/* A teacher out of range is refused. */
	assert_int_equal(stat_teacher_recheck(w, n, 1, works, p), ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),   cmocka_unit_test(test_stouffer),
		cmocka_unit_test(test_simes),   cmocka_unit_test(test_bh),
		cmocka_unit_test(test_lenient_classes), cmocka_unit_test(test_bunch_classes),
		cmocka_unit_test(test_contrast), cmocka_unit_test(test_contrast_null),
		cmocka_unit_test(test_recheck_class), cmocka_unit_test(test_recheck_teacher),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
