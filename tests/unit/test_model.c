/* Unit tests of the domain model: procedure codes, positions, scales, marks, storage of
 * schools, procedures, participants and results. */
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
#include "model/procedure.h"
#include "model/registry.h"
#include "model/result.h"

static char dir[64], path[128];
static struct db *db;

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/oko-test-model-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	log_set_level(LOG_QUIET);
	return db_open(&db, path, DB_OPEN_CREATE);
}

static int teardown(void **state)
{
	db_close(db);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_code_parse(void **state)
{
	struct procedure p = { 0 };
	char msg[256];
	assert_int_equal(procedure_code_parse("VPR-2021-RU-4", &p, msg, sizeof msg), 0);
	assert_string_equal(p.kind, "VPR");
	assert_int_equal(p.year, 2021);
	assert_string_equal(p.subject, "RU");
	assert_int_equal(p.grade, 4);
	assert_int_equal(procedure_code_parse("OGE-2025-MA-9", &p, msg, sizeof msg), 0);
	assert_int_equal(procedure_code_parse("VPR-2021-RU", &p, msg, sizeof msg), ERR_INVALID);
	assert_int_equal(procedure_code_parse("XXX-2021-RU-4", &p, msg, sizeof msg), ERR_INVALID);
	assert_non_null(strstr(msg, "неизвестный вид процедуры «XXX»"));
	assert_int_equal(procedure_code_parse("VPR-21-RU-4", &p, msg, sizeof msg), ERR_INVALID);
	assert_int_equal(procedure_code_parse("VPR-2021-ZZ-4", &p, msg, sizeof msg), ERR_INVALID);
	assert_int_equal(procedure_code_parse("VPR-2021-RU-12", &p, msg, sizeof msg), ERR_INVALID);
	assert_int_equal(procedure_code_parse("VPR-2021-RU-4-5", &p, msg, sizeof msg), ERR_INVALID);
	assert_int_equal(procedure_code_parse("", &p, msg, sizeof msg), ERR_INVALID);
}

static void test_positions_and_scale(void **state)
{
	struct procedure p = { 0 };
	char msg[256];
	assert_int_equal(procedure_positions_parse("1K1:4:Б 1K2:3:Б 2:3:П 3.1:1:В 4:2", &p, msg,
						   sizeof msg), 0);
	assert_int_equal(p.npos, 5);
	assert_int_equal(p.max_score, 13);
	assert_string_equal(p.pos[2].level, "П");
	assert_string_equal(p.pos[3].level, "В");
	assert_string_equal(p.pos[4].level, "");
	/* Latin K and Cyrillic К name the same position. */
	assert_int_equal(procedure_position_find(&p, "1К2"), 1);
	assert_int_equal(procedure_position_find(&p, "5"), -1);
	assert_int_equal(procedure_position_find(&p, "3(1)"), 3); /* the form writes 3.1 so */
	assert_int_equal(procedure_positions_parse("1:2 1:3", &p, msg, sizeof msg), ERR_INVALID);
	assert_non_null(strstr(msg, "дважды"));
	assert_int_equal(procedure_positions_parse("1K1:4:Б 1К1:4:Б", &p, msg, sizeof msg),
			 ERR_INVALID);
	assert_int_equal(procedure_positions_parse("1:x", &p, msg, sizeof msg), ERR_INVALID);
	assert_int_equal(procedure_positions_parse("1:2:Q", &p, msg, sizeof msg), ERR_INVALID);
	assert_int_equal(procedure_positions_parse("1:201", &p, msg, sizeof msg), ERR_INVALID);

	assert_int_equal(procedure_positions_parse("1:20 2:18", &p, msg, sizeof msg), 0);
	assert_int_equal(procedure_scale_parse("14/24/33", &p, msg, sizeof msg), 0);
	assert_int_equal(procedure_validate(&p, msg, sizeof msg), 0);
	assert_int_equal(procedure_mark(&p, 0), 2);
	assert_int_equal(procedure_mark(&p, 13), 2);
	assert_int_equal(procedure_mark(&p, 14), 3);
	assert_int_equal(procedure_mark(&p, 23), 3);
	assert_int_equal(procedure_mark(&p, 24), 4);
	assert_int_equal(procedure_mark(&p, 33), 5);
	assert_int_equal(procedure_mark(&p, 38), 5);
	assert_int_equal(procedure_scale_parse("14/14/33", &p, msg, sizeof msg), ERR_INVALID);
	assert_int_equal(procedure_scale_parse("14/24", &p, msg, sizeof msg), ERR_INVALID);
	assert_int_equal(procedure_scale_parse("14/24/39", &p, msg, sizeof msg), 0);
	assert_int_equal(procedure_validate(&p, msg, sizeof msg), ERR_INVALID);
	assert_string_equal(procedure_level_canonical(" базовый "), "Б");
	assert_string_equal(procedure_level_canonical("Повышенный"), "П");
	assert_string_equal(procedure_level_canonical("в"), "В");
	assert_null(procedure_level_canonical("Z"));
}

static void test_store_registry(void **state)
{
	struct school s = { .login = "sch220206", .name = "МБОУ «СОШ № 1»",
			    .municipality = "г. Барнаул", .region = "Алтайский край",
			    .kind = "Лицей", .settlement = "город", .indepth = 1 };
	int64_t id1, id2;
	assert_int_equal(registry_school_put(db, &s, &id1), 0);
	s.name = "Новое имя";
	assert_int_equal(registry_school_put(db, &s, &id2), 0);
	assert_int_equal(id1, id2);
	int64_t n;
	assert_int_equal(db_query_int(db, "SELECT count(*) FROM school", 0, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(db_query_int(db, "SELECT count(*) FROM school WHERE kind = 'лицей' AND "
					  "name = 'Новое имя' AND indepth = 1", 0, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(registry_school_find(db, "nope", &id2), ERR_NOTFOUND);
	bool created;
	assert_int_equal(registry_school_ensure(db, "edu223017", &id2, &created), 0);
	assert_true(created);
	assert_int_equal(registry_school_ensure(db, "edu223017", &id2, &created), 0);
	assert_false(created);
	assert_true(registry_login_valid("sch220206"));
	assert_false(registry_login_valid("sch 220206"));
	assert_false(registry_login_valid("школа"));
	assert_null(registry_kind_canonical("университет"));
}

static void test_store_procedure_and_results(void **state)
{
	struct procedure p = { 0 };
	char msg[256] = "";
	assert_int_equal(procedure_code_parse("VPR-2021-MA-4", &p, msg, sizeof msg), 0);
	assert_int_equal(procedure_positions_parse("1:1:Б 2:1:Б 3:2:Б 10:2:П", &p, msg, sizeof msg), 0);
	assert_int_equal(procedure_scale_parse("2/3/5", &p, msg, sizeof msg), 0);
	assert_int_equal(procedure_put(db, &p, msg, sizeof msg), 0);
	assert_true(p.id > 0);
	struct procedure q;
	assert_int_equal(procedure_get(db, "VPR-2021-MA-4", &q), 0);
	assert_int_equal(q.npos, 4);
	assert_int_equal(q.max_score, 6);
	assert_true(q.has_scale);
	assert_int_equal(q.scale[2], 5);
	assert_string_equal(q.pos[3].label, "10");
	assert_string_equal(q.pos[3].level, "П");
	assert_int_equal(procedure_get(db, "VPR-2021-MA-5", &q), ERR_NOTFOUND);

	int64_t school;
	bool created;
	assert_int_equal(registry_school_ensure(db, "sch1", &school, &created), 0);
	struct result_writer *w;
	assert_int_equal(result_writer_open(db, p.id, &w), 0);
	struct result r = { .school_id = school, .code = "40001", .gender = "ж", .class_name = "4А",
			    .variant = 1, .journal_mark = 4, .stated_total = 5, .npos = 4,
			    .scores = { 1, SCORE_X, 2, 2 } };
	assert_int_equal(result_primary_score(&r), 5);
	assert_int_equal(result_writer_put(w, &r), 0);
	assert_int_equal(result_writer_close(w), 0);
	/* Never a second result: the repeat fails when its batch is stored (here, the close). */
	assert_int_equal(result_writer_open(db, p.id, &w), 0);
	assert_int_equal(result_writer_put(w, &r), 0);
	assert_int_equal(result_writer_close(w), ERR_EXISTS);
	int64_t n;
	assert_int_equal(db_query_int(db, "SELECT count(*) FROM result", 0, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(db_query_int(db, "SELECT primary_score FROM result", 0, &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(db_query_int(db, "SELECT length(scores) FROM result", 0, &n), 0);
	assert_int_equal(n, 4);

	/* With results stored, the positions' shape may not change; labels may. */
	assert_int_equal(procedure_positions_parse("1:1:Б 2:1:Б 3:2:Б 10:3:П", &p, msg, sizeof msg), 0);
	p.has_scale = false;
	msg[0] = '\0';
	assert_int_equal(procedure_put(db, &p, msg, sizeof msg), ERR_INVALID);
	assert_non_null(strstr(msg, "уже загружено 1 результат:"));
	assert_null(strstr(msg, "VPR-"));
	assert_int_equal(procedure_positions_parse("1:1:Б 2:1:Б 3:2:Б 10:2:В", &p, msg, sizeof msg), 0);
	assert_int_equal(procedure_put(db, &p, msg, sizeof msg), 0);

	assert_int_equal(result_writer_open(db, p.id, &w), 0);
	assert_int_equal(result_writer_delete_school(w, school, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(result_writer_put(w, &r), 0); /* after the delete, stored anew */
	result_writer_close(w);
}

/* A procedure in the users' words: one home (model/procedure.c) for the pages, the
 * documents and the model's lists. */
static void test_procedure_title(void **state)
{
	(void)state;
	char t[160];
	procedure_title("VPR", "MA", 4, t, sizeof t);
	assert_string_equal(t, "ВПР, математика, 4 класс");
	assert_true(procedure_title_of("VPR-2021-RU-5", "RU", 5, t, sizeof t));
	assert_string_equal(t, "ВПР, русский язык, 5 класс");
	assert_true(procedure_title_of("NIKO-2022-OM-4", "OM", 4, t, sizeof t));
	assert_string_equal(t, "НИКО, окружающий мир, 4 класс");
	/* a kind oko does not name, or no subject: the code as it is */
	assert_false(procedure_title_of("XYZ-2021-MA-4", "MA", 4, t, sizeof t));
	assert_string_equal(t, "XYZ-2021-MA-4");
	assert_false(procedure_title_of("VPR-2021-MA-4", "", 4, t, sizeof t));
	assert_string_equal(t, "VPR-2021-MA-4");
	assert_string_equal(procedure_subject_title("FI"), "Физика");
	assert_string_equal(procedure_subject_name("ZZ"), "ZZ");
	assert_string_equal(procedure_kind_name("EGE"), "ЕГЭ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_code_parse),
		cmocka_unit_test(test_procedure_title),
		cmocka_unit_test(test_positions_and_scale),
		cmocka_unit_test(test_store_registry),
		cmocka_unit_test(test_store_procedure_and_results),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
