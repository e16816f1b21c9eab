/* api: the JSON API under /api/v1/ (jansson). Same routes table, same permissions and
 * territory limits as the pages; scripts authenticate with "Authorization: Bearer KEY"
 * (oko user token LOGIN). */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "model/run.h"
#include "stats/catalogue.h"
#include "web/web.h"

static int send_json(struct web_res *w, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(j);
	if (!s)
		return ERR_NOMEM;
	w->type = "application/json; charset=utf-8";
	buf_puts(&w->body, s);
	buf_putc(&w->body, '\n');
	free(s);
	return 0;
}

int api_me(struct web_req *r, struct web_res *w)
{
	return send_json(w, json_pack("{s:s, s:s, s:s, s:s}", "login", r->user.login, "name",
				      r->user.name, "role", user_role_name(r->user.role), "territory",
				      r->user.scope_name));
}

int api_schools(struct web_req *r, struct web_res *w)
{
	const char *q = web_str(r, "q") ? web_str(r, "q") : "";
	long mun = web_int(r, "municipality");
	long page = web_int(r, "page"), per = 200;
	struct db_stmt *s = NULL;
	if (strlen(q) > 100)
		return ERR_INVALID;
	int rc = db_prepare(r->db, &s,
			    "SELECT s.login, s.name, coalesce(m.name, ''), s.kind, s.indepth,"
			    " (SELECT coalesce(sum(x.rows), 0) FROM result_pair x WHERE x.school_id = s.id), count(*) OVER ()"
			    " FROM school s LEFT JOIN municipality m ON m.id = s.municipality_id"
			    " WHERE " SCOPE_SQL("s")
			    " AND (?3 = '' OR s.login LIKE '%' || ?3 || '%' OR s.name LIKE '%' || ?3 || '%')"
			    " AND (?4 = 0 OR s.municipality_id = ?4) ORDER BY s.login LIMIT ?5 OFFSET ?6");
	if (rc)
		return rc;
	scope_bind(s, &r->scope);
	db_bind_text(s, 3, q, -1);
	db_bind_int(s, 4, mun);
	db_bind_int(s, 5, per);
	db_bind_int(s, 6, (page - 1) * per);
	json_t *list = json_array();
	long total = 0;
	while (db_step(s) == DB_ROW) {
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:b, s:I}",
			"login", db_col_text(s, 0), "name", db_col_text(s, 1),
			"municipality", db_col_text(s, 2), "kind", db_col_text(s, 3),
			"indepth", (int)db_col_int(s, 4), "results", (json_int_t)db_col_int(s, 5)));
		total = (long)db_col_int(s, 6);
	}
	db_finalize(s);
	return send_json(w, json_pack("{s:I, s:I, s:I, s:o}", "total", (json_int_t)total, "page",
				      (json_int_t)page, "per_page", (json_int_t)per, "schools", list));
}

#define API_SCOPE SCOPE_SQL("s")

int api_procedures(struct web_req *r, struct web_res *w)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(r->db, &s, "SELECT p.code, p.kind, p.year, p.subject, p.grade, p.max_score,"
				       " p.scale3, p.scale4, p.scale5,"
				       " (SELECT count(*) FROM position x WHERE x.procedure_id = p.id)"
				       " FROM procedure p ORDER BY p.year DESC, p.code");
	if (rc)
		return rc;
	json_t *list = json_array();
	while (db_step(s) == DB_ROW) {
		json_t *scale = db_col_null(s, 6) ? json_null()
				: json_pack("[I, I, I]", (json_int_t)db_col_int(s, 6),
					    (json_int_t)db_col_int(s, 7), (json_int_t)db_col_int(s, 8));
		json_array_append_new(list, json_pack("{s:s, s:s, s:I, s:s, s:I, s:I, s:o, s:I}",
			"code", db_col_text(s, 0), "kind", db_col_text(s, 1), "year", (json_int_t)db_col_int(s, 2),
			"subject", db_col_text(s, 3), "grade", (json_int_t)db_col_int(s, 4),
			"max_score", (json_int_t)db_col_int(s, 5), "scale", scale,
			"positions", (json_int_t)db_col_int(s, 9)));
	}
	db_finalize(s);
	return send_json(w, json_pack("{s:o}", "procedures", list));
}

int api_results(struct web_req *r, struct web_res *w)
{
	/* Per school of the territory and procedure: works written and absent, mean score and
	 * marks 2..5 (from the procedure's scale). Codes and names of pupils never appear. */
	const char *proc = web_str(r, "procedure");
	if (!proc || !*proc)
		return ERR_INVALID;
	struct db_stmt *s = NULL;
	int rc = db_prepare(r->db, &s,
			    "SELECT s.login, sum(1 - x.absent), sum(x.absent), avg(x.primary_score),"
			    " sum(x.primary_score < p.scale3), sum(x.primary_score >= p.scale3 AND x.primary_score < p.scale4),"
			    " sum(x.primary_score >= p.scale4 AND x.primary_score < p.scale5), sum(x.primary_score >= p.scale5),"
			    " p.scale3 IS NOT NULL"
			    " FROM procedure p JOIN result x ON x.procedure_id = p.id JOIN school s ON s.id = x.school_id"
			    " WHERE p.code = ?3 AND " API_SCOPE " GROUP BY s.id ORDER BY s.login");
	if (rc)
		return rc;
	scope_bind(s, &r->scope);
	db_bind_text(s, 3, proc, -1);
	json_t *list = json_array();
	while (db_step(s) == DB_ROW) {
		json_t *marks = db_col_int(s, 8)
			? json_pack("{s:I, s:I, s:I, s:I}", "2", (json_int_t)db_col_int(s, 4), "3",
				    (json_int_t)db_col_int(s, 5), "4", (json_int_t)db_col_int(s, 6), "5",
				    (json_int_t)db_col_int(s, 7))
			: json_null();
		json_array_append_new(list, json_pack("{s:s, s:I, s:I, s:f, s:o}", "school", db_col_text(s, 0),
			"written", (json_int_t)db_col_int(s, 1), "absent", (json_int_t)db_col_int(s, 2),
			"mean", db_col_double(s, 3), "marks", marks));
	}
	db_finalize(s);
	return send_json(w, json_pack("{s:s, s:o}", "procedure", proc, "schools", list));
}

int api_uploads(struct web_req *r, struct web_res *w)
{
	struct db_stmt *s = NULL;
	int rc = db_prepare(r->db, &s,
			    "SELECT u.id, u.created_at, u.file, u.user_name, u.layout, p.code, s.login, us.rows,"
			    " us.written, us.replaced FROM upload_school us JOIN upload u ON u.id = us.upload_id"
			    " JOIN procedure p ON p.id = us.procedure_id JOIN school s ON s.id = us.school_id"
			    " WHERE " API_SCOPE " ORDER BY u.id DESC, s.login LIMIT 1000");
	if (rc)
		return rc;
	scope_bind(s, &r->scope);
	json_t *list = json_array();
	while (db_step(s) == DB_ROW)
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I}",
			"upload", (json_int_t)db_col_int(s, 0), "at", db_col_text(s, 1), "file", db_col_text(s, 2),
			"user", db_col_text(s, 3), "layout", db_col_text(s, 4), "procedure", db_col_text(s, 5),
			"school", db_col_text(s, 6), "rows", (json_int_t)db_col_int(s, 7),
			"written", (json_int_t)db_col_int(s, 8), "replaced", (json_int_t)db_col_int(s, 9)));
	db_finalize(s);
	return send_json(w, json_pack("{s:o}", "uploads", list));
}

/* A number of a stored run, null when the run left it empty. */
static json_t *json_num(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

int api_risk(struct web_req *r, struct web_res *w)
{
	struct run_info ri;
	int rc = run_latest(r->db, &ri);
	if (rc && rc != ERR_NOTFOUND)
		return rc;
	json_t *list = json_array();
	struct run_risk *rows = NULL;
	size_t n = 0;
	struct run_filter f = { RUN_EVERY, 0, NULL, 0, 0 };
	if (!rc && (rc = run_risk_list(r->db, &r->scope, ri.id, &f, &rows, &n))) {
		json_decref(list);
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		const struct run_risk *x = &rows[i];
		json_array_append_new(list, json_pack("{s:I, s:s, s:f, s:b, s:I, s:I, s:I, s:s, s:s, s:I}",
			"rank", (json_int_t)x->rank, "school", x->login, "risk", isnan(x->risk) ? 0.0 : x->risk,
			"listed", (int)x->listed, "official_flags", (json_int_t)x->official_flags,
			"own_flags", (json_int_t)x->own_flags, "works", (json_int_t)x->works,
			"top_sign", x->top_sign, "years_flagged", x->years_flagged,
			"consecutive_years", (json_int_t)x->consecutive_years));
	}
	run_risk_free(rows, n);
	return send_json(w, json_pack("{s:I, s:o}", "run", (json_int_t)ri.id, "schools", list));
}

int api_signs(struct web_req *r, struct web_res *w)
{
	const char *login = web_str(r, "school");
	int64_t school = 0;
	if (!login || !*login)
		return ERR_INVALID;
	int rc = run_school_by_login(r->db, login, &school, NULL, 0);
	if (rc && rc != ERR_NOTFOUND)
		return rc;
	if (!school || !scope_sees_school(r->db, &r->scope, school))
		return ERR_NOTFOUND;
	struct run_info ri;
	if ((rc = run_latest(r->db, &ri)) && rc != ERR_NOTFOUND)
		return rc;
	struct run_sign *v = NULL;
	size_t n = 0;
	if (!rc && (rc = run_school_signs(r->db, ri.id, school, RUN_SIGNS_BY_PROCEDURE, &v, &n)))
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct run_sign *x = &v[i];
		const struct stat_sign_info *t = stat_sign_find(x->sign);
		json_t *o = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s}", "sign", x->sign,
				      "procedure", x->procedure, "n", (json_int_t)x->n, "status", "flag",
				      "detail", x->detail, "title", t ? t->title : x->sign, "kind", x->kind);
		json_object_set_new(o, "value", json_num(x->value));
		json_object_set_new(o, "threshold", json_num(x->threshold));
		json_object_set_new(o, "p", json_num(x->p));
		json_object_set_new(o, "q_adj", json_num(x->q_adj));
		json_array_append_new(list, o);
	}
	run_signs_free(v, n);
	return send_json(w, json_pack("{s:s, s:I, s:o}", "school", login, "run", (json_int_t)ri.id,
				      "signs", list));
}
