/* plan: the plan-graph pages.
 *
 *   GET  /plan[?campaign=ID]   campaigns; one campaign's procedures with dates and the forms
 *                              each role may use
 *   POST /plan                 region/admin: create a campaign
 *   POST /plan/procedure       region/admin: put a procedure with its dates into a campaign
 *   POST /plan/assign          region/admin/municipality: assign a school, a municipality's
 *                              schools or (region) every school to a procedure or to all
 *   POST /plan/unassign        region/admin/municipality: take a school off a procedure
 *                              (refused once the school took part: model plan_unassign)
 *   POST /plan/coordinator     region/admin: appoint a municipal or school coordinator;
 *                              municipality: a school coordinator of its schools
 *   POST /plan/date            school: fix its date and time (one for the whole parallel)
 *   GET  /plan/print.pdf?campaign=ID   the plan-graph document (a school: its own dates)
 *
 * The route table decides the roles; handlers check the objects named in a request (a
 * school, a municipality, a user) against the user's territory and answer 404 outside it.
 * A school coordinator never names its school: it is always r->user.school_id. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "model/plan.h"
#include "model/procedure.h"
#include "model/registry.h"
#include "model/user.h"
#include "report/plan_pdf.h"
#include "web/web.h"

static bool is_region(const struct web_req *r)
{
	return r->user.role == ROLE_ADMIN || r->user.role == ROLE_REGION;
}

static int64_t campaign_param(struct web_req *r)
{
	return web_int(r, "campaign"); /* 0 when not given */
}

static void notice(struct buf *b, bool ok, const char *text)
{
	buf_puts(b, ok ? "<p class=\"notice\" role=\"status\">" : "<p class=\"alert\" role=\"alert\">");
	html_text(b, text);
	buf_puts(b, "</p>");
}

static void date_input(struct buf *b, const char *name, const char *label, const char *value)
{
	html_printf(b, "<label>%s <input type=\"date\" name=\"%s\" required value=\"", label, name);
	html_attr(b, value);
	buf_puts(b, "\"></label>");
}

static void campaign_list(struct web_req *r, struct buf *b)
{
	struct plan_campaign_item *v = NULL;
	size_t n = 0;
	buf_puts(b, "<section class=\"card\"><h2>Кампании</h2>");
	if (plan_campaigns(r->db, &v, &n)) {
		buf_puts(b, "</section>");
		return;
	}
	buf_puts(b, "<table><thead><tr><th>Кампания</th><th>Процедур</th><th>Проведение с</th>"
		    "<th>Последний срок загрузки</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		char a[PLAN_DATE_LEN], z[PLAN_DATE_LEN];
		plan_date_ru(v[i].first_day, a);
		plan_date_ru(v[i].last_deadline, z);
		html_printf(b, "<tr><td><a href=\"/plan?campaign=%lld\">", (long long)v[i].id);
		html_text(b, v[i].name);
		html_printf(b, "</a></td><td class=\"num\">%ld</td><td>", v[i].procedures);
		html_text(b, a);
		buf_puts(b, "</td><td>");
		html_text(b, z);
		buf_puts(b, "</td></tr>");
	}
	free(v);
	if (!n)
		buf_puts(b, "<tr><td colspan=\"4\">Кампаний пока нет.</td></tr>");
	buf_puts(b, "</tbody></table></section>");
	if (is_region(r)) {
		buf_puts(b, "<section class=\"card\"><h2>Новая кампания</h2><form method=\"post\" "
			    "action=\"/plan\" class=\"grid\">");
		html_csrf(r, b);
		buf_puts(b, "<label>Название <input name=\"name\" required maxlength=\"190\" "
			    "placeholder=\"ВПР весна 2021\"></label><button>Создать</button></form>"
			    "<p class=\"muted\">Кампанию с процедурами и датами можно загрузить и файлом: "
			    "oko import plan ФАЙЛ.csv (см. docs/plan.md).</p></section>");
	}
}

static void procedure_options(struct web_req *r, struct buf *b, int64_t cid, bool all)
{
	struct plan_code *v = NULL;
	size_t n = 0;
	if (plan_procedure_codes(r->db, cid, all, &v, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		char name[200];
		web_procedure_name(r->db, v[i].code, name, sizeof name);
		buf_puts(b, "<option value=\"");
		html_attr(b, v[i].code);
		buf_puts(b, "\">");
		html_text(b, name);
		buf_puts(b, "</option>");
	}
	free(v);
}

static void region_forms(struct web_req *r, struct buf *b, int64_t cid)
{
	buf_puts(b, "<section class=\"card\"><h2>Процедура и её даты</h2><p class=\"muted\">Добавляет "
		    "процедуру в кампанию или меняет её даты. Даты: материалы доступны не позже начала "
		    "периода проведения; критерии — с начала периода до срока загрузки; срок загрузки — "
		    "не раньше конца периода.</p><form method=\"post\" action=\"/plan/procedure\" "
		    "class=\"grid\">");
	html_csrf(r, b);
	html_printf(b, "<input type=\"hidden\" name=\"campaign\" value=\"%lld\">", (long long)cid);
	buf_puts(b, "<label>Процедура <select name=\"procedure\" required>");
	procedure_options(r, b, cid, true);
	/* A procedure the list lacks is created on /procedures, which comes back here. */
	html_printf(b, "</select></label><p class=\"muted\">Нет нужной процедуры? <a href=\"/procedures?return=%%2Fplan%%3Fcampaign%%3D%lld\">Создать процедуру</a>.</p>",
		    (long long)cid);
	for (int f = 0; f < PLAN_NFIELDS; f++)
		date_input(b, plan_field_name((enum plan_field)f), plan_field_title((enum plan_field)f), "");
	buf_puts(b, "<button>Сохранить</button></form></section>");
}

static int municipality_option(void *ctx, int64_t id, const char *name)
{
	struct buf *b = ctx;
	html_printf(b, "<option value=\"%lld\">", (long long)id);
	html_text(b, name);
	buf_puts(b, " — все школы</option>");
	return 0;
}

static void assign_form(struct web_req *r, struct buf *b, int64_t cid)
{
	buf_puts(b, "<section class=\"card\"><h2>Назначить школы</h2><form method=\"post\" "
		    "action=\"/plan/assign\" class=\"grid\">");
	html_csrf(r, b);
	html_printf(b, "<input type=\"hidden\" name=\"campaign\" value=\"%lld\">", (long long)cid);
	buf_puts(b, "<label>Процедура <select name=\"procedure\"><option value=\"\">все процедуры "
		    "кампании</option>");
	procedure_options(r, b, cid, false);
	buf_puts(b, "</select></label><label>Школа (логин) <input name=\"school\" maxlength=\"64\" "
		    "placeholder=\"sch220206\"></label><label>или муниципалитет <select name=\"municipality\">"
		    "<option value=\"\">—</option>");
	registry_municipality_each(r->db, &r->scope, municipality_option, b);
	if (is_region(r))
		buf_puts(b, "<option value=\"all\">все школы региона</option>");
	buf_puts(b, "</select></label><button>Назначить</button></form></section>");
}

static void unassign_form(struct web_req *r, struct buf *b, int64_t cid)
{
	buf_puts(b, "<section class=\"card\"><h2>Снять школу с процедуры</h2><p class=\"muted\">Школа "
		    "перестаёт участвовать в процедуре: её дата проведения и назначенный наблюдатель "
		    "отменяются. Если школа уже участвовала — есть её результаты, акт наблюдения, отметка о "
		    "видеонаблюдении или она получила материалы, — снять её нельзя.</p><form method=\"post\" "
		    "action=\"/plan/unassign\" class=\"grid\">");
	html_csrf(r, b);
	html_printf(b, "<input type=\"hidden\" name=\"campaign\" value=\"%lld\">", (long long)cid);
	buf_puts(b, "<label>Процедура <select name=\"procedure\" required>");
	procedure_options(r, b, cid, false);
	buf_puts(b, "</select></label><label>Школа (логин) <input name=\"school\" required maxlength=\"64\" "
		    "placeholder=\"sch220206\"></label><button>Снять с процедуры</button></form></section>");
}

static void coordinators(struct web_req *r, struct buf *b, int64_t cid)
{
	struct plan_coord *v = NULL;
	size_t n = 0;
	buf_puts(b, "<section class=\"card\"><h2>Координаторы</h2>");
	if (!plan_coordinators(r->db, cid, &r->scope, &v, &n)) {
		buf_puts(b, "<table><thead><tr><th>Уровень</th><th>Территория</th><th>Координатор</th>"
			    "<th>Логин</th></tr></thead><tbody>");
		for (size_t i = 0; i < n; i++) {
			buf_puts(b, "<tr><td>");
			html_text(b, !strcmp(v[i].role, "municipality") ? "муниципальный" : "школьный");
			buf_puts(b, "</td><td>");
			html_text(b, v[i].scope);
			buf_puts(b, "</td><td>");
			html_text(b, v[i].name);
			buf_puts(b, "</td><td>");
			html_text(b, v[i].login);
			buf_puts(b, "</td></tr>");
		}
		if (!n)
			buf_puts(b, "<tr><td colspan=\"4\">Координаторы не назначены.</td></tr>");
		buf_puts(b, "</tbody></table>");
		free(v);
	}
	if (r->user.role != ROLE_SCHOOL) {
		buf_puts(b, "<form method=\"post\" action=\"/plan/coordinator\" class=\"grid\">");
		html_csrf(r, b);
		html_printf(b, "<input type=\"hidden\" name=\"campaign\" value=\"%lld\">", (long long)cid);
		html_printf(b, "<label>Логин пользователя (%s) <input name=\"login\" required "
			       "maxlength=\"64\"></label><button>Назначить координатором</button></form>",
			    is_region(r) ? "муниципальный или школьный координатор"
					 : "школьный координатор вашей школы");
	}
	buf_puts(b, "</section>");
}

static void procedures_table(struct web_req *r, struct buf *b, int64_t cid)
{
	bool school = r->user.role == ROLE_SCHOOL;
	struct plan_row *v = NULL;
	size_t n = 0;
	if (plan_rows(r->db, cid, school ? r->user.school_id : 0, &r->scope, &v, &n)) {
		notice(b, false, "Не удалось прочитать план-график.");
		return;
	}
	buf_puts(b, "<section class=\"card\"><h2>Процедуры и даты</h2>");
	if (school)
		buf_puts(b, "<p>Назначьте дату и время проведения в пределах периода. Дата одна для всех "
			    "классов параллели: все классы пишут работу одновременно.</p>");
	buf_puts(b, "<table class=\"plan\"><thead><tr><th>Процедура</th><th>Предмет</th><th>Класс</th>"
		    "<th>Материалы с</th><th>Период проведения</th><th>Критерии с</th><th>Форма с</th>"
		    "<th>Загрузка до</th>");
	buf_puts(b, school ? "<th>Дата и время в школе</th>" : "<th>Школ назначено</th><th>Назначили дату</th>");
	buf_puts(b, "</tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		const struct plan_row *x = &v[i];
		char d[PLAN_NFIELDS][PLAN_DATE_LEN];
		for (int f = 0; f < PLAN_NFIELDS; f++)
			plan_date_ru(x->dates.d[f], d[f]);
		/* The kind and year: subject and grade have their own columns; the code in a tooltip. */
		struct procedure pc;
		char why[8];
		buf_puts(b, "<tr><td title=\"");
		html_attr(b, x->code);
		buf_puts(b, "\">");
		if (procedure_code_parse(x->code, &pc, why, sizeof why) == 0)
			html_textf(b, "%s, %d", procedure_kind_name(pc.kind), pc.year);
		else
			html_text(b, x->code);
		buf_puts(b, "</td><td>");
		html_text(b, plan_subject_name(x->subject));
		html_printf(b, "</td><td class=\"num\">%d</td><td>", x->grade);
		html_text(b, d[PLAN_MATERIALS]);
		buf_puts(b, "</td><td>");
		html_textf(b, "%s – %s", d[PLAN_WINDOW_FROM], d[PLAN_WINDOW_TO]);
		for (int f = PLAN_CRITERIA; f < PLAN_NFIELDS; f++) {
			buf_puts(b, "</td><td>");
			html_text(b, d[f]);
		}
		buf_puts(b, "</td>");
		if (school) {
			buf_puts(b, "<td><form method=\"post\" action=\"/plan/date\" class=\"inline\">");
			html_csrf(r, b);
			html_printf(b, "<input type=\"hidden\" name=\"campaign\" value=\"%lld\">", (long long)cid);
			buf_puts(b, "<input type=\"hidden\" name=\"procedure\" value=\"");
			html_attr(b, x->code);
			buf_puts(b, "\"><input type=\"date\" name=\"date\" required aria-label=\"Дата\" min=\"");
			html_attr(b, x->dates.d[PLAN_WINDOW_FROM]);
			buf_puts(b, "\" max=\"");
			html_attr(b, x->dates.d[PLAN_WINDOW_TO]);
			buf_puts(b, "\" value=\"");
			html_attr(b, x->sit_date);
			buf_puts(b, "\"><input type=\"time\" name=\"time\" required aria-label=\"Время\" value=\"");
			html_attr(b, x->sit_time[0] ? x->sit_time : "09:00");
			buf_puts(b, "\"><button>");
			buf_puts(b, x->sit_date[0] ? "Изменить" : "Назначить");
			buf_puts(b, "</button></form></td>");
		} else {
			html_printf(b, "<td class=\"num\">%ld</td><td class=\"num\">%ld</td>", x->assigned, x->fixed);
		}
		buf_puts(b, "</tr>");
	}
	if (!n)
		html_printf(b, "<tr><td colspan=\"%d\">%s</td></tr>", school ? 9 : 10,
			    school ? "Ваша школа пока не назначена ни на одну процедуру этой кампании."
				   : "В кампании пока нет процедур.");
	buf_puts(b, "</tbody></table>");
	html_printf(b, "<p><a href=\"/plan/print.pdf?campaign=%lld\">План-график (PDF)</a>", (long long)cid);
	if (!school)
		buf_puts(b, " · <a href=\"/monitoring\">Мониторинг загрузки</a>");
	buf_puts(b, "</p></section>");
	free(v);
}

/* The page: one campaign when cid > 0, else the list. */
static int render(struct web_req *r, struct web_res *w, int64_t cid, const char *flash, bool ok)
{
	struct buf *b = &w->body;
	char name[PLAN_NAME_MAX];
	if (cid < 0 || (cid > 0 && plan_campaign_get(r->db, cid, name, sizeof name)))
		return ERR_NOTFOUND;
	html_begin(r, w, "План-график");
	if (!cid) {
		buf_puts(b, "<h1>План-график</h1>");
		if (flash)
			notice(b, ok, flash);
		campaign_list(r, b);
		html_end(r, w);
		return 0;
	}
	buf_puts(b, "<p class=\"crumbs\"><a href=\"/plan\">План-график</a></p><h1>");
	html_text(b, name);
	buf_puts(b, "</h1>");
	if (flash)
		notice(b, ok, flash);
	procedures_table(r, b, cid);
	if (is_region(r))
		region_forms(r, b, cid);
	if (r->user.role != ROLE_SCHOOL) {
		assign_form(r, b, cid);
		unassign_form(r, b, cid);
	}
	coordinators(r, b, cid);
	html_end(r, w);
	return 0;
}

static int refuse(struct web_req *r, struct web_res *w, int64_t cid, int status, const char *text)
{
	w->status = status;
	return render(r, w, cid, text, false);
}

int page_plan(struct web_req *r, struct web_res *w)
{
	return render(r, w, campaign_param(r), NULL, true);
}

int page_plan_create(struct web_req *r, struct web_res *w)
{
	const char *name = web_str(r, "name");
	int64_t id;
	bool created;
	char n[PLAN_NAME_MAX];
	snprintf(n, sizeof n, "%s", name ? name : "");
	if (plan_campaign_put(r->db, n, &id, &created) || !created)
		return refuse(r, w, 0, 400, n[0] ? "Кампания с таким названием уже есть или название "
						   "слишком длинное." : "Укажите название кампании.");
	audit_add(r->db, &r->user, NULL, "plan_campaign", n, NULL, r->ip);
	return render(r, w, id, "Кампания создана. Добавьте процедуры с датами.", true);
}

/* A school of the user's territory by its own login (an alias does not name a school
 * here): its id and name; ERR_NOTFOUND when there is none or the user does not see it. */
static int find_school(struct web_req *r, const char *login, int64_t *id, const char **name)
{
	struct registry_school_card c;
	int rc = registry_school_get(r->db, login, r->a, &c);
	if (!rc && !scope_sees_school(r->db, &r->scope, c.id))
		rc = ERR_NOTFOUND;
	if (!rc) {
		*id = c.id;
		*name = c.name;
	}
	return rc;
}

/* The plan page again with the form's problem: a login typed wrong is not «page not found». */
static int no_school(struct web_req *r, struct web_res *w, int64_t cid, const char *login)
{
	char m[400];
	snprintf(m, sizeof m, "Школы с логином «%s» нет среди школ вашей территории: проверьте логин.",
		 login);
	return refuse(r, w, cid, 404, m);
}

/* The procedure named by the form's "procedure" key; 0 when absent or unknown. */
static int64_t form_procedure(struct web_req *r, char code[40])
{
	const char *v = web_str(r, "procedure");
	snprintf(code, 40, "%s", v ? v : "");
	if (!v || !*v)
		return 0;
	struct procedure *p = calloc(1, sizeof *p);
	int64_t id = p && !procedure_get(r->db, v, p) ? p->id : 0;
	free(p);
	return id;
}

int page_plan_procedure(struct web_req *r, struct web_res *w)
{
	int64_t cid = campaign_param(r);
	char code[40], msg[512] = "";
	if (cid <= 0 || plan_campaign_get(r->db, cid, NULL, 0))
		return ERR_NOTFOUND;
	int64_t pid = form_procedure(r, code);
	if (!pid)
		return refuse(r, w, cid, 400, "Такой процедуры нет: сначала загрузите процедуры.");
	struct plan_dates dt;
	for (int f = 0; f < PLAN_NFIELDS; f++) {
		const char *v = web_str(r, plan_field_name((enum plan_field)f));
		snprintf(dt.d[f], PLAN_DATE_LEN, "%s", v ? v : "");
	}
	int rc = plan_procedure_put(r->db, cid, pid, &dt, msg, sizeof msg);
	if (rc == ERR_INVALID || rc == ERR_EXISTS) {
		char m[600];
		snprintf(m, sizeof m, "Даты не сохранены: %s.", msg);
		return refuse(r, w, cid, 400, m);
	}
	if (rc)
		return rc;
	audit_add(r->db, &r->user, NULL, "plan_procedure", code, dt.d[PLAN_WINDOW_FROM], r->ip);
	return render(r, w, cid, "Даты процедуры сохранены.", true);
}

int page_plan_assign(struct web_req *r, struct web_res *w)
{
	int64_t cid = campaign_param(r), sid = 0, mid = 0;
	char code[40];
	if (cid <= 0 || plan_campaign_get(r->db, cid, NULL, 0))
		return ERR_NOTFOUND;
	int64_t pid = form_procedure(r, code);
	if (code[0] && !pid)
		return ERR_NOTFOUND;
	const char *school = web_str(r, "school"), *mun = web_str(r, "municipality");
	bool has_school = school && *school, has_mun = mun && *mun;
	if (has_school == has_mun)
		return refuse(r, w, cid, 400, "Укажите либо школу, либо муниципалитет.");
	const char *sname = NULL;
	if (has_school) {
		int frc = find_school(r, school, &sid, &sname);
		if (frc == ERR_NOTFOUND)
			return no_school(r, w, cid, school);
		if (frc)
			return frc;
	} else if (!strcmp(mun, "all")) {
		if (!is_region(r))
			return ERR_NOTFOUND;
	} else {
		mid = web_int(r, "municipality");
		if (!scope_sees_municipality(r->db, &r->scope, mid))
			return ERR_NOTFOUND;
	}
	/* "all" is every school of the user's territory: a region-bound coordinator's region. */
	long added = 0;
	int rc = plan_assign(r->db, &r->scope, cid, pid, sid, mid, r->user.login, &added);
	if (rc)
		return rc;
	char m[160];
	snprintf(m, sizeof m, "Назначено новых пар «процедура — школа»: %ld.", added);
	audit_add(r->db, &r->user, NULL, "plan_assign", has_school ? school : mun, m, r->ip);
	return render(r, w, cid, m, true);
}

int page_plan_unassign(struct web_req *r, struct web_res *w)
{
	int64_t cid = campaign_param(r), sid = 0, c = 0;
	char code[40], msg[512] = "", m[1200];
	if (cid <= 0 || plan_campaign_get(r->db, cid, NULL, 0))
		return ERR_NOTFOUND;
	int64_t pid = form_procedure(r, code);
	const char *school = web_str(r, "school");
	if (!pid || plan_procedure_get(r->db, pid, &c, NULL) || c != cid)
		return refuse(r, w, cid, 400, "Выберите процедуру этой кампании.");
	if (!school || !*school)
		return refuse(r, w, cid, 400, "Укажите логин школы.");
	const char *sname = NULL;
	int frc = find_school(r, school, &sid, &sname);
	if (frc == ERR_NOTFOUND)
		return no_school(r, w, cid, school);
	if (frc)
		return frc;
	bool dropped = false;
	int rc = plan_unassign(r->db, &r->scope, pid, sid, &dropped, msg, sizeof msg);
	char name[200];
	web_procedure_name(r->db, code, name, sizeof name);
	if (rc == ERR_NOTFOUND) {
		snprintf(m, sizeof m, "Школа «%s» не назначена на процедуру «%s».", sname, name);
		return refuse(r, w, cid, 404, m);
	}
	if (rc == ERR_EXISTS) {
		audit_add(r->db, &r->user, NULL, "plan_unassign_refused", school, code, r->ip);
		snprintf(m, sizeof m, "Школа «%s» не снята с процедуры «%s»: %s.", sname, name, msg);
		return refuse(r, w, cid, 409, m);
	}
	if (rc)
		return rc;
	audit_add(r->db, &r->user, NULL, "plan_unassign", school, code, r->ip);
	snprintf(m, sizeof m, "Школа «%s» снята с процедуры «%s»%s.", sname, name,
		 dropped ? "; назначение наблюдателя на это проведение отменено" : "");
	return render(r, w, cid, m, true);
}

int page_plan_coordinator(struct web_req *r, struct web_res *w)
{
	int64_t cid = campaign_param(r);
	if (cid <= 0 || plan_campaign_get(r->db, cid, NULL, 0))
		return ERR_NOTFOUND;
	const char *login = web_str(r, "login");
	struct user u;
	if (!login || user_find(r->db, login, &u))
		return ERR_NOTFOUND;
	bool ok = u.role == ROLE_SCHOOL ? scope_sees_school(r->db, &r->scope, u.school_id)
		  : u.role == ROLE_MUNICIPALITY ? is_region(r) &&
						  scope_sees_municipality(r->db, &r->scope, u.municipality_id)
		  : false;
	if (u.role != ROLE_SCHOOL && u.role != ROLE_MUNICIPALITY && is_region(r))
		return refuse(r, w, cid, 400, "Координатором назначается пользователь с ролью "
					      "муниципального или школьного координатора.");
	if (!ok)
		return ERR_NOTFOUND;
	bool added;
	int rc = plan_coordinator_add(r->db, cid, u.id, r->user.login, &added);
	if (rc)
		return rc;
	audit_add(r->db, &r->user, NULL, "plan_coordinator", u.login, NULL, r->ip);
	return render(r, w, cid, added ? "Координатор назначен." : "Этот координатор уже назначен.", true);
}

int page_plan_date(struct web_req *r, struct web_res *w)
{
	int64_t cid = campaign_param(r), pc = 0;
	char code[40], msg[512] = "";
	int64_t pid = form_procedure(r, code);
	if (!pid || plan_procedure_get(r->db, pid, &pc, NULL) || (cid > 0 && pc != cid))
		return ERR_NOTFOUND;
	int rc = plan_fix_date(r->db, pid, r->user.school_id, web_str(r, "class"), web_str(r, "date"),
			       web_str(r, "time"), r->user.login, msg, sizeof msg);
	if (rc == ERR_NOTFOUND)
		return rc;
	if (rc == ERR_INVALID) {
		char m[600];
		snprintf(m, sizeof m, "Дата не назначена: %s.", msg);
		return refuse(r, w, pc, 400, m);
	}
	if (rc)
		return rc;
	char m[160];
	snprintf(m, sizeof m, "%s: %s %s", code, web_str(r, "date"), web_str(r, "time"));
	audit_add(r->db, &r->user, NULL, "plan_date", code, m, r->ip);
	return render(r, w, pc, "Дата и время проведения назначены для всей параллели.", true);
}

int page_plan_pdf(struct web_req *r, struct web_res *w)
{
	int64_t cid = campaign_param(r);
	char msg[512] = "";
	if (cid <= 0)
		return ERR_NOTFOUND;
	int64_t sid = r->user.role == ROLE_SCHOOL ? r->user.school_id : 0;
	int rc = plan_pdf(r->db, cid, sid, &r->user, r->now, &w->body, msg, sizeof msg);
	if (rc) {
		buf_reset(&w->body);
		return rc == ERR_NOTFOUND ? rc : (web_error_page(r, w, web_status_of(rc),
								 *msg ? msg : "Документ не построен."), 0);
	}
	w->type = "application/pdf";
	w->cache = "no-store";
	w->disposition = arena_printf(r->a, "attachment; filename=\"plan-%lld%s.pdf\"", (long long)cid,
				      sid ? "-school" : "");
	return 0;
}
