/* api: the JSON API under /api/v1/ (jansson). Same routes table, same permissions and
 * territory limits as the pages; scripts authenticate with "Authorization: Bearer KEY"
 * (oko user token LOGIN). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "model/procedure.h"
#include "model/registry.h"
#include "model/summary.h"
#include "model/upload_list.h"
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

static int school_item(void *ctx, const struct registry_school_item *x)
{
	json_array_append_new(ctx, json_pack("{s:s, s:s, s:s, s:s, s:b, s:I}", "login", x->login,
					     "name", x->name, "municipality", x->municipality, "kind", x->kind,
					     "indepth", (int)x->indepth, "results", (json_int_t)x->results));
	return 0;
}

int api_schools(struct web_req *r, struct web_res *w)
{
	const char *q = web_query(r, "q") ? web_query(r, "q") : "";
	long mun = web_query_int(r, "municipality", 0, 0, 1L << 40);
	long page = web_query_int(r, "page", 1, 1, 1000000), per = 200;
	if (strlen(q) > 100)
		return ERR_INVALID;
	const struct registry_school_filter f = {
		.q = q, .municipality_id = mun, .kind = "", .order = REGISTRY_BY_LOGIN,
		.limit = per, .offset = (page - 1) * per,
	};
	json_t *list = json_array();
	long total = 0;
	int rc = registry_school_list(r->db, &r->scope, &f, school_item, list, &total);
	if (rc) {
		json_decref(list);
		return rc;
	}
	return send_json(w, json_pack("{s:I, s:I, s:I, s:o}", "total", (json_int_t)total, "page",
				      (json_int_t)page, "per_page", (json_int_t)per, "schools", list));
}

#define API_SCOPE SCOPE_SQL("s")

static int procedure_item(void *ctx, const struct procedure_item *p)
{
	json_t *scale = p->has_scale ? json_pack("[I, I, I]", (json_int_t)p->scale[0], (json_int_t)p->scale[1],
						 (json_int_t)p->scale[2])
				     : json_null();
	json_array_append_new(ctx, json_pack("{s:s, s:s, s:I, s:s, s:I, s:I, s:o, s:I}", "code", p->code,
					     "kind", p->kind, "year", (json_int_t)p->year, "subject", p->subject,
					     "grade", (json_int_t)p->grade, "max_score", (json_int_t)p->max_score,
					     "scale", scale, "positions", (json_int_t)p->npos));
	return 0;
}

int api_procedures(struct web_req *r, struct web_res *w)
{
	json_t *list = json_array();
	int rc = procedure_each(r->db, procedure_item, list);
	if (rc) {
		json_decref(list);
		return rc;
	}
	return send_json(w, json_pack("{s:o}", "procedures", list));
}

struct results_ctx {
	const struct procedure *p;
	json_t *list;
};

static int school_scores(void *ctx, const struct summary_school_scores *x)
{
	struct results_ctx *c = ctx;
	json_t *marks = json_null();
	if (c->p->has_scale) {
		/* Marks by the procedure's scale, with the one score → mark rule. */
		json_int_t n[4] = { 0 };
		for (size_t i = 0; i < x->nscores; i++)
			n[procedure_mark(c->p, x->scores[i].score) - 2] += x->scores[i].n;
		marks = json_pack("{s:I, s:I, s:I, s:I}", "2", n[0], "3", n[1], "4", n[2], "5", n[3]);
	}
	json_array_append_new(c->list, json_pack("{s:s, s:I, s:I, s:f, s:o}", "school", x->school,
						 "written", (json_int_t)x->written, "absent",
						 (json_int_t)x->absent, "mean", x->mean, "marks", marks));
	return 0;
}

int api_results(struct web_req *r, struct web_res *w)
{
	/* Per school of the territory and procedure: works written and absent, mean score and
	 * marks 2..5 (from the procedure's scale). Codes and names of pupils never appear. */
	const char *proc = web_query(r, "procedure");
	if (!proc || !*proc)
		return ERR_INVALID;
	struct procedure *p = arena_alloc(r->a, sizeof *p);
	struct results_ctx c = { p, json_array() };
	int rc = procedure_get(r->db, proc, p);
	/* An unknown procedure has no schools. */
	if (!rc)
		rc = summary_scores(r->db, &r->scope, proc, school_scores, &c);
	if (rc && rc != ERR_NOTFOUND) {
		json_decref(c.list);
		return rc;
	}
	return send_json(w, json_pack("{s:s, s:o}", "procedure", proc, "schools", c.list));
}

static int upload_item(void *ctx, const struct upload_list_row *x)
{
	json_array_append_new(ctx, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I}",
		"upload", (json_int_t)x->upload, "at", x->at, "file", x->file, "user", x->user,
		"layout", x->layout, "procedure", x->procedure, "school", x->school,
		"rows", (json_int_t)x->rows, "written", (json_int_t)x->written,
		"replaced", (json_int_t)x->replaced));
	return 0;
}

int api_uploads(struct web_req *r, struct web_res *w)
{
	json_t *list = json_array();
	int rc = upload_list_scope(r->db, &r->scope, true, 1000, upload_item, list);
	if (rc) {
		json_decref(list);
		return rc;
	}
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
	const char *login = web_query(r, "school");
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
