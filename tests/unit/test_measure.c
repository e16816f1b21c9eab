/* Unit tests of model/measure (plans of measures) on a hand-made region whose answers are
 * known by construction.
 *
 * The database (fresh for every test):
 *   region Р; municipality М1: s1 (sch1), s2 (sch2); М2: s3 (sch3), s4 (sch4);
 *   procedures VPR-2020-MA-4 and VPR-2021-MA-4, every school 3 works in each;
 *   run 1 ("the cause", on 2020): s1 on oko's list (top sign mean_inflated on 2020) with a
 *   re-check that confirmed over-scoring, s2 with an official flag only, s3 on the list,
 *   s4 nothing;
 *   run 2 (latest, on 2020 and 2021) — only for the outcome test: s1 on the list again
 *   with a 2021 flag, s2 clean. */
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

#include "base/err.h"
#include "base/log.h"
#include "db/db.h"
#include "embedded.h"
#include "model/measure.h"
#include "model/procedure.h"
#include "model/recheck.h"
#include "model/registry.h"
#include "model/result.h"
#include "model/run.h"

static char dir[64], path[128];
static struct db *db;
static const struct scope ALL = { SCOPE_ALL, 0 };
static int64_t reg, m1, m2, sch[4], p20, p21, run1;

static int64_t add_proc(const char *code)
{
	struct procedure *p = calloc(1, sizeof *p);
	char msg[256];
	int64_t id = 0;
	if (p && !procedure_code_parse(code, p, msg, sizeof msg) &&
	    !procedure_positions_parse("1:1:Б 2:2:Б 3:3:П", p, msg, sizeof msg) &&
	    !procedure_scale_parse("2/4/5", p, msg, sizeof msg) && !procedure_put(db, p, msg, sizeof msg))
		id = p->id;
	free(p);
	if (!id)
		return 0;
	struct result_writer *w;
	if (db_begin(db) || result_writer_open(db, id, &w))
		return 0;
	for (int i = 0; i < 4; i++)
		for (int k = 1; k <= 3; k++) {
			char c[48];
			snprintf(c, sizeof c, "%d%s%d", i + 1, code + 4, k);
			struct result r = { .school_id = sch[i], .code = c, .stated_total = -1, .npos = 3,
					    .scores = { 1, 2, 2 } };
			if (result_writer_put(w, &r))
				return 0;
		}
	result_writer_close(w);
	return db_commit(db) ? 0 : id;
}

static int64_t store_run1(void)
{
	struct run_writer *w;
	if (run_begin(db, "{}", NULL, &w))
		return 0;
	int64_t id = run_writer_id(w);
	struct run_school_row r1 = { .school_id = sch[0], .rank = 1, .works = 3, .risk = 5, .listed = true,
				     .top_sign = "mean_inflated", .top_procedure_id = p20 },
			      r2 = { .school_id = sch[1], .rank = 3, .works = 3, .risk = 0.5, .official_flags = 1 },
			      r3 = { .school_id = sch[2], .rank = 2, .works = 3, .risk = 4, .listed = true,
				     .top_sign = "mean_inflated", .top_procedure_id = p20 },
			      r4 = { .school_id = sch[3], .rank = 4, .works = 3, .risk = 0 };
	struct run_sign_row g1 = { .school_id = sch[0], .procedure_id = p20, .sign = "mean_inflated",
				   .kind = "official", .value = 1, .threshold = 0.5, .n = 3 },
			    g2 = { .school_id = sch[1], .procedure_id = p20, .sign = "journal_mismatch",
				   .kind = "official", .value = 1, .threshold = 0.5, .n = 3 },
			    g3 = { .school_id = sch[2], .procedure_id = p20, .sign = "mean_inflated",
				   .kind = "own", .value = 1, .threshold = 0.5, .n = 3 };
	struct rc_run_row rr = { .school_id = sch[0], .procedure_id = p20, .works = 3, .objective = 1,
				 .up = 2, .mean_delta = 1.5, .p = 0.01, .inflated = true };
	struct run_totals t = { .procedures = 1, .schools = 4, .flagged = 2, .listed = 2 };
	if (run_add_school(w, &r1) || run_add_school(w, &r2) || run_add_school(w, &r3) ||
	    run_add_school(w, &r4) || run_add_sign(w, &g1) || run_add_sign(w, &g2) || run_add_sign(w, &g3) ||
	    recheck_run_add(db, id, &rr) || run_finish(w, &t))
		return 0;
	return id;
}

static int setup(void **state)
{
	(void)state;
	unsetenv("OKO_NOW");
	snprintf(dir, sizeof dir, "/tmp/oko-test-measure-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	log_set_level(LOG_QUIET);
	if (db_open(&db, path, DB_OPEN_CREATE))
		return -1;
	static const char *const muns[4] = { "М1", "М1", "М2", "М2" };
	for (int i = 0; i < 4; i++) {
		char login[24], name[64];
		snprintf(login, sizeof login, "sch%d", i + 1);
		snprintf(name, sizeof name, "МБОУ «СОШ № %d»", i + 1);
		struct school s = { .login = login, .name = name, .municipality = muns[i], .region = "Р",
				    .kind = "СОШ" };
		if (registry_school_put(db, &s, &sch[i]))
			return -1;
	}
	if (registry_region_id(db, "Р", &reg) || registry_municipality_id(db, reg, "М1", &m1) ||
	    registry_municipality_id(db, reg, "М2", &m2))
		return -1;
	if (!(p20 = add_proc("VPR-2020-MA-4")) || !(p21 = add_proc("VPR-2021-MA-4")))
		return -1;
	return (run1 = store_run1()) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	db_close(db);
	db = NULL;
	unsetenv("OKO_NOW");
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int64_t add_plan(enum mp_level l, int64_t unit, const char *title)
{
	struct mp_plan p = { .level = l };
	if (l == MP_REGION)
		p.region_id = unit;
	else if (l == MP_MUNICIPALITY)
		p.municipality_id = unit;
	else
		p.school_id = unit;
	snprintf(p.title, sizeof p.title, "%s", title);
	snprintf(p.period_from, sizeof p.period_from, "2020-09-01");
	snprintf(p.period_to, sizeof p.period_to, "2021-08-31");
	char msg[256] = "";
	assert_int_equal(mplan_add(db, &p, "test", msg, sizeof msg), 0);
	assert_true(p.id > 0);
	return p.id;
}

static int64_t add_block(int64_t plan, const char *title)
{
	int64_t id = 0;
	assert_int_equal(mplan_block_add(db, plan, title, &id), 0);
	return id;
}

static int64_t add_measure(int64_t plan, int64_t block, const char *text, const char *due, int64_t school)
{
	struct mp_measure m = { .plan_id = plan, .block_id = block, .school_id = school };
	snprintf(m.text, sizeof m.text, "%s", text);
	snprintf(m.due, sizeof m.due, "%s", due ? due : "");
	char msg[256] = "";
	assert_int_equal(measure_add(db, &m, "test", msg, sizeof msg), 0);
	return m.id;
}

static void test_plan_crud(void **state)
{
	(void)state;
	char msg[256] = "";
	struct mp_plan p = { .level = MP_MUNICIPALITY, .municipality_id = m1 };
	snprintf(p.period_from, sizeof p.period_from, "2020-09-01");
	snprintf(p.period_to, sizeof p.period_to, "2021-08-31");
	/* Refusals, each with a Russian reason, nothing stored. */
	snprintf(p.title, sizeof p.title, "  ");
	assert_int_equal(mplan_add(db, &p, "test", msg, sizeof msg), ERR_INVALID);
	assert_non_null(strstr(msg, "название"));
	snprintf(p.title, sizeof p.title, "План");
	snprintf(p.period_to, sizeof p.period_to, "2021-02-30");
	assert_int_equal(mplan_add(db, &p, "test", msg, sizeof msg), ERR_INVALID);
	assert_non_null(strstr(msg, "ДД.ММ.ГГГГ"));
	snprintf(p.period_to, sizeof p.period_to, "2020-01-01");
	assert_int_equal(mplan_add(db, &p, "test", msg, sizeof msg), ERR_INVALID);
	assert_non_null(strstr(msg, "позже"));
	snprintf(p.period_to, sizeof p.period_to, "2021-08-31");
	struct mp_plan q = p;
	q.level = MP_SCHOOL;
	q.school_id = 0;
	assert_int_equal(mplan_add(db, &q, "test", msg, sizeof msg), ERR_INVALID);
	assert_non_null(strstr(msg, "школа"));
	struct mp_plan *v = NULL;
	size_t n = 9;
	assert_int_equal(mplan_list(db, &ALL, &v, &n), 0);
	assert_int_equal(n, 0);
	free(v);
	/* Added, read back with its owner's name and empty tracking. */
	assert_int_equal(mplan_add(db, &p, "test", msg, sizeof msg), 0);
	struct mp_plan g;
	assert_int_equal(mplan_get(db, p.id, &g), 0);
	assert_string_equal(g.title, "План");
	assert_string_equal(g.owner, "М1");
	assert_int_equal(g.level, MP_MUNICIPALITY);
	assert_int_equal(g.measures, 0);
	assert_true(isnan(g.execution));
	/* Updated; a bad update refused and changes nothing. */
	snprintf(g.title, sizeof g.title, "План мероприятий");
	snprintf(g.approved, sizeof g.approved, "приказом от 01.03.2021 № 136/1");
	assert_int_equal(mplan_update(db, &g, "test", msg, sizeof msg), 0);
	struct mp_plan bad = g;
	bad.title[0] = '\0';
	assert_int_equal(mplan_update(db, &bad, "test", msg, sizeof msg), ERR_INVALID);
	assert_int_equal(mplan_get(db, p.id, &g), 0);
	assert_string_equal(g.title, "План мероприятий");
	assert_string_equal(g.approved, "приказом от 01.03.2021 № 136/1");
	/* A measure with a due date before its start is refused. */
	int64_t b = add_block(p.id, "Направление");
	struct mp_measure m = { .plan_id = p.id, .block_id = b };
	snprintf(m.text, sizeof m.text, "Мероприятие");
	snprintf(m.start, sizeof m.start, "2021-03-01");
	snprintf(m.due, sizeof m.due, "2021-02-01");
	assert_int_equal(measure_add(db, &m, "test", msg, sizeof msg), ERR_INVALID);
	m.text[0] = '\0';
	m.due[0] = '\0';
	assert_int_equal(measure_add(db, &m, "test", msg, sizeof msg), ERR_INVALID);
	assert_int_equal(mplan_block_add(db, p.id, "", NULL), ERR_INVALID);
	/* Deleted with its blocks. */
	add_measure(p.id, b, "Мероприятие", NULL, 0);
	assert_int_equal(mplan_delete(db, p.id), 0);
	assert_int_equal(mplan_get(db, p.id, &g), ERR_NOTFOUND);
	int64_t left = -1;
	assert_int_equal(db_query_int(db, "SELECT count(*) FROM measure", -1, &left), 0);
	assert_int_equal(left, 0);
	assert_int_equal(mplan_delete(db, p.id), ERR_NOTFOUND);
}

static void test_scope(void **state)
{
	(void)state;
	int64_t pm1 = add_plan(MP_MUNICIPALITY, m1, "План М1"), pm2 = add_plan(MP_MUNICIPALITY, m2, "План М2"),
		ps1 = add_plan(MP_SCHOOL, sch[0], "План школы 1"), ps3 = add_plan(MP_SCHOOL, sch[2], "План школы 3"),
		pr = add_plan(MP_REGION, reg, "План региона");
	int64_t b = add_block(pm1, "Адресная помощь");
	int64_t to1 = add_measure(pm1, b, "Собеседование с руководителем школы 1", NULL, sch[0]);
	int64_t to2 = add_measure(pm1, b, "Собеседование с руководителем школы 2", NULL, sch[1]);
	int64_t br = add_block(pr, "Регион");
	int64_t rto1 = add_measure(pr, br, "Региональное мероприятие для школы 1", NULL, sch[0]);
	const struct scope mun1 = { SCOPE_MUNICIPALITY, m1 }, s1 = { SCOPE_SCHOOL, sch[0] },
			   regs = { SCOPE_REGION, reg };
	struct mp_plan *v = NULL;
	size_t n = 0;
	assert_int_equal(mplan_list(db, &regs, &v, &n), 0);
	assert_int_equal(n, 5);
	free(v);
	assert_int_equal(mplan_list(db, &mun1, &v, &n), 0);
	assert_int_equal(n, 2); /* its own and its school's */
	for (size_t i = 0; i < n; i++)
		assert_true(v[i].id == pm1 || v[i].id == ps1);
	free(v);
	assert_int_equal(mplan_list(db, &s1, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, ps1);
	assert_string_equal(v[0].owner, "МБОУ «СОШ № 1»");
	free(v);
	assert_true(mplan_in_scope(db, &mun1, pm1));
	assert_true(mplan_in_scope(db, &mun1, ps1));
	assert_false(mplan_in_scope(db, &mun1, pm2));
	assert_false(mplan_in_scope(db, &mun1, ps3));
	assert_false(mplan_in_scope(db, &mun1, pr));
	assert_true(mplan_in_scope(db, &regs, pr));
	/* A school: its own plan; never the municipality's, whose measures addressed to it it
	 * sees and reports on. */
	assert_true(mplan_in_scope(db, &s1, ps1));
	assert_false(mplan_in_scope(db, &s1, pm1));
	assert_true(measure_in_scope(db, &s1, to1));
	assert_true(measure_may_report(db, &s1, to1));
	assert_true(measure_in_scope(db, &s1, rto1));
	assert_false(measure_in_scope(db, &s1, to2));
	assert_false(measure_may_report(db, &s1, to2));
	assert_true(measure_may_report(db, &mun1, to2));
	assert_false(measure_in_scope(db, &mun1, rto1)); /* the region's plan */
	struct mp_measure *ms = NULL;
	assert_int_equal(measure_of_school(db, sch[0], &ms, &n), 0);
	assert_int_equal(n, 2);
	free(ms);
	/* The school reports: the status and a dated note, the text unchanged. */
	char msg[256] = "";
	assert_int_equal(measure_report(db, to1, MP_PROGRESS, "Собеседование назначено", NULL, NULL, NULL, 0,
					"sch1", msg, sizeof msg),
			 0);
	struct mp_measure m;
	assert_int_equal(measure_get(db, to1, &m), 0);
	assert_int_equal(m.status, MP_PROGRESS);
	assert_int_equal(m.notes, 1);
	assert_string_equal(m.text, "Собеседование с руководителем школы 1");
	assert_string_equal(m.school, "sch1");
	struct mp_note *nt = NULL;
	assert_int_equal(measure_notes(db, to1, &nt, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(nt[0].note, "Собеседование назначено");
	assert_string_equal(nt[0].by, "sch1");
	assert_int_equal(nt[0].status, MP_PROGRESS);
	struct mp_note one;
	assert_int_equal(measure_note_get(db, nt[0].id, &one), 0);
	assert_string_equal(one.note, nt[0].note);
	free(nt);
	/* A file without its name is refused, nothing stored. */
	assert_int_equal(measure_report(db, to1, MP_DONE, "", "0123456789abcdef0123456789abcdef", NULL, "pdf",
					10, "sch1", msg, sizeof msg),
			 ERR_INVALID);
	assert_int_equal(measure_get(db, to1, &m), 0);
	assert_int_equal(m.status, MP_PROGRESS);
	assert_int_equal(measure_report(db, 999999, MP_DONE, "", NULL, NULL, NULL, 0, "x", msg, sizeof msg),
			 ERR_NOTFOUND);
}

static void test_numbering_move(void **state)
{
	(void)state;
	int64_t p = add_plan(MP_MUNICIPALITY, m1, "План");
	int64_t b1 = add_block(p, "Первое"), b2 = add_block(p, "Второе");
	add_measure(p, b1, "1.1", NULL, 0);
	int64_t a = add_measure(p, b2, "A", NULL, 0), b = add_measure(p, b2, "B", NULL, 0),
		c = add_measure(p, b2, "C", NULL, 0);
	struct mp_measure *v = NULL;
	size_t n = 0;
	assert_int_equal(measure_list(db, p, &v, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(v[0].number, "1.1");
	assert_string_equal(v[3].number, "2.3");
	assert_string_equal(v[3].text, "C");
	free(v);
	struct mp_measure m;
	assert_int_equal(measure_get(db, c, &m), 0);
	assert_string_equal(m.number, "2.3");
	/* Move A down: B A C; A up at the top: nothing; C down at the bottom: nothing. */
	assert_int_equal(measure_move(db, a, 1), 0);
	assert_int_equal(measure_move(db, b, -1), 0);
	assert_int_equal(measure_move(db, c, 1), 0);
	assert_int_equal(measure_list(db, p, &v, &n), 0);
	assert_string_equal(v[1].text, "B");
	assert_string_equal(v[2].text, "A");
	assert_string_equal(v[2].number, "2.2");
	assert_string_equal(v[3].text, "C");
	free(v);
	assert_int_equal(measure_move(db, a, 2), ERR_INVALID);
	/* Deleting B renumbers: A 2.1, C 2.2; deleting the first block makes the second 1. */
	assert_int_equal(measure_delete(db, b), 0);
	assert_int_equal(measure_get(db, c, &m), 0);
	assert_string_equal(m.number, "2.2");
	assert_int_equal(mplan_block_delete(db, b1), 0);
	assert_int_equal(measure_get(db, c, &m), 0);
	assert_string_equal(m.number, "1.2");
	struct mp_block *bl = NULL;
	assert_int_equal(mplan_blocks(db, p, &bl, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(bl[0].title, "Второе");
	assert_int_equal(bl[0].pos, 1);
	free(bl);
	assert_int_equal(mplan_block_rename(db, b2, "Главное"), 0);
	assert_int_equal(mplan_blocks(db, p, &bl, &n), 0);
	assert_string_equal(bl[0].title, "Главное");
	free(bl);
}

static void test_overdue_execution(void **state)
{
	(void)state;
	int64_t p = add_plan(MP_MUNICIPALITY, m1, "План"), other = add_plan(MP_MUNICIPALITY, m2, "Чужой");
	int64_t b = add_block(p, "Направление"), bo = add_block(other, "Направление");
	char msg[256] = "";
	/* A: due 01.04, planned (overdue on 01.05); B: due 01.06, planned (not yet); C: due
	 * 10.04, done 05.04 (on time); D: due 20.04, done 01.05 (late); E: cancelled; F: no due
	 * date, done (on time). Execution: on time 2 of 6 - 1 = 5 → 0,4. */
	int64_t a = add_measure(p, b, "A", "2021-04-01", 0);
	add_measure(p, b, "B", "2021-06-01", 0);
	int64_t c = add_measure(p, b, "C", "2021-04-10", 0), dd = add_measure(p, b, "D", "2021-04-20", 0),
		e = add_measure(p, b, "E", "2021-03-01", 0), f = add_measure(p, b, "F", NULL, 0);
	add_measure(other, bo, "чужое", "2021-04-01", 0);
	setenv("OKO_NOW", "2021-04-05T10:00:00Z", 1);
	assert_int_equal(measure_report(db, c, MP_DONE, "Проведено", NULL, NULL, NULL, 0, "t", msg, sizeof msg), 0);
	setenv("OKO_NOW", "2021-05-01T10:00:00Z", 1);
	assert_int_equal(measure_report(db, dd, MP_DONE, "", NULL, NULL, NULL, 0, "t", msg, sizeof msg), 0);
	assert_int_equal(measure_report(db, e, MP_CANCELLED, "Отменено", NULL, NULL, NULL, 0, "t", msg, sizeof msg), 0);
	assert_int_equal(measure_report(db, f, MP_DONE, "", NULL, NULL, NULL, 0, "t", msg, sizeof msg), 0);
	struct mp_plan g;
	assert_int_equal(mplan_get(db, p, &g), 0);
	assert_int_equal(g.measures, 6);
	assert_int_equal(g.done, 3);
	assert_int_equal(g.done_on_time, 2);
	assert_int_equal(g.cancelled, 1);
	assert_int_equal(g.overdue, 1);
	assert_float_equal(g.execution, 0.4, 1e-12);
	struct mp_measure m;
	assert_int_equal(measure_get(db, c, &m), 0);
	assert_string_equal(m.done_on, "2021-04-05");
	assert_int_equal(measure_get(db, a, &m), 0);
	assert_true(m.overdue);
	const struct scope mun1 = { SCOPE_MUNICIPALITY, m1 };
	struct mp_measure *v = NULL;
	size_t n = 0;
	long total = 0;
	assert_int_equal(measure_overdue(db, &mun1, 0, &v, &n, &total), 0);
	assert_int_equal(n, 1);
	assert_int_equal(total, 1);
	assert_int_equal(v[0].id, a);
	free(v);
	assert_int_equal(measure_overdue(db, &ALL, 1, &v, &n, &total), 0);
	assert_int_equal(n, 1);
	assert_int_equal(total, 2);
	free(v);
	/* A month later B is overdue too; reopening D (in progress) makes it overdue. */
	setenv("OKO_NOW", "2021-06-02T10:00:00Z", 1);
	assert_int_equal(measure_report(db, dd, MP_PROGRESS, "Доработка", NULL, NULL, NULL, 0, "t", msg, sizeof msg),
			 0);
	assert_int_equal(mplan_get(db, p, &g), 0);
	assert_int_equal(g.overdue, 3);
	assert_int_equal(g.done_on_time, 2);
	assert_int_equal(measure_get(db, dd, &m), 0);
	assert_string_equal(m.done_on, "");
	/* Recorded later as done on 15.04 (before its due 20.04): on time. A future date, a bad
	 * one, or a date with another status are refused and change nothing. */
	assert_int_equal(measure_report_on(db, dd, MP_DONE, "2021-06-03", "", NULL, NULL, NULL, 0, "t", msg,
					   sizeof msg), ERR_INVALID);
	assert_non_null(strstr(msg, "не наступила"));
	assert_int_equal(measure_report_on(db, dd, MP_DONE, "15.04.2021", "", NULL, NULL, NULL, 0, "t", msg,
					   sizeof msg), ERR_INVALID);
	assert_int_equal(measure_report_on(db, dd, MP_PROGRESS, "2021-04-15", "", NULL, NULL, NULL, 0, "t", msg,
					   sizeof msg), ERR_INVALID);
	/* Before the plan's period (01.09.2020): a slip of the year, not done on time. */
	assert_int_equal(measure_report_on(db, dd, MP_DONE, "2019-01-01", "", NULL, NULL, NULL, 0, "t", msg,
					   sizeof msg), ERR_INVALID);
	assert_string_equal(msg, "дата выполнения 01.01.2019 раньше начала периода плана (01.09.2020)");
	assert_int_equal(mplan_get(db, p, &g), 0);
	assert_int_equal(g.done_on_time, 2);
	assert_int_equal(measure_report_on(db, dd, MP_DONE, "2021-04-15", "Выполнено, отметка внесена позже",
					   NULL, NULL, NULL, 0, "t", msg, sizeof msg), 0);
	assert_int_equal(measure_get(db, dd, &m), 0);
	assert_string_equal(m.done_on, "2021-04-15");
	assert_int_equal(mplan_get(db, p, &g), 0);
	assert_int_equal(g.done_on_time, 3);
}

/* Rows of a template in the embedded CSV, counted as text (the file has no line breaks in
 * its fields), and its distinct blocks. */
static void csv_counts(const char *id, int *rows, int *blocks)
{
	const struct embedded_file *f = NULL;
	for (size_t i = 0; i < embedded_count; i++)
		if (!strcmp(embedded_files[i].path, "src/model/measure_templates.csv"))
			f = &embedded_files[i];
	assert_non_null(f);
	char *t = calloc(1, f->len + 1), prev[512] = "";
	memcpy(t, f->data, f->len);
	*rows = *blocks = 0;
	size_t l = strlen(id);
	for (char *line = t, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (strncmp(line, id, l) || line[l] != ',')
			continue;
		(*rows)++;
		/* The block is the fifth field; the first four have no quotes in later rows. */
		const char *p = line;
		int commas = 0;
		bool q = false;
		for (; *p && commas < 4; p++) {
			if (*p == '"')
				q = !q;
			else if (*p == ',' && !q)
				commas++;
		}
		char blk[512];
		size_t k = 0;
		q = false;
		for (; *p && k < sizeof blk - 1; p++) {
			if (*p == '"') {
				q = !q;
				continue;
			}
			if (*p == ',' && !q)
				break;
			blk[k++] = *p;
		}
		blk[k] = '\0';
		if (strcmp(blk, prev)) {
			(*blocks)++;
			snprintf(prev, sizeof prev, "%s", blk);
		}
	}
	free(t);
}

static void test_templates(void **state)
{
	(void)state;
	struct mp_template *t = NULL;
	size_t n = 0;
	assert_int_equal(mp_templates(&t, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(t[0].id, "school-objectivity");
	assert_int_equal(t[0].level, MP_SCHOOL);
	assert_int_equal(t[0].nblocks, 3);
	assert_string_equal(t[1].id, "municipal-vpr");
	assert_int_equal(t[1].nblocks, 4);
	assert_string_equal(t[2].id, "addressed-help");
	assert_int_equal(t[2].nblocks, 3);
	char msg[256] = "";
	for (size_t i = 0; i < n; i++) {
		int rows = 0, blocks = 0;
		csv_counts(t[i].id, &rows, &blocks);
		assert_int_equal(t[i].nmeasures, rows);
		assert_int_equal(t[i].nblocks, blocks);
		assert_true(*t[i].title && *t[i].goal);
		struct mp_plan p = { .level = t[i].level };
		if (p.level == MP_SCHOOL)
			p.school_id = sch[0];
		else
			p.municipality_id = m1;
		snprintf(p.period_from, sizeof p.period_from, "2020-09-01");
		snprintf(p.period_to, sizeof p.period_to, "2021-08-31");
		assert_int_equal(mplan_from_template(db, t[i].id, &p, "test", msg, sizeof msg), 0);
		struct mp_plan g;
		assert_int_equal(mplan_get(db, p.id, &g), 0);
		assert_string_equal(g.title, t[i].title); /* empty title: the template's */
		assert_string_equal(g.template_id, t[i].id);
		assert_int_equal(g.measures, rows);
		struct mp_block *b = NULL;
		size_t nb = 0;
		assert_int_equal(mplan_blocks(db, p.id, &b, &nb), 0);
		assert_int_equal((int)nb, blocks);
		free(b);
	}
	/* A template's terms give due dates by the rule an imported plan follows (mp_term_due):
	 * a day within the period, a month's last day, «в течение …» the period's end. */
	int64_t due = 0;
	assert_int_equal(db_query_int(db, "SELECT count(*) FROM measure WHERE term = 'до 23 августа'"
					  " AND due = '2021-08-23'", -1, &due), 0);
	assert_true(due >= 1);
	assert_int_equal(db_query_int(db, "SELECT count(*) FROM measure WHERE term = 'февраль'"
					  " AND (due IS NULL OR due <> '2021-02-28')", -1, &due), 0);
	assert_int_equal(due, 0);
	assert_int_equal(db_query_int(db, "SELECT count(*) FROM measure WHERE term = 'февраль'", -1, &due), 0);
	assert_true(due >= 1);
	assert_int_equal(db_query_int(db, "SELECT count(*) FROM measure WHERE term LIKE 'в течение%'"
					  " AND (due IS NULL OR due <> '2021-08-31')", -1, &due), 0);
	assert_int_equal(due, 0);
	/* An unknown template: refused, nothing stored. */
	struct mp_plan p = { .level = MP_MUNICIPALITY, .municipality_id = m1 };
	snprintf(p.period_from, sizeof p.period_from, "2020-09-01");
	snprintf(p.period_to, sizeof p.period_to, "2021-08-31");
	int64_t before = 0, after = 0;
	db_query_int(db, "SELECT count(*) FROM mplan", -1, &before);
	assert_int_equal(mplan_from_template(db, "nonesuch", &p, "test", msg, sizeof msg), ERR_NOTFOUND);
	db_query_int(db, "SELECT count(*) FROM mplan", -1, &after);
	assert_int_equal(before, after);
	free(t);
}

/* mp_term_due's answers, known by reading the terms against the period 01.09.2020–31.08.2021. */
static void test_term_due(void **state)
{
	(void)state;
	static const struct {
		const char *term, *due;
	} c[] = {
		{ "до 31.08.2021", "2021-08-31" },
		{ "24.03.2021; 15.04.2021", "2021-04-15" },         /* the latest date written */
		{ "01.03.21", "2021-03-01" },                       /* a two-digit year */
		{ "до 23 августа", "2021-08-23" },                  /* in the period: 2021, not 2020 */
		{ "до 1 марта", "2021-03-01" },
		{ "03 сентября 2019 года", "2019-09-03" },          /* a year written: as written */
		{ "февраль", "2021-02-28" },                        /* a month: its last day */
		{ "Сентябрь", "2020-09-30" },
		{ "май", "2021-05-31" },
		{ "ноябрь – декабрь 2021 года", "2021-12-31" },     /* a month with a year */
		{ "март – декабрь", "2021-08-31" },                 /* the December after that March: past the end */
		{ "март-декабрь", "2021-08-31" },                   /* a hyphen as well */
		{ "август, май", "2021-08-31" },                    /* a list: each month where it first comes */
		{ "май, август", "2021-08-31" },
		{ "сентябрь, декабрь, февраль", "2021-02-28" },
		{ "январь – апрель", "2021-04-30" },
		{ "март 2021 г.", "2021-03-31" },
		{ "в течение учебного года", "2021-08-31" },        /* the whole period: its end */
		{ "постоянно", "2021-08-31" },
		{ "ежемесячно, до 15 октября", "2020-10-15" },      /* a date wins over the period */
		{ "по графику", "" },
		{ "по мере необходимости", "" },
		{ "", "" },
		{ "31.02.2021", "" },                               /* no such day */
		{ "до 31 сентября", "" },
	};
	for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
		char due[MP_DATE_LEN] = "x";
		int r = mp_term_due(c[i].term, "2020-09-01", "2021-08-31", due);
		if (strcmp(due, c[i].due))
			fail_msg("«%s»: %s, expected %s", c[i].term, due, c[i].due);
		assert_int_equal(r, *c[i].due != '\0');
	}
	/* A month the period does not have gives nothing; a month's end past the period is
	 * clamped to it; no period, no month rule. */
	char due[MP_DATE_LEN];
	assert_int_equal(mp_term_due("июль", "2020-09-01", "2021-03-15", due), 0);
	assert_string_equal(due, "");
	assert_int_equal(mp_term_due("март", "2020-09-01", "2021-03-15", due), 1);
	assert_string_equal(due, "2021-03-15");
	assert_int_equal(mp_term_due("февраль", "", "", due), 0);
	assert_int_equal(mp_term_due("до 31.08.2021", "", "", due), 1);
	assert_string_equal(due, "2021-08-31");
}

static void test_help(void **state)
{
	(void)state;
	int64_t p = add_plan(MP_MUNICIPALITY, m1, "План помощи");
	const struct scope mun1 = { SCOPE_MUNICIPALITY, m1 };
	unsigned all = 0;
	for (int k = MP_KIND_INTERVIEW; k < MP_KIND_COUNT; k++)
		all |= 1u << k;
	struct mp_help_report rep;
	char msg[256] = "";
	assert_int_equal(measure_help_from_run(db, &mun1, p, run1, 0, "", "test", &rep, msg, sizeof msg),
			 ERR_INVALID);
	assert_int_equal(measure_help_from_run(db, &mun1, p, run1, all, "2021-04-30", "test", &rep, msg, sizeof msg), 0);
	/* М1: s1 (listed, re-check confirmed: 5 kinds with the seminar), s2 (official: 4). */
	assert_int_equal(rep.schools, 2);
	assert_int_equal(rep.measures, 9);
	assert_int_equal(rep.skipped, 0);
	struct mp_measure *v = NULL;
	size_t n = 0;
	assert_int_equal(measure_list(db, p, &v, &n), 0);
	assert_int_equal(n, 9);
	int seminars = 0;
	for (size_t i = 0; i < n; i++) {
		assert_true(v[i].school_id == sch[0] || v[i].school_id == sch[1]);
		assert_int_equal(v[i].run_id, run1);
		assert_string_equal(v[i].due, "2021-04-30");
		assert_string_equal(v[i].term, "30.04.2021");
		assert_non_null(strstr(v[i].cause, "официальных признаков необъективности: 1"));
		assert_non_null(strstr(v[i].text, v[i].school_name));
		if (v[i].kind == MP_KIND_SEMINAR) {
			seminars++;
			assert_int_equal(v[i].school_id, sch[0]);
		}
		if (v[i].school_id == sch[0]) {
			assert_non_null(strstr(v[i].cause, "подтвердила завышение"));
			assert_non_null(strstr(v[i].cause, "ВПР, математика, 4 класс, 2020"));
			assert_non_null(strstr(v[i].cause, "главный признак"));
		} else
			assert_non_null(strstr(v[i].cause, "не проводилась"));
		if (v[i].kind == MP_KIND_INTERVIEW)
			assert_non_null(strstr(v[i].text, "Собеседование с руководителем"));
		if (v[i].kind == MP_KIND_CONTROL)
			assert_non_null(strstr(v[i].text, "внутришкольного персонального контроля"));
	}
	assert_int_equal(seminars, 1);
	struct mp_block *b = NULL;
	size_t nb = 0;
	assert_int_equal(mplan_blocks(db, p, &b, &nb), 0);
	assert_int_equal(nb, 1);
	assert_string_equal(b[0].title, "Адресная помощь школам с признаками необъективности");
	free(b);
	free(v);
	/* Again: nothing new. */
	assert_int_equal(measure_help_from_run(db, &mun1, p, run1, all, "", "test", &rep, msg, sizeof msg), 0);
	assert_int_equal(rep.measures, 0);
	assert_int_equal(rep.skipped, 9);
	/* The region (or the command line) adding help to М1's plan still helps М1's schools
	 * only — s3 (listed in М2) is not М1's; a plan of the region takes all three. */
	const struct scope regs = { SCOPE_REGION, reg };
	assert_int_equal(measure_help_from_run(db, &regs, p, run1, 1u << MP_KIND_INTERVIEW, "", "test", &rep, msg,
					       sizeof msg),
			 0);
	assert_int_equal(rep.schools, 2);
	assert_int_equal(rep.measures, 0);
	assert_int_equal(rep.skipped, 2);
	assert_int_equal(measure_help_from_run(db, &ALL, p, run1, 1u << MP_KIND_INTERVIEW, "", "test", &rep, msg,
					       sizeof msg),
			 0);
	assert_int_equal(rep.schools, 2);
	int64_t rp = add_plan(MP_REGION, reg, "План региона");
	assert_int_equal(measure_help_from_run(db, &regs, rp, run1, 1u << MP_KIND_INTERVIEW, "", "test", &rep, msg,
					       sizeof msg),
			 0);
	assert_int_equal(rep.schools, 3);
	assert_int_equal(rep.measures, 3);
	/* An unknown run is refused. */
	assert_int_equal(measure_help_from_run(db, &mun1, p, run1 + 100, all, "", "test", &rep, msg, sizeof msg),
			 ERR_NOTFOUND);
	assert_non_null(strstr(msg, "анализ"));
}

/* A school whose works are sampled for a re-check the run has no figures of is not «not
 * re-checked»: its cause says the works are being re-checked. */
static void test_help_sampled(void **state)
{
	(void)state;
	int64_t p = add_plan(MP_MUNICIPALITY, m1, "План помощи");
	const struct scope mun1 = { SCOPE_MUNICIPALITY, m1 };
	struct rc_round r = { .procedure_id = p20, .municipality_id = m1, .kind = RC_MUNICIPAL, .share = 0.5,
			      .seed = 1, .no_mutual = true };
	snprintf(r.rules, sizeof r.rules, "risk");
	snprintf(r.created_by, sizeof r.created_by, "test");
	long sampled = -1;
	assert_int_equal(recheck_school_sampled(db, sch[1], &sampled), 0);
	assert_int_equal(sampled, 0);
	assert_int_equal(recheck_round_add(db, &r), 0);
	assert_int_equal(recheck_work_add(db, r.id, p20, sch[1], "22020-MA-41", "official", ""), 0);
	assert_int_equal(recheck_school_sampled(db, sch[1], &sampled), 0);
	assert_int_equal(sampled, 1);
	struct mp_help_report rep;
	char msg[256] = "";
	assert_int_equal(measure_help_from_run(db, &mun1, p, run1, 1u << MP_KIND_INTERVIEW, "", "test", &rep, msg,
					       sizeof msg),
			 0);
	struct mp_measure *v = NULL;
	size_t n = 0, seen = 0;
	assert_int_equal(measure_list(db, p, &v, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (v[i].school_id == sch[1]) {
			seen++;
			assert_non_null(strstr(v[i].cause, "на перепроверке 1 работа школы, итогов перепроверки в "
							   "этом анализе ещё нет."));
			assert_null(strstr(v[i].cause, "не проводилась"));
		}
	assert_int_equal(seen, 1);
	free(v);
}

static void test_outcome(void **state)
{
	(void)state;
	int64_t p = add_plan(MP_MUNICIPALITY, m1, "План помощи");
	const struct scope mun1 = { SCOPE_MUNICIPALITY, m1 };
	struct mp_help_report rep;
	char msg[256] = "";
	assert_int_equal(measure_help_from_run(db, &mun1, p, run1, 1u << MP_KIND_INTERVIEW, "", "test", &rep, msg,
					       sizeof msg),
			 0);
	/* Before a later year is analysed: helped, nothing measured after. */
	struct mp_outcome o;
	assert_int_equal(measure_outcome(db, p, &o), 0);
	assert_int_equal(o.helped, 2);
	assert_int_equal(o.measured_after, 0);
	assert_int_equal(o.s[0].year_before, 2020);
	assert_int_equal(o.s[0].year_after, 0);
	measure_outcome_free(&o);
	/* Run 2 on 2020 and 2021: s1 stays on the list with a 2021 flag, s2 is clean. */
	struct run_writer *w;
	assert_int_equal(run_begin(db, "{}", NULL, &w), 0);
	struct run_school_row r1 = { .school_id = sch[0], .rank = 1, .works = 6, .risk = 5, .listed = true,
				     .top_sign = "mean_inflated", .top_procedure_id = p21 },
			      r2 = { .school_id = sch[1], .rank = 2, .works = 6, .risk = 0 };
	struct run_sign_row g = { .school_id = sch[0], .procedure_id = p21, .sign = "mean_inflated", .kind = "own",
				  .value = 1, .threshold = 0.5, .n = 3 },
			    old = { .school_id = sch[1], .procedure_id = p20, .sign = "journal_mismatch",
				    .kind = "official", .value = 1, .threshold = 0.5, .n = 3 };
	struct run_index_row i20 = { .procedure_id = p20, .scope = "VPR-2020-MA-4", .boundary = -1 },
			     i21 = { .procedure_id = p21, .scope = "VPR-2021-MA-4", .boundary = -1 };
	struct run_totals t = { .procedures = 2, .schools = 4, .flagged = 1, .listed = 1 };
	assert_int_equal(run_add_school(w, &r1), 0);
	assert_int_equal(run_add_school(w, &r2), 0);
	assert_int_equal(run_add_sign(w, &g), 0);
	assert_int_equal(run_add_sign(w, &old), 0); /* a 2020 flag does not count for 2021 */
	assert_int_equal(run_add_index(w, &i20), 0);
	assert_int_equal(run_add_index(w, &i21), 0);
	assert_int_equal(run_finish(w, &t), 0);
	char mmsg[256] = "";
	struct mp_measure *v = NULL;
	size_t n = 0;
	assert_int_equal(measure_list(db, p, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(measure_report(db, v[0].id, MP_DONE, "", NULL, NULL, NULL, 0, "t", mmsg, sizeof mmsg), 0);
	free(v);
	assert_int_equal(measure_outcome(db, p, &o), 0);
	assert_int_equal(o.helped, 2);
	assert_int_equal(o.measured_after, 2);
	assert_int_equal(o.left, 1);
	assert_int_equal(o.stayed, 1);
	assert_int_equal(o.n, 2);
	long done = 0;
	for (size_t i = 0; i < o.n; i++) {
		assert_int_equal(o.s[i].year_before, 2020);
		assert_int_equal(o.s[i].year_after, 2021);
		assert_true(o.s[i].measured_after);
		assert_int_equal(o.s[i].measures, 1);
		done += o.s[i].done;
		if (o.s[i].school_id == sch[0])
			assert_true(o.s[i].flagged_after);
		else
			assert_false(o.s[i].flagged_after);
	}
	assert_int_equal(done, 1);
	measure_outcome_free(&o);
}

static void test_requisites(void **state)
{
	(void)state;
	struct mp_requisite r;
	bool stored = true;
	assert_int_equal(requisite_get(db, MP_MUNICIPALITY, m1, &r, &stored), 0);
	assert_false(stored);
	assert_string_equal(r.org, "Орган управления образованием муниципального образования «М1»");
	assert_string_equal(r.place, "");
	assert_int_equal(requisite_get(db, MP_SCHOOL, sch[1], &r, &stored), 0);
	assert_string_equal(r.org, "МБОУ «СОШ № 2»");
	assert_int_equal(requisite_get(db, MP_MUNICIPALITY, 99999, &r, &stored), ERR_NOTFOUND);
	struct mp_requisite put = { 0 };
	assert_int_equal(requisite_put(db, MP_MUNICIPALITY, m1, &put, "t"), ERR_INVALID);
	snprintf(put.org, sizeof put.org, "Комитет по образованию администрации М1");
	snprintf(put.place, sizeof put.place, "г. М1");
	snprintf(put.head_position, sizeof put.head_position, "Председатель комитета");
	snprintf(put.head_name, sizeof put.head_name, "О.С. Иванова");
	assert_int_equal(requisite_put(db, MP_MUNICIPALITY, m1, &put, "t"), 0);
	snprintf(put.head_name, sizeof put.head_name, "И.О. Петрова");
	assert_int_equal(requisite_put(db, MP_MUNICIPALITY, m1, &put, "t"), 0);
	assert_int_equal(requisite_get(db, MP_MUNICIPALITY, m1, &r, &stored), 0);
	assert_true(stored);
	assert_string_equal(r.org, "Комитет по образованию администрации М1");
	assert_string_equal(r.place, "г. М1");
	assert_string_equal(r.head_name, "И.О. Петрова");
	/* Statuses in both forms. */
	assert_int_equal(mp_status_parse("выполнено"), MP_DONE);
	assert_int_equal(mp_status_parse("progress"), MP_PROGRESS);
	assert_int_equal(mp_status_parse("готово"), -1);
	assert_int_equal(mp_kind_parse("seminar"), MP_KIND_SEMINAR);
	assert_int_equal(mp_level_parse("school"), MP_SCHOOL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plan_crud, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_numbering_move, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overdue_execution, setup, teardown),
		cmocka_unit_test_setup_teardown(test_templates, setup, teardown),
		cmocka_unit_test(test_term_due),
		cmocka_unit_test_setup_teardown(test_help, setup, teardown),
		cmocka_unit_test_setup_teardown(test_help_sampled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outcome, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requisites, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
