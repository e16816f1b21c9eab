/* Unit tests of report/recheck: the results of a re-check built from a small database made
 * here through the model, every figure computed by hand below.
 *
 * Procedure VPR-2021-MA-4 with positions 1 (max 1), 2 (max 2), 3 (max 3): max 6, scale
 * 2/4/5 (marks: 0–1 → 2, 2–3 → 3, 4 → 4, 5–6 → 5). Default settings: a position apart by 2,
 * or another mark, is significant; objective = the same mark and at most 1 point moved.
 *
 *   work   school  check 1      check 2 (expert)   check 3 (expert)  state   final  delta obj
 *   10001  s1      1 2 3 = 6/5  1 1 2 = 4/4 (E2)   1 2 2 = 5/5 (E3)  FINAL3  5/5     1    1
 *   10002  s1      1 2 2 = 5/5  1 2 1 = 4/4 (E2)   1 1 1 = 3/3 (E4)  FINAL3  3/3     2    0 (down)
 *   10003  s1      1 1 2 = 4/4  1 1 1 = 3/3 (E2)   —                 WAIT3   —       —    —
 *   10004  s1      0 1 1 = 2/3  0 1 1 = 2/3 (E4)   —                 FINAL2  2/3     0    1
 *   20001  s2      1 1 1 = 3/3  1 1 2 = 4/4 (E1)   1 1 2 = 4/4 (E4)  FINAL3  4/4    −1    0 (up)
 *   20002  s2      0 1 1 = 2/3  0 1 1 = 2/3 (E1)   —                 FINAL2  2/3     0    1
 *   30001  s3      1 2 2 = 5/5  1 2 2 = 5/5 (E4)   —                 FINAL2  5/5     0    1
 *
 * Schools (finished works only):
 *   s1: 3 works (10001, 10002, 10004), objective 2 → 2/3, mean delta (1 + 2 + 0)/3 = 1,
 *       up 0, down 1; over 2, under 0 → p = P(X ≥ 2 | Bin(2, ½)) = 1/4.
 *   s2: 2 works, objective 1 → 0.5, mean (−1 + 0)/2 = −0.5, up 1, down 0; over 0, under 1
 *       → p = P(X ≥ 0) = 1.
 *   s3: 1 work, objective 1, mean 0, p = 1 (no work moved).
 *   all: 6 works, 4 objective, mean delta 2/6.
 * Experts (done checks of finished works, primary scores x against the final y):
 *   E1: (4, 4), (2, 2): exact 1, within1 1, mean 0; kappa: var x = var y = cov = 1 → 2/2 = 1.
 *   E2: (4, 5), (4, 3) (10003 is not finished): exact 0, within1 1, mean 0; kappa: var x = 0,
 *       var y = 1, cov 0, means equal → 0 / (0 + 1 + 0) = 0.
 *   E3: (5, 5): one work: kappa undefined (NaN); exact 1.
 *   E4: (3, 3), (2, 2), (4, 4), (5, 5): exact 1; kappa 2·1.25 / (1.25 + 1.25) = 1.
 * Control checks (round 2), against the agreed final scores of their works:
 *   E1 on 30001 (agreed 1 2 2 = 5/5): 1 2 1 = 4/4 — another mark: not accurate → 0.
 *   E2 on 30001: 1 2 2 — accurate → 1.   E3 on 20002 (agreed 0 1 1): 0 1 1 → 1.
 *   They change no school's figure and no expert's works/exact/kappa.
 * Positions (school − final over the six finished works):
 *   1: all 0 → mean 0, over 0, under 0, p 1.
 *   2: 10002: 2 − 1 = 1; others 0 → mean 1/6, over 1, p = ½.
 *   3: 10001: 3 − 2 = 1, 10002: 2 − 1 = 1, 20001: 1 − 2 = −1 → mean 1/6, over 2, under 1,
 *      p = P(X ≥ 2 | Bin(3, ½)) = 4/8 = 0.5. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "db/db.h"
#include "io/table_write.h"
#include "model/procedure.h"
#include "model/recheck.h"
#include "model/registry.h"
#include "model/result.h"
#include "report/recheck.h"

static char dir[64], path[128];
static struct db *db;
static const struct scope ALL = { SCOPE_ALL, 0 };
static int64_t sch[3], proc, ex[4], round1, round2;

struct work_spec {
	int school;
	const char *code;
	uint8_t s1[3];
	int e2;          /* expert index of check 2, -1 none */
	uint8_t s2[3];
	int e3;          /* expert index of check 3, -1 none */
	uint8_t s3[3];
};
static const struct work_spec works[] = {
	{ 0, "10001", { 1, 2, 3 }, 1, { 1, 1, 2 }, 2, { 1, 2, 2 } },
	{ 0, "10002", { 1, 2, 2 }, 1, { 1, 2, 1 }, 3, { 1, 1, 1 } },
	{ 0, "10003", { 1, 1, 2 }, 1, { 1, 1, 1 }, -1, { 0 } },
	{ 0, "10004", { 0, 1, 1 }, 3, { 0, 1, 1 }, -1, { 0 } },
	{ 1, "20001", { 1, 1, 1 }, 0, { 1, 1, 2 }, 3, { 1, 1, 2 } },
	{ 1, "20002", { 0, 1, 1 }, 0, { 0, 1, 1 }, -1, { 0 } },
	{ 2, "30001", { 1, 2, 2 }, 3, { 1, 2, 2 }, -1, { 0 } },
};
#define NWORKS (sizeof works / sizeof *works)
static int64_t work_id[NWORKS];

static int64_t add_expert(const char *code, int works_at)
{
	struct rc_expert_row e = { .max_works = 200 };
	snprintf(e.code, sizeof e.code, "%s", code);
	snprintf(e.name, sizeof e.name, "Эксперт %s", code);
	if (works_at >= 0) {
		e.nworks = 1;
		e.works_at[0] = sch[works_at];
	}
	int64_t id = 0;
	if (db_begin(db) || expert_put(db, &e, "test") || db_commit(db) || expert_find(db, code, &id))
		return 0;
	return id;
}

static int64_t add_round(const char *rules)
{
	struct rc_round r = { .procedure_id = proc, .kind = RC_MUNICIPAL, .share = 1, .seed = 1,
			      .no_mutual = true };
	snprintf(r.rules, sizeof r.rules, "%s", rules);
	snprintf(r.created_by, sizeof r.created_by, "test");
	if (recheck_round_add(db, &r))
		return 0;
	return r.id;
}

/* A control check of a work by an expert, done with scores s. */
static int control(int e, int w, const uint8_t *s)
{
	char msg[256] = "";
	struct rc_task *q = NULL;
	size_t n = 0;
	int rc = db_begin(db);
	if (!rc && !(rc = recheck_check_add(db, round2, work_id[w], 2, ex[e], true, "test")))
		rc = db_commit(db);
	if (rc || (rc = recheck_queue(db, ex[e], &q, &n)))
		goto out;
	rc = ERR_NOTFOUND;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(q[i].code, works[w].code) && !q[i].done)
			rc = recheck_task_save(db, ex[e], q[i].id, s, 3, true, msg, sizeof msg);
out:
	if (rc)
		fprintf(stderr, "control: %s (%s)\n", err_str(rc), msg);
	free(q);
	return rc;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/oko-test-rcreport-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	log_set_level(LOG_QUIET);
	if (db_open(&db, path, DB_OPEN_CREATE))
		return -1;
	for (int i = 0; i < 3; i++) {
		char login[16], name[32];
		snprintf(login, sizeof login, "sch%d", i + 1);
		snprintf(name, sizeof name, "Школа %d", i + 1);
		struct school s = { .login = login, .name = name, .municipality = "М1", .region = "Р",
				    .kind = "СОШ" };
		if (registry_school_put(db, &s, &sch[i]))
			return -1;
	}
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
	for (size_t i = 0; i < NWORKS; i++) {
		struct result r = { .school_id = sch[works[i].school], .code = works[i].code,
				    .stated_total = -1, .npos = 3 };
		memcpy(r.scores, works[i].s1, 3);
		if (result_writer_put(w, &r))
			return -1;
	}
	result_writer_close(w);
	if (db_commit(db))
		return -1;
	ex[0] = add_expert("E1", 0);
	ex[1] = add_expert("E2", 1);
	ex[2] = add_expert("E3", 2);
	ex[3] = add_expert("E4", -1);
	if (!ex[0] || !ex[1] || !ex[2] || !ex[3])
		return -1;
	if (db_begin(db) || !(round1 = add_round("random")))
		return -1;
	for (size_t i = 0; i < NWORKS; i++)
		if (recheck_work_add(db, round1, proc, sch[works[i].school], works[i].code, "random",
				     "") ||
		    recheck_work_find(db, proc, works[i].school == 0   ? "sch1"
						: works[i].school == 1 ? "sch2"
								       : "sch3",
				      works[i].code, &work_id[i]))
			return -1;
	for (size_t i = 0; i < NWORKS; i++) {
		if (works[i].e2 >= 0 &&
		    recheck_check_import(db, work_id[i], 2, ex[works[i].e2], works[i].s2, 3, "test"))
			return -1;
		if (works[i].e3 >= 0 &&
		    recheck_check_import(db, work_id[i], 3, ex[works[i].e3], works[i].s3, 3, "test"))
			return -1;
	}
	if (db_commit(db))
		return -1;
	return 0;
}

/* Round 2 with the three control checks of the header. */
static int add_controls(void)
{
	static const uint8_t c1[3] = { 1, 2, 1 }, c2[3] = { 1, 2, 2 }, c3[3] = { 0, 1, 1 };
	if (db_begin(db) || !(round2 = add_round("random")) || db_commit(db))
		return -1;
	return control(0, 6, c1) || control(1, 6, c2) || control(2, 5, c3) ? -1 : 0;
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

static const struct rc_report_expert *expert(const struct rc_report *r, const char *code)
{
	for (size_t i = 0; i < r->nexperts; i++)
		if (!strcmp(r->experts[i].expert, code))
			return &r->experts[i];
	return NULL;
}

/* The schools' and experts' figures of the header, with or without the control checks. */
static void check_figures(const struct rc_report *r, bool controls)
{
	assert_int_equal(r->nworks, NWORKS);
	assert_int_equal(r->finished, 6);
	assert_int_equal(r->waiting3, 1);
	assert_int_equal(r->rw[2].state, RC_WAIT3);
	assert_false(r->rw[2].finished);
	assert_int_equal(r->rw[0].state, RC_FINAL3);
	assert_int_equal(r->rw[3].state, RC_FINAL2);

	assert_int_equal(r->nschools, 3);
	const struct rc_school *s1 = &r->schools[0].f, *s2 = &r->schools[1].f, *s3 = &r->schools[2].f;
	assert_string_equal(r->schools[0].school, "sch1");
	assert_int_equal(s1->works, 3);
	assert_int_equal(s1->objective, 2);
	assert_true(fabs(s1->objective_share - 2.0 / 3) < 1e-12);
	assert_true(fabs(s1->mean_delta - 1.0) < 1e-12);
	assert_int_equal(s1->up, 0);
	assert_int_equal(s1->down, 1);
	assert_true(fabs(s1->p - 0.25) < 1e-12);
	assert_int_equal(s2->works, 2);
	assert_true(fabs(s2->objective_share - 0.5) < 1e-12);
	assert_true(fabs(s2->mean_delta + 0.5) < 1e-12);
	assert_int_equal(s2->up, 1);
	assert_int_equal(s2->down, 0);
	assert_true(fabs(s2->p - 1.0) < 1e-12);
	assert_int_equal(s3->works, 1);
	assert_true(fabs(s3->objective_share - 1.0) < 1e-12);
	assert_true(fabs(s3->p - 1.0) < 1e-12);
	assert_int_equal(r->total.works, 6);
	assert_int_equal(r->total.objective, 4);
	assert_true(fabs(r->total.mean_delta - 2.0 / 6) < 1e-12);

	const struct rc_report_expert *e1 = expert(r, "E1"), *e2 = expert(r, "E2"),
				      *e3 = expert(r, "E3"), *e4 = expert(r, "E4");
	assert_non_null(e1);
	assert_non_null(e2);
	assert_non_null(e3);
	assert_non_null(e4);
	assert_int_equal(e1->f.works, 2);
	assert_true(fabs(e1->f.exact - 1) < 1e-12);
	assert_true(fabs(e1->f.qwk - 1) < 1e-12);
	assert_int_equal(e2->f.works, 2);
	assert_true(fabs(e2->f.exact) < 1e-12);
	assert_true(fabs(e2->f.within1 - 1) < 1e-12);
	assert_true(fabs(e2->f.qwk) < 1e-12);
	assert_true(fabs(e2->f.mean_delta) < 1e-12);
	assert_int_equal(e3->f.works, 1);
	assert_true(isnan(e3->f.qwk));
	assert_int_equal(e4->f.works, 4);
	assert_true(fabs(e4->f.qwk - 1) < 1e-12);
	assert_true(isnan(e4->f.control_accuracy));
	if (controls) {
		assert_int_equal(e1->f.control, 1);
		assert_true(fabs(e1->f.control_accuracy) < 1e-12);
		assert_int_equal(e2->f.control, 1);
		assert_true(fabs(e2->f.control_accuracy - 1) < 1e-12);
		assert_int_equal(e3->f.control, 1);
		assert_true(fabs(e3->f.control_accuracy - 1) < 1e-12);
	} else {
		assert_true(isnan(e1->f.control_accuracy));
		assert_int_equal(e1->f.control, 0);
	}

	assert_int_equal(r->pos[0].works, 6);
	assert_true(fabs(r->pos[0].mean_delta) < 1e-12);
	assert_int_equal(r->pos[1].over, 1);
	assert_true(fabs(r->pos[1].mean_delta - 1.0 / 6) < 1e-12);
	assert_true(fabs(r->pos[1].p - 0.5) < 1e-12);
	assert_int_equal(r->pos[2].over, 2);
	assert_int_equal(r->pos[2].under, 1);
	assert_true(fabs(r->pos[2].p - 0.5) < 1e-12);
}

static void test_figures(void **state)
{
	(void)state;
	struct rc_report *r = NULL;
	char msg[256] = "";
	assert_int_equal(rc_report_build(db, &ALL, 0, proc, &r, msg, sizeof msg), 0);
	check_figures(r, false);
	rc_report_free(r);
	/* The same by the round. */
	assert_int_equal(rc_report_build(db, &ALL, round1, 0, &r, msg, sizeof msg), 0);
	check_figures(r, false);
	rc_report_free(r);
}

static void test_controls_only_for_experts(void **state)
{
	(void)state;
	assert_int_equal(add_controls(), 0);
	struct rc_report *r = NULL;
	char msg[256] = "";
	assert_int_equal(rc_report_build(db, &ALL, 0, proc, &r, msg, sizeof msg), 0);
	check_figures(r, true);
	rc_report_free(r);
	/* Round 2 has no works of its own: no school, the experts by their control checks. */
	assert_int_equal(rc_report_build(db, &ALL, round2, 0, &r, msg, sizeof msg), 0);
	assert_int_equal(r->nworks, 0);
	assert_int_equal(r->nschools, 0);
	assert_int_equal(r->nexperts, 3);
	assert_int_equal(r->experts[0].f.works, 0);
	assert_true(fabs(r->experts[0].f.control_accuracy) < 1e-12);
	rc_report_free(r);
}

static char *table(const struct rc_report *r, enum rc_table t)
{
	struct buf b = BUF_INIT;
	struct table_writer *w = NULL;
	char msg[256];
	assert_int_equal(table_writer_open_mem(&w, TABLE_CSV, NULL, &b, msg, sizeof msg), 0);
	assert_int_equal(rc_report_write(r, t, w), 0);
	assert_int_equal(table_writer_close(w), 0);
	char *s = strndup(b.p ? b.p : "", b.len);
	buf_free(&b);
	return s;
}

static void test_tables(void **state)
{
	(void)state;
	assert_int_equal(add_controls(), 0);
	struct rc_report *r = NULL;
	char msg[256] = "";
	assert_int_equal(rc_report_build(db, &ALL, 0, proc, &r, msg, sizeof msg), 0);
	char *s = table(r, RC_T_WORKS);
	assert_string_equal(s, "school,code,check1,check2,check3,final,mark1,mark_final,delta,objective\n"
			       "sch1,10001,6,4,5,5,5,5,1,1\n"
			       "sch1,10002,5,4,3,3,5,3,2,0\n"
			       "sch1,10003,4,3,,,4,,,\n"
			       "sch1,10004,2,2,,2,3,3,0,1\n"
			       "sch2,20001,3,4,4,4,3,4,-1,0\n"
			       "sch2,20002,2,2,,2,3,3,0,1\n"
			       "sch3,30001,5,5,,5,5,5,0,1\n");
	free(s);
	s = table(r, RC_T_SCHOOLS);
	assert_string_equal(s, "school,works,objective_share,mean_delta,up,down,p\n"
			       "sch1,3,0.666667,1,0,1,0.25\n"
			       "sch2,2,0.5,-0.5,1,0,1\n"
			       "sch3,1,1,0,0,0,1\n");
	free(s);
	s = table(r, RC_T_EXPERTS);
	assert_string_equal(s, "expert,works,exact,within1,qwk,mean_delta,control_accuracy\n"
			       "E1,2,1,1,1,0,0\n"
			       "E2,2,0,1,0,0,1\n"
			       "E3,1,1,1,,0,1\n"
			       "E4,4,1,1,1,0,\n");
	free(s);
	s = table(r, RC_T_POSITIONS);
	assert_string_equal(s, "position,max,works,mean_delta,over,under,p\n"
			       "1,1,6,0,0,0,1\n"
			       "2,2,6,0.166667,1,0,0.5\n"
			       "3,3,6,0.166667,2,1,0.5\n");
	free(s);
	/* The four files in a directory. */
	char out[160];
	snprintf(out, sizeof out, "%s/report", dir);
	assert_int_equal(rc_report_write_dir(r, out, msg, sizeof msg), 0);
	for (int t = 0; t < RC_T_COUNT; t++) {
		char f[200];
		snprintf(f, sizeof f, "%s/%s", out, rc_table_file((enum rc_table)t));
		assert_int_equal(access(f, R_OK), 0);
		assert_int_equal(rc_table_parse(rc_table_file((enum rc_table)t)), t);
	}
	assert_int_equal(rc_table_parse("nope.csv"), -1);
	rc_report_free(r);
}

static void test_not_found(void **state)
{
	(void)state;
	struct rc_report *r = NULL;
	char msg[256] = "";
	assert_int_equal(rc_report_build(db, &ALL, 999, 0, &r, msg, sizeof msg), ERR_NOTFOUND);
	assert_null(r);
	assert_non_null(strstr(msg, "999"));
	assert_int_equal(rc_report_build(db, &ALL, 0, 999, &r, msg, sizeof msg), ERR_NOTFOUND);
	assert_null(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_figures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_controls_only_for_experts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_found, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
