/* admin pages: users (list, add, edit, block, reset a password, delete, API keys and their
 * revocation) and the audit log (Russian action titles, a filter, CSV/XLSX export).
 *
 *   GET  /users                     the list, the keys, the form that adds a user
 *   POST /users                     add
 *   GET  /users/edit?user=L         one user: edit, block, password, delete
 *   POST /users/edit|block|password|delete
 *   GET  /audit?action=&who=&from=&to=&q=&page=[&format=csv|xlsx]
 *
 * The territory is chosen from lists (regions and municipalities as <select>s, schools as
 * an input with a datalist the browser searches) and checked by the model like typed text.
 * The model refuses what would leave no administrator or lock the acting one out. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/err.h"
#include "base/mem.h"
#include "base/ru.h"
#include "base/str.h"
#include "io/table_write.h"
#include "model/registry.h"
#include "web/download.h"
#include "web/web.h"

/* A unix moment in the region's local time («14.04.2021 09:30»). */
static void put_moment(struct buf *b, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char iso[32], text[40];
	gmtime_r(&tt, &tm);
	strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
	html_text(b, ru_moment(text, sizeof text, iso));
}

static void flash(struct buf *b, const char *message, bool error)
{
	if (!message)
		return;
	buf_puts(b, error ? "<p class=\"alert\" role=\"alert\">" : "<p class=\"notice\" role=\"status\">");
	html_text(b, message);
	buf_puts(b, "</p>");
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
			    "<code>oko user token ЛОГИН</code>, ключ только для мониторинга — "
			    "<code>oko user token ЛОГИН --metrics</code>.</p></section>");
		return;
	}
	buf_puts(b, "<p class=\"muted\">Ключ с доступом «JSON API» открывает JSON API от имени "
		    "пользователя, ключ администратора — и счётчики мониторинга /metrics; ключ «только "
		    "/metrics» открывает лишь их (для Prometheus). Ключ действует до указанного срока; смена "
		    "пароля или блокировка пользователя отзывает все его ключи. Выдаёт ключи оператор "
		    "сервера: <code>oko user token ЛОГИН</code> (с <code>--metrics</code> — только "
		    "/metrics).</p><div class=\"scroll\"><table><thead><tr><th>№</th><th>Пользователь</th>"
		    "<th>Метка</th><th>Доступ</th><th>Выдан</th><th>Действует до</th><th></th></tr></thead>"
		    "<tbody>");
	for (size_t i = 0; i < n; i++) {
		html_printf(b, "<tr><td class=\"num\">%lld</td><td>", (long long)v[i].id);
		html_text(b, v[i].login);
		buf_puts(b, "</td><td>");
		html_text(b, v[i].label);
		buf_puts(b, "</td><td>");
		html_text(b, api_token_kind_title(v[i].kind));
		buf_puts(b, "</td><td>");
		put_moment(b, v[i].created_at);
		buf_puts(b, "</td><td>");
		put_moment(b, v[i].expires_at);
		buf_puts(b, "</td><td><form method=\"post\" action=\"/users/tokens/revoke\">");
		html_csrf(r, b);
		html_printf(b, "<input type=\"hidden\" name=\"id\" value=\"%lld\">"
			       "<button>Отозвать</button></form></td></tr>", (long long)v[i].id);
	}
	buf_puts(b, "</tbody></table></div></section>");
	free(v);
}

static void territory_text(struct buf *b, const struct user_item *u)
{
	if (*u->school) {
		html_text(b, u->school);
		buf_puts(b, " <small class=\"muted\">");
		html_text(b, u->school_login);
		buf_puts(b, "</small>");
	} else {
		html_text(b, *u->municipality ? u->municipality : *u->region ? u->region : "—");
	}
}

static int user_row(void *ctx, const struct user_item *u)
{
	struct buf *b = ctx;
	int role = user_role_parse(u->role);
	buf_puts(b, u->disabled ? "<tr class=\"muted\"><td>" : "<tr><td>");
	buf_puts(b, "<a href=\"/users/edit?user=");
	html_url(b, u->login);
	buf_puts(b, "\" title=\"Изменить, заблокировать, сменить пароль, удалить\">");
	html_text(b, u->login);
	buf_puts(b, "</a></td><td>");
	html_text(b, u->name);
	buf_puts(b, "</td><td>");
	html_text(b, role >= 0 ? user_role_title((enum role)role) : "другая роль");
	buf_puts(b, "</td><td>");
	territory_text(b, u);
	buf_puts(b, u->disabled ? "</td><td>заблокирован</td></tr>" : "</td><td>действует</td></tr>");
	return 0;
}

/* ---- the territory chosen from lists ---- */

struct opts {
	struct buf *b;
	const char *selected;
};

static int name_option(void *ctx, int64_t id, const char *name)
{
	struct opts *o = ctx;
	(void)id;
	buf_puts(o->b, "<option value=\"");
	html_attr(o->b, name);
	buf_puts(o->b, o->selected && !strcmp(o->selected, name) ? "\" selected>" : "\">");
	html_text(o->b, name);
	buf_puts(o->b, "</option>");
	return 0;
}

/* The three territory fields; the role decides which one is read (scope_of_form). region,
 * mun and school (a login, or what was typed) are the values shown; NULL: none. */
static void territory_fields(struct web_req *r, struct buf *b, const char *region, const char *mun,
			     const char *school)
{
	const struct scope all = { SCOPE_ALL, 0 };
	buf_puts(b, "<label>Регион (для регионального координатора) <select name=\"scope_region\">"
		    "<option value=\"\">все регионы</option>");
	registry_region_each(r->db, name_option, &(struct opts){ b, region });
	buf_puts(b, "</select></label><label>Муниципалитет (для муниципального координатора) "
		    "<select name=\"scope_municipality\"><option value=\"\">—</option>");
	registry_municipality_each(r->db, &all, name_option, &(struct opts){ b, mun });
	buf_puts(b, "</select></label><label>Школа (для школьного координатора) <input "
		    "name=\"scope_school\" list=\"schools-list\" autocomplete=\"off\" "
		    "placeholder=\"начните вводить название или логин\" value=\"");
	html_attr(b, school ? school : "");
	buf_puts(b, "\"></label>");
	web_school_datalist(r, b, &all, "schools-list");
	buf_puts(b, "<p class=\"muted\">Территорию читают по роли; администратору, эксперту и "
		    "наблюдателю она не нужна.</p>");
}

/* The scope text of a role from the form's territory fields. */
static const char *scope_of_form(struct web_req *r, int role)
{
	const char *v = role == ROLE_REGION	   ? web_str(r, "scope_region")
			: role == ROLE_MUNICIPALITY ? web_str(r, "scope_municipality")
			: role == ROLE_SCHOOL	    ? web_str(r, "scope_school")
						    : NULL;
	/* The older single field (command-line habits, scripts) when the lists are empty. */
	if ((!v || !*v) && web_str(r, "scope") && *web_str(r, "scope"))
		v = web_str(r, "scope");
	return v ? v : "";
}

static void role_select(struct buf *b, int selected)
{
	buf_puts(b, "<label>Роль <select name=\"role\">");
	for (int i = 0; i < ROLE_COUNT; i++) {
		html_printf(b, "<option value=\"%s\"%s>", user_role_name((enum role)i),
			    i == selected ? " selected" : "");
		html_text(b, user_role_title((enum role)i));
		buf_puts(b, "</option>");
	}
	buf_puts(b, "</select></label>");
}

static const char pw_rules[] =
	"<p id=\"pw-rules\" class=\"muted\">Не короче 10 символов. Частые пароли (qwerty, йцукен, "
	"пароль, даты, 1234567890 и им подобные, в том числе с цифрами в конце) и логин не "
	"принимаются.</p>";

/* The page with the list and the form to add a user. When keep is set (a refused form),
 * the form shows what was sent, all but the password. */
static void users_page(struct web_req *r, struct web_res *w, const char *message, bool error, bool keep)
{
	struct buf *b = &w->body;
	html_begin(r, w, "Пользователи");
	buf_puts(b, "<h1>Пользователи</h1>");
	flash(b, message, error);
	buf_puts(b, "<p class=\"muted\">Чтобы изменить пользователя, заблокировать его, сменить пароль "
		    "или удалить, нажмите на его логин.</p><div class=\"scroll\"><table><thead><tr>"
		    "<th>Логин</th><th>Имя</th><th>Роль</th><th>Территория</th><th>Состояние</th>"
		    "</tr></thead><tbody>");
	user_list(r->db, USER_BY_ROLE, user_row, b);
	buf_puts(b, "</tbody></table></div>");
	tokens_section(r, b);
	buf_puts(b, "<section class=\"card\"><h2>Добавить пользователя</h2>"
		    "<form method=\"post\" action=\"/users\" class=\"grid\">");
	html_csrf(r, b);
	const char *role = keep ? web_str(r, "role") : NULL;
	int ro = role ? user_role_parse(role) : -1;
	buf_puts(b, "<label>Логин <input name=\"login\" required pattern=\"[A-Za-z0-9_\\-]+\" value=\"");
	html_attr(b, keep && web_str(r, "login") ? web_str(r, "login") : "");
	buf_puts(b, "\"></label><label>Имя <input name=\"name\" required value=\"");
	html_attr(b, keep && web_str(r, "name") ? web_str(r, "name") : "");
	buf_puts(b, "\"></label>");
	role_select(b, ro >= 0 ? ro : ROLE_SCHOOL);
	territory_fields(r, b, keep ? web_str(r, "scope_region") : NULL,
			 keep ? web_str(r, "scope_municipality") : NULL, keep ? web_str(r, "scope_school") : NULL);
	buf_puts(b, "<label>Пароль <input name=\"password\" type=\"password\" minlength=\"10\" required "
		    "autocomplete=\"new-password\" aria-describedby=\"pw-rules\"></label>");
	buf_puts(b, pw_rules);
	buf_puts(b, "<button>Добавить</button></form></section>");
	html_end(r, w);
}

int page_users(struct web_req *r, struct web_res *w)
{
	users_page(r, w, NULL, false, false);
	return 0;
}

int page_users_post(struct web_req *r, struct web_res *w)
{
	const char *login = web_str(r, "login"), *name = web_str(r, "name");
	const char *role = web_str(r, "role");
	const char *pw = web_str(r, "password");
	char msg[1024] = "";
	int ro = role ? user_role_parse(role) : -1;
	if (!login || !*login || !name || !*name || !pw || !*pw || ro < 0) {
		w->status = 400;
		users_page(r, w, "Пользователь не добавлен: заполните логин, имя, роль и пароль.", true, true);
		return 0;
	}
	int rc = user_add(r->db, login, name, (enum role)ro, scope_of_form(r, ro), pw, msg, sizeof msg);
	if (rc) {
		char say[1200];
		const char *why = *msg ? msg : err_str(rc);
		size_t k = strlen(why);
		snprintf(say, sizeof say, "Пользователь не добавлен: %s%s", why, k && why[k - 1] == '.' ? "" : ".");
		w->status = 400;
		users_page(r, w, say, true, true);
		return 0;
	}
	audit_add(r->db, &r->user, NULL, "user_add", login, user_role_title((enum role)ro), r->ip);
	snprintf(msg, sizeof msg, "Пользователь %s добавлен.", login);
	users_page(r, w, msg, false, false);
	return 0;
}

int page_users_token_revoke(struct web_req *r, struct web_res *w)
{
	char msg[1024], detail[200];
	long long id = web_int(r, "id");
	struct api_token_info t;
	if (id <= 0 || api_token_revoke(r->db, id, r->now, r->user.login, &t)) {
		w->status = 404;
		users_page(r, w, "Такого действующего ключа нет: он уже отозван или истёк.", true, false);
		return 0;
	}
	snprintf(detail, sizeof detail, "ключ %lld «%s»", id, t.label);
	audit_add(r->db, &r->user, NULL, "api_token_revoke", t.login, detail, r->ip);
	snprintf(msg, sizeof msg, "Ключ № %lld пользователя %s отозван.", id, t.login);
	users_page(r, w, msg, false, false);
	return 0;
}

/* ---- one user ---- */

/* The page of one user; password, when set, is a generated one shown this once. */
static int edit_page(struct web_req *r, struct web_res *w, const char *login, const char *message,
		     bool error, const char *password)
{
	struct buf *b = &w->body;
	struct user u;
	bool disabled = false;
	int rc = user_get_any(r->db, login, &u, &disabled);
	if (rc)
		return rc;
	html_begin(r, w, u.login);
	buf_puts(b, "<p><a href=\"/users\">← Все пользователи</a></p><h1>");
	html_textf(b, "Пользователь %s", u.login);
	buf_puts(b, "</h1>");
	flash(b, message, error);
	if (password) {
		buf_puts(b, "<section class=\"card notice\" role=\"status\"><h2>Новый пароль</h2><p>Передайте "
			    "его пользователю: он показан один раз и больше нигде не хранится.</p>"
			    "<p><code class=\"password\">");
		html_text(b, password);
		buf_puts(b, "</code></p></section>");
	}
	bool self = !strcmp(u.login, r->user.login);
	html_printf(b, "<p>%s</p>", disabled ? "Пользователь заблокирован: войти он не может."
					     : "Пользователь действует.");
	buf_puts(b, "<section class=\"card\"><h2>Имя, роль и территория</h2>"
		    "<form method=\"post\" action=\"/users/edit\" class=\"grid\">");
	html_csrf(r, b);
	buf_puts(b, "<input type=\"hidden\" name=\"user\" value=\"");
	html_attr(b, u.login);
	buf_puts(b, "\"><label>Имя <input name=\"name\" required value=\"");
	html_attr(b, u.name);
	buf_puts(b, "\"></label>");
	role_select(b, (int)u.role);
	char school[80] = "";
	if (u.role == ROLE_SCHOOL)
		registry_school_login_of(r->db, u.school_id, school, sizeof school);
	territory_fields(r, b, u.role == ROLE_REGION ? u.scope_name : NULL,
			 u.role == ROLE_MUNICIPALITY ? u.scope_name : NULL, school);
	buf_puts(b, "<button>Сохранить</button></form></section>");

	buf_puts(b, "<section class=\"card\"><h2>Пароль</h2><form method=\"post\" action=\"/users/password\" "
		    "class=\"grid\">");
	html_csrf(r, b);
	buf_puts(b, "<input type=\"hidden\" name=\"user\" value=\"");
	html_attr(b, u.login);
	buf_puts(b, "\"><label>Новый пароль <input name=\"password\" type=\"password\" minlength=\"10\" "
		    "autocomplete=\"new-password\" aria-describedby=\"pw-rules\"></label>"
		    "<label class=\"check\"><input type=\"checkbox\" name=\"generate\" value=\"1\"> "
		    "создать пароль автоматически (поле выше можно оставить пустым)</label>");
	buf_puts(b, pw_rules);
	buf_puts(b, "<p class=\"muted\">Смена пароля завершает сеансы пользователя и отзывает его ключи "
		    "API.</p><button>Сменить пароль</button></form></section>");

	buf_puts(b, "<section class=\"card\"><h2>Блокировка и удаление</h2>");
	if (self) {
		buf_puts(b, "<p class=\"muted\">Это вы: заблокировать или удалить себя нельзя — это "
			    "сделает другой администратор.</p>");
	} else {
		buf_puts(b, "<form method=\"post\" action=\"/users/block\" class=\"inline\">");
		html_csrf(r, b);
		buf_puts(b, "<input type=\"hidden\" name=\"user\" value=\"");
		html_attr(b, u.login);
		html_printf(b, "\"><input type=\"hidden\" name=\"blocked\" value=\"%d\"><button>%s</button>"
			       "</form> ", disabled ? 0 : 1, disabled ? "Разблокировать" : "Заблокировать");
		buf_puts(b, "<form method=\"post\" action=\"/users/delete\" class=\"inline\">");
		html_csrf(r, b);
		buf_puts(b, "<input type=\"hidden\" name=\"user\" value=\"");
		html_attr(b, u.login);
		buf_puts(b, "\"><button class=\"danger\">Удалить</button></form><p class=\"muted\">Удалённый "
			    "пользователь остаётся в журнале действий под своим логином. Пользователя, "
			    "которого называют данные (координатор план-графика, наблюдатель, эксперт), "
			    "можно только заблокировать.</p>");
	}
	buf_puts(b, "</section>");
	html_end(r, w);
	return 0;
}

int page_user_edit(struct web_req *r, struct web_res *w)
{
	const char *login = web_str(r, "user");
	return login && *login ? edit_page(r, w, login, NULL, false, NULL) : ERR_NOTFOUND;
}

/* The answer to an action on a user: its page with the message (400 when refused). */
static int after(struct web_req *r, struct web_res *w, const char *login, int rc, const char *msg,
		 const char *done)
{
	if (rc == ERR_NOTFOUND)
		return ERR_NOTFOUND;
	if (rc && rc != ERR_INVALID)
		return rc;
	if (rc)
		w->status = 400;
	return edit_page(r, w, login, rc ? (*msg ? msg : "Действие не выполнено.") : done, rc != 0, NULL);
}

int page_user_edit_post(struct web_req *r, struct web_res *w)
{
	const char *login = web_str(r, "user"), *name = web_str(r, "name"), *role = web_str(r, "role");
	char msg[1024] = "", done[200];
	int ro = role ? user_role_parse(role) : -1;
	if (!login || !*login)
		return ERR_NOTFOUND;
	if (ro < 0)
		return after(r, w, login, ERR_INVALID, "Выберите роль.", NULL);
	int rc = user_update(r->db, login, name, (enum role)ro, scope_of_form(r, ro), r->user.login, msg,
			     sizeof msg);
	if (rc == ERR_NOTFOUND && *msg && strstr(msg, "не найден"))
		rc = ERR_INVALID; /* an unknown territory, not an unknown user */
	if (!rc)
		audit_add(r->db, &r->user, NULL, "user_edit", login, user_role_title((enum role)ro), r->ip);
	snprintf(done, sizeof done, "Изменения пользователя %s сохранены.", login);
	return after(r, w, login, rc, msg, done);
}

int page_user_block(struct web_req *r, struct web_res *w)
{
	const char *login = web_str(r, "user");
	bool blocked = web_int(r, "blocked") == 1;
	char msg[1024] = "", done[200];
	if (!login || !*login)
		return ERR_NOTFOUND;
	int rc = user_set_blocked(r->db, login, blocked, r->user.login, r->now, msg, sizeof msg);
	if (!rc)
		audit_add(r->db, &r->user, NULL, blocked ? "user_block" : "user_unblock", login, NULL, r->ip);
	snprintf(done, sizeof done, blocked ? "Пользователь %s заблокирован: его сеансы завершены, ключи API "
					      "отозваны." : "Пользователь %s разблокирован.", login);
	return after(r, w, login, rc, msg, done);
}

int page_user_password(struct web_req *r, struct web_res *w)
{
	const char *login = web_str(r, "user"), *typed = web_str(r, "password");
	bool generate = web_flag(r, "generate");
	char msg[1024] = "", pw[32] = "", done[200];
	long keys = 0;
	struct user u;
	if (!login || !*login || user_get_any(r->db, login, &u, NULL))
		return ERR_NOTFOUND;
	if (!generate && (!typed || !*typed))
		return after(r, w, login, ERR_INVALID, "Введите новый пароль или отметьте «создать пароль "
						       "автоматически».", NULL);
	if (generate && user_password_generate(login, pw, sizeof pw))
		return ERR_INVALID;
	int rc = user_set_password(r->db, login, generate ? pw : typed, r->now, &keys, msg, sizeof msg);
	if (rc) {
		memset(pw, 0, sizeof pw);
		return after(r, w, login, rc == ERR_NOTFOUND ? ERR_INVALID : rc, msg, NULL);
	}
	snprintf(done, sizeof done, "Пароль пользователя %s сменён; его сеансы завершены, отозвано "
				    "ключей API: %ld.", login, keys);
	audit_add(r->db, &r->user, NULL, "user_passwd", login, generate ? "создан автоматически" : "введён "
							 "администратором", r->ip);
	rc = edit_page(r, w, login, done, false, generate ? pw : NULL);
	memset(pw, 0, sizeof pw);
	return rc;
}

int page_user_delete(struct web_req *r, struct web_res *w)
{
	const char *login = web_str(r, "user");
	char msg[1024] = ""; /* the refusal names every kind of mention (model/user.c) */
	if (!login || !*login)
		return ERR_NOTFOUND;
	int rc = user_delete(r->db, login, r->user.login, msg, sizeof msg);
	if (rc)
		return after(r, w, login, rc, msg, NULL);
	audit_add(r->db, &r->user, NULL, "user_delete", login, NULL, r->ip);
	snprintf(msg, sizeof msg, "Пользователь %s удалён. В журнале действий его записи остались.", login);
	users_page(r, w, msg, false, false);
	return 0;
}

/* ---- the audit log ---- */

/* The "who" of a failed login with a login that does not exist: its fingerprint (see
 * audit_login_failed), or nothing for rows from before fingerprints. */
static const char *who_text(const struct audit_item *a, char *out, size_t n)
{
	if (a->user_login[0] != '#' || strcmp(a->action, "login_failed"))
		return a->user_login;
	if (a->user_login[1])
		snprintf(out, n, "неизвестный логин, отпечаток %s", a->user_login + 1);
	else
		snprintf(out, n, "неизвестный логин (текст удалён)");
	return out;
}

/* An audit entry's object or detail as stored (procedure codes, ISO dates and moments,
 * written by the actions) in the user's words: each procedure code that names a known
 * procedure becomes its title, a date «14.04.2021», a moment the region's time. */
static void audit_words(struct web_req *r, struct buf *b, const char *s)
{
	static const char *const kinds[] = { "VPR-", "DKR-", "NIKO-", "OGE-", "EGE-", "GVE-", NULL };
	size_t i = 0, n = strlen(s);
	while (i < n) {
		bool word_start = i == 0 || s[i - 1] == ' ' || s[i - 1] == ',' || s[i - 1] == '(' || s[i - 1] == ':';
		size_t k = 0;
		for (int j = 0; word_start && kinds[j] && !k; j++)
			if (!strncmp(s + i, kinds[j], strlen(kinds[j])))
				k = strlen(kinds[j]);
		if (k) {
			size_t e = i;
			while (e < n && (s[e] == '-' || (s[e] >= 'A' && s[e] <= 'Z') || (s[e] >= '0' && s[e] <= '9')))
				e++;
			while (e > i && s[e - 1] == '-')
				e--;
			char code[48], name[200];
			if (e - i < sizeof code) {
				memcpy(code, s + i, e - i);
				code[e - i] = '\0';
				web_procedure_name(r->db, code, name, sizeof name);
				if (strcmp(name, code)) {
					html_text(b, name);
					i = e;
					continue;
				}
			}
		}
		if (word_start && n - i >= 10 && s[i + 4] == '-' && s[i + 7] == '-' && s[i] >= '0' && s[i] <= '9') {
			char iso[24], t[40];
			size_t len = n - i >= 20 && s[i + 10] == 'T' && s[i + 19] == 'Z' ? 20 : 10;
			memcpy(iso, s + i, len);
			iso[len] = '\0';
			html_text(b, len == 20 ? ru_moment(t, sizeof t, iso) : ru_date(t, sizeof t, iso));
			i += len;
			continue;
		}
		/* One character, whole: a lone byte of a multi-byte UTF-8 character is not text
		 * (html_text would show it as «�»). */
		unsigned char c = (unsigned char)s[i];
		size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
		if (len > n - i)
			len = n - i;
		char one[5];
		memcpy(one, s + i, len);
		one[len] = '\0';
		html_text(b, one);
		i += len;
	}
}

static const char *action_text(const char *action)
{
	const char *t = audit_action_title(action);
	return t ? t : "другое действие";
}

struct audit_page {
	struct web_req *r;
	struct buf *b;
};

static int audit_row(void *ctx, const struct audit_item *a)
{
	struct audit_page *pg = ctx;
	struct web_req *r = pg->r;
	struct buf *b = pg->b;
	char when[40], who[80];
	buf_puts(b, "<tr><td>");
	html_text(b, ru_moment(when, sizeof when, a->at));
	buf_puts(b, "</td><td>");
	if (a->user_login[0] == '#' && !strcmp(a->action, "login_failed"))
		buf_puts(b, "<span title=\"Такого логина нет; введённый текст не хранится\">");
	html_text(b, who_text(a, who, sizeof who));
	if (a->user_login[0] == '#' && !strcmp(a->action, "login_failed"))
		buf_puts(b, "</span>");
	buf_puts(b, "</td><td>");
	html_text(b, action_text(a->action));
	buf_puts(b, "</td><td>");
	audit_words(r, b, a->object);
	buf_puts(b, "</td><td>");
	audit_words(r, b, a->detail);
	buf_puts(b, "</td><td>");
	html_text(b, a->ip);
	buf_puts(b, "</td></tr>");
	return 0;
}

static int audit_cells(void *ctx, const struct audit_item *a)
{
	struct table_writer *t = ctx;
	char when[40], who[80];
	int rc;
	if ((rc = table_writer_text(t, ru_moment(when, sizeof when, a->at))) ||
	    (rc = table_writer_text(t, who_text(a, who, sizeof who))) ||
	    (rc = table_writer_text(t, action_text(a->action))) || (rc = table_writer_text(t, a->object)) ||
	    (rc = table_writer_text(t, a->detail)) || (rc = table_writer_text(t, a->ip)))
		return rc;
	return table_writer_end_row(t);
}

/* ---- The journal's export, kept in parts ----
 *
 * An export holds every entry of the scope that passes the filter up to the request, in
 * the order they were written (a file for a spreadsheet: its rows keep their numbers as
 * the journal grows); the export is itself an entry, so no two are the same and a whole
 * one cannot be kept. Its older rows never change, though: entries are only added, and an
 * entry's row depends only on its stored fields, its place and the region's time zone (its
 * moment), and whether a scope reads it only on its user and the users of the scope's
 * territory. So the rows are kept, per scope, filter and format, while the zone and that
 * territory's users are the same (audit_scope_digest: a change of the content elsewhere —
 * an upload, a plan, an analysis — leaves them kept): written AUDIT_PART_IDS ids at a time
 * as parts (io/table_write.h) appended to one; an export writes only the entries after the
 * last full part and joins the header, the kept rows and those. The kept ids are final while counted the same (audit_entries, each
 * part's ids counted before its rows are read): checked on every export, the rows made
 * again when not. At most AUDIT_KEPT_BYTES a key (the oldest entries: some 1.3 M in a
 * workbook, 300,000 in CSV): an export of a larger journal writes the rest each time. */
#define AUDIT_PART_IDS 64
#define AUDIT_KEPT_BYTES (32 << 20)
#define AUDIT_KEPT 4

struct audit_kept {
	char key[700];            /* scope, filter, format; "" for a free slot */
	unsigned char users[AUDIT_DIGEST_BYTES]; /* the scope's users the parts were made for */
	int zone;                 /* and the zone their moments were written in (minutes) */
	long entries;             /* the parts' ids counted (audit_entries) before they were read */
	struct table_part all;    /* the rows of the ids 1 … n · AUDIT_PART_IDS, made a part of
				   * AUDIT_PART_IDS ids at a time */
	size_t n;
	uint64_t used;
};
static struct audit_kept kept[AUDIT_KEPT];
static uint64_t kept_tick;
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;

static void kept_drop(struct audit_kept *k)
{
	table_part_free(&k->all);
	k->n = 0;
	k->entries = 0;
}

/* The entries of f with after < id <= upto, oldest first, into a new part that will follow
 * the part before (the kept rows; the header is the sheet's first row): compressed when it
 * is to be kept. */
static int audit_part(struct web_req *r, const struct audit_filter *f, int64_t after, int64_t upto,
		      enum table_kind kind, struct table_part *before, bool keep, struct table_part *p)
{
	struct audit_filter g = *f;
	g.after = after;
	g.upto = upto;
	g.oldest_first = true;
	struct table_writer *t;
	int rc = table_writer_open_part(&t, kind, p, 2 + before->rows, before, keep);
	if (rc)
		return rc;
	rc = audit_query(r->db, &r->scope, &g, 0, 0, audit_cells, t, NULL);
	int rc2 = table_writer_close(t);
	if (rc || (rc = rc2))
		table_part_free(p);
	return rc;
}

/* k's parts brought up to the full parts below the journal's last id (or AUDIT_KEPT_BYTES):
 * made again from the first when the zone or the scope's users changed or a part's ids
 * turned out not final. */
static int kept_update(struct web_req *r, struct audit_kept *k, const struct audit_filter *f,
		       enum table_kind kind)
{
	int64_t last = 0;
	long now = 0;
	unsigned char users[AUDIT_DIGEST_BYTES];
	int rc = audit_last_id(r->db, &last);
	size_t full = (size_t)(last / AUDIT_PART_IDS);
	if (rc || (rc = audit_scope_digest(r->db, &r->scope, users)))
		return rc;
	if (memcmp(k->users, users, sizeof users) || k->zone != ru_zone()->offset_min)
		kept_drop(k);
	memcpy(k->users, users, sizeof users);
	k->zone = ru_zone()->offset_min;
	/* The kept ids must still be what they were. */
	if (k->n && ((rc = audit_entries(r->db, 0, (int64_t)k->n * AUDIT_PART_IDS, &now)) ||
		     now != k->entries))
		kept_drop(k);
	if (rc)
		return rc;
	k->all.kind = kind;
	for (; k->n < full && k->all.data.len < AUDIT_KEPT_BYTES; k->n++) {
		int64_t from = (int64_t)k->n * AUDIT_PART_IDS;
		struct table_part p;
		/* Counted before the rows are read: an entry landing late among them is then
		 * seen by the next export's count. */
		if ((rc = audit_entries(r->db, from, from + AUDIT_PART_IDS, &now)))
			break;
		if ((rc = audit_part(r, f, from, from + AUDIT_PART_IDS, kind, &k->all, true, &p)))
			break;
		rc = table_part_append(&k->all, &p);
		table_part_free(&p);
		if (rc)
			break;
		k->entries += now;
	}
	if (rc)
		kept_drop(k);
	return rc;
}

/* The export of the journal (f, kind) appended to w->body. */
static int audit_export(struct web_req *r, struct web_res *w, const struct audit_filter *f,
			enum table_kind kind)
{
	static const char *const head[] = { "Когда", "Кто", "Действие", "Объект", "Подробности", "Адрес" };
	struct table_part hdr, fresh;
	struct table_writer *t;
	struct audit_kept own = { .key = "" }, *k = &own;
	char key[sizeof own.key];
	int rc, n = snprintf(key, sizeof key, "%d|%lld|%d|%s|%s|%s|%s|%s", (int)r->scope.kind,
			     (long long)r->scope.id, (int)kind, f->action ? f->action : "",
			     f->user ? f->user : "", f->from ? f->from : "", f->to ? f->to : "",
			     f->q ? f->q : "");
	bool keep = n > 0 && (size_t)n < sizeof key;
	if ((rc = table_writer_open_part(&t, kind, &hdr, 1, NULL, false)))
		return rc;
	for (size_t i = 0; i < sizeof head / sizeof *head && !rc; i++)
		rc = table_writer_text(t, head[i]);
	if (!rc)
		rc = table_writer_end_row(t);
	int rc2 = table_writer_close(t);
	if (rc || (rc = rc2))
		goto out_hdr;
	if (keep) {
		pthread_mutex_lock(&kept_lock);
		k = NULL;
		for (int i = 0; i < AUDIT_KEPT && !k; i++)
			if (!strcmp(kept[i].key, key))
				k = &kept[i];
		if (!k) {
			k = &kept[0];
			for (int i = 1; i < AUDIT_KEPT; i++)
				if (kept[i].used < k->used)
					k = &kept[i];
			kept_drop(k);
			memcpy(k->key, key, sizeof key);
		}
		k->used = ++kept_tick;
		if ((rc = kept_update(r, k, f, kind)))
			goto out;
	}
	/* The entries after the kept parts, made for this export. */
	if ((rc = audit_part(r, f, (int64_t)k->n * AUDIT_PART_IDS, 0, kind, &k->all, !keep, &fresh)))
		goto out;
	const struct table_part *parts[] = { &hdr, &k->all, &fresh };
	rc = table_parts_join(kind, "Журнал действий", parts, 3, &w->body);
	table_part_free(&fresh);
out:
	if (keep)
		pthread_mutex_unlock(&kept_lock);
out_hdr:
	table_part_free(&hdr);
	return rc;
}

/* A local date 'YYYY-MM-DD' as the UTC moment of its start (next: of the day after), in
 * the region's zone; "" for none. */
static void utc_bound(const char *date, bool next, char out[32])
{
	int y, m, d;
	out[0] = '\0';
	if (!date || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + (next ? 1 : 0) };
	time_t t = (time_t)ru_utc_time(timegm(&tm));
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void put_field(struct buf *b, const char *label, const char *name, const char *type,
		      const char *value, const char *extra)
{
	html_printf(b, "<label>%s <input name=\"%s\" type=\"%s\" %s value=\"", label, name, type, extra);
	html_attr(b, value);
	buf_puts(b, "\"></label>");
}

static int login_option(void *ctx, const struct user_item *u)
{
	buf_puts(ctx, "<option value=\"");
	html_attr(ctx, u->login);
	buf_puts(ctx, "\">");
	html_text(ctx, u->name);
	buf_puts(ctx, "</option>");
	return 0;
}

int page_audit(struct web_req *r, struct web_res *w)
{
	struct buf *b = &w->body;
	long page = web_int(r, "page"), per = 50, total = 0;
	const char *action = web_str(r, "action") ? web_str(r, "action") : "";
	const char *who = web_str(r, "who") ? web_str(r, "who") : "";
	const char *from = web_str(r, "from") ? web_str(r, "from") : "";
	const char *to = web_str(r, "to") ? web_str(r, "to") : "";
	const char *q = web_str(r, "q") ? web_str(r, "q") : "";
	const char *format = web_str(r, "format");
	char ufrom[32], uto[32];
	utc_bound(from, false, ufrom);
	utc_bound(to, true, uto);
	const struct audit_filter f = { .action = action, .user = who, .from = ufrom, .to = uto, .q = q };
	int rc;
	/* A coordinator bound to a region sees the actions of that region's users only (no
	 * anonymous failed logins, which carry addresses and whatever was typed). */
	if (format && *format) {
		bool xlsx = !strcmp(format, "xlsx");
		if ((rc = audit_export(r, w, &f, xlsx ? TABLE_XLSX : TABLE_CSV)))
			return rc;
		audit_add(r->db, &r->user, NULL, "audit_export", NULL, xlsx ? "XLSX" : "CSV", r->ip);
		web_send_table(r, w, xlsx ? TABLE_XLSX : TABLE_CSV, xlsx ? "audit.xlsx" : "audit.csv",
			       xlsx ? "Журнал действий.xlsx" : "Журнал действий.csv");
		return 0;
	}
	struct buf rows = BUF_INIT;
	struct audit_page pg = { r, &rows };
	rc = audit_query(r->db, &r->scope, &f, per, (page - 1) * per, audit_row, &pg, &total);
	html_begin(r, w, "Журнал действий");
	buf_puts(b, "<h1>Журнал действий</h1><form class=\"filters\" method=\"get\" action=\"/audit\" "
		    "role=\"search\"><label>Действие <select name=\"action\"><option value=\"\">все</option>");
	size_t na;
	const struct audit_action *acts = audit_actions(&na);
	for (size_t i = 0; i < na; i++) {
		html_printf(b, "<option value=\"%s\"%s>", acts[i].action,
			    !strcmp(acts[i].action, action) ? " selected" : "");
		html_text(b, acts[i].title);
		buf_puts(b, "</option>");
	}
	buf_puts(b, "</select></label>");
	put_field(b, "Пользователь", "who", "text", who, "list=\"audit-users\" autocomplete=\"off\" "
							 "placeholder=\"логин\"");
	buf_puts(b, "<datalist id=\"audit-users\">");
	user_list(r->db, USER_BY_LOGIN, login_option, b);
	buf_puts(b, "</datalist>");
	put_field(b, "С", "from", "date", from, "");
	put_field(b, "По", "to", "date", to, "");
	put_field(b, "Текст", "q", "search", q, "placeholder=\"объект, подробности, адрес\"");
	buf_puts(b, "<button>Показать</button></form>");
	struct buf base = BUF_INIT;
	buf_puts(&base, "/audit?action=");
	html_url(&base, action);
	buf_puts(&base, "&who=");
	html_url(&base, who);
	buf_puts(&base, "&from=");
	html_url(&base, from);
	buf_puts(&base, "&to=");
	html_url(&base, to);
	buf_puts(&base, "&q=");
	html_url(&base, q);
	buf_puts(b, "<p class=\"muted\">");
	html_count(b, total, "запись", "записи", "записей");
	buf_puts(b, " · выгрузить: <a href=\"");
	html_attr(b, buf_str(&base));
	buf_puts(b, "&amp;format=xlsx\">XLSX</a>, <a href=\"");
	html_attr(b, buf_str(&base));
	buf_puts(b, "&amp;format=csv\">CSV</a> (записи по времени, от ранних к поздним) · время местное (");
	html_text(b, ru_zone()->title);
	buf_puts(b, ")</p><div class=\"scroll\"><table><thead><tr><th>Когда</th><th>Кто</th>"
		    "<th>Действие</th><th>Объект</th><th>Подробности</th><th>Адрес</th></tr></thead><tbody>");
	buf_puts(b, buf_str(&rows));
	buf_puts(b, "</tbody></table></div>");
	if (!rc && !total)
		buf_puts(b, "<p class=\"muted\">Записей с такими условиями нет.</p>");
	html_pager(b, buf_str(&base), total, per, page);
	buf_puts(b, "<p class=\"muted\">Если при неудачном входе введён несуществующий логин, введённый "
		    "текст не хранится (это мог быть пароль, набранный не в том поле): вместо него показан "
		    "отпечаток — одинаковый текст даёт одинаковый отпечаток, но сам текст по нему не "
		    "восстановить.</p>");
	buf_free(&base);
	buf_free(&rows);
	html_end(r, w);
	return rc;
}
