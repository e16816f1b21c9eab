/* admin pages: users (list, add) and the audit log. */
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "web/web.h"

static void users_page(struct web_req *r, struct web_res *w, const char *message, bool error)
{
	struct buf *b = &w->body;
	struct db_stmt *s = NULL;
	html_begin(r, w, "Пользователи");
	buf_puts(b, "<h1>Пользователи</h1>");
	if (message) {
		html_printf(b, "<p class=\"%s\" role=\"status\">", error ? "alert" : "notice");
		html_text(b, message);
		buf_puts(b, "</p>");
	}
	buf_puts(b, "<table><thead><tr><th>Логин</th><th>Имя</th><th>Роль</th><th>Территория</th>"
		    "</tr></thead><tbody>");
	if (!db_prepare(r->db, &s, "SELECT u.login, u.name, u.role, coalesce(sc.name, m.name, rg.name, '')"
				   " FROM user u LEFT JOIN school sc ON sc.id = u.school_id"
				   " LEFT JOIN municipality m ON m.id = u.municipality_id"
				   " LEFT JOIN region rg ON rg.id = u.region_id ORDER BY u.role, u.login")) {
		while (db_step(s) == DB_ROW) {
			int role = user_role_parse(db_col_text(s, 2));
			buf_puts(b, "<tr><td>");
			html_text(b, db_col_text(s, 0));
			buf_puts(b, "</td><td>");
			html_text(b, db_col_text(s, 1));
			buf_puts(b, "</td><td>");
			html_text(b, role >= 0 ? user_role_title((enum role)role) : db_col_text(s, 2));
			buf_puts(b, "</td><td>");
			html_text(b, db_col_text(s, 3));
			buf_puts(b, "</td></tr>");
		}
	}
	db_finalize(s);
	buf_puts(b, "</tbody></table><section class=\"card\"><h2>Добавить пользователя</h2>"
		    "<form method=\"post\" action=\"/users\" class=\"grid\">");
	html_csrf(r, b);
	buf_puts(b, "<label>Логин <input name=\"login\" required pattern=\"[A-Za-z0-9_-]+\"></label>"
		    "<label>Имя <input name=\"name\" required></label><label>Роль <select name=\"role\">");
	for (int i = 0; i < ROLE_COUNT; i++) {
		html_printf(b, "<option value=\"%s\">", user_role_name((enum role)i));
		html_text(b, user_role_title((enum role)i));
		buf_puts(b, "</option>");
	}
	buf_puts(b, "</select></label><label>Территория <input name=\"scope\" "
		    "placeholder=\"логин школы или муниципалитет\"></label>"
		    "<label>Пароль <input name=\"password\" type=\"password\" minlength=\"10\" required "
		    "autocomplete=\"new-password\" aria-describedby=\"pw-rules\"></label>"
		    "<p id=\"pw-rules\" class=\"muted\">Не короче 10 символов. Частые пароли (qwerty, "
		    "йцукен, пароль, даты, 1234567890 и им подобные, в том числе с цифрами в конце) и "
		    "логин не принимаются.</p><button>Добавить</button></form></section>");
	html_end(r, w);
}

int page_users(struct web_req *r, struct web_res *w)
{
	users_page(r, w, NULL, false);
	return 0;
}

int page_users_post(struct web_req *r, struct web_res *w)
{
	const char *login = web_form(r, "login"), *name = web_form(r, "name");
	const char *role = web_form(r, "role"), *scope = web_form(r, "scope");
	const char *pw = web_form(r, "password");
	char msg[256] = "";
	int ro = role ? user_role_parse(role) : -1;
	if (!login || !name || !pw || ro < 0) {
		w->status = 400;
		users_page(r, w, "Заполните логин, имя, роль и пароль.", true);
		return 0;
	}
	int rc = user_add(r->db, login, name, (enum role)ro, scope, pw, msg, sizeof msg);
	if (rc) {
		w->status = 400;
		users_page(r, w, *msg ? msg : err_str(rc), true);
		return 0;
	}
	audit_add(r->db, &r->user, NULL, "user_add", login, role, r->ip);
	snprintf(msg, sizeof msg, "Пользователь %s добавлен.", login);
	users_page(r, w, msg, false);
	return 0;
}

#define AUDIT_SCOPE "(?1 = 0 OR a.user_id IN (SELECT u.id FROM user u" \
	" LEFT JOIN school sc ON sc.id = u.school_id" \
	" LEFT JOIN municipality m ON m.id = coalesce(u.municipality_id, sc.municipality_id)" \
	" WHERE u.region_id = ?1 OR m.region_id = ?1))"

/* The "who" of a failed login with a login that does not exist: its fingerprint (see
 * audit_login_failed), or nothing for rows from before fingerprints. */
static void who_unknown(struct buf *b, const char *print)
{
	buf_puts(b, "<span title=\"Такого логина нет; введённый текст не хранится\">");
	if (*print)
		html_textf(b, "неизвестный логин, отпечаток %s", print);
	else
		html_text(b, "неизвестный логин (текст удалён)");
	buf_puts(b, "</span>");
}

int page_audit(struct web_req *r, struct web_res *w)
{
	struct buf *b = &w->body;
	struct db_stmt *s = NULL;
	long page = web_query_int(r, "page", 1, 1, 1000000), per = 50, total = 0;
	/* A coordinator bound to a region sees the actions of that region's users only (no
	 * anonymous failed logins, which carry addresses and whatever was typed). */
	int64_t region = r->user.role == ROLE_REGION ? r->user.region_id : 0;
	struct db_stmt *cs = NULL;
	if (!db_prepare(r->db, &cs, "SELECT count(*) FROM audit a WHERE " AUDIT_SCOPE) &&
	    !db_bind_int(cs, 1, region) && db_step(cs) == DB_ROW)
		total = (long)db_col_int(cs, 0);
	db_finalize(cs);
	html_begin(r, w, "Журнал действий");
	buf_puts(b, "<h1>Журнал действий</h1><p class=\"muted\">Если при неудачном входе введён "
		    "несуществующий логин, введённый текст не хранится (это мог быть пароль, набранный "
		    "не в том поле): вместо него показан отпечаток — одинаковый текст даёт одинаковый "
		    "отпечаток, но сам текст по нему не восстановить.</p>"
		    "<table><thead><tr><th>Когда (UTC)</th><th>Кто</th>"
		    "<th>Действие</th><th>Объект</th><th>Подробности</th><th>Адрес</th></tr></thead><tbody>");
	int rc = db_prepare(r->db, &s, "SELECT at, user_login, action, coalesce(object, ''),"
				       " coalesce(detail, ''), coalesce(ip, '') FROM audit a WHERE " AUDIT_SCOPE
				       " ORDER BY id DESC LIMIT ?2 OFFSET ?3");
	if (!rc && !(rc = db_bind_int(s, 1, region)) && !(rc = db_bind_int(s, 2, per)) &&
	    !(rc = db_bind_int(s, 3, (page - 1) * per))) {
		while (db_step(s) == DB_ROW) {
			buf_puts(b, "<tr>");
			for (int i = 0; i < 6; i++) {
				const char *v = db_col_text(s, i);
				buf_puts(b, "<td>");
				if (i == 1 && v[0] == '#')
					who_unknown(b, v + 1);
				else
					html_text(b, v);
				buf_puts(b, "</td>");
			}
			buf_puts(b, "</tr>");
		}
	}
	db_finalize(s);
	buf_puts(b, "</tbody></table>");
	html_pager(b, "/audit", total, per, page);
	html_end(r, w);
	return rc;
}
