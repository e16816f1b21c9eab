/* Unit tests of model/recheck and assign/recheck on a hand-made region whose answers are
 * known by construction.
 *
 * The database (fresh for every test):
 *   region Р; municipality М1: s1 (sch1), s2 (sch2); М2: s3 (sch3), s4 (sch4);
 *   procedure VPR-2021-MA-4 with positions 1 (max 1), 2 (max 2), 3 (max 3), scale 2/4/5;
 *   every school 6 works, codes <school digit>0001..<school digit>0006, scores {1, 2, 2}
 *   (total 5, mark 5);
 *   experts E1 (М1, works at s1), E2 (М1, works at s2), E3 (М2, works at s3),
 *   E4 (М2, works at s4), all of subject MA. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assign/recheck.h"
#include "base/err.h"
#include "base/log.h"
#include "db/db.h"
#include "model/procedure.h"
#include "model/recheck.h"
#include "model/registry.h"
#include "model/result.h"

static char dir[64], path[128];
static struct db *db;
static const struct scope ALL = { SCOPE_ALL, 0 };
static int64_t reg, m1, m2, sch[4], proc, ex[4];

static int64_t add_expert(const char *code, int64_t mun, int64_t works)
{
	struct rc_expert_row e = { .municipality_id = mun, .max_works = 200, .nworks = 1 };
	snprintf(e.code, sizeof e.code, "%s", code);
	snprintf(e.name, sizeof e.name, "Эксперт %s", code);
	snprintf(e.subjects, sizeof e.subjects, "MA");
	e.works_at[0] = works;
	int64_t id = 0;
	if (db_begin(db) || expert_put(db, &e, "test") || db_commit(db) || expert_find(db, code, &id))
		return 0;
	return id;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/oko-test-recheck-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	log_set_level(LOG_QUIET);
	if (db_open(&db, path, DB_OPEN_CREATE))
		return -1;
	static const char *const muns[4] = { "М1", "М1", "М2", "М2" };
	for (int i = 0; i < 4; i++) {
		char login[16], name[32];
		snprintf(login, sizeof login, "sch%d", i + 1);
		snprintf(name, sizeof name, "Школа %d", i + 1);
		struct school s = { .login = login, .name = name, .municipality = muns[i], .region = "Р",
				    .kind = "СОШ" };
		if (registry_school_put(db, &s, &sch[i]))
			return -1;
	}
	if (registry_region_id(db, "Р", &reg) || registry_municipality_id(db, reg, "М1", &m1) ||
	    registry_municipality_id(db, reg, "М2", &m2))
		return -1;
	struct procedure *p = calloc(1, sizeof *p);
	char msg[256];
	if (!p || procedure_code_parse("VPR-2021-MA-4", p, msg, sizeof msg) ||
	    procedure_positions_parse("1:1:Б 2:2:Б 3:3:П", p, msg, sizeof msg) ||
	    procedure_scale_parse("2/4/5", p, msg, sizeof msg) || procedure_put(db, p, msg, sizeof msg))
		return -1;
	proc = p->id;
	free(p);
	struct result_writer *w;
	if (db_begin(db) || result_writer_open(db, proc, &w))
		return -1;
	for (int i = 0; i < 4; i++)
		for (int k = 1; k <= 6; k++) {
			char code[32];
			snprintf(code, sizeof code, "%d000%d", i + 1, k);
			struct result r = { .school_id = sch[i], .code = code, .stated_total = -1, .npos = 3,
					    .scores = { 1, 2, 2 } };
			if (result_writer_put(w, &r))
				return -1;
		}
	result_writer_close(w);
	if (db_commit(db))
		return -1;
	ex[0] = add_expert("E1", m1, sch[0]);
	ex[1] = add_expert("E2", m1, sch[1]);
	ex[2] = add_expert("E3", m2, sch[2]);
	ex[3] = add_expert("E4", m2, sch[3]);
	return ex[0] && ex[1] && ex[2] && ex[3] ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	db_close(db);
	db = NULL;
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A round of every work (random rule, share 1: no school is listed, so all are "other"). */
static int64_t sample_all(enum rc_kind kind, bool no_mutual, uint64_t seed)
{
	struct rc_sample_opts o = { .procedure_id = proc, .rules = RC_RULE_RANDOM, .share = 1.0, .seed = seed,
				    .kind = kind, .no_mutual = no_mutual };
	struct rc_sample_report rep;
	char msg[300] = "";
	int rc = recheck_sample(db, &ALL, &o, "test", NULL, NULL, &rep, msg, sizeof msg);
	assert_int_equal(rc, 0);
	return rep.round_id;
}

static int school_of_expert(int64_t id)
{
	for (int i = 0; i < 4; i++)
		if (ex[i] == id)
			return i;
	return -1;
}

static int school_index(int64_t id)
{
	for (int i = 0; i < 4; i++)
		if (sch[i] == id)
			return i;
	return -1;
}

static void test_sample_reproducible(void **state)
{
	(void)state;
	/* share 0.5 of 4 other schools = 2 schools, all their works: 12 works. */
	struct rc_sample_opts o = { .procedure_id = proc, .rules = RC_RULE_RANDOM, .share = 0.5, .seed = 7,
				    .dry_run = true };
	struct rc_sample_report a, b;
	char msg[300] = "";
	assert_int_equal(recheck_sample(db, &ALL, &o, "test", NULL, NULL, &a, msg, sizeof msg), 0);
	assert_int_equal(recheck_sample(db, &ALL, &o, "test", NULL, NULL, &b, msg, sizeof msg), 0);
	assert_int_equal(a.works, 12);
	assert_int_equal(a.schools, 2);
	assert_int_equal(a.round_id, 0);
	assert_int_equal(b.works, a.works);
	/* A dry run stores nothing. */
	struct rc_round *rr = NULL;
	size_t nr = 9;
	assert_int_equal(recheck_round_list(db, &ALL, 0, &rr, &nr), 0);
	assert_int_equal(nr, 0);
	free(rr);
	/* Risk needs an analysis run: refused in Russian. */
	o.rules = RC_RULE_RISK;
	msg[0] = 0;
	assert_int_equal(recheck_sample(db, &ALL, &o, "test", NULL, NULL, &a, msg, sizeof msg), ERR_INVALID);
	assert_non_null(strstr(msg, "анализ"));
	/* A work is sampled once: a second round over the same works finds nothing new. */
	o.rules = RC_RULE_RANDOM;
	o.share = 1;
	o.dry_run = false;
	assert_int_equal(recheck_sample(db, &ALL, &o, "test", NULL, NULL, &a, msg, sizeof msg), 0);
	assert_int_equal(a.works, 24);
	assert_int_equal(recheck_sample(db, &ALL, &o, "test", NULL, NULL, &b, msg, sizeof msg), ERR_INVALID);
	/* The school replaces its results after the sampling: allowed, and the work keeps the
	 * scores it was sampled with (check 1). */
	struct result_writer *w;
	int64_t gone = 0;
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(result_writer_open(db, proc, &w), 0);
	assert_int_equal(result_writer_delete_school(w, sch[0], &gone), 0);
	struct result r = { .school_id = sch[0], .code = "10001", .stated_total = -1, .npos = 3, .scores = { 0, 0, 0 } };
	assert_int_equal(result_writer_put(w, &r), 0);
	result_writer_close(w);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(gone, 6);
	struct rc_work *ws = NULL;
	size_t nws = 0;
	assert_int_equal(recheck_work_list(db, &ALL, a.round_id, 0, &ws, &nws), 0);
	assert_int_equal(nws, 24);
	assert_string_equal(ws[0].code, "10001");
	assert_memory_equal(ws[0].s1, ((uint8_t[]){ 1, 2, 2 }), 3);
	free(ws);
}

static void test_assign_conflicts_and_load(void **state)
{
	(void)state;
	int64_t round = sample_all(RC_MUNICIPAL, false, 1);
	struct rc_assign_report rep;
	char msg[300] = "";
	assert_int_equal(recheck_assign(db, round, 11, "test", &rep, msg, sizeof msg), 0);
	assert_int_equal(rep.works, 24);
	assert_int_equal(rep.assigned, 24);
	assert_int_equal(rep.experts, 4);
	/* 24 works over 4 experts, each barred from its own school's 6: 6 each is possible. */
	assert_int_equal(rep.max_load, 6);
	struct rc_work *w = NULL;
	size_t n = 0;
	assert_int_equal(recheck_work_list(db, &ALL, round, 0, &w, &n), 0);
	assert_int_equal(n, 24);
	int load[4] = { 0 };
	for (size_t i = 0; i < n; i++) {
		int e = school_of_expert(w[i].expert_id[0]);
		assert_true(e >= 0);
		assert_int_not_equal(e, school_index(w[i].school_id)); /* never its own school */
		load[e]++;
	}
	for (int e = 0; e < 4; e++)
		assert_int_equal(load[e], 6);
	free(w);
	/* Assigning again changes nothing: every work has its expert. */
	assert_int_equal(recheck_assign(db, round, 12, "test", &rep, msg, sizeof msg), 0);
	assert_int_equal(rep.assigned, 0);
}

static void test_cross_no_mutual(void **state)
{
	(void)state;
	int64_t round = sample_all(RC_CROSS, true, 3);
	struct rc_assign_report rep;
	char msg[300] = "";
	assert_int_equal(recheck_assign(db, round, 5, "test", &rep, msg, sizeof msg), 0);
	assert_int_equal(rep.assigned, 24);
	struct rc_work *w = NULL;
	size_t n = 0;
	assert_int_equal(recheck_work_list(db, &ALL, round, 0, &w, &n), 0);
	bool dir_[4][4] = { { false } };
	for (size_t i = 0; i < n; i++) {
		int from = school_of_expert(w[i].expert_id[0]), to = school_index(w[i].school_id);
		assert_int_not_equal(from, to);
		dir_[from][to] = true;
	}
	for (int a = 0; a < 4; a++)
		for (int b = 0; b < 4; b++)
			assert_false(dir_[a][b] && dir_[b][a]); /* never both ways */
	free(w);
}

/* The check of work i (by index in the round's list) and its expert. */
static void check_of(int64_t round, size_t i, int k, int64_t *check, int64_t *expert)
{
	struct rc_work *w = NULL;
	size_t n = 0;
	assert_int_equal(recheck_work_list(db, &ALL, round, 0, &w, &n), 0);
	assert_true(i < n);
	*check = w[i].check_id[k];
	*expert = w[i].expert_id[k];
	free(w);
}

static void test_scoring_and_third_check(void **state)
{
	(void)state;
	int64_t round = sample_all(RC_MUNICIPAL, false, 1);
	struct rc_assign_report rep;
	char msg[300] = "";
	assert_int_equal(recheck_assign(db, round, 11, "test", &rep, msg, sizeof msg), 0);
	int64_t c2, e2;
	check_of(round, 0, 0, &c2, &e2);
	struct rc_task_view v;
	assert_int_equal(recheck_task_get(db, e2, c2, &v), 0);
	assert_int_equal(v.t.check_no, 2);
	assert_int_equal(v.t.npos, 3);
	assert_false(v.earlier); /* check 2 never sees the school's scores */
	/* Another expert does not get it. */
	int64_t other = e2 == ex[0] ? ex[1] : ex[0];
	assert_int_equal(recheck_task_get(db, other, c2, &v), ERR_NOTFOUND);
	/* Above the maximum: refused, nothing stored. */
	uint8_t bad[3] = { 1, 3, 0 };
	assert_int_equal(recheck_task_save(db, e2, c2, bad, 2, false, msg, sizeof msg), ERR_INVALID);
	assert_non_null(strstr(msg, "максимум"));
	assert_int_equal(recheck_task_get(db, e2, c2, &v), 0);
	assert_int_equal(v.t.filled, 0);
	/* Partly filled, then not finished without every position. */
	uint8_t s[3] = { 1, 0, 0 };
	assert_int_equal(recheck_task_save(db, e2, c2, s, 2, false, msg, sizeof msg), 0);
	assert_int_equal(recheck_task_get(db, e2, c2, &v), 0);
	assert_int_equal(v.t.filled, 2);
	assert_int_equal(recheck_task_save(db, e2, c2, s, 2, true, msg, sizeof msg), ERR_INVALID);
	/* A position skipped: the one after it is kept, the skipped one comes back empty; a
	 * check with a gap is not finished. */
	uint8_t gap[3] = { 1, RC_SCORE_EMPTY, 0 };
	assert_int_equal(recheck_task_save(db, e2, c2, gap, 3, false, msg, sizeof msg), 0);
	assert_int_equal(recheck_task_get(db, e2, c2, &v), 0);
	assert_int_equal(v.t.filled, 2);
	assert_int_equal(v.ns, 3);
	assert_int_equal(v.s[0], 1);
	assert_int_equal(v.s[1], RC_SCORE_EMPTY);
	assert_int_equal(v.s[2], 0);
	assert_int_equal(recheck_task_save(db, e2, c2, gap, 3, true, msg, sizeof msg), ERR_INVALID);
	/* {1, 0, 0} against the school's {1, 2, 2}: 2 points off on two positions — significant. */
	assert_int_equal(recheck_task_save(db, e2, c2, s, 3, true, msg, sizeof msg), 0);
	assert_int_equal(recheck_task_save(db, e2, c2, s, 3, true, msg, sizeof msg), ERR_EXISTS);
	/* The next assignment gives check 3 to an expert neither of the school nor the first. */
	assert_int_equal(recheck_assign(db, round, 13, "test", &rep, msg, sizeof msg), 0);
	assert_int_equal(rep.third, 1);
	struct rc_work *w = NULL;
	size_t n = 0;
	assert_int_equal(recheck_work_list(db, &ALL, round, 0, &w, &n), 0);
	int64_t c3 = w[0].check_id[1], e3 = w[0].expert_id[1];
	assert_true(c3 > 0);
	assert_int_not_equal(e3, e2);
	assert_int_not_equal(school_of_expert(e3), school_index(w[0].school_id));
	free(w);
	/* The third expert sees both earlier checks. */
	assert_int_equal(recheck_task_get(db, e3, c3, &v), 0);
	assert_int_equal(v.t.check_no, 3);
	assert_true(v.earlier);
	assert_memory_equal(v.e1, ((uint8_t[]){ 1, 2, 2 }), 3);
	assert_memory_equal(v.e2, s, 3);
	/* The round's progress says so. */
	struct rc_round r;
	assert_int_equal(recheck_round_get(db, round, &r), 0);
	assert_int_equal(r.works, 24);
	assert_int_equal(r.done2, 1);
	assert_int_equal(r.need3, 1);
	assert_int_equal(r.final, 0);
	uint8_t t3[3] = { 1, 1, 1 };
	assert_int_equal(recheck_task_save(db, e3, c3, t3, 3, true, msg, sizeof msg), 0);
	assert_int_equal(recheck_round_get(db, round, &r), 0);
	assert_int_equal(r.done3, 1);
	assert_int_equal(r.final, 1);
}

struct ctl {
	int bad, n;
};

/* Control rows: never a work of the expert's own school. */
static int control_fn(void *ctx, const struct rc_control_row *x)
{
	struct ctl *c = ctx;
	struct rc_work w;
	if (recheck_work_get(db, &ALL, x->work_id, &w))
		return -1;
	c->n++;
	if (school_of_expert(x->expert_id) == school_index(w.school_id))
		c->bad++;
	return 0;
}

static void test_control_works(void **state)
{
	(void)state;
	/* Round 1: the works of sch1 and sch2 (M1's round), all finished without discrepancy. */
	const struct scope m1s = { SCOPE_MUNICIPALITY, m1 };
	struct rc_sample_opts o = { .procedure_id = proc, .rules = RC_RULE_RANDOM, .share = 1.0, .seed = 1 };
	struct rc_sample_report srep;
	char msg[300] = "";
	assert_int_equal(recheck_sample(db, &m1s, &o, "test", NULL, NULL, &srep, msg, sizeof msg), 0);
	assert_int_equal(srep.works, 12);
	int64_t r1 = srep.round_id;
	struct rc_assign_report rep;
	assert_int_equal(recheck_assign(db, r1, 1, "test", &rep, msg, sizeof msg), 0);
	/* M1's commission: E1 and E2 only, each checking the other school's 6 works. */
	assert_int_equal(rep.experts, 2);
	assert_int_equal(rep.assigned, 12);
	struct rc_work *w = NULL;
	size_t n = 0;
	assert_int_equal(recheck_work_list(db, &ALL, r1, 0, &w, &n), 0);
	for (size_t i = 0; i < n; i++) {
		uint8_t same[3] = { 1, 2, 2 };
		assert_int_equal(recheck_task_save(db, w[i].expert_id[0], w[i].check_id[0], same, 3, true, msg,
						   sizeof msg), 0);
	}
	free(w);
	/* M2 cannot see M1's round. */
	const struct scope m2s = { SCOPE_MUNICIPALITY, m2 };
	assert_false(recheck_round_in_scope(db, &m2s, r1));
	assert_true(recheck_round_in_scope(db, &m1s, r1));
	/* Round 2 (the region's): the other works; control rate 0.5 → control checks of round 1's
	 * works, never of an expert's own school, never counted as the round's works. */
	struct rc_cfg cfg = { 2, 1, 0.5 };
	assert_int_equal(recheck_cfg_put(db, proc, &cfg, "test", msg, sizeof msg), 0);
	assert_int_equal(recheck_sample(db, &ALL, &o, "test", NULL, NULL, &srep, msg, sizeof msg), 0);
	assert_int_equal(srep.works, 12);
	assert_int_equal(recheck_assign(db, srep.round_id, 2, "test", &rep, msg, sizeof msg), 0);
	assert_int_equal(rep.assigned, 12);
	assert_true(rep.control > 0);
	struct rc_round r;
	assert_int_equal(recheck_round_get(db, srep.round_id, &r), 0);
	assert_int_equal(r.works, 12);
	assert_int_equal(r.control, rep.control);
	struct rc_work *pool = NULL;
	size_t np = 0;
	assert_int_equal(recheck_work_list(db, &ALL, r1, 0, &pool, &np), 0);
	for (int e = 0; e < 4; e++) {
		struct rc_task *q = NULL;
		size_t nq = 0;
		assert_int_equal(recheck_queue(db, ex[e], &q, &nq), 0);
		free(q);
	}
	struct ctl c = { 0, 0 };
	assert_int_equal(recheck_control_each(db, &ALL, proc, control_fn, &c), 0);
	assert_int_equal(c.n, rep.control);
	assert_int_equal(c.bad, 0);
	free(pool);
}

static void test_settings(void **state)
{
	(void)state;
	struct rc_cfg c;
	assert_int_equal(recheck_cfg_get(db, proc, &c), 0);
	assert_int_equal(c.point_diff, 2);
	assert_int_equal(c.tolerance, 1);
	char msg[200] = "";
	struct rc_cfg bad = { 0, 1, 0.1 };
	assert_int_equal(recheck_cfg_put(db, proc, &bad, "t", msg, sizeof msg), ERR_INVALID);
	assert_true(msg[0] != 0);
	struct rc_cfg good = { 3, 0, 0.2 };
	assert_int_equal(recheck_cfg_put(db, proc, &good, "t", msg, sizeof msg), 0);
	assert_int_equal(recheck_cfg_get(db, proc, &c), 0);
	assert_int_equal(c.point_diff, 3);
	assert_int_equal(c.tolerance, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sample_reproducible, setup, teardown),
		cmocka_unit_test_setup_teardown(test_assign_conflicts_and_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cross_no_mutual, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scoring_and_third_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_control_works, setup, teardown),
		cmocka_unit_test_setup_teardown(test_settings, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
