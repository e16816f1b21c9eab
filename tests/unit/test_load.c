/* Unit tests of model/load: the loader from the database into stats columns — scores,
 * exclusions, "не пройд." cells, class ids per (school, class), one school index space
 * across procedures. The database is built here with plain SQL. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/log.h"
#include "db/db.h"
#include "model/load.h"
#include "model/result_pack.h"
#include "stats/analyze.h"

static char dir[64], path[128];
static struct db *db;

static const char *FIXTURE =
	"INSERT INTO region (id, name) VALUES (1, 'Тестовый край');"
	"INSERT INTO municipality (id, region_id, name) VALUES (1, 1, 'Город'), (2, 1, 'Район');"
	/* ids deliberately not in login order */
	"INSERT INTO school (id, login, name, municipality_id, kind) VALUES"
	" (2, 'sch1', 'Школа 1', 1, 'СОШ'), (9, 'sch2', 'Школа 2', 2, 'лицей'),"
	" (5, 'sch3', 'Школа 3', NULL, 'ООШ');"
	"INSERT INTO procedure (id, code, kind, year, subject, grade, max_score, scale3, scale4, scale5)"
	" VALUES (1, 'VPR-2021-RU-4', 'VPR', 2021, 'RU', 4, 6, 2, 4, 5),"
	" (2, 'VPR-2022-RU-5', 'VPR', 2022, 'RU', 5, 4, NULL, NULL, NULL),"
	" (3, 'VPR-2022-MA-5', 'VPR', 2022, 'MA', 5, 10, NULL, NULL, NULL);"
	"INSERT INTO position (procedure_id, idx, label, label_key, max, level) VALUES"
	" (1, 0, '1', '1', 2, 'Б'), (1, 1, '2', '2', 2, 'П'), (1, 2, '3', '3', 2, 'В');"
	"INSERT INTO result (procedure_id, school_id, code, class, journal_mark, absent,"
	" primary_score, scores, problems) VALUES"
	" (1, 2, '1', '4А', 5, 0, 6, X'020202', 0),"
	" (1, 2, '2', '4Б', 4, 0, 3, X'01FF02', 0),"      /* X: not attempted */
	" (1, 2, '3', '4А', NULL, 0, 2, X'FD0002', 16),"  /* не пройд. counts 0 */
	" (1, 2, '4', '4А', 3, 1, NULL, NULL, 0),"        /* absent */
	" (1, 2, '5', NULL, 2, 0, 1, X'010000', 0),"      /* no class: pseudo-class */
	" (1, 9, '1', '4А', 4, 0, 9, X'030303', 256),"    /* total above max: excluded */
	" (1, 9, '2', '4А', 4, 0, 3, X'030000', 256),"    /* a cell above its max: kept */
	" (1, 9, '3', NULL, NULL, 0, 4, X'020200', 0),"
	" (2, 5, '1', '5А', 3, 0, 3, NULL, 0);"
	/* Rows written here, not by the result writer: as a database made before the
	 * analysis's copy (model/result_pack.h), its procedures are not packed. */
	"INSERT INTO result_unpacked (procedure_id) SELECT DISTINCT procedure_id FROM result;";

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/oko-test-load-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	log_set_level(LOG_QUIET);
	if (db_open(&db, path, DB_OPEN_CREATE))
		return -1;
	return db_exec(db, FIXTURE);
}

static int teardown(void **state)
{
	db_close(db);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_schools(void **state)
{
	struct load_schools sc;
	assert_int_equal(load_schools(db, &sc), 0);
	assert_int_equal(sc.n, 3);
	assert_string_equal(sc.s[0].login, "sch1");
	assert_string_equal(sc.s[1].login, "sch2");
	assert_string_equal(sc.s[2].login, "sch3");
	assert_string_equal(sc.s[1].municipality, "Район");
	assert_string_equal(sc.s[1].kind, "лицей");
	assert_string_equal(sc.s[2].municipality, "");
	assert_int_equal(load_school_index(&sc, 2), 0);
	assert_int_equal(load_school_index(&sc, 9), 1);
	assert_int_equal(load_school_index(&sc, 5), 2);
	assert_int_equal(load_school_index(&sc, 3), -1);
	assert_int_equal(load_school_index(&sc, 100), -1);
	load_schools_free(&sc);
}

static void test_procedures(void **state)
{
	struct load_procinfo *p;
	size_t n;
	assert_int_equal(load_procedures(db, &p, &n), 0);
	assert_int_equal(n, 2); /* MA-5 has no results */
	assert_string_equal(p[0].code, "VPR-2021-RU-4");
	assert_string_equal(p[1].code, "VPR-2022-RU-5");
	assert_int_equal(p[1].grade, 5);
	free(p);
}

/* The loads of both procedures, whether read from the rows or from the blobs. */
static void check_proc(void)
{
	struct load_schools sc;
	assert_int_equal(load_schools(db, &sc), 0);
	struct stat_proc *p;
	struct load_stats st;
	assert_int_equal(load_proc(db, &sc, 1, LOAD_POS | LOAD_CLASS, &p, &st), 0);
	assert_int_equal(st.rows, 8);
	assert_int_equal(st.absent, 1);
	assert_int_equal(st.over_max, 1);
	assert_int_equal(st.no_score, 0);
	assert_int_equal(st.cells_over, 1);
	assert_int_equal(st.not_taught, 1);
	assert_int_equal(st.works, 6);
	assert_int_equal(p->n, 6);
	assert_int_equal(p->nschools, 3);
	assert_int_equal(p->max_score, 6);
	assert_true(p->has_scale);
	assert_int_equal(p->scale[0], 2);
	assert_int_equal(p->npos, 3);
	assert_non_null(p->pos);
	assert_int_equal(p->pos_level[0], 'B');
	assert_int_equal(p->pos_level[1], 'P');
	assert_int_equal(p->pos_level[2], 'H');
	/* Works in key order: sch1 (id 2) codes 1, 2, 3, 5; sch2 (id 9) codes 2, 3. */
	const uint32_t school[] = {0, 0, 0, 0, 1, 1};
	const int16_t score[] = {6, 3, 2, 1, 3, 4};
	const int8_t journal[] = {5, 4, 0, 2, 4, 0};
	for (int i = 0; i < 6; i++) {
		assert_int_equal(p->school[i], school[i]);
		assert_int_equal(p->score[i], score[i]);
		assert_int_equal(p->journal[i], journal[i]);
	}
	const uint8_t cells[] = {2, 2, 2, 1, STAT_POS_X, 2, STAT_POS_EMPTY, 0, 2, 1, 0, 0,
				 STAT_POS_EMPTY, 0, 0, 2, 2, 0};
	assert_memory_equal(p->pos, cells, sizeof cells);
	/* Classes: sch1 4А, 4Б, none; sch2 4А (another class than sch1's 4А), none. */
	assert_int_equal(p->nclasses, 5);
	assert_int_equal(p->class_id[0], p->class_id[2]);
	assert_int_not_equal(p->class_id[0], p->class_id[1]);
	assert_int_not_equal(p->class_id[3], p->class_id[0]);
	assert_int_not_equal(p->class_id[3], p->class_id[1]);
	assert_int_not_equal(p->class_id[4], p->class_id[0]);
	assert_int_not_equal(p->class_id[5], p->class_id[4]);
	assert_int_not_equal(p->class_id[5], p->class_id[3]);
	assert_int_equal(stat_proc_check(p), 0);
	struct stat_cfg cfg;
	stat_cfg_default(&cfg);
	struct stat_analysis a;
	assert_int_equal(stat_analyze(p, &cfg, &a), 0);
	assert_int_equal(a.mean[0].n, 4);
	assert_int_equal(a.mean[1].n, 2);
	assert_int_equal(a.mean[2].n, 0);
	stat_analysis_free(&a);
	stat_proc_free(p);

	/* Without positions and classes; the same school index space. */
	assert_int_equal(load_proc(db, &sc, 2, LOAD_POS | LOAD_CLASS, &p, &st), 0);
	assert_int_equal(p->n, 1);
	assert_int_equal(p->nschools, 3);
	assert_int_equal(p->school[0], 2);
	assert_null(p->pos);
	assert_false(p->has_scale);
	assert_int_equal(stat_proc_check(p), 0);
	stat_proc_free(p);

	/* Positions not asked for. */
	assert_int_equal(load_proc(db, &sc, 1, 0, &p, &st), 0);
	assert_null(p->pos);
	assert_null(p->class_id);
	assert_int_equal(p->n, 6);
	assert_int_equal(stat_proc_check(p), 0);
	stat_proc_free(p);

	assert_int_equal(load_proc(db, &sc, 77, LOAD_POS, &p, &st), ERR_NOTFOUND);
	assert_null(p);
	load_schools_free(&sc);
}

/* From the rows (the procedures are not packed). */
static void test_proc(void **state)
{
	(void)state;
	bool packed = true;
	assert_int_equal(result_pack_packed(db, 1, &packed), 0);
	assert_false(packed);
	check_proc();
}

/* The same loads from the blobs: every kind of row above (absent, no class, a cell «не
 * пройд.», X, an over-the-maximum cell and total, no cells at all) goes through the
 * blob's form unchanged. */
static void test_proc_packed(void **state)
{
	(void)state;
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(result_pack_procedure(db, 1), 0);
	assert_int_equal(result_pack_procedure(db, 2), 0);
	assert_int_equal(db_commit(db), 0);
	long bad = -1;
	bool packed = false;
	assert_int_equal(result_pack_packed(db, 1, &packed), 0);
	assert_true(packed);
	assert_int_equal(result_pack_verify(db, 1, &bad), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(result_pack_verify(db, 2, &bad), 0);
	assert_int_equal(bad, 0);
	check_proc();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schools),
		cmocka_unit_test(test_procedures),
		cmocka_unit_test(test_proc),
		cmocka_unit_test(test_proc_packed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
