/* The sign recheck_inflated in `oko analyze` (src/analysis/recheck.c): a temporary file
 * database with three schools of one procedure, re-checks stored through the model, and
 * an analysis run with two workers. sch1 over-scored (every finished re-check lower than
 * its scores), sch2 scored objectively, sch3 was not re-checked. The expected figures are
 * computed by hand below. */
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

#include "analysis/analysis.h"
#include "base/log.h"
#include "db/db.h"
#include "model/recheck.h"
#include "model/run.h"

#define NEAR(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))

/* Four positions of maximum 3, scale {3, 6, 9}: 0–2 «2», 3–5 «3», 6–8 «4», 9–12 «5». */
static void fixture(struct db *d)
{
	assert_int_equal(db_exec(d,
		"INSERT INTO region (id, name) VALUES (1, 'Край');"
		"INSERT INTO municipality (id, region_id, name) VALUES (1, 1, 'Город');"
		"INSERT INTO school (id, login, name, municipality_id, kind) VALUES"
		" (1, 'sch1', 'Школа 1', 1, 'СОШ'), (2, 'sch2', 'Школа 2', 1, 'СОШ'),"
		" (3, 'sch3', 'Школа 3', 1, 'СОШ');"
		"INSERT INTO procedure (id, code, kind, year, subject, grade, max_score, scale3, scale4, scale5) VALUES"
		" (1, 'VPR-2021-MA-4', 'VPR', 2021, 'MA', 4, 12, 3, 6, 9);"
		"INSERT INTO position (procedure_id, idx, label, label_key, max, level) VALUES"
		" (1, 0, '1', '1', 3, 'Б'), (1, 1, '2', '2', 3, 'Б'), (1, 2, '3', '3', 3, 'П'),"
		" (1, 3, '4', '4', 3, 'В');"), 0);
	/* Six works per school; the scores of work k (1..6). */
	static const char *const sc[6] = { "02020202", "02020202", "02020202", "02020202",
					   "02020101", "03030202" };
	static const char *const sc2[6] = { "01020300", "00010203", "03000102", "02020202",
					    "03030303", "01010101" };
	char sql[512];
	for (int s = 1; s <= 3; s++)
		for (int k = 0; k < 6; k++) {
			const char *x = s == 1 ? sc[k] : sc2[k];
			int total = 0;
			for (int i = 0; i < 8; i += 2)
				total += (x[i] - '0') * 10 + (x[i + 1] - '0');
			snprintf(sql, sizeof sql,
				 "INSERT INTO result (procedure_id, school_id, code, class, journal_mark,"
				 " absent, primary_score, scores, problems) VALUES (1, %d, '%d', '4А', 4, 0,"
				 " %d, X'%s', 0)", s, k + 1, total, x);
			assert_int_equal(db_exec(d, sql), 0);
		}
	/* Rows written here, not by the result writer: not packed (model/result_pack.h). */
	assert_int_equal(db_exec(d, "INSERT INTO result_unpacked (procedure_id) SELECT DISTINCT"
				    " procedure_id FROM result"), 0);
}

static int64_t work(struct db *d, int64_t round, int64_t school, const char *code)
{
	assert_int_equal(recheck_work_add(d, round, 1, school, code, "risk", "тест"), 0);
	int64_t id = 0;
	assert_int_equal(recheck_work_find(d, 1, school == 1 ? "sch1" : "sch2", code, &id), 0);
	return id;
}

static void check(struct db *d, int64_t w, int no, int64_t expert, const uint8_t *s)
{
	assert_int_equal(recheck_check_import(d, w, no, expert, s, 4, "test"), 0);
}

/* sch1 (s1 → check 2 [→ check 3], final, delta):
 *   works 1–4: 8 («4») → 6 {1,2,1,2} («4»), one point on two positions: check 2 final,
 *              delta 2, not objective;
 *   work 5:    6 («4») → 4 {1,1,1,1} («3»): a different mark, significant; check 3 the
 *              same 4: final, delta 2, a mark down;
 *   work 6:    10 («5») → 8 {1,3,2,2}: position 1 two points off, significant; check 3
 *              9 {2,3,2,2} («5»): final, delta 1, objective.
 *   works 6, objective 1, up 0, down 1, over 6, under 0: mean_delta = (5·2 + 1)/6 = 11/6,
 *   p = P(X >= 6 | 6, 1/2) = 1/64; share 1/6 < 0.9 and p < 0.05: inflated.
 * sch2: works 1–4 re-checked with the school's own scores (delta 0, objective); work 5
 *   12 → {0,3,3,3}: significant, no check 3: not finished, left out; a control check of
 *   work 1 by another expert with zeros, never counted. works 4, objective 4, p = 1,
 *   mean_delta 0: not inflated. */
static void rechecks(struct db *d)
{
	struct rc_expert_row e;
	memset(&e, 0, sizeof e);
	snprintf(e.code, sizeof e.code, "E1");
	snprintf(e.name, sizeof e.name, "Эксперт 1");
	e.max_works = 100;
	assert_int_equal(expert_put(d, &e, "test"), 0);
	snprintf(e.code, sizeof e.code, "E2");
	snprintf(e.name, sizeof e.name, "Эксперт 2");
	assert_int_equal(expert_put(d, &e, "test"), 0);
	int64_t e1 = 0, e2 = 0;
	assert_int_equal(expert_find(d, "E1", &e1), 0);
	assert_int_equal(expert_find(d, "E2", &e2), 0);
	struct rc_round r;
	memset(&r, 0, sizeof r);
	r.procedure_id = 1;
	r.kind = RC_MUNICIPAL;
	snprintf(r.rules, sizeof r.rules, "risk");
	r.share = 1;
	r.seed = 1;
	snprintf(r.created_by, sizeof r.created_by, "test");
	assert_int_equal(recheck_round_add(d, &r), 0);
	static const uint8_t six[] = { 1, 2, 1, 2 }, four[] = { 1, 1, 1, 1 },
			     eight[] = { 1, 3, 2, 2 }, nine[] = { 2, 3, 2, 2 };
	for (int k = 1; k <= 6; k++) {
		char code[8];
		snprintf(code, sizeof code, "%d", k);
		int64_t w = work(d, r.id, 1, code);
		if (k <= 4) {
			check(d, w, 2, e1, six);
		} else if (k == 5) {
			check(d, w, 2, e1, four);
			check(d, w, 3, e2, four);
		} else {
			check(d, w, 2, e1, eight);
			check(d, w, 3, e2, nine);
		}
	}
	static const uint8_t own[4][4] = { { 1, 2, 3, 0 }, { 0, 1, 2, 3 }, { 3, 0, 1, 2 },
					   { 2, 2, 2, 2 } };
	static const uint8_t far[] = { 0, 3, 3, 3 }, zeros[] = { 0, 0, 0, 0 };
	int64_t first = 0;
	for (int k = 1; k <= 5; k++) {
		char code[8];
		snprintf(code, sizeof code, "%d", k);
		int64_t w = work(d, r.id, 2, code);
		check(d, w, 2, e1, k <= 4 ? own[k - 1] : far);
		if (k == 1)
			first = w;
	}
	/* The control check: E2 scores sch2's work 1 with zeros. */
	assert_int_equal(recheck_check_add(d, r.id, first, 2, e2, true, "test"), 0);
	struct rc_task *t = NULL;
	size_t nt = 0;
	assert_int_equal(recheck_queue(d, e2, &t, &nt), 0);
	bool saved = false;
	char msg[256];
	for (size_t i = 0; i < nt; i++)
		if (!t[i].done) {
			assert_int_equal(recheck_task_save(d, e2, t[i].id, zeros, 4, true, msg, sizeof msg), 0);
			saved = true;
		}
	free(t);
	assert_true(saved);
}

/* The recheck_inflated row of a school in signs.csv into line (false when none). */
static bool signs_row(const char *out, const char *school, char *line, size_t n)
{
	char path[256];
	snprintf(path, sizeof path, "%s/signs.csv", out);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char pre[64];
	snprintf(pre, sizeof pre, "%s,VPR-2021-MA-4,recheck_inflated,", school);
	bool found = false;
	while (!found && fgets(line, (int)n, f))
		found = !strncmp(line, pre, strlen(pre));
	fclose(f);
	return found;
}

static int64_t run(const char *path, const char *out, struct db *d)
{
	struct analysis_opts o = { .db_path = path, .out_dir = out, .threads = 2, .q = 0.05,
				   .store = true };
	struct analysis_summary sum;
	char msg[256];
	int rc = analysis_run(d, &o, &sum, msg, sizeof msg);
	if (rc)
		fprintf(stderr, "# %s\n", msg);
	assert_int_equal(rc, 0);
	return sum.run_id;
}

static double risk_of(struct db *d, int64_t run_id, int64_t school, long *own)
{
	struct run_risk x;
	long ranked = 0;
	assert_int_equal(run_school_risk(d, run_id, school, &x, &ranked), 0);
	double v = x.risk;
	*own = x.own_flags;
	run_risk_clear(&x);
	return v;
}

static void test_analysis(void **state)
{
	(void)state;
	char dir[64], path[256], out[128], cmd[160], line[1024];
	snprintf(dir, sizeof dir, "/tmp/oko-test-rcan-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/t.db", dir);
	snprintf(out, sizeof out, "%s/out", dir);
	log_set_level(LOG_QUIET);
	struct db *d = NULL;
	assert_int_equal(db_open(&d, path, DB_OPEN_CREATE), 0);
	fixture(d);

	/* Before any re-check: no row, and sch1's risk without the sign. */
	int64_t run0 = run(path, out, d);
	assert_false(signs_row(out, "sch1", line, sizeof line));
	long own0 = 0, own1 = 0;
	double risk0 = risk_of(d, run0, 1, &own0);

	assert_int_equal(db_begin(d), 0);
	rechecks(d);
	assert_int_equal(db_commit(d), 0);
	int64_t run1 = run(path, out, d);
	assert_true(run1 > run0);

	/* signs.csv: value = mean_delta 11/6, threshold 0.9, n 6, flag, p = 1/64. */
	assert_true(signs_row(out, "sch1", line, sizeof line));
	assert_string_equal(line, "sch1,VPR-2021-MA-4,recheck_inflated,1.833333333,0.9,6,flag,0.015625,,"
				  "works=6;objective=1;up=0;down=1;over=6;under=0\n");
	assert_true(signs_row(out, "sch2", line, sizeof line));
	assert_string_equal(line, "sch2,VPR-2021-MA-4,recheck_inflated,0,0.9,4,ok,1,,"
				  "works=4;objective=4;up=0;down=0;over=0;under=0\n");
	assert_false(signs_row(out, "sch3", line, sizeof line));

	/* run_recheck: one row per re-checked school. */
	struct rc_run_row *rr = NULL;
	size_t n = 0;
	assert_int_equal(recheck_run_school(d, run1, 1, &rr, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rr[0].works, 6);
	assert_int_equal(rr[0].objective, 1);
	assert_int_equal(rr[0].down, 1);
	assert_int_equal(rr[0].up, 0);
	NEAR(rr[0].mean_delta, 11.0 / 6, 1e-12);
	NEAR(rr[0].p, 1.0 / 64, 1e-15);
	assert_true(rr[0].inflated);
	free(rr);
	assert_int_equal(recheck_run_school(d, run1, 2, &rr, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rr[0].works, 4);
	assert_int_equal(rr[0].objective, 4);
	NEAR(rr[0].p, 1, 0);
	assert_false(rr[0].inflated);
	free(rr);
	rr = NULL;
	assert_int_equal(recheck_run_school(d, run1, 3, &rr, &n), 0);
	assert_int_equal(n, 0);
	free(rr);
	/* The earlier run has none. */
	assert_int_equal(recheck_run_school(d, run0, 1, &rr, &n), 0);
	assert_int_equal(n, 0);
	free(rr);

	/* The flag is stored with the run's flagged signs, counts as an own flag and raises
	 * the school's risk. */
	struct run_sign *sg = NULL;
	size_t ns = 0;
	assert_int_equal(run_school_signs(d, run1, 1, RUN_SIGNS_BY_SIGN, &sg, &ns), 0);
	bool stored = false;
	for (size_t i = 0; i < ns; i++)
		if (!strcmp(sg[i].sign, "recheck_inflated")) {
			stored = true;
			assert_string_equal(sg[i].kind, "own");
			assert_int_equal(sg[i].n, 6);
			NEAR(sg[i].p, 1.0 / 64, 1e-15);
		}
	run_signs_free(sg, ns);
	assert_true(stored);
	assert_int_equal(run_school_signs(d, run1, 2, RUN_SIGNS_BY_SIGN, &sg, &ns), 0);
	for (size_t i = 0; i < ns; i++)
		assert_string_not_equal(sg[i].sign, "recheck_inflated");
	run_signs_free(sg, ns);
	double risk1 = risk_of(d, run1, 1, &own1);
	assert_int_equal(own1, own0 + 1);
	assert_true(risk1 > risk0);

	db_close(d);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_analysis),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
