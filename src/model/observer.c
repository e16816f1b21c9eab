/* observer: the registry of observers, their assignments to sittings, observation acts,
 * video surveillance and coverage — every SQL statement of migration 013 (see observer.h,
 * docs/observers.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "base/mem.h"
#include "base/str.h"
#include "model/rows.h"
#include "model/observer.h"
#include "model/procedure.h"
#include "model/user.h"

/* ---- names and titles ---- */

static const char *const kind_names[] = { "общественный", "специалист" };

const char *obs_kind_name(enum obs_kind k)
{
	return (unsigned)k < 2 ? kind_names[k] : "";
}

int obs_kind_parse(const char *s)
{
	if (!s)
		return -1;
	for (int k = 0; k < 2; k++)
		if (!strcmp(s, kind_names[k]) || str_fold_eq(s, kind_names[k]))
			return k;
	return -1;
}

static const char *const stage_titles[OBS_NSTAGES] = {
	"подготовка материалов",
	"передача материалов организатору",
	"проведение в аудитории",
	"проверка работ",
	"заполнение и загрузка форм",
};

const char *obs_stage_title(int i)
{
	return i >= 0 && i < OBS_NSTAGES ? stage_titles[i] : "";
}

const char *obs_video_mode_title(const char *mode)
{
	if (!mode)
		return "";
	if (!strcmp(mode, "none"))
		return "нет";
	if (!strcmp(mode, "record"))
		return "запись";
	if (!strcmp(mode, "online"))
		return "онлайн-трансляция";
	return "";
}

const char *obs_phase_title(enum obs_phase p)
{
	return p == OBS_PHASE_SITTING ? "проведение" : p == OBS_PHASE_CHECKING ? "проверка работ" : "";
}

static const char *phase_name(enum obs_phase p)
{
	return p == OBS_PHASE_CHECKING ? "checking" : "sitting";
}

/* A procedure in the users' words: «ВПР, математика, 4 класс» (model/procedure.h). */
static void procedure_words(const char *kind, const char *subject, int grade, char *out, size_t n)
{
	procedure_title(kind, subject, grade, out, n);
}

/* Russian plural of «наблюдение» for n. */
static const char *observations_word(long n)
{
	long a = n % 100, b = n % 10;
	if (a >= 11 && a <= 14)
		return "наблюдений";
	return b == 1 ? "наблюдение" : b >= 2 && b <= 4 ? "наблюдения" : "наблюдений";
}

/* ---- helpers ---- */

static const struct scope all = { SCOPE_ALL, 0 };

/* True when the observer row aliased `o` is seen by the scope bound at ?1, ?2: one with a
 * municipality by the scopes that see the municipality, one without by ALL and REGION. */
#define OBS_SCOPE_SQL(o) \
	"((" o ".municipality_id IS NULL AND ?1 IN ('all', 'reg')) OR (" o ".municipality_id IS NOT NULL" \
	" AND " SCOPE_MUN_SQL(o ".municipality_id") "))"

/* The latest analysis run, the CTE lr(id), and the priority schools, the CTE pri(school_id):
 * those on its risk list or with an official flag in it — the one statement of the rule;
 * PRIORITY_SQL(s) is 1 when the school aliased `s` is one of them, else 0. */
#define LATEST_RUN_CTE "WITH lr(id) AS (SELECT max(id) FROM analysis_run) "
#define PRIORITY_CTE \
	"pri(school_id) AS (SELECT k.school_id FROM school_risk k" \
	" JOIN lr ON k.run_id = lr.id WHERE k.listed = 1 OR k.official_flags > 0" \
	" UNION SELECT r.school_id FROM sign_result r JOIN lr ON r.run_id = lr.id" \
	" WHERE r.kind = 'official')"
#define PRIORITY_SQL(s) "CASE WHEN EXISTS (SELECT 1 FROM pri WHERE pri.school_id = " s ".id) THEN 1 ELSE 0 END"
/* WITH lr and pri, for a statement that uses PRIORITY_SQL. */
#define PRIORITY_WITH LATEST_RUN_CTE ", " PRIORITY_CTE " "

/* ---- the registry ---- */

int observer_put(struct db *d, const struct obs_person *p, const char *by)
{
	if (!p->code[0] || !p->name[0] || obs_kind_name(p->kind)[0] == '\0' || p->max_per_day < 1 ||
	    p->max_per_day > 10 || p->nworks < 0 || p->nworks > OBS_MAX_SCHOOLS || p->nchildren < 0 ||
	    p->nchildren > OBS_MAX_SCHOOLS || p->ndays < 0 || p->ndays > OBS_MAX_DAYS)
		return ERR_INVALID;
	for (int i = 0; i < p->ndays; i++)
		if (!plan_date_valid(p->days[i]))
			return ERR_INVALID;
	char at[24];
	model_now_iso(at);
	struct db_stmt *s = NULL;
	int rc;
	if ((rc = db_cached(d, &s, "INSERT INTO observer (code, name, kind, municipality_id, max_per_day,"
				   " updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
				   " ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind,"
				   " municipality_id = excluded.municipality_id,"
				   " max_per_day = excluded.max_per_day, updated_by = excluded.updated_by,"
				   " updated_at = excluded.updated_at")) ||
	    (rc = db_bind_text(s, 1, p->code, -1)) || (rc = db_bind_text(s, 2, p->name, -1)) ||
	    (rc = db_bind_text(s, 3, obs_kind_name(p->kind), -1)) ||
	    (rc = p->municipality_id > 0 ? db_bind_int(s, 4, p->municipality_id) : db_bind_null(s, 4)) ||
	    (rc = db_bind_int(s, 5, p->max_per_day)) || (rc = db_bind_text(s, 6, by ? by : "", -1)) ||
	    (rc = db_bind_text(s, 7, at, -1)))
		return rc;
	rc = db_step(s);
	db_reset(s);
	if (rc < 0)
		return rc;
	int64_t id = 0;
	if ((rc = observer_find(d, p->code, &id)))
		return rc;
	if ((rc = db_cached(d, &s, "DELETE FROM observer_school WHERE observer_id = ?")) ||
	    (rc = db_bind_int(s, 1, id)))
		return rc;
	rc = db_step(s);
	db_reset(s);
	if (rc < 0)
		return rc;
	if ((rc = db_cached(d, &s, "DELETE FROM observer_day WHERE observer_id = ?")) ||
	    (rc = db_bind_int(s, 1, id)))
		return rc;
	rc = db_step(s);
	db_reset(s);
	if (rc < 0)
		return rc;
	for (int k = 0; k < p->nworks + p->nchildren; k++) {
		bool child = k >= p->nworks;
		int64_t school = child ? p->children_at[k - p->nworks] : p->works_at[k];
		if ((rc = db_cached(d, &s, "INSERT INTO observer_school (observer_id, school_id, why)"
					   " VALUES (?, ?, ?) ON CONFLICT (observer_id, school_id, why) DO NOTHING")) ||
		    (rc = db_bind_int(s, 1, id)) || (rc = db_bind_int(s, 2, school)) ||
		    (rc = db_bind_text(s, 3, child ? "child" : "works", -1)))
			return rc;
		rc = db_step(s);
		db_reset(s);
		if (rc < 0)
			return rc;
	}
	for (int k = 0; k < p->ndays; k++) {
		if ((rc = db_cached(d, &s, "INSERT INTO observer_day (observer_id, day) VALUES (?, ?)"
					   " ON CONFLICT (observer_id, day) DO NOTHING")) ||
		    (rc = db_bind_int(s, 1, id)) || (rc = db_bind_text(s, 2, p->days[k], -1)))
			return rc;
		rc = db_step(s);
		db_reset(s);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Columns 0..8 of an observer row (after "SELECT "); ?N of the campaign for `assigned`
 * given as the argument. */
#define PERSON_COLS(camp) \
	"o.id, o.code, o.name, o.kind, coalesce(o.municipality_id, 0), coalesce(m.name, '')," \
	" o.max_per_day, coalesce(u.login, ''), CASE WHEN " camp " > 0 THEN" \
	" (SELECT count(*) FROM observation ob JOIN plan_procedure pp ON pp.procedure_id = ob.procedure_id" \
	" WHERE ob.observer_id = o.id AND pp.campaign_id = " camp ") ELSE 0 END"
#define PERSON_FROM \
	" FROM observer o LEFT JOIN municipality m ON m.id = o.municipality_id" \
	" LEFT JOIN \"user\" u ON u.id = o.user_id"

static void person_read(struct db_stmt *s, void *item)
{
	struct obs_person *p = item;
	memset(p, 0, sizeof *p);
	p->id = db_col_int(s, 0);
	model_copy(p->code, sizeof p->code, db_col_text(s, 1));
	model_copy(p->name, sizeof p->name, db_col_text(s, 2));
	int k = obs_kind_parse(db_col_text(s, 3));
	p->kind = k < 0 ? OBS_PUBLIC : (enum obs_kind)k;
	p->municipality_id = db_col_int(s, 4);
	model_copy(p->municipality, sizeof p->municipality, db_col_text(s, 5));
	p->max_per_day = (int)db_col_int(s, 6);
	model_copy(p->login, sizeof p->login, db_col_text(s, 7));
	p->assigned = (long)db_col_int(s, 8);
}

/* Fills the schools and days of a person read by person_read. */
static int person_fill(struct db *d, struct obs_person *p)
{
	struct db_stmt *s = NULL;
	int rc;
	if ((rc = db_cached(d, &s, "SELECT school_id, why FROM observer_school WHERE observer_id = ?"
				   " ORDER BY why DESC, school_id")) ||
	    (rc = db_bind_int(s, 1, p->id)))
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (!strcmp(db_col_text(s, 1), "child")) {
			if (p->nchildren < OBS_MAX_SCHOOLS)
				p->children_at[p->nchildren++] = db_col_int(s, 0);
		} else if (p->nworks < OBS_MAX_SCHOOLS) {
			p->works_at[p->nworks++] = db_col_int(s, 0);
		}
	}
	db_reset(s);
	if (rc < 0)
		return rc;
	if ((rc = db_cached(d, &s, "SELECT day FROM observer_day WHERE observer_id = ? ORDER BY day")) ||
	    (rc = db_bind_int(s, 1, p->id)))
		return rc;
	while ((rc = db_step(s)) == DB_ROW)
		if (p->ndays < OBS_MAX_DAYS)
			model_copy(p->days[p->ndays++], PLAN_DATE_LEN, db_col_text(s, 0));
	db_reset(s);
	return model_done(rc);
}

int observer_list(struct db *d, const struct scope *sc, int64_t campaign_id,
		  struct obs_person **out, size_t *n)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT " PERSON_COLS("?3") PERSON_FROM
				   " WHERE " OBS_SCOPE_SQL("o") " ORDER BY o.name, o.code");
	if (!rc && !(rc = scope_bind(s, sc ? sc : &all)))
		rc = db_bind_int(s, 3, campaign_id);
	*out = model_rows(&rc, s, sizeof **out, person_read, n);
	for (size_t i = 0; i < *n && !rc; i++)
		rc = person_fill(d, &(*out)[i]);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int observer_get(struct db *d, int64_t id, struct obs_person *out)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT " PERSON_COLS("0") PERSON_FROM " WHERE o.id = ?");
	if (rc || (rc = db_bind_int(s, 1, id)))
		return rc;
	rc = db_step_one(s);
	if (!rc)
		person_read(s, out);
	db_reset(s);
	return rc ? rc : person_fill(d, out);
}

int observer_find(struct db *d, const char *code, int64_t *id)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT id FROM observer WHERE code = ?");
	if (rc || (rc = db_bind_text(s, 1, code ? code : "", -1)))
		return rc;
	rc = db_step_one(s);
	if (!rc)
		*id = db_col_int(s, 0);
	db_reset(s);
	return rc;
}

bool observer_in_scope(struct db *d, const struct scope *sc, int64_t observer_id)
{
	struct db_stmt *s = NULL;
	bool yes = false;
	if (!db_cached(d, &s, "SELECT 1 FROM observer o WHERE o.id = ?3 AND " OBS_SCOPE_SQL("o")) &&
	    !scope_bind(s, sc ? sc : &all) && !db_bind_int(s, 3, observer_id) && db_step(s) == DB_ROW)
		yes = true;
	if (s)
		db_reset(s);
	return yes;
}

int observer_link_user(struct db *d, int64_t observer_id, int64_t user_id, char *msg, size_t n)
{
	struct obs_person p;
	struct user u;
	int rc = observer_get(d, observer_id, &p);
	if (rc) {
		if (rc == ERR_NOTFOUND)
			model_say(msg, n, "наблюдатель не найден");
		return rc;
	}
	if ((rc = user_get(d, user_id, &u))) {
		if (rc == ERR_NOTFOUND)
			model_say(msg, n, "пользователь не найден");
		return rc;
	}
	if (u.role != ROLE_OBSERVER) {
		if (msg)
			snprintf(msg, n, "вход «%s» — не наблюдатель (роль: %s)", u.login,
				 user_role_title(u.role));
		return ERR_INVALID;
	}
	int64_t other = 0;
	rc = observer_of_user(d, user_id, &other);
	if (rc && rc != ERR_NOTFOUND)
		return rc;
	if (!rc && other != observer_id) {
		/* Not named: it may be an observer of another municipality. */
		if (msg)
			snprintf(msg, n, "вход «%s» уже связан с другим наблюдателем", u.login);
		return ERR_INVALID;
	}
	struct db_stmt *s = NULL;
	if ((rc = db_cached(d, &s, "UPDATE observer SET user_id = ? WHERE id = ?")) ||
	    (rc = db_bind_int(s, 1, user_id)) || (rc = db_bind_int(s, 2, observer_id)))
		return rc;
	rc = db_step(s);
	db_reset(s);
	return model_done(rc);
}

int observer_of_user(struct db *d, int64_t user_id, int64_t *observer_id)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT id FROM observer WHERE user_id = ?");
	if (rc || (rc = db_bind_int(s, 1, user_id)))
		return rc;
	rc = db_step_one(s);
	if (!rc)
		*observer_id = db_col_int(s, 0);
	db_reset(s);
	return rc;
}

/* ---- sittings ---- */

/* A campaign's sittings: the campaign's (bound at ?3) with a date, from plan_procedure pp
 * and plan_school ps. */
#define SITTING_WHERE "pp.campaign_id = ?3 AND ps.sit_date IS NOT NULL"

/* Columns 0..23 of a sitting (after PRIORITY_WITH "SELECT ") and its tables: plan_school
 * ps with its school s, procedure p, observation ob and observer o, the act a shown (the
 * current observer's, else the latest) and the video rows vs/vc. */
#define SITTING_COLS \
	"ps.procedure_id, ps.school_id, coalesce(s.municipality_id, 0), p.code, p.subject, p.grade," \
	" s.login, s.name, s.kind, coalesce(m.name, ''), ps.sit_date, ps.sit_time, " PRIORITY_SQL("s") "," \
	" coalesce(ob.observer_id, 0), coalesce(o.code, ''), coalesce(o.name, ''), coalesce(o.kind, '')," \
	" coalesce(ob.how, ''), coalesce(ob.note, ''), coalesce(a.id, 0)," \
	" CASE WHEN EXISTS (SELECT 1 FROM act_violation av WHERE av.act_id = a.id) THEN 1 ELSE 0 END," \
	" coalesce(vs.mode, ''), coalesce(vc.mode, ''), coalesce(s.address, '')"
/* A sitting's act: its observer's; for the coordinators' lists (ANY_ACT) also, failing that,
 * the latest act anybody filed there; for an observer's own list (OWN_ACT) only its own. */
#define ANY_ACT "(SELECT max(a3.id) FROM act a3 WHERE a3.procedure_id = ps.procedure_id" \
	" AND a3.school_id = ps.school_id)"
#define OWN_ACT "NULL"
#define SITTING_JOINS(fallback) \
	" JOIN procedure p ON p.id = ps.procedure_id JOIN school s ON s.id = ps.school_id" \
	" LEFT JOIN municipality m ON m.id = s.municipality_id" \
	" LEFT JOIN observation ob ON ob.procedure_id = ps.procedure_id AND ob.school_id = ps.school_id" \
	" LEFT JOIN observer o ON o.id = ob.observer_id" \
	" LEFT JOIN act a ON a.id = coalesce((SELECT a2.id FROM act a2 WHERE a2.procedure_id = ps.procedure_id" \
	"  AND a2.school_id = ps.school_id AND a2.observer_id = ob.observer_id), " fallback ")" \
	" LEFT JOIN video vs ON vs.procedure_id = ps.procedure_id AND vs.school_id = ps.school_id" \
	"  AND vs.phase = 'sitting'" \
	" LEFT JOIN video vc ON vc.procedure_id = ps.procedure_id AND vc.school_id = ps.school_id" \
	"  AND vc.phase = 'checking'"
/* The sittings' order: date, time, municipality (a school without one first), school login,
 * procedure code, text bytewise. Sorted here rather than by the statement: SQLite's sort of
 * the 24-column rows was two thirds of the statement (25 of 9 + 16 ms for the demo
 * region's 5,542 sittings; issue 21), and PostgreSQL put the schools without a
 * municipality last and compared names by its collation. */
static int sitting_cmp(const void *pa, const void *pb)
{
	const struct obs_sitting *a = pa, *b = pb;
	int c = strcmp(a->date, b->date);
	if (!c)
		c = strcmp(a->time, b->time);
	if (!c && (a->municipality_id == 0) != (b->municipality_id == 0))
		return a->municipality_id == 0 ? -1 : 1;
	if (!c)
		c = strcmp(a->municipality, b->municipality);
	if (!c)
		c = strcmp(a->school_login, b->school_login);
	if (!c)
		c = strcmp(a->procedure, b->procedure);
	return c;
}

static void sitting_read(struct db_stmt *s, void *item);

/* model_rows of the sittings, in sitting_cmp's order. */
static struct obs_sitting *sittings_read(int *rc, struct db_stmt *s, size_t *n)
{
	struct obs_sitting *v = model_rows(rc, s, sizeof *v, sitting_read, n);
	if (!*rc && *n > 1)
		qsort(v, *n, sizeof *v, sitting_cmp);
	return v;
}

static void sitting_read(struct db_stmt *s, void *item)
{
	struct obs_sitting *x = item;
	x->procedure_id = db_col_int(s, 0);
	x->school_id = db_col_int(s, 1);
	x->municipality_id = db_col_int(s, 2);
	model_copy(x->procedure, sizeof x->procedure, db_col_text(s, 3));
	model_copy(x->subject, sizeof x->subject, db_col_text(s, 4));
	x->grade = (int)db_col_int(s, 5);
	model_copy(x->school_login, sizeof x->school_login, db_col_text(s, 6));
	model_copy(x->school_name, sizeof x->school_name, db_col_text(s, 7));
	model_copy(x->school_kind, sizeof x->school_kind, db_col_text(s, 8));
	model_copy(x->municipality, sizeof x->municipality, db_col_text(s, 9));
	model_copy(x->date, sizeof x->date, db_col_text(s, 10));
	model_copy(x->time, sizeof x->time, db_col_text(s, 11));
	x->priority = db_col_int(s, 12) == 1;
	x->observer_id = db_col_int(s, 13);
	model_copy(x->observer_code, sizeof x->observer_code, db_col_text(s, 14));
	model_copy(x->observer_name, sizeof x->observer_name, db_col_text(s, 15));
	int k = obs_kind_parse(db_col_text(s, 16));
	x->observer_kind = k < 0 ? OBS_PUBLIC : (enum obs_kind)k;
	x->manual = !strcmp(db_col_text(s, 17), "manual");
	model_copy(x->note, sizeof x->note, db_col_text(s, 18));
	x->act_id = db_col_int(s, 19);
	x->violations = db_col_int(s, 20) == 1;
	model_copy(x->video_sitting, sizeof x->video_sitting, db_col_text(s, 21));
	model_copy(x->video_checking, sizeof x->video_checking, db_col_text(s, 22));
	model_copy(x->address, sizeof x->address, db_col_text(s, 23));
}

int observer_sittings(struct db *d, const struct scope *sc, int64_t campaign_id,
		      struct obs_sitting **out, size_t *n)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, PRIORITY_WITH "SELECT " SITTING_COLS
				   " FROM plan_procedure pp JOIN plan_school ps ON ps.procedure_id = pp.procedure_id"
				   SITTING_JOINS(ANY_ACT)
				   " WHERE " SITTING_WHERE " AND " SCOPE_SQL("s"));
	if (!rc && !(rc = scope_bind(s, sc ? sc : &all)))
		rc = db_bind_int(s, 3, campaign_id);
	*out = sittings_read(&rc, s, n);
	return rc;
}

int observer_sittings_elsewhere(struct db *d, int64_t campaign_id, const char *from,
				const char *to, struct obs_sitting **out, size_t *n)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, PRIORITY_WITH "SELECT " SITTING_COLS
				   " FROM plan_procedure pp JOIN plan_school ps ON ps.procedure_id = pp.procedure_id"
				   SITTING_JOINS(ANY_ACT)
				   " WHERE pp.campaign_id <> ?1 AND ps.sit_date >= ?2 AND ps.sit_date <= ?3"
				   " AND ob.observer_id IS NOT NULL");
	if (!rc && !(rc = db_bind_int(s, 1, campaign_id)) && !(rc = db_bind_text(s, 2, from, -1)))
		rc = db_bind_text(s, 3, to, -1);
	*out = sittings_read(&rc, s, n);
	return rc;
}

int observer_sittings_of(struct db *d, int64_t observer_id, struct obs_sitting **out, size_t *n)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, PRIORITY_WITH "SELECT " SITTING_COLS " FROM plan_school ps"
				   SITTING_JOINS(OWN_ACT)
				   " WHERE ob.observer_id = ?1 AND ps.sit_date IS NOT NULL");
	if (!rc)
		rc = db_bind_int(s, 1, observer_id);
	*out = sittings_read(&rc, s, n);
	return rc;
}

bool observer_assigned_to(struct db *d, int64_t observer_id, int64_t procedure_id,
			  int64_t school_id)
{
	struct db_stmt *s = NULL;
	bool yes = false;
	if (!db_cached(d, &s, "SELECT 1 FROM observation WHERE procedure_id = ? AND school_id = ?"
			      " AND observer_id = ?") &&
	    !db_bind_int(s, 1, procedure_id) && !db_bind_int(s, 2, school_id) &&
	    !db_bind_int(s, 3, observer_id) && db_step(s) == DB_ROW)
		yes = true;
	if (s)
		db_reset(s);
	return yes;
}

/* An (observer, school[, why]) row as a pair. */
static void pair_read(struct db_stmt *s, void *item)
{
	struct obs_conflict *c = item;
	c->observer_id = db_col_int(s, 0);
	c->school_id = db_col_int(s, 1);
	c->child = !strcmp(db_col_text(s, 2), "child");
}

int observer_conflicts(struct db *d, const struct scope *sc, struct obs_conflict **out,
		       size_t *n)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT os.observer_id, os.school_id, os.why FROM observer_school os"
				   " JOIN observer o ON o.id = os.observer_id WHERE " OBS_SCOPE_SQL("o")
				   " ORDER BY os.observer_id, os.school_id, os.why");
	if (!rc)
		rc = scope_bind(s, sc ? sc : &all);
	*out = model_rows(&rc, s, sizeof **out, pair_read, n);
	return rc;
}

int observer_previous(struct db *d, const char *before, struct obs_conflict **out, size_t *n)
{
	struct db_stmt *s = NULL;
	/* The latest observed moment of each school before the date, then who observed then. */
	int rc = db_prepare(d, &s, "WITH last(school_id, at) AS (SELECT ps.school_id,"
				   " max(ps.sit_date || ' ' || ps.sit_time) FROM observation ob"
				   " JOIN plan_school ps ON ps.procedure_id = ob.procedure_id"
				   " AND ps.school_id = ob.school_id WHERE ps.sit_date < ?1 GROUP BY ps.school_id)"
				   " SELECT DISTINCT ob.observer_id, ps.school_id, '' FROM last"
				   " JOIN plan_school ps ON ps.school_id = last.school_id"
				   " AND ps.sit_date || ' ' || ps.sit_time = last.at"
				   " JOIN observation ob ON ob.procedure_id = ps.procedure_id"
				   " AND ob.school_id = ps.school_id ORDER BY 1, 2");
	if (!rc)
		rc = db_bind_text(s, 1, before ? before : "", -1);
	*out = model_rows(&rc, s, sizeof **out, pair_read, n);
	return rc;
}

/* ---- assignments ---- */

int observer_assign_store(struct db *d, const struct scope *sc, int64_t campaign_id,
			  const struct obs_assignment *a, size_t n, uint64_t seed, const char *by)
{
	if (!sc)
		sc = &all;
	char at[24];
	model_now_iso(at);
	struct db_stmt *s = NULL;
	int rc = db_begin(d);
	if (rc)
		return rc;
	/* A sitting whose act is in keeps its observer, also when the act came while the
	 * answer was computed. */
	if ((rc = db_cached(d, &s, "DELETE FROM observation WHERE how = 'auto' AND procedure_id IN"
				   " (SELECT procedure_id FROM plan_procedure WHERE campaign_id = ?3)"
				   " AND school_id IN (SELECT s.id FROM school s WHERE " SCOPE_SQL("s") ")"
				   " AND NOT EXISTS (SELECT 1 FROM act a WHERE a.procedure_id = observation.procedure_id"
				   " AND a.school_id = observation.school_id)")) ||
	    (rc = scope_bind(s, sc)) || (rc = db_bind_int(s, 3, campaign_id)))
		goto out;
	rc = db_step(s);
	db_reset(s);
	if (rc < 0)
		goto out;
	/* Only sittings of the campaign within the scope; a sitting kept by hand stays. */
	if ((rc = db_cached(d, &s, "INSERT INTO observation (procedure_id, school_id, observer_id, how,"
				   " assigned_by, assigned_at) SELECT ps.procedure_id, ps.school_id, ?6, 'auto', ?7, ?8"
				   " FROM plan_school ps JOIN plan_procedure pp ON pp.procedure_id = ps.procedure_id"
				   " JOIN school s ON s.id = ps.school_id WHERE ps.procedure_id = ?4"
				   " AND ps.school_id = ?5 AND " SITTING_WHERE
				   " AND " SCOPE_SQL("s")
				   " ON CONFLICT (procedure_id, school_id) DO NOTHING")) ||
	    (rc = scope_bind(s, sc)) || (rc = db_bind_int(s, 3, campaign_id)) ||
	    (rc = db_bind_text(s, 7, by ? by : "", -1)) || (rc = db_bind_text(s, 8, at, -1)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		if ((rc = db_bind_int(s, 4, a[i].procedure_id)) || (rc = db_bind_int(s, 5, a[i].school_id)) ||
		    (rc = db_bind_int(s, 6, a[i].observer_id)))
			break;
		rc = db_step(s);
		db_reset(s);
		if (rc < 0)
			break;
		rc = 0;
	}
	db_reset(s);
	if (rc)
		goto out;
	if ((rc = db_cached(d, &s, "INSERT INTO observe_campaign (campaign_id, seed, assigned_by,"
				   " assigned_at) VALUES (?, ?, ?, ?) ON CONFLICT (campaign_id) DO UPDATE SET"
				   " seed = excluded.seed, assigned_by = excluded.assigned_by,"
				   " assigned_at = excluded.assigned_at")) ||
	    (rc = db_bind_int(s, 1, campaign_id)) || (rc = db_bind_int(s, 2, (int64_t)seed)) ||
	    (rc = db_bind_text(s, 3, by ? by : "", -1)) || (rc = db_bind_text(s, 4, at, -1)))
		goto out;
	rc = model_done(db_step(s));
	db_reset(s);
out:
	if (rc) {
		db_rollback(d);
		return rc;
	}
	return db_commit(d);
}

/* The date and time of a sitting, its school's municipality. ERR_NOTFOUND (msg) when there
 * is no such sitting or it has no date yet. */
static int sitting_when(struct db *d, int64_t procedure_id, int64_t school_id, char date[PLAN_DATE_LEN],
			char time_s[PLAN_TIME_LEN], int64_t *municipality_id, char *msg, size_t n)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT coalesce(ps.sit_date, ''), coalesce(ps.sit_time, ''),"
				  " coalesce(s.municipality_id, 0) FROM plan_school ps JOIN school s ON s.id = ps.school_id"
				  " WHERE ps.procedure_id = ? AND ps.school_id = ?");
	if (rc || (rc = db_bind_int(s, 1, procedure_id)) || (rc = db_bind_int(s, 2, school_id)))
		return rc;
	rc = db_step_one(s);
	if (!rc) {
		model_copy(date, PLAN_DATE_LEN, db_col_text(s, 0));
		model_copy(time_s, PLAN_TIME_LEN, db_col_text(s, 1));
		if (municipality_id)
			*municipality_id = db_col_int(s, 2);
	}
	db_reset(s);
	if (rc == ERR_NOTFOUND)
		model_say(msg, n, "школа не участвует в этой процедуре по план-графику");
	else if (!rc && !date[0]) {
		model_say(msg, n, "школа ещё не назначила дату и время проведения");
		rc = ERR_NOTFOUND;
	}
	return rc;
}

/* Appends a reason to msg, separated by «; ». */
static void reason_add(char *msg, size_t n, const char *text)
{
	size_t len = strlen(msg);
	if (len && len + 3 < n) {
		memcpy(msg + len, "; ", 3);
		len += 2;
	}
	if (len + 1 < n)
		str_copy_utf8(msg + len, n - len, text);
}

int observer_check_pair(struct db *d, int64_t observer_id, int64_t procedure_id,
			int64_t school_id, char *msg, size_t n)
{
	char date[PLAN_DATE_LEN], tm[PLAN_TIME_LEN], local[512] = "", text[512];
	struct obs_person p;
	int rc = sitting_when(d, procedure_id, school_id, date, tm, NULL, msg, n);
	if (rc)
		return rc;
	if ((rc = observer_get(d, observer_id, &p))) {
		if (rc == ERR_NOTFOUND)
			model_say(msg, n, "наблюдатель не найден");
		return rc;
	}
	/* Conflicts of interest. */
	for (int i = 0; i < p.nworks; i++)
		if (p.works_at[i] == school_id)
			reason_add(local, sizeof local, "работает в этой школе");
	for (int i = 0; i < p.nchildren; i++)
		if (p.children_at[i] == school_id)
			reason_add(local, sizeof local, "ребёнок участвует в процедурах этой школы");
	/* Availability. */
	bool available = p.ndays == 0;
	for (int i = 0; i < p.ndays && !available; i++)
		available = !strcmp(p.days[i], date);
	if (!available) {
		char ru[PLAN_DATE_LEN];
		plan_date_ru(date, ru);
		snprintf(text, sizeof text, "недоступен в этот день (%s)", ru);
		reason_add(local, sizeof local, text);
	}
	/* One place at a time. */
	struct db_stmt *s = NULL;
	if ((rc = db_cached(d, &s, "SELECT s.name, s.login, p.kind, p.subject, p.grade FROM observation ob"
				   " JOIN plan_school ps ON ps.procedure_id = ob.procedure_id AND ps.school_id = ob.school_id"
				   " JOIN school s ON s.id = ob.school_id JOIN procedure p ON p.id = ob.procedure_id"
				   " WHERE ob.observer_id = ? AND ps.sit_date = ? AND ps.sit_time = ?"
				   " AND ob.school_id <> ? ORDER BY s.login, p.code LIMIT 1")) ||
	    (rc = db_bind_int(s, 1, observer_id)) || (rc = db_bind_text(s, 2, date, -1)) ||
	    (rc = db_bind_text(s, 3, tm, -1)) || (rc = db_bind_int(s, 4, school_id)))
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		char what[160];
		procedure_words(db_col_text(s, 2), db_col_text(s, 3), (int)db_col_int(s, 4), what, sizeof what);
		snprintf(text, sizeof text, "в это время наблюдает в другой школе: %s (%s), %s",
			 db_col_text(s, 0), db_col_text(s, 1), what);
		reason_add(local, sizeof local, text);
	}
	db_reset(s);
	if (rc < 0)
		return rc;
	/* At most max_per_day sittings a day (this sitting itself not counted). */
	int64_t that_day = 0;
	if ((rc = db_cached(d, &s, "SELECT count(*) FROM observation ob JOIN plan_school ps"
				   " ON ps.procedure_id = ob.procedure_id AND ps.school_id = ob.school_id"
				   " WHERE ob.observer_id = ? AND ps.sit_date = ?"
				   " AND NOT (ob.procedure_id = ? AND ob.school_id = ?)")) ||
	    (rc = db_bind_int(s, 1, observer_id)) || (rc = db_bind_text(s, 2, date, -1)) ||
	    (rc = db_bind_int(s, 3, procedure_id)) || (rc = db_bind_int(s, 4, school_id)))
		return rc;
	if ((rc = db_step(s)) == DB_ROW)
		that_day = db_col_int(s, 0);
	db_reset(s);
	if (rc < 0)
		return rc;
	if (that_day >= p.max_per_day) {
		snprintf(text, sizeof text, "уже %lld %s в этот день (не больше %d)", (long long)that_day,
			 observations_word((long)that_day), p.max_per_day);
		reason_add(local, sizeof local, text);
	}
	if (local[0]) {
		model_say(msg, n, local);
		return ERR_INVALID;
	}
	if (msg && n)
		msg[0] = '\0';
	return 0;
}

/* What happened stays: once the sitting's observer has filed its act, the sitting keeps
 * that observer (ERR_INVALID with the reason for another one, or for none). */
static int act_holds(struct db *d, int64_t procedure_id, int64_t school_id, int64_t observer_id,
		     char *msg, size_t n)
{
	struct db_stmt *s = NULL;
	int64_t act_by = 0;
	int rc = db_cached(d, &s, "SELECT a.observer_id FROM act a JOIN observation ob"
				  " ON ob.procedure_id = a.procedure_id AND ob.school_id = a.school_id"
				  " AND ob.observer_id = a.observer_id WHERE a.procedure_id = ? AND a.school_id = ?");
	if (rc || (rc = db_bind_int(s, 1, procedure_id)) || (rc = db_bind_int(s, 2, school_id)))
		return rc;
	if ((rc = db_step(s)) == DB_ROW)
		act_by = db_col_int(s, 0);
	db_reset(s);
	if (rc < 0)
		return rc;
	if (act_by && act_by != observer_id) {
		model_say(msg, n, "по этому проведению наблюдатель уже подал акт: заменить или снять его нельзя");
		return ERR_INVALID;
	}
	return 0;
}

int observer_set(struct db *d, int64_t procedure_id, int64_t school_id, int64_t observer_id,
		 const char *by, char *note, size_t note_len, char *msg, size_t n)
{
	char date[PLAN_DATE_LEN], tm[PLAN_TIME_LEN], at[24], soft[256] = "";
	int64_t mun = 0;
	if (note && note_len)
		note[0] = '\0';
	if (msg && n)
		msg[0] = '\0';
	int rc = sitting_when(d, procedure_id, school_id, date, tm, &mun, msg, n);
	if (rc)
		return rc;
	struct db_stmt *s = NULL;
	if (observer_id <= 0) {
		if ((rc = act_holds(d, procedure_id, school_id, 0, msg, n)))
			return rc;
		if ((rc = db_cached(d, &s, "DELETE FROM observation WHERE procedure_id = ? AND school_id = ?")) ||
		    (rc = db_bind_int(s, 1, procedure_id)) || (rc = db_bind_int(s, 2, school_id)))
			return rc;
		rc = db_step(s);
		db_reset(s);
		return model_done(rc);
	}
	if ((rc = observer_check_pair(d, observer_id, procedure_id, school_id, msg, n)) ||
	    (rc = act_holds(d, procedure_id, school_id, observer_id, msg, n)))
		return rc;
	/* Soft preferences: the sitting's own municipality; not the school's observer of last
	 * time (the observers of its latest observed moment before this date). */
	struct obs_person p;
	if ((rc = observer_get(d, observer_id, &p)))
		return rc;
	if (!p.municipality_id || p.municipality_id != mun)
		reason_add(soft, sizeof soft, "из другого муниципалитета");
	int64_t was = 0;
	if ((rc = db_cached(d, &s, "SELECT count(*) FROM observation ob JOIN plan_school ps"
				   " ON ps.procedure_id = ob.procedure_id AND ps.school_id = ob.school_id"
				   " WHERE ob.school_id = ?1 AND ob.observer_id = ?2"
				   " AND ps.sit_date || ' ' || ps.sit_time = (SELECT max(p2.sit_date || ' ' || p2.sit_time)"
				   "  FROM observation o2 JOIN plan_school p2 ON p2.procedure_id = o2.procedure_id"
				   "  AND p2.school_id = o2.school_id WHERE p2.school_id = ?1 AND p2.sit_date < ?3)")) ||
	    (rc = db_bind_int(s, 1, school_id)) || (rc = db_bind_int(s, 2, observer_id)) ||
	    (rc = db_bind_text(s, 3, date, -1)))
		return rc;
	if ((rc = db_step(s)) == DB_ROW)
		was = db_col_int(s, 0);
	db_reset(s);
	if (rc < 0)
		return rc;
	if (was > 0)
		reason_add(soft, sizeof soft, "наблюдал эту школу в прошлый раз");
	model_now_iso(at);
	if ((rc = db_cached(d, &s, "INSERT INTO observation (procedure_id, school_id, observer_id, how,"
				   " note, assigned_by, assigned_at) VALUES (?, ?, ?, 'manual', ?, ?, ?)"
				   " ON CONFLICT (procedure_id, school_id) DO UPDATE SET observer_id = excluded.observer_id,"
				   " how = excluded.how, note = excluded.note, assigned_by = excluded.assigned_by,"
				   " assigned_at = excluded.assigned_at")) ||
	    (rc = db_bind_int(s, 1, procedure_id)) || (rc = db_bind_int(s, 2, school_id)) ||
	    (rc = db_bind_int(s, 3, observer_id)) ||
	    (rc = soft[0] ? db_bind_text(s, 4, soft, -1) : db_bind_null(s, 4)) ||
	    (rc = db_bind_text(s, 5, by ? by : "", -1)) || (rc = db_bind_text(s, 6, at, -1)))
		return rc;
	rc = db_step(s);
	db_reset(s);
	if (rc < 0)
		return rc;
	if (note && note_len)
		model_copy(note, note_len, soft);
	return 0;
}

int observer_campaign_get(struct db *d, int64_t campaign_id, bool *reveal_day,
			  char *assigned_at, size_t n)
{
	int rc = plan_campaign_get(d, campaign_id, NULL, 0);
	if (rc)
		return rc;
	if (reveal_day)
		*reveal_day = false;
	if (assigned_at && n)
		assigned_at[0] = '\0';
	struct db_stmt *s = NULL;
	if ((rc = db_cached(d, &s, "SELECT reveal, coalesce(assigned_at, '') FROM observe_campaign"
				   " WHERE campaign_id = ?")) ||
	    (rc = db_bind_int(s, 1, campaign_id)))
		return rc;
	rc = db_step_one(s);
	if (!rc) {
		if (reveal_day)
			*reveal_day = !strcmp(db_col_text(s, 0), "day");
		if (assigned_at && n)
			model_copy(assigned_at, n, db_col_text(s, 1));
	}
	db_reset(s);
	return rc == ERR_NOTFOUND ? 0 : rc;
}

int observer_campaign_set_reveal(struct db *d, int64_t campaign_id, bool reveal_day)
{
	int rc = plan_campaign_get(d, campaign_id, NULL, 0);
	if (rc)
		return rc;
	struct db_stmt *s = NULL;
	if ((rc = db_cached(d, &s, "INSERT INTO observe_campaign (campaign_id, reveal) VALUES (?, ?)"
				   " ON CONFLICT (campaign_id) DO UPDATE SET reveal = excluded.reveal")) ||
	    (rc = db_bind_int(s, 1, campaign_id)) ||
	    (rc = db_bind_text(s, 2, reveal_day ? "day" : "always", -1)))
		return rc;
	rc = db_step(s);
	db_reset(s);
	return model_done(rc);
}

/* ---- acts ---- */

/* Columns 0..21 of an act and its tables. */
#define ACT_COLS \
	"a.id, a.procedure_id, a.school_id, a.observer_id, ps.sit_date, a.started, a.ended, a.stages," \
	" a.no_violations, a.comment, a.source, coalesce(a.client_key, ''), a.submitted_by," \
	" a.submitted_at, p.code, p.subject, p.grade, s.login, s.name, o.code, o.name," \
	" coalesce(a.revised_at, '')"
#define ACT_FROM \
	" FROM act a JOIN plan_school ps ON ps.procedure_id = a.procedure_id AND ps.school_id = a.school_id" \
	" JOIN procedure p ON p.id = a.procedure_id JOIN school s ON s.id = a.school_id" \
	" JOIN observer o ON o.id = a.observer_id"

static void act_read(struct db_stmt *s, void *item)
{
	struct obs_act *a = item;
	memset(a, 0, sizeof *a);
	a->id = db_col_int(s, 0);
	a->procedure_id = db_col_int(s, 1);
	a->school_id = db_col_int(s, 2);
	a->observer_id = db_col_int(s, 3);
	model_copy(a->date, sizeof a->date, db_col_text(s, 4));
	model_copy(a->started, sizeof a->started, db_col_text(s, 5));
	model_copy(a->ended, sizeof a->ended, db_col_text(s, 6));
	a->stages = (int)db_col_int(s, 7);
	a->no_violations = db_col_int(s, 8) == 1;
	model_copy(a->comment, sizeof a->comment, db_col_text(s, 9));
	a->paper = !strcmp(db_col_text(s, 10), "paper");
	model_copy(a->client_key, sizeof a->client_key, db_col_text(s, 11));
	model_copy(a->submitted_by, sizeof a->submitted_by, db_col_text(s, 12));
	model_copy(a->submitted_at, sizeof a->submitted_at, db_col_text(s, 13));
	model_copy(a->procedure, sizeof a->procedure, db_col_text(s, 14));
	model_copy(a->subject, sizeof a->subject, db_col_text(s, 15));
	a->grade = (int)db_col_int(s, 16);
	model_copy(a->school_login, sizeof a->school_login, db_col_text(s, 17));
	model_copy(a->school_name, sizeof a->school_name, db_col_text(s, 18));
	model_copy(a->observer_code, sizeof a->observer_code, db_col_text(s, 19));
	model_copy(a->observer_name, sizeof a->observer_name, db_col_text(s, 20));
	model_copy(a->revised_at, sizeof a->revised_at, db_col_text(s, 21));
}

static int act_violations_fill(struct db *d, struct obs_act *a)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT kind_id FROM act_violation WHERE act_id = ? ORDER BY kind_id");
	if (rc || (rc = db_bind_int(s, 1, a->id)))
		return rc;
	a->nviolations = 0;
	while ((rc = db_step(s)) == DB_ROW)
		if (a->nviolations < OBS_MAX_VIOLATIONS)
			a->violations[a->nviolations++] = db_col_int(s, 0);
	db_reset(s);
	return model_done(rc);
}

/* The act stored under a client key: 0 with its id and observer, ERR_NOTFOUND. */
static int act_by_key(struct db *d, const char *key, int64_t *id, int64_t *observer_id)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT id, observer_id FROM act WHERE client_key = ?");
	if (rc || (rc = db_bind_text(s, 1, key, -1)))
		return rc;
	rc = db_step_one(s);
	if (!rc) {
		*id = db_col_int(s, 0);
		*observer_id = db_col_int(s, 1);
	}
	db_reset(s);
	return rc;
}

/* The checks of an act that need no database. */
static int act_check_fields(const struct obs_act *a, char *msg, size_t n)
{
	if (!plan_time_valid(a->started) || !plan_time_valid(a->ended)) {
		model_say(msg, n, "время начала и окончания наблюдения — в виде ЧЧ:ММ, например 09:00");
		return ERR_INVALID;
	}
	if (strcmp(a->ended, a->started) < 0) {
		model_say(msg, n, "время окончания наблюдения раньше времени начала");
		return ERR_INVALID;
	}
	if (a->stages < 0 || a->stages >= (1 << OBS_NSTAGES)) {
		model_say(msg, n, "неизвестный этап в перечне этапов наблюдения");
		return ERR_INVALID;
	}
	if (a->stages == 0) {
		/* An act says what the observer saw: at least one stage. */
		model_say(msg, n, "отметьте этапы, при которых вы присутствовали (хотя бы один)");
		return ERR_INVALID;
	}
	if (a->nviolations < 0 || a->nviolations > OBS_MAX_VIOLATIONS) {
		if (msg)
			snprintf(msg, n, "отмечено слишком много нарушений (не больше %d)", OBS_MAX_VIOLATIONS);
		return ERR_INVALID;
	}
	if (a->no_violations && a->nviolations > 0) {
		model_say(msg, n, "отмечены нарушения и «нарушений не выявлено» одновременно: выберите одно");
		return ERR_INVALID;
	}
	if (!a->no_violations && a->nviolations == 0) {
		model_say(msg, n, "отметьте выявленные нарушения или «нарушений не выявлено»");
		return ERR_INVALID;
	}
	size_t clen = strnlen(a->comment, OBS_COMMENT_MAX);
	if (clen >= OBS_COMMENT_MAX || !utf8_valid(a->comment, clen)) {
		if (msg)
			snprintf(msg, n, "комментарий длиннее %d байт или не в UTF-8", OBS_COMMENT_MAX - 1);
		return ERR_INVALID;
	}
	size_t klen = strnlen(a->client_key, sizeof a->client_key);
	if (klen >= sizeof a->client_key || !utf8_valid(a->client_key, klen)) {
		model_say(msg, n, "ключ акта браузера слишком длинный");
		return ERR_INVALID;
	}
	return 0;
}

int observer_act_put_in(struct db *d, struct obs_act *a, const char *by, int64_t *id, char *msg,
			size_t n)
{
	char date[PLAN_DATE_LEN], tm[PLAN_TIME_LEN], at[24];
	if (msg && n)
		msg[0] = '\0';
	int rc = act_check_fields(a, msg, n);
	if (rc)
		return rc;
	struct db_stmt *s = NULL;
	int64_t stored = 0, owner = 0;
	/* The same offline act sent again: nothing more to store. */
	if (a->client_key[0] && !(rc = act_by_key(d, a->client_key, &stored, &owner))) {
		if (owner != a->observer_id) {
			model_say(msg, n, "ключ акта уже использован другим наблюдателем");
			rc = ERR_INVALID;
			goto out;
		}
		*id = stored;
		a->id = stored;
		goto out;
	}
	if (rc && rc != ERR_NOTFOUND)
		goto out;
	if ((rc = sitting_when(d, a->procedure_id, a->school_id, date, tm, NULL, msg, n)))
		goto out;
	if (!observer_assigned_to(d, a->observer_id, a->procedure_id, a->school_id)) {
		model_say(msg, n, "наблюдатель не назначен на это проведение");
		rc = ERR_INVALID;
		goto out;
	}
	/* One person observes in one place at a time: an act whose hours overlap another act
	 * of the same observer that day is a slip (a wrong time or a wrong school). */
	if ((rc = db_cached(d, &s, "SELECT sc.name, o.started, o.ended FROM act o"
				   " JOIN plan_school ps ON ps.procedure_id = o.procedure_id AND ps.school_id = o.school_id"
				   " JOIN school sc ON sc.id = o.school_id"
				   " WHERE o.observer_id = ? AND ps.sit_date = ? AND o.started < ? AND o.ended > ?"
				   " AND NOT (o.procedure_id = ? AND o.school_id = ?) ORDER BY o.started LIMIT 1")) ||
	    (rc = db_bind_int(s, 1, a->observer_id)) || (rc = db_bind_text(s, 2, date, -1)) ||
	    (rc = db_bind_text(s, 3, a->ended, -1)) || (rc = db_bind_text(s, 4, a->started, -1)) ||
	    (rc = db_bind_int(s, 5, a->procedure_id)) || (rc = db_bind_int(s, 6, a->school_id)))
		goto out;
	rc = db_step_one(s);
	if (!rc) {
		char day[PLAN_DATE_LEN];
		plan_date_ru(date, day);
		if (msg && n) {
			/* Composed whole, then cut at a letter if the caller's room is short. */
			char t[900];
			snprintf(t, sizeof t, "%s с %s до %s наблюдатель был в школе «%s» (акт оттуда подан), а "
					      "время этого наблюдения с ним пересекается: проверьте время и школу",
				 day, db_col_text(s, 1), db_col_text(s, 2), db_col_text(s, 0));
			str_copy_utf8(msg, n, t);
		}
		rc = ERR_INVALID;
	}
	db_reset(s);
	if (rc != ERR_NOTFOUND)
		goto out;
	rc = 0;
	for (int i = 0; i < a->nviolations; i++) {
		if ((rc = db_cached(d, &s, "SELECT 1 FROM violation_kind WHERE id = ?")) ||
		    (rc = db_bind_int(s, 1, a->violations[i])))
			goto out;
		rc = db_step_one(s);
		db_reset(s);
		if (rc == ERR_NOTFOUND) {
			model_say(msg, n, "неизвестный вид нарушения (обновите список нарушений)");
			rc = ERR_INVALID;
		}
		if (rc)
			goto out;
	}
	model_now_iso(at);
	/* A correction by the same observer replaces its act and is dated as one; the first
	 * submission and client key stay, so a late resend of the first version does not undo
	 * the correction. */
	if ((rc = db_cached(d, &s, "INSERT INTO act (procedure_id, school_id, observer_id, started, ended,"
				   " stages, no_violations, comment, source, client_key, submitted_by, submitted_at)"
				   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
				   " ON CONFLICT (procedure_id, school_id, observer_id) DO UPDATE SET"
				   " started = excluded.started, ended = excluded.ended, stages = excluded.stages,"
				   " no_violations = excluded.no_violations, comment = excluded.comment,"
				   " source = excluded.source, client_key = coalesce(act.client_key, excluded.client_key),"
				   " revised_by = excluded.submitted_by, revised_at = excluded.submitted_at")) ||
	    (rc = db_bind_int(s, 1, a->procedure_id)) || (rc = db_bind_int(s, 2, a->school_id)) ||
	    (rc = db_bind_int(s, 3, a->observer_id)) || (rc = db_bind_text(s, 4, a->started, -1)) ||
	    (rc = db_bind_text(s, 5, a->ended, -1)) || (rc = db_bind_int(s, 6, a->stages)) ||
	    (rc = db_bind_int(s, 7, a->no_violations ? 1 : 0)) ||
	    (rc = db_bind_text(s, 8, a->comment, -1)) ||
	    (rc = db_bind_text(s, 9, a->paper ? "paper" : "online", -1)) ||
	    (rc = a->client_key[0] ? db_bind_text(s, 10, a->client_key, -1) : db_bind_null(s, 10)) ||
	    (rc = db_bind_text(s, 11, by ? by : "", -1)) || (rc = db_bind_text(s, 12, at, -1)))
		goto out;
	rc = db_step(s);
	db_reset(s);
	if (rc < 0)
		goto out;
	if ((rc = db_cached(d, &s, "SELECT id FROM act WHERE procedure_id = ? AND school_id = ?"
				   " AND observer_id = ?")) ||
	    (rc = db_bind_int(s, 1, a->procedure_id)) || (rc = db_bind_int(s, 2, a->school_id)) ||
	    (rc = db_bind_int(s, 3, a->observer_id)))
		goto out;
	rc = db_step_one(s);
	if (!rc)
		stored = db_col_int(s, 0);
	db_reset(s);
	if (rc)
		goto out;
	if ((rc = db_cached(d, &s, "DELETE FROM act_violation WHERE act_id = ?")) ||
	    (rc = db_bind_int(s, 1, stored)))
		goto out;
	rc = db_step(s);
	db_reset(s);
	if (rc < 0)
		goto out;
	rc = 0;
	for (int i = 0; i < a->nviolations && !rc; i++) {
		if ((rc = db_cached(d, &s, "INSERT INTO act_violation (act_id, kind_id) VALUES (?, ?)"
					   " ON CONFLICT (act_id, kind_id) DO NOTHING")) ||
		    (rc = db_bind_int(s, 1, stored)) || (rc = db_bind_int(s, 2, a->violations[i])))
			goto out;
		rc = model_done(db_step(s));
		db_reset(s);
	}
	if (rc)
		goto out;
	*id = stored;
	a->id = stored;
out:
	return rc;
}

int observer_act_put(struct db *d, struct obs_act *a, const char *by, int64_t *id, char *msg,
		     size_t n)
{
	int rc = db_begin(d);
	if (rc)
		return rc;
	if ((rc = observer_act_put_in(d, a, by, id, msg, n))) {
		db_rollback(d);
		return rc;
	}
	return db_commit(d);
}

int observer_act_get(struct db *d, int64_t act_id, struct obs_act *out)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT " ACT_COLS ACT_FROM " WHERE a.id = ?");
	if (rc || (rc = db_bind_int(s, 1, act_id)))
		return rc;
	rc = db_step_one(s);
	if (!rc)
		act_read(s, out);
	db_reset(s);
	return rc ? rc : act_violations_fill(d, out);
}

int observer_acts(struct db *d, const struct scope *sc, int64_t campaign_id,
		  struct obs_act **out, size_t *n)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT " ACT_COLS ACT_FROM
				   " JOIN plan_procedure pp ON pp.procedure_id = a.procedure_id"
				   " WHERE (?3 = 0 OR pp.campaign_id = ?3) AND " SCOPE_SQL("s")
				   " ORDER BY ps.sit_date, ps.sit_time, s.login, p.code, a.id");
	if (!rc && !(rc = scope_bind(s, sc ? sc : &all)))
		rc = db_bind_int(s, 3, campaign_id);
	*out = model_rows(&rc, s, sizeof **out, act_read, n);
	for (size_t i = 0; i < *n && !rc; i++)
		rc = act_violations_fill(d, &(*out)[i]);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* ---- violation kinds ---- */

static void kind_read(struct db_stmt *s, void *item)
{
	struct obs_violation_kind *k = item;
	k->id = db_col_int(s, 0);
	model_copy(k->title, sizeof k->title, db_col_text(s, 1));
	k->active = db_col_int(s, 2) == 1;
}

int observer_violation_kinds(struct db *d, bool active_only, struct obs_violation_kind **out,
			     size_t *n)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT id, title, active FROM violation_kind"
				   " WHERE (?1 = 0 OR active = 1) ORDER BY id");
	if (!rc)
		rc = db_bind_int(s, 1, active_only ? 1 : 0);
	*out = model_rows(&rc, s, sizeof **out, kind_read, n);
	return rc;
}

int observer_violation_kind_find(struct db *d, const char *title, int64_t *id)
{
	struct obs_violation_kind *k = NULL;
	size_t n = 0;
	int rc = observer_violation_kinds(d, false, &k, &n);
	if (rc)
		return rc;
	rc = ERR_NOTFOUND;
	for (size_t i = 0; i < n && rc; i++)
		if (str_fold_eq(k[i].title, title ? title : "")) {
			*id = k[i].id;
			rc = 0;
		}
	free(k);
	return rc;
}

/* A title trimmed into out; ERR_INVALID when empty, too long or not UTF-8. */
static int kind_title(const char *title, char out[256])
{
	if (!title)
		return ERR_INVALID;
	const char *t = title;
	size_t len = str_trim(&t, strlen(title));
	if (!len || len >= 256 || !utf8_valid(t, len))
		return ERR_INVALID;
	memcpy(out, t, len);
	out[len] = '\0';
	return 0;
}

int observer_violation_kind_add(struct db *d, const char *title, int64_t *id)
{
	char t[256];
	int rc = kind_title(title, t);
	if (rc)
		return rc;
	rc = observer_violation_kind_find(d, t, id);
	if (!rc)
		return ERR_EXISTS;
	if (rc != ERR_NOTFOUND)
		return rc;
	struct db_stmt *s = NULL;
	if ((rc = db_cached(d, &s, "INSERT INTO violation_kind (title) VALUES (?)")) ||
	    (rc = db_bind_text(s, 1, t, -1)))
		return rc;
	rc = db_step(s);
	db_reset(s);
	if (rc < 0)
		return rc;
	*id = db_last_id(d);
	return 0;
}

int observer_violation_kind_set(struct db *d, int64_t id, const char *title, bool active)
{
	char t[256] = "";
	int rc;
	if (title && *title) {
		if ((rc = kind_title(title, t)))
			return rc;
		int64_t other = 0;
		rc = observer_violation_kind_find(d, t, &other);
		if (!rc && other != id)
			return ERR_EXISTS;
		if (rc && rc != ERR_NOTFOUND)
			return rc;
	}
	struct db_stmt *s = NULL;
	if ((rc = db_cached(d, &s, "UPDATE violation_kind SET title = CASE WHEN ?1 = '' THEN title"
				   " ELSE ?1 END, active = ?2 WHERE id = ?3")) ||
	    (rc = db_bind_text(s, 1, t, -1)) || (rc = db_bind_int(s, 2, active ? 1 : 0)) ||
	    (rc = db_bind_int(s, 3, id)))
		return rc;
	rc = db_step(s);
	db_reset(s);
	if (rc < 0)
		return rc;
	return db_changes(d) > 0 ? 0 : ERR_NOTFOUND;
}

/* ---- video ---- */

int observer_video_put(struct db *d, const struct obs_video *v, const char *by, char *msg,
		       size_t n)
{
	char date[PLAN_DATE_LEN], tm[PLAN_TIME_LEN], at[24];
	if (msg && n)
		msg[0] = '\0';
	if (!obs_video_mode_title(v->mode)[0]) {
		model_say(msg, n, "видеонаблюдение: «нет», «запись» или «онлайн-трансляция»");
		return ERR_INVALID;
	}
	if (v->phase != OBS_PHASE_SITTING && v->phase != OBS_PHASE_CHECKING) {
		model_say(msg, n, "этап видеонаблюдения: проведение или проверка работ");
		return ERR_INVALID;
	}
	if (v->kept_until[0] && !plan_date_valid(v->kept_until)) {
		model_say(msg, n, "срок хранения записи — дата в виде ГГГГ-ММ-ДД, например 2021-07-01");
		return ERR_INVALID;
	}
	if (v->outage_minutes < 0 || v->outage_minutes > 24 * 60) {
		model_say(msg, n, "минуты без видеонаблюдения — число от 0 до 1440");
		return ERR_INVALID;
	}
	size_t wl = strnlen(v->kept_where, sizeof v->kept_where),
	       pl = strnlen(v->problems, sizeof v->problems);
	if (wl >= sizeof v->kept_where || pl >= sizeof v->problems || !utf8_valid(v->kept_where, wl) ||
	    !utf8_valid(v->problems, pl)) {
		model_say(msg, n, "место хранения или описание проблем слишком длинные");
		return ERR_INVALID;
	}
	int rc = sitting_when(d, v->procedure_id, v->school_id, date, tm, NULL, msg, n);
	if (rc)
		return rc;
	model_now_iso(at);
	struct db_stmt *s = NULL;
	if ((rc = db_cached(d, &s, "INSERT INTO video (procedure_id, school_id, phase, mode, kept_until,"
				   " kept_where, outage_minutes, problems, recorded_by, recorded_at)"
				   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
				   " ON CONFLICT (procedure_id, school_id, phase) DO UPDATE SET mode = excluded.mode,"
				   " kept_until = excluded.kept_until, kept_where = excluded.kept_where,"
				   " outage_minutes = excluded.outage_minutes, problems = excluded.problems,"
				   " recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at")) ||
	    (rc = db_bind_int(s, 1, v->procedure_id)) || (rc = db_bind_int(s, 2, v->school_id)) ||
	    (rc = db_bind_text(s, 3, phase_name(v->phase), -1)) || (rc = db_bind_text(s, 4, v->mode, -1)) ||
	    (rc = v->kept_until[0] ? db_bind_text(s, 5, v->kept_until, -1) : db_bind_null(s, 5)) ||
	    (rc = db_bind_text(s, 6, v->kept_where, -1)) || (rc = db_bind_int(s, 7, v->outage_minutes)) ||
	    (rc = db_bind_text(s, 8, v->problems, -1)) || (rc = db_bind_text(s, 9, by ? by : "", -1)) ||
	    (rc = db_bind_text(s, 10, at, -1)))
		return rc;
	rc = db_step(s);
	db_reset(s);
	return model_done(rc);
}

int observer_video_get(struct db *d, int64_t procedure_id, int64_t school_id,
		       enum obs_phase phase, struct obs_video *out)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT mode, coalesce(kept_until, ''), kept_where, outage_minutes,"
				  " problems, recorded_by, recorded_at FROM video"
				  " WHERE procedure_id = ? AND school_id = ? AND phase = ?");
	if (rc || (rc = db_bind_int(s, 1, procedure_id)) || (rc = db_bind_int(s, 2, school_id)) ||
	    (rc = db_bind_text(s, 3, phase_name(phase), -1)))
		return rc;
	rc = db_step_one(s);
	if (!rc) {
		memset(out, 0, sizeof *out);
		out->procedure_id = procedure_id;
		out->school_id = school_id;
		out->phase = phase;
		model_copy(out->mode, sizeof out->mode, db_col_text(s, 0));
		model_copy(out->kept_until, sizeof out->kept_until, db_col_text(s, 1));
		model_copy(out->kept_where, sizeof out->kept_where, db_col_text(s, 2));
		out->outage_minutes = (int)db_col_int(s, 3);
		model_copy(out->problems, sizeof out->problems, db_col_text(s, 4));
		model_copy(out->recorded_by, sizeof out->recorded_by, db_col_text(s, 5));
		model_copy(out->recorded_at, sizeof out->recorded_at, db_col_text(s, 6));
	}
	db_reset(s);
	return rc;
}

/* ---- coverage ---- */


/* The coverage's figures counted per school: x(school_id, n, obs) its sittings and those
 * with an observer, ac(school_id, n, nv) the acts of its sittings and those marking a
 * violation. */
#define COV_CTES \
	"x(school_id, n, obs) AS (SELECT ps.school_id, count(*)," \
	" sum(CASE WHEN ob.observer_id IS NULL THEN 0 ELSE 1 END)" \
	" FROM plan_procedure pp JOIN plan_school ps ON ps.procedure_id = pp.procedure_id" \
	" LEFT JOIN observation ob ON ob.procedure_id = ps.procedure_id AND ob.school_id = ps.school_id" \
	" WHERE " SITTING_WHERE " GROUP BY ps.school_id)," \
	" ac(school_id, n, nv) AS (SELECT ps.school_id, count(*)," \
	" sum(CASE WHEN EXISTS (SELECT 1 FROM act_violation av WHERE av.act_id = a.id) THEN 1 ELSE 0 END)" \
	" FROM act a JOIN plan_school ps ON ps.procedure_id = a.procedure_id AND ps.school_id = a.school_id" \
	" JOIN plan_procedure pp ON pp.procedure_id = ps.procedure_id" \
	" WHERE " SITTING_WHERE " GROUP BY ps.school_id)"

/* One cell of the coverage: the sittings of one municipality, school kind and priority. */
struct cov_cell {
	char mun[256], kind[32];
	int priority;
	long f[8]; /* sittings, observed, priority_observed, acts, acts_violations, video ×3 */
};

static void cell_read(struct db_stmt *s, void *item)
{
	struct cov_cell *c = item;
	model_copy(c->mun, sizeof c->mun, db_col_text(s, 0));
	model_copy(c->kind, sizeof c->kind, db_col_text(s, 1));
	c->priority = (int)db_col_int(s, 2);
	for (int k = 0; k < 8; k++)
		c->f[k] = (long)db_col_int(s, k + 3);
}

static void cov_add(struct obs_coverage *c, const struct cov_cell *x)
{
	c->sittings += x->f[0];
	c->observed += x->f[1];
	c->priority += x->priority ? x->f[0] : 0;
	c->priority_observed += x->f[2];
	c->acts += x->f[3];
	c->acts_violations += x->f[4];
	c->video_sitting += x->f[5];
	c->video_checking += x->f[6];
	c->video_problems += x->f[7];
}

static int cov_cmp(const void *a, const void *b)
{
	/* Bytewise, as ORDER BY orders text on both engines (BINARY; the C collation). */
	return strcmp(((const struct obs_coverage *)a)->group, ((const struct obs_coverage *)b)->group);
}

int observer_coverage_set(struct db *d, const struct scope *sc, int64_t campaign_id,
			  struct obs_coverage_set *out)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *s = NULL;
	/* One pass over the sittings into cells of (municipality, kind, priority), grouped three
	 * ways below. Every figure is counted per school first (COV_CTES), and a school's
	 * municipality, kind and priority are read once for all its sittings: the cells are
	 * sums of schools (22 ms → 10 ms when one query replaced three; then 130 M → 70 M
	 * instructions for the demo region when the sittings were no longer joined one by one
	 * to the school, the acts and the video; issue 21). */
	int rc = db_prepare(d, &s, PRIORITY_WITH ", " COV_CTES ","
				   " vi(school_id, vs, vc, vp) AS (SELECT ps.school_id,"
				   " sum(CASE WHEN v.phase = 'sitting' AND v.mode <> 'none' THEN 1 ELSE 0 END),"
				   " sum(CASE WHEN v.phase = 'checking' AND v.mode <> 'none' THEN 1 ELSE 0 END),"
				   " sum(CASE WHEN v.outage_minutes > 0 OR v.problems <> '' THEN 1 ELSE 0 END)"
				   " FROM video v JOIN plan_school ps ON ps.procedure_id = v.procedure_id"
				   "  AND ps.school_id = v.school_id"
				   " JOIN plan_procedure pp ON pp.procedure_id = ps.procedure_id"
				   " WHERE " SITTING_WHERE " GROUP BY ps.school_id),"
				   " y(gm, gk, pr, n, obs, acts, actv, vs, vc, vp) AS (SELECT"
				   " coalesce(m.name, 'муниципалитет не указан'), s.kind,"
				   " CASE WHEN pri.school_id IS NULL THEN 0 ELSE 1 END, x.n, x.obs,"
				   " coalesce(ac.n, 0), coalesce(ac.nv, 0), coalesce(vi.vs, 0), coalesce(vi.vc, 0),"
				   " coalesce(vi.vp, 0)"
				   " FROM x JOIN school s ON s.id = x.school_id"
				   " LEFT JOIN municipality m ON m.id = s.municipality_id"
				   " LEFT JOIN pri ON pri.school_id = s.id LEFT JOIN ac ON ac.school_id = x.school_id"
				   " LEFT JOIN vi ON vi.school_id = x.school_id WHERE " SCOPE_SQL("s") ")"
				   " SELECT gm, gk, pr, sum(n), sum(obs), sum(pr * obs), sum(acts), sum(actv),"
				   " sum(vs), sum(vc), sum(vp) FROM y GROUP BY gm, gk, pr");
	if (!rc && !(rc = scope_bind(s, sc ? sc : &all)))
		rc = db_bind_int(s, 3, campaign_id);
	size_t nc = 0;
	struct cov_cell *c = model_rows(&rc, s, sizeof *c, cell_read, &nc);
	if (rc)
		goto out;
	size_t cap[OBS_NGROUPS] = { 0 };
	for (int g = 0; g < OBS_NGROUPS; g++)
		model_copy(out->total[g].group, sizeof out->total[g].group, "Итого");
	for (size_t i = 0; i < nc; i++) {
		const char *name[OBS_NGROUPS] = { c[i].mun, c[i].kind,
						  c[i].priority ? "в зоне риска" : "вне зоны риска" };
		for (int g = 0; g < OBS_NGROUPS; g++) {
			size_t k = 0;
			while (k < out->n[g] && strcmp(out->v[g][k].group, name[g]))
				k++;
			if (k == out->n[g]) {
				out->v[g] = xgrow(out->v[g], &cap[g], k + 1, sizeof *out->v[g]);
				memset(&out->v[g][k], 0, sizeof *out->v[g]);
				model_copy(out->v[g][k].group, sizeof out->v[g][k].group, name[g]);
				out->n[g]++;
			}
			cov_add(&out->v[g][k], &c[i]);
			cov_add(&out->total[g], &c[i]);
		}
	}
	for (int g = 0; g < OBS_NGROUPS; g++)
		if (out->n[g] > 1)
			qsort(out->v[g], out->n[g], sizeof *out->v[g], cov_cmp);
out:
	free(c);
	if (rc)
		observer_coverage_set_free(out);
	return rc;
}

void observer_coverage_set_free(struct obs_coverage_set *set)
{
	for (int g = 0; g < OBS_NGROUPS; g++) {
		free(set->v[g]);
		set->v[g] = NULL;
		set->n[g] = 0;
	}
}

int observer_coverage(struct db *d, const struct scope *sc, int64_t campaign_id,
		      enum obs_group by, struct obs_coverage **out, size_t *n,
		      struct obs_coverage *total)
{
	struct obs_coverage_set set;
	*out = NULL;
	*n = 0;
	memset(total, 0, sizeof *total);
	model_copy(total->group, sizeof total->group, "Итого");
	int rc = observer_coverage_set(d, sc, campaign_id, &set);
	if (rc)
		return rc;
	*out = set.v[by];
	*n = set.n[by];
	*total = set.total[by];
	set.v[by] = NULL;
	observer_coverage_set_free(&set);
	return 0;
}

int observer_coverage_totals(struct db *d, const struct scope *sc, int64_t campaign_id,
			     struct obs_coverage *t)
{
	memset(t, 0, sizeof *t);
	model_copy(t->group, sizeof t->group, "Итого");
	struct db_stmt *s = NULL;
	/* observer_coverage_set's sums without the video and the grouping: 45 M instructions
	 * for the demo region where the whole set took 130 M (issue 21). */
	int rc = db_prepare(d, &s, PRIORITY_WITH ", " COV_CTES
				   " SELECT coalesce(sum(x.n), 0), coalesce(sum(x.obs), 0),"
				   " coalesce(sum(CASE WHEN pri.school_id IS NULL THEN 0 ELSE x.n END), 0),"
				   " coalesce(sum(CASE WHEN pri.school_id IS NULL THEN 0 ELSE x.obs END), 0),"
				   " coalesce(sum(ac.n), 0), coalesce(sum(ac.nv), 0)"
				   " FROM x JOIN school s ON s.id = x.school_id LEFT JOIN pri ON pri.school_id = s.id"
				   " LEFT JOIN ac ON ac.school_id = x.school_id WHERE " SCOPE_SQL("s"));
	if (rc || (rc = scope_bind(s, sc ? sc : &all)) || (rc = db_bind_int(s, 3, campaign_id)))
		goto out;
	if ((rc = db_step(s)) == DB_ROW) {
		t->sittings = (long)db_col_int(s, 0);
		t->observed = (long)db_col_int(s, 1);
		t->priority = (long)db_col_int(s, 2);
		t->priority_observed = (long)db_col_int(s, 3);
		t->acts = (long)db_col_int(s, 4);
		t->acts_violations = (long)db_col_int(s, 5);
	}
	rc = model_done(rc);
out:
	db_finalize(s);
	return rc;
}

static void count_read(struct db_stmt *s, void *item)
{
	struct obs_violation_count *c = item;
	model_copy(c->violation, sizeof c->violation, db_col_text(s, 0));
	model_copy(c->school_login, sizeof c->school_login, db_col_text(s, 1));
	model_copy(c->school_name, sizeof c->school_name, db_col_text(s, 2));
	model_copy(c->municipality, sizeof c->municipality, db_col_text(s, 3));
	c->acts = (long)db_col_int(s, 4);
}

int observer_violation_counts(struct db *d, const struct scope *sc, int64_t campaign_id,
			      struct obs_violation_count **out, size_t *n)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT vk.title, s.login, s.name, coalesce(m.name, ''), count(DISTINCT a.id)"
				   " FROM act a JOIN act_violation av ON av.act_id = a.id"
				   " JOIN violation_kind vk ON vk.id = av.kind_id"
				   " JOIN plan_procedure pp ON pp.procedure_id = a.procedure_id"
				   " JOIN school s ON s.id = a.school_id"
				   " LEFT JOIN municipality m ON m.id = s.municipality_id"
				   " WHERE (?3 = 0 OR pp.campaign_id = ?3) AND " SCOPE_SQL("s")
				   " GROUP BY vk.id, vk.title, s.id, s.login, s.name, m.name"
				   " ORDER BY vk.id, m.name, s.login");
	if (!rc && !(rc = scope_bind(s, sc ? sc : &all)))
		rc = db_bind_int(s, 3, campaign_id);
	*out = model_rows(&rc, s, sizeof **out, count_read, n);
	return rc;
}
