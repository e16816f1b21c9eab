/* Unit tests of the ФИС ОКО reports (report/fisoko.h) on a small database built here; every
 * expected number is worked out by hand in the comments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "base/log.h"
#include "db/db.h"
#include "model/procedure.h"
#include "model/registry.h"
#include "model/result.h"
#include "report/fisoko.h"

static char dir[64], path[128];
static struct db *db;
static int64_t sch_a, sch_b, sch_c, sch_d, mun1, reg;

#define NEAR(x, y) assert_true(fabs((x) - (y)) < 1e-9)

static void put(struct result_writer *w, int64_t school, const char *code, int journal, bool absent,
		int s1, int s2, int s3, int s4)
{
	struct result r = { .school_id = school, .code = code, .class_name = "4А", .variant = 1,
			    .journal_mark = journal, .absent = absent, .stated_total = -1, .npos = 4,
			    .scores = { (uint8_t)s1, (uint8_t)s2, (uint8_t)s3, (uint8_t)s4 } };
	if (absent)
		memset(r.scores, SCORE_EMPTY, 4);
	assert_int_equal(result_writer_put(w, &r), 0);
}

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/oko-test-fisoko-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	log_set_level(LOG_QUIET);
	if (db_open(&db, path, DB_OPEN_CREATE))
		return -1;
	struct school a = { .login = "a", .name = "Школа А", .municipality = "М1", .region = "Р" };
	struct school b = { .login = "b", .name = "Школа Б", .municipality = "М1", .region = "Р" };
	struct school c = { .login = "c", .name = "Школа В", .municipality = "М2", .region = "Р" };
	bool created;
	if (registry_school_put(db, &a, &sch_a) || registry_school_put(db, &b, &sch_b) ||
	    registry_school_put(db, &c, &sch_c) || registry_school_ensure(db, "d", &sch_d, &created))
		return -1;
	db_query_int(db, "SELECT id FROM municipality WHERE name = 'М1'", 0, &mun1);
	db_query_int(db, "SELECT id FROM region", 0, &reg);
	/* 4 positions, maxima 1 2 2 1 (6), scale 2/4/5: «2» 0–1, «3» 2–3, «4» 4, «5» 5–6. */
	struct procedure p = { 0 };
	char msg[256];
	if (procedure_code_parse("VPR-2022-MA-4", &p, msg, sizeof msg) ||
	    procedure_positions_parse("1:1:Б 2:2:Б 3:2:П 4:1:В", &p, msg, sizeof msg) ||
	    procedure_scale_parse("2/4/5", &p, msg, sizeof msg) || procedure_put(db, &p, msg, sizeof msg))
		return -1;
	struct result_writer *w;
	db_begin(db);
	if (result_writer_open(db, p.id, &w))
		return -1;
	/*                 journal        scores   score mark  vs journal */
	put(w, sch_a, "a1", 5, false, 1, 2, 2, 1); /* 6  5  equal */
	put(w, sch_a, "a2", 2, false, 1, 0, 0, 0); /* 1  2  equal */
	put(w, sch_a, "a3", 5, false, 0, 1, 0, 0); /* 1  2  lower by 3 */
	put(w, sch_a, "a4", 0, false, SCORE_X, 2, 1, SCORE_NOT_TAUGHT); /* 3  3  — */
	put(w, sch_a, "a5", 4, true, 0, 0, 0, 0);  /* absent */
	put(w, sch_a, "a6", 3, false, 1, 2, 1, 1); /* 5  5  higher by 2 */
	put(w, sch_b, "b1", 4, false, 1, 2, 1, 0); /* 4  4  equal */
	put(w, sch_b, "b2", 0, false, 5, 0, 0, 0); /* 5 (position 1 over its max, clamped to 1) */
	put(w, sch_c, "c1", 3, false, 1, 1, 0, 0); /* 2  3  equal */
	put(w, sch_d, "d1", 3, false, 1, 1, 0, 0); /* a school with no municipality */
	result_writer_close(w);
	return db_commit(db);
}

static int teardown(void **state)
{
	db_close(db);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_school(void **state)
{
	struct fisoko_report r;
	assert_int_equal(fisoko_build(db, "VPR-2022-MA-4", FISOKO_SCHOOL, sch_a, &r), 0);
	assert_int_equal(r.nlev, 3);
	assert_int_equal(r.lev[1].kind, FISOKO_MUNICIPALITY);
	assert_string_equal(r.lev[1].name, "М1");
	assert_string_equal(r.lev[2].name, "Р");
	const struct fisoko_level *a = &r.lev[0], *m = &r.lev[1], *g = &r.lev[2];
	/* 1. marks: A 2,1,0,2 of 5; М1 adds b1 «4», b2 «5»; region adds c1 «3» (d has no region). */
	assert_int_equal(a->n, 5);
	assert_int_equal(a->absent, 1);
	assert_int_equal(a->marks[0], 2);
	assert_int_equal(a->marks[1], 1);
	assert_int_equal(a->marks[2], 0);
	assert_int_equal(a->marks[3], 2);
	NEAR(fisoko_pct(a->marks[0], a->n), 40.0);
	NEAR(a->mean, 16.0 / 5);
	assert_int_equal(m->n, 7);
	assert_int_equal(m->marks[2], 1);
	assert_int_equal(m->marks[3], 3);
	assert_int_equal(g->n, 8);
	assert_int_equal(g->marks[1], 2);
	/* 2. journal: a4 has none → 4 compared; a1 a2 equal, a3 lower (by 3), a6 higher (by 2). */
	assert_int_equal(a->jn, 4);
	assert_int_equal(a->jlower, 1);
	assert_int_equal(a->jequal, 2);
	assert_int_equal(a->jhigher, 1);
	assert_int_equal(a->jlower2, 1);
	assert_int_equal(a->jhigher2, 1);
	assert_int_equal(m->jn, 5); /* b2 has no journal mark */
	assert_int_equal(m->jequal, 3);
	/* 3. histogram: scores 6 1 1 3 5 */
	assert_int_equal(a->hist[1], 2);
	assert_int_equal(a->hist[3], 1);
	assert_int_equal(a->hist[5], 1);
	assert_int_equal(a->hist[6], 1);
	assert_int_equal(a->hist[0], 0);
	/* 4. success: position 1: 1+1+0+0(X)+1 = 3 of 5 → 60 %; position 2: 7 of 10 → 70 %;
	 * position 3: 4 of 10 → 40 %; position 4: 2 of 5 → 40 % («не пройд.» counts 0). */
	NEAR(fisoko_success(&r, 0, 0), 60.0);
	NEAR(fisoko_success(&r, 0, 1), 70.0);
	NEAR(fisoko_success(&r, 0, 2), 40.0);
	NEAR(fisoko_success(&r, 0, 3), 40.0);
	/* М1 position 1: 3 + b1 1 + b2 5 clamped to 1 = 5 of 7. */
	NEAR(fisoko_success(&r, 1, 0), 500.0 / 7);
	/* 5. planned: position 2 maximum by a1 a4 a6 (3), at least half also a3 (4). */
	assert_int_equal(a->pos[1].full, 3);
	assert_int_equal(a->pos[1].half, 4);
	assert_int_equal(a->pos[2].full, 1);
	assert_int_equal(a->pos[2].half, 3);
	/* 6. groups: «5» = a1, a6: position 2 (2+2)/4 = 100 %, position 3 (2+1)/4 = 75 %;
	 * «2» = a2, a3: position 1 1/2 = 50 %; «4» is empty. */
	NEAR(fisoko_group_success(&r, 0, 5, 1), 100.0);
	NEAR(fisoko_group_success(&r, 0, 5, 2), 75.0);
	NEAR(fisoko_group_success(&r, 0, 2, 0), 50.0);
	assert_true(isnan(fisoko_group_success(&r, 0, 4, 0)));
	/* 7. individual results: all six rows, the absent one without a score. */
	assert_int_equal(r.npeople, 6);
	int absent = 0;
	for (int i = 0; i < r.npeople; i++) {
		if (r.people[i].absent) {
			absent++;
			assert_int_equal(r.people[i].primary, -1);
			assert_int_equal(r.people[i].mark, 0);
		}
		if (!strcmp(r.people[i].code, "a4")) {
			assert_int_equal(r.people[i].scores[0], SCORE_X);
			assert_int_equal(r.people[i].primary, 3);
			assert_int_equal(r.people[i].mark, 3);
			assert_int_equal(r.people[i].journal, 0);
		}
	}
	assert_int_equal(absent, 1);
	/* XLSX: a workbook is written. */
	char x[160];
	snprintf(x, sizeof x, "%s/r.xlsx", dir);
	assert_int_equal(fisoko_xlsx(&r, x), 0);
	struct stat st;
	assert_int_equal(stat(x, &st), 0);
	assert_true(st.st_size > 1000);
	fisoko_free(&r);
}

static void test_levels(void **state)
{
	struct fisoko_report r;
	assert_int_equal(fisoko_build(db, "VPR-2022-MA-4", FISOKO_MUNICIPALITY, mun1, &r), 0);
	assert_int_equal(r.nlev, 2);
	assert_int_equal(r.lev[0].n, 7);
	assert_int_equal(r.npeople, 0);
	fisoko_free(&r);
	assert_int_equal(fisoko_build(db, "VPR-2022-MA-4", FISOKO_REGION, reg, &r), 0);
	assert_int_equal(r.nlev, 1);
	assert_int_equal(r.lev[0].n, 8);
	assert_int_equal(r.lev[0].absent, 1);
	fisoko_free(&r);
	/* A school without a municipality is compared with nothing. */
	assert_int_equal(fisoko_build(db, "VPR-2022-MA-4", FISOKO_SCHOOL, sch_d, &r), 0);
	assert_int_equal(r.nlev, 1);
	assert_int_equal(r.lev[0].n, 1);
	assert_int_equal(r.lev[0].marks[1], 1);
	fisoko_free(&r);
	assert_int_equal(fisoko_build(db, "VPR-1999-MA-4", FISOKO_SCHOOL, sch_a, &r), ERR_NOTFOUND);
	assert_int_equal(fisoko_build(db, "VPR-2022-MA-4", FISOKO_SCHOOL, 999999, &r), ERR_NOTFOUND);
}

/* An ОГЭ without a scale: marks are those the results stated. With every participant's
 * mark stated the reports have marks; one participant without leaves them without. */
static void put_oge(struct result_writer *w, int64_t school, const char *code, int journal, int mark)
{
	struct result r = { .school_id = school, .code = code, .class_name = "9А", .variant = 1,
			    .journal_mark = journal, .exam_mark = mark, .stated_total = -1, .npos = 4,
			    .scores = { 1, 1, 1, 0 } };
	assert_int_equal(result_writer_put(w, &r), 0);
}

static void test_stated_marks(void **state)
{
	(void)state;
	struct procedure p = { 0 };
	char msg[256];
	assert_int_equal(procedure_code_parse("OGE-2025-MA-9", &p, msg, sizeof msg), 0);
	assert_int_equal(procedure_positions_parse("1:1:Б 2:2:Б 3:2:П 4:1:В", &p, msg, sizeof msg), 0);
	assert_int_equal(procedure_put(db, &p, msg, sizeof msg), 0);
	struct result_writer *w;
	db_begin(db);
	assert_int_equal(result_writer_open(db, p.id, &w), 0);
	put_oge(w, sch_a, "o1", 4, 4); /* confirmed */
	put_oge(w, sch_a, "o2", 4, 5); /* higher */
	put_oge(w, sch_a, "o3", 5, 3); /* lower by 2 */
	put_oge(w, sch_b, "o4", 0, 2); /* no annual mark */
	result_writer_close(w);
	assert_int_equal(db_commit(db), 0);

	struct fisoko_report r;
	assert_int_equal(fisoko_build(db, "OGE-2025-MA-9", FISOKO_SCHOOL, sch_a, &r), 0);
	assert_false(r.proc.has_scale);
	assert_true(r.marks);
	const struct fisoko_level *a = &r.lev[0];
	assert_int_equal(a->n, 3);
	assert_int_equal(a->stated, 3);
	assert_int_equal(a->marks[0], 0);
	assert_int_equal(a->marks[1], 1);
	assert_int_equal(a->marks[2], 1);
	assert_int_equal(a->marks[3], 1);
	assert_int_equal(a->jn, 3);
	assert_int_equal(a->jequal, 1);
	assert_int_equal(a->jhigher, 1);
	assert_int_equal(a->jlower, 1);
	assert_int_equal(a->jlower2, 1);
	assert_int_equal(r.lev[r.nlev - 1].marks[0], 1); /* the region has o4's «2» */
	fisoko_free(&r);

	/* One more participant of school В without a stated mark: the region's marks are
	 * incomplete, so no level has marks to show. */
	db_begin(db);
	assert_int_equal(result_writer_open(db, p.id, &w), 0);
	put_oge(w, sch_c, "o5", 4, 0);
	result_writer_close(w);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(fisoko_build(db, "OGE-2025-MA-9", FISOKO_SCHOOL, sch_a, &r), 0);
	assert_false(r.marks);
	assert_int_equal(r.lev[0].stated, 3);
	fisoko_free(&r);
}

static void test_verdict(void **state)
{
	assert_int_equal(fisoko_verdict("Б", 56.9), FISOKO_BELOW);
	assert_int_equal(fisoko_verdict("Б", 57.0), FISOKO_BORDER);
	assert_int_equal(fisoko_verdict("Б", 62.9), FISOKO_BORDER);
	assert_int_equal(fisoko_verdict("Б", 63.0), FISOKO_OK);
	assert_int_equal(fisoko_verdict("П", 28.4), FISOKO_BELOW);
	assert_int_equal(fisoko_verdict("В", 28.5), FISOKO_BORDER);
	assert_int_equal(fisoko_verdict("П", 31.5), FISOKO_OK);
	assert_int_equal(fisoko_verdict("", 10.0), FISOKO_NA);
	assert_int_equal(fisoko_verdict("Б", NAN), FISOKO_NA);
	assert_true(isnan(fisoko_pct(1, 0)));
	NEAR(fisoko_pct(1, 3), 100.0 / 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_school),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_stated_marks),
		cmocka_unit_test(test_verdict),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
