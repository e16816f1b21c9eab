/* Unit tests of report/form: the date that tells the importer the year, the textbook-like
 * prefix, and the round trip: a form generated with results in it imports back through
 * import_results() without --procedure and stores the same results; no names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/diag.h"
#include "base/err.h"
#include "db/db.h"
#include "import/import.h"
#include "io/table.h"
#include "model/procedure.h"
#include "model/registry.h"
#include "model/result.h"
#include "report/form.h"

static void test_date(void **state)
{
	char d[24];
	form_date(2021, 1618473600, d); /* 2021-04-15T08:00:00Z */
	assert_string_equal(d, "15.04.2021 08:00:00");
	form_date(2021, 1795000000, d); /* 2026: clamped to the end of 2021 */
	assert_string_equal(d, "31.12.2021 23:59:59");
	form_date(2027, 1795000000, d); /* late 2026 for a 2027 work: the start of 2027 */
	assert_string_equal(d, "01.01.2027 00:00:00");
	assert_string_equal(form_book_prefix("RU"), "ru");
	assert_string_equal(form_book_prefix("BI"), "bio");
	assert_string_equal(form_book_prefix("LI"), "");
}

struct seen {
	int rows, absent;
	int score_40001;
	char header[8][64];
};

static int header_of(void *ctx, const struct table_row *r)
{
	struct seen *s = ctx;
	for (size_t i = 0; i < 8 && i < r->n; i++)
		snprintf(s->header[i], sizeof s->header[i], "%s", r->v[i]);
	return 1;
}

static int collect(void *ctx, const struct result_view *r)
{
	struct seen *s = ctx;
	s->rows++;
	s->absent += r->absent;
	if (!strcmp(r->code, "40001"))
		s->score_40001 = r->primary_score;
	return 0;
}

static void test_round_trip(void **state)
{
	char path[] = "/tmp/oko-test-form-XXXXXX", xlsx[64], msg[512];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	snprintf(xlsx, sizeof xlsx, "%s.xlsx", path);
	struct db *d;
	assert_int_equal(db_open(&d, path, DB_OPEN_CREATE), 0);
	struct school s = { .login = "sch1", .name = "Школа 1", .municipality = "Город", .region = "Край" };
	int64_t sid;
	assert_int_equal(registry_school_put(d, &s, &sid), 0);
	struct procedure p = { 0 };
	assert_int_equal(procedure_code_parse("VPR-2021-RU-4", &p, msg, sizeof msg), 0);
	assert_int_equal(procedure_positions_parse("1K1:4:Б 2:3:Б 3.1:1:П", &p, msg, sizeof msg), 0);
	assert_int_equal(procedure_scale_parse("2/4/6", &p, msg, sizeof msg), 0);
	assert_int_equal(procedure_put(d, &p, msg, sizeof msg), 0);

	/* Results as a school would have filled them. */
	struct result_writer *w;
	assert_int_equal(db_begin(d), 0);
	assert_int_equal(result_writer_open(d, p.id, &w), 0);
	struct result a = { .school_id = sid, .code = "40001", .class_name = "4А", .gender = "ж", .variant = 2,
			    .journal_mark = 4, .stated_total = -1, .npos = 3, .scores = { 4, SCORE_X, 1 } };
	struct result b = { .school_id = sid, .code = "40002", .class_name = "4Б", .absent = true,
			    .stated_total = -1 };
	assert_int_equal(result_writer_put(w, &a), 0);
	assert_int_equal(result_writer_put(w, &b), 0);
	result_writer_close(w);
	assert_int_equal(db_commit(d), 0);

	struct form_data fd2;
	assert_int_equal(form_load(d, sid, "VPR-2021-RU-4", &fd2, msg, sizeof msg), 0);
	assert_int_equal((int)fd2.n, 2);
	assert_int_equal((int)fd2.nclasses, 2);
	assert_int_equal(form_write_xlsx(&fd2, 1795000000, xlsx, msg, sizeof msg), 0);
	form_data_free(&fd2);
	assert_int_equal(form_load(d, sid, "VPR-2099-RU-4", &fd2, msg, sizeof msg), ERR_NOTFOUND);

	struct seen seen = { 0 };
	assert_int_equal(table_read(TABLE_FILE(xlsx), "Протокол", header_of, &seen, NULL, msg, sizeof msg), 1);
	assert_string_equal(seen.header[0], "Пользователь");
	assert_string_equal(seen.header[6], "Код");
	assert_string_equal(seen.header[7], "Вариант");

	/* Back in, without --procedure: told by the form. */
	struct import_opts o = { .user = "test" };
	struct diag_list dl;
	struct import_stats st;
	diag_init(&dl, 50);
	int rc = import_results(d, xlsx, &o, &dl, &st);
	if (rc)
		diag_print(stderr, &dl);
	assert_int_equal(rc, 0);
	assert_int_equal((int)st.replaced, 2);
	assert_string_equal(st.layout, "form");
	diag_free(&dl);
	assert_int_equal(result_each(d, p.id, collect, &seen), 0);
	assert_int_equal(seen.rows, 2);
	assert_int_equal(seen.absent, 1);
	assert_int_equal(seen.score_40001, 5);
	db_close(d);
	unlink(xlsx);
	unlink(path);
	char side[96];
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
