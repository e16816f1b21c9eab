/* Unit tests of model/observer and assign/observers on a hand-made campaign whose answers are
 * known by construction: the registry round trip, scope, every hard rule with its reason,
 * manual choices and their soft notes, the automatic assignment store keeping manual rows,
 * who observed a school last time, acts (refusals, idempotent client keys, corrections),
 * video records, coverage counts, the violation list, and the whole automatic assignment.
 *
 * The database (fresh for every test):
 *   region Р; municipality М1: s1 (sch1, СОШ), s2 (sch2, лицей); М2: s3 (sch3, СОШ);
 *   campaign «ВПР весна 2021», procedures P1 (MA-4), P2 (RU-4), P3 (OM-4); sittings:
 *     P1@s1, P1@s2, P1@s3  2021-04-13 09:00
 *     P3@s3                2021-04-13 11:00
 *     P2@s1                2021-04-14 10:00
 *     P2@s2                2021-04-15 10:00
 *     P2@s3                assigned, no date (not a sitting)
 *   observers: O1 Иванова (М1, works at s1), O2 Петров (М1, child at s2, available 13 and 14
 *   April), O3 Сидорова (М2, 2 a day), O4 Яковлев (no municipality, specialist). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assign/observers.h"
#include "base/err.h"
#include "base/str.h"
#include "base/log.h"
#include "db/db.h"
#include "model/observer.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "model/registry.h"
#include "model/run.h"
#include "model/user.h"

static char dir[64], path[128];
static struct db *db;
static const struct scope ALL = { SCOPE_ALL, 0 };
static int64_t reg, m1, m2, s1, s2, s3, p1, p2, p3, camp, o1, o2, o3, o4;

static int64_t add_procedure(const char *code)
{
	struct procedure *p = calloc(1, sizeof *p);
	char msg[256];
	int64_t id = 0;
	if (p && !procedure_code_parse(code, p, msg, sizeof msg) &&
	    !procedure_positions_parse("1:1:Б 2:2:Б", p, msg, sizeof msg) &&
	    !procedure_put(db, p, msg, sizeof msg))
		id = p->id;
	free(p);
	return id;
}

static int64_t add_observer(const char *code, const char *name, enum obs_kind kind, int64_t mun,
			    int max, int64_t works, int64_t child, const char *day1, const char *day2)
{
	struct obs_person *p = calloc(1, sizeof *p);
	int64_t id = 0;
	snprintf(p->code, sizeof p->code, "%s", code);
	snprintf(p->name, sizeof p->name, "%s", name);
	p->kind = kind;
	p->municipality_id = mun;
	p->max_per_day = max;
	if (works)
		p->works_at[p->nworks++] = works;
	if (child)
		p->children_at[p->nchildren++] = child;
	/* Given out of order: the list gives them sorted. */
	if (day2)
		snprintf(p->days[p->ndays++], PLAN_DATE_LEN, "%s", day2);
	if (day1)
		snprintf(p->days[p->ndays++], PLAN_DATE_LEN, "%s", day1);
	if (db_begin(db) || observer_put(db, p, "test") || db_commit(db) || observer_find(db, code, &id))
		id = 0;
	free(p);
	return id;
}

static int fix(int64_t proc, int64_t school, const char *date, const char *time_s)
{
	char msg[256];
	return plan_fix_date(db, proc, school, NULL, date, time_s, "test", msg, sizeof msg);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/oko-test-observer-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	log_set_level(LOG_QUIET);
	setenv("OKO_NOW", "2021-04-01T08:00:00Z", 1);
	if (db_open(&db, path, DB_OPEN_CREATE))
		return -1;
	struct school a = { .login = "sch1", .name = "Школа 1", .municipality = "М1", .region = "Р",
			    .kind = "СОШ" };
	struct school b = { .login = "sch2", .name = "Школа 2", .municipality = "М1", .region = "Р",
			    .kind = "лицей" };
	struct school c = { .login = "sch3", .name = "Школа 3", .municipality = "М2", .region = "Р",
			    .kind = "СОШ" };
	if (registry_school_put(db, &a, &s1) || registry_school_put(db, &b, &s2) ||
	    registry_school_put(db, &c, &s3) || registry_region_id(db, "Р", &reg) ||
	    registry_municipality_id(db, reg, "М1", &m1) || registry_municipality_id(db, reg, "М2", &m2))
		return -1;
	p1 = add_procedure("VPR-2021-MA-4");
	p2 = add_procedure("VPR-2021-RU-4");
	p3 = add_procedure("VPR-2021-OM-4");
	if (!p1 || !p2 || !p3)
		return -1;
	static const struct plan_dates dates = { { "2021-03-10", "2021-03-15", "2021-05-21", "2021-03-15",
						   "2021-03-15", "2021-05-25" } };
	bool created;
	char msg[256];
	long added;
	if (plan_campaign_put(db, "ВПР весна 2021", &camp, &created) ||
	    plan_procedure_put(db, camp, p1, &dates, msg, sizeof msg) ||
	    plan_procedure_put(db, camp, p2, &dates, msg, sizeof msg) ||
	    plan_procedure_put(db, camp, p3, &dates, msg, sizeof msg) ||
	    plan_assign(db, &ALL, camp, p1, 0, 0, "test", &added) ||
	    plan_assign(db, &ALL, camp, p2, 0, 0, "test", &added) ||
	    plan_assign(db, &ALL, camp, p3, s3, 0, "test", &added))
		return -1;
	if (fix(p1, s1, "2021-04-13", "09:00") || fix(p1, s2, "2021-04-13", "09:00") ||
	    fix(p1, s3, "2021-04-13", "09:00") || fix(p3, s3, "2021-04-13", "11:00") ||
	    fix(p2, s1, "2021-04-14", "10:00") || fix(p2, s2, "2021-04-15", "10:00"))
		return -1;
	o1 = add_observer("O1", "Иванова Анна", OBS_PUBLIC, m1, 1, s1, 0, NULL, NULL);
	o2 = add_observer("O2", "Петров Пётр", OBS_PUBLIC, m1, 1, 0, s2, "2021-04-13", "2021-04-14");
	o3 = add_observer("O3", "Сидорова Мария", OBS_PUBLIC, m2, 2, 0, 0, NULL, NULL);
	o4 = add_observer("O4", "Яковлев Иван", OBS_SPECIALIST, 0, 1, 0, 0, NULL, NULL);
	return o1 && o2 && o3 && o4 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	db_close(db);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The sitting (proc, school) of a list, or NULL. */
static const struct obs_sitting *find_sitting(const struct obs_sitting *x, size_t n, int64_t proc,
					      int64_t school)
{
	for (size_t i = 0; i < n; i++)
		if (x[i].procedure_id == proc && x[i].school_id == school)
			return &x[i];
	return NULL;
}

/* The observer of a sitting as stored (0: nobody), and whether by hand. */
static int64_t observer_of(int64_t proc, int64_t school, bool *manual)
{
	struct obs_sitting *x;
	size_t n;
	assert_int_equal(observer_sittings(db, &ALL, camp, &x, &n), 0);
	const struct obs_sitting *t = find_sitting(x, n, proc, school);
	assert_non_null(t);
	int64_t id = t->observer_id;
	if (manual)
		*manual = t->manual;
	free(x);
	return id;
}

static int64_t count(const char *sql)
{
	int64_t v = -1;
	assert_int_equal(db_query_int(db, sql, -1, &v), 0);
	return v;
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(obs_kind_name(OBS_PUBLIC), "общественный");
	assert_string_equal(obs_kind_name(OBS_SPECIALIST), "специалист");
	assert_int_equal(obs_kind_parse("специалист"), OBS_SPECIALIST);
	assert_int_equal(obs_kind_parse("Общественный"), OBS_PUBLIC);
	assert_int_equal(obs_kind_parse("эксперт"), -1);
	assert_string_equal(obs_stage_title(0), "подготовка материалов");
	assert_string_equal(obs_stage_title(OBS_NSTAGES - 1), "заполнение и загрузка форм");
	assert_string_equal(obs_stage_title(OBS_NSTAGES), "");
	assert_string_equal(obs_video_mode_title("online"), "онлайн-трансляция");
	assert_string_equal(obs_video_mode_title("record"), "запись");
	assert_string_equal(obs_video_mode_title("none"), "нет");
	assert_string_equal(obs_video_mode_title("tv"), "");
	assert_string_equal(obs_phase_title(OBS_PHASE_CHECKING), "проверка работ");
}

static void test_registry(void **state)
{
	(void)state;
	struct obs_person *p;
	size_t n;
	assert_int_equal(observer_list(db, &ALL, camp, &p, &n), 0);
	assert_int_equal(n, 4);
	/* By name. */
	assert_string_equal(p[0].code, "O1");
	assert_string_equal(p[1].code, "O2");
	assert_string_equal(p[3].code, "O4");
	assert_int_equal(p[0].nworks, 1);
	assert_int_equal(p[0].works_at[0], s1);
	assert_int_equal(p[0].nchildren, 0);
	assert_string_equal(p[0].municipality, "М1");
	assert_int_equal(p[1].nchildren, 1);
	assert_int_equal(p[1].children_at[0], s2);
	assert_int_equal(p[1].ndays, 2);
	assert_string_equal(p[1].days[0], "2021-04-13");
	assert_string_equal(p[1].days[1], "2021-04-14");
	assert_int_equal(p[2].max_per_day, 2);
	assert_int_equal(p[3].kind, OBS_SPECIALIST);
	assert_int_equal(p[3].municipality_id, 0);
	assert_string_equal(p[3].municipality, "");
	assert_int_equal(p[0].assigned, 0);
	free(p);

	/* Again under the same code: updated, its schools and days replaced. */
	struct obs_person q;
	assert_int_equal(observer_get(db, o2, &q), 0);
	assert_string_equal(q.name, "Петров Пётр");
	q.nchildren = 0;
	q.nworks = 1;
	q.works_at[0] = s3;
	q.ndays = 1;
	snprintf(q.days[0], PLAN_DATE_LEN, "2021-04-15");
	snprintf(q.name, sizeof q.name, "Петров Пётр Петрович");
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(observer_put(db, &q, "test"), 0);
	assert_int_equal(db_commit(db), 0);
	int64_t id;
	assert_int_equal(observer_find(db, "O2", &id), 0);
	assert_int_equal(id, o2);
	assert_int_equal(observer_get(db, o2, &q), 0);
	assert_string_equal(q.name, "Петров Пётр Петрович");
	assert_int_equal(q.nchildren, 0);
	assert_int_equal(q.nworks, 1);
	assert_int_equal(q.works_at[0], s3);
	assert_int_equal(q.ndays, 1);
	assert_string_equal(q.days[0], "2021-04-15");
	assert_int_equal(count("SELECT count(*) FROM observer"), 4);
	assert_int_equal(count("SELECT count(*) FROM observer_school"), 2);
	assert_int_equal(observer_find(db, "O9", &id), ERR_NOTFOUND);
	assert_int_equal(observer_get(db, 9999, &q), ERR_NOTFOUND);
	/* A bad kind or limit is refused. */
	q.max_per_day = 0;
	assert_int_equal(observer_put(db, &q, "test"), ERR_INVALID);

	/* Conflicts of interest for the optimiser. */
	struct obs_conflict *c;
	assert_int_equal(observer_conflicts(db, &ALL, &c, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(c[0].observer_id, o1);
	assert_int_equal(c[0].school_id, s1);
	assert_false(c[0].child);
	free(c);
}

static void test_scope(void **state)
{
	(void)state;
	struct scope mun1 = { SCOPE_MUNICIPALITY, m1 }, mun2 = { SCOPE_MUNICIPALITY, m2 },
		     region = { SCOPE_REGION, reg }, school3 = { SCOPE_SCHOOL, s3 },
		     none = { SCOPE_NONE, 0 };
	struct obs_person *p;
	struct obs_sitting *x;
	size_t n;
	assert_int_equal(observer_list(db, &mun1, 0, &p, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(p[0].code, "O1");
	assert_string_equal(p[1].code, "O2");
	free(p);
	assert_int_equal(observer_list(db, &mun2, 0, &p, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(p[0].code, "O3");
	free(p);
	/* The observer without a municipality: the region's. */
	assert_int_equal(observer_list(db, &region, 0, &p, &n), 0);
	assert_int_equal(n, 4);
	free(p);
	assert_int_equal(observer_list(db, &school3, 0, &p, &n), 0);
	assert_int_equal(n, 0);
	free(p);
	assert_true(observer_in_scope(db, &region, o4));
	assert_true(observer_in_scope(db, &ALL, o4));
	assert_false(observer_in_scope(db, &mun1, o4));
	assert_false(observer_in_scope(db, &mun1, o3));
	assert_true(observer_in_scope(db, &mun2, o3));
	assert_false(observer_in_scope(db, &school3, o3));

	assert_int_equal(observer_sittings(db, &ALL, camp, &x, &n), 0);
	assert_int_equal(n, 6); /* P2@s3 has no date */
	assert_null(find_sitting(x, n, p2, s3));
	/* Date, time, municipality, school order. */
	assert_int_equal(x[0].school_id, s1);
	assert_int_equal(x[2].school_id, s3);
	assert_int_equal(x[3].procedure_id, p3);
	assert_int_equal(x[5].procedure_id, p2);
	assert_string_equal(x[5].date, "2021-04-15");
	assert_string_equal(x[0].time, "09:00");
	assert_string_equal(x[0].procedure, "VPR-2021-MA-4");
	assert_string_equal(x[0].subject, "MA");
	assert_int_equal(x[0].grade, 4);
	assert_string_equal(x[0].school_login, "sch1");
	assert_string_equal(x[0].school_kind, "СОШ");
	assert_string_equal(x[0].municipality, "М1");
	assert_int_equal(x[0].municipality_id, m1);
	assert_false(x[0].priority); /* no run yet */
	assert_int_equal(x[0].observer_id, 0);
	free(x);
	assert_int_equal(observer_sittings(db, &mun1, camp, &x, &n), 0);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++)
		assert_true(x[i].school_id == s1 || x[i].school_id == s2);
	free(x);
	assert_int_equal(observer_sittings(db, &school3, camp, &x, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(x[0].school_id, s3);
	assert_int_equal(x[1].school_id, s3);
	free(x);
	assert_int_equal(observer_sittings(db, &none, camp, &x, &n), 0);
	assert_int_equal(n, 0);
	free(x);
}

static void test_check_pair(void **state)
{
	(void)state;
	char msg[512], note[256];
	assert_int_equal(observer_check_pair(db, o1, p1, s1, msg, sizeof msg), ERR_INVALID);
	assert_string_equal(msg, "работает в этой школе");
	assert_int_equal(observer_check_pair(db, o2, p1, s2, msg, sizeof msg), ERR_INVALID);
	assert_string_equal(msg, "ребёнок участвует в процедурах этой школы");
	/* Several rules at once: all named. */
	assert_int_equal(observer_check_pair(db, o2, p2, s2, msg, sizeof msg), ERR_INVALID);
	assert_string_equal(msg, "ребёнок участвует в процедурах этой школы; недоступен в этот день (15.04.2021)");
	assert_int_equal(observer_check_pair(db, o2, p2, s1, msg, sizeof msg), 0); /* the 14th */
	int64_t o5 = add_observer("O5", "Фёдоров", OBS_PUBLIC, m1, 1, 0, 0, "2021-04-14", NULL);
	assert_int_equal(observer_check_pair(db, o5, p1, s1, msg, sizeof msg), ERR_INVALID);
	assert_string_equal(msg, "недоступен в этот день (13.04.2021)");
	/* Legal pairs. */
	assert_int_equal(observer_check_pair(db, o2, p1, s1, msg, sizeof msg), 0);
	assert_string_equal(msg, "");
	assert_int_equal(observer_check_pair(db, o3, p2, s1, msg, sizeof msg), 0);
	/* One place at a time: O3 at s3 at 09:00 cannot be at s1 at 09:00. */
	assert_int_equal(observer_set(db, p1, s3, o3, "test", note, sizeof note, msg, sizeof msg), 0);
	assert_int_equal(observer_check_pair(db, o3, p1, s1, msg, sizeof msg), ERR_INVALID);
	assert_string_equal(msg, "в это время наблюдает в другой школе: Школа 3 (sch3), ВПР, математика, 4 класс");
	/* At 11:00 the same day it may (2 a day). */
	assert_int_equal(observer_check_pair(db, o3, p3, s3, msg, sizeof msg), 0);
	assert_int_equal(observer_set(db, p3, s3, o3, "test", note, sizeof note, msg, sizeof msg), 0);
	/* A third that day would break max_per_day (the slot rule aside: P2@s1 is on 14 April). */
	/* O1 (1 a day) at s2 at 09:00 on the 13th; then at s3 at 11:00 the same day is too many. */
	assert_int_equal(observer_set(db, p1, s2, o1, "test", note, sizeof note, msg, sizeof msg), 0);
	assert_int_equal(observer_set(db, p3, s3, 0, "test", note, sizeof note, msg, sizeof msg), 0);
	assert_int_equal(observer_check_pair(db, o1, p3, s3, msg, sizeof msg), ERR_INVALID);
	assert_string_equal(msg, "уже 1 наблюдение в этот день (не больше 1)");
	/* The sitting it already has is not counted against itself. */
	assert_int_equal(observer_check_pair(db, o1, p1, s2, msg, sizeof msg), 0);
	assert_int_equal(observer_set(db, p1, s3, o1, "test", note, sizeof note, msg, sizeof msg),
			 ERR_INVALID);
	assert_non_null(strstr(msg, "уже 1 наблюдение"));
	/* Unknown sitting, sitting without a date, unknown observer. */
	assert_int_equal(observer_check_pair(db, o4, p3, s1, msg, sizeof msg), ERR_NOTFOUND);
	assert_int_equal(observer_check_pair(db, o4, p2, s3, msg, sizeof msg), ERR_NOTFOUND);
	assert_non_null(strstr(msg, "дату"));
	assert_int_equal(observer_check_pair(db, 9999, p1, s1, msg, sizeof msg), ERR_NOTFOUND);
}

static void test_set(void **state)
{
	(void)state;
	char msg[512], note[256];
	bool manual;
	/* O3 (М2) at s1 (М1): allowed, noted. */
	assert_int_equal(observer_set(db, p1, s1, o3, "coord", note, sizeof note, msg, sizeof msg), 0);
	assert_string_equal(note, "из другого муниципалитета");
	assert_int_equal(observer_of(p1, s1, &manual), o3);
	assert_true(manual);
	struct obs_sitting *x;
	size_t n;
	assert_int_equal(observer_sittings(db, &ALL, camp, &x, &n), 0);
	const struct obs_sitting *t = find_sitting(x, n, p1, s1);
	assert_string_equal(t->note, "из другого муниципалитета");
	assert_string_equal(t->observer_code, "O3");
	assert_string_equal(t->observer_name, "Сидорова Мария");
	free(x);
	/* O1 observed s2 on the 13th; on the 15th again: the school of last time. */
	assert_int_equal(observer_set(db, p1, s2, o1, "coord", note, sizeof note, msg, sizeof msg), 0);
	assert_string_equal(note, "");
	assert_int_equal(observer_set(db, p2, s2, o1, "coord", note, sizeof note, msg, sizeof msg), 0);
	assert_string_equal(note, "наблюдал эту школу в прошлый раз");
	/* O4 (no municipality) at s2 after O1: only the municipality. */
	assert_int_equal(observer_set(db, p2, s2, o4, "coord", note, sizeof note, msg, sizeof msg), 0);
	assert_string_equal(note, "из другого муниципалитета");
	/* Both preferences. */
	assert_int_equal(observer_set(db, p1, s2, o4, "coord", note, sizeof note, msg, sizeof msg), 0);
	assert_int_equal(observer_set(db, p2, s2, o4, "coord", note, sizeof note, msg, sizeof msg), 0);
	assert_string_equal(note, "из другого муниципалитета; наблюдал эту школу в прошлый раз");
	/* A hard rule refused: nothing changes. */
	assert_int_equal(observer_set(db, p2, s2, o2, "coord", note, sizeof note, msg, sizeof msg),
			 ERR_INVALID);
	assert_non_null(strstr(msg, "ребёнок участвует"));
	assert_int_equal(observer_of(p2, s2, NULL), o4);
	/* Removing. */
	assert_int_equal(observer_set(db, p2, s2, 0, "coord", note, sizeof note, msg, sizeof msg), 0);
	assert_int_equal(observer_of(p2, s2, NULL), 0);
	assert_int_equal(observer_set(db, p2, s3, o4, "coord", note, sizeof note, msg, sizeof msg),
			 ERR_NOTFOUND);
	/* The observer's own list and the campaign's counts. */
	assert_int_equal(observer_sittings_of(db, o4, &x, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(x[0].school_id, s2);
	assert_int_equal(x[0].observer_id, o4);
	free(x);
	assert_true(observer_assigned_to(db, o4, p1, s2));
	assert_false(observer_assigned_to(db, o4, p2, s2));
	struct obs_person *p;
	assert_int_equal(observer_list(db, &ALL, camp, &p, &n), 0);
	assert_int_equal(p[2].assigned, 1); /* O3 */
	assert_int_equal(p[3].assigned, 1); /* O4 */
	assert_int_equal(p[0].assigned, 0);
	free(p);
}

static void test_assign_store(void **state)
{
	(void)state;
	char msg[512], note[256];
	bool manual;
	assert_int_equal(observer_set(db, p1, s3, o3, "coord", note, sizeof note, msg, sizeof msg), 0);
	struct obs_assignment a[] = {
		{ p1, s1, o4 },
		{ p1, s3, o1 }, /* kept by hand: not replaced */
		{ p2, s1, o3 },
		{ p2, s3, o3 }, /* no date: no sitting */
	};
	assert_int_equal(observer_assign_store(db, &ALL, camp, a, 4, 42, "coord"), 0);
	assert_int_equal(observer_of(p1, s1, &manual), o4);
	assert_false(manual);
	assert_int_equal(observer_of(p1, s3, &manual), o3);
	assert_true(manual);
	assert_int_equal(observer_of(p2, s1, NULL), o3);
	assert_int_equal(count("SELECT count(*) FROM observation"), 3);
	bool reveal;
	char at[32];
	assert_int_equal(observer_campaign_get(db, camp, &reveal, at, sizeof at), 0);
	assert_false(reveal);
	assert_string_equal(at, "2021-04-01T08:00:00Z");
	assert_int_equal(count("SELECT seed FROM observe_campaign"), 42);
	/* A municipality's store touches only its sittings. */
	struct scope mun2 = { SCOPE_MUNICIPALITY, m2 }, mun1 = { SCOPE_MUNICIPALITY, m1 };
	assert_int_equal(observer_assign_store(db, &mun2, camp, NULL, 0, 7, "mun"), 0);
	assert_int_equal(observer_of(p1, s1, NULL), o4);
	/* Another answer replaces the automatic rows, keeps the manual one; a sitting outside
	 * the scope is not stored. */
	struct obs_assignment b[] = { { p1, s2, o4 }, { p3, s3, o3 } };
	assert_int_equal(observer_assign_store(db, &mun1, camp, b, 2, 8, "mun"), 0);
	assert_int_equal(observer_of(p1, s1, NULL), 0);
	assert_int_equal(observer_of(p2, s1, NULL), 0);
	assert_int_equal(observer_of(p1, s2, NULL), o4);
	assert_int_equal(observer_of(p3, s3, NULL), 0);
	assert_int_equal(observer_of(p1, s3, NULL), o3);
	assert_int_equal(count("SELECT count(*) FROM observation WHERE how = 'manual'"), 1);
	/* Reveal setting. */
	assert_int_equal(observer_campaign_set_reveal(db, camp, true), 0);
	assert_int_equal(observer_campaign_get(db, camp, &reveal, at, sizeof at), 0);
	assert_true(reveal);
	assert_int_equal(observer_campaign_get(db, 9999, &reveal, at, sizeof at), ERR_NOTFOUND);
}

static void test_previous(void **state)
{
	(void)state;
	struct obs_assignment a[] = { { p1, s1, o4 }, { p1, s2, o1 }, { p2, s1, o3 } };
	assert_int_equal(observer_assign_store(db, &ALL, camp, a, 3, 1, "coord"), 0);
	struct obs_conflict *c;
	size_t n;
	assert_int_equal(observer_previous(db, "2021-04-13", &c, &n), 0);
	assert_int_equal(n, 0);
	free(c);
	assert_int_equal(observer_previous(db, "2021-04-14", &c, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(c[0].observer_id, o1);
	assert_int_equal(c[0].school_id, s2);
	assert_int_equal(c[1].observer_id, o4);
	assert_int_equal(c[1].school_id, s1);
	free(c);
	/* s1's latest observed sitting before the 20th is the 14th's (O3). */
	assert_int_equal(observer_previous(db, "2021-04-20", &c, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(c[0].observer_id, o1);
	assert_int_equal(c[1].observer_id, o3);
	assert_int_equal(c[1].school_id, s1);
	free(c);
}

static struct obs_act act_of(int64_t proc, int64_t school, int64_t observer)
{
	struct obs_act a;
	memset(&a, 0, sizeof a);
	a.procedure_id = proc;
	a.school_id = school;
	a.observer_id = observer;
	snprintf(a.started, sizeof a.started, "08:30");
	snprintf(a.ended, sizeof a.ended, "10:00");
	a.stages = OBS_STAGE_PREPARE | OBS_STAGE_ROOM;
	a.no_violations = true;
	return a;
}

static void test_acts(void **state)
{
	(void)state;
	char msg[512], note[256];
	int64_t id = 0, id2 = 0;
	struct obs_act a = act_of(p1, s3, o3);
	assert_int_equal(observer_act_put(db, &a, "o3", &id, msg, sizeof msg), ERR_INVALID);
	assert_string_equal(msg, "наблюдатель не назначен на это проведение");
	assert_int_equal(observer_set(db, p1, s3, o3, "coord", note, sizeof note, msg, sizeof msg), 0);
	a = act_of(p1, s3, o3);
	snprintf(a.ended, sizeof a.ended, "08:00");
	assert_int_equal(observer_act_put(db, &a, "o3", &id, msg, sizeof msg), ERR_INVALID);
	assert_non_null(strstr(msg, "раньше"));
	a = act_of(p1, s3, o3);
	snprintf(a.started, sizeof a.started, "8:30");
	assert_int_equal(observer_act_put(db, &a, "o3", &id, msg, sizeof msg), ERR_INVALID);
	a = act_of(p1, s3, o3);
	a.no_violations = false;
	assert_int_equal(observer_act_put(db, &a, "o3", &id, msg, sizeof msg), ERR_INVALID);
	assert_non_null(strstr(msg, "нарушений не выявлено"));
	a.nviolations = 1;
	a.violations[0] = 9999;
	assert_int_equal(observer_act_put(db, &a, "o3", &id, msg, sizeof msg), ERR_INVALID);
	assert_non_null(strstr(msg, "неизвестный вид нарушения"));
	a.violations[0] = 1;
	a.no_violations = true;
	assert_int_equal(observer_act_put(db, &a, "o3", &id, msg, sizeof msg), ERR_INVALID);
	a = act_of(p1, s3, o3);
	a.stages = 32;
	assert_int_equal(observer_act_put(db, &a, "o3", &id, msg, sizeof msg), ERR_INVALID);
	a.stages = 0; /* no stage observed: not an act */
	assert_int_equal(observer_act_put(db, &a, "o3", &id, msg, sizeof msg), ERR_INVALID);
	assert_string_equal(msg, "отметьте этапы, при которых вы присутствовали (хотя бы один)");
	a = act_of(p2, s3, o3); /* no such sitting (no date) */
	assert_int_equal(observer_act_put(db, &a, "o3", &id, msg, sizeof msg), ERR_NOTFOUND);
	assert_int_equal(count("SELECT count(*) FROM act"), 0);

	/* Stored, with violations and a browser key. */
	a = act_of(p1, s3, o3);
	a.no_violations = false;
	a.nviolations = 2;
	a.violations[0] = 3;
	a.violations[1] = 1;
	snprintf(a.comment, sizeof a.comment, "телефоны у двух участников");
	snprintf(a.client_key, sizeof a.client_key, "k-1");
	assert_int_equal(observer_act_put(db, &a, "o3", &id, msg, sizeof msg), 0);
	assert_true(id > 0);
	struct obs_act g;
	assert_int_equal(observer_act_get(db, id, &g), 0);
	assert_int_equal(g.nviolations, 2);
	assert_int_equal(g.violations[0], 1);
	assert_int_equal(g.violations[1], 3);
	assert_false(g.no_violations);
	assert_string_equal(g.date, "2021-04-13");
	assert_string_equal(g.started, "08:30");
	assert_string_equal(g.comment, "телефоны у двух участников");
	assert_string_equal(g.client_key, "k-1");
	assert_string_equal(g.submitted_by, "o3");
	assert_string_equal(g.submitted_at, "2021-04-01T08:00:00Z");
	assert_string_equal(g.school_login, "sch3");
	assert_string_equal(g.observer_code, "O3");
	assert_string_equal(g.procedure, "VPR-2021-MA-4");
	assert_int_equal(g.grade, 4);
	assert_int_equal(g.stages, OBS_STAGE_PREPARE | OBS_STAGE_ROOM);
	assert_false(g.paper);
	/* Sent again (the browser's retry, even with other content): nothing stored. */
	a.stages = OBS_STAGE_CHECK;
	assert_int_equal(observer_act_put(db, &a, "o3", &id2, msg, sizeof msg), 0);
	assert_int_equal(id2, id);
	assert_int_equal(observer_act_get(db, id, &g), 0);
	assert_int_equal(g.stages, OBS_STAGE_PREPARE | OBS_STAGE_ROOM);
	assert_int_equal(count("SELECT count(*) FROM act"), 1);
	/* The observer's correction: the same act, violations replaced, the first key kept. */
	struct obs_act b = act_of(p1, s3, o3);
	b.paper = true;
	assert_int_equal(observer_act_put(db, &b, "coord", &id2, msg, sizeof msg), 0);
	assert_int_equal(id2, id);
	assert_int_equal(observer_act_get(db, id, &g), 0);
	assert_int_equal(g.nviolations, 0);
	assert_true(g.no_violations);
	assert_true(g.paper);
	assert_string_equal(g.client_key, "k-1");
	assert_int_equal(count("SELECT count(*) FROM act_violation"), 0);
	/* Another observer's act cannot reuse the key. */
	assert_int_equal(observer_set(db, p1, s1, o4, "coord", note, sizeof note, msg, sizeof msg), 0);
	b = act_of(p1, s1, o4);
	snprintf(b.client_key, sizeof b.client_key, "k-1");
	assert_int_equal(observer_act_put(db, &b, "o4", &id2, msg, sizeof msg), ERR_INVALID);
	snprintf(b.client_key, sizeof b.client_key, "k-2");
	b.no_violations = false;
	b.nviolations = 1;
	b.violations[0] = 2;
	assert_int_equal(observer_act_put(db, &b, "o4", &id2, msg, sizeof msg), 0);
	assert_true(id2 != id);
	/* Lists by scope; the sittings show the act. */
	struct obs_act *l;
	size_t n;
	assert_int_equal(observer_acts(db, &ALL, camp, &l, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(l[0].school_id, s1);
	assert_int_equal(l[0].nviolations, 1);
	assert_int_equal(l[1].school_id, s3);
	free(l);
	struct scope mun2 = { SCOPE_MUNICIPALITY, m2 };
	assert_int_equal(observer_acts(db, &mun2, 0, &l, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(l[0].id, id);
	free(l);
	struct obs_sitting *x;
	assert_int_equal(observer_sittings(db, &ALL, camp, &x, &n), 0);
	const struct obs_sitting *t = find_sitting(x, n, p1, s1);
	assert_int_equal(t->act_id, id2);
	assert_true(t->violations);
	t = find_sitting(x, n, p1, s3);
	assert_int_equal(t->act_id, id);
	assert_false(t->violations);
	assert_int_equal(find_sitting(x, n, p1, s2)->act_id, 0);
	free(x);
	/* One person in one place at a time: O3's act at s3 for P1 runs 08:30–10:00, so an act
	 * of the same day for P3 from 09:30 is refused, naming the other; from 10:00 it is not. */
	assert_int_equal(observer_set(db, p3, s3, o3, "coord", note, sizeof note, msg, sizeof msg), 0);
	b = act_of(p3, s3, o3);
	snprintf(b.started, sizeof b.started, "09:30");
	snprintf(b.ended, sizeof b.ended, "11:30");
	assert_int_equal(observer_act_put(db, &b, "o3", &id2, msg, sizeof msg), ERR_INVALID);
	assert_non_null(strstr(msg, "13.04.2021 с 08:30 до 10:00 наблюдатель был в школе"));
	assert_true(strstr(msg, "проверьте время и школу") != NULL);
	/* A caller's short room cuts the reason at a letter, never inside one. */
	char small[101];
	for (size_t room = 60; room <= sizeof small; room++) {
		assert_int_equal(observer_act_put(db, &b, "o3", &id2, small, room), ERR_INVALID);
		assert_true(utf8_valid(small, strlen(small)));
	}
	assert_int_equal(count("SELECT count(*) FROM act"), 2);
	snprintf(b.started, sizeof b.started, "10:00");
	assert_int_equal(observer_act_put(db, &b, "o3", &id2, msg, sizeof msg), 0);
	assert_int_equal(count("SELECT count(*) FROM act"), 3);
}

static void test_video(void **state)
{
	(void)state;
	char msg[512];
	struct obs_video v, g;
	memset(&v, 0, sizeof v);
	v.procedure_id = p1;
	v.school_id = s1;
	v.phase = OBS_PHASE_SITTING;
	snprintf(v.mode, sizeof v.mode, "record");
	snprintf(v.kept_until, sizeof v.kept_until, "2021-07-01");
	snprintf(v.kept_where, sizeof v.kept_where, "сервер школы");
	v.outage_minutes = 5;
	snprintf(v.problems, sizeof v.problems, "камера в кабинете 12 отключалась");
	assert_int_equal(observer_video_get(db, p1, s1, OBS_PHASE_SITTING, &g), ERR_NOTFOUND);
	assert_int_equal(observer_video_put(db, &v, "sch1", msg, sizeof msg), 0);
	assert_int_equal(observer_video_get(db, p1, s1, OBS_PHASE_SITTING, &g), 0);
	assert_string_equal(g.mode, "record");
	assert_string_equal(g.kept_until, "2021-07-01");
	assert_string_equal(g.kept_where, "сервер школы");
	assert_int_equal(g.outage_minutes, 5);
	assert_string_equal(g.problems, "камера в кабинете 12 отключалась");
	assert_string_equal(g.recorded_by, "sch1");
	assert_string_equal(g.recorded_at, "2021-04-01T08:00:00Z");
	assert_int_equal(observer_video_get(db, p1, s1, OBS_PHASE_CHECKING, &g), ERR_NOTFOUND);
	/* Replaced; not kept: no date. */
	snprintf(v.mode, sizeof v.mode, "online");
	v.kept_until[0] = '\0';
	v.outage_minutes = 0;
	assert_int_equal(observer_video_put(db, &v, "sch1", msg, sizeof msg), 0);
	assert_int_equal(observer_video_get(db, p1, s1, OBS_PHASE_SITTING, &g), 0);
	assert_string_equal(g.mode, "online");
	assert_string_equal(g.kept_until, "");
	assert_int_equal(count("SELECT count(*) FROM video WHERE kept_until IS NULL"), 1);
	/* Bad input. */
	struct obs_video b = v;
	snprintf(b.mode, sizeof b.mode, "tv");
	assert_int_equal(observer_video_put(db, &b, "sch1", msg, sizeof msg), ERR_INVALID);
	b = v;
	snprintf(b.kept_until, sizeof b.kept_until, "2021-02-30");
	assert_int_equal(observer_video_put(db, &b, "sch1", msg, sizeof msg), ERR_INVALID);
	b = v;
	b.outage_minutes = -1;
	assert_int_equal(observer_video_put(db, &b, "sch1", msg, sizeof msg), ERR_INVALID);
	b = v;
	b.school_id = s3;
	b.procedure_id = p2; /* no date */
	assert_int_equal(observer_video_put(db, &b, "sch3", msg, sizeof msg), ERR_NOTFOUND);
	b.procedure_id = 9999;
	assert_int_equal(observer_video_put(db, &b, "sch3", msg, sizeof msg), ERR_NOTFOUND);
	assert_int_equal(count("SELECT count(*) FROM video"), 1);
	/* The sittings show it. */
	struct obs_sitting *x;
	size_t n;
	assert_int_equal(observer_sittings(db, &ALL, camp, &x, &n), 0);
	assert_string_equal(find_sitting(x, n, p1, s1)->video_sitting, "online");
	assert_string_equal(find_sitting(x, n, p1, s1)->video_checking, "");
	free(x);
}

/* A run: s3 on oko's list, s1 with an official sign only, s2 neither. */
static void store_run(void)
{
	struct run_writer *w;
	assert_int_equal(run_begin(db, "{}", NULL, &w), 0);
	struct run_school_row r3 = { .school_id = s3, .rank = 1, .works = 20, .risk = 5, .listed = true },
			      r2 = { .school_id = s2, .rank = 2, .works = 20, .risk = 0.1 };
	assert_int_equal(run_add_school(w, &r3), 0);
	assert_int_equal(run_add_school(w, &r2), 0);
	struct run_sign_row sg = { .school_id = s1, .procedure_id = p1, .sign = "mean_inflated",
				   .kind = "official", .value = 1, .threshold = 0.5, .n = 20 };
	assert_int_equal(run_add_sign(w, &sg), 0);
	struct run_totals t = { .procedures = 1, .schools = 3, .flagged = 1, .listed = 1 };
	assert_int_equal(run_finish(w, &t), 0);
}

static void test_coverage(void **state)
{
	(void)state;
	char msg[512], note[256];
	int64_t id;
	store_run();
	struct obs_assignment a[] = { { p1, s1, o4 } };
	assert_int_equal(observer_assign_store(db, &ALL, camp, a, 1, 1, "coord"), 0);
	assert_int_equal(observer_set(db, p1, s3, o3, "coord", note, sizeof note, msg, sizeof msg), 0);
	assert_int_equal(observer_set(db, p2, s2, o1, "coord", note, sizeof note, msg, sizeof msg), 0);
	struct obs_act x1 = act_of(p1, s3, o3), x2 = act_of(p1, s1, o4);
	x1.no_violations = false;
	x1.nviolations = 1;
	x1.violations[0] = 4;
	assert_int_equal(observer_act_put(db, &x1, "o3", &id, msg, sizeof msg), 0);
	assert_int_equal(observer_act_put(db, &x2, "o4", &id, msg, sizeof msg), 0);
	struct obs_video v = { .procedure_id = p1, .school_id = s1, .phase = OBS_PHASE_SITTING,
			       .mode = "record" };
	assert_int_equal(observer_video_put(db, &v, "sch1", msg, sizeof msg), 0);
	v.phase = OBS_PHASE_CHECKING;
	snprintf(v.mode, sizeof v.mode, "none");
	v.outage_minutes = 10;
	assert_int_equal(observer_video_put(db, &v, "sch1", msg, sizeof msg), 0);

	struct obs_sitting *s;
	size_t n;
	assert_int_equal(observer_sittings(db, &ALL, camp, &s, &n), 0);
	assert_true(find_sitting(s, n, p1, s1)->priority);
	assert_true(find_sitting(s, n, p2, s1)->priority);
	assert_false(find_sitting(s, n, p1, s2)->priority);
	assert_true(find_sitting(s, n, p3, s3)->priority);
	free(s);

	struct obs_coverage *c, t;
	assert_int_equal(observer_coverage(db, &ALL, camp, OBS_BY_MUNICIPALITY, &c, &n, &t), 0);
	assert_int_equal(n, 2);
	assert_string_equal(c[0].group, "М1");
	assert_int_equal(c[0].sittings, 4);
	assert_int_equal(c[0].observed, 2);
	assert_int_equal(c[0].priority, 2);
	assert_int_equal(c[0].priority_observed, 1);
	assert_int_equal(c[0].acts, 1);
	assert_int_equal(c[0].acts_violations, 0);
	assert_int_equal(c[0].video_sitting, 1);
	assert_int_equal(c[0].video_checking, 0);
	assert_int_equal(c[0].video_problems, 1);
	assert_string_equal(c[1].group, "М2");
	assert_int_equal(c[1].sittings, 2);
	assert_int_equal(c[1].observed, 1);
	assert_int_equal(c[1].priority, 2);
	assert_int_equal(c[1].priority_observed, 1);
	assert_int_equal(c[1].acts, 1);
	assert_int_equal(c[1].acts_violations, 1);
	assert_int_equal(c[1].video_sitting, 0);
	assert_string_equal(t.group, "Итого");
	assert_int_equal(t.sittings, 6);
	assert_int_equal(t.observed, 3);
	assert_int_equal(t.priority, 4);
	assert_int_equal(t.priority_observed, 2);
	assert_int_equal(t.acts, 2);
	assert_int_equal(t.acts_violations, 1);
	assert_int_equal(t.video_sitting, 1);
	assert_int_equal(t.video_problems, 1);
	free(c);
	assert_int_equal(observer_coverage(db, &ALL, camp, OBS_BY_RISK, &c, &n, &t), 0);
	assert_int_equal(n, 2);
	assert_string_equal(c[0].group, "в зоне риска");
	assert_int_equal(c[0].sittings, 4);
	assert_int_equal(c[0].observed, 2);
	assert_int_equal(c[0].priority_observed, 2);
	assert_string_equal(c[1].group, "вне зоны риска");
	assert_int_equal(c[1].sittings, 2);
	assert_int_equal(c[1].observed, 1);
	assert_int_equal(c[1].priority, 0);
	free(c);
	assert_int_equal(observer_coverage(db, &ALL, camp, OBS_BY_KIND, &c, &n, &t), 0);
	assert_int_equal(n, 2);
	assert_string_equal(c[0].group, "СОШ");
	assert_int_equal(c[0].sittings, 4);
	assert_int_equal(c[0].observed, 2);
	assert_string_equal(c[1].group, "лицей");
	assert_int_equal(c[1].sittings, 2);
	assert_int_equal(c[1].observed, 1);
	free(c);
	struct scope mun1 = { SCOPE_MUNICIPALITY, m1 };
	assert_int_equal(observer_coverage(db, &mun1, camp, OBS_BY_MUNICIPALITY, &c, &n, &t), 0);
	assert_int_equal(n, 1);
	assert_int_equal(t.sittings, 4);
	free(c);
	/* The totals alone (the home's tile): the same figures, the video ones left 0, in
	 * every scope. */
	const struct scope *scopes[] = { &ALL, &mun1, &(struct scope){ SCOPE_SCHOOL, s3 } };
	for (size_t k = 0; k < sizeof scopes / sizeof *scopes; k++) {
		struct obs_coverage tt;
		assert_int_equal(observer_coverage(db, scopes[k], camp, OBS_BY_RISK, &c, &n, &t), 0);
		free(c);
		assert_int_equal(observer_coverage_totals(db, scopes[k], camp, &tt), 0);
		assert_string_equal(tt.group, "Итого");
		assert_int_equal(tt.sittings, t.sittings);
		assert_int_equal(tt.observed, t.observed);
		assert_int_equal(tt.priority, t.priority);
		assert_int_equal(tt.priority_observed, t.priority_observed);
		assert_int_equal(tt.acts, t.acts);
		assert_int_equal(tt.acts_violations, t.acts_violations);
		assert_int_equal(tt.video_sitting + tt.video_checking + tt.video_problems, 0);
		assert_true(k || (tt.sittings == 6 && tt.priority_observed == 2 && tt.acts_violations == 1));
	}
	struct obs_coverage none;
	assert_int_equal(observer_coverage_totals(db, &ALL, camp + 1000, &none), 0);
	assert_int_equal(none.sittings + none.acts, 0);

	struct obs_violation_count *vc;
	assert_int_equal(observer_violation_counts(db, &ALL, camp, &vc, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(vc[0].school_login, "sch3");
	assert_string_equal(vc[0].municipality, "М2");
	assert_int_equal(vc[0].acts, 1);
	assert_non_null(strstr(vc[0].violation, "телефоны"));
	free(vc);
	assert_int_equal(observer_violation_counts(db, &mun1, camp, &vc, &n), 0);
	assert_int_equal(n, 0);
	free(vc);
}

static void test_violation_kinds(void **state)
{
	(void)state;
	struct obs_violation_kind *k;
	size_t n;
	int64_t id, id2;
	assert_int_equal(observer_violation_kinds(db, true, &k, &n), 0);
	assert_int_equal(n, 10);
	free(k);
	assert_int_equal(observer_violation_kind_add(db, "Шум в аудитории", &id), 0);
	assert_int_equal(observer_violation_kind_add(db, "  шум в  АУДИТОРИИ ", &id2), ERR_EXISTS);
	assert_int_equal(id2, id);
	assert_int_equal(observer_violation_kind_add(db, "   ", &id2), ERR_INVALID);
	assert_int_equal(observer_violation_kind_find(db, "ШУМ В АУДИТОРИИ", &id2), 0);
	assert_int_equal(id2, id);
	assert_int_equal(observer_violation_kind_find(db, "другое", &id2), ERR_NOTFOUND);
	assert_int_equal(observer_violation_kind_set(db, id, NULL, false), 0);
	assert_int_equal(observer_violation_kinds(db, true, &k, &n), 0);
	assert_int_equal(n, 10);
	free(k);
	assert_int_equal(observer_violation_kinds(db, false, &k, &n), 0);
	assert_int_equal(n, 11);
	assert_string_equal(k[10].title, "Шум в аудитории");
	assert_false(k[10].active);
	free(k);
	assert_int_equal(observer_violation_kind_set(db, id, "Посторонний шум", true), 0);
	assert_int_equal(observer_violation_kind_find(db, "посторонний шум", &id2), 0);
	assert_int_equal(id2, id);
	assert_int_equal(observer_violation_kind_set(db, id, "не проведён инструктаж участников", true),
			 ERR_EXISTS);
	assert_int_equal(observer_violation_kind_set(db, 9999, "Что-то", true), ERR_NOTFOUND);
}

static void test_link_user(void **state)
{
	(void)state;
	char msg[512];
	struct user u, v;
	assert_int_equal(user_add(db, "nab1", "Сидорова Мария", ROLE_OBSERVER, NULL, "Qz7-mfk2-Lp9x",
				  msg, sizeof msg), 0);
	assert_int_equal(user_find(db, "nab1", &u), 0);
	assert_int_equal(user_add(db, "sch1user", "Школа", ROLE_SCHOOL, "sch1", "Qz7-mfk2-Lp9y", msg,
				  sizeof msg), 0);
	assert_int_equal(user_find(db, "sch1user", &v), 0);
	int64_t id = 0;
	assert_int_equal(observer_of_user(db, u.id, &id), ERR_NOTFOUND);
	assert_int_equal(observer_link_user(db, o3, u.id, msg, sizeof msg), 0);
	assert_int_equal(observer_of_user(db, u.id, &id), 0);
	assert_int_equal(id, o3);
	assert_int_equal(observer_link_user(db, o3, u.id, msg, sizeof msg), 0); /* again: fine */
	assert_int_equal(observer_link_user(db, o1, u.id, msg, sizeof msg), ERR_INVALID);
	/* the other observer is not named: it may be another municipality's */
	assert_non_null(strstr(msg, "уже связан с другим наблюдателем"));
	assert_null(strstr(msg, "Сидорова"));
	assert_int_equal(observer_link_user(db, o1, v.id, msg, sizeof msg), ERR_INVALID);
	assert_non_null(strstr(msg, "не наблюдатель"));
	assert_int_equal(observer_link_user(db, 9999, u.id, msg, sizeof msg), ERR_NOTFOUND);
	struct obs_person p;
	assert_int_equal(observer_get(db, o3, &p), 0);
	assert_string_equal(p.login, "nab1");
}

/* ---- the automatic assignment, end to end ---- */

static void test_assign_observers(void **state)
{
	(void)state;
	struct obs_assign_report r;
	char msg[512], note[256];
	store_run();
	/* Dry run: computed, nothing stored. */
	assert_int_equal(assign_observers(db, &ALL, camp, 5, true, "coord", &r, msg, sizeof msg), 0);
	assert_int_equal(count("SELECT count(*) FROM observation"), 0);
	assert_int_equal(count("SELECT count(*) FROM observe_campaign"), 0);
	assert_int_equal(r.sittings, 6);
	assert_int_equal(r.priority, 4);
	assert_int_equal(r.observers, 4);
	/* Six sittings over three slots of the 13th (09:00 ×3, 11:00) and one each on the 14th
	 * and 15th; four observers: 09:00 needs three of them (O1 not at s1, O2 not at s2), the
	 * 11:00 at s3 one with a second place that day (O3) or one not used at 09:00. */
	assert_int_equal(r.covered, 6);
	assert_int_equal(r.priority_covered, 4);
	assert_true(r.seconds >= 0);

	assert_int_equal(assign_observers(db, &ALL, camp, 5, false, "coord", &r, msg, sizeof msg), 0);
	assert_int_equal(count("SELECT count(*) FROM observation WHERE how = 'auto'"), 6);
	assert_int_equal(count("SELECT seed FROM observe_campaign"), 5);
	/* No conflict of interest, no availability or slot or per-day breach: every stored pair
	 * passes the hard rules when checked on its own (removed and checked again). */
	struct obs_sitting *x;
	size_t n;
	assert_int_equal(observer_sittings(db, &ALL, camp, &x, &n), 0);
	assert_int_equal(n, 6);
	for (size_t i = 0; i < n; i++) {
		assert_true(x[i].observer_id > 0);
		assert_false(x[i].observer_id == o1 && x[i].school_id == s1);
		assert_false(x[i].observer_id == o2 && x[i].school_id == s2);
		assert_false(x[i].observer_id == o2 && !strcmp(x[i].date, "2021-04-15"));
		assert_int_equal(observer_check_pair(db, x[i].observer_id, x[i].procedure_id,
						     x[i].school_id, msg, sizeof msg), 0);
	}
	free(x);
	/* A manual choice is kept by the next run. */
	assert_int_equal(observer_set(db, p2, s2, o4, "coord", note, sizeof note, msg, sizeof msg), 0);
	assert_int_equal(assign_observers(db, &ALL, camp, 6, false, "coord", &r, msg, sizeof msg), 0);
	assert_int_equal(r.manual, 1);
	bool manual;
	assert_int_equal(observer_of(p2, s2, &manual), o4);
	assert_true(manual);
	assert_int_equal(r.covered, 6);
	/* A municipality assigns its own sittings with its own observers (the automatic rows
	 * cleared first, so that O3 holds no place elsewhere). */
	assert_int_equal(observer_assign_store(db, &ALL, camp, NULL, 0, 0, "coord"), 0);
	struct scope mun2 = { SCOPE_MUNICIPALITY, m2 };
	assert_int_equal(assign_observers(db, &mun2, camp, 7, false, "mun", &r, msg, sizeof msg), 0);
	assert_int_equal(r.sittings, 2);
	assert_int_equal(r.observers, 1);
	/* O3 alone: 09:00 and 11:00 at s3, two a day. */
	assert_int_equal(r.covered, 2);
	assert_int_equal(observer_of(p1, s3, NULL), o3);
	assert_int_equal(observer_of(p3, s3, NULL), o3);
	/* Nothing to assign. */
	int64_t empty;
	bool created;
	assert_int_equal(plan_campaign_put(db, "Пустая", &empty, &created), 0);
	assert_int_equal(assign_observers(db, &ALL, empty, 1, false, "coord", &r, msg, sizeof msg),
			 ERR_INVALID);
	assert_true(msg[0] != '\0');
	assert_int_equal(assign_observers(db, &ALL, 9999, 1, false, "coord", &r, msg, sizeof msg),
			 ERR_NOTFOUND);
}

/* Enough observers for every sitting and a conflict for each school: everything covered,
 * never a conflict school. */
static void test_assign_many(void **state)
{
	(void)state;
	char code[16], name[48];
	for (int i = 0; i < 12; i++) {
		snprintf(code, sizeof code, "N%d", i);
		snprintf(name, sizeof name, "Наблюдатель %02d", i);
		int64_t works = i % 3 == 0 ? s1 : i % 3 == 1 ? s2 : s3;
		assert_true(add_observer(code, name, OBS_PUBLIC, i % 2 ? m1 : m2, 1, works, s3, NULL, NULL) > 0);
	}
	struct obs_assign_report r;
	char msg[512];
	assert_int_equal(assign_observers(db, &ALL, camp, 11, false, "coord", &r, msg, sizeof msg), 0);
	assert_int_equal(r.sittings, 6);
	assert_int_equal(r.covered, 6);
	assert_int_equal(r.observers, 16);
	/* s3's sittings (09:00, 11:00) can only have O1..O4 (every N has a child there); the
	 * own municipality (level 4) comes before the load (level 5): O3, the only one of М2,
	 * takes both, the four others of М1 go to М1's observers, one each. */
	assert_int_equal(r.same_municipality, 6);
	assert_int_equal(r.observers_used, 5);
	assert_int_equal(r.max_load, 2);
	assert_int_equal(r.load_squares, 8);
	assert_int_equal(r.repeats, 0);
	assert_int_equal(observer_of(p1, s3, NULL), o3);
	assert_int_equal(observer_of(p3, s3, NULL), o3);
	struct obs_conflict *c;
	struct obs_sitting *x;
	size_t nc, n;
	assert_int_equal(observer_conflicts(db, &ALL, &c, &nc), 0);
	assert_int_equal(observer_sittings(db, &ALL, camp, &x, &n), 0);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < nc; k++)
			assert_false(c[k].observer_id == x[i].observer_id && c[k].school_id == x[i].school_id);
	free(c);
	free(x);
}

/* An observer busy in another campaign at the same hour is busy for this one: campaign B
 * holds O at 20.04 09:00 in sch1; campaign C has a sitting at that hour in a school of
 * O's own municipality, where O would be the first choice (level 4) — the run gives it to
 * someone else. */
static void test_busy_elsewhere(void **state)
{
	(void)state;
	struct school d4 = { .login = "sch4", .name = "Школа 4", .municipality = "М3", .region = "Р",
			     .kind = "СОШ" };
	int64_t s4, m3, b, c, p4, p5;
	bool created;
	char msg[256];
	long added;
	assert_int_equal(registry_school_put(db, &d4, &s4), 0);
	assert_int_equal(registry_municipality_id(db, reg, "М3", &m3), 0);
	p4 = add_procedure("VPR-2021-BI-5");
	p5 = add_procedure("VPR-2021-GG-6");
	static const struct plan_dates dates = { { "2021-03-10", "2021-03-15", "2021-05-21", "2021-03-15",
						   "2021-03-15", "2021-05-25" } };
	assert_int_equal(plan_campaign_put(db, "Кампания B", &b, &created), 0);
	assert_int_equal(plan_campaign_put(db, "Кампания C", &c, &created), 0);
	assert_int_equal(plan_procedure_put(db, b, p4, &dates, msg, sizeof msg), 0);
	assert_int_equal(plan_procedure_put(db, c, p5, &dates, msg, sizeof msg), 0);
	assert_int_equal(plan_assign(db, &ALL, b, p4, s1, 0, "test", &added), 0);
	assert_int_equal(plan_assign(db, &ALL, c, p5, s4, 0, "test", &added), 0);
	assert_int_equal(fix(p4, s1, "2021-04-20", "09:00"), 0);
	assert_int_equal(fix(p5, s4, "2021-04-20", "09:00"), 0);
	int64_t o = add_observer("BUSY", "Занятой Олег", OBS_PUBLIC, m3, 1, 0, 0, "2021-04-20", NULL);
	assert_true(o > 0);
	char note[256];
	assert_int_equal(observer_set(db, p4, s1, o, "test", note, sizeof note, msg, sizeof msg), 0);
	struct obs_assign_report r;
	assert_int_equal(assign_observers(db, &ALL, c, 3, false, "coord", &r, msg, sizeof msg), 0);
	struct obs_sitting *x;
	size_t n;
	assert_int_equal(observer_sittings(db, &ALL, c, &x, &n), 0);
	const struct obs_sitting *t = find_sitting(x, n, p5, s4);
	assert_non_null(t);
	assert_true(t->observer_id != o);
	free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_registry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_pair, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_assign_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_previous, setup, teardown),
		cmocka_unit_test_setup_teardown(test_acts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_video, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coverage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_violation_kinds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_assign_observers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_assign_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_elsewhere, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
