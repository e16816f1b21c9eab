/* Unit tests of stats/recheck: the arithmetic of re-checking. Every expected value is known
 * by construction or computed by hand in the comment beside it. The mark scale of the
 * examples is {3, 6, 8}: 0–2 → «2», 3–5 → «3», 6–7 → «4», 8+ → «5». */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "stats/recheck.h"

#define NEAR(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))

static const int scale[3] = { 3, 6, 8 };

static void test_significant(void **state)
{
	(void)state;
	const struct rc_cfg cfg = RC_CFG_DEFAULT;
	/* A position 2 points apart, the totals equal (2 + 0 = 0 + 2): significant with or
	 * without a scale. */
	const uint8_t a1[] = { 2, 0 }, b1[] = { 0, 2 };
	assert_true(rc_significant(&cfg, NULL, a1, b1, 2));
	assert_true(rc_significant(&cfg, scale, a1, b1, 2));
	/* 1-point differences only, but 6 («4») against 5 («3»): significant by the mark,
	 * and not without a scale. */
	const uint8_t a2[] = { 1, 1, 1, 3 }, b2[] = { 1, 1, 1, 2 };
	assert_true(rc_significant(&cfg, scale, a2, b2, 4));
	assert_false(rc_significant(&cfg, NULL, a2, b2, 4));
	/* 1-point differences, the same total 4 («3»): not significant. */
	const uint8_t a3[] = { 1, 2, 1 }, b3[] = { 2, 1, 1 };
	assert_false(rc_significant(&cfg, scale, a3, b3, 3));
	/* A configured point_diff of 3 lets a 2-point position pass. */
	const struct rc_cfg wide = { 3, 1, 0.1 };
	assert_false(rc_significant(&wide, NULL, a1, b1, 2));
	assert_int_equal(rc_total(a2, 4), 6);
}

static void test_state(void **state)
{
	(void)state;
	const struct rc_cfg cfg = RC_CFG_DEFAULT;
	const uint8_t s1[] = { 2, 2, 1 }, close[] = { 2, 1, 1 }, far[] = { 0, 2, 1 },
		      third[] = { 1, 2, 1 };
	const uint8_t *f = close;
	assert_int_equal(rc_state_of(&cfg, scale, s1, NULL, NULL, 3, &f), RC_WAIT2);
	assert_null(f);
	/* 5 («3») against 4 («3»), one point on one position: check 2 is final. */
	assert_int_equal(rc_state_of(&cfg, scale, s1, close, NULL, 3, &f), RC_FINAL2);
	assert_ptr_equal(f, close);
	/* Position 1 two points apart: waits for check 3, which then is final. */
	assert_int_equal(rc_state_of(&cfg, scale, s1, far, NULL, 3, &f), RC_WAIT3);
	assert_null(f);
	assert_int_equal(rc_state_of(&cfg, scale, s1, far, third, 3, &f), RC_FINAL3);
	assert_ptr_equal(f, third);
	/* A check 3 is not used when check 2 agrees. */
	assert_int_equal(rc_state_of(&cfg, scale, s1, close, third, 3, &f), RC_FINAL2);
	assert_ptr_equal(f, close);
	assert_string_equal(rc_state_title(RC_WAIT2), "ждёт второй проверки");
	assert_string_equal(rc_state_title(RC_FINAL2), "проверена");
	assert_string_equal(rc_state_title(RC_WAIT3), "ждёт третьей проверки");
	assert_string_equal(rc_state_title(RC_FINAL3), "проверена третьим экспертом");
}

static void test_outcome(void **state)
{
	(void)state;
	const struct rc_cfg cfg = RC_CFG_DEFAULT; /* tolerance 1 */
	struct rc_outcome o;
	/* 7 («4») → 6 («4»): moved by exactly the tolerance, same mark: objective. */
	const uint8_t s7[] = { 3, 4 }, s6[] = { 3, 3 };
	rc_outcome_of(&cfg, scale, s7, s6, 2, &o);
	assert_int_equal(o.score1, 7);
	assert_int_equal(o.score_final, 6);
	assert_int_equal(o.mark1, 4);
	assert_int_equal(o.mark_final, 4);
	assert_int_equal(o.delta, 1);
	assert_true(o.objective);
	/* 8 («5») → 7 («4»): within the tolerance but the mark changed: not objective. */
	const uint8_t s8[] = { 4, 4 };
	rc_outcome_of(&cfg, scale, s8, s7, 2, &o);
	assert_int_equal(o.mark1, 5);
	assert_int_equal(o.mark_final, 4);
	assert_false(o.objective);
	/* On scale {3, 6, 9}: 8 («4») → 6 («4»): 2 points, past tolerance 1, within 2. */
	const int sc9[3] = { 3, 6, 9 };
	rc_outcome_of(&cfg, sc9, s8, s6, 2, &o);
	assert_int_equal(o.delta, 2);
	assert_int_equal(o.mark1, o.mark_final);
	assert_false(o.objective);
	const struct rc_cfg tol2 = { 2, 2, 0.1 };
	rc_outcome_of(&tol2, sc9, s8, s6, 2, &o);
	assert_true(o.objective);
	/* No scale: marks are 0, only the points count; the school under-scored by 1. */
	rc_outcome_of(&cfg, NULL, s6, s7, 2, &o);
	assert_int_equal(o.mark1, 0);
	assert_int_equal(o.delta, -1);
	assert_true(o.objective);
}

static struct rc_outcome oc(int s1, int sf, int m1, int mf, bool objective)
{
	return (struct rc_outcome){ s1, sf, m1, mf, s1 - sf, objective };
}

static void test_school(void **state)
{
	(void)state;
	struct rc_school s;
	/* Five works, each over-scored by 2 and a mark down: over 5, under 0 →
	 * p = P(X >= 5 | n = 5, 1/2) = 1/32 = 0.03125 < 0.05; objective 0/5 < 0.9: inflated. */
	struct rc_outcome o[6] = { oc(8, 6, 5, 4, false), oc(6, 4, 4, 3, false), oc(9, 7, 5, 4, false),
				   oc(5, 3, 3, 3, false), oc(3, 1, 3, 2, false) };
	rc_school_of(o, 5, &s);
	assert_int_equal(s.works, 5);
	assert_int_equal(s.objective, 0);
	NEAR(s.objective_share, 0, 0);
	NEAR(s.mean_delta, 2, 1e-15);
	assert_int_equal(s.down, 4);
	assert_int_equal(s.up, 0);
	assert_int_equal(s.over, 5);
	assert_int_equal(s.under, 0);
	NEAR(s.p, 1.0 / 32, 1e-15);
	assert_true(s.inflated);
	/* A sixth work under-scored by 1, 5 («3») → 6 («4»): a mark up. Over 5, under 1 →
	 * p = P(X >= 5 | 6) = (C(6,5) + C(6,6))/64 = 7/64; mean_delta = (2·5 − 1)/6 = 1.5:
	 * not inflated (p > 0.05). */
	o[5] = oc(5, 6, 3, 4, false);
	rc_school_of(o, 6, &s);
	assert_int_equal(s.up, 1);
	assert_int_equal(s.under, 1);
	NEAR(s.p, 7.0 / 64, 1e-15);
	NEAR(s.mean_delta, 1.5, 1e-15);
	assert_false(s.inflated);
	/* Four objective works out of four, all over by 1: p = 1/16 and share 1: not
	 * inflated. Ten works, nine objective (share 0.9 is the target itself) and every one
	 * over by 1: p = 1/1024 but the share is not below 0.9: not inflated. */
	struct rc_outcome q[10];
	for (int i = 0; i < 10; i++)
		q[i] = oc(7, 6, 4, 4, true);
	rc_school_of(q, 4, &s);
	NEAR(s.p, 1.0 / 16, 1e-15);
	assert_false(s.inflated);
	q[9] = oc(8, 7, 5, 4, false);
	rc_school_of(q, 10, &s);
	NEAR(s.objective_share, 0.9, 1e-15);
	NEAR(s.p, 1.0 / 1024, 1e-15);
	assert_false(s.inflated);
	/* ... and with eight objective of ten (share 0.8) it is. */
	q[8] = q[9];
	rc_school_of(q, 10, &s);
	assert_true(s.inflated);
	/* No works: NaN figures, p = 1, not inflated; equal scores: p = 1. */
	rc_school_of(NULL, 0, &s);
	assert_int_equal(s.works, 0);
	assert_true(isnan(s.objective_share) && isnan(s.mean_delta));
	NEAR(s.p, 1, 0);
	assert_false(s.inflated);
	q[0] = oc(5, 5, 3, 3, true);
	rc_school_of(q, 1, &s);
	NEAR(s.p, 1, 0);
}

static void test_positions(void **state)
{
	(void)state;
	/* Five works, three positions. Position 0: the school gave one point more in every
	 * work (over 5 → p = 1/32, mean 1). Position 1: always equal (p = 1, mean 0).
	 * Position 2: over in works 0 and 1, under in work 2 → p = P(X >= 2 | 3) = 4/8 = 0.5,
	 * mean (1 + 1 − 1)/5 = 0.2. */
	const uint8_t s1[5][3] = { { 2, 1, 2 }, { 1, 0, 1 }, { 2, 2, 0 }, { 1, 1, 1 }, { 1, 0, 2 } };
	const uint8_t sf[5][3] = { { 1, 1, 1 }, { 0, 0, 0 }, { 1, 2, 1 }, { 0, 1, 1 }, { 0, 0, 2 } };
	struct rc_position pos[3];
	memset(pos, 0, sizeof pos);
	for (int i = 0; i < 5; i++)
		rc_position_add(pos, s1[i], sf[i], 3);
	rc_position_finish(pos, 3);
	assert_int_equal(pos[0].works, 5);
	assert_int_equal(pos[0].over, 5);
	assert_int_equal(pos[0].under, 0);
	NEAR(pos[0].mean_delta, 1, 1e-15);
	NEAR(pos[0].p, 1.0 / 32, 1e-15);
	assert_int_equal(pos[1].over + pos[1].under, 0);
	NEAR(pos[1].mean_delta, 0, 0);
	NEAR(pos[1].p, 1, 0);
	assert_int_equal(pos[2].over, 2);
	assert_int_equal(pos[2].under, 1);
	NEAR(pos[2].mean_delta, 0.2, 1e-15);
	NEAR(pos[2].p, 0.5, 1e-15);
}

static void test_qwk(void **state)
{
	(void)state;
	/* x = {0, 1, 2, 3}, y = {0, 2, 2, 2}. Means 1.5 and 1.5. Population moments:
	 * var x = (2.25 + 0.25 + 0.25 + 2.25)/4 = 1.25; var y = (2.25 + 3·0.25)/4 = 0.75;
	 * cov = ((−1.5)(−1.5) + (−0.5)(0.5) + (0.5)(0.5) + (1.5)(0.5))/4 = 3/4 = 0.75;
	 * kappa = 2·0.75 / (1.25 + 0.75 + 0²) = 0.75. As Cohen's weighted kappa: observed mean
	 * (x − y)² = (0 + 1 + 0 + 1)/4 = 0.5, expected under independent margins = var x +
	 * var y + (mean x − mean y)² = 2, kappa = 1 − 0.5/2 = 0.75. */
	const int x[] = { 0, 1, 2, 3 }, y[] = { 0, 2, 2, 2 };
	NEAR(rc_qwk(x, y, 4), 0.75, 1e-15);
	/* A constant shift: x = {1, 2, 3}, y = {0, 1, 2}: var = cov = 2/3, shift² = 1;
	 * kappa = (4/3) / (2/3 + 2/3 + 1) = 4/7. */
	const int x2[] = { 1, 2, 3 }, y2[] = { 0, 1, 2 };
	NEAR(rc_qwk(x2, y2, 3), 4.0 / 7, 1e-15);
	/* Identical vectors: 1. Constant and equal: undefined. One pair: undefined. */
	NEAR(rc_qwk(x, x, 4), 1, 1e-15);
	const int c5[] = { 5, 5, 5 };
	assert_true(isnan(rc_qwk(c5, c5, 3)));
	assert_true(isnan(rc_qwk(x, y, 1)));

	/* The expert's accumulator gives the same kappa. Exact: pairs 0 and 2 → 2/4; within
	 * one point: all four → 1; mean expert − final = (0 − 1 + 0 + 1)/4 = 0. */
	struct rc_expert_acc a;
	memset(&a, 0, sizeof a);
	for (int i = 0; i < 4; i++)
		rc_expert_add(&a, x[i], y[i]);
	struct rc_expert e;
	rc_expert_finish(&a, &e);
	assert_int_equal(e.works, 4);
	NEAR(e.qwk, rc_qwk(x, y, 4), 1e-15);
	NEAR(e.exact, 0.5, 1e-15);
	NEAR(e.within1, 1, 1e-15);
	NEAR(e.mean_delta, 0, 1e-15);
	assert_int_equal(e.control, 0);
	assert_true(isnan(e.control_accuracy));
	/* A lenient expert (x2 against y2): mean +1, exact 0, within one 1. */
	memset(&a, 0, sizeof a);
	for (int i = 0; i < 3; i++)
		rc_expert_add(&a, x2[i], y2[i]);
	rc_expert_finish(&a, &e);
	NEAR(e.qwk, 4.0 / 7, 1e-15);
	NEAR(e.mean_delta, 1, 1e-15);
	NEAR(e.exact, 0, 0);
	/* No works: NaN shares. */
	memset(&a, 0, sizeof a);
	rc_expert_finish(&a, &e);
	assert_true(isnan(e.exact) && isnan(e.within1) && isnan(e.qwk) && isnan(e.mean_delta));
}

static void test_control(void **state)
{
	(void)state;
	const struct rc_cfg cfg = RC_CFG_DEFAULT;
	struct rc_expert_acc a;
	memset(&a, 0, sizeof a);
	/* Agreed 7 («4»): the expert's 6 («4», one point) is accurate, 5 («3») is not, 8
	 * («5») is not: accuracy 1/3. Control checks do not count as works. */
	const uint8_t agreed[] = { 3, 4 }, e6[] = { 3, 3 }, e5[] = { 2, 3 }, e8[] = { 4, 4 };
	rc_expert_add_control(&a, &cfg, scale, agreed, e6, 2);
	rc_expert_add_control(&a, &cfg, scale, agreed, e5, 2);
	rc_expert_add_control(&a, &cfg, scale, agreed, e8, 2);
	struct rc_expert e;
	rc_expert_finish(&a, &e);
	assert_int_equal(e.works, 0);
	assert_int_equal(e.control, 3);
	NEAR(e.control_accuracy, 1.0 / 3, 1e-15);
}

static void test_rules(void **state)
{
	(void)state;
	const char *bad = "x";
	assert_int_equal(rc_rules_parse("risk,boundary, random", &bad),
			 RC_RULE_RISK | RC_RULE_BOUNDARY | RC_RULE_RANDOM);
	assert_null(bad);
	assert_int_equal(rc_rules_parse("official,medal", &bad), RC_RULE_OFFICIAL | RC_RULE_MEDAL);
	assert_int_equal(rc_rules_parse("risk,bogus,random", &bad), 0);
	assert_string_equal(bad, "bogus");
	assert_int_equal(rc_rules_parse("", &bad), 0);
	assert_string_equal(bad, "");
	assert_int_equal(rc_rules_parse("risk,", &bad), 0);
	for (int i = 0; i < RC_RULE_COUNT; i++) {
		enum rc_rule r = (enum rc_rule)(1 << i);
		assert_int_equal(rc_rules_parse(rc_rule_id(r), NULL), r);
		assert_non_null(rc_rule_title(r));
	}
}

/* 30 schools of 4 works (scores 2, 5, 7, 10); schools 0–2 listed, 3 official, 4 with
 * medal candidates. */
#define NS 30
static void candidates(struct rc_candidate *c)
{
	static const int sc[4] = { 2, 5, 7, 10 };
	for (int s = 0; s < NS; s++)
		for (int k = 0; k < 4; k++)
			c[s * 4 + k] = (struct rc_candidate){ (uint32_t)s, sc[k], s < 3, s == 3,
							      s == 4 && k >= 2, false };
}

static size_t count(const unsigned *why, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += why[i] != 0;
	return k;
}

static void test_sample(void **state)
{
	(void)state;
	struct rc_candidate c[NS * 4];
	unsigned w1[NS * 4], w2[NS * 4], w3[NS * 4];
	candidates(c);
	/* Random only, share 0.2 of the 26 other schools (4–29: school 4's medal works do not
	 * make it listed): round(0.2 · 26) = round(5.2) = 5 schools, all their works. */
	struct rc_sample_params p = { RC_RULE_RANDOM, 0.2, 42, scale };
	size_t n1 = rc_sample(c, NS * 4, &p, w1);
	assert_int_equal(n1, 5 * 4);
	assert_int_equal(count(w1, NS * 4), n1);
	for (int s = 0; s < NS; s++) {
		int k = 0;
		for (int i = 0; i < 4; i++) {
			k += w1[s * 4 + i] != 0;
			if (w1[s * 4 + i])
				assert_int_equal(w1[s * 4 + i], RC_RULE_RANDOM);
		}
		assert_true(k == 0 || k == 4);        /* whole schools */
		if (s < 4)
			assert_int_equal(k, 0);         /* never listed or official schools */
	}
	/* Reproducible; another seed, other schools. */
	assert_int_equal(rc_sample(c, NS * 4, &p, w2), n1);
	assert_memory_equal(w1, w2, sizeof w1);
	p.seed = 43;
	assert_int_equal(rc_sample(c, NS * 4, &p, w3), n1);
	assert_memory_not_equal(w1, w3, sizeof w1);
	/* At least one school however small the share. */
	p.share = 0.001;
	assert_int_equal(rc_sample(c, NS * 4, &p, w1), 4);

	/* Reasons in order: risk before official, medal, boundary; the medal works of school
	 * 4 are medal; boundary (scale {3, 6, 8}: scores 2–9) adds nothing to schools 0–3,
	 * already whole. */
	p = (struct rc_sample_params){ RC_RULE_RISK | RC_RULE_OFFICIAL | RC_RULE_MEDAL |
					       RC_RULE_BOUNDARY, 1, 7, scale };
	c[0].medal = true;
	c[12].medal = true; /* school 3: official before medal */
	assert_int_equal(rc_sample(c, NS * 4, &p, w1), 3 * 4 + 4 + 2);
	for (int i = 0; i < 12; i++)
		assert_int_equal(w1[i], RC_RULE_RISK);
	for (int i = 12; i < 16; i++)
		assert_int_equal(w1[i], RC_RULE_OFFICIAL);
	assert_int_equal(w1[16], 0);
	assert_int_equal(w1[17], 0);
	assert_int_equal(w1[18], RC_RULE_MEDAL);
	assert_int_equal(w1[19], RC_RULE_MEDAL);
	/* Boundary alone picks exactly b−1..b+1 of listed and official schools: 2, 5 and 7
	 * (in 2–4, 5–7, 7–9), never 10, never another school. */
	p.rules = RC_RULE_BOUNDARY;
	assert_int_equal(rc_sample(c, NS * 4, &p, w1), 4 * 3);
	for (int i = 0; i < NS * 4; i++)
		assert_int_equal(w1[i], i < 16 && c[i].score != 10 ? RC_RULE_BOUNDARY : 0);
	/* Boundary and random: random still only among the other schools. */
	p.rules = RC_RULE_BOUNDARY | RC_RULE_RANDOM;
	p.share = 1;
	assert_int_equal(rc_sample(c, NS * 4, &p, w1), 4 * 3 + 26 * 4);
	assert_int_equal(w1[3], 0);
	assert_int_equal(w1[16], RC_RULE_RANDOM);
	/* No scale: boundary chooses none. */
	p.rules = RC_RULE_BOUNDARY;
	p.scale = NULL;
	assert_int_equal(rc_sample(c, NS * 4, &p, w1), 0);

	/* Taken works are never chosen, by any rule. Every rule with share 1: risk 12 − 1,
	 * official 4 − 1, medal work 19 (18 is taken), random school 4's works 16 and 17 and
	 * 3 of each of schools 5–29: 11 + 3 + 1 + 2 + 75 = 92 = 120 − 3 − 25. */
	c[1].taken = c[13].taken = c[18].taken = true;
	for (int s = 5; s < NS; s++)
		c[s * 4].taken = true;
	p = (struct rc_sample_params){ RC_RULE_RISK | RC_RULE_OFFICIAL | RC_RULE_MEDAL |
					       RC_RULE_BOUNDARY | RC_RULE_RANDOM, 1, 9, scale };
	size_t n = rc_sample(c, NS * 4, &p, w1);
	for (int i = 0; i < NS * 4; i++)
		if (c[i].taken)
			assert_int_equal(w1[i], 0);
	assert_int_equal(n, NS * 4 - 3 - (NS - 5));

	/* A share of each school's works: 10 works of one listed school, 0.3 → 3; a school of
	 * one work, 0.3 → round(0.3) = 0, at least 1. */
	struct rc_candidate d[11];
	for (int i = 0; i < 11; i++)
		d[i] = (struct rc_candidate){ i < 10 ? 0u : 1u, i, true, false, false, false };
	p = (struct rc_sample_params){ RC_RULE_RISK, 0.3, 5, scale };
	assert_int_equal(rc_sample(d, 11, &p, w1), 4);
	assert_int_equal(count(w1, 10), 3);
	assert_int_equal(w1[10], RC_RULE_RISK);
	/* A share 0 or nothing to draw from: none. */
	p.share = 0;
	assert_int_equal(rc_sample(d, 11, &p, w1), 0);
	assert_int_equal(count(w1, 11), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_significant), cmocka_unit_test(test_state),
		cmocka_unit_test(test_outcome),     cmocka_unit_test(test_school),
		cmocka_unit_test(test_positions),   cmocka_unit_test(test_qwk),
		cmocka_unit_test(test_control),     cmocka_unit_test(test_rules),
		cmocka_unit_test(test_sample),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
