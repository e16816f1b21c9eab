/* Unit tests of the model's reading functions that pages, the API and commands use:
 * summary (counts, progress, score distributions), the registry's school list and
 * municipalities, the upload history, users and the audit log by scope, the plan-graph
 * lists and the procedure list — on two regions and a school with no municipality. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/log.h"
#include "db/db.h"
#include "model/material.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "model/registry.h"
#include "model/scope.h"
#include "model/unit.h"
#include "model/summary.h"
#include "model/upload_list.h"
#include "model/user.h"

static char dir[64], path[128];
static struct db *db;
/* R1: municipality А (a1, a2), Б (b1); R2: В (c1); x1 without a municipality. */
static int64_t r1, r2, mA, mB, mC, a1, a2, b1, c1, x1, proc, proc2;

/* A result row stored directly: the functions under test only read. */
static int add_result(int64_t school, const char *code, int absent, int score)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(db, &s, "INSERT INTO result(procedure_id, school_id, code, absent, primary_score)"
				    " VALUES (?, ?, ?, ?, ?)");
	if (!rc && !(rc = db_bind_int(s, 1, proc)) && !(rc = db_bind_int(s, 2, school)) &&
	    !(rc = db_bind_text(s, 3, code, -1)) && !(rc = db_bind_int(s, 4, absent)))
		rc = score < 0 ? db_bind_null(s, 5) : db_bind_int(s, 5, score);
	if (!rc)
		rc = db_step(s) == DB_DONE ? 0 : ERR_DB;
	db_finalize(s);
	return rc;
}

/* One upload of n rows for a school (the upload history and result_pair). */
static int add_upload(int64_t school, long n, const char *file)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(db, &s, "INSERT INTO upload(file, digest, size, layout, user_name, rows, written,"
				    " absent, warnings) VALUES (?, 'd', 1, 'canonical', 'тест', ?, ?, 0, 0)");
	if (!rc && !(rc = db_bind_text(s, 1, file, -1)) && !(rc = db_bind_int(s, 2, n)) &&
	    !(rc = db_bind_int(s, 3, n)))
		rc = db_step(s) == DB_DONE ? 0 : ERR_DB;
	db_finalize(s);
	s = NULL;
	int64_t up = db_last_id(db);
	if (!rc && !(rc = db_prepare(db, &s, "INSERT INTO upload_school(upload_id, procedure_id, school_id,"
					      " rows, written, replaced) VALUES (?, ?, ?, ?, ?, 0)")) &&
	    !(rc = db_bind_int(s, 1, up)) && !(rc = db_bind_int(s, 2, proc)) && !(rc = db_bind_int(s, 3, school)) &&
	    !(rc = db_bind_int(s, 4, n)) && !(rc = db_bind_int(s, 5, n)))
		rc = db_step(s) == DB_DONE ? 0 : ERR_DB;
	db_finalize(s);
	return rc;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/oko-test-lists-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	log_set_level(LOG_QUIET);
	if (db_open(&db, path, DB_OPEN_CREATE))
		return -1;
	struct school sa1 = { .login = "sch1", .name = "Школа 1", .municipality = "А", .region = "Р1" };
	struct school sa2 = { .login = "sch2", .name = "Гимназия 2", .municipality = "А", .region = "Р1",
			      .kind = "гимназия" };
	struct school sb1 = { .login = "sch3", .name = "Школа 3", .municipality = "Б", .region = "Р1" };
	struct school sc1 = { .login = "sch4", .name = "Школа 4", .municipality = "В", .region = "Р2" };
	struct school sx1 = { .login = "sch5", .name = "Школа 5" };
	struct procedure *p = calloc(1, sizeof *p);
	char msg[256];
	int rc = !p || registry_school_put(db, &sa1, &a1) || registry_school_put(db, &sa2, &a2) ||
		 registry_school_put(db, &sb1, &b1) || registry_school_put(db, &sc1, &c1) ||
		 registry_school_put(db, &sx1, &x1) || registry_region_id(db, "Р1", &r1) ||
		 registry_region_id(db, "Р2", &r2) || registry_municipality_id(db, r1, "А", &mA) ||
		 registry_municipality_id(db, r1, "Б", &mB) || registry_municipality_id(db, r2, "В", &mC) ||
		 procedure_code_parse("VPR-2021-MA-4", p, msg, sizeof msg) ||
		 procedure_positions_parse("1:2:Б 2:2:Б 3:4:П", p, msg, sizeof msg) ||
		 procedure_scale_parse("3/5/7", p, msg, sizeof msg) || procedure_put(db, p, msg, sizeof msg);
	proc = p ? p->id : 0;
	if (!rc) {
		memset(p, 0, sizeof *p);
		rc = procedure_code_parse("VPR-2020-RU-5", p, msg, sizeof msg) ||
		     procedure_positions_parse("1:1", p, msg, sizeof msg) || procedure_put(db, p, msg, sizeof msg);
		proc2 = p->id;
	}
	free(p);
	/* a1: scores 2, 2, 5, one absent without a score and one absent with 5 (a file may
	 * say both); a2: 7; c1: 1; x1: 4 and a written work without a score. */
	rc = rc || add_result(a1, "1", 0, 2) || add_result(a1, "2", 0, 2) || add_result(a1, "3", 0, 5) ||
	     add_result(a1, "4", 1, -1) || add_result(a1, "5", 1, 5) || add_result(a2, "1", 0, 7) ||
	     add_result(c1, "1", 0, 1) || add_result(x1, "1", 0, 4) || add_result(x1, "2", 0, -1);
	rc = rc || add_upload(a1, 9, "old.csv") || add_upload(a1, 5, "a.csv") || add_upload(a2, 1, "b.csv") ||
	     add_upload(c1, 1, "c.csv") || add_upload(x1, 2, "x.csv");
	return rc ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	db_close(db);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const struct scope ALL = { SCOPE_ALL, 0 };

static struct scope reg(int64_t id)
{
	return (struct scope){ SCOPE_REGION, id };
}

/* ---- summary ---- */

static int text_scores(void *ctx, const struct summary_school_scores *x)
{
	struct buf *b = ctx;
	buf_printf(b, "%s w%ld a%ld m%.2f", x->school, x->written, x->absent, x->mean);
	for (size_t i = 0; i < x->nscores; i++)
		buf_printf(b, " %d:%ld", x->scores[i].score, x->scores[i].n);
	buf_puts(b, "; ");
	return 0;
}

static void test_scores(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	assert_int_equal(summary_scores(db, &ALL, "VPR-2021-MA-4", text_scores, &b), 0);
	/* The absent work with a score counts as absent and in the scores, as SQL's avg and
	 * the old per-mark sums did; the work without a score only as written. */
	assert_string_equal(buf_str(&b), "sch1 w3 a2 m3.50 2:2 5:2; sch2 w1 a0 m7.00 7:1; "
					 "sch4 w1 a0 m1.00 1:1; sch5 w2 a0 m4.00 4:1; ");
	buf_reset(&b);
	struct scope sc = reg(r2);
	assert_int_equal(summary_scores(db, &sc, "VPR-2021-MA-4", text_scores, &b), 0);
	assert_string_equal(buf_str(&b), "sch4 w1 a0 m1.00 1:1; sch5 w2 a0 m4.00 4:1; ");
	buf_reset(&b);
	sc = (struct scope){ SCOPE_MUNICIPALITY, mA };
	assert_int_equal(summary_scores(db, &sc, "VPR-2021-MA-4", text_scores, &b), 0);
	assert_string_equal(buf_str(&b), "sch1 w3 a2 m3.50 2:2 5:2; sch2 w1 a0 m7.00 7:1; ");
	buf_reset(&b);
	assert_int_equal(summary_scores(db, &ALL, "VPR-2020-RU-5", text_scores, &b), 0);
	assert_int_equal(summary_scores(db, &ALL, "NOPE", text_scores, &b), 0);
	sc = (struct scope){ SCOPE_NONE, 0 };
	assert_int_equal(summary_scores(db, &sc, "VPR-2021-MA-4", text_scores, &b), 0);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static int stop_at_first(void *ctx, const struct summary_school_scores *x)
{
	(void)x;
	++*(int *)ctx;
	return 7;
}

static void test_scores_stop(void **state)
{
	(void)state;
	int calls = 0;
	assert_int_equal(summary_scores(db, &ALL, "VPR-2021-MA-4", stop_at_first, &calls), 7);
	assert_int_equal(calls, 1);
}

static int text_progress(void *ctx, const struct summary_progress_row *x)
{
	buf_printf(ctx, "%s %s %ld/%ld; ", x->procedure, x->municipality, x->got, x->all);
	return 0;
}

static void test_counts_progress(void **state)
{
	(void)state;
	struct summary_counts c;
	struct scope sc = reg(r1);
	/* R1: a1, a2, b1 and x1; results of the latest uploads: a1 5, a2 1, x1 2. */
	assert_int_equal(summary_counts(db, &sc, &c), 0);
	assert_int_equal(c.schools, 4);
	assert_int_equal(c.municipalities, 2);
	assert_int_equal(c.procedures, 2);
	assert_int_equal(c.results, 8);
	assert_int_equal(summary_counts(db, &ALL, &c), 0);
	assert_int_equal(c.schools, 5);
	assert_int_equal(c.results, 9);
	struct buf b = BUF_INIT;
	assert_int_equal(summary_home(db, &sc, &c, text_progress, &b), 0);
	/* The schools with no municipality come first (SQLite orders NULL names first). */
	assert_string_equal(buf_str(&b), "VPR-2021-MA-4 муниципалитет не указан 1/1; VPR-2021-MA-4 А 2/2; ");
	/* the counts from the same walk as summary_counts gives them */
	assert_int_equal(c.schools, 4);
	assert_int_equal(c.procedures, 2);
	assert_int_equal(c.results, 8);
	buf_reset(&b);
	sc = (struct scope){ SCOPE_SCHOOL, a2 };
	assert_int_equal(summary_home(db, &sc, &c, text_progress, &b), 0);
	assert_string_equal(buf_str(&b), "VPR-2021-MA-4 А 1/1; ");
	/* a school's procedures are those it has results of */
	assert_int_equal(c.schools, 1);
	assert_int_equal(c.procedures, 1);
	assert_int_equal(c.results, 1);
	buf_free(&b);
	int64_t n = 0;
	assert_int_equal(summary_result_total(db, &n), 0);
	assert_int_equal(n, 9);
}

/* ---- registry ---- */

static int text_school(void *ctx, const struct registry_school_item *x)
{
	buf_printf(ctx, "%s(%s,%s,%lld) ", x->login, x->municipality, x->kind, (long long)x->results);
	return 0;
}

static void test_school_list(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	long total = -1;
	struct scope sc = reg(r1);
	struct registry_school_filter f = { .q = "", .kind = "", .order = REGISTRY_BY_LOGIN, .limit = 2 };
	assert_int_equal(registry_school_list(db, &sc, &f, text_school, &b, &total), 0);
	assert_string_equal(buf_str(&b), "sch1(А,другое,5) sch2(А,гимназия,1) ");
	assert_int_equal(total, 4);
	/* Past the last page: no rows, the total still counts every match. */
	buf_reset(&b);
	f.offset = 10;
	assert_int_equal(registry_school_list(db, &sc, &f, text_school, &b, &total), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(total, 4);
	f.offset = 0;
	f.limit = 50;
	f.order = REGISTRY_BY_RESULTS;
	assert_int_equal(registry_school_list(db, &sc, &f, text_school, &b, &total), 0);
	assert_string_equal(buf_str(&b), "sch1(А,другое,5) sch5(,другое,2) sch2(А,гимназия,1) sch3(Б,другое,0) ");
	buf_reset(&b);
	f.kind = "гимназия";
	assert_int_equal(registry_school_list(db, &ALL, &f, text_school, &b, &total), 0);
	assert_string_equal(buf_str(&b), "sch2(А,гимназия,1) ");
	assert_int_equal(total, 1);
	buf_reset(&b);
	f.kind = "";
	f.q = "Школа";
	f.municipality_id = mC;
	assert_int_equal(registry_school_list(db, &ALL, &f, text_school, &b, NULL), 0);
	assert_string_equal(buf_str(&b), "sch4(В,другое,1) ");
	/* A region filtering by another region's municipality gets nothing. */
	buf_reset(&b);
	assert_int_equal(registry_school_list(db, &sc, &f, text_school, &b, &total), 0);
	assert_int_equal(total, 0);
	f.order = REGISTRY_NORDERS;
	assert_int_equal(registry_school_list(db, &sc, &f, text_school, &b, &total), ERR_INVALID);
	buf_free(&b);
}

static int text_mun(void *ctx, int64_t id, const char *name)
{
	(void)id;
	buf_printf(ctx, "%s ", name);
	return 0;
}

static void test_municipalities(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	struct scope sc = reg(r1);
	assert_int_equal(registry_municipality_each(db, &sc, text_mun, &b), 0);
	assert_string_equal(buf_str(&b), "А Б ");
	buf_reset(&b);
	assert_int_equal(registry_municipality_each(db, &ALL, text_mun, &b), 0);
	assert_string_equal(buf_str(&b), "А Б В ");
	buf_reset(&b);
	sc = (struct scope){ SCOPE_SCHOOL, a1 };
	assert_int_equal(registry_municipality_each(db, &sc, text_mun, &b), 0);
	assert_int_equal(b.len, 0);
	buf_free(&b);
	int64_t id = 0;
	assert_int_equal(registry_municipality_find(db, "Б", &id), 0);
	assert_int_equal(id, mB);
	assert_int_equal(registry_municipality_find(db, "Нет", &id), ERR_NOTFOUND);
	char mun[64], login[64];
	assert_int_equal(registry_first_school(db, mun, sizeof mun, login, sizeof login), 0);
	assert_string_equal(mun, "А");
	assert_string_equal(login, "sch1");
}

static int text_unit(void *ctx, int64_t id, const char *login, const char *name)
{
	(void)id;
	(void)login;
	buf_printf(ctx, "%s ", name);
	return 0;
}

/* The report form lists the regions a scope sees whole. */
static void test_unit_regions(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	assert_int_equal(unit_regions(db, &ALL, text_unit, &b), 0);
	assert_string_equal(buf_str(&b), "Р1 Р2 ");
	buf_reset(&b);
	struct scope sc = reg(r2);
	assert_int_equal(unit_regions(db, &sc, text_unit, &b), 0);
	assert_string_equal(buf_str(&b), "Р2 ");
	buf_reset(&b);
	sc = (struct scope){ SCOPE_MUNICIPALITY, mA };
	assert_int_equal(unit_regions(db, &sc, text_unit, &b), 0);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void test_school_card(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a, 4096);
	struct registry_school_card c;
	assert_int_equal(registry_school_get(db, "sch2", &a, &c), 0);
	assert_int_equal(c.id, a2);
	assert_int_equal(c.municipality_id, mA);
	assert_string_equal(c.name, "Гимназия 2");
	assert_string_equal(c.municipality, "А");
	assert_string_equal(c.kind, "гимназия");
	assert_string_equal(c.settlement, "");
	assert_int_equal(registry_school_get(db, "sch5", &a, &c), 0);
	assert_int_equal(c.municipality_id, 0);
	assert_string_equal(c.municipality, "");
	assert_int_equal(registry_school_get(db, "sch9", &a, &c), ERR_NOTFOUND);
	arena_free(&a);
}

static int text_row(void *ctx, const struct registry_school_row *x)
{
	buf_printf(ctx, "%s[%s] ", x->login, x->aliases);
	return 0;
}

/* Runs last among the registry tests: it merges a school away. */
static void test_school_each_aliases(void **state)
{
	(void)state;
	char msg[256];
	struct school e = { .login = "edu9", .name = "Школа 9" };
	int64_t e_id;
	assert_int_equal(registry_school_put(db, &e, &e_id), 0);
	assert_int_equal(registry_alias_add(db, "zz1", c1, "тест", "t", msg, sizeof msg), 0);
	assert_int_equal(registry_alias_add(db, "edu4", c1, "тест", "t", msg, sizeof msg), 0);
	struct buf b = BUF_INIT;
	assert_int_equal(registry_school_each(db, false, text_row, &b), 0);
	assert_string_equal(buf_str(&b), "edu9[] sch1[] sch2[] sch3[] sch4[edu4 zz1] sch5[] ");
	buf_free(&b);
}

/* ---- upload history ---- */

static int text_upload(void *ctx, const struct upload_list_row *x)
{
	buf_printf(ctx, "%s:%s:%lld ", x->file, x->school, (long long)x->rows);
	return 0;
}

static void test_uploads(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	struct scope sc = { SCOPE_MUNICIPALITY, mA };
	assert_int_equal(upload_list_scope(db, &sc, true, 10, text_upload, &b), 0);
	assert_string_equal(buf_str(&b), "b.csv:sch2:1 a.csv:sch1:5 old.csv:sch1:9 ");
	buf_reset(&b);
	sc = reg(r2);
	assert_int_equal(upload_list_scope(db, &sc, false, 1, text_upload, &b), 0);
	assert_string_equal(buf_str(&b), "x.csv:sch5:2 ");
	buf_reset(&b);
	assert_int_equal(upload_list_school(db, a1, 50, text_upload, &b), 0);
	assert_string_equal(buf_str(&b), "a.csv:sch1:5 old.csv:sch1:9 ");
	buf_free(&b);
}

/* ---- users and the audit log ---- */

static int text_user(void *ctx, const struct user_item *u)
{
	buf_printf(ctx, "%s/%s/%s%s%s%s ", u->login, u->role, u->school_login, u->municipality, u->region,
		   u->disabled ? "!" : "");
	return 0;
}

static int text_audit(void *ctx, const struct audit_item *a)
{
	buf_printf(ctx, "%s:%s ", a->user_login, a->action);
	return 0;
}

static void test_users_audit(void **state)
{
	(void)state;
	char msg[256];
	const char *pw = "Zebra-Tulip-77x";
	assert_int_equal(user_add(db, "r1", "Р", ROLE_REGION, "Р1", pw, msg, sizeof msg), 0);
	assert_int_equal(user_add(db, "mc", "М", ROLE_MUNICIPALITY, "В", pw, msg, sizeof msg), 0);
	assert_int_equal(user_add(db, "sx", "Ш", ROLE_SCHOOL, "sch5", pw, msg, sizeof msg), 0);
	assert_int_equal(user_add(db, "sa", "Ш", ROLE_SCHOOL, "sch1", pw, msg, sizeof msg), 0);
	assert_int_equal(user_add(db, "ad", "А", ROLE_ADMIN, NULL, pw, msg, sizeof msg), 0);
	struct buf b = BUF_INIT;
	assert_int_equal(user_list(db, USER_BY_LOGIN, text_user, &b), 0);
	assert_string_equal(buf_str(&b), "ad/admin/ mc/municipality/В r1/region/Р1 sa/school/sch1 sx/school/sch5 ");
	buf_reset(&b);
	assert_int_equal(user_list(db, USER_BY_ROLE, text_user, &b), 0);
	assert_string_equal(buf_str(&b), "ad/admin/ mc/municipality/В r1/region/Р1 sa/school/sch1 sx/school/sch5 ");
	buf_reset(&b);
	const char *logins[] = { "r1", "mc", "sx", "sa", "ad" };
	for (size_t i = 0; i < sizeof logins / sizeof *logins; i++) {
		struct user u;
		assert_int_equal(user_find(db, logins[i], &u), 0);
		assert_int_equal(audit_add(db, &u, NULL, "act", NULL, NULL, NULL), 0);
	}
	assert_int_equal(audit_login_failed(db, "nobody", "1.2.3.4"), 0);
	long n = 0;
	assert_int_equal(audit_count(db, &ALL, &n), 0);
	assert_int_equal(n, 6);
	/* R1: its own user, its schools' users and the user of the school with no
	 * municipality; never anonymous entries. */
	struct scope sc = reg(r1);
	assert_int_equal(audit_count(db, &sc, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(audit_list(db, &sc, 50, 0, text_audit, &b), 0);
	assert_string_equal(buf_str(&b), "sa:act sx:act r1:act ");
	buf_reset(&b);
	sc = reg(r2);
	assert_int_equal(audit_list(db, &sc, 50, 0, text_audit, &b), 0);
	assert_string_equal(buf_str(&b), "sx:act mc:act ");
	buf_reset(&b);
	assert_int_equal(audit_list(db, &sc, 1, 1, text_audit, &b), 0);
	assert_string_equal(buf_str(&b), "mc:act ");
	buf_reset(&b);
	sc = (struct scope){ SCOPE_NONE, 0 };
	assert_int_equal(audit_count(db, &sc, &n), 0);
	assert_int_equal(n, 0);
	buf_free(&b);
}

/* ---- plan-graph lists, materials, procedures ---- */

static void test_plan_lists(void **state)
{
	(void)state;
	static const struct plan_dates dt = { { "2021-03-10", "2021-03-15", "2021-05-21", "2021-03-15",
						"2021-03-15", "2021-05-25" } };
	char msg[256];
	int64_t cid;
	bool created, yes;
	assert_int_equal(plan_campaign_put(db, "Весна", &cid, &created), 0);
	struct plan_campaign_item *v = NULL;
	size_t n = 0;
	assert_int_equal(plan_campaigns(db, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].procedures, 0);
	assert_string_equal(v[0].first_day, "");
	free(v);
	/* Without assignments every school takes part. */
	assert_int_equal(plan_takes_part(db, proc, a2, &yes), 0);
	assert_true(yes);
	assert_int_equal(plan_procedure_put(db, cid, proc, &dt, msg, sizeof msg), 0);
	long added = 0;
	assert_int_equal(plan_assign(db, &ALL, cid, proc, a1, 0, "t", &added), 0);
	assert_int_equal(added, 1);
	assert_int_equal(plan_assign(db, &ALL, cid, proc, a1, 0, "t", &added), 0);
	assert_int_equal(added, 0);
	assert_int_equal(plan_takes_part(db, proc, a1, &yes), 0);
	assert_true(yes);
	assert_int_equal(plan_takes_part(db, proc, a2, &yes), 0);
	assert_false(yes);
	/* "Every school" of a region-bound coordinator: its region's, and the schools with no
	 * municipality; nothing of the other region. */
	struct scope sc = reg(r2);
	assert_int_equal(plan_assign(db, &sc, cid, 0, 0, 0, "t", &added), 0);
	assert_int_equal(added, 2);
	assert_int_equal(plan_takes_part(db, proc, c1, &yes), 0);
	assert_true(yes);
	assert_int_equal(plan_takes_part(db, proc, x1, &yes), 0);
	assert_true(yes);
	assert_int_equal(plan_takes_part(db, proc, b1, &yes), 0);
	assert_false(yes);
	/* A school outside the scope is not assigned even when named. */
	assert_int_equal(plan_assign(db, &sc, cid, proc, b1, 0, "t", &added), 0);
	assert_int_equal(added, 0);
	assert_int_equal(plan_campaigns(db, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].name, "Весна");
	assert_int_equal(v[0].procedures, 1);
	assert_string_equal(v[0].first_day, "2021-03-15");
	assert_string_equal(v[0].last_deadline, "2021-05-25");
	free(v);
	struct plan_code *c = NULL;
	assert_int_equal(plan_procedure_codes(db, cid, false, &c, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(c[0].code, "VPR-2021-MA-4");
	free(c);
	assert_int_equal(plan_procedure_codes(db, cid, true, &c, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(c[0].code, "VPR-2021-MA-4");
	assert_string_equal(c[1].code, "VPR-2020-RU-5");
	free(c);
}

static int text_release(void *ctx, const struct material_release_item *x)
{
	buf_printf(ctx, "%s %lld %lld %lld; ", x->procedure, (long long)x->at.archive_at,
		   (long long)x->at.key_at, (long long)x->at.criteria_at);
	return 0;
}

static void test_material_release(void **state)
{
	(void)state;
	char msg[256];
	struct material_release r = { 100, 200, 300 };
	assert_int_equal(material_release_set(db, proc, &r, msg, sizeof msg), 0);
	/* Set again: the times are replaced, not added. */
	r.key_at = 250;
	assert_int_equal(material_release_set(db, proc, &r, msg, sizeof msg), 0);
	struct buf b = BUF_INIT;
	assert_int_equal(material_release_each(db, text_release, &b), 0);
	assert_string_equal(buf_str(&b), "VPR-2021-MA-4 100 250 300; ");
	buf_free(&b);
}

static int text_proc(void *ctx, const struct procedure_item *p)
{
	buf_printf(ctx, "%s %d pos %d %s; ", p->code, p->max_score, p->npos, p->has_scale ? "scale" : "-");
	return 0;
}

static void test_procedures(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	assert_int_equal(procedure_each(db, text_proc, &b), 0);
	assert_string_equal(buf_str(&b), "VPR-2021-MA-4 8 pos 3 scale; VPR-2020-RU-5 1 pos 1 -; ");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scores),
		cmocka_unit_test(test_scores_stop),
		cmocka_unit_test(test_counts_progress),
		cmocka_unit_test(test_school_list),
		cmocka_unit_test(test_municipalities),
		cmocka_unit_test(test_unit_regions),
		cmocka_unit_test(test_school_card),
		cmocka_unit_test(test_uploads),
		cmocka_unit_test(test_users_audit),
		cmocka_unit_test(test_plan_lists),
		cmocka_unit_test(test_material_release),
		cmocka_unit_test(test_procedures),
		cmocka_unit_test(test_school_each_aliases),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
