/* Unit tests of the assignment engine (src/assign/engine.c): the checker on hand-made
 * answers, the solver against brute force on hundreds of small random problems (every
 * legal assignment enumerated, the best level tuple found lexicographically), hand-made
 * cases whose answer is known by construction, anti-capture (seeds), bad input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assign/assign.h"
#include "base/err.h"

/* ---- a small random problem ---- */

struct small {
	struct assign_sitting sit[8];
	struct assign_person people[4];
	int days[4][4];
	struct assign_pair conf[8], prev[8];
	struct assign_problem p;
};

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng_state >> 33) % n;
}

static void small_make(struct small *m, uint64_t seed)
{
	memset(m, 0, sizeof *m);
	rng_state = seed * 2654435761ULL + 1;
	int ns = 1 + (int)rnd(6), np = 1 + (int)rnd(4), nd = 1 + (int)rnd(3), nsl = 1 + (int)rnd(2);
	int nschools = 1 + (int)rnd(5), nmun = 1 + (int)rnd(3);
	for (int s = 0; s < ns; s++) {
		struct assign_sitting *st = &m->sit[s];
		st->day = 100 + (int)rnd((uint32_t)nd);
		st->slot = 540 + 120 * (int)rnd((uint32_t)nsl);
		st->school = (int)rnd((uint32_t)nschools);
		/* a school lies in one municipality; some are unknown */
		st->municipality = st->school % (nmun + 1) == nmun ? -1 : st->school % (nmun + 1);
		st->priority = rnd(3) == 0;
		st->fixed = rnd(8) == 0 ? (int)rnd((uint32_t)np) : -1;
	}
	for (int i = 0; i < np; i++) {
		struct assign_person *pp = &m->people[i];
		pp->municipality = rnd(5) == 0 ? -1 : (int)rnd((uint32_t)nmun);
		pp->max_per_day = 1 + (int)rnd(3) / 2;
		if (rnd(2)) {
			int k = 0;
			for (int d = 0; d < nd; d++)
				if (rnd(3) != 0)
					m->days[i][k++] = 100 + d;
			if (rnd(4) == 0)
				m->days[i][k++] = 99; /* a day without sittings */
			pp->days = m->days[i];
			pp->ndays = k;
			if (k == 0) { /* an empty list would mean "any day": keep a day off */
				m->days[i][0] = 200;
				pp->ndays = 1;
			}
		}
	}
	int nc = (int)rnd(5), npv = (int)rnd(5);
	for (int i = 0; i < nc; i++)
		m->conf[i] = (struct assign_pair){(int)rnd((uint32_t)np), (int)rnd((uint32_t)nschools)};
	for (int i = 0; i < npv; i++)
		m->prev[i] = (struct assign_pair){(int)rnd((uint32_t)np), (int)rnd((uint32_t)nschools)};
	m->p = (struct assign_problem){m->sit, ns, m->people, np, nschools, m->conf, nc, m->prev, npv,
				       seed};
}

/* The goal as a tuple to maximise: priority covered, others covered, -repeats, same
 * municipality, -load squares. */
static int tuple_cmp(const struct assign_result *a, const struct assign_result *b)
{
	long long x[5] = {a->priority_covered, a->others_covered, -a->repeats, a->same_municipality,
			  -a->load_squares};
	long long y[5] = {b->priority_covered, b->others_covered, -b->repeats, b->same_municipality,
			  -b->load_squares};
	for (int i = 0; i < 5; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

/* Every assignment (each free sitting: nobody or any person), the best legal tuple. */
static bool brute_best(const struct assign_problem *p, struct assign_result *best)
{
	int ns = p->nsittings, who[8];
	bool found = false;
	for (int s = 0; s < ns; s++)
		who[s] = p->sittings[s].fixed >= 0 ? p->sittings[s].fixed : -1;
	for (;;) {
		struct assign_result r;
		if (assign_evaluate(p, who, &r) && (!found || tuple_cmp(&r, best) > 0)) {
			*best = r;
			found = true;
		}
		int s = 0;
		for (; s < ns; s++) {
			if (p->sittings[s].fixed >= 0)
				continue;
			if (++who[s] < p->npeople)
				break;
			who[s] = -1;
		}
		if (s == ns)
			break;
	}
	return found;
}

static void solve_ok(const struct assign_problem *p, struct assign_result *r)
{
	char msg[256];
	int rc = assign_solve(p, r, msg, sizeof msg);
	if (rc)
		fail_msg("assign_solve: %d %s", rc, msg);
}

/* ---- the checker ---- */

static void test_evaluate_rules(void **state)
{
	int days0[] = {10};
	struct assign_sitting sit[] = {
		{10, 540, 0, 1, true, -1},  /* 0: day 10 9:00 school 0 */
		{10, 540, 1, 2, false, -1}, /* 1: same slot, school 1 */
		{10, 660, 2, 1, false, -1}, /* 2: day 10 11:00 */
		{11, 540, 3, -1, false, -1} /* 3: day 11 */
	};
	struct assign_person people[] = {{1, 1, days0, 1}, {2, 2, NULL, 0}};
	struct assign_pair conf[] = {{1, 2}};
	struct assign_pair prev[] = {{0, 0}};
	struct assign_problem p = {sit, 4, people, 2, 4, conf, 1, prev, 1, 1};
	struct assign_result r;

	int legal[] = {0, 1, -1, 1};
	assert_true(assign_evaluate(&p, legal, &r));
	assert_int_equal(r.priority, 1);
	assert_int_equal(r.priority_covered, 1);
	assert_int_equal(r.others, 3);
	assert_int_equal(r.others_covered, 2);
	assert_int_equal(r.repeats, 1);           /* person 0 at school 0 again */
	assert_int_equal(r.same_municipality, 2); /* 0 in 1, 1 in 2; sitting 3 unknown */
	assert_int_equal(r.load_squares, 1 + 4);

	int slot_twice[] = {1, 1, -1, -1};
	assert_false(assign_evaluate(&p, slot_twice, &r));
	int day_limit[] = {0, -1, 0, -1}; /* person 0: one a day */
	assert_false(assign_evaluate(&p, day_limit, &r));
	int conflict[] = {-1, -1, 1, -1};
	assert_false(assign_evaluate(&p, conflict, &r));
	int unavailable[] = {-1, -1, -1, 0}; /* person 0 only on day 10 */
	assert_false(assign_evaluate(&p, unavailable, &r));
	int out_of_range[] = {2, -1, -1, -1};
	assert_false(assign_evaluate(&p, out_of_range, &r));

	/* fixed sittings are kept, counted, and not re-checked; new ones must respect them */
	sit[2].fixed = 1; /* person 1 at its conflict school, by hand */
	int fixed_kept[] = {-1, -1, 1, -1};
	assert_true(assign_evaluate(&p, fixed_kept, &r));
	int fixed_changed[] = {-1, -1, 0, -1};
	assert_false(assign_evaluate(&p, fixed_changed, &r));
	sit[0].fixed = 0;
	sit[1].fixed = 0; /* two fixed in one slot: the caller's choice */
	int two_fixed[] = {0, 0, 1, -1};
	assert_true(assign_evaluate(&p, two_fixed, &r));
	sit[1].fixed = -1;
	int beside_fixed[] = {0, 0, 1, -1}; /* a new one in the slot of a fixed one */
	assert_false(assign_evaluate(&p, beside_fixed, &r));
}

/* ---- brute force ---- */

static void test_small_random_optimal(void **state)
{
	int cases = 0, covered = 0, nontrivial = 0;
	for (uint64_t seed = 1; seed <= 1500; seed++) {
		struct small m;
		small_make(&m, seed);
		struct assign_result best, r;
		bool any = brute_best(&m.p, &best);
		assert_true(any); /* nobody anywhere is always legal */
		solve_ok(&m.p, &r);
		/* hard rules: the answer passes the checker */
		struct assign_result again;
		assert_true(assign_evaluate(&m.p, r.person, &again));
		assert_int_equal(tuple_cmp(&again, &r), 0);
		if (tuple_cmp(&r, &best) != 0)
			fail_msg("seed %llu: solver (%ld,%ld,%ld,%ld,%lld) brute force (%ld,%ld,%ld,%ld,%lld)",
				 (unsigned long long)seed, r.priority_covered, r.others_covered,
				 r.repeats, r.same_municipality, r.load_squares,
				 best.priority_covered, best.others_covered, best.repeats,
				 best.same_municipality, best.load_squares);
		covered += r.priority_covered + r.others_covered > 0;
		nontrivial += best.repeats > 0 || best.load_squares > best.priority_covered + best.others_covered;
		assign_result_free(&r);
		cases++;
	}
	assert_int_equal(cases, 1500);
	/* the generator makes problems where the levels matter */
	assert_true(covered > 1000);
	assert_true(nontrivial > 100);
}

/* ---- anti-capture ---- */

static void interchangeable(struct assign_sitting *sit, struct assign_person *people, int n)
{
	for (int i = 0; i < n; i++) {
		sit[i] = (struct assign_sitting){10, 540, i, 3, false, -1};
		people[i] = (struct assign_person){3, 1, NULL, 0};
	}
}

static void test_seed_draw(void **state)
{
	struct assign_sitting sit[6];
	struct assign_person people[6];
	interchangeable(sit, people, 6);
	struct assign_problem p = {sit, 6, people, 6, 6, NULL, 0, NULL, 0, 1};
	struct assign_result a, b, c;
	solve_ok(&p, &a);
	solve_ok(&p, &c);
	p.seed = 2;
	solve_ok(&p, &b);
	assert_memory_equal(a.person, c.person, sizeof(int) * 6); /* same seed, same answer */
	assert_memory_not_equal(a.person, b.person, sizeof(int) * 6);
	assert_int_equal(tuple_cmp(&a, &b), 0);
	assert_int_equal(a.others_covered, 6);
	assert_int_equal(a.load_squares, 6);
	/* over 20 seeds every sitting sees several observers */
	int seen[6] = {0};
	for (uint64_t seed = 1; seed <= 20; seed++) {
		struct assign_result r;
		p.seed = seed;
		solve_ok(&p, &r);
		assert_int_equal(tuple_cmp(&r, &a), 0);
		for (int s = 0; s < 6; s++)
			seen[s] |= 1 << r.person[s];
		assign_result_free(&r);
	}
	for (int s = 0; s < 6; s++)
		assert_true(__builtin_popcount((unsigned)seen[s]) >= 3);
	assign_result_free(&a);
	assign_result_free(&b);
	assign_result_free(&c);
}

/* ---- hand-made cases ---- */

static void test_priority_first(void **state)
{
	/* A (max one a day) can take P, O1 or O2; B only O1 (conflicts at P's and O2's
	 * schools). Two ordinary sittings (A->O2, B->O1) lose to the priority one. */
	struct assign_sitting sit[] = {
		{10, 540, 0, 0, true, -1},  /* P */
		{10, 660, 1, 0, false, -1}, /* O1 */
		{10, 780, 2, 0, false, -1}, /* O2 */
	};
	struct assign_person people[] = {{0, 1, NULL, 0}, {0, 1, NULL, 0}};
	struct assign_pair conf[] = {{1, 0}, {1, 2}};
	struct assign_problem p = {sit, 3, people, 2, 3, conf, 2, NULL, 0, 7};
	for (uint64_t seed = 1; seed <= 10; seed++) {
		struct assign_result r;
		p.seed = seed;
		solve_ok(&p, &r);
		assert_int_equal(r.person[0], 0);
		assert_int_equal(r.person[1], 1);
		assert_int_equal(r.person[2], -1);
		assert_int_equal(r.priority_covered, 1);
		assert_int_equal(r.others_covered, 1);
		assign_result_free(&r);
	}
	/* without the priority flag two ordinary ones are covered (A at P or O2, B at O1) */
	sit[0].priority = false;
	struct assign_result r;
	solve_ok(&p, &r);
	assert_int_equal(r.others_covered, 2);
	assert_int_equal(r.person[1], 1);
	assign_result_free(&r);
}

static void test_conflict_never(void **state)
{
	struct assign_sitting sit[] = {{10, 540, 0, 0, true, -1}, {10, 660, 1, 0, false, -1}};
	struct assign_person people[] = {{0, 2, NULL, 0}};
	struct assign_pair conf[] = {{0, 0}};
	struct assign_problem p = {sit, 2, people, 1, 2, conf, 1, NULL, 0, 1};
	for (uint64_t seed = 1; seed <= 10; seed++) {
		struct assign_result r;
		p.seed = seed;
		solve_ok(&p, &r);
		assert_int_equal(r.person[0], -1); /* priority, but a conflict */
		assert_int_equal(r.person[1], 0);
		assign_result_free(&r);
	}
}

static void test_previous_avoided(void **state)
{
	struct assign_sitting sit[] = {{10, 540, 0, 0, false, -1}};
	struct assign_person people[] = {{0, 1, NULL, 0}, {0, 1, NULL, 0}};
	struct assign_pair prev[] = {{0, 0}};
	struct assign_problem p = {sit, 1, people, 2, 1, NULL, 0, prev, 1, 1};
	for (uint64_t seed = 1; seed <= 10; seed++) {
		struct assign_result r;
		p.seed = seed;
		solve_ok(&p, &r);
		assert_int_equal(r.person[0], 1);
		assert_int_equal(r.repeats, 0);
		assign_result_free(&r);
	}
	/* the previous observer is the only one: coverage first */
	p.npeople = 1;
	struct assign_result r;
	solve_ok(&p, &r);
	assert_int_equal(r.person[0], 0);
	assert_int_equal(r.repeats, 1);
	assign_result_free(&r);
}

static void test_same_municipality(void **state)
{
	/* three municipalities so that the foreign ones are reached through the hub tree */
	struct assign_sitting sit[] = {{10, 540, 0, 1, false, -1}, {10, 540, 1, 0, false, -1},
				       {10, 540, 2, 2, false, -1}};
	struct assign_person people[] = {{0, 1, NULL, 0}, {1, 1, NULL, 0}, {2, 1, NULL, 0}};
	struct assign_problem p = {sit, 3, people, 3, 3, NULL, 0, NULL, 0, 1};
	for (uint64_t seed = 1; seed <= 10; seed++) {
		struct assign_result r;
		p.seed = seed;
		solve_ok(&p, &r);
		assert_int_equal(r.person[0], 1);
		assert_int_equal(r.person[1], 0);
		assert_int_equal(r.person[2], 2);
		assert_int_equal(r.same_municipality, 3);
		assign_result_free(&r);
	}
}

static void test_load_spread(void **state)
{
	struct assign_sitting sit[] = {{10, 540, 0, 0, false, -1}, {11, 540, 1, 0, false, -1}};
	struct assign_person people[] = {{0, 1, NULL, 0}, {0, 1, NULL, 0}};
	struct assign_problem p = {sit, 2, people, 2, 2, NULL, 0, NULL, 0, 1};
	for (uint64_t seed = 1; seed <= 20; seed++) {
		struct assign_result r;
		p.seed = seed;
		solve_ok(&p, &r);
		assert_true(r.person[0] >= 0 && r.person[1] >= 0);
		assert_int_not_equal(r.person[0], r.person[1]);
		assert_int_equal(r.load_squares, 2);
		assign_result_free(&r);
	}
}

/* Two schools, each with a sitting on two days at the same hour; two persons, one a day
 * each at most, everyone in one municipality: every answer covers all four with a load of
 * two each, but «A at S both days, B at T both days» repeats a person at both schools. The
 * answer never does, whatever the seed. */
static void test_inside_repeats(void **state)
{
	struct assign_sitting sit[] = {
		{10, 540, 0, 0, false, -1}, {10, 540, 1, 0, false, -1},
		{11, 540, 0, 0, false, -1}, {11, 540, 1, 0, false, -1},
	};
	struct assign_person people[] = {{0, 1, NULL, 0}, {0, 1, NULL, 0}};
	struct assign_problem p = {sit, 4, people, 2, 2, NULL, 0, NULL, 0, 1};
	int person[] = {0, 1, 0, 1};
	struct assign_result e;
	assert_true(assign_evaluate(&p, person, &e));
	assert_int_equal(e.repeats_inside, 2);
	for (uint64_t seed = 1; seed <= 40; seed++) {
		struct assign_result r;
		p.seed = seed;
		solve_ok(&p, &r);
		assert_int_equal(r.others_covered, 4);
		assert_int_equal(r.load_squares, 8);
		assert_int_equal(r.repeats_inside, 0);
		assert_int_not_equal(r.person[0], r.person[2]);
		assign_result_free(&r);
	}
}

static void test_fixed_kept(void **state)
{
	struct assign_sitting sit[] = {
		{10, 540, 0, 0, false, 0},  /* fixed to A, at A's conflict school */
		{10, 540, 1, 0, true, -1},  /* same slot: A cannot */
		{10, 660, 2, 0, false, -1}, /* same day: A can while its day has room */
	};
	struct assign_person people[] = {{0, 2, NULL, 0}};
	struct assign_pair conf[] = {{0, 0}};
	struct assign_problem p = {sit, 3, people, 1, 3, conf, 1, NULL, 0, 1};
	struct assign_result r;
	solve_ok(&p, &r);
	assert_int_equal(r.person[0], 0);
	assert_int_equal(r.person[1], -1);
	assert_int_equal(r.person[2], 0);
	assert_int_equal(r.load_squares, 4);
	assign_result_free(&r);
	people[0].max_per_day = 1; /* the fixed sitting fills the day */
	solve_ok(&p, &r);
	assert_int_equal(r.person[0], 0);
	assert_int_equal(r.person[1], -1);
	assert_int_equal(r.person[2], -1);
	assert_int_equal(r.load_squares, 1);
	assign_result_free(&r);
	/* a fixed sitting counts in the load: B gets the free one */
	struct assign_sitting sit2[] = {{10, 540, 0, 0, false, 0}, {11, 540, 1, 0, false, -1}};
	struct assign_person two[] = {{0, 1, NULL, 0}, {0, 1, NULL, 0}};
	struct assign_problem p2 = {sit2, 2, two, 2, 2, NULL, 0, NULL, 0, 1};
	for (uint64_t seed = 1; seed <= 10; seed++) {
		p2.seed = seed;
		solve_ok(&p2, &r);
		assert_int_equal(r.person[1], 1);
		assign_result_free(&r);
	}
}

/* A larger case where the tree of hubs carries most of the flow: every person-slot with a
 * conflict in its slot takes direct arcs; the answer is legal and covers what a simple
 * count says it must. */
static void test_hubs_medium(void **state)
{
	enum { NS = 240, NP = 60, NSCH = 80, NMUN = 9 };
	static struct assign_sitting sit[NS];
	static struct assign_person people[NP];
	static struct assign_pair conf[NP];
	for (int s = 0; s < NS; s++) {
		int school = s % NSCH;
		sit[s] = (struct assign_sitting){100 + s / 80, 540 + 120 * ((s / 40) % 2), school,
						 school % NMUN, s % 7 == 0, -1};
	}
	for (int i = 0; i < NP; i++) {
		people[i] = (struct assign_person){i % NMUN, 2, NULL, 0};
		conf[i] = (struct assign_pair){i, (i * 7) % NSCH};
	}
	struct assign_problem p = {sit, NS, people, NP, NSCH, conf, NP, NULL, 0, 5};
	struct assign_result r;
	solve_ok(&p, &r);
	struct assign_result e;
	assert_true(assign_evaluate(&p, r.person, &e));
	/* 3 days x 2 slots, 40 sittings a slot, 60 people: every sitting can be covered */
	assert_int_equal(r.priority_covered, r.priority);
	assert_int_equal(r.others_covered, r.others);
	/* every municipality has enough people in every slot: all from their own, and
	 * each municipality's sittings split as evenly as can be among its people */
	assert_int_equal(r.same_municipality, NS);
	long long even = 0;
	for (int m = 0; m < NMUN; m++) {
		int k = 0, c = 0;
		for (int i = 0; i < NP; i++)
			k += people[i].municipality == m;
		for (int s = 0; s < NS; s++)
			c += sit[s].municipality == m;
		even += (long long)(c % k) * (c / k + 1) * (c / k + 1) +
			(long long)(k - c % k) * (c / k) * (c / k);
	}
	assert_int_equal(r.load_squares, even);
	assign_result_free(&r);
}

/* ---- bad input ---- */

static void test_bad_input(void **state)
{
	struct assign_sitting sit[] = {{10, 540, 0, 0, false, -1}};
	struct assign_person people[] = {{0, 1, NULL, 0}};
	struct assign_pair pair[] = {{0, 0}};
	struct assign_problem p = {sit, 1, people, 1, 1, NULL, 0, NULL, 0, 1};
	struct assign_result r;
	char msg[256];

	sit[0].school = 1;
	assert_int_equal(assign_solve(&p, &r, msg, sizeof msg), ERR_INVALID);
	assert_non_null(strstr(msg, "школа"));
	assert_null(r.person);
	sit[0].school = 0;

	sit[0].fixed = 1;
	msg[0] = '\0';
	assert_int_equal(assign_solve(&p, &r, msg, sizeof msg), ERR_INVALID);
	assert_true(msg[0] != '\0');
	sit[0].fixed = -1;

	people[0].max_per_day = 0;
	msg[0] = '\0';
	assert_int_equal(assign_solve(&p, &r, msg, sizeof msg), ERR_INVALID);
	assert_non_null(strstr(msg, "в день"));
	people[0].max_per_day = 1;

	pair[0].person = 3;
	p.conflicts = pair;
	p.nconflicts = 1;
	msg[0] = '\0';
	assert_int_equal(assign_solve(&p, &r, msg, sizeof msg), ERR_INVALID);
	assert_non_null(strstr(msg, "Конфликт"));
	p.conflicts = NULL;
	p.nconflicts = 0;
	pair[0] = (struct assign_pair){0, -1};
	p.previous = pair;
	p.nprevious = 1;
	msg[0] = '\0';
	assert_int_equal(assign_solve(&p, &r, msg, sizeof msg), ERR_INVALID);
	assert_true(msg[0] != '\0');

	/* and the repaired problem solves */
	p.previous = NULL;
	p.nprevious = 0;
	assert_int_equal(assign_solve(&p, &r, msg, sizeof msg), 0);
	assert_int_equal(r.person[0], 0);
	assign_result_free(&r);

	/* nothing to assign */
	p.nsittings = 0;
	assert_int_equal(assign_solve(&p, &r, msg, sizeof msg), 0);
	assert_int_equal(r.others, 0);
	assign_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_evaluate_rules),
		cmocka_unit_test(test_small_random_optimal),
		cmocka_unit_test(test_seed_draw),
		cmocka_unit_test(test_priority_first),
		cmocka_unit_test(test_conflict_never),
		cmocka_unit_test(test_previous_avoided),
		cmocka_unit_test(test_same_municipality),
		cmocka_unit_test(test_load_spread),
		cmocka_unit_test(test_inside_repeats),
		cmocka_unit_test(test_fixed_kept),
		cmocka_unit_test(test_hubs_medium),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
