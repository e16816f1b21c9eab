/* plan: campaigns, their procedures' dates, participating schools with their dates,
 * coordinators, and the upload monitoring against the deadlines. See plan.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "base/ru.h"
#include "base/log.h"
#include "base/mem.h"
#include "model/plan.h"
#include "model/pupil.h"
#include "model/scope.h"

static const struct {
	const char *name, *title;
} fields[PLAN_NFIELDS] = {
	{ "materials_from", "материалы доступны с" },
	{ "window_from", "начало периода проведения" },
	{ "window_to", "конец периода проведения" },
	{ "criteria_from", "критерии доступны с" },
	{ "form_from", "форма сбора результатов доступна с" },
	{ "upload_deadline", "срок загрузки результатов" },
};

const char *plan_field_name(enum plan_field f)
{
	return f < PLAN_NFIELDS ? fields[f].name : "";
}

const char *plan_field_title(enum plan_field f)
{
	return f < PLAN_NFIELDS ? fields[f].title : "";
}

/* ---- clock and dates ---- */

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static bool ymd(const char *s, int *y, int *m, int *d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (!s || strlen(s) < 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, y) ||
	    digits(s + 5, 2, m) || digits(s + 8, 2, d))
		return false;
	if (*y < 2000 || *y > 2100 || *m < 1 || *m > 12 || *d < 1)
		return false;
	bool leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
	return *d <= mdays[*m - 1] + (*m == 2 && leap);
}

bool plan_date_valid(const char *s)
{
	int y, m, d;
	return s && strlen(s) == 10 && ymd(s, &y, &m, &d);
}

bool plan_time_valid(const char *s)
{
	int h, m;
	return s && strlen(s) == 5 && s[2] == ':' && !digits(s, 2, &h) && !digits(s + 3, 2, &m) &&
	       h < 24 && m < 60;
}

int64_t plan_now(void)
{
	/* For tests only (docs/plan.md): the one place where the clock can be injected. */
	const char *env = getenv("OKO_NOW");
	int y, mo, d, h, mi, se;
	if (env && *env) {
		if (strlen(env) == 20 && ymd(env, &y, &mo, &d) && env[10] == 'T' && env[13] == ':' &&
		    env[16] == ':' && env[19] == 'Z' && !digits(env + 11, 2, &h) &&
		    !digits(env + 14, 2, &mi) && !digits(env + 17, 2, &se) && h < 24 && mi < 60 && se < 61) {
			struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
					 .tm_min = mi, .tm_sec = se };
			return (int64_t)timegm(&tm);
		}
		log_msg(LOG_WARN, "OKO_NOW=%s не в формате ГГГГ-ММ-ДДTЧЧ:ММ:ССZ: используются часы сервера", env);
	}
	return (int64_t)time(NULL);
}

void plan_date_of(int64_t t, char out[PLAN_DATE_LEN])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, PLAN_DATE_LEN, "%Y-%m-%d", &tm);
}

void plan_date_ru(const char *iso, char out[PLAN_DATE_LEN])
{
	if (!plan_date_valid(iso)) {
		snprintf(out, PLAN_DATE_LEN, "%s", iso ? iso : "");
		return;
	}
	snprintf(out, PLAN_DATE_LEN, "%.2s.%.2s.%.4s", iso + 8, iso + 5, iso);
}

int plan_dates_check(const struct plan_dates *p, enum plan_field *field, char *msg, size_t msglen)
{
	for (int f = 0; f < PLAN_NFIELDS; f++) {
		if (!plan_date_valid(p->d[f])) {
			*field = (enum plan_field)f;
			snprintf(msg, msglen, "%s: нужна дата в виде ГГГГ-ММ-ДД, например 2021-04-13",
				 fields[f].title);
			return ERR_INVALID;
		}
	}
	/* Each rule: date a must not be later than date b; the field blamed is blame. */
	static const struct {
		enum plan_field a, b, blame;
		const char *why;
	} rules[] = {
		{ PLAN_WINDOW_FROM, PLAN_WINDOW_TO, PLAN_WINDOW_TO,
		  "конец периода проведения раньше его начала" },
		{ PLAN_MATERIALS, PLAN_WINDOW_FROM, PLAN_MATERIALS,
		  "материалы должны быть доступны не позже начала периода проведения" },
		{ PLAN_WINDOW_TO, PLAN_DEADLINE, PLAN_DEADLINE,
		  "срок загрузки результатов раньше конца периода проведения" },
		{ PLAN_WINDOW_FROM, PLAN_CRITERIA, PLAN_CRITERIA,
		  "критерии оценивания выдаются после работы: не раньше начала периода проведения" },
		{ PLAN_CRITERIA, PLAN_DEADLINE, PLAN_CRITERIA,
		  "критерии должны быть доступны до срока загрузки результатов" },
		{ PLAN_FORM, PLAN_DEADLINE, PLAN_FORM,
		  "форма сбора результатов должна быть доступна до срока загрузки" },
	};
	for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
		if (strcmp(p->d[rules[i].a], p->d[rules[i].b]) > 0) {
			*field = rules[i].blame;
			snprintf(msg, msglen, "%s (%s %s, %s %s)", rules[i].why, fields[rules[i].a].title,
				 p->d[rules[i].a], fields[rules[i].b].title, p->d[rules[i].b]);
			return ERR_INVALID;
		}
	}
	return 0;
}

/* The scope of a caller that passes none (the command line): everything. */
static const struct scope all = { SCOPE_ALL, 0 };


static int done(int rc)
{
	return rc < 0 ? rc : 0;
}

/* ---- campaigns and procedures ---- */

int plan_campaign_find(struct db *d, const char *name, int64_t *id)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT id FROM campaign WHERE name = ?");
	if (rc || (rc = db_bind_text(s, 1, name, -1)))
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW)
		*id = db_col_int(s, 0);
	db_reset(s);
	return rc == DB_ROW ? 0 : rc < 0 ? rc : ERR_NOTFOUND;
}

int plan_campaign_get(struct db *d, int64_t id, char *name, size_t n)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT name FROM campaign WHERE id = ?");
	if (rc || (rc = db_bind_int(s, 1, id)))
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW && name)
		snprintf(name, n, "%s", db_col_text(s, 0));
	db_reset(s);
	return rc == DB_ROW ? 0 : rc < 0 ? rc : ERR_NOTFOUND;
}

int plan_campaign_put(struct db *d, const char *name, int64_t *id, bool *created)
{
	*created = false;
	if (!name || !*name || strlen(name) >= PLAN_NAME_MAX)
		return ERR_INVALID;
	int rc = plan_campaign_find(d, name, id);
	if (rc != ERR_NOTFOUND)
		return rc;
	struct db_stmt *s = NULL;
	if ((rc = db_cached(d, &s, "INSERT INTO campaign(name) VALUES (?)")) ||
	    (rc = db_bind_text(s, 1, name, -1)))
		return rc;
	rc = db_step(s);
	db_reset(s);
	if (rc < 0)
		return rc;
	*id = db_last_id(d);
	*created = true;
	return 0;
}

int plan_procedure_get(struct db *d, int64_t procedure_id, int64_t *campaign_id,
		       struct plan_dates *p)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT campaign_id, materials_from, window_from, window_to,"
				  " criteria_from, form_from, upload_deadline FROM plan_procedure"
				  " WHERE procedure_id = ?");
	if (rc || (rc = db_bind_int(s, 1, procedure_id)))
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		if (campaign_id)
			*campaign_id = db_col_int(s, 0);
		for (int f = 0; p && f < PLAN_NFIELDS; f++)
			snprintf(p->d[f], PLAN_DATE_LEN, "%s", db_col_text(s, f + 1));
	}
	db_reset(s);
	return rc == DB_ROW ? 0 : rc < 0 ? rc : ERR_NOTFOUND;
}

int plan_procedure_put(struct db *d, int64_t campaign_id, int64_t procedure_id,
		       const struct plan_dates *p, char *msg, size_t msglen)
{
	enum plan_field f;
	int rc = plan_dates_check(p, &f, msg, msglen);
	if (rc)
		return rc;
	int64_t other = 0;
	rc = plan_procedure_get(d, procedure_id, &other, NULL);
	if (rc && rc != ERR_NOTFOUND)
		return rc;
	if (!rc && other != campaign_id) {
		char name[PLAN_NAME_MAX] = "";
		plan_campaign_get(d, other, name, sizeof name);
		snprintf(msg, msglen, "процедура уже включена в план-график «%s»", name);
		return ERR_EXISTS;
	}
	struct db_stmt *s = NULL;
	/* Schools that fixed a date outside the new window would be left inconsistent. */
	int64_t outside = 0;
	if ((rc = db_cached(d, &s, "SELECT count(*) FROM plan_school WHERE procedure_id = ?"
				   " AND sit_date IS NOT NULL AND (sit_date < ? OR sit_date > ?)")) ||
	    (rc = db_bind_int(s, 1, procedure_id)) ||
	    (rc = db_bind_text(s, 2, p->d[PLAN_WINDOW_FROM], -1)) ||
	    (rc = db_bind_text(s, 3, p->d[PLAN_WINDOW_TO], -1)))
		return rc;
	if ((rc = db_step(s)) == DB_ROW)
		outside = db_col_int(s, 0);
	db_reset(s);
	if (rc < 0)
		return rc;
	if (outside) {
		snprintf(msg, msglen, "школ, уже назначивших дату вне нового периода проведения: %lld; "
				      "сначала согласуйте с ними перенос", (long long)outside);
		return ERR_INVALID;
	}
	if ((rc = db_cached(d, &s, "INSERT INTO plan_procedure(procedure_id, campaign_id, materials_from,"
				   " window_from, window_to, criteria_from, form_from, upload_deadline)"
				   " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(procedure_id) DO UPDATE SET"
				   " materials_from = excluded.materials_from, window_from = excluded.window_from,"
				   " window_to = excluded.window_to, criteria_from = excluded.criteria_from,"
				   " form_from = excluded.form_from, upload_deadline = excluded.upload_deadline")) ||
	    (rc = db_bind_int(s, 1, procedure_id)) || (rc = db_bind_int(s, 2, campaign_id)))
		return rc;
	for (int k = 0; k < PLAN_NFIELDS; k++)
		if ((rc = db_bind_text(s, k + 3, p->d[k], -1)))
			return rc;
	rc = db_step(s);
	db_reset(s);
	return done(rc);
}

int plan_assign(struct db *d, const struct scope *sc, int64_t campaign_id, int64_t procedure_id,
		int64_t school_id, int64_t municipality_id, const char *by, long *added)
{
	*added = 0;
	int rc;
	if (procedure_id) {
		int64_t c = 0;
		if ((rc = plan_procedure_get(d, procedure_id, &c, NULL)))
			return rc;
		if (c != campaign_id)
			return ERR_NOTFOUND;
	}
	struct db_stmt *s = NULL;
	if ((rc = db_cached(d, &s, "INSERT INTO plan_school(procedure_id, school_id, assigned_by)"
				   " SELECT pp.procedure_id, s.id, ?7 FROM plan_procedure pp, school s"
				   " WHERE pp.campaign_id = ?3 AND (?4 = 0 OR pp.procedure_id = ?4)"
				   " AND (?5 = 0 OR s.id = ?5) AND (?6 = 0 OR s.municipality_id = ?6)"
				   " AND " SCOPE_SQL("s") " ON CONFLICT (procedure_id, school_id) DO NOTHING")) ||
	    (rc = scope_bind(s, sc)) || (rc = db_bind_int(s, 3, campaign_id)) ||
	    (rc = db_bind_int(s, 4, procedure_id)) || (rc = db_bind_int(s, 5, school_id)) ||
	    (rc = db_bind_int(s, 6, municipality_id)) || (rc = db_bind_text(s, 7, by ? by : "", -1)))
		return rc;
	rc = db_step(s);
	db_reset(s);
	if (rc < 0)
		return rc;
	*added = (long)db_changes(d);
	return 0;
}

int plan_unassign(struct db *d, const struct scope *sc, int64_t procedure_id, int64_t school_id,
		  bool *observer_dropped, char *msg, size_t msglen)
{
	struct db_stmt *s = NULL;
	bool in_tx = false;
	*observer_dropped = false;
	msg[0] = '\0';
	int rc = db_begin(d);
	if (rc)
		return rc;
	in_tx = true;
	/* What the school has done in the procedure, and how many schools are assigned. */
	if ((rc = db_prepare(d, &s, "SELECT"
				    " (SELECT count(*) FROM result WHERE procedure_id = ?3 AND school_id = ?4),"
				    " (SELECT count(*) FROM act WHERE procedure_id = ?3 AND school_id = ?4),"
				    " (SELECT count(*) FROM video WHERE procedure_id = ?3 AND school_id = ?4),"
				    " (SELECT count(*) FROM material_download WHERE procedure_id = ?3"
				    "   AND school_id = ?4 AND given = 1),"
				    " (SELECT count(*) FROM observation WHERE procedure_id = ?3 AND school_id = ?4),"
				    " (SELECT count(*) FROM plan_school WHERE procedure_id = ?3)"
				    " FROM plan_school ps JOIN school s ON s.id = ps.school_id"
				    " WHERE ps.procedure_id = ?3 AND ps.school_id = ?4 AND " SCOPE_SQL("s"))) ||
	    (rc = scope_bind(s, sc)) || (rc = db_bind_int(s, 3, procedure_id)) ||
	    (rc = db_bind_int(s, 4, school_id)))
		goto out;
	rc = db_step(s);
	if (rc < 0)
		goto out;
	if (rc != DB_ROW) {
		snprintf(msg, msglen, "школа не назначена на эту процедуру");
		rc = ERR_NOTFOUND;
		goto out;
	}
	int64_t results = db_col_int(s, 0), acts = db_col_int(s, 1), video = db_col_int(s, 2),
		given = db_col_int(s, 3), observed = db_col_int(s, 4), assigned = db_col_int(s, 5);
	db_finalize(s);
	s = NULL;
	rc = ERR_EXISTS;
	if (results)
		snprintf(msg, msglen, "у школы уже есть результаты этой процедуры (%lld): школа в ней "
				      "участвовала, и снять её с процедуры нельзя", (long long)results);
	else if (acts)
		snprintf(msg, msglen, "по проведению в школе уже есть акт наблюдения: школа в процедуре "
				      "участвовала, и снять её нельзя");
	else if (video)
		snprintf(msg, msglen, "школа уже отметила видеонаблюдение проведения: снять её нельзя");
	else if (given)
		snprintf(msg, msglen, "школа уже получила материалы процедуры: снять её нельзя");
	else if (assigned <= 1)
		snprintf(msg, msglen, "это последняя назначенная школа процедуры, а процедура без "
				      "назначенных школ открыта всем школам: сначала назначьте другие школы");
	else
		rc = 0;
	if (rc)
		goto out;
	static const char *const drop[] = {
		"DELETE FROM observation WHERE procedure_id = ? AND school_id = ?",
		"DELETE FROM plan_school WHERE procedure_id = ? AND school_id = ?",
	};
	for (size_t i = 0; i < sizeof drop / sizeof *drop; i++) {
		if ((rc = db_prepare(d, &s, drop[i])))
			goto out;
		db_bind_int(s, 1, procedure_id);
		db_bind_int(s, 2, school_id);
		if ((rc = db_step(s)) < 0)
			goto out;
		db_finalize(s);
		s = NULL;
	}
	if ((rc = db_commit(d)))
		goto out;
	in_tx = false;
	*observer_dropped = observed > 0;
out:
	db_finalize(s);
	if (in_tx)
		db_rollback(d);
	return rc < 0 ? rc : 0;
}

int plan_fix_date(struct db *d, int64_t procedure_id, int64_t school_id, const char *class_name,
		  const char *date, const char *time_s, const char *by, char *msg, size_t msglen)
{
	char wf[PLAN_DATE_LEN], wt[PLAN_DATE_LEN], cur_d[PLAN_DATE_LEN] = "", cur_t[PLAN_TIME_LEN] = "";
	char code[40];
	int grade = 0, rc;
	bool assigned = false;
	msg[0] = '\0';
	if (!plan_date_valid(date)) {
		snprintf(msg, msglen, "дата проведения должна быть в виде ГГГГ-ММ-ДД, например 2021-04-13");
		return ERR_INVALID;
	}
	if (!plan_time_valid(time_s)) {
		snprintf(msg, msglen, "время начала должно быть в виде ЧЧ:ММ, например 09:00");
		return ERR_INVALID;
	}
	struct db_stmt *s = NULL;
	if ((rc = db_cached(d, &s, "SELECT pp.window_from, pp.window_to, p.grade, p.code,"
				   " ps.school_id IS NOT NULL, coalesce(ps.sit_date, ''), coalesce(ps.sit_time, '')"
				   " FROM plan_procedure pp JOIN procedure p ON p.id = pp.procedure_id"
				   " LEFT JOIN plan_school ps ON ps.procedure_id = pp.procedure_id AND ps.school_id = ?"
				   " WHERE pp.procedure_id = ?")) ||
	    (rc = db_bind_int(s, 1, school_id)) || (rc = db_bind_int(s, 2, procedure_id)))
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		snprintf(wf, sizeof wf, "%s", db_col_text(s, 0));
		snprintf(wt, sizeof wt, "%s", db_col_text(s, 1));
		grade = (int)db_col_int(s, 2);
		snprintf(code, sizeof code, "%s", db_col_text(s, 3));
		assigned = db_col_int(s, 4) != 0;
		snprintf(cur_d, sizeof cur_d, "%s", db_col_text(s, 5));
		snprintf(cur_t, sizeof cur_t, "%s", db_col_text(s, 6));
	}
	db_reset(s);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW || !assigned) {
		snprintf(msg, msglen, rc != DB_ROW ? "процедура не включена в план-график"
						   : "школа не назначена участницей этой процедуры");
		return ERR_NOTFOUND;
	}
	char a[PLAN_DATE_LEN], b[PLAN_DATE_LEN];
	/* A sitting with an observer (or its act) keeps its date: the observer's other
	 * sittings, days and limit were checked against it. */
	if (cur_d[0] && (strcmp(cur_d, date) || strcmp(cur_t, time_s))) {
		int64_t acts = 0, observed = 0;
		if ((rc = db_cached(d, &s, "SELECT (SELECT count(*) FROM act WHERE procedure_id = ?1"
					   " AND school_id = ?2), (SELECT count(*) FROM observation"
					   " WHERE procedure_id = ?1 AND school_id = ?2)")) ||
		    (rc = db_bind_int(s, 1, procedure_id)) || (rc = db_bind_int(s, 2, school_id)))
			return rc;
		if ((rc = db_step(s)) == DB_ROW) {
			acts = db_col_int(s, 0);
			observed = db_col_int(s, 1);
		}
		db_reset(s);
		if (rc < 0)
			return rc;
		if (acts || observed) {
			snprintf(msg, msglen, acts ? "по проведению %s уже подан акт наблюдения: дату и время "
						     "изменить нельзя"
						   : "на проведение %s назначен наблюдатель: чтобы перенести "
						     "дату, координатор сначала снимает его (страница "
						     "«Наблюдатели»)", code);
			return ERR_INVALID;
		}
	}
	if (strcmp(date, wf) < 0 || strcmp(date, wt) > 0) {
		plan_date_ru(wf, a);
		plan_date_ru(wt, b);
		snprintf(msg, msglen, "дата вне периода проведения %s: с %s по %s", code, a, b);
		return ERR_INVALID;
	}
	if (class_name && *class_name) {
		char cn[PUPIL_CLASS_MAX];
		int g = 0;
		if (pupil_class_norm(class_name, cn, &g)) {
			snprintf(msg, msglen, "«%s» — не название класса (например 4А)", class_name);
			return ERR_INVALID;
		}
		if (g != grade) {
			snprintf(msg, msglen, "класс %s не из %d-х классов: процедура %s проводится в %d-х "
					      "классах", cn, grade, code, grade);
			return ERR_INVALID;
		}
		if (cur_d[0] && (strcmp(cur_d, date) || strcmp(cur_t, time_s))) {
			plan_date_ru(cur_d, a);
			snprintf(msg, msglen, "все классы параллели пишут работу одновременно: для %d-х "
					      "классов уже назначено %s %s, класс %s не может писать в другое "
					      "время; чтобы перенести, измените дату для всей параллели",
				 grade, a, cur_t, cn);
			return ERR_INVALID;
		}
	}
	if ((rc = db_cached(d, &s, "UPDATE plan_school SET sit_date = ?, sit_time = ?, fixed_by = ?"
				   " WHERE procedure_id = ? AND school_id = ?")) ||
	    (rc = db_bind_text(s, 1, date, -1)) || (rc = db_bind_text(s, 2, time_s, -1)) ||
	    (rc = db_bind_text(s, 3, by ? by : "", -1)) || (rc = db_bind_int(s, 4, procedure_id)) ||
	    (rc = db_bind_int(s, 5, school_id)))
		return rc;
	rc = db_step(s);
	db_reset(s);
	return done(rc);
}

int plan_coordinator_add(struct db *d, int64_t campaign_id, int64_t user_id, const char *by,
			 bool *added)
{
	struct user u;
	*added = false;
	int rc = user_get(d, user_id, &u);
	if (rc)
		return rc;
	if (u.role != ROLE_MUNICIPALITY && u.role != ROLE_SCHOOL)
		return ERR_INVALID;
	struct db_stmt *s = NULL;
	if ((rc = db_cached(d, &s, "INSERT INTO campaign_coordinator(campaign_id, user_id,"
				   " appointed_by) VALUES (?, ?, ?) ON CONFLICT (campaign_id, user_id) DO NOTHING")) ||
	    (rc = db_bind_int(s, 1, campaign_id)) || (rc = db_bind_int(s, 2, user_id)) ||
	    (rc = db_bind_text(s, 3, by ? by : "", -1)))
		return rc;
	rc = db_step(s);
	db_reset(s);
	if (rc < 0)
		return rc;
	*added = db_changes(d) > 0;
	return 0;
}

int plan_rows(struct db *d, int64_t campaign_id, int64_t school_id, const struct scope *sc,
	      struct plan_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct db_stmt *s = NULL;
	int rc;
	if (school_id)
		rc = db_prepare(d, &s, "SELECT p.id, p.code, p.subject, p.grade, pp.materials_from,"
				       " pp.window_from, pp.window_to, pp.criteria_from, pp.form_from,"
				       " pp.upload_deadline, 1, ps.sit_date IS NOT NULL,"
				       " coalesce(ps.sit_date, ''), coalesce(ps.sit_time, '')"
				       " FROM plan_procedure pp JOIN procedure p ON p.id = pp.procedure_id"
				       " JOIN plan_school ps ON ps.procedure_id = pp.procedure_id AND ps.school_id = ?1"
				       " WHERE pp.campaign_id = ?2"
				       " ORDER BY pp.window_from, p.code");
	else
		rc = db_prepare(d, &s, "SELECT p.id, p.code, p.subject, p.grade, pp.materials_from,"
				       " pp.window_from, pp.window_to, pp.criteria_from, pp.form_from,"
				       " pp.upload_deadline,"
				       " (SELECT count(*) FROM plan_school ps JOIN school s ON s.id = ps.school_id"
				       "  WHERE ps.procedure_id = p.id AND " SCOPE_SQL("s") "),"
				       " (SELECT count(*) FROM plan_school ps JOIN school s ON s.id = ps.school_id"
				       "  WHERE ps.procedure_id = p.id AND ps.sit_date IS NOT NULL AND " SCOPE_SQL("s") "),"
				       " '', '' FROM plan_procedure pp JOIN procedure p ON p.id = pp.procedure_id"
				       " WHERE pp.campaign_id = ?3 ORDER BY pp.window_from, p.code");
	if (rc)
		goto out;
	if (school_id ? (rc = db_bind_int(s, 1, school_id)) || (rc = db_bind_int(s, 2, campaign_id))
		      : (rc = scope_bind(s, sc ? sc : &all)) || (rc = db_bind_int(s, 3, campaign_id)))
		goto out;
	size_t cap = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		*out = xgrow(*out, &cap, *n + 1, sizeof **out);
		struct plan_row *r = &(*out)[(*n)++];
		memset(r, 0, sizeof *r);
		r->procedure_id = db_col_int(s, 0);
		snprintf(r->code, sizeof r->code, "%s", db_col_text(s, 1));
		snprintf(r->subject, sizeof r->subject, "%s", db_col_text(s, 2));
		r->grade = (int)db_col_int(s, 3);
		for (int f = 0; f < PLAN_NFIELDS; f++)
			snprintf(r->dates.d[f], PLAN_DATE_LEN, "%s", db_col_text(s, 4 + f));
		r->assigned = (long)db_col_int(s, 10);
		r->fixed = (long)db_col_int(s, 11);
		snprintf(r->sit_date, sizeof r->sit_date, "%s", db_col_text(s, 12));
		snprintf(r->sit_time, sizeof r->sit_time, "%s", db_col_text(s, 13));
	}
	rc = done(rc);
out:
	db_finalize(s);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int plan_coordinators(struct db *d, int64_t campaign_id, const struct scope *sc,
		      struct plan_coord **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT u.login, u.name, u.role, coalesce(u.municipality_id, 0),"
				   " coalesce(u.school_id, 0),"
				   " CASE u.role WHEN 'municipality' THEN coalesce(m.name, '')"
				   " ELSE coalesce(sm.name || ' (' || sm.login || ')', '') END"
				   " FROM campaign_coordinator c JOIN \"user\" u ON u.id = c.user_id"
				   " LEFT JOIN municipality m ON m.id = u.municipality_id"
				   " LEFT JOIN school sm ON sm.id = u.school_id"
				   " WHERE c.campaign_id = ? ORDER BY u.role, 6, u.login");
	if (rc || (rc = db_bind_int(s, 1, campaign_id)))
		goto out;
	size_t cap = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		bool mun = !strcmp(db_col_text(s, 2), "municipality");
		int64_t umun = db_col_int(s, 3), usch = db_col_int(s, 4);
		bool visible = !sc ? true
			       : !mun ? scope_sees_school(d, sc, usch)
			       : sc->kind == SCOPE_SCHOOL
				       ? scope_sees_school(d, &(struct scope){ SCOPE_MUNICIPALITY, umun }, sc->id)
				       : scope_sees_municipality(d, sc, umun);
		if (!visible)
			continue;
		*out = xgrow(*out, &cap, *n + 1, sizeof **out);
		struct plan_coord *c = &(*out)[(*n)++];
		snprintf(c->login, sizeof c->login, "%s", db_col_text(s, 0));
		snprintf(c->name, sizeof c->name, "%s", db_col_text(s, 1));
		snprintf(c->role, sizeof c->role, "%s", db_col_text(s, 2));
		snprintf(c->scope, sizeof c->scope, "%s", db_col_text(s, 5));
	}
	rc = done(rc);
out:
	db_finalize(s);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* ---- monitoring ---- */

static const struct {
	const char *name, *title;
} statuses[PLAN_NSTATUS] = {
	{ "ontime", "загружено в срок" },
	{ "late", "загружено с опозданием" },
	{ "waiting", "нет результатов, срок не прошёл" },
	{ "overdue", "нет результатов, срок прошёл" },
	{ "unassigned", "загружено без назначения" },
};

const char *plan_status_name(enum plan_status s)
{
	return s < PLAN_NSTATUS ? statuses[s].name : "";
}

const char *plan_status_title(enum plan_status s)
{
	return s < PLAN_NSTATUS ? statuses[s].title : "";
}

static void count_add(struct plan_mon_count *c, const struct plan_mon_school *x)
{
	c->n[x->status]++;
	if (x->status != PLAN_UNASSIGNED)
		c->assigned++;
	if (x->status == PLAN_WAITING || x->status == PLAN_OVERDUE)
		c->missing++;
}

/* The monitoring's statement, one home for which schools a procedure's monitoring lists:
 * the schools assigned or with an upload of it; the first upload decides "late" (a later
 * correction does not make a school late), the current one (the view result_pair: the
 * latest) gives the row counts. The uploads are reached from the schools through
 * upload_school_school, not by scanning every upload of the region (issue 21). procs
 * chooses the procedures: one (plan_monitor, ?4) or every planned one
 * (plan_monitor_counts_all). The rows come unordered: monitor_finish sorts them. */
#define MONITOR_SQL(procs, current, current_join) \
	"SELECT p.id, s.id, s.login, s.name, coalesce(s.municipality_id, 0), coalesce(m.name, '')," \
	" m.name IS NULL, ps.school_id IS NOT NULL, coalesce(ps.sit_date, ''), coalesce(ps.sit_time, '')," \
	" coalesce((SELECT min(u.created_at) FROM upload_school us JOIN upload u" \
	"  ON u.id = us.upload_id WHERE us.school_id = s.id AND us.procedure_id = p.id), '')," \
	current \
	" FROM school s CROSS JOIN procedure p" \
	" LEFT JOIN plan_school ps ON ps.procedure_id = p.id AND ps.school_id = s.id" \
	" LEFT JOIN municipality m ON m.id = s.municipality_id" \
	current_join \
	" WHERE " procs " AND (ps.school_id IS NOT NULL OR EXISTS (SELECT 1 FROM upload_school u" \
	"  WHERE u.school_id = s.id AND u.procedure_id = p.id))" \
	" AND (?3 = 0 OR s.municipality_id = ?3) AND " SCOPE_SQL("s")

/* A school's row of the statement, before its status is known. */
struct mon_row {
	struct plan_mon_school x;
	bool mun_null, assigned;
};

/* The order of the monitoring's schools: by municipality (a school without one last, as
 * ORDER BY m.name IS NULL, m.name put them), then login; text bytewise as both engines
 * order it (SQLite's BINARY, PostgreSQL's C collation). */
static int mon_row_cmp(const void *a, const void *b)
{
	const struct mon_row *x = a, *y = b;
	if (x->mun_null != y->mun_null)
		return x->mun_null ? 1 : -1;
	int c = strcmp(x->x.municipality, y->x.municipality);
	return c ? c : strcmp(x->x.login, y->x.login);
}

/* The monitoring of m->procedure from its rows (v[0..n), any order): each school's status
 * at m->today against m->deadline, ordered, counted per municipality and in total. Takes
 * the rows' schools into m->s. */
static void monitor_finish(struct plan_monitor *m, struct mon_row *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof *v, mon_row_cmp);
	m->s = n ? xcalloc(n, sizeof *m->s) : NULL;
	m->n = n;
	size_t mcap = 0;
	bool past = m->deadline[0] && strcmp(m->today, m->deadline) > 0;
	/* The day of the last moment seen: schools of one upload share it (the zone's
	 * conversion was a sixth of the home's monitoring). */
	char day[16] = "", day_of[sizeof m->s->first_at] = "";
	for (size_t i = 0; i < n; i++) {
		struct plan_mon_school *x = &m->s[i];
		*x = v[i].x;
		if (!x->municipality_id)
			snprintf(x->municipality, sizeof x->municipality, "муниципалитет не указан");
		/* Late by the region's calendar: an upload at 22:00 UTC on the deadline is the
		 * next day east of Moscow. */
		if (x->first_at[0] && strcmp(day_of, x->first_at)) {
			ru_local_day(day, sizeof day, x->first_at);
			memcpy(day_of, x->first_at, sizeof day_of);
		}
		if (x->first_at[0])
			x->status = !v[i].assigned ? PLAN_UNASSIGNED
				    : m->deadline[0] && strncmp(day, m->deadline, 10) > 0 ? PLAN_LATE
				    : PLAN_ONTIME;
		else
			x->status = past ? PLAN_OVERDUE : PLAN_WAITING;
		if (!m->nm || m->m[m->nm - 1].municipality_id != x->municipality_id) {
			m->m = xgrow(m->m, &mcap, m->nm + 1, sizeof *m->m);
			struct plan_mon_count *c = &m->m[m->nm++];
			memset(c, 0, sizeof *c);
			c->municipality_id = x->municipality_id;
			snprintf(c->municipality, sizeof c->municipality, "%s", x->municipality);
		}
		count_add(&m->m[m->nm - 1], x);
		count_add(&m->total, x);
	}
}

static void monitor_init(struct plan_monitor *m, int64_t now)
{
	memset(m, 0, sizeof *m);
	snprintf(m->total.municipality, sizeof m->total.municipality, "Итого");
	plan_date_of(now, m->today);
}

static void mon_row_read(struct db_stmt *s, struct mon_row *r)
{
	memset(r, 0, sizeof *r);
	struct plan_mon_school *x = &r->x;
	x->school_id = db_col_int(s, 1);
	snprintf(x->login, sizeof x->login, "%s", db_col_text(s, 2));
	snprintf(x->name, sizeof x->name, "%s", db_col_text(s, 3));
	x->municipality_id = db_col_int(s, 4);
	snprintf(x->municipality, sizeof x->municipality, "%s", db_col_text(s, 5));
	r->mun_null = db_col_int(s, 6) != 0;
	r->assigned = db_col_int(s, 7) != 0;
	snprintf(x->sit_date, sizeof x->sit_date, "%s", db_col_text(s, 8));
	snprintf(x->sit_time, sizeof x->sit_time, "%s", db_col_text(s, 9));
	snprintf(x->first_at, sizeof x->first_at, "%s", db_col_text(s, 10));
	snprintf(x->last_at, sizeof x->last_at, "%s", db_col_text(s, 11));
	x->rows = (long)db_col_int(s, 12);
	x->written = (long)db_col_int(s, 13);
}

int plan_monitor(struct db *d, const char *procedure, const struct scope *sc,
		 int64_t municipality_id, int64_t now, struct plan_monitor *m)
{
	monitor_init(m, now);
	struct mon_row *v = NULL;
	size_t n = 0, cap = 0;
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT p.id, p.code, coalesce(pp.upload_deadline, ''), coalesce(c.name, '')"
				   " FROM procedure p LEFT JOIN plan_procedure pp ON pp.procedure_id = p.id"
				   " LEFT JOIN campaign c ON c.id = pp.campaign_id WHERE p.code = ?");
	if (rc || (rc = db_bind_text(s, 1, procedure, -1)))
		goto out;
	if ((rc = db_step(s)) != DB_ROW) {
		rc = rc < 0 ? rc : ERR_NOTFOUND;
		goto out;
	}
	m->procedure_id = db_col_int(s, 0);
	snprintf(m->procedure, sizeof m->procedure, "%s", db_col_text(s, 1));
	snprintf(m->deadline, sizeof m->deadline, "%s", db_col_text(s, 2));
	snprintf(m->campaign, sizeof m->campaign, "%s", db_col_text(s, 3));
	db_finalize(s);
	s = NULL;
	if ((rc = db_prepare(d, &s, MONITOR_SQL("p.id = ?4", " coalesce(cu.created_at, ''),"
						" coalesce(rp.rows, 0), coalesce(rp.written, 0)",
						" LEFT JOIN result_pair rp ON rp.school_id = s.id"
						" AND rp.procedure_id = p.id"
						" LEFT JOIN upload cu ON cu.id = rp.upload_id"))) ||
	    (rc = scope_bind(s, sc ? sc : &all)) || (rc = db_bind_int(s, 3, municipality_id)) ||
	    (rc = db_bind_int(s, 4, m->procedure_id)))
		goto out;
	while ((rc = db_step(s)) == DB_ROW) {
		v = xgrow(v, &cap, n + 1, sizeof *v);
		mon_row_read(s, &v[n++]);
	}
	if ((rc = done(rc)))
		goto out;
	monitor_finish(m, v, n);
out:
	db_finalize(s);
	free(v);
	if (rc)
		plan_monitor_free(m);
	return rc;
}

/* A planned procedure's id and its place in the plan's order. */
struct mon_key {
	int64_t id;
	size_t k;
};

static int mon_key_cmp(const void *a, const void *b)
{
	int64_t x = ((const struct mon_key *)a)->id, y = ((const struct mon_key *)b)->id;
	return x < y ? -1 : x > y;
}

int plan_monitor_counts_all(struct db *d, const struct scope *sc, int64_t now,
			    struct plan_monitor **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	struct plan_monitor *ms = NULL;
	size_t nm = 0, mcap = 0;
	struct mon_row **rows = NULL;
	size_t *nrows = NULL, *caps = NULL;
	struct mon_key *keys = NULL;
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT p.id, p.code, pp.upload_deadline, c.name FROM plan_procedure pp"
				   " JOIN procedure p ON p.id = pp.procedure_id"
				   " JOIN campaign c ON c.id = pp.campaign_id"
				   " ORDER BY pp.window_from DESC, p.code");
	if (rc)
		goto out;
	while ((rc = db_step(s)) == DB_ROW) {
		ms = xgrow(ms, &mcap, nm + 1, sizeof *ms);
		struct plan_monitor *m = &ms[nm];
		monitor_init(m, now);
		nm++;
		m->procedure_id = db_col_int(s, 0);
		snprintf(m->procedure, sizeof m->procedure, "%s", db_col_text(s, 1));
		snprintf(m->deadline, sizeof m->deadline, "%s", db_col_text(s, 2));
		snprintf(m->campaign, sizeof m->campaign, "%s", db_col_text(s, 3));
	}
	if ((rc = done(rc)))
		goto out;
	db_finalize(s);
	s = NULL;
	if (!nm)
		goto out;
	/* The procedures by id, to place each row. */
	keys = xcalloc(nm, sizeof *keys);
	for (size_t k = 0; k < nm; k++)
		keys[k] = (struct mon_key){ ms[k].procedure_id, k };
	qsort(keys, nm, sizeof *keys, mon_key_cmp);
	rows = xcalloc(nm, sizeof *rows);
	nrows = xcalloc(nm, sizeof *nrows);
	caps = xcalloc(nm, sizeof *caps);
	if ((rc = db_prepare(d, &s, MONITOR_SQL("p.id IN (SELECT procedure_id FROM plan_procedure)",
						" '', 0, 0", ""))) ||
	    (rc = scope_bind(s, sc ? sc : &all)) || (rc = db_bind_int(s, 3, 0)))
		goto out;
	while ((rc = db_step(s)) == DB_ROW) {
		struct mon_key key = { db_col_int(s, 0), 0 }, *at;
		if (!(at = bsearch(&key, keys, nm, sizeof *keys, mon_key_cmp)))
			continue;
		size_t k = at->k;
		rows[k] = xgrow(rows[k], &caps[k], nrows[k] + 1, sizeof *rows[k]);
		mon_row_read(s, &rows[k][nrows[k]++]);
	}
	if ((rc = done(rc)))
		goto out;
	for (size_t k = 0; k < nm; k++)
		monitor_finish(&ms[k], rows[k], nrows[k]);
	*out = ms;
	*nout = nm;
	ms = NULL;
out:
	db_finalize(s);
	for (size_t k = 0; rows && k < nm; k++)
		free(rows[k]);
	free(rows);
	free(nrows);
	free(caps);
	free(keys);
	if (ms)
		plan_monitors_free(ms, nm);
	return rc;
}

void plan_monitors_free(struct plan_monitor *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		plan_monitor_free(&v[i]);
	free(v);
}

void plan_monitor_free(struct plan_monitor *m)
{
	free(m->s);
	free(m->m);
	m->s = NULL;
	m->m = NULL;
	m->n = m->nm = 0;
}

/* ---- lists for the plan-graph pages ---- */

int plan_campaigns(struct db *d, struct plan_campaign_item **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT c.id, c.name, count(pp.procedure_id), min(pp.window_from),"
				   " max(pp.upload_deadline) FROM campaign c LEFT JOIN plan_procedure pp"
				   " ON pp.campaign_id = c.id GROUP BY c.id, c.name ORDER BY c.id DESC");
	if (rc)
		return rc;
	size_t cap = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		*out = xgrow(*out, &cap, *n + 1, sizeof **out);
		struct plan_campaign_item *c = &(*out)[(*n)++];
		c->id = db_col_int(s, 0);
		snprintf(c->name, sizeof c->name, "%s", db_col_text(s, 1));
		c->procedures = (long)db_col_int(s, 2);
		snprintf(c->first_day, sizeof c->first_day, "%s", db_col_text(s, 3));
		snprintf(c->last_deadline, sizeof c->last_deadline, "%s", db_col_text(s, 4));
	}
	db_finalize(s);
	rc = done(rc);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int plan_procedure_codes(struct db *d, int64_t campaign_id, bool unplanned, struct plan_code **out,
			 size_t *n)
{
	*out = NULL;
	*n = 0;
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, unplanned ? "SELECT p.code FROM procedure p LEFT JOIN plan_procedure pp"
					       " ON pp.procedure_id = p.id WHERE pp.campaign_id IS NULL OR"
					       " pp.campaign_id = ? ORDER BY p.year DESC, p.code"
					     : "SELECT p.code FROM plan_procedure pp JOIN procedure p ON"
					       " p.id = pp.procedure_id WHERE pp.campaign_id = ? ORDER BY p.code");
	if (rc || (rc = db_bind_int(s, 1, campaign_id)))
		goto out;
	size_t cap = 0;
	while ((rc = db_step(s)) == DB_ROW) {
		*out = xgrow(*out, &cap, *n + 1, sizeof **out);
		snprintf((*out)[(*n)++].code, sizeof (*out)->code, "%s", db_col_text(s, 0));
	}
	rc = done(rc);
out:
	db_finalize(s);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int plan_takes_part(struct db *d, int64_t procedure_id, int64_t school_id, bool *yes)
{
	struct db_stmt *s = NULL;
	*yes = false;
	int rc = db_prepare(d, &s, "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM plan_school WHERE procedure_id = ?1)"
				   " OR EXISTS (SELECT 1 FROM plan_school WHERE procedure_id = ?1 AND school_id = ?2)"
				   " THEN 1 ELSE 0 END");
	if (!rc && !(rc = db_bind_int(s, 1, procedure_id)) && !(rc = db_bind_int(s, 2, school_id)) &&
	    (rc = db_step(s)) == DB_ROW) {
		*yes = db_col_int(s, 0) != 0;
		rc = 0;
	}
	db_finalize(s);
	return rc;
}
