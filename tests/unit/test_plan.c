/* Unit tests of model/plan: date and time validation, the order of a procedure's dates, the
 * injected clock, the same-date-for-the-parallel rule, and the monitoring statuses. */
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
#include "base/ru.h"
#include "base/log.h"
#include "db/db.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "model/registry.h"

static char dir[64], path[128];
static struct db *db;
static const struct scope ALL = { SCOPE_ALL, 0 };
static int64_t sch_a, sch_b, sch_c, proc_id, camp;

static const struct plan_dates good = { { "2021-03-10", "2021-03-15", "2021-05-21", "2021-03-15",
					  "2021-03-15", "2021-05-25" } };

static int setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/oko-test-plan-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	log_set_level(LOG_QUIET);
	if (db_open(&db, path, DB_OPEN_CREATE))
		return -1;
	struct school a = { .login = "sch1", .name = "Школа 1", .municipality = "М1", .region = "Р" };
	struct school b = { .login = "sch2", .name = "Школа 2", .municipality = "М1", .region = "Р" };
	struct school c = { .login = "sch3", .name = "Школа 3", .municipality = "М2", .region = "Р" };
	struct procedure *p = calloc(1, sizeof *p);
	char msg[256];
	int rc = registry_school_put(db, &a, &sch_a) || registry_school_put(db, &b, &sch_b) ||
		 registry_school_put(db, &c, &sch_c) ||
		 procedure_code_parse("VPR-2021-MA-4", p, msg, sizeof msg) ||
		 procedure_positions_parse("1:1:Б 2:2:Б", p, msg, sizeof msg) ||
		 procedure_put(db, p, msg, sizeof msg);
	proc_id = p->id;
	free(p);
	return rc ? -1 : 0;
}

static int teardown(void **state)
{
	db_close(db);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_dates(void **state)
{
	assert_true(plan_date_valid("2021-04-13"));
	assert_true(plan_date_valid("2024-02-29"));
	assert_false(plan_date_valid("2021-02-29"));
	assert_false(plan_date_valid("2100-02-29"));
	assert_false(plan_date_valid("2021-4-13"));
	assert_false(plan_date_valid("13.04.2021"));
	assert_false(plan_date_valid("2021-04-13x"));
	assert_false(plan_date_valid(""));
	assert_true(plan_time_valid("09:00"));
	assert_true(plan_time_valid("23:59"));
	assert_false(plan_time_valid("24:00"));
	assert_false(plan_time_valid("9:00"));
	char ru[PLAN_DATE_LEN];
	plan_date_ru("2021-04-13", ru);
	assert_string_equal(ru, "13.04.2021");

	enum plan_field f;
	char msg[256];
	assert_int_equal(plan_dates_check(&good, &f, msg, sizeof msg), 0);
	struct plan_dates p = good;
	snprintf(p.d[PLAN_DEADLINE], PLAN_DATE_LEN, "2021-05-20");
	assert_int_equal(plan_dates_check(&p, &f, msg, sizeof msg), ERR_INVALID);
	assert_int_equal(f, PLAN_DEADLINE);
	p = good;
	snprintf(p.d[PLAN_MATERIALS], PLAN_DATE_LEN, "2021-03-16");
	assert_int_equal(plan_dates_check(&p, &f, msg, sizeof msg), ERR_INVALID);
	assert_int_equal(f, PLAN_MATERIALS);
	p = good;
	snprintf(p.d[PLAN_CRITERIA], PLAN_DATE_LEN, "2021-03-14");
	assert_int_equal(plan_dates_check(&p, &f, msg, sizeof msg), ERR_INVALID);
	assert_int_equal(f, PLAN_CRITERIA);
	p = good;
	snprintf(p.d[PLAN_FORM], PLAN_DATE_LEN, "2021-13-01");
	assert_int_equal(plan_dates_check(&p, &f, msg, sizeof msg), ERR_INVALID);
	assert_int_equal(f, PLAN_FORM);
}

static void test_clock(void **state)
{
	setenv("OKO_NOW", "2021-05-26T00:00:01Z", 1);
	assert_int_equal(plan_now(), 1621987201);
	char d[PLAN_DATE_LEN];
	plan_date_of(plan_now(), d);
	assert_string_equal(d, "2021-05-26");
	setenv("OKO_NOW", "2021-05-26 00:00:01", 1); /* malformed: the real clock */
	assert_true(plan_now() > 1700000000);
	unsetenv("OKO_NOW");
	assert_true(plan_now() > 1700000000);
}

static void test_plan_and_parallel(void **state)
{
	bool created;
	char msg[512];
	long added;
	assert_int_equal(plan_campaign_put(db, "ВПР весна 2021", &camp, &created), 0);
	assert_true(created);
	assert_int_equal(plan_procedure_put(db, camp, proc_id, &good, msg, sizeof msg), 0);
	/* Another campaign cannot take the procedure. */
	int64_t other;
	assert_int_equal(plan_campaign_put(db, "Другая", &other, &created), 0);
	assert_int_equal(plan_procedure_put(db, other, proc_id, &good, msg, sizeof msg), ERR_EXISTS);
	/* Not assigned yet: no date. */
	assert_int_equal(plan_fix_date(db, proc_id, sch_a, NULL, "2021-04-14", "10:00", "t", msg, sizeof msg),
			 ERR_NOTFOUND);
	assert_int_equal(plan_assign(db, &ALL, camp, proc_id, sch_a, 0, "t", &added), 0);
	assert_int_equal(added, 1);
	assert_int_equal(plan_assign(db, &ALL, camp, 0, 0, 0, "t", &added), 0);
	assert_int_equal(added, 2); /* sch_a was assigned already */
	assert_int_equal(plan_fix_date(db, proc_id, sch_a, "4А", "2021-04-14", "10:00", "t", msg, sizeof msg), 0);
	/* Another class of the parallel at another time: refused with the reason. */
	assert_int_equal(plan_fix_date(db, proc_id, sch_a, "4Б", "2021-04-14", "11:00", "t", msg, sizeof msg),
			 ERR_INVALID);
	assert_non_null(strstr(msg, "все классы параллели"));
	assert_int_equal(plan_fix_date(db, proc_id, sch_a, "5А", "2021-04-14", "10:00", "t", msg, sizeof msg),
			 ERR_INVALID);
	assert_int_equal(plan_fix_date(db, proc_id, sch_a, NULL, "2021-05-22", "10:00", "t", msg, sizeof msg),
			 ERR_INVALID);
	/* The whole parallel may move. */
	assert_int_equal(plan_fix_date(db, proc_id, sch_a, NULL, "2021-04-15", "09:00", "t", msg, sizeof msg), 0);
	/* A new window that strands the fixed date is refused. */
	struct plan_dates p = good;
	snprintf(p.d[PLAN_WINDOW_FROM], PLAN_DATE_LEN, "2021-04-16");
	snprintf(p.d[PLAN_CRITERIA], PLAN_DATE_LEN, "2021-04-16");
	snprintf(p.d[PLAN_MATERIALS], PLAN_DATE_LEN, "2021-04-16");
	assert_int_equal(plan_procedure_put(db, camp, proc_id, &p, msg, sizeof msg), ERR_INVALID);
	struct plan_row *rows;
	size_t n;
	assert_int_equal(plan_rows(db, camp, sch_a, NULL, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].sit_date, "2021-04-15");
	assert_string_equal(rows[0].sit_time, "09:00");
	free(rows);
	assert_int_equal(plan_rows(db, camp, 0, NULL, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].assigned, 3);
	assert_int_equal(rows[0].fixed, 1);
	free(rows);
}

static void upload_of(int64_t procedure, int64_t school, const char *at);

static void upload(int64_t school, const char *at)
{
	upload_of(proc_id, school, at);
}

static void upload_of(int64_t procedure, int64_t school, const char *at)
{
	struct db_stmt *s = NULL;
	assert_int_equal(db_prepare(db, &s, "INSERT INTO upload(file, digest, size, layout, user_name,"
					    " created_at, rows, written, absent, warnings)"
					    " VALUES ('f.csv', 'x', 1, 'canonical', 't', ?, 3, 3, 0, 0)"), 0);
	db_bind_text(s, 1, at, -1);
	assert_int_equal(db_step(s), DB_DONE);
	db_finalize(s);
	assert_int_equal(db_prepare(db, &s, "INSERT INTO upload_school(upload_id, procedure_id, school_id,"
					    " rows, written, replaced) VALUES (?, ?, ?, 3, 3, 0)"), 0);
	db_bind_int(s, 1, db_last_id(db));
	db_bind_int(s, 2, procedure);
	db_bind_int(s, 3, school);
	assert_int_equal(db_step(s), DB_DONE);
	db_finalize(s);
}

static void test_monitor(void **state)
{
	/* Days are the region's (Moscow by default, UTC+3). */
	upload(sch_a, "2021-05-25T20:59:59Z"); /* the last second of the deadline day: on time */
	upload(sch_b, "2021-05-25T21:00:00Z"); /* 00:00 on the next day there: late */
	upload(sch_a, "2021-06-01T00:00:00Z"); /* a correction: still on time */
	struct plan_monitor m;
	assert_int_equal(plan_monitor(db, "VPR-2021-MA-4", NULL, 0, 1621900800 /* 2021-05-25 */, &m), 0);
	assert_string_equal(m.deadline, "2021-05-25");
	assert_int_equal(m.n, 3);
	assert_int_equal(m.total.assigned, 3);
	assert_int_equal(m.total.n[PLAN_ONTIME], 1);
	assert_int_equal(m.total.n[PLAN_LATE], 1);
	assert_int_equal(m.total.n[PLAN_WAITING], 1);
	assert_int_equal(m.total.n[PLAN_OVERDUE], 0);
	assert_int_equal(m.nm, 2);
	assert_string_equal(m.m[0].municipality, "М1");
	assert_int_equal(m.m[1].missing, 1);
	assert_string_equal(m.s[0].last_at, "2021-06-01T00:00:00Z");
	assert_string_equal(m.s[0].first_at, "2021-05-25T20:59:59Z");
	plan_monitor_free(&m);
	/* In Barnaul (UTC+7) the same first upload is 03:59 on the day after: late. */
	assert_int_equal(ru_set_zone("Asia/Barnaul"), 0);
	assert_int_equal(plan_monitor(db, "VPR-2021-MA-4", NULL, 0, 1621900800, &m), 0);
	assert_int_equal(m.total.n[PLAN_ONTIME], 0);
	assert_int_equal(m.total.n[PLAN_LATE], 2);
	plan_monitor_free(&m);
	assert_int_equal(ru_set_zone("Europe/Moscow"), 0);
	assert_int_equal(plan_monitor(db, "VPR-2021-MA-4", NULL, 0, 1621987200 /* 2021-05-26 */, &m), 0);
	assert_int_equal(m.total.n[PLAN_OVERDUE], 1);
	assert_int_equal(m.total.missing, 1);
	plan_monitor_free(&m);
	/* A municipal viewer sees only its schools. */
	struct scope u = { SCOPE_MUNICIPALITY, 0 };
	assert_int_equal(db_query_int(db, "SELECT municipality_id FROM school WHERE login = 'sch3'", 0,
				      &u.id), 0);
	assert_int_equal(plan_monitor(db, "VPR-2021-MA-4", &u, 0, 1621987200, &m), 0);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.s[0].login, "sch3");
	plan_monitor_free(&m);
	assert_int_equal(plan_monitor(db, "VPR-2021-XX-4", NULL, 0, 0, &m), ERR_NOTFOUND);
}

/* Two monitorings are the same: counts, municipalities, schools in order with statuses. */
static void same_monitor(const struct plan_monitor *a, const struct plan_monitor *b)
{
	assert_int_equal(a->procedure_id, b->procedure_id);
	assert_string_equal(a->procedure, b->procedure);
	assert_string_equal(a->campaign, b->campaign);
	assert_string_equal(a->deadline, b->deadline);
	assert_string_equal(a->today, b->today);
	assert_memory_equal(&a->total, &b->total, sizeof a->total);
	assert_int_equal(a->nm, b->nm);
	for (size_t i = 0; i < a->nm; i++)
		assert_memory_equal(&a->m[i], &b->m[i], sizeof a->m[i]);
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_int_equal(a->s[i].school_id, b->s[i].school_id);
		assert_int_equal(a->s[i].status, b->s[i].status);
		assert_string_equal(a->s[i].municipality, b->s[i].municipality);
		assert_string_equal(a->s[i].first_at, b->s[i].first_at);
		assert_string_equal(a->s[i].sit_date, b->s[i].sit_date);
	}
}

/* plan_monitor_counts_all: every planned procedure from one statement, each the same as
 * plan_monitor gives it alone (without the current upload), newest window first (RU-4's
 * opens on 20 March, MA-4's on the 15th), then by code. */
static void test_monitor_all(void **state)
{
	char msg[256];
	struct procedure *p = calloc(1, sizeof *p);
	assert_non_null(p);
	assert_int_equal(procedure_code_parse("VPR-2021-RU-4", p, msg, sizeof msg), 0);
	assert_int_equal(procedure_positions_parse("1:1:Б", p, msg, sizeof msg), 0);
	assert_int_equal(procedure_put(db, p, msg, sizeof msg), 0);
	int64_t ru = p->id;
	free(p);
	const struct plan_dates later = { { "2021-03-10", "2021-03-20", "2021-05-21", "2021-03-20",
					    "2021-03-20", "2021-05-28" } };
	assert_int_equal(plan_procedure_put(db, camp, ru, &later, msg, sizeof msg), 0);
	long added = 0;
	assert_int_equal(plan_assign(db, &ALL, camp, ru, sch_b, 0, "t", &added), 0);
	/* a school without a municipality and one of another procedure's schools upload
	 * without being assigned; sch_b is on time in the second procedure */
	struct school d = { .login = "sch4", .name = "Школа 4", .region = "Р" };
	int64_t sch_d;
	assert_int_equal(registry_school_put(db, &d, &sch_d), 0);
	upload(sch_d, "2021-05-20T10:00:00Z");
	upload_of(ru, sch_c, "2021-05-21T10:00:00Z");
	upload_of(ru, sch_b, "2021-05-22T10:00:00Z");
	struct scope mun = { SCOPE_MUNICIPALITY, 0 };
	assert_int_equal(db_query_int(db, "SELECT municipality_id FROM school WHERE login = 'sch1'", 0, &mun.id), 0);
	const struct scope *scopes[] = { NULL, &mun };
	const int64_t nows[] = { 1621900800, 1622332800 /* 2021-05-30: the second deadline past */ };
	static const char *const codes[] = { "VPR-2021-RU-4", "VPR-2021-MA-4" };
	const size_t nr = 2;
	for (size_t k = 0; k < 2; k++)
		for (size_t t = 0; t < 2; t++) {
			struct plan_monitor *v = NULL;
			size_t n = 0;
			assert_int_equal(plan_monitor_counts_all(db, scopes[k], nows[t], &v, &n), 0);
			assert_int_equal(n, nr);
			for (size_t i = 0; i < n; i++) {
				assert_string_equal(v[i].procedure, codes[i]);
				struct plan_monitor one;
				assert_int_equal(plan_monitor(db, codes[i], scopes[k], 0, nows[t], &one), 0);
				same_monitor(&v[i], &one);
				for (size_t j = 0; j < v[i].n; j++) {
					assert_string_equal(v[i].s[j].last_at, "");
					assert_int_equal(v[i].s[j].rows, 0);
				}
				plan_monitor_free(&one);
			}
			if (!k) { /* the cases are there: unassigned, no municipality (last), overdue */
				const struct plan_monitor *ma = !strcmp(v[0].procedure, "VPR-2021-MA-4") ? &v[0] : &v[1];
				const struct plan_monitor *mr = ma == &v[0] ? &v[1] : &v[0];
				assert_int_equal(ma->total.n[PLAN_UNASSIGNED], 1);
				assert_string_equal(ma->m[ma->nm - 1].municipality, "муниципалитет не указан");
				assert_int_equal(mr->total.n[PLAN_UNASSIGNED], 1);
				assert_int_equal(mr->total.n[PLAN_ONTIME], 1);
			}
			plan_monitors_free(v, n);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_plan_and_parallel),
		cmocka_unit_test(test_monitor),
		cmocka_unit_test(test_monitor_all),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
