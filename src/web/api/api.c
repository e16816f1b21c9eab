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
	const char *q = web_str(r, "q") ? web_str(r, "q") : "";
	long mun = web_int(r, "municipality");
	long page = web_int(r, "page"), per = 200;
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
	const char *proc = web_str(r, "procedure");
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

/* A number of a stored run, null when the run left it empty. */
static json_t *json_num(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

static int risk_item(void *ctx, const struct run_risk *x)
{
	json_array_append_new(ctx, json_pack("{s:I, s:s, s:f, s:b, s:I, s:I, s:I, s:s, s:s, s:I}",
		"rank", (json_int_t)x->rank, "school", x->login, "risk", isnan(x->risk) ? 0.0 : x->risk,
		"listed", (int)x->listed, "official_flags", (json_int_t)x->official_flags,
		"own_flags", (json_int_t)x->own_flags, "works", (json_int_t)x->works,
		"top_sign", x->top_sign, "years_flagged", x->years_flagged,
		"consecutive_years", (json_int_t)x->consecutive_years));
	return 0;
}

int api_risk(struct web_req *r, struct web_res *w)
{
	struct run_info ri;
	int rc = run_latest(r->db, &ri);
	if (rc && rc != ERR_NOTFOUND)
		return rc;
	json_t *list = json_array();
	struct run_filter f = { RUN_EVERY, 0, NULL, 0, 0 };
	if (!rc && (rc = run_risk_each(r->db, &r->scope, ri.id, &f, risk_item, list))) {
		json_decref(list);
		return rc;
	}
	return send_json(w, json_pack("{s:I, s:o}", "run", (json_int_t)(rc ? 0 : ri.id), "schools", list));
}

int api_signs(struct web_req *r, struct web_res *w)
{
	const char *login = web_str(r, "school");
	int64_t school = 0;
	if (!login || !*login)
		return ERR_INVALID;
	int rc = registry_school_find(r->db, login, &school);
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
