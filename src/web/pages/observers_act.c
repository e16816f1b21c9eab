/* observers_act: the observer's and the school's pages of observation (docs/observers.md).
 *
 *   GET  /  (observer)                 its assignments (web_observers_mine)
 *   GET  /acts/new?procedure=&school=  the act form of one of its sittings
 *   POST /acts                         stores the act (observer_act_put); with js=1 (the
 *                                      offline act, static/act.js) the answer is JSON
 *   GET  /acts/{id}, /acts/{id}.pdf    the act: its observer, or a coordinator whose
 *                                      territory holds the school; anyone else 404
 *   GET  /observers/school             a school's sittings with their observers (hidden
 *                                      before the day when the campaign says so) and the
 *                                      video forms
 *   POST /video                        the school's video record of a sitting or checking
 *   GET  /observers/violations, POST   region/admin: the list of violations an act marks
 *
 * The act form works without JavaScript (a plain POST, then a redirect to the act). With
 * it, act.js keeps every keystroke in the browser's localStorage and sends the act with
 * fetch; a network failure keeps it there until the server confirms. client_key makes a
 * resend store once: the server puts a fresh random key into the form, the script keeps
 * the key of its stored copy. The school never sees an act. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "base/err.h"
#include "base/str.h"
#include "model/observer.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "model/registry.h"
#include "report/observers.h"
#include "web/download.h"
#include "web/web.h"

static void notice(struct buf *b, bool ok, const char *text)
{
	buf_puts(b, ok ? "<p class=\"notice\" role=\"status\">" : "<p class=\"alert\" role=\"alert\">");
	html_text(b, text);
	buf_puts(b, "</p>");
}

/* The observer of the user; 0 when the login is linked to nobody. */
static int64_t my_observer(struct web_req *r)
{
	int64_t id = 0;
	if (r->user.role != ROLE_OBSERVER || observer_of_user(r->db, r->user.id, &id))
		return 0;
	return id;
}

/* The offline act's script, told whose copies it keeps (a shared phone: one observer's
 * pending acts are never sent under another's session). */
static void act_script(struct web_req *r, struct buf *b)
{
	buf_puts(b, "<script src=\"/static/act.js\" data-user=\"");
	html_text(b, r->user.login);
	buf_puts(b, "\" defer></script>");
}

/* ---- the observer's home ---- */

static void sitting_place(struct buf *b, const struct obs_sitting *s)
{
	html_text(b, s->school_name);
	if (s->address[0]) {
		buf_puts(b, "<br><small>");
		html_text(b, s->address);
		buf_puts(b, "</small>");
	} else if (s->municipality[0]) {
		buf_puts(b, ", ");
		html_text(b, s->municipality);
	}
}

/* The act form's address of a sitting, inside an href. */
static void act_link(struct buf *b, const struct obs_sitting *s)
{
	buf_puts(b, "/acts/new?procedure=");
	html_url(b, s->procedure);
	buf_puts(b, "&amp;school=");
	html_url(b, s->school_login);
}

void web_observers_mine(struct web_req *r, struct buf *b)
{
	int64_t oid = my_observer(r);
	struct obs_person p;
	struct obs_sitting *v = NULL;
	size_t n = 0;
	if (!oid || observer_get(r->db, oid, &p)) {
		buf_puts(b, "<p>Ваша учётная запись пока не связана с реестром наблюдателей. Обратитесь к "
			    "муниципальному координатору: он свяжет ваш логин с записью реестра.</p>");
		return;
	}
	buf_puts(b, "<p class=\"lead\">");
	html_text(b, p.name);
	buf_puts(b, " — ");
	html_text(b, obs_kind_name(p.kind));
	buf_puts(b, " наблюдатель</p><p id=\"act-status\" class=\"act-status\" role=\"status\" "
		    "aria-live=\"polite\"></p><section>");
	if (observer_sittings_of(r->db, oid, &v, &n)) {
		notice(b, false, "Не удалось прочитать назначения.");
		buf_puts(b, "</section>");
		return;
	}
	char today[PLAN_DATE_LEN];
	web_today(today);
	buf_puts(b, "<ul class=\"sittings-list\">");
	for (size_t i = 0; i < n; i++) {
		const struct obs_sitting *s = &v[i];
		bool past = strcmp(s->date, today) < 0;
		html_printf(b, "<li class=\"%s\"><p class=\"when\"><strong>", past ? "past" : "");
		web_date_ru(b, s->date);
		buf_puts(b, "</strong> ");
		html_text(b, s->time);
		buf_puts(b, "</p><p class=\"what\">");
		web_procedure_title(b, s->procedure, s->subject, s->grade);
		buf_puts(b, "</p><p class=\"where\">");
		sitting_place(b, s);
		buf_puts(b, "</p><p class=\"act\">");
		if (s->act_id) {
			html_printf(b, "<a href=\"/acts/%lld\">Акт подан%s</a> · <a href=\"", (long long)s->act_id,
				    s->violations ? ": есть нарушения" : ": нарушений не выявлено");
			act_link(b, s);
			buf_puts(b, "\">исправить</a>");
		} else {
			buf_puts(b, "<a class=\"button\" href=\"");
			act_link(b, s);
			buf_puts(b, "\">Заполнить акт</a>");
		}
		buf_puts(b, "</p></li>");
	}
	buf_puts(b, "</ul>");
	if (!n)
		buf_puts(b, "<p>Назначений пока нет.</p>");
	buf_puts(b, "</section>");
	act_script(r, b);
	free(v);
}

/* ---- the act form ---- */

/* The sitting of an act request: the user's observer, the procedure and the school, which
 * must be one of its assignments. ERR_NOTFOUND otherwise. */
struct act_target {
	int64_t observer_id, procedure_id, school_id;
	struct obs_sitting s;
};

static int act_target(struct web_req *r, struct act_target *t)
{
	const char *code = web_str(r, "procedure"), *login = web_str(r, "school");
	struct obs_sitting *v = NULL;
	size_t n = 0;
	struct procedure *p = calloc(1, sizeof *p);
	int rc = ERR_NOTFOUND;
	memset(t, 0, sizeof *t);
	if (!p || !code || !login || !(t->observer_id = my_observer(r)) || procedure_get(r->db, code, p) ||
	    registry_school_find(r->db, login, &t->school_id))
		goto out;
	t->procedure_id = p->id;
	if (!observer_assigned_to(r->db, t->observer_id, t->procedure_id, t->school_id) ||
	    observer_sittings_of(r->db, t->observer_id, &v, &n))
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (v[i].procedure_id == t->procedure_id && v[i].school_id == t->school_id) {
			t->s = v[i];
			rc = 0;
		}
	}
out:
	free(v);
	free(p);
	return rc;
}

static bool has_violation(const struct obs_act *a, int64_t id)
{
	for (int i = 0; i < a->nviolations; i++)
		if (a->violations[i] == id)
			return true;
	return false;
}

static void act_form(struct web_req *r, struct buf *b, const struct act_target *t, const struct obs_act *a)
{
	const struct obs_sitting *s = &t->s;
	struct obs_violation_kind *k = NULL;
	size_t nk = 0;
	buf_puts(b, "<form method=\"post\" action=\"/acts\" class=\"act\" id=\"act\" data-key=\"");
	html_attr(b, s->procedure);
	buf_puts(b, ":");
	html_attr(b, s->school_login);
	buf_puts(b, "\">");
	html_csrf(r, b);
	buf_puts(b, "<input type=\"hidden\" name=\"procedure\" value=\"");
	html_attr(b, s->procedure);
	buf_puts(b, "\"><input type=\"hidden\" name=\"school\" value=\"");
	html_attr(b, s->school_login);
	/* A fresh key for this filling: a form sent twice stores one act. */
	unsigned char raw[16];
	char key[33];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(key, sizeof key, raw, sizeof raw);
	buf_puts(b, "\"><input type=\"hidden\" name=\"client_key\" value=\"");
	html_attr(b, a->client_key[0] && !a->id ? a->client_key : key);
	buf_puts(b, "\"><fieldset><legend>Время работы</legend><div class=\"pair\"><label>Начало <input "
		    "type=\"time\" name=\"started\" required value=\"");
	html_attr(b, a->started[0] ? a->started : s->time);
	buf_puts(b, "\"></label><label>Окончание <input type=\"time\" name=\"ended\" required value=\"");
	html_attr(b, a->ended);
	buf_puts(b, "\"></label></div></fieldset><fieldset><legend>Этапы, при которых присутствовал "
		    "наблюдатель</legend>");
	for (int i = 0; i < OBS_NSTAGES; i++) {
		html_printf(b, "<label class=\"check\"><input type=\"checkbox\" name=\"stage\" value=\"%d\"%s> ", i,
			    a->stages & (1 << i) ? " checked" : "");
		html_text(b, obs_stage_title(i));
		buf_puts(b, "</label>");
	}
	html_printf(b, "</fieldset><fieldset><legend>Нарушения</legend><label class=\"check strong\"><input "
		       "type=\"checkbox\" name=\"no_violations\" value=\"1\"%s> нарушений не выявлено</label>"
		       "<p class=\"muted\">или отметьте выявленные:</p>", a->no_violations ? " checked" : "");
	if (!observer_violation_kinds(r->db, false, &k, &nk)) {
		for (size_t i = 0; i < nk; i++) {
			if (!k[i].active && !has_violation(a, k[i].id))
				continue;
			html_printf(b, "<label class=\"check\"><input type=\"checkbox\" name=\"violation\" "
				       "value=\"%lld\"%s> ", (long long)k[i].id,
				    has_violation(a, k[i].id) ? " checked" : "");
			html_text(b, k[i].title);
			buf_puts(b, "</label>");
		}
		free(k);
	}
	buf_puts(b, "</fieldset><label>Комментарий <textarea name=\"comment\" rows=\"5\" maxlength=\"999\">");
	html_text(b, a->comment);
	buf_puts(b, "</textarea></label><p id=\"act-status\" class=\"act-status\" role=\"status\" "
		    "aria-live=\"polite\"></p><button>Отправить акт</button></form>");
	act_script(r, b);
}

static void act_page(struct web_req *r, struct web_res *w, const struct act_target *t,
		     const struct obs_act *a, const char *error)
{
	struct buf *b = &w->body;
	const struct obs_sitting *s = &t->s;
	html_begin(r, w, "Акт наблюдения");
	buf_puts(b, "<p class=\"crumbs\"><a href=\"/\">Мои назначения</a></p><h1>Акт наблюдения</h1>"
		    "<dl class=\"facts\"><dt>Процедура</dt><dd>");
	web_procedure_title(b, s->procedure, s->subject, s->grade);
	buf_puts(b, "</dd><dt>Школа</dt><dd>");
	sitting_place(b, s);
	buf_puts(b, "</dd><dt>Дата</dt><dd>");
	web_date_ru(b, s->date);
	buf_puts(b, ", ");
	html_text(b, s->time);
	buf_puts(b, "</dd></dl>");
	if (a->id)
		buf_puts(b, "<p class=\"notice\">Акт уже подан; отправка заменит его исправленным.</p>");
	if (error)
		notice(b, false, error);
	act_form(r, b, t, a);
	html_end(r, w);
}

int page_act_new(struct web_req *r, struct web_res *w)
{
	struct act_target t;
	struct obs_act *a = calloc(1, sizeof *a);
	int rc = ERR_NOTFOUND;
	if (!a || act_target(r, &t))
		goto out;
	if (t.s.act_id && observer_act_get(r->db, t.s.act_id, a))
		goto out;
	if (a->id && a->observer_id != t.observer_id) /* never another observer's act */
		memset(a, 0, sizeof *a);
	act_page(r, w, &t, a, NULL);
	rc = 0;
out:
	free(a);
	return rc;
}

/* A JSON string (the few characters JSON escapes; the text is valid UTF-8). */
static void json_str(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(b, '\\');
		if ((unsigned char)*s < 0x20)
			buf_printf(b, "\\u%04x", (unsigned char)*s);
		else
			buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

/* The act's fields from the request. */
static void act_of_request(struct web_req *r, const struct act_target *t, struct obs_act *a)
{
	const char *v;
	memset(a, 0, sizeof *a);
	a->procedure_id = t->procedure_id;
	a->school_id = t->school_id;
	a->observer_id = t->observer_id;
	snprintf(a->started, sizeof a->started, "%s", (v = web_str(r, "started")) ? v : "");
	snprintf(a->ended, sizeof a->ended, "%s", (v = web_str(r, "ended")) ? v : "");
	a->no_violations = web_flag(r, "no_violations");
	str_copy_utf8(a->comment, sizeof a->comment, (v = web_str(r, "comment")) ? v : "");
	snprintf(a->client_key, sizeof a->client_key, "%s", (v = web_str(r, "client_key")) ? v : "");
	/* The repeated keys, checked by the dispatcher: stage 0..4, violation ids. */
	for (int i = 0; i < r->nform; i++) {
		int64_t x;
		if (!strcmp(r->form[i].key, "stage") && !web_parse_int(r->form[i].value, 0, OBS_NSTAGES - 1, &x))
			a->stages |= 1 << x;
		else if (!strcmp(r->form[i].key, "violation") && a->nviolations < OBS_MAX_VIOLATIONS &&
			 !web_parse_int(r->form[i].value, 1, INT64_MAX, &x) && !has_violation(a, x))
			a->violations[a->nviolations++] = x;
	}
}

int page_act_post(struct web_req *r, struct web_res *w)
{
	bool js = web_flag(r, "js");
	struct act_target t;
	struct obs_act *a = calloc(1, sizeof *a);
	char msg[800] = "";
	int64_t id = 0;
	int rc = ERR_NOTFOUND;
	if (!a)
		return ERR_NOMEM;
	if ((rc = act_target(r, &t))) {
		if (js) {
			w->status = 404;
			w->type = "application/json; charset=utf-8";
			buf_puts(&w->body, "{\"ok\":false,\"error\":\"Это проведение вам не назначено.\"}\n");
			rc = 0;
		}
		goto out;
	}
	act_of_request(r, &t, a);
	rc = observer_act_put(r->db, a, r->user.login, &id, msg, sizeof msg);
	if (rc == ERR_INVALID || rc == ERR_NOTFOUND) {
		char text[900];
		snprintf(text, sizeof text, "Акт не сохранён: %s.", *msg ? msg : "проверьте поля");
		w->status = 400;
		if (js) {
			w->type = "application/json; charset=utf-8";
			buf_puts(&w->body, "{\"ok\":false,\"error\":");
			json_str(&w->body, text);
			buf_puts(&w->body, "}\n");
		} else {
			act_page(r, w, &t, a, text);
		}
		rc = 0;
		goto out;
	}
	if (rc)
		goto out;
	/* A correction of a submitted act is journaled as one. */
	bool revised = !observer_act_get(r->db, id, a) && a->revised_at[0];
	audit_add(r->db, &r->user, NULL, revised ? "act_revised" : "act", arena_printf(r->a, "%lld", (long long)id),
		  a->client_key, r->ip);
	if (js) {
		w->type = "application/json; charset=utf-8";
		w->cache = "no-store";
		buf_printf(&w->body, "{\"ok\":true,\"id\":%lld,\"url\":\"/acts/%lld\"}\n", (long long)id,
			   (long long)id);
	} else {
		web_redirect(w, arena_printf(r->a, "/acts/%lld", (long long)id));
	}
out:
	free(a);
	return rc;
}

/* The act of the path, if the user may see it: its own observer, or a coordinator whose
 * territory holds the school. ERR_NOTFOUND otherwise. */
static int visible_act(struct web_req *r, struct obs_act *a)
{
	int64_t id = web_int(r, "id");
	if (observer_act_get(r->db, id, a))
		return ERR_NOTFOUND;
	if (r->user.role == ROLE_OBSERVER)
		return a->observer_id && a->observer_id == my_observer(r) ? 0 : ERR_NOTFOUND;
	if (r->user.role == ROLE_ADMIN || r->user.role == ROLE_REGION || r->user.role == ROLE_MUNICIPALITY)
		return scope_sees_school(r->db, &r->scope, a->school_id) ? 0 : ERR_NOTFOUND;
	return ERR_NOTFOUND;
}

int page_act(struct web_req *r, struct web_res *w)
{
	struct obs_act *a = calloc(1, sizeof *a);
	struct obs_violation_kind *k = NULL;
	size_t nk = 0;
	struct buf *b = &w->body;
	int rc = ERR_NOTFOUND;
	if (!a || visible_act(r, a))
		goto out;
	rc = 0;
	bool mine = r->user.role == ROLE_OBSERVER;
	html_begin(r, w, "Акт наблюдения");
	buf_puts(b, mine ? "<p class=\"crumbs\"><a href=\"/\">Мои назначения</a></p>"
			 : "<p class=\"crumbs\"><a href=\"/observers\">Наблюдатели</a></p>");
	buf_puts(b, "<h1>Акт наблюдения</h1>");
	if (mine)
		buf_puts(b, "<p class=\"notice\" role=\"status\">Акт получен сервером: координатор уже видит его."
			    "</p>");
	buf_puts(b, "<section class=\"card\"><dl class=\"facts\"><dt>Процедура</dt><dd>");
	web_procedure_title(b, a->procedure, a->subject, a->grade);
	buf_puts(b, "</dd><dt>Школа</dt><dd>");
	html_text(b, a->school_name);
	buf_puts(b, " <small class=\"muted\">");
	html_text(b, a->school_login);
	buf_puts(b, "</small></dd><dt>Дата</dt><dd>");
	web_date_ru(b, a->date);
	buf_puts(b, "</dd><dt>Время работы</dt><dd>");
	html_textf(b, "%s – %s", a->started, a->ended);
	buf_puts(b, "</dd><dt>Наблюдатель</dt><dd>");
	html_text(b, a->observer_name);
	buf_puts(b, "</dd><dt>Этапы</dt><dd>");
	bool any = false;
	for (int i = 0; i < OBS_NSTAGES; i++) {
		if (!(a->stages & (1 << i)))
			continue;
		if (any)
			buf_puts(b, "; ");
		html_text(b, obs_stage_title(i));
		any = true;
	}
	if (!any)
		buf_puts(b, "не отмечены");
	buf_puts(b, "</dd><dt>Нарушения</dt><dd>");
	if (a->no_violations) {
		buf_puts(b, "нарушений не выявлено");
	} else if (!observer_violation_kinds(r->db, false, &k, &nk)) {
		buf_puts(b, "<ul class=\"violations\">");
		for (size_t i = 0; i < nk; i++) {
			if (!has_violation(a, k[i].id))
				continue;
			buf_puts(b, "<li>");
			html_text(b, k[i].title);
			buf_puts(b, "</li>");
		}
		buf_puts(b, "</ul>");
	}
	buf_puts(b, "</dd><dt>Комментарий</dt><dd class=\"comment\">");
	html_text(b, a->comment[0] ? a->comment : "—");
	buf_puts(b, "</dd><dt>Подан</dt><dd>");
	web_moment_ru(b, a->submitted_at);
	buf_puts(b, a->paper ? ", с бумажного акта" : ", онлайн");
	if (a->revised_at[0]) {
		buf_puts(b, "; исправлен ");
		web_moment_ru(b, a->revised_at);
	}
	buf_puts(b, "</dd></dl>");
	html_printf(b, "<p><a href=\"/acts/%lld.pdf\">Акт для печати (PDF)</a>", (long long)a->id);
	if (mine) {
		buf_puts(b, " · <a href=\"/acts/new?procedure=");
		html_url(b, a->procedure);
		buf_puts(b, "&amp;school=");
		html_url(b, a->school_login);
		buf_puts(b, "\">Исправить акт</a>");
	}
	buf_puts(b, "</p></section>");
	if (mine)
		act_script(r, b);
	html_end(r, w);
out:
	free(k);
	free(a);
	return rc;
}

int page_act_pdf(struct web_req *r, struct web_res *w)
{
	struct obs_act *a = calloc(1, sizeof *a);
	char msg[300] = "";
	int rc = ERR_NOTFOUND;
	if (!a || visible_act(r, a))
		goto out;
	if ((rc = obs_act_pdf(r->db, a->id, &w->body, msg, sizeof msg))) {
		buf_reset(&w->body);
		goto out;
	}
	struct buf d = BUF_INIT;
	w->type = "application/pdf";
	w->cache = "no-store";
	web_disposition(&d, arena_printf(r->a, "act-%lld.pdf", (long long)a->id),
			arena_printf(r->a, "Акт наблюдения %s %s.pdf", a->procedure, a->school_login));
	w->disposition = arena_strdup(r->a, buf_str(&d));
	buf_free(&d);
out:
	free(a);
	return rc;
}

/* ---- the violations list (region) ---- */

static int violations_render(struct web_req *r, struct web_res *w, const char *text, bool ok)
{
	struct buf *b = &w->body;
	struct obs_violation_kind *v = NULL;
	size_t n = 0;
	int rc = observer_violation_kinds(r->db, false, &v, &n);
	if (rc)
		return rc;
	html_begin(r, w, "Перечень нарушений");
	buf_puts(b, "<p class=\"crumbs\"><a href=\"/observers\">Наблюдатели</a></p><h1>Перечень нарушений</h1>"
		    "<p class=\"lead\">Нарушения, которые наблюдатель отмечает в акте. Выключенное нарушение "
		    "остаётся в поданных актах, но в новых его не выбрать.</p>");
	if (text)
		notice(b, ok, text);
	buf_puts(b, "<section class=\"card\"><table class=\"kinds\"><thead><tr><th>Нарушение</th><th>Действует</th>"
		    "<th></th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_printf(b, "<tr><td><form method=\"post\" action=\"/observers/violations\" class=\"inline\" "
			       "id=\"vk%lld\">", (long long)v[i].id);
		html_csrf(r, b);
		html_printf(b, "<input type=\"hidden\" name=\"action\" value=\"set\"><input type=\"hidden\" "
			       "name=\"id\" value=\"%lld\"><input name=\"title\" required maxlength=\"120\" "
			       "aria-label=\"Название нарушения\" value=\"", (long long)v[i].id);
		html_attr(b, v[i].title);
		html_printf(b, "\"></form></td><td><label class=\"check\"><input type=\"checkbox\" name=\"active\" "
			       "value=\"1\" form=\"vk%lld\"%s> действует</label></td><td><button "
			       "class=\"secondary\" form=\"vk%lld\">Сохранить</button></td></tr>",
			    (long long)v[i].id, v[i].active ? " checked" : "", (long long)v[i].id);
	}
	buf_puts(b, "</tbody></table></section><section class=\"card\"><h2>Новое нарушение</h2>"
		    "<form method=\"post\" action=\"/observers/violations\" class=\"grid\">");
	html_csrf(r, b);
	buf_puts(b, "<input type=\"hidden\" name=\"action\" value=\"add\"><label>Название <input name=\"title\" "
		    "required maxlength=\"120\"></label><button>Добавить</button></form></section>");
	html_end(r, w);
	free(v);
	return 0;
}

int page_violations(struct web_req *r, struct web_res *w)
{
	return violations_render(r, w, NULL, true);
}

int page_violations_post(struct web_req *r, struct web_res *w)
{
	const char *action = web_str(r, "action"), *title = web_str(r, "title");
	int64_t id = web_int(r, "id");
	const char *src = title ? title : "";
	size_t len = str_trim(&src, strlen(src));
	char t[512];
	snprintf(t, sizeof t, "%.*s", (int)len, src);
	if (!action || !*action)
		return ERR_INVALID;
	if (!*t) {
		w->status = 400;
		return violations_render(r, w, "Укажите название нарушения.", false);
	}
	int rc;
	if (!strcmp(action, "add")) {
		rc = observer_violation_kind_add(r->db, t, &id);
		if (rc == ERR_EXISTS) {
			w->status = 400;
			return violations_render(r, w, "Такое нарушение уже есть в перечне.", false);
		}
	} else {
		if (!id)
			return ERR_NOTFOUND;
		rc = observer_violation_kind_set(r->db, id, t, web_flag(r, "active"));
		if (rc == ERR_EXISTS) {
			w->status = 400;
			return violations_render(r, w, "Нарушение с таким названием уже есть в перечне.", false);
		}
	}
	if (rc == ERR_INVALID) {
		w->status = 400;
		return violations_render(r, w, "Название нарушения слишком длинное: сократите его.", false);
	}
	if (rc)
		return rc;
	audit_add(r->db, &r->user, NULL, "violation_kind", action, t, r->ip);
	return violations_render(r, w, !strcmp(action, "add") ? "Нарушение добавлено." : "Перечень сохранён.", true);
}

/* ---- the school: its sittings, observers and video ---- */

static void video_form(struct web_req *r, struct buf *b, const struct obs_sitting *s, enum obs_phase ph)
{
	static const char *const modes[] = { "none", "record", "online" };
	struct obs_video v;
	memset(&v, 0, sizeof v);
	bool known = !observer_video_get(r->db, s->procedure_id, s->school_id, ph, &v);
	buf_puts(b, "<form method=\"post\" action=\"/video\" class=\"video\"><h4>");
	html_text(b, ph == OBS_PHASE_SITTING ? "Проведение" : "Проверка работ");
	buf_puts(b, "</h4>");
	html_csrf(r, b);
	buf_puts(b, "<input type=\"hidden\" name=\"procedure\" value=\"");
	html_attr(b, s->procedure);
	html_printf(b, "\"><input type=\"hidden\" name=\"phase\" value=\"%s\"><label>Видеонаблюдение "
		       "<select name=\"mode\">", ph == OBS_PHASE_SITTING ? "sitting" : "checking");
	for (int i = 0; i < 3; i++) {
		html_printf(b, "<option value=\"%s\"%s>", modes[i], known && !strcmp(v.mode, modes[i]) ? " selected" : "");
		html_text(b, obs_video_mode_title(modes[i]));
		buf_puts(b, "</option>");
	}
	buf_puts(b, "</select></label><label>Запись хранится до <input type=\"date\" name=\"kept_until\" value=\"");
	html_attr(b, v.kept_until);
	buf_puts(b, "\"></label><label>Где хранится <input name=\"kept_where\" maxlength=\"200\" value=\"");
	html_attr(b, v.kept_where);
	html_printf(b, "\"></label><label>Перерывы, минут <input type=\"number\" name=\"outage\" min=\"0\" "
		       "max=\"1440\" value=\"%d\"></label><label>Неполадки <input name=\"problems\" "
		       "maxlength=\"900\" value=\"", v.outage_minutes);
	html_attr(b, v.problems);
	buf_puts(b, "\"></label><button class=\"secondary\">Сохранить</button>");
	if (known) {
		buf_puts(b, "<small class=\"muted\">Сохранено: ");
		web_moment_ru(b, v.recorded_at);
		buf_puts(b, "</small>");
	}
	buf_puts(b, "</form>");
}

/* The school's sittings of every campaign; with forms, the video forms under each. */
static void school_sittings(struct web_req *r, struct buf *b, bool forms)
{
	struct plan_campaign_item *c = NULL;
	size_t nc = 0, shown = 0;
	char today[PLAN_DATE_LEN];
	web_today(today);
	if (plan_campaigns(r->db, &c, &nc))
		return;
	for (size_t ci = 0; ci < nc; ci++) {
		struct obs_sitting *v = NULL;
		size_t n = 0;
		bool day = false;
		if (observer_sittings(r->db, &r->scope, c[ci].id, &v, &n) || !n) {
			free(v);
			continue;
		}
		observer_campaign_get(r->db, c[ci].id, &day, NULL, 0);
		buf_puts(b, "<h3>");
		html_text(b, c[ci].name);
		buf_puts(b, "</h3><ul class=\"sittings-list\">");
		for (size_t i = 0; i < n; i++) {
			const struct obs_sitting *s = &v[i];
			if (s->school_id != r->user.school_id)
				continue;
			shown++;
			buf_puts(b, "<li><p class=\"when\"><strong>");
			web_date_ru(b, s->date);
			buf_puts(b, "</strong> ");
			html_text(b, s->time);
			buf_puts(b, "</p><p class=\"what\">");
			web_procedure_title(b, s->procedure, s->subject, s->grade);
			buf_puts(b, "</p><p class=\"who\">Наблюдатель: ");
			if (!s->observer_id) {
				buf_puts(b, "<span class=\"muted\">не назначен</span>");
			} else if (day && strcmp(s->date, today) > 0) {
				buf_puts(b, "<span class=\"muted\">будет известен в день проведения</span>");
			} else {
				html_text(b, s->observer_name);
				buf_puts(b, " (");
				html_text(b, obs_kind_name(s->observer_kind));
				buf_puts(b, ")");
			}
			buf_puts(b, "</p>");
			/* The forms fold under the video's summary: a school has dozens of sittings. */
			buf_puts(b, forms ? "<details class=\"video\"><summary>" : "<p class=\"muted\">");
			buf_puts(b, "Видео: проведение — ");
			html_text(b, s->video_sitting[0] ? obs_video_mode_title(s->video_sitting) : "не указано");
			buf_puts(b, ", проверка — ");
			html_text(b, s->video_checking[0] ? obs_video_mode_title(s->video_checking) : "не указано");
			if (forms) {
				buf_puts(b, "</summary><div class=\"video-forms\">");
				video_form(r, b, s, OBS_PHASE_SITTING);
				video_form(r, b, s, OBS_PHASE_CHECKING);
				buf_puts(b, "</div></details>");
			} else {
				buf_puts(b, "</p>");
			}
			buf_puts(b, "</li>");
		}
		buf_puts(b, "</ul>");
		free(v);
	}
	free(c);
	if (!shown)
		buf_puts(b, "<p>Проведений с назначенной датой пока нет: дату назначают на странице "
			    "«План-график».</p>");
}

void web_observers_school_home(struct web_req *r, struct buf *b)
{
	buf_puts(b, "<section><h2>Наблюдатели и видеонаблюдение</h2>");
	school_sittings(r, b, false);
	buf_puts(b, "<p><a href=\"/observers/school\">Указать видеонаблюдение</a></p></section>");
}

static int school_page(struct web_req *r, struct web_res *w, const char *text, bool ok)
{
	struct buf *b = &w->body;
	html_begin(r, w, "Наблюдатели и видеонаблюдение");
	buf_puts(b, "<h1>Наблюдатели и видеонаблюдение</h1><p class=\"lead\">Кто наблюдает за проведением "
		    "в вашей школе, и как велось видеонаблюдение на проведении и на проверке работ. Акты "
		    "наблюдателей школе не показываются.</p>");
	if (text)
		notice(b, ok, text);
	school_sittings(r, b, true);
	html_end(r, w);
	return 0;
}

int page_observers_school(struct web_req *r, struct web_res *w)
{
	return school_page(r, w, NULL, true);
}

int page_video_post(struct web_req *r, struct web_res *w)
{
	const char *code = web_str(r, "procedure"), *phase = web_str(r, "phase"), *mode = web_str(r, "mode"), *x;
	struct obs_video v;
	char msg[300] = "", text[400];
	int64_t pid = 0;
	struct procedure *p = calloc(1, sizeof *p);
	if (p && code && !procedure_get(r->db, code, p))
		pid = p->id;
	free(p);
	if (!pid)
		return ERR_NOTFOUND;
	if (!phase || !*phase || !mode || !*mode) {
		w->status = 400;
		return school_page(r, w, "Укажите этап и вид видеонаблюдения.", false);
	}
	memset(&v, 0, sizeof v);
	v.procedure_id = pid;
	v.school_id = r->user.school_id;
	v.phase = !strcmp(phase, "checking") ? OBS_PHASE_CHECKING : OBS_PHASE_SITTING;
	snprintf(v.mode, sizeof v.mode, "%s", mode);
	snprintf(v.kept_until, sizeof v.kept_until, "%s", (x = web_str(r, "kept_until")) ? x : "");
	str_copy_utf8(v.kept_where, sizeof v.kept_where, (x = web_str(r, "kept_where")) ? x : "");
	str_copy_utf8(v.problems, sizeof v.problems, (x = web_str(r, "problems")) ? x : "");
	v.outage_minutes = (int)web_int(r, "outage");
	int rc = observer_video_put(r->db, &v, r->user.login, msg, sizeof msg);
	if (rc == ERR_INVALID) {
		snprintf(text, sizeof text, "Не сохранено: %s.", msg);
		w->status = 400;
		return school_page(r, w, text, false);
	}
	if (rc)
		return rc;
	audit_add(r->db, &r->user, NULL, "video", code, arena_printf(r->a, "%s %s", phase, mode), r->ip);
	return school_page(r, w, "Сведения о видеонаблюдении сохранены.", true);
}
