/* admin pages: users (list, add, API keys and their revocation) and the audit log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "web/web.h"

static void put_date(struct buf *b, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char text[32];
	gmtime_r(&tt, &tm);
	strftime(text, sizeof text, "%Y-%m-%d %H:%M", &tm);
	html_text(b, text);
}

/* The valid API keys of every user, each with a button that revokes it. */
static void tokens_section(struct web_req *r, struct buf *b)
{
	struct api_token_info *v = NULL;
	size_t n = 0;
	buf_puts(b, "<section class=\"card\"><h2>Ключи API</h2>");
	if (api_token_list(r->db, 0, false, r->now, &v, &n)) {
		buf_puts(b, "<p class=\"alert\">Не удалось прочитать ключи.</p></section>");
		return;
	}
	if (!n) {
		buf_puts(b, "<p class=\"muted\">Действующих ключей нет. Ключ выдаёт оператор сервера: "
			    "<code>oko user token ЛОГИН</code>.</p></section>");
		return;
	}
	buf_puts(b, "<p class=\"muted\">Ключ открывает только JSON API от имени пользователя. Он "
		    "действует до указанного срока; смена пароля пользователя отзывает все его ключи.</p>"
		    "<table><thead><tr><th>№</th><th>Пользователь</th><th>Метка</th><th>Выдан (UTC)</th>"
		    "<th>Действует до (UTC)</th><th></th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_printf(b, "<tr><td class=\"num\">%lld</td><td>", (long long)v[i].id);
		html_text(b, v[i].login);
		buf_puts(b, "</td><td>");
		html_text(b, v[i].label);
		buf_puts(b, "</td><td>");
		put_date(b, v[i].created_at);
		buf_puts(b, "</td><td>");
		put_date(b, v[i].expires_at);
		buf_puts(b, "</td><td><form method=\"post\" action=\"/users/tokens/revoke\">");
		html_csrf(r, b);
		html_printf(b, "<input type=\"hidden\" name=\"id\" value=\"%lld\">"
			       "<button>Отозвать</button></form></td></tr>", (long long)v[i].id);
	}
	buf_puts(b, "</tbody></table></section>");
	free(v);
}

static int user_row(void *ctx, const struct user_item *u)
{
	struct buf *b = ctx;
	int role = user_role_parse(u->role);
	buf_puts(b, "<tr><td>");
	html_text(b, u->login);
	buf_puts(b, "</td><td>");
	html_text(b, u->name);
	buf_puts(b, "</td><td>");
	html_text(b, role >= 0 ? user_role_title((enum role)role) : u->role);
	buf_puts(b, "</td><td>");
	html_text(b, *u->school ? u->school : *u->municipality ? u->municipality : u->region);
	buf_puts(b, "</td></tr>");
	return 0;
}

static void users_page(struct web_req *r, struct web_res *w, const char *message, bool error)
{
	struct buf *b = &w->body;
	html_begin(r, w, "Пользователи");
	buf_puts(b, "<h1>Пользователи</h1>");
	if (message) {
		html_printf(b, "<p class=\"%s\" role=\"status\">", error ? "alert" : "notice");
		html_text(b, message);
		buf_puts(b, "</p>");
	}
	buf_puts(b, "<table><thead><tr><th>Логин</th><th>Имя</th><th>Роль</th><th>Территория</th>"
		    "</tr></thead><tbody>");
	user_list(r->db, USER_BY_ROLE, user_row, b);
	buf_puts(b, "</tbody></table>");
	tokens_section(r, b);
	buf_puts(b, "<section class=\"card\"><h2>Добавить пользователя</h2>"
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
	const char *login = web_str(r, "login"), *name = web_str(r, "name");
	const char *role = web_str(r, "role"), *scope = web_str(r, "scope");
	const char *pw = web_str(r, "password");
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

int page_users_token_revoke(struct web_req *r, struct web_res *w)
{
	char msg[256], detail[200];
	long long id = web_int(r, "id");
	struct api_token_info t;
	if (id <= 0 || api_token_revoke(r->db, id, r->now, r->user.login, &t)) {
		w->status = 404;
		users_page(r, w, "Такого действующего ключа нет: он уже отозван или истёк.", true);
		return 0;
	}
	snprintf(detail, sizeof detail, "ключ %lld «%s»", id, t.label);
	audit_add(r->db, &r->user, NULL, "api_token_revoke", t.login, detail, r->ip);
	snprintf(msg, sizeof msg, "Ключ № %lld пользователя %s отозван.", id, t.login);
	users_page(r, w, msg, false);
	return 0;
}

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

static int audit_row(void *ctx, const struct audit_item *a)
{
	struct buf *b = ctx;
	const char *v[6] = { a->at, a->user_login, a->action, a->object, a->detail, a->ip };
	buf_puts(b, "<tr>");
	for (int i = 0; i < 6; i++) {
		buf_puts(b, "<td>");
		if (i == 1 && v[i][0] == '#' && !strcmp(a->action, "login_failed"))
			who_unknown(b, v[i] + 1);
		else
			html_text(b, v[i]);
		buf_puts(b, "</td>");
	}
	buf_puts(b, "</tr>");
	return 0;
}

int page_audit(struct web_req *r, struct web_res *w)
{
	struct buf *b = &w->body;
	long page = web_int(r, "page"), per = 50, total = 0;
	/* A coordinator bound to a region sees the actions of that region's users only (no
	 * anonymous failed logins, which carry addresses and whatever was typed). */
	audit_count(r->db, &r->scope, &total);
	html_begin(r, w, "Журнал действий");
	buf_puts(b, "<h1>Журнал действий</h1><p class=\"muted\">Если при неудачном входе введён "
		    "несуществующий логин, введённый текст не хранится (это мог быть пароль, набранный "
		    "не в том поле): вместо него показан отпечаток — одинаковый текст даёт одинаковый "
		    "отпечаток, но сам текст по нему не восстановить.</p>"
		    "<table><thead><tr><th>Когда (UTC)</th><th>Кто</th>"
		    "<th>Действие</th><th>Объект</th><th>Подробности</th><th>Адрес</th></tr></thead><tbody>");
	int rc = audit_list(r->db, &r->scope, per, (page - 1) * per, audit_row, b);
	buf_puts(b, "</tbody></table>");
	html_pager(b, "/audit", total, per, page);
	html_end(r, w);
	return rc;
}
