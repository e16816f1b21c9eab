/* measure: plans of measures, their blocks and measures, status notes, templates, addressed
 * help, tracking and requisites — every SQL statement of migration 016 (see measure.h,
 * docs/measures.md). */
#include "model/rows.h"
#include "model/measure.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "base/mem.h"
#include "base/str.h"
#include "embedded.h"
#include "io/csv.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "model/recheck.h"
#include "stats/catalogue.h"

#define TEMPLATES_FILE "src/model/measure_templates.csv"
#define HELP_BLOCK "Адресная помощь школам с признаками необъективности"

/* ---- helpers ---- */

static void today(char out[MP_DATE_LEN])
{
	char d[PLAN_DATE_LEN];
	plan_date_of(plan_now(), d);
	model_copy(out, MP_DATE_LEN, d);
}

/* True when s has only spaces (or is NULL). */
static bool blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

/* Binds text, or NULL for an empty string. */
static int bind_opt(struct db_stmt *s, int i, const char *v)
{
	return v && *v ? db_bind_text(s, i, v, -1) : db_bind_null(s, i);
}

static int bind_id(struct db_stmt *s, int i, int64_t v)
{
	return v ? db_bind_int(s, i, v) : db_bind_null(s, i);
}

/* Runs a statement to its end, finalizes it. */
static int exec_one(struct db_stmt *s, int rc)
{
	if (!rc)
		rc = model_done(db_step(s));
	db_finalize(s);
	return rc;
}

/* ---- enums ---- */

static const char *const level_ids[] = { "region", "municipality", "school" };

const char *mp_level_id(enum mp_level l)
{
	return (unsigned)l < 3 ? level_ids[l] : "";
}

int mp_level_parse(const char *s)
{
	for (int i = 0; s && i < 3; i++)
		if (!strcmp(s, level_ids[i]))
			return i;
	return -1;
}

static const char *const status_ids[] = { "planned", "progress", "done", "cancelled" };
static const char *const status_titles[] = { "запланировано", "выполняется", "выполнено", "отменено" };

const char *mp_status_id(enum mp_status s)
{
	return (unsigned)s < 4 ? status_ids[s] : "";
}

const char *mp_status_title(enum mp_status s)
{
	return (unsigned)s < 4 ? status_titles[s] : "";
}

int mp_status_parse(const char *s)
{
	for (int i = 0; s && i < 4; i++)
		if (!strcmp(s, status_ids[i]) || str_fold_eq(s, status_titles[i]))
			return i;
	return -1;
}

static const char *const kind_ids[MP_KIND_COUNT] = { "", "interview", "control", "recheck", "observers",
						    "seminar" };

const char *mp_kind_id(enum mp_kind k)
{
	return (unsigned)k < MP_KIND_COUNT ? kind_ids[k] : "";
}

int mp_kind_parse(const char *s)
{
	for (int i = 0; s && i < MP_KIND_COUNT; i++)
		if (!strcmp(s, kind_ids[i]))
			return i;
	return -1;
}

void mp_kind_text(enum mp_kind k, const char *school_name, const char *procedures, char *text, size_t n)
{
	const char *s = school_name && *school_name ? school_name : "общеобразовательной организации";
	bool p = procedures && *procedures;
	const char *pr = p ? procedures : "";
	switch (k) {
	case MP_KIND_INTERVIEW:
		snprintf(text, n, "Собеседование с руководителем %s, показавшей признаки необъективности "
				  "оценивания результатов%s%s (анализ результатов, планирование работы по "
				  "обеспечению объективности образовательных результатов)",
			 s, p ? ": " : "", pr);
		break;
	case MP_KIND_CONTROL:
		snprintf(text, n, "Организация внутришкольного персонального контроля учителей %s, "
				  "показавших признаки необъективности оценки образовательных результатов%s%s%s",
			 s, p ? " (" : "", pr, p ? ")" : "");
		break;
	case MP_KIND_RECHECK:
		snprintf(text, n, "Перепроверка работ обучающихся %s муниципальной предметной комиссией%s%s%s",
			 s, p ? " (" : "", pr, p ? ")" : "");
		break;
	case MP_KIND_OBSERVERS:
		snprintf(text, n, "Направление независимых наблюдателей в %s на следующую оценочную "
				  "процедуру%s%s%s",
			 s, p ? " (по итогам: " : "", pr, p ? ")" : "");
		break;
	case MP_KIND_SEMINAR:
		snprintf(text, n, "Семинар-практикум для учителей %s «Объективное оценивание: критерии "
				  "оценивания ответов на задания»%s%s%s",
			 s, p ? " (" : "", pr, p ? ")" : "");
		break;
	default:
		snprintf(text, n, "Методическая помощь %s", s);
	}
}

const char *mp_kind_responsible(enum mp_kind k)
{
	switch (k) {
	case MP_KIND_INTERVIEW:
		return "Орган управления образованием, муниципальная методическая служба, руководитель ОО";
	case MP_KIND_CONTROL:
		return "Руководитель ОО, заместитель директора по УВР";
	case MP_KIND_RECHECK:
		return "Муниципальная предметная комиссия";
	case MP_KIND_OBSERVERS:
		return "Муниципальный координатор";
	case MP_KIND_SEMINAR:
		return "Муниципальная методическая служба";
	default:
		return "";
	}
}

const char *mp_kind_expected(enum mp_kind k)
{
	switch (k) {
	case MP_KIND_INTERVIEW:
		return "Обеспечение объективности оценки образовательных результатов; план работы ОО по "
		       "обеспечению объективности";
	case MP_KIND_CONTROL:
		return "Достижение планируемых образовательных результатов; справка по итогам контроля";
	case MP_KIND_RECHECK:
		return "Снижение степени рисков необъективности проведения оценочных процедур; протокол "
		       "перепроверки";
	case MP_KIND_OBSERVERS:
		return "Обеспечение соблюдения процедуры, объективности оценивания образовательных "
		       "результатов; акты наблюдения";
	case MP_KIND_SEMINAR:
		return "Снижение доли учителей, показавших признаки необъективности оценки "
		       "образовательных результатов";
	default:
		return "";
	}
}

/* ---- plans ---- */

/* The plan's territory within the scope bound at ?1, ?2 (plan aliased p, its school s). */
#define PLAN_SCOPE_SQL \
	"((p.level = 'region' AND (?1 = 'all' OR (?1 = 'reg' AND p.region_id = ?2)))" \
	" OR (p.level = 'municipality' AND " SCOPE_MUN_SQL("p.municipality_id") ")" \
	" OR (p.level = 'school' AND " SCOPE_SQL("s") "))"

#define PLAN_COLS \
	"p.id, p.level, p.region_id, p.municipality_id, p.school_id," \
	" CASE p.level WHEN 'region' THEN r.name WHEN 'municipality' THEN m.name ELSE s.name END," \
	" p.title, p.goal, p.period_from, p.period_to, p.template, p.approved, p.created_by," \
	" p.created_at" \
	" FROM mplan p LEFT JOIN region r ON r.id = p.region_id" \
	" LEFT JOIN municipality m ON m.id = p.municipality_id LEFT JOIN school s ON s.id = p.school_id"

static void plan_read(struct db_stmt *s, struct mp_plan *p)
{
	memset(p, 0, sizeof *p);
	p->id = db_col_int(s, 0);
	int l = mp_level_parse(db_col_text(s, 1));
	p->level = l < 0 ? MP_REGION : (enum mp_level)l;
	p->region_id = db_col_int(s, 2);
	p->municipality_id = db_col_int(s, 3);
	p->school_id = db_col_int(s, 4);
	model_copy(p->owner, sizeof p->owner, db_col_text(s, 5));
	model_copy(p->title, sizeof p->title, db_col_text(s, 6));
	model_copy(p->goal, sizeof p->goal, db_col_text(s, 7));
	model_copy(p->period_from, sizeof p->period_from, db_col_text(s, 8));
	model_copy(p->period_to, sizeof p->period_to, db_col_text(s, 9));
	model_copy(p->template_id, sizeof p->template_id, db_col_text(s, 10));
	model_copy(p->approved, sizeof p->approved, db_col_text(s, 11));
	model_copy(p->created_by, sizeof p->created_by, db_col_text(s, 12));
	model_copy(p->created_at, sizeof p->created_at, db_col_text(s, 13));
	p->execution = NAN;
}

/* The plan's tracking figures as of today. */
static int plan_tracking(struct db *d, struct mp_plan *p)
{
	char t[MP_DATE_LEN];
	today(t);
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s,
			   "SELECT count(*),"
			   " coalesce(sum(CASE WHEN status = 'done' THEN 1 ELSE 0 END), 0),"
			   " coalesce(sum(CASE WHEN status = 'done' AND (due IS NULL OR done_on <= due)"
			   "  THEN 1 ELSE 0 END), 0),"
			   " coalesce(sum(CASE WHEN status IN ('planned', 'progress') AND due IS NOT NULL"
			   "  AND due < ?2 THEN 1 ELSE 0 END), 0),"
			   " coalesce(sum(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END), 0)"
			   " FROM measure WHERE plan_id = ?1");
	if (rc || (rc = db_bind_int(s, 1, p->id)) || (rc = db_bind_text(s, 2, t, -1)))
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		p->measures = (long)db_col_int(s, 0);
		p->done = (long)db_col_int(s, 1);
		p->done_on_time = (long)db_col_int(s, 2);
		p->overdue = (long)db_col_int(s, 3);
		p->cancelled = (long)db_col_int(s, 4);
		long base = p->measures - p->cancelled;
		p->execution = base > 0 ? (double)p->done_on_time / (double)base : NAN;
	}
	db_reset(s);
	return model_done(rc);
}

/* Checks a plan's fields; 0 or ERR_INVALID with msg. */
static int plan_check(const struct mp_plan *p, char *msg, size_t n)
{
	if (blank(p->title)) {
		model_say(msg, n, "укажите название плана");
		return ERR_INVALID;
	}
	if (!plan_date_valid(p->period_from) || !plan_date_valid(p->period_to)) {
		model_say(msg, n, "срок действия плана: даты в виде ДД.ММ.ГГГГ (с 2000 по 2100 год)");
		return ERR_INVALID;
	}
	if (strcmp(p->period_from, p->period_to) > 0) {
		model_say(msg, n, "начало срока действия плана позже его окончания");
		return ERR_INVALID;
	}
	return 0;
}

static bool exists(struct db *d, const char *sql, int64_t id)
{
	struct db_stmt *s = NULL;
	bool yes = false;
	if (id > 0 && !db_prepare(d, &s, sql) && !db_bind_int(s, 1, id))
		yes = db_step(s) == DB_ROW;
	db_finalize(s);
	return yes;
}

int mplan_add(struct db *d, struct mp_plan *p, const char *by, char *msg, size_t n)
{
	int rc = plan_check(p, msg, n);
	if (rc)
		return rc;
	int64_t reg = 0, mun = 0, sch = 0;
	switch (p->level) {
	case MP_REGION:
		reg = p->region_id;
		if (!exists(d, "SELECT 1 FROM region WHERE id = ?", reg)) {
			model_say(msg, n, "план региона: регион не найден");
			return ERR_INVALID;
		}
		break;
	case MP_MUNICIPALITY:
		mun = p->municipality_id;
		if (!exists(d, "SELECT 1 FROM municipality WHERE id = ?", mun)) {
			model_say(msg, n, "план муниципалитета: муниципалитет не найден");
			return ERR_INVALID;
		}
		break;
	case MP_SCHOOL:
		sch = p->school_id;
		if (!exists(d, "SELECT 1 FROM school WHERE id = ?", sch)) {
			model_say(msg, n, "план школы: школа не найдена");
			return ERR_INVALID;
		}
		break;
	default:
		model_say(msg, n, "неизвестный уровень плана");
		return ERR_INVALID;
	}
	char at[24];
	model_now_iso(at);
	struct db_stmt *s = NULL;
	rc = db_prepare(d, &s, "INSERT INTO mplan (level, region_id, municipality_id, school_id, title, goal,"
			       " period_from, period_to, template, approved, created_by, created_at)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!rc && !(rc = db_bind_text(s, 1, mp_level_id(p->level), -1)) && !(rc = bind_id(s, 2, reg)) &&
	    !(rc = bind_id(s, 3, mun)) && !(rc = bind_id(s, 4, sch)) &&
	    !(rc = db_bind_text(s, 5, p->title, -1)) && !(rc = db_bind_text(s, 6, p->goal, -1)) &&
	    !(rc = db_bind_text(s, 7, p->period_from, -1)) && !(rc = db_bind_text(s, 8, p->period_to, -1)) &&
	    !(rc = db_bind_text(s, 9, p->template_id, -1)) && !(rc = db_bind_text(s, 10, p->approved, -1)) &&
	    !(rc = db_bind_text(s, 11, by ? by : "", -1)) && !(rc = db_bind_text(s, 12, at, -1)))
		rc = model_done(db_step(s));
	db_finalize(s);
	if (!rc) {
		p->id = db_last_id(d);
		model_copy(p->created_by, sizeof p->created_by, by);
		model_copy(p->created_at, sizeof p->created_at, at);
	}
	return rc;
}

int mplan_update(struct db *d, const struct mp_plan *p, const char *by, char *msg, size_t n)
{
	(void)by;
	int rc = plan_check(p, msg, n);
	if (rc)
		return rc;
	struct db_stmt *s = NULL;
	rc = db_prepare(d, &s, "UPDATE mplan SET title = ?2, goal = ?3, period_from = ?4, period_to = ?5,"
			       " approved = ?6 WHERE id = ?1");
	if (!rc && !(rc = db_bind_int(s, 1, p->id)) && !(rc = db_bind_text(s, 2, p->title, -1)) &&
	    !(rc = db_bind_text(s, 3, p->goal, -1)) && !(rc = db_bind_text(s, 4, p->period_from, -1)) &&
	    !(rc = db_bind_text(s, 5, p->period_to, -1)) && !(rc = db_bind_text(s, 6, p->approved, -1)))
		rc = model_done(db_step(s));
	db_finalize(s);
	if (!rc && db_changes(d) == 0) {
		model_say(msg, n, "план не найден");
		rc = ERR_NOTFOUND;
	}
	return rc;
}

int mplan_delete(struct db *d, int64_t plan_id)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "DELETE FROM mplan WHERE id = ?");
	if (!rc)
		rc = db_bind_int(s, 1, plan_id);
	rc = exec_one(s, rc);
	if (!rc && db_changes(d) == 0)
		rc = ERR_NOTFOUND;
	return rc;
}

int mplan_list(struct db *d, const struct scope *sc, struct mp_plan **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct db_stmt *s = NULL;
	struct mp_plan *v = NULL;
	size_t cap = 0;
	int rc = db_prepare(d, &s, "SELECT " PLAN_COLS " WHERE " PLAN_SCOPE_SQL
			    " ORDER BY p.period_to DESC, p.period_from DESC, p.id DESC");
	if (!rc)
		rc = scope_bind(s, sc);
	while (!rc && (rc = db_step(s)) == DB_ROW) {
		v = xgrow(v, &cap, *n + 1, sizeof *v);
		plan_read(s, &v[(*n)++]);
		rc = 0;
	}
	rc = model_done(rc);
	db_finalize(s);
	for (size_t i = 0; !rc && i < *n; i++)
		rc = plan_tracking(d, &v[i]);
	if (rc) {
		free(v);
		v = NULL;
		*n = 0;
	}
	*out = v;
	return rc;
}

int mplan_get(struct db *d, int64_t id, struct mp_plan *out)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT " PLAN_COLS " WHERE p.id = ?");
	if (rc || (rc = db_bind_int(s, 1, id)))
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		plan_read(s, out);
		rc = 0;
	} else if (rc == DB_DONE)
		rc = ERR_NOTFOUND;
	db_reset(s);
	return rc ? rc : plan_tracking(d, out);
}

bool mplan_in_scope(struct db *d, const struct scope *sc, int64_t plan_id)
{
	struct db_stmt *s = NULL;
	bool yes = false;
	if (!db_cached(d, &s, "SELECT 1 FROM mplan p LEFT JOIN school s ON s.id = p.school_id"
			      " WHERE p.id = ?3 AND " PLAN_SCOPE_SQL) &&
	    !scope_bind(s, sc) && !db_bind_int(s, 3, plan_id))
		yes = db_step(s) == DB_ROW;
	if (s)
		db_reset(s);
	return yes;
}

/* ---- blocks ---- */

static int block_check(const char *title)
{
	return blank(title) || strlen(title) >= MP_TITLE_MAX ? ERR_INVALID : 0;
}

int mplan_block_add(struct db *d, int64_t plan_id, const char *title, int64_t *id)
{
	if (block_check(title))
		return ERR_INVALID;
	if (!exists(d, "SELECT 1 FROM mplan WHERE id = ?", plan_id))
		return ERR_NOTFOUND;
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "INSERT INTO mplan_block (plan_id, pos, title) VALUES (?1,"
			    " (SELECT coalesce(max(pos), 0) + 1 FROM mplan_block WHERE plan_id = ?1), ?2)");
	if (!rc && !(rc = db_bind_int(s, 1, plan_id)))
		rc = db_bind_text(s, 2, title, -1);
	rc = exec_one(s, rc);
	if (!rc && id)
		*id = db_last_id(d);
	return rc;
}

int mplan_block_rename(struct db *d, int64_t block_id, const char *title)
{
	if (block_check(title))
		return ERR_INVALID;
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "UPDATE mplan_block SET title = ? WHERE id = ?");
	if (!rc && !(rc = db_bind_text(s, 1, title, -1)))
		rc = db_bind_int(s, 2, block_id);
	rc = exec_one(s, rc);
	if (!rc && db_changes(d) == 0)
		rc = ERR_NOTFOUND;
	return rc;
}

int mplan_block_delete(struct db *d, int64_t block_id)
{
	struct db_stmt *s = NULL;
	int64_t plan = 0, pos = 0;
	int rc = db_prepare(d, &s, "SELECT plan_id, pos FROM mplan_block WHERE id = ?");
	if (!rc && !(rc = db_bind_int(s, 1, block_id)) && !(rc = db_step_one(s))) {
		plan = db_col_int(s, 0);
		pos = db_col_int(s, 1);
	}
	db_finalize(s);
	s = NULL;
	if (rc)
		return rc;
	/* The measures go with the block (ON DELETE CASCADE); the later blocks move up. */
	rc = db_prepare(d, &s, "DELETE FROM mplan_block WHERE id = ?");
	if (!rc)
		rc = db_bind_int(s, 1, block_id);
	if ((rc = exec_one(s, rc)))
		return rc;
	s = NULL;
	rc = db_prepare(d, &s, "UPDATE mplan_block SET pos = pos - 1 WHERE plan_id = ? AND pos > ?");
	if (!rc && !(rc = db_bind_int(s, 1, plan)))
		rc = db_bind_int(s, 2, pos);
	return exec_one(s, rc);
}

int mplan_blocks(struct db *d, int64_t plan_id, struct mp_block **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct db_stmt *s = NULL;
	struct mp_block *v = NULL;
	size_t cap = 0;
	int rc = db_prepare(d, &s, "SELECT id, plan_id, pos, title FROM mplan_block WHERE plan_id = ?"
			    " ORDER BY pos, id");
	if (!rc)
		rc = db_bind_int(s, 1, plan_id);
	while (!rc && (rc = db_step(s)) == DB_ROW) {
		v = xgrow(v, &cap, *n + 1, sizeof *v);
		struct mp_block *b = &v[(*n)++];
		memset(b, 0, sizeof *b);
		b->id = db_col_int(s, 0);
		b->plan_id = db_col_int(s, 1);
		b->pos = (int)db_col_int(s, 2);
		model_copy(b->title, sizeof b->title, db_col_text(s, 3));
		rc = 0;
	}
	rc = model_done(rc);
	db_finalize(s);
	if (rc) {
		free(v);
		v = NULL;
		*n = 0;
	}
	*out = v;
	return rc;
}

/* ---- measures ---- */

/* Columns of a measure m with its block b and school s; the parameter t is today. */
#define MEASURE_COLS_AT(t) \
	"m.id, m.plan_id, m.block_id, m.pos, m.text, m.term, m.start, m.due, m.responsible," \
	" m.responsible_user_id, m.expected, m.school_id, s.login, s.name, m.kind, m.run_id, m.cause," \
	" m.status, m.done_on, m.updated_by, m.updated_at," \
	" (SELECT count(*) FROM measure_note n WHERE n.measure_id = m.id)," \
	" (SELECT count(*) FROM mplan_block b2 WHERE b2.plan_id = m.plan_id AND b2.pos <= b.pos)," \
	" CASE WHEN m.status IN ('planned', 'progress') AND m.due IS NOT NULL AND m.due < " t \
	"  THEN 1 ELSE 0 END, m.specifics" \
	" FROM measure m JOIN mplan_block b ON b.id = m.block_id LEFT JOIN school s ON s.id = m.school_id"
#define MEASURE_COLS MEASURE_COLS_AT("?1")

static void measure_read(struct db_stmt *s, struct mp_measure *m)
{
	memset(m, 0, sizeof *m);
	m->id = db_col_int(s, 0);
	m->plan_id = db_col_int(s, 1);
	m->block_id = db_col_int(s, 2);
	m->pos = (int)db_col_int(s, 3);
	model_copy(m->text, sizeof m->text, db_col_text(s, 4));
	model_copy(m->term, sizeof m->term, db_col_text(s, 5));
	model_copy(m->start, sizeof m->start, db_col_text(s, 6));
	model_copy(m->due, sizeof m->due, db_col_text(s, 7));
	model_copy(m->responsible, sizeof m->responsible, db_col_text(s, 8));
	m->responsible_user_id = db_col_int(s, 9);
	model_copy(m->expected, sizeof m->expected, db_col_text(s, 10));
	m->school_id = db_col_int(s, 11);
	model_copy(m->school, sizeof m->school, db_col_text(s, 12));
	model_copy(m->school_name, sizeof m->school_name, db_col_text(s, 13));
	int k = mp_kind_parse(db_col_text(s, 14));
	m->kind = k < 0 ? MP_KIND_NONE : (enum mp_kind)k;
	m->run_id = db_col_int(s, 15);
	model_copy(m->cause, sizeof m->cause, db_col_text(s, 16));
	int st = mp_status_parse(db_col_text(s, 17));
	m->status = st < 0 ? MP_PLANNED : (enum mp_status)st;
	model_copy(m->done_on, sizeof m->done_on, db_col_text(s, 18));
	model_copy(m->updated_by, sizeof m->updated_by, db_col_text(s, 19));
	model_copy(m->updated_at, sizeof m->updated_at, db_col_text(s, 20));
	m->notes = (long)db_col_int(s, 21);
	snprintf(m->number, sizeof m->number, "%d.%d", (int)db_col_int(s, 22), m->pos);
	m->overdue = db_col_int(s, 23) != 0;
	model_copy(m->specifics, sizeof m->specifics, db_col_text(s, 24));
}

/* Reads the rows of s (today is bound here at parameter at) into a malloc'ed array, at
 * most limit (0: all), counting all in *total; finalizes s. */
static int measures_into(struct db_stmt *s, int rc, int at, size_t limit, struct mp_measure **out, size_t *n,
			 long *total)
{
	struct mp_measure *v = NULL;
	size_t cap = 0;
	long all = 0;
	char t[MP_DATE_LEN];
	today(t);
	*out = NULL;
	*n = 0;
	if (!rc)
		rc = db_bind_text(s, at, t, -1);
	while (!rc && (rc = db_step(s)) == DB_ROW) {
		rc = 0;
		all++;
		if (limit && *n >= limit)
			continue;
		v = xgrow(v, &cap, *n + 1, sizeof *v);
		measure_read(s, &v[(*n)++]);
	}
	rc = model_done(rc);
	db_finalize(s);
	if (rc) {
		free(v);
		v = NULL;
		*n = 0;
		all = 0;
	}
	*out = v;
	if (total)
		*total = all;
	return rc;
}

static int date_check(const char *s)
{
	return !s || !*s || plan_date_valid(s) ? 0 : ERR_INVALID;
}

/* Checks a measure's editable fields; 0 or ERR_INVALID with msg. */
static int measure_check(const struct mp_measure *m, char *msg, size_t n)
{
	if (blank(m->text)) {
		model_say(msg, n, "укажите содержание мероприятия");
		return ERR_INVALID;
	}
	if (date_check(m->start) || date_check(m->due)) {
		model_say(msg, n, "даты мероприятия — в виде ДД.ММ.ГГГГ (с 2000 по 2100 год)");
		return ERR_INVALID;
	}
	if (*m->start && *m->due && strcmp(m->start, m->due) > 0) {
		model_say(msg, n, "срок исполнения мероприятия раньше его начала");
		return ERR_INVALID;
	}
	return 0;
}

int measure_add(struct db *d, struct mp_measure *m, const char *by, char *msg, size_t n)
{
	int rc = measure_check(m, msg, n);
	if (rc)
		return rc;
	struct db_stmt *s = NULL;
	bool ok = false;
	if (!(rc = db_prepare(d, &s, "SELECT 1 FROM mplan_block WHERE id = ? AND plan_id = ?")) &&
	    !(rc = db_bind_int(s, 1, m->block_id)) && !(rc = db_bind_int(s, 2, m->plan_id)))
		ok = db_step(s) == DB_ROW;
	db_finalize(s);
	s = NULL;
	if (rc)
		return rc;
	if (!ok) {
		model_say(msg, n, "направление плана не найдено");
		return ERR_INVALID;
	}
	if (m->school_id && !exists(d, "SELECT 1 FROM school WHERE id = ?", m->school_id)) {
		model_say(msg, n, "школа, которой адресовано мероприятие, не найдена");
		return ERR_INVALID;
	}
	if ((unsigned)m->status > MP_CANCELLED || (unsigned)m->kind >= MP_KIND_COUNT) {
		model_say(msg, n, "неизвестный статус или вид мероприятия");
		return ERR_INVALID;
	}
	char at[24], t[MP_DATE_LEN];
	model_now_iso(at);
	today(t);
	const char *done_on = m->status == MP_DONE ? (*m->done_on ? m->done_on : t) : NULL;
	rc = db_prepare(d, &s, "INSERT INTO measure (plan_id, block_id, pos, text, term, start, due,"
			       " responsible, responsible_user_id, expected, school_id, kind, run_id, cause,"
			       " status, done_on, updated_by, updated_at, specifics) VALUES (?1, ?2,"
			       " (SELECT coalesce(max(pos), 0) + 1 FROM measure WHERE block_id = ?2),"
			       " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)");
	if (!rc && !(rc = db_bind_int(s, 1, m->plan_id)) && !(rc = db_bind_int(s, 2, m->block_id)) &&
	    !(rc = db_bind_text(s, 3, m->text, -1)) && !(rc = db_bind_text(s, 4, m->term, -1)) &&
	    !(rc = bind_opt(s, 5, m->start)) && !(rc = bind_opt(s, 6, m->due)) &&
	    !(rc = db_bind_text(s, 7, m->responsible, -1)) && !(rc = bind_id(s, 8, m->responsible_user_id)) &&
	    !(rc = db_bind_text(s, 9, m->expected, -1)) && !(rc = bind_id(s, 10, m->school_id)) &&
	    !(rc = db_bind_text(s, 11, mp_kind_id(m->kind), -1)) && !(rc = bind_id(s, 12, m->run_id)) &&
	    !(rc = db_bind_text(s, 13, m->cause, -1)) && !(rc = db_bind_text(s, 14, mp_status_id(m->status), -1)) &&
	    !(rc = bind_opt(s, 15, done_on)) && !(rc = db_bind_text(s, 16, by ? by : "", -1)) &&
	    !(rc = db_bind_text(s, 17, at, -1)))
		rc = db_bind_text(s, 18, m->specifics, -1);
	rc = exec_one(s, rc);
	if (rc)
		return rc;
	m->id = db_last_id(d);
	s = NULL;
	if (!(rc = db_prepare(d, &s, "SELECT pos FROM measure WHERE id = ?")) &&
	    !(rc = db_bind_int(s, 1, m->id)) && !(rc = db_step_one(s)))
		m->pos = (int)db_col_int(s, 0);
	db_finalize(s);
	return rc;
}

int measure_update(struct db *d, const struct mp_measure *m, const char *by, char *msg, size_t n)
{
	int rc = measure_check(m, msg, n);
	if (rc)
		return rc;
	char at[24];
	model_now_iso(at);
	struct db_stmt *s = NULL;
	rc = db_prepare(d, &s, "UPDATE measure SET text = ?2, term = ?3, start = ?4, due = ?5,"
			       " responsible = ?6, responsible_user_id = ?7, expected = ?8, updated_by = ?9,"
			       " updated_at = ?10, specifics = ?11 WHERE id = ?1");
	if (!rc && !(rc = db_bind_int(s, 1, m->id)) && !(rc = db_bind_text(s, 2, m->text, -1)) &&
	    !(rc = db_bind_text(s, 3, m->term, -1)) && !(rc = bind_opt(s, 4, m->start)) &&
	    !(rc = bind_opt(s, 5, m->due)) && !(rc = db_bind_text(s, 6, m->responsible, -1)) &&
	    !(rc = bind_id(s, 7, m->responsible_user_id)) && !(rc = db_bind_text(s, 8, m->expected, -1)) &&
	    !(rc = db_bind_text(s, 9, by ? by : "", -1)) && !(rc = db_bind_text(s, 10, at, -1)))
		rc = db_bind_text(s, 11, m->specifics, -1);
	rc = exec_one(s, rc);
	if (!rc && db_changes(d) == 0) {
		model_say(msg, n, "мероприятие не найдено");
		rc = ERR_NOTFOUND;
	}
	return rc;
}

int measure_delete(struct db *d, int64_t id)
{
	struct db_stmt *s = NULL;
	int64_t block = 0, pos = 0;
	int rc = db_prepare(d, &s, "SELECT block_id, pos FROM measure WHERE id = ?");
	if (!rc && !(rc = db_bind_int(s, 1, id)) && !(rc = db_step_one(s))) {
		block = db_col_int(s, 0);
		pos = db_col_int(s, 1);
	}
	db_finalize(s);
	s = NULL;
	if (rc)
		return rc;
	rc = db_prepare(d, &s, "DELETE FROM measure WHERE id = ?");
	if (!rc)
		rc = db_bind_int(s, 1, id);
	if ((rc = exec_one(s, rc)))
		return rc;
	s = NULL;
	rc = db_prepare(d, &s, "UPDATE measure SET pos = pos - 1 WHERE block_id = ? AND pos > ?");
	if (!rc && !(rc = db_bind_int(s, 1, block)))
		rc = db_bind_int(s, 2, pos);
	return exec_one(s, rc);
}

int measure_move(struct db *d, int64_t id, int dir)
{
	if (dir != -1 && dir != 1)
		return ERR_INVALID;
	struct db_stmt *s = NULL;
	int64_t block = 0, pos = 0, other = 0;
	int rc = db_prepare(d, &s, "SELECT block_id, pos FROM measure WHERE id = ?");
	if (!rc && !(rc = db_bind_int(s, 1, id)) && !(rc = db_step_one(s))) {
		block = db_col_int(s, 0);
		pos = db_col_int(s, 1);
	}
	db_finalize(s);
	s = NULL;
	if (rc)
		return rc;
	rc = db_prepare(d, &s, "SELECT id FROM measure WHERE block_id = ? AND pos = ?");
	if (!rc && !(rc = db_bind_int(s, 1, block)) && !(rc = db_bind_int(s, 2, pos + dir))) {
		rc = db_step(s);
		other = rc == DB_ROW ? db_col_int(s, 0) : 0;
		rc = model_done(rc);
	}
	db_finalize(s);
	s = NULL;
	if (rc || !other)
		return rc; /* the first moved up or the last down: nothing to do */
	/* One statement swaps the two positions; the CASTs give PostgreSQL the parameters' type
	 * (a bare parameter in CASE's branches is taken as text there). */
	rc = db_prepare(d, &s, "UPDATE measure SET pos = CASE WHEN id = ?1 THEN CAST(?3 AS INTEGER)"
			       " ELSE CAST(?2 AS INTEGER) END"
			       " WHERE id IN (?1, ?4)");
	if (!rc && !(rc = db_bind_int(s, 1, id)) && !(rc = db_bind_int(s, 2, pos)) &&
	    !(rc = db_bind_int(s, 3, pos + dir)))
		rc = db_bind_int(s, 4, other);
	return exec_one(s, rc);
}

int measure_get(struct db *d, int64_t id, struct mp_measure *out)
{
	struct mp_measure *v = NULL;
	size_t n = 0;
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT " MEASURE_COLS " WHERE m.id = ?2");
	if (!rc)
		rc = db_bind_int(s, 2, id);
	rc = measures_into(s, rc, 1, 1, &v, &n, NULL);
	if (!rc && !n)
		rc = ERR_NOTFOUND;
	if (!rc)
		*out = v[0];
	free(v);
	return rc;
}

int measure_list(struct db *d, int64_t plan_id, struct mp_measure **out, size_t *n)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT " MEASURE_COLS " WHERE m.plan_id = ?2 ORDER BY b.pos, m.pos, m.id");
	if (!rc)
		rc = db_bind_int(s, 2, plan_id);
	return measures_into(s, rc, 1, 0, out, n, NULL);
}

int measure_of_school(struct db *d, int64_t school_id, struct mp_measure **out, size_t *n)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT " MEASURE_COLS " WHERE m.school_id = ?2"
			    " ORDER BY CASE WHEN m.due IS NULL THEN 1 ELSE 0 END, m.due, m.plan_id, b.pos, m.pos");
	if (!rc)
		rc = db_bind_int(s, 2, school_id);
	return measures_into(s, rc, 1, 0, out, n, NULL);
}

/* The measure's plan within the scope, or (addressed) ?1 = 'school' and its school. */
#define MEASURE_SCOPE_SQL \
	"(EXISTS (SELECT 1 FROM mplan p LEFT JOIN school s ON s.id = p.school_id" \
	" WHERE p.id = m.plan_id AND " PLAN_SCOPE_SQL ")" \
	" OR (?1 = 'school' AND m.school_id = ?2))"

bool measure_in_scope(struct db *d, const struct scope *sc, int64_t measure_id)
{
	struct db_stmt *s = NULL;
	bool yes = false;
	if (!db_cached(d, &s, "SELECT 1 FROM measure m WHERE m.id = ?3 AND " MEASURE_SCOPE_SQL) &&
	    !scope_bind(s, sc) && !db_bind_int(s, 3, measure_id))
		yes = db_step(s) == DB_ROW;
	if (s)
		db_reset(s);
	return yes;
}

bool measure_may_report(struct db *d, const struct scope *sc, int64_t measure_id)
{
	/* The plan's editors see the plan; the school it is addressed to reports on it: the
	 * same rule as seeing it. */
	return measure_in_scope(d, sc, measure_id);
}

/* ---- status notes ---- */

int measure_report(struct db *d, int64_t measure_id, enum mp_status st, const char *note,
		   const char *file_id, const char *file_name, const char *file_type, int64_t file_size,
		   const char *by, char *msg, size_t n)
{
	return measure_report_on(d, measure_id, st, NULL, note, file_id, file_name, file_type, file_size, by,
				 msg, n);
}

int measure_report_on(struct db *d, int64_t measure_id, enum mp_status st, const char *done_on,
		      const char *note, const char *file_id, const char *file_name, const char *file_type,
		      int64_t file_size, const char *by, char *msg, size_t n)
{
	if ((unsigned)st > MP_CANCELLED) {
		model_say(msg, n, "неизвестный статус мероприятия");
		return ERR_INVALID;
	}
	if (note && strlen(note) >= MP_NOTE_MAX) {
		model_say(msg, n, "отметка о ходе исполнения длиннее 2000 байт");
		return ERR_INVALID;
	}
	bool file = file_id && *file_id;
	if (file && (!file_name || !*file_name || strlen(file_name) >= 256 || !file_type ||
		     strlen(file_type) >= 16 || file_size < 0)) {
		model_say(msg, n, "файл подтверждения без имени или типа");
		return ERR_INVALID;
	}
	char at[24], t[MP_DATE_LEN];
	model_now_iso(at);
	today(t);
	if (done_on && *done_on) {
		if (!plan_date_valid(done_on)) {
			model_say(msg, n, "дата выполнения — ДД.ММ.ГГГГ");
			return ERR_INVALID;
		}
		if (strcmp(done_on, t) > 0) {
			model_say(msg, n, "дата выполнения ещё не наступила");
			return ERR_INVALID;
		}
		if (st != MP_DONE) {
			model_say(msg, n, "дата выполнения указывается только для выполненного мероприятия");
			return ERR_INVALID;
		}
		/* Done before the plan's period began is a typing slip (a year off), and would
		 * count as done on time. */
		struct mp_measure m;
		struct mp_plan p;
		if (!measure_get(d, measure_id, &m) && !mplan_get(d, m.plan_id, &p) &&
		    plan_date_valid(p.period_from) && strcmp(done_on, p.period_from) < 0) {
			char a[PLAN_DATE_LEN], b[PLAN_DATE_LEN];
			plan_date_ru(done_on, a);
			plan_date_ru(p.period_from, b);
			if (msg && n)
				snprintf(msg, n, "дата выполнения %s раньше начала периода плана (%s)", a, b);
			return ERR_INVALID;
		}
		snprintf(t, sizeof t, "%s", done_on);
	}
	int rc = db_begin(d);
	if (rc)
		return rc;
	struct db_stmt *s = NULL;
	rc = db_prepare(d, &s, "UPDATE measure SET status = ?2, done_on = ?3, updated_by = ?4, updated_at = ?5"
			       " WHERE id = ?1");
	if (!rc && !(rc = db_bind_int(s, 1, measure_id)) && !(rc = db_bind_text(s, 2, mp_status_id(st), -1)) &&
	    !(rc = bind_opt(s, 3, st == MP_DONE ? t : NULL)) && !(rc = db_bind_text(s, 4, by ? by : "", -1)))
		rc = db_bind_text(s, 5, at, -1);
	rc = exec_one(s, rc);
	if (!rc && db_changes(d) == 0) {
		model_say(msg, n, "мероприятие не найдено");
		rc = ERR_NOTFOUND;
	}
	s = NULL;
	if (!rc) {
		rc = db_prepare(d, &s, "INSERT INTO measure_note (measure_id, status, note, file_id, file_name,"
				       " file_type, file_size, noted_at, noted_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
		if (!rc && !(rc = db_bind_int(s, 1, measure_id)) &&
		    !(rc = db_bind_text(s, 2, mp_status_id(st), -1)) &&
		    !(rc = db_bind_text(s, 3, note ? note : "", -1)) &&
		    !(rc = bind_opt(s, 4, file ? file_id : NULL)) &&
		    !(rc = bind_opt(s, 5, file ? file_name : NULL)) &&
		    !(rc = bind_opt(s, 6, file ? file_type : NULL)) &&
		    !(rc = file ? db_bind_int(s, 7, file_size) : db_bind_null(s, 7)) &&
		    !(rc = db_bind_text(s, 8, at, -1)))
			rc = db_bind_text(s, 9, by ? by : "", -1);
		rc = exec_one(s, rc);
	}
	if (rc) {
		db_rollback(d);
		return rc;
	}
	return db_commit(d);
}

/* Who noted it: the user's name while the account exists, else the login (or the command's
 * name, "oko demo") the note was stored with. */
#define NOTE_COLS \
	"n.id, n.measure_id, n.status, n.note, n.file_id, n.file_name, n.file_type, n.file_size," \
	" n.noted_at, COALESCE(u.name, n.noted_by)" \
	" FROM measure_note n LEFT JOIN \"user\" u ON u.login = n.noted_by"

static void note_read(struct db_stmt *s, struct mp_note *x)
{
	memset(x, 0, sizeof *x);
	x->id = db_col_int(s, 0);
	x->measure_id = db_col_int(s, 1);
	int st = mp_status_parse(db_col_text(s, 2));
	x->status = st < 0 ? MP_PLANNED : (enum mp_status)st;
	model_copy(x->note, sizeof x->note, db_col_text(s, 3));
	model_copy(x->file_id, sizeof x->file_id, db_col_text(s, 4));
	model_copy(x->file_name, sizeof x->file_name, db_col_text(s, 5));
	model_copy(x->file_type, sizeof x->file_type, db_col_text(s, 6));
	x->file_size = db_col_int(s, 7);
	model_copy(x->at, sizeof x->at, db_col_text(s, 8));
	model_copy(x->by, sizeof x->by, db_col_text(s, 9));
}

int measure_notes(struct db *d, int64_t measure_id, struct mp_note **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct db_stmt *s = NULL;
	struct mp_note *v = NULL;
	size_t cap = 0;
	int rc = db_prepare(d, &s, "SELECT " NOTE_COLS " WHERE n.measure_id = ? ORDER BY n.noted_at, n.id");
	if (!rc)
		rc = db_bind_int(s, 1, measure_id);
	while (!rc && (rc = db_step(s)) == DB_ROW) {
		v = xgrow(v, &cap, *n + 1, sizeof *v);
		note_read(s, &v[(*n)++]);
		rc = 0;
	}
	rc = model_done(rc);
	db_finalize(s);
	if (rc) {
		free(v);
		v = NULL;
		*n = 0;
	}
	*out = v;
	return rc;
}

int measure_note_get(struct db *d, int64_t note_id, struct mp_note *out)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT " NOTE_COLS " WHERE n.id = ?");
	if (!rc && !(rc = db_bind_int(s, 1, note_id)) && !(rc = db_step_one(s)))
		note_read(s, out);
	db_finalize(s);
	return rc;
}

void measure_files_dir(const char *db_file, char *out, size_t n)
{
	snprintf(out, n, "%s.evidence", db_file ? db_file : "");
}

/* ---- templates ---- */

enum { T_TEMPLATE, T_TITLE, T_LEVEL, T_GOAL, T_BLOCK, T_TEXT, T_TERM, T_RESPONSIBLE, T_EXPECTED, T_NCOLS };

/* Calls fn for every row of the templates file (header skipped); fn's non-zero return
 * stops and is returned. */
typedef int (*trow_fn)(void *ctx, char **f);
static int template_rows(trow_fn fn, void *ctx, char *msg, size_t n)
{
	const struct embedded_file *file = NULL;
	for (size_t i = 0; i < embedded_count && !file; i++)
		if (!strcmp(embedded_files[i].path, TEMPLATES_FILE))
			file = &embedded_files[i];
	if (!file)
		return 0;
	struct csv_reader *r = NULL;
	char why[256] = "";
	int rc = csv_open_mem(&r, file->data, file->len, NULL, why, sizeof why);
	if (rc) {
		model_say(msg, n, why);
		return rc;
	}
	size_t nf, *lens, row = 0;
	char **f;
	while ((rc = csv_next(r, &nf, &f, &lens)) == 1) {
		if (row++ == 0)
			continue;
		if (nf != T_NCOLS) {
			snprintf(why, sizeof why, "шаблоны планов: в строке %zu полей %zu, а нужно %d", row, nf,
				 T_NCOLS);
			model_say(msg, n, why);
			rc = ERR_INVALID;
			break;
		}
		if ((rc = fn(ctx, f)))
			break;
	}
	if (rc < 0 && msg && !*msg)
		model_say(msg, n, csv_error(r));
	csv_close(r);
	return rc < 0 ? rc : 0;
}

struct tlist {
	struct mp_template *v;
	size_t n, cap;
	char block[MP_TITLE_MAX];
};

static int take_template(void *ctx, char **f)
{
	struct tlist *x = ctx;
	struct mp_template *t = x->n ? &x->v[x->n - 1] : NULL;
	if (!t || strcmp(t->id, f[T_TEMPLATE])) {
		x->v = xgrow(x->v, &x->cap, x->n + 1, sizeof *x->v);
		t = &x->v[x->n++];
		memset(t, 0, sizeof *t);
		model_copy(t->id, sizeof t->id, f[T_TEMPLATE]);
		x->block[0] = '\0';
	}
	/* A template's title, level and goal are on its first row that has them. */
	if (!*t->title && *f[T_TITLE]) {
		model_copy(t->title, sizeof t->title, f[T_TITLE]);
		int l = mp_level_parse(f[T_LEVEL]);
		t->level = l < 0 ? MP_MUNICIPALITY : (enum mp_level)l;
		model_copy(t->goal, sizeof t->goal, f[T_GOAL]);
	}
	if (strcmp(x->block, f[T_BLOCK])) {
		model_copy(x->block, sizeof x->block, f[T_BLOCK]);
		t->nblocks++;
	}
	t->nmeasures++;
	return 0;
}

int mp_templates(struct mp_template **out, size_t *n)
{
	struct tlist x = { 0 };
	char msg[256] = "";
	int rc = template_rows(take_template, &x, msg, sizeof msg);
	if (rc) {
		free(x.v);
		x.v = NULL;
		x.n = 0;
	}
	*out = x.v;
	*n = x.n;
	return rc;
}

struct tfill {
	struct db *d;
	const char *id, *by;
	struct mp_plan *p;
	char block[MP_TITLE_MAX];
	int64_t block_id;
	long rows;
	char *msg;
	size_t n;
	struct mp_measure m;
};

static int fill_row(void *ctx, char **f)
{
	struct tfill *x = ctx;
	if (strcmp(f[T_TEMPLATE], x->id))
		return 0;
	int rc;
	if (!x->rows++) {
		if (!*x->p->title)
			model_copy(x->p->title, sizeof x->p->title, f[T_TITLE]);
		if (!*x->p->goal)
			model_copy(x->p->goal, sizeof x->p->goal, f[T_GOAL]);
		model_copy(x->p->template_id, sizeof x->p->template_id, x->id);
		if ((rc = mplan_add(x->d, x->p, x->by, x->msg, x->n)))
			return rc;
	}
	if (!x->block_id || strcmp(x->block, f[T_BLOCK])) {
		model_copy(x->block, sizeof x->block, f[T_BLOCK]);
		if ((rc = mplan_block_add(x->d, x->p->id, f[T_BLOCK], &x->block_id)))
			return rc;
	}
	struct mp_measure *m = &x->m;
	memset(m, 0, sizeof *m);
	m->plan_id = x->p->id;
	m->block_id = x->block_id;
	model_copy(m->text, sizeof m->text, f[T_TEXT]);
	model_copy(m->term, sizeof m->term, f[T_TERM]);
	model_copy(m->responsible, sizeof m->responsible, f[T_RESPONSIBLE]);
	model_copy(m->expected, sizeof m->expected, f[T_EXPECTED]);
	mp_term_due(m->term, x->p->period_from, x->p->period_to, m->due);
	return measure_add(x->d, m, x->by, x->msg, x->n);
}

int mplan_from_template(struct db *d, const char *template_id, struct mp_plan *p, const char *by,
			char *msg, size_t n)
{
	struct tfill *x = xcalloc(1, sizeof *x);
	x->d = d;
	x->id = template_id ? template_id : "";
	x->by = by;
	x->p = p;
	x->msg = msg;
	x->n = n;
	if (msg && n)
		*msg = '\0';
	int rc = db_begin(d);
	if (!rc) {
		rc = template_rows(fill_row, x, msg, n);
		if (!rc && !x->rows) {
			model_say(msg, n, "шаблон плана не найден");
			rc = ERR_NOTFOUND;
		}
		if (rc) {
			db_rollback(d);
			p->id = 0;
		} else
			rc = db_commit(d);
	}
	free(x);
	return rc;
}

/* ---- addressed help ---- */

struct help_school {
	int64_t id;
	char login[64], name[256];
	long official;
	char top_sign[64];
	char top_proc[160];
	char procs[600];
};

/* «ВПР, математика, 4 класс, 2021» from a procedure row (code, subject, grade, year). */
static void proc_words(struct db_stmt *s, int col, char *out, size_t n)
{
	char t[140];
	procedure_title_of(db_col_text(s, col), db_col_text(s, col + 1), (int)db_col_int(s, col + 2), t,
			   sizeof t);
	snprintf(out, n, "%s, %d", t, (int)db_col_int(s, col + 3));
}

/* The run's schools of the scope that are listed or officially flagged. */
static int help_schools(struct db *d, const struct scope *sc, int64_t run_id, struct help_school **out,
			size_t *n)
{
	*out = NULL;
	*n = 0;
	struct help_school *v = NULL;
	size_t cap = 0;
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s,
			    "SELECT s.id, s.login, s.name,"
			    " (SELECT count(*) FROM sign_result g WHERE g.run_id = ?3 AND g.school_id = s.id"
			    "  AND g.kind = 'official'),"
			    " sr.top_sign, tp.code, tp.subject, tp.grade, tp.year"
			    " FROM school s LEFT JOIN school_risk sr ON sr.run_id = ?3 AND sr.school_id = s.id"
			    " LEFT JOIN procedure tp ON tp.id = sr.top_procedure_id"
			    " WHERE " SCOPE_SQL("s") " AND (sr.listed = 1 OR EXISTS (SELECT 1 FROM sign_result g"
			    "  WHERE g.run_id = ?3 AND g.school_id = s.id AND g.kind = 'official'))"
			    " ORDER BY CASE WHEN sr.rank IS NULL THEN 1 ELSE 0 END, sr.rank, s.login");
	if (!rc && !(rc = scope_bind(s, sc)))
		rc = db_bind_int(s, 3, run_id);
	while (!rc && (rc = db_step(s)) == DB_ROW) {
		rc = 0;
		v = xgrow(v, &cap, *n + 1, sizeof *v);
		struct help_school *h = &v[(*n)++];
		memset(h, 0, sizeof *h);
		h->id = db_col_int(s, 0);
		model_copy(h->login, sizeof h->login, db_col_text(s, 1));
		model_copy(h->name, sizeof h->name, db_col_text(s, 2));
		h->official = (long)db_col_int(s, 3);
		model_copy(h->top_sign, sizeof h->top_sign, db_col_text(s, 4));
		if (!db_col_null(s, 5))
			proc_words(s, 5, h->top_proc, sizeof h->top_proc);
	}
	rc = model_done(rc);
	db_finalize(s);
	s = NULL;
	/* The procedures of each school's flags in the run, for the measures' texts. */
	if (!rc)
		rc = db_prepare(d, &s, "SELECT DISTINCT p.code, p.subject, p.grade, p.year FROM sign_result g"
				       " JOIN procedure p ON p.id = g.procedure_id"
				       " WHERE g.run_id = ? AND g.school_id = ? ORDER BY p.year DESC, p.code");
	for (size_t i = 0; !rc && i < *n; i++) {
		struct help_school *h = &v[i];
		int k = 0;
		if ((rc = db_bind_int(s, 1, run_id)) || (rc = db_bind_int(s, 2, h->id)))
			break;
		while ((rc = db_step(s)) == DB_ROW) {
			char w[160];
			if (k == 3) {
				snprintf(h->procs + strlen(h->procs), sizeof h->procs - strlen(h->procs), " и др.");
				k++;
			}
			if (k > 3)
				continue;
			proc_words(s, 0, w, sizeof w);
			snprintf(h->procs + strlen(h->procs), sizeof h->procs - strlen(h->procs), "%s%s",
				 k++ ? "; " : "", w);
		}
		rc = model_done(rc);
		db_reset(s);
		if (!*h->procs)
			model_copy(h->procs, sizeof h->procs, h->top_proc);
	}
	db_finalize(s);
	if (rc) {
		free(v);
		v = NULL;
		*n = 0;
	}
	*out = v;
	return rc;
}

/* «14.04.2021» of a moment or date 'YYYY-MM-DD…'. */
static void date_ru(const char *iso, char *out, size_t n)
{
	int y = 0, m = 0, dd = 0;
	if (sscanf(iso, "%4d-%2d-%2d", &y, &m, &dd) == 3)
		snprintf(out, n, "%02d.%02d.%04d", dd, m, y);
	else
		model_copy(out, n, iso);
}

/* The evidence in words; *inflated set when a re-check confirmed over-scoring. */
static int help_cause(struct db *d, int64_t run_id, const char *run_at, const struct help_school *h,
		      char *out, size_t n, bool *inflated)
{
	char at[16];
	date_ru(run_at, at, sizeof at);
	int w = snprintf(out, n, "Анализ результатов от %s:", at);
	const struct stat_sign_info *si = *h->top_sign ? stat_sign_find(h->top_sign) : NULL;
	if (si && w >= 0 && (size_t)w < n)
		w += snprintf(out + w, n - (size_t)w, " главный признак — «%s»%s%s%s;", si->title,
			      *h->top_proc ? " (" : "", h->top_proc, *h->top_proc ? ")" : "");
	if (w >= 0 && (size_t)w < n)
		w += snprintf(out + w, n - (size_t)w, " официальных признаков необъективности: %ld;", h->official);
	struct rc_run_row *rr = NULL;
	size_t nr = 0;
	int rc = recheck_run_school(d, run_id, h->id, &rr, &nr);
	if (rc)
		return rc;
	*inflated = false;
	char which[400] = "";
	for (size_t i = 0; i < nr; i++)
		if (rr[i].inflated) {
			*inflated = true;
			snprintf(which + strlen(which), sizeof which - strlen(which), "%s%s", *which ? "; " : "",
				 rr[i].title);
		}
	if (w >= 0 && (size_t)w < n) {
		if (*inflated)
			snprintf(out + w, n - (size_t)w, " перепроверка работ подтвердила завышение баллов (%s).",
				 which);
		else if (nr)
			snprintf(out + w, n - (size_t)w, " перепроверка работ завышения баллов не подтвердила.");
		else {
			/* Works sampled but no finished re-check in the run: it is under way. */
			long sampled = 0;
			if ((rc = recheck_school_sampled(d, h->id, &sampled)))
				goto out;
			if (sampled)
				snprintf(out + w, n - (size_t)w,
					 " на перепроверке %ld %s школы, итогов перепроверки в этом анализе ещё нет.",
					 sampled, str_plural(sampled, "работа", "работы", "работ"));
			else
				snprintf(out + w, n - (size_t)w, " перепроверка работ не проводилась.");
		}
	}
out:
	free(rr);
	return rc;
}

int measure_help_from_run(struct db *d, const struct scope *sc, int64_t plan_id, int64_t run_id,
			  unsigned kinds, const char *due, const char *by, struct mp_help_report *rep,
			  char *msg, size_t n)
{
	memset(rep, 0, sizeof *rep);
	if (msg && n)
		*msg = '\0';
	if (due && *due && !plan_date_valid(due)) {
		model_say(msg, n, "срок исполнения — дата в виде ДД.ММ.ГГГГ");
		return ERR_INVALID;
	}
	if (!(kinds & ((1u << MP_KIND_COUNT) - 2u))) {
		model_say(msg, n, "выберите хотя бы один вид помощи");
		return ERR_INVALID;
	}
	struct mp_plan *p = xcalloc(1, sizeof *p);
	struct mp_measure *m = xcalloc(1, sizeof *m);
	struct help_school *hs = NULL;
	size_t nh = 0;
	char run_at[32] = "";
	int64_t block = 0;
	struct db_stmt *s = NULL, *dup = NULL;
	int rc = mplan_get(d, plan_id, p);
	if (rc) {
		model_say(msg, n, "план не найден");
		goto out;
	}
	if ((rc = db_prepare(d, &s, "SELECT at FROM analysis_run WHERE id = ?")) ||
	    (rc = db_bind_int(s, 1, run_id)))
		goto out;
	if ((rc = db_step_one(s))) {
		if (rc == ERR_NOTFOUND)
			model_say(msg, n, "анализ результатов не найден");
		goto out;
	}
	model_copy(run_at, sizeof run_at, db_col_text(s, 0));
	db_finalize(s);
	s = NULL;
	/* The plan's own territory: a municipality's plan helps its schools only, whoever adds
	 * the help (the region, the command line). */
	static const struct scope every = { SCOPE_ALL, 0 };
	struct scope terr = p->level == MP_MUNICIPALITY ? (struct scope){ SCOPE_MUNICIPALITY, p->municipality_id }
			    : p->level == MP_SCHOOL	    ? (struct scope){ SCOPE_SCHOOL, p->school_id }
			    : p->region_id && (!sc || sc->kind == SCOPE_ALL) ? (struct scope){ SCOPE_REGION, p->region_id }
									      : *(sc ? sc : &every);
	if ((rc = help_schools(d, &terr, run_id, &hs, &nh)))
		goto out;
	rep->schools = (long)nh;
	if ((rc = db_begin(d)))
		goto out;
	/* The block of addressed help, created when missing. */
	if ((rc = db_prepare(d, &s, "SELECT id FROM mplan_block WHERE plan_id = ? AND title = ? ORDER BY pos")) ||
	    (rc = db_bind_int(s, 1, plan_id)) || (rc = db_bind_text(s, 2, HELP_BLOCK, -1)))
		goto rollback;
	rc = db_step(s);
	if (rc == DB_ROW)
		block = db_col_int(s, 0);
	if ((rc = model_done(rc)))
		goto rollback;
	db_finalize(s);
	s = NULL;
	if (!block && nh && (rc = mplan_block_add(d, plan_id, HELP_BLOCK, &block)))
		goto rollback;
	if ((rc = db_prepare(d, &dup, "SELECT 1 FROM measure WHERE plan_id = ? AND school_id = ? AND kind = ?"
				      " AND run_id = ?")))
		goto rollback;
	for (size_t i = 0; i < nh; i++) {
		bool inflated = false;
		char cause[MP_TEXT_MAX];
		if ((rc = help_cause(d, run_id, run_at, &hs[i], cause, sizeof cause, &inflated)))
			goto rollback;
		for (int k = MP_KIND_INTERVIEW; k < MP_KIND_COUNT; k++) {
			if (!(kinds & (1u << k)) || (k == MP_KIND_SEMINAR && !inflated))
				continue;
			if ((rc = db_reset(dup)) || (rc = db_bind_int(dup, 1, plan_id)) ||
			    (rc = db_bind_int(dup, 2, hs[i].id)) || (rc = db_bind_text(dup, 3, mp_kind_id(k), -1)) ||
			    (rc = db_bind_int(dup, 4, run_id)))
				goto rollback;
			rc = db_step(dup);
			db_reset(dup);
			if (rc == DB_ROW) {
				rep->skipped++;
				continue;
			}
			if ((rc = model_done(rc)))
				goto rollback;
			memset(m, 0, sizeof *m);
			m->plan_id = plan_id;
			m->block_id = block;
			m->school_id = hs[i].id;
			m->kind = (enum mp_kind)k;
			m->run_id = run_id;
			mp_kind_text(m->kind, hs[i].name, hs[i].procs, m->text, sizeof m->text);
			model_copy(m->responsible, sizeof m->responsible, mp_kind_responsible(m->kind));
			model_copy(m->expected, sizeof m->expected, mp_kind_expected(m->kind));
			model_copy(m->cause, sizeof m->cause, cause);
			model_copy(m->due, sizeof m->due, due);
			if (due && *due)
				date_ru(due, m->term, sizeof m->term);
			else
				model_copy(m->term, sizeof m->term, "в течение учебного года");
			if ((rc = measure_add(d, m, by, msg, n)))
				goto rollback;
			rep->measures++;
		}
	}
	db_finalize(dup);
	dup = NULL;
	rc = db_commit(d);
	goto out;
rollback:
	db_finalize(s);
	s = NULL;
	db_finalize(dup);
	dup = NULL;
	db_rollback(d);
	rep->measures = 0;
out:
	db_finalize(s);
	db_finalize(dup);
	free(hs);
	free(m);
	free(p);
	return rc;
}

/* ---- tracking ---- */

int measure_overdue(struct db *d, const struct scope *sc, size_t limit, struct mp_measure **out,
		    size_t *n, long *total)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT " MEASURE_COLS_AT("?3") " WHERE m.status IN ('planned', 'progress')"
			    " AND m.due IS NOT NULL AND m.due < ?3 AND " MEASURE_SCOPE_SQL
			    " ORDER BY m.due, m.plan_id, b.pos, m.pos");
	if (!rc)
		rc = scope_bind(s, sc);
	return measures_into(s, rc, 3, limit, out, n, total);
}

/* Whether the school was listed, or officially flagged, in the run for a procedure of
 * year: an official flag on a procedure of that year, or on oko's list with a flag of any
 * kind on a procedure of that year. */
static int flagged_in(struct db *d, int64_t run_id, int64_t school_id, int year, bool *yes)
{
	struct db_stmt *s = NULL;
	*yes = false;
	int rc = db_cached(d, &s,
			   "SELECT 1 FROM sign_result g JOIN procedure p ON p.id = g.procedure_id"
			   " WHERE g.run_id = ?1 AND g.school_id = ?2 AND p.year = ?3 AND (g.kind = 'official'"
			   "  OR EXISTS (SELECT 1 FROM school_risk r WHERE r.run_id = ?1 AND r.school_id = ?2"
			   "   AND r.listed = 1))");
	if (rc || (rc = db_bind_int(s, 1, run_id)) || (rc = db_bind_int(s, 2, school_id)) ||
	    (rc = db_bind_int(s, 3, year)))
		return rc;
	rc = db_step(s);
	*yes = rc == DB_ROW;
	db_reset(s);
	return model_done(rc);
}

int measure_outcome(struct db *d, int64_t plan_id, struct mp_outcome *out)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *s = NULL;
	size_t cap = 0;
	int64_t latest = 0, *cause = NULL;
	int rc = db_prepare(d, &s,
			    "SELECT m.school_id, s.login, s.name, count(*),"
			    " sum(CASE WHEN m.status = 'done' THEN 1 ELSE 0 END), max(m.run_id)"
			    " FROM measure m JOIN school s ON s.id = m.school_id WHERE m.plan_id = ?"
			    " GROUP BY m.school_id, s.login, s.name ORDER BY s.login");
	if (!rc)
		rc = db_bind_int(s, 1, plan_id);
	while (!rc && (rc = db_step(s)) == DB_ROW) {
		rc = 0;
		if (out->n == cap) {
			cap = cap ? 2 * cap : 16;
			out->s = xrealloc(out->s, cap * sizeof *out->s);
			cause = xrealloc(cause, cap * sizeof *cause);
		}
		struct mp_outcome_school *x = &out->s[out->n];
		memset(x, 0, sizeof *x);
		x->school_id = db_col_int(s, 0);
		model_copy(x->school, sizeof x->school, db_col_text(s, 1));
		model_copy(x->school_name, sizeof x->school_name, db_col_text(s, 2));
		x->measures = (long)db_col_int(s, 3);
		x->done = (long)db_col_int(s, 4);
		cause[out->n++] = db_col_int(s, 5);
	}
	rc = model_done(rc);
	db_finalize(s);
	s = NULL;
	out->helped = (long)out->n;
	/* The latest run and the latest year of its procedures. */
	int year_latest = 0;
	if (!rc && !(rc = db_prepare(d, &s, "SELECT id FROM analysis_run ORDER BY at DESC, id DESC LIMIT 1"))) {
		rc = db_step(s);
		latest = rc == DB_ROW ? db_col_int(s, 0) : 0;
		rc = model_done(rc);
	}
	db_finalize(s);
	s = NULL;
	if (!rc && latest &&
	    !(rc = db_prepare(d, &s, "SELECT max(p.year) FROM region_index x JOIN procedure p"
				     " ON p.id = x.procedure_id WHERE x.run_id = ?")) &&
	    !(rc = db_bind_int(s, 1, latest))) {
		rc = db_step(s);
		year_latest = rc == DB_ROW ? (int)db_col_int(s, 0) : 0;
		rc = model_done(rc);
	}
	db_finalize(s);
	s = NULL;
	struct db_stmt *yb = NULL, *has = NULL;
	if (!rc)
		rc = db_prepare(d, &yb, "SELECT max(p.year) FROM procedure p WHERE p.id IN"
					" (SELECT g.procedure_id FROM sign_result g WHERE g.run_id = ?1 AND g.school_id = ?2"
					"  UNION SELECT r.top_procedure_id FROM school_risk r WHERE r.run_id = ?1"
					"  AND r.school_id = ?2 AND r.listed = 1)");
	if (!rc)
		rc = db_prepare(d, &has, "SELECT 1 FROM result r JOIN procedure p ON p.id = r.procedure_id"
					 " WHERE r.school_id = ? AND p.year = ? AND r.absent = 0 LIMIT 1");
	for (size_t i = 0; !rc && i < out->n; i++) {
		struct mp_outcome_school *x = &out->s[i];
		if (cause[i]) {
			if ((rc = db_bind_int(yb, 1, cause[i])) || (rc = db_bind_int(yb, 2, x->school_id)))
				break;
			rc = db_step(yb);
			x->year_before = rc == DB_ROW ? (int)db_col_int(yb, 0) : 0;
			db_reset(yb);
			if ((rc = model_done(rc)))
				break;
		}
		/* Only a year after the cause's year tells whether the help worked. */
		if (!latest || !x->year_before || year_latest <= x->year_before)
			continue;
		x->year_after = year_latest;
		if ((rc = db_bind_int(has, 1, x->school_id)) || (rc = db_bind_int(has, 2, year_latest)))
			break;
		rc = db_step(has);
		x->measured_after = rc == DB_ROW;
		db_reset(has);
		if ((rc = model_done(rc)))
			break;
		if (!x->measured_after)
			continue;
		if ((rc = flagged_in(d, latest, x->school_id, year_latest, &x->flagged_after)))
			break;
		out->measured_after++;
		if (x->flagged_after)
			out->stayed++;
		else
			out->left++;
	}
	db_finalize(yb);
	db_finalize(has);
	free(cause);
	if (rc)
		measure_outcome_free(out);
	return rc;
}

void measure_outcome_free(struct mp_outcome *o)
{
	free(o->s);
	memset(o, 0, sizeof *o);
}

/* ---- requisites ---- */

int requisite_get(struct db *d, enum mp_level unit, int64_t unit_id, struct mp_requisite *out,
		  bool *stored)
{
	memset(out, 0, sizeof *out);
	if (stored)
		*stored = false;
	if ((unsigned)unit > MP_SCHOOL)
		return ERR_INVALID;
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT org, place, head_position, head_name FROM requisite"
			    " WHERE unit = ? AND unit_id = ?");
	if (!rc && !(rc = db_bind_text(s, 1, mp_level_id(unit), -1)) && !(rc = db_bind_int(s, 2, unit_id))) {
		rc = db_step(s);
		if (rc == DB_ROW) {
			model_copy(out->org, sizeof out->org, db_col_text(s, 0));
			model_copy(out->place, sizeof out->place, db_col_text(s, 1));
			model_copy(out->head_position, sizeof out->head_position, db_col_text(s, 2));
			model_copy(out->head_name, sizeof out->head_name, db_col_text(s, 3));
			if (stored)
				*stored = true;
		}
		rc = model_done(rc);
	}
	db_finalize(s);
	s = NULL;
	if (rc || *out->org)
		return rc;
	/* Defaults from the registry: the territory's name. */
	static const char *const sql[] = { "SELECT name FROM region WHERE id = ?",
					   "SELECT name FROM municipality WHERE id = ?",
					   "SELECT name FROM school WHERE id = ?" };
	if (!(rc = db_prepare(d, &s, sql[unit])) && !(rc = db_bind_int(s, 1, unit_id)) &&
	    !(rc = db_step_one(s))) {
		if (unit == MP_SCHOOL)
			model_copy(out->org, sizeof out->org, db_col_text(s, 0));
		else
			snprintf(out->org, sizeof out->org, unit == MP_REGION ? "Орган управления образованием региона «%s»"
							 : "Орган управления образованием муниципального образования «%s»",
			 db_col_text(s, 0));
	}
	db_finalize(s);
	return rc;
}

int requisite_put(struct db *d, enum mp_level unit, int64_t unit_id, const struct mp_requisite *r,
		  const char *by)
{
	if ((unsigned)unit > MP_SCHOOL || blank(r->org))
		return ERR_INVALID;
	static const char *const sql[] = { "SELECT 1 FROM region WHERE id = ?",
					   "SELECT 1 FROM municipality WHERE id = ?",
					   "SELECT 1 FROM school WHERE id = ?" };
	if (!exists(d, sql[unit], unit_id))
		return ERR_NOTFOUND;
	char at[24];
	model_now_iso(at);
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "INSERT INTO requisite (unit, unit_id, org, place, head_position, head_name,"
			    " updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
			    " ON CONFLICT (unit, unit_id) DO UPDATE SET org = excluded.org, place = excluded.place,"
			    " head_position = excluded.head_position, head_name = excluded.head_name,"
			    " updated_by = excluded.updated_by, updated_at = excluded.updated_at");
	if (!rc && !(rc = db_bind_text(s, 1, mp_level_id(unit), -1)) && !(rc = db_bind_int(s, 2, unit_id)) &&
	    !(rc = db_bind_text(s, 3, r->org, -1)) && !(rc = db_bind_text(s, 4, r->place, -1)) &&
	    !(rc = db_bind_text(s, 5, r->head_position, -1)) && !(rc = db_bind_text(s, 6, r->head_name, -1)) &&
	    !(rc = db_bind_text(s, 7, by ? by : "", -1)))
		rc = db_bind_text(s, 8, at, -1);
	return exec_one(s, rc);
}
