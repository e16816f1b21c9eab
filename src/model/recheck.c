/* recheck: experts, re-check rounds, sampled works, scans and checks — every SQL statement
 * of migration 015 (see recheck.h, docs/recheck.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "base/mem.h"
#include "base/str.h"
#include "model/rows.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "model/recheck.h"
#include "model/result.h"
#include "model/user.h"

/* ---- helpers ---- */

static const struct scope all = { SCOPE_ALL, 0 };

/* A score blob into 0..max bytes: the school's SCORE_X / SCORE_EMPTY / SCORE_NOT_TAUGHT
 * read as 0. Returns the positions copied. */
static int scores_of(struct db_stmt *s, int col, uint8_t *out)
{
	size_t n = 0;
	const uint8_t *b = db_col_blob(s, col, &n);
	if (!b)
		n = 0;
	if (n > PROC_MAX_POSITIONS)
		n = PROC_MAX_POSITIONS;
	for (size_t i = 0; i < n; i++)
		out[i] = b[i] > PROC_MAX_POINTS ? 0 : b[i];
	return (int)n;
}

/* Runs a prepared one-shot statement to its end. */
static int run_reset(struct db_stmt *s)
{
	int rc = db_step(s);
	db_reset(s);
	return model_done(rc);
}

/* «ВПР, математика, 4 класс, 2021» from the columns kind, subject, grade, year. */
static void title_of(const char *kind, const char *subject, int grade, int year, char *out, size_t n)
{
	char t[140];
	procedure_title(kind, subject, grade, t, sizeof t);
	snprintf(out, n, "%s, %d", t, year);
}

/* ---- settings ---- */

int recheck_cfg_get(struct db *d, int64_t procedure_id, struct rc_cfg *out)
{
	*out = RC_CFG_DEFAULT;
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT point_diff, tolerance, control_rate FROM recheck_setting"
				  " WHERE procedure_id = ?");
	if (rc || (rc = db_bind_int(s, 1, procedure_id)))
		return rc;
	rc = db_step(s);
	if (rc == DB_ROW) {
		out->point_diff = (int)db_col_int(s, 0);
		out->tolerance = (int)db_col_int(s, 1);
		out->control_rate = db_col_double(s, 2);
	}
	db_reset(s);
	return model_done(rc);
}

int recheck_cfg_put(struct db *d, int64_t procedure_id, const struct rc_cfg *cfg, const char *by,
		    char *msg, size_t n)
{
	if (cfg->point_diff < 1 || cfg->point_diff > 100) {
		model_say(msg, n, "существенное расхождение — от 1 до 100 баллов");
		return ERR_INVALID;
	}
	if (cfg->tolerance < 0 || cfg->tolerance > 100) {
		model_say(msg, n, "допустимое изменение первичного балла — от 0 до 100 баллов");
		return ERR_INVALID;
	}
	if (!(cfg->control_rate >= 0 && cfg->control_rate <= 0.5)) {
		model_say(msg, n, "доля контрольных работ — от 0 до 50 %");
		return ERR_INVALID;
	}
	char at[24];
	model_now_iso(at);
	struct db_stmt *s = NULL;
	int rc;
	if ((rc = db_cached(d, &s, "INSERT INTO recheck_setting (procedure_id, point_diff, tolerance,"
				   " control_rate, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
				   " ON CONFLICT (procedure_id) DO UPDATE SET point_diff = excluded.point_diff,"
				   " tolerance = excluded.tolerance, control_rate = excluded.control_rate,"
				   " updated_by = excluded.updated_by, updated_at = excluded.updated_at")) ||
	    (rc = db_bind_int(s, 1, procedure_id)) || (rc = db_bind_int(s, 2, cfg->point_diff)) ||
	    (rc = db_bind_int(s, 3, cfg->tolerance)) || (rc = db_bind_double(s, 4, cfg->control_rate)) ||
	    (rc = db_bind_text(s, 5, by ? by : "", -1)) || (rc = db_bind_text(s, 6, at, -1)))
		return rc;
	rc = run_reset(s);
	if (rc == ERR_INVALID)
		model_say(msg, n, "процедура не найдена");
	return rc;
}

/* ---- experts ---- */

/* True when the expert row aliased `e` is seen by the scope bound at ?1, ?2. */
#define EXPERT_SCOPE_SQL(e) \
	"((" e ".municipality_id IS NULL AND ?1 IN ('all', 'reg')) OR (" e ".municipality_id IS NOT NULL" \
	" AND " SCOPE_MUN_SQL(e ".municipality_id") "))"

int expert_put(struct db *d, const struct rc_expert_row *e, const char *by)
{
	if (!e->code[0] || !e->name[0] || e->max_works < 1 || e->max_works > 10000 || e->nworks < 0 ||
	    e->nworks > RC_MAX_SCHOOLS || e->nchildren < 0 || e->nchildren > RC_MAX_SCHOOLS)
		return ERR_INVALID;
	char at[24];
	model_now_iso(at);
	struct db_stmt *s = NULL;
	int rc;
	if ((rc = db_cached(d, &s, "INSERT INTO expert (code, name, municipality_id, subjects, max_works,"
				   " updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
				   " ON CONFLICT (code) DO UPDATE SET name = excluded.name,"
				   " municipality_id = excluded.municipality_id, subjects = excluded.subjects,"
				   " max_works = excluded.max_works, updated_by = excluded.updated_by,"
				   " updated_at = excluded.updated_at")) ||
	    (rc = db_bind_text(s, 1, e->code, -1)) || (rc = db_bind_text(s, 2, e->name, -1)) ||
	    (rc = e->municipality_id > 0 ? db_bind_int(s, 3, e->municipality_id) : db_bind_null(s, 3)) ||
	    (rc = db_bind_text(s, 4, e->subjects, -1)) || (rc = db_bind_int(s, 5, e->max_works)) ||
	    (rc = db_bind_text(s, 6, by ? by : "", -1)) || (rc = db_bind_text(s, 7, at, -1)))
		return rc;
	if ((rc = run_reset(s)))
		return rc;
	int64_t id = 0;
	if ((rc = expert_find(d, e->code, &id)))
		return rc;
	if ((rc = db_cached(d, &s, "DELETE FROM expert_school WHERE expert_id = ?")) ||
	    (rc = db_bind_int(s, 1, id)) || (rc = run_reset(s)))
		return rc;
	for (int k = 0; k < e->nworks + e->nchildren; k++) {
		bool child = k >= e->nworks;
		int64_t school = child ? e->children_at[k - e->nworks] : e->works_at[k];
		if ((rc = db_cached(d, &s, "INSERT INTO expert_school (expert_id, school_id, why)"
					   " VALUES (?, ?, ?) ON CONFLICT (expert_id, school_id, why) DO NOTHING")) ||
		    (rc = db_bind_int(s, 1, id)) || (rc = db_bind_int(s, 2, school)) ||
		    (rc = db_bind_text(s, 3, child ? "child" : "works", -1)) || (rc = run_reset(s)))
			return rc;
	}
	return 0;
}

#define EXPERT_COLS \
	"e.id, e.code, e.name, coalesce(e.municipality_id, 0), coalesce(m.name, ''), e.subjects," \
	" e.max_works, coalesce(u.login, '')," \
	" (SELECT count(*) FROM recheck_check c WHERE c.expert_id = e.id)," \
	" (SELECT count(*) FROM recheck_check c WHERE c.expert_id = e.id AND c.done = 1)"
#define EXPERT_FROM \
	" FROM expert e LEFT JOIN municipality m ON m.id = e.municipality_id" \
	" LEFT JOIN \"user\" u ON u.id = e.user_id"

static void expert_read(struct db_stmt *s, void *item)
{
	struct rc_expert_row *e = item;
	memset(e, 0, sizeof *e);
	e->id = db_col_int(s, 0);
	model_copy(e->code, sizeof e->code, db_col_text(s, 1));
	model_copy(e->name, sizeof e->name, db_col_text(s, 2));
	e->municipality_id = db_col_int(s, 3);
	model_copy(e->municipality, sizeof e->municipality, db_col_text(s, 4));
	model_copy(e->subjects, sizeof e->subjects, db_col_text(s, 5));
	e->max_works = (int)db_col_int(s, 6);
	model_copy(e->login, sizeof e->login, db_col_text(s, 7));
	e->assigned = (long)db_col_int(s, 8);
	e->done = (long)db_col_int(s, 9);
}

static int expert_fill(struct db *d, struct rc_expert_row *e)
{
	struct db_stmt *s = NULL;
	int rc;
	if ((rc = db_cached(d, &s, "SELECT school_id, why FROM expert_school WHERE expert_id = ?"
				   " ORDER BY why DESC, school_id")) ||
	    (rc = db_bind_int(s, 1, e->id)))
		return rc;
	while ((rc = db_step(s)) == DB_ROW) {
		if (!strcmp(db_col_text(s, 1), "child")) {
			if (e->nchildren < RC_MAX_SCHOOLS)
				e->children_at[e->nchildren++] = db_col_int(s, 0);
		} else if (e->nworks < RC_MAX_SCHOOLS) {
			e->works_at[e->nworks++] = db_col_int(s, 0);
		}
	}
	db_reset(s);
	return model_done(rc);
}

int expert_list(struct db *d, const struct scope *sc, struct rc_expert_row **out, size_t *n)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT " EXPERT_COLS EXPERT_FROM " WHERE " EXPERT_SCOPE_SQL("e")
				   " ORDER BY e.name, e.code");
	if (!rc)
		rc = scope_bind(s, sc ? sc : &all);
	*out = model_rows(&rc, s, sizeof **out, expert_read, n);
	for (size_t i = 0; i < *n && !rc; i++)
		rc = expert_fill(d, &(*out)[i]);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int expert_get(struct db *d, int64_t id, struct rc_expert_row *out)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT " EXPERT_COLS EXPERT_FROM " WHERE e.id = ?");
	if (rc || (rc = db_bind_int(s, 1, id)))
		return rc;
	rc = db_step_one(s);
	if (!rc)
		expert_read(s, out);
	db_reset(s);
	return rc ? rc : expert_fill(d, out);
}

int expert_find(struct db *d, const char *code, int64_t *id)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT id FROM expert WHERE code = ?");
	if (rc || (rc = db_bind_text(s, 1, code ? code : "", -1)))
		return rc;
	rc = db_step_one(s);
	if (!rc)
		*id = db_col_int(s, 0);
	db_reset(s);
	return rc;
}

bool expert_in_scope(struct db *d, const struct scope *sc, int64_t expert_id)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT 1 FROM expert e WHERE e.id = ?3 AND " EXPERT_SCOPE_SQL("e"));
	if (rc || scope_bind(s, sc) || db_bind_int(s, 3, expert_id))
		return false;
	rc = db_step(s);
	db_reset(s);
	return rc == DB_ROW;
}

int expert_link_user(struct db *d, int64_t expert_id, int64_t user_id, char *msg, size_t n)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT role, coalesce((SELECT e.code FROM expert e WHERE e.user_id = u.id"
				  " AND e.id <> ?2), '') FROM \"user\" u WHERE u.id = ?1");
	if (rc || (rc = db_bind_int(s, 1, user_id)) || (rc = db_bind_int(s, 2, expert_id)))
		return rc;
	rc = db_step_one(s);
	if (rc) {
		db_reset(s);
		model_say(msg, n, "пользователь не найден");
		return rc == ERR_NOTFOUND ? ERR_INVALID : rc;
	}
	bool expert_role = !strcmp(db_col_text(s, 0), "expert");
	char other[RC_CODE_MAX];
	model_copy(other, sizeof other, db_col_text(s, 1));
	db_reset(s);
	if (!expert_role) {
		model_say(msg, n, "связать с экспертом можно только пользователя с ролью «эксперт»");
		return ERR_INVALID;
	}
	if (other[0]) {
		char m[200];
		snprintf(m, sizeof m, "этот пользователь уже связан с экспертом %s", other);
		model_say(msg, n, m);
		return ERR_INVALID;
	}
	if ((rc = db_cached(d, &s, "UPDATE expert SET user_id = ? WHERE id = ?")) ||
	    (rc = db_bind_int(s, 1, user_id)) || (rc = db_bind_int(s, 2, expert_id)))
		return rc;
	if ((rc = run_reset(s)))
		return rc;
	if (db_changes(d) != 1) {
		model_say(msg, n, "эксперт не найден");
		return ERR_NOTFOUND;
	}
	return 0;
}

int expert_of_user(struct db *d, int64_t user_id, int64_t *expert_id)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT id FROM expert WHERE user_id = ?");
	if (rc || (rc = db_bind_int(s, 1, user_id)))
		return rc;
	rc = db_step_one(s);
	if (!rc)
		*expert_id = db_col_int(s, 0);
	db_reset(s);
	return rc;
}

/* ---- rounds ---- */

static const char *const kind_ids[] = { "municipal", "cross" };
static const char *const kind_titles[] = { "муниципальная перепроверка", "перекрёстная проверка" };

const char *rc_kind_id(enum rc_kind k)
{
	return (unsigned)k < 2 ? kind_ids[k] : "";
}

const char *rc_kind_title(enum rc_kind k)
{
	return (unsigned)k < 2 ? kind_titles[k] : "";
}

int rc_kind_parse(const char *s)
{
	for (int k = 0; s && k < 2; k++)
		if (!strcmp(s, kind_ids[k]))
			return k;
	return -1;
}

int recheck_round_add(struct db *d, struct rc_round *r)
{
	char at[24];
	model_now_iso(at);
	struct db_stmt *s = NULL;
	int rc;
	if ((rc = db_cached(d, &s, "INSERT INTO recheck_round (procedure_id, municipality_id, kind, rules,"
				   " share, seed, no_mutual, created_by, created_at)"
				   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) ||
	    (rc = db_bind_int(s, 1, r->procedure_id)) ||
	    (rc = r->municipality_id > 0 ? db_bind_int(s, 2, r->municipality_id) : db_bind_null(s, 2)) ||
	    (rc = db_bind_text(s, 3, rc_kind_id(r->kind), -1)) || (rc = db_bind_text(s, 4, r->rules, -1)) ||
	    (rc = db_bind_double(s, 5, r->share)) ||
	    (rc = db_bind_int(s, 6, (int64_t)(r->seed & 0x7fffffffffffffffULL))) ||
	    (rc = db_bind_int(s, 7, r->no_mutual)) || (rc = db_bind_text(s, 8, r->created_by, -1)) ||
	    (rc = db_bind_text(s, 9, at, -1)) || (rc = run_reset(s)))
		return rc;
	r->id = db_last_id(d);
	model_copy(r->created_at, sizeof r->created_at, at);
	return 0;
}

/* The round's columns; the progress comes from its works' states (round_progress). */
#define ROUND_COLS \
	"rr.id, rr.procedure_id, p.code, p.kind, p.subject, p.grade, p.year," \
	" coalesce(rr.municipality_id, 0), coalesce(m.name, ''), rr.kind, rr.rules, rr.share, rr.seed," \
	" rr.no_mutual, rr.created_by, rr.created_at, coalesce(rr.assigned_at, '')"
#define ROUND_FROM \
	" FROM recheck_round rr JOIN procedure p ON p.id = rr.procedure_id" \
	" LEFT JOIN municipality m ON m.id = rr.municipality_id"
/* The scope sees a round of its municipality; the region (and ALL) sees every round of its
 * municipalities and its own. */
#define ROUND_SCOPE_SQL(r) \
	"(?1 = 'all' OR (" r ".municipality_id IS NULL AND ?1 = 'reg') OR (" r ".municipality_id IS NOT NULL" \
	" AND " SCOPE_MUN_SQL(r ".municipality_id") "))"

static void round_read(struct db_stmt *s, void *item)
{
	struct rc_round *r = item;
	r->id = db_col_int(s, 0);
	r->procedure_id = db_col_int(s, 1);
	model_copy(r->procedure, sizeof r->procedure, db_col_text(s, 2));
	title_of(db_col_text(s, 3), db_col_text(s, 4), (int)db_col_int(s, 5), (int)db_col_int(s, 6),
		 r->title, sizeof r->title);
	r->municipality_id = db_col_int(s, 7);
	model_copy(r->municipality, sizeof r->municipality, db_col_text(s, 8));
	int k = rc_kind_parse(db_col_text(s, 9));
	r->kind = k < 0 ? RC_MUNICIPAL : (enum rc_kind)k;
	model_copy(r->rules, sizeof r->rules, db_col_text(s, 10));
	r->share = db_col_double(s, 11);
	r->seed = (uint64_t)db_col_int(s, 12);
	r->no_mutual = db_col_int(s, 13) != 0;
	model_copy(r->created_by, sizeof r->created_by, db_col_text(s, 14));
	model_copy(r->created_at, sizeof r->created_at, db_col_text(s, 15));
	model_copy(r->assigned_at, sizeof r->assigned_at, db_col_text(s, 16));
}

/* Fills the progress of a round from its works' states. */
static int round_progress(struct db *d, struct rc_round *r)
{
	struct rc_work *w = NULL;
	size_t n = 0;
	int rc = recheck_work_list(d, &all, r->id, 0, &w, &n);
	if (rc)
		return rc;
	struct rc_cfg cfg;
	struct procedure *p = xcalloc(1, sizeof *p);
	if (!(rc = recheck_cfg_get(d, r->procedure_id, &cfg)) &&
	    !(rc = procedure_get(d, r->procedure, p))) {
		const int *scale = p->has_scale ? p->scale : NULL;
		r->works = (long)n;
		for (size_t i = 0; i < n; i++) {
			const struct rc_work *x = &w[i];
			const uint8_t *fin = NULL;
			enum rc_state st = rc_state_of(&cfg, scale, x->s1, x->done[0] ? x->s[0] : NULL,
						       x->done[1] ? x->s[1] : NULL, x->npos, &fin);
			r->scans += x->scan_id[0] != 0;
			r->assigned2 += x->expert_id[0] != 0;
			r->done2 += x->done[0];
			r->need3 += st == RC_WAIT3 || st == RC_FINAL3;
			r->done3 += st == RC_FINAL3;
			r->final += st == RC_FINAL2 || st == RC_FINAL3;
		}
		struct db_stmt *s = NULL;
		if (!(rc = db_cached(d, &s, "SELECT count(*), coalesce(sum(done), 0) FROM recheck_check"
					    " WHERE round_id = ? AND control = 1")) &&
		    !(rc = db_bind_int(s, 1, r->id))) {
			if ((rc = db_step_one(s)) == 0) {
				r->control = (long)db_col_int(s, 0);
				r->control_done = (long)db_col_int(s, 1);
			}
			db_reset(s);
		}
	}
	free(p);
	free(w);
	return rc;
}

int recheck_round_list(struct db *d, const struct scope *sc, int64_t procedure_id,
		       struct rc_round **out, size_t *n)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT " ROUND_COLS ROUND_FROM " WHERE " ROUND_SCOPE_SQL("rr")
				   " AND (?3 = 0 OR rr.procedure_id = ?3) ORDER BY rr.id DESC");
	if (!rc && !(rc = scope_bind(s, sc ? sc : &all)))
		rc = db_bind_int(s, 3, procedure_id);
	*out = model_rows(&rc, s, sizeof **out, round_read, n);
	for (size_t i = 0; i < *n && !rc; i++)
		rc = round_progress(d, &(*out)[i]);
	if (rc) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int recheck_round_get(struct db *d, int64_t id, struct rc_round *out)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT " ROUND_COLS ROUND_FROM " WHERE rr.id = ?");
	if (rc || (rc = db_bind_int(s, 1, id)))
		return rc;
	rc = db_step_one(s);
	memset(out, 0, sizeof *out);
	if (!rc)
		round_read(s, out);
	db_reset(s);
	return rc ? rc : round_progress(d, out);
}

bool recheck_round_in_scope(struct db *d, const struct scope *sc, int64_t round_id)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT 1 FROM recheck_round rr WHERE rr.id = ?3 AND " ROUND_SCOPE_SQL("rr"));
	if (rc || scope_bind(s, sc) || db_bind_int(s, 3, round_id))
		return false;
	rc = db_step(s);
	db_reset(s);
	return rc == DB_ROW;
}

int recheck_round_assigned(struct db *d, int64_t round_id, const char *by)
{
	char at[24];
	model_now_iso(at);
	struct db_stmt *s = NULL;
	int rc;
	if ((rc = db_cached(d, &s, "UPDATE recheck_round SET assigned_by = ?, assigned_at = ? WHERE id = ?")) ||
	    (rc = db_bind_text(s, 1, by ? by : "", -1)) || (rc = db_bind_text(s, 2, at, -1)) ||
	    (rc = db_bind_int(s, 3, round_id)))
		return rc;
	return run_reset(s);
}

/* ---- sampling ---- */

int recheck_candidates(struct db *d, const struct scope *sc, int64_t procedure_id, rc_cand_fn fn,
		       void *ctx)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s,
		"WITH lr(id) AS (SELECT max(id) FROM analysis_run)"
		" SELECT s.id, coalesce(s.municipality_id, 0), s.login, r.code, r.primary_score,"
		" CASE WHEN EXISTS (SELECT 1 FROM school_risk k JOIN lr ON k.run_id = lr.id"
		"  WHERE k.school_id = s.id AND k.listed = 1) THEN 1 ELSE 0 END,"
		" CASE WHEN EXISTS (SELECT 1 FROM sign_result g JOIN lr ON g.run_id = lr.id"
		"  WHERE g.school_id = s.id AND g.procedure_id = r.procedure_id AND g.kind = 'official')"
		"  THEN 1 ELSE 0 END,"
		" CASE WHEN EXISTS (SELECT 1 FROM recheck_work w WHERE w.procedure_id = r.procedure_id"
		"  AND w.school_id = r.school_id AND w.code = r.code) THEN 1 ELSE 0 END"
		" FROM result r JOIN school s ON s.id = r.school_id"
		" WHERE r.procedure_id = ?3 AND r.absent = 0 AND r.primary_score IS NOT NULL AND "
		SCOPE_SQL("s") " ORDER BY s.login, r.code");
	if (rc || (rc = scope_bind(s, sc ? sc : &all)) || (rc = db_bind_int(s, 3, procedure_id)))
		goto out;
	while ((rc = db_step(s)) == DB_ROW) {
		struct rc_cand_row c = {
			.school_id = db_col_int(s, 0),
			.municipality_id = db_col_int(s, 1),
			.school = db_col_text(s, 2),
			.code = db_col_text(s, 3),
			.score = (int)db_col_int(s, 4),
			.listed = db_col_int(s, 5) != 0,
			.official = db_col_int(s, 6) != 0,
			.taken = db_col_int(s, 7) != 0,
		};
		if ((rc = fn(ctx, &c)))
			goto out;
	}
	rc = model_done(rc);
out:
	db_finalize(s);
	return rc;
}

int recheck_work_add(struct db *d, int64_t round_id, int64_t procedure_id, int64_t school_id,
		     const char *code, const char *reason, const char *detail)
{
	struct db_stmt *s = NULL;
	int rc;
	if ((rc = db_cached(d, &s, "SELECT 1 FROM recheck_work WHERE procedure_id = ? AND school_id = ?"
				   " AND code = ?")) ||
	    (rc = db_bind_int(s, 1, procedure_id)) || (rc = db_bind_int(s, 2, school_id)) ||
	    (rc = db_bind_text(s, 3, code, -1)))
		return rc;
	rc = db_step(s);
	db_reset(s);
	if (rc == DB_ROW)
		return ERR_EXISTS;
	if (rc < 0)
		return rc;
	if ((rc = db_cached(d, &s, "INSERT INTO recheck_work (round_id, procedure_id, school_id, code,"
				   " reason, detail, scores) SELECT ?1, ?2, ?3, ?4, ?5, ?6, r.scores FROM result r"
				   " WHERE r.procedure_id = ?2 AND r.school_id = ?3 AND r.code = ?4"
				   " AND r.scores IS NOT NULL")) ||
	    (rc = db_bind_int(s, 1, round_id)) || (rc = db_bind_int(s, 2, procedure_id)) ||
	    (rc = db_bind_int(s, 3, school_id)) || (rc = db_bind_text(s, 4, code, -1)) ||
	    (rc = db_bind_text(s, 5, reason, -1)) || (rc = db_bind_text(s, 6, detail ? detail : "", -1)) ||
	    (rc = run_reset(s)))
		return rc;
	return db_changes(d) == 1 ? 0 : ERR_NOTFOUND;
}

/* ---- works ---- */

/* A work with the school's scores, its two non-control checks (c2, c3) and its result row's
 * class (r: the key of result, so the join is a primary-key look-up). */
#define WORK_COLS \
	"w.id, w.round_id, w.procedure_id, w.school_id, coalesce(s.municipality_id, 0), s.login," \
	" s.name, w.code, w.reason, w.detail, coalesce(w.scan_id, ''), coalesce(w.scan_type, '')," \
	" coalesce(w.scan_size, 0), w.scores," \
	" coalesce(c2.id, 0), coalesce(c2.expert_id, 0), coalesce(e2.code, ''), coalesce(c2.done, 0)," \
	" coalesce(c2.filled, 0), c2.scores," \
	" coalesce(c3.id, 0), coalesce(c3.expert_id, 0), coalesce(e3.code, ''), coalesce(c3.done, 0)," \
	" coalesce(c3.filled, 0), c3.scores, coalesce(w.scan_at, ''), coalesce(r.class, '')"
#define WORK_FROM \
	" FROM recheck_work w JOIN school s ON s.id = w.school_id" \
	" LEFT JOIN recheck_check c2 ON c2.work_id = w.id AND c2.check_no = 2 AND c2.control = 0" \
	" LEFT JOIN expert e2 ON e2.id = c2.expert_id" \
	" LEFT JOIN recheck_check c3 ON c3.work_id = w.id AND c3.check_no = 3 AND c3.control = 0" \
	" LEFT JOIN expert e3 ON e3.id = c3.expert_id" \
	" LEFT JOIN result r ON r.procedure_id = w.procedure_id AND r.school_id = w.school_id" \
	" AND r.code = w.code"

static void work_read(struct db_stmt *s, void *item)
{
	struct rc_work *w = item;
	w->id = db_col_int(s, 0);
	w->round_id = db_col_int(s, 1);
	w->procedure_id = db_col_int(s, 2);
	w->school_id = db_col_int(s, 3);
	w->municipality_id = db_col_int(s, 4);
	model_copy(w->school, sizeof w->school, db_col_text(s, 5));
	model_copy(w->school_name, sizeof w->school_name, db_col_text(s, 6));
	model_copy(w->code, sizeof w->code, db_col_text(s, 7));
	model_copy(w->reason, sizeof w->reason, db_col_text(s, 8));
	model_copy(w->detail, sizeof w->detail, db_col_text(s, 9));
	model_copy(w->scan_id, sizeof w->scan_id, db_col_text(s, 10));
	model_copy(w->scan_type, sizeof w->scan_type, db_col_text(s, 11));
	w->scan_size = db_col_int(s, 12);
	w->npos = scores_of(s, 13, w->s1);
	for (int k = 0; k < 2; k++) {
		int c = 14 + 6 * k;
		w->check_id[k] = db_col_int(s, c);
		w->expert_id[k] = db_col_int(s, c + 1);
		model_copy(w->expert[k], sizeof w->expert[k], db_col_text(s, c + 2));
		w->done[k] = db_col_int(s, c + 3) != 0;
		w->filled[k] = (int)db_col_int(s, c + 4);
		scores_of(s, c + 5, w->s[k]);
	}
	model_copy(w->scan_at, sizeof w->scan_at, db_col_text(s, 26));
	model_copy(w->class_name, sizeof w->class_name, db_col_text(s, 27));
}

int recheck_work_list(struct db *d, const struct scope *sc, int64_t round_id, int64_t procedure_id,
		      struct rc_work **out, size_t *n)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT " WORK_COLS WORK_FROM " WHERE " SCOPE_SQL("s")
				   " AND ((?3 > 0 AND w.round_id = ?3) OR (?3 = 0 AND w.procedure_id = ?4))"
				   " ORDER BY s.login, w.code");
	if (!rc && !(rc = scope_bind(s, sc ? sc : &all)) && !(rc = db_bind_int(s, 3, round_id)))
		rc = db_bind_int(s, 4, procedure_id);
	*out = model_rows(&rc, s, sizeof **out, work_read, n);
	return rc;
}

int recheck_work_get(struct db *d, const struct scope *sc, int64_t work_id, struct rc_work *out)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT " WORK_COLS WORK_FROM " WHERE w.id = ?3 AND " SCOPE_SQL("s"));
	if (rc || (rc = scope_bind(s, sc ? sc : &all)) || (rc = db_bind_int(s, 3, work_id)))
		goto out;
	memset(out, 0, sizeof *out);
	if (!(rc = db_step_one(s)))
		work_read(s, out);
out:
	db_finalize(s);
	return rc;
}

int recheck_work_find(struct db *d, int64_t procedure_id, const char *school, const char *code,
		      int64_t *work_id)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT w.id FROM recheck_work w JOIN school s ON s.id = w.school_id"
				  " WHERE w.procedure_id = ? AND s.login = ? AND w.code = ?");
	if (rc || (rc = db_bind_int(s, 1, procedure_id)) || (rc = db_bind_text(s, 2, school ? school : "", -1)) ||
	    (rc = db_bind_text(s, 3, code ? code : "", -1)))
		return rc;
	rc = db_step_one(s);
	if (!rc)
		*work_id = db_col_int(s, 0);
	db_reset(s);
	return rc;
}

/* ---- scans ---- */

int recheck_scan_set(struct db *d, int64_t work_id, const char *scan_id, const char *type,
		     int64_t size, const char *by, char old[RC_SCAN_ID_LEN])
{
	old[0] = 0;
	struct db_stmt *s = NULL;
	int rc;
	if ((rc = db_cached(d, &s, "SELECT coalesce(scan_id, '') FROM recheck_work WHERE id = ?")) ||
	    (rc = db_bind_int(s, 1, work_id)))
		return rc;
	rc = db_step_one(s);
	if (!rc)
		model_copy(old, RC_SCAN_ID_LEN, db_col_text(s, 0));
	db_reset(s);
	if (rc)
		return rc;
	char at[24];
	model_now_iso(at);
	if ((rc = db_cached(d, &s, "UPDATE recheck_work SET scan_id = ?, scan_type = ?, scan_size = ?,"
				   " scan_by = ?, scan_at = ? WHERE id = ?")) ||
	    (rc = db_bind_text(s, 1, scan_id, -1)) || (rc = db_bind_text(s, 2, type, -1)) ||
	    (rc = db_bind_int(s, 3, size)) || (rc = db_bind_text(s, 4, by ? by : "", -1)) ||
	    (rc = db_bind_text(s, 5, at, -1)) || (rc = db_bind_int(s, 6, work_id)))
		return rc;
	return run_reset(s);
}

/* ---- checks ---- */

int recheck_check_add(struct db *d, int64_t round_id, int64_t work_id, int check_no,
		      int64_t expert_id, bool control, const char *by)
{
	if (check_no != 2 && check_no != 3)
		return ERR_INVALID;
	struct db_stmt *s = NULL;
	int rc;
	if ((rc = db_cached(d, &s, "SELECT 1 FROM recheck_check WHERE work_id = ?1 AND"
				   " ((control = 0 AND ?2 = 0 AND check_no = ?3) OR expert_id = ?4)")) ||
	    (rc = db_bind_int(s, 1, work_id)) || (rc = db_bind_int(s, 2, control)) ||
	    (rc = db_bind_int(s, 3, check_no)) || (rc = db_bind_int(s, 4, expert_id)))
		return rc;
	rc = db_step(s);
	db_reset(s);
	if (rc == DB_ROW)
		return ERR_EXISTS;
	if (rc < 0)
		return rc;
	char at[24];
	model_now_iso(at);
	if ((rc = db_cached(d, &s, "INSERT INTO recheck_check (work_id, round_id, check_no, control,"
				   " expert_id, assigned_by, assigned_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) ||
	    (rc = db_bind_int(s, 1, work_id)) || (rc = db_bind_int(s, 2, round_id)) ||
	    (rc = db_bind_int(s, 3, check_no)) || (rc = db_bind_int(s, 4, control)) ||
	    (rc = db_bind_int(s, 5, expert_id)) || (rc = db_bind_text(s, 6, by ? by : "", -1)) ||
	    (rc = db_bind_text(s, 7, at, -1)))
		return rc;
	return run_reset(s);
}

/* A task's columns: nothing of the school. */
#define TASK_COLS \
	"c.id, p.code, p.kind, p.subject, p.grade, p.year, w.code, c.check_no," \
	" (SELECT count(*) FROM position q WHERE q.procedure_id = p.id), c.filled, c.done," \
	" CASE WHEN w.scan_id IS NULL THEN 0 ELSE 1 END, coalesce(c.saved_at, '')"
#define TASK_FROM \
	" FROM recheck_check c JOIN recheck_work w ON w.id = c.work_id" \
	" JOIN procedure p ON p.id = w.procedure_id"

static void task_read(struct db_stmt *s, void *item)
{
	struct rc_task *t = item;
	t->id = db_col_int(s, 0);
	model_copy(t->procedure, sizeof t->procedure, db_col_text(s, 1));
	title_of(db_col_text(s, 2), db_col_text(s, 3), (int)db_col_int(s, 4), (int)db_col_int(s, 5),
		 t->title, sizeof t->title);
	model_copy(t->code, sizeof t->code, db_col_text(s, 6));
	t->check_no = (int)db_col_int(s, 7);
	t->npos = (int)db_col_int(s, 8);
	t->filled = (int)db_col_int(s, 9);
	t->done = db_col_int(s, 10) != 0;
	t->has_scan = db_col_int(s, 11) != 0;
	model_copy(t->saved_at, sizeof t->saved_at, db_col_text(s, 12));
}

int recheck_queue(struct db *d, int64_t expert_id, struct rc_task **out, size_t *n)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT " TASK_COLS TASK_FROM " WHERE c.expert_id = ?"
				   " ORDER BY c.done, c.id");
	if (!rc)
		rc = db_bind_int(s, 1, expert_id);
	*out = model_rows(&rc, s, sizeof **out, task_read, n);
	return rc;
}

int recheck_task_get(struct db *d, int64_t expert_id, int64_t check_id, struct rc_task_view *out)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT " TASK_COLS ", p.id, c.scores, coalesce(w.scan_id, ''),"
				   " coalesce(w.scan_type, ''), c.control, w.scores, c2.scores, coalesce(c2.done, 0)"
				   TASK_FROM
				   " LEFT JOIN recheck_check c2 ON c2.work_id = w.id AND c2.check_no = 2 AND c2.control = 0"
				   " WHERE c.id = ? AND c.expert_id = ?");
	if (rc || (rc = db_bind_int(s, 1, check_id)) || (rc = db_bind_int(s, 2, expert_id)))
		goto out;
	if ((rc = db_step_one(s)))
		goto out;
	task_read(s, &out->t);
	out->procedure_id = db_col_int(s, 13);
	/* The expert's own scores as stored: a position not scored yet stays RC_SCORE_EMPTY. */
	size_t nb = 0;
	const uint8_t *own = db_col_blob(s, 14, &nb);
	out->ns = own ? (int)(nb < PROC_MAX_POSITIONS ? nb : PROC_MAX_POSITIONS) : 0;
	for (int i = 0; i < out->ns; i++)
		out->s[i] = own[i] <= PROC_MAX_POINTS ? own[i] : RC_SCORE_EMPTY;
	model_copy(out->scan_id, sizeof out->scan_id, db_col_text(s, 15));
	model_copy(out->scan_type, sizeof out->scan_type, db_col_text(s, 16));
	/* A third expert sees both earlier checks; a control check is always a check 2. */
	if (out->t.check_no == 3 && db_col_int(s, 17) == 0 && db_col_int(s, 20)) {
		out->earlier = true;
		scores_of(s, 18, out->e1);
		scores_of(s, 19, out->e2);
	}
out:
	db_finalize(s);
	return rc;
}

/* The maxima of a procedure's positions, in order; returns their number or an error. */
static int maxima_of(struct db *d, int64_t procedure_id, int *max)
{
	struct db_stmt *s = NULL;
	int rc = db_cached(d, &s, "SELECT max FROM position WHERE procedure_id = ? ORDER BY idx");
	if (rc || (rc = db_bind_int(s, 1, procedure_id)))
		return rc;
	int n = 0;
	while ((rc = db_step(s)) == DB_ROW)
		if (n < PROC_MAX_POSITIONS)
			max[n++] = (int)db_col_int(s, 0);
	db_reset(s);
	return rc < 0 ? rc : n;
}

int recheck_task_save(struct db *d, int64_t expert_id, int64_t check_id, const uint8_t *sc,
		      int ns, bool fin, char *msg, size_t n)
{
	struct rc_task_view v;
	int rc = recheck_task_get(d, expert_id, check_id, &v);
	if (rc) {
		model_say(msg, n, "работа не найдена в вашей очереди");
		return rc;
	}
	if (v.t.done) {
		model_say(msg, n, "проверка уже завершена: баллы изменить нельзя");
		return ERR_EXISTS;
	}
	int max[PROC_MAX_POSITIONS];
	int npos = maxima_of(d, v.procedure_id, max);
	if (npos < 0)
		return npos;
	if (ns < 0 || ns > npos) {
		model_say(msg, n, "баллов больше, чем заданий в работе");
		return ERR_INVALID;
	}
	int nfilled = 0;
	for (int i = 0; i < ns; i++) {
		if (sc[i] == RC_SCORE_EMPTY)
			continue;
		nfilled++;
		if (sc[i] > max[i]) {
			char m[160];
			snprintf(m, sizeof m, "задание %d: %d — больше максимума %d", i + 1, sc[i], max[i]);
			model_say(msg, n, m);
			return ERR_INVALID;
		}
	}
	/* Trailing positions not scored are not kept. */
	while (ns > 0 && sc[ns - 1] == RC_SCORE_EMPTY)
		ns--;
	if (fin && nfilled < npos) {
		char m[160];
		snprintf(m, sizeof m, "проверка не завершена: заполнено %d из %d заданий", nfilled, npos);
		model_say(msg, n, m);
		return ERR_INVALID;
	}
	char at[24];
	model_now_iso(at);
	struct db_stmt *s = NULL;
	if ((rc = db_cached(d, &s, "UPDATE recheck_check SET scores = ?, filled = ?, done = ?, saved_at = ?,"
				   " done_at = CASE WHEN ? = 1 THEN ? ELSE done_at END"
				   " WHERE id = ? AND expert_id = ? AND done = 0")) ||
	    (rc = db_bind_blob(s, 1, sc, (size_t)ns)) || (rc = db_bind_int(s, 2, nfilled)) ||
	    (rc = db_bind_int(s, 3, fin)) || (rc = db_bind_text(s, 4, at, -1)) ||
	    (rc = db_bind_int(s, 5, fin)) || (rc = db_bind_text(s, 6, at, -1)) ||
	    (rc = db_bind_int(s, 7, check_id)) || (rc = db_bind_int(s, 8, expert_id)))
		return rc;
	if ((rc = run_reset(s)))
		return rc;
	if (db_changes(d) != 1) {
		model_say(msg, n, "проверка уже завершена: баллы изменить нельзя");
		return ERR_EXISTS;
	}
	return 0;
}

int recheck_check_import(struct db *d, int64_t work_id, int check_no, int64_t expert_id,
			 const uint8_t *sc, int npos, const char *by)
{
	if (check_no != 2 && check_no != 3)
		return ERR_INVALID;
	int64_t round_id = 0;
	struct db_stmt *s = NULL;
	int rc;
	if ((rc = db_cached(d, &s, "SELECT round_id FROM recheck_work WHERE id = ?")) ||
	    (rc = db_bind_int(s, 1, work_id)))
		return rc;
	if (!(rc = db_step_one(s)))
		round_id = db_col_int(s, 0);
	db_reset(s);
	if (rc)
		return rc;
	/* The work's check of this number is replaced (whoever had it), unless finished by
	 * another expert: the importer checked that. */
	if ((rc = db_cached(d, &s, "DELETE FROM recheck_check WHERE work_id = ? AND check_no = ? AND control = 0")) ||
	    (rc = db_bind_int(s, 1, work_id)) || (rc = db_bind_int(s, 2, check_no)) || (rc = run_reset(s)))
		return rc;
	char at[24];
	model_now_iso(at);
	if ((rc = db_cached(d, &s, "INSERT INTO recheck_check (work_id, round_id, check_no, control, expert_id,"
				   " scores, filled, done, source, assigned_by, assigned_at, saved_at, done_at)"
				   " VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6, 1, 'import', ?7, ?8, ?8, ?8)")) ||
	    (rc = db_bind_int(s, 1, work_id)) || (rc = db_bind_int(s, 2, round_id)) ||
	    (rc = db_bind_int(s, 3, check_no)) || (rc = db_bind_int(s, 4, expert_id)) ||
	    (rc = db_bind_blob(s, 5, sc, (size_t)npos)) || (rc = db_bind_int(s, 6, npos)) ||
	    (rc = db_bind_text(s, 7, by ? by : "", -1)) || (rc = db_bind_text(s, 8, at, -1)))
		return rc;
	return run_reset(s);
}

int recheck_control_each(struct db *d, const struct scope *sc, int64_t procedure_id,
			 rc_control_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT c.expert_id, coalesce(e.code, ''), c.work_id, c.done, c.scores"
				   " FROM recheck_check c JOIN recheck_round rr ON rr.id = c.round_id"
				   " JOIN recheck_work w ON w.id = c.work_id"
				   " LEFT JOIN expert e ON e.id = c.expert_id"
				   " WHERE c.control = 1 AND w.procedure_id = ?3 AND " ROUND_SCOPE_SQL("rr")
				   " ORDER BY e.code, c.id");
	if (rc || (rc = scope_bind(s, sc ? sc : &all)) || (rc = db_bind_int(s, 3, procedure_id)))
		goto out;
	while ((rc = db_step(s)) == DB_ROW) {
		uint8_t v[PROC_MAX_POSITIONS];
		struct rc_control_row c = {
			.expert_id = db_col_int(s, 0),
			.work_id = db_col_int(s, 2),
			.done = db_col_int(s, 3) != 0,
			.s = v,
		};
		model_copy(c.expert, sizeof c.expert, db_col_text(s, 1));
		c.npos = scores_of(s, 4, v);
		if ((rc = fn(ctx, &c)))
			goto out;
	}
	rc = model_done(rc);
out:
	db_finalize(s);
	return rc;
}

/* ---- the analysis run ---- */

int recheck_run_add(struct db *d, int64_t run_id, const struct rc_run_row *x)
{
	struct db_stmt *s = NULL;
	int rc;
	if ((rc = db_cached(d, &s, "INSERT INTO run_recheck (run_id, school_id, procedure_id, works, objective,"
				   " mean_delta, up, down, p, inflated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) ||
	    (rc = db_bind_int(s, 1, run_id)) || (rc = db_bind_int(s, 2, x->school_id)) ||
	    (rc = db_bind_int(s, 3, x->procedure_id)) || (rc = db_bind_int(s, 4, x->works)) ||
	    (rc = db_bind_int(s, 5, x->objective)) || (rc = db_bind_double(s, 6, x->mean_delta)) ||
	    (rc = db_bind_int(s, 7, x->up)) || (rc = db_bind_int(s, 8, x->down)) ||
	    (rc = db_bind_double(s, 9, x->p)) || (rc = db_bind_int(s, 10, x->inflated)))
		return rc;
	return run_reset(s);
}

static void run_row_read(struct db_stmt *s, void *item)
{
	struct rc_run_row *x = item;
	x->school_id = db_col_int(s, 0);
	x->procedure_id = db_col_int(s, 1);
	model_copy(x->procedure, sizeof x->procedure, db_col_text(s, 2));
	title_of(db_col_text(s, 3), db_col_text(s, 4), (int)db_col_int(s, 5), (int)db_col_int(s, 6),
		 x->title, sizeof x->title);
	x->works = (long)db_col_int(s, 7);
	x->objective = (long)db_col_int(s, 8);
	x->mean_delta = db_col_double(s, 9);
	x->up = (long)db_col_int(s, 10);
	x->down = (long)db_col_int(s, 11);
	x->p = db_col_double(s, 12);
	x->inflated = db_col_int(s, 13) != 0;
}

int recheck_run_school(struct db *d, int64_t run_id, int64_t school_id, struct rc_run_row **out,
		       size_t *n)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT x.school_id, x.procedure_id, p.code, p.kind, p.subject, p.grade,"
				   " p.year, x.works, x.objective, x.mean_delta, x.up, x.down, x.p, x.inflated"
				   " FROM run_recheck x JOIN procedure p ON p.id = x.procedure_id"
				   " WHERE x.run_id = ? AND x.school_id = ? ORDER BY p.code");
	if (!rc && !(rc = db_bind_int(s, 1, run_id)))
		rc = db_bind_int(s, 2, school_id);
	*out = model_rows(&rc, s, sizeof **out, run_row_read, n);
	return rc;
}

int recheck_school_sampled(struct db *d, int64_t school_id, long *works)
{
	struct db_stmt *s = NULL;
	*works = 0;
	int rc = db_cached(d, &s, "SELECT count(*) FROM recheck_work WHERE school_id = ?");
	if (!rc && !(rc = db_bind_int(s, 1, school_id)) && !(rc = db_step_one(s)))
		*works = (long)db_col_int(s, 0);
	db_reset(s);
	return rc;
}

int recheck_run_verdicts(struct db *d, const struct scope *sc, int64_t run_id, rc_verdict_fn fn,
			 void *ctx)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(d, &s, "SELECT x.school_id, max(x.inflated) FROM run_recheck x"
				   " JOIN school s ON s.id = x.school_id"
				   " WHERE x.run_id = ?3 AND " SCOPE_SQL("s") " GROUP BY x.school_id ORDER BY x.school_id");
	if (rc || (rc = scope_bind(s, sc ? sc : &all)) || (rc = db_bind_int(s, 3, run_id)))
		goto out;
	while ((rc = db_step(s)) == DB_ROW)
		if ((rc = fn(ctx, db_col_int(s, 0), (int)db_col_int(s, 1))))
			goto out;
	rc = model_done(rc);
out:
	db_finalize(s);
	return rc;
}
