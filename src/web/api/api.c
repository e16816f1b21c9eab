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
	const char *q = web_query(r, "q") ? web_query(r, "q") : "";
	long mun = web_query_int(r, "municipality", 0, 0, 1L << 40);
	long page = web_query_int(r, "page", 1, 1, 1000000), per = 200;
	struct db_stmt *s = NULL;
	if (strlen(q) > 100)
		return ERR_INVALID;
	int rc = db_prepare(r->db, &s,
			    "SELECT s.login, s.name, coalesce(m.name, ''), s.kind, s.indepth,"
			    " (SELECT coalesce(sum(x.rows), 0) FROM result_pair x WHERE x.school_id = s.id), count(*) OVER ()"
			    " FROM school s LEFT JOIN municipality m ON m.id = s.municipality_id"
			    " WHERE (?1 = 'all' OR (?1 = 'mun' AND s.municipality_id = ?2) OR"
			    " (?1 = 'reg' AND m.region_id = ?2))"
			    " AND (?3 = '' OR s.login LIKE '%' || ?3 || '%' OR s.name LIKE '%' || ?3 || '%')"
			    " AND (?4 = 0 OR s.municipality_id = ?4) ORDER BY s.login LIMIT ?5 OFFSET ?6");
	if (rc)
		return rc;
	const struct user *u = &r->user;
	db_bind_text(s, 1, u->role == ROLE_MUNICIPALITY ? "mun" : u->role == ROLE_REGION && u->region_id ? "reg" : "all", -1);
	db_bind_int(s, 2, u->role == ROLE_MUNICIPALITY ? u->municipality_id : u->region_id);
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
