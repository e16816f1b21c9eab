/* Unit tests of results layout recognition (import/layouts) and of the import's validation
 * rules through import_results() on small files. */
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
#include "import/import.h"
#include "import/layouts.h"
#include "model/procedure.h"

static struct table_row row_of(const char *const *cells, size_t n, size_t *lens)
{
	for (size_t i = 0; i < n; i++)
		lens[i] = strlen(cells[i]);
	return (struct table_row){ 1, n, cells, lens };
}

static void test_detect_each_layout(void **state)
{
	struct layout_map m;
	char msg[256];
	size_t len[32];
	const char *canon[] = { "school", "procedure", "code", "class", "variant", "gender",
				"journal_mark", "absent", "1K1", "1K2", "2" };
	struct table_row r = row_of(canon, 11, len);
	assert_int_equal(layout_detect(&r, &m, msg, sizeof msg), 0);
	assert_int_equal(m.kind, LAYOUT_CANONICAL);
	assert_int_equal(m.posmode, POS_BY_LABEL);
	assert_int_equal(m.npos, 3);
	assert_string_equal(m.pos_label[0], "1K1");
	assert_int_equal(m.col[LF_TOTAL], -1);

	const char *multi[] = { "school", "procedure", "code", "absent", "p1", "p2", "p3" };
	r = row_of(multi, 7, len);
	assert_int_equal(layout_detect(&r, &m, msg, sizeof msg), 0);
	assert_int_equal(m.posmode, POS_BY_ORDER);
	assert_int_equal(m.npos, 3);

	const char *v21[] = { "логин школы", "регион", "номер обучающегося", "код обучающегося",
			      "отметка за предыдущую четверть/триместр", "пол", "класс", "вариант",
			      "всего баллов", "балл за 1", "балл за 2", "Учебник" };
	r = row_of(v21, 12, len);
	assert_int_equal(layout_detect(&r, &m, msg, sizeof msg), 0);
	assert_int_equal(m.kind, LAYOUT_VPR2021);
	assert_int_equal(m.npos, 2);
	assert_int_equal(m.col[LF_JOURNAL], 4);
	assert_int_equal(m.col[LF_MUNICIPALITY], 1);
	assert_int_equal(m.pos_col[1], 10);

	const char *v20[] = { "groups", "user", "id", "code", "otc", "gender", "klass", "var-1",
			      "var-2", "sum", "a-1-grade", "a-2-grade", "Учебник", "a-3-grade" };
	r = row_of(v20, 14, len);
	assert_int_equal(layout_detect(&r, &m, msg, sizeof msg), 0);
	assert_int_equal(m.kind, LAYOUT_VPR2020);
	assert_int_equal(m.npos, 3); /* the stray "Учебник" between positions is skipped */
	assert_int_equal(m.pos_col[2], 13);

	const char *form[] = { "Пользователь", "Код региона", "Регион", "Муниципалитет", "Школа",
			       "Дата загрузки", "Код", "Вариант", "1 (1б)", "5(1) (2б)", "10К1 (1б)",
			       "Наименование класса", "Пол",
			       "Отметка за предыдущий триместр/ четверть/полугодие", "Итого баллов" };
	r = row_of(form, 15, len);
	assert_int_equal(layout_detect(&r, &m, msg, sizeof msg), 0);
	assert_int_equal(m.kind, LAYOUT_FORM);
	assert_int_equal(m.npos, 3);
	assert_string_equal(m.pos_label[1], "5(1)");
	assert_int_equal(m.pos_max[1], 2);
	assert_string_equal(m.pos_label[2], "10К1");
	assert_int_equal(m.col[LF_JOURNAL], 13);
	assert_int_equal(m.col[LF_TOTAL], 14);
}

static void test_detect_refusals(void **state)
{
	struct layout_map m;
	char msg[256];
	size_t len[8];
	const char *unknown[] = { "a", "b", "c" };
	struct table_row r = row_of(unknown, 3, len);
	assert_int_equal(layout_detect(&r, &m, msg, sizeof msg), ERR_FORMAT);
	assert_non_null(strstr(msg, "не похожи ни на один известный макет"));
	const char *no_code[] = { "логин школы", "вариант", "балл за 1" };
	r = row_of(no_code, 3, len);
	assert_int_equal(layout_detect(&r, &m, msg, sizeof msg), ERR_FORMAT);
	const char *gap[] = { "логин школы", "код обучающегося", "вариант", "балл за 1", "балл за 3" };
	r = row_of(gap, 5, len);
	assert_int_equal(layout_detect(&r, &m, msg, sizeof msg), ERR_FORMAT);
	assert_non_null(strstr(msg, "не по порядку"));
	const char *no_pos[] = { "school", "procedure", "code", "absent" };
	r = row_of(no_pos, 4, len);
	assert_int_equal(layout_detect(&r, &m, msg, sizeof msg), ERR_FORMAT);
	const char *twice[] = { "school", "procedure", "code", "absent", "1K1", "1К1" };
	r = row_of(twice, 6, len);
	assert_int_equal(layout_detect(&r, &m, msg, sizeof msg), ERR_FORMAT);
	assert_non_null(strstr(msg, "дважды"));
}

static void test_form_position_header(void **state)
{
	char label[32];
	int max;
	assert_true(layout_form_position("11.1 (1б)", label, sizeof label, &max));
	assert_string_equal(label, "11.1");
	assert_int_equal(max, 1);
	assert_true(layout_form_position(" 2К4 (3б) ", label, sizeof label, &max));
	assert_string_equal(label, "2К4");
	assert_int_equal(max, 3);
	assert_false(layout_form_position("Итого баллов", label, sizeof label, &max));
	assert_false(layout_form_position("(1б)", label, sizeof label, &max));
	assert_false(layout_form_position("5 (xб)", label, sizeof label, &max));
	assert_false(layout_form_position("5 (1)", label, sizeof label, &max));
}

/* ---- validation rules through import_results ---- */

static char dir[64], dbpath[128];
static struct db *db;

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/oko-test-layouts-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(dbpath, sizeof dbpath, "%s/t.db", dir);
	log_set_level(LOG_QUIET);
	if (db_open(&db, dbpath, DB_OPEN_CREATE))
		return -1;
	struct procedure p = { 0 };
	char msg[256];
	if (procedure_code_parse("VPR-2021-MA-4", &p, msg, sizeof msg) ||
	    procedure_positions_parse("1:1:Б 2:2:Б 3:2:П", &p, msg, sizeof msg))
		return -1;
	return procedure_put(db, &p, msg, sizeof msg);
}

static int teardown(void **state)
{
	db_close(db);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Imports one data row under the canonical header; returns the import's result and leaves
 * the problems in d. */
static int import_row_as(const char *row, bool strict, struct diag_list *d, struct import_stats *st)
{
	char path[160];
	snprintf(path, sizeof path, "%s/r.csv", dir);
	FILE *f = fopen(path, "w");
	fprintf(f, "school,procedure,code,class,variant,gender,journal_mark,absent,total,1,2,3\n%s\n", row);
	fclose(f);
	struct import_opts o = { .user = "test", .region = "Регион", .strict = strict };
	diag_init(d, 100);
	return import_results(db, path, &o, d, st);
}

static int import_row(const char *row, struct diag_list *d, struct import_stats *st)
{
	return import_row_as(row, false, d, st);
}

static bool has(const struct diag_list *d, const char *code, enum diag_sev sev)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->v[i].code, code) && d->v[i].sev == sev)
			return true;
	return false;
}

static void test_rules(void **state)
{
	static const struct {
		const char *row;
		const char *code;
		bool rejects;
	} cases[] = {
		{ "sch1,VPR-2021-MA-4,1,4А,1,ж,5,0,5,1,2,2", NULL, false },
		{ "sch 1,VPR-2021-MA-4,1,4А,1,ж,5,0,,1,2,2", "school", true },
		{ ",VPR-2021-MA-4,1,4А,1,ж,5,0,,1,2,2", "school", true },
		{ "sch1,VPR-2021-MA-4,1a,4А,1,ж,5,0,,1,2,2", "code", true },
		{ "sch1,VPR-2021-MA-4,,4А,1,ж,5,0,,1,2,2", "code", true },
		{ "sch1,VPR-2021-XX-4,1,4А,1,ж,5,0,,1,2,2", "procedure", true },
		{ "sch1,VPR-2021-RU-4,1,4А,1,ж,5,0,,1,2,2", "procedure", true },
		{ "sch1,VPR-2021-MA-4,1,4А,один,ж,5,0,,1,2,2", "variant", true },
		{ "sch1,VPR-2021-MA-4,1,4А,1,ж,5,0,,1,2,-1", "score_range", false },
		{ "sch1,VPR-2021-MA-4,1,4А,1,ж,5,0,,1,2,201", "score_range", false },
		{ "sch1,VPR-2021-MA-4,1,4А,1,ж,5,да,,1,2,2", "absent", true },
		{ "sch1,VPR-2021-MA-4,1,4А,1,ж,5,0,,1,3,2", "score_over_max", false },
		{ "sch1,VPR-2021-MA-4,1,4А,1,ж,5,0,,1,?,2", "cell_invalid", false },
		{ "sch1,VPR-2021-MA-4,1,4А,1,ж,5,0,,1,\"1,5\",2", "cell_invalid", false },
		{ "sch1,VPR-2021-MA-4,1,4А,1,ж,5,0,,1,99999999999999999999,2", "score_range", false },
		{ "sch1,VPR-2021-MA-4,1,4А,1,ж,5,0,,1,-99999999999999999999,2", "score_range", false },
		{ "sch1,VPR-2021-MA-4,1,4А,1,ж,5,0,9,1,2,2", "total_over_max", false },
		{ "sch1,VPR-2021-MA-4,1,4А,1,ж,5,0,4,1,2,2", "total_mismatch", false },
		{ "sch1,VPR-2021-MA-4,1,4А,1,ж,6,0,,1,2,2", "journal_mark", false },
		{ "sch1,VPR-2021-MA-4,1,4А,1,ж,м,0,,1,2,2", "journal_mark", false },
		{ "sch1,VPR-2021-MA-4,1,4А,,ж,5,0,,1,2,2", "variant_missing", false },
		{ "sch1,VPR-2021-MA-4,1,4А,1,ж,5,1,,1,2,2", "absent_with_scores", false },
		{ "sch1,VPR-2021-MA-4,1,4А,1,ж,5,0,,1,,2", "scores_missing", false },
		{ "sch1,VPR-2021-MA-4,1,4А,1,ж,5,0,,X,Х,не пройд.", NULL, false },
		{ "sch1,VPR-2021-MA-4,1,4А,1,x,5,0,,1,2,2", "gender", false },
		{ "sch1,VPR-2021-MA-4,1,4А,1, М ,5,0,,1,2,2", NULL, false },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct diag_list d;
		struct import_stats st;
		int rc = import_row(cases[i].row, &d, &st);
		if (cases[i].rejects) {
			assert_int_equal(rc, ERR_INVALID);
			assert_true(has(&d, cases[i].code, DIAG_ERROR));
		} else {
			if (rc)
				diag_print(stderr, &d);
			assert_int_equal(rc, 0);
			assert_int_equal(diag_errors(&d), 0);
			if (cases[i].code)
				assert_true(has(&d, cases[i].code, DIAG_WARN));
			else
				assert_int_equal(d.count[DIAG_WARN], 0);
			assert_int_equal(st.marked, cases[i].code ? 1 : 0);
		}
		diag_free(&d);
	}
}

/* Strict mode refuses the file for a cell that cannot be a score: one over its maximum,
 * an impossible number (of any length) and a value that is no whole number. */
static void test_strict(void **state)
{
	(void)state;
	static const struct {
		const char *row, *code;
	} cases[] = {
		{ "sch1,VPR-2021-MA-4,1,4А,1,ж,5,0,,1,3,2", "score_over_max" },
		{ "sch1,VPR-2021-MA-4,1,4А,1,ж,5,0,,1,201,2", "score_range" },
		{ "sch1,VPR-2021-MA-4,1,4А,1,ж,5,0,,1,99999999999999999999,2", "score_range" },
		{ "sch1,VPR-2021-MA-4,1,4А,1,ж,5,0,,1,\"1,5\",2", "cell_invalid" },
		{ "sch1,VPR-2021-MA-4,1,4А,1,ж,5,0,,1,abc,2", "cell_invalid" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct diag_list d;
		struct import_stats st;
		assert_int_equal(import_row_as(cases[i].row, true, &d, &st), ERR_INVALID);
		if (!has(&d, cases[i].code, DIAG_ERROR))
			fail_msg("%s: no error %s", cases[i].row, cases[i].code);
		diag_free(&d);
	}
}

static void test_code_only_row_skipped(void **state)
{
	struct diag_list d;
	struct import_stats st;
	int64_t before = 0, after = 0;
	db_query_int(db, "SELECT count(*) FROM result", 0, &before);
	assert_int_equal(import_row("sch2,VPR-2021-MA-4,7,4А,,,,,,,,", &d, &st), 0);
	assert_int_equal(st.skipped, 1);
	assert_int_equal(st.written + st.absent, 0);
	db_query_int(db, "SELECT count(*) FROM result", 0, &after);
	assert_int_equal(after, before);
	diag_free(&d);
	/* Marked absent, the same row is stored as an absence. */
	assert_int_equal(import_row("sch2,VPR-2021-MA-4,7,4А,,,,1,,,,", &d, &st), 0);
	assert_int_equal(st.skipped, 0);
	assert_int_equal(st.absent, 1);
	diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect_each_layout),
		cmocka_unit_test(test_detect_refusals),
		cmocka_unit_test(test_form_position_header),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_code_only_row_skipped),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
