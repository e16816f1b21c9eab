/* api: the JSON API under /api/v1/ (jansson). Same routes table, same permissions and
 * territory limits as the pages; scripts authenticate with "Authorization: Bearer KEY"
 * (oko user token LOGIN). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
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

int api_risk(struct web_req *r, struct web_res *w)
{
	struct db_stmt *s = NULL;
	int64_t run = 0;
	db_query_int(r->db, "SELECT max(id) FROM analysis_run", 0, &run);
	int rc = db_prepare(r->db, &s,
			    "SELECT k.rank, s.login, k.risk, k.listed, k.official_flags, k.own_flags, k.works,"
			    " coalesce(k.top_sign, ''), coalesce(k.years_flagged, ''), k.consecutive_years"
			    " FROM school_risk k JOIN school s ON s.id = k.school_id WHERE k.run_id = ?3 AND "
			    API_SCOPE " ORDER BY k.rank");
	if (rc)
		return rc;
	scope_bind(s, &r->scope);
	db_bind_int(s, 3, run);
	json_t *list = json_array();
	while (db_step(s) == DB_ROW)
		json_array_append_new(list, json_pack("{s:I, s:s, s:f, s:b, s:I, s:I, s:I, s:s, s:s, s:I}",
			"rank", (json_int_t)db_col_int(s, 0), "school", db_col_text(s, 1), "risk", db_col_double(s, 2),
			"listed", (int)db_col_int(s, 3), "official_flags", (json_int_t)db_col_int(s, 4),
			"own_flags", (json_int_t)db_col_int(s, 5), "works", (json_int_t)db_col_int(s, 6),
			"top_sign", db_col_text(s, 7), "years_flagged", db_col_text(s, 8),
			"consecutive_years", (json_int_t)db_col_int(s, 9)));
	db_finalize(s);
	return send_json(w, json_pack("{s:I, s:o}", "run", (json_int_t)run, "schools", list));
}

int api_signs(struct web_req *r, struct web_res *w)
{
	const char *login = web_str(r, "school");
	struct db_stmt *s = NULL;
	int64_t run = 0, school = 0;
	if (!login || !*login)
		return ERR_INVALID;
	int rc = db_prepare(r->db, &s, "SELECT id FROM school WHERE login = ?");
	if (rc)
		return rc;
	db_bind_text(s, 1, login, -1);
	if (db_step(s) == DB_ROW)
		school = db_col_int(s, 0);
	db_finalize(s);
	s = NULL;
	if (!school || !scope_sees_school(r->db, &r->scope, school))
		return ERR_NOTFOUND;
	db_query_int(r->db, "SELECT max(id) FROM analysis_run", 0, &run);
	if ((rc = db_prepare(r->db, &s, "SELECT g.sign, p.code, g.value, g.threshold, g.n, g.p, g.q_adj,"
					" coalesce(g.detail, '') FROM sign_result g JOIN procedure p ON p.id = g.procedure_id"
					" WHERE g.run_id = ? AND g.school_id = ? ORDER BY p.code, g.sign")))
		return rc;
	db_bind_int(s, 1, run);
	db_bind_int(s, 2, school);
	json_t *list = json_array();
	while (db_step(s) == DB_ROW) {
		json_t *o = json_pack("{s:s, s:s, s:I, s:s, s:s}", "sign", db_col_text(s, 0), "procedure",
				      db_col_text(s, 1), "n", (json_int_t)db_col_int(s, 4), "status", "flag",
				      "detail", db_col_text(s, 7));
		static const char *const num[] = { "value", "threshold", NULL, NULL, "p", "q_adj" };
		for (int i = 2; i <= 6; i++)
			if (num[i - 2])
				json_object_set_new(o, num[i - 2], db_col_null(s, i) ? json_null()
								   : json_real(db_col_double(s, i)));
		json_array_append_new(list, o);
	}
	db_finalize(s);
	return send_json(w, json_pack("{s:s, s:I, s:o}", "school", login, "run", (json_int_t)run, "signs", list));
}
