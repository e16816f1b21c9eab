/* route: the one table of routes and the dispatcher that enforces it.
 *
 * Before a handler runs, the dispatcher has: found the route by method and path (404),
 * authenticated the request by session cookie or API token, refused a user whose role is
 * not in the route's set (403; a login redirect for anonymous page requests), checked the
 * CSRF token of state-changing requests (403) and refused keys the route does not declare
 * (400). Handlers therefore only check the objects they touch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <microhttpd.h>
#include <sodium.h>

#include "base/err.h"
#include "embedded.h"
#include "web/web.h"

#define K(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define NONE ((const char *const[]){ NULL })

const struct web_route web_routes[] = {
	{ "GET", "/login", page_login, WEB_PUBLIC, false, K("next") },
	{ "POST", "/login", page_login_post, WEB_PUBLIC, false, K("login", "password", "next") },
	{ "POST", "/logout", page_logout, WEB_ANY_USER, true, K("csrf") },
	{ "GET", "/", page_home, WEB_ANY_USER, false, NONE },
	{ "GET", "/schools", page_schools, WEB_TERRITORY, false, K("q", "municipality", "kind", "sort", "page") },
	{ "GET", "/schools/aliases", page_school_aliases, WEB_ROLE(ROLE_ADMIN) | WEB_ROLE(ROLE_REGION), false, NONE },
	{ "POST", "/schools/aliases", page_school_aliases_post, WEB_ROLE(ROLE_ADMIN) | WEB_ROLE(ROLE_REGION), true,
	  K("csrf", "login", "decision") },
	{ "GET", "/schools/{login}", page_school, WEB_STAFF, false, NONE },
	{ "GET", "/upload", page_upload, WEB_STAFF, false, NONE },
	{ "POST", "/upload", page_upload_post, WEB_STAFF, true,
	  K("csrf", "procedure", "file", "dry_run", "strict") },
	{ "POST", "/upload/confirm", page_upload_confirm, WEB_STAFF, true,
	  K("csrf", "pending", "decision", "positions", "scale") },
	{ "GET", "/users", page_users, WEB_ROLE(ROLE_ADMIN), false, NONE },
	{ "POST", "/users", page_users_post, WEB_ROLE(ROLE_ADMIN), true,
	  K("csrf", "login", "name", "role", "scope", "password") },
	{ "POST", "/users/tokens/revoke", page_users_token_revoke, WEB_ROLE(ROLE_ADMIN), true,
	  K("csrf", "id") },
	{ "GET", "/audit", page_audit, WEB_ROLE(ROLE_ADMIN) | WEB_ROLE(ROLE_REGION), false, K("page") },
	{ "GET", "/reports", page_reports, WEB_STAFF, false, K("procedure", "unit", "school") },
	{ "GET", "/reports/{procedure}", page_report, WEB_STAFF, false, K("school", "municipality", "region") },
	{ "GET", "/reports/{procedure}/xlsx", page_report_xlsx, WEB_STAFF, false,
	  K("school", "municipality", "region") },
	{ "GET", "/risk", page_risk, WEB_TERRITORY, false, K("all", "page", "municipality", "kind") },
	{ "GET", "/risk/{login}", page_evidence, WEB_TERRITORY, false, NONE },
	{ "GET", "/pupils", page_pupils, WEB_ROLE(ROLE_SCHOOL), false, K("class", "year") },
	{ "POST", "/pupils", page_pupils_add, WEB_ROLE(ROLE_SCHOOL), true,
	  K("csrf", "year", "class", "surname", "name", "patronymic") },
	{ "POST", "/pupils/import", page_pupils_import, WEB_ROLE(ROLE_SCHOOL), true,
	  K("csrf", "year", "file", "dry_run") },
	{ "POST", "/pupils/codes", page_pupils_codes, WEB_ROLE(ROLE_SCHOOL), true, K("csrf", "year") },
	{ "GET", "/pupils/slips.pdf", page_pupils_slips, WEB_ROLE(ROLE_SCHOOL), false, K("class", "year") },
	{ "GET", "/pupils/protocol.pdf", page_pupils_protocol, WEB_ROLE(ROLE_SCHOOL), false, K("class", "year") },
	{ "GET", "/grid", page_grid_list, WEB_ROLE(ROLE_SCHOOL), false, NONE },
	{ "GET", "/grid/{procedure}", page_grid, WEB_ROLE(ROLE_SCHOOL), false, K("class", "saved") },
	{ "POST", "/grid/{procedure}", page_grid_post, WEB_ROLE(ROLE_SCHOOL), true,
	  K("csrf", "class", "code", "k", "v", "p", "g", "j") },
	{ "GET", "/grid/{procedure}/form.xlsx", page_grid_form, WEB_ROLE(ROLE_SCHOOL), false, NONE },
	{ "GET", "/plan", page_plan, WEB_STAFF, false, K("campaign") },
	{ "POST", "/plan", page_plan_create, WEB_ROLE(ROLE_ADMIN) | WEB_ROLE(ROLE_REGION), true,
	  K("csrf", "name") },
	{ "POST", "/plan/procedure", page_plan_procedure, WEB_ROLE(ROLE_ADMIN) | WEB_ROLE(ROLE_REGION), true,
	  K("csrf", "campaign", "procedure", "materials_from", "window_from", "window_to",
	    "criteria_from", "form_from", "upload_deadline") },
	{ "POST", "/plan/assign", page_plan_assign, WEB_TERRITORY, true,
	  K("csrf", "campaign", "procedure", "school", "municipality") },
	{ "POST", "/plan/coordinator", page_plan_coordinator, WEB_TERRITORY, true, K("csrf", "campaign", "login") },
	{ "POST", "/plan/date", page_plan_date, WEB_ROLE(ROLE_SCHOOL), true,
	  K("csrf", "campaign", "procedure", "date", "time", "class") },
	{ "GET", "/plan/print.pdf", page_plan_pdf, WEB_STAFF, false, K("campaign") },
	{ "GET", "/monitoring", page_monitoring, WEB_TERRITORY, false, K("procedure", "municipality", "format") },
	{ "GET", "/materials", page_materials, WEB_ROLE(ROLE_SCHOOL) | WEB_ROLE(ROLE_REGION) | WEB_ROLE(ROLE_ADMIN),
	  false, NONE },
	{ "POST", "/materials", page_materials_add, WEB_ROLE(ROLE_REGION) | WEB_ROLE(ROLE_ADMIN), true,
	  K("csrf", "procedure", "variant", "file") },
	{ "POST", "/materials/schedule", page_materials_schedule, WEB_ROLE(ROLE_REGION) | WEB_ROLE(ROLE_ADMIN), true,
	  K("csrf", "procedure", "archive", "key", "criteria") },
	{ "GET", "/materials/{procedure}/{what}", page_materials_get, WEB_ROLE(ROLE_SCHOOL), false, NONE },
	{ "GET", "/api/v1/me", api_me, WEB_ANY_USER, false, NONE },
	{ "GET", "/api/v1/schools", api_schools, WEB_TERRITORY, false, K("q", "municipality", "page") },
	{ "GET", "/api/v1/procedures", api_procedures, WEB_STAFF, false, NONE },
	{ "GET", "/api/v1/results", api_results, WEB_STAFF, false, K("procedure") },
	{ "GET", "/api/v1/uploads", api_uploads, WEB_STAFF, false, NONE },
	{ "GET", "/api/v1/risk", api_risk, WEB_TERRITORY, false, NONE },
	{ "GET", "/api/v1/signs", api_signs, WEB_TERRITORY, false, K("school") },
	{ NULL, NULL, NULL, 0, false, NULL },
};

/* ---- helpers ---- */

static const char *find_kv(const struct web_kv *kv, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(kv[i].key, key))
			return kv[i].value;
	return NULL;
}

const char *web_query(const struct web_req *r, const char *key)
{
	return find_kv(r->query, r->nquery, key);
}

const char *web_form(const struct web_req *r, const char *key)
{
	return find_kv(r->form, r->nform, key);
}

long web_query_int(const struct web_req *r, const char *key, long dflt, long min, long max)
{
	const char *v = web_query(r, key);
	if (!v || !*v)
		return dflt;
	char *end;
	long x = strtol(v, &end, 10);
	if (*end || x < min || x > max)
		return dflt;
	return x;
}

int web_status_of(int err)
{
	switch (err) {
	case 0: return 200;
	case ERR_NOTFOUND: return 404;
	case ERR_PERM: return 403;
	case ERR_INVALID: case ERR_PARSE: case ERR_FORMAT: case ERR_ENCODING: case ERR_USAGE:
		return 400;
	case ERR_LIMIT: return 413;
	case ERR_BUSY: return 503;
	}
	return 500;
}

void web_redirect(struct web_res *w, const char *path)
{
	w->status = 303;
	w->location = path;
}

void web_error_page(struct web_req *r, struct web_res *w, int status, const char *text)
{
	static const struct { int status; const char *title; } titles[] = {
		{ 400, "Неверный запрос" }, { 403, "Доступ запрещён" }, { 404, "Страница не найдена" },
		{ 405, "Метод не поддерживается" }, { 413, "Слишком большой запрос" },
		{ 431, "Слишком большие заголовки" },
		{ 429, "Слишком много попыток" }, { 500, "Внутренняя ошибка" },
		{ 503, "Сервис недоступен" },
	};
	const char *title = "Ошибка";
	for (size_t i = 0; i < sizeof titles / sizeof *titles; i++)
		if (titles[i].status == status)
			title = titles[i].title;
	buf_reset(&w->body);
	w->status = status;
	w->location = NULL;
	if (!strncmp(r->path, "/api/", 5)) {
		w->type = "application/json; charset=utf-8";
		buf_printf(&w->body, "{\"error\":%d,\"message\":\"", status);
		for (const char *s = text; *s; s++) {
			if (*s == '"' || *s == '\\')
				buf_putc(&w->body, '\\');
			if ((unsigned char)*s >= 0x20)
				buf_putc(&w->body, *s);
		}
		buf_puts(&w->body, "\"}\n");
		return;
	}
	w->type = NULL;
	html_begin(r, w, title);
	buf_puts(&w->body, "<section class=\"card error\"><h1>");
	html_text(&w->body, title);
	buf_puts(&w->body, "</h1><p>");
	html_text(&w->body, text);
	buf_puts(&w->body, "</p><p><a href=\"/\">На главную</a></p></section>");
	html_end(r, w);
}

int web_static(struct web_req *r, struct web_res *w)
{
	static const char prefix[] = "src/web/static/";
	const char *name = r->path + strlen("/static/");
	for (size_t i = 0; i < embedded_count; i++) {
		const char *p = embedded_files[i].path;
		if (strncmp(p, prefix, sizeof prefix - 1) || strcmp(p + sizeof prefix - 1, name))
			continue;
		const char *dot = strrchr(name, '.');
		w->type = !dot ? "application/octet-stream"
			  : !strcmp(dot, ".css") ? "text/css; charset=utf-8"
			  : !strcmp(dot, ".js") ? "text/javascript; charset=utf-8"
			  : !strcmp(dot, ".svg") ? "image/svg+xml" : "application/octet-stream";
		w->static_body = embedded_files[i].data;
		w->static_len = embedded_files[i].len;
		w->cache = "public, max-age=3600";
		return 0;
	}
	return ERR_NOTFOUND;
}

/* Matches a pattern with {name} segments; fills r->params. */
static bool match(const char *pattern, const char *path, struct web_req *r)
{
	int np = 0;
	while (*pattern && *path) {
		if (*pattern == '{') {
			const char *close = strchr(pattern, '}');
			const char *slash = strchr(path, '/');
			size_t n = slash ? (size_t)(slash - path) : strlen(path);
			if (!close || n == 0 || np >= WEB_MAX_PARAMS)
				return false;
			r->params[np++] = arena_strndup(r->a, path, n);
			pattern = close + 1;
			path += n;
			continue;
		}
		if (*pattern++ != *path++)
			return false;
	}
	if (*pattern || *path)
		return false;
	r->nparams = np;
	return true;
}

static void authenticate(struct web_req *r)
{
	struct MHD_Connection *conn = r->conn;
	const char *auth = conn ? MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization") : NULL;
	/* API keys are for scripts and open only the JSON API: never the pages, which show
	 * pupils' names to a school's coordinator, and never a state-changing form. */
	if (auth && !strncmp(auth, "Bearer ", 7) && !strncmp(r->path, "/api/", 5)) {
		if (api_token_lookup(r->db, auth + 7, r->now, &r->user) == 0) {
			r->authed = true;
			r->scope = scope_of(&r->user);
			r->by_token = true;
		}
		return;
	}
	const char *cookie = conn ? MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "oko_session") : NULL;
	if (cookie && session_lookup(r->db, cookie, r->now, &r->user, r->csrf) == 0) {
		r->authed = true;
		r->scope = scope_of(&r->user);
		snprintf(r->session, sizeof r->session, "%s", cookie);
	}
}

/* The route a request goes to, or NULL; sets r->params. */
static const struct web_route *find_route(struct web_req *r, bool *path_known)
{
	*path_known = false;
	for (const struct web_route *x = web_routes; x->method; x++) {
		if (!match(x->pattern, r->path, r))
			continue;
		*path_known = true;
		if (!strcmp(x->method, r->method))
			return x;
	}
	return NULL;
}

static bool declares(const struct web_route *rt, const char *key)
{
	for (const char *const *k = rt->keys; k && *k; k++)
		if (!strcmp(*k, key))
			return true;
	return false;
}

enum web_body web_body_policy(struct web_req *r)
{
	bool known;
	const struct web_route *rt = find_route(r, &known);
	if (!rt)
		return WEB_BODY_REFUSE;
	if (rt->roles != WEB_PUBLIC) {
		authenticate(r);
		if (!r->authed || !(rt->roles & WEB_ROLE(r->user.role)))
			return WEB_BODY_REFUSE;
	}
	return declares(rt, "file") ? WEB_BODY_FILE : WEB_BODY_FORM;
}

static bool keys_declared(const struct web_route *rt, const struct web_kv *kv, int n)
{
	for (int i = 0; i < n; i++) {
		bool ok = false;
		for (const char *const *k = rt->keys; k && *k && !ok; k++)
			ok = !strcmp(*k, kv[i].key);
		if (!ok)
			return false;
	}
	return true;
}

void web_dispatch(struct web_req *r, struct web_res *w)
{
	if (r->bad_text) {
		web_error_page(r, w, 400, "Запрос содержит недопустимые символы: нулевой байт или текст "
					  "не в кодировке UTF-8. Проверьте введённые данные и повторите.");
		return;
	}
	if (!strcmp(r->method, "GET") && !strncmp(r->path, "/static/", 8)) {
		if (web_static(r, w))
			web_error_page(r, w, 404, "Такого файла нет.");
		return;
	}
	bool path_known;
	const struct web_route *rt = find_route(r, &path_known);
	if (!rt) {
		web_error_page(r, w, path_known ? 405 : 404,
			       path_known ? "Этот адрес так не открывают." : "Такой страницы нет.");
		return;
	}
	authenticate(r);
	if (rt->roles != WEB_PUBLIC) {
		if (!r->authed) {
			const char *auth = r->conn ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
										 "Authorization") : NULL;
			if (!strncmp(r->path, "/api/", 5) && auth && !strncmp(auth, "Bearer ", 7)) {
				web_error_page(r, w, 403, "Ключ API не действует: он неверен, истёк или "
							  "отозван. Получите новый у администратора.");
			} else if (!strncmp(r->path, "/api/", 5) || strcmp(r->method, "GET")) {
				web_error_page(r, w, 403, "Нужно войти в систему.");
			} else {
				struct buf b = BUF_INIT;
				buf_puts(&b, "/login?next=");
				html_url(&b, r->path);
				web_redirect(w, arena_strdup(r->a, buf_str(&b)));
				buf_free(&b);
			}
			return;
		}
		if (!(rt->roles & WEB_ROLE(r->user.role))) {
			web_error_page(r, w, 403, "У вашей роли нет доступа к этой странице.");
			return;
		}
	}
	if (rt->csrf && !r->by_token) {
		const char *t = web_form(r, "csrf");
		if (!t || !r->csrf[0] || strlen(t) != strlen(r->csrf) ||
		    sodium_memcmp(t, r->csrf, strlen(t)) != 0) {
			web_error_page(r, w, 403, "Форма устарела или отправлена не со страницы oko. "
						  "Обновите страницу и повторите.");
			return;
		}
	}
	if (r->form_overflow || !keys_declared(rt, r->query, r->nquery) ||
	    !keys_declared(rt, r->form, r->nform)) {
		web_error_page(r, w, 400, "Запрос содержит лишние или слишком большие поля.");
		return;
	}
	int rc = rt->fn(r, w);
	if (rc)
		web_error_page(r, w, web_status_of(rc),
			       rc == ERR_NOTFOUND ? "Такого объекта нет или он вам не виден."
			       : rc == ERR_PERM ? "Этот объект вне вашей территории."
			       : "Не удалось выполнить запрос. Подробности — в журнале сервера.");
}
